"""One self-contained HTML page of a run of the feature files (``samhandling report``).

Rendered from the run record (:mod:`samhandling.bdd.record`): features, scenarios,
steps with their status, data tables, failures with the case's history, and the
picture of each structure the run used when :mod:`samhandling.render.plotting` (matplotlib)
is available, inlined as base64 SVG. No scripts, no external resources.
"""

from __future__ import annotations

import base64
import tempfile
from html import escape
from pathlib import Path
from typing import Any

from samhandling.bdd.record import STATUS_LABEL

_CSS = """
:root { --ok: #1b7f3b; --bad: #b3261e; --warn: #8a6d00; --muted: #666; --line: #ddd; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1100px;
       padding: 1.5rem; color: #1d1d1d; line-height: 1.45; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid var(--line); }
.meta { color: var(--muted); }
.summary span { display: inline-block; margin-right: 1rem; font-weight: 600; }
.passed { color: var(--ok); } .failed, .undefined { color: var(--bad); } .skipped, .pending { color: var(--warn); }
section.scenario { border: 1px solid var(--line); border-left: 6px solid var(--ok); border-radius: 4px;
                   padding: .6rem 1rem; margin: 1rem 0; }
section.scenario.failed { border-left-color: var(--bad); } section.scenario.skipped { border-left-color: var(--warn); }
h3 { margin: .2rem 0 .5rem; font-size: 1.05rem; }
.badge { font-size: .8rem; padding: .1rem .5rem; border-radius: 1rem; border: 1px solid currentColor; margin-left: .5rem; }
ol.steps { list-style: none; padding-left: 0; margin: 0; }
ol.steps li { padding: .15rem 0; }
.kw { font-weight: 700; } .line { color: var(--muted); font-size: .8rem; margin-left: .4rem; }
.status { display: inline-block; width: 1.3rem; }
table { border-collapse: collapse; margin: .3rem 0 .3rem 2rem; font-size: .9rem; }
td, th { border: 1px solid var(--line); padding: .15rem .5rem; text-align: left; }
pre { background: #f6f6f6; padding: .6rem; overflow-x: auto; white-space: pre-wrap; font-size: .85rem; }
.error { color: var(--bad); margin-left: 2rem; white-space: pre-wrap; }
.note { color: var(--muted); margin-left: 2rem; font-size: .85rem; }
figure { margin: 1rem 0; } figure img { max-width: 100%; border: 1px solid var(--line); }
details summary { cursor: pointer; color: var(--muted); }
"""

_ICON = {"passed": "✔", "failed": "✘", "undefined": "?", "skipped": "–", "pending": "–"}


def _table(rows: list[list[str]] | None) -> str:
    if not rows:
        return ""
    head, *body = rows
    out = ["<table><thead><tr>", *(f"<th>{escape(str(c))}</th>" for c in head), "</tr></thead><tbody>"]
    for row in body:
        out += ["<tr>", *(f"<td>{escape(str(c))}</td>" for c in row), "</tr>"]
    out.append("</tbody></table>")
    return "".join(out)


def _step(step: dict[str, Any]) -> str:
    status = step.get("status", "pending")
    label = STATUS_LABEL.get(status, status)
    parts = [
        f'<li class="{escape(status)}" title="{escape(label)}"><span class="status">{_ICON.get(status, "")}</span>'
        f'<span class="kw">{escape(step.get("keyword", ""))}</span> {escape(step.get("text", ""))}'
        f'<span class="line">linje {step.get("line", "")}</span>'
    ]
    parts.append(_table(step.get("datatable")))
    if step.get("docstring"):
        parts.append(f"<pre>{escape(step['docstring'])}</pre>")
    if step.get("note"):
        parts.append(f'<div class="note">{escape(step["note"])}</div>')
    if step.get("error") and status != "passed":
        parts.append(f'<div class="error">{escape(step["error"])}</div>')
    if step.get("suggestions"):
        items = "".join(f"<li><code>{escape(s['example'])}</code></li>" for s in step["suggestions"])
        parts.append(f'<div class="error">Mente du:<ul>{items}</ul></div>')
    parts.append("</li>")
    return "".join(parts)


def _history(world: dict[str, Any]) -> str:
    case = world.get("case")
    if not case:
        return ""
    rows = [["#", "dato", "handling", "organ", "fra", "til", "opplysninger"]]
    for e in case.get("history", []):
        payload = ", ".join(f"{k}={v}" for k, v in (e.get("payload") or {}).items())
        rows.append(
            [
                str(e.get("seq", "")),
                e.get("on", ""),
                e.get("act_label", e.get("act", "")),
                e.get("body", ""),
                e.get("from", ""),
                e.get("to", ""),
                payload,
            ]
        )
    return (
        f"<details><summary>Saken «{escape(case.get('title', ''))}» endte i tilstanden "
        f"«{escape(case.get('state_label', ''))}» ({len(rows) - 1} hendelser)</summary>{_table(rows)}</details>"
    )


