"""The fake Magento keeps its orders compactly: what is read back, over REST or in Python, is what was stored.

An order's REST answer keeps Magento's field order, number types and left-out empty fields; a change to
one order shows everywhere the order repeats it (its items also stand in its shipping assignment) and
nowhere else; reading an order gives a copy; the indexes behind search by ``ext_order_id``,
``po_number`` and increment ID follow every change.
"""

from __future__ import annotations

import json
import random
from typing import Any

from simulators.magento.order_store import OrderStore

ADDRESS = {
    "firstname": "Jane",
    "lastname": "Buyer",
    "street": ["1 Main St"],
    "city": "Springfield",
    "postcode": "62701",
    "country_id": "US",
    "telephone": "555-0100",
}
STAMP = "2026-01-05 09:00:00"


def _wire(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def _search(api: Any, field: str, value: str, condition: str = "eq") -> list[int]:
    prefix = "searchCriteria[filter_groups][0][filters][0]"
    query = {f"{prefix}[field]": field, f"{prefix}[value]": value, f"{prefix}[condition_type]": condition}
    response = api.get("/orders", query)
    assert response.status_code == 200, response.text
    return [o["entity_id"] for o in response.json()["items"]]


def _item(**changed: Any) -> dict[str, Any]:
    item = {
        "item_id": 1,
        "order_id": 1,
        "sku": "SKU-1",
        "product_type": "simple",
        "is_virtual": 0,
        "store_id": 1,
        "qty_ordered": 2.0,
        "qty_invoiced": 0.0,
        "qty_shipped": 0.0,
        "qty_canceled": 0.0,
        "qty_refunded": 0.0,
        "price": 10.0,
        "base_price": 10.0,
        "original_price": 10.0,
        "price_incl_tax": 10.8,
        "row_total": 20.0,
        "base_row_total": 20.0,
        "row_total_incl_tax": 21.6,
        "tax_amount": 1.6,
        "base_tax_amount": 1.6,
        "tax_percent": 8.0,
        "discount_amount": 0.0,
        "row_invoiced": 0.0,
        "tax_invoiced": 0.0,
        "amount_refunded": 0.0,
        "tax_refunded": 0.0,
        "created_at": STAMP,
        "updated_at": STAMP,
        "name": "Widget",
        "product_id": 1,
        "weight": 0.0,
    }
    return {**item, **changed}


ENTITY = {
    "ext_order_id": "111-0000000-0000001",
    "customer_email": "jane@example.com",
    "state": "processing",
    "status": "processing",
    "items": [{"sku": "SKU-1", "qty_ordered": 2, "price": 10.0, "tax_amount": 1.6}],
    "billing_address": {**ADDRESS, "address_type": "billing"},
    "payment": {"method": "amazonpayment", "po_number": "111-0000000-0000001"},
    "status_histories": [{"comment": "Imported from Amazon."}],
    "extension_attributes": {"shipping_assignments": [{"shipping": {"address": dict(ADDRESS)}}]},
}
# The answer, field by field in Magento's order: what the entity gave first, then what the save fills in;
# the payment's unset card fields are null (its interface requires them), nothing else is.
EXPECTED = {
    "ext_order_id": "111-0000000-0000001",
    "customer_email": "jane@example.com",
    "state": "processing",
    "status": "processing",
    "billing_address": {**ADDRESS, "address_type": "billing", "entity_id": 1, "parent_id": 1},
    "payment": {
        "method": "amazonpayment",
        "po_number": "111-0000000-0000001",
        "account_status": None,
        "cc_last4": None,
        "additional_information": [],
        "entity_id": 1,
        "parent_id": 1,
        "amount_ordered": 21.6,
        "base_amount_ordered": 21.6,
        "amount_paid": 0.0,
        "amount_refunded": 0.0,
    },
    "status_histories": [
        {
            "comment": "Imported from Amazon.",
            "created_at": STAMP,
            "entity_id": 1,
            "entity_name": "order",
            "is_customer_notified": 0,
            "is_visible_on_front": 0,
            "parent_id": 1,
            "status": "processing",
        }
    ],
    "entity_id": 1,
    "increment_id": "000000001",
    "store_id": 1,
    "store_name": "Main Website\nMain Website Store\nDefault Store View",
    "items": [_item()],
    "customer_is_guest": 1,
    "customer_group_id": 0,
    "order_currency_code": "USD",
    "base_currency_code": "USD",
    "global_currency_code": "USD",
    "store_currency_code": "USD",
    "is_virtual": 0,
    "subtotal": 20.0,
    "base_subtotal": 20.0,
    "tax_amount": 1.6,
    "base_tax_amount": 1.6,
    "shipping_amount": 0.0,
    "base_shipping_amount": 0.0,
    "discount_amount": 0.0,
    "grand_total": 21.6,
    "base_grand_total": 21.6,
    "total_qty_ordered": 2.0,
    "total_item_count": 1,
    "total_invoiced": 0.0,
    "total_paid": 0.0,
    "total_refunded": 0.0,
    "total_canceled": 0.0,
    "total_due": 21.6,
    "base_total_due": 21.6,
    "shipping_invoiced": 0.0,
    "shipping_refunded": 0.0,
    "created_at": STAMP,
    "updated_at": STAMP,
    "billing_address_id": 1,
    "extension_attributes": {
        "shipping_assignments": [
            {
                "shipping": {
                    "address": {**ADDRESS, "address_type": "shipping", "entity_id": 2, "parent_id": 1},
                    "total": {"shipping_amount": 0.0},
                },
                "items": [_item()],
            }
        ],
        "payment_additional_info": [],
    },
}


def test_an_orders_rest_answer_is_magentos_byte_for_byte_and_stays_so(api: Any) -> None:
    placed = api.post("/orders", {"entity": ENTITY})
    assert placed.status_code == 200, placed.text
    assert placed.content == _wire(EXPECTED)
    assert api.get("/orders/1").content == _wire(EXPECTED)
    # other orders come and change: this one reads the same
    other = api.place(ext_order_id="222-0000000-0000002")["entity_id"]
    assert api.post(f"/order/{other}/invoice", {}).status_code == 200
    assert api.post("/orders", {"entity": {"entity_id": other, "ext_order_id": "X-1"}}).status_code == 200
    assert api.get("/orders/1").content == _wire(EXPECTED)
    assert api.model.order(1) == EXPECTED


def test_a_change_shows_wherever_the_order_repeats_it(api: Any) -> None:
    placed = api.post("/orders", {"entity": ENTITY}).json()
    api.sims.sandbox.clock.advance(60)
    assert api.post(f"/order/{placed['entity_id']}/invoice", {"items": [{"order_item_id": 1, "qty": 1}]}).ok
    order = api.get(f"/orders/{placed['entity_id']}").json()
    invoiced = _item(qty_invoiced=1.0, row_invoiced=10.0, tax_invoiced=0.8)
    assert order["items"] == [invoiced]
    assert order["extension_attributes"]["shipping_assignments"][0]["items"] == [invoiced]
    paid = (order["total_paid"], order["payment"]["amount_paid"])
    assert paid == (10.8, 10.8) and order["updated_at"] == "2026-01-05 09:01:00"


def test_a_refused_operation_leaves_the_stored_order_as_it_was(api: Any) -> None:
    order_id = api.post("/orders", {"entity": ENTITY}).json()["entity_id"]
    assert api.post(f"/order/{order_id}/invoice", {}).ok
    before = api.get(f"/orders/{order_id}").content
    refused = api.post(f"/order/{order_id}/refund", {"items": [{"order_item_id": 1, "qty": 5}]})
    assert refused.status_code == 400
    assert api.post(f"/order/{order_id}/ship", {"items": [{"order_item_id": 99, "qty": 1}]}).status_code == 400
    assert api.post("/orders", {"entity": {"entity_id": order_id, "status": 5}}).status_code == 400
    assert api.get(f"/orders/{order_id}").content == before


def test_a_payloads_own_errors_come_before_what_the_stored_orders_refuse(api: Any) -> None:
    """Magento's input processor reads the payload before the save meets the stored state."""
    api.place(increment_id="USED")
    refused = api.post("/orders", {"entity": api.entity(increment_id="USED", store_id=99, grand_total="x")})
    assert api.error(refused, 400).startswith('The "x" value\'s type is invalid. The "float" type was expected.')
    refused = api.post("/orders", {"entity": api.entity(increment_id="USED", store_id=99)})
    assert api.error(refused, 400) == "The store that was requested wasn't found. Verify the store and try again."
    refused = api.post("/orders", {"entity": api.entity(increment_id="USED", customer_id=999)})
    assert api.error(refused, 400) == 'The order number "USED" is already in use.'
    assert len(api.model.orders) == 1


def test_reading_an_order_gives_a_copy(api: Any) -> None:
    order_id = api.place()["entity_id"]
    read = api.model.order(order_id)
    read["status"] = "changed"
    read["items"][0]["qty_shipped"] = 2.0
    assert api.model.order(order_id)["status"] == "processing"
    assert api.model.order(order_id)["items"][0]["qty_shipped"] == 0.0
    assert api.model.order(order_id) is not api.model.order(order_id)


def test_search_by_ext_order_id_finds_each_order_and_follows_changes(api: Any) -> None:
    ids = {f"113-{n:07d}-0000000": api.place(ext_order_id=f"113-{n:07d}-0000000")["entity_id"] for n in range(12)}
    for amazon_id, entity_id in ids.items():
        assert _search(api, "ext_order_id", amazon_id) == [entity_id]
    first, second = list(ids.values())[:2]
    api.post("/orders", {"entity": {"entity_id": second, "ext_order_id": "113-0000000-0000000"}})
    assert _search(api, "ext_order_id", "113-0000000-0000000") == [first, second]  # two orders, one Amazon ID
    assert _search(api, "ext_order_id", "113-0000001-0000000") == []
    assert api.model.find("ext_order_id", "113-0000001-0000000") == []  # the index itself, not only the filter
    api.post("/orders", {"entity": {"entity_id": first, "ext_order_id": None}})
    assert _search(api, "ext_order_id", "113-0000000-0000000") == [second]
    assert _search(api, "po_number", "111-0000000-0000001") == sorted(ids.values())  # the payment's, unchanged


def test_increment_ids_stay_unique_and_a_changed_one_is_free_again(api: Any) -> None:
    api.model.add_store_view("second", "Second", "base")
    first = api.place()
    assert api.place(store_id=2)["increment_id"] == "2000000001"
    renamed = api.post("/orders", {"entity": {"entity_id": first["entity_id"], "increment_id": "R-1"}})
    assert renamed.json()["increment_id"] == "R-1"
    assert _search(api, "increment_id", "000000001") == [] and _search(api, "increment_id", "r-1") == [1]
    reused = api.place(increment_id="000000001")
    assert _search(api, "increment_id", "000000001") == [reused["entity_id"]]
    assert api.place()["increment_id"] == "000000002"  # the store's sequence goes on
    in_use = api.post("/orders", {"entity": api.entity(increment_id="R-1")})
    assert api.error(in_use, 400) == 'The order number "R-1" is already in use.'
    taken = api.post("/orders", {"entity": {"entity_id": reused["entity_id"], "increment_id": "r-1"}})
    assert api.error(taken, 400) == 'The order number "r-1" is already in use.'


def test_the_store_gives_back_types_key_order_and_shared_parts_as_stored() -> None:
    store = OrderStore()
    items = [{"item_id": 7, "qty_ordered": 1.0, "weight": 1, "name": "Ünïcode ✓", "gift": None}]
    order = {
        "entity_id": 7,
        "zeta": True,
        "alpha": [],
        "increment_id": "000000007",
        "items": items,
        "payment": {"po_number": "P-7", "cc_last4": None},
        "extension_attributes": {"shipping_assignments": [{"items": items}]},
    }
    store.put({"entity_id": 1, "note": "a first, smaller order"})
    store.put(order)
    read = store[7]
    assert json.dumps(read) == json.dumps(order)  # keys in order, 1.0 stays a float and 1 an int, None kept
    assert read["items"] is read["extension_attributes"]["shipping_assignments"][0]["items"]
    assert read is not store[7] and list(store) == [1, 7] and list(reversed(store)) == [7, 1]
    store.put({**order, "increment_id": "000000008"})
    assert list(store) == [1, 7]  # replacing keeps the place
    assert store.ids_for("increment_id", "000000007") == set() and store.ids_for("increment_id", "000000008") == {7}
    assert store.ids_for("po_number", "p-7") == {7} and store.ids_for("ext_order_id", "P-7") == set()


def test_many_unlike_orders_each_read_back_as_stored() -> None:
    draw = random.Random(5)
    store = OrderStore()
    orders = []
    for n in range(1, 301):
        order = {
            "entity_id": n,
            "ext_order_id": f"{draw.randint(100, 999)}-{n:07d}",
            **{f"field_{draw.randint(0, 40)}": draw.choice([draw.random(), draw.randint(-5, 5), "x" * n, None])},
            "items": [{"sku": f"S{draw.randint(0, 9)}", "qty": float(draw.randint(1, 9))} for _ in range(n % 4 + 1)],
        }
        orders.append(order)
        store.put(order)
    assert [json.dumps(store[o["entity_id"]]) for o in orders] == [json.dumps(o) for o in orders]
    assert all(store.ids_for("ext_order_id", o["ext_order_id"]) == {o["entity_id"]} for o in orders)
