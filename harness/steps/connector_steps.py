"""Steps that trigger the connector: syncs and cron jobs."""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from harness.world import World

SYNC_INTERVAL = 300  # a sync runs a few minutes after whatever happened before it


@given("the connector syncs")
@when("the connector syncs")
def connector_syncs(world: World) -> None:
    world.clock.advance(SYNC_INTERVAL)
    world.adapter.sync(None)


@given(parsers.parse('the connector syncs "{store}"'))
@when(parsers.parse('the connector syncs "{store}"'))
def connector_syncs_store(world: World, store: str) -> None:
    world.clock.advance(SYNC_INTERVAL)
    world.adapter.sync(store)


@given("the cron job runs")
@when("the cron job runs")
def cron_runs(world: World) -> None:
    world.clock.advance(SYNC_INTERVAL)
    world.adapter.run_cron()
