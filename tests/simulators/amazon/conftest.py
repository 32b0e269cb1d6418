"""Fixtures for the fake Amazon: an authorised in-process client and schema checks against Amazon's models."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema
import pytest
import requests

from simulators.amazon.model import AmazonModel
from tests.simulators import vendor_checks

VENDOR = vendor_checks.VENDOR / "amazon"
MODELS = {"v0": "ordersV0.json", "2026": "orders_2026-01-01.json", "tokens": "tokens_2021-03-01.json"}
SINCE = "2026-01-01T00:00:00Z"


@cache
def _spec(version: str) -> dict[str, Any]:
    return json.loads((VENDOR / MODELS[version]).read_text())


def check_schema(body: Any, definition: str, version: str = "v0") -> None:
    """Fail unless ``body`` validates against a definition of Amazon's model. Without the model: fails in CI;
    elsewhere the test goes on and ends skipped if all else passed (:mod:`tests.simulators.vendor_checks`)."""
    if not (VENDOR / MODELS[version]).is_file():
        reason = f"Amazon's {MODELS[version]} is not in {VENDOR} (../shared/vendor/ absent in this checkout)"
        vendor_checks.schema_absent(reason)
        return
    spec = _spec(version)
    schema = {"$ref": f"#/definitions/{definition}", "definitions": spec["definitions"]}
    jsonschema.Draft4Validator(schema).validate(body)


@dataclass
class Api:
    """An authorised SP-API caller over the in-process transport."""

    sims: Any
    token: str

    @property
    def model(self) -> AmazonModel:
        return self.sims.sandbox.amazon

    def get(self, path: str, params: Any = None, **kwargs: Any) -> requests.Response:
        headers = {"x-amz-access-token": self.token, **kwargs.pop("headers", {})}
        return requests.get(self.sims.amazon_url + path, params=params, headers=headers, timeout=5, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        headers = {"x-amz-access-token": self.token, **kwargs.pop("headers", {})}
        return requests.post(self.sims.amazon_url + path, json=body, headers=headers, timeout=5, **kwargs)

    def orders(self, **params: Any) -> requests.Response:
        query = {"MarketplaceIds": "ATVPDKIKX0DER", "LastUpdatedAfter": SINCE, **params}
        return self.get("/orders/v0/orders", {k: v for k, v in query.items() if v is not None})


@pytest.fixture
def api(sims: Any) -> Iterator[Api]:
    yield Api(sims, sims.amazon_token())


def envelope_codes(response: requests.Response) -> list[str]:
    """The codes of an SP-API error envelope (fails when the body is not that envelope)."""
    body = response.json()
    assert set(body) == {"errors"}, body
    assert all(isinstance(e.get("message"), str) and e["message"] for e in body["errors"]), body
    return [e["code"] for e in body["errors"]]


@pytest.fixture
def conforms() -> Any:
    """``conforms(body, definition, version="v0")``: validate against Amazon's model (skips without it)."""
    return check_schema


@pytest.fixture
def error_codes() -> Any:
    """``error_codes(response)``: the codes of an SP-API error envelope."""
    return envelope_codes
