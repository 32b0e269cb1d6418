"""The reference connector served over the HTTP driver protocol (docs/driver-protocol.md).

One process serves many scenarios at once: each session is a fresh :class:`Connector` with its own
working directory. The connector's clock is the protocol's: every request carries the simulated
``now``, and a sleep asks the session's clock URL to advance (``POST {clock_url}/advance``).

Run it with ``python -m reference_impl.driver_server --port 0``; it prints its URL on the first line.
Bound to loopback (the default) it serves any local client. Bound to any other address it requires the
token it prints on the second line in the ``X-Driver-Token`` header of every request but the hello (the
harness sends ``$ASC_DRIVER_TOKEN``). At most ``--max-sessions`` sessions are open at once, and a
session nobody used for ``--idle-timeout`` seconds is closed and its files removed.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from reference_impl.connector import Connector
from reference_impl.settings import StoreConfig

PROTOCOL = "asc-driver"
VERSION = 1
CONNECTOR_NAME = "reference"
TOKEN_HEADER = "X-Driver-Token"
#: Sessions open at once by default; the harness opens one per scenario and per xdist worker.
MAX_SESSIONS = 64
#: Seconds without a request after which a session is closed (a harness that died never closes its own).
IDLE_TIMEOUT = 3600.0


class DriverFailure(Exception):
    """An error answered in the protocol's envelope: ``{"error": {"kind", "message"}}``."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message


def _parse_instant(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise DriverFailure(400, "bad_request", f"{field!r} must be an ISO 8601 string, got {value!r}")
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as err:
        raise DriverFailure(400, "bad_request", f"{field!r} is not an ISO 8601 instant: {value!r}") from err
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


class SessionClock:
    """The simulated clock of one session: set by each request's ``now``, advanced through ``clock_url``."""

    def __init__(self, now: datetime, clock_url: str | None, http: requests.Session) -> None:
        self._now = now
        self.clock_url = clock_url.rstrip("/") if clock_url else None
        self._http = http
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = max(self._now, when)

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of simulated time: the harness's clock moves, never the wall clock."""
        if self.clock_url is None:
            with self._lock:
                self._now += timedelta(seconds=seconds)
            return
        response = self._http.post(f"{self.clock_url}/advance", json={"seconds": seconds}, timeout=30)
        response.raise_for_status()
        self.set(_parse_instant(response.json().get("now"), "now"))


class Session:
    """One scenario's connector: its working directory, clock and :class:`Connector`."""

    def __init__(self, session_id: str, workdir: Path, clock: SessionClock, used_at: float = 0.0) -> None:
        self.id = session_id
        self.workdir = workdir
        self.clock = clock
        self.used_at = used_at  # the driver's monotonic time of the last request's start or end
        self.in_use = 0  # requests being served now
        self.connector = self._new_connector()

    def _new_connector(self) -> Connector:
        self.workdir.mkdir(parents=True, exist_ok=True)
        return Connector(self.workdir / "connector.sqlite3", now=self.clock.now, sleep=self.clock.sleep)

    def restart(self) -> None:
        """Stop and start the connector on the same working directory (what it persisted survives)."""
        self.connector.close()
        self.connector = self._new_connector()

    def reset(self) -> None:
        """Forget everything the connector holds, as if the session were new."""
        self.connector.close()
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.connector = self._new_connector()

    def close(self) -> None:
        self.connector.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def _arg(args: dict[str, Any], name: str, kind: type | tuple[type, ...], *, optional: bool = False) -> Any:
    value = args.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, kind):
        raise DriverFailure(400, "bad_request", f"argument {name!r} is missing or of the wrong type: {value!r}")
    return value


def _op_integrate_store(session: Session, args: dict[str, Any]) -> None:
    store = _arg(args, "store", dict)
    try:
        if not isinstance(store.get("integrated_at"), str):
            raise ValueError(f"integrated_at must be an ISO 8601 instant, got {store.get('integrated_at')!r}")
        config = StoreConfig.from_dict(store)
    except (KeyError, TypeError, ValueError) as err:
        raise DriverFailure(400, "bad_request", f"argument 'store' is not a store: {err}") from err
    session.connector.integrate_store(config)


def _op_configure_orders(session: Session, args: dict[str, Any]) -> None:
    store, settings = _arg(args, "store", str), _arg(args, "settings", dict)
    try:
        session.connector.settings(store).updated(settings)  # every setting type-checked before anything changes
    except (TypeError, ValueError) as err:
        raise DriverFailure(400, "bad_request", f"argument 'settings': {err}") from err
    session.connector.configure_orders(store, **settings)


def _op_set_store_active(session: Session, args: dict[str, Any]) -> None:
    session.connector.set_store_active(_arg(args, "store", str), _arg(args, "active", bool))


