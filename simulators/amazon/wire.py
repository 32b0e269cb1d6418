"""The fake Amazon's HTTP surface: LWA, Tokens 2021-03-01, Orders v0 and 2026-01-01, Feeds 2021-06-30,
control plane.

LWA gives an access token only to a registered app (client id and secret; 401 ``invalid_client``)
for a refresh token a seller issued to it and did not revoke (400 ``invalid_grant``); see
:mod:`simulators.amazon.auth`. Every API call needs a live ``x-amz-access-token`` (403 Unauthorized
otherwise): a seller's access token, or a Restricted Data Token for a restricted resource it names.
The token's seller is the only one whose orders and feeds the call sees. Then the call passes the
operation's token bucket when throttling is on (429 QuotaExceeded), then runs. Orders v0 leaves out
``BuyerInfo`` and the restricted ShippingAddress fields unless the call's RDT grants ``buyerInfo`` /
``shippingAddress`` (getOrderBuyerInfo and getOrderAddress: unless an RDT names them); Orders
2026-01-01 needs no RDT (Amazon gives its PII by role). Errors use SP-API's
``{"errors": [{"code", "message", "details"}]}`` envelope; every answer carries ``x-amzn-RequestId``
and, for an operation with a usage plan, ``x-amzn-RateLimit-Limit``. Unknown query parameters and
body keys are ignored. The control routes are :mod:`simulators.amazon.control`'s.
"""

from __future__ import annotations

import uuid
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from simulators.amazon.auth import TOKEN_LIFETIME, Grant, parse_resources
from simulators.amazon.control import CONTROL_ROUTES
from simulators.amazon.errors import AmazonError, invalid_input
from simulators.amazon.feeds import MAX_DOCUMENT_BYTES
from simulators.amazon.model import (
    ADDRESS_STATUSES,
    MARKETPLACES,
    RESTRICTED_ADDRESS_FIELDS,
    SHIPMENT_STATUSES,
    Order,
    iso_z,
    restrict_v0,
)
from simulators.amazon.orders_2026 import order_2026
from simulators.amazon.query import (
    decode_token,
    encode_token,
    included_data,
    list_param,
    orders_from_token,
    orders_token,
    parse_2026,
    parse_v0,
)
from simulators.clock import parse_iso
from simulators.sandbox import Sandbox
from simulators.wsgi import PATH_KEY, Call, ServiceApp, external_base, json_response, read_json

_UNAUTHENTICATED = frozenset({"lwaToken", "uploadDocument", "downloadDocument"})
GRANT_KEY = "asc.amazon.grant"


