"""Pieces of Magento's order entity: read from a request, typed and refused as Magento's input processor does.

Also the shapes of document lines and comments, reservation metadata and names as the admin shows them.
"""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal
from typing import Any

from simulators.magento.errors import invalid_type, required

ADDRESS_FIELDS = ("city", "country_id", "firstname", "lastname", "postcode", "telephone")


def integer(value: Any, name: str) -> int:
    """An integer field (numbers and numeric strings); Magento's type error otherwise."""
    if isinstance(value, bool):
        raise invalid_type(value, "int")
    try:
        return int(str(value))
    except ValueError as err:
        raise invalid_type(value, "int") from err


TEXT_FIELDS = ("increment_id", "ext_order_id", "customer_email", "customer_firstname", "customer_lastname")


def texts(entity: dict[str, Any]) -> dict[str, str]:
    """String fields as Magento's input processor casts them: numbers become text, objects are refused."""
    out = {}
    for name in TEXT_FIELDS:
        value = entity.get(name)
        if value is None or isinstance(value, str):
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise invalid_type(value, "string")
        out[name] = str(value)
    return out


def private_copy(value: Any) -> Any:
    """A deep copy of a request's data (what ``copy.deepcopy`` gives, shared parts still shared), made
    through pickle, which is about three times faster for JSON-like data; anything pickle refuses is
    deep-copied."""
    try:
        return pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except (pickle.PicklingError, TypeError, AttributeError):
        return copy.deepcopy(value)


def json_object(value: Any, expected: str) -> dict[str, Any]:
    """A JSON object field (absent or null: empty); Magento's type error for anything else."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_type(value, expected)
    return value


def reservation_meta(event: str, order: dict[str, Any]) -> dict[str, str]:
    """MSI's reservation metadata."""
    return {
        "event_type": event,
        "object_type": "order",
        "object_id": str(order["entity_id"]),
        "object_increment_id": str(order["increment_id"]),
    }


def address(raw: Any, kind: str) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise invalid_type(raw, "Magento\\Sales\\Api\\Data\\OrderAddressInterface")
    for name in ADDRESS_FIELDS:
        if raw.get(name) in (None, ""):
            raise required(name)
    street = raw.get("street", [])
    if isinstance(street, str):
        street = [street]
    if not isinstance(street, list) or not all(isinstance(s, str) for s in street):
        raise invalid_type(street, "string[]")
    address = dict(raw)  # the caller's copy: see ``private_copy``
    address.update({"address_type": kind, "street": street})
    return address


def payment(raw: Any) -> dict[str, Any]:
    if raw is None:
        raw = {"method": "checkmo"}
    if not isinstance(raw, dict):
        raise invalid_type(raw, "Magento\\Sales\\Api\\Data\\OrderPaymentInterface")
    if not isinstance(raw.get("method"), str) or not raw["method"]:
        raise required("method")
    info = raw.get("additional_information", [])
    if not isinstance(info, list) or not all(isinstance(x, str) for x in info):
        raise invalid_type(info, "string[]")
    payment = dict(raw)  # the caller's copy: see ``private_copy``
    payment.setdefault("account_status", None)
    payment.setdefault("cc_last4", None)
    payment["additional_information"] = info
    return payment


def tracks(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise invalid_type(raw, "Magento\\Sales\\Api\\Data\\ShipmentTrackCreationInterface[]")
    rows = []
    for track in raw:
        if not isinstance(track, dict):
            raise invalid_type(track, "Magento\\Sales\\Api\\Data\\ShipmentTrackCreationInterface")
        for name in ("track_number", "title", "carrier_code"):
            if not isinstance(track.get(name), str) or not track[name]:
                raise required(name)
        rows.append(
            {
                "track_number": track["track_number"],
                "title": track["title"],
                "carrier_code": track["carrier_code"],
                "description": track.get("description"),
            }
        )
    return rows


def document_line(item: dict[str, Any], qty: Decimal, row: Decimal, tax: Decimal) -> dict[str, Any]:
    """A line of an invoice, shipment or credit memo; fields the order item lacks are left out, as Magento does."""
    line = {
        "order_item_id": item["item_id"],
        "sku": item["sku"],
        "qty": float(qty),
        "price": item["price"],
        "base_price": item["base_price"],
        "row_total": float(row),
        "base_row_total": float(row),
        "tax_amount": float(tax),
        "base_tax_amount": float(tax),
    }
    line.update({k: item[k] for k in ("product_id", "name", "weight") if item.get(k) is not None})
    return line


def document_comment(parent_id: int, comment: str, now: str) -> dict[str, Any]:
    return {
        "comment": comment,
        "created_at": now,
        "is_customer_notified": 0,
        "is_visible_on_front": 0,
        "parent_id": parent_id,
    }


def shipping_address(order: dict[str, Any]) -> dict[str, Any] | None:
    for assignment in (order.get("extension_attributes") or {}).get("shipping_assignments") or []:
        address = (assignment.get("shipping") or {}).get("address")
        if address:
            return dict(address)
    return None


def full_name(address: dict[str, Any]) -> str:
    return " ".join(str(address[k]) for k in ("firstname", "lastname") if address.get(k))
