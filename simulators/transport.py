"""The one transport seam: any simulator WSGI app, in-process through ``responses`` or live on a port."""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable, Iterable
from io import BytesIO
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
import responses
from urllib3 import HTTPHeaderDict
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from simulators.wsgi import IN_PROCESS_KEY, TRANSPORT_FAULT_HEADER

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_FAULT_HEADER_LOWER = TRANSPORT_FAULT_HEADER.lower()


class _Unrecorded(responses.CallList):
    """A call list that keeps nothing: ``responses`` would otherwise keep every request and answer."""

    def add(self, request: Any, response: Any) -> None:
        pass

    def add_call(self, call: responses.Call) -> None:
        pass


class _AppResponse(responses.BaseResponse):
    """Every request under one mounted base URL, answered by calling the WSGI app."""

    def __init__(self, base: str, app: WSGIApp) -> None:
        super().__init__("GET", re.compile(re.escape(base) + r"(?:[/?].*)?$"))
        self.app = app
        self._calls = _Unrecorded()

    def matches(self, request: requests.PreparedRequest) -> tuple[bool, str]:
        return True, ""  # the registry chose this mount by the request's origin and path

    def get_response(self, request: requests.PreparedRequest) -> Any:
        status, headers, payload = _call_wsgi(self.app, request)
        if isinstance(payload, Exception):
            payload.request = request  # type: ignore[attr-defined]
            raise payload
        return responses._form_response(BytesIO(payload), headers, status, request.method)


class _MountRegistry(responses.registries.FirstMatchRegistry):
    """Finds a request's mounted app by its origin and path prefix: one dictionary look-up, no per-route
    matching (``responses`` would otherwise try every registered URL pattern on every call)."""

    def __init__(self) -> None:
        super().__init__()
        self.mounts: dict[str, list[tuple[str, _AppResponse]]] = {}

    def reset(self) -> None:
        super().reset()
        self.mounts = {}

    def add(self, response: responses.BaseResponse) -> responses.BaseResponse:
        if not isinstance(response, _AppResponse):
            raise TypeError("only mounted apps are served in-process")
        return super().add(response)

    def mount(self, base: str, response: _AppResponse) -> None:
        parts = urlsplit(base)
        entries = self.mounts.setdefault(f"{parts.scheme}://{parts.netloc}".lower(), [])
        entries.append((parts.path.rstrip("/"), response))
        entries.sort(key=lambda entry: -len(entry[0]))  # the longest path prefix first

    def find(self, request: requests.PreparedRequest) -> tuple[responses.BaseResponse | None, list[str]]:
        parts = urlsplit(request.url or "")
        path = parts.path
        for prefix, response in self.mounts.get(f"{parts.scheme}://{parts.netloc}".lower(), ()):
            if not prefix or path == prefix or path.startswith(prefix + "/"):
                return response, []
        return None, ["no mounted app" for _ in self.registered]


class InProcess:
    """Answers ``requests`` calls to mounted base URLs by calling WSGI apps directly (no sockets).

    ``responses`` intercepts every ``requests`` call; a registry of our own picks the mounted app by the
    URL's origin and path prefix, and nothing is recorded per call. Requests to other URLs are passed
    through to the network (so a live server still works beside it).
    """

    def __init__(self) -> None:
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False, registry=_MountRegistry)
        self._mock._calls = _Unrecorded()  # type: ignore[misc]  # no log of every call (memory, time)
        self._mock.add_passthru(re.compile(r".*"))
        self._started = False

    def mount(self, base_url: str, app: WSGIApp) -> str:
        """Serve ``app`` at ``base_url`` (scheme and host, optionally a path prefix); returns it."""
        base = base_url.rstrip("/")
        response = _AppResponse(base, app)
        self._mock.add(response)
        self._mock.get_registry().mount(base, response)  # type: ignore[attr-defined]
        return base

    def start(self) -> InProcess:
        if not self._started:
            self._mock.start()
            self._started = True
        return self

    def stop(self) -> None:
        if self._started:
            self._mock.stop()
            self._mock.reset()
            self._started = False

    def __enter__(self) -> InProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wsgi_environ(request: requests.PreparedRequest) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) a server would hand the app for ``request``.

    Built directly from the prepared request: per call this is most of what werkzeug's ``EnvironBuilder``
    would cost, and the in-process transport makes thousands of calls per run.
    """
    parts = urlsplit(request.url or "")
    body = _body_bytes(request.body)
    path = parts.path or "/"
    raw_uri = f"{path}?{parts.query}" if parts.query else path
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method or "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": _wsgi_str(unquote(path)),
        "QUERY_STRING": _wsgi_str(parts.query),
        "REQUEST_URI": _wsgi_str(raw_uri),
        "RAW_URI": _wsgi_str(raw_uri),
        "SERVER_NAME": parts.hostname or "localhost",
        "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": parts.netloc,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme or "http",
        "wsgi.input": BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        IN_PROCESS_KEY: True,
    }
    if body or "Content-Length" in request.headers or "Transfer-Encoding" in request.headers:
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_LENGTH", "TRANSFER_ENCODING"):
            continue  # the body is read whole already: its own length counts
        if key != "CONTENT_TYPE":
            key = f"HTTP_{key}"
        environ[key] = value
    return environ


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    if hasattr(body, "read"):
        return _body_bytes(body.read())
    return b"".join(_body_bytes(chunk) for chunk in body)


def _wsgi_str(text: str) -> str:
    """A native WSGI string: the UTF-8 bytes read as latin-1."""
    return text.encode("utf-8").decode("latin-1")


def _call_wsgi(app: WSGIApp, request: requests.PreparedRequest) -> tuple[int, HTTPHeaderDict, Any]:
    """Call the app as a WSGI server would (PEP 3333); (status code, headers, body or exception to raise)."""
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        if exc_info is not None and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return written.append

    written: list[bytes] = []
    app_iter = app(wsgi_environ(request), start_response)
    try:
        payload = b"".join([*written, *app_iter])
    finally:
        close = getattr(app_iter, "close", None)
        if close:
            close()
    status, header_list = started
    headers = HTTPHeaderDict()
    fault = None
    for name, value in header_list:
        lowered = name.lower()
        if lowered == _FAULT_HEADER_LOWER:
            fault = value
        if lowered != "content-length":
            headers.add(name, value)
    if fault == "drop":
        dropped = requests.ConnectionError("Connection aborted: the simulator dropped the connection")
        return 599, HTTPHeaderDict(), dropped
    if fault == "delay":
        late = requests.ReadTimeout("Read timed out: the simulator delayed past the client's timeout")
        return 599, HTTPHeaderDict(), late
    return int(status.split(" ", 1)[0]), headers, payload


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:
        if type == "error":
            super().log(type, message, *args)


class LiveServer:
    """A threaded HTTP server for one WSGI app on ``host:port`` (port 0 picks a free one)."""

    def __init__(self, app: WSGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self._server: BaseWSGIServer = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}"

    def start(self) -> LiveServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, args=(0.05,), name=f"sim-{self.port}", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