class AmazonApp(ServiceApp):
    """WSGI app of the fake Selling Partner API."""

    service = "amazon"
    url_map = Map(
        [
            Rule("/auth/o2/token", endpoint="lwaToken", methods=["POST"]),
            Rule("/orders/v0/orders", endpoint="getOrders", methods=["GET"]),
            Rule("/orders/v0/orders/<order_id>", endpoint="getOrder", methods=["GET"]),
            Rule("/orders/v0/orders/<order_id>/orderItems", endpoint="getOrderItems", methods=["GET"]),
            Rule(
                "/orders/v0/orders/<order_id>/orderItems/buyerInfo", endpoint="getOrderItemsBuyerInfo", methods=["GET"]
            ),
            Rule("/orders/v0/orders/<order_id>/buyerInfo", endpoint="getOrderBuyerInfo", methods=["GET"]),
            Rule("/orders/v0/orders/<order_id>/address", endpoint="getOrderAddress", methods=["GET"]),
            Rule("/orders/v0/orders/<order_id>/shipmentConfirmation", endpoint="confirmShipment", methods=["POST"]),
            Rule("/orders/v0/orders/<order_id>/shipment", endpoint="updateShipmentStatus", methods=["POST"]),
            Rule("/orders/2026-01-01/orders", endpoint="searchOrders", methods=["GET"]),
            Rule("/tokens/2021-03-01/restrictedDataToken", endpoint="createRestrictedDataToken", methods=["POST"]),
            Rule("/orders/2026-01-01/orders/<order_id>", endpoint="getOrder2026", methods=["GET"]),
            Rule("/feeds/2021-06-30/documents", endpoint="createFeedDocument", methods=["POST"]),
            Rule("/feeds/2021-06-30/documents/<document_id>", endpoint="getFeedDocument", methods=["GET"]),
            Rule("/feeds/2021-06-30/feeds", endpoint="createFeed", methods=["POST"]),
            Rule("/feeds/2021-06-30/feeds/<feed_id>", endpoint="getFeed", methods=["GET"]),
            Rule("/_documents/<document_id>", endpoint="uploadDocument", methods=["PUT"]),
            Rule("/_documents/<document_id>", endpoint="downloadDocument", methods=["GET"]),
        ],
        strict_slashes=False,
    )
    control = CONTROL_ROUTES

    def error_response(self, status: int, message: str) -> Response:
        code = {
            400: "InvalidInput",
            403: "Unauthorized",
            404: "NotFound",
            413: "RequestEntityTooLarge",
            429: "QuotaExceeded",
        }.get(status, "InternalFailure")
        return json_response(AmazonError(status, code, message).envelope(), status, _request_id())

    def call(self, sandbox: Sandbox, request: Request, operation: str) -> Call:
        call = super().call(sandbox, request, operation)
        call.model.feeds.process_due()  # Amazon processes feeds whether anyone asks or not
        if operation != "lwaToken":  # LWA is another service: no SP-API headers
            call.headers = _request_id()
            limit = call.model.rate_limits.limit_header(operation)
            if limit is not None:
                call.headers["x-amzn-RateLimit-Limit"] = limit
        return call

    def admit(self, call: Call, operation: str, args: dict[str, Any]) -> None:
        """A call needs a live token of a seller (or an RDT naming its resource), then passes its usage plan."""
        if operation in _UNAUTHENTICATED or operation == "lwaToken":
            return
        model, request = call.model, call.request
        grant = request.environ[GRANT_KEY] = _authorised(model.auth.authenticate, request)
        if not model.rate_limits.allow(operation, grant.seller_id or ""):
            raise AmazonError(429, "QuotaExceeded", "You exceeded your quota for the requested resource.")

    # -- LWA ------------------------------------------------------------------------------------------
    def op_lwaToken(self, call: Call) -> Response:
        form = call.request.form if call.request.form else MultiDict(_json_form(call.request))
        grant = form.get("grant_type")
        if grant not in {"refresh_token", "client_credentials"}:
            body = {"error": "unsupported_grant_type", "error_description": "The grant type is not supported"}
            return json_response(body, 400)
        missing = [k for k in ("client_id", "client_secret") if not form.get(k)]
        if grant == "refresh_token" and not form.get("refresh_token"):
            missing.append("refresh_token")
        if grant == "client_credentials" and not form.get("scope"):
            body = {"error": "invalid_scope", "error_description": "The client_credentials grant needs a scope"}
            return json_response(body, 400)
        if missing:
            body = {
                "error": "invalid_request",
                "error_description": f"Missing required parameter(s): {', '.join(missing)}",
            }
            return json_response(body, 400)
        auth = call.model.auth
        if grant == "refresh_token":
            token, _ = auth.exchange(form["client_id"], form["client_secret"], form["refresh_token"])
        else:
            token, _ = auth.grantless(form["client_id"], form["client_secret"], form["scope"])
        body = {"access_token": token, "token_type": "bearer", "expires_in": TOKEN_LIFETIME}
        if grant == "refresh_token":
            body["refresh_token"] = form["refresh_token"]
        return json_response(body)

    # -- Orders v0 ------------------------------------------------------------------------------------
    def op_getOrders(self, call: Call) -> Response:
        model = call.model
        args = call.request.args
        now = call.sandbox.clock.now()
        token = args.get("NextToken")
        seller = _seller(call.request)
        if token:
            if not list_param(args, "MarketplaceIds"):
                raise invalid_input("MarketplaceIds is required", "At least one marketplace ID must be provided")
            query, after = orders_from_token(model.token_key, token, "NextToken")
        else:
            query, after = parse_v0(args, now), None
        page, more = query.run(model, after, seller)
        orders = [o.as_wire() for o in page]
        if after is None:
            orders += model.take_stale(query.marketplace_ids, seller)
        elements = _elements(call.request)
        payload: dict[str, Any] = {"Orders": [restrict_v0(o, elements) for o in orders]}
        if more:
            payload["NextToken"] = orders_token(model.token_key, query, page[-1])
        if query.created_after is not None:
            payload["CreatedBefore"] = query.created_before
        else:
            payload["LastUpdatedBefore"] = query.updated_before or iso_z(now)
        return json_response({"payload": payload})

    def op_getOrder(self, call: Call, order_id: str) -> Response:
        order = call.model.get(order_id, _seller(call.request))
        return json_response({"payload": restrict_v0(order.as_wire(), _elements(call.request))})

    def op_getOrderItems(self, call: Call, order_id: str) -> Response:
        model = call.model
        offset = 0
        token = call.request.args.get("NextToken")
        if token:
            data = _decode_items_token(model.token_key, token)
            if data.get("o") != order_id:
                raise invalid_input("Invalid NextToken", "The NextToken belongs to another order")
            offset = int(data.get("i", 0))
        order, page, following = model.order_items_page(order_id, offset, _seller(call.request))
        payload: dict[str, Any] = {
            "AmazonOrderId": order_id,
            "OrderItems": [i.as_wire(order.currency, with_pricing=order.pricing_visible) for i in page],
        }
        if following is not None:
            payload["NextToken"] = encode_token(model.token_key, {"o": order_id, "i": following})
        return json_response({"payload": payload})

    def op_getOrderItemsBuyerInfo(self, call: Call, order_id: str) -> Response:
        order = call.model.get(order_id, _seller(call.request))
        items = [{"OrderItemId": line.order_item_id} for line in order.items]
        return json_response({"payload": {"AmazonOrderId": order_id, "OrderItems": items}})

    def op_getOrderBuyerInfo(self, call: Call, order_id: str) -> Response:
        order = call.model.get(order_id, _seller(call.request))
        payload: dict[str, Any] = {"AmazonOrderId": order_id}
        if _has_rdt(call.request):  # restricted data: only with an RDT for this resource
            payload.update(BuyerEmail=order.buyer_email, BuyerName=order.buyer_name)
        return json_response({"payload": payload})

    def op_getOrderAddress(self, call: Call, order_id: str) -> Response:
        order = call.model.get(order_id, _seller(call.request))
        payload: dict[str, Any] = {"AmazonOrderId": order_id}
        if order.status in ADDRESS_STATUSES:
            address = dict(order.address)
            if not _has_rdt(call.request):
                address = {k: v for k, v in address.items() if k not in RESTRICTED_ADDRESS_FIELDS}
            payload["ShippingAddress"] = address
        return json_response({"payload": payload})

    def op_confirmShipment(self, call: Call, order_id: str) -> Response:
        body = _json_object(call.request)
        marketplace = _string(body, "marketplaceId")
        package = body.get("packageDetail")
        if not isinstance(package, dict):
            raise invalid_input("Invalid request body", "packageDetail is required and must be an object")
        reference = _string(package, "packageReferenceId", "packageDetail.")
        if not reference.isdigit() or int(reference) < 1:
            raise invalid_input("Invalid packageReferenceId", "Only positive numeric values are supported")
        for key in ("carrierCode", "trackingNumber", "shipDate"):
            _string(package, key, "packageDetail.")
        for key in ("carrierName", "shippingMethod", "shipFromSupplySourceId"):
            if key in package and not isinstance(package[key], str):
                raise invalid_input("Invalid request body", f"packageDetail.{key} must be a string")
        if "codCollectionMethod" in body and body["codCollectionMethod"] != "DirectPayment":
            raise invalid_input("Invalid request body", "codCollectionMethod must be DirectPayment")
        try:
            ship_date = parse_iso(package["shipDate"])
        except (ValueError, OverflowError) as err:
            raise invalid_input("Invalid request body", "packageDetail.shipDate must be an ISO 8601 date-time") from err
        items = _item_quantities(package.get("orderItems"), "packageDetail.orderItems", quantity_required=True)
        _known_marketplace(marketplace)
        package = {**package, "shipDate": ship_date, "orderItems": items}
        call.model.confirm_shipment(order_id, marketplace, package, _seller(call.request))
        return Response(status=204)

    def op_updateShipmentStatus(self, call: Call, order_id: str) -> Response:
        body = _json_object(call.request)
        marketplace = _string(body, "marketplaceId")
        status = _string(body, "shipmentStatus")
        if status not in SHIPMENT_STATUSES:
            raise invalid_input("Invalid shipmentStatus", f"Possible values: {', '.join(sorted(SHIPMENT_STATUSES))}")
        items = None
        if "orderItems" in body:
            items = _item_quantities(body["orderItems"], "orderItems", quantity_required=False)
        _known_marketplace(marketplace)
        call.model.update_shipment_status(order_id, marketplace, status, items, _seller(call.request))
        return Response(status=204)

    # -- Orders 2026-01-01 --------------------------------------------------------------------------
    def op_searchOrders(self, call: Call) -> Response:
        model = call.model
        now = call.sandbox.clock.now()
        token = call.request.args.get("paginationToken")
        if token:
            query, after = orders_from_token(model.token_key, token, "paginationToken")
        else:
            query, after = parse_2026(call.request.args, now), None
        page, more = query.run(model, after, _seller(call.request))
        body: dict[str, Any] = {"orders": [order_2026(o, query.included) for o in page]}
        if more:
            body["pagination"] = {"nextToken": orders_token(model.token_key, query, page[-1])}
        if query.created_after is not None:
            body["createdBefore"] = query.created_before
        else:
            body["lastUpdatedBefore"] = query.updated_before or iso_z(now)
        return json_response(body)

    def op_getOrder2026(self, call: Call, order_id: str) -> Response:
        included = included_data(call.request.args)
        return json_response({"order": order_2026(call.model.get(order_id, _seller(call.request)), included)})

    # -- Tokens 2021-03-01 --------------------------------------------------------------------------
    def op_createRestrictedDataToken(self, call: Call) -> Response:
        grant = _grant(call.request)
        if grant.restricted:
            raise AmazonError(403, "Unauthorized", "Access to requested resource is denied.", "Use an access token")
        body = _json_object(call.request)
        if "targetApplication" in body and not isinstance(body["targetApplication"], str):
            raise invalid_input("Invalid request body", "targetApplication must be a string")
        try:
            resources = parse_resources(body.get("restrictedResources"))
        except ValueError as err:
            raise AmazonError(400, "InvalidInput", "Request is missing or has invalid parameters", str(err)) from err
        token, rdt = call.model.auth.restricted_data_token(grant, resources)
        return json_response({"restrictedDataToken": token, "expiresIn": rdt.lifetime})

    # -- Feeds 2021-06-30 ---------------------------------------------------------------------------
    def op_createFeedDocument(self, call: Call) -> Response:
        body = _json_object(call.request)
        content_type = _string(body, "contentType")
        document = call.model.feeds.create_document(content_type)
        return json_response(
            {"feedDocumentId": document.document_id, "url": self._document_url(call, document.document_id)},
            201,
        )

    def _document_url(self, call: Call, document_id: str) -> str:
        feeds = call.model.feeds
        signature = feeds.signature(feeds.document(document_id))
        return f"{external_base(call.request.environ)}/_documents/{document_id}?X-Amz-Signature={signature}"

    def op_uploadDocument(self, call: Call, document_id: str) -> Response:
        if (call.request.content_length or 0) > MAX_DOCUMENT_BYTES:
            raise AmazonError(413, "RequestEntityTooLarge", "The document is larger than 10 MB")
        call.model.feeds.upload(
            document_id,
            call.request.args.get("X-Amz-Signature", ""),
            call.request.get_data(),
            call.request.headers.get("Content-Type"),
        )
        return Response(status=200)

    def op_downloadDocument(self, call: Call, document_id: str) -> Response:
        document = call.model.feeds.download(document_id, call.request.args.get("X-Amz-Signature", ""))
        return Response(document.content or b"", status=200, content_type=document.content_type)

    def op_createFeed(self, call: Call) -> Response:
        body = _json_object(call.request)
        feed_type = _string(body, "feedType")
        document_id = _string(body, "inputFeedDocumentId")
        markets = body.get("marketplaceIds")
        if not isinstance(markets, list) or not markets or not all(isinstance(m, str) for m in markets):
            raise invalid_input("Invalid request body", "marketplaceIds must be a non-empty array of strings")
        feed = call.model.feeds.create_feed(feed_type, markets, document_id, _seller(call.request))
        return json_response({"feedId": feed.feed_id}, 202)

    def op_getFeed(self, call: Call, feed_id: str) -> Response:
        return json_response(call.model.feeds.feed(feed_id, _seller(call.request)).as_wire())

    def op_getFeedDocument(self, call: Call, document_id: str) -> Response:
        document = call.model.feeds.document(document_id)
        url = self._document_url(call, document.document_id)
        return json_response({"feedDocumentId": document.document_id, "url": url})


