"""The connector process over real sockets: a read timeout and a dropped connection lose nothing."""

from __future__ import annotations

import time

from simulators.journal import Fault

SKU = "PF-1"


def test_a_timed_out_create_is_adopted_and_a_dropped_call_retried_by_the_next_sync(live_world) -> None:  # type: ignore[no-untyped-def]
    world = live_world
    world.config_path.write_text(
        "http_timeout = 0.5\n" + world.config_path.read_text(encoding="utf-8"), encoding="utf-8"
    )
    world.sandbox.magento.create_product(SKU, qty=100)
    assert world.run("integrate").returncode == 0
    world.sandbox.clock.advance(60)
    ids = [
        world.sandbox.amazon.create_order(items=[{"sku": SKU}], status="Unshipped").amazon_order_id for _ in range(4)
    ]
    world.sandbox.clock.advance(1)
    world.sandbox.faults.inject("magento", "orderCreate", Fault("delay", seconds=1.5))  # created, answered late
    world.sandbox.faults.inject("amazon", "getOrderItems", Fault("drop"))

    first = world.run("sync")
    assert first.returncode == 1, first.stderr  # errors reported, not a crash
    assert "orderCreate" in first.stdout and "getOrderItems" in first.stdout

    # The late create commits 1.5 s after it was sent; the next sync runs once it has (a create still in
    # flight when the next sync searches would be created twice: Magento's REST API has no idempotency key).
    deadline = time.monotonic() + 10
    while len(world.sandbox.journal.entries("magento", "orderCreate")) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    world.sync()
    storage = world.storage()
    try:
        for amazon_id in ids:
            found = world.sandbox.magento.orders_for_amazon_id(amazon_id)
            assert len(found) == 1, (amazon_id, found)
            assert storage.order("Main", amazon_id).magento_entity_id == found[0]["entity_id"]
    finally:
        storage.close()
