"""Rotations of roles (chair, minute-taker, leader) turned into a dated schedule.

Two kinds, parsed from the structure section ``rotations`` (format in ``docs/time.md``):

* ``party``: a role passes among parties in a fixed ``order`` every ``period``
  (S2-R8: «Møteleder og referent rulleres hvert halvår blant kommunenes representanter»;
  S0-R4: «Funksjonstida er eitt år og går på omgang mellom kommunane»). With two
  roles, this period's minute-taker is next period's chair. Candidates must be on
  ``side`` (municipal by default, so the HF never takes a turn). A party in two
  bodies (Enebakk) is not given a role in two rotations in overlapping periods
  unless the setting ``allow_double_assignment`` is true: the later rotation takes
  its next candidate, and the skipped party stays first in line.
* ``side``: the leadership of a set of bodies is held by a side for a term, and
  (when ``alternate``) swaps side after each term (S3-R23, two-year TMG leadership).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import deque
from typing import TYPE_CHECKING, Any

import attrs

from samhandling.errors import SchemaError
from samhandling.location import Location
from samhandling.structure.model import SIDE_LABEL, Side
from samhandling.structure.sections import (
    cached_section,
    resolve_body,
    resolve_party,
    section_location,
    with_settings,
)

if TYPE_CHECKING:
    from samhandling.structure.findings import Finding
    from samhandling.structure.graph import Structure


class RotationKind(enum.StrEnum):
    PARTY = "party"
    SIDE = "side"


PERIOD_MONTHS = {"half_year": 6, "year": 12, "two_years": 24}
PERIOD_LABEL = {6: "halvår", 12: "år", 24: "to år"}
ROLE_LABEL = {"chair": "møteleder", "minute_taker": "referent", "leader": "leder"}


@attrs.frozen(slots=True)
class Rotation:
    id: str
    kind: RotationKind
    bodies: tuple[str, ...]
    roles: tuple[str, ...]
    months: int
    start: dt.date
    order: tuple[str, ...] = ()  # party ids (kind party)
    side: Side = Side.MUNICIPAL
    initial: tuple[tuple[str, Side], ...] = ()  # (body id, side) (kind side)
    alternate: bool = True
    allow_double: bool | None = None
    note: str | None = None
    location: Location | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(slots=True)
class Assignment:
    """Who (a party id, or a side) holds ``role`` in ``body`` from ``start`` to ``end`` (inclusive)."""

    rotation: str
    body: str
    role: str
    start: dt.date
    end: dt.date
    holder: str
    label: str
    double: bool = False  # also holds a role in another rotation in the same period

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


_KEYS = {
    "id",
    "kind",
    "body",
    "bodies",
    "roles",
    "role",
    "period",
    "months",
    "start",
    "order",
    "side",
    "initial",
    "alternate",
    "alternate_setting",
    "allow_double_assignment",
    "note",
}


def _rotation(structure: Structure, item: Any, where: Location) -> Rotation:
    from samhandling.formats.maps import MarkedMap, expect_map

    item = with_settings(structure, item, ("order", "period", "months", "alternate"))
    m = MarkedMap(item, "en rullering (rotations)", where, _KEYS)
    kind = m.enum("kind", RotationKind, RotationKind.PARTY)
    names = list(m.strs("bodies")) or ([m.req("body")] if m.has("body") else [])
    if not names:
        raise SchemaError("rulleringen mangler «body» eller «bodies»", code="missing-key", location=m.loc())
    where_b = m.loc("bodies") if m.has("bodies") else m.loc("body")
    bodies = tuple(resolve_body(structure, n, where_b) for n in names)
    if m.has("months"):
        months = m.int("months")
        assert months is not None
        if months < 1:
            raise SchemaError("«months» skal være minst 1", code="invalid-value", location=m.loc("months"))
    else:
        period = m.req("period")
        if period not in PERIOD_MONTHS:
            raise SchemaError(
                f"ugyldig «period» «{period}»; forventet en av: {', '.join(PERIOD_MONTHS)} (eller «months»)",
                code="invalid-value",
                location=m.loc("period"),
            )
        months = PERIOD_MONTHS[period]
    start = m.date("start")
    if start is None:
        raise SchemaError(
            "rulleringen mangler «start» (første periode, ÅÅÅÅ-MM-DD)", code="missing-key", location=m.loc()
        )
    roles = m.strs("roles") or (
        (m.req("role"),) if m.has("role") else ("chair",) if kind is RotationKind.PARTY else ("leader",)
    )
    alternate = m.bool("alternate", True)
    if m.has("alternate_setting"):
        key = m.req("alternate_setting")
        if key not in structure.settings:
            raise SchemaError(
                f"innstillingen «{key}» finnes ikke under «settings»",
                code="unknown-setting",
                location=m.loc("alternate_setting"),
            )
        alternate = bool(structure.setting(key))
    allow = m.bool("allow_double_assignment") if m.has("allow_double_assignment") else None
    side = m.enum("side", Side, Side.MUNICIPAL)
    order: tuple[str, ...] = ()
    initial: list[tuple[str, Side]] = []
    if kind is RotationKind.PARTY:
        if len(bodies) != 1:
            raise SchemaError("en rullering mellom parter gjelder ett organ («body»)", location=where_b)
        members = tuple(p.id for p in structure.voting_parties(bodies[0], start) if p.side is side)
        if m.raw("order") == "alphabetical":
            order = tuple(sorted(members, key=lambda pid: structure.party(pid).name))
        elif m.has("order") and m.raw("order") != "members":
            order = tuple(resolve_party(structure, p, m.loc("order")) for p in m.strs("order"))
        else:
            order = members
        for pid in order:
            party = structure.party(pid)
            if party.side is not side:
                raise SchemaError(
                    f"{party.name} er ikke på {SIDE_LABEL[side]} og kan ikke ha en tur i rulleringen «{m.req('id')}»",
                    code="rotation-side",
                    location=m.loc("order"),
                )
        if len(set(order)) != len(order):
            raise SchemaError("en part står to ganger i «order»", code="duplicate-id", location=m.loc("order"))
        if len(order) < len(roles):
            raise SchemaError(
                f"rulleringen har {len(order)} kandidater, men {len(roles)} roller å fylle",
                code="rotation-too-few",
                location=m.loc("order") if m.has("order") else m.loc(),
            )
    else:
        given: dict[str, Any] = {}
        if m.has("initial"):
            table = expect_map(m.raw("initial"), "«initial»", m.loc("initial"))
            given = {resolve_body(structure, k, table.loc(k)): v for k, v in table.items()}
        for body in bodies:
            if body in given:
                try:
                    initial.append((body, Side(given[body])))
                except ValueError:
                    raise SchemaError(
                        f"ugyldig side «{given[body]}» for {body}", code="invalid-value", location=m.loc("initial")
                    ) from None
                continue
            leaders = [structure.party(x.party).side for x in structure.members(body, start) if x.role in roles]
            if len(set(leaders)) != 1:
                raise SchemaError(
                    f"kan ikke se hvilken side som leder {structure.body(body).label} ved start; oppgi den under «initial»",
                    code="rotation-initial",
                    location=m.loc(),
                )
            initial.append((body, leaders[0]))
    return Rotation(
        id=m.req("id"),
        kind=kind,
        bodies=bodies,
        roles=roles,
        months=months,
        start=start,
        order=order,
        side=side,
        initial=tuple(initial),
        alternate=alternate,
        allow_double=allow,
        note=m.str("note"),
        location=m.loc(),
    )


@cached_section("rotations")
def rotations(structure: Structure) -> tuple[Rotation, ...]:
    """The structure's rotations (parsed once)."""
    from samhandling.formats.maps import expect_list

    raw = structure.extensions.get("rotations")
    if raw is None:
        return ()
    lst = expect_list(raw, "«rotations»", section_location(structure, "rotations"))
    out = [_rotation(structure, item, lst.loc(i)) for i, item in enumerate(lst)]
    seen: set[str] = set()
    for r in out:
        if r.id in seen:
            raise SchemaError(f"rulleringen «{r.id}» er definert to ganger", code="duplicate-id", location=r.location)
        seen.add(r.id)
    return tuple(out)


