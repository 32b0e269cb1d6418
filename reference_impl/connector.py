"""The connector's public surface: integrate stores, configure them, sync, run the cron job, observe."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from filelock import FileLock, Timeout

from reference_impl.amazon_api import AmazonClient
from reference_impl.cancellation import cancel_on_amazon, record_cancellation, refused
from reference_impl.http_errors import RemoteError
from reference_impl.http_session import ConnectorSession
from reference_impl.magento_api import MagentoClient
from reference_impl.orders import is_due
from reference_impl.settings import OrderSettings, StoreConfig
from reference_impl.storage import Storage
from reference_impl.sync import StoreSync, blocked_message
from reference_impl.views import filter_sql

ORDERS_APIS = ("v0", "2026-01-01")
MESSAGE_IDENTITY = "amazon_sales_channel_orders_not_imported"
#: Seconds a sync waits for another process that is updating the admin messages.
LOCK_WAIT = 30.0
SELLER_CENTRAL = "https://sellercentral.amazon.com/orders-v3/order/{id}"


def _system_now() -> datetime:
    return datetime.now(UTC)


class Connector:
    """The reference connector. ``now`` and ``sleep`` default to the system clock."""

    #: The class that runs one store's sync (a seam for variants, such as the mutants that prove the suite).
    sync_class: type[StoreSync] = StoreSync
    #: Amazon statuses in which the merchant may cancel an order from Magento (CAN-01; a seam for variants).
    cancellable_statuses: frozenset[str] = frozenset({"Unshipped"})

    def __init__(
        self,
        db_path: str | Path,
        *,
        now: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] | None = None,
        session: requests.Session | None = None,
        orders_api: str = "v0",
    ) -> None:
        if orders_api not in ORDERS_APIS:
            raise ValueError(f"orders_api must be one of {ORDERS_APIS}, got {orders_api!r}")
        self.orders_api = orders_api
        self.storage = Storage(db_path)
        self.now = now or _system_now
        self.sleep = sleep or time.sleep
        self.session = session or ConnectorSession()
        self._amazon: dict[str, AmazonClient] = {}
        self._magento: dict[tuple[str, str], MagentoClient] = {}

    def close(self) -> None:
        self.storage.close()
        self.session.close()

    # -- set-up -------------------------------------------------------------------------------------
    def integrate_store(self, store: StoreConfig) -> None:
        """Record the store and its integration instant (now, when it names none); import is Enabled by
        default (SET-01). The Amazon cursor starts at the integration instant."""
        if store.integrated_at is None:
            store = replace(store, integrated_at=self.now())
        self.storage.add_store(store.name, store.as_dict(), OrderSettings().as_dict())

    def store_config(self, name: str) -> StoreConfig:
        return StoreConfig.from_dict(json.loads(self.storage.store(name)["config"]))

    def update_store_config(self, store: StoreConfig) -> None:
        """Replace the endpoints and credentials of a recorded store (its integration instant is kept)."""
        kept = replace(store, integrated_at=self.store_config(store.name).integrated)
        self.storage.set_store_config(store.name, kept.as_dict())

    def settings(self, name: str) -> OrderSettings:
        return OrderSettings(**json.loads(self.storage.store(name)["settings"]))

    def configure_orders(self, name: str, **changes: Any) -> OrderSettings:
        """Change order settings of one store; they apply from the next sync on (SET-02)."""
        settings = self.settings(name).updated(changes)
        self.storage.set_store_settings(name, settings.as_dict())
        return settings

    def set_store_active(self, name: str, active: bool) -> None:
        self.storage.store(name)
        self.storage.set_store_active(name, active)

    def set_read_only(self, on: bool) -> None:
        """Read-Only Mode: nothing that changes state is sent to Amazon while on (STO-02)."""
        self.storage.set_read_only(on)

    # -- triggers -----------------------------------------------------------------------------------
    def sync(self, name: str | None = None) -> dict[str, Any]:
        """One order synchronisation of one store (or every store); returns what each did."""
        names = [name] if name else self.storage.store_names()
        results = {n: self._sync_store(n, cron=False) for n in names}
        self._update_messages()
        return results

    def run_cron(self) -> dict[str, Any]:
        """One full scheduled tick: a sync of every store, then completion of shipped orders."""
        results = {n: self._sync_store(n, cron=True) for n in self.storage.store_names()}
        self._update_messages()
        return results

    def _sync_store(self, name: str, *, cron: bool) -> dict[str, Any]:
        row = self.storage.store(name)
        if not row["active"]:
            return {"skipped": "store inactive"}
        lock = self._store_lock(name)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return {"skipped": "another sync of this store is running"}
        try:
            job = self.sync_class(
                self.storage,
                name,
                self.store_config(name),
                self.settings(name),
                self._amazon_client(name),
                self._magento_client(name),
                self.now,
            )
            job.orders_api = self.orders_api
            return job.run(read_only=bool(row["read_only"]), cron=cron)
        finally:
            lock.release()

    def _store_lock(self, name: str) -> FileLock:
        """The lock a sync of the store holds, across processes."""
        return FileLock(f"{self.storage.path}.{_safe(name)}.lock")

    def _amazon_client(self, name: str) -> AmazonClient:
        if name not in self._amazon:
            self._amazon[name] = self.make_amazon_client(self.store_config(name))
        return self._amazon[name]

    def _magento_client(self, name: str) -> MagentoClient:
        cfg = self.store_config(name)
        key = (cfg.magento_url, cfg.magento_username)
        if key not in self._magento:
            self._magento[key] = self.make_magento_client(cfg)
        return self._magento[key]

    def make_amazon_client(self, store: StoreConfig) -> AmazonClient:
        """The Amazon client of one store, built once per store (a seam for variants)."""
        return AmazonClient(store, self.session, self.now, self.sleep)

    def make_magento_client(self, store: StoreConfig) -> MagentoClient:
        """The client of the store's Magento, built once per Magento and admin user and shared by its stores,
        the admin message included (a seam for variants)."""
        return MagentoClient(store.magento_url, store.magento_username, store.magento_password, self.session)

    def _update_messages(self) -> None:
        """Raise or clear the admin message in each Magento, naming the stores with blocked orders (BLK-04/10).

        The message last sent to each Magento is recorded, so an unchanged message costs no call. The record is
        forgotten before each call and written after it succeeds: a failed or interrupted call is made again.
        Changes are worked out and sent under a lock shared by the connector's processes, so a process cannot
        send a message another one already replaced.
        """
        try:
            lock = FileLock(f"{self.storage.path}.messages.lock").acquire(timeout=LOCK_WAIT)
        except Timeout:
            return  # another process is updating them for this long: the next sync catches up
        with lock:
            for magento, (client, text) in self._messages().items():
                if self.storage.admin_message_known(magento, text):
                    continue
                self.storage.forget_admin_message(magento)
                try:
                    if text:
                        client.raise_message(MESSAGE_IDENTITY, text, severity=2)
                    else:
                        client.clear_message(MESSAGE_IDENTITY)
                except RemoteError:
                    continue  # unknown state: the next sync sends it again
                self.storage.remember_admin_message(magento, text)

    def _messages(self) -> dict[str, tuple[MagentoClient, str | None]]:
        """The message each Magento this connector has talked to should show (None: none)."""
        by_magento: dict[tuple[str, str], list[str]] = {}
        for name in self.storage.store_names():
            cfg = self.store_config(name)
            names = by_magento.setdefault((cfg.magento_url, cfg.magento_username), [])
            if self.settings(name).import_enabled and self.has_blocked(name):
                names.append(name)
        return {
            "\n".join(key): (self._magento[key], blocked_message(names) if names else None)
            for key, names in by_magento.items()
            if key in self._magento
        }

    def has_blocked(self, name: str) -> bool:
        """Whether the store has an order the admin message counts: blocked, not created, still due (BLK-11)."""
        return self.storage.has_blocked(name, tuple(sorted(self.sync_class.due_statuses)))

    # -- observations -------------------------------------------------------------------------------
    def cancel_order(self, name: str, amazon_order_id: str, reason: str) -> None:
        """The merchant cancels an Unshipped order from Magento (CAN-01): sent to Amazon as a seller
        cancellation, or kept until Read-Only Mode is off (STO-02). Raises ValueError when refused."""
        row = self.storage.order(name, amazon_order_id)
        if row is None:
            raise ValueError(f"no Amazon order {amazon_order_id} in the store {name!r}")
        if row.status not in self.cancellable_statuses:
            raise ValueError(f"only Unshipped orders can be canceled from Magento; {amazon_order_id} is {row.status}")
        if not reason.strip():
            raise ValueError("a cancellation needs a reason")
        try:
            with self._store_lock(name).acquire(timeout=LOCK_WAIT):  # a sync would send the same outbox entry
                self._cancel_order(name, amazon_order_id, reason)
        except Timeout as err:
            raise ValueError(f"a sync of {name!r} is still running; try again") from err

    def _cancel_order(self, name: str, amazon_order_id: str, reason: str) -> None:
        row = self.storage.order(name, amazon_order_id)
        if row is None or row.status not in self.cancellable_statuses:  # a sync may have moved it meanwhile
            raise ValueError(f"only Unshipped orders can be canceled from Magento; {amazon_order_id} is not")
        read_only = bool(self.storage.store(name)["read_only"])
        # The intent is stored before Amazon is asked: if the process stops before the cancellation is
        # recorded, the next sync finishes it (and Read-Only Mode keeps it until it is off, STO-02).
        with self.storage.transaction():
            # A new intent, or one Amazon refused before made ready again; a pending one is finished as it is.
            added = self.storage.intend_cancel(name, amazon_order_id, {"reason": reason})
            if read_only:
                kept = f"Cancellation kept until Read-Only Mode is off: {reason}."
                self.storage.add_note(name, amazon_order_id, self.now().isoformat(), kept)
        if read_only:
            return
        stamp = self.now().isoformat()
        amazon = self._amazon_client(name)
        entry = self.storage.unsent_cancel(name, amazon_order_id)
        assert entry is not None  # stored just above, and the store's lock is held
        try:
            # An earlier cancellation of this order may have reached Amazon already: never send it twice (a feed
            # of it still in Amazon's queue is waited for).
            if added or amazon.order_status(amazon_order_id) != "Canceled":
                cancel_on_amazon(
                    amazon,
                    amazon_order_id,
                    reason,
                    feed_id=json.loads(entry["payload"]).get("feed_id"),
                    remember=lambda feed_id: self.storage.remember_feed(entry["id"], feed_id),
                )
        except RemoteError as err:
            if not refused(err) and err.retryable:
                # No clear answer: the intent stays, and the next sync checks Amazon and finishes it.
                with self.storage.transaction():
                    late = f"Cancellation not confirmed by Amazon yet; the next sync finishes it ({err})."
                    self.storage.add_note(name, amazon_order_id, stamp, late)
                return
            if added:  # refused: the merchant is told, and nothing is left to send
                self.storage.drop_unsent_cancel(name, amazon_order_id)
            raise ValueError(str(err)) from err
        try:
            record_cancellation(self.storage, self._magento_client(name), name, amazon_order_id, reason, stamp)
        except RemoteError as err:  # Amazon canceled it: Magento follows on the next sync
            with self.storage.transaction():
                late = f"Canceled on Amazon; the Magento order follows on the next sync ({err})."
                self.storage.add_note(name, amazon_order_id, stamp, late)
            return
        self.storage.cancel_sent(name, amazon_order_id, stamp)

    def amazon_orders(self, name: str, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The All Orders view of one store: Amazon's data as received, notes, where the number leads."""
        settings = self.settings(name)
        cfg = self.store_config(name)
        where, params = filter_sql(filters or {})
        out = []
        for row in self.storage.filtered_orders(name, where, params):
            imported = row.magento_entity_id is not None
            if settings.import_enabled and imported:
                link = f"{cfg.magento_url.rstrip('/')}/admin/sales/order/view/order_id/{row.magento_entity_id}/"
            else:
                link = SELLER_CENTRAL.format(id=row.amazon_order_id)
            out.append(
                {
                    "order_number": row.amazon_order_id,
                    "purchase_date": row.purchase_date,
                    "status": row.status,
                    "buyer_name": row.buyer_name,
                    "grand_total": row.total,
                    "currency": row.currency,
                    "fulfillment_channel": row.channel,
                    "notes": self.storage.notes(name, row.amazon_order_id),
                    "link": link,
                    "magento_order": row.magento_increment_id if settings.import_enabled else None,
                    "importable": is_due(row.status, row.channel),
                }
            )
        return out

    def recent_orders(self, name: str, limit: int = 10) -> list[dict[str, Any]]:
        """The store dashboard's Recent Orders: Amazon data only, never Magento's (VIEW-03)."""
        rows = self.amazon_orders(name)[:limit]
        for row in rows:
            number = row["magento_order"]
            if number:  # a note naming the Magento order ("Magento order #... created.") is Magento's data too
                row["notes"] = [n for n in row["notes"] if str(number) not in n]
            row["magento_order"] = None
            row["link"] = SELLER_CENTRAL.format(id=row["order_number"])
        return rows


def _safe(name: str) -> str:
    """A file-name part for the store: its name made portable, and short whatever the name's length."""
    safe = "".join(c if c.isascii() and c.isalnum() else "_" for c in name)
    if len(safe) <= 64:
        return safe
    return f"{safe[:40]}-{hashlib.sha256(name.encode()).hexdigest()[:16]}"
