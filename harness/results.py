"""Per-scenario outcomes gathered from reports, and the per-rule verdicts built from them.

Everything a report needs travels in each test report's ``user_properties`` (see the plugin), so the
book is complete on the pytest-xdist controller too. Reports are built from the book alone.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pytest

from harness.rules import catalogue, in_profile

ORDER = {"failed": 3, "skipped": 1, "passed": 0}


@dataclass
class ScenarioResult:
    """One scenario (one test item): its rules, outcome, duration, steps and failure text.

    ``steps`` holds ``{"keyword", "name", "line", "status", "duration"}`` (status: passed, failed or
    skipped); ``message`` is the failure (the exception, which for a RuleViolation holds the world's
    state) or the skip reason; ``traceback`` lists the failure's frames outside pytest's machinery.
    """

    nodeid: str
    scenario: str
    feature: str
    file: str
    rules: list[str]
    steps: list[dict[str, Any]]
    line: int = 0
    tags: list[str] = field(default_factory=list)
    feature_line: int = 0
    feature_description: str = ""
    outcome: str = "passed"
    duration: float = 0.0
    message: str = ""
    traceback: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    @property
    def sort_key(self) -> tuple[str, int, str]:
        return (self.file, self.line, self.nodeid)


@dataclass
class ResultBook:
    """Scenario results by node ID, filled from test reports (xdist-safe: reports carry everything)."""

    scenarios: dict[str, ScenarioResult] = field(default_factory=dict)

    def add(self, report: pytest.TestReport, info: dict[str, Any]) -> ScenarioResult:
        """Merge one phase's report (setup, call, teardown) into the scenario's result."""
        result = self.scenarios.get(report.nodeid)
        if result is None:
            result = self.scenarios[report.nodeid] = ScenarioResult(
                nodeid=report.nodeid,
                scenario=info["scenario"],
                feature=info["feature"],
                file=info["file"],
                rules=list(info["rules"]),
                steps=list(info["steps"]),
                line=int(info.get("line", 0)),
                tags=list(info.get("tags", ())),
                feature_line=int(info.get("feature_line", 0)),
                feature_description=str(info.get("feature_description", "")),
            )
        if report.when == "call" or (report.when == "setup" and not report.passed):
            result.steps = list(info["steps"])
        result.duration += float(report.duration)
        outcome = report.outcome
        if ORDER.get(outcome, 0) > ORDER[result.outcome]:
            result.outcome = outcome
            if report.skipped and isinstance(report.longrepr, tuple):
                result.message = str(report.longrepr[2]).removeprefix("Skipped: ")
            elif report.failed:
                error = info.get("error")
                where = "" if report.when == "call" else f"error in {report.when}: "
                result.message = where + (error or str(report.longreprtext).strip().splitlines()[-1:][0])
                result.traceback = str(info.get("traceback") or "")
        return result

    def ordered(self) -> list[ScenarioResult]:
        """Scenarios by feature file, then line, then node ID (the same order in every run)."""
        return sorted(self.scenarios.values(), key=lambda s: s.sort_key)

    def summary(self, profile: str) -> dict[str, dict[str, Any]]:
        """Verdict per rule of the profile that has scenarios: passed, failed or skipped."""
        rules: dict[str, dict[str, Any]] = {}
        ordered = self.ordered()
        for rule_id in catalogue():
            if not in_profile(rule_id, profile):
                continue
            mine = [s for s in ordered if rule_id in s.rules]
            if not mine:
                continue
            outcomes = {s.outcome for s in mine}
            verdict = "failed" if "failed" in outcomes else "passed" if "passed" in outcomes else "skipped"
            rules[rule_id] = {
                "outcome": verdict,
                "scenarios": [s.scenario for s in mine],
                "passed": sum(s.outcome == "passed" for s in mine),
                "failed": sum(s.outcome == "failed" for s in mine),
                "skipped": sum(s.outcome == "skipped" for s in mine),
                "duration": round(sum(s.duration for s in mine), 4),
                "skip_reasons": sorted({s.message for s in mine if s.outcome == "skipped"}),
            }
        return rules

    def table(self, summary: dict[str, dict[str, Any]]) -> list[str]:
        """One line per rule: ID, scenarios run, result (with the reason of a skipped rule)."""
        lines = [f"{'rule':<8} {'scenarios':>9}  result"]
        for rule_id, data in summary.items():
            detail = f" ({data['failed']} failed)" if data["failed"] else ""
            if data["outcome"] == "skipped" and data["skip_reasons"]:
                detail = f" ({'; '.join(data['skip_reasons'])})"
            elif data["skipped"]:
                detail += f" ({data['skipped']} skipped)"
            lines.append(f"{rule_id:<8} {len(data['scenarios']):>9}  {data['outcome'].upper()}{detail}")
        uncovered = [r for r in catalogue() if r not in summary]
        skipped = sum(d["outcome"] == "skipped" for d in summary.values())
        verdict = "FAILED" if any(d["outcome"] == "failed" for d in summary.values()) else "PASSED"
        lines.append(
            f"{len(summary)} rules checked: {verdict}"
            + (f"; {skipped} skipped as unsupported" if skipped else "")
            + (f"; {len(uncovered)} not checked in this run" if uncovered else "")
        )
        return lines

    def write(self, directory: Path, summary: dict[str, dict[str, Any]], *, impl: str, profile: str, seed: int) -> Path:
        """Write ``conformance.json``: implementation, versions, seed, profile, rules, scenarios."""
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / "conformance.json"
        data = conformance_data(self, summary, impl=impl, profile=profile, seed=seed)
        target.write_text(json.dumps(data, indent=2), encoding="utf-8")
        return target


def conformance_data(
    book: ResultBook, summary: dict[str, dict[str, Any]], *, impl: str, profile: str, seed: int
) -> dict[str, Any]:
    """The conformance report as data: what ran, against what, and the verdict per rule."""
    return {
        "implementation": impl,
        "profile": profile,
        "seed": seed,
        "generated_at": datetime.now(UTC).isoformat(),
        "versions": {
            "asc-conformance": _version("asc-conformance"),
            "pytest-bdd": _version("pytest-bdd"),
            "python": platform.python_version(),
        },
        "verdict": "failed" if any(d["outcome"] == "failed" for d in summary.values()) else "passed",
        "rules": summary,
        "scenarios": [s.as_dict() for s in book.ordered()],
    }


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"
