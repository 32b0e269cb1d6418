"""Pure rules about Amazon orders: statuses, what is importable, and the Magento order to create."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from reference_impl.settings import OrderSettings

IMPORTABLE = frozenset({"Unshipped", "PartiallyShipped", "Shipped"})
RANK = {
    "PendingAvailability": 0,
    "Pending": 1,
    "Unshipped": 2,
    "PartiallyShipped": 3,
    "InvoiceUnconfirmed": 4,
    "Shipped": 5,
    "Unfulfillable": 6,
    "Canceled": 6,
}
PAYMENT_METHOD = "amazonpayment"
CARRIERS = {"ups": "UPS", "usps": "USPS", "fedex": "FedEx", "dhl": "DHL", "ontrac": "OnTrac"}


class BadAmazonData(ValueError):
    """Amazon sent something the connector cannot use (a missing SKU, a bad amount)."""


def parse_time(text: str) -> datetime:
    value = text[:-1] + "+00:00" if text.endswith("Z") else text
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def is_due(status: str, channel: str) -> bool:
    """Whether an order in this status gets a Magento order: FBA only once Shipped (IMP-10)."""
    if channel == "AFN":
        return status == "Shipped"
    return status in IMPORTABLE


def newer(status: str, stamp: str, old_status: str, old_stamp: str) -> bool:
    """Whether a report (status at LastUpdateDate) moves the row forward (SYN-05)."""
    new_at, old_at = parse_time(stamp), parse_time(old_stamp)
    if new_at != old_at:
        return new_at > old_at
    return RANK.get(status, 0) > RANK.get(old_status, 0)


def amount(value: Any, what: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError) as err:
        raise BadAmazonData(f"{what} is not an amount: {value!r}") from err
    if not result.is_finite():
        raise BadAmazonData(f"{what} is not an amount: {value!r}")
    return result


def order_lines(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Amazon order items as (sku, qty, unit price, tax, title, item id), validated."""
    if not items:
        raise BadAmazonData("the order has no items")
    lines = []
    for item in items:
        item_id = str(item.get("OrderItemId") or "?")
        sku = item.get("SellerSKU")
        if not sku:
            raise BadAmazonData(f"order item {item_id} has no SellerSKU")
        try:
            qty = int(item.get("QuantityOrdered", 0))
        except (TypeError, ValueError) as err:
            raise BadAmazonData(f"order item {item_id} has a bad quantity") from err
        if qty < 1:
            raise BadAmazonData(f"order item {item_id} has quantity {qty}")
        if not (item.get("ItemPrice") or {}).get("Amount"):
            raise BadAmazonData(f"order item {item_id} has no ItemPrice")
        line_price = amount(item["ItemPrice"]["Amount"], f"ItemPrice of item {item_id}")
        tax = amount((item.get("ItemTax") or {}).get("Amount", "0"), f"ItemTax of item {item_id}")
        lines.append(
            {
                "sku": str(sku),
                "qty": qty,
                "unit_price": (line_price / qty).quantize(Decimal("0.01")),
                "tax": tax,
                "title": str(item.get("Title") or sku),
                "order_item_id": item_id,
            }
        )
    return lines


def _split_name(name: str) -> tuple[str, str]:
    parts = (name or "Amazon Buyer").strip().split(" ", 1)
    return parts[0], parts[1] if len(parts) > 1 else "-"


def magento_address(address: dict[str, Any], email: str, name: str) -> dict[str, Any]:
    first, last = _split_name(str(address.get("Name") or name))
    street = [str(address[k]) for k in ("AddressLine1", "AddressLine2", "AddressLine3") if address.get(k)]
    return {
        "address_type": "shipping",
        "firstname": first,
        "lastname": last,
        "street": street or ["-"],
        "city": str(address.get("City") or "-"),
        "region": str(address.get("StateOrRegion") or ""),
        "postcode": str(address.get("PostalCode") or ""),
        "country_id": str(address.get("CountryCode") or "US"),
        "telephone": str(address.get("Phone") or "-"),
        "email": email,
    }


def magento_entity(
    order: dict[str, Any], lines: list[dict[str, Any]], settings: OrderSettings, store_id: int
) -> dict[str, Any]:
    """The Magento order entity for an Amazon order (IMP-03, IMP-07, IMP-10, IMP-12, IMP-13, SET-03/05/06)."""
    amazon_id = str(order["AmazonOrderId"])
    buyer = order.get("BuyerInfo") or {}
    email = str(buyer.get("BuyerEmail") or f"{amazon_id}@marketplace.amazon.invalid")
    name = str(buyer.get("BuyerName") or (order.get("ShippingAddress") or {}).get("Name") or "Amazon Buyer")
    first, last = _split_name(name)
    total = order.get("OrderTotal") or {}
    currency = str(total.get("CurrencyCode") or "USD")
    grand_total = (
        amount(total["Amount"], "OrderTotal")
        if "Amount" in total
        else sum((line["unit_price"] * line["qty"] + line["tax"] for line in lines), Decimal("0"))
    )
    afn = order.get("FulfillmentChannel") == "AFN"
    status, state = ("complete", "complete") if afn else (settings.order_status or "processing", "processing")
    shipping = magento_address(order.get("ShippingAddress") or {}, email, name)
    entity: dict[str, Any] = {
        "store_id": store_id,
        "state": state,
        "status": status,
        "ext_order_id": amazon_id,
        "customer_email": email,
        "customer_firstname": first,
        "customer_lastname": last,
        "customer_is_guest": 1,
        "order_currency_code": currency,
        "base_currency_code": currency,
        "grand_total": float(grand_total),
        "base_grand_total": float(grand_total),
        "items": [
            {
                "sku": line["sku"],
                "name": line["title"],
                "qty_ordered": line["qty"],
                "price": float(line["unit_price"]),
                "tax_amount": float(line["tax"]),
                "product_type": "simple",
            }
            for line in lines
        ],
        "billing_address": {**shipping, "address_type": "billing"},
        "payment": {
            "method": PAYMENT_METHOD,
            "po_number": amazon_id,
            "additional_information": [f"Amazon order {amazon_id}", f"Fulfillment: {order.get('FulfillmentChannel')}"],
        },
        "extension_attributes": {
            "shipping_assignments": [{"shipping": {"address": shipping, "method": "amazon_shipping"}}],
            "amazon_fulfillment_channel": order.get("FulfillmentChannel", "MFN"),
        },
        "status_histories": [{"comment": f"Imported from Amazon order {amazon_id}.", "status": status}],
    }
    if settings.number_source == "amazon":
        entity["increment_id"] = amazon_id
    return entity


def carrier_code(track: dict[str, Any]) -> tuple[str, str | None]:
    """Amazon carrier code (and carrier name for 'Other') for a Magento track."""
    code = str(track.get("carrier_code") or "").lower()
    if code in CARRIERS:
        return CARRIERS[code], None
    return "Other", str(track.get("title") or code or "Other")
