"""Stateful fakes of Amazon's Selling Partner API (Orders) and Magento 2 REST.

Every service folder reads the same: ``model.py`` (state and rules, typed errors, no lock, no HTTP),
``wire.py`` (the real API's routes as a table), ``control.py`` (the test-only routes under ``/_sim``
as a table, over the same model) and ``errors.py`` (the real service's errors). The shared layer
(``sandbox``, ``wsgi``, ``control``, ``journal``, ``clock``, ``routes``, ``transport``) imports no
service: each service registers itself with the sandbox when its package is imported, which this
package does here. The services of one namespace share a :class:`~simulators.clock.SimClock`.
"""

import simulators.amazon
import simulators.magento  # noqa: F401  # both register themselves with the sandbox
from simulators.clock import SimClock
from simulators.sandbox import Sandbox, SandboxRegistry

__all__ = ["Sandbox", "SandboxRegistry", "SimClock"]
