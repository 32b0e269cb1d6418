"""The reports of a run, all built from the :class:`ResultBook` (so they are complete under pytest-xdist).

``write_reports`` writes ``conformance.json``, ``junit.xml`` (rule IDs as properties),
``cucumber.json`` and a self-contained ``report.html`` (rule matrix with filters, steps, failures).
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from harness.results import ResultBook, ScenarioResult, conformance_data
from harness.rules import catalogue

REPORT_FILES = ("conformance.json", "junit.xml", "cucumber.json", "report.html")


def write_reports(
    directory: Path,
    book: ResultBook,
    summary: dict[str, dict[str, Any]],
    *,
    impl: str,
    profile: str,
    seed: int,
    selection: dict[str, Any] | None = None,
) -> list[Path]:
    """Write the four reports into ``directory``; returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    data = conformance_data(book, summary, impl=impl, profile=profile, seed=seed, selection=selection)
    contents = {
        "conformance.json": json.dumps(data, indent=2),
        "junit.xml": junit_xml(book, data),
        "cucumber.json": json.dumps(cucumber(book), indent=2),
        "report.html": html_report(data),
    }
    paths = []
    for name in REPORT_FILES:
        path = directory / name
        path.write_text(contents[name], encoding="utf-8")
        paths.append(path)
    return paths


# -- JUnit XML -------------------------------------------------------------------------------------
def junit_xml(book: ResultBook, data: dict[str, Any]) -> str:
    """JUnit XML: one testcase per scenario, its rule IDs as properties (``rules`` and one ``rule`` each)."""
    scenarios = book.ordered()
    suite = ET.Element(
        "testsuite",
        name="asc-conformance",
        tests=str(len(scenarios)),
        failures=str(sum(s.outcome == "failed" for s in scenarios)),
        errors="0",
        skipped=str(sum(s.outcome == "skipped" for s in scenarios)),
        time=f"{sum(s.duration for s in scenarios):.3f}",
        timestamp=data["generated_at"],
    )
    props = ET.SubElement(suite, "properties")
    for name in ("implementation", "profile", "seed"):
        ET.SubElement(props, "property", name=name, value=str(data[name]))
    for name, value in data["versions"].items():
        ET.SubElement(props, "property", name=f"version:{name}", value=value)
    for s in scenarios:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"{s.file}: {s.feature}",
            name=s.scenario,
            file=s.file,
            line=str(s.line),
            time=f"{s.duration:.3f}",
        )
        case_props = ET.SubElement(case, "properties")
        ET.SubElement(case_props, "property", name="rules", value=" ".join(s.rules))
        for rule in s.rules:
            ET.SubElement(case_props, "property", name="rule", value=rule)
        ET.SubElement(case_props, "property", name="nodeid", value=s.nodeid)
        if s.outcome == "failed":
            failure = ET.SubElement(case, "failure", message=_first_line(s.message))
            failure.text = s.message + ("\n\n" + s.traceback if s.traceback else "")
        elif s.outcome == "skipped":
            ET.SubElement(case, "skipped", message=s.message)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


# -- Cucumber JSON ---------------------------------------------------------------------------------
def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def cucumber(book: ResultBook) -> list[dict[str, Any]]:
    """Cucumber JSON (the format Cucumber's reporters read): features, their scenarios, step results."""
    features: dict[str, dict[str, Any]] = {}
    for s in book.ordered():
        feature = features.get(s.file)
        if feature is None:
            feature = features[s.file] = {
                "uri": s.file,
                "id": _slug(s.feature),
                "keyword": "Feature",
                "name": s.feature,
                "line": s.feature_line,
                "description": s.feature_description,
                "tags": [],
                "elements": [],
            }
        steps = []
        for step in s.steps:
            result: dict[str, Any] = {"status": step["status"], "duration": int(step["duration"] * 1e9)}
            if step["status"] == "failed" and s.message:
                result["error_message"] = s.message
            steps.append(
                {
                    "keyword": step["keyword"].strip() + " ",
                    "name": step["name"],
                    "line": step["line"],
                    "match": {"location": f"{s.file}:{step['line']}"},
                    "result": result,
                }
            )
        feature["elements"].append(
            {
                "id": f"{feature['id']};{_slug(s.scenario)}",
                "keyword": "Scenario",
                "name": s.scenario,
                "line": s.line,
                "description": "",
                "type": "scenario",
                "tags": [{"name": f"@{tag}", "line": max(s.line - 1, 1)} for tag in s.tags],
                "steps": steps,
            }
        )
    return list(features.values())


