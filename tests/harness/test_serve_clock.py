"""``asc-conformance serve --clock real``: the simulators on the system time, for outside clients."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import requests
from conftest import start_process, stop_process

from simulators.amazon.auth import DEFAULT_GRANT
from simulators.clock import parse_iso


def test_served_on_the_real_clock_an_outside_client_reads_todays_orders() -> None:
    process, url = start_process([sys.executable, "-m", "harness.cli", "serve", "amazon", "--clock", "real"])
    try:
        first = parse_iso(requests.get(f"{url}/_sim/clock", timeout=5).json()["now"])
        assert abs(first - datetime.now(UTC)) < timedelta(minutes=5)
        created = requests.post(f"{url}/_sim/orders", json={"status": "Unshipped"}, timeout=5)
        assert created.status_code == 200
        token = requests.post(f"{url}/auth/o2/token", data=DEFAULT_GRANT, timeout=5).json()["access_token"]
        since = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        params = {"MarketplaceIds": "ATVPDKIKX0DER", "LastUpdatedAfter": since}
        listed = requests.get(
            f"{url}/orders/v0/orders", params=params, headers={"x-amz-access-token": token}, timeout=5
        )
        assert listed.status_code == 200, listed.text  # a date of today is not "in the future"
        assert [o["AmazonOrderId"] for o in listed.json()["payload"]["Orders"]] == [
            created.json()["order"]["AmazonOrderId"]
        ]
        later = parse_iso(requests.get(f"{url}/_sim/clock", timeout=5).json()["now"])
        assert later > first  # the clock moves by itself
    finally:
        stop_process(process)
