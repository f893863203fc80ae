"""The small input protocol a meeting export reads, and a YAML reader for it.

Meetings as stored records are being built elsewhere (issue 14 items 1-4); until they land, the archive export
reads a :class:`MeetingRecord`: the body, the date, the body's own meeting number, who was there and the agenda
items with their case numbers and decisions. Anything with these attributes can be exported (the protocol is the
attribute names, not the class); :func:`read_meeting` builds one from a YAML file::

    body: ssu                # the body's id, name or alias in the structure
    date: 2024-02-29
    number: "1/24"           # the body's own meeting number
    place: Stavanger         # optional
    chair: Ola Nordmann      # optional (møteleder)
    secretary: Kari Nordmann # optional (referent)
    participants: [Sola kommune, Helse Stavanger HF]   # optional
    items:
      - number: Sak 01/24
        title: Felles plan for utskrivning
        case: tjenestemodell-1a2b3c   # optional: the samhandling case decided
        decision: Planen vedtas.      # optional: the vedtak; without it the item is a saksframlegg
        type: AN                      # optional møtesakstype (PS, DS, RS, FO, AN); default AN
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import attrs

from samhandling.archive.codes import CODE_LISTS
from samhandling.errors import SchemaError
from samhandling.formats.maps import MarkedMap, expect_list
from samhandling.formats.yamlio import read_yaml
from samhandling.location import Location


class MeetingItemLike(Protocol):
    """What the export reads of an agenda item."""

    @property
    def number(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def case(self) -> str | None: ...
    @property
    def decision(self) -> str | None: ...
    @property
    def type(self) -> str: ...


class MeetingLike(Protocol):
    """What the export reads of a meeting (meeting records of issue 14 can be passed as they are if they match)."""

    @property
    def body(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def number(self) -> str: ...
    @property
    def place(self) -> str | None: ...
    @property
    def chair(self) -> str | None: ...
    @property
    def secretary(self) -> str | None: ...
    @property
    def participants(self) -> Sequence[str]: ...
    @property
    def items(self) -> Sequence[MeetingItemLike]: ...


@attrs.frozen
class MeetingItem:
    """One agenda item: its case number in the body («Sak 01/24»), title, the case it concerns and the decision."""

    number: str
    title: str
    case: str | None = None
    decision: str | None = None
    type: str = "AN"


@attrs.frozen
class MeetingRecord:
    """A held meeting of one body, as the archive export reads it."""

    body: str
    date: dt.date
    number: str
    items: tuple[MeetingItem, ...]
    place: str | None = None
    chair: str | None = None
    secretary: str | None = None
    participants: tuple[str, ...] = ()


_TOP = {"body", "date", "number", "place", "chair", "secretary", "participants", "items"}
_ITEM = {"number", "title", "case", "decision", "type"}


def _text(m: MarkedMap, key: str) -> str | None:
    value = m.raw(key)
    if value is None:
        return None
    if isinstance(value, (bool, dict, list)):
        raise SchemaError(f"«{key}» i {m.what} skal være tekst", location=m.loc(key))
    text = str(value).strip()
    return text or None


def _required(m: MarkedMap, key: str) -> str:
    text = _text(m, key)
    if text is None:
        raise SchemaError(f"{m.what} mangler «{key}»", code="missing-key", location=m.loc(key))
    return text


def meeting_from_data(data: object, where: Location) -> MeetingRecord:
    """A :class:`MeetingRecord` from parsed YAML (see the module docstring); a bad value is a located SchemaError."""
    top = MarkedMap(data, "møtefilen", where, _TOP)
    day = top.date("date")
    if day is None:
        raise SchemaError("møtefilen mangler «date» (møtedatoen, ÅÅÅÅ-MM-DD)", code="missing-key", location=top.loc())
    raw_items = top.raw("items")
    if raw_items is None:
        raise SchemaError("møtefilen mangler «items» (sakslisten)", code="missing-key", location=top.loc())
    items_list = expect_list(raw_items, "«items»", top.loc("items"))
    items: list[MeetingItem] = []
    seen: dict[str, Location] = {}
    for i, raw in enumerate(items_list):
        item = MarkedMap(raw, f"sak nr. {i + 1} i «items»", items_list.loc(i), _ITEM)
        number = _required(item, "number")
        if number in seen:
            raise SchemaError(
                f"saksnummeret «{number}» står to ganger i sakslisten (først {seen[number]})",
                code="duplicate-item",
                location=item.loc("number"),
            )
        seen[number] = item.loc("number")
        kind = _text(item, "type") or "AN"
        if kind not in CODE_LISTS["moetesakstype"]:
            raise SchemaError(
                f"«{kind}» er ikke en møtesakstype; gyldige: "
                + ", ".join(f"{k} ({v})" for k, v in CODE_LISTS["moetesakstype"].items()),
                code="unknown-archive-code",
                location=item.loc("type"),
            )
        items.append(
            MeetingItem(
                number=number,
                title=_required(item, "title"),
                case=_text(item, "case"),
                decision=_text(item, "decision"),
                type=kind,
            )
        )
    if not items:
        raise SchemaError("sakslisten («items») er tom", code="empty-agenda", location=top.loc("items"))
    return MeetingRecord(
        body=_required(top, "body"),
        date=day,
        number=_required(top, "number"),
        items=tuple(items),
        place=_text(top, "place"),
        chair=_text(top, "chair"),
        secretary=_text(top, "secretary"),
        participants=top.strs("participants"),
    )


def read_meeting(path: str | Path) -> MeetingRecord:
    """Read a meeting YAML file (see the module docstring)."""
    data = read_yaml(path)
    return meeting_from_data(data, getattr(data, "location", None) or Location(str(path), 1, 1))
