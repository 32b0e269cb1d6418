"""Steps that trigger the connector: syncs, cron jobs, restarts, and merchant actions it owns."""

from __future__ import annotations

import threading

from pytest_bdd import parsers, step, then, when

from harness.adapter import ActionRefused
from harness.blame import checks
from harness.expect import expect
from harness.steps.amazon_steps import gap
from harness.variation import CANCEL_REASONS, SYNC_GAP
from harness.world import World


def scheduled(world: World, what: str) -> None:
    """A sync or cron job comes a drawn while after whatever happened before it (see ``SYNC_GAP``)."""
    world.clock.advance(world.draws.seconds(f"seconds before {what}", SYNC_GAP))


@step("the connector syncs")
def connector_syncs(world: World) -> None:
    scheduled(world, "a sync")
    world.adapter.sync(None)


@when("the connector syncs a minute later")
def connector_syncs_a_minute_later(world: World) -> None:
    world.clock.advance(60)
    world.adapter.sync(None)


@step(parsers.parse('the connector syncs "{store}"'))
def connector_syncs_store(world: World, store: str) -> None:
    scheduled(world, f"a sync of {store}")
    world.adapter.sync(store)


@step("the cron job runs")
def cron_runs(world: World) -> None:
    scheduled(world, "a cron job")
    world.adapter.run_cron()


@step("the connector restarts")
def connector_restarts(world: World) -> None:
    world.restart_connector()


@when(parsers.parse('two syncs of "{store}" run at the same time'))
def concurrent_syncs(world: World, store: str) -> None:
    scheduled(world, f"two syncs of {store}")
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait(timeout=10)
            world.adapter.sync(store)
        except BaseException as err:  # reported to the scenario below
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if any(thread.is_alive() for thread in threads):
        raise AssertionError("a sync of the two started at once has not ended after 120 s")
    if errors:
        raise errors[0]


@when(parsers.parse('the merchant cancels order "{alias}" from Magento with the reason "{reason}"'))
def merchant_cancels(world: World, alias: str, reason: str) -> None:
    gap(world, f"the merchant cancels order {alias}")
    world.adapter.cancel_order(world.store_of(alias), world.order_id(alias), reason)


REASONS = "cancel_reasons"  # World.notes key: alias -> the reason the merchant gave


@when(parsers.parse('the merchant cancels order "{alias}" from Magento with a reason'))
def merchant_cancels_drawn(world: World, alias: str) -> None:
    """The merchant cancels with one of Amazon's cancellation reasons, drawn."""
    reason = world.draws.choice(f"reason the merchant cancels order {alias} with", CANCEL_REASONS)
    world.notes.setdefault(REASONS, {})[alias] = reason
    merchant_cancels(world, alias, reason)


@then(parsers.parse('Amazon has canceled order "{alias}" with the merchant\'s reason'))
@checks("CAN-01", "STO-02")
def amazon_canceled_with_reason(world: World, alias: str) -> None:
    reason = world.notes.get(REASONS, {}).get(alias)
    if reason is None:
        raise ValueError(f'the merchant gave no reason to cancel "{alias}" in this scenario')
    order = world.amazon.get(world.order_id(alias))
    expect(
        order.status == "Canceled" and order.cancel_reason == reason,
        world,
        f"Amazon canceled the order with the merchant's reason {reason} (status {order.status}, "
        f"reason {order.cancel_reason})",
        order=world.order_id(alias),
    )


@when(parsers.parse('the merchant tries to cancel order "{alias}" from Magento with the reason "{reason}"'))
def merchant_tries_to_cancel(world: World, alias: str, reason: str) -> None:
    gap(world, f"the merchant tries to cancel order {alias}")
    try:
        world.adapter.cancel_order(world.store_of(alias), world.order_id(alias), reason)
    except ActionRefused as err:
        world.last_error = err
    else:
        world.last_error = None


@then("the cancellation is refused")
@checks("CAN-01")
def cancellation_refused(world: World) -> None:
    expect(isinstance(world.last_error, ActionRefused), world, "the connector refuses the cancellation")


@step("the connector syncs within the same second")
def connector_syncs_same_second(world: World) -> None:
    """A sync that runs in the very second of what happened just before it."""
    world.adapter.sync(None)
