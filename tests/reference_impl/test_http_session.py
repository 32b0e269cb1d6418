"""The connector's HTTP session resolves environment settings exactly as ``requests`` does, once."""

from __future__ import annotations

import pytest
import requests

from reference_impl import http_session
from reference_impl.http_session import ConnectorSession

URLS = ("http://magento.test/rest/V1/orders", "https://sp-api.test/orders/v0/orders", "http://internal.corp/x")


@pytest.mark.parametrize("url", URLS)
def test_settings_match_a_plain_session(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.corp:3128")
    monkeypatch.setenv("HTTPS_PROXY", "http://secure-proxy.corp:3128")
    monkeypatch.setenv("NO_PROXY", "internal.corp")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/corp.pem")
    plain, cached = requests.Session(), ConnectorSession()
    for _ in range(2):  # the second answer comes from the cache
        for args in (({}, None, None, None), ({"http": "http://explicit:1"}, True, False, None)):
            assert cached.merge_environment_settings(url, *args) == plain.merge_environment_settings(url, *args)


def test_the_environment_is_read_once_per_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = http_session.get_environ_proxies

    def counting(url: str, no_proxy: str | None = None) -> dict[str, str]:
        calls.append(url)
        return dict(real(url, no_proxy=no_proxy))

    monkeypatch.setattr(http_session, "get_environ_proxies", counting)
    session = ConnectorSession()
    for n in range(50):
        session.merge_environment_settings(f"http://magento.test/rest/V1/orders/{n}", {}, None, None, None)
    session.proxies = {"http": "http://later:1"}  # a session setting changed later still applies
    merged = session.merge_environment_settings("http://magento.test/rest/V1/orders/1", {}, None, None, None)
    assert merged["proxies"]["http"] == "http://later:1"
    assert len(calls) == 2


def test_without_trust_env_the_environment_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.corp:3128")
    session = ConnectorSession()
    session.trust_env = False
    assert session.merge_environment_settings("http://magento.test/", {}, None, None, None)["proxies"] == {}
