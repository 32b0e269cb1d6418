"""Login with Amazon and the Tokens API: apps, sellers' consents, access tokens, Restricted Data Tokens.

An app is an LWA client (client id and secret). A seller authorises an app by issuing it a refresh
token (their consent); the app exchanges client id, secret and refresh token for an access token bound
to that seller. Revoking the refresh token is the seller withdrawing consent: no new access token, and
the access tokens (and Restricted Data Tokens) issued from it stop working at once.

A Restricted Data Token (RDT) is an access token for a list of restricted resources (HTTP method,
path, and for getOrders/getOrder/getOrderItems the data elements ``buyerInfo``, ``shippingAddress``,
``buyerTaxInformation``). It authorises calls to those resources only, for the seller of the access
token it was created with.

Every sandbox starts with a documented default: the app :data:`DEFAULT_CLIENT_ID` /
:data:`DEFAULT_CLIENT_SECRET`, authorised by the default seller with :data:`DEFAULT_REFRESH_TOKEN`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from simulators.amazon.errors import LwaError
from simulators.clock import SimClock

DEFAULT_CLIENT_ID = "amzn1.application-oa2-client.sim"
DEFAULT_CLIENT_SECRET = "sim-secret"
DEFAULT_REFRESH_TOKEN = "Atzr|sim-default"
#: The LWA form that gets an access token for the default seller, as an outside client sends it.
DEFAULT_GRANT = {
    "grant_type": "refresh_token",
    "refresh_token": DEFAULT_REFRESH_TOKEN,
    "client_id": DEFAULT_CLIENT_ID,
    "client_secret": DEFAULT_CLIENT_SECRET,
}
TOKEN_LIFETIME = 3600
RDT_LIFETIME = 3600
MAX_RESOURCES = 50
MAX_CREDENTIAL = 2048
DATA_ELEMENTS = frozenset({"buyerInfo", "shippingAddress", "buyerTaxInformation"})
GRANTLESS_SCOPES = frozenset({"sellingpartnerapi::notifications", "sellingpartnerapi::client_credential:rotation"})
_ORDER = r"(?:\{orderId\}|\d{3}-\d{7}-\d{7})"
#: Restricted operations of the Orders API v0: path pattern -> (operation, whether dataElements are required).
RESTRICTED_PATHS: tuple[tuple[re.Pattern[str], str, bool], ...] = (
    (re.compile(r"^/orders/v0/orders$"), "getOrders", True),
    (re.compile(rf"^/orders/v0/orders/{_ORDER}$"), "getOrder", True),
    (re.compile(rf"^/orders/v0/orders/{_ORDER}/orderItems$"), "getOrderItems", True),
    (re.compile(rf"^/orders/v0/orders/{_ORDER}/buyerInfo$"), "getOrderBuyerInfo", False),
    (re.compile(rf"^/orders/v0/orders/{_ORDER}/address$"), "getOrderAddress", False),
    (re.compile(rf"^/orders/v0/orders/{_ORDER}/orderItems/buyerInfo$"), "getOrderItemsBuyerInfo", False),
)


def invalid_client() -> LwaError:
    return LwaError(401, "invalid_client", "Client authentication failed")


def invalid_grant() -> LwaError:
    return LwaError(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token")


@dataclass
class Consent:
    """A seller's authorisation of an app: the refresh token the app holds."""

    refresh_token: str
    client_id: str
    seller_id: str
    revoked: bool = False


@dataclass(frozen=True)
class RestrictedResource:
    """A resource an RDT opens: method, path (an order ID or ``{orderId}``) and data elements."""

    method: str
    path: str
    data_elements: frozenset[str] = frozenset()

    def covers(self, method: str, path: str) -> bool:
        if method != self.method:
            return False
        if "{orderId}" not in self.path:
            return path == self.path
        pattern = re.escape(self.path).replace(re.escape("{orderId}"), r"\d{3}-\d{7}-\d{7}")
        return re.fullmatch(pattern, path) is not None


@dataclass
class Grant:
    """What an access token (or RDT) stands for: the app, the seller (None: grantless), its origin."""

    client_id: str
    seller_id: str | None
    refresh_token: str | None
    issued_at: datetime
    lifetime: int
    resources: tuple[RestrictedResource, ...] | None = None  # set for an RDT only

    @property
    def restricted(self) -> bool:
        return self.resources is not None

    def elements_for(self, method: str, path: str) -> frozenset[str] | None:
        """The data elements this RDT grants for the call (None: the RDT does not cover it)."""
        for resource in self.resources or ():
            if resource.covers(method, path):
                return resource.data_elements
        return None


