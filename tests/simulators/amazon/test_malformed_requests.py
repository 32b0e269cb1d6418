"""Property-based: malformed query strings and bodies never give a 500, always the SP-API error envelope,
and a rejected request leaves the fake Amazon unchanged."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from simulators import Sandbox, SandboxRegistry
from simulators.amazon.auth import DEFAULT_GRANT
from simulators.amazon.wire import AmazonApp

V0_PARAMS = [
    "MarketplaceIds",
    "CreatedAfter",
    "CreatedBefore",
    "LastUpdatedAfter",
    "LastUpdatedBefore",
    "OrderStatuses",
    "FulfillmentChannels",
    "PaymentMethods",
    "AmazonOrderIds",
    "MaxResultsPerPage",
    "NextToken",
    "SellerOrderId",
    "BuyerEmail",
    "IsISPU",
    "EasyShipShipmentStatuses",
]
V2026_PARAMS = [
    "createdAfter",
    "createdBefore",
    "lastUpdatedAfter",
    "lastUpdatedBefore",
    "fulfillmentStatuses",
    "marketplaceIds",
    "fulfilledBy",
    "maxResultsPerPage",
    "paginationToken",
    "includedData",
]
PLAUSIBLE = [
    "ATVPDKIKX0DER",
    "A1PA6795UKMFR9,ATVPDKIKX0DER",
    "2026-01-01T00:00:00Z",
    "2026-01-05T08:00:00+01:00",
    "2026-01-05",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00Z",
    "Pending,Unshipped",
    "SHIPPED",
    "MFN",
    "AMAZON",
    "100",
    "0",
    "-1",
    "1e3",
    "",
    ",,,",
    "111-1111111-1111111",
    "BUYER,PACKAGES",
    "eyJxIjoxfQ.00",
    "true",
]
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
values = st.one_of(st.sampled_from(PLAUSIBLE), text)


def world() -> tuple[Client, Sandbox, str]:
    registry = SandboxRegistry(seed=3)
    sandbox = registry.add(Sandbox("default", seed=3))
    for status in ("Pending", "Unshipped", "Unshipped", "PartiallyShipped", "Shipped"):
        sandbox.clock.advance(60)
        items = [{"sku": "A", "quantity": 2}, {"sku": "B"}]
        sandbox.amazon.create_order(status=status, items=items, amazon_order_id=None)
    sandbox.clock.advance(600)
    client = Client(AmazonApp(registry))
    grant = dict(DEFAULT_GRANT)
    token = client.post("/auth/o2/token", data=grant).get_json()["access_token"]
    return client, sandbox, token


CLIENT, SANDBOX, TOKEN = world()
HEADERS = {"x-amz-access-token": TOKEN}


def snapshot(sandbox: Sandbox) -> Any:
    model = sandbox.amazon
    orders = [
        (
            o.amazon_order_id,
            o.status,
            o.last_update_date,
            [i.quantity_shipped for i in o.items],
            len(o.shipments),
            len(o.shipment_status_updates),
            o.cancellation,
        )
        for o in model.orders.values()
    ]
    return orders, len(model.feeds.feeds), sorted(model._by_update)


def assert_envelope(response: Any, allowed: set[int]) -> None:
    assert response.status_code in allowed, (response.status_code, response.get_data(as_text=True))
    if response.status_code >= 400:
        body = response.get_json()
        assert isinstance(body, dict) and list(body) == ["errors"], body
        for error in body["errors"]:
            assert isinstance(error["code"], str) and isinstance(error["message"], str)


quiet = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@quiet
@given(pairs=st.lists(st.tuples(st.one_of(st.sampled_from(V0_PARAMS), text), values), max_size=8))
def test_get_orders_never_fails_badly(pairs: list[tuple[str, str]]) -> None:
    before = snapshot(SANDBOX)
    response = CLIENT.get("/orders/v0/orders?" + urlencode(pairs), headers=HEADERS)
    assert_envelope(response, {200, 400})
    if response.status_code == 200:
        assert isinstance(response.get_json()["payload"]["Orders"], list)
    assert snapshot(SANDBOX) == before


@quiet
@given(pairs=st.lists(st.tuples(st.one_of(st.sampled_from(V2026_PARAMS), text), values), max_size=8))
def test_search_orders_never_fails_badly(pairs: list[tuple[str, str]]) -> None:
    before = snapshot(SANDBOX)
    response = CLIENT.get("/orders/2026-01-01/orders?" + urlencode(pairs), headers=HEADERS)
    assert_envelope(response, {200, 400})
    assert snapshot(SANDBOX) == before


@quiet
@given(raw=st.binary(max_size=40), order_index=st.integers(0, 4), path=st.sampled_from(["", "/orderItems"]))
def test_raw_query_strings_and_tokens(raw: bytes, order_index: int, path: str) -> None:
    order_id = sorted(SANDBOX.amazon.orders)[order_index]
    for query in (b"NextToken=" + raw, raw, b"MarketplaceIds=ATVPDKIKX0DER&LastUpdatedAfter=" + raw):
        raw_query = {"QUERY_STRING": query.decode("latin-1")}
        response = CLIENT.get(f"/orders/v0/orders/{order_id}{path}", environ_overrides=raw_query, headers=HEADERS)
        assert_envelope(response, {200, 400})
        raw_query = {"QUERY_STRING": "MarketplaceIds=ATVPDKIKX0DER&" + query.decode("latin-1")}
        response = CLIENT.get("/orders/v0/orders", environ_overrides=raw_query, headers=HEADERS)
        assert_envelope(response, {200, 400})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**20) | st.floats(allow_nan=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12,
)


def confirmation_like(draw_item_id: str) -> Any:
    item = st.fixed_dictionaries(
        {
            "orderItemId": st.one_of(st.just(draw_item_id), text, st.integers()),
            "quantity": json_values | st.integers(-2, 3),
        }
    )
    package = st.fixed_dictionaries(
        {
            "packageReferenceId": st.one_of(st.sampled_from(["1", "2", "0", "x"]), json_values),
            "carrierCode": st.one_of(st.just("UPS"), json_values),
            "trackingNumber": st.one_of(st.just("1Z"), json_values),
            "shipDate": st.one_of(st.sampled_from(["2026-01-05T09:00:00Z", "02/21/2022"]), json_values),
            "orderItems": st.one_of(st.lists(item, max_size=3), json_values),
        }
    )
    return st.fixed_dictionaries(
        {"marketplaceId": st.one_of(st.sampled_from(["ATVPDKIKX0DER", "A1PA6795UKMFR9"]), json_values)},
        optional={"packageDetail": package, "extra": json_values},
    )


@quiet
@given(data=st.data(), order_index=st.integers(0, 4), as_bytes=st.binary(max_size=30), raw=st.booleans())
def test_confirm_shipment_bodies(data: st.DataObject, order_index: int, as_bytes: bytes, raw: bool) -> None:
    order_id = sorted(SANDBOX.amazon.orders)[order_index]
    order = SANDBOX.amazon.orders[order_id]
    body = as_bytes if raw else json.dumps(data.draw(confirmation_like(order.items[0].order_item_id)))
    before = snapshot(SANDBOX)
    response = CLIENT.post(
        f"/orders/v0/orders/{order_id}/shipmentConfirmation",
        data=body,
        headers=HEADERS,
        content_type="application/json",
    )
    assert_envelope(response, {204, 400})
    if response.status_code != 204:
        assert snapshot(SANDBOX) == before


@quiet
@given(
    body=json_values,
    target=st.sampled_from(
        [
            "/orders/v0/orders/{id}/shipment",
            "/feeds/2021-06-30/feeds",
            "/feeds/2021-06-30/documents",
        ]
    ),
    order_index=st.integers(0, 4),
)
def test_other_bodies(body: Any, target: str, order_index: int) -> None:
    order_id = sorted(SANDBOX.amazon.orders)[order_index]
    before = snapshot(SANDBOX)
    response = CLIENT.post(
        target.format(id=order_id), data=json.dumps(body), headers=HEADERS, content_type="application/json"
    )
    assert_envelope(response, {201, 202, 204, 400})
    if response.status_code == 400:
        assert snapshot(SANDBOX) == before


@quiet
@given(body=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_feed_documents_of_any_content_are_processed_or_reported(body: bytes) -> None:
    slot = CLIENT.post("/feeds/2021-06-30/documents", json={"contentType": "text/xml"}, headers=HEADERS).get_json()
    path = slot["url"].split("localhost", 1)[-1]
    assert CLIENT.put(path, data=body, content_type="text/xml").status_code == 200
    before = snapshot(SANDBOX)
    feed = {
        "feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA",
        "marketplaceIds": ["ATVPDKIKX0DER"],
        "inputFeedDocumentId": slot["feedDocumentId"],
    }
    response = CLIENT.post("/feeds/2021-06-30/feeds", json=feed, headers=HEADERS)
    assert response.status_code == 202
    status = CLIENT.get(f"/feeds/2021-06-30/feeds/{response.get_json()['feedId']}", headers=HEADERS).get_json()
    assert status["processingStatus"] in {"DONE", "FATAL"}
    assert snapshot(SANDBOX)[0] == before[0]  # no order changed: these documents name no order


CONTROL_ROUTES = [
    ("POST", "/_sim/orders"),
    ("POST", "/_sim/orders/status"),
    ("POST", "/_sim/orders/cancel"),
    ("GET", "/_sim/orders/shipments"),
    ("POST", "/_sim/rate-limits"),
    ("POST", "/_sim/order-items/page-size"),
]
order_fields = st.fixed_dictionaries(
    {},
    optional={
        "items": json_values
        | st.lists(st.dictionaries(st.sampled_from(["sku", "quantity", "price", "tax"]), json_values)),
        "status": st.sampled_from(["Pending", "Unshipped", "Shipped", "PartiallyShipped"]) | json_values,
        "marketplace_id": st.sampled_from(["ATVPDKIKX0DER", "A1VC38T7YXB528"]) | json_values,
        "amazon_order_id": st.sampled_from(["111-1111111-1111111", "1-1-1"]) | json_values,
        "buyer_name": json_values,
        "address": json_values,
        "purchase_date": st.sampled_from(["2026-01-01T00:00:00Z", "tomorrow"]) | json_values,
        "reason": json_values,
        "enabled": json_values,
        "size": json_values,
    },
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(route=st.sampled_from(CONTROL_ROUTES), body=order_fields | json_values)
def test_control_routes_answer_400_or_404_for_bad_input(route: tuple[str, str], body: Any) -> None:
    registry = SandboxRegistry(seed=1)
    sandbox = registry.add(Sandbox("default", seed=1))
    client = Client(AmazonApp(registry))
    method, path = route
    response = client.open(path, method=method, data=json.dumps(body), content_type="application/json")
    assert response.status_code in {200, 400, 404}, response.get_data(as_text=True)
    assert isinstance(response.get_json(), dict)
    if response.status_code == 200 and path == "/_sim/orders":
        (order,) = sandbox.amazon.orders.values()
        assert isinstance(order.buyer_name, str) and all(isinstance(v, str) for v in order.address.values())
    elif response.status_code != 200:
        assert sandbox.amazon.orders == {}


# -- a valid request with one part broken: every check is reached, not only the first -------------------------
V0_VALID = [
    {
        "MarketplaceIds": "ATVPDKIKX0DER",
        "LastUpdatedAfter": "2026-01-05T08:00:00Z",
        "LastUpdatedBefore": "2026-01-05T09:10:00Z",
        "OrderStatuses": "Pending,Unshipped",
        "FulfillmentChannels": "MFN",
        "MaxResultsPerPage": "2",
    },
    {
        "MarketplaceIds": "ATVPDKIKX0DER,A1PA6795UKMFR9",
        "CreatedAfter": "2026-01-05T08:00:00Z",
        "CreatedBefore": "2026-01-05T09:10:00Z",
        "PaymentMethods": "Other",
        "AmazonOrderIds": "111-1111111-1111111",
        "BuyerEmail": "someone@marketplace.amazon.com",
    },
]
V2026_VALID = [
    {
        "lastUpdatedAfter": "2026-01-05T08:00:00Z",
        "lastUpdatedBefore": "2026-01-05T09:10:00Z",
        "marketplaceIds": "ATVPDKIKX0DER",
        "fulfillmentStatuses": "PENDING,UNSHIPPED",
        "fulfilledBy": "MERCHANT",
        "includedData": "BUYER,RECIPIENT",
        "maxResultsPerPage": "2",
    },
    {"createdAfter": "2026-01-05T08:00:00Z", "createdBefore": "2026-01-05T09:10:00Z", "fulfilledBy": "AMAZON"},
]
DATES = {
    "CreatedAfter",
    "CreatedBefore",
    "LastUpdatedAfter",
    "LastUpdatedBefore",
    "createdAfter",
    "createdBefore",
    "lastUpdatedAfter",
    "lastUpdatedBefore",
}


def _names_the_broken_part(response: Any, broken: str, related: set[str]) -> bool:
    """Whether a 400's message or details name the broken part (or, for dates, another date it conflicts with)."""
    text = " ".join(f"{e['message']} {e.get('details', '')}" for e in response.get_json()["errors"])
    names = {broken} | (related if broken in related else set())
    return any(name in text for name in names)


