"""The adapter contract: how the harness drives any connector, in Python or over HTTP.

A connector is plugged in through a factory ``factory(env: ConnectorEnvironment) -> ConnectorAdapter``.
The Magento side of the truth (orders, shipments, admin messages) is read from the fake Magento, never
from the adapter: a connector cannot claim an order exists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

#: Order settings an adapter must accept in ``configure_orders`` (merchant setting -> key, values).
SETTINGS: dict[str, tuple[str, ...]] = {
    "import_enabled": ("true", "false"),
    "store_view_code": ("<store view code>",),
    "customer_mode": ("guest", "create"),
    "number_source": ("magento", "amazon"),
    "order_status": ("<status of the processing state>",),
    "reserve": ("none", "reserve"),
}


#: Filters of the All Orders view (VIEW-04): key -> meaning. Dates are ISO 8601, totals decimal strings.
ROW_FILTERS: dict[str, str] = {
    "purchase_date_from": "purchase date at or after",
    "purchase_date_to": "purchase date at or before",
    "order_number": "exact Amazon order number",
    "buyer_name": "buyer's name contains (case-insensitive)",
    "total_min": "grand total at least",
    "total_max": "grand total at most",
    "status": "Amazon status equals",
}


class ActionRefused(Exception):
    """The connector refused a merchant action, as its admin page would (the message says why)."""


@dataclass(frozen=True)
class StoreSpec:
    """An Amazon store to integrate: where the connector reaches Amazon and Magento, and when."""

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
    website_code: str
    integrated_at: datetime

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["integrated_at"] = self.integrated_at.isoformat()
        return data


@dataclass(frozen=True)
class OrderRow:
    """One row of a connector's Amazon orders table, as the merchant sees it."""

    order_number: str
    purchase_date: str
    status: str
    buyer_name: str | None = None
    grand_total: str | None = None
    notes: tuple[str, ...] = ()
    link: str | None = None
    magento_order: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OrderRow:
        missing = [k for k in ("order_number", "purchase_date", "status") if k not in data]
        if missing:
            raise ValueError(f"an order row lacks {missing}")
        return cls(
            order_number=str(data["order_number"]),
            purchase_date=str(data["purchase_date"]),
            status=str(data["status"]),
            buyer_name=None if data.get("buyer_name") is None else str(data["buyer_name"]),
            grand_total=None if data.get("grand_total") is None else str(data["grand_total"]),
            notes=tuple(str(n) for n in data.get("notes") or ()),
            link=None if data.get("link") is None else str(data["link"]),
            magento_order=None if data.get("magento_order") is None else str(data["magento_order"]),
        )


@dataclass(frozen=True)
class Capabilities:
    """What a connector declares it does not implement: rule ID -> reason. Those scenarios are skipped."""

    unsupported: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConnectorEnvironment:
    """What the harness gives a connector factory for one scenario."""

    workdir: Path
    now: Callable[[], datetime]
    sleep: Callable[[float], None]
    clock_url: str | None = None


@runtime_checkable
class ConnectorAdapter(Protocol):
    """The operations the harness drives. Settings keys and values are listed in :data:`SETTINGS`.

    Optional, outside the protocol: a class attribute ``reads_system_clock = False`` when the connector
    takes ``env.now``/``env.sleep`` (otherwise each call runs with the system clock frozen at the
    simulated instant, see ``harness.system_clock``), and ``restart()`` for a connector that restarts in
    place (otherwise a restart closes the adapter and builds a new one on the same ``env.workdir``).
    Over HTTP the same operations are the driver protocol (docs/driver-protocol.md).
    """

    def integrate_store(self, store: StoreSpec) -> None: ...

    def configure_orders(self, store: str, settings: Mapping[str, Any]) -> None: ...

    def set_store_active(self, store: str, active: bool) -> None: ...

    def set_read_only(self, on: bool) -> None: ...

    def sync(self, store: str | None = None) -> None: ...

    def run_cron(self) -> None: ...

    def cancel_order(self, store: str, order_number: str, reason: str) -> None:
        """The merchant cancels an Unshipped order from Magento (CAN-01). Raises :class:`ActionRefused`
        when the connector refuses (for example the order is not Unshipped)."""
        ...

    def amazon_orders(self, store: str, filters: Mapping[str, Any] | None = None) -> list[OrderRow]:
        """The All Orders view, optionally filtered (VIEW-04); keys are listed in :data:`ROW_FILTERS`."""
        ...

    def recent_orders(self, store: str) -> list[OrderRow]: ...

    def capabilities(self) -> Capabilities: ...

    def close(self) -> None: ...


AdapterFactory = Callable[[ConnectorEnvironment], ConnectorAdapter]
