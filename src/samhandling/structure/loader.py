"""Read a structure file (YAML) into the governance model.

The file format is documented in ``docs/format.md`` and described for editors by
``docs/structure.schema.json``. Every problem is reported as a
:class:`~samhandling.errors.SchemaError` naming the file, line and column and
what was expected.
"""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from samhandling.errors import NotFoundError, SchemaError
from samhandling.formats.dates import Precision, end_of, parse_partial_date
from samhandling.formats.dates import parse_norwegian_date as parse_norwegian_date  # re-exported
from samhandling.formats.maps import MarkedMap
from samhandling.formats.maps import describe as _kind
from samhandling.formats.maps import expect_list as _expect_list
from samhandling.formats.maps import expect_map as _expect_map
from samhandling.formats.yamlio import MarkedDict, MarkedList, PlainDigits, gc_paused, parse_yaml, read_yaml
from samhandling.location import Location
from samhandling.structure.model import (
    ALWAYS,
    DEFAULT_SIDE,
    Body,
    BodyKind,
    Costs,
    DecisionPower,
    DecisionRule,
    Funding,
    Mandate,
    Membership,
    Modality,
    Party,
    PartyKind,
    Period,
    Relation,
    RelationKind,
    Rule,
    Scale,
    Seat,
    SeatRights,
    Setting,
    Side,
    SourceRef,
)

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure

E = TypeVar("E", bound=enum.Enum)

TOP_LEVEL_KEYS = {
    "structure",
    "name",
    "language",
    "description",
    "sources",
    "mandate",
    "settings",
    "parties",
    "bodies",
    "relations",
    "rules",
    "priority_groups",
    "processes",
    "meetings",
    "meeting_rules",
    "rotations",
    "evaluations",
    "documents",
    "notes",
}
# Sections parsed by other modules (time, engine, structure.documents, structure.priorities) from the raw marked data.
EXTENSION_SECTIONS = (
    "processes",
    "meetings",
    "meeting_rules",
    "rotations",
    "evaluations",
    "documents",
    "priority_groups",
)

BUNDLED_DIR = Path(__file__).parent.parent / "data" / "structures"


def bundled_names() -> list[str]:
    """The names of the structures shipped with samhandling."""
    return sorted(p.stem for p in BUNDLED_DIR.glob("*.yaml"))


INDEX_FILE = BUNDLED_DIR / "index.json"
"""A summary of the bundled structures (name, title, counts, SHA-256 of the file) for ``samhandling list``.

Generated from the YAML files by :func:`write_bundled_index` (``python scripts/bundled_index.py``);
tests/test_limits.py checks that it is current. The CLI uses an entry only while the hash of the YAML
file still matches, so a stale entry costs time, never a wrong answer.
"""


def bundled_index() -> dict[str, Any]:
    """The index of the bundled structures, worked out from the YAML files (see :data:`INDEX_FILE`)."""
    import hashlib

    rows = []
    for name in bundled_names():
        path = BUNDLED_DIR / f"{name}.yaml"
        s = load(name)
        rows.append(
            {
                "name": name,
                "title": s.name,
                "bodies": len(s.bodies),
                "parties": len(s.parties),
                "rules": len(s.rules),
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            }
        )
    return {"format": 1, "structures": rows}


def write_bundled_index(path: Path = INDEX_FILE) -> Path:
    """Write :func:`bundled_index` to ``path`` (sorted, one structure a line, stable for diffs)."""
    import json

    index = bundled_index()
    lines = ",\n".join("    " + json.dumps(r, ensure_ascii=False, sort_keys=True) for r in index["structures"])
    path.write_text(f'{{"format": 1, "structures": [\n{lines}\n]}}\n', encoding="utf-8")
    return path


def resolve_source(name_or_path: str | Path) -> Path:
    """A bundled name (``sor-rogaland``) or a path to a YAML file."""
    text = str(name_or_path)
    candidate = BUNDLED_DIR / f"{text}.yaml"
    if "/" not in text and "\\" not in text and not text.endswith((".yaml", ".yml")):
        if candidate.exists():
            return candidate
        raise NotFoundError(
            f"fant ingen innebygd struktur som heter «{text}»; kjente navn: {', '.join(bundled_names())}",
            code="unknown-structure",
        )
    return Path(text)


