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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote

from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.routing import Map
from werkzeug.wrappers import Request, Response

from simulators.errors import ControlNotFound, ServiceError
from simulators.journal import Fault, FaultKind, JournalEntry, RawBody
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


@dataclass
class Call:
    """One request as a handler sees it: the app serving it, the namespace, this service's model (the
    namespace lock is held while the handler runs), the request, its decoded body and the headers every
    answer to it carries. A service may subclass it to add what its routes share (a store view ...)."""

    app: ServiceApp
    sandbox: Sandbox
    model: Any
    request: Request
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


#: The one handler shape, of service routes (``op_<operation>(call, **route_args)``) and control routes
#: (``handler(call)``): a :class:`~werkzeug.wrappers.Response`, or a body the service encodes.
Handler = Callable[..., Any]
#: A control-plane route table: (method, path under ``/_sim``) -> handler.
ControlRoutes = Mapping[tuple[str, str], Handler]
#: What a control route answers ``400 {"error": ...}`` for: bad values, and the services' own refusals.
CONTROL_BAD_INPUT = (ServiceError, ValueError, KeyError, TypeError, OverflowError, RecursionError)


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


class QueryArgs(ImmutableMultiDict[str, str]):
    """A request's query (and form) parameters: werkzeug's, with ``get`` of an absent key answered without
    raising and catching a ``BadRequestKeyError`` first, which made a look-up of a parameter the request
    leaves out (``NextToken``, ``fields``) about 4 % of a simple call's cost."""

    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:
        if key not in self:
            return default
        return super().get(key, default, type)


class ServiceRequest(Request):
    """The request a simulated service reads."""

    parameter_storage_class = QueryArgs


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
    """Base WSGI app of a simulated service: the one dispatcher of its requests.

    A service declares its routes (``url_map``, endpoints are operation names served by
    ``op_<operation>(call, **route_args)``), its control routes (``control``, a table of handlers
    ``handler(call)`` that holds the routes every service shares: :func:`simulators.control.with_common`)
    and its generic error answer (:meth:`error_response`); it may check a request before its handler
    runs (:meth:`admit`) and encode a handler's body (:meth:`answer`). The dispatcher
    takes the namespace lock once per request and answers a :class:`~simulators.errors.ServiceError`
    in the service's envelope.
    """

    service: ClassVar[str]
    url_map: ClassVar[Map]
    control: ClassVar[ControlRoutes] = {}
    #: Exceptions out of a handler the service answers itself (:meth:`internal_error`) instead of failing.
    internal_errors: ClassVar[tuple[type[Exception], ...]] = ()
    #: What the service's handlers receive (a subclass adds what its routes share).
    call_type: ClassVar[type[Call]] = Call

    def __init__(self, registry: SandboxRegistry, *, control_token: str | None = None) -> None:
        self.registry = registry
        self.control_token = control_token

    # -- what a service provides ---------------------------------------------------------------------
    def error_response(self, status: int, message: str) -> Response:
        """A generic error in the service's envelope (faults, unknown routes)."""
        raise NotImplementedError

    def not_found(self) -> Response:
        return self.error_response(404, "Resource not found")

    def call(self, sandbox: Sandbox, request: Request, operation: str) -> Call:
        """The call handed to the operation's handler (the lock is held)."""
        return self.call_type(self, sandbox, sandbox.models[self.service], request)

    def admit(self, call: Call, operation: str, args: dict[str, Any]) -> None:
        """Check the request before its handler runs (authentication, limits ...); raise a ServiceError to refuse."""

    def answer(self, call: Call, result: Any) -> Response:
        """The response for a handler's body."""
        return json_response(result)

    def internal_error(self, call: Call, operation: str) -> Response:
        raise NotImplementedError

    # -- WSGI -------------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        _quote_raw_query(environ)
        request = ServiceRequest(environ)
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
        if fault is None:
            return self._handle(sandbox, operation, request, args)
        effect = fault.effect
        if effect.answer == "late" and not environ.get(IN_PROCESS_KEY):
            time.sleep(min(max(fault.seconds, 0.0), MAX_LIVE_DELAY))
        served = self._handle(sandbox, operation, request, args) if effect.serves else None
        return realise(effect, fault, environ, served, self.error_response)

    def _handle(self, sandbox: Sandbox, operation: str, request: Request, args: dict[str, Any]) -> Response:
        with sandbox.lock:
            call = self.call(sandbox, request, operation)
            try:
                self.admit(call, operation, args)
                result = getattr(self, "op_" + operation)(call, **args)
                response = result if isinstance(result, Response) else self.answer(call, result)
            except ServiceError as err:
                response = json_response(err.envelope(), err.status, err.headers or None)
            except self.internal_errors:
                response = self.internal_error(call, operation)
            for key, value in call.headers.items():
                response.headers.setdefault(key, value)
            return response

    def _record(self, sandbox: Sandbox, operation: str, request: Request, path: str, status: int) -> None:
        body = RawBody(request.get_data(cache=True))  # decoded when a reader asks for it
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
        handler = self.control.get((request.method, path))
        if handler is None:
            return json_response({"error": f"no control route {request.method} {path}"}, 404)
        try:
            body = read_json(request) or {}
            if not isinstance(body, dict):
                raise ValueError("the control body must be a JSON object")
            with sandbox.lock:  # the answer is serialised under the lock too: it may hold the models' own objects
                call = Call(self, sandbox, sandbox.models[self.service], request, body)
                return json_response(handler(call), 200)
        except ControlNotFound as err:
            return json_response({"error": str(err).strip("'\"")}, 404)
        except CONTROL_BAD_INPUT as err:
            return json_response({"error": str(err).strip("'\"") or type(err).__name__}, 400)


def realise(
    effect: FaultKind,
    fault: Fault,
    environ: dict[str, Any],
    served: Response | None,
    error_response: Callable[[int, str], Response],
) -> Response:
    """What the client of a faulty call gets, on this transport (see :class:`~simulators.journal.FaultKind`).

    In-process, a connection that is cut or an answer that comes too late is a marked response the
    in-process transport raises as ``requests``' own error; live, the connection is closed.
    """
    in_process = bool(environ.get(IN_PROCESS_KEY))
    if effect.answer == "error":
        when = " after commit" if effect.serves else ""
        return error_response(fault.status, f"Simulated fault{when}: HTTP {fault.status}")
    if effect.answer == "malformed":
        return Response(b'{"payload": {"Orders": [', status=200, content_type="application/json")
    if effect.answer == "late" and not in_process:
        assert served is not None  # a late answer is served first (after the delay)
        return served
    if in_process:
        kind = "delay" if effect.answer == "late" else "drop"
        return Response(b"", status=599, headers={TRANSPORT_FAULT_HEADER: kind})
    _drop(environ)
    return Response(b"", status=599)


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
