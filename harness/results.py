"""Per-scenario outcomes gathered from reports, and the per-rule verdicts built from them.

Everything a report needs travels in each test report's ``user_properties`` (see the plugin), so the
book is complete on the pytest-xdist controller too. Reports are built from the book alone.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import pytest

from harness.rules import catalogue, in_profile, scenario_totals

ORDER = {"failed": 3, "skipped": 1, "passed": 0}
#: The outcomes of a rule, in the order reports list them.
OUTCOMES = ("failed", "incomplete", "unsupported", "not_run", "passed")
#: The verdicts of a run and the exit status of ``asc-conformance run`` for each.
VERDICTS = {"conformant": 0, "not_conformant": 1, "incomplete": 3}


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
    blamed: list[str] = field(default_factory=list)
    failed_step: dict[str, Any] | None = None
    unsupported: dict[str, str] = field(default_factory=dict)
    request_log: dict[str, Any] | None = None
    difference: list[str] = field(default_factory=list)

    def skip_reason(self, rule_id: str) -> str:
        """Why this skipped scenario did not check ``rule_id``."""
        if self.unsupported:
            others = ", ".join(r for r in self.unsupported if r != rule_id)
            return f"a scenario also checks {others}, declared unsupported"
        return self.message

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
        if info.get("unsupported"):
            result.unsupported = dict(info["unsupported"])
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
                result.blamed = list(info.get("blamed") or result.rules)
                result.failed_step = info.get("failed_step")
                result.request_log = info.get("request_log")
                result.difference = list(info.get("difference") or [])
        return result

    def ordered(self) -> list[ScenarioResult]:
        """Scenarios by feature file, then line, then node ID (the same order in every run)."""
        return sorted(self.scenarios.values(), key=lambda s: s.sort_key)

    def summary(self, profile: str) -> dict[str, dict[str, Any]]:
        """Each rule of the profile (and any other rule a failure was blamed on), with its outcome.

        Outcomes: ``passed`` (every scenario of the rule ran and passed), ``failed`` (a failure was
        blamed on it), ``unsupported`` (the connector declares it so), ``incomplete`` (some of its
        scenarios were not run: not selected, not reached after another rule failed, or skipped),
        ``not_run`` (none of its scenarios was selected).
        """
        rules: dict[str, dict[str, Any]] = {}
        ordered = self.ordered()
        totals = scenario_totals()
        unsupported = {r: why for s in ordered for r, why in s.unsupported.items()}
        blamed_on = {r for s in ordered for r in s.blamed}
        for rule_id, rule in catalogue().items():
            inside = in_profile(rule_id, profile)
            if not inside and rule_id not in blamed_on:
                continue
            mine = [s for s in ordered if rule_id in s.rules]
            failed_in = [s.scenario for s in ordered if rule_id in s.blamed]
            total = max(totals.get(rule_id, 0), len(mine))
            passed = sum(s.outcome == "passed" for s in mine)
            skipped = [s for s in mine if s.outcome == "skipped"]
            not_reached = sum(s.outcome == "failed" and rule_id not in s.blamed for s in mine)
            run = sum(s.outcome != "skipped" for s in mine)
            if failed_in:
                outcome = "failed"
            elif rule_id in unsupported:
                outcome = "unsupported"
            elif total and passed == total:
                outcome = "passed"
            elif mine:
                outcome = "incomplete"
            else:
                outcome = "not_run"
            reasons = {f"{rule_id}: {unsupported[rule_id]}"} if rule_id in unsupported else set()
            reasons |= {s.skip_reason(rule_id) for s in skipped if rule_id not in s.unsupported}
            rules[rule_id] = {
                "outcome": outcome,
                "level": rule.level,
                "in_profile": inside,
                "scenarios": [s.scenario for s in mine],
                "total": total,
                "run": run,
                "passed": passed,
                "failed": len(failed_in),
                "not_reached": not_reached,
                "skipped": len(skipped),
                "not_selected": max(total - len(mine), 0),
                "failed_in": failed_in,
                "coverage": f"{run} of {total} scenario{'s' if total != 1 else ''} run",
                "duration": round(sum(s.duration for s in mine), 4),
                "skip_reasons": sorted(reasons),
            }
        return rules

    def table(self, summary: dict[str, dict[str, Any]], profile: str) -> list[str]:
        """One line per rule that ran or was skipped: ID, scenarios run of the suite's, result, then the
        verdict (with what keeps it from conformant)."""
        lines = [f"{'rule':<8} {'scenarios':>9}  result"]
        quiet = 0
        for rule_id, data in summary.items():
            if data["outcome"] == "not_run":
                quiet += 1
                continue
            lines.append(f"{rule_id:<8} {data['run']:>4} of {data['total']:<2}  {rule_line(data)}")
        verdict = verdict_of(summary, profile)
        shown = ", ".join(f"{n} {o.replace('_', ' ')}" for o, n in verdict["counts"].items() if n)
        lines.append(
            f"verdict: {verdict_word(verdict['verdict'])} ({shown}, of {verdict['rules']} rules of the profile "
            f"{profile}; exit status {verdict['exit_status']})"
        )
        if quiet:
            lines.append(f"{quiet} rule(s) of the profile not run in this run (not selected)")
        lines += [f"  {reason}" for reason in verdict["reasons"]]
        return lines


def verdict_word(verdict: str) -> str:
    """``not_conformant`` -> ``NOT CONFORMANT``."""
    return verdict.replace("_", " ").upper()


def rule_line(data: dict[str, Any]) -> str:
    """A rule's result in words: its outcome, then what keeps it from passed."""
    outcome = str(data["outcome"])
    detail: list[str] = []
    if data["failed"]:
        detail.append(f"failed in {data['failed']} scenario{'s' if data['failed'] != 1 else ''}")
    if data["skip_reasons"] and outcome in ("unsupported", "incomplete"):
        detail.append("; ".join(data["skip_reasons"]))
    if data["not_reached"]:
        detail.append(f"{data['not_reached']} not reached")
    if outcome not in ("passed", "unsupported") and data["run"] < data["total"]:
        detail.append(data["coverage"])
    if not data["in_profile"]:
        detail.append("outside the profile")
    return outcome.replace("_", " ").upper() + (f" ({'; '.join(detail)})" if detail else "")


