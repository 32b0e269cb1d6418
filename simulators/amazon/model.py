"""The fake Amazon's state and rules: marketplaces, orders, items, shipments, cancellations.

Free of HTTP. Every change moves the order's LastUpdateDate to the shared clock's now.
"""

from __future__ import annotations

import bisect
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from faker import Faker

from simulators.amazon.errors import IllegalTransition, invalid_input, not_found
from simulators.clock import SimClock

MARKETPLACES: dict[str, dict[str, str]] = {
    "ATVPDKIKX0DER": {"country": "US", "currency": "USD", "sales_channel": "Amazon.com", "locale": "en_US"},
    "A1PA6795UKMFR9": {"country": "DE", "currency": "EUR", "sales_channel": "Amazon.de", "locale": "de_DE"},
    "A1VC38T7YXB528": {"country": "JP", "currency": "JPY", "sales_channel": "Amazon.co.jp", "locale": "ja_JP"},
}
US = "ATVPDKIKX0DER"
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
CANCEL_REASONS = frozenset(
    {
        "NoInventory",
        "ShippingAddressUndeliverable",
        "CustomerExchange",
        "BuyerCanceled",
        "GeneralAdjustment",
        "CarrierCreditDecision",
        "RiskAssessmentInformationNotValid",
        "CarrierCoverageFailure",
        "CustomerReturn",
        "MerchandiseNotReceived",
        "CannotVerifyInformation",
        "PricingError",
        "RejectOrder",
        "WeatherDelay",
    }
)


def money(amount: Decimal, currency: str) -> dict[str, str]:
    """SP-API Money: the amount is a string."""
    return {"CurrencyCode": currency, "Amount": f"{amount:.2f}"}


def to_decimal(value: Any, what: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError) as err:
        raise ValueError(f"{what} must be a decimal amount, got {value!r}") from err
    if not result.is_finite() or result < 0:
        raise ValueError(f"{what} must be a non-negative amount, got {value!r}")
    return result


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

    def as_wire(self, currency: str) -> dict[str, Any]:
        return {
            "ASIN": self.asin,
            "SellerSKU": self.seller_sku,
            "OrderItemId": self.order_item_id,
            "Title": self.title,
            "QuantityOrdered": self.quantity_ordered,
            "QuantityShipped": self.quantity_shipped,
            "ProductInfo": {"NumberOfItems": "1"},
            "ItemPrice": money(self.item_price, currency),
            "ItemTax": money(self.item_tax, currency),
            "IsGift": "false",
        }


