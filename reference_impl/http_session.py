"""The HTTP session the connector's clients share: ``requests`` with the environment read once per origin.

A plain ``requests.Session`` scans every environment variable (proxy settings, CA bundle) on every
request; at thousands of calls per sync that is a large share of the connector's own time. This
session resolves those settings once per scheme, host and per-call settings and reuses them (a
changed environment is seen by a new session); everything else is ``requests`` as usual
(``trust_env`` still switches the environment off entirely).
"""

from __future__ import annotations

import os
import threading
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.auth
from requests.sessions import merge_setting
from requests.utils import get_environ_proxies

from reference_impl import kill_points


class HeaderAuth(requests.auth.AuthBase):
    """A credential sent as one request header (a bearer token, Amazon's access token), given to ``requests``
    as the call's ``auth``: a call that names its credential this way is not looked up in ``~/.netrc``."""

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self.value = value

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[self.name] = self.value
        return request


class ConnectorSession(requests.Session):
    """A ``requests.Session`` that caches the environment's proxies and CA bundle per origin."""

    def __init__(self) -> None:
        super().__init__()
        self._environment: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._environment_lock = threading.Lock()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        path = urlsplit(request.url or "").path
        kill_points.step("call", "before", request.method or "", path)
        response = super().send(request, **kwargs)
        kill_points.step("call", "after", request.method or "", path)
        return response

    def merge_environment_settings(self, url: str, proxies: Any, stream: Any, verify: Any, cert: Any) -> dict[str, Any]:
        if not self.trust_env:
            return dict(super().merge_environment_settings(url, proxies, stream, verify, cert))
        parts = urlsplit(url)
        try:
            own = (frozenset(self.proxies.items()), self.stream, self.verify, self.cert)
            key = (parts.scheme, parts.netloc, frozenset((proxies or {}).items()), stream, verify, cert, own)
            hash(key)
        except TypeError:  # unhashable settings: resolve them afresh
            return self._merge(url, proxies, stream, verify, cert)
        with self._environment_lock:
            merged = self._environment.get(key)
            if merged is None:
                merged = self._environment[key] = self._merge(url, proxies, stream, verify, cert)
        return {**merged, "proxies": dict(merged["proxies"])}

    def _merge(self, url: str, proxies: Any, stream: Any, verify: Any, cert: Any) -> dict[str, Any]:
        proxies = dict(proxies or {})
        for scheme, proxy in get_environ_proxies(url, no_proxy=proxies.get("no_proxy")).items():
            proxies.setdefault(scheme, proxy)
        if verify is True or verify is None:
            verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or verify
        return {
            "proxies": merge_setting(proxies, self.proxies),
            "stream": merge_setting(stream, self.stream),
            "verify": merge_setting(verify, self.verify),
            "cert": merge_setting(cert, self.cert),
        }
