"""The reference connector's driver server: sessions apart, restart keeps state, errors in the envelope."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
from werkzeug.test import Client

from reference_impl.driver_server import DriverApp, SessionClock
from simulators import Sandbox, SandboxRegistry
from simulators.amazon.wire import AmazonApp
from simulators.transport import LiveServer

NOW = "2026-01-05T09:00:00+00:00"
STORE = {
    "name": "Main Store",
    "marketplace_id": "ATVPDKIKX0DER",
    "amazon_endpoint": "http://127.0.0.1:9/amazon",
    "lwa_endpoint": "http://127.0.0.1:9/amazon",
    "lwa_client_id": "c",
    "lwa_client_secret": "s",
    "refresh_token": "r",
    "magento_url": "http://127.0.0.1:9/magento",
    "magento_username": "admin",
    "magento_password": "admin123",
    "website_code": "base",
    "integrated_at": NOW,
}


@pytest.fixture
def app(tmp_path: Any) -> Iterator[DriverApp]:
    driver = DriverApp(tmp_path)
    yield driver
    driver.close()


def _open(client: Client) -> str:
    response = client.post("/sessions", json={"now": NOW, "clock_url": None})
    assert response.status_code == 201, response.json
    return str(response.json["session"])


def _call(client: Client, session: str, operation: str, **args: Any) -> Any:
    return client.post(f"/sessions/{session}/{operation}", json={"now": NOW, "args": args})


def test_hello_names_the_protocol(app: DriverApp) -> None:
    assert Client(app).get("/").json == {"protocol": "asc-driver", "version": 1, "connector": "reference"}


def test_sessions_are_apart_and_restart_keeps_what_was_persisted(app: DriverApp) -> None:
    client = Client(app)
    first, second = _open(client), _open(client)
    assert first != second
    assert _call(client, first, "integrate_store", store=STORE).json == {"result": None}
    assert (
        _call(client, first, "configure_orders", store="Main Store", settings={"import_enabled": False}).status_code
        == 200
    )
    assert _call(client, first, "amazon_orders", store="Main Store").json == {"result": []}
    unknown = _call(client, second, "amazon_orders", store="Main Store")
    assert unknown.status_code == 500 and unknown.json["error"]["kind"] == "failed"
    assert _call(client, first, "restart").json == {"result": None}
    assert app.sessions[first].connector.settings("Main Store").import_enabled is False
    assert _call(client, first, "reset").status_code == 200
    assert app.sessions[first].connector.storage.store_names() == []
    assert client.delete(f"/sessions/{first}").json == {"result": None}
    gone = _call(client, first, "sync")
    assert (gone.status_code, gone.json["error"]["kind"]) == (404, "no_session")
    assert _call(client, second, "capabilities").json == {"result": {"unsupported": {}}}


@pytest.mark.parametrize(
    ("request_args", "status", "kind", "text"),
    [
        (("post", "/sessions", {"now": "yesterday"}), 400, "bad_request", "not an ISO 8601 instant"),
        (("post", "/sessions", [1, 2]), 400, "bad_request", "must be a JSON object"),
        (("get", "/nowhere", None), 404, "no_route", "no route GET /nowhere"),
        (("post", "/sessions/{s}/teleport", {"now": NOW}), 404, "no_operation", "unknown operation 'teleport'"),
        (("post", "/sessions/{s}/set_read_only", {"now": NOW, "args": {"on": "yes"}}), 400, "bad_request", "'on'"),
        (("post", "/sessions/{s}/sync", {"now": NOW, "args": [1]}), 400, "bad_request", "'args' must be"),
        (
            ("post", "/sessions/{s}/integrate_store", {"now": NOW, "args": {"store": {"name": "x"}}}),
            400,
            "bad_request",
            "not a store",
        ),
    ],
)
def test_bad_requests_are_answered_in_the_envelope(
    app: DriverApp, request_args: tuple[str, str, Any], status: int, kind: str, text: str
) -> None:
    client = Client(app)
    session = _open(client)
    method, path, body = request_args
    response = getattr(client, method)(path.format(s=session), json=body)
    assert response.status_code == status
    assert response.json["error"]["kind"] == kind
    assert text in response.json["error"]["message"]
    assert list(app.sessions) == [session]  # nothing half-made


def test_a_refused_cancellation_is_409_refused(app: DriverApp) -> None:
    client = Client(app)
    session = _open(client)
    _call(client, session, "integrate_store", store=STORE)
    response = _call(client, session, "cancel_order", store="Main Store", order_number="111-1", reason="x")
    assert response.status_code == 409
    assert response.json["error"] == {"kind": "refused", "message": "no Amazon order 111-1 in the store 'Main Store'"}


def test_a_sleep_advances_the_harness_clock_through_the_clock_url() -> None:
    registry = SandboxRegistry()
    sandbox = registry.add(Sandbox("scenario-1"))
    start = sandbox.clock.now()
    with LiveServer(AmazonApp(registry)) as amazon, requests.Session() as http:
        clock = SessionClock(start, f"{amazon.url}/ns/scenario-1/_sim/clock", http)
        clock.sleep(90)
    assert sandbox.clock.now() == start + timedelta(seconds=90)
    assert clock.now() == sandbox.clock.now()
