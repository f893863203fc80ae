"""Proposing a meeting's agenda and checking its innkalling against the structure's deadline rules.

A case is proposed for a body's meeting when one of its available acts belongs to that body; it made the
submission deadline when it became ready (the date of its last event) no later than the deadline before the
meeting (``submission_deadline`` rules naming the body, else 0 days: ready by the meeting day). Late cases are
listed apart. The innkalling is on time when sent no later than the ``agenda_deadline`` before the meeting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from samhandling.process.case import Case
    from samhandling.structure.graph import Structure


@attrs.frozen
class Candidate:
    """A case that could go on the agenda: its id, title, the act it waits for and when it became ready."""

    case_id: str
    title: str
    act: str
    act_label: str
    ready: dt.date


@attrs.frozen
class AgendaProposal:
    """The cases ready by the submission deadline (``ready``) and those that came too late (``late``)."""

    body: str
    date: dt.date
    deadline: dt.date
    days: int
    ready: tuple[Candidate, ...] = ()
    late: tuple[Candidate, ...] = ()


def waiting_for(case: Case, body: str) -> tuple[str, str] | None:
    """(act, label) of the first available act of ``case`` that ``body`` performs, or None."""
    for available in case.available_acts():
        if body in available.bodies:
            return available.act, available.label
    return None


def ready_date(case: Case) -> dt.date:
    """When the case became ready for its next step: the effective date of its last event."""
    return case.history[-1].on


def submission_deadline(structure: Structure, body: str, date: dt.date) -> tuple[dt.date, int]:
    """(the last day to submit for ``body``'s meeting on ``date``, the days before it) from the structure's rules."""
    from samhandling.time.deadlines import deadline_before
    from samhandling.time.meeting_plan import day_count
    from samhandling.time.schedule import submission_days

    days = submission_days(structure, None).get(body, 0)
    return deadline_before(date, days, day_count(structure)), days


def propose(structure: Structure, body: str, date: dt.date, cases: Iterable[tuple[str, str, Case]]) -> AgendaProposal:
    """The agenda proposal for ``body``'s meeting on ``date`` from ``cases`` (id, title, case)."""
    deadline, days = submission_deadline(structure, body, date)
    ready: list[Candidate] = []
    late: list[Candidate] = []
    for case_id, title, case in cases:
        found = waiting_for(case, body)
        if found is None:
            continue
        when = ready_date(case)
        candidate = Candidate(case_id, title, found[0], found[1], when)
        (ready if when <= deadline else late).append(candidate)

    def order(c: Candidate) -> dt.date:
        return c.ready  # stable: ties keep the order the cases were given (oldest first)

    return AgendaProposal(body, date, deadline, days, tuple(sorted(ready, key=order)), tuple(sorted(late, key=order)))


def notice_days(structure: Structure, body: str) -> int | None:
    """Days before a meeting of ``body`` its innkalling must be sent (an ``agenda_deadline`` rule), or None."""
    from samhandling.structure.validation import target_bodies
    from samhandling.time.meeting_plan import meeting_plan

    for rule in (*structure.rules, *meeting_plan(structure).rules):
        if (
            rule.check
            and rule.check.get("kind") == "agenda_deadline"
            and body in {b.id for b in target_bodies(structure, dict(rule.check), rule)}
        ):
            return int(rule.check.get("days", 7))
    return None


def notice_problem(structure: Structure, body: str, date: dt.date, sent: dt.date) -> str | None:
    """A Norwegian message when an innkalling sent on ``sent`` breaks the structure's deadline, else None."""
    from samhandling.time.deadlines import deadline_before
    from samhandling.time.meeting_plan import day_count

    if sent > date:
        return f"innkallingen er datert {sent.isoformat()}, etter møtet {date.isoformat()}"
    days = notice_days(structure, body)
    if days is None:
        return None
    count = day_count(structure)
    due = deadline_before(date, days, count)
    if sent > due:
        return (
            f"innkallingen til møtet {date.isoformat()} er sendt {sent.isoformat()}, fristen var "
            f"{due.isoformat()} ({days} {count.label} før)"
        )
    return None
