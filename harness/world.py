"""The World of one scenario: a sandbox (clock, fake Amazon, fake Magento), its transport, a connector."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.adapter import AdapterFactory, ConnectorAdapter, ConnectorEnvironment, StoreSpec
from simulators import Sandbox, SandboxRegistry
from simulators.amazon.auth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from simulators.amazon.model import DEFAULT_SELLER, US
from simulators.amazon.wire import AmazonApp
from simulators.magento.wire import MagentoApp
from simulators.transport import InProcess, LiveServer

AMAZON_BASE = "http://sellingpartnerapi.sim"
MAGENTO_BASE = "http://magento.sim"


class LiveSimulators:
    """Both simulators on loopback ports, shared by every scenario of a test process (one namespace each)."""

    def __init__(self) -> None:
        self.registry = SandboxRegistry()
        self.amazon = LiveServer(AmazonApp(self.registry)).start()
        self.magento = LiveServer(MagentoApp(self.registry)).start()

    def close(self) -> None:
        self.amazon.stop()
        self.magento.stop()


@dataclass
class World:
    """Everything one scenario touches. Steps act on it; they never speak HTTP themselves."""

    sandbox: Sandbox
    adapter: ConnectorAdapter
    amazon_url: str
    magento_url: str
    stores: dict[str, StoreSpec] = field(default_factory=dict)
    orders: dict[str, str] = field(default_factory=dict)  # alias -> Amazon order ID
    order_store: dict[str, str] = field(default_factory=dict)  # Amazon order ID -> store name
    rules: tuple[str, ...] = ()  # the rule IDs the running scenario checks
    last_error: Exception | None = None
    notes: dict[str, Any] = field(default_factory=dict)
    factory: AdapterFactory | None = None
    env: ConnectorEnvironment | None = None

    def restart_connector(self) -> None:
        """Close the connector and build it again on the same work directory (a process restart)."""
        restart = getattr(self.adapter, "restart", None)
        if callable(restart):  # a connector in another process restarts there (HTTP driver)
            restart()
            return
        if self.factory is None or self.env is None:
            raise RuntimeError("this World cannot restart its connector")
        self.adapter.close()
        self.adapter = self.factory(self.env)

    def store_of(self, alias: str) -> str:
        """The Amazon store an order alias was placed in (the first integrated store by default)."""
        return self.order_store.get(self.order_id(alias)) or self.default_store()

    @property
    def amazon(self) -> Any:
        return self.sandbox.amazon

    @property
    def magento(self) -> Any:
        return self.sandbox.magento

    @property
    def clock(self) -> Any:
        return self.sandbox.clock

    def order_id(self, alias: str) -> str:
        if alias not in self.orders:
            raise KeyError(f"no Amazon order called {alias!r} in this scenario (known: {sorted(self.orders)})")
        return self.orders[alias]

    def store_spec(self, name: str, *, marketplace_id: str = US, website_code: str = "base") -> StoreSpec:
        """A store of the simulated seller, with the seller's consent registered in the fake Amazon: the
        app's LWA credentials and a refresh token of the store's own, issued by the seller to the app."""
        refresh_token = self.amazon.authorize(DEFAULT_SELLER, DEFAULT_CLIENT_ID, f"Atzr|sim-{name}")
        return StoreSpec(
            name=name,
            marketplace_id=marketplace_id,
            amazon_endpoint=self.amazon_url,
            lwa_endpoint=self.amazon_url,
            lwa_client_id=DEFAULT_CLIENT_ID,
            lwa_client_secret=DEFAULT_CLIENT_SECRET,
            refresh_token=refresh_token,
            magento_url=self.magento_url,
            magento_username="admin",
            magento_password="admin123",
            website_code=website_code,
            integrated_at=self.clock.now(),
        )

    def default_store(self) -> str:
        if not self.stores:
            raise KeyError("no Amazon store is integrated in this scenario")
        return next(iter(self.stores))

    def state(self, amazon_order_id: str | None = None, store: str | None = None) -> str:
        """What the world holds, for failure messages: table rows, Magento orders, admin messages."""
        lines = [f"simulated now: {self.clock.now().isoformat()}"]
        for name in [store] if store else list(self.stores):
            try:
                rows = self.adapter.amazon_orders(name)
            except Exception as err:
                lines.append(f"table of {name!r}: unreadable ({err})")
                continue
            shown = [r for r in rows if amazon_order_id in (None, r.order_number)]
            lines.append(f"table of {name!r}: " + ("(no row)" if not shown else ""))
            lines += [f"  {r.order_number} {r.status} magento={r.magento_order} notes={list(r.notes)}" for r in shown]
        if amazon_order_id:
            found = self.magento.orders_for_amazon_id(amazon_order_id)
            lines.append(f"Magento orders for {amazon_order_id}: " + ("none" if not found else ""))
            lines += [f"  #{o['increment_id']} state={o['state']} status={o['status']}" for o in found]
        messages = [m.text for m in self.magento.system_messages()]
        lines.append(f"admin messages: {messages or 'none'}")
        return "\n".join(lines)


@contextmanager
def open_world(
    factory: AdapterFactory, *, seed: int, workdir: Path, live: LiveSimulators | None = None
) -> Iterator[World]:
    """Build a World: in-process simulators unless ``live`` servers are given; close it afterwards."""
    transport: InProcess | None = None
    if live is None:
        registry = SandboxRegistry(seed=seed)
        sandbox = registry.add(Sandbox("default", seed=seed))
        transport = InProcess()
        amazon_url = transport.mount(AMAZON_BASE, AmazonApp(registry))
        magento_url = transport.mount(MAGENTO_BASE, MagentoApp(registry))
        transport.start()
        clock_url = None
    else:
        namespace = f"w{uuid.uuid4().hex[:12]}"
        sandbox = live.registry.add(Sandbox(namespace, seed=seed))
        amazon_url = f"{live.amazon.url}/ns/{namespace}"
        magento_url = f"{live.magento.url}/ns/{namespace}"
        clock_url = f"{amazon_url}/_sim/clock"
    env = ConnectorEnvironment(
        workdir=workdir, now=sandbox.clock.now, sleep=lambda s: sandbox.clock.advance(s), clock_url=clock_url
    )
    adapter = factory(env)
    world = World(
        sandbox=sandbox, adapter=adapter, amazon_url=amazon_url, magento_url=magento_url, factory=factory, env=env
    )
    try:
        yield world
    finally:
        try:
            world.adapter.close()
        finally:
            if transport is not None:
                transport.stop()
            if live is not None:
                live.registry.drop(sandbox.name)