def load(name_or_path: str | Path) -> Structure:
    """Load a bundled structure by name, or a structure file by path."""
    path = resolve_source(name_or_path)
    display = f"{path.stem}.yaml" if path.parent == BUNDLED_DIR else str(path)
    with gc_paused():
        data = read_yaml(path, display)
        return build_structure(data, filename=display, path=path)


def loads(text: str, filename: str = "<tekst>") -> Structure:
    """Load a structure from YAML text."""
    with gc_paused():
        return build_structure(parse_yaml(text, filename), filename=filename, path=None)


# ---------------------------------------------------------------------------- helpers


def _loc(container: Any, key: Any = None, fallback: Location | None = None) -> Location:
    if isinstance(container, (MarkedDict, MarkedList)):
        return container.loc(key)
    return fallback or Location("<tekst>")


def read_partial_date(m: MarkedMap, key: str) -> tuple[dt.date, Precision] | None:
    """``m[key]`` as a date that may be only a month (``2021-12``, «desember 2021») or a year (``2024``), with its
    precision; ``None`` when missing; ``invalid-date`` (located) when it is none of these."""
    if not m.has(key):
        return None
    found = parse_partial_date(m.raw(key))
    if found is None:
        raise SchemaError(
            f"«{key}» skal være en dato (ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ), en måned (ÅÅÅÅ-MM) eller et år (ÅÅÅÅ), "
            f"fant {_kind(m.raw(key))}",
            code="invalid-date",
            location=m.loc(key),
        )
    return found


def read_period(m: MarkedMap) -> Period:
    """``valid_from``/``valid_to`` of a mapping (a party, a membership, a body, a document); a month or a year is read
    at its widest (first day from, last day to); ``invalid-period`` when the end is before the start."""
    first, last = read_partial_date(m, "valid_from"), read_partial_date(m, "valid_to")
    if first is None and last is None:
        return ALWAYS
    start, from_precision = first if first is not None else (None, Precision.DAY)
    end, to_precision = (end_of(last[1], last[0]), last[1]) if last is not None else (None, Precision.DAY)
    if start is not None and end is not None and end < start:
        raise SchemaError(
            f"«valid_to» ({end.isoformat()}) er før «valid_from» ({start.isoformat()})",
            code="invalid-period",
            location=m.loc("valid_to"),
        )
    return Period(start, end, from_precision, to_precision)


class _Map(MarkedMap):
    """A :class:`MarkedMap` that also reads a validity period (``valid_from``/``valid_to``)."""

    def period(self) -> Period:
        return read_period(self)


# ---------------------------------------------------------------------------- sections

_PARTY_KEYS = {"id", "name", "kind", "side", "kommunenummer", "aliases", "valid_from", "valid_to", "note"}
_BODY_KEYS = {
    "id",
    "name",
    "kind",
    "power",
    "decision_rule",
    "abbreviation",
    "aliases",
    "level",
    "seats",
    "members",
    "mandate",
    "valid_from",
    "valid_to",
    "note",
    "attributes",
    "costs",
}
_COSTS_KEYS = {"participation", "work", "funding", "scale", "note"}
_SEAT_KEYS = {"side", "min", "max", "count", "role", "per_party", "label", "when", "rights"}
_MEMBER_KEYS = {"party", "count", "role", "person", "valid_from", "valid_to", "when", "rights", "deputy_for", "title"}
_RELATION_KEYS = {"from", "to", "kind", "label", "condition", "when"}
_RULE_KEYS = {"id", "category", "modality", "text", "gloss", "source", "check", "applies_to", "when"}
_MANDATE_KEYS = {
    "title",
    "version",
    "owner",
    "approver",
    "approved_on",
    "approved_how",
    "valid_from",
    "review",
    "source",
}
_SETTING_KEYS = {"value", "note", "alternatives"}
_SOURCE_KEYS = {"file", "title", "url", "updated", "language"}


