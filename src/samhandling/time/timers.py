"""When a timer is due: the deadlines a case's events arm, and what a tick records when one fires.

The specs come from the process (:mod:`samhandling.process.timers`); this module counts the periods (calendar
days, or working days that skip weekends, Norwegian public holidays and the blackout periods of the process or
structure setting ``blackout_periods``), finds the base (the step entered, the case opened, the next meeting of a
body in the meeting plan, a date in the payload) and builds the store's
:class:`~samhandling.store.base.Deadline` rows and :class:`~samhandling.store.base.Firing` records.

``due`` is the last day of the period; a deadline fires on the day after (``fires_on``): a 10-working-day timer
armed on Wednesday 2024-01-10 is due 2024-01-24 and fires on 2024-01-25.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from samhandling.errors import ProcessDefinitionError
from samhandling.process.timers import BLACKOUT_SETTING, Duration, TimerSpec, armed_by, timers_of
from samhandling.store.base import Deadline, Firing
from samhandling.time.deadlines import Blackout, add_working_days, parse_blackouts

if TYPE_CHECKING:
    from samhandling.process.engine import ProcessDefinition
    from samhandling.structure.graph import Structure


def blackouts_of(definition: ProcessDefinition) -> tuple[Blackout, ...]:
    """The blackout periods working-day timers skip (the process setting, else the structure's)."""
    raw = timers_of(definition).blackouts
    try:
        return parse_blackouts(raw)
    except ValueError as exc:
        raise ProcessDefinitionError(
            f"innstillingen {BLACKOUT_SETTING} i prosessen {definition.name}: {exc}", code="bad-setting"
        ) from None


def add_period(base: dt.date, period: Duration, blackouts: tuple[Blackout, ...] = ()) -> dt.date:
    """``base`` plus the period: calendar days, or working days (``base`` itself not counted)."""
    if period.working_days:
        return add_working_days(base, period.amount, blackouts)
    return base + dt.timedelta(days=period.amount)


def next_meeting(structure: Structure, body: str, on: dt.date) -> dt.date | None:
    """The first meeting of ``body`` on or after ``on`` in the structure's meeting plan (None: none planned)."""
    from samhandling.time.meeting_plan import meeting_plan

    return next((m.date for m in meeting_plan(structure).of(body) if m.date >= on), None)


def base_date(spec: TimerSpec, structure: Structure, opened: dt.date, event: Any) -> dt.date | None:
    """The day the period counts from, for ``spec`` armed by ``event`` (None: no such date, nothing armed)."""
    if spec.base == "opened":
        return opened
    if spec.base == "meeting" and spec.base_ref is not None:
        return next_meeting(structure, spec.base_ref, event.on)
    if spec.base == "payload" and spec.base_ref is not None:
        value = event.payload.get(spec.base_ref)
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value)) if value is not None else None
        except ValueError:
            return None
    return event.on if isinstance(event.on, dt.date) else None


def escalation_bodies(structure: Structure, body: str | None, attributes: Any = None) -> list[str]:
    """Where an escalation timer raises the step: the ``escalates_to`` targets of ``body`` (matching the case's
    attributes where the graph says so), else the first body of its preferred escalation route."""
    if body is None or not structure.has_body(body):
        return []
    from samhandling.structure import paths

    targets = getattr(paths, "escalation_targets", None)
    if targets is not None:
        found = [b.id for b in targets(structure, structure.body(body), dict(attributes or {}))]
        if found:
            return found
    route = paths.escalation_path(structure, body)
    return [route.hops[0].target] if route.hops else []


def _step_body(definition: ProcessDefinition, state: str, event: Any) -> str | None:
    if event.body is not None:
        return str(event.body)
    for act in definition.acts:
        if state in act.sources and act.bodies:
            return act.bodies[0]
    return None


def deadline_for(
    definition: ProcessDefinition,
    case_id: str,
    spec: TimerSpec,
    event: Any,
    opened: dt.date,
    attributes: Any = None,
    armed_seq: int | None = None,
) -> Deadline | None:
    """The deadline ``spec`` armed by ``event`` (None when its base date is missing)."""
    structure = definition.structure
    base = base_date(spec, structure, opened, event)
    if base is None:
        return None
    due = add_period(base, spec.after, blackouts_of(definition) if spec.after.working_days else ())
    payload: dict[str, Any] = {}
    if spec.to is not None:
        payload["to"] = spec.to
    if spec.kind == "escalation":
        body = _step_body(definition, event.to_state, event)
        payload["body"] = body
        payload["escalated_to"] = escalation_bodies(structure, body, attributes)
    return Deadline(
        case_id,
        spec.id,
        event.seq if armed_seq is None else armed_seq,
        spec.kind,
        event.to_state,
        due.isoformat(),
        (due + dt.timedelta(days=1)).isoformat(),
        payload,
    )


def arm(
    definition: ProcessDefinition,
    case_id: str,
    events: Sequence[Any],
    opened: dt.date,
    attributes: Any = None,
) -> tuple[list[Deadline], bool]:
    """The deadlines new ``events`` of a case arm, and whether its earlier open deadlines are cancelled."""
    specs, cancel = armed_by(definition, events)
    out = [d for spec, e in specs if (d := deadline_for(definition, case_id, spec, e, opened, attributes))]
    return out, cancel


def firing(definition: ProcessDefinition, deadline: Deadline, on: dt.date, opened: dt.date) -> Firing:
    """What a tick on ``on`` records for a due ``deadline``: the event (dated the day it fired), and what it arms.

    A reminder with ``every`` is armed again, due the first period after ``on`` (a tick run late fires once, not
    once per missed period); an expiry moves the case and arms the timers of the state it enters.
    """
    from samhandling.process.case import Event

    fires_on = dt.date.fromisoformat(deadline.fires_on)
    spec = timers_of(definition).spec(deadline.timer)
    if spec is None:  # the definition lost the timer: record the firing, arm nothing
        return Firing(deadline, fires_on)
    if spec.kind == "reminder" and spec.every is not None:
        blackouts = blackouts_of(definition) if spec.every.working_days else ()
        due = add_period(dt.date.fromisoformat(deadline.due), spec.every, blackouts)
        while due < on:
            due = add_period(due, spec.every, blackouts)
        again = Deadline(
            deadline.case_id,
            deadline.timer,
            0,
            deadline.kind,
            deadline.state,
            due.isoformat(),
            (due + dt.timedelta(days=1)).isoformat(),
            deadline.payload,
        )
        return Firing(deadline, fires_on, None, (again,))
    if spec.kind == "expiry" and spec.to is not None:
        entered = Event(0, "timer", None, None, fires_on, {}, deadline.state, spec.to)
        arms = [
            d
            for s in timers_of(definition).of_state(spec.to)
            if (d := deadline_for(definition, deadline.case_id, s, entered, opened, None, 0))
        ]
        return Firing(deadline, fires_on, spec.to, tuple(arms))
    return Firing(deadline, fires_on)
