"""Blame per step: every Then step declares the rule it checks, and a failure is blamed on that rule."""

from __future__ import annotations

import importlib

import pytest
from pytest_bdd.steps import step_function_context_registry

from harness.blame import blamed, checks, declared
from harness.rules import catalogue
from harness.steps import STEP_MODULES


def _then_steps() -> list[object]:
    for name in STEP_MODULES:
        importlib.import_module(name)
    return [
        c.step_func
        for c in step_function_context_registry.values()
        if c.type == "then" and c.step_func.__module__ in STEP_MODULES
    ]


def test_every_then_step_declares_rules_of_the_catalogue() -> None:
    steps = _then_steps()
    assert len(steps) >= 40
    known = set(catalogue())
    for func in steps:
        rules = declared(func)
        assert rules, f"{func.__module__}.{func.__name__} declares no rule: add @checks(...) under its @then"
        unknown = [r for r in rules if r not in known]
        assert not unknown, f"{func.__module__}.{func.__name__} declares rules not in harness/rules.json: {unknown}"


def test_a_failure_is_blamed_on_the_most_specific_rule_the_scenario_carries() -> None:
    rules = ("IMP-03", "IMP-06", "CAN-02")
    assert blamed(rules, ["DEC-06", "IMP-05", "IMP-06"]) == "IMP-06"
    assert blamed(rules, ["IMP-03", "SET-01"]) == "IMP-03"
    assert blamed(rules, ["IMP-02"]) == "IMP-03"  # a scenario written for none of them: the step's own rule
    assert blamed((), ["IMP-02"]) is None


def test_a_rule_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        checks("IMP-01", "IMP-01")
