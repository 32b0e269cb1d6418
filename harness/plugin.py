"""The pytest plugin: options, the ``world`` fixture, profile selection, and per-rule results.

Results travel from pytest-xdist workers to the controller in each report's ``user_properties``,
so every report is complete under ``-n`` (pytest-bdd's own ``--cucumberjson`` is empty there).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.reporting import scenario_reports_registry
from pytest_bdd.scenario import scenario_wrapper_template_registry

from harness.impl import ImplError, resolve
from harness.results import ResultBook
from harness.rules import PROFILES, catalogue, in_profile, rule_tags
from harness.steps import STEP_MODULES
from harness.world import LiveSimulators, World, open_world

ASC_KEY = "asc_conformance"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("asc-conformance", "Amazon Sales Channel conformance suite")
    group.addoption("--asc-impl", default="reference", help="connector: entry-point name, module:factory or URL")
    group.addoption("--asc-profile", default="strict", choices=sorted(PROFILES), help="conformance level to run")
    group.addoption("--asc-seed", type=int, default=0, help="seed of generated buyers and order IDs")
    group.addoption("--asc-report-dir", default=None, help="write conformance.json (and more) here")
    group.addoption("--asc-live", action="store_true", help="serve the simulators on loopback ports")


def pytest_configure(config: pytest.Config) -> None:
    for rule_id, rule in catalogue().items():
        config.addinivalue_line("markers", f"{rule_id}: {rule.statement[:60]}")
    for name in STEP_MODULES:
        config.pluginmanager.import_plugin(name)
    config.stash[BOOK] = ResultBook()
    config.pluginmanager.register(_Recorder(config.stash[BOOK]), "asc-conformance-recorder")


BOOK = pytest.StashKey[ResultBook]()


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
        return resolve(impl)
    except ImplError as err:
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


@pytest.fixture
def world(
    request: pytest.FixtureRequest, asc_factory: Any, asc_live: LiveSimulators | None, tmp_path: Path
) -> Iterator[World]:
    """The scenario's World; its seed depends on --asc-seed and the scenario's name only."""
    base_seed = int(request.config.getoption("asc_seed"))
    seed = zlib.crc32(f"{base_seed}:{request.node.name}".encode())
    with open_world(asc_factory, seed=seed, workdir=tmp_path, live=asc_live) as built:
        built.rules = tuple(_scenario_rules(request.node))
        unsupported = built.adapter.capabilities().unsupported
        reasons = [f"{r}: {unsupported[r]}" for r in built.rules if r in unsupported]
        if reasons and len(reasons) == len(built.rules):
            pytest.skip("connector declares unsupported: " + "; ".join(reasons))
        yield built


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    if _is_scenario(item):
        template = _template(item)
        executed = scenario_reports_registry.get(item)
        steps = (
            [
                {"keyword": s["keyword"], "name": s["name"], "failed": s["failed"], "duration": s["duration"]}
                for s in executed.serialize()["steps"]
            ]
            if executed is not None
            else [{"keyword": s.keyword, "name": s.name, "failed": False, "duration": 0.0} for s in template.steps]
        )
        info = {
            "rules": _scenario_rules(item),
            "scenario": item.name if "[" in item.name else template.name,
            "feature": template.feature.name,
            "file": Path(template.feature.filename).name,
            "steps": steps,
        }
        report.user_properties.append((ASC_KEY, json.dumps(info)))
        report.user_properties.append(("rules", " ".join(info["rules"])))
    return report


class _Recorder:
    """Collects every scenario report (on the controller, workers' reports arrive deserialised)."""

    def __init__(self, book: ResultBook) -> None:
        self.book = book

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        info = next((json.loads(v) for k, v in report.user_properties if k == ASC_KEY), None)
        if info is not None:
            self.book.add(report, info)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return
    book = config.stash[BOOK]
    if not book.scenarios:
        return
    profile = config.getoption("asc_profile")
    summary = book.summary(profile)
    terminalreporter.section("conformance by rule")
    for line in book.table(summary):
        terminalreporter.write_line(line)
    report_dir = config.getoption("asc_report_dir")
    if report_dir:
        book.write(
            Path(report_dir),
            summary,
            impl=config.getoption("asc_impl"),
            profile=profile,
            seed=config.getoption("asc_seed"),
        )
