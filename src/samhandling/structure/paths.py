"""Path queries on the governance graph: escalation routes, deciders, oversight.

Everything here reads the structure's relations (:meth:`Structure.out_relations` and friends, the
adjacency of :attr:`Structure.graph`); nothing is a hard-coded list. Every query is linear in the
size of the graph except the ones that list every route, which stop at :data:`MAX_ROUTES`.

Escalation rule
    A case goes *up* along ``escalates_to`` and ``reports_to`` relations. At each
    step the route prefers an ``escalates_to`` relation over a ``reports_to``
    relation (a document that says where a disagreement goes is more specific than
    one that says where reports go). Among several targets of the same kind it
    prefers a body that can decide, then the higher body (lower level), then the
    order of the structure file. The route goes on as far as the structure's
    relations go (to the partnership meeting where the structure says so) and
    never visits a body twice; :attr:`Route.decider` is the first body on it that
    can decide.

Routing
    A relation may carry a ``condition`` on a case's attributes (``{region: sør}``). Given a case's
    attributes, the route follows only relations whose condition matches (unconditioned relations
    always do); :func:`escalation_targets` lists the matching ``escalates_to`` targets of one body.

A body with no upward relation has no escalation route: :func:`escalation_path`
returns an *empty* route (no hops, ``bool(route) is False``, ``route.bodies`` is
just the body itself) and :func:`escalation_paths` returns ``[]``. Neither raises.
"""

from __future__ import annotations

import datetime as dt
import enum
import weakref
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from samhandling.errors import NotFoundError, TooManyRoutesError, UsageError
from samhandling.structure.model import Body, BodyKind, DecisionPower, RelationKind

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure

UPWARD: tuple[RelationKind, ...] = (RelationKind.ESCALATES_TO, RelationKind.REPORTS_TO)


@attrs.frozen(slots=True)
class Hop:
    """One step of a route: ``source`` has a relation of ``kind`` to ``target``."""

    source: str
    target: str
    kind: RelationKind
    label: str | None = None


@attrs.frozen(slots=True)
class Route:
    """A path through the graph from ``start``; empty when it has no hops."""

    start: str
    hops: tuple[Hop, ...] = ()
    decider: str | None = None

    @property
    def bodies(self) -> tuple[str, ...]:
        return (self.start, *(h.target for h in self.hops))

    @property
    def end(self) -> str:
        return self.bodies[-1]

    def __bool__(self) -> bool:
        return bool(self.hops)

    def __len__(self) -> int:
        return len(self.hops)

    def describe(self, structure: Structure) -> str:
        """``TMG barn og unge → FSU → SSU`` with body labels."""
        return " → ".join(structure.body(b).label for b in self.bodies)


# ---------------------------------------------------------------------------- helpers

MAX_ROUTES = 1_000
"""The most routes :func:`escalation_paths` and :func:`all_paths` list before refusing (``too-many-routes``)."""


class _Ranker:
    """Out-edges of a body, best first (see the module's escalation rule), for one query.

    The file order of the bodies is worked out once per query, so that walking a chain of
    n bodies costs O(n) edge look-ups, not O(n²).
    """

    def __init__(
        self,
        structure: Structure,
        kinds: Sequence[RelationKind],
        attributes: Mapping[str, Any] | None = None,
        on: dt.date | None = None,
    ) -> None:
        self.structure = structure
        self.attributes = attributes
        self.on = on  # only bodies in force that day (their ``valid_from``/``valid_to``) are targets
        self.rank = {k: i for i, k in enumerate(kinds)}
        self.keys = {k.value for k in kinds}
        self.order = {b.id: i for i, b in enumerate(structure.bodies)}
        self._cache: dict[str, list[Hop]] = {}

    def edges(self, body_id: str) -> list[Hop]:
        """Out-edges of the wanted kinds, best first; parallel edges to one body count once (the best kind)."""
        found = self._cache.get(body_id)
        if found is not None:
            return found
        structure = self.structure
        hops: list[Hop] = []
        for relation in structure.out_relations(body_id):
            if relation.kind in self.rank and (self.attributes is None or relation.matches(self.attributes)):
                if self.on is not None and not structure.body(relation.target).period.contains(self.on):
                    continue
                hops.append(Hop(body_id, relation.target, relation.kind, relation.label))

        def score(h: Hop) -> tuple[int, int, int, int]:
            t = structure.body(h.target)
            level = t.level if t.level is not None else 99
            return (self.rank[h.kind], 0 if t.can_decide else 1, level, self.order[h.target])

        best: dict[str, Hop] = {}
        for hop in sorted(hops, key=score):
            best.setdefault(hop.target, hop)
        found = list(best.values())
        self._cache[body_id] = found
        return found


