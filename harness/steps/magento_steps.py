"""Then-steps about Magento, read from the fake Magento (never from the connector)."""

from __future__ import annotations

from decimal import Decimal

from pytest_bdd import parsers, then

from harness.expect import expect
from harness.world import World


@then(parsers.parse('order "{alias}" has no Magento order'))
def no_magento_order(world: World, alias: str) -> None:
    amazon_id = world.order_id(alias)
    found = world.magento.orders_for_amazon_id(amazon_id)
    expect(not found, world, f"no Magento order for {amazon_id}", order=amazon_id)


@then(parsers.parse('order "{alias}" has exactly one Magento order with status "{status}" in state "{state}"'))
def one_magento_order(world: World, alias: str, status: str, state: str) -> None:
    amazon_id = world.order_id(alias)
    found = world.magento.orders_for_amazon_id(amazon_id)
    expect(
        len(found) == 1 and found[0]["status"] == status and found[0]["state"] == state,
        world,
        f"exactly one Magento order for {amazon_id}, status {status}, state {state}",
        order=amazon_id,
    )


@then(
    parsers.re(r'the Magento order for "(?P<alias>[^"]+)" holds (?P<qty>\d+) x "(?P<sku>[^"]+)" at (?P<price>[\d.]+)$')
)
def magento_order_holds(world: World, alias: str, qty: str, sku: str, price: str) -> None:
    amazon_id = world.order_id(alias)
    found = world.magento.orders_for_amazon_id(amazon_id)
    lines = [i for o in found[:1] for i in o["items"] if i["sku"] == sku]
    expect(
        len(lines) == 1
        and Decimal(str(lines[0]["qty_ordered"])) == Decimal(qty)
        and Decimal(str(lines[0]["price"])) == Decimal(price),
        world,
        f"the Magento order for {amazon_id} holds {qty} x {sku} at {price}; it holds "
        + str([(i["sku"], i["qty_ordered"], i["price"]) for o in found[:1] for i in o["items"]]),
        order=amazon_id,
    )
