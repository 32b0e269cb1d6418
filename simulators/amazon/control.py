"""The fake Amazon's control plane: what a test may do that an SP-API client may not, under ``/_sim``
(beside the routes every service shares, :mod:`simulators.control`).

``POST /orders`` (create; explicit fields override generated ones), ``GET /orders?amazon_order_id=``,
``POST /orders/status {"amazon_order_id", "status"}``, ``POST /orders/cancel {"amazon_order_id",
"reason"}``, ``GET /orders/shipments?amazon_order_id=``, ``GET|POST /rate-limits {"enabled",
"operation", "rate", "burst"}``, ``POST /order-items/page-size {"size"}``, ``GET /sellers``,
``POST /sellers {"seller_id", "name", "marketplace_ids"}``, ``POST /apps {"client_id",
"client_secret"}``, ``POST /authorizations {"seller_id", "client_id", "refresh_token"?}`` (the
seller's consent: answers the refresh token) and ``POST /authorizations/revoke {"refresh_token"}``.
Bad input answers 400 ``{"error": ...}``, an unknown order or token 404.
"""

from __future__ import annotations

from typing import Any

from simulators.amazon.model import AmazonModel, Order, iso_z
from simulators.clock import parse_iso
from simulators.control import with_common
from simulators.errors import ControlNotFound
from simulators.wsgi import Call, ControlRoutes


def create_order(call: Call) -> dict[str, Any]:
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
    unknown = sorted(set(call.body) - allowed)
    if unknown:
        raise ValueError(f"unknown order fields {unknown}; expected some of {sorted(allowed)}")
    fields = dict(call.body)
    if "purchase_date" in fields:
        fields["purchase_date"] = parse_iso(str(fields["purchase_date"]))
    order = call.model.create_order(**fields)
    return _control_view(order)


def get_order(call: Call) -> dict[str, Any]:
    order_id = call.request.args.get("amazon_order_id") or call.body.get("amazon_order_id")
    return _control_view(_control_order(call.model, order_id))


def set_status(call: Call) -> dict[str, Any]:
    order = _control_order(call.model, call.body.get("amazon_order_id"))
    return _control_view(call.model.set_status(order.amazon_order_id, str(call.body["status"])))


def cancel(call: Call) -> dict[str, Any]:
    order = _control_order(call.model, call.body.get("amazon_order_id"))
    reason = str(call.body.get("reason") or "BuyerCanceled")
    return _control_view(call.model.cancel(order.amazon_order_id, reason))


def shipments(call: Call) -> dict[str, Any]:
    order = _control_order(call.model, call.request.args.get("amazon_order_id") or call.body.get("amazon_order_id"))
    return {"amazon_order_id": order.amazon_order_id, "shipments": [_shipment(s) for s in order.shipments]}


def rate_limits(call: Call) -> dict[str, Any]:
    limiter = call.model.rate_limits
    if call.request.method == "POST":
        if "operation" in call.body:
            limiter.set_plan(str(call.body["operation"]), float(call.body["rate"]), int(call.body["burst"]))
        if "enabled" in call.body:
            if not isinstance(call.body["enabled"], bool):
                raise ValueError("enabled must be true or false")
            limiter.enable(call.body["enabled"])
    plans = {op: {"rate": rate, "burst": burst} for op, (rate, burst) in sorted(limiter.plans.items())}
    return {"enabled": limiter.enabled, "plans": plans}


def sellers(call: Call) -> dict[str, Any]:
    model = call.model
    return {"sellers": [_seller_view(model, seller_id) for seller_id in sorted(model.sellers)]}


def add_seller(call: Call) -> dict[str, Any]:
    _only(call.body, {"seller_id", "name", "marketplace_ids"})
    name = call.body.get("name", "")
    if not isinstance(name, str):
        raise ValueError("name must be a string")
    markets = call.body.get("marketplace_ids", ["ATVPDKIKX0DER"])
    if not isinstance(markets, list) or not all(isinstance(m, str) for m in markets):
        raise ValueError("marketplace_ids must be an array of marketplace IDs")
    seller = call.model.add_seller(call.body["seller_id"], name, markets)
    return _seller_view(call.model, seller.seller_id)


def register_app(call: Call) -> dict[str, Any]:
    _only(call.body, {"client_id", "client_secret"})
    call.model.register_app(call.body["client_id"], call.body["client_secret"])
    return {"client_id": call.body["client_id"]}


def authorize(call: Call) -> dict[str, Any]:
    _only(call.body, {"seller_id", "client_id", "refresh_token"})
    token = call.model.authorize(call.body["seller_id"], call.body["client_id"], call.body.get("refresh_token"))
    return {"seller_id": call.body["seller_id"], "client_id": call.body["client_id"], "refresh_token": token}


def revoke(call: Call) -> dict[str, Any]:
    _only(call.body, {"refresh_token"})
    try:
        call.model.revoke(str(call.body["refresh_token"]))
    except KeyError as err:
        raise ControlNotFound("no such refresh token") from err
    return {"revoked": True}


def items_page_size(call: Call) -> dict[str, Any]:
    size = int(call.body["size"])
    if size < 1:
        raise ValueError("size must be at least 1")
    call.model.order_items_page_size = size
    return {"size": size}


def _only(body: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ValueError(f"unknown fields {unknown}; expected some of {sorted(allowed)}")


def _seller_view(model: AmazonModel, seller_id: str) -> dict[str, Any]:
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


def _control_order(model: AmazonModel, amazon_order_id: Any) -> Order:
    if not amazon_order_id:
        raise ValueError("amazon_order_id is required")
    order = model.orders.get(str(amazon_order_id))
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


CONTROL_ROUTES: ControlRoutes = with_common(
    {
        ("POST", "/orders"): create_order,
        ("GET", "/orders"): get_order,
        ("POST", "/orders/status"): set_status,
        ("POST", "/orders/cancel"): cancel,
        ("GET", "/orders/shipments"): shipments,
        ("GET", "/rate-limits"): rate_limits,
        ("POST", "/rate-limits"): rate_limits,
        ("POST", "/order-items/page-size"): items_page_size,
        ("GET", "/sellers"): sellers,
        ("POST", "/sellers"): add_seller,
        ("POST", "/apps"): register_app,
        ("POST", "/authorizations"): authorize,
        ("POST", "/authorizations/revoke"): revoke,
    }
)
