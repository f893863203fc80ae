"""Cases and their events: the small objects the engine acts on.

A :class:`Case` is deliberately small (a slotted object): the compiled ``transitions.Machine`` lives on the
:class:`~samhandling.process.engine.ProcessDefinition` and is shared by every case. Events are immutable values whose
payloads are deep-frozen (:class:`FrozenDict` for mappings, tuples for lists); a case's history is the tuple of its
events, and replaying them rebuilds the case. Everything a case exposes is a read-only view: only the engine
changes a case, by recording an act.

A case is not thread-safe: one case, one writer. Cases shared between processes or threads live in the store,
whose optimistic concurrency (the expected next ``seq``) refuses a second writer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

import attrs

if TYPE_CHECKING:
    from samhandling.process.engine import ProcessDefinition

#: Payload keys that name records the engine keeps itself (who acted, the escalation target, per-party records,
#: progress, the case's state and history, the lateness it works out). A payload that uses one is refused with
#: ``reserved-key``: payload facts can never overwrite what the authority checks read.
RESERVED_KEYS = frozenset(
    {
        "actors",
        "escalated_to",
        "per_party",
        "progress",
        "state",
        "data",
        "facts",
        "events",
        "history",
        "overdue_days",
        "corrections",
        "present",
        "attributes",
    }
)


def _immutable(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
    raise TypeError("hendelser og deres innhold kan ikke endres (FrozenDict er skrivebeskyttet)")


class FrozenDict(dict[str, Any]):
    """A ``dict`` whose mutating methods raise ``TypeError``: the mappings of a recorded payload.

    A real ``dict`` subclass, so JSON encoders and ``==`` treat it as a dict. Build one with :func:`freeze`.
    """

    __slots__ = ()

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _immutable

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: Any) -> FrozenDict:
        return self  # everything inside is frozen too

    def __reduce__(self) -> tuple[Any, ...]:
        return (_frozen_from, (dict(self),))

    def __repr__(self) -> str:
        return f"FrozenDict({dict.__repr__(self)})"

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))


def _frozen_from(data: dict[str, Any]) -> FrozenDict:
    return FrozenDict(data)


EMPTY = FrozenDict()

_SCALARS = (str, int, float, bool, type(None), dt.date)


def freeze(value: Any) -> Any:
    """A deep, frozen copy of JSON-shaped ``value``: mappings become :class:`FrozenDict`, lists and tuples become
    tuples, sets frozensets; strings, numbers, booleans, None and dates are kept (immutable). Anything else is
    deep-copied, so the caller's later changes never reach a record."""
    kind = type(value)
    if kind in _SCALARS_SET:
        return value
    if kind is dict:  # the common case, before the slower isinstance checks
        if not value:
            return EMPTY
        if _SCALARS_SET.issuperset(map(type, value.values())) and _TEXT.issuperset(map(type, value)):
            return FrozenDict(value)  # only text keys and immutable values: a flat copy
        return FrozenDict({k if type(k) is str else str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, FrozenDict):
        return value
    if isinstance(value, Mapping):
        return FrozenDict({k if type(k) is str else str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(freeze(v) for v in value)
    if isinstance(value, _SCALARS):
        return value
    import copy

    return copy.deepcopy(value)


_SCALARS_SET = frozenset(_SCALARS)
_TEXT = frozenset({str})


class Event(NamedTuple):
    """One recorded act on a case (``open`` is the first, with seq 1).

    An immutable value (a named tuple) with a deep-frozen ``payload``. ``on`` is the effective date (when the act
    happened, as reported); ``recorded_at`` the recording instant (ISO 8601 UTC text, from
    :mod:`samhandling.clock`). An act named ``correct`` corrects an earlier event (see
    :meth:`Case.effective_events`); it never rewrites it.
    """

    seq: int
    act: str
    body: str | None
    person: str | None
    on: dt.date
    payload: Mapping[str, Any]
    from_state: str | None
    to_state: str
    recorded_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = self._asdict()
        data["on"] = self.on.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        on = data["on"]
        return cls(
            seq=int(data["seq"]),
            act=str(data["act"]),
            body=data.get("body"),
            person=data.get("person"),
            on=on if isinstance(on, dt.date) else dt.date.fromisoformat(str(on)),
            payload=freeze(data.get("payload") or {}),
            from_state=data.get("from_state"),
            to_state=str(data["to_state"]),
            recorded_at=data.get("recorded_at"),
        )


@attrs.frozen(slots=True)
class AvailableAct:
    """What may happen next, and by whom."""

    act: str
    label: str
    bodies: tuple[str, ...]


class Case:
    """One matter moving through a process; build one with ``definition.new_case(...)`` or
    ``definition.replay(events)``.

    Read-only views:

    * ``state``: the current state name;
    * ``facts``: the payload facts the acts recorded (the TMG concerned, positions, the political-review decision,
      ...), corrections applied;
    * ``actors`` (who performed each act), ``escalated_to`` (the body a case was lifted to) and ``per_party``
      (completed per-party records: ``{"anchor": {"sola": None, ...}, "political_review": {"sola": "adopted"}}``):
      the engine's own records, which no payload can write (see :data:`RESERVED_KEYS`);
    * ``data``: the facts and the engine's records in one mapping (``actors``, ``per_party``, ``escalated_to`` as
      keys), for reports;
    * ``progress``: acts that need several actors while they are under way: approvals in sequence as a tuple of body
      ids (``("fsu",)``), per-party acts as ``{party id: outcome or None}`` in the order recorded;
    * ``history`` / ``events``: the events, as a tuple.

    Not thread-safe: one case, one writer (the store's optimistic concurrency protects shared cases).
    """

    __slots__ = (
        "__weakref__",
        "_actors",
        "_attributes",
        "_definition",
        "_escalated_to",
        "_events",
        "_facts",
        "_floor",
        "_id",
        "_latest",
        "_per_party",
        "_progress",
        "_state",
        "_title",
    )

    _id: str
    _title: str
    _definition: ProcessDefinition
    _state: str
    _facts: dict[str, Any]
    _actors: dict[str, str]
    _attributes: FrozenDict
    _escalated_to: str | None
    _per_party: dict[str, dict[str, str | None]] | None
    _progress: dict[str, Any]
    _events: list[Event]
    _floor: dt.date  # the latest effective date of an event that is not a per-party record
    _latest: dt.date  # the latest effective date of any event (corrections not counted)

    def __init__(self) -> None:
        raise TypeError("en sak lages med definition.new_case(...) eller definition.replay(events)")

    @classmethod
    def _create(
        cls, case_id: str, title: str, definition: ProcessDefinition, first: Event, facts: dict[str, Any]
    ) -> Case:
        """The engine's constructor: a case standing in its initial state with only its ``open`` event."""
        case = object.__new__(cls)
        case._id = case_id
        case._title = title
        case._definition = definition
        case._state = definition.initial
        case._facts = facts
        case._actors = {}
        attributes = first.payload.get("attributes")
        case._attributes = attributes if type(attributes) is FrozenDict else EMPTY
        case._escalated_to = None
        case._per_party = None
        case._progress = {}
        case._events = [first]
        case._floor = case._latest = first.on
        return case

    # -- identity -------------------------------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self._id

    @property
    def title(self) -> str:
        return self._title

    @property
    def definition(self) -> ProcessDefinition:
        return self._definition

    @property
    def process(self) -> str:
        return self._definition.name

    @property
    def version(self) -> str:
        return self._definition.version

    # -- read-only views ------------------------------------------------------------------------------------

    @property
    def attributes(self) -> FrozenDict:
        """What the case is about, for routing (``{"region": "sør"}``): given when the case was opened, read-only."""
        return self._attributes

    @property
    def state(self) -> str:
        return self._state

    @property
    def facts(self) -> FrozenDict:
        return FrozenDict(self._facts)

    @property
    def actors(self) -> FrozenDict:
        return FrozenDict(self._actors)

    @property
    def escalated_to(self) -> str | None:
        return self._escalated_to

    @property
    def per_party(self) -> FrozenDict:
        return FrozenDict({k: FrozenDict(v) for k, v in (self._per_party or {}).items()})

    @property
    def data(self) -> FrozenDict:
        data = dict(self._facts)
        if self._actors:
            data["actors"] = FrozenDict(self._actors)
        if self._per_party:
            data["per_party"] = self.per_party
        if self._escalated_to is not None:
            data["escalated_to"] = self._escalated_to
        return FrozenDict(data)

    @property
    def progress(self) -> FrozenDict:
        return FrozenDict({k: FrozenDict(v) if isinstance(v, dict) else tuple(v) for k, v in self._progress.items()})

    @property
    def history(self) -> tuple[Event, ...]:
        return tuple(self._events)

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(self._events)

    @property
    def is_final(self) -> bool:
        return self._state in self._definition.final_states

    @property
    def state_label(self) -> str:
        return self._definition.state_label(self._state)

    def effective_events(self) -> tuple[Event, ...]:
        """The history with corrections applied, for reports: each event but the corrections, with its corrected
        effective date and payload facts (the latest correction of an event wins)."""
        return tuple(self._definition._effective(self._events))

    # -- acting ---------------------------------------------------------------------------------------------

    def act(
        self,
        act: str,
        *,
        by: str | None,
        on: dt.date | None = None,
        person: str | None = None,
        present: Iterable[str] | None = None,
        **payload: Any,
    ) -> Event:
        """Perform ``act`` by body ``by``; raises an :class:`~samhandling.errors.ActRefusedError` if refused.

        ``present``: the parties present and voting in the meeting (ids or names; a deputy standing in is given as
        the party it stands in for); None: not recorded, every voting party counts as present. Recorded in the
        event's payload under ``present``.
        For ``correct``, ``on`` is the corrected effective date of the event corrected and ``by`` may be None (the
        secretariat); see :meth:`correct`. Every other act needs a body."""
        if present is not None:
            return self._definition.perform(self, act, by=by, on=on, person=person, payload=payload, present=present)
        if person is None:
            short = self._definition._short.get(act)  # the act's short path (process/shortpath.py), if it has one
            if short is not None:
                event = short(self, by, on, payload)  # None: not plainly allowed, nothing changed
                if event is not None:
                    return event
        return self._definition._perform(self, act, by, on, person, payload, True)  # payload: a fresh dict

    def correct(
        self,
        event: int,
        *,
        reason: str,
        by: str | None = None,
        on: dt.date | None = None,
        facts: Mapping[str, Any] | None = None,
        person: str | None = None,
    ) -> Event:
        """Correct event ``event`` (its seq): its effective date ``on`` and/or payload ``facts``, with a ``reason``.

        Appends a ``correct`` event; the corrected event stays as it was recorded. ``by`` is a body of the structure
        or None (the secretariat)."""
        payload: dict[str, Any] = {"event": event, "reason": reason}
        if facts is not None:
            payload["facts"] = facts
        return self._definition._perform(self, "correct", by, on, person, payload, True)

    def why_not(
        self,
        act: str,
        *,
        by: str | None,
        on: dt.date | None = None,
        person: str | None = None,
        present: Iterable[str] | None = None,
        **payload: Any,
    ) -> list[str]:
        """The Norwegian reasons ``act`` by ``by`` would be refused; empty when it would be allowed."""
        refused = self._definition.refusals(self, act, by=by, on=on, person=person, payload=payload, present=present)
        return [r.message for r in refused]

    def may(self, act: str, *, by: str | None, **payload: Any) -> bool:
        return not self.why_not(act, by=by, **payload)

    def available_acts(self) -> list[AvailableAct]:
        return self._definition.available_acts(self)

    def snapshot(self) -> tuple[str, FrozenDict, FrozenDict, int]:
        """A comparable view of everything an act may change (used by tests and replay checks)."""
        return (self._state, self.data, self.progress, len(self._events))

    def __repr__(self) -> str:
        return f"<Case {self._id} {self._definition.name} v{self._definition.version}: {self._state}>"
