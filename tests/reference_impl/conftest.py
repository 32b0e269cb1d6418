"""Fixtures: the connector in-process (``connector``), or as a real process (``python -m reference_impl``)
against live simulators.

The simulators are served on loopback ports behind a :class:`Gate`: a WSGI wrapper that counts the
service requests it passes (the ``/_sim`` control plane is not counted) and can hold one chosen request,
before the simulator handles it or after the simulator committed it but before the answer leaves. A test
kills the connector process while a request is held, so the kill lands at a known point of the sync.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from reference_impl import Connector
from reference_impl.storage import Storage
from simulators import Sandbox, SandboxRegistry
from simulators.amazon.auth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN
from simulators.amazon.wire import AmazonApp
from simulators.magento.wire import MagentoApp
from simulators.transport import LiveServer
from simulators.wsgi import ServiceApp

ROOT = Path(__file__).resolve().parents[2]
AMAZON_OPERATIONS = frozenset(str(rule.endpoint) for rule in AmazonApp.url_map.iter_rules())


@dataclass
class Trap:
    """Hold the ``nth`` request of ``operation`` (counted from arming) ``before`` or ``after`` it is served."""

    operation: str
    nth: int
    phase: str  # "before" | "after"

    def __str__(self) -> str:
        return f"{self.operation}#{self.nth}/{self.phase}"


@dataclass
class Gate:
    """Counts the requests passing to a simulator app and holds the one a :class:`Trap` names."""

    app: ServiceApp
    seen: Counter[str] = field(default_factory=Counter)
    trap: Trap | None = None
    hit: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def arm(self, trap: Trap | None) -> None:
        with self.lock:
            self.seen.clear()
            self.trap = trap
            self.hit.clear()
            self.release.clear()

    def disarm(self) -> None:
        with self.lock:
            self.trap = None
        self.release.set()

    def _operation(self, environ: dict[str, Any]) -> str:
        try:
            adapter = self.app.url_map.bind("gate", path_info=environ.get("PATH_INFO", "/"))
            return str(adapter.match(method=environ.get("REQUEST_METHOD", "GET"))[0])
        except Exception:
            return "unknown"

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if str(environ.get("PATH_INFO", "")).startswith("/_sim"):
            return self.app(environ, start_response)
        operation = self._operation(environ)
        with self.lock:
            self.seen[operation] += 1
            trap = self.trap
            caught = trap is not None and trap.operation == operation and self.seen[operation] == trap.nth
            if caught:
                self.trap = None
        if not caught:
            return self.app(environ, start_response)
        assert trap is not None
        if trap.phase == "before":
            self.hit.set()
            self.release.wait(30)
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"errors": [{"code": "InternalFailure", "message": "held by the test"}]}']
        result = self.app(environ, start_response)  # committed in the simulator; the answer is held
        self.hit.set()
        self.release.wait(30)
        return result


@dataclass
class LiveWorld:
    """Live simulators behind gates, a config file for the connector process, and ways to run it."""

    sandbox: Sandbox
    amazon: Gate
    magento: Gate
    amazon_url: str
    magento_url: str
    workdir: Path
    config_path: Path
    db_path: Path

    def hold(self, operation: str, nth: int, phase: str) -> Gate:
        """Arm the gate of the service that serves ``operation``; returns it (``hit`` is set once holding)."""
        gate = self.amazon if operation in AMAZON_OPERATIONS else self.magento
        gate.arm(Trap(operation, nth, phase))
        return gate

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "reference_impl", "--config", str(self.config_path), *args]

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args),
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(
        self, *args: str, timeout: float = 60, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run the process to its end; ``env`` adds variables to the environment (without the test's ASC_*)."""
        environment = {**_env(), **(env or {})}
        return subprocess.run(
            self.command(*args), cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout
        )

    def sync(self) -> dict[str, Any]:
        done = self.run("sync")
        assert done.returncode == 0, (done.returncode, done.stdout, done.stderr)
        return dict(json.loads(done.stdout))

    def storage(self) -> Storage:
        return Storage(self.db_path)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASC_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def write_config(path: Path, amazon_url: str, magento_url: str, *, page_size: int = 10) -> Path:
    path.write_text(
        f"""database = "connector.db"
clock_url = "{amazon_url}/_sim/clock"

[amazon]
endpoint = "{amazon_url}"
lwa_endpoint = "{amazon_url}"
client_id = "{DEFAULT_CLIENT_ID}"
client_secret = "{DEFAULT_CLIENT_SECRET}"
page_size = {page_size}

[magento]
url = "{magento_url}"
username = "admin"
password = "admin123"

[[stores]]
name = "Main"
marketplace_id = "ATVPDKIKX0DER"
refresh_token = "{DEFAULT_REFRESH_TOKEN}"
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def connector(sims, tmp_path: Path) -> Iterator[Connector]:  # type: ignore[no-untyped-def]
    """The reference connector in-process, on the in-process simulators' clock, with their store integrated."""
    clock = sims.sandbox.clock
    connector = Connector(tmp_path / "c.sqlite3", now=clock.now, sleep=lambda s: clock.advance(s))
    connector.integrate_store(sims.store_config())
    yield connector
    connector.close()


@pytest.fixture
def live_world(tmp_path: Path) -> Iterator[LiveWorld]:
    """Gated live simulators (fresh sandbox, seed 11) and a config file pointing a connector process at them."""
    registry = SandboxRegistry(seed=11)
    sandbox = registry.add(Sandbox("default", seed=11))
    amazon, magento = Gate(AmazonApp(registry)), Gate(MagentoApp(registry))
    with LiveServer(amazon) as amazon_server, LiveServer(magento) as magento_server:  # type: ignore[arg-type]
        config = write_config(tmp_path / "connector.toml", amazon_server.url, magento_server.url)
        world = LiveWorld(
            sandbox,
            amazon,
            magento,
            amazon_server.url,
            magento_server.url,
            tmp_path,
            config,
            tmp_path / "connector.db",
        )
        try:
            yield world
        finally:
            amazon.disarm()
            magento.disarm()
