"""The reference adapter: the harness's store description reaches the connector converted once, field for field."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from harness.adapter import ConnectorEnvironment, StoreSpec
from harness.reference_adapter import ReferenceAdapter, store_config
from reference_impl import StoreConfig

#: An instant the JSON round trip used to carry as text: microseconds and an offset other than UTC.
INSTANT = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=timezone(timedelta(hours=-7)))


def _spec() -> StoreSpec:
    return StoreSpec(
        name="Main",
        marketplace_id="ATVPDKIKX0DER",
        amazon_endpoint="http://sp.test",
        lwa_endpoint="http://lwa.test",
        lwa_client_id="cid",
        lwa_client_secret="secret",
        refresh_token="Atzr|r",
        magento_url="http://m.test",
        magento_username="admin",
        magento_password="admin123",
        website_code="eu",
        integrated_at=INSTANT,
    )


def test_every_field_of_the_spec_is_a_field_of_the_connectors_store() -> None:
    config = store_config(_spec())
    assert isinstance(config, StoreConfig)
    for item in fields(StoreSpec):
        assert getattr(config, item.name) == getattr(_spec(), item.name), item.name
    assert config.integrated_at is INSTANT  # the same object: no text in between


def test_the_connector_keeps_the_integration_instant_it_was_given(tmp_path: Path) -> None:
    env = ConnectorEnvironment(workdir=tmp_path, now=lambda: datetime(2030, 1, 1, tzinfo=UTC), sleep=lambda s: None)
    adapter = ReferenceAdapter(env)
    try:
        adapter.integrate_store(_spec())
        stored = adapter.connector.store_config("Main")
        assert stored == store_config(_spec())
        assert stored.integrated_at == INSTANT and stored.integrated_at.utcoffset() == timedelta(hours=-7)
        assert adapter.connector.storage.store("Main")["cursor"] is None  # the instant is written once
    finally:
        adapter.close()
