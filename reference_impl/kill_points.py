"""Deterministic crash points for crash tests: ``ASC_KILL_AT`` kills the process at a chosen step of its work.

The value is ``<what>:<n>:<phase>[:<METHOD> <path end>]``. ``what`` is ``call`` (an HTTP call to Amazon
or Magento) or ``commit`` (the COMMIT of a SQLite transaction); ``n`` counts them from 1 since the
process started. ``phase`` is ``before`` (the call not sent; the transaction's writes made but not
committed) or ``after`` (the answer received but not read; the transaction committed). With
``METHOD path end``, a call counts only when its method is that and its URL path ends so
(``call:2:after:POST /V1/orders``: the second order create), and commits count from the first such call
on (``commit:1:before:POST /V1/orders``: the first transaction after the first create). At that point
the process sends itself SIGKILL: no clean-up, no buffered output, as when the machine loses power
mid-step. Unset (production), each check is a single comparison.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

KINDS = ("call", "commit")
PHASES = ("before", "after")


def _plan(value: str | None) -> tuple[str, int, str, tuple[str, str] | None] | None:
    if not value:
        return None
    parts = value.split(":", 3)
    what, number, phase = [*parts, "", "", ""][:3]
    method, _, path = parts[3].partition(" ") if len(parts) == 4 else ("", "", "")
    call = (method, path) if len(parts) == 4 else None
    if (
        what not in KINDS
        or phase not in PHASES
        or not number.isdigit()
        or int(number) < 1
        or (call is not None and (not method.isalpha() or not path.startswith("/")))
    ):
        raise SystemExit(f"ASC_KILL_AT must be <call|commit>:<n>:<before|after>[:<METHOD> <path end>], got {value!r}")
    return what, int(number), phase, call


_PLAN = _plan(os.environ.get("ASC_KILL_AT"))
_COUNTS: Counter[str] = Counter()
_ARMED: list[bool] = [_PLAN is None or _PLAN[3] is None]  # commits count once the named call was seen


def step(what: str, phase: str, method: str = "", path: str = "") -> None:
    """Mark the ``phase`` of one step of kind ``what`` (a call's ``method`` and URL ``path``); ``before``
    counts it. Kills the process at the planned one."""
    if _PLAN is None:
        return
    kind, number, planned_phase, call = _PLAN
    named = call is None or (what == "call" and method == call[0] and path.endswith(call[1]))
    if kind == "commit" and named and what == "call":
        _ARMED[0] = True
    if kind != what or (kind == "call" and not named) or (kind == "commit" and not _ARMED[0]):
        return
    if phase == "before":
        _COUNTS[what] += 1
    if _COUNTS[what] == number and phase == planned_phase:
        os.kill(os.getpid(), signal.SIGKILL)
