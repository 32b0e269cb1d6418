"""The usage plans the fake Amazon enforces are the ones Amazon's models document."""

from __future__ import annotations

import json
import re

import pytest

from simulators.amazon.ratelimit import USAGE_PLANS, RateLimiter
from simulators.clock import SimClock
from tests.simulators import vendor_checks

VENDOR = vendor_checks.VENDOR / "amazon"
PLAN = re.compile(r"\|\s*([0-9.]+)\s*\|\s*([0-9]+)\s*\|")


@pytest.mark.parametrize(("model", "suffix"), [("ordersV0.json", ""), ("orders_2026-01-01.json", "2026")])
def test_rates_and_bursts_match_the_operation_descriptions(model: str, suffix: str) -> None:
    path = VENDOR / model
    if not path.is_file():
        vendor_checks.skip_or_fail(f"{path} is absent (../shared/vendor/ is not in this checkout)")
    spec = json.loads(path.read_text())
    documented = {}
    for operations in spec["paths"].values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            match = PLAN.search(operation["description"].split("Rate (requests per second)", 1)[-1])
            name = operation["operationId"]
            name = name + suffix if name == "getOrder" else name
            documented[name] = (float(match[1]), int(match[2]))
    simulated = {k: v for k, v in USAGE_PLANS.items() if k in documented}
    assert simulated == {k: v for k, v in documented.items() if k in USAGE_PLANS}
    wanted = {"getOrders", "getOrderItems", "confirmShipment"} if not suffix else {"searchOrders", "getOrder2026"}
    assert wanted <= set(simulated)


def test_a_bucket_refills_at_its_rate_up_to_its_burst() -> None:
    clock = SimClock()
    limiter = RateLimiter(clock, {"op": (0.5, 2)})
    assert limiter.allow("op") and limiter.allow("op") and limiter.allow("op")  # off: always allowed
    limiter.enable()
    assert [limiter.allow("op") for _ in range(3)] == [True, True, False]
    clock.advance(1)
    assert not limiter.allow("op")
    clock.advance(1)
    assert limiter.allow("op") and not limiter.allow("op")
    clock.advance(3600)
    assert [limiter.allow("op") for _ in range(3)] == [True, True, False]  # never above the burst
    assert limiter.limit_header("op") == "0.5" and limiter.limit_header("unknown") is None
    with pytest.raises(ValueError):
        limiter.set_plan("op", 0, 1)
