"""Order states and the statuses assigned to them (Stores > Order Status in the admin).

Magento keeps a fixed set of states; statuses are labels assigned to a state, one of which is the
state's default (the one Magento sets whenever it moves an order into that state). A merchant can
add custom statuses and assign them to a state, which is what a connector's "Custom Order Status"
setting picks from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulators.magento.errors import STATUS_NOT_OF_STATE, bad_request

STATES = ("new", "pending_payment", "processing", "complete", "closed", "canceled", "holded", "payment_review")

_DEFAULTS: list[tuple[str, str, str, bool]] = [
    ("pending", "Pending", "new", True),
    ("pending_payment", "Pending Payment", "pending_payment", True),
    ("processing", "Processing", "processing", True),
    ("fraud", "Suspected Fraud", "processing", False),
    ("complete", "Complete", "complete", True),
    ("closed", "Closed", "closed", True),
    ("canceled", "Canceled", "canceled", True),
    ("holded", "On Hold", "holded", True),
    ("payment_review", "Payment Review", "payment_review", True),
    ("fraud", "Suspected Fraud", "payment_review", False),
]


@dataclass
class StatusConfig:
    """Status labels and their assignment to states."""

    labels: dict[str, str] = field(default_factory=dict)
    assigned: dict[str, list[str]] = field(default_factory=dict)  # state -> statuses, the default first

    def __post_init__(self) -> None:
        if not self.labels:
            for status, label, state, default in _DEFAULTS:
                self.assign(status, label, state, default=default)

    def assign(self, status: str, label: str, state: str, *, default: bool = False) -> None:
        """Create the status (or relabel it) and assign it to ``state``; ``default`` makes it the state's default."""
        if state not in STATES:
            raise ValueError(f"unknown order state {state!r}; Magento's states are {list(STATES)}")
        if not status or not status.replace("_", "").isalnum() or len(status) > 32:
            raise ValueError(f"a status code is letters, digits and underscores (at most 32), not {status!r}")
        self.labels[status] = label or status
        statuses = self.assigned.setdefault(state, [])
        if status in statuses:
            statuses.remove(status)
        if default or not statuses:
            statuses.insert(0, status)
        else:
            statuses.append(status)

    def default(self, state: str) -> str:
        """The status Magento sets when it moves an order into ``state``."""
        return self.assigned[state][0]

    def states_of(self, status: str) -> list[str]:
        return [state for state, statuses in self.assigned.items() if status in statuses]

    def label(self, status: str) -> str:
        return self.labels.get(status, status)

    def check(self, status: str, state: str) -> None:
        """Magento's 400 unless ``status`` is assigned to ``state``."""
        if status not in self.assigned.get(state, []):
            raise bad_request(STATUS_NOT_OF_STATE, [status, state])
