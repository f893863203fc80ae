"""One neutral graph model, and the text formats rendered from it.

:func:`structure_model` and :func:`process_model` turn a structure (with an
optional highlighted escalation route) or a process definition (with an optional
case) into a :class:`GraphModel`. Every output is rendered from that model only:
Mermaid, Graphviz DOT, JSON (networkx node-link) and GraphML here, PNG/SVG in
:mod:`samhandling.render.plotting`. Renderers never reach into the engine.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from samhandling.errors import UsageError
from samhandling.formats.names import slug
from samhandling.structure.model import BODY_KIND_LABEL, RELATION_LABEL, PartyKind, RelationKind

if TYPE_CHECKING:
    import datetime as dt

    from samhandling.process.timers import ProcessTimers
    from samhandling.structure.graph import Structure

HIGHLIGHT = "#d62728"

# (colour, matplotlib line style, DOT style, Mermaid arrow) per relation kind.
RELATION_STYLE: dict[str, tuple[str, str, str, str]] = {
    RelationKind.REPORTS_TO.value: ("#1f4e79", "solid", "solid", "-->"),
    RelationKind.ESCALATES_TO.value: ("#7b3294", "solid", "bold", "-->"),
    RelationKind.ADVISES.value: ("#1b9e77", "dashed", "dashed", "-.->"),
    RelationKind.OVERSEES.value: ("#7f7f7f", "dotted", "dotted", "-.->"),
    RelationKind.COMMISSIONS.value: ("#d95f02", "dashdot", "dashed", "-.->"),
    RelationKind.INFORMS.value: ("#4a90c2", "dashed", "dashed", "-.->"),
    RelationKind.ORGANISES.value: ("#4d9221", "dotted", "dotted", "-.->"),
    RelationKind.APPROVES.value: ("#b8860b", "solid", "solid", "-->"),
    RelationKind.MEMBER_OF.value: ("#999999", "dotted", "dotted", "-.->"),
    # process diagrams
    "step": ("#1f4e79", "solid", "solid", "-->"),
    "branch": ("#7f7f7f", "dashed", "dashed", "-.->"),
    "timer": ("#b8860b", "dotted", "dotted", "-.->"),
}

EDGE_KIND_LABEL: dict[str, str] = {
    **{k.value: v for k, v in RELATION_LABEL.items()},
    "step": "hovedløp",
    "branch": "annen overgang",
    "timer": "tidsfrist som utløper",
}

STATUS_LABEL: dict[str, str] = {
    "done": "utført",
    "current": "nåværende tilstand",
    "todo": "gjenstår",
    "final": "slutttilstand",
}


@attrs.frozen(slots=True)
class Node:
    id: str
    label: str
    kind: str
    level: int = 0
    details: tuple[str, ...] = ()  # e.g. the municipalities of a network
    highlighted: bool = False
    status: str | None = None  # process diagrams: done, current, todo
    attributes: dict[str, str] = attrs.field(factory=dict, eq=False, hash=False)


@attrs.frozen(slots=True)
class Edge:
    source: str
    target: str
    kind: str
    label: str
    key: str = ""
    highlighted: bool = False
    note: str | None = None
    status: str | None = None
    condition: str = ""  # structure relations: the case attributes the relation holds for, in words
    group: str = ""  # structure relations: "to:KIND" / "from:KIND" when written for every body of a kind


@attrs.frozen(slots=True)
class GraphModel:
    id: str
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    subtitle: str | None = None
    kind: str = "structure"  # or "process"

    def node(self, node_id: str) -> Node:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    @property
    def edge_kinds(self) -> list[str]:
        return list(dict.fromkeys(e.kind for e in self.edges))


# ---------------------------------------------------------------------------- building


def structure_model(
    structure: Structure,
    *,
    highlight_from: str | None = None,
    on: dt.date | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> GraphModel:
    """The governance graph as a neutral model; ``highlight_from`` marks that body's escalation route.

    With a case's ``attributes`` the route follows only the relations whose condition matches them (the SSU of the
    case's region). An edge with a condition carries it in its note (``hvis region = sør``) and its ``condition``
    attribute; a relation written to every body of a kind carries its ``group`` (``to:professional_committee``).
    Each body's seats are listed in its details with their rights (member, deputy, observer) where the structure
    gives them.
    """
    from samhandling.structure.model import describe_condition
    from samhandling.structure.paths import escalation_path, levels

    lv = levels(structure)
    hl_nodes: set[str] = set()
    hl_edges: set[tuple[str, str, str]] = set()
    subtitle = None
    if highlight_from is not None:
        route = escalation_path(structure, highlight_from, attributes)
        hl_nodes = set(route.bodies)
        hl_edges = {(h.source, h.target, h.kind.value) for h in route.hops}
        subtitle = (
            f"Eskaleringsvei: {route.describe(structure)}"
            if route
            else f"{structure.body(highlight_from).label} har ingen eskaleringsvei"
        )
        if attributes:
            subtitle += " (saken: " + ", ".join(f"{k} = {v}" for k, v in attributes.items()) + ")"
    nodes = []
    for b in structure.bodies:
        members = structure.members(b, on)
        munis = tuple(p.name for p in structure.member_parties(b, on) if p.kind is PartyKind.MUNICIPALITY)
        special = tuple(
            f"{structure.party(m.party).name} ({seat_rights_label(m)})" for m in members if seat_rights_label(m)
        )
        name = b.full_name
        extra = {"seats": "; ".join(special)} if special else {}
        nodes.append(
            Node(
                id=b.id,
                label=name,
                kind=b.kind.value,
                level=lv[b.id],
                details=munis + special,
                highlighted=b.id in hl_nodes,
                attributes={"power": b.power.value, "kind_label": BODY_KIND_LABEL[b.kind], "short": b.label, **extra},
            )
        )
    edges = []
    for r in structure.relations():
        condition = describe_condition(r.condition)
        note = "; ".join(x for x in (r.label, f"hvis {condition}" if condition else "") if x) or None
        edges.append(
            Edge(
                source=r.source,
                target=r.target,
                kind=r.kind.value,
                key=r.kind.value,
                label=RELATION_LABEL[r.kind],
                highlighted=(r.source, r.target, r.kind.value) in hl_edges,
                note=note,
                condition=condition,
                group=r.group or "",
            )
        )
    return GraphModel(id=structure.id, title=structure.name, nodes=tuple(nodes), edges=tuple(edges), subtitle=subtitle)


class _StateLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def final(self) -> bool: ...


class _ActLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def bodies(self) -> tuple[str, ...]: ...
    @property
    def sources(self) -> tuple[str, ...]: ...
    @property
    def dest(self) -> str | None: ...


class _StepLike(Protocol):
    @property
    def act(self) -> str: ...
    @property
    def bodies(self) -> tuple[str, ...]: ...
    @property
    def state(self) -> str: ...
    @property
    def dest(self) -> str | None: ...


class ProcessLike(Protocol):
    """What :func:`process_model` reads from a process definition (the engine's public contract)."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def initial(self) -> str: ...
    @property
    def states(self) -> Sequence[_StateLike]: ...
    @property
    def acts(self) -> Sequence[_ActLike]: ...
    def steps(self) -> Sequence[_StepLike]: ...


class _EventLike(Protocol):
    @property
    def act(self) -> str: ...
    @property
    def from_state(self) -> str | None: ...
    @property
    def to_state(self) -> str: ...


class CaseLike(Protocol):
    """What :func:`process_model` reads from a case."""

    @property
    def state(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def history(self) -> Sequence[_EventLike]: ...


def process_model(
    definition: ProcessLike, *, case: CaseLike | None = None, structure: Structure | None = None
) -> GraphModel:
    """A process definition as a neutral model: states are nodes, acts are edges.

    The main path (``definition.steps()``) gives the levels; with a ``case`` every
    state is marked done, current or todo, and the acts it went through are marked.
    """

    def body_label(body_id: str) -> str:
        if structure is not None and structure.has_body(body_id):
            return structure.body(body_id).label
        return body_id

    timers = _timers(definition)
    order: dict[str, int] = {}
    main: dict[tuple[str, str], str] = {}  # (state, act) -> dest on the main path
    step_bodies: dict[str, list[str]] = {}
    for step in definition.steps():
        order.setdefault(step.state, len(order))
        step_bodies.setdefault(step.act, []).extend(step.bodies)
        if step.dest is not None:
            order.setdefault(step.dest, len(order))
            if step.dest != step.state or (step.state, step.act) not in main:
                main[(step.state, step.act)] = step.dest
    order.setdefault(definition.initial, 0)
    visited: set[str] = set()
    walked: set[tuple[str, str, str]] = set()
    if case is not None:
        for ev in case.history:
            if ev.from_state is not None:
                visited.add(ev.from_state)
                walked.add((ev.from_state, ev.act, ev.to_state))
            visited.add(ev.to_state)
    nodes = []
    extra = len(order)
    for st in definition.states:
        level = order.get(st.name)
        if level is None:
            level, extra = extra, extra + 1
        status = None
        if case is not None:
            status = "current" if st.name == case.state else ("done" if st.name in visited else "todo")
        marks = "".join(f" ⏱ {t.label or t.id}" for t in timers.of_state(st.name) if t.kind != "expiry")
        nodes.append(
            Node(
                id=st.name,
                label=st.label + marks,
                kind="final" if st.final else "state",
                level=level,
                status=status,
                highlighted=case is not None and st.name == case.state,
                details=tuple(t.describe() for t in timers.of_state(st.name)),
            )
        )
    edges = []
    for act in definition.acts:
        bodies = act.bodies or tuple(dict.fromkeys(step_bodies.get(act.name, ())))
        who = _who(bodies, body_label, structure)
        label = f"{act.label} ({who})" if who else act.label
        label += "".join(f" ⏱ {t.label or t.id}" for t in timers.of_act(act.name))
        for src in act.sources:
            for dest, suffix in _destinations(act, main.get((src, act.name)), src):
                status = None
                if case is not None:
                    done = any(w[0] == src and w[1] == act.name and w[2] == dest for w in walked)
                    status = "done" if done else "todo"
                on_main = (src, act.name) in main and dest == main[(src, act.name)]
                edges.append(
                    Edge(
                        source=src,
                        target=dest,
                        kind="step" if on_main else "branch",
                        key=act.name if not suffix else f"{act.name}:{dest}",
                        label=label + suffix,
                        status=status,
                        highlighted=status == "done",
                    )
                )
    for t in timers.specs:  # an expiry moves the case by itself: a dotted edge to its state
        if t.kind == "expiry" and t.to is not None:
            edges.append(
                Edge(
                    source=t.owner[1] if t.owner[0] == "state" else _act_dest(definition, t.owner[1]),
                    target=t.to,
                    kind="timer",
                    key=f"timer:{t.id}",
                    label=f"⏱ {t.label or t.id} (etter {t.after.describe()})",
                )
            )
    subtitle = None
    if case is not None:
        now = next((s.label for s in definition.states if s.name == case.state), case.state)
        subtitle = f"Sak: {case.title}, nå: {now}"
    return GraphModel(
        id=definition.name,
        title=definition.title,
        nodes=tuple(nodes),
        edges=tuple(edges),
        subtitle=subtitle,
        kind="process",
    )


def _timers(definition: Any) -> ProcessTimers:
    """The timers of a process definition (none for a stand-in that is not one)."""
    from samhandling.process.timers import ProcessTimers, timers_of

    try:
        return timers_of(definition)
    except TypeError:  # not weak-referenceable: not a ProcessDefinition
        return ProcessTimers()


def _act_dest(definition: Any, act_name: str) -> str:
    act = next((a for a in definition.acts if a.name == act_name), None)
    return str(act.dest or act.sources[0]) if act is not None else definition.initial


def _destinations(act: Any, main_dest: str | None, src: str) -> list[tuple[str, str]]:
    """Where an act can lead from ``src``: every gateway branch, the rejection branch of a per-party act,
    else its destination (or where the main path says; an act with none stays in its state, drawn as a loop)."""
    gateway = getattr(act, "gateway", None)
    if gateway is not None:
        return [(dest, ": ja" if value else ": nei") for value, dest in gateway[2].items()]
    out = [(act.dest or main_dest or src, "")]
    per_party = getattr(act, "per_party", None)
    if per_party is not None and per_party.on_rejection:
        rejected = per_party.rejection_dest.get(per_party.on_rejection)
        if rejected:
            out.append((rejected, ": avvist"))
    return out


def _who(bodies: Sequence[str], body_label: Any, structure: Structure | None) -> str:
    """The bodies that may perform an act; three or more of one kind read as their kind («tjenestemodellgruppe»)."""
    bodies = list(dict.fromkeys(bodies))
    if structure is not None and len(bodies) >= 3 and all(structure.has_body(b) for b in bodies):
        kinds = {structure.body(b).kind for b in bodies}
        if len(kinds) == 1:
            return BODY_KIND_LABEL[kinds.pop()]
    return ", ".join(body_label(b) for b in bodies)


# ---------------------------------------------------------------------------- Mermaid


def mermaid_id(node_id: str) -> str:
    """An ASCII-safe Mermaid id (``n_`` keeps reserved words such as ``end`` out)."""
    return "n_" + (slug(node_id).replace("-", "_") or "x")


def mermaid_text(text: str) -> str:
    """A label quoted for Mermaid: quotes and markup characters as entity codes."""
    for ch, code in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;")):
        text = text.replace(ch, code)
    return f'"{text}"'


def _ids(model: GraphModel) -> dict[str, str]:
    ids: dict[str, str] = {}
    for n in model.nodes:
        base = mermaid_id(n.id)
        candidate, i = base, 2
        while candidate in ids.values():
            candidate, i = f"{base}_{i}", i + 1
        ids[n.id] = candidate
    return ids


def to_mermaid(model: GraphModel) -> str:
    """``flowchart TB`` text; highlighted nodes and edges are styled in red."""
    ids = _ids(model)
    lines = ["flowchart TB", f"    %% {model.title}"]
    for n in model.nodes:
        lines.append(f"    {ids[n.id]}[{mermaid_text(n.label)}]")
    link_hl: list[int] = []
    for i, e in enumerate(model.edges):
        arrow = "==>" if e.highlighted else RELATION_STYLE.get(e.kind, RELATION_STYLE["branch"])[3]
        text = e.label + (f" (hvis {e.condition})" if e.condition else "")
        lines.append(f"    {ids[e.source]} {arrow}|{mermaid_text(text)}| {ids[e.target]}")
        if e.highlighted:
            link_hl.append(i)
    lines.append(f"    classDef hl fill:#fde0dd,stroke:{HIGHLIGHT},stroke-width:3px")
    lines.append("    classDef current fill:#fff3b0,stroke:#b8860b,stroke-width:3px")
    lines.append("    classDef done fill:#d9f0d3,stroke:#1b7837")
    hl = [ids[n.id] for n in model.nodes if n.highlighted and n.status is None]
    if hl:
        lines.append(f"    class {','.join(hl)} hl")
    for status in ("current", "done"):
        marked = [ids[n.id] for n in model.nodes if n.status == status]
        if marked:
            lines.append(f"    class {','.join(marked)} {status}")
    if link_hl:
        lines.append(f"    linkStyle {','.join(map(str, link_hl))} stroke:{HIGHLIGHT},stroke-width:3px")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- DOT


def dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(model: GraphModel) -> str:
    """Graphviz DOT (a ``digraph``); bodies of one level share a rank."""
    lines = [
        f"digraph {dot_quote(model.id)} {{",
        "  rankdir=TB;",
        f"  label={dot_quote(model.title)};",
        '  labelloc="t";',
        '  fontname="DejaVu Sans";',
        '  node [shape=box, style="rounded,filled", fillcolor="#f4f6f8", fontname="DejaVu Sans"];',
        '  edge [fontname="DejaVu Sans", fontsize=9];',
    ]
    fills = {"done": "#d9f0d3", "current": "#fff3b0", "todo": "#f4f6f8"}
    for n in model.nodes:
        label = n.label + ("\n" + ", ".join(n.details) if n.details else "")
        attrs_ = [f"label={dot_quote(label)}"]
        if n.status:
            attrs_.append(f"fillcolor={dot_quote(fills[n.status])}")
        if n.highlighted:
            attrs_.append(f'color="{HIGHLIGHT}", penwidth=3')
        if n.kind == "final":
            attrs_.append("peripheries=2")
        lines.append(f"  {dot_quote(n.id)} [{', '.join(attrs_)}];")
    by_level: dict[int, list[str]] = {}
    for n in model.nodes:
        by_level.setdefault(n.level, []).append(n.id)
    if model.kind == "structure":
        for level in sorted(by_level):
            lines.append("  { rank=same; " + " ".join(dot_quote(i) + ";" for i in by_level[level]) + " }")
    for e in model.edges:
        colour, _, style, _ = RELATION_STYLE.get(e.kind, RELATION_STYLE["branch"])
        text = e.label + (f"\n(hvis {e.condition})" if e.condition else "")
        attrs_ = [f"label={dot_quote(text)}", f"style={style}", f"color={dot_quote(colour)}"]
        if e.highlighted:
            attrs_ = [f"label={dot_quote(e.label)}", f"color={dot_quote(HIGHLIGHT)}", "penwidth=3"]
        lines.append(f"  {dot_quote(e.source)} -> {dot_quote(e.target)} [{', '.join(attrs_)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- JSON and GraphML


def _node_attrs(n: Node) -> dict[str, Any]:
    return {
        "label": n.label,
        "kind": n.kind,
        "level": n.level,
        "details": "; ".join(n.details),
        "highlighted": n.highlighted,
        "status": n.status or "",
        **n.attributes,
    }


def _edge_attrs(e: Edge) -> dict[str, Any]:
    extra = {k: v for k, v in (("condition", e.condition), ("group", e.group)) if v}
    return {
        "kind": e.kind,
        "label": e.label,
        "highlighted": e.highlighted,
        "note": e.note or "",
        "status": e.status or "",
        **extra,
    }


RIGHTS_LABEL = {"member": "", "deputy": "vara", "observer": "observatør"}


def seat_rights_label(membership: Any) -> str:
    """«vara for X» / «observatør» for a seat with other rights than a member's; empty for a member.

    Reads ``Membership.rights`` and ``deputy_for`` (seats with rights, issue 12 item 3) where the model has them.
    """
    rights = getattr(membership, "rights", None)
    value = str(getattr(rights, "value", rights or "member"))
    label = RIGHTS_LABEL.get(value, value)
    deputy_for = getattr(membership, "deputy_for", None)
    if label and deputy_for:
        label += f" for {deputy_for}"
    return label


def to_networkx(model: GraphModel) -> Any:
    """A :class:`networkx.MultiDiGraph` with plain (str/int/bool) attributes only."""
    import networkx as nx

    g = nx.MultiDiGraph(id=model.id, title=model.title, subtitle=model.subtitle or "", kind=model.kind)
    for n in model.nodes:
        g.add_node(n.id, **_node_attrs(n))
    for e in model.edges:
        g.add_edge(e.source, e.target, key=e.key or e.kind, **_edge_attrs(e))
    return g


def to_json(model: GraphModel) -> str:
    """networkx node-link JSON (``nx.node_link_graph(data, edges="links")`` reads it back)."""
    data = {
        "directed": True,
        "multigraph": True,
        "graph": {"id": model.id, "title": model.title, "subtitle": model.subtitle, "kind": model.kind},
        "nodes": [{"id": n.id, **_node_attrs(n), "details": list(n.details)} for n in model.nodes],
        "links": [
            {"source": e.source, "target": e.target, "key": e.key or e.kind, **_edge_attrs(e)} for e in model.edges
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_graphml(model: GraphModel) -> str:
    import networkx as nx

    return "\n".join(nx.generate_graphml(to_networkx(model))) + "\n"


FORMATS = ("mermaid", "dot", "json", "graphml")


def render(model: GraphModel, fmt: str) -> str:
    """Render ``model`` in one of :data:`FORMATS`."""
    renderers = {"mermaid": to_mermaid, "dot": to_dot, "json": to_json, "graphml": to_graphml}
    if fmt not in renderers:
        raise UsageError(f"ukjent format «{fmt}»; velg blant {', '.join(FORMATS)}", code="unknown-format")
    return renderers[fmt](model)
