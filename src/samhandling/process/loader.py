"""Reading process definitions (YAML) and binding them to a structure.

A structure names its processes (``processes:`` in the structure file: a bundled name or
``{name, file}``); :func:`get_process` reads one, builds a
:class:`~samhandling.process.engine.ProcessDefinition`, checks it with
:func:`samhandling.process.validation.validate_definition` and caches it on the structure, so that
each definition is compiled into its one shared Machine once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from samhandling.errors import NotFoundError, ProcessDefinitionError, SchemaError
from samhandling.formats.names import name_key
from samhandling.formats.yamlio import MarkedDict, MarkedList, read_yaml
from samhandling.location import Location
from samhandling.process import timers
from samhandling.process.engine import (
    ACT_KINDS,
    GUARDS,
    PROCESS_DIR,
    ActDef,
    ActorSpec,
    PerParty,
    ProcessDefinition,
    StateDef,
)
from samhandling.process.validation import validate_definition
from samhandling.structure.model import BodyKind, PartyKind, Severity

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure


_PROCESS_KEYS = {"process", "version", "title", "description", "source", "settings", "initial", "states", "acts"}
_STATE_KEYS = {"name", "label", "final", "timers"}
_ACT_KEYS = {
    "timers",
    "deadline",
    "due",
    "name",
    "label",
    "kind",
    "from",
    "to",
    "by",
    "requires",
    "guard",
    "gateway",
    "per_party",
    "rule",
    "source",
}
_BY_KEYS = {"body", "bodies", "body_kind", "setting", "default", "in_order", "same_as"}
_PER_PARTY_KEYS = {"kinds", "outcome", "on_rejection", "incomplete_code", "parties_of"}


def process_refs(structure: Structure) -> dict[str, Path]:
    """The processes a structure names, mapped to their files."""
    raw = structure.extensions.get("processes")
    if raw is None:
        return {}
    if not isinstance(raw, MarkedList):
        raise SchemaError("«processes» skal være en liste", location=_loc(raw, structure))
    out: dict[str, Path] = {}
    for i, item in enumerate(raw):
        if isinstance(item, str):
            out[item] = PROCESS_DIR / f"{item}.yaml"
        elif isinstance(item, MarkedDict) and "name" in item and "file" in item:
            path = Path(str(item["file"]))
            if not path.is_absolute() and structure.path is not None:
                path = structure.path.parent / path
            out[str(item["name"])] = path
        else:
            raise SchemaError(
                "en prosess oppgis som et navn (innebygd) eller {name: ..., file: ...}", location=raw.loc(i)
            )
    return out


def _loc(raw: Any, structure: Structure) -> Location:
    return raw.loc() if isinstance(raw, (MarkedDict, MarkedList)) else Location(structure.filename)


def process_names(structure: Structure) -> list[str]:
    """The names of the processes a structure names (``processes:`` in its file), in file order."""
    return list(process_refs(structure))


def get_process(structure: Structure, name: str | None = None) -> ProcessDefinition:
    """The named (or first) process of a structure, loaded, validated and compiled once."""
    refs = process_refs(structure)
    if not refs:
        raise NotFoundError(f"strukturen {structure.id} har ingen prosesser", code="unknown-process")
    if name is None:
        name = next(iter(refs))
    key = name if name in refs else next((k for k in refs if name_key(k) == name_key(name)), None)
    if key is None:
        raise NotFoundError(
            f"strukturen {structure.id} har ingen prosess «{name}»; kjente: {', '.join(refs)}", code="unknown-process"
        )
    if structure._processes is None:
        structure._processes = {}
    cache = structure._processes
    if key not in cache:
        cache[key] = load_definition(refs[key], structure)
    return cache[key]


def load_definition(path: Path, structure: Structure) -> ProcessDefinition:
    """Read a process file and bind it to a structure; raises ProcessDefinitionError on an invalid definition."""
    display = path.name if path.parent == PROCESS_DIR else str(path)
    data = read_yaml(path, display)
    definition = build_definition(data, structure, display)
    errors = [f for f in validate_definition(definition) if f.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        more = f" (og {len(errors) - 1} feil til)" if len(errors) > 1 else ""
        raise ProcessDefinitionError(
            f"{first.message}{more}",
            code=first.code,
            location=first.location,
            details={"findings": [f.to_dict() for f in errors]},
        )
    return definition


def _m(data: Any, what: str, where: Location, allowed: set[str]) -> Any:
    from samhandling.formats.maps import MarkedMap

    return MarkedMap(data, what, where, allowed)


def build_definition(data: Any, structure: Structure, filename: str) -> ProcessDefinition:
    from samhandling.formats.maps import expect_list

    if data is None:
        raise SchemaError("prosessfilen er tom", location=Location(filename))
    top = _m(data, "prosessfilen", Location(filename, 1, 1), _PROCESS_KEYS)
    settings: dict[str, Any] = {}
    if top.has("settings"):
        raw_settings = top.raw("settings")
        if not isinstance(raw_settings, MarkedDict):
            raise SchemaError("«settings» skal være en tabell", location=top.loc("settings"))
        for key, value in raw_settings.items():
            default = value.get("value") if isinstance(value, dict) else value
            settings[key] = structure.setting(key, default)
    states_raw = expect_list(top.raw("states"), "«states»", top.loc("states"))
    states = []
    for i, item in enumerate(states_raw):
        sm = _m(item, "en tilstand (states)", states_raw.loc(i), _STATE_KEYS)
        states.append(StateDef(sm.req("name"), sm.str("label") or sm.req("name"), sm.bool("final"), sm.loc()))
    state_names = [s.name for s in states]
    if len(set(state_names)) != len(state_names):
        dup = next(n for n in state_names if state_names.count(n) > 1)
        raise SchemaError(
            f"tilstanden «{dup}» er definert to ganger", code="duplicate-state", location=states_raw.loc()
        )
    non_final = tuple(s.name for s in states if not s.final)
    acts_raw = expect_list(top.raw("acts"), "«acts»", top.loc("acts"))
    acts: list[ActDef] = []
    for i, item in enumerate(acts_raw):
        acts.append(_act(item, acts_raw.loc(i), structure, settings, non_final))
    names = [a.name for a in acts]
    if "correct" in names:
        raise SchemaError(
            "handlingen «correct» er innebygd (rettelser av tidligere hendelser) og kan ikke defineres i en prosess",
            code="reserved-act",
            location=acts_raw.loc(names.index("correct")),
        )
    if timers.TIMER in names:
        raise SchemaError(
            "handlingen «timer» er innebygd (tidsfrister som utløses) og kan ikke defineres i en prosess",
            code="reserved-act",
            location=acts_raw.loc(names.index(timers.TIMER)),
        )
    timer_specs = timers.collect(states_raw, acts_raw)
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise SchemaError(f"handlingen «{dup}» er definert to ganger", code="duplicate-act", location=acts_raw.loc())
    initial = top.str("initial") or states[0].name
    definition = ProcessDefinition(
        name=top.req("process"),
        version=top.str("version", default="1") or "1",
        title=top.str("title") or top.req("process"),
        description=top.str("description"),
        initial=initial,
        states=tuple(states),
        acts=tuple(acts),
        structure=structure,
        settings=settings,
        filename=filename,
    )
    blackouts = settings.get(timers.BLACKOUT_SETTING, structure.setting(timers.BLACKOUT_SETTING))
    timers.attach(definition, timer_specs, blackouts)
    return definition


def _act(
    item: Any, where: Location, structure: Structure, settings: dict[str, Any], non_final: tuple[str, ...]
) -> ActDef:
    m = _m(item, "en handling (acts)", where, _ACT_KEYS)
    name = m.req("name")
    kind = m.req("kind")
    if kind not in ACT_KINDS:
        raise SchemaError(
            f"ukjent handlingstype «{kind}»; kjente: {', '.join(ACT_KINDS)}",
            code="invalid-value",
            location=m.loc("kind"),
        )
    sources = m.strs("from")
    if sources == ("*",):
        sources = non_final
    if not sources:
        raise SchemaError(
            f"handlingen «{name}» mangler «from» (tilstandene den kan skje fra)", code="missing-key", location=m.loc()
        )
    actor, bodies = _actor(m.raw("by"), m.loc("by") if m.has("by") else m.loc(), structure, settings)
    requires: dict[str, str] = {}
    if m.has("requires"):
        raw = m.raw("requires")
        if isinstance(raw, MarkedDict):
            requires = {str(k): str(v) for k, v in raw.items()}
        else:
            requires = {k: k for k in m.strs("requires")}
    gateway = None
    if m.has("gateway"):
        gm = _m(m.raw("gateway"), "«gateway»", m.loc("gateway"), {"key", "label", "true", "false"})
        gateway = (gm.req("key"), gm.str("label") or gm.req("key"), {True: gm.req("true"), False: gm.req("false")})
    guard = m.str("guard")
    if guard is not None and guard not in GUARDS:
        raise SchemaError(
            f"ukjent vakt (guard) «{guard}»; kjente: {', '.join(sorted(GUARDS))}",
            code="invalid-value",
            location=m.loc("guard"),
        )
    deadline = None
    if m.has("deadline"):
        dm = _m(m.raw("deadline"), "«deadline»", m.loc("deadline"), {"key", "days", "rule"})
        days = dm.int("days")
        if days is None:
            raise SchemaError("«deadline» mangler «days»", code="missing-key", location=dm.loc())
        deadline = (dm.req("key"), days, dm.str("rule"))
    per_party = None
    if m.has("per_party"):
        pm = _m(m.raw("per_party"), "«per_party»", m.loc("per_party"), _PER_PARTY_KEYS)
        kinds = tuple(PartyKind(k) for k in pm.strs("kinds")) or (PartyKind.MUNICIPALITY,)
        rejection_option, rejection_dest = None, {}
        if pm.has("on_rejection"):
            rm = _m(pm.raw("on_rejection"), "«on_rejection»", pm.loc("on_rejection"), {"setting", "default", "options"})
            default = rm.req("default")
            rejection_option = str(settings.get(rm.str("setting") or "", default) if rm.has("setting") else default)
            options = rm.raw("options") or {}
            rejection_dest = {str(k): (None if v is None else str(v)) for k, v in options.items()}
            if rejection_option not in rejection_dest:
                raise SchemaError(
                    f"ugyldig valg «{rejection_option}» for avvisning; gyldige: {', '.join(rejection_dest)}",
                    code="invalid-value",
                    location=rm.loc(),
                )
        per_party = PerParty(
            kinds,
            pm.bool("outcome"),
            on_rejection=rejection_option,
            incomplete_code=pm.str("incomplete_code"),
            rejection_dest=rejection_dest,
            parties_of=pm.str("parties_of"),
        )
    rule = None
    if m.has("rule"):
        from samhandling.structure.completion import parse_completion_rule

        rule = parse_completion_rule(m.raw("rule"), m.loc("rule"))
    return ActDef(
        name=name,
        label=m.str("label") or name,
        kind=kind,
        bodies=bodies,
        sources=sources,
        dest=m.str("to"),
        actor=actor,
        requires=requires,
        guard=guard,
        gateway=gateway,
        per_party=per_party,
        source_text=m.str("source"),
        deadline=deadline,
        due=m.date("due"),
        rule=rule,
        location=m.loc(),
    )


def _actor(
    raw: Any, where: Location, structure: Structure, settings: dict[str, Any]
) -> tuple[ActorSpec, tuple[str, ...]]:
    if raw is None:
        raise SchemaError("handlingen mangler «by» (hvem som utfører den)", code="missing-key", location=where)
    bm = _m(raw, "«by»", where, _BY_KEYS)
    if bm.has("same_as"):
        return ActorSpec(same_as=bm.req("same_as")), ()
    names: tuple[str, ...] = ()
    if bm.has("setting"):
        key = bm.req("setting")
        value = structure.setting(key, settings.get(key, bm.raw("default")))
        if value is None:
            raise SchemaError(f"innstillingen «{key}» finnes ikke og «default» mangler", location=bm.loc("setting"))
        names = tuple(str(v) for v in (value if isinstance(value, list) else [value]))
    elif bm.has("body") or bm.has("bodies"):
        names = bm.strs("body") + bm.strs("bodies")
    kind = BodyKind(bm.req("body_kind")) if bm.has("body_kind") else None
    ids: list[str] = []
    for n in names:
        if not structure.has_body(n):
            raise ProcessDefinitionError(
                f"organet «{n}» finnes ikke i strukturen {structure.id}", code="unknown-body", location=bm.loc()
            )
        ids.append(structure.body(n).id)
    if kind is not None:
        ids.extend(b.id for b in structure.bodies_of_kind(kind))
        if not ids:
            raise ProcessDefinitionError(
                f"strukturen {structure.id} har ingen organer av typen {kind.value}",
                code="unknown-body",
                location=bm.loc(),
            )
    return ActorSpec(tuple(ids), kind, None, bm.bool("in_order")), tuple(dict.fromkeys(ids))
