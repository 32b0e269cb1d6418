"""The connector reads Amazon with its seller's credentials, and buyer and address data with one RDT per listing."""

from __future__ import annotations

from reference_impl import Connector


def _calls(sims, operation: str) -> list:  # type: ignore[no-untyped-def]
    return sims.sandbox.journal.entries("amazon", operation)


def test_one_restricted_data_token_serves_every_page_and_is_kept_while_it_lives(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    for n in range(150):  # two pages of Pending orders
        sims.sandbox.amazon.create_order(items=[{"sku": f"SKU-{n}"}])
    sims.sandbox.clock.advance(300)
    connector.sync()
    assert len(connector.amazon_orders("Main")) == 150
    rdts = _calls(sims, "createRestrictedDataToken")
    pages = _calls(sims, "getOrders")
    assert len(rdts) == 1 and len(pages) == 2
    assert rdts[0].body["restrictedResources"] == [
        {"method": "GET", "path": "/orders/v0/orders", "dataElements": ["buyerInfo", "shippingAddress"]}
    ]
    sims.sandbox.clock.advance(600)
    connector.sync()
    assert len(_calls(sims, "createRestrictedDataToken")) == 1  # still alive: no second Tokens API call
    sims.sandbox.clock.advance(3600)
    connector.sync()
    assert len(_calls(sims, "createRestrictedDataToken")) == 2


def test_the_buyer_and_address_reach_magento(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", qty=5)
    order = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped")
    sims.sandbox.clock.advance(300)
    connector.sync()
    [created] = sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id)
    assert created["customer_email"] == order.buyer_email
    street = created["extension_attributes"]["shipping_assignments"][0]["shipping"]["address"]["street"]
    assert street[0] == order.address["AddressLine1"]


def test_a_seller_withdrawing_consent_stops_the_sync_with_a_clear_error(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.amazon.create_order(status="Unshipped")
    sims.sandbox.clock.advance(300)
    assert not connector.sync()["Main"]["errors"]
    sims.sandbox.amazon.revoke(sims.store_config().refresh_token)
    sims.sandbox.amazon.create_order(status="Unshipped")
    sims.sandbox.clock.advance(300)
    report = connector.sync()["Main"]
    assert report["received"] == 0
    assert any("invalid_grant" in error for error in report["errors"]), report
