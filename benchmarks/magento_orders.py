"""Benchmark of the fake Magento's order store: memory per order, and order search over the wire (not run by pytest).

Stores N orders (1k and 100k by default) placed through the order repository's save, each unlike the
others (a buyer's name, email and addresses, one to three items of 50 SKUs with their own quantity,
price and tax, an Amazon order ID in ``ext_order_id`` and in ``payment.po_number``), then reports:

1. memory: the process's resident memory grown per stored order (the order, its indexes, the ID map),
   and, for scale, the size of an order's REST answer (compact JSON);
2. the cost of ``GET /rest/V1/orders`` with searchCriteria through the full WSGI app (auth, routing,
   journal, JSON), the way a connector looks an Amazon order up before creating it, as a ratio to a
   floor measured in the same run at the same size: ``GET /rest/V1/store/storeViews``, a call through
   the same stack that reads no order. Indexed searches (``ext_order_id``, ``po_number``,
   ``payment.po_number``, ``increment_id`` eq and in) should keep the same ratio as N grows; for
   contrast, ``customer_email like`` is not indexed: a scan that reads every stored order.

The growth of each ratio, ratio(largest)/ratio(smallest), is about 1 when the cost does not grow with
N, about N_large/N_small when it grows linearly.

Run: ``.venv/bin/python benchmarks/magento_orders.py [--sizes 1000 100000] [--repeat 200]``
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.test import Client

from simulators import Sandbox, SandboxRegistry
from simulators.magento.wire import MagentoApp

SKUS = [f"SKU-{n:03d}" for n in range(50)]
FIRST = ["Ada", "Bo", "Chen", "Dana", "Eli", "Farah", "Gus", "Hana", "Ivo", "June", "Kai", "Lena"]
LAST = ["Nguyen", "Okafor", "Silva", "Novak", "Ito", "Haddad", "Berg", "Moreau", "Kowalski", "Reyes"]
CITIES = [("Austin", "TX", "737"), ("Portland", "OR", "972"), ("Columbus", "OH", "432"), ("Tampa", "FL", "336")]


def amazon_id(n: int) -> str:
    return f"113-{n:07d}-{n * 7 % 9999999:07d}"


def entity(n: int, draw: random.Random) -> dict[str, Any]:
    """The ``n``-th order entity, as a connector sends it; its values drawn from ``draw``."""
    first, last = draw.choice(FIRST), draw.choice(LAST)
    city, region, zip_prefix = draw.choice(CITIES)
    address = {
        "firstname": first,
        "lastname": last,
        "street": [f"{draw.randint(1, 9999)} {draw.choice(LAST)} {draw.choice(['St', 'Ave', 'Rd'])}"],
        "city": city,
        "region": region,
        "postcode": f"{zip_prefix}{draw.randint(0, 99):02d}",
        "country_id": "US",
        "telephone": f"555-{draw.randint(0, 9999):04d}",
    }
    items = []
    for sku in draw.sample(SKUS, draw.randint(1, 3)):
        qty = draw.randint(1, 4)
        price = draw.randint(199, 19999) / 100
        tax = round(price * qty * 0.0825, 2)
        items.append({"sku": sku, "qty_ordered": qty, "price": price, "tax_amount": tax, "name": f"Thing {sku}"})
    return {
        "state": "processing",
        "status": "processing",
        "ext_order_id": amazon_id(n),
        "customer_email": f"{first.lower()}.{last.lower()}{n}@marketplace.amazon.com",
        "customer_firstname": first,
        "customer_lastname": last,
        "shipping_amount": draw.choice([0, 4.99, 7.5]),
        "items": items,
        "billing_address": {**address, "address_type": "billing"},
        "payment": {"method": "amazonpayment", "po_number": amazon_id(n), "additional_information": []},
        "extension_attributes": {
            "shipping_assignments": [{"shipping": {"address": {**address, "address_type": "shipping"}}}]
        },
    }


def resident_bytes() -> int:
    """The process's resident memory now (Linux), else its peak."""
    statm = Path("/proc/self/statm")
    if statm.exists():
        return int(statm.read_text().split()[1]) * resource.getpagesize()
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def populate(stored: int) -> tuple[Client, str, float, int]:
    """A Magento holding ``stored`` orders: a client, an admin token, the seconds it took and the bytes it grew."""
    registry = SandboxRegistry()
    sandbox = registry.add(Sandbox("default"))
    model = sandbox.magento
    for sku in SKUS:
        model.create_product(sku, price="10", qty=0, manage_stock=False)
    draw = random.Random(stored)
    entities = (entity(n, draw) for n in range(stored))
    gc.collect()
    before = resident_bytes()
    started = time.perf_counter()
    for body in entities:
        model.book.place(body)
    elapsed = time.perf_counter() - started
    gc.collect()
    grown = resident_bytes() - before
    return Client(MagentoApp(registry)), model.admin_token("admin", "admin123"), elapsed, grown