def verdict_of(summary: dict[str, dict[str, Any]], profile: str) -> dict[str, Any]:
    """The run's verdict over the rules of the profile: ``conformant`` (every rule checked and passed),
    ``not_conformant`` (a rule failed) or ``incomplete`` (a rule unsupported, skipped, not reached or not
    selected). A core rule declared unsupported leaves the verdict incomplete: core rules cannot be
    waived, so such a connector is never conformant, under any profile."""
    inside = {r: d for r, d in summary.items() if d["in_profile"]}
    by: dict[str, list[str]] = {o: [r for r, d in inside.items() if d["outcome"] == o] for o in OUTCOMES}
    if by["failed"]:
        verdict = "not_conformant"
    elif inside and len(by["passed"]) == len(inside):
        verdict = "conformant"
    else:
        verdict = "incomplete"
    reasons = []
    if by["failed"]:
        reasons.append("failed: " + ", ".join(by["failed"]))
    outside = [r for r, d in summary.items() if not d["in_profile"] and d["outcome"] == "failed"]
    if outside:
        reasons.append("failed, outside the profile: " + ", ".join(outside))
    if by["unsupported"]:
        reasons.append("declared unsupported: " + ", ".join(by["unsupported"]))
        core = [r for r in by["unsupported"] if inside[r]["level"] == "core"]
        if core:
            reasons.append("core rules cannot be waived: " + ", ".join(core))
    if by["incomplete"]:
        reasons.append("not every scenario run: " + ", ".join(by["incomplete"]))
    if by["not_run"]:
        reasons.append(f"not selected: {len(by['not_run'])} rule(s)")
    if not inside:
        reasons.append("no rule of the profile was run")
    return {
        "verdict": verdict,
        "exit_status": VERDICTS[verdict],
        "profile": profile,
        "rules": len(inside),
        "counts": {o: len(v) for o, v in by.items()},
        "reasons": reasons,
    }


#: The version of conformance.json's format (``harness/conformance.schema.json`` describes it).
FORMAT_VERSION = "2.0"


def selection_of(summary: dict[str, dict[str, Any]], chosen: dict[str, Any]) -> dict[str, Any]:
    """What of the suite this run selected: the tag and keyword expressions given, and whether the run left
    scenarios of the profile's rules out (then its verdict cannot be conformant)."""
    left_out = sorted(r for r, d in summary.items() if d["in_profile"] and d["not_selected"])
    return {
        "tags": chosen.get("tags") or None,
        "keywords": chosen.get("keywords") or None,
        "paths": list(chosen.get("paths") or []),
        "partial": bool(left_out),
        "rules_partly_selected": left_out,
    }


def conformance_data(
    book: ResultBook,
    summary: dict[str, dict[str, Any]],
    *,
    impl: str,
    profile: str,
    seed: int,
    selection: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The conformance report as data: what ran, against what, the verdict, per rule and per scenario."""
    verdict = verdict_of(summary, profile)
    return {
        "format_version": FORMAT_VERSION,
        "implementation": impl,
        "profile": profile,
        "seed": seed,
        "selection": selection_of(summary, selection or {}),
        "generated_at": datetime.now(UTC).isoformat(),
        "versions": {
            "asc-conformance": _version("asc-conformance"),
            "python": platform.python_version(),
            "pytest": _version("pytest"),
            "pytest-bdd": _version("pytest-bdd"),
        },
        "verdict": verdict["verdict"],
        "exit_status": verdict["exit_status"],
        "verdict_reasons": verdict["reasons"],
        "rule_counts": verdict["counts"],
        "rules": summary,
        "scenarios": [s.as_dict() for s in book.ordered()],
    }


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"
