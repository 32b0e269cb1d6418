"""Orders v0 on the wire: searches, paging, validation, items, buyer, address, shipments, auth, throttling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests

from simulators.amazon.auth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from simulators.amazon.model import DE, US, iso_z
from simulators.journal import Fault

ORDERS = "/orders/v0/orders"


def place(api: Any, n: int, **fields: Any) -> list[str]:
    ids = []
    for _ in range(n):
        api.sims.sandbox.clock.advance(60)
        ids.append(api.model.create_order(**fields).amazon_order_id)
    api.sims.sandbox.clock.advance(600)
    return ids


def test_get_orders_pages_through_every_order_and_matches_the_model(api: Any, conforms: Any) -> None:
    ids = place(api, 7, items=[{"sku": "A"}])
    place(api, 2, marketplace_id=DE)
    seen: list[str] = []
    response = api.orders(MaxResultsPerPage=3)
    while True:
        assert response.status_code == 200, response.text
        assert response.headers["x-amzn-RateLimit-Limit"] == "0.0167"
        assert response.headers["x-amzn-RequestId"]
        body = response.json()
        conforms(body, "GetOrdersResponse")
        seen += [o["AmazonOrderId"] for o in body["payload"]["Orders"]]
        token = body["payload"].get("NextToken")
        if not token:
            break
        response = api.get(ORDERS, {"MarketplaceIds": US, "NextToken": token})
    assert seen == ids
    assert "LastUpdatedBefore" in body["payload"]


def test_filters_accept_comma_separated_and_repeated_keys(api: Any) -> None:
    pending = place(api, 2)
    unshipped = place(api, 2, status="Unshipped")
    afn = place(api, 1, status="Unshipped", fulfillment_channel="AFN")
    comma = api.orders(OrderStatuses="Pending,Unshipped", FulfillmentChannels="MFN")
    repeated = api.get(
        ORDERS,
        [
            ("MarketplaceIds", US),
            ("LastUpdatedAfter", "2026-01-01T00:00:00Z"),
            ("OrderStatuses", "Pending"),
            ("OrderStatuses", "Unshipped"),
            ("FulfillmentChannels", "MFN"),
        ],
    )
    assert [o["AmazonOrderId"] for o in comma.json()["payload"]["Orders"]] == pending + unshipped
    assert repeated.json()["payload"]["Orders"] == comma.json()["payload"]["Orders"]
    by_id = api.orders(AmazonOrderIds=f"{afn[0]},{pending[0]}")
    assert {o["AmazonOrderId"] for o in by_id.json()["payload"]["Orders"]} == {afn[0], pending[0]}
    created = api.orders(LastUpdatedAfter=None, CreatedAfter="2026-01-05T09:03:30Z", OrderStatuses="Unshipped")
    assert [o["AmazonOrderId"] for o in created.json()["payload"]["Orders"]] == unshipped + afn
    assert "CreatedBefore" in created.json()["payload"]
    unknown = api.orders(Nonsense="1", OrderStatuses="Pending")
    assert [o["AmazonOrderId"] for o in unknown.json()["payload"]["Orders"]] == pending


def test_order_fields_are_consistent(api: Any, conforms: Any) -> None:
    order = api.model.create_order(status="Unshipped", items=[{"sku": "A", "quantity": 2, "price": "10", "tax": "1.5"}])
    api.sims.sandbox.clock.advance(600)
    body = api.get(f"{ORDERS}/{order.amazon_order_id}").json()
    conforms(body, "GetOrderResponse")
    wire = body["payload"]
    assert wire["OrderTotal"] == {"CurrencyCode": "USD", "Amount": "21.50"}
    assert (wire["NumberOfItemsShipped"], wire["NumberOfItemsUnshipped"]) == (0, 2)
    assert wire["PurchaseDate"] == wire["LastUpdateDate"] == "2026-01-05T09:00:00Z"


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"MarketplaceIds": None}, "MarketplaceIds is required"),
        ({"MarketplaceIds": "NOPE"}, "Invalid MarketplaceIds"),
        ({"LastUpdatedAfter": None}, "Either CreatedAfter or LastUpdatedAfter"),
        (
            {"LastUpdatedAfter": None, "AmazonOrderIds": "111-1111111-1111111"},
            "Either CreatedAfter or LastUpdatedAfter",
        ),
        ({"LastUpdatedAfter": "yesterday"}, "ISO 8601"),
        ({"CreatedAfter": "2026-01-01T00:00:00Z"}, "cannot be set when"),
        ({"CreatedBefore": "2026-01-01T00:00:00Z"}, "cannot be set when"),
        ({"LastUpdatedBefore": "2025-12-01T00:00:00Z"}, "equal to or after"),
        ({"LastUpdatedBefore": "2026-01-05T09:09:00Z"}, "two minutes before"),
        ({"LastUpdatedAfter": "2027-01-01T00:00:00Z"}, "future"),
        ({"OrderStatuses": "Pending,Lost"}, "Invalid OrderStatuses"),
        ({"FulfillmentChannels": "FBM"}, "Invalid FulfillmentChannels"),
        ({"PaymentMethods": "Cash"}, "Invalid PaymentMethods"),
        ({"MaxResultsPerPage": "0"}, "between 1 and 100"),
        ({"MaxResultsPerPage": "101"}, "between 1 and 100"),
        ({"MaxResultsPerPage": "ten"}, "between 1 and 100"),
        ({"AmazonOrderIds": "12345"}, "3-7-7"),
        ({"AmazonOrderIds": ",".join(f"111-1111111-{i:07d}" for i in range(51))}, "at most 50"),
        ({"SellerOrderId": "S-1", "OrderStatuses": "Pending"}, "cannot be specified with SellerOrderId"),
        ({"EasyShipShipmentStatuses": "Teleported"}, "Invalid EasyShipShipmentStatuses"),
        ({"IsISPU": "maybe"}, "IsISPU"),
        ({"NextToken": "forged"}, "Invalid NextToken"),
    ],
)
def test_invalid_get_orders_requests_are_400_invalid_input(
    api: Any, error_codes: Any, conforms: Any, params: dict[str, Any], fragment: str
) -> None:
    api.sims.sandbox.clock.advance(600)
    response = api.orders(**params)
    assert response.status_code == 400
    assert error_codes(response) == ["InvalidInput"]
    assert fragment in response.text
    conforms(response.json(), "GetOrdersResponse")


def test_order_items_are_paged_and_hide_prices_while_pending(api: Any, conforms: Any) -> None:
    api.model.order_items_page_size = 2
    order = api.model.create_order(items=[{"sku": f"S{i}", "price": "3"} for i in range(5)])
    path = f"{ORDERS}/{order.amazon_order_id}/orderItems"
    skus, params = [], {}
    while True:
        body = api.get(path, params).json()
        conforms(body, "GetOrderItemsResponse")
        skus += [i["SellerSKU"] for i in body["payload"]["OrderItems"]]
        assert all("ItemPrice" not in i for i in body["payload"]["OrderItems"])
        if "NextToken" not in body["payload"]:
            break
        params = {"NextToken": body["payload"]["NextToken"]}
    assert skus == [f"S{i}" for i in range(5)]
    api.model.set_status(order.amazon_order_id, "Unshipped")
    first = api.get(path).json()["payload"]["OrderItems"][0]
    assert first["ItemPrice"] == {"CurrencyCode": "USD", "Amount": "3.00"}
    other = api.model.create_order(items=[{"sku": "X"}])
    foreign = api.get(f"{ORDERS}/{other.amazon_order_id}/orderItems", {"NextToken": params["NextToken"]})
    assert foreign.status_code == 400


def test_buyer_info_address_and_missing_orders(api: Any, conforms: Any, error_codes: Any) -> None:
    order = api.model.create_order(buyer_name="Ann Lee", buyer_email="ann@example.com", status="Unshipped")
    resources = [
        {"method": "GET", "path": "/orders/v0/orders/{orderId}/buyerInfo"},
        {"method": "GET", "path": f"/orders/v0/orders/{order.amazon_order_id}/address"},
    ]
    rdt = api.post("/tokens/2021-03-01/restrictedDataToken", {"restrictedResources": resources}).json()
    with_rdt = {"headers": {"x-amz-access-token": rdt["restrictedDataToken"]}}
    buyer = api.get(f"{ORDERS}/{order.amazon_order_id}/buyerInfo", **with_rdt).json()
    conforms(buyer, "GetOrderBuyerInfoResponse")
    assert buyer["payload"] == {
        "AmazonOrderId": order.amazon_order_id,
        "BuyerEmail": "ann@example.com",
        "BuyerName": "Ann Lee",
    }
    address = api.get(f"{ORDERS}/{order.amazon_order_id}/address", **with_rdt).json()
    conforms(address, "GetOrderAddressResponse")
    assert address["payload"]["ShippingAddress"] == order.address
    items_buyer = api.get(f"{ORDERS}/{order.amazon_order_id}/orderItems/buyerInfo").json()
    conforms(items_buyer, "GetOrderItemsBuyerInfoResponse")
    for suffix in ("", "/buyerInfo", "/address", "/orderItems"):
        missing = api.get(f"{ORDERS}/999-9999999-9999999{suffix}")
        assert missing.status_code == 404 and error_codes(missing) == ["NotFound"]


def confirmation(order: Any, quantity: int = 1, **overrides: Any) -> dict[str, Any]:
    package = {
        "packageReferenceId": "1",
        "carrierCode": "UPS",
        "carrierName": "UPS",
        "shippingMethod": "Ground",
        "trackingNumber": "1Z999",
        "shipDate": "2026-01-05T10:00:00Z",
        "orderItems": [{"orderItemId": order.items[0].order_item_id, "quantity": quantity}],
    }
    return {"marketplaceId": US, "packageDetail": {**package, **overrides}, "ignored": True}


def test_confirm_shipment_records_the_package(api: Any) -> None:
    order = api.model.create_order(status="Unshipped", items=[{"sku": "A", "quantity": 2}])
    api.sims.sandbox.clock.advance(30)
    path = f"{ORDERS}/{order.amazon_order_id}/shipmentConfirmation"
    response = api.post(path, confirmation(order, 2))
    assert response.status_code == 204 and response.content == b""
    assert response.headers["x-amzn-RateLimit-Limit"] == "2"
    (shipment,) = api.model.shipment_confirmations(order.amazon_order_id)
    assert (shipment.carrier_code, shipment.tracking_number, shipment.items) == (
        "UPS",
        "1Z999",
        [(order.items[0].order_item_id, 2)],
    )
    assert order.status == "Shipped" and order.last_update_date == api.sims.sandbox.clock.now()


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"packageDetail": {}},
        {"marketplaceId": US},
        "overrides:packageReferenceId=abc",
        "overrides:packageReferenceId=0",
        "overrides:carrierCode=",
        "overrides:shipDate=02/21/2022",
        "overrides:orderItems=",
        "quantity:0",
        "quantity:3",
        "market:A1PA6795UKMFR9",
        "market:NOPE",
        "item:00000000000000",
        "afn:",
    ],
)
def test_invalid_confirmations_are_400_and_change_nothing(api: Any, error_codes: Any, conforms: Any, body: Any) -> None:
    channel = "AFN" if body == "afn:" else "MFN"
    order = api.model.create_order(status="Unshipped", items=[{"sku": "A", "quantity": 2}], fulfillment_channel=channel)
    stamp = order.last_update_date
    api.sims.sandbox.clock.advance(30)
    if body == "afn:":
        body = confirmation(order)
    if isinstance(body, str):
        kind, _, value = body.partition(":")
        if kind == "overrides":
            key, _, raw = value.partition("=")
            body = confirmation(order, **{key: raw or ([] if key == "orderItems" else "")})
        elif kind == "quantity":
            body = confirmation(order, int(value))
        elif kind == "market":
            body = {**confirmation(order), "marketplaceId": value}
        else:
            body = confirmation(order, orderItems=[{"orderItemId": value, "quantity": 1}])
    response = api.post(f"{ORDERS}/{order.amazon_order_id}/shipmentConfirmation", body)
    assert response.status_code == 400, response.text
    assert error_codes(response) == ["InvalidInput"]
    conforms(response.json(), "ConfirmShipmentErrorResponse")
    assert order.status == "Unshipped" and order.shipments == [] and order.last_update_date == stamp


def test_update_shipment_status(api: Any, error_codes: Any, conforms: Any) -> None:
    order = api.model.create_order(status="Unshipped")
    path = f"{ORDERS}/{order.amazon_order_id}/shipment"
    bad = api.post(path, {"marketplaceId": US, "shipmentStatus": "Lost"})
    assert bad.status_code == 400 and error_codes(bad) == ["InvalidInput"]
    conforms(bad.json(), "UpdateShipmentStatusErrorResponse")
    assert order.shipment_status_updates == []
    api.sims.sandbox.clock.advance(10)
    ok = api.post(path, {"marketplaceId": US, "shipmentStatus": "ReadyForPickup"})
    assert ok.status_code == 204
    assert [u.status for u in order.shipment_status_updates] == ["ReadyForPickup"]
    assert order.last_update_date == api.sims.sandbox.clock.now()


def test_every_call_needs_a_live_token(api: Any, error_codes: Any) -> None:
    for headers in ({}, {"x-amz-access-token": "Atza|forged"}):
        response = requests.get(api.sims.amazon_url + ORDERS, params={"MarketplaceIds": US}, headers=headers, timeout=5)
        assert response.status_code == 403 and error_codes(response) == ["Unauthorized"]
    assert api.orders().status_code == 200
    api.sims.sandbox.clock.advance(3599)
    assert api.orders().status_code == 200  # an LWA token lives an hour of simulated time
    api.sims.sandbox.clock.advance(1)
    assert api.orders().status_code == 403


def test_lwa_grants_and_refusals(sims: Any) -> None:
    url = f"{sims.amazon_url}/auth/o2/token"
    app = {"client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET}
    grant = {"grant_type": "client_credentials", **app, "scope": "sellingpartnerapi::notifications"}
    body = requests.post(url, data=grant, timeout=5).json()
    assert body["token_type"] == "bearer" and body["expires_in"] >= 3600
    refused = requests.post(url, data={"grant_type": "password", **app}, timeout=5)
    assert refused.status_code == 400 and refused.json()["error"] == "unsupported_grant_type"
    scopeless = requests.post(url, data={**grant, "scope": ""}, timeout=5)
    assert scopeless.status_code == 400 and scopeless.json()["error"] == "invalid_scope"
    missing = requests.post(url, data={"grant_type": "refresh_token", **app}, timeout=5)
    assert missing.status_code == 400 and "refresh_token" in missing.json()["error_description"]


def test_throttling_follows_the_usage_plan_on_the_simulated_clock(api: Any, error_codes: Any) -> None:
    order = api.model.create_order()
    path = f"{ORDERS}/{order.amazon_order_id}"
    for _ in range(40):
        assert api.get(path).status_code == 200  # off by default
    api.model.rate_limits.enable()
    codes = [api.get(path).status_code for _ in range(31)]
    assert codes == [200] * 30 + [429]  # burst 30
    throttled = api.get(path)
    assert error_codes(throttled) == ["QuotaExceeded"] and throttled.headers["x-amzn-RateLimit-Limit"] == "0.5"
    api.sims.sandbox.clock.advance(2)  # 0.5 per second: one token back
    assert [api.get(path).status_code for _ in range(2)] == [200, 429]
    assert api.get(f"{ORDERS}/{order.amazon_order_id}/address").status_code == 200  # buckets are per operation
    api.model.rate_limits.enable(False)
    assert api.get(path).status_code == 200


def test_get_orders_cost_does_not_follow_orders_outside_the_window(api: Any) -> None:
    """Paging with NextToken skips no order when orders change between pages: an order that changes after its
    page was sent comes again, after the others, with its new LastUpdateDate; no other order repeats."""
    ids = place(api, 5)
    first = api.orders(MaxResultsPerPage=2).json()["payload"]
    api.model.set_status(ids[0], "Unshipped")  # already sent: moves after the others
    rest: list[str] = []
    token = first["NextToken"]
    while token:
        page = api.get(ORDERS, {"MarketplaceIds": US, "NextToken": token}).json()["payload"]
        rest += [o["AmazonOrderId"] for o in page["Orders"]]
        token = page.get("NextToken")
    assert [o["AmazonOrderId"] for o in first["Orders"]] + rest == ids[:2] + ids[2:] + [ids[0]]


def test_a_status_fault_keeps_the_envelope_and_counts_in_the_journal(api: Any, error_codes: Any) -> None:
    api.sims.sandbox.faults.inject("amazon", "getOrders", Fault("status", status=503))
    response = api.orders()
    assert response.status_code == 503 and error_codes(response) == ["InternalFailure"]
    assert api.orders().status_code == 200
    assert [e.status for e in api.sims.sandbox.journal.entries("amazon", "getOrders")] == [503, 200]


def test_created_before_defaults_two_minutes_back(api: Any) -> None:
    now = api.sims.sandbox.clock.now()
    body = api.orders(LastUpdatedAfter=None, CreatedAfter="2026-01-01T00:00:00Z").json()["payload"]
    assert body["CreatedBefore"] == (now - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_created_after_alone_leaves_out_orders_created_after_the_reported_created_before(api: Any) -> None:
    clock = api.sims.sandbox.clock
    old = api.model.create_order()
    clock.advance(600)
    recent = api.model.create_order()
    clock.advance(60)  # the recent order is a minute old: after "now minus two minutes"
    created_after = {"LastUpdatedAfter": None, "CreatedAfter": "2026-01-01T00:00:00Z", "MaxResultsPerPage": 1}
    first = api.orders(**created_after).json()["payload"]
    assert [o["AmazonOrderId"] for o in first["Orders"]] == [old.amazon_order_id]
    assert "NextToken" not in first  # nor on a later page
    assert first["CreatedBefore"] < iso_z(recent.purchase_date)
    search = api.get("/orders/2026-01-01/orders", {"createdAfter": "2026-01-01T00:00:00Z"}).json()
    assert [o["orderId"] for o in search["orders"]] == [old.amazon_order_id]
    clock.advance(120)
    later = api.orders(**{**created_after, "MaxResultsPerPage": 100}).json()["payload"]["Orders"]
    assert [o["AmazonOrderId"] for o in later] == [old.amazon_order_id, recent.amazon_order_id]


def test_a_page_holds_no_more_orders_than_amazon_serves_a_page(api: Any) -> None:
    """MaxResultsPerPage is a maximum: with the model's page size lower, every page has a NextToken until the
    last, and the pages together hold every order once."""
    ids = place(api, 5)
    api.model.orders_page_size = 2
    sizes, seen = [], []
    response = api.orders(MaxResultsPerPage=100)
    while True:
        payload = response.json()["payload"]
        sizes.append(len(payload["Orders"]))
        seen += [o["AmazonOrderId"] for o in payload["Orders"]]
        if not payload.get("NextToken"):
            break
        response = api.get(ORDERS, {"MarketplaceIds": US, "NextToken": payload["NextToken"]})
    assert sizes == [2, 2, 1]
    assert seen == ids
