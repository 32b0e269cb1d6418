"""The HTTP session the connector's clients share: ``requests`` with the environment read once per origin.

A plain ``requests.Session`` scans every environment variable (proxy settings, CA bundle) on every
request; at thousands of calls per sync that is a large share of the connector's own time. This
session resolves those settings once per scheme and host and reuses them; everything else is
``requests`` as usual (``trust_env`` still switches the environment off entirely).
"""

from __future__ import annotations

import os
import threading
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.sessions import merge_setting
from requests.utils import get_environ_proxies


class ConnectorSession(requests.Session):
    """A ``requests.Session`` that caches the environment's proxies and CA bundle per origin."""

    def __init__(self) -> None:
        super().__init__()
        self._environment: dict[tuple[str, str, str | None], tuple[dict[str, str], str | None]] = {}
        self._environment_lock = threading.Lock()

    def merge_environment_settings(self, url: str, proxies: Any, stream: Any, verify: Any, cert: Any) -> dict[str, Any]:
        if not self.trust_env:
            return dict(super().merge_environment_settings(url, proxies, stream, verify, cert))
        proxies = dict(proxies or {})
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, proxies.get("no_proxy"))
        with self._environment_lock:
            cached = self._environment.get(key)
            if cached is None:
                ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
                cached = self._environment[key] = (dict(get_environ_proxies(url, no_proxy=key[2])), ca_bundle)
        env_proxies, ca_bundle = cached
        for scheme, proxy in env_proxies.items():
            proxies.setdefault(scheme, proxy)
        if (verify is True or verify is None) and ca_bundle:
            verify = ca_bundle
        return {
            "proxies": merge_setting(proxies, self.proxies),
            "stream": merge_setting(stream, self.stream),
            "verify": merge_setting(verify, self.verify),
            "cert": merge_setting(cert, self.cert),
        }
