"""Steps about Amazon stores: integration, order settings, activation, Read-Only Mode."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, step, when

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
    world.clock.advance(60)  # integration happens after whatever came before it, never at the same instant
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


@step(parsers.re(r"the merchant turns Read-Only Mode (?P<state>on|off)$"))
def read_only(world: World, state: str) -> None:
    world.adapter.set_read_only(state == "on")
