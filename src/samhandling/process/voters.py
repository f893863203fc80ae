"""Who counts in a body's decisions on a day: the parties holding a voting seat, the ids that may speak for them
(deputies standing in) and the municipalities a seated cluster stands for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from samhandling.errors import ActRefusedError, RuleError
from samhandling.process.case import Case
from samhandling.process.definition import ActDef
from samhandling.process.vocabulary import AGREEMENT_KINDS, RULED_KINDS
from samhandling.structure.model import COUNTED_RULES, Body, CompletionRule, DecisionRule, Party, PartyKind

if TYPE_CHECKING:
    from samhandling.process.engine import ProcessDefinition


class Voters(NamedTuple):
    """Who counts in a body's decisions on a day (see :meth:`ProcessDefinition.voters`)."""

    parties: tuple[Party, ...]
    ids: frozenset[str]
    speak: frozenset[str]
    deputy_for: dict[str, str]


def municipalities(voters: Voters) -> list[str]:
    """The municipalities among the parties that count (what a seated cluster of municipalities stands for)."""
    return [p.id for p in voters.parties if p.kind is PartyKind.MUNICIPALITY]


#: The rule ``guard: consensus`` means for a body without a counted decision rule.
CONSENSUS_RULE = CompletionRule(kind=DecisionRule.CONSENSUS)


def required_parties(
    definition: ProcessDefinition, act: ActDef, body_id: str | None, on: dt.date | None
) -> list[Party]:
    return list(definition._required(act, body_id, on)[0])


def collection_body(definition: ProcessDefinition, case: Case, act: ActDef, acting: str | None) -> str | None:
    """The body whose parties a per-party act collects: the body of the act named by ``parties_of`` when that
    act has been performed, otherwise the acting body."""
    pp = act.per_party
    if pp is not None and pp.parties_of is not None:
        ref = case._actors.get(pp.parties_of)
        if ref is not None:
            return ref
    return acting


def required(
    definition: ProcessDefinition, act: ActDef, body_id: str | None, on: dt.date | None
) -> tuple[tuple[Party, ...], frozenset[str]]:
    """The parties a per-party act needs on a day, and their ids (cached per act, body and day): the parties of
    the act's kinds among those who count in ``body_id`` that day (:meth:`voters`), or among every party of the
    structure valid that day when no body is known."""
    by_day = definition._parties_cache.get(act.name)
    key = (body_id, on)
    hit = None if by_day is None else by_day.get(key)
    if hit is None:
        assert act.per_party is not None and by_day is not None
        kinds = set(act.per_party.kinds)
        if body_id is None:
            pool: Iterable[Party] = definition.structure.parties
        else:
            voters = definition.voters(body_id, on)
            pool = [*voters.parties, *(definition._party(i) for i in voters.speak if i not in voters.ids)]
        parties = tuple(p for p in pool if p.kind in kinds and p.period.contains(on))
        if len(by_day) >= 4096:
            by_day.clear()
        hit = by_day[key] = (parties, frozenset(p.id for p in parties))
    return hit


def voters(definition: ProcessDefinition, body: Body | str, on: dt.date | None) -> Voters:
    """Who counts in ``body``'s decisions on ``on`` (cached per body and day).

    ``parties``: the parties to the agreement (municipalities and health trusts) holding a member seat in the
    body that day. A body seated through a cluster of municipalities (``kind: cluster``), or with no member
    seat of a municipality or health trust at all, decides for the whole cooperation: then every municipality
    and health trust of the structure valid that day counts. ``speak``: the ids whose positions are accepted
    (those counted, every other party with a member seat, and the deputies); ``deputy_for``: deputy party id ->
    the party it stands in for (a deputy's position counts as that party's, never beside it)."""
    body_id = body if isinstance(body, str) else body.id
    key = (body_id, on)
    hit = definition._voters_cache.get(key)
    if hit is not None:
        return hit
    structure = definition.structure
    voting = structure.voting_parties(body_id, on)
    own = [p for p in voting if p.kind in AGREEMENT_KINDS and p.period.contains(on)]
    if not own or any(p.kind is PartyKind.CLUSTER for p in voting):
        seated = {p.id for p in own}
        own = [p for p in structure.parties if p.kind in AGREEMENT_KINDS and p.period.contains(on)]
        own += [p for p in voting if p.id in seated and p not in own]
    ids = frozenset(p.id for p in own)
    deputy_for = {d: principal for d, principal in structure.deputy_map(body_id, on).items() if principal in ids}
    speak = ids | {p.id for p in voting if p.kind is not PartyKind.CLUSTER} | deputy_for.keys()
    if len(definition._voters_cache) >= 4096:
        definition._voters_cache.clear()
    hit = definition._voters_cache[key] = Voters(tuple(own), ids, frozenset(speak), deputy_for)
    return hit


