"""Whole-suite runs: over the HTTP driver in another process, under pytest-xdist, with declared capabilities."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from sample_adapters import UNSUPPORTED

from harness.reports import REPORT_FILES

Run = tuple[subprocess.CompletedProcess[str], Path]


def _run(directory: Path, *args: str) -> Run:
    result = run_cli("run", "--report-dir", str(directory), *args, cwd=directory)
    assert result.returncode in (0, 1, 3), result.stdout[-3000:] + result.stderr[-3000:]
    return result, directory


def _outcomes(directory: Path) -> dict[str, str]:
    report = json.loads((directory / "conformance.json").read_text())
    return {s["nodeid"]: s["outcome"] for s in report["scenarios"]}


@pytest.fixture(scope="module")
def in_process(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _run(tmp_path_factory.mktemp("in-process"))


@pytest.fixture(scope="module")
def over_http(tmp_path_factory: pytest.TempPathFactory, driver_url: str) -> Run:
    return _run(tmp_path_factory.mktemp("over-http"), "--impl", driver_url, "-n", "2")


# the rules the sample adapter skips or breaks, and two it keeps (a subset keeps the pair of runs quick)
PARTIAL = ("--impl", "sample_adapters:partial_and_broken", "--tags", "IMP-01 or IMP-02 or IMP-03 or BLK-06 or VIEW-01")


@pytest.fixture(scope="module")
def partial_one(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _run(tmp_path_factory.mktemp("partial-1"), *PARTIAL)


@pytest.fixture(scope="module")
def partial_two(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _run(tmp_path_factory.mktemp("partial-2"), *PARTIAL, "-n", "2")


def test_the_suite_over_the_http_driver_passes_what_the_in_process_run_passes(in_process: Run, over_http: Run) -> None:
    local, remote = _outcomes(in_process[1]), _outcomes(over_http[1])
    assert len(local) >= 3
    assert remote == local
    assert over_http[0].returncode == in_process[0].returncode
    report = json.loads((over_http[1] / "conformance.json").read_text())
    assert report["implementation"].startswith("http://127.0.0.1:")


def _drop_timing(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_timing(v) for k, v in value.items() if k not in {"duration", "generated_at"}}
    if isinstance(value, list):
        return [_drop_timing(v) for v in value]
    return value


def _normalised(directory: Path) -> dict[str, Any]:
    junit = ET.fromstring((directory / "junit.xml").read_text())
    for element in junit.iter():
        for attribute in ("time", "timestamp"):
            element.attrib.pop(attribute, None)
    html = (directory / "report.html").read_text()
    html = re.sub(r'<span class="(dur|when)">[^<]*</span>', "", html)
    return {
        "conformance.json": _drop_timing(json.loads((directory / "conformance.json").read_text())),
        "cucumber.json": _drop_timing(json.loads((directory / "cucumber.json").read_text())),
        "junit.xml": ET.tostring(junit, encoding="unicode"),
        "report.html": html,
    }


def test_two_workers_write_the_same_reports_as_one_process(partial_one: Run, partial_two: Run) -> None:
    assert sorted(p.name for p in partial_two[1].iterdir()) == sorted(REPORT_FILES)
    one, two = _normalised(partial_one[1]), _normalised(partial_two[1])
    outcomes = {s["outcome"] for s in one["conformance.json"]["scenarios"]}
    assert outcomes == {"passed", "failed", "skipped"}  # the comparison covers every kind of result
    for name in REPORT_FILES:
        assert two[name] == one[name], name
    assert partial_one[0].returncode == partial_two[0].returncode == 1


def test_unsupported_rules_are_reported_as_skipped_with_the_reason(partial_one: Run) -> None:
    result, directory = partial_one
    report = json.loads((directory / "conformance.json").read_text())
    for scenario in report["scenarios"]:
        declared = [r for r in scenario["rules"] if r in UNSUPPORTED]
        if declared:
            assert scenario["outcome"] == "skipped", scenario["nodeid"]
            for rule in declared:
                assert f"{rule}: {UNSUPPORTED[rule]}" in scenario["message"]
            assert {s["status"] for s in scenario["steps"]} == {"skipped"}
        else:
            assert scenario["outcome"] != "skipped", scenario["nodeid"]
    assert "UnknownRuleWarning: the connector declares unknown rule IDs unsupported: IMP-99" in result.stdout
    imp02 = report["rules"]["IMP-02"]
    assert imp02["outcome"] == "unsupported"
    assert imp02["skip_reasons"] == [f"IMP-02: {UNSUPPORTED['IMP-02']}"]
    line = next(line for line in result.stdout.splitlines() if line.startswith("IMP-02 "))
    assert line.endswith(f"UNSUPPORTED (IMP-02: {UNSUPPORTED['IMP-02']})")
    junit = ET.fromstring((directory / "junit.xml").read_text())
    skipped = [c for c in junit.iter("testcase") if c.find("skipped") is not None]
    assert skipped and all("declares unsupported" in c.find("skipped").get("message", "") for c in skipped)
    assert UNSUPPORTED["IMP-02"] in (directory / "report.html").read_text()


def test_reports_show_failures_with_the_world_state_and_rule_properties(partial_one: Run) -> None:
    result, directory = partial_one
    assert re.search(r"^VIEW-01 .*FAILED", result.stdout, re.MULTILINE)
    junit = ET.fromstring((directory / "junit.xml").read_text())
    failed = [c for c in junit.iter("testcase") if c.find("failure") is not None]
    assert failed
    broken = [c for c in failed if "VIEW-01" in {p.get("value") for p in c.iter("property") if p.get("name") == "rule"}]
    assert broken, "the scenarios of VIEW-01 fail against a connector whose Recent Orders are empty"
    assert all("The world held:" in (c.find("failure").text or "") for c in broken)
    assert all({p.get("value") for p in c.iter("property") if p.get("name") == "blamed"} == {"VIEW-01"} for c in broken)
    features = json.loads((directory / "cucumber.json").read_text())
    steps = [s for f in features for e in f["elements"] for s in e["steps"]]
    failing = [s for s in steps if s["result"]["status"] == "failed"]
    assert failing and all("RuleViolation" in s["result"]["error_message"] for s in failing)
    assert {s["result"]["status"] for s in steps} == {"passed", "failed", "skipped"}
    html = (directory / "report.html").read_text()
    assert "The world held:" in html and 'id="rule"' in html and "<script>" in html
    assert "http://" not in html.replace("http://sellingpartnerapi.sim", "").replace("http://magento.sim", "")


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the report's script")
def test_the_html_filters_show_what_they_select(partial_one: Run) -> None:
    script = Path(__file__).with_name("report_filters.js")
    html = partial_one[1] / "report.html"
    out = subprocess.run(["node", str(script), str(html), "IMP-02"], capture_output=True, text=True, check=True)
    shown = json.loads(out.stdout)
    assert shown["all"] == len(json.loads((partial_one[1] / "conformance.json").read_text())["scenarios"])
    assert shown["failed_only"] and set(shown["failed_only"]) == {"failed"}
    assert shown["failed_rules"] and set(shown["failed_rules"]) == {"failed"}
    assert shown["by_rule"] and all("IMP-02" in rules.split() for rules in shown["by_rule"])


def _schema_validator() -> Any:
    import jsonschema

    schema = json.loads(resources.files("harness").joinpath("conformance.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_conformance_json_follows_the_schema_shipped_with_the_kit(in_process: Run, partial_one: Run) -> None:
    validator = _schema_validator()
    full = json.loads((in_process[1] / "conformance.json").read_text())
    partial = json.loads((partial_one[1] / "conformance.json").read_text())
    for data in (full, partial):
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(data)]
        assert not errors, errors[:5]
        assert data["format_version"] == "2.0"
        assert set(data["versions"]) >= {"asc-conformance", "python", "pytest", "pytest-bdd"}
    assert full["verdict"] == "conformant" and full["exit_status"] == in_process[0].returncode == 0
    assert full["selection"] == {"tags": None, "keywords": None, "paths": [], "partial": False,
                                 "rules_partly_selected": []}
    assert partial["selection"]["tags"] == PARTIAL[3] and partial["selection"]["partial"]
    assert partial["verdict"] == "not_conformant" and partial["exit_status"] == partial_one[0].returncode == 1
    broken = {**partial, "verdict": "passed"}
    assert not validator.is_valid(broken)  # the schema bites: the old verdict words are refused
    assert not validator.is_valid({k: v for k, v in full.items() if k != "selection"})


def test_a_partial_selection_says_so_per_rule_in_console_json_and_html(partial_one: Run) -> None:
    result, directory = partial_one
    report = json.loads((directory / "conformance.json").read_text())
    set01 = report["rules"]["SET-01"]  # checked by the selected IMP-03 scenario and by one left out
    assert set01["outcome"] == "incomplete" and set01["coverage"] == "1 of 2 scenarios run"
    assert re.search(r"^SET-01 +1 of 2 +INCOMPLETE \(1 of 2 scenarios run\)$", result.stdout, re.MULTILINE)
    assert "partial selection: tags" in result.stdout
    html = (directory / "report.html").read_text()
    assert "1 of 2 scenarios run" in html and "partial selection" in html


def test_a_failed_scenario_carries_its_blame_and_request_log(partial_one: Run) -> None:
    result, directory = partial_one
    report = json.loads((directory / "conformance.json").read_text())
    failed = [s for s in report["scenarios"] if s["outcome"] == "failed"]
    assert failed
    for scenario in failed:
        assert scenario["blamed"] == ["VIEW-01"], scenario["nodeid"]
        assert scenario["failed_step"]["type"] == "then" and "Recent Orders" in scenario["failed_step"]["name"]
        requests = scenario["request_log"]["requests"]
        assert {r["service"] for r in requests} == {"amazon", "magento"}
        assert [r["at"] for r in requests] == sorted(r["at"] for r in requests)
        assert any(r["operation"] == "getOrders" and r["status"] == 200 for r in requests)
    both = next(s for s in failed if s["rules"] == ["DIS-01", "VIEW-01"])
    assert report["rules"]["DIS-01"]["outcome"] != "failed" and report["rules"]["DIS-01"]["not_reached"] >= 1
    assert "failed: VIEW-01; not reached: DIS-01" in result.stdout
    assert "requests to the fakes" in result.stdout and "/orders/v0/orders" in result.stdout
    assert both["message"].startswith("RuleViolation: Rule VIEW-01 broken.")


def test_cucumber_json_keeps_the_tags_set_on_examples(partial_one: Run) -> None:
    features = json.loads((partial_one[1] / "cucumber.json").read_text())
    blockers = [e for f in features for e in f["elements"] if "blocks the order and the row says why" in e["name"]]
    assert len(blockers) == 3
    tags = [{t["name"] for t in e["tags"]} for e in blockers]
    assert all("@BLK-06" in t for t in tags)
    assert sorted(next(iter(t & {"@BLK-01", "@BLK-02", "@BLK-03"})) for t in tags) == ["@BLK-01", "@BLK-02", "@BLK-03"]
