"""The kill matrix: run the conformance suite against every mutant and show which rules catch it.

``python -m harness.mutation`` runs the whole suite against each registered mutant (the
``asc_conformance.mutants`` entry points, :mod:`harness.mutant_registry`; the hand-written ones are
:mod:`harness.mutants`), and once against the reference connector, the baseline, and prints, per
mutant, whether the rule
it breaks failed (killed) or not (SURVIVED), and which other rules failed with it. It exits 1 when
a mutant survives. ``--quick`` runs only the scenarios of each mutant's own rule (what CI does).

A mutant counts as killed only by a scenario whose failure is blamed on its rule (the rule the failing
Then step checks, see :mod:`harness.blame`), that fails against the mutant and passes against the
reference connector in the same run: a scenario that is broken for everyone proves nothing. The rules
listed as failing against a mutant are the blamed rules, as in the conformance report.

Runs are spread over worker processes (``--workers``); each worker runs its share of the suite runs
one after another in its own process (pytest's start-up is paid once per worker).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import mutant_registry as catalogue_module
from harness.mutant_registry import Mutant

REFERENCE = "reference"


@dataclass(frozen=True)
class Job:
    """One suite run: a connector (``--impl``) and an optional tag expression."""

    key: str
    impl: str
    tags: str | None = None


@dataclass
class Outcome:
    """What one suite run reported: scenario outcomes (by node ID) and the rules each checks."""

    exit_code: int
    scenarios: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str = ""
    seconds: float = 0.0

    def failed(self) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.scenarios.items() if v["outcome"] == "failed"}

    def passed(self) -> set[str]:
        return {k for k, v in self.scenarios.items() if v["outcome"] == "passed"}

    def as_json(self) -> dict[str, Any]:
        return {"exit_code": self.exit_code, "scenarios": self.scenarios, "error": self.error, "seconds": self.seconds}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        return cls(
            int(data["exit_code"]), dict(data["scenarios"]), str(data.get("error", "")), float(data.get("seconds", 0))
        )


@dataclass
class Verdict:
    """One mutant's fate: killed or not, by which scenarios, and every rule that failed against it."""

    mutant: Mutant
    killed: bool
    killing: list[str]
    failed_rules: list[str]
    error: str = ""
    crashes: list[str] = field(default_factory=list)
    blamed_on: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "mutant": self.mutant.name,
            "rule": self.mutant.rule,
            "description": self.mutant.description,
            "killed": self.killed,
            "killing_scenarios": self.killing,
            "blamed_on": self.blamed_on,
            "failed_rules": self.failed_rules,
            "error": self.error,
            "crashes": self.crashes,
        }


# -- running the suite (inside a worker process) ---------------------------------------------------------
def run_job(job: Job, report_dir: Path) -> Outcome:
    """Run the suite once, in this process, quietly; the outcome comes from its conformance.json."""
    from harness.suite_run import run_suite

    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        code = run_suite(job.impl, profile="strict", tags=job.tags, report_dir=str(report_dir))
    report = report_dir / "conformance.json"
    if not report.exists():
        return Outcome(code, error=sink.getvalue()[-2000:] or "the run wrote no report")
    data = json.loads(report.read_text())
    scenarios = {
        s["nodeid"]: {
            "outcome": s["outcome"],
            "rules": list(s["rules"]),
            "blamed": list(s.get("blamed") or []),
            "scenario": s["scenario"],
            "failure": _first_line(s.get("message", "")) if s["outcome"] == "failed" else "",
        }
        for s in data.get("scenarios", [])
    }
    return Outcome(code, scenarios)


def _first_line(message: str) -> str:
    return next((line for line in message.splitlines() if line.strip()), "")[:300]


def _is_violation(scenario: dict[str, Any]) -> bool:
    """Whether a failed scenario failed on an assertion (a Then step found a rule broken), not a crash."""
    failure = str(scenario.get("failure", ""))
    return failure.startswith(("RuleViolation", "AssertionError"))


def _blamed(scenario: dict[str, Any]) -> list[str]:
    """The rules a failed scenario is blamed on (every rule it checks when the report names none)."""
    return list(scenario.get("blamed") or scenario["rules"])


