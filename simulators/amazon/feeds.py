"""Feeds 2021-06-30, as small as a seller cancellation needs: documents, feeds, order acknowledgements.

Flow: ``createFeedDocument`` gives a feedDocumentId and an upload URL (served by this simulator);
the client PUTs the document there; ``createFeed`` (feedType, marketplaceIds, inputFeedDocumentId)
queues it. Amazon takes a while to process a feed: ``FeedStore.processing_seconds`` of simulated time
(0 by default: processed at once). Until then ``getFeed`` answers ``IN_QUEUE`` and the orders are
unchanged; from then on it answers ``DONE`` (or ``FATAL`` when the document cannot be read) with a
``resultFeedDocumentId``: an XML processing report. Due feeds are processed before each request the
fake Amazon serves and before an order is read through the model.

Only ``POST_ORDER_ACKNOWLEDGEMENT_DATA`` is processed. XML elements read (namespaces ignored)::

    AmazonEnvelope
      MessageType                 must be OrderAcknowledgement
      Message*                    one per order
        MessageID                 echoed in the report
        OrderAcknowledgement
          AmazonOrderID           the order
          StatusCode              Success (acknowledged, nothing changes) or Failure (cancel the order)
          CancelReason            why (Amazon's list, e.g. NoInventory); also read from Item/CancelReason
          Item*/AmazonOrderItemCode   when given, must name every item of the order (no partial cancel)

A Failure cancels a Pending or Unshipped order (requested by MERCHANT). Any other status, an unknown
order, a missing or unknown CancelReason or a partial item list is reported as an error in the
processing report and changes nothing. Everything else in the document is ignored.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from simulators.amazon.errors import AmazonError, IllegalTransition, invalid_input, not_found
from simulators.amazon.terms import CANCEL_REASONS, MARKETPLACES, iso_z
from simulators.clock import SimClock
from simulators.fake_data import SeededFaker

ORDER_ACKNOWLEDGEMENT = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
SUPPORTED_FEED_TYPES = frozenset({ORDER_ACKNOWLEDGEMENT})
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


@dataclass
class FeedDocument:
    """A document slot: uploaded by the seller (input) or written by Amazon (processing report)."""

    document_id: str
    content_type: str
    secret: str
    content: bytes | None = None


@dataclass
class Feed:
    """A submitted feed and its outcome."""

    feed_id: str
    feed_type: str
    marketplace_ids: list[str]
    input_document_id: str
    created: datetime
    status: str = "IN_QUEUE"
    started: datetime | None = None
    ended: datetime | None = None
    result_document_id: str | None = None
    seller_id: str | None = None  # the seller whose token created it (None: any seller's orders, control plane)

    def as_wire(self) -> dict[str, object]:
        body: dict[str, object] = {
            "feedId": self.feed_id,
            "feedType": self.feed_type,
            "marketplaceIds": list(self.marketplace_ids),
            "createdTime": iso_z(self.created),
            "processingStatus": self.status,
        }
        if self.started is not None:
            body["processingStartTime"] = iso_z(self.started)
        if self.ended is not None:
            body["processingEndTime"] = iso_z(self.ended)
        if self.result_document_id is not None:
            body["resultFeedDocumentId"] = self.result_document_id
        return body


@dataclass
class _Result:
    message_id: str
    order_id: str
    error: str | None = None


@dataclass
class FeedStore:
    """Feed documents and feeds of one namespace, on its clock, drawing identifiers from its generator
    (``ids``); a processed acknowledgement reads ``orders`` and cancels through ``cancel(order_id, reason)``
    (the model's seller cancellation)."""

    clock: SimClock
    ids: SeededFaker
    orders: Mapping[str, Any]
    cancel: Callable[[str, str], Any]
    documents: dict[str, FeedDocument] = field(default_factory=dict)
    feeds: dict[str, Feed] = field(default_factory=dict)
    processing_seconds: float = 0.0  # simulated time between createFeed and the feed's processing

    def process_due(self) -> None:
        """Process every queued feed whose processing time has come (in the order they were created)."""
        now = self.clock.now()
        for feed in self.feeds.values():
            if feed.status == "IN_QUEUE" and (now - feed.created).total_seconds() >= self.processing_seconds:
                self._process(feed)

    def create_document(self, content_type: str) -> FeedDocument:
        faker = self.ids
        doc_id = f"amzn1.tortuga.4.na.{faker.uuid4()}.{faker.bothify('??????????????').upper()}"
        document = FeedDocument(doc_id, content_type, faker.sha256())
        self.documents[doc_id] = document
        return document

    def signature(self, document: FeedDocument) -> str:
        """The query signature of the document's presigned URL."""
        return hmac.new(document.secret.encode(), document.document_id.encode(), hashlib.sha256).hexdigest()[:32]

    def upload(self, document_id: str, signature: str, content: bytes, content_type: str | None) -> None:
        """The upload to a document's presigned URL. The URL's signature covers the ``Content-Type`` the
        document was created with, so an upload without it, or with another one, is refused as S3 refuses it."""
        document = self._document_for_url(document_id, signature)
        if (content_type or "").strip() != document.content_type:
            raise AmazonError(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided: the upload's "
                f"Content-Type must be the document's, {document.content_type!r}",
            )
        if len(content) > MAX_DOCUMENT_BYTES:
            raise AmazonError(413, "RequestEntityTooLarge", "The document is larger than 10 MB")
        document.content = content

    def download(self, document_id: str, signature: str) -> FeedDocument:
        document = self._document_for_url(document_id, signature)
        if document.content is None:
            raise not_found("The document has no content")
        return document

    def _document_for_url(self, document_id: str, signature: str) -> FeedDocument:
        document = self.documents.get(document_id)
        if document is None or not hmac.compare_digest(self.signature(document).encode(), (signature or "").encode()):
            raise AmazonError(403, "AccessDenied", "The request signature does not match")
        return document

    def document(self, document_id: str) -> FeedDocument:
        document = self.documents.get(document_id)
        if document is None:
            raise not_found(f"Feed document {document_id} not found")
        return document

    def feed(self, feed_id: str, seller_id: str | None = None) -> Feed:
        self.process_due()
        feed = self.feeds.get(feed_id)
        if feed is None or (seller_id is not None and feed.seller_id != seller_id):
            raise not_found(f"Feed {feed_id} not found")
        return feed

    def create_feed(
        self, feed_type: str, marketplace_ids: list[str], input_document_id: str, seller_id: str | None = None
    ) -> Feed:
        """Validate and queue a feed (processed at once when ``processing_seconds`` is 0)."""
        if feed_type not in SUPPORTED_FEED_TYPES:
            raise invalid_input(
                f"Invalid feedType: {feed_type}", f"The simulator processes only {sorted(SUPPORTED_FEED_TYPES)}"
            )
        if not marketplace_ids or any(m not in MARKETPLACES for m in marketplace_ids):
            raise invalid_input("Invalid marketplaceIds", f"Known marketplaces: {sorted(MARKETPLACES)}")
        if input_document_id not in self.documents:
            raise invalid_input("Invalid inputFeedDocumentId", f"No feed document {input_document_id}")
        now = self.clock.now().replace(microsecond=0)
        feed_id = self.ids.numerify("5%#########")
        while feed_id in self.feeds:
            feed_id = self.ids.numerify("5%#########")
        feed = Feed(feed_id, feed_type, list(marketplace_ids), input_document_id, now, seller_id=seller_id)
        self.feeds[feed_id] = feed
        self.process_due()
        return feed

    # -- processing --------------------------------------------------------------------------------
    def _process(self, feed: Feed) -> None:
        feed.started = feed.created
        feed.ended = feed.created + timedelta(seconds=self.processing_seconds)
        content = self.documents[feed.input_document_id].content
        try:
            if not content:
                raise ValueError("the input feed document was never uploaded or is empty")
            results = self._acknowledgements(content, feed)
        except ValueError as err:
            feed.status = "FATAL"
            report = _fatal_report(feed.feed_id, str(err))
        else:
            feed.status = "DONE"
            report = _processing_report(feed.feed_id, results)
        result = self.create_document("text/xml; charset=UTF-8")
        result.content = report.encode()
        feed.result_document_id = result.document_id

    def _acknowledgements(self, content: bytes, feed: Feed) -> list[_Result]:
        try:
            root = ElementTree.fromstring(content)
        except ElementTree.ParseError as err:
            raise ValueError(f"the feed is not well-formed XML: {err}") from err
        if _local(root.tag) != "AmazonEnvelope":
            raise ValueError(f"the root element must be AmazonEnvelope, not {_local(root.tag)}")
        message_type = _text(root, "MessageType")
        if message_type != "OrderAcknowledgement":
            raise ValueError(f"MessageType must be OrderAcknowledgement, not {message_type!r}")
        results = []
        for message in _children(root, "Message"):
            results.append(self._acknowledge(message, feed))
        if not results:
            raise ValueError("the envelope holds no Message")
        return results

    def _acknowledge(self, message: ElementTree.Element, feed: Feed) -> _Result:
        message_id = _text(message, "MessageID") or "?"
        ack = next(iter(_children(message, "OrderAcknowledgement")), None)
        if ack is None:
            return _Result(message_id, "", "The message has no OrderAcknowledgement")
        order_id = _text(ack, "AmazonOrderID")
        status_code = _text(ack, "StatusCode")
        order = self.orders.get(order_id)
        foreign = feed.seller_id is not None and order is not None and order.seller_id != feed.seller_id
        if order is None or foreign or order.marketplace_id not in feed.marketplace_ids:
            return _Result(message_id, order_id, f"AmazonOrderID {order_id!r} is not an order of this feed")
        if status_code == "Success":
            return _Result(message_id, order_id)
        if status_code != "Failure":
            return _Result(message_id, order_id, f"StatusCode must be Success or Failure, not {status_code!r}")
        items = list(_children(ack, "Item"))
        reasons = [_text(ack, "CancelReason")] + [_text(i, "CancelReason") for i in items]
        reason = next((r for r in reasons if r), "")
        if reason not in CANCEL_REASONS:
            return _Result(message_id, order_id, f"CancelReason {reason!r} is missing or not a valid value")
        named = {_text(i, "AmazonOrderItemCode") for i in items}
        if items and named != {line.order_item_id for line in order.items}:
            return _Result(message_id, order_id, "Item must list every item of the order (partial cancellation)")
        try:
            self.cancel(order_id, reason)
        except (IllegalTransition, ValueError, KeyError) as err:
            return _Result(message_id, order_id, str(err).strip("'\""))
        return _Result(message_id, order_id)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: ElementTree.Element, name: str) -> str:
    found = _children(element, name)
    return (found[0].text or "").strip() if found else ""


