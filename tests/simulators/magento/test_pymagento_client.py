"""pymagento, unmodified, against the live fake Magento: how a real client builds URLs, authenticates, pages."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from magento import Magento
from magento.exceptions import MagentoException
from magento.queries import make_field_value_query, make_search_query

from simulators.magento import errors


@pytest.fixture
def client(live_sims: Any) -> Iterator[Magento]:
    """pymagento with an admin token, scope ``all`` (its default: ``/rest/all/V1/...``), small pages."""
    model = live_sims.sandbox.magento
    model.create_product("SKU-1", name="Widget", price="10.00", qty=50)
    model.create_product("SKU/2", name="Slashed", price="2.00", qty=5)
    token = requests.post(
        f"{live_sims.magento_url}/rest/V1/integration/admin/token",
        json={"username": "admin", "password": "admin123"},
        timeout=5,
    ).json()
    yield Magento(token=token, base_url=live_sims.magento_url, batch_page_size=2)


def _place(client: Magento, amazon_id: str, qty: int = 1) -> dict[str, Any]:
    entity = {
        "ext_order_id": amazon_id,
        "state": "processing",
        "status": "processing",
        "customer_email": "buyer@example.com",
        "items": [{"sku": "SKU-1", "qty_ordered": qty, "price": 10.0}],
        "payment": {"method": "amazonpayment", "po_number": amazon_id, "additional_information": []},
    }
    return dict(client.save_order(entity))


def test_get_product_stock_and_a_missing_product(client: Magento) -> None:
    product = client.get_product("SKU-1")
    assert product["sku"] == "SKU-1" and product["status"] == 1
    assert client.get_product("SKU/2")["name"] == "Slashed"  # escaped as SKU%2F2
    assert client.get_product("NOPE") is None  # its none_on_404 default
    with pytest.raises(MagentoException) as caught:
        client.get_product("NOPE", none_on_404=False)
    assert caught.value.message == errors.PRODUCT_NOT_FOUND
    item = client.get_product_stock_item("SKU-1")
    assert item["qty"] == 50
    assert client.update_product_stock_item_quantity("SKU-1", item["item_id"], 7) == item["item_id"]
    assert client.get_product_stock_item("SKU-1")["qty"] == 7


def test_search_orders_by_amazon_id_and_increment_id_with_paging(client: Magento) -> None:
    placed = [_place(client, f"111-000000{n}") for n in range(5)]
    found = list(client.get_orders(query=make_field_value_query("ext_order_id", "111-0000003")))
    assert [o["entity_id"] for o in found] == [placed[3]["entity_id"]]
    by_po = list(client.get_orders(query=make_field_value_query("payment.po_number", "111-0000004")))
    assert [o["entity_id"] for o in by_po] == [placed[4]["entity_id"]]
    assert client.get_order_by_increment_id(placed[1]["increment_id"])["ext_order_id"] == "111-0000001"
    assert client.get_order_by_increment_id("999") is None
    assert len(list(client.get_orders())) == 5  # three pages of two
    assert client.get_total_orders_count() == 5
    assert [o["increment_id"] for o in client.get_last_orders(2)] == ["000000005", "000000004"]
    both = client.get_orders_by_increment_ids(["000000001", "000000002"])
    assert sorted(both) == ["000000001", "000000002"]
    processing = list(client.get_orders(status="processing", limit=3))
    assert len(processing) == 3
    query = make_search_query([[("grand_total", 5, "gt")]], sort_orders=[("entity_id", "DESC")])
    assert [o["entity_id"] for o in client.get_orders(query=query, limit=1)] == [placed[-1]["entity_id"]]


def test_invoice_ship_and_read_shipments(client: Magento) -> None:
    order = _place(client, "111-1", qty=2)
    invoice_id = client.create_order_invoice(order["entity_id"], {"capture": True})
    assert str(invoice_id).isdigit()
    assert [i["entity_id"] for i in client.get_order_invoices(order["entity_id"])] == [int(invoice_id)]
    track = {"track_number": "1Z999", "title": "UPS", "carrier_code": "ups"}
    shipment_id = client.ship_order(order["entity_id"], {"tracks": [track]})
    shipments = list(client.get_order_shipments(order["entity_id"]))
    assert [s["entity_id"] for s in shipments] == [int(shipment_id)]
    assert shipments[0]["tracks"][0]["track_number"] == "1Z999"
    assert client.get_shipment(int(shipment_id))["order_id"] == order["entity_id"]
    assert client.get_order(order["entity_id"])["status"] == "complete"
    lines = list(client.get_orders_items(sku="SKU-1"))
    assert [(i["order_id"], i["qty_shipped"], i["qty_invoiced"]) for i in lines] == [(order["entity_id"], 2, 2)]
    assert client.get_order_item(lines[0]["item_id"])["sku"] == "SKU-1"
    with pytest.raises(MagentoException) as caught:
        client.ship_order(order["entity_id"], {})
    assert errors.CANNOT_SHIP in caught.value.message


def test_hold_unhold_status_and_refusals(client: Magento) -> None:
    order = _place(client, "111-2")
    assert client.hold_order(order["entity_id"]) is True
    with pytest.raises(MagentoException) as caught:
        client.hold_order(order["entity_id"])
    assert caught.value.message == errors.CANNOT_HOLD
    assert client.unhold_order(order["entity_id"]) is True
    saved = client.set_order_status(order, "fraud", external_order_id="111-2-renamed")
    assert (saved["status"], saved["ext_order_id"]) == ("fraud", "111-2-renamed")


def test_customers_are_searched_by_email(client: Magento, live_sims: Any) -> None:
    live_sims.sandbox.magento.create_customer("jane@example.com", "Jane", "Buyer")
    found = list(client.get_customers(query=make_field_value_query("email", "jane@example.com")))
    assert [c["firstname"] for c in found] == ["Jane"]


def test_concurrent_checkouts_for_the_last_units_never_oversell(client: Magento, live_sims: Any) -> None:
    """Checkout checks salability and reserves under one lock: twelve guest carts racing for 3 units."""
    model = live_sims.sandbox.magento
    model.set_stock("SKU-1", 3)
    address = {"firstname": "B", "lastname": "Buyer", "street": ["1 St"], "city": "C", "postcode": "1"}
    address.update(country_id="US", telephone="5", email="buyer@example.com")
    info = {"shipping_address": address, "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}

    def attempt(n: int) -> int:
        cart = client.post_api("/V1/guest-carts").json()
        item = {"cartItem": {"sku": "SKU-1", "qty": 1, "quote_id": cart}}
        added = client.post_api(f"/V1/guest-carts/{cart}/items", json=item)
        if added.status_code != 200:  # refused already when added to the cart
            assert added.json()["message"] == errors.QTY_NOT_AVAILABLE, added.text
            return int(added.status_code)
        client.post_api(f"/V1/guest-carts/{cart}/shipping-information", json={"addressInformation": info})
        body = {"email": "buyer@example.com", "paymentMethod": {"method": "checkmo"}, "billingAddress": address}
        return int(client.post_api(f"/V1/guest-carts/{cart}/payment-information", json=body).status_code)

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(attempt, range(12)))
    assert statuses == [200] * 3 + [400] * 9
    assert model.salable_qty("SKU-1") == 0 and len(model.orders) == 3


def test_the_repository_save_persists_orders_checkout_would_refuse(client: Magento, live_sims: Any) -> None:
    """``POST /V1/orders`` checks no stock: all twelve orders for 3 units are saved, and none reserves."""
    model = live_sims.sandbox.magento
    model.set_stock("SKU-1", 3)
    entity = {"customer_email": "b@example.com", "items": [{"sku": "SKU-1", "qty_ordered": 1}]}
    for n in range(12):
        response = client.post_api("/V1/orders", json={"entity": {**entity, "ext_order_id": f"C-{n}"}})
        assert response.status_code == 200, response.text
    assert model.salable_qty("SKU-1") == 3 and len(model.orders) == 12
