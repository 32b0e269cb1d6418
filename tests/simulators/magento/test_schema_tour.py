"""Every route the fake Magento serves, called once, each answer validated against Adobe's 2.4.9 admin schema."""

from __future__ import annotations

import re
from typing import Any

from simulators.magento.wire import _ROUTES
from tests.simulators.magento.conftest import ADDRESS


def _sample(path: str) -> str:
    """A concrete path for a werkzeug rule: every placeholder becomes ``1``."""
    return re.sub(r"<(?:\w+:)?\w+>", "1", path)


def test_every_served_route_is_a_magento_route_or_a_documented_companion_route(schema: Any) -> None:
    for method, path, operation in _ROUTES:
        sample = _sample(path)
        companion = any(m == method.lower() and re.sub(r"\{\w+\}", "1", t) == sample for m, t in schema.companion)
        assert companion or schema.template(method.lower(), sample), f"{operation}: {method} {path}"


def test_a_tour_of_every_route_validates_against_the_schema(api: Any, schema: Any) -> None:
    model = api.model
    customer = api.post("/customers", {"customer": {"email": "a@b.co", "firstname": "A", "lastname": "B"}}).json()
    api.get(f"/customers/{customer['id']}")
    api.get("/customers/search", {"searchCriteria[pageSize]": 5})
    for route in ("/store/websites", "/store/storeViews", "/store/storeGroups", "/store/storeConfigs"):
        api.get(route)
    api.get("/products", {"searchCriteria[pageSize]": 1})
    api.get("/products/SKU-1")
    api.post("/products", {"product": {"sku": "SKU-9", "name": "Nine", "price": 9, "status": 1}})
    api.put("/products/SKU-9", {"product": {"price": 8}})
    api.delete("/products/SKU-9")
    api.get("/stockItems/SKU-1")
    api.put("/products/SKU-1/stockItems/1", {"stockItem": {"qty": 20}})
    api.get("/inventory/get-product-salable-quantity/SKU-1/1")
    api.get("/inventory/is-product-salable/SKU-1/1")
    api.get("/inventory/is-product-salable-for-requested-qty/SKU-1/1/2")
    api.post("/inventory/reservations", {"reservations": [{"sku": "SKU-2", "quantity": -1}]})
    api.get("/inventory/reservations", {"searchCriteria[pageSize]": 5})
    order = api.place(customer_id=customer["id"], customer_is_guest=0)
    oid = order["entity_id"]
    api.get(
        "/orders",
        {
            "searchCriteria[filter_groups][0][filters][0][field]": "entity_id",
            "searchCriteria[filter_groups][0][filters][0][value]": str(oid),
        },
    )
    api.get(f"/orders/{oid}")
    api.get(f"/orders/{oid}/statuses")
    api.get(
        "/orders/items",
        {
            "searchCriteria[filter_groups][0][filters][0][field]": "sku",
            "searchCriteria[filter_groups][0][filters][0][value]": "SKU-1",
        },
    )
    api.get(f"/orders/items/{order['items'][0]['item_id']}")
    api.post(f"/orders/{oid}/comments", {"statusHistory": {"comment": "Hello."}})
    api.get(f"/orders/{oid}/comments")
    api.post(f"/orders/{oid}/hold")
    api.post(f"/orders/{oid}/unhold")
    invoice = api.post(f"/order/{oid}/invoice", {"capture": True, "comment": {"comment": "Paid."}}).json()
    shipment = api.post(
        f"/order/{oid}/ship",
        {"tracks": [{"track_number": "1Z", "title": "UPS", "carrier_code": "ups"}], "comment": {"comment": "Sent."}},
    ).json()
    memo = api.post(
        f"/order/{oid}/refund", {"items": [{"order_item_id": order["items"][0]["item_id"], "qty": 1}]}
    ).json()
    api.get("/invoices", {"searchCriteria[pageSize]": 5})
    api.get(f"/invoices/{invoice}")
    api.get("/shipments", {"searchCriteria[pageSize]": 5})
    api.get(f"/shipment/{shipment}")
    api.get("/creditmemos", {"searchCriteria[pageSize]": 5})
    api.get(f"/creditmemo/{memo}")
    _tour_checkout(api, customer)
    other = api.place()
    api.post(f"/orders/{other['entity_id']}/cancel")
    assert api.put("/orders/create", {"entity": api.entity(ext_order_id="PUT-1")}).status_code == 200
    api.put("/adminNotification/systemMessages/x", {"text": "Hi", "severity": 4})
    api.get("/adminNotification/systemMessages")
    api.delete("/adminNotification/systemMessages/x")
    api.call("POST", "/rest/V1/integration/admin/token", json={"username": "admin", "password": "admin123"})
    # errors are checked too: a missing entity, a refusal, an unauthorised call
    api.get("/orders/999")
    api.post(f"/order/{other['entity_id']}/ship", {})
    api.get("/products/SKU-1", token="bad")
    assert model.system_messages() == []
    served = set()
    for method, path, _ in _ROUTES:
        sample = _sample(path)
        template = schema.template(method.lower(), sample) or next(
            t for m, t in schema.companion if m == method.lower() and re.sub(r"\{\w+\}", "1", t) == sample
        )
        served.add((method, template))
    assert served - api.checked == set(), "routes the tour did not validate"


