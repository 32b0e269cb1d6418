"""The reports of a run, all built from the :class:`ResultBook` (so they are complete under pytest-xdist).

``write_reports`` writes ``conformance.json``, ``junit.xml`` (rule IDs as properties),
``cucumber.json`` and a self-contained ``report.html`` (verdict banner, rule matrix with filters kept in the
page's address, failures first with the world's state and the request log, every scenario's steps).
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from harness.results import ResultBook, ScenarioResult, conformance_data, verdict_word
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
    for name in ("implementation", "profile", "seed", "verdict", "exit_status"):
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
            ET.SubElement(case_props, "property", name="blamed", value=" ".join(s.blamed))
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
vertical-align:top}th{background:#f4f4f4}.passed{color:#17692a}.failed{color:#b00020}.skipped,.unsupported,
.incomplete,.not_run{color:#8a6d00}.badge{font-weight:600;text-transform:uppercase;font-size:.85em;white-space:nowrap}
.rid,.rules{white-space:nowrap;font-family:ui-monospace,monospace}.filters{margin:.8em 0;display:flex;gap:1em;
flex-wrap:wrap;align-items:center}details{border:1px solid #ddd;border-radius:4px;margin:.4em 0;padding:.3em .6em}
summary{cursor:pointer}ol{margin:.3em 0}pre{background:#f8f8f8;padding:.6em;overflow:auto;white-space:pre-wrap}
.meta td:first-child{font-weight:600;width:12em}.hidden{display:none}.dur{color:#777;font-size:.85em}
.banner{padding:.8em 1em;border-radius:6px;margin:1em 0;border:2px solid}.banner strong{font-size:1.3em}
.banner.conformant{background:#e7f5ea;border-color:#17692a}.banner.not_conformant{background:#fbe9eb;border-color:#b00020}
.banner.incomplete{background:#fff6d6;border-color:#8a6d00}.banner ul{margin:.3em 0 0}.blamed{font-weight:700}
.badge small{text-transform:none;font-weight:400}
.requests td{font-family:ui-monospace,monospace;font-size:.85em}
.requests td.body{white-space:pre-wrap;word-break:break-all}
"""

_SCRIPT = """
const $=s=>Array.from(document.querySelectorAll(s));
const el=i=>document.getElementById(i);
function state(){
  const p=new URLSearchParams();
  const off=$('input.outcome').filter(i=>!i.checked).map(i=>i.value);
  if(off.length)p.set('hide',off.join(','));
  ['level','rule','text'].forEach(k=>{if(el(k).value)p.set(k,el(k).value);});
  return p.toString();
}
function apply(){
  const show=new Set($('input.outcome:checked').map(i=>i.value));
  const level=el('level').value;
  const text=el('text').value.toLowerCase();
  const rule=el('rule').value;
  $('tr.rule').forEach(r=>{r.classList.toggle('hidden',!(show.has(r.dataset.outcome)&&(!level||r.dataset.level===level)
    &&(!text||r.textContent.toLowerCase().includes(text))&&(!rule||r.dataset.rule===rule)));});
  $('details.scenario').forEach(d=>{const rules=d.dataset.rules.split(' ');
    d.classList.toggle('hidden',!(show.has(d.dataset.outcome)&&(!rule||rules.includes(rule))
    &&(!text||d.textContent.toLowerCase().includes(text))&&(!level||d.dataset.levels.split(' ').includes(level))));});
  if(typeof history!=='undefined'&&typeof location!=='undefined'){
    const s=state();history.replaceState(null,'',s?'#'+s:location.pathname+location.search);}
}
function restore(){
  if(typeof location==='undefined'||!location.hash)return;
  const p=new URLSearchParams(location.hash.slice(1));
  const hide=new Set((p.get('hide')||'').split(',').filter(Boolean));
  $('input.outcome').forEach(i=>{i.checked=!hide.has(i.value);});
  ['level','rule','text'].forEach(k=>{if(p.has(k))el(k).value=p.get(k);});
}
$('input,select').forEach(e=>e.addEventListener('input',apply));
$('tr.rule').forEach(r=>r.addEventListener('click',()=>{const s=el('rule');
  s.value=s.value===r.dataset.rule?'':r.dataset.rule;apply();}));
restore();apply();
"""

