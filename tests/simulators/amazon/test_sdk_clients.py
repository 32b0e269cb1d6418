"""Amazon's official SDK (amzn-sp-api) and python-amazon-sp-api, unmodified, against the live fake Amazon."""

from __future__ import annotations

import io
import types
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from simulators.amazon.auth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN
from simulators.amazon.model import DEFAULT_SELLER, US

pytest.importorskip("spapi", reason="amzn-sp-api is not installed")
pytest.importorskip("sp_api", reason="python-amazon-sp-api is not installed")

from sp_api.api import Feeds, Orders
from sp_api.auth import AccessTokenClient
from sp_api.base.exceptions import (
    SellingApiBadRequestException,
    SellingApiForbiddenException,
    SellingApiNotFoundException,
    SellingApiRequestThrottledException,
)
from spapi.api.orders_v0.orders_v0_api import OrdersV0Api
from spapi.api.orders_v2026_01_01.search_orders_api import SearchOrdersApi
from spapi.api.tokens_v2021_03_01.tokens_api import TokensApi
from spapi.auth.credentials import SPAPIConfig
from spapi.client import SPAPIClient
from spapi.rest import ApiException

SINCE = "2026-01-01T00:00:00Z"


@pytest.fixture
def shop(live_sims: Any) -> Iterator[Any]:
    """Nine Unshipped orders, two items each, ten minutes in the past."""
    clock = live_sims.sandbox.clock
    ids = []
    for n in range(9):
        clock.advance(60)
        items = [{"sku": f"SKU-{n}", "quantity": 2, "price": "10.00", "tax": "1.00"}, {"sku": "GIFT"}]
        ids.append(live_sims.sandbox.amazon.create_order(status="Unshipped", items=items).amazon_order_id)
    clock.advance(600)
    live_sims.ids = ids
    yield live_sims


# -- amzn-sp-api ----------------------------------------------------------------------------------------
def official(sims: Any) -> SPAPIClient:
    config = SPAPIConfig(
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        refresh_token=DEFAULT_REFRESH_TOKEN,
        region="NA",
    )
    return SPAPIClient(config, oauth_endpoint=f"{sims.amazon_url}/auth/o2/token", endpoint=sims.amazon_url)


def test_official_sdk_reads_pages_items_buyer_address_and_confirms(shop: Any) -> None:
    orders = OrdersV0Api(official(shop).api_client)
    seen: list[str] = []
    page = orders.get_orders(marketplace_ids=[US], last_updated_after=SINCE, max_results_per_page=4)
    while True:
        seen += [o.amazon_order_id for o in page.payload.orders]
        if not page.payload.next_token:
            break
        page = orders.get_orders(marketplace_ids=[US], next_token=page.payload.next_token)
    assert seen == shop.ids
    first = shop.ids[0]
    items = orders.get_order_items(first).payload.order_items
    assert [(i.seller_sku, i.quantity_ordered, i.item_price.amount) for i in items] == [
        ("SKU-0", 2, "20.00"),
        ("GIFT", 1, "19.99"),
    ]
    order = shop.sandbox.amazon.get(first)
    # Without a Restricted Data Token the buyer and the address lines are left out (the SDK sends its LWA token).
    assert orders.get_order_buyer_info(first).payload.buyer_email is None
    address = orders.get_order_address(first).payload.shipping_address
    assert address.city == order.address["City"] and address.address_line1 is None and address.name is None
    resource = {"method": "GET", "path": "/orders/v0/orders", "dataElements": ["buyerInfo", "shippingAddress"]}
    rdt = TokensApi(official(shop).api_client).create_restricted_data_token({"restrictedResources": [resource]})
    assert rdt.restricted_data_token.startswith("Atz.sprdt|") and rdt.expires_in == 3600
    payload = {
        "marketplaceId": US,
        "packageDetail": {
            "packageReferenceId": "1",
            "carrierCode": "UPS",
            "trackingNumber": "1Z42",
            "shipDate": "2026-01-05T09:30:00Z",
            "orderItems": [{"orderItemId": i.order_item_id, "quantity": i.quantity_ordered} for i in items],
        },
    }
    orders.confirm_shipment(first, payload)
    assert order.status == "Shipped" and order.shipments[0].tracking_number == "1Z42"
    search = SearchOrdersApi(official(shop).api_client)
    found = search.search_orders(created_after=SINCE, fulfillment_statuses=["SHIPPED"], included_data=["FULFILLMENT"])
    assert [o.order_id for o in found.orders] == [first]


