"""Validation of a structure: built-in structural checks and the rules' own checks.

A rule's ``check`` names one of the check kinds registered here (``parity``,
``seats``, ``per_party``, ``power``, ``decision_rule``, ``relation``, ...). Other
modules can register further kinds with :func:`register_check` (the time module
adds the meeting rules). Each finding quotes the rule's Norwegian source sentence.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from samhandling.errors import LoadError
from samhandling.location import Location
from samhandling.structure.findings import Finding, error_finding
from samhandling.structure.model import (
    EACH_PARTY,
    FUNDING_LABEL,
    SIDE_LABEL,
    Body,
    BodyKind,
    DecisionPower,
    DecisionRule,
    Funding,
    Party,
    PartyKind,
    Period,
    RelationKind,
    Rule,
    Scale,
    Severity,
    Side,
)

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure

CheckFn = Callable[["Structure", Rule, dict[str, Any], "dt.date | None"], Iterable[Finding]]
_CHECKS: dict[str, CheckFn] = {}


def register_check(kind: str) -> Callable[[CheckFn], CheckFn]:
    def decorate(fn: CheckFn) -> CheckFn:
        _CHECKS[kind] = fn
        return fn

    return decorate


RuleSource = Callable[["Structure"], Iterable[Rule]]
_RULE_SOURCES: list[RuleSource] = []


def register_rule_source(fn: RuleSource) -> RuleSource:
    """Register a function giving further rules of a structure (the time module's ``meeting_rules``)."""
    _RULE_SOURCES.append(fn)
    return fn


def check_kinds() -> list[str]:
    _load_extensions()
    return sorted(_CHECKS)


#: Modules of higher layers that register check kinds and rule sources of their own (the meeting rules). They are
#: named here, never imported by name: this module is below them (docs/architecture.md, "Plug-ins"). Each is
#: imported once, before the first check runs or the kinds are listed; add a module name to plug in more checks.
EXTENSION_MODULES: list[str] = ["samhandling.time.meetings", "samhandling.time.lifetime"]


def _load_extensions() -> None:
    for name in EXTENSION_MODULES:
        if name not in sys.modules:
            importlib.import_module(name)


def rule_finding(
    rule: Rule,
    code: str,
    message: str,
    body: Body | None = None,
    severity: Severity | None = None,
    *,
    location: Location | None = None,
) -> Finding:
    """A finding of ``rule``'s check: the rule's severity and id, its source sentence quoted after the message.

    Placed at ``location`` when given (a party's line), else at the body's line, else at the rule's.
    """
    return Finding(
        code=code,
        severity=severity or rule.severity,
        message=f"{message} (regel {rule.id}: «{rule.source.text}»)",
        location=location or (body.location if body is not None and body.location is not None else rule.location),
        rule=rule.id,
        source_text=rule.source.text,
    )


def _target_names(params: dict[str, Any], rule: Rule) -> list[Any]:
    names = params.get("bodies") or ([params["body"]] if "body" in params else [])
    return list(names) + list(rule.applies_to)


def unknown_targets(structure: Structure, params: dict[str, Any], rule: Rule) -> list[str]:
    """The names in a check's ``body``/``bodies`` (and the rule's ``applies_to``) that name no body: ``validate``
    reports them as ``invalid-check`` (a misspelt body would make the check pass unseen)."""
    return [str(n) for n in _target_names(params, rule) if not structure.has_body(str(n))]


def target_bodies(structure: Structure, params: dict[str, Any], rule: Rule) -> list[Body]:
    """The bodies a check applies to: ``body``/``bodies`` by name, or ``body_kind``. A name that is no body is
    left out here (``validate`` reports it: :func:`unknown_targets`)."""
    out: list[Body] = []
    for name in _target_names(params, rule):
        if structure.has_body(str(name)):
            out.append(structure.body(str(name)))
    if "body_kind" in params:
        out.extend(structure.bodies_of_kind(params["body_kind"]))
    return list(dict.fromkeys(out))


# ---------------------------------------------------------------------------- rule checks


@register_check("parity")
def _check_parity(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    sides = [Side(s) for s in params.get("sides", ["municipal", "hospital"])]
    excluded = set(params.get("exclude_roles", []))
    for body in target_bodies(structure, params, rule):
        counts = {
            side: sum(
                m.count
                for m in structure.member_seats(body, on)
                if structure.party(m.party).side is side and (m.role not in excluded)
            )
            for side in sides
        }
        if len(set(counts.values())) > 1:
            detail = ", ".join(f"{SIDE_LABEL[s]} {n}" for s, n in counts.items())
            yield rule_finding(rule, "parity", f"{body.label} har ikke likt antall representanter: {detail}", body)


@register_check("seats")
def _check_seats(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    """Each body holds at least ``min`` (and at most ``max``) seats of ``side``."""
    side = Side(params["side"])
    lo, hi = int(params.get("min", 1)), params.get("max")
    for body in target_bodies(structure, params, rule):
        n = structure.seat_count(body, side, on)
        if n < lo:
            yield rule_finding(
                rule,
                f"missing-{side.value}",
                f"{body.label} mangler {SIDE_LABEL[side]}: har {n}, krever minst {lo}",
                body,
            )
        elif hi is not None and n > int(hi):
            yield rule_finding(
                rule, f"too-many-{side.value}", f"{body.label} har {n} {SIDE_LABEL[side]}, høyst {hi} er tillatt", body
            )


def party_pool(
    structure: Structure, spec: Any, side: Side | None, on: dt.date | None, within: Period | None = None
) -> list[Party] | None:
    """The parties a rule's ``parties`` parameter names, or ``None`` when it names none.

    ``spec`` is a list of party names; ``all`` (every party of ``side`` in the structure); ``municipalities``
    (every municipality); or ``{members_of: BODY}`` (the parties seated in that body). Only parties that exist
    on ``on`` count; without a date, those whose period (and seat) overlaps ``within`` (the checked body's period).
    """
    if spec is None:
        return None

    def alive(period: Period) -> bool:
        if on is not None:
            return period.contains(on)
        if within is None:
            return True
        return not (
            (period.valid_to is not None and within.valid_from is not None and period.valid_to < within.valid_from)
            or (period.valid_from is not None and within.valid_to is not None and period.valid_from > within.valid_to)
        )

    if isinstance(spec, str) and spec in ("all", "municipalities"):
        kinds = (PartyKind.MUNICIPALITY,) if spec == "municipalities" else None
        return [
            p
            for p in structure.parties
            if (side is None or p.side is side) and (kinds is None or p.kind in kinds) and alive(p.period)
        ]
    if isinstance(spec, dict) and set(spec) == {"members_of"}:
        seated = [m for m in structure.member_seats(str(spec["members_of"])) if alive(m.period)]
        parties = [structure.party(m.party) for m in seated]
        return [p for p in dict.fromkeys(parties) if (side is None or p.side is side) and alive(p.period)]
    if isinstance(spec, (list, tuple)):
        return [structure.party(str(p)) for p in spec]
    raise ValueError(f"«parties» skal være en liste, all, municipalities eller {{members_of: ORGAN}}, fant {spec!r}")


@register_check("per_party")
def _check_per_party(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    """Every party of a side has between ``min`` and ``max`` representatives in each body.

    «From each municipality»: with ``parties`` (a list, ``all``, ``municipalities`` or ``{members_of: BODY}``)
    every party of that pool is counted, so a municipality missing from the member list is found; without it only
    the parties already seated are.
    """
    side = Side(params.get("side", "municipal"))
    lo, hi = int(params.get("min", 1)), params.get("max")
    for body in target_bodies(structure, params, rule):
        members = structure.member_seats(body, on)
        pool = party_pool(structure, params.get("parties"), side, on, body.period)
        parties = (
            pool
            if pool is not None
            else [structure.party(m.party) for m in members if structure.party(m.party).side is side]
        )
        for party in dict.fromkeys(parties):
            n = sum(m.count for m in members if m.party == party.id)
            if n < lo or (hi is not None and n > int(hi)):
                want = f"{lo}-{hi}" if hi is not None else f"minst {lo}"
                code = "party-missing" if n == 0 else "per-party-count"
                yield rule_finding(
                    rule, code, f"{party.name} har {n} representanter i {body.label}, forventet {want}", body
                )


@register_check("exclusive_membership")
def _check_exclusive(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    """Each party of the pool (``parties``, default ``municipalities``) sits in exactly one of ``bodies``.

    Two SSUs each for their own municipalities: a municipality in both is ``member-of-several``, one in neither
    ``member-of-none`` (``coverage: false`` allows none: then only «at most one» is checked).
    """
    bodies = target_bodies(structure, params, rule)
    if not bodies:
        raise ValueError("«bodies» (eller «body_kind») mangler eller viser ikke til noe organ")
    pool = party_pool(structure, params.get("parties", "municipalities"), None, on) or []
    coverage = bool(params.get("coverage", True))
    names = " / ".join(b.label for b in bodies)
    for party in pool:
        seated = [b for b in bodies if any(m.party == party.id for m in structure.member_seats(b, on))]
        if len(seated) > 1:
            yield rule_finding(
                rule,
                "member-of-several",
                f"{party.name} er medlem av {len(seated)} av organene {names} ({', '.join(b.label for b in seated)}), "
                "regelen tillater ett",
                location=party.location,
            )
        elif not seated and coverage:
            yield rule_finding(
                rule,
                "member-of-none",
                f"{party.name} er ikke medlem av noen av organene {names}",
                location=party.location,
            )


@register_check("coverage")
def _check_coverage(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    """Every party of the pool (``parties``, default ``municipalities``) sits in at least one of ``bodies``."""
    bodies = target_bodies(structure, params, rule)
    if not bodies:
        raise ValueError("«bodies» (eller «body_kind») mangler eller viser ikke til noe organ")
    pool = party_pool(structure, params.get("parties", "municipalities"), None, on) or []
    names = " / ".join(b.label for b in bodies)
    for party in pool:
        if not any(m.party == party.id for b in bodies for m in structure.member_seats(b, on)):
            yield rule_finding(
                rule, "not-covered", f"{party.name} er ikke medlem av noen av organene {names}", location=party.location
            )


@register_check("power")
def _check_power(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    want = DecisionPower(params["power"])
    for body in target_bodies(structure, params, rule):
        if body.power is not want:
            yield rule_finding(
                rule,
                "decision-power",
                f"{body.label} har beslutningsmyndighet «{body.power}», regelen krever «{want}»",
                body,
            )


@register_check("decision_rule")
def _check_decision_rule(
    structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None
) -> Iterable[Finding]:
    want = DecisionRule(params["rule"])
    for body in target_bodies(structure, params, rule):
        if body.decision_rule is not want:
            yield rule_finding(
                rule,
                "decision-rule",
                f"{body.label} beslutter ved «{body.decision_rule}», regelen krever «{want}»",
                body,
            )


@register_check("relation")
def _check_relation(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    """Each body has a relation of ``relation`` kind to ``to`` (or, with ``from``, receives one from it)."""
    kind = RelationKind(params["relation"])
    source = params.get("from")
    for body in target_bodies(structure, params, rule):
        if source is not None:
            senders = {s.id for s in structure.sources_of(body, kind)}
            if not structure.has_body(str(source)) or structure.body(str(source)).id not in senders:
                yield rule_finding(
                    rule, f"missing-{kind.value}", f"{body.label} mangler relasjonen «{kind.value}» fra {source}", body
                )
            continue
        targets = {t.id for t in structure.targets(body, kind)}
        to = params.get("to")
        if to is None:
            if not targets:
                yield rule_finding(
                    rule, f"missing-{kind.value}", f"{body.label} mangler relasjonen «{kind.value}»", body
                )
        elif not structure.has_body(str(to)) or structure.body(str(to)).id not in targets:
            yield rule_finding(
                rule, f"missing-{kind.value}", f"{body.label} mangler relasjonen «{kind.value}» til {to}", body
            )


@register_check("count")
def _check_count(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    """The structure has ``min``..``max`` bodies of ``body_kind``."""
    bodies = structure.bodies_of_kind(params["body_kind"])
    lo, hi = int(params.get("min", 0)), params.get("max")
    if len(bodies) < lo or (hi is not None and len(bodies) > int(hi)):
        yield rule_finding(
            rule,
            "body-count",
            f"strukturen har {len(bodies)} organer av typen {params['body_kind']}, forventet {lo}-{hi}",
        )


@register_check("members_total")
def _check_members_total(
    structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None
) -> Iterable[Finding]:
    """A body has ``min``..``max`` members in all (S1: «Et nettverk (7 personer)»)."""
    lo, hi = int(params.get("min", 0)), params.get("max")
    for body in target_bodies(structure, params, rule):
        n = sum(m.count for m in structure.member_seats(body, on))
        if n < lo or (hi is not None and n > int(hi)):
            yield rule_finding(rule, "member-count", f"{body.label} har {n} medlemmer, forventet {lo}-{hi}", body)


@register_check("leadership_quota")
def _check_leadership_quota(
    structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None
) -> Iterable[Finding]:
    """Each side leads ``per_side`` bodies of a kind (S3: each party leads two TMGs)."""
    per_side = int(params["per_side"])
    bodies = target_bodies(structure, params, rule)
    role = params.get("role", "leder")
    counts: dict[Side, int] = {}
    for body in bodies:
        for m in structure.member_seats(body, on):
            if m.role == role:
                side = structure.party(m.party).side
                counts[side] = counts.get(side, 0) + 1
    for side in (Side(s) for s in params.get("sides", ["municipal", "hospital"])):
        if counts.get(side, 0) != per_side:
            yield rule_finding(
                rule,
                "leadership-quota",
                f"{SIDE_LABEL[side]} leder {counts.get(side, 0)} grupper, forventet {per_side}",
            )


def accepted_titles(spec: Any) -> dict[Side | None, tuple[str, ...]]:
    """A ``role_titles`` rule's ``titles``: a list (every side: key ``None``) or a mapping side → list."""

    def names(value: Any, what: str) -> tuple[str, ...]:
        if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) and v for v in value):
            raise ValueError(f"«{what}» skal være en ikke-tom liste av titler, fant {value!r}")
        return tuple(value)

    if isinstance(spec, dict):
        if not spec:
            raise ValueError("«titles» er tom")
        return {Side(str(side)): names(value, f"titles.{side}") for side, value in spec.items()}
    return {None: names(spec, "titles")}


def title_accepted(title: str, accepted: Iterable[str]) -> bool:
    """Whether ``title`` is one of ``accepted``, or every one of its «/»-separated alternatives is
    («klinikkdirektør/avdelingssjef»); compared by name key (case, spacing, nynorsk/bokmål do not matter)."""
    from samhandling.formats.names import name_key

    keys = {name_key(a) for a in accepted}
    if name_key(title) in keys:
        return True
    parts = [p for p in (name_key(x) for x in title.split("/")) if p]
    return bool(parts) and all(p in keys for p in parts)


@register_check("role_titles")
def _check_role_titles(
    structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None
) -> Iterable[Finding]:
    """The holders of member seats (only those with ``role``, when given: the leader) have an accepted title.

    ``titles`` is a list (for every side, or only ``side`` when given) or a mapping side → list (each side its own
    titles; seats of other sides are not checked). S3: TMG leaders are «klinikkdirektører/avdelingssjefer» on the
    hospital side and «kommunaldirektører/kommunalsjefer» on the municipal side.
    """
    accepted = accepted_titles(params.get("titles"))
    role = params.get("role")
    only = Side(params["side"]) if "side" in params else None
    for body in target_bodies(structure, params, rule):
        for m in structure.member_seats(body, on):
            if role is not None and m.role != role:
                continue
            party = structure.party(m.party)
            if None in accepted:
                if only is not None and party.side is not only:
                    continue
                titles = accepted[None]
            elif party.side in accepted:
                titles = accepted[party.side]
            else:
                continue
            who = f"{role} fra {party.name}" if role else f"representanten fra {party.name}"
            who = who[:1].upper() + who[1:]
            wanted = ", ".join(titles)
            if not m.title:
                yield rule_finding(
                    rule,
                    "title-missing",
                    f"{who} i {body.label} har ingen tittel (title); regelen krever en av: {wanted}",
                    body,
                    location=m.location,
                )
            elif not title_accepted(m.title, titles):
                yield rule_finding(
                    rule,
                    "title-not-allowed",
                    f"{who} i {body.label} har tittelen «{m.title}»; regelen krever en av: {wanted}",
                    body,
                    location=m.location,
                )


@register_check("priority_groups")
def _check_priority_groups(
    structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None
) -> Iterable[Finding]:
    """Each priority group (the ``priority_groups`` section; ``groups`` picks some by id) is served by a body that
    exists on the date or by a plan item (not one dated after it): S4-R4, «bør prioritere …»."""
    from samhandling.structure.priorities import priority_groups

    section = priority_groups(structure)
    if section is None:
        yield rule_finding(
            rule, "priority-groups-missing", "strukturen har ingen prioriterte grupper («priority_groups»)"
        )
        return
    wanted = params.get("groups")
    groups = section.groups if wanted is None else tuple(section.group(str(g)) for g in wanted)
    for group in groups:
        bodies = [b for b in group.bodies if structure.body(b).period.contains(on)]
        items = [i for i in group.items if on is None or i.date is None or i.date <= on]
        if not bodies and not items:
            yield rule_finding(
                rule,
                "priority-group-unserved",
                f"Den prioriterte gruppen «{group.name}» har verken organ eller tiltak som tjener den",
                location=group.location,
            )


_COST_WHAT = {"participation": "deltakingskostnadene", "work": "kostnadene ved arbeidet", "funding": "finansieringen"}


def payer_id(structure: Structure, name: str) -> str | None:
    """``each_party``, or the id of the body or party a ``costs`` payer names; ``None`` when it names neither."""
    from samhandling.errors import AmbiguousNameError, UnknownPartyError

    if name == EACH_PARTY:
        return EACH_PARTY
    if structure.has_body(name):
        return structure.body(name).id
    try:
        return structure.party(name).id
    except (UnknownPartyError, AmbiguousNameError):
        return None


def _payer_label(structure: Structure, payer: str) -> str:
    if payer == EACH_PARTY:
        return "hver part selv"
    found = payer_id(structure, payer)
    if found is not None and structure.has_body(found):
        return structure.body(found).label
    return structure.party(found).name if found is not None else payer


@register_check("costs")
def _check_costs(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    """Who pays, as the rule says: ``participation`` and ``work`` (``each_party`` or a party or body name) and
    ``funding`` (``existing_budget``, ``external``, ``own``) of each body's ``costs``; with ``scale`` only bodies of
    that scale are asked (S0-R8: «Større prosjekt»). S0-R7: «Kommunane dekkjer sjølve kostnader med deltaking …»."""
    wanted = {k: params[k] for k in ("participation", "work", "funding") if k in params}
    if not wanted:
        raise ValueError("«costs» trenger minst én av participation, work og funding")
    if "funding" in wanted:
        wanted["funding"] = Funding(wanted["funding"])
    for key in ("participation", "work"):
        if key in wanted and payer_id(structure, str(wanted[key])) is None:
            raise ValueError(f"«{key}: {wanted[key]}» er verken each_party, et organ eller en part")
    scale = Scale(params["scale"]) if "scale" in params else None
    for body in target_bodies(structure, params, rule):
        costs = body.costs
        if scale is not None and (costs is None or costs.scale is not scale):
            continue
        for key, want in wanted.items():
            have = getattr(costs, key) if costs is not None else None
            if key == "funding":
                want_text = FUNDING_LABEL[want]
                same = have is want
            else:
                want_text = _payer_label(structure, str(want))
                same = have is not None and payer_id(structure, have) == payer_id(structure, str(want))
            if have is None:
                yield rule_finding(
                    rule,
                    "costs-missing",
                    f"{body.label} sier ikke noe om {_COST_WHAT[key]} (costs.{key}); regelen: {want_text}",
                    body,
                )
            elif not same:
                got = FUNDING_LABEL[have] if key == "funding" else _payer_label(structure, have)
                yield rule_finding(
                    rule,
                    "costs-mismatch",
                    f"{_COST_WHAT[key][:1].upper()}{_COST_WHAT[key][1:]} for {body.label}: {got}; regelen: {want_text}",
                    body,
                )


# ---------------------------------------------------------------------------- built-in checks


def _builtin(structure: Structure, on: dt.date | None) -> Iterable[Finding]:
    # A priority_groups section that cannot be read is reported whether or not a rule checks it.
    from samhandling.structure.priorities import priority_groups

    try:
        priority_groups(structure)
    except LoadError as exc:
        yield error_finding(exc, Location(structure.filename))
    # Whoever a body's costs name as payer must exist.
    for body in structure.bodies:
        for key in ("participation", "work"):
            payer = getattr(body.costs, key) if body.costs is not None else None
            if payer is not None and payer_id(structure, payer) is None:
                yield Finding(
                    code="unknown-payer",
                    severity=Severity.ERROR,
                    message=f"{body.label}: «costs.{key}: {payer}» er verken each_party, et organ eller en part",
                    location=body.location,
                )
    # Reporting and escalation lines must not go round in circles.
    from samhandling.structure.paths import upward_cycles

    for cycle in upward_cycles(structure):
        first = structure.body(cycle[0])
        chain = " → ".join(structure.body(b).label for b in [*cycle, cycle[0]])
        yield Finding(
            code="reporting-cycle",
            severity=Severity.ERROR,
            message=f"rapporterings- og eskaleringslinjene går i ring: {chain}",
            location=first.location,
        )
    # Seats declared on a body must be satisfied by its member seats (when it has any); observer and deputy
    # seats never fill a seat.
    for body in structure.bodies:
        members = structure.member_seats(body, on)
        if not members:
            continue
        for seat in body.seats:
            if seat.per_party:
                parties = [p for p in dict.fromkeys(m.party for m in members) if structure.party(p).side is seat.side]
                for pid in parties:
                    n = sum(m.count for m in members if m.party == pid and (seat.role is None or m.role == seat.role))
                    if not seat.admits(n):
                        yield Finding(
                            code="seat-count",
                            severity=Severity.ERROR,
                            message=f"{structure.party(pid).name} har {n} plass(er) i {body.label}, "
                            f"setet «{seat.label or seat.side}» krever {seat.describe()} per part",
                            location=body.location,
                        )
            else:
                n = sum(
                    m.count
                    for m in members
                    if structure.party(m.party).side is seat.side and (seat.role is None or m.role == seat.role)
                )
                if not seat.admits(n):
                    yield Finding(
                        code="seat-count",
                        severity=Severity.ERROR,
                        message=f"{body.label} har {n} {SIDE_LABEL[seat.side]}, setet «{seat.label or seat.side}» "
                        f"krever {seat.describe()}",
                        location=body.location,
                    )
    # An advisory body should have somewhere to lift a case it cannot decide.
    from samhandling.structure.paths import can_reach_decider

    for body in structure.bodies:
        if body.power is DecisionPower.ADVISES and not can_reach_decider(structure, body):
            yield Finding(
                code="no-decider",
                severity=Severity.WARNING,
                message=f"{body.label} er rådgivende, men har ingen vei (rapporterer til / løfter saker til) "
                "til et organ som kan beslutte",
                location=body.location,
            )
    # Memberships referring to bodies of another era.
    for m in structure.memberships:
        party = structure.party(m.party)
        if m.period.valid_from and party.period.valid_to and m.period.valid_from > party.period.valid_to:
            yield Finding(
                code="membership-after-party",
                severity=Severity.ERROR,
                message=f"{party.name} er medlem av {m.body} fra {m.period.valid_from}, men parten fantes bare til "
                f"{party.period.valid_to}",
                location=m.location,
            )
    kinds = {b.kind for b in structure.bodies}
    if BodyKind.OTHER in kinds and len(kinds) == 1:
        yield Finding(code="untyped", severity=Severity.INFO, message="ingen organer har en kjent type", location=None)


def validate(structure: Structure, on: dt.date | None = None) -> list[Finding]:
    """All findings for a structure, errors first, then in file order."""
    _load_extensions()
    findings: list[Finding] = list(structure.load_findings)
    findings.extend(_builtin(structure, on))
    extra: list[Rule] = []
    for source in _RULE_SOURCES:
        # A section that cannot be read (a meeting naming an unknown body) is a finding like any other; the
        # section's own checks (samhandling.app.check) name each broken item.
        try:
            extra.extend(source(structure))
        except LoadError as exc:
            findings.append(error_finding(exc, Location(structure.filename)))
    for rule in (*structure.rules, *extra):
        if not rule.check:
            continue
        fn = _CHECKS.get(str(rule.check["kind"]))
        if fn is None:
            findings.append(
                Finding(
                    code="unknown-check",
                    severity=Severity.ERROR,
                    message=f"regel {rule.id} bruker ukjent kontroll «{rule.check['kind']}»; kjente: {', '.join(sorted(_CHECKS))}",
                    location=rule.location,
                    rule=rule.id,
                )
            )
            continue
        try:
            unknown = unknown_targets(structure, dict(rule.check), rule)
            if unknown:
                raise ValueError(", ".join(f"{n!r} er ikke et organ i strukturen" for n in unknown))
            findings.extend(fn(structure, rule, dict(rule.check), on))
        except LoadError as exc:  # the check reads a section that cannot be read (reported above)
            findings.append(error_finding(exc, rule.location))
        except (KeyError, ValueError, TypeError) as exc:
            findings.append(
                Finding(
                    code="invalid-check",
                    severity=Severity.ERROR,
                    message=f"regel {rule.id}: kontrollen «{rule.check['kind']}» har ugyldige parametere ({exc})",
                    location=rule.location,
                    rule=rule.id,
                )
            )
    findings = list(dict.fromkeys(findings))
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(findings, key=lambda f: (order[f.severity], f.location.line if f.location and f.location.line else 0))
