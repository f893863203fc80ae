"""samhandling: the governance of Norwegian health communities, executable.

The public API is small and re-exported here. Heavy parts (networkx graphs,
SQLAlchemy stores, matplotlib plots, pytest-bdd steps) load only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from samhandling.case import AvailableAct, Case, Event
from samhandling.errors import (
    ActRefusedError,
    AmbiguousNameError,
    AuthorityError,
    ConflictError,
    IntegrityError,
    InvalidStructureError,
    LoadError,
    MissingExtraError,
    NotFoundError,
    ProcessDefinitionError,
    RuleError,
    SamhandlingError,
    ScheduleError,
    SchemaError,
    StateError,
    StoreError,
    UnknownBodyError,
    UnknownPartyError,
    UsageError,
    YamlSyntaxError,
)
from samhandling.findings import Finding
from samhandling.loader import bundled_names, load, loads
from samhandling.location import Location
from samhandling.model import (
    Body,
    BodyKind,
    DecisionPower,
    DecisionRule,
    Mandate,
    Membership,
    Modality,
    Party,
    PartyKind,
    Period,
    Relation,
    RelationKind,
    Rule,
    Seat,
    Setting,
    Severity,
    Side,
)
from samhandling.process import ActDef, ProcessDefinition, StateDef, Step

if TYPE_CHECKING:
    from samhandling.structure import Structure

__version__ = "0.1.0"

__all__ = [
    "ActDef",
    "ActRefusedError",
    "AmbiguousNameError",
    "AuthorityError",
    "AvailableAct",
    "Body",
    "BodyKind",
    "Case",
    "ConflictError",
    "DecisionPower",
    "DecisionRule",
    "Event",
    "Finding",
    "IntegrityError",
    "InvalidStructureError",
    "LoadError",
    "Location",
    "Mandate",
    "Membership",
    "MissingExtraError",
    "Modality",
    "NotFoundError",
    "Party",
    "PartyKind",
    "Period",
    "ProcessDefinition",
    "ProcessDefinitionError",
    "Relation",
    "RelationKind",
    "Rule",
    "RuleError",
    "SamhandlingError",
    "ScheduleError",
    "SchemaError",
    "Seat",
    "Setting",
    "Severity",
    "Side",
    "StateDef",
    "StateError",
    "Step",
    "StoreError",
    "Structure",
    "UnknownBodyError",
    "UnknownPartyError",
    "UsageError",
    "YamlSyntaxError",
    "__version__",
    "bundled_names",
    "load",
    "loads",
]


def __getattr__(name: str) -> Any:
    # Lazy re-exports: importing these pulls in networkx (Structure) only when asked for.
    if name == "Structure":
        from samhandling.structure import Structure

        return Structure
    raise AttributeError(f"module 'samhandling' has no attribute {name!r}")
