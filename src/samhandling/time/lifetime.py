"""Bodies with a lifetime, and documents as records: what is used outside the time a body exists.

A body may carry ``valid_from``/``valid_to`` (a month or a year where the source gives no day: «etablert i desember
2021» is ``valid_from: 2021-12``). What names the body must fall inside that lifetime: its memberships' dates, its
relations (the other body must exist at some time while it does), its meetings and the start of its rotations. The
documents (``documents:``) name bodies too: the one that adopted a document must decide and be in force on that day.

Registered with :func:`samhandling.structure.validation.register_check` (this module is one of the validation's
``EXTENSION_MODULES``):

* ``lifetime`` — the bodies the rule names (``body``/``bodies``/``body_kind``; none: every body) are used only
  inside their lifetime; optionally ``established: 2021-12`` (each starts then, at the date's precision),
  ``in_force_on: DATE`` (each exists on that date) and ``ends_after: {body_kind: KIND}`` (one that ends, ends after
  every body of the kind has started: «Etter at tjenestemodellgruppene er opprettet vil flere av fagrådene …
  avvikles»);
* ``document`` — the documents the rule names (``document``/``documents``/``document_kind``) exist and hold
  (:func:`samhandling.structure.documents.document_problems`); optionally ``reviewed_by: BODY`` (each is reviewed by
  that body).

:func:`lifetime_findings` gives the same findings without a rule, for bodies and documents no rule covers
(``samhandling validate`` runs it through :func:`samhandling.app.check.check_loaded`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from samhandling.formats.dates import Precision, describe_partial_date, parse_partial_date
from samhandling.location import Location
from samhandling.structure.documents import Document, DocumentKind, document_problems, documents
from samhandling.structure.findings import Finding
from samhandling.structure.model import ALWAYS, Body, Rule, Severity
from samhandling.structure.validation import register_check, rule_finding, target_bodies

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure

__all__ = ["LifetimeProblem", "lifetime_findings", "lifetime_problems"]

#: (code, message, location, body): one use of a body outside its lifetime.
LifetimeProblem = tuple[str, str, "Location | None", Body]


def _during(body: Body) -> str:
    return f"{body.label} finnes bare {body.period.describe()}"


def lifetime_problems(structure: Structure, bodies: Iterable[Body]) -> Iterator[LifetimeProblem]:
    """Each use of one of ``bodies`` outside its lifetime: a membership dated outside it, a relation to a body that
    never exists at the same time, a meeting on a day it does not exist, a rotation that starts outside it."""
    chosen = {b.id: b for b in bodies if b.period is not ALWAYS}
    if not chosen:
        return
    for body in chosen.values():
        life = body.period
        for m in structure.members(body):
            ends = [d for d in (m.period.valid_from, m.period.valid_to) if d is not None]
            outside = [d for d in ends if not life.contains(d)]
            if outside:
                who = structure.party(m.party).name + (f" ({m.person})" if m.person else "")
                yield (
                    "membership-outside-lifetime",
                    f"{who} er medlem av {body.label} {m.period.describe()}, men {_during(body)}",
                    m.location,
                    body,
                )
    for relation in structure.relations():
        for end, other in ((relation.source, relation.target), (relation.target, relation.source)):
            if end in chosen and not chosen[end].period.overlaps(structure.body(other).period):
                a, b = structure.body(relation.source), structure.body(relation.target)
                yield (
                    "relation-outside-lifetime",
                    f"relasjonen {a.label} → {b.label} ({relation.kind.value}) binder organer som aldri finnes "
                    f"samtidig: {a.label} {a.period.describe() or 'alltid'}, {b.label} {b.period.describe() or 'alltid'}",
                    relation.location,
                    chosen[end],
                )
                break
    yield from _meeting_problems(structure, chosen)
    yield from _rotation_problems(structure, chosen)


def _meeting_problems(structure: Structure, chosen: dict[str, Body]) -> Iterator[LifetimeProblem]:
    from samhandling.errors import LoadError
    from samhandling.time.meeting_plan import meeting_plan

    try:
        meetings = meeting_plan(structure).meetings
    except LoadError:  # a broken meeting section is reported by meeting_findings
        return
    for meeting in meetings:
        body = chosen.get(meeting.body)
        if body is not None and not body.period.contains(meeting.date):
            yield (
                "meeting-outside-lifetime",
                f"møtet i {body.label} {meeting.date.isoformat()} ligger utenfor organets levetid: {_during(body)}",
                meeting.location,
                body,
            )


def _rotation_problems(structure: Structure, chosen: dict[str, Body]) -> Iterator[LifetimeProblem]:
    from samhandling.errors import LoadError
    from samhandling.time.rotation import rotations

    try:
        found = rotations(structure)
    except LoadError:  # reported by rotation_findings
        return
    for rotation in found:
        for body_id in rotation.bodies:
            body = chosen.get(body_id)
            if body is not None and not body.period.contains(rotation.start):
                yield (
                    "rotation-outside-lifetime",
                    f"rulleringen «{rotation.id}» starter {rotation.start.isoformat()} i {body.label}, men "
                    f"{_during(body)}",
                    rotation.location,
                    body,
                )


def _partial(params: dict[str, Any], key: str) -> tuple[dt.date, Precision] | None:
    if params.get(key) is None:
        return None
    found = parse_partial_date(params[key])
    if found is None:
        raise ValueError(f"«{key}» skal være en dato, en måned (ÅÅÅÅ-MM) eller et år, fant {params[key]!r}")
    return found


@register_check("lifetime")
def _check_lifetime(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    bodies = target_bodies(structure, params, rule) if _names_bodies(params, rule) else list(structure.bodies)
    for code, message, where, body in lifetime_problems(structure, bodies):
        yield rule_finding(rule, code, message, body, location=where)
    established = _partial(params, "established")
    if established is not None:
        day, precision = established
        for body in bodies:
            start = body.period.valid_from
            same = start is not None and (
                start == day
                if precision is Precision.DAY
                else (start.year, start.month if precision is Precision.MONTH else 1)
                == (day.year, day.month if precision is Precision.MONTH else 1)
            )
            if not same:
                yield rule_finding(
                    rule,
                    "established-date",
                    f"{body.label} er oppgitt etablert {describe_partial_date(day, precision)}, men har "
                    + (
                        f"valid_from {describe_partial_date(start, body.period.from_precision)}"
                        if start
                        else "ingen valid_from"
                    ),
                    body,
                )
    in_force = _partial(params, "in_force_on")
    if in_force is not None:
        for body in bodies:
            if not body.period.contains(in_force[0]):
                yield rule_finding(
                    rule,
                    "body-not-in-force",
                    f"{body.label} skal finnes {describe_partial_date(*in_force)}, men {_during(body)}",
                    body,
                )
    after = params.get("ends_after")
    if after is not None:
        earlier = target_bodies(structure, dict(after), attrs.evolve(rule, applies_to=()))  # only what it names
        starts = [b.period.valid_from for b in earlier if b.period.valid_from is not None]
        if starts:
            latest = max(starts)
            for body in bodies:
                end = body.period.valid_to
                if end is not None and end < latest:
                    yield rule_finding(
                        rule,
                        "ended-too-early",
                        f"{body.label} avvikles {describe_partial_date(end, body.period.to_precision)}, før "
                        f"{', '.join(b.label for b in earlier)} er opprettet (senest {latest.isoformat()})",
                        body,
                    )


def _names_bodies(params: dict[str, Any], rule: Rule) -> bool:
    return bool(params.get("body") or params.get("bodies") or params.get("body_kind") or rule.applies_to)


def _documents_of(structure: Structure, params: dict[str, Any]) -> tuple[list[Document], list[str]]:
    """The documents a rule's check names, and the ids it names that the structure does not have."""
    docs = documents(structure)
    by_id = {d.id: d for d in docs}
    names = list(params.get("documents") or ([params["document"]] if params.get("document") else []))
    chosen = [by_id[n] for n in names if n in by_id]
    missing = [n for n in names if n not in by_id]
    kinds = params.get("document_kind")
    if kinds is not None:
        wanted = {DocumentKind(k) for k in ([kinds] if isinstance(kinds, str) else kinds)}
        chosen.extend(d for d in docs if d.kind in wanted and d not in chosen)
        if not any(d.kind in wanted for d in docs):
            missing.append(" / ".join(sorted(wanted)))
    return chosen, missing


