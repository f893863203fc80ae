"""Meeting plans: the dated meetings of each body, and the meeting rules and time settings.

Parsed from the structure sections ``meetings`` and ``meeting_rules`` (format in
``docs/time.md``), lazily and once per structure. A meeting may also record what
happened: when the agenda was sent, which items were submitted when, who chaired, who sent the
notice and wrote the minutes, who attended and who stood in for whom.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

import attrs

from samhandling.errors import SchemaError
from samhandling.formats.names import name_key
from samhandling.location import Location
from samhandling.structure.model import Rule
from samhandling.structure.sections import cached_section, resolve_body, resolve_party, section_location
from samhandling.time.deadlines import DayCount

if TYPE_CHECKING:
    from samhandling.structure.findings import Finding
    from samhandling.structure.graph import Structure


class MeetingMode(enum.StrEnum):
    PHYSICAL = "physical"
    DIGITAL = "digital"

    @property
    def label(self) -> str:
        return {"physical": "fysisk", "digital": "digitalt"}[self.value]


class SegmentKind(enum.StrEnum):
    """The parts of a two-part meeting (S2-R1): municipalities only, or municipalities with the HF."""

    MUNICIPAL = "municipal"
    JOINT = "joint"

    @property
    def label(self) -> str:
        return {"municipal": "kun kommunene", "joint": "kommunene og helseforetaket"}[self.value]


class MeetingType(enum.StrEnum):
    """What kind of meeting it is (issue 12 item 6): one meeting may be of several types (an ordinary long one)."""

    ORDINARY = "ordinary"
    EXTRAORDINARY = "extraordinary"
    LONG = "long"
    SHORT = "short"
    ADMINISTRATIVE = "administrative"
    POLITICAL = "political"

    @property
    def label(self) -> str:
        return MEETING_TYPE_LABEL[self]


MEETING_TYPE_LABEL: dict[MeetingType, str] = {
    MeetingType.ORDINARY: "ordinært",
    MeetingType.EXTRAORDINARY: "ekstraordinært",
    MeetingType.LONG: "langt",
    MeetingType.SHORT: "kort",
    MeetingType.ADMINISTRATIVE: "administrativt",
    MeetingType.POLITICAL: "politisk",
}


@attrs.frozen(slots=True)
class Part:
    """A named part of a meeting (the administrative and the political part), optionally typed and timed."""

    label: str
    type: MeetingType | None = None
    minutes: int | None = None


@attrs.frozen(slots=True)
class Segment:
    kind: SegmentKind
    minutes: int | None = None
    label: str | None = None


@attrs.frozen(slots=True)
class AgendaItem:
    title: str
    submitted: dt.date | None = None
    location: Location | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(slots=True)
class Meeting:
    """One dated meeting of one body, with what the plan and the records say about it."""

    body: str
    date: dt.date
    title: str | None = None
    host: str | None = None
    venue: str | None = None
    mode: MeetingMode | None = None
    segments: tuple[Segment, ...] = ()
    chair: str | None = None
    minute_taker: str | None = None
    agenda_sent: dt.date | None = None
    items: tuple[AgendaItem, ...] = ()
    note: str | None = None
    location: Location | None = attrs.field(default=None, eq=False, repr=False)
    types: tuple[MeetingType, ...] = ()
    parts: tuple[Part, ...] = ()
    #: Who sent the notice (innkalling): a party id (YAML ``convened_by``).
    convened_by: str | None = None
    #: The member parties present (ids; YAML ``present``); None when attendance is not recorded.
    present: tuple[str, ...] | None = None
    #: Who stood in for whom: (the deputy's name, the party id) (YAML ``deputies: {NAME: PARTY}``).
    deputies: tuple[tuple[str, str], ...] = ()

    @property
    def attendance_recorded(self) -> bool:
        return self.present is not None or bool(self.deputies)

    def is_type(self, wanted: MeetingType | str) -> bool:
        """Whether the meeting is of type ``wanted`` (a meeting without a type counts as ordinary), or has a part
        of that type."""
        wanted = MeetingType(wanted)
        types = self.types or (MeetingType.ORDINARY,)
        return wanted in types or any(p.type is wanted for p in self.parts)

    @property
    def host_key(self) -> str | None:
        return None if self.host is None else name_key(self.host)


TIME_SETTINGS: dict[str, Any] = {
    "day_count": DayCount.CALENDAR.value,
    "allow_double_assignment": False,
}


@attrs.frozen(slots=True)
class MeetingPlan:
    meetings: tuple[Meeting, ...] = ()
    rules: tuple[Rule, ...] = ()
    settings: dict[str, Any] = attrs.field(factory=dict, eq=False, hash=False)

    def of(self, body: str, year: int | None = None) -> list[Meeting]:
        """The meetings of a body id, in date order (of one year when given)."""
        return [m for m in self.meetings if m.body == body and (year is None or m.date.year == year)]

    def years(self) -> list[int]:
        return sorted({m.date.year for m in self.meetings})

    def bodies(self) -> list[str]:
        return list(dict.fromkeys(m.body for m in self.meetings))


_MEETING_KEYS = {
    "body",
    "date",
    "title",
    "host",
    "venue",
    "mode",
    "segments",
    "chair",
    "minute_taker",
    "agenda_sent",
    "items",
    "note",
    "type",
    "parts",
    "convened_by",
    "present",
    "deputies",
}
_PART_KEYS = {"label", "type", "minutes"}
_SEGMENT_KEYS = {"kind", "minutes", "label"}
_ITEM_KEYS = {"title", "submitted"}
_RULES_KEYS = {"settings", "rules"}


def _segment(item: Any, where: Location) -> Segment:
    from samhandling.formats.maps import MarkedMap

    m = MarkedMap(item, "en møtedel (segments)", where, _SEGMENT_KEYS)
    return Segment(kind=m.enum("kind", SegmentKind), minutes=m.int("minutes"), label=m.str("label"))


def _part(item: Any, where: Location) -> Part:
    from samhandling.formats.maps import MarkedMap

    m = MarkedMap(item, "en del av møtet (parts)", where, _PART_KEYS)
    return Part(
        label=m.req("label"), type=m.enum("type", MeetingType) if m.has("type") else None, minutes=m.int("minutes")
    )


def _types(m: Any) -> tuple[MeetingType, ...]:
    """``type: long`` or ``type: [ordinary, long]``."""
    from samhandling.formats.maps import describe

    raw = m.raw("type")
    if raw is None:
        return ()
    values = raw if isinstance(raw, list) else [raw]
    known = ", ".join(t.value for t in MeetingType)
    out: list[MeetingType] = []
    for value in values:
        try:
            out.append(MeetingType(str(value)))
        except ValueError:
            raise SchemaError(
                f"ugyldig møtetype {describe(value)}; forventet en av: {known}",
                code="invalid-value",
                location=m.loc("type"),
            ) from None
    return tuple(dict.fromkeys(out))


def _agenda_item(item: Any, where: Location) -> AgendaItem:
    from samhandling.formats.maps import MarkedMap

    m = MarkedMap(item, "en sak (items)", where, _ITEM_KEYS)
    return AgendaItem(title=m.req("title"), submitted=m.date("submitted"), location=m.loc())


def _meeting(structure: Structure, item: Any, where: Location) -> Meeting:
    from samhandling.formats.maps import MarkedMap, expect_list

    m = MarkedMap(item, "et møte (meetings)", where, _MEETING_KEYS)
    day = m.date("date")
    if day is None:
        raise SchemaError("møtet mangler «date» (ÅÅÅÅ-MM-DD)", code="missing-key", location=m.loc())
    segments: list[Segment] = []
    if m.has("segments"):
        lst = expect_list(m.raw("segments"), "«segments»", m.loc("segments"))
        segments = [_segment(s, lst.loc(i)) for i, s in enumerate(lst)]
    items: list[AgendaItem] = []
    if m.has("items"):
        lst = expect_list(m.raw("items"), "«items»", m.loc("items"))
        items = [_agenda_item(s, lst.loc(i)) for i, s in enumerate(lst)]
    parts: list[Part] = []
    if m.has("parts"):
        lst = expect_list(m.raw("parts"), "«parts»", m.loc("parts"))
        parts = [_part(p, lst.loc(i)) for i, p in enumerate(lst)]
    chair = m.str("chair")
    minute_taker = m.str("minute_taker")
    agenda_sent = m.date("agenda_sent")
    if agenda_sent is not None and agenda_sent > day:
        raise SchemaError(
            f"«agenda_sent» ({agenda_sent.isoformat()}) er etter møtet ({day.isoformat()})",
            code="invalid-date",
            location=m.loc("agenda_sent"),
        )
    body = resolve_body(structure, m.req("body"), m.loc("body"))
    convened_by = m.str("convened_by")
    present, deputies = _attendance(structure, m, body, day)
    return Meeting(
        body=body,
        date=day,
        title=m.str("title"),
        host=m.str("host"),
        venue=m.str("venue"),
        mode=m.enum("mode", MeetingMode) if m.has("mode") else None,
        segments=tuple(segments),
        chair=None if chair is None else resolve_party(structure, chair, m.loc("chair")),
        minute_taker=None if minute_taker is None else resolve_party(structure, minute_taker, m.loc("minute_taker")),
        agenda_sent=agenda_sent,
        items=tuple(items),
        note=m.str("note"),
        location=m.loc(),
        types=_types(m),
        parts=tuple(parts),
        convened_by=None if convened_by is None else resolve_party(structure, convened_by, m.loc("convened_by")),
        present=present,
        deputies=deputies,
    )


def _attendance(
    structure: Structure, m: Any, body: str, day: dt.date
) -> tuple[tuple[str, ...] | None, tuple[tuple[str, str], ...]]:
    """``present: [PARTY, ...]`` and ``deputies: {NAME: PARTY}``, read by the rules of the meeting records
    (:func:`samhandling.time.attendance.resolve_attendance`): a located ``not-a-member``, ``deputy-twice`` or
    ``unknown-party`` refusal."""
    from samhandling.errors import AmbiguousNameError, MeetingError, NotFoundError
    from samhandling.formats.maps import expect_list, expect_map
    from samhandling.time.attendance import resolve_attendance

    if not m.has("present") and not m.has("deputies"):
        return None, ()
    names = [str(p) for p in expect_list(m.raw("present"), "«present»", m.loc("present"))] if m.has("present") else []
    pairs: list[tuple[str, str]] = []
    if m.has("deputies"):
        table = expect_map(m.raw("deputies"), "«deputies» (stedfortreder: part)", m.loc("deputies"))
        pairs = [(str(person), str(party)) for person, party in table.items()]
    try:
        here, stood_in = resolve_attendance(structure, body, day, names, pairs)
    except (MeetingError, NotFoundError, AmbiguousNameError) as exc:
        where = (
            m.loc("deputies") if exc.code == "deputy-twice" else m.loc("present" if m.has("present") else "deputies")
        )
        raise SchemaError(exc.message, code=exc.code, location=where) from None
    return tuple(here), tuple((person, pid) for pid, person in stood_in.items())


def _settings(raw: Any, where: Location) -> dict[str, Any]:
    from samhandling.formats.maps import expect_map

    table = expect_map(raw, "«settings» i «meeting_rules»", where)
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in TIME_SETTINGS:
            raise SchemaError(
                f"ukjent tidsinnstilling «{key}»; kjente: {', '.join(sorted(TIME_SETTINGS))}",
                code="unknown-key",
                location=table.loc(key),
            )
        if isinstance(value, dict) and "value" in value:
            value = value["value"]
        out[key] = value
    if "day_count" in out and out["day_count"] not in {d.value for d in DayCount}:
        raise SchemaError(
            f"«day_count» skal være calendar eller working_days, fant «{out['day_count']}»",
            code="invalid-value",
            location=table.loc("day_count"),
        )
    return out


@cached_section("meetings")
def meeting_plan(structure: Structure) -> MeetingPlan:
    """The structure's meeting plan, meeting rules and time settings (parsed once)."""
    from samhandling.formats.maps import MarkedMap, expect_list
    from samhandling.structure.loader import Readings, parse_rule

    meetings: list[Meeting] = []
    raw = structure.extensions.get("meetings")
    if raw is not None:
        lst = expect_list(raw, "«meetings»", section_location(structure, "meetings"))
        meetings = [_meeting(structure, item, lst.loc(i)) for i, item in enumerate(lst)]
    rules: list[Rule] = []
    settings: dict[str, Any] = {}
    raw = structure.extensions.get("meeting_rules")
    if raw is not None:
        where = section_location(structure, "meeting_rules")
        rule_list = raw
        if not isinstance(raw, list):
            m = MarkedMap(raw, "«meeting_rules»", where, _RULES_KEYS)
            if m.has("settings"):
                settings = _settings(m.raw("settings"), m.loc("settings"))
            rule_list = m.raw("rules")
            where = m.loc("rules")
        if rule_list is not None:
            lst = expect_list(rule_list, "reglene i «meeting_rules»", where)
            rules = [
                parse_rule(item, lst.loc(i), structure.sources, Readings(structure.settings))
                for i, item in enumerate(lst)
            ]
    meetings.sort(key=lambda mt: (mt.date, mt.body))
    return MeetingPlan(meetings=tuple(meetings), rules=tuple(rules), settings=settings)


