"""Order searches on the wire: getOrders (v0) and searchOrders (2026-01-01) parameters, and page tokens.

Both versions parse into one :class:`OrdersQuery` validated the way the parameter descriptions in
the official models say; a violation is a 400 ``InvalidInput``. Array parameters accept comma-separated
values and repeated keys. Unknown parameters are ignored. A page token carries the query and the
(LastUpdateDate, AmazonOrderId) key of the last order sent, signed so a forged token is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from werkzeug.datastructures import MultiDict

from simulators.amazon.errors import invalid_input
from simulators.amazon.model import MARKETPLACES, ORDER_ID, STATUSES, AmazonModel, Order, iso_z
from simulators.clock import parse_iso

MAX_PAGE = 100
MAX_MARKETPLACES = 50
MAX_ORDER_IDS = 50
PAYMENT_METHODS = frozenset({"COD", "CVS", "Other"})
EASY_SHIP_STATUSES = frozenset(
    {
        "PendingSchedule",
        "PendingPickUp",
        "PendingDropOff",
        "LabelCanceled",
        "PickedUp",
        "DroppedOff",
        "AtOriginFC",
        "AtDestinationFC",
        "Delivered",
        "RejectedByBuyer",
        "Undeliverable",
        "ReturningToSeller",
        "ReturnedToSeller",
        "Lost",
        "OutForDelivery",
        "Damaged",
    }
)
INVOICE_STATUSES = frozenset({"NotRequired", "NotFound", "Processing", "Errored", "Accepted"})
STATUS_2026 = {
    "PendingAvailability": "PENDING_AVAILABILITY",
    "Pending": "PENDING",
    "Unshipped": "UNSHIPPED",
    "PartiallyShipped": "PARTIALLY_SHIPPED",
    "Shipped": "SHIPPED",
    "InvoiceUnconfirmed": "SHIPPED",
    "Canceled": "CANCELLED",
    "Unfulfillable": "UNFULFILLABLE",
}
FULFILLED_BY = {"MERCHANT": "MFN", "AMAZON": "AFN"}
INCLUDED_DATA = frozenset(
    {
        "BUYER",
        "RECIPIENT",
        "PROCEEDS",
        "EXPENSE",
        "PROMOTION",
        "CANCELLATION",
        "FULFILLMENT",
        "PACKAGES",
        "TAX",
        "PAYMENT",
        "FULFILLMENT_ORDERS",
    }
)


@dataclass
class OrdersQuery:
    """A validated order search, whichever API version asked for it."""

    marketplace_ids: list[str]
    created_after: str | None = None
    created_before: str | None = None
    updated_after: str | None = None
    updated_before: str | None = None
    statuses: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    order_ids: list[str] = field(default_factory=list)
    buyer_email: str | None = None
    seller_order_id: str | None = None
    matches_nothing: bool = False  # a filter no simulated order can meet (Easy Ship, COD, ISPU ...)
    page_size: int = MAX_PAGE
    included: list[str] = field(default_factory=list)

    def run(
        self, model: AmazonModel, after: tuple[datetime, str] | None, seller_id: str | None = None
    ) -> tuple[list[Order], bool]:
        """One page of the seller's matching orders after ``after``, and whether more follow."""
        if self.matches_nothing:
            return [], False
        found = model.search(
            marketplace_ids=self.marketplace_ids,
            created_after=_at(self.created_after),
            created_before=_at(self.created_before),
            updated_after=_at(self.updated_after),
            updated_before=_at(self.updated_before),
            statuses=self.statuses or None,
            channels=self.channels or None,
            order_ids=self.order_ids or None,
            buyer_email=self.buyer_email,
            seller_order_id=self.seller_order_id,
            after=after,
            limit=min(self.page_size, model.orders_page_size) + 1,
            seller_id=seller_id,
        )
        size = min(self.page_size, model.orders_page_size)
        return found[:size], len(found) > size


def _at(text: str | None) -> datetime | None:
    return None if text is None else parse_iso(text)


def list_param(args: MultiDict[str, str], name: str) -> list[str]:
    """An array query parameter: repeated keys and comma-separated values both accepted."""
    return [part.strip() for value in args.getlist(name) for part in value.split(",") if part.strip()]


def _time(args: MultiDict[str, str], name: str) -> datetime | None:
    if name not in args:
        return None
    raw = args.get(name, "")
    try:
        value = parse_iso(raw)
    except (ValueError, OverflowError) as err:
        raise invalid_input(f"Invalid {name}: {raw!r} is not an ISO 8601 date-time") from err
    if value.year < 1970:
        raise invalid_input(f"Invalid {name}: {raw!r} is before 1970")
    return value


