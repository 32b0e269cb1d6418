"""A small Amazon-to-Magento order connector, served over the asc-driver HTTP protocol.

It uses nothing but ``requests`` and the standard library's ``http.server``, and it knows nothing of the
conformance kit: only the protocol in docs/driver-protocol.md. It reads Amazon orders (SP-API Orders
v0), keeps an Amazon orders table, and creates a Magento order (REST ``POST /V1/orders``) for each
order that is due. What it leaves out, it declares through ``capabilities``.

    python docs/example_connector/connector.py --port 8765
    asc-conformance run --impl http://127.0.0.1:8765

A session's dictionaries stand for the connector's database: a ``restart`` keeps them and drops only
the cached access tokens.
"""

from __future__ import annotations

import argparse
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

IMPORTABLE = {"Unshipped", "PartiallyShipped", "Shipped"}
SELLER_CENTRAL = "https://sellercentral.amazon.com/orders-v3/order/"
UNSUPPORTED = {
    "SET-03": "orders always go to the default store view",
    "SET-04": "orders are always guest orders",
    "SET-07": "no quantity reservation",
    "IMP-11": "the Magento order takes no stock (Magento's order save places no reservation)",
    "IMP-05": "shipments are not sent to Amazon",
    "IMP-06": "shipments are not sent to Amazon",
    "IMP-14": "no order notes",
    "BLK-04": "no admin system message",
    "BLK-06": "no order notes",
    "BLK-07": "an order above the salable quantity waits, but without the note the rule asks for",
    "BLK-10": "no admin system message",
    "BLK-11": "no admin system message",
    "VIEW-04": "All Orders has no filters",
    "CAN-01": "no cancellation from Magento",
    "CAN-02": "no cancellation from Magento",
    "CAN-03": "Magento orders are not canceled",
    "STO-02": "no Read-Only Mode",
}


class Refused(Exception):
    """The merchant's action is refused (HTTP 409, kind "refused")."""


class BadRequest(Exception):
    """The request does not fit the operation (HTTP 400, kind "bad_request")."""


class UnknownOperation(Exception):
    """No such operation (HTTP 404, kind "no_operation")."""


def parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def amazon_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Session:
    """One connector installation: stores, the Amazon orders table, and the simulated clock."""

    def __init__(self, now: datetime, clock_url: str | None) -> None:
        self.now = now
        self.clock_url = clock_url
        self.stores: dict[str, dict[str, Any]] = {}
        self.orders: dict[str, dict[str, dict[str, Any]]] = {}  # store -> Amazon order ID -> row
        self.tokens: dict[str, tuple[str, datetime]] = {}
        self.lock = threading.Lock()  # one operation at a time: two syncs never overlap
        self.http = requests.Session()

    # -- time: the harness's clock, never the wall clock --------------------------------------------
    def sleep(self, seconds: float) -> None:
        if not self.clock_url:
            self.now += timedelta(seconds=seconds)
            return
        answer = self.http.post(self.clock_url + "/advance", json={"seconds": seconds}, timeout=10)
        self.now = parse_time(answer.json()["now"])

    # -- Amazon ---------------------------------------------------------------------------------------
    def amazon_token(self, store: dict[str, Any]) -> str:
        spec = store["spec"]
        token, until = self.tokens.get(spec["name"], ("", self.now))
        if token and self.now < until:
            return token
        form = {
            "grant_type": "refresh_token",
            "refresh_token": spec["refresh_token"],
            "client_id": spec["lwa_client_id"],
            "client_secret": spec["lwa_client_secret"],
        }
        answer = self.http.post(spec["lwa_endpoint"].rstrip("/") + "/auth/o2/token", data=form, timeout=10)
        answer.raise_for_status()
        body = answer.json()
        until = self.now + timedelta(seconds=int(body.get("expires_in", 3600)) - 60)
        self.tokens[spec["name"]] = (body["access_token"], until)
        return str(body["access_token"])

    def restricted_token(self, store: dict[str, Any]) -> str:
        """A Restricted Data Token for the order listing: buyer and shipping address are restricted data."""
        resource = {"method": "GET", "path": "/orders/v0/orders", "dataElements": ["buyerInfo", "shippingAddress"]}
        url = store["spec"]["amazon_endpoint"].rstrip("/") + "/tokens/2021-03-01/restrictedDataToken"
        headers = {"x-amz-access-token": self.amazon_token(store)}
        answer = self.http.post(url, json={"restrictedResources": [resource]}, headers=headers, timeout=10)
        answer.raise_for_status()
        return str(answer.json()["restrictedDataToken"])

    def amazon(self, store: dict[str, Any], path: str, params: dict[str, Any], token: str = "") -> dict[str, Any]:
        url = store["spec"]["amazon_endpoint"].rstrip("/") + path
        for attempt in range(8):
            headers = {"x-amz-access-token": token or self.amazon_token(store)}
            answer = self.http.get(url, params=params, headers=headers, timeout=10)
            if answer.status_code == 429:  # over the quota: wait on the simulated clock, then retry
                self.sleep(2.0**attempt)
                continue
            answer.raise_for_status()
            return dict(answer.json()["payload"])
        raise RuntimeError(f"Amazon kept answering 429 for {path}")

    # -- Magento --------------------------------------------------------------------------------------
    def magento(self, store: dict[str, Any], method: str, path: str, **kwargs: Any) -> requests.Response:
        spec = store["spec"]
        base = spec["magento_url"].rstrip("/") + "/rest"
        if "magento_token" not in store:
            login = {"username": spec["magento_username"], "password": spec["magento_password"]}
            answer = self.http.post(base + "/V1/integration/admin/token", json=login, timeout=10)
            answer.raise_for_status()
            store["magento_token"] = answer.json()
        headers = {"Authorization": f"Bearer {store['magento_token']}"}
        return self.http.request(method, base + path, headers=headers, timeout=10, **kwargs)

    # -- operations -----------------------------------------------------------------------------------
    def integrate_store(self, store: dict[str, Any]) -> None:
        settings = {"import_enabled": True, "number_source": "magento", "order_status": None}
        self.stores[store["name"]] = {"spec": store, "settings": settings, "active": True, "cursor": None}
        self.orders[store["name"]] = {}

    def sync(self, name: str | None) -> None:
        for store_name in [name] if name else list(self.stores):
            store = self.stores[store_name]
            if store["active"]:
                self.read_amazon(store_name, store)
                if store["settings"]["import_enabled"]:
                    self.import_due(store_name, store)

    def read_amazon(self, name: str, store: dict[str, Any]) -> None:
        spec = store["spec"]
        since = store["cursor"] or parse_time(spec["integrated_at"])
        params: dict[str, Any] = {"MarketplaceIds": spec["marketplace_id"], "LastUpdatedAfter": amazon_time(since)}
        token = self.restricted_token(store)  # one per listing, for every page
        while True:
            try:
                payload = self.amazon(store, "/orders/v0/orders", params, token)
            except requests.RequestException:
                return  # Amazon failed midway: the cursor stays, the next sync reads these orders again
            for order in payload.get("Orders") or []:
                self.record(name, store, order)
                since = max(since, parse_time(order["LastUpdateDate"]))
            if not payload.get("NextToken"):
                break
            params = {"MarketplaceIds": spec["marketplace_id"], "NextToken": payload["NextToken"]}
        store["cursor"] = since  # inclusive: the newest order is read again next time, which is harmless

    def record(self, name: str, store: dict[str, Any], order: dict[str, Any]) -> None:
        if parse_time(order["PurchaseDate"]) < parse_time(store["spec"]["integrated_at"]):
            return  # placed before the integration: never ours
        row = self.orders[name].get(order["AmazonOrderId"])
        updated = parse_time(order["LastUpdateDate"])
        if row is not None and updated <= row["updated"]:
            return  # an older (or repeated) report never moves the row backwards
        magento = row["magento"] if row else None
        self.orders[name][order["AmazonOrderId"]] = {"order": order, "updated": updated, "magento": magento}

    def import_due(self, name: str, store: dict[str, Any]) -> None:
        for amazon_id, row in self.orders[name].items():
            order = row["order"]
            afn = order.get("FulfillmentChannel") == "AFN"
            due = order["OrderStatus"] == "Shipped" if afn else order["OrderStatus"] in IMPORTABLE
            if due and row["magento"] is None:
                try:
                    found = self.find_magento_order(store, amazon_id)
                except requests.RequestException:
                    continue  # a failed look-up proves nothing: the next sync looks again before creating
                row["magento"] = found or self.create_magento_order(store, row)

    def find_magento_order(self, store: dict[str, Any], amazon_id: str) -> dict[str, Any] | None:
        prefix = "searchCriteria[filter_groups][0][filters][0]"
        params = {f"{prefix}[field]": "ext_order_id", f"{prefix}[value]": amazon_id}
        answer = self.magento(store, "GET", "/V1/orders", params=params)
        answer.raise_for_status()
        items = answer.json().get("items") or []
        return {"entity_id": items[0]["entity_id"], "increment_id": items[0]["increment_id"]} if items else None

    def create_magento_order(self, store: dict[str, Any], row: dict[str, Any]) -> dict[str, Any] | None:
        order, settings = row["order"], store["settings"]
        amazon_id = order["AmazonOrderId"]
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {}
        while True:  # every page of the items
            page = self.amazon(store, f"/orders/v0/orders/{amazon_id}/orderItems", params)
            items += page.get("OrderItems") or []
            if not page.get("NextToken"):
                break
            params = {"NextToken": page["NextToken"]}
        if self.blocked(store, items, order.get("FulfillmentChannel") == "AFN"):
            return None  # try on the next sync
        buyer = order.get("BuyerInfo") or {}
        address = order.get("ShippingAddress") or {}
        first, _, last = str(buyer.get("BuyerName") or address.get("Name") or "Amazon Buyer").partition(" ")
        email = buyer.get("BuyerEmail") or f"{amazon_id}@marketplace.amazon.invalid"
        afn = order.get("FulfillmentChannel") == "AFN"
        status = "complete" if afn else settings["order_status"] or "processing"
        ship_first, _, ship_last = str(address.get("Name") or buyer.get("BuyerName") or "Amazon Buyer").partition(" ")
        shipping = {
            "address_type": "shipping",
            "firstname": ship_first,  # the recipient, who may not be the buyer
            "lastname": ship_last or "-",
            "street": [address[k] for k in ("AddressLine1", "AddressLine2", "AddressLine3") if address.get(k)] or ["-"],
            "city": address.get("City") or "-",
            "region": address.get("StateOrRegion") or "",
            "postcode": address.get("PostalCode") or "",
            "country_id": address.get("CountryCode") or "US",
            "telephone": address.get("Phone") or "-",
            "email": email,
        }
        total = order.get("OrderTotal") or {}
        entity = {
            "store_id": 1,
            "state": "complete" if afn else "processing",
            "status": status,
            "ext_order_id": amazon_id,
            "customer_email": email,
            "customer_firstname": first,
            "customer_lastname": last or "-",
            "customer_is_guest": 1,
            "order_currency_code": total.get("CurrencyCode", "USD"),
            "grand_total": float(total.get("Amount", 0)),
            "items": [
                {
                    "sku": item["SellerSKU"],
                    "name": item.get("Title") or item["SellerSKU"],
                    "qty_ordered": int(item["QuantityOrdered"]),
                    "price": round(float(item["ItemPrice"]["Amount"]) / int(item["QuantityOrdered"]), 2),
                    "tax_amount": float((item.get("ItemTax") or {}).get("Amount", 0)),
                    "product_type": "simple",
                }
                for item in items
            ],
            "billing_address": {**shipping, "address_type": "billing"},
            "payment": {"method": "amazonpayment", "po_number": amazon_id},
            "extension_attributes": {
                "shipping_assignments": [{"shipping": {"address": shipping, "method": "amazon_shipping"}}],
                "amazon_fulfillment_channel": order.get("FulfillmentChannel", "MFN"),
            },
        }
        if settings["number_source"] == "amazon":
            entity["increment_id"] = amazon_id
        try:
            answer = self.magento(store, "POST", "/V1/orders", json={"entity": entity})
        except requests.RequestException:
            return None  # no answer: it may have landed, and the look-up on the next sync finds it if it did
        if answer.status_code in (400, 404) or answer.status_code >= 500:
            return None  # a missing, disabled or out-of-stock product, or Magento failed: try on the next sync
        answer.raise_for_status()
        created = answer.json()
        return {"entity_id": created["entity_id"], "increment_id": created["increment_id"]}

    def blocked(self, store: dict[str, Any], items: list[dict[str, Any]], afn: bool) -> bool:
        """Magento's order save checks nothing: a missing, disabled or out-of-stock product blocks the order here."""
        wanted: dict[str, int] = {}
        for item in items:
            wanted[item["SellerSKU"]] = wanted.get(item["SellerSKU"], 0) + int(item["QuantityOrdered"])
        for sku, qty in wanted.items():
            answer = self.magento(store, "GET", "/V1/products/" + requests.utils.quote(sku, safe=""))
            if answer.status_code == 404:
                return True  # no such product
            answer.raise_for_status()
            if afn:
                continue  # Amazon's stock: only the product's existence matters
            product = answer.json()
            if int(product.get("status", 1)) != 1:
                return True  # disabled
            stock = (product.get("extension_attributes") or {}).get("stock_item") or {}
            if stock.get("manage_stock") is False:
                continue
            path = f"/V1/inventory/get-product-salable-quantity/{requests.utils.quote(sku, safe='')}/1"
            salable = self.magento(store, "GET", path)
            salable.raise_for_status()
            if not stock.get("is_in_stock") or float(salable.json()) < qty:
                return True  # out of stock
        return False

    def rows(self, name: str, *, magento_data: bool) -> list[dict[str, Any]]:
        store = self.stores[name]
        out = []
        for amazon_id, row in self.orders[name].items():
            order, magento = row["order"], row["magento"]
            show = magento_data and magento is not None and store["settings"]["import_enabled"]
            magento_url = store["spec"]["magento_url"].rstrip("/")
            link = f"{magento_url}/admin/sales/order/view/order_id/{magento['entity_id']}/" if show else None
            out.append(
                {
                    "order_number": amazon_id,
                    "purchase_date": order["PurchaseDate"],
                    "status": order["OrderStatus"],
                    "buyer_name": (order.get("BuyerInfo") or {}).get("BuyerName"),
                    "grand_total": (order.get("OrderTotal") or {}).get("Amount"),
                    "notes": [],
                    "link": link or SELLER_CENTRAL + amazon_id,
                    "magento_order": magento["increment_id"] if show else None,
                }
            )
        return out

    def run(self, operation: str, args: dict[str, Any]) -> Any:
        """One protocol operation; the result goes back as ``{"result": ...}``."""
        if operation == "capabilities":
            return {"unsupported": UNSUPPORTED}
        store = args.get("store")
        if store is not None and operation != "integrate_store" and store not in self.stores:
            raise BadRequest(f"no store {store!r}")
        if operation == "integrate_store":
            self.integrate_store(args["store"])
        elif operation == "configure_orders":
            self.stores[store]["settings"].update(args["settings"])
        elif operation == "set_store_active":
            self.stores[store]["active"] = bool(args["active"])
        elif operation in ("sync", "run_cron"):
            self.sync(store)
        elif operation == "amazon_orders":
            return self.rows(store, magento_data=True)
        elif operation == "recent_orders":
            return self.rows(store, magento_data=False)
        elif operation == "cancel_order":
            raise Refused("this connector cannot cancel orders")
        elif operation == "restart":
            self.tokens.clear()
            for known in self.stores.values():
                known.pop("magento_token", None)
        elif operation == "reset":
            self.__init__(self.now, self.clock_url)  # type: ignore[misc]
        elif operation != "set_read_only":
            raise UnknownOperation(operation)
        return None


