"""Limits found by fuzzing: instants near datetime's end, NaN, request size, journal bytes, namespaces."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from simulators import SandboxRegistry
from simulators.amazon.wire import AmazonApp
from simulators.clock import LATEST, SimClock, WallClock
from simulators.journal import MAX_JOURNAL_BODY, Journal, JournalEntry
from simulators.magento.wire import MagentoApp
from simulators.sandbox import NamespaceLimit
from simulators.transport import InProcess
from simulators.wsgi import MAX_REQUEST_BYTES

ORDERS = {"MarketplaceIds": "ATVPDKIKX0DER", "LastUpdatedAfter": "2026-01-01T00:00:00Z"}


def _orders(sims: Any) -> requests.Response:
    headers = {"x-amz-access-token": sims.amazon_token()}
    return requests.get(f"{sims.amazon_url}/orders/v0/orders", params=ORDERS, headers=headers, timeout=5)


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59Z", "9998-12-31T00:00:01Z", "0001-01-01T00:00:00Z"])
def test_a_refused_purchase_date_stores_no_order_and_searches_keep_working(sims: Any, when: str) -> None:
    created = requests.post(
        f"{sims.amazon_url}/_sim/orders", json={"purchase_date": when, "status": "Unshipped"}, timeout=5
    )
    assert created.status_code == 400 and "purchase_date" in created.json()["error"]
    assert sims.sandbox.amazon.orders == {}
    assert _orders(sims).status_code == 200


def test_the_clock_stops_short_of_the_last_representable_instant(sims: Any) -> None:
    before = sims.sandbox.clock.now()
    for path, body in (("set", {"now": "9999-12-31T23:59:00Z"}), ("advance", {"seconds": 1e12})):
        moved = requests.post(f"{sims.amazon_url}/_sim/clock/{path}", json=body, timeout=5)
        assert moved.status_code == 400 and moved.json()["error"]
    assert sims.sandbox.clock.now() == before
    assert requests.post(f"{sims.amazon_url}/_sim/clock/set", json={"now": LATEST.isoformat()}, timeout=5).ok
    sims.sandbox.amazon.create_order(status="Unshipped")
    assert _orders(sims).status_code == 200  # every date the services derive from now still fits
    with pytest.raises(ValueError):
        SimClock(LATEST).advance(1)


def test_nan_and_infinite_rates_are_refused_and_the_plans_stay_json(sims: Any) -> None:
    url = f"{sims.amazon_url}/_sim/rate-limits"
    for rate in ("NaN", "Infinity", "-1", 0):
        refused = requests.post(url, json={"operation": "getOrders", "rate": rate, "burst": 1}, timeout=5)
        assert refused.status_code == 400, rate
    raw = b'{"operation": "getOrders", "rate": NaN, "burst": 1}'
    assert requests.post(url, data=raw, headers={"Content-Type": "application/json"}, timeout=5).status_code == 400
    plans = requests.get(url, timeout=5)
    assert plans.json()["plans"]["getOrders"] == {"rate": 0.0167, "burst": 20}  # strict JSON, unchanged


def test_a_body_over_the_limit_is_refused_in_each_services_format(sims: Any) -> None:
    big = b"x" * (MAX_REQUEST_BYTES + 1)
    amazon = requests.post(f"{sims.amazon_url}/auth/o2/token", data=big, timeout=30)
    assert amazon.status_code == 413 and amazon.json()["errors"][0]["code"] == "RequestEntityTooLarge"
    magento = requests.post(f"{sims.magento_url}/rest/V1/orders", data=big, timeout=30)
    assert magento.status_code == 413 and "message" in magento.json()
    control = requests.post(f"{sims.amazon_url}/_sim/orders", data=big, timeout=30)
    assert control.status_code == 413
    assert sims.sandbox.journal.entries() == [] and sims.sandbox.amazon.orders == {}


def test_the_journal_trims_large_bodies_and_holds_a_bounded_number_of_bytes(sims: Any) -> None:
    body = "y" * (MAX_JOURNAL_BODY * 4)
    response = requests.post(f"{sims.magento_url}/rest/V1/integration/admin/token", data=body, timeout=5)
    assert response.status_code in (400, 401)
    [entry] = sims.sandbox.journal.entries("magento")
    assert isinstance(entry.body, str) and entry.body.startswith(f"[{len(body)} bytes, trimmed]")
    assert len(entry.body) < MAX_JOURNAL_BODY + 100
    journal = Journal(max_bytes=10_000)
    for n in range(50):
        journal.record(
            JournalEntry("amazon", "op", "POST", "/", {}, "z" * 1000 + str(n), 200, sims.sandbox.clock.now())
        )
    assert journal.size_bytes <= 10_000
    kept = journal.entries()
    assert 5 <= len(kept) <= 10 and kept[-1].body.endswith("49")  # the newest are kept


@pytest.mark.parametrize("name", [".", "..", "...", "a" * 65, "a/b"])
def test_namespaces_of_dots_only_or_bad_names_are_refused_and_create_nothing(name: str) -> None:
    registry = SandboxRegistry()
    with InProcess() as transport:
        url = transport.mount("http://amazon-ns.test", AmazonApp(registry))
        response = requests.get(f"{url}/_sim/clock", headers={"X-Sim-Namespace": name}, timeout=5)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "InvalidInput"
    assert registry.names() == []


def test_namespaces_made_on_first_use_are_bounded_and_the_idle_ones_freed() -> None:
    registry = SandboxRegistry(max_namespaces=2, idle_seconds=0.2)
    pinned = registry.add(registry.get("default"))
    registry.get("a"), registry.get("b")
    with pytest.raises(NamespaceLimit):
        registry.get("c")  # both are in use
    time.sleep(0.25)
    registry.get("b")  # b is used again; a stays idle
    registry.get("c")
    assert registry.names() == ["b", "c", "default"] and registry.get("default") is pinned
    with InProcess() as transport:
        url = transport.mount("http://magento-ns.test", MagentoApp(registry))
        refused = requests.get(f"{url}/ns/d/rest/V1/store/storeViews", timeout=5)
    assert refused.status_code == 503 and "message" in refused.json()
    assert "d" not in registry.names()


def test_a_wall_clock_follows_real_time_and_can_still_be_moved_forward() -> None:
    clock = WallClock()
    first = clock.now()
    time.sleep(0.05)
    assert clock.now() > first
    moved = clock.advance(3600)
    assert 3600 <= (moved - first).total_seconds() < 3660
    with pytest.raises(ValueError):
        clock.set(first)
