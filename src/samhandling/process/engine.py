"""Process definitions: typed acts over states, validated against a structure and
compiled once into one shared ``transitions.Machine``.

A definition is data (``data/processes/*.yaml``, format in ``docs/process-format.md``).
:func:`get_process` reads it, checks it against the structure it is bound to (every
responsible body exists and holds the power its act needs, every advisory body on
the path can escalate, every state is reachable and can end), and compiles it.

Cases are plain :class:`~samhandling.process.case.Case` objects: the machine fires on them
through ``machine.events[act].trigger(case, ctx=...)`` without ``add_model``, so a
case costs a few hundred bytes and the machine is never copied.

Refusals are decided before the machine fires, so a refused act changes nothing:
:class:`~samhandling.errors.StateError` (not possible in this state),
:class:`~samhandling.errors.AuthorityError` (wrong body, advisory body deciding,
person without a seat) or :class:`~samhandling.errors.RuleError` (a guard: no
consensus, anchoring incomplete, missing input).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from samhandling import clock
from samhandling.errors import (
    ActRefusedError,
    AuthorityError,
    BadAgainstError,
    BadDateError,
    CorrectionError,
    DuplicatePartyError,
    FutureDateError,
    ProcessDefinitionError,
    RuleError,
    SamhandlingError,
    StateError,
    UnknownOutcomeError,
    UnknownPositionError,
)
from samhandling.formats.names import name_key
from samhandling.process.case import EMPTY, AvailableAct, Case, Event, FrozenDict, freeze
from samhandling.process.definition import ActDef, ActorSpec, Context, PerParty, StateDef, Step
from samhandling.process.records import (
    NOT_FACTS,
    as_date,
    date_bounds,
    date_order_break,
    frozen_event,
    normalise_payload,
    recorded_at,
    reserved_refusal,
)
from samhandling.process.timers import TIMER, timer_event, timer_refusals
from samhandling.process.vocabulary import (
    ACT_KINDS,
    AGREEMENT_KINDS,
    CORRECT,
    DECIDING_KINDS,
    GUARDS,
    HORIZON_SETTING,
    OUTCOME_WORDS,
    POSITION_WORDS,
    RULED_KINDS,
    SCOPE_SETTING,
    SIDE_KINDS,
    SIDE_NAMES,
    STRICT_DECIDING_KINDS,
    outcome_word,
    position_word,
)
from samhandling.process.voters import Voters, municipalities
from samhandling.structure.model import (
    COUNTED_RULES,
    Body,
    CompletionRule,
    DecisionPower,
    DecisionRule,
    Party,
    PartyKind,
    RelationKind,
    Rule,
)
from samhandling.structure.paths import escalation_targets

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure

__all__ = [
    "ACT_KINDS",
    "AGREEMENT_KINDS",
    "CORRECT",
    "DECIDING_KINDS",
    "GUARDS",
    "HORIZON_SETTING",
    "OUTCOME_WORDS",
    "POSITION_WORDS",
    "PROCESS_DIR",
    "RULED_KINDS",
    "SCOPE_SETTING",
    "SIDE_KINDS",
    "STRICT_DECIDING_KINDS",
    "ActDef",
    "ActorSpec",
    "Context",
    "PerParty",
    "ProcessDefinition",
    "StateDef",
    "Step",
    "Voters",
]

PROCESS_DIR = Path(__file__).parent.parent / "data" / "processes"

_T = TypeVar("_T")


# ---------------------------------------------------------------------------- the definition


class ProcessDefinition:
    """A versioned process bound to a structure, compiled into one shared Machine."""

    def __init__(
        self,
        *,
        name: str,
        version: str,
        title: str,
        description: str | None,
        initial: str,
        states: tuple[StateDef, ...],
        acts: tuple[ActDef, ...],
        structure: Structure,
        settings: dict[str, Any],
        filename: str,
    ) -> None:
        self.name = name
        self.version = version
        self.title = title
        self.description = description
        self.initial = initial
        self.states = states
        self.acts = acts
        self.settings = settings
        horizon = settings.get(HORIZON_SETTING, 0)
        if type(horizon) is not int or horizon < 0:
            raise ProcessDefinitionError(
                f"innstillingen {HORIZON_SETTING} i prosessen {name} må være et helt antall dager (0 eller mer), "
                f"ikke «{horizon}»",
                code="bad-setting",
            )
        #: How far after today an effective date may lie (the ``horizon_days`` setting; default 0 days).
        self.horizon = dt.timedelta(days=horizon)
        self.filename = filename
        # A strong reference: a case (or a definition) alone keeps its structure alive. The structure caches its
        # definitions in ``structure._processes``, so the two form a plain cycle the garbage collector frees.
        self._structure = structure
        self._states = {s.name: s for s in states}
        self._acts = {a.name: a for a in acts}
        self.final_states = frozenset(s.name for s in states if s.final)
        self._escalated_states = frozenset(a.dest for a in acts if a.kind == "escalate" and a.dest)
        self._counter = itertools.count(1)
        self._steps: list[Step] | None = None
        self._path_indexes: dict[str, int] | None = None  # state -> path_index, built on first use
        # Per per-party act, (body id, day) -> the parties the act needs, and their ids (the structure does not
        # change).
        self._parties_cache: dict[
            str, dict[tuple[str | None, dt.date | None], tuple[tuple[Party, ...], frozenset[str]]]
        ] = {a.name: {} for a in acts if a.per_party is not None}
        # (body id, day) -> who counts in the body's decisions that day (see ``voters``).
        self._voters_cache: dict[tuple[str | None, dt.date | None], Voters] = {}
        # body id -> its completion rule (None: the body's decisions are not counted).
        self._body_rules: dict[str, CompletionRule | None] = {}
        scope = structure.setting(SCOPE_SETTING, settings.get(SCOPE_SETTING, "all_decisions"))  # the structure wins
        if scope not in ("all_decisions", "guarded_acts"):
            raise ProcessDefinitionError(
                f"innstillingen {SCOPE_SETTING} i prosessen {name} må være all_decisions eller guarded_acts, "
                f"ikke «{scope}»",
                code="bad-setting",
            )
        #: Whether every approve/decide/assess act of a body with a counted decision rule needs positions.
        self.all_decisions_counted = scope == "all_decisions"
        # A raw «by» or party string -> the body or party it names, and (body id, category) -> rule text. The
        # structure does not change after loading and strings are immutable, so these cannot go stale.
        self._body_refs: dict[str, Body] = {}
        self._party_refs: dict[str, Party] = {}
        self._rule_texts: dict[tuple[str, str], str] = {}
        self.machine = self._compile()
        self._plans = {a.name: _ActPlan(self, a) for a in acts}
        # act name -> the trigger of its machine event (``self.machine.events[name].trigger``), looked up once.
        self._triggers = {a.name: self.machine.events[a.name].trigger for a in acts}

    @property
    def structure(self) -> Structure:
        return self._structure

    def __repr__(self) -> str:
        return f"<ProcessDefinition {self.name} v{self.version}: {len(self.states)} tilstander, {len(self.acts)} handlinger>"

    # ------------------------------------------------------------------ compile

    def _compile(self) -> Any:
        from transitions import Machine, State

        states = [State(s.name, final=s.final) for s in self.states]
        transitions: list[dict[str, Any]] = []
        for act in self.acts:
            for source in act.sources:
                transitions.extend(self._transitions_for(act, source))
        return Machine(
            model=None,
            states=states,
            transitions=transitions,
            initial=self.initial,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=False,
            model_attribute="_state",  # the case's private slot: only the engine moves a case
        )

    def _transitions_for(self, act: ActDef, source: str) -> list[dict[str, Any]]:
        base = {"trigger": act.name, "source": source}
        if act.gateway is not None:
            key, _label, branches = act.gateway
            return [{**base, "dest": dest, "conditions": [_payload_is(key, value)]} for value, dest in branches.items()]
        if act.per_party is not None:
            out: list[dict[str, Any]] = []
            pp = act.per_party
            if pp.outcome and pp.on_rejection is not None:
                dest = pp.rejection_dest.get(pp.on_rejection)
                if pp.on_rejection != "continue":
                    out.append({**base, "dest": dest, "conditions": [_is_rejection]})
            out.append({**base, "dest": act.dest, "conditions": [self._parties_complete(act)]})
            out.append({**base, "dest": None})  # recorded, not yet complete: an internal transition
            return out
        if act.actor.in_order:
            return [
                {**base, "dest": act.dest, "conditions": [self._completes]},
                {**base, "dest": None},
            ]
        if act.kind == "send_back":
            return [{**base, "dest": s.name, "conditions": [_payload_is("to", s.name)]} for s in self.states]
        return [{**base, "dest": act.dest}]

    def _parties_complete(self, act: ActDef) -> Any:
        """The condition of a per-party act: ``_completes`` for that act, with its name and its cache of parties
        by day looked up once."""
        name = act.name
        by_day = self._parties_cache[name]
        parties_of = act.per_party.parties_of if act.per_party is not None else None

        def condition(event: Any) -> bool:
            ctx: Context = event.kwargs["ctx"]
            case: Case = event.model
            recorded = case._progress.get(name)  # {party id: outcome or None}
            ref = ctx.body if parties_of is None else (case._actors.get(parties_of) or ctx.body)
            hit = by_day.get((ref, ctx.on))
            required = (hit if hit is not None else self._required(act, ref, ctx.on))[1]
            if len(required) > (len(recorded) if recorded else 0) + 1:  # fewer parties have acted than required
                return False
            rest = required - recorded.keys() if recorded else required
            return rest <= {ctx.payload.get("party")}

        return condition

    def _completes(self, event: Any) -> bool:
        """Condition of a sequence of approvals: with this one recorded, every body in the sequence has acted.
        (Per-party acts use :meth:`_parties_complete`.)"""
        case: Case = event.model
        ctx: Context = event.kwargs["ctx"]
        act = ctx.act
        done = case._progress.get(act.name, ())
        body = ctx.body
        return all(other == body or other in done for other in self._actor_bodies(case, act))

    # ------------------------------------------------------------------ queries

    def state_label(self, name: str | None) -> str:
        if name is None:
            return "-"
        state = self._states.get(name)
        return state.label if state else name

    def act_def(self, name: str) -> ActDef:
        try:
            return self._acts[name]
        except KeyError:
            raise StateError(
                f"prosessen {self.name} har ingen handling «{name}»; kjente handlinger: {', '.join(self._acts)}",
                code="unknown-act",
            ) from None

    def steps(self) -> list[Step]:
        """The main path from the initial state, in order (sequences of approvals are one step per body)."""
        if self._steps is not None:
            return list(self._steps)
        steps: list[Step] = []
        state, seen = self.initial, {self.initial}
        while state not in self.final_states:
            act = next(
                (
                    a
                    for a in self.acts
                    if state in a.sources and a.kind not in SIDE_KINDS and self._main_dest(a) not in seen
                ),
                None,
            )
            if act is None:
                break
            dest = self._main_dest(act)
            assert dest is not None
            if act.actor.in_order:
                for i, body in enumerate(act.actor.bodies):
                    last = i == len(act.actor.bodies) - 1
                    steps.append(Step(act.name, act.label, (body,), state, dest if last else state))
            else:
                steps.append(Step(act.name, act.label, self._static_bodies(act), state, dest))
            seen.add(dest)
            state = dest
        self._steps = steps
        return list(steps)

    def _main_dest(self, act: ActDef) -> str | None:
        if act.gateway is not None:
            return act.gateway[2].get(True) or next(iter(act.gateway[2].values()))
        return act.dest

    def _static_bodies(self, act: ActDef) -> tuple[str, ...]:
        if act.actor.same_as:
            return self._static_bodies(self._acts[act.actor.same_as])
        return act.bodies

    def path_index(self, state: str) -> int:
        """Where ``state`` stands on the main path: the index of its first step; ``len(steps)`` for a final
        state; for a state off the path (a case lifted to ``eskalert``), the index of the step after the one it
        is reached from, the place of the state it stands in for; -1 when it is reached from nowhere on the path."""
        if self._path_indexes is None:
            self._path_indexes = self._index_states()
        return self._path_indexes.get(state, -1)

    def _index_states(self) -> dict[str, int]:
        """``path_index`` of every state, worked out once (states and acts do not change)."""
        steps = self.steps()
        first: dict[str, int] = {}
        for i, step in enumerate(steps):
            first.setdefault(step.state, i)
        index = dict(first)
        for state in self.final_states:
            index.setdefault(state, len(steps))
        for act in self.acts:
            if act.kind in ("send_back", "withdraw"):
                continue
            dests = set(act.gateway[2].values()) if act.gateway is not None else {act.dest}
            for dest in dests:
                if dest is None or dest in first or dest in self.final_states:
                    continue
                for source in act.sources:
                    if source in first:
                        after = first[source]
                        while after < len(steps) and steps[after].state == source:
                            after += 1
                        index[dest] = max(index.get(dest, -1), after)
        return index

    # ------------------------------------------------------------------ cases

    def new_case(
        self,
        title: str,
        *,
        case_id: str | None = None,
        on: dt.date | None = None,
        attributes: Mapping[str, Any] | None = None,
        **data: Any,
    ) -> Case:
        """Open a case in the initial state; records event 1 (``open``). ``data``: the opening facts;
        ``attributes``: what the case is about, for routing (``{"region": "sør"}``), recorded in the open event."""
        if not isinstance(title, str) or not title.strip():
            raise RuleError("en sak må ha en tittel", code="missing-title")
        today = clock.current_clock().today()
        refused = (reserved_refusal(data) if data else None) or self._date_refusal(on, today)
        if (
            refused is None
            and attributes is not None
            and (not isinstance(attributes, Mapping) or not all(isinstance(k, str) and k for k in attributes))
        ):
            refused = RuleError(
                f'attributes må være en tabell {{navn: verdi}}, som {{"region": "sør"}}; fikk «{attributes}»',
                code="bad-attributes",
            )
        if refused is not None:
            raise refused
        case_id = case_id or f"{self.name}-{next(self._counter)}"
        if data:
            facts = freeze(data)
            payload = FrozenDict(title=title, version=self.version, data=facts)
        else:
            facts, payload = EMPTY, FrozenDict(title=title, version=self.version)
        if attributes:
            payload = FrozenDict({**payload, "attributes": freeze(dict(attributes))})
        first = _new_tuple(Event, (1, "open", None, None, on or today, payload, None, self.initial, recorded_at()))
        return Case._create(case_id, title, self, first, dict(facts))

    def replay(self, events: Iterable[Event], *, case_id: str | None = None) -> Case:
        """Rebuild a case from its events without re-judging them (the store vouches for them); corrections are
        applied as they come."""
        it = iter(events)
        first = next(it, None)
        if first is None or first.act != "open" or first.seq != 1:
            raise SamhandlingError("en hendelsesstrøm må starte med «open» (nr. 1)", code="bad-stream")
        version = str(first.payload.get("version", self.version))
        if version != self.version:
            raise ProcessDefinitionError(
                f"saken ble startet under versjon {version} av prosessen {self.name}, men denne definisjonen er "
                f"versjon {self.version}",
                code="version-mismatch",
            )
        first = frozen_event(first)
        case = Case._create(
            case_id or str(first.payload.get("case_id", "")) or f"{self.name}-replay",
            str(first.payload["title"]),
            self,
            first,
            dict(first.payload.get("data") or {}),
        )
        for expected, event in enumerate(it, start=2):
            if event.seq != expected:
                raise SamhandlingError(f"hendelse nr. {event.seq} kom der nr. {expected} var ventet", code="bad-stream")
            if event.to_state not in self._states:
                raise SamhandlingError(
                    f"hendelse nr. {event.seq} viser til ukjent tilstand «{event.to_state}»", code="bad-stream"
                )
            event = frozen_event(event)
            if event.act == TIMER:  # a deadline that fired (process/timers.py): the state it records, nothing else
                case._state = event.to_state
                case._events.append(event)
                continue
            if event.act == CORRECT:
                case._events.append(event)
                self._apply_corrections(case)
                continue
            act = self.act_def(event.act)
            self._apply(case, act, event)
            case._state = event.to_state
            case._events.append(event)
        return case

    def perform(
        self,
        case: Case,
        act_name: str,
        *,
        by: str | None,
        on: dt.date | None,
        person: str | None,
        payload: dict[str, Any],
        present: Iterable[str] | None = None,
    ) -> Event:
        return self._perform(case, act_name, by, on, person, payload, False, present)

    def _perform(
        self,
        case: Case,
        act_name: str,
        by: str | None,
        on: dt.date | None,
        person: str | None,
        payload: dict[str, Any],
        own: bool,
        present: Iterable[str] | None = None,
    ) -> Event:
        """``perform`` with positional arguments (what ``Case.act`` calls). ``own``: ``payload`` is a dict no caller
        holds (``Case.act``'s keyword arguments), so it is normalised in place rather than copied. Its values may
        still be the caller's: the recorded payload is a deep-frozen copy."""
        if act_name == CORRECT:
            return self._correct(case, by, on, person, payload)
        if act_name == TIMER:  # the built-in act of a deadline firing (process/timers.py)
            event = timer_event(case, on, payload, recorded_at())
            case._events.append(event)
            case._state = event.to_state
            return event
        refusals, act, resolved, day, party, positions = self._judge(case, act_name, by, on, person, payload, present)
        if refusals:
            first = refusals[0]
            first.details["reasons"] = [r.message for r in refusals]
            raise first
        assert act is not None and resolved is not None and day is not None  # set when nothing is refused
        body = resolved.id
        payload = normalise_payload(act, body, payload, self, party, own, positions, case._attributes)
        if present is not None:
            payload["present"] = list(self._present_ids(resolved, day, present)[1] or ())
        if act.due is not None and day > act.due:
            payload["overdue_days"] = (day - act.due).days
        frozen = freeze(payload)
        before = case._state
        fired = self._triggers[act_name](case, ctx=_new_tuple(Context, (act, body, day, person, frozen)))
        if not fired:  # pragma: no cover - refusals() mirrors every condition
            case._state = before
            raise RuleError(
                f"handlingen «{act.label}» kunne ikke gjennomføres i tilstanden {self.state_label(before)}",
                code="no-transition",
            )
        events = case._events
        event = _new_tuple(
            Event, (len(events) + 1, act_name, body, person, day, frozen, before, case._state, recorded_at())
        )
        self._apply(case, act, event)
        events.append(event)
        return event

    def _apply(self, case: Case, act: ActDef, event: Event) -> None:
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
            self._clear_after(case, str(payload["to"]))
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

    def _clear_after(self, case: Case, target: str) -> None:
        """Undo what a send-back to ``target`` undoes: everything the steps from ``target`` on recorded (progress,
        per-party records, who acted, payload facts) and an escalation. A fact an earlier step recorded too gets
        that step's value back; one given when the case was opened, its value then. (Called from ``_apply`` before
        the send-back's own event is appended, so ``case._events`` is the history up to it.)"""
        cleared = self._cleared_by(target)
        per_party = case._per_party
        for name in cleared:
            case._progress.pop(name, None)
            if per_party is not None:
                per_party.pop(name, None)
            case._actors.pop(name, None)
        if not per_party:
            case._per_party = None
        case._escalated_to = None
        self._refresh_facts(case, cleared)

    def _refresh_facts(self, case: Case, cleared: frozenset[str] = frozenset()) -> None:
        """Work the payload facts out again from the history (corrections applied), leaving out what the acts in
        ``cleared`` recorded (a send-back under way)."""
        facts: dict[str, Any] = {}
        for key, writers in self._fact_history(self._effective(case._events)).items():
            kept = [value for value, act in writers if act not in cleared]
            if kept:
                facts[key] = kept[-1]
        case._facts = facts

    def _cleared_by(self, target: str) -> frozenset[str]:
        """The acts a send-back to ``target`` undoes: the steps from ``target`` on, and an escalation."""
        index = self.path_index(target)
        later = (
            self.steps()[index:] if index >= 0 else []
        )  # a target off every path (never judged valid) clears no step
        return frozenset({step.act for step in later} | {a.name for a in self.acts if a.kind == "escalate"})

    def _fact_history(self, events: Iterable[Event]) -> dict[str, list[tuple[Any, str | None]]]:
        """Per payload fact, the values recorded and by which act (None: given at opening), oldest first, with what
        earlier send-backs undid taken out: the same facts ``_apply`` writes."""
        facts: dict[str, list[tuple[Any, str | None]]] = {}
        for event in events:
            if event.act == "open":
                for key, value in (event.payload.get("data") or {}).items():
                    facts.setdefault(key, []).append((value, None))
                continue
            act = self._acts.get(event.act)
            if act is None or act.per_party is not None:
                continue
            if act.kind == "send_back":
                undone = self._cleared_by(str(event.payload.get("to")))
                for key, writers in list(facts.items()):
                    writers[:] = [(value, by) for value, by in writers if by not in undone]
                    if not writers:
                        del facts[key]
                continue
            for key, value in event.payload.items():
                if key not in NOT_FACTS:
                    facts.setdefault(key, []).append((value, event.act))
        return facts

    # ------------------------------------------------------------------ corrections

    def _effective(self, events: Sequence[Event]) -> list[Event]:
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
            act = self._acts.get(target.act)
            if act is not None and act.due is not None and on != target.on:
                rest = {k: v for k, v in payload.items() if k != "overdue_days"}
                if on > act.due:
                    rest["overdue_days"] = (on - act.due).days
                payload = FrozenDict(rest)
            out[i] = target._replace(on=on, payload=payload)
        if not corrected:
            return out
        return [e for e in out if e.act != CORRECT]

    def _apply_corrections(self, case: Case) -> None:
        """After a correction: the facts and the date bounds worked out again from the corrected history."""
        effective = self._effective(case._events)
        self._refresh_facts(case)
        case._floor, case._latest = date_bounds(self, effective)

    def correction_refusals(
        self, case: Case, by: str | None, on: dt.date | None, person: str | None, payload: dict[str, Any]
    ) -> tuple[list[ActRefusedError], dict[str, Any] | None]:
        """The refusals of a correction, and the payload it records when there are none."""
        out: list[ActRefusedError] = []
        reserved = reserved_refusal(
            {k: v for k, v in payload.items() if k != "facts"}
        )  # «facts» is the correction's own
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
                body_id = self._body(by).id
            except SamhandlingError as exc:
                return [AuthorityError(exc.message, code="unknown-body")], None
        if person is not None and body_id is None:
            return [CorrectionError("en person kan bare rette på vegne av et organ (by=<organ>)")], None
        seq = payload.get("event")
        events = case._events
        if type(seq) is not int or not 1 <= seq <= len(events) or events[seq - 1].act == CORRECT:
            return [
                CorrectionError(
                    f"en rettelse må vise til en hendelse i saken (event=1..{len(events)}, ikke en rettelse); "
                    f"fikk {seq!r}"
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
            refused = self._date_refusal(new_on, clock.today())
            if refused is not None:
                out.append(refused)
        act = self._acts.get(target.act)
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
                    out.append(
                        CorrectionError(f"en rettelse kan ikke tømme {', '.join(emptied)}, som handlingen krever")
                    )
        record: dict[str, Any] = {"event": seq, "reason": reason}
        if new_on is not None and isinstance(new_on, dt.date):
            record["on"] = new_on.isoformat()
        if facts:
            record["facts"] = dict(facts)
        if not out and new_on is not None:
            probe = Event(len(events) + 1, CORRECT, body_id, person, target.on, freeze(record), None, case._state)
            effective = self._effective([*events, probe])
            bad = date_order_break(self, effective)
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

    def _correct(
        self, case: Case, by: str | None, on: dt.date | None, person: str | None, payload: dict[str, Any]
    ) -> Event:
        refusals, record = self.correction_refusals(case, by, on, person, payload)
        if refusals:
            first = refusals[0]
            first.details["reasons"] = [r.message for r in refusals]
            raise first
        assert record is not None
        body = None if by is None else self._body(by).id
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
        self._apply_corrections(case)
        return event

    # ------------------------------------------------------------------ refusals

    def refusals(
        self,
        case: Case,
        act_name: str,
        *,
        by: str | None,
        on: dt.date | None,
        person: str | None,
        payload: dict[str, Any],
        present: Iterable[str] | None = None,
    ) -> list[ActRefusedError]:
        """Every reason ``act_name`` by ``by`` is refused now (empty: allowed)."""
        if act_name == CORRECT:
            return self.correction_refusals(case, by, on, person, payload)[0]
        if act_name == TIMER:
            return timer_refusals(case, on, payload)
        return list(self._judge(case, act_name, by, on, person, payload, present)[0])

    def _judge(
        self,
        case: Case,
        act_name: str,
        by: str | None,
        on: dt.date | None,
        person: str | None,
        payload: dict[str, Any],
        present: Iterable[str] | None = None,
    ) -> _Judgement:
        """(refusals, act, body, day, party, positions) for ``perform`` and ``refusals``: the refusals in order (the
        shared empty tuple when the act is allowed; act, body and day are then set), the first ones ending the checks
        early. ``party`` is what the per-party check resolved (party id, canonical outcome) when it ran alone, and
        ``positions`` what the consensus guard resolved ({party id: word}); each None otherwise."""
        plan = self._plans.get(act_name)
        if plan is None:
            return [self._unknown_act(act_name)], None, None, None, None, None
        act = plan.act
        reserved = reserved_refusal(payload) if payload else None
        if reserved is not None:
            return [reserved], act, None, None, None, None
        state = case._state
        if state in self.final_states:  # case.is_final (the case is one of this definition's)
            return (
                [
                    StateError(
                        f"saken er avsluttet ({self.state_label(state)}); «{act.label}» er ikke mulig",
                        code="case-closed",
                    )
                ],
                act,
                None,
                None,
                None,
                None,
            )
        if state not in plan.sources:
            pending = self._pending_collection(case, act)
            if pending is not None:
                return [pending], act, None, None, None, None
            possible = ", ".join(f"{a.act} ({a.label})" for a in self.available_acts(case)) or "ingen"
            return (
                [
                    StateError(
                        f"«{act.label}» er ikke mulig i tilstanden «{self.state_label(state)}»; mulige handlinger nå: {possible}",
                        code="invalid-state",
                        details={"state": state, "act": act_name},
                    )
                ],
                act,
                None,
                None,
                None,
                None,
            )
        body = self._body_refs.get(by) if type(by) is str else None
        if body is None:
            try:
                if by is None:
                    raise AuthorityError("handlingen må gjøres av et organ (by=<organ>)", code="unknown-body")
                body = self._body(by)
            except SamhandlingError as exc:
                return [AuthorityError(exc.message, code="unknown-body")], act, None, None, None, None
        per_party = plan.by_day is not None
        bound = case._floor if per_party else case._latest  # per-party records: any date order among themselves
        late: ActRefusedError | None = None
        if on is None:
            today = clock.current_clock().today()
            day = today if today > bound else bound
        else:
            day = on
            # The future rule guards the case's time frontier: a date not after one the case already holds was judged
            # when that was recorded (and asking the clock costs more than the rest of this check).
            if type(on) is not dt.date or on > case._latest:
                late = self._date_refusal(on, clock.current_clock().today())
                if late is not None and late.code == "bad-date":
                    return [late], act, None, None, None, None  # before anything reads the date
        unauthorised = self._authority(case, act, body, on, person)
        out: list[ActRefusedError] | None = list(unauthorised) if unauthorised else None
        if late is not None:
            out = [late] if out is None else [*out, late]
        if day < bound:
            if out is None:
                out = []
            out.append(
                RuleError(
                    f"datoen {day.isoformat()} er før forrige hendelse ({bound.isoformat()}); "
                    "hendelser føres i tidsrekkefølge"
                    + (
                        " (vedtak per part kan føres i vilkårlig rekkefølge, men ikke før steget som startet dem)"
                        if per_party
                        else ""
                    ),
                    code="date-order",
                )
            )
        guards: Sequence[ActRefusedError]
        party = positions = None
        present_ids: tuple[str, ...] | None = None
        if present is not None:
            unseated, present_ids = self._present_ids(body, day, present)
            if unseated:
                out = unseated if out is None else [*out, *unseated]
        if plan.per_party_only:  # never judged by a decision rule
            rule = None
            guards, party = self._per_party_check(case, plan, body.id, day, payload)
        else:
            rule = plan.rules.get(body.id, _UNSET)
            if rule is _UNSET:
                rule = plan.rules[body.id] = self._rule_for(act, body)
            if plan.guarded or rule is not None:
                guards, positions = self._guards(case, act, body, day, payload, rule, present_ids)
            else:
                guards = _NO_REFUSALS
        if positions is None and rule is None and ("positions" in payload or "against" in payload):
            # Positions recorded by an act without the consensus guard (an escalation's disagreement): read alike.
            unread, positions = self._read_positions(payload)
            guards = [*guards, *unread]
        if guards:
            out = list(guards) if out is None else out + list(guards)
        return (_NO_REFUSALS if out is None else out), act, body, day, party, positions

    def _date_refusal(self, on: object, today: dt.date) -> ActRefusedError | None:
        """``bad-date`` when ``on`` is not a date, ``future-date`` when it lies after today plus the horizon."""
        if on is None:
            return None
        if type(on) is not dt.date and (not isinstance(on, dt.date) or isinstance(on, dt.datetime)):
            return BadDateError(
                f"datoen (on) må være en dato (datetime.date), ikke {type(on).__name__} «{on}»",
                details={"on": str(on)},
            )
        if on > today + self.horizon:
            days = self.horizon.days
            limit = "i dag" if not days else f"{days} dager etter i dag"
            return FutureDateError(
                f"datoen {on.isoformat()} ligger etter {limit} ({(today + self.horizon).isoformat()}); "
                f"hendelser føres med datoen de skjedde (innstillingen {HORIZON_SETTING} i prosessen)",
                details={"on": on.isoformat(), "today": today.isoformat(), "horizon_days": days},
            )
        return None

    def _body(self, name: str) -> Body:
        """``structure.body(name)``, remembered per name string (raises as it does)."""
        if type(name) is not str:
            return self.structure.body(name)
        return _remembered(self._body_refs, name, self.structure.body)

    def _party(self, name: str) -> Party:
        """``structure.party(name)`` for a string, remembered per string (raises as it does)."""
        return _remembered(self._party_refs, name, self.structure.party)

    def _unknown_act(self, name: str) -> StateError:
        import difflib

        close = difflib.get_close_matches(name, list(self._acts), n=3)
        hint = f"; mente du {', '.join(close)}?" if close else f"; kjente: {', '.join(self._acts)}"
        return StateError(f"prosessen {self.name} har ingen handling «{name}»{hint}", code="unknown-act")

    def _acts_from(self, state: str) -> list[ActDef]:
        return [a for a in self.acts if state in a.sources]

    def _actor_bodies(self, case: Case, act: ActDef) -> tuple[str, ...]:
        """The bodies that may perform ``act`` on this case now."""
        escalated = case._escalated_to  # the engine's record, never a payload fact
        if escalated and act.kind in DECIDING_KINDS and case._state in self._escalated_states:
            return (escalated,)
        if act.actor.same_as:
            actor = case._actors.get(act.actor.same_as)
            return (actor,) if actor else self._static_bodies(act)
        return act.bodies

    def _authority(
        self, case: Case, act: ActDef, body: Body, on: dt.date | None, person: str | None
    ) -> Sequence[ActRefusedError]:
        """The authority check (the one place it is made): the body may act on this case now, in its turn, and a
        named person holds a seat in it."""
        allowed = self._actor_bodies(case, act)
        structure = self.structure
        body_id = body.id
        if act.actor.in_order:
            done = case._progress.get(act.name) or ()
            if body_id in done:
                return [
                    RuleError(f"{body.label} har allerede gjort «{act.label}» i denne saken", code="already-recorded")
                ]
            sequence = act.actor.bodies
            if body_id in sequence:
                turn = next((b for b in sequence if b not in done), body_id)
                if turn != body_id:
                    return [
                        AuthorityError(
                            f"«{act.label}» skjer i rekkefølge: {structure.body(turn).label} må behandle saken før "
                            f"{body.label}",
                            code="out-of-order",
                        )
                    ]
        if body_id not in allowed:
            names = ", ".join(structure.body(b).label for b in allowed)
            if act.kind in DECIDING_KINDS and body.power is not DecisionPower.DECIDES:
                rule = self._rule_text(body, "decision_power")
                return [
                    AuthorityError(
                        f"{body.label} er et {'rådgivende organ' if body.power is DecisionPower.ADVISES else 'organ'} "
                        f"uten beslutningsmyndighet og kan ikke «{act.label}»; det gjør {names}{rule}",
                        code="advisory-body",
                        details={"body": body.id, "allowed": list(allowed)},
                    )
                ]
            return [
                AuthorityError(
                    f"{body.label} kan ikke «{act.label}» i denne saken; det gjør {names}",
                    code="wrong-body",
                    details={"body": body.id, "allowed": list(allowed)},
                )
            ]
        if person is not None:
            named = [m for m in structure.members(body) if m.person]
            if named and not structure.has_seat(body, person, on):
                when = f" den {on.isoformat()}" if on else ""
                return [
                    AuthorityError(
                        f"{person} har ikke sete i {body.label}{when}",
                        code="no-seat",
                        details={"person": person, "body": body.id},
                    )
                ]
        return _NO_REFUSALS

    def _rule_text(self, body: Body, category: str) -> str:
        key = (body.id, category)
        hit = self._rule_texts.get(key)
        if hit is None:
            hit = ""
            for rule in self.structure.rules:
                if rule.category == category and body.id in _rule_bodies(self.structure, rule):
                    hit = f" (regel {rule.id}: «{rule.source.text}»)"
                    break
            self._rule_texts[key] = hit
        return hit

    def _required_parties(self, act: ActDef, body_id: str | None, on: dt.date | None) -> list[Party]:
        return list(self._required(act, body_id, on)[0])

    def _collection_body(self, case: Case, act: ActDef, acting: str | None) -> str | None:
        """The body whose parties a per-party act collects: the body of the act named by ``parties_of`` when that
        act has been performed, otherwise the acting body."""
        pp = act.per_party
        if pp is not None and pp.parties_of is not None:
            ref = case._actors.get(pp.parties_of)
            if ref is not None:
                return ref
        return acting

    def _required(
        self, act: ActDef, body_id: str | None, on: dt.date | None
    ) -> tuple[tuple[Party, ...], frozenset[str]]:
        """The parties a per-party act needs on a day, and their ids (cached per act, body and day): the parties of
        the act's kinds among those who count in ``body_id`` that day (:meth:`voters`), or among every party of the
        structure valid that day when no body is known."""
        by_day = self._parties_cache.get(act.name)
        key = (body_id, on)
        hit = None if by_day is None else by_day.get(key)
        if hit is None:
            assert act.per_party is not None and by_day is not None
            kinds = set(act.per_party.kinds)
            if body_id is None:
                pool: Iterable[Party] = self.structure.parties
            else:
                voters = self.voters(body_id, on)
                pool = [*voters.parties, *(self._party(i) for i in voters.speak if i not in voters.ids)]
            parties = tuple(p for p in pool if p.kind in kinds and p.period.contains(on))
            if len(by_day) >= 4096:
                by_day.clear()
            hit = by_day[key] = (parties, frozenset(p.id for p in parties))
        return hit

    def voters(self, body: Body | str, on: dt.date | None) -> Voters:
        """Who counts in ``body``'s decisions on ``on`` (cached per body and day).

        ``parties``: the parties to the agreement (municipalities and health trusts) holding a member seat in the
        body that day. A body seated through a cluster of municipalities (``kind: cluster``), or with no member
        seat of a municipality or health trust at all, decides for the whole cooperation: then every municipality
        and health trust of the structure valid that day counts. ``speak``: the ids whose positions are accepted
        (those counted, every other party with a member seat, and the deputies); ``deputy_for``: deputy party id ->
        the party it stands in for (a deputy's position counts as that party's, never beside it)."""
        body_id = body if isinstance(body, str) else body.id
        key = (body_id, on)
        hit = self._voters_cache.get(key)
        if hit is not None:
            return hit
        structure = self.structure
        voting = structure.voting_parties(body_id, on)
        own = [p for p in voting if p.kind in AGREEMENT_KINDS and p.period.contains(on)]
        if not own or any(p.kind is PartyKind.CLUSTER for p in voting):
            seated = {p.id for p in own}
            own = [p for p in structure.parties if p.kind in AGREEMENT_KINDS and p.period.contains(on)]
            own += [p for p in voting if p.id in seated and p not in own]
        ids = frozenset(p.id for p in own)
        deputy_for = {d: principal for d, principal in structure.deputy_map(body_id, on).items() if principal in ids}
        speak = ids | {p.id for p in voting if p.kind is not PartyKind.CLUSTER} | deputy_for.keys()
        if len(self._voters_cache) >= 4096:
            self._voters_cache.clear()
        hit = self._voters_cache[key] = Voters(tuple(own), ids, frozenset(speak), deputy_for)
        return hit

    def _rule_for(self, act: ActDef, body: Body) -> CompletionRule | None:
        """The completion rule ``act`` by ``body`` is judged by, or None when no positions are counted: the act's own
        ``rule:``; for ``guard: consensus``, the body's decision rule (consensus when it has none counted); for an
        approve, decide or assess act of a body with a counted decision rule, that rule (unless the setting
        ``consensus_scope`` is ``guarded_acts``). Per-party acts are never counted."""
        if act.rule is not None:
            return act.rule
        if act.per_party is not None:
            return None
        body_id = body.id
        if body_id in self._body_rules:
            body_rule = self._body_rules[body_id]
        else:
            body_rule = body.completion or (
                CompletionRule(kind=body.decision_rule) if body.decision_rule in COUNTED_RULES else None
            )
            self._body_rules[body_id] = body_rule
        if act.guard == "consensus":
            return body_rule or _CONSENSUS
        if body_rule is not None and self.all_decisions_counted and act.kind in RULED_KINDS:
            return body_rule
        return None

    def _present_ids(
        self, body: Body, on: dt.date, present: Iterable[str]
    ) -> tuple[list[ActRefusedError], tuple[str, ...] | None]:
        """``present`` resolved to party ids (a deputy given is the party it stands in for), and the refusals: not a
        list of names, an unknown party (``unknown-party``), a party without a voting seat (``no-seat-party``)."""
        if isinstance(present, (str, bytes, Mapping)) or not isinstance(present, Iterable):
            return [RuleError(f"present må være en liste med parter, ikke «{present}»", code="bad-present")], None
        voters = self.voters(body, on)
        out: dict[str, None] = {}
        for raw in present:
            ident = self._party_id(raw) if type(raw) is str else None
            if ident is None:
                return [RuleError(f"ukjent part «{raw}» blant de til stede (present)", code="unknown-party")], None
            ident = voters.deputy_for.get(ident, ident)
            if ident not in voters.speak:
                if self._seated_cluster(body, on, ident):
                    out.update(dict.fromkeys(municipalities(voters)))
                    continue
                return [self._no_seat(body, on, ident, "er oppgitt som til stede")], None
            out[ident] = None
        return [], tuple(out)

    def _seated_cluster(self, body: Body, on: dt.date, ident: str) -> bool:
        """Whether ``ident`` is a cluster of municipalities with a member seat in ``body`` that day (Sogn og Fjordane's
        «Kommunane»). The structure does not say which municipalities a cluster represents, so its position and its
        presence stand for every municipality that counts in the body (see :meth:`voters`)."""
        party = self._party(ident)
        return party.kind is PartyKind.CLUSTER and any(p.id == ident for p in self.structure.voting_parties(body, on))

    def _no_seat(self, body: Body, on: dt.date, ident: str, what: str) -> RuleError:
        name = self._party(ident).name
        return RuleError(
            f"{name} {what}, men har ikke stemmerett (medlemssete) i {body.label} den {on.isoformat()}",
            code="no-seat-party",
            details={"party": ident, "body": body.id, "on": on.isoformat()},
        )

    def _guards(
        self,
        case: Case,
        act: ActDef,
        body: Body,
        on: dt.date,
        payload: dict[str, Any],
        rule: CompletionRule | None = None,
        present: tuple[str, ...] | None = None,
    ) -> tuple[list[ActRefusedError], dict[str, str] | None]:
        """Every guard's refusals, and the positions the consensus guard resolved (see ``_consensus_guard``)."""
        out: list[ActRefusedError] = []
        positions = None
        missing = [label for key, label in act.requires.items() if not payload.get(key)]
        if missing:
            out.append(
                RuleError(
                    f"«{act.label}» krever {_join(missing)}",
                    code="missing-input",
                    details={"missing": [k for k in act.requires if not payload.get(k)]},
                )
            )
        if act.gateway is not None:
            key, label, _ = act.gateway
            if not isinstance(payload.get(key), bool):
                out.append(
                    RuleError(f"«{act.label}» må avgjøre {label} ({key}=true eller false)", code="missing-decision")
                )
        if act.per_party is not None:
            out.extend(self._per_party_check(case, self._plans[act.name], body.id, on, payload)[0])
        if act.kind == "escalate":
            out.extend(self._escalation_guard(body, payload, case._attributes))
        if act.kind == "send_back":
            target = payload.get("to")
            here = self.path_index(case._state)
            if (
                not isinstance(target, str)
                or target not in self._states
                or not (0 <= self.path_index(str(target)) < here)
            ):
                earlier = [s.state for s in self.steps() if 0 <= self.path_index(s.state) < here]
                out.append(
                    RuleError(
                        f"en sak kan bare sendes tilbake til et tidligere steg; «{target}» er ikke det "
                        f"(mulige: {', '.join(dict.fromkeys(earlier)) or 'ingen'})",
                        code="invalid-target",
                    )
                )
            if not payload.get("reason"):
                out.append(RuleError("å sende saken tilbake krever en begrunnelse (reason)", code="missing-input"))
        if act.kind == "withdraw" and not payload.get("reason"):
            out.append(RuleError("å trekke saken krever en begrunnelse (reason)", code="missing-input"))
        if rule is not None:
            refused, positions = self._decision_guard(body, on, payload, rule, present)
            out.extend(refused)
        if act.deadline is not None:
            out.extend(self._deadline_guard(act, on, payload))
        return out, positions

    def _deadline_guard(self, act: ActDef, on: dt.date, payload: dict[str, Any]) -> list[ActRefusedError]:
        assert act.deadline is not None
        key, days, rule_id = act.deadline
        meeting = as_date(payload.get(key))
        if meeting is None:
            return [RuleError(f"«{act.label}» krever møtedatoen ({key}=ÅÅÅÅ-MM-DD)", code="missing-input")]
        last = meeting - dt.timedelta(days=days)
        if on > last:
            rule = ""
            if rule_id:
                try:
                    rule = f" (regel {rule_id}: «{self.structure.rule(rule_id).source.text}»)"
                except KeyError:
                    rule = f" (regel {rule_id})"
            return [
                RuleError(
                    f"for sent: saker til møtet {meeting.isoformat()} må meldes inn senest {last.isoformat()} "
                    f"({days} dager før), men dette er {on.isoformat()}{rule}",
                    code="late-item",
                    details={"meeting": meeting.isoformat(), "last": last.isoformat()},
                )
            ]
        return []

    def _per_party_check(
        self, case: Case, plan: _ActPlan, body_id: str, on: dt.date, payload: dict[str, Any]
    ) -> tuple[Sequence[ActRefusedError], tuple[str, str | None] | None]:
        """The per-party guard's refusals, and when there are none, what it resolved: (party id, the canonical
        outcome or None), which ``normalise_payload`` then need not work out again."""
        act = plan.act
        assert act.per_party is not None and plan.by_day is not None
        raw = payload.get("party")
        if not raw:
            return [
                RuleError(f"«{act.label}» registreres for én part om gangen: oppgi party=<part>", code="missing-input")
            ], None
        party = self._party_refs.get(raw) if type(raw) is str else None
        if party is None:
            try:
                party = self._party(str(raw))
            except SamhandlingError as exc:
                return [RuleError(exc.message, code="unknown-party")], None
        party_id = party.id
        parties_of = act.per_party.parties_of
        ref = body_id if parties_of is None else (case._actors.get(parties_of) or body_id)
        hit = plan.by_day.get((ref, on))
        required = (hit if hit is not None else self._required(act, ref, on))[1]
        if party_id not in required:
            return [
                RuleError(
                    f"{party.name} er ikke en av partene som skal registreres for «{act.label}»", code="wrong-party"
                )
            ], None
        name = plan.name
        entries = case._progress.get(name)
        if entries and party_id in entries:
            return [RuleError(f"«{act.label}» er allerede registrert for {party.name}", code="already-recorded")], None
        outcome = None
        if plan.outcome:
            said = payload.get("outcome")
            outcome = outcome_word(said)
            if outcome is None:
                if said is None or said == "":
                    return [
                        RuleError(
                            f"«{act.label}» krever utfall: outcome=vedtatt eller avvist (adopted/rejected)",
                            code="missing-input",
                        )
                    ], None
                return [
                    UnknownOutcomeError(
                        f"ukjent utfall «{said}» for «{act.label}»; godtatt: {', '.join(OUTCOME_WORDS)}",
                        details={"word": str(said), "accepted": list(OUTCOME_WORDS)},
                    )
                ], None
        return _NO_REFUSALS, (party_id, outcome)

    def _pending_collection(self, case: Case, act: ActDef) -> RuleError | None:
        """When ``act`` waits for a per-party act that is still being collected in this state (anchoring in every
        municipality and the hospital before the work starts), say which parties are missing."""
        for other in self.acts:
            pp = other.per_party
            if pp is None or case._state not in other.sources or other.dest not in act.sources:
                continue
            day = case._latest
            recorded = case._progress.get(other.name) or {}
            acting = case._actors.get(other.name) or next(iter(self._static_bodies(other)), None)
            ref = self._collection_body(case, other, acting)
            missing = [p.name for p in self._required_parties(other, ref, day) if p.id not in recorded]
            if not missing:
                continue
            source = f" («{other.source_text.split(' — ')[0]}»)" if other.source_text else ""
            return RuleError(
                f"«{act.label}» kan ikke skje før «{other.label}» er registrert for alle parter{source}; "
                f"mangler {len(missing)}: {_join(missing)}",
                code=pp.incomplete_code or f"{other.name}-incomplete",
                details={"waiting_for": other.name, "missing": missing},
            )
        return None

    def _escalation_guard(
        self, body: Body, payload: dict[str, Any], attributes: Mapping[str, Any] | None = None
    ) -> list[ActRefusedError]:
        targets = escalation_targets(self.structure, body, attributes)
        if not targets and self.structure.targets(body, RelationKind.ESCALATES_TO):
            about = ", ".join(f"{k}={v}" for k, v in (attributes or {}).items()) or "ingen"
            return [
                RuleError(
                    f"ingen av {body.label}s «løfter saker til»-relasjoner gjelder denne saken (sakens egenskaper: "
                    f"{about}); saken kan ikke løftes",
                    code="no-escalation-target",
                    details={"attributes": dict(attributes or {})},
                )
            ]
        if not targets:
            return [
                RuleError(
                    f"{body.label} har ingen «løfter saker til»-relasjon i strukturen; saken kan ikke løftes",
                    code="no-escalation-target",
                )
            ]
        wanted = payload.get("to")
        if wanted is not None:
            # The target comes from the graph: an explicit «to» must be one of the body's escalates_to targets.
            try:
                wanted_id: str | None = self.structure.body(str(wanted)).id
            except SamhandlingError:
                wanted_id = None
            if wanted_id not in {t.id for t in targets}:
                return [
                    RuleError(
                        f"{body.label} kan ikke løfte saken til «{wanted}»; saker løftes til "
                        f"{_join([t.label for t in targets])}",
                        code="invalid-target",
                    )
                ]
        if not payload.get("reason"):
            return [
                RuleError(
                    "å løfte en sak krever en begrunnelse (reason): uenigheten av prinsipiell karakter",
                    code="missing-input",
                )
            ]
        return []

    def _consensus_among_sides(self) -> bool:
        return bool(
            self.structure.setting("consensus_among", self.settings.get("consensus_among", "parties")) == "sides"
        )

    def _read_positions(
        self, payload: Mapping[str, Any], sides: bool | None = None
    ) -> tuple[list[ActRefusedError], dict[str, str] | None]:
        """What ``positions`` and ``against`` say, each party (or side, when consensus is among the sides) resolved
        to its id and each word to its canonical position: ``{id: for|against|abstain}`` in the order given; None
        when neither is given. Refused: ``positions`` not a mapping, a word outside :data:`POSITION_WORDS`
        (``unknown-position``), an unknown party, one party named twice in any spelling (``duplicate-party``),
        ``against`` not a list of known parties (``bad-against``). The one reading of positions (the consensus
        guard and the recorded payload both use it)."""
        raw = payload.get("positions")
        against = payload.get("against")
        if raw is None and against is None:
            return [], None
        if sides is None:
            sides = self._consensus_among_sides()
        out: dict[str, str] = {}
        spelled: dict[str, object] = {}  # id -> how it was first named
        if raw is not None:
            if not isinstance(raw, Mapping):
                return [
                    RuleError(
                        f"positions må være en tabell {{part: for|mot|avstår}}, ikke «{raw}»", code="bad-positions"
                    )
                ], None
            for key, value in raw.items():
                word = POSITION_WORDS.get(value) if type(value) is str else None  # a canonical spelling
                if word is None:
                    word = position_word(value)
                    if word is None:
                        return [
                            UnknownPositionError(
                                f"ukjent standpunkt «{value}» for «{key}»; godtatt: {', '.join(POSITION_WORDS)}",
                                details={"word": str(value), "accepted": list(POSITION_WORDS)},
                            )
                        ], None
                ident = self._side_id(key) if sides else self._party_id(key)
                if ident is None:
                    what = "side" if sides else "part"
                    return [RuleError(f"ukjent {what} «{key}» i standpunktene", code="unknown-party")], None
                if ident in out:
                    return [_duplicate(spelled[ident], key, ident)], None
                out[ident] = word
                spelled[ident] = key
        if against is not None:
            if not isinstance(against, (list, tuple)):
                return [
                    BadAgainstError(
                        f"against må være en liste med parter, ikke «{against}»", details={"against": str(against)}
                    )
                ], None
            for key in against:
                ident = (self._side_id(key) if sides else self._party_id(key)) if type(key) is str else None
                if ident is None:
                    return [BadAgainstError(f"against nevner «{key}», som ikke er en kjent part")], None
                if ident in out:
                    return [_duplicate(spelled[ident], key, ident)], None
                out[ident] = "against"
                spelled[ident] = key
        return [], out

    def _party_id(self, key: object) -> str | None:
        """The id of the party ``key`` names (id, name or alias), or None."""
        party = self._party_refs.get(key) if type(key) is str else None
        if party is None:
            try:
                party = self._party(str(key))
            except SamhandlingError:
                return None
        return str(party.id)

    @staticmethod
    def _side_id(key: object) -> str | None:
        word = name_key(str(key))
        for side, names in SIDE_NAMES.items():
            if word in names:
                return side
        return None

    def _decision_guard(
        self,
        body: Body,
        on: dt.date,
        payload: Mapping[str, Any],
        rule: CompletionRule | None = None,
        present: tuple[str, ...] | None = None,
    ) -> tuple[list[ActRefusedError], dict[str, str] | None]:
        """The decision rule's refusals, and the positions it resolved (see ``_read_positions``; a deputy's position
        recorded as the party it stands in for), which ``normalise_payload`` then records as they are. Only a
        canonical ``against`` counts against, and only a word of the closed vocabulary is a position at all.
        ``present``: the parties present and voting (None: every party that counts)."""
        rule = rule or _CONSENSUS
        kind = rule.kind
        sides = kind is DecisionRule.CONSENSUS and self._consensus_among_sides()
        refused, resolved = self._read_positions(payload, sides)
        if refused:
            return refused, None
        rule_text = self._rule_text(body, "decision_rule")
        if resolved is None:
            return [
                RuleError(
                    f"«{body.label}» avgjør etter regelen {_RULE_LABEL[kind]}: hver parts standpunkt må registreres "
                    "(positions={part: for|mot|avstår})",
                    code="positions-missing",
                )
            ], None
        if sides:  # positions per side (the setting consensus_among: sides)
            labels = {"municipal": "kommunene", "hospital": "helseforetaket"}
            missing = [label for side, label in labels.items() if side not in resolved]
            against = [label for side, label in labels.items() if resolved.get(side) == "against"]
            return self._consensus_result(body, rule_text, against, missing, resolved)
        voters = self.voters(body, on)
        ids = voters.ids
        if (
            present is None
            and kind is DecisionRule.CONSENSUS
            and not rule.veto
            and rule.quorum is None
            and resolved.keys() <= ids
        ):  # the common case: consensus of every party that counts, no deputy, no seat to check
            if "against" in resolved.values():
                against = [p.name for p in voters.parties if resolved.get(p.id) == "against"]
                return self._consensus_result(body, rule_text, against, [], resolved)
            if len(resolved) < len(ids):
                missing = [p.name for p in voters.parties if p.id not in resolved]
                return self._consensus_result(body, rule_text, [], missing, resolved)
            return [], resolved
        counted: dict[str, str] = {}
        for ident, word in resolved.items():
            principal = voters.deputy_for.get(ident)
            if principal is not None:
                if principal in resolved or principal in counted:
                    return [_duplicate(self._party(ident).name, self._party(principal).name, principal)], None
                counted[principal] = word
                continue
            if ident not in voters.speak:
                if self._seated_cluster(body, on, ident):
                    for municipality in municipalities(voters):
                        if municipality not in resolved:
                            counted.setdefault(municipality, word)
                    continue
                return [self._no_seat(body, on, ident, "har gitt standpunkt")], None
            counted[ident] = word
        here = ids if present is None else frozenset(i for i in present if i in ids)
        names = {p.id: p.name for p in voters.parties}
        absent = [names[i] for i in counted if i in ids and i not in here]
        if absent:
            return [
                RuleError(
                    f"{_join(absent)} er ikke til stede (present), men har gitt standpunkt i {body.label}",
                    code="not-present",
                    details={"absent": absent},
                )
            ], None
        if rule.quorum is not None:
            need = rule.quorum if isinstance(rule.quorum, int) else -(-len(ids) * rule.quorum[0] // rule.quorum[1])
            if len(here) < need:
                return [
                    RuleError(
                        f"{body.label} er ikke beslutningsdyktig: {len(here)} av {len(ids)} parter til stede, "
                        f"regelen krever minst {need}{rule_text}",
                        code="no-quorum",
                        details={"present": len(here), "needed": need, "voting": len(ids)},
                    )
                ], None
        if rule.veto:
            vetoing = [self._party_id(v) for v in rule.veto]
            vetoed = [self._party(v).name for v in vetoing if v is not None and counted.get(v) == "against"]
            if vetoed:
                return [
                    RuleError(
                        f"{_join(vetoed)} har vetorett i {body.label} og er imot{rule_text}",
                        code="vetoed",
                        details={"against": vetoed},
                    )
                ], None
        ordered = [p for p in voters.parties if p.id in here]
        if kind is DecisionRule.CONSENSUS:
            missing = [p.name for p in ordered if p.id not in counted]
            against = [p.name for p in ordered if counted.get(p.id) == "against"]
            return self._consensus_result(body, rule_text, against, missing, counted)
        if kind is DecisionRule.UNANIMITY:
            missing = [p.name for p in voters.parties if p.id not in counted or p.id not in here]
            against = [p.name for p in voters.parties if counted.get(p.id) in ("against", "abstain")]
            if against:
                return [
                    RuleError(
                        f"{body.label} er ikke enstemmig: {_join(against)} stemmer ikke for{rule_text}",
                        code="no-consensus",
                        details={"against": against},
                    )
                ], None
            return self._consensus_result(body, rule_text, [], missing, counted)
        fors = [p for p in ordered if counted.get(p.id) == "for"]
        not_for = [p.name for p in ordered if counted.get(p.id) != "for"]
        if kind is DecisionRule.K_OF_N:
            k = rule.k or 1
            if len(fors) < k:
                count = f"{len(fors)} for, regelen krever {k} av {len(ids)}"
                return [self._no_majority(body, count, not_for, rule_text)], None
            return [], counted
        if kind is DecisionRule.MAJORITY:
            num, den = rule.share
            n = len(ordered)
            simple = (num, den) == (1, 2)
            ok = n > 0 and (len(fors) * den > num * n if simple else len(fors) * den >= num * n)
            if not ok:
                wanted = "mer enn halvparten" if simple else f"minst {num}/{den}"
                count = f"{len(fors)} av {n} til stede for, regelen krever {wanted}"
                return [self._no_majority(body, count, not_for, rule_text)], None
            return [], counted
        # DecisionRule.SIDES: the municipal side and the hospital side each agree (more for than against among
        # its parties present).
        disagree: list[str] = []
        for label, kind_of_side in (
            ("kommunesiden", PartyKind.MUNICIPALITY),
            ("helseforetakssiden", PartyKind.HEALTH_TRUST),
        ):
            side = [p for p in ordered if p.kind is kind_of_side]
            yes = sum(1 for p in side if counted.get(p.id) == "for")
            no = sum(1 for p in side if counted.get(p.id) == "against")
            if not side or yes <= no:
                disagree.append(label)
        if disagree:
            return [
                RuleError(
                    f"{body.label} har ikke enighet mellom sidene: {_join(disagree)} er ikke enig{rule_text}",
                    code="no-consensus",
                    details={"sides": disagree},
                )
            ], None
        return [], counted

    def _no_majority(self, body: Body, count: str, not_for: list[str], rule_text: str) -> RuleError:
        return RuleError(
            f"{body.label} har ikke flertall: {count}"
            + (f"; ikke for: {_join(not_for)}" if not_for else "")
            + rule_text,
            code="no-majority",
            details={"not_for": not_for},
        )

    @staticmethod
    def _consensus_result(
        body: Body, rule_text: str, against: list[str], missing: list[str], resolved: dict[str, str]
    ) -> tuple[list[ActRefusedError], dict[str, str] | None]:
        if against:
            return [
                RuleError(
                    f"{body.label} har ikke konsensus: {_join(against)} er imot{rule_text}",
                    code="no-consensus",
                    details={"against": against},
                )
            ], None
        if missing:
            return [
                RuleError(
                    f"{body.label} har ikke konsensus før alle parter har tatt standpunkt; mangler "
                    f"{_join(missing)}{rule_text}",
                    code="positions-missing",
                    details={"missing": missing},
                )
            ], None
        return [], resolved

    # ------------------------------------------------------------------ what next

    def available_acts(self, case: Case) -> list[AvailableAct]:
        """What may happen next and by whom (guards that depend on the act's own data are not judged here)."""
        if case.is_final:
            return []
        out = []
        for act in self._acts_from(case._state):
            bodies = self._actor_bodies(case, act)
            if act.actor.in_order:
                done = case._progress.get(act.name, [])
                bodies = tuple(b for b in act.actor.bodies if b not in done)[:1]
            if act.kind == "escalate" and not any(
                escalation_targets(self.structure, b, case._attributes) for b in bodies
            ):
                continue
            if act.kind == "send_back" and self.path_index(case._state) <= 0:
                continue
            out.append(AvailableAct(act.name, act.label, tuple(bodies)))
        return out


#: «Not looked up yet» in ``_ActPlan.rules``.
_UNSET: Any = object()

#: The rule ``guard: consensus`` means for a body without a counted decision rule.
_CONSENSUS = CompletionRule(kind=DecisionRule.CONSENSUS)

_RULE_LABEL = {
    DecisionRule.CONSENSUS: "konsensus",
    DecisionRule.UNANIMITY: "enstemmighet",
    DecisionRule.K_OF_N: "k av n",
    DecisionRule.MAJORITY: "flertall",
    DecisionRule.SIDES: "enighet mellom sidene",
    DecisionRule.LEADER: "lederen avgjør",
    DecisionRule.NONE: "ingen",
}

#: What ``_judge`` and the guards return when nothing is refused (shared: never mutated).
_NO_REFUSALS: tuple[ActRefusedError, ...] = ()


class _ActPlan:
    """What ``_judge`` needs to know about an act, worked out once when the definition compiles."""

    __slots__ = ("act", "by_day", "guarded", "name", "outcome", "per_party_only", "rules", "sources")

    def __init__(self, definition: ProcessDefinition, act: ActDef) -> None:
        self.act = act
        self.sources = frozenset(act.sources)
        other_guards = (
            bool(act.requires)
            or act.gateway is not None
            or act.kind in ("escalate", "send_back", "withdraw")
            or act.guard == "consensus"
            or act.rule is not None
            or act.deadline is not None
        )
        # Which of _guards' checks apply: none, only the per-party one, or several (then _guards runs them all).
        self.per_party_only = act.per_party is not None and not other_guards
        self.guarded = act.per_party is not None or other_guards
        # For _per_party_check: the act's name, its parties by day (the definition's cache) and whether it records
        # an outcome.
        self.name = act.name
        self.by_day = definition._parties_cache.get(act.name)
        self.outcome = act.per_party is not None and act.per_party.outcome
        # body id -> the completion rule the act by that body is judged by (``_rule_for``; the structure and the
        # definition do not change), or None.
        self.rules: dict[str, Any] = {}


def _remembered(cache: dict[str, _T], name: str, look_up: Callable[[str], _T]) -> _T:
    """``look_up(name)``, remembered in ``cache`` (bounded at 4 096 names; a failed look-up raises and is not kept).
    Safe because a structure does not change after loading and strings are immutable."""
    hit = cache.get(name)
    if hit is None:
        hit = look_up(name)
        if len(cache) >= 4096:
            cache.clear()
        cache[name] = hit
    return hit


#: What ``_judge`` returns: (refusals, act, body, day, party, positions); act, body and day are set when nothing is
#: refused.
_Judgement = tuple[
    Sequence[ActRefusedError],
    "ActDef | None",
    "Body | None",
    "dt.date | None",
    "tuple[str, str | None] | None",
    "dict[str, str] | None",
]

#: ``tuple.__new__``: builds a named tuple (Event, Context) from a tuple of its fields without the Python-level
#: ``__new__`` the namedtuple factory writes (same type, same values).
_new_tuple = tuple.__new__


def _payload_is(key: str, value: Any) -> Any:
    def condition(event: Any) -> bool:
        return bool(event.kwargs["ctx"].payload.get(key) == value)

    return condition


def _is_rejection(event: Any) -> bool:
    return bool(event.kwargs["ctx"].payload.get("outcome") == "rejected")


def _duplicate(first: object, again: object, ident: str) -> DuplicatePartyError:
    named = f"«{first}»" if first == again else f"«{first}» og «{again}»"
    return DuplicatePartyError(
        f"{named} er samme part ({ident}), nevnt to ganger i standpunktene (positions/against); "
        "hver part har ett standpunkt",
        details={"party": ident, "names": [str(first), str(again)]},
    )


def _rule_bodies(structure: Structure, rule: Rule) -> set[str]:
    from samhandling.structure.validation import target_bodies

    if not rule.check:
        return set()
    return {b.id for b in target_bodies(structure, dict(rule.check), rule)}


def _join(items: list[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]
