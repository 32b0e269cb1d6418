"""The fake Magento's state and rules: stores, catalog, stock with MSI reservations, orders, messages.

Free of HTTP. Orders are kept as Magento's order entity (dicts shaped like the REST payload) so
the wire layer can return them as they are; indexes make look-ups by increment ID, ext_order_id
and payment po_number cost the same however many orders are stored.
"""

from __future__ import annotations

import copy
import secrets
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from simulators.clock import SimClock
from simulators.magento.errors import (
    CANNOT_CANCEL,
    CANNOT_INVOICE,
    CANNOT_SHIP,
    PRODUCT_NOT_AVAILABLE,
    PRODUCT_NOT_FOUND,
    QTY_NOT_AVAILABLE,
    MagentoError,
    bad_request,
    not_found,
)

STATUS_STATES: dict[str, str] = {
    "pending": "new",
    "processing": "processing",
    "complete": "complete",
    "closed": "closed",
    "canceled": "canceled",
    "holded": "holded",
    "fraud": "processing",
    "payment_review": "payment_review",
}
ENABLED, DISABLED = 1, 2


@dataclass
class Product:
    """A simple product of the catalog."""

    id: int
    sku: str
    name: str
    price: Decimal
    status: int = ENABLED
    visibility: int = 4


@dataclass
class StockItem:
    """Legacy stock item of the default source; salable quantity adds MSI reservations."""

    qty: Decimal
    is_in_stock: bool = True
    manage_stock: bool = True
    min_qty: Decimal = Decimal("0")


@dataclass
class SystemMessage:
    identity: str
    severity: int
    text: str
    created_at: str


@dataclass
class Store:
    website_id: int
    website_code: str
    group_id: int
    store_id: int
    store_code: str
    name: str


