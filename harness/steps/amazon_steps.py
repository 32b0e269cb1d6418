"""Steps about what happens on Amazon: orders placed, statuses changed, throttling, stale reports."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

from pytest_bdd import given, parsers, step, then, when

from harness.blame import checks
from harness.expect import expect
from harness.variation import CANCEL_REASONS, EVENT_GAP, Draws
from harness.world import World
from simulators.journal import Fault

_LINE = re.compile(r'^\s*(\d+|some)\s*(?:x\s*)?"([^"]+)"\s*$')
_RANGE = re.compile(r"^(?P<prefix>[A-Za-z]*)(?P<first>\d+)\.\.(?P=prefix)(?P<last>\d+)$")
#: Units of a line written 'some "SKU-1"': the scenario leaves the quantity open.
SOME = (1, 3)
#: Products the rest of an order written '... among other items' is made of (each in stock).
OTHER_ITEMS = ("SKU-OTHER-1", "SKU-OTHER-2")


def parse_lines(text: str, draws: Draws | None = None, alias: str = "") -> list[dict[str, Any]]:
    """'2 x "SKU-1" and 1 x "SKU-2"' -> item specs for the fake Amazon; 'some "SKU-1"' draws the quantity."""
    items = []
    for part in re.split(r"\s*(?:,|\band\b)\s*", text.strip()):
        match = _LINE.match(part)
        if not match or (match[1] == "some" and draws is None):
            raise ValueError(f'cannot read order line {part!r}; write it as 2 x "SKU-1"')
        if match[1] == "some":
            quantity = draws.integer(f'order {alias}: units of "{match[2]}"', *SOME) if draws else 0
        else:
            quantity = int(match[1])
        items.append({"sku": match[2], "quantity": quantity})
    return items


_ARRANGEMENT = re.compile(r"^(?P<lines>.+?)(?P<among> among other items)?(?P<shuffled> in any order)?$")


def _arranged(world: World, alias: str, text: str) -> list[dict[str, Any]]:
    """The order's lines: as written, shuffled into a drawn order ('... in any order'), or with 0 to 2 other
    items in stock around them, the written ones at a drawn position ('... among other items')."""
    match = _ARRANGEMENT.match(text.strip())
    if match is None:
        raise ValueError(f"cannot read order lines {text!r}")
    items = parse_lines(match["lines"], world.draws, alias)
    if match["shuffled"]:
        shuffled: list[dict[str, Any]] = []
        for item in items:
            shuffled.insert(world.draws.position(f"order {alias}: position of {item['sku']}", len(shuffled) + 1), item)
        items = shuffled
    if match["among"]:
        others = OTHER_ITEMS[: world.draws.integer(f"order {alias}: other items", 0, len(OTHER_ITEMS))]
        lines = []
        for sku in others:
            if sku not in world.magento.products:
                stock = world.draws.integer(f'stock of "{sku}"', 50, 500)
                world.magento.create_product(sku, price="7.49", qty=stock)
            lines.append({"sku": sku, "quantity": world.draws.integer(f'order {alias}: units of "{sku}"', 1, 3)})
        at = world.draws.position(f"order {alias}: position of the written items", len(lines) + 1)
        items = lines[:at] + items + lines[at:]
    return items


def gap(world: World, what: str) -> None:
    """Time passes before the next event: a drawn number of seconds (the rule does not say how long)."""
    world.clock.advance(world.draws.seconds(f"seconds before {what}", EVENT_GAP))


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
    marketplace: str | None = None,
) -> str:
    """Place an Amazon order in the store's marketplace; returns its Amazon order ID."""
    if alias in world.orders:
        raise ValueError(f"order {alias!r} already exists in this scenario")
    if purchase_date is None:
        gap(world, f"order {alias} is placed")
    items = _arranged(world, alias, lines)
    for item in items:
        product = world.magento.products.get(item["sku"])
        item["price"] = price or (str(product.price) if product is not None else "19.99")
        if tax is not None:
            item["tax"] = tax
    store_name = store or (world.default_store() if world.stores and marketplace is None else None)
    extra: dict[str, Any] = {}
    if store_name is not None:
        extra["marketplace_id"] = world.stores[store_name].marketplace_id
    elif marketplace is not None:  # a marketplace no store of the scenario is integrated for (yet)
        extra["marketplace_id"] = marketplace
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
    gap(world, f"order {alias} is placed")
    place_order(world, alias, lines, store=store, purchase_date=world.stores[store].integrated_at)


