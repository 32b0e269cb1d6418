"""A small SP-API Orders v0 client over ``requests``, with LWA tokens, Restricted Data Tokens and 429 back-off.

The store's seller credentials (LWA client id and secret, and the refresh token the seller issued) give
the access token. Buyer and shipping-address data are restricted: the order listing is read with a
Restricted Data Token for ``GET /orders/v0/orders`` (buyerInfo, shippingAddress), fetched once and kept
until shortly before it expires, so a sync costs at most one Tokens API call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import requests

from reference_impl.http_errors import RemoteError
from reference_impl.http_session import HeaderAuth
from reference_impl.settings import StoreConfig

MAX_RETRIES = 6
TIMEOUT = 10.0
ORDERS_PATH = "/orders/v0/orders"
RDT_PATH = "/tokens/2021-03-01/restrictedDataToken"
#: The restricted data the connector copies into Magento: the buyer's name and email, the shipping address.
DATA_ELEMENTS = ("buyerInfo", "shippingAddress")


class AmazonClient:
    """Orders v0 calls for one store. ``now`` and ``sleep`` are the connector's clock."""

    #: getOrders page size (SP-API allows 1..100).
    page_size: int = 100
    #: Seconds to wait for a connection and for each read.
    timeout: float = TIMEOUT

    def __init__(
        self,
        store: StoreConfig,
        session: requests.Session,
        now: Callable[[], datetime],
        sleep: Callable[[float], None],
    ) -> None:
        self.store = store
        self.session = session
        self.now = now
        self.sleep = sleep
        self._token: str | None = None
        self._token_until: datetime | None = None
        self._rdt: tuple[str, datetime] | None = None  # the listing's Restricted Data Token and its end

    def _access_token(self) -> str:
        if self._token and self._token_until and self.now() < self._token_until:
            return self._token
        data = {
            "grant_type": "refresh_token",
            "refresh_token": self.store.refresh_token,
            "client_id": self.store.lwa_client_id,
            "client_secret": self.store.lwa_client_secret,
        }
        body = self._send("lwaToken", "POST", self.store.lwa_endpoint.rstrip("/") + "/auth/o2/token", data=data)
        self._token = str(body["access_token"])
        self._token_until = self.now() + timedelta(seconds=int(body.get("expires_in", 3600)) - 60)
        return self._token

    def _restricted_token(self) -> str:
        """The Restricted Data Token for the order listing's buyer and address data (kept while it lives)."""
        if self._rdt and self.now() < self._rdt[1]:
            return self._rdt[0]
        resource = {"method": "GET", "path": ORDERS_PATH, "dataElements": list(DATA_ELEMENTS)}
        body = self._call("createRestrictedDataToken", "POST", RDT_PATH, json={"restrictedResources": [resource]})
        if not isinstance(body, dict) or not body.get("restrictedDataToken"):
            raise RemoteError("createRestrictedDataToken", "the answer has no restrictedDataToken", retryable=True)
        until = self.now() + timedelta(seconds=int(body.get("expiresIn", 3600)) - 60)
        self._rdt = (str(body["restrictedDataToken"]), until)
        return self._rdt[0]

    def _call(self, operation: str, method: str, path: str, *, restricted: bool = False, **kwargs: Any) -> Any:
        """One SP-API call with the access token, or with the listing's RDT when ``restricted``."""
        url = self.store.amazon_endpoint.rstrip("/") + path
        for _ in range(2):
            token = self._restricted_token() if restricted else self._access_token()
            try:
                return self._send(operation, method, url, auth=HeaderAuth("x-amz-access-token", token), **kwargs)
            except RemoteError as err:
                if err.status != 403:
                    raise
                self._token = None  # expired or revoked: fetch a new token once
                self._rdt = None
        raise RemoteError(operation, "access denied after refreshing the token", status=403)

    def _send(self, operation: str, method: str, url: str, **kwargs: Any) -> Any:
        for attempt in range(MAX_RETRIES + 1):
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.RequestException as err:
                raise RemoteError(operation, f"transport failure: {err}", retryable=True) from err
            if response.status_code == 429 and attempt < MAX_RETRIES:
                self.sleep(_backoff(response, attempt))
                continue
            if response.status_code >= 400:
                raise RemoteError(
                    operation,
                    f"HTTP {response.status_code}: {_error_text(response)}",
                    status=response.status_code,
                    retryable=response.status_code == 429 or response.status_code >= 500,
                )
            if response.status_code == 204 or not response.content:
                return None
            try:
                return response.json()
            except ValueError as err:
                raise RemoteError(operation, "the answer is not JSON", retryable=True) from err
        raise AssertionError("unreachable")

    # -- operations --------------------------------------------------------------------------------
    def orders_updated_since(self, since: datetime, page_size: int | None = None) -> Iterator[dict[str, Any]]:
        """Every order of the store's marketplace updated at or after ``since``, all pages."""
        params: dict[str, Any] = {
            "MarketplaceIds": self.store.marketplace_id,
            "LastUpdatedAfter": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "MaxResultsPerPage": page_size or self.page_size,
        }
        while True:
            body = self._call("getOrders", "GET", ORDERS_PATH, params=params, restricted=True)
            payload = _payload("getOrders", body)
            yield from payload.get("Orders") or []
            token = payload.get("NextToken")
            if not token:
                return
            params = {"MarketplaceIds": self.store.marketplace_id, "NextToken": token}

    def order_items(self, amazon_order_id: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {}
        while True:
            body = self._call("getOrderItems", "GET", f"/orders/v0/orders/{amazon_order_id}/orderItems", params=params)
            payload = _payload("getOrderItems", body)
            items.extend(payload.get("OrderItems") or [])
            token = payload.get("NextToken")
            if not token:
                return items
            params = {"NextToken": token}

    def order_status(self, amazon_order_id: str) -> str:
        """The order's status as Amazon shows it now (getOrder)."""
        body = self._call("getOrder", "GET", f"/orders/v0/orders/{amazon_order_id}")
        return str(_payload("getOrder", body).get("OrderStatus") or "")

    def confirm_shipment(self, amazon_order_id: str, package: dict[str, Any]) -> None:
        body = {"marketplaceId": self.store.marketplace_id, "packageDetail": package}
        self._call("confirmShipment", "POST", f"/orders/v0/orders/{amazon_order_id}/shipmentConfirmation", json=body)


def _payload(operation: str, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("payload"), dict):
        raise RemoteError(operation, "the answer has no payload object", retryable=True)
    return body["payload"]


def _backoff(response: requests.Response, attempt: int) -> float:
    """Seconds to wait after a 429: one token at the advertised rate, doubled per attempt."""
    try:
        rate = float(response.headers.get("x-amzn-RateLimit-Limit", "0"))
    except ValueError:
        rate = 0.0
    base = 1.0 / rate if rate > 0 else 1.0
    return min(base * (2**attempt), 300.0)


def _error_text(response: requests.Response) -> str:
    try:
        errors = response.json().get("errors") or []
        return "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors) or response.text[:200]
    except (ValueError, AttributeError):
        return response.text[:200]
