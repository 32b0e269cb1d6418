"""The asc-conformance command: verdicts, exit codes, one-line errors, and a suite that bites."""

from __future__ import annotations

import json
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


def test_bad_input_gives_one_line_errors(tmp_path: Path) -> None:
    cases = [
        (("run", "--profile", "lenient"), "unknown profile 'lenient'"),
        (("run", "--impl", "no_such_module:factory"), "cannot import module 'no_such_module'"),
        (("run", "--impl", "no-such-entry-point"), "no connector entry point"),
        (("run", "--tags", "IMP-01 and ("), "malformed tag expression"),
        (("run", "--tags", "IMP-99"), "unknown rule ID(s) or tag(s) in --tags: IMP-99"),
    ]
    for args, text in cases:
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 2, args
        assert text in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


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