_ORDER = re.compile(
    r'^an? (?P<unshipped>Unshipped )?Amazon order "(?P<alias>[^"]+)"(?P<afn> fulfilled by Amazon)? '
    r"for (?P<lines>.+?)"
    r"(?: at (?P<price>\d+(?:\.\d+)?)(?: with tax (?P<tax>\d+(?:\.\d+)?))?)?"
    r'(?: bought by "(?P<name>[^"]+)" <(?P<email>[^>]+)>)?'
    r'(?: in status "(?P<status>[^"]+)")?'
    r'(?: in the store "(?P<store>[^"]+)")?'
    r'(?: in the marketplace "(?P<marketplace>[^"]+)")?$'
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
    marketplace: str | None,
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
        marketplace=marketplace,
    )


@given(parsers.re(r'^(?P<count>\d+) Unshipped Amazon orders "(?P<aliases>[^"]+)" for (?P<lines>.+) each$'))
def many_orders(world: World, count: str, aliases: str, lines: str) -> None:
    names = expand_aliases(aliases)
    if len(names) != int(count):
        raise ValueError(f'"{aliases}" names {len(names)} orders, not {count}')
    for alias in names:
        place_order(world, alias, lines, status="Unshipped")


GROUPS = "groups"  # World.notes key: group name -> the aliases of its orders


def aliases_of(world: World, text: str) -> list[str]:
    """'M1..M5', 'A, B', or 'every order "P"' groups drawn by :func:`drawn_many_orders` ('P*')."""
    if text.endswith("*"):
        group = world.notes.get(GROUPS, {}).get(text[:-1])
        if group is None:
            raise ValueError(f"no group of orders {text[:-1]!r} in this scenario")
        return list(group)
    return expand_aliases(text)


@given(
    parsers.re(
        r'^(?P<low>\d+) to (?P<high>\d+) Unshipped Amazon orders "(?P<group>[A-Za-z]+)\*" for (?P<lines>.+) each$'
    )
)
def drawn_many_orders(world: World, low: str, high: str, group: str, lines: str) -> None:
    """A drawn number of orders, called group1, group2, ...; steps name them all as 'group*'."""
    count = world.draws.integer(f"orders {group}*", int(low), int(high))
    names = [f"{group}{n}" for n in range(1, count + 1)]
    world.notes.setdefault(GROUPS, {})[group] = names
    for alias in names:
        place_order(world, alias, lines, status="Unshipped")


@then("every call Amazon throttled was made again only after time had passed")
@checks("SYN-02")
def retried_after_a_wait(world: World) -> None:
    """After a 429 the connector waits before calling the same operation again (SYN-02: it backs off). The
    throttles land on Orders v0 operations: a connector reading Amazon through Orders 2026-01-01 meets none,
    and then there is nothing to check."""
    entries = world.sandbox.journal.entries("amazon")
    throttled = [(i, e) for i, e in enumerate(entries) if e.status == 429]
    hasty = []
    for index, entry in throttled:
        following = next((e for e in entries[index + 1 :] if e.operation == entry.operation), None)
        if following is None or following.at <= entry.at:
            hasty.append(
                f"{entry.operation} throttled at {entry.at.isoformat()}, next call "
                f"{following.at.isoformat() if following else 'never made'}"
            )
    expect(
        not hasty,
        world,
        f"every throttled call made again after a wait ({len(throttled)} throttled; too soon or never: {hasty})",
    )


@step(parsers.parse('Amazon moves order "{alias}" to "{status}"'))
def amazon_moves(world: World, alias: str, status: str) -> None:
    gap(world, f"Amazon moves order {alias} to {status}")
    world.amazon.set_status(world.order_id(alias), status)


@step(parsers.parse('Amazon cancels order "{alias}"'))
def amazon_cancels(world: World, alias: str) -> None:
    gap(world, f"Amazon cancels order {alias}")
    reason = world.draws.choice(f"reason Amazon cancels order {alias} with", CANCEL_REASONS)
    world.amazon.cancel(world.order_id(alias), reason)


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


@when(parsers.parse("{hours:d} hours pass"))
def hours_pass(world: World, hours: int) -> None:
    world.clock.advance(hours * 3600)


@when(parsers.parse("{minutes:d} minutes pass"))
def minutes_pass(world: World, minutes: int) -> None:
    world.clock.advance(minutes * 60)


@given(parsers.re(r"^Amazon takes (?P<count>\d+) (?P<unit>minutes|hours) to process a feed$"))
def amazon_feed_processing_time(world: World, count: str, unit: str) -> None:
    """Amazon processes a feed (a seller's cancellation) this long after it was created; until then the feed
    is IN_QUEUE and the order unchanged."""
    world.amazon.feeds.processing_seconds = int(count) * (3600.0 if unit == "hours" else 60.0)


