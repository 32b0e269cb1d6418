from datetime import UTC, datetime, timedelta

import pytest

from simulators.clock import SimClock, iso, parse_iso


def test_clock_stands_still_until_advanced() -> None:
    clock = SimClock(datetime(2026, 3, 1, tzinfo=UTC))
    assert clock.now() == clock.now() == datetime(2026, 3, 1, tzinfo=UTC)
    assert clock.advance(90) == datetime(2026, 3, 1, 0, 1, 30, tzinfo=UTC)
    assert clock.advance(hours=1) - timedelta(hours=1) == datetime(2026, 3, 1, 0, 1, 30, tzinfo=UTC)


def test_clock_never_moves_back() -> None:
    clock = SimClock()
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.set(clock.now() - timedelta(seconds=1))


def test_iso_round_trip() -> None:
    when = datetime(2026, 5, 2, 3, 4, 5, tzinfo=UTC)
    assert iso(when) == "2026-05-02T03:04:05Z"
    assert parse_iso("2026-05-02T03:04:05Z") == when
    assert parse_iso("2026-05-02T05:04:05+02:00") == when
    assert parse_iso("2026-05-02T03:04:05") == when
