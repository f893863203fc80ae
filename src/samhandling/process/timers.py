"""Timers: deadlines as data on process steps, and the built-in ``timer`` act that records one firing.

A process names timers on an act or a state (``timers:``, see docs/process-format.md)::

    states:
      - name: hearing
        timers:
          - {id: purring, kind: reminder, after: 10 virkedager, every: P1W}
          - {id: utløpt, kind: expiry, after: P6W, to: closed}
    acts:
      - name: submit
        timers:
          - {id: svarfrist, kind: escalation, after: {working_days: 10}, from: {meeting: FSU}}

A timer on a state is armed when the case enters the state; a timer on an act when the act is performed; either
is cancelled when the case leaves the state it was armed in. This module holds the parsed specs (kept per
definition: :func:`timers_of`), which timers a run of events arms (:func:`armed_by`) and the event of the built-in
``timer`` act (:func:`timer_event`, dispatched by the engine like ``correct``). Due dates (working days,
blackout periods, meetings) are worked out in :mod:`samhandling.time.timers`; storing and firing them in the
store and :meth:`samhandling.app.repository.CaseRepository.tick`.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from samhandling.errors import ActRefusedError, SchemaError
from samhandling.formats.yamlio import MarkedDict, MarkedList
from samhandling.location import Location
from samhandling.process.case import Event, freeze

if TYPE_CHECKING:
    from samhandling.process.case import Case
    from samhandling.process.engine import ProcessDefinition

#: The built-in act that records a timer firing; no process may define it.
TIMER = "timer"
#: reminder: the case stays (repeats ``every``); escalation: the case stays, raised to the escalation target;
#: expiry: the case moves to ``to``.
TIMER_KINDS = ("reminder", "escalation", "expiry")
#: Where the period is counted from.
TIMER_BASES = ("entered", "opened", "meeting", "payload")
#: The process/structure setting naming the blackout periods working days skip.
BLACKOUT_SETTING = "blackout_periods"

_TIMER_KEYS = {"id", "label", "kind", "after", "every", "to", "from"}
_ISO = re.compile(r"P(?:(\d+)W)?(?:(\d+)D)?\Z")
_WORKING = re.compile(r"(\d+)\s*(virkedager|virkedag|arbeidsdager|working[ _]days?)\Z")
_DAYS = re.compile(r"(\d+)\s*(dager|dag|days?|kalenderdager)\Z")


@attrs.frozen(slots=True)
class Duration:
    """A period: calendar days, or working days (weekends, Norwegian holidays and blackouts skipped)."""

    amount: int
    working_days: bool = False

    def describe(self) -> str:
        if self.working_days:
            return f"{self.amount} virkedag" + ("" if self.amount == 1 else "er")
        if self.amount % 7 == 0 and self.amount:
            weeks = self.amount // 7
            return f"{weeks} uke" + ("" if weeks == 1 else "r")
        return f"{self.amount} dag" + ("" if self.amount == 1 else "er")


@attrs.frozen(slots=True)
class TimerSpec:
    """One timer of a process step. ``owner`` is ("state" | "act", name); ``base`` and ``base_ref`` say what
    the period counts from: the step entered, the case opened, the next meeting of body ``base_ref``
    (``meeting``), or the date in payload key ``base_ref`` of the arming act (``payload``)."""

    id: str
    kind: str
    after: Duration
    owner: tuple[str, str]
    label: str = ""
    every: Duration | None = None
    to: str | None = None
    base: str = "entered"
    base_ref: str | None = None
    location: Location | None = attrs.field(default=None, eq=False, repr=False)

    def describe(self) -> str:
        """Norwegian, for diagrams and listings: ``purring etter 10 virkedager (gjentas hver 1 uker)``."""
        what = {"reminder": "påminnelse", "escalation": "eskalering", "expiry": "utløper"}[self.kind]
        text = f"{self.label or self.id}: {what} etter {self.after.describe()}"
        if self.base == "meeting":
            text += f" fra neste møte i {self.base_ref}"
        elif self.base == "payload":
            text += f" fra datoen i «{self.base_ref}»"
        elif self.base == "opened":
            text += " fra saken ble åpnet"
        if self.every is not None:
            text += f", gjentas med {self.every.describe()} mellomrom"
        if self.to is not None:
            text += f" → {self.to}"
        return text


def parse_duration(raw: object, where: Location, what: str = "«after»") -> Duration:
    """``P10D``, ``P2W``, ``P1W3D``, ``10 dager``, ``10 virkedager`` or ``{working_days: 10}`` / ``{days: 10}``."""
    if isinstance(raw, Mapping):
        keys = set(raw)
        if keys in ({"working_days"}, {"days"}):
            (key,) = keys
            value = raw[key]
            if type(value) is int and value >= 0:
                return Duration(value, key == "working_days")
        raise SchemaError(
            f"{what} {dict(raw)} er ikke en periode; forventet {{working_days: N}} eller {{days: N}} med N ≥ 0",
            code="invalid-duration",
            location=where,
        )
    text = str(raw).strip()
    iso = _ISO.match(text.upper())
    if iso and (iso.group(1) or iso.group(2)):
        return Duration(int(iso.group(1) or 0) * 7 + int(iso.group(2) or 0))
    low = text.casefold()
    m = _WORKING.match(low)
    if m:
        return Duration(int(m.group(1)), True)
    m = _DAYS.match(low)
    if m:
        return Duration(int(m.group(1)))
    raise SchemaError(
        f"{what} «{text}» er ikke en periode; forventet ISO 8601 (P10D, P2W), «10 virkedager» eller "
        "{working_days: 10}",
        code="invalid-duration",
        location=where,
    )


def parse_timers(raw: object, where: Location, owner: tuple[str, str]) -> tuple[TimerSpec, ...]:
    """The ``timers:`` list of a state or an act (``owner``: ("state" | "act", name))."""
    from samhandling.formats.maps import MarkedMap, expect_list

    items = expect_list(raw, "«timers»", where)
    out: list[TimerSpec] = []
    for i, item in enumerate(items):
        m = MarkedMap(item, "en tidsfrist (timers)", items.loc(i), _TIMER_KEYS)
        timer_id = m.req("id")
        kind = m.req("kind")
        if kind not in TIMER_KINDS:
            raise SchemaError(
                f"ukjent type tidsfrist «{kind}»; kjente: {', '.join(TIMER_KINDS)}",
                code="invalid-value",
                location=m.loc("kind"),
            )
        if not m.has("after"):
            raise SchemaError(f"tidsfristen «{timer_id}» mangler «after»", code="missing-key", location=m.loc())
        after = parse_duration(m.raw("after"), m.loc("after"))
        every = parse_duration(m.raw("every"), m.loc("every"), "«every»") if m.has("every") else None
        if every is not None and (kind != "reminder" or every.amount == 0):
            raise SchemaError(
                f"tidsfristen «{timer_id}»: «every» gjelder bare påminnelser (reminder) og må være mer enn 0",
                code="invalid-value",
                location=m.loc("every"),
            )
        to = m.str("to")
        if (kind == "expiry") != (to is not None):
            raise SchemaError(
                f"tidsfristen «{timer_id}»: «to» (tilstanden saken flyttes til) skal oppgis for og bare for "
                "utløp (expiry)",
                code="missing-key" if to is None else "invalid-value",
                location=m.loc("to") if to is not None else m.loc(),
            )
        base, base_ref = _base(m.raw("from"), m.loc("from") if m.has("from") else m.loc())
        out.append(TimerSpec(timer_id, kind, after, owner, m.str("label") or "", every, to, base, base_ref, m.loc()))
    return tuple(out)


def _base(raw: object, where: Location) -> tuple[str, str | None]:
    if raw is None:
        return "entered", None
    if isinstance(raw, str) and raw in ("entered", "opened"):
        return raw, None
    if isinstance(raw, Mapping) and len(raw) == 1:
        ((key, value),) = raw.items()
        if key in ("meeting", "payload") and isinstance(value, str) and value.strip():
            return str(key), value.strip()
    raise SchemaError(
        f"«from» «{raw}» er ukjent; forventet entered (steget startet, standard), opened (saken åpnet), "
        "{meeting: ORGAN} (neste møte i organet) eller {payload: NØKKEL} (en dato i handlingens data)",
        code="invalid-value",
        location=where,
    )


# ---------------------------------------------------------------------------------------------- per definition


@attrs.frozen
class ProcessTimers:
    """The timers of one process definition, by state and by act, and its blackout-period setting."""

    specs: tuple[TimerSpec, ...] = ()
    blackouts: Any = None

    def of_state(self, state: str) -> tuple[TimerSpec, ...]:
        return tuple(s for s in self.specs if s.owner == ("state", state))

    def of_act(self, act: str) -> tuple[TimerSpec, ...]:
        return tuple(s for s in self.specs if s.owner == ("act", act))

    by_id: dict[str, TimerSpec] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "by_id", {s.id: s for s in self.specs})

    def spec(self, timer_id: str) -> TimerSpec | None:
        return self.by_id.get(timer_id)


_REGISTRY: weakref.WeakKeyDictionary[ProcessDefinition, ProcessTimers] = weakref.WeakKeyDictionary()
_NONE = ProcessTimers()


def attach(definition: ProcessDefinition, specs: Sequence[TimerSpec], blackouts: Any = None) -> None:
    """Keep ``specs`` as the timers of ``definition`` after checking them against its states and structure."""
    states = {s.name for s in definition.states}
    seen: dict[str, TimerSpec] = {}
    for spec in specs:
        if spec.id in seen:
            raise SchemaError(
                f"tidsfristen «{spec.id}» er definert to ganger; id-en må være unik i prosessen",
                code="duplicate-timer",
                location=spec.location,
            )
        seen[spec.id] = spec
        if spec.to is not None and spec.to not in states:
            raise SchemaError(
                f"tidsfristen «{spec.id}» flytter saken til «{spec.to}», som ikke er en tilstand i prosessen",
                code="unknown-state",
                location=spec.location,
            )
        if spec.owner[0] == "state" and spec.owner[1] in definition.final_states:
            raise SchemaError(
                f"tidsfristen «{spec.id}» står på sluttilstanden «{spec.owner[1]}», der den aldri kan utløses",
                code="invalid-value",
                location=spec.location,
            )
        if spec.base == "meeting" and spec.base_ref is not None:
            structure = definition.structure
            if not structure.has_body(spec.base_ref):
                raise SchemaError(
                    f"tidsfristen «{spec.id}» regner fra neste møte i «{spec.base_ref}», som ikke er et organ i "
                    f"strukturen {structure.id}",
                    code="unknown-body",
                    location=spec.location,
                )
            object.__setattr__(spec, "base_ref", structure.body(spec.base_ref).id)
    if specs or blackouts is not None:
        _REGISTRY[definition] = ProcessTimers(tuple(specs), blackouts)


def timers_of(definition: ProcessDefinition) -> ProcessTimers:
    """The timers of a definition (none when its process names none)."""
    return _REGISTRY.get(definition, _NONE)


def collect(states_raw: MarkedList, acts_raw: MarkedList) -> tuple[TimerSpec, ...]:
    """Every ``timers:`` list of a process file's states and acts, in file order."""
    out: list[TimerSpec] = []
    for kind, items in (("state", states_raw), ("act", acts_raw)):
        for item in items:
            if isinstance(item, MarkedDict) and "timers" in item:
                out.extend(parse_timers(item["timers"], item.loc("timers"), (kind, str(item.get("name")))))
    return tuple(out)


