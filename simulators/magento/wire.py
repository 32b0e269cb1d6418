"""The fake Magento's HTTP surface: Magento 2 REST routes under ``/rest[/<store_code>]/V1``.

Every route answers under ``/rest/V1/...`` (the default store view), ``/rest/<store_code>/V1/...``
and ``/rest/all/V1/...``; an unknown store code is not a route, as in Magento. Every route except
the admin token and the guest carts needs ``Authorization: Bearer <admin token>``. Errors come in
Magento's ``{"message", "parameters"}`` envelope; answers leave unset optional fields out
(:func:`~simulators.magento.payloads.rest_output`). Every route honours Magento's ``fields`` parameter.
``POST /V1/orders`` and ``PUT /V1/orders/create`` are the order repository's save; the cart routes
are checkout (:mod:`simulators.magento.checkout`).
The companion module's routes (admin messages, inventory reservations) are described in
:mod:`simulators.magento.companion`.
"""

from __future__ import annotations

import copy
import sys
import traceback
from collections.abc import Iterable
from typing import Any

from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from simulators.magento import errors, payloads
from simulators.magento.catalog import ENABLED, decimal
from simulators.magento.companion import Call, CompanionRoutes
from simulators.magento.control import CONTROL_ROUTES
from simulators.magento.errors import MagentoError, bad_request, invalid_type, required
from simulators.magento.search import SearchCriteria, apply, narrow, parse_criteria
from simulators.wsgi import Call as WireCall
from simulators.wsgi import ServiceApp, json_response, read_json

