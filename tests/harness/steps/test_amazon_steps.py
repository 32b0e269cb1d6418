"""Cancellation feed steps: the faults they plan, and which documents count as a cancellation Amazon accepts."""

from __future__ import annotations

from types import SimpleNamespace
from xml.etree import ElementTree

import pytest

from harness.steps import amazon_steps
from simulators import Sandbox

VALID = (
    '<?xml version="1.0" encoding="UTF-8"?><AmazonEnvelope><Header><DocumentVersion>1.01</DocumentVersion>'
    "<MerchantIdentifier>SELLER</MerchantIdentifier></Header><MessageType>OrderAcknowledgement</MessageType>"
    "<Message><MessageID>1</MessageID><OrderAcknowledgement><AmazonOrderID>111-1111111-1111111</AmazonOrderID>"
    "<StatusCode>Failure</StatusCode><CancelReason>NoInventory</CancelReason></OrderAcknowledgement></Message>"
    "</AmazonEnvelope>"
)


@pytest.mark.parametrize(
    ("phrase", "kind", "status"),
    [
        ("answers HTTP 503 to", "status", 503),
        ("answers HTTP 400 to", "status", 400),
        ("gives no answer to", "lost", 500),
    ],
)
@pytest.mark.parametrize("call", sorted(amazon_steps.FEED_CALLS))
def test_a_failing_feed_call_phrase_plans_that_fault(call: str, phrase: str, kind: str, status: int) -> None:
    world = SimpleNamespace(sandbox=Sandbox("steps", seed=1))
    code = phrase.split()[2] if phrase.startswith("answers") else None
    amazon_steps.amazon_fails_next_feed_call(world, phrase, code, call)  # type: ignore[arg-type]
    fault = world.sandbox.faults.take("amazon", amazon_steps.FEED_CALLS[call])
    assert fault is not None and fault.kind == kind and fault.status == status
    assert world.sandbox.faults.take("amazon", amazon_steps.FEED_CALLS[call]) is None  # the next call only


def test_a_well_formed_acknowledgement_has_no_fault() -> None:
    assert amazon_steps.envelope_faults(ElementTree.fromstring(VALID)) == []


@pytest.mark.parametrize(
    ("document", "fault"),
    [
        (VALID.replace("<MerchantIdentifier>SELLER</MerchantIdentifier>", "<MerchantIdentifier/>"), "Header lacks"),
        (VALID.replace("</Header>", "</Header>XX"), "inside AmazonEnvelope"),
        (VALID.replace("<Message><MessageID>", "<Message>XX<MessageID>"), "inside Message"),
        (VALID.replace("AmazonEnvelope>", "Envelope>"), "not AmazonEnvelope"),
    ],
)
def test_a_document_amazons_schema_refuses_is_named(document: str, fault: str) -> None:
    faults = amazon_steps.envelope_faults(ElementTree.fromstring(document))
    assert any(fault in f for f in faults), faults