def rotation_findings(structure: Structure) -> list[Finding]:
    """Every problem of the ``rotations`` section, one finding per broken rotation: all of them are read.

    :func:`rotations` stops at the first problem (a schedule needs every rotation); validation wants them all.
    """
    from samhandling.formats.maps import expect_list
    from samhandling.structure.findings import error_finding

    raw = structure.extensions.get("rotations")
    if raw is None:
        return []
    where = section_location(structure, "rotations")
    try:
        lst = expect_list(raw, "«rotations»", where)
    except SchemaError as exc:
        return [error_finding(exc, where)]
    out: list[Finding] = []
    seen: dict[str, Location | None] = {}
    for i, item in enumerate(lst):
        try:
            rot = _rotation(structure, item, lst.loc(i))
        except SchemaError as exc:
            out.append(error_finding(exc, lst.loc(i)))
            continue
        if rot.id in seen:
            out.append(
                error_finding(
                    SchemaError(f"rulleringen «{rot.id}» er definert to ganger", code="duplicate-id"), rot.location
                )
            )
        seen[rot.id] = rot.location
    return out


def rotation(structure: Structure, rotation_id: str) -> Rotation:
    from samhandling.errors import NotFoundError

    for r in rotations(structure):
        if r.id == rotation_id:
            return r
    known = ", ".join(r.id for r in rotations(structure)) or "ingen"
    raise NotFoundError(f"ukjent rullering «{rotation_id}» i {structure.id}; kjente: {known}", code="unknown-rotation")


