"""What a sync asks of Magento: no call whose answer cannot change what the connector does."""

from __future__ import annotations

import sys
import threading

import pytest

from reference_impl import Connector
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
