"""The reference connector against the in-process simulators: the seed import lifecycle."""

from __future__ import annotations

from pathlib import Path

from reference_impl import Connector
from simulators.journal import Fault


def _sync(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.clock.advance(300)
    connector.sync()


def test_pending_then_unshipped_creates_one_processing_order(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", price="25.00", qty=10)
    sims.sandbox.clock.advance(60)
    order = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1", "quantity": 2, "price": "25.00"}])
    _sync(sims, connector)
    assert [r["status"] for r in connector.amazon_orders("Main")] == ["Pending"]
    assert sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id) == []

    sims.sandbox.amazon.set_status(order.amazon_order_id, "Unshipped")
    _sync(sims, connector)
    _sync(sims, connector)
    found = sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id)
    assert [(o["state"], o["status"]) for o in found] == [("processing", "processing")]
    assert found[0]["payment"]["po_number"] == order.amazon_order_id
    assert sims.sandbox.magento.salable_qty("SKU-1") == 8
    row = connector.amazon_orders("Main")[0]
    assert row["status"] == "Unshipped"
    assert row["magento_order"] == found[0]["increment_id"]
    assert row["notes"][-1] == f"Magento order #{found[0]['increment_id']} created."


def test_pre_integration_orders_are_never_recorded(sims, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", qty=10)
    early = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}])
    sims.sandbox.clock.advance(3600)
    clock = sims.sandbox.clock
    connector = Connector(tmp_path / "c.sqlite3", now=clock.now)
    connector.integrate_store(sims.store_config())
    sims.sandbox.amazon.set_status(early.amazon_order_id, "Unshipped")
    clock.advance(300)
    connector.sync()
    assert connector.amazon_orders("Main") == []
    assert sims.sandbox.magento.orders_for_amazon_id(early.amazon_order_id) == []
    connector.close()


def test_a_missing_product_blocks_and_raises_the_admin_message(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    order = sims.sandbox.amazon.create_order(items=[{"sku": "GHOST"}], status="Unshipped")
    _sync(sims, connector)
    assert sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id) == []
    texts = [m.text for m in sims.sandbox.magento.system_messages()]
    assert texts == [
        "Your Amazon store(s) has orders that cannot be imported into Magento. "
        "See Recent Orders in the store dashboard(s): Main"
    ]
    assert 'Cannot create sales order: Product "GHOST" does not exist.' in connector.amazon_orders("Main")[0]["notes"]
    sims.sandbox.magento.create_product("GHOST", qty=5)
    _sync(sims, connector)
    assert len(sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id)) == 1
    assert sims.sandbox.magento.system_messages() == []


def test_an_unanswered_create_is_not_repeated_until_it_had_time_to_settle(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", qty=10)
    order = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped")
    sims.sandbox.faults.inject("magento", "orderCreate", Fault("drop"))
    _sync(sims, connector)  # the create gets no answer
    connector.sync()  # at once: Magento might still be saving it, so nothing is created
    creates = [e for e in sims.sandbox.journal.entries("magento", "orderCreate")]
    assert len(creates) == 1
    assert sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id) == []
    sims.sandbox.clock.advance(61)
    connector.sync()
    assert len(sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id)) == 1


