"""Who may attend a meeting of a body, and who stood in for whom: the rules shared by the meeting records
(:mod:`samhandling.meetings.attendance`, a meeting opened in the store) and the meetings of a structure file
(``meetings:`` with ``present`` and ``deputies``, read by :mod:`samhandling.time.meeting_plan`).

A party is present on a member seat of the body on the meeting's date. A deputy (stedfortreder, vara: a person)
stands in for one member party and counts as it, once (S2-R4 «Stedfortreder kan stille»): a deputy for a party
without a member seat is refused (``not-a-member``), as are two people standing in for the same party
(``deputy-twice``). A deputy for a party that is itself present adds nothing: the party's own seat counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from samhandling.errors import MeetingError

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure

__all__ = ["absent_members", "member_parties", "resolve_attendance"]


def member_parties(structure: Structure, body: str, on: dt.date) -> list[str]:
    """The parties holding a member (voting) seat in ``body`` on ``on``, in the structure's order (seat rights from
    ``Membership.rights``; a structure without rights has member seats only)."""
    return [p.id for p in structure.voting_parties(body, on)]


def _member(structure: Structure, body: str, on: dt.date, members: list[str], name: str, what: str) -> str:
    pid = structure.party(name).id  # UnknownPartyError (unknown-party) for a name no party has
    if pid not in members:
        raise MeetingError(
            f"{structure.party(pid).name} har ikke medlemsplass i {structure.body(body).label} {on.isoformat()} og "
            f"kan ikke være {what}; medlemmer: {', '.join(structure.party(m).name for m in members) or 'ingen'}",
            code="not-a-member",
            details={"party": pid, "body": body},
        )
    return pid


def resolve_attendance(
    structure: Structure,
    body: str,
    on: dt.date,
    present: Iterable[str] = (),
    deputies: Iterable[tuple[str, str]] = (),
) -> tuple[list[str], dict[str, str]]:
    """The present member parties (ids, in the order given) and the stand-ins ({party id: the deputy's name}).

    ``deputies`` are pairs (the deputy's name, the party it stands in for; a name, alias or id). Raises
    :class:`MeetingError`: ``not-a-member`` for a present or stood-in party without a member seat in the body that
    day, ``deputy-twice`` for a second person standing in for the same party; ``unknown-party`` for a name no party
    has. A deputy for a party that is itself present is not listed: the party counts once, on its own seat.
    """
    members = member_parties(structure, body, on)
    here = list(dict.fromkeys(_member(structure, body, on, members, n, "til stede som medlem") for n in present))
    stood_in: dict[str, str] = {}
    seen: dict[str, str] = {}
    for person, for_name in deputies:
        pid = _member(structure, body, on, members, for_name, "representert ved stedfortreder")
        if pid in seen:
            raise MeetingError(
                f"{structure.party(pid).name} kan bare ha én stedfortreder på {structure.body(body).label}-møtet "
                f"{on.isoformat()}: både {seen[pid]} og {person} er oppgitt",
                code="deputy-twice",
                details={"party": pid, "body": body, "deputies": [seen[pid], person]},
            )
        seen[pid] = person
        if pid not in here:
            stood_in[pid] = person
    return here, stood_in


def absent_members(
    structure: Structure, body: str, on: dt.date, present: Iterable[str], stood_in: Iterable[str] = ()
) -> list[str]:
    """The member parties of ``body`` on ``on`` that were neither present nor stood in for (party ids)."""
    counted = {*present, *stood_in}
    return [m for m in member_parties(structure, body, on) if m not in counted]
