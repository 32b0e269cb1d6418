"""Admin tokens, bearer auth, routing by store code, and the store hierarchy routes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests

from simulators.magento import errors


def test_admin_token_is_a_json_string_and_bad_credentials_get_magentos_401(sims: Any, api: Any) -> None:
    url = f"{sims.magento_url}/rest/V1/integration/admin/token"
    good = requests.post(url, json={"username": "admin", "password": "admin123"}, timeout=5)
    assert good.status_code == 200 and isinstance(good.json(), str) and len(good.json()) >= 32
    bad = requests.post(url, json={"username": "admin", "password": "nope"}, timeout=5)
    assert api.error(bad, 401) == errors.BAD_CREDENTIALS
    missing = requests.post(url, json={"username": "admin"}, timeout=5)
    assert api.error(missing, 400) == '"password" is required. Enter and try again.'


def test_every_route_but_the_token_needs_a_bearer_token(api: Any) -> None:
    for method, path in [
        ("GET", "/orders"),
        ("GET", "/products/SKU-1"),
        ("POST", "/orders"),
        ("GET", "/store/websites"),
    ]:
        response = api.call(method, path, token="not-a-token", json={})
        message = api.error(response, 401)
        assert message.startswith("The consumer isn't authorized to access Magento_"), message
        assert response.json()["parameters"]["resources"].startswith("Magento_")
    no_header = requests.get(api.sims.magento_url + "/rest/V1/orders", timeout=5)
    assert api.error(no_header, 401)


def test_admin_tokens_expire_after_four_hours_on_the_simulated_clock_by_default(api: Any) -> None:
    assert api.model.token_ttl == timedelta(hours=4)  # oauth/access_token_lifetime/admin
    api.sims.sandbox.clock.advance(hours=3, minutes=59, seconds=59)
    assert api.get("/products/SKU-1").status_code == 200
    api.sims.sandbox.clock.advance(seconds=1)
    assert api.error(api.get("/products/SKU-1"), 401).startswith("The consumer isn't authorized")


def _token(sims: Any, username: str, password: str) -> requests.Response:
    url = f"{sims.magento_url}/rest/V1/integration/admin/token"
    return requests.post(url, json={"username": username, "password": password}, timeout=5)


def test_six_failed_sign_ins_lock_the_admin_for_thirty_minutes(sims: Any, api: Any) -> None:
    clock = sims.sandbox.clock
    for _ in range(5):
        assert api.error(_token(sims, "admin", "wrong"), 401) == errors.BAD_CREDENTIALS
    assert _token(sims, "admin", "admin123").status_code == 200  # a success clears the count
    for _ in range(6):
        assert api.error(_token(sims, "admin", "wrong"), 401) == errors.BAD_CREDENTIALS
    clock.advance(minutes=29)
    assert api.error(_token(sims, "admin", "admin123"), 401) == errors.BAD_CREDENTIALS  # locked: same message
    assert _token(sims, "other", "nope").status_code == 401 and _token(sims, "admin", "x").status_code == 401
    clock.advance(minutes=1)
    assert _token(sims, "admin", "admin123").status_code == 200


def test_failures_older_than_the_lock_period_are_forgotten(sims: Any, api: Any) -> None:
    for _ in range(5):
        _token(sims, "admin", "wrong")
    sims.sandbox.clock.advance(minutes=30)
    _token(sims, "admin", "wrong")
    assert _token(sims, "admin", "admin123").status_code == 200


def test_unknown_paths_and_store_codes_are_not_routes(api: Any) -> None:
    assert api.error(api.get("/nothing/here"), 404) == errors.NO_ROUTE
    assert api.error(api.get("/rest/nowhere/V1/products/SKU-1"), 404) == errors.NO_ROUTE
    assert api.error(api.call("PATCH", "/orders"), 404) == errors.NO_ROUTE


def test_the_same_routes_answer_under_the_default_all_and_a_store_code(api: Any) -> None:
    for prefix in ("/rest/V1", "/rest/all/V1", "/rest/default/V1"):
        response = api.get(prefix + "/products/SKU-1")
        assert response.status_code == 200 and response.json()["sku"] == "SKU-1"


def test_a_store_code_in_the_path_is_the_store_of_a_new_order(api: Any) -> None:
    api.model.add_store_view("fr", "French", "base")
    body = api.entity()
    del body["store_id"]
    response = api.post("/rest/fr/V1/orders", {"entity": body})
    assert response.status_code == 200, response.text
    assert response.json()["store_id"] == api.model.store_by_code("fr").store_id
    assert response.json()["increment_id"] == "2000000001"


def test_the_default_install_has_one_website_group_and_view_plus_admin(api: Any) -> None:
    websites = api.get("/store/websites").json()
    groups = api.get("/store/storeGroups").json()
    views = api.get("/store/storeViews").json()
    assert [(w["id"], w["code"]) for w in websites] == [(0, "admin"), (1, "base")]
    assert [(g["id"], g["website_id"], g["default_store_id"]) for g in groups] == [(0, 0, 0), (1, 1, 1)]
    assert [(v["id"], v["code"], v["store_group_id"]) for v in views] == [(0, "admin", 0), (1, "default", 1)]
    configs = api.get("/store/storeConfigs").json()
    assert [c["code"] for c in configs] == ["default"]


def test_added_websites_groups_and_views_show_on_the_wire(api: Any) -> None:
    api.model.add_store_view("uk", "UK English", "europe")
    api.model.add_store_view("de", "German", "europe")
    api.model.add_store_view("default_b", "Second view", "base")
    websites = {w["code"]: w for w in api.get("/store/websites").json()}
    europe = websites["europe"]
    groups = {g["id"]: g for g in api.get("/store/storeGroups").json()}
    views = {v["code"]: v for v in api.get("/store/storeViews").json()}
    assert groups[europe["default_group_id"]]["website_id"] == europe["id"]
    assert groups[europe["default_group_id"]]["default_store_id"] == views["uk"]["id"]
    assert views["de"]["website_id"] == europe["id"] and views["de"]["store_group_id"] == europe["default_group_id"]
    assert views["default_b"]["website_id"] == 1 and views["default_b"]["store_group_id"] == 1
    assert {c["code"] for c in api.get("/store/storeConfigs").json()} == {"default", "uk", "de", "default_b"}


def test_a_malformed_json_body_gets_magentos_decoding_error(api: Any) -> None:
    response = api.call("POST", "/orders", data=b"{not json", headers={"Content-Type": "application/json"})
    assert api.error(response, 400).startswith("Decoding error")


def test_fields_keeps_only_the_asked_keys(api: Any) -> None:
    order = api.place()
    fields = "items[increment_id,payment[po_number]],total_count"
    found = api.get("/orders", {"searchCriteria": "", "fields": fields}).json()
    assert found == {
        "items": [{"increment_id": order["increment_id"], "payment": {"po_number": "111-0000000-0000001"}}],
        "total_count": 1,
    }


def test_a_simulator_bug_is_magentos_500_and_its_traceback_is_logged(
    api: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from simulators.magento.wire import MagentoApp

    def broken(self: Any, call: Any) -> Any:
        raise KeyError("a bug in the fake")

    monkeypatch.setattr(MagentoApp, "op_websites", broken)
    response = api.get("/store/websites")
    assert response.status_code == 500
    assert response.json() == {"message": errors.INTERNAL_ERROR}
    err = capsys.readouterr().err
    assert "fake Magento: internal error serving websites" in err and "a bug in the fake" in err
