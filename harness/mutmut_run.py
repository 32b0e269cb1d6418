"""Mechanical mutation testing of the reference connector with mutmut, scored per module.

``python -m harness.mutmut_run`` copies the project into a scratch folder per suite, runs
``mutmut run`` there over the rule-bearing modules of ``reference_impl/`` with the conformance suite
(``features/``) as the killing tests, and prints mutmut's count per module: killed, survived, no
tests, timeout, and the survivors triaged in ``harness/mutmut_equivalents.toml`` (equivalent, or
observable but pinned by no rule). It exits 1 when a module scores under ``--min-score`` (killed or
timed out, over all mutants but the equivalent ones).

mutmut 3 compiles every mutant of a function into the module behind a trampoline, runs the suite
once to learn which scenarios call which function, then forks its warm process once per mutant and
runs only those scenarios (``-x``): no interpreter start-up per mutant. ``orders_2026`` is only
reached through ``--asc-impl reference-2026``, so it is its own suite (its own mutmut run).
mutmut reads ``[tool.mutmut]`` of ``pyproject.toml``; each copy's table is narrowed to the modules
mutated there and names the connector (``--asc-impl``) the suite runs against.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENTS = Path(__file__).with_name("mutmut_equivalents.toml")
PACKAGE = "reference_impl"
# Every rule-bearing module of the reference connector, and the connector (--asc-impl) whose suite reaches it.
MODULES: dict[str, str] = {
    "sync": "reference",
    "orders": "reference",
    "cancellation": "reference",
    "reservations": "reference",
    "views": "reference",
    "customers": "reference",
    "connector": "reference",
    "orders_2026": "reference-2026",
}
COPY_IGNORED = (".git", ".venv", "mutants", "build", "dist", "reports", "__pycache__", ".hypothesis", "*.sqlite3")
DETECTED = ("killed", "timeout")
#: A mutant whose change a triage entry calls equivalent, left out of a full run (``--run-equivalents`` runs it).
SKIPPED = "skipped"
STATUSES = ("killed", "timeout", "survived", "no tests", "suspicious", "segfault", "not checked", SKIPPED)


@dataclass(frozen=True)
class Equivalent:
    """Survivors triaged as equivalent: a function (glob) and its change, exact, as one regex, or a kind.

    A regex (``change_re``) must match the whole of ``before + "\\n=>\\n" + after``, so a back-reference
    can say that the rest of the line is unchanged. ``kind = "sql_case"``: only the case of an SQL text
    changed, outside its quoted literals (SQLite's keywords and names ignore case).
    """

    function: str
    before: str
    after: str
    reason: str
    kind: str = "exact"
    verdict: str = "equivalent"

    def matches(self, mutant: Mutant) -> bool:
        if not fnmatch.fnmatchcase(mutant.function, self.function):
            return False
        if self.kind == "regex":
            return re.fullmatch(self.before, f"{mutant.before}\n=>\n{mutant.after}", re.DOTALL) is not None
        if self.kind == "sql_case":
            return _sql_case_only(mutant.before, mutant.after)
        return (self.before, self.after) == (mutant.before, mutant.after)


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|WHERE|AND|OR|FROM|SET|IS|NULL|ORDER BY|LIKE)\b|\?", re.IGNORECASE)
_QUOTED = re.compile(r"'[^']*'")
KINDS = ("exact", "regex", "sql_case")
VERDICTS = ("equivalent", "no rule")


def _sql_case_only(before: str, after: str) -> bool:
    if "\n" in before or "\n" in after or _STRING.sub('""', before) != _STRING.sub('""', after):
        return False
    changed = [(x, y) for x, y in zip(_STRING.findall(before), _STRING.findall(after), strict=False) if x != y]
    return len(changed) == 1 and all(
        x.lower() == y.lower() and _SQL.search(x) is not None and _QUOTED.findall(x) == _QUOTED.findall(y)
        for x, y in changed
    )


@dataclass
class Mutant:
    """One mutant of one module: mutmut's name and status, and for a survivor its one-line change."""

    name: str
    status: str
    before: str = ""
    after: str = ""
    diff: str = ""
    equivalent: str = ""  # the triage reason, when triaged
    verdict: str = ""  # "equivalent", or "no rule": observable, but no rule of the catalogue pins it

    @property
    def function(self) -> str:
        return self.name.rsplit("__mutmut_", 1)[0]


@dataclass
class ModuleScore:
    """mutmut's count for one module, with the survivors that are not triaged as equivalent."""

    module: str
    counts: Counter[str] = field(default_factory=Counter)
    mutants: list[Mutant] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def equivalent(self) -> int:
        return sum(1 for m in self.mutants if m.verdict == "equivalent")

    @property
    def no_rule(self) -> int:
        return sum(1 for m in self.mutants if m.verdict == "no rule")

    @property
    def detected(self) -> int:
        return sum(self.counts[s] for s in DETECTED)

    @property
    def score(self) -> float:
        """Detected, in percent of the mutants run that are not equivalent (a stopped run still scores)."""
        scored = self.total - self.counts["not checked"] - self.equivalent
        return 100.0 * self.detected / scored if scored else 100.0

    def untriaged(self) -> list[Mutant]:
        return [m for m in self.mutants if m.status not in (*DETECTED, "not checked", SKIPPED) and not m.verdict]

    def as_json(self) -> dict[str, Any]:
        return {
            "module": self.module,
            "counts": dict(self.counts),
            "equivalent": self.equivalent,
            "no_rule": self.no_rule,
            "score": round(self.score, 1),
            "source_sha256": source_sha256(self.module),
            "statuses": {m.name: m.status for m in self.mutants},
            "untriaged": [{"name": m.name, "status": m.status, "diff": m.diff} for m in self.untriaged()],
        }


def load_equivalents(path: Path = EQUIVALENTS) -> list[Equivalent]:
    """The triaged equivalent mutants. Raises ValueError on an incomplete entry or a bad regex or kind."""
    data = tomllib.loads(path.read_text()) if path.exists() else {}
    found = []
    for entry in data.get("equivalent", []):
        kind = "regex" if "change_re" in entry else str(entry.get("kind", "exact"))
        if kind not in KINDS:
            raise ValueError(f"{path.name}: entry {entry} has an unknown kind {kind!r}; known: {KINDS}")
        fields = {"function", "reason"} | {"regex": {"change_re"}, "exact": {"before", "after"}}.get(kind, set())
        missing = fields - set(entry)
        if missing:
            raise ValueError(f"{path.name}: entry {entry} lacks {sorted(missing)}")
        before = entry["change_re"] if kind == "regex" else entry.get("before", "")
        after = entry.get("after", "")
        if kind == "regex":
            try:
                re.compile(before)
            except re.error as err:
                raise ValueError(f"{path.name}: bad regex {before!r}: {err}") from err
        verdict = str(entry.get("verdict", "equivalent"))
        if verdict not in VERDICTS:
            raise ValueError(f"{path.name}: entry {entry} has an unknown verdict {verdict!r}; known: {VERDICTS}")
        found.append(Equivalent(entry["function"], before.strip(), after.strip(), entry["reason"], kind, verdict))
    return found


def copy_project(dest: Path) -> Path:
    """A scratch copy of the project (sources, features, tests and pyproject) for one mutmut run."""
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(*COPY_IGNORED), symlinks=True)
    return dest


