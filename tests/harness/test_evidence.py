"""Evidence beside a failure: the request log of a scenario and the field-by-field difference."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from harness import evidence
from harness.evidence import difference, request_line, request_log, short_log
from harness.expect import RuleViolation, expect
from simulators.journal import Journal, JournalEntry

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _entry(service: str, method: str, path: str, status: int, body: Any = None, at: int = 0) -> JournalEntry:
    return JournalEntry(service, "op", method, path, {"a": ["1"]}, body, status, T0 + timedelta(seconds=at))


def test_the_request_log_keeps_order_statuses_and_trimmed_bodies() -> None:
    journal = Journal()
    journal.record(_entry("amazon", "GET", "/orders/v0/orders", 200, at=1))
    journal.record(_entry("magento", "POST", "/rest/V1/orders", 400, {"entity": {"x": "y" * 5000}}, at=2))
    journal.record(_entry("magento", "GET", "/rest/V1/orders", 200, at=2))
    log = request_log(journal)
    assert [(r["service"], r["method"], r["status"]) for r in log["requests"]] == [
        ("amazon", "GET", 200),
        ("magento", "POST", 400),
        ("magento", "GET", 200),
    ]
    body = log["requests"][1]["body"]
    assert body.startswith('{"entity":{"x":"yyy') and body.endswith("more characters)")
    assert len(body) < evidence.BODY_LIMIT + 40 and log["omitted"] == 0
    assert request_line(log["requests"][0]) == "amazon  GET    /orders/v0/orders?a=1 -> 200"
    assert short_log(log, last=2)[0] == "3 requests to the fakes, the last 2:"
    assert len(short_log(log, last=2)) == 3


def test_a_long_log_keeps_its_first_and_last_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evidence, "LOG_LIMIT", 4)
    journal = Journal()
    for i in range(10):
        journal.record(_entry("amazon", "GET", f"/p{i}", 200, at=i))
    log = request_log(journal)
    assert [r["path"] for r in log["requests"]] == ["/p0", "/p1", "/p8", "/p9"] and log["omitted"] == 6
    assert short_log(log)[0].startswith("10 requests")


def test_compared_structures_show_their_difference_field_by_field() -> None:
    lines = difference({"city": "Seattle", "postcode": "98101"}, {"city": "Tacoma", "postcode": "98101"})
    assert lines == ["Value of root['city'] changed from \"Seattle\" to \"Tacoma\"."]
    assert difference(["A", "B"], ["A"]) == ['Item root[1] ("B") removed from iterable.']
    world = SimpleNamespace(rules=("IMP-13",), state=lambda order, store: "simulated now: -")
    with pytest.raises(RuleViolation) as caught:
        expect(False, world, "the address", wanted={"city": "Seattle"}, found={"city": "Tacoma"})  # type: ignore[arg-type]
    assert caught.value.difference == ["Value of root['city'] changed from \"Seattle\" to \"Tacoma\"."]
    assert "Difference (expected -> found):\n  Value of root['city']" in str(caught.value)
    assert str(caught.value).startswith("Rule IMP-13 broken.")
