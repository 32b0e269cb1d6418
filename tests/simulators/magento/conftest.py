"""Fixtures for the fake Magento: an authorised REST caller whose every answer is checked against Adobe's schema.

``Api`` validates each response against the 2.4.9 admin schema (``../shared/vendor/magento``) when that
file is present; where Magento's real answers differ from its schema the check is loosened, each
time for a stated reason:

- Null: Magento's ``DataObjectProcessor`` leaves an unset field out when its getter is optional and
  sends it as ``null`` only when the getter is required, which is what the schema's ``required`` lists
  say. So an optional property may be absent but never null, and a required one must be present and
  may be null only where Magento's real answers have it (``NULL_REQUIRED``, per definition).
- ``error-response.parameters`` is an array in the schema, but Magento sends an object for named
  placeholders (``%fieldName``): any JSON value is accepted there.
- ``POST /V1/order/{id}/invoice|ship|refund`` answer the new document's ID as a JSON string
  (``"12"``, as pymagento documents), where the schema says integer: a digit string is accepted.

Routes of the companion module (admin messages, reservations) are not Magento's; they are checked
against the shapes their module docstring documents (``COMPANION`` below).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import requests
import yaml

from simulators.magento.model import MagentoModel
from tests.simulators import vendor_checks

SCHEMA_FILE = vendor_checks.VENDOR / "magento" / "admin-schema-2.4.9.yaml"
SCHEMA_ABSENT = f"Adobe's admin-schema-2.4.9.yaml is not at {SCHEMA_FILE} (../shared/vendor/ absent in this checkout)"
_TYPES = {"string", "number", "integer", "boolean", "object", "array"}
# Required by the schema, yet null in Magento's real answers (unset payment card data, track weight and quantity,
# cart totals' fixed product tax when none is configured).
NULL_REQUIRED = {
    "sales-data-order-payment-interface": {"account_status", "cc_last4"},
    "sales-data-shipment-track-interface": {"weight", "qty", "description"},
    "catalog-inventory-data-stock-item-interface": {"low_stock_date"},
    "quote-data-totals-interface": {"weee_tax_applied_amount"},  # no FPT configured
    "quote-data-totals-item-interface": {"weee_tax_applied_amount", "weee_tax_applied"},
}
_DOCUMENT_ROUTES = {"/V1/order/{orderId}/invoice", "/V1/order/{orderId}/ship", "/V1/order/{orderId}/refund"}

_MESSAGE = {
    "type": "object",
    "required": ["identity", "severity", "text", "created_at"],
    "properties": {
        "identity": {"type": "string"},
        "severity": {"enum": [1, 2, 3, 4]},
        "text": {"type": "string"},
        "created_at": {"type": "string"},
    },
}
_RESERVATION = {
    "type": "object",
    "required": ["reservation_id", "stock_id", "sku", "quantity", "metadata"],
    "properties": {
        "reservation_id": {"type": "integer"},
        "stock_id": {"type": "integer"},
        "sku": {"type": "string"},
        "quantity": {"type": "number"},
        "metadata": {"type": "string"},
    },
}
COMPANION: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "/V1/adminNotification/systemMessages"): {"type": "array", "items": _MESSAGE},
    ("put", "/V1/adminNotification/systemMessages/{identity}"): {"type": "boolean"},
    ("delete", "/V1/adminNotification/systemMessages/{identity}"): {"type": "boolean"},
    ("post", "/V1/inventory/reservations"): {"type": "array", "items": _RESERVATION},
    ("get", "/V1/inventory/reservations"): {
        "type": "object",
        "required": ["items", "search_criteria", "total_count"],
        "properties": {"items": {"type": "array", "items": _RESERVATION}, "total_count": {"type": "integer"}},
    },
}
_ERROR = {
    "type": "object",
    "required": ["message"],
    "properties": {"message": {"type": "string"}, "parameters": {"type": ["array", "object"]}},
}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if isinstance(kind, str) and kind in _TYPES:
        return {**schema, "type": [kind, "null"]}
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return schema


def _loosen(definitions: dict[str, Any]) -> dict[str, Any]:
    """Only the required properties of ``NULL_REQUIRED`` may be null; every other property never is."""
    out = {}
    for name, definition in definitions.items():
        properties = definition.get("properties")
        nullable = NULL_REQUIRED.get(name, set())
        if not isinstance(properties, dict) or not nullable:
            out[name] = definition
            continue
        loosened = {key: _nullable(value) if key in nullable else value for key, value in properties.items()}
        out[name] = {**definition, "properties": loosened}
    return out


class MagentoSchema:
    """Response schemas of Adobe's admin REST description, by route template, method and status."""

    companion = COMPANION

    def __init__(self, spec: dict[str, Any]) -> None:
        definitions = _loosen(copy.deepcopy(spec["definitions"]))
        definitions["error-response"]["properties"]["parameters"] = {}
        self.definitions = definitions
        self.paths = spec["paths"]
        self.templates = sorted(self.paths, key=lambda t: (t.count("{"), -len(t)))
        self._regex = {t: re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(t)) + "$") for t in self.paths}
        self._validators: dict[tuple[str, str, int], jsonschema.Draft4Validator] = {}

    def template(self, method: str, api_path: str) -> str | None:
        for candidate in self.templates:
            if method in self.paths[candidate] and self._regex[candidate].match(api_path):
                return candidate
        return None

    def validator(self, method: str, template: str, status: int) -> jsonschema.Draft4Validator:
        key = (method, template, status)
        if key not in self._validators:
            responses = self.paths[template][method]["responses"]
            schema = (responses.get(str(status)) or responses.get("default") or {}).get("schema") or {}
            self._validators[key] = jsonschema.Draft4Validator({**schema, "definitions": self.definitions})
        return self._validators[key]


