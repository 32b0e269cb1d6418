"""The suite bites: every catalogued mutant fails a scenario tagged with the rule it breaks."""

from __future__ import annotations

import json
import re
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from harness import mutant_registry, mutants, mutation
from harness.impl import ImplError, resolve
from harness.mutation import Outcome, kill_matrix, markdown, render, verdict
from harness.rules import catalogue as rule_catalogue

RULES_JSON = Path(__file__).resolve().parents[2] / "harness" / "rules.json"


def _seed_rules() -> set[str]:
    data = json.loads(RULES_JSON.read_text())
    return {r["id"] for r in data["rules"] if r["source"] == "seed"}


def test_the_catalogue_breaks_every_seed_rule_with_named_mutants() -> None:
    found = mutant_registry.catalogue()
    assert len(found) >= 25
    assert _seed_rules() <= {m.rule for m in found}, sorted(_seed_rules() - {m.rule for m in found})
    known = set(rule_catalogue())
    for mutant in found:
        assert mutant.rule in known, mutant
        assert mutant.description and "\n" not in mutant.description
        assert mutant.impl == mutant.name
        assert resolve(mutant.impl) is mutant.factory  # reachable through --impl like any connector
        assert resolve(f"harness.mutants:{mutant.name}") is mutant.factory  # the module:factory form too


def test_the_registry_lists_exactly_the_catalogue() -> None:
    """Every mutant of harness/mutants.py has its entry point in pyproject.toml, and no entry point is stale."""
    registered = mutant_registry.registered()
    written = {**mutants.MUTANTS, **mutants.GAPS}
    assert sorted(registered) == sorted(written)
    for name, mutant in registered.items():
        assert (mutant.rule, mutant.description, mutant.missing_scenario, mutant.factory) == (
            written[name].rule,
            written[name].description,
            written[name].missing_scenario,
            written[name].factory,
        )
    assert sorted(m.name for m in mutant_registry.catalogue()) == sorted(mutants.MUTANTS)
    assert sorted(m.name for m in mutant_registry.gaps()) == sorted(mutants.GAPS)


def test_a_registered_factory_that_names_no_rule_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    group = mutant_registry.MUTANT_GROUP
    plain = EntryPoint("plain", "harness.reference_adapter:create_adapter", group)
    monkeypatch.setattr(mutant_registry, "entry_points", lambda group: [plain])
    told = re.escape("mutant entry point plain = harness.reference_adapter:create_adapter")
    with pytest.raises(ValueError, match=told):
        mutant_registry.registered()


def test_a_mutant_is_found_by_its_registry_name_after_the_connectors() -> None:
    assert resolve("drops_tax") is mutants.MUTANTS["drops_tax"].factory
    with pytest.raises(ImplError, match=r"no connector entry point of that name .*asc-conformance mutants --list"):
        resolve("no_such_mutant")


def test_only_an_assertion_in_a_scenario_passing_on_the_reference_kills() -> None:
    mutant = mutants.MUTANTS["imports_while_pending"]
    violation = "RuleViolation: Rule IMP-02 broken."
    tagged = {"outcome": "failed", "rules": ["IMP-02"], "scenario": "A Pending order has no Magento order"}
    tagged["failure"] = violation
    other = {"outcome": "failed", "rules": ["IMP-01"], "scenario": "listed", "failure": violation}
    against_mutant = Outcome(1, {"a": tagged, "b": other})
    assert verdict(mutant, against_mutant, Outcome(0, {"a": {**tagged, "outcome": "passed"}})).killed
    assert not verdict(mutant, against_mutant, Outcome(1, {"a": tagged})).killed  # fails on the reference too
    only_other = Outcome(1, {"b": other})
    assert not verdict(mutant, only_other, Outcome(0, {"b": {**other, "outcome": "passed"}})).killed
    crashed = Outcome(1, {"a": {**tagged, "failure": "AttributeError: 'X' object has no attribute '_import'"}})
    found = verdict(mutant, crashed, Outcome(0, {"a": {**tagged, "outcome": "passed"}}))
    assert not found.killed and found.crashes  # a mutant that no longer fits the reference kills nothing


def test_the_kill_matrix_blames_the_rule_of_the_failing_step() -> None:
    mutant = mutants.MUTANTS["imports_while_pending"]
    passed = {"outcome": "passed", "rules": ["IMP-02", "DEC-05"], "scenario": "s", "failure": ""}
    failing = {**passed, "outcome": "failed", "failure": "RuleViolation: Rule IMP-02 broken.", "blamed": ["IMP-02"]}
    found = verdict(mutant, Outcome(1, {"a": failing}), Outcome(0, {"a": passed}))
    assert found.killed and found.failed_rules == ["IMP-02"] and not found.blamed_on  # DEC-05: not reached
    elsewhere = {**failing, "blamed": ["IMP-14"], "failure": "RuleViolation: Rule IMP-14 broken."}
    found = verdict(mutant, Outcome(1, {"a": elsewhere}), Outcome(0, {"a": passed}))
    assert found.killed and found.blamed_on == ["IMP-14"] and found.failed_rules == ["IMP-14"]
    assert "blamed on IMP-14" in render([found], Outcome(0, {"a": passed}))
    untagged = {**failing, "rules": ["IMP-09"]}  # a failure blamed on IMP-02 in a scenario written for IMP-09
    found = verdict(mutant, Outcome(1, {"b": untagged}), Outcome(0, {"b": {**passed, "rules": ["IMP-09"]}}))
    assert found.killed and not found.blamed_on


def test_every_mutant_is_killed_by_a_scenario_of_its_rule() -> None:
    verdicts, baseline = kill_matrix(mutant_registry.catalogue(), quick=True, workers=2)
    text = render(verdicts, baseline)
    assert not [v for v in verdicts if v.error], text
    survivors = [v.mutant.name for v in verdicts if not v.killed]
    assert not survivors, text
    for v in verdicts:
        assert v.killing and (v.mutant.rule in v.failed_rules) != bool(v.blamed_on), text
        assert set(v.blamed_on) <= set(v.failed_rules), text
    table = markdown(verdicts)
    assert len(re.findall(r"^\| `\w+` \| [A-Z]+-\d+ \| killed", table, re.MULTILINE)) == len(verdicts)


def test_the_command_lists_the_catalogue_and_refuses_an_unknown_mutant(capsys: pytest.CaptureFixture[str]) -> None:
    assert mutation.main(["--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == len(mutant_registry.registered())
    assert any(line.startswith("skips_partially_shipped") and "(known gap)" not in line for line in listed)
    assert mutation.main(["--mutant", "no_such_mutant"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown mutant(s) ['no_such_mutant']" in err[0]


def test_every_known_gap_names_the_scenario_it_lacks() -> None:
    for gap in mutant_registry.gaps():
        assert gap.missing_scenario and gap.rule in rule_catalogue()
        assert resolve(gap.impl) is gap.factory
