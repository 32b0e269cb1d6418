"""The rule catalogue in machine-readable form, and the conformance profiles that select from it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

PROFILES: dict[str, frozenset[str]] = {
    "core": frozenset({"core"}),
    "documented": frozenset({"core", "documented"}),
    "strict": frozenset({"core", "documented", "strict"}),
}
RULE_TAG = re.compile(r"^[A-Z]{3,4}-\d{2}$")


@dataclass(frozen=True)
class Rule:
    """One rule: ID, area, source (seed/docs/decision), level (core/documented/strict), evidence pages."""

    id: str
    area: str
    source: str
    level: str
    evidence: tuple[str, ...]
    statement: str


@cache
def catalogue() -> dict[str, Rule]:
    """Every rule by ID, in catalogue order."""
    data = json.loads(resources.files("harness").joinpath("rules.json").read_text(encoding="utf-8"))
    return {
        r["id"]: Rule(r["id"], r["area"], r["source"], r["level"], tuple(r["evidence"]), r["statement"])
        for r in data["rules"]
    }


def in_profile(rule_id: str, profile: str) -> bool:
    """Whether the rule belongs to the profile. Raises KeyError for an unknown rule or profile."""
    if profile not in PROFILES:
        raise KeyError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    return catalogue()[rule_id].level in PROFILES[profile]


def rule_tags(tags: set[str] | list[str]) -> list[str]:
    """The tags that look like rule IDs, in catalogue order when known."""
    order = list(catalogue())
    found = [t for t in tags if RULE_TAG.match(t)]
    return sorted(found, key=lambda t: order.index(t) if t in order else len(order))


def scenarios_by_tag() -> dict[str, list[str]]:
    """Every tag of the feature files (feature, scenario and Examples tags) -> 'file: scenario' names."""
    from pytest_bdd.parser import FeatureParser

    from features import FEATURES_DIR

    out: dict[str, list[str]] = {}
    for path in sorted(FEATURES_DIR.glob("*.feature")):
        feature = FeatureParser(str(FEATURES_DIR), path.name).parse()
        for scenario in feature.scenarios.values():
            tags = set(scenario.tags | feature.tags)
            for examples in scenario.examples:
                tags |= examples.tags
            for tag in sorted(tags):
                out.setdefault(tag, []).append(f"{path.name}: {scenario.name}")
    return out


@cache
def scenario_totals() -> dict[str, int]:
    """How many scenarios (one per Examples row of an outline) of the feature files check each tag."""
    from pytest_bdd.parser import FeatureParser

    from features import FEATURES_DIR

    totals: dict[str, int] = {}
    for path in sorted(FEATURES_DIR.glob("*.feature")):
        feature = FeatureParser(str(FEATURES_DIR), path.name).parse()
        for scenario in feature.scenarios.values():
            tags = set(scenario.tags | feature.tags)
            tables = [(set(e.tags), len(e.examples)) for e in scenario.examples] or [(set(), 1)]
            for extra, rows in tables:
                for tag in tags | extra:
                    totals[tag] = totals.get(tag, 0) + rows
    return totals
