"""Checkout (guest and admin carts): the path where Magento itself refuses what cannot be sold."""

from __future__ import annotations

from typing import Any

import pytest

from simulators.magento import errors
from tests.simulators.magento.conftest import ADDRESS

SHIPPING = {"shipping_address": ADDRESS, "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}


def _guest_cart(api: Any) -> str:
    response = api.post("/guest-carts")
    assert response.status_code == 200 and isinstance(response.json(), str)
    return str(response.json())


def _add(api: Any, cart: str, sku: str, qty: Any = 1, prefix: str = "/guest-carts") -> Any:
    return api.post(f"{prefix}/{cart}/items", {"cartItem": {"sku": sku, "qty": qty, "quote_id": cart}})


def test_a_guest_checkout_places_a_pending_order_with_its_reservation(api: Any) -> None:
    order = api.checkout({"SKU-1": 2, "SKU-2": 1})
    assert (order["state"], order["status"], order["customer_is_guest"]) == ("new", "pending", 1)
    assert order["customer_email"] == ADDRESS["email"] and order["payment"]["method"] == "checkmo"
    assert (order["subtotal"], order["shipping_amount"], order["grand_total"]) == (24.5, 15.0, 39.5)
    assert all(isinstance(i["quote_item_id"], int) for i in order["items"])
    assert api.model.salable_qty("SKU-1") == 8 and api.model.salable_qty("SKU-2") == 4
    assert api.model.stock["SKU-1"].qty == 10  # the source changes on shipment only
    assert {r.metadata.count('"event_type":"order_placed"') for r in api.model.reservations} == {1}


@pytest.mark.parametrize(
    ("problem", "status", "message"),
    [
        ("missing", 404, errors.PRODUCT_NOT_FOUND),
        ("disabled", 400, errors.PRODUCT_NOT_AVAILABLE),
        ("out of stock", 400, errors.OUT_OF_STOCK),
        ("held back", 400, errors.QTY_NOT_AVAILABLE),
        ("too many", 400, errors.QTY_NOT_AVAILABLE),
    ],
)
def test_items_that_cannot_be_sold_are_refused_with_magentos_messages(
    api: Any, problem: str, status: int, message: str
) -> None:
    sku, qty = ("NOPE" if problem == "missing" else "SKU-1"), (11 if problem == "too many" else 1)
    if problem == "disabled":
        api.model.set_product_status("SKU-1", enabled=False)
    if problem == "out of stock":
        api.model.set_stock("SKU-1", 10, is_in_stock=False)
    if problem == "held back":
        api.model.reserve("SKU-1", -10, "held for an Amazon order")
    cart = _guest_cart(api)
    assert api.error(_add(api, cart, sku, qty), status) == message
    assert api.get(f"/guest-carts/{cart}/items").json() == []


def test_placing_checks_salability_again_and_refuses_without_writing(api: Any) -> None:
    cart = _guest_cart(api)
    assert _add(api, cart, "SKU-1", 2).status_code == 200
    assert api.post(f"/guest-carts/{cart}/shipping-information", {"addressInformation": SHIPPING}).status_code == 200
    api.model.set_product_status("SKU-1", enabled=False)  # disabled while the cart waited
    body = {"email": "jane@example.com", "paymentMethod": {"method": "checkmo"}, "billingAddress": ADDRESS}
    assert api.error(api.post(f"/guest-carts/{cart}/payment-information", body), 400) == errors.PRODUCT_NOT_AVAILABLE
    assert api.model.orders == {} and api.model.reservations == []
    api.model.set_product_status("SKU-1", enabled=True)
    assert isinstance(api.post(f"/guest-carts/{cart}/payment-information", body).json(), int)
    assert api.error(api.post(f"/guest-carts/{cart}/payment-information", body), 404) == (
        f"No such entity with cartId = {cart}"  # a cart that became an order is no longer active
    )


def test_each_checkout_step_refuses_what_is_missing(api: Any) -> None:
    cart = _guest_cart(api)
    shipping = f"/guest-carts/{cart}/shipping-information"
    assert api.error(api.post(shipping, {"addressInformation": SHIPPING}), 400) == errors.SHIPPING_EMPTY_CART
    _add(api, cart, "SKU-1")
    no_method = {**SHIPPING, "shipping_method_code": None}
    assert api.error(api.post(shipping, {"addressInformation": no_method}), 400) == errors.SHIPPING_METHOD_MISSING
    unknown = {**SHIPPING, "shipping_carrier_code": "ups", "shipping_method_code": "ground"}
    assert api.error(api.post(shipping, {"addressInformation": unknown}), 404) == (
        "Carrier with such method not found: ups, ground"
    )
    no_city = {**SHIPPING, "shipping_address": {**ADDRESS, "city": ""}}
    assert api.error(api.post(shipping, {"addressInformation": no_city}), 400) == errors.SHIPPING_INFO_NOT_SAVED
    pay = f"/guest-carts/{cart}/payment-information"
    body = {"email": "jane@example.com", "paymentMethod": {"method": "checkmo"}}
    assert api.error(api.post(pay, body), 400) == (
        "Please check the shipping address information. The shipping address is missing. Set the address and try again."
    )
    details = api.post(shipping, {"addressInformation": SHIPPING}).json()
    assert "checkmo" in [m["code"] for m in details["payment_methods"]] and details["totals"]["grand_total"] == 15.0
    assert api.error(api.post(pay, body), 400).startswith("Please check the billing address information.")
    body["billingAddress"] = ADDRESS
    assert api.error(api.post(pay, {**body, "paymentMethod": {"method": "paypal"}}), 400) == (
        errors.PAYMENT_METHOD_NOT_AVAILABLE
    )
    assert api.error(api.post(pay, {**body, "paymentMethod": {"method": ""}}), 400) == errors.PAYMENT_METHOD_MISSING
    assert api.model.orders == {}
    assert isinstance(api.post(pay, body).json(), int)


def test_an_admin_cart_for_a_customer_places_a_customer_order(api: Any) -> None:
    customer = api.model.create_customer("kim@example.com", "Kim", "Lee")
    cart = api.post("/carts/").json()
    assert isinstance(cart, int)
    assert api.put(f"/carts/{cart}", {"customerId": customer["id"], "storeId": 1}).json() is True
    assert api.error(api.put(f"/carts/{cart}", {"customerId": customer["id"], "storeId": 1}), 400) == (
        errors.CART_HAS_CUSTOMER
    )
    assert _add(api, str(cart), "SKU-2", 2, prefix="/carts").status_code == 200
    api.post(f"/carts/{cart}/billing-address", {"address": ADDRESS})
    free = {**SHIPPING, "shipping_carrier_code": "freeshipping", "shipping_method_code": "freeshipping"}
    api.post(f"/carts/{cart}/shipping-information", {"addressInformation": free})
    order_id = api.put(f"/carts/{cart}/order", {"paymentMethod": {"method": "checkmo"}}).json()
    order = api.get(f"/orders/{order_id}").json()
    assert (order["customer_id"], order["customer_is_guest"], order["customer_email"]) == (
        customer["id"],
        0,
        "kim@example.com",
    )
    assert order["grand_total"] == 9.0 and api.model.salable_qty("SKU-2") == 3


def test_guest_carts_need_no_token_and_admin_carts_do(api: Any) -> None:
    anonymous = api.call("POST", "/rest/V1/guest-carts", headers={"Authorization": ""})
    assert anonymous.status_code == 200
    refused = api.call("POST", "/rest/V1/carts/", token="nope")
    assert api.error(refused, 401) == "The consumer isn't authorized to access Magento_Cart::manage."
    assert api.error(api.get("/guest-carts/not-a-cart/items"), 404) == "No such entity with cartId = not-a-cart"
