"""Every route of a simulated service, read from its route tables: the listing ``GET /_sim/`` answers,
and the Markdown route reference (``docs/routes.md``).

Regenerate the reference after changing a route table::

    python -m simulators.routes --write docs/routes.md
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import Any

from simulators.sandbox import SandboxRegistry, services
from simulators.wsgi import CONTROL_PREFIX, ServiceApp

_STORE_CODE = "/<store_code>"
_VARIABLE = re.compile(r"<(?:[a-z]+:)?([A-Za-z_]+)>")


def _shown(rule: str) -> str:
    """A werkzeug rule as the reference writes it: ``/orders/{order_id}``."""
    return _VARIABLE.sub(r"{\1}", rule)


def _summary(handler: Any) -> str:
    doc = (getattr(handler, "__doc__", None) or "").strip()
    return " ".join(doc.split("\n\n")[0].split())


def service_routes(app: ServiceApp) -> list[dict[str, str]]:
    """The service's own routes (method, path, operation), in table order. A route that also answers
    with a Magento store code (``/rest/<store_code>/V1/...``) is listed once, as ``/rest[/{store_code}]/V1/...``."""
    rules = list(app.url_map.iter_rules())
    with_store_code = {(r.rule.replace(_STORE_CODE, "", 1), r.endpoint) for r in rules if _STORE_CODE in r.rule}
    out = []
    for rule in rules:
        if _STORE_CODE in rule.rule:
            continue
        path = _shown(rule.rule)
        if (rule.rule, rule.endpoint) in with_store_code:
            path = path.replace("/rest/", "/rest[/{store_code}]/", 1)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append({"method": method, "path": path, "operation": rule.endpoint})
    return out


def control_routes(app: ServiceApp) -> list[dict[str, Any]]:
    """The control plane's routes (method, path under ``/_sim``, summary), the service's own first."""
    out = []
    for (method, path), handler in app.control.items():
        entry: dict[str, Any] = {"method": method, "path": CONTROL_PREFIX + path}
        summary = _summary(handler)
        if summary:
            entry["summary"] = summary
        out.append(entry)
    return out


def listing(app: ServiceApp) -> dict[str, Any]:
    """What ``GET /_sim/`` answers: the service, its routes and its control routes."""
    return {
        "service": app.service,
        "namespaces": "every route also answers under /ns/{namespace}/...",
        "routes": service_routes(app),
        "control_routes": control_routes(app),
    }


def markdown(apps: Sequence[ServiceApp]) -> str:
    """The route reference of ``apps`` in Markdown."""
    lines = [
        "# Route reference of the simulators",
        "",
        "Generated from the simulators' route tables by `python -m simulators.routes --write docs/routes.md`;",
        "do not edit by hand (`tests/simulators/test_routes.py` fails when it differs from the tables).",
        "Each service also lists its routes as JSON at `GET /_sim/`. Every route answers under",
        "`/ns/{namespace}/...` too. The operation is the name the request journal (`GET /_sim/journal`)",
        'and fault injection (`POST /_sim/faults {"operation": ...}`) use.',
    ]
    for app in apps:
        lines += ["", f"## {app.service}", "", "| method | path | operation |", "| --- | --- | --- |"]
        lines += [f"| {r['method']} | `{r['path']}` | `{r['operation']}` |" for r in service_routes(app)]
        lines += ["", f"### {app.service}: control plane", ""]
        lines += ["| method | path | what it does |", "| --- | --- | --- |"]
        lines += [f"| {r['method']} | `{r['path']}` | {r.get('summary', '')} |" for r in control_routes(app)]
    return "\n".join(lines) + "\n"


def reference() -> str:
    """The route reference of every registered simulator."""
    registry = SandboxRegistry()
    return markdown([service.app(registry) for service in services()])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulators.routes", description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", metavar="FILE", help="write the reference to FILE instead of printing it")
    args = parser.parse_args(argv)
    text = reference()
    if args.write:
        with open(args.write, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
