"""The adapter for connectors in another process: the HTTP driver protocol (docs/driver-protocol.md).

``--impl http://host:port`` selects it. Each scenario opens its own session on the driver, every
operation carries the simulated ``now``, and anything that is not the protocol is reported as a
:class:`ProtocolError` naming the operation and what came back.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import requests

from harness.adapter import ActionRefused, AdapterFactory, Capabilities, ConnectorEnvironment, OrderRow, StoreSpec

PROTOCOL = "asc-driver"
VERSION = 1
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 300.0


class DriverRefused(Exception):
    """The URL gives no usable driver (malformed, unreachable, or not this protocol); one line for the user."""


class ProtocolError(Exception):
    """The driver answered something other than the protocol."""


class ConnectorError(Exception):
    """The driver reported that the connector failed during an operation."""


class DriverUnreachable(ConnectorError):
    """The driver could not be reached during an operation."""


def _shown(response: requests.Response, limit: int = 200) -> str:
    text = response.text.strip().replace("\n", " ")
    text = text if len(text) <= limit else text[:limit] + "..."
    kind = response.headers.get("Content-Type", "no content type")
    return f"HTTP {response.status_code} ({kind}) {text!r}"


def _reason(err: requests.RequestException) -> str:
    if isinstance(err, requests.Timeout):
        return "it did not answer in time"
    if isinstance(err, requests.ConnectionError):
        return "connection refused or host unreachable"
    return type(err).__name__


def _jsonable(value: Any) -> Any:
    """Instants as ISO 8601, amounts as decimal strings: how the protocol writes them."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot travel in the driver protocol: {value!r}")


