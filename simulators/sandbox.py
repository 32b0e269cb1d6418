"""Namespaces: one sandbox per namespace holds a clock and the state of both simulated services."""

from __future__ import annotations

import threading
import time
from datetime import datetime

from simulators.amazon.model import AmazonModel
from simulators.clock import SimClock, WallClock
from simulators.journal import FaultPlan, Journal
from simulators.magento.model import MagentoModel

#: Namespaces a registry creates on first use before it frees idle ones (or refuses new ones).
MAX_NAMESPACES = 64
#: Real seconds without a request after which a namespace created on first use may be freed.
IDLE_SECONDS = 600.0


class NamespaceLimit(RuntimeError):
    """Every namespace slot is taken by a namespace in use: a new one cannot be created now."""


class Sandbox:
    """The world of one namespace: a shared clock, fake Amazon, fake Magento, journal and faults.

    ``real_clock``: the clock follows the system time (``serve --clock real``) instead of standing still.
    """

    def __init__(
        self, name: str = "default", *, seed: int = 0, start: datetime | None = None, real_clock: bool = False
    ) -> None:
        self.name = name
        self.lock = threading.RLock()
        self.journal = Journal()
        self.faults = FaultPlan()
        self._start = start
        self.real_clock = real_clock
        self._build(seed)

    def _build(self, seed: int) -> None:
        self.seed = seed
        self.clock = WallClock(self._start) if self.real_clock else SimClock(self._start)
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
    """Sandboxes by namespace, created on first use, so parallel users of one server stay apart.

    At most ``max_namespaces`` namespaces are created on first use; when they are all taken, the one
    idle longest (no request for ``idle_seconds`` of real time) is freed for the new one, and when none
    is idle the new namespace is refused (:class:`NamespaceLimit`). ``default`` and sandboxes registered
    with :meth:`add` are never freed (their owner drops them).
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        real_clock: bool = False,
        max_namespaces: int = MAX_NAMESPACES,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self.seed = seed
        self.real_clock = real_clock
        self.max_namespaces = max_namespaces
        self.idle_seconds = idle_seconds
        self._sandboxes: dict[str, Sandbox] = {}
        self._on_demand: dict[str, float] = {}  # namespaces created on first use -> last use (monotonic)
        self._lock = threading.Lock()

    def get(self, name: str = "default") -> Sandbox:
        with self._lock:
            sandbox = self._sandboxes.get(name)
            if sandbox is None:
                if name != "default":
                    self._make_room()
                    self._on_demand[name] = time.monotonic()
                sandbox = self._sandboxes[name] = Sandbox(name, seed=self.seed, real_clock=self.real_clock)
            elif name in self._on_demand:
                self._on_demand[name] = time.monotonic()
            return sandbox

    def _make_room(self) -> None:
        if len(self._on_demand) < self.max_namespaces:
            return
        oldest = min(self._on_demand, key=self._on_demand.__getitem__)
        if time.monotonic() - self._on_demand[oldest] < self.idle_seconds:
            raise NamespaceLimit(
                f"{len(self._on_demand)} namespaces are in use (at most {self.max_namespaces}); "
                f"one is freed after {self.idle_seconds:g} s without a request"
            )
        del self._on_demand[oldest]
        self._sandboxes.pop(oldest, None)

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._sandboxes)

    def add(self, sandbox: Sandbox) -> Sandbox:
        """Register a sandbox built by the caller (for example with its own seed); it is never freed for room."""
        with self._lock:
            self._sandboxes[sandbox.name] = sandbox
            self._on_demand.pop(sandbox.name, None)
        return sandbox

    def drop(self, name: str) -> None:
        with self._lock:
            self._sandboxes.pop(name, None)
            self._on_demand.pop(name, None)
