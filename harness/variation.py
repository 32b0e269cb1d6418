"""Values a rule does not pin, drawn per scenario from their whole domain, reproducibly from the seed.

A scenario states what its rule fixes; everything else (instants to the second, the time between
events and syncs, carriers and parcels, cancellation reasons, quantities, stock, how many items and
where the interesting one sits, page sizes) is drawn here. The draws come from one ``random.Random``
seeded with the scenario's seed (``--seed`` and the scenario's name), so a run replays exactly; each
draw is recorded with what it is for, and the record is shown in every failure and report.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from simulators.amazon.model import CANCEL_REASONS as AMAZON_CANCEL_REASONS

T = TypeVar("T")

#: Seconds between an event and the next one a step makes happen (an order placed, a status change, a
#: merchant action): from the same second to an hour later.
EVENT_GAP = (0, 3600)
#: Seconds before a sync or a cron job. Magento's cron runs at most once a minute, so a scheduled sync
#: comes one minute to half an hour after whatever happened before it.
SYNC_GAP = (60, 1800)
#: Seconds between whatever came before and a store's integration: any instant of the next day.
INTEGRATION_GAP = (1, 86_400)

#: Amazon's carrier codes a Magento carrier maps to (Magento's own carriers: ups, usps, fedex, dhl).
MAGENTO_CARRIERS: dict[str, str] = {"ups": "UPS", "usps": "USPS", "fedex": "FedEx", "dhl": "DHL"}
#: Names from SP-API's carrier list a merchant may type as a custom Magento carrier's title, and one that
#: is on no list; Amazon receives them as carrier code "Other" with that carrier name, or under the name's
#: own code when it is on Amazon's list.
AMAZON_CARRIER_NAMES = (
    "Royal Mail",
    "Canada Post",
    "Australia Post",
    "Deutsche Post",
    "DPD",
    "Hermes",
    "Yamato Transport",
    "La Poste",
    "OnTrac",
    "Blue Dart",
)
UNLISTED_CARRIER = "Harbour Lane Couriers"
#: Amazon's cancellation reasons (the order acknowledgement feed's CancelReason values), drawn for a
#: cancellation from Magento and for one Amazon makes itself alike.
CANCEL_REASONS = tuple(sorted(AMAZON_CANCEL_REASONS))
MAX_SHOWN = 40  # drawn values shown in a failure message (all of them are in the report)


@dataclass(frozen=True)
class Parcel:
    """One tracked parcel of a Magento shipment: Magento's carrier code and title, and its tracking number."""

    carrier_code: str
    title: str
    tracking: str

    def as_track(self) -> dict[str, str]:
        return {"carrier_code": self.carrier_code, "title": self.title, "track_number": self.tracking}


@dataclass
class Draws:
    """The scenario's drawn values: one seeded generator and the record of what each draw was for."""

    seed: int
    record: list[tuple[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def _keep(self, what: str, value: T) -> T:
        self.record.append((what, value))
        return value

    def integer(self, what: str, low: int, high: int) -> int:
        """An integer from ``low`` to ``high`` inclusive."""
        return self._keep(what, self._random.randint(low, high))

    def choice(self, what: str, options: Sequence[T]) -> T:
        return self._keep(what, self._random.choice(list(options)))

    def seconds(self, what: str, span: tuple[int, int]) -> int:
        return self.integer(what, *span)

    def position(self, what: str, count: int) -> int:
        """Where the interesting one of ``count`` things sits (0-based)."""
        return self.integer(what, 0, count - 1)

    def tracking_number(self, what: str) -> str:
        letters = "".join(self._random.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
        return self._keep(what, f"{letters}{self._random.randint(10**9, 10**10 - 1)}")

    def parcels(self, what: str, count: int | None = None) -> list[Parcel]:
        """1 to 3 parcels (or ``count``), each with a carrier: one of Magento's own carriers, a custom carrier
        named from Amazon's list, or one on no list."""
        count = count if count is not None else self._random.randint(1, 3)
        out = []
        for index in range(count):
            kind = self._random.choice(("magento", "magento", "listed", "unlisted"))
            if kind == "magento":
                code = self._random.choice(sorted(MAGENTO_CARRIERS))
                parcel = Parcel(code, MAGENTO_CARRIERS[code], "")
            else:
                title = self._random.choice(AMAZON_CARRIER_NAMES) if kind == "listed" else UNLISTED_CARRIER
                parcel = Parcel("custom", title, "")
            tracking = self.tracking_number(f"{what}: tracking number of parcel {index + 1}")
            out.append(Parcel(parcel.carrier_code, parcel.title, tracking))
        return self._keep(what, out)

    def as_json(self) -> list[list[Any]]:
        return [[what, _plain(value)] for what, value in self.record]

    def summary(self) -> str:
        """The drawn values, one per line (the first ``MAX_SHOWN``), for a failure message."""
        lines = [f"drawn values (seed {self.seed}; --seed replays them):"]
        lines += [f"  {what}: {_plain(value)}" for what, value in self.record[:MAX_SHOWN]]
        if len(self.record) > MAX_SHOWN:
            lines.append(f"  ... and {len(self.record) - MAX_SHOWN} more (in the report)")
        return "\n".join(lines)


def _plain(value: Any) -> Any:
    if isinstance(value, Parcel):
        return f"{value.title} ({value.carrier_code}) {value.tracking}"
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
