"""The one transport seam: any simulator WSGI app, in-process through ``responses`` or live on a port."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import requests
import responses
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.test import EnvironBuilder, run_wsgi_app

from simulators.wsgi import IN_PROCESS_KEY, TRANSPORT_FAULT_HEADER

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class InProcess:
    """Answers ``requests`` calls to mounted base URLs by calling WSGI apps directly (no sockets).

    Requests to other URLs are passed through to the network (so a live server still works beside it).
    """

    def __init__(self) -> None:
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        self._mock.add_passthru(re.compile(r".*"))
        self._started = False

    def mount(self, base_url: str, app: WSGIApp) -> str:
        """Serve ``app`` at ``base_url`` (scheme and host, optionally a path prefix); returns it."""
        base = base_url.rstrip("/")
        pattern = re.compile(re.escape(base) + r"(?:[/?].*)?$")
        prefix = urlsplit(base).path

        def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], Any]:
            return _call_wsgi(app, request, prefix)

        for method in _METHODS:
            self._mock.add_callback(method, pattern, callback=callback)
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


def _call_wsgi(app: WSGIApp, request: requests.PreparedRequest, prefix: str) -> tuple[int, dict[str, str], Any]:
    parts = urlsplit(request.url or "")
    body = request.body
    if isinstance(body, str):
        body = body.encode()
    builder = EnvironBuilder(
        path=parts.path,
        base_url=f"{parts.scheme}://{parts.netloc}",
        query_string=parts.query,
        method=request.method or "GET",
        headers=dict(request.headers),
        data=body or b"",
    )
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    environ[IN_PROCESS_KEY] = True
    app_iter, status, headers = run_wsgi_app(app, environ, buffered=True)
    try:
        payload = b"".join(app_iter)
    finally:
        close = getattr(app_iter, "close", None)
        if close:
            close()
    fault = headers.get(TRANSPORT_FAULT_HEADER)
    if fault == "drop":
        return 599, {}, requests.ConnectionError("Connection aborted: the simulator dropped the connection")
    if fault == "delay":
        return 599, {}, requests.ReadTimeout("Read timed out: the simulator delayed past the client's timeout")
    code = int(status.split(" ", 1)[0])
    out = {k: v for k, v in headers.items() if k.lower() not in {"content-length"}}
    return code, out, payload


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
