"""Invoices, shipments, credit memos, cancel, hold and unhold: Magento's transitions and refusals."""

from __future__ import annotations

from typing import Any

from simulators.magento import errors


def _order(api: Any, entity_id: int) -> dict[str, Any]:
    return dict(api.get(f"/orders/{entity_id}").json())


def test_invoice_then_ship_makes_the_order_complete(api: Any) -> None:
    order = api.place()
    oid = order["entity_id"]
    invoice_id = api.post(f"/order/{oid}/invoice", {"capture": True}).json()
    assert isinstance(invoice_id, str) and invoice_id.isdigit()
    invoiced = _order(api, oid)
    assert (invoiced["state"], invoiced["total_paid"], invoiced["total_due"]) == ("processing", 21.6, 0.0)
    invoice = api.get(f"/invoices/{invoice_id}").json()
    assert (invoice["grand_total"], invoice["total_qty"], invoice["order_id"]) == (21.6, 2.0, oid)
    track = {"track_number": "1Z999", "title": "UPS", "carrier_code": "ups"}
    shipment_id = api.post(f"/order/{oid}/ship", {"tracks": [track]}).json()
    done = _order(api, oid)
    assert (done["state"], done["status"]) == ("complete", "complete")
    shipment = api.get(f"/shipment/{shipment_id}").json()
    assert shipment["tracks"][0]["track_number"] == "1Z999" and shipment["items"][0]["qty"] == 2.0
    found = api.get(
        "/shipments",
        {
            "searchCriteria[filter_groups][0][filters][0][field]": "order_id",
            "searchCriteria[filter_groups][0][filters][0][value]": str(oid),
        },
    ).json()
    assert [s["entity_id"] for s in found["items"]] == [int(shipment_id)] and found["total_count"] == 1
    # The repository's save reserved nothing; the shipment deducts the source and places MSI's compensating
    # reservation all the same, so salable quantity is back where it was (what a connector that holds no
    # reservation for its orders sees in real Magento).
    assert api.model.stock["SKU-1"].qty == 8 and api.model.salable_qty("SKU-1") == 10
    assert [r.quantity for r in api.model.reservations] == [2]


def test_ship_then_invoice_also_completes_and_partial_documents_keep_processing(api: Any) -> None:
    order = api.place(items=[{"sku": "SKU-1", "qty_ordered": 2, "price": 10.0}, {"sku": "SKU-2", "qty_ordered": 1}])
    oid = order["entity_id"]
    first, second = (i["item_id"] for i in order["items"])
    api.post(f"/order/{oid}/ship", {"items": [{"order_item_id": first, "qty": 1}]})
    assert _order(api, oid)["state"] == "processing"
    api.post(f"/order/{oid}/invoice", {"items": [{"order_item_id": first, "qty": 2}]})
    api.post(f"/order/{oid}/ship", {"items": [{"order_item_id": first, "qty": 1}, {"order_item_id": second, "qty": 1}]})
    assert _order(api, oid)["state"] == "processing"
    api.post(f"/order/{oid}/invoice", {})
    done = _order(api, oid)
    assert done["state"] == "complete" and done["total_paid"] == done["grand_total"] == 24.5


def test_invoice_and_ship_refusals_carry_magentos_messages(api: Any) -> None:
    order = api.place()
    oid, item = order["entity_id"], order["items"][0]["item_id"]
    too_many = api.post(f"/order/{oid}/invoice", {"items": [{"order_item_id": item, "qty": 3}]})
    assert api.error(too_many, 400) == (
        "Invoice Document Validation Error(s):\nThe quantity to invoice must not be greater than the uninvoiced "
        'quantity for product SKU "SKU-1".'
    )
    stranger = api.post(f"/order/{oid}/ship", {"items": [{"order_item_id": 999, "qty": 1}]})
    assert "not part of the original order" in api.error(stranger, 400)
    bad_track = api.post(f"/order/{oid}/ship", {"tracks": [{"track_number": "1"}]})
    assert api.error(bad_track, 400) == '"title" is required. Enter and try again.'
    assert api.error(api.post("/order/999/invoice", {}), 404) == errors.ORDER_NOT_FOUND
    assert api.error(api.post("/order/abc/ship", {}), 400).startswith('The "abc" value\'s type is invalid.')
    untouched = _order(api, oid)
    assert untouched["items"][0]["qty_invoiced"] == 0 and untouched["items"][0]["qty_shipped"] == 0
    assert api.model.invoices_of(oid) == [] and api.model.shipments_of(oid) == []
    api.post(f"/order/{oid}/invoice", {})
    again = api.post(f"/order/{oid}/invoice", {})
    assert api.error(again, 400) == "Invoice Document Validation Error(s):\n" + errors.CANNOT_INVOICE
    api.post(f"/order/{oid}/ship", {})
    shipped_again = api.post(f"/order/{oid}/ship", {})
    assert api.error(shipped_again, 400) == "Shipment Document Validation Error(s):\n" + errors.CANNOT_SHIP


