"""The same WSGI app answers identically in-process and live; faults reach the client as transport errors."""

import pytest
import requests

from simulators.journal import Fault


@pytest.mark.parametrize("mode", ["sims", "live_sims"])
def test_both_transports_serve_the_same_answers(mode: str, request: pytest.FixtureRequest) -> None:
    sims = request.getfixturevalue(mode)
    sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}])
    sims.sandbox.clock.advance(600)
    token = sims.amazon_token()
    response = requests.get(
        f"{sims.amazon_url}/orders/v0/orders",
        params={"MarketplaceIds": "ATVPDKIKX0DER", "LastUpdatedAfter": "2026-01-01T00:00:00Z"},
        headers={"x-amz-access-token": token},
        timeout=5,
    )
    assert response.status_code == 200
    assert [o["OrderStatus"] for o in response.json()["payload"]["Orders"]] == ["Pending"]
    missing = requests.get(f"{sims.magento_url}/rest/V1/nowhere", timeout=5)
    assert missing.status_code == 404
    assert missing.json() == {"message": "Request does not match any route."}


def test_namespaces_keep_live_users_apart(live_sims) -> None:  # type: ignore[no-untyped-def]
    other = live_sims.registry.get("worker2")
    other.amazon.create_order(items=[{"sku": "SKU-9"}])
    other.clock.advance(600)
    body = {
        "grant_type": "client_credentials",
        "client_id": "c",
        "client_secret": "s",
        "scope": "sellingpartnerapi::notifications",
    }
    token = requests.post(f"{live_sims.amazon_url}/ns/worker2/auth/o2/token", data=body, timeout=5).json()
    params = {"MarketplaceIds": "ATVPDKIKX0DER", "LastUpdatedAfter": "2026-01-01T00:00:00Z"}
    headers = {"x-amz-access-token": token["access_token"]}
    mine = requests.get(
        f"{live_sims.amazon_url}/ns/worker2/orders/v0/orders", params=params, headers=headers, timeout=5
    )
    assert len(mine.json()["payload"]["Orders"]) == 1
    # The token of one namespace is not valid in another, and the default namespace holds no order.
    elsewhere = requests.get(f"{live_sims.amazon_url}/orders/v0/orders", params=params, headers=headers, timeout=5)
    assert elsewhere.status_code == 403


@pytest.mark.parametrize(("kind", "error"), [("drop", requests.ConnectionError), ("delay", requests.Timeout)])
def test_transport_faults_in_process(sims, kind: str, error: type[Exception]) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.faults.inject("magento", "adminToken", Fault(kind))
    with pytest.raises(error):
        sims.magento_token()
    assert isinstance(sims.magento_token(), str)  # the fault applied once


def test_dropped_connection_live(live_sims) -> None:  # type: ignore[no-untyped-def]
    live_sims.sandbox.faults.inject("magento", "adminToken", Fault("drop"))
    with pytest.raises(requests.ConnectionError):
        live_sims.magento_token()
    assert isinstance(live_sims.magento_token(), str)


def test_status_fault_uses_the_service_envelope(sims) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.faults.inject("amazon", "getOrders", Fault("status", status=503))
    token = sims.amazon_token()
    response = requests.get(
        f"{sims.amazon_url}/orders/v0/orders",
        params={"MarketplaceIds": "ATVPDKIKX0DER", "CreatedAfter": "2026-01-01T00:00:00Z"},
        headers={"x-amz-access-token": token},
        timeout=5,
    )
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "InternalFailure"
    assert [e.operation for e in sims.sandbox.journal.entries("amazon")] == ["lwaToken", "getOrders"]
