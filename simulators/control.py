"""The control routes every simulated service shares, under ``/_sim``: the route listing, the
namespace's clock, its request journal, its faults, and reset.

Each handler takes the one handler shape, ``handler(call) -> body`` (:class:`~simulators.wsgi.Call`);
a service's control table is its ``control.py``'s own routes :func:`with_common` these.
"""

from __future__ import annotations

from typing import Any

from simulators.clock import parse_iso
from simulators.journal import Fault
from simulators.wsgi import Call, ControlRoutes


def routes(call: Call) -> dict[str, Any]:
    """Every route of this service and of its control plane (this listing)."""
    from simulators.routes import listing  # on first use: ``python -m simulators.routes`` runs it as a script

    return listing(call.app)


def clock(call: Call) -> dict[str, Any]:
    return {"now": call.sandbox.clock.now().isoformat()}


def clock_advance(call: Call) -> dict[str, Any]:
    return {"now": call.sandbox.clock.advance(float(call.body.get("seconds", 0))).isoformat()}


def clock_set(call: Call) -> dict[str, Any]:
    return {"now": call.sandbox.clock.set(parse_iso(str(call.body["now"]))).isoformat()}


def journal(call: Call) -> dict[str, Any]:
    args = call.request.args
    entries = call.sandbox.journal.entries(args.get("service"), args.get("operation"))
    return {"entries": [e.as_dict() for e in entries]}


def fault(call: Call) -> dict[str, Any]:
    body = call.body
    queued = Fault(
        kind=str(body["kind"]),
        times=int(body.get("times", 1)),
        status=int(body.get("status", 500)),
        seconds=float(body.get("seconds", 30.0)),
    )
    call.sandbox.faults.inject(str(body.get("service", call.app.service)), str(body.get("operation", "*")), queued)
    return {"queued": True}


def faults_clear(call: Call) -> dict[str, Any]:
    call.sandbox.faults.clear()
    return {"cleared": True}


def reset(call: Call) -> dict[str, Any]:
    call.sandbox.reset(seed=call.body.get("seed"))
    return {"reset": True, "now": call.sandbox.clock.now().isoformat()}


COMMON_ROUTES: ControlRoutes = {
    ("GET", "/"): routes,
    ("GET", "/clock"): clock,
    ("POST", "/clock/advance"): clock_advance,
    ("POST", "/clock/set"): clock_set,
    ("GET", "/journal"): journal,
    ("POST", "/faults"): fault,
    ("DELETE", "/faults"): faults_clear,
    ("POST", "/reset"): reset,
}


def with_common(own: ControlRoutes) -> ControlRoutes:
    """A service's control table: its own routes first, then the shared ones it does not answer itself."""
    return {**own, **{key: handler for key, handler in COMMON_ROUTES.items() if key not in own}}
