"""The closed vocabularies of process definitions: the act kinds and what they mean to the engine, and the words a
payload may use for a position (consensus), an outcome (political review) or a side (``consensus_among: sides``)."""

from __future__ import annotations

from samhandling.structure.model import PartyKind

ACT_KINDS = (
    "open",
    "draft",
    "approve",
    "anchor",
    "recommend",
    "assess",
    "decide",
    "escalate",
    "send_back",
    "withdraw",
    "political_review",
    "implement",
    "submit",
    "discuss",
    "advise",
    "report",
    "evaluate",
    "record",
)
#: Act kinds that need a body with power to decide (``power: decides``).
DECIDING_KINDS = frozenset({"approve", "decide", "political_review", "implement"})
#: Act kinds whose every responsible body must hold the power to decide (checked when a definition loads).
#: An ``approve`` sequence may include advisory bodies (FSU handles a mandate before SSU approves it).
STRICT_DECIDING_KINDS = frozenset({"decide", "political_review"})
#: Named guards an act may declare (a typo must not silently skip a check).
#: ``rotation_turn``: the party named in the payload's ``leader`` is the one whose turn it is by the acting body's
#: rotation (judged by :mod:`samhandling.time.election`, S0-R3 with S0-R4).
GUARDS = frozenset({"consensus", "rotation_turn"})
#: Act kinds that are decisions of the body performing them: judged by its decision rule (``consensus_scope``).
RULED_KINDS = frozenset({"approve", "decide", "assess"})
#: The process/structure setting that says which decisions of a body with a counted decision rule need positions:
#: ``all_decisions`` (default: every approve, decide and assess act of the body) or ``guarded_acts`` (only acts with
#: ``guard: consensus`` or ``rule:``; the narrower reading of S3-R7, «only the approval of the proposal»).
SCOPE_SETTING = "consensus_scope"
#: The party kinds that are parties to the cooperation agreement: the ones a body's decision counts.
AGREEMENT_KINDS = frozenset({PartyKind.MUNICIPALITY, PartyKind.HEALTH_TRUST})
#: Act kinds that are not steps of the main path.
SIDE_KINDS = frozenset({"escalate", "send_back", "withdraw"})

#: The closed vocabulary of positions (consensus): every accepted spelling, after trimming and casefolding, and the
#: canonical word it means. Bokmål, nynorsk and English. Anything else is refused with ``unknown-position``.
POSITION_WORDS: dict[str, str] = {
    # for
    "for": "for",
    "ja": "for",
    "enig": "for",
    "einig": "for",
    "samd": "for",
    "støtter": "for",
    "støttar": "for",
    "yes": "for",
    "agree": "for",
    # against
    "against": "against",
    "mot": "against",
    "imot": "against",
    "nei": "against",
    "uenig": "against",
    "ueinig": "against",
    "usamd": "against",
    "no": "against",
    "disagree": "against",
    # abstain
    "abstain": "abstain",
    "avstår": "abstain",
    "blank": "abstain",
    "nøytral": "abstain",
}
#: The closed vocabulary of per-party outcomes (political review): accepted spellings after trimming and
#: casefolding, and the canonical word. Anything else is refused with ``unknown-outcome``.
OUTCOME_WORDS: dict[str, str] = {
    "adopted": "adopted",
    "vedtatt": "adopted",
    "vedteke": "adopted",
    "godkjent": "adopted",
    "godkjend": "adopted",
    "ja": "adopted",
    "yes": "adopted",
    "rejected": "rejected",
    "avvist": "rejected",
    "forkastet": "rejected",
    "forkasta": "rejected",
    "nei": "rejected",
    "no": "rejected",
}
#: The built-in act that corrects an earlier event (any state, also a closed case); no process may define it.
CORRECT = "correct"
#: The process setting that says how many days after today an effective date may lie (default 0: not after today).
HORIZON_SETTING = "horizon_days"


#: The words that name each side when consensus is among the sides (``consensus_among: sides``).
SIDE_NAMES = {
    "municipal": frozenset({"municipal", "kommunene", "kommunesiden"}),
    "hospital": frozenset({"hospital", "helseforetaket", "helseforetakssiden"}),
}


def position_word(value: object) -> str | None:
    """The canonical position (for, against, abstain) a word means after trimming and casefolding; None for anything
    outside the closed vocabulary (also a non-text value: None, False, a number)."""
    if not isinstance(value, str):
        return None
    return POSITION_WORDS.get(value.strip().casefold())


def outcome_word(value: object) -> str | None:
    """The canonical outcome (adopted, rejected) a word means after trimming and casefolding; None otherwise."""
    if type(value) is str:
        word = OUTCOME_WORDS.get(value)  # a canonical spelling
        if word is not None:
            return word
    if not isinstance(value, str):
        return None
    return OUTCOME_WORDS.get(value.strip().casefold())
