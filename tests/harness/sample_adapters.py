"""Small connectors for the harness's own tests: partial support, a broken view, a system-clock reader."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from harness.adapter import Capabilities, ConnectorEnvironment, OrderRow, StoreSpec
from harness.reference_adapter import ReferenceAdapter

UNSUPPORTED = {
    "IMP-02": "Pending orders are not shown separately",
    "BLK-06": "no order notes",
    "IMP-99": "a rule the catalogue does not have",
}


class PartialAdapter(ReferenceAdapter):
    """The reference connector declaring two rules unsupported."""

    def capabilities(self) -> Capabilities:
        return Capabilities(unsupported=dict(UNSUPPORTED))


class PartialAndBrokenAdapter(PartialAdapter):
    """Declares two rules unsupported and breaks Recent Orders (VIEW-01, DIS-01): it is always empty."""

    def recent_orders(self, store: str) -> list[OrderRow]:
        return []


def partial(env: ConnectorEnvironment) -> PartialAdapter:
    return PartialAdapter(env)


def partial_and_broken(env: ConnectorEnvironment) -> PartialAndBrokenAdapter:
    return PartialAndBrokenAdapter(env)


class NothingSupported(ReferenceAdapter):
    """Declares every rule of the catalogue unsupported, core rules included."""

    def capabilities(self) -> Capabilities:
        from harness.rules import catalogue

        return Capabilities(unsupported={rule: "not implemented" for rule in catalogue()})


def nothing_supported(env: ConnectorEnvironment) -> NothingSupported:
    return NothingSupported(env)


class SystemClockReader:
    """A connector that never takes a clock: it reads ``datetime.now()``, ``date.today()`` and ``time.time()``."""

    def __init__(self, env: ConnectorEnvironment) -> None:
        self.env = env
        self.seen: list[dict[str, Any]] = []

    def _look(self, label: str) -> None:
        self.seen.append(
            {
                "label": label,
                "now": datetime.now(UTC),
                "today": date.today(),
                "time": time.time(),
                "naive": datetime.now(),
            }
        )

    def integrate_store(self, store: StoreSpec) -> None:
        self._look("integrate_store")

    def configure_orders(self, store: str, settings: Mapping[str, Any]) -> None:
        self._look("configure_orders")

    def set_store_active(self, store: str, active: bool) -> None:
        self._look("set_store_active")

    def set_read_only(self, on: bool) -> None:
        self._look("set_read_only")

    def sync(self, store: str | None = None) -> None:
        self._look("sync:before")
        self.env.sleep(90)  # a back-off on the simulated clock
        self._look("sync:after")

    def run_cron(self) -> None:
        self._look("run_cron")

    def cancel_order(self, store: str, order_number: str, reason: str) -> None:
        self._look("cancel_order")

    def amazon_orders(self, store: str, filters: Mapping[str, Any] | None = None) -> list[OrderRow]:
        self._look("amazon_orders")
        return []

    def recent_orders(self, store: str) -> list[OrderRow]:
        return []

    def capabilities(self) -> Capabilities:
        return Capabilities()

    def close(self) -> None:
        pass


class SystemClockReference(ReferenceAdapter):
    """The reference connector left on its default clock (``datetime.now(UTC)``), which also takes the
    integration instant from the system clock when a store is integrated, as many connectors do."""

    reads_system_clock = True

    def __init__(self, env: ConnectorEnvironment) -> None:
        self.connector = self.connector_class(env.workdir / "connector.sqlite3", sleep=env.sleep)

    def integrate_store(self, store: StoreSpec) -> None:
        super().integrate_store(replace(store, integrated_at=datetime.now(UTC)))


def system_clock_reference(env: ConnectorEnvironment) -> SystemClockReference:
    return SystemClockReference(env)
