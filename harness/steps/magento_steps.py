"""Steps about Magento as the admin sees it, read from the fake Magento (never from the connector),
and what Amazon received from the connector."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from typing import Any

from pytest_bdd import given, parsers, step, then, when

from harness.blame import checks
from harness.expect import expect
from harness.steps.amazon_steps import aliases_of, gap, parse_lines
from harness.steps.connector_steps import REASONS
from harness.variation import AMAZON_CARRIER_NAMES, MAGENTO_CARRIERS, Parcel
from harness.world import World
from simulators.journal import Fault

MESSAGE_PREFIX = (
    "Your Amazon store(s) has orders that cannot be imported into Magento. "
    "See Recent Orders in the store dashboard(s): "
)


def the_order(world: World, alias: str) -> dict[str, Any] | None:
    """The one Magento order of an Amazon order, or None when there is not exactly one."""
    found = world.magento.orders_for_amazon_id(world.order_id(alias))
    return found[0] if len(found) == 1 else None


def _shipping_address(order: dict[str, Any]) -> dict[str, Any]:
    for assignment in (order.get("extension_attributes") or {}).get("shipping_assignments") or []:
        address = (assignment.get("shipping") or {}).get("address")
        if address:
            return dict(address)
    return {}


# -- merchant actions in Magento ------------------------------------------------------------------------
def _order_to_act_on(world: World, alias: str, action: str) -> dict[str, Any]:
    """The one Magento order the merchant acts on, a minute later; the step fails when there is not one."""
    order = the_order(world, alias)
    if order is None:
        raise AssertionError(
            f"cannot {action}: not exactly one Magento order for {alias}\n{world.state(world.order_id(alias))}"
        )
    gap(world, f"the merchant acts on the Magento order for {alias} ({action})")
    return order


@when(
    parsers.parse(
        'the merchant ships the Magento order for "{alias}" with carrier "{carrier}" and tracking number "{tracking}"'
    )
)
def merchant_ships(world: World, alias: str, carrier: str, tracking: str) -> None:
    order = _order_to_act_on(world, alias, "ship")
    world.magento.ship(
        order["entity_id"], None, [{"carrier_code": carrier, "title": carrier.upper(), "track_number": tracking}]
    )


def _units(order: dict[str, Any]) -> int:
    return sum(int(Decimal(str(i["qty_ordered"]))) for i in order.get("items", []))


_COUNTS = {"one": 1, "two": 2, "three": 3}


@when(
    parsers.re(
        r'^the merchant ships the Magento order for "(?P<alias>[^"]+)"(?: in (?P<count>one|two|three) parcels?)?$'
    )
)
def merchant_ships_drawn(world: World, alias: str, count: str | None) -> None:
    """A shipment of every item in 1 to 3 parcels (never more parcels than units; as many as the step says),
    each with a drawn carrier (Magento's own, or a custom one named from Amazon's list or from no list) and
    tracking number."""
    order = _order_to_act_on(world, alias, "ship")
    most = min(3, _units(order))
    parcels_count = min(_COUNTS[count], most) if count else world.draws.integer(f"parcels of {alias}", 1, most)
    parcels = world.draws.parcels(f"parcels of the shipment of {alias}", parcels_count)
    world.notes.setdefault(PARCELS, {}).setdefault(alias, []).extend(parcels)
    world.magento.ship(order["entity_id"], None, [p.as_track() for p in parcels])


PARCELS = "parcels"  # World.notes key: alias -> the parcels the merchant shipped


def carrier_matches(parcel: Parcel, code: str, name: str | None) -> bool:
    """Amazon received the parcel's carrier: Amazon's code of a Magento carrier; for a custom carrier, code
    "Other" with its name, or (a name on Amazon's list) that name as the code."""
    if parcel.carrier_code in MAGENTO_CARRIERS:
        return code == MAGENTO_CARRIERS[parcel.carrier_code]
    listed = parcel.title in AMAZON_CARRIER_NAMES and code == parcel.title
    return listed or (code == "Other" and name == parcel.title)


@then(parsers.parse('Amazon has received the carrier and tracking number of every parcel of "{alias}"'))
@checks("IMP-05", "STO-02")
def amazon_every_parcel(world: World, alias: str) -> None:
    parcels: list[Parcel] = world.notes.get(PARCELS, {}).get(alias, [])
    if not parcels:
        raise ValueError(f'no parcel was shipped for "{alias}" in this scenario')
    confirmations = world.amazon.shipment_confirmations(world.order_id(alias))
    missing = [
        p
        for p in parcels
        if not any(
            c.tracking_number == p.tracking and carrier_matches(p, c.carrier_code, c.carrier_name)
            for c in confirmations
        )
    ]
    seen = [(c.carrier_code, c.carrier_name, c.tracking_number) for c in confirmations]
    shipped = [(p.carrier_code, p.title, p.tracking) for p in parcels]
    expect(
        not missing,
        world,
        f"a confirmation for each parcel shipped {shipped}, with its carrier and tracking number "
        f"(Amazon received {seen})",
        order=world.order_id(alias),
    )


@when(
    parsers.parse(
        'the merchant ships the Magento order for "{alias}" with the custom carrier "{title}" and tracking number '
        '"{tracking}"'
    )
)
def merchant_ships_custom(world: World, alias: str, title: str, tracking: str) -> None:
    order = _order_to_act_on(world, alias, "ship")
    world.magento.ship(order["entity_id"], None, [{"carrier_code": "custom", "title": title, "track_number": tracking}])


@step(parsers.parse('the merchant puts the Magento order for "{alias}" on hold'))
def merchant_holds(world: World, alias: str) -> None:
    order = _order_to_act_on(world, alias, "hold")
    world.magento.hold(order["entity_id"])


@step(parsers.parse('the merchant invoices the Magento order for "{alias}"'))
def merchant_invoices(world: World, alias: str) -> None:
    order = _order_to_act_on(world, alias, "invoice")
    world.magento.invoice(order["entity_id"])


#: The calls a scenario may make fail, by service: the operation each names.
FAILING_CALLS = {
    ("Amazon", "order search"): ("amazon", "getOrders"),
    ("Magento", "order creation"): ("magento", "orderCreate"),
    ("Magento", "product look-up"): ("magento", "productGet"),
}


@given(
    parsers.re(
        r"^(?P<service>Amazon|Magento) (?P<kind>answers HTTP 503 to|gives no answer to) the next "
        r"(?P<call>order search|order creation|product look-up)$"
    )
)
def service_fails_next_call(world: World, service: str, kind: str, call: str) -> None:
    """One call fails before the service does anything (503), or is served but its answer never comes (the
    client cannot tell whether it happened), in-process and on live servers alike."""
    if (service, call) not in FAILING_CALLS:
        known = ", ".join(f"{s} {c}" for s, c in FAILING_CALLS)
        raise ValueError(f"no {call} at {service}; a scenario can make fail: {known}")
    name, operation = FAILING_CALLS[(service, call)]
    fault = Fault("status", status=503) if kind.startswith("answers") else Fault("lost")
    world.sandbox.faults.inject(name, operation, fault)


@given("Magento fails the next order creation after saving the order")
def magento_fails_after_commit(world: World) -> None:
    world.sandbox.faults.inject("magento", "orderCreate", Fault("after_commit", status=500))


# -- Magento orders -----------------------------------------------------------------------------------
@then(parsers.parse('order "{alias}" has no Magento order'))
@checks(
    "IMP-02", "BLK-08", "BLK-01", "BLK-02", "BLK-03", "BLK-05", "BLK-07", "BLK-09", "BLK-11", "PRE-01",
    "PRE-02", "IMP-09", "IMP-10", "CAN-03", "STO-01", "DIS-02", "DIS-04", "SET-08", "SET-02"
)
def no_magento_order(world: World, alias: str) -> None:
    amazon_id = world.order_id(alias)
    found = world.magento.orders_for_amazon_id(amazon_id)
    expect(not found, world, f"no Magento order for {amazon_id}", order=amazon_id)


@then(
    parsers.re(
        r'^order "(?P<alias>[^"]+)" has exactly one Magento order with status "(?P<status>[^"]+)"'
        r'(?: in state "(?P<state>[^"]+)")?$'
    )
)
@checks(
    "IMP-03", "IMP-06", "IMP-10", "CAN-02", "CAN-03", "SET-06", "SET-05", "SET-03", "SET-02", "SET-07",
    "BLK-05", "BLK-07", "BLK-09", "STO-01", "DIS-04", "SYN-04", "PRE-03", "IMP-08", "IMP-11", "IMP-07",
    "VIEW-03", "SET-01"
)
def one_magento_order(world: World, alias: str, status: str, state: str | None) -> None:
    amazon_id = world.order_id(alias)
    found = world.magento.orders_for_amazon_id(amazon_id)
    expect(
        len(found) == 1 and found[0]["status"] == status and state in (None, found[0]["state"]),
        world,
        f"exactly one Magento order for {amazon_id}, status {status}" + (f", state {state}" if state else ""),
        order=amazon_id,
    )


@then(parsers.parse('each of the orders "{aliases}" has exactly one Magento order'))
@checks("IMP-07", "SYN-01", "SYN-02", "SYN-03")
def each_one_magento_order(world: World, aliases: str) -> None:
    counts = {a: len(world.magento.orders_for_amazon_id(world.order_id(a))) for a in aliases_of(world, aliases)}
    wrong = {a: n for a, n in counts.items() if n != 1}
    expect(
        not wrong,
        world,
        f"exactly one Magento order for each of {aliases}; Magento orders per order: {dict(list(wrong.items())[:10])}",
    )


@then(parsers.parse('exactly one of the orders "{aliases}" has no Magento order'))
@checks("DEC-09", "IMP-03")
def exactly_one_without(world: World, aliases: str) -> None:
    """Only the order whose creation failed is left for the next sync: the others due were created."""
    counts = {a: len(world.magento.orders_for_amazon_id(world.order_id(a))) for a in aliases_of(world, aliases)}
    expect(
        sorted(counts.values()) == [0] + [1] * (len(counts) - 1),
        world,
        f"one of {aliases} without a Magento order, each other with one (Magento orders per order: {counts})",
    )


@then(
    parsers.re(
        r'^the Magento order for "(?P<alias>[^"]+)" holds (?P<qty>\d+) x "(?P<sku>[^"]+)" '
        r"at (?P<price>[\d.]+)$"
    )
)
@checks("IMP-13", "SET-07", "IMP-03")
def magento_order_holds(world: World, alias: str, qty: str, sku: str, price: str) -> None:
    amazon_id = world.order_id(alias)
    order = the_order(world, alias)
    lines = [i for i in (order or {}).get("items", []) if i["sku"] == sku]
    expect(
        len(lines) == 1
        and Decimal(str(lines[0]["qty_ordered"])) == Decimal(qty)
        and Decimal(str(lines[0]["price"])) == Decimal(price),
        world,
        f"the Magento order for {amazon_id} holds {qty} x {sku} at {price}; it holds "
        + str([(i["sku"], i["qty_ordered"], i["price"]) for i in (order or {}).get("items", [])]),
        order=amazon_id,
    )


@then(parsers.re(r'^the Magento order for "(?P<alias>[^"]+)" holds exactly (?P<lines>.+)$'))
@checks("IMP-13")
def magento_order_holds_exactly(world: World, alias: str, lines: str) -> None:
    amazon_id = world.order_id(alias)
    order = the_order(world, alias) or {}
    wanted: Counter[str] = Counter()
    for line in parse_lines(lines):
        wanted[line["sku"]] += int(line["quantity"])
    held: Counter[str] = Counter()
    for item in order.get("items", []):
        held[item["sku"]] += int(Decimal(str(item["qty_ordered"])))
    expect(
        bool(order) and held == wanted,
        world,
        f"the Magento order for {amazon_id} holds exactly {dict(wanted)}; it holds {dict(held)}",
        order=amazon_id,
        wanted=dict(wanted),
        found=dict(held),
    )


@then(parsers.parse('the Magento order for "{alias}" has exactly the items of the Amazon order at their prices'))
@checks("IMP-13", "SET-07", "IMP-03")
def magento_order_holds_amazons_items(world: World, alias: str) -> None:
    amazon_id = world.order_id(alias)
    wanted: Counter[tuple[str, Decimal]] = Counter()
    for item in world.amazon.get(amazon_id).items:
        wanted[(item.seller_sku, item.item_price / item.quantity_ordered)] += item.quantity_ordered
    held: Counter[tuple[str, Decimal]] = Counter()
    for item in (the_order(world, alias) or {}).get("items", []):
        held[(item["sku"], Decimal(str(item["price"])))] += int(Decimal(str(item["qty_ordered"])))
    expect(
        bool(held) and held == wanted,
        world,
        f"the Magento order for {amazon_id} holds exactly Amazon's items (sku, unit price: units) {dict(wanted)}; "
        f"it holds {dict(held)}",
        order=amazon_id,
    )


@then(parsers.parse('the salable quantity of "{sku}" is {qty:d} less what order "{alias}" holds of it'))
@checks("SET-07", "DEC-05")
def salable_less_order(world: World, sku: str, qty: int, alias: str) -> None:
    held = sum(i.quantity_ordered for i in world.amazon.get(world.order_id(alias)).items if i.seller_sku == sku)
    salable_quantity(world, sku, qty - held)


@given(parsers.parse('the Magento product "{sku}" has just enough stock for order "{alias}"'))
def just_enough_stock(world: World, sku: str, alias: str) -> None:
    held = sum(i.quantity_ordered for i in world.amazon.get(world.order_id(alias)).items if i.seller_sku == sku)
    world.magento.set_stock(sku, held)


@given(parsers.parse('the Magento product "{sku}" has one unit less in stock than order "{alias}" holds'))
def one_short_of_stock(world: World, sku: str, alias: str) -> None:
    held = sum(i.quantity_ordered for i in world.amazon.get(world.order_id(alias)).items if i.seller_sku == sku)
    world.magento.set_stock(sku, held - 1, is_in_stock=held - 1 > 0)


@then(parsers.parse('the Magento order for "{alias}" records the Amazon order ID'))
@checks("IMP-07", "IMP-12")
def records_amazon_id(world: World, alias: str) -> None:
    amazon_id = world.order_id(alias)
    order = the_order(world, alias)
    ok = order is not None and amazon_id in (order.get("ext_order_id"), (order.get("payment") or {}).get("po_number"))
    expect(ok, world, f"the Magento order records {amazon_id} in ext_order_id or payment po_number", order=amazon_id)


@then(parsers.parse('the Magento order for "{alias}" is paid with the Amazon payment method'))
@checks("IMP-12")
def amazon_payment(world: World, alias: str) -> None:
    order = the_order(world, alias)
    method = str(((order or {}).get("payment") or {}).get("method", ""))
    expect(
        "amazon" in method.lower(),
        world,
        f"an Amazon channel payment method (found {method!r})",
        order=world.order_id(alias),
    )


@then(parsers.parse('the Magento order for "{alias}" has the buyer "{name}" <{email}>'))
@checks("IMP-13")
def magento_buyer(world: World, alias: str, name: str, email: str) -> None:
    order = the_order(world, alias) or {}
    shown = f"{order.get('customer_firstname', '')} {order.get('customer_lastname', '')}".strip()
    expect(
        order.get("customer_email") == email and shown == name,
        world,
        f"buyer {name} <{email}> (found {shown} <{order.get('customer_email')}>)",
        order=world.order_id(alias),
    )


@then(parsers.parse('the Magento order for "{alias}" ships to Amazon\'s shipping address'))
@checks("IMP-13")
def magento_address(world: World, alias: str) -> None:
    amazon = world.amazon.get(world.order_id(alias)).address
    shipping = _shipping_address(the_order(world, alias) or {})
    recipient = f"{shipping.get('firstname', '')} {shipping.get('lastname', '')}".strip()
    single = " " not in str(amazon.get("Name", "")).strip() and shipping.get("lastname") in ("-", ".")
    ok = (
        (recipient == amazon.get("Name") or (single and shipping.get("firstname") == amazon.get("Name")))
        and (shipping.get("street") or [None])[0] == amazon.get("AddressLine1")
        and shipping.get("city") == amazon.get("City")
        and shipping.get("region") == amazon.get("StateOrRegion")
        and shipping.get("postcode") == amazon.get("PostalCode")
        and shipping.get("country_id") == amazon.get("CountryCode")
        and shipping.get("telephone") == amazon.get("Phone")
    )
    expect(
        ok,
        world,
        f"the shipping address {amazon}, recipient's name included (found {shipping})",
        order=world.order_id(alias),
        wanted={
            "name": amazon.get("Name"),
            "street[0]": amazon.get("AddressLine1"),
            "city": amazon.get("City"),
            "region": amazon.get("StateOrRegion"),
            "postcode": amazon.get("PostalCode"),
            "country_id": amazon.get("CountryCode"),
            "telephone": amazon.get("Phone"),
        },
        found={
            "name": recipient,
            "street[0]": (shipping.get("street") or [None])[0],
            "city": shipping.get("city"),
            "region": shipping.get("region"),
            "postcode": shipping.get("postcode"),
            "country_id": shipping.get("country_id"),
            "telephone": shipping.get("telephone"),
        },
    )


@then(parsers.parse('the Magento order for "{alias}" has a tax amount of {tax}'))
@checks("IMP-13")
def magento_tax(world: World, alias: str, tax: str) -> None:
    order = the_order(world, alias) or {}
    found = Decimal(str(order.get("tax_amount", "nan")))
    expect(found == Decimal(tax), world, f"tax amount {tax} (found {found})", order=world.order_id(alias))


@then(parsers.parse('the Magento order for "{alias}" has Amazon\'s order total as grand total'))
@checks("IMP-13")
def magento_grand_total(world: World, alias: str) -> None:
    wanted = world.amazon.get(world.order_id(alias)).total
    order = the_order(world, alias) or {}
    found = Decimal(str(order.get("grand_total", "nan")))
    expect(
        found == wanted,
        world,
        f"grand total {wanted} as Amazon reports it (found {found})",
        order=world.order_id(alias),
    )


@then(parsers.parse('the Magento order for "{alias}" is in the currency "{currency}"'))
@checks("IMP-13")
def magento_currency(world: World, alias: str, currency: str) -> None:
    order = the_order(world, alias) or {}
    found = order.get("order_currency_code")
    expect(found == currency, world, f"order currency {currency} (found {found})", order=world.order_id(alias))


@then(parsers.parse('the Magento order for "{alias}" belongs to the store view "{code}"'))
@checks("SET-03")
def magento_store_view(world: World, alias: str, code: str) -> None:
    order = the_order(world, alias) or {}
    wanted = world.magento.store_by_code(code).store_id
    expect(
        order.get("store_id") == wanted,
        world,
        f"store view {code} (id {wanted}); found {order.get('store_id')}",
        order=world.order_id(alias),
    )


@then(
    parsers.re(
        r'^the Magento order number of "(?P<alias>[^"]+)" (?P<relation>equals|differs from) '
        r"the Amazon order ID$"
    )
)
@checks("SET-05")
def magento_number(world: World, alias: str, relation: str) -> None:
    amazon_id = world.order_id(alias)
    order = the_order(world, alias) or {}
    same = order.get("increment_id") == amazon_id
    expect(
        bool(order) and same == (relation == "equals"),
        world,
        f"Magento order number {relation} {amazon_id} (found {order.get('increment_id')})",
        order=amazon_id,
    )


@then(parsers.parse('the salable quantity of "{sku}" is {qty:d}'))
@checks("IMP-11", "SET-07", "SET-08", "BLK-08", "CAN-03", "DIS-02")
def salable_quantity(world: World, sku: str, qty: int) -> None:
    found = world.magento.salable_qty(sku)
    expect(found == qty, world, f"salable quantity of {sku} is {qty} (found {found})")


# -- customers -----------------------------------------------------------------------------------------
def _customers(world: World, email: str) -> list[Any]:
    return list(world.magento.customers_by_email(email))


@then(parsers.parse('the Magento order for "{alias}" is a guest order'))
@checks("SET-04")
def guest_order(world: World, alias: str) -> None:
    order = the_order(world, alias) or {}
    expect(
        bool(order) and order.get("customer_is_guest") in (1, True) and not order.get("customer_id"),
        world,
        "a guest order",
        order=world.order_id(alias),
    )


@then(parsers.parse('Magento has no customer with the email "{email}"'))
@checks("SET-04")
def no_customer(world: World, email: str) -> None:
    expect(not _customers(world, email), world, f"no Magento customer {email}")


@then(parsers.parse('Magento has exactly one customer with the email "{email}"'))
@checks("SET-04")
def one_customer(world: World, email: str) -> None:
    found = _customers(world, email)
    expect(len(found) == 1, world, f"exactly one Magento customer {email} (found {len(found)})")


@then(parsers.parse('the Magento order for "{alias}" belongs to the customer with the email "{email}"'))
@checks("SET-04")
def order_customer(world: World, alias: str, email: str) -> None:
    order = the_order(world, alias) or {}
    found = _customers(world, email)
    ids = {int(c["id"]) if isinstance(c, dict) else int(c.id) for c in found}
    expect(
        order.get("customer_id") is not None
        and int(order["customer_id"]) in ids
        and not order.get("customer_is_guest"),
        world,
        f"the order belongs to the customer {email} (customer_id {order.get('customer_id')}, customers {ids})",
        order=world.order_id(alias),
    )


# -- the admin message ---------------------------------------------------------------------------------
def _cannot_import(world: World) -> list[str]:
    return [m.text for m in world.magento.system_messages() if m.text.startswith(MESSAGE_PREFIX)]


@then(parsers.re(r'^the Magento admin shows the cannot-import message naming (?P<names>"[^"]+"(?: and "[^"]+")*)$'))
@checks("BLK-04", "BLK-10")
def message_naming(world: World, names: str) -> None:
    wanted = sorted(n.strip('"') for n in names.split(" and "))
    shown = _cannot_import(world)
    named = sorted(n.strip() for n in shown[0][len(MESSAGE_PREFIX) :].split(",")) if len(shown) == 1 else None
    expect(named == wanted, world, f"one message {MESSAGE_PREFIX!r} naming exactly {wanted} (found {shown})")


@then("the Magento admin shows no cannot-import message")
@checks("BLK-10", "BLK-11")
def no_message(world: World) -> None:
    expect(not _cannot_import(world), world, "no cannot-import message")


# -- what Amazon received -------------------------------------------------------------------------------
@then(
    parsers.parse(
        'Amazon has received a shipment confirmation for "{alias}" with carrier "{carrier}" and '
        'tracking number "{tracking}"'
    )
)
@checks("IMP-05", "DEC-06", "STO-02")
def amazon_confirmation(world: World, alias: str, carrier: str, tracking: str) -> None:
    confirmations = world.amazon.shipment_confirmations(world.order_id(alias))
    ok = any(
        c.tracking_number == tracking and carrier.lower() in {c.carrier_code.lower(), str(c.carrier_name).lower()}
        for c in confirmations
    )
    seen = [(c.carrier_code, c.carrier_name, c.tracking_number) for c in confirmations]
    expect(
        ok,
        world,
        f"a confirmation with carrier {carrier} and tracking {tracking} (Amazon received {seen})",
        order=world.order_id(alias),
    )


@then(
    parsers.parse(
        'Amazon has received a shipment confirmation for "{alias}" with carrier code "{code}", carrier name '
        '"{name}" and tracking number "{tracking}"'
    )
)
@checks("IMP-05", "DEC-06", "STO-02")
def amazon_confirmation_named(world: World, alias: str, code: str, name: str, tracking: str) -> None:
    confirmations = world.amazon.shipment_confirmations(world.order_id(alias))
    ok = any(c.tracking_number == tracking and c.carrier_code == code and c.carrier_name == name for c in confirmations)
    seen = [(c.carrier_code, c.carrier_name, c.tracking_number) for c in confirmations]
    expect(
        ok,
        world,
        f"a confirmation with carrier code {code}, carrier name {name} and tracking {tracking} "
        f"(Amazon received {seen})",
        order=world.order_id(alias),
    )


@then(parsers.parse('Amazon has received no shipment confirmation for "{alias}"'))
@checks("STO-02")
def amazon_no_confirmation(world: World, alias: str) -> None:
    confirmations = world.amazon.shipment_confirmations(world.order_id(alias))
    expect(
        not confirmations,
        world,
        f"no shipment confirmation (Amazon received {len(confirmations)})",
        order=world.order_id(alias),
    )


@then(parsers.parse('Amazon has canceled order "{alias}" with the reason "{reason}"'))
@checks("CAN-01")
def amazon_canceled(world: World, alias: str, reason: str) -> None:
    order = world.amazon.get(world.order_id(alias))
    expect(
        order.status == "Canceled" and order.cancel_reason == reason,
        world,
        f"Amazon canceled the order with reason {reason} (status {order.status}, reason {order.cancel_reason})",
        order=world.order_id(alias),
    )


@then(parsers.parse('Amazon has not canceled order "{alias}"'))
@checks("CAN-01")
def amazon_not_canceled(world: World, alias: str) -> None:
    order = world.amazon.get(world.order_id(alias))
    expect(
        order.status != "Canceled",
        world,
        f"Amazon did not cancel the order (status {order.status})",
        order=world.order_id(alias),
    )


@then(
    parsers.parse(
        'Amazon has received a shipment confirmation for "{alias}" with the carrier code "{code}" and tracking '
        'number "{tracking}"'
    )
)
@checks("IMP-05", "DEC-08", "STO-02")
def amazon_confirmation_code(world: World, alias: str, code: str, tracking: str) -> None:
    """Amazon's own carrier code, not "Other" with a name that happens to spell the carrier (IMP-05)."""
    confirmations = world.amazon.shipment_confirmations(world.order_id(alias))
    ok = any(c.tracking_number == tracking and c.carrier_code == code for c in confirmations)
    seen = [(c.carrier_code, c.carrier_name, c.tracking_number) for c in confirmations]
    expect(
        ok,
        world,
        f"a confirmation with carrier code {code} and tracking {tracking} (Amazon received {seen})",
        order=world.order_id(alias),
    )


@when(
    parsers.re(
        r'^the merchant ships (?P<qty>\d+) x "(?P<sku>[^"]+)" of the Magento order for "(?P<alias>[^"]+)" with '
        r'carrier "(?P<carrier>[^"]+)" and tracking number "(?P<tracking>[^"]+)"$'
    )
)
def merchant_ships_part(world: World, qty: str, sku: str, alias: str, carrier: str, tracking: str) -> None:
    """One parcel: a Magento shipment of part of the order."""
    order = _order_to_act_on(world, alias, "ship")
    lines = [i for i in order.get("items", []) if i.get("sku") == sku and not i.get("parent_item_id")]
    if not lines:
        raise AssertionError(f'cannot ship: the Magento order for {alias} has no line "{sku}"')
    items = [{"order_item_id": int(lines[0]["item_id"]), "qty": int(qty)}]
    tracks = [{"carrier_code": carrier, "title": carrier.upper(), "track_number": tracking}]
    world.magento.ship(order["entity_id"], items, tracks)


@then(
    parsers.re(
        r'^Amazon has received a shipment confirmation for "(?P<alias>[^"]+)" with tracking number '
        r'"(?P<tracking>[^"]+)" for exactly (?P<lines>.+)$'
    )
)
@checks("IMP-05", "DEC-08", "STO-02")
def amazon_confirmation_items(world: World, alias: str, tracking: str, lines: str) -> None:
    """The parcel's confirmation names exactly its own items and quantities (IMP-05)."""
    wanted = sorted((line["sku"], int(line["quantity"])) for line in parse_lines(lines))
    skus = {i.order_item_id: i.seller_sku for i in world.amazon.get(world.order_id(alias)).items}
    confirmations = world.amazon.shipment_confirmations(world.order_id(alias))
    found = [sorted((skus.get(item, item), int(qty)) for item, qty in c.items) for c in confirmations]
    ok = any(c.tracking_number == tracking and f == wanted for c, f in zip(confirmations, found, strict=True))
    expect(
        ok,
        world,
        f"a confirmation with tracking {tracking} for exactly {wanted} (Amazon received "
        f"{[(c.tracking_number, f) for c, f in zip(confirmations, found, strict=True)]})",
        order=world.order_id(alias),
    )


@then(parsers.parse('the Magento order for "{alias}" names the merchant\'s reason in its comments'))
@checks("DEC-21", "CAN-02")
def magento_comment_reason(world: World, alias: str) -> None:
    """The reason the merchant gave when canceling from Magento is in the Magento order's comment history."""
    reason = world.notes.get(REASONS, {}).get(alias)
    if reason is None:
        raise ValueError(f'the merchant gave no reason to cancel "{alias}" in this scenario')
    order = the_order(world, alias)
    comments = [str(h.get("comment") or "") for h in (order or {}).get("status_histories") or []]
    expect(
        any(reason in c for c in comments),
        world,
        f"a comment of the Magento order names the reason {reason} (comments {comments})",
        order=world.order_id(alias),
    )


@then(parsers.parse('Amazon has received each unit of "{alias}" in exactly one parcel'))
@checks("DEC-23", "IMP-05")
def amazon_each_unit_once(world: World, alias: str) -> None:
    """The packages confirmed for the order together name each of its units once: none left out, none twice."""
    order = world.amazon.get(world.order_id(alias))
    ordered = {i.order_item_id: i.quantity_ordered for i in order.items}
    confirmed: Counter[str] = Counter()
    for confirmation in world.amazon.shipment_confirmations(world.order_id(alias)):
        for item, qty in confirmation.items:
            confirmed[item] += int(qty)
    expect(
        dict(confirmed) == ordered,
        world,
        f"each unit confirmed once: {ordered} (Amazon received {dict(confirmed)})",
        order=world.order_id(alias),
    )


# -- customers of one website (DEC-30) -------------------------------------------------------------------
def _customer_of(world: World, email: str, website: str) -> dict[str, Any] | None:
    return world.magento.customer_by_email(email, website)


@then(parsers.parse('Magento has exactly one customer with the email "{email}" on the website "{website}"'))
@checks("SET-04", "DEC-30")
def one_customer_on(world: World, email: str, website: str) -> None:
    site = world.magento.tree.website(website).id
    found = [c for c in _customers(world, email) if int(c["website_id"]) == site]
    expect(len(found) == 1, world, f"exactly one Magento customer {email} on the website {website} (found {found})")


@then(
    parsers.parse(
        'the Magento order for "{alias}" belongs to the account of "{email}" on the website "{website}", '
        "with that account's email and customer group"
    )
)
@checks("SET-04", "DEC-30")
def order_of_account(world: World, alias: str, email: str, website: str) -> None:
    order = the_order(world, alias) or {}
    account = _customer_of(world, email, website) or {}
    wanted = {
        "customer_id": account.get("id"),
        "customer_is_guest": 0,
        "customer_email": account.get("email"),
        "customer_group_id": account.get("group_id"),
    }
    found = {k: order.get(k) for k in wanted}
    if found["customer_id"] is not None:
        found["customer_id"] = int(found["customer_id"])
    if found["customer_group_id"] is not None:
        found["customer_group_id"] = int(found["customer_group_id"])
    found["customer_is_guest"] = int(bool(found["customer_is_guest"]))
    expect(
        bool(account) and found == wanted,
        world,
        f"the order belongs to the account of {email} on the website {website}, with its email and group",
        order=world.order_id(alias),
        wanted=wanted,
        found=found,
    )


def _drawn_stock(world: World, sku: str) -> int:
    stock = world.notes.get("stock", {})
    if sku not in stock:
        raise ValueError(f'the stock of "{sku}" was not drawn in this scenario (write "with some stock")')
    return int(stock[sku])


@then(parsers.parse('the salable quantity of "{sku}" is its stock'))
@checks("IMP-11", "SET-07", "SET-08", "BLK-08", "CAN-03", "DIS-02")
def salable_is_stock(world: World, sku: str) -> None:
    salable_quantity(world, sku, _drawn_stock(world, sku))


@then(parsers.parse('the salable quantity of "{sku}" is its stock less what order "{alias}" holds of it'))
@checks("SET-07", "DEC-05")
def salable_stock_less_order(world: World, sku: str, alias: str) -> None:
    salable_less_order(world, sku, _drawn_stock(world, sku), alias)


@given("another process creates the buyer's Magento account just before the connector does")
def account_created_meanwhile(world: World) -> None:
    """The account appears between the connector's search and its create: Magento saves the create it is sent
    and answers 400, as it refuses a second account for an e-mail, while the account exists."""
    world.sandbox.faults.inject("magento", "customerCreate", Fault("after_commit", status=400))



@then(parsers.parse('the Magento order for "{alias}" notes the merchant\'s reason once, without telling the buyer'))
@checks("CAN-02", "DEC-26")
def magento_notes_reason_once(world: World, alias: str) -> None:
    """One comment of the Magento order's history gives the reason the merchant canceled with; no comment the
    connector added was sent to the buyer or shown on the storefront."""
    reason = world.notes.get(REASONS, {}).get(alias)
    if reason is None:
        raise ValueError(f'the merchant gave no reason to cancel "{alias}" in this scenario')
    histories = (the_order(world, alias) or {}).get("status_histories") or []
    naming = [h.get("comment") for h in histories if reason in str(h.get("comment") or "")]
    told = [h.get("comment") for h in histories if h.get("is_customer_notified") or h.get("is_visible_on_front")]
    expect(
        len(naming) == 1 and not told,
        world,
        f"one comment giving the reason {reason} (found {naming}), none sent to the buyer or shown on the "
        f"storefront (found {told})",
        order=world.order_id(alias),
    )


@then(parsers.parse('the Magento order for "{alias}" ships to every street line of Amazon\'s shipping address'))
@checks("IMP-13")
def magento_address_lines(world: World, alias: str) -> None:
    amazon = world.amazon.get(world.order_id(alias)).address
    wanted = [amazon[k] for k in ("AddressLine1", "AddressLine2", "AddressLine3") if amazon.get(k)]
    found = _shipping_address(the_order(world, alias) or {}).get("street")
    expect(found == wanted, world, f"the street lines {wanted} (found {found})", order=world.order_id(alias))


#: The Magento calls a scenario may make fail once, in the merchant's words.
NEXT_CALLS = {
    "reservation change": "reservationsAppend",
    "invoice": "orderInvoice",
    "order comment": "orderCommentAdd",
    "order read": "orderGet",
    "look-up of an order by Amazon order ID": "orderSearch",
}


@step(
    parsers.re(
        r"^Magento (?P<kind>answers HTTP 503 to|gives no answer to) the next "
        rf"(?P<call>{'|'.join(map(re.escape, NEXT_CALLS))})$"
    )
)
def magento_fails_next_call(world: World, kind: str, call: str) -> None:
    """The next such call fails before Magento does anything (503), or is applied and its answer never comes."""
    fault = Fault("status", status=503) if kind.startswith("answers") else Fault("lost")
    world.sandbox.faults.inject("magento", NEXT_CALLS[call], fault)
