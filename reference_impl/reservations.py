"""Pending Orders "Reserve Quantity" (SET-07): hold back the quantity of Amazon orders without a Magento order.

The hold is an MSI reservation appended through ``POST /V1/inventory/reservations`` (a companion module
route: Magento's ``AppendReservationsInterface`` has no REST route of its own). The row remembers what it
holds in ``data["held"]`` (SKU -> quantity); the mark is written before the reservation is sent, so a
crash between the two loses a hold rather than doubling it.
"""

from __future__ import annotations

import json
from typing import Any

from reference_impl.magento_api import MagentoClient
from reference_impl.storage import OrderRow, Storage

HOLDING = ("PendingAvailability", "Pending", "Unshipped", "PartiallyShipped")
ENDED = ("Canceled", "Unfulfillable")


def quantities(items: list[dict[str, Any]]) -> dict[str, int]:
    """SKU -> quantity of Amazon order items (a Pending order's items have no prices yet: none needed)."""
    held: dict[str, int] = {}
    for item in items:
        sku, qty = str(item["SellerSKU"]), int(item["QuantityOrdered"])
        if not item["SellerSKU"] or qty < 1:
            raise ValueError(f"order item {item.get('OrderItemId')} has no SKU or quantity")
        held[sku] = held.get(sku, 0) + qty
    return held


def append(magento: MagentoClient, held: dict[str, int], sign: int, amazon_order_id: str) -> None:
    """Append one reservation per SKU: negative holds back, positive releases."""
    event = "amazon_order_hold" if sign < 0 else "amazon_order_release"
    body = {
        "reservations": [
            {
                "sku": sku,
                "quantity": sign * qty,
                "stock_id": 1,
                "metadata": json.dumps(
                    {"event_type": event, "object_type": "amazon_order", "object_id": amazon_order_id}
                ),
            }
            for sku, qty in held.items()
        ]
    }
    magento._send("appendReservations", "POST", "/V1/inventory/reservations", json=body)


def mark(storage: Storage, row: OrderRow, held: dict[str, int] | None) -> None:
    data = {k: v for k, v in row.data.items() if k != "held"}
    if held:
        data["held"] = held
    with storage.transaction():
        storage.set_data(row, data)
