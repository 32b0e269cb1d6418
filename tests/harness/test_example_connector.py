"""The worked example in docs/: a connector in another process, written against the driver protocol only."""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli, start_process, stop_process

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example_connector" / "connector.py"


def _declared() -> dict[str, str]:
    """The example's UNSUPPORTED table, read from its source (it is a script, not a package)."""
    tree = ast.parse(EXAMPLE.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "UNSUPPORTED":
            return dict(ast.literal_eval(node.value))
    raise AssertionError("the example declares no UNSUPPORTED table")


@pytest.fixture(scope="module")
def example_url() -> Iterator[str]:
    process, url = start_process([sys.executable, str(EXAMPLE), "--port", "0"])
    try:
        yield url
    finally:
        stop_process(process)


def test_the_example_uses_only_the_protocol_and_plain_libraries() -> None:
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(EXAMPLE.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    assert imported <= {"__future__", "argparse", "json", "threading", "uuid", "datetime", "http", "typing", "requests"}


def test_the_suite_runs_against_the_example_and_skips_what_it_declares(example_url: str, tmp_path: Path) -> None:
    result = run_cli("run", "--impl", example_url, "--report-dir", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 3, result.stdout[-3000:] + result.stderr  # incomplete: rules declared unsupported
    assert "ProtocolError" not in result.stdout and "ConnectorError" not in result.stdout
    report = json.loads((tmp_path / "conformance.json").read_text())
    declared = _declared()
    for scenario in report["scenarios"]:
        mine = [r for r in scenario["rules"] if r in declared]
        assert (scenario["outcome"] == "skipped") == bool(mine), scenario["nodeid"]
        for rule in mine:
            assert f"{rule}: {declared[rule]}" in scenario["message"]
    for rule in ("IMP-01", "IMP-02", "IMP-03", "PRE-01", "DIS-02"):
        entry = report["rules"][rule]  # passed, or incomplete where a scenario also checks a declared rule
        assert entry["run"] and entry["passed"] == entry["run"] and not entry["failed"], (rule, entry)
    for rule in declared:
        if rule in report["rules"]:
            assert report["rules"][rule]["outcome"] == "unsupported", rule
    assert report["verdict"] != "conformant" and report["exit_status"] == result.returncode
