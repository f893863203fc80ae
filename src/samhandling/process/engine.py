"""Process definitions: typed acts over states, validated against a structure and
compiled once into one shared ``transitions.Machine``.

A definition is data (``data/processes/*.yaml``, format in ``docs/process-format.md``).
:func:`get_process` reads it, checks it against the structure it is bound to (every
responsible body exists and holds the power its act needs, every advisory body on
the path can escalate, every state is reachable and can end), and compiles it.

Cases are plain :class:`~samhandling.process.case.Case` objects: the machine fires on them
through ``machine.events[act].trigger(case, ctx=...)`` without ``add_model``, so a
case costs a few hundred bytes and the machine is never copied.

This module holds the compiled :class:`ProcessDefinition` (compile, queries, cases, the judging pass) and
re-exports the public names of the modules it is made of: ``definition`` (the values), ``vocabulary`` (act
kinds, position and outcome words), ``authority``, ``guards``, ``voters``, ``records`` (what an event and
a case's facts record) and ``corrections``.

``Case.act`` first runs the act's short path (``shortpath``, compiled here once per act), which records an act that
is plainly allowed without the general judging pass and otherwise declines, changing nothing; then ``_perform`` judges
the act in full.

Refusals are decided before the machine fires, so a refused act changes nothing:
:class:`~samhandling.errors.StateError` (not possible in this state),
:class:`~samhandling.errors.AuthorityError` (wrong body, advisory body deciding,
person without a seat) or :class:`~samhandling.errors.RuleError` (a guard: no
consensus, anchoring incomplete, missing input).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from samhandling import clock
from samhandling.errors import (
    ActRefusedError,
    AuthorityError,
    BadDateError,
    FutureDateError,
    ProcessDefinitionError,
    RuleError,
    SamhandlingError,
    StateError,
)
from samhandling.process import authority, corrections, guards, records
from samhandling.process import voters as voting
from samhandling.process.authority import NO_REFUSALS, routed_bodies
from samhandling.process.case import EMPTY, AvailableAct, Case, Event, FrozenDict, freeze
from samhandling.process.definition import ActDef, ActorSpec, Context, PerParty, StateDef, Step
from samhandling.process.guards import ActPlan
from samhandling.process.records import frozen_event, normalise_payload, recorded_at, reserved_refusal
from samhandling.process.shortpath import ShortPath, compile_short_path
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
    STRICT_DECIDING_KINDS,
)
from samhandling.process.voters import Voters
from samhandling.structure.model import Body, CompletionRule, Party
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
        self._plans = {a.name: ActPlan(self, a) for a in acts}
        # act name -> the trigger of its machine event (``self.machine.events[name].trigger``), looked up once.
        self._triggers = {a.name: self.machine.events[a.name].trigger for a in acts}
        # act name -> its short path (process/shortpath.py), which ``Case.act`` runs first.
        self._short: dict[str, ShortPath] = {}
        for plan in self._plans.values():
            short = compile_short_path(self, plan)
            if short is not None:
                self._short[plan.name] = short

    @property
    def structure(self) -> Structure:
        return self._structure

    def __repr__(self) -> str:
        return f"<ProcessDefinition {self.name} v{self.version}: {len(self.states)} tilstander, {len(self.acts)} handlinger>"

    # ------------------------------------------------------------------ the concepts of their own modules
    # Functions of the definition (first parameter ``definition``), bound here as methods: ``self._guards(...)``
    # calls ``guards.guards(self, ...)`` with no extra frame, so the hot path costs what it did in one module.

    # records: process/records.py
    _apply = records.apply
    _clear_after = records.clear_after
    _refresh_facts = records.refresh_facts
    _cleared_by = records.cleared_by
    _fact_history = records.fact_history

    # corrections: process/corrections.py
    _effective = corrections.effective
    _apply_corrections = corrections.apply_corrections
    correction_refusals = corrections.correction_refusals
    _correct = corrections.correct

    # authority: process/authority.py
    _body = authority.find_body
    _party = authority.find_party
    _actor_bodies = authority.actor_bodies
    _authority = authority.authority
    _rule_text = authority.rule_text

    # voters: process/voters.py
    _required_parties = voting.required_parties
    _collection_body = voting.collection_body
    _required = voting.required
    voters = voting.voters
    _rule_for = voting.rule_for
    _present_ids = voting.present_ids
    _seated_cluster = voting.seated_cluster
    _no_seat = voting.no_seat

    # guards: process/guards.py
    _guards = guards.guards
    _deadline_guard = guards.deadline_guard
    _per_party_check = guards.per_party_check
    _pending_collection = guards.pending_collection
    _escalation_guard = guards.escalation_guard
    _consensus_among_sides = guards.consensus_among_sides
    _read_positions = guards.read_positions
    _party_id = guards.party_id
    _side_id = staticmethod(guards.side_id)
    _decision_guard = guards.decision_guard
    _no_majority = guards.no_majority
    _consensus_result = staticmethod(guards.consensus_result)

    # ------------------------------------------------------------------ compile

    def _compile(self) -> Any:
        from samhandling.process.machine import SharedMachine

        states = [{"name": s.name, "final": s.final} for s in self.states]  # built by the Machine's own state class
        transitions: list[dict[str, Any]] = []
        for act in self.acts:
            for source in act.sources:
                transitions.extend(self._transitions_for(act, source))
        return SharedMachine(
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
            out.append({**base, "dest": act.dest, "conditions": [_go]})
            out.append({**base, "dest": None})  # recorded, not yet complete: an internal transition
            return out
        if act.actor.in_order:
            return [
                {**base, "dest": act.dest, "conditions": [_go]},
                {**base, "dest": None},
            ]
        if act.kind == "send_back":
            return [{**base, "dest": s.name, "conditions": [_payload_is("to", s.name)]} for s in self.states]
        return [{**base, "dest": act.dest}]

    def _goes(self, case: Case, act: ActDef, body: str, day: dt.date, payload: Mapping[str, Any]) -> bool:
        """Whether ``act`` by ``body`` completes what it is part of (the ``go`` its Machine condition reads): for a
        per-party act, whether with this record every party the act needs has acted; for a sequence of approvals,
        whether with this one every body in the sequence has acted; True for any other act."""
        if act.per_party is not None:
            recorded = case._progress.get(act.name)  # {party id: outcome or None}
            parties_of = act.per_party.parties_of
            ref = body if parties_of is None else (case._actors.get(parties_of) or body)
            required = self._required(act, ref, day)[1]
            if len(required) > (len(recorded) if recorded else 0) + 1:  # fewer parties have acted than required
                return False
            rest = required - recorded.keys() if recorded else required
            return rest <= {payload.get("party")}
        if act.actor.in_order:
            done = case._progress.get(act.name, ())
            return all(other == body or other in done for other in self._actor_bodies(case, act))
        return True

    def _not_fired(self, case: Case, act: ActDef, before: str) -> None:
        """Raise when the Machine did not fire an act the checks allowed (never expected: the checks mirror every
        condition)."""
        case._state = before
        raise RuleError(
            f"handlingen «{act.label}» kunne ikke gjennomføres i tilstanden {self.state_label(before)}",
            code="no-transition",
        )

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
        payload = normalise_payload(act, body, payload, self, party, own, positions, case._attributes, day)
        if present is not None:
            payload["present"] = list(self._present_ids(resolved, day, present)[1] or ())
        if act.due is not None and day > act.due:
            payload["overdue_days"] = (day - act.due).days
        frozen = freeze(payload)
        before = case._state
        go = self._goes(case, act, body, day, frozen)
        if not self._triggers[act_name](case, ctx=_new_tuple(Context, (act, body, day, person, frozen)), go=go):
            self._not_fired(case, act, before)  # pragma: no cover - refusals() mirrors every condition
        events = case._events
        event = _new_tuple(
            Event, (len(events) + 1, act_name, body, person, day, frozen, before, case._state, recorded_at())
        )
        self._apply(case, act, event)
        events.append(event)
        return event

    # ------------------------------------------------------------------ corrections
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
        unauthorised = self._authority(case, act, body, day, person)  # judged on the day the act is recorded on
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
                guards = NO_REFUSALS
        if positions is None and rule is None and ("positions" in payload or "against" in payload):
            # Positions recorded by an act without the consensus guard (an escalation's disagreement): read alike.
            unread, positions = self._read_positions(payload)
            guards = [*guards, *unread]
        if guards:
            out = list(guards) if out is None else out + list(guards)
        return (NO_REFUSALS if out is None else out), act, body, day, party, positions

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

    def _unknown_act(self, name: str) -> StateError:
        import difflib

        close = difflib.get_close_matches(name, list(self._acts), n=3)
        hint = f"; mente du {', '.join(close)}?" if close else f"; kjente: {', '.join(self._acts)}"
        return StateError(f"prosessen {self.name} har ingen handling «{name}»{hint}", code="unknown-act")

    def _acts_from(self, state: str) -> list[ActDef]:
        return [a for a in self.acts if state in a.sources]

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
            elif len(bodies) > 1 and act.kind in DECIDING_KINDS:  # the graph routes the case (authority: wrong-route)
                bodies = routed_bodies(self, case, bodies) or bodies
            if act.kind == "escalate" and not any(
                escalation_targets(self.structure, b, case._attributes) for b in bodies
            ):
                continue
            if act.kind == "send_back" and self.path_index(case._state) <= 0:
                continue
            out.append(AvailableAct(act.name, act.label, tuple(bodies)))
        return out


#: «Not looked up yet» in ``ActPlan.rules``.
_UNSET: Any = object()

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


def _go(event: Any) -> bool:
    """The Machine condition of an act that completes only with its last record (per-party acts, sequences of
    approvals): the engine works out whether this one completes (``_goes``, or the short path) and says so."""
    return bool(event.kwargs["go"])


def _is_rejection(event: Any) -> bool:
    return bool(event.kwargs["ctx"].payload.get("outcome") == "rejected")
