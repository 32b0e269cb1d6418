"""A small Magento 2 REST client over ``requests`` (admin token, catalog, orders, messages).

Within one sync (from :meth:`MagentoClient.start_sync` to the next) a product is read once, and a
SKU's salable quantity is read once and then counted down by what the connector itself holds back
(its reservations: Reserve Quantity holds and its orders' stock); rules allow reusing these facts within a sync, and
a fix made in Magento is seen by the next one (BLK-05). A caller that needs more than the counted-down
quantity reads it again (``fresh=True``): stock added or released meanwhile counts.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import quote

import requests

from reference_impl.http_errors import RemoteError
from reference_impl.http_session import HeaderAuth

TIMEOUT = 10.0
CREATED_FIELDS = {"fields": "entity_id,increment_id"}  # what the sync records of a created order


class MagentoClient:
    """The Magento routes the connector uses, for one Magento base URL and admin user."""

    #: Seconds to wait for a connection and for each read.
    timeout: float = TIMEOUT

    def __init__(self, base_url: str, username: str, password: str, session: requests.Session) -> None:
        self.base = base_url.rstrip("/") + "/rest"
        self.username = username
        self.password = password
        self.session = session
        self._token: str | None = None
        self._products: dict[str, dict[str, Any] | None] = {}
        self._salable: dict[str, float] = {}
        self._taken: Counter[str] = Counter()

    def start_sync(self) -> None:
        """Forget the catalog facts read so far: the next reads ask Magento again."""
        self._products.clear()
        self._salable.clear()
        self._taken.clear()

    def _token_auth(self) -> HeaderAuth:
        if self._token is None:
            body = self._send(
                "adminToken",
                "POST",
                "/V1/integration/admin/token",
                json={"username": self.username, "password": self.password},
                auth=False,
            )
            self._token = str(body)
        return HeaderAuth("Authorization", f"Bearer {self._token}")

    def _send(self, operation: str, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> Any:
        for attempt in range(2 if auth else 1):
            fresh = self._token is None
            token = self._token_auth() if auth else None
            try:
                response = self.session.request(method, self.base + path, auth=token, timeout=self.timeout, **kwargs)
            except requests.RequestException as err:
                raise RemoteError(operation, f"transport failure: {err}", retryable=True) from err
            if response.status_code != 401 or not auth:
                break
            self._token = None  # expired or revoked: a token fetched now is tried once (a fresh one refused: stop)
            if fresh or attempt:
                break
        if response.status_code >= 400:
            raise RemoteError(
                operation,
                f"HTTP {response.status_code}: {_message(response)}",
                status=response.status_code,
                retryable=response.status_code >= 500 or response.status_code == 401,
            )
        try:
            return response.json()
        except ValueError as err:
            raise RemoteError(operation, "the answer is not JSON", retryable=True) from err

    # -- stores ---------------------------------------------------------------------------------------
    def store_views(self) -> list[dict[str, Any]]:
        return list(self._send("storeViews", "GET", "/V1/store/storeViews"))

    def store_groups(self) -> list[dict[str, Any]]:
        return list(self._send("storeGroups", "GET", "/V1/store/storeGroups"))

    def websites(self) -> list[dict[str, Any]]:
        return list(self._send("websites", "GET", "/V1/store/websites"))

    # -- catalog --------------------------------------------------------------------------------------
    def product(self, sku: str) -> dict[str, Any] | None:
        """The product, or None when the SKU does not exist (read once per sync)."""
        if sku in self._products:
            found = self._products[sku]
            return None if found is None else dict(found)
        try:
            found = dict(self._send("productGet", "GET", f"/V1/products/{quote(sku, safe='')}"))
        except RemoteError as err:
            if err.status != 404:
                raise
            found = None
        self._products[sku] = found
        return None if found is None else dict(found)

    def salable_qty(self, sku: str, stock_id: int = 1, *, fresh: bool = False) -> float:
        """MSI's salable quantity of the SKU: read once per sync, less what the connector took since, unless
        ``fresh`` (read now). Only stock 1 is remembered."""
        if stock_id == 1 and not fresh and sku in self._salable:
            return self._salable[sku] - self._taken[sku]
        path = f"/V1/inventory/get-product-salable-quantity/{quote(sku, safe='')}/{stock_id}"
        quantity = float(self._send("salableQty", "GET", path))
        if stock_id == 1:
            self._salable[sku] = quantity
            self._taken.pop(sku, None)
        return quantity

    def salable_remembered(self, sku: str) -> bool:
        """Whether :meth:`salable_qty` answers the SKU from what it read earlier in this sync."""
        return sku in self._salable

    def took(self, sku: str, quantity: float) -> None:
        """Count ``quantity`` of the SKU as taken by the connector (a reservation it appended)."""
        if quantity > 0:
            self._taken[sku] += quantity

    def append_reservations(self, reservations: list[dict[str, Any]]) -> None:
        """``POST /V1/inventory/reservations``; a negative quantity holds stock back (counted as taken)."""
        self._send("appendReservations", "POST", "/V1/inventory/reservations", json={"reservations": reservations})
        for reservation in reservations:
            self.took(str(reservation["sku"]), -float(reservation["quantity"]))

    # -- orders ---------------------------------------------------------------------------------------
    def orders_by_field(self, field: str, value: str) -> list[dict[str, Any]]:
        params = {
            "searchCriteria[filter_groups][0][filters][0][field]": field,
            "searchCriteria[filter_groups][0][filters][0][value]": value,
            "searchCriteria[filter_groups][0][filters][0][condition_type]": "eq",
        }
        return list(self._send("orderSearch", "GET", "/V1/orders", params=params).get("items") or [])

    def order(self, entity_id: int) -> dict[str, Any]:
        return dict(self._send("orderGet", "GET", f"/V1/orders/{entity_id}"))

    def create_order(self, entity: dict[str, Any]) -> dict[str, Any]:
        """The order repository's save: it takes no stock (the connector's own reservation holds it). Only the
        saved order's IDs come back (Magento's ``fields`` filter): the sync reads nothing else of the answer."""
        return dict(self._send("orderCreate", "POST", "/V1/orders", params=CREATED_FIELDS, json={"entity": entity}))

    def shipments(self, entity_id: int) -> list[dict[str, Any]]:
        params = {
            "searchCriteria[filter_groups][0][filters][0][field]": "order_id",
            "searchCriteria[filter_groups][0][filters][0][value]": str(entity_id),
        }
        return list(self._send("shipmentSearch", "GET", "/V1/shipments", params=params).get("items") or [])

    def shipments_since(self, created_at: str, page: int, page_size: int = 100) -> tuple[list[dict[str, Any]], int]:
        """Shipments created at or after ``created_at`` (Magento's ``Y-m-d H:i:s``), oldest first; and the total."""
        params = {
            "searchCriteria[filter_groups][0][filters][0][field]": "created_at",
            "searchCriteria[filter_groups][0][filters][0][value]": created_at,
            "searchCriteria[filter_groups][0][filters][0][condition_type]": "gteq",
            "searchCriteria[sortOrders][0][field]": "created_at",
            "searchCriteria[sortOrders][0][direction]": "ASC",
            "searchCriteria[pageSize]": str(page_size),
            "searchCriteria[currentPage]": str(page),
        }
        body = self._send("shipmentSearch", "GET", "/V1/shipments", params=params)
        return list(body.get("items") or []), int(body.get("total_count") or 0)

    def invoice(self, entity_id: int) -> None:
        self._send("orderInvoice", "POST", f"/V1/order/{entity_id}/invoice", json={"capture": True})

    def cancel(self, entity_id: int) -> bool:
        """Whether Magento canceled the order (it answers false when it cannot, e.g. once invoiced)."""
        return self._send("orderCancel", "POST", f"/V1/orders/{entity_id}/cancel") is True

    def unhold(self, entity_id: int) -> None:
        self._send("orderUnhold", "POST", f"/V1/orders/{entity_id}/unhold")

    def refund(self, entity_id: int) -> None:
        """A credit memo for everything invoiced (offline refund)."""
        self._send("orderRefund", "POST", f"/V1/order/{entity_id}/refund", json={})

    def comment(self, entity_id: int, text: str, status: str | None = None) -> None:
        """Add a comment to the order's history; with ``status``, the order takes that status too."""
        history: dict[str, Any] = {"comment": text, "is_customer_notified": 0, "is_visible_on_front": 0}
        if status is not None:
            history["status"] = status
        body = {"statusHistory": history}
        self._send("orderCommentAdd", "POST", f"/V1/orders/{entity_id}/comments", json=body)

    # -- admin system messages ----------------------------------------------------------------------
    def raise_message(self, identity: str, text: str, severity: int = 2) -> None:
        path = f"/V1/adminNotification/systemMessages/{quote(identity, safe='')}"
        self._send("messagePut", "PUT", path, json={"text": text, "severity": severity})

    def clear_message(self, identity: str) -> None:
        self._send("messageDelete", "DELETE", f"/V1/adminNotification/systemMessages/{quote(identity, safe='')}")


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict) and "message" in body:
        message = str(body["message"])
        params = body.get("parameters")
        if isinstance(params, dict):
            for key, value in params.items():
                message = message.replace(f"%{key}", str(value))
        return message
    return str(body)[:200]
