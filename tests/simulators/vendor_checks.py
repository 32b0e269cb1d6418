"""What a schema check does when the official API descriptions (``../shared/vendor``) are absent.

In CI (``CI=true``) the test fails at once: CI always has the descriptions, so their absence is a
broken set-up, never a pass. Elsewhere (a user's fresh clone) the test goes on, so every behaviour
check still runs, and a test that passes is then reported as skipped, naming the schema check it
could not make (see ``tests/simulators/conftest.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: Where the descriptions live: ``../shared/vendor`` beside the repository, or ``$ASC_VENDOR_DIR``.
VENDOR = Path(os.environ.get("ASC_VENDOR_DIR") or Path(__file__).resolve().parents[2].parent / "shared" / "vendor")
#: Schema checks the running test could not make (emptied before each test).
unchecked: list[str] = []


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def schema_absent(reason: str) -> None:
    """A schema check cannot run: fail now in CI; elsewhere note it and let the test go on."""
    if in_ci():
        pytest.fail(f"{reason}; CI=true needs ../shared/vendor/ (or ASC_VENDOR_DIR)", pytrace=False)
    if reason not in unchecked:
        unchecked.append(reason)


def skip_or_fail(reason: str) -> None:
    """For a test that is a schema check as a whole: fail in CI, skip elsewhere."""
    if in_ci():
        pytest.fail(f"{reason}; CI=true needs ../shared/vendor/ (or ASC_VENDOR_DIR)", pytrace=False)
    pytest.skip(reason)
