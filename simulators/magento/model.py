"""The fake Magento's state and rules, free of HTTP and of locks: one object per namespace.

:class:`MagentoModel` holds the store tree
(:mod:`~simulators.magento.stores`), the catalog with stock and MSI reservations
(:mod:`~simulators.magento.catalog`), customers (:mod:`~simulators.magento.customers`), order
statuses (:mod:`~simulators.magento.statuses`), orders with their documents
(:mod:`~simulators.magento.orders`), carts (:mod:`~simulators.magento.checkout`), admin users with
their tokens and sign-in lockout, and the admin system messages. Merchant actions taken here
(ship, invoice, refund, cancel) behave as the admin does; the REST routes reach the same rules.
Control calls that one part answers alone (``create_product`` is ``catalog.create_product``) are
not repeated here: :data:`CALLS` names them for the namespace's Python face
(:class:`~simulators.sandbox.Locked`), which also takes the namespace lock.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from simulators.clock import SimClock
from simulators.magento.catalog import DISABLED, ENABLED, Catalog, Product, Reservation, StockItem
from simulators.magento.checkout import Checkout
from simulators.magento.customers import CustomerBook
from simulators.magento.errors import BAD_CREDENTIALS, MagentoError
from simulators.magento.orders import GridRow, OrderBook
from simulators.magento.statuses import StatusConfig
from simulators.magento.stores import Store, StoreTree

__all__ = [
    "CALLS",
    "DISABLED",
    "ENABLED",
    "GridRow",
    "MagentoModel",
    "Product",
    "Reservation",
    "StockItem",
    "Store",
    "SystemMessage",
]

SEVERITIES = {1: "critical", 2: "major", 3: "minor", 4: "notice"}

#: Python control calls (``sandbox.magento.<name>``) answered by one part of the model.
CALLS: dict[str, str] = {
    # state others read directly
    "stores": "tree.views",
    "products": "catalog.products",
    "stock": "catalog.stock",
    "reservations": "catalog.reservations",
    "orders": "book.orders",
    # stores
    "add_store_view": "tree.add_view",
    "add_website": "tree.add_website",
    "store_by_code": "tree.view",
    "store_by_id": "tree.view_by_id",
    # catalog and stock
    "create_product": "catalog.create_product",
    "product": "catalog.product",
    "set_product_status": "catalog.set_product_status",
    "delete_product": "catalog.delete_product",
    "set_stock": "catalog.set_stock",
    "reserved": "catalog.reserved",
    "salable_qty": "catalog.salable_qty",
    "is_salable": "catalog.is_salable",
    "reserve": "catalog.reserve",
    # orders
    "place_order": "book.place",
    "order": "book.order",
    "find": "book.find",
    "cancel": "book.cancel",
    "hold": "book.hold",
    "unhold": "book.unhold",
    "add_comment": "book.add_comment",
}


@dataclass
class SystemMessage:
    """An admin system message (the bar at the top of every admin page)."""

    identity: str
    severity: int
    text: str
    created_at: str


@dataclass
class MagentoModel:
    """All Magento state of one namespace."""

    clock: SimClock
    #: Admin users and their passwords; the built-in admin is ``admin`` / ``admin123``.
    admins: dict[str, str] = field(default_factory=lambda: {"admin": "admin123"})
    #: Admin token lifetime (``oauth/access_token_lifetime/admin``, 4 hours by default); None: never expire.
    token_ttl: timedelta | None = timedelta(hours=4)
    #: Failed admin token requests that lock a user name (``oauth/authentication_lock/max_failures_count``)
    #: and for how long after the last failure (``oauth/authentication_lock/timeout``, 30 minutes).
    max_sign_in_failures: int = 6
    lockout: timedelta = timedelta(minutes=30)
    failures: dict[str, tuple[int, datetime]] = field(default_factory=dict)
    tree: StoreTree = field(default_factory=StoreTree)
    statuses: StatusConfig = field(default_factory=StatusConfig)
    messages: dict[str, SystemMessage] = field(default_factory=dict)
    tokens: dict[str, datetime] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.catalog = Catalog(self.clock)
        self.customers = CustomerBook(self.clock, self.tree)
        self.book = OrderBook(self.clock, self.tree, self.catalog, self.customers, self.statuses)
        self.checkout = Checkout(self.clock, self.tree, self.catalog, self.customers, self.book)

    def _stamp(self) -> str:
        return self.clock.now().strftime("%Y-%m-%d %H:%M:%S")

    # -- auth ----------------------------------------------------------------------------------------
    def admin_token(self, username: str, password: str) -> str:
        """An admin bearer token, or Magento's 401 (``AdminTokenService`` with its ``RequestThrottler``).

        Each failure counts against the user name and pushes its lock expiry to 30 minutes after it;
        while 6 failures stand, every request for that name is refused, the right password too, with
        the same message; a success clears the count.
        """
        now = self.clock.now()
        count, expires = self.failures.get(username, (0, now))
        if expires <= now:
            count = 0
        if count >= self.max_sign_in_failures:
            raise MagentoError(401, BAD_CREDENTIALS)
        if not password or self.admins.get(username) != password:
            self.failures[username] = (count + 1, now + self.lockout)
            raise MagentoError(401, BAD_CREDENTIALS)
        self.failures.pop(username, None)
        token = secrets.token_hex(16)
        self.tokens[token] = now
        return token

    def add_admin(self, username: str, password: str) -> None:
        """Register another admin user (System > Permissions > All Users), with Magento's password rules."""
        if not isinstance(username, str) or not username.strip():
            raise ValueError("an admin needs a user name")
        if not isinstance(password, str) or len(password) < 7:
            raise ValueError("Your password must be at least 7 characters.")
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValueError("Your password must include both numeric and alphabetic characters.")
        if username in self.admins:
            raise ValueError("A user with the same user name or email already exists.")
        self.admins[username] = password

    def token_valid(self, token: str) -> bool:
        issued = self.tokens.get(token)
        if issued is None:
            return False
        return self.token_ttl is None or self.clock.now() - issued < self.token_ttl

    # -- stock ---------------------------------------------------------------------------------------
    def reservations_for(self, sku: str) -> list[Reservation]:
        return [r for r in self.catalog.reservations if r.sku == sku]

    # -- customers -----------------------------------------------------------------------------------
    def create_customer(self, email: str, firstname: str, lastname: str, website_code: str = "base") -> dict[str, Any]:
        """Create a customer account on a website (Magento's duplicate-email error when one exists)."""
        site = self.tree.website(website_code)
        store_id = self.tree.group_by_id(site.default_group_id).default_store_id
        data = {"email": email, "firstname": firstname, "lastname": lastname, "website_id": site.id}
        return self.customers.create(data, default_store_id=store_id)

    def customer_by_email(self, email: str, website_code: str = "base") -> dict[str, Any] | None:
        return self.customers.by_email(email, self.tree.website(website_code).id)

    def customers_by_email(self, email: str) -> list[dict[str, Any]]:
        """Every customer account with this email, on any website."""
        found = (self.customers.by_email(email, site.id) for site in self.tree.websites)
        return [c for c in found if c is not None]

    # -- order statuses ------------------------------------------------------------------------------
    def add_order_status(
        self, status: str, state: str = "processing", label: str | None = None, *, default: bool = False
    ) -> None:
        """Create a custom status and assign it to a state (Stores > Order Status > Assign)."""
        self.statuses.assign(status, label or status.replace("_", " ").title(), state, default=default)

    # -- orders --------------------------------------------------------------------------------------
    def checkout_order(
        self,
        items: dict[str, Any],
        address: dict[str, Any],
        *,
        store_code: str | None = None,
        payment_method: str = "checkmo",
        shipping: tuple[str, str] = ("flatrate", "flatrate"),
    ) -> dict[str, Any]:
        """Place an order through checkout as a guest (SKU -> quantity): refused as checkout refuses a
        missing, disabled or unsalable product, and reserving its stock (see :mod:`~simulators.magento.checkout`)."""
        store_id = 1 if store_code is None else self.tree.view(store_code).store_id
        cart = self.checkout.create(store_id, guest=True)
        try:
            for sku, qty in items.items():
                self.checkout.add_item(cart, {"sku": sku, "qty": qty})
            info = {"shipping_address": address, "shipping_carrier_code": shipping[0]}
            info["shipping_method_code"] = shipping[1]
            self.checkout.set_shipping(cart, {**info, "billing_address": address})
            order_id = self.checkout.place(cart, {"method": payment_method}, email=address.get("email"))
        except MagentoError:
            cart.is_active = False
            raise
        return self.book.order(order_id)

    def order_by_increment_id(self, increment_id: str) -> dict[str, Any]:
        found = self.book.find("increment_id", increment_id)
        if not found:
            raise KeyError(f"no Magento order #{increment_id}")
        return found[0]

    def orders_for_amazon_id(self, amazon_order_id: str) -> list[dict[str, Any]]:
        """Every Magento order that records this Amazon order ID (ext_order_id or po_number)."""
        ids = self.book.ids_for("ext_order_id", amazon_order_id) | self.book.ids_for("po_number", amazon_order_id)
        return [self.book.orders[i] for i in sorted(ids)]

    def ship(
        self,
        entity_id: int,
        items: list[dict[str, Any]] | None = None,
        tracks: list[dict[str, Any]] | None = None,
        *,
        comment: str | None = None,
    ) -> int:
        """The merchant ships (all open quantities unless ``items`` say otherwise); returns the shipment ID."""
        return int(self.book.ship(entity_id, items, tracks, comment=comment, api=False)["entity_id"])

    def ship_with_tracking(self, entity_id: int, carrier_code: str, track_number: str, title: str | None = None) -> int:
        """The merchant ships everything open with one tracking number."""
        track = {"carrier_code": carrier_code, "title": title or carrier_code.upper(), "track_number": track_number}
        return self.ship(entity_id, None, [track])

    def invoice(self, entity_id: int, items: list[dict[str, Any]] | None = None) -> int:
        """The merchant invoices (and captures); returns the invoice ID."""
        return int(self.book.invoice(entity_id, items, api=False)["entity_id"])

    def refund(
        self, entity_id: int, items: list[dict[str, Any]] | None = None, *, return_to_stock: bool = False
    ) -> int:
        """The merchant refunds offline (a credit memo); returns its ID."""
        order = self.book.order(entity_id)
        arguments: dict[str, Any] = {}
        if return_to_stock:
            ids = [i["item_id"] for i in order["items"]]
            arguments["extension_attributes"] = {"return_to_stock_items": ids}
        return int(self.book.refund(entity_id, items, arguments=arguments, api=False)["entity_id"])

    def shipments_of(self, entity_id: int) -> list[dict[str, Any]]:
        return self.book.documents("shipment", entity_id)

    def invoices_of(self, entity_id: int) -> list[dict[str, Any]]:
        return self.book.documents("invoice", entity_id)

    def creditmemos_of(self, entity_id: int) -> list[dict[str, Any]]:
        return self.book.documents("creditmemo", entity_id)

    def admin_grid(self, store_code: str | None = None) -> list[GridRow]:
        """Sales > Orders as the admin sees it (newest first), optionally for one store view."""
        store_id = None if store_code is None else self.tree.view(store_code).store_id
        return self.book.grid(store_id)

    # -- admin system messages -----------------------------------------------------------------------
    def raise_message(self, identity: str, text: str, severity: int = 2) -> SystemMessage:
        """Raise (or replace) a system message; severity 1 critical .. 4 notice."""
        if severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {sorted(SEVERITIES)}")
        message = SystemMessage(identity, severity, text, self._stamp())
        self.messages[identity] = message
        return message

    def clear_message(self, identity: str) -> bool:
        return self.messages.pop(identity, None) is not None

    def system_messages(self) -> list[SystemMessage]:
        """The messages the admin sees at the top of every page, most severe first."""
        return sorted(self.messages.values(), key=lambda m: (m.severity, m.identity))
