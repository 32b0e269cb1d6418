"""The fake Amazon's state and rules: sellers, marketplaces, orders, items, shipments, cancellations.

Free of HTTP. Every change moves the order's LastUpdateDate to the shared clock's now. Identifiers,
buyers and addresses come from Faker seeded once per model: the same seed and the same calls give
the same world.

Three indexes keep searches proportional to the orders they match rather than to all stored orders:
a sorted list by (LastUpdateDate, AmazonOrderId), a sorted list by (PurchaseDate, AmazonOrderId) and
a set of order IDs per status. :meth:`AmazonModel.search` walks the smallest candidate set: the
LastUpdateDate range lazily (a page costs its own size), or the PurchaseDate range or status sets
(a page costs their size m, times log of the page size).
"""

from __future__ import annotations

import bisect
import dataclasses
import heapq
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from simulators.amazon.auth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN, Authorizations
from simulators.amazon.errors import IllegalTransition, invalid_input, not_found
from simulators.amazon.feeds import FeedStore
from simulators.amazon.ratelimit import RateLimiter
from simulators.amazon.terms import CANCEL_REASONS, MARKETPLACES, iso_z
from simulators.clock import SimClock, check_instant
from simulators.fake_data import SeededFaker

US = "ATVPDKIKX0DER"
DE = "A1PA6795UKMFR9"
JP = "A1VC38T7YXB528"
DEFAULT_SELLER = "A2SIMSELLER0001"

STATUSES = (
    "PendingAvailability",
    "Pending",
    "Unshipped",
    "PartiallyShipped",
    "Shipped",
    "InvoiceUnconfirmed",
    "Canceled",
    "Unfulfillable",
)
TRANSITIONS: dict[str, frozenset[str]] = {
    "PendingAvailability": frozenset({"Pending", "Canceled"}),
    "Pending": frozenset({"Unshipped", "Canceled", "Unfulfillable"}),
    "Unshipped": frozenset({"PartiallyShipped", "Shipped", "InvoiceUnconfirmed", "Canceled"}),
    "PartiallyShipped": frozenset({"Shipped", "InvoiceUnconfirmed", "Canceled"}),
    "InvoiceUnconfirmed": frozenset({"Shipped"}),
    "Shipped": frozenset(),
    "Canceled": frozenset(),
    "Unfulfillable": frozenset(),
}
SELLER_CANCELABLE = frozenset({"Pending", "Unshipped"})
SHIPMENT_STATUSES = frozenset({"ReadyForPickup", "PickedUp", "RefusedPickup"})
ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")
SELLER_ID = re.compile(r"^[A-Z0-9]{1,32}$")
#: Statuses in which an order has a ShippingAddress (ordersV0.json, Order.ShippingAddress).
ADDRESS_STATUSES = frozenset({"Unshipped", "PartiallyShipped", "Shipped", "InvoiceUnconfirmed"})
#: ShippingAddress fields that are restricted data: only a Restricted Data Token with shippingAddress shows them.
RESTRICTED_ADDRESS_FIELDS = frozenset(
    {"Name", "CompanyName", "AddressLine1", "AddressLine2", "AddressLine3", "Phone", "AddressType", "ExtendedFields"}
)


def money(amount: Decimal, currency: str) -> dict[str, str]:
    """SP-API Money: the amount is a string."""
    return {"CurrencyCode": currency, "Amount": f"{amount:.2f}"}


def to_decimal(value: Any, what: str) -> Decimal:
    """A non-negative decimal amount, or ValueError naming ``what``."""
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError) as err:
        raise ValueError(f"{what} must be a decimal amount, got {value!r}") from err
    if not result.is_finite() or result < 0:
        raise ValueError(f"{what} must be a non-negative amount, got {value!r}")
    return result


def restrict_v0(order: dict[str, Any], elements: frozenset[str]) -> dict[str, Any]:
    """A v0 ``Order`` as a caller sees it with the data elements of its RDT (none without one).

    ``BuyerInfo`` needs ``buyerInfo``; the restricted ShippingAddress fields need ``shippingAddress``; an
    order not yet (or no longer) to be shipped has no ShippingAddress at all.
    """
    body = dict(order)
    if "buyerInfo" not in elements:
        body.pop("BuyerInfo", None)
    if body.get("OrderStatus") not in ADDRESS_STATUSES:
        body.pop("ShippingAddress", None)
    elif "shippingAddress" not in elements and isinstance(body.get("ShippingAddress"), dict):
        address = body["ShippingAddress"]
        body["ShippingAddress"] = {k: v for k, v in address.items() if k not in RESTRICTED_ADDRESS_FIELDS}
    return body


@dataclass
class Seller:
    """A selling partner and the marketplaces it sells in."""

    seller_id: str
    name: str
    marketplace_ids: tuple[str, ...]


