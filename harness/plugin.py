"""The pytest plugin: options, the ``world`` fixture, profile selection, and per-rule results.

Results travel from pytest-xdist workers to the controller in each report's ``user_properties``,
so every report is complete under ``-n`` (pytest-bdd's own ``--cucumberjson`` is empty there).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import traceback
import warnings
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.reporting import scenario_reports_registry
from pytest_bdd.scenario import scenario_wrapper_template_registry

from harness.blame import CHECKING, blamed, declared
from harness.evidence import request_log, short_log
from harness.impl import ImplError, check_factory, resolve
from harness.reports import write_reports
from harness.results import VERDICTS, ResultBook, selection_of, verdict_of
from harness.rules import PROFILES, catalogue, in_profile, rule_tags
from harness.steps import STEP_MODULES
from harness.system_clock import on_simulated_time
from harness.workers import pytest_xdist_auto_num_workers  # noqa: F401  # -n auto for the suite
from harness.world import LiveSimulators, World, open_world

ASC_KEY = "asc_conformance"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("asc-conformance", "Amazon Sales Channel conformance suite")
    group.addoption("--asc-impl", default="reference", help="connector: entry-point name, module:factory or URL")
    group.addoption("--asc-profile", default="strict", choices=sorted(PROFILES), help="conformance level to run")
    group.addoption("--asc-seed", type=int, default=0, help="seed of generated buyers and order IDs")
    group.addoption(
        "--asc-report-dir", default=None, help="write conformance.json, junit.xml, cucumber.json and report.html here"
    )
    group.addoption("--asc-live", action="store_true", help="serve the simulators on loopback ports")
    group.addoption("--asc-workdir", default=None, help="keep each scenario's connector work directory in this folder")


def pytest_configure(config: pytest.Config) -> None:
    for rule_id, rule in catalogue().items():
        config.addinivalue_line("markers", f"{rule_id}: {rule.statement[:60]}")
    for name in STEP_MODULES:
        config.pluginmanager.import_plugin(name)
    config.stash[BOOK] = ResultBook()
    config.pluginmanager.register(_Recorder(config, config.stash[BOOK]), "asc-conformance-recorder")


BOOK = pytest.StashKey[ResultBook]()
WORLD = pytest.StashKey[World]()


def _scenario_rules(item: pytest.Item) -> list[str]:
    return rule_tags({m.name for m in item.iter_markers()})


def _template(item: pytest.Item) -> Any:
    """The pytest-bdd scenario template behind a test item, or None for other tests."""
    function = getattr(item, "obj", None)
    try:
        return scenario_wrapper_template_registry.get(function) if function is not None else None
    except TypeError:
        return None


def _is_scenario(item: pytest.Item) -> bool:
    return _template(item) is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    profile = config.getoption("asc_profile")
    keep, drop = [], []
    for item in items:
        if not _is_scenario(item):
            keep.append(item)
            continue
        rules = [r for r in _scenario_rules(item) if r in catalogue()]
        (keep if any(in_profile(r, profile) for r in rules) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def asc_factory(pytestconfig: pytest.Config) -> Any:
    impl = pytestconfig.getoption("asc_impl")
    try:
        factory = resolve(impl)
        check_factory(impl, factory)  # a factory that raises or returns no adapter stops the run at once
        return on_simulated_time(factory)
    except ImplError as err:
        if os.environ.get("MUTANT_UNDER_TEST"):
            # Under mutmut the factory is the mutated reference connector: a mutant that breaks it fails the
            # scenarios (killed), where stopping the session would be read as a broken test command.
            raise
        pytest.exit(str(err), returncode=4)


@pytest.fixture(scope="session")
def asc_live(pytestconfig: pytest.Config) -> Iterator[LiveSimulators | None]:
    impl = str(pytestconfig.getoption("asc_impl"))
    if not (pytestconfig.getoption("asc_live") or impl.startswith(("http://", "https://"))):
        yield None
        return
    live = LiveSimulators()
    try:
        yield live
    finally:
        live.close()


class UnknownRuleWarning(UserWarning):
    """A connector declared a rule ID that the catalogue does not have (a typo skips nothing)."""


RAM_DIR = Path("/dev/shm")


@pytest.fixture(scope="session")
def asc_workroot(pytestconfig: pytest.Config) -> Iterator[Path]:
    """Where scenarios' connector work directories go: a RAM-backed folder when the system has one
    (a connector's database then costs no disk syncs), else the system's temporary folder;
    --asc-workdir chooses one (and keeps what is left in it)."""
    chosen = pytestconfig.getoption("asc_workdir")
    if chosen:
        root = Path(chosen)
        root.mkdir(parents=True, exist_ok=True)
        yield root
        return
    base = RAM_DIR if RAM_DIR.is_dir() and os.access(RAM_DIR, os.W_OK) else None
    root = Path(tempfile.mkdtemp(prefix="asc-work-", dir=base))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def world(
    request: pytest.FixtureRequest, asc_factory: Any, asc_live: LiveSimulators | None, asc_workroot: Path
) -> Iterator[World]:
    """The scenario's World; its seed depends on --asc-seed and the scenario's name only.

    A scenario that checks a rule the connector declares unsupported is skipped, with the reason.
    """
    base_seed = int(request.config.getoption("asc_seed"))
    seed = zlib.crc32(f"{base_seed}:{request.node.name}".encode())
    workdir = Path(tempfile.mkdtemp(prefix="scenario-", dir=asc_workroot))
    keep = bool(request.config.getoption("asc_workdir"))
    try:
        with open_world(asc_factory, seed=seed, workdir=workdir, live=asc_live) as built:
            built.rules = tuple(_scenario_rules(request.node))
            request.node.stash[WORLD] = built  # its drawn values go into the scenario's report
            _skip_unsupported(built, request.node)
            yield built
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


UNSUPPORTED = pytest.StashKey[dict[str, str]]()


def _skip_unsupported(built: World, item: pytest.Item) -> None:
    """Skip the scenario, with the reasons, when it checks a rule the connector declares unsupported."""
    unsupported = built.adapter.capabilities().unsupported
    unknown = sorted(set(unsupported) - set(catalogue()))
    if unknown:
        warnings.warn(
            f"the connector declares unknown rule IDs unsupported: {', '.join(unknown)} "
            "(asc-conformance rules lists the catalogue)",
            UnknownRuleWarning,
            stacklevel=1,
        )
    reasons = [f"{r}: {unsupported[r]}" for r in built.rules if r in unsupported]
    item.stash[UNSUPPORTED] = {r: str(unsupported[r]) for r in built.rules if r in unsupported}
    if reasons:
        pytest.skip("the connector declares unsupported " + "; ".join(reasons))


FAILED_STEP = pytest.StashKey[dict[str, Any]]()


def pytest_bdd_before_step(request: pytest.FixtureRequest, step: Any, step_func: Any) -> None:
    """Name the rule the step checks while it runs (a failure message then names that rule)."""
    CHECKING.set(blamed(declared(step_func), _scenario_rules(request.node)) if step.type == "then" else None)


def pytest_bdd_after_step() -> None:
    CHECKING.set(None)


def pytest_bdd_step_error(request: pytest.FixtureRequest, step: Any, step_func: Any) -> None:
    """Remember the failing step and the rules it declares: the failure is blamed on one of them."""
    CHECKING.set(None)
    request.node.stash[FAILED_STEP] = {
        "keyword": step.keyword,
        "name": step.name,
        "type": step.type,
        "declares": list(declared(step_func)) if step.type == "then" else [],
    }


def blame(item: pytest.Item, rules: list[str]) -> tuple[list[str], dict[str, Any] | None]:
    """The rules a failed scenario is blamed on: the rule its failing Then step checks, or every rule of
    the scenario when it failed elsewhere (a Given or When step, a step declaring no rule, set-up)."""
    failed = item.stash.get(FAILED_STEP, None)
    rule = blamed(failed["declares"], rules) if failed else None
    return ([rule] if rule else list(rules)), failed


def _rendered(item: pytest.Item, template: Any) -> Any:
    """The scenario as run: an outline's title and steps with the example's values filled in."""
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get("_pytest_bdd_example") if callspec is not None else None
    return template.render(example) if example else template


def _example_tags(item: pytest.Item) -> set[str]:
    """The tags set on the Examples table an outline's test item comes from."""
    callspec = getattr(item, "callspec", None)
    return {m.name for m in getattr(callspec, "marks", ())}


def _scenario_name(item: pytest.Item, scenario: Any, template: Any) -> str:
    """The scenario's title (an outline's with its example's values; the same in every run)."""
    name = str(scenario.name)
    if "[" in item.name and name == template.name:
        name += f" [{item.name.split('[', 1)[1].removesuffix(']')}]"
    return name


def _steps(item: pytest.Item, scenario: Any, report: pytest.TestReport) -> list[dict[str, Any]]:
    """Every step of the scenario with its status: passed, failed (the first failing one) or skipped."""
    executed = scenario_reports_registry.get(item)
    done = executed.serialize()["steps"] if executed is not None else []
    out: list[dict[str, Any]] = []
    failed_seen = False
    for index, step in enumerate(scenario.steps):
        if index < len(done) and not failed_seen:
            ran = done[index]
            status = "failed" if ran["failed"] else "passed"
            failed_seen = ran["failed"]
            duration = round(float(ran["duration"]), 6)
        else:
            status, duration = "skipped", 0.0
        out.append(
            {
                "keyword": step.keyword,
                "name": step.name,
                "line": step.line_number,
                "status": status,
                "duration": duration,
            }
        )
    if report.skipped:
        for step in out:
            step["status"] = "skipped"
    if report.when == "call" and report.failed and not failed_seen and out:
        # the scenario failed outside a step's own report (for example in a hook): blame the last step run
        last = max((i for i, s in enumerate(out) if s["status"] == "passed"), default=0)
        out[last]["status"] = "failed"
    return out


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    template = _template(item)
    if template is not None:
        scenario = _rendered(item, template)
        info: dict[str, Any] = {
            "rules": _scenario_rules(item),
            "scenario": _scenario_name(item, scenario, template),
            "feature": template.feature.name,
            "file": Path(template.feature.filename).name,
            "line": template.line_number,
            "tags": sorted(template.tags | template.feature.tags | _example_tags(item)),
            "feature_line": template.feature.line_number,
            "feature_description": template.feature.description,
            "steps": _steps(item, scenario, report),
        }
        if item.stash.get(UNSUPPORTED, None):
            info["unsupported"] = item.stash[UNSUPPORTED]
        if report.failed:
            info["blamed"], info["failed_step"] = blame(item, info["rules"])
            _attach_evidence(item, report, info)
        if report.failed and call.excinfo is not None:
            info["error"] = f"{call.excinfo.typename}: {call.excinfo.value}"
            info["traceback"] = _traceback(call.excinfo.tb)
            info["difference"] = list(getattr(call.excinfo.value, "difference", None) or [])
        built = item.stash.get(WORLD, None)
        if built is not None and built.draws.record:  # the values the rules left open, as drawn
            info["drawn"] = {"seed": built.draws.seed, "values": built.draws.as_json()}
            if "error" in info and "drawn values (seed" not in info["error"]:
                info["error"] += "\n" + built.draws.summary()
        report.user_properties.append((ASC_KEY, json.dumps(info)))
        report.user_properties.append(("rules", " ".join(info["rules"])))
        if "drawn" in info:
            report.user_properties.append(("drawn", json.dumps(info["drawn"])))
    return report


def _attach_evidence(item: pytest.Item, report: pytest.TestReport, info: dict[str, Any]) -> None:
    """A failed scenario's request log: whole in the report data, its tail as a section of the console's
    failure text."""
    world = item.stash.get(WORLD, None)
    if world is None:
        return
    log = request_log(world.sandbox.journal)
    info["request_log"] = log
    report.sections.append(("requests to the fakes", "\n".join(short_log(log))))


_FRAMEWORK = (f"{os.sep}_pytest{os.sep}", f"{os.sep}pluggy{os.sep}", f"{os.sep}pytest_bdd{os.sep}")


def _traceback(tb: Any) -> str:
    """The failure's frames outside pytest's own machinery (no addresses: the same text in every run)."""
    frames = [f for f in traceback.extract_tb(tb) if not any(part in f.filename for part in _FRAMEWORK)]
    return "".join(traceback.format_list(frames))


def _progress_line(result: Any) -> str:
    word = {"passed": "PASSED ", "failed": "FAILED ", "skipped": "SKIPPED"}.get(result.outcome, result.outcome)
    line = f"{word} {' '.join(result.rules):<14} {result.file}: {result.scenario} ({result.duration:.2f} s)"
    if result.outcome != "passed" and result.message:
        line += f"\n        {result.message.strip().splitlines()[0][:200]}"
    if result.outcome == "failed":
        others = [r for r in result.rules if r not in result.blamed]
        reached = f"; not reached: {', '.join(others)}" if others else ""
        line += f"\n        failed: {', '.join(result.blamed)}{reached}"
    return line


@pytest.hookimpl(tryfirst=True)
def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> tuple[str, str, str] | None:
    """With progress lines on, a scenario prints no dot: its line comes when it finishes."""
    if not _progress_on(config) or not any(k == ASC_KEY for k, _ in report.user_properties):
        return None
    if report.when == "call":
        return report.outcome, "", report.outcome.upper()
    if report.failed:
        return "error", "", "ERROR"
    if report.skipped:
        return "skipped", "", "SKIPPED"
    return "", "", ""


def _progress_on(config: pytest.Config) -> bool:
    return config.getoption("verbose") <= 0 and not hasattr(config, "workerinput")


class _Recorder:
    """Collects every scenario report (on the controller, workers' reports arrive deserialised)."""

    def __init__(self, config: pytest.Config, book: ResultBook) -> None:
        self.config = config
        self.book = book

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        info = next((json.loads(v) for k, v in report.user_properties if k == ASC_KEY), None)
        if info is None:
            return
        result = self.book.add(report, info)
        if report.when == "teardown" and _progress_on(self.config):
            reporter = self.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.ensure_newline()
                reporter.write_line(_progress_line(result))


VERDICT = pytest.StashKey[dict[str, Any]]()


#: Exit statuses of ``asc-conformance run`` besides the verdicts' (0 conformant, 1 not conformant, 3 incomplete).
USAGE_ERROR = 2
RUN_BROKEN = 4


class VerdictProbe:
    """A plugin object for ``pytest.main``: keeps the run's verdict for the exit status of the command."""

    def __init__(self) -> None:
        self.verdict: dict[str, Any] | None = None

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.verdict = config.stash.get(VERDICT, None)

    def exit_status(self, pytest_code: int) -> int:
        """0 conformant, 1 not conformant, 3 incomplete (no scenario run included), 2 bad input (a pytest
        usage error, a connector that cannot be loaded), 4 the run itself broke (interrupted, internal
        error, collection errors)."""
        if pytest_code == pytest.ExitCode.USAGE_ERROR:
            return USAGE_ERROR
        if pytest_code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
            return RUN_BROKEN
        if self.verdict is None:
            return 1 if pytest_code == pytest.ExitCode.TESTS_FAILED else VERDICTS["incomplete"]
        status = int(self.verdict["exit_status"])
        return 1 if pytest_code == pytest.ExitCode.TESTS_FAILED and status == 0 else status


def selection(config: pytest.Config) -> dict[str, Any]:
    """The tag (``-m``) and keyword (``-k``) expressions and the paths this run was given."""
    return {
        "tags": config.getoption("markexpr", "") or None,
        "keywords": config.getoption("keyword", "") or None,
        "paths": [str(a) for a in config.args if Path(str(a).split("::")[0]).suffix == ".feature" or "::" in str(a)],
    }


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return
    book = config.stash[BOOK]
    if not book.scenarios:
        return
    profile = config.getoption("asc_profile")
    summary = book.summary(profile)
    chosen = selection(config)
    config.stash[VERDICT] = verdict_of(summary, profile)
    terminalreporter.section("conformance by rule")
    for line in book.table(summary, profile):
        terminalreporter.write_line(line)
    picked = selection_of(summary, chosen)
    if picked["partial"]:
        terminalreporter.write_line(
            "partial selection: "
            + ", ".join(f"{k} {v!r}" for k, v in chosen.items() if v and k != "paths")
            + f" leaves out scenarios of {len(picked['rules_partly_selected'])} rule(s) of the profile"
        )
    report_dir = config.getoption("asc_report_dir")
    if report_dir:
        paths = write_reports(
            Path(report_dir),
            book,
            summary,
            impl=config.getoption("asc_impl"),
            profile=profile,
            seed=config.getoption("asc_seed"),
            selection=chosen,
        )
        terminalreporter.write_line("reports: " + ", ".join(str(p) for p in paths))
