"""Products, stock items, salable quantity with MSI reservations, and the companion reservations route."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulators.magento import errors


def test_a_product_carries_status_visibility_and_its_stock_item(api: Any) -> None:
    api.model.set_stock("SKU-1", 7)
    body = api.get("/products/SKU-1").json()
    assert (body["sku"], body["name"], body["price"], body["status"], body["visibility"]) == (
        "SKU-1",
        "Widget",
        10.0,
        1,
        4,
    )
    stock = body["extension_attributes"]["stock_item"]
    assert (stock["qty"], stock["is_in_stock"], stock["manage_stock"], stock["min_qty"]) == (7.0, True, True, 0.0)


def test_a_missing_product_gets_magentos_404(api: Any) -> None:
    assert api.error(api.get("/products/NOPE"), 404) == errors.PRODUCT_NOT_FOUND
    assert api.error(api.get("/stockItems/NOPE"), 404) == 'The Product with the "NOPE" SKU doesn\'t exist.'
    assert api.error(api.get("/inventory/get-product-salable-quantity/NOPE/1"), 404) == errors.PRODUCT_NOT_FOUND


def test_skus_with_slashes_and_spaces_are_reachable_encoded(api: Any) -> None:
    api.model.create_product("A/B C", price=3, qty=2)
    assert api.get("/products/A%2FB%20C").json()["sku"] == "A/B C"
    assert api.get("/stockItems/A%2FB%20C").json()["qty"] == 2.0


def test_put_product_changes_status_price_and_stock_together(api: Any) -> None:
    body = {"product": {"status": 2, "price": 12.5, "extension_attributes": {"stock_item": {"qty": 3}}}}
    response = api.put("/products/SKU-1", body)
    assert response.status_code == 200, response.text
    assert api.model.products["SKU-1"].status == 2 and api.model.products["SKU-1"].price == Decimal("12.5")
    assert api.model.stock["SKU-1"].qty == 3
    assert api.model.is_salable("SKU-1") is False  # disabled


def test_put_product_with_bad_input_changes_nothing(api: Any) -> None:
    before = api.get("/products/SKU-1").json()
    bad = {"product": {"price": 99, "status": 7, "extension_attributes": {"stock_item": {"qty": 1}}}}
    assert "status" in api.error(api.put("/products/SKU-1", bad), 400)
    bad_qty = {"product": {"price": 99, "extension_attributes": {"stock_item": {"qty": "lots"}}}}
    assert api.error(api.put("/products/SKU-1", bad_qty), 400) == (
        'The "lots" value\'s type is invalid. The "float" type was expected. Verify and try again.'
    )
    assert api.get("/products/SKU-1").json() == before
    assert api.error(api.put("/products/SKU-1", {"sku": "SKU-1"}), 400) == '"product" is required. Enter and try again.'


def test_put_product_creates_a_missing_product_and_delete_removes_it(api: Any) -> None:
    body = {"product": {"sku": "NEW", "name": "New", "price": 5, "extension_attributes": {"stock_item": {"qty": 4}}}}
    created = api.put("/products/NEW", body)
    assert created.status_code == 200 and created.json()["extension_attributes"]["stock_item"]["qty"] == 4.0
    assert api.error(api.put("/products/NONAME", {"product": {"price": 1}}), 400) == errors.PRODUCT_SAVE_FAILED
    assert api.delete("/products/NEW").json() is True
    assert api.error(api.get("/products/NEW"), 404) == errors.PRODUCT_NOT_FOUND


def test_product_search_filters_sorts_and_pages(api: Any) -> None:
    api.model.create_product("SKU-3", name="Gizmo", price="1.00", qty=0, enabled=False)
    query = {
        "searchCriteria[filter_groups][0][filters][0][field]": "status",
        "searchCriteria[filter_groups][0][filters][0][value]": "1",
        "searchCriteria[sortOrders][0][field]": "price",
        "searchCriteria[sortOrders][0][direction]": "ASC",
    }
    found = api.get("/products", query).json()
    assert [p["sku"] for p in found["items"]] == ["SKU-2", "SKU-1"] and found["total_count"] == 2
    like = api.get(
        "/products",
        {
            "searchCriteria[filter_groups][0][filters][0][field]": "name",
            "searchCriteria[filter_groups][0][filters][0][value]": "G%",
            "searchCriteria[filter_groups][0][filters][0][condition_type]": "like",
            "searchCriteria[pageSize]": "1",
            "searchCriteria[currentPage]": "2",
        },
    ).json()
    assert like["total_count"] == 2 and [p["sku"] for p in like["items"]] == ["SKU-3"]


def test_stock_item_put_uses_magentos_real_path_and_answers_the_item_id(api: Any) -> None:
    item_id = api.get("/stockItems/SKU-1").json()["item_id"]
    response = api.put(f"/products/SKU-1/stockItems/{item_id}", {"stockItem": {"qty": 0, "is_in_stock": False}})
    assert response.status_code == 200 and response.json() == item_id
    assert api.get("/stockItems/SKU-1").json()["is_in_stock"] is False
    assert api.get("/inventory/get-product-salable-quantity/SKU-1/1").json() == 0


def test_managed_stock_never_goes_negative(api: Any) -> None:
    response = api.put("/products/SKU-1/stockItems/1", {"stockItem": {"qty": -1}})
    assert api.error(response, 400) == errors.NEGATIVE_QTY
    assert api.model.stock["SKU-1"].qty == 10
    unmanaged = api.put("/products/SKU-1/stockItems/1", {"stockItem": {"qty": -1, "manage_stock": False}})
    assert unmanaged.status_code == 200 and api.model.stock["SKU-1"].qty == -1


def test_salable_quantity_is_qty_plus_reservations_minus_min_qty(api: Any) -> None:
    api.model.set_stock("SKU-1", 10, min_qty=2)
    api.checkout()  # 2 of SKU-1, reserved by checkout
    assert api.get("/inventory/get-product-salable-quantity/SKU-1/1").json() == 6
    assert api.get("/stockItems/SKU-1").json()["qty"] == 10  # the source only changes on shipment
    assert api.get("/inventory/is-product-salable/SKU-1/1").json() is True
    result = api.get("/inventory/is-product-salable-for-requested-qty/SKU-1/1/7").json()
    assert result["salable"] is False and result["errors"][0]["code"] == "is_correct_qty-not_enough"
    assert api.get("/inventory/is-product-salable-for-requested-qty/SKU-1/1/6").json() == {
        "salable": True,
        "errors": [],
    }
    assert api.error(api.get("/inventory/get-product-salable-quantity/SKU-1/9"), 404)


def test_reservations_route_holds_back_and_releases_quantity(api: Any) -> None:
    hold = [{"sku": "SKU-1", "quantity": -3, "metadata": {"event_type": "amazon_order_pending", "object_id": "A-1"}}]
    response = api.post("/inventory/reservations", {"reservations": hold})
    assert response.status_code == 200 and response.json()[0]["quantity"] == -3
    assert '"object_id":"A-1"' in response.json()[0]["metadata"]
    assert api.model.salable_qty("SKU-1") == 7
    assert api.post("/inventory/reservations", [{"sku": "SKU-1", "quantity": 3, "metadata": "released"}]).ok
    assert api.model.salable_qty("SKU-1") == 10
    listed = api.get(
        "/inventory/reservations",
        {
            "searchCriteria[filter_groups][0][filters][0][field]": "sku",
            "searchCriteria[filter_groups][0][filters][0][value]": "SKU-1",
        },
    ).json()
    assert [r["quantity"] for r in listed["items"]] == [-3, 3] and listed["total_count"] == 2


def test_a_bad_reservation_batch_appends_nothing(api: Any) -> None:
    batch = [{"sku": "SKU-1", "quantity": -1}, {"sku": "", "quantity": -1}]
    assert api.error(api.post("/inventory/reservations", {"reservations": batch}), 400) == '"sku" can not be empty.'
    batch = [{"sku": "SKU-1", "quantity": -1}, {"sku": "SKU-2", "quantity": "x"}]
    assert api.error(api.post("/inventory/reservations", {"reservations": batch}), 400)
    assert api.error(api.post("/inventory/reservations", {"reservations": [{"sku": "SKU-1"}]}), 400)
    other_stock = [{"sku": "SKU-1", "quantity": -1, "stock_id": 2}]
    assert api.error(api.post("/inventory/reservations", {"reservations": other_stock}), 404)
    assert api.model.reservations == [] and api.model.salable_qty("SKU-1") == 10


def test_shipping_deducts_the_source_and_a_shortfall_is_refused_without_writing(api: Any) -> None:
    order = api.checkout()
    api.model.set_stock("SKU-1", 1)  # the merchant lowered stock below what the order holds
    response = api.post(f"/order/{order['entity_id']}/ship", {})
    assert api.error(response, 400) == errors.NOT_ENOUGH_SOURCE_QTY
    assert api.model.stock["SKU-1"].qty == 1 and api.model.shipments_of(order["entity_id"]) == []
    assert api.model.order(order["entity_id"])["items"][0]["qty_shipped"] == 0
    api.model.set_stock("SKU-1", 2)
    assert api.post(f"/order/{order['entity_id']}/ship", {}).status_code == 200
    assert api.model.stock["SKU-1"].qty == 0 and api.model.stock["SKU-1"].is_in_stock is False
    assert api.model.reserved("SKU-1") == 0
