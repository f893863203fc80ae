"""Text diagrams: Mermaid, DOT, JSON and GraphML rendered from one model, each parsed back."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import networkx as nx
import pydot
import pytest

import samhandling
from samhandling import UsageError, load, loads
from samhandling.process.loader import get_process
from samhandling.render.diagrams import (
    GraphModel,
    mermaid_id,
    process_model,
    render,
    structure_model,
    to_dot,
    to_graphml,
    to_json,
    to_mermaid,
)

SOR_AGREED = {
    p.id: "for" for p in samhandling.load("sor-rogaland").parties if p.kind.value in ("municipality", "health_trust")
}  # SSU decides every matter by consensus (issue 12 item 9)


BUNDLED = ["sor-rogaland", "sogn-og-fjordane", "ahus-forvaltningsnettverk", "faggruppe-sogn", "knutepunkt-sorlandet"]

# ---------------------------------------------------------------------------- a parser for the Mermaid we emit

_ID = r"[A-Za-z_][A-Za-z0-9_]*"
_LABEL = r'"([^"]*)"'
_NODE = re.compile(rf"^({_ID})\[{_LABEL}\]$")
_EDGE = re.compile(rf"^({_ID}) (-->|-\.->|==>)\|{_LABEL}\| ({_ID})$")
_CLASSDEF = re.compile(rf"^classDef ({_ID}) [a-z-]+:[^ ]+$")
_CLASS = re.compile(rf"^class ({_ID}(?:,{_ID})*) ({_ID})$")
_LINKSTYLE = re.compile(r"^linkStyle (\d+(?:,\d+)*) [a-z-]+:[^ ]+$")
_ENTITY = re.compile(r"#(quot|amp|lt|gt|124);")


def unescape(text: str) -> str:
    return _ENTITY.sub(lambda m: {"quot": '"', "amp": "&", "lt": "<", "gt": ">", "124": "|"}[m.group(1)], text)


def parse_mermaid(text: str) -> dict[str, object]:
    """Parse the flowchart subset this project emits; raise on anything else."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    assert lines[0] == "flowchart TB", lines[0]
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str, str]] = []
    classes: dict[str, set[str]] = {}
    defined: set[str] = set()
    styled: list[int] = []
    for ln in lines[1:]:
        if ln.startswith("%%"):
            continue
        if m := _NODE.match(ln):
            assert m.group(1) not in nodes, f"node defined twice: {m.group(1)}"
            nodes[m.group(1)] = unescape(m.group(2))
        elif m := _EDGE.match(ln):
            assert m.group(1) in nodes and m.group(4) in nodes, ln
            edges.append((m.group(1), m.group(4), m.group(2), unescape(m.group(3))))
        elif m := _CLASSDEF.match(ln):
            defined.add(m.group(1))
        elif m := _CLASS.match(ln):
            assert m.group(2) in defined, ln
            for i in m.group(1).split(","):
                assert i in nodes, ln
                classes.setdefault(m.group(2), set()).add(i)
        elif m := _LINKSTYLE.match(ln):
            styled.extend(int(i) for i in m.group(1).split(","))
        else:
            raise AssertionError(f"not in the emitted Mermaid subset: {ln!r}")
    assert all(0 <= i < len(edges) for i in styled)
    return {"nodes": nodes, "edges": edges, "classes": classes, "styled": styled}


# ---------------------------------------------------------------------------- structure models


@pytest.mark.parametrize("name", BUNDLED)
def test_mermaid_round_trip_keeps_every_body_and_relation(name: str) -> None:
    s = load(name)
    model = structure_model(s)
    parsed = parse_mermaid(to_mermaid(model))
    nodes = parsed["nodes"]
    assert isinstance(nodes, dict)
    assert sorted(nodes.values()) == sorted(n.label for n in model.nodes)
    assert all(re.fullmatch(r"[A-Za-z0-9_]+", i) for i in nodes)  # ASCII-safe ids
    ids = {n.id: mermaid_id(n.id) for n in model.nodes}
    want = sorted((ids[r.source], ids[r.target]) for r in s.relations())
    assert sorted((a, b) for a, b, _, _ in parsed["edges"]) == want  # type: ignore[union-attr]


def test_mermaid_highlights_the_route_and_escapes_labels() -> None:
    s = load("sor-rogaland")
    parsed = parse_mermaid(to_mermaid(structure_model(s, highlight_from="tmg-barn-unge")))
    assert parsed["classes"] == {"hl": {"n_tmg_barn_unge", "n_fsu", "n_ssu"}}
    thick = [(a, b, lbl) for a, b, arrow, lbl in parsed["edges"] if arrow == "==>"]  # type: ignore[union-attr]
    assert thick == [("n_fsu", "n_ssu", "løfter saker til"), ("n_tmg_barn_unge", "n_fsu", "rapporterer til")]
    assert len(parsed["styled"]) == 2  # type: ignore[arg-type]

    tricky = loads("""
structure: t
name: 'Navn med "sitat" & <tegn> | strek'
bodies:
  - {id: end, name: 'Utvalg «A» "sitert" | & <b>', kind: strategic_committee, power: decides}
  - {id: Grå-øy, name: Grå øy, kind: working_group}
relations:
  - {from: Grå-øy, to: end, kind: reports_to}
""")
    text = to_mermaid(structure_model(tricky))
    parsed = parse_mermaid(text)
    assert set(parsed["nodes"].values()) == {'Utvalg «A» "sitert" | & <b>', "Grå øy"}  # type: ignore[union-attr]
    assert "n_end" in parsed["nodes"] and "n_gra_oy" in parsed["nodes"]  # type: ignore[operator]


