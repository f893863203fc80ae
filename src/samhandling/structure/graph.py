"""A governance structure: parties, bodies and rules over one networkx graph.

The :class:`networkx.MultiDiGraph` in :attr:`Structure.graph` holds the relations
between bodies: nodes are body ids (with the :class:`~samhandling.structure.model.Body` in the
``body`` attribute), edges are keyed by their :class:`~samhandling.structure.model.RelationKind`
value and carry the :class:`~samhandling.structure.model.Relation` in ``relation``.

The graph is built on first use, from the same relations the structure keeps in a
plain adjacency table (:meth:`Structure.out_relations`, :meth:`Structure.in_relations`,
in the graph's own order), so that loading and showing a structure does not import
networkx (issue 15); relation look-ups and path queries read the table directly.
A structure does not change after loading, so the two always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from samhandling.errors import AmbiguousNameError, UnknownBodyError, UnknownPartyError
from samhandling.formats.names import name_key
from samhandling.location import Location
from samhandling.structure.findings import Finding
from samhandling.structure.model import (
    Body,
    BodyKind,
    DecisionPower,
    Mandate,
    Membership,
    Party,
    Relation,
    RelationKind,
    Rule,
    SeatRights,
    Setting,
    Severity,
    Side,
)

if TYPE_CHECKING:
    import networkx as nx

    from samhandling.process.engine import ProcessDefinition
    from samhandling.structure.paths import Route


class Structure:
    """One helsefellesskap or cooperation as loaded from a structure file."""

    def __init__(
        self,
        *,
        id: str,
        name: str,
        language: str,
        description: str | None,
        mandate: Mandate | None,
        sources: dict[str, dict[str, Any]],
        parties: list[Party],
        bodies: list[Body],
        rules: list[Rule],
        settings: dict[str, Setting],
        extensions: dict[str, Any],
        filename: str,
        path: Path | None,
    ) -> None:
        self.id = id
        self.name = name
        self.language = language
        self.description = description
        self.mandate = mandate
        self.sources = sources
        self.rules = tuple(rules)
        self.settings = settings
        self.extensions = extensions
        self.filename = filename
        self.path = path
        self._graph: nx.MultiDiGraph | None = None
        # source -> target -> relation kind value -> Relation, and the reverse: the graph's adjacency.
        self._out: dict[str, dict[str, dict[str, Relation]]] = {}
        self._in: dict[str, dict[str, dict[str, Relation]]] = {}
        self.memberships: list[Membership] = []
        self.load_findings: list[Finding] = []
        self._bodies: dict[str, Body] = {}
        self._parties: dict[str, Party] = {}
        self._body_index: dict[str, set[str]] = {}
        self._party_index: dict[str, set[str]] = {}
        self._processes: dict[str, ProcessDefinition] | None = None
        self.setting_refs: dict[str, str] = {}
        """Readings (``settings``) the structure file refers to with ``{setting: KEY}`` or ``when``, and where."""
        self.revision = 0
        """Counts changes to the graph while it is built (caches of path queries compare it)."""
        for party in parties:
            self._add_party(party)
        for body in bodies:
            self._add_body(body)

    # ------------------------------------------------------------------ building

    def _dup(self, kind: str, item_id: str, location: Location | None, first: Location | None) -> None:
        where = f" (første gang på linje {first.line})" if first and first.line else ""
        self.load_findings.append(
            Finding(
                code="duplicate-id",
                severity=Severity.ERROR,
                message=f"{kind} med id «{item_id}» er definert to ganger{where}",
                location=location,
            )
        )

    def _add_party(self, party: Party) -> None:
        if party.id in self._parties:
            self._dup("parten", party.id, party.location, self._parties[party.id].location)
            return
        self._parties[party.id] = party
        for name in party.names():
            self._party_index.setdefault(name_key(name), set()).add(party.id)

    def _add_body(self, body: Body) -> None:
        if body.id in self._bodies:
            self._dup("organet", body.id, body.location, self._bodies[body.id].location)
            return
        self._bodies[body.id] = body
        self.revision += 1
        self._out[body.id] = {}
        self._in[body.id] = {}
        if self._graph is not None:
            self._graph.add_node(body.id, body=body)
        for name in body.names():
            self._body_index.setdefault(name_key(name), set()).add(body.id)

    def _resolve_body_ref(self, name: str, location: Location) -> str | None:
        try:
            return self.body(name).id
        except (UnknownBodyError, AmbiguousNameError) as exc:
            self.load_findings.append(
                Finding(code=exc.code, severity=Severity.ERROR, message=exc.message, location=location)
            )
            return None

    def _resolve_party_ref(self, name: str, location: Location) -> str | None:
        try:
            return self.party(name).id
        except (UnknownPartyError, AmbiguousNameError) as exc:
            self.load_findings.append(
                Finding(code=exc.code, severity=Severity.ERROR, message=exc.message, location=location)
            )
            return None

    def _add_relation(self, relation: Relation) -> None:
        self.revision += 1
        key = relation.kind.value
        self._out[relation.source].setdefault(relation.target, {})[key] = relation
        self._in[relation.target].setdefault(relation.source, {})[key] = relation
        if self._graph is not None:
            self._graph.add_edge(relation.source, relation.target, key=key, relation=relation)

    def _add_membership(self, membership: Membership) -> None:
        self.memberships.append(membership)

    def _finish(self) -> None:
        # Names shared by two bodies make lookups ambiguous: report them once, where the second is defined.
        seen: set[tuple[str, ...]] = set()
        for key, ids in self._body_index.items():
            if len(ids) > 1:
                pair = tuple(sorted(ids))
                if pair in seen:
                    continue
                seen.add(pair)
                bodies = [self._bodies[i] for i in pair]
                later = max(bodies, key=lambda b: (b.location.line or 0) if b.location else 0)
                names = " og ".join(f"«{b.name}» ({b.id})" for b in bodies)
                self.load_findings.append(
                    Finding(
                        code="duplicate-name",
                        severity=Severity.ERROR,
                        message=f"navnet «{key}» brukes av flere organer: {names}; et navn må peke på ett organ",
                        location=later.location,
                    )
                )

    # ------------------------------------------------------------------ lookups

    @property
    def bodies(self) -> tuple[Body, ...]:
        return tuple(self._bodies.values())

    @property
    def parties(self) -> tuple[Party, ...]:
        return tuple(self._parties.values())

    def body(self, name: str | Body) -> Body:
        """Find a body by id, name, alias or abbreviation (case-, space- and nynorsk/bokmål-tolerant)."""
        if isinstance(name, Body):
            return self._bodies[name.id]
        if name in self._bodies:
            return self._bodies[name]
        ids = self._body_index.get(name_key(name), set())
        if len(ids) == 1:
            return self._bodies[next(iter(ids))]
        if len(ids) > 1:
            raise AmbiguousNameError(
                f"«{name}» kan bety flere organer: {', '.join(sorted(ids))}", details={"candidates": sorted(ids)}
            )
        raise UnknownBodyError(
            f"ukjent organ «{name}» i strukturen {self.id}; kjente organer: "
            + ", ".join(b.label for b in self._bodies.values()),
            details={"name": name},
        )

    def has_body(self, name: str) -> bool:
        try:
            self.body(name)
        except (UnknownBodyError, AmbiguousNameError):
            return False
        return True

    def party(self, name: str | Party) -> Party:
        """Find a party by id, name or alias."""
        if isinstance(name, Party):
            return self._parties[name.id]
        if name in self._parties:
            return self._parties[name]
        ids = self._party_index.get(name_key(name), set())
        if len(ids) == 1:
            return self._parties[next(iter(ids))]
        if len(ids) > 1:
            raise AmbiguousNameError(f"«{name}» kan bety flere parter: {', '.join(sorted(ids))}")
        raise UnknownPartyError(f"ukjent part «{name}» i strukturen {self.id}", details={"name": name})

    def bodies_of_kind(self, kind: BodyKind | str) -> list[Body]:
        kind = BodyKind(kind)
        return [b for b in self._bodies.values() if b.kind is kind]

    def parties_of_side(self, side: Side | str, on: dt.date | None = None) -> list[Party]:
        side = Side(side)
        return [p for p in self._parties.values() if p.side is side and p.period.contains(on)]

    def members(self, body: str | Body, on: dt.date | None = None) -> list[Membership]:
        """The memberships of a body, valid on a date (all when ``on`` is None)."""
        body_id = self.body(body).id
        return [m for m in self.memberships if m.body == body_id and m.period.contains(on)]

    def member_seats(self, body: str | Body, on: dt.date | None = None) -> list[Membership]:
        """The member seats (``rights: member``) of a body on a date: what composition rules count. Observer and
        deputy seats never count (a deputy standing in counts as the party it stands in for, in decisions only)."""
        return [m for m in self.members(body, on) if m.votes]

    def member_parties(self, body: str | Body, on: dt.date | None = None) -> list[Party]:
        seen: dict[str, Party] = {}
        for m in self.members(body, on):
            seen.setdefault(m.party, self._parties[m.party])
        return list(seen.values())

    def voting_parties(self, body: str | Body, on: dt.date | None = None) -> list[Party]:
        """The parties holding a member seat (``rights: member``) in a body on a date, in the order of the file."""
        return self._parties_with(body, on, SeatRights.MEMBER)

    def observers(self, body: str | Body, on: dt.date | None = None) -> list[Party]:
        """The parties holding an observer seat (møte- og talerett, no vote) in a body on a date."""
        return self._parties_with(body, on, SeatRights.OBSERVER)

    def deputies(self, body: str | Body, on: dt.date | None = None) -> list[Party]:
        """The parties holding a deputy seat (vara) in a body on a date; ``deputy_for`` names whom each stands in
        for (see :meth:`deputy_map`)."""
        return self._parties_with(body, on, SeatRights.DEPUTY)

    def deputy_map(self, body: str | Body, on: dt.date | None = None) -> dict[str, str]:
        """{deputy party id: id of the party it stands in for} for the deputy seats of a body on a date."""
        return {
            m.party: m.deputy_for
            for m in self.members(body, on)
            if m.rights is SeatRights.DEPUTY and m.deputy_for is not None
        }

    def _parties_with(self, body: str | Body, on: dt.date | None, rights: SeatRights) -> list[Party]:
        seen: dict[str, Party] = {}
        for m in self.members(body, on):
            if m.rights is rights:
                seen.setdefault(m.party, self._parties[m.party])
        return list(seen.values())

    def bodies_of_party(self, party: str | Party, on: dt.date | None = None) -> list[Body]:
        """Every body a party sits in (a municipality may sit in several: Enebakk)."""
        party_id = self.party(party).id
        ids = dict.fromkeys(m.body for m in self.memberships if m.party == party_id and m.period.contains(on))
        return [self._bodies[i] for i in ids]

    def seat_count(self, body: str | Body, side: Side | str, on: dt.date | None = None) -> int:
        """How many member seats of ``side`` a body has on a date (observer and deputy seats are not counted)."""
        side = Side(side)
        return sum(m.count for m in self.member_seats(body, on) if self._parties[m.party].side is side)

    def has_seat(self, body: str | Body, person: str, on: dt.date | None = None) -> bool:
        """Whether a named person holds a seat in a body on a date."""
        key = name_key(person)
        return any(m.person and name_key(m.person) == key for m in self.members(body, on))

    # ------------------------------------------------------------------ relations

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The relations as a :class:`networkx.MultiDiGraph` (built on first use, then kept)."""
        if self._graph is None:
            import networkx as nx

            graph = nx.MultiDiGraph(structure=self.id)
            for body in self._bodies.values():
                graph.add_node(body.id, body=body)
            for relation in self.relations():
                graph.add_edge(relation.source, relation.target, key=relation.kind.value, relation=relation)
            self._graph = graph
        return self._graph

    def relations(self, kind: RelationKind | str | None = None) -> list[Relation]:
        """Every relation (of ``kind``), in the graph's edge order: by source body, then first use of the target."""
        wanted = None if kind is None else RelationKind(kind).value
        return [
            r
            for targets in self._out.values()
            for keyed in targets.values()
            for k, r in keyed.items()
            if wanted in (None, k)
        ]

    def out_relations(self, body_id: str) -> Iterator[Relation]:
        """The relations from the body with id ``body_id`` (``graph.out_edges`` order)."""
        for keyed in self._out[body_id].values():
            yield from keyed.values()

    def in_relations(self, body_id: str) -> Iterator[Relation]:
        """The relations to the body with id ``body_id`` (``graph.in_edges`` order)."""
        for keyed in self._in[body_id].values():
            yield from keyed.values()

    def targets(self, body: str | Body, kind: RelationKind | str) -> list[Body]:
        """Bodies that ``body`` has a relation of ``kind`` to (e.g. whom it reports to)."""
        body_id = self.body(body).id
        key = RelationKind(kind).value
        return [self._bodies[t] for t, keyed in self._out[body_id].items() if key in keyed]

    def sources_of(self, body: str | Body, kind: RelationKind | str) -> list[Body]:
        """Bodies that have a relation of ``kind`` to ``body`` (e.g. who reports to it)."""
        body_id = self.body(body).id
        key = RelationKind(kind).value
        return [self._bodies[s] for s, keyed in self._in[body_id].items() if key in keyed]

    def subgraph(self, kinds: Iterable[RelationKind | str]) -> nx.MultiDiGraph:
        """A view of the graph with only the given relation kinds."""
        import networkx as nx

        keys = {RelationKind(k).value for k in kinds}
        return nx.subgraph_view(self.graph, filter_edge=lambda u, v, k: k in keys)

    def deciders(self) -> list[Body]:
        return [b for b in self._bodies.values() if b.power is DecisionPower.DECIDES]

    # ------------------------------------------------------------------ paths (see samhandling.structure.paths for the rules)

    def escalation_path(
        self, body: str | Body, attributes: Mapping[str, Any] | None = None, on: dt.date | None = None
    ) -> Route:
        """The preferred escalation route from ``body`` up to the top (empty route when it has none).

        With a case's ``attributes`` only relations whose condition matches them are followed; with ``on`` only
        bodies in force that day are entered.
        """
        from samhandling.structure import paths

        return paths.escalation_path(self, body, attributes, on)

    def escalation_paths(
        self, body: str | Body, attributes: Mapping[str, Any] | None = None, on: dt.date | None = None
    ) -> list[Route]:
        """Every escalation route from ``body``, the preferred one first (``[]`` when none); ``on`` as in
        :meth:`escalation_path`."""
        from samhandling.structure import paths

        return paths.escalation_paths(self, body, attributes=attributes, on=on)

    def decider(self, act_kind: str = "decide") -> Body:
        """The body that holds the power for an act kind (``decide``, ``approve``, ``political_review``, ...)."""
        from samhandling.structure import paths

        return paths.decider(self, act_kind)

    def all_paths(
        self, source: str | Body, target: str | Body, kinds: Iterable[RelationKind | str] | None = None
    ) -> list[Route]:
        """Every simple route between two bodies along relations of ``kinds`` (default: upward lines)."""
        from samhandling.structure import paths

        return paths.all_paths(self, source, target, kinds)

    def oversees(self, body: str | Body, *, transitive: bool = False) -> list[Body]:
        from samhandling.structure import paths

        return paths.oversees(self, body, transitive=transitive)

    def commissions(self, body: str | Body, *, transitive: bool = False) -> list[Body]:
        from samhandling.structure import paths

        return paths.commissions(self, body, transitive=transitive)

    # ------------------------------------------------------------------ settings, rules

    def setting(self, key: str, default: Any = None) -> Any:
        setting = self.settings.get(key)
        return default if setting is None else setting.value

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def validate(self, on: dt.date | None = None) -> list[Finding]:
        """Check the structure against its own rules and the built-in structural checks."""
        from samhandling.structure.validation import validate

        return validate(self, on=on)

    def __iter__(self) -> Iterator[Body]:
        return iter(self._bodies.values())

    def __repr__(self) -> str:
        return f"<Structure {self.id}: {len(self._bodies)} organer, {len(self._parties)} parter>"