@cache
def load_schema() -> MagentoSchema | None:
    if not SCHEMA_FILE.is_file():
        return None
    return MagentoSchema(yaml.load(SCHEMA_FILE.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def api_path(url: str) -> str:
    """``/V1/...`` of a request URL (whatever base, namespace or store code precedes it)."""
    path = urlsplit(url).path  # still percent-encoded, so an encoded "/" stays inside its segment
    return path[path.index("/V1/") :]


def check_response(response: requests.Response) -> str | None:
    """Validate a response against Adobe's schema (or the companion module's shapes); the route template.

    Without the schema file: fails in CI; elsewhere returns None unchecked, and the test, once every
    other check passed, is reported skipped (:mod:`tests.simulators.vendor_checks`).
    """
    schema = load_schema()
    if schema is None:
        vendor_checks.schema_absent(SCHEMA_ABSENT)
        return None
    method = (response.request.method or "GET").lower()
    path = api_path(response.request.url or "")
    body = response.json()
    companion = next(
        (
            (t, s)
            for (m, t), s in COMPANION.items()
            if m == method and re.match("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(t)) + "$", path)
        ),
        None,
    )
    if companion is not None:
        jsonschema.validate(body, companion[1] if response.status_code < 400 else _ERROR)
        return companion[0]
    template = schema.template(method, path)
    if template is None:  # not a route of Magento: only its "no route" error may answer
        assert response.status_code == 404, f"{method.upper()} {path} is not a route of Magento's admin schema"
        error_schema = {"$ref": "#/definitions/error-response", "definitions": schema.definitions}
        jsonschema.Draft4Validator(error_schema).validate(body)
        return None
    if template in _DOCUMENT_ROUTES and response.ok and isinstance(body, str):
        assert body.isdigit(), body
        body = int(body)
    if "fields=" in (urlsplit(response.request.url or "").query or ""):
        return template  # a ``fields``-filtered answer leaves out required keys by design
    errors = sorted(schema.validator(method, template, response.status_code).iter_errors(body), key=str)
    assert not errors, (
        f"{method.upper()} {path} ({response.status_code}) breaks the schema at "
        f"{list(errors[0].absolute_path)}: {errors[0].message}"
    )
    return template


@dataclass
class Api:
    """An authorised Magento REST caller over the in-process transport; every answer is schema-checked."""

    sims: Any
    token: str
    prefix: str = "/rest/V1"
    checked: set[tuple[str, str]] = field(default_factory=set)

    @property
    def model(self) -> MagentoModel:
        return self.sims.sandbox.magento

    def call(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> requests.Response:
        url = self.sims.magento_url + (path if path.startswith("/rest") else self.prefix + path)
        headers = {"Authorization": f"Bearer {token or self.token}", **kwargs.pop("headers", {})}
        response = requests.request(method, url, headers=headers, timeout=10, **kwargs)
        template = check_response(response)
        if template is not None:
            self.checked.add((method.upper(), template))
        return response

    def get(self, path: str, params: Any = None, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, params=params, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.call("POST", path, json=body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.call("PUT", path, json=body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("DELETE", path, **kwargs)

    def place(self, **overrides: Any) -> dict[str, Any]:
        """Place an order over REST (two of SKU-1 unless told otherwise); fails unless it is created."""
        response = self.post("/orders", {"entity": entity(**overrides)})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def checkout(self, items: dict[str, Any] | None = None, **address: Any) -> dict[str, Any]:
        """Place an order through a guest cart over REST (two of SKU-1 unless told otherwise); the order."""
        cart = self.post("/guest-carts")
        assert cart.status_code == 200, cart.text
        cart_id = cart.json()
        for sku, qty in (items or {"SKU-1": 2}).items():
            added = self.post(
                f"/guest-carts/{cart_id}/items", {"cartItem": {"sku": sku, "qty": qty, "quote_id": cart_id}}
            )
            assert added.status_code == 200, added.text
        where = {**ADDRESS, **address}
        info = {"shipping_address": where, "billing_address": where}
        info.update(shipping_carrier_code="flatrate", shipping_method_code="flatrate")
        shipped = self.post(f"/guest-carts/{cart_id}/shipping-information", {"addressInformation": info})
        assert shipped.status_code == 200, shipped.text
        body = {"email": where["email"], "paymentMethod": {"method": "checkmo"}}
        placed = self.post(f"/guest-carts/{cart_id}/payment-information", body)
        assert placed.status_code == 200, placed.text
        return dict(self.get(f"/orders/{placed.json()}").json())

    @staticmethod
    def entity(**overrides: Any) -> dict[str, Any]:
        return entity(**overrides)

    @staticmethod
    def error(response: requests.Response, status: int) -> str:
        return error(response, status)


ADDRESS = {
    "firstname": "Jane",
    "lastname": "Buyer",
    "street": ["1 Main St"],
    "city": "Springfield",
    "region": "IL",
    "postcode": "62701",
    "country_id": "US",
    "telephone": "555-0100",
    "email": "jane@example.com",
}


def entity(**overrides: Any) -> dict[str, Any]:
    """An order entity like a connector sends."""
    address = dict(ADDRESS)
    body: dict[str, Any] = {
        "store_id": 1,
        "state": "processing",
        "status": "processing",
        "ext_order_id": "111-0000000-0000001",
        "customer_email": "jane@example.com",
        "customer_firstname": "Jane",
        "customer_lastname": "Buyer",
        "items": [{"sku": "SKU-1", "qty_ordered": 2, "price": 10.0, "tax_amount": 1.6, "name": "Widget"}],
        "billing_address": {**address, "address_type": "billing"},
        "payment": {"method": "amazonpayment", "po_number": "111-0000000-0000001", "additional_information": ["x"]},
        "extension_attributes": {
            "shipping_assignments": [{"shipping": {"address": {**address, "address_type": "shipping"}}}]
        },
    }
    body.update(overrides)
    return body


def error(response: requests.Response, status: int) -> str:
    """The rendered message of a Magento error envelope with this status (fails otherwise)."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("message"), str), body
    assert set(body) <= {"message", "parameters", "trace", "errors", "code"}, body
    message = body["message"]
    params = body.get("parameters")
    if isinstance(params, dict):
        for key, value in params.items():
            message = message.replace(f"%{key}", str(value))
    elif isinstance(params, list):
        for index, value in reversed(list(enumerate(params, 1))):
            message = message.replace(f"%{index}", str(value))
    return message


@pytest.fixture
def schema() -> MagentoSchema:
    """Adobe's admin schema (without ``../shared/vendor/`` the test fails in CI and is skipped elsewhere)."""
    loaded = load_schema()
    if loaded is None:
        vendor_checks.skip_or_fail(SCHEMA_ABSENT)
    assert loaded is not None
    return loaded


@pytest.fixture
def api(sims: Any) -> Iterator[Api]:
    """A caller with an admin token and a catalog holding SKU-1 (10 in stock) and SKU-2 (5 in stock)."""
    model: MagentoModel = sims.sandbox.magento
    model.create_product("SKU-1", name="Widget", price="10.00", qty=10)
    model.create_product("SKU-2", name="Gadget", price="4.50", qty=5)
    yield Api(sims, sims.magento_token())
