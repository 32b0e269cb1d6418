"""Fault steps: each phrase plans the fault it names, on the operation it names."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from harness.steps import magento_steps
from simulators import Sandbox


@pytest.mark.parametrize(("phrase", "kind"), [("answers HTTP 503 to", "status"), ("gives no answer to", "lost")])
@pytest.mark.parametrize(("service", "call"), sorted(magento_steps.FAILING_CALLS))
def test_a_failing_call_phrase_plans_that_fault(service: str, call: str, phrase: str, kind: str) -> None:
    world = SimpleNamespace(sandbox=Sandbox("steps", seed=1))
    magento_steps.service_fails_next_call(world, service, phrase, call)  # type: ignore[arg-type]
    name, operation = magento_steps.FAILING_CALLS[(service, call)]
    fault = world.sandbox.faults.take(name, operation)
    assert fault is not None and fault.kind == kind
    assert world.sandbox.faults.take(name, operation) is None  # the next call only


def test_a_call_the_service_does_not_make_is_a_clear_error() -> None:
    world = SimpleNamespace(sandbox=Sandbox("steps", seed=1))
    with pytest.raises(ValueError, match="no order creation at Amazon"):
        magento_steps.service_fails_next_call(world, "Amazon", "gives no answer to", "order creation")  # type: ignore[arg-type]
