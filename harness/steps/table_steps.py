"""Then-steps about the connector's Amazon orders table (All Orders, Recent Orders)."""

from __future__ import annotations

from pytest_bdd import parsers, then

from harness.adapter import OrderRow
from harness.expect import expect
from harness.world import World


def find_row(world: World, alias: str, store: str | None = None) -> OrderRow | None:
    amazon_id = world.order_id(alias)
    for row in world.adapter.amazon_orders(store or world.default_store()):
        if row.order_number == amazon_id:
            return row
    return None


@then(parsers.parse('the Amazon orders table shows order "{alias}" with status "{status}"'))
def table_shows(world: World, alias: str, status: str) -> None:
    row = find_row(world, alias)
    amazon_id = world.order_id(alias)
    expect(
        row is not None and row.status == status,
        world,
        f"a row for {amazon_id} with status {status}",
        order=amazon_id,
    )


@then(parsers.parse('the Amazon orders table has no row for order "{alias}"'))
def table_lacks(world: World, alias: str) -> None:
    amazon_id = world.order_id(alias)
    expect(find_row(world, alias) is None, world, f"no row for {amazon_id}", order=amazon_id)
