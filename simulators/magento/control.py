"""The fake Magento's control plane over HTTP, under ``/_sim/`` (beside the shared clock, journal, faults, reset).

What a test may do that a REST client may not: set up the catalog, act as the merchant in the
admin, read what the admin shows. Bodies and answers are JSON; an order is named by
``order_id`` (entity ID) or ``increment_id``. Errors (Magento's own refusals too) answer 400
``{"error": ...}``. Each handler takes the one handler shape, ``handler(call) -> body``; the
dispatcher holds the namespace lock while it runs. :data:`CONTROL_ROUTES` is the table.

=======  =====================  ==========================================================================
method   path                   body / query → answer
=======  =====================  ==========================================================================
POST     /products              ``{sku, name?, price?, qty?, enabled?, manage_stock?, is_in_stock?}`` → product
POST     /products/status       ``{sku, enabled}`` → product
POST     /products/delete       ``{sku}`` → ``{"deleted": sku}``
POST     /stock                 ``{sku, qty?, is_in_stock?, manage_stock?, min_qty?}`` → stock
GET      /stock                 ``?sku=`` → ``{qty, is_in_stock, manage_stock, min_qty, salable_qty, reservations}``
POST     /stores                ``{code, name, website_code?, group_code?}`` → store view
POST     /statuses              ``{status, label, state?="processing", default?}`` → statuses of that state
POST     /customers             ``{email, firstname, lastname, website_code?}`` → customer
GET      /orders                ``?amazon_order_id=`` → orders recording that Amazon order ID
GET      /orders/grid           ``?store_code=`` → rows of Sales > Orders (newest first)
POST     /orders/ship           ``{order, items?, tracks?}`` or ``{order, carrier_code, track_number, title?}``
POST     /orders/invoice        ``{order, items?}``
POST     /orders/refund         ``{order, items?, return_to_stock?}``
POST     /orders/cancel         ``{order}`` → ``{"canceled": bool}``
POST     /orders/hold|unhold    ``{order}``
POST     /orders/comment        ``{order, comment, status?}``
POST     /admins                ``{username, password}`` → another admin user (``{"username"}``)
POST     /auth/lifetime         ``{seconds}`` (null: never; 4 h by default) → admin tokens expire on the clock
POST     /auth/revoke           → every admin token issued so far stops working (``{"revoked": n}``)
GET      /messages              → admin system messages, most severe first
POST     /messages              ``{identity, text, severity?}``; DELETE /messages ``?identity=``
=======  =====================  ==========================================================================
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from simulators.control import with_common
from simulators.magento.catalog import Product
from simulators.magento.model import MagentoModel
from simulators.wsgi import Call, ControlRoutes


def _product(model: MagentoModel, product: Product) -> dict[str, Any]:
    stock = model.catalog.stock.get(product.sku)
    return {
        "id": product.id,
        "sku": product.sku,
        "name": product.name,
        "price": float(product.price),
        "status": product.status,
        "qty": float(stock.qty) if stock else None,
        "is_in_stock": stock.is_in_stock if stock else None,
        "salable_qty": float(model.catalog.salable_qty(product.sku)),
    }


_REQUIRED: Any = object()


def _flag(body: dict[str, Any], key: str, default: Any = _REQUIRED) -> bool:
    """A JSON boolean of the control body (a string such as "false" is an error, not true)."""
    if key not in body and default is not _REQUIRED:
        return bool(default)
    value = body[key]
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false, got {value!r}")
    return value


def _order_id(model: MagentoModel, body: dict[str, Any]) -> int:
    if body.get("order_id") is not None:
        return int(body["order_id"])
    if body.get("increment_id") is not None:
        return int(model.order_by_increment_id(str(body["increment_id"]))["entity_id"])
    raise ValueError("name the order with order_id or increment_id")


def product_create(call: Call) -> dict[str, Any]:
    model = call.model
    options = {k: call.body[k] for k in ("name", "price", "qty") if k in call.body}
    options.update({k: _flag(call.body, k) for k in ("enabled", "manage_stock", "is_in_stock") if k in call.body})
    return _product(model, model.catalog.create_product(str(call.body["sku"]), **options))


def product_status(call: Call) -> dict[str, Any]:
    model = call.model
    return _product(model, model.catalog.set_product_status(str(call.body["sku"]), _flag(call.body, "enabled")))


def product_delete(call: Call) -> dict[str, Any]:
    call.model.catalog.delete_product(str(call.body["sku"]))
    return {"deleted": str(call.body["sku"])}


def stock_set(call: Call) -> dict[str, Any]:
    options = {k: call.body[k] for k in ("is_in_stock", "manage_stock", "min_qty") if k in call.body}
    call.model.catalog.set_stock(str(call.body["sku"]), call.body.get("qty"), **options)
    return _stock(call.model, str(call.body["sku"]))


def stock_get(call: Call) -> dict[str, Any]:
    return _stock(call.model, str(call.request.args["sku"]))


def _stock(model: MagentoModel, sku: str) -> dict[str, Any]:
    model.catalog.product(sku)
    item = model.catalog.stock[sku]
    return {
        "sku": sku,
        "qty": float(item.qty),
        "is_in_stock": item.is_in_stock,
        "manage_stock": item.manage_stock,
        "min_qty": float(item.min_qty),
        "salable_qty": float(model.catalog.salable_qty(sku)),
        "reservations": [{"quantity": float(r.quantity), "metadata": r.metadata} for r in model.reservations_for(sku)],
    }


def store_add(call: Call) -> dict[str, Any]:
    view = call.model.tree.add_view(
        str(call.body["code"]),
        str(call.body["name"]),
        str(call.body.get("website_code") or "base"),
        call.body.get("group_code"),
    )
    return dataclasses.asdict(view)


def status_add(call: Call) -> dict[str, Any]:
    state = str(call.body.get("state") or "processing")
    model = call.model
    label = call.body.get("label")
    model.add_order_status(
        str(call.body["status"]), state, label and str(label), default=_flag(call.body, "default", False)
    )
    return {"state": state, "statuses": list(model.statuses.assigned[state])}


def customer_add(call: Call) -> dict[str, Any]:
    return call.model.create_customer(
        str(call.body["email"]),
        str(call.body["firstname"]),
        str(call.body["lastname"]),
        str(call.body.get("website_code") or "base"),
    )


def orders(call: Call) -> dict[str, Any]:
    return {"items": call.model.orders_for_amazon_id(str(call.request.args["amazon_order_id"]))}


def orders_grid(call: Call) -> dict[str, Any]:
    rows = call.model.admin_grid(call.request.args.get("store_code"))
    return {"rows": [dataclasses.asdict(r) for r in rows]}


def order_ship(call: Call) -> dict[str, Any]:
    model = call.model
    tracks = call.body.get("tracks")
    if tracks is None and call.body.get("track_number"):
        carrier = str(call.body.get("carrier_code") or "custom")
        tracks = [
            {
                "carrier_code": carrier,
                "title": str(call.body.get("title") or carrier.upper()),
                "track_number": str(call.body["track_number"]),
            }
        ]
    shipment_id = model.ship(_order_id(model, call.body), call.body.get("items"), tracks)
    return {"shipment_id": shipment_id, "order": model.book.order(_order_id(model, call.body))}


def order_invoice(call: Call) -> dict[str, Any]:
    model = call.model
    invoice_id = model.invoice(_order_id(model, call.body), call.body.get("items"))
    return {"invoice_id": invoice_id, "order": model.book.order(_order_id(model, call.body))}


def order_refund(call: Call) -> dict[str, Any]:
    model = call.model
    memo_id = model.refund(
        _order_id(model, call.body), call.body.get("items"), return_to_stock=_flag(call.body, "return_to_stock", False)
    )
    return {"creditmemo_id": memo_id, "order": model.book.order(_order_id(model, call.body))}


def order_cancel(call: Call) -> dict[str, Any]:
    model = call.model
    return {
        "canceled": model.book.cancel(_order_id(model, call.body)),
        "order": model.book.order(_order_id(model, call.body)),
    }


def order_hold(call: Call) -> dict[str, Any]:
    model = call.model
    model.book.hold(_order_id(model, call.body))
    return {"order": model.book.order(_order_id(model, call.body))}


def order_unhold(call: Call) -> dict[str, Any]:
    model = call.model
    model.book.unhold(_order_id(model, call.body))
    return {"order": model.book.order(_order_id(model, call.body))}


def order_comment(call: Call) -> dict[str, Any]:
    model = call.model
    return model.book.add_comment(_order_id(model, call.body), str(call.body["comment"]), call.body.get("status"))


def admin_add(call: Call) -> dict[str, Any]:
    call.model.add_admin(call.body.get("username"), call.body.get("password"))  # type: ignore[arg-type]
    return {"username": call.body["username"]}


def token_lifetime(call: Call) -> dict[str, Any]:
    seconds = call.body.get("seconds")
    if seconds is not None and float(seconds) <= 0:
        raise ValueError("a token lifetime is a positive number of seconds, or null for no expiry")
    call.model.token_ttl = None if seconds is None else timedelta(seconds=float(seconds))
    return {"seconds": seconds}


def tokens_revoke(call: Call) -> dict[str, Any]:
    revoked = len(call.model.tokens)
    call.model.tokens.clear()
    return {"revoked": revoked}


def messages(call: Call) -> dict[str, Any]:
    return {"messages": [vars(m) for m in call.model.system_messages()]}


def message_raise(call: Call) -> dict[str, Any]:
    message = call.model.raise_message(
        str(call.body["identity"]), str(call.body["text"]), int(call.body.get("severity", 2))
    )
    return vars(message)


def message_clear(call: Call) -> dict[str, Any]:
    return {"cleared": call.model.clear_message(str(call.request.args["identity"]))}


CONTROL_ROUTES: ControlRoutes = with_common(
    {
        ("POST", "/products"): product_create,
        ("POST", "/products/status"): product_status,
        ("POST", "/products/delete"): product_delete,
        ("POST", "/stock"): stock_set,
        ("GET", "/stock"): stock_get,
        ("POST", "/stores"): store_add,
        ("POST", "/statuses"): status_add,
        ("POST", "/customers"): customer_add,
        ("GET", "/orders"): orders,
        ("GET", "/orders/grid"): orders_grid,
        ("POST", "/orders/ship"): order_ship,
        ("POST", "/orders/invoice"): order_invoice,
        ("POST", "/orders/refund"): order_refund,
        ("POST", "/orders/cancel"): order_cancel,
        ("POST", "/orders/hold"): order_hold,
        ("POST", "/orders/unhold"): order_unhold,
        ("POST", "/orders/comment"): order_comment,
        ("POST", "/admins"): admin_add,
        ("POST", "/auth/lifetime"): token_lifetime,
        ("POST", "/auth/revoke"): tokens_revoke,
        ("GET", "/messages"): messages,
        ("POST", "/messages"): message_raise,
        ("DELETE", "/messages"): message_clear,
    }
)
