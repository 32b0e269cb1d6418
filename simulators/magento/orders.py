"""Orders and their documents (invoices, shipments, credit memos) with Magento's rules.

Orders are kept as Magento's order entity (dicts shaped like the REST payload) so the wire layer
returns them as they are. Indexes on increment ID, ext_order_id and payment po_number make look-ups
cost the same however many orders are stored.

The rules follow Magento 2.4's ``Order`` model: ``canInvoice``, ``canShip``, ``canCancel``,
``canHold``, ``canUnhold``, ``canCreditmemo``; the state the REST document services resolve
(``StateResolver``: then the status becomes the state's default) and the check every order save
runs (``Handler\\State``: fully invoiced and shipped becomes complete, nothing left to refund becomes
closed). Every operation validates all its input before it changes anything.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from simulators.clock import SimClock
from simulators.magento import entities
from simulators.magento import errors as e
from simulators.magento.catalog import ZERO, Catalog, decimal
from simulators.magento.customers import CustomerBook
from simulators.magento.errors import MagentoError, bad_request, document_errors, invalid_type, required
from simulators.magento.search import text_key
from simulators.magento.statuses import StatusConfig
from simulators.magento.stores import StoreTree

CENT = Decimal("0.01")
EPSILON = Decimal("0.0001")
INDEXED = ("increment_id", "ext_order_id", "po_number")
AFTER_ONLY = frozenset({"holded", "canceled", "closed"})  # reached through hold, cancel and refunds only


def d(value: Any) -> Decimal:
    """A stored number (float in the entity) as a Decimal."""
    return Decimal(str(value or 0))


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_invoice(item: dict[str, Any]) -> Decimal:
    return max(d(item["qty_ordered"]) - d(item["qty_invoiced"]) - d(item["qty_canceled"]), ZERO)


def to_ship(item: dict[str, Any]) -> Decimal:
    qty = d(item["qty_ordered"]) - d(item["qty_shipped"]) - d(item["qty_refunded"]) - d(item["qty_canceled"])
    return max(qty, ZERO)


def to_refund(item: dict[str, Any]) -> Decimal:
    return max(d(item["qty_invoiced"]) - d(item["qty_refunded"]), ZERO)


def to_cancel(item: dict[str, Any]) -> Decimal:
    return min(to_invoice(item), to_ship(item))


@dataclass
class GridRow:
    """One row of Sales > Orders in the admin."""

    entity_id: int
    increment_id: str
    purchase_point: str
    purchase_date: str
    bill_to_name: str
    ship_to_name: str
    grand_total_base: float
    grand_total_purchased: float
    status: str
    status_label: str


@dataclass
class OrderBook:
    """All orders of one Magento and their invoices, shipments and credit memos."""

    clock: SimClock
    stores: StoreTree
    catalog: Catalog
    customers: CustomerBook
    statuses: StatusConfig
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    invoices: dict[int, dict[str, Any]] = field(default_factory=dict)
    shipments: dict[int, dict[str, Any]] = field(default_factory=dict)
    creditmemos: dict[int, dict[str, Any]] = field(default_factory=dict)
    _index: dict[str, dict[str, set[int]]] = field(default_factory=dict)
    _docs: dict[str, dict[int, list[int]]] = field(default_factory=dict)
    _ids: dict[str, int] = field(default_factory=dict)
    _sequence: dict[tuple[str, int], int] = field(default_factory=dict)

    # -- ids, stamps, indexes -------------------------------------------------------------------------------
    def _next(self, kind: str) -> int:
        self._ids[kind] = self._ids.get(kind, 0) + 1
        return self._ids[kind]

    def _stamp(self) -> str:
        return self.clock.now().strftime("%Y-%m-%d %H:%M:%S")

    def _increment(self, kind: str, store_id: int) -> str:
        """The next number of a per-store sequence: ``000000001`` in store 1, ``2000000001`` in store 2."""
        key = (kind, store_id)
        self._sequence[key] = self._sequence.get(key, 0) + 1
        prefix = "" if store_id == 1 else str(store_id)
        return f"{prefix}{self._sequence[key]:09d}"

    def _index_order(self, order: dict[str, Any]) -> None:
        for name in INDEXED:
            value = order["payment"].get("po_number") if name == "po_number" else order.get(name)
            if value not in (None, ""):
                self._index.setdefault(name, {}).setdefault(text_key(value), set()).add(order["entity_id"])

    def _unindex_order(self, order: dict[str, Any]) -> None:
        for name in INDEXED:
            value = order["payment"].get("po_number") if name == "po_number" else order.get(name)
            if value not in (None, ""):
                self._index.get(name, {}).get(text_key(value), set()).discard(order["entity_id"])

    def ids_for(self, field_name: str, value: str) -> set[int]:
        """Order IDs whose indexed field equals ``value``."""
        if field_name == "entity_id":
            try:
                number = int(value)
            except ValueError:
                return set()
            return {number} if number in self.orders else set()
        return set(self._index.get(field_name, {}).get(text_key(value), set()))

    def find(self, field_name: str, value: str) -> list[dict[str, Any]]:
        """Orders whose indexed field equals ``value`` (increment_id, ext_order_id, po_number)."""
        return [self.orders[i] for i in sorted(self.ids_for(field_name, value))]

    def order(self, entity_id: int) -> dict[str, Any]:
        """The order, or Magento's 404."""
        try:
            order = self.orders.get(int(entity_id))
        except (TypeError, ValueError):
            order = None
        if order is None:
            raise e.not_found()
        return order

    def documents(self, kind: str, entity_id: int) -> list[dict[str, Any]]:
        """The invoices, shipments or credit memos of an order, oldest first."""
        store = {"invoice": self.invoices, "shipment": self.shipments, "creditmemo": self.creditmemos}[kind]
        return [store[i] for i in self._docs.get(kind, {}).get(int(entity_id), [])]

    def _attach(self, kind: str, document: dict[str, Any]) -> None:
        store = {"invoice": self.invoices, "shipment": self.shipments, "creditmemo": self.creditmemos}[kind]
        store[document["entity_id"]] = document
        self._docs.setdefault(kind, {}).setdefault(document["order_id"], []).append(document["entity_id"])

    @staticmethod
    def is_afn(order: dict[str, Any]) -> bool:
        """Fulfilled by Amazon: its items touch no Magento stock."""
        return (order.get("extension_attributes") or {}).get("amazon_fulfillment_channel") == "AFN"

    # -- Magento's predicates ------------------------------------------------------------------------
    @staticmethod
    def can_unhold(order: dict[str, Any]) -> bool:
        return bool(order["state"] == "holded")

    def can_invoice(self, order: dict[str, Any]) -> bool:
        if order["state"] in {"holded", "payment_review", "canceled", "complete", "closed"}:
            return False
        return any(to_invoice(i) > 0 for i in order["items"])

    def can_ship(self, order: dict[str, Any]) -> bool:
        if order["state"] in {"holded", "payment_review", "canceled"}:
            return False
        return any(to_ship(i) > 0 for i in order["items"])

    def can_creditmemo(self, order: dict[str, Any]) -> bool:
        if order["state"] in {"holded", "payment_review", "canceled", "closed"}:
            return False
        open_amount = money(d(order["total_paid"])) - d(order["total_refunded"])
        if abs(d(order["grand_total"])) < EPSILON:
            has_due = self.can_invoice(order)
            refunded_all = bool(self.documents("creditmemo", order["entity_id"]))
            return not (has_due or refunded_all)
        return open_amount >= EPSILON

    def can_cancel(self, order: dict[str, Any]) -> bool:
        if order["state"] in {"payment_review", "holded", "canceled", "complete", "closed"}:
            return False
        return any(to_invoice(i) > 0 for i in order["items"])

    @staticmethod
    def can_hold(order: dict[str, Any]) -> bool:
        return order["state"] not in {"payment_review", "canceled", "complete", "closed", "holded"}

    def _set_state(self, order: dict[str, Any], state: str) -> None:
        order["state"], order["status"] = state, self.statuses.default(state)

    def _resolve(self, order: dict[str, Any], in_progress: bool) -> None:
        """What the REST document services do: resolve the state, then take its default status."""
        state = "processing" if order["state"] == "processing" else "new"
        if (
            order["state"] != "canceled"
            and not self.can_unhold(order)
            and not self.can_invoice(order)
            and not self.can_ship(order)
        ):
            if abs(d(order["base_grand_total"])) < EPSILON or self.can_creditmemo(order):
                state = "complete"
            elif d(order["total_refunded"]):
                state = "closed"
        if order["state"] == "new" and in_progress:
            state = "processing"
        self._set_state(order, state)

    def _check(self, order: dict[str, Any], in_process: bool) -> None:
        """What every order save runs (``Handler\\State::check``); the status only changes with the state."""
        if order["state"] == "new" and in_process:
            self._set_state(order, "processing")
        if order["state"] != "canceled" and not self.can_unhold(order) and not self.can_invoice(order):
            if (
                order["state"] in {"processing", "complete"}
                and not self.can_creditmemo(order)
                and not self.can_ship(order)
            ):
                self._set_state(order, "complete" if order["payment"].get("method") == "free" else "closed")
            elif order["state"] == "processing" and not self.can_ship(order):
                self._set_state(order, "complete")

    def _settle(self, order: dict[str, Any], *, api: bool, in_progress: bool = True) -> None:
        if api:
            self._resolve(order, in_progress)
        self._check(order, in_progress)
        order["updated_at"] = self._stamp()
        order["total_due"] = order["base_total_due"] = float(d(order["grand_total"]) - d(order["total_paid"]))

    # -- placing orders ------------------------------------------------------------------------------
    def place(self, entity: dict[str, Any], default_store_id: int = 1) -> dict[str, Any]:
        """Save a new order from a full order entity, as ``OrderRepository::save`` does.

        The repository persists what it is given: no product, salability or stock check and no MSI
        reservation (those belong to checkout, :mod:`simulators.magento.checkout`). An item's SKU need
        not exist in the catalog; a catalog product only fills in what the item leaves out (name,
        price, product ID, weight). What is refused is what Magento's input processor and the save
        itself refuse: wrong types, missing required fields, an order number in use.
        """
        if entity.get("entity_id") not in (None, "", 0):
            return self.update(entity)
        items = entity.get("items")
        if not isinstance(items, list) or not items:
            raise required("items")
        extension = entities.json_object(
            entity.get("extension_attributes"), "Magento\\Sales\\Api\\Data\\OrderExtensionInterface"
        )
        store = self.stores.view_by_id(entities.integer(entity.get("store_id") or default_store_id, "store_id"))
        state, status = self._initial_state(entity)
        entity = {**entity, **entities.texts(entity)}
        increment_id = str(entity.get("increment_id") or "")
        if increment_id and self.ids_for("increment_id", increment_id):
            raise bad_request(e.INCREMENT_ID_IN_USE, [increment_id])
        customer_id = entity.get("customer_id")
        if customer_id not in (None, "", 0):
            customer = self.customers.get(entities.integer(customer_id, "customer_id"))
            if customer["website_id"] != store.website_id:
                raise e.not_found(e.NO_SUCH_ENTITY, {"fieldName": "customerId", "fieldValue": customer_id})
        lines, wanted = self._lines(items)
        billing = entities.address(entity.get("billing_address"), "billing")
        payment = entities.payment(entity.get("payment"))
        shipping_amount = decimal(entity.get("shipping_amount") or 0)
        guest = entities.integer(entity.get("customer_is_guest", 1) or 0, "customer_is_guest")
        group_id = entities.integer(entity.get("customer_group_id") or 0, "customer_group_id")
        history = entity.get("status_histories") or []
        if not isinstance(history, list) or not all(isinstance(h, dict) for h in history):
            raise invalid_type(history, "Magento\\Sales\\Api\\Data\\OrderStatusHistoryInterface[]")
        extension = copy.deepcopy(extension)
        assignments = extension.get("shipping_assignments") or []
        if not isinstance(assignments, list) or not all(isinstance(a, dict) for a in assignments):
            raise invalid_type(assignments, "Magento\\Sales\\Api\\Data\\ShippingAssignmentInterface[]")
        shipping_address = None
        for assignment in assignments:
            shipping = assignment.get("shipping") or {}
            if not isinstance(shipping, dict):
                raise invalid_type(shipping, "Magento\\Sales\\Api\\Data\\ShippingInterface")
            if shipping.get("address") is not None:
                shipping_address = entities.address(shipping["address"], "shipping")
        grand_given = None if entity.get("grand_total") is None else decimal(entity["grand_total"])
        base_given = None if entity.get("base_grand_total") is None else decimal(entity["base_grand_total"])
        # -- everything is valid: write --------------------------------------------------------------
        entity_id = self._next("order")
        if not increment_id:
            increment_id = self._increment("order", store.store_id)
        now = self._stamp()
        order_items = [self._item(entity_id, store.store_id, now, line) for line in lines]
        subtotal = sum((d(i["row_total"]) for i in order_items), ZERO)
        tax_total = sum((d(i["tax_amount"]) for i in order_items), ZERO)
        grand = grand_given if grand_given is not None else subtotal + tax_total + shipping_amount
        base_grand = base_given if base_given is not None else grand
        order = copy.deepcopy({k: v for k, v in entity.items() if k not in {"items", "extension_attributes"}})
        currency = str(entity.get("order_currency_code") or "USD")
        order.update(
            {
                "entity_id": entity_id,
                "increment_id": increment_id,
                "store_id": store.store_id,
                "store_name": self.stores.purchase_point(store.store_id),
                "state": state,
                "status": status,
                "items": order_items,
                "customer_is_guest": 0 if customer_id not in (None, "", 0) else int(bool(guest)),
                "customer_group_id": group_id or (1 if customer_id else 0),
                "order_currency_code": currency,
                "base_currency_code": str(entity.get("base_currency_code") or currency),
                "global_currency_code": str(entity.get("global_currency_code") or currency),
                "store_currency_code": str(entity.get("store_currency_code") or currency),
                "is_virtual": 0,
                "subtotal": float(subtotal),
                "base_subtotal": float(subtotal),
                "tax_amount": float(tax_total),
                "base_tax_amount": float(tax_total),
                "shipping_amount": float(shipping_amount),
                "base_shipping_amount": float(shipping_amount),
                "discount_amount": 0.0,
                "grand_total": float(grand),
                "base_grand_total": float(base_grand),
                "total_qty_ordered": float(sum(wanted.values(), ZERO)),
                "total_item_count": len(order_items),
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
        )
        payment.update({"entity_id": entity_id, "parent_id": entity_id, "amount_ordered": float(grand)})
        payment.update({"base_amount_ordered": float(base_grand), "amount_paid": 0.0, "amount_refunded": 0.0})
        order["payment"] = payment
        if billing is not None:
            billing.update({"entity_id": self._next("address"), "parent_id": entity_id})
            order["billing_address"] = billing
            order["billing_address_id"] = billing["entity_id"]
        for assignment in assignments:
            shipping = assignment["shipping"] = assignment.get("shipping") or {}
            if shipping.get("address") is not None and shipping_address is not None:
                shipping_address.update({"entity_id": self._next("address"), "parent_id": entity_id})
                shipping["address"] = shipping_address
            shipping.setdefault("total", {"shipping_amount": float(shipping_amount)})
            assignment["items"] = order_items
        if assignments:
            extension["shipping_assignments"] = assignments
        extension.setdefault("payment_additional_info", [])
        order["extension_attributes"] = extension
        for entry in reversed(history):
            self._history(order, str(entry.get("comment") or ""), str(entry.get("status") or status), entry)
        self.orders[entity_id] = order
        self._index_order(order)
        return order

    def reserve_placed(self, order: dict[str, Any]) -> None:
        """MSI's reservation for a placed order (checkout only: the repository's save places none)."""
        wanted: dict[str, Decimal] = {}
        for item in order["items"]:
            wanted[item["sku"]] = wanted.get(item["sku"], ZERO) + d(item["qty_ordered"])
        for sku, qty in wanted.items():
            stock = self.catalog.stock.get(sku)
            if stock is not None and stock.manage_stock:
                self.catalog.reserve(sku, -qty, entities.reservation_meta("order_placed", order))

    def _initial_state(self, entity: dict[str, Any]) -> tuple[str, str]:
        status = entity.get("status")
        state = entity.get("state")
        for value in (status, state):
            if value is not None and not isinstance(value, str):
                raise invalid_type(value, "string")
        if not status and not state:
            return "new", self.statuses.default("new")
        if not state:
            states = self.statuses.states_of(str(status))
            state = states[0] if states else "new"
        if state in AFTER_ONLY:
            raise bad_request(e.STATE_NOT_INITIAL, [state])
        if not status:
            status = self.statuses.default(state) if state in self.statuses.assigned else ""
        # No check that the status is assigned to the state: the repository's save (``Handler\State``)
        # adjusts states, it validates neither; a status the admin has no label for is saved as given.
        return state, status

    def _lines(self, items: list[Any]) -> tuple[list[dict[str, Any]], dict[str, Decimal]]:
        lines: list[dict[str, Any]] = []
        wanted: dict[str, Decimal] = {}
        for raw in items:
            if not isinstance(raw, dict):
                raise invalid_type(raw, "Magento\\Sales\\Api\\Data\\OrderItemInterface")
            if not isinstance(raw.get("sku"), str) or not raw["sku"]:
                raise required("sku")
            qty = decimal(raw.get("qty_ordered", 1))
            if qty <= 0:
                raise bad_request(e.INVALID_FIELD_VALUE, {"value": raw.get("qty_ordered"), "fieldName": "qty_ordered"})
            product = self.catalog.products.get(raw["sku"])  # only for what the item leaves out
            known = product.price if product is not None else ZERO
            price = decimal(raw["price"]) if raw.get("price") is not None else known
            tax = decimal(raw.get("tax_amount") or 0)
            original = decimal(raw["original_price"]) if raw.get("original_price") is not None else known
            if price < 0 or tax < 0:
                raise bad_request(e.INVALID_FIELD_VALUE, {"value": raw.get("price"), "fieldName": "price"})
            if raw.get("name") is not None and not isinstance(raw["name"], str):
                raise invalid_type(raw["name"], "string")
            wanted[raw["sku"]] = wanted.get(raw["sku"], ZERO) + qty
            lines.append({"raw": raw, "product": product, "qty": qty, "price": price, "tax": tax, "original": original})
        return lines, wanted

    def _item(self, order_id: int, store_id: int, now: str, line: dict[str, Any]) -> dict[str, Any]:
        raw, product, qty, price, tax = line["raw"], line["product"], line["qty"], line["price"], line["tax"]
        row = money(price * qty)
        item: dict[str, Any] = {
            "item_id": self._next("order_item"),
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
            "original_price": float(line["original"]),
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
        name = raw.get("name") or (product.name if product is not None else None)
        product_id = raw.get("product_id") or (product.id if product is not None else None)
        weight = raw.get("weight") if raw.get("weight") is not None else (product.weight if product else None)
        if name:
            item["name"] = str(name)
        if product_id:
            item["product_id"] = entities.integer(product_id, "product_id")
        if weight is not None:
            item["weight"] = float(decimal(weight))
        if raw.get("quote_item_id") is not None:
            item["quote_item_id"] = entities.integer(raw["quote_item_id"], "quote_item_id")
        return item

    def update(self, entity: dict[str, Any]) -> dict[str, Any]:
        """``POST /V1/orders`` with an ``entity_id``: change the status or ext_order_id of an order."""
        order = self.order(entities.integer(entity["entity_id"], "entity_id"))
        entity = {**entity, **entities.texts(entity)}
        given = entity.get("increment_id")
        if given not in (None, "") and str(given) != order["increment_id"] and self.ids_for("increment_id", str(given)):
            raise bad_request(e.INCREMENT_ID_IN_USE, [given])
        status = entity.get("status")
        if status is not None and not isinstance(status, str):
            raise invalid_type(status, "string")
        self._unindex_order(order)
        if given not in (None, ""):
            order["increment_id"] = str(given)
        if "ext_order_id" in entity:
            order["ext_order_id"] = entity["ext_order_id"]
        if status is not None:
            order["status"] = str(status)
        self._index_order(order)
        order["updated_at"] = self._stamp()
        return order

    # -- comments ------------------------------------------------------------------------------------
    def _history(
        self, order: dict[str, Any], comment: str, status: str, raw: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        raw = raw or {}
        entry = {
            "comment": comment,
            "created_at": self._stamp(),
            "entity_id": self._next("history"),
            "entity_name": str(raw.get("entity_name") or "order"),
            "is_customer_notified": int(bool(raw.get("is_customer_notified") or 0)),
            "is_visible_on_front": int(bool(raw.get("is_visible_on_front") or 0)),
            "parent_id": order["entity_id"],
            "status": status,
        }
        order["status_histories"].insert(0, entry)
        return entry

    def add_comment(
        self,
        entity_id: int,
        comment: str,
        status: str | None = None,
        *,
        notify: bool = False,
        visible: bool = False,
        any_state: bool = False,
    ) -> dict[str, Any]:
        """Add a status history comment; a status also becomes the order's status.

        The admin's comment form offers the statuses of the order's state only; the REST route
        (``Order::addStatusHistory``) takes any existing status (``any_state``), state unchanged.
        """
        order = self.order(entity_id)
        if not isinstance(comment, str) or not comment.strip():
            raise required("comment")
        if status is not None and status != order["status"]:
            if not any_state or not self.statuses.states_of(status):
                self.statuses.check(status, order["state"])
            order["status"] = status
        flags = {"is_customer_notified": notify, "is_visible_on_front": visible}
        entry = self._history(order, comment, order["status"], flags)
        order["updated_at"] = self._stamp()
        return entry

    # -- documents -----------------------------------------------------------------------------------
    def _quantities(
        self,
        order: dict[str, Any],
        requested: Any,
        available: Any,
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

    def invoice(
        self, entity_id: int, items: Any = None, *, comment: str | None = None, api: bool = True
    ) -> dict[str, Any]:
        """Create and capture an invoice; returns it. Refused as ``InvoiceOrder`` refuses."""
        order = self.order(entity_id)
        if order["state"] in {"payment_review", "holded", "canceled", "complete", "closed"}:
            raise document_errors(e.INVOICE_ERRORS, [e.render(e.INVOICE_STATUS, [order["status"]])])
        if not self.can_invoice(order):
            raise document_errors(e.INVOICE_ERRORS, [e.CANNOT_INVOICE])
        quantities, problems = self._quantities(
            order, items, to_invoice, {"unknown": e.INVOICE_UNKNOWN_ITEM, "qty": e.INVOICE_QTY}
        )
        if not quantities:
            problems.append(e.INVOICE_NO_ITEMS)
        if problems:
            raise document_errors(e.INVOICE_ERRORS, list(dict.fromkeys(problems)))  # each message once
        by_id = {i["item_id"]: i for i in order["items"]}
        first = not self.documents("invoice", entity_id)
        lines, subtotal, tax = [], ZERO, ZERO
        for item_id, qty in quantities.items():
            item = by_id[item_id]
            done = to_invoice(item) == qty
            item_tax = (
                d(item["tax_amount"]) - d(item["tax_invoiced"])
                if done
                else money(d(item["tax_amount"]) * qty / d(item["qty_ordered"]))
            )
            row = money(d(item["price"]) * qty)
            item["qty_invoiced"] = float(d(item["qty_invoiced"]) + qty)
            item["tax_invoiced"] = float(d(item["tax_invoiced"]) + item_tax)
            item["row_invoiced"] = float(d(item["row_invoiced"]) + row)
            subtotal, tax = subtotal + row, tax + item_tax
            lines.append(entities.document_line(item, qty, row, item_tax))
        shipping = d(order["shipping_amount"]) if first else ZERO
        amount = subtotal + tax + shipping
        if not self.can_invoice(order):  # this invoice completes the order: it takes what is left of the total
            amount = d(order["grand_total"]) - d(order["total_invoiced"])
        invoice_id = self._next("invoice")
        now = self._stamp()
        document = {
            "entity_id": invoice_id,
            "increment_id": self._increment("invoice", order["store_id"]),
            "order_id": order["entity_id"],
            "store_id": order["store_id"],
            "state": 2,
            "billing_address_id": order.get("billing_address_id"),
            "order_currency_code": order["order_currency_code"],
            "base_currency_code": order["base_currency_code"],
            "subtotal": float(subtotal),
            "base_subtotal": float(subtotal),
            "tax_amount": float(tax),
            "base_tax_amount": float(tax),
            "shipping_amount": float(shipping),
            "base_shipping_amount": float(shipping),
            "grand_total": float(amount),
            "base_grand_total": float(amount),
            "total_qty": float(sum(quantities.values(), ZERO)),
            "can_void_flag": 0,
            "email_sent": 0,
            "items": [{**line, "entity_id": self._next("invoice_item"), "parent_id": invoice_id} for line in lines],
            "comments": [],
            "created_at": now,
            "updated_at": now,
        }
        if comment:
            document["comments"].append(entities.document_comment(invoice_id, comment, now))
        self._attach("invoice", document)
        for key in ("total_invoiced", "base_total_invoiced", "total_paid", "base_total_paid"):
            order[key] = float(d(order.get(key)) + amount)
        order["shipping_invoiced"] = float(d(order["shipping_invoiced"]) + shipping)
        order["payment"]["amount_paid"] = order["total_paid"]
        self._settle(order, api=api)
        return document

    def ship(
        self, entity_id: int, items: Any = None, tracks: Any = None, *, comment: str | None = None, api: bool = True
    ) -> dict[str, Any]:
        """Create a shipment (deducting source stock); returns it. Refused as ``ShipOrder`` refuses."""
        order = self.order(entity_id)
        if order["state"] in {"payment_review", "holded", "canceled"}:
            raise document_errors(e.SHIP_ERRORS, [e.render(e.SHIP_STATUS, [order["status"]])])
        if not self.can_ship(order):
            raise document_errors(e.SHIP_ERRORS, [e.CANNOT_SHIP])
        quantities, problems = self._quantities(
            order, items, to_ship, {"unknown": e.SHIP_UNKNOWN_ITEM, "qty": e.SHIP_QTY}, cap=True
        )
        if not quantities:
            problems.append(e.SHIP_NO_ITEMS)
        if problems:
            raise document_errors(e.SHIP_ERRORS, problems)
        track_rows = entities.tracks(tracks)
        by_id = {i["item_id"]: i for i in order["items"]}
        deductions: dict[str, Decimal] = {}
        if not self.is_afn(order):
            for item_id, qty in quantities.items():
                sku = by_id[item_id]["sku"]
                deductions[sku] = deductions.get(sku, ZERO) + qty
        self.catalog.deduct(deductions)  # refuses (writing nothing) when the source would go negative
        for sku, qty in deductions.items():
            item = self.catalog.stock.get(sku)
            if item is not None and item.manage_stock:
                self.catalog.reserve(sku, qty, entities.reservation_meta("shipment_created", order))
        shipment_id = self._next("shipment")
        now = self._stamp()
        lines = []
        for item_id, qty in quantities.items():
            item = by_id[item_id]
            item["qty_shipped"] = float(d(item["qty_shipped"]) + qty)
            line = entities.document_line(item, qty, money(d(item["price"]) * qty), ZERO)
            lines.append({**line, "entity_id": self._next("shipment_item"), "parent_id": shipment_id})
        document = {
            "entity_id": shipment_id,
            "increment_id": self._increment("shipment", order["store_id"]),
            "order_id": order["entity_id"],
            "store_id": order["store_id"],
            "customer_id": order.get("customer_id"),
            "billing_address_id": order.get("billing_address_id"),
            "shipping_address_id": (entities.shipping_address(order) or {}).get("entity_id"),
            "email_sent": 0,
            "total_qty": float(sum(quantities.values(), ZERO)),
            "packages": [],
            "items": lines,
            "tracks": [
                {
                    **t,
                    "entity_id": self._next("track"),
                    "order_id": order["entity_id"],
                    "parent_id": shipment_id,
                    "weight": None,
                    "qty": None,
                    "created_at": now,
                    "updated_at": now,
                }
                for t in track_rows
            ],
            "comments": [entities.document_comment(shipment_id, comment, now)] if comment else [],
            "created_at": now,
            "updated_at": now,
        }
        self._attach("shipment", document)
        self._settle(order, api=api)
        return document

    def refund(
        self,
        entity_id: int,
        items: Any = None,
        *,
        arguments: Any = None,
        comment: str | None = None,
        api: bool = True,
    ) -> dict[str, Any]:
        """Create an offline credit memo; returns it. Refused as ``RefundOrder`` refuses."""
        order = self.order(entity_id)
        if order["state"] in {"payment_review", "holded", "canceled", "closed"}:
            raise document_errors(e.REFUND_ERRORS, [e.render(e.REFUND_STATUS, [order["status"]])])
        if not self.can_creditmemo(order):
            raise document_errors(e.REFUND_ERRORS, [e.CANNOT_REFUND])
        arguments = arguments or {}
        if not isinstance(arguments, dict):
            raise invalid_type(arguments, "Magento\\Sales\\Api\\Data\\CreditmemoCreationArgumentsInterface")
        quantities, problems = self._quantities(
            order, items, to_refund, {"unknown": e.REFUND_UNKNOWN_ITEM, "qty": e.REFUND_QTY}
        )
        shipping_left = d(order["shipping_invoiced"]) - d(order["shipping_refunded"])
        full = items in (None, [])
        shipping = (
            decimal(arguments["shipping_amount"])
            if arguments.get("shipping_amount") is not None
            else (shipping_left if full else ZERO)
        )
        positive = decimal(arguments.get("adjustment_positive") or 0)
        negative = decimal(arguments.get("adjustment_negative") or 0)
        if shipping < 0 or shipping > shipping_left or positive < 0 or negative < 0:
            problems.append(
                e.render(e.REFUND_TOO_MUCH, [float(money(d(order["total_paid"]) - d(order["total_refunded"])))])
            )
        if not quantities and not shipping and not positive:
            problems.append(e.REFUND_NO_ITEMS)
        extension = entities.json_object(
            arguments.get("extension_attributes"), "CreditmemoCreationArgumentsExtensionInterface"
        )
        listed = extension.get("return_to_stock_items") or []
        if not isinstance(listed, list):
            raise invalid_type(listed, "int[]")
        restock = {entities.integer(x, "return_to_stock_items") for x in listed}
        by_id = {i["item_id"]: i for i in order["items"]}
        subtotal, tax = ZERO, ZERO
        plan = []
        for item_id, qty in quantities.items():
            item = by_id[item_id]
            done = to_refund(item) == qty and d(item["qty_invoiced"]) == d(item["qty_ordered"]) - d(
                item["qty_canceled"]
            )
            item_tax = (
                d(item["tax_invoiced"]) - d(item["tax_refunded"])
                if done
                else money(d(item["tax_amount"]) * qty / d(item["qty_ordered"]))
            )
            row = money(d(item["price"]) * qty)
            subtotal, tax = subtotal + row, tax + item_tax
            plan.append((item, qty, row, item_tax))
        available = d(order["total_paid"]) - d(order["total_refunded"])
        amount = subtotal + tax + shipping + positive - negative
        if amount > available + EPSILON:
            problems.append(e.render(e.REFUND_TOO_MUCH, [float(money(available))]))
        elif amount <= 0 and not problems:
            problems.append(e.REFUND_NOT_POSITIVE)
        if problems:
            raise document_errors(e.REFUND_ERRORS, problems)
        # -- write -------------------------------------------------------------------------------------
        now = self._stamp()
        memo_id = self._next("creditmemo")
        lines = []
        for item, qty, row, item_tax in plan:
            open_before = to_ship(item)
            item["qty_refunded"] = float(d(item["qty_refunded"]) + qty)
            item["amount_refunded"] = float(d(item["amount_refunded"]) + row)
            item["tax_refunded"] = float(d(item["tax_refunded"]) + item_tax)
            released = open_before - to_ship(item)
            stock = self.catalog.stock.get(item["sku"])
            if not self.is_afn(order) and stock is not None and stock.manage_stock:
                if released > 0:
                    self.catalog.reserve(item["sku"], released, entities.reservation_meta("creditmemo_created", order))
                if item["item_id"] in restock and qty - released > 0:
                    self.catalog.restock(item["sku"], qty - released)
            lines.append(
                {
                    **entities.document_line(item, qty, row, item_tax),
                    "entity_id": self._next("creditmemo_item"),
                    "parent_id": memo_id,
                    "base_cost": 0.0,
                    "back_to_stock": item["item_id"] in restock,
                }
            )
        if all(to_refund(i) == 0 for i in order["items"]) and shipping == shipping_left and not negative + positive:
            amount = available  # the last credit memo refunds whatever is left of what was paid
        document = {
            "entity_id": memo_id,
            "increment_id": self._increment("creditmemo", order["store_id"]),
            "order_id": order["entity_id"],
            "invoice_id": (self.documents("invoice", entity_id) or [{}])[-1].get("entity_id"),
            "store_id": order["store_id"],
            "state": 2,
            "creditmemo_status": None,
            "order_currency_code": order["order_currency_code"],
            "base_currency_code": order["base_currency_code"],
            "subtotal": float(subtotal),
            "base_subtotal": float(subtotal),
            "tax_amount": float(tax),
            "base_tax_amount": float(tax),
            "shipping_amount": float(shipping),
            "base_shipping_amount": float(shipping),
            "adjustment_positive": float(positive),
            "adjustment_negative": float(negative),
            "adjustment": float(positive - negative),
            "grand_total": float(amount),
            "base_grand_total": float(amount),
            "email_sent": 0,
            "items": lines,
            "comments": [entities.document_comment(memo_id, comment, now)] if comment else [],
            "created_at": now,
            "updated_at": now,
        }
        self._attach("creditmemo", document)
        for key in ("total_refunded", "base_total_refunded"):
            order[key] = float(d(order.get(key)) + amount)
        order["shipping_refunded"] = float(d(order["shipping_refunded"]) + shipping)
        order["payment"]["amount_refunded"] = order["total_refunded"]
        self._settle(order, api=api, in_progress=False)
        return document

    def cancel(self, entity_id: int) -> bool:
        """``OrderManagement::cancel``: False (and no change) when Magento's ``canCancel`` says no."""
        order = self.order(entity_id)
        if not self.can_cancel(order):
            return False
        state = "canceled"
        canceled_total = ZERO
        for item in order["items"]:
            if state != "processing" and to_refund(item) > 0:
                state = "processing" if to_ship(item) > 0 else "complete"
        for item in order["items"]:
            qty = to_cancel(item)
            if qty <= 0:
                continue
            item["qty_canceled"] = float(d(item["qty_canceled"]) + qty)
            canceled_total += money(d(item["price"]) * qty + d(item["tax_amount"]) * qty / d(item["qty_ordered"]))
            stock = self.catalog.stock.get(item["sku"])
            if not self.is_afn(order) and stock is not None and stock.manage_stock:
                self.catalog.reserve(item["sku"], qty, entities.reservation_meta("order_canceled", order))
        order["total_canceled"] = float(d(order["total_canceled"]) + canceled_total)
        self._set_state(order, state)
        if state != "canceled":
            self._check(order, in_process=False)
        order["updated_at"] = self._stamp()
        return True

    def hold(self, entity_id: int) -> bool:
        order = self.order(entity_id)
        if not self.can_hold(order):
            raise bad_request(e.CANNOT_HOLD)
        order["hold_before_state"], order["hold_before_status"] = order["state"], order["status"]
        self._set_state(order, "holded")
        order["updated_at"] = self._stamp()
        return True

    def unhold(self, entity_id: int) -> bool:
        order = self.order(entity_id)
        if not self.can_unhold(order):
            raise bad_request(e.CANNOT_UNHOLD)
        order["state"], order["status"] = order.pop("hold_before_state"), order.pop("hold_before_status")
        order["updated_at"] = self._stamp()
        return True

    # -- the admin's order grid ---------------------------------------------------------------------------
    def grid(self, store_id: int | None = None) -> list[GridRow]:
        """Sales > Orders as the admin shows it, newest first."""
        rows = []
        for order in reversed(self.orders.values()):
            if store_id is not None and order["store_id"] != store_id:
                continue
            billing = order.get("billing_address") or {}
            shipping = entities.shipping_address(order) or {}
            rows.append(
                GridRow(
                    entity_id=order["entity_id"],
                    increment_id=order["increment_id"],
                    purchase_point=self.stores.purchase_point(order["store_id"]),
                    purchase_date=order["created_at"],
                    bill_to_name=entities.full_name(billing),
                    ship_to_name=entities.full_name(shipping),
                    grand_total_base=float(order["base_grand_total"]),
                    grand_total_purchased=float(order["grand_total"]),
                    status=order["status"],
                    status_label=self.statuses.label(order["status"]),
                )
            )
        return rows


__all__ = ["GridRow", "MagentoError", "OrderBook"]