@given(parsers.re(r"^Amazon (?P<kind>answers HTTP 503 to|gives no answer to) the next cancellation request$"))
def amazon_fails_next_cancellation(world: World, kind: str) -> None:
    """The next cancellation request (the feed document it starts with) fails before Amazon does anything
    (503), or is served and its answer never comes."""
    fault = Fault("status", status=503) if kind.startswith("answers") else Fault("lost")
    world.sandbox.faults.inject("amazon", "createFeedDocument", fault)


@step(
    parsers.re(
        r"^Amazon (?P<kind>answers HTTP (?P<status>\d{3}) to|gives no answer to) the next shipment confirmation$"
    )
)
def amazon_fails_next_confirmation(world: World, kind: str, status: str | None) -> None:
    """The next confirmShipment is answered with an error status before Amazon does anything (503: it failed;
    400 or 404: it refuses it), or is served and its answer never comes."""
    fault = Fault("status", status=int(status)) if status else Fault("lost")
    world.sandbox.faults.inject("amazon", "confirmShipment", fault)


@then(parsers.parse('Amazon was asked once to confirm the shipment of "{alias}"'))
@checks("DEC-24", "IMP-05")
def amazon_asked_once_to_confirm(world: World, alias: str) -> None:
    """A shipment confirmation Amazon refused is not sent again (DEC-24): one confirmShipment call for the
    order, whatever Amazon answered."""
    amazon_id = world.order_id(alias)
    calls = [
        e for e in world.sandbox.journal.entries("amazon", "confirmShipment") if f"/orders/{amazon_id}/" in e.path
    ]
    expect(
        len(calls) == 1,
        world,
        f"one shipment confirmation request for the order (Amazon was asked {len(calls)} times: "
        f"{[e.status for e in calls]})",
        order=amazon_id,
    )

#: Amazon's order search in each Orders API version (the connector reads through one of them).
ORDER_SEARCHES = ("getOrders", "searchOrders")


@given("Amazon answers order searches with a few orders a page")
def few_orders_a_page(world: World) -> None:
    """SP-API's MaxResultsPerPage is a maximum: a page may hold fewer orders, with a NextToken for the rest."""
    world.amazon.orders_page_size = world.draws.integer("orders a page of Amazon's order search holds", 1, 3)


@given(
    parsers.re(r"^Amazon answers HTTP (?P<status>\d{3}) to the (?P<nth>second|third) page of the next order search$")
)
def search_fails_at_page(world: World, status: str, nth: str) -> None:
    """The search's first pages are served, then one page fails: a read that stops midway."""
    skip = {"second": 1, "third": 2}[nth]
    for operation in ORDER_SEARCHES:
        world.sandbox.faults.inject("amazon", operation, Fault("status", status=int(status), skip=skip))



#: The calls of a seller cancellation (Feeds 2021-06-30: the order acknowledgement feed) a scenario may make
#: fail, by the words a scenario uses for them.
FEED_CALLS = {
    "feed document creation": "createFeedDocument",
    "feed document upload": "uploadDocument",
    "feed creation": "createFeed",
    "feed status read": "getFeed",
    "processing report look-up": "getFeedDocument",
    "processing report download": "downloadDocument",
}


@given(
    parsers.re(
        r"^Amazon (?P<kind>answers HTTP (?P<status>\d{3}) to|gives no answer to) the next "
        r"(?P<call>feed document creation|feed document upload|feed creation|feed status read|"
        r"processing report look-up|processing report download)$"
    )
)
def amazon_fails_next_feed_call(world: World, kind: str, status: str | None, call: str) -> None:
    """One call of a cancellation feed is answered with an HTTP error before Amazon does anything, or is served
    and its answer never comes (the connector cannot tell whether it happened)."""
    fault = Fault("status", status=int(status)) if status else Fault("lost")
    world.sandbox.faults.inject("amazon", FEED_CALLS[call], fault)


#: Seconds Amazon may take to process a feed, drawn: always longer than the wait before a scheduled sync
#: (half an hour at most), so the sync right after the feed finds it still in Amazon's queue.
FEED_PROCESSING = (1801, 7200)


@given("Amazon takes longer than half an hour to process a feed")
def amazon_feeds_take_long(world: World) -> None:
    seconds = world.draws.seconds("seconds Amazon takes to process a feed", FEED_PROCESSING)
    world.amazon.feeds.processing_seconds = seconds


@when("Amazon has processed every feed it holds")
def amazon_feeds_processed(world: World) -> None:
    """Time passes until every feed queued so far has been processed (the next request processes it)."""
    world.clock.advance(int(world.amazon.feeds.processing_seconds))


