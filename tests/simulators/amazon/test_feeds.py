"""Feeds 2021-06-30: a seller cancels an order with an order acknowledgement feed."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import requests

from simulators.amazon.auth import DEFAULT_GRANT
from simulators.amazon.model import US

FEEDS = "/feeds/2021-06-30"


def acknowledgement(*orders: tuple[str, str, str]) -> bytes:
    messages = "".join(
        f"<Message><MessageID>{n}</MessageID><OrderAcknowledgement><AmazonOrderID>{order_id}</AmazonOrderID>"
        f"<StatusCode>{code}</StatusCode>{f'<CancelReason>{reason}</CancelReason>' if reason else ''}"
        "</OrderAcknowledgement></Message>"
        for n, (order_id, code, reason) in enumerate(orders, 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>M</MerchantIdentifier></Header>"
        f"<MessageType>OrderAcknowledgement</MessageType>{messages}</AmazonEnvelope>"
    ).encode()


def submit(api: Any, document: bytes, feed_type: str = "POST_ORDER_ACKNOWLEDGEMENT_DATA") -> tuple[dict, str]:
    """Run the whole flow; returns the feed and its processing report."""
    created = api.post(f"{FEEDS}/documents", {"contentType": "text/xml; charset=UTF-8"})
    assert created.status_code == 201, created.text
    slot = created.json()
    upload = requests.put(slot["url"], data=document, headers={"Content-Type": "text/xml; charset=UTF-8"}, timeout=5)
    assert upload.status_code == 200, upload.text
    feed = api.post(
        f"{FEEDS}/feeds",
        {"feedType": feed_type, "marketplaceIds": [US], "inputFeedDocumentId": slot["feedDocumentId"]},
    )
    assert feed.status_code == 202, feed.text
    status = api.get(f"{FEEDS}/feeds/{feed.json()['feedId']}").json()
    result = api.get(f"{FEEDS}/documents/{status['resultFeedDocumentId']}").json()
    report = requests.get(result["url"], timeout=5)
    assert report.status_code == 200
    return status, report.text


def report_errors(report: str) -> dict[str, str]:
    root = ElementTree.fromstring(report)
    return {
        r.findtext("AdditionalInfo/AmazonOrderID") or "": r.findtext("ResultDescription") or ""
        for r in root.iter("Result")
        if r.findtext("ResultCode") == "Error"
    }


def test_a_failure_acknowledgement_cancels_unshipped_orders_only(api: Any) -> None:
    clock = api.sims.sandbox.clock
    unshipped = api.model.create_order(status="Unshipped")
    shipped = api.model.create_order(status="Shipped")
    kept = api.model.create_order(status="Unshipped")
    clock.advance(60)
    status, report = submit(
        api,
        acknowledgement(
            (unshipped.amazon_order_id, "Failure", "NoInventory"),
            (shipped.amazon_order_id, "Failure", "NoInventory"),
            (kept.amazon_order_id, "Success", ""),
        ),
    )
    assert status["processingStatus"] == "DONE" and status["feedType"] == "POST_ORDER_ACKNOWLEDGEMENT_DATA"
    assert status["processingEndTime"] == "2026-01-05T09:01:00Z"
    assert unshipped.status == "Canceled" and unshipped.cancellation.reason == "NoInventory"
    assert unshipped.cancellation.requested_by == "MERCHANT" and unshipped.last_update_date == clock.now()
    assert shipped.status == "Shipped" and kept.status == "Unshipped"
    errors = report_errors(report)
    assert set(errors) == {shipped.amazon_order_id} and "Shipped" in errors[shipped.amazon_order_id]
    assert "<MessagesSuccessful>2</MessagesSuccessful>" in report


def test_bad_acknowledgements_are_reported_not_applied(api: Any) -> None:
    order = api.model.create_order(status="Unshipped")
    _, report = submit(
        api,
        acknowledgement(
            (order.amazon_order_id, "Failure", ""),
            (order.amazon_order_id, "Failure", "BecauseISaidSo"),
            ("999-9999999-9999999", "Failure", "NoInventory"),
        ),
    )
    assert order.status == "Unshipped"
    assert "<MessagesWithError>3</MessagesWithError>" in report
    status, report = submit(api, b"<AmazonEnvelope><MessageType>OrderAcknowledgement</Message")
    assert status["processingStatus"] == "FATAL" and "not well-formed" in report


def test_feed_requests_are_validated(api: Any, error_codes: Any) -> None:
    slot = api.post(f"{FEEDS}/documents", {"contentType": "text/xml"}).json()
    forged = requests.put(slot["url"].split("?")[0] + "?X-Amz-Signature=0", data=b"x", timeout=5)
    assert forged.status_code == 403 and error_codes(forged) == ["AccessDenied"]
    for body in (
        {
            "feedType": "POST_FLAT_FILE_LISTINGS_DATA",
            "marketplaceIds": [US],
            "inputFeedDocumentId": slot["feedDocumentId"],
        },
        {
            "feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA",
            "marketplaceIds": [],
            "inputFeedDocumentId": slot["feedDocumentId"],
        },
        {"feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA", "marketplaceIds": [US], "inputFeedDocumentId": "nope"},
        {"marketplaceIds": [US]},
    ):
        response = api.post(f"{FEEDS}/feeds", body)
        assert response.status_code == 400 and error_codes(response) == ["InvalidInput"]
    assert api.model.feeds.feeds == {}
    assert api.post(f"{FEEDS}/documents", {}).status_code == 400
    assert api.get(f"{FEEDS}/feeds/123").status_code == 404
    assert api.get(f"{FEEDS}/documents/nope").status_code == 404


def test_the_upload_url_stays_in_the_namespace(live_sims: Any) -> None:
    other = live_sims.registry.get("shop2")
    order = other.amazon.create_order(status="Unshipped")
    base = f"{live_sims.amazon_url}/ns/shop2"
    grant = dict(DEFAULT_GRANT)
    token = requests.post(f"{base}/auth/o2/token", data=grant, timeout=5).json()["access_token"]
    headers = {"x-amz-access-token": token, "host": "truncated"}
    slot = requests.post(
        f"{base}{FEEDS}/documents", json={"contentType": "text/xml"}, headers=headers, timeout=5
    ).json()
    assert slot["url"].startswith(f"{base}/_documents/")
    document = acknowledgement((order.amazon_order_id, "Failure", "NoInventory"))
    assert requests.put(slot["url"], data=document, headers={"Content-Type": "text/xml"}, timeout=5).ok
    feed = {
        "feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA",
        "marketplaceIds": [US],
        "inputFeedDocumentId": slot["feedDocumentId"],
    }
    assert requests.post(f"{base}{FEEDS}/feeds", json=feed, headers=headers, timeout=5).status_code == 202
    assert order.status == "Canceled"


def test_a_feed_waits_in_amazons_queue_for_its_processing_time(api: Any) -> None:
    clock = api.sims.sandbox.clock
    api.sims.sandbox.amazon.feeds.processing_seconds = 600
    order = api.model.create_order(status="Unshipped")
    created = api.post(f"{FEEDS}/documents", {"contentType": "text/xml; charset=UTF-8"}).json()
    document = acknowledgement((order.amazon_order_id, "Failure", "NoInventory"))
    requests.put(created["url"], data=document, headers={"Content-Type": "text/xml; charset=UTF-8"}, timeout=5)
    body = {"feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA", "marketplaceIds": [US]}
    feed_id = api.post(f"{FEEDS}/feeds", {**body, "inputFeedDocumentId": created["feedDocumentId"]}).json()["feedId"]
    clock.advance(599)
    queued = api.get(f"{FEEDS}/feeds/{feed_id}").json()
    assert queued["processingStatus"] == "IN_QUEUE" and "resultFeedDocumentId" not in queued
    assert api.get(f"/orders/v0/orders/{order.amazon_order_id}").json()["payload"]["OrderStatus"] == "Unshipped"
    clock.advance(1)
    assert api.get(f"/orders/v0/orders/{order.amazon_order_id}").json()["payload"]["OrderStatus"] == "Canceled"
    done = api.get(f"{FEEDS}/feeds/{feed_id}").json()
    assert done["processingStatus"] == "DONE" and done["processingEndTime"] == "2026-01-05T09:10:00Z"


def test_an_upload_without_the_documents_content_type_is_refused(api: Any) -> None:
    """The presigned URL's signature covers the Content-Type given when the document was created: S3 refuses
    an upload without it, or with another one, and keeps nothing."""
    slot = api.post(f"{FEEDS}/documents", {"contentType": "text/xml; charset=UTF-8"}).json()
    document = acknowledgement(("111-0000000-0000000", "Failure", "NoInventory"))
    for headers in ({}, {"Content-Type": "text/xml"}, {"Content-Type": "application/xml; charset=UTF-8"}):
        refused = requests.put(slot["url"], data=document, headers=headers, timeout=5)
        assert refused.status_code == 403, headers
        assert refused.json()["errors"][0]["code"] == "SignatureDoesNotMatch"
    assert api.model.feeds.document(slot["feedDocumentId"]).content is None
    same = requests.put(slot["url"], data=document, headers={"Content-Type": "text/xml; charset=UTF-8"}, timeout=5)
    assert same.status_code == 200
    assert api.model.feeds.document(slot["feedDocumentId"]).content == document
