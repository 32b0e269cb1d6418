"""The fake Magento's control plane over HTTP, under ``/_sim/`` (beside the shared clock, journal, faults, reset).

What a test may do that a REST client may not: set up the catalog, act as the merchant in the
admin, read what the admin shows. Bodies and answers are JSON; an order is named by
``order_id`` (entity ID) or ``increment_id``. Errors answer 400 ``{"error": ...}``.

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
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from werkzeug.wrappers import Request

from simulators.magento.catalog import Product
from simulators.magento.errors import MagentoError
from simulators.magento.model import MagentoModel
from simulators.sandbox import Sandbox

CONTROL_ROUTES: dict[tuple[str, str], str] = {
    ("POST", "/products"): "ctl_product_create",
    ("POST", "/products/status"): "ctl_product_status",
    ("POST", "/products/delete"): "ctl_product_delete",
    ("POST", "/stock"): "ctl_stock_set",
    ("GET", "/stock"): "ctl_stock_get",
    ("POST", "/stores"): "ctl_store_add",
    ("POST", "/statuses"): "ctl_status_add",
    ("POST", "/customers"): "ctl_customer_add",
    ("GET", "/orders"): "ctl_orders",
    ("GET", "/orders/grid"): "ctl_orders_grid",
    ("POST", "/orders/ship"): "ctl_order_ship",
    ("POST", "/orders/invoice"): "ctl_order_invoice",
    ("POST", "/orders/refund"): "ctl_order_refund",
    ("POST", "/orders/cancel"): "ctl_order_cancel",
    ("POST", "/orders/hold"): "ctl_order_hold",
    ("POST", "/orders/unhold"): "ctl_order_unhold",
    ("POST", "/orders/comment"): "ctl_order_comment",
    ("POST", "/admins"): "ctl_admin_add",
    ("POST", "/auth/lifetime"): "ctl_token_lifetime",
    ("POST", "/auth/revoke"): "ctl_tokens_revoke",
    ("GET", "/messages"): "ctl_messages",
    ("POST", "/messages"): "ctl_message_raise",
    ("DELETE", "/messages"): "ctl_message_clear",
}

Handler = Callable[[Any, Sandbox, Request, dict[str, Any]], Any]
H = TypeVar("H", bound=Handler)


def _magento_errors(handler: H) -> H:
    """Report Magento's own refusals as the control plane's 400."""

    def wrapper(self: Any, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> Any:
        try:
            with sandbox.magento.lock:
                return handler(self, sandbox, request, body)
        except MagentoError as err:
            raise ValueError(str(err)) from err

    wrapper.__doc__ = handler.__doc__
    return wrapper  # type: ignore[return-value]


def _product(model: MagentoModel, product: Product) -> dict[str, Any]:
    stock = model.stock.get(product.sku)
    return {
        "id": product.id,
        "sku": product.sku,
        "name": product.name,
        "price": float(product.price),
        "status": product.status,
        "qty": float(stock.qty) if stock else None,
        "is_in_stock": stock.is_in_stock if stock else None,
        "salable_qty": float(model.salable_qty(product.sku)),
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


class MagentoControl:
    """Control-plane handlers of the Magento app (see the module docstring for the routes)."""

    @_magento_errors
    def ctl_product_create(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        model = sandbox.magento
        options = {k: body[k] for k in ("name", "price", "qty") if k in body}
        options.update({k: _flag(body, k) for k in ("enabled", "manage_stock", "is_in_stock") if k in body})
        return _product(model, model.create_product(str(body["sku"]), **options))

    @_magento_errors
    def ctl_product_status(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        model = sandbox.magento
        return _product(model, model.set_product_status(str(body["sku"]), _flag(body, "enabled")))

    @_magento_errors
    def ctl_product_delete(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        sandbox.magento.delete_product(str(body["sku"]))
        return {"deleted": str(body["sku"])}

    @_magento_errors
    def ctl_stock_set(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        options = {k: body[k] for k in ("is_in_stock", "manage_stock", "min_qty") if k in body}
        sandbox.magento.set_stock(str(body["sku"]), body.get("qty"), **options)
        return self._stock(sandbox.magento, str(body["sku"]))

    @_magento_errors
    def ctl_stock_get(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        return self._stock(sandbox.magento, str(request.args["sku"]))

    @staticmethod
    def _stock(model: MagentoModel, sku: str) -> dict[str, Any]:
        model.product(sku)
        item = model.stock[sku]
        return {
            "sku": sku,
            "qty": float(item.qty),
            "is_in_stock": item.is_in_stock,
            "manage_stock": item.manage_stock,
            "min_qty": float(item.min_qty),
            "salable_qty": float(model.salable_qty(sku)),
            "reservations": [
                {"quantity": float(r.quantity), "metadata": r.metadata} for r in model.reservations_for(sku)
            ],
        }

    @_magento_errors
    def ctl_store_add(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        view = sandbox.magento.add_store_view(
            str(body["code"]), str(body["name"]), str(body.get("website_code") or "base"), body.get("group_code")
        )
        return dataclasses.asdict(view)

    @_magento_errors
    def ctl_status_add(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        state = str(body.get("state") or "processing")
        model = sandbox.magento
        label = body.get("label")
        model.add_order_status(str(body["status"]), state, label and str(label), default=_flag(body, "default", False))
        return {"state": state, "statuses": list(model.statuses.assigned[state])}

    @_magento_errors
    def ctl_customer_add(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        return sandbox.magento.create_customer(
            str(body["email"]), str(body["firstname"]), str(body["lastname"]), str(body.get("website_code") or "base")
        )

    @_magento_errors
    def ctl_orders(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        return {"items": sandbox.magento.orders_for_amazon_id(str(request.args["amazon_order_id"]))}

    @_magento_errors
    def ctl_orders_grid(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        rows = sandbox.magento.admin_grid(request.args.get("store_code"))
        return {"rows": [dataclasses.asdict(r) for r in rows]}

    @_magento_errors
    def ctl_order_ship(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        model = sandbox.magento
        tracks = body.get("tracks")
        if tracks is None and body.get("track_number"):
            carrier = str(body.get("carrier_code") or "custom")
            tracks = [
                {
                    "carrier_code": carrier,
                    "title": str(body.get("title") or carrier.upper()),
                    "track_number": str(body["track_number"]),
                }
            ]
        shipment_id = model.ship(_order_id(model, body), body.get("items"), tracks)
        return {"shipment_id": shipment_id, "order": model.order(_order_id(model, body))}

    @_magento_errors
    def ctl_order_invoice(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        model = sandbox.magento
        invoice_id = model.invoice(_order_id(model, body), body.get("items"))
        return {"invoice_id": invoice_id, "order": model.order(_order_id(model, body))}

    @_magento_errors
    def ctl_order_refund(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        model = sandbox.magento
        memo_id = model.refund(
            _order_id(model, body), body.get("items"), return_to_stock=_flag(body, "return_to_stock", False)
        )
        return {"creditmemo_id": memo_id, "order": model.order(_order_id(model, body))}

    @_magento_errors
    def ctl_order_cancel(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        model = sandbox.magento
        return {"canceled": model.cancel(_order_id(model, body)), "order": model.order(_order_id(model, body))}

    @_magento_errors
    def ctl_order_hold(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        model = sandbox.magento
        model.hold(_order_id(model, body))
        return {"order": model.order(_order_id(model, body))}

    @_magento_errors
    def ctl_order_unhold(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        model = sandbox.magento
        model.unhold(_order_id(model, body))
        return {"order": model.order(_order_id(model, body))}

    @_magento_errors
    def ctl_order_comment(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        model = sandbox.magento
        return model.add_comment(_order_id(model, body), str(body["comment"]), body.get("status"))

    @_magento_errors
    def ctl_admin_add(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        sandbox.magento.add_admin(body.get("username"), body.get("password"))  # type: ignore[arg-type]
        return {"username": body["username"]}

    @_magento_errors
    def ctl_token_lifetime(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        seconds = body.get("seconds")
        if seconds is not None and float(seconds) <= 0:
            raise ValueError("a token lifetime is a positive number of seconds, or null for no expiry")
        sandbox.magento.token_ttl = None if seconds is None else timedelta(seconds=float(seconds))
        return {"seconds": seconds}

    @_magento_errors
    def ctl_tokens_revoke(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        revoked = len(sandbox.magento.tokens)
        sandbox.magento.tokens.clear()
        return {"revoked": revoked}

    @_magento_errors
    def ctl_messages(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        return {"messages": [vars(m) for m in sandbox.magento.system_messages()]}

    @_magento_errors
    def ctl_message_raise(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        message = sandbox.magento.raise_message(str(body["identity"]), str(body["text"]), int(body.get("severity", 2)))
        return vars(message)

    @_magento_errors
    def ctl_message_clear(self, sandbox: Sandbox, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        return {"cleared": sandbox.magento.clear_message(str(request.args["identity"]))}
