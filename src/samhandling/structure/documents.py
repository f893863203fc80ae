"""Documents as records: agreements and sub-agreements, strategies, action plans, mandates and decisions.

Parsed from the structure section ``documents`` (format in ``docs/format.md``, «Dokumenter»). A document names the
body that adopted it (``adopted_by``, a body that decides, in force on ``adopted_on``), its validity period (a month
or a year where the document gives no day: ``valid_from: 2023``, ``valid_to: 2024``), its revisions and the body
that reviews it (``reviewed_by``). :func:`document_problems` lists what does not hold; the check kind ``document``
(:mod:`samhandling.time.lifetime`) reports it as findings of a rule, and ``samhandling due`` lists a document whose
period has ended until a newer version (``replaces:``) is recorded (:mod:`samhandling.time.evaluations`).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from samhandling.errors import SchemaError
from samhandling.formats.dates import Precision, describe_partial_date, end_of
from samhandling.location import Location
from samhandling.structure.loader import read_partial_date, read_period
from samhandling.structure.model import ALWAYS, Body, DecisionPower, Period
from samhandling.structure.sections import cached_section, resolve_body, section_location, with_settings

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure

__all__ = [
    "DOCUMENT_KIND_LABEL",
    "Document",
    "DocumentKind",
    "DocumentProblem",
    "Revision",
    "document_problems",
    "documents",
    "newer_versions",
]


class DocumentKind(enum.StrEnum):
    AGREEMENT = "agreement"
    SUB_AGREEMENT = "sub_agreement"
    STRATEGY = "strategy"
    ACTION_PLAN = "action_plan"
    MANDATE = "mandate"
    DECISION = "decision"
    OTHER = "other"


DOCUMENT_KIND_LABEL: dict[DocumentKind, str] = {
    DocumentKind.AGREEMENT: "samarbeidsavtale",
    DocumentKind.SUB_AGREEMENT: "delavtale",
    DocumentKind.STRATEGY: "strategi",
    DocumentKind.ACTION_PLAN: "handlingsplan",
    DocumentKind.MANDATE: "mandat",
    DocumentKind.DECISION: "vedtak",
    DocumentKind.OTHER: "dokument",
}
#: The definite forms, for messages («strategien «…» er vedtatt …»).
_DEFINITE: dict[DocumentKind, str] = {
    DocumentKind.AGREEMENT: "samarbeidsavtalen",
    DocumentKind.SUB_AGREEMENT: "delavtalen",
    DocumentKind.STRATEGY: "strategien",
    DocumentKind.ACTION_PLAN: "handlingsplanen",
    DocumentKind.MANDATE: "mandatet",
    DocumentKind.DECISION: "vedtaket",
    DocumentKind.OTHER: "dokumentet",
}


@attrs.frozen(slots=True)
class Revision:
    """A revision of a document: when, by which body (optional), and what changed."""

    on: dt.date
    precision: Precision = Precision.DAY
    by: str | None = None
    note: str | None = None
    location: Location | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(slots=True)
class Document:
    """One document of the structure (``documents:``)."""

    id: str
    title: str
    kind: DocumentKind
    adopted_on: dt.date | None = None
    adopted_precision: Precision = Precision.DAY
    adopted_by: str | None = None
    period: Period = ALWAYS
    revisions: tuple[Revision, ...] = ()
    reviewed_by: str | None = None
    replaces: str | None = None
    version: str | None = None
    source: str | None = None
    text: str | None = None
    note: str | None = None
    location: Location | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def label(self) -> str:
        """«strategien «Strategidokument …»»: the kind in its definite form and the title."""
        return f"{_DEFINITE[self.kind]} «{self.title}»"


_KEYS = {
    "id",
    "title",
    "kind",
    "adopted_on",
    "adopted_by",
    "valid_from",
    "valid_to",
    "revisions",
    "reviewed_by",
    "replaces",
    "version",
    "source",
    "text",
    "note",
}
_REVISION_KEYS = {"on", "by", "note"}


def _revision(structure: Structure, item: Any, where: Location) -> Revision:
    from samhandling.formats.maps import MarkedMap

    item = with_settings(structure, item, ("by",))
    m = MarkedMap(item, "en revisjon (revisions)", where, _REVISION_KEYS)
    on = read_partial_date(m, "on")
    if on is None:
        raise SchemaError("en revisjon mangler «on» (datoen)", code="missing-key", location=m.loc())
    return Revision(
        on=on[0],
        precision=on[1],
        by=resolve_body(structure, m.req("by"), m.loc("by")) if m.has("by") else None,
        note=m.str("note"),
        location=m.loc(),
    )


def _document(structure: Structure, item: Any, where: Location) -> Document:
    from samhandling.formats.maps import MarkedMap, expect_list

    item = with_settings(structure, item, ("adopted_by", "reviewed_by"))
    m = MarkedMap(item, "et dokument (documents)", where, _KEYS)
    adopted = read_partial_date(m, "adopted_on")
    period = read_period(m)
    revisions: list[Revision] = []
    if m.has("revisions"):
        lst = expect_list(m.raw("revisions"), "«revisions»", m.loc("revisions"))
        revisions = [_revision(structure, r, lst.loc(i)) for i, r in enumerate(lst)]
    kind = m.enum("kind", DocumentKind)
    return Document(
        id=m.req("id"),
        title=m.req("title"),
        kind=kind,
        adopted_on=adopted[0] if adopted else None,
        adopted_precision=adopted[1] if adopted else Precision.DAY,
        adopted_by=resolve_body(structure, m.req("adopted_by"), m.loc("adopted_by")) if m.has("adopted_by") else None,
        period=period,
        revisions=tuple(revisions),
        reviewed_by=(
            resolve_body(structure, m.req("reviewed_by"), m.loc("reviewed_by")) if m.has("reviewed_by") else None
        ),
        replaces=m.str("replaces"),
        version=m.str("version"),
        source=m.str("source"),
        text=m.str("text"),
        note=m.str("note"),
        location=m.loc(),
    )


@cached_section("documents")
def documents(structure: Structure) -> tuple[Document, ...]:
    """The structure's documents (section ``documents``), parsed once; a broken entry raises a located
    :class:`~samhandling.errors.SchemaError` (a duplicate id, an unknown body, an unknown ``replaces``)."""
    from samhandling.formats.maps import expect_list

    raw = structure.extensions.get("documents")
    if raw is None:
        return ()
    lst = expect_list(raw, "«documents»", section_location(structure, "documents"))
    out: list[Document] = []
    seen: set[str] = set()
    for i, item in enumerate(lst):
        doc = _document(structure, item, lst.loc(i))
        if doc.id in seen:
            raise SchemaError(f"dokumentet «{doc.id}» står to ganger", code="duplicate-id", location=doc.location)
        seen.add(doc.id)
        out.append(doc)
    for doc in out:
        if doc.replaces is not None and doc.replaces not in seen:
            raise SchemaError(
                f"«replaces: {doc.replaces}» viser til et dokument som ikke står under «documents» "
                f"(kjente: {', '.join(sorted(seen))})",
                code="unknown-document",
                location=doc.location,
            )
    return tuple(out)


def newer_versions(docs: Iterable[Document], doc: Document) -> list[Document]:
    """The documents recorded as newer versions of ``doc``: those that name it in ``replaces``, and for a strategy or
    an action plan (one in force at a time) a later one of the same kind."""
    out = []
    for other in docs:
        if other.id == doc.id:
            continue
        if other.replaces == doc.id or (
            doc.kind in (DocumentKind.STRATEGY, DocumentKind.ACTION_PLAN)
            and other.kind is doc.kind
            and other.period.valid_from is not None
            and doc.period.valid_from is not None
            and other.period.valid_from > doc.period.valid_from
        ):
            out.append(other)
    return out


@attrs.frozen(slots=True)
class DocumentProblem:
    """What does not hold about a document: a stable ``code``, a Norwegian message, where, and the body concerned."""

    code: str
    message: str
    document: Document
    location: Location | None = None
    body: Body | None = None


def _when(day: dt.date, precision: Precision) -> str:
    return describe_partial_date(day, precision)


def document_problems(structure: Structure, docs: Iterable[Document]) -> Iterator[DocumentProblem]:
    """What does not hold about ``docs``: the adopting body must hold the power to decide and be in force on the
    adoption date; a revision's body must be in force on its date and the revision must not be before the adoption;
    the reviewing body must be in force at some time while the document is."""
    for doc in docs:
        where = doc.location
        if doc.adopted_by is not None:
            body = structure.body(doc.adopted_by)
            if body.power is not DecisionPower.DECIDES:
                yield DocumentProblem(
                    "adopter-cannot-decide",
                    f"{doc.label} er vedtatt av {body.label}, som ikke har beslutningsmyndighet (power: {body.power})",
                    doc,
                    where,
                    body,
                )
            if doc.adopted_on is not None and not _in_force_some_day(
                body.period, doc.adopted_on, doc.adopted_precision
            ):
                yield DocumentProblem(
                    "adopter-not-in-force",
                    f"{doc.label} er vedtatt {_when(doc.adopted_on, doc.adopted_precision)} av {body.label}, "
                    f"som bare finnes {body.period.describe()}",
                    doc,
                    where,
                    body,
                )
        for revision in doc.revisions:
            # Before only if the whole period it names is: «oktober 2006» may be after 5.10.06.
            if doc.adopted_on is not None and end_of(revision.precision, revision.on) < doc.adopted_on:
                yield DocumentProblem(
                    "revision-before-adoption",
                    f"{doc.label} er revidert {_when(revision.on, revision.precision)}, før den ble vedtatt "
                    f"({_when(doc.adopted_on, doc.adopted_precision)})",
                    doc,
                    revision.location or where,
                )
            if revision.by is not None:
                body = structure.body(revision.by)
                if not _in_force_some_day(body.period, revision.on, revision.precision):
                    yield DocumentProblem(
                        "reviser-not-in-force",
                        f"{doc.label} er revidert {_when(revision.on, revision.precision)} av {body.label}, "
                        f"som bare finnes {body.period.describe()}",
                        doc,
                        revision.location or where,
                        body,
                    )
        if doc.reviewed_by is not None:
            body = structure.body(doc.reviewed_by)
            if not body.period.overlaps(doc.period):
                yield DocumentProblem(
                    "reviewer-not-in-force",
                    f"{doc.label} skal gjennomgås av {body.label}, som ikke finnes mens dokumentet gjelder "
                    f"({body.label} finnes {body.period.describe()}, dokumentet gjelder {doc.period.describe()})",
                    doc,
                    where,
                    body,
                )


def _in_force_some_day(period: Period, day: dt.date, precision: Precision) -> bool:
    """Whether a body with ``period`` may have been in force on a date known to ``precision`` (some day of the
    month or year counts: the document does not say which)."""
    from samhandling.formats.dates import end_of

    if precision is Precision.DAY:
        return period.contains(day)
    return period.overlaps(Period(day, end_of(precision, day)))