@dataclass
class OrderItem:
    """One line of an Amazon order. ``item_price`` and ``item_tax`` are for the whole line."""

    order_item_id: str
    seller_sku: str
    asin: str
    title: str
    quantity_ordered: int
    item_price: Decimal
    item_tax: Decimal
    quantity_shipped: int = 0

    @property
    def quantity_unshipped(self) -> int:
        return self.quantity_ordered - self.quantity_shipped

    def as_wire(self, currency: str, *, with_pricing: bool = True) -> dict[str, Any]:
        """The v0 ``OrderItem``. Amazon leaves pricing out while the order is Pending."""
        body: dict[str, Any] = {
            "ASIN": self.asin,
            "SellerSKU": self.seller_sku,
            "OrderItemId": self.order_item_id,
            "Title": self.title,
            "QuantityOrdered": self.quantity_ordered,
            "QuantityShipped": self.quantity_shipped,
            "ProductInfo": {"NumberOfItems": "1"},
        }
        if with_pricing:
            body["ItemPrice"] = money(self.item_price, currency)
            body["ItemTax"] = money(self.item_tax, currency)
            body["IsGift"] = "false"
        return body


@dataclass
class ShipmentConfirmation:
    """A shipment confirmation Amazon received from the seller (one package)."""

    package_reference_id: str
    carrier_code: str
    carrier_name: str | None
    tracking_number: str
    ship_date: datetime
    items: list[tuple[str, int]]
    shipping_method: str | None = None
    confirmed_at: datetime | None = None


@dataclass
class Cancellation:
    """Who canceled an order, why, and when."""

    reason: str
    requested_by: str  # BUYER, MERCHANT or AMAZON
    at: datetime


@dataclass
class ShipmentStatusUpdate:
    """An updateShipmentStatus call the seller made."""

    status: str
    items: list[tuple[str, int]]
    at: datetime


@dataclass
class Order:
    """An Amazon order as the model holds it."""

    amazon_order_id: str
    seller_id: str
    marketplace_id: str
    purchase_date: datetime
    last_update_date: datetime
    status: str
    fulfillment_channel: str
    buyer_name: str
    buyer_email: str
    address: dict[str, str]
    items: list[OrderItem]
    ship_service_level: str = "Std US D2D Dom"
    seller_order_id: str | None = None
    shipments: list[ShipmentConfirmation] = field(default_factory=list)
    cancel_reason: str | None = None
    cancellation: Cancellation | None = None
    shipment_status_updates: list[ShipmentStatusUpdate] = field(default_factory=list)
    history: list[tuple[str, datetime, int]] = field(default_factory=list)  # (status, LastUpdateDate, shipped)

    @property
    def currency(self) -> str:
        return MARKETPLACES[self.marketplace_id]["currency"]

    @property
    def total(self) -> Decimal:
        return sum((i.item_price + i.item_tax for i in self.items), Decimal("0"))

    @property
    def items_shipped(self) -> int:
        return sum(i.quantity_shipped for i in self.items)

    @property
    def items_unshipped(self) -> int:
        return sum(i.quantity_unshipped for i in self.items)

    @property
    def update_key(self) -> tuple[datetime, str]:
        return (self.last_update_date, self.amazon_order_id)

    @property
    def pricing_visible(self) -> bool:
        """Amazon shows prices and OrderTotal only once payment is authorised."""
        return self.status not in {"Pending", "PendingAvailability", "Canceled"}

    def as_wire(self) -> dict[str, Any]:
        """The v0 ``Order`` object (with BuyerInfo and ShippingAddress, as a caller with an RDT sees it)."""
        body: dict[str, Any] = {
            "AmazonOrderId": self.amazon_order_id,
            "SellerOrderId": self.seller_order_id or self.amazon_order_id,
            "PurchaseDate": iso_z(self.purchase_date),
            "LastUpdateDate": iso_z(self.last_update_date),
            "OrderStatus": self.status,
            "FulfillmentChannel": self.fulfillment_channel,
            "SalesChannel": MARKETPLACES[self.marketplace_id]["sales_channel"],
            "ShipServiceLevel": self.ship_service_level,
            "NumberOfItemsShipped": self.items_shipped,
            "NumberOfItemsUnshipped": self.items_unshipped,
            "PaymentMethod": "Other",
            "PaymentMethodDetails": ["Standard"],
            "MarketplaceId": self.marketplace_id,
            "ShipmentServiceLevelCategory": "Standard",
            "OrderType": "StandardOrder",
            "IsBusinessOrder": False,
            "IsPrime": False,
            "IsPremiumOrder": False,
            "IsGlobalExpressEnabled": False,
            "IsReplacementOrder": False,
            "IsSoldByAB": False,
            "IsISPU": False,
            "IsAccessPointOrder": False,
            "BuyerInfo": {"BuyerEmail": self.buyer_email, "BuyerName": self.buyer_name},
            "ShippingAddress": dict(self.address),
        }
        if self.pricing_visible:
            body["OrderTotal"] = money(self.total, self.currency)
        if self.status in {"Unshipped", "PartiallyShipped", "Shipped", "InvoiceUnconfirmed"}:
            body["EarliestShipDate"] = iso_z(self.purchase_date)
            body["LatestShipDate"] = iso_z(self.purchase_date + timedelta(days=2))
        return body