#: Rule and scenario outcomes, in the order reports list them (failures first).
_RULE_ORDER = {"failed": 0, "incomplete": 1, "unsupported": 2, "not_run": 3, "passed": 4}
_SCENARIO_ORDER = {"failed": 0, "skipped": 1, "passed": 2}
_FILTERS = ("failed", "incomplete", "unsupported", "not_run", "skipped", "passed")
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _word(value: str) -> str:
    return value.replace("_", " ")


def _banner(data: dict[str, Any]) -> list[str]:
    verdict = data["verdict"]
    selection = data.get("selection") or {}
    out = [
        f'<div id="verdict" class="banner {verdict}" data-verdict="{verdict}">',
        f"<strong>{_e(verdict_word(verdict))}</strong> "
        f"<span>profile {_e(data['profile'])}, exit status {_e(data['exit_status'])}</span>",
    ]
    reasons = list(data.get("verdict_reasons") or [])
    if selection.get("partial"):
        chosen = ", ".join(f"{k} {selection[k]!r}" for k in ("tags", "keywords") if selection.get(k))
        reasons.append(
            f"partial selection{': ' + chosen if chosen else ''}: scenarios of "
            f"{len(selection.get('rules_partly_selected') or [])} rule(s) of the profile were not run"
        )
    if reasons:
        out.append("<ul>" + "".join(f"<li>{_e(r)}</li>" for r in reasons) + "</ul>")
    out.append("</div>")
    return out


def _requests_table(log: dict[str, Any]) -> str:
    requests = list(log.get("requests") or [])
    omitted = int(log.get("omitted") or 0)
    rows = [
        f"<tr><td>{i}</td><td>{_e(r['service'])}</td><td>{_e(r['method'])}</td><td>{_e(r['path'])}"
        + (
            "?" + _e("&".join(f"{k}={v}" for k, vs in sorted(r["query"].items()) for v in vs))
            if r.get("query")
            else ""
        )
        + f'</td><td>{_e(r["status"])}</td><td class="body">{_e(r.get("body") or "")}</td></tr>'
        for i, r in enumerate(requests, 1)
    ]
    note = f"<p>{omitted} requests in the middle of the log are left out.</p>" if omitted else ""
    return (
        f'<details class="requests"><summary>Requests to the fakes ({len(requests) + omitted})</summary>{note}'
        "<table><tr><th>#</th><th>service</th><th>method</th><th>path</th><th>status</th><th>body</th></tr>"
        + "".join(rows)
        + "</table></details>"
    )


def _scenario(s: ScenarioResult, rules: dict[str, Any]) -> list[str]:
    levels = " ".join(sorted({rules[r].level for r in s.rules if r in rules}))
    shown_rules = " ".join(
        f'<span class="blamed">{_e(r)}</span>' if r in s.blamed and s.outcome == "failed" else _e(r) for r in s.rules
    )
    out = [
        f'<details class="scenario" data-outcome="{s.outcome}" data-rules="{_e(" ".join(s.rules))}" '
        f'data-levels="{levels}"{" open" if s.outcome == "failed" else ""}>'
        f'<summary><span class="badge {s.outcome}">{s.outcome}</span> <span class="rules">{shown_rules}</span> '
        f"<b>{_e(s.scenario)}</b> <small>{_e(s.file)}:{s.line}</small> "
        f'<span class="dur">{s.duration:.3f} s</span></summary>'
    ]
    if s.outcome == "failed":
        others = [r for r in s.rules if r not in s.blamed]
        out.append(
            f'<p class="blame">Failed: <span class="rid">{_e(", ".join(s.blamed))}</span>'
            + (f"; not reached: <span class='rid'>{_e(', '.join(others))}</span>" if others else "")
            + "</p>"
        )
    out.append("<ol>")
    for step in s.steps:
        out.append(
            f'<li class="{step["status"]}">{_e(step["keyword"])} {_e(step["name"])} '
            f"<small>({step['status']})</small></li>"
        )
    out.append("</ol>")
    if s.outcome == "skipped" and s.message:
        out.append(f'<p class="skip"><b>Skipped because</b> {_e(s.message)}</p>')
    if s.outcome == "failed":
        if s.difference:
            out.append('<p><b>Difference (expected -> found)</b></p><pre class="difference">')
            out.append(_e("\n".join(s.difference)) + "</pre>")
        if s.message:
            out.append(f"<p><b>Failure (with the world's state)</b></p><pre class=\"failure\">{_e(s.message)}</pre>")
        if s.request_log is not None:
            out.append(_requests_table(s.request_log))
        if s.traceback:
            out.append(f"<details><summary>Traceback</summary><pre>{_e(s.traceback)}</pre></details>")
    out.append("</details>")
    return out


