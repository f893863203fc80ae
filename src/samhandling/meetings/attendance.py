"""Attendance at a meeting: members present, deputies standing in, observers, the absent.

A party is present on a member seat of the body on the meeting's date; a deputy stands in for a member party
that is not there and votes as that party (it counts once, also when the member party is listed too);
observers have no vote; every member party neither present nor stood in for is absent. Seat rights are read
from ``Membership.rights`` (member, deputy, observer) when the structure has them; without them every seat is a
member seat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from samhandling.errors import MeetingError
from samhandling.meetings.model import AttendanceEntry, Presence

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure


def _rights(membership: object) -> str:
    value = getattr(membership, "rights", None)
    return str(getattr(value, "value", value) or "member").lower()


def member_parties(structure: Structure, body: str, on: dt.date) -> list[str]:
    """The parties holding a member (voting) seat in ``body`` on ``on``, in the structure's order."""
    voting = getattr(structure, "voting_parties", None)
    if callable(voting):
        return [p.id for p in voting(body, on)]
    return list(dict.fromkeys(m.party for m in structure.members(body, on) if _rights(m) == "member"))


def build_attendance(
    structure: Structure,
    body: str,
    on: dt.date,
    *,
    present: Iterable[str] = (),
    deputies: Mapping[str, str] | None = None,
    observers: Iterable[str] = (),
) -> tuple[AttendanceEntry, ...]:
    """The attendance list: ``present`` parties (by id, name or alias), ``deputies`` (deputy's name → the party
    it stands in for), ``observers`` (parties), everyone else with a member seat absent.

    Raises :class:`MeetingError` (``not-a-member``) for a present party or a stood-in party without a member seat,
    ``unknown-party`` when a name is no party of the structure.
    """
    members = member_parties(structure, body, on)
    label = structure.body(body).label

    def party_id(name: str, what: str) -> str:
        pid = structure.party(name).id  # UnknownPartyError (unknown-party) for a name no party has
        if what and pid not in members:
            raise MeetingError(
                f"{structure.party(pid).name} har ikke medlemsplass i {label} {on.isoformat()} og kan ikke være "
                f"{what}; medlemmer: {', '.join(structure.party(m).name for m in members) or 'ingen'}",
                code="not-a-member",
                details={"party": pid, "body": body},
            )
        return pid

    entries: dict[str, AttendanceEntry] = {}
    for name in present:
        pid = party_id(name, "til stede som medlem")
        entries.setdefault(pid, AttendanceEntry(pid, Presence.MEMBER))
    for person, for_name in (deputies or {}).items():
        pid = party_id(for_name, "representert ved vara")
        if pid not in entries:  # a deputy for a party that is itself present counts once: the party's own seat
            entries[pid] = AttendanceEntry(pid, Presence.DEPUTY, for_party=pid, person=person or None)
    out = list(entries.values())
    for name in observers:
        pid = party_id(name, "")
        if pid not in entries:
            out.append(AttendanceEntry(pid, Presence.OBSERVER))
    out.extend(AttendanceEntry(m, Presence.ABSENT) for m in members if m not in entries)
    return tuple(out)
