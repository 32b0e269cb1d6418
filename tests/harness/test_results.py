"""Per-rule outcomes and the run's verdict, from scenario results (blame per step, selection, capabilities)."""

from __future__ import annotations

from harness.results import ResultBook, ScenarioResult, verdict_of
from harness.rules import catalogue, in_profile, scenario_totals


def _result(name: str, rules: list[str], outcome: str = "passed", **extra: object) -> ScenarioResult:
    return ScenarioResult(nodeid=name, scenario=name, feature="f", file="f.feature", rules=rules, steps=[],
                          outcome=outcome, **extra)  # type: ignore[arg-type]


def _book(*results: ScenarioResult) -> ResultBook:
    return ResultBook({r.nodeid: r for r in results})


def _every_scenario_passing(profile: str) -> ResultBook:
    results = []
    for rule_id in catalogue():
        if in_profile(rule_id, profile):
            results += [_result(f"{rule_id}-{i}", [rule_id]) for i in range(scenario_totals()[rule_id])]
    return _book(*results)


def test_every_rule_of_the_profile_passing_with_all_its_scenarios_is_conformant() -> None:
    summary = _every_scenario_passing("core").summary("core")
    assert {d["outcome"] for d in summary.values()} == {"passed"}
    verdict = verdict_of(summary, "core")
    assert verdict["verdict"] == "conformant" and verdict["exit_status"] == 0


def test_a_failure_fails_only_the_rule_it_is_blamed_on() -> None:
    book = _every_scenario_passing("core")
    shipped = next(s for s in book.scenarios.values() if s.rules == ["IMP-06"])
    shipped.rules = ["IMP-05", "IMP-06"]
    shipped.outcome, shipped.blamed = "failed", ["IMP-06"]
    summary = book.summary("core")
    assert summary["IMP-06"]["outcome"] == "failed" and summary["IMP-06"]["failed_in"] == [shipped.scenario]
    assert summary["IMP-05"]["outcome"] == "incomplete" and summary["IMP-05"]["not_reached"] == 1
    verdict = verdict_of(summary, "core")
    assert verdict["verdict"] == "not_conformant" and verdict["exit_status"] == 1
    assert "failed: IMP-06" in verdict["reasons"]


def test_a_rule_blamed_outside_the_profile_leaves_the_verdict_incomplete() -> None:
    book = _every_scenario_passing("core")
    pending = next(s for s in book.scenarios.values() if s.rules == ["IMP-02"])
    pending.outcome, pending.blamed = "failed", ["IMP-14"]  # the table step failed: IMP-14 is 'documented'
    summary = book.summary("core")
    assert summary["IMP-14"]["outcome"] == "failed" and not summary["IMP-14"]["in_profile"]
    assert summary["IMP-02"]["outcome"] == "incomplete"
    verdict = verdict_of(summary, "core")
    assert verdict["verdict"] == "incomplete" and verdict["exit_status"] == 3
    assert "failed, outside the profile: IMP-14" in verdict["reasons"]


def test_unsupported_and_unselected_rules_make_the_verdict_incomplete() -> None:
    book = _every_scenario_passing("documented")
    for s in book.scenarios.values():
        if s.rules == ["IMP-08"]:
            s.outcome, s.unsupported, s.message = "skipped", {"IMP-08": "not yet"}, "declared unsupported"
    summary = book.summary("documented")
    assert summary["IMP-08"]["outcome"] == "unsupported" and summary["IMP-08"]["skip_reasons"] == ["IMP-08: not yet"]
    verdict = verdict_of(summary, "documented")
    assert verdict["verdict"] == "incomplete" and "declared unsupported: IMP-08" in verdict["reasons"]
    assert not any("core rules cannot be waived" in r for r in verdict["reasons"])
    # a core rule declared unsupported is never waived
    book = _every_scenario_passing("core")
    for s in book.scenarios.values():
        if s.rules == ["IMP-01"]:
            s.outcome, s.unsupported = "skipped", {"IMP-01": "no table"}
    verdict = verdict_of(book.summary("core"), "core")
    assert verdict["verdict"] == "incomplete" and "core rules cannot be waived: IMP-01" in verdict["reasons"]
    # one of a rule's scenarios left out by a selection
    book = _every_scenario_passing("core")
    del book.scenarios[next(k for k, s in book.scenarios.items() if s.rules == ["IMP-05"])]
    summary = book.summary("core")
    assert summary["IMP-05"]["outcome"] == "incomplete"
    total = scenario_totals()["IMP-05"]
    assert summary["IMP-05"]["coverage"] == f"{total - 1} of {total} scenarios run"
    assert verdict_of(summary, "core")["verdict"] == "incomplete"


def test_nothing_run_is_incomplete() -> None:
    verdict = verdict_of(_book().summary("core"), "core")
    assert verdict["verdict"] == "incomplete" and verdict["counts"]["not_run"] == verdict["rules"] > 0
