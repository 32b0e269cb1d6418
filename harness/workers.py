"""How many pytest-xdist workers ``-n auto`` starts for the suite.

Each worker pays the interpreter's, pytest's and the suite's start-up again, and the controlling
process keeps a CPU busy too, so on two CPUs or fewer parallel workers make the suite slower than one
process: ``-n auto`` runs it in one process there, and on more CPUs starts one worker per CPU but one.
``PYTEST_XDIST_AUTO_NUM_WORKERS`` still decides when set.
"""

from __future__ import annotations

import os

import pytest


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity, where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def auto_workers(cpus: int) -> int:
    """Workers for ``cpus`` CPUs: none (one process) up to two CPUs, then one per CPU but one."""
    return 0 if cpus <= 2 else cpus - 1


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    return auto_workers(usable_cpus())