def _enum(values: list[str], allowed: frozenset[str] | set[str], name: str) -> list[str]:
    bad = [v for v in values if v not in allowed]
    if bad:
        raise invalid_input(f"Invalid {name}: {','.join(bad)}", f"Possible values: {', '.join(sorted(allowed))}")
    return values


def _page_size(args: MultiDict[str, str], name: str) -> int:
    if name not in args:
        return MAX_PAGE
    raw = args.get(name, "")
    try:
        size = int(raw)
    except ValueError as err:
        raise invalid_input(f"{name} must be an integer between 1 and {MAX_PAGE}") from err
    if not 1 <= size <= MAX_PAGE:
        raise invalid_input(f"{name} must be an integer between 1 and {MAX_PAGE}")
    return size


def _marketplaces(values: list[str], name: str, *, required: bool) -> list[str]:
    if not values:
        if required:
            raise invalid_input(f"{name} is required", "At least one marketplace ID must be provided")
        return sorted(MARKETPLACES)
    if len(values) > MAX_MARKETPLACES:
        raise invalid_input(f"{name} may hold at most {MAX_MARKETPLACES} values")
    unknown = [m for m in values if m not in MARKETPLACES]
    if unknown:
        raise invalid_input(f"Invalid {name}: {','.join(unknown)}")
    return values


def _created_before(query: OrdersQuery, now: datetime) -> None:
    """With ``CreatedAfter`` alone, ``CreatedBefore`` is two minutes before now: Amazon answers with that
    bound, and orders created after it are not in the answer (nor in its later pages)."""
    if query.created_after is not None and query.created_before is None:
        query.created_before = iso_z(now - timedelta(minutes=2))


def _window(
    now: datetime,
    names: tuple[str, str, str, str],
    created_after: datetime | None,
    created_before: datetime | None,
    updated_after: datetime | None,
    updated_before: datetime | None,
    *,
    required: bool,
) -> None:
    """The date rules shared by both versions (names: createdAfter, createdBefore, lastUpdatedAfter, ...)."""
    ca, cb, ua, ub = names
    if created_after is not None and (updated_after is not None or updated_before is not None):
        raise invalid_input(f"{ua} and {ub} cannot be set when {ca} is set")
    if updated_after is not None and (created_after is not None or created_before is not None):
        raise invalid_input(f"{ca} and {cb} cannot be set when {ua} is set")
    if required and created_after is None and updated_after is None:
        raise invalid_input(f"Either {ca} or {ua} must be provided")
    if created_before is not None and created_after is None and updated_after is None:
        raise invalid_input(f"{cb} requires {ca}")
    if updated_before is not None and updated_after is None:
        raise invalid_input(f"{ub} requires {ua}")
    latest = now - timedelta(minutes=2)
    for name, value in ((ca, created_after), (ua, updated_after)):
        if value is not None and value > now:
            raise invalid_input(f"{name} cannot be in the future")
    for name, after, before in ((cb, created_after, created_before), (ub, updated_after, updated_before)):
        if before is None:
            continue
        if after is not None and before < after:
            raise invalid_input(f"{name} must be equal to or after the corresponding After date")
        if before > latest:
            raise invalid_input(f"{name} must be at least two minutes before the time of the request")


def parse_v0(args: MultiDict[str, str], now: datetime) -> OrdersQuery:
    """getOrders parameters, validated as the Orders v0 model describes them."""
    markets = _marketplaces(list_param(args, "MarketplaceIds"), "MarketplaceIds", required=True)
    query = OrdersQuery(marketplace_ids=markets)
    order_ids = list_param(args, "AmazonOrderIds")
    if len(order_ids) > MAX_ORDER_IDS:
        raise invalid_input(f"AmazonOrderIds may hold at most {MAX_ORDER_IDS} order IDs")
    bad_ids = [i for i in order_ids if not ORDER_ID.match(i)]
    if bad_ids:
        raise invalid_input(f"Invalid AmazonOrderIds: {','.join(bad_ids)}", "An AmazonOrderId is in 3-7-7 format")
    dates = [_time(args, n) for n in ("CreatedAfter", "CreatedBefore", "LastUpdatedAfter", "LastUpdatedBefore")]
    names = ("CreatedAfter", "CreatedBefore", "LastUpdatedAfter", "LastUpdatedBefore")
    _window(now, names, *dates, required=True)
    query.created_after, query.created_before, query.updated_after, query.updated_before = (
        None if d is None else iso_z(d) for d in dates
    )
    _created_before(query, now)
    query.order_ids = order_ids
    query.statuses = _enum(list_param(args, "OrderStatuses"), set(STATUSES), "OrderStatuses")
    query.channels = _enum(list_param(args, "FulfillmentChannels"), {"AFN", "MFN"}, "FulfillmentChannels")
    payments = _enum(list_param(args, "PaymentMethods"), PAYMENT_METHODS, "PaymentMethods")
    easy_ship = _enum(list_param(args, "EasyShipShipmentStatuses"), EASY_SHIP_STATUSES, "EasyShipShipmentStatuses")
    invoices = _enum(list_param(args, "ElectronicInvoiceStatuses"), INVOICE_STATUSES, "ElectronicInvoiceStatuses")
    is_ispu = args.get("IsISPU")
    if is_ispu is not None and is_ispu.lower() not in {"true", "false"}:
        raise invalid_input("IsISPU must be true or false")
    query.buyer_email = args.get("BuyerEmail") or None
    query.seller_order_id = args.get("SellerOrderId") or None
    if query.seller_order_id is not None:
        clash = [
            n
            for n in ("FulfillmentChannels", "OrderStatuses", "PaymentMethods", "LastUpdatedAfter", "LastUpdatedBefore")
            if n in args
        ] + (["BuyerEmail"] if "BuyerEmail" in args else [])
        if clash:
            raise invalid_input(f"{', '.join(clash)} cannot be specified with SellerOrderId")
    # Every simulated order is paid with "Other", is not Easy Ship, needs no electronic invoice and is not ISPU.
    query.matches_nothing = bool(
        (payments and "Other" not in payments)
        or easy_ship
        or (invoices and "NotRequired" not in invoices)
        or (is_ispu or "").lower() == "true"
    )
    query.page_size = _page_size(args, "MaxResultsPerPage")
    return query