# -- HTML ------------------------------------------------------------------------------------------
_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;
vertical-align:top}th{background:#f4f4f4}.passed{color:#17692a}.failed{color:#b00020}.skipped{color:#8a6d00}
.badge{font-weight:600;text-transform:uppercase;font-size:.85em}.filters{margin:.8em 0;display:flex;gap:1em;
flex-wrap:wrap;align-items:center}details{border:1px solid #ddd;border-radius:4px;margin:.4em 0;padding:.3em .6em}
summary{cursor:pointer}ol{margin:.3em 0}pre{background:#f8f8f8;padding:.6em;overflow:auto;white-space:pre-wrap}
.meta td:first-child{font-weight:600;width:12em}.hidden{display:none}.dur{color:#777;font-size:.85em}
"""

_SCRIPT = """
const $=s=>Array.from(document.querySelectorAll(s));
function apply(){
  const show=new Set($('input.outcome:checked').map(i=>i.value));
  const level=document.getElementById('level').value;
  const text=document.getElementById('text').value.toLowerCase();
  const rule=document.getElementById('rule').value;
  $('tr.rule').forEach(r=>{r.classList.toggle('hidden',!(show.has(r.dataset.outcome)&&(!level||r.dataset.level===level)
    &&(!text||r.textContent.toLowerCase().includes(text))&&(!rule||r.dataset.rule===rule)));});
  $('details.scenario').forEach(d=>{const rules=d.dataset.rules.split(' ');
    d.classList.toggle('hidden',!(show.has(d.dataset.outcome)&&(!rule||rules.includes(rule))
    &&(!text||d.textContent.toLowerCase().includes(text))&&(!level||d.dataset.levels.split(' ').includes(level))));});
}
$('input,select').forEach(e=>e.addEventListener('input',apply));
$('tr.rule').forEach(r=>r.addEventListener('click',()=>{const s=document.getElementById('rule');
  s.value=s.value===r.dataset.rule?'':r.dataset.rule;apply();}));
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def html_report(data: dict[str, Any]) -> str:
    """A self-contained HTML report: run facts, the rule matrix with filters, every scenario's steps."""
    rules = catalogue()
    summary: dict[str, dict[str, Any]] = data["rules"]
    scenarios = [ScenarioResult(**s) for s in data["scenarios"]]
    counts = {o: sum(d["outcome"] == o for d in summary.values()) for o in ("passed", "failed", "skipped")}
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Conformance report: {_e(data['implementation'])}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f'<h1>Amazon order connector conformance: <span class="{data["verdict"]}">'
        f"{_e(data['verdict'].upper())}</span></h1>",
        '<table class="meta">',
        f"<tr><td>Implementation</td><td>{_e(data['implementation'])}</td></tr>",
        f"<tr><td>Profile</td><td>{_e(data['profile'])}</td></tr>",
        f"<tr><td>Seed</td><td>{_e(data['seed'])}</td></tr>",
        "<tr><td>Versions</td><td>" + _e(", ".join(f"{k} {v}" for k, v in data["versions"].items())) + "</td></tr>",
        f'<tr><td>Generated</td><td><span class="when">{_e(data["generated_at"])}</span></td></tr>',
        f"<tr><td>Rules</td><td>{counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['skipped']} skipped, of {len(summary)} checked</td></tr>",
        "</table>",
        '<div class="filters">',
    ]
    for outcome in ("passed", "failed", "skipped"):
        out.append(
            f'<label class="{outcome}"><input type="checkbox" class="outcome" value="{outcome}" checked> '
            f"{outcome}</label>"
        )
    out.append('<label>level <select id="level"><option value="">all</option>')
    out += [f'<option value="{lvl}">{lvl}</option>' for lvl in ("core", "documented", "strict")]
    out.append('</select></label><label>rule <select id="rule"><option value="">all</option>')
    out += [f'<option value="{_e(r)}">{_e(r)}</option>' for r in summary]
    out.append('</select></label><label>text <input id="text" type="search" placeholder="filter"></label></div>')
    out.append("<h2>Rules</h2><table><tr><th>Rule</th><th>Level</th><th>Statement</th><th>Scenarios</th>")
    out.append("<th>Result</th></tr>")
    for rule_id, d in summary.items():
        rule = rules.get(rule_id)
        level = rule.level if rule else ""
        note = ""
        if d["outcome"] == "skipped" and d["skip_reasons"]:
            note = "<br><small>" + _e("; ".join(d["skip_reasons"])) + "</small>"
        out.append(
            f'<tr class="rule" data-rule="{_e(rule_id)}" data-outcome="{d["outcome"]}" data-level="{level}">'
            f"<td>{_e(rule_id)}</td><td>{level}</td><td>{_e(rule.statement if rule else '')}</td>"
            f"<td>{d['passed']} passed, {d['failed']} failed, {d['skipped']} skipped</td>"
            f'<td class="badge {d["outcome"]}">{d["outcome"]}{note}</td></tr>'
        )
    out.append("</table><h2>Scenarios</h2>")
    for s in scenarios:
        levels = " ".join(sorted({rules[r].level for r in s.rules if r in rules}))
        out.append(
            f'<details class="scenario" data-outcome="{s.outcome}" data-rules="{_e(" ".join(s.rules))}" '
            f'data-levels="{levels}"{" open" if s.outcome == "failed" else ""}>'
            f'<summary><span class="badge {s.outcome}">{s.outcome}</span> {_e(" ".join(s.rules))} '
            f"<b>{_e(s.scenario)}</b> <small>{_e(s.file)}:{s.line}</small> "
            f'<span class="dur">{s.duration:.3f} s</span></summary><ol>'
        )
        for step in s.steps:
            out.append(
                f'<li class="{step["status"]}">{_e(step["keyword"])} {_e(step["name"])} '
                f"<small>({step['status']})</small></li>"
            )
        out.append("</ol>")
        if s.message:
            label = "Skipped because" if s.outcome == "skipped" else "Failure (with the world's state)"
            out.append(f"<p><b>{label}</b></p><pre>{_e(s.message)}</pre>")
        if s.traceback:
            out.append(f"<details><summary>Traceback</summary><pre>{_e(s.traceback)}</pre></details>")
        out.append("</details>")
    out.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(out) + "\n"