def settings(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, Any]:
    """The project's ``[tool.mutmut]`` settings. Raises KeyError when the table is missing."""
    return dict(tomllib.loads(pyproject.read_text())["tool"]["mutmut"])


def write_settings(workdir: Path, impl: str, modules: Sequence[str], pytest_args: Sequence[str] = ()) -> dict[str, Any]:
    """Rewrite the copy's ``[tool.mutmut]``: only ``modules`` mutated, the suite run against ``impl``."""
    pyproject = workdir / "pyproject.toml"
    chosen = settings(pyproject)
    chosen["only_mutate"] = [f"{PACKAGE}/{module}.py" for module in modules]
    chosen["pytest_add_cli_args"] = [*chosen.get("pytest_add_cli_args", []), "--asc-impl", impl, *pytest_args]
    text = pyproject.read_text()
    start = text.index("[tool.mutmut]")
    end = text.find("\n[", start)
    table = "[tool.mutmut]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in chosen.items())
    pyproject.write_text(text[:start] + table + (text[end + 1 :] if end != -1 else ""))
    return chosen


def run_mutmut(workdir: Path, patterns: Sequence[str], max_children: int, log: Path) -> int:
    """``mutmut run`` of the mutants matching ``patterns`` in ``workdir``; mutmut's exit status."""
    env = dict(os.environ)
    for name in ("MUTANT_UNDER_TEST", "PYTEST_ADDOPTS"):
        env.pop(name, None)
    argv = [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children), *patterns]
    with log.open("w") as out:
        return subprocess.run(argv, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT, check=False).returncode