class Readings:
    """The structure's readings (``settings``) while loading, and which of them the file refers to.

    A value written ``{setting: KEY}`` (a body's ``power`` or ``decision_rule``, a seat's ``count``/``min``/``max``)
    takes the reading's value; a rule with ``when: {setting: KEY, is: VALUE}`` is checked only while the reading
    has that value (``in: [..]`` for several). So flipping a reading changes what the structure says.
    """

    def __init__(self, settings: dict[str, Setting]) -> None:
        self.settings = settings
        self.refs: dict[str, str] = {}

    def value(self, raw: Any, where: Location, what: str) -> Any:
        if isinstance(raw, MarkedDict) and set(raw) == {"setting"}:
            key = str(raw["setting"])
            if key not in self.settings:
                raise SchemaError(
                    f"«{{setting: {key}}}» viser til en lesning som ikke står under «settings»"
                    + (f" (kjente: {', '.join(sorted(self.settings))})" if self.settings else ""),
                    code="unknown-setting",
                    location=where,
                )
            self.refs.setdefault(key, what)
            return self.settings[key].value
        return raw

    def resolve(self, item: Any, keys: tuple[str, ...], what: str) -> None:
        """Replace ``{setting: KEY}`` values of ``keys`` in the mapping ``item`` by the readings' values."""
        if not isinstance(item, MarkedDict):
            return
        for key in keys:
            if key in item:
                item[key] = self.value(item[key], item.loc(key), what)

    def keeps(self, item: Any, what: str) -> bool:
        """Whether an item with an optional ``when`` applies under the current readings (no ``when``: it does)."""
        if not isinstance(item, MarkedDict) or "when" not in item:
            return True
        return self.applies(item["when"], item.loc("when"), what)

    def applies(self, when: Any, where: Location, what: str) -> bool:
        """Whether a rule's ``when: {setting: KEY, is: VALUE}`` (or ``in: [...]``) holds for the current reading."""
        m = _Map(when, "«when» (når regelen gjelder)", where, {"setting", "is", "in"})
        key = m.req("setting")
        value = self.value(_one_setting(key, m.loc("setting")), where, what)
        if m.has("is") == m.has("in"):
            raise SchemaError("«when» skal ha enten «is» (én verdi) eller «in» (en liste)", location=where)
        wanted = [m.raw("is")] if m.has("is") else list(_expect_list(m.raw("in"), "«in»", m.loc("in")))
        return any(_same(value, w) for w in wanted)


def _one_setting(key: str, where: Location) -> MarkedDict:
    found = MarkedDict({"setting": key})
    found.location = where
    found.key_locations = {"setting": where}
    return found


def _same(a: Any, b: Any) -> bool:
    return a == b or str(a).lower() == str(b).lower()


def _party(item: Any, where: Location) -> Party:
    m = _Map(item, "en part (parties)", where, _PARTY_KEYS)
    kind = m.enum("kind", PartyKind)
    side = m.enum("side", Side, DEFAULT_SIDE[kind])
    raw_knr = m.raw("kommunenummer")
    if isinstance(raw_knr, PlainDigits) or (isinstance(raw_knr, int) and not isinstance(raw_knr, bool)):
        written = str(raw_knr)
        raise SchemaError(
            f"kommunenummer {written} står uten anførselstegn, og YAML leser sifre uten anførselstegn som et tall "
            f'(en ledende null kan forsvinne); skriv det i anførselstegn: kommunenummer: "{written.zfill(4)}"',
            code="unquoted-kommunenummer",
            location=m.loc("kommunenummer"),
        )
    knr = m.str("kommunenummer")
    if knr is not None and not (len(knr) == 4 and knr.isdigit()):
        raise SchemaError(
            f'kommunenummer skal være fire sifre i anførselstegn (f.eks. "1108"), fant «{knr}»',
            location=m.loc("kommunenummer"),
        )
    return Party(
        id=m.req("id"),
        name=m.str("name") or m.req("id"),
        kind=kind,
        side=side,
        kommunenummer=knr,
        aliases=m.strs("aliases"),
        period=m.period(),
        note=m.str("note"),
        location=m.loc(),
    )


def _mandate(item: Any, where: Location) -> Mandate:
    m = _Map(item, "mandatet (mandate)", where, _MANDATE_KEYS)
    review = m.raw("review")
    return Mandate(
        title=m.str("title"),
        version=m.str("version"),
        owner=m.str("owner"),
        approver=m.str("approver"),
        approved_on=m.date("approved_on"),
        approved_how=m.str("approved_how"),
        valid_from=m.date("valid_from"),
        review=None if review is None else (review.isoformat() if isinstance(review, dt.date) else str(review)),
        source=m.str("source"),
    )


