"""Steps about what happens on Amazon: orders placed, statuses changed, time passing."""

from __future__ import annotations

import re

from pytest_bdd import given, parsers, when

from harness.world import World

_LINE = re.compile(r'^\s*(\d+)\s*x\s*"([^"]+)"\s*$')


def parse_lines(text: str) -> list[dict[str, object]]:
    """'2 x "SKU-1" and 1 x "SKU-2"' -> item specs for the fake Amazon."""
    items = []
    for part in re.split(r"\s*(?:,|\band\b)\s*", text.strip()):
        match = _LINE.match(part)
        if not match:
            raise ValueError(f'cannot read order line {part!r}; write it as 2 x "SKU-1"')
        items.append({"sku": match[2], "quantity": int(match[1])})
    return items


def _place(world: World, lines: str, alias: str, channel: str = "MFN", status: str = "Pending") -> None:
    world.clock.advance(60)
    items = parse_lines(lines)
    for item in items:
        product = world.magento.products.get(str(item["sku"]))
        if product is not None:
            item["price"] = str(product.price)
    order = world.amazon.create_order(items=items, fulfillment_channel=channel, status=status)
    world.orders[alias] = order.amazon_order_id


@given(parsers.re(r'a buyer orders (?P<lines>.+) on Amazon as order "(?P<alias>[^"]+)"$'))
@when(parsers.re(r'a buyer orders (?P<lines>.+) on Amazon as order "(?P<alias>[^"]+)"$'))
def buyer_orders(world: World, lines: str, alias: str) -> None:
    _place(world, lines, alias)


@given(parsers.parse('Amazon moves order "{alias}" to "{status}"'))
@when(parsers.parse('Amazon moves order "{alias}" to "{status}"'))
def amazon_moves(world: World, alias: str, status: str) -> None:
    world.clock.advance(60)
    world.amazon.set_status(world.order_id(alias), status)


@when(parsers.parse("{minutes:d} minutes pass"))
def minutes_pass(world: World, minutes: int) -> None:
    world.clock.advance(minutes * 60)
