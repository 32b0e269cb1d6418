"""The mutant catalogue: the reference connector with one small, named change that breaks one rule each.

A mutant proves the suite bites: run against it, the scenarios tagged with its rule must fail. Each
mutant is an adapter factory registered in the ``asc_conformance.mutants`` entry points
(:mod:`harness.mutant_registry`), so ``--impl <name>`` selects it like any connector (``--impl
harness.mutants:<name>`` too). Mutants are built on the reference connector's public surface only
(``reference_impl.__all__``): subclasses override its public seams (``Connector.sync_class`` and
``StoreSync``'s step methods, ``make_amazon_client``/``make_magento_client``, ``cancellable_statuses``,
``has_blocked``, the views) and wrap its HTTP clients, so they keep working when the reference changes
elsewhere.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from harness.adapter import AdapterFactory, ConnectorEnvironment
from harness.mutant_registry import Mutant, describe
from harness.reference_adapter import ReferenceAdapter
from reference_impl import (
    SELLER_CENTRAL,
    AmazonClient,
    Connector,
    MagentoClient,
    OrderRow,
    RemoteError,
    StoreConfig,
    StoreSync,
)

MUTANTS: dict[str, Mutant] = {}
#: Mutants the suite does not kill yet (each names the missing scenario); not part of :func:`catalogue`.
GAPS: dict[str, Mutant] = {}


def _register(name: str, rule: str, description: str, *, gap: str = "") -> Callable[[type], type]:
    """Class decorator: a Connector or StoreSync subclass becomes the catalogued mutant ``name``
    (a known gap when ``gap`` names the scenario that would kill it)."""

    def register(cls: type) -> type:
        if name in MUTANTS or name in GAPS:
            raise ValueError(f"mutant {name!r} is catalogued twice")
        connector = type(f"{cls.__name__}Connector", (Connector,), {"sync_class": cls}) if _is_sync(cls) else cls
        adapter = type(
            f"{cls.__name__}Adapter", (ReferenceAdapter,), {"connector_class": connector, "__doc__": description}
        )

        def factory(env: ConnectorEnvironment) -> ReferenceAdapter:
            return adapter(env)

        factory.__name__ = factory.__qualname__ = name
        described = describe(factory, rule, description, gap)
        (GAPS if gap else MUTANTS)[name] = Mutant(name, rule, description, described, gap)
        return cls

    return register


def _is_sync(cls: type) -> bool:
    return issubclass(cls, StoreSync)


def __getattr__(name: str) -> AdapterFactory:
    """``harness.mutants:<name>`` resolves to the mutant's adapter factory (the entry points name these)."""
    mutant = MUTANTS.get(name) or GAPS.get(name)
    if mutant is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return mutant.factory


def catalogue() -> list[Mutant]:
    """Every mutant the suite must kill, in catalogue order (the kill matrix reads the registry instead)."""
    return list(MUTANTS.values())


def gaps() -> list[Mutant]:
    """Mutants the suite does not kill yet, each with the scenario it lacks."""
    return list(GAPS.values())


# -- building blocks --------------------------------------------------------------------------------------
class _Proxy:
    """Delegates to ``target`` except for the attributes given as overrides."""

    def __init__(self, target: Any, **overrides: Any) -> None:
        self._target = target
        self.__dict__.update(overrides)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._target, attr)