def broken_query(bases: list[dict[str, str]]) -> Any:
    """A valid query with one parameter replaced by another value or removed."""

    @st.composite
    def draw(data: st.DrawFn) -> tuple[dict[str, str], str, str | None]:
        query = dict(data(st.sampled_from(bases)))
        key = data(st.sampled_from(sorted(query)))
        value = data(st.none() | values)
        if value is None:
            del query[key]
        else:
            query[key] = value
        return query, key, value

    return draw()


@quiet
@given(case=broken_query(V0_VALID))
def test_get_orders_with_one_parameter_broken(case: tuple[dict[str, str], str, str | None]) -> None:
    query, broken, _ = case
    before = snapshot(SANDBOX)
    response = CLIENT.get("/orders/v0/orders?" + urlencode(query), headers=HEADERS)
    assert_envelope(response, {200, 400})
    if response.status_code == 400:
        assert _names_the_broken_part(response, broken, DATES), (broken, response.get_json())
    else:
        wanted = set(query.get("MarketplaceIds", "").split(","))
        assert all(o["MarketplaceId"] in wanted for o in response.get_json()["payload"]["Orders"])
    assert snapshot(SANDBOX) == before


@quiet
@given(case=broken_query(V2026_VALID))
def test_search_orders_with_one_parameter_broken(case: tuple[dict[str, str], str, str | None]) -> None:
    query, broken, _ = case
    response = CLIENT.get("/orders/2026-01-01/orders?" + urlencode(query), headers=HEADERS)
    assert_envelope(response, {200, 400})
    if response.status_code == 400:
        assert _names_the_broken_part(response, broken, DATES), (broken, response.get_json())