def _scenario(s: dict[str, Any]) -> str:
    outcome = s.get("outcome", "pending")
    tags = " ".join(f"@{escape(t)}" for t in s.get("tags", []))
    nodeid = str(s.get("nodeid", ""))
    example = nodeid[nodeid.index("[") + 1 : -1] if nodeid.endswith("]") and "[" in nodeid else ""
    out = [
        f'<section class="scenario {escape(outcome)}" id="{escape(s.get("nodeid", ""))}">',
        f"<h3>{escape(s.get('keyword', 'Scenario'))}: {escape(s.get('name', ''))}"
        + (f' <span class="meta">[{escape(example)}]</span>' if example else "")
        + f'<span class="badge {escape(outcome)}">{escape(STATUS_LABEL.get(outcome, outcome))}</span></h3>',
    ]
    if tags:
        out.append(f'<div class="meta">{tags}</div>')
    if s.get("description"):
        out.append(f"<p>{escape(s['description'])}</p>")
    out.append('<ol class="steps">' + "".join(_step(st) for st in s.get("steps", [])) + "</ol>")
    out.append(_history(s.get("world") or {}))
    if outcome == "failed" and s.get("failure"):
        out.append(f"<details open><summary>Feilmelding</summary><pre>{escape(s['failure'])}</pre></details>")
    if s.get("skip_reason"):
        out.append(f'<div class="meta">Hoppet over: {escape(s["skip_reason"])}</div>')
    out.append("</section>")
    return "".join(out)


def structure_picture(ref: dict[str, Any]) -> str | None:
    """The structure's picture as a data URI (SVG), or None when plotting is not available."""
    try:
        from samhandling.bdd.world import load_structure
        from samhandling.render.plotting import plot_structure

        structure = load_structure(ref.get("path") or ref["id"])
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "struktur.svg"
            plot_structure(structure, out)
            data = out.read_bytes()
    except Exception:  # no matplotlib, a moved file, ...: the report goes on without the picture
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def _structures(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for feature in run.get("features", []):
        for s in feature.get("scenarios", []):
            ref = (s.get("world") or {}).get("structure")
            if ref and ref.get("id"):
                seen.setdefault(ref.get("path") or ref["id"], ref)
    return seen


def render_html(run: dict[str, Any], *, pictures: bool = True) -> str:
    """The whole report page."""
    features = run.get("features", [])
    scenarios = [s for f in features for s in f.get("scenarios", [])]
    counts = {k: sum(1 for s in scenarios if s.get("outcome") == k) for k in ("passed", "failed", "skipped")}
    body: list[str] = [
        "<h1>Kjørbare prosessdokumenter</h1>",
        f'<p class="meta">Kjøring {escape(str(run.get("started", "")))} – {escape(str(run.get("finished", "")))}, '
        f"{escape(str(run.get('rootdir', '')))}</p>",
        '<p class="summary">'
        f"<span>{len(features)} egenskaper</span><span>{len(scenarios)} scenarioer</span>"
        f'<span class="passed">{counts["passed"]} bestått</span>'
        f'<span class="failed">{counts["failed"]} feilet</span>'
        f'<span class="skipped">{counts["skipped"]} hoppet over</span></p>',
    ]
    toc = ["<nav><ul>"]
    for i, feature in enumerate(features):
        ok = all(s.get("outcome") == "passed" for s in feature.get("scenarios", []))
        toc.append(
            f'<li><a href="#f{i}">{escape(feature.get("name", ""))}</a> '
            f'<span class="{"passed" if ok else "failed"}">({len(feature.get("scenarios", []))})</span></li>'
        )
    toc.append("</ul></nav>")
    body += toc
    if pictures:
        for ref in _structures(run).values():
            uri = structure_picture(ref)
            if uri:
                body.append(
                    f'<figure><img alt="{escape(ref.get("name", ref["id"]))}" src="{uri}">'
                    f"<figcaption>{escape(ref.get('name', ref['id']))}</figcaption></figure>"
                )
    for i, feature in enumerate(features):
        body.append(
            f'<h2 id="f{i}">{escape(feature.get("keyword", "Egenskap"))}: {escape(feature.get("name", ""))}</h2>'
        )
        body.append(f'<p class="meta">{escape(feature.get("file", ""))}</p>')
        if feature.get("description"):
            body.append(f"<p>{escape(feature['description'])}</p>")
        body += [_scenario(s) for s in feature.get("scenarios", [])]
    return (
        '<!DOCTYPE html>\n<html lang="nb"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Samhandling – kjørbare prosessdokumenter</title><style>{_CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