class _Sync(StoreSync):
    """A StoreSync whose settings or clients a mutant adjusts right after it is built."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.adjust()

    def adjust(self) -> None:
        """Change ``self.settings``, ``self.store``, ``self.magento`` or ``self.amazon`` here."""


class _WrappedMagento(Connector):
    """A Connector whose Magento clients (also the ones the admin message goes through) are wrapped."""

    def wrap_magento(self, client: MagentoClient) -> Any:
        raise NotImplementedError

    def make_magento_client(self, store: StoreConfig) -> Any:
        return self.wrap_magento(super().make_magento_client(store))


def _with_entity(client: Any, change: Callable[[dict[str, Any]], None]) -> _Proxy:
    """The client, with every created Magento order entity changed by ``change`` first."""

    def create_order(entity: dict[str, Any]) -> dict[str, Any]:
        entity = json.loads(json.dumps(entity))
        change(entity)
        return client.create_order(entity)

    return _Proxy(client, create_order=create_order)


def _with_product(client: Any, change: Callable[[dict[str, Any]], None]) -> _Proxy:
    """The client, with every product it reads changed by ``change`` (what the connector believes)."""

    def product(sku: str) -> dict[str, Any] | None:
        found = client.product(sku)
        if found is not None:
            found = json.loads(json.dumps(found))
            change(found)
        return found

    return _Proxy(client, product=product)


def _stock_item(product: dict[str, Any]) -> dict[str, Any]:
    extension = product.setdefault("extension_attributes", {})
    return extension.setdefault("stock_item", {})


def _transient_refusals(client: Any) -> _Proxy:
    """The client, with Magento's refusal of an order answered as a transient 5xx (no block recorded)."""

    def create_order(entity: dict[str, Any]) -> dict[str, Any]:
        try:
            return client.create_order(entity)
        except RemoteError as err:
            raise RemoteError("orderCreate", f"failed, will retry: {err}", status=503, retryable=True) from err

    return _Proxy(client, create_order=create_order)


# == Store integration and order settings ===============================================================
@_register("import_disabled_by_default", "SET-01", "integrates a store with Import Amazon Orders disabled")
class _ImportDisabledByDefault(Connector):
    def integrate_store(self, store: StoreConfig) -> None:
        super().integrate_store(store)
        self.configure_orders(store.name, import_enabled=False)


@_register("settings_shared_by_stores", "SET-02", "applies an order-settings change to every store, not one")
class _SettingsShared(Connector):
    def configure_orders(self, name: str, **changes: Any) -> Any:
        result = None
        for other in self.storage.store_names():
            result = super().configure_orders(other, **changes)
        return result


@_register("wrong_store_view", "SET-03", "creates orders in the website's default store view, not the chosen one")
class _WrongStoreView(_Sync):
    def adjust(self) -> None:
        self.settings = replace(self.settings, store_view_code=None)


@_register("always_guest", "SET-04", "creates guest orders whatever the Customer Creation setting")
class _AlwaysGuest(_Sync):
    def adjust(self) -> None:
        self.settings = replace(self.settings, customer_mode="guest")


@_register("ignores_number_source", "SET-05", "uses Magento's increment ID whatever the Order Number Source")
class _IgnoresNumberSource(_Sync):
    def adjust(self) -> None:
        self.settings = replace(self.settings, number_source="magento")


@_register("ignores_custom_status", "SET-06", "gives imported orders Processing whatever the Order Status")
class _IgnoresCustomStatus(_Sync):
    def adjust(self) -> None:
        self.settings = replace(self.settings, order_status=None)


@_register("reserves_nothing", "SET-07", "holds back no quantity whatever the Pending Orders setting")
class _ReservesNothing(_Sync):
    def adjust(self) -> None:
        self.settings = replace(self.settings, reserve="none")


@_register("reserves_while_disabled", "SET-08", "holds back quantity for Pending orders while import is disabled")
class _ReservesWhileDisabled(_Sync):
    def read_amazon(self) -> None:
        super().read_amazon()
        if not self.settings.import_enabled and self.settings.reserve == "reserve":
            self.hold_quantities()

    def release_holds(self) -> None:
        if self.settings.import_enabled:  # holds taken while disabled are kept, as the hold step took them
            super().release_holds()


# == Orders placed before integration ===================================================================
_LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


class _ReadsFromLongAgo(_Sync):
    def adjust(self) -> None:
        self.store = replace(self.store, integrated_at=_LONG_AGO)