def test_official_sdk_error_paths(shop: Any) -> None:
    orders = OrdersV0Api(official(shop).api_client)
    with pytest.raises(ApiException) as bad:
        orders.get_orders(marketplace_ids=[US], last_updated_after="not-a-date")
    assert bad.value.status == 400 and "InvalidInput" in str(bad.value.body)
    with pytest.raises(ApiException) as missing:
        orders.get_order("999-9999999-9999999")
    assert missing.value.status == 404
    shop.sandbox.amazon.rate_limits.enable()
    shop.sandbox.amazon.rate_limits.set_plan("getOrder", 0.5, 1)
    orders.get_order(shop.ids[0])
    with pytest.raises(ApiException) as throttled:
        orders.get_order(shop.ids[0])
    assert throttled.value.status == 429 and throttled.value.headers["x-amzn-RateLimit-Limit"] == "0.5"
    shop.sandbox.clock.advance(3600)  # the SDK's token expires on the simulated clock, not on its own
    with pytest.raises(ApiException) as denied:
        orders.get_order_address(shop.ids[0])
    assert denied.value.status == 403 and "Unauthorized" in str(denied.value.body)


# -- python-amazon-sp-api -------------------------------------------------------------------------------
def community(sims: Any, client: type = Orders, **kwargs: Any) -> Any:
    host = sims.amazon_url.removeprefix("http://")
    token_client = type("LocalTokenClient", (AccessTokenClient,), {"scheme": "http://", "host": host})
    marketplace = types.SimpleNamespace(endpoint=sims.amazon_url, marketplace_id=US, region="us-east-1")
    # A refresh token of its own per client: the library caches access tokens by refresh token, across servers.
    refresh_token = sims.sandbox.amazon.authorize(DEFAULT_SELLER, DEFAULT_CLIENT_ID, f"Atzr|{uuid.uuid4().hex}")
    credentials = {
        "refresh_token": refresh_token,
        "lwa_app_id": DEFAULT_CLIENT_ID,
        "lwa_client_secret": DEFAULT_CLIENT_SECRET,
    }
    return client(marketplace=marketplace, credentials=credentials, auth_token_client_class=token_client, **kwargs)