def _seat(item: Any, where: Location, readings: Readings | None = None) -> Seat:
    if readings is not None:
        readings.resolve(item, ("count", "min", "max"), "et sete")
    m = _Map(item, "et sete (seats)", where, _SEAT_KEYS)
    count = m.int("count")
    lo = m.int("min", count if count is not None else 0)
    hi = m.int("max", count)
    assert lo is not None
    if hi is not None and hi < lo:
        raise SchemaError(f"«max» ({hi}) er mindre enn «min» ({lo})", code="invalid-range", location=m.loc("max"))
    return Seat(
        side=m.enum("side", Side),
        min=lo,
        max=hi,
        role=m.str("role"),
        per_party=m.bool("per_party"),
        label=m.str("label"),
        rights=m.enum("rights", SeatRights, SeatRights.MEMBER),
    )


def _costs(item: Any, where: Location) -> Costs:
    m = _Map(item, "kostnadene (costs)", where, _COSTS_KEYS)
    return Costs(
        participation=m.str("participation"),
        work=m.str("work"),
        funding=m.enum("funding", Funding) if m.has("funding") else None,
        scale=m.enum("scale", Scale) if m.has("scale") else None,
        note=m.str("note"),
    )


def _body(
    item: Any, where: Location, readings: Readings | None = None
) -> tuple[Body, list[tuple[MarkedDict, Location]]]:
    if readings is not None and isinstance(item, MarkedDict):
        readings.resolve(item, ("power", "decision_rule"), f"organet «{item.get('id')}»")
    m = _Map(item, "et organ (bodies)", where, _BODY_KEYS)
    seats_raw = m.raw("seats")
    seats: list[Seat] = []
    if seats_raw is not None:
        lst = _expect_list(seats_raw, "«seats»", m.loc("seats"))
        seats = [
            _seat(s, lst.loc(i), readings)
            for i, s in enumerate(lst)
            if readings is None or readings.keeps(s, f"et sete i organet «{item.get('id')}»")
        ]
    members: list[tuple[MarkedDict, Location]] = []
    if m.raw("members") is not None:
        lst = _expect_list(m.raw("members"), "«members»", m.loc("members"))
        members = [(x, lst.loc(i)) for i, x in enumerate(lst)]
    level = m.int("level")
    attributes = m.raw("attributes") or {}
    _expect_map(attributes, "«attributes»", m.loc("attributes")) if m.has("attributes") else None
    completion = None
    if isinstance(m.raw("decision_rule"), dict):  # the mapping form: {kind: majority, share: 2/3, ...}
        from samhandling.structure.completion import parse_completion_rule

        completion = parse_completion_rule(m.raw("decision_rule"), m.loc("decision_rule"))
    body = Body(
        id=m.req("id"),
        name=m.req("name"),
        kind=m.enum("kind", BodyKind),
        power=m.enum("power", DecisionPower, DecisionPower.NONE),
        decision_rule=(completion.kind if completion else m.enum("decision_rule", DecisionRule, DecisionRule.NONE)),
        completion=completion,
        costs=_costs(m.raw("costs"), m.loc("costs")) if m.has("costs") else None,
        abbreviation=m.str("abbreviation"),
        aliases=m.strs("aliases"),
        level=level,
        seats=tuple(seats),
        mandate=_mandate(m.raw("mandate"), m.loc("mandate")) if m.has("mandate") else None,
        period=m.period(),
        note=m.str("note"),
        attributes=dict(attributes),
        location=m.loc(),
    )
    return body, members


def _setting(key: str, item: Any, where: Location) -> Setting:
    if isinstance(item, MarkedDict) and "value" in item:
        m = _Map(item, f"innstillingen «{key}»", where, _SETTING_KEYS)
        alts = m.raw("alternatives")
        if alts is None:
            alts = ()
        elif not isinstance(alts, list):
            raise SchemaError(
                f"«alternatives» i innstillingen «{key}» skal være en liste, fant {_kind(alts)}",
                location=m.loc("alternatives"),
            )
        return Setting(key=key, value=m.raw("value"), note=m.str("note"), alternatives=tuple(alts), location=where)
    return Setting(key=key, value=item, location=where)


def _source_table(data: Any, where: Location) -> dict[str, dict[str, Any]]:
    table = _expect_map(data, "«sources»", where)
    out: dict[str, dict[str, Any]] = {}
    for key, value in table.items():
        entry = _Map(value, f"kilden «{key}»", table.loc(key), _SOURCE_KEYS)
        out[key] = {k: entry.str(k) for k in _SOURCE_KEYS if entry.has(k)}
    return out


