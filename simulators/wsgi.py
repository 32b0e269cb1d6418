"""The wire layer shared by both simulators: namespaces, routing, journal, faults, control routes.

A service subclasses :class:`ServiceApp`, declares its routes as a werkzeug ``Map`` whose endpoints
are operation names, and implements :meth:`ServiceApp.handle` and the error envelope. Routing never
looks at the Host header (some clients send a truncated one).
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any, ClassVar
from urllib.parse import quote

from werkzeug.exceptions import MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.routing import Map
from werkzeug.wrappers import Request, Response

from simulators.clock import parse_iso
from simulators.journal import MAX_JOURNAL_BODY, Fault, JournalEntry
from simulators.sandbox import NamespaceLimit, Sandbox, SandboxRegistry

NAMESPACE_HEADER = "X-Sim-Namespace"
CONTROL_PREFIX = "/_sim"
IN_PROCESS_KEY = "asc.sim.in_process"
TRANSPORT_FAULT_HEADER = "X-Sim-Transport-Fault"
NAMESPACE_KEY = "asc.sim.namespace"
PATH_KEY = "asc.sim.path"  # the request's path inside its namespace
MAX_LIVE_DELAY = 10.0
#: The largest request body either service reads (a feed document is at most 10 MB); larger ones get a 413.
MAX_REQUEST_BYTES = 12 * 1024 * 1024
# A namespace name is 1..64 of these characters, and not "." or ".." (nor any name made of dots only).
_NAMESPACE_NAME = re.compile(r"^(?=.*[A-Za-z0-9_-])[A-Za-z0-9_.-]{1,64}$")
_NAMESPACE_PATH = re.compile(r"^/ns/(?P<ns>[A-Za-z0-9_.-]{1,64})(?P<rest>/.*|)$")

ControlHandler = Callable[[Sandbox, Request, dict[str, Any]], Any]


class ServiceError(Exception):
    """An error the service answers in its own envelope."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(body)
        self.status = status
        self.body = body
        self.headers = headers or {}


class ControlNotFound(LookupError):
    """A control-plane request names something that does not exist (answered 404)."""


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response with the content type both services use."""
    payload = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
    return Response(payload, status=status, headers=headers, content_type="application/json")


def split_namespace(path: str, header: str | None) -> tuple[str, str]:
    """``/ns/<name>/rest/...`` gives (name, ``/rest/...``); else the header's namespace or ``default``."""
    match = _NAMESPACE_PATH.match(path)
    if match:
        return match["ns"], match["rest"] or "/"
    return (header or "default"), path


def external_base(environ: dict[str, Any]) -> str:
    """The URL a client reaches this namespace at: scheme, server address and ``/ns/<name>`` when not default.

    Built from the server's own address (SERVER_NAME/SERVER_PORT), not from the Host header, which
    some clients send truncated; a wildcard bind address falls back to the Host header.
    """
    scheme = environ.get("wsgi.url_scheme", "http")
    host = str(environ.get("SERVER_NAME", "localhost"))
    port = str(environ.get("SERVER_PORT", ""))
    if host in {"0.0.0.0", "::", ""} and environ.get("HTTP_HOST"):
        netloc = str(environ["HTTP_HOST"])
    else:
        host = f"[{host}]" if ":" in host else host
        default = (scheme == "http" and port == "80") or (scheme == "https" and port == "443")
        netloc = host if default or not port else f"{host}:{port}"
    namespace = environ.get(NAMESPACE_KEY, "default")
    prefix = "" if namespace == "default" else f"/ns/{namespace}"
    return f"{scheme}://{netloc}{prefix}"


