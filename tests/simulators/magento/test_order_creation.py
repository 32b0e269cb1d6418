"""POST /V1/orders (the order repository's save): what a full order entity becomes, and what Magento refuses
(writing nothing). The repository checks no product, salability or stock and places no reservation;
checkout does both (``test_checkout.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from simulators.magento import errors


def test_a_saved_order_has_magentos_shape_and_reserves_no_stock(api: Any) -> None:
    order = api.place()
    assert order["increment_id"] == "000000001" and order["entity_id"] == 1
    assert (order["state"], order["status"], order["ext_order_id"]) == (
        "processing",
        "processing",
        "111-0000000-0000001",
    )
    assert order["payment"]["po_number"] == "111-0000000-0000001" and order["payment"]["method"] == "amazonpayment"
    assert (order["subtotal"], order["tax_amount"], order["grand_total"], order["total_due"]) == (20.0, 1.6, 21.6, 21.6)
    assert order["billing_address"]["parent_id"] == order["entity_id"]
    shipping = order["extension_attributes"]["shipping_assignments"][0]
    assert shipping["shipping"]["address"]["address_type"] == "shipping"
    assert [i["sku"] for i in shipping["items"]] == ["SKU-1"]
    assert order["status_histories"] == []
    assert order["created_at"] == api.sims.sandbox.clock.now().strftime("%Y-%m-%d %H:%M:%S")
    assert api.model.salable_qty("SKU-1") == 10 and api.model.reservations == []  # the repository reserves nothing
    assert "quote_item_id" not in order["items"][0]  # no quote: the field is left out, never null
    assert api.get(f"/orders/{order['entity_id']}").json() == order


def test_increment_ids_follow_a_per_store_sequence_unless_given(api: Any) -> None:
    api.model.add_store_view("second", "Second", "base")
    first = api.place()
    second = api.place(store_id=2)
    third = api.place()
    given = api.place(increment_id="AMZ-1")
    assert [o["increment_id"] for o in (first, second, third, given)] == [
        "000000001",
        "2000000001",
        "000000002",
        "AMZ-1",
    ]
    assert api.error(api.post("/orders", {"entity": api.entity(increment_id="AMZ-1")}), 400) == (
        'The order number "AMZ-1" is already in use.'
    )


def test_status_history_comments_are_kept_newest_first(api: Any) -> None:
    order = api.place(status_histories=[{"comment": "Imported.", "status": "processing"}])
    assert [h["comment"] for h in order["status_histories"]] == ["Imported."]
    assert api.post(f"/orders/{order['entity_id']}/comments", {"statusHistory": {"comment": "Later."}}).json()
    listed = api.get(f"/orders/{order['entity_id']}/comments").json()
    assert [h["comment"] for h in listed["items"]] == ["Later.", "Imported."] and listed["total_count"] == 2
    assert all(h["parent_id"] == order["entity_id"] for h in listed["items"])


def test_the_repository_save_keeps_any_status_it_is_given(api: Any) -> None:
    """Magento's order save adjusts states (``Handler\\State``) but checks no status against its state."""
    unregistered = api.place(status="amazon_new")
    assert (unregistered["state"], unregistered["status"]) == ("processing", "amazon_new")
    other_state = api.place(status="complete", increment_id="000000002")
    assert (other_state["state"], other_state["status"]) == ("processing", "complete")
    api.model.add_order_status("amazon_ready", "processing")
    registered = api.place(state=None, status="amazon_ready", increment_id="000000003")
    assert (registered["state"], registered["status"]) == ("processing", "amazon_ready")
    pending = api.place(state=None, status=None, increment_id="000000004")
    assert (pending["state"], pending["status"]) == ("new", "pending")


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"items": []}, 400, '"items" is required. Enter and try again.'),
        ({"items": [{"qty_ordered": 1}]}, 400, '"sku" is required. Enter and try again.'),
        ({"items": [{"sku": "SKU-1", "qty_ordered": "two"}]}, 400, 'The "two" value\'s type is invalid.'),
        ({"items": [{"sku": "SKU-1", "qty_ordered": 0}]}, 400, 'Invalid value of "0" provided'),
        ({"items": [{"sku": "SKU-1", "qty_ordered": 1e308}]}, 400, 'Invalid value of "1e+308" provided'),
        ({"items": [{"sku": "SKU-1", "price": 1e308}]}, 400, 'Invalid value of "1e+308" provided'),
        ({"store_id": 9}, 400, errors.STORE_NOT_FOUND),
        ({"customer_id": 42}, 404, "No such entity with customerId = 42"),
        ({"payment": {"po_number": "x"}}, 400, '"method" is required. Enter and try again.'),
        ({"billing_address": {"firstname": "J"}}, 400, '"city" is required. Enter and try again.'),
        ({"grand_total": "lots"}, 400, 'The "lots" value\'s type is invalid.'),
        ({"ext_order_id": {"id": 1}}, 400, "The \"{'id': 1}\" value's type is invalid."),
        ({"state": "holded", "status": "holded"}, 400, 'A new order can\'t be created in the "holded" state.'),
        ({"state": None, "status": "canceled"}, 400, 'A new order can\'t be created in the "canceled" state.'),
        ({"status_histories": "hello"}, 400, 'The "hello" value\'s type is invalid.'),
    ],
)
def test_bad_entities_get_magentos_error_and_leave_no_trace(
    api: Any, change: dict[str, Any], status: int, message: str
) -> None:
    response = api.post("/orders", {"entity": api.entity(**change)})
    assert api.error(response, status).startswith(message)
    assert api.model.orders == {} and api.model.reservations == []
    assert api.place()["increment_id"] == "000000001"  # no sequence number was used up


