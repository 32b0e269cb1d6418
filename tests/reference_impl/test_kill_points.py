"""Crash safety at deterministic points inside the work: the process killed at its N-th HTTP call or N-th commit.

``python -m reference_impl sync`` runs against live simulators with ``ASC_KILL_AT=<call|commit>:<n>:<phase>``
(reference_impl/kill_points.py): the process sends itself SIGKILL just before or just after its N-th HTTP
call, or just before (writes made, not committed) or after its N-th SQLite COMMIT. No timer: a point is
either reached (the process died of SIGKILL) or not (it finished), and the test requires every point
reached. Between runs new orders arrive, Pending orders (held back under Reserve Quantity) become Unshipped
or are canceled, and orders placed before integration sit in Amazon. After the last kill, syncs run to
completion; then every importable order has exactly one Magento order, no Pending, canceled or
pre-integration order has one, what Magento holds back is exactly the Pending and imported orders' quantities, and
the database passes ``PRAGMA integrity_check``.

The CI set has 52 points; ``ASC_CRASH_FULL=1`` runs the full set (198 points).
"""

from __future__ import annotations

import json
import os
import signal
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest

SKUS = ("KP-A", "KP-B", "KP-C")
STOCK = 100_000
PHASES = ("before", "after")
#: (call numbers, commit numbers) of the CI set; a sync of the per-run work (with what the killed run before
#: left) makes about 45 calls and 35 commits (an import batch's holds are marked in one transaction each way,
#: and what Magento answered to its creates is recorded in one).
CI_NUMBERS = ((1, 6, 11, 16, 21, 26, 31, 36, 41), (1, 5, 9, 13, 17, 21, 25, 29, 33))
FULL_NUMBERS = (tuple(range(1, 42)), tuple(range(1, 34)))
#: Calls of one kind counted alone (the Magento order's create, the look-up that follows an unrecorded
#: create, the append of a hold), then commits counted from the first such call on: the import's own.
TARGETED_CALLS = (
    ("POST /V1/orders", 1),
    ("GET /V1/orders", 1),
    ("POST /V1/orders", 2),
    ("POST /V1/inventory/reservations", 1),
)
TARGETED_COMMITS = (
    ("POST /V1/orders", 1),
    ("POST /V1/orders", 2),
    ("POST /V1/orders", 3),
    ("GET /V1/orders", 1),
    ("POST /V1/inventory/reservations", 1),
    ("POST /V1/inventory/reservations", 2),
)
NEW_PER_RUN = 3  # Unshipped orders placed before each run: enough calls and commits to reach every point
PRE_INTEGRATION = 5


def _points() -> list[str]:
    """``ASC_KILL_AT`` values, in the order they are tried."""
    calls, commits = FULL_NUMBERS if os.environ.get("ASC_CRASH_FULL") else CI_NUMBERS
    points = [f"call:{n}:{phase}" for n in calls for phase in PHASES]
    points += [f"commit:{n}:{phase}" for n in commits for phase in PHASES]
    points += [f"call:{n}:{phase}:{call}" for call, n in TARGETED_CALLS for phase in PHASES]
    points += [f"commit:{n}:{phase}:{call}" for call, n in TARGETED_COMMITS for phase in PHASES]
    return points


class Orders:
    """The orders placed in the fake Amazon, by what the connector must do with them."""

    def __init__(self, sandbox) -> None:  # type: ignore[no-untyped-def]
        self.sandbox = sandbox
        self.serial = 0
        self.pending: list[str] = []

    def place(self, status: str, **extra: object) -> str:
        self.serial += 1
        n = self.serial
        items = [{"sku": SKUS[n % len(SKUS)], "quantity": 1 + n % 3, "price": "12.50"}]
        if n % 4 == 0:
            items.append({"sku": SKUS[(n + 1) % len(SKUS)], "quantity": 2, "price": "3.10"})
        order = self.sandbox.amazon.create_order(items=items, status=status, **extra)
        self.sandbox.clock.advance(1)
        if status == "Pending":
            self.pending.append(order.amazon_order_id)
        return str(order.amazon_order_id)

    def between_runs(self) -> None:
        """New work for the next run: new orders, a Pending order paid, another canceled."""
        for _ in range(NEW_PER_RUN):
            self.place("Unshipped")
        self.place("Pending")
        self.place("Pending")
        if len(self.pending) > 2:
            self.sandbox.amazon.set_status(self.pending.pop(0), "Unshipped")
            self.sandbox.amazon.set_status(self.pending.pop(0), "Canceled")
        self.sandbox.clock.advance(5)


