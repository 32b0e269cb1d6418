"""The simulated clock that both simulators and the connector under test read."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

DEFAULT_START = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)
#: The instants a simulation may hold: far enough from datetime's limits that adding days or hours to any of
#: them (ship-by dates, token lifetimes, feed delays) never overflows.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, tzinfo=UTC)


def _step(seconds: float, **delta: float) -> timedelta:
    """A forward move of ``seconds`` plus any ``timedelta`` keywords; ValueError for one backwards or too far."""
    try:
        step = timedelta(seconds=seconds, **delta)
    except OverflowError as err:
        raise ValueError(f"the clock cannot move past {LATEST.isoformat()}") from err
    if step < timedelta(0):
        raise ValueError("the simulated clock never moves backwards")
    return step


class SimClock:
    """A thread-safe clock that stands still until advanced.

    Servers running in threads read this object rather than the system time, because freezegun
    does not freeze ``time.time()`` in other threads.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._now = check_instant(start or DEFAULT_START, "the clock's start")
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The current simulated instant (timezone-aware, UTC)."""
        with self._lock:
            return self._now

    def advance(self, seconds: float = 0.0, **delta: float) -> datetime:
        """Move time forward by ``seconds`` plus any ``timedelta`` keywords; never backwards."""
        step = _step(seconds, **delta)
        with self._lock:
            if step > LATEST - self._now:
                raise ValueError(f"the clock cannot move past {LATEST.isoformat()}")
            self._now += step
            return self._now

    def set(self, when: datetime) -> datetime:
        """Jump to ``when``, which may not be earlier than now."""
        target = check_instant(when, "the clock")
        with self._lock:
            if target < self._now:
                raise ValueError(f"cannot move the clock back from {self._now.isoformat()} to {target.isoformat()}")
            self._now = target
            return self._now


class WallClock(SimClock):
    """The system clock, for outside clients running in real time; the control plane may still move it
    forward (``advance`` and ``set`` add an offset to the system time, never moving it back)."""

    def __init__(self, start: datetime | None = None) -> None:
        super().__init__(None)
        self._offset = timedelta(0)
        if start is not None:
            self.set(start)

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def advance(self, seconds: float = 0.0, **delta: float) -> datetime:
        step = _step(seconds, **delta)
        with self._lock:
            now = datetime.now(UTC) + self._offset
            if step > LATEST - now:
                raise ValueError(f"the clock cannot move past {LATEST.isoformat()}")
            self._offset += step
            return now + step

    def set(self, when: datetime) -> datetime:
        target = check_instant(when, "the clock")
        with self._lock:
            now = datetime.now(UTC) + self._offset
            if target < now:
                raise ValueError(f"cannot move the clock back from {now.isoformat()} to {target.isoformat()}")
            self._offset += target - now
            return target


def check_instant(when: datetime, what: str) -> datetime:
    """``when`` as an aware UTC instant, or ValueError when it lies outside [EARLIEST, LATEST]."""
    value = _aware(when)
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"{what} must lie between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return value


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
