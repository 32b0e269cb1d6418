"""The route reference and the ``GET /_sim/`` listing come from the simulators' own route tables."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from werkzeug.test import Client

from simulators import SandboxRegistry
from simulators.amazon.wire import AmazonApp
from simulators.magento.wire import MagentoApp
from simulators.routes import reference
from simulators.wsgi import ServiceApp

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "routes.md"
APPS = (AmazonApp, MagentoApp)


def test_the_committed_reference_is_the_generated_one() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == reference(), (
        "docs/routes.md is stale: regenerate it with `python -m simulators.routes --write docs/routes.md`"
    )


def _concrete(path: str) -> str:
    return re.sub(r"\{[A-Za-z_]+\}", "x1", path)


@pytest.mark.parametrize("app_class", APPS, ids=lambda c: c.service)
def test_the_listing_names_every_route_and_each_routes_to_its_operation(app_class: type[ServiceApp]) -> None:
    app = app_class(SandboxRegistry())
    answer = Client(app).get("/_sim/")
    assert answer.status_code == 200
    listing = json.loads(answer.get_data())
    assert listing["service"] == app.service
    routes = listing["routes"]
    assert len({(r["method"], r["path"]) for r in routes}) == len(routes)
    served = {(m, rule.endpoint) for rule in app.url_map.iter_rules() for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert {(r["method"], r["operation"]) for r in routes} == served
    for route in routes:
        for path in {route["path"].replace("[/{store_code}]", ""), route["path"].replace("[/{store_code}]", "/all")}:
            matched, _ = app.url_map.bind("sim").match(_concrete(path), method=route["method"])
            assert matched == route["operation"], route


@pytest.mark.parametrize("app_class", APPS, ids=lambda c: c.service)
def test_every_listed_control_route_is_served(app_class: type[ServiceApp]) -> None:
    app = app_class(SandboxRegistry())
    client = Client(app)
    listing = json.loads(client.get("/ns/listing/_sim/").get_data())
    controls = listing["control_routes"]
    assert {"method": "GET", "path": "/_sim/clock"} in [{k: c[k] for k in ("method", "path")} for c in controls]
    assert {c["path"] for c in controls} >= {"/_sim/", "/_sim/journal", "/_sim/faults", "/_sim/reset"}
    for control in controls:
        answer = client.open(f"/ns/listing{control['path']}", method=control["method"], json={})
        assert "no control route" not in answer.get_data(as_text=True), control
    unknown = client.get("/_sim/no-such-thing")
    assert unknown.status_code == 404 and "no control route" in unknown.get_data(as_text=True)
