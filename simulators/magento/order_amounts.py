"""What is left to invoice, ship, refund or cancel of an order item, and what a document request asks for.

Stored numbers are floats in the entity (as Magento's REST answer has them); sums are made in Decimal.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from simulators.magento import entities
from simulators.magento import errors as e
from simulators.magento.catalog import ZERO, decimal
from simulators.magento.errors import bad_request, invalid_type, required
from simulators.magento.order_write import d, money

EPSILON = Decimal("0.0001")
Available = Callable[[dict[str, Any]], Decimal]


def to_invoice(item: dict[str, Any]) -> Decimal:
    return max(d(item["qty_ordered"]) - d(item["qty_invoiced"]) - d(item["qty_canceled"]), ZERO)


def to_ship(item: dict[str, Any]) -> Decimal:
    qty = d(item["qty_ordered"]) - d(item["qty_shipped"]) - d(item["qty_refunded"]) - d(item["qty_canceled"])
    return max(qty, ZERO)


def to_refund(item: dict[str, Any]) -> Decimal:
    return max(d(item["qty_invoiced"]) - d(item["qty_refunded"]), ZERO)


def to_cancel(item: dict[str, Any]) -> Decimal:
    return min(to_invoice(item), to_ship(item))


def requested_quantities(
    order: dict[str, Any],
    requested: Any,
    available: Available,
    messages: dict[str, str],
    *,
    cap: bool = False,
) -> tuple[dict[int, Decimal], list[str]]:
    """Requested quantities per order item, with the validator messages (empty request: everything open).

    ``cap``: more than is open becomes what is open, as ``ShipmentFactory::prepareItems`` does
    (``min(requested, qty to ship)``), instead of the validator's refusal."""
    by_id = {i["item_id"]: i for i in order["items"]}
    if requested in (None, []):
        return {k: available(i) for k, i in by_id.items() if available(i) > 0}, []
    if not isinstance(requested, list):
        raise invalid_type(requested, "array")
    out: dict[int, Decimal] = {}
    problems: list[str] = []
    for entry in requested:
        item_id, qty = _requested_line(entry)
        if item_id not in by_id:
            problems.append(e.render(messages["unknown"], [item_id]))
            continue
        out[item_id] = out.get(item_id, ZERO) + qty
    for item_id, qty in out.items():
        if qty > available(by_id[item_id]):
            if cap:
                out[item_id] = available(by_id[item_id])
            else:
                problems.append(e.render(messages["qty"], [by_id[item_id]["sku"]]))
    out = {k: v for k, v in out.items() if v > 0}
    return out, problems


def _requested_line(entry: Any) -> tuple[int, Decimal]:
    if not isinstance(entry, dict):
        raise invalid_type(entry, "object")
    if entry.get("order_item_id") is None:
        raise required("order_item_id")
    if entry.get("qty") is None:
        raise required("qty")
    item_id = entities.integer(entry["order_item_id"], "order_item_id")
    qty = decimal(entry["qty"])
    if qty < 0:
        raise bad_request(e.INVALID_FIELD_VALUE, {"value": entry["qty"], "fieldName": "qty"})
    return item_id, qty


__all__ = [
    "EPSILON",
    "d",
    "money",
    "requested_quantities",
    "to_cancel",
    "to_invoice",
    "to_refund",
    "to_ship",
]
