"""What a sync asks of Magento: no call whose answer cannot change what the connector does."""

from __future__ import annotations

import sys
import threading

import pytest

from reference_impl import Connector
from reference_impl.sync import IMPORT_BATCH
from simulators.journal import Fault


def _sync(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.clock.advance(300)
    assert all(not r.get("errors") for r in connector.sync().values())


def _calls(sims, operation: str) -> int:  # type: ignore[no-untyped-def]
    return len(sims.sandbox.journal.entries("magento", operation))


def test_the_admin_message_is_sent_only_when_it_changes(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    _sync(sims, connector)
    assert (_calls(sims, "messagePut"), _calls(sims, "messageDelete")) == (0, 1)  # a fresh database knows nothing
    _sync(sims, connector)
    assert (_calls(sims, "messagePut"), _calls(sims, "messageDelete")) == (0, 1)

    order = sims.sandbox.amazon.create_order(items=[{"sku": "GHOST"}], status="Unshipped")
    _sync(sims, connector)
    _sync(sims, connector)
    assert (_calls(sims, "messagePut"), _calls(sims, "messageDelete")) == (1, 1)
    assert len(sims.sandbox.magento.system_messages()) == 1

    sims.sandbox.magento.create_product("GHOST", qty=5)
    _sync(sims, connector)
    _sync(sims, connector)
    assert (_calls(sims, "messagePut"), _calls(sims, "messageDelete")) == (1, 2)
    assert sims.sandbox.magento.system_messages() == []
    assert len(sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id)) == 1


def test_a_failed_admin_message_call_is_made_again_on_the_next_sync(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.amazon.create_order(items=[{"sku": "GHOST"}], status="Unshipped")
    sims.sandbox.faults.inject("magento", "messagePut", Fault("status", status=503))
    _sync(sims, connector)
    assert sims.sandbox.magento.system_messages() == []
    _sync(sims, connector)
    assert len(sims.sandbox.magento.system_messages()) == 1
    assert _calls(sims, "messagePut") == 2


def test_a_message_call_that_landed_unanswered_is_made_again(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.amazon.create_order(items=[{"sku": "GHOST"}], status="Unshipped")
    _sync(sims, connector)
    assert _calls(sims, "messageDelete") == 0  # the first sync raised the message
    sims.sandbox.magento.create_product("GHOST", qty=5)
    sims.sandbox.faults.inject("magento", "messageDelete", Fault("after_commit", status=503))
    _sync(sims, connector)
    assert sims.sandbox.magento.system_messages() == []
    _sync(sims, connector)
    assert _calls(sims, "messageDelete") == 2  # the unanswered one, and its repeat
    _sync(sims, connector)
    assert _calls(sims, "messageDelete") == 2


def test_shipments_are_not_read_until_an_order_could_ship(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", qty=10)
    _sync(sims, connector)
    order = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Pending")
    _sync(sims, connector)
    assert _calls(sims, "shipmentSearch") == 0
    sims.sandbox.amazon.set_status(order.amazon_order_id, "Unshipped")
    _sync(sims, connector)  # imports the order
    _sync(sims, connector)
    assert _calls(sims, "shipmentSearch") == 1


def test_the_default_store_view_is_found_without_listing_store_views(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", qty=10)
    order = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped")
    _sync(sims, connector)
    assert len(sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id)) == 1
    assert (_calls(sims, "storeViews"), _calls(sims, "websites"), _calls(sims, "storeGroups")) == (0, 1, 1)


def test_two_threads_can_sync_two_stores_of_one_connector_at_once(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    connector.integrate_store(sims.store_config("Second"))
    sims.sandbox.magento.create_product("SKU-1", qty=10)
    sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped")
    sims.sandbox.clock.advance(300)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run(store: str) -> None:
        try:
            start.wait(5)
            for _ in range(20):
                connector.sync(store)
        except BaseException as err:  # handed to the test thread
            errors.append(err)

    threads = [threading.Thread(target=run, args=(name,)) for name in ("Main", "Second")]
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so the two syncs interleave inside their transactions
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        sys.setswitchinterval(switch)
    assert errors == []
    assert [len(connector.amazon_orders(name)) for name in ("Main", "Second")] == [1, 1]


def test_a_sync_does_not_fail_while_another_process_holds_the_messages_lock(
    sims, connector: Connector, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from filelock import FileLock

    monkeypatch.setattr("reference_impl.connector.LOCK_WAIT", 0.2)
    sims.sandbox.amazon.create_order(items=[{"sku": "GHOST"}], status="Unshipped")
    other = FileLock(f"{connector.storage.path}.messages.lock")
    held, done = threading.Event(), threading.Event()

    def hold() -> None:  # another process in the middle of a slow message call
        with other:
            held.set()
            done.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(10)
        _sync(sims, connector)  # the store syncs; the message waits for a later sync
        assert sims.sandbox.magento.system_messages() == []
    finally:
        done.set()
        thread.join(10)
    _sync(sims, connector)
    assert len(sims.sandbox.magento.system_messages()) == 1


def test_the_stock_of_a_batch_of_orders_is_reserved_in_one_call(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    """Two HTTP calls an imported order (its items, its create); each order keeps a reservation of its own, and
    stock one order takes is not there for the next one of the same batch."""
    sims.sandbox.magento.create_product("SKU-1", qty=2 * (IMPORT_BATCH + 5) + 1)
    sims.sandbox.magento.create_product("SKU-2", qty=3)
    ids = [
        sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1", "quantity": 2}], status="Unshipped").amazon_order_id
        for _ in range(IMPORT_BATCH + 5)
    ]
    scarce = [
        sims.sandbox.amazon.create_order(items=[{"sku": "SKU-2", "quantity": 2}], status="Unshipped").amazon_order_id
        for _ in range(2)
    ]
    sims.sandbox.clock.advance(300)
    report = connector.sync()["Main"]
    assert report["imported"] == IMPORT_BATCH + 6 and report["blocked"] == 1, report
    assert _calls(sims, "reservationsAppend") == 2  # a full batch, then the rest
    assert _calls(sims, "orderCreate") == IMPORT_BATCH + 6
    held = {r.metadata: r.quantity for r in sims.sandbox.magento.reservations}

    def holds(amazon_id: str) -> list[object]:
        return [q for m, q in held.items() if f'"object_id": "{amazon_id}"' in m]

    assert all(holds(amazon_id) == [-2] for amazon_id in ids)
    imported = [i for i in scarce if sims.sandbox.magento.orders_for_amazon_id(i)]
    assert len(imported) == 1 and holds(imported[0]) == [-2]  # 1 of SKU-2 left for the other
    assert [holds(i) for i in scarce if i not in imported] == [[]]
    assert sims.sandbox.magento.salable_qty("SKU-1") == 1
