"""Stateful fakes of Amazon's Selling Partner API (Orders) and Magento 2 REST.

Each service is a pure model (state and rules), a wire layer (a WSGI app shaped like the real
service) and a control plane (what tests may do that real clients may not). Both services of one
namespace share a :class:`~simulators.clock.SimClock`.
"""

from simulators.clock import SimClock
from simulators.sandbox import Sandbox, SandboxRegistry

__all__ = ["Sandbox", "SandboxRegistry", "SimClock"]
