"""The fake Magento's HTTP surface: Magento 2 REST routes under ``/rest[/<store_code>]/V1``."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from simulators.magento import errors
from simulators.magento.errors import MagentoError, bad_request
from simulators.magento.model import MagentoModel, Product
from simulators.magento.search import apply, parse_criteria
from simulators.sandbox import Sandbox
from simulators.wsgi import ServiceApp, json_response, read_json

_ROUTES: list[tuple[str, str, str]] = [
    ("POST", "/V1/integration/admin/token", "adminToken"),
    ("GET", "/V1/store/websites", "websites"),
    ("GET", "/V1/store/storeViews", "storeViews"),
    ("GET", "/V1/store/storeGroups", "storeGroups"),
    ("GET", "/V1/store/storeConfigs", "storeConfigs"),
    ("GET", "/V1/products", "productSearch"),
    ("GET", "/V1/products/<path:sku>", "productGet"),
    ("GET", "/V1/stockItems/<path:sku>", "stockItemGet"),
    ("GET", "/V1/inventory/get-product-salable-quantity/<path:sku>/<int:stock_id>", "salableQty"),
    ("GET", "/V1/inventory/is-product-salable/<path:sku>/<int:stock_id>", "isSalable"),
    ("GET", "/V1/orders", "orderSearch"),
    ("POST", "/V1/orders", "orderCreate"),
    ("GET", "/V1/orders/<int:order_id>", "orderGet"),
    ("POST", "/V1/orders/<int:order_id>/cancel", "orderCancel"),
    ("GET", "/V1/orders/<int:order_id>/comments", "orderCommentsGet"),
    ("POST", "/V1/orders/<int:order_id>/comments", "orderCommentAdd"),
    ("POST", "/V1/order/<int:order_id>/invoice", "orderInvoice"),
    ("POST", "/V1/order/<int:order_id>/ship", "orderShip"),
    ("GET", "/V1/shipments", "shipmentSearch"),
    ("GET", "/V1/adminNotification/systemMessages", "messagesGet"),
    ("PUT", "/V1/adminNotification/systemMessages/<identity>", "messagePut"),
    ("DELETE", "/V1/adminNotification/systemMessages/<identity>", "messageDelete"),
]


def _rules() -> list[Rule]:
    rules = []
    for method, path, endpoint in _ROUTES:
        rules.append(Rule("/rest" + path, endpoint=endpoint, methods=[method]))
        rules.append(Rule("/rest/<store_code>" + path, endpoint=endpoint, methods=[method]))
    return rules


def product_wire(model: MagentoModel, product: Product) -> dict[str, Any]:
    stock = model.stock.get(product.sku)
    body: dict[str, Any] = {
        "id": product.id,
        "sku": product.sku,
        "name": product.name,
        "attribute_set_id": 4,
        "price": float(product.price),
        "status": product.status,
        "visibility": product.visibility,
        "type_id": "simple",
        "created_at": "2026-01-01 00:00:00",
        "updated_at": "2026-01-01 00:00:00",
        "extension_attributes": {"website_ids": [1]},
        "custom_attributes": [],
    }
    if stock is not None:
        body["extension_attributes"]["stock_item"] = stock_wire(product, stock)
    return body


def stock_wire(product: Product, stock: Any) -> dict[str, Any]:
    return {
        "item_id": product.id,
        "product_id": product.id,
        "stock_id": 1,
        "qty": float(stock.qty),
        "is_in_stock": stock.is_in_stock,
        "manage_stock": stock.manage_stock,
        "use_config_manage_stock": True,
        "min_qty": float(stock.min_qty),
        "is_qty_decimal": False,
    }


class MagentoApp(ServiceApp):
    """WSGI app of the fake Magento REST API."""

    service = "magento"
    url_map = Map(_rules(), strict_slashes=False)

    def error_response(self, status: int, message: str) -> Response:
        return json_response(MagentoError(status, message).envelope(), status)

    def not_found(self) -> Response:
        return self.error_response(404, errors.NO_ROUTE)

    def handle(self, sandbox: Sandbox, operation: str, request: Request, args: dict[str, Any]) -> Response:
        model = sandbox.magento
        store_code = args.pop("store_code", None)
        try:
            if store_code not in (None, "all", "default") and store_code not in {s.store_code for s in model.stores}:
                raise MagentoError(400, "The store that was requested wasn't found. Verify the store and try again.")
            if operation != "adminToken":
                auth = request.headers.get("Authorization", "")
                token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
                if token not in model.tokens:
                    raise MagentoError(401, errors.UNAUTHORIZED, {"resources": "Magento_Backend::admin"})
            body = _body(request) if request.method in {"POST", "PUT"} else None
            default_store = 1
            if store_code not in (None, "all"):
                default_store = model.store_by_code(store_code).store_id
            result = getattr(self, "op_" + operation)(model, request, body, default_store=default_store, **args)
            return json_response(result)
        except MagentoError as err:
            return json_response(err.envelope(), err.status)

    # -- auth and stores ------------------------------------------------------------------------------
    def op_adminToken(self, model: MagentoModel, request: Request, body: Any, **_: Any) -> str:
        if not isinstance(body, dict) or not body.get("username") or not body.get("password"):
            raise bad_request('"%fieldName" is required. Enter and try again.', {"fieldName": "username"})
        return model.admin_token(str(body["username"]), str(body["password"]))

    def op_websites(self, model: MagentoModel, *_: Any, **__: Any) -> list[dict[str, Any]]:
        sites = {0: {"id": 0, "code": "admin", "name": "Admin", "default_group_id": 0}}
        for s in model.stores:
            sites.setdefault(
                s.website_id,
                {
                    "id": s.website_id,
                    "code": s.website_code,
                    "name": s.website_code.title() + " Website",
                    "default_group_id": s.group_id,
                },
            )
        return list(sites.values())

    def op_storeGroups(self, model: MagentoModel, *_: Any, **__: Any) -> list[dict[str, Any]]:
        groups: dict[int, dict[str, Any]] = {}
        for s in model.stores:
            groups.setdefault(
                s.group_id,
                {
                    "id": s.group_id,
                    "website_id": s.website_id,
                    "root_category_id": 2,
                    "default_store_id": s.store_id,
                    "name": "Main Website Store",
                    "code": f"group_{s.group_id}",
                },
            )
        return list(groups.values())

    def op_storeViews(self, model: MagentoModel, *_: Any, **__: Any) -> list[dict[str, Any]]:
        views = [{"id": 0, "code": "admin", "name": "Admin", "website_id": 0, "store_group_id": 0, "is_active": 1}]
        views += [
            {
                "id": s.store_id,
                "code": s.store_code,
                "name": s.name,
                "website_id": s.website_id,
                "store_group_id": s.group_id,
                "is_active": 1,
            }
            for s in model.stores
        ]
        return views

    def op_storeConfigs(self, model: MagentoModel, *_: Any, **__: Any) -> list[dict[str, Any]]:
        return [
            {
                "id": s.store_id,
                "code": s.store_code,
                "website_id": s.website_id,
                "locale": "en_US",
                "base_currency_code": "USD",
                "default_display_currency_code": "USD",
                "timezone": "UTC",
                "weight_unit": "lbs",
                "base_url": f"http://magento.test/{s.store_code}/",
                "base_link_url": f"http://magento.test/{s.store_code}/",
                "base_static_url": "http://magento.test/static/",
                "base_media_url": "http://magento.test/media/",
                "secure_base_url": f"https://magento.test/{s.store_code}/",
                "secure_base_link_url": f"https://magento.test/{s.store_code}/",
                "secure_base_static_url": "https://magento.test/static/",
                "secure_base_media_url": "https://magento.test/media/",
            }
            for s in model.stores
        ]

    # -- catalog ------------------------------------------------------------------------------------
    def op_productGet(self, model: MagentoModel, request: Request, body: Any, sku: str, **_: Any) -> dict[str, Any]:
        return product_wire(model, model.product(sku))

    def op_productSearch(self, model: MagentoModel, request: Request, body: Any, **_: Any) -> dict[str, Any]:
        criteria = parse_criteria(request.args)
        rows = [product_wire(model, p) for p in model.products.values()]
        items, total = apply(rows, criteria)
        return {"items": items, "search_criteria": criteria.as_dict(), "total_count": total}

    def op_stockItemGet(self, model: MagentoModel, request: Request, body: Any, sku: str, **_: Any) -> dict[str, Any]:
        product = model.product(sku)
        stock = model.stock.get(sku)
        if stock is None:
            raise MagentoError(404, f'The stock item for Product with SKU "{sku}" doesn\'t exist.')
        return stock_wire(product, stock)

    def op_salableQty(
        self, model: MagentoModel, request: Request, body: Any, sku: str, stock_id: int, **_: Any
    ) -> float:
        model.product(sku)
        return float(model.salable_qty(sku))

    def op_isSalable(self, model: MagentoModel, request: Request, body: Any, sku: str, stock_id: int, **_: Any) -> bool:
        return model.is_salable(sku)

    # -- orders -------------------------------------------------------------------------------------
    def op_orderCreate(
        self, model: MagentoModel, request: Request, body: Any, default_store: int = 1, **_: Any
    ) -> dict[str, Any]:
        entity = body.get("entity") if isinstance(body, dict) else None
        if not isinstance(entity, dict):
            raise bad_request('"%fieldName" is required. Enter and try again.', {"fieldName": "entity"})
        return model.place_order(entity, default_store_id=default_store)

    def op_orderGet(self, model: MagentoModel, request: Request, body: Any, order_id: int, **_: Any) -> dict[str, Any]:
        return model.order(order_id)

    def op_orderSearch(self, model: MagentoModel, request: Request, body: Any, **_: Any) -> dict[str, Any]:
        criteria = parse_criteria(request.args)
        candidates = list(model.orders.values())
        for group in criteria.groups:
            # An indexed equality filter alone in its group narrows the candidates without a scan.
            if (
                len(group) == 1
                and group[0].condition == "eq"
                and group[0].field in {"increment_id", "ext_order_id", "po_number", "payment.po_number"}
            ):
                key = "po_number" if group[0].field.endswith("po_number") else group[0].field
                candidates = model.find(key, group[0].value)
                break
        items, total = apply(candidates, criteria)
        return {"items": items, "search_criteria": criteria.as_dict(), "total_count": total}

    def op_orderCancel(self, model: MagentoModel, request: Request, body: Any, order_id: int, **_: Any) -> bool:
        return model.cancel(order_id)

    def op_orderInvoice(self, model: MagentoModel, request: Request, body: Any, order_id: int, **_: Any) -> str:
        items = body.get("items") if isinstance(body, dict) else None
        return str(model.invoice(order_id, items))

    def op_orderShip(self, model: MagentoModel, request: Request, body: Any, order_id: int, **_: Any) -> str:
        body = body if isinstance(body, dict) else {}
        return str(model.ship(order_id, body.get("items"), body.get("tracks")))

    def op_orderCommentsGet(
        self, model: MagentoModel, request: Request, body: Any, order_id: int, **_: Any
    ) -> dict[str, Any]:
        histories = model.order(order_id)["status_histories"]
        return {"items": histories, "search_criteria": {"filter_groups": []}, "total_count": len(histories)}

    def op_orderCommentAdd(self, model: MagentoModel, request: Request, body: Any, order_id: int, **_: Any) -> bool:
        history = (body or {}).get("statusHistory") if isinstance(body, dict) else None
        if not isinstance(history, dict) or not history.get("comment"):
            raise bad_request('"%fieldName" is required. Enter and try again.', {"fieldName": "statusHistory"})
        model.add_comment(order_id, str(history["comment"]), history.get("status"))
        return True

    def op_shipmentSearch(self, model: MagentoModel, request: Request, body: Any, **_: Any) -> dict[str, Any]:
        criteria = parse_criteria(request.args)
        shipments = [s for o in model.orders.values() for s in o["shipments"]]
        items, total = apply(shipments, criteria)
        return {"items": items, "search_criteria": criteria.as_dict(), "total_count": total}

    # -- admin system messages (the companion module's routes) ------------------------------------------
    def op_messagesGet(self, model: MagentoModel, *_: Any, **__: Any) -> list[dict[str, Any]]:
        return [vars(m) for m in model.system_messages()]

    def op_messagePut(self, model: MagentoModel, request: Request, body: Any, identity: str, **_: Any) -> bool:
        if not isinstance(body, dict) or not body.get("text"):
            raise bad_request('"%fieldName" is required. Enter and try again.', {"fieldName": "text"})
        severity = int(body.get("severity", 2))
        if severity not in (1, 2, 3, 4):
            raise bad_request("severity must be 1 (critical), 2 (major), 3 (minor) or 4 (notice).")
        model.raise_message(identity, str(body["text"]), severity)
        return True

    def op_messageDelete(self, model: MagentoModel, request: Request, body: Any, identity: str, **_: Any) -> bool:
        return model.clear_message(identity)


def _body(request: Request) -> Any:
    try:
        return read_json(request)
    except ValueError as err:
        raise MagentoError(400, "Decoding error: \nSyntax error") from err


__all__ = ["MagentoApp"]
