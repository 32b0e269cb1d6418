"""Reserve Quantity survives lost answers and stops: a hold is never lost, doubled or released twice (SET-07)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_impl import Connector
from simulators.journal import Fault

LOST_ANSWER = Fault("after_commit", status=503)  # Magento appended the reservation; the connector never heard


def _sync(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.clock.advance(300)
    connector.sync()


@pytest.fixture
def pending(sims, connector: Connector) -> str:  # type: ignore[no-untyped-def]
    """A Pending order of 2 x SKU-1 (10 in stock) in a store that reserves quantity."""
    connector.configure_orders("Main", reserve="reserve")
    sims.sandbox.magento.create_product("SKU-1", qty=10)
    return sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1", "quantity": 2}]).amazon_order_id


def _salable(sims) -> float:  # type: ignore[no-untyped-def]
    return float(sims.sandbox.magento.salable_qty("SKU-1"))


def test_a_hold_whose_answer_was_lost_is_not_doubled(sims, connector: Connector, pending: str) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.faults.inject("magento", "reservationsAppend", LOST_ANSWER)
    _sync(sims, connector)
    _sync(sims, connector)
    _sync(sims, connector)
    assert _salable(sims) == 8


def test_a_release_whose_answer_was_lost_is_not_doubled(sims, connector: Connector, pending: str) -> None:  # type: ignore[no-untyped-def]
    _sync(sims, connector)
    assert _salable(sims) == 8
    sims.sandbox.amazon.set_status(pending, "Canceled")
    sims.sandbox.faults.inject("magento", "reservationsAppend", LOST_ANSWER)
    _sync(sims, connector)
    _sync(sims, connector)
    assert _salable(sims) == 10


def test_a_lost_release_before_the_import_does_not_give_the_stock_back_twice(
    sims, connector: Connector, pending: str
) -> None:  # type: ignore[no-untyped-def]
    _sync(sims, connector)
    sims.sandbox.amazon.set_status(pending, "Unshipped")
    sims.sandbox.faults.inject("magento", "reservationsAppend", LOST_ANSWER)
    _sync(sims, connector)  # the release lands unanswered: no create this time
    _sync(sims, connector)
    assert len(sims.sandbox.magento.orders_for_amazon_id(pending)) == 1
    assert _salable(sims) == 8  # the Magento order's own reservation, and no hold left


def test_a_stop_between_the_intent_and_the_hold_is_repaired_after_a_restart(
    sims, connector: Connector, pending: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def stop(*args: object) -> None:
        raise KeyboardInterrupt  # the process dies before the reservation is sent

    monkeypatch.setattr("reference_impl.reservations._append", stop)
    with pytest.raises(KeyboardInterrupt):
        _sync(sims, connector)
    monkeypatch.undo()
    connector.close()
    clock = sims.sandbox.clock
    restarted = Connector(tmp_path / "c.sqlite3", now=clock.now, sleep=lambda s: clock.advance(s))
    _sync(sims, restarted)
    assert _salable(sims) == 8
    sims.sandbox.amazon.set_status(pending, "Canceled")
    _sync(sims, restarted)
    assert _salable(sims) == 10
    restarted.close()