def test_a_canceled_order_refuses_invoice_ship_and_refund_and_releases_its_stock(api: Any) -> None:
    order = api.checkout()  # checkout reserves the 2 that the cancellation releases
    oid = order["entity_id"]
    assert api.post(f"/orders/{oid}/cancel").json() is True
    canceled = _order(api, oid)
    assert (canceled["state"], canceled["status"], canceled["items"][0]["qty_canceled"]) == ("canceled", "canceled", 2)
    assert api.model.salable_qty("SKU-1") == 10
    assert api.error(api.post(f"/order/{oid}/invoice", {}), 400) == (
        "Invoice Document Validation Error(s):\nAn invoice cannot be created when an order has a status of canceled"
    )
    assert api.error(api.post(f"/order/{oid}/ship", {}), 400) == (
        "Shipment Document Validation Error(s):\nA shipment cannot be created when an order has a status of canceled"
    )
    assert api.error(api.post(f"/order/{oid}/refund", {}), 400) == (
        "Creditmemo Document Validation Error(s):\nA creditmemo can not be created when an order has a status of "
        "canceled"
    )
    assert api.post(f"/orders/{oid}/cancel").json() is False  # Magento answers false, not an error


def test_cancel_is_refused_once_everything_is_invoiced_and_keeps_invoiced_parts(api: Any) -> None:
    order = api.checkout({"SKU-1": 2, "SKU-2": 1})
    oid, first = order["entity_id"], order["items"][0]["item_id"]
    api.post(f"/order/{oid}/invoice", {"items": [{"order_item_id": first, "qty": 2}]})
    assert api.post(f"/orders/{oid}/cancel").json() is True
    partly = _order(api, oid)
    assert partly["state"] == "processing"  # the invoiced SKU-1 still has to ship
    assert [i["qty_canceled"] for i in partly["items"]] == [0, 1]
    assert api.model.salable_qty("SKU-2") == 5 and api.model.salable_qty("SKU-1") == 8
    full = api.place()
    api.post(f"/order/{full['entity_id']}/invoice", {})
    assert api.post(f"/orders/{full['entity_id']}/cancel").json() is False
    assert _order(api, full["entity_id"])["state"] == "processing"


def test_hold_blocks_documents_and_unhold_restores_state_and_status(api: Any) -> None:
    api.model.add_order_status("amazon_processing", "processing")
    order = api.place(status="amazon_processing")
    oid = order["entity_id"]
    assert api.post(f"/orders/{oid}/hold").json() is True
    held = _order(api, oid)
    assert (held["state"], held["status"], held["hold_before_status"]) == ("holded", "holded", "amazon_processing")
    assert api.error(api.post(f"/orders/{oid}/hold"), 400) == errors.CANNOT_HOLD
    assert "status of holded" in api.error(api.post(f"/order/{oid}/invoice", {}), 400)
    assert "status of holded" in api.error(api.post(f"/order/{oid}/ship", {}), 400)
    assert api.post(f"/orders/{oid}/cancel").json() is False
    assert api.post(f"/orders/{oid}/unhold").json() is True
    back = _order(api, oid)
    assert (back["state"], back["status"]) == ("processing", "amazon_processing") and "hold_before_state" not in back
    assert api.error(api.post(f"/orders/{oid}/unhold"), 400) == errors.CANNOT_UNHOLD


def test_rest_documents_reset_a_custom_status_but_the_admin_keeps_it(api: Any) -> None:
    api.model.add_order_status("amazon_processing", "processing")
    one = api.place(status="amazon_processing", items=[{"sku": "SKU-1", "qty_ordered": 2}])
    api.post(f"/order/{one['entity_id']}/invoice", {"items": [{"order_item_id": one["items"][0]["item_id"], "qty": 1}]})
    assert _order(api, one["entity_id"])["status"] == "processing"  # InvoiceOrder sets the state's default status
    two = api.place(status="amazon_processing", items=[{"sku": "SKU-2", "qty_ordered": 2}])
    api.model.invoice(two["entity_id"], [{"order_item_id": two["items"][0]["item_id"], "qty": 1}])
    assert _order(api, two["entity_id"])["status"] == "amazon_processing"


