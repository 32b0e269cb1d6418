"""Simulated time for in-process Python connectors that read the system clock themselves.

During each adapter call, freezegun moves ``datetime.now()``, ``date.today()`` and ``time.time()`` to the
scenario's simulated instant, so an integrator's connector needs no clock injection. A sleep through
``env.sleep`` advances the simulated clock and the frozen time with it. An adapter whose connector takes
the clock from ``env`` (or runs in another process) sets ``reads_system_clock = False`` and is left as is:
freezing costs a few milliseconds per call. The factory itself runs unfrozen. Servers in threads never
rely on this (they read the SimClock).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory, StepTickTimeFactory, TickingDateTimeFactory

from harness.adapter import AdapterFactory, ConnectorAdapter, ConnectorEnvironment

_Factory = FrozenDateTimeFactory | StepTickTimeFactory | TickingDateTimeFactory


class _Freezer:
    """Holds the active freeze of one scenario, so a sleep can move it.

    The system clock is one per process, so calls from several threads (two syncs started at once) take
    turns: each runs whole under the freeze. A nested call in the same thread runs inside its caller's.
    """

    def __init__(self, env: ConnectorEnvironment) -> None:
        self.env = env
        self.active: _Factory | None = None
        self._lock = threading.Lock()
        self._local = threading.local()

    def sleep(self, seconds: float) -> None:
        self.env.sleep(seconds)
        if self.active is not None:
            self.active.move_to(self.env.now())

    def call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if getattr(self._local, "inside", False):  # an adapter method calling another: already frozen
            return method(*args, **kwargs)
        with self._lock:
            self._local.inside = True
            try:
                with freeze_time(self.env.now(), tick=False) as frozen:
                    self.active = frozen
                    return method(*args, **kwargs)
            finally:
                self.active = None
                self._local.inside = False


class SystemClockAdapter:
    """Wraps an adapter: every public method runs with the system clock at the simulated instant."""

    reads_system_clock = False

    def __init__(self, adapter: ConnectorAdapter, freezer: _Freezer) -> None:
        self._adapter = adapter
        self._freezer = freezer

    @property
    def wrapped(self) -> ConnectorAdapter:
        return self._adapter

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._adapter, name)
        if name.startswith("_") or not callable(value):
            return value
        return functools.partial(self._freezer.call, value)


def on_simulated_time(factory: AdapterFactory) -> AdapterFactory:
    """The factory, with adapters that read the system clock moved to the scenario's simulated time."""

    def build(env: ConnectorEnvironment) -> ConnectorAdapter:
        freezer = _Freezer(env)
        adapter = factory(replace(env, sleep=freezer.sleep))
        if getattr(adapter, "reads_system_clock", True) is False:
            return adapter
        return SystemClockAdapter(adapter, freezer)  # type: ignore[return-value]

    return build