def parse_2026(args: MultiDict[str, str], now: datetime) -> OrdersQuery:
    """searchOrders parameters, validated as the Orders 2026-01-01 model describes them."""
    names = ("createdAfter", "createdBefore", "lastUpdatedAfter", "lastUpdatedBefore")
    dates = [_time(args, n) for n in names]
    if dates[0] is not None and dates[2] is not None:
        raise invalid_input("Provide exactly one of createdAfter and lastUpdatedAfter")
    _window(now, names, *dates, required=True)
    markets = _marketplaces(list_param(args, "marketplaceIds"), "marketplaceIds", required=False)
    query = OrdersQuery(marketplace_ids=markets)
    query.created_after, query.created_before, query.updated_after, query.updated_before = (
        None if d is None else iso_z(d) for d in dates
    )
    _created_before(query, now)
    wanted = _enum(list_param(args, "fulfillmentStatuses"), set(STATUS_2026.values()), "fulfillmentStatuses")
    query.statuses = sorted({v0 for v0, new in STATUS_2026.items() if new in wanted})
    by = _enum(list_param(args, "fulfilledBy"), set(FULFILLED_BY), "fulfilledBy")
    query.channels = sorted({FULFILLED_BY[b] for b in by})
    query.included = _enum(list_param(args, "includedData"), INCLUDED_DATA, "includedData")
    query.page_size = _page_size(args, "maxResultsPerPage")
    return query


def included_data(args: MultiDict[str, str]) -> list[str]:
    """getOrder (2026-01-01) ``includedData``, validated."""
    return _enum(list_param(args, "includedData"), INCLUDED_DATA, "includedData")


# -- page tokens --------------------------------------------------------------------------------------
def encode_token(secret: bytes, payload: dict[str, Any]) -> str:
    """An opaque, signed page token."""
    raw = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
    return f"{raw}.{_sign(secret, raw)}"


def decode_token(secret: bytes, token: str, name: str = "NextToken") -> dict[str, Any]:
    """The payload of a token this model issued; 400 InvalidInput for anything else."""
    raw, _, signature = token.strip().partition(".")
    if not raw or not hmac.compare_digest(_sign(secret, raw).encode(), signature.encode()):
        raise invalid_input(f"Invalid {name}", f"The {name} is malformed or was not issued for this query")
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except ValueError as err:  # cannot happen for a token we signed, kept for safety
        raise invalid_input(f"Invalid {name}") from err
    if not isinstance(data, dict):
        raise invalid_input(f"Invalid {name}")
    return data


def _sign(secret: bytes, raw: str) -> str:
    return hmac.new(secret, raw.encode(), hashlib.sha256).hexdigest()[:24]


def orders_token(secret: bytes, query: OrdersQuery, last: Order) -> str:
    return encode_token(secret, {"q": asdict(query), "k": [iso_z(last.last_update_date), last.amazon_order_id]})


def orders_from_token(secret: bytes, token: str, name: str) -> tuple[OrdersQuery, tuple[datetime, str]]:
    data = decode_token(secret, token, name)
    try:
        stamp, order_id = data["k"]
        return OrdersQuery(**data["q"]), (parse_iso(stamp), str(order_id))
    except (KeyError, TypeError, ValueError) as err:  # a token of another operation, signed all the same
        raise invalid_input(f"Invalid {name}", f"The {name} does not belong to this operation") from err
