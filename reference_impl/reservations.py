"""Pending Orders "Reserve Quantity" (SET-07): hold back the quantity of Amazon orders without a Magento order.

The hold is an MSI reservation appended through ``POST /V1/inventory/reservations`` (a companion module
route: Magento's ``AppendReservationsInterface`` has no REST route of its own), tagged with the Amazon
order ID. The row keeps what the order should hold in ``data["held"]`` (SKU -> quantity) and whether
Magento is known to hold exactly that (``data["held_settled"]``). Every change writes the new target,
unsettled, before it appends anything, and marks it settled after: when a call fails, gets no answer or
the process stops, the next sync reads the order's reservations back from Magento and appends only the
difference, so a hold is never lost, doubled or released twice.
"""

from __future__ import annotations

import json
from typing import Any

from reference_impl.magento_api import MagentoClient
from reference_impl.storage import OrderRow, Storage

HOLDING = ("PendingAvailability", "Pending", "Unshipped", "PartiallyShipped")
ENDED = ("Canceled", "Unfulfillable")
OBJECT_TYPE = "amazon_order"  # the reservations' metadata: which kind of object holds them (with object_id)


def quantities(items: list[dict[str, Any]]) -> dict[str, int]:
    """SKU -> quantity of Amazon order items (a Pending order's items have no prices yet: none needed)."""
    held: dict[str, int] = {}
    for item in items:
        sku, qty = str(item["SellerSKU"]), int(item["QuantityOrdered"])
        if not item["SellerSKU"] or qty < 1:
            raise ValueError(f"order item {item.get('OrderItemId')} has no SKU or quantity")
        held[sku] = held.get(sku, 0) + qty
    return held


def settle(storage: Storage, magento: MagentoClient, row: OrderRow, wanted: dict[str, int]) -> None:
    """Make Magento hold back exactly ``wanted`` for the order (empty: release everything it holds)."""
    settle_all(storage, magento, [(row, wanted)])


def settle_all(
    storage: Storage, magento: MagentoClient, targets: list[tuple[OrderRow, dict[str, int]]], *, store_all: bool = False
) -> None:
    """:func:`settle` for several orders with one append: every new target is marked unsettled in one
    transaction, the changes of all orders are appended in one call, and the targets marked settled in one
    transaction. With ``store_all``, the first transaction also stores the data of the orders that need no
    change (their row objects hold what to store)."""
    changes: list[tuple[OrderRow, dict[str, int], dict[str, int]]] = []
    unchanged: list[OrderRow] = []
    for row, wanted in targets:
        if ("held_settled" not in row.data and not wanted) or (
            row.data.get("held_settled") and row.data.get("held", {}) == wanted
        ):
            unchanged.append(row)  # nothing held and nothing wanted, or Magento holds exactly that
            continue
        if row.data.get("held_settled") or "held_settled" not in row.data:
            current = dict(row.data.get("held") or {})  # known: settled before, or never held at all
        else:
            current = held_in_magento(magento, row.amazon_order_id)  # an earlier change may or may not have landed
        change = {sku: wanted.get(sku, 0) - current.get(sku, 0) for sku in sorted({*wanted, *current})}
        changes.append((row, wanted, {sku: qty for sku, qty in change.items() if qty}))
    if not changes and not (store_all and unchanged):
        return
    with storage.transaction():
        for row in unchanged if store_all else ():
            storage.set_data(row, row.data)
        for row, wanted, _change in changes:
            _mark(storage, row, wanted, settled=False)
    if changes:
        _append(magento, [(row.amazon_order_id, change) for row, _wanted, change in changes])
        with storage.transaction():
            for row, wanted, _change in changes:
                _mark(storage, row, wanted, settled=True)


def held(row: OrderRow) -> dict[str, int]:
    """What Magento is known to hold back for the order (nothing when that is not known)."""
    return dict(row.data.get("held") or {}) if row.data.get("held_settled") else {}


def held_in_magento(magento: MagentoClient, amazon_order_id: str) -> dict[str, int]:
    """SKU -> quantity the order's own reservations hold back now, read from Magento."""
    prefix = "searchCriteria[filter_groups][0][filters][0]"
    params = {
        f"{prefix}[field]": "metadata",
        f"{prefix}[value]": f'%"object_id": {json.dumps(amazon_order_id)}%',
        f"{prefix}[condition_type]": "like",
    }
    body = magento._send("listReservations", "GET", "/V1/inventory/reservations", params=params)
    now: dict[str, int] = {}
    for reservation in body.get("items") or []:
        if _object_type(reservation.get("metadata")) == OBJECT_TYPE:
            sku = str(reservation["sku"])
            now[sku] = now.get(sku, 0) - int(float(reservation["quantity"]))
    return {sku: qty for sku, qty in now.items() if qty}


def _object_type(metadata: Any) -> str:
    try:
        return str((json.loads(metadata) if isinstance(metadata, str) else metadata or {}).get("object_type"))
    except (ValueError, AttributeError):
        return ""


def _append(magento: MagentoClient, changes: list[tuple[str, dict[str, int]]]) -> None:
    """One reservation per order and SKU, all in one call: a positive change holds more back (a negative
    reservation), a negative one gives it back."""
    reservations = [
        {
            "sku": sku,
            "quantity": -qty,
            "stock_id": 1,
            "metadata": json.dumps(
                {
                    "event_type": "amazon_order_hold" if qty > 0 else "amazon_order_release",
                    "object_type": OBJECT_TYPE,
                    "object_id": amazon_order_id,
                }
            ),
        }
        for amazon_order_id, change in changes
        for sku, qty in change.items()
    ]
    if reservations:  # every change nil: nothing to send
        magento.append_reservations(reservations)


def _mark(storage: Storage, row: OrderRow, wanted: dict[str, int], *, settled: bool) -> None:
    """Store the order's target and whether Magento holds it (call inside a transaction)."""
    data = {k: v for k, v in row.data.items() if k not in ("held", "held_settled")}
    if wanted or not settled:
        data["held"] = wanted
        data["held_settled"] = settled
    storage.set_data(row, data)
