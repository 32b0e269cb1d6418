"""A broken connector in a module of its own, reached as ``--impl mutants:imports_while_pending``
(the ``module:factory`` form an integrator uses); it is the catalogued mutant of the same name."""

from __future__ import annotations

from harness.adapter import ConnectorAdapter, ConnectorEnvironment
from harness.mutants import MUTANTS


def imports_while_pending(env: ConnectorEnvironment) -> ConnectorAdapter:
    """Breaks IMP-02: creates the Magento order while the Amazon order is still Pending."""
    return MUTANTS["imports_while_pending"].factory(env)
