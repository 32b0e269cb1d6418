"""The asc-conformance command: verdicts, exit codes, one-line errors, and a suite that bites."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

from conftest import child_env, run_cli

from features import FEATURES_DIR


def test_run_against_the_reference_connector_passes(tmp_path: Path) -> None:
    result = run_cli("run", "--profile", "core", "--report-dir", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    for rule in ("IMP-01", "IMP-02", "IMP-03"):
        assert any(line.startswith(rule) and line.endswith("PASSED") for line in result.stdout.splitlines()), rule
    report = json.loads((tmp_path / "conformance.json").read_text())
    assert report["profile"] == "core"
    assert {r: v["outcome"] for r, v in report["rules"].items() if r.startswith("IMP-0")}["IMP-02"] == "passed"
    assert 'name="rules"' in (tmp_path / "junit.xml").read_text()


def test_the_suite_fails_a_connector_that_imports_pending_orders(tmp_path: Path) -> None:
    result = run_cli("run", "--impl", "mutants:imports_while_pending", "--tags", "IMP-02", cwd=tmp_path)
    assert result.returncode == 1
    assert any(line.startswith("IMP-02") and "FAILED" in line for line in result.stdout.splitlines())
    assert "Rule IMP-02 broken." in result.stdout


def _assert_one_line_error(args: tuple[str, ...], text: str, cwd: Path) -> None:
    result = run_cli(*args, cwd=cwd)
    assert result.returncode == 2, (args, result.returncode, result.stderr)
    assert text in result.stderr, (args, result.stderr)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
    assert "PASSED" not in result.stdout and "FAILED" not in result.stdout, (args, "a scenario ran")


def test_bad_input_gives_one_line_errors(tmp_path: Path) -> None:
    unwritable = tmp_path / "a-file"
    unwritable.write_text("not a folder")
    cases = [
        (("run", "--profile", "lenient"), "unknown profile 'lenient'"),
        (("run", "--impl", "no_such_module:factory"), "cannot import module 'no_such_module'"),
        (("run", "--impl", "no-such-entry-point"), "no connector entry point"),
        (("run", "--impl", "ftp://x"), "unsupported scheme 'ftp'"),
        (("run", "--impl", "sample_adapters:raising_factory"), "the connector factory raised RuntimeError: connector"),
        (("run", "--impl", "sample_adapters:none_factory"), "the connector factory returned None"),
        (("run", "--impl", "sample_adapters:incomplete_factory"), "lacks the adapter operation(s) integrate_store"),
        (("run", "--impl", "sample_adapters:bad_capabilities_factory"), "capabilities() must return Capabilities"),
        (("run", "--tags", "IMP-01 and ("), "malformed tag expression"),
        (("run", "--tags", "IMP-99"), "unknown rule ID(s) or tag(s) in --tags: IMP-99"),
        (("run", "--profile", "core", "--tags", "DEC-01"), "selects no scenario of profile core"),
        (("run", "--seed", "abc"), "argument --seed: expected a whole number, got 'abc'"),
        (("run", "-n", "-1"), "expected 0 or more workers, got -1"),
        (("run", "-n", "two"), "expected a number of workers or 'auto'"),
        (("run", "--report-dir", str(unwritable / "reports")), "cannot write reports there"),
        (("run", "--tags", "IMP-01", "--", "--no-such-pytest-option"), "unrecognized arguments"),
        (("rules", "--", "-x"), "only 'run' takes them"),
        (("serve", "--port", "99999"), "a port is 0..65535"),
        (("serve", "--port", "65535"), "needs 2 ports"),
        (("serve", "--host", "256.0.0.1"), "cannot listen on 256.0.0.1"),
        (("launch",), "invalid choice: 'launch'"),
    ]
    for args, text in cases:
        _assert_one_line_error(args, text, tmp_path)


def test_a_port_in_use_is_a_one_line_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        _assert_one_line_error(("serve", "magento", "--port", port), f"cannot listen on 127.0.0.1:{port}", tmp_path)
        _assert_one_line_error(("serve", "connector", "--port", port), f"cannot listen on 127.0.0.1:{port}", tmp_path)


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("asc-conformance ") and result.stdout.split()[1][0].isdigit()


def test_pytest_options_pass_through_after_a_double_dash(tmp_path: Path) -> None:
    """``-x`` stops at the first failure: the mutant fails two IMP-10 scenarios, only one runs."""
    args = ("run", "--impl", "mutants:imports_while_pending", "--tags", "IMP-10")
    whole = run_cli(*args, cwd=tmp_path)
    stopped = run_cli(*args, "--", "-x", "--tb", "no", cwd=tmp_path)
    assert whole.returncode == 1 and stopped.returncode == 1, stopped.stderr

    def failed(result: subprocess.CompletedProcess[str]) -> list[str]:
        return [line for line in result.stdout.splitlines() if line.startswith("FAILED  IMP-10")]

    assert len(failed(whole)) == 2 and len(failed(stopped)) == 1, (whole.stdout, stopped.stdout)
    assert "stopping after 1 failures" in stopped.stdout


def test_console_output_is_quiet_under_workers(tmp_path: Path) -> None:
    result = run_cli("run", "--tags", "IMP-01 or IMP-02", "-n", "2", cwd=tmp_path)
    assert result.returncode == 3, result.stdout + result.stderr  # incomplete: a partial selection
    assert "%]" not in result.stdout
    assert result.stdout.count("bringing up nodes") <= 1
    lines = [line for line in result.stdout.splitlines() if line.startswith("PASSED")]
    assert len(lines) == 2


def test_rules_lists_scenarios_per_rule() -> None:
    result = run_cli("rules", "--profile", "core")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("IMP-02"))
    assert "A Pending order has no Magento order" in lines[index + 1]


def test_the_reference_connector_on_orders_2026_passes_what_it_supports(tmp_path: Path) -> None:
    result = run_cli("run", "--impl", "reference-2026", "--report-dir", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 3, result.stdout + result.stderr  # incomplete: it declares IMP-09 unsupported
    lines = result.stdout.splitlines()
    assert any(line.startswith("IMP-03") and "PASSED" in line for line in lines)
    assert any(line.startswith("IMP-09") and "UNSUPPORTED" in line and "InvoiceUnconfirmed" in line for line in lines)
    report = json.loads((tmp_path / "conformance.json").read_text())
    assert report["verdict"] == "incomplete" and report["exit_status"] == 3
    assert not [r for r, d in report["rules"].items() if d["outcome"] == "failed"]


def test_a_connector_declaring_every_rule_unsupported_is_incomplete_never_conformant(tmp_path: Path) -> None:
    for profile in ("core", "strict"):
        result = run_cli(
            "run", "--impl", "sample_adapters:nothing_supported", "--profile", profile, "--report-dir", str(tmp_path)
        )
        assert result.returncode == 3, result.stdout + result.stderr
        assert "verdict: INCOMPLETE" in result.stdout
        assert "core rules cannot be waived: SET-01, PRE-01" in result.stdout
        report = json.loads((tmp_path / "conformance.json").read_text())
        assert report["verdict"] == "incomplete"
        assert {d["outcome"] for d in report["rules"].values()} == {"unsupported"}
        assert {s["outcome"] for s in report["scenarios"]} == {"skipped"}
    # the plain pytest route reports the same verdict (its exit status stays pytest's own)
    plain = tmp_path / "plain"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(FEATURES_DIR), "-p", "no:cacheprovider", "-c",
         str(FEATURES_DIR / "pytest.ini"), "--rootdir", str(FEATURES_DIR), "-q",
         "--asc-impl", "sample_adapters:nothing_supported", "--asc-report-dir", str(plain)],
        capture_output=True, text=True, env=child_env(), cwd=tmp_path, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "verdict: INCOMPLETE" in result.stdout
    assert json.loads((plain / "conformance.json").read_text())["verdict"] == "incomplete"