@pytest.mark.parametrize("name", BUNDLED)
def test_dot_parses_with_pydot_and_networkx(name: str) -> None:
    s = load(name)
    text = to_dot(structure_model(s, highlight_from=s.bodies[-1].id))
    graphs = pydot.graph_from_dot_data(text)
    assert graphs is not None and len(graphs) == 1
    g = nx.nx_pydot.from_pydot(graphs[0])
    bodies = {b.id for b in s.bodies}
    assert bodies <= {n.strip('"') for n in g.nodes}
    edges = sorted((u.strip('"'), v.strip('"')) for u, v, _ in g.edges(keys=True))
    assert edges == sorted((r.source, r.target) for r in s.relations())
    labels = {n.strip('"'): d.get("label", "").strip('"') for n, d in g.nodes(data=True)}
    assert labels[s.bodies[0].id].startswith(s.bodies[0].name)


@pytest.mark.parametrize("name", BUNDLED)
def test_graphml_and_json_round_trip_through_networkx(name: str) -> None:
    s = load(name)
    model = structure_model(s, highlight_from=s.bodies[-1].id)
    g = nx.read_graphml(io.StringIO(to_graphml(model)), force_multigraph=True)
    assert set(g.nodes) == {b.id for b in s.bodies}
    assert sorted((u, v, k) for u, v, k in g.edges(keys=True)) == sorted(
        (r.source, r.target, r.kind.value) for r in s.relations()
    )
    first = s.bodies[0]
    assert g.nodes[first.id]["label"].startswith(first.name)
    assert g.nodes[first.id]["power"] == first.power.value  # enums serialised as strings
    data = json.loads(to_json(model))
    h = nx.node_link_graph(data, edges="links")
    assert set(h.nodes) == set(g.nodes)
    assert sorted(h.edges(keys=True)) == sorted(g.edges(keys=True))


def test_networks_carry_their_municipalities() -> None:
    s = load("ahus-forvaltningsnettverk")
    model = structure_model(s)
    follo = next(n for n in model.nodes if n.label.startswith("Forvaltningsnettverk Follo"))
    assert set(follo.details) == {"Ås", "Nesodden", "Enebakk", "Nordre Follo", "Frogn"}


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        render(structure_model(load("sor-rogaland")), "png")


# ---------------------------------------------------------------------------- process models


def _half_way_case() -> tuple[object, object, object]:
    s = load("sor-rogaland")
    d = get_process(s, "tjenestemodell")
    c = d.new_case(title="Nytt forløp for barn og unge", on=dt.date(2024, 1, 10))
    c.act("draft_mandate", by="tmg-barn-unge", on=dt.date(2024, 1, 11))
    c.act("approve_mandate", by="fsu", on=dt.date(2024, 2, 1))
    c.act("approve_mandate", by="ssu", on=dt.date(2024, 3, 1), positions=SOR_AGREED)
    return s, d, c


def test_process_model_marks_done_current_and_todo() -> None:
    s, d, c = _half_way_case()
    model: GraphModel = process_model(d, case=c, structure=s)  # type: ignore[arg-type]
    status = {n.id: n.status for n in model.nodes}
    assert status["ny"] == status["mandat_utarbeidet"] == "done"
    assert status["mandat_godkjent"] == "current"
    assert status["implementert"] == status["forankret"] == "todo"
    done = {(e.source, e.key) for e in model.edges if e.status == "done"}
    assert done == {("ny", "draft_mandate"), ("mandat_utarbeidet", "approve_mandate")}
    main = [e for e in model.edges if e.kind == "step"]
    assert {e.key for e in main} >= {"draft_mandate", "approve_mandate", "anchor", "implement"}
    draft = next(e for e in model.edges if e.key == "draft_mandate")
    assert draft.label == "utarbeide mandat (tjenestemodellgruppe)"


def test_process_exports_parse() -> None:
    s, d, c = _half_way_case()
    model = process_model(d, case=c, structure=s)  # type: ignore[arg-type]
    parsed = parse_mermaid(to_mermaid(model))
    assert parsed["classes"]["current"] == {"n_mandat_godkjent"}  # type: ignore[index]
    assert len(parsed["nodes"]) == len(d.states)  # type: ignore[arg-type, attr-defined]
    graphs = pydot.graph_from_dot_data(to_dot(model))
    assert graphs is not None
    g = nx.read_graphml(io.StringIO(to_graphml(model)), force_multigraph=True)
    assert g.number_of_edges() == len(model.edges)
