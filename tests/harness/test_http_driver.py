"""The HTTP driver client: protocol errors name the operation and what came back; bad URLs fail in one line."""

from __future__ import annotations

import json
import re
import socket
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import start_process, stop_process
from werkzeug.wrappers import Request, Response

from harness.adapter import ActionRefused, ConnectorEnvironment
from harness.http_driver import ConnectorError, DriverUnreachable, ProtocolError, http_factory
from harness.impl import ImplError, resolve
from simulators.transport import LiveServer

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
HELLO = {"protocol": "asc-driver", "version": 1, "connector": "fake"}

Answer = Callable[[Request], Response]


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


class FakeDriver:
    """A driver that answers the hello and sessions properly and each operation as told."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.hello: Answer = lambda request: _json(HELLO)
        self.sessions: Answer = lambda request: _json({"session": "s-1"}, 201)
        self.requests: list[tuple[str, str, Any]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        body = json.loads(request.get_data() or b"null")
        self.requests.append((request.method, request.path, body))
        parts = [p for p in request.path.split("/") if p]
        if not parts:
            response = self.hello(request)
        elif parts == ["sessions"]:
            response = self.sessions(request)
        elif request.method == "DELETE":
            response = _json({"result": None})
        else:
            response = self.answers.get(parts[-1], lambda r: _json({"result": None}))(request)
        return response(environ, start_response)


class Switch:
    """A WSGI app that forwards to the current fake (one server for the module: stopping one costs 0.5 s)."""

    def __init__(self) -> None:
        self.app = FakeDriver()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Switch, str]]:
    switch = Switch()
    with LiveServer(switch) as live:
        yield switch, live.url


@pytest.fixture
def fake(server: tuple[Switch, str]) -> tuple[FakeDriver, str]:
    switch, url = server
    switch.app = FakeDriver()
    return switch.app, url


def _env(tmp_path: Path) -> ConnectorEnvironment:
    return ConnectorEnvironment(workdir=tmp_path, now=lambda: NOW, sleep=lambda s: None, clock_url="http://clock")


def test_every_operation_carries_the_simulated_now_and_its_arguments(
    fake: tuple[FakeDriver, str], tmp_path: Path
) -> None:
    app, url = fake
    app.answers["amazon_orders"] = lambda r: _json(
        {"result": [{"order_number": "1", "purchase_date": "d", "status": "Pending"}]}
    )
    adapter = http_factory(url)(_env(tmp_path))
    adapter.sync("Main Store")
    rows = adapter.amazon_orders("Main Store", {"status": "Pending"})
    adapter.close()
    assert [r.order_number for r in rows] == ["1"]
    opened = app.requests[1]
    assert opened[:2] == ("POST", "/sessions")
    assert opened[2] == {"now": NOW.isoformat(), "clock_url": "http://clock"}
    assert app.requests[2] == ("POST", "/sessions/s-1/sync", {"now": NOW.isoformat(), "args": {"store": "Main Store"}})
    assert app.requests[3][2]["args"] == {"store": "Main Store", "filters": {"status": "Pending"}}
    assert app.requests[-1][:2] == ("DELETE", "/sessions/s-1")


@pytest.mark.parametrize(
    ("operation", "answer", "expected"),
    [
        ("sync", lambda r: Response("<html>Welcome to nginx</html>", content_type="text/html"), "Welcome to nginx"),
        ("sync", lambda r: _json({"ok": True}), "no 'result' in the answer"),
        ("sync", lambda r: _json({"result": {"created": 3}}), "expected a null result"),
        ("sync", lambda r: _json({"oops": 1}, 500), "without the protocol's"),
        ("sync", lambda r: _json({"error": {"kind": "no_session", "message": "gone"}}, 404), "(no_session): gone"),
        ("amazon_orders", lambda r: _json({"result": {"rows": []}}), "expected a list of rows"),
        ("amazon_orders", lambda r: _json({"result": [{"order_number": "1"}]}), "lacks ['purchase_date', 'status']"),
        ("capabilities", lambda r: _json({"result": {"unsupported": ["IMP-01"]}}), 'expected {"unsupported"'),
    ],
)
def test_an_answer_outside_the_protocol_is_a_protocol_error_naming_the_operation(
    fake: tuple[FakeDriver, str], tmp_path: Path, operation: str, answer: Answer, expected: str
) -> None:
    app, url = fake
    app.answers[operation] = answer
    adapter = http_factory(url)(_env(tmp_path))
    call = {
        "sync": lambda: adapter.sync(None),
        "amazon_orders": lambda: adapter.amazon_orders("S"),
        "capabilities": adapter.capabilities,
    }[operation]
    with pytest.raises(ProtocolError) as caught:
        call()
    assert f": {operation}: " in str(caught.value)
    assert expected in str(caught.value)


def test_refusals_and_connector_failures_keep_their_meaning(fake: tuple[FakeDriver, str], tmp_path: Path) -> None:
    app, url = fake
    app.answers["cancel_order"] = lambda r: _json({"error": {"kind": "refused", "message": "not Unshipped"}}, 409)
    app.answers["run_cron"] = lambda r: _json({"error": {"kind": "failed", "message": "KeyError: 'x'"}}, 500)
    adapter = http_factory(url)(_env(tmp_path))
    with pytest.raises(ActionRefused, match="not Unshipped"):
        adapter.cancel_order("S", "111-1", "buyer asked")
    with pytest.raises(ConnectorError, match="failed in run_cron: KeyError"):
        adapter.run_cron()


def test_a_driver_that_goes_away_is_named_with_the_operation(fake: tuple[FakeDriver, str], tmp_path: Path) -> None:
    _app, url = fake
    adapter = http_factory(url)(_env(tmp_path))
    adapter.client = type(adapter.client)(_closed_url())
    with pytest.raises(DriverUnreachable, match="set_read_only: connection refused"):
        adapter.set_read_only(True)


def test_a_server_that_is_not_a_driver_is_refused_at_the_start(fake: tuple[FakeDriver, str]) -> None:
    app, url = fake
    app.hello = lambda r: Response("Not Found", status=404, content_type="text/plain")
    with pytest.raises(ImplError, match=r"not a connector driver .*GET / gave HTTP 404 \(text/plain\) 'Not Found'"):
        resolve(url)
    app.hello = lambda r: _json({**HELLO, "version": 7})
    with pytest.raises(ImplError, match="version 7"):
        resolve(url)


def _closed_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_bad_driver_urls_give_one_line_errors_and_exit_2(
    cli: Any, fake: tuple[FakeDriver, str], tmp_path: Path
) -> None:
    app, url = fake
    app.hello = lambda r: Response("<h1>It works</h1>", content_type="text/html")
    cases = [
        (_closed_url(), "cannot reach the connector driver: connection refused"),
        ("http://", "give the driver as http://host:port"),
        ("http://localhost:port", "the port is not a number"),
        (url, "not a connector driver (protocol error in hello): GET / gave HTTP 200 (text/html"),
    ]
    for impl, text in cases:
        result = cli("run", "--impl", impl, cwd=tmp_path)
        assert result.returncode == 2, (impl, result.stdout, result.stderr)
        assert text in result.stderr, (impl, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_protocol_error_in_a_run_fails_the_scenario_with_the_operation(
    cli: Any, fake: tuple[FakeDriver, str], tmp_path: Path
) -> None:
    app, url = fake
    app.answers["capabilities"] = lambda r: _json({"result": {"unsupported": {}}})
    app.answers["amazon_orders"] = lambda r: Response("rows: none", content_type="text/plain")
    result = cli("run", "--impl", url, "--tags", "IMP-01", cwd=tmp_path)
    assert result.returncode == 1
    assert "ProtocolError" in result.stdout
    assert f"driver {url}: amazon_orders: expected a JSON object, got HTTP 200 (text/plain" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_session_id_that_cannot_go_in_a_path_is_a_protocol_error(
    fake: tuple[FakeDriver, str], tmp_path: Path
) -> None:
    app, url = fake
    app.sessions = lambda r: _json({"session": "../admin"}, 201)
    with pytest.raises(ProtocolError, match=re.escape("open_session: the session ID is not usable: '../admin'")):
        http_factory(url)(_env(tmp_path))


def test_serve_connector_starts_the_reference_driver() -> None:
    process, url = start_process([sys.executable, "-m", "harness.cli", "serve", "connector", "--port", "0"])
    try:
        assert url.startswith("http://127.0.0.1:")
        assert resolve(url) is not None  # the hello is the protocol's
    finally:
        stop_process(process)


def test_instants_and_amounts_travel_as_the_protocol_writes_them(fake: tuple[FakeDriver, str], tmp_path: Path) -> None:
    app, url = fake
    app.answers["amazon_orders"] = lambda r: _json({"result": []})
    adapter = http_factory(url)(_env(tmp_path))
    adapter.amazon_orders("S", {"purchase_date_from": NOW, "total_min": Decimal("10.50")})
    assert app.requests[-1][2]["args"]["filters"] == {"purchase_date_from": NOW.isoformat(), "total_min": "10.50"}
