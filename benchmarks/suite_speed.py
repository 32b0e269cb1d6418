"""How fast the conformance suite runs: wall time, and cost per scenario against an empty pytest-bdd scenario.

Goals: the strict suite in one process under 20 s; at most 10x the cost of an empty pytest-bdd scenario
per scenario (both measured the same way on this machine: the wall time of a run of all scenarios
minus that of a run selecting one, over the number of scenarios between them; collection is in both
runs, so it is left out). Wall and CPU seconds (the CPU of a busy machine is steadier than its wall
clock). Also printed: the in-run time (setup, call, teardown) per scenario of each.

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

    per = {k: (suite_all[k] - suite_one[k]) / max(total - selected, 1) for k in (0, 1)}
    empty_per = {k: (empty_all[k] - empty_one[k]) / max(args.empty - 1, 1) for k in (0, 1)}
    print(f"{'':29}{'wall':>9}{'CPU':>9}")
    print(f"{'strict suite, one process':29}{suite_all[0]:8.2f}s{suite_all[1]:8.2f}s  {total} scenarios, goal < 20 s")
    print(f"{'strict suite, -n 2':29}{suite_xdist[0]:8.2f}s{suite_xdist[1]:8.2f}s")
    print(f"{'start-up (one scenario run)':29}{suite_one[0]:8.2f}s{suite_one[1]:8.2f}s")
    print(f"{'cost per scenario':29}{per[0] * 1000:7.1f}ms{per[1] * 1000:7.1f}ms")
    empty_ms = (empty_per[0] * 1000, empty_per[1] * 1000)
    print(f"{'empty pytest-bdd scenario':29}{empty_ms[0]:7.1f}ms{empty_ms[1]:7.1f}ms  ({args.empty} of them)")
    print(f"{'ratio (goal: at most 10 x)':29}{per[0] / empty_per[0]:8.1f}x{per[1] / max(empty_per[1], 1e-9):8.1f}x")
    print(
        f"in-run time (setup+call+teardown) per scenario: suite {suite_in_run * 1000:.1f} ms, "
        f"empty {empty_in_run * 1000:.2f} ms, ratio {suite_in_run / empty_in_run:.1f} x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
