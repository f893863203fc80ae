"""Recording: what the engine writes into an event and a case's facts. The canonical payload (party ids, outcome and
position words, ISO dates), the reserved keys, the recording instant, frozen events and the date order of events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from samhandling import clock
from samhandling.errors import ReservedKeyError
from samhandling.process.case import RESERVED_KEYS, Case, Event, FrozenDict, freeze
from samhandling.process.definition import ActDef
from samhandling.process.vocabulary import outcome_word
from samhandling.structure.paths import escalation_targets

if TYPE_CHECKING:
    from samhandling.process.engine import ProcessDefinition

#: Payload keys ``_apply`` does not copy into ``case.data`` as facts (they are recorded elsewhere or are routing).
NOT_FACTS = frozenset({"party", "outcome", "to", "present"})


def reserved_refusal(payload: Mapping[str, Any]) -> ReservedKeyError | None:
    """``reserved-key`` when ``payload`` names a record the engine keeps itself."""
    if not payload or RESERVED_KEYS.isdisjoint(payload):
        return None
    keys = sorted(k for k in payload if k in RESERVED_KEYS)
    return ReservedKeyError(
        f"{', '.join(keys)} er forbeholdt motoren (hvem som handlet, løfting, vedtak per part, fremdrift, tilstand) "
        f"og kan ikke oppgis i en handling; forbeholdte navn: {', '.join(sorted(RESERVED_KEYS))}",
        details={"keys": keys},
    )


def recorded_at() -> str:
    """The recording instant by the clock in force, in the store's format (``2024-01-10T12:00:00.000000Z``)."""
    at = clock.current_clock().now()
    if at.tzinfo is not UTC:
        at = at.astimezone(UTC)
    second = _SECOND[0]  # one read: another thread may replace it meanwhile
    if second[0] <= at < second[1]:  # the same second as the last instant written: only the microseconds differ
        return "%s%06dZ" % (second[2], at.microsecond)  # noqa: UP031
    start = at.replace(microsecond=0)
    # The text ``isoformat(timespec="microseconds")`` gives, with «Z» for «+00:00».
    # %-formatting: measured about twice as fast as an f-string with format specs or isoformat here.
    text = "%04d-%02d-%02dT%02d:%02d:%02d." % (  # noqa: UP031
        at.year,
        at.month,
        at.day,
        at.hour,
        at.minute,
        at.second,
    )
    _SECOND[0] = (start, start + _ONE_SECOND, text)
    return "%s%06dZ" % (text, at.microsecond)  # noqa: UP031


UTC = dt.UTC
_ONE_SECOND = dt.timedelta(seconds=1)
#: The last second ``recorded_at`` wrote: (its start, the next second's start, its text up to the microseconds), in
#: UTC; an instant outside it (another second, a clock set back) is written in full and becomes the last.
_SECOND: list[tuple[dt.datetime, dt.datetime, str]] = [
    (dt.datetime.max.replace(tzinfo=UTC), dt.datetime.min.replace(tzinfo=UTC), "")
]


def frozen_event(event: Event) -> Event:
    """``event`` with a deep-frozen payload (events from a store or a caller may carry plain dicts)."""
    payload = event.payload
    if type(payload) is FrozenDict:
        return event
    return event._replace(payload=freeze(payload))


def date_bounds(definition: ProcessDefinition, events: Iterable[Event]) -> tuple[dt.date, dt.date]:
    """(floor, latest) after ``events`` (corrections applied): the latest effective date of an event that is not a
    per-party record, and of any event."""
    floor = latest = dt.date.min
    for event in events:
        act = definition._acts.get(event.act)
        if act is None or act.per_party is None:
            floor = max(floor, event.on)
        latest = max(latest, event.on)
    return floor, latest


def date_order_break(definition: ProcessDefinition, events: Iterable[Event]) -> Event | None:
    """The first event of ``events`` whose effective date breaks the date order (the rule ``_judge`` applies to a
    new act: a per-party record not before the latest other event, any other act not before any event)."""
    floor = latest = dt.date.min
    for event in events:
        act = definition._acts.get(event.act)
        per_party = act is not None and act.per_party is not None
        if event.on < (floor if per_party else latest):
            return event
        if not per_party:
            floor = max(floor, event.on)
        latest = max(latest, event.on)
    return None


def as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        from samhandling.formats.dates import parse_norwegian_date

        return parse_norwegian_date(value)
    return None


