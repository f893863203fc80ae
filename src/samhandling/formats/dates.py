"""Dates as the governance documents write them: 2024-02-14, 30.08.24, 5.10.06, 30. mars 2012; and partial dates
(only a year, «2025», or a month, «desember 2021» / ``2021-12``) with their precision."""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re
from typing import Any

__all__ = ["Precision", "describe_partial_date", "end_of", "parse_norwegian_date", "parse_partial_date"]

_MONTHS = {
    "januar": 1,
    "februar": 2,
    "mars": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "desember": 12,
}
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})\s*$")
_WORD_DATE = re.compile(r"^\s*(\d{1,2})\.\s*([a-zæøå]+)\s+(\d{4})\s*$", re.IGNORECASE)


def parse_norwegian_date(text: str, pivot: int = 70) -> dt.date | None:
    """Parse the date forms the documents use: 2024-02-14, 30.08.24, 5.10.06, 30. mars 2012.

    Two-digit years below ``pivot`` are 20xx, the rest 19xx.
    """
    text = " ".join(text.split())
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    m = _NUMERIC_DATE.match(text)
    if m:
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        if len(m[3]) == 2:
            year += 2000 if year < pivot else 1900
    else:
        m = _WORD_DATE.match(text)
        if not m or m[2].casefold() not in _MONTHS:
            return None
        day, month, year = int(m[1]), _MONTHS[m[2].casefold()], int(m[3])
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


class Precision(enum.StrEnum):
    """How much of a date a document gives: the day, only the month, or only the year."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_WORD_MONTH = re.compile(r"^\s*([a-zæøå]+)\s+(\d{4})\s*$", re.IGNORECASE)
_MONTH_NAMES = {number: name for name, number in _MONTHS.items()}


def end_of(precision: Precision, day: dt.date) -> dt.date:
    """The last day of the period a partial date names (the day itself at day precision)."""
    if precision is Precision.YEAR:
        return dt.date(day.year, 12, 31)
    if precision is Precision.MONTH:
        return dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return day


def parse_partial_date(value: Any) -> tuple[dt.date, Precision] | None:
    """``2025`` (a year), ``2025-05`` or «desember 2021» (a month), ``2025-05-31`` or ``31.05.2025`` (a day).

    A partial date is returned as the first day of its year or month, with its precision (see :func:`end_of`
    for the last)."""
    if isinstance(value, dt.date):
        return value, Precision.DAY
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return dt.date(value, 1, 1), Precision.YEAR
    text = str(value)
    if (m := _YEAR.match(text)) and int(m[1]) >= dt.MINYEAR:  # year 0 is no date: the caller's invalid-date
        return dt.date(int(m[1]), 1, 1), Precision.YEAR
    if (m := _MONTH.match(text)) and 1 <= int(m[2]) <= 12 and int(m[1]) >= dt.MINYEAR:
        return dt.date(int(m[1]), int(m[2]), 1), Precision.MONTH
    if (m := _WORD_MONTH.match(text)) and m[1].casefold() in _MONTHS and int(m[2]) >= dt.MINYEAR:
        return dt.date(int(m[2]), _MONTHS[m[1].casefold()], 1), Precision.MONTH
    day = parse_norwegian_date(text)
    return None if day is None else (day, Precision.DAY)


def describe_partial_date(day: dt.date, precision: Precision) -> str:
    """A date as precisely as it is known, in Norwegian: «2022-11-30», «desember 2021», «2024»."""
    if precision is Precision.YEAR:
        return str(day.year)
    if precision is Precision.MONTH:
        return f"{_MONTH_NAMES[day.month]} {day.year}"
    return day.isoformat()
