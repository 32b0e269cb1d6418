"""The evidence beside a failure: what the connector sent to both fakes, and how compared structures differ.

A failed scenario carries its request log: every request the connector made to the fake Amazon and the
fake Magento during the scenario, in order (service, operation, method, path, query, status, body), read
from the sandbox's request journal. Bodies are trimmed to :data:`BODY_LIMIT` characters and the log to
:data:`LOG_LIMIT` requests (the first and the last halves are kept; ``omitted`` counts the others).
"""

from __future__ import annotations

import json
from typing import Any

from deepdiff import DeepDiff

BODY_LIMIT = 2000
LOG_LIMIT = 400
SHORT_BODY = 120


def _text(body: Any) -> str:
    if body is None or body == "":
        return ""
    if isinstance(body, str):
        return body
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)


def trimmed(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how much was cut."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text) - limit} more characters)"


def request_log(journal: Any) -> dict[str, Any]:
    """The scenario's requests to both fakes, in order, from a sandbox's journal."""
    entries = list(journal.entries())
    entries.sort(key=lambda e: e.at)  # stable: requests at one simulated instant keep their order
    omitted = max(len(entries) - LOG_LIMIT, 0)
    if omitted:
        entries = entries[: LOG_LIMIT // 2] + entries[-LOG_LIMIT // 2 :]
    return {
        "requests": [
            {
                "service": e.service,
                "operation": e.operation,
                "method": e.method,
                "path": e.path,
                "query": e.query,
                "status": e.status,
                "body": trimmed(_text(e.body), BODY_LIMIT),
                "at": e.at.isoformat(),
            }
            for e in entries
        ],
        "omitted": omitted,
    }


def request_line(request: dict[str, Any], body: int = SHORT_BODY) -> str:
    """One request on one line: ``amazon  GET /orders/v0/orders -> 200  {body...}``."""
    query = "&".join(f"{k}={v}" for k, values in sorted(request.get("query", {}).items()) for v in values)
    path = request["path"] + (f"?{query}" if query else "")
    text = trimmed(str(request.get("body") or ""), body) if body else ""
    return f"{request['service']:<7} {request['method']:<6} {path} -> {request['status']}" + (
        f"  {text}" if text else ""
    )


def short_log(log: dict[str, Any], last: int = 12) -> list[str]:
    """The console's view of a request log: how many requests, then the last ``last`` on a line each."""
    requests = list(log.get("requests") or [])
    total = len(requests) + int(log.get("omitted") or 0)
    head = f"{total} request{'s' if total != 1 else ''} to the fakes"
    lines = [head + (f", the last {last}:" if total > last else ":")]
    return lines + [f"  {request_line(r)}" for r in requests[-last:]]


def difference(expected: Any, found: Any) -> list[str]:
    """Field by field, how ``found`` differs from ``expected`` (one line per changed, added or removed field)."""
    diff = DeepDiff(expected, found, ignore_order=False, verbose_level=2)
    return [line for line in diff.pretty().splitlines() if line.strip()]