@_register("imports_pre_integration_orders", "PRE-01", "reads Amazon from long before integration and imports all")
class _ImportsPreIntegration(Connector):
    sync_class = _ReadsFromLongAgo

    def integrate_store(self, store: StoreConfig) -> None:
        super().integrate_store(replace(store, integrated_at=_LONG_AGO))  # its first read starts long ago


@_register("imports_updated_pre_integration_orders", "PRE-02", "imports a pre-integration order once it changes status")
class _ImportsUpdatedPreIntegration(_ReadsFromLongAgo):
    pass


@_register("integration_instant_exclusive", "PRE-03", "treats an order purchased at the integration instant as old")
class _IntegrationInstantExclusive(_Sync):
    def adjust(self) -> None:
        self.store = replace(self.store, integrated_at=self.store.integrated_at + timedelta(seconds=1))


# == Import lifecycle =======================================================================================
@_register("pending_not_listed", "IMP-01", "leaves a new Pending order out of the Amazon orders table")
class _PendingNotListed(_Sync):
    def record(self, order: dict[str, Any]) -> None:
        if order.get("OrderStatus") == "Pending" and self.storage.order(self.name, str(order["AmazonOrderId"])) is None:
            return
        super().record(order)


@_register("imports_while_pending", "IMP-02", "creates the Magento order while the Amazon order is Pending")
class _ImportsWhilePending(_Sync):
    due_statuses = frozenset({*StoreSync.due_statuses, "Pending"})

    def is_due(self, row: OrderRow) -> bool:
        return row.status in self.due_statuses

    def order_items(self, row: OrderRow) -> list[dict[str, Any]]:
        # A Pending order's items come without prices; this connector does not wait for them.
        return [{"ItemPrice": {"Amount": "0.00"}, **item} for item in super().order_items(row)]

    def record(self, order: dict[str, Any]) -> None:
        # Amazon shows no shipping address while an order is Pending; this connector makes one up.
        placeholder = {
            "Name": "Amazon Buyer",
            "AddressLine1": "-",
            "City": "-",
            "PostalCode": "00000",
            "CountryCode": "US",
        }
        order.setdefault("ShippingAddress", placeholder)
        super().record(order)


@_register("imports_as_pending_status", "IMP-03", "creates the Magento order in state new, status pending")
class _ImportsAsPending(_Sync):
    def adjust(self) -> None:
        self.magento = _with_entity(self.magento, lambda e: e.update(state="new", status="pending"))


