"""Invoices and shipments as Magento's REST answers have them, built from what the order book decided.

The order book checks the request and changes the order's items; these functions only shape the new
document (credit memos: :mod:`~simulators.magento.credit_memos`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulators.magento import entities


def invoice_document(
    order: dict[str, Any],
    *,
    invoice_id: int,
    increment_id: str,
    lines: list[dict[str, Any]],
    amounts: dict[str, Decimal],
    comment: str | None,
    now: str,
) -> dict[str, Any]:
    """An invoice (``amounts``: subtotal, tax, shipping, grand_total and total_qty)."""
    document = {
        "entity_id": invoice_id,
        "increment_id": increment_id,
        "order_id": order["entity_id"],
        "store_id": order["store_id"],
        "state": 2,
        "billing_address_id": order.get("billing_address_id"),
        "order_currency_code": order["order_currency_code"],
        "base_currency_code": order["base_currency_code"],
        "subtotal": float(amounts["subtotal"]),
        "base_subtotal": float(amounts["subtotal"]),
        "tax_amount": float(amounts["tax"]),
        "base_tax_amount": float(amounts["tax"]),
        "shipping_amount": float(amounts["shipping"]),
        "base_shipping_amount": float(amounts["shipping"]),
        "grand_total": float(amounts["grand_total"]),
        "base_grand_total": float(amounts["grand_total"]),
        "total_qty": float(amounts["total_qty"]),
        "can_void_flag": 0,
        "email_sent": 0,
        "items": lines,
        "comments": [],
        "created_at": now,
        "updated_at": now,
    }
    if comment:
        document["comments"].append(entities.document_comment(invoice_id, comment, now))
    return document


def shipment_document(
    order: dict[str, Any],
    *,
    shipment_id: int,
    increment_id: str,
    lines: list[dict[str, Any]],
    tracks: list[dict[str, Any]],
    total_qty: Decimal,
    comment: str | None,
    now: str,
) -> dict[str, Any]:
    """A shipment with its tracks (already numbered)."""
    return {
        "entity_id": shipment_id,
        "increment_id": increment_id,
        "order_id": order["entity_id"],
        "store_id": order["store_id"],
        "customer_id": order.get("customer_id"),
        "billing_address_id": order.get("billing_address_id"),
        "shipping_address_id": (entities.shipping_address(order) or {}).get("entity_id"),
        "email_sent": 0,
        "total_qty": float(total_qty),
        "packages": [],
        "items": lines,
        "tracks": tracks,
        "comments": [entities.document_comment(shipment_id, comment, now)] if comment else [],
        "created_at": now,
        "updated_at": now,
    }


def track(row: dict[str, Any], *, track_id: int, order_id: int, shipment_id: int, now: str) -> dict[str, Any]:
    """A shipment's track: what was sent, numbered; its weight and quantity unset (Magento sends them null)."""
    return {
        **row,
        "entity_id": track_id,
        "order_id": order_id,
        "parent_id": shipment_id,
        "weight": None,
        "qty": None,
        "created_at": now,
        "updated_at": now,
    }


__all__ = ["invoice_document", "shipment_document", "track"]
