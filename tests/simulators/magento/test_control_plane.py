"""The Magento control plane over HTTP (/_sim/...), and the shared journal, faults, reset, namespaces and clock."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from simulators.journal import Fault
from simulators.magento.errors import MagentoError


def _ctl(api: Any, method: str, path: str, body: Any = None, namespace: str = "") -> requests.Response:
    base = api.sims.magento_url + (f"/ns/{namespace}" if namespace else "")
    return requests.request(method, f"{base}/_sim{path}", json=body, timeout=5)


def test_catalog_set_up_over_http(api: Any) -> None:
    created = _ctl(api, "POST", "/products", {"sku": "NEW", "price": "3.50", "qty": 4})
    assert created.status_code == 200 and created.json()["salable_qty"] == 4
    assert _ctl(api, "POST", "/products/status", {"sku": "NEW", "enabled": False}).json()["status"] == 2
    stock = _ctl(api, "POST", "/stock", {"sku": "NEW", "qty": 9}).json()
    assert (stock["qty"], stock["is_in_stock"], stock["salable_qty"]) == (9, True, 9)
    assert _ctl(api, "POST", "/products/delete", {"sku": "NEW"}).json() == {"deleted": "NEW"}
    assert api.error(api.get("/products/NEW"), 404)
    refused = _ctl(api, "POST", "/stock", {"sku": "SKU-1", "qty": -4})
    assert refused.status_code == 400 and "negative" in refused.json()["error"]
    assert _ctl(api, "POST", "/stock", {"sku": "NOPE", "qty": 1}).status_code == 400
    api.checkout()
    seen = _ctl(api, "GET", "/stock?sku=SKU-1").json()
    assert (seen["qty"], seen["salable_qty"], [r["quantity"] for r in seen["reservations"]]) == (10, 8, [-2])
    assert '"event_type":"order_placed"' in seen["reservations"][0]["metadata"]


def test_merchant_actions_over_http_name_orders_by_increment_id(api: Any) -> None:
    order = api.place()
    shipped = _ctl(
        api,
        "POST",
        "/orders/ship",
        {"increment_id": order["increment_id"], "carrier_code": "ups", "track_number": "1Z1"},
    )
    assert shipped.status_code == 200, shipped.text
    shipment = api.model.shipments_of(order["entity_id"])[0]
    assert (shipment["tracks"][0]["carrier_code"], shipment["tracks"][0]["track_number"]) == ("ups", "1Z1")
    invoiced = _ctl(api, "POST", "/orders/invoice", {"order_id": order["entity_id"]}).json()
    assert invoiced["order"]["state"] == "complete"
    refused = _ctl(api, "POST", "/orders/invoice", {"order_id": order["entity_id"]})
    assert refused.status_code == 400 and "status of complete" in refused.json()["error"]
    refunded = _ctl(api, "POST", "/orders/refund", {"order_id": order["entity_id"], "return_to_stock": True}).json()
    assert refunded["order"]["state"] == "closed" and api.model.stock["SKU-1"].qty == 10


def test_cancel_hold_unhold_and_comment_over_http(api: Any) -> None:
    order = api.place()
    oid = {"order_id": order["entity_id"]}
    assert _ctl(api, "POST", "/orders/hold", oid).json()["order"]["state"] == "holded"
    assert _ctl(api, "POST", "/orders/cancel", oid).json()["canceled"] is False
    assert _ctl(api, "POST", "/orders/unhold", oid).json()["order"]["state"] == "processing"
    assert _ctl(api, "POST", "/orders/comment", {**oid, "comment": "Called the buyer."}).json()["comment"]
    refused = _ctl(api, "POST", "/orders/comment", {**oid, "comment": "x", "status": "complete"})
    assert refused.status_code == 400  # the admin form offers only statuses of the order's state
    assert _ctl(api, "POST", "/orders/cancel", oid).json()["order"]["state"] == "canceled"
    assert _ctl(api, "POST", "/orders/hold", {"order_id": 99}).status_code == 400


def test_stores_statuses_customers_grid_and_messages_over_http(api: Any) -> None:
    view = _ctl(api, "POST", "/stores", {"code": "uk", "name": "UK", "website_code": "europe"}).json()
    assert view["store_code"] == "uk" and view["website_code"] == "europe"
    statuses = _ctl(api, "POST", "/statuses", {"status": "amazon_ready", "label": "Amazon Ready"}).json()
    assert statuses == {"state": "processing", "statuses": ["processing", "fraud", "amazon_ready"]}
    order = api.place(status="amazon_ready", store_id=view["store_id"])
    rows = _ctl(api, "GET", "/orders/grid").json()["rows"]
    assert [(r["increment_id"], r["status_label"]) for r in rows] == [(order["increment_id"], "Amazon Ready")]
    assert _ctl(api, "GET", "/orders/grid?store_code=default").json()["rows"] == []
    found = _ctl(api, "GET", "/orders?amazon_order_id=111-0000000-0000001").json()["items"]
    assert [o["entity_id"] for o in found] == [order["entity_id"]]
    customer = _ctl(api, "POST", "/customers", {"email": "a@b.co", "firstname": "A", "lastname": "B"}).json()
    assert customer["website_id"] == 1
    assert _ctl(api, "POST", "/customers", {"email": "a@b.co", "firstname": "A", "lastname": "B"}).status_code == 400
    _ctl(api, "POST", "/messages", {"identity": "x", "text": "Order blocked", "severity": 1})
    assert [m["text"] for m in _ctl(api, "GET", "/messages").json()["messages"]] == ["Order blocked"]
    assert _ctl(api, "DELETE", "/messages?identity=x").json() == {"cleared": True}
    assert _ctl(api, "GET", "/nothing").status_code == 404


def test_admin_messages_raised_and_cleared_over_rest_are_read_by_the_harness(api: Any) -> None:
    path = "/adminNotification/systemMessages/amazon-order-111"
    assert api.put(path, {"text": "SKU-9 is missing", "severity": 2}).json() is True
    assert api.put("/adminNotification/systemMessages/critical", {"text": "Down", "severity": 1}).json() is True
    assert [m.identity for m in api.model.system_messages()] == ["critical", "amazon-order-111"]
    assert [m["text"] for m in api.get("/adminNotification/systemMessages").json()] == ["Down", "SKU-9 is missing"]
    assert api.error(api.put(path, {"text": "x", "severity": 9}), 400)
    assert api.error(api.put(path, {"severity": 1}), 400) == '"text" is required. Enter and try again.'
    assert api.delete(path).json() is True and api.delete(path).json() is False


def test_the_journal_records_magento_operations(api: Any) -> None:
    order = api.place()
    api.post(f"/order/{order['entity_id']}/ship", {})
    api.get("/nowhere")
    entries = _ctl(api, "GET", "/journal?service=magento").json()["entries"]
    assert [(e["operation"], e["status"]) for e in entries][-3:] == [
        ("orderCreate", 200),
        ("orderShip", 200),
        ("unknown", 404),
    ]
    assert entries[-3]["body"]["entity"]["ext_order_id"] == "111-0000000-0000001"


def test_a_status_fault_answers_in_magentos_envelope_and_writes_nothing(api: Any) -> None:
    assert _ctl(api, "POST", "/faults", {"operation": "orderCreate", "kind": "status", "status": 503}).ok
    response = api.post("/orders", {"entity": api.entity()})
    assert api.error(response, 503) == "Simulated fault: HTTP 503"
    assert api.model.orders == {}
    assert api.place()["increment_id"] == "000000001"


def test_a_fault_after_commit_keeps_the_order_but_fails_the_answer(api: Any) -> None:
    api.sims.sandbox.faults.inject("magento", "orderCreate", Fault("after_commit", status=500))
    response = api.post("/orders", {"entity": api.entity()})
    assert api.error(response, 500).startswith("Simulated fault after commit")
    assert len(api.model.orders_for_amazon_id("111-0000000-0000001")) == 1
    ship_fault = Fault("after_commit", status=502)
    api.sims.sandbox.faults.inject("magento", "orderShip", ship_fault)
    oid = api.model.orders_for_amazon_id("111-0000000-0000001")[0]["entity_id"]
    assert api.error(api.post(f"/order/{oid}/ship", {}), 502)
    assert len(api.model.shipments_of(oid)) == 1


def test_reset_forgets_magento_state(api: Any) -> None:
    api.place()
    api.model.raise_message("x", "y")
    assert _ctl(api, "POST", "/reset", {}).ok
    model = api.sims.sandbox.magento
    assert model.orders == {} and model.products == {} and model.system_messages() == []
    assert requests.get(api.sims.magento_url + "/rest/V1/store/websites", timeout=5).status_code == 401  # old token


def test_namespaces_keep_magento_states_apart(api: Any) -> None:
    base = api.sims.magento_url
    token = requests.post(
        f"{base}/ns/other/rest/V1/integration/admin/token",
        json={"username": "admin", "password": "admin123"},
        timeout=5,
    ).json()
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{base}/ns/other/rest/V1/products/SKU-1", headers=headers, timeout=5).status_code == 404
    assert _ctl(api, "POST", "/products", {"sku": "SKU-1", "qty": 1}, namespace="other").ok
    other = requests.get(f"{base}/ns/other/rest/V1/products/SKU-1", headers=headers, timeout=5).json()
    assert other["extension_attributes"]["stock_item"]["qty"] == 1
    assert api.get("/products/SKU-1").json()["extension_attributes"]["stock_item"]["qty"] == 10
    assert (
        requests.get(
            f"{base}/ns/other/rest/V1/orders", headers={"Authorization": f"Bearer {api.token}"}, timeout=5
        ).status_code
        == 401
    )


def test_magento_stamps_come_from_the_simulated_clock(api: Any) -> None:
    assert _ctl(api, "POST", "/clock/advance", {"seconds": 3600}).ok
    order = api.place()
    assert order["created_at"] == "2026-01-05 10:00:00"
    _ctl(api, "POST", "/clock/set", {"now": "2026-02-01T12:00:00Z"})
    api.token = api.sims.magento_token()  # weeks later: the first token expired after 4 hours
    api.post(f"/order/{order['entity_id']}/invoice", {})
    assert api.get(f"/orders/{order['entity_id']}").json()["updated_at"] == "2026-02-01 12:00:00"
    assert api.model.invoices_of(order["entity_id"])[0]["created_at"] == "2026-02-01 12:00:00"


def test_the_python_control_plane_acts_as_the_merchant(api: Any) -> None:
    model = api.model
    order = api.place()
    shipment_id = model.ship_with_tracking(order["entity_id"], "fedex", "7777")
    assert model.shipments_of(order["entity_id"])[0]["entity_id"] == shipment_id
    assert model.shipments_of(order["entity_id"])[0]["tracks"][0]["title"] == "FEDEX"
    assert model.invoice(order["entity_id"]) == model.invoices_of(order["entity_id"])[0]["entity_id"]
    assert model.order(order["entity_id"])["status"] == "complete"
    assert model.admin_grid()[0].status_label == "Complete"
    assert model.cancel(order["entity_id"]) is False
    model.create_customer("a@b.co", "A", "B")
    with pytest.raises(MagentoError) as caught:
        model.create_customer("A@B.CO", "A", "B")
    assert str(caught.value) == "A customer with the same email address already exists in an associated website."
    assert model.customer_by_email("a@b.co")["firstname"] == "A"


def test_token_lifetime_and_revocation_over_http(api: Any) -> None:
    assert _ctl(api, "POST", "/auth/lifetime", {"seconds": 3600}).json() == {"seconds": 3600}
    api.sims.sandbox.clock.advance(3599)
    assert api.get("/products/SKU-1").status_code == 200
    api.sims.sandbox.clock.advance(1)
    assert api.error(api.get("/products/SKU-1"), 401)
    assert _ctl(api, "POST", "/auth/lifetime", {"seconds": None}).ok
    assert api.get("/products/SKU-1").status_code == 200
    assert _ctl(api, "POST", "/auth/lifetime", {"seconds": -5}).status_code == 400
    assert _ctl(api, "POST", "/auth/revoke").json() == {"revoked": 1}
    assert api.error(api.get("/products/SKU-1"), 401)
    fresh = api.sims.magento_token()
    assert api.get("/products/SKU-1", token=fresh).status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/products/status", {"sku": "SKU-1", "enabled": "false"}),
        ("/products", {"sku": "NEW", "enabled": "false"}),
        ("/products", {"sku": "NEW", "manage_stock": 0}),
        ("/statuses", {"status": "amazon_new", "state": "processing", "default": "yes"}),
    ],
)
def test_a_control_flag_that_is_not_a_json_boolean_is_refused(api: Any, path: str, body: dict[str, Any]) -> None:
    before = api.get("/products/SKU-1").json()["status"]
    refused = _ctl(api, "POST", path, body)
    assert refused.status_code == 400 and "must be true or false" in refused.json()["error"]
    assert api.get("/products/SKU-1").json()["status"] == before
    assert api.get("/products/NEW").status_code == 404


def test_another_admin_is_registered_over_http(api: Any) -> None:
    created = _ctl(api, "POST", "/admins", {"username": "ops", "password": "s3cretpass"})
    assert created.json() == {"username": "ops"}
    url = f"{api.sims.magento_url}/rest/V1/integration/admin/token"
    token = requests.post(url, json={"username": "ops", "password": "s3cretpass"}, timeout=5).json()
    assert api.get("/products/SKU-1", token=token).status_code == 200
    assert "7 characters" in _ctl(api, "POST", "/admins", {"username": "x", "password": "a1"}).json()["error"]
    assert "numeric" in _ctl(api, "POST", "/admins", {"username": "x", "password": "abcdefgh"}).json()["error"]
    assert _ctl(api, "POST", "/admins", {"username": "ops", "password": "0ther pass"}).status_code == 400
    assert api.model.admins["ops"] == "s3cretpass"
