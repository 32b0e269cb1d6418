"""Per-store configuration: endpoints and credentials, and the order settings of the admin page."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from typing import Any

CUSTOMER_MODES = ("guest", "create")
NUMBER_SOURCES = ("magento", "amazon")
RESERVE_MODES = ("none", "reserve")
_OPTIONAL = frozenset({"store_view_code", "order_status"})


@dataclass(frozen=True)
class StoreConfig:
    """An Amazon store: where to reach Amazon and Magento, and when it was integrated (None, in a process
    configuration that names no instant: the moment :meth:`Connector.integrate_store` records it). The one
    description of a store on the connector's side of the adapter contract."""

    name: str
    marketplace_id: str
    amazon_endpoint: str
    lwa_endpoint: str
    lwa_client_id: str
    lwa_client_secret: str
    refresh_token: str
    magento_url: str
    magento_username: str
    magento_password: str
    integrated_at: datetime | None
    website_code: str = "base"
    seller_id: str = ""

    @property
    def integrated(self) -> datetime:
        """The integration instant of a store the connector has recorded."""
        if self.integrated_at is None:
            raise ValueError(f"store {self.name!r} is not integrated yet")
        return self.integrated_at

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (the database's and the driver protocol's): the instant in ISO 8601."""
        data = asdict(self)
        data["integrated_at"] = None if self.integrated_at is None else self.integrated_at.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoreConfig:
        """From :meth:`as_dict`'s form; unknown keys are ignored."""
        values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        if isinstance(values.get("integrated_at"), str):
            values["integrated_at"] = datetime.fromisoformat(values["integrated_at"])
        return cls(**values)


@dataclass(frozen=True)
class OrderSettings:
    """The order settings of one Amazon store (SET-01..SET-08); defaults are the documented ones."""

    import_enabled: bool = True
    store_view_code: str | None = None  # None: the default store view of the integrated website
    customer_mode: str = "guest"
    number_source: str = "magento"
    order_status: str | None = None  # None: Processing
    reserve: str = "none"

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            optional = item.name in _OPTIONAL
            wanted = bool if item.name == "import_enabled" else str
            if not (type(value) is wanted or (optional and value is None)):
                kind = "true or false" if wanted is bool else "a string" + (" or null" if optional else "")
                raise TypeError(f"{item.name} must be {kind}, got {value!r}")
        if self.customer_mode not in CUSTOMER_MODES:
            raise ValueError(f"customer_mode must be one of {CUSTOMER_MODES}, got {self.customer_mode!r}")
        if self.number_source not in NUMBER_SOURCES:
            raise ValueError(f"number_source must be one of {NUMBER_SOURCES}, got {self.number_source!r}")
        if self.reserve not in RESERVE_MODES:
            raise ValueError(f"reserve must be one of {RESERVE_MODES}, got {self.reserve!r}")

    def updated(self, changes: dict[str, Any]) -> OrderSettings:
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown order setting(s) {unknown}; known: {sorted(known)}")
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
