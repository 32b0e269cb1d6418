"""A pytest plugin for mutmut's runs: the fastest scenarios first, so a killed mutant fails early (``-x``).

mutmut runs a mutant's scenarios in its ``mutants/`` folder, where ``mutmut-stats.json`` holds each
scenario's duration from the clean run; without that file (the clean run itself) the order is kept.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest

STATS = Path("mutmut-stats.json")


@cache
def _durations(path: Path) -> dict[str, float]:
    try:
        return dict(json.loads(path.read_text())["duration_by_test"])
    except (OSError, ValueError, KeyError):
        return {}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    durations = _durations(STATS.resolve())
    if durations:
        items.sort(key=lambda item: durations.get(item.nodeid, 0.0))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A mutant run that stops with pytest's usage-error status stopped because the suite refused the mutated
    connector (its factory or ``capabilities()`` raised, ``harness/impl.py``): the mutant is detected, so the
    run reports a failure. mutmut reads status 4 as a broken test command and gives the whole run up; it
    does so for its own check that every mutated function raising fails the suite. The clean and stats runs
    keep status 4."""
    if exitstatus == pytest.ExitCode.USAGE_ERROR and os.environ.get("MUTANT_UNDER_TEST", "") not in ("", "stats"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