def criteria(field: str, value: str, condition: str = "eq", page_size: int | None = None) -> dict[str, str]:
    query = {
        "searchCriteria[filter_groups][0][filters][0][field]": field,
        "searchCriteria[filter_groups][0][filters][0][value]": value,
        "searchCriteria[filter_groups][0][filters][0][condition_type]": condition,
    }
    if page_size:
        query["searchCriteria[pageSize]"] = str(page_size)
    return query


Call = tuple[str, Callable[[int], dict[str, str]]]
RATIOS = "ratios: "
FLOOR = "floor: storeViews"


def calls(stored: int) -> dict[str, Call]:
    """Each call (path, query as a function of a round number, so rounds ask for different orders)."""

    def pick(i: int) -> int:
        return (i * 7919) % stored

    def increment(n: int) -> str:
        return f"{n + 1:09d}"

    def three(i: int) -> str:
        return ",".join(increment(pick(i + k)) for k in range(3))

    def search(field: str, value: Callable[[int], str], condition: str = "eq", page: int | None = None) -> Call:
        return "/rest/V1/orders", lambda i: criteria(field, value(i), condition, page)

    return {
        FLOOR: ("/rest/V1/store/storeViews", lambda i: {}),
        "ext_order_id eq": search("ext_order_id", lambda i: amazon_id(pick(i))),
        "po_number eq": search("po_number", lambda i: amazon_id(pick(i))),
        "payment.po_number eq": search("payment.po_number", lambda i: amazon_id(pick(i))),
        "increment_id eq": search("increment_id", lambda i: increment(pick(i))),
        "increment_id in (3)": search("increment_id", three, "in"),
        "customer_email like (scan)": search("customer_email", lambda i: f"%.%{pick(i)}@%", "like", 1),
    }


def measure(client: Client, token: str, named: dict[str, Call], repeat: int) -> dict[str, float]:
    """Median seconds per call of each; the calls take turns, so a change in the machine's load hits them all."""
    headers = {"Authorization": f"Bearer {token}"}
    times: dict[str, list[float]] = {name: [] for name in named}
    for i in range(repeat):
        for name, (path, query) in named.items():
            params = query(i)
            started = time.perf_counter()
            response = client.get(path, query_string=params, headers=headers)
            times[name].append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{path} failed: {response.status_code} {response.get_data(as_text=True)[:200]}")
    return {name: statistics.median(samples) for name, samples in times.items()}


def run_one(size: int, repeat: int) -> dict[str, float]:
    """Store ``size`` orders in this process, print what it measures; returns each call's ratio to the floor."""
    client, token, seconds, grown = populate(size)
    answer = client.get("/rest/V1/orders/1", headers={"Authorization": f"Bearer {token}"}).get_data()
    print(
        f"{size:>7} orders stored in {seconds:.1f} s ({size / seconds:,.0f} orders/s through the model); "
        f"memory {grown / size:,.0f} bytes/order (an order's REST answer: {len(answer):,} bytes of JSON, "
        f"ratio {grown / size / len(answer):.2f})",
        flush=True,
    )
    named = calls(size)
    indexed = {name: call for name, call in named.items() if "scan" not in name}
    timings = measure(client, token, indexed, repeat)
    timings |= measure(client, token, {k: v for k, v in named.items() if k not in indexed}, 3)
    ratios = {name: seconds / timings[FLOOR] for name, seconds in timings.items()}
    for name, seconds in timings.items():
        print(f"    {name:<26} {seconds * 1e6:>10,.0f} us/call   x{ratios[name]:,.2f} floor", flush=True)
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--repeat", type=int, default=200, help="calls per search and size (scans: 3)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one size, in this process
    args = parser.parse_args()
    if args.one:
        print(RATIOS + json.dumps(run_one(args.one, args.repeat)), flush=True)
        return
    ratios: dict[int, dict[str, float]] = {}
    for size in args.sizes:  # each size in a process of its own: its memory is measured from a fresh start
        command = [sys.executable, __file__, "--one", str(size), "--repeat", str(args.repeat)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        print("\n".join(line for line in output.splitlines() if not line.startswith(RATIOS)), flush=True)
        ratios[size] = json.loads(output.split(RATIOS, 1)[1])
    small, large = min(args.sizes), max(args.sizes)
    print(f"\ngrowth of each ratio to the floor, {large:,} orders against {small:,} (orders grew x{large / small:.0f})")
    for name in ratios[small]:
        if name != FLOOR:
            print(f"    {name:<26} x{ratios[large][name] / ratios[small][name]:.2f}")


if __name__ == "__main__":
    main()
