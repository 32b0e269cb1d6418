"""SP-API usage plans: a token bucket per operation on the simulated clock.

Rates and bursts are the defaults in each operation's description (Orders v0 and 2026-01-01 from
the official models; Feeds 2021-06-30 from its model as shipped with Amazon's SDK). Throttling is
off until enabled for a namespace; ``x-amzn-RateLimit-Limit`` is sent either way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from simulators.clock import SimClock

USAGE_PLANS: dict[str, tuple[float, int]] = {
    # Orders v0
    "getOrders": (0.0167, 20),
    "getOrder": (0.5, 30),
    "getOrderBuyerInfo": (0.5, 30),
    "getOrderAddress": (0.5, 30),
    "getOrderItems": (0.5, 30),
    "getOrderItemsBuyerInfo": (0.5, 30),
    "updateShipmentStatus": (5.0, 15),
    "confirmShipment": (2.0, 10),
    # Orders 2026-01-01
    "searchOrders": (0.0056, 20),
    "getOrder2026": (0.5, 30),
    # Tokens 2021-03-01
    "createRestrictedDataToken": (1.0, 10),
    # Feeds 2021-06-30
    "createFeedDocument": (0.5, 15),
    "createFeed": (0.0083, 15),
    "getFeed": (2.0, 15),
    "getFeedDocument": (0.0222, 10),
}


@dataclass
class Bucket:
    """Tokens available for one operation; refills at ``rate`` per simulated second up to ``burst``."""

    rate: float
    burst: int
    tokens: float
    stamp: datetime

    def take(self, now: datetime) -> bool:
        elapsed = max((now - self.stamp).total_seconds(), 0.0)
        self.tokens = min(float(self.burst), self.tokens + elapsed * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class RateLimiter:
    """Token buckets of one namespace, per operation and selling partner (a usage plan applies to each
    seller and app pair, so one seller's calls never use up another's)."""

    def __init__(self, clock: SimClock, plans: dict[str, tuple[float, int]] | None = None) -> None:
        self.clock = clock
        self.enabled = False
        self.plans = dict(USAGE_PLANS if plans is None else plans)
        self._buckets: dict[tuple[str, str], Bucket] = {}

    def enable(self, enabled: bool = True) -> None:
        """Switch throttling on (full buckets) or off."""
        self.enabled = bool(enabled)
        self._buckets.clear()

    def set_plan(self, operation: str, rate: float, burst: int) -> None:
        """Override one operation's rate and burst (a seller with a higher usage plan)."""
        if not math.isfinite(rate) or rate <= 0 or burst < 1:
            raise ValueError("rate must be a positive finite number and burst at least 1")
        self.plans[operation] = (float(rate), int(burst))
        for key in [k for k in self._buckets if k[0] == operation]:
            del self._buckets[key]

    def limit_header(self, operation: str) -> str | None:
        """The ``x-amzn-RateLimit-Limit`` value for an operation, if it has a usage plan."""
        plan = self.plans.get(operation)
        return None if plan is None else f"{plan[0]:g}"

    def allow(self, operation: str, caller: str = "") -> bool:
        """Whether this call of ``caller`` (a seller) may proceed (always, when throttling is off); consumes a
        token of its bucket."""
        plan = self.plans.get(operation)
        if not self.enabled or plan is None:
            return True
        now = self.clock.now()
        bucket = self._buckets.get((operation, caller))
        if bucket is None:
            bucket = self._buckets[(operation, caller)] = Bucket(plan[0], plan[1], float(plan[1]), now)
        return bucket.take(now)