def armed_by(definition: ProcessDefinition, events: Sequence[Any]) -> tuple[list[tuple[TimerSpec, Any]], bool]:
    """The timers a run of new events arms, each with the event that arms it, and whether the case left the
    state its earlier deadlines belong to (they are then cancelled). A timer armed by an event and left behind
    by a later event of the same run is not armed at all."""
    found = timers_of(definition)
    if not found.specs:
        return [], any(e.from_state is not None and e.from_state != e.to_state for e in events)
    armed: list[tuple[TimerSpec, Any]] = []
    cancel = False
    for e in events:
        entered = e.from_state is None or e.from_state != e.to_state
        if e.from_state is not None and e.from_state != e.to_state:
            cancel = True
            armed = []
        if e.act != TIMER:
            armed.extend((s, e) for s in found.of_act(e.act))
        if entered:
            armed.extend((s, e) for s in found.of_state(e.to_state))
    return armed, cancel


# ---------------------------------------------------------------------------------------------- the built-in act


def timer_event(case: Case, on: dt.date | None, payload: Mapping[str, Any], recorded_at: str | None) -> Event:
    """The event of the built-in ``timer`` act on ``case`` (the engine appends it): payload ``timer``, ``kind``,
    ``due`` and for an expiry ``to``. Refused (``timer-refused``) when the process has no such timer or the
    payload does not match it."""
    definition = case.definition
    timer_id = payload.get("timer")
    spec = timers_of(definition).spec(str(timer_id)) if isinstance(timer_id, str) else None
    if spec is None:
        raise ActRefusedError(f"prosessen {definition.name} har ingen tidsfrist «{timer_id}»", code="timer-refused")
    if payload.get("kind") != spec.kind:
        raise ActRefusedError(
            f"tidsfristen «{spec.id}» er av typen {spec.kind}, ikke «{payload.get('kind')}»", code="timer-refused"
        )
    due = payload.get("due")
    try:
        dt.date.fromisoformat(str(due))
    except ValueError:
        raise ActRefusedError(
            f"tidsfristen «{spec.id}»: «due» skal være en ISO-dato, ikke «{due}»", code="timer-refused"
        ) from None
    to_state = case.state
    if spec.kind == "expiry":
        if payload.get("to") != spec.to:
            raise ActRefusedError(
                f"tidsfristen «{spec.id}» flytter saken til «{spec.to}», ikke «{payload.get('to')}»",
                code="timer-refused",
            )
        to_state = str(spec.to)
    day = on or dt.date.fromisoformat(str(due)) + dt.timedelta(days=1)
    return Event(
        len(case.history) + 1, TIMER, None, None, day, freeze(dict(payload)), case.state, to_state, recorded_at
    )


def timer_refusals(case: Case, on: dt.date | None, payload: Mapping[str, Any]) -> list[ActRefusedError]:
    """Why the built-in ``timer`` act would be refused on ``case`` (empty: it would be recorded)."""
    try:
        timer_event(case, on, payload, None)
    except ActRefusedError as exc:
        return [exc]
    return []