def html_report(data: dict[str, Any]) -> str:
    """A self-contained HTML report: the verdict, run facts, the rule matrix with filters kept in the page's
    address, every scenario's steps; failures first, each with the world's state and its request log."""
    rules = catalogue()
    summary: dict[str, dict[str, Any]] = data["rules"]
    scenarios = [ScenarioResult(**s) for s in data["scenarios"]]
    selection = data.get("selection") or {}
    counts = ", ".join(f"{n} {_word(o)}" for o, n in (data.get("rule_counts") or {}).items() if n)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Conformance report: {_e(data['implementation'])}</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Amazon order connector conformance</h1>",
        *_banner(data),
        '<table class="meta">',
        f"<tr><td>Implementation</td><td>{_e(data['implementation'])}</td></tr>",
        f"<tr><td>Profile</td><td>{_e(data['profile'])}</td></tr>",
        f"<tr><td>Seed</td><td>{_e(data['seed'])}</td></tr>",
        "<tr><td>Selection</td><td>"
        + _e(
            ", ".join(f"{k} {selection[k]!r}" for k in ("tags", "keywords") if selection.get(k))
            or "the whole suite"
        )
        + (" (partial)" if selection.get("partial") else "")
        + "</td></tr>",
        "<tr><td>Versions</td><td>" + _e(", ".join(f"{k} {v}" for k, v in data["versions"].items())) + "</td></tr>",
        f'<tr><td>Generated</td><td><span class="when">{_e(data["generated_at"])}</span></td></tr>',
        f"<tr><td>Rules</td><td>{_e(counts)}</td></tr>",
        "</table>",
        '<div class="filters">',
    ]
    for outcome in _FILTERS:
        out.append(
            f'<label class="{outcome}"><input type="checkbox" class="outcome" value="{outcome}" checked> '
            f"{_word(outcome)}</label>"
        )
    out.append('<label>level <select id="level"><option value="">all</option>')
    out += [f'<option value="{lvl}">{lvl}</option>' for lvl in ("core", "documented", "strict")]
    out.append('</select></label><label>rule <select id="rule"><option value="">all</option>')
    out += [f'<option value="{_e(r)}">{_e(r)}</option>' for r in summary]
    out.append('</select></label><label>text <input id="text" type="search" placeholder="filter"></label></div>')
    out.append("<h2>Rules</h2><table><tr><th>Rule</th><th>Level</th><th>Statement</th><th>Scenarios</th>")
    out.append("<th>Result</th></tr>")
    ordered = sorted(summary.items(), key=lambda item: _RULE_ORDER.get(item[1]["outcome"], 9))
    for rule_id, d in ordered:
        rule = rules.get(rule_id)
        level = rule.level if rule else ""
        notes = []
        if d["skip_reasons"] and d["outcome"] != "passed":
            notes.append("; ".join(d["skip_reasons"]))
        if not d["in_profile"]:
            notes.append("outside the profile")
        note = "<br><small>" + _e(" - ".join(notes)) + "</small>" if notes else ""
        statement = _MARKDOWN.renderInline(rule.statement) if rule else ""
        tally = f"{d['passed']} passed" + "".join(
            f", {d[k]} {_word(k)}" for k in ("failed", "not_reached", "skipped", "not_selected") if d[k]
        )
        out.append(
            f'<tr class="rule" data-rule="{_e(rule_id)}" data-outcome="{d["outcome"]}" data-level="{level}">'
            f'<td class="rid">{_e(rule_id)}</td><td>{level}</td><td class="statement">{statement}</td>'
            f'<td class="coverage">{_e(d["coverage"])}<br><small>{_e(tally)}</small></td>'
            f'<td class="badge {d["outcome"]}">{_e(_word(d["outcome"]))}{note}</td></tr>'
        )
    out.append("</table><h2>Scenarios</h2>")
    for s in sorted(scenarios, key=lambda s: _SCENARIO_ORDER.get(s.outcome, 9)):
        out += _scenario(s, rules)
    out.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(out) + "\n"
