"""samhandling: the governance of Norwegian health communities, executable.

The public API is small and re-exported here. Heavy parts (networkx graphs,
SQLAlchemy stores, matplotlib plots, pytest-bdd steps) load only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from samhandling.location import Location
    from samhandling.process.case import AvailableAct, Case, Event
    from samhandling.process.engine import ActDef, ProcessDefinition, StateDef, Step
    from samhandling.process.loader import get_process
    from samhandling.structure.findings import Finding
    from samhandling.structure.graph import Structure
    from samhandling.structure.loader import bundled_names, load, loads
    from samhandling.structure.model import (
        Body,
        BodyKind,
        CompletionRule,
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
        SeatRights,
        Setting,
        Severity,
        Side,
    )

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
    "CompletionRule",
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
    "SeatRights",
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
    "get_process",
    "load",
    "loads",
]


# Every public name is imported on first use (PEP 562), so that ``import samhandling`` and the CLI's
# start-up load neither PyYAML nor attrs nor networkx until a feature needs them.
_LAZY: dict[str, str] = {
    "ActDef": "samhandling.process.engine",
    "ActRefusedError": "samhandling.errors",
    "AmbiguousNameError": "samhandling.errors",
    "AuthorityError": "samhandling.errors",
    "AvailableAct": "samhandling.process.case",
    "Body": "samhandling.structure.model",
    "BodyKind": "samhandling.structure.model",
    "Case": "samhandling.process.case",
    "CompletionRule": "samhandling.structure.model",
    "ConflictError": "samhandling.errors",
    "DecisionPower": "samhandling.structure.model",
    "DecisionRule": "samhandling.structure.model",
    "Event": "samhandling.process.case",
    "Finding": "samhandling.structure.findings",
    "IntegrityError": "samhandling.errors",
    "InvalidStructureError": "samhandling.errors",
    "LoadError": "samhandling.errors",
    "Location": "samhandling.location",
    "Mandate": "samhandling.structure.model",
    "Membership": "samhandling.structure.model",
    "MissingExtraError": "samhandling.errors",
    "Modality": "samhandling.structure.model",
    "NotFoundError": "samhandling.errors",
    "Party": "samhandling.structure.model",
    "PartyKind": "samhandling.structure.model",
    "Period": "samhandling.structure.model",
    "ProcessDefinition": "samhandling.process.engine",
    "ProcessDefinitionError": "samhandling.errors",
    "Relation": "samhandling.structure.model",
    "RelationKind": "samhandling.structure.model",
    "Rule": "samhandling.structure.model",
    "RuleError": "samhandling.errors",
    "SamhandlingError": "samhandling.errors",
    "ScheduleError": "samhandling.errors",
    "SchemaError": "samhandling.errors",
    "Seat": "samhandling.structure.model",
    "SeatRights": "samhandling.structure.model",
    "Setting": "samhandling.structure.model",
    "Severity": "samhandling.structure.model",
    "Side": "samhandling.structure.model",
    "StateDef": "samhandling.process.engine",
    "StateError": "samhandling.errors",
    "Step": "samhandling.process.engine",
    "StoreError": "samhandling.errors",
    "UnknownBodyError": "samhandling.errors",
    "UnknownPartyError": "samhandling.errors",
    "UsageError": "samhandling.errors",
    "YamlSyntaxError": "samhandling.errors",
    "bundled_names": "samhandling.structure.loader",
    "get_process": "samhandling.process.loader",
    "load": "samhandling.structure.loader",
    "loads": "samhandling.structure.loader",
    "Structure": "samhandling.structure.graph",
}


def __getattr__(name: str) -> Any:
    import importlib

    module = _LAZY.get(name)
    if module is None:
        # A submodule used as an attribute (``samhandling.structure.loader``), as when the package imported them eagerly.
        try:
            return importlib.import_module(f"samhandling.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"samhandling.{name}":
                raise
        raise AttributeError(f"module 'samhandling' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