def _op_set_read_only(session: Session, args: dict[str, Any]) -> None:
    session.connector.set_read_only(_arg(args, "on", bool))


def _op_sync(session: Session, args: dict[str, Any]) -> None:
    session.connector.sync(_arg(args, "store", str, optional=True))


def _op_run_cron(session: Session, args: dict[str, Any]) -> None:
    session.connector.run_cron()


def _op_cancel_order(session: Session, args: dict[str, Any]) -> None:
    store, number, reason = (_arg(args, k, str) for k in ("store", "order_number", "reason"))
    try:
        session.connector.cancel_order(store, number, reason)
    except ValueError as err:
        raise DriverFailure(409, "refused", str(err)) from err


def _op_amazon_orders(session: Session, args: dict[str, Any]) -> list[dict[str, Any]]:
    filters = _arg(args, "filters", dict, optional=True) or {}
    return session.connector.amazon_orders(_arg(args, "store", str), filters)


def _op_recent_orders(session: Session, args: dict[str, Any]) -> list[dict[str, Any]]:
    return session.connector.recent_orders(_arg(args, "store", str))


def _op_capabilities(session: Session, args: dict[str, Any]) -> dict[str, Any]:
    return {"unsupported": {}}


def _op_restart(session: Session, args: dict[str, Any]) -> None:
    session.restart()


def _op_reset(session: Session, args: dict[str, Any]) -> None:
    session.reset()


OPERATIONS = {
    "integrate_store": _op_integrate_store,
    "configure_orders": _op_configure_orders,
    "set_store_active": _op_set_store_active,
    "set_read_only": _op_set_read_only,
    "sync": _op_sync,
    "run_cron": _op_run_cron,
    "cancel_order": _op_cancel_order,
    "amazon_orders": _op_amazon_orders,
    "recent_orders": _op_recent_orders,
    "capabilities": _op_capabilities,
    "restart": _op_restart,
    "reset": _op_reset,
}


