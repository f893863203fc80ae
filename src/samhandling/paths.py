"""Path queries on the governance graph (escalation, deciders, oversight).

Owned by the escalation/pictures work; this first version gives validation what it needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from samhandling.model import Body, DecisionPower, RelationKind

if TYPE_CHECKING:
    from samhandling.structure import Structure

UPWARD = (RelationKind.ESCALATES_TO, RelationKind.REPORTS_TO)


def can_reach_decider(structure: Structure, body: Body | str) -> bool:
    start = structure.body(body).id
    up = structure.subgraph(UPWARD)
    for other in nx.descendants(up, start):
        if structure.body(other).power is DecisionPower.DECIDES:
            return True
    return False