def _worker(jobs: list[Job], out: Path) -> None:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="asc-mutation-") as tmp:
        # pytest's own temporary root, private to this worker: no time spent pruning other runs' leftovers
        os.environ["PYTEST_DEBUG_TEMPROOT"] = tmp
        for index, job in enumerate(jobs):
            started = time.perf_counter()
            outcome = run_job(job, Path(tmp) / str(index))
            outcome.seconds = round(time.perf_counter() - started, 3)
            results[job.key] = outcome.as_json()
    out.write_text(json.dumps(results))


def run_jobs(jobs: list[Job], workers: int = 2) -> dict[str, Outcome]:
    """Run jobs spread over ``workers`` subprocesses (round robin); outcomes by job key."""
    workers = max(1, min(workers, len(jobs)))
    shares = [jobs[i::workers] for i in range(workers)]
    with tempfile.TemporaryDirectory(prefix="asc-mutation-") as tmp:

        def launch(index: int) -> dict[str, Any]:
            spec = Path(tmp) / f"jobs-{index}.json"
            out = Path(tmp) / f"out-{index}.json"
            spec.write_text(json.dumps([vars(j) for j in shares[index]]))
            proc = subprocess.run(
                [sys.executable, "-m", "harness.mutation", "--worker", str(spec), str(out)],
                capture_output=True,
                text=True,
                cwd=tmp,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
                timeout=1800,
            )
            if not out.exists():
                message = (proc.stderr or proc.stdout)[-2000:]
                return {j.key: Outcome(proc.returncode, error=message).as_json() for j in shares[index]}
            return dict(json.loads(out.read_text()))

        merged: dict[str, Any] = {}
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for part in pool.map(launch, range(workers)):
                merged.update(part)
    return {key: Outcome.from_json(value) for key, value in merged.items()}


# -- verdicts ----------------------------------------------------------------------------------------------
def verdict(mutant: Mutant, outcome: Outcome, baseline: Outcome) -> Verdict:
    """Killed when a scenario fails an assertion blamed on the mutant's rule against it and passes on the
    reference. When no failure is blamed on that rule but a scenario tagged with it fails an assertion
    blamed on another rule, the mutant is killed *blamed on* that other rule: the suite catches it but
    cannot tell it from a break of the other rule (``blamed_on`` names it; the matrix shows it). A
    scenario that crashes (the mutant no longer fits the reference, say) kills nothing."""
    trusted = baseline.passed()
    failed = {k: v for k, v in outcome.failed().items() if k in trusted}
    own = [v for v in failed.values() if mutant.rule in _blamed(v)]
    killing = sorted(v["scenario"] for v in own if _is_violation(v))
    blamed_on: list[str] = []
    if not killing:
        tagged = [v for v in failed.values() if mutant.rule in v["rules"] and _is_violation(v)]
        killing = sorted(v["scenario"] for v in tagged)
        blamed_on = sorted({r for v in tagged for r in _blamed(v)}, key=_rule_key)
    crashes = sorted(f"{v['scenario']}: {v['failure']}" for v in own if not _is_violation(v))
    rules = sorted({r for v in failed.values() for r in _blamed(v)})
    killed = bool(killing) and outcome.exit_code == 1
    return Verdict(mutant, killed, killing, rules, outcome.error, crashes, blamed_on)


def kill_matrix(mutants: Sequence[Mutant], *, quick: bool = False, workers: int = 2) -> tuple[list[Verdict], Outcome]:
    """Run the suite against each mutant (only its rule's scenarios when ``quick``) and the reference."""
    jobs = [Job(m.name, m.impl, m.rule if quick else None) for m in mutants]
    rules = sorted({m.rule for m in mutants})
    jobs.insert(0, Job(REFERENCE, REFERENCE, " or ".join(rules) if quick else None))
    outcomes = run_jobs(jobs, workers)
    baseline = outcomes[REFERENCE]
    return [verdict(m, outcomes[m.name], baseline) for m in mutants], baseline


