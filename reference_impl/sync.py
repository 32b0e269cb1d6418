"""One store's order synchronisation: push shipments, read Amazon changes, import, follow cancellations."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from reference_impl import reservations
from reference_impl.amazon_api import AmazonClient
from reference_impl.cancellation import (
    cancel_on_amazon,
    complete_canceled,
    record_cancellation,
    refused,
)
from reference_impl.customers import assign, customer_for
from reference_impl.http_errors import RemoteError
from reference_impl.magento_api import MagentoClient
from reference_impl.orders import (
    IMPORTABLE,
    BadAmazonData,
    carrier_code,
    is_due,
    magento_entity,
    newer,
    order_lines,
    parse_time,
)
from reference_impl.orders_2026 import search_orders_since
from reference_impl.settings import OrderSettings, StoreConfig
from reference_impl.storage import OrderRow, Storage

CREATE_GRACE = 60.0  # seconds to wait after a create that got no answer before creating again
IMPORT_BATCH = 100  # orders whose stock is reserved in one call before their creates are sent
RECORD_BATCH = 100  # Amazon orders recorded per transaction while reading (a crash re-reads them: no cursor moved)
CURSOR_LAG = 120.0  # seconds the Amazon cursor stays behind a sync's start (Amazon's data can lag by minutes)

MESSAGE_TEXT = (
    "Your Amazon store(s) has orders that cannot be imported into Magento. "
    "See Recent Orders in the store dashboard(s): {stores}"
)


def blocked_message(store_names: list[str]) -> str:
    return MESSAGE_TEXT.format(stores=", ".join(sorted(store_names)))


def not_exists(sku: str) -> str:
    return f'Cannot create sales order: Product "{sku}" does not exist.'


def not_salable(sku: str) -> str:
    return f'Cannot create sales order: Product "{sku}" in order is not salable.'


def split_units(items: list[dict[str, Any]], parcels: int) -> list[list[dict[str, Any]]]:
    """A shipment's items split among its parcels in order, each parcel at least one unit while there are
    units; parcels beyond the units carry the last parcel's items again (Amazon needs items in a package)."""
    units = [item["orderItemId"] for item in items for _ in range(item["quantity"])]
    if parcels <= 1 or not units:
        return [items] * max(parcels, 1)
    size, extra = divmod(len(units), parcels)
    out: list[list[dict[str, Any]]] = []
    start = 0
    for index in range(parcels):
        end = start + size + (1 if index < extra else 0)
        chunk = units[start:end]
        if not chunk:
            out.append(out[-1])
            continue
        counts: dict[str, int] = {}
        for item_id in chunk:
            counts[item_id] = counts.get(item_id, 0) + 1
        out.append([{"orderItemId": k, "quantity": v} for k, v in counts.items()])
        start = end
    return out


