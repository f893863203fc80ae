"""Corrections: the built-in act ``correct`` that replaces or voids an earlier event, what it may correct, and
the events in effect once corrections apply. Functions of the definition, bound as ``ProcessDefinition`` methods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from samhandling import clock
from samhandling.errors import (
    ActRefusedError,
    AuthorityError,
    BadDateError,
    CorrectionError,
    RuleError,
    SamhandlingError,
)
from samhandling.process.case import Case, Event, FrozenDict, freeze
from samhandling.process.records import date_bounds, date_order_break, recorded_at, reserved_refusal
from samhandling.process.vocabulary import CORRECT

if TYPE_CHECKING:
    from samhandling.process.engine import ProcessDefinition


def effective(definition: ProcessDefinition, events: Sequence[Event]) -> list[Event]:
    """``events`` with their corrections applied and the corrections left out (the latest correction of an
    event wins for each thing it corrects)."""
    out = list(events)
    index = {e.seq: i for i, e in enumerate(out)}
    corrected = False
    for event in events:
        if event.act != CORRECT:
            continue
        corrected = True
        p = event.payload
        i = index.get(p.get("event"))  # type: ignore[arg-type]
        if i is None:
            continue
        target = out[i]
        on = target.on
        if p.get("on") is not None:
            on = dt.date.fromisoformat(str(p["on"]))
        new_facts = p.get("facts") or {}
        payload = target.payload
        if new_facts:
            if target.act == "open":
                payload = FrozenDict({**payload, "data": FrozenDict({**(payload.get("data") or {}), **new_facts})})
            else:
                payload = FrozenDict({**payload, **new_facts})
        act = definition._acts.get(target.act)
        if act is not None and act.due is not None and on != target.on:
            rest = {k: v for k, v in payload.items() if k != "overdue_days"}
            if on > act.due:
                rest["overdue_days"] = (on - act.due).days
            payload = FrozenDict(rest)
        out[i] = target._replace(on=on, payload=payload)
    if not corrected:
        return out
    return [e for e in out if e.act != CORRECT]


def apply_corrections(definition: ProcessDefinition, case: Case) -> None:
    """After a correction: the facts and the date bounds worked out again from the corrected history."""
    effective = definition._effective(case._events)
    definition._refresh_facts(case)
    case._floor, case._latest = date_bounds(definition, effective)


def correction_refusals(
    definition: ProcessDefinition,
    case: Case,
    by: str | None,
    on: dt.date | None,
    person: str | None,
    payload: dict[str, Any],
) -> tuple[list[ActRefusedError], dict[str, Any] | None]:
    """The refusals of a correction, and the payload it records when there are none."""
    out: list[ActRefusedError] = []
    reserved = reserved_refusal({k: v for k, v in payload.items() if k != "facts"})  # «facts» is the correction's own
    if reserved is not None:
        return [reserved], None
    unknown = sorted(set(payload) - {"event", "reason", "on", "facts"})
    if unknown:
        return [
            CorrectionError(
                f"en rettelse kan bare ha event, reason, on og facts; ikke {', '.join(unknown)}",
                details={"unknown": unknown},
            )
        ], None
    body_id: str | None = None
    if by is not None:
        try:
            body_id = definition._body(by).id
        except SamhandlingError as exc:
            return [AuthorityError(exc.message, code="unknown-body")], None
    if person is not None and body_id is None:
        return [CorrectionError("en person kan bare rette på vegne av et organ (by=<organ>)")], None
    seq = payload.get("event")
    events = case._events
    if type(seq) is not int or not 1 <= seq <= len(events) or events[seq - 1].act == CORRECT:
        return [
            CorrectionError(
                f"en rettelse må vise til en hendelse i saken (event=1..{len(events)}, ikke en rettelse); fikk {seq!r}"
            )
        ], None
    target = events[seq - 1]
    reason = payload.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        out.append(CorrectionError("en rettelse krever en begrunnelse (reason)", code="missing-input"))
    new_on = on if on is not None else payload.get("on")
    if on is not None and payload.get("on") is not None and str(payload["on"]) != on.isoformat():
        out.append(CorrectionError("en rettelse har to ulike datoer (on)"))
    if isinstance(new_on, str):
        try:
            new_on = dt.date.fromisoformat(new_on)
        except ValueError:
            return [*out, BadDateError(f"«{new_on}» er ingen dato; skriv ÅÅÅÅ-MM-DD")], None
    facts = payload.get("facts")
    if facts is not None and not isinstance(facts, Mapping):
        out.append(CorrectionError("facts må være en tabell {felt: verdi}"))
        facts = None
    if new_on is None and not facts:
        out.append(CorrectionError("en rettelse må rette datoen (on) eller fakta (facts)"))
    if new_on is not None:
        refused = definition._date_refusal(new_on, clock.today())
        if refused is not None:
            out.append(refused)
    act = definition._acts.get(target.act)
    if facts:
        reserved = reserved_refusal(facts)
        if reserved is not None:
            out.append(reserved)
        locked = {"party", "outcome", "to", "positions", "against", "version", "title"}
        if act is not None:
            if act.gateway is not None:
                locked.add(act.gateway[0])
            if act.deadline is not None:
                locked.add(act.deadline[0])
        fixed = sorted(k for k in facts if k in locked)
        if fixed:
            out.append(
                CorrectionError(
                    f"en rettelse kan ikke endre {', '.join(fixed)}: det avgjorde hva saken kunne gjøre; "
                    "send saken tilbake i stedet",
                    details={"keys": fixed},
                )
            )
        if act is not None:
            emptied = [k for k in act.requires if k in facts and not facts[k]]
            if emptied:
                out.append(CorrectionError(f"en rettelse kan ikke tømme {', '.join(emptied)}, som handlingen krever"))
    record: dict[str, Any] = {"event": seq, "reason": reason}
    if new_on is not None and isinstance(new_on, dt.date):
        record["on"] = new_on.isoformat()
    if facts:
        record["facts"] = dict(facts)
    if not out and new_on is not None:
        probe = Event(len(events) + 1, CORRECT, body_id, person, target.on, freeze(record), None, case._state)
        effective = definition._effective([*events, probe])
        bad = date_order_break(definition, effective)
        if bad is not None:
            out.append(
                RuleError(
                    f"rettelsen av hendelse nr. {seq} til {new_on.isoformat()} bryter tidsrekkefølgen: "
                    f"hendelse nr. {bad.seq} ({bad.act}, {bad.on.isoformat()}) ville da komme før en hendelse "
                    "den kommer etter",
                    code="date-order",
                )
            )
    return out, (None if out else record)


def correct(
    definition: ProcessDefinition,
    case: Case,
    by: str | None,
    on: dt.date | None,
    person: str | None,
    payload: dict[str, Any],
) -> Event:
    refusals, record = definition.correction_refusals(case, by, on, person, payload)
    if refusals:
        first = refusals[0]
        first.details["reasons"] = [r.message for r in refusals]
        raise first
    assert record is not None
    body = None if by is None else definition._body(by).id
    state = case._state
    event = Event(
        len(case._events) + 1,
        CORRECT,
        body,
        person,
        clock.today(),
        freeze(record),
        state,
        state,
        recorded_at(),
    )
    case._events.append(event)
    definition._apply_corrections(case)
    return event