def parse_rule(
    item: Any, where: Location, sources: dict[str, dict[str, Any]], readings: Readings | None = None
) -> Rule:
    m = _Map(item, "en regel (rules)", where, _RULE_KEYS)
    source_key = m.req("source")
    document = sources.get(source_key, {}).get("file", source_key)
    if sources and source_key not in sources:
        raise SchemaError(
            f"regelen viser til kilden «{source_key}», som ikke står under «sources» "
            f"(kjente: {', '.join(sorted(sources))})",
            code="unknown-source",
            location=m.loc("source"),
        )
    check = m.raw("check")
    if check is not None:
        cm = _expect_map(check, "«check»", m.loc("check"))
        if "kind" not in cm:
            raise SchemaError("«check» mangler «kind»", code="missing-key", location=cm.location)
    rule_id = m.req("id")
    if m.has("when"):
        if readings is None:
            raise SchemaError(
                "«when» trenger strukturens lesninger (settings) og kan ikke brukes her", location=m.loc("when")
            )
        if not readings.applies(m.raw("when"), m.loc("when"), f"regel {rule_id}"):
            check = None  # the reading says the rule does not apply: kept as text, not checked
    return Rule(
        id=rule_id,
        category=m.req("category"),
        modality=m.enum("modality", Modality),
        source=SourceRef(document=str(document), text=m.req("text"), gloss=m.str("gloss"), ref=rule_id),
        check=check,
        applies_to=m.strs("applies_to"),
        location=m.loc(),
    )


def _relation_ends(structure: Structure, m: _Map, key: str) -> tuple[list[str], str | None]:
    """The body ids one end of a relation names: one body by name, or ``{kind: KIND}`` for every body of a kind.

    The second value records the group (``"to:professional_committee"``) so that exports can show the relation as
    written; an unknown body name becomes a load finding (no ids), as before.
    """
    raw = m.raw(key)
    if isinstance(raw, MarkedDict):
        g = _Map(raw, f"«{key}» i en relasjon", m.loc(key), {"kind"})
        kind = g.enum("kind", BodyKind)
        bodies = structure.bodies_of_kind(kind)
        if not bodies:
            raise SchemaError(
                f"«{key}: {{kind: {kind.value}}}» viser til alle organer av typen {kind.value}, men strukturen har "
                "ingen slike organer",
                code="empty-kind-group",
                location=m.loc(key),
            )
        return [b.id for b in bodies], f"{key}:{kind.value}"
    found = structure._resolve_body_ref(m.req(key), m.loc(key))
    return ([] if found is None else [found]), None


def _condition(raw: Any, where: Location) -> dict[str, tuple[str, ...]]:
    """A relation's ``condition``: case attribute → one value or a list of values (``{region: sør}``)."""
    table = _expect_map(raw, "«condition» (vilkår på sakens egenskaper, f.eks. {region: sør})", where)
    if not table:
        raise SchemaError("«condition» er tom; skriv minst én egenskap, f.eks. {region: sør}", location=where)
    out: dict[str, tuple[str, ...]] = {}
    for key, value in table.items():
        values = value if isinstance(value, list) else [value]
        if not values or any(v is None or isinstance(v, (dict, list, bool)) for v in values):
            raise SchemaError(
                f"vilkåret «{key}» skal være en verdi eller en liste av verdier, fant {_kind(value)}",
                code="invalid-condition",
                location=table.loc(key),
            )
        out[str(key)] = tuple(str(v) for v in values)
    return out


