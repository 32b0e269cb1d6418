"""Customers: created per website with a unique email, found through searchCriteria."""

from __future__ import annotations

from typing import Any

from simulators.magento import errors


def _create(api: Any, **fields: Any) -> Any:
    customer = {"email": "jane@example.com", "firstname": "Jane", "lastname": "Buyer", **fields}
    return api.post("/customers", {"customer": customer})


def test_create_then_search_by_email_and_website(api: Any) -> None:
    created = _create(api)
    assert created.status_code == 200, created.text
    body = created.json()
    assert (body["email"], body["website_id"], body["store_id"], body["group_id"]) == ("jane@example.com", 1, 1, 1)
    query = {
        "searchCriteria[filter_groups][0][filters][0][field]": "email",
        "searchCriteria[filter_groups][0][filters][0][value]": "jane@example.com",
        "searchCriteria[filter_groups][1][filters][0][field]": "website_id",
        "searchCriteria[filter_groups][1][filters][0][value]": "1",
    }
    found = api.get("/customers/search", query).json()
    assert [c["id"] for c in found["items"]] == [body["id"]] and found["total_count"] == 1
    assert api.get(f"/customers/{body['id']}").json()["email"] == "jane@example.com"
    assert api.error(api.get("/customers/77"), 404) == "No such entity with customerId = 77"


def test_a_second_account_for_an_email_on_the_same_website_is_refused(api: Any) -> None:
    assert _create(api).ok
    assert api.error(_create(api, email="JANE@example.com"), 400) == errors.DUPLICATE_EMAIL
    assert len(api.model.customers.customers) == 1


def test_the_same_email_may_have_an_account_on_another_website(api: Any) -> None:
    api.model.add_store_view("eu", "EU", "europe")
    assert _create(api).ok
    other = api.post(
        "/rest/eu/V1/customers", {"customer": {"email": "jane@example.com", "firstname": "J", "lastname": "B"}}
    )
    assert other.status_code == 200 and other.json()["website_id"] == 2
    assert len(api.model.customers_by_email("jane@example.com")) == 2


def test_missing_or_malformed_fields_are_refused(api: Any) -> None:
    assert api.error(_create(api, firstname=""), 400) == '"firstname" is required. Enter and try again.'
    assert api.error(_create(api, email="not-an-email"), 400) == 'Email "not-an-email" is invalid.'
    assert api.error(api.post("/customers", {"password": "x"}), 400) == '"customer" is required. Enter and try again.'
    assert api.error(_create(api, store_id=9), 400) == errors.STORE_NOT_FOUND
    assert api.model.customers.customers == {}
