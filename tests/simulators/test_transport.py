"""The same WSGI app answers identically in-process and live; faults reach the client as transport errors."""

import pytest
import requests

from simulators.amazon.auth import DEFAULT_GRANT
from simulators.journal import Fault


@pytest.mark.parametrize("mode", ["sims", "live_sims"])
def test_both_transports_serve_the_same_answers(mode: str, request: pytest.FixtureRequest) -> None:
    sims = request.getfixturevalue(mode)
    sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}])
    sims.sandbox.clock.advance(600)
    token = sims.amazon_token()
    response = requests.get(
        f"{sims.amazon_url}/orders/v0/orders",
        params={"MarketplaceIds": "ATVPDKIKX0DER", "LastUpdatedAfter": "2026-01-01T00:00:00Z"},
        headers={"x-amz-access-token": token},
        timeout=5,
    )
    assert response.status_code == 200
    assert [o["OrderStatus"] for o in response.json()["payload"]["Orders"]] == ["Pending"]
    missing = requests.get(f"{sims.magento_url}/rest/V1/nowhere", timeout=5)
    assert missing.status_code == 404
    assert missing.json() == {"message": "Request does not match any route."}


def test_namespaces_keep_live_users_apart(live_sims) -> None:  # type: ignore[no-untyped-def]
    other = live_sims.registry.get("worker2")
    other.amazon.create_order(items=[{"sku": "SKU-9"}])
    other.clock.advance(600)
    token = requests.post(f"{live_sims.amazon_url}/ns/worker2/auth/o2/token", data=DEFAULT_GRANT, timeout=5).json()
    params = {"MarketplaceIds": "ATVPDKIKX0DER", "LastUpdatedAfter": "2026-01-01T00:00:00Z"}
    headers = {"x-amz-access-token": token["access_token"]}
    mine = requests.get(
        f"{live_sims.amazon_url}/ns/worker2/orders/v0/orders", params=params, headers=headers, timeout=5
    )
    assert len(mine.json()["payload"]["Orders"]) == 1
    # The token of one namespace is not valid in another, and the default namespace holds no order.
    elsewhere = requests.get(f"{live_sims.amazon_url}/orders/v0/orders", params=params, headers=headers, timeout=5)
    assert elsewhere.status_code == 403


@pytest.mark.parametrize(("kind", "error"), [("drop", requests.ConnectionError), ("delay", requests.Timeout)])
def test_transport_faults_in_process(sims, kind: str, error: type[Exception]) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.faults.inject("magento", "adminToken", Fault(kind))
    with pytest.raises(error):
        sims.magento_token()
    assert isinstance(sims.magento_token(), str)  # the fault applied once


def test_dropped_connection_live(live_sims) -> None:  # type: ignore[no-untyped-def]
    live_sims.sandbox.faults.inject("magento", "adminToken", Fault("drop"))
    with pytest.raises(requests.ConnectionError):
        live_sims.magento_token()
    assert isinstance(live_sims.magento_token(), str)


def test_status_fault_uses_the_service_envelope(sims) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.faults.inject("amazon", "getOrders", Fault("status", status=503))
    token = sims.amazon_token()
    response = requests.get(
        f"{sims.amazon_url}/orders/v0/orders",
        params={"MarketplaceIds": "ATVPDKIKX0DER", "CreatedAfter": "2026-01-01T00:00:00Z"},
        headers={"x-amz-access-token": token},
        timeout=5,
    )
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "InternalFailure"
    assert [e.operation for e in sims.sandbox.journal.entries("amazon")] == ["lwaToken", "getOrders"]


_REQUESTS = [
    requests.Request("GET", "http://magento.test/rest/V1/products/SKU%2F1%20%C3%A9", headers={"Accept": "*/*"}),
    requests.Request(
        "GET",
        "http://sp-api.test:8080/orders/v0/orders",
        params={"MarketplaceIds": "A1,B2", "NextToken": "a+b/c=="},
        headers={"x-amz-access-token": "t", "X-Sim-Namespace": "w1"},
    ),
    requests.Request("POST", "https://magento.test/rest/all/V1/orders", json={"entity": {"x": "é"}}),
    requests.Request("POST", "http://sp-api.test/auth/o2/token", data={"grant_type": "refresh_token", "a": "b c"}),
    requests.Request("PUT", "http://magento.test/ns/w2/rest/V1/x", data=b"\x00\xff", headers={"Content-Type": "x/y"}),
    requests.Request("DELETE", "http://magento.test/rest/V1/adminNotification/systemMessages/a%20b"),
]


@pytest.mark.parametrize("prepared", [r.prepare() for r in _REQUESTS], ids=lambda p: f"{p.method} {p.url}")
def test_the_in_process_environ_is_what_werkzeug_builds(prepared: requests.PreparedRequest) -> None:
    from urllib.parse import urlsplit

    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from simulators.transport import wsgi_environ

    parts = urlsplit(prepared.url or "")
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    builder = EnvironBuilder(
        path=parts.path,
        base_url=f"{parts.scheme}://{parts.netloc}",
        query_string=parts.query,
        method=prepared.method or "GET",
        headers=dict(prepared.headers),
        data=body or b"",
    )
    expected = builder.get_environ()
    ours = wsgi_environ(prepared)
    # As a server sees it: the request line with its query, and the length the client sent (werkzeug's builder,
    # given the query apart, leaves both out).
    served = {"CONTENT_TYPE", "CONTENT_LENGTH", "REQUEST_URI", "RAW_URI"}
    keys = {k for k in expected if k.isupper()} - served
    assert {k: ours.get(k) for k in keys} == {k: expected[k] for k in keys}
    assert ours.get("CONTENT_TYPE") == prepared.headers.get("Content-Type")
    assert ours.get("CONTENT_LENGTH") == prepared.headers.get("Content-Length")
    assert ours["REQUEST_URI"] == ours["RAW_URI"] == prepared.path_url
    assert ours["wsgi.url_scheme"] == expected["wsgi.url_scheme"]
    mine, theirs = Request(ours), Request(expected)
    for read in (lambda r: r.path, lambda r: r.args, lambda r: r.get_data(), lambda r: r.url):
        assert read(mine) == read(theirs)
    assert {k: v for k, v in mine.headers.items() if k != "Content-Length"} == {
        k: v for k, v in theirs.headers.items() if k != "Content-Length"
    }


def test_a_chunked_body_reaches_the_app_in_process(sims) -> None:  # type: ignore[no-untyped-def]
    from simulators.transport import wsgi_environ

    prepared = requests.Request("POST", f"{sims.magento_url}/rest/V1/x", data=iter([b'{"a":', b"1}"])).prepare()
    assert prepared.headers.get("Transfer-Encoding") == "chunked"
    environ = wsgi_environ(prepared)
    assert environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])) == b'{"a":1}'
    assert "HTTP_TRANSFER_ENCODING" not in environ