def _up_edges(structure: Structure, body_id: str, kinds: Sequence[RelationKind]) -> list[Hop]:
    """Out-edges of ``body_id`` of the given kinds, best first (see the module's escalation rule)."""
    return _Ranker(structure, kinds).edges(body_id)


def _first_decider(structure: Structure, bodies: Iterable[str]) -> str | None:
    return next((b for b in bodies if structure.body(b).can_decide), None)


def _route(structure: Structure, start: str, hops: Sequence[Hop]) -> Route:
    r = Route(start, tuple(hops))
    return attrs.evolve(r, decider=_first_decider(structure, r.bodies))


def _reaching(structure: Structure, goal: str, keys: set[str]) -> set[str]:
    """The bodies from which ``goal`` can be reached along relations with the given keys (breadth first)."""
    found = {goal}
    todo = deque([goal])
    while todo:
        node = todo.popleft()
        for relation in structure.in_relations(node):
            if relation.kind.value in keys and relation.source not in found:
                found.add(relation.source)
                todo.append(relation.source)
    return found


def _too_many(start: str, limit: int, what: str) -> TooManyRoutesError:
    return TooManyRoutesError(
        f"det finnes {what} fra «{start}» enn grensen på {limit}; be om den foretrukne veien "
        "(escalation_path) i stedet for alle, eller gi en høyere grense (limit=...)",
        details={"limit": limit, "start": start},
    )


def _simple_routes(
    structure: Structure,
    start: str,
    kinds: Sequence[RelationKind],
    goal: str | None,
    limit: int = MAX_ROUTES,
    attributes: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
) -> list[list[Hop]]:
    """Every simple route from ``start``, best first; to ``goal`` or, without one, to a dead end.

    Parallel edges between the same two bodies count once (the best kind is kept). Depth first with
    an explicit stack (no recursion limit on long chains); with a goal only bodies that can reach it
    are entered. More than ``limit`` routes, or a search that would have to look at more than
    ``limit`` times the number of bodies steps, raise :class:`TooManyRoutesError`: the number of
    simple routes can grow exponentially with the size of the graph.
    """
    ranker = _Ranker(structure, kinds, attributes, on)
    useful = _reaching(structure, goal, ranker.keys) if goal is not None else None
    if useful is not None and start not in useful:
        return []
    budget = max(1, limit) * (len(structure.bodies) + 1)
    out: list[list[Hop]] = []
    hops: list[Hop] = []
    seen = {start}
    # Each frame: the candidate hops from one body and the index of the next one to try.
    stack: list[tuple[list[Hop], int]] = []

    def candidates(node: str) -> list[Hop]:
        return [h for h in ranker.edges(node) if h.target not in seen and (useful is None or h.target in useful)]

    def found() -> None:
        if len(out) >= limit:
            raise _too_many(start, limit, "flere veier")
        out.append(list(hops))

    if goal is not None and start == goal:
        return [[]]
    first = candidates(start)
    if not first:
        return out
    stack.append((first, 0))
    steps = 0
    while stack:
        options, index = stack[-1]
        if index >= len(options):
            stack.pop()
            if hops:
                seen.discard(hops.pop().target)
            continue
        stack[-1] = (options, index + 1)
        hop = options[index]
        if hop.target in seen:  # taken further up the current route since the options were listed
            continue
        steps += 1
        if steps > budget:
            raise _too_many(start, limit, "for mange mulige veier å lete gjennom (flere")
        hops.append(hop)
        seen.add(hop.target)
        if goal is not None and hop.target == goal:
            found()
            seen.discard(hops.pop().target)
            continue
        nexts = candidates(hop.target)
        if not nexts:
            if goal is None:
                found()
            seen.discard(hops.pop().target)
            continue
        stack.append((nexts, 0))
    return out


