"""Seller cancellation on Amazon: an order acknowledgement feed with StatusCode Failure (Feeds 2021-06-30)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import requests

from reference_impl.amazon_api import TIMEOUT, AmazonClient
from reference_impl.http_errors import RemoteError


class CancellationRefused(RemoteError):
    """Amazon processed the cancellation and said no (or could not process it at all): sending it again is
    pointless."""


def refused(err: RemoteError) -> bool:
    """Whether Amazon said no to the cancellation itself (sending it again would get the same answer): a
    processing-report error or a FATAL feed, or a feed request Amazon rejects as invalid."""
    feed_call = err.operation in ("createFeedDocument", "createFeed") and err.status in (400, 404)
    return isinstance(err, CancellationRefused) or feed_call


FEED_TYPE = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
CONTENT_TYPE = "text/xml; charset=UTF-8"
FEEDS = "/feeds/2021-06-30"


def acknowledgement_xml(seller_id: str, amazon_order_id: str, reason: str) -> str:
    """The feed document that cancels one whole order."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">'
        f"<Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>{escape(seller_id or 'SELLER')}"
        "</MerchantIdentifier></Header>"
        "<MessageType>OrderAcknowledgement</MessageType>"
        "<Message><MessageID>1</MessageID><OrderAcknowledgement>"
        f"<AmazonOrderID>{escape(amazon_order_id)}</AmazonOrderID>"
        f"<StatusCode>Failure</StatusCode><CancelReason>{escape(reason)}</CancelReason>"
        "</OrderAcknowledgement></Message></AmazonEnvelope>"
    )


def cancel_on_amazon(
    client: AmazonClient,
    amazon_order_id: str,
    reason: str,
    *,
    feed_id: str | None = None,
    remember: Callable[[str], None] | None = None,
) -> None:
    """Send the cancellation and read the processing report; raises CancellationRefused when Amazon refuses it.

    ``feed_id``: a feed sent before for it (still being processed): it is waited for, not sent again.
    ``remember`` is given the new feed's ID as soon as Amazon accepts the feed.
    """
    if feed_id is None:
        feed_id = _send_feed(client, amazon_order_id, reason)
        if remember is not None:
            remember(feed_id)
    _wait_for(client, feed_id)


def _send_feed(client: AmazonClient, amazon_order_id: str, reason: str) -> str:
    store = client.store
    document = client._call("createFeedDocument", "POST", f"{FEEDS}/documents", json={"contentType": CONTENT_TYPE})
    _upload(client.session, str(document["url"]), acknowledgement_xml(store.seller_id, amazon_order_id, reason))
    feed = client._call(
        "createFeed",
        "POST",
        f"{FEEDS}/feeds",
        json={
            "feedType": FEED_TYPE,
            "marketplaceIds": [store.marketplace_id],
            "inputFeedDocumentId": document["feedDocumentId"],
        },
    )
    return str(feed["feedId"])


def _wait_for(client: AmazonClient, feed_id: str) -> None:
    """Read the feed's outcome once. Amazon takes minutes to process a feed: a feed still queued raises a
    retryable error, and the next sync reads it again (no attempt sleeps through Amazon's queue, holding the
    store's lock)."""
    status = client._call("getFeed", "GET", f"{FEEDS}/feeds/{feed_id}")
    if status.get("processingStatus") in ("FATAL", "CANCELLED"):
        raise CancellationRefused("getFeed", f"the cancellation feed ended {status.get('processingStatus')}")
    if status.get("processingStatus") != "DONE":  # still in Amazon's queue: it may yet land
        raise RemoteError("getFeed", f"the cancellation feed is still {status.get('processingStatus')}", retryable=True)
    result = client._call("getFeedDocument", "GET", f"{FEEDS}/documents/{status['resultFeedDocumentId']}")
    errors = _report_errors(_download(client.session, str(result["url"])))
    if errors:
        raise CancellationRefused("createFeed", "Amazon refused the cancellation: " + "; ".join(errors))


def _upload(session: requests.Session, url: str, body: str) -> None:
    try:
        response = session.put(url, data=body.encode(), headers={"Content-Type": CONTENT_TYPE}, timeout=TIMEOUT)
    except requests.RequestException as err:
        raise RemoteError("uploadFeedDocument", f"transport failure: {err}", retryable=True) from err
    if response.status_code >= 300:
        raise RemoteError(
            "uploadFeedDocument",
            f"HTTP {response.status_code}",
            status=response.status_code,
            retryable=response.status_code >= 500,
        )


def _download(session: requests.Session, url: str) -> str:
    try:
        response = session.get(url, timeout=TIMEOUT)
    except requests.RequestException as err:
        raise RemoteError("downloadFeedDocument", f"transport failure: {err}", retryable=True) from err
    if response.status_code >= 300:
        raise RemoteError(
            "downloadFeedDocument",
            f"HTTP {response.status_code}",
            status=response.status_code,
            retryable=response.status_code >= 500,
        )
    return response.text


def _report_errors(report: str) -> list[str]:
    """ResultDescription of every Error in a processing report."""
    try:
        root = ElementTree.fromstring(report)
    except ElementTree.ParseError as err:
        raise RemoteError("downloadFeedDocument", "the processing report is not XML") from err
    errors: list[str] = []
    for result in root.iter():
        if result.tag.rsplit("}", 1)[-1] != "Result":
            continue
        fields: dict[str, Any] = {c.tag.rsplit("}", 1)[-1]: (c.text or "").strip() for c in result}
        if fields.get("ResultCode") == "Error":
            errors.append(fields.get("ResultDescription") or "error")
    return errors


def record_cancellation(storage: Any, magento: Any, store: str, amazon_order_id: str, reason: str, stamp: str) -> None:
    """After Amazon accepted a cancellation from Magento: the row becomes Canceled and the Magento order,
    if any, gets the status Complete (CAN-01, CAN-02). A Magento order found only later (its create got no
    answer) is completed by the sync that finds it."""
    row = storage.order(store, amazon_order_id)
    if row is None:
        return
    done = {"canceled_from_magento": True, "cancel_reason": reason}
    if row.magento_entity_id is not None:
        complete_canceled(magento, row.magento_entity_id, reason)
        done["magento_completed"] = True
    with storage.transaction():
        storage.set_canceled(row, {**row.data, **done})
        storage.add_note(store, amazon_order_id, stamp, f"Canceled from Magento: {reason}.")


def complete_canceled(magento: Any, entity_id: int, reason: str) -> None:
    """Give the Magento order of an order canceled from Magento the status Complete with a comment, once."""
    comment = f"Canceled on Amazon from Magento: {reason}."
    if _commented(magento, entity_id, comment):
        return
    magento.comment(entity_id, comment, status="complete")


def _commented(magento: Any, entity_id: int, comment: str) -> bool:
    """Whether the Magento order has the comment already (an earlier attempt posted it, with the status, and
    then stopped). A status the merchant set since is theirs: the comment alone says the work was done."""
    order = magento.order(entity_id)
    return any(h.get("comment") == comment for h in order.get("status_histories") or [])