def _valid_confirmation(order: Any) -> dict[str, Any]:
    return {
        "marketplaceId": "ATVPDKIKX0DER",
        "codCollectionMethod": "DirectPayment",
        "packageDetail": {
            "packageReferenceId": "7",
            "carrierCode": "UPS",
            "carrierName": "UPS Ground",
            "shippingMethod": "Ground",
            "trackingNumber": "1Z999",
            "shipDate": "2026-01-05T09:00:00Z",
            "orderItems": [{"orderItemId": order.items[0].order_item_id, "quantity": 1}],
        },
    }


PATHS = [
    ("marketplaceId",),
    ("codCollectionMethod",),
    ("packageDetail",),
    ("packageDetail", "packageReferenceId"),
    ("packageDetail", "carrierCode"),
    ("packageDetail", "carrierName"),
    ("packageDetail", "shippingMethod"),
    ("packageDetail", "trackingNumber"),
    ("packageDetail", "shipDate"),
    ("packageDetail", "orderItems"),
    ("packageDetail", "orderItems", 0, "orderItemId"),
    ("packageDetail", "orderItems", 0, "quantity"),
]


@quiet
@given(path=st.sampled_from(PATHS), value=st.none() | json_values | st.integers(-2, 3), remove=st.booleans())
def test_confirm_shipment_with_one_field_broken(path: tuple[Any, ...], value: Any, remove: bool) -> None:
    client, sandbox, token = world()
    order = next(o for o in sandbox.amazon.orders.values() if o.status == "Unshipped")
    body = _valid_confirmation(order)
    parent = body
    for step in path[:-1]:
        parent = parent[step]
    if remove:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    before = snapshot(sandbox)
    response = client.post(
        f"/orders/v0/orders/{order.amazon_order_id}/shipmentConfirmation",
        data=json.dumps(body),
        headers={"x-amz-access-token": token},
        content_type="application/json",
    )
    assert_envelope(response, {204, 400})
    if response.status_code == 400:
        name = next(p for p in reversed(path) if isinstance(p, str))
        assert _names_the_broken_part(response, name, {"orderItems", "quantity"}), (path, response.get_json())
        assert snapshot(sandbox) == before
    else:
        assert order.shipments and order.shipments[0].tracking_number == body["packageDetail"]["trackingNumber"]


@quiet
@given(
    key=st.sampled_from(["method", "path", "dataElements", "restrictedResources"]),
    value=st.none() | json_values | st.sampled_from(["GET", "/orders/v0/orders/{orderId}", ["buyerInfo"]]),
)
def test_restricted_data_token_requests_with_one_part_broken(key: str, value: Any) -> None:
    resource = {"method": "GET", "path": "/orders/v0/orders", "dataElements": ["buyerInfo", "shippingAddress"]}
    body: dict[str, Any] = {"restrictedResources": [resource]}
    if key == "restrictedResources":
        body[key] = value
    else:
        resource[key] = value
    response = CLIENT.post("/tokens/2021-03-01/restrictedDataToken", json=body, headers=HEADERS)
    assert_envelope(response, {200, 400})
    if response.status_code == 200:
        assert response.get_json()["restrictedDataToken"].startswith("Atz.sprdt|")
    else:
        assert _names_the_broken_part(response, key, {"restrictedResources"}), (key, response.get_json())
