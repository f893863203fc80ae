"""The governance model: parties, bodies, seats, memberships, relations and rules.

Everything here is a frozen attrs value validated at construction. Nothing in
this module does I/O or knows about YAML, storage, plotting or the CLI; the
graph of relations between bodies lives in :class:`samhandling.structure.graph.Structure`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from samhandling.formats.dates import Precision, describe_partial_date
from samhandling.location import Location


class PartyKind(enum.StrEnum):
    MUNICIPALITY = "municipality"
    HEALTH_TRUST = "health_trust"
    USER_REPRESENTATIVES = "user_representatives"
    GP = "gp"
    PRACTICE_CONSULTANT = "practice_consultant"
    EMPLOYEE_REPRESENTATIVES = "employee_representatives"
    ORGANISATION = "organisation"
    CLUSTER = "cluster"


class Side(enum.StrEnum):
    """The side a seat or party counts for in parity rules."""

    MUNICIPAL = "municipal"
    HOSPITAL = "hospital"
    GP = "gp"
    USER = "user"
    PRACTICE_CONSULTANT = "practice_consultant"
    EMPLOYEE = "employee"
    OTHER = "other"


DEFAULT_SIDE: dict[PartyKind, Side] = {
    PartyKind.MUNICIPALITY: Side.MUNICIPAL,
    PartyKind.CLUSTER: Side.MUNICIPAL,
    PartyKind.HEALTH_TRUST: Side.HOSPITAL,
    PartyKind.USER_REPRESENTATIVES: Side.USER,
    PartyKind.GP: Side.GP,
    PartyKind.PRACTICE_CONSULTANT: Side.PRACTICE_CONSULTANT,
    PartyKind.EMPLOYEE_REPRESENTATIVES: Side.EMPLOYEE,
    PartyKind.ORGANISATION: Side.OTHER,
}

SIDE_LABEL: dict[Side, str] = {
    Side.MUNICIPAL: "kommunesiden",
    Side.HOSPITAL: "helseforetakssiden",
    Side.GP: "fastlege",
    Side.USER: "brukerrepresentant",
    Side.PRACTICE_CONSULTANT: "praksiskonsulent",
    Side.EMPLOYEE: "ansattes representant",
    Side.OTHER: "annen",
}


class BodyKind(enum.StrEnum):
    PARTNERSHIP_MEETING = "partnership_meeting"
    STRATEGIC_COMMITTEE = "strategic_committee"
    PROFESSIONAL_COMMITTEE = "professional_committee"
    SERVICE_MODEL_GROUP = "service_model_group"
    COUNCIL = "council"
    NETWORK = "network"
    JOINT_MEETING = "joint_meeting"
    PROFESSIONAL_GROUP = "professional_group"
    WORKING_COMMITTEE = "working_committee"
    AGREEMENTS_COMMITTEE = "agreements_committee"
    BOARD = "board"
    EXECUTIVE_GROUP = "executive_group"
    REGIONAL_COUNCIL = "regional_council"
    FORUM = "forum"
    WORKING_GROUP = "working_group"
    PROJECT = "project"
    POLITICAL_BODY = "political_body"
    OTHER = "other"


BODY_KIND_LABEL: dict[BodyKind, str] = {
    BodyKind.PARTNERSHIP_MEETING: "partnerskapsmøte",
    BodyKind.STRATEGIC_COMMITTEE: "strategisk samarbeidsutvalg",
    BodyKind.PROFESSIONAL_COMMITTEE: "faglig samarbeidsutvalg",
    BodyKind.SERVICE_MODEL_GROUP: "tjenestemodellgruppe",
    BodyKind.COUNCIL: "fagråd",
    BodyKind.NETWORK: "nettverk",
    BodyKind.JOINT_MEETING: "felles møte",
    BodyKind.PROFESSIONAL_GROUP: "faggruppe",
    BodyKind.WORKING_COMMITTEE: "arbeidsutvalg",
    BodyKind.AGREEMENTS_COMMITTEE: "avtaleutvalg",
    BodyKind.BOARD: "styre",
    BodyKind.EXECUTIVE_GROUP: "administrativ ledergruppe",
    BodyKind.REGIONAL_COUNCIL: "regionråd",
    BodyKind.FORUM: "forum",
    BodyKind.WORKING_GROUP: "arbeidsgruppe",
    BodyKind.PROJECT: "prosjekt",
    BodyKind.POLITICAL_BODY: "politisk organ",
    BodyKind.OTHER: "annet organ",
}


class DecisionPower(enum.StrEnum):
    DECIDES = "decides"
    ADVISES = "advises"
    NONE = "none"


class DecisionRule(enum.StrEnum):
    CONSENSUS = "consensus"
    MAJORITY = "majority"
    LEADER = "leader"
    NONE = "none"
    UNANIMITY = "unanimity"
    K_OF_N = "k_of_n"
    SIDES = "sides"


#: The decision rules the engine judges from positions (``leader`` and ``none`` need none).
COUNTED_RULES = frozenset(
    {DecisionRule.CONSENSUS, DecisionRule.MAJORITY, DecisionRule.UNANIMITY, DecisionRule.K_OF_N, DecisionRule.SIDES}
)


@attrs.frozen(slots=True)
class CompletionRule:
    """How a body (``decision_rule:``) or an act (``rule:``) completes a decision, counted over the voting parties.

    ``kind``: consensus (none of those present against, every one has a position), unanimity (every voting party
    for), k_of_n (at least ``k`` for), majority (of those present: more than half when ``share`` is 1/2, at least
    ``share`` otherwise), sides (the municipal side and the hospital side each agree: more for than against among
    its parties present). ``veto``: party ids whose «against» refuses whatever the count. ``quorum``: how many voting
    parties must be present (a number, or a share of the voting parties as a fraction).
    """

    kind: DecisionRule = DecisionRule.CONSENSUS
    k: int | None = None
    share: tuple[int, int] = (1, 2)  # numerator, denominator
    veto: tuple[str, ...] = ()
    quorum: int | tuple[int, int] | None = None
    location: Location | None = attrs.field(default=None, eq=False, repr=False)


class SeatRights(enum.StrEnum):
    """What a seat allows: a member votes; a deputy (vara) stands in for a named party and counts as it, never
    beside it; an observer attends and speaks (møte- og talerett) and never counts."""

    MEMBER = "member"
    DEPUTY = "deputy"
    OBSERVER = "observer"


class RelationKind(enum.StrEnum):
    REPORTS_TO = "reports_to"
    ESCALATES_TO = "escalates_to"
    ADVISES = "advises"
    OVERSEES = "oversees"
    COMMISSIONS = "commissions"
    INFORMS = "informs"
    ORGANISES = "organises"
    APPROVES = "approves"
    MEMBER_OF = "member_of"


RELATION_LABEL: dict[RelationKind, str] = {
    RelationKind.REPORTS_TO: "rapporterer til",
    RelationKind.ESCALATES_TO: "løfter saker til",
    RelationKind.ADVISES: "gir råd til",
    RelationKind.OVERSEES: "følger opp",
    RelationKind.COMMISSIONS: "gir oppdrag til",
    RelationKind.INFORMS: "informerer",
    RelationKind.ORGANISES: "organiserer",
    RelationKind.APPROVES: "godkjenner",
    RelationKind.MEMBER_OF: "har plass i",
}


class Modality(enum.StrEnum):
    """How binding a rule is, in the documents' own words."""

    SKAL = "skal"
    MAA = "må"
    BOR = "bør"
    KAN = "kan"
    AIM = "aim"
    DESCRIPTIVE = "descriptive"
    FACT = "fact"


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "feil", "warning": "advarsel", "info": "info"}[self.value]


