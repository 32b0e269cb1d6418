"""The default adapter: the reference connector, in this process, on the harness's simulated clock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from harness.adapter import ActionRefused, Capabilities, ConnectorEnvironment, OrderRow, StoreSpec
from reference_impl import Connector, StoreConfig


def store_config(store: StoreSpec) -> StoreConfig:
    """The harness's description of a store as the reference connector's: the one conversion, field for field."""
    return StoreConfig(**{item.name: getattr(store, item.name) for item in fields(StoreSpec)})


class ReferenceAdapter:
    """Drives :class:`reference_impl.Connector` through the adapter contract."""

    connector_class: type[Connector] = Connector
    #: The connector takes ``env.now``/``env.sleep``: the harness need not freeze the system clock.
    reads_system_clock = False
    #: The Orders API version the connector reads Amazon through.
    orders_api = "v0"

    def __init__(self, env: ConnectorEnvironment) -> None:
        self.connector = self.connector_class(
            env.workdir / "connector.sqlite3", now=env.now, sleep=env.sleep, orders_api=self.orders_api
        )

    def integrate_store(self, store: StoreSpec) -> None:
        self.connector.integrate_store(store_config(store))

    def configure_orders(self, store: str, settings: Mapping[str, Any]) -> None:
        self.connector.configure_orders(store, **dict(settings))

    def set_store_active(self, store: str, active: bool) -> None:
        self.connector.set_store_active(store, active)

    def set_read_only(self, on: bool) -> None:
        self.connector.set_read_only(on)

    def sync(self, store: str | None = None) -> None:
        self.connector.sync(store)

    def run_cron(self) -> None:
        self.connector.run_cron()

    def cancel_order(self, store: str, order_number: str, reason: str) -> None:
        try:
            self.connector.cancel_order(store, order_number, reason)
        except ValueError as err:
            raise ActionRefused(str(err)) from err

    def amazon_orders(self, store: str, filters: Mapping[str, Any] | None = None) -> list[OrderRow]:
        return [OrderRow.from_json(r) for r in self.connector.amazon_orders(store, dict(filters or {}))]

    def recent_orders(self, store: str) -> list[OrderRow]:
        return [OrderRow.from_json(r) for r in self.connector.recent_orders(store)]

    def capabilities(self) -> Capabilities:
        return Capabilities()

    def close(self) -> None:
        self.connector.close()


def create_adapter(env: ConnectorEnvironment) -> ReferenceAdapter:
    """Entry point ``reference`` of the ``asc_conformance.connectors`` group."""
    return ReferenceAdapter(env)


class ReferenceAdapter2026(ReferenceAdapter):
    """The reference connector reading Amazon through Orders API 2026-01-01."""

    orders_api = "2026-01-01"

    def capabilities(self) -> Capabilities:
        return Capabilities(
            unsupported={
                "IMP-09": "Orders 2026-01-01 reports an InvoiceUnconfirmed order as SHIPPED, so it cannot be told "
                "apart from a shipped one"
            }
        )


def create_adapter_2026(env: ConnectorEnvironment) -> ReferenceAdapter2026:
    """Entry point ``reference-2026`` of the ``asc_conformance.connectors`` group."""
    return ReferenceAdapter2026(env)
