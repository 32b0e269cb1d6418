"""The reference connector's driver server: sessions apart, restart keeps state, errors in the envelope."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
from werkzeug.test import Client

from reference_impl.driver_server import DriverApp, SessionClock, is_loopback, make_driver_server, server_url
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


@pytest.mark.parametrize(
    ("settings", "text"),
    [
        ({"import_enabled": "false"}, "import_enabled must be true or false, got 'false'"),
        ({"import_enabled": 0}, "import_enabled must be true or false, got 0"),
        ({"store_view_code": 5}, "store_view_code must be a string or null"),
        ({"reserve": "maybe"}, "reserve must be one of"),
        ({"colour": "blue"}, "unknown order setting(s) ['colour']"),
    ],
)
def test_configure_orders_type_checks_every_setting(app: DriverApp, settings: dict[str, Any], text: str) -> None:
    client = Client(app)
    session = _open(client)
    _call(client, session, "integrate_store", store=STORE)
    before = app.sessions[session].connector.settings("Main Store")
    response = _call(client, session, "configure_orders", store="Main Store", settings=settings)
    assert (response.status_code, response.json["error"]["kind"]) == (400, "bad_request")
    assert text in response.json["error"]["message"]
    assert app.sessions[session].connector.settings("Main Store") == before  # nothing changed


def test_a_token_is_required_of_every_request_but_the_hello(tmp_path: Any) -> None:
    driver = DriverApp(tmp_path, token="t0ken")
    try:
        client = Client(driver)
        assert client.get("/").status_code == 200
        for headers in ({}, {"X-Driver-Token": "wrong"}):
            refused = client.post("/sessions", json={"now": NOW}, headers=headers)
            assert (refused.status_code, refused.json["error"]["kind"]) == (403, "forbidden")
        assert driver.sessions == {}
        opened = client.post("/sessions", json={"now": NOW}, headers={"X-Driver-Token": "t0ken"})
        session = opened.json["session"]
        refused = _call(client, session, "capabilities")
        assert refused.status_code == 403
        token = {"X-Driver-Token": "t0ken"}
        allowed = client.post(f"/sessions/{session}/capabilities", json={"now": NOW}, headers=token)
        assert allowed.json == {"result": {"unsupported": {}}}
    finally:
        driver.close()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("::", False)],
)
def test_a_server_bound_beyond_loopback_makes_and_requires_a_token(tmp_path: Any, host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    try:
        server = make_driver_server(host, 0, tmp_path)
    except OSError:  # no IPv6 here
        pytest.skip(f"cannot bind {host}")
    try:
        token = server.app.token
        assert (token is None) is loopback
        if token:
            assert len(token) >= 24
            assert Client(server.app).post("/sessions", json={"now": NOW}).status_code == 403
    finally:
        server.server_close()
        server.app.close()


def test_sessions_are_bounded_and_idle_ones_are_closed(tmp_path: Any) -> None:
    ticks = [0.0]
    driver = DriverApp(tmp_path, max_sessions=2, idle_timeout=60, monotonic=lambda: ticks[0])
    try:
        client = Client(driver)
        first, second = _open(client), _open(client)
        full = client.post("/sessions", json={"now": NOW})
        assert (full.status_code, full.json["error"]["kind"]) == (503, "busy")
        assert set(driver.sessions) == {first, second}
        ticks[0] = 50.0
        assert _call(client, second, "capabilities").status_code == 200  # second is in use: it stays
        ticks[0] = 100.0
        third = _open(client)  # first was idle for 100 s: closed to make room
        assert set(driver.sessions) == {second, third}
        assert not (tmp_path / first).exists()  # its files are gone
        assert (_call(client, first, "sync").json["error"]["kind"]) == "no_session"
        ticks[0] = 500.0
        assert sorted(driver.close_idle()) == sorted([second, third])
        assert driver.sessions == {} and list(tmp_path.iterdir()) == []
    finally:
        driver.close()


def test_a_session_serving_a_request_is_never_closed_as_idle(tmp_path: Any) -> None:
    ticks = [0.0]
    driver = DriverApp(tmp_path, idle_timeout=60, monotonic=lambda: ticks[0])
    try:
        client = Client(driver)
        session = _open(client)
        driver.sessions[session].in_use = 1  # as while a long sync runs
        ticks[0] = 1000.0
        assert driver.close_idle() == []
        driver.sessions[session].in_use = 0
        assert driver.close_idle() == [session]
    finally:
        driver.close()


def test_a_session_still_being_opened_is_passed_over_by_the_idle_sweep(tmp_path: Any) -> None:
    """Another worker opening a session at the same moment holds its place with no session yet."""
    ticks = [0.0]
    driver = DriverApp(tmp_path, idle_timeout=60, monotonic=lambda: ticks[0])
    try:
        client = Client(driver)
        idle = _open(client)
        driver.sessions["s-being-made"] = None  # type: ignore[assignment]  # as _open does while it builds one
        ticks[0] = 100.0
        assert driver.close_idle() == [idle]
        assert list(driver.sessions) == ["s-being-made"]
        assert _open(client) in driver.sessions  # opening another runs the sweep too
    finally:
        driver.close()


def test_the_harness_sends_the_driver_token(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.http_driver import DriverClient, ProtocolError

    server = make_driver_server("127.0.0.1", 0, tmp_path, token="s3cret")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = server_url(server)
    try:
        with pytest.raises(ProtocolError, match=r"\(forbidden\)"):
            DriverClient(url).request("POST", "/sessions", "open_session", {"now": NOW})
        monkeypatch.setenv("ASC_DRIVER_TOKEN", "s3cret")
        assert DriverClient(url).request("POST", "/sessions", "open_session", {"now": NOW}).startswith("s-")
    finally:
        server.shutdown()
        server.server_close()
        server.app.close()
