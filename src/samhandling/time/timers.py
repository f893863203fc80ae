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
import functools
import weakref
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from samhandling.errors import ActRefusedError, ProcessDefinitionError, SamhandlingError
from samhandling.process.timers import BLACKOUT_SETTING, TIMER, Duration, TimerSpec, armed_by, timers_of
from samhandling.store.base import Deadline, Firing
from samhandling.time.deadlines import Blackout, add_working_days, parse_blackouts

if TYPE_CHECKING:
    from samhandling.process.case import Case
    from samhandling.process.engine import ProcessDefinition
    from samhandling.structure.graph import Structure


_BLACKOUTS: weakref.WeakKeyDictionary[ProcessDefinition, tuple[Blackout, ...]] = weakref.WeakKeyDictionary()


def blackouts_of(definition: ProcessDefinition) -> tuple[Blackout, ...]:
    """The blackout periods working-day timers skip (the process setting, else the structure's); parsed once
    per definition."""
    found = _BLACKOUTS.get(definition)
    if found is not None:
        return found
    raw = timers_of(definition).blackouts
    try:
        found = _BLACKOUTS[definition] = parse_blackouts(raw)
    except ValueError as exc:
        raise ProcessDefinitionError(
            f"innstillingen {BLACKOUT_SETTING} i prosessen {definition.name}: {exc}", code="bad-setting"
        ) from None
    return found


@functools.lru_cache(maxsize=4096)  # a tick meets the same (day, period) for every deadline armed the same day
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


def firing(definition: ProcessDefinition, deadline: Deadline, on: dt.date, case: Case | None = None) -> Firing:
    """What a tick on ``on`` records for one due ``deadline`` (see :func:`firings`; ``case``: the replayed case,
    required for an expiry)."""
    return firings(definition, [deadline], on, {case.id: case} if case is not None else {})[0]


def firings(
    definition: ProcessDefinition, deadlines: Sequence[Deadline], on: dt.date, cases: Mapping[str, Case] | None = None
) -> list[Firing]:
    """What a tick on ``on`` records for due ``deadlines`` of cases of ``definition``: for each, the event (dated
    the day it fired) and what it arms or moves on.

    A reminder or an escalation leaves the case where it is: no replay, the firing is planned from the
    definition alone. A reminder with ``every`` moves on to the first period after ``on`` (a tick run late fires
    once, not once per missed period), its row keeping its key. An expiry moves the case, so the engine judges
    it (:func:`judged_firing`) on the case replayed from its events, from ``cases`` (by id; required for an
    expiry); a case an expiry moved fires nothing more (its other deadlines are cancelled with the move).
    A refusal raises :class:`~samhandling.errors.ActRefusedError` (the tick then writes nothing).
    """
    specs = timers_of(definition).by_id
    fromiso = dt.date.fromisoformat
    days: dict[str, dt.date] = {}
    periods: dict[tuple[str, str], tuple[str, str]] = {}  # (timer, due) -> the next period's (due, fires_on)
    ordered: Sequence[Deadline] = deadlines
    if cases:  # expiries: each case's deadlines in the order the store fires them
        ordered = sorted(deadlines, key=lambda d: (d.case_id, d.fires_on, d.timer, d.armed_seq))
    moved: set[str] = set()
    out: list[Firing] = []
    for d in ordered:
        if moved and d.case_id in moved:
            continue  # an expiry moved the case: its other deadlines are cancelled with the move, not fired
        fires_on = days.get(d.fires_on)
        if fires_on is None:
            fires_on = days[d.fires_on] = fromiso(d.fires_on)
        spec = specs.get(d.timer)
        if spec is None:  # the definition lost the timer: record the firing, arm nothing
            out.append(Firing(d, fires_on))
        elif spec.kind == "reminder" and spec.every is not None:
            period = periods.get((d.timer, d.due))
            if period is None:
                period = periods[(d.timer, d.due)] = _next_period(definition, spec.every, fromiso(d.due), on)
            out.append(Firing(d, fires_on, None, (), period))
        elif spec.kind == "expiry" and spec.to is not None:
            case = (cases or {}).get(d.case_id)
            if case is None:
                raise SamhandlingError(
                    f"sak «{d.case_id}»: utløpet «{d.timer}» vurderes av motoren og trenger saken gjenspilt "
                    "(cases={sak-id: sak})",
                    code="timer-needs-case",
                )
            judged = judged_firing(definition, d, case)
            out.append(judged)
            if judged.to_state is not None:
                moved.add(d.case_id)
        else:
            out.append(Firing(d, fires_on))
    return out


def _next_period(definition: ProcessDefinition, every: Duration, due: dt.date, on: dt.date) -> tuple[str, str]:
    blackouts = blackouts_of(definition) if every.working_days else ()
    due = add_period(due, every, blackouts)
    while due < on:
        due = add_period(due, every, blackouts)
    return due.isoformat(), (due + dt.timedelta(days=1)).isoformat()


def judged_firing(definition: ProcessDefinition, deadline: Deadline, case: Case) -> Firing:
    """``deadline`` fired through the engine on the replayed ``case``: the ``timer`` act is performed (checked
    against the process's timer and the case's state), and what its event arms is armed, as after any act."""
    if case.state != deadline.state:
        raise ActRefusedError(
            f"sak «{case.id}»: tidsfristen «{deadline.timer}» hører til tilstanden «{deadline.state}», men saken "
            f"står i «{case.state}»",
            code="timer-refused",
            details={"case": case.id, "timer": deadline.timer},
        )
    fires_on = dt.date.fromisoformat(deadline.fires_on)
    opened = case.history[0].on  # before the act: the history is copied on every read
    event = case.act(TIMER, by=None, on=fires_on, **deadline.event_payload())
    arms, _cancel = arm(definition, case.id, [event], opened, getattr(case, "attributes", None))
    moved = event.to_state if event.to_state != event.from_state else None
    return Firing(deadline, fires_on, moved, tuple(arms))
