"""The simulated clock that both simulators and the connector under test read."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

DEFAULT_START = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)


class SimClock:
    """A thread-safe clock that stands still until advanced.

    Servers running in threads read this object rather than the system time, because freezegun
    does not freeze ``time.time()`` in other threads.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._now = _aware(start or DEFAULT_START)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The current simulated instant (timezone-aware, UTC)."""
        with self._lock:
            return self._now

    def advance(self, seconds: float = 0.0, **delta: float) -> datetime:
        """Move time forward by ``seconds`` plus any ``timedelta`` keywords; never backwards."""
        step = timedelta(seconds=seconds, **delta)
        if step < timedelta(0):
            raise ValueError("the simulated clock never moves backwards")
        with self._lock:
            self._now += step
            return self._now

    def set(self, when: datetime) -> datetime:
        """Jump to ``when``, which may not be earlier than now."""
        target = _aware(when)
        with self._lock:
            if target < self._now:
                raise ValueError(f"cannot move the clock back from {self._now.isoformat()} to {target.isoformat()}")
            self._now = target
            return self._now


def _aware(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def iso(when: datetime) -> str:
    """Amazon's ISO 8601 form: UTC with a trailing Z and whole seconds."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 timestamp (``Z`` or an offset; naive means UTC). Raises ValueError."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    return _aware(datetime.fromisoformat(value))
