"""A namespace has one lock: a request being served and a Python control call never interleave."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from simulators import Sandbox


def _control_calls(sandbox: Sandbox) -> dict[str, Callable[[], Any]]:
    return {
        "amazon": lambda: sandbox.amazon.create_order(items=[{"sku": "SKU-1"}]),
        "magento": lambda: sandbox.magento.create_product("SKU-1", qty=1),
    }


@pytest.mark.parametrize("service", ["amazon", "magento"])
def test_a_control_call_waits_while_a_request_is_served(service: str) -> None:
    sandbox = Sandbox("lock", seed=1)
    serving, release = threading.Event(), threading.Event()
    done: list[Any] = []

    def request() -> None:  # the wire layer holds the sandbox's lock while it serves a request
        with sandbox.lock:
            serving.set()
            release.wait(10)

    server = threading.Thread(target=request)
    server.start()
    assert serving.wait(10)
    call = threading.Thread(target=lambda: done.append(_control_calls(sandbox)[service]()))
    call.start()
    call.join(0.3)
    assert done == [], "the control call ran in the middle of a request"
    release.set()
    call.join(10)
    server.join(10)
    assert len(done) == 1


@pytest.mark.parametrize("service", ["amazon", "magento"])
def test_after_a_reset_control_calls_still_wait_for_a_request(service: str) -> None:
    sandbox = Sandbox("lock", seed=1)
    sandbox.reset(seed=2)
    done: list[Any] = []
    during: list[Any] = []
    call = threading.Thread(target=lambda: done.append(_control_calls(sandbox)[service]()))

    def request() -> None:  # the rebuilt services answer to the same lock
        with sandbox.lock:
            call.start()
            call.join(0.3)
            during.extend(done)

    server = threading.Thread(target=request)
    server.start()
    server.join(10)
    call.join(10)
    assert during == [], "the control call ran in the middle of a request"
    assert len(done) == 1


def test_models_hold_no_lock_of_their_own() -> None:
    sandbox = Sandbox("lock", seed=1)
    for model in sandbox.models.values():
        assert not any(isinstance(v, type(sandbox.lock)) for v in vars(model).values()), model


def test_several_steps_under_one_hold_of_the_lock() -> None:
    sandbox = Sandbox("lock", seed=1)
    with sandbox.locked() as models:
        models["magento"].catalog.create_product("SKU-1", qty=2)
        assert sandbox.magento.salable_qty("SKU-1") == 2  # the lock is reentrant for its holder


class _Counter:
    """A model with one part: ``tally`` is a control call its ledger answers."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.ledger = _Ledger()


class _Ledger:
    def __init__(self) -> None:
        self.entries: list[str] = []

    def add(self, entry: str) -> int:
        self.entries.append(entry)
        return len(self.entries)


def test_a_registered_service_is_part_of_every_new_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    from simulators import sandbox as sandboxes

    service = sandboxes.Service(
        "counter", lambda clock, seed: _Counter(seed), app=object, calls={"tally": "ledger.add"}
    )
    monkeypatch.setitem(sandboxes._SERVICES, "counter", service)
    sandbox = Sandbox("registry", seed=4)
    assert [s.name for s in sandboxes.services()][-1] == "counter"
    assert sandbox.models["counter"].seed == 4
    assert sandbox.counter.tally("one") == 1  # the call the service names goes to that part of its model
    assert sandbox.models["counter"].ledger.entries == ["one"]
    sandbox.reset(seed=5)
    assert sandbox.models["counter"].seed == 5 and sandbox.counter.ledger.entries == []
    with pytest.raises(AttributeError, match="no such service"):
        _ = sandbox.nothing
