"""Model-based random test: random interleavings of Amazon, Magento and merchant events against a connector.

A Hypothesis state machine drives any adapter factory (``--impl``, as the suite resolves it) through a
fresh World per example: orders placed before and after integration, legal Amazon status changes,
cancellations, stale reports, catalog changes, the import setting, syncs, cron jobs, restarts,
merchant shipments and cancellations, and injected 429s, 5xx, timeouts and failures after commit.
After each connector action it checks the invariants of the rule catalogue; at the end of an example
a quiet phase (faults cleared, every product fixed, two syncs) checks that everything importable was
imported exactly once. A shrunk failure is printed as a Gherkin scenario in the suite's step phrases.

    python -m harness.stateful --impl reference --examples 500
    python -m harness.stateful --impl mypackage.adapter:factory --profile nightly
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
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

from harness.adapter import AdapterFactory
from harness.steps import amazon_steps, catalog_steps, connector_steps, magento_steps, store_steps
from harness.world import LiveSimulators, World, open_world
from simulators.amazon.model import TRANSITIONS

STORE = "Main Store"
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


@dataclass
class Script:
    """The example so far as Gherkin steps (keyword, text), ready to become a scenario."""

    steps: list[tuple[str, str]] = field(default_factory=list)

    def add(self, keyword: str, text: str) -> None:
        self.steps.append((keyword, text))

    def scenario(self, title: str, tags: Sequence[str], then: Sequence[str]) -> str:
        lines = ["  " + " ".join(f"@{t}" for t in tags), f"  Scenario: {title}"] if tags else [f"  Scenario: {title}"]
        lines += [f"    {k} {t}" if k != "#" else f"    # {t}" for k, t in self.steps]
        lines += [f"    # {t[1:].strip()}" if t.startswith("#") else f"    Then {t}" for t in then]
        return "\n".join(lines)


def feature(scenario: str) -> str:
    """A scenario wrapped in a Feature, as a file of ``features/`` holds it."""
    return "Feature: Found by the model-based random test\n\n" + scenario + "\n"


@dataclass
class Tracked:
    """What the model knows of one Amazon order."""

    alias: str
    channel: str
    pre_integration: bool
    eligible: bool = False  # a sync ran while import was enabled and the order was importable


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
        self.world: World = self._stack.enter_context(
            open_world(machine.factory, seed=0, workdir=workdir, live=machine.live)
        )
        self.script = Script()
        self.tracked: dict[str, Tracked] = {}
        self.import_enabled = True
        self.rows: dict[str, str] = {}
        self.counter = 0
        for sku, (price, qty) in PRODUCTS.items():
            catalog_steps.product_in_stock(self.world, sku, price, qty)
            self.script.add("Given", f'the Magento catalog has the product "{sku}" priced {price} with {qty} in stock')

    # -- set-up ------------------------------------------------------------------------------------------------
    @initialize(target=orders, old=st.lists(st.tuples(st.sampled_from(sorted(PRODUCTS)), st.booleans()), max_size=2))
    def integrate(self, old: list[tuple[str, bool]]) -> Any:
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
        for alias in aliases:  # the order keeps its Amazon ID: the integration step does not place orders
            self.world.order_store[self.world.order_id(alias)] = STORE
        return multiple(*aliases)

    # -- Amazon --------------------------------------------------------------------------------------------------
    @precondition(lambda self: sum(not t.pre_integration for t in self.tracked.values()) < MAX_ORDERS)
    @rule(
        target=orders,
        kind=st.sampled_from(["unshipped", "pending", "unshipped", "fba"]),
        lines=st.lists(st.tuples(st.sampled_from(sorted(PRODUCTS)), st.integers(1, 3)), min_size=1, max_size=2),
    )
    def place(self, kind: str, lines: list[tuple[str, int]]) -> str:
        """A buyer orders on Amazon (Pending, already Unshipped, or fulfilled by Amazon)."""
        merged: dict[str, int] = {}
        for sku, qty in lines:
            merged[sku] = merged.get(sku, 0) + qty
        text = " and ".join(f'{q} x "{s}"' for s, q in merged.items())
        alias = f"A{sum(not t.pre_integration for t in self.tracked.values()) + 1}"
        if kind == "pending":
            amazon_steps.place_order(self.world, alias, text)
            self.script.add("When", f'a buyer orders {text} on Amazon as order "{alias}"')
        elif kind == "unshipped":
            amazon_steps.place_order(self.world, alias, text, status="Unshipped")
            self.script.add("When", f'an Unshipped Amazon order "{alias}" for {text}')
        else:
            amazon_steps.place_order(self.world, alias, text, status="Unshipped", channel="AFN")
            self.script.add("When", f'an Amazon order "{alias}" fulfilled by Amazon for {text} in status "Unshipped"')
        self.tracked[alias] = Tracked(alias, "AFN" if kind == "fba" else "MFN", pre_integration=False)
        return alias

    def _amazon(self, alias: str) -> Any:
        return self.world.amazon.get(self.world.order_id(alias))

    @rule(alias=orders, change=st.sampled_from(["move", "move", "cancel", "stale"]), choice=st.integers(0, 9))
    def amazon(self, alias: str, change: str, choice: int) -> None:
        """Amazon changes an order: a legal status change, a cancellation, or a stale report of an earlier state."""
        order = self._amazon(alias)
        if change == "cancel":
            if "Canceled" in TRANSITIONS.get(order.status, frozenset()):
                amazon_steps.amazon_cancels(self.world, alias)
                self.script.add("When", f'Amazon cancels order "{alias}"')
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
            catalog_steps.product_stock(self.world, sku, qty)
            self.script.add("When", f'the merchant sets the stock of "{sku}" to {qty}')
        else:
            catalog_steps.product_missing(self.world, sku)
            self.script.add("Given", f'the Magento catalog has no product "{sku}"')

    @rule(enabled=st.sampled_from([False, True, True]))
    def import_setting(self, enabled: bool) -> None:
        """The merchant switches Import Amazon Orders."""
        value = "Enabled" if enabled else "Disabled"
        store_steps.import_setting(self.world, value, STORE)
        self.import_enabled = enabled
        self.script.add("When", f'the merchant sets Import Amazon Orders to "{value}" for "{STORE}"')

    @rule(alias=orders, ship=st.sampled_from([True, True, False]))
    def merchant(self, alias: str, ship: bool) -> None:
        """The merchant ships the order's Magento order, or tries to cancel the order from Magento."""
        if not ship:
            connector_steps.merchant_tries_to_cancel(self.world, alias, "NoInventory")
            text = f'the merchant tries to cancel order "{alias}" from Magento with the reason "NoInventory"'
            self.script.add("When", text)
            self._check(after_sync=False)
            return
        found = self.world.magento.orders_for_amazon_id(self.world.order_id(alias))
        if len(found) != 1 or not self._shippable(found[0]):
            return
        self.counter += 1
        tracking = f"1Z999AA1{self.counter:08d}"
        magento_steps.merchant_ships(self.world, alias, "ups", tracking)
        self.script.add(
            "When",
            f'the merchant ships the Magento order for "{alias}" with carrier "ups" and tracking number "{tracking}"',
        )

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
    def _mark_eligible(self) -> None:
        if not self.import_enabled:
            return
        for t in self.tracked.values():
            if not t.pre_integration and importable(self._amazon(t.alias).status, t.channel):
                t.eligible = True

    def _connector(self, keyword_text: str, action: Callable[[World], None]) -> None:
        self._mark_eligible()
        quiet = not _pending_faults(self.world)
        mark = len(self.world.sandbox.journal.entries())
        salable = self._salable()
        action(self.world)
        self.script.add("When", keyword_text)
        calls = self.world.sandbox.journal.entries()[mark:]
        errors = [e for e in calls if e.status >= 429]
        released = any(e.operation == "orderCancel" for e in calls)  # a cancellation gave stock back meanwhile
        self._check(after_sync=quiet and not errors, released=released)
        self._check_stock(salable)

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
                self._fail(
                    ["IMP-11", "BLK-03", "SET-07"], what, [f'the salable quantity of "{sku}" is {before.get(sku)}']
                )

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
        scenario = self.script.scenario(f"Random interleaving: {what}", rules, then)
        raise InvariantViolated(f"{what}\n\n{scenario}\n\n{self.world.state()}", scenario, rules)

    def _magento(self, alias: str) -> list[dict[str, Any]]:
        return self.world.magento.orders_for_amazon_id(self.world.order_id(alias))

    def _check(self, *, after_sync: bool, released: bool = False) -> None:
        rows = {r.order_number: r for r in self.world.adapter.amazon_orders(STORE)}
        for t in self.tracked.values():
            count = len(self._magento(t.alias))
            amazon_id = self.world.order_id(t.alias)
            if count > 1:
                self._fail(["IMP-07"], f"{count} Magento orders for {t.alias}", [_one(t.alias)])
            if t.pre_integration and count:
                self._fail(["PRE-01", "PRE-02"], f"a Magento order for {t.alias}", [_none(t.alias)])
            if t.pre_integration and amazon_id in rows:
                self._fail(
                    ["PRE-03"],
                    f"{t.alias} is in the table",
                    [f'the Amazon orders table has no row for order "{t.alias}"'],
                )
            if count and not t.pre_integration and not t.eligible:
                why = "import disabled or status never importable"
                self._fail(
                    ["IMP-02", "IMP-09", "IMP-10", "DIS-02"], f"a Magento order for {t.alias} ({why})", [_none(t.alias)]
                )
            row = rows.get(amazon_id)
            before = self.rows.get(t.alias)
            if row is not None and before is not None and row.status != before and row.status not in REACHABLE[before]:
                now = self._amazon(t.alias).status
                self._fail(
                    ["SYN-05"], f"the row of {t.alias} moved back from {before} to {row.status}", [_row(t.alias, now)]
                )
            if row is not None:
                self.rows[t.alias] = row.status
        if after_sync:
            self._check_synced(rows, released=released)

    def _check_synced(self, rows: dict[str, Any], *, released: bool) -> None:
        """After a sync that met no fault: the table follows Amazon, an order left without a Magento order is
        one that cannot be created, and the message is up exactly when there is such an order."""
        blocked = []
        for t in self.tracked.values():
            if t.pre_integration:
                continue
            status = self._amazon(t.alias).status
            row = rows.get(self.world.order_id(t.alias))
            if row is None or row.status != status:
                shown = "no row" if row is None else row.status
                self._fail(
                    ["IMP-01", "IMP-14", "DIS-01"],
                    f"the row of {t.alias} shows {shown}, Amazon {status}",
                    [_row(t.alias, status)],
                )
            if self.import_enabled and importable(status, t.channel) and not self._magento(t.alias):
                blocked.append(t.alias)
        shown = [
            m.text for m in self.world.magento.system_messages() if m.text.startswith(magento_steps.MESSAGE_PREFIX)
        ]
        if blocked and (len(shown) != 1 or not shown[0].endswith(STORE)):
            self._fail(
                ["BLK-04"], f"{', '.join(blocked)} cannot be imported but the message is {shown}", [_message(True)]
            )
        if not blocked and shown:
            self._fail(["BLK-10"], "nothing is blocked but the cannot-import message is up", [_message(False)])
        creatable = [] if released else [a for a in blocked if self._creatable(a)]
        if creatable:
            what = f"{', '.join(creatable)} could be created but has no Magento order after the sync"
            self._fail(["BLK-09", "BLK-05"], what, [_each(creatable)])

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
            if self.world.stores:
                self._quiet_phase()
        finally:
            self._stack.close()

    def _quiet_phase(self) -> None:
        """Faults cleared, every product fixed, two syncs: everything importable is imported exactly once."""
        if _pending_faults(self.world):
            self.script.add("#", "(the faults still pending here are cleared)")
        self.world.sandbox.faults.clear()
        for sku, (price, _) in PRODUCTS.items():
            catalog_steps.product_in_stock(self.world, sku, price, QUIET_STOCK)
            self.script.add(
                "Given", f'the Magento catalog has the product "{sku}" priced {price} with {QUIET_STOCK} in stock'
            )
        self._connector("the connector syncs", connector_steps.connector_syncs)
        self._connector("the connector syncs", connector_steps.connector_syncs)
        if not self.import_enabled:
            return
        missing = [
            t.alias
            for t in self.tracked.values()
            if not t.pre_integration
            and importable(self._amazon(t.alias).status, t.channel)
            and len(self._magento(t.alias)) != 1
        ]
        if missing:
            rules = ["IMP-03", "IMP-08", "BLK-05", "DIS-04", "SYN-02", "SYN-04"]
            self._fail(rules, f"once unblocked, {', '.join(missing)} still have no Magento order", [_each(missing)])


def _pending_faults(world: World) -> bool:
    return any(getattr(world.sandbox.faults, "_faults", {}).values())


def _one(alias: str) -> str:
    return f'each of the orders "{alias}" has exactly one Magento order'


def _each(aliases: list[str]) -> str:
    return f'each of the orders "{", ".join(aliases)}" has exactly one Magento order'


def _none(alias: str) -> str:
    return f'order "{alias}" has no Magento order'


def _row(alias: str, status: str) -> str:
    return f'the Amazon orders table shows order "{alias}" with status "{status}"'


def _message(up: bool) -> str:
    return (
        f'the Magento admin shows the cannot-import message naming "{STORE}"'
        if up
        else ("the Magento admin shows no cannot-import message")
    )


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
    try:
        machine = machine_for(factory, servers)
        run_state_machine_as_test(machine, settings=hypothesis_settings(profile, shrink=shrink, **overrides))
    finally:
        if servers is not None:
            servers.close()


def main(argv: Sequence[str] | None = None) -> int:
    from harness.impl import ImplError, resolve

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
