"""The random test honours a connector's declared capabilities and reports its errors as scenarios."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sample_adapters
from conftest import HERE, child_env

from harness import stateful

BUDGET = {"max_examples": 60}


def test_no_cancellation_goes_through_a_connector_that_declares_can_01_unsupported() -> None:
    stateful.run(sample_adapters.cancel_unsupported, "ci", **BUDGET)  # its cancel_order raises if called


def test_the_same_connector_undeclared_is_caught_canceling() -> None:
    """The declaration is what keeps the cancellations away: without it the random test cancels."""
    with pytest.raises(stateful.ConnectorFailed) as found:
        stateful.run(sample_adapters.cancel_undeclared, "ci", shrink=False, **BUDGET)
    assert "the connector raised in cancel_order" in str(found.value)
    last = found.value.scenario.splitlines()[-2].strip()
    assert last.startswith("When the merchant tries to cancel order"), found.value.scenario


def test_a_connector_error_comes_back_as_the_scenario_and_the_error() -> None:
    with pytest.raises(stateful.ConnectorFailed) as found:
        stateful.run(sample_adapters.sync_crashes, "ci", shrink=False, **BUDGET)
    scenario = found.value.scenario.splitlines()
    assert scenario[0].strip() == "Scenario: Random interleaving: the connector raised in sync"
    assert scenario[-2].strip() in {"When the connector syncs", "When the cron job runs"}
    assert scenario[-1].strip() == "# RuntimeError: database is locked (a second line of the message)"
    assert any("Unshipped" in line for line in scenario), scenario


def test_the_command_prints_the_scenario_not_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "harness.stateful", "--impl", "sample_adapters:sync_crashes", "--no-shrink"],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=HERE,
        timeout=600,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "the connector raised in sync: RuntimeError: database is locked" in result.stdout
    assert "Scenario: Random interleaving: the connector raised in sync" in result.stdout