# ---------------------------------------------------------------------------- escalation


def escalation_targets(
    structure: Structure,
    body: Body | str,
    attributes: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
) -> list[Body]:
    """The bodies ``body`` lifts a case with these ``attributes`` to: its ``escalates_to`` targets whose condition
    matches (a relation without a condition always matches), in the escalation rule's order (deciding bodies first,
    then the higher level, then file order). ``attributes=None`` means a case without attributes: only unconditioned
    relations match. With ``on``, only bodies in force that day (``valid_from``/``valid_to``). ``[]`` when none does.
    """
    ranker = _Ranker(structure, (RelationKind.ESCALATES_TO,), attributes or {}, on)
    return [structure.body(h.target) for h in ranker.edges(structure.body(body).id)]


def escalation_paths(
    structure: Structure,
    body: Body | str,
    *,
    limit: int = MAX_ROUTES,
    attributes: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
) -> list[Route]:
    """Every escalation route from ``body`` to the top, the preferred one first; ``[]`` when none.

    With ``attributes`` (a case's attributes, e.g. ``{"region": "sør"}``) only relations whose condition matches
    are followed; without them (``None``) every relation is, conditioned or not. With ``on``, only bodies in force
    that day are entered (a fagråd wound down, an SSU not yet established).
    More than ``limit`` routes raise :class:`~samhandling.errors.TooManyRoutesError` (``too-many-routes``).
    """
    start = structure.body(body).id
    return [
        _route(structure, start, hops)
        for hops in _simple_routes(structure, start, UPWARD, None, limit, attributes=attributes, on=on)
    ]


def escalation_path(
    structure: Structure, body: Body | str, attributes: Mapping[str, Any] | None = None, on: dt.date | None = None
) -> Route:
    """The preferred escalation route from ``body`` (empty, not an error, when it has none).

    The best unvisited next body at each step, until no upward relation leads to a body not yet on
    the route: linear in the length of the route, however many other routes the graph has. With
    ``attributes`` only relations whose ``condition`` matches them are followed (a matter of region
    «sør» goes to the SSU whose relation says ``condition: {region: sør}``); without them (``None``)
    every relation counts, conditioned or not. With ``on``, only bodies in force that day are entered.
    """
    start = structure.body(body).id
    ranker = _Ranker(structure, UPWARD, attributes, on)
    seen = {start}
    hops: list[Hop] = []
    node = start
    while True:
        hop = next((h for h in ranker.edges(node) if h.target not in seen), None)
        if hop is None:
            break
        hops.append(hop)
        seen.add(hop.target)
        node = hop.target
    return _route(structure, start, hops)


def can_reach_decider(structure: Structure, body: Body | str) -> bool:
    """Whether some escalation route from ``body`` passes a body that can decide.

    Every body reachable upwards lies on some route, so this asks whether a deciding body is
    reachable. The answer for every body is worked out at once (one backward search from the
    deciding bodies, linear in the graph) and remembered for the structure, so that checking
    every body of a structure stays linear too.
    """
    found = structure.body(body)
    if not found.can_decide:
        return found.id in _reaching_deciders(structure)
    # A deciding body counts only other deciding bodies on its routes (a route never returns to its start).
    seen = {found.id}
    todo = deque([found.id])
    while todo:
        for relation in structure.out_relations(todo.popleft()):
            if relation.kind in UPWARD and relation.target not in seen:
                if structure.body(relation.target).can_decide:
                    return True
                seen.add(relation.target)
                todo.append(relation.target)
    return False


_DECIDER_CACHE: weakref.WeakKeyDictionary[Structure, tuple[int, frozenset[str]]] = weakref.WeakKeyDictionary()


