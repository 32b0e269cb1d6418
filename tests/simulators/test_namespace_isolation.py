"""Namespaces keep every part of a sandbox apart: faults, journal, clock, rate limits, sellers, resets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from simulators import SandboxRegistry
from simulators.amazon.auth import DEFAULT_GRANT
from simulators.amazon.wire import AmazonApp
from simulators.magento.wire import MagentoApp
from simulators.transport import InProcess

AMAZON = "http://amazon-isolation.test"
MAGENTO = "http://magento-isolation.test"
PARAMS = {"MarketplaceIds": "ATVPDKIKX0DER", "LastUpdatedAfter": "2026-01-01T00:00:00Z"}


@pytest.fixture
def registry() -> Iterator[SandboxRegistry]:
    registry = SandboxRegistry(seed=4)
    with InProcess() as transport:
        transport.mount(AMAZON, AmazonApp(registry))
        transport.mount(MAGENTO, MagentoApp(registry))
        yield registry


def _orders(namespace: str) -> requests.Response:
    base = f"{AMAZON}/ns/{namespace}"
    token = requests.post(f"{base}/auth/o2/token", data=DEFAULT_GRANT, timeout=5).json()["access_token"]
    return requests.get(f"{base}/orders/v0/orders", params=PARAMS, headers={"x-amz-access-token": token}, timeout=5)


def _store_views(namespace: str) -> requests.Response:
    base = f"{MAGENTO}/ns/{namespace}/rest"
    login = {"username": "admin", "password": "admin123"}
    token = requests.post(f"{base}/V1/integration/admin/token", json=login, timeout=5).json()
    return requests.get(f"{base}/V1/store/storeViews", headers={"Authorization": f"Bearer {token}"}, timeout=5)


@pytest.mark.parametrize("service", ["amazon", "magento"])
def test_a_fault_injected_in_one_namespace_fires_only_there(registry: SandboxRegistry, service: str) -> None:
    base, call, operation = (
        (AMAZON, _orders, "getOrders") if service == "amazon" else (MAGENTO, _store_views, "storeViews")
    )
    fault = {"operation": operation, "kind": "status", "status": 503, "times": 5}
    for name in ("left", "right"):
        requests.get(f"{base}/ns/{name}/_sim/clock", timeout=5)  # both namespaces exist before the fault
    assert requests.post(f"{base}/ns/left/_sim/faults", json=fault, timeout=5).ok
    assert call("right").status_code == 200
    assert call("left").status_code == 503
    requests.delete(f"{base}/ns/left/_sim/faults", timeout=5)
    assert call("left").status_code == 200


def test_each_namespace_journals_only_its_own_requests(registry: SandboxRegistry) -> None:
    _orders("left")
    _store_views("right")
    left = requests.get(f"{AMAZON}/ns/left/_sim/journal", timeout=5).json()["entries"]
    right = requests.get(f"{MAGENTO}/ns/right/_sim/journal", timeout=5).json()["entries"]
    assert [e["operation"] for e in left] == ["lwaToken", "getOrders"]
    assert [e["service"] for e in right] == ["magento", "magento"]
    assert registry.get("left").journal.entries("magento") == []
    assert registry.get("right").journal.entries("amazon") == []


def test_clocks_rate_limits_sellers_and_resets_stay_in_their_namespace(registry: SandboxRegistry) -> None:
    left, right = registry.get("left"), registry.get("right")
    start = right.clock.now()
    assert requests.post(f"{AMAZON}/ns/left/_sim/clock/advance", json={"seconds": 3600}, timeout=5).ok
    assert right.clock.now() == start and (left.clock.now() - start).total_seconds() == 3600
    limits = {"enabled": True, "operation": "getOrders", "rate": 0.01, "burst": 1}
    assert requests.post(f"{AMAZON}/ns/left/_sim/rate-limits", json=limits, timeout=5).ok
    assert [_orders("left").status_code for _ in range(2)] == [200, 429]
    assert [_orders("right").status_code for _ in range(2)] == [200, 200]
    seller = {"seller_id": "A3LEFTONLY", "marketplace_ids": ["ATVPDKIKX0DER"]}
    assert requests.post(f"{AMAZON}/ns/left/_sim/sellers", json=seller, timeout=5).ok
    assert "A3LEFTONLY" not in right.amazon.sellers
    right.amazon.create_order()
    assert requests.post(f"{AMAZON}/ns/left/_sim/reset", json={}, timeout=5).ok
    assert len(right.amazon.orders) == 1 and right.journal.entries()


def test_a_token_of_one_namespace_opens_nothing_in_another(registry: SandboxRegistry) -> None:
    token = requests.post(f"{AMAZON}/ns/left/auth/o2/token", data=DEFAULT_GRANT, timeout=5).json()["access_token"]
    headers: dict[str, Any] = {"x-amz-access-token": token}
    assert requests.get(f"{AMAZON}/ns/left/orders/v0/orders", params=PARAMS, headers=headers, timeout=5).ok
    refused = requests.get(f"{AMAZON}/ns/right/orders/v0/orders", params=PARAMS, headers=headers, timeout=5)
    assert refused.status_code == 403