def rule_for(definition: ProcessDefinition, act: ActDef, body: Body) -> CompletionRule | None:
    """The completion rule ``act`` by ``body`` is judged by, or None when no positions are counted: the act's own
    ``rule:``; for ``guard: consensus``, the body's decision rule (consensus when it has none counted); for an
    approve, decide or assess act of a body with a counted decision rule, that rule (unless the setting
    ``consensus_scope`` is ``guarded_acts``). Per-party acts are never counted."""
    if act.rule is not None:
        return act.rule
    if act.per_party is not None:
        return None
    body_id = body.id
    if body_id in definition._body_rules:
        body_rule = definition._body_rules[body_id]
    else:
        body_rule = body.completion or (
            CompletionRule(kind=body.decision_rule) if body.decision_rule in COUNTED_RULES else None
        )
        definition._body_rules[body_id] = body_rule
    if act.guard == "consensus":
        return body_rule or CONSENSUS_RULE
    if body_rule is not None and definition.all_decisions_counted and act.kind in RULED_KINDS:
        return body_rule
    return None


def present_ids(
    definition: ProcessDefinition, body: Body, on: dt.date, present: Iterable[str]
) -> tuple[list[ActRefusedError], tuple[str, ...] | None]:
    """``present`` resolved to party ids (a deputy given is the party it stands in for), and the refusals: not a
    list of names, an unknown party (``unknown-party``), a party without a voting seat (``no-seat-party``)."""
    if isinstance(present, (str, bytes, Mapping)) or not isinstance(present, Iterable):
        return [RuleError(f"present må være en liste med parter, ikke «{present}»", code="bad-present")], None
    voters = definition.voters(body, on)
    out: dict[str, None] = {}
    for raw in present:
        ident = definition._party_id(raw) if type(raw) is str else None
        if ident is None:
            return [RuleError(f"ukjent part «{raw}» blant de til stede (present)", code="unknown-party")], None
        ident = voters.deputy_for.get(ident, ident)
        if ident not in voters.speak:
            if definition._seated_cluster(body, on, ident):
                out.update(dict.fromkeys(municipalities(voters)))
                continue
            return [definition._no_seat(body, on, ident, "er oppgitt som til stede")], None
        out[ident] = None
    return [], tuple(out)


def seated_cluster(definition: ProcessDefinition, body: Body, on: dt.date, ident: str) -> bool:
    """Whether ``ident`` is a cluster of municipalities with a member seat in ``body`` that day (Sogn og Fjordane's
    «Kommunane»). The structure does not say which municipalities a cluster represents, so its position and its
    presence stand for every municipality that counts in the body (see :meth:`voters`)."""
    party = definition._party(ident)
    return party.kind is PartyKind.CLUSTER and any(p.id == ident for p in definition.structure.voting_parties(body, on))


def no_seat(definition: ProcessDefinition, body: Body, on: dt.date, ident: str, what: str) -> RuleError:
    name = definition._party(ident).name
    return RuleError(
        f"{name} {what}, men har ikke stemmerett (medlemssete) i {body.label} den {on.isoformat()}",
        code="no-seat-party",
        details={"party": ident, "body": body.id, "on": on.isoformat()},
    )
