"""The fake Amazon's HTTP surface: LWA token route and Orders v0, shaped like SP-API."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from simulators.amazon.errors import AmazonError, invalid_input
from simulators.amazon.model import MARKETPLACES, STATUSES, Order
from simulators.clock import parse_iso
from simulators.sandbox import Sandbox
from simulators.wsgi import ServiceApp, json_response, read_json

TOKEN_LIFETIME = 3600
_DATE_PARAMS = ("CreatedAfter", "CreatedBefore", "LastUpdatedAfter", "LastUpdatedBefore")


def list_param(args: MultiDict[str, str], name: str) -> list[str]:
    """An array query parameter: repeated keys and comma-separated values both accepted."""
    return [part.strip() for value in args.getlist(name) for part in value.split(",") if part.strip()]


class AmazonApp(ServiceApp):
    """WSGI app of the fake Selling Partner API."""

    service = "amazon"
    url_map = Map(
        [
            Rule("/auth/o2/token", endpoint="lwaToken", methods=["POST"]),
            Rule("/orders/v0/orders", endpoint="getOrders", methods=["GET"]),
            Rule("/orders/v0/orders/<order_id>", endpoint="getOrder", methods=["GET"]),
            Rule("/orders/v0/orders/<order_id>/orderItems", endpoint="getOrderItems", methods=["GET"]),
            Rule("/orders/v0/orders/<order_id>/buyerInfo", endpoint="getOrderBuyerInfo", methods=["GET"]),
            Rule("/orders/v0/orders/<order_id>/address", endpoint="getOrderAddress", methods=["GET"]),
            Rule("/orders/v0/orders/<order_id>/shipmentConfirmation", endpoint="confirmShipment", methods=["POST"]),
        ],
        strict_slashes=False,
    )

    def error_response(self, status: int, message: str) -> Response:
        code = {400: "InvalidInput", 403: "Unauthorized", 404: "NotFound", 429: "QuotaExceeded"}.get(
            status, "InternalFailure"
        )
        return json_response(AmazonError(status, code, message).envelope(), status)

    def not_found(self) -> Response:
        return self.error_response(404, "Resource not found")

    def handle(self, sandbox: Sandbox, operation: str, request: Request, args: dict[str, Any]) -> Response:
        try:
            if operation == "lwaToken":
                return self._token(sandbox, request)
            token = request.headers.get("x-amz-access-token")
            if not sandbox.amazon.token_valid(token, TOKEN_LIFETIME):
                raise AmazonError(
                    403,
                    "Unauthorized",
                    "Access to requested resource is denied.",
                    "The access token is invalid or expired.",
                )
            return getattr(self, "op_" + operation)(sandbox, request, **args)
        except AmazonError as err:
            return json_response(err.envelope(), err.status)

    # -- LWA ------------------------------------------------------------------------------------------
    def _token(self, sandbox: Sandbox, request: Request) -> Response:
        form = request.form if request.form else MultiDict(_json_form(request))
        grant = form.get("grant_type")
        missing = [k for k in ("client_id", "client_secret") if not form.get(k)]
        if grant == "refresh_token" and not form.get("refresh_token"):
            missing.append("refresh_token")
        if grant not in {"refresh_token", "client_credentials"}:
            body = {"error": "unsupported_grant_type", "error_description": "The grant type is not supported"}
            return json_response(body, 400)
        if missing:
            body = {
                "error": "invalid_request",
                "error_description": f"Missing required parameter(s): {', '.join(missing)}",
            }
            return json_response(body, 400)
        token = sandbox.amazon.issue_token()
        body = {"access_token": token, "token_type": "bearer", "expires_in": TOKEN_LIFETIME}
        if grant == "refresh_token":
            body["refresh_token"] = form["refresh_token"]
        return json_response(body)

    # -- Orders v0 ------------------------------------------------------------------------------------
    def op_getOrders(self, sandbox: Sandbox, request: Request) -> Response:
        args = request.args
        now = sandbox.clock.now()
        next_token = args.get("NextToken")
        if next_token:
            query, after_key = _decode_token(next_token)
        else:
            query, after_key = _orders_query(args, now), None
        dates = {k: parse_iso(v) for k, v in query.items() if k in _DATE_PARAMS}
        found = sandbox.amazon.search(
            marketplace_ids=query["MarketplaceIds"],
            created_after=dates.get("CreatedAfter"),
            created_before=dates.get("CreatedBefore"),
            updated_after=dates.get("LastUpdatedAfter"),
            updated_before=dates.get("LastUpdatedBefore"),
            statuses=query.get("OrderStatuses"),
            channels=query.get("FulfillmentChannels"),
            order_ids=query.get("AmazonOrderIds"),
        )
        if after_key is not None:
            found = [o for o in found if (_iso_z(o.last_update_date), o.amazon_order_id) > after_key]
        size = int(query.get("MaxResultsPerPage", 100))
        page = found[:size]
        payload: dict[str, Any] = {"Orders": [o.as_wire() for o in page]}
        if len(found) > size:
            last = page[-1]
            payload["NextToken"] = _encode_token(query, (_iso_z(last.last_update_date), last.amazon_order_id))
        if "CreatedAfter" in query:
            payload["CreatedBefore"] = query.get("CreatedBefore", _iso_z(now))
        else:
            payload["LastUpdatedBefore"] = query.get("LastUpdatedBefore", _iso_z(now))
        return json_response({"payload": payload})

    def op_getOrder(self, sandbox: Sandbox, request: Request, order_id: str) -> Response:
        return json_response({"payload": sandbox.amazon.get(order_id).as_wire()})

    def op_getOrderItems(self, sandbox: Sandbox, request: Request, order_id: str) -> Response:
        order = sandbox.amazon.get(order_id)
        items = [i.as_wire(order.currency) for i in order.items]
        return json_response({"payload": {"AmazonOrderId": order_id, "OrderItems": items}})

    def op_getOrderBuyerInfo(self, sandbox: Sandbox, request: Request, order_id: str) -> Response:
        order = sandbox.amazon.get(order_id)
        payload = {"AmazonOrderId": order_id, "BuyerEmail": order.buyer_email, "BuyerName": order.buyer_name}
        return json_response({"payload": payload})

    def op_getOrderAddress(self, sandbox: Sandbox, request: Request, order_id: str) -> Response:
        order = sandbox.amazon.get(order_id)
        return json_response({"payload": {"AmazonOrderId": order_id, "ShippingAddress": dict(order.address)}})

    def op_confirmShipment(self, sandbox: Sandbox, request: Request, order_id: str) -> Response:
        body = _json_object(request)
        marketplace = body.get("marketplaceId")
        package = body.get("packageDetail")
        if not isinstance(marketplace, str) or not isinstance(package, dict):
            raise invalid_input("Invalid request body", "marketplaceId and packageDetail are required")
        for key in ("packageReferenceId", "carrierCode", "trackingNumber", "shipDate", "orderItems"):
            if key not in package:
                raise invalid_input("Invalid request body", f"packageDetail.{key} is required")
        if not isinstance(package["orderItems"], list) or not package["orderItems"]:
            raise invalid_input("Invalid request body", "packageDetail.orderItems must be a non-empty array")
        try:
            ship_date = parse_iso(str(package["shipDate"]))
        except ValueError as err:
            raise invalid_input("Invalid request body", "packageDetail.shipDate must be ISO 8601") from err
        sandbox.amazon.confirm_shipment(order_id, marketplace, {**package, "shipDate": ship_date})
        return Response(status=204)


def _json_form(request: Request) -> dict[str, str]:
    try:
        data = read_json(request)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _json_object(request: Request) -> dict[str, Any]:
    try:
        data = read_json(request)
    except ValueError as err:
        raise invalid_input("Invalid request body", "The body is not valid JSON") from err
    if not isinstance(data, dict):
        raise invalid_input("Invalid request body", "The body must be a JSON object")
    return data


def _iso_z(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _orders_query(args: MultiDict[str, str], now: datetime) -> dict[str, Any]:
    """Validate getOrders parameters the way SP-API does; returns the normalised query."""
    markets = list_param(args, "MarketplaceIds")
    if not markets:
        raise invalid_input("MarketplaceIds is required", "At least one MarketplaceId must be provided")
    unknown = [m for m in markets if m not in MARKETPLACES]
    if unknown:
        raise invalid_input(f"Invalid MarketplaceIds: {','.join(unknown)}")
    query: dict[str, Any] = {"MarketplaceIds": markets}
    order_ids = list_param(args, "AmazonOrderIds")
    if order_ids:
        if len(order_ids) > 50:
            raise invalid_input("AmazonOrderIds may hold at most 50 order IDs")
        query["AmazonOrderIds"] = order_ids
    for name in _DATE_PARAMS:
        if name in args:
            raw = args[name]
            try:
                value = parse_iso(raw)
            except ValueError as err:
                raise invalid_input(f"Invalid {name}: {raw!r} is not an ISO 8601 date") from err
            if value > now - timedelta(minutes=2) and name.endswith("Before"):
                raise invalid_input(f"{name} must be at least two minutes before the time of the request")
            if value > now:
                raise invalid_input(f"{name} cannot be in the future")
            query[name] = _iso_z(value)
    created = "CreatedAfter" in query or "CreatedBefore" in query
    updated = "LastUpdatedAfter" in query or "LastUpdatedBefore" in query
    if not order_ids:
        if created and updated:
            raise invalid_input("CreatedAfter/CreatedBefore cannot be combined with LastUpdatedAfter/LastUpdatedBefore")
        if "CreatedAfter" not in query and "LastUpdatedAfter" not in query:
            raise invalid_input("Either CreatedAfter or LastUpdatedAfter must be provided")
    for after, before in (("CreatedAfter", "CreatedBefore"), ("LastUpdatedAfter", "LastUpdatedBefore")):
        if before in query and after in query and parse_iso(query[before]) < parse_iso(query[after]):
            raise invalid_input(f"{before} must be equal to or after {after}")
    statuses = list_param(args, "OrderStatuses")
    bad = [s for s in statuses if s not in STATUSES]
    if bad:
        raise invalid_input(f"Invalid OrderStatuses: {','.join(bad)}")
    if statuses:
        query["OrderStatuses"] = statuses
    channels = list_param(args, "FulfillmentChannels")
    if any(c not in {"MFN", "AFN"} for c in channels):
        raise invalid_input("Invalid FulfillmentChannels: expected AFN or MFN")
    if channels:
        query["FulfillmentChannels"] = channels
    if "MaxResultsPerPage" in args:
        try:
            size = int(args["MaxResultsPerPage"])
        except ValueError as err:
            raise invalid_input("MaxResultsPerPage must be an integer between 1 and 100") from err
        if not 1 <= size <= 100:
            raise invalid_input("MaxResultsPerPage must be an integer between 1 and 100")
        query["MaxResultsPerPage"] = size
    return query


def _encode_token(query: dict[str, Any], after: tuple[str, str]) -> str:
    """An opaque token: the query and the (LastUpdateDate, AmazonOrderId) key of the last order sent."""
    raw = json.dumps({"q": query, "k": list(after)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_token(token: str) -> tuple[dict[str, Any], tuple[str, str]]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        stamp, order_id = data["k"]
        return dict(data["q"]), (str(stamp), str(order_id))
    except (ValueError, KeyError, TypeError) as err:
        raise invalid_input("Invalid NextToken", "The NextToken is malformed or expired") from err


__all__ = ["AmazonApp", "Order"]
