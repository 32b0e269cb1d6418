"""report.html in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

Outside CI the test is skipped, with the reason, when Playwright or the browser is missing; under
``CI=true`` a missing browser fails it (``.ci/run`` installs both).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

CHROMIUM = os.environ.get("ASC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() == "true"


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright)"
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing:
        if IN_CI:
            pytest.fail(f"the browser test needs a browser under CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run with every kind of result: failures (VIEW-01), unsupported rules, passes, a partial selection."""
    directory = tmp_path_factory.mktemp("browser-report")
    tags = "VIEW-01 or IMP-02 or IMP-03 or BLK-06 or SET-01"
    result = run_cli(
        "run", "--impl", "sample_adapters:partial_and_broken", "--tags", tags, "--report-dir", str(directory)
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    return directory


def _visible(page: Any, selector: str) -> list[Any]:
    return [e for e in page.query_selector_all(selector) if e.is_visible()]


def test_the_report_in_a_browser(browser: Any, report: Path) -> None:
    data = json.loads((report / "conformance.json").read_text())
    page = browser.new_page(viewport={"width": 900, "height": 900})
    page.goto((report / "report.html").as_uri())

    banner = page.locator("#verdict")
    assert banner.get_attribute("data-verdict") == "not_conformant"
    assert "NOT CONFORMANT" in banner.inner_text()
    assert "partial selection" in banner.inner_text()

    # failures first: rules, then scenarios
    rows = page.query_selector_all("tr.rule")
    assert rows[0].get_attribute("data-outcome") == "failed"
    outcomes = [d.get_attribute("data-outcome") for d in page.query_selector_all("details.scenario")]
    assert outcomes[0] == "failed" and "failed" not in outcomes[outcomes.index("passed") :]
    assert len(outcomes) == len(data["scenarios"])

    # a failed scenario shows the world's state and, expanded, the request log
    failed = page.locator('details.scenario[data-outcome="failed"]').first
    assert failed.get_attribute("open") is not None
    assert "The world held:" in failed.locator("pre.failure").inner_text()
    assert "VIEW-01" in failed.locator("p.blame").inner_text()
    requests = failed.locator("details.requests")
    assert not requests.locator("table").is_visible()
    requests.locator("summary").click()
    assert requests.locator("table").is_visible()
    paths = requests.locator("td").all_inner_texts()
    assert any("/orders/v0/orders" in p for p in paths) and any("/rest/V1/" in p for p in paths)

    # rule IDs on one line; markdown rendered
    page.set_viewport_size({"width": 360, "height": 900})  # narrow: an ID that may wrap, wraps
    lines = (
        "e => { const r = document.createRange(); r.selectNodeContents(e);"
        " return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.bottom))).size }"
    )
    assert page.locator('tr.rule[data-rule="VIEW-01"] td.rid').evaluate(lines) == 1
    assert page.locator('details.scenario[data-outcome="failed"] .rules').first.evaluate(lines) == 1
    page.set_viewport_size({"width": 900, "height": 900})
    statement = page.locator('tr.rule[data-rule="SET-01"] td.statement')
    assert statement.locator("em").inner_text() == "Import Amazon Orders"
    assert "*" not in statement.inner_text()

    # the filter lives in the address and survives a reload
    page.locator('input.outcome[value="passed"]').uncheck()
    page.select_option("#rule", "VIEW-01")
    assert "rule=VIEW-01" in page.url and "hide=passed" in page.url
    page.reload()
    assert page.locator("#rule").input_value() == "VIEW-01"
    assert not page.locator('input.outcome[value="passed"]').is_checked()
    shown = _visible(page, "details.scenario")
    assert shown and all("VIEW-01" in (d.get_attribute("data-rules") or "").split() for d in shown)
    assert all(d.get_attribute("data-outcome") != "passed" for d in shown)
    assert [r.get_attribute("data-rule") for r in _visible(page, "tr.rule")] == ["VIEW-01"]
    page.close()
