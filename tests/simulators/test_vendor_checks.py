"""Without ``../shared/vendor``: CI fails loudly; elsewhere only the schema check is skipped, at the test's end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFTEST = "from tests.simulators.conftest import pytest_runtest_makereport, pytest_runtest_setup  # noqa: F401\n"
TESTS = """
from tests.simulators import vendor_checks

def test_behaviour_holds():
    vendor_checks.schema_absent("no schema here")
    assert 1 + 1 == 2

def test_behaviour_broken_after_the_schema_check():
    vendor_checks.schema_absent("no schema here")
    assert 1 + 1 == 3, "the behaviour check still runs"

def test_no_schema_check_at_all():
    assert True
"""


def _run(tmp_path: Path, ci: str | None) -> str:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_sample.py").write_text(TESTS)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(ROOT)
    if ci is not None:
        env["CI"] = ci
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-p", "no:randomly", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout


def test_outside_ci_only_a_passing_test_ends_skipped(tmp_path: Path) -> None:
    out = _run(tmp_path, None)
    assert "1 failed, 1 passed, 1 skipped" in out, out
    assert "the behaviour check still runs" in out and "behaviour checked, schema not: no schema here" in out


def test_in_ci_a_missing_schema_fails_the_test(tmp_path: Path) -> None:
    out = _run(tmp_path, "true")
    assert "2 failed, 1 passed" in out, out
    assert "CI=true needs ../shared/vendor/" in out