@dataclass
class ShipmentConfirmation:
    """A shipment confirmation Amazon received from the seller."""

    package_reference_id: str
    carrier_code: str
    carrier_name: str | None
    tracking_number: str
    ship_date: datetime
    items: list[tuple[str, int]]
    shipping_method: str | None = None


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
        return sum(i.quantity_ordered - i.quantity_shipped for i in self.items)

    def as_wire(self) -> dict[str, Any]:
        """The v0 ``Order`` object (with BuyerInfo and ShippingAddress, as a caller with an RDT sees it)."""
        body: dict[str, Any] = {
            "AmazonOrderId": self.amazon_order_id,
            "SellerOrderId": self.seller_order_id or self.amazon_order_id,
            "PurchaseDate": _iso(self.purchase_date),
            "LastUpdateDate": _iso(self.last_update_date),
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
            "IsReplacementOrder": "false",
            "IsSoldByAB": False,
            "IsISPU": False,
            "IsAccessPointOrder": False,
            "BuyerInfo": {"BuyerEmail": self.buyer_email, "BuyerName": self.buyer_name},
            "ShippingAddress": dict(self.address),
        }
        if self.status not in {"Pending", "PendingAvailability", "Canceled"}:
            body["OrderTotal"] = money(self.total, self.currency)
        return body


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class AmazonModel:
    """All orders of one namespace, with Amazon's status rules."""

    def __init__(self, clock: SimClock, *, seed: int = 0) -> None:
        self.clock = clock
        self._faker = Faker("en_US")
        self._faker.seed_instance(seed)
        self._lock = threading.RLock()
        self.orders: dict[str, Order] = {}
        self._by_update: list[tuple[datetime, str]] = []  # sorted index for LastUpdated queries
        self.tokens: dict[str, datetime] = {}

    def _now(self) -> datetime:
        """Amazon's timestamps have whole-second precision."""
        return self.clock.now().replace(microsecond=0)

    # -- generation ------------------------------------------------------------------------------
    def _order_id(self) -> str:
        while True:
            f = self._faker
            candidate = f"{f.numerify('###')}-{f.numerify('#######')}-{f.numerify('#######')}"
            if candidate not in self.orders:
                return candidate

    def _address(self) -> dict[str, str]:
        f = self._faker
        return {
            "Name": f.name(),
            "AddressLine1": f.street_address(),
            "City": f.city(),
            "StateOrRegion": f.state_abbr(),
            "PostalCode": f.postcode(),
            "CountryCode": "US",
            "Phone": f.numerify("###-###-####"),
            "AddressType": "Residential",
        }

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
    ) -> Order:
        """Place an order (explicit fields override generated ones). Its LastUpdateDate is now."""
        if status not in STATUSES:
            raise ValueError(f"unknown order status {status!r}; expected one of {list(STATUSES)}")
        if marketplace_id not in MARKETPLACES:
            raise ValueError(f"unknown marketplace {marketplace_id!r}; known: {sorted(MARKETPLACES)}")
        if fulfillment_channel not in {"MFN", "AFN"}:
            raise ValueError("fulfillment_channel must be MFN or AFN")
        with self._lock:
            if amazon_order_id is not None and amazon_order_id in self.orders:
                raise ValueError(f"order {amazon_order_id} already exists")
            now = self._now()
            f = self._faker
            lines = [self._item(spec) for spec in (items or [{"sku": f"SKU-{f.numerify('####')}"}])]
            ship_address = address or self._address()
            name = buyer_name or ship_address.get("Name") or f.name()
            order = Order(
                amazon_order_id=amazon_order_id or self._order_id(),
                seller_id=seller_id,
                marketplace_id=marketplace_id,
                purchase_date=(purchase_date or now).replace(microsecond=0),
                last_update_date=now,
                status=status,
                fulfillment_channel=fulfillment_channel,
                buyer_name=name,
                buyer_email=buyer_email or f"{f.lexify('????????????????').lower()}@marketplace.amazon.com",
                address={**ship_address, "Name": ship_address.get("Name", name)},
                items=lines,
            )
            if status == "Shipped":
                for line in order.items:
                    line.quantity_shipped = line.quantity_ordered
            self.orders[order.amazon_order_id] = order
            bisect.insort(self._by_update, (order.last_update_date, order.amazon_order_id))
            return order

    def _item(self, spec: dict[str, Any]) -> OrderItem:
        f = self._faker
        quantity = int(spec.get("quantity", 1))
        if quantity < 1:
            raise ValueError("an item's quantity must be at least 1")
        price = to_decimal(spec.get("price", "19.99"), "price")
        tax = to_decimal(spec.get("tax", "0.00"), "tax")
        return OrderItem(
            order_item_id=str(spec.get("order_item_id") or f.numerify("##############")),
            seller_sku=str(spec["sku"]),
            asin=str(spec.get("asin") or "B0" + f.bothify("????????", letters="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")),
            title=str(spec.get("title") or f.catch_phrase()),
            quantity_ordered=quantity,
            item_price=price * quantity if spec.get("price_is_unit", True) else price,
            item_tax=tax,
        )

    def get(self, amazon_order_id: str) -> Order:
        order = self.orders.get(amazon_order_id)
        if order is None:
            raise not_found(f"Order {amazon_order_id} not found")
        return order

    def _touch(self, order: Order) -> None:
        old = (order.last_update_date, order.amazon_order_id)
        index = bisect.bisect_left(self._by_update, old)
        if index < len(self._by_update) and self._by_update[index] == old:
            self._by_update.pop(index)
        order.last_update_date = self._now()
        bisect.insort(self._by_update, (order.last_update_date, order.amazon_order_id))

    def set_status(self, amazon_order_id: str, status: str) -> Order:
        """Move an order to ``status`` if Amazon would; Shipped marks every item shipped."""
        with self._lock:
            order = self.orders.get(amazon_order_id)
            if order is None:
                raise KeyError(f"no Amazon order {amazon_order_id}")
            if status not in TRANSITIONS.get(order.status, frozenset()):
                raise IllegalTransition(f"Amazon never moves an order from {order.status} to {status}")
            if status == "Shipped":
                for line in order.items:
                    line.quantity_shipped = line.quantity_ordered
            order.status = status
            self._touch(order)
            return order

    def cancel(self, amazon_order_id: str, reason: str = "BuyerCanceled") -> Order:
        """Cancel as Amazon (or the buyer) does; only orders not yet shipped can be canceled."""
        with self._lock:
            order = self.set_status(amazon_order_id, "Canceled")
            order.cancel_reason = reason
            return order

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
    ) -> list[Order]:
        """Orders matching every given filter, ordered by (LastUpdateDate, AmazonOrderId)."""
        with self._lock:
            if order_ids:
                candidates = [self.orders[i] for i in order_ids if i in self.orders]
            elif updated_after is not None:
                start = bisect.bisect_left(self._by_update, (updated_after, ""))
                candidates = [self.orders[oid] for _, oid in self._by_update[start:]]
            else:
                candidates = [self.orders[oid] for _, oid in self._by_update]
            wanted_status = set(statuses or [])
            wanted_channel = set(channels or [])
            market = set(marketplace_ids)
            out = [
                o
                for o in candidates
                if o.marketplace_id in market
                and (created_after is None or o.purchase_date >= created_after)
                and (created_before is None or o.purchase_date <= created_before)
                and (updated_after is None or o.last_update_date >= updated_after)
                and (updated_before is None or o.last_update_date <= updated_before)
                and (not wanted_status or o.status in wanted_status)
                and (not wanted_channel or o.fulfillment_channel in wanted_channel)
            ]
            out.sort(key=lambda o: (o.last_update_date, o.amazon_order_id))
            return out

    def confirm_shipment(self, amazon_order_id: str, marketplace_id: str, package: dict[str, Any]) -> None:
        """Record a shipment confirmation; moves the order to PartiallyShipped or Shipped."""
        with self._lock:
            order = self.get(amazon_order_id)
            if marketplace_id != order.marketplace_id:
                raise invalid_input("Invalid marketplaceId", f"Order {amazon_order_id} is not in {marketplace_id}")
            if order.status not in {"Unshipped", "PartiallyShipped"}:
                raise invalid_input(
                    "Invalid order status", f"Order {amazon_order_id} is {order.status} and cannot be confirmed"
                )
            by_id = {line.order_item_id: line for line in order.items}
            lines: list[tuple[str, int]] = []
            for entry in package["orderItems"]:
                line = by_id.get(str(entry.get("orderItemId")))
                if line is None:
                    raise invalid_input("Invalid orderItemId", f"{entry.get('orderItemId')} is not in the order")
                quantity = int(entry.get("quantity", line.quantity_ordered - line.quantity_shipped))
                if quantity < 1 or line.quantity_shipped + quantity > line.quantity_ordered:
                    raise invalid_input("Invalid quantity", f"item {line.order_item_id}: {quantity} exceeds open qty")
                lines.append((line.order_item_id, quantity))
            for item_id, quantity in lines:
                by_id[item_id].quantity_shipped += quantity
            order.shipments.append(
                ShipmentConfirmation(
                    package_reference_id=str(package["packageReferenceId"]),
                    carrier_code=str(package["carrierCode"]),
                    carrier_name=package.get("carrierName"),
                    tracking_number=str(package["trackingNumber"]),
                    ship_date=package["shipDate"],
                    items=lines,
                    shipping_method=package.get("shippingMethod"),
                )
            )
            order.status = "Shipped" if order.items_unshipped == 0 else "PartiallyShipped"
            self._touch(order)

    # -- LWA ---------------------------------------------------------------------------------------
    def issue_token(self, lifetime_seconds: int = 3600) -> str:
        token = "Atza|" + secrets.token_hex(24)
        self.tokens[token] = self.clock.now()
        return token

    def token_valid(self, token: str | None, lifetime_seconds: int = 3600) -> bool:
        issued = self.tokens.get(token or "")
        return issued is not None and (self.clock.now() - issued).total_seconds() < lifetime_seconds
