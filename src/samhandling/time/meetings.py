"""Meeting rules as validation checks over a structure's meeting plan and meeting records.

Registers these check kinds with :func:`samhandling.structure.validation.register_check`
(usable from ``rules`` and ``meeting_rules`` alike; parameters in ``docs/time.md``):

``meetings_per_year``  at least ``min`` (at most ``max``) meetings a year per body
``submission_deadline`` items submitted no later than ``days`` before the meeting
``agenda_deadline``    the agenda sent no later than ``days`` before the meeting
``host_alternation``   consecutive meetings of a body have different hosts
``meeting_order``      in each cycle ``first`` meets before ``then``
``segment_minutes``    a meeting's ``segment`` (joint part) lasts at least ``min`` minutes
``chair_rotation``     the recorded chair is the one the rotation names for that date; with ``duty`` (``notice``,
                       ``minutes``, ``chair``) the one who sent the notice, wrote the minutes or chaired is the
                       holder of the rotation's ``role`` (S0-R5: the leader convenes and writes the minutes)
``attendance``         every member party was at each meeting whose attendance is recorded, itself or by a deputy
                       standing in (``deputies: false``: a stand-in does not count) (S2-R3, S2-R4)

When validation is given a date (``--on``), the checks look at that date's year only. The meetings checked are the
structure file's ``meetings:`` and, inside :func:`recorded_meetings`, the meetings recorded in a store (what
``samhandling validate --db`` adds): a recorded meeting on a planned meeting's body and date is that meeting, with
what the record says about who attended, convened and wrote the minutes.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from samhandling import clock
from samhandling.structure.findings import Finding
from samhandling.structure.model import Body, Rule
from samhandling.structure.validation import register_check, register_rule_source, rule_finding, target_bodies
from samhandling.time.deadlines import deadline_before
from samhandling.time.meeting_plan import (
    AgendaItem,
    Meeting,
    MeetingMode,
    MeetingPlan,
    MeetingType,
    Part,
    Segment,
    SegmentKind,
    day_count,
    meeting_plan,
    time_setting,
)

if TYPE_CHECKING:
    from samhandling.location import Location
    from samhandling.structure.graph import Structure

__all__ = [
    "AgendaItem",
    "Meeting",
    "MeetingMode",
    "MeetingPlan",
    "MeetingType",
    "Part",
    "Segment",
    "SegmentKind",
    "meeting_plan",
    "recorded_meetings",
    "time_setting",
]

#: Meetings recorded outside the structure file (the store's meeting records, as plan meetings): (structure id,
#: meetings), or None.
_RECORDED: contextvars.ContextVar[tuple[str, tuple[Meeting, ...]] | None] = contextvars.ContextVar(
    "recorded", default=None
)


@contextlib.contextmanager
def recorded_meetings(structure: Structure, meetings: Sequence[Meeting]) -> Iterator[None]:
    """Inside the block, the meeting checks of ``structure`` also see ``meetings`` (records from a store, turned
    into :class:`Meeting` values: ``present``, ``deputies``, ``convened_by``, ``minute_taker``). A record on the
    body and date of a planned meeting stands for it, its recorded fields over the plan's."""
    token = _RECORDED.set((structure.id, tuple(meetings)))
    try:
        yield
    finally:
        _RECORDED.reset(token)


@register_rule_source
def _meeting_rules(structure: Structure) -> Iterable[Rule]:
    return meeting_plan(structure).rules


def _years(plan: MeetingPlan, params: dict[str, Any], on: dt.date | None) -> list[int]:
    if on is not None:
        return [on.year]
    if "year" in params:
        return [int(params["year"])]
    return plan.years()


def _meetings(structure: Structure, body: Body, params: dict[str, Any], on: dt.date | None) -> list[Meeting]:
    plan = meeting_plan(structure)
    years = set(_years(plan, params, on))
    planned = plan.of(body.id)
    extra = _RECORDED.get()
    recorded = [m for m in extra[1] if m.body == body.id] if extra is not None and extra[0] == structure.id else []
    if recorded:
        years |= {m.date.year for m in recorded} if on is None and "year" not in params else set()
        planned = _merge(planned, recorded)
    return [m for m in planned if m.date.year in years]


_RECORDED_FIELDS = ("chair", "minute_taker", "convened_by", "present", "deputies")


def _merge(planned: list[Meeting], recorded: list[Meeting]) -> list[Meeting]:
    """The planned meetings with the records of the same date laid over them, and the records without a plan."""
    by_date = {m.date: m for m in recorded}
    out: list[Meeting] = []
    for meeting in planned:
        record = by_date.pop(meeting.date, None)
        if record is not None:
            # ``present=()`` is recorded: nobody came (None is «not recorded»); an empty deputies list says nothing.
            changes = {
                f: value
                for f in _RECORDED_FIELDS
                if (value := getattr(record, f)) is not None and (value != () or f == "present")
            }
            meeting = attrs.evolve(meeting, **changes)
        out.append(meeting)
    out.extend(by_date.values())
    return sorted(out, key=lambda m: m.date)