def schedule(
    structure: Structure,
    until: dt.date,
    *,
    since: dt.date | None = None,
    allow_double_assignment: bool | None = None,
) -> list[Assignment]:
    """Every assignment of every rotation whose period starts on or before ``until``.

    Periods ending before ``since`` are left out of the result (they are still
    computed: the order depends on them).
    """
    from samhandling.time.meeting_plan import time_setting

    default_allow = bool(time_setting(structure, "allow_double_assignment", allow_double_assignment))
    windows: list[tuple[dt.date, int, Rotation, int]] = []
    for index, rot in enumerate(rotations(structure)):
        k = 0
        while (begin := add_months(rot.start, k * rot.months)) <= until:
            windows.append((begin, index, rot, k))
            k += 1
    windows.sort(key=lambda w: (w[0], w[1]))
    queues = {rot.id: deque(rot.order) for rot in rotations(structure)}
    out: list[Assignment] = []
    for begin, _, rot, k in windows:
        end = add_months(rot.start, (k + 1) * rot.months) - dt.timedelta(days=1)
        if rot.kind is RotationKind.SIDE:
            for body, side in rot.initial:
                held = _other(side) if rot.alternate and k % 2 else side
                for role in rot.roles:
                    out.append(Assignment(rot.id, body, role, begin, end, held.value, SIDE_LABEL[held]))
            continue
        allow = default_allow if rot.allow_double is None else rot.allow_double
        busy = {a.holder for a in out if a.rotation != rot.id and a.start <= end and begin <= a.end}
        queue = queues[rot.id]
        active = [p for p in queue if serves(structure, rot.bodies[0], p, begin)]
        if len(active) < len(rot.roles):  # nobody left who exists then: keep the written order rather than stop
            active = list(queue)
        chosen: list[str] = []
        for _role in rot.roles:
            free = [p for p in active if p not in chosen and (allow or p not in busy)]
            pick = free[0] if free else next(p for p in active if p not in chosen)
            chosen.append(pick)
        for role, pid in zip(rot.roles, chosen):
            out.append(
                Assignment(rot.id, rot.bodies[0], role, begin, end, pid, structure.party(pid).name, double=pid in busy)
            )
        queue.remove(chosen[0])
        queue.append(chosen[0])
    if since is not None:
        out = [a for a in out if a.end >= since]
    return out


def serves(structure: Structure, body: str, party: str, day: dt.date) -> bool:
    """Whether ``party`` can take a turn in ``body`` on ``day``: the party exists then (its period) and, where the
    body lists the party's seats, one of them is valid then. A municipality merged away in 2020 gets no 2020 turn.
    """
    if not structure.party(party).period.contains(day):
        return False
    seats = [m for m in structure.members(body) if m.party == party]
    return not seats or any(m.period.contains(day) for m in seats)


def _other(side: Side) -> Side:
    return {Side.MUNICIPAL: Side.HOSPITAL, Side.HOSPITAL: Side.MUNICIPAL}.get(side, side)


def holder(structure: Structure, rotation_id: str, role: str, day: dt.date) -> str | None:
    """Who holds ``role`` of a rotation on ``day`` (a party id or a side value); None before it starts."""
    rot = rotation(structure, rotation_id)
    for a in schedule(structure, day):
        if a.rotation == rot.id and a.role == role and a.covers(day):
            return a.holder
    return None


def role_label(role: str) -> str:
    return ROLE_LABEL.get(role, role)