def _reaching_deciders(structure: Structure) -> frozenset[str]:
    """The bodies from which a deciding body is reachable upwards (for a deciding body: maybe only itself)."""
    stamp = structure.revision
    cached = _DECIDER_CACHE.get(structure)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    keys = {k.value for k in UPWARD}
    found: set[str] = set()
    todo: deque[str] = deque()
    for b in structure.bodies:
        if b.can_decide:
            todo.append(b.id)
    while todo:
        node = todo.popleft()
        for relation in structure.in_relations(node):
            if relation.kind.value in keys and relation.source not in found:
                found.add(relation.source)
                todo.append(relation.source)
    result = frozenset(found)
    _DECIDER_CACHE[structure] = (stamp, result)
    return result


def upward_cycles(structure: Structure) -> list[list[str]]:
    """Reporting/escalation lines that go round in a circle (each as a list of body ids).

    One cycle per group of bodies that reach each other (strongly connected component), the
    shortest one through the group's first body in file order: linear in the graph, where listing
    every elementary cycle could take exponential time.
    """
    import networkx as nx

    order = {b.id: i for i, b in enumerate(structure.bodies)}
    up = nx.DiGraph()
    up.add_nodes_from(order)
    up.add_edges_from((r.source, r.target) for r in structure.relations() if r.kind in UPWARD)
    cycles: list[list[str]] = []
    for component in nx.strongly_connected_components(up):
        first = min(component, key=order.__getitem__)
        if len(component) == 1 and not up.has_edge(first, first):
            continue
        cycles.append(_cycle_through(up, first, component, order))
    return sorted(cycles, key=lambda c: order[c[0]])


def _cycle_through(up: object, first: str, component: set[str], order: dict[str, int]) -> list[str]:
    """The shortest cycle from ``first`` back to itself inside ``component`` (breadth first)."""
    graph: Any = up
    if graph.has_edge(first, first):
        return [first]
    parent: dict[str, str] = {}
    todo = deque([first])
    while todo:
        node = todo.popleft()
        for target in sorted(graph.successors(node), key=order.__getitem__):
            if target not in component:
                continue
            if target == first:
                path = [node]
                while path[-1] != first:
                    path.append(parent[path[-1]])
                return path[::-1]
            if target not in parent:
                parent[target] = node
                todo.append(target)
    return [first]  # not reached: a component with more than one body has a cycle through each of them


def all_paths(
    structure: Structure,
    source: Body | str,
    target: Body | str,
    kinds: Iterable[RelationKind | str] | None = None,
    *,
    limit: int = MAX_ROUTES,
) -> list[Route]:
    """Every simple route from ``source`` to ``target`` along relations of ``kinds`` (default: upward).

    The order of ``kinds`` is the preference between parallel relations; routes come best first.
    More than ``limit`` routes raise :class:`~samhandling.errors.TooManyRoutesError`.
    """
    a, b = structure.body(source).id, structure.body(target).id
    wanted = tuple(RelationKind(k) for k in kinds) if kinds is not None else UPWARD
    if a == b:
        return [_route(structure, a, ())]
    return [_route(structure, a, hops) for hops in _simple_routes(structure, a, wanted, b, limit)]


# ---------------------------------------------------------------------------- oversight


def _reach(structure: Structure, body: Body | str, kind: RelationKind, transitive: bool) -> list[Body]:
    start = structure.body(body).id
    found: dict[str, None] = {}
    todo = deque([start])
    while todo:
        node = todo.popleft()
        for t in structure.targets(node, kind):
            if t.id not in found and t.id != start:
                found[t.id] = None
                if transitive:
                    todo.append(t.id)
    return [structure.body(b) for b in found]


def oversees(structure: Structure, body: Body | str, *, transitive: bool = False) -> list[Body]:
    """The bodies ``body`` follows up (``oversees``), directly or, with ``transitive``, at any depth."""
    return _reach(structure, body, RelationKind.OVERSEES, transitive)


def commissions(structure: Structure, body: Body | str, *, transitive: bool = False) -> list[Body]:
    """The bodies ``body`` can give tasks to (``commissions``)."""
    return _reach(structure, body, RelationKind.COMMISSIONS, transitive)


# ---------------------------------------------------------------------------- deciders


