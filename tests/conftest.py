"""Shared fixtures: a sandbox with both simulators served in-process or live."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from hypothesis import settings

from reference_impl import StoreConfig
from simulators import Sandbox, SandboxRegistry
from simulators.amazon.auth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_GRANT, DEFAULT_REFRESH_TOKEN
from simulators.amazon.wire import AmazonApp
from simulators.magento.wire import MagentoApp
from simulators.transport import InProcess, LiveServer

# In CI (CI=true) every property test replays the same examples on every run: a red build is never a coin toss.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")

AMAZON = "http://sp-api.test"
MAGENTO = "http://magento.test"


@dataclass
class Sims:
    """A sandbox and the base URLs its services answer on."""

    sandbox: Sandbox
    registry: SandboxRegistry
    amazon_url: str
    magento_url: str

    def amazon_token(self) -> str:
        return requests.post(f"{self.amazon_url}/auth/o2/token", data=DEFAULT_GRANT, timeout=5).json()["access_token"]

    def store_config(self, name: str = "Main") -> StoreConfig:
        """An Amazon store of the US marketplace on these simulators, integrated now."""
        return StoreConfig(
            name=name,
            marketplace_id="ATVPDKIKX0DER",
            amazon_endpoint=self.amazon_url,
            lwa_endpoint=self.amazon_url,
            lwa_client_id=DEFAULT_CLIENT_ID,
            lwa_client_secret=DEFAULT_CLIENT_SECRET,
            refresh_token=DEFAULT_REFRESH_TOKEN,
            magento_url=self.magento_url,
            magento_username="admin",
            magento_password="admin123",
            integrated_at=self.sandbox.clock.now(),
        )

    def magento_token(self) -> str:
        body = {"username": "admin", "password": "admin123"}
        return requests.post(f"{self.magento_url}/rest/V1/integration/admin/token", json=body, timeout=5).json()


@pytest.fixture
def sims() -> Iterator[Sims]:
    """Both simulators in-process (through ``responses``), one fresh sandbox."""
    registry = SandboxRegistry(seed=7)
    sandbox = registry.add(Sandbox("default", seed=7))
    with InProcess() as transport:
        transport.mount(AMAZON, AmazonApp(registry))
        transport.mount(MAGENTO, MagentoApp(registry))
        yield Sims(sandbox, registry, AMAZON, MAGENTO)


@pytest.fixture
def live_sims() -> Iterator[Sims]:
    """Both simulators on loopback ports, one fresh sandbox in the default namespace."""
    registry = SandboxRegistry(seed=7)
    sandbox = registry.add(Sandbox("default", seed=7))
    with LiveServer(AmazonApp(registry)) as amazon, LiveServer(MagentoApp(registry)) as magento:
        yield Sims(sandbox, registry, amazon.url, magento.url)
