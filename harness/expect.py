"""Failures that explain themselves: which rule broke, what was expected, what the world held."""

from __future__ import annotations

from harness.blame import CHECKING
from harness.world import World


class RuleViolation(AssertionError):
    """A Then step found the world not as the rule says."""


def expect(ok: bool, world: World, expected: str, *, order: str | None = None, store: str | None = None) -> None:
    """Raise :class:`RuleViolation` unless ``ok``, naming the scenario's rules and the world's state."""
    if ok:
        return
    rules = CHECKING.get() or ", ".join(world.rules) or "(untagged scenario)"
    raise RuleViolation(f"Rule {rules} broken.\nExpected: {expected}\nThe world held:\n{world.state(order, store)}")
