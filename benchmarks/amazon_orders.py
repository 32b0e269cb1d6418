"""Benchmark of the fake Amazon's getOrders (not run by pytest).

Reports:
1. getOrders pages of 100 orders per second, in-process (``responses``) and live (loopback werkzeug
   server), and the ratio to a bare hello-world WSGI app served by the same stack;
2. with 1k and 100k stored orders (each size in a process of its own): the process's resident memory
   grown per stored order, and the cost of a call as a ratio to a floor measured in the same run at the
   same size, getOrder of an order ID that does not exist (the same route, reading no order):
   getOrder of a stored order, and getOrders calls that match the same 100 orders (by
   LastUpdatedAfter, by CreatedAfter, by OrderStatuses). Their ratios should stay flat as the store
   grows, because the model walks its indexes and not every stored order;
3. for contrast, a first page of a search that matches every stored order.

Run: ``.venv/bin/python benchmarks/amazon_orders.py [--quick] [--sizes 1000 100000]``
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests
from werkzeug.test import Client

from simulators import Sandbox, SandboxRegistry
from simulators.amazon.auth import DEFAULT_GRANT
from simulators.amazon.wire import AmazonApp
from simulators.transport import InProcess, LiveServer

FLOOR = "floor: getOrder (no such)"
RATIOS = "ratios: "
LONG_AGO = "2025-01-01T00:00:00Z"
ADDRESS = {"Name": "Bench Buyer", "AddressLine1": "1 Main St", "City": "Austin", "CountryCode": "US"}


def hello(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]


def populate(stored: int, recent: int = 100) -> Sandbox:
    """``stored`` orders a day old (Shipped), then ``recent`` new Unshipped ones a minute apart."""
    registry = SandboxRegistry(seed=1)
    sandbox = registry.add(Sandbox("default", seed=1))
    model = sandbox.amazon
    old = sandbox.clock.now() - timedelta(days=1)
    for n in range(stored + recent):
        if n == stored:
            sandbox.clock.advance(3600)
        model.create_order(
            amazon_order_id=f"{100 + n % 800:03d}-{n:07d}-{n * 7 % 10_000_000:07d}",
            status="Shipped" if n < stored else "Unshipped",
            purchase_date=old if n < stored else None,
            buyer_name="Bench Buyer",
            buyer_email="bench@marketplace.amazon.com",
            address=ADDRESS,
            items=[{"sku": "SKU-1", "asin": "B000000001", "title": "Thing", "order_item_id": f"{10**13 + n}"}],
        )
        if n >= stored:
            sandbox.clock.advance(1)
    sandbox.clock.advance(600)
    sandbox.registry = registry  # type: ignore[attr-defined]
    return sandbox


def rate(calls: Callable[[], None], seconds: float) -> float:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        calls()
        done += 1
    return done / (time.perf_counter() - started)


def throughput(seconds: float) -> None:
    sandbox = populate(0, recent=100)
    app = AmazonApp(sandbox.registry)  # type: ignore[attr-defined]
    params = {"MarketplaceIds": "ATVPDKIKX0DER", "LastUpdatedAfter": "2026-01-01T00:00:00Z", "MaxResultsPerPage": "100"}
    print("1. getOrders pages of 100 orders per second")
    rows = []
    with InProcess() as transport:
        base = transport.mount("http://bench-amazon.test", app)
        hello_base = transport.mount("http://bench-hello.test", hello)
        rows.append(("in-process", *_pair(base, hello_base, params, seconds, requests.Session())))
    with LiveServer(app) as live, LiveServer(hello) as bare:
        rows.append(("live", *_pair(live.url, bare.url, params, seconds, requests.Session())))
    for name, pages, bare_rate in rows:
        print(
            f"   {name:<11} {pages:8.0f} pages/s   hello-world {bare_rate:8.0f} req/s   ratio {pages / bare_rate:.2f}"
        )


def _pair(base: str, hello_base: str, params: dict[str, str], seconds: float, session: requests.Session) -> tuple:
    token = session.post(f"{base}/auth/o2/token", data=DEFAULT_GRANT, timeout=5).json()["access_token"]
    headers = {"x-amz-access-token": token}

    def page() -> None:
        body = session.get(f"{base}/orders/v0/orders", params=params, headers=headers, timeout=5).json()
        assert len(body["payload"]["Orders"]) == 100

    def bare() -> None:
        session.get(f"{hello_base}/", timeout=5).json()

    return rate(page, seconds), rate(bare, seconds)


Calls = dict[str, tuple[Callable[[int], str], dict[str, str], int]]


def scaling(size: int, repeats: int) -> dict[str, float]:
    """Store ``size`` orders in this process and print what it measures; returns each call's ratio to the floor."""
    gc.collect()
    before = resident_bytes()
    started = time.perf_counter()
    sandbox = populate(size)
    built = time.perf_counter() - started
    gc.collect()
    grown = resident_bytes() - before
    client = Client(AmazonApp(sandbox.registry))  # type: ignore[attr-defined]
    token = client.post("/auth/o2/token", data=DEFAULT_GRANT).get_json()["access_token"]
    timings = best_times(client, {"x-amz-access-token": token}, calls(sandbox), repeats)
    print(f"   {size:>7} orders built in {built:.1f} s; memory {grown / size:,.0f} bytes/order", flush=True)
    for name, seconds in timings.items():
        print(f"      {name:<26} {seconds * 1e3:>8.2f} ms   x{seconds / timings[FLOOR]:.2f} floor", flush=True)
    return {name: seconds / timings[FLOOR] for name, seconds in timings.items()}


