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

import attrs


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


# ---------------------------------------------------------------------------------------------- counting forward


@attrs.frozen(slots=True)
class Blackout:
    """A yearly period in which no working days are counted (fellesferie, jul).

    Either ISO weeks (``weeks``: first and last, inclusive) or a day range ``start``–``end`` as (month, day),
    which may run over the new year (jul: 20.12–03.01).
    """

    name: str
    weeks: tuple[int, int] | None = None
    start: tuple[int, int] | None = None
    end: tuple[int, int] | None = None

    def covers(self, day: dt.date) -> bool:
        if self.weeks is not None:
            week = day.isocalendar().week
            return self.weeks[0] <= week <= self.weeks[1]
        if self.start is None or self.end is None:
            return False
        md = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= md <= self.end
        return md >= self.start or md <= self.end


#: The blackout periods known by name: ``blackout_periods: [fellesferie, jul]`` in a process or structure.
BLACKOUT_PRESETS: dict[str, Blackout] = {
    "fellesferie": Blackout("fellesferie", weeks=(28, 30)),
    "jul": Blackout("jul", start=(12, 20), end=(1, 3)),
}


def _month_day(text: object, what: str) -> tuple[int, int]:
    raw = str(text).strip()
    for sep in (".", "-"):
        parts = raw.split(sep)
        if len(parts) == 2 and all(p.strip().isdigit() for p in parts):
            a, b = (int(p) for p in parts)
            month, day = (b, a) if sep == "." else (a, b)  # 20.12 (day.month) or 12-20 (month-day)
            try:
                dt.date(2024, month, day)
            except ValueError:
                break
            return month, day
    raise ValueError(f"{what} «{raw}» er ikke en dag i året; forventet DD.MM (20.12) eller MM-DD (12-20)")


def parse_blackouts(raw: object) -> tuple[Blackout, ...]:
    """Blackout periods from a setting: names of presets, or ``{name, weeks: [28, 30]}`` / ``{name, from, to}``.

    Raises ValueError with a Norwegian message naming what is wrong.
    """
    if raw is None:
        return ()
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    out: list[Blackout] = []
    for item in items:
        if isinstance(item, str):
            preset = BLACKOUT_PRESETS.get(item.strip().casefold())
            if preset is None:
                raise ValueError(
                    f"ukjent sperreperiode «{item}»; kjente: {', '.join(BLACKOUT_PRESETS)}, "
                    "eller {name, weeks: [FRA, TIL]} / {name, from: DD.MM, to: DD.MM}"
                )
            out.append(preset)
        elif isinstance(item, dict):
            name = str(item.get("name") or "sperreperiode")
            if "weeks" in item:
                weeks = item["weeks"]
                if (
                    not isinstance(weeks, (list, tuple))
                    or len(weeks) != 2
                    or not all(type(w) is int and 1 <= w <= 53 for w in weeks)
                    or weeks[0] > weeks[1]
                ):
                    raise ValueError(f"sperreperioden «{name}»: «weeks» skal være [FRA, TIL], ukenumre 1–53")
                out.append(Blackout(name, weeks=(weeks[0], weeks[1])))
            elif "from" in item and "to" in item:
                out.append(Blackout(name, start=_month_day(item["from"], "from"), end=_month_day(item["to"], "to")))
            else:
                raise ValueError(f"sperreperioden «{name}» mangler «weeks» eller «from»/«to»")
        else:
            raise ValueError(f"en sperreperiode oppgis som et navn eller en tabell, ikke «{item}»")
    return tuple(out)


def is_counted_day(day: dt.date, blackouts: tuple[Blackout, ...] = ()) -> bool:
    """A working day outside every blackout period."""
    return is_working_day(day) and not any(b.covers(day) for b in blackouts)


def add_working_days(start: dt.date, days: int, blackouts: tuple[Blackout, ...] = ()) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted), skipping weekends, Norwegian
    public holidays and the blackout periods. ``days == 0`` is ``start``."""
    if days < 0:
        raise ValueError("days must not be negative")
    day, counted = start, 0
    limit = start + dt.timedelta(days=days * 7 + 400)  # blackouts cannot cover a whole year
    while counted < days:
        day += dt.timedelta(days=1)
        if day > limit:
            raise ValueError("sperreperiodene dekker hele året; ingen virkedager å telle")
        if is_counted_day(day, blackouts):
            counted += 1
    return day