def read_json(request: Request) -> Any:
    """The request's JSON body, or None when empty. Raises ValueError when it is not JSON."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except RecursionError as err:  # nested deeper than the parser goes: still just bad input
        raise ValueError("the JSON body is nested too deeply") from err


class ServiceApp:
    """Base WSGI app of a simulated service."""

    service: ClassVar[str]
    url_map: ClassVar[Map]
    control_routes: ClassVar[dict[tuple[str, str], str]] = {}

    def __init__(self, registry: SandboxRegistry, *, control_token: str | None = None) -> None:
        self.registry = registry
        self.control_token = control_token

    # -- to implement -----------------------------------------------------------------------------
    def handle(self, sandbox: Sandbox, operation: str, request: Request, args: dict[str, Any]) -> Response:
        raise NotImplementedError

    def error_response(self, status: int, message: str) -> Response:
        """A generic error in the service's envelope (faults, unknown routes)."""
        raise NotImplementedError

    def not_found(self) -> Response:
        return self.error_response(404, "Resource not found")

    # -- WSGI -------------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        _quote_raw_query(environ)
        request = Request(environ)
        request.max_content_length = MAX_REQUEST_BYTES
        namespace, path = split_namespace(request.path, request.headers.get(NAMESPACE_HEADER))
        if not _NAMESPACE_NAME.match(namespace):
            response = self.error_response(
                400, "A namespace is 1 to 64 letters, digits, '_', '-' or '.', and not only dots"
            )
            return response(environ, start_response)
        if (request.content_length or 0) > MAX_REQUEST_BYTES:
            response = self.error_response(413, f"The request body is larger than {MAX_REQUEST_BYTES} bytes")
            return response(environ, start_response)
        try:
            sandbox = self.registry.get(namespace)
            request.get_data(cache=True)  # a body sent without a length is read here, within the limit
        except NamespaceLimit as err:
            return self.error_response(503, str(err))(environ, start_response)
        except RequestEntityTooLarge:
            response = self.error_response(413, f"The request body is larger than {MAX_REQUEST_BYTES} bytes")
            return response(environ, start_response)
        environ[NAMESPACE_KEY] = namespace
        environ[PATH_KEY] = path
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            response = self._control(sandbox, request, path[len(CONTROL_PREFIX) :] or "/")
            return response(environ, start_response)
        adapter = self.url_map.bind("simulator", path_info=path)
        try:
            operation, args = adapter.match(path, method=request.method)
        except (NotFound, MethodNotAllowed):
            response = self.not_found()
            self._record(sandbox, "unknown", request, path, response.status_code)
            return response(environ, start_response)
        fault = sandbox.faults.take(self.service, operation)
        response = self._serve(sandbox, operation, request, args, fault, environ)
        self._record(sandbox, operation, request, path, response.status_code)
        return response(environ, start_response)

    def _serve(
        self,
        sandbox: Sandbox,
        operation: str,
        request: Request,
        args: dict[str, Any],
        fault: Fault | None,
        environ: dict[str, Any],
    ) -> Response:
        in_process = bool(environ.get(IN_PROCESS_KEY))
        if fault is not None and fault.kind == "drop":
            if in_process:
                return Response(b"", status=599, headers={TRANSPORT_FAULT_HEADER: "drop"})
            _drop(environ)
            return Response(b"", status=599)
        if fault is not None and fault.kind == "delay" and not in_process:
            time.sleep(min(max(fault.seconds, 0.0), MAX_LIVE_DELAY))
        if fault is not None and fault.kind == "status":
            return self.error_response(fault.status, f"Simulated fault: HTTP {fault.status}")
        if fault is not None and fault.kind == "malformed":
            return Response(b'{"payload": {"Orders": [', status=200, content_type="application/json")
        try:
            with sandbox.lock:
                response = self.handle(sandbox, operation, request, args)
        except ServiceError as err:
            response = json_response(err.body, err.status, err.headers)
        if fault is not None and fault.kind == "after_commit":
            return self.error_response(fault.status, f"Simulated fault after commit: HTTP {fault.status}")
        if fault is not None and fault.kind == "lost":  # served; the answer never reaches the client
            if in_process:
                return Response(b"", status=599, headers={TRANSPORT_FAULT_HEADER: "drop"})
            _drop(environ)
            return Response(b"", status=599)
        if fault is not None and fault.kind == "delay" and in_process:
            # The call was served; the client gave up before the answer came (a read timeout).
            return Response(b"", status=599, headers={TRANSPORT_FAULT_HEADER: "delay"})
        return response

    def _record(self, sandbox: Sandbox, operation: str, request: Request, path: str, status: int) -> None:
        raw = request.get_data(cache=True)
        body: Any
        if len(raw) > MAX_JOURNAL_BODY:
            body = f"[{len(raw)} bytes, trimmed] " + raw[:MAX_JOURNAL_BODY].decode("utf-8", "replace")
        else:
            try:
                body = read_json(request)
            except ValueError:
                body = request.get_data(as_text=True)
        sandbox.journal.record(
            JournalEntry(
                service=self.service,
                operation=operation,
                method=request.method,
                path=path,
                query={k: request.args.getlist(k) for k in request.args},
                body=body,
                status=status,
                at=sandbox.clock.now(),
            )
        )

    # -- control plane over HTTP ------------------------------------------------------------------
    def _control(self, sandbox: Sandbox, request: Request, path: str) -> Response:
        if self.control_token is not None:
            supplied = request.headers.get("X-Sim-Control-Token", "")
            if not secrets.compare_digest(supplied.encode(), self.control_token.encode()):
                return json_response({"error": "control plane requires X-Sim-Control-Token"}, 403)
        handler_name = self.control_routes.get((request.method, path)) or _COMMON_CONTROL.get((request.method, path))
        if handler_name is None:
            return json_response({"error": f"no control route {request.method} {path}"}, 404)
        try:
            body = read_json(request) or {}
            if not isinstance(body, dict):
                raise ValueError("the control body must be a JSON object")
            with sandbox.lock:  # the answer is serialised under the lock too: it may hold the models' own objects
                return json_response(getattr(self, handler_name)(sandbox, request, body), 200)
        except ControlNotFound as err:
            return json_response({"error": str(err).strip("'\"")}, 404)
        except (ValueError, KeyError, TypeError, OverflowError, RecursionError) as err:
            return json_response({"error": str(err).strip("'\"") or type(err).__name__}, 400)

    def ctl_clock(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        return {"now": sandbox.clock.now().isoformat()}

    def ctl_clock_advance(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        return {"now": sandbox.clock.advance(float(body.get("seconds", 0))).isoformat()}

    def ctl_clock_set(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        return {"now": sandbox.clock.set(parse_iso(str(body["now"]))).isoformat()}

    def ctl_journal(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        entries = sandbox.journal.entries(request.args.get("service"), request.args.get("operation"))
        return {"entries": [e.as_dict() for e in entries]}

    def ctl_fault(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        fault = Fault(
            kind=str(body["kind"]),
            times=int(body.get("times", 1)),
            status=int(body.get("status", 500)),
            seconds=float(body.get("seconds", 30.0)),
        )
        sandbox.faults.inject(str(body.get("service", self.service)), str(body.get("operation", "*")), fault)
        return {"queued": True}

    def ctl_faults_clear(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        sandbox.faults.clear()
        return {"cleared": True}

    def ctl_reset(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        sandbox.reset(seed=body.get("seed"))
        return {"reset": True, "now": sandbox.clock.now().isoformat()}


_COMMON_CONTROL = {
    ("GET", "/clock"): "ctl_clock",
    ("POST", "/clock/advance"): "ctl_clock_advance",
    ("POST", "/clock/set"): "ctl_clock_set",
    ("GET", "/journal"): "ctl_journal",
    ("POST", "/faults"): "ctl_fault",
    ("DELETE", "/faults"): "ctl_faults_clear",
    ("POST", "/reset"): "ctl_reset",
}


def _quote_raw_query(environ: dict[str, Any]) -> None:
    """Percent-encode raw bytes that are not UTF-8 in the query string (werkzeug would fail decoding them)."""
    raw = str(environ.get("QUERY_STRING", "")).encode("latin-1", "replace")
    try:
        raw.decode()
    except UnicodeDecodeError:
        environ["QUERY_STRING"] = quote(raw, safe="&=+%;/?:@,$!*'()~-._")


def _drop(environ: dict[str, Any]) -> None:
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
