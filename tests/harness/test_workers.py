"""``-n auto`` for the suite, and the pytest plugins the suite leaves off."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main
from harness.workers import auto_workers, pytest_xdist_auto_num_workers, usable_cpus

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("cpus", "workers"), [(1, 0), (2, 0), (3, 2), (8, 7)])
def test_auto_runs_in_one_process_up_to_two_cpus(cpus: int, workers: int) -> None:
    assert auto_workers(cpus) == workers


def test_the_xdist_variable_still_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "5")
    assert pytest_xdist_auto_num_workers(None) is None  # type: ignore[arg-type]  # xdist's own hook answers


def test_run_takes_auto_and_refuses_other_words(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["run", "-n", "many"])
    assert refused.value.code == 2
    assert "expected a number of workers or 'auto', got 'many'" in capsys.readouterr().err


def test_the_suite_runs_without_the_plugins_it_never_uses() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "features", "-m", "views", "-q", "--trace-config", "-n", "auto"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    registered = [line for line in done.stdout.splitlines() if line.startswith("PLUGIN registered")]
    assert any("pytest_bdd.plugin" in line for line in registered)
    for unused in ("_hypothesis_pytestplugin", "anyio.pytest_plugin", "faker.contrib"):
        assert not any(unused in line for line in registered), unused
    if usable_cpus() <= 2:
        assert "bringing up nodes" not in done.stdout  # -n auto: one process here
