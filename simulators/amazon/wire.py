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
body keys are ignored.

Control routes (under ``/_sim``, besides the common clock/journal/faults/reset routes):
``POST /orders`` (create; explicit fields override generated ones), ``GET /orders?amazon_order_id=``,
``POST /orders/status {"amazon_order_id", "status"}``, ``POST /orders/cancel {"amazon_order_id",
"reason"}``, ``GET /orders/shipments?amazon_order_id=``, ``GET|POST /rate-limits {"enabled",
"operation", "rate", "burst"}``, ``POST /order-items/page-size {"size"}``, ``GET /sellers``,
``POST /sellers {"seller_id", "name", "marketplace_ids"}``, ``POST /apps {"client_id",
"client_secret"}``, ``POST /authorizations {"seller_id", "client_id", "refresh_token"?}`` (the
seller's consent: answers the refresh token) and ``POST /authorizations/revoke {"refresh_token"}``.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from werkzeug.datastructures import MultiDict
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from simulators.amazon.auth import TOKEN_LIFETIME, Grant, LwaError, parse_resources
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
from simulators.wsgi import PATH_KEY, ControlNotFound, ServiceApp, external_base, json_response, read_json

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
    control_routes: ClassVar[dict[tuple[str, str], str]] = {
        ("POST", "/orders"): "ctl_create_order",
        ("GET", "/orders"): "ctl_order",
        ("POST", "/orders/status"): "ctl_set_status",
        ("POST", "/orders/cancel"): "ctl_cancel",
        ("GET", "/orders/shipments"): "ctl_shipments",
        ("GET", "/rate-limits"): "ctl_rate_limits",
        ("POST", "/rate-limits"): "ctl_rate_limits",
        ("POST", "/order-items/page-size"): "ctl_items_page_size",
        ("GET", "/sellers"): "ctl_sellers",
        ("POST", "/sellers"): "ctl_add_seller",
        ("POST", "/apps"): "ctl_register_app",
        ("POST", "/authorizations"): "ctl_authorize",
        ("POST", "/authorizations/revoke"): "ctl_revoke",
    }

    def error_response(self, status: int, message: str) -> Response:
        code = {
            400: "InvalidInput",
            403: "Unauthorized",
            404: "NotFound",
            413: "RequestEntityTooLarge",
            429: "QuotaExceeded",
        }.get(status, "InternalFailure")
        return json_response(AmazonError(status, code, message).envelope(), status, _request_id())

    def handle(self, sandbox: Sandbox, operation: str, request: Request, args: dict[str, Any]) -> Response:
        model = sandbox.amazon
        model.feeds.process_due()  # Amazon processes feeds whether anyone asks or not
        headers = _request_id()
        limit = model.rate_limits.limit_header(operation)
        if limit is not None:
            headers["x-amzn-RateLimit-Limit"] = limit
        try:
            if operation == "lwaToken":
                return self._token(sandbox, request)
            if operation not in _UNAUTHENTICATED:
                grant = request.environ[GRANT_KEY] = _authorised(model.auth.authenticate, request)
                if not model.rate_limits.allow(operation, grant.seller_id or ""):
                    raise AmazonError(429, "QuotaExceeded", "You exceeded your quota for the requested resource.")
            response: Response = getattr(self, "op_" + operation)(sandbox, request, **args)
        except AmazonError as err:
            response = json_response(err.envelope(), err.status)
        for key, value in headers.items():
            response.headers.setdefault(key, value)
        return response

    # -- LWA ------------------------------------------------------------------------------------------
    def _token(self, sandbox: Sandbox, request: Request) -> Response:
        try:
            return self._lwa(sandbox, request)
        except LwaError as err:
            return json_response(err.body(), err.status)

    def _lwa(self, sandbox: Sandbox, request: Request) -> Response:
        form = request.form if request.form else MultiDict(_json_form(request))
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
        auth = sandbox.amazon.auth
        if grant == "refresh_token":
            token, _ = auth.exchange(form["client_id"], form["client_secret"], form["refresh_token"])
        else:
            token, _ = auth.grantless(form["client_id"], form["client_secret"], form["scope"])
        body = {"access_token": token, "token_type": "bearer", "expires_in": TOKEN_LIFETIME}
        if grant == "refresh_token":
            body["refresh_token"] = form["refresh_token"]
        return json_response(body)

    # -- Orders v0 ------------------------------------------------------------------------------------
    def op_getOrders(self, sandbox: Sandbox, request: Request) -> Response:
        model = sandbox.amazon
        args = request.args
        now = sandbox.clock.now()
        token = args.get("NextToken")
        seller = _seller(request)
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
        elements = _elements(request)
        payload: dict[str, Any] = {"Orders": [restrict_v0(o, elements) for o in orders]}
        if more:
            payload["NextToken"] = orders_token(model.token_key, query, page[-1])
        if query.created_after is not None:
            payload["CreatedBefore"] = query.created_before
        else:
            payload["LastUpdatedBefore"] = query.updated_before or iso_z(now)
        return json_response({"payload": payload})

    def op_getOrder(self, sandbox: Sandbox, request: Request, order_id: str) -> Response:
        order = sandbox.amazon.get(order_id, _seller(request))
        return json_response({"payload": restrict_v0(order.as_wire(), _elements(request))})

    def op_getOrderItems(self, sandbox: Sandbox, request: Request, order_id: str) -> Response:
        model = sandbox.amazon
        offset = 0
        token = request.args.get("NextToken")
        if token:
            data = _decode_items_token(model.token_key, token)
            if data.get("o") != order_id:
                raise invalid_input("Invalid NextToken", "The NextToken belongs to another order")
            offset = int(data.get("i", 0))
        order, page, following = model.order_items_page(order_id, offset, _seller(request))
        payload: dict[str, Any] = {
            "AmazonOrderId": order_id,
            "OrderItems": [i.as_wire(order.currency, with_pricing=order.pricing_visible) for i in page],
        }
        if following is not None:
            payload["NextToken"] = encode_token(model.token_key, {"o": order_id, "i": following})
        return json_response({"payload": payload})

    def op_getOrderItemsBuyerInfo(self, sandbox: Sandbox, request: Request, order_id: str) -> Response:
        order = sandbox.amazon.get(order_id, _seller(request))
        items = [{"OrderItemId": line.order_item_id} for line in order.items]
        return json_response({"payload": {"AmazonOrderId": order_id, "OrderItems": items}})

    def op_getOrderBuyerInfo(self, sandbox: Sandbox, request: Request, order_id: str) -> Response:
        order = sandbox.amazon.get(order_id, _seller(request))
        payload: dict[str, Any] = {"AmazonOrderId": order_id}
        if _has_rdt(request):  # restricted data: only with an RDT for this resource
            payload.update(BuyerEmail=order.buyer_email, BuyerName=order.buyer_name)
        return json_response({"payload": payload})

    def op_getOrderAddress(self, sandbox: Sandbox, request: Request, order_id: str) -> Response:
        order = sandbox.amazon.get(order_id, _seller(request))
        payload: dict[str, Any] = {"AmazonOrderId": order_id}
        if order.status in ADDRESS_STATUSES:
            address = dict(order.address)
            if not _has_rdt(request):
                address = {k: v for k, v in address.items() if k not in RESTRICTED_ADDRESS_FIELDS}
            payload["ShippingAddress"] = address
        return json_response({"payload": payload})

    def op_confirmShipment(self, sandbox: Sandbox, request: Request, order_id: str) -> Response:
        body = _json_object(request)
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
        sandbox.amazon.confirm_shipment(order_id, marketplace, package, _seller(request))
        return Response(status=204)

    def op_updateShipmentStatus(self, sandbox: Sandbox, request: Request, order_id: str) -> Response:
        body = _json_object(request)
        marketplace = _string(body, "marketplaceId")
        status = _string(body, "shipmentStatus")
        if status not in SHIPMENT_STATUSES:
            raise invalid_input("Invalid shipmentStatus", f"Possible values: {', '.join(sorted(SHIPMENT_STATUSES))}")
        items = None
        if "orderItems" in body:
            items = _item_quantities(body["orderItems"], "orderItems", quantity_required=False)
        _known_marketplace(marketplace)
        sandbox.amazon.update_shipment_status(order_id, marketplace, status, items, _seller(request))
        return Response(status=204)

    # -- Orders 2026-01-01 --------------------------------------------------------------------------
    def op_searchOrders(self, sandbox: Sandbox, request: Request) -> Response:
        model = sandbox.amazon
        now = sandbox.clock.now()
        token = request.args.get("paginationToken")
        if token:
            query, after = orders_from_token(model.token_key, token, "paginationToken")
        else:
            query, after = parse_2026(request.args, now), None
        page, more = query.run(model, after, _seller(request))
        body: dict[str, Any] = {"orders": [order_2026(o, query.included) for o in page]}
        if more:
            body["pagination"] = {"nextToken": orders_token(model.token_key, query, page[-1])}
        if query.created_after is not None:
            body["createdBefore"] = query.created_before
        else:
            body["lastUpdatedBefore"] = query.updated_before or iso_z(now)
        return json_response(body)

    def op_getOrder2026(self, sandbox: Sandbox, request: Request, order_id: str) -> Response:
        included = included_data(request.args)
        return json_response({"order": order_2026(sandbox.amazon.get(order_id, _seller(request)), included)})

    # -- Tokens 2021-03-01 --------------------------------------------------------------------------
    def op_createRestrictedDataToken(self, sandbox: Sandbox, request: Request) -> Response:
        grant = _grant(request)
        if grant.restricted:
            raise AmazonError(403, "Unauthorized", "Access to requested resource is denied.", "Use an access token")
        body = _json_object(request)
        if "targetApplication" in body and not isinstance(body["targetApplication"], str):
            raise invalid_input("Invalid request body", "targetApplication must be a string")
        try:
            resources = parse_resources(body.get("restrictedResources"))
        except ValueError as err:
            raise AmazonError(400, "InvalidInput", "Request is missing or has invalid parameters", str(err)) from err
        token, rdt = sandbox.amazon.auth.restricted_data_token(grant, resources)
        return json_response({"restrictedDataToken": token, "expiresIn": rdt.lifetime})

    # -- Feeds 2021-06-30 ---------------------------------------------------------------------------
    def op_createFeedDocument(self, sandbox: Sandbox, request: Request) -> Response:
        body = _json_object(request)
        content_type = _string(body, "contentType")
        document = sandbox.amazon.feeds.create_document(content_type)
        return json_response(
            {"feedDocumentId": document.document_id, "url": self._document_url(sandbox, request, document.document_id)},
            201,
        )

    def _document_url(self, sandbox: Sandbox, request: Request, document_id: str) -> str:
        feeds = sandbox.amazon.feeds
        signature = feeds.signature(feeds.document(document_id))
        return f"{external_base(request.environ)}/_documents/{document_id}?X-Amz-Signature={signature}"

    def op_uploadDocument(self, sandbox: Sandbox, request: Request, document_id: str) -> Response:
        if (request.content_length or 0) > MAX_DOCUMENT_BYTES:
            raise AmazonError(413, "RequestEntityTooLarge", "The document is larger than 10 MB")
        sandbox.amazon.feeds.upload(document_id, request.args.get("X-Amz-Signature", ""), request.get_data())
        return Response(status=200)

    def op_downloadDocument(self, sandbox: Sandbox, request: Request, document_id: str) -> Response:
        document = sandbox.amazon.feeds.download(document_id, request.args.get("X-Amz-Signature", ""))
        return Response(document.content or b"", status=200, content_type=document.content_type)

    def op_createFeed(self, sandbox: Sandbox, request: Request) -> Response:
        body = _json_object(request)
        feed_type = _string(body, "feedType")
        document_id = _string(body, "inputFeedDocumentId")
        markets = body.get("marketplaceIds")
        if not isinstance(markets, list) or not markets or not all(isinstance(m, str) for m in markets):
            raise invalid_input("Invalid request body", "marketplaceIds must be a non-empty array of strings")
        feed = sandbox.amazon.feeds.create_feed(feed_type, markets, document_id, _seller(request))
        return json_response({"feedId": feed.feed_id}, 202)

    def op_getFeed(self, sandbox: Sandbox, request: Request, feed_id: str) -> Response:
        return json_response(sandbox.amazon.feeds.feed(feed_id, _seller(request)).as_wire())

    def op_getFeedDocument(self, sandbox: Sandbox, request: Request, document_id: str) -> Response:
        document = sandbox.amazon.feeds.document(document_id)
        url = self._document_url(sandbox, request, document.document_id)
        return json_response({"feedDocumentId": document.document_id, "url": url})

    # -- control plane ------------------------------------------------------------------------------
    def ctl_create_order(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        allowed = {
            "items",
            "status",
            "marketplace_id",
            "fulfillment_channel",
            "purchase_date",
            "amazon_order_id",
            "buyer_name",
            "buyer_email",
            "seller_id",
            "address",
            "seller_order_id",
        }
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise ValueError(f"unknown order fields {unknown}; expected some of {sorted(allowed)}")
        fields = dict(body)
        if "purchase_date" in fields:
            fields["purchase_date"] = parse_iso(str(fields["purchase_date"]))
        order = sandbox.amazon.create_order(**fields)
        return _control_view(order)

    def ctl_order(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        order_id = request.args.get("amazon_order_id") or body.get("amazon_order_id")
        return _control_view(_control_order(sandbox, order_id))

    def ctl_set_status(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        order = _control_order(sandbox, body.get("amazon_order_id"))
        return _control_view(sandbox.amazon.set_status(order.amazon_order_id, str(body["status"])))

    def ctl_cancel(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        order = _control_order(sandbox, body.get("amazon_order_id"))
        reason = str(body.get("reason") or "BuyerCanceled")
        return _control_view(sandbox.amazon.cancel(order.amazon_order_id, reason))

    def ctl_shipments(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        order = _control_order(sandbox, request.args.get("amazon_order_id") or body.get("amazon_order_id"))
        return {"amazon_order_id": order.amazon_order_id, "shipments": [_shipment(s) for s in order.shipments]}

    def ctl_rate_limits(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        limiter = sandbox.amazon.rate_limits
        if request.method == "POST":
            if "operation" in body:
                limiter.set_plan(str(body["operation"]), float(body["rate"]), int(body["burst"]))
            if "enabled" in body:
                if not isinstance(body["enabled"], bool):
                    raise ValueError("enabled must be true or false")
                limiter.enable(body["enabled"])
        plans = {op: {"rate": rate, "burst": burst} for op, (rate, burst) in sorted(limiter.plans.items())}
        return {"enabled": limiter.enabled, "plans": plans}

    def ctl_sellers(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        model = sandbox.amazon
        return {"sellers": [_seller_view(model, seller_id) for seller_id in sorted(model.sellers)]}

    def ctl_add_seller(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        _only(body, {"seller_id", "name", "marketplace_ids"})
        name = body.get("name", "")
        if not isinstance(name, str):
            raise ValueError("name must be a string")
        markets = body.get("marketplace_ids", ["ATVPDKIKX0DER"])
        if not isinstance(markets, list) or not all(isinstance(m, str) for m in markets):
            raise ValueError("marketplace_ids must be an array of marketplace IDs")
        seller = sandbox.amazon.add_seller(body["seller_id"], name, markets)
        return _seller_view(sandbox.amazon, seller.seller_id)

    def ctl_register_app(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        _only(body, {"client_id", "client_secret"})
        sandbox.amazon.register_app(body["client_id"], body["client_secret"])
        return {"client_id": body["client_id"]}

    def ctl_authorize(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        _only(body, {"seller_id", "client_id", "refresh_token"})
        token = sandbox.amazon.authorize(body["seller_id"], body["client_id"], body.get("refresh_token"))
        return {"seller_id": body["seller_id"], "client_id": body["client_id"], "refresh_token": token}

    def ctl_revoke(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        _only(body, {"refresh_token"})
        try:
            sandbox.amazon.revoke(str(body["refresh_token"]))
        except KeyError as err:
            raise ControlNotFound("no such refresh token") from err
        return {"revoked": True}

    def ctl_items_page_size(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        size = int(body["size"])
        if size < 1:
            raise ValueError("size must be at least 1")
        sandbox.amazon.order_items_page_size = size
        return {"size": size}


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


def _only(body: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ValueError(f"unknown fields {unknown}; expected some of {sorted(allowed)}")


def _seller_view(model: Any, seller_id: str) -> dict[str, Any]:
    seller = model.sellers[seller_id]
    consents = model.auth.consents_of(seller_id)
    return {
        "seller_id": seller.seller_id,
        "name": seller.name,
        "marketplace_ids": list(seller.marketplace_ids),
        "authorizations": [
            {"client_id": c.client_id, "refresh_token": c.refresh_token, "revoked": c.revoked} for c in consents
        ],
    }


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


def _control_order(sandbox: Sandbox, amazon_order_id: Any) -> Order:
    if not amazon_order_id:
        raise ValueError("amazon_order_id is required")
    order = sandbox.amazon.orders.get(str(amazon_order_id))
    if order is None:
        raise ControlNotFound(f"no Amazon order {amazon_order_id}")
    return order


def _shipment(s: Any) -> dict[str, Any]:
    return {
        "package_reference_id": s.package_reference_id,
        "carrier_code": s.carrier_code,
        "carrier_name": s.carrier_name,
        "shipping_method": s.shipping_method,
        "tracking_number": s.tracking_number,
        "ship_date": iso_z(s.ship_date),
        "items": [{"order_item_id": item_id, "quantity": qty} for item_id, qty in s.items],
    }


def _control_view(order: Order) -> dict[str, Any]:
    return {
        "order": order.as_wire(),
        "items": [i.as_wire(order.currency) for i in order.items],
        "shipments": [_shipment(s) for s in order.shipments],
        "cancellation": None
        if order.cancellation is None
        else {
            "reason": order.cancellation.reason,
            "requested_by": order.cancellation.requested_by,
            "at": iso_z(order.cancellation.at),
        },
    }


__all__ = ["AmazonApp", "Order"]
