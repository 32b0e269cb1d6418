"""Request journal and fault plan: what a namespace has been asked, and what it should do wrong next."""

from __future__ import annotations

import dataclasses
import json
import math
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: Bytes of a request body the journal keeps; a longer body is kept as a string naming its size, trimmed.
MAX_JOURNAL_BODY = 64 * 1024
#: Bytes of bodies a journal holds in all; the oldest entries go first beyond it.
MAX_JOURNAL_BYTES = 16 * 1024 * 1024


class RawBody:
    """A request body as received, read as JSON (or text) only when an entry's ``body`` is first read: most
    entries are never read, and decoding every body cost the wire a second JSON parse per call."""

    __slots__ = ("length", "raw")

    def __init__(self, raw: bytes) -> None:
        self.length = len(raw)
        self.raw = raw[:MAX_JOURNAL_BODY]  # a longer body is kept trimmed, as the journal shows it

    def decode(self) -> Any:
        """JSON, the text when it is not JSON, None when empty; a body over ``MAX_JOURNAL_BODY`` bytes is a
        string naming its size, then its first bytes."""
        raw = self.raw
        if self.length > MAX_JOURNAL_BODY:
            return f"[{self.length} bytes, trimmed] " + raw.decode("utf-8", "replace")
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            return raw.decode("utf-8", "replace")

    def size(self) -> int:
        """What the body counts against the journal's bytes (at most ``MAX_JOURNAL_BODY`` and its label)."""
        return min(self.length, MAX_JOURNAL_BODY + 32)


class _DecodedOnRead:
    """The ``body`` field of :class:`JournalEntry`: a :class:`RawBody` given is decoded when first read."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, entry: Any, owner: type | None = None) -> Any:
        if entry is None:
            raise AttributeError(self.slot)  # no default: the field is required
        value = entry.__dict__[self.slot]
        if isinstance(value, RawBody):
            value = entry.__dict__[self.slot] = value.decode()
        return value

    def __set__(self, entry: Any, value: Any) -> None:
        entry.__dict__[self.slot] = value


@dataclass(frozen=True)
class JournalEntry:
    """One request as the service received it. ``body`` may be given as a :class:`RawBody`: it reads as the
    decoded body."""

    service: str
    operation: str
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any = _DecodedOnRead()  # type: ignore[assignment]
    status: int
    at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "operation": self.operation,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "body": self.body,
            "status": self.status,
            "at": self.at.isoformat(),
        }


class Journal:
    """A bounded, thread-safe log of requests (newest last): at most ``limit`` entries and ``max_bytes``
    of bodies (a body counts its JSON length; the wire keeps at most ``MAX_JOURNAL_BODY`` bytes of one)."""

    def __init__(self, limit: int = 10_000, max_bytes: int = MAX_JOURNAL_BYTES) -> None:
        self._entries: deque[tuple[JournalEntry, int]] = deque()
        self._limit = limit
        self._max_bytes = max_bytes
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def size_bytes(self) -> int:
        """Bytes of bodies held now."""
        with self._lock:
            return self._bytes

    def record(self, entry: JournalEntry) -> None:
        given = entry.__dict__.get("_body")
        size = given.size() if isinstance(given, RawBody) else _size(entry.body)
        with self._lock:
            self._entries.append((entry, size))
            self._bytes += size
            while len(self._entries) > self._limit or (self._bytes > self._max_bytes and len(self._entries) > 1):
                self._bytes -= self._entries.popleft()[1]

    def entries(self, service: str | None = None, operation: str | None = None) -> list[JournalEntry]:
        with self._lock:
            return [
                e
                for e, _ in self._entries
                if (service is None or e.service == service) and (operation is None or e.operation == operation)
            ]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def _size(body: Any) -> int:
    if body is None:
        return 0
    if isinstance(body, str):
        return len(body.encode("utf-8", "replace"))
    try:
        return len(json.dumps(body, separators=(",", ":"), default=str))
    except (TypeError, ValueError, RecursionError):
        return len(repr(body))


@dataclass(frozen=True)
class FaultKind:
    """What a kind of fault does: whether the call is served, and what reaches the client.

    ``answer``: ``error`` (the fault's status in the service's error envelope), ``malformed`` (a body
    that is not JSON), ``cut`` (no answer: the connection closes), ``late`` (the answer comes after the
    fault's ``seconds``; in-process, the client's read timeout). The transport realises the answer
    (:func:`simulators.wsgi.realise`).
    """

    serves: bool
    answer: str


#: The fault kinds (``Fault.kind``) and what each does.
FAULT_KINDS: dict[str, FaultKind] = {
    "status": FaultKind(serves=False, answer="error"),
    "malformed": FaultKind(serves=False, answer="malformed"),
    "drop": FaultKind(serves=False, answer="cut"),
    "delay": FaultKind(serves=True, answer="late"),
    "after_commit": FaultKind(serves=True, answer="error"),
    "lost": FaultKind(serves=True, answer="cut"),
}


@dataclass
class Fault:
    """A misbehaviour for the next ``times`` calls of one operation.

    kind: ``status`` (answer ``status`` in the service's error envelope), ``delay`` (serve the call,
    answering after ``seconds`` real seconds, at most ``simulators.wsgi.MAX_LIVE_DELAY``; in-process
    the call is served and the client gets a read timeout), ``malformed`` (a body that is not JSON),
    ``drop`` (close the connection without an answer), ``after_commit`` (perform the write, then
    answer ``status``), ``lost`` (perform the call, then close the connection without an answer: the
    client cannot tell whether it happened, on either transport). ``skip``: the first ``skip`` calls of
    the operation are served as usual before the fault applies (a failure at the n-th call, e.g. a
    search's second page).
    """

    kind: str
    times: int = 1
    status: int = 500
    seconds: float = 30.0
    skip: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {sorted(FAULT_KINDS)}")
        if self.times < 1:
            raise ValueError("a fault must apply to at least one call")
        if not 100 <= self.status <= 599:
            raise ValueError(f"a fault status must be an HTTP status code, got {self.status}")
        if not math.isfinite(self.seconds) or self.seconds < 0:
            raise ValueError("a delay must be a finite, non-negative number of seconds")
        if self.skip < 0:
            raise ValueError("a fault cannot skip a negative number of calls")

    @property
    def effect(self) -> FaultKind:
        """What this fault's kind does."""
        return FAULT_KINDS[self.kind]


@dataclass
class FaultPlan:
    """Faults queued per (service, operation); ``*`` as operation matches every operation."""

    _faults: dict[tuple[str, str], list[Fault]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def inject(self, service: str, operation: str, fault: Fault) -> None:
        """Queue ``fault`` (a copy: the caller's object is left as it is, and can be injected again)."""
        with self._lock:
            self._faults.setdefault((service, operation), []).append(dataclasses.replace(fault))

    def take(self, service: str, operation: str) -> Fault | None:
        """The fault for this call, if any, consuming one of its uses."""
        with self._lock:
            for key in ((service, operation), (service, "*")):
                queue = self._faults.get(key)
                if not queue:
                    continue
                fault = queue[0]
                if fault.skip:  # a call before the one the fault aims at: served as usual
                    fault.skip -= 1
                    return None
                fault.times -= 1
                if fault.times == 0:
                    queue.pop(0)
                return Fault(fault.kind, 1, fault.status, fault.seconds)
            return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