def calls(sandbox: Sandbox) -> Calls:
    """Each call: its path as a function of the round, its query, the status it answers."""
    recent = (sandbox.clock.now() - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    stored = sorted(sandbox.amazon.orders)
    listing = "/orders/v0/orders"
    return {
        FLOOR: (lambda i: f"{listing}/999-{i:07d}-0000000", {}, 404),
        "getOrder": (lambda i: f"{listing}/{stored[(i * 7919) % len(stored)]}", {}, 200),
        "LastUpdatedAfter": (lambda i: listing, {"LastUpdatedAfter": recent}, 200),
        "CreatedAfter": (lambda i: listing, {"CreatedAfter": recent}, 200),
        "OrderStatuses": (lambda i: listing, {"LastUpdatedAfter": LONG_AGO, "OrderStatuses": "Unshipped"}, 200),
        "match-all page": (lambda i: listing, {"CreatedAfter": LONG_AGO}, 200),
    }


def best_times(client: Client, headers: dict[str, str], named: Calls, repeats: int) -> dict[str, float]:
    """Best of ``repeats`` seconds per call (the least disturbed by other load); the calls take turns, so a
    change in the machine's load hits them all, after a round that warms up."""
    samples: dict[str, list[float]] = {name: [] for name in named}
    for i in range(repeats + 1):
        for name, (path, query, status) in named.items():
            params = {"MarketplaceIds": "ATVPDKIKX0DER", **query} if query else None
            started = time.perf_counter()
            body = client.get(path(i), query_string=params, headers=headers)
            if i:
                samples[name].append(time.perf_counter() - started)
            assert body.status_code == status, (name, body.status_code)
            if query and name != "match-all page":
                assert len(body.get_json()["payload"]["Orders"]) == 100, name
    return {name: min(values) for name, values in samples.items()}


def resident_bytes() -> int:
    """The process's resident memory now (Linux), else its peak."""
    statm = Path("/proc/self/statm")
    if statm.exists():
        return int(statm.read_text().split()[1]) * resource.getpagesize()
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and shorter runs")
    parser.add_argument("--sizes", type=int, nargs="+", help="stored orders (default 1k and 100k; quick: 1k, 10k)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one size, in this process
    args = parser.parse_args()
    repeats = 5 if args.quick else 15
    if args.one:
        print(RATIOS + json.dumps(scaling(args.one, repeats)), flush=True)
        return
    throughput(1.0 if args.quick else 3.0)
    sizes = args.sizes or ([1_000, 10_000] if args.quick else [1_000, 100_000])
    print("2. by stored orders: memory, and one call (in-process WSGI, best of N) as a ratio to the floor")
    ratios: dict[int, dict[str, float]] = {}
    for size in sizes:  # each size in a process of its own: its memory is measured from a fresh start
        command = [sys.executable, __file__, "--one", str(size)] + ["--quick"] * args.quick
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        print("\n".join(line for line in output.splitlines() if not line.startswith(RATIOS)), flush=True)
        ratios[size] = json.loads(output.split(RATIOS, 1)[1])
    small, large = min(sizes), max(sizes)
    print(f"   growth of each ratio, {large:,} orders against {small:,} (orders grew x{large / small:.0f})")
    for name in ratios[small]:
        if name != FLOOR:
            print(f"      {name:<26} x{ratios[large][name] / ratios[small][name]:.2f}")


if __name__ == "__main__":
    main()