_ROUTES: list[tuple[str, str, str]] = [
    ("POST", "/V1/integration/admin/token", "adminToken"),
    ("GET", "/V1/store/websites", "websites"),
    ("GET", "/V1/store/storeViews", "storeViews"),
    ("GET", "/V1/store/storeGroups", "storeGroups"),
    ("GET", "/V1/store/storeConfigs", "storeConfigs"),
    ("GET", "/V1/products", "productSearch"),
    ("POST", "/V1/products", "productSave"),
    ("GET", "/V1/products/<path:sku>", "productGet"),
    ("PUT", "/V1/products/<path:sku>", "productPut"),
    ("DELETE", "/V1/products/<path:sku>", "productDelete"),
    ("GET", "/V1/stockItems/<path:sku>", "stockItemGet"),
    ("PUT", "/V1/products/<path:sku>/stockItems/<item_id>", "stockItemPut"),
    ("GET", "/V1/inventory/get-product-salable-quantity/<path:sku>/<stock_id>", "salableQty"),
    ("GET", "/V1/inventory/is-product-salable/<path:sku>/<stock_id>", "isSalable"),
    ("GET", "/V1/inventory/is-product-salable-for-requested-qty/<path:sku>/<stock_id>/<qty>", "isSalableForQty"),
    ("POST", "/V1/inventory/reservations", "reservationsAppend"),
    ("GET", "/V1/inventory/reservations", "reservationsList"),
    ("GET", "/V1/customers/search", "customerSearch"),
    ("POST", "/V1/customers", "customerCreate"),
    ("GET", "/V1/customers/<customer_id>", "customerGet"),
    ("GET", "/V1/orders", "orderSearch"),
    ("POST", "/V1/orders", "orderCreate"),
    ("PUT", "/V1/orders/create", "orderCreate"),
    ("GET", "/V1/orders/items", "orderItemSearch"),
    ("GET", "/V1/orders/items/<item_id>", "orderItemGet"),
    ("GET", "/V1/orders/<order_id>", "orderGet"),
    ("GET", "/V1/orders/<order_id>/statuses", "orderStatusGet"),
    ("POST", "/V1/orders/<order_id>/cancel", "orderCancel"),
    ("POST", "/V1/orders/<order_id>/hold", "orderHold"),
    ("POST", "/V1/orders/<order_id>/unhold", "orderUnhold"),
    ("GET", "/V1/orders/<order_id>/comments", "orderCommentsGet"),
    ("POST", "/V1/orders/<order_id>/comments", "orderCommentAdd"),
    ("POST", "/V1/order/<order_id>/invoice", "orderInvoice"),
    ("POST", "/V1/order/<order_id>/ship", "orderShip"),
    ("POST", "/V1/order/<order_id>/refund", "orderRefund"),
    ("GET", "/V1/invoices", "invoiceSearch"),
    ("GET", "/V1/invoices/<doc_id>", "invoiceGet"),
    ("GET", "/V1/shipments", "shipmentSearch"),
    ("GET", "/V1/shipment/<doc_id>", "shipmentGet"),
    ("GET", "/V1/creditmemos", "creditmemoSearch"),
    ("GET", "/V1/creditmemo/<doc_id>", "creditmemoGet"),
    ("POST", "/V1/carts/", "cartCreate"),
    ("PUT", "/V1/carts/<cart_id>", "cartAssign"),
    ("GET", "/V1/carts/<cart_id>/items", "cartItems"),
    ("POST", "/V1/carts/<cart_id>/items", "cartItemAdd"),
    ("DELETE", "/V1/carts/<cart_id>/items/<item_id>", "cartItemDelete"),
    ("POST", "/V1/carts/<cart_id>/billing-address", "cartBilling"),
    ("POST", "/V1/carts/<cart_id>/shipping-information", "cartShipping"),
    ("PUT", "/V1/carts/<cart_id>/order", "cartOrder"),
    ("POST", "/V1/guest-carts", "guestCartCreate"),
    ("GET", "/V1/guest-carts/<cart_id>/items", "guestCartItems"),
    ("POST", "/V1/guest-carts/<cart_id>/items", "guestCartItemAdd"),
    ("DELETE", "/V1/guest-carts/<cart_id>/items/<item_id>", "guestCartItemDelete"),
    ("POST", "/V1/guest-carts/<cart_id>/billing-address", "guestCartBilling"),
    ("POST", "/V1/guest-carts/<cart_id>/shipping-information", "guestCartShipping"),
    ("POST", "/V1/guest-carts/<cart_id>/payment-information", "guestCartPayment"),
    ("PUT", "/V1/guest-carts/<cart_id>/order", "guestCartOrder"),
    ("GET", "/V1/adminNotification/systemMessages", "messagesGet"),
    ("PUT", "/V1/adminNotification/systemMessages/<identity>", "messagePut"),
    ("DELETE", "/V1/adminNotification/systemMessages/<identity>", "messageDelete"),
]

# The ACL resource Magento names in its 401 for each group of routes.
_RESOURCES = {
    "cart": "Magento_Cart::manage",
    "store": "Magento_Backend::store",
    "product": "Magento_Catalog::products",
    "stock": "Magento_CatalogInventory::cataloginventory",
    "salable": "Magento_InventoryApi::stock",
    "reservations": "Magento_InventoryApi::stock",
    "customer": "Magento_Customer::manage",
    "order": "Magento_Sales::sales",
    "invoice": "Magento_Sales::sales_invoice",
    "shipment": "Magento_Sales::shipment",
    "creditmemo": "Magento_Sales::sales_creditmemo",
    "message": "Magento_AdminNotification::show_list",
}
_ORDER_INDEXES = {"increment_id", "ext_order_id", "po_number", "payment.po_number", "entity_id"}


def _rules() -> list[Rule]:
    rules = []
    for method, path, endpoint in _ROUTES:
        rules.append(Rule("/rest" + path, endpoint=endpoint, methods=[method]))
        rules.append(Rule("/rest/<store_code>" + path, endpoint=endpoint, methods=[method]))
    return rules


def _resource(operation: str) -> str:
    """The ACL resource named in the 401 of an operation (matched on words of its name)."""
    lowered = operation.lower()
    if lowered in {"websites", "storeviews", "storegroups", "storeconfigs"}:
        return _RESOURCES["store"]
    return next((resource for key, resource in _RESOURCES.items() if key in lowered), "Magento_Backend::admin")