# -- request parsing and views ----------------------------------------------------------------------
def _authorised(authenticate: Any, request: Request) -> Grant:
    """The grant of the call's token; 403 unless it is a seller's live access token, or a live RDT that
    names this call's resource."""
    grant = authenticate(request.headers.get("x-amz-access-token"))
    path = str(request.environ.get(PATH_KEY, request.path)).rstrip("/") or "/"
    uncovered = grant is not None and grant.restricted and grant.elements_for(request.method, path) is None
    if grant is None or grant.seller_id is None or uncovered:
        detail = "The access token is invalid or expired." if grant is None else "The token does not grant this call."
        raise AmazonError(403, "Unauthorized", "Access to requested resource is denied.", detail)
    return grant


def _grant(request: Request) -> Grant:
    return request.environ[GRANT_KEY]


def _seller(request: Request) -> str | None:
    return _grant(request).seller_id


def _elements(request: Request) -> frozenset[str]:
    """The data elements the call's RDT grants for its resource (none for a plain access token)."""
    grant = _grant(request)
    if not grant.restricted:
        return frozenset()
    path = str(request.environ.get(PATH_KEY, request.path)).rstrip("/")
    return grant.elements_for(request.method, path) or frozenset()


def _has_rdt(request: Request) -> bool:
    """Whether the call came with an RDT (which, once authorised, names the call's resource)."""
    return _grant(request).restricted


