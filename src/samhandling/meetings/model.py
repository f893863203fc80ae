"""The records of a secretariat's meeting: the meeting, its agenda items, attendance and decisions.

Plain immutable values; the store (:mod:`samhandling.store.meetings`) keeps them and the application service
(:mod:`samhandling.app.meetings`) changes them. Nothing here reads a store or a case.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs


class MeetingKind(enum.StrEnum):
    """Ordinary (from the meeting plan) or extraordinary (ad hoc)."""

    ORDINARY = "ordinary"
    EXTRAORDINARY = "extraordinary"

    @property
    def label(self) -> str:
        return {"ordinary": "ordinært møte", "extraordinary": "ekstraordinært møte"}[self.value]


class MeetingStatus(enum.StrEnum):
    """A meeting is planned, then opened (attendance recorded), then closed (minutes kept)."""

    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"planned": "planlagt", "open": "åpnet", "closed": "lukket"}[self.value]


class ItemKind(enum.StrEnum):
    """An agenda item is a case of the store, or an information item (orienteringssak) without a case."""

    CASE = "case"
    INFORMATION = "information"

    @property
    def label(self) -> str:
        return {"case": "sak", "information": "orientering"}[self.value]


class Presence(enum.StrEnum):
    """How a party was at a meeting."""

    MEMBER = "member"  # present on its own member seat, voting
    DEPUTY = "deputy"  # a deputy standing in for an absent member party, voting for that party
    OBSERVER = "observer"  # present without a vote
    ABSENT = "absent"

    @property
    def label(self) -> str:
        return {"member": "til stede", "deputy": "vara", "observer": "observatør", "absent": "forfall"}[self.value]


@attrs.frozen
class AttendanceEntry:
    """One party at a meeting. For a deputy, ``for_party`` is the party it stands in for (it votes as that party)."""

    party: str
    presence: Presence
    for_party: str | None = None
    person: str | None = None

    @property
    def voting_party(self) -> str | None:
        """The party this entry votes as (None for observers and the absent)."""
        if self.presence is Presence.MEMBER:
            return self.party
        if self.presence is Presence.DEPUTY:
            return self.for_party or self.party
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "presence": self.presence.value,
            "for_party": self.for_party,
            "person": self.person,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AttendanceEntry:
        return cls(str(data["party"]), Presence(data["presence"]), data.get("for_party"), data.get("person"))


@attrs.frozen
class Decision:
    """What the meeting decided on an item: the act performed (if any), its outcome and a remark (the vedtak)."""

    act: str | None = None
    outcome: str | None = None
    positions: dict[str, str] = attrs.field(factory=dict)
    remark: str | None = None
    seq: int | None = None  # the event the act became in its case

    def to_dict(self) -> dict[str, Any]:
        return {
            "act": self.act,
            "outcome": self.outcome,
            "positions": dict(self.positions),
            "remark": self.remark,
            "seq": self.seq,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decision:
        return cls(
            data.get("act"), data.get("outcome"), dict(data.get("positions") or {}), data.get("remark"), data.get("seq")
        )

    @property
    def dissent(self) -> list[str]:
        """The parties whose position was against (any spelling the engine reads as against), for the protokoll."""
        from samhandling.process.engine import POSITION_WORDS

        return [
            p
            for p, word in self.positions.items()
            if POSITION_WORDS.get(str(word).strip().casefold()) == "against" or str(word).casefold() == "dissens"
        ]


@attrs.frozen
class AgendaItem:
    """One item on a meeting's agenda, with the case number it was given (never reused, also when removed)."""

    meeting_id: str
    number: int
    year: int
    case_number: str
    kind: ItemKind
    title: str
    case_id: str | None = None
    removed: bool = False
    decision: Decision | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "meeting": self.meeting_id,
            "number": self.number,
            "year": self.year,
            "case_number": self.case_number,
            "kind": self.kind.value,
            "title": self.title,
            "case": self.case_id,
            "removed": self.removed,
            "decision": self.decision.to_dict() if self.decision else None,
        }


@attrs.frozen
class MeetingRecord:
    """A meeting of a body: from the structure's meeting plan (ordinary) or ad hoc (extraordinary)."""

    meeting_id: str
    structure: str  # how the structure is opened: a bundled name or a path
    body: str  # the body's id
    date: dt.date
    kind: MeetingKind = MeetingKind.ORDINARY
    type: str = "møte"  # free text: fysisk, digitalt, arbeidsmøte, ...
    parts: tuple[str, ...] = ()  # the meeting's parts (segments), e.g. («felles del», «SSU»)
    title: str = ""
    status: MeetingStatus = MeetingStatus.PLANNED
    notice_sent: dt.date | None = None  # the innkalling's date
    attendance: tuple[AttendanceEntry, ...] = ()
    items: tuple[AgendaItem, ...] = ()
    convened_by: str | None = None  # the party that sent the innkalling (S0-R5: the leader)
    minute_taker: str | None = None  # the party that wrote the minutes (S0-R5: the leader)

    @property
    def agenda(self) -> tuple[AgendaItem, ...]:
        """The items not removed, in number order."""
        return tuple(i for i in sorted(self.items, key=lambda i: i.number) if not i.removed)

    def item(self, ref: str | int) -> AgendaItem | None:
        """An item by its number, its case number («Sak 01/24», «01/24») or its case id."""
        text = str(ref).strip()
        for item in self.items:
            if text in (str(item.number), item.case_number, item.case_id) or (
                text and item.case_number.endswith(" " + text)
            ):
                return item
        if text.isdigit():
            return next((i for i in self.items if i.number == int(text)), None)
        return None

    @property
    def present_voting(self) -> list[str]:
        """The parties counted as present and voting (a deputy counts once, as the party it stands in for)."""
        return list(dict.fromkeys(p for a in self.attendance if (p := a.voting_party) is not None))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.meeting_id,
            "structure": self.structure,
            "body": self.body,
            "date": self.date.isoformat(),
            "kind": self.kind.value,
            "type": self.type,
            "parts": list(self.parts),
            "title": self.title,
            "status": self.status.value,
            "notice_sent": self.notice_sent.isoformat() if self.notice_sent else None,
            "attendance": [a.to_dict() for a in self.attendance],
            "convened_by": self.convened_by,
            "minute_taker": self.minute_taker,
            "items": [i.to_dict() for i in sorted(self.items, key=lambda i: i.number)],
        }
