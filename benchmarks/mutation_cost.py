"""What proving the suite costs: the quick kill matrix and the random test's examples per second.

    python benchmarks/mutation_cost.py [--examples N] [--workers N]

Prints sizes and ratios (CPU and wall seconds); not run by the project's tests.
"""

from __future__ import annotations

import argparse
import resource
import time

from harness import mutants, stateful
from harness.impl import resolve
from harness.mutation import kill_matrix


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(label: str, action: object) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), _cpu()
    action()  # type: ignore[operator]
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    print(f"{label:<48} wall {wall:7.1f} s   cpu {cpu:7.1f} s")
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    catalogue = mutants.catalogue()
    print(f"mutants: {len(catalogue)}, rules broken: {len({m.rule for m in catalogue})}")
    wall, cpu = measure(
        f"quick kill matrix ({args.workers} workers)", lambda: kill_matrix(catalogue, quick=True, workers=args.workers)
    )
    print(f"  per mutant: wall {wall / len(catalogue):.2f} s, cpu {cpu / len(catalogue):.2f} s")
    wall, cpu = measure(
        f"random test, {args.examples} examples (reference)",
        lambda: stateful.run(resolve("reference"), "ci", max_examples=args.examples),
    )
    print(f"  examples per cpu second: {args.examples / cpu:.1f}; per wall second: {args.examples / wall:.1f}")


if __name__ == "__main__":
    main()
