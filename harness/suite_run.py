"""The ``run`` command: the conformance suite against one connector, in this process.

``asc-conformance run`` (:mod:`harness.cli`) and the kill matrix (:mod:`harness.mutation`) both call
:func:`run_suite`; every bad input stops it before any scenario runs, with one line on stderr and exit 2.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from _pytest.mark.expression import Expression

from features import FEATURES_DIR
from harness.impl import ImplError, check_factory, resolve
from harness.plugin import VerdictProbe
from harness.rules import PROFILES, catalogue, scenarios_by_tag

#: pytest's exit statuses this command reads (pytest.ExitCode).
_PYTEST_USAGE_ERROR = 4
_PYTEST_NO_TESTS = 5


def fail(message: str, code: int = 2) -> int:
    """Print ``asc-conformance: error: <message>`` on stderr; return ``code``."""
    print(f"asc-conformance: error: {message}", file=sys.stderr)
    return code


def run_suite(
    impl: str,
    *,
    profile: str = "strict",
    tags: str | None = None,
    seed: int = 0,
    workers: str = "0",
    report_dir: str | None = None,
    live: bool = False,
    pytest_args: Sequence[str] = (),
) -> int:
    """Run the suite against ``impl`` as ``asc-conformance run`` does; its exit status (0, 1, 2, 3 or 4).

    ``workers`` is pytest-xdist's ``-n`` ("0": one process); ``pytest_args`` go to pytest as they are.
    """
    problem = _bad_selection(profile, tags)
    if problem:
        return fail(problem)
    if report_dir is not None:
        problem = _unwritable(Path(report_dir))
        if problem:
            return fail(f"--report-dir {report_dir}: {problem}")
    try:
        check_factory(impl, resolve(impl))
    except ImplError as err:
        return fail(str(err))
    argv = [
        str(FEATURES_DIR),
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(FEATURES_DIR),
        "-c",
        str(FEATURES_DIR / "pytest.ini"),  # the suite's own ini: it runs the same anywhere
        "-q",
        "-o",
        "console_output_style=classic",  # no "[100%]": every scenario prints its own line
        "-p",
        "no:terminaldistreporter",  # pytest-xdist's worker start-up status lines
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",  # this command imported the harness before pytest
        "--asc-impl",
        impl,
        "--asc-profile",
        profile,
        "--asc-seed",
        str(seed),
    ]
    if tags:
        argv += ["-m", tags]
    if workers != "0":
        argv += ["-n", workers]
    if live:
        argv.append("--asc-live")
    if report_dir:
        argv += ["--asc-report-dir", report_dir]
    probe = VerdictProbe()
    captured = io.StringIO()
    with contextlib.redirect_stderr(captured):  # pytest's usage errors span lines: kept to tell in one
        code = int(pytest.main(argv + list(pytest_args), plugins=[probe]))
    text = captured.getvalue()
    if code == _PYTEST_USAGE_ERROR:
        errors = [line.split("error:", 1)[1].strip() for line in text.splitlines() if "error:" in line]
        lines = errors or text.strip().splitlines() or ["usage error"]
        return fail(f"pytest options after --: {lines[-1]}")
    sys.stderr.write(text)
    if code == _PYTEST_NO_TESTS:
        return fail(f"no scenario of profile {profile} matches --tags {tags!r}")
    return probe.exit_status(code)


def _bad_selection(profile: str, tags: str | None) -> str | None:
    """Why ``--profile``/``--tags`` select nothing runnable, or None when they are fine."""
    if profile not in PROFILES:
        return f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}"
    if not tags:
        return None
    try:
        expression = Expression.compile(tags)
    except SyntaxError as err:
        return f"malformed tag expression {tags!r}: {err}"
    by_tag = scenarios_by_tag()
    words = tags.replace("(", " ").replace(")", " ").split()
    unknown = [w for w in words if w not in {"and", "or", "not"} and w not in catalogue() and w not in by_tag]
    if unknown:
        return f"unknown rule ID(s) or tag(s) in --tags: {', '.join(unknown)}"
    tags_of: dict[str, set[str]] = {}
    for tag, names in by_tag.items():
        for name in names:
            tags_of.setdefault(name, set()).add(tag)
    levels = PROFILES[profile]
    for scenario_tags in tags_of.values():
        in_profile = any(t in catalogue() and catalogue()[t].level in levels for t in scenario_tags)
        if in_profile and expression.evaluate(scenario_tags.__contains__):
            return None
    return f"--tags {tags!r} selects no scenario of profile {profile}"


def _unwritable(directory: Path) -> str | None:
    """Why reports cannot be written in ``directory`` (created if missing), or None when they can."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".asc-write-check-"):
            pass
    except OSError as err:
        return f"cannot write reports there: {err.strerror or err}"
    if not os.access(directory, os.W_OK):
        return "cannot write reports there: permission denied"
    return None
