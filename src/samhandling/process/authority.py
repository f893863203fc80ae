"""Authority: which bodies may perform an act on a case now, and whether the acting body (and person) may: the
responsible bodies, escalation targets, delegated authority rules and seats. Functions of the definition, bound as
``ProcessDefinition`` methods (``_authority``, ``_actor_bodies``, ...)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from samhandling.errors import ActRefusedError, AuthorityError, RuleError
from samhandling.process.case import Case
from samhandling.process.definition import ActDef
from samhandling.process.vocabulary import DECIDING_KINDS
from samhandling.structure.model import ALWAYS, Body, DecisionPower, Party, Rule

if TYPE_CHECKING:
    from samhandling.process.engine import ProcessDefinition
    from samhandling.structure.graph import Structure

#: What ``_judge`` and the guards return when nothing is refused (shared: never mutated).
NO_REFUSALS: tuple[ActRefusedError, ...] = ()


_T = TypeVar("_T")


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


def _rule_bodies(structure: Structure, rule: Rule) -> set[str]:
    from samhandling.structure.validation import target_bodies

    if not rule.check:
        return set()
    return {b.id for b in target_bodies(structure, dict(rule.check), rule)}


def find_body(definition: ProcessDefinition, name: str) -> Body:
    """``structure.body(name)``, remembered per name string (raises as it does)."""
    if type(name) is not str:
        return definition.structure.body(name)
    return _remembered(definition._body_refs, name, definition.structure.body)


def find_party(definition: ProcessDefinition, name: str) -> Party:
    """``structure.party(name)`` for a string, remembered per string (raises as it does)."""
    return _remembered(definition._party_refs, name, definition.structure.party)


def actor_bodies(definition: ProcessDefinition, case: Case, act: ActDef) -> tuple[str, ...]:
    """The bodies that may perform ``act`` on this case now."""
    escalated = case._escalated_to  # the engine's record, never a payload fact
    if escalated and act.kind in DECIDING_KINDS and case._state in definition._escalated_states:
        return (escalated,)
    if act.actor.same_as:
        actor = case._actors.get(act.actor.same_as)
        return (actor,) if actor else definition._static_bodies(act)
    return act.bodies


def authority(
    definition: ProcessDefinition, case: Case, act: ActDef, body: Body, on: dt.date | None, person: str | None
) -> Sequence[ActRefusedError]:
    """The authority check (the one place it is made): the body may act on this case now, in its turn, and a
    named person holds a seat in it."""
    allowed = definition._actor_bodies(case, act)
    body_id = body.id
    if act.actor.in_order:
        done = case._progress.get(act.name) or ()
        if body_id in done:
            return [RuleError(f"{body.label} har allerede gjort «{act.label}» i denne saken", code="already-recorded")]
        sequence = act.actor.bodies
        if body_id in sequence:
            turn = next((b for b in sequence if b not in done), body_id)
            if turn != body_id:
                return [
                    AuthorityError(
                        f"«{act.label}» skjer i rekkefølge: {definition.structure.body(turn).label} må behandle saken før "
                        f"{body.label}",
                        code="out-of-order",
                    )
                ]
    if body_id not in allowed:
        structure = definition.structure
        names = ", ".join(structure.body(b).label for b in allowed)
        if act.kind in DECIDING_KINDS and body.power is not DecisionPower.DECIDES:
            rule = definition._rule_text(body, "decision_power")
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
    if len(allowed) > 1 and act.kind in DECIDING_KINDS and not act.actor.in_order:  # the graph routes the case
        misrouted = routing_refusal(definition, case, act, body, allowed, on)
        if misrouted:
            return misrouted
    if body.period is not ALWAYS or act.kind == "escalate":
        ended = lifetime_refusal(definition, case, act, body, on)
        if ended:
            return ended
    if person is not None:
        structure = definition.structure
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
    return NO_REFUSALS


def rule_text(definition: ProcessDefinition, body: Body, category: str) -> str:
    key = (body.id, category)
    hit = definition._rule_texts.get(key)
    if hit is None:
        hit = ""
        for rule in definition.structure.rules:
            if rule.category == category and body.id in _rule_bodies(definition.structure, rule):
                hit = f" (regel {rule.id}: «{rule.source.text}»)"
                break
        definition._rule_texts[key] = hit
    return hit


def routed_bodies(definition: ProcessDefinition, case: Case, allowed: Sequence[str]) -> tuple[str, ...]:
    """Of the ``allowed`` bodies, those the graph routes this case to: the ``escalates_to`` targets, by the case's
    attributes (:func:`~samhandling.structure.paths.escalation_targets`), of the bodies that acted on it before.
    Empty when the graph picks none of them (then any allowed body may act)."""
    from samhandling.structure.paths import escalation_targets

    structure = definition.structure
    attributes = case._attributes or None
    picked: list[str] = []
    for earlier in dict.fromkeys(case._actors.values()):
        if earlier in allowed:
            continue
        for target in escalation_targets(structure, earlier, attributes):
            if target.id in allowed and target.id not in picked:
                picked.append(target.id)
    return tuple(picked)


def routing_refusal(
    definition: ProcessDefinition, case: Case, act: ActDef, body: Body, allowed: Sequence[str], on: dt.date | None
) -> Sequence[ActRefusedError]:
    """``wrong-route``: a deciding act that several bodies may perform (``by: {body_kind: ...}``) is performed by
    another body than the one the graph routes the case to (:func:`routed_bodies`); the refusal names that body.
    ``body-not-in-force`` when every body the case is routed to has ended (or not begun) on the act's date. (An
    ``in_order`` sequence names its bodies one by one: ``authority`` does not ask.)"""
    picked = routed_bodies(definition, case, allowed)
    if not picked or body.id in picked:
        return NO_REFUSALS
    structure = definition.structure
    about = ", ".join(f"{k} = {v}" for k, v in case._attributes.items())
    about = f" ({about})" if about else ""
    if on is None:
        from samhandling import clock

        on = clock.current_clock().today()
    alive = [b for b in picked if structure.body(b).period.contains(on)]
    if not alive:
        ended = " og ".join(f"{structure.body(b).label} (finnes {structure.body(b).period.describe()})" for b in picked)
        return [
            AuthorityError(
                f"strukturen sender saken{about} til {ended}, som ikke finnes {on.isoformat()}; "
                f"{body.label} kan ikke «{act.label}» i stedet",
                code="body-not-in-force",
                details={"body": picked[0], "on": on.isoformat(), "routed_to": list(picked)},
            )
        ]
    names = " eller ".join(structure.body(b).label for b in alive)
    return [
        AuthorityError(
            f"{body.label} kan ikke «{act.label}» i denne saken: strukturen sender saken{about} til {names}, "
            "som skal avgjøre den",
            code="wrong-route",
            details={"body": body.id, "routed_to": alive, "attributes": dict(case._attributes)},
        )
    ]


def lifetime_refusal(
    definition: ProcessDefinition, case: Case, act: ActDef, body: Body, on: dt.date | None
) -> Sequence[ActRefusedError]:
    """``body-not-in-force``: the acting body, or the body an escalation goes to, does not exist on the act's date
    (``valid_from``/``valid_to`` on the body; a body wound down cannot act, nor receive a case)."""
    from samhandling import clock
    from samhandling.structure.paths import escalation_targets

    day = on if on is not None else clock.current_clock().today()
    if not body.period.contains(day):
        return [
            AuthorityError(
                f"{body.label} finnes ikke {day.isoformat()} (organet finnes {body.period.describe()}) og kan ikke "
                f"«{act.label}»",
                code="body-not-in-force",
                details={"body": body.id, "on": day.isoformat()},
            )
        ]
    if act.kind == "escalate":
        targets = escalation_targets(definition.structure, body, case._attributes)
        if targets and not any(t.period.contains(day) for t in targets):
            names = " og ".join(f"{t.label} (finnes {t.period.describe()})" for t in targets)
            return [
                AuthorityError(
                    f"saken kan ikke løftes {day.isoformat()}: {names} finnes ikke den dagen",
                    code="body-not-in-force",
                    details={"body": targets[0].id, "on": day.isoformat()},
                )
            ]
    return NO_REFUSALS