def test_a_full_refund_closes_the_order_and_partial_refunds_keep_it_open(api: Any) -> None:
    order = api.place(items=[{"sku": "SKU-1", "qty_ordered": 2, "price": 10.0, "tax_amount": 1.6}])
    oid, item = order["entity_id"], order["items"][0]["item_id"]
    assert api.error(api.post(f"/order/{oid}/refund", {}), 400) == (
        "Creditmemo Document Validation Error(s):\n" + errors.CANNOT_REFUND
    )
    api.post(f"/order/{oid}/invoice", {})
    api.post(f"/order/{oid}/ship", {})
    memo = api.post(f"/order/{oid}/refund", {"items": [{"order_item_id": item, "qty": 1}]}).json()
    partly = _order(api, oid)
    assert partly["state"] == "complete" and partly["total_refunded"] == 10.8
    assert api.get(f"/creditmemo/{memo}").json()["grand_total"] == 10.8
    too_many = api.post(f"/order/{oid}/refund", {"items": [{"order_item_id": item, "qty": 2}]})
    assert "must not be greater than the unrefunded quantity" in api.error(too_many, 400)
    api.post(f"/order/{oid}/refund", {"items": [{"order_item_id": item, "qty": 1}]})
    closed = _order(api, oid)
    assert (closed["state"], closed["status"], closed["total_refunded"]) == ("closed", "closed", 21.6)
    assert "status of closed" in api.error(api.post(f"/order/{oid}/refund", {}), 400)
    listed = api.get(
        "/creditmemos",
        {
            "searchCriteria[filter_groups][0][filters][0][field]": "order_id",
            "searchCriteria[filter_groups][0][filters][0][value]": str(oid),
        },
    ).json()
    assert listed["total_count"] == 2


def test_refunding_unshipped_items_releases_their_reservation_and_closes_the_order(api: Any) -> None:
    order = api.checkout()
    oid = order["entity_id"]
    api.post(f"/order/{oid}/invoice", {})
    assert api.model.salable_qty("SKU-1") == 8
    api.post(f"/order/{oid}/refund", {})
    assert _order(api, oid)["state"] == "closed"
    assert api.model.salable_qty("SKU-1") == 10 and api.model.stock["SKU-1"].qty == 10
    assert api.error(api.post(f"/order/{oid}/ship", {}), 400).endswith(errors.CANNOT_SHIP)


def test_returning_shipped_items_to_stock_on_refund(api: Any) -> None:
    order = api.checkout()
    oid, item = order["entity_id"], order["items"][0]["item_id"]
    api.post(f"/order/{oid}/invoice", {})
    api.post(f"/order/{oid}/ship", {})
    assert api.model.stock["SKU-1"].qty == 8
    arguments = {"extension_attributes": {"return_to_stock_items": [item]}}
    api.post(f"/order/{oid}/refund", {"items": [{"order_item_id": item, "qty": 2}], "arguments": arguments})
    assert api.model.stock["SKU-1"].qty == 10 and api.model.salable_qty("SKU-1") == 10


def test_a_comment_with_a_status_sets_the_orders_status(api: Any) -> None:
    order = api.place()
    oid = order["entity_id"]
    body = {"statusHistory": {"comment": "Canceled on Amazon.", "status": "complete", "is_customer_notified": 0}}
    assert api.post(f"/orders/{oid}/comments", body).json() is True
    after = _order(api, oid)
    assert (after["state"], after["status"]) == ("processing", "complete")
    assert after["status_histories"][0]["status"] == "complete"
    unknown = {"statusHistory": {"comment": "x", "status": "no_such_status"}}
    assert api.error(api.post(f"/orders/{oid}/comments", unknown), 400)
    assert api.error(api.post(f"/orders/{oid}/comments", {"statusHistory": {"comment": ""}}), 400) == (
        '"comment" is required. Enter and try again.'
    )
    assert len(_order(api, oid)["status_histories"]) == 1


def test_the_admin_grid_lists_orders_newest_first_with_the_purchase_point(api: Any) -> None:
    api.model.add_store_view("fr", "French", "base")
    api.place()
    api.sims.sandbox.clock.advance(60)
    api.place(store_id=2, grand_total=30.0, base_grand_total=30.0)
    rows = api.model.admin_grid()
    assert [r.increment_id for r in rows] == ["2000000001", "000000001"]
    assert rows[0].purchase_point == "Main Website\nMain Website Store\nFrench"
    assert (rows[0].bill_to_name, rows[0].grand_total_purchased, rows[0].status_label) == (
        "Jane Buyer",
        30.0,
        "Processing",
    )
    assert rows[1].purchase_date == "2026-01-05 09:00:00" and rows[0].purchase_date == "2026-01-05 09:01:00"
    assert [r.increment_id for r in api.model.admin_grid("default")] == ["000000001"]


