"""The guards: the rules an act must meet besides authority: per-party collection (anchoring, political review),
required facts, escalation and send-back, deadlines, and the completion rules of a decision (consensus, unanimity,
majority, sides, veto) read from the positions given. Functions of the definition, bound as ``ProcessDefinition``
methods (``_guards``, ``_per_party_check``, ...); ``ActPlan`` is what the judging pass knows of an act."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from samhandling.errors import (
    ActRefusedError,
    AuthorityError,
    BadAgainstError,
    DuplicatePartyError,
    RuleError,
    SamhandlingError,
    UnknownOutcomeError,
    UnknownPositionError,
)
from samhandling.formats.names import name_key
from samhandling.process.authority import NO_REFUSALS
from samhandling.process.case import Case
from samhandling.process.definition import ActDef
from samhandling.process.records import as_date
from samhandling.process.vocabulary import OUTCOME_WORDS, POSITION_WORDS, SIDE_NAMES, outcome_word, position_word
from samhandling.process.voters import CONSENSUS_RULE, municipalities
from samhandling.structure.model import Body, CompletionRule, DecisionRule, PartyKind, RelationKind
from samhandling.structure.paths import escalation_targets

if TYPE_CHECKING:
    from samhandling.process.engine import ProcessDefinition

#: A named guard besides ``consensus``: the refusals of an act by ``body`` on a day with ``payload``.
NamedGuard = Callable[["ProcessDefinition", Case, ActDef, Body, dt.date, Mapping[str, Any]], list[ActRefusedError]]
_NAMED_GUARDS: dict[str, NamedGuard] = {}
#: The modules of higher layers that implement a named guard of ``vocabulary.GUARDS`` (they know what it judges: the
#: rotation's turn is time's). Named here, never imported by name (docs/architecture.md, "Plug-ins"); each is
#: imported the first time an act with its guard is judged, and registers the guard with :func:`register_guard`.
GUARD_MODULES: dict[str, str] = {"rotation_turn": "samhandling.time.election"}


def register_guard(name: str) -> Callable[[NamedGuard], NamedGuard]:
    """Register the function judging the named guard ``name`` (one of ``vocabulary.GUARDS``)."""

    def decorate(fn: NamedGuard) -> NamedGuard:
        _NAMED_GUARDS[name] = fn
        return fn

    return decorate


def named_guard(name: str) -> NamedGuard:
    """The function judging the named guard ``name``, its module imported the first time."""
    fn = _NAMED_GUARDS.get(name)
    if fn is None:
        importlib.import_module(GUARD_MODULES[name])
        fn = _NAMED_GUARDS[name]
    return fn


_RULE_LABEL = {
    DecisionRule.CONSENSUS: "konsensus",
    DecisionRule.UNANIMITY: "enstemmighet",
    DecisionRule.K_OF_N: "k av n",
    DecisionRule.MAJORITY: "flertall",
    DecisionRule.SIDES: "enighet mellom sidene",
    DecisionRule.LEADER: "lederen avgjør",
    DecisionRule.NONE: "ingen",
}


class ActPlan:
    """What ``_judge`` needs to know about an act, worked out once when the definition compiles."""

    __slots__ = ("act", "by_day", "guarded", "name", "outcome", "per_party_only", "rules", "sources")

    def __init__(self, definition: ProcessDefinition, act: ActDef) -> None:
        self.act = act
        self.sources = frozenset(act.sources)
        other_guards = (
            bool(act.requires)
            or act.gateway is not None
            or act.kind in ("escalate", "send_back", "withdraw")
            or act.guard is not None
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


def _duplicate(first: object, again: object, ident: str) -> DuplicatePartyError:
    named = f"«{first}»" if first == again else f"«{first}» og «{again}»"
    return DuplicatePartyError(
        f"{named} er samme part ({ident}), nevnt to ganger i standpunktene (positions/against); "
        "hver part har ett standpunkt",
        details={"party": ident, "names": [str(first), str(again)]},
    )


def _join(items: list[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def guards(
    definition: ProcessDefinition,
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
            out.append(RuleError(f"«{act.label}» må avgjøre {label} ({key}=true eller false)", code="missing-decision"))
    if act.per_party is not None:
        out.extend(definition._per_party_check(case, definition._plans[act.name], body.id, on, payload)[0])
    if act.kind == "escalate":
        out.extend(definition._escalation_guard(body, payload, case._attributes, on))
    if act.kind == "send_back":
        target = payload.get("to")
        here = definition.path_index(case._state)
        if (
            not isinstance(target, str)
            or target not in definition._states
            or not (0 <= definition.path_index(str(target)) < here)
        ):
            earlier = [s.state for s in definition.steps() if 0 <= definition.path_index(s.state) < here]
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
        refused, positions = definition._decision_guard(body, on, payload, rule, present)
        out.extend(refused)
    if act.deadline is not None:
        out.extend(definition._deadline_guard(act, on, payload))
    if act.guard is not None and act.guard != "consensus":
        out.extend(named_guard(act.guard)(definition, case, act, body, on, payload))
    return out, positions


def deadline_guard(
    definition: ProcessDefinition, act: ActDef, on: dt.date, payload: dict[str, Any]
) -> list[ActRefusedError]:
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
                rule = f" (regel {rule_id}: «{definition.structure.rule(rule_id).source.text}»)"
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


def per_party_check(
    definition: ProcessDefinition, case: Case, plan: ActPlan, body_id: str, on: dt.date, payload: dict[str, Any]
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
    party = definition._party_refs.get(raw) if type(raw) is str else None
    if party is None:
        try:
            party = definition._party(str(raw))
        except SamhandlingError as exc:
            return [RuleError(exc.message, code="unknown-party")], None
    party_id = party.id
    parties_of = act.per_party.parties_of
    ref = body_id if parties_of is None else (case._actors.get(parties_of) or body_id)
    hit = plan.by_day.get((ref, on))
    required = (hit if hit is not None else definition._required(act, ref, on))[1]
    if party_id not in required:
        return [
            RuleError(f"{party.name} er ikke en av partene som skal registreres for «{act.label}»", code="wrong-party")
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
    return NO_REFUSALS, (party_id, outcome)


def pending_collection(definition: ProcessDefinition, case: Case, act: ActDef) -> RuleError | None:
    """When ``act`` waits for a per-party act that is still being collected in this state (anchoring in every
    municipality and the hospital before the work starts), say which parties are missing."""
    for other in definition.acts:
        pp = other.per_party
        if pp is None or case._state not in other.sources or other.dest not in act.sources:
            continue
        day = case._latest
        recorded = case._progress.get(other.name) or {}
        acting = case._actors.get(other.name) or next(iter(definition._static_bodies(other)), None)
        ref = definition._collection_body(case, other, acting)
        missing = [p.name for p in definition._required_parties(other, ref, day) if p.id not in recorded]
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


def escalation_guard(
    definition: ProcessDefinition,
    body: Body,
    payload: dict[str, Any],
    attributes: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
) -> list[ActRefusedError]:
    """An escalation goes to one of the graph's ``escalates_to`` targets for the case (an explicit ``to`` must be
    one), in force on ``on`` (a target wound down or not yet established: ``body-not-in-force``), with a reason."""
    targets = escalation_targets(definition.structure, body, attributes)
    if not targets and definition.structure.targets(body, RelationKind.ESCALATES_TO):
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
            wanted_id: str | None = definition.structure.body(str(wanted)).id
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
        chosen = definition.structure.body(wanted_id)
        if on is not None and not chosen.period.contains(on):
            alive = [t.label for t in targets if t.period.contains(on)]
            return [
                AuthorityError(
                    f"{chosen.label} finnes ikke {on.isoformat()} (organet finnes {chosen.period.describe()}); "
                    + (f"saken kan løftes til {_join(alive)}" if alive else "saken kan ikke løftes den dagen"),
                    code="body-not-in-force",
                    details={"body": chosen.id, "on": on.isoformat()},
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


def consensus_among_sides(definition: ProcessDefinition) -> bool:
    return bool(
        definition.structure.setting("consensus_among", definition.settings.get("consensus_among", "parties"))
        == "sides"
    )


def read_positions(
    definition: ProcessDefinition, payload: Mapping[str, Any], sides: bool | None = None
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
        sides = definition._consensus_among_sides()
    out: dict[str, str] = {}
    spelled: dict[str, object] = {}  # id -> how it was first named
    if raw is not None:
        if not isinstance(raw, Mapping):
            return [
                RuleError(f"positions må være en tabell {{part: for|mot|avstår}}, ikke «{raw}»", code="bad-positions")
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
            ident = definition._side_id(key) if sides else definition._party_id(key)
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
            ident = (definition._side_id(key) if sides else definition._party_id(key)) if type(key) is str else None
            if ident is None:
                return [BadAgainstError(f"against nevner «{key}», som ikke er en kjent part")], None
            if ident in out:
                return [_duplicate(spelled[ident], key, ident)], None
            out[ident] = "against"
            spelled[ident] = key
    return [], out


def party_id(definition: ProcessDefinition, key: object) -> str | None:
    """The id of the party ``key`` names (id, name or alias), or None."""
    party = definition._party_refs.get(key) if type(key) is str else None
    if party is None:
        try:
            party = definition._party(str(key))
        except SamhandlingError:
            return None
    return str(party.id)


def side_id(key: object) -> str | None:
    word = name_key(str(key))
    for side, names in SIDE_NAMES.items():
        if word in names:
            return side
    return None


def decision_guard(
    definition: ProcessDefinition,
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
    rule = rule or CONSENSUS_RULE
    kind = rule.kind
    sides = kind is DecisionRule.CONSENSUS and definition._consensus_among_sides()
    refused, resolved = definition._read_positions(payload, sides)
    if refused:
        return refused, None
    rule_text = definition._rule_text(body, "decision_rule")
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
        return definition._consensus_result(body, rule_text, against, missing, resolved)
    voters = definition.voters(body, on)
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
            return definition._consensus_result(body, rule_text, against, [], resolved)
        if len(resolved) < len(ids):
            missing = [p.name for p in voters.parties if p.id not in resolved]
            return definition._consensus_result(body, rule_text, [], missing, resolved)
        return [], resolved
    counted: dict[str, str] = {}
    for ident, word in resolved.items():
        principal = voters.deputy_for.get(ident)
        if principal is not None:
            if principal in resolved or principal in counted:
                return [_duplicate(definition._party(ident).name, definition._party(principal).name, principal)], None
            counted[principal] = word
            continue
        if ident not in voters.speak:
            if definition._seated_cluster(body, on, ident):
                for municipality in municipalities(voters):
                    if municipality not in resolved:
                        counted.setdefault(municipality, word)
                continue
            return [definition._no_seat(body, on, ident, "har gitt standpunkt")], None
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
        vetoing = [definition._party_id(v) for v in rule.veto]
        vetoed = [definition._party(v).name for v in vetoing if v is not None and counted.get(v) == "against"]
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
        return definition._consensus_result(body, rule_text, against, missing, counted)
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
        return definition._consensus_result(body, rule_text, [], missing, counted)
    fors = [p for p in ordered if counted.get(p.id) == "for"]
    not_for = [p.name for p in ordered if counted.get(p.id) != "for"]
    if kind is DecisionRule.K_OF_N:
        k = rule.k or 1
        if len(fors) < k:
            count = f"{len(fors)} for, regelen krever {k} av {len(ids)}"
            return [definition._no_majority(body, count, not_for, rule_text)], None
        return [], counted
    if kind is DecisionRule.MAJORITY:
        num, den = rule.share
        n = len(ordered)
        simple = (num, den) == (1, 2)
        ok = n > 0 and (len(fors) * den > num * n if simple else len(fors) * den >= num * n)
        if not ok:
            wanted = "mer enn halvparten" if simple else f"minst {num}/{den}"
            count = f"{len(fors)} av {n} til stede for, regelen krever {wanted}"
            return [definition._no_majority(body, count, not_for, rule_text)], None
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


def no_majority(definition: ProcessDefinition, body: Body, count: str, not_for: list[str], rule_text: str) -> RuleError:
    return RuleError(
        f"{body.label} har ikke flertall: {count}" + (f"; ikke for: {_join(not_for)}" if not_for else "") + rule_text,
        code="no-majority",
        details={"not_for": not_for},
    )


def consensus_result(
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
