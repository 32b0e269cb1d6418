"""Hooks for the simulators' tests: a test whose schema checks could not run ends skipped, not passed."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from tests.simulators import vendor_checks


def pytest_runtest_setup(item: pytest.Item) -> None:
    vendor_checks.unchecked.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if call.when == "call" and report.passed and vendor_checks.unchecked:
        # Every behaviour check passed; only the schema checks were left undone.
        report.outcome = "skipped"
        reason = "behaviour checked, schema not: " + "; ".join(vendor_checks.unchecked)
        report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {reason}")
