"""One clock for the whole library: what "now" and "today" mean.

Nothing in samhandling calls ``datetime.now()`` or ``date.today()`` directly: the engine, the store, the CLI and
the BDD steps ask :func:`now` / :func:`today`, which ask the current clock. Tests (and the CLI's ``--today``, the
``SAMHANDLING_TODAY`` variable and the step «Gitt at datoen er …») set a :class:`FixedClock` or a
:class:`SteppingClock`, so time can be held still or moved.

Three clocks:

* :class:`SystemClock`: the machine's clock (instants in UTC; "today" is the machine's local date).
* :class:`FixedClock`: always the same instant; :meth:`FixedClock.advance` moves it on.
* :class:`SteppingClock`: starts at an instant and moves on by a fixed step every time it is read.

The current clock is a context variable: :func:`use_clock` sets it for a ``with`` block (or for good with
:func:`set_clock`), per thread and per asyncio task.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import os
from collections.abc import Iterator
from typing import Protocol

from samhandling.errors import UsageError

__all__ = [
    "Clock",
    "FixedClock",
    "SteppingClock",
    "SystemClock",
    "clock_from_env",
    "current_clock",
    "now",
    "set_clock",
    "today",
    "use_clock",
]

#: The environment variable that fixes today's date for the CLI and a test run (``YYYY-MM-DD``).
ENV_TODAY = "SAMHANDLING_TODAY"


class Clock(Protocol):
    """What a clock answers: the current instant (timezone-aware, UTC) and today's date."""

    def now(self) -> dt.datetime: ...

    def today(self) -> dt.date: ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        return dt.date.today()

    def __repr__(self) -> str:
        return "SystemClock()"


def _aware(at: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(at, dt.datetime):
        return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return dt.datetime(at.year, at.month, at.day, 12, 0, tzinfo=dt.UTC)  # a bare date: noon, the same day anywhere


class FixedClock:
    """A clock that stands still at ``at`` (a date means noon UTC that day) until :meth:`advance` moves it."""

    def __init__(self, at: dt.datetime | dt.date) -> None:
        self._at = _aware(at)

    def now(self) -> dt.datetime:
        return self._at

    def today(self) -> dt.date:
        return self._at.date()

    def advance(self, delta: dt.timedelta) -> None:
        """Move the clock on (or back, with a negative delta)."""
        self._at += delta

    def set(self, at: dt.datetime | dt.date) -> None:
        self._at = _aware(at)

    def __repr__(self) -> str:
        return f"FixedClock({self._at.isoformat()})"


class SteppingClock:
    """A clock that starts at ``start`` and moves on by ``step`` each time it is read (distinct, ordered instants)."""

    def __init__(self, start: dt.datetime | dt.date, step: dt.timedelta = dt.timedelta(seconds=1)) -> None:
        self._next = _aware(start)
        self._step = step

    def now(self) -> dt.datetime:
        at = self._next
        self._next = at + self._step
        return at

    def today(self) -> dt.date:
        return self._next.date()

    def __repr__(self) -> str:
        return f"SteppingClock({self._next.isoformat()}, {self._step})"


def clock_from_env(value: str | None = None) -> Clock:
    """The clock ``SAMHANDLING_TODAY`` (or ``value``) asks for: a :class:`FixedClock` on that date, else the system's.

    A malformed date raises :class:`~samhandling.errors.UsageError` naming the variable and the expected form.
    """
    text = os.environ.get(ENV_TODAY) if value is None else value
    if text is None or not text.strip():
        return SystemClock()
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"{ENV_TODAY}={text!r} er ikke en dato; forventet ÅÅÅÅ-MM-DD, for eksempel 2024-01-10",
            code="bad-today",
        ) from None
    return FixedClock(day)


_CLOCK: contextvars.ContextVar[Clock | None] = contextvars.ContextVar("samhandling_clock", default=None)
_DEFAULT: list[Clock] = []


def current_clock() -> Clock:
    """The clock in force: the one set by :func:`use_clock`/:func:`set_clock`, else the environment's."""
    clock = _CLOCK.get()
    if clock is not None:
        return clock
    if not _DEFAULT:
        _DEFAULT.append(clock_from_env())
    return _DEFAULT[0]


def set_clock(clock: Clock | None) -> None:
    """Set the clock for this context from now on (None: back to the environment's)."""
    _CLOCK.set(clock)
    _DEFAULT.clear()


@contextlib.contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Use ``clock`` inside a ``with`` block."""
    token = _CLOCK.set(clock)
    try:
        yield clock
    finally:
        _CLOCK.reset(token)


def now() -> dt.datetime:
    """The current instant by the clock in force (timezone-aware)."""
    return current_clock().now()


def today() -> dt.date:
    """Today's date by the clock in force."""
    return current_clock().today()
