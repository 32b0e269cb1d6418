"""Orders and their documents (invoices, shipments, credit memos) with Magento's rules.

Orders are kept compactly (:mod:`~simulators.magento.order_store`) and read back as Magento's order
entity (dicts shaped like the REST payload), so the wire layer returns them as they are; indexes on
increment ID, ext_order_id and payment po_number make look-ups cost the same however many orders are
stored. Every operation reads the order, validates all its input before it changes anything, and
stores the order back once: a refused operation leaves it as it was.

The rules follow Magento 2.4's ``Order`` model: ``canInvoice``, ``canShip``, ``canCancel``,
``canHold``, ``canUnhold``, ``canCreditmemo``; the state the REST document services resolve
(``StateResolver``: then the status becomes the state's default) and the check every order save
runs (``Handler\\State``: fully invoiced and shipped becomes complete, nothing left to refund becomes
closed). Placing an order reads its payload (:mod:`~simulators.magento.order_payload`), checks it
against what is stored, and writes it (:mod:`~simulators.magento.order_write`); a refund does the same
with :mod:`~simulators.magento.credit_memos`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from simulators.clock import SimClock
from simulators.magento import credit_memos, documents, entities
from simulators.magento import errors as e
from simulators.magento.catalog import ZERO, Catalog
from simulators.magento.customers import CustomerBook
from simulators.magento.errors import MagentoError, bad_request, document_errors, invalid_type, required
from simulators.magento.order_amounts import (
    EPSILON,
    d,
    money,
    requested_quantities,
    to_cancel,
    to_invoice,
    to_refund,
    to_ship,
)
from simulators.magento.order_payload import NewOrder, parse_new_order
from simulators.magento.order_store import INDEXED, OrderStore
from simulators.magento.order_write import build_order, history_entry
from simulators.magento.statuses import StatusConfig
from simulators.magento.stores import StoreTree


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
    orders: OrderStore = field(default_factory=OrderStore)
    invoices: dict[int, dict[str, Any]] = field(default_factory=dict)
    shipments: dict[int, dict[str, Any]] = field(default_factory=dict)
    creditmemos: dict[int, dict[str, Any]] = field(default_factory=dict)
    _docs: dict[str, dict[int, list[int]]] = field(default_factory=dict)
    _ids: dict[str, int] = field(default_factory=dict)
    _sequence: dict[tuple[str, int], int] = field(default_factory=dict)

    # -- ids, stamps, look-ups ------------------------------------------------------------------------------
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

    def ids_for(self, field_name: str, value: str) -> set[int]:
        """Order IDs whose indexed field (or ``entity_id``) equals ``value``."""
        if field_name == "entity_id":
            try:
                number = int(value)
            except ValueError:
                return set()
            return {number} if number in self.orders else set()
        if field_name not in INDEXED:
            return set()
        return self.orders.ids_for(field_name, value)

    def find(self, field_name: str, value: str) -> list[dict[str, Any]]:
        """Orders whose indexed field equals ``value`` (increment_id, ext_order_id, po_number)."""
        return [self.orders[i] for i in sorted(self.ids_for(field_name, value))]

    def order(self, entity_id: int) -> dict[str, Any]:
        """The order as it is now (a copy: changes go through the book's operations), or Magento's 404."""
        try:
            number = int(entity_id)
        except (TypeError, ValueError):
            raise e.not_found() from None
        if number not in self.orders:
            raise e.not_found()
        return self.orders[number]

    def _save(self, order: dict[str, Any]) -> None:
        self.orders.put(order)

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

    # -- placing orders: parse -> check -> write ------------------------------------------------------------
    def place(self, entity: dict[str, Any], default_store_id: int = 1, *, given: bool = False) -> dict[str, Any]:
        """Save a new order from a full order entity, as ``OrderRepository::save`` does.

        The repository persists what it is given: no product, salability or stock check and no MSI
        reservation (those belong to checkout, :mod:`simulators.magento.checkout`). An item's SKU need
        not exist in the catalog; a catalog product only fills in what the item leaves out (name,
        price, product ID, weight). What is refused is what Magento's input processor and the save
        itself refuse: wrong types and missing required fields (first), then an unknown store, an
        order number in use, a customer of another website. The order shares nothing with ``entity``, which is
        copied first unless ``given`` (a request's decoded body, which nothing else holds).
        """
        if entity.get("entity_id") not in (None, "", 0):
            return self.update(entity)
        new = parse_new_order(
            entity if given else entities.private_copy(entity), default_store_id, self.statuses, self.catalog
        )
        self._check_new(new)
        return self._write_new(new)

    def _check_new(self, new: NewOrder) -> None:
        """Refuse what the stored state refuses: an unknown store, an order number in use, another website's
        customer."""
        store = self.stores.view_by_id(new.store_id)
        if new.increment_id and self.ids_for("increment_id", new.increment_id):
            raise bad_request(e.INCREMENT_ID_IN_USE, [new.increment_id])
        if new.customer is not None:
            customer = self.customers.get(new.customer)
            if customer["website_id"] != store.website_id:
                raise e.not_found(e.NO_SUCH_ENTITY, {"fieldName": "customerId", "fieldValue": new.customer_id})

    def _write_new(self, new: NewOrder) -> dict[str, Any]:
        entity_id = self._next("order")
        order = build_order(
            new,
            entity_id=entity_id,
            increment_id=new.increment_id or self._increment("order", new.store_id),
            store_name=self.stores.purchase_point(new.store_id),
            now=self._stamp(),
            next_id=self._next,
        )
        self._save(order)
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
        if given not in (None, ""):
            order["increment_id"] = str(given)
        if "ext_order_id" in entity:
            order["ext_order_id"] = entity["ext_order_id"]
        if status is not None:
            order["status"] = str(status)
        order["updated_at"] = self._stamp()
        self._save(order)
        return order

    # -- comments ------------------------------------------------------------------------------------
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
        now = self._stamp()
        entry = history_entry(order, self._next("history"), comment, order["status"], now, flags)
        order["status_histories"].insert(0, entry)
        order["updated_at"] = now
        self._save(order)
        return entry

    # -- documents -----------------------------------------------------------------------------------
    def invoice(
        self, entity_id: int, items: Any = None, *, comment: str | None = None, api: bool = True
    ) -> dict[str, Any]:
        """Create and capture an invoice; returns it. Refused as ``InvoiceOrder`` refuses."""
        order = self.order(entity_id)
        quantities = self._invoice_quantities(order, items)
        return self._write_invoice(order, quantities, comment=comment, api=api)

    def _invoice_quantities(self, order: dict[str, Any], items: Any) -> dict[int, Decimal]:
        """What to invoice per item, or ``InvoiceOrder``'s refusal listing each validator message once."""
        if order["state"] in {"payment_review", "holded", "canceled", "complete", "closed"}:
            raise document_errors(e.INVOICE_ERRORS, [e.render(e.INVOICE_STATUS, [order["status"]])])
        if not self.can_invoice(order):
            raise document_errors(e.INVOICE_ERRORS, [e.CANNOT_INVOICE])
        quantities, problems = requested_quantities(
            order, items, to_invoice, {"unknown": e.INVOICE_UNKNOWN_ITEM, "qty": e.INVOICE_QTY}
        )
        if not quantities:
            problems.append(e.INVOICE_NO_ITEMS)
        if problems:
            raise document_errors(e.INVOICE_ERRORS, list(dict.fromkeys(problems)))
        return quantities

    def _write_invoice(
        self, order: dict[str, Any], quantities: dict[int, Decimal], *, comment: str | None, api: bool
    ) -> dict[str, Any]:
        first = not self.documents("invoice", order["entity_id"])
        by_id = {i["item_id"]: i for i in order["items"]}
        lines, subtotal, tax = [], ZERO, ZERO
        for item_id, qty in quantities.items():
            line, row, item_tax = self._invoice_item(by_id[item_id], qty)
            subtotal, tax = subtotal + row, tax + item_tax
            lines.append(line)
        shipping = d(order["shipping_amount"]) if first else ZERO
        amount = subtotal + tax + shipping
        if not self.can_invoice(order):  # this invoice completes the order: it takes what is left of the total
            amount = d(order["grand_total"]) - d(order["total_invoiced"])
        invoice_id = self._next("invoice")
        document = documents.invoice_document(
            order,
            invoice_id=invoice_id,
            increment_id=self._increment("invoice", order["store_id"]),
            lines=[{**line, "entity_id": self._next("invoice_item"), "parent_id": invoice_id} for line in lines],
            amounts={
                "subtotal": subtotal,
                "tax": tax,
                "shipping": shipping,
                "grand_total": amount,
                "total_qty": sum(quantities.values(), ZERO),
            },
            comment=comment,
            now=self._stamp(),
        )
        self._attach("invoice", document)
        for key in ("total_invoiced", "base_total_invoiced", "total_paid", "base_total_paid"):
            order[key] = float(d(order.get(key)) + amount)
        order["shipping_invoiced"] = float(d(order["shipping_invoiced"]) + shipping)
        order["payment"]["amount_paid"] = order["total_paid"]
        self._settle(order, api=api)
        self._save(order)
        return document

    @staticmethod
    def _invoice_item(item: dict[str, Any], qty: Decimal) -> tuple[dict[str, Any], Decimal, Decimal]:
        """Invoice ``qty`` of an item (the last of it takes the tax left); the invoice's line, its row and tax."""
        if to_invoice(item) == qty:
            tax = d(item["tax_amount"]) - d(item["tax_invoiced"])
        else:
            tax = money(d(item["tax_amount"]) * qty / d(item["qty_ordered"]))
        row = money(d(item["price"]) * qty)
        item["qty_invoiced"] = float(d(item["qty_invoiced"]) + qty)
        item["tax_invoiced"] = float(d(item["tax_invoiced"]) + tax)
        item["row_invoiced"] = float(d(item["row_invoiced"]) + row)
        return entities.document_line(item, qty, row, tax), row, tax

    def ship(
        self, entity_id: int, items: Any = None, tracks: Any = None, *, comment: str | None = None, api: bool = True
    ) -> dict[str, Any]:
        """Create a shipment (deducting source stock); returns it. Refused as ``ShipOrder`` refuses."""
        order = self.order(entity_id)
        quantities = self._ship_quantities(order, items)
        track_rows = entities.tracks(tracks)
        self._take_shipped_stock(order, quantities)
        return self._write_shipment(order, quantities, track_rows, comment=comment, api=api)

    def _ship_quantities(self, order: dict[str, Any], items: Any) -> dict[int, Decimal]:
        """What to ship per item (more than is open: what is open), or ``ShipOrder``'s refusal."""
        if order["state"] in {"payment_review", "holded", "canceled"}:
            raise document_errors(e.SHIP_ERRORS, [e.render(e.SHIP_STATUS, [order["status"]])])
        if not self.can_ship(order):
            raise document_errors(e.SHIP_ERRORS, [e.CANNOT_SHIP])
        quantities, problems = requested_quantities(
            order, items, to_ship, {"unknown": e.SHIP_UNKNOWN_ITEM, "qty": e.SHIP_QTY}, cap=True
        )
        if not quantities:
            problems.append(e.SHIP_NO_ITEMS)
        if problems:
            raise document_errors(e.SHIP_ERRORS, problems)
        return quantities

    def _take_shipped_stock(self, order: dict[str, Any], quantities: dict[int, Decimal]) -> None:
        """Deduct the shipped quantities from their sources (refused, writing nothing, when one would go
        negative) and compensate the order's reservation; an FBA order touches no stock."""
        if self.is_afn(order):
            return
        by_id = {i["item_id"]: i for i in order["items"]}
        deductions: dict[str, Decimal] = {}
        for item_id, qty in quantities.items():
            sku = by_id[item_id]["sku"]
            deductions[sku] = deductions.get(sku, ZERO) + qty
        self.catalog.deduct(deductions)
        for sku, qty in deductions.items():
            stock = self.catalog.stock.get(sku)
            if stock is not None and stock.manage_stock:
                self.catalog.reserve(sku, qty, entities.reservation_meta("shipment_created", order))

    def _write_shipment(
        self,
        order: dict[str, Any],
        quantities: dict[int, Decimal],
        track_rows: list[dict[str, Any]],
        *,
        comment: str | None,
        api: bool,
    ) -> dict[str, Any]:
        shipment_id = self._next("shipment")
        now = self._stamp()
        by_id = {i["item_id"]: i for i in order["items"]}
        lines = []
        for item_id, qty in quantities.items():
            item = by_id[item_id]
            item["qty_shipped"] = float(d(item["qty_shipped"]) + qty)
            line = entities.document_line(item, qty, money(d(item["price"]) * qty), ZERO)
            lines.append({**line, "entity_id": self._next("shipment_item"), "parent_id": shipment_id})
        document = documents.shipment_document(
            order,
            shipment_id=shipment_id,
            increment_id=self._increment("shipment", order["store_id"]),
            lines=lines,
            tracks=[
                documents.track(
                    row, track_id=self._next("track"), order_id=order["entity_id"], shipment_id=shipment_id, now=now
                )
                for row in track_rows
            ],
            total_qty=sum(quantities.values(), ZERO),
            comment=comment,
            now=now,
        )
        self._attach("shipment", document)
        self._settle(order, api=api)
        self._save(order)
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
        credit_memos.refusal(order, self.can_creditmemo(order))
        request = credit_memos.parse_refund(order, items, arguments)
        plan = credit_memos.plan_refund(order, request)
        return self._write_refund(order, plan, comment=comment, api=api)

    def _write_refund(
        self, order: dict[str, Any], plan: credit_memos.RefundPlan, *, comment: str | None, api: bool
    ) -> dict[str, Any]:
        request = plan.request
        now = self._stamp()
        memo_id = self._next("creditmemo")
        lines = [self._refund_line(order, memo_id, line, request.restock) for line in plan.lines]
        left_nothing = all(to_refund(i) == 0 for i in order["items"]) and request.shipping == request.shipping_left
        if left_nothing and not request.negative + request.positive:
            plan.amount = plan.available  # the last credit memo refunds whatever is left of what was paid
        document = credit_memos.memo_document(
            order,
            plan,
            memo_id=memo_id,
            increment_id=self._increment("creditmemo", order["store_id"]),
            invoice_id=(self.documents("invoice", order["entity_id"]) or [{}])[-1].get("entity_id"),
            lines=lines,
            comments=[entities.document_comment(memo_id, comment, now)] if comment else [],
            now=now,
        )
        self._attach("creditmemo", document)
        for key in ("total_refunded", "base_total_refunded"):
            order[key] = float(d(order.get(key)) + plan.amount)
        order["shipping_refunded"] = float(d(order["shipping_refunded"]) + request.shipping)
        order["payment"]["amount_refunded"] = order["total_refunded"]
        self._settle(order, api=api, in_progress=False)
        self._save(order)
        return document

    def _refund_line(
        self, order: dict[str, Any], memo_id: int, line: credit_memos.MemoLine, restock: set[int]
    ) -> dict[str, Any]:
        """Refund a line's item (what is no longer to ship leaves the reservation; listed items go back to
        stock); returns the credit memo's line."""
        item, qty = line.item, line.qty
        open_before = to_ship(item)
        item["qty_refunded"] = float(d(item["qty_refunded"]) + qty)
        item["amount_refunded"] = float(d(item["amount_refunded"]) + line.row)
        item["tax_refunded"] = float(d(item["tax_refunded"]) + line.tax)
        released = open_before - to_ship(item)
        stock = self.catalog.stock.get(item["sku"])
        if not self.is_afn(order) and stock is not None and stock.manage_stock:
            if released > 0:
                self.catalog.reserve(item["sku"], released, entities.reservation_meta("creditmemo_created", order))
            if item["item_id"] in restock and qty - released > 0:
                self.catalog.restock(item["sku"], qty - released)
        return {
            **entities.document_line(item, qty, line.row, line.tax),
            "entity_id": self._next("creditmemo_item"),
            "parent_id": memo_id,
            "base_cost": 0.0,
            "back_to_stock": item["item_id"] in restock,
        }

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
        self._save(order)
        return True

    def hold(self, entity_id: int) -> bool:
        order = self.order(entity_id)
        if not self.can_hold(order):
            raise bad_request(e.CANNOT_HOLD)
        order["hold_before_state"], order["hold_before_status"] = order["state"], order["status"]
        self._set_state(order, "holded")
        order["updated_at"] = self._stamp()
        self._save(order)
        return True

    def unhold(self, entity_id: int) -> bool:
        order = self.order(entity_id)
        if not self.can_unhold(order):
            raise bad_request(e.CANNOT_UNHOLD)
        order["state"], order["status"] = order.pop("hold_before_state"), order.pop("hold_before_status")
        order["updated_at"] = self._stamp()
        self._save(order)
        return True

    # -- the admin's order grid ---------------------------------------------------------------------------
    def grid(self, store_id: int | None = None) -> list[GridRow]:
        """Sales > Orders as the admin shows it, newest first."""
        rows = []
        for entity_id in reversed(self.orders):
            order = self.orders[entity_id]
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


__all__ = ["GridRow", "MagentoError", "OrderBook", "d", "money", "to_invoice", "to_refund", "to_ship"]