def _ram_dir() -> str | None:
    """A RAM-backed folder for the sessions' databases when the system has one (no disk syncs)."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class DriverApp:
    """WSGI app of the driver protocol around the reference connector.

    ``token``: when set, every request but the hello must carry it in ``X-Driver-Token``.
    ``max_sessions`` bounds the sessions open at once; ``idle_timeout`` closes sessions left unused.
    """

    def __init__(
        self,
        workdir: Path | None = None,
        *,
        token: str | None = None,
        max_sessions: int = MAX_SESSIONS,
        idle_timeout: float = IDLE_TIMEOUT,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._own_workdir = workdir is None
        self.workdir = Path(tempfile.mkdtemp(prefix="asc-driver-", dir=_ram_dir())) if workdir is None else workdir
        self.token = token
        self.max_sessions = max_sessions
        self.idle_timeout = idle_timeout
        self._monotonic = monotonic
        self.sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._http = requests.Session()

    def close(self) -> None:
        with self._lock:
            sessions, self.sessions = [s for s in self.sessions.values() if s is not None], {}
        for session in sessions:
            session.close()
        self._http.close()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        try:
            status, body = self.dispatch(request)
        except DriverFailure as err:
            status, body = err.status, {"error": {"kind": err.kind, "message": err.message}}
        except Exception as err:  # the connector failed: say so in the envelope, keep serving
            status, body = 500, {"error": {"kind": "failed", "message": f"{type(err).__name__}: {err}"}}
        payload = json.dumps(body, default=str).encode()
        return Response(payload, status=status, content_type="application/json")(environ, start_response)

    def dispatch(self, request: Request) -> tuple[int, Any]:
        parts = [p for p in request.path.split("/") if p]
        if request.method == "GET" and not parts:
            return 200, {"protocol": PROTOCOL, "version": VERSION, "connector": CONNECTOR_NAME}
        if self.token is not None:
            supplied = request.headers.get(TOKEN_HEADER, "")
            if not secrets.compare_digest(supplied.encode(), self.token.encode()):
                raise DriverFailure(403, "forbidden", f"this driver requires its token in {TOKEN_HEADER}")
        if parts[:1] != ["sessions"]:
            raise DriverFailure(404, "no_route", f"no route {request.method} {request.path}")
        body = self._body(request)
        if request.method == "POST" and len(parts) == 1:
            return 201, {"session": self._open(body)}
        session = self._session(parts[1]) if len(parts) > 1 else None
        if session is not None and request.method == "DELETE" and len(parts) == 2:
            with self._lock:
                self.sessions.pop(session.id, None)
            session.close()
            return 200, {"result": None}
        if session is not None and request.method == "POST" and len(parts) == 3:
            operation = OPERATIONS.get(parts[2])
            if operation is None:
                raise DriverFailure(404, "no_operation", f"unknown operation {parts[2]!r}")
            if "now" in body:
                session.clock.set(_parse_instant(body["now"], "now"))
            args = body.get("args") or {}
            if not isinstance(args, dict):
                raise DriverFailure(400, "bad_request", "'args' must be a JSON object")
            self._use(session, +1)
            try:
                return 200, {"result": operation(session, args)}
            finally:
                self._use(session, -1)
        raise DriverFailure(404, "no_route", f"no route {request.method} {request.path}")

    def _use(self, session: Session, change: int) -> None:
        with self._lock:
            session.in_use += change
            session.used_at = self._monotonic()

    def close_idle(self) -> list[str]:
        """Close the sessions nobody used for ``idle_timeout`` seconds (none serving a request); their IDs."""
        now = self._monotonic()
        with self._lock:
            idle = [
                s
                for s in self.sessions.values()
                if s is not None and not s.in_use and now - s.used_at >= self.idle_timeout  # None: being made
            ]
            for session in idle:
                del self.sessions[session.id]
        for session in idle:
            session.close()
        return [s.id for s in idle]

    @staticmethod
    def _body(request: Request) -> dict[str, Any]:
        raw = request.get_data()
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError as err:
            raise DriverFailure(400, "bad_request", f"the body is not JSON: {err}") from err
        if not isinstance(body, dict):
            raise DriverFailure(400, "bad_request", "the body must be a JSON object")
        return body

    def _open(self, body: dict[str, Any]) -> str:
        now = _parse_instant(body.get("now"), "now")
        clock_url = body.get("clock_url")
        if clock_url is not None and not isinstance(clock_url, str):
            raise DriverFailure(400, "bad_request", "'clock_url' must be a string or null")
        self.close_idle()
        session_id = f"s-{uuid.uuid4().hex}"
        with self._lock:
            if len(self.sessions) >= self.max_sessions:
                raise DriverFailure(
                    503, "busy", f"{len(self.sessions)} sessions are open, the most this driver keeps; close one"
                )
            self.sessions[session_id] = None  # type: ignore[assignment]  # the place is taken while it is made
        try:
            clock = SessionClock(now, clock_url, self._http)
            session = Session(session_id, self.workdir / session_id, clock, self._monotonic())
        except BaseException:
            with self._lock:
                del self.sessions[session_id]
            raise
        with self._lock:
            self.sessions[session_id] = session
        return session_id

    def _session(self, session_id: str) -> Session:
        with self._lock:
            session = self.sessions.get(session_id)
            if session is not None:
                session.used_at = self._monotonic()
        if session is None:
            raise DriverFailure(404, "no_session", f"no session {session_id!r} (closed, or never opened)")
        return session


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def make_driver_server(
    host: str = "127.0.0.1",
    port: int = 0,
    workdir: Path | None = None,
    *,
    token: str | None = None,
    max_sessions: int = MAX_SESSIONS,
    idle_timeout: float = IDLE_TIMEOUT,
) -> BaseWSGIServer:
    """A threaded server of :class:`DriverApp` (not started); its app is ``server.app``.

    Bound to anything but loopback without a ``token``, it makes one (``server.app.token``) and requires it.
    """
    if token is None and not is_loopback(host):
        token = secrets.token_urlsafe(24)
    app = DriverApp(workdir, token=token, max_sessions=max_sessions, idle_timeout=idle_timeout)
    return make_server(host, port, app, threaded=True, request_handler=_QuietHandler)


def server_url(server: BaseWSGIServer) -> str:
    host, port = server.server_address[:2]
    host = str(host)
    return f"http://{host if ':' not in host else f'[{host}]'}:{port}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reference_impl.driver_server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--workdir", type=Path, default=None, help="where sessions keep their state")
    parser.add_argument("--max-sessions", type=int, default=MAX_SESSIONS, help="sessions open at once, at most")
    parser.add_argument(
        "--idle-timeout", type=float, default=IDLE_TIMEOUT, help="close a session unused for this many seconds"
    )
    args = parser.parse_args(argv)
    if args.max_sessions < 1 or not args.idle_timeout > 0:
        print("driver_server: error: --max-sessions must be at least 1, --idle-timeout above 0", file=sys.stderr)
        return 2
    try:
        server = make_driver_server(
            args.host, args.port, args.workdir, max_sessions=args.max_sessions, idle_timeout=args.idle_timeout
        )
    except OSError as err:
        print(f"driver_server: error: cannot listen on {args.host}:{args.port}: {err.strerror}", file=sys.stderr)
        return 2
    print(server_url(server), flush=True)
    if server.app.token:
        print(f"driver token (header {TOKEN_HEADER}; ASC_DRIVER_TOKEN for the harness): {server.app.token}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # clean up the sessions' state on termination
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
