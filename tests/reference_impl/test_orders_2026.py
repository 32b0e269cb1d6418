"""The connector reading Amazon through Orders API 2026-01-01 instead of v0."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from reference_impl import Connector
from reference_impl.orders_2026 import as_v0


def _connector(sims, tmp_path: Path, orders_api: str) -> Connector:  # type: ignore[no-untyped-def]
    clock = sims.sandbox.clock
    connector = Connector(
        tmp_path / "c.sqlite3", now=clock.now, sleep=lambda s: clock.advance(s), orders_api=orders_api
    )
    connector.integrate_store(sims.store_config())
    return connector


def test_orders_come_through_search_orders_with_their_items(sims, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", price="24.50", qty=10)
    connector = _connector(sims, tmp_path, "2026-01-01")
    sims.sandbox.clock.advance(60)
    order = sims.sandbox.amazon.create_order(
        items=[{"sku": "SKU-1", "quantity": 2, "price": "24.50", "tax": "3.92"}], status="Unshipped"
    )
    sims.sandbox.clock.advance(300)
    connector.sync()
    used = {e.operation for e in sims.sandbox.journal.entries("amazon")}
    assert "searchOrders" in used
    assert not used & {"getOrders", "getOrderItems"}
    found = sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id)
    assert len(found) == 1
    assert Decimal(str(found[0]["grand_total"])) == order.total
    assert Decimal(str(found[0]["tax_amount"])) == Decimal("3.92")
    row = connector.amazon_orders("Main")[0]
    assert (row["status"], row["buyer_name"]) == ("Unshipped", order.buyer_name)
    connector.close()


def test_statuses_and_channels_map_back_to_v0() -> None:
    order = {
        "orderId": "111-1111111-1111111",
        "createdTime": "2026-01-05T09:00:00Z",
        "lastUpdatedTime": "2026-01-05T09:05:00Z",
        "fulfillment": {"fulfillmentStatus": "PARTIALLY_SHIPPED", "fulfilledBy": "AMAZON"},
        "orderItems": [{"orderItemId": "1", "quantityOrdered": 2, "product": {"sellerSku": "S"}}],
    }
    v0 = as_v0(order)
    assert (v0["OrderStatus"], v0["FulfillmentChannel"]) == ("PartiallyShipped", "AFN")
    assert v0["OrderItems"][0]["SellerSKU"] == "S"
    with pytest.raises(KeyError):
        as_v0({"orderId": "x"})


def test_an_unknown_orders_api_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="orders_api"):
        Connector(tmp_path / "c.sqlite3", orders_api="v9")
