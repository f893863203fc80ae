"""Meetings a year counted over the plan and the meetings recorded in a store (``validate --db``): a record on a
planned meeting's date is that meeting, a record without a plan one more; a year only the records reach is judged
for too few meetings once it is over. Structures written here."""

from __future__ import annotations

import datetime as dt

from samhandling import loads
from samhandling.clock import FixedClock, use_clock
from samhandling.time.meeting_plan import Meeting
from samhandling.time.meetings import recorded_meetings

D = dt.date

STRUCTURE = """
structure: moter
name: Møter i året
sources:
  M: {file: m.txt}
bodies:
  - {id: fsu, name: Faglig samarbeidsutvalg, abbreviation: FSU, kind: professional_committee, power: advises}
  - {id: ssu, name: Strategisk samarbeidsutvalg, abbreviation: SSU, kind: strategic_committee, power: decides}
meetings:
  - {body: fsu, date: 2024-03-01}
meeting_rules:
  - id: M1
    category: meetings
    modality: skal
    source: M
    text: FSU møtes minst to og høyst tre ganger i året.
    check: {kind: meetings_per_year, body: fsu, min: 2, max: 3}
"""


TODAY = D(2026, 6, 1)


def _found(*recorded: Meeting, today: dt.date = TODAY) -> set[tuple[str, str]]:
    structure = loads(STRUCTURE, "moter.yaml")
    now = dt.datetime(today.year, today.month, today.day, 12, tzinfo=dt.UTC)
    with use_clock(FixedClock(now)), recorded_meetings(structure, list(recorded)):
        return {(f.code, f.message.split(" (regel ")[0]) for f in structure.validate() if f.rule == "M1"}


def fsu(day: dt.date) -> Meeting:
    return Meeting(body="fsu", date=day)


def test_the_plan_alone_has_too_few() -> None:
    assert _found() == {("too-few-meetings", "FSU har 1 møter i 2024, krever minst 2")}


def test_a_recorded_meeting_on_another_day_counts_and_one_on_the_planned_day_is_the_same_meeting() -> None:
    assert _found(fsu(D(2024, 9, 1))) == set()
    assert _found(fsu(D(2024, 3, 1))) == {("too-few-meetings", "FSU har 1 møter i 2024, krever minst 2")}


def test_too_many_recorded_meetings_are_found() -> None:
    found = _found(fsu(D(2024, 5, 1)), fsu(D(2024, 6, 1)), fsu(D(2024, 9, 1)))
    assert found == {("too-many-meetings", "FSU har 4 møter i 2024, høyst 3 er tillatt")}


def test_a_year_only_the_records_reach_is_judged_once_it_is_over() -> None:
    plan_ok = (fsu(D(2024, 9, 1)),)
    assert _found(*plan_ok, fsu(D(2025, 2, 1))) == {("too-few-meetings", "FSU har 1 møter i 2025, krever minst 2")}
    # The running year (the clock says 2026): one meeting so far is not too few; too many already is.
    assert _found(*plan_ok, fsu(D(2026, 2, 1))) == set()
    running = [fsu(D(2026, m, 1)) for m in (1, 2, 3, 4)]
    assert _found(*plan_ok, *running) == {("too-many-meetings", "FSU har 4 møter i 2026, høyst 3 er tillatt")}
    # Next year the 2026 records are judged for too few too.
    assert _found(*plan_ok, fsu(D(2026, 2, 1)), today=D(2027, 1, 5)) == {
        ("too-few-meetings", "FSU har 1 møter i 2026, krever minst 2")
    }


def test_another_bodys_records_do_not_make_a_year_for_this_body() -> None:
    ssu = Meeting(body="ssu", date=D(2025, 4, 1))
    assert _found(fsu(D(2024, 9, 1)), ssu) == set()
