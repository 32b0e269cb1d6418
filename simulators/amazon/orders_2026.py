"""Orders API 2026-01-01 shapes over the same model: the ``Order`` of searchOrders and getOrder.

Core fields are always present (orderId, createdTime, lastUpdatedTime, salesChannel, orderItems with
their product); ``includedData`` adds BUYER, RECIPIENT, PROCEEDS, FULFILLMENT, CANCELLATION and
PACKAGES. The other datasets have nothing to show for a simulated order and are left out.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulators.amazon.model import MARKETPLACES, Order, OrderItem, iso_z
from simulators.amazon.query import STATUS_2026

_SERVICE_LEVEL = {"Standard": "STANDARD"}


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": f"{amount:.2f}", "currencyCode": currency}


def _address(address: dict[str, str]) -> dict[str, str]:
    keys = {
        "Name": "name",
        "AddressLine1": "addressLine1",
        "AddressLine2": "addressLine2",
        "AddressLine3": "addressLine3",
        "City": "city",
        "County": "districtOrCounty",
        "StateOrRegion": "stateOrRegion",
        "PostalCode": "postalCode",
        "CountryCode": "countryCode",
        "Phone": "phone",
    }
    out = {new: str(address[old]) for old, new in keys.items() if address.get(old)}
    if address.get("AddressType"):
        out["addressType"] = str(address["AddressType"]).upper()
    return out


def order_2026(order: Order, included: list[str]) -> dict[str, Any]:
    """The 2026-01-01 ``Order`` object for ``order``, with the requested datasets."""
    wanted = set(included)
    market = MARKETPLACES[order.marketplace_id]
    body: dict[str, Any] = {
        "orderId": order.amazon_order_id,
        "createdTime": iso_z(order.purchase_date),
        "lastUpdatedTime": iso_z(order.last_update_date),
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": order.marketplace_id,
            "marketplaceName": market["sales_channel"],
        },
        "orderItems": [_item(order, line, wanted) for line in order.items],
    }
    if order.seller_order_id:
        body["orderAliases"] = [{"aliasId": order.seller_order_id, "aliasType": "SELLER_ORDER_ID"}]
    if "BUYER" in wanted:
        body["buyer"] = {"buyerName": order.buyer_name, "buyerEmail": order.buyer_email}
    if "RECIPIENT" in wanted:
        body["recipient"] = {"deliveryAddress": _address(order.address)}
    if "PROCEEDS" in wanted and order.pricing_visible:
        items = sum((line.item_price for line in order.items), Decimal("0"))
        taxes = sum((line.item_tax for line in order.items), Decimal("0"))
        body["proceeds"] = {
            "grandTotal": _money(order.total, order.currency),
            "breakdowns": [
                {"type": "ITEM", "subtotal": _money(items, order.currency)},
                {"type": "TAX", "subtotal": _money(taxes, order.currency)},
            ],
        }
    if "FULFILLMENT" in wanted:
        body["fulfillment"] = {
            "fulfillmentStatus": STATUS_2026[order.status],
            "fulfilledBy": "AMAZON" if order.fulfillment_channel == "AFN" else "MERCHANT",
            "fulfillmentServiceLevel": "STANDARD",
        }
    if "PACKAGES" in wanted:
        body["packages"] = [
            {
                "packageReferenceId": s.package_reference_id,
                "createdTime": iso_z(s.confirmed_at or s.ship_date),
                "packageStatus": {"status": "SHIPPED"},
                "carrier": s.carrier_name or s.carrier_code,
                "shipTime": iso_z(s.ship_date),
                "trackingNumber": s.tracking_number,
                **({"shippingService": s.shipping_method} if s.shipping_method else {}),
                "packageItems": [{"orderItemId": item_id, "quantity": qty} for item_id, qty in s.items],
            }
            for s in order.shipments
        ]
    return body


def _item(order: Order, line: OrderItem, wanted: set[str]) -> dict[str, Any]:
    product: dict[str, Any] = {"asin": line.asin, "title": line.title, "sellerSku": line.seller_sku}
    if order.pricing_visible:
        unit = (line.item_price / line.quantity_ordered).quantize(Decimal("0.01"))
        product["price"] = {"unitPrice": _money(unit, order.currency)}
    item: dict[str, Any] = {
        "orderItemId": line.order_item_id,
        "quantityOrdered": line.quantity_ordered,
        "product": product,
    }
    if "PROCEEDS" in wanted and order.pricing_visible:
        item["proceeds"] = {
            "proceedsTotal": _money(line.item_price + line.item_tax, order.currency),
            "breakdowns": [
                {"type": "ITEM", "subtotal": _money(line.item_price, order.currency)},
                {"type": "TAX", "subtotal": _money(line.item_tax, order.currency)},
            ],
        }
    if "FULFILLMENT" in wanted:
        item["fulfillment"] = {
            "quantityFulfilled": line.quantity_shipped,
            "quantityUnfulfilled": line.quantity_unshipped,
        }
    if "CANCELLATION" in wanted and order.cancellation is not None:
        item["cancellation"] = {
            "cancellationExecution": {
                "cancelledBy": order.cancellation.requested_by,
                "cancelReason": order.cancellation.reason,
            }
        }
    return item
