"""A structure's meeting plan and deadlines as iCalendar (needs the ``calendar`` extra).

Every meeting becomes an all-day event (the plans give dates, not times). Each
submission deadline (``submission_deadline`` rules or ``deadlines=`` per call) and
each agenda deadline (``agenda_deadline`` rules) becomes an all-day event of its own, and so does each
open case deadline (process timers) given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from samhandling.errors import MissingExtraError
from samhandling.formats.names import slug
from samhandling.time.deadlines import deadline_before
from samhandling.time.meeting_plan import Meeting, day_count, meeting_plan

if TYPE_CHECKING:
    from samhandling.store.base import Deadline
    from samhandling.structure.graph import Structure


def _agenda_days(structure: Structure) -> dict[str, int]:
    from samhandling.structure.validation import target_bodies

    out: dict[str, int] = {}
    for rule in (*structure.rules, *meeting_plan(structure).rules):
        if rule.check and rule.check.get("kind") == "agenda_deadline":
            for body in target_bodies(structure, dict(rule.check), rule):
                out.setdefault(body.id, int(rule.check.get("days", 7)))
    return out


def _summary(structure: Structure, meeting: Meeting) -> str:
    body = structure.body(meeting.body)
    text = meeting.title or f"{body.label}: møte"
    return f"{text} (vert: {meeting.host})" if meeting.host else text


def to_ical(
    structure: Structure,
    year: int | None = None,
    *,
    deadlines: Mapping[str, int] | None = None,
    case_deadlines: Sequence[Deadline] = (),
) -> bytes:
    """The meetings (of ``year`` when given) and their deadlines as an iCalendar document; ``case_deadlines``:
    the cases' open timers (``store.deadlines(status="open")``), each an all-day event on its due date."""
    try:
        import icalendar
    except ImportError:
        raise MissingExtraError.for_module("icalendar", "calendar") from None
    from samhandling.time.schedule import submission_days

    count = day_count(structure)
    submit = submission_days(structure, deadlines)
    agenda = _agenda_days(structure)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//samhandling//møteplan//NO")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{structure.name}: møteplan" + (f" {year}" if year else ""))
    stamp = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def event(uid: str, day: dt.date, summary: str, **extra: Any) -> None:
        ev = icalendar.Event()
        ev.add("uid", f"{uid}@samhandling")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", day)
        ev.add("dtend", day + dt.timedelta(days=1))
        ev.add("summary", summary)
        for key, value in extra.items():
            if value:
                ev.add(key, value)
        cal.add_component(ev)

    for meeting in meeting_plan(structure).meetings:
        if year is not None and meeting.date.year != year:
            continue
        body = structure.body(meeting.body)
        base = f"{structure.id}-{slug(body.id)}-{meeting.date.isoformat()}"
        notes = [f"Modus: {meeting.mode.label}" if meeting.mode else "", meeting.note or ""]
        event(
            base,
            meeting.date,
            _summary(structure, meeting),
            location=meeting.venue,
            description="\n".join(n for n in notes if n),
            categories=[body.label],
        )
        if meeting.body in submit and submit[meeting.body] > 0:
            days = submit[meeting.body]
            event(
                f"{base}-saker",
                deadline_before(meeting.date, days, count),
                f"Frist for saker til {body.label}-møtet {meeting.date.isoformat()} ({days} {count.label} før)",
            )
        if meeting.body in agenda:
            days = agenda[meeting.body]
            event(
                f"{base}-sakliste",
                deadline_before(meeting.date, days, count),
                f"Sakslisten til {body.label}-møtet {meeting.date.isoformat()} sendes ut ({days} {count.label} før)",
            )
    kinds = {"reminder": "påminnelse", "escalation": "eskalering", "expiry": "utløp"}
    for d in case_deadlines:
        due = dt.date.fromisoformat(d.due)
        if year is not None and due.year != year:
            continue
        event(
            f"sak-{slug(d.case_id)}-{slug(d.timer)}-{d.armed_seq}",
            due,
            f"Frist i sak {d.case_id}: {d.timer} ({kinds.get(d.kind, d.kind)})",
            description=f"Tilstand: {d.state}; utløses {d.fires_on} av «samhandling tick»",
            categories=["saksfrist"],
        )
    data: bytes = cal.to_ical()
    return data
