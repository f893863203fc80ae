"""The meeting plan as iCalendar: parses back and holds every meeting and deadline."""

from __future__ import annotations

import datetime as dt
import sys

import icalendar
import pytest

from samhandling import MissingExtraError, load, loads
from samhandling.time.calendar_export import to_ical
from samhandling.time.meeting_plan import meeting_plan
from time_fixtures import RULES, network_meetings, structure_text


def _events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_sogn_og_fjordane_2024_calendar_holds_every_meeting() -> None:
    s = load("sogn-og-fjordane")
    events = _events(to_ical(s, 2024))
    got = sorted((e.decoded("dtstart"), str(e["summary"])) for e in events)
    assert len(got) == len(meeting_plan(s).meetings) == 9
    assert [d for d, _ in got] == [m.date for m in meeting_plan(s).meetings]
    assert (dt.date(2024, 2, 29), "SSU: møte (vert: Kommunane)") in got
    assert len({str(e["uid"]) for e in events}) == 9
    assert to_ical(s, 2023).count(b"BEGIN:VEVENT") == 0


def test_deadlines_become_events() -> None:
    s = loads(structure_text(network_meetings("2024-03-12"), RULES))
    events = {str(e["summary"]): e.decoded("dtstart") for e in _events(to_ical(s))}
    assert events[
        "Frist for saker til Forvaltningsnettverk Folloregionen-møtet 2024-03-12 (10 kalenderdager før)"
    ] == dt.date(2024, 3, 2)
    assert events[
        "Sakslisten til Forvaltningsnettverk Folloregionen-møtet 2024-03-12 sendes ut (7 kalenderdager før)"
    ] == dt.date(2024, 3, 5)


def test_per_call_deadline_for_a_plan_that_has_none() -> None:
    s = load("sogn-og-fjordane")
    summaries = [str(e["summary"]) for e in _events(to_ical(s, 2024, deadlines={"FSU": 10}))]
    assert sum(x.startswith("Frist for saker til FSU") for x in summaries) == 4


def test_missing_icalendar_is_a_typed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "icalendar", None)
    with pytest.raises(MissingExtraError, match="icalendar"):
        to_ical(load("sogn-og-fjordane"))