def test_refunding_a_canceled_shipped_order_closes_it_with_its_uninvoiced_line_left_as_it_was(api: Any) -> None:
    """Magento's ``registerCancellation`` cancels only ``min(qty to invoice, qty to ship)``: a shipped line is not
    canceled even when uninvoiced, and the order ends complete; refunding what was paid then closes it
    (``Handler\\State::check``), the second line still uninvoiced. The fake follows Magento here."""
    order = api.place(items=[{"sku": "SKU-1", "qty_ordered": 1, "price": 10.0}, {"sku": "SKU-2", "qty_ordered": 1}])
    oid, first, second = order["entity_id"], order["items"][0]["item_id"], order["items"][1]["item_id"]
    api.post(f"/order/{oid}/invoice", {"items": [{"order_item_id": first, "qty": 1}]})
    api.post(f"/order/{oid}/ship", {})
    assert api.post(f"/orders/{oid}/cancel").json() is True
    canceled = _order(api, oid)
    assert canceled["state"] == "complete" and [i["qty_canceled"] for i in canceled["items"]] == [0, 0]
    api.post(f"/order/{oid}/refund", {"items": [{"order_item_id": first, "qty": 1}]})
    closed = _order(api, oid)
    assert closed["state"] == "closed"
    line = next(i for i in closed["items"] if i["item_id"] == second)
    assert (line["qty_invoiced"], line["qty_shipped"], line["qty_canceled"]) == (0, 1, 0)


def test_shipping_more_than_is_open_ships_what_is_open(api: Any) -> None:
    """``ShipmentFactory::prepareItems`` takes ``min(requested, qty to ship)``: no refusal, the open quantity ships."""
    order = api.place(items=[{"sku": "SKU-1", "qty_ordered": 2, "price": 10.0}, {"sku": "SKU-2", "qty_ordered": 1}])
    oid, first, second = order["entity_id"], order["items"][0]["item_id"], order["items"][1]["item_id"]
    api.post(f"/order/{oid}/ship", {"items": [{"order_item_id": first, "qty": 1}]})
    shipment_id = api.post(f"/order/{oid}/ship", {"items": [{"order_item_id": first, "qty": 5}]}).json()
    shipment = api.get(f"/shipment/{shipment_id}").json()
    assert [(line["order_item_id"], line["qty"]) for line in shipment["items"]] == [(first, 1.0)]
    assert shipment["total_qty"] == 1.0 and api.model.stock["SKU-1"].qty == 8
    nothing_open = api.post(f"/order/{oid}/ship", {"items": [{"order_item_id": first, "qty": 1}]})
    assert api.error(nothing_open, 400) == "Shipment Document Validation Error(s):\n" + errors.SHIP_NO_ITEMS
    assert [i["qty_shipped"] for i in _order(api, oid)["items"] if i["item_id"] == second] == [0]


def _nulls(body: Any, path: str = "") -> list[str]:
    if isinstance(body, dict):
        return [p for k, v in body.items() for p in _nulls(v, f"{path}.{k}")]
    if isinstance(body, list):
        return [p for i, v in enumerate(body) for p in _nulls(v, f"{path}[{i}]")]
    return [path] if body is None else []


def test_documents_leave_unset_fields_out_and_name_the_shipping_address(api: Any) -> None:
    order = api.place(customer_id=None, items=[{"sku": "SKU-1", "qty_ordered": 2, "price": 10.0, "weight": None}])
    oid = order["entity_id"]
    api.post(f"/order/{oid}/invoice", {})
    shipment = api.get(f"/shipment/{api.post(f'/order/{oid}/ship', {}).json()}").json()
    memo = api.get(f"/creditmemo/{api.post(f'/order/{oid}/refund', {}).json()}").json()
    order = api.get(f"/orders/{oid}").json()
    address = order["extension_attributes"]["shipping_assignments"][0]["shipping"]["address"]
    assert shipment["shipping_address_id"] == address["entity_id"]
    assert shipment["billing_address_id"] == order["billing_address_id"]
    assert "customer_id" not in shipment and "customer_id" not in order  # a guest order: left out
    assert "creditmemo_status" not in memo and "quote_item_id" not in order["items"][0]
    # Only required fields may be null (a payment's unset card data, a track's weight and quantity).
    assert _nulls(order) == [".payment.account_status", ".payment.cc_last4"]
    assert _nulls(shipment) == [] and _nulls(memo) == []