class Authorizations:
    """LWA apps, consents and tokens of one namespace, on the namespace's clock."""

    def __init__(self, clock: SimClock, known_seller: Callable[[str], bool]) -> None:
        self.clock = clock
        self._known_seller = known_seller
        self.apps: dict[str, str] = {}
        self.consents: dict[str, Consent] = {}
        self._grants: dict[str, Grant] = {}

    # -- control plane -------------------------------------------------------------------------------
    def register_app(self, client_id: str, client_secret: str) -> None:
        """Register (or re-key) an app's LWA credentials."""
        _credential(client_id, "client_id")
        _credential(client_secret, "client_secret")
        self.apps[client_id] = client_secret

    def authorize(self, seller_id: str, client_id: str, refresh_token: str | None = None) -> Consent:
        """The seller authorises the app: a refresh token for it (generated when not given)."""
        if not self._known_seller(seller_id):
            raise ValueError(f"unknown seller {seller_id!r}")
        if client_id not in self.apps:
            raise ValueError(f"unknown app {client_id!r}; register it first")
        token = refresh_token if refresh_token is not None else "Atzr|" + secrets.token_urlsafe(32)
        _credential(token, "refresh_token")
        existing = self.consents.get(token)
        if existing is not None and (existing.client_id, existing.seller_id) != (client_id, seller_id):
            raise ValueError("this refresh token is already issued to another seller or app")
        consent = self.consents[token] = Consent(token, client_id, seller_id)
        return consent

    def revoke(self, refresh_token: str) -> Consent:
        """The seller withdraws consent: the refresh token and every token issued from it stop working."""
        consent = self.consents.get(refresh_token)
        if consent is None:
            raise KeyError(f"no refresh token {refresh_token!r}")
        consent.revoked = True
        return consent

    def consents_of(self, seller_id: str) -> list[Consent]:
        return [c for c in self.consents.values() if c.seller_id == seller_id]

    # -- LWA -----------------------------------------------------------------------------------------
    def _client(self, client_id: str, client_secret: str) -> None:
        known = self.apps.get(client_id)
        if known is None or not secrets.compare_digest(known.encode(), client_secret.encode()):
            raise invalid_client()

    def exchange(self, client_id: str, client_secret: str, refresh_token: str) -> tuple[str, Grant]:
        """The refresh_token grant: an access token for the seller who issued ``refresh_token`` to the app."""
        self._client(client_id, client_secret)
        consent = self.consents.get(refresh_token)
        if consent is None or consent.revoked or consent.client_id != client_id:
            raise invalid_grant()
        return self._issue(Grant(client_id, consent.seller_id, refresh_token, self.clock.now(), TOKEN_LIFETIME))

    def grantless(self, client_id: str, client_secret: str, scope: str) -> tuple[str, Grant]:
        """The client_credentials grant: a token for grantless operations, bound to no seller."""
        self._client(client_id, client_secret)
        if not set(scope.split()) <= GRANTLESS_SCOPES:
            raise LwaError(400, "invalid_scope", "The scope is not valid for this client")
        return self._issue(Grant(client_id, None, None, self.clock.now(), TOKEN_LIFETIME))

    def _issue(self, grant: Grant) -> tuple[str, Grant]:
        prefix = "Atz.sprdt|" if grant.restricted else "Atza|"
        token = prefix + secrets.token_hex(24)
        self._grants[token] = grant
        return token, grant

    def authenticate(self, token: str | None) -> Grant | None:
        """The grant of a live token; None when unknown, expired or its consent was withdrawn."""
        grant = self._grants.get(token or "")
        if grant is None or (self.clock.now() - grant.issued_at).total_seconds() >= grant.lifetime:
            return None
        if grant.refresh_token is not None and self.consents[grant.refresh_token].revoked:
            return None
        return grant

    # -- Tokens API ----------------------------------------------------------------------------------
    def restricted_data_token(self, grant: Grant, resources: Iterable[RestrictedResource]) -> tuple[str, Grant]:
        """An RDT for ``resources``, for the seller of ``grant`` (a seller's access token, not an RDT)."""
        rdt = Grant(
            grant.client_id, grant.seller_id, grant.refresh_token, self.clock.now(), RDT_LIFETIME, tuple(resources)
        )
        return self._issue(rdt)


def parse_resources(value: Any) -> list[RestrictedResource]:
    """``restrictedResources`` of a createRestrictedDataToken body; ValueError says what is wrong."""
    if not isinstance(value, list) or not value:
        raise ValueError("restrictedResources is required and must be a non-empty array")
    if len(value) > MAX_RESOURCES:
        raise ValueError(f"restrictedResources may hold at most {MAX_RESOURCES} resources")
    out = []
    for index, entry in enumerate(value):
        where = f"restrictedResources[{index}]"
        if not isinstance(entry, dict):
            raise ValueError(f"{where} must be an object")
        method, path = entry.get("method"), entry.get("path")
        if not isinstance(method, str) or method not in {"GET", "PUT", "POST", "DELETE"}:
            raise ValueError(f"{where}.method must be one of GET, PUT, POST, DELETE")
        if not isinstance(path, str) or not path:
            raise ValueError(f"{where}.path is required")
        rule = next((r for r in RESTRICTED_PATHS if r[0].match(path)), None)
        if rule is None:
            raise ValueError(f"{where}.path {path!r} is not the path of a restricted operation")
        if method != "GET":
            raise ValueError(f"{where}.method: {rule[1]} is a GET operation, not {method}")
        elements = entry.get("dataElements")
        if elements is None:
            if rule[2]:
                raise ValueError(f"{where}.dataElements is required for the {rule[1]} operation")
            elements = []
        if not isinstance(elements, list) or not all(isinstance(e, str) for e in elements):
            raise ValueError(f"{where}.dataElements must be an array of strings")
        unknown = sorted(set(elements) - DATA_ELEMENTS)
        if unknown:
            raise ValueError(f"{where}.dataElements: unknown {unknown}; expected some of {sorted(DATA_ELEMENTS)}")
        if rule[2] and not elements:
            raise ValueError(f"{where}.dataElements must name at least one data element for {rule[1]}")
        out.append(RestrictedResource(method, path, frozenset(elements)))
    return out


def _credential(value: Any, name: str) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_CREDENTIAL:
        raise ValueError(f"{name} must be a non-empty string of at most {MAX_CREDENTIAL} characters")
