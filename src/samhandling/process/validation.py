"""Checking a process definition against its structure and against itself.

Every responsible body exists and holds the power its act needs; every advisory body on the main path
has a way up (escalates to / reports to) to a deciding body; every state is reachable from the initial
state and can reach a final one. Findings carry stable codes and the file and line of the act or state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from samhandling.errors import SamhandlingError
from samhandling.location import Location
from samhandling.process.engine import STRICT_DECIDING_KINDS, ProcessDefinition
from samhandling.structure.findings import Finding
from samhandling.structure.model import DecisionPower, RelationKind, Severity

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure


def validate_definition(d: ProcessDefinition) -> list[Finding]:
    """Check a definition against its structure and itself."""
    import networkx as nx

    structure = d.structure
    out: list[Finding] = []

    def err(code: str, message: str, location: Location | None) -> None:
        out.append(
            Finding(code=code, severity=Severity.ERROR, message=message, location=location or Location(d.filename))
        )

    names = {s.name for s in d.states}
    if d.initial not in names:
        err("unknown-state", f"starttilstanden «{d.initial}» er ikke definert", None)
    for act in d.acts:
        for s in act.sources:
            if s not in names:
                err("unknown-state", f"«{act.name}» viser til ukjent tilstand «{s}» i «from»", act.location)
        dests = [act.dest] if act.dest else []
        if act.gateway:
            dests += list(act.gateway[2].values())
        if act.per_party:
            dests += [v for v in act.per_party.rejection_dest.values() if v]
        for dest in dests:
            if dest not in names:
                err("unknown-state", f"«{act.name}» viser til ukjent tilstand «{dest}» i «to»", act.location)
        if act.dest is None and act.gateway is None and act.kind != "send_back":
            err("missing-dest", f"«{act.name}» mangler «to»", act.location)
        if act.actor.same_as and act.actor.same_as not in {a.name for a in d.acts}:
            err(
                "unknown-act", f"«{act.name}» viser til ukjent handling «{act.actor.same_as}» i «same_as»", act.location
            )
        if act.per_party and act.per_party.parties_of and act.per_party.parties_of not in {a.name for a in d.acts}:
            err(
                "unknown-act",
                f"«{act.name}» viser til ukjent handling «{act.per_party.parties_of}» i «parties_of»",
                act.location,
            )
        for veto in act.rule.veto if act.rule else ():
            if not _known_party(structure, veto):
                err("unknown-party", f"«{act.name}» gir vetorett til ukjent part «{veto}»", act.location)
        if act.kind in STRICT_DECIDING_KINDS:
            for body_id in d._static_bodies(act):
                body = structure.body(body_id)
                if body.power is not DecisionPower.DECIDES:
                    err(
                        "power",
                        f"«{act.label}» krever et organ som kan beslutte, men {body.label} har "
                        f"beslutningsmyndighet «{body.power.value}»",
                        act.location,
                    )
        elif act.kind == "approve":
            bodies = [structure.body(b) for b in d._static_bodies(act)]
            if bodies and not any(b.power is DecisionPower.DECIDES for b in bodies):
                out.append(
                    Finding(
                        code="power",
                        severity=Severity.WARNING,
                        message=f"ingen av organene som skal «{act.label}» ({', '.join(b.label for b in bodies)}) har "
                        "beslutningsmyndighet; godkjenningen hviler på et rådgivende organ",
                        location=act.location or Location(d.filename),
                    )
                )
        if act.kind == "escalate":
            for body_id in act.bodies:
                if not structure.targets(body_id, RelationKind.ESCALATES_TO):
                    err(
                        "no-escalation-target",
                        f"{structure.body(body_id).label} kan løfte saker i «{act.name}», men "
                        "har ingen «escalates_to»-relasjon i strukturen",
                        act.location,
                    )
    # Every advisory body acting on the path must have a way up (escalates to / reports to) to a decider.
    from samhandling.structure.paths import can_reach_decider

    for step in d.steps():
        for body_id in step.bodies:
            body = structure.body(body_id)
            if body.power is DecisionPower.ADVISES and not can_reach_decider(structure, body):
                err(
                    "no-escalation-target",
                    f"{body.label} er rådgivende og handler i «{step.act}», men har ingen vei (løfter saker til / "
                    "rapporterer til) til et organ som kan beslutte",
                    d.act_def(step.act).location,
                )
    # Reachability and termination over the state graph.
    g = nx.DiGraph()
    g.add_nodes_from(names)
    for act in d.acts:
        targets = [act.dest] if act.dest else []
        if act.gateway:
            targets += list(act.gateway[2].values())
        if act.per_party:
            targets += [v for v in act.per_party.rejection_dest.values() if v]
        for s in act.sources:
            for t in targets:
                if s in names and t in names:
                    g.add_edge(s, t)
    if d.initial in names:
        reachable = nx.descendants(g, d.initial) | {d.initial}
        for state in d.states:
            if state.name not in reachable:
                err("unreachable", f"tilstanden «{state.name}» kan ikke nås fra «{d.initial}»", state.location)
    finals = d.final_states
    if not finals:
        err("no-final-state", "prosessen har ingen slutt-tilstand (final: true)", None)
    for state in d.states:
        if not state.final and not (nx.descendants(g, state.name) & finals):
            err("cannot-end", f"fra tilstanden «{state.name}» kan saken aldri avsluttes", state.location)
    return out


def _known_party(structure: Structure, name: str) -> bool:
    try:
        structure.party(name)
    except SamhandlingError:
        return False
    return True
