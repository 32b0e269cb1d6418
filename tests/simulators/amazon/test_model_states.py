"""Stateful property test: whatever sequence of Amazon events, the model's indexes and counts stay consistent."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from simulators.amazon.errors import AmazonError
from simulators.amazon.model import STATUSES, US, AmazonModel, IllegalTransition
from simulators.clock import SimClock

# Amazon's order lifecycle, written out here from the OrderStatus descriptions of ordersV0.json (not read
# from the model's own table, so a wrong entry there is caught): which statuses an order may move to next.
LIFECYCLE: dict[str, set[str]] = {
    "PendingAvailability": {"Pending", "Canceled"},
    "Pending": {"Unshipped", "Canceled", "Unfulfillable"},
    "Unshipped": {"PartiallyShipped", "Shipped", "InvoiceUnconfirmed", "Canceled"},
    "PartiallyShipped": {"Shipped", "InvoiceUnconfirmed", "Canceled"},
    "InvoiceUnconfirmed": {"Shipped"},
    "Shipped": set(),
    "Canceled": set(),
    "Unfulfillable": set(),
}


class AmazonEvents(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = SimClock(datetime(2026, 1, 5, tzinfo=UTC))
        self.model = AmazonModel(self.clock, seed=9)

    def _pick(self, index: int) -> str:
        ids = sorted(self.model.orders)
        return ids[index % len(ids)]

    @rule(
        quantities=st.lists(st.integers(1, 3), min_size=1, max_size=3),
        status=st.sampled_from(STATUSES),
        channel=st.sampled_from(["MFN", "AFN"]),
    )
    def place(self, quantities: list[int], status: str, channel: str) -> None:
        items = [{"sku": f"S{n}", "quantity": q} for n, q in enumerate(quantities)]
        try:
            self.model.create_order(items=items, status=status, fulfillment_channel=channel)
        except IllegalTransition:
            assert status == "PartiallyShipped" and sum(quantities) == 1

    @rule(seconds=st.integers(0, 120))
    def wait(self, seconds: int) -> None:
        self.clock.advance(seconds)

    @precondition(lambda self: self.model.orders)
    @rule(index=st.integers(0, 100), status=st.sampled_from(STATUSES))
    def move(self, index: int, status: str) -> None:
        order = self.model.orders[self._pick(index)]
        before = (order.status, order.last_update_date)
        try:
            self.model.set_status(order.amazon_order_id, status)
        except IllegalTransition:
            assert (order.status, order.last_update_date) == before
            single_unit = sum(line.quantity_ordered for line in order.items) == 1
            assert status not in LIFECYCLE[before[0]] or (status == "PartiallyShipped" and single_unit)
        else:
            assert status in LIFECYCLE[before[0]] and order.last_update_date == self.clock.now()

    @precondition(lambda self: self.model.orders)
    @rule(index=st.integers(0, 100), quantity=st.integers(0, 4))
    def confirm(self, index: int, quantity: int) -> None:
        order = self.model.orders[self._pick(index)]
        line = order.items[0]
        package = {
            "packageReferenceId": str(len(order.shipments) + 1),
            "carrierCode": "UPS",
            "trackingNumber": "1Z",
            "shipDate": self.clock.now(),
            "orderItems": [{"orderItemId": line.order_item_id, "quantity": quantity}],
        }
        shipped = line.quantity_shipped
        try:
            self.model.confirm_shipment(order.amazon_order_id, US, package)
        except AmazonError:
            assert line.quantity_shipped == shipped
        else:
            assert line.quantity_shipped == shipped + quantity

    @precondition(lambda self: self.model.orders)
    @rule(index=st.integers(0, 100))
    def seller_cancels(self, index: int) -> None:
        order = self.model.orders[self._pick(index)]
        was = order.status
        try:
            self.model.seller_cancel(order.amazon_order_id, "NoInventory")
        except IllegalTransition:
            assert was not in {"Pending", "Unshipped"} and order.status == was
        else:
            assert order.status == "Canceled" and order.cancellation.requested_by == "MERCHANT"

    @invariant()
    def indexes_match_the_orders(self) -> None:
        orders = self.model.orders.values()
        assert self.model._by_update == sorted(o.update_key for o in orders)
        assert self.model._by_created == sorted((o.purchase_date, o.amazon_order_id) for o in orders)
        for status, ids in self.model._by_status.items():
            assert ids == {o.amazon_order_id for o in orders if o.status == status}

    @invariant()
    def item_counts_follow_the_status(self) -> None:
        for order in self.model.orders.values():
            shipped, unshipped = order.items_shipped, order.items_unshipped
            assert all(0 <= i.quantity_shipped <= i.quantity_ordered for i in order.items)
            if order.status in {"Pending", "PendingAvailability", "Unshipped", "Unfulfillable"}:
                assert shipped == 0
            if order.status in {"Shipped", "InvoiceUnconfirmed"}:
                assert unshipped == 0
            if order.status == "PartiallyShipped":
                assert shipped > 0 and unshipped > 0
            assert order.last_update_date <= self.clock.now()


AmazonEvents.TestCase.settings = settings(max_examples=300, stateful_step_count=30, deadline=None)
test_amazon_events = AmazonEvents.TestCase