#: Elements of an order acknowledgement envelope whose content is elements only (amzn-envelope.xsd): text
#: between their children makes the document invalid.
ELEMENT_ONLY = frozenset({"AmazonEnvelope", "Header", "Message", "OrderAcknowledgement", "Item"})


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def envelope_faults(root: ElementTree.Element) -> list[str]:
    """What makes an order acknowledgement document one Amazon's schema refuses (empty: none found)."""
    faults = []
    if _local(root.tag) != "AmazonEnvelope":
        faults.append(f"the root element is {_local(root.tag)}, not AmazonEnvelope")
    header = next((c for c in root if _local(c.tag) == "Header"), None)
    fields = {_local(c.tag): (c.text or "").strip() for c in (header if header is not None else [])}
    if not fields.get("DocumentVersion") or not fields.get("MerchantIdentifier"):
        faults.append("the Header lacks its DocumentVersion or MerchantIdentifier")
    for element in root.iter():
        if _local(element.tag) in ELEMENT_ONLY:
            stray = [(element.text or "").strip()] + [(c.tail or "").strip() for c in element]
            if any(stray):
                faults.append(f"text {[t for t in stray if t]} inside {_local(element.tag)}, which holds elements only")
    return faults


def cancellation_feeds(world: World, amazon_order_id: str) -> tuple[list[str], list[str]]:
    """The feeds Amazon received that cancel the order (a Failure acknowledgement of it) in a document its
    schema accepts, by feed ID; and what is wrong with those whose document it would refuse."""
    store = world.amazon.feeds
    found, refused = [], []
    for feed in store.feeds.values():
        content = store.documents[feed.input_document_id].content or b""
        try:
            root = ElementTree.fromstring(content)
        except ElementTree.ParseError:
            continue
        for ack in (e for e in root.iter() if _local(e.tag) == "OrderAcknowledgement"):
            fields = {_local(child.tag): (child.text or "").strip() for child in ack}
            if fields.get("AmazonOrderID") == amazon_order_id and fields.get("StatusCode") == "Failure":
                faults = envelope_faults(root)
                if faults:
                    refused.append(f"feed {feed.feed_id}: " + "; ".join(faults))
                else:
                    found.append(feed.feed_id)
    return found, refused


@then(parsers.parse('Amazon has received exactly one cancellation of order "{alias}"'))
@checks("CAN-01", "DEC-25", "DEC-20", "STO-02")
def amazon_one_cancellation(world: World, alias: str) -> None:
    """However many syncs Amazon takes, whatever fails on the way and however often the merchant asks again, a
    cancellation from Magento reaches Amazon once, in a document its schema accepts (DEC-20, DEC-25)."""
    feeds, refused = cancellation_feeds(world, world.order_id(alias))
    expect(
        len(feeds) == 1 and not refused,
        world,
        f"exactly one feed that cancels the order in a document Amazon's schema accepts (Amazon received "
        f"{len(feeds)}: {feeds}; documents it would refuse: {refused})",
        order=world.order_id(alias),
    )


@then(parsers.parse('Amazon has received no cancellation of order "{alias}"'))
@checks("CAN-01", "DEC-27", "STO-02")
def amazon_no_cancellation(world: World, alias: str) -> None:
    feeds, refused = cancellation_feeds(world, world.order_id(alias))
    expect(
        not feeds and not refused,
        world,
        f"no feed that cancels the order (Amazon received {feeds + refused})",
        order=world.order_id(alias),
    )


@when(parsers.re(r"^the feeds in Amazon's queue end (?P<status>FATAL|CANCELLED)$"))
def amazon_queued_feeds_end(world: World, status: str) -> None:
    """Every feed still in Amazon's queue ends without being applied, and the time it would have taken passes:
    FATAL (Amazon could not read its document: the fake processes an empty document as FATAL) or CANCELLED (as
    a cancelFeed call of another of the seller's tools leaves it)."""
    store = world.amazon.feeds
    for feed in store.feeds.values():
        if feed.status != "IN_QUEUE":
            continue
        if status == "FATAL":
            store.documents[feed.input_document_id].content = b""
        else:
            feed.status, feed.started, feed.ended = "CANCELLED", None, world.clock.now()
    world.clock.advance(int(store.processing_seconds))


@step(parsers.parse('Amazon moves order "{alias}" to "{status}" within the same second'))
def amazon_moves_same_second(world: World, alias: str, status: str) -> None:
    """A status change stamped with the same LastUpdateDate as what came just before it (Amazon's stamps have
    one-second resolution)."""
    world.amazon.set_status(world.order_id(alias), status)


@given(parsers.parse('Amazon\'s shipping address of order "{alias}" has three street lines'))
def address_of_three_lines(world: World, alias: str) -> None:
    """The order ships to an address written on all three of Amazon's street lines (before any sync reads it)."""
    address = world.amazon.get(world.order_id(alias)).address
    address["AddressLine2"] = f"Apartment {world.draws.integer(f'apartment of order {alias}', 1, 999)}"
    address["AddressLine3"] = f"Building {world.draws.integer(f'building of order {alias}', 1, 99)}"
