"""An order entity sent to the order repository's save, read and typed before anything is checked or written.

:func:`parse_new_order` refuses what Magento's input processor and the save refuse on the payload alone
(wrong types, missing required fields, a state a new order cannot start in) and returns a
:class:`NewOrder`; what depends on the stored state (the store exists, the order number is free, the
customer belongs to the store's website) is checked by the order book before it writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from simulators.magento import entities
from simulators.magento import errors as e
from simulators.magento.catalog import ZERO, Catalog, Product, decimal
from simulators.magento.errors import bad_request, invalid_type, required
from simulators.magento.statuses import StatusConfig

AFTER_ONLY = frozenset({"holded", "canceled", "closed"})  # reached through hold, cancel and refunds only
_EXTENSION = "Magento\\Sales\\Api\\Data\\OrderExtensionInterface"
_ITEM = "Magento\\Sales\\Api\\Data\\OrderItemInterface"
_HISTORY = "Magento\\Sales\\Api\\Data\\OrderStatusHistoryInterface[]"
_ASSIGNMENTS = "Magento\\Sales\\Api\\Data\\ShippingAssignmentInterface[]"
_SHIPPING = "Magento\\Sales\\Api\\Data\\ShippingInterface"


@dataclass
class Line:
    """An order item as asked: the item sent, the catalog product that fills in what it leaves out."""

    raw: dict[str, Any]
    product: Product | None
    qty: Decimal
    price: Decimal
    tax: Decimal
    original: Decimal


@dataclass
class NewOrder:
    """A new order's payload, read and typed (``entity`` has its text fields cast as Magento casts them)."""

    entity: dict[str, Any]
    store_id: int
    state: str
    status: str
    increment_id: str
    customer_id: Any  # as sent: its truthiness decides guest and group defaults
    customer: int | None
    lines: list[Line]
    billing: dict[str, Any] | None
    payment: dict[str, Any]
    shipping_amount: Decimal
    guest: int | None  # None: not sent
    group_id: int
    history: list[dict[str, Any]]
    extension: dict[str, Any]
    assignments: list[dict[str, Any]]
    shipping_address: dict[str, Any] | None
    grand_total: Decimal | None
    base_grand_total: Decimal | None

    @property
    def total_qty(self) -> Decimal:
        return sum((line.qty for line in self.lines), ZERO)


def parse_new_order(
    entity: dict[str, Any], default_store_id: int, statuses: StatusConfig, catalog: Catalog
) -> NewOrder:
    """Read an order entity (one without ``entity_id``); Magento's 400 for the first field it refuses. The
    order built from it shares the entity's parts: give it a copy (``entities.private_copy``) of anything
    its caller keeps."""
    items = entity.get("items")
    if not isinstance(items, list) or not items:
        raise required("items")
    extension = entities.json_object(entity.get("extension_attributes"), _EXTENSION)
    store_id = entities.integer(entity.get("store_id") or default_store_id, "store_id")
    state, status = initial_state(entity, statuses)
    entity = {**entity, **entities.texts(entity)}
    customer_id = entity.get("customer_id")
    customer = None if customer_id in (None, "", 0) else entities.integer(customer_id, "customer_id")
    lines = [parse_line(raw, catalog) for raw in items]
    billing = entities.address(entity.get("billing_address"), "billing")
    payment = entities.payment(entity.get("payment"))
    shipping_amount = decimal(entity.get("shipping_amount") or 0)
    flag = entity.get("customer_is_guest")  # kept as sent; left out, it follows the customer ID
    guest = None if flag is None else entities.integer(flag or 0, "customer_is_guest")
    group_id = entities.integer(entity.get("customer_group_id") or 0, "customer_group_id")
    history = entity.get("status_histories") or []
    if not isinstance(history, list) or not all(isinstance(h, dict) for h in history):
        raise invalid_type(history, _HISTORY)
    assignments, shipping_address = parse_assignments(extension)
    return NewOrder(
        entity=entity,
        store_id=store_id,
        state=state,
        status=status,
        increment_id=str(entity.get("increment_id") or ""),
        customer_id=customer_id,
        customer=customer,
        lines=lines,
        billing=billing,
        payment=payment,
        shipping_amount=shipping_amount,
        guest=guest,
        group_id=group_id,
        history=history,
        extension=extension,
        assignments=assignments,
        shipping_address=shipping_address,
        grand_total=_optional_decimal(entity.get("grand_total")),
        base_grand_total=_optional_decimal(entity.get("base_grand_total")),
    )