def normalise_payload(
    act: ActDef,
    body_id: str,
    payload: dict[str, Any],
    definition: ProcessDefinition,
    party: tuple[str, str | None] | None = None,
    own: bool = False,
    positions: dict[str, str] | None = None,
    attributes: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
) -> dict[str, Any]:
    """Canonical payload: party ids instead of names, outcome and positions in English words; an escalation's
    target, when the payload names none, is the first the graph gives for the case that is in force ``on``.

    ``party`` is (party id, canonical outcome) when the per-party check already resolved them from this payload;
    ``positions`` is ``{party id: word}``, what ``_read_positions`` resolved (always, when the payload has
    positions: ``_judge`` refuses positions it cannot read).
    ``own``: no caller holds ``payload``; it is normalised in place (the same keys in the same order as a copy).
    """
    out = payload if own else dict(payload)
    if party is not None:
        out["party"] = party[0]
        if party[1] is not None:  # the act records an outcome (the check then always resolves one)
            out["outcome"] = party[1]
        if len(out) == (1 if party[1] is None else 2):
            return out  # only the party (and its outcome), resolved: nothing more to do (no escalation, no dates)
    for key, value in payload.items():
        if isinstance(value, dt.date):
            out[key] = value.isoformat()  # payloads are JSON: the store hashes and keeps them as text
    if party is None and act.per_party is not None and "party" in out:
        party_id = definition._party_id(out["party"])
        assert party_id is not None  # the per-party guard refused an unknown party
        out["party"] = party_id
        if act.per_party.outcome:
            out["outcome"] = outcome_word(out.get("outcome"))
    if act.kind == "escalate":
        targets = escalation_targets(definition.structure, body_id, attributes, on)  # the acting body's, by the case
        wanted = out.get("to")
        if wanted is not None:
            out["to"] = definition.structure.body(str(wanted)).id
        elif targets:
            out["to"] = targets[0].id
    if positions is not None:
        out["positions"] = positions
        out.pop("against", None)
    return out


def apply(definition: ProcessDefinition, case: Case, act: ActDef, event: Event) -> None:
    """Record what an act means in the case's facts, engine records and progress (act and replay alike)."""
    payload = event.payload
    name = act.name
    body = event.body
    if body is not None:
        case._actors[name] = body
    day = event.on
    kind = act.kind
    if act.per_party is None and day > case._floor:  # per-party records: any date order among themselves
        case._floor = day
    if day > case._latest:
        case._latest = day
    if kind == "send_back":
        definition._clear_after(case, str(payload["to"]))
        return
    if act.per_party is not None:
        progress = case._progress
        entries = progress.get(name)
        if entries is None:
            entries = progress[name] = {}
        entries[str(payload.get("party"))] = payload.get("outcome") or None  # {party id: outcome}, in order
        if event.to_state != event.from_state:
            # The completed record moves to the engine's per-party records.
            del progress[name]
            if case._per_party is None:
                case._per_party = {name: entries}
            else:
                case._per_party[name] = entries
        return
    if act.actor.in_order:
        entries = case._progress.setdefault(name, [])
        entries.append(str(body))
        if event.to_state != event.from_state:
            del case._progress[name]
    if kind == "escalate":
        case._escalated_to = payload.get("to")
    facts = case._facts
    for key, value in payload.items():
        if key not in NOT_FACTS:
            facts[key] = value


def clear_after(definition: ProcessDefinition, case: Case, target: str) -> None:
    """Undo what a send-back to ``target`` undoes: everything the steps from ``target`` on recorded (progress,
    per-party records, who acted, payload facts) and an escalation. A fact an earlier step recorded too gets
    that step's value back; one given when the case was opened, its value then. (Called from ``_apply`` before
    the send-back's own event is appended, so ``case._events`` is the history up to it.)"""
    cleared = definition._cleared_by(target)
    per_party = case._per_party
    for name in cleared:
        case._progress.pop(name, None)
        if per_party is not None:
            per_party.pop(name, None)
        case._actors.pop(name, None)
    if not per_party:
        case._per_party = None
    case._escalated_to = None
    definition._refresh_facts(case, cleared)


def refresh_facts(definition: ProcessDefinition, case: Case, cleared: frozenset[str] = frozenset()) -> None:
    """Work the payload facts out again from the history (corrections applied), leaving out what the acts in
    ``cleared`` recorded (a send-back under way)."""
    facts: dict[str, Any] = {}
    for key, writers in definition._fact_history(definition._effective(case._events)).items():
        kept = [value for value, act in writers if act not in cleared]
        if kept:
            facts[key] = kept[-1]
    case._facts = facts


def cleared_by(definition: ProcessDefinition, target: str) -> frozenset[str]:
    """The acts a send-back to ``target`` undoes: the steps from ``target`` on, and an escalation."""
    index = definition.path_index(target)
    later = (
        definition.steps()[index:] if index >= 0 else []
    )  # a target off every path (never judged valid) clears no step
    return frozenset({step.act for step in later} | {a.name for a in definition.acts if a.kind == "escalate"})


def fact_history(definition: ProcessDefinition, events: Iterable[Event]) -> dict[str, list[tuple[Any, str | None]]]:
    """Per payload fact, the values recorded and by which act (None: given at opening), oldest first, with what
    earlier send-backs undid taken out: the same facts ``_apply`` writes."""
    facts: dict[str, list[tuple[Any, str | None]]] = {}
    for event in events:
        if event.act == "open":
            for key, value in (event.payload.get("data") or {}).items():
                facts.setdefault(key, []).append((value, None))
            continue
        act = definition._acts.get(event.act)
        if act is None or act.per_party is not None:
            continue
        if act.kind == "send_back":
            undone = definition._cleared_by(str(event.payload.get("to")))
            for key, writers in list(facts.items()):
                writers[:] = [(value, by) for value, by in writers if by not in undone]
                if not writers:
                    del facts[key]
            continue
        for key, value in event.payload.items():
            if key not in NOT_FACTS:
                facts.setdefault(key, []).append((value, event.act))
    return facts