class StoreSync:
    """The steps of one sync for one store; each step commits on its own.

    The steps a variant may override are public (``Connector.sync_class`` picks the class): reading Amazon
    (``read_amazon``, ``record`` per order), importing (``is_due``, ``order_items``, ``blocker``, ``block``,
    ``import_order``, ``adopt``, ``imported``, ``order_stock``), Reserve Quantity (``hold_quantities``,
    ``release_holds``), shipments and cancellations (``collect_shipments``, ``complete_shipped``,
    ``follow_cancellations``) and ``note``; so are ``settings``, ``store`` and the ``amazon`` and ``magento``
    clients. The mutant connectors of ``harness.mutants`` are built on these seams only.
    """

    #: Amazon statuses in which an order gets a Magento order (IMP-03, IMP-08, IMP-09).
    due_statuses: frozenset[str] = IMPORTABLE
    #: The Orders API read: "v0" (default) or "2026-01-01".
    orders_api: str = "v0"

    def __init__(
        self,
        storage: Storage,
        name: str,
        store: StoreConfig,
        settings: OrderSettings,
        amazon: AmazonClient,
        magento: MagentoClient,
        now: Callable[[], datetime],
    ) -> None:
        self.storage = storage
        self.name = name
        self.store = store
        self.settings = settings
        self.amazon = amazon
        self.magento = magento
        self.now = now
        self.report: dict[str, Any] = {"received": 0, "imported": 0, "blocked": 0, "errors": []}
        self._looked_up: set[str] = set()  # Amazon order IDs looked up in Magento during this sync
        self._unresolved = False  # an unrecorded create could not be looked up: its shipment would be missed
        self._defer_items = False  # while an import runs: fetched items are stored with its next write
        self._ready: list[tuple[OrderRow, dict[str, Any], list[dict[str, Any]], dict[str, int]]] = []
        self._planned: Counter[str] = Counter()  # stock of the ready orders, not reserved yet

    def run(self, *, read_only: bool, cron: bool) -> dict[str, Any]:
        self.magento.start_sync()  # product and stock facts are read afresh by every sync (BLK-05)
        if self.settings.import_enabled:
            self._settle_unrecorded()
            self.collect_shipments()
        if not read_only:
            self._send_outbox()
        self.read_amazon()
        if self.settings.import_enabled:
            if self.settings.reserve == "reserve":
                self.hold_quantities()
            self._import_due()
            self.follow_cancellations()
            if cron:
                self.complete_shipped()
        self.release_holds()
        return self.report

    def _stamp(self) -> str:
        return self.now().isoformat()

    def note(self, amazon_order_id: str, text: str) -> None:
        self.storage.add_note(self.name, amazon_order_id, self._stamp(), text)

    def _fail(self, step: str, err: Exception) -> None:
        self.report["errors"].append(f"{step}: {err}")

    # -- reading Amazon ---------------------------------------------------------------------------------
    def read_amazon(self) -> None:
        cursor = self.storage.store(self.name)["cursor"]
        since = parse_time(cursor) if cursor else self.store.integrated
        started = self.now()
        newest = since
        batch: list[dict[str, Any]] = []
        try:
            for order in self._orders_since(since):
                batch.append(order)
                if len(batch) >= RECORD_BATCH:
                    newest = self._record_all(batch, newest)
                    batch = []
        except RemoteError as err:
            # Pages need not be ordered by LastUpdateDate: keep the cursor, the next sync reads them all again.
            self._record_all(batch, newest)
            self._fail("getOrders", err)
            return
        newest = self._record_all(batch, newest)
        # The cursor is inclusive (LastUpdatedAfter is "after or at"), so updates sharing its second are re-read,
        # and it stays CURSOR_LAG behind the sync's start: an update Amazon shows late is still read.
        cursor_at = max(since, min(newest, started - timedelta(seconds=CURSOR_LAG)))
        self.storage.set_cursor(self.name, cursor_at.isoformat())

    def _record_all(self, orders: list[dict[str, Any]], newest: datetime) -> datetime:
        """Record a batch of Amazon's orders in one transaction; the newest LastUpdateDate seen so far."""
        if not orders:
            return newest
        with self.storage.transaction():
            for order in orders:
                try:
                    stamp = parse_time(str(order["LastUpdateDate"]))
                    self.record(order)
                except (KeyError, ValueError) as err:
                    self._fail("getOrders", BadAmazonData(f"unusable order {order.get('AmazonOrderId')}: {err}"))
                    continue
                newest = max(newest, stamp)
        return newest

    def _orders_since(self, since: datetime) -> Iterator[dict[str, Any]]:
        """Amazon's order changes since ``since``, through the Orders API version the connector uses."""
        if self.orders_api == "2026-01-01":
            return search_orders_since(self.amazon, since)
        return self.amazon.orders_updated_since(since)

    def record(self, order: dict[str, Any]) -> None:
        """Upsert one Amazon order into the table (PRE-01..03, IMP-01, IMP-14, SYN-05)."""
        amazon_id = str(order["AmazonOrderId"])
        purchased = parse_time(str(order["PurchaseDate"]))
        if purchased < self.store.integrated:
            return  # existed before integration: never in the table, never imported
        status = str(order["OrderStatus"])
        stamp = str(order["LastUpdateDate"])
        total = order.get("OrderTotal") or {}
        buyer = order.get("BuyerInfo") or {}
        with self.storage.transaction():
            row = self.storage.order(self.name, amazon_id)
            if row is None:
                self.report["received"] += 1
                fields = {
                    "purchase_date": purchased.isoformat(),
                    "last_update": stamp,
                    "status": status,
                    "channel": order.get("FulfillmentChannel", "MFN"),
                    "buyer_name": buyer.get("BuyerName") or (order.get("ShippingAddress") or {}).get("Name"),
                    "buyer_email": buyer.get("BuyerEmail"),
                    "total": total.get("Amount"),
                    "currency": total.get("CurrencyCode"),
                }
                self.storage.insert_order(self.name, amazon_id, fields, {"order": order})
                self.note(amazon_id, f"Order received with status {status}.")
                return
            if not newer(status, stamp, row.status, row.last_update):
                return  # stale or repeated report: the row never moves backwards
            report = {
                "last_update": stamp,
                "status": status,
                "total": total.get("Amount"),
                "currency": total.get("CurrencyCode"),
                "buyer_name": buyer.get("BuyerName"),
                "buyer_email": buyer.get("BuyerEmail"),
            }
            previous = row.status
            self.storage.update_order(row, report, {**row.data, "order": order})
            if status != previous:
                self.note(amazon_id, f"Status updated to {status}.")

    # -- importing ---------------------------------------------------------------------------------------
    def _import_due(self) -> None:
        store: tuple[int, int] | None = None
        for row in self.storage.not_imported(self.name, tuple(sorted(self.due_statuses))):
            if not self.is_due(row):
                continue
            try:
                if store is None:
                    store = self._store_view()
                self.import_order(row, *store)
            except RemoteError as err:
                self._fail(f"import {row.amazon_order_id}", err)  # left for a later sync
            except BadAmazonData as err:
                self.block(row, f"Cannot create sales order: {err}.")
            if len(self._ready) >= IMPORT_BATCH:
                self._create_ready()
        self._create_ready()

    def is_due(self, row: OrderRow) -> bool:
        """Whether the row's order should have a Magento order now (FBA only once Shipped, IMP-10)."""
        return row.status in self.due_statuses and is_due(row.status, row.channel)

    def _store_view(self) -> tuple[int, int]:
        """(store view ID, website ID): the configured store view, or the default store view of the
        integrated website (SET-03)."""
        if self.settings.store_view_code:
            for view in self.magento.store_views():
                if view["code"] == self.settings.store_view_code:
                    return int(view["id"]), int(view["website_id"])
            raise RemoteError("storeViews", f"no store view {self.settings.store_view_code!r} in Magento")
        websites = {w["code"]: w for w in self.magento.websites()}
        site = websites.get(self.store.website_code)
        if site is None:
            raise RemoteError("websites", f"no website {self.store.website_code!r} in Magento")
        groups = {g["id"]: g for g in self.magento.store_groups()}
        group = groups.get(site["default_group_id"])
        if group is None:
            raise RemoteError("storeGroups", f"website {site['code']} has no default store group")
        return int(group["default_store_id"]), int(site["id"])

    def import_order(self, row: OrderRow, store_id: int, website_id: int) -> None:
        amazon_id = row.amazon_order_id
        stored = row.data
        self._defer_items = True  # the items are stored with the create's mark, or with the block
        try:
            items = self.order_items(row)
        finally:
            self._defer_items = False
        lines = order_lines(items)
        if row.data.get("create_attempted"):
            if amazon_id not in self._looked_up and self.adopt(row):
                return
            uncertain = row.data.get("create_uncertain")
            if uncertain and (self.now() - parse_time(uncertain)).total_seconds() < CREATE_GRACE:
                # The last create got no answer: Magento may still be saving it. Look again later.
                self.report["errors"].append(f"import {amazon_id}: waiting for an unanswered create to settle")
                return
        if row.data.get("held") and not row.data.get("held_settled"):
            reservations.settle(self.storage, self.magento, row, row.data["held"])  # know what the order holds
        reason = self.blocker(lines, row.channel, reservations.held(row))
        if reason:
            if row.data is not stored:
                with self.storage.transaction():
                    self.storage.set_data(row, row.data)
            self.block(row, reason)
            return
        entity = magento_entity(row.data["order"], lines, self.settings, store_id)
        if self.settings.customer_mode == "create":
            customer = customer_for(
                self.magento,
                email=entity["customer_email"],
                firstname=entity["customer_firstname"],
                lastname=entity["customer_lastname"],
                website_id=website_id,
                store_id=store_id,
            )
            entity = assign(entity, customer)
        # Magento's order repository save places no MSI reservation: the order's stock is held by the
        # connector's own reservation, settled before the create and kept for as long as the order exists
        # (Magento's shipment, cancellation and credit memo place the compensating reservations).
        stock = self.order_stock(lines, row.channel)
        for sku, qty in stock.items():  # taken from what later orders of this batch may have
            self._planned[sku] += qty - reservations.held(row).get(sku, 0)
        self._ready.append((row, entity, lines, stock))

    def _create_ready(self) -> None:
        """Create the Magento orders of the orders made ready since the last call: their create marks (with
        their items) in one transaction, the stock of all of them in one reservation call, then the creates."""
        ready, self._ready = self._ready, []
        self._planned.clear()  # counted by the append below (or not taken, when it fails)
        if not ready:
            return
        stamp = self._stamp()
        for row, _entity, _lines, _stock in ready:
            row.data = {**row.data, "create_attempted": stamp}
        try:
            reservations.settle_all(
                self.storage, self.magento, [(row, stock) for row, _entity, _lines, stock in ready], store_all=True
            )
        except RemoteError as err:
            for row, _entity, _lines, _stock in ready:
                self._fail(f"import {row.amazon_order_id}", err)  # left for a later sync
            return
        created: list[tuple[OrderRow, dict[str, Any]]] = []
        try:
            for row, entity, _lines, _stock in ready:
                try:
                    created.append((row, self._create(row, entity)))
                except RemoteError as err:
                    self._fail(f"import {row.amazon_order_id}", err)  # left for a later sync
        finally:
            # What Magento answered, recorded in one transaction (also when the batch stops early): an order
            # whose record a crash loses is found by its create mark and looked up (SYN-04).
            with self.storage.transaction():
                for row, order in created:
                    self.imported(row, order, adopted=False)

    def _create(self, row: OrderRow, entity: dict[str, Any]) -> dict[str, Any]:
        """Send the create of an order whose mark and reservation are stored: what Magento answered. Magento's
        order save checks no salability (the blocker check ran before), so a refusal is left for a later sync."""
        try:
            return self.magento.create_order(entity)
        except RemoteError as err:
            if err.status is None or err.status >= 500:  # no clear answer: the create may still land
                with self.storage.transaction():
                    self.storage.set_data(row, {**row.data, "create_uncertain": self._stamp()})
            raise

    def adopt(self, row: OrderRow) -> bool:
        """Look up in Magento an order whose create was sent and not recorded (a crash, or an answer that never
        came), and record what is there (SYN-04). Whether there was one."""
        existing = self.magento.orders_by_field("ext_order_id", row.amazon_order_id)
        self._looked_up.add(row.amazon_order_id)  # only once Magento answered: a failed look-up proves nothing
        if existing:
            self.imported(row, existing[0], adopted=True)
        return bool(existing)

    def _settle_unrecorded(self) -> None:
        """Adopt unrecorded creates before shipments are read, so a shipment of such an order is recognised,
        whatever the order's status now (one Amazon canceled meanwhile gets its Magento order canceled). An
        order no longer due whose create surely did not land (looked up after the grace period) is let go."""
        for row in self.storage.unrecorded_creates(self.name):
            try:
                found = self.adopt(row)
            except RemoteError as err:
                self._unresolved = True
                self._fail(f"look up {row.amazon_order_id}", err)
                continue
            attempted = parse_time(str(row.data.get("create_uncertain") or row.data["create_attempted"]))
            if not found and not self.is_due(row) and (self.now() - attempted).total_seconds() >= CREATE_GRACE:
                with self.storage.transaction():
                    data = {k: v for k, v in row.data.items() if k not in ("create_attempted", "create_uncertain")}
                    self.storage.set_data(row, data)

    def blocker(self, lines: list[dict[str, Any]], channel: str, held: dict[str, int] | None = None) -> str | None:
        """Why the order cannot be created, if it cannot (BLK-01/02/03/07/08). Quantity the order itself
        holds back (Reserve Quantity) is available to it."""
        held = held or {}
        wanted: dict[str, Decimal] = {}
        for line in lines:
            wanted[line["sku"]] = wanted.get(line["sku"], Decimal("0")) + line["qty"]
        for sku, qty in wanted.items():
            product = self.magento.product(sku)
            if product is None:
                return not_exists(sku)
            if channel == "AFN":
                continue  # Amazon's stock: a disabled or out-of-stock Magento product does not matter
            if int(product.get("status", 1)) != 1:
                return not_salable(sku)
            stock = (product.get("extension_attributes") or {}).get("stock_item") or {}
            managed = stock.get("manage_stock", True)
            if not managed:
                continue
            # Less the stock of orders ready to be created before this one (not reserved yet).
            mine = held.get(sku, 0) - self._planned.get(sku, 0)
            salable = Decimal(str(self.magento.salable_qty(sku))) + mine
            if salable < qty and self.magento.salable_remembered(sku):
                # Counted down by this sync's own reservations: Magento may hold more (stock added, a hold
                # released); ask it before blocking.
                salable = Decimal(str(self.magento.salable_qty(sku, fresh=True))) + mine
            if not stock.get("is_in_stock", False) or salable < qty:
                return not_salable(sku)
        return None

    @staticmethod
    def order_stock(lines: list[dict[str, Any]], channel: str) -> dict[str, int]:
        """SKU -> quantity a Magento order takes from Magento stock (none for an FBA order, IMP-11)."""
        if channel == "AFN":
            return {}
        wanted: dict[str, int] = {}
        for line in lines:
            wanted[str(line["sku"])] = wanted.get(str(line["sku"]), 0) + int(line["qty"])
        return wanted

    def block(self, row: OrderRow, reason: str) -> None:
        self.report["blocked"] += 1
        with self.storage.transaction():
            self.storage.set_blocked(row, reason)
            if reason != row.blocked_reason:
                self.note(row.amazon_order_id, reason)

    def imported(self, row: OrderRow, order: dict[str, Any], *, adopted: bool) -> None:
        self.report["imported"] += 0 if adopted else 1
        with self.storage.transaction():
            self.storage.set_imported(row, int(order["entity_id"]), str(order["increment_id"]))
            self.note(row.amazon_order_id, f"Magento order #{order['increment_id']} created.")

    # -- Reserve Quantity (SET-07) ----------------------------------------------------------------------
    def hold_quantities(self) -> None:
        """Hold back the quantity of merchant-fulfilled orders that have no Magento order yet."""
        for row in self.storage.holding(self.name, reservations.HOLDING):
            if row.data.get("held_settled") and row.data.get("held"):
                continue  # held already (an order's items do not change)
            try:
                # Items of a Pending order come without prices: use them for the hold, keep nothing.
                items = row.data.get("items") or row.data["order"].get("OrderItems")
                if items is None:
                    items = self.amazon.order_items(row.amazon_order_id)
                reservations.settle(self.storage, self.magento, row, reservations.quantities(items))
            except RemoteError as err:
                self._fail(f"hold {row.amazon_order_id}", err)
            except (KeyError, TypeError, ValueError):
                continue  # the import step notes the bad data

    def release_holds(self) -> None:
        """Release the hold of an order without a Magento order that left the holding statuses (canceled, or
        shipped by Amazon), or of every such order once holding is off. The hold of an order with a Magento
        order is that order's reservation: Magento's own documents release it. So is the hold of an order
        whose create may have landed (sent, not yet found or given up)."""
        holding = self.settings.import_enabled and self.settings.reserve == "reserve"
        for row in self.storage.holds_to_release(self.name, reservations.HOLDING, all_of_them=not holding):
            try:
                reservations.settle(self.storage, self.magento, row, {})
            except RemoteError as err:
                self._fail(f"release {row.amazon_order_id}", err)

    def order_items(self, row: OrderRow) -> list[dict[str, Any]]:
        """The order's items, fetched once from Amazon and kept in the row (while an import defers it, in the
        row object only: the import's next write of the row's data stores them)."""
        items = row.data.get("items") or row.data["order"].get("OrderItems")  # 2026-01-01 sends them along
        if items is None:
            items = self.amazon.order_items(row.amazon_order_id)
            if not self._defer_items:
                with self.storage.transaction():
                    self.storage.set_data(row, {**row.data, "items": items})
            else:
                row.data = {**row.data, "items": items}
        return list(items)

    # -- shipments and completion --------------------------------------------------------------------------
    def collect_shipments(self) -> None:
        """Queue a confirmation for every new Magento shipment of an imported MFN order (IMP-05).

        Shipments are read since a cursor on their creation time (inclusive: ties are read again and the
        outbox keeps one entry per shipment), so a quiet sync costs one call however many orders are open.
        """
        if self._unresolved or not self._awaits_shipment():
            # Nothing can ship yet, or an order's shipment could not be told apart: the cursor stays where it
            # is, so a later read covers this time too.
            return
        stored = self.storage.store(self.name)["shipment_cursor"]
        cursor = stored or self.store.integrated.strftime("%Y-%m-%d %H:%M:%S")
        newest, page = cursor, 1
        try:
            while True:
                shipments, total = self.magento.shipments_since(cursor, page)
                for shipment in shipments:
                    self._queue_shipment(shipment)
                    newest = max(newest, str(shipment.get("created_at") or newest))
                if not shipments or page * 100 >= total:
                    break
                page += 1
        except RemoteError as err:
            self._fail("shipments", err)
            return
        self.storage.set_shipment_cursor(self.name, newest)

    def _awaits_shipment(self) -> bool:
        """Whether an MFN order of this store has, or may have, a Magento order that is not shipped yet."""
        return self.storage.awaits_shipment(self.name)

    def _queue_shipment(self, shipment: dict[str, Any]) -> None:
        row = self.storage.mfn_order_of(self.name, int(shipment.get("order_id") or 0))
        if row is None:
            return  # not an order of this Amazon store
        if row.status not in ("Unshipped", "PartiallyShipped"):
            return  # Amazon already knows it shipped (or canceled): nothing to confirm
        by_sku = {line["sku"]: line["order_item_id"] for line in order_lines(self.order_items(row))}
        skus = {int(i["order_item_id"]): i.get("sku") for i in shipment.get("items", [])}
        if not all(skus.values()):
            order = self.magento.order(int(shipment["order_id"]))
            skus = {int(i["item_id"]): i["sku"] for i in order.get("items", [])}
        tracks = shipment.get("tracks") or [{}]
        items = [
            {"orderItemId": by_sku[skus[int(i["order_item_id"])]], "quantity": int(float(i["qty"]))}
            for i in shipment.get("items", [])
            if skus.get(int(i["order_item_id"])) in by_sku
        ]
        reference = str(shipment.get("increment_id") or shipment["entity_id"])
        with self.storage.transaction():
            for index, (track, parcel) in enumerate(zip(tracks, split_units(items, len(tracks)), strict=True)):
                code, name = carrier_code(track)
                package = {  # one package per parcel (tracking number), the shipment's units split among them
                    # Amazon takes positive numbers only: a later parcel's number is derived from the shipment's
                    "packageReferenceId": reference if index == 0 else str(int(reference) * 1000 + index),
                    "carrierCode": code,
                    "trackingNumber": str(track.get("track_number") or ""),
                    "shipDate": self.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "orderItems": parcel,
                }
                if name:
                    package["carrierName"] = name
                key = str(shipment["entity_id"]) if index == 0 else f"{shipment['entity_id']}#{index + 1}"
                self.storage.queue_message(self.name, row.amazon_order_id, "shipment", key, package)

    def _cancel_pending(self, amazon_order_id: str) -> bool:
        return self.storage.unsent_cancel(self.name, amazon_order_id) is not None

    def _send_outbox(self) -> None:
        for row in self.storage.unsent_messages(self.name):
            payload, amazon_id = json.loads(row["payload"]), row["amazon_order_id"]
            try:
                if row["kind"] == "shipment":
                    note = self._confirm_shipment(amazon_id, payload)
                else:
                    note = self._send_cancellation(row["id"], amazon_id, payload)
            except RemoteError as err:
                self._fail(f"{row['kind']} {amazon_id}", err)
                continue
            with self.storage.transaction():
                self.storage.message_sent(row["id"], self._stamp())
                self.note(amazon_id, note)

    def _confirm_shipment(self, amazon_id: str, package: dict[str, Any]) -> str:
        try:
            self.amazon.confirm_shipment(amazon_id, package)
        except RemoteError as err:
            if err.operation != "confirmShipment" or err.status not in (400, 404):
                raise  # may work later (a failure, a token refused until the credentials are fixed)
            return f"Amazon refused the shipment confirmation: {err}."  # never sent again
        return f"Shipment sent to Amazon: {package['carrierCode']} {package['trackingNumber']}."

    def _send_cancellation(self, entry_id: int, amazon_id: str, payload: dict[str, Any]) -> str:
        reason = payload["reason"]
        # Amazon may have it already (the process stopped after Amazon took it): never send it twice; a feed
        # sent before and still in Amazon's queue is waited for, not sent again.
        if self.amazon.order_status(amazon_id) != "Canceled":
            try:
                cancel_on_amazon(
                    self.amazon,
                    amazon_id,
                    reason,
                    feed_id=payload.get("feed_id"),
                    remember=lambda feed_id: self.storage.remember_feed(entry_id, feed_id),
                )
            except RemoteError as err:
                if not refused(err):
                    raise  # may work later
                if self.amazon.order_status(amazon_id) != "Canceled":
                    return f"Amazon refused the cancellation: {err}."  # never sent again
        record_cancellation(self.storage, self.magento, self.name, amazon_id, reason, self._stamp())
        return "Cancellation sent to Amazon."

    def complete_shipped(self) -> None:
        """On the cron job, a shipped order's Magento order is invoiced so that it becomes Complete (IMP-06)."""
        for row in self.storage.imported_in_status(self.name, "Shipped", mfn_only=True):
            if row.data.get("completed"):
                continue
            try:
                order = self.magento.order(int(row.magento_entity_id or 0))
                if order["state"] not in {"complete", "closed", "canceled"}:
                    invoiced = all(i["qty_invoiced"] >= i["qty_ordered"] for i in order["items"])
                    if not invoiced:
                        self.magento.invoice(int(order["entity_id"]))
                    order = self.magento.order(int(order["entity_id"]))
            except RemoteError as err:
                self._fail(f"complete {row.amazon_order_id}", err)
                continue
            if order["state"] in {"complete", "closed", "canceled"}:
                with self.storage.transaction():
                    self.storage.set_data(row, {**row.data, "completed": True})

    def _complete_canceled_from_magento(self, row: OrderRow) -> None:
        """A Magento order found after its order was canceled from Magento (its create got no answer) ends as
        that cancellation leaves it: status Complete (CAN-02)."""
        prefix = "Canceled from Magento: "  # rows recorded before the reason was kept have it in their notes
        notes = [
            n[len(prefix) : -1] for n in self.storage.notes(self.name, row.amazon_order_id) if n.startswith(prefix)
        ]
        reason = str(row.data.get("cancel_reason") or (notes[-1] if notes else ""))
        try:
            complete_canceled(self.magento, int(row.magento_entity_id or 0), reason)
        except RemoteError as err:
            self._fail(f"complete {row.amazon_order_id}", err)
            return
        with self.storage.transaction():
            self.storage.set_data(row, {**row.data, "magento_completed": True})

    def follow_cancellations(self) -> None:
        """An order Amazon canceled after import has its Magento order canceled, or refunded when it was
        already invoiced (CAN-03); it is marked done only once Magento shows it canceled or closed."""
        for row in self.storage.imported_in_status(self.name, "Canceled"):
            if row.data.get("canceled_from_magento"):
                if not row.data.get("magento_completed"):
                    self._complete_canceled_from_magento(row)
                continue
            if row.data.get("magento_canceled"):
                continue
            if self._cancel_pending(row.amazon_order_id):
                continue  # canceled from Magento: recorded as such once the outbox entry goes (CAN-02), not here
            entity_id = int(row.magento_entity_id or 0)
            try:
                order = self.magento.order(entity_id)
                if order["state"] not in {"canceled", "closed", "complete"}:
                    if order["state"] == "holded":
                        self.magento.unhold(entity_id)
                    if not self.magento.cancel(entity_id) and any(i.get("qty_invoiced") for i in order["items"]):
                        self.magento.refund(entity_id)
                    order = self.magento.order(entity_id)
            except RemoteError as err:
                self._fail(f"cancel {row.amazon_order_id}", err)
                continue
            if order["state"] not in {"canceled", "closed"}:
                self._fail(
                    f"cancel {row.amazon_order_id}", RemoteError("orderCancel", f"Magento order is {order['state']}")
                )
                continue
            with self.storage.transaction():
                self.storage.set_data(row, {**row.data, "magento_canceled": True})
                self.note(row.amazon_order_id, f"Magento order {order['state']}: Amazon canceled the order.")
