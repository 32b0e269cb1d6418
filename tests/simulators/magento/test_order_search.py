"""GET /V1/orders with searchCriteria: conditions, OR within a group, AND across groups, sorting, paging."""

from __future__ import annotations

from typing import Any

import pytest


def _criteria(*groups: list[tuple[str, str, str]], sort: list[tuple[str, str]] = (), **paging: int) -> dict[str, str]:
    query: dict[str, str] = {}
    for g, group in enumerate(groups):
        for f, (field, value, condition) in enumerate(group):
            prefix = f"searchCriteria[filter_groups][{g}][filters][{f}]"
            query[f"{prefix}[field]"] = field
            query[f"{prefix}[value]"] = value
            query[f"{prefix}[condition_type]"] = condition
    for i, (field, direction) in enumerate(sort):
        query[f"searchCriteria[sortOrders][{i}][field]"] = field
        query[f"searchCriteria[sortOrders][{i}][direction]"] = direction
    for key, value in paging.items():
        query[f"searchCriteria[{key}]"] = str(value)
    return query


@pytest.fixture
def five(api: Any) -> Any:
    """Five orders: increment IDs 000000001..5, Amazon IDs A-1..A-5, grand totals 10, 20, .. 50."""
    api.model.set_stock("SKU-1", 100)
    for n in range(1, 6):
        amazon = f"A-{n}"
        payment = {"method": "amazonpayment", "po_number": amazon, "additional_information": []}
        api.place(ext_order_id=amazon, payment=payment, grand_total=10.0 * n, base_grand_total=10.0 * n)
        api.sims.sandbox.clock.advance(60)
    return api


def _ids(api: Any, query: dict[str, str]) -> tuple[list[str], int]:
    response = api.get("/orders", query)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["search_criteria"]["filter_groups"] is not None
    return [o["ext_order_id"] for o in body["items"]], body["total_count"]


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        ([[("ext_order_id", "A-2", "eq")]], ["A-2"]),
        ([[("po_number", "A-3", "eq")]], ["A-3"]),
        ([[("payment.po_number", "A-3", "eq")]], ["A-3"]),
        ([[("increment_id", "000000004", "eq")]], ["A-4"]),
        ([[("increment_id", "000000001,000000005", "in")]], ["A-1", "A-5"]),
        ([[("ext_order_id", "A-1,A-2", "nin")]], ["A-3", "A-4", "A-5"]),
        ([[("ext_order_id", "A-1", "neq")]], ["A-2", "A-3", "A-4", "A-5"]),
        ([[("grand_total", "30", "gt")]], ["A-4", "A-5"]),
        ([[("grand_total", "30", "gteq")]], ["A-3", "A-4", "A-5"]),
        ([[("grand_total", "20", "lt")]], ["A-1"]),
        ([[("grand_total", "20", "lteq")]], ["A-1", "A-2"]),
        ([[("created_at", "2026-01-05 09:02:00", "gteq")]], ["A-3", "A-4", "A-5"]),
        ([[("ext_order_id", "a-%", "like")]], ["A-1", "A-2", "A-3", "A-4", "A-5"]),
        ([[("customer_email", "", "notnull")]], ["A-1", "A-2", "A-3", "A-4", "A-5"]),
        ([[("customer_id", "", "null")]], ["A-1", "A-2", "A-3", "A-4", "A-5"]),
        ([[("ext_order_id", "A-1", "eq"), ("grand_total", "50", "eq")]], ["A-1", "A-5"]),
        ([[("ext_order_id", "A-1", "eq"), ("ext_order_id", "A-2", "eq")], [("grand_total", "20", "eq")]], ["A-2"]),
        ([[("ext_order_id", "A-1,A-2,A-3", "in")], [("po_number", "A-3,A-4", "in")]], ["A-3"]),
        ([[("ext_order_id", "NONE", "eq")]], []),
        ([[("ext_order_id", "A-1%", "nlike")]], ["A-2", "A-3", "A-4", "A-5"]),
        ([[("grand_total", "20", "from")], [("grand_total", "40", "to")]], ["A-2", "A-3", "A-4"]),
        ([[("grand_total", "50", "moreq")]], ["A-5"]),
        ([[("ext_order_id", "A-2", "finset")]], ["A-2"]),
        ([[("ext_order_id", "A-2", "nfinset")]], ["A-1", "A-3", "A-4", "A-5"]),
    ],
)
def test_conditions_and_groups(five: Any, groups: list[list[tuple[str, str, str]]], expected: list[str]) -> None:
    ids, total = _ids(five, _criteria(*groups))
    assert ids == expected and total == len(expected)


