"""Deliberately broken connectors, to prove scenarios fail when a rule is broken."""

from __future__ import annotations

from typing import Any

from harness.adapter import ConnectorEnvironment
from harness.reference_adapter import ReferenceAdapter
from reference_impl import Connector
from reference_impl.storage import OrderRow
from reference_impl.sync import StoreSync


class _PendingImportingSync(StoreSync):
    due_statuses = frozenset({*StoreSync.due_statuses, "Pending"})

    def is_due(self, row: OrderRow) -> bool:
        return row.status in self.due_statuses

    def _items(self, row: OrderRow) -> list[dict[str, Any]]:
        # A Pending order's items come without prices; this connector does not wait for them.
        return [{"ItemPrice": {"Amount": "0.00"}, **item} for item in super()._items(row)]

    def _record(self, order: dict[str, Any]) -> None:
        # Amazon shows no shipping address while an order is Pending; this connector makes one up.
        placeholder = {
            "Name": "Amazon Buyer",
            "AddressLine1": "-",
            "City": "-",
            "PostalCode": "00000",
            "CountryCode": "US",
        }
        order.setdefault("ShippingAddress", placeholder)
        super()._record(order)


class _PendingImportingConnector(Connector):
    sync_class = _PendingImportingSync


class ImportsWhilePending(ReferenceAdapter):
    """Breaks IMP-02: creates the Magento order while the Amazon order is still Pending."""

    connector_class = _PendingImportingConnector


def imports_while_pending(env: ConnectorEnvironment) -> ImportsWhilePending:
    return ImportsWhilePending(env)
