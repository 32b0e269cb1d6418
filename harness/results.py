"""Per-scenario outcomes gathered from reports, and the per-rule verdicts built from them."""

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
    """One scenario (one test item): its rules, outcome, duration, steps and failure text."""

    nodeid: str
    scenario: str
    feature: str
    file: str
    rules: list[str]
    steps: list[str]
    outcome: str = "passed"
    duration: float = 0.0
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class ResultBook:
    """Scenario results by node ID, filled from test reports (xdist-safe: reports carry everything)."""

    scenarios: dict[str, ScenarioResult] = field(default_factory=dict)

    def add(self, report: pytest.TestReport, info: dict[str, Any]) -> None:
        result = self.scenarios.get(report.nodeid)
        if result is None:
            result = self.scenarios[report.nodeid] = ScenarioResult(
                report.nodeid, info["scenario"], info["feature"], info["file"], list(info["rules"]), list(info["steps"])
            )
        result.duration += float(report.duration)
        outcome = report.outcome
        if ORDER.get(outcome, 0) > ORDER[result.outcome]:
            result.outcome = outcome
            if report.skipped and isinstance(report.longrepr, tuple):
                result.message = str(report.longrepr[2])
            elif report.failed:
                result.message = str(report.longreprtext)

    def summary(self, profile: str) -> dict[str, dict[str, Any]]:
        """Verdict per rule of the profile that has scenarios: passed, failed or skipped."""
        rules: dict[str, dict[str, Any]] = {}
        for rule_id in catalogue():
            if not in_profile(rule_id, profile):
                continue
            mine = [s for s in self.scenarios.values() if rule_id in s.rules]
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
        """One line per rule: ID, scenarios run, result."""
        lines = [f"{'rule':<8} {'scenarios':>9}  result"]
        for rule_id, data in summary.items():
            detail = f" ({data['failed']} failed)" if data["failed"] else ""
            lines.append(f"{rule_id:<8} {len(data['scenarios']):>9}  {data['outcome'].upper()}{detail}")
        uncovered = [r for r in catalogue() if r not in summary]
        verdict = "FAILED" if any(d["outcome"] == "failed" for d in summary.values()) else "PASSED"
        lines.append(
            f"{len(summary)} rules checked: {verdict}"
            + (f"; {len(uncovered)} not checked in this run" if uncovered else "")
        )
        return lines

    def write(self, directory: Path, summary: dict[str, dict[str, Any]], *, impl: str, profile: str, seed: int) -> Path:
        """Write ``conformance.json``: implementation, versions, seed, profile, rules, scenarios."""
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / "conformance.json"
        data = {
            "implementation": impl,
            "profile": profile,
            "seed": seed,
            "generated_at": datetime.now(UTC).isoformat(),
            "versions": {
                "asc-conformance": _version("asc-conformance"),
                "pytest-bdd": _version("pytest-bdd"),
                "python": platform.python_version(),
            },
            "rules": summary,
            "scenarios": sorted((s.as_dict() for s in self.scenarios.values()), key=lambda s: s["nodeid"]),
        }
        target.write_text(json.dumps(data, indent=2), encoding="utf-8")
        return target


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"