def _changed_lines(diff: str) -> tuple[str, str]:
    before = [line[1:].strip() for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    after = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    return "\n".join(before), "\n".join(after)


def source_sha256(module: str) -> str:
    """The hash of a module's source: a baseline is only valid for the code it was run on."""
    return hashlib.sha256((ROOT / PACKAGE / f"{module}.py").read_bytes()).hexdigest()


def read_scores(
    workdir: Path,
    modules: Sequence[str],
    equivalents: Sequence[Equivalent],
    baseline: dict[str, str] | None = None,
    skipped: Collection[str] = (),
) -> list[ModuleScore]:
    """mutmut's verdicts for ``modules`` from the ``mutants/`` folder of ``workdir``, survivors triaged.
    ``skipped``: mutants left out as equivalent (see :func:`equivalent_mutants`).

    ``baseline``: statuses of an earlier run of the same code; a mutant it detected, not run again here,
    keeps its status (a scenario added since cannot make a killed mutant survive), and so does a survivor
    not run again."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    scores = []
    here = Path.cwd()
    os.chdir(workdir)  # mutmut reads its files relative to the project folder
    try:
        for module in modules:
            source = Path(PACKAGE) / f"{module}.py"
            meta = json.loads((Path("mutants") / f"{source}.meta").read_text())
            score = ModuleScore(module)
            for name, code in sorted(meta["exit_code_by_key"].items()):
                status = status_by_exit_code[code]
                if status == "not checked" and name in skipped:
                    status = SKIPPED
                if baseline and status == "not checked" and name in baseline:
                    status = baseline[name]
                mutant = Mutant(name, status)
                score.counts[mutant.status] += 1
                if mutant.status not in (*DETECTED, "not checked"):
                    mutant.diff = get_diff_for_mutant(name, path=source)
                    mutant.before, mutant.after = _changed_lines(mutant.diff)
                    triage = next((e for e in equivalents if e.matches(mutant)), None)
                    if triage is not None:
                        mutant.equivalent, mutant.verdict = triage.reason, triage.verdict
                score.mutants.append(mutant)
            scores.append(score)
    finally:
        os.chdir(here)
    return scores


COLUMNS = (
    "mutants",
    "not run",
    "killed",
    "timeout",
    "survived",
    "no tests",
    "other",
    "equivalent",
    "skipped",
    "no rule",
)


def equivalent_mutants(workdir: Path, modules: Sequence[str], equivalents: Sequence[Equivalent]) -> set[str]:
    """The mutants generated in ``workdir`` whose change an ``equivalent`` triage entry matches, not yet run."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    wanted = [e for e in equivalents if e.verdict == "equivalent"]
    found: set[str] = set()
    here = Path.cwd()
    os.chdir(workdir)
    try:
        for module in modules:
            source = Path(PACKAGE) / f"{module}.py"
            meta = json.loads((Path("mutants") / f"{source}.meta").read_text())
            for name, code in meta["exit_code_by_key"].items():
                mutant = Mutant(name, "not checked")
                if code is not None or not any(fnmatch.fnmatchcase(mutant.function, e.function) for e in wanted):
                    continue
                mutant.before, mutant.after = _changed_lines(get_diff_for_mutant(name, path=source))
                if any(e.matches(mutant) for e in wanted):
                    found.add(name)
    finally:
        os.chdir(here)
    return found


def all_mutants(workdir: Path, modules: Sequence[str]) -> list[str]:
    """The names of every mutant generated in ``workdir`` for ``modules``."""
    names: list[str] = []
    for module in modules:
        meta = json.loads((workdir / "mutants" / PACKAGE / f"{module}.py.meta").read_text())
        names += sorted(meta["exit_code_by_key"])
    return names


def _row(s: ModuleScore) -> list[str]:
    known = ("not checked", "killed", "timeout", "survived", "no tests")
    other = s.total - sum(s.counts[k] for k in known) - s.counts[SKIPPED]
    values = [s.total, *(s.counts[k] for k in known), other, s.equivalent, s.counts[SKIPPED], s.no_rule]
    values.append(len(s.untriaged()))
    return [str(v) for v in values] + [f"{s.score:.1f} %"]


def render(scores: Sequence[ModuleScore]) -> str:
    """The per-module table as text."""
    head = ["module", *COLUMNS, "untriaged", "score"]
    rows = [head] + [[s.module, *_row(s)] for s in scores]
    return "\n".join(
        r[0].ljust(14) + "".join(c.rjust(max(len(h), 6) + 2) for c, h in zip(r[1:], head[1:], strict=True))
        for r in rows
    )


def markdown(scores: Sequence[ModuleScore]) -> str:
    """The per-module table and the untriaged survivors as Markdown."""
    head = ["module", *COLUMNS, "untriaged", "score"]
    out = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    out += ["| " + " | ".join([f"`{s.module}`", *_row(s)]) + " |" for s in scores]
    for s in scores:
        for m in s.untriaged():
            out.append(f"\n`{m.name}` ({m.status}):\n\n```diff\n{m.diff.strip()}\n```")
    return "\n".join(out) + "\n"


def stale_equivalents(scores: Sequence[ModuleScore], equivalents: Sequence[Equivalent]) -> list[Equivalent]:
    """Triaged equivalents of the modules run that match no survivor any more (the code changed)."""
    survivors = [m for s in scores for m in s.mutants if m.status not in DETECTED]
    run = [f"{PACKAGE}.{s.module}." for s in scores]
    return [
        e
        for e in equivalents
        if e.kind == "exact" and any(e.function.startswith(p) for p in run) and not any(e.matches(m) for m in survivors)
    ]


def run(args: argparse.Namespace) -> int:
    modules = [m.strip() for m in args.modules.split(",") if m.strip()] if args.modules else list(MODULES)
    unknown = [m for m in modules if not (ROOT / PACKAGE / f"{m}.py").exists()]
    if unknown:
        print(f"error: no module {PACKAGE}/{unknown[0]}.py", file=sys.stderr)
        return 2
    equivalents = load_equivalents()
    baseline: dict[str, str] = {}
    if args.survivors_of:
        try:
            baseline = read_baseline(Path(args.survivors_of), modules)
        except (OSError, ValueError, KeyError) as err:
            print(f"error: --survivors-of {args.survivors_of}: {err}", file=sys.stderr)
            return 2
    by_impl: dict[str, list[str]] = {}
    for module in modules:
        by_impl.setdefault(MODULES.get(module, "reference"), []).append(module)
    root = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="asc-mutmut-"))
    start, cpu_start = time.monotonic(), _children_cpu()
    scores: list[ModuleScore] = []
    for impl, group in by_impl.items():
        workdir = root / impl
        if workdir.exists():
            shutil.rmtree(workdir)
        copy_project(workdir)
        write_settings(workdir, impl, group, shlex.split(args.pytest_args or ""))
        log = root / f"mutmut-{impl}.log"
        print(f"mutmut over {', '.join(group)} against --asc-impl {impl} (log: {log})", flush=True)
        patterns = args.mutants or [f"{PACKAGE}.{module}.*" for module in group]
        if baseline:  # its survivors (those matching --mutants, when given) are run again
            prefixes = tuple(f"{PACKAGE}.{module}." for module in group)
            patterns = [
                n
                for n, st in baseline.items()
                if n.startswith(prefixes)
                and st not in DETECTED
                and (not args.mutants or any(fnmatch.fnmatchcase(n, g) for g in args.mutants))
            ]
            patterns = [n for n in patterns if baseline[n] != SKIPPED]
        if not patterns:  # the baseline detected every mutant of these modules
            scores += [_from_baseline(module, baseline) for module in group]
            continue
        skipped: set[str] = set()
        if not baseline and not args.run_equivalents and not args.mutants:
            # First the first mutant of every function (mutmut generates them all, and records which
            # scenarios call each function); then the others, but those triaged as equivalent.
            first = [f"{pattern}__mutmut_1" for pattern in patterns]
            code = run_mutmut(workdir, first, args.max_children, log)
            if code != 0:
                print(f"error: mutmut exited {code}; see {log}", file=sys.stderr)
                return 2
            skipped = equivalent_mutants(workdir, group, equivalents)
            patterns = [n for n in all_mutants(workdir, group) if n not in skipped and not n.endswith("__mutmut_1")]
            print(f"{len(skipped)} mutants triaged as equivalent are not run", flush=True)
        code = run_mutmut(workdir, patterns, args.max_children, log) if patterns else 0
        if code != 0:
            print(f"error: mutmut exited {code}; see {log}", file=sys.stderr)
            return 2
        scores += read_scores(workdir, group, equivalents, baseline, skipped)
    wall, cpu = time.monotonic() - start, _children_cpu() - cpu_start
    print(render(scores))
    print(
        f"wall {wall:.0f} s, CPU {cpu:.0f} s over {args.max_children} children "
        f"(an otherwise idle {os.cpu_count()}-core machine: about {cpu / (os.cpu_count() or 1):.0f} s)"
    )
    for e in stale_equivalents(scores, equivalents):
        print(f"stale equivalent (matches no survivor): {e.function}: {e.before!r} -> {e.after!r}")
    if args.json:
        Path(args.json).write_text(json.dumps([s.as_json() for s in scores], indent=2) + "\n")
    if args.markdown:
        Path(args.markdown).write_text(markdown(scores))
    if not args.keep and not args.workdir:
        shutil.rmtree(root, ignore_errors=True)
    low = [s.module for s in scores if s.score < args.min_score]
    if low:
        print(f"under {args.min_score:g} %: {', '.join(low)}")
    return 1 if low else 0


