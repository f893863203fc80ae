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


def test_a_records_kind_and_type_are_the_types_the_rules_count() -> None:
    from samhandling.app.check import plan_meeting
    from samhandling.meetings.model import MeetingKind, MeetingRecord

    def record(day: dt.date, kind: MeetingKind = MeetingKind.ORDINARY, type_: str = "møte") -> Meeting:
        return plan_meeting(MeetingRecord(f"m-{day}", "moter.yaml", "fsu", day, kind=kind, type=type_))

    extra = record(D(2024, 9, 1), MeetingKind.EXTRAORDINARY)
    long_ = record(D(2024, 10, 1), type_="langt, fysisk")
    plain = record(D(2024, 11, 1), type_="digitalt")
    assert extra.is_type("extraordinary") and not extra.is_type("ordinary")
    assert long_.is_type("long") and not long_.is_type("ordinary")
    assert plain.is_type("ordinary") and not plain.is_type("long")

    typed = STRUCTURE.replace(
        "check: {kind: meetings_per_year, body: fsu, min: 2, max: 3}",
        "check: {kind: meetings_per_year, body: fsu, type: ordinary, min: 2, max: 3}",
    )
    structure = loads(typed, "moter.yaml")
    with recorded_meetings(structure, [extra]):
        found = {f.code for f in structure.validate() if f.rule == "M1"}
    assert found == {"too-few-meetings"}  # the extraordinary meeting is not an ordinary one
    with recorded_meetings(structure, [plain]):
        assert not [f for f in structure.validate() if f.rule == "M1"]


def test_a_date_in_a_running_year_the_plan_does_not_cover_is_not_too_few() -> None:
    structure = loads(STRUCTURE, "moter.yaml")
    with use_clock(FixedClock(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))):
        assert not [f for f in structure.validate(on=D(2026, 6, 1)) if f.rule == "M1"]
        found = [f.code for f in structure.validate(on=D(2025, 6, 1)) if f.rule == "M1"]
    assert found == ["too-few-meetings"]  # 2025 is over: no meeting in it is too few
