"""Cases and their events: the small, mutable objects the engine acts on.

A :class:`Case` is deliberately small (a slotted attrs object): the compiled
``transitions.Machine`` lives on the :class:`~samhandling.process.ProcessDefinition`
and is shared by every case. Events are immutable values; a case's history is
the tuple of its events, and replaying them rebuilds the case.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

if TYPE_CHECKING:
    from samhandling.process import ProcessDefinition


class Event(NamedTuple):
    """One recorded act on a case (``open`` is the first, with seq 1).

    An immutable value (a named tuple: cheap to build on the engine's hot path). Its ``payload`` is
    JSON-shaped data; treat it as read-only.
    """

    seq: int
    act: str
    body: str | None
    person: str | None
    on: dt.date
    payload: dict[str, Any]
    from_state: str | None
    to_state: str

    def to_dict(self) -> dict[str, Any]:
        data = self._asdict()
        data["on"] = self.on.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        on = data["on"]
        return cls(
            seq=int(data["seq"]),
            act=str(data["act"]),
            body=data.get("body"),
            person=data.get("person"),
            on=on if isinstance(on, dt.date) else dt.date.fromisoformat(str(on)),
            payload=dict(data.get("payload") or {}),
            from_state=data.get("from_state"),
            to_state=str(data["to_state"]),
        )


@attrs.frozen(slots=True)
class AvailableAct:
    """What may happen next, and by whom."""

    act: str
    label: str
    bodies: tuple[str, ...]


@attrs.define(slots=True, eq=False, repr=False)
class Case:
    """One matter moving through a process.

    ``state`` is the current state name; ``data`` holds what the acts recorded
    (the TMG concerned, anchoring, positions, the political-review decision, ...);
    ``progress`` collects acts that need several actors while they are under way: approvals in
    sequence as a list of body ids (``["fsu"]``), per-party acts as ``{party id: outcome or None}`` in
    the order recorded (anchoring per party, political review per municipality). When such an act
    completes, its record moves as it is to ``data["per_party"][act]``: ``{"sola": None, ...}`` for anchoring,
    ``{"sola": "adopted", "stavanger": "rejected", ...}`` for political review.
    """

    id: str
    title: str
    definition: ProcessDefinition
    state: str
    data: dict[str, Any] = attrs.field(factory=dict)
    progress: dict[str, Any] = attrs.field(factory=dict)
    events: list[Event] = attrs.field(factory=list)

    @property
    def process(self) -> str:
        return self.definition.name

    @property
    def version(self) -> str:
        return self.definition.version

    @property
    def history(self) -> tuple[Event, ...]:
        return tuple(self.events)

    @property
    def is_final(self) -> bool:
        return self.state in self.definition.final_states

    @property
    def state_label(self) -> str:
        return self.definition.state_label(self.state)

    def act(self, act: str, *, by: str, on: dt.date | None = None, person: str | None = None, **payload: Any) -> Event:
        """Perform ``act`` by body ``by``; raises an :class:`~samhandling.errors.ActRefusedError` if refused."""
        return self.definition._perform(self, act, by, on, person, payload, True)  # payload: a fresh dict

    def why_not(
        self, act: str, *, by: str, on: dt.date | None = None, person: str | None = None, **payload: Any
    ) -> list[str]:
        """The Norwegian reasons ``act`` by ``by`` would be refused; empty when it would be allowed."""
        return [r.message for r in self.definition.refusals(self, act, by=by, on=on, person=person, payload=payload)]

    def may(self, act: str, *, by: str, **payload: Any) -> bool:
        return not self.why_not(act, by=by, **payload)

    def available_acts(self) -> list[AvailableAct]:
        return self.definition.available_acts(self)

    def snapshot(self) -> tuple[str, dict[str, Any], dict[str, list[str]], int]:
        """A comparable view of everything an act may change (used by tests and replay checks)."""
        import copy

        return (self.state, copy.deepcopy(self.data), copy.deepcopy(self.progress), len(self.events))

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.definition.name} v{self.definition.version}: {self.state}>"