@_register("row_leads_to_seller_central", "IMP-04", "links every row to Seller Central, never to the Magento order")
class _RowLeadsToSellerCentral(Connector):
    def amazon_orders(self, name: str, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        rows = super().amazon_orders(name, filters)
        for row in rows:
            row["link"] = SELLER_CENTRAL.format(id=row["order_number"])
        return rows


@_register("no_shipment_confirmation", "IMP-05", "never confirms a Magento shipment to Amazon")
class _NoShipmentConfirmation(_Sync):
    def collect_shipments(self) -> None:
        return None


@_register("never_completes", "IMP-06", "leaves a shipped order's Magento order open after the cron job")
class _NeverCompletes(_Sync):
    def complete_shipped(self) -> None:
        return None


@_register("duplicates_on_repeated_sync", "IMP-07", "records no Magento order and never looks one up: re-creates it")
class _DuplicatesOnRepeatedSync(_Sync):
    def adjust(self) -> None:
        self.magento = _Proxy(self.magento, orders_by_field=lambda field, value: [])

    def imported(self, row: OrderRow, order: dict[str, Any], *, adopted: bool) -> None:
        return None


@_register("imports_only_orders_seen_pending", "IMP-08", "imports only orders the table first saw Pending")
class _ImportsOnlySeenPending(_Sync):
    def is_due(self, row: OrderRow) -> bool:
        first = self.storage.notes(self.name, row.amazon_order_id)[:1]
        return super().is_due(row) and first == ["Order received with status Pending."]


@_register(
    "skips_partially_shipped",
    "IMP-08",
    "never imports a merchant-fulfilled order in status PartiallyShipped",
)
class _SkipsPartiallyShipped(_Sync):
    def is_due(self, row: OrderRow) -> bool:
        return super().is_due(row) and row.status != "PartiallyShipped"


@_register("imports_invoice_unconfirmed", "IMP-09", "creates a Magento order for an InvoiceUnconfirmed order")
class _ImportsInvoiceUnconfirmed(_Sync):
    due_statuses = frozenset({*StoreSync.due_statuses, "InvoiceUnconfirmed"})

    def is_due(self, row: OrderRow) -> bool:
        return super().is_due(row) or row.status == "InvoiceUnconfirmed"


@_register("imports_fba_while_unshipped", "IMP-10", "imports an FBA order while it is Unshipped")
class _ImportsFbaWhileUnshipped(_Sync):
    def is_due(self, row: OrderRow) -> bool:
        return row.status in self.due_statuses


def _as_merchant_fulfilled(entity: dict[str, Any]) -> None:
    entity.setdefault("extension_attributes", {})["amazon_fulfillment_channel"] = "MFN"


@_register("fba_takes_magento_stock", "IMP-11", "sends an FBA order as merchant-fulfilled: it takes Magento stock")
class _FbaTakesStock(_Sync):
    def adjust(self) -> None:
        self.magento = _with_entity(self.magento, _as_merchant_fulfilled)

    @staticmethod
    def order_stock(lines: list[dict[str, Any]], channel: str) -> dict[str, int]:
        return StoreSync.order_stock(lines, "MFN")


@_register("not_amazon_payment", "IMP-12", "creates the Magento order with the check/money order payment")
class _NotAmazonPayment(_Sync):
    def adjust(self) -> None:
        self.magento = _with_entity(self.magento, lambda e: e["payment"].update(method="checkmo"))


def _drop_tax(entity: dict[str, Any]) -> None:
    for item in entity.get("items", []):
        item["tax_amount"] = 0.0


@_register("drops_tax", "IMP-13", "leaves Amazon's tax out of the Magento order")
class _DropsTax(_Sync):
    def adjust(self) -> None:
        self.magento = _with_entity(self.magento, _drop_tax)


@_register("never_retries_a_failed_create", "IMP-03", "never creates an order again once a create failed")
class _NeverRetriesFailedCreate(_Sync):
    def import_order(self, row: OrderRow, store_id: int, website_id: int) -> None:
        if row.data.get("create_attempted"):
            self.adopt(row)  # waits for the order to appear in Magento, even when the create was refused
            return
        super().import_order(row, store_id, website_id)


def _first_item_only(entity: dict[str, Any]) -> None:
    entity["items"] = entity.get("items", [])[:1]


@_register("imports_first_item_only", "IMP-13", "creates the Magento order with the first Amazon item only")
class _FirstItemOnly(_Sync):
    def adjust(self) -> None:
        self.magento = _with_entity(self.magento, _first_item_only)


@_register("no_status_notes", "IMP-14", "follows Amazon's status without noting the change in Order Notes")
class _NoStatusNotes(_Sync):
    def note(self, amazon_order_id: str, text: str) -> None:
        if not text.startswith("Status updated to"):
            super().note(amazon_order_id, text)


# == Order creation blockers ===============================================================================
@_register("ignores_missing_product", "BLK-01", "does not check that a SKU exists; Magento's refusal is retried")
class _IgnoresMissingProduct(_Sync):
    def adjust(self) -> None:
        magento = self.magento

        def product(sku: str) -> dict[str, Any] | None:
            found = magento.product(sku)
            if found is None:
                return {"sku": sku, "status": 1, "extension_attributes": {"stock_item": {"manage_stock": False}}}
            return found

        self.magento = _transient_refusals(_Proxy(magento, product=product))


@_register("ignores_disabled_product", "BLK-02", "does not check product status; Magento's refusal is retried")
class _IgnoresDisabledProduct(_Sync):
    def adjust(self) -> None:
        self.magento = _transient_refusals(_with_product(self.magento, lambda p: p.update(status=1)))


@_register("ignores_stock", "BLK-03", "does not check stock; Magento's refusal is retried as a failure")
class _IgnoresStock(_Sync):
    def adjust(self) -> None:
        self.magento = _transient_refusals(
            _with_product(self.magento, lambda p: _stock_item(p).update(manage_stock=False))
        )


@_register(
    "relies_on_magento_refusal",
    "BLK-02",
    "checks no product, status or stock itself: sends every order and blocks only what Magento refuses",
)
class _ReliesOnMagentoRefusal(_Sync):
    """Magento's order repository save refuses none of these, so such a connector creates orders for missing,
    disabled and sold-out products (BLK-01..03)."""

    def blocker(self, lines: list[dict[str, Any]], channel: str, held: dict[str, int] | None = None) -> str | None:
        return None


@_register("forgets_admin_message", "BLK-04", "never raises the cannot-import admin message")
class _ForgetsAdminMessage(_WrappedMagento):
    def wrap_magento(self, client: MagentoClient) -> Any:
        return _Proxy(client, raise_message=lambda identity, text, severity=2: None)


@_register("message_names_one_store", "BLK-04", "names only the first store with blocked orders in the message")
class _MessageNamesOneStore(_WrappedMagento):
    def wrap_magento(self, client: MagentoClient) -> Any:
        def raise_message(identity: str, text: str, severity: int = 2) -> None:
            head, sep, names = text.rpartition(": ")
            client.raise_message(identity, f"{head}{sep}{names.split(', ')[0]}", severity)

        return _Proxy(client, raise_message=raise_message)


@_register("never_retries_blocked", "BLK-05", "never retries an order once it was blocked")
class _NeverRetriesBlocked(_Sync):
    def is_due(self, row: OrderRow) -> bool:
        return super().is_due(row) and row.blocked_reason is None


@_register("retries_blocked_on_cron_only", "BLK-05", "retries blocked orders on the cron job only, not on a sync")
class _RetriesOnCronOnly(_Sync):
    _cron = False

    def run(self, *, read_only: bool, cron: bool) -> dict[str, Any]:
        self._cron = cron
        return super().run(read_only=read_only, cron=cron)

    def is_due(self, row: OrderRow) -> bool:
        return super().is_due(row) and (row.blocked_reason is None or self._cron)


@_register("no_block_reason_note", "BLK-06", "writes no reason in the Order Notes of a blocked order")
class _NoBlockReasonNote(_Sync):
    def note(self, amazon_order_id: str, text: str) -> None:
        if not text.startswith("Cannot create sales order"):
            super().note(amazon_order_id, text)


@_register("unmanaged_stock_counts", "BLK-07", "treats a product that does not manage stock as out of stock at 0")
class _UnmanagedStockCounts(_Sync):
    def adjust(self) -> None:
        self.magento = _with_product(self.magento, lambda p: _stock_item(p).update(manage_stock=True))


@_register("imports_salable_items", "BLK-08", "creates a partial Magento order with the items that can be sold")
class _ImportsSalableItems(_Sync):
    def adjust(self) -> None:
        magento = self.magento
        sync = self

        def create_order(entity: dict[str, Any]) -> dict[str, Any]:
            salable = [i for i in entity["items"] if not sync.blocker([_line(i)], "MFN")]
            return magento.create_order({**entity, "items": salable or entity["items"]})

        self.magento = _Proxy(magento, create_order=create_order)

    def blocker(self, lines: list[dict[str, Any]], channel: str, held: dict[str, int] | None = None) -> str | None:
        reasons = [super(_ImportsSalableItems, self).blocker([line], channel, held) for line in lines]
        return reasons[0] if all(reasons) else None


def _line(item: dict[str, Any]) -> dict[str, Any]:
    return {"sku": item["sku"], "qty": item["qty_ordered"]}


class _StopImports(Exception):
    pass


@_register("blocked_order_stops_imports", "BLK-09", "stops importing the other orders of a sync at a blocked order")
class _BlockedStopsImports(_Sync):
    _stopped = False

    def block(self, row: OrderRow, reason: str) -> None:
        super().block(row, reason)
        self._stopped = True

    def import_order(self, row: OrderRow, store_id: int, website_id: int) -> None:
        if not self._stopped:
            super().import_order(row, store_id, website_id)


@_register("never_clears_message", "BLK-10", "never clears the admin message once raised")
class _NeverClearsMessage(_WrappedMagento):
    def wrap_magento(self, client: MagentoClient) -> Any:
        return _Proxy(client, clear_message=lambda identity: None)


@_register("counts_canceled_blocked", "BLK-11", "keeps counting a blocked order Amazon canceled toward the message")
class _CountsCanceledBlocked(Connector):
    def has_blocked(self, name: str) -> bool:
        return any(r.blocked_reason is not None and r.magento_entity_id is None for r in self.storage.orders(name))


# == Import disabled ==========================================================================================
@_register("reads_nothing_while_disabled", "DIS-01", "reads no Amazon orders while import is disabled")
class _ReadsNothingWhileDisabled(_Sync):
    def read_amazon(self) -> None:
        if self.settings.import_enabled:
            super().read_amazon()


@_register("imports_while_disabled", "DIS-02", "imports orders with Import Amazon Orders disabled")
class _ImportsWhileDisabled(_Sync):
    def adjust(self) -> None:
        self.settings = replace(self.settings, import_enabled=True)


@_register("links_to_magento_while_disabled", "DIS-03", "links view-only rows to Magento's order grid")
class _LinksToMagentoWhileDisabled(Connector):
    def amazon_orders(self, name: str, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        rows = super().amazon_orders(name, filters)
        grid = self.store_config(name).magento_url.rstrip("/") + "/admin/sales/order/"
        for row in rows:
            if row["magento_order"] is None:
                row["link"] = grid
        return rows


@_register("never_imports_view_only_orders", "DIS-04", "never imports orders received while import was disabled")
class _NeverImportsViewOnly(_Sync):
    def record(self, order: dict[str, Any]) -> None:
        super().record(order)
        row = self.storage.order(self.name, str(order["AmazonOrderId"]))
        if row is not None and not self.settings.import_enabled and not row.data.get("view_only"):
            with self.storage.transaction():
                self.storage.set_data(row, {**row.data, "view_only": True})

    def is_due(self, row: OrderRow) -> bool:
        return super().is_due(row) and not row.data.get("view_only")


@_register("skips_shipments_made_while_disabled", "DEC-06", "skips past the shipments made while import is disabled")
class _SkipsShipmentsWhileDisabled(_Sync):
    def run(self, *, read_only: bool, cron: bool) -> dict[str, Any]:
        if not self.settings.import_enabled:
            now = self.now().strftime("%Y-%m-%d %H:%M:%S")
            self.storage.set_shipment_cursor(self.name, now)
        return super().run(read_only=read_only, cron=cron)


# == Views ====================================================================================================
@_register("recent_orders_empty_while_disabled", "VIEW-01", "shows no Recent Orders while import is disabled")
class _RecentOrdersEmptyWhileDisabled(Connector):
    def recent_orders(self, name: str, limit: int = 10) -> list[dict[str, Any]]:
        return super().recent_orders(name, limit) if self.settings(name).import_enabled else []


@_register("rows_without_buyer", "VIEW-02", "shows no buyer's name in the rows")
class _RowsWithoutBuyer(Connector):
    def amazon_orders(self, name: str, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return [{**row, "buyer_name": None} for row in super().amazon_orders(name, filters)]


@_register("recent_orders_show_magento", "VIEW-03", "shows the Magento order number in Recent Orders")
class _RecentOrdersShowMagento(Connector):
    def recent_orders(self, name: str, limit: int = 10) -> list[dict[str, Any]]:
        return self.amazon_orders(name)[:limit]


@_register("ignores_filters", "VIEW-04", "ignores the All Orders filters")
class _IgnoresFilters(Connector):
    def amazon_orders(self, name: str, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return super().amazon_orders(name, None)


# == Cancellation and store state =============================================================================
@_register("cancels_pending_from_magento", "CAN-01", "lets the merchant cancel a Pending order from Magento")
class _CancelsPending(Connector):
    cancellable_statuses = frozenset({*Connector.cancellable_statuses, "Pending"})


@_register("keeps_magento_status_on_cancel", "CAN-02", "leaves the Magento order's status after a cancellation")
class _KeepsMagentoStatus(_WrappedMagento):
    def wrap_magento(self, client: MagentoClient) -> Any:
        return _Proxy(client, comment=lambda entity_id, text, status=None: None)  # no comment, no status


@_register("ignores_amazon_cancellation", "CAN-03", "does not cancel the Magento order when Amazon cancels")
class _IgnoresAmazonCancellation(_Sync):
    def follow_cancellations(self) -> None:
        return None


@_register("syncs_deactivated_store", "STO-01", "keeps synchronising a deactivated store")
class _SyncsDeactivatedStore(Connector):
    def set_store_active(self, name: str, active: bool) -> None:
        self.storage.store(name)


@_register("sends_in_read_only_mode", "STO-02", "sends shipment confirmations to Amazon in Read-Only Mode")
class _SendsInReadOnly(_Sync):
    def run(self, *, read_only: bool, cron: bool) -> dict[str, Any]:
        return super().run(read_only=False, cron=cron)


# == Sync robustness ==========================================================================================
class _AmazonVariant(Connector):
    amazon_class: type[AmazonClient] = AmazonClient

    def make_amazon_client(self, store: StoreConfig) -> AmazonClient:
        return self.amazon_class(store, self.session, self.now, self.amazon_sleep)

    def amazon_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@_register("gives_up_on_throttling", "SYN-02", "gives the sync up on a 429 instead of backing off")
class _GivesUpOnThrottling(_AmazonVariant):
    def amazon_sleep(self, seconds: float) -> None:
        raise RemoteError("amazon", "HTTP 429: QuotaExceeded (not retried)", status=429)


class _FirstPageClient(AmazonClient):
    def orders_updated_since(self, since: datetime, page_size: int | None = None) -> Iterator[dict[str, Any]]:
        return itertools.islice(super().orders_updated_since(since, page_size), page_size or self.page_size)


@_register("reads_first_page_only", "SYN-03", "reads only the first page of getOrders (ignores NextToken)")
class _ReadsFirstPageOnly(_AmazonVariant):
    amazon_class = _FirstPageClient


@_register("no_lookup_by_amazon_id", "SYN-04", "skips the lookup by Amazon order ID before creating an order")
class _NoLookup(_Sync):
    def adjust(self) -> None:
        self.magento = _Proxy(self.magento, orders_by_field=lambda field, value: [])


@_register("applies_stale_reports", "SYN-05", "applies every status report, even one older than the row")
class _AppliesStaleReports(_Sync):
    def record(self, order: dict[str, Any]) -> None:
        storage = self.storage

        def row(store: str, amazon_order_id: str) -> OrderRow | None:
            found = storage.order(store, amazon_order_id)  # as if last updated long ago: any report is newer
            return replace(found, last_update=_LONG_AGO.isoformat()) if found is not None else None

        self.storage = _Proxy(storage, order=row)
        try:
            super().record(order)
        finally:
            self.storage = storage
