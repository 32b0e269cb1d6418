"""How fast the conformance suite runs: wall time, and cost per scenario against an empty pytest-bdd scenario.

Goals: the strict suite in one process under 20 s; at most 10x the cost of an empty pytest-bdd scenario
per scenario (both measured the same way on this machine: the wall time of a run of all scenarios
minus that of a run selecting one, over the number of scenarios between them; collection is in both
runs, so it is left out). Wall and CPU seconds (the CPU of a busy machine is steadier than its wall
clock). Also printed: the in-run time (setup, call, teardown) per scenario of each.

For context, two floors no connector can go under:
- the same scenarios with every step definition replaced by one that does nothing (same parsers, same
  number of definitions): what pytest-bdd itself costs for these scenarios, finding each step's definition;
- the in-process HTTP calls the reference connector makes per scenario, each priced as a call to a
  hello-world WSGI app through the reference connector's ``requests`` session and the same ``responses``
  transport (and, of that, what the ``requests`` session costs by itself, answered by an adapter that
  returns a canned response).

    .venv/bin/python benchmarks/suite_speed.py [--repeat 3] [--empty 200]

Not run by pytest; prints the numbers and ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ROOT / "features"

EMPTY_FEATURE_HEAD = "Feature: Empty scenarios\n"
EMPTY_STEPS = """from pytest_bdd import given, scenarios

scenarios("empty.feature")


@given("nothing happens")
def nothing() -> None:
    pass
"""


#: Python's default: cache bytecode (an environment that forbids it makes every start-up compile everything)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


SHAPED_STEPS = """import importlib

from pytest_bdd import scenarios, step
from pytest_bdd.steps import step_function_context_registry

from harness.steps import STEP_MODULES

for module in STEP_MODULES:
    importlib.import_module(module)
for context in list(step_function_context_registry.values()):
    step(context.parser, context.type, target_fixture=context.target_fixture)(lambda: None)

scenarios(".")
"""

HELLO_CALLS = """
import io
import time

from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3 import HTTPResponse

from reference_impl.http_session import ConnectorSession
from simulators.transport import InProcess

URL = "http://hello.test/rest/V1/products/SKU-1"


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"ok": true}']


class Canned(BaseAdapter):
    builder = HTTPAdapter()

    def send(self, request, **kwargs):
        raw = HTTPResponse(body=io.BytesIO(b'{"ok": true}'), status=200, preload_content=False,
                           headers={"Content-Type": "application/json"})
        return self.builder.build_response(request, raw)

    def close(self):
        pass


def per_call(session):
    session.get(URL).json()
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(500):
            session.get(URL, headers={"Authorization": "Bearer t"}).json()
        best = min(best, (time.perf_counter() - start) / 500)
    return best


alone = ConnectorSession()
alone.mount("http://hello.test", Canned())
with InProcess() as transport:
    transport.mount("http://hello.test", hello)
    print(per_call(ConnectorSession()), per_call(alone))
"""

CALLS_PER_SCENARIO = """
import sys
import pytest
import simulators.transport as transport

calls = []
original = transport._call_wsgi

def counted(app, request):
    calls.append(1)
    return original(app, request)

