"""``python -m reference_impl``: the reference connector as a process, driven by a config file or env vars.

Commands (each first integrates configured stores not yet known and applies their order settings):

- ``integrate``: only that; prints the known stores.
- ``sync [--store NAME]``: one order synchronisation; prints what each store did.
- ``cron [--every SECONDS] [--times N]``: the scheduled job, once or repeatedly (waits on the configured clock).
- ``orders --store NAME``: the All Orders table as JSON.

Exit status: 0 done, 1 done with errors reported by a store, 2 bad configuration, 3 a clock or database failure.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from reference_impl.amazon_api import AmazonClient
from reference_impl.clock import ClockError, HttpClock, SystemClock
from reference_impl.config import ConfigError, ProcessConfig, load_config
from reference_impl.connector import Connector
from reference_impl.magento_api import MagentoClient

PROG = "python -m reference_impl"


class ProcessConnector(Connector):
    """The connector with the process configuration's getOrders page size and HTTP timeout."""

    page_size: int = AmazonClient.page_size
    http_timeout: float = AmazonClient.timeout

    def _amazon_client(self, name: str) -> AmazonClient:
        client = super()._amazon_client(name)
        client.page_size = self.page_size
        client.timeout = self.http_timeout
        return client

    def _magento_client(self, name: str) -> MagentoClient:
        client = super()._magento_client(name)
        client.timeout = self.http_timeout
        return client


def open_connector(config: ProcessConfig) -> Connector:
    """A connector on the configured database and clock, with every configured store integrated."""
    clock = HttpClock(config.clock_url, token=config.clock_token) if config.clock_url else SystemClock()
    connector = ProcessConnector(config.database, now=clock.now, sleep=clock.sleep, orders_api=config.orders_api)
    connector.page_size = config.page_size
    connector.http_timeout = config.http_timeout
    try:
        apply_stores(connector, config)
    except BaseException:
        connector.close()
        raise
    return connector


def apply_stores(connector: Connector, config: ProcessConfig) -> list[str]:
    """Integrate configured stores not yet known, refresh endpoints and credentials, apply order settings.

    A known store keeps its integration instant. Returns the names integrated now. Safe when several
    processes start at once: the first to insert a store wins, the others see it as known.
    """
    integrated: list[str] = []
    known = set(connector.storage.store_names())
    for store in config.stores:
        if store.name not in known:
            try:
                connector.integrate_store(store)
                integrated.append(store.name)
            except sqlite3.IntegrityError:
                pass  # another process integrated it a moment ago
        stored = connector.store_config(store.name)
        if replace(store, integrated_at=stored.integrated_at) != stored:
            connector.update_store_config(store)
        orders = dict(config.orders.get(store.name) or {})
        if orders and connector.settings(store.name).updated(orders) != connector.settings(store.name):
            connector.configure_orders(store.name, **orders)
    return integrated


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="The reference Amazon-to-Magento order connector.")
    parser.add_argument("--config", "-c", help="TOML or JSON configuration file (default: $ASC_CONFIG; env only)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("integrate", help="integrate the configured stores and apply their order settings")
    sync = commands.add_parser("sync", help="one order synchronisation")
    sync.add_argument("--store", help="only this store (default: every store)")
    cron = commands.add_parser("cron", help="the scheduled job: sync every store, then complete shipped orders")
    cron.add_argument("--every", type=float, default=0.0, help="repeat every SECONDS on the configured clock")
    cron.add_argument("--times", type=int, default=1, help="how many runs (0: forever); needs --every when > 1")
    orders = commands.add_parser("orders", help="print the All Orders table of a store as JSON")
    orders.add_argument("--store", required=True)
    return parser


def _print(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
    sys.stdout.flush()


def _has_errors(results: dict[str, Any]) -> bool:
    return any(isinstance(r, dict) and r.get("errors") for r in results.values())


def run(args: argparse.Namespace) -> int:
    """Run one parsed command; returns the exit status."""
    config = load_config(args.config)
    if args.command in {"sync", "orders"} and args.store:
        config.store(args.store)  # a clear error for a store the configuration does not name
    connector = open_connector(config)
    try:
        if args.command == "integrate":
            _print({"stores": connector.storage.store_names()})
            return 0
        if args.command == "orders":
            _print(connector.amazon_orders(args.store))
            return 0
        if args.command == "sync":
            results = connector.sync(args.store)
            _print(results)
            return 1 if _has_errors(results) else 0
        status = 0
        run_number = 0
        while True:
            run_number += 1
            results = connector.run_cron()
            _print(results)
            status = max(status, 1 if _has_errors(results) else 0)
            if args.times and run_number >= args.times:
                return status
            connector.sleep(args.every)
    finally:
        connector.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; every failure ends as one line on stderr and a distinct exit status."""
    args = _parser().parse_args(argv)
    if args.command == "cron" and args.times != 1 and args.every <= 0:
        sys.stderr.write(f"{PROG}: error: cron --times other than 1 needs --every SECONDS > 0\n")
        return 2
    try:
        return run(args)
    except ConfigError as err:
        sys.stderr.write(f"{PROG}: configuration error: {err}\n")
        return 2
    except ClockError as err:
        sys.stderr.write(f"{PROG}: clock error: {err}\n")
        return 3
    except sqlite3.Error as err:
        sys.stderr.write(f"{PROG}: database error: {err}\n")
        return 3
    except KeyError as err:
        sys.stderr.write(f"{PROG}: {err.args[0] if err.args else err}\n")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
