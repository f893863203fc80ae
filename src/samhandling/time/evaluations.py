"""Evaluations and reviews, and what is due or overdue on a date.

Parsed from the structure section ``evaluations`` (format in ``docs/time.md``).
Three forms, as the documents give them:

* once, some months after a start (S0-R10: «Ordninga vert evaluert etter eitt år.»);
* every N months from a start (S1-R12: «Evalueres årlig»);
* by a date that may be only a year or a month (S2: «Tid for gjennomgang/revisjon» 2025):
  a year-precision date is due by the end of that year, and the result says so.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

import attrs

from samhandling.errors import SchemaError
from samhandling.formats.dates import Precision as Precision  # re-exported (moved to formats.dates)
from samhandling.formats.dates import end_of as end_of  # re-exported
from samhandling.formats.dates import parse_partial_date as parse_partial_date  # re-exported
from samhandling.location import Location
from samhandling.structure.sections import cached_section, resolve_body, section_location

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure


class DueStatus(enum.StrEnum):
    OVERDUE = "overdue"
    DUE = "due"

    @property
    def label(self) -> str:
        return {"overdue": "forfalt", "due": "forfaller"}[self.value]


@attrs.frozen(slots=True)
class Evaluation:
    id: str
    title: str
    kind: str = "evaluation"
    body: str | None = None
    start: dt.date | None = None
    after_months: int | None = None
    every_months: int | None = None
    due: dt.date | None = None
    precision: Precision = Precision.DAY
    done: tuple[dt.date, ...] = ()
    text: str | None = None
    source: str | None = None
    note: str | None = None
    location: Location | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(slots=True)
class DueItem:
    evaluation: Evaluation
    deadline: dt.date
    status: DueStatus
    explanation: str
    earlier_missed: int = 0


_KEYS = {"id", "title", "kind", "body", "from", "after_months", "every_months", "due", "done", "text", "source", "note"}


def _evaluation(structure: Structure, item: Any, where: Location) -> Evaluation:
    from samhandling.formats.maps import MarkedMap

    m = MarkedMap(item, "en evaluering (evaluations)", where, _KEYS)
    body = resolve_body(structure, m.req("body"), m.loc("body")) if m.has("body") else None
    start: dt.date | None = None
    if m.has("from"):
        if m.raw("from") == "approval":
            mandate = (structure.body(body).mandate if body else None) or structure.mandate
            start = mandate.approved_on if mandate else None
            if start is None:
                raise SchemaError(
                    "«from: approval», men mandatet har ingen «approved_on»", code="missing-key", location=m.loc("from")
                )
        else:
            start = m.date("from")
    after, every = m.int("after_months"), m.int("every_months")
    due: dt.date | None = None
    precision = Precision.DAY
    if m.has("due"):
        parsed = parse_partial_date(m.raw("due"))
        if parsed is None:
            raise SchemaError(
                f"«due» skal være en dato, en måned (ÅÅÅÅ-MM) eller et år (ÅÅÅÅ), fant «{m.raw('due')}»",
                code="invalid-date",
                location=m.loc("due"),
            )
        due, precision = parsed
    forms = sum(x is not None for x in (after, every, due))
    if forms != 1:
        raise SchemaError(
            "en evaluering skal ha nøyaktig én av «due», «after_months» og «every_months»",
            code="invalid-evaluation",
            location=m.loc(),
        )
    if (after is not None or every is not None) and start is None:
        raise SchemaError(
            "«after_months»/«every_months» trenger «from» (en dato eller «approval»)",
            code="missing-key",
            location=m.loc(),
        )
    if (after is not None and after < 1) or (every is not None and every < 1):
        raise SchemaError("antall måneder skal være minst 1", code="invalid-value", location=m.loc())
    done: list[dt.date] = []
    raw_done = m.raw("done")
    for value in raw_done if isinstance(raw_done, list) else ([] if raw_done is None else [raw_done]):
        parsed_done = parse_partial_date(value)
        if parsed_done is None:
            raise SchemaError(f"«done» skal være datoer, fant «{value}»", code="invalid-date", location=m.loc("done"))
        done.append(parsed_done[0])
    return Evaluation(
        id=m.req("id"),
        title=m.req("title"),
        kind=m.str("kind", default="evaluation") or "evaluation",
        body=body,
        start=start,
        after_months=after,
        every_months=every,
        due=due,
        precision=precision,
        done=tuple(done),
        text=m.str("text"),
        source=m.str("source"),
        note=m.str("note"),
        location=m.loc(),
    )


@cached_section("evaluations")
def evaluations(structure: Structure) -> tuple[Evaluation, ...]:
    from samhandling.formats.maps import expect_list

    raw = structure.extensions.get("evaluations")
    if raw is None:
        return ()
    lst = expect_list(raw, "«evaluations»", section_location(structure, "evaluations"))
    return tuple(_evaluation(structure, item, lst.loc(i)) for i, item in enumerate(lst))


def _status(deadline: dt.date, window_start: dt.date, on: dt.date) -> DueStatus | None:
    if on > deadline:
        return DueStatus.OVERDUE
    if on >= window_start:
        return DueStatus.DUE
    return None


def due_items(structure: Structure, on: dt.date, within_days: int = 30) -> list[DueItem]:
    """What is due (deadline within ``within_days`` of ``on``) or overdue on ``on``, and not recorded as done."""
    from samhandling.time.rotation import add_months

    soon = dt.timedelta(days=within_days)
    out: list[DueItem] = []
    for ev in evaluations(structure):
        if ev.due is not None:
            deadline = end_of(ev.precision, ev.due)
            if ev.done:
                continue
            window = ev.due if ev.precision is not Precision.DAY else deadline - soon
            status = _status(deadline, min(window, deadline - soon), on)
            if status is None:
                continue
            if ev.precision is Precision.YEAR:
                why = f"dokumentet oppgir bare året {ev.due.year}; fristen regnes som utgangen av {ev.due.year}"
            elif ev.precision is Precision.MONTH:
                why = f"dokumentet oppgir bare måneden; fristen regnes som {deadline.isoformat()}"
            else:
                why = f"frist {deadline.isoformat()}"
            out.append(DueItem(ev, deadline, status, why))
        elif ev.after_months is not None:
            assert ev.start is not None
            deadline = add_months(ev.start, ev.after_months)
            if any(d > ev.start for d in ev.done):
                continue
            status = _status(deadline, deadline - soon, on)
            if status is not None:
                out.append(DueItem(ev, deadline, status, f"{ev.after_months} måneder etter {ev.start.isoformat()}"))
        else:
            assert ev.start is not None and ev.every_months is not None
            missed: list[tuple[dt.date, DueStatus]] = []
            k = 1
            while (occurrence := add_months(ev.start, k * ev.every_months)) <= on + soon:
                previous = add_months(ev.start, (k - 1) * ev.every_months)
                if not any(previous < d <= occurrence for d in ev.done):
                    status = _status(occurrence, occurrence - soon, on)
                    if status is not None:
                        missed.append((occurrence, status))
                k += 1
            if missed:
                deadline, status = missed[-1]
                out.append(
                    DueItem(
                        ev,
                        deadline,
                        status,
                        f"hver {ev.every_months}. måned fra {ev.start.isoformat()}",
                        earlier_missed=len(missed) - 1,
                    )
                )
    out.extend(renewal_items(structure, on, within_days))
    return sorted(out, key=lambda d: d.deadline)


def renewal_items(structure: Structure, on: dt.date, within_days: int = 30) -> list[DueItem]:
    """Documents (``documents:``) whose period ends within ``within_days`` of ``on`` or has ended, while no newer
    version is recorded (a document with ``replaces:`` naming it, or a later strategy or action plan): each needs a
    new version. The item's «evaluation» has ``kind: renewal`` and the document's id, title and adopting body."""
    from samhandling.structure.documents import documents, newer_versions

    docs = documents(structure)
    soon = dt.timedelta(days=within_days)
    out: list[DueItem] = []
    for doc in docs:
        end = doc.period.valid_to
        if end is None or newer_versions(docs, doc):
            continue
        status = _status(end, end - soon, on)
        if status is None:
            continue
        why = f"{doc.label} gjelder {doc.period.describe()}"
        if doc.period.to_precision is not Precision.DAY:
            why += f" (til og med {end.isoformat()})"
        why += f"; ingen nyere versjon (replaces: {doc.id}) er registrert"
        renewal = Evaluation(
            id=doc.id,
            title=f"ny versjon av {doc.title}",
            kind="renewal",
            body=doc.adopted_by or doc.reviewed_by,
            due=end,
            precision=doc.period.to_precision,
            text=doc.text,
            source=doc.source,
            location=doc.location,
        )
        out.append(DueItem(renewal, end, status, why))
    return out