MODALITY_SEVERITY: dict[Modality, Severity] = {
    Modality.SKAL: Severity.ERROR,
    Modality.MAA: Severity.ERROR,
    Modality.DESCRIPTIVE: Severity.ERROR,
    Modality.BOR: Severity.WARNING,
    Modality.KAN: Severity.INFO,
    Modality.AIM: Severity.INFO,
    Modality.FACT: Severity.INFO,
}


def _valid_period(instance: Any, attribute: Any, value: dt.date | None) -> None:
    start = instance.valid_from
    if value is not None and start is not None and value < start:
        raise ValueError(f"valid_to {value} is before valid_from {start}")


@attrs.frozen(slots=True)
class Period:
    """A validity period; open-ended where a bound is ``None``. ``valid_to`` is inclusive.

    A bound the document gives only as a month or a year (``valid_from: 2021-12``, «etablert i desember 2021») is
    kept at its widest: ``valid_from`` the first day of that month or year, ``valid_to`` the last, with the
    precision recorded (``from_precision``/``to_precision``) so that messages say what the document said.
    """

    valid_from: dt.date | None = None
    valid_to: dt.date | None = attrs.field(default=None, validator=_valid_period)
    from_precision: Precision = Precision.DAY
    to_precision: Precision = Precision.DAY

    def contains(self, day: dt.date | None) -> bool:
        if day is None:
            return True
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one day."""
        return not (
            (self.valid_to is not None and other.valid_from is not None and self.valid_to < other.valid_from)
            or (self.valid_from is not None and other.valid_to is not None and self.valid_from > other.valid_to)
        )

    def describe(self) -> str:
        """The period in Norwegian, as precisely as the document gave it: «fra desember 2021», «til 2024-06-30»,
        «2023–2024»; empty when both ends are open."""
        start = describe_partial_date(self.valid_from, self.from_precision) if self.valid_from else None
        end = describe_partial_date(self.valid_to, self.to_precision) if self.valid_to else None
        if start and end:
            return f"{start}–{end}"
        if start:
            return f"fra {start}"
        return f"til {end}" if end else ""


ALWAYS = Period()


def _check_knr(value: str | None) -> None:
    if value is not None and not (len(value) == 4 and value.isdigit()):
        raise ValueError(f"kommunenummer must be four digits, got {value!r}")


@attrs.frozen(slots=True)
class Party:
    """A party to the cooperation: a municipality, a health trust, user representatives, ..."""

    id: str
    name: str
    kind: PartyKind
    side: Side
    kommunenummer: str | None = attrs.field(default=None, validator=lambda i, a, v: _check_knr(v))
    aliases: tuple[str, ...] = ()
    period: Period = ALWAYS
    note: str | None = None
    location: Location | None = attrs.field(default=None, eq=False, repr=False)

    def names(self) -> tuple[str, ...]:
        return (self.id, self.name, *self.aliases)


@attrs.frozen(slots=True)
class Mandate:
    """Document control of a body's or a structure's mandate."""

    title: str | None = None
    version: str | None = None
    owner: str | None = None
    approver: str | None = None
    approved_on: dt.date | None = None
    approved_how: str | None = None
    valid_from: dt.date | None = None
    review: str | None = None  # a date or a year ("2025"): documents give both
    source: str | None = None


@attrs.frozen(slots=True)
class Seat:
    """A seat rule of a body: how many representatives a side (or each party of a kind) has.

    ``per_party`` means the count applies to each party of the side separately
    (1-2 representatives *from each municipality*).
    """

    side: Side
    min: int = 0
    max: int | None = attrs.field(default=None)
    role: str | None = None
    per_party: bool = False
    label: str | None = None
    #: What the seats allow (YAML ``rights:``; default member).
    rights: SeatRights = SeatRights.MEMBER

    @max.validator
    def _check_max(self, attribute: Any, value: int | None) -> None:
        if value is not None and value < self.min:
            raise ValueError(f"max {value} is below min {self.min}")

    def admits(self, count: int) -> bool:
        return count >= self.min and (self.max is None or count <= self.max)

    def describe(self) -> str:
        if self.max is None:
            return f"minst {self.min}"
        if self.min == self.max:
            return f"nøyaktig {self.min}"
        return f"{self.min}-{self.max}"


@attrs.frozen(slots=True)
class Membership:
    """A party's (or a named person's) membership in a body, time-bounded."""

    body: str
    party: str
    count: int = attrs.field(default=1)
    role: str | None = None
    person: str | None = None
    period: Period = ALWAYS
    location: Location | None = attrs.field(default=None, eq=False, repr=False)
    #: What the seat allows (YAML ``rights:``; default member).
    rights: SeatRights = SeatRights.MEMBER
    #: For a deputy seat: the id of the party it stands in for (YAML ``deputy_for:``).
    deputy_for: str | None = None
    #: The holder's title in their own organisation («klinikkdirektør», «kommunalsjef»), which ``role_titles``
    #: rules check; ``role`` is the function in this body («leder»). YAML ``title:``.
    title: str | None = None

    @property
    def votes(self) -> bool:
        """Whether the seat is a member seat (the party counts in the body's decisions)."""
        return self.rights is SeatRights.MEMBER

    @count.validator
    def _check_count(self, attribute: Any, value: int) -> None:
        if value < 0:
            raise ValueError("count must not be negative")


#: ``costs.participation``/``costs.work``: every party covers its own share («Kommunane dekkjer sjølve kostnader»).
EACH_PARTY = "each_party"


class Funding(enum.StrEnum):
    """Where the money for a body's work comes from (``costs.funding``)."""

    EXISTING_BUDGET = "existing_budget"  # «innen eksisterende rammer»
    EXTERNAL = "external"  # «eksterne midlar»
    OWN = "own"  # the parties' own budgets


FUNDING_LABEL: dict[Funding, str] = {
    Funding.EXISTING_BUDGET: "innen eksisterende rammer",
    Funding.EXTERNAL: "eksterne midler",
    Funding.OWN: "partenes egne midler",
}


class Scale(enum.StrEnum):
    """How large a piece of work is (``costs.scale``): «Større prosjekt»."""

    LARGE = "large"
    SMALL = "small"


@attrs.frozen(slots=True)
class Costs:
    """Who pays for a body (YAML ``costs:``): ``participation`` (the cost of taking part) and ``work`` (the work
    itself) are ``each_party`` or a party or body name; ``funding`` the means; ``scale`` the size of the work."""

    participation: str | None = None
    work: str | None = None
    funding: Funding | None = None
    scale: Scale | None = None
    note: str | None = None


@attrs.frozen(slots=True)
class Body:
    """A governance body: a committee, group, network, council, board, ..."""

    id: str
    name: str
    kind: BodyKind
    power: DecisionPower = DecisionPower.NONE
    decision_rule: DecisionRule = DecisionRule.NONE
    abbreviation: str | None = None
    aliases: tuple[str, ...] = ()
    level: int | None = None
    seats: tuple[Seat, ...] = ()
    mandate: Mandate | None = None
    period: Period = ALWAYS
    note: str | None = None
    attributes: dict[str, Any] = attrs.field(factory=dict, eq=False, hash=False)
    location: Location | None = attrs.field(default=None, eq=False, repr=False)
    #: The mapping form of ``decision_rule:`` (k of n, majority share, veto, quorum); None for the plain word.
    completion: CompletionRule | None = None
    #: Who pays for taking part and for the work (YAML ``costs:``); None when the file does not say.
    costs: Costs | None = None

    def names(self) -> tuple[str, ...]:
        names = [self.id, self.name, *self.aliases]
        if self.abbreviation:
            names.append(self.abbreviation)
        return tuple(names)

    @property
    def label(self) -> str:
        return self.abbreviation or self.name

    @property
    def full_name(self) -> str:
        """The name with the abbreviation in brackets: «Strategisk samarbeidsutvalg (SSU)»."""
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    @property
    def can_decide(self) -> bool:
        return self.power is DecisionPower.DECIDES


@attrs.frozen(slots=True)
class Relation:
    """A relation of ``kind`` from body ``source`` to body ``target``.

    ``condition`` limits the relation to cases whose attributes match (``{"region": ("sør",)}``: the relation
    holds for a case whose ``region`` is one of the listed values); ``None`` means always. ``group`` records a
    relation written to or from every body of a kind (``to: {kind: professional_committee}``), expanded into one
    relation per body, e.g. ``"to:professional_committee"``.
    """

    source: str
    target: str
    kind: RelationKind
    label: str | None = None
    condition: dict[str, tuple[str, ...]] | None = attrs.field(default=None, eq=False, hash=False)
    location: Location | None = attrs.field(default=None, eq=False, repr=False)
    group: str | None = attrs.field(default=None, eq=False)

    def matches(self, attributes: Mapping[str, Any] | None) -> bool:
        """Whether the relation holds for a case with these attributes (see :func:`condition_matches`)."""
        return condition_matches(self.condition, attributes)


def condition_matches(condition: Mapping[str, Iterable[str]] | None, attributes: Mapping[str, Any] | None) -> bool:
    """Whether case ``attributes`` satisfy a relation's ``condition``.

    No condition always matches. Otherwise every key of the condition must be among the attributes, and the
    attribute's value (or one of them, when it is a list) must be one of the condition's values; values are
    compared by their name key (case, spacing and nynorsk/bokmål spelling do not matter).
    """
    if not condition:
        return True
    from samhandling.formats.names import name_key

    attrs_by_key = {name_key(str(k)): v for k, v in (attributes or {}).items()}
    for key, wanted in condition.items():
        value = attrs_by_key.get(name_key(str(key)))
        if value is None:
            return False
        values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        if not {name_key(str(v)) for v in values} & {name_key(str(w)) for w in wanted}:
            return False
    return True


def describe_condition(condition: Mapping[str, Iterable[str]] | None) -> str:
    """A condition in words: ``region = sør``, ``municipality = sola eller sandnes``; empty without one."""
    if not condition:
        return ""
    return ", ".join(f"{k} = {' eller '.join(v)}" for k, v in condition.items())


@attrs.frozen(slots=True)
class SourceRef:
    """Where a rule comes from: a seed document and the exact sentence."""

    document: str
    text: str
    gloss: str | None = None
    ref: str | None = None  # e.g. "S3-R9"


@attrs.frozen(slots=True)
class Rule:
    """A rule a document states, with the grade of how binding it is.

    ``check`` names a validation (see :mod:`samhandling.structure.validation`) with its
    parameters; a rule without a check is documentation only.
    """

    id: str
    category: str
    modality: Modality
    source: SourceRef
    check: dict[str, Any] | None = attrs.field(default=None, eq=False, hash=False)
    applies_to: tuple[str, ...] = ()
    location: Location | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def severity(self) -> Severity:
        return MODALITY_SEVERITY[self.modality]


@attrs.frozen(slots=True)
class Setting:
    """A visible choice where the documents are ambiguous (domain brief §3.5)."""

    key: str
    value: Any = attrs.field(eq=False, hash=False)
    note: str | None = None
    alternatives: tuple[Any, ...] = attrs.field(default=(), eq=False, hash=False)
    location: Location | None = attrs.field(default=None, eq=False, repr=False)
