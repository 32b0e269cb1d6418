"""Then-steps about the connector's Amazon orders table (All Orders) and Recent Orders."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from pytest_bdd import parsers, then

from harness.adapter import OrderRow
from harness.blame import checks
from harness.expect import expect
from harness.steps.amazon_steps import aliases_of, expand_aliases
from harness.world import World

SELLER_CENTRAL = "sellercentral"


def find_row(world: World, alias: str, rows: list[OrderRow] | None = None) -> OrderRow | None:
    amazon_id = world.order_id(alias)
    for row in rows if rows is not None else world.adapter.amazon_orders(world.store_of(alias)):
        if row.order_number == amazon_id:
            return row
    return None


def _same_instant(shown: str, actual: datetime) -> bool:
    try:
        parsed = datetime.fromisoformat(shown.replace("Z", "+00:00"))
    except ValueError:
        return False
    return parsed.tzinfo is not None and parsed == actual


@then(parsers.parse('the Amazon orders table shows order "{alias}" with status "{status}"'))
@checks("IMP-14", "IMP-01", "IMP-03", "IMP-05", "IMP-08", "DIS-01", "VIEW-01", "CAN-01", "STO-01", "PRE-03", "SYN-05")
def table_shows(world: World, alias: str, status: str) -> None:
    row = find_row(world, alias)
    amazon_id = world.order_id(alias)
    shown = "no row" if row is None else f"status {row.status}"
    expect(
        row is not None and row.status == status,
        world,
        f"a row for {amazon_id} with status {status} ({shown})",
        order=amazon_id,
    )


@then(parsers.parse('the Amazon orders table shows each of the orders "{aliases}" with status "{status}"'))
@checks("IMP-14", "SYN-01", "SYN-02", "SYN-03")
def table_shows_each(world: World, aliases: str, status: str) -> None:
    names = aliases_of(world, aliases)
    rows = world.adapter.amazon_orders(world.store_of(names[0]))
    wrong = [a for a in names if (r := find_row(world, a, rows)) is None or r.status != status]
    expect(not wrong, world, f"rows with status {status} for all of {aliases}; wrong or missing: {wrong[:10]}")


@then(parsers.parse('the Amazon orders table has no row for order "{alias}"'))
@checks("PRE-03", "STO-01")
def table_lacks(world: World, alias: str) -> None:
    amazon_id = world.order_id(alias)
    expect(find_row(world, alias) is None, world, f"no row for {amazon_id}", order=amazon_id)


@then(parsers.parse('the Order Notes of order "{alias}" include "{text}"'))
@checks("IMP-14", "BLK-06", "BLK-07")
def notes_include(world: World, alias: str, text: str) -> None:
    row = find_row(world, alias)
    expect(
        row is not None and text in row.notes,
        world,
        f"the Order Notes of {world.order_id(alias)} include {text!r}",
        order=world.order_id(alias),
    )


def carries_its_magento_order(world: World, alias: str) -> tuple[OrderRow | None, bool]:
    """The order's row, and whether it carries the number of the order's one Magento order."""
    row = find_row(world, alias)
    found = world.magento.orders_for_amazon_id(world.order_id(alias))
    return row, row is not None and len(found) == 1 and row.magento_order == str(found[0]["increment_id"])


@then(parsers.parse('the order number of "{alias}" in the Amazon orders table leads to its Magento order'))
@checks("IMP-04")
def leads_to_magento(world: World, alias: str) -> None:
    amazon_id = world.order_id(alias)
    row, carries = carries_its_magento_order(world, alias)
    found = world.magento.orders_for_amazon_id(amazon_id)
    names = {str(o["entity_id"]) for o in found} | {str(o["increment_id"]) for o in found}
    segments = set(re.split(r"[/?&=#]", row.link or "")) if row is not None else set()
    ok = (
        carries
        and row is not None
        and row.link is not None
        and SELLER_CENTRAL not in row.link.lower()
        and bool(names & segments)  # DEC-07: the link names this order's Magento order
    )
    expect(
        ok,
        world,
        f"the row of {amazon_id} carries its Magento order's number and its link leads to that Magento order "
        f"(names its ID {sorted(names)}), not to Seller Central (row: {row})",
        order=amazon_id,
    )


@then(parsers.parse('the order number of "{alias}" in the Amazon orders table leads to Amazon Seller Central'))
@checks("DIS-03")
def leads_to_seller_central(world: World, alias: str) -> None:
    amazon_id = world.order_id(alias)
    row = find_row(world, alias)
    ok = row is not None and row.link is not None and SELLER_CENTRAL in row.link.lower() and amazon_id in row.link
    expect(ok, world, f"the order number {amazon_id} leads to its Seller Central page (row: {row})", order=amazon_id)


@then(parsers.parse('the row of order "{alias}" carries no Magento order'))
@checks("DIS-03")
def row_without_magento(world: World, alias: str) -> None:
    row = find_row(world, alias)
    expect(
        row is not None and row.magento_order is None,
        world,
        f"a view-only row without Magento order ({row})",
        order=world.order_id(alias),
    )


@then(parsers.parse('the row of order "{alias}" carries its Magento order'))
@checks("IMP-04", "SYN-04")
def row_with_magento(world: World, alias: str) -> None:
    amazon_id = world.order_id(alias)
    row, ok = carries_its_magento_order(world, alias)
    expect(ok, world, f"the row of {amazon_id} carries the number of its one Magento order ({row})", order=amazon_id)


@then(parsers.parse('Recent Orders of "{store}" show order "{alias}" with status "{status}"'))
@checks("VIEW-01")
def recent_shows(world: World, store: str, alias: str, status: str) -> None:
    row = find_row(world, alias, world.adapter.recent_orders(store))
    expect(
        row is not None and row.status == status,
        world,
        f"Recent Orders of {store} show {world.order_id(alias)} with status {status} ({row})",
        order=world.order_id(alias),
    )


@then(parsers.parse('Recent Orders of "{store}" show order "{alias}" without Magento order data'))
@checks("VIEW-03")
def recent_without_magento(world: World, store: str, alias: str) -> None:
    row = find_row(world, alias, world.adapter.recent_orders(store))
    found = world.magento.orders_for_amazon_id(world.order_id(alias))
    numbers = {str(o["increment_id"]) for o in found} | {str(o["entity_id"]) for o in found}
    segments = set(re.split(r"[/?&=#]", row.link or "")) if row is not None else set()
    increments = {str(o["increment_id"]) for o in found} - {world.order_id(alias)}
    ok = (
        row is not None
        and row.magento_order is None
        and not numbers & segments
        and not any(n in note for n in increments for note in row.notes)
    )
    expect(
        ok,
        world,
        f"Recent Orders show {world.order_id(alias)} without Magento order data: no Magento order number in the "
        f"row, its link or its notes ({row})",
        order=world.order_id(alias),
    )


@then(
    parsers.parse(
        "the row of order \"{alias}\" shows Amazon's purchase date, order number, status, buyer's name and grand total"
    )
)
@checks("VIEW-02")
def row_shows_amazon_data(world: World, alias: str) -> None:
    amazon_id = world.order_id(alias)
    order = world.amazon.get(amazon_id)
    row = find_row(world, alias)
    ok = (
        row is not None
        and _same_instant(row.purchase_date, order.purchase_date)
        and row.status == order.status
        and row.buyer_name == order.buyer_name
        and row.grand_total is not None
        and Decimal(row.grand_total) == order.total
    )
    wanted = {"purchase_date": order.purchase_date, "status": order.status, "buyer_name": order.buyer_name}
    wanted["grand_total"] = str(order.total)
    found = {k: getattr(row, k, None) for k in wanted}
    expect(
        ok,
        world,
        f"the row of {amazon_id} shows purchase date {order.purchase_date.isoformat()}, status "
        f"{order.status}, buyer {order.buyer_name!r}, total {order.total} (row: {row})",
        order=amazon_id,
        wanted=wanted,
        found={**found, "grand_total": None if row is None or row.grand_total is None else str(row.grand_total)},
    )


def _filtered(world: World, store: str, filters: Mapping[str, Any], aliases: str) -> None:
    wanted = {world.order_id(a) for a in expand_aliases(aliases)}
    shown = {r.order_number for r in world.adapter.amazon_orders(store, dict(filters) or None)}
    named = {v: k for k, v in world.orders.items()}
    expect(
        shown == wanted,
        world,
        f"All Orders of {store} with {dict(filters) or 'no filter'} show exactly "
        f"{sorted(named[w] for w in wanted)}; shown: {sorted(named.get(s, s) for s in shown)}",
        store=store,
        wanted=sorted(named[w] for w in wanted),
        found=sorted(named.get(s, s) for s in shown),
    )


@then(parsers.re(r'^All Orders of "(?P<store>[^"]+)" show exactly the orders "(?P<aliases>[^"]+)"$'))
@checks("VIEW-04")
def all_orders(world: World, store: str, aliases: str) -> None:
    _filtered(world, store, {}, aliases)


@then(parsers.parse('All Orders of "{store}" filtered by status "{status}" show exactly the orders "{aliases}"'))
@checks("VIEW-04")
def all_orders_status(world: World, store: str, status: str, aliases: str) -> None:
    _filtered(world, store, {"status": status}, aliases)


@then(parsers.parse('All Orders of "{store}" filtered by buyer\'s name "{name}" show exactly the orders "{aliases}"'))
@checks("VIEW-04")
def all_orders_buyer(world: World, store: str, name: str, aliases: str) -> None:
    _filtered(world, store, {"buyer_name": name}, aliases)


@then(
    parsers.parse(
        'All Orders of "{store}" filtered by the order number of "{alias}" show exactly the orders "{aliases}"'
    )
)
@checks("VIEW-04")
def all_orders_number(world: World, store: str, alias: str, aliases: str) -> None:
    _filtered(world, store, {"order_number": world.order_id(alias)}, aliases)


@then(
    parsers.parse(
        'All Orders of "{store}" filtered by a total from {low} to {high} show exactly the orders "{aliases}"'
    )
)
@checks("VIEW-04")
def all_orders_total(world: World, store: str, low: str, high: str, aliases: str) -> None:
    _filtered(world, store, {"total_min": low, "total_max": high}, aliases)


@then(
    parsers.parse(
        'All Orders of "{store}" filtered by the purchase dates of "{first}" to "{last}" '
        'show exactly the orders "{aliases}"'
    )
)
@checks("VIEW-04")
def all_orders_dates(world: World, store: str, first: str, last: str, aliases: str) -> None:
    start = world.amazon.get(world.order_id(first)).purchase_date.isoformat()
    end = world.amazon.get(world.order_id(last)).purchase_date.isoformat()
    _filtered(world, store, {"purchase_date_from": start, "purchase_date_to": end}, aliases)


#: The All Orders fields as the merchant's filter form names them, and how a value written in the scenario
#: becomes the filter's value: an order's alias for its purchase date or number, or the text as written.
FILTER_FIELDS: dict[str, str] = {
    "purchase date from": "purchase_date_from",
    "purchase date to": "purchase_date_to",
    "order number": "order_number",
    "buyer's name": "buyer_name",
    "total from": "total_min",
    "total to": "total_max",
    "status": "status",
}


def _filter_value(world: World, key: str, text: str) -> str:
    if key in ("purchase_date_from", "purchase_date_to"):
        return world.amazon.get(world.order_id(text)).purchase_date.isoformat()
    return world.order_id(text) if key == "order_number" else text


@then(parsers.parse('All Orders of "{store}" filtered by these fields at once show exactly the orders "{aliases}"'))
@checks("VIEW-04", "DEC-31")
def all_orders_combined(world: World, store: str, aliases: str, datatable: list[list[str]]) -> None:
    """Every filled field of the table at once, in a drawn order; each blank field is sent blank (empty text),
    at a drawn place before the last filled one, where a connector that stopped at it would drop a filter."""
    header, *rows = datatable
    if [h.strip().lower() for h in header] != ["field", "value"]:
        raise ValueError("the filter table has the columns | field | value |")
    unknown = [f for f, _ in rows if f.strip() not in FILTER_FIELDS]
    if unknown:
        raise ValueError(f"unknown All Orders field(s) {unknown}; known: {sorted(FILTER_FIELDS)}")
    filled = [(FILTER_FIELDS[f.strip()], v.strip()) for f, v in rows if v.strip()]
    blank = [FILTER_FIELDS[f.strip()] for f, v in rows if not v.strip()]
    if not filled:
        raise ValueError("fill at least one field of the filter table")
    ordered: list[tuple[str, str]] = []
    for key, text in filled:
        ordered.insert(world.draws.position(f"All Orders: place of the {key} filter", len(ordered) + 1), (key, text))
    for key in blank:
        at = world.draws.position(f"All Orders: place of the blank {key} field", len(ordered))
        ordered.insert(at, (key, ""))
    _filtered(world, store, {k: _filter_value(world, k, t) if t else "" for k, t in ordered}, aliases)
