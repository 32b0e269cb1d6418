"""Steps about what happens on Amazon: orders placed, statuses changed, throttling, stale reports."""

from __future__ import annotations

import re
from typing import Any

from pytest_bdd import given, parsers, step, when

from harness.world import World
from simulators.journal import Fault

_LINE = re.compile(r'^\s*(\d+)\s*x\s*"([^"]+)"\s*$')
_RANGE = re.compile(r"^(?P<prefix>[A-Za-z]*)(?P<first>\d+)\.\.(?P=prefix)(?P<last>\d+)$")
ORDER_GAP = 60  # a new order is placed a minute after whatever happened before


def parse_lines(text: str) -> list[dict[str, Any]]:
    """'2 x "SKU-1" and 1 x "SKU-2"' -> item specs for the fake Amazon."""
    items = []
    for part in re.split(r"\s*(?:,|\band\b)\s*", text.strip()):
        match = _LINE.match(part)
        if not match:
            raise ValueError(f'cannot read order line {part!r}; write it as 2 x "SKU-1"')
        items.append({"sku": match[2], "quantity": int(match[1])})
    return items


def expand_aliases(text: str) -> list[str]:
    """'M1..M5' -> M1, M2, ... M5; 'A, B' -> A, B."""
    aliases: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        match = _RANGE.match(part)
        if match:
            aliases += [f"{match['prefix']}{n}" for n in range(int(match["first"]), int(match["last"]) + 1)]
        elif part:
            aliases.append(part)
    return aliases


def place_order(
    world: World,
    alias: str,
    lines: str,
    *,
    status: str = "Pending",
    channel: str = "MFN",
    store: str | None = None,
    price: str | None = None,
    tax: str | None = None,
    buyer: tuple[str, str] | None = None,
    purchase_date: Any = None,
) -> str:
    """Place an Amazon order in the store's marketplace; returns its Amazon order ID."""
    if alias in world.orders:
        raise ValueError(f"order {alias!r} already exists in this scenario")
    if purchase_date is None:
        world.clock.advance(ORDER_GAP)
    items = parse_lines(lines)
    for item in items:
        product = world.magento.products.get(item["sku"])
        item["price"] = price or (str(product.price) if product is not None else "19.99")
        if tax is not None:
            item["tax"] = tax
    store_name = store or (world.default_store() if world.stores else None)
    extra: dict[str, Any] = {}
    if store_name is not None:
        extra["marketplace_id"] = world.stores[store_name].marketplace_id
    if buyer is not None:
        extra["buyer_name"], extra["buyer_email"] = buyer
    if purchase_date is not None:
        extra["purchase_date"] = purchase_date
    order = world.amazon.create_order(items=items, status=status, fulfillment_channel=channel, **extra)
    world.orders[alias] = order.amazon_order_id
    if store_name is not None:
        world.order_store[order.amazon_order_id] = store_name
    return order.amazon_order_id


@step(parsers.re(r'^a buyer orders (?P<lines>.+) on Amazon as order "(?P<alias>[^"]+)"$'))
def buyer_orders(world: World, lines: str, alias: str) -> None:
    place_order(world, alias, lines)


@given(
    parsers.re(
        r'^a buyer orders (?P<lines>.+) on Amazon at the integration instant of "(?P<store>[^"]+)" '
        r'as order "(?P<alias>[^"]+)"$'
    )
)
def buyer_orders_at_integration(world: World, lines: str, store: str, alias: str) -> None:
    world.clock.advance(ORDER_GAP)
    place_order(world, alias, lines, store=store, purchase_date=world.stores[store].integrated_at)


_ORDER = re.compile(
    r'^an? (?P<unshipped>Unshipped )?Amazon order "(?P<alias>[^"]+)"(?P<afn> fulfilled by Amazon)? '
    r"for (?P<lines>.+?)"
    r"(?: at (?P<price>\d+(?:\.\d+)?)(?: with tax (?P<tax>\d+(?:\.\d+)?))?)?"
    r'(?: bought by "(?P<name>[^"]+)" <(?P<email>[^>]+)>)?'
    r'(?: in status "(?P<status>[^"]+)")?'
    r'(?: in the store "(?P<store>[^"]+)")?$'
)


@step(parsers.re(_ORDER.pattern))
def amazon_order(
    world: World,
    alias: str,
    lines: str,
    unshipped: str | None,
    afn: str | None,
    price: str | None,
    tax: str | None,
    name: str | None,
    email: str | None,
    status: str | None,
    store: str | None,
) -> None:
    place_order(
        world,
        alias,
        lines,
        status=status or ("Unshipped" if unshipped else "Pending"),
        channel="AFN" if afn else "MFN",
        store=store,
        price=price,
        tax=tax,
        buyer=(name, email) if name and email else None,
    )


@given(parsers.re(r'^(?P<count>\d+) Unshipped Amazon orders "(?P<aliases>[^"]+)" for (?P<lines>.+) each$'))
def many_orders(world: World, count: str, aliases: str, lines: str) -> None:
    names = expand_aliases(aliases)
    if len(names) != int(count):
        raise ValueError(f'"{aliases}" names {len(names)} orders, not {count}')
    for alias in names:
        place_order(world, alias, lines, status="Unshipped")


@step(parsers.parse('Amazon moves order "{alias}" to "{status}"'))
def amazon_moves(world: World, alias: str, status: str) -> None:
    world.clock.advance(ORDER_GAP)
    world.amazon.set_status(world.order_id(alias), status)


@step(parsers.parse('Amazon cancels order "{alias}"'))
def amazon_cancels(world: World, alias: str) -> None:
    world.clock.advance(ORDER_GAP)
    world.amazon.cancel(world.order_id(alias), "BuyerCanceled")


THROTTLED = {"order searches": "getOrders", "order item look-ups": "getOrderItems", "order look-ups": "getOrder"}


@given(
    parsers.re(
        r"^Amazon throttles the next (?P<times>\d+) (?P<what>order searches|order item look-ups|order look-ups)$"
    )
)
def amazon_throttles(world: World, times: str, what: str) -> None:
    """Amazon answers 429 QuotaExceeded to the next calls of one operation."""
    world.sandbox.faults.inject("amazon", THROTTLED[what], Fault("status", times=int(times), status=429))


@when(parsers.parse('Amazon reports order "{alias}" again with its earlier status "{status}"'))
def amazon_stale_report(world: World, alias: str, status: str) -> None:
    world.amazon.report_stale(world.order_id(alias), status)


@when(parsers.parse("{minutes:d} minutes pass"))
def minutes_pass(world: World, minutes: int) -> None:
    world.clock.advance(minutes * 60)
