"""The random test's Gherkin: every Then line it can print is a Then step of the suite, so a printed scenario
replays as it is."""

from __future__ import annotations

import importlib

import pytest
from pytest_bdd.steps import step_function_context_registry

from harness import scenario_text
from harness.steps import STEP_MODULES

LINES = [
    scenario_text.one("A1"),
    scenario_text.each(["A1", "A2"]),
    scenario_text.none("A1"),
    scenario_text.row("A1", "Unshipped"),
    scenario_text.status("A1", "complete"),
    scenario_text.message([]),
    scenario_text.message(["EU Store", "Main Store"]),
    scenario_text.REFUSED,
    scenario_text.NOTHING_SENT,
    scenario_text.no_row("A1"),
    scenario_text.salable("SKU-1", 3),
    scenario_text.confirmation("A1", "ups", "1Z999AA100000001"),
    scenario_text.canceled("A1", "NoInventory"),
]


@pytest.mark.parametrize("line", LINES)
def test_every_then_line_is_a_then_step_of_the_suite(line: str) -> None:
    for module in STEP_MODULES:
        importlib.import_module(module)
    then_steps = [c for c in step_function_context_registry.values() if c.type in (None, "then")]
    assert any(c.parser.is_matching(line) for c in then_steps), line


def test_a_script_becomes_a_tagged_scenario_with_comments_kept() -> None:
    script = scenario_text.Script()
    script.add("Given", 'the Amazon store "Main Store" is integrated')
    script.add("#", "(the faults still pending here are cleared)")
    text = script.scenario("Random interleaving: x", ["IMP-07"], [scenario_text.one("A1"), "# why"])
    assert text.splitlines() == [
        "  @IMP-07",
        "  Scenario: Random interleaving: x",
        '    Given the Amazon store "Main Store" is integrated',
        "    # (the faults still pending here are cleared)",
        '    Then each of the orders "A1" has exactly one Magento order',
        "    # why",
    ]
    assert scenario_text.feature(text).startswith("Feature: ")
