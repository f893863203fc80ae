"""The named process guard ``rotation_turn``: an election follows the acting body's rotation.

«Faggruppa vel sjølv leiar.» (S0-R3) and «Funksjonstida er eitt år og går på omgang mellom kommunane.» (S0-R4): the
group elects its leader itself (the process's ``by: {body: faggruppe}``: another body is refused by the engine's
authority), and the leader it elects comes from the municipality whose turn it is. An act with
``guard: rotation_turn`` names the elected party in its payload's ``leader`` (a name, alias or id); the guard finds
the acting body's rotation with the role ``leader`` (else its only rotation) and refuses anyone but the holder on
the act's date (``not-their-turn``, naming the party whose turn it is). The guard is registered with
:func:`samhandling.process.guards.register_guard`; the engine imports this module the first time it judges such an
act (``GUARD_MODULES``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from samhandling.errors import ActRefusedError, AmbiguousNameError, RuleError, UnknownPartyError
from samhandling.process.guards import register_guard
from samhandling.time.rotation import Rotation, holder, role_label, rotations

if TYPE_CHECKING:
    from samhandling.process.case import Case
    from samhandling.process.definition import ActDef
    from samhandling.process.engine import ProcessDefinition
    from samhandling.structure.graph import Structure
    from samhandling.structure.model import Body

__all__ = ["body_rotation", "rotation_turn"]


def body_rotation(structure: Structure, body: str, role: str = "leader") -> Rotation | None:
    """The rotation of ``body`` that hands out ``role`` (else the body's only rotation), or None."""
    own = [r for r in rotations(structure) if body in r.bodies]
    with_role = [r for r in own if role in r.roles]
    if with_role:
        return with_role[0]
    return own[0] if len(own) == 1 else None


@register_guard("rotation_turn")
def rotation_turn(
    definition: ProcessDefinition, case: Case, act: ActDef, body: Body, on: dt.date, payload: Mapping[str, Any]
) -> list[ActRefusedError]:
    """Refuse electing anyone but the party whose turn it is by ``body``'s rotation on ``on``."""
    raw = payload.get("leader")
    if not raw:
        return []  # «requires: {leader: …}» says what is missing
    structure = definition.structure
    try:
        elected = structure.party(str(raw)).id
    except (UnknownPartyError, AmbiguousNameError) as exc:
        return [RuleError(exc.message, code=exc.code, details={"leader": str(raw)})]
    rotation = body_rotation(structure, body.id)
    if rotation is None:
        return [
            RuleError(
                f"{body.label} har ingen rullering som gir vervet; «{act.label}» kan ikke kontrolleres mot turen",
                code="no-rotation",
                details={"body": body.id},
            )
        ]
    role = "leader" if "leader" in rotation.roles else rotation.roles[0]
    turn = holder(structure, rotation.id, role, on)
    if turn is None:
        return [
            RuleError(
                f"rulleringen {rotation.id} begynner {rotation.start.isoformat()}; ingen har tur den {on.isoformat()}",
                code="no-rotation",
                details={"rotation": rotation.id, "on": on.isoformat()},
            )
        ]
    if turn != elected:
        name = structure.party(turn).name
        return [
            RuleError(
                f"det er {name} sin tur til vervet som {role_label(role)} i {body.label} den {on.isoformat()} "
                f"(rulleringen {rotation.id}); {structure.party(elected).name} kan ikke velges nå",
                code="not-their-turn",
                details={"turn": turn, "turn_name": name, "elected": elected, "rotation": rotation.id},
            )
        ]
    return []