def _held_by(sandbox, amazon_id: str) -> dict[str, Decimal]:  # type: ignore[no-untyped-def]
    """SKU -> quantity the Amazon order's own reservations hold back in Magento now."""
    held: Counter[str] = Counter()
    for reservation in sandbox.magento.reservations:
        metadata = json.loads(reservation.metadata)
        if metadata.get("object_type") == "amazon_order" and metadata.get("object_id") == amazon_id:
            held[reservation.sku] -= reservation.quantity  # type: ignore[assignment]
    return {sku: qty for sku, qty in held.items() if qty}


def test_kill_at_the_nth_call_and_commit_loses_and_doubles_nothing(live_world) -> None:  # type: ignore[no-untyped-def]
    world = live_world
    sandbox = world.sandbox
    for sku in SKUS:
        sandbox.magento.create_product(sku, price="12.50", qty=STOCK)
    orders = Orders(sandbox)
    before_integration = sandbox.clock.now() - timedelta(days=1)
    early = [orders.place("Unshipped", purchase_date=before_integration) for _ in range(PRE_INTEGRATION)]
    world.config_path.write_text(world.config_path.read_text() + '[stores.orders]\nreserve = "reserve"\n')
    done = world.run("integrate")
    assert done.returncode == 0, done.stderr
    sandbox.clock.advance(60)

    reached: list[str] = []
    not_reached: list[str] = []
    for label in _points():
        orders.between_runs()
        if label.startswith("commit:") and label.endswith("GET /V1/orders"):
            # Commits after the look-up of an unrecorded create: make sure there is one (a run killed after
            # its create was answered, before it was recorded).
            assert world.run("sync", env={"ASC_KILL_AT": "call:1:after:POST /V1/orders"}).returncode == -signal.SIGKILL
        served = len(sandbox.journal.entries())
        run = world.run("sync", env={"ASC_KILL_AT": label})
        if run.returncode == -signal.SIGKILL:
            entries = sandbox.journal.entries()[served:]
            reached.append(f"{label} ({entries[-1].operation if entries else 'no call'})")
        else:
            assert run.returncode in (0, 1), (label, run.returncode, run.stderr)
            not_reached.append(label)

    print(f"\n{len(reached)} of {len(reached) + len(not_reached)} kill points reached: {reached}")
    assert not_reached == [] and len(reached) >= 50
    killed_in = {label.rsplit(" (", 1)[1].rstrip(")") for label in reached}
    assert {"orderCreate", "orderSearch", "reservationsAppend", "getOrderItems"} <= killed_in, killed_in

    first = world.sync()
    assert first["Main"]["errors"] == [], first
    second = world.sync()
    assert second["Main"]["imported"] == 0, second

    storage = world.storage()
    try:
        assert storage.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = {row.amazon_order_id: row for row in storage.orders("Main")}
    finally:
        storage.close()
    taken: Counter[str] = Counter()
    for amazon_id, order in sandbox.amazon.orders.items():
        found = sandbox.magento.orders_for_amazon_id(amazon_id)
        quantities: Counter[str] = Counter()
        for item in order.items:
            quantities[item.seller_sku] += item.quantity_ordered
        if amazon_id in early:
            assert (found, amazon_id in rows) == ([], False), amazon_id  # never imported, never listed
            continue
        row = rows[amazon_id]
        assert row.status == order.status
        if order.status == "Unshipped":
            assert len(found) == 1, (amazon_id, [o["increment_id"] for o in found])
            assert row.magento_entity_id == found[0]["entity_id"]
            # The connector's own reservation holds the order's stock (the order repository's save takes none).
            assert _held_by(sandbox, amazon_id) == {sku: Decimal(q) for sku, q in quantities.items()}
            taken.update(quantities)
        else:
            assert order.status in ("Pending", "Canceled"), order.status
            assert found == [] and row.magento_entity_id is None, amazon_id
            wanted = {sku: Decimal(q) for sku, q in quantities.items()} if order.status == "Pending" else {}
            assert _held_by(sandbox, amazon_id) == wanted, (amazon_id, order.status)
            if order.status == "Pending":
                taken.update(quantities)
    for sku in SKUS:  # what the storefront can still sell: stock less imported orders and held Pending orders
        assert sandbox.magento.salable_qty(sku) == STOCK - taken[sku], sku


@pytest.mark.parametrize(
    "value", ["call", "call:0:before", "commit:1:during", "disk:1:after", "commit:1:after:POST x", "call:1:after:POST"]
)
def test_a_malformed_kill_point_stops_the_process_at_once(live_world, value: str) -> None:  # type: ignore[no-untyped-def]
    run = live_world.run("integrate", env={"ASC_KILL_AT": value})
    assert run.returncode == 1
    assert run.stderr.strip() == (
        f"ASC_KILL_AT must be <call|commit>:<n>:<before|after>[:<METHOD> <path end>], got {value!r}"
    )
