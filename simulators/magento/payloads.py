"""How the fake Magento's state looks on the wire: products, stock items, stores, and ``fields`` filtering."""

from __future__ import annotations

from typing import Any

from simulators.magento.catalog import Catalog, Product, StockItem
from simulators.magento.stores import StoreTree


def product(catalog: Catalog, item: Product) -> dict[str, Any]:
    """``catalog-data-product-interface`` with the stock item in its extension attributes."""
    body: dict[str, Any] = {
        "id": item.id,
        "sku": item.sku,
        "name": item.name,
        "attribute_set_id": 4,
        "price": float(item.price),
        "status": item.status,
        "visibility": item.visibility,
        "type_id": "simple",
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "weight": float(item.weight),
        "extension_attributes": {"website_ids": [1]},
        "product_links": [],
        "options": [],
        "media_gallery_entries": [],
        "tier_prices": [],
        "custom_attributes": [
            {"attribute_code": "url_key", "value": item.sku.lower().replace(" ", "-")},
            {"attribute_code": "tax_class_id", "value": "2"},
        ],
    }
    stock = catalog.stock.get(item.sku)
    if stock is not None:
        body["extension_attributes"]["stock_item"] = stock_item(item, stock)
    return body


def stock_item(item: Product, stock: StockItem) -> dict[str, Any]:
    """``catalog-inventory-data-stock-item-interface`` of the default stock."""
    return {
        "item_id": item.id,
        "product_id": item.id,
        "stock_id": 1,
        "qty": float(stock.qty),
        "is_in_stock": stock.is_in_stock,
        "is_qty_decimal": False,
        "show_default_notification_message": False,
        "use_config_min_qty": not stock.min_qty,
        "min_qty": float(stock.min_qty),
        "use_config_min_sale_qty": 1,
        "min_sale_qty": 1,
        "use_config_max_sale_qty": True,
        "max_sale_qty": 10000,
        "use_config_backorders": True,
        "backorders": 0,
        "use_config_notify_stock_qty": True,
        "notify_stock_qty": 1,
        "use_config_qty_increments": True,
        "qty_increments": 0,
        "use_config_enable_qty_inc": True,
        "enable_qty_increments": False,
        "use_config_manage_stock": stock.manage_stock,
        "manage_stock": stock.manage_stock,
        "low_stock_date": None,
        "is_decimal_divided": False,
        "stock_status_changed_auto": 0,
    }


def websites(tree: StoreTree) -> list[dict[str, Any]]:
    rows = [{"id": 0, "code": "admin", "name": "Admin", "default_group_id": 0}]
    rows += [
        {"id": w.id, "code": w.code, "name": w.name, "default_group_id": w.default_group_id} for w in tree.websites
    ]
    return rows


def store_groups(tree: StoreTree) -> list[dict[str, Any]]:
    rows = [
        {"id": 0, "website_id": 0, "root_category_id": 0, "default_store_id": 0, "name": "Default", "code": "default"}
    ]
    rows += [
        {
            "id": g.id,
            "website_id": g.website_id,
            "root_category_id": g.root_category_id,
            "default_store_id": g.default_store_id,
            "name": g.name,
            "code": g.code,
        }
        for g in tree.groups
    ]
    return rows


def store_views(tree: StoreTree) -> list[dict[str, Any]]:
    rows = [{"id": 0, "code": "admin", "name": "Admin", "website_id": 0, "store_group_id": 0, "is_active": 1}]
    rows += [
        {
            "id": v.store_id,
            "code": v.store_code,
            "name": v.name,
            "website_id": v.website_id,
            "store_group_id": v.group_id,
            "is_active": int(v.is_active),
        }
        for v in tree.views
    ]
    return rows


def store_configs(tree: StoreTree) -> list[dict[str, Any]]:
    rows = []
    for v in tree.views:
        base, secure = f"http://magento.test/{v.store_code}/", f"https://magento.test/{v.store_code}/"
        rows.append(
            {
                "id": v.store_id,
                "code": v.store_code,
                "website_id": v.website_id,
                "locale": "en_US",
                "base_currency_code": "USD",
                "default_display_currency_code": "USD",
                "timezone": "UTC",
                "weight_unit": "lbs",
                "base_url": base,
                "base_link_url": base,
                "base_static_url": "http://magento.test/static/",
                "base_media_url": "http://magento.test/media/",
                "secure_base_url": secure,
                "secure_base_link_url": secure,
                "secure_base_static_url": "https://magento.test/static/",
                "secure_base_media_url": "https://magento.test/media/",
            }
        )
    return rows


# -- the ``fields`` query parameter --------------------------------------------------------------------------
FieldTree = dict[str, "FieldTree | None"]


def parse_fields(spec: str) -> FieldTree:
    """``items[entity_id,payment[method]],total_count`` as a tree of wanted keys."""
    tree: FieldTree = {}
    stack: list[FieldTree] = [tree]
    name = ""
    for char in spec + ",":
        if char == "[":
            child: FieldTree = {}
            stack[-1][name.strip()] = child
            stack.append(child)
            name = ""
        elif char in ",]":
            if name.strip():
                stack[-1][name.strip()] = None
            name = ""
            if char == "]" and len(stack) > 1:
                stack.pop()
        else:
            name += char
    return tree


# Fields Magento's data interfaces declare required, so sent even when null: ``DataObjectProcessor`` leaves
# out a null value only when its getter is optional. Each entry: a key that marks the object, and its
# required keys that may be null there (tracks' weight, quantity and description; unset card data of a
# payment; a stock item's low-stock date; cart totals' fixed product tax when none is configured).
REQUIRED_NULLABLE: tuple[tuple[str, frozenset[str]], ...] = (
    ("track_number", frozenset({"weight", "qty", "description"})),
    ("cc_last4", frozenset({"account_status", "cc_last4"})),
    ("low_stock_date", frozenset({"low_stock_date"})),
    ("weee_tax_applied_amount", frozenset({"weee_tax_applied_amount", "weee_tax_applied"})),
)


def rest_output(body: Any, fields: FieldTree | None = None) -> Any:
    """A REST answer as Magento writes it: optional fields with no value left out, never ``null``
    (``ServiceOutputProcessor``), then, when the request names ``fields``, only those keys (``FieldsFilter``,
    which Magento applies to the answer of every method; lists are filtered item by item). One pass: a key
    the filter drops is never built."""
    if isinstance(body, list):
        return [rest_output(item, fields) for item in body]
    if not isinstance(body, dict):
        return body
    keep: frozenset[str] = frozenset()
    for marker, names in REQUIRED_NULLABLE:
        if marker in body:
            keep = keep | names
    if fields is None:
        return {k: rest_output(v) for k, v in body.items() if v is not None or k in keep}
    out = {}
    for key, sub in fields.items():
        if key in body and (body[key] is not None or key in keep):
            out[key] = rest_output(body[key], sub)
    return out
