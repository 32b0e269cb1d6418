"""Steps about the Magento catalog: products, their status and stock."""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from harness.world import World


@given(parsers.parse('the Magento catalog has the product "{sku}" priced {price} with {qty:d} in stock'))
def product_in_stock(world: World, sku: str, price: str, qty: int) -> None:
    world.magento.create_product(sku, price=price, qty=qty)


@given(parsers.parse('the Magento product "{sku}" is disabled'))
@when(parsers.parse('the merchant disables the Magento product "{sku}"'))
def product_disabled(world: World, sku: str) -> None:
    world.magento.set_product_status(sku, enabled=False)


@given(parsers.parse('the Magento product "{sku}" is enabled'))
@when(parsers.parse('the merchant enables the Magento product "{sku}"'))
def product_enabled(world: World, sku: str) -> None:
    world.magento.set_product_status(sku, enabled=True)


@given(parsers.parse('the Magento product "{sku}" has {qty:d} in stock'))
@when(parsers.parse('the merchant sets the stock of "{sku}" to {qty:d}'))
def product_stock(world: World, sku: str, qty: int) -> None:
    world.magento.set_stock(sku, qty)


@given(parsers.parse('the Magento catalog has no product "{sku}"'))
def product_missing(world: World, sku: str) -> None:
    if sku in world.magento.products:
        world.magento.delete_product(sku)


@when(parsers.parse('the merchant creates the Magento product "{sku}" priced {price} with {qty:d} in stock'))
def product_created(world: World, sku: str, price: str, qty: int) -> None:
    world.magento.create_product(sku, price=price, qty=qty)