def render(verdicts: Sequence[Verdict], baseline: Outcome) -> str:
    """The matrix as text: one line per mutant, then the rules the reference itself fails (if any)."""
    width = max(len(v.mutant.name) for v in verdicts)
    lines = [f"{'mutant':<{width}}  {'rule':<8} {'verdict':<9} rules failing against the mutant"]
    for v in verdicts:
        state = "killed" if v.killed else "SURVIVED"
        others = ", ".join(v.failed_rules) or "-"
        lines.append(f"{v.mutant.name:<{width}}  {v.mutant.rule:<8} {state:<9} {others}")
        if v.error:
            lines.append(f"{'':<{width}}  error: {v.error.strip().splitlines()[-1]}")
        if v.killed and v.blamed_on:
            lines.append(f"{'':<{width}}  blamed on {', '.join(v.blamed_on)}: the suite cannot tell it from that break")
        for crash in v.crashes[:3]:
            lines.append(f"{'':<{width}}  crashed (kills nothing): {crash}")
        if not v.killed and v.mutant.missing_scenario:
            lines.append(f"{'':<{width}}  missing scenario: {v.mutant.missing_scenario}")
    broken = sorted({r for s in baseline.failed().values() for r in _blamed(s)})
    killed = sum(v.killed for v in verdicts)
    lines.append(f"{killed}/{len(verdicts)} mutants killed")
    if broken:
        lines.append("the reference connector itself fails " + ", ".join(broken) + " (those scenarios kill nothing)")
    return "\n".join(lines)


def markdown(verdicts: Sequence[Verdict]) -> str:
    """The matrix as a Markdown table: each mutant, its rule, the verdict, the scenarios that killed it
    and every other rule that failed against it."""
    rows = ["| mutant | breaks | verdict | killed by | other rules failing |", "| --- | --- | --- | --- | --- |"]
    for v in verdicts:
        state = "killed" if v.killed else "**SURVIVED**"
        if v.killed and v.blamed_on:
            state += f" (blamed on {', '.join(v.blamed_on)})"
        killing = "; ".join(v.killing) or "-"
        others = ", ".join(r for r in sorted(v.failed_rules, key=_rule_key) if r != v.mutant.rule) or "-"
        rows.append(f"| `{v.mutant.name}` | {v.mutant.rule} | {state} | {killing} | {others} |")
    return "\n".join(rows)


def _rule_key(rule: str) -> tuple[int, str]:
    from harness.rules import catalogue

    ids = list(catalogue())
    return (ids.index(rule), rule) if rule in ids else (len(ids), rule)


# -- command line ------------------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the kill-matrix command (also usable as an ``asc-conformance`` subcommand)."""
    parser.add_argument("--quick", action="store_true", help="run only each mutant's own rule's scenarios")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--mutant", action="append", default=[], help="only this mutant (repeatable)")
    parser.add_argument("--json", default=None, help="write the verdicts to this JSON file")
    parser.add_argument("--markdown", default=None, help="write the matrix as a Markdown table to this file")
    parser.add_argument("--gaps", action="store_true", help="also run the known gaps (mutants no scenario kills yet)")
    parser.add_argument("--list", action="store_true", help="list the catalogue and exit")


def run(args: argparse.Namespace) -> int:
    """Run the kill matrix as ``args`` say; 0 when every mutant is killed, 1 otherwise, 2 on bad input."""
    if args.list:
        for m in catalogue_module.catalogue() + catalogue_module.gaps():
            print(f"{m.name:<40} {m.rule:<8} {m.description}" + (" (known gap)" if m.missing_scenario else ""))
        return 0
    try:
        chosen = catalogue_module.resolve_names(args.mutant)
    except KeyError as err:
        print(f"mutation: error: {err.args[0]}", file=sys.stderr)
        return 2
    if args.gaps and not args.mutant:
        chosen += catalogue_module.gaps()
    verdicts, baseline = kill_matrix(chosen, quick=args.quick, workers=args.workers)
    print(render(verdicts, baseline))
    if args.json:
        Path(args.json).write_text(json.dumps([v.as_json() for v in verdicts], indent=1))
    if args.markdown:
        Path(args.markdown).write_text(markdown(verdicts) + "\n")
    return 0 if all(v.killed for v in verdicts) else 1


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        jobs = [Job(**j) for j in json.loads(Path(argv[1]).read_text())]
        _worker(jobs, Path(argv[2]))
        return 0
    parser = argparse.ArgumentParser(prog="python -m harness.mutation", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