def build_structure(data: Any, *, filename: str, path: Path | None) -> Structure:
    """Turn parsed YAML into a :class:`Structure` (the graph is built here, once)."""
    from samhandling.structure.graph import Structure

    if data is None:
        raise SchemaError(
            "filen er tom; forventet en struktur med «structure», «bodies» osv.", location=Location(filename)
        )
    top = _Map(data, "strukturfilen", Location(filename, 1, 1), TOP_LEVEL_KEYS)
    sources = _source_table(top.raw("sources"), top.loc("sources")) if top.has("sources") else {}

    settings: dict[str, Setting] = {}
    if top.has("settings"):
        st = _expect_map(top.raw("settings"), "«settings»", top.loc("settings"))
        settings = {k: _setting(k, v, st.loc(k)) for k, v in st.items()}
    readings = Readings(settings)

    parties: list[Party] = []
    if top.has("parties"):
        lst = _expect_list(top.raw("parties"), "«parties»", top.loc("parties"))
        parties = [_party(p, lst.loc(i)) for i, p in enumerate(lst)]

    bodies: list[Body] = []
    member_specs: list[tuple[str, MarkedDict, Location]] = []
    if not top.has("bodies"):
        raise SchemaError("strukturen mangler «bodies» (minst ett organ)", code="missing-key", location=top.loc())
    lst = _expect_list(top.raw("bodies"), "«bodies»", top.loc("bodies"))
    for i, b in enumerate(lst):
        body, members = _body(b, lst.loc(i), readings)
        bodies.append(body)
        member_specs.extend((body.id, spec, where) for spec, where in members)

    relation_specs: list[tuple[MarkedDict, Location]] = []
    if top.has("relations"):
        rl = _expect_list(top.raw("relations"), "«relations»", top.loc("relations"))
        relation_specs = [(r, rl.loc(i)) for i, r in enumerate(rl)]

    rules: list[Rule] = []
    if top.has("rules"):
        rl = _expect_list(top.raw("rules"), "«rules»", top.loc("rules"))
        rules = [parse_rule(r, rl.loc(i), sources, readings) for i, r in enumerate(rl)]

    structure = Structure(
        id=top.req("structure"),
        name=top.str("name") or top.req("structure"),
        language=top.str("language", default="nb") or "nb",
        description=top.str("description"),
        mandate=_mandate(top.raw("mandate"), top.loc("mandate")) if top.has("mandate") else None,
        sources=sources,
        parties=parties,
        bodies=bodies,
        rules=rules,
        settings=settings,
        extensions={k: top.raw(k) for k in EXTENSION_SECTIONS if top.has(k)},
        filename=filename,
        path=path,
    )
    # Relations and memberships name bodies and parties; resolve them through the index.
    for spec, where in relation_specs:
        m = _Map(spec, "en relasjon (relations)", where, _RELATION_KEYS)
        if not readings.keeps(spec, "en relasjon"):
            continue
        from_ids, source_group = _relation_ends(structure, m, "from")
        targets, target_group = _relation_ends(structure, m, "to")
        kind = m.enum("kind", RelationKind)
        condition = _condition(m.raw("condition"), m.loc("condition")) if m.has("condition") else None
        group = source_group or target_group
        for source in from_ids:
            for target in targets:
                if source == target:
                    continue
                structure._add_relation(
                    Relation(
                        source=source,
                        target=target,
                        kind=kind,
                        label=m.str("label"),
                        condition=condition,
                        location=m.loc(),
                        group=group,
                    )
                )
    for body_id, spec, where in member_specs:
        readings.resolve(spec, ("count",), f"medlemskap i organet «{body_id}»")
        m = _Map(spec, "et medlemskap (members)", where, _MEMBER_KEYS)
        if not readings.keeps(spec, f"medlemskap i organet «{body_id}»"):
            continue
        party = structure._resolve_party_ref(m.req("party"), m.loc("party"))
        count = m.int("count", 1)
        assert count is not None
        rights = m.enum("rights", SeatRights, SeatRights.MEMBER)
        deputy_for = None
        if m.has("deputy_for"):
            deputy_for = structure._resolve_party_ref(m.req("deputy_for"), m.loc("deputy_for"))
            if rights is not SeatRights.DEPUTY:
                raise SchemaError(
                    "«deputy_for» hører til et varasete: skriv også rights: deputy",
                    location=m.loc("deputy_for"),
                )
        elif rights is SeatRights.DEPUTY:
            raise SchemaError(
                "et varasete (rights: deputy) må si hvem det er vara for: deputy_for: <part>",
                location=m.loc("rights"),
            )
        if party is None:
            continue
        structure._add_membership(
            Membership(
                body=body_id,
                party=party,
                count=count,
                role=m.str("role"),
                person=m.str("person"),
                period=m.period(),
                location=m.loc(),
                rights=rights,
                deputy_for=deputy_for,
                title=m.str("title"),
            )
        )
    structure.setting_refs = dict(readings.refs)
    structure._finish()
    return structure
