"""Mutant connectors, found through the ``asc_conformance.mutants`` entry points like any connector.

A mutant is an adapter factory (``factory(env) -> ConnectorAdapter``) that breaks one rule on purpose;
its entry point's name selects it (``--impl <name>``) and the factory carries what the kill matrix needs:
``rule``, ``description`` and, for a known gap, ``missing_scenario`` (see :func:`describe`). The
catalogue of hand-written mutants is :mod:`harness.mutants`; a package can register mutants of its own
connector in the same group.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from harness.adapter import AdapterFactory
from harness.rules import catalogue as rule_catalogue

#: The entry-point group of mutant connectors (a sibling of ``asc_conformance.connectors``).
MUTANT_GROUP = "asc_conformance.mutants"


@dataclass(frozen=True)
class Mutant:
    """One deliberately broken connector: the rule it breaks, what it does wrong, how to build it."""

    name: str
    rule: str
    description: str
    factory: AdapterFactory
    #: For a known gap: the scenario the suite lacks, which would kill this mutant.
    missing_scenario: str = ""

    @property
    def impl(self) -> str:
        """The ``--impl`` value that selects this mutant: its registry name."""
        return self.name


def describe(factory: Any, rule: str, description: str, missing_scenario: str = "") -> AdapterFactory:
    """Mark an adapter factory as a mutant breaking ``rule`` (what :func:`registered` reads back)."""
    factory.rule = rule
    factory.description = description
    factory.missing_scenario = missing_scenario
    factory.__doc__ = f"{rule}: {description}"
    return factory  # type: ignore[no-any-return]


def registered() -> dict[str, Mutant]:
    """Every mutant of the entry-point group, by name, in the rule catalogue's order (then by name).

    Raises ValueError naming an entry point whose factory does not say which rule it breaks.
    """
    found: dict[str, Mutant] = {}
    for ep in entry_points(group=MUTANT_GROUP):
        factory = ep.load()
        rule, description = getattr(factory, "rule", None), getattr(factory, "description", None)
        if not isinstance(rule, str) or not isinstance(description, str):
            raise ValueError(f"mutant entry point {ep.name} = {ep.value}: its factory names no rule and description")
        found[ep.name] = Mutant(ep.name, rule, description, factory, str(getattr(factory, "missing_scenario", "")))
    ids = list(rule_catalogue())
    order = sorted(found.values(), key=lambda m: (ids.index(m.rule) if m.rule in ids else len(ids), m.name))
    return {m.name: m for m in order}


def catalogue() -> list[Mutant]:
    """Every registered mutant the suite must kill (the known gaps left out)."""
    return [m for m in registered().values() if not m.missing_scenario]


def gaps() -> list[Mutant]:
    """Registered mutants the suite does not kill yet, each with the scenario it lacks."""
    return [m for m in registered().values() if m.missing_scenario]


def resolve_names(names: list[str] | None) -> list[Mutant]:
    """The named mutants (every catalogued one when ``names`` is empty); KeyError names the unknown ones."""
    known = registered()
    if not names:
        return [m for m in known.values() if not m.missing_scenario]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise KeyError(f"unknown mutant(s) {unknown}; known: {sorted(known)}")
    return [known[n] for n in names]