def test_the_repository_saves_orders_for_missing_disabled_and_unsalable_products(api: Any) -> None:
    """Magento's ``OrderRepository::save`` persists what it is given: checking blockers is the connector's job."""
    api.model.set_product_status("SKU-1", enabled=False)
    api.model.set_stock("SKU-2", 10, is_in_stock=False)
    items = [
        {"sku": "SKU-1", "qty_ordered": 1},
        {"sku": "SKU-2", "qty_ordered": 50},
        {"sku": "NOPE", "qty_ordered": 1, "price": 3.0, "name": "Gone"},
    ]
    order = api.place(items=items)
    assert [(i["sku"], i["qty_ordered"]) for i in order["items"]] == [("SKU-1", 1.0), ("SKU-2", 50.0), ("NOPE", 1.0)]
    gone = order["items"][2]
    assert (gone["name"], gone["price"]) == ("Gone", 3.0) and "product_id" not in gone  # no product: left out
    assert api.model.reservations == [] and api.model.salable_qty("SKU-1") == 10
    api.model.reserve("SKU-1", -10, "held for an Amazon order")
    assert api.place(ext_order_id="B")["items"][0]["qty_ordered"] == 2  # nothing salable, saved all the same


def test_put_orders_create_is_the_same_repository_save(api: Any) -> None:
    api.model.set_product_status("SKU-1", enabled=False)
    response = api.put("/orders/create", {"entity": api.entity(ext_order_id="PUT-1")})
    assert response.status_code == 200, response.text
    assert api.model.find("ext_order_id", "PUT-1")[0]["entity_id"] == response.json()["entity_id"]
    assert api.model.reservations == []


def test_an_order_of_a_product_not_in_the_catalog_ships_without_touching_stock(api: Any) -> None:
    order = api.place(items=[{"sku": "NOPE", "qty_ordered": 2, "price": 1.0}])
    assert api.post(f"/order/{order['entity_id']}/ship", {}).status_code == 200
    shipment = api.model.shipments_of(order["entity_id"])[0]
    assert shipment["items"][0]["sku"] == "NOPE" and "product_id" not in shipment["items"][0]
    assert api.model.reservations == []


def test_fba_orders_take_no_stock(api: Any) -> None:
    api.model.set_stock("SKU-1", 0)
    afn = {"amazon_fulfillment_channel": "AFN"}
    order = api.place(state="complete", status="complete", extension_attributes=afn)
    assert order["state"] == "complete" and api.model.reservations == []


def test_unmanaged_stock_is_never_reserved(api: Any) -> None:
    api.model.set_stock("SKU-1", 0, manage_stock=False)
    api.checkout({"SKU-1": 50})
    assert api.model.reservations == []


def test_numbers_in_text_fields_are_cast_to_text(api: Any) -> None:
    order = api.place(ext_order_id=12345, increment_id=777)
    assert (order["ext_order_id"], order["increment_id"]) == ("12345", "777")
    assert api.model.find("ext_order_id", "12345")[0]["entity_id"] == order["entity_id"]


def test_customer_orders_must_name_a_customer_of_the_stores_website(api: Any) -> None:
    customer = api.model.create_customer("jane@example.com", "Jane", "Buyer")
    order = api.place(customer_id=customer["id"], customer_is_guest=0)
    assert order["customer_id"] == customer["id"] and order["customer_is_guest"] == 0
    api.model.add_store_view("eu", "EU", "europe")
    response = api.post("/orders", {"entity": api.entity(customer_id=customer["id"], store_id=2)})
    assert api.error(response, 404) == f"No such entity with customerId = {customer['id']}"


def test_the_guest_flag_is_saved_as_given_and_follows_the_customer_when_left_out(api: Any) -> None:
    """The repository saves ``customer_is_guest`` as sent, even beside a customer ID (the admin then shows a
    guest's order); left out, an order is a guest's unless it names a customer."""
    customer = api.model.create_customer("jane@example.com", "Jane", "Buyer")
    assert api.place(customer_id=customer["id"], customer_is_guest=1)["customer_is_guest"] == 1
    entity = api.entity(customer_id=customer["id"])
    entity.pop("customer_is_guest", None)
    created = api.post("/orders", {"entity": entity})
    assert created.status_code == 200 and created.json()["customer_is_guest"] == 0
    guest = api.entity()
    guest.pop("customer_is_guest", None)
    guest.pop("customer_id", None)
    assert api.post("/orders", {"entity": guest}).json()["customer_is_guest"] == 1


def test_saving_an_existing_order_changes_its_status_and_ext_order_id(api: Any) -> None:
    order = api.place()
    api.model.add_order_status("ready", "processing")
    body = {"entity_id": order["entity_id"], "increment_id": order["increment_id"], "status": "ready"}
    saved = api.post("/orders", {"entity": {**body, "ext_order_id": "NEW-ID"}}).json()
    assert (saved["status"], saved["ext_order_id"]) == ("ready", "NEW-ID")
    assert api.model.find("ext_order_id", "NEW-ID")[0]["entity_id"] == order["entity_id"]
    assert api.model.find("ext_order_id", "111-0000000-0000001") == []
    other = api.post("/orders", {"entity": {**body, "status": "closed"}}).json()  # no status check on save
    assert (other["state"], other["status"]) == ("processing", "closed")
    assert api.error(api.post("/orders", {"entity": {"entity_id": 99, "status": "ready"}}), 404)
    assert len(api.model.orders) == 1