@dataclass
class MagentoModel:
    """All Magento state of one namespace."""

    clock: SimClock
    stores: list[Store] = field(default_factory=list)
    products: dict[str, Product] = field(default_factory=dict)
    stock: dict[str, StockItem] = field(default_factory=dict)
    reservations: list[tuple[str, Decimal, str]] = field(default_factory=list)
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, SystemMessage] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=lambda: dict(STATUS_STATES))
    admins: dict[str, str] = field(default_factory=lambda: {"admin": "admin123"})
    tokens: set[str] = field(default_factory=set)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _index: dict[str, dict[str, set[int]]] = field(default_factory=dict)
    _sequence: dict[int, int] = field(default_factory=dict)
    _ids: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.stores:
            self.stores.append(Store(1, "base", 1, 1, "default", "Default Store View"))

    def _next(self, kind: str) -> int:
        self._ids[kind] = self._ids.get(kind, 0) + 1
        return self._ids[kind]

    def _stamp(self) -> str:
        return self.clock.now().strftime("%Y-%m-%d %H:%M:%S")

    # -- stores ------------------------------------------------------------------------------------
    def add_store_view(self, code: str, name: str, website_code: str = "base") -> Store:
        """Add a store view (and its website and group when the website is new)."""
        if any(s.store_code == code for s in self.stores):
            raise ValueError(f"store view {code!r} already exists")
        site = next((s for s in self.stores if s.website_code == website_code), None)
        website_id = site.website_id if site else max(s.website_id for s in self.stores) + 1
        group_id = site.group_id if site else max(s.group_id for s in self.stores) + 1
        store = Store(website_id, website_code, group_id, max(s.store_id for s in self.stores) + 1, code, name)
        self.stores.append(store)
        return store

    def store_by_code(self, code: str) -> Store:
        for store in self.stores:
            if store.store_code == code:
                return store
        raise KeyError(f"no store view {code!r}")

    def store_by_id(self, store_id: int) -> Store:
        for store in self.stores:
            if store.store_id == store_id:
                return store
        raise bad_request("The store that was requested wasn't found. Verify the store and try again.")

    # -- auth --------------------------------------------------------------------------------------
    def admin_token(self, username: str, password: str) -> str:
        if self.admins.get(username) != password:
            raise MagentoError(
                401,
                "The account sign-in was incorrect or your account is disabled temporarily. "
                "Please wait and try again later.",
            )
        token = secrets.token_hex(16)
        self.tokens.add(token)
        return token

    # -- catalog and stock ---------------------------------------------------------------------
    def create_product(
        self,
        sku: str,
        *,
        name: str | None = None,
        price: Any = "19.99",
        qty: Any = 100,
        enabled: bool = True,
        manage_stock: bool = True,
        is_in_stock: bool | None = None,
    ) -> Product:
        """Create (or replace) a simple product with its stock."""
        with self._lock:
            existing = self.products.get(sku)
            product = Product(
                id=existing.id if existing else self._next("product"),
                sku=sku,
                name=name or sku,
                price=Decimal(str(price)),
                status=ENABLED if enabled else DISABLED,
            )
            self.products[sku] = product
            quantity = Decimal(str(qty))
            self.stock[sku] = StockItem(
                qty=quantity,
                is_in_stock=(quantity > 0) if is_in_stock is None else is_in_stock,
                manage_stock=manage_stock,
            )
            return product

    def product(self, sku: str) -> Product:
        product = self.products.get(sku)
        if product is None:
            raise MagentoError(404, PRODUCT_NOT_FOUND)
        return product

    def set_product_status(self, sku: str, enabled: bool) -> Product:
        with self._lock:
            product = self.product(sku)
            product.status = ENABLED if enabled else DISABLED
            return product

    def delete_product(self, sku: str) -> None:
        with self._lock:
            self.product(sku)
            del self.products[sku]
            self.stock.pop(sku, None)

    def set_stock(
        self, sku: str, qty: Any, *, is_in_stock: bool | None = None, manage_stock: bool | None = None
    ) -> StockItem:
        """Set the source quantity (never negative) and the stock flags."""
        with self._lock:
            self.product(sku)
            quantity = Decimal(str(qty))
            if quantity < 0:
                raise bad_request("The quantity must not be negative.")
            item = self.stock.setdefault(sku, StockItem(qty=quantity))
            item.qty = quantity
            item.is_in_stock = (quantity > item.min_qty) if is_in_stock is None else is_in_stock
            if manage_stock is not None:
                item.manage_stock = manage_stock
            return item

    def reserved(self, sku: str) -> Decimal:
        return sum((q for s, q, _ in self.reservations if s == sku), Decimal("0"))

    def salable_qty(self, sku: str) -> Decimal:
        """qty + reservations (negative for orders not yet shipped) - min_qty, as MSI computes it."""
        item = self.stock.get(sku)
        if item is None or not item.is_in_stock:
            return Decimal("0")
        return item.qty + self.reserved(sku) - item.min_qty

    def is_salable(self, sku: str, qty: Decimal = Decimal("1")) -> bool:
        product = self.products.get(sku)
        if product is None or product.status != ENABLED:
            return False
        item = self.stock.get(sku)
        if item is None:
            return False
        if not item.manage_stock:
            return True
        return item.is_in_stock and self.salable_qty(sku) >= qty

    def reserve(self, sku: str, qty: Decimal, reason: str) -> None:
        """Add an MSI reservation (negative holds stock back, positive releases it)."""
        with self._lock:
            if qty:
                self.reservations.append((sku, qty, reason))

    # -- orders ------------------------------------------------------------------------------------
    def _indexed(self, order: dict[str, Any]) -> None:
        keys = {
            "increment_id": order.get("increment_id"),
            "ext_order_id": order.get("ext_order_id"),
            "po_number": (order.get("payment") or {}).get("po_number"),
        }
        for name, value in keys.items():
            if value not in (None, ""):
                self._index.setdefault(name, {}).setdefault(str(value), set()).add(order["entity_id"])

    def find(self, field_name: str, value: str) -> list[dict[str, Any]]:
        """Orders whose indexed field equals ``value`` (increment_id, ext_order_id, po_number)."""
        ids = self._index.get(field_name, {}).get(str(value), set())
        return [self.orders[i] for i in sorted(ids)]

    def place_order(self, entity: dict[str, Any], default_store_id: int = 1) -> dict[str, Any]:
        """Create an order from a full order entity, refusing products that are missing or not salable.

        Items of an order whose ``extension_attributes.amazon_fulfillment_channel`` is ``AFN`` are
        fulfilled from Amazon's stock: they are neither checked for salability nor reserved.
        """
        with self._lock:
            items = entity.get("items")
            if not isinstance(items, list) or not items:
                raise bad_request('"%fieldName" is required. Enter and try again.', {"fieldName": "items"})
            afn = (entity.get("extension_attributes") or {}).get("amazon_fulfillment_channel") == "AFN"
            store = self.store_by_id(int(entity.get("store_id") or default_store_id))
            status = str(entity.get("status") or "pending")
            state = str(entity.get("state") or self.statuses.get(status, "new"))
            if self.statuses.get(status) not in (state, None) or status not in self.statuses:
                raise bad_request(f'The "{status}" status is not assigned to the "{state}" state.')
            increment_id = str(entity.get("increment_id") or "")
            if increment_id and self.find("increment_id", increment_id):
                raise bad_request(f'The order number "{increment_id}" is already in use.')
            lines: list[dict[str, Any]] = []
            wanted: dict[str, Decimal] = {}
            for raw in items:
                if not isinstance(raw, dict) or not raw.get("sku"):
                    raise bad_request('"%fieldName" is required. Enter and try again.', {"fieldName": "sku"})
                sku = str(raw["sku"])
                qty = Decimal(str(raw.get("qty_ordered", 1)))
                if qty <= 0:
                    raise bad_request("The qty_ordered must be greater than 0.")
                product = self.product(sku)
                if not afn and product.status != ENABLED:
                    raise bad_request(PRODUCT_NOT_AVAILABLE, {"sku": sku})
                wanted[sku] = wanted.get(sku, Decimal("0")) + qty
                lines.append({"raw": raw, "product": product, "qty": qty})
            if not afn:
                for sku, qty in wanted.items():
                    if not self.is_salable(sku, qty):
                        raise bad_request(QTY_NOT_AVAILABLE, {"sku": sku})
            entity_id = self._next("order")
            if not increment_id:
                seq = self._sequence.get(store.store_id, 0) + 1
                self._sequence[store.store_id] = seq
                increment_id = f"{store.store_id}{seq:08d}"
            now = self._stamp()
            order_items = []
            for line in lines:
                raw, product, qty = line["raw"], line["product"], line["qty"]
                price = Decimal(str(raw.get("price", product.price)))
                tax = Decimal(str(raw.get("tax_amount", 0)))
                order_items.append(
                    {
                        "item_id": self._next("order_item"),
                        "order_id": entity_id,
                        "sku": product.sku,
                        "name": raw.get("name") or product.name,
                        "product_id": product.id,
                        "product_type": "simple",
                        "qty_ordered": float(qty),
                        "qty_invoiced": 0.0,
                        "qty_shipped": 0.0,
                        "qty_canceled": 0.0,
                        "qty_refunded": 0.0,
                        "price": float(price),
                        "base_price": float(price),
                        "row_total": float(price * qty),
                        "tax_amount": float(tax),
                        "store_id": store.store_id,
                        "created_at": now,
                    }
                )
            subtotal = sum(Decimal(str(i["row_total"])) for i in order_items)
            tax_total = sum(Decimal(str(i["tax_amount"])) for i in order_items)
            grand = Decimal(str(entity.get("grand_total", subtotal + tax_total)))
            order = copy.deepcopy({k: v for k, v in entity.items() if k != "items"})
            order.update(
                {
                    "entity_id": entity_id,
                    "increment_id": increment_id,
                    "store_id": store.store_id,
                    "state": state,
                    "status": status,
                    "items": order_items,
                    "subtotal": float(subtotal),
                    "base_subtotal": float(subtotal),
                    "tax_amount": float(tax_total),
                    "grand_total": float(grand),
                    "base_grand_total": float(grand),
                    "total_qty_ordered": float(sum(wanted.values(), Decimal("0"))),
                    "created_at": now,
                    "updated_at": now,
                    "status_histories": list(entity.get("status_histories") or []),
                }
            )
            order.setdefault("customer_is_guest", 1)
            order.setdefault("order_currency_code", "USD")
            order.setdefault("payment", {"method": "checkmo"})
            order["invoices"], order["shipments"], order["creditmemos"] = [], [], []
            self.orders[entity_id] = order
            self._indexed(order)
            if not afn:
                for sku, qty in wanted.items():
                    if self.stock[sku].manage_stock:
                        self.reserve(sku, -qty, f"order_placed:{increment_id}")
            return order

    def order(self, entity_id: int) -> dict[str, Any]:
        order = self.orders.get(int(entity_id))
        if order is None:
            raise not_found()
        return order

    def _afn(self, order: dict[str, Any]) -> bool:
        return (order.get("extension_attributes") or {}).get("amazon_fulfillment_channel") == "AFN"

    def _settle(self, order: dict[str, Any]) -> None:
        """Magento's automatic transitions after an invoice, shipment or refund."""
        items = order["items"]
        if order["state"] in {"canceled", "closed", "holded"}:
            return
        refunded = all(i["qty_refunded"] >= i["qty_ordered"] - i["qty_canceled"] for i in items)
        if refunded and any(i["qty_refunded"] for i in items):
            order["state"] = order["status"] = "closed"
            return
        invoiced = all(i["qty_invoiced"] >= i["qty_ordered"] - i["qty_canceled"] for i in items)
        shipped = all(i["qty_shipped"] >= i["qty_ordered"] - i["qty_canceled"] for i in items)
        if invoiced and shipped:
            order["state"] = order["status"] = "complete"
        elif order["state"] == "new" and (
            any(i["qty_invoiced"] for i in items) or any(i["qty_shipped"] for i in items)
        ):
            order["state"] = order["status"] = "processing"

    def _quantities(
        self, order: dict[str, Any], requested: list[dict[str, Any]] | None, done: str
    ) -> dict[int, Decimal]:
        open_qty = {i["item_id"]: Decimal(str(i["qty_ordered"] - i["qty_canceled"] - i[done])) for i in order["items"]}
        if not requested:
            return {k: v for k, v in open_qty.items() if v > 0}
        out: dict[int, Decimal] = {}
        for entry in requested:
            item_id = int(entry.get("order_item_id", 0))
            qty = Decimal(str(entry.get("qty", 0)))
            if item_id not in open_qty:
                raise bad_request(f'The "{item_id}" order item doesn\'t exist.')
            if qty < 0 or qty > open_qty[item_id]:
                raise bad_request(f"The quantity to process for item {item_id} is not valid.")
            if qty:
                out[item_id] = out.get(item_id, Decimal("0")) + qty
        return out

    def ship(
        self, entity_id: int, items: list[dict[str, Any]] | None = None, tracks: list[dict[str, Any]] | None = None
    ) -> int:
        """Create a shipment (deducting source stock); returns the shipment ID."""
        with self._lock:
            order = self.order(entity_id)
            if order["state"] in {"canceled", "closed", "holded", "complete", "payment_review"}:
                raise bad_request(CANNOT_SHIP)
            quantities = self._quantities(order, items, "qty_shipped")
            if not quantities:
                raise bad_request(CANNOT_SHIP)
            shipment_id = self._next("shipment")
            by_id = {i["item_id"]: i for i in order["items"]}
            for item_id, qty in quantities.items():
                line = by_id[item_id]
                line["qty_shipped"] = float(Decimal(str(line["qty_shipped"])) + qty)
                stock = self.stock.get(line["sku"])
                if stock is not None and stock.manage_stock and not self._afn(order):
                    stock.qty = max(Decimal("0"), stock.qty - qty)
                    self.reserve(line["sku"], qty, f"shipment_created:{order['increment_id']}")
            order["shipments"].append(
                {
                    "entity_id": shipment_id,
                    "order_id": order["entity_id"],
                    "increment_id": f"{order['store_id']}{shipment_id:08d}",
                    "items": [
                        {"order_item_id": k, "qty": float(v), "sku": by_id[k]["sku"]} for k, v in quantities.items()
                    ],
                    "tracks": [
                        {
                            "track_number": str(t.get("track_number", "")),
                            "title": str(t.get("title", "")),
                            "carrier_code": str(t.get("carrier_code", "")),
                            "order_id": order["entity_id"],
                            "parent_id": shipment_id,
                        }
                        for t in (tracks or [])
                    ],
                    "created_at": self._stamp(),
                }
            )
            self._settle(order)
            order["updated_at"] = self._stamp()
            return shipment_id

    def invoice(self, entity_id: int, items: list[dict[str, Any]] | None = None) -> int:
        """Create (and capture) an invoice; returns the invoice ID."""
        with self._lock:
            order = self.order(entity_id)
            if order["state"] in {"canceled", "closed", "holded", "payment_review"}:
                raise bad_request(CANNOT_INVOICE)
            quantities = self._quantities(order, items, "qty_invoiced")
            if not quantities:
                raise bad_request(CANNOT_INVOICE)
            invoice_id = self._next("invoice")
            by_id = {i["item_id"]: i for i in order["items"]}
            for item_id, qty in quantities.items():
                by_id[item_id]["qty_invoiced"] = float(Decimal(str(by_id[item_id]["qty_invoiced"])) + qty)
            order["invoices"].append({"entity_id": invoice_id, "order_id": order["entity_id"], "state": 2})
            self._settle(order)
            order["updated_at"] = self._stamp()
            return invoice_id

    def cancel(self, entity_id: int) -> bool:
        """Cancel what is not invoiced or shipped, releasing its reservations."""
        with self._lock:
            order = self.order(entity_id)
            items = order["items"]
            fully_done = all(
                i["qty_invoiced"] >= i["qty_ordered"] or i["qty_shipped"] >= i["qty_ordered"] for i in items
            )
            if order["state"] in {"canceled", "closed", "complete", "holded", "payment_review"} or fully_done:
                raise bad_request(CANNOT_CANCEL)
            for line in items:
                open_qty = Decimal(str(line["qty_ordered"])) - Decimal(
                    str(max(line["qty_shipped"], line["qty_invoiced"]))
                )
                line["qty_canceled"] = float(open_qty)
                stock = self.stock.get(line["sku"])
                if open_qty > 0 and stock is not None and stock.manage_stock and not self._afn(order):
                    self.reserve(line["sku"], open_qty, f"order_canceled:{order['increment_id']}")
            order["state"] = order["status"] = "canceled"
            order["updated_at"] = self._stamp()
            return True

    def add_comment(self, entity_id: int, comment: str, status: str | None = None) -> dict[str, Any]:
        with self._lock:
            order = self.order(entity_id)
            entry = {
                "comment": comment,
                "created_at": self._stamp(),
                "entity_id": self._next("history"),
                "parent_id": order["entity_id"],
                "status": status or order["status"],
                "is_customer_notified": 0,
                "is_visible_on_front": 0,
            }
            order["status_histories"].insert(0, entry)
            return entry

    # -- admin system messages -----------------------------------------------------------------------
    def raise_message(self, identity: str, text: str, severity: int = 2) -> SystemMessage:
        with self._lock:
            message = SystemMessage(identity, severity, text, self._stamp())
            self.messages[identity] = message
            return message

    def clear_message(self, identity: str) -> bool:
        with self._lock:
            return self.messages.pop(identity, None) is not None

    def system_messages(self) -> list[SystemMessage]:
        """The messages the admin sees at the top of every page, most severe first."""
        return sorted(self.messages.values(), key=lambda m: (m.severity, m.identity))

    # -- what a QA engineer reads ------------------------------------------------------------------
    def orders_for_amazon_id(self, amazon_order_id: str) -> list[dict[str, Any]]:
        """Every Magento order that records this Amazon order ID (ext_order_id or po_number)."""
        ids = {o["entity_id"] for o in self.find("ext_order_id", amazon_order_id)}
        ids |= {o["entity_id"] for o in self.find("po_number", amazon_order_id)}
        return [self.orders[i] for i in sorted(ids)]
