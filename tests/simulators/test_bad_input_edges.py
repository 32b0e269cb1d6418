"""Edge cases of bad input: still the service's own 4xx envelope, never a 500 or an exception."""

from __future__ import annotations

import pytest
import requests

from simulators.journal import Fault


def test_deeply_nested_json_is_a_bad_request_on_both_services(sims) -> None:  # type: ignore[no-untyped-def]
    deep = "[" * 100_000 + "]" * 100_000
    token = requests.post(
        f"{sims.amazon_url}/auth/o2/token", data=deep, headers={"Content-Type": "application/json"}, timeout=5
    )
    assert token.status_code == 400
    magento = requests.post(
        f"{sims.magento_url}/rest/V1/integration/admin/token",
        data=deep,
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert magento.status_code == 400
    assert "message" in magento.json()


def test_an_order_items_token_given_to_get_orders_is_invalid_input(sims) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.amazon.order_items_page_size = 1
    order = sims.sandbox.amazon.create_order(items=[{"sku": "A"}, {"sku": "B"}])
    sims.sandbox.clock.advance(600)
    headers = {"x-amz-access-token": sims.amazon_token()}
    items = requests.get(
        f"{sims.amazon_url}/orders/v0/orders/{order.amazon_order_id}/orderItems", headers=headers, timeout=5
    ).json()
    token = items["payload"]["NextToken"]
    response = requests.get(
        f"{sims.amazon_url}/orders/v0/orders",
        params={"MarketplaceIds": "ATVPDKIKX0DER", "NextToken": token},
        headers=headers,
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"


def test_a_fault_delay_must_be_finite() -> None:
    with pytest.raises(ValueError, match="finite"):
        Fault("delay", seconds=float("nan"))


def test_a_nan_search_value_is_not_a_server_error(sims) -> None:  # type: ignore[no-untyped-def]
    params = {
        "searchCriteria[filter_groups][0][filters][0][field]": "grand_total",
        "searchCriteria[filter_groups][0][filters][0][value]": "NaN",
        "searchCriteria[filter_groups][0][filters][0][condition_type]": "gt",
    }
    headers = {"Authorization": f"Bearer {sims.magento_token()}"}
    response = requests.get(f"{sims.magento_url}/rest/V1/orders", params=params, headers=headers, timeout=5)
    assert response.status_code == 200
    assert response.json()["total_count"] == 0


def test_a_refused_stock_change_leaves_the_product_unchanged(sims) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", name="Old name", price="10.00", qty=5)
    headers = {"Authorization": f"Bearer {sims.magento_token()}"}
    body = {
        "product": {
            "sku": "SKU-1",
            "name": "New name",
            "price": 99,
            "extension_attributes": {"stock_item": {"qty": -3}},
        }
    }
    response = requests.put(f"{sims.magento_url}/rest/V1/products/SKU-1", json=body, headers=headers, timeout=5)
    assert response.status_code == 400
    product = sims.sandbox.magento.product("SKU-1")
    assert (product.name, str(product.price)) == ("Old name", "10.00")
    assert sims.sandbox.magento.salable_qty("SKU-1") == 5


def test_a_malformed_namespace_header_is_refused_and_creates_nothing(live_sims) -> None:  # type: ignore[no-untyped-def]
    before = set(live_sims.registry._sandboxes)
    response = requests.get(f"{live_sims.magento_url}/rest/V1/nowhere", headers={"X-Sim-Namespace": "a/b c"}, timeout=5)
    assert response.status_code == 400
    assert "message" in response.json()
    assert set(live_sims.registry._sandboxes) == before


def test_an_injected_fault_object_is_not_used_up_for_its_next_injection() -> None:
    from simulators.journal import Fault, FaultPlan

    fault = Fault("status", times=1, status=503)
    for _ in range(2):
        plan = FaultPlan()
        plan.inject("magento", "orderCreate", fault)
        assert plan.take("magento", "orderCreate") is not None
        assert plan.take("magento", "orderCreate") is None
    assert fault.times == 1


def test_a_fault_with_skip_serves_that_many_calls_before_it_applies() -> None:
    from simulators.journal import Fault, FaultPlan

    plan = FaultPlan()
    plan.inject("amazon", "getOrders", Fault("status", times=1, status=503, skip=2))
    taken = [plan.take("amazon", "getOrders") for _ in range(4)]
    assert [f.status if f else None for f in taken] == [None, None, 503, None]
    with pytest.raises(ValueError, match="negative"):
        Fault("status", skip=-1)
