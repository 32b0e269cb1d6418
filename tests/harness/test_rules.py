"""The machine-readable catalogue and the features' tags agree."""

from __future__ import annotations

from features import FEATURES_DIR
from harness.rules import PROFILES, RULE_TAG, catalogue, in_profile, scenarios_by_tag


def _tags() -> set[str]:
    return set(scenarios_by_tag())


def test_catalogue_is_well_formed() -> None:
    rules = catalogue()
    assert len(rules) >= 54
    for rule in rules.values():
        assert RULE_TAG.match(rule.id)
        assert rule.source in {"seed", "docs", "decision"}
        assert rule.level == {"seed": "core", "docs": "documented", "decision": "strict"}[rule.source]
        assert rule.statement


def test_every_rule_tag_names_a_rule() -> None:
    unknown = {t for t in _tags() if RULE_TAG.match(t)} - set(catalogue())
    assert unknown == set()


def test_profiles_nest() -> None:
    assert all(in_profile(r, "strict") for r in catalogue())
    core = {r for r in catalogue() if in_profile(r, "core")}
    documented = {r for r in catalogue() if in_profile(r, "documented")}
    assert core < documented <= set(catalogue())
    assert set(PROFILES) == {"core", "documented", "strict"}


def test_every_rule_has_a_scenario() -> None:
    missing = sorted(set(catalogue()) - _tags())
    assert missing == [], f"rules without a scenario: {missing}"


def test_every_area_has_its_feature_file() -> None:
    names = {p.stem for p in FEATURES_DIR.glob("*.feature")}
    assert {
        "order_import",
        "pre_integration",
        "blockers",
        "import_disabled",
        "order_settings",
        "views",
        "cancellation_and_stores",
        "sync_robustness",
    } <= names