class DriverClient:
    """Speaks the driver protocol to one base URL; safe to share between threads."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        #: Sent in ``X-Driver-Token`` (a driver bound beyond loopback requires it); default ``$ASC_DRIVER_TOKEN``.
        self.token = token if token is not None else os.environ.get("ASC_DRIVER_TOKEN") or None
        self._local = threading.local()

    @property
    def http(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def hello(self) -> dict[str, Any]:
        """``GET /``: check that the driver speaks this protocol version. Raises DriverRefused otherwise."""
        try:
            response = self.http.get(self.base_url + "/", timeout=CONNECT_TIMEOUT)
        except requests.RequestException as err:
            raise DriverRefused(f"--impl {self.base_url}: cannot reach the connector driver: {_reason(err)}") from err
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict) or body.get("protocol") != PROTOCOL:
            raise DriverRefused(
                f"--impl {self.base_url}: not a connector driver (protocol error in hello): "
                f"GET / gave {_shown(response)}"
            )
        if body.get("version") != VERSION:
            raise DriverRefused(
                f"--impl {self.base_url}: the driver speaks {PROTOCOL} version {body.get('version')!r}, "
                f"the harness version {VERSION}"
            )
        return body

    def request(self, method: str, path: str, operation: str, body: dict[str, Any] | None = None) -> Any:
        """One exchange; the decoded ``result`` (or ``session``) of a success, else a typed exception."""
        url = self.base_url + path
        payload = None if body is None else json.dumps(body, default=_jsonable).encode()
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["X-Driver-Token"] = self.token
        try:
            response = self.http.request(
                method, url, data=payload, headers=headers, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)
            )
        except requests.RequestException as err:
            raise DriverUnreachable(f"driver {self.base_url}: {operation}: {_reason(err)}") from err
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ProtocolError(f"driver {self.base_url}: {operation}: expected a JSON object, got {_shown(response)}")
        if response.status_code >= 400:
            error = data.get("error")
            if not (isinstance(error, dict) and isinstance(error.get("message"), str)):
                raise ProtocolError(
                    f"driver {self.base_url}: {operation}: an error without the protocol's "
                    f'{{"error": {{"kind", "message"}}}} envelope: {_shown(response)}'
                )
            kind, message = error.get("kind"), error["message"]
            if kind == "refused":
                raise ActionRefused(message)
            if kind == "failed":
                raise ConnectorError(f"the connector failed in {operation}: {message}")
            raise ProtocolError(
                f"driver {self.base_url}: {operation}: the driver refused the request ({kind}): {message}"
            )
        key = "session" if operation == "open_session" else "result"
        if key not in data:
            raise ProtocolError(f"driver {self.base_url}: {operation}: no {key!r} in the answer: {_shown(response)}")
        return data[key]


class HttpAdapter:
    """One scenario's session on a driver, behind the Python adapter contract."""

    #: The connector runs in another process on the protocol's clock: no need to freeze this one.
    reads_system_clock = False

    def __init__(self, client: DriverClient, env: ConnectorEnvironment) -> None:
        self.client = client
        self.env = env
        session = client.request(
            "POST", "/sessions", "open_session", {"now": env.now().isoformat(), "clock_url": env.clock_url}
        )
        if (
            not isinstance(session, str)
            or not re.fullmatch(r"[A-Za-z0-9._~-]{1,128}", session)
            or session in {".", ".."}
        ):
            raise ProtocolError(f"driver {client.base_url}: open_session: the session ID is not usable: {session!r}")
        self.session = session
        self._closed = False

    def _call(self, operation: str, **args: Any) -> Any:
        body = {"now": self.env.now().isoformat(), "args": args}
        return self.client.request("POST", f"/sessions/{self.session}/{operation}", operation, body)

    def _void(self, operation: str, **args: Any) -> None:
        result = self._call(operation, **args)
        if result is not None:
            raise ProtocolError(f"driver {self.client.base_url}: {operation}: expected a null result, got {result!r}")

    def _rows(self, operation: str, **args: Any) -> list[OrderRow]:
        result = self._call(operation, **args)
        if not isinstance(result, list):
            raise ProtocolError(f"driver {self.client.base_url}: {operation}: expected a list of rows, got {result!r}")
        rows = []
        for item in result:
            try:
                if not isinstance(item, Mapping):
                    raise ValueError("a row is not a JSON object")
                rows.append(OrderRow.from_json(item))
            except ValueError as err:
                raise ProtocolError(f"driver {self.client.base_url}: {operation}: {err}: {item!r}") from err
        return rows

    def integrate_store(self, store: StoreSpec) -> None:
        self._void("integrate_store", store=store.as_json())

    def configure_orders(self, store: str, settings: Mapping[str, Any]) -> None:
        self._void("configure_orders", store=store, settings=dict(settings))

    def set_store_active(self, store: str, active: bool) -> None:
        self._void("set_store_active", store=store, active=active)

    def set_read_only(self, on: bool) -> None:
        self._void("set_read_only", on=on)

    def sync(self, store: str | None = None) -> None:
        self._void("sync", store=store)

    def run_cron(self) -> None:
        self._void("run_cron")

    def cancel_order(self, store: str, order_number: str, reason: str) -> None:
        self._void("cancel_order", store=store, order_number=order_number, reason=reason)

    def amazon_orders(self, store: str, filters: Mapping[str, Any] | None = None) -> list[OrderRow]:
        return self._rows("amazon_orders", store=store, filters=dict(filters or {}))

    def recent_orders(self, store: str) -> list[OrderRow]:
        return self._rows("recent_orders", store=store)

    def capabilities(self) -> Capabilities:
        result = self._call("capabilities")
        unsupported = result.get("unsupported") if isinstance(result, dict) else None
        if not isinstance(unsupported, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in unsupported.items()
        ):
            raise ProtocolError(
                f"driver {self.client.base_url}: capabilities: expected "
                f'{{"unsupported": {{"<rule ID>": "<reason>"}}}}, got {result!r}'
            )
        return Capabilities(unsupported=dict(unsupported))

    def restart(self) -> None:
        """The connector process stops and starts again: in-memory state is lost, persisted state kept."""
        self._void("restart")

    def reset(self) -> None:
        """Forget the session's connector state (the driver keeps the session open)."""
        self._void("reset")

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.client.request("DELETE", f"/sessions/{self.session}", "close_session")


def _check_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    try:
        port = parts.port
    except ValueError as err:
        raise DriverRefused(f"--impl {base_url}: the port is not a number") from err
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DriverRefused(f"--impl {base_url}: give the driver as http://host:port")
    if parts.query or parts.fragment:
        raise DriverRefused(f"--impl {base_url}: a driver URL has no query or fragment")
    del port
    return base_url.rstrip("/")


def http_factory(base_url: str) -> AdapterFactory:
    """The factory of :class:`HttpAdapter` for the driver at ``base_url``; checks the driver answers first."""
    client = DriverClient(_check_url(base_url))
    client.hello()

    def factory(env: ConnectorEnvironment) -> HttpAdapter:
        return HttpAdapter(client, env)

    return factory