@register_check("document")
def _check_document(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    chosen, missing = _documents_of(structure, params)
    for name in missing:
        yield rule_finding(rule, "document-missing", f"strukturen har ikke dokumentet «{name}» (under «documents»)")
    for problem in document_problems(structure, chosen):
        yield rule_finding(rule, problem.code, problem.message, problem.body, location=problem.location)
    reviewer = params.get("reviewed_by")
    if reviewer is not None:
        if not structure.has_body(str(reviewer)):
            raise ValueError(f"«reviewed_by» viser til {reviewer!r}, som ikke er et organ i strukturen")
        want = structure.body(str(reviewer))
        for doc in chosen:
            if doc.reviewed_by != want.id:
                now = f"{structure.body(doc.reviewed_by).label}" if doc.reviewed_by else "ingen"
                yield rule_finding(
                    rule,
                    "reviewer-missing",
                    f"{doc.label} skal gjennomgås av {want.label} (reviewed_by), men har {now}",
                    want,
                    location=doc.location,
                )


def lifetime_findings(structure: Structure) -> list[Finding]:
    """The lifetime and document findings of bodies and documents that no ``lifetime``/``document`` rule covers
    (those are reported with their rule): uses of a body outside its lifetime, documents adopted by a body that
    cannot decide or is not in force. Severity error; a section that cannot be read gives nothing here."""
    from samhandling.errors import LoadError

    covered: set[str] = set()
    covered_docs: set[str] = set()
    for rule in structure.rules:
        kind = (rule.check or {}).get("kind")
        # A check whose parameters cannot be read covers nothing here: validate reports it with its rule
        # (``invalid-check``), and the bodies and documents it meant are judged by the built-in findings below.
        if kind == "lifetime":
            params = dict(rule.check or {})
            try:
                targets = target_bodies(structure, params, rule) if _names_bodies(params, rule) else structure.bodies
            except (LoadError, ValueError, TypeError, KeyError):
                continue
            covered.update(b.id for b in targets)
        elif kind == "document":
            try:
                covered_docs.update(d.id for d in _documents_of(structure, dict(rule.check or {}))[0])
            except (LoadError, ValueError, TypeError, KeyError):
                pass
    out = [
        Finding(code=code, severity=Severity.ERROR, message=message, location=where)
        for code, message, where, _body in lifetime_problems(
            structure, [b for b in structure.bodies if b.id not in covered]
        )
    ]
    try:
        docs = [d for d in documents(structure) if d.id not in covered_docs]
    except LoadError as exc:
        from samhandling.structure.findings import error_finding

        return [*out, error_finding(exc, Location(structure.filename))]
    out.extend(
        Finding(code=p.code, severity=Severity.ERROR, message=p.message, location=p.location)
        for p in document_problems(structure, docs)
    )
    return out