@dataclass(frozen=True)
class NewOrder:
    """The fields of an order to create (see :meth:`AmazonModel.create_order`); ``specs``: its items, read."""

    items: list[dict[str, Any]] | None
    status: str
    marketplace_id: str
    fulfillment_channel: str
    purchase_date: datetime | None
    amazon_order_id: str | None
    buyer_name: str | None
    buyer_email: str | None
    seller_id: str
    address: dict[str, str] | None
    seller_order_id: str | None
    specs: list[dict[str, Any]] = field(default_factory=list)


def _check_choices(new: NewOrder) -> None:
    """The status, marketplace and channel are known ones; a given order ID has Amazon's 3-7-7 shape."""
    if new.status not in STATUSES:
        raise ValueError(f"unknown order status {new.status!r}; expected one of {list(STATUSES)}")
    if new.marketplace_id not in MARKETPLACES:
        raise ValueError(f"unknown marketplace {new.marketplace_id!r}; known: {sorted(MARKETPLACES)}")
    if new.fulfillment_channel not in {"MFN", "AFN"}:
        raise ValueError("fulfillment_channel must be MFN or AFN")
    if new.amazon_order_id is not None and not ORDER_ID.match(str(new.amazon_order_id)):
        raise ValueError(f"amazon_order_id must be in 3-7-7 format, got {new.amazon_order_id!r}")


def _check_given_values(new: NewOrder) -> None:
    """Given items are a non-empty list, texts are non-blank, an address holds strings, a date is aware."""
    if new.items is not None and (not isinstance(new.items, list) or not new.items):
        raise ValueError("items must be a non-empty list")
    texts = {"buyer_name": new.buyer_name, "buyer_email": new.buyer_email, "seller_order_id": new.seller_order_id}
    for name, value in texts.items():
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ValueError(f"{name} must be a non-empty string")
    if new.address is not None and (
        not isinstance(new.address, dict) or not all(isinstance(v, str) for v in new.address.values())
    ):
        raise ValueError("address must be an object of strings (Name, AddressLine1, City, CountryCode ...)")
    if new.purchase_date is not None:
        if new.purchase_date.tzinfo is None:
            raise ValueError("purchase_date must be timezone-aware")
        check_instant(new.purchase_date, "purchase_date")


