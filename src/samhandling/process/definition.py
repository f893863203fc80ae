"""The values a process definition is made of: states, who may act, per-party acts, acts, main-path steps, and the
context the machine's conditions see when an act fires. Plain frozen values; the loader builds them from YAML."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

import attrs

from samhandling.location import Location
from samhandling.structure.model import BodyKind, CompletionRule, PartyKind


@attrs.frozen(slots=True)
class StateDef:
    name: str
    label: str
    final: bool = False
    location: Location | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(slots=True)
class ActorSpec:
    """Who may perform an act: named bodies, a body kind, a setting, or the body of an earlier act."""

    bodies: tuple[str, ...] = ()  # body ids, resolved against the structure
    kind: BodyKind | None = None
    same_as: str | None = None
    in_order: bool = False  # every body approves, in this order (a sequence of approvals)


@attrs.frozen(slots=True)
class PerParty:
    """An act recorded once per party (anchoring, political review) before the case moves on."""

    kinds: tuple[PartyKind, ...]
    outcome: bool = False
    on_rejection: str | None = None  # chosen option (from a setting)
    incomplete_code: str | None = None  # refusal code while collecting (e.g. anchoring-incomplete)
    rejection_dest: dict[str, str | None] = attrs.field(factory=dict, eq=False, hash=False)
    #: Whose parties: the body that performed this earlier act (e.g. the SSU that approved, for political review in
    #: each of its municipalities); None: the acting body's.
    parties_of: str | None = None


@attrs.frozen(slots=True)
class ActDef:
    name: str
    label: str
    kind: str
    bodies: tuple[str, ...]
    sources: tuple[str, ...]
    dest: str | None
    actor: ActorSpec
    requires: dict[str, str] = attrs.field(factory=dict, eq=False, hash=False)
    guard: str | None = None
    gateway: tuple[str, str, dict[bool, str]] | None = attrs.field(default=None, eq=False, hash=False)
    per_party: PerParty | None = None
    source_text: str | None = None
    deadline: tuple[str, int, str | None] | None = None  # (payload key of the meeting date, days before, rule id)
    due: dt.date | None = None  # a fixed due date: lateness is recorded, not refused
    location: Location | None = attrs.field(default=None, eq=False, repr=False)
    rule: CompletionRule | None = None  # the act's own completion rule (process YAML ``rule:``)


@attrs.frozen(slots=True)
class Step:
    """One step of the main path, for schedules and diagrams."""

    act: str
    label: str
    bodies: tuple[str, ...]
    state: str
    dest: str


class Context(NamedTuple):
    """What the conditions of the machine see when an act fires (a named tuple: immutable, cheap to build)."""

    act: ActDef
    body: str
    on: dt.date
    person: str | None
    payload: dict[str, Any]
