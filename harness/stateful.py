"""Model-based random test: random interleavings of Amazon, Magento and merchant events against a connector.

A Hypothesis state machine drives any adapter factory (``--impl``, as the suite resolves it) through a
fresh World per example: one or two Amazon stores, orders placed before and after integration, legal
Amazon status changes, cancellations, stale reports, catalog changes, each store's import setting, store
deactivation, Read-Only Mode, syncs, cron jobs, restarts, merchant shipments and cancellations, and
injected 429s, 5xx, timeouts and failures after commit. After each connector action it checks the
invariants of the rule catalogue; at the end of an example a quiet phase (faults cleared, every product
fixed, stores active, Read-Only Mode off, two syncs and a cron job) checks that everything importable was
imported exactly once, that every shipment reached Amazon and completed its Magento order, and that
every cancellation was followed through. A shrunk failure is printed as a Gherkin scenario in the
suite's step phrases.

    python -m harness.stateful --impl reference --examples 500
    python -m harness.stateful --impl mypackage.adapter:factory --profile nightly
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from harness import scenario_text as gherkin
from harness.adapter import AdapterFactory
from harness.guarded import describe, gherkin_step, guarded_factory
from harness.scenario_text import Script
from harness.steps import amazon_steps, catalog_steps, connector_steps, magento_steps, store_steps, table_steps
from harness.variation import CANCEL_REASONS, Draws, Parcel
from harness.world import LiveSimulators, World, open_world
from simulators.amazon.model import TRANSITIONS

STORE = "Main Store"
#: The second store an example may integrate, and its marketplace (the first store is in the US one).
SECOND_STORE, SECOND_MARKETPLACE = "EU Store", "A1PA6795UKMFR9"
STORES = (STORE, SECOND_STORE)
#: The classes of gaps the suite closes (issue 12), and what an example must have met to cover each: a CI run
#: of the random test meets every one (tests/harness/test_stateful.py).
CLASSES: dict[str, str] = {
    "1: several items": "an order of two or three items",
    "1: two stores": "a second store integrated",
    "1: several parcels": "a shipment of two or three parcels",
    "2: off the minute": "an instant that is not on a whole minute",
    "2: carrier": "a parcel shipped with a carrier other than UPS",
    "2: reason": "a cancellation from Magento with a reason other than NoInventory",
    "2: stock": "a product's stock set at or below what one order holds of it",
    "3: cron without sync": "a shipment followed by a cron job with no sync between",
    "3: first seen Pending": "an order first synced Pending that became importable",
    "4: pre-integration and import": "import switched on again with orders placed before integration",
    "4: Read-Only cancellation": "a cancellation from Magento accepted in Read-Only Mode",
    "4: deactivated store": "a sync while a store with orders is deactivated",
    "4: failed create among others": "a sync with a failing order creation and two or more orders due",
}
#: Combinations an example may open with (see ``ConnectorMachine._recipe``).
RECIPES = (
    "ship in parcels, then a cron job",
    "first seen Pending",
    "cancel with a reason",
    "cancel in Read-Only Mode",
    "a failed create among orders due",
    "just enough stock",
)
#: What each class was met by in this process (reset by :func:`run`).
COVERAGE: dict[str, int] = dict.fromkeys(CLASSES, 0)
PRODUCTS: dict[str, tuple[str, int]] = {"SKU-1": ("25.00", 10), "SKU-2": ("10.00", 10), "SKU-3": ("5.00", 3)}
IMPORTABLE = frozenset({"Unshipped", "PartiallyShipped", "Shipped"})
MAX_ORDERS = 6
QUIET_STOCK = 1000

#: Settings per use: ``ci`` is what the project's tests run, ``nightly`` a longer search.
PROFILES: dict[str, dict[str, Any]] = {
    "ci": {"max_examples": 500, "stateful_step_count": 10, "derandomize": True},
    "nightly": {"max_examples": 5000, "stateful_step_count": 30, "derandomize": False},
}


def importable(status: str, channel: str) -> bool:
    """Whether an order in this status should have a Magento order (FBA only once Shipped)."""
    return status == "Shipped" if channel == "AFN" else status in IMPORTABLE


def _reachable(status: str) -> set[str]:
    seen: set[str] = set()
    todo = [status]
    while todo:
        for nxt in TRANSITIONS.get(todo.pop(), frozenset()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


REACHABLE = {s: _reachable(s) for s in TRANSITIONS}


class InvariantViolated(AssertionError):
    """An invariant failed; the message holds the scenario that shows it, in Gherkin."""

    def __init__(self, message: str, scenario: str, rules: Sequence[str]) -> None:
        super().__init__(message)
        self.scenario = scenario
        self.rules = list(rules)


class ConnectorFailed(InvariantViolated):
    """The connector raised out of an operation; the message holds the scenario up to that step and the error."""


#: Steps that exercise a rule of their own: not taken when the connector declares any of these rules
#: unsupported (the suite skips such scenarios too). A check whose rules include one declared unsupported
#: is not made either.
STEP_RULES: dict[str, tuple[str, ...]] = {
    "cancel from Magento": ("CAN-01",),
    "Amazon cancels": ("CAN-03",),
    "ship": ("IMP-05",),
    "Read-Only Mode": ("STO-02",),
    "deactivate": ("STO-01",),
    "disable import": ("DIS-01", "DIS-02", "DIS-04"),
    "second store": ("SET-02",),
    "FBA order": ("IMP-10",),
    "throttle": ("SYN-02",),
    "fail after commit": ("SYN-04",),
}


@dataclass
class Tracked:
    """What the model knows of one Amazon order."""

    alias: str
    channel: str
    pre_integration: bool
    store: str = STORE
    eligible: bool = False  # a sync of its active store ran with import enabled while it was importable
    amazon_changes: int = 0  # status changes Amazon made on its own (moves and cancellations)
    tracking: str | None = None  # the merchant shipped its Magento order (the first parcel's tracking number)
    parcels: list[Parcel] | None = None  # the parcels of that shipment
    reason: str = ""  # the reason the merchant gave to cancel it from Magento
    first_seen: str | None = None  # its status when a sync first recorded it
    shipped_since_sync: bool = False  # shipped in Magento, and no sync ran since
    shipped_at_change: int | None = None  # amazon_changes when it was shipped, if it was Unshipped then
    amazon_canceled: bool = False
    merchant_canceled: bool = False  # the connector accepted the merchant's cancellation from Magento
    canceled_at_change: int | None = None  # amazon_changes when a cancellation was accepted, if Unshipped then


class ConnectorMachine(RuleBasedStateMachine):
    """Random interleavings against ``factory``; see :func:`machine_for`."""

    factory: ClassVar[AdapterFactory]
    #: Simulators on loopback ports, for a connector in another process (``--impl http://...``).
    live: ClassVar[LiveSimulators | None] = None
    orders = Bundle("orders")

    def __init__(self) -> None:
        super().__init__()
        self._stack = ExitStack()
        workdir = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="asc-stateful-")))
        machine = type(self)
        self.script = Script()
        self.failed = False
        factory = guarded_factory(machine.factory, self._connector_failed)
        self.world: World = self._stack.enter_context(open_world(factory, seed=0, workdir=workdir, live=machine.live))
        self.unsupported = frozenset(self.world.adapter.capabilities().unsupported)
        self.tracked: dict[str, Tracked] = {}
        self.import_enabled: dict[str, bool] = {}
        self.active: dict[str, bool] = {}
        self.read_only = False
        self.rows: dict[str, str] = {}
        self.counter = 0
        for sku, (price, qty) in PRODUCTS.items():
            catalog_steps.product_in_stock(self.world, sku, price, qty)
            self.script.add("Given", f'the Magento catalog has the product "{sku}" priced {price} with {qty} in stock')

    # -- set-up ------------------------------------------------------------------------------------------------
    @initialize(
        target=orders,
        old=st.lists(st.tuples(st.sampled_from(sorted(PRODUCTS)), st.booleans()), max_size=2),
        second=st.booleans(),
        seed=st.integers(0, 2**32 - 1),
        recipe=st.sampled_from([None, None, *RECIPES]),
        reason=st.sampled_from([r for r in CANCEL_REASONS if r != "NoInventory"]),
    )
    def integrate(self, old: list[tuple[str, bool]], second: bool, seed: int, recipe: str | None, reason: str) -> Any:
        """The values no rule pins (instants, gaps before events and syncs, parcels, Amazon's reasons and page
        sizes) are drawn from ``seed`` as the suite draws them; then old orders, and one or two stores."""
        self.world.draws = Draws(seed)
        self.world.amazon.order_items_page_size = self.world.draws.choice(
            "Amazon's page size of order items", (1, 2, 100)
        )
        aliases = []
        for index, (sku, unshipped) in enumerate(old, start=1):
            alias = f"OLD{index}"
            amazon_steps.place_order(self.world, alias, f'1 x "{sku}"')
            self.script.add("Given", f'a buyer orders 1 x "{sku}" on Amazon as order "{alias}"')
            if unshipped:
                amazon_steps.amazon_moves(self.world, alias, "Unshipped")
                self.script.add("Given", f'Amazon moves order "{alias}" to "Unshipped"')
            self.tracked[alias] = Tracked(alias, "MFN", pre_integration=True)
            aliases.append(alias)
        store_steps.store_integrated(self.world, STORE)
        self.script.add("Given", f'the Amazon store "{STORE}" is integrated')
        if second and self._takes("second store"):
            _cover("1: two stores")
            store_steps.store_integrated_in(self.world, SECOND_STORE, SECOND_MARKETPLACE)
            self.script.add(
                "Given", f'the Amazon store "{SECOND_STORE}" is integrated for the marketplace "{SECOND_MARKETPLACE}"'
            )
        for name in self.world.stores:
            self.import_enabled[name] = self.active[name] = True
        for alias in aliases:  # the order keeps its Amazon ID: the integration step does not place orders
            self.world.order_store[self.world.order_id(alias)] = STORE
        if recipe is not None:
            aliases += self._recipe(recipe, reason)
        return multiple(*aliases)

    def _recipe(self, name: str, reason: str) -> list[str]:
        """Open the example with the steps of one combination (see :data:`RECIPES`): random steps alone meet
        some combinations too rarely for a CI run. Returns the orders it placed."""
        three = [("SKU-1", 3)]
        if name == "ship in parcels, then a cron job":
            alias = self.place("unshipped", three, STORE)
            self.sync()
            self._ship(alias, "three")
            self.connector("cron")
            return [alias]
        if name == "first seen Pending":
            alias = self.place("pending", [("SKU-2", 1)], STORE)
            self.sync()
            self.amazon(alias, "move", 1)  # Pending -> Unshipped (of Unfulfillable, Unshipped)
            self.sync()
            return [alias]
        if name == "cancel with a reason":
            alias = self.place("unshipped", [("SKU-2", 2)], STORE)
            self.sync()
            self.merchant(alias, False, reason)
            self.sync()
            return [alias]
        if name == "cancel in Read-Only Mode":
            alias = self.place("unshipped", [("SKU-1", 1)], STORE)
            self.sync()
            self.read_only_mode(True)
            self.merchant(alias, False, reason)
            self.sync()
            return [alias]
        if name == "a failed create among orders due":
            first, second = (
                self.place("unshipped", [("SKU-1", 1)], STORE),
                self.place("unshipped", [("SKU-2", 1)], STORE),
            )
            self.fault(("status", "orderCreate"), 1)
            self.sync()
            return [first, second]
        if name == "just enough stock":
            alias = self.place("unshipped", [("SKU-3", 2)], STORE)
            self.catalog("SKU-3", "stock", 2)
            self.sync()
            return [alias]
        raise ValueError(f"unknown recipe {name!r}")

    # -- Amazon --------------------------------------------------------------------------------------------------
    @precondition(lambda self: sum(not t.pre_integration for t in self.tracked.values()) < MAX_ORDERS)
    @rule(
        target=orders,
        kind=st.sampled_from(["unshipped", "pending", "unshipped", "fba"]),
        lines=st.lists(st.tuples(st.sampled_from(sorted(PRODUCTS)), st.integers(1, 3)), min_size=1, max_size=3),
        store=st.sampled_from(STORES),
    )
    def place(self, kind: str, lines: list[tuple[str, int]], store: str) -> str:
        """A buyer orders on Amazon (Pending, already Unshipped, or fulfilled by Amazon), in either store."""
        merged: dict[str, int] = {}
        for sku, qty in lines:
            merged[sku] = merged.get(sku, 0) + qty
        text = " and ".join(f'{q} x "{s}"' for s, q in merged.items())
        if len(merged) > 1:
            _cover("1: several items")
        alias = f"A{sum(not t.pre_integration for t in self.tracked.values()) + 1}"
        store = store if store in self.world.stores else STORE
        where = "" if store == STORE else f' in the store "{store}"'
        kind = kind if kind != "fba" or self._takes("FBA order") else "unshipped"
        if kind == "pending":
            amazon_steps.place_order(self.world, alias, text, store=store)
            phrase = f'a buyer orders {text} on Amazon as order "{alias}"' if not where else None
            self.script.add("When", phrase or f'an Amazon order "{alias}" for {text}{where}')
        elif kind == "unshipped":
            amazon_steps.place_order(self.world, alias, text, status="Unshipped", store=store)
            self.script.add("When", f'an Unshipped Amazon order "{alias}" for {text}{where}')
        else:
            amazon_steps.place_order(self.world, alias, text, status="Unshipped", channel="AFN", store=store)
            self.script.add(
                "When", f'an Amazon order "{alias}" fulfilled by Amazon for {text} in status "Unshipped"{where}'
            )
        self.tracked[alias] = Tracked(alias, "AFN" if kind == "fba" else "MFN", pre_integration=False, store=store)
        return alias

    def _amazon(self, alias: str) -> Any:
        return self.world.amazon.get(self.world.order_id(alias))

    @rule(alias=orders, change=st.sampled_from(["move", "move", "cancel", "stale"]), choice=st.integers(0, 9))
    def amazon(self, alias: str, change: str, choice: int) -> None:
        """Amazon changes an order: a legal status change, a cancellation, or a stale report of an earlier state."""
        order = self._amazon(alias)
        tracked = self.tracked[alias]
        if change == "cancel":
            if "Canceled" in TRANSITIONS.get(order.status, frozenset()) and self._takes("Amazon cancels"):
                amazon_steps.amazon_cancels(self.world, alias)
                self.script.add("When", f'Amazon cancels order "{alias}"')
                tracked.amazon_changes += 1
                tracked.amazon_canceled = True
            return
        if change == "stale":
            earlier = sorted({h[0] for h in order.history[:-1]})
            if earlier:
                status = earlier[choice % len(earlier)]
                amazon_steps.amazon_stale_report(self.world, alias, status)
                self.script.add("When", f'Amazon reports order "{alias}" again with its earlier status "{status}"')
            return
        options = sorted(TRANSITIONS.get(order.status, frozenset()) - {"Canceled"})
        if sum(i.quantity_ordered for i in order.items) < 2 or order.items_shipped:
            options = [s for s in options if s != "PartiallyShipped"]
        if options:
            status = options[choice % len(options)]
            amazon_steps.amazon_moves(self.world, alias, status)
            self.script.add("When", f'Amazon moves order "{alias}" to "{status}"')
            tracked.amazon_changes += 1

    # -- Magento and the merchant --------------------------------------------------------------------------------
    @rule(
        sku=st.sampled_from(sorted(PRODUCTS)),
        change=st.sampled_from(["disable", "enable", "stock", "delete", "create"]),
        qty=st.sampled_from([0, 1, 5, 20]),
    )
    def catalog(self, sku: str, change: str, qty: int) -> None:
        """The merchant disables, enables, restocks, deletes or (re)creates a product."""
        exists = sku in self.world.magento.products
        if change == "create" and not exists:
            price = PRODUCTS[sku][0]
            catalog_steps.product_created(self.world, sku, price, qty)
            self.script.add(
                "When", f'the merchant creates the Magento product "{sku}" priced {price} with {qty} in stock'
            )
        elif not exists or change == "create":
            return
        elif change == "disable":
            catalog_steps.product_disabled(self.world, sku)
            self.script.add("When", f'the merchant disables the Magento product "{sku}"')
        elif change == "enable":
            catalog_steps.product_enabled(self.world, sku)
            self.script.add("When", f'the merchant enables the Magento product "{sku}"')
        elif change == "stock":
            if any(
                i.seller_sku == sku and 0 < qty <= i.quantity_ordered
                for t in self.tracked.values()
                for i in self._amazon(t.alias).items
            ):
                _cover("2: stock")
            catalog_steps.product_stock(self.world, sku, qty)
            self.script.add("When", f'the merchant sets the stock of "{sku}" to {qty}')
        else:
            catalog_steps.product_missing(self.world, sku)
            self.script.add("Given", f'the Magento catalog has no product "{sku}"')

    @rule(enabled=st.sampled_from([False, True, True]), store=st.sampled_from(STORES))
    def import_setting(self, enabled: bool, store: str) -> None:
        """The merchant switches Import Amazon Orders of one store."""
        if not enabled and not self._takes("disable import"):
            return
        self._set_import(store if store in self.world.stores else STORE, enabled)

    def _set_import(self, store: str, enabled: bool) -> None:
        value = "Enabled" if enabled else "Disabled"
        if enabled and not self.import_enabled[store] and any(t.pre_integration for t in self.tracked.values()):
            _cover("4: pre-integration and import")
        self.import_enabled[store] = enabled
        self._mark_eligible()  # a connector may import as soon as import is switched on
        store_steps.import_setting(self.world, value, store)
        self.script.add("When", f'the merchant sets Import Amazon Orders to "{value}" for "{store}"')
        self._check_read_only()

    # A switch is a step of its own that does nothing when already set, so a shrunk example drops it freely.
    @rule(active=st.booleans(), store=st.sampled_from(STORES))
    def store_activity(self, active: bool, store: str) -> None:
        """The merchant deactivates or activates a store."""
        store = store if store in self.world.stores else STORE
        if active != self.active[store] and (active or self._takes("deactivate")):
            self._set_active(store, active)

    def _set_active(self, store: str, active: bool) -> None:
        self.active[store] = active
        self._mark_eligible()  # a connector may sync a store as soon as it is activated
        if active:
            store_steps.store_activated(self.world, store)
            self.script.add("When", f'the merchant activates the Amazon store "{store}"')
        else:
            store_steps.store_deactivated(self.world, store)
            self.script.add("When", f'the merchant deactivates the Amazon store "{store}"')
        self._check_read_only()

    @rule(on=st.booleans())
    def read_only_mode(self, on: bool) -> None:
        """The merchant turns Read-Only Mode on or off."""
        if on != self.read_only and (not on or self._takes("Read-Only Mode")):
            self._set_read_only(on)

    def _set_read_only(self, on: bool) -> None:
        store_steps.read_only(self.world, "on" if on else "off")
        self.script.add("When", f"the merchant turns Read-Only Mode {'on' if on else 'off'}")
        self.read_only = on

    @rule(alias=orders, ship=st.sampled_from([True, True, False]), reason=st.sampled_from(CANCEL_REASONS))
    def merchant(self, alias: str, ship: bool, reason: str) -> None:
        """The merchant ships the order's Magento order, or tries to cancel the order from Magento."""
        tracked = self.tracked[alias]
        if not self._takes("ship" if ship else "cancel from Magento"):
            return
        if not ship:
            # Unshipped as far as the merchant can tell: on Amazon, or in the table the connector shows
            row, status = table_steps.find_row(self.world, alias), self._amazon(alias).status
            seen = {status, row.status if row is not None else "no row"}
            connector_steps.merchant_tries_to_cancel(self.world, alias, reason)
            text = f'the merchant tries to cancel order "{alias}" from Magento with the reason "{reason}"'
            self.script.add("When", text)
            if self.world.last_error is None and "Unshipped" not in seen and not tracked.merchant_canceled:
                what = f"the connector accepted to cancel {alias} ({' and '.join(sorted(seen))}) from Magento"
                self._fail(["CAN-01"], what, [gherkin.REFUSED])
            if self.world.last_error is None and not tracked.merchant_canceled:
                tracked.merchant_canceled = True
                tracked.reason = reason
                if reason != "NoInventory":
                    _cover("2: reason")
                if self.read_only:
                    _cover("4: Read-Only cancellation")
                tracked.canceled_at_change = tracked.amazon_changes if status == "Unshipped" else None
            self._check(after_sync=False)
            return
        self._ship(alias, None)

    def _ship(self, alias: str, count: str | None) -> None:
        """The merchant ships the order's one Magento order (in ``count`` parcels, or a drawn number)."""
        tracked = self.tracked[alias]
        found = self.world.magento.orders_for_amazon_id(self.world.order_id(alias))
        if len(found) != 1 or not self._shippable(found[0]):
            return
        unshipped = self._amazon(alias).status == "Unshipped"
        magento_steps.merchant_ships_drawn(self.world, alias, count)
        parcels_text = f" in {count} parcel{'' if count == 'one' else 's'}" if count else ""
        self.script.add("When", f'the merchant ships the Magento order for "{alias}"{parcels_text}')
        parcels = [p for p in self.world.notes[magento_steps.PARCELS][alias] if p not in (tracked.parcels or [])]
        tracked.parcels = parcels
        tracked.tracking = parcels[0].tracking
        tracked.shipped_since_sync = True
        if len(parcels) > 1:
            _cover("1: several parcels")
        if any(p.carrier_code != "ups" for p in parcels):
            _cover("2: carrier")
        tracked.shipped_at_change = tracked.amazon_changes if unshipped else None

    def _shippable(self, order: dict[str, Any]) -> bool:
        if order["state"] in {"holded", "payment_review", "canceled", "closed", "complete"}:
            return False
        if (order.get("extension_attributes") or {}).get("amazon_fulfillment_channel") == "AFN":
            return False
        wanted: dict[str, Decimal] = {}
        for item in order["items"]:
            qty = Decimal(str(item["qty_ordered"])) - Decimal(str(item["qty_shipped"]))
            qty -= Decimal(str(item.get("qty_canceled", 0))) + Decimal(str(item.get("qty_refunded", 0)))
            if qty > 0:
                wanted[item["sku"]] = wanted.get(item["sku"], Decimal(0)) + qty
        stock = self.world.magento.stock
        return bool(wanted) and all(
            s in stock and (not stock[s].manage_stock or stock[s].qty >= q) for s, q in wanted.items()
        )

    # -- faults ------------------------------------------------------------------------------------------------
    @rule(
        fault=st.sampled_from(
            [
                ("after_commit", "orderCreate"),
                ("throttle", "order searches"),
                ("throttle", "order item look-ups"),
                ("after_commit", "orderCreate"),
                ("status", "orderCreate"),
                ("lost", "orderCreate"),
                ("status", "getOrders"),
                ("lost", "getOrders"),
                ("status", "productGet"),
            ]
        ),
        times=st.integers(1, 3),
    )
    def fault(self, fault: tuple[str, str], times: int) -> None:
        """Amazon throttles; Magento fails after saving an order; a 503 or a timeout on one call."""
        kind, what = fault
        if not self._takes({"throttle": "throttle", "after_commit": "fail after commit"}.get(kind, "")):
            return
        if kind == "throttle":
            amazon_steps.amazon_throttles(self.world, str(times), what)
            self.script.add("Given", f"Amazon throttles the next {times} {what}")
        elif kind == "after_commit":
            magento_steps.magento_fails_after_commit(self.world)
            self.script.add("Given", "Magento fails the next order creation after saving the order")
        else:
            service, call = next(k for k, v in magento_steps.FAILING_CALLS.items() if v[1] == what)
            phrase = "answers HTTP 503 to" if kind == "status" else "gives no answer to"
            magento_steps.service_fails_next_call(self.world, service, phrase, call)
            self.script.add("Given", f"{service} {phrase} the next {call}")

    # -- the connector -----------------------------------------------------------------------------------------
    def _synced(self, t: Tracked) -> bool:
        """Whether a sync imports this order now: its store is active and imports orders."""
        return self.active[t.store] and self.import_enabled[t.store]

    def _mark_eligible(self) -> None:
        """Mark the orders a sync may import now."""
        for t in self.tracked.values():
            if not t.pre_integration and self._synced(t) and importable(self._amazon(t.alias).status, t.channel):
                t.eligible = True

    def _connector(self, keyword_text: str, action: Callable[[World], None]) -> None:
        self._cover_before(keyword_text)
        self._mark_eligible()
        quiet = not _pending_faults(self.world)
        mark = len(self.world.sandbox.journal.entries())
        salable = self._salable()
        asleep = {name: self._frozen(name) for name, active in self.active.items() if not active}
        canceled = [t for t in self.tracked.values() if self._cancel_owed(t)]
        action(self.world)
        self.script.add("When", keyword_text)
        self._note_first_seen()
        calls = self.world.sandbox.journal.entries()[mark:]
        errors = [e for e in calls if e.status >= 429]
        released = any(e.operation == "orderCancel" for e in calls)  # a cancellation gave stock back meanwhile
        for name, before in asleep.items():
            self._check_asleep(name, before)
        self._check(after_sync=quiet and not errors, released=released)
        self._check_stock(salable)
        if quiet and not errors and keyword_text == "the connector syncs":
            for t in canceled:
                self._check_canceled(t)

    def _cover_before(self, keyword_text: str) -> None:
        """Note the classes of issue 12 this connector action meets (see :data:`CLASSES`)."""
        tracked = [t for t in self.tracked.values() if not t.pre_integration]
        if keyword_text == "the cron job runs" and any(t.shipped_since_sync for t in tracked):
            _cover("3: cron without sync")
        for t in tracked:
            t.shipped_since_sync = False
        if self.world.clock.now().second:
            _cover("2: off the minute")
        if any(not a and any(t.store == s for t in tracked) for s, a in self.active.items()):
            _cover("4: deactivated store")
        failing = getattr(self.world.sandbox.faults, "_faults", {}).get(("magento", "orderCreate"))
        due = [t for t in tracked if importable(self._amazon(t.alias).status, t.channel) and not self._magento(t.alias)]
        if failing and len(due) > 1:
            _cover("4: failed create among others")

    def _note_first_seen(self) -> None:
        """Each order's status when the table first showed it; one first seen Pending that became importable
        meets class 3 (rules checked on orders first seen Pending)."""
        rows = {r.order_number: r.status for n in self.world.stores for r in self.world.adapter.amazon_orders(n)}
        for t in self.tracked.values():
            row = rows.get(self.world.order_id(t.alias))
            if t.first_seen is None and row is not None:
                t.first_seen = row
            if (
                t.first_seen == "Pending"
                and importable(self._amazon(t.alias).status, t.channel)
                and self._magento(t.alias)
            ):
                _cover("3: first seen Pending")

    def _cancel_owed(self, t: Tracked) -> bool:
        """Whether the next sync owes this order the cancellation of its Magento order: Amazon canceled it (not
        the merchant), it has a Magento order the merchant has not shipped, and its store is synced."""
        owed = t.amazon_canceled and not t.merchant_canceled and not t.tracking and self._synced(t)
        return owed and bool(self._magento(t.alias))

    def _check_canceled(self, t: Tracked) -> None:
        """An order Amazon canceled after import has its Magento order canceled (CAN-03)."""
        found = self._magento(t.alias)
        if found and found[0]["state"] not in {"canceled", "closed"}:
            what = f"{t.alias}, canceled by Amazon, has a Magento order in {found[0]['state']}"
            self._fail(["CAN-03"], what, [gherkin.status(t.alias, "canceled")])

    def _frozen(self, store: str) -> dict[str, tuple[str | None, int]]:
        """What a deactivated store's synchronisation would change: per order, its row's status and how many
        Magento orders it has."""
        rows = {r.order_number: r.status for r in self.world.adapter.amazon_orders(store)}
        return {
            t.alias: (rows.get(self.world.order_id(t.alias)), len(self._magento(t.alias)))
            for t in self.tracked.values()
            if t.store == store
        }

    def _check_asleep(self, store: str, before: dict[str, tuple[str | None, int]]) -> None:
        """Nothing of a deactivated store changes: no row is added or moved, no Magento order made (STO-01)."""
        then, changed = [], []
        for alias, (row, made) in self._frozen(store).items():
            was_row, was_made = before.get(alias, (None, 0))
            sending_kept = row == "Canceled" and was_row is not None and self.tracked[alias].merchant_canceled
            if row != was_row and not sending_kept:  # a cancellation kept from the merchant may go meanwhile
                changed.append(f"the row of {alias} went from {was_row or 'none'} to {row or 'none'}")
                then.append(gherkin.row(alias, was_row) if was_row else gherkin.no_row(alias))
            if made > was_made:
                changed.append(f"{alias} got a Magento order")
                then.append(gherkin.none(alias) if not was_made else gherkin.one(alias))
        if changed:
            self._fail(["STO-01"], f'the deactivated store "{store}" was synchronised: {"; ".join(changed)}', then)

    def _check_read_only(self) -> None:
        """In Read-Only Mode no call that changes an order reaches Amazon (STO-02)."""
        if self.read_only and (sent := store_steps.changing_calls_in_read_only(self.world)):
            what = f"in Read-Only Mode the connector called {', '.join(sorted(set(sent)))}"
            self._fail(["STO-02"], what, [gherkin.NOTHING_SENT])

    def _salable(self) -> dict[str, Decimal]:
        """Salable quantity of every product that manages stock."""
        stock = self.world.magento.stock
        return {sku: Decimal(str(self.world.magento.salable_qty(sku))) for sku in stock if stock[sku].manage_stock}

    def _check_stock(self, before: dict[str, Decimal]) -> None:
        """Managed stock never goes negative, and a connector action never takes salable quantity below
        zero (the merchant lowering stock under what orders hold may; the connector must not add to it)."""
        for sku, item in self.world.magento.stock.items():
            if item.manage_stock and Decimal(str(item.qty)) < 0:
                self._fail(["IMP-11", "BLK-03"], f"the managed stock of {sku} is {item.qty}", [f"# stock of {sku} < 0"])
        for sku, now in self._salable().items():
            if now < min(Decimal(0), before.get(sku, Decimal(0))):
                what = f"the connector took the salable quantity of {sku} from {before.get(sku)} to {now}"
                self._fail(["IMP-11", "BLK-03", "SET-07"], what, [gherkin.salable(sku, before.get(sku))])

    @rule()
    def sync(self) -> None:
        """The connector syncs."""
        self._connector("the connector syncs", connector_steps.connector_syncs)

    @rule(what=st.sampled_from(["sync", "cron", "restart"]))
    def connector(self, what: str) -> None:
        """The connector syncs, runs its cron job, or restarts."""
        if what == "sync":
            self._connector("the connector syncs", connector_steps.connector_syncs)
        elif what == "cron":
            self._connector("the cron job runs", connector_steps.cron_runs)
        else:
            connector_steps.connector_restarts(self.world)
            self.script.add("When", "the connector restarts")
            self._check(after_sync=False)

    # -- invariants --------------------------------------------------------------------------------------------
    def _fail(self, rules: Sequence[str], what: str, then: Sequence[str]) -> None:
        if self.unsupported.intersection(rules):
            return  # the connector declares a rule of this check unsupported
        scenario = self.script.scenario(f"Random interleaving: {what}", rules, then)
        self.failed = True  # the quiet phase would only bury this failure under another
        raise InvariantViolated(f"{what}\n\n{scenario}\n\n{self.world.state()}", scenario, rules)

    def _takes(self, step: str) -> bool:
        """Whether to take a step of :data:`STEP_RULES`: the connector supports every rule it exercises."""
        return not self.unsupported.intersection(STEP_RULES.get(step, ()))

    def _connector_failed(self, operation: str, args: Mapping[str, Any], err: Exception) -> None:
        """The connector raised: the scenario up to the step that called it, and the error, without traceback."""
        world = getattr(self, "world", None)
        step = gherkin_step(operation, args, world.orders if world is not None else {}, restart=world is not None)
        if step is not None:
            self.script.add(*step)
        error = describe(err)
        what = f"the connector raised in {operation}"
        scenario = self.script.scenario(f"Random interleaving: {what}", [], [f"# {error}"])
        state = f"\n\n{world.state()}" if world is not None else ""
        self.failed = True
        raise ConnectorFailed(f"{what}: {error}\n\n{scenario}{state}", scenario, []) from err

    def _magento(self, alias: str) -> list[dict[str, Any]]:
        return self.world.magento.orders_for_amazon_id(self.world.order_id(alias))

    def _check(self, *, after_sync: bool, released: bool = False) -> None:
        self._check_read_only()
        rows = {r.order_number: r for name in self.world.stores for r in self.world.adapter.amazon_orders(name)}
        for t in self.tracked.values():
            count = len(self._magento(t.alias))
            amazon_id = self.world.order_id(t.alias)
            if count > 1:
                self._fail(["IMP-07"], f"{count} Magento orders for {t.alias}", [gherkin.one(t.alias)])
            if t.pre_integration and count:
                self._fail(["PRE-01", "PRE-02"], f"a Magento order for {t.alias}", [gherkin.none(t.alias)])
            if t.pre_integration and amazon_id in rows:
                self._fail(
                    ["PRE-03"],
                    f"{t.alias} is in the table",
                    [gherkin.no_row(t.alias)],
                )
            if count and not t.pre_integration and not t.eligible:
                why = "import disabled or status never importable"
                self._fail(
                    ["IMP-02", "IMP-09", "IMP-10", "DIS-02"],
                    f"a Magento order for {t.alias} ({why})",
                    [gherkin.none(t.alias)],
                )
            row = rows.get(amazon_id)
            before = self.rows.get(t.alias)
            if row is not None and before is not None and row.status != before and row.status not in REACHABLE[before]:
                now = self._amazon(t.alias).status
                self._fail(
                    ["SYN-05"],
                    f"the row of {t.alias} moved back from {before} to {row.status}",
                    [gherkin.row(t.alias, now)],
                )
            if row is not None:
                self.rows[t.alias] = row.status
        if after_sync:
            self._check_synced(rows, released=released)

    def _check_synced(self, rows: dict[str, Any], *, released: bool) -> None:
        """After a sync that met no fault: the table follows Amazon, an order left without a Magento order is
        one that cannot be created, and the message is up exactly when there is such an order."""
        blocked: dict[str, list[str]] = {}
        canceling: set[str] = set()  # stores with an order the merchant is canceling: counted or not, as they like
        for t in self.tracked.values():
            if t.pre_integration or not self.active[t.store]:
                continue
            status = self._amazon(t.alias).status
            row = rows.get(self.world.order_id(t.alias))
            if row is None or row.status != status:
                shown = "no row" if row is None else row.status
                self._fail(
                    ["IMP-01", "IMP-14", "DIS-01"],
                    f"the row of {t.alias} shows {shown}, Amazon {status}",
                    [gherkin.row(t.alias, status)],
                )
            if self._synced(t) and importable(status, t.channel) and not self._magento(t.alias):
                if t.merchant_canceled:
                    canceling.add(t.store)
                else:
                    blocked.setdefault(t.store, []).append(t.alias)
        creatable = [] if released else [a for aliases in blocked.values() for a in aliases if self._creatable(a)]
        if creatable:  # checked first: the message follows from what cannot be created
            what = f"{', '.join(creatable)} could be created but has no Magento order after the sync"
            self._fail(["BLK-09", "BLK-05"], what, [gherkin.each(creatable)])
        self._check_message(blocked, canceling)

    def _owed(self, t: Tracked) -> bool:
        """Whether a sync owes this order a Magento order once it is importable: its store is active and imports
        orders, and the merchant has not canceled it (a connector may leave an order it is canceling alone)."""
        return self._synced(t) and not t.merchant_canceled

    def _check_message(self, blocked: dict[str, list[str]], canceling: set[str]) -> None:
        """The message is up exactly when an order cannot be imported, naming exactly those orders' stores. A
        deactivated store may be named or not (its orders are as its last sync saw them), and so may a store
        whose only such orders are ones the merchant is canceling."""
        prefix = magento_steps.MESSAGE_PREFIX
        shown = [m.text for m in self.world.magento.system_messages() if m.text.startswith(prefix)]
        named = {n.strip() for n in shown[0][len(prefix) :].split(",")} if len(shown) == 1 else None
        free = canceling | {name for name, active in self.active.items() if not active}
        wanted = set(blocked) | ((named or set()) & free)
        if wanted and named != wanted:
            aliases = ", ".join(a for aliases in blocked.values() for a in aliases) or "an order"
            what = f"{aliases} cannot be imported but the message is {shown}"
            self._fail(["BLK-04", "BLK-10"], what, [gherkin.message(sorted(wanted))])
        if not wanted and shown:
            self._fail(["BLK-10"], "nothing is blocked but the cannot-import message is up", [gherkin.message([])])

    def _creatable(self, alias: str) -> bool:
        """Whether Magento would take the order now: every product exists and, for a merchant-fulfilled
        order, is enabled and (when it manages stock) in stock with enough salable quantity."""
        order = self._amazon(alias)
        wanted: dict[str, int] = {}
        for item in order.items:
            wanted[item.seller_sku] = wanted.get(item.seller_sku, 0) + item.quantity_ordered
        magento = self.world.magento
        for sku, qty in wanted.items():
            product = magento.products.get(sku)
            if product is None:
                return False
            if order.fulfillment_channel == "AFN":
                continue
            stock = magento.stock.get(sku)
            if not product.enabled:
                return False
            managed = stock is not None and stock.manage_stock
            if managed and (not stock.is_in_stock or Decimal(str(magento.salable_qty(sku))) < qty):
                return False
        return True

    def teardown(self) -> None:
        try:
            if self.world.stores and not self.failed:
                self._quiet_phase()
        finally:
            self._stack.close()

    def _quiet_phase(self) -> None:
        """Faults cleared, every product fixed, every store active, Read-Only Mode off, two syncs and a cron
        job: everything importable is imported exactly once, every shipment reached Amazon and completed its
        Magento order, and every cancellation was followed through."""
        if _pending_faults(self.world):
            self.script.add("#", "(the faults still pending here are cleared)")
        self.world.sandbox.faults.clear()
        for sku, (price, _) in PRODUCTS.items():
            catalog_steps.product_in_stock(self.world, sku, price, QUIET_STOCK)
            self.script.add(
                "Given", f'the Magento catalog has the product "{sku}" priced {price} with {QUIET_STOCK} in stock'
            )
        for name, active in self.active.items():
            if not active:
                self._set_active(name, True)
        if self.read_only:
            self._set_read_only(False)
        for name, enabled in self.import_enabled.items():  # DEC-06: once enabled, everything is caught up
            if not enabled:
                self._set_import(name, True)
        self._connector("the connector syncs", connector_steps.connector_syncs)
        self._connector("the connector syncs", connector_steps.connector_syncs)
        missing = [
            t.alias
            for t in self.tracked.values()
            if not t.pre_integration
            and self._owed(t)
            and importable(self._amazon(t.alias).status, t.channel)
            and len(self._magento(t.alias)) != 1
        ]
        if missing:
            rules = ["IMP-03", "IMP-08", "BLK-05", "DIS-04", "SYN-02", "SYN-04"]
            self._fail(
                rules, f"once unblocked, {', '.join(missing)} still have no Magento order", [gherkin.each(missing)]
            )
        self._connector("the cron job runs", connector_steps.cron_runs)
        for t in self.tracked.values():
            if not t.pre_integration:
                self._check_followed_through(t)

    def _check_followed_through(self, t: Tracked) -> None:
        """A shipment of an order Amazon left Unshipped meanwhile reached Amazon and, after the cron job, its
        Magento order is complete (IMP-05, IMP-06); a cancellation from Magento reached Amazon and left the
        Magento order complete (CAN-01, CAN-02); one from Amazon canceled the Magento order (CAN-03)."""
        found = self._magento(t.alias)
        amazon_id = self.world.order_id(t.alias)
        if t.tracking and t.shipped_at_change == t.amazon_changes and not t.merchant_canceled:
            confirmed = self.world.amazon.shipment_confirmations(amazon_id)
            missing = [
                p.tracking
                for p in t.parcels or []
                if not any(
                    c.tracking_number == p.tracking and magento_steps.carrier_matches(p, c.carrier_code, c.carrier_name)
                    for c in confirmed
                )
            ]
            if missing:
                what = f"the parcels {', '.join(missing)} of {t.alias} never reached Amazon with their carrier"
                self._fail(["IMP-05", "STO-02", "DEC-08"], what, [gherkin.every_parcel(t.alias)])
            if len(found) == 1 and found[0]["status"] != "complete":
                what = f"the shipped order {t.alias} is {found[0]['status']} after the cron job"
                self._fail(["IMP-06"], what, [gherkin.status(t.alias, "complete")])
        if t.tracking:
            return
        if t.merchant_canceled and t.canceled_at_change == t.amazon_changes:
            if self._amazon(t.alias).status != "Canceled":
                what = f"the cancellation of {t.alias} from Magento never reached Amazon"
                self._fail(["CAN-01", "STO-02"], what, [gherkin.canceled(t.alias, t.reason)])
            if len(found) == 1 and found[0]["status"] != "complete":
                what = f"{t.alias}, canceled from Magento, has a Magento order in {found[0]['status']}"
                self._fail(["CAN-02"], what, [gherkin.status(t.alias, "complete")])
        elif t.amazon_canceled and not t.merchant_canceled:
            self._check_canceled(t)


