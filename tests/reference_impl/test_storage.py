"""The connector's SQLite state: WAL, forward migrations from any version, all-or-nothing transactions."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reference_impl import storage as storage_module
from reference_impl.storage import MIGRATIONS, SchemaTooNew, Storage

STORE_ROW = ("Main", json.dumps({"name": "Main"}), json.dumps({}), "2026-01-05T09:00:00+00:00")


def _database_at(path: Path, version: int, migrations: list[str]) -> None:
    """A database built the way an older connector left it: the first ``version`` migrations applied."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    for script in migrations[:version]:
        for statement in filter(str.strip, script.split(";")):
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {version}")
    if version >= 1:
        db.execute("INSERT INTO stores (name, config, settings, cursor) VALUES (?, ?, ?, ?)", STORE_ROW)
    db.execute("COMMIT")
    db.close()


def _version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


def test_the_database_runs_in_wal_mode(tmp_path: Path) -> None:
    store = Storage(tmp_path / "c.db")
    try:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        store.close()


@pytest.mark.parametrize("version", range(len(MIGRATIONS) + 1))
def test_a_database_at_any_older_version_migrates_forward_and_keeps_its_rows(tmp_path: Path, version: int) -> None:
    path = tmp_path / "c.db"
    _database_at(path, version, MIGRATIONS)
    store = Storage(path)
    try:
        assert _version(path) == len(MIGRATIONS)
        assert store.store_names() == (["Main"] if version >= 1 else [])
    finally:
        store.close()


def test_a_new_migration_applies_to_an_existing_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.db"
    _database_at(path, len(MIGRATIONS), MIGRATIONS)
    newer = [*MIGRATIONS, "ALTER TABLE stores ADD COLUMN region TEXT NOT NULL DEFAULT 'na'; CREATE TABLE extra (x)"]
    monkeypatch.setattr(storage_module, "MIGRATIONS", newer)
    store = Storage(path)
    try:
        assert _version(path) == len(newer)
        assert [tuple(r) for r in store.db.execute("SELECT name, region FROM stores")] == [("Main", "na")]
    finally:
        store.close()


def test_a_failing_migration_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.db"
    _database_at(path, len(MIGRATIONS), MIGRATIONS)
    broken = [*MIGRATIONS, "CREATE TABLE half_done (x); ALTER TABLE no_such_table ADD COLUMN y"]
    monkeypatch.setattr(storage_module, "MIGRATIONS", broken)
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        Storage(path)
    assert _version(path) == len(MIGRATIONS)
    db = sqlite3.connect(path)
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        db.close()
    assert "half_done" not in tables


def test_a_database_from_a_newer_connector_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _database_at(path, len(MIGRATIONS), MIGRATIONS)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 3}")
    db.close()
    with pytest.raises(SchemaTooNew, match=f"schema version {len(MIGRATIONS) + 3}, newer"):
        Storage(path)


CRASH_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from reference_impl.storage import Storage
    store = Storage(sys.argv[1])
    with store.transaction() as db:  # committed before the crash: must survive
        db.execute("INSERT INTO stores (name, config, settings, cursor) VALUES ('Kept', '{}', '{}', 'c0')")
    with store.transaction() as db:  # one step: row, note and cursor move together or not at all
        db.execute("UPDATE stores SET cursor = 'c1' WHERE name = 'Kept'")
        db.execute(
            "INSERT INTO orders (store, amazon_order_id, purchase_date, last_update, status, channel, data)"
            " VALUES ('Kept', '111-0000000-0000001', 'p', 'u', 'Unshipped', 'MFN', '{}')"
        )
        for n in range(2000):
            store.add_note('Kept', '111-0000000-0000001', 'at', 'note %d' % n)
        os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_a_process_killed_mid_transaction_leaves_no_partial_write(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", CRASH_SCRIPT, str(path)], cwd=root, capture_output=True, timeout=60)
    assert done.returncode == -9, done.stderr
    store = Storage(path)
    try:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [tuple(r) for r in store.db.execute("SELECT name, cursor FROM stores")] == [("Kept", "c0")]
        assert store.db.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 0
        assert store.db.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 0
    finally:
        store.close()


def test_a_hold_recorded_before_holds_were_settled_is_read_back_from_magento(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _database_at(path, 2, MIGRATIONS)
    db = sqlite3.connect(path, isolation_level=None)
    columns = "store, amazon_order_id, purchase_date, last_update, status, channel, data"
    for amazon_id, data in (("111-0000000-0000001", {"held": {"SKU-1": 2}}), ("111-0000000-0000002", {})):
        values = ("Main", amazon_id, "2026-01-05", "2026-01-05", "Pending", "MFN", json.dumps(data))
        db.execute(f"INSERT INTO orders ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?)", values)
    db.close()
    store = Storage(path)
    try:
        held = store.order("Main", "111-0000000-0000001")
        plain = store.order("Main", "111-0000000-0000002")
        assert held is not None and held.data == {"held": {"SKU-1": 2}, "held_settled": False}
        assert plain is not None and plain.data == {}
    finally:
        store.close()