SESSIONS: dict[str, Session] = {}


class Handler(BaseHTTPRequestHandler):
    """The protocol's routes: the hello, sessions, and ``POST /sessions/<id>/<operation>``."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: do not wait for an ACK between them

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status: int, kind: str, message: str) -> None:
        self.answer(status, {"error": {"kind": kind, "message": message}})

    def do_GET(self) -> None:
        if self.path == "/":
            self.answer(200, {"protocol": "asc-driver", "version": 1, "connector": "example"})
        else:
            self.error(404, "no_route", f"no route GET {self.path}")

    def do_DELETE(self) -> None:
        parts = self.path.strip("/").split("/")
        if len(parts) == 2 and SESSIONS.pop(parts[1], None) is not None:
            self.answer(200, {"result": None})
        else:
            self.error(404, "no_session", f"no session at {self.path}")

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        parts = self.path.strip("/").split("/")
        if parts == ["sessions"]:
            session_id = uuid.uuid4().hex
            SESSIONS[session_id] = Session(parse_time(body["now"]), body.get("clock_url"))
            self.answer(201, {"session": session_id})
            return
        session = SESSIONS.get(parts[1]) if len(parts) == 3 and parts[0] == "sessions" else None
        if session is None:
            self.error(404, "no_session", f"no session at {self.path}")
            return
        with session.lock:
            session.now = max(session.now, parse_time(body["now"]))
            try:
                self.answer(200, {"result": session.run(parts[2], body.get("args") or {})})
            except Refused as err:
                self.error(409, "refused", str(err))
            except BadRequest as err:
                self.error(400, "bad_request", str(err))
            except UnknownOperation as err:
                self.error(404, "no_operation", f"unknown operation {err}")
            except Exception as err:  # the connector failed: say so, keep serving
                self.error(500, "failed", f"{type(err).__name__}: {err}")


def main() -> None:
    parser = argparse.ArgumentParser(description="An example connector served over the asc-driver protocol.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"http://{args.host}:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
