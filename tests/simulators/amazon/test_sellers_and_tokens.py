"""LWA apps and sellers' consents, tokens bound to one seller, Restricted Data Tokens and restricted data."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from simulators.amazon.auth import DEFAULT_CLIENT_ID, DEFAULT_GRANT, DEFAULT_REFRESH_TOKEN
from simulators.amazon.model import DEFAULT_SELLER, US

ORDERS = "/orders/v0/orders"
RDT = "/tokens/2021-03-01/restrictedDataToken"
OTHER = "A3OTHERSELLER"
BOTH = ["buyerInfo", "shippingAddress"]


def lwa(sims: Any, **form: str) -> requests.Response:
    return requests.post(f"{sims.amazon_url}/auth/o2/token", data={**DEFAULT_GRANT, **form}, timeout=5)


def seller_token(sims: Any, seller_id: str = OTHER) -> str:
    """An access token of another seller, who authorised the default app."""
    model = sims.sandbox.amazon
    if seller_id not in model.sellers:
        model.add_seller(seller_id, "Other Seller", [US])
    refresh_token = model.authorize(seller_id, DEFAULT_CLIENT_ID)
    return lwa(sims, refresh_token=refresh_token).json()["access_token"]


def orders_as(api: Any, token: str) -> requests.Response:
    """getOrders (everything updated since 2026) with the given token."""
    params = {"MarketplaceIds": US, "LastUpdatedAfter": "2026-01-01T00:00:00Z"}
    return api.get(ORDERS, params, headers={"x-amz-access-token": token})


def rdt(api: Any, *resources: dict[str, Any], token: str | None = None) -> requests.Response:
    headers = {"x-amz-access-token": token} if token else {}
    return api.post(RDT, {"restrictedResources": list(resources)}, headers=headers)


def listing_rdt(api: Any, elements: list[str] = BOTH) -> str:
    response = rdt(api, {"method": "GET", "path": ORDERS, "dataElements": elements})
    assert response.status_code == 200, response.text
    return str(response.json()["restrictedDataToken"])


# -- LWA ------------------------------------------------------------------------------------------------
def test_lwa_gives_a_token_only_for_a_registered_app_and_a_refresh_token_issued_to_it(sims: Any) -> None:
    assert lwa(sims).status_code == 200
    for form in ({"client_id": "amzn1.application-oa2-client.unknown"}, {"client_secret": "wrong"}):
        refused = lwa(sims, **form)
        assert refused.status_code == 401
        assert refused.json() == {"error": "invalid_client", "error_description": "Client authentication failed"}
    sims.sandbox.amazon.register_app("amzn1.application-oa2-client.other", "other-secret")
    other_app = {"client_id": "amzn1.application-oa2-client.other", "client_secret": "other-secret"}
    for form in ({"refresh_token": "Atzr|never-issued"}, other_app):  # unknown, or issued to another app
        refused = lwa(sims, **form)
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
        assert set(refused.json()) == {"error", "error_description"}


def test_sellers_apps_and_consents_are_registered_and_revoked_over_http(sims: Any) -> None:
    base = sims.amazon_url + "/_sim"
    seller = requests.post(f"{base}/sellers", json={"seller_id": OTHER, "marketplace_ids": [US]}, timeout=5)
    assert seller.status_code == 200, seller.text
    app = {"client_id": "amzn1.application-oa2-client.mine", "client_secret": "mine-secret"}
    assert requests.post(f"{base}/apps", json=app, timeout=5).status_code == 200
    consent = requests.post(
        f"{base}/authorizations", json={"seller_id": OTHER, "client_id": app["client_id"]}, timeout=5
    ).json()
    granted = lwa(sims, **app, refresh_token=consent["refresh_token"])
    assert granted.status_code == 200 and granted.json()["refresh_token"] == consent["refresh_token"]
    listed = requests.get(f"{base}/sellers", timeout=5).json()["sellers"]
    assert [s["seller_id"] for s in listed] == sorted([DEFAULT_SELLER, OTHER])
    assert next(s for s in listed if s["seller_id"] == OTHER)["authorizations"] == [
        {"client_id": app["client_id"], "refresh_token": consent["refresh_token"], "revoked": False}
    ]
    revoked = requests.post(
        f"{base}/authorizations/revoke", json={"refresh_token": consent["refresh_token"]}, timeout=5
    )
    assert revoked.status_code == 200
    assert lwa(sims, **app, refresh_token=consent["refresh_token"]).json()["error"] == "invalid_grant"
    for bad, path in (
        ({"seller_id": "lower case"}, "sellers"),
        ({"seller_id": OTHER, "marketplace_ids": ["NOWHERE"]}, "sellers"),
        ({"client_id": "x", "client_secret": ""}, "apps"),
        ({"seller_id": "A9UNKNOWN", "client_id": app["client_id"]}, "authorizations"),
        ({"seller_id": OTHER, "client_id": "amzn1.application-oa2-client.unregistered"}, "authorizations"),
        (
            {"seller_id": OTHER, "client_id": DEFAULT_CLIENT_ID, "refresh_token": DEFAULT_REFRESH_TOKEN},
            "authorizations",
        ),
    ):
        answer = requests.post(f"{base}/{path}", json=bad, timeout=5)
        assert answer.status_code == 400 and answer.json()["error"], (path, bad)
    missing = requests.post(f"{base}/authorizations/revoke", json={"refresh_token": "Atzr|nope"}, timeout=5)
    assert missing.status_code == 404


def test_withdrawn_consent_ends_the_access_tokens_and_rdts_issued_from_it(api: Any, error_codes: Any) -> None:
    model = api.model
    refresh_token = model.authorize(DEFAULT_SELLER, DEFAULT_CLIENT_ID, "Atzr|to-be-revoked")
    token = lwa(api.sims, refresh_token=refresh_token).json()["access_token"]
    resource = {"method": "GET", "path": ORDERS, "dataElements": BOTH}
    restricted = rdt(api, resource, token=token).json()["restrictedDataToken"]
    for usable in (token, restricted):
        assert orders_as(api, usable).status_code == 200
    model.revoke(refresh_token)
    for dead in (token, restricted):
        denied = orders_as(api, dead)
        assert denied.status_code == 403 and error_codes(denied) == ["Unauthorized"]
    assert lwa(api.sims, refresh_token=refresh_token).status_code == 400
    assert api.orders().status_code == 200  # the default consent is untouched


# -- tokens bound to a seller ---------------------------------------------------------------------------
def test_a_token_sees_only_its_own_sellers_orders(api: Any, error_codes: Any) -> None:
    mine = api.model.create_order(status="Unshipped")
    other_token = seller_token(api.sims)
    theirs = api.model.create_order(status="Unshipped", seller_id=OTHER)
    api.sims.sandbox.clock.advance(600)
    as_other = {"headers": {"x-amz-access-token": other_token}}
    listed = api.orders().json()["payload"]["Orders"]
    assert [o["AmazonOrderId"] for o in listed] == [mine.amazon_order_id]
    other_listed = orders_as(api, other_token).json()["payload"]["Orders"]
    assert [o["AmazonOrderId"] for o in other_listed] == [theirs.amazon_order_id]
    searched = api.get("/orders/2026-01-01/orders", {"lastUpdatedAfter": "2026-01-01T00:00:00Z"}).json()
    assert [o["orderId"] for o in searched["orders"]] == [mine.amazon_order_id]
    foreign = theirs.amazon_order_id
    for suffix in ("", "/orderItems", "/buyerInfo", "/address", "/orderItems/buyerInfo"):
        response = api.get(f"{ORDERS}/{foreign}{suffix}")
        assert response.status_code == 404 and error_codes(response) == ["NotFound"], suffix
        assert api.get(f"{ORDERS}/{foreign}{suffix}", **as_other).status_code == 200, suffix
    assert api.get(f"/orders/2026-01-01/orders/{foreign}").status_code == 404
    package = {
        "packageReferenceId": "1",
        "carrierCode": "UPS",
        "trackingNumber": "1Z",
        "shipDate": "2026-01-05T09:00:00Z",
        "orderItems": [{"orderItemId": theirs.items[0].order_item_id, "quantity": 1}],
    }
    confirm = api.post(f"{ORDERS}/{foreign}/shipmentConfirmation", {"marketplaceId": US, "packageDetail": package})
    assert confirm.status_code == 404 and theirs.shipments == []
    status = api.post(f"{ORDERS}/{foreign}/shipment", {"marketplaceId": US, "shipmentStatus": "ReadyForPickup"})
    assert status.status_code == 404 and theirs.shipment_status_updates == []


def test_a_stale_report_reaches_only_its_sellers_listing(api: Any) -> None:
    seller_token(api.sims)
    theirs = api.model.create_order(seller_id=OTHER)
    api.model.set_status(theirs.amazon_order_id, "Unshipped")
    api.model.report_stale(theirs.amazon_order_id, "Pending")
    api.sims.sandbox.clock.advance(600)
    assert api.orders().json()["payload"]["Orders"] == []
    assert api.model.take_stale([US], OTHER)  # still queued for its own seller


def test_a_feed_cancels_only_orders_of_the_seller_who_sent_it(api: Any) -> None:
    seller_token(api.sims)
    theirs = api.model.create_order(status="Unshipped", seller_id=OTHER)
    document = api.post("/feeds/2021-06-30/documents", {"contentType": "text/xml; charset=UTF-8"}).json()
    envelope = (
        "<AmazonEnvelope><MessageType>OrderAcknowledgement</MessageType><Message><MessageID>1</MessageID>"
        f"<OrderAcknowledgement><AmazonOrderID>{theirs.amazon_order_id}</AmazonOrderID>"
        "<StatusCode>Failure</StatusCode><CancelReason>NoInventory</CancelReason></OrderAcknowledgement>"
        "</Message></AmazonEnvelope>"
    )
    upload = requests.put(
        document["url"], data=envelope.encode(), headers={"Content-Type": "text/xml; charset=UTF-8"}, timeout=5
    )
    assert upload.status_code == 200
    feed = api.post(
        "/feeds/2021-06-30/feeds",
        {
            "feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA",
            "marketplaceIds": [US],
            "inputFeedDocumentId": document["feedDocumentId"],
        },
    ).json()
    assert theirs.status == "Unshipped"
    assert api.get(f"/feeds/2021-06-30/feeds/{feed['feedId']}").json()["processingStatus"] == "DONE"
    other = {"headers": {"x-amz-access-token": seller_token(api.sims)}}
    assert api.get(f"/feeds/2021-06-30/feeds/{feed['feedId']}", **other).status_code == 404


# -- restricted data ------------------------------------------------------------------------------------
def test_without_an_rdt_the_buyer_and_the_address_lines_are_left_out(api: Any, conforms: Any) -> None:
    order = api.model.create_order(status="Unshipped", buyer_name="Ann Lee", buyer_email="ann@example.com")
    api.sims.sandbox.clock.advance(600)
    for body in (
        api.orders().json()["payload"]["Orders"][0],
        api.get(f"{ORDERS}/{order.amazon_order_id}").json()["payload"],
    ):
        assert "BuyerInfo" not in body
        assert body["ShippingAddress"] == {
            k: order.address[k] for k in ("City", "StateOrRegion", "PostalCode", "CountryCode")
        }
    assert api.get(f"{ORDERS}/{order.amazon_order_id}/buyerInfo").json()["payload"] == {
        "AmazonOrderId": order.amazon_order_id
    }
    address = api.get(f"{ORDERS}/{order.amazon_order_id}/address").json()
    conforms(address, "GetOrderAddressResponse")
    assert "AddressLine1" not in address["payload"]["ShippingAddress"]
    assert address["payload"]["ShippingAddress"]["City"] == order.address["City"]


@pytest.mark.parametrize("status", ["Pending", "Canceled"])
def test_an_order_not_to_be_shipped_has_no_shipping_address_even_with_an_rdt(api: Any, status: str) -> None:
    order = api.model.create_order()
    if status == "Canceled":
        api.model.cancel(order.amazon_order_id)
    api.sims.sandbox.clock.advance(600)
    listed = orders_as(api, listing_rdt(api)).json()["payload"]["Orders"][0]
    assert "ShippingAddress" not in listed and listed["BuyerInfo"]["BuyerName"] == order.buyer_name
    assert "ShippingAddress" not in api.get(f"{ORDERS}/{order.amazon_order_id}/address").json()["payload"]


@pytest.mark.parametrize("elements", [["buyerInfo"], ["shippingAddress"], BOTH])
def test_an_rdt_shows_the_data_elements_it_names(api: Any, conforms: Any, elements: list[str]) -> None:
    order = api.model.create_order(status="Unshipped", buyer_name="Ann Lee", buyer_email="ann@example.com")
    api.sims.sandbox.clock.advance(600)
    page = orders_as(api, listing_rdt(api, elements)).json()
    conforms(page, "GetOrdersResponse")
    first = page["payload"]["Orders"][0]
    assert ("BuyerInfo" in first) == ("buyerInfo" in elements)
    if "buyerInfo" in elements:
        assert first["BuyerInfo"] == {"BuyerEmail": "ann@example.com", "BuyerName": "Ann Lee"}
    assert (first["ShippingAddress"] == order.address) == ("shippingAddress" in elements)
    one = rdt(api, {"method": "GET", "path": f"{ORDERS}/{{orderId}}", "dataElements": elements}).json()
    single = api.get(f"{ORDERS}/{order.amazon_order_id}", headers={"x-amz-access-token": one["restrictedDataToken"]})
    assert single.json()["payload"] == first


def test_an_rdt_opens_only_the_resources_it_names(api: Any, conforms: Any, error_codes: Any) -> None:
    first, second = api.model.create_order(status="Unshipped"), api.model.create_order(status="Unshipped")
    api.sims.sandbox.clock.advance(600)
    answer = rdt(api, {"method": "GET", "path": f"{ORDERS}/{first.amazon_order_id}/address"})
    assert answer.status_code == 200
    conforms(answer.json(), "CreateRestrictedDataTokenResponse", "tokens")
    assert answer.json()["expiresIn"] == 3600
    headers = {"x-amz-access-token": answer.json()["restrictedDataToken"]}
    assert api.get(f"{ORDERS}/{first.amazon_order_id}/address", headers=headers).status_code == 200
    for path in (f"{ORDERS}/{second.amazon_order_id}/address", f"{ORDERS}/{first.amazon_order_id}", ORDERS):
        denied = api.get(path, {"MarketplaceIds": US, "LastUpdatedAfter": "2026-01-01T00:00:00Z"}, headers=headers)
        assert denied.status_code == 403 and error_codes(denied) == ["Unauthorized"], path
    assert (
        api.post(
            RDT, {"restrictedResources": [{"method": "GET", "path": ORDERS, "dataElements": BOTH}]}, headers=headers
        ).status_code
        == 403
    )  # an RDT cannot ask for another
    listing = listing_rdt(api)
    confirm = api.post(
        f"{ORDERS}/{first.amazon_order_id}/shipmentConfirmation", {}, headers={"x-amz-access-token": listing}
    )
    assert confirm.status_code == 403
    api.sims.sandbox.clock.advance(3599)
    assert orders_as(api, listing).status_code == 200
    api.sims.sandbox.clock.advance(1)
    assert orders_as(api, listing).status_code == 403  # an RDT lives an hour


@pytest.mark.parametrize(
    "resources",
    [
        [],
        "GET /orders/v0/orders",
        [{"method": "GET", "path": ORDERS}],  # getOrders needs dataElements
        [{"method": "GET", "path": ORDERS, "dataElements": []}],
        [{"method": "GET", "path": ORDERS, "dataElements": ["creditCard"]}],
        [{"method": "GET", "path": ORDERS, "dataElements": "buyerInfo"}],
        [{"method": "POST", "path": ORDERS, "dataElements": BOTH}],
        [{"method": "", "path": "/orders/v1/orders/902-1845936-5435065/address"}],
        [{"method": "GET", "path": "/orders/v0/orders/123/address"}],
        [{"method": "GET", "path": "/feeds/2021-06-30/feeds"}],
        [{"method": "GET", "path": ORDERS, "dataElements": BOTH}] * 51,
    ],
)
def test_rdt_requests_name_restricted_resources(api: Any, error_codes: Any, resources: Any) -> None:
    answer = api.post(RDT, {"restrictedResources": resources})
    assert answer.status_code == 400 and error_codes(answer) == ["InvalidInput"]
    assert answer.json()["errors"][0]["details"]


def test_the_2026_api_shows_buyer_and_recipient_without_an_rdt(api: Any) -> None:
    order = api.model.create_order(status="Unshipped")
    found = api.get(f"/orders/2026-01-01/orders/{order.amazon_order_id}", {"includedData": "BUYER,RECIPIENT"}).json()
    assert found["order"]["buyer"]["buyerName"] == order.buyer_name
    assert found["order"]["recipient"]["deliveryAddress"]["addressLine1"] == order.address["AddressLine1"]
    listing = {"x-amz-access-token": listing_rdt(api)}
    assert api.get(f"/orders/2026-01-01/orders/{order.amazon_order_id}", headers=listing).status_code == 403


def test_a_grantless_token_reads_no_seller_data(api: Any) -> None:
    grant = {**DEFAULT_GRANT, "grant_type": "client_credentials", "scope": "sellingpartnerapi::notifications"}
    token = requests.post(f"{api.sims.amazon_url}/auth/o2/token", data=grant, timeout=5).json()["access_token"]
    assert orders_as(api, token).status_code == 403
    assert api.orders().status_code == 200


def test_each_seller_has_its_own_usage_plan_buckets(api: Any, error_codes: Any) -> None:
    other = seller_token(api.sims)
    api.model.rate_limits.enable()
    api.model.rate_limits.set_plan("getOrders", 0.01, 2)
    assert [api.orders().status_code for _ in range(3)] == [200, 200, 429]
    assert [orders_as(api, other).status_code for _ in range(3)] == [200, 200, 429]  # not used up by the first
    api.sims.sandbox.clock.advance(100)  # one token back at 0.01 per second, for each
    assert (api.orders().status_code, orders_as(api, other).status_code) == (200, 200)