def _search(rows: Iterable[dict[str, Any]], criteria: SearchCriteria) -> dict[str, Any]:
    items, total = apply(rows, criteria)
    return {"items": items, "search_criteria": criteria.as_dict(), "total_count": total}


def _int(value: Any, expected: str = "int") -> int:
    try:
        return int(str(value))
    except ValueError as err:
        raise invalid_type(value, expected) from err


def _wrapped(body: Any, name: str) -> dict[str, Any]:
    """The object Magento's input processor expects under ``name`` in the body."""
    value = body.get(name) if isinstance(body, dict) else None
    if value is None:
        raise required(name)
    if not isinstance(value, dict):
        raise invalid_type(value, "object")
    return value


class MagentoApp(CompanionRoutes, ServiceApp):
    """WSGI app of the fake Magento REST API."""

    service = "magento"
    url_map = Map(_rules(), strict_slashes=False)
    control = CONTROL_ROUTES
    #: Magento's answer to its own bugs: a 500 with a report ID (and the traceback in its log).
    internal_errors = (TypeError, ValueError, KeyError, AttributeError, ArithmeticError)
    call_type = Call

    def error_response(self, status: int, message: str) -> Response:
        return json_response(MagentoError(status, message).envelope(), status)

    def not_found(self) -> Response:
        return self.error_response(404, errors.NO_ROUTE)

    def admit(self, call: WireCall, operation: str, args: dict[str, Any]) -> None:
        """The store view the path names (an unknown code is no route), the admin token, the decoded body."""
        assert isinstance(call, Call)
        store_code = args.pop("store_code", None)
        if store_code not in (None, "all"):
            try:
                call.store_id = call.model.tree.view(store_code).store_id
            except KeyError:
                raise MagentoError(404, errors.NO_ROUTE) from None
        if operation != "adminToken" and not operation.startswith("guest"):  # guest carts are anonymous
            auth = call.request.headers.get("Authorization", "")
            token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
            if not call.model.token_valid(token):
                raise MagentoError(401, errors.UNAUTHORIZED, {"resources": _resource(operation)})
        call.body = _body(call.request) if call.request.method in {"POST", "PUT"} else None

    def answer(self, call: WireCall, result: Any) -> Response:
        """Unset optional fields left out, and only the ``fields`` the request asks for (any method)."""
        fields = call.request.args.get("fields")
        return json_response(payloads.rest_output(result, payloads.parse_fields(fields) if fields else None))

    def internal_error(self, call: WireCall, operation: str) -> Response:
        # Magento logs its exceptions; so does the fake, on the server's error stream, so a bug is not hidden.
        stream = call.request.environ.get("wsgi.errors") or sys.stderr
        print(f"fake Magento: internal error serving {operation}:", file=stream)
        traceback.print_exc(file=stream)
        return json_response({"message": errors.INTERNAL_ERROR}, 500)

    # -- auth and stores ------------------------------------------------------------------------------
    def op_adminToken(self, call: Call) -> str:
        body = call.body if isinstance(call.body, dict) else {}
        for name in ("username", "password"):
            if not isinstance(body.get(name), str) or not body[name]:
                raise required(name)
        return call.model.admin_token(body["username"], body["password"])

    def op_websites(self, call: Call) -> list[dict[str, Any]]:
        return payloads.websites(call.model.tree)

    def op_storeGroups(self, call: Call) -> list[dict[str, Any]]:
        return payloads.store_groups(call.model.tree)

    def op_storeViews(self, call: Call) -> list[dict[str, Any]]:
        return payloads.store_views(call.model.tree)

    def op_storeConfigs(self, call: Call) -> list[dict[str, Any]]:
        return payloads.store_configs(call.model.tree)

    # -- catalog and inventory ---------------------------------------------------------------------------
    def op_productGet(self, call: Call, sku: str) -> dict[str, Any]:
        return payloads.product(call.model.catalog, call.model.catalog.product(sku))

    def op_productSearch(self, call: Call) -> dict[str, Any]:
        catalog = call.model.catalog
        return _search(
            [payloads.product(catalog, p) for p in catalog.products.values()], parse_criteria(call.request.args)
        )

    def op_productSave(self, call: Call) -> dict[str, Any]:
        data = _wrapped(call.body, "product")
        if not isinstance(data.get("sku"), str) or not data["sku"]:
            raise required("sku")
        return self.op_productPut(call, data["sku"])

    def op_productPut(self, call: Call, sku: str) -> dict[str, Any]:
        """Update the product (or create it when it does not exist, as ProductRepository::save does)."""
        data = _wrapped(call.body, "product")
        catalog = call.model.catalog
        extension = data.get("extension_attributes")
        if extension is not None and not isinstance(extension, dict):
            raise invalid_type(extension, "Magento\\Catalog\\Api\\Data\\ProductExtensionInterface")
        stock_data = (extension or {}).get("stock_item")
        if stock_data is not None and not isinstance(stock_data, dict):
            raise invalid_type(stock_data, "object")
        if sku not in catalog.products:
            for name in ("name", "price"):
                if data.get(name) is None:
                    raise bad_request(errors.PRODUCT_SAVE_FAILED)
            status = data.get("status", ENABLED)
            if str(status) not in ("1", "2"):
                raise bad_request(errors.INVALID_FIELD_VALUE, {"value": status, "fieldName": "status"})
            stock_data = stock_data or {}
            catalog.create_product(
                sku,
                name=str(data["name"]),
                price=data["price"],
                qty=stock_data.get("qty", 0),
                enabled=str(status) == "1",
                manage_stock=bool(stock_data.get("manage_stock", True)),
                is_in_stock=stock_data.get("is_in_stock"),
                visibility=_int(data.get("visibility", 4)),
            )
            return payloads.product(catalog, catalog.product(sku))
        if stock_data:
            self._check_stock(stock_data)
        saved = copy.deepcopy((catalog.products[sku], catalog.stock.get(sku)))
        try:
            product = catalog.update_product(sku, data)
            if stock_data:
                self._set_stock(call, sku, stock_data)
        except MagentoError:  # a refused stock change leaves the product as it was, too
            catalog.products[sku], stock = saved
            if stock is not None:
                catalog.stock[sku] = stock
            raise
        return payloads.product(catalog, product)

    def op_productDelete(self, call: Call, sku: str) -> bool:
        call.model.catalog.delete_product(sku)
        return True

    def op_stockItemGet(self, call: Call, sku: str) -> dict[str, Any]:
        product = call.model.catalog.products.get(sku)
        if product is None:
            raise errors.not_found(errors.SKU_NOT_FOUND, [sku])
        return payloads.stock_item(product, call.model.catalog.stock[sku])

    def op_stockItemPut(self, call: Call, sku: str, item_id: str) -> int:
        data = _wrapped(call.body, "stockItem")
        product = call.model.catalog.products.get(sku)
        if product is None:
            raise errors.not_found(errors.SKU_NOT_FOUND, [sku])
        self._check_stock(data)
        self._set_stock(call, sku, data)
        return product.id

    @staticmethod
    def _check_stock(data: dict[str, Any]) -> None:
        for name in ("qty", "min_qty"):
            if data.get(name) is not None:
                decimal(data[name])
        for name in ("is_in_stock", "manage_stock"):
            if data.get(name) is not None and not isinstance(data[name], bool | int):
                raise invalid_type(data[name], "bool")

    @staticmethod
    def _set_stock(call: Call, sku: str, data: dict[str, Any]) -> None:
        flags = {k: (None if data.get(k) is None else bool(data[k])) for k in ("is_in_stock", "manage_stock")}
        call.model.catalog.set_stock(sku, data.get("qty"), min_qty=data.get("min_qty"), **flags)

    def _stock_id(self, stock_id: str) -> None:
        if _int(stock_id) != 1:
            raise errors.not_found('Stock with id "%value" does not exist.', {"value": stock_id})

    def op_salableQty(self, call: Call, sku: str, stock_id: str) -> float:
        self._stock_id(stock_id)
        call.model.catalog.product(sku)
        return float(call.model.catalog.salable_qty(sku))

    def op_isSalable(self, call: Call, sku: str, stock_id: str) -> bool:
        self._stock_id(stock_id)
        return call.model.catalog.is_salable(sku)

    def op_isSalableForQty(self, call: Call, sku: str, stock_id: str, qty: str) -> dict[str, Any]:
        self._stock_id(stock_id)
        wanted = decimal(qty, "float")
        if call.model.catalog.is_salable(sku, wanted):
            return {"salable": True, "errors": []}
        if sku not in call.model.catalog.products or not call.model.catalog.products[sku].enabled:
            problem = {"code": "is_product_salable-not_salable", "message": "The product is not salable."}
        else:
            problem = {"code": "is_correct_qty-not_enough", "message": errors.QTY_NOT_AVAILABLE}
        return {"salable": False, "errors": [problem]}

    # -- customers ------------------------------------------------------------------------------------
    def op_customerSearch(self, call: Call) -> dict[str, Any]:
        return _search(list(call.model.customers.customers.values()), parse_criteria(call.request.args))

    def op_customerCreate(self, call: Call) -> dict[str, Any]:
        return call.model.customers.create(_wrapped(call.body, "customer"), default_store_id=call.store_id)

    def op_customerGet(self, call: Call, customer_id: str) -> dict[str, Any]:
        return call.model.customers.get(_int(customer_id))

    # -- orders ---------------------------------------------------------------------------------------
    def op_orderCreate(self, call: Call) -> dict[str, Any]:
        return call.model.book.place(_wrapped(call.body, "entity"), default_store_id=call.store_id, given=True)

    def op_orderGet(self, call: Call, order_id: str) -> dict[str, Any]:
        return call.model.book.order(_int(order_id))

    def op_orderSearch(self, call: Call) -> dict[str, Any]:
        criteria = parse_criteria(call.request.args)
        book = call.model.book

        def lookup(field_name: str, value: str) -> set[int] | None:
            if field_name not in _ORDER_INDEXES:
                return None
            return book.ids_for("po_number" if field_name.endswith("po_number") else field_name, value)

        ids = narrow(criteria, lookup)
        rows = book.orders.values() if ids is None else [book.orders[i] for i in sorted(ids)]
        return _search(rows, criteria)  # a scan reads one stored order at a time and keeps the matches

    def op_orderStatusGet(self, call: Call, order_id: str) -> str:
        return str(call.model.book.order(_int(order_id))["status"])

    def op_orderItemSearch(self, call: Call) -> dict[str, Any]:
        items = (item for order in call.model.book.orders.values() for item in order["items"])
        return _search(items, parse_criteria(call.request.args))

    def op_orderItemGet(self, call: Call, item_id: str) -> dict[str, Any]:
        wanted = _int(item_id)
        for order in call.model.book.orders.values():
            for item in order["items"]:
                if item["item_id"] == wanted:
                    return dict(item)
        raise errors.not_found()

    def op_orderCancel(self, call: Call, order_id: str) -> bool:
        return call.model.book.cancel(_int(order_id))

    def op_orderHold(self, call: Call, order_id: str) -> bool:
        return call.model.book.hold(_int(order_id))

    def op_orderUnhold(self, call: Call, order_id: str) -> bool:
        return call.model.book.unhold(_int(order_id))

    def op_orderCommentsGet(self, call: Call, order_id: str) -> dict[str, Any]:
        histories = call.model.book.order(_int(order_id))["status_histories"]
        return {"items": histories, "search_criteria": {"filter_groups": []}, "total_count": len(histories)}

    def op_orderCommentAdd(self, call: Call, order_id: str) -> bool:
        history = _wrapped(call.body, "statusHistory")
        comment = history.get("comment")
        if not isinstance(comment, str) or not comment.strip():
            raise required("comment")
        status = history.get("status")
        if status is not None and not isinstance(status, str):
            raise invalid_type(status, "string")
        call.model.book.add_comment(
            _int(order_id),
            comment,
            status or None,
            notify=bool(history.get("is_customer_notified")),
            visible=bool(history.get("is_visible_on_front")),
            any_state=True,
        )
        return True

    @staticmethod
    def _comment(body: dict[str, Any]) -> str | None:
        comment = body.get("comment")
        if comment is None:
            return None
        if not isinstance(comment, dict):
            raise invalid_type(comment, "object")
        return str(comment.get("comment") or "") or None

    def op_orderInvoice(self, call: Call, order_id: str) -> str:
        body = call.body if isinstance(call.body, dict) else {}
        invoice = call.model.book.invoice(_int(order_id), body.get("items"), comment=self._comment(body))
        return str(invoice["entity_id"])

    def op_orderShip(self, call: Call, order_id: str) -> str:
        body = call.body if isinstance(call.body, dict) else {}
        book = call.model.book
        shipment = book.ship(_int(order_id), body.get("items"), body.get("tracks"), comment=self._comment(body))
        return str(shipment["entity_id"])

    def op_orderRefund(self, call: Call, order_id: str) -> str:
        body = call.body if isinstance(call.body, dict) else {}
        memo = call.model.book.refund(
            _int(order_id), body.get("items"), arguments=body.get("arguments"), comment=self._comment(body)
        )
        return str(memo["entity_id"])

    # -- checkout: admin and guest carts (simulators.magento.checkout) ---------------------------------
    def op_cartCreate(self, call: Call) -> int:
        return call.model.checkout.create(call.store_id, guest=False).cart_id

    def op_guestCartCreate(self, call: Call) -> str:
        return str(call.model.checkout.create(call.store_id, guest=True).masked_id)

    def op_cartAssign(self, call: Call, cart_id: str) -> bool:
        body = call.body if isinstance(call.body, dict) else {}
        for name in ("customerId", "storeId"):
            if body.get(name) is None:
                raise required(name)
        cart = call.model.checkout.cart(cart_id, guest=False)
        return call.model.checkout.assign_customer(cart, body["customerId"], body["storeId"])

    def _cart_items(self, call: Call, cart_id: str, guest: bool) -> list[dict[str, Any]]:
        return [dict(i) for i in call.model.checkout.cart(cart_id, guest=guest).items]

    def op_cartItems(self, call: Call, cart_id: str) -> list[dict[str, Any]]:
        return self._cart_items(call, cart_id, False)

    def op_guestCartItems(self, call: Call, cart_id: str) -> list[dict[str, Any]]:
        return self._cart_items(call, cart_id, True)

    def _cart_item_add(self, call: Call, cart_id: str, guest: bool) -> dict[str, Any]:
        item = _wrapped(call.body, "cartItem")
        return call.model.checkout.add_item(call.model.checkout.cart(cart_id, guest=guest), item)

    def op_cartItemAdd(self, call: Call, cart_id: str) -> dict[str, Any]:
        return self._cart_item_add(call, cart_id, False)

    def op_guestCartItemAdd(self, call: Call, cart_id: str) -> dict[str, Any]:
        return self._cart_item_add(call, cart_id, True)

    def op_cartItemDelete(self, call: Call, cart_id: str, item_id: str) -> bool:
        return call.model.checkout.remove_item(call.model.checkout.cart(cart_id, guest=False), item_id)

    def op_guestCartItemDelete(self, call: Call, cart_id: str, item_id: str) -> bool:
        return call.model.checkout.remove_item(call.model.checkout.cart(cart_id, guest=True), item_id)

    def _cart_billing(self, call: Call, cart_id: str, guest: bool) -> int:
        cart = call.model.checkout.cart(cart_id, guest=guest)
        return call.model.checkout.set_billing(cart, _wrapped(call.body, "address"))

    def op_cartBilling(self, call: Call, cart_id: str) -> int:
        return self._cart_billing(call, cart_id, False)

    def op_guestCartBilling(self, call: Call, cart_id: str) -> int:
        return self._cart_billing(call, cart_id, True)

    def _cart_shipping(self, call: Call, cart_id: str, guest: bool) -> dict[str, Any]:
        cart = call.model.checkout.cart(cart_id, guest=guest)
        return call.model.checkout.set_shipping(cart, _wrapped(call.body, "addressInformation"))

    def op_cartShipping(self, call: Call, cart_id: str) -> dict[str, Any]:
        return self._cart_shipping(call, cart_id, False)

    def op_guestCartShipping(self, call: Call, cart_id: str) -> dict[str, Any]:
        return self._cart_shipping(call, cart_id, True)

    def _cart_order(self, call: Call, cart_id: str, guest: bool) -> int:
        cart = call.model.checkout.cart(cart_id, guest=guest)
        body = call.body if isinstance(call.body, dict) else {}
        return call.model.checkout.place(cart, body.get("paymentMethod") or {})

    def op_cartOrder(self, call: Call, cart_id: str) -> int:
        return self._cart_order(call, cart_id, False)

    def op_guestCartOrder(self, call: Call, cart_id: str) -> int:
        return self._cart_order(call, cart_id, True)

    def op_guestCartPayment(self, call: Call, cart_id: str) -> int:
        cart = call.model.checkout.cart(cart_id, guest=True)
        body = call.body if isinstance(call.body, dict) else {}
        if body.get("email") in (None, ""):
            raise required("email")
        payment = _wrapped(call.body, "paymentMethod")
        return call.model.checkout.place(cart, payment, email=body["email"], billing=body.get("billingAddress"))

    # -- documents ------------------------------------------------------------------------------------
    def _document(self, call: Call, kind: str, doc_id: str) -> dict[str, Any]:
        store = {"invoice": call.model.book.invoices, "shipment": call.model.book.shipments}.get(
            kind, call.model.book.creditmemos
        )
        document = store.get(_int(doc_id))
        if document is None:
            raise errors.not_found()
        return document

    def op_invoiceGet(self, call: Call, doc_id: str) -> dict[str, Any]:
        return self._document(call, "invoice", doc_id)

    def op_shipmentGet(self, call: Call, doc_id: str) -> dict[str, Any]:
        return self._document(call, "shipment", doc_id)

    def op_creditmemoGet(self, call: Call, doc_id: str) -> dict[str, Any]:
        return self._document(call, "creditmemo", doc_id)

    def _documents(self, call: Call, kind: str) -> dict[str, Any]:
        criteria = parse_criteria(call.request.args)
        book = call.model.book
        store = {"invoice": book.invoices, "shipment": book.shipments, "creditmemo": book.creditmemos}[kind]

        def lookup(field_name: str, value: str) -> set[int] | None:
            if field_name != "order_id":
                return None
            try:
                return {doc["entity_id"] for doc in book.documents(kind, int(value))}
            except ValueError:
                return set()

        ids = narrow(criteria, lookup)
        rows = list(store.values()) if ids is None else [store[i] for i in sorted(ids)]
        return _search(rows, criteria)

    def op_invoiceSearch(self, call: Call) -> dict[str, Any]:
        return self._documents(call, "invoice")

    def op_shipmentSearch(self, call: Call) -> dict[str, Any]:
        return self._documents(call, "shipment")

    def op_creditmemoSearch(self, call: Call) -> dict[str, Any]:
        return self._documents(call, "creditmemo")


def _body(request: Request) -> Any:
    try:
        return read_json(request)
    except ValueError as err:
        raise MagentoError(400, errors.DECODING_ERROR) from err


__all__ = ["MagentoApp"]