def read_baseline(path: Path, modules: Sequence[str]) -> dict[str, str]:
    """Mutant statuses from an earlier ``--json`` of the same code. Raises ValueError when a module changed."""
    found = {entry["module"]: entry for entry in json.loads(path.read_text())}
    statuses: dict[str, str] = {}
    for module in modules:
        if module not in found:
            raise ValueError(f"it has no results for {module}")
        if found[module]["source_sha256"] != source_sha256(module):
            raise ValueError(f"{PACKAGE}/{module}.py changed since that run")
        statuses.update(found[module]["statuses"])
    return statuses


def _from_baseline(module: str, baseline: dict[str, str]) -> ModuleScore:
    score = ModuleScore(module)
    for name, status in sorted(baseline.items()):
        if name.startswith(f"{PACKAGE}.{module}."):
            score.counts[status] += 1
            score.mutants.append(Mutant(name, status))
    return score


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--modules", help=f"comma-separated modules of {PACKAGE}/ (default: {','.join(MODULES)})")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2, help="mutants run at once")
    parser.add_argument("--workdir", help="scratch folder for the copies and logs (kept; default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary scratch folder")
    parser.add_argument("--json", help="write the scores and untriaged survivors as JSON here")
    parser.add_argument("--markdown", help="write the table and untriaged survivors as Markdown here")
    parser.add_argument("--mutants", nargs="+", help="only these mutmut mutant names (globs), e.g. for a smoke run")
    parser.add_argument(
        "--survivors-of", help="an earlier --json of the same code: rerun its survivors (those matching --mutants)"
    )
    parser.add_argument("--pytest-args", help="extra pytest arguments for the killing run, e.g. \"-m 'VIEW-04'\"")
    parser.add_argument("--min-score", type=float, default=90.0, help="exit 1 when a module scores below this")
    parser.add_argument(
        "--run-equivalents",
        action="store_true",
        help="also run the mutants triaged as equivalent (to check the triage)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.mutmut_run", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
