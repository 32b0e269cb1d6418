"""The second worked example: a connector in JavaScript (Node's standard library only), over the driver protocol."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli, start_process, stop_process

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example_connector_js" / "connector.mjs"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed: the JavaScript example cannot run")


def _declared() -> dict[str, str]:
    """The example's UNSUPPORTED table, read from its source."""
    source = EXAMPLE.read_text(encoding="utf-8")
    block = re.search(r"export const UNSUPPORTED = \{(?P<body>.*?)\n\};", source, re.S)
    assert block is not None, "the example declares no UNSUPPORTED table"
    return dict(re.findall(r'^\s*"([A-Z]{3,4}-\d{2})": "([^"]*)",$', block["body"], re.M))


def test_the_example_uses_only_nodes_standard_library() -> None:
    imported = re.findall(r'^import .* from "([^"]+)";$', EXAMPLE.read_text(encoding="utf-8"), re.M)
    assert imported and all(name.startswith("node:") for name in imported), imported
    assert "require(" not in EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def example_url() -> Iterator[str]:
    assert NODE is not None
    process, url = start_process([NODE, str(EXAMPLE), "--port", "0"])
    try:
        yield url
    finally:
        stop_process(process)


@needs_node
def test_the_suite_passes_what_the_example_supports_and_skips_what_it_declares(
    example_url: str, tmp_path: Path
) -> None:
    declared = _declared()
    assert {"CAN-01", "STO-02", "IMP-05"} <= set(declared)
    result = run_cli("run", "--impl", example_url, "--report-dir", str(tmp_path), cwd=tmp_path)
    assert "ProtocolError" not in result.stdout and "ConnectorError" not in result.stdout, result.stdout[-3000:]
    report = json.loads((tmp_path / "conformance.json").read_text())
    for scenario in report["scenarios"]:
        mine = [r for r in scenario["rules"] if r in declared]
        assert scenario["outcome"] == ("skipped" if mine else "passed"), (scenario["nodeid"], scenario["message"])
        for rule in mine:
            assert f"{rule}: {declared[rule]}" in scenario["message"]
    outcomes = {rule: entry["outcome"] for rule, entry in report["rules"].items()}
    for rule in declared:
        assert outcomes[rule] == "unsupported", rule
    supported = {rule: entry for rule, entry in report["rules"].items() if rule not in declared}
    for rule, entry in supported.items():
        assert entry["failed"] == 0 and entry["passed"] == entry["run"], (rule, entry)
        # a rule it supports is passed, unless a scenario of it also checks a declared rule (then skipped)
        assert entry["outcome"] == "passed" or entry["skipped"], (rule, entry)
    # a floor, not an exact count: scenarios added to a supported rule that also check a declared one skip it
    assert sum(entry["outcome"] == "passed" for entry in supported.values()) >= 25, outcomes
    # Every rule it supports passes, but rules of the profile are unsupported: incomplete, never conformant.
    assert report["verdict"] == "incomplete" and report["exit_status"] == 3
    assert result.returncode == 3, result.stdout[-3000:] + result.stderr
    assert "verdict: INCOMPLETE" in result.stdout