def initial_state(entity: dict[str, Any], statuses: StatusConfig) -> tuple[str, str]:
    """The state and status a new order starts in: as given, the other one filled in from the status config.

    No check that the status is assigned to the state: the repository's save (``Handler\\State``)
    adjusts states, it validates neither; a status the admin has no label for is saved as given.
    """
    status = entity.get("status")
    state = entity.get("state")
    for value in (status, state):
        if value is not None and not isinstance(value, str):
            raise invalid_type(value, "string")
    if not status and not state:
        return "new", statuses.default("new")
    if not state:
        states = statuses.states_of(str(status))
        state = states[0] if states else "new"
    if state in AFTER_ONLY:
        raise bad_request(e.STATE_NOT_INITIAL, [state])
    if not status:
        status = statuses.default(state) if state in statuses.assigned else ""
    return state, status


# The widest values the sales tables' columns hold (qty decimal(12,4), amounts decimal(20,4)); the
# database refuses more, so the order is not saved.
MAX_QTY = Decimal("99999999.9999")
MAX_AMOUNT = Decimal("9999999999999999.9999")


def parse_line(raw: Any, catalog: Catalog) -> Line:
    """An order item: a SKU (it need not exist in the catalog), a positive quantity, no negative amount."""
    if not isinstance(raw, dict):
        raise invalid_type(raw, _ITEM)
    if not isinstance(raw.get("sku"), str) or not raw["sku"]:
        raise required("sku")
    qty = decimal(raw.get("qty_ordered", 1))
    if qty <= 0 or qty > MAX_QTY:
        raise bad_request(e.INVALID_FIELD_VALUE, {"value": raw.get("qty_ordered"), "fieldName": "qty_ordered"})
    product = catalog.products.get(raw["sku"])  # only for what the item leaves out
    known = product.price if product is not None else ZERO
    price = decimal(raw["price"]) if raw.get("price") is not None else known
    tax = decimal(raw.get("tax_amount") or 0)
    original = decimal(raw["original_price"]) if raw.get("original_price") is not None else known
    if not (0 <= price <= MAX_AMOUNT and 0 <= tax <= MAX_AMOUNT and original <= MAX_AMOUNT):
        raise bad_request(e.INVALID_FIELD_VALUE, {"value": raw.get("price"), "fieldName": "price"})
    if raw.get("name") is not None and not isinstance(raw["name"], str):
        raise invalid_type(raw["name"], "string")
    return Line(raw, product, qty, price, tax, original)


def parse_assignments(extension: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The shipping assignments and the shipping address (the last one given) of the extension attributes."""
    assignments = extension.get("shipping_assignments") or []
    if not isinstance(assignments, list) or not all(isinstance(a, dict) for a in assignments):
        raise invalid_type(assignments, _ASSIGNMENTS)
    shipping_address = None
    for assignment in assignments:
        shipping = assignment.get("shipping") or {}
        if not isinstance(shipping, dict):
            raise invalid_type(shipping, _SHIPPING)
        if shipping.get("address") is not None:
            shipping_address = entities.address(shipping["address"], "shipping")
    return assignments, shipping_address


def _optional_decimal(value: Any) -> Decimal | None:
    return None if value is None else decimal(value)


__all__ = ["AFTER_ONLY", "Line", "NewOrder", "initial_state", "parse_new_order"]
