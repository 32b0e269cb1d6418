"""Where a connector process reads "now": the system clock, or a simulated clock served over HTTP.

A simulated clock answers ``GET <url>`` with ``{"now": "<ISO 8601>"}`` and moves forward on
``POST <url>/advance`` with ``{"seconds": s}`` (the simulators serve it at ``<base>/_sim/clock``), so a
connector process agrees with the simulators on the time and its back-off waits cost no real time.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import requests

TIMEOUT = 10.0


class ClockError(RuntimeError):
    """The simulated clock could not be read or advanced."""


class SystemClock:
    """Real time: ``datetime.now(UTC)`` and ``time.sleep``."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))


class HttpClock:
    """A simulated clock at ``url``; ``token`` goes in ``X-Sim-Control-Token`` when the server wants one."""

    def __init__(self, url: str, *, token: str | None = None, session: requests.Session | None = None) -> None:
        self.url = url.rstrip("/")
        self.session = session or requests.Session()
        self.headers = {"X-Sim-Control-Token": token} if token else {}

    def _call(self, method: str, url: str, **kwargs: object) -> datetime:
        try:
            response = self.session.request(method, url, headers=self.headers, timeout=TIMEOUT, **kwargs)  # type: ignore[arg-type]
        except requests.RequestException as err:
            raise ClockError(f"clock {url} unreachable: {err}") from err
        if response.status_code != 200:
            raise ClockError(f"clock {url} answered HTTP {response.status_code}: {response.text[:200]}")
        try:
            text = str(response.json()["now"])
            value = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
        except (ValueError, KeyError, TypeError) as err:
            raise ClockError(f'clock {url} did not answer {{"now": "<ISO 8601>"}}: {response.text[:200]}') from err
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def now(self) -> datetime:
        return self._call("GET", self.url)

    def sleep(self, seconds: float) -> None:
        """Waiting on a simulated clock moves it forward instead of blocking."""
        if seconds > 0:
            self._call("POST", self.url + "/advance", json={"seconds": float(seconds)})