class ActKind(enum.StrEnum):
    """Kinds of act whose holder :func:`decider` can find in a structure.

    - ``decide``: a binding decision for the cooperation (bodies with power ``decides``,
      political bodies excluded: their act is ``political_review``).
    - ``approve``: approving a mandate or document (sources of ``approves`` relations; else as ``decide``).
    - ``political_review``: political review in the parties (deciding political bodies).
    - ``advise``: a recommendation (bodies with power ``advises``).
    - ``commission``: giving a task (sources of ``commissions``; else as ``decide``).
    - ``oversee``: following up other bodies (sources of ``oversees``).
    """

    DECIDE = "decide"
    APPROVE = "approve"
    POLITICAL_REVIEW = "political_review"
    ADVISE = "advise"
    COMMISSION = "commission"
    OVERSEE = "oversee"


ACT_KIND_LABEL: dict[ActKind, str] = {
    ActKind.DECIDE: "beslutte",
    ActKind.APPROVE: "godkjenne",
    ActKind.POLITICAL_REVIEW: "politisk behandling",
    ActKind.ADVISE: "gi råd",
    ActKind.COMMISSION: "gi oppdrag",
    ActKind.OVERSEE: "følge opp",
}


def _act_kind(value: ActKind | str) -> ActKind:
    try:
        return ActKind(value)
    except ValueError:
        known = ", ".join(k.value for k in ActKind)
        raise UsageError(f"ukjent handlingstype «{value}»; kjente typer: {known}", code="unknown-act-kind") from None


def _sources_of_kind(structure: Structure, kind: RelationKind) -> list[Body]:
    ids = dict.fromkeys(r.source for r in structure.relations(kind))
    return [structure.body(i) for i in ids]


def deciders_for(structure: Structure, act_kind: ActKind | str) -> list[Body]:
    """Every body that holds the power for ``act_kind``, best first (``[]`` when none).

    Ties are broken by (1) how many bodies reach the candidate along escalation and
    reporting lines (the common top of the hierarchy wins), (2) the higher level
    (lower ``level`` number), (3) the order of the structure file.
    """
    kind = _act_kind(act_kind)
    bodies = list(structure.bodies)
    deciding = [b for b in bodies if b.power is DecisionPower.DECIDES and b.kind is not BodyKind.POLITICAL_BODY]
    if kind is ActKind.DECIDE:
        found = deciding
    elif kind is ActKind.APPROVE:
        found = _sources_of_kind(structure, RelationKind.APPROVES) or deciding
    elif kind is ActKind.POLITICAL_REVIEW:
        found = [b for b in bodies if b.kind is BodyKind.POLITICAL_BODY and b.power is DecisionPower.DECIDES]
    elif kind is ActKind.ADVISE:
        found = [b for b in bodies if b.power is DecisionPower.ADVISES]
    elif kind is ActKind.COMMISSION:
        found = _sources_of_kind(structure, RelationKind.COMMISSIONS) or deciding
    else:
        found = _sources_of_kind(structure, RelationKind.OVERSEES)
    if len(found) < 2:
        return found
    order = {b.id: i for i, b in enumerate(bodies)}
    reach = upward_reach_counts(structure)
    return sorted(found, key=lambda b: (-reach[b.id], b.level if b.level is not None else 99, order[b.id]))


def upward_reach_counts(structure: Structure) -> dict[str, int]:
    """For every body, how many other bodies reach it along escalation and reporting lines.

    The same numbers as ``len(networkx.ancestors(up, body))`` for each body, for all bodies at once:
    one pass over the strongly connected components in topological order, carrying the set of bodies
    above as a bit set (an int), instead of one graph search per body.
    """
    import networkx as nx

    index = {b.id: i for i, b in enumerate(structure.bodies)}
    up = nx.DiGraph()
    up.add_nodes_from(index)
    up.add_edges_from((r.source, r.target) for r in structure.relations() if r.kind in UPWARD)
    dag = nx.condensation(up)
    members: dict[int, int] = {}
    for c, data in dag.nodes(data=True):
        bits = 0
        for b in data["members"]:
            bits |= 1 << index[b]
        members[c] = bits
    above: dict[int, int] = {}
    for c in nx.topological_sort(dag):
        bits = 0
        for p in dag.predecessors(c):
            bits |= above[p] | members[p]
        above[c] = bits
    counts: dict[str, int] = {}
    for c, data in dag.nodes(data=True):
        n = above[c].bit_count() + len(data["members"]) - 1
        for b in data["members"]:
            counts[b] = n
    return counts


