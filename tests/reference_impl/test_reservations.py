"""Reserve Quantity survives lost answers and stops: a hold is never lost, doubled or released twice (SET-07)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reference_impl import Connector, StoreConfig
from simulators import Sandbox, SandboxRegistry
from simulators.amazon.auth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN
from simulators.amazon.model import TRANSITIONS
from simulators.amazon.wire import AmazonApp
from simulators.journal import Fault
from simulators.magento.wire import MagentoApp
from simulators.transport import InProcess

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


_ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("order"), st.integers(1, 3)),  # a Pending order of n units
        st.tuples(st.just("unship"), st.integers(0, 4)),  # Amazon moves the k-th order to Unshipped
        st.tuples(st.just("cancel"), st.integers(0, 4)),  # ... or cancels it
        st.tuples(st.sampled_from(["lose", "fail", "stop"]), st.just(0)),  # the next reservation call misbehaves
        st.tuples(st.just("sync"), st.just(0)),
    ),
    max_size=14,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=_ACTIONS)
def test_whatever_fails_the_holds_end_as_the_orders_say(actions: list[tuple[str, int]]) -> None:
    """After any interleaving of orders, status changes, lost or failed reservation calls and stops, a quiet
    sync leaves exactly the Pending orders held back and the imported ones taken by their Magento orders."""
    registry = SandboxRegistry(seed=3)
    sandbox = registry.add(Sandbox("default", seed=3))
    sandbox.magento.create_product("SKU-1", qty=1000)
    with tempfile.TemporaryDirectory() as tmp, InProcess() as transport:
        transport.mount("http://sp-api.test", AmazonApp(registry))
        transport.mount("http://magento.test", MagentoApp(registry))
        clock = sandbox.clock

        def start() -> Connector:
            return Connector(Path(tmp) / "c.sqlite3", now=clock.now, sleep=lambda s: clock.advance(s))

        connector = start()
        connector.integrate_store(
            StoreConfig(
                name="Main",
                marketplace_id="ATVPDKIKX0DER",
                amazon_endpoint="http://sp-api.test",
                lwa_endpoint="http://sp-api.test",
                lwa_client_id=DEFAULT_CLIENT_ID,
                lwa_client_secret=DEFAULT_CLIENT_SECRET,
                refresh_token=DEFAULT_REFRESH_TOKEN,
                magento_url="http://magento.test",
                magento_username="admin",
                magento_password="admin123",
                integrated_at=clock.now(),
            )
        )
        connector.configure_orders("Main", reserve="reserve")
        orders: list[tuple[str, int]] = []
        stop_next = False
        for action, n in actions:
            if action == "order":
                orders.append((sandbox.amazon.create_order(items=[{"sku": "SKU-1", "quantity": n}]).amazon_order_id, n))
            elif action in ("unship", "cancel") and n < len(orders):
                order = sandbox.amazon.get(orders[n][0])
                target = "Unshipped" if action == "unship" else "Canceled"
                if target in TRANSITIONS.get(order.status, ()):
                    sandbox.amazon.set_status(order.amazon_order_id, target)
            elif action in ("lose", "fail"):
                kind = "after_commit" if action == "lose" else "status"
                sandbox.faults.inject("magento", "reservationsAppend", Fault(kind, status=503))
            elif action == "stop":
                stop_next = True
            elif action == "sync":
                clock.advance(300)
                if stop_next:
                    stop_next = False
                    with mock.patch("reference_impl.reservations._append", side_effect=KeyboardInterrupt):
                        try:
                            connector.sync()
                        except KeyboardInterrupt:
                            connector.close()
                            connector = start()
                else:
                    connector.sync()
        sandbox.faults.clear()
        for _ in range(2):
            clock.advance(300)
            connector.sync()
        connector.close()
        taken = sum(n for amazon_id, n in orders if sandbox.amazon.get(amazon_id).status in ("Pending", "Unshipped"))
        assert float(sandbox.magento.salable_qty("SKU-1")) == 1000 - taken, actions


def test_a_hold_whose_answer_was_lost_does_not_block_its_own_order(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    connector.configure_orders("Main", reserve="reserve")
    sims.sandbox.magento.create_product("SKU-1", qty=2)
    order = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1", "quantity": 2}], status="Unshipped")
    sims.sandbox.faults.inject("magento", "reservationsAppend", Fault("after_commit", status=503))
    _sync(sims, connector)
    assert len(sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id)) == 1
    assert sims.sandbox.magento.system_messages() == []
    assert _salable(sims) == 0


def test_an_old_hold_that_never_reached_magento_gives_back_nothing(sims, connector: Connector, pending: str) -> None:  # type: ignore[no-untyped-def]
    import json

    _sync(sims, connector)  # holds 2
    db = connector.storage.db
    db.execute(  # as the previous version could leave it: marked held, the reservation never sent
        "UPDATE orders SET data = ? WHERE amazon_order_id = ?",
        (
            json.dumps({**connector.storage.order("Main", pending).data, "held": {"SKU-1": 3}, "held_settled": False}),
            pending,
        ),
    )
    sims.sandbox.amazon.set_status(pending, "Canceled")
    _sync(sims, connector)
    assert _salable(sims) == 10  # what Magento really held (2) is given back, not what the row claimed (3)