def test_python_amazon_sp_api_reads_and_confirms(shop: Any) -> None:
    orders = community(shop)
    seen: list[str] = []
    page = orders.get_orders(LastUpdatedAfter=SINCE, MarketplaceIds=[US], MaxResultsPerPage=5)
    while True:
        seen += [o["AmazonOrderId"] for o in page.payload["Orders"]]
        if not page.next_token:
            break
        page = orders.get_orders(NextToken=page.next_token, MarketplaceIds=[US])
    assert seen == shop.ids
    assert page.rate_limit == "0.0167"
    last = shop.ids[-1]
    items = orders.get_order_items(last).payload["OrderItems"]
    assert [i["SellerSKU"] for i in items] == ["SKU-8", "GIFT"]
    assert "BuyerName" not in orders.get_order_buyer_info(last).payload  # restricted: needs an RDT
    assert orders.get_order_address(last).payload["ShippingAddress"]["CountryCode"] == "US"
    # The library's own RDT flow: it asks the Tokens API for the listed data elements, then calls with the RDT.
    restricted = orders.get_orders(
        LastUpdatedAfter=SINCE, MarketplaceIds=[US], RestrictedResources=["buyerInfo", "shippingAddress"]
    ).payload["Orders"]
    order = shop.sandbox.amazon.get(restricted[0]["AmazonOrderId"])
    assert restricted[0]["BuyerInfo"]["BuyerName"] == order.buyer_name
    assert restricted[0]["ShippingAddress"]["AddressLine1"] == order.address["AddressLine1"]
    package = {
        "packageReferenceId": "9",
        "carrierCode": "FedEx",
        "trackingNumber": "7777",
        "shipDate": "2026-01-05T09:30:00Z",
        "orderItems": [{"orderItemId": items[0]["OrderItemId"], "quantity": 1}],
    }
    orders.confirm_shipment(last, marketplaceId=US, packageDetail=package)
    assert shop.sandbox.amazon.get(last).status == "PartiallyShipped"
    newer = community(shop, version="2026-01-01")
    found = newer.search_orders(lastUpdatedAfter=SINCE, fulfillmentStatuses=["PARTIALLY_SHIPPED"])
    assert [o["orderId"] for o in found.payload["orders"]] == [last]


def test_python_amazon_sp_api_error_paths(shop: Any) -> None:
    orders = community(shop)
    with pytest.raises(SellingApiBadRequestException) as bad:
        orders.get_orders(LastUpdatedAfter=SINCE, MarketplaceIds=[US], MaxResultsPerPage=500)
    assert bad.value.amzn_code == "InvalidInput"
    with pytest.raises(SellingApiNotFoundException):
        orders.get_order("999-9999999-9999999")
    shop.sandbox.amazon.rate_limits.enable()
    shop.sandbox.amazon.rate_limits.set_plan("getOrderItems", 0.5, 1)
    orders.get_order_items(shop.ids[0])
    with pytest.raises(SellingApiRequestThrottledException) as throttled:
        orders.get_order_items(shop.ids[0])
    assert throttled.value.amzn_code == "QuotaExceeded"
    shop.sandbox.clock.advance(3600)
    with pytest.raises(SellingApiForbiddenException):
        orders.get_order_buyer_info(shop.ids[0])


def test_python_amazon_sp_api_cancels_through_an_acknowledgement_feed(shop: Any) -> None:
    order_id = shop.ids[1]
    feeds = community(shop, client=Feeds)
    document = (
        '<?xml version="1.0" encoding="UTF-8"?><AmazonEnvelope><Header><DocumentVersion>1.01</DocumentVersion>'
        "<MerchantIdentifier>M</MerchantIdentifier></Header><MessageType>OrderAcknowledgement</MessageType>"
        f"<Message><MessageID>1</MessageID><OrderAcknowledgement><AmazonOrderID>{order_id}</AmazonOrderID>"
        "<StatusCode>Failure</StatusCode><Item><AmazonOrderItemCode>"
        f"{shop.sandbox.amazon.get(order_id).items[0].order_item_id}</AmazonOrderItemCode>"
        "<CancelReason>NoInventory</CancelReason></Item>"
        f"<Item><AmazonOrderItemCode>{shop.sandbox.amazon.get(order_id).items[1].order_item_id}</AmazonOrderItemCode>"
        "<CancelReason>NoInventory</CancelReason></Item></OrderAcknowledgement></Message></AmazonEnvelope>"
    )
    _, feed_response = feeds.submit_feed(
        "POST_ORDER_ACKNOWLEDGEMENT_DATA", io.StringIO(document), content_type="text/xml; charset=UTF-8"
    )
    status = feeds.get_feed(feed_response.payload["feedId"]).payload
    assert status["processingStatus"] == "DONE"
    report = feeds.get_feed_result_document(status["resultFeedDocumentId"])
    assert "<MessagesSuccessful>1</MessagesSuccessful>" in report
    assert shop.sandbox.amazon.get(order_id).status == "Canceled"
