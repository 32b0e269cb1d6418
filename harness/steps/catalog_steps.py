"""Steps about Magento as the merchant sets it up: catalog, stock, store views, statuses, customers."""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from harness.world import World


@given(parsers.parse('the Magento catalog has the product "{sku}" priced {price} with {qty:d} in stock'))
def product_in_stock(world: World, sku: str, price: str, qty: int) -> None:
    world.magento.create_product(sku, price=price, qty=qty)


@given(parsers.parse('the Magento product "{sku}" is {condition}'))
def product_condition(world: World, sku: str, condition: str) -> None:
    """condition: missing, disabled, enabled or out of stock."""
    if condition == "missing":
        if sku in world.magento.products:
            world.magento.delete_product(sku)
    elif condition in ("disabled", "enabled"):
        world.magento.set_product_status(sku, enabled=condition == "enabled")
    elif condition == "out of stock":
        world.magento.set_stock(sku, 0, is_in_stock=False)
    else:
        raise ValueError(f"a product is missing, disabled, enabled or out of stock, not {condition!r}")


@given(parsers.parse('the Magento catalog has no product "{sku}"'))
def product_missing(world: World, sku: str) -> None:
    product_condition(world, sku, "missing")


@given(parsers.parse('the Magento product "{sku}" has {qty:d} in stock'))
@when(parsers.parse('the merchant sets the stock of "{sku}" to {qty:d}'))
def product_stock(world: World, sku: str, qty: int) -> None:
    world.magento.set_stock(sku, qty)


@given(parsers.parse('the Magento product "{sku}" has {qty:d} in stock and does not manage stock'))
def product_unmanaged(world: World, sku: str, qty: int) -> None:
    world.magento.set_stock(sku, qty, manage_stock=False)


@when(parsers.parse('the merchant disables the Magento product "{sku}"'))
def product_disabled(world: World, sku: str) -> None:
    world.magento.set_product_status(sku, enabled=False)


@when(parsers.parse('the merchant enables the Magento product "{sku}"'))
def product_enabled(world: World, sku: str) -> None:
    world.magento.set_product_status(sku, enabled=True)


@when(parsers.parse('the merchant creates the Magento product "{sku}" priced {price} with {qty:d} in stock'))
def product_created(world: World, sku: str, price: str, qty: int) -> None:
    world.magento.create_product(sku, price=price, qty=qty)


@given(parsers.parse('Magento has the store view "{code}" named "{name}" in the website "{website}"'))
def store_view(world: World, code: str, name: str, website: str) -> None:
    world.magento.add_store_view(code, name, website)


@given(parsers.parse('Magento has the order status "{status}" of the state "{state}"'))
def order_status(world: World, status: str, state: str) -> None:
    add = getattr(world.magento, "add_order_status", None)
    if add is not None:
        add(status, state)
    else:
        world.magento.statuses[status] = state


@given(parsers.parse('Magento has the customer "{name}" with the email "{email}"'))
def customer(world: World, name: str, email: str) -> None:
    first, _, last = name.partition(" ")
    world.magento.create_customer(email=email, firstname=first, lastname=last or "-")


#: Magento's default customer groups (Customers > Customer Groups of a fresh install).
CUSTOMER_GROUPS = {"General": 1, "Wholesale": 2, "Retailer": 3}


@given(
    parsers.parse(
        'Magento has the customer "{name}" with the email "{email}" in the group "{group}" on the website "{website}"'
    )
)
def customer_in_group(world: World, name: str, email: str, group: str, website: str) -> None:
    if group not in CUSTOMER_GROUPS:
        raise ValueError(f"unknown customer group {group!r}; known: {sorted(CUSTOMER_GROUPS)}")
    first, _, last = name.partition(" ")
    created = world.magento.create_customer(email=email, firstname=first, lastname=last or "-", website_code=website)
    with world.sandbox.lock:  # the merchant moves the new account to its group, as the admin's customer form does
        created["group_id"] = CUSTOMER_GROUPS[group]


STOCK = "stock"  # World.notes key: SKU -> the stock drawn for it
#: A product's stock when the scenario leaves it open: at least what any scenario's orders take of it.
SOME_STOCK = (10, 500)


@given(parsers.parse('the Magento catalog has the product "{sku}" priced {price} with some stock'))
def product_with_some_stock(world: World, sku: str, price: str) -> None:
    qty = world.draws.integer(f'stock of "{sku}"', *SOME_STOCK)
    world.notes.setdefault(STOCK, {})[sku] = qty
    world.magento.create_product(sku, price=price, qty=qty)
