"""An offline refund of an order (``RefundOrder``): the request read, checked against the order, the credit memo.

:func:`parse_refund` reads what is asked (items, shipping, adjustments, items back to stock) and refuses
wrong types; :func:`plan_refund` works out each line's amounts and refuses, with every validator message
at once, what Magento's credit memo validators refuse; :func:`memo_document` is the credit memo written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from simulators.magento import entities
from simulators.magento import errors as e
from simulators.magento.catalog import ZERO, decimal
from simulators.magento.errors import document_errors, invalid_type
from simulators.magento.order_amounts import EPSILON, d, money, requested_quantities, to_refund

_ARGUMENTS = "Magento\\Sales\\Api\\Data\\CreditmemoCreationArgumentsInterface"
_EXTENSION = "CreditmemoCreationArgumentsExtensionInterface"
_MESSAGES = {"unknown": e.REFUND_UNKNOWN_ITEM, "qty": e.REFUND_QTY}


@dataclass
class RefundRequest:
    """What a refund asks for, read and typed; ``problems``: the item validators' messages so far."""

    quantities: dict[int, Decimal]
    problems: list[str]
    shipping: Decimal
    shipping_left: Decimal
    positive: Decimal
    negative: Decimal
    restock: set[int]


@dataclass
class MemoLine:
    item: dict[str, Any]
    qty: Decimal
    row: Decimal
    tax: Decimal


@dataclass
class RefundPlan:
    """A refund Magento accepts: its lines and amounts (``amount``: the credit memo's grand total)."""

    request: RefundRequest
    lines: list[MemoLine] = field(default_factory=list)
    subtotal: Decimal = ZERO
    tax: Decimal = ZERO
    available: Decimal = ZERO
    amount: Decimal = ZERO


def refusal(order: dict[str, Any], can_creditmemo: bool) -> None:
    """Refuse an order in a state that takes no credit memo, or with nothing left to refund."""
    if order["state"] in {"payment_review", "holded", "canceled", "closed"}:
        raise document_errors(e.REFUND_ERRORS, [e.render(e.REFUND_STATUS, [order["status"]])])
    if not can_creditmemo:
        raise document_errors(e.REFUND_ERRORS, [e.CANNOT_REFUND])


def parse_refund(order: dict[str, Any], items: Any, arguments: Any) -> RefundRequest:
    """Read a refund request (no items: everything refundable, and the shipping left); type errors raise."""
    arguments = arguments or {}
    if not isinstance(arguments, dict):
        raise invalid_type(arguments, _ARGUMENTS)
    quantities, problems = requested_quantities(order, items, to_refund, _MESSAGES)
    shipping_left = d(order["shipping_invoiced"]) - d(order["shipping_refunded"])
    if arguments.get("shipping_amount") is not None:
        shipping = decimal(arguments["shipping_amount"])
    else:
        shipping = shipping_left if items in (None, []) else ZERO
    positive = decimal(arguments.get("adjustment_positive") or 0)
    negative = decimal(arguments.get("adjustment_negative") or 0)
    extension = entities.json_object(arguments.get("extension_attributes"), _EXTENSION)
    listed = extension.get("return_to_stock_items") or []
    if not isinstance(listed, list):
        raise invalid_type(listed, "int[]")
    restock = {entities.integer(x, "return_to_stock_items") for x in listed}
    return RefundRequest(quantities, problems, shipping, shipping_left, positive, negative, restock)


def plan_refund(order: dict[str, Any], request: RefundRequest) -> RefundPlan:
    """Each line's row total and tax, and the total; Magento's validation error listing every problem."""
    problems = list(request.problems)
    if request.shipping < 0 or request.shipping > request.shipping_left or request.positive < 0 or request.negative < 0:
        paid_left = money(d(order["total_paid"]) - d(order["total_refunded"]))
        problems.append(e.render(e.REFUND_TOO_MUCH, [float(paid_left)]))
    if not request.quantities and not request.shipping and not request.positive:
        problems.append(e.REFUND_NO_ITEMS)
    plan = RefundPlan(request)
    by_id = {i["item_id"]: i for i in order["items"]}
    for item_id, qty in request.quantities.items():
        line = memo_line(by_id[item_id], qty)
        plan.lines.append(line)
        plan.subtotal, plan.tax = plan.subtotal + line.row, plan.tax + line.tax
    plan.available = d(order["total_paid"]) - d(order["total_refunded"])
    plan.amount = plan.subtotal + plan.tax + request.shipping + request.positive - request.negative
    if plan.amount > plan.available + EPSILON:
        problems.append(e.render(e.REFUND_TOO_MUCH, [float(money(plan.available))]))
    elif plan.amount <= 0 and not problems:
        problems.append(e.REFUND_NOT_POSITIVE)
    if problems:
        raise document_errors(e.REFUND_ERRORS, problems)
    return plan


def memo_line(item: dict[str, Any], qty: Decimal) -> MemoLine:
    """A line's row total and tax: the last refund of a fully invoiced item takes the tax left."""
    done = to_refund(item) == qty and d(item["qty_invoiced"]) == d(item["qty_ordered"]) - d(item["qty_canceled"])
    if done:
        tax = d(item["tax_invoiced"]) - d(item["tax_refunded"])
    else:
        tax = money(d(item["tax_amount"]) * qty / d(item["qty_ordered"]))
    return MemoLine(item, qty, money(d(item["price"]) * qty), tax)


def memo_document(
    order: dict[str, Any],
    plan: RefundPlan,
    *,
    memo_id: int,
    increment_id: str,
    invoice_id: int | None,
    lines: list[dict[str, Any]],
    comments: list[dict[str, Any]],
    now: str,
) -> dict[str, Any]:
    """The credit memo as Magento's REST answer has it."""
    request = plan.request
    return {
        "entity_id": memo_id,
        "increment_id": increment_id,
        "order_id": order["entity_id"],
        "invoice_id": invoice_id,
        "store_id": order["store_id"],
        "state": 2,
        "creditmemo_status": None,
        "order_currency_code": order["order_currency_code"],
        "base_currency_code": order["base_currency_code"],
        "subtotal": float(plan.subtotal),
        "base_subtotal": float(plan.subtotal),
        "tax_amount": float(plan.tax),
        "base_tax_amount": float(plan.tax),
        "shipping_amount": float(request.shipping),
        "base_shipping_amount": float(request.shipping),
        "adjustment_positive": float(request.positive),
        "adjustment_negative": float(request.negative),
        "adjustment": float(request.positive - request.negative),
        "grand_total": float(plan.amount),
        "base_grand_total": float(plan.amount),
        "email_sent": 0,
        "items": lines,
        "comments": comments,
        "created_at": now,
        "updated_at": now,
    }


__all__ = ["MemoLine", "RefundPlan", "RefundRequest", "memo_document", "parse_refund", "plan_refund", "refusal"]