def _cover(name: str) -> None:
    COVERAGE[name] += 1


def _pending_faults(world: World) -> bool:
    return any(getattr(world.sandbox.faults, "_faults", {}).values())


# -- running --------------------------------------------------------------------------------------------------
def machine_for(factory: AdapterFactory, live: LiveSimulators | None = None) -> type[ConnectorMachine]:
    """The state machine class that drives ``factory`` (on loopback simulators when ``live`` is given)."""
    name = getattr(factory, "__name__", "connector")
    return type(f"ConnectorMachine_{name}", (ConnectorMachine,), {"factory": staticmethod(factory), "live": live})


def hypothesis_settings(profile: str = "ci", *, shrink: bool = True, **overrides: Any) -> settings:
    """Hypothesis settings of a profile (``ci`` or ``nightly``), with overrides; ``shrink=False`` reports
    the first failing example as it was found (cheaper: shrinking replays the machine many times)."""
    values = {**PROFILES[profile], **overrides}
    if not shrink:
        values.setdefault("phases", [Phase.explicit, Phase.reuse, Phase.generate])
    return settings(
        deadline=None,
        database=None,
        print_blob=False,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
        **values,
    )


def run(
    factory: AdapterFactory, profile: str = "ci", *, shrink: bool = True, live: bool = False, **overrides: Any
) -> None:
    """Run the random test against ``factory``; raises :class:`InvariantViolated` with a Gherkin scenario.
    ``live`` serves the simulators on loopback ports (needed by a connector in another process)."""
    servers = LiveSimulators() if live else None
    COVERAGE.update(dict.fromkeys(CLASSES, 0))
    try:
        machine = machine_for(factory, servers)
        run_state_machine_as_test(machine, settings=hypothesis_settings(profile, shrink=shrink, **overrides))
    finally:
        if servers is not None:
            servers.close()


