"""Each fault kind, on each transport: whether the call is served, and what reaches the client."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from simulators.journal import Fault

# kind -> (served, what the client gets in-process, what it gets live); a delay of 0 s answers live at once.
EXPECTED: dict[str, tuple[bool, Any, Any]] = {
    "status": (False, 503, 503),
    "malformed": (False, "malformed", "malformed"),
    "drop": (False, requests.ConnectionError, requests.ConnectionError),
    "delay": (True, requests.ReadTimeout, 200),
    "after_commit": (True, 503, 503),
    "lost": (True, requests.ConnectionError, requests.ConnectionError),
}


@pytest.mark.parametrize("mode", ["sims", "live_sims"])
@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_a_fault_kind_serves_the_call_or_not_and_answers_as_it_says(
    kind: str, mode: str, request: pytest.FixtureRequest
) -> None:
    sims = request.getfixturevalue(mode)
    token = sims.magento_token()
    sims.sandbox.faults.inject("magento", "messagePut", Fault(kind, status=503, seconds=0))
    served, in_process, live = EXPECTED[kind]
    expected = in_process if mode == "sims" else live
    url = f"{sims.magento_url}/rest/V1/adminNotification/systemMessages/fault-{kind}"
    put = {"json": {"text": "Stock is low", "severity": 2}, "headers": {"Authorization": f"Bearer {token}"}}
    if isinstance(expected, type):
        with pytest.raises(expected):
            requests.put(url, timeout=5, **put)
    else:
        answer = requests.put(url, timeout=5, **put)
        if expected == "malformed":
            assert answer.status_code == 200
            with pytest.raises(ValueError):
                answer.json()
        else:
            assert answer.status_code == expected
            if expected != 200:
                assert answer.json()["message"].startswith("Simulated fault"), answer.text
    shown = [m.identity for m in sims.sandbox.magento.system_messages()]
    assert shown == ([f"fault-{kind}"] if served else [])
    if mode == "sims":  # live, the server may journal a cut call after the client has seen the cut
        assert len(sims.sandbox.journal.entries("magento", "messagePut")) == 1