def _processing_report(feed_id: str, results: list[_Result]) -> str:
    errors = [r for r in results if r.error]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">',
        "<Header><DocumentVersion>1.02</DocumentVersion><MerchantIdentifier>SIMULATED</MerchantIdentifier></Header>",
        "<MessageType>ProcessingReport</MessageType>",
        "<Message><MessageID>1</MessageID><ProcessingReport>",
        f"<DocumentTransactionID>{escape(feed_id)}</DocumentTransactionID>",
        "<StatusCode>Complete</StatusCode>",
        "<ProcessingSummary>",
        f"<MessagesProcessed>{len(results)}</MessagesProcessed>",
        f"<MessagesSuccessful>{len(results) - len(errors)}</MessagesSuccessful>",
        f"<MessagesWithError>{len(errors)}</MessagesWithError>",
        "<MessagesWithWarning>0</MessagesWithWarning>",
        "</ProcessingSummary>",
    ]
    for result in errors:
        lines.append(
            f"<Result><MessageID>{escape(result.message_id)}</MessageID><ResultCode>Error</ResultCode>"
            f"<ResultMessageCode>18028</ResultMessageCode>"
            f"<ResultDescription>{escape(result.error or '')}</ResultDescription>"
            f"<AdditionalInfo><AmazonOrderID>{escape(result.order_id)}</AmazonOrderID></AdditionalInfo></Result>"
        )
    lines += ["</ProcessingReport></Message>", "</AmazonEnvelope>", ""]
    return "\n".join(lines)


def _fatal_report(feed_id: str, reason: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<AmazonEnvelope><MessageType>ProcessingReport</MessageType>'
        f"<Message><MessageID>1</MessageID><ProcessingReport><DocumentTransactionID>{escape(feed_id)}"
        "</DocumentTransactionID><StatusCode>Complete</StatusCode><Result><MessageID>0</MessageID>"
        f"<ResultCode>Error</ResultCode><ResultMessageCode>5001</ResultMessageCode><ResultDescription>"
        f"{escape(reason)}</ResultDescription></Result></ProcessingReport></Message></AmazonEnvelope>\n"
    )
