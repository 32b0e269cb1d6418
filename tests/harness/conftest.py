"""Fixtures of the harness's tests: the command line in a subprocess, and the reference driver process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the sample adapters of these tests, importable as --impl module:factory

RunCli = Callable[..., subprocess.CompletedProcess[str]]


def child_env() -> dict[str, str]:
    """The environment of child processes: this folder importable (sample adapters, mutants), and
    bytecode cached as Python does by default (compiling every module in every child doubles start-up)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))
    return env


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``asc-conformance ARGS`` in a subprocess (see :func:`child_env`)."""
    env = child_env()
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout
    )


@pytest.fixture(scope="session")
def cli() -> RunCli:
    return run_cli


def start_process(argv: list[str], cwd: Path | None = None) -> tuple[subprocess.Popen[str], str]:
    """Start a server process that prints its URL on its first line; returns the process and the URL."""
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd, env=child_env()
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    urls = [word for word in line.split() if word.startswith("http://")]
    if not urls:
        process.kill()
        raise RuntimeError(f"{argv} did not print its URL: {line!r} {process.stderr.read() if process.stderr else ''}")
    return process, urls[0]


def stop_process(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def driver_url() -> Iterator[str]:
    """The reference connector served over the HTTP driver protocol by another process."""
    process, url = start_process([sys.executable, "-m", "reference_impl.driver_server", "--port", "0"])
    try:
        yield url
    finally:
        stop_process(process)