def main(argv: Sequence[str] | None = None) -> int:
    from harness.impl import ImplError, check_factory, resolve

    parser = argparse.ArgumentParser(prog="python -m harness.stateful", description=__doc__.split("\n\n")[0])
    parser.add_argument("--impl", default="reference", help="entry-point name, module:factory or http://host:port")
    parser.add_argument("--profile", default="ci", choices=sorted(PROFILES))
    parser.add_argument("--examples", type=int, default=None, help="examples to run (default: the profile's)")
    parser.add_argument("--steps", type=int, default=None, help="steps per example (default: the profile's)")
    parser.add_argument("--no-shrink", action="store_true", help="report the first failure found, unshrunk")
    parser.add_argument(
        "--live", action="store_true", help="simulators on loopback ports (implied by an http:// --impl)"
    )
    args = parser.parse_args(argv)
    try:
        factory = resolve(args.impl)
        check_factory(args.impl, factory)
    except ImplError as err:
        print(f"stateful: error: {err}", file=sys.stderr)
        return 2
    overrides: dict[str, Any] = {}
    if args.examples is not None:
        overrides["max_examples"] = args.examples
    if args.steps is not None:
        overrides["stateful_step_count"] = args.steps
    try:
        live = args.live or args.impl.startswith(("http://", "https://"))
        run(factory, args.profile, shrink=not args.no_shrink, live=live, **overrides)
    except InvariantViolated as err:
        print(f"FAILED against {args.impl}: {err}")
        return 1
    examples = overrides.get("max_examples", PROFILES[args.profile]["max_examples"])
    print(f"passed: {examples} examples against {args.impl}, no invariant broken")
    return 0


if __name__ == "__main__":
    sys.exit(main())
