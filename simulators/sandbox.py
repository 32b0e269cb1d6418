"""Namespaces: one sandbox per namespace holds a clock and the state of both simulated services."""

from __future__ import annotations

import threading
from datetime import datetime

from simulators.amazon.model import AmazonModel
from simulators.clock import SimClock
from simulators.journal import FaultPlan, Journal
from simulators.magento.model import MagentoModel


class Sandbox:
    """The world of one namespace: a shared clock, fake Amazon, fake Magento, journal and faults."""

    def __init__(self, name: str = "default", *, seed: int = 0, start: datetime | None = None) -> None:
        self.name = name
        self.lock = threading.RLock()
        self.journal = Journal()
        self.faults = FaultPlan()
        self._start = start
        self._build(seed)

    def _build(self, seed: int) -> None:
        self.seed = seed
        self.clock = SimClock(self._start)
        # One lock for the whole namespace: an HTTP request (which holds it while served) and a Python control
        # call never interleave.
        self.amazon = AmazonModel(self.clock, seed=seed, lock=self.lock)
        self.magento = MagentoModel(self.clock, lock=self.lock)

    def reset(self, seed: int | None = None) -> None:
        """Forget everything: a new clock, empty services, an empty journal and no faults."""
        with self.lock:
            self._build(self.seed if seed is None else int(seed))
            self.journal.clear()
            self.faults.clear()


class SandboxRegistry:
    """Sandboxes by namespace, created on first use, so parallel users of one server stay apart."""

    def __init__(self, *, seed: int = 0) -> None:
        self.seed = seed
        self._sandboxes: dict[str, Sandbox] = {}
        self._lock = threading.Lock()

    def get(self, name: str = "default") -> Sandbox:
        with self._lock:
            sandbox = self._sandboxes.get(name)
            if sandbox is None:
                sandbox = self._sandboxes[name] = Sandbox(name, seed=self.seed)
            return sandbox

    def add(self, sandbox: Sandbox) -> Sandbox:
        """Register a sandbox built by the caller (for example with its own seed)."""
        with self._lock:
            self._sandboxes[sandbox.name] = sandbox
        return sandbox

    def drop(self, name: str) -> None:
        with self._lock:
            self._sandboxes.pop(name, None)
