"""Dates as the governance documents write them: 2024-02-14, 30.08.24, 5.10.06, 30. mars 2012."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["parse_norwegian_date"]

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
