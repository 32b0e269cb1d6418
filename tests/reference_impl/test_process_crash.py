"""Crash safety of the connector PROCESS: SIGKILL at many points of a sync, restart, nothing lost or doubled.

The connector runs as ``python -m reference_impl sync`` against live simulators. Each kill point holds one
request at the simulator (before it is served, or after the simulator committed it but before the answer
reaches the connector: for ``orderCreate`` that is the window between creating the Magento order and
recording it in SQLite) and kills the process while it waits. New orders keep arriving between runs.
After the last kill, two plain syncs must leave every importable order with exactly one Magento order
and every row of the Amazon orders table correct. Kills at the N-th HTTP call and the N-th SQLite commit
of the process itself are in ``test_kill_points.py``. ``ASC_CRASH_FULL=1`` runs the full point set here
(50 points) instead of the CI set (36).
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections import Counter
from decimal import Decimal

from reference_impl.orders import parse_time

SKUS = ("CR-A", "CR-B", "CR-C", "CR-D")
STOCK = 100_000
PHASES = ("before", "after")
ONCE_PER_SYNC = ("lwaToken", "adminToken", "storeViews", "websites", "storeGroups")
# orderSearch runs only for an order whose create was sent but not recorded: it follows orderCreate kills.
PER_ORDER = ("getOrderItems", "productGet", "salableQty", "orderCreate", "orderSearch")
INITIAL_ORDERS = 40
MIN_PENDING = 6
#: Points a sync may not pass through: the store view list (only with a store view set), a second or third
#: look-up of an unrecorded create (only when as many creates went unrecorded), the message's removal.
OPTIONAL = ("storeViews", "orderSearch#2", "orderSearch#3", "messageDelete")


def _kill_plan() -> list[tuple[str, int, str]]:
    """(operation, nth call of the run, before/after) to hold and kill at."""
    full = bool(os.environ.get("ASC_CRASH_FULL"))
    plan = [("getOrders", n, p) for n in ((1, 2, 3, 4) if full else (1, 3)) for p in PHASES]
    plan += [(op, 1, p) for op in ONCE_PER_SYNC for p in PHASES]
    plan += [(op, n, p) for n in ((1, 2, 3) if full else (1, 3)) for op in PER_ORDER for p in PHASES]
    plan += [("messageDelete", 1, p) for p in PHASES]
    return plan


def _place_orders(sandbox, count: int, serial: Counter) -> None:  # type: ignore[no-untyped-def]
    for _ in range(count):
        serial["orders"] += 1
        n = serial["orders"]
        items = [{"sku": SKUS[n % len(SKUS)], "quantity": 1 + n % 3, "price": "12.50"}]
        if n % 5 == 0:
            items.append({"sku": SKUS[(n + 1) % len(SKUS)], "quantity": 2, "price": "3.10", "tax": "0.40"})
        sandbox.amazon.create_order(items=items, status="Unshipped")
        sandbox.clock.advance(1)


def _pending(sandbox) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for oid in sandbox.amazon.orders if not sandbox.magento.orders_for_amazon_id(oid))


def test_sigkill_at_held_requests_loses_and_doubles_nothing(live_world) -> None:  # type: ignore[no-untyped-def]
    world = live_world
    sandbox = world.sandbox
    for sku in SKUS:
        sandbox.magento.create_product(sku, price="12.50", qty=STOCK)
    done = world.run("integrate")
    assert done.returncode == 0, done.stderr
    sandbox.clock.advance(60)
    serial: Counter[str] = Counter()
    _place_orders(sandbox, INITIAL_ORDERS, serial)

    killed: list[str] = []
    not_reached: list[str] = []
    for point in _kill_plan():
        missing = MIN_PENDING - _pending(sandbox)
        if missing > 0:
            _place_orders(sandbox, missing, serial)
        if point[0] == "getOrderItems":
            # The orders left by earlier runs may all have their items stored (an import batch stores them all
            # before its first create): new orders make the n-th items call happen.
            _place_orders(sandbox, point[1], serial)
        label = "{}#{}/{}".format(*point)
        gate = world.hold(*point)
        process = world.start("sync")
        while not gate.hit.wait(0.01):
            if process.poll() is not None:
                break
        if gate.hit.is_set():
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)
            killed.append(label)
        else:
            not_reached.append(label)
            process.communicate(timeout=10)
        gate.disarm()

    print(f"\n{len(killed)} kill points: {killed}\nnot reached: {not_reached}")
    assert [p for p in not_reached if not p.startswith(OPTIONAL)] == [], not_reached
    assert "orderCreate#1/after" in killed and "orderCreate#3/after" in killed

    first = world.sync()
    assert first["Main"]["errors"] == [], first
    second = world.sync()
    assert second["Main"]["imported"] == 0, second

    _assert_everything_imported_once(world, sandbox)


def _assert_everything_imported_once(world, sandbox) -> None:  # type: ignore[no-untyped-def]
    storage = world.storage()
    try:
        assert storage.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = {row.amazon_order_id: row for row in storage.orders("Main")}
        assert sorted(rows) == sorted(sandbox.amazon.orders)
        wanted: Counter[str] = Counter()
        for amazon_id, order in sandbox.amazon.orders.items():
            found = sandbox.magento.orders_for_amazon_id(amazon_id)
            assert len(found) == 1, (amazon_id, [o["increment_id"] for o in found])
            magento = found[0]
            row = rows[amazon_id]
            assert row.status == order.status == "Unshipped"
            assert parse_time(row.last_update) == order.last_update_date
            assert row.magento_entity_id == magento["entity_id"]
            assert row.magento_increment_id == magento["increment_id"]
            assert row.blocked_reason is None
            assert Decimal(row.total or "0") == order.total
            assert [i["SellerSKU"] for i in row.data["items"]] == [i.seller_sku for i in order.items]
            assert Decimal(str(magento["grand_total"])) == order.total
            notes = storage.notes("Main", amazon_id)
            assert sum("Order received" in n for n in notes) == 1, notes
            assert sum(f"#{magento['increment_id']}" in n for n in notes) == 1, notes
            for item in order.items:
                wanted[item.seller_sku] += item.quantity_ordered
        for sku in SKUS:  # one MSI reservation per imported order line, none doubled
            assert sandbox.magento.salable_qty(sku) == STOCK - wanted[sku]
    except sqlite3.Error:
        raise
    finally:
        storage.close()
