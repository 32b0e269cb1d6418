"""Benchmark of the fake Magento's order search over the wire (not run by pytest).

Stores N orders (10k and 100k by default; each one item, a billing and a shipping address, an Amazon
order ID in ``ext_order_id`` and in ``payment.po_number``), then times ``GET /rest/V1/orders`` with
searchCriteria through the full WSGI app (auth, routing, journal, JSON), the way a connector looks
an Amazon order up before creating it:

- ``ext_order_id eq``, ``po_number eq``, ``payment.po_number eq``, ``increment_id eq``,
  ``increment_id in`` (three values): indexed, so the cost should stay flat as N grows;
- for contrast, ``customer_email eq`` with ``pageSize=1``: not indexed, a scan of every order.

It prints the median microseconds per call for each size and the growth ratio t(largest)/t(smallest):
about 1 means the cost does not grow with N, about N_large/N_small means linear.

Run: ``.venv/bin/python benchmarks/magento_orders.py [--sizes 10000 100000] [--repeat 200]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from werkzeug.test import Client

from simulators import Sandbox, SandboxRegistry
from simulators.magento.wire import MagentoApp

ADDRESS = {
    "firstname": "Bench",
    "lastname": "Buyer",
    "street": ["1 Main St"],
    "city": "Austin",
    "postcode": "73301",
    "country_id": "US",
    "telephone": "555-0100",
}


def amazon_id(n: int) -> str:
    return f"113-{n:07d}-{n * 7 % 9999999:07d}"


def populate(stored: int) -> tuple[Client, str, float]:
    """A Magento holding ``stored`` orders; returns a client, an admin token and the seconds it took."""
    registry = SandboxRegistry()
    sandbox = registry.add(Sandbox("default"))
    model = sandbox.magento
    model.create_product("SKU-1", price="10", qty=0, manage_stock=False)
    started = time.perf_counter()
    for n in range(stored):
        model.book.place(
            {
                "state": "processing",
                "status": "processing",
                "ext_order_id": amazon_id(n),
                "customer_email": f"buyer{n}@example.com",
                "items": [{"sku": "SKU-1", "qty_ordered": 1, "price": 10.0}],
                "billing_address": {**ADDRESS, "address_type": "billing"},
                "payment": {"method": "amazonpayment", "po_number": amazon_id(n), "additional_information": []},
                "extension_attributes": {
                    "shipping_assignments": [{"shipping": {"address": {**ADDRESS, "address_type": "shipping"}}}]
                },
            }
        )
    elapsed = time.perf_counter() - started
    return Client(MagentoApp(registry)), model.admin_token("admin", "admin123"), elapsed


def criteria(field: str, value: str, condition: str = "eq", page_size: int | None = None) -> dict[str, str]:
    query = {
        "searchCriteria[filter_groups][0][filters][0][field]": field,
        "searchCriteria[filter_groups][0][filters][0][value]": value,
        "searchCriteria[filter_groups][0][filters][0][condition_type]": condition,
    }
    if page_size:
        query["searchCriteria[pageSize]"] = str(page_size)
    return query


def searches(stored: int) -> dict[str, Callable[[int], dict[str, str]]]:
    """Each search, as a function of a round number (so rounds ask for different orders)."""

    def pick(i: int) -> int:
        return (i * 7919) % stored

    def increment(n: int) -> str:
        return f"{n + 1:09d}"

    return {
        "ext_order_id eq": lambda i: criteria("ext_order_id", amazon_id(pick(i))),
        "po_number eq": lambda i: criteria("po_number", amazon_id(pick(i))),
        "payment.po_number eq": lambda i: criteria("payment.po_number", amazon_id(pick(i))),
        "increment_id eq": lambda i: criteria("increment_id", increment(pick(i))),
        "increment_id in (3)": lambda i: criteria(
            "increment_id", ",".join(increment(pick(i + k)) for k in range(3)), "in"
        ),
        "customer_email eq (scan)": lambda i: criteria("customer_email", f"buyer{pick(i)}@example.com", page_size=1),
    }


def measure(client: Client, token: str, query: Callable[[int], dict[str, str]], repeat: int) -> tuple[float, int]:
    """Median microseconds per call, and the total_count of the last answer."""
    headers = {"Authorization": f"Bearer {token}"}
    times = []
    found = 0
    for i in range(repeat):
        params = query(i)
        started = time.perf_counter()
        response = client.get("/rest/V1/orders", query_string=params, headers=headers)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"search failed: {response.status_code} {response.get_data(as_text=True)[:200]}")
        found = response.get_json()["total_count"]
    return statistics.median(times) * 1e6, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=200, help="calls per search and size (scans: a tenth)")
    args = parser.parse_args()
    results: dict[str, dict[int, float]] = {}
    for size in args.sizes:
        client, token, seconds = populate(size)
        print(f"{size:>7} orders stored in {seconds:.1f} s ({size / seconds:,.0f} orders/s through the model)")
        for name, query in searches(size).items():
            repeat = max(args.repeat // 10, 5) if "scan" in name else args.repeat
            micros, found = measure(client, token, query, repeat)
            results.setdefault(name, {})[size] = micros
            print(f"    {name:<26} {micros:>10,.0f} us/call  (total_count {found}, {repeat} calls)")
        del client
    small, large = min(args.sizes), max(args.sizes)
    print(f"\ngrowth t({large:,})/t({small:,}); orders grew x{large / small:.0f}")
    for name, by_size in results.items():
        print(f"    {name:<26} x{by_size[large] / by_size[small]:.2f}")


if __name__ == "__main__":
    main()