class AmazonModel:
    """All sellers and orders of one namespace, with Amazon's status rules."""

    def __init__(self, clock: SimClock, *, seed: int = 0) -> None:
        self.clock = clock
        self.seed = seed
        self._fakers: dict[str, SeededFaker] = {}
        self._faker = self._faker_for(US)
        self.sellers: dict[str, Seller] = {
            DEFAULT_SELLER: Seller(DEFAULT_SELLER, "Simulated Seller", tuple(MARKETPLACES)),
        }
        self.auth = Authorizations(clock, self.sellers.__contains__)
        self.auth.register_app(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        self.auth.authorize(DEFAULT_SELLER, DEFAULT_CLIENT_ID, DEFAULT_REFRESH_TOKEN)
        self.orders: dict[str, Order] = {}
        self._item_ids: set[str] = set()
        self._by_update: list[tuple[datetime, str]] = []
        self._by_created: list[tuple[datetime, str]] = []
        self._by_status: dict[str, set[str]] = {s: set() for s in STATUSES}
        self._stale: list[tuple[str, dict[str, Any]]] = []  # (seller, v0 snapshot)
        self.rate_limits = RateLimiter(clock)
        self.order_items_page_size = 100
        # At most this many orders a page of an order search holds, whatever MaxResultsPerPage asks (SP-API's
        # MaxResultsPerPage is a maximum: a page may hold fewer, with a NextToken for the rest).
        self.orders_page_size = 100
        self.token_key = self._faker.sha256(raw_output=True)
        self.feeds = FeedStore(clock, self._faker, self.orders, self.seller_cancel)

    def _faker_for(self, marketplace_id: str) -> SeededFaker:
        """The marketplace's own generator, built on first use with a seed of its own (so laziness
        changes nothing: the same seed gives the same buyers in every marketplace)."""
        faker = self._fakers.get(marketplace_id)
        if faker is None:
            index = sorted(MARKETPLACES).index(marketplace_id)
            faker = SeededFaker(MARKETPLACES[marketplace_id]["locale"], self.seed * 1000 + index)
            self._fakers[marketplace_id] = faker
        return faker

    def _now(self) -> datetime:
        """Amazon's timestamps have whole-second precision."""
        return self.clock.now().replace(microsecond=0)

    # -- generation ------------------------------------------------------------------------------
    def _order_id(self) -> str:
        f = self._faker
        while True:
            candidate = f"{f.numerify('%##')}-{f.numerify('#######')}-{f.numerify('#######')}"
            if candidate not in self.orders:
                return candidate

    def _order_item_id(self) -> str:
        while True:
            candidate = self._faker.numerify("%#############")
            if candidate not in self._item_ids:
                return candidate

    def _address(self, marketplace_id: str) -> dict[str, str]:
        f = self._faker_for(marketplace_id)
        country = MARKETPLACES[marketplace_id]["country"]
        regions = {"US": "state_abbr", "JP": "prefecture"}
        state = getattr(f, regions.get(country, "state"))()
        return {
            "Name": f.name(),
            "AddressLine1": f.street_address(),
            "City": f.city(),
            "StateOrRegion": state,
            "PostalCode": f.postcode(),
            "CountryCode": country,
            "Phone": f.phone_number(),
            "AddressType": "Residential",
        }

    # -- sellers -----------------------------------------------------------------------------------
    def add_seller(self, seller_id: str, name: str = "", marketplace_ids: Iterable[str] = (US,)) -> Seller:
        """Register a selling partner for the given marketplaces (again: its name and marketplaces change)."""
        if not isinstance(seller_id, str) or not SELLER_ID.match(seller_id):
            raise ValueError(f"a seller ID is 1 to 32 capital letters and digits, got {seller_id!r}")
        if isinstance(marketplace_ids, str):
            raise ValueError("marketplace_ids must be a list of marketplace IDs")
        markets = tuple(marketplace_ids)
        unknown = [m for m in markets if m not in MARKETPLACES]
        if unknown or not markets:
            raise ValueError(f"unknown marketplaces {unknown}; known: {sorted(MARKETPLACES)}")
        seller = self.sellers[seller_id] = Seller(seller_id, name or seller_id, markets)
        return seller

    def register_app(self, client_id: str, client_secret: str) -> None:
        """Register an app's LWA credentials (client id and secret)."""
        self.auth.register_app(client_id, client_secret)

    def authorize(self, seller_id: str, client_id: str, refresh_token: str | None = None) -> str:
        """The seller authorises the app; returns the refresh token (generated when not given)."""
        return self.auth.authorize(seller_id, client_id, refresh_token).refresh_token

    def revoke(self, refresh_token: str) -> None:
        """The seller withdraws the consent behind ``refresh_token``: it and its tokens stop working at once."""
        self.auth.revoke(refresh_token)

    # -- control plane ---------------------------------------------------------------------------
    def create_order(
        self,
        *,
        items: list[dict[str, Any]] | None = None,
        status: str = "Pending",
        marketplace_id: str = US,
        fulfillment_channel: str = "MFN",
        purchase_date: datetime | None = None,
        amazon_order_id: str | None = None,
        buyer_name: str | None = None,
        buyer_email: str | None = None,
        seller_id: str = DEFAULT_SELLER,
        address: dict[str, str] | None = None,
        seller_order_id: str | None = None,
    ) -> Order:
        """Place an order (explicit fields override generated ones). Its LastUpdateDate is now.

        ``items``: ``{"sku", "quantity", "price" (unit price), "tax" (line tax), "title", "asin",
        "order_item_id"}``; only ``sku`` is required. Nothing is stored when any field is invalid: the
        fields are read and checked first (:meth:`_parse_new_order`), then against the stored sellers,
        orders and item IDs (:meth:`_check_new_order`), and only then is anything drawn or written.
        """
        new = self._parse_new_order(
            NewOrder(
                items=items,
                status=status,
                marketplace_id=marketplace_id,
                fulfillment_channel=fulfillment_channel,
                purchase_date=purchase_date,
                amazon_order_id=amazon_order_id,
                buyer_name=buyer_name,
                buyer_email=buyer_email,
                seller_id=seller_id,
                address=address,
                seller_order_id=seller_order_id,
            )
        )
        self._check_new_order(new)
        return self._write_new_order(new)

    @classmethod
    def _parse_new_order(cls, new: NewOrder) -> NewOrder:
        """Refuse what is wrong in the fields themselves; returns them with the items read into specs."""
        _check_choices(new)
        _check_given_values(new)
        specs = [cls._item_spec(spec) for spec in new.items or []]
        given = [spec["order_item_id"] for spec in specs if spec["order_item_id"]]
        if len(set(given)) != len(given):
            raise ValueError("order_item_id values must be unique")
        if new.status == "PartiallyShipped" and sum(spec["quantity"] for spec in specs or [{"quantity": 1}]) < 2:
            raise IllegalTransition("an order with a single unit cannot be PartiallyShipped")
        return dataclasses.replace(new, specs=specs)

    def _check_new_order(self, new: NewOrder) -> None:
        """Refuse what the stored state refuses: an unknown seller or marketplace, an order or item ID in use."""
        seller = self.sellers.get(new.seller_id)
        if seller is None:
            raise ValueError(f"unknown seller {new.seller_id!r}; known: {sorted(self.sellers)}")
        if new.marketplace_id not in seller.marketplace_ids:
            raise ValueError(f"seller {new.seller_id} does not sell in {new.marketplace_id}")
        if new.amazon_order_id is not None and new.amazon_order_id in self.orders:
            raise ValueError(f"order {new.amazon_order_id} already exists")
        if self._item_ids.intersection(spec["order_item_id"] for spec in new.specs if spec["order_item_id"]):
            raise ValueError("order_item_id values must be unique")

    def _write_new_order(self, new: NewOrder) -> Order:
        """Draw what the fields leave out, store the order and index it. Nothing here refuses the order, so a
        refused call draws nothing and later generated values stay the same."""
        now = self._now()
        f = self._faker_for(new.marketplace_id)
        specs = new.specs or [self._item_spec({"sku": f"SKU-{self._faker.numerify('####')}"})]
        lines = self._items(specs)
        ship_address = dict(new.address) if new.address else self._address(new.marketplace_id)
        name = new.buyer_name or ship_address.get("Name") or f.name()
        order = Order(
            amazon_order_id=new.amazon_order_id or self._order_id(),
            seller_id=new.seller_id,
            marketplace_id=new.marketplace_id,
            purchase_date=(new.purchase_date or now).replace(microsecond=0),
            last_update_date=now,
            status=new.status,
            fulfillment_channel=new.fulfillment_channel,
            buyer_name=name,
            buyer_email=new.buyer_email or f"{self._faker.lexify('????????????????').lower()}@marketplace.amazon.com",
            address={**ship_address, "Name": ship_address.get("Name", name)},
            items=lines,
            seller_order_id=new.seller_order_id,
        )
        order.purchase_date = order.purchase_date.astimezone(UTC)
        self._ship_for_status(order, new.status)
        order.history.append((new.status, now, order.items_shipped))
        self.orders[order.amazon_order_id] = order
        self._item_ids.update(line.order_item_id for line in lines)
        bisect.insort(self._by_update, order.update_key)
        bisect.insort(self._by_created, (order.purchase_date, order.amazon_order_id))
        self._by_status[new.status].add(order.amazon_order_id)
        return order

    def _items(self, specs: list[dict[str, Any]]) -> list[OrderItem]:
        lines = [self._item(spec) for spec in specs]
        ids = [line.order_item_id for line in lines]
        if len(set(ids)) != len(ids):  # a generated ID equal to a given one: as good as impossible
            raise ValueError("order_item_id values must be unique")
        return lines

    @staticmethod
    def _item_spec(spec: Any) -> dict[str, Any]:
        """An item as given (see ``create_order``), checked and read, without drawing anything."""
        if not isinstance(spec, dict) or not spec.get("sku"):
            raise ValueError("every item needs a sku")
        try:
            quantity = int(spec.get("quantity", 1))
        except (TypeError, ValueError) as err:
            raise ValueError(f"an item's quantity must be an integer, got {spec.get('quantity')!r}") from err
        if quantity < 1:
            raise ValueError("an item's quantity must be at least 1")
        return {
            "sku": str(spec["sku"]),
            "quantity": quantity,
            "price": to_decimal(spec.get("price", "19.99"), "price"),
            "tax": to_decimal(spec.get("tax", "0.00"), "tax"),
            "order_item_id": str(spec.get("order_item_id") or ""),
            "asin": str(spec.get("asin") or ""),
            "title": str(spec.get("title") or ""),
            "price_is_unit": bool(spec.get("price_is_unit", True)),
        }

    def _item(self, spec: dict[str, Any]) -> OrderItem:
        """An order line from a checked spec; generated values fill what it leaves out."""
        f = self._faker
        item_id = spec["order_item_id"] or self._order_item_id()
        price, quantity = spec["price"], spec["quantity"]
        return OrderItem(
            order_item_id=item_id,
            seller_sku=spec["sku"],
            asin=spec["asin"] or "B0" + f.bothify("????????", letters="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"),
            title=spec["title"] or f.catch_phrase(),
            quantity_ordered=quantity,
            item_price=price * quantity if spec["price_is_unit"] else price,
            item_tax=spec["tax"],
        )

    @staticmethod
    def _ship_for_status(order: Order, status: str) -> None:
        """Keep NumberOfItemsShipped/Unshipped consistent with a status set by the control plane."""
        if status in {"Shipped", "InvoiceUnconfirmed"}:
            for line in order.items:
                line.quantity_shipped = line.quantity_ordered
        elif status == "PartiallyShipped" and order.items_shipped == 0:
            if sum(line.quantity_ordered for line in order.items) < 2:
                raise IllegalTransition("an order with a single unit cannot be PartiallyShipped")
            first = order.items[0]
            first.quantity_shipped = 1 if first.quantity_ordered > 1 else first.quantity_ordered

    def get(self, amazon_order_id: str, seller_id: str | None = None) -> Order:
        """The order, or an SP-API NotFound error (also when ``seller_id`` is given and the order is another's)."""
        self.feeds.process_due()
        order = self.orders.get(amazon_order_id)
        if order is None or (seller_id is not None and order.seller_id != seller_id):
            raise not_found(f"Order {amazon_order_id} not found")
        return order

    def _touch(self, order: Order, status: str | None = None) -> None:
        """Record a change: a new LastUpdateDate (and status), indexes kept in step."""
        old = order.update_key
        index = bisect.bisect_left(self._by_update, old)
        if index < len(self._by_update) and self._by_update[index] == old:
            self._by_update.pop(index)
        if status is not None and status != order.status:
            self._by_status[order.status].discard(order.amazon_order_id)
            self._by_status[status].add(order.amazon_order_id)
            order.status = status
        order.last_update_date = self._now()
        bisect.insort(self._by_update, order.update_key)
        order.history.append((order.status, order.last_update_date, order.items_shipped))

    def set_status(self, amazon_order_id: str, status: str) -> Order:
        """Move an order to ``status`` if Amazon would; Shipped marks every item shipped.

        Raises KeyError for an unknown order, IllegalTransition for a move Amazon never makes.
        """
        order = self.orders.get(amazon_order_id)
        if order is None:
            raise KeyError(f"no Amazon order {amazon_order_id}")
        if status not in STATUSES:
            raise IllegalTransition(f"unknown order status {status!r}; expected one of {list(STATUSES)}")
        if status not in TRANSITIONS.get(order.status, frozenset()):
            allowed = sorted(TRANSITIONS.get(order.status, frozenset())) or "none"
            raise IllegalTransition(f"Amazon never moves an order from {order.status} to {status} (allowed: {allowed})")
        self._ship_for_status(order, status)
        self._touch(order, status)
        return order

    def cancel(self, amazon_order_id: str, reason: str = "BuyerCanceled", requested_by: str = "BUYER") -> Order:
        """Cancel as Amazon or the buyer does; only orders not yet fully shipped can be canceled."""
        if not reason or not str(reason).strip():
            raise ValueError("a cancellation needs a reason")
        order = self.set_status(amazon_order_id, "Canceled")
        order.cancel_reason = str(reason)
        order.cancellation = Cancellation(str(reason), requested_by, order.last_update_date)
        return order

    def seller_cancel(self, amazon_order_id: str, reason: str) -> Order:
        """The seller cancels (order acknowledgement with StatusCode Failure): Pending or Unshipped only."""
        order = self.orders.get(amazon_order_id)
        if order is None:
            raise KeyError(f"no Amazon order {amazon_order_id}")
        if reason not in CANCEL_REASONS:
            raise ValueError(f"unknown CancelReason {reason!r}; expected one of {sorted(CANCEL_REASONS)}")
        if order.status not in SELLER_CANCELABLE:
            raise IllegalTransition(
                f"order {amazon_order_id} is {order.status}; a seller cancels only Pending or Unshipped orders"
            )
        return self.cancel(amazon_order_id, reason, requested_by="MERCHANT")

    def report_stale(self, amazon_order_id: str, status: str) -> None:
        """Serve once more an earlier state of the order (a lagging replica, as Amazon's can be).

        The next getOrders (v0) first page for the order's marketplace carries, after the current
        results, the order as it was when it last had ``status``, with that time's LastUpdateDate.
        """
        order = self.orders.get(amazon_order_id)
        if order is None:
            raise KeyError(f"no Amazon order {amazon_order_id}")
        earlier = [h for h in order.history[:-1] if h[0] == status]
        if not earlier:
            raise ValueError(f"order {amazon_order_id} never had the earlier status {status}")
        old_status, stamp, shipped = earlier[-1]
        snapshot = order.as_wire()
        snapshot.update(
            OrderStatus=old_status,
            LastUpdateDate=iso_z(stamp),
            NumberOfItemsShipped=shipped,
            NumberOfItemsUnshipped=sum(i.quantity_ordered for i in order.items) - shipped,
        )
        if old_status in {"Pending", "PendingAvailability", "Canceled"}:
            snapshot.pop("OrderTotal", None)
        else:
            snapshot["OrderTotal"] = money(order.total, order.currency)
        self._stale.append((order.seller_id, snapshot))

    def take_stale(self, marketplace_ids: Iterable[str], seller_id: str = DEFAULT_SELLER) -> list[dict[str, Any]]:
        """Stale reports queued by :meth:`report_stale` for the seller's marketplaces (each served once)."""
        markets = set(marketplace_ids)
        served, kept = [], []
        for owner, snapshot in self._stale:
            mine = owner == seller_id and snapshot["MarketplaceId"] in markets
            (served if mine else kept).append(snapshot)
        self._stale = [(owner, snapshot) for owner, snapshot in self._stale if any(snapshot is k for k in kept)]
        return served

    def shipment_confirmations(self, amazon_order_id: str) -> list[ShipmentConfirmation]:
        """What the seller confirmed to Amazon for this order."""
        return list(self.get(amazon_order_id).shipments)

    # -- operations the wire calls ---------------------------------------------------------------
    def search(
        self,
        *,
        marketplace_ids: list[str],
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        updated_after: datetime | None = None,
        updated_before: datetime | None = None,
        statuses: list[str] | None = None,
        channels: list[str] | None = None,
        order_ids: list[str] | None = None,
        buyer_email: str | None = None,
        seller_order_id: str | None = None,
        after: tuple[datetime, str] | None = None,
        limit: int | None = None,
        seller_id: str | None = None,
    ) -> list[Order]:
        """Orders matching every filter, ordered by (LastUpdateDate, AmazonOrderId).

        ``after`` resumes strictly after that key (paging); ``limit`` caps the result; ``seller_id`` keeps
        that seller's orders only. The walk starts
        from the smallest index that bounds the result: the LastUpdateDate range (read lazily, so a
        page costs its own size), the PurchaseDate range, or the orders in the wanted statuses.
        """
        market = set(marketplace_ids)
        wanted_status = set(statuses or [])
        wanted_channel = set(channels or [])

        def keep(o: Order) -> bool:
            return (
                o.marketplace_id in market
                and (seller_id is None or o.seller_id == seller_id)
                and (created_after is None or o.purchase_date >= created_after)
                and (created_before is None or o.purchase_date <= created_before)
                and (updated_after is None or o.last_update_date >= updated_after)
                and (updated_before is None or o.last_update_date <= updated_before)
                and (not wanted_status or o.status in wanted_status)
                and (not wanted_channel or o.fulfillment_channel in wanted_channel)
                and (buyer_email is None or o.buyer_email.lower() == buyer_email.lower())
                and (seller_order_id is None or (o.seller_order_id or o.amazon_order_id) == seller_order_id)
                and (after is None or o.update_key > after)
            )

        candidates, ordered = self._candidates(
            order_ids, created_after, created_before, updated_after, updated_before, wanted_status, after
        )
        matched = (o for o in candidates if keep(o))
        if ordered:
            return list(itertools.islice(matched, limit)) if limit is not None else list(matched)
        if limit is not None:  # a page of an unordered candidate set costs O(m log page), not a full sort
            return heapq.nsmallest(limit, matched, key=lambda o: o.update_key)
        return sorted(matched, key=lambda o: o.update_key)

    def _candidates(
        self,
        order_ids: list[str] | None,
        created_after: datetime | None,
        created_before: datetime | None,
        updated_after: datetime | None,
        updated_before: datetime | None,
        wanted_status: set[str],
        after: tuple[datetime, str] | None,
    ) -> tuple[Iterator[Order], bool]:
        """A superset of the result from the cheapest index, and whether it comes in (LastUpdateDate, ID) order."""
        if order_ids:
            found = {i: self.orders[i] for i in order_ids if i in self.orders}
            return iter(found.values()), False
        start = 0
        if updated_after is not None:
            start = bisect.bisect_left(self._by_update, (updated_after, ""))
        if after is not None:
            start = max(start, bisect.bisect_right(self._by_update, after))
        stop = len(self._by_update)
        if updated_before is not None:
            stop = bisect.bisect_right(self._by_update, (updated_before, "\uffff"))
        sizes = {"update": max(stop - start, 0)}
        if created_after is not None or created_before is not None:
            c_lo = 0 if created_after is None else bisect.bisect_left(self._by_created, (created_after, ""))
            c_hi = (
                len(self._by_created)
                if created_before is None
                else bisect.bisect_right(self._by_created, (created_before, "\uffff"))
            )
            sizes["created"] = max(c_hi - c_lo, 0)
        if wanted_status:
            sizes["status"] = sum(len(self._by_status[s]) for s in wanted_status if s in self._by_status)
        best = min(sizes, key=lambda k: sizes[k])
        # The ordered walk stops after a page of matches; an unordered set is read whole, so it must be much smaller.
        if best == "update" or sizes[best] * 4 >= sizes["update"]:
            index = self._by_update
            return (self.orders[index[i][1]] for i in range(start, stop)), True
        if best == "created":
            ids: Iterable[str] = (oid for _, oid in self._by_created[c_lo:c_hi])
        else:
            ids = itertools.chain.from_iterable(self._by_status[s] for s in wanted_status if s in self._by_status)
        return (self.orders[oid] for oid in ids), False

    def order_items_page(
        self, amazon_order_id: str, offset: int, seller_id: str | None = None
    ) -> tuple[Order, list[OrderItem], int | None]:
        """One page of an order's items from ``offset``; the next offset when more remain."""
        order = self.get(amazon_order_id, seller_id)
        size = max(int(self.order_items_page_size), 1)
        page = order.items[offset : offset + size]
        following = offset + size if offset + size < len(order.items) else None
        return order, page, following

    def confirm_shipment(
        self, amazon_order_id: str, marketplace_id: str, package: dict[str, Any], seller_id: str | None = None
    ) -> None:
        """Record a shipment confirmation; moves the order to PartiallyShipped or Shipped.

        ``package``: packageReferenceId, carrierCode, carrierName, shippingMethod, trackingNumber,
        shipDate (datetime) and orderItems ``[{"orderItemId", "quantity"}]``. Nothing changes on error.
        """
        order = self.get(amazon_order_id, seller_id)
        if marketplace_id != order.marketplace_id:
            raise invalid_input("Invalid marketplaceId", f"Order {amazon_order_id} is not in {marketplace_id}")
        if order.fulfillment_channel == "AFN":
            raise invalid_input("Invalid order", f"Order {amazon_order_id} is fulfilled by Amazon (AFN)")
        if order.status not in {"Unshipped", "PartiallyShipped"}:
            raise invalid_input(
                "Invalid order status", f"Order {amazon_order_id} is {order.status} and cannot be confirmed"
            )
        if any(s.package_reference_id == str(package["packageReferenceId"]) for s in order.shipments):
            raise invalid_input(
                "Duplicate packageReferenceId", f"package {package['packageReferenceId']} was already confirmed"
            )
        lines = self._quantities(order, package["orderItems"])
        for line, quantity in lines:
            line.quantity_shipped += quantity
        order.shipments.append(
            ShipmentConfirmation(
                package_reference_id=str(package["packageReferenceId"]),
                carrier_code=str(package["carrierCode"]),
                carrier_name=package.get("carrierName"),
                tracking_number=str(package["trackingNumber"]),
                ship_date=package["shipDate"],
                items=[(line.order_item_id, quantity) for line, quantity in lines],
                shipping_method=package.get("shippingMethod"),
                confirmed_at=self._now(),
            )
        )
        self._touch(order, "Shipped" if order.items_unshipped == 0 else "PartiallyShipped")

    @staticmethod
    def _quantities(order: Order, entries: list[dict[str, Any]]) -> list[tuple[OrderItem, int]]:
        by_id = {line.order_item_id: line for line in order.items}
        wanted: dict[str, int] = {}
        for entry in entries:
            item_id = str(entry.get("orderItemId"))
            if item_id not in by_id:
                raise invalid_input("Invalid orderItemId", f"{item_id} is not an item of {order.amazon_order_id}")
            wanted[item_id] = wanted.get(item_id, 0) + int(entry["quantity"])
        out = []
        for item_id, quantity in wanted.items():
            line = by_id[item_id]
            if quantity < 1 or quantity > line.quantity_unshipped:
                raise invalid_input(
                    "Invalid quantity",
                    f"item {item_id}: {quantity} exceeds the {line.quantity_unshipped} unit(s) not yet shipped",
                )
            out.append((line, quantity))
        return out

    def update_shipment_status(
        self,
        amazon_order_id: str,
        marketplace_id: str,
        status: str,
        entries: list[dict[str, Any]] | None,
        seller_id: str | None = None,
    ) -> None:
        """Record an updateShipmentStatus call (ReadyForPickup, PickedUp, RefusedPickup)."""
        order = self.get(amazon_order_id, seller_id)
        if marketplace_id != order.marketplace_id:
            raise invalid_input("Invalid marketplaceId", f"Order {amazon_order_id} is not in {marketplace_id}")
        if order.status not in {"Unshipped", "PartiallyShipped"}:
            raise invalid_input(
                "Invalid order status", f"Order {amazon_order_id} is {order.status}; its shipment status is final"
            )
        by_id = {line.order_item_id: line for line in order.items}
        items: list[tuple[str, int]] = []
        for entry in entries or []:
            item_id = str(entry.get("orderItemId"))
            line = by_id.get(item_id)
            if line is None:
                raise invalid_input("Invalid orderItemId", f"{item_id} is not an item of {amazon_order_id}")
            quantity = int(entry.get("quantity", line.quantity_ordered))
            if not 1 <= quantity <= line.quantity_ordered:
                raise invalid_input("Invalid quantity", f"item {item_id}: {quantity} is not within the order")
            items.append((item_id, quantity))
        order.shipment_status_updates.append(ShipmentStatusUpdate(status, items, self._now()))
        self._touch(order)
