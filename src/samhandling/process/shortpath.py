"""The short path of an act: what ``Case.act`` runs first, compiled once per act when the definition compiles.

An act that is plainly allowed (the case stands in one of the act's source states, the body is known and allowed
by the one authority check, the date is the case's latest or a later one not in the future, the payload holds only
plain values, the positions given were judged allowed before for that body and day) is recorded here without the
general judging pass: the checks that cannot apply to this act are not run at all (worked out from the act, once).
Every check that does apply is either answered from what the engine already worked out (the parties a per-party
act needs on a day, a decision already judged allowed for the same body, day and positions) or asked of the one
function that makes it (``authority``, ``decision_guard``).

The short path never refuses: on any doubt (an unknown name, a reserved key, a date, a person named, ``present``, a
payload it does not know, a refusal) it returns None having changed nothing, and ``_perform`` runs the general
judging pass, which words every refusal. So every rule and every refusal message is written once, in ``authority``
and ``guards``; ``tests/test_engine_shortpath.py`` checks that both paths record the same events, facts and
progress on random acts, and ``benchmarks/engine_ops.py`` counts what the short path saves.

For whoever adds a check: a check inside ``authority()`` or ``decision_guard()`` runs here too (the short path asks
them); a new guard in ``guards()`` keyed on a new field of an act must either be taught to ``compile_short_path`` or
send the acts that use it to the general pass (``test_the_short_path_knows_every_field_an_act_can_have`` fails until
then); a new check in ``_judge`` itself must be mirrored here as a reason to decline.

The recorded event is what the general pass records (the same payload, canonical and deep-frozen, the same
``recorded_at`` from the clock, the act fired through the shared Machine with the same ``ctx`` and ``go``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from samhandling import clock
from samhandling.errors import SamhandlingError
from samhandling.process.case import EMPTY, RESERVED_KEYS, Case, Event, FrozenDict, freeze
from samhandling.process.definition import Context
from samhandling.process.records import NOT_FACTS, recorded_at
from samhandling.process.vocabulary import DECIDING_KINDS, OUTCOME_WORDS

if TYPE_CHECKING:
    from samhandling.process.engine import ProcessDefinition
    from samhandling.process.guards import ActPlan

#: A compiled short path: (case, by, on, payload) -> the recorded event, or None (then the general pass runs).
ShortPath = Callable[[Case, Any, Any, dict[str, Any]], "Event | None"]

#: The types of a payload value the short path records as it is (immutable; dates and containers take the general
#: pass, which writes dates as ISO text and deep-freezes containers). ``FrozenDict``: the positions it resolved.
_PLAIN = frozenset({str, int, float, bool, type(None), FrozenDict})
_TEXT = frozenset({str})
_T = TypeVar("_T")
_new_tuple = tuple.__new__
_set_item = dict.__setitem__  # fills a FrozenDict this module has just built (no one else holds it yet)
_DATE = dt.date
#: Decisions remembered per act (body, day, positions -> the positions recorded); cleared when full.
_DECIDED_LIMIT = 4096


def compile_short_path(definition: ProcessDefinition, plan: ActPlan) -> ShortPath | None:
    """The short path of ``plan``'s act, or None when the act always takes the general pass (escalation, send-back,
    withdrawal, a deadline guard, a named guard, per-party acts with other guards)."""
    act = plan.act
    if act.kind in ("escalate", "send_back", "withdraw") or act.deadline is not None:
        return None
    if act.guard is not None and act.guard != "consensus":
        return None  # a named guard (``guards.named_guard``, e.g. ``rotation_turn``) is asked by the general pass only
    # States the short path accepts: the act's sources, less the final ones (the case is closed) and, for a deciding
    # act, the states an escalation leads to (who decides there is the body the case was lifted to).
    sources = plan.sources - definition.final_states
    if act.kind in DECIDING_KINDS:
        sources -= definition._escalated_states
    if not sources:
        return None
    if act.actor.in_order and act.actor.same_as:
        return None
    if act.per_party is not None:
        return _per_party(definition, plan, frozenset(sources)) if plan.per_party_only else None
    return _decision(definition, plan, frozenset(sources))


def _known(look_up: Callable[[str], _T], name: str) -> _T | None:
    """``look_up(name)`` (a structure's body or party by any of its names, remembered by the definition), or None
    when it names none (the general pass words the refusal)."""
    try:
        return look_up(name)
    except SamhandlingError:
        return None


def _dated(definition: ProcessDefinition, on: dt.date) -> bool:
    """Whether ``on`` (a date after the case's latest) is not in the future: today plus the horizon."""
    return bool(on <= clock.current_clock().today() + definition.horizon)


def _per_party(definition: ProcessDefinition, plan: ActPlan, sources: frozenset[str]) -> ShortPath:
    """The short path of an act recorded once per party with no other guard (anchoring, political review)."""
    act = plan.act
    assert act.per_party is not None and plan.by_day is not None
    name = act.name
    by_day = plan.by_day
    parties_of = act.per_party.parties_of
    with_outcome = plan.outcome
    size = 2 if with_outcome else 1  # the payload: party (and outcome), nothing else
    due = act.due or dt.date.max
    body_refs = definition._body_refs
    party_refs = definition._party_refs
    find_body = definition._body
    find_party = definition._party
    authority = definition._authority
    required_on = definition._required
    trigger = definition._triggers[name]

    def short(case: Case, by: Any, on: Any, payload: dict[str, Any]) -> Event | None:
        if case._state not in sources or type(on) is not _DATE or len(payload) != size:
            return None
        latest = case._latest
        if on < case._floor or (on > latest and not _dated(definition, on)):
            return None
        if on > due:  # lateness is recorded by the general pass
            return None
        if type(by) is not str:
            return None
        body = body_refs.get(by) or _known(find_body, by)
        raw = payload.get("party")
        if type(raw) is not str:
            return None
        party = party_refs.get(raw) or _known(find_party, raw)
        if body is None or party is None:
            return None
        word = None
        if with_outcome:
            said = payload.get("outcome")
            word = OUTCOME_WORDS.get(said) if type(said) is str else None
            if word is None:
                return None
        if authority(case, act, body, on, None):
            return None
        body_id = body.id
        ref = body_id if parties_of is None else (case._actors.get(parties_of) or body_id)
        hit = by_day.get((ref, on))
        required = (hit if hit is not None else required_on(act, ref, on))[1]
        party_id = party.id
        if party_id not in required:
            return None
        progress = case._progress
        entries = progress.get(name)
        if entries:
            if party_id in entries:
                return None
            # With this record, has every party the act needs acted? (``party_id`` is needed and not yet recorded.)
            go = len(required) <= len(entries) + 1 and len(required - entries.keys()) == 1
        else:
            go = len(required) == 1
        # Allowed: record it (the payload is ``Case.act``'s own dict of keyword arguments).
        payload["party"] = party_id
        if with_outcome:
            payload["outcome"] = word
        frozen = FrozenDict(payload)
        before = case._state
        if not trigger(case, ctx=_new_tuple(Context, (act, body_id, on, None, frozen)), go=go):
            definition._not_fired(case, act, before)  # pragma: no cover - the checks mirror every condition
        events = case._events
        event = _new_tuple(
            Event, (len(events) + 1, name, body_id, None, on, frozen, before, case._state, recorded_at())
        )
        case._actors[name] = body_id
        if on > latest:
            case._latest = on
        if entries is None:
            entries = progress[name] = {}
        entries[party_id] = word
        if case._state != before:  # the completed record moves to the engine's per-party records
            del progress[name]
            if case._per_party is None:
                case._per_party = {name: entries}
            else:
                case._per_party[name] = entries
        events.append(event)
        return event

    return short


def _decision(definition: ProcessDefinition, plan: ActPlan, sources: frozenset[str]) -> ShortPath:
    """The short path of any other act: required facts, a gateway's decision, a sequence of approvals and the
    decision rule of the body (positions) are the checks that may apply."""
    act = plan.act
    name = act.name
    requires = tuple(act.requires)
    gateway = act.gateway[0] if act.gateway is not None else None
    in_order = act.actor.in_order
    sequence = act.bodies  # a sequence of approvals: every body in it acts (``_completes``)
    rules = plan.rules
    due = act.due or dt.date.max
    body_refs = definition._body_refs
    find_body = definition._body
    authority = definition._authority
    decision_guard = definition._decision_guard
    rule_for = definition._rule_for
    trigger = definition._triggers[name]
    decided: dict[tuple[str, dt.date, tuple[tuple[str, str], ...]], FrozenDict] = {}

    def short(case: Case, by: Any, on: Any, payload: dict[str, Any]) -> Event | None:
        if case._state not in sources or type(on) is not _DATE:
            return None
        latest = case._latest
        if on != latest and (on < latest or not _dated(definition, on)):
            return None
        if on > due:  # lateness is recorded by the general pass
            return None
        if type(by) is not str or (payload and not RESERVED_KEYS.isdisjoint(payload)):
            return None
        body = body_refs.get(by) or _known(find_body, by)
        if body is None:
            return None
        if authority(case, act, body, on, None):
            return None
        body_id = body.id
        rule = rules.get(body_id, rules)  # ``rules`` itself: not looked up yet
        if rule is rules:
            rule = rules[body_id] = rule_for(act, body)
        if requires and not all(map(payload.get, requires)):
            return None
        if gateway is not None and type(payload.get(gateway)) is not bool:
            return None
        positions = None
        if rule is not None:
            raw = payload.get("positions")
            if type(raw) is not dict or "against" in payload:
                return None
            if not (_TEXT.issuperset(map(type, raw)) and _TEXT.issuperset(map(type, raw.values()))):
                return None
            key = (body_id, on, tuple(raw.items()))
            positions = decided.get(key)
            if positions is None:  # judged by the one decision guard; remembered only when allowed
                refused, resolved = decision_guard(body, on, payload, rule, None)
                if refused or resolved is None:
                    return None
                if len(decided) >= _DECIDED_LIMIT:
                    decided.clear()
                positions = decided[key] = freeze(resolved)
        elif payload and ("positions" in payload or "against" in payload):
            return None
        if payload:
            frozen = FrozenDict(payload)
            if positions is not None:
                _set_item(frozen, "positions", positions)
            if not _PLAIN.issuperset(map(type, frozen.values())):
                return None
        else:
            frozen = EMPTY
        go = True
        progress = case._progress
        if in_order:
            done = progress.get(name) or ()
            go = all(other == body_id or other in done for other in sequence)
        before = case._state
        if not trigger(case, ctx=_new_tuple(Context, (act, body_id, on, None, frozen)), go=go):
            definition._not_fired(case, act, before)  # pragma: no cover - the checks mirror every condition
        events = case._events
        event = _new_tuple(
            Event, (len(events) + 1, name, body_id, None, on, frozen, before, case._state, recorded_at())
        )
        case._actors[name] = body_id
        if on > case._floor:
            case._floor = on
            if on > latest:
                case._latest = on
        if in_order:
            entries = progress.setdefault(name, [])
            entries.append(body_id)
            if case._state != before:
                del progress[name]
        if frozen:
            facts = case._facts
            if NOT_FACTS.isdisjoint(frozen):
                facts.update(frozen)
            else:
                for key_, value in frozen.items():
                    if key_ not in NOT_FACTS:
                        facts[key_] = value
        events.append(event)
        return event

    return short
