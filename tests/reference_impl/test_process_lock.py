"""SYN-01 across processes: two ``python -m reference_impl sync`` of one store never overlap."""

from __future__ import annotations

import json

SKU = "LK-1"


def _orders(world, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    ids = []
    for n in range(count):
        order = world.sandbox.amazon.create_order(items=[{"sku": SKU, "quantity": 1 + n % 2}], status="Unshipped")
        ids.append(order.amazon_order_id)
        world.sandbox.clock.advance(1)
    return ids


def _assert_one_magento_order_each(world, ids: list[str]) -> None:  # type: ignore[no-untyped-def]
    storage = world.storage()
    try:
        rows = {row.amazon_order_id: row for row in storage.orders("Main")}
    finally:
        storage.close()
    assert sorted(rows) == sorted(ids)  # no lost row
    for amazon_id in ids:
        found = world.sandbox.magento.orders_for_amazon_id(amazon_id)
        assert len(found) == 1, (amazon_id, found)  # no duplicate Magento order
        assert rows[amazon_id].magento_entity_id == found[0]["entity_id"]


def test_a_second_process_does_nothing_while_the_first_syncs(live_world) -> None:  # type: ignore[no-untyped-def]
    world = live_world
    world.sandbox.magento.create_product(SKU, qty=1000)
    assert world.run("integrate").returncode == 0
    world.sandbox.clock.advance(60)
    ids = _orders(world, 12)

    gate = world.hold("orderCreate", 2, "before")  # the first process is mid-import, holding the store lock
    first = world.start("sync")
    assert gate.hit.wait(30), first.communicate(timeout=5)
    creates_while_held = len(world.sandbox.journal.entries("magento", "orderCreate"))

    second = world.run("sync")
    assert second.returncode == 0, second.stderr
    assert "skipped" in json.loads(second.stdout)["Main"]
    assert len(world.sandbox.journal.entries("magento", "orderCreate")) == creates_while_held

    gate.disarm()
    _, err = first.communicate(timeout=60)
    assert first.returncode in (0, 1), err
    world.sandbox.clock.advance(120)  # past the grace after the create the hold left unanswered
    world.sync()
    _assert_one_magento_order_each(world, ids)


def test_processes_racing_on_one_store_double_and_lose_nothing(live_world) -> None:  # type: ignore[no-untyped-def]
    world = live_world
    world.sandbox.magento.create_product(SKU, qty=10_000)
    assert world.run("integrate").returncode == 0
    world.sandbox.clock.advance(60)
    ids: list[str] = []
    for _ in range(3):
        ids += _orders(world, 15)
        racers = [world.start("sync") for _ in range(3)]
        for racer in racers:
            _, err = racer.communicate(timeout=60)
            assert racer.returncode in (0, 1), err
    world.sync()
    _assert_one_magento_order_each(world, ids)
