"""In-process connectors that read the system clock see the scenario's simulated time during each call."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sample_adapters import SystemClockReader

from harness.reference_adapter import create_adapter
from harness.system_clock import SystemClockAdapter, on_simulated_time
from harness.world import open_world


def test_a_connector_reading_datetime_now_sees_the_simulated_clock(tmp_path: Path) -> None:
    with open_world(on_simulated_time(SystemClockReader), seed=1, workdir=tmp_path) as world:
        assert isinstance(world.adapter, SystemClockAdapter)
        world.clock.advance(3600)
        start = world.clock.now()
        world.adapter.integrate_store(world.store_spec("Main Store"))
        world.adapter.sync(None)
        seen = {s["label"]: s for s in world.adapter.wrapped.seen}
        assert seen["integrate_store"]["now"] == start
        assert seen["integrate_store"]["naive"] == start.replace(tzinfo=None)
        assert seen["integrate_store"]["today"] == start.date()
        assert seen["integrate_store"]["time"] == start.timestamp()
        assert seen["sync:before"]["now"] == start
        # a sleep through env.sleep moves the simulators' clock and the frozen system clock together
        assert seen["sync:after"]["now"] == start + timedelta(seconds=90) == world.clock.now()
        # outside a call, the system clock is real again
        assert abs(datetime.now(UTC) - world.clock.now()) > timedelta(days=1)
        assert abs(time.time() - world.clock.now().timestamp()) > 86400


def test_an_adapter_that_takes_the_injected_clock_is_not_wrapped(tmp_path: Path) -> None:
    with open_world(on_simulated_time(create_adapter), seed=1, workdir=tmp_path) as world:
        assert not isinstance(world.adapter, SystemClockAdapter)


def test_a_real_connector_on_the_system_clock_passes_time_sensitive_rules(cli: Any, tmp_path: Path) -> None:
    # the connector stamps the integration instant with datetime.now(): on the wall clock, every order of
    # the scenario would be "placed before integration" and IMP-01/IMP-03 would fail
    tags = "IMP-01 or IMP-03 or PRE-01 or PRE-03 or SYN-02"
    result = cli("run", "--impl", "sample_adapters:system_clock_reference", "--tags", tags, cwd=tmp_path)
    assert result.returncode == 3, result.stdout[-3000:]  # incomplete: a selection, but nothing failed
    assert "verdict: INCOMPLETE" in result.stdout and " failed" not in result.stdout.split("verdict:")[1]
    for rule in ("IMP-01", "IMP-03", "PRE-01", "PRE-03", "SYN-02"):
        assert re.search(rf"^{rule} +(\d+) of \1 +PASSED$", result.stdout, re.MULTILINE), rule


def test_calls_from_two_threads_each_see_the_simulated_clock_throughout(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import datetime as clock_module
    import threading
    import time as real_time

    from harness.adapter import ConnectorEnvironment
    from harness.system_clock import _Freezer

    simulated = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    freezer = _Freezer(ConnectorEnvironment(workdir=tmp_path, now=lambda: simulated, sleep=lambda s: None))
    seen: list[datetime] = []

    def sync() -> None:  # reads the clock as a connector would: through the datetime module
        seen.append(clock_module.datetime.now(UTC))
        real_time.sleep(0.05)  # the other thread starts and ends its call meanwhile
        seen.append(clock_module.datetime.now(UTC))

    threads = [threading.Thread(target=freezer.call, args=(sync,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert seen == [simulated] * 4
