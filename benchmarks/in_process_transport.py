"""What an in-process HTTP call costs outside the simulator app, against ``requests`` by itself.

Each way is timed as the best of several alternating rounds of GET calls with an Authorization header,
decoding the JSON answer:

- ``canned``: a session answered by an adapter that returns a ready response (what ``requests`` itself
  costs; no transport at all), the floor;
- ``in-process``: ``simulators.transport.InProcess`` (``responses``) serving a hello-world WSGI app to the
  same kind of session: the transport's own cost is this minus the floor;
- ``werkzeug``: the same app through werkzeug's test client, no ``requests`` at all (for scale).

The canned and in-process pair runs twice: with a plain ``requests.Session``, which reads every
environment variable on each call (its cost grows with the environment), and with the reference
connector's session, which reads them once (the lower floor, so the stricter ratio). Goal: in-process
at most 2x canned. Noisy on a busy machine: same run, best of each. Not run by pytest::

    nice .venv/bin/python benchmarks/in_process_transport.py [--calls 2000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3 import HTTPResponse
from werkzeug.test import Client

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reference_impl.http_session import ConnectorSession  # noqa: E402
from simulators.transport import InProcess  # noqa: E402

BASE = "http://hello.bench"
URL = f"{BASE}/rest/V1/products/SKU-1"
BODY = b'{"ok": true}'


def hello(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]


class Canned(BaseAdapter):
    """An adapter answering every request with the same JSON, built as HTTPAdapter builds responses."""

    builder = HTTPAdapter()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        raw = HTTPResponse(
            body=io.BytesIO(BODY), status=200, preload_content=False, headers={"Content-Type": "application/json"}
        )
        return self.builder.build_response(request, raw)

    def close(self) -> None:
        pass


def _timed(call: Callable[[], Any], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        call()
    return (time.perf_counter() - start) / count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    headers = {"Authorization": "Bearer t"}
    sessions = {
        "plain canned": requests.Session(),
        "plain in-process": requests.Session(),
        "canned": ConnectorSession(),
        "in-process": ConnectorSession(),
    }
    for name in ("plain canned", "canned"):
        sessions[name].mount(BASE, Canned())
    client = Client(hello)
    ways: dict[str, Callable[[], Any]] = {
        name: (lambda session=session: session.get(URL, headers=headers, timeout=10).json())
        for name, session in sessions.items()
    }
    ways["werkzeug"] = lambda: client.get("/rest/V1/products/SKU-1", headers=headers).json
    best = dict.fromkeys(ways, float("inf"))
    with InProcess() as transport:
        transport.mount(BASE, hello)
        for call in ways.values():
            call()  # warm up
        for _ in range(args.rounds):
            for name, call in ways.items():
                best[name] = min(best[name], _timed(call, args.calls))
    for name, seconds in best.items():
        print(f"{name:>16}: {seconds * 1e6:7.1f} us a call")
    plain = best["plain in-process"] / best["plain canned"]
    print(f"plain requests.Session: in-process / canned = {plain:.2f}")
    print(f"connector's session:    in-process / canned = {best['in-process'] / best['canned']:.2f} (goal: at most 2)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
