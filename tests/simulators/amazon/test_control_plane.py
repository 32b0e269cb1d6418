"""The fake Amazon's control plane over HTTP, its token, and transport faults on Amazon operations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from simulators import Sandbox, SandboxRegistry
from simulators.amazon.auth import DEFAULT_GRANT
from simulators.amazon.wire import AmazonApp
from simulators.journal import Fault
from simulators.transport import InProcess, LiveServer

CONTROL = "/_sim"


def test_orders_are_created_and_moved_over_http(sims: Any) -> None:
    base = sims.amazon_url + CONTROL
    created = requests.post(
        f"{base}/orders",
        json={
            "amazon_order_id": "111-1111111-1111111",
            "status": "Unshipped",
            "buyer_name": "Ann Lee",
            "purchase_date": "2026-01-05T08:00:00Z",
            "items": [{"sku": "A", "quantity": 2, "price": "4.00"}],
        },
        timeout=5,
    )
    assert created.status_code == 200, created.text
    body = created.json()
    assert (
        body["order"]["BuyerInfo"]["BuyerName"] == "Ann Lee" and body["order"]["PurchaseDate"] == "2026-01-05T08:00:00Z"
    )
    assert body["items"][0]["ItemPrice"]["Amount"] == "8.00"
    order = sims.sandbox.amazon.get("111-1111111-1111111")
    moved = requests.post(
        f"{base}/orders/status", json={"amazon_order_id": order.amazon_order_id, "status": "Shipped"}, timeout=5
    )
    assert moved.status_code == 200 and order.status == "Shipped"
    illegal = requests.post(
        f"{base}/orders/status", json={"amazon_order_id": order.amazon_order_id, "status": "Pending"}, timeout=5
    )
    assert illegal.status_code == 400 and "from Shipped to Pending" in illegal.json()["error"]
    other = sims.sandbox.amazon.create_order()
    canceled = requests.post(
        f"{base}/orders/cancel", json={"amazon_order_id": other.amazon_order_id, "reason": "BuyerCanceled"}, timeout=5
    )
    assert canceled.json()["cancellation"]["reason"] == "BuyerCanceled" and other.status == "Canceled"
    missing = requests.post(
        f"{base}/orders/status", json={"amazon_order_id": "999-9999999-9999999", "status": "Shipped"}, timeout=5
    )
    assert missing.status_code == 404
    typo = requests.post(f"{base}/orders", json={"stauts": "Pending"}, timeout=5)
    assert typo.status_code == 400 and "stauts" in typo.json()["error"]
    assert len(sims.sandbox.amazon.orders) == 2


def test_shipment_confirmations_and_rate_limits_over_http(sims: Any) -> None:
    base = sims.amazon_url + CONTROL
    order = sims.sandbox.amazon.create_order(status="Unshipped")
    token = sims.amazon_token()
    confirm = {
        "marketplaceId": "ATVPDKIKX0DER",
        "packageDetail": {
            "packageReferenceId": "1",
            "carrierCode": "USPS",
            "trackingNumber": "9400",
            "shipDate": "2026-01-05T09:00:00Z",
            "orderItems": [{"orderItemId": order.items[0].order_item_id, "quantity": 1}],
        },
    }
    requests.post(
        f"{sims.amazon_url}/orders/v0/orders/{order.amazon_order_id}/shipmentConfirmation",
        json=confirm,
        headers={"x-amz-access-token": token},
        timeout=5,
    )
    shipments = requests.get(f"{base}/orders/shipments", params={"amazon_order_id": order.amazon_order_id}, timeout=5)
    assert shipments.json()["shipments"][0]["tracking_number"] == "9400"
    assert requests.get(f"{base}/rate-limits", timeout=5).json()["enabled"] is False
    switched = requests.post(
        f"{base}/rate-limits", json={"enabled": True, "operation": "getOrder", "rate": 1, "burst": 1}, timeout=5
    )
    assert switched.json()["plans"]["getOrder"] == {"rate": 1.0, "burst": 1}
    path = f"{sims.amazon_url}/orders/v0/orders/{order.amazon_order_id}"
    codes = [requests.get(path, headers={"x-amz-access-token": token}, timeout=5).status_code for _ in range(2)]
    assert codes == [200, 429]
    assert requests.post(f"{base}/rate-limits", json={"enabled": "yes"}, timeout=5).status_code == 400


@pytest.fixture
def guarded() -> Iterator[tuple[str, Sandbox]]:
    registry = SandboxRegistry(seed=1)
    sandbox = registry.add(Sandbox("default", seed=1))
    with InProcess() as transport:
        yield transport.mount("http://guarded-amazon.test", AmazonApp(registry, control_token="s3cret")), sandbox


def test_the_control_plane_refuses_requests_without_the_token(guarded: tuple[str, Sandbox]) -> None:
    url, sandbox = guarded
    for headers in ({}, {"X-Sim-Control-Token": "guess"}):
        refused = requests.post(f"{url}/_sim/orders", json={}, headers=headers, timeout=5)
        assert refused.status_code == 403
        assert (
            requests.post(f"{url}/_sim/clock/advance", json={"seconds": 60}, headers=headers, timeout=5).status_code
            == 403
        )
    assert sandbox.amazon.orders == {} and sandbox.clock.now().minute == 0
    allowed = requests.post(f"{url}/_sim/orders", json={}, headers={"X-Sim-Control-Token": "s3cret"}, timeout=5)
    assert allowed.status_code == 200 and len(sandbox.amazon.orders) == 1


def test_a_delay_past_the_clients_timeout_in_process_still_serves_the_call(sims: Any) -> None:
    order = sims.sandbox.amazon.create_order(status="Unshipped")
    sims.sandbox.faults.inject("amazon", "confirmShipment", Fault("delay", seconds=5))
    body = {
        "marketplaceId": "ATVPDKIKX0DER",
        "packageDetail": {
            "packageReferenceId": "1",
            "carrierCode": "UPS",
            "trackingNumber": "1Z",
            "shipDate": "2026-01-05T09:00:00Z",
            "orderItems": [{"orderItemId": order.items[0].order_item_id, "quantity": 1}],
        },
    }
    url = f"{sims.amazon_url}/orders/v0/orders/{order.amazon_order_id}/shipmentConfirmation"
    with pytest.raises(requests.ReadTimeout):
        requests.post(url, json=body, headers={"x-amz-access-token": sims.amazon_token()}, timeout=1)
    assert order.status == "Shipped"  # the client timed out, Amazon applied it


def test_a_delay_past_the_clients_timeout_live() -> None:
    registry = SandboxRegistry(seed=1)
    sandbox = registry.add(Sandbox("default", seed=1))
    with LiveServer(AmazonApp(registry)) as server:
        sandbox.faults.inject("amazon", "lwaToken", Fault("delay", seconds=0.6))
        grant = dict(DEFAULT_GRANT)
        with pytest.raises(requests.ReadTimeout):
            requests.post(f"{server.url}/auth/o2/token", data=grant, timeout=0.2)
        assert requests.post(f"{server.url}/auth/o2/token", data=grant, timeout=5).status_code == 200
        sandbox.faults.inject("amazon", "lwaToken", Fault("delay", seconds=0.3))
        assert requests.post(f"{server.url}/auth/o2/token", data=grant, timeout=5).status_code == 200  # within timeout


def test_fault_parameters_are_checked() -> None:
    with pytest.raises(ValueError):
        Fault("delay", seconds=-1)
    with pytest.raises(ValueError):
        Fault("status", status=42)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/clock/advance", {"seconds": 1e308}),
        ("/clock/advance", {"seconds": -5}),
        ("/clock/set", {"now": "yesterday"}),
        ("/faults", {"kind": "delay", "seconds": -1}),
        ("/faults", {"kind": "explode"}),
        ("/orders", [1, 2]),
        ("/orders", "[" * 5000 + "]" * 5000),
    ],
)
def test_common_control_routes_refuse_bad_bodies_with_400(sims: Any, path: str, body: Any) -> None:
    url = f"{sims.amazon_url}/_sim{path}"
    response = (
        requests.post(url, data=body, timeout=5) if isinstance(body, str) else requests.post(url, json=body, timeout=5)
    )
    assert response.status_code == 400 and response.json()["error"]
    assert sims.sandbox.clock.now().isoformat() == "2026-01-05T09:00:00+00:00"