def _where(finding: Finding, meeting: Meeting, location: Location | None = None) -> Finding:
    """Point a finding at ``location`` (an agenda item's) or else the meeting in the file, rather than at the rule."""
    location = location or meeting.location
    return finding if location is None else attrs.evolve(finding, location=location)


TYPE_PLURAL: dict[MeetingType, str] = {
    MeetingType.ORDINARY: "ordinære",
    MeetingType.EXTRAORDINARY: "ekstraordinære",
    MeetingType.LONG: "lange",
    MeetingType.SHORT: "korte",
    MeetingType.ADMINISTRATIVE: "administrative",
    MeetingType.POLITICAL: "politiske",
}


@register_check("meetings_per_year")
def _check_per_year(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    """At least ``min`` (at most ``max``) meetings a year per body; with ``type`` only meetings of that type count
    («to gonger i året, eitt langt og eitt kort»: one rule per type).

    The meetings counted are the plan's and, inside :func:`recorded_meetings` (``validate --db``), the ones recorded
    in a store: a record on a planned meeting's body and date is that meeting, a record without a plan one more (its
    types from the record: extraordinary, or a type its free text names). A year the plan does not cover is judged
    for a body only where its records reach (or where ``on``/``year`` names it), and for too few meetings only once
    the year is over by the clock (the records of a running year say nothing of the meetings still to come)."""
    plan = meeting_plan(structure)
    lo, hi = int(params.get("min", 1)), params.get("max")
    wanted = MeetingType(params["type"]) if "type" in params else None
    what = f"{TYPE_PLURAL[wanted]} møter" if wanted is not None else "møter"
    bodies = list(target_bodies(structure, params, rule))
    held = {body.id: _meetings(structure, body, params, on) for body in bodies}
    judged = set(_years(plan, params, on))  # the plan's years, or the one year ``on``/``year`` names
    covered = set(plan.years())  # the years the plan itself has meetings in
    this_year = clock.today().year
    for year in sorted(judged | {m.date.year for ms in held.values() for m in ms}):
        for body in bodies:
            of_year = [m for m in held[body.id] if m.date.year == year]
            if year not in judged and not of_year:
                continue  # only another body's records reach this year
            n = sum(1 for m in of_year if wanted is None or m.is_type(wanted))
            if n < lo and (year in covered or year < this_year):
                yield rule_finding(
                    rule, "too-few-meetings", f"{body.label} har {n} {what} i {year}, krever minst {lo}", body
                )
            elif hi is not None and n > int(hi):
                yield rule_finding(
                    rule, "too-many-meetings", f"{body.label} har {n} {what} i {year}, høyst {hi} er tillatt", body
                )


@register_check("submission_deadline")
def _check_submission(
    structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None
) -> Iterable[Finding]:
    days = int(params.get("days", 10))
    count = day_count(structure, params.get("day_count"))
    for body in target_bodies(structure, params, rule):
        for meeting in _meetings(structure, body, params, on):
            due = deadline_before(meeting.date, days, count)
            for item in meeting.items:
                if item.submitted is not None and item.submitted > due:
                    f = rule_finding(
                        rule,
                        "item-late",
                        f"saken «{item.title}» til {body.label}-møtet {meeting.date.isoformat()} ble meldt inn "
                        f"{item.submitted.isoformat()}, fristen var {due.isoformat()} ({days} {count.label} før)",
                    )
                    yield _where(f, meeting, item.location)


@register_check("agenda_deadline")
def _check_agenda(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    days = int(params.get("days", 7))
    count = day_count(structure, params.get("day_count"))
    for body in target_bodies(structure, params, rule):
        for meeting in _meetings(structure, body, params, on):
            if meeting.agenda_sent is None:
                continue
            due = deadline_before(meeting.date, days, count)
            if meeting.agenda_sent > due:
                yield _where(
                    rule_finding(
                        rule,
                        "agenda-late",
                        f"sakslisten til {body.label}-møtet {meeting.date.isoformat()} ble sendt "
                        f"{meeting.agenda_sent.isoformat()}, fristen var {due.isoformat()} ({days} {count.label} før)",
                    ),
                    meeting,
                )


@register_check("host_alternation")
def _check_hosts(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    for body in target_bodies(structure, params, rule):
        meetings = [m for m in _meetings(structure, body, params, on) if m.host is not None]
        for prev, meeting in itertools.pairwise(meetings):
            if prev.host_key == meeting.host_key:
                yield _where(
                    rule_finding(
                        rule,
                        "host-repeated",
                        f"{body.label}-møtene {prev.date.isoformat()} og {meeting.date.isoformat()} har samme vert "
                        f"({meeting.host}); vertskapet skal veksle",
                    ),
                    meeting,
                )


@register_check("meeting_order")
def _check_order(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    """The i-th meeting of ``first`` in a year comes before the i-th meeting of ``then`` (one cycle each)."""
    first, then = structure.body(str(params["first"])), structure.body(str(params["then"]))
    plan = meeting_plan(structure)
    for year in _years(plan, params, on):
        a, b = plan.of(first.id, year), plan.of(then.id, year)
        if len(a) != len(b):
            yield rule_finding(
                rule,
                "cycle-mismatch",
                f"{first.label} har {len(a)} og {then.label} {len(b)} møter i {year}; syklusene går ikke opp",
                first,
            )
        for n, (x, y) in enumerate(zip(a, b), start=1):
            if not x.date < y.date:
                yield _where(
                    rule_finding(
                        rule,
                        "meeting-order",
                        f"syklus {n} i {year}: {first.label} møtes {x.date.isoformat()}, ikke før "
                        f"{then.label} {y.date.isoformat()}",
                    ),
                    y,
                )


@register_check("segment_minutes")
def _check_segment(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    kind = SegmentKind(params.get("segment", "joint"))
    lo = int(params.get("min", 30))
    for body in target_bodies(structure, params, rule):
        for meeting in _meetings(structure, body, params, on):
            if not meeting.segments:
                continue
            parts = [s for s in meeting.segments if s.kind is kind]
            if not parts:
                yield _where(
                    rule_finding(
                        rule,
                        "segment-missing",
                        f"{body.label}-møtet {meeting.date.isoformat()} mangler delen «{kind.label}»",
                    ),
                    meeting,
                )
                continue
            minutes = sum(s.minutes or 0 for s in parts)
            if minutes < lo:
                yield _where(
                    rule_finding(
                        rule,
                        "segment-short",
                        f"delen «{kind.label}» av {body.label}-møtet {meeting.date.isoformat()} varer {minutes} minutter, "
                        f"minst {lo} kreves",
                    ),
                    meeting,
                )


#: A meeting's duties a rotation can name the holder of: the meeting field recording who did it.
DUTY_FIELD = {"chair": "chair", "minutes": "minute_taker", "notice": "convened_by"}
DUTY_LABEL = {"chair": "møteleder", "minutes": "referatet", "notice": "innkallingen"}


@register_check("chair_rotation")
def _check_chair(structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None) -> Iterable[Finding]:
    """The recorded chair (or minute-taker: ``role: minute_taker``) is the rotation's holder on the meeting's date;
    with ``duty`` (``notice``, ``minutes``, ``chair``) the party recorded as having done that duty is the holder of
    the rotation's ``role`` (``leader``: S0-R5), else ``duty-outside-rotation`` naming who should have done it."""
    from samhandling.time.rotation import holder, role_label

    rotation_id = str(params["rotation"])
    role = str(params.get("role", "chair"))
    duty = params.get("duty")
    if duty is not None and str(duty) not in DUTY_FIELD:
        raise ValueError(f"duty skal være en av {', '.join(DUTY_FIELD)}, ikke «{duty}»")
    field = DUTY_FIELD[str(duty)] if duty is not None else ("chair" if role == "chair" else "minute_taker")
    for body in target_bodies(structure, params, rule):
        for meeting in _meetings(structure, body, params, on):
            actual = getattr(meeting, field)
            if actual is None:
                continue
            expected = holder(structure, rotation_id, role, meeting.date)
            if expected is None or expected == actual:
                continue
            if duty is None:
                finding = rule_finding(
                    rule,
                    "chair-outside-rotation",
                    f"{body.label}-møtet {meeting.date.isoformat()}: {_role_label(role)} var "
                    f"{structure.party(actual).name}, rulleringen peker på {structure.party(expected).name}",
                )
            else:
                finding = rule_finding(
                    rule,
                    "duty-outside-rotation",
                    f"{body.label}-møtet {meeting.date.isoformat()}: {DUTY_LABEL[str(duty)]} var ved "
                    f"{structure.party(actual).name}, men {structure.party(expected).name} skulle ha gjort det "
                    f"({role_label(role)} etter rulleringen {rotation_id})",
                )
            yield _where(finding, meeting)


@register_check("attendance")
def _check_attendance(
    structure: Structure, rule: Rule, params: dict[str, Any], on: dt.date | None
) -> Iterable[Finding]:
    """Every member party of the body on the meeting's date was at each meeting whose attendance is recorded: on
    its own seat, or (unless ``deputies: false``) by a deputy standing in; else ``member-absent`` naming the party
    and the meeting."""
    from samhandling.time.attendance import absent_members

    deputies_count = bool(params.get("deputies", True))
    for body in target_bodies(structure, params, rule):
        for meeting in _meetings(structure, body, params, on):
            if not meeting.attendance_recorded:
                continue
            stood_in = [pid for _, pid in meeting.deputies] if deputies_count else []
            for pid in absent_members(structure, body.id, meeting.date, meeting.present or (), stood_in):
                how = "verken selv eller ved stedfortreder" if deputies_count else "på eget sete"
                yield _where(
                    rule_finding(
                        rule,
                        "member-absent",
                        f"{structure.party(pid).name} var ikke til stede ({how}) på {body.label}-møtet "
                        f"{meeting.date.isoformat()}",
                    ),
                    meeting,
                )


def _role_label(role: str) -> str:
    return {"chair": "møteleder", "minute_taker": "referent"}.get(role, role)
