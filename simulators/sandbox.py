"""Namespaces: one sandbox per namespace holds a clock and the state of every registered simulated service.

The shared layer knows no service: each service registers itself (:func:`register`, as moto's
backends do) with what builds its state for a namespace. A namespace has one lock. The wire's
dispatcher takes it once per request; a Python caller reaches a service's state through the
sandbox's attribute of the service's name (``sandbox.amazon``), a :class:`Locked` view that takes
the same lock around each call, or holds it across several steps with :meth:`Sandbox.locked`.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from simulators.clock import SimClock, WallClock
from simulators.journal import FaultPlan, Journal

#: Namespaces a registry creates on first use before it frees idle ones (or refuses new ones).
MAX_NAMESPACES = 64
#: Real seconds without a request after which a namespace created on first use may be freed.
IDLE_SECONDS = 600.0


class NamespaceLimit(RuntimeError):
    """Every namespace slot is taken by a namespace in use: a new one cannot be created now."""


@dataclass(frozen=True)
class Service:
    """A simulated service as namespaces know it.

    ``build(clock, seed)`` makes the service's state (its model) for a new namespace; ``calls`` names
    the Python control calls a part of the model answers (``{"create_product": "catalog.create_product"}``),
    so the model need not repeat them; ``app`` builds the service's WSGI app over a registry.
    """

    name: str
    build: Callable[[SimClock, int], Any]
    app: Callable[[SandboxRegistry], Any]
    calls: Mapping[str, str] = field(default_factory=dict)


_SERVICES: dict[str, Service] = {}


def register(service: Service) -> Service:
    """Make ``service`` part of every namespace built from now on (registering a name again replaces it)."""
    _SERVICES[service.name] = service
    return service


def services() -> list[Service]:
    """The registered services, in the order they registered."""
    return list(_SERVICES.values())


class Locked:
    """A service's model seen from outside a request: every call (and every attribute set) takes the
    namespace lock, so it never interleaves with a request being served. A call the service names in
    :attr:`Service.calls` goes to that part of the model."""

    __slots__ = ("_calls", "_lock", "_model")

    def __init__(self, model: Any, lock: threading.RLock, calls: Mapping[str, str]) -> None:
        object.__setattr__(self, "_model", model)
        object.__setattr__(self, "_lock", lock)
        object.__setattr__(self, "_calls", calls)

    def __getattr__(self, name: str) -> Any:
        path = self._calls.get(name)
        value = getattr(self._model, name) if path is None else functools.reduce(getattr, path.split("."), self._model)
        if not callable(value) or isinstance(value, type):
            return value
        lock = self._lock

        @functools.wraps(value)
        def locked(*args: Any, **kwargs: Any) -> Any:
            with lock:
                return value(*args, **kwargs)

        return locked

    def __setattr__(self, name: str, value: Any) -> None:
        with self._lock:
            setattr(self._model, name, value)

    def __repr__(self) -> str:
        return f"Locked({self._model!r})"


class Sandbox:
    """The world of one namespace: a shared clock, a model per registered service, journal and faults.

    ``real_clock``: the clock follows the system time (``serve --clock real``) instead of standing still.
    ``sandbox.<service>`` (``sandbox.amazon``, ``sandbox.magento``) is that service's model behind the
    namespace lock (:class:`Locked`); ``sandbox.models[<service>]`` is the model itself, for code that
    holds the lock already (the wire's dispatcher, :meth:`locked`).
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
        registered = services()
        self.models: dict[str, Any] = {s.name: s.build(self.clock, seed) for s in registered}
        self._views = {s.name: Locked(self.models[s.name], self.lock, s.calls) for s in registered}

    def __getattr__(self, name: str) -> Any:
        views = self.__dict__.get("_views", {})
        if name in views:
            return views[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r} (no such service)")

    @contextlib.contextmanager
    def locked(self) -> Iterator[dict[str, Any]]:
        """Hold the namespace lock across several steps; yields the models by service name."""
        with self.lock:
            yield self.models

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
