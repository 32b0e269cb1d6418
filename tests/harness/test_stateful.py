"""The model-based random test: the reference connector keeps every invariant; planted bugs are found
and come back as Gherkin scenarios that the suite runs as they are."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from features import FEATURES_DIR
from harness import mutants, scenario_text, stateful
from harness.impl import resolve

#: Mutants from the catalogue whose bug the random test must find within the CI budget.
PLANTED = (
    "imports_pre_integration_orders",
    "imports_while_pending",
    "duplicates_on_repeated_sync",
    "forgets_admin_message",
    "never_completes",  # found only at the end of an example: the shipment followed through
    "no_shipment_confirmation",
    "ignores_amazon_cancellation",
    "syncs_deactivated_store",
)


def test_the_reference_connector_keeps_every_invariant_for_500_examples_meeting_every_class() -> None:
    assert stateful.PROFILES["ci"]["max_examples"] >= 500
    stateful.run(resolve("reference"), "ci")
    missed = [f"{name} ({stateful.CLASSES[name]})" for name, met in stateful.COVERAGE.items() if not met]
    assert not missed, f"a CI run of the random test met no example of: {missed}"
    assert set(stateful.COVERAGE) == set(stateful.CLASSES) and any(n.startswith("4:") for n in stateful.CLASSES)


@pytest.mark.parametrize("name", PLANTED)
def test_a_planted_bug_is_found_and_shown_as_a_scenario(name: str) -> None:
    with pytest.raises(stateful.InvariantViolated) as found:
        stateful.run(mutants.MUTANTS[name].factory, "ci", shrink=False)  # shrinking replays it ~200 times
    scenario = found.value.scenario
    assert "Scenario: Random interleaving" in scenario
    assert 'Given the Amazon store "Main Store" is integrated' in scenario
    assert scenario.splitlines()[-1].strip().startswith("Then ")
    assert found.value.rules and all(f"@{r}" in scenario for r in found.value.rules)


def _run_feature(tmp_path: Path, text: str, impl: str) -> subprocess.CompletedProcess[str]:
    folder = tmp_path / impl.replace(":", "_").replace(".", "_")
    folder.mkdir()
    shutil.copy(FEATURES_DIR / "pytest.ini", folder / "pytest.ini")
    (folder / "test_found.py").write_text('from pytest_bdd import scenarios\n\nscenarios(".")\n')
    (folder / "found.feature").write_text(text)
    command = [sys.executable, "-m", "pytest", str(folder), "-c", str(folder / "pytest.ini"), "--rootdir", str(folder)]
    return subprocess.run(
        [*command, "-q", "-p", "no:cacheprovider", "--asc-impl", impl],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTEST_DEBUG_TEMPROOT": str(tmp_path)},
    )


def test_the_shrunk_scenario_runs_as_a_feature_and_fails_only_the_mutant(tmp_path: Path) -> None:
    mutant = mutants.MUTANTS["imports_pre_integration_orders"]
    with pytest.raises(stateful.InvariantViolated) as found:
        stateful.run(mutant.factory, "ci")  # shrunk: the cheapest planted bug to shrink (about 150 replays)
    steps = [line for line in found.value.scenario.splitlines() if line.strip().startswith(("Given", "When"))]
    assert len(steps) <= 12, found.value.scenario  # the background, the old order, integration, quiet phase
    text = scenario_text.feature(found.value.scenario)
    against_mutant = _run_feature(tmp_path, text, mutant.impl)
    assert against_mutant.returncode == 1, text + against_mutant.stdout[-3000:]
    assert "1 failed" in against_mutant.stdout
    against_reference = _run_feature(tmp_path, text, "reference")
    assert against_reference.returncode == 0, text + against_reference.stdout[-3000:]


def test_rows_may_only_move_forward_along_amazons_transitions() -> None:
    assert "Shipped" in stateful.REACHABLE["Pending"]
    assert "Unshipped" not in stateful.REACHABLE["Shipped"]
    assert "Pending" not in stateful.REACHABLE["Unshipped"]
    assert stateful.importable("Unshipped", "MFN") and not stateful.importable("Unshipped", "AFN")


def test_the_command_reports_a_bad_impl_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert stateful.main(["--impl", "no_such_module:factory"]) == 2
    assert "cannot import module" in capsys.readouterr().err


def test_it_runs_on_loopback_simulators_for_a_connector_in_another_process() -> None:
    stateful.run(resolve("reference"), "ci", live=True, max_examples=20)  # what an http:// --impl uses
    with pytest.raises(stateful.InvariantViolated):
        stateful.run(mutants.MUTANTS["imports_while_pending"].factory, "ci", live=True, shrink=False)
