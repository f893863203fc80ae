"""Priority groups of a plan version, and what serves each (the ``priority_groups`` section).

S4: «Helsefellesskapa bør prioritere utvikling av tenester til barn og unge, personar med fleire kroniske lidingar,
personer med alvorlege psykiske lidingar og rusproblem, og skrøpelege eldre.» The groups belong to a national plan
version (Nasjonal helse- og sjukehusplan 2020–2023 names four; the 2024–2027 plan adds a fifth), so they are data of
the structure, with the plan they come from. Each group says what serves it: bodies (Sør-Rogaland's service-model
group per patient group) and plan items (a conference, an action-plan measure), each with its source. The
``priority_groups`` check (``samhandling.structure.validation``) reports a group that nothing serves.

```yaml
priority_groups:
  plan: Nasjonal helse- og sjukehusplan 2020 – 2023
  source: S4
  groups:
    - id: psykisk-rus
      name: personer med alvorlege psykiske lidingar og rusproblem
      bodies: [TMG psykisk helse og rus]
      items:
        - {title: erfaringskonferanse innan psykisk helse og rusarbeid, date: 2024-06-12, source: S4}
```

The section is read when first asked for (and cached per structure); a problem is a located
:class:`~samhandling.errors.SchemaError`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from samhandling.errors import SchemaError
from samhandling.formats.maps import MarkedMap, expect_list
from samhandling.location import Location
from samhandling.structure.sections import cached_section, resolve_body, section_location

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure

SECTION = "priority_groups"

_TOP_KEYS = {"plan", "source", "note", "groups"}
_GROUP_KEYS = {"id", "name", "bodies", "items", "note"}
_ITEM_KEYS = {"title", "date", "source", "note"}


@attrs.frozen(slots=True)
class PriorityItem:
    """A plan item or event that serves a group (``title``, optional ``date``, ``source`` key, ``note``)."""

    title: str
    date: dt.date | None = None
    source: str | None = None
    note: str | None = None


@attrs.frozen(slots=True)
class PriorityGroup:
    """One priority group: its id and name, and the bodies (ids) and plan items that serve it."""

    id: str
    name: str
    bodies: tuple[str, ...] = ()
    items: tuple[PriorityItem, ...] = ()
    note: str | None = None
    location: Location | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(slots=True)
class Priorities:
    """The ``priority_groups`` section: the plan version the groups come from, and the groups."""

    plan: str | None
    source: str | None
    groups: tuple[PriorityGroup, ...]
    note: str | None = None
    location: Location | None = attrs.field(default=None, eq=False, repr=False)

    def group(self, group_id: str) -> PriorityGroup:
        for g in self.groups:
            if g.id == group_id:
                return g
        raise KeyError(group_id)


def _source(structure: Structure, m: MarkedMap) -> str | None:
    key = m.str("source")
    if key is not None and structure.sources and key not in structure.sources:
        raise SchemaError(
            f"«source: {key}» står ikke under «sources» (kjente: {', '.join(sorted(structure.sources))})",
            code="unknown-source",
            location=m.loc("source"),
        )
    return key


def _item(structure: Structure, raw: object, where: Location) -> PriorityItem:
    m = MarkedMap(raw, "et tiltak (items) i en prioritert gruppe", where, _ITEM_KEYS)
    return PriorityItem(title=m.req("title"), date=m.date("date"), source=_source(structure, m), note=m.str("note"))


def _group(structure: Structure, raw: object, where: Location) -> PriorityGroup:
    m = MarkedMap(raw, "en prioritert gruppe (groups)", where, _GROUP_KEYS)
    bodies: list[str] = []
    if m.has("bodies"):
        lst = expect_list(m.raw("bodies"), "«bodies» (organer som tjener gruppen)", m.loc("bodies"))
        bodies = [resolve_body(structure, str(name), lst.loc(i)) for i, name in enumerate(lst)]
    items: list[PriorityItem] = []
    if m.has("items"):
        lst = expect_list(m.raw("items"), "«items» (tiltak som tjener gruppen)", m.loc("items"))
        items = [_item(structure, x, lst.loc(i)) for i, x in enumerate(lst)]
    return PriorityGroup(
        id=m.req("id"),
        name=m.str("name") or m.req("id"),
        bodies=tuple(dict.fromkeys(bodies)),
        items=tuple(items),
        note=m.str("note"),
        location=m.loc(),
    )


@cached_section(SECTION)
def priority_groups(structure: Structure) -> Priorities | None:
    """The structure's ``priority_groups`` section, or ``None`` when it has none."""
    raw = structure.extensions.get(SECTION)
    if raw is None:
        return None
    where = section_location(structure, SECTION)
    m = MarkedMap(raw, "«priority_groups» (prioriterte grupper)", where, _TOP_KEYS)
    groups: list[PriorityGroup] = []
    if m.has("groups"):
        lst = expect_list(m.raw("groups"), "«groups»", m.loc("groups"))
        groups = [_group(structure, g, lst.loc(i)) for i, g in enumerate(lst)]
    seen: dict[str, PriorityGroup] = {}
    for g in groups:
        if g.id in seen:
            raise SchemaError(
                f"den prioriterte gruppen «{g.id}» står to ganger", code="duplicate-id", location=g.location
            )
        seen[g.id] = g
    if not groups:
        raise SchemaError("«priority_groups» har ingen grupper («groups»)", code="missing-key", location=m.loc())
    return Priorities(
        plan=m.str("plan"),
        source=_source(structure, m),
        groups=tuple(groups),
        note=m.str("note"),
        location=m.loc(),
    )
