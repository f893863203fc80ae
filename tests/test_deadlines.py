"""Deadlines counted back from a meeting: «senest 10 dager før», calendar and working days."""

from __future__ import annotations

import datetime as dt

import pytest

from samhandling import loads
from samhandling.time.deadlines import DayCount, deadline_before, is_working_day, on_time, public_holiday
from time_fixtures import RULES, rules_with_settings, structure_text

D = dt.date


def test_exactly_ten_days_before_is_on_time_and_nine_is_late() -> None:
    meeting = D(2024, 3, 12)
    assert on_time(D(2024, 3, 2), meeting, 10)
    assert on_time(D(2024, 3, 1), meeting, 10)  # 11 days: fine
    assert not on_time(D(2024, 3, 3), meeting, 10)  # 9 days: late


def test_agenda_one_week_boundaries() -> None:
    meeting = D(2024, 3, 11)  # a Monday
    assert deadline_before(meeting, 7) == D(2024, 3, 4)
    assert on_time(D(2024, 3, 4), meeting, 7)
    assert not on_time(D(2024, 3, 5), meeting, 7)


def test_deadline_crosses_the_year_boundary() -> None:
    assert deadline_before(D(2025, 1, 8), 10) == D(2024, 12, 29)


def test_deadline_counts_29_february_in_a_leap_year() -> None:
    assert deadline_before(D(2024, 3, 10), 10) == D(2024, 2, 29)
    assert deadline_before(D(2023, 3, 10), 10) == D(2023, 2, 28)


def test_working_days_skip_weekends_and_public_holidays() -> None:
    # Calendar: 10 days before Monday 27 May 2024 is 17 May, Constitution Day.
    assert deadline_before(D(2024, 5, 27), 10) == D(2024, 5, 17)
    assert public_holiday(D(2024, 5, 17))
    # Working days: back over 24, 23, 22, 21 May, (20 Whit Monday), (18-19 weekend), (17 May),
    # 16, 15, 14, 13 May, (11-12 weekend), 10 May, (9 May Ascension Day), 8 May = 10 working days.
    due = deadline_before(D(2024, 5, 27), 10, DayCount.WORKING_DAYS)
    assert due == D(2024, 5, 8)
    assert is_working_day(due)


def test_working_days_over_new_year() -> None:
    # 1 January is a holiday, 30-31 December 2023 a weekend.
    assert deadline_before(D(2024, 1, 3), 2, "working_days") == D(2023, 12, 29)


def test_zero_days_is_the_meeting_day_and_negative_is_refused() -> None:
    assert deadline_before(D(2024, 2, 29), 0, "working_days") == D(2024, 2, 29)
    with pytest.raises(ValueError):
        deadline_before(D(2024, 2, 29), -1)


def test_working_days_setting_moves_a_late_finding() -> None:
    meetings = """\
meetings:
  - body: follo
    date: 2024-05-27
    items:
      - {title: PLO-dialog, submitted: 2024-05-13}
"""
    calendar = loads(structure_text(meetings, RULES)).validate()
    assert not [f for f in calendar if f.code == "item-late"]
    working = loads(structure_text(meetings, rules_with_settings("{day_count: working_days}"))).validate()
    late = [f for f in working if f.code == "item-late"]
    assert len(late) == 1
    assert "2024-05-08" in late[0].message and "virkedager" in late[0].message
    # The finding points at the late item's line in the file, not at the rule or the meeting.
    text = structure_text(meetings)
    item_line = text.splitlines().index("      - {title: PLO-dialog, submitted: 2024-05-13}") + 1
    assert late[0].location is not None and late[0].location.line == item_line
