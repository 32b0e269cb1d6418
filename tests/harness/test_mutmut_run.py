"""The nightly mutation run cannot rot silently: its mutmut settings load, and it runs a few mutants."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from harness import mutmut_run

mutmut_configuration = pytest.importorskip("mutmut.configuration", reason="mutmut is in the test extras")


def test_mutmut_reads_the_projects_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(mutmut_run.ROOT)
    mutmut_configuration.reset_config()
    try:
        config = mutmut_configuration.config()
    finally:
        mutmut_configuration.reset_config()
    assert config.source_paths == [Path(mutmut_run.PACKAGE + "/")]
    for copied in config.also_copy[:3]:
        assert (mutmut_run.ROOT / copied).is_dir(), copied
    assert config.pytest_add_cli_args_test_selection == ["features/"]
    for module in mutmut_run.MODULES:
        assert config.should_mutate(f"{mutmut_run.PACKAGE}/{module}.py"), module


def test_every_triaged_equivalent_is_complete_and_names_a_module() -> None:
    equivalents = mutmut_run.load_equivalents()
    assert equivalents
    for entry in equivalents:
        assert entry.function.startswith(mutmut_run.PACKAGE + "."), entry
        assert entry.reason and "\n" not in entry.reason, entry


def test_an_incomplete_equivalent_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "eq.toml"
    bad.write_text('[[equivalent]]\nfunction = "reference_impl.views.x_filter_sql"\nbefore = "a"\nreason = "r"\n')
    with pytest.raises(ValueError, match="lacks"):
        mutmut_run.load_equivalents(bad)
    bad.write_text('[[equivalent]]\nfunction = "reference_impl.*"\nchange_re = "("\nreason = "r"\n')
    with pytest.raises(ValueError, match="bad regex"):
        mutmut_run.load_equivalents(bad)


def test_an_equivalent_regex_matches_only_an_unchanged_rest_of_line() -> None:
    label = next(e for e in mutmut_run.load_equivalents() if e.kind == "regex" and "_send" in e.before)
    same = mutmut_run.Mutant("reference_impl.customers.x_find_customer__mutmut_40", "survived")
    same.before = 'x = m._send("customerSearch", "GET", "/a")'
    same.after = 'x = m._send("XXcustomerSearchXX", "GET", "/a")'
    assert label.matches(same)
    other = mutmut_run.Mutant(same.name, "survived", before=same.before, after='x = m._send(None, "GET", "/b")')
    assert not label.matches(other)


def test_the_copy_mutates_only_the_chosen_modules_against_the_chosen_connector(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text((mutmut_run.ROOT / "pyproject.toml").read_text())
    written = mutmut_run.write_settings(tmp_path, "reference-2026", ["orders_2026"], ["-m", "IMP-03"])
    assert mutmut_run.settings(tmp_path / "pyproject.toml") == written
    assert written["only_mutate"] == ["reference_impl/orders_2026.py"]
    assert written["pytest_add_cli_args"][-4:] == ["--asc-impl", "reference-2026", "-m", "IMP-03"]
    assert '[project]\nname = "asc-conformance"' in (tmp_path / "pyproject.toml").read_text()


def test_the_command_runs_mutants_of_one_module_and_scores_them(tmp_path: Path) -> None:
    """A smoke run: a dozen mutants of the views, killed or not by the VIEW-04 scenarios only."""
    out = tmp_path / "scores.json"
    argv = ["--modules", "views", "--mutants", "reference_impl.views.x_filter_sql__mutmut_1*"]
    argv += ["--pytest-args", "-m VIEW-04", "--workdir", str(tmp_path / "work"), "--json", str(out)]
    code = mutmut_run.main([*argv, "--max-children", str(min(2, os.cpu_count() or 1)), "--min-score", "0"])
    assert code == 0
    [views] = json.loads(out.read_text())
    assert views["module"] == "views"
    assert views["counts"].get("killed", 0) >= 1, views["counts"]
    checked = sum(n for status, n in views["counts"].items() if status != "not checked")
    assert 1 <= checked <= 20, views["counts"]  # only the mutants named were run
    # What a full run leaves out: the mutants not run yet whose change an entry calls equivalent.
    workdir, equivalents = tmp_path / "work" / "reference", mutmut_run.load_equivalents()
    skipped = mutmut_run.equivalent_mutants(workdir, ["views"], equivalents)
    assert skipped and skipped <= set(mutmut_run.all_mutants(workdir, ["views"]))
    [score] = mutmut_run.read_scores(workdir, ["views"], equivalents, skipped=skipped)
    assert score.counts["skipped"] == len(skipped)
    assert all(m.verdict == "equivalent" for m in score.mutants if m.status == "skipped")


def test_only_the_case_of_an_sql_text_outside_its_literals_is_equivalent() -> None:
    sql = mutmut_run._sql_case_only
    assert sql("\"AND channel = 'MFN'\",", "\"AND CHANNEL = 'MFN'\",")
    assert sql('clauses.append("status = ?")', 'clauses.append("STATUS = ?")')
    assert not sql("\"WHERE kind = 'cancel'\"", "\"WHERE KIND = 'CANCEL'\"")  # a literal changed
    assert not sql('if key == "order_number":', 'if key == "ORDER_NUMBER":')  # not SQL
    assert not sql('x("status = ?", a)', 'x("STATUS = ?", b)')  # more than the text changed


def test_a_baseline_of_other_code_is_refused(tmp_path: Path) -> None:
    baseline = tmp_path / "scores.json"
    entry = {"module": "views", "source_sha256": "0" * 64, "statuses": {"reference_impl.views.x_f__mutmut_1": "killed"}}
    baseline.write_text(json.dumps([entry]))
    with pytest.raises(ValueError, match="changed since"):
        mutmut_run.read_baseline(baseline, ["views"])
    entry["source_sha256"] = mutmut_run.source_sha256("views")
    baseline.write_text(json.dumps([entry]))
    assert mutmut_run.read_baseline(baseline, ["views"]) == entry["statuses"]
    with pytest.raises(ValueError, match="no results for customers"):
        mutmut_run.read_baseline(baseline, ["customers"])


def test_under_mutmut_a_factory_that_raises_fails_the_scenarios_instead_of_stopping_the_session(
    tmp_path: Path,
) -> None:
    """mutmut's start-up check forces every mutant to fail and needs a failed test (exit 1), not a stopped
    session; outside mutmut the same factory stops the run before any scenario (exit 4)."""
    import subprocess
    import sys

    from conftest import child_env

    features = mutmut_run.ROOT / "features"
    argv = [sys.executable, "-m", "pytest", str(features), "-p", "no:cacheprovider", "-c", str(features / "pytest.ini"),
            "--rootdir", str(features), "-q", "-x", "-p", "no:xdist", "--asc-impl", "sample_adapters:raising_factory",
            "-k", "Pending_order_has_no_Magento_order or pending_order_has_no_magento_order"]
    for marker, status in (("a mutant", 1), (None, 4)):
        env = child_env()
        env.pop("MUTANT_UNDER_TEST", None)
        if marker:
            env["MUTANT_UNDER_TEST"] = marker
        result = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
        assert result.returncode == status, (marker, result.stdout[-2000:] + result.stderr[-2000:])