def decider(structure: Structure, act_kind: ActKind | str = ActKind.DECIDE) -> Body:
    """The body that holds the power for ``act_kind``; raises :class:`NotFoundError` (``no-decider``) if none."""
    found = deciders_for(structure, act_kind)
    if not found:
        kind = _act_kind(act_kind)
        raise NotFoundError(
            f"ingen organer i strukturen {structure.id} har myndighet til å {ACT_KIND_LABEL[kind]}",
            code="no-decider",
            details={"act_kind": kind.value},
        )
    return found[0]


# ---------------------------------------------------------------------------- levels


KIND_LEVEL: dict[BodyKind, int] = {
    BodyKind.PARTNERSHIP_MEETING: 0,
    BodyKind.BOARD: 0,
    BodyKind.REGIONAL_COUNCIL: 0,
    BodyKind.POLITICAL_BODY: 1,
    BodyKind.STRATEGIC_COMMITTEE: 1,
    BodyKind.EXECUTIVE_GROUP: 1,
    BodyKind.AGREEMENTS_COMMITTEE: 2,
    BodyKind.WORKING_COMMITTEE: 2,
    BodyKind.PROFESSIONAL_COMMITTEE: 2,
    BodyKind.FORUM: 2,
    BodyKind.SERVICE_MODEL_GROUP: 3,
    BodyKind.COUNCIL: 3,
    BodyKind.PROFESSIONAL_GROUP: 3,
    BodyKind.JOINT_MEETING: 3,
    BodyKind.NETWORK: 4,
    BodyKind.WORKING_GROUP: 4,
    BodyKind.PROJECT: 4,
    BodyKind.OTHER: 4,
}


def levels(structure: Structure) -> dict[str, int]:
    """The drawing level of every body (0 on top).

    ``Body.level`` wins where set. Otherwise a body sits one level below the lowest
    body it reports or escalates to, or that oversees or commissions it; a body with
    no such line takes its kind's usual level (:data:`KIND_LEVEL`).
    """
    result: dict[str, int] = {b.id: b.level for b in structure.bodies if b.level is not None}
    above: dict[str, set[str]] = {b.id: set() for b in structure.bodies}
    for r in structure.relations():
        if r.kind in UPWARD:
            above[r.source].add(r.target)
        elif r.kind in (RelationKind.OVERSEES, RelationKind.COMMISSIONS):
            above[r.target].add(r.source)
    guess = {b.id: KIND_LEVEL.get(b.kind, 4) for b in structure.bodies}
    current = {**guess, **result}
    cap = len(current) + 5
    # Bodies whose level follows from the bodies above them, taken top down (Kahn's order): linear.
    below: dict[str, list[str]] = {b: [] for b in above}
    waiting: dict[str, int] = {}
    for b, ups in above.items():
        ups.discard(b)
        if b in result:  # a level written in the file depends on nothing
            waiting[b] = 0
            continue
        for u in ups:
            below[u].append(b)
        waiting[b] = len(ups)
    ready = deque(b for b, n in waiting.items() if n == 0)
    done: set[str] = set()
    while ready:
        b = ready.popleft()
        done.add(b)
        if b not in result:
            heights = [current[u] for u in above[b]]
            new = max(heights) + 1 if heights else guess[b]
            if new <= cap:
                current[b] = new
        for child in below[b]:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    if len(done) == len(current):
        return current
    # Some body sits on or below a cycle of these lines (contradicting lines, e.g. A oversees B and A reports
    # to B): the old fixpoint over every body, bounded so that a cycle cannot loop forever. Quadratic, but
    # only for such structures, and with the same result as before.
    current = {**guess, **result}
    free = [b.id for b in structure.bodies if b.level is None]
    for _ in range(len(free) + 1):
        changed = False
        for b in free:
            heights = [current[u] for u in above[b]]
            new = max(heights) + 1 if heights else guess[b]
            if new != current[b] and new <= cap:
                current[b] = new
                changed = True
        if not changed:
            break
    return current