def meeting_findings(structure: Structure) -> list[Finding]:
    """Every problem of the ``meetings`` and ``meeting_rules`` sections, one finding per broken meeting or rule.

    :func:`meeting_plan` stops at the first problem (a plan with a broken meeting cannot be used); validation reads
    every meeting and rule and reports each one that is wrong, with its line.
    """
    from samhandling.formats.maps import MarkedMap, expect_list
    from samhandling.structure.findings import error_finding
    from samhandling.structure.loader import Readings, parse_rule

    out: list[Finding] = []

    def each(raw: Any, what: str, where: Location, parse: Any) -> None:
        try:
            lst = expect_list(raw, what, where)
        except SchemaError as exc:
            out.append(error_finding(exc, where))
            return
        for i, item in enumerate(lst):
            try:
                parse(item, lst.loc(i))
            except SchemaError as exc:
                out.append(error_finding(exc, lst.loc(i)))

    raw = structure.extensions.get("meetings")
    if raw is not None:
        each(
            raw,
            "«meetings»",
            section_location(structure, "meetings"),
            lambda item, where: _meeting(structure, item, where),
        )
    raw = structure.extensions.get("meeting_rules")
    if raw is not None:
        where = section_location(structure, "meeting_rules")
        rule_list = raw
        if not isinstance(raw, list):
            try:
                m = MarkedMap(raw, "«meeting_rules»", where, _RULES_KEYS)
                if m.has("settings"):
                    _settings(m.raw("settings"), m.loc("settings"))
            except SchemaError as exc:
                out.append(error_finding(exc, where))
                return out
            rule_list, where = m.raw("rules"), m.loc("rules")
        if rule_list is not None:
            each(
                rule_list,
                "reglene i «meeting_rules»",
                where,
                lambda item, at: parse_rule(item, at, structure.sources, Readings(structure.settings)),
            )
    return out


def time_setting(structure: Structure, key: str, override: Any = None) -> Any:
    """A time setting: the call's override, else ``meeting_rules.settings``, else ``settings``, else the default."""
    if override is not None:
        return override
    plan = meeting_plan(structure)
    if key in plan.settings:
        return plan.settings[key]
    if key == "day_count" and key not in structure.settings and "days_are" in structure.settings:
        # The structure files' own name for the same reading: calendar | working.
        value = str(structure.setting("days_are"))
        return DayCount.WORKING_DAYS.value if value.startswith("working") else DayCount.CALENDAR.value
    return structure.setting(key, TIME_SETTINGS.get(key))


def day_count(structure: Structure, override: DayCount | str | None = None) -> DayCount:
    return DayCount(time_setting(structure, "day_count", override))
