"""Earliest decision dates: which meeting can take each remaining step of a matter.

Given the steps still to go (a process definition's main path, an open case's
path from its current state, or a plain list of ``(label, body)`` pairs) and the
bodies' meeting plans, :func:`project` finds for each step the earliest meeting

* after the previous step's meeting (strictly: the next body meets on a later day), and
* whose submission deadline («senest N dager før») the matter can still meet: it is
  ready on the ready date for the first step, and on the previous meeting's date after that.

A body with no meeting plan (a TMG working between meetings, the municipal councils)
takes no meeting: its step counts as done on the day the matter is ready for it.
When a plan has no further meeting the entry has no date and a Norwegian ``reason``,
and every later step waits; nothing is guessed.

Submission deadlines come from the call (``deadlines={"FSU": 10}``), else from a
``submission_deadline`` rule of the structure naming the body, else 0 days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from samhandling.errors import ScheduleError
from samhandling.time.deadlines import DayCount, deadline_before
from samhandling.time.meeting_plan import Meeting, day_count, meeting_plan

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure


@attrs.frozen(slots=True)
class ProjectedStep:
    """One step of a projected timeline; ``date`` is None when no meeting can take it."""

    act: str
    label: str
    body: str
    body_label: str
    ready: dt.date | None
    date: dt.date | None
    deadline: dt.date | None = None
    meeting: Meeting | None = None
    reason: str | None = None

    @property
    def scheduled(self) -> bool:
        return self.date is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "act": self.act,
            "label": self.label,
            "body": self.body,
            "body_label": self.body_label,
            "ready": _iso(self.ready),
            "date": _iso(self.date),
            "deadline": _iso(self.deadline),
            "host": self.meeting.host if self.meeting else None,
            "reason": self.reason,
        }


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


_Item = tuple[str, str, tuple[str, ...]]  # (act, label, body ids)


def items_of(target: Any, structure: Structure | None) -> tuple[list[_Item], Structure]:
    if hasattr(target, "definition") and hasattr(target, "state"):  # an open case
        definition = target.definition
        steps = definition.steps()
        start = next((i for i, s in enumerate(steps) if s.state == target.state), len(steps))
        done = set(getattr(target, "progress", {}).get(steps[start].act, ())) if start < len(steps) else set()
        items = [
            (s.act, s.label, s.bodies)
            for i, s in enumerate(steps[start:], start)
            if not (s.state == target.state and i >= start and s.bodies and set(s.bodies) <= done)
        ]
        return items, structure or definition.structure
    if hasattr(target, "steps"):  # a process definition
        return [(s.act, s.label, s.bodies) for s in target.steps()], structure or target.structure
    if structure is None:
        raise ScheduleError("en liste med (steg, organ) trenger strukturen (structure=...)")
    items = []
    for entry in target:
        label, body = entry
        items.append((str(label), str(label), (structure.body(str(body)).id,)))
    return items, structure


def same_as_of(target: Any) -> dict[str, str]:
    """Per act of ``target`` (a definition or a case) whose actor is ``same_as`` another act: that act's name.

    Such a step must be taken by the body that took the other one (the same FSU all the way), not by any body of
    the kind.
    """
    definition = getattr(target, "definition", None) or (target if hasattr(target, "steps") else None)
    if definition is None:
        return {}
    out: dict[str, str] = {}
    for step in definition.steps():
        actor = getattr(definition.act_def(step.act), "actor", None)
        ref = getattr(actor, "same_as", None)
        if ref:
            out[step.act] = str(ref)
    return out


def actors_of(target: Any) -> dict[str, str]:
    """The body that took each act an open case has already taken (``{}`` for a definition or a list)."""
    found = getattr(target, "actors", None) if hasattr(target, "state") else None
    return {str(k): str(v) for k, v in dict(found or {}).items()}


def _rule_deadline(structure: Structure, body: str) -> int | None:
    from samhandling.structure.validation import target_bodies

    for rule in (*structure.rules, *meeting_plan(structure).rules):
        if (
            rule.check
            and rule.check.get("kind") == "submission_deadline"
            and body in {b.id for b in target_bodies(structure, dict(rule.check), rule)}
        ):
            return int(rule.check.get("days", 10))
    return None


def submission_days(structure: Structure, deadlines: Mapping[str, int] | None) -> dict[str, int]:
    """Per body id: days before a meeting an item must be submitted."""
    out: dict[str, int] = {}
    for body in structure.bodies:
        days = _rule_deadline(structure, body.id)
        if days is not None:
            out[body.id] = days
    for name, days in (deadlines or {}).items():
        if days < 0:
            raise ScheduleError(f"fristen for {name} kan ikke være negativ ({days})")
        out[structure.body(name).id] = int(days)
    return out


def project(
    target: Any,
    ready: dt.date,
    *,
    deadlines: Mapping[str, int] | None = None,
    structure: Structure | None = None,
    day_count_setting: DayCount | str | None = None,
    same_meeting: bool = False,
) -> list[ProjectedStep]:
    """Project the earliest dates of the remaining steps of ``target``.

    ``target`` is a ``ProcessDefinition``, an open ``Case`` (steps from its current
    state; bodies that already acted in a sequence of approvals are skipped), or a
    sequence of ``(step label, body name)`` pairs (then ``structure`` is required).
    With ``same_meeting``, consecutive steps of the same body are taken in the same
    meeting (SSU approves and assesses consequences at once); by default every step
    needs a later meeting than the previous one.
    """
    items, structure = items_of(target, structure)
    days = submission_days(structure, deadlines)
    return _project(
        structure,
        items,
        ready,
        days,
        day_count(structure, day_count_setting),
        same_meeting,
        same_as=same_as_of(target),
        actors=actors_of(target),
    )


def project_pairs(
    structure: Structure, pairs: Iterable[tuple[str, str]], ready: dt.date, **kwargs: Any
) -> list[ProjectedStep]:
    """:func:`project` on a plain list of (step label, body) pairs."""
    return project(list(pairs), ready, structure=structure, **kwargs)


def _project(
    structure: Structure,
    items: Sequence[_Item],
    ready: dt.date,
    days: dict[str, int],
    count: DayCount,
    same_meeting: bool = False,
    *,
    same_as: Mapping[str, str] | None = None,
    actors: Mapping[str, str] | None = None,
) -> list[ProjectedStep]:
    plan = meeting_plan(structure)
    out: list[ProjectedStep] = []
    current: dt.date | None = ready
    after: dt.date | None = None  # the previous step's meeting: the next must be later
    chosen: dict[str, str] = dict(actors or {})  # act -> the body that takes (took) it
    for act, label, bodies in items:
        ref = (same_as or {}).get(act)
        if ref is not None and ref in chosen:
            bodies = (chosen[ref],)  # the same body as the act it follows, not any body of the kind
        elif len(bodies) == 1:
            chosen[act] = bodies[0]
        labels = [structure.body(b).label for b in bodies]
        names = " / ".join(labels) if len(labels) <= 2 else f"{labels[0]} m.fl. ({len(labels)} organer)"
        first = bodies[0] if bodies else ""
        if current is None:
            out.append(
                ProjectedStep(act, label, first, names, None, None, reason="venter på et tidligere steg uten dato")
            )
            continue
        previous = out[-1] if out else None
        if same_meeting and previous is not None and previous.meeting is not None and previous.body in bodies:
            chosen[act] = previous.body
            out.append(attrs.evolve(previous, act=act, label=label))
            continue
        planned = [b for b in bodies if plan.of(b)]
        if not planned:
            out.append(
                ProjectedStep(
                    act,
                    label,
                    first,
                    names,
                    current,
                    current,
                    reason="ingen møteplan; steget regnes som gjort på klar-datoen",
                )
            )
            continue
        options: list[tuple[Meeting, dt.date]] = []
        for body in planned:
            for meeting in plan.of(body):
                if after is not None and meeting.date <= after:
                    continue
                due = deadline_before(meeting.date, days.get(body, 0), count)
                if due >= current:
                    options.append((meeting, due))
                    break
        if not options:
            bound = f"etter {after.isoformat()} " if after else ""
            rules = "; ".join(f"{structure.body(b).label}: frist {days.get(b, 0)} {count.label}" for b in planned)
            last = max(m.date for b in planned for m in plan.of(b))
            out.append(
                ProjectedStep(
                    act,
                    label,
                    first,
                    names,
                    current,
                    None,
                    reason=f"møteplanen har ikke noe møte {bound}som saken rekker (klar {current.isoformat()}; {rules}); "
                    f"siste planlagte møte er {last.isoformat()}",
                )
            )
            current = None
            continue
        meeting, due = min(options, key=lambda o: o[0].date)
        chosen[act] = meeting.body
        out.append(
            ProjectedStep(
                act,
                label,
                meeting.body,
                structure.body(meeting.body).label,
                current,
                meeting.date,
                due,
                meeting,
            )
        )
        current = after = meeting.date
    return out


def submission_deadlines(
    structure: Structure, on: dt.date, within_days: int = 30
) -> list[tuple[Meeting, dt.date, int]]:
    """The submission deadlines («senest N dager før») of the planned meetings that fall from ``on`` to ``within_days``
    after it, in date order: (meeting, last day to submit, days before the meeting). Only bodies with a
    ``submission_deadline`` rule have one; the structure's ``day_count`` says calendar or working days."""
    days = submission_days(structure, None)
    count = day_count(structure)
    end = on + dt.timedelta(days=within_days)
    out: list[tuple[Meeting, dt.date, int]] = []
    for meeting in meeting_plan(structure).meetings:
        n = days.get(meeting.body)
        if n is None:
            continue
        last = deadline_before(meeting.date, n, count)
        if on <= last <= end:
            out.append((meeting, last, n))
    return sorted(out, key=lambda item: (item[1], item[0].body))
