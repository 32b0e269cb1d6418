"""Which rule a Then step checks, so that a failure is blamed on that rule and not on its whole scenario.

Every Then step of the library declares its rules with :func:`checks`, under its ``@then``::

    @then(parsers.parse('order "{alias}" has no Magento order'))
    @checks("IMP-02", "BLK-08", "BLK-01", ...)
    def no_magento_order(world, alias): ...

The first rule is the step's own: what the observation checks by itself. The others are rules whose
statement the same observation is part of; when the running scenario is tagged with one of them, the
first such (in the order listed) takes the blame instead, since that scenario was written for it. A
failing Then step fails its blamed rule only; the scenario's other rules are *not reached*.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

ATTRIBUTE = "__asc_rules__"

#: The rule the running Then step checks (set by the plugin around each step), for failure messages.
CHECKING: ContextVar[str | None] = ContextVar("asc_checking", default=None)


def checks(own: str, *specific: str) -> Callable[[F], F]:
    """Declare the rules a Then step checks: its own rule, then more specific rules that take the blame in
    scenarios tagged with them (first listed first)."""
    rules = (own, *specific)
    if len(set(rules)) != len(rules):
        raise ValueError(f"a rule is declared twice: {rules}")

    def mark(func: F) -> F:
        setattr(func, ATTRIBUTE, rules)
        return func

    return mark


def declared(func: Callable[..., Any] | None) -> tuple[str, ...]:
    """The rules a step function declares (empty for a step that declares none)."""
    return tuple(getattr(func, ATTRIBUTE, ())) if func is not None else ()


def blamed(rules: Sequence[str], scenario_rules: Iterable[str]) -> str | None:
    """The rule a failure of a step declaring ``rules`` is blamed on, in a scenario tagged ``scenario_rules``."""
    if not rules:
        return None
    carried = set(scenario_rules)
    return next((r for r in rules[1:] if r in carried), rules[0])
