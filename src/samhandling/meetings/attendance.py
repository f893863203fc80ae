"""Attendance at a meeting: members present, deputies standing in, observers, the absent.

A party is present on a member seat of the body on the meeting's date; a deputy stands in for a member party
that is not there and votes as that party (it counts once, also when the member party is listed too; S2-R4
«Stedfortreder kan stille»); observers have no vote; every member party neither present nor stood in for is
absent. Who may be present and stand in is decided by :func:`samhandling.time.attendance.resolve_attendance`,
the same rules a structure file's recorded meetings are read by: a deputy for a party without a member seat is
refused (``not-a-member``), a second person standing in for one party too (``deputy-twice``). Seat rights are
read from ``Membership.rights`` (member, deputy, observer); without them every seat is a member seat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from samhandling.meetings.model import AttendanceEntry, Presence
from samhandling.time.attendance import absent_members, member_parties, resolve_attendance

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure

__all__ = ["build_attendance", "member_parties"]


def build_attendance(
    structure: Structure,
    body: str,
    on: dt.date,
    *,
    present: Iterable[str] = (),
    deputies: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    observers: Iterable[str] = (),
) -> tuple[AttendanceEntry, ...]:
    """The attendance list: ``present`` parties (by id, name or alias), ``deputies`` (deputy's name → the party
    it stands in for, a mapping or pairs), ``observers`` (parties), everyone else with a member seat absent.

    Raises :class:`MeetingError` (``not-a-member``) for a present party or a stood-in party without a member seat,
    ``deputy-twice`` for two people standing in for one party, ``unknown-party`` when a name is no party of the
    structure.
    """
    pairs = list(deputies.items() if isinstance(deputies, Mapping) else deputies or ())
    here, stood_in = resolve_attendance(structure, body, on, present, pairs)
    out = [AttendanceEntry(pid, Presence.MEMBER) for pid in here]
    out += [
        AttendanceEntry(pid, Presence.DEPUTY, for_party=pid, person=person or None) for pid, person in stood_in.items()
    ]
    counted = {*here, *stood_in}
    for name in observers:
        pid = structure.party(name).id
        if pid not in counted:
            out.append(AttendanceEntry(pid, Presence.OBSERVER))
            counted.add(pid)
    out.extend(AttendanceEntry(m, Presence.ABSENT) for m in absent_members(structure, body, on, here, stood_in))
    return tuple(out)
