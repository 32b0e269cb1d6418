"""Orders 2026-01-01 over the same model: searchOrders and getOrder."""

from __future__ import annotations

from typing import Any

import pytest

from simulators.amazon.model import DE, US

SEARCH = "/orders/2026-01-01/orders"


def test_search_orders_pages_and_maps_statuses(api: Any, conforms: Any) -> None:
    clock = api.sims.sandbox.clock
    ids = []
    for status in ("Pending", "Unshipped", "Shipped", "Unshipped", "Canceled"):
        clock.advance(60)
        ids.append(api.model.create_order(status=status, items=[{"sku": "A", "quantity": 2}]).amazon_order_id)
    clock.advance(60)
    api.model.create_order(marketplace_id=DE)
    clock.advance(600)
    seen, params = [], {"lastUpdatedAfter": "2026-01-01T00:00:00Z", "marketplaceIds": US, "maxResultsPerPage": 2}
    while True:
        response = api.get(SEARCH, params)
        assert response.status_code == 200, response.text
        assert response.headers["x-amzn-RateLimit-Limit"] == "0.0056"
        body = response.json()
        conforms(body, "SearchOrdersResponse", "2026")
        seen += [o["orderId"] for o in body["orders"]]
        if "pagination" not in body:
            break
        params = {"paginationToken": body["pagination"]["nextToken"]}
    assert seen == ids
    unshipped = api.get(SEARCH, {"createdAfter": "2026-01-01T00:00:00Z", "fulfillmentStatuses": "UNSHIPPED,CANCELLED"})
    assert [o["orderId"] for o in unshipped.json()["orders"]] == [ids[1], ids[3], ids[4]]
    merchant = api.get(SEARCH, [("createdAfter", "2026-01-01T00:00:00Z"), ("fulfilledBy", "AMAZON")])
    assert merchant.json()["orders"] == []


def test_included_data_adds_the_datasets(api: Any, conforms: Any) -> None:
    order = api.model.create_order(status="Unshipped", items=[{"sku": "A", "quantity": 2, "price": "5", "tax": "1"}])
    api.model.seller_cancel(order.amazon_order_id, "NoInventory")
    path = f"{SEARCH}/{order.amazon_order_id}"
    bare = api.get(path).json()
    conforms(bare, "GetOrderResponse", "2026")
    assert set(bare["order"]) == {"orderId", "createdTime", "lastUpdatedTime", "salesChannel", "orderItems"}
    full = api.get(path, {"includedData": "BUYER,RECIPIENT,FULFILLMENT,CANCELLATION,PACKAGES"}).json()
    conforms(full, "GetOrderResponse", "2026")
    assert full["order"]["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert full["order"]["buyer"]["buyerEmail"] == order.buyer_email
    assert full["order"]["recipient"]["deliveryAddress"]["city"] == order.address["City"]
    cancel = full["order"]["orderItems"][0]["cancellation"]["cancellationExecution"]
    assert cancel == {"cancelledBy": "MERCHANT", "cancelReason": "NoInventory"}


def test_packages_and_proceeds(api: Any, conforms: Any) -> None:
    order = api.model.create_order(status="Unshipped", items=[{"sku": "A", "quantity": 2, "price": "5", "tax": "1"}])
    api.post(
        f"/orders/v0/orders/{order.amazon_order_id}/shipmentConfirmation",
        {
            "marketplaceId": US,
            "packageDetail": {
                "packageReferenceId": "7",
                "carrierCode": "UPS",
                "trackingNumber": "1Z1",
                "shipDate": "2026-01-05T09:00:00Z",
                "orderItems": [{"orderItemId": order.items[0].order_item_id, "quantity": 2}],
            },
        },
    )
    body = api.get(
        f"{SEARCH}/{order.amazon_order_id}", {"includedData": ["PACKAGES", "PROCEEDS", "FULFILLMENT"]}
    ).json()
    conforms(body, "GetOrderResponse", "2026")
    (package,) = body["order"]["packages"]
    assert (package["trackingNumber"], package["packageItems"][0]["quantity"]) == ("1Z1", 2)
    assert body["order"]["proceeds"]["grandTotal"] == {"amount": "11.00", "currencyCode": "USD"}
    assert body["order"]["orderItems"][0]["product"]["price"]["unitPrice"]["amount"] == "5.00"
    assert body["order"]["orderItems"][0]["fulfillment"] == {"quantityFulfilled": 2, "quantityUnfulfilled": 0}


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({}, "Either createdAfter or lastUpdatedAfter"),
        ({"createdAfter": "2026-01-01T00:00:00Z", "lastUpdatedAfter": "2026-01-01T00:00:00Z"}, "exactly one"),
        ({"lastUpdatedAfter": "2026-01-01T00:00:00Z", "createdBefore": "2026-01-02T00:00:00Z"}, "cannot be set"),
        ({"createdAfter": "soon"}, "ISO 8601"),
        ({"createdAfter": "2026-01-01T00:00:00Z", "fulfillmentStatuses": "Shipped"}, "fulfillmentStatuses"),
        ({"createdAfter": "2026-01-01T00:00:00Z", "fulfilledBy": "MFN"}, "fulfilledBy"),
        ({"createdAfter": "2026-01-01T00:00:00Z", "includedData": "EVERYTHING"}, "includedData"),
        ({"createdAfter": "2026-01-01T00:00:00Z", "maxResultsPerPage": "500"}, "between 1 and 100"),
        ({"createdAfter": "2026-01-01T00:00:00Z", "marketplaceIds": "X"}, "marketplaceIds"),
        ({"paginationToken": "abc.def"}, "paginationToken"),
    ],
)
def test_invalid_searches_are_400(api: Any, error_codes: Any, conforms: Any, params: dict, fragment: str) -> None:
    response = api.get(SEARCH, params)
    assert response.status_code == 400 and error_codes(response) == ["InvalidInput"]
    assert fragment in response.text
    conforms(response.json(), "ErrorList", "2026")


def test_get_order_404(api: Any, error_codes: Any, conforms: Any) -> None:
    response = api.get(f"{SEARCH}/123-1234567-1234567")
    assert response.status_code == 404 and error_codes(response) == ["NotFound"]
    conforms(response.json(), "ErrorList", "2026")
