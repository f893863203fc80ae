"""Who counts in a body's decisions on a day: the parties holding a voting seat, the ids that may speak for them
(deputies standing in) and the municipalities a seated cluster stands for."""

from __future__ import annotations

from typing import NamedTuple

from samhandling.structure.model import Party, PartyKind


class Voters(NamedTuple):
    """Who counts in a body's decisions on a day (see :meth:`ProcessDefinition.voters`)."""

    parties: tuple[Party, ...]
    ids: frozenset[str]
    speak: frozenset[str]
    deputy_for: dict[str, str]


def municipalities(voters: Voters) -> list[str]:
    """The municipalities among the parties that count (what a seated cluster of municipalities stands for)."""
    return [p.id for p in voters.parties if p.kind is PartyKind.MUNICIPALITY]