def _request_id() -> dict[str, str]:
    return {"x-amzn-RequestId": str(uuid.uuid4())}


def _json_form(request: Request) -> dict[str, str]:
    try:
        data = read_json(request)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _json_object(request: Request) -> dict[str, Any]:
    try:
        data = read_json(request)
    except (ValueError, UnicodeDecodeError, RecursionError) as err:
        raise invalid_input("Invalid request body", "The body is not valid JSON") from err
    if not isinstance(data, dict):
        raise invalid_input("Invalid request body", "The body must be a JSON object")
    return data


def _string(body: dict[str, Any], key: str, where: str = "") -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise invalid_input("Invalid request body", f"{where}{key} is required and must be a non-empty string")
    return value


def _known_marketplace(marketplace: str) -> None:
    if marketplace not in MARKETPLACES:
        raise invalid_input("Invalid marketplaceId", f"Marketplace ID {marketplace} is not defined")


def _item_quantities(value: Any, where: str, *, quantity_required: bool) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        raise invalid_input("Invalid request body", f"{where} must be a non-empty array")
    out = []
    for index, entry in enumerate(value):
        if not isinstance(entry, dict) or not isinstance(entry.get("orderItemId"), str):
            raise invalid_input("Invalid request body", f"{where}[{index}].orderItemId is required (a string)")
        quantity = entry.get("quantity")
        if quantity is None and not quantity_required:
            out.append({"orderItemId": entry["orderItemId"]})
            continue
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise invalid_input("Invalid request body", f"{where}[{index}].quantity must be a positive integer")
        out.append({"orderItemId": entry["orderItemId"], "quantity": quantity})
    return out


def _decode_items_token(secret: bytes, token: str) -> dict[str, Any]:
    data = decode_token(secret, token)
    if not isinstance(data.get("o"), str) or not isinstance(data.get("i"), int):
        raise invalid_input("Invalid NextToken")
    return data


__all__ = ["AmazonApp", "Order"]
