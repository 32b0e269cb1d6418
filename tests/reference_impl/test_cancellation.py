"""A cancellation from Magento survives a failure or a stop after Amazon took it: the next sync finishes it,
Amazon gets it once, and the Magento order ends as a cancellation from Magento does (CAN-01, CAN-02, DEC-03)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_impl import Connector
from simulators.journal import Fault


def _sync(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.clock.advance(300)
    connector.sync()


def _imported_order(sims, connector: Connector) -> str:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", qty=10)
    order = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped")
    _sync(sims, connector)
    assert connector.amazon_orders("Main")[0]["magento_order"] is not None
    return order.amazon_order_id


def _kept_until_read_only_mode_is_off(connector: Connector, amazon_id: str, reason: str) -> None:
    connector.set_read_only(True)
    connector.cancel_order("Main", amazon_id, reason)
    connector.set_read_only(False)


def _finished(sims, connector: Connector, amazon_id: str) -> None:  # type: ignore[no-untyped-def]
    (magento,) = sims.sandbox.magento.orders_for_amazon_id(amazon_id)
    assert sims.sandbox.amazon.get(amazon_id).status == "Canceled"
    assert magento["status"] == "complete"  # DEC-03, not the "canceled" of a cancellation from Amazon
    assert len(sims.sandbox.journal.entries("amazon", "createFeed")) == 1
    row = next(r for r in connector.amazon_orders("Main") if r["order_number"] == amazon_id)
    assert row["status"] == "Canceled" and any(n.startswith("Canceled from Magento") for n in row["notes"])


def test_a_cancellation_whose_magento_update_failed_is_finished_on_the_next_sync(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    amazon_id = _imported_order(sims, connector)
    sims.sandbox.faults.inject("magento", "orderCommentAdd", Fault("status", status=503))
    connector.cancel_order("Main", amazon_id, "BuyerCanceled")  # done on Amazon: the merchant is not told it failed
    (magento,) = sims.sandbox.magento.orders_for_amazon_id(amazon_id)
    assert magento["status"] == "processing"
    _sync(sims, connector)
    _finished(sims, connector, amazon_id)


def test_a_stop_right_after_amazon_took_the_cancellation_is_finished_after_a_restart(
    sims, connector: Connector, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    amazon_id = _imported_order(sims, connector)

    def stop(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the process dies here: nothing after this line runs

    monkeypatch.setattr("reference_impl.connector.record_cancellation", stop)
    with pytest.raises(KeyboardInterrupt):
        connector.cancel_order("Main", amazon_id, "BuyerCanceled")
    monkeypatch.undo()
    connector.close()
    clock = sims.sandbox.clock
    restarted = Connector(tmp_path / "c.sqlite3", now=clock.now, sleep=lambda s: clock.advance(s))
    _sync(sims, restarted)
    _finished(sims, restarted, amazon_id)
    _sync(sims, restarted)
    assert len(sims.sandbox.journal.entries("amazon", "createFeed")) == 1
    restarted.close()


def test_a_refused_cancellation_leaves_nothing_to_send(sims, connector: Connector, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    amazon_id = _imported_order(sims, connector)
    sims.sandbox.faults.inject("amazon", "createFeed", Fault("status", status=400))
    with pytest.raises(ValueError):
        connector.cancel_order("Main", amazon_id, "BuyerCanceled")
    sent = []
    monkeypatch.setattr("reference_impl.sync.cancel_on_amazon", lambda *a: sent.append(a))
    _sync(sims, connector)
    assert sent == [] and sims.sandbox.amazon.get(amazon_id).status == "Unshipped"
    assert sims.sandbox.magento.orders_for_amazon_id(amazon_id)[0]["status"] == "processing"


def test_a_kept_cancellation_amazon_took_before_a_failure_is_not_sent_twice(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    amazon_id = _imported_order(sims, connector)
    _kept_until_read_only_mode_is_off(connector, amazon_id, "BuyerCanceled")
    sims.sandbox.faults.inject("magento", "orderCommentAdd", Fault("status", status=503))
    _sync(sims, connector)  # sent to Amazon; recording it in Magento fails
    _sync(sims, connector)  # Amazon already shows it canceled: recorded without a second feed
    _finished(sims, connector, amazon_id)


def test_canceling_again_after_amazon_took_it_sends_nothing_twice(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    amazon_id = _imported_order(sims, connector)
    sims.sandbox.faults.inject("magento", "orderCommentAdd", Fault("status", status=503))
    connector.cancel_order("Main", amazon_id, "BuyerCanceled")
    connector.cancel_order(
        "Main", amazon_id, "BuyerCanceled"
    )  # the Magento order still looks open: the merchant retries
    _finished(sims, connector, amazon_id)


def test_a_cancellation_amazon_did_not_answer_is_finished_as_one_from_magento(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    amazon_id = _imported_order(sims, connector)
    sims.sandbox.faults.inject("amazon", "getFeed", Fault("lost"))
    connector.cancel_order("Main", amazon_id, "BuyerCanceled")  # not refused: kept, and finished by the next sync
    _sync(sims, connector)
    _finished(sims, connector, amazon_id)


def test_a_cancellation_amazon_refuses_is_not_sent_again(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    amazon_id = _imported_order(sims, connector)
    _kept_until_read_only_mode_is_off(connector, amazon_id, "BuyerCanceled")
    sims.sandbox.amazon.set_status(amazon_id, "Shipped")  # meanwhile the order ships: Amazon will refuse
    for _ in range(3):
        _sync(sims, connector)
    assert len(sims.sandbox.journal.entries("amazon", "createFeed")) == 1
    row = next(r for r in connector.amazon_orders("Main") if r["order_number"] == amazon_id)
    assert any(n.startswith("Amazon refused the cancellation") for n in row["notes"])
    assert sims.sandbox.magento.orders_for_amazon_id(amazon_id)[0]["status"] == "processing"


def test_a_magento_comment_whose_answer_was_lost_is_not_posted_twice(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    amazon_id = _imported_order(sims, connector)
    sims.sandbox.faults.inject("magento", "orderCommentAdd", Fault("lost"))
    connector.cancel_order("Main", amazon_id, "BuyerCanceled")
    _sync(sims, connector)
    _finished(sims, connector, amazon_id)
    (magento,) = sims.sandbox.magento.orders_for_amazon_id(amazon_id)
    comments = [h["comment"] for h in magento["status_histories"] if "from Magento" in str(h.get("comment"))]
    assert len(comments) == 1, comments


@pytest.mark.parametrize("kept_in_read_only_mode", [False, True])
def test_a_feed_still_in_amazons_queue_is_waited_for_not_sent_again(
    sims, connector: Connector, kept_in_read_only_mode: bool
) -> None:  # type: ignore[no-untyped-def]
    amazon_id = _imported_order(sims, connector)
    sims.sandbox.amazon.feeds.processing_seconds = 900  # three sync intervals
    if kept_in_read_only_mode:
        _kept_until_read_only_mode_is_off(connector, amazon_id, "BuyerCanceled")
        _sync(sims, connector)  # sends the feed; Amazon has not processed it when the sync reads it
    else:
        connector.cancel_order("Main", amazon_id, "BuyerCanceled")  # the same, from the merchant's action
    assert sims.sandbox.amazon.get(amazon_id).status == "Unshipped"
    before = sims.sandbox.clock.now()
    connector.sync()  # reads the queued feed once: no waiting through Amazon's queue inside a sync
    assert sims.sandbox.clock.now() == before
    for _ in range(3):
        _sync(sims, connector)
    _finished(sims, connector, amazon_id)


def test_after_amazon_refused_a_cancellation_the_merchant_can_cancel_again(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    amazon_id = _imported_order(sims, connector)
    _kept_until_read_only_mode_is_off(connector, amazon_id, "NotAReasonAmazonKnows")
    _sync(sims, connector)  # refused by Amazon, noted
    connector.cancel_order("Main", amazon_id, "BuyerCanceled")
    assert sims.sandbox.amazon.get(amazon_id).status == "Canceled"
    assert sims.sandbox.magento.orders_for_amazon_id(amazon_id)[0]["status"] == "complete"


def test_a_feed_request_amazon_rejects_is_not_sent_again(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    amazon_id = _imported_order(sims, connector)
    _kept_until_read_only_mode_is_off(connector, amazon_id, "BuyerCanceled")
    sims.sandbox.faults.inject("amazon", "createFeed", Fault("status", status=400))
    for _ in range(3):
        _sync(sims, connector)
    assert len(sims.sandbox.journal.entries("amazon", "createFeedDocument")) == 1
    row = next(r for r in connector.amazon_orders("Main") if r["order_number"] == amazon_id)
    assert any(n.startswith("Amazon refused the cancellation") for n in row["notes"])


def test_a_magento_order_found_after_the_cancellation_is_completed_as_one_canceled_from_magento(
    sims, connector: Connector
) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", qty=10)
    sims.sandbox.faults.inject("magento", "orderCreate", Fault("after_commit", status=500))
    amazon_id = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped").amazon_order_id
    _sync(sims, connector)  # Magento saved the order but failed: the connector does not know it yet
    assert connector.amazon_orders("Main")[0]["magento_order"] is None
    connector.cancel_order("Main", amazon_id, "NoInventory")
    _sync(sims, connector)  # the Magento order is found, and completed as the cancellation from Magento asks
    _finished(sims, connector, amazon_id)
    _sync(sims, connector)
    (magento,) = sims.sandbox.magento.orders_for_amazon_id(amazon_id)
    comments = [h["comment"] for h in magento["status_histories"] if "from Magento" in str(h.get("comment"))]
    assert comments == ["Canceled on Amazon from Magento: NoInventory."]


def test_a_row_recorded_without_its_reason_takes_it_from_its_notes(sims, connector: Connector) -> None:  # type: ignore[no-untyped-def]
    sims.sandbox.magento.create_product("SKU-1", qty=10)
    sims.sandbox.faults.inject("magento", "orderCreate", Fault("after_commit", status=500))
    amazon_id = sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped").amazon_order_id
    _sync(sims, connector)
    connector.cancel_order("Main", amazon_id, "ShippingAddressUndeliverable")
    row = connector.storage.order("Main", amazon_id)
    with connector.storage.transaction():  # as a connector that did not keep the reason recorded it
        connector.storage.set_data(row, {k: v for k, v in row.data.items() if k != "cancel_reason"})
    _sync(sims, connector)
    (magento,) = sims.sandbox.magento.orders_for_amazon_id(amazon_id)
    assert magento["status"] == "complete"
    assert "Canceled on Amazon from Magento: ShippingAddressUndeliverable." in [
        h["comment"] for h in magento["status_histories"]
    ]


def test_a_completed_cancellation_is_not_completed_again_over_the_merchants_later_status(
    sims, connector: Connector
) -> None:  # type: ignore[no-untyped-def]
    amazon_id = _imported_order(sims, connector)
    connector.cancel_order("Main", amazon_id, "NoInventory")
    (magento,) = sims.sandbox.magento.orders_for_amazon_id(amazon_id)
    sims.sandbox.magento.add_comment(magento["entity_id"], "Back to work.", status="processing")
    row = connector.storage.order("Main", amazon_id)
    with connector.storage.transaction():  # as a row recorded before completion was marked done
        connector.storage.set_data(row, {k: v for k, v in row.data.items() if k != "magento_completed"})
    _sync(sims, connector)
    (magento,) = sims.sandbox.magento.orders_for_amazon_id(amazon_id)
    assert magento["status"] == "processing"
