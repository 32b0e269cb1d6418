"""The connector's SQLite state: a versioned schema, WAL, one transaction per step."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reference_impl import kill_points

MIGRATIONS: list[str] = [
    # 1: stores, the Amazon orders table with its notes, and the outbox of messages for Amazon.
    """
    CREATE TABLE stores (
        name TEXT PRIMARY KEY,
        config TEXT NOT NULL,
        settings TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        read_only INTEGER NOT NULL DEFAULT 0,
        cursor TEXT,
        shipment_cursor TEXT
    );
    CREATE TABLE orders (
        store TEXT NOT NULL REFERENCES stores(name),
        amazon_order_id TEXT NOT NULL,
        purchase_date TEXT NOT NULL,
        last_update TEXT NOT NULL,
        status TEXT NOT NULL,
        channel TEXT NOT NULL,
        buyer_name TEXT,
        buyer_email TEXT,
        total TEXT,
        currency TEXT,
        data TEXT NOT NULL,
        magento_entity_id INTEGER,
        magento_increment_id TEXT,
        blocked_reason TEXT,
        PRIMARY KEY (store, amazon_order_id)
    );
    CREATE INDEX orders_pending_import ON orders(store, magento_entity_id, status);
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        store TEXT NOT NULL,
        amazon_order_id TEXT NOT NULL,
        at TEXT NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX notes_by_order ON notes(store, amazon_order_id);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        store TEXT NOT NULL,
        amazon_order_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        payload TEXT NOT NULL,
        sent_at TEXT,
        UNIQUE (store, kind, key)
    );
    """,
    # 2: the admin message last sent to each Magento (a missing row: not known, send it again).
    """
    CREATE TABLE admin_messages (
        magento TEXT PRIMARY KEY,
        text TEXT
    );
    """,
    # 3: a Reserve Quantity hold recorded before holds had a settled flag may or may not be in Magento (that
    # version could stop between the mark and the reservation): unsettled, so it is read back from Magento.
    """
    UPDATE orders SET data = json_set(data, '$.held_settled', json('false'))
    WHERE json_extract(data, '$.held') IS NOT NULL AND json_extract(data, '$.held_settled') IS NULL;
    """,
]


class SchemaTooNew(sqlite3.DatabaseError):
    """The database was written by a newer connector; opening it could lose data."""


@dataclass
class OrderRow:
    """A row of the Amazon orders table as stored."""

    store: str
    amazon_order_id: str
    purchase_date: str
    last_update: str
    status: str
    channel: str
    buyer_name: str | None
    buyer_email: str | None
    total: str | None
    currency: str | None
    data: dict[str, Any]
    magento_entity_id: int | None
    magento_increment_id: str | None
    blocked_reason: str | None

    @classmethod
    def from_sql(cls, row: sqlite3.Row) -> OrderRow:
        values = dict(row)
        values["data"] = json.loads(values["data"])
        return cls(**values)


class Storage:
    """One SQLite database file; safe to open from several processes (WAL, busy timeout)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._transaction_lock = threading.RLock()
        self._depth = 0  # transactions open in the thread holding the lock
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        try:
            self._migrate()
        except BaseException:
            self.db.close()
            raise

    def _migrate(self) -> None:
        """Bring the schema to the newest version, all steps in one transaction (all or nothing)."""
        with self.transaction():
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise SchemaTooNew(
                    f"{self.path} has schema version {version}, newer than this connector's {len(MIGRATIONS)}"
                )
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception.

        The connection is shared by the connector's threads: one transaction at a time (other processes wait
        through SQLite's busy timeout). A transaction opened inside another (same thread) is part of it: it
        commits, or rolls back, with the outer one.
        """
        with self._transaction_lock:
            if self._depth:  # inside this thread's open transaction: part of it
                yield self.db
                return
            self.db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            finally:
                self._depth -= 1
            kill_points.step("commit", "before")
            self.db.execute("COMMIT")
            kill_points.step("commit", "after")

    def close(self) -> None:
        self.db.close()

    # -- stores ---------------------------------------------------------------------------------------
    def store(self, name: str) -> sqlite3.Row:
        row = self.db.execute("SELECT * FROM stores WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise KeyError(f"no integrated Amazon store named {name!r}")
        return row

    def store_names(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM stores ORDER BY name")]

    def add_store(self, name: str, config: dict[str, Any], settings: dict[str, Any]) -> None:
        """Record an integrated store (no cursor yet: reading starts at its integration instant)."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO stores (name, config, settings) VALUES (?, ?, ?)",
                (name, json.dumps(config), json.dumps(settings)),
            )

    def set_store_config(self, name: str, config: dict[str, Any]) -> None:
        with self.transaction() as db:
            db.execute("UPDATE stores SET config = ? WHERE name = ?", (json.dumps(config), name))

    def set_store_settings(self, name: str, settings: dict[str, Any]) -> None:
        with self.transaction() as db:
            db.execute("UPDATE stores SET settings = ? WHERE name = ?", (json.dumps(settings), name))

    def set_store_active(self, name: str, active: bool) -> None:
        with self.transaction() as db:
            db.execute("UPDATE stores SET active = ? WHERE name = ?", (int(active), name))

    def set_read_only(self, on: bool) -> None:
        """Read-Only Mode, for every store."""
        with self.transaction() as db:
            db.execute("UPDATE stores SET read_only = ?", (int(on),))

    def set_cursor(self, name: str, cursor: str) -> None:
        """Where the next read of Amazon's order changes starts (ISO 8601)."""
        with self.transaction() as db:
            db.execute("UPDATE stores SET cursor = ? WHERE name = ?", (cursor, name))

    def set_shipment_cursor(self, name: str, cursor: str) -> None:
        """Where the next read of Magento's shipments starts (Magento's ``Y-m-d H:i:s``)."""
        with self.transaction() as db:
            db.execute("UPDATE stores SET shipment_cursor = ? WHERE name = ?", (cursor, name))

    # -- admin messages -------------------------------------------------------------------------------
    def admin_message_known(self, magento: str, text: str | None) -> bool:
        """Whether ``text`` (None: no message) is known to be what the Magento ``magento`` shows."""
        row = self.db.execute("SELECT text FROM admin_messages WHERE magento = ?", (magento,)).fetchone()
        return row is not None and row[0] == text

    def forget_admin_message(self, magento: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM admin_messages WHERE magento = ?", (magento,))

    def remember_admin_message(self, magento: str, text: str | None) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO admin_messages (magento, text) VALUES (?, ?)", (magento, text))

    # -- orders ---------------------------------------------------------------------------------------
    def order(self, store: str, amazon_order_id: str) -> OrderRow | None:
        row = self.db.execute(
            "SELECT * FROM orders WHERE store = ? AND amazon_order_id = ?", (store, amazon_order_id)
        ).fetchone()
        return OrderRow.from_sql(row) if row else None

    def orders(self, store: str) -> list[OrderRow]:
        rows = self.db.execute(
            "SELECT * FROM orders WHERE store = ? ORDER BY purchase_date DESC, amazon_order_id", (store,)
        )
        return [OrderRow.from_sql(r) for r in rows]

    def notes(self, store: str, amazon_order_id: str) -> list[str]:
        rows = self.db.execute(
            "SELECT text FROM notes WHERE store = ? AND amazon_order_id = ? ORDER BY id", (store, amazon_order_id)
        )
        return [r[0] for r in rows]

    def set_data(self, row: OrderRow, data: dict[str, Any]) -> None:
        """Replace a row's data (call inside a transaction); the row object follows."""
        self.db.execute(
            "UPDATE orders SET data = ? WHERE store = ? AND amazon_order_id = ?",
            (json.dumps(data), row.store, row.amazon_order_id),
        )
        row.data = data

    def add_note(self, store: str, amazon_order_id: str, at: str, text: str) -> None:
        self.db.execute(
            "INSERT INTO notes (store, amazon_order_id, at, text) VALUES (?, ?, ?, ?)",
            (store, amazon_order_id, at, text),
        )

    def insert_order(self, store: str, amazon_order_id: str, fields: dict[str, Any], data: dict[str, Any]) -> None:
        """A new row of the Amazon orders table (call inside a transaction); ``fields`` are its columns
        ``purchase_date``, ``last_update``, ``status``, ``channel``, ``buyer_name``, ``buyer_email``, ``total``
        and ``currency``."""
        self.db.execute(
            "INSERT INTO orders (store, amazon_order_id, purchase_date, last_update, status, channel,"
            " buyer_name, buyer_email, total, currency, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (store, amazon_order_id, *(fields[column] for column in _REPORTED), json.dumps(data)),
        )

    def update_order(self, row: OrderRow, fields: dict[str, Any], data: dict[str, Any]) -> None:
        """A newer report of the row's order (call inside a transaction): its date and status, and the total,
        currency and buyer where the report has them."""
        self.db.execute(
            "UPDATE orders SET last_update = ?, status = ?, total = COALESCE(?, total), "
            "currency = COALESCE(?, currency), buyer_name = COALESCE(?, buyer_name), "
            "buyer_email = COALESCE(?, buyer_email), data = ? WHERE store = ? AND amazon_order_id = ?",
            (
                fields["last_update"],
                fields["status"],
                fields["total"],
                fields["currency"],
                fields["buyer_name"],
                fields["buyer_email"],
                json.dumps(data),
                row.store,
                row.amazon_order_id,
            ),
        )
        row.data = data

    def set_blocked(self, row: OrderRow, reason: str) -> None:
        """Why the row's order cannot be created (call inside a transaction)."""
        self.db.execute(
            "UPDATE orders SET blocked_reason = ? WHERE store = ? AND amazon_order_id = ?",
            (reason, row.store, row.amazon_order_id),
        )

    def set_imported(self, row: OrderRow, entity_id: int, increment_id: str) -> None:
        """The row's Magento order (call inside a transaction); it is no longer blocked."""
        self.db.execute(
            "UPDATE orders SET magento_entity_id = ?, magento_increment_id = ?, blocked_reason = NULL "
            "WHERE store = ? AND amazon_order_id = ?",
            (entity_id, increment_id, row.store, row.amazon_order_id),
        )

    def set_canceled(self, row: OrderRow, data: dict[str, Any]) -> None:
        """The row's order canceled (call inside a transaction); it is no longer blocked."""
        self.db.execute(
            "UPDATE orders SET status = 'Canceled', blocked_reason = NULL, data = ? "
            "WHERE store = ? AND amazon_order_id = ?",
            (json.dumps(data), row.store, row.amazon_order_id),
        )
        row.data = data

    def _rows(self, sql: str, params: tuple[Any, ...]) -> list[OrderRow]:
        return [OrderRow.from_sql(r) for r in self.db.execute(sql, params).fetchall()]

    def filtered_orders(self, store: str, where: str, params: list[Any]) -> list[OrderRow]:
        """The All Orders view: the store's rows, newest first, narrowed by ``where`` (``reference_impl.views``)."""
        return self._rows(
            f"SELECT * FROM orders WHERE store = ?{where} ORDER BY purchase_date DESC, amazon_order_id",
            (store, *params),
        )

    def not_imported(self, store: str, statuses: tuple[str, ...], *, chunk: int = 100) -> Iterator[OrderRow]:
        """Rows in ``statuses`` without a Magento order, oldest purchase first. Their keys are read at once, the
        rows themselves ``chunk`` at a time as the caller goes (a row imported meanwhile is skipped): a sync of
        many orders holds a chunk of them in memory, not all."""
        where = f"store = ? AND magento_entity_id IS NULL AND status IN ({', '.join('?' * len(statuses))})"
        keys = [
            r[0]
            for r in self.db.execute(
                f"SELECT amazon_order_id FROM orders WHERE {where} ORDER BY purchase_date, amazon_order_id",
                (store, *statuses),
            )
        ]
        for start in range(0, len(keys), chunk):
            part = keys[start : start + chunk]
            # By primary key, the rest checked here: with the WHERE above, SQLite would walk the pending-import
            # index, every not-imported row of the store, for each chunk.
            rows = self._rows(
                f"SELECT * FROM orders WHERE store = ? AND amazon_order_id IN ({', '.join('?' * len(part))})",
                (store, *part),
            )
            by_key = {r.amazon_order_id: r for r in rows if r.magento_entity_id is None and r.status in statuses}
            yield from (by_key[key] for key in part if key in by_key)

    def has_blocked(self, store: str, statuses: tuple[str, ...]) -> bool:
        """Whether a row in ``statuses`` without a Magento order is blocked."""
        row = self.db.execute(
            "SELECT 1 FROM orders WHERE store = ? AND blocked_reason IS NOT NULL AND magento_entity_id IS NULL "
            f"AND status IN ({', '.join('?' * len(statuses))}) LIMIT 1",
            (store, *statuses),
        ).fetchone()
        return row is not None

    def unrecorded_creates(self, store: str) -> list[OrderRow]:
        """Rows whose Magento order's create was sent (or about to be) and no Magento order is recorded."""
        return self._rows(
            "SELECT * FROM orders WHERE store = ? AND magento_entity_id IS NULL "
            "AND json_extract(data, '$.create_attempted') IS NOT NULL",
            (store,),
        )

    def holding(self, store: str, statuses: tuple[str, ...]) -> list[OrderRow]:
        """Merchant-fulfilled rows in ``statuses`` without a Magento order (what Reserve Quantity holds)."""
        return self._rows(
            "SELECT * FROM orders WHERE store = ? AND magento_entity_id IS NULL AND channel = 'MFN' "
            f"AND status IN ({', '.join('?' * len(statuses))})",
            (store, *statuses),
        )

    def holds_to_release(self, store: str, holding: tuple[str, ...], *, all_of_them: bool) -> list[OrderRow]:
        """Rows with a hold, no Magento order and no create sent: those out of the ``holding`` statuses, or
        every one of them."""
        return self._rows(
            "SELECT * FROM orders WHERE store = ? AND json_extract(data, '$.held_settled') IS NOT NULL "
            "AND magento_entity_id IS NULL AND json_extract(data, '$.create_attempted') IS NULL "
            f"AND (? OR status NOT IN ({', '.join('?' * len(holding))}))",
            (store, all_of_them, *holding),
        )

    def awaits_shipment(self, store: str) -> bool:
        """Whether an MFN row has, or may have, a Magento order that is not shipped yet."""
        row = self.db.execute(
            "SELECT 1 FROM orders WHERE store = ? AND channel = 'MFN' AND status IN ('Unshipped', 'PartiallyShipped') "
            "AND (magento_entity_id IS NOT NULL OR json_extract(data, '$.create_attempted') IS NOT NULL) LIMIT 1",
            (store,),
        ).fetchone()
        return row is not None

    def mfn_order_of(self, store: str, entity_id: int) -> OrderRow | None:
        """The MFN row whose Magento order is ``entity_id``."""
        rows = self._rows(
            "SELECT * FROM orders WHERE store = ? AND magento_entity_id = ? AND channel = 'MFN'", (store, entity_id)
        )
        return rows[0] if rows else None

    def imported_in_status(self, store: str, status: str, *, mfn_only: bool = False) -> list[OrderRow]:
        """Rows with a Magento order whose Amazon status is ``status`` (merchant-fulfilled ones only)."""
        return self._rows(
            "SELECT * FROM orders WHERE store = ? AND magento_entity_id IS NOT NULL AND status = ?"
            + (" AND channel = 'MFN'" if mfn_only else ""),
            (store, status),
        )

    # -- outbox: messages for Amazon ------------------------------------------------------------------
    def queue_message(self, store: str, amazon_order_id: str, kind: str, key: str, payload: dict[str, Any]) -> None:
        """A message for Amazon, once per (kind, key) (call inside a transaction)."""
        self.db.execute(
            "INSERT OR IGNORE INTO outbox (store, amazon_order_id, kind, key, payload) VALUES (?, ?, ?, ?, ?)",
            (store, amazon_order_id, kind, key, json.dumps(payload)),
        )

    def intend_cancel(self, store: str, amazon_order_id: str, payload: dict[str, Any]) -> bool:
        """A cancellation to send (call inside a transaction): new, or one Amazon refused before made ready
        again; a pending one is left as it is. Whether one was added or made ready."""
        return bool(
            self.db.execute(
                "INSERT INTO outbox (store, amazon_order_id, kind, key, payload) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (store, kind, key) DO UPDATE SET payload = excluded.payload, sent_at = NULL "
                "WHERE sent_at IS NOT NULL",
                (store, amazon_order_id, "cancel", amazon_order_id, json.dumps(payload)),
            ).rowcount
        )

    def unsent_cancel(self, store: str, amazon_order_id: str) -> sqlite3.Row | None:
        """The order's cancellation not sent yet (``id``, ``payload``), if any."""
        row: sqlite3.Row | None = self.db.execute(
            "SELECT id, payload FROM outbox WHERE store = ? AND kind = 'cancel' AND key = ? AND sent_at IS NULL",
            (store, amazon_order_id),
        ).fetchone()
        return row

    def drop_unsent_cancel(self, store: str, amazon_order_id: str) -> None:
        with self.transaction() as db:
            db.execute(
                "DELETE FROM outbox WHERE store = ? AND kind = 'cancel' AND key = ? AND sent_at IS NULL",
                (store, amazon_order_id),
            )

    def cancel_sent(self, store: str, amazon_order_id: str, stamp: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE outbox SET sent_at = ? WHERE store = ? AND kind = 'cancel' AND key = ? AND sent_at IS NULL",
                (stamp, store, amazon_order_id),
            )

    def unsent_messages(self, store: str) -> list[sqlite3.Row]:
        """The store's messages for Amazon not sent yet, oldest first."""
        return self.db.execute(
            "SELECT * FROM outbox WHERE store = ? AND sent_at IS NULL ORDER BY id", (store,)
        ).fetchall()

    def message_sent(self, entry_id: int, stamp: str) -> None:
        """Call inside a transaction."""
        self.db.execute("UPDATE outbox SET sent_at = ? WHERE id = ?", (stamp, entry_id))

    def remember_feed(self, entry_id: int, feed_id: str) -> None:
        """Keep the feed a message was sent in (its payload's ``feed_id``)."""
        with self.transaction() as db:
            row = db.execute("SELECT payload FROM outbox WHERE id = ?", (entry_id,)).fetchone()
            if row is not None:
                payload = {**json.loads(row[0]), "feed_id": feed_id}
                db.execute("UPDATE outbox SET payload = ? WHERE id = ?", (json.dumps(payload), entry_id))


#: The columns of an order row that Amazon's report fills, in the table's order.
_REPORTED = ("purchase_date", "last_update", "status", "channel", "buyer_name", "buyer_email", "total", "currency")
