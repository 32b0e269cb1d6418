"""Reading orders through Orders API 2026-01-01 (searchOrders), in the v0 shape the sync works with.

Amazon retires the v0 reading operations on 2027-03-27. searchOrders returns the items with the order
(``includedData``), so no getOrderItems call is needed; the items travel in the v0-shaped order under
``OrderItems``. Known difference: 2026-01-01 reports an InvoiceUnconfirmed order as SHIPPED, so through
this API such an order counts as Shipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from reference_impl.http_errors import RemoteError

PATH = "/orders/2026-01-01/orders"
INCLUDED = "BUYER,RECIPIENT,PROCEEDS,FULFILLMENT"
STATUSES = {
    "PENDING_AVAILABILITY": "PendingAvailability",
    "PENDING": "Pending",
    "UNSHIPPED": "Unshipped",
    "PARTIALLY_SHIPPED": "PartiallyShipped",
    "SHIPPED": "Shipped",
    "CANCELLED": "Canceled",
    "UNFULFILLABLE": "Unfulfillable",
}
ADDRESS = {
    "name": "Name",
    "addressLine1": "AddressLine1",
    "addressLine2": "AddressLine2",
    "addressLine3": "AddressLine3",
    "city": "City",
    "districtOrCounty": "County",
    "stateOrRegion": "StateOrRegion",
    "postalCode": "PostalCode",
    "countryCode": "CountryCode",
    "phone": "Phone",
}


def search_orders_since(client: Any, since: datetime, page_size: int = 100) -> Iterator[dict[str, Any]]:
    """Every order of the store's marketplace updated at or after ``since``, all pages, in v0 shape."""
    params: dict[str, Any] = {
        "marketplaceIds": client.store.marketplace_id,
        "lastUpdatedAfter": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "includedData": INCLUDED,
        "maxResultsPerPage": page_size,
    }
    while True:
        body = client._call("searchOrders", "GET", PATH, params=params)
        if not isinstance(body, dict) or not isinstance(body.get("orders"), list):
            raise RemoteError("searchOrders", "the answer has no orders array", retryable=True)
        for order in body["orders"]:
            yield as_v0(order)
        token = (body.get("pagination") or {}).get("nextToken")
        if not token:
            return
        params = {"paginationToken": token}


def _money(value: dict[str, Any] | None) -> dict[str, str] | None:
    if not value:
        return None
    return {"Amount": str(value.get("amount")), "CurrencyCode": str(value.get("currencyCode"))}


def _subtotal(proceeds: dict[str, Any], kind: str) -> dict[str, str] | None:
    for part in proceeds.get("breakdowns") or []:
        if part.get("type") == kind:
            return _money(part.get("subtotal"))
    return None


def as_v0(order: dict[str, Any]) -> dict[str, Any]:
    """A 2026-01-01 ``Order`` as the v0 ``Order`` fields the sync reads (KeyError on missing core fields)."""
    fulfillment = order.get("fulfillment") or {}
    status = fulfillment.get("fulfillmentStatus")
    out: dict[str, Any] = {
        "AmazonOrderId": order["orderId"],
        "PurchaseDate": order["createdTime"],
        "LastUpdateDate": order["lastUpdatedTime"],
        "OrderStatus": STATUSES.get(str(status), str(status)),
        "FulfillmentChannel": "AFN" if fulfillment.get("fulfilledBy") == "AMAZON" else "MFN",
        "MarketplaceId": (order.get("salesChannel") or {}).get("marketplaceId"),
        "OrderItems": [],
    }
    total = _money((order.get("proceeds") or {}).get("grandTotal"))
    if total:
        out["OrderTotal"] = total
    buyer = order.get("buyer") or {}
    if buyer:
        out["BuyerInfo"] = {"BuyerName": buyer.get("buyerName"), "BuyerEmail": buyer.get("buyerEmail")}
    address = (order.get("recipient") or {}).get("deliveryAddress") or {}
    if address:
        out["ShippingAddress"] = {v0: address[new] for new, v0 in ADDRESS.items() if new in address}
    for item in order.get("orderItems") or []:
        product = item.get("product") or {}
        proceeds = item.get("proceeds") or {}
        line: dict[str, Any] = {
            "OrderItemId": item.get("orderItemId"),
            "SellerSKU": product.get("sellerSku"),
            "ASIN": product.get("asin"),
            "Title": product.get("title"),
            "QuantityOrdered": item.get("quantityOrdered"),
        }
        price, tax = _subtotal(proceeds, "ITEM"), _subtotal(proceeds, "TAX")
        if price:
            line["ItemPrice"] = price
        if tax:
            line["ItemTax"] = tax
        out["OrderItems"].append(line)
    return out
