"""A new order's stored entity, built from its read payload (:class:`~simulators.magento.order_payload.NewOrder`).

The entity is shaped like Magento's REST answer: what the payload gave, with the IDs, totals, currencies,
item rows, addresses, payment and shipping assignments the repository's save fills in. Fields an item
leaves out and its catalog product cannot fill (name, product ID, weight, quote item) are left out, not
null.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from simulators.magento import entities
from simulators.magento.catalog import ZERO, decimal
from simulators.magento.order_payload import Line, NewOrder

CENT = Decimal("0.01")
NextId = Callable[[str], int]


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def build_order(
    new: NewOrder, *, entity_id: int, increment_id: str, store_name: str, now: str, next_id: NextId
) -> dict[str, Any]:
    """The stored entity of a new order; ``next_id(kind)`` numbers its items, addresses and comments."""
    items = [new_item(entity_id, new.store_id, now, line, next_id) for line in new.lines]
    subtotal = sum((d(i["row_total"]) for i in items), ZERO)
    tax_total = sum((d(i["tax_amount"]) for i in items), ZERO)
    grand = new.grand_total if new.grand_total is not None else subtotal + tax_total + new.shipping_amount
    base_grand = new.base_grand_total if new.base_grand_total is not None else grand
    order = {k: v for k, v in new.entity.items() if k not in {"items", "extension_attributes"}}  # a private copy
    order.update(_header(new, entity_id, increment_id, store_name, items))
    order.update(_totals(new, len(items), subtotal, tax_total, grand, base_grand, now))
    payment = new.payment
    payment.update({"entity_id": entity_id, "parent_id": entity_id, "amount_ordered": float(grand)})
    payment.update({"base_amount_ordered": float(base_grand), "amount_paid": 0.0, "amount_refunded": 0.0})
    order["payment"] = payment
    if new.billing is not None:
        new.billing.update({"entity_id": next_id("address"), "parent_id": entity_id})
        order["billing_address"] = new.billing
        order["billing_address_id"] = new.billing["entity_id"]
    order["extension_attributes"] = _extension(new, entity_id, items, next_id)
    for entry in reversed(new.history):
        comment, status = str(entry.get("comment") or ""), str(entry.get("status") or new.status)
        order["status_histories"].insert(0, history_entry(order, next_id("history"), comment, status, now, entry))
    return order


def _header(
    new: NewOrder, entity_id: int, increment_id: str, store_name: str, items: list[dict[str, Any]]
) -> dict[str, Any]:
    currency = str(new.entity.get("order_currency_code") or "USD")
    customer = new.customer_id not in (None, "", 0)
    return {
        "entity_id": entity_id,
        "increment_id": increment_id,
        "store_id": new.store_id,
        "store_name": store_name,
        "state": new.state,
        "status": new.status,
        "items": items,
        # The repository saves the flag it is given, even beside a customer ID (an order the admin then shows
        # as a guest's); left out, the order is a guest's unless it names a customer.
        "customer_is_guest": int(not customer) if new.guest is None else int(bool(new.guest)),
        "customer_group_id": new.group_id or (1 if new.customer_id else 0),
        "order_currency_code": currency,
        "base_currency_code": str(new.entity.get("base_currency_code") or currency),
        "global_currency_code": str(new.entity.get("global_currency_code") or currency),
        "store_currency_code": str(new.entity.get("store_currency_code") or currency),
        "is_virtual": 0,
    }


def _totals(
    new: NewOrder,
    item_count: int,
    subtotal: Decimal,
    tax_total: Decimal,
    grand: Decimal,
    base_grand: Decimal,
    now: str,
) -> dict[str, Any]:
    shipping = float(new.shipping_amount)
    return {
        "subtotal": float(subtotal),
        "base_subtotal": float(subtotal),
        "tax_amount": float(tax_total),
        "base_tax_amount": float(tax_total),
        "shipping_amount": shipping,
        "base_shipping_amount": shipping,
        "discount_amount": 0.0,
        "grand_total": float(grand),
        "base_grand_total": float(base_grand),
        "total_qty_ordered": float(new.total_qty),
        "total_item_count": item_count,
        "total_invoiced": 0.0,
        "total_paid": 0.0,
        "total_refunded": 0.0,
        "total_canceled": 0.0,
        "total_due": float(grand),
        "base_total_due": float(base_grand),
        "shipping_invoiced": 0.0,
        "shipping_refunded": 0.0,
        "created_at": now,
        "updated_at": now,
        "status_histories": [],
    }


def _extension(new: NewOrder, entity_id: int, items: list[dict[str, Any]], next_id: NextId) -> dict[str, Any]:
    """The extension attributes: the shipping assignments get the shipping address (numbered) and the items."""
    extension = new.extension
    for assignment in new.assignments:
        shipping = assignment["shipping"] = assignment.get("shipping") or {}
        if shipping.get("address") is not None and new.shipping_address is not None:
            new.shipping_address.update({"entity_id": next_id("address"), "parent_id": entity_id})
            shipping["address"] = new.shipping_address
        shipping.setdefault("total", {"shipping_amount": float(new.shipping_amount)})
        assignment["items"] = items
    if new.assignments:
        extension["shipping_assignments"] = new.assignments
    extension.setdefault("payment_additional_info", [])
    return extension


def new_item(order_id: int, store_id: int, now: str, line: Line, next_id: NextId) -> dict[str, Any]:
    """An order item row; name, product ID and weight come from the catalog product when the item has none."""
    raw, product, qty, price, tax = line.raw, line.product, line.qty, line.price, line.tax
    row = money(price * qty)
    item: dict[str, Any] = {
        "item_id": next_id("order_item"),
        "order_id": order_id,
        "sku": str(raw["sku"]),
        "product_type": str(raw.get("product_type") or "simple"),
        "is_virtual": 0,
        "store_id": store_id,
        "qty_ordered": float(qty),
        "qty_invoiced": 0.0,
        "qty_shipped": 0.0,
        "qty_canceled": 0.0,
        "qty_refunded": 0.0,
        "price": float(price),
        "base_price": float(price),
        "original_price": float(line.original),
        "price_incl_tax": float(money(price + tax / qty)),
        "row_total": float(row),
        "base_row_total": float(row),
        "row_total_incl_tax": float(row + tax),
        "tax_amount": float(tax),
        "base_tax_amount": float(tax),
        "tax_percent": float(money(tax / row * 100)) if row else 0.0,
        "discount_amount": 0.0,
        "row_invoiced": 0.0,
        "tax_invoiced": 0.0,
        "amount_refunded": 0.0,
        "tax_refunded": 0.0,
        "created_at": now,
        "updated_at": now,
    }
    item.update(_item_extras(raw, product))
    return item


def _item_extras(raw: dict[str, Any], product: Any) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    name = raw.get("name") or (product.name if product is not None else None)
    product_id = raw.get("product_id") or (product.id if product is not None else None)
    weight = raw.get("weight") if raw.get("weight") is not None else (product.weight if product else None)
    if name:
        extras["name"] = str(name)
    if product_id:
        extras["product_id"] = entities.integer(product_id, "product_id")
    if weight is not None:
        extras["weight"] = float(decimal(weight))
    if raw.get("quote_item_id") is not None:
        extras["quote_item_id"] = entities.integer(raw["quote_item_id"], "quote_item_id")
    return extras


def history_entry(
    order: dict[str, Any], entry_id: int, comment: str, status: str, now: str, raw: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A status history comment of an order (``raw``: its flags as sent)."""
    raw = raw or {}
    return {
        "comment": comment,
        "created_at": now,
        "entity_id": entry_id,
        "entity_name": str(raw.get("entity_name") or "order"),
        "is_customer_notified": int(bool(raw.get("is_customer_notified") or 0)),
        "is_visible_on_front": int(bool(raw.get("is_visible_on_front") or 0)),
        "parent_id": order["entity_id"],
        "status": status,
    }


def d(value: Any) -> Decimal:
    """A stored number (float in the entity) as a Decimal."""
    return Decimal(str(value or 0))


__all__ = ["build_order", "d", "history_entry", "money", "new_item"]
