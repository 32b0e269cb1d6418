"""The catalog of simple products and their stock, with MSI reservations.

Stock follows Magento's Multi-Source Inventory on the default source and stock (ID 1): the
source quantity (``qty``) only changes when the merchant sets it or a shipment deducts it;
placing an order appends a negative reservation, shipping or canceling appends the compensating
positive one. Salable quantity = qty + sum(reservations) - min_qty, or 0 when out of stock.
Managed stock never goes below zero: a deduction that would is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from simulators.clock import SimClock
from simulators.magento.errors import (
    FIELD_EMPTY,
    NEGATIVE_QTY,
    NOT_ENOUGH_SOURCE_QTY,
    PRODUCT_NOT_FOUND,
    bad_request,
    invalid_type,
    not_found,
)

ENABLED, DISABLED = 1, 2
VISIBILITY = {1: "Not Visible Individually", 2: "Catalog", 3: "Search", 4: "Catalog, Search"}
DEFAULT_STOCK_ID = 1
ZERO = Decimal("0")


def decimal(value: Any, expected: str = "float") -> Decimal:
    """A finite number from JSON or Python input; Magento's type error otherwise."""
    if isinstance(value, bool) or value is None:
        raise invalid_type(value, expected)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as err:
        raise invalid_type(value, expected) from err
    if not number.is_finite():
        raise invalid_type(value, expected)
    return number


@dataclass
class Product:
    """A simple product of the catalog."""

    id: int
    sku: str
    name: str
    price: Decimal
    status: int = ENABLED
    visibility: int = 4
    created_at: str = ""
    updated_at: str = ""
    weight: Decimal = ZERO

    @property
    def enabled(self) -> bool:
        return self.status == ENABLED


@dataclass
class StockItem:
    """Legacy stock item of the default source; salable quantity adds MSI reservations."""

    qty: Decimal
    is_in_stock: bool = True
    manage_stock: bool = True
    min_qty: Decimal = ZERO


@dataclass(frozen=True)
class Reservation:
    """One MSI reservation: a signed quantity on a stock, with Magento's JSON metadata."""

    reservation_id: int
    stock_id: int
    sku: str
    quantity: Decimal
    metadata: str


