"""The connector under failures: throttling, 5xx, timeouts, dropped connections, malformed data.

Each test runs the connector in-process against the simulators with faults from the sandbox's fault
plan, then checks that a later sync finishes the work with exactly one Magento order per Amazon order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from reference_impl.__main__ import ProcessConnector
from reference_impl.amazon_api import MAX_RETRIES
from simulators.journal import Fault

SKU = "RB-1"


class World:
    """The in-process simulators, a connector on their clock, and the sleeps it asked for."""

    def __init__(self, sims, path: Path) -> None:  # type: ignore[no-untyped-def]
        self.sims = sims
        self.sandbox = sims.sandbox
        self.clock = sims.sandbox.clock
        self.sleeps: list[float] = []
        self.before_now: Callable[[], None] = lambda: None
        self.hooks_done = False
        self.connector = ProcessConnector(path, now=self._now, sleep=self._sleep)
        self.connector.page_size = 3
        self.connector.integrate_store(sims.store_config())
        self.sandbox.magento.create_product(SKU, price="10.00", qty=1000)
        self.clock.advance(60)

    def _now(self) -> datetime:
        self.before_now()
        return self.clock.now()

    def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.advance(seconds)

    def orders(self, count: int, **spec: object) -> list[str]:
        ids = []
        for _ in range(count):
            items = [{"sku": SKU, "quantity": 1, **spec}]
            ids.append(self.sandbox.amazon.create_order(items=items, status="Unshipped").amazon_order_id)
            self.clock.advance(1)
        return ids

    def sync(self) -> dict:  # type: ignore[type-arg]
        self.clock.advance(120)
        return dict(self.connector.sync("Main")["Main"])

    def magento_orders(self, amazon_id: str) -> list[dict]:  # type: ignore[type-arg]
        return list(self.sandbox.magento.orders_for_amazon_id(amazon_id))

    def row(self, amazon_id: str):  # type: ignore[no-untyped-def]
        return self.connector.storage.order("Main", amazon_id)

    def assert_each_imported_once(self, ids: list[str]) -> None:
        for amazon_id in ids:
            found = self.magento_orders(amazon_id)
            assert len(found) == 1, (amazon_id, found)
            assert self.row(amazon_id).magento_entity_id == found[0]["entity_id"]


@pytest.fixture
def world(sims, tmp_path: Path) -> Iterator[World]:  # type: ignore[no-untyped-def]
    w = World(sims, tmp_path / "c.db")
    yield w
    w.connector.close()


@pytest.mark.parametrize("rate", [0.25, 0.5, 2.0])
def test_throttled_calls_wait_one_token_at_the_advertised_rate_then_resume(world: World, rate: float) -> None:
    limits = getattr(world.sandbox.amazon, "rate_limits", None)
    if limits is None:
        pytest.skip("this simulator version has no usage plans")
    limits.set_plan("getOrderItems", rate, 2)  # x-amzn-RateLimit-Limit: rate -> a token every 1/rate s
    limits.enable()
    ids = world.orders(6)
    report = world.sync()
    assert report["errors"] == []
    world.assert_each_imported_once(ids)
    calls = world.sandbox.journal.entries("amazon", "getOrderItems")
    throttled = [i for i, e in enumerate(calls) if e.status == 429]
    assert throttled, "the usage plan should have throttled getOrderItems"
    token = 1.0 / rate
    # Exactly one token's wait after each 429, never a multiple of it: the retry then finds the token.
    assert world.sleeps == [token] * len(throttled)
    for index in throttled:
        retry = calls[index + 1]
        assert (retry.at - calls[index].at).total_seconds() == token
        assert retry.status == 200 and retry.path == calls[index].path


def test_429_without_end_gives_up_after_bounded_retries_and_loses_nothing(world: World) -> None:
    ids = world.orders(4)
    world.sandbox.faults.inject("amazon", "getOrders", Fault("status", times=100, status=429))
    report = world.sync()
    # No advertised rate on these answers: one second, doubled per attempt, MAX_RETRIES times.
    assert world.sleeps == [2.0**attempt for attempt in range(MAX_RETRIES)]
    assert any("getOrders" in e and "429" in e for e in report["errors"]), report
    assert world.connector.amazon_orders("Main") == []
    world.sandbox.faults.clear()
    assert world.sync()["errors"] == []
    world.assert_each_imported_once(ids)


@pytest.mark.parametrize(
    ("service", "operation", "fault"),
    [
        ("magento", "orderCreate", Fault("status", status=503)),
        ("magento", "orderCreate", Fault("after_commit", status=500)),
        ("magento", "orderCreate", Fault("delay", seconds=0)),
        ("magento", "orderCreate", Fault("drop")),
        ("magento", "salableQty", Fault("malformed")),
        ("magento", "productGet", Fault("status", status=502)),
        ("amazon", "getOrderItems", Fault("status", status=500)),
        ("amazon", "getOrderItems", Fault("drop")),
        ("amazon", "getOrderItems", Fault("malformed")),
        ("amazon", "getOrders", Fault("status", status=503)),
    ],
    ids=lambda v: v if isinstance(v, str) else f"{v.kind}-{v.status}",
)
def test_a_failed_call_leaves_the_order_for_a_later_sync(world: World, service: str, operation: str, fault) -> None:  # type: ignore[no-untyped-def]
    ids = world.orders(5)
    world.sandbox.faults.inject(service, operation, fault)
    first = world.sync()
    assert any(operation in e for e in first["errors"]), first
    assert world.sandbox.faults.take(service, operation) is None  # the fault was used
    second = world.sync()
    assert second["errors"] == [], second
    world.assert_each_imported_once(ids)
    for amazon_id in ids:
        assert world.row(amazon_id).status == "Unshipped"


def test_a_failing_page_of_orders_does_not_move_the_cursor_past_it(world: World) -> None:
    ids = world.orders(8)  # pages of three
    plan = world.sandbox.faults

    def fail_the_second_page() -> None:  # the connector reads the clock while recording page one
        if len(world.sandbox.journal.entries("amazon", "getOrders")) == 1 and not world.hooks_done:
            plan.inject("amazon", "getOrders", Fault("status", status=503))
            world.hooks_done = True

    world.before_now = fail_the_second_page
    first = world.sync()
    assert any("getOrders" in e and "503" in e for e in first["errors"]), first
    assert sorted(r["order_number"] for r in world.connector.amazon_orders("Main")) == sorted(ids[:3])
    assert world.sync()["errors"] == []
    world.assert_each_imported_once(ids)
    assert sorted(r["order_number"] for r in world.connector.amazon_orders("Main")) == sorted(ids)


def test_malformed_amazon_data_becomes_a_row_note_and_the_rest_imports(world: World) -> None:
    good = world.orders(2)
    no_sku = world.sandbox.amazon.create_order(items=[{"sku": SKU}], status="Unshipped")
    no_sku.items[0].seller_sku = ""
    bad_amount = world.sandbox.amazon.create_order(items=[{"sku": SKU}], status="Unshipped")
    bad_amount.items[0].item_price = Decimal("NaN")
    world.clock.advance(1)
    report = world.sync()
    world.assert_each_imported_once(good)
    rows = {r["order_number"]: r for r in world.connector.amazon_orders("Main")}
    for order, what in ((no_sku, "SellerSKU"), (bad_amount, "not an amount")):
        assert world.magento_orders(order.amazon_order_id) == []
        notes = rows[order.amazon_order_id]["notes"]
        assert any(n.startswith("Cannot create sales order") and what in n for n in notes), notes
    assert report["imported"] == 2