def _tour_checkout(api: Any, customer: dict[str, Any]) -> None:
    """Both checkout paths: an admin cart assigned to a customer, and a guest cart."""
    info = {"shipping_address": ADDRESS, "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}
    cart = api.post("/carts/").json()
    assert api.put(f"/carts/{cart}", {"customerId": customer["id"], "storeId": 1}).json() is True
    item = api.post(f"/carts/{cart}/items", {"cartItem": {"sku": "SKU-2", "qty": 1, "quote_id": cart}}).json()
    api.post(f"/carts/{cart}/items", {"cartItem": {"sku": "SKU-1", "qty": 1, "quote_id": cart}})
    assert api.delete(f"/carts/{cart}/items/{item['item_id']}").json() is True
    assert [i["sku"] for i in api.get(f"/carts/{cart}/items").json()] == ["SKU-1"]
    api.post(f"/carts/{cart}/billing-address", {"address": ADDRESS})
    api.post(f"/carts/{cart}/shipping-information", {"addressInformation": info})
    assert isinstance(api.put(f"/carts/{cart}/order", {"paymentMethod": {"method": "checkmo"}}).json(), int)
    guest = api.post("/guest-carts").json()
    item = api.post(f"/guest-carts/{guest}/items", {"cartItem": {"sku": "SKU-2", "qty": 1, "quote_id": guest}}).json()
    api.post(f"/guest-carts/{guest}/items", {"cartItem": {"sku": "NOPE", "qty": 1, "quote_id": guest}})
    api.get(f"/guest-carts/{guest}/items")
    api.post(f"/guest-carts/{guest}/billing-address", {"address": ADDRESS})
    api.post(f"/guest-carts/{guest}/shipping-information", {"addressInformation": info})
    api.post(f"/guest-carts/{guest}/payment-information", {"email": "a@b.co", "paymentMethod": {"method": "x"}})
    assert isinstance(api.put(f"/guest-carts/{guest}/order", {"paymentMethod": {"method": "checkmo"}}).json(), int)
    api.delete(f"/guest-carts/{guest}/items/{item['item_id']}")  # the cart is no longer active: 404


def test_the_schema_check_is_not_vacuous(schema: Any) -> None:
    product = schema.validator("get", "/V1/products/{sku}", 200)
    assert not list(product.iter_errors({"sku": "A", "price": 1.5, "status": 1}))
    assert list(product.iter_errors({"name": "no sku"}))  # sku is required
    assert list(product.iter_errors({"sku": None}))  # a required field may not be null
    assert list(product.iter_errors({"sku": "A", "price": "cheap"}))
    order = schema.validator("get", "/V1/orders/{id}", 200)
    payment = {"account_status": None, "additional_information": [], "cc_last4": None, "method": "checkmo"}
    body = {"base_grand_total": 1, "grand_total": 1, "customer_email": "a@b.co", "items": [], "payment": payment}
    assert not list(order.iter_errors(body))
    assert list(order.iter_errors({**body, "payment": {**payment, "method": None}}))
    assert list(order.iter_errors({**body, "customer_id": None}))  # an optional field is left out, never null
    item = {"sku": "A", "quote_item_id": None}
    assert list(order.iter_errors({**body, "items": [item]}))
    assert not list(order.iter_errors({**body, "items": [{"sku": "A"}]}))
    shipment = schema.validator("get", "/V1/shipment/{id}", 200)
    sent = {"order_id": 1, "items": [], "tracks": [], "comments": []}
    assert not list(shipment.iter_errors(sent))
    assert list(shipment.iter_errors({**sent, "shipping_address_id": None}))
    memo = schema.validator("get", "/V1/creditmemo/{id}", 200)
    assert list(memo.iter_errors({"order_id": 1, "items": [], "creditmemo_status": None}))
    error = schema.validator("get", "/V1/orders/{id}", 404)
    assert not list(error.iter_errors({"message": "x", "parameters": {"fieldName": "id"}}))
    assert list(error.iter_errors({"parameters": []}))