@dataclass
class Catalog:
    """Products by SKU, their stock items and the reservation ledger."""

    clock: SimClock
    products: dict[str, Product] = field(default_factory=dict)
    stock: dict[str, StockItem] = field(default_factory=dict)
    reservations: list[Reservation] = field(default_factory=list)
    _reserved: dict[str, Decimal] = field(default_factory=dict)
    _next_product: int = 0

    def _stamp(self) -> str:
        return self.clock.now().strftime("%Y-%m-%d %H:%M:%S")

    # -- products ------------------------------------------------------------------------------------
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
        visibility: int = 4,
        min_qty: Any = 0,
    ) -> Product:
        """Create (or replace) a simple product with its stock."""
        if not sku or len(sku) > 64:
            raise bad_request(
                FIELD_EMPTY if not sku else "SKU length should be 64 characters maximum.", {"field": "sku"}
            )
        quantity, minimum, amount = decimal(qty), decimal(min_qty), decimal(price)
        if amount < 0:
            raise bad_request('The "price" value must be greater than or equal to 0.')
        if manage_stock and quantity < 0:
            raise bad_request(NEGATIVE_QTY)
        if visibility not in VISIBILITY:
            raise bad_request(
                'Invalid value of "%value" provided for the %fieldName field.',
                {"value": visibility, "fieldName": "visibility"},
            )
        existing = self.products.get(sku)
        if existing is None:
            self._next_product += 1
        now = self._stamp()
        product = Product(
            id=existing.id if existing else self._next_product,
            sku=sku,
            name=name or sku,
            price=amount,
            status=ENABLED if enabled else DISABLED,
            visibility=visibility,
            created_at=existing.created_at if existing else now,
            updated_at=now,
        )
        self.products[sku] = product
        self.stock[sku] = StockItem(
            qty=quantity,
            is_in_stock=(quantity > minimum) if is_in_stock is None else bool(is_in_stock),
            manage_stock=manage_stock,
            min_qty=minimum,
        )
        return product

    def product(self, sku: str) -> Product:
        """The product, or Magento's 404."""
        product = self.products.get(sku)
        if product is None:
            raise not_found(PRODUCT_NOT_FOUND)
        return product

    def set_product_status(self, sku: str, enabled: bool) -> Product:
        product = self.product(sku)
        product.status = ENABLED if enabled else DISABLED
        product.updated_at = self._stamp()
        return product

    def update_product(self, sku: str, fields: dict[str, Any]) -> Product:
        """Change name, price, status or visibility (validated together before any change)."""
        product = self.product(sku)
        changes: dict[str, Any] = {}
        if "name" in fields:
            if not isinstance(fields["name"], str) or not fields["name"].strip():
                raise bad_request(FIELD_EMPTY, {"field": "name"})
            changes["name"] = fields["name"]
        if "price" in fields:
            changes["price"] = decimal(fields["price"])
            if changes["price"] < 0:
                raise bad_request('The "price" value must be greater than or equal to 0.')
        for key, allowed in (("status", (ENABLED, DISABLED)), ("visibility", tuple(VISIBILITY))):
            if key in fields:
                value = fields[key]
                if isinstance(value, bool) or not isinstance(value, int | str) or str(value) not in map(str, allowed):
                    raise bad_request(
                        'Invalid value of "%value" provided for the %fieldName field.',
                        {"value": value, "fieldName": key},
                    )
                changes[key] = int(value)
        for key, value in changes.items():
            setattr(product, key, value)
        product.updated_at = self._stamp()
        return product

    def delete_product(self, sku: str) -> None:
        self.product(sku)
        del self.products[sku]
        self.stock.pop(sku, None)

    # -- stock ---------------------------------------------------------------------------------------
    def set_stock(
        self,
        sku: str,
        qty: Any = None,
        *,
        is_in_stock: bool | None = None,
        manage_stock: bool | None = None,
        min_qty: Any = None,
    ) -> StockItem:
        """Set the source quantity and the stock flags (managed stock is never negative)."""
        self.product(sku)
        item = self.stock.get(sku) or StockItem(qty=ZERO)
        quantity = item.qty if qty is None else decimal(qty)
        minimum = item.min_qty if min_qty is None else decimal(min_qty)
        managed = item.manage_stock if manage_stock is None else bool(manage_stock)
        if managed and quantity < 0:
            raise bad_request(NEGATIVE_QTY)
        item.qty, item.min_qty, item.manage_stock = quantity, minimum, managed
        item.is_in_stock = (quantity > minimum) if is_in_stock is None else bool(is_in_stock)
        self.stock[sku] = item
        return item

    def deduct(self, deductions: dict[str, Decimal]) -> None:
        """Take shipped quantities from the source, all or none (MSI's source deduction)."""
        for sku, qty in deductions.items():
            item = self.stock.get(sku)
            if item is not None and item.manage_stock and item.qty - qty < 0:
                raise bad_request(NOT_ENOUGH_SOURCE_QTY)
        for sku, qty in deductions.items():
            item = self.stock.get(sku)
            if item is None or not item.manage_stock:
                continue
            item.qty -= qty
            if item.qty <= item.min_qty:
                item.is_in_stock = False

    def restock(self, sku: str, qty: Decimal) -> None:
        """Return quantity to the source (a credit memo's "return to stock")."""
        item = self.stock.get(sku)
        if item is not None and item.manage_stock and qty > 0:
            item.qty += qty
            if item.qty > item.min_qty:
                item.is_in_stock = True

    # -- reservations and salability -----------------------------------------------------------------
    def reserved(self, sku: str) -> Decimal:
        """The sum of the SKU's reservations (negative while stock is held back)."""
        return self._reserved.get(sku, ZERO)

    def salable_qty(self, sku: str) -> Decimal:
        """qty + reservations - min_qty, as MSI computes it; 0 when out of stock or unknown."""
        item = self.stock.get(sku)
        if item is None or not item.is_in_stock:
            return ZERO
        return item.qty + self.reserved(sku) - item.min_qty

    def is_salable(self, sku: str, qty: Any = 1) -> bool:
        """Whether the product can be sold in this quantity (enabled, in stock, enough salable)."""
        product = self.products.get(sku)
        item = self.stock.get(sku)
        if product is None or not product.enabled or item is None:
            return False
        if not item.manage_stock:
            return True
        return item.is_in_stock and self.salable_qty(sku) >= decimal(qty)

    def reserve(self, sku: str, qty: Any, metadata: Any = "", stock_id: int = DEFAULT_STOCK_ID) -> Reservation | None:
        """Append one reservation (negative holds stock back, positive releases it); zero is ignored."""
        quantity = decimal(qty)
        if not quantity:
            return None
        text = metadata if isinstance(metadata, str) else json.dumps(metadata, separators=(",", ":"))
        reservation = Reservation(len(self.reservations) + 1, stock_id, sku, quantity, text)
        self.reservations.append(reservation)
        self._reserved[sku] = self._reserved.get(sku, ZERO) + quantity
        return reservation

    def append_reservations(self, entries: list[Any]) -> list[Reservation]:
        """MSI's ``AppendReservations``: validate every entry, then append them all."""
        parsed: list[tuple[str, Decimal, Any, int]] = []
        for entry in entries:
            if not isinstance(entry, dict):
                raise invalid_type(entry, "InventoryReservationsApi\\Model\\ReservationInterface")
            sku = entry.get("sku")
            if not isinstance(sku, str) or not sku.strip():
                raise bad_request(FIELD_EMPTY, {"field": "sku"})
            if entry.get("quantity") is None:
                raise bad_request(FIELD_EMPTY, {"field": "quantity"})
            stock_id = entry.get("stock_id", DEFAULT_STOCK_ID)
            if stock_id != DEFAULT_STOCK_ID:
                raise not_found('Stock with id "%value" does not exist.', {"value": stock_id})
            parsed.append((sku, decimal(entry["quantity"]), entry.get("metadata") or "", DEFAULT_STOCK_ID))
        return [r for sku, qty, meta, stock in parsed if (r := self.reserve(sku, qty, meta, stock)) is not None]
