"""Steps about Amazon stores: integration, order settings, activation, Read-Only Mode."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, step, then, when

from harness.blame import checks
from harness.expect import expect
from harness.variation import INTEGRATION_GAP
from harness.world import World

# Merchant setting label -> (adapter key, {label value -> adapter value}); None maps any value through.
SETTING_LABELS: dict[str, tuple[str, dict[str, Any] | None]] = {
    "Import Amazon Orders": ("import_enabled", {"Enabled": True, "Disabled": False}),
    "Import Amazon Orders Into Magento Store": ("store_view_code", None),
    "Customer Creation": ("customer_mode", {"No Customer Creation": "guest", "Build New Customer Account": "create"}),
    "Order Number Source": ("number_source", {"Magento Increment ID": "magento", "Amazon Order Number": "amazon"}),
    "Order Status": ("order_status", None),
    "Pending Orders": ("reserve", {"Reserve Quantity": "reserve", "Do Not Reserve Quantity": "none"}),
}


def setting_value(label: str, value: str) -> tuple[str, Any]:
    """The adapter's key and value for a setting as the merchant's admin page names it."""
    if label not in SETTING_LABELS:
        raise ValueError(f"unknown order setting {label!r}; known: {sorted(SETTING_LABELS)}")
    key, choices = SETTING_LABELS[label]
    if choices is None:
        return key, value
    if value not in choices:
        raise ValueError(f"{label} is one of {sorted(choices)}, not {value!r}")
    return key, choices[value]


def _integrate(world: World, name: str, marketplace_id: str | None = None) -> None:
    # integration happens after whatever came before it, never at the same instant: any second of the next day
    world.clock.advance(world.draws.seconds(f"seconds before {name} is integrated", INTEGRATION_GAP))
    spec = world.store_spec(name, **({"marketplace_id": marketplace_id} if marketplace_id else {}))
    world.adapter.integrate_store(spec)
    world.stores[name] = spec


@given(parsers.parse('the Amazon store "{name}" is integrated'))
def store_integrated(world: World, name: str) -> None:
    _integrate(world, name)


@given(parsers.parse('the Amazon store "{name}" is integrated for the marketplace "{marketplace_id}"'))
def store_integrated_in(world: World, name: str, marketplace_id: str) -> None:
    _integrate(world, name, marketplace_id)


@given(parsers.parse('Import Amazon Orders is "{value}" for "{name}"'))
@when(parsers.parse('the merchant sets Import Amazon Orders to "{value}" for "{name}"'))
def import_setting(world: World, value: str, name: str) -> None:
    key, flag = setting_value("Import Amazon Orders", value)
    world.adapter.configure_orders(name, {key: flag})


@step(parsers.parse('the merchant sets the order settings of "{name}" to'))
def order_settings(world: World, name: str, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    if [h.strip().lower() for h in header] != ["setting", "value"]:
        raise ValueError("the settings table has the columns | setting | value |")
    world.adapter.configure_orders(name, dict(setting_value(label.strip(), value.strip()) for label, value in rows))


@step(parsers.parse('the merchant deactivates the Amazon store "{name}"'))
def store_deactivated(world: World, name: str) -> None:
    world.adapter.set_store_active(name, False)


@step(parsers.parse('the merchant activates the Amazon store "{name}"'))
def store_activated(world: World, name: str) -> None:
    world.adapter.set_store_active(name, True)


#: Amazon calls that change an order's state: none may be made in Read-Only Mode (STO-02).
CHANGING_CALLS = frozenset({"confirmShipment", "updateShipmentStatus", "createFeed"})
_READ_ONLY_SINCE = "read_only_since"  # World.notes key: Amazon's journal length when the mode was turned on


@step(parsers.re(r"the merchant turns Read-Only Mode (?P<state>on|off)$"))
def read_only(world: World, state: str) -> None:
    world.adapter.set_read_only(state == "on")
    if state == "on":
        if _READ_ONLY_SINCE not in world.notes:  # the last Amazon call before the mode was on (None: no call yet)
            world.notes[_READ_ONLY_SINCE] = next(reversed(world.sandbox.journal.entries("amazon")), None)
    else:
        world.notes.pop(_READ_ONLY_SINCE, None)


def changing_calls_in_read_only(world: World) -> list[str]:
    """The Amazon calls that change an order made since Read-Only Mode was turned on (it must be on)."""
    if _READ_ONLY_SINCE not in world.notes:
        raise ValueError("Read-Only Mode is not on in this scenario")
    calls, last = world.sandbox.journal.entries("amazon"), world.notes[_READ_ONLY_SINCE]
    if last is not None:
        index = next((i for i, e in enumerate(calls) if e is last), None)
        if index is None:
            raise ValueError("Amazon's journal no longer holds the calls made when Read-Only Mode was turned on")
        calls = calls[index + 1 :]
    return [e.operation for e in calls if e.operation in CHANGING_CALLS]


@then("Amazon has received nothing that changes an order since Read-Only Mode was turned on")
@checks("STO-02")
def nothing_sent_in_read_only(world: World) -> None:
    sent = changing_calls_in_read_only(world)
    expect(not sent, world, f"no call of {', '.join(sorted(CHANGING_CALLS))} (Amazon received {sent})")


@given(parsers.parse('the Amazon store "{name}" is integrated into the Magento website "{website}"'))
def store_integrated_into(world: World, name: str, website: str) -> None:
    world.clock.advance(world.draws.seconds(f"seconds before {name} is integrated", INTEGRATION_GAP))
    spec = world.store_spec(name, website_code=website)
    world.adapter.integrate_store(spec)
    world.stores[name] = spec