def _both_shipped_one_created_unanswered(sims, connector: Connector) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Two Unshipped orders: the first's create lands in Magento unanswered, the other imports; then the
    merchant ships the first (tracking 1Z999) and, 5 s later, the other (1Z888). Their Amazon order IDs."""
    sims.sandbox.magento.create_product("SKU-1", qty=10)
    order = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped")
    sims.sandbox.clock.advance(1)
    other = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped")
    sims.sandbox.faults.inject("magento", "orderCreate", Fault("after_commit", status=503))
    _sync(sims, connector)
    (created,) = sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id)
    (imported,) = sims.sandbox.magento.orders_for_amazon_id(other.amazon_order_id)
    rows = {r["order_number"]: r["magento_order"] for r in connector.amazon_orders("Main")}
    assert rows[order.amazon_order_id] is None and rows[other.amazon_order_id] == imported["increment_id"]
    sims.sandbox.magento.ship_with_tracking(int(created["entity_id"]), "ups", "1Z999")
    sims.sandbox.clock.advance(5)
    sims.sandbox.magento.ship_with_tracking(int(imported["entity_id"]), "ups", "1Z888")
    return order.amazon_order_id, other.amazon_order_id


def _confirmed(sims, amazon_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.tracking_number for c in sims.sandbox.amazon.shipment_confirmations(amazon_id)]


def test_a_shipment_of_an_order_created_unanswered_still_reaches_amazon(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    first, other = _both_shipped_one_created_unanswered(sims, connector)
    _sync(sims, connector)
    _sync(sims, connector)
    assert (_confirmed(sims, first), _confirmed(sims, other)) == (["1Z999"], ["1Z888"])
    assert len(sims.sandbox.magento.orders_for_amazon_id(first)) == 1


def test_a_failed_look_up_of_an_unrecorded_create_never_leads_to_a_second_order(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", qty=10)
    order = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped")
    sims.sandbox.faults.inject("magento", "orderCreate", Fault("after_commit", status=503))
    _sync(sims, connector)
    sims.sandbox.faults.inject("magento", "orderSearch", Fault("status", status=503))
    _sync(sims, connector)  # the look-up before the shipments fails; the one before creating answers
    _sync(sims, connector)
    assert len(sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id)) == 1
    assert connector.amazon_orders("Main")[0]["magento_order"] is not None


def test_a_shipment_waits_while_the_look_up_of_an_unrecorded_create_fails(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    first, other = _both_shipped_one_created_unanswered(sims, connector)
    sims.sandbox.faults.inject("magento", "orderSearch", Fault("status", status=503))  # the early look-up fails
    for _ in range(3):
        _sync(sims, connector)
    assert (_confirmed(sims, first), _confirmed(sims, other)) == (["1Z999"], ["1Z888"])


def test_an_unrecorded_create_of_an_order_amazon_then_canceled_is_canceled_in_magento(
    sims, connector: Connector
) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", qty=10)
    order = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped")
    sims.sandbox.faults.inject("magento", "orderCreate", Fault("after_commit", status=503))
    _sync(sims, connector)
    sims.sandbox.amazon.set_status(order.amazon_order_id, "Canceled")
    sims.sandbox.faults.inject("magento", "orderSearch", Fault("status", status=503))  # the look-up fails once
    _sync(sims, connector)
    _sync(sims, connector)
    (magento,) = sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id)
    assert magento["state"] == "canceled"
    assert float(sims.sandbox.magento.salable_qty("SKU-1")) == 10


def test_a_create_that_never_landed_is_let_go_once_amazon_canceled_the_order(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", qty=10)
    order = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped")
    sims.sandbox.faults.inject("magento", "orderCreate", Fault("status", status=503))  # refused before saving
    _sync(sims, connector)
    sims.sandbox.amazon.set_status(order.amazon_order_id, "Canceled")
    _sync(sims, connector)  # reads the cancellation
    _sync(sims, connector)  # looks the order up once more, finds nothing, lets it go
    searches = len(sims.sandbox.journal.entries("magento", "orderSearch"))
    _sync(sims, connector)
    _sync(sims, connector)
    assert len(sims.sandbox.journal.entries("magento", "orderSearch")) == searches  # looked up no more
    assert sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id) == []


def test_a_refused_token_does_not_drop_a_shipment_confirmation(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", qty=10)
    order = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped")
    _sync(sims, connector)
    (created,) = sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id)
    sims.sandbox.magento.ship_with_tracking(int(created["entity_id"]), "ups", "1Z777")
    sims.sandbox.clock.advance(4000)  # the access token expires
    sims.sandbox.faults.inject("amazon", "lwaToken", Fault("status", status=400, times=4))  # invalid_grant
    _sync(sims, connector)
    _sync(sims, connector)  # the credentials work again
    _sync(sims, connector)
    confirmations = sims.sandbox.amazon.shipment_confirmations(order.amazon_order_id)
    assert [c.tracking_number for c in confirmations] == ["1Z777"]


def test_recent_orders_show_no_note_naming_the_magento_order(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", price="25.00", qty=10)
    sims.sandbox.clock.advance(60)
    order = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped")
    _sync(sims, connector)
    number = sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id)[0]["increment_id"]
    assert any(number in note for note in connector.amazon_orders("Main")[0]["notes"])  # All Orders keeps it
    recent = connector.recent_orders("Main")[0]
    assert recent["magento_order"] is None
    assert recent["notes"] and not any(number in note for note in recent["notes"])


def test_every_parcel_of_a_shipment_reaches_amazon_with_its_share_of_the_units(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    magento = sims.sandbox.magento
    magento.create_product("SKU-1", qty=10)
    magento.create_product("SKU-2", qty=10)
    sims.sandbox.clock.advance(60)
    items = [{"sku": "SKU-1", "quantity": 2}, {"sku": "SKU-2", "quantity": 1}]
    order = sims.sandbox.amazon.create_order(items=items, status="Unshipped")
    _sync(sims, connector)
    tracks = [
        {"carrier_code": "ups", "title": "UPS", "track_number": "1Z1"},
        {"carrier_code": "custom", "title": "Harbour Lane Couriers", "track_number": "HL2"},
        {"carrier_code": "dhl", "title": "DHL", "track_number": "D3"},
    ]
    magento.ship(magento.orders_for_amazon_id(order.amazon_order_id)[0]["entity_id"], None, tracks)
    _sync(sims, connector)
    confirmed = sims.sandbox.amazon.shipment_confirmations(order.amazon_order_id)
    assert [(c.carrier_code, c.carrier_name, c.tracking_number) for c in confirmed] == [
        ("UPS", None, "1Z1"),
        ("Other", "Harbour Lane Couriers", "HL2"),
        ("DHL", None, "D3"),
    ]
    assert [sum(q for _, q in c.items) for c in confirmed] == [1, 1, 1]
    assert sims.sandbox.amazon.get(order.amazon_order_id).status == "Shipped"


def test_units_are_split_among_parcels_in_order() -> None:
    from reference_impl.sync import split_units

    items = [{"orderItemId": "a", "quantity": 3}, {"orderItemId": "b", "quantity": 2}]
    assert split_units(items, 1) == [items]
    assert split_units(items, 2) == [[{"orderItemId": "a", "quantity": 3}], [{"orderItemId": "b", "quantity": 2}]]
    assert split_units(items, 3) == [
        [{"orderItemId": "a", "quantity": 2}],
        [{"orderItemId": "a", "quantity": 1}, {"orderItemId": "b", "quantity": 1}],
        [{"orderItemId": "b", "quantity": 1}],
    ]


def test_an_expired_magento_admin_token_is_renewed_within_the_sync(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", qty=10)
    sims.sandbox.clock.advance(60)
    first = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped")
    _sync(sims, connector)
    sims.sandbox.clock.advance(5 * 3600)  # past the admin token's 4 hours
    second = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped")
    report = connector.sync()
    assert not report["Main"]["errors"]
    for order in (first, second):
        assert len(sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id)) == 1
