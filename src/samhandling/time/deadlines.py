"""Deadlines counted back from a meeting: calendar days or Norwegian working days.

«Saker til møtet meldes inn til møteleder senest 10 dager før møtetidspunkt.» (S2)
does not say whether «dager» are calendar days or working days; calendar days are
the default reading, and ``working_days`` is a setting. Working days skip
Saturdays, Sundays and Norwegian public holidays (from the ``holidays`` package,
imported only when working days are asked for).
"""

from __future__ import annotations

import datetime as dt
import enum
from functools import lru_cache


class DayCount(enum.StrEnum):
    CALENDAR = "calendar"
    WORKING_DAYS = "working_days"

    @property
    def label(self) -> str:
        return {"calendar": "kalenderdager", "working_days": "virkedager"}[self.value]


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    from holidays.countries.norway import Norway

    return frozenset(Norway(years=year, include_sundays=False))


def public_holiday(day: dt.date) -> bool:
    """Whether ``day`` is a Norwegian public holiday (helligdag or 1./17. mai)."""
    return day in _holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not public_holiday(day)


def deadline_before(meeting: dt.date, days: int, day_count: DayCount | str = DayCount.CALENDAR) -> dt.date:
    """The last day something is on time for a meeting on ``meeting`` with «senest ``days`` dager før».

    Calendar days: ``meeting - days``. Working days: step back until ``days`` working
    days lie between the deadline (inclusive) and the meeting (exclusive), so the
    deadline itself is always a working day. ``days == 0`` is the meeting day.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if DayCount(day_count) is DayCount.CALENDAR or days == 0:
        return meeting - dt.timedelta(days=days)
    day, counted = meeting, 0
    while counted < days:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def on_time(submitted: dt.date, meeting: dt.date, days: int, day_count: DayCount | str = DayCount.CALENDAR) -> bool:
    """Whether something done on ``submitted`` meets the deadline ``days`` before ``meeting``."""
    return submitted <= deadline_before(meeting, days, day_count)
