"""Checkout: carts (quotes) and placing an order from one, with the checks Magento's checkout makes.

Unlike the order repository's save (``POST /V1/orders``), checkout refuses what cannot be sold:
adding an item looks the product up (``CartItemRepository::save``), refuses a disabled product
(``AbstractType::_prepareProduct``) and asks MSI whether the requested quantity is salable; placing
the order (``QuoteManagement::placeOrder``) validates the quote (``QuoteValidator``), asks MSI again
and places the order's MSI reservation (``order_placed``). A cart is an admin cart
(``POST /V1/carts/``, an integer ID) or a guest cart (``POST /V1/guest-carts``, a masked ID).

The fake offers the offline payment methods (:data:`PAYMENT_METHODS`) and two shipping methods,
``flatrate_flatrate`` (5.00 per item, Magento's default) and ``freeshipping_freeshipping``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from simulators.clock import SimClock
from simulators.magento import entities
from simulators.magento import errors as e
from simulators.magento.catalog import ZERO, Catalog, decimal
from simulators.magento.customers import CustomerBook
from simulators.magento.errors import MagentoError, bad_request, invalid_type, required
from simulators.magento.orders import OrderBook, money
from simulators.magento.stores import StoreTree

PAYMENT_METHODS = {
    "checkmo": "Check / Money order",
    "banktransfer": "Bank Transfer Payment",
    "cashondelivery": "Cash On Delivery",
    "purchaseorder": "Purchase Order",
}
SHIPPING_METHODS = {
    ("flatrate", "flatrate"): ("Flat Rate", "Fixed", Decimal("5.00")),  # per item
    ("freeshipping", "freeshipping"): ("Free Shipping", "Free", ZERO),
}
QUOTE_ADDRESS_FIELDS = ("firstname", "lastname", "street", "city", "postcode", "country_id", "telephone")


@dataclass
class Cart:
    """One quote: its items, addresses, shipping method and customer."""

    cart_id: int
    store_id: int
    created_at: str
    masked_id: str | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    customer_id: int | None = None
    email: str | None = None
    billing_address: dict[str, Any] | None = None
    shipping_address: dict[str, Any] | None = None
    shipping_method: tuple[str, str] | None = None
    is_active: bool = True
    order_id: int | None = None

    def quantities(self) -> dict[str, Decimal]:
        wanted: dict[str, Decimal] = {}
        for item in self.items:
            wanted[item["sku"]] = wanted.get(item["sku"], ZERO) + decimal(item["qty"])
        return wanted


def no_cart(cart_id: Any) -> MagentoError:
    return e.not_found(e.NO_SUCH_ENTITY, {"fieldName": "cartId", "fieldValue": cart_id})


def quote_address(raw: Any, message: str) -> dict[str, Any]:
    """A quote address; ``message`` (Magento's 400 for the step) when a field checkout needs is missing."""
    if not isinstance(raw, dict):
        raise invalid_type(raw, "Magento\\Quote\\Api\\Data\\AddressInterface")
    street = raw.get("street", [])
    if isinstance(street, str):
        street = [street]
    if not isinstance(street, list) or not all(isinstance(s, str) for s in street):
        raise invalid_type(street, "string[]")
    if any(raw.get(f) in (None, "", []) for f in QUOTE_ADDRESS_FIELDS):
        raise bad_request(message)
    return {**raw, "street": street}


@dataclass
class Checkout:
    """All carts of one Magento, and the order placement from them."""

    clock: SimClock
    stores: StoreTree
    catalog: Catalog
    customers: CustomerBook
    book: OrderBook
    carts: dict[int, Cart] = field(default_factory=dict)
    masked: dict[str, int] = field(default_factory=dict)
    _ids: dict[str, int] = field(default_factory=dict)

    def _next(self, kind: str) -> int:
        self._ids[kind] = self._ids.get(kind, 0) + 1
        return self._ids[kind]

    # -- carts ---------------------------------------------------------------------------------------
    def create(self, store_id: int, *, guest: bool) -> Cart:
        """An empty cart in the store view (``createEmptyCart``); a guest cart gets a masked ID."""
        cart = Cart(self._next("cart"), store_id, self.clock.now().strftime("%Y-%m-%d %H:%M:%S"))
        if guest:
            cart.masked_id = secrets.token_hex(16)
            self.masked[cart.masked_id] = cart.cart_id
        self.carts[cart.cart_id] = cart
        return cart

    def cart(self, cart_id: Any, *, guest: bool) -> Cart:
        """An active cart by ID (masked for a guest), or Magento's 404."""
        if guest:
            number = self.masked.get(str(cart_id))
        else:
            try:
                number = int(str(cart_id))
            except ValueError:
                number = None
        cart = self.carts.get(number) if number is not None else None
        if cart is None or not cart.is_active:
            raise no_cart(cart_id)
        return cart

    def assign_customer(self, cart: Cart, customer_id: Any, store_id: Any) -> bool:
        """``PUT /V1/carts/{id}``: the cart becomes the customer's (``assignCustomer``)."""
        customer = self.customers.get(entities.integer(customer_id, "customerId"))
        store = self.stores.view_by_id(entities.integer(store_id, "storeId"))
        if customer["website_id"] != store.website_id:
            raise bad_request(e.CUSTOMER_NOT_OF_STORE)
        if cart.customer_id is not None:
            raise bad_request(e.CART_HAS_CUSTOMER)
        cart.customer_id, cart.email = customer["id"], customer["email"]
        return True

    def add_item(self, cart: Cart, raw: Any) -> dict[str, Any]:
        """Add a product to the cart, refused as checkout refuses a missing, disabled or unsalable one."""
        if not isinstance(raw, dict):
            raise invalid_type(raw, "Magento\\Quote\\Api\\Data\\CartItemInterface")
        sku = raw.get("sku")
        if not isinstance(sku, str) or not sku:
            raise required("sku")
        qty = decimal(raw.get("qty") if raw.get("qty") is not None else 1, "float")
        if qty <= 0:
            raise bad_request(e.INVALID_FIELD_VALUE, {"value": raw.get("qty"), "fieldName": "qty"})
        product = self.catalog.products.get(sku)
        if product is None:
            raise e.not_found(e.PRODUCT_NOT_FOUND)
        existing = next((i for i in cart.items if i["sku"] == sku), None)
        total = qty + (decimal(existing["qty"]) if existing else ZERO)
        self._check_salable(sku, total)
        if existing is not None:
            existing["qty"] = float(total)
            return dict(existing)
        item = {
            "item_id": self._next("quote_item"),
            "sku": sku,
            "qty": float(qty),
            "name": product.name,
            "price": float(product.price),
            "product_type": "simple",
            "quote_id": str(cart.masked_id or cart.cart_id),
        }
        cart.items.append(item)
        return dict(item)

    def _check_salable(self, sku: str, qty: Decimal) -> None:
        """MSI's ``IsProductSalableForRequestedQty`` with the messages checkout shows."""
        product = self.catalog.products.get(sku)
        if product is None:
            raise e.not_found(e.PRODUCT_NOT_FOUND)
        if not product.enabled:
            raise bad_request(e.PRODUCT_NOT_AVAILABLE)
        stock = self.catalog.stock.get(sku)
        if stock is not None and stock.manage_stock and not stock.is_in_stock:
            raise bad_request(e.OUT_OF_STOCK)
        if not self.catalog.is_salable(sku, qty):
            raise bad_request(e.QTY_NOT_AVAILABLE)

    def remove_item(self, cart: Cart, item_id: Any) -> bool:
        number = entities.integer(item_id, "itemId")
        kept = [i for i in cart.items if i["item_id"] != number]
        if len(kept) == len(cart.items):
            raise e.not_found(e.CART_ITEM_NOT_FOUND, [cart.masked_id or cart.cart_id, number])
        cart.items = kept
        return True

    def set_billing(self, cart: Cart, raw: Any) -> int:
        if raw is None:
            raise required("address")
        cart.billing_address = {**quote_address(raw, e.ADDRESS_NOT_SAVED), "id": self._next("quote_address")}
        return int(cart.billing_address["id"])

    def set_shipping(self, cart: Cart, info: Any) -> dict[str, Any]:
        """``saveAddressInformation``: the shipping address and method (and billing address, if given)."""
        if not isinstance(info, dict):
            raise invalid_type(info, "Magento\\Checkout\\Api\\Data\\ShippingInformationInterface")
        if not cart.items:
            raise bad_request(e.SHIPPING_EMPTY_CART)
        carrier, method = info.get("shipping_carrier_code"), info.get("shipping_method_code")
        if not carrier or not method:
            raise bad_request(e.SHIPPING_METHOD_MISSING)
        if info.get("shipping_address") is None:
            raise bad_request(e.SHIPPING_ADDRESS_MISSING)
        address = quote_address(info["shipping_address"], e.SHIPPING_INFO_NOT_SAVED)
        if (carrier, method) not in SHIPPING_METHODS:
            raise e.not_found(e.CARRIER_NOT_FOUND, [carrier, method])
        if info.get("billing_address") is not None:
            self.set_billing(cart, info["billing_address"])
        cart.shipping_address = {**address, "id": self._next("quote_address")}
        cart.shipping_method = (str(carrier), str(method))
        return {
            "payment_methods": [{"code": c, "title": t} for c, t in PAYMENT_METHODS.items()],
            "totals": self.totals(cart),
        }

    def _shipping_amount(self, cart: Cart) -> Decimal:
        if cart.shipping_method is None:
            return ZERO
        rate = SHIPPING_METHODS[cart.shipping_method][2]
        return rate * sum(cart.quantities().values(), ZERO)

    def totals(self, cart: Cart) -> dict[str, Any]:
        subtotal = sum((money(decimal(i["price"]) * decimal(i["qty"])) for i in cart.items), ZERO)
        shipping = self._shipping_amount(cart)
        grand = subtotal + shipping
        currency = "USD"
        return {
            "grand_total": float(grand),
            "base_grand_total": float(grand),
            "subtotal": float(subtotal),
            "base_subtotal": float(subtotal),
            "discount_amount": 0.0,
            "base_discount_amount": 0.0,
            "subtotal_with_discount": float(subtotal),
            "base_subtotal_with_discount": float(subtotal),
            "shipping_amount": float(shipping),
            "base_shipping_amount": float(shipping),
            "shipping_discount_amount": 0.0,
            "base_shipping_discount_amount": 0.0,
            "tax_amount": 0.0,
            "base_tax_amount": 0.0,
            "weee_tax_applied_amount": None,
            "shipping_tax_amount": 0.0,
            "base_shipping_tax_amount": 0.0,
            "subtotal_incl_tax": float(subtotal),
            "shipping_incl_tax": float(shipping),
            "base_shipping_incl_tax": float(shipping),
            "base_currency_code": currency,
            "quote_currency_code": currency,
            "items_qty": int(sum(cart.quantities().values(), ZERO)),
            "items": [
                {
                    "item_id": i["item_id"],
                    "price": i["price"],
                    "base_price": i["price"],
                    "qty": i["qty"],
                    "row_total": float(money(decimal(i["price"]) * decimal(i["qty"]))),
                    "base_row_total": float(money(decimal(i["price"]) * decimal(i["qty"]))),
                    "tax_amount": 0.0,
                    "base_tax_amount": 0.0,
                    "tax_percent": 0.0,
                    "discount_amount": 0.0,
                    "base_discount_amount": 0.0,
                    "options": "[]",
                    "weee_tax_applied_amount": None,
                    "weee_tax_applied": None,
                    "name": i["name"],
                }
                for i in cart.items
            ],
            "total_segments": [
                {"code": "subtotal", "title": "Subtotal", "value": float(subtotal)},
                {"code": "shipping", "title": "Shipping & Handling", "value": float(shipping)},
                {"code": "grand_total", "title": "Grand Total", "value": float(grand), "area": "footer"},
            ],
        }

    # -- placing the order ----------------------------------------------------------------------------
    def place(self, cart: Cart, payment: Any, *, email: Any = None, billing: Any = None) -> int:
        """``placeOrder``: validate the quote, check salability again, save the order, reserve its stock."""
        if not isinstance(payment, dict):
            raise invalid_type(payment, "Magento\\Quote\\Api\\Data\\PaymentInterface")
        if billing is not None:
            self.set_billing(cart, billing)
        if email is not None:
            if not isinstance(email, str) or "@" not in email.strip("@"):
                raise bad_request(e.INVALID_EMAIL, [email])
            cart.email = email
        if not cart.items:
            raise bad_request(e.SHIPPING_EMPTY_CART)
        if cart.shipping_address is None:
            raise bad_request(e.SHIPPING_ADDRESS_INVALID, [e.SHIPPING_ADDRESS_MISSING])
        if cart.shipping_method is None:
            raise bad_request(e.SHIPPING_METHOD_MISSING)
        if cart.billing_address is None:
            raise bad_request(e.BILLING_ADDRESS_INVALID, ['"firstname" is required. Enter and try again.'])
        method = payment.get("method")
        if not method:
            raise bad_request(e.PAYMENT_METHOD_MISSING)
        if method not in PAYMENT_METHODS:
            raise bad_request(e.PAYMENT_METHOD_NOT_AVAILABLE)
        email_address = cart.email or cart.billing_address.get("email")
        if not email_address:
            raise bad_request(e.BILLING_ADDRESS_INVALID, ['"email" is required. Enter and try again.'])
        for sku, qty in cart.quantities().items():
            self._check_salable(sku, qty)
        entity = self._order_entity(cart, str(method), str(email_address), payment)
        order = self.book.place(entity, cart.store_id)
        self.book.reserve_placed(order)
        cart.is_active, cart.order_id = False, int(order["entity_id"])
        return int(order["entity_id"])

    def _order_entity(self, cart: Cart, method: str, email: str, payment: dict[str, Any]) -> dict[str, Any]:
        billing = dict(cart.billing_address or {})
        shipping = dict(cart.shipping_address or {})
        for address in (billing, shipping):
            address.pop("id", None)
            address.setdefault("email", email)
        customer = self.customers.get(cart.customer_id) if cart.customer_id is not None else None
        names = customer or billing
        carrier, code = cart.shipping_method or ("", "")
        entity: dict[str, Any] = {
            "store_id": cart.store_id,
            "quote_id": cart.cart_id,
            "customer_email": email,
            "customer_firstname": names.get("firstname"),
            "customer_lastname": names.get("lastname"),
            "customer_is_guest": 0 if customer else 1,
            "shipping_amount": float(self._shipping_amount(cart)),
            "shipping_description": " - ".join(SHIPPING_METHODS[(carrier, code)][:2]),
            "shipping_method": f"{carrier}_{code}",
            "items": [
                {
                    "sku": i["sku"],
                    "qty_ordered": i["qty"],
                    "price": i["price"],
                    "name": i["name"],
                    "quote_item_id": i["item_id"],
                }
                for i in cart.items
            ],
            "billing_address": {**billing, "address_type": "billing"},
            "payment": {"method": method, **({"po_number": payment["po_number"]} if payment.get("po_number") else {})},
            "extension_attributes": {
                "shipping_assignments": [
                    {"shipping": {"address": {**shipping, "address_type": "shipping"}, "method": f"{carrier}_{code}"}}
                ]
            },
        }
        if customer is not None:
            entity["customer_id"] = customer["id"]
        return entity


__all__ = ["PAYMENT_METHODS", "SHIPPING_METHODS", "Cart", "Checkout"]