def test_sorting_and_paging_report_the_total(five: Any) -> None:
    query = _criteria(sort=[("grand_total", "DESC")], pageSize=2, currentPage=2)
    assert _ids(five, query) == (["A-3", "A-2"], 5)
    assert _ids(five, _criteria(sort=[("increment_id", "ASC")], pageSize=2, currentPage=3)) == (["A-5"], 5)
    assert _ids(five, _criteria(pageSize=2, currentPage=9)) == ([], 5)
    filtered = _criteria([("grand_total", "20", "gt")], sort=[("grand_total", "ASC")], pageSize=1)
    assert _ids(five, filtered) == (["A-3"], 3)


def test_bad_search_criteria_get_magentos_400(five: Any) -> None:
    assert five.error(five.get("/orders", {"searchCriteria[pageSize]": "ten"}), 400) == (
        'The "ten" value\'s type is invalid. The "int" type was expected. Verify and try again.'
    )
    bad_condition = _criteria([("ext_order_id", "A-1", "sounds_like")])
    assert "condition_type" in five.error(five.get("/orders", bad_condition), 400)
    no_field = {"searchCriteria[filter_groups][0][filters][0][value]": "A-1"}
    assert five.error(five.get("/orders", no_field), 400) == '"field" is required. Enter and try again.'


@pytest.mark.parametrize(
    "route", ["/orders", "/orders/items", "/invoices", "/shipments", "/creditmemos", "/products", "/customers/search"]
)
def test_a_list_route_without_search_criteria_names_the_missing_argument(five: Any, route: str) -> None:
    assert five.error(five.get(route), 400) == '"searchCriteria" is required. Enter and try again.'
    assert five.error(five.get(route, {"fields": "total_count"}), 400) == (
        '"searchCriteria" is required. Enter and try again.'
    )
    assert five.get(route, {"searchCriteria": ""}).status_code == 200  # present, even empty: everything


def test_camel_case_keys_are_accepted_too(five: Any) -> None:
    query = {
        "searchCriteria[filterGroups][0][filters][0][field]": "ext_order_id",
        "searchCriteria[filterGroups][0][filters][0][value]": "A-2",
        "searchCriteria[filterGroups][0][filters][0][conditionType]": "eq",
    }
    assert _ids(five, query) == (["A-2"], 1)


def test_the_indexes_follow_changes_of_ext_order_id(five: Any) -> None:
    order = five.model.find("ext_order_id", "A-2")[0]
    five.post("/orders", {"entity": {"entity_id": order["entity_id"], "ext_order_id": "B-2"}})
    assert _ids(five, _criteria([("ext_order_id", "A-2", "eq")])) == ([], 0)
    assert _ids(five, _criteria([("ext_order_id", "B-2", "eq")])) == (["B-2"], 1)
    assert [o["entity_id"] for o in five.model.orders_for_amazon_id("A-2")] == [order["entity_id"]]  # po_number


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        # a text column compares as text (MySQL): increment ID 000000001 is not 1, whatever the path taken
        ([[("increment_id", "1", "eq")]], []),
        ([[("increment_id", "1,2", "in")]], []),
        ([[("increment_id", "1", "like")]], []),
        ([[("increment_id", "1", "gteq")], [("increment_id", "000000003", "lteq")]], []),
        # ... and case-insensitively (Magento's tables use case-insensitive collations), through the index or not
        ([[("ext_order_id", "a-2", "eq")]], ["A-2"]),
        ([[("ext_order_id", "a-2,a-3", "in")]], ["A-2", "A-3"]),
        ([[("ext_order_id", "a-2", "neq")]], ["A-1", "A-3", "A-4", "A-5"]),
        ([[("ext_order_id", "a-4", "gteq")]], ["A-4", "A-5"]),
        # a numeric column compares as numbers
        ([[("grand_total", "30.000", "eq")]], ["A-3"]),
        ([[("entity_id", "02", "eq")]], ["A-2"]),
        ([[("entity_id", "01,005", "in")]], ["A-1", "A-5"]),
    ],
)
def test_columns_compare_by_their_type(
    five: Any, groups: list[list[tuple[str, str, str]]], expected: list[str]
) -> None:
    assert _ids(five, _criteria(*groups)) == (expected, len(expected))


def test_a_sku_that_looks_like_a_number_is_text(api: Any) -> None:
    for sku in ("1.00", "1", "01"):
        api.model.create_product(sku, qty=1)
    response = api.get("/products", _criteria([("sku", "1", "eq")]))
    assert response.status_code == 200, response.text
    assert [p["sku"] for p in response.json()["items"]] == ["1"]
