"""Failures that explain themselves: which rule broke, what was expected, what the world held."""

from __future__ import annotations

from typing import Any

from harness.blame import CHECKING
from harness.evidence import difference
from harness.world import World

_UNSET: Any = object()


class RuleViolation(AssertionError):
    """A Then step found the world not as the rule says; ``difference`` lists compared fields that differ."""

    def __init__(self, message: str, difference: list[str] | None = None) -> None:
        super().__init__(message)
        self.difference = list(difference or [])


def expect(
    ok: bool,
    world: World,
    expected: str,
    *,
    order: str | None = None,
    store: str | None = None,
    wanted: Any = _UNSET,
    found: Any = _UNSET,
) -> None:
    """Raise :class:`RuleViolation` unless ``ok``, naming the rule the step checks and the world's state.

    When the step compared two structures, pass them as ``wanted`` and ``found``: the failure then lists
    their difference field by field.
    """
    if ok:
        return
    rules = CHECKING.get() or ", ".join(world.rules) or "(untagged scenario)"
    diff = difference(wanted, found) if wanted is not _UNSET and found is not _UNSET else []
    shown = ("\nDifference (expected -> found):\n" + "\n".join(f"  {line}" for line in diff)) if diff else ""
    raise RuleViolation(
        f"Rule {rules} broken.\nExpected: {expected}{shown}\nThe world held:\n{world.state(order, store)}", diff
    )