transport._call_wsgi = counted
pytest.main(["-q", "-p", "no:cacheprovider", sys.argv[1]])
print(len(calls))
"""


def _run(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the run's processes together) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=ENV)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{argv} failed ({result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def _wall(argv: list[str], cwd: Path) -> float:
    return _run(argv, cwd)[0]


def _best(argv: list[str], cwd: Path, repeat: int) -> tuple[float, float]:
    """The best wall and the best CPU seconds over ``repeat`` runs."""
    runs = [_run(argv, cwd) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def _suite_argv(*extra: str) -> list[str]:
    return [sys.executable, "-m", "harness.cli", "run", "--profile", "strict", *extra]


def _scenario_count(report_dir: Path) -> int:
    return len(json.loads((report_dir / "conformance.json").read_text())["scenarios"])


def _junit_seconds(path: Path) -> float:
    return sum(float(case.get("time", 0)) for case in ET.parse(path).iter("testcase"))


def _report_seconds(report_dir: Path) -> float:
    return sum(s["duration"] for s in json.loads((report_dir / "conformance.json").read_text())["scenarios"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (the best counts)")
    parser.add_argument("--empty", type=int, default=1000, help="empty scenarios in the baseline feature")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        report = work / "report"
        _wall(_suite_argv("--report-dir", str(report)), work)
        total = _scenario_count(report)
        one = work / "one"
        _wall(_suite_argv("--tags", "IMP-01", "--report-dir", str(one)), work)
        selected = _scenario_count(one)
        suite_all = _best(_suite_argv(), work, args.repeat)
        suite_one = _best(_suite_argv("--tags", "IMP-01"), work, args.repeat)
        suite_xdist = _best(_suite_argv("-n", "2"), work, args.repeat)
        suite_auto = _best(_suite_argv("-n", "auto"), work, args.repeat)

        empty = work / "empty"
        empty.mkdir()
        scenarios = "".join(f"\n  Scenario: empty {i}\n    Given nothing happens\n" for i in range(args.empty))
        (empty / "empty.feature").write_text(EMPTY_FEATURE_HEAD + scenarios, encoding="utf-8")
        (empty / "test_empty.py").write_text(EMPTY_STEPS, encoding="utf-8")
        (empty / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asc_conformance", "."]
        empty_all = _best(base, empty, args.repeat)
        empty_one = _best([*base, "-k", "empty_0"], empty, args.repeat)
        _wall([*base, "--junitxml", str(work / "empty.xml")], empty)
        empty_in_run = _junit_seconds(work / "empty.xml") / args.empty
        suite_in_run = _report_seconds(report) / total

        shaped = work / "shaped"
        shaped.mkdir()
        for feature in FEATURES.glob("*.feature"):
            (shaped / feature.name).write_text(feature.read_text(encoding="utf-8"), encoding="utf-8")
        (shaped / "test_shaped.py").write_text(SHAPED_STEPS, encoding="utf-8")
        (shaped / "pytest.ini").write_text("[pytest]\nfilterwarnings = ignore::pytest.PytestUnknownMarkWarning\n")
        shaped_all = _best(base, shaped, args.repeat)
        shaped_one = _best([*base, "-m", "IMP-01"], shaped, args.repeat)

        hello_call, client_alone = map(float, _output([sys.executable, "-c", HELLO_CALLS], ROOT).split())
        calls = int(_output([sys.executable, "-c", CALLS_PER_SCENARIO, str(FEATURES)], ROOT).split()[-1])

    per = {k: (suite_all[k] - suite_one[k]) / max(total - selected, 1) for k in (0, 1)}
    shaped_per = (shaped_all[0] - shaped_one[0]) / max(total - selected, 1)
    empty_per = {k: (empty_all[k] - empty_one[k]) / max(args.empty - 1, 1) for k in (0, 1)}
    print(f"{'':29}{'wall':>9}{'CPU':>9}")
    print(f"{'strict suite, one process':29}{suite_all[0]:8.2f}s{suite_all[1]:8.2f}s  {total} scenarios, goal < 20 s")
    print(f"{'strict suite, -n 2':29}{suite_xdist[0]:8.2f}s{suite_xdist[1]:8.2f}s")
    auto_ratio = suite_auto[0] / suite_all[0]
    print(f"{'strict suite, -n auto':29}{suite_auto[0]:8.2f}s{suite_auto[1]:8.2f}s  {auto_ratio:.2f} x one process")
    print(f"{'start-up (one scenario run)':29}{suite_one[0]:8.2f}s{suite_one[1]:8.2f}s")
    print(f"{'cost per scenario':29}{per[0] * 1000:7.1f}ms{per[1] * 1000:7.1f}ms")
    empty_ms = (empty_per[0] * 1000, empty_per[1] * 1000)
    print(f"{'empty pytest-bdd scenario':29}{empty_ms[0]:7.1f}ms{empty_ms[1]:7.1f}ms  ({args.empty} of them)")
    print(f"{'ratio (goal: at most 10 x)':29}{per[0] / empty_per[0]:8.1f}x{per[1] / max(empty_per[1], 1e-9):8.1f}x")
    print(
        f"in-run time (setup+call+teardown) per scenario: suite {suite_in_run * 1000:.1f} ms, "
        f"empty {empty_in_run * 1000:.2f} ms, ratio {suite_in_run / empty_in_run:.1f} x"
    )
    print(
        f"same scenarios, steps that do nothing: {shaped_per * 1000:.1f} ms per scenario "
        f"({shaped_per / empty_per[0]:.1f} x the empty scenario; the suite is {per[0] / shaped_per:.1f} x this)"
    )
    floor = calls / total * hello_call
    print(
        f"in-process HTTP calls: {calls / total:.1f} per scenario, {hello_call * 1e6:.0f} us each to a hello-world "
        f"app: {floor * 1000:.1f} ms per scenario ({floor / empty_per[0]:.1f} x the empty scenario), of which "
        f"the requests client alone {client_alone * 1e6:.0f} us a call ({client_alone / hello_call:.0%})"
    )
    return 0


def _output(argv: list[str], cwd: Path) -> str:
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=ENV)
    if result.returncode != 0:
        raise SystemExit(f"{argv[:2]} failed ({result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result.stdout.strip().splitlines()[-1]


if __name__ == "__main__":
    sys.exit(main())
