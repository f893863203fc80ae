"""Forecasts of when a matter will be decided: Monte Carlo over the bodies' meeting plans.

:func:`samhandling.time.schedule.project` gives one date per step: the earliest meeting that can take it.
A forecast walks the same steps over the same meeting plans many times, and in each run

* every step may need **preparation time** before the matter is ready for it (days; a fixed number,
  a distribution given by the caller, a process setting ``preparation_days``, or observations of
  earlier cases to sample from);
* a meeting may **defer** the matter (chance ``deferral``): it waits for the next meeting of the body;
* a step may **send the matter back** (chance ``send_back``) to the step before it, when the step's
  body can send back (the process has a ``send_back`` act for it; for a plain list of steps every step
  after the first can); the earlier step and this one are taken again at later meetings;
* a step may be **escalated** (chance ``escalation``) when its body has an ``escalates_to`` target in
  the structure's graph: an extra step at the target's next meeting comes before the next step;
* a meeting may be **cancelled** (chance ``cancelled``): it does not happen, for any step of that run.

The result gives P50/P80/P95 dates per step and for the decision (the end of the walk), the
probability of a decision by a given date, and the distribution of the runs. ``seed`` makes a
forecast repeatable (one ``random.Random(seed)``, no global state). With every chance zero and no
preparation time every run equals today's projection exactly.

Cost: the structure, the meeting lists per body and their submission deadlines are worked out once
(:class:`Forecaster`); a run is a loop over the steps with a bisect per body for the next meeting.

Random numbers are drawn in a fixed pattern (four per step taken, one more per escalation, one key
per run for the cancelled meetings), so changing the chance of deferral or of cancelled meetings with
the same seed moves the same runs' dates and nothing else: a higher chance never makes a run, nor any
percentile, earlier. (One exception, inherited from the projection's rule: with ``same_meeting`` and
a step that several bodies can take, a later meeting of the body that also takes the next step can
let both steps share it.)

A case in a state off the main path (lifted to ``løfta`` by an escalation) is forecast from the place
that state stands in for, with the deciding step at the body it was escalated to;
``schedule.project`` gives such a case no steps.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from samhandling.errors import ScheduleError
from samhandling.structure.model import RelationKind
from samhandling.time.deadlines import DayCount, deadline_before
from samhandling.time.meeting_plan import day_count, meeting_plan

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure

PERCENTILES = (0.5, 0.8, 0.95)
FAN_PERCENTILES = (0.05, 0.2, 0.5, 0.8, 0.95)
MAX_SEND_BACKS = 10  # per run: a matter sent back more often than this is taken as it stands
DEFAULT_RUNS = 1000
PREPARATION_SETTING = "preparation_days"
_MASK = (1 << 64) - 1


# ---------------------------------------------------------------------------- preparation times


class Preparation(Protocol):
    """Days of preparation before a step, as the inverse of a distribution: ``days_at(u)`` for u in [0, 1)."""

    def days_at(self, u: float) -> int: ...

    def describe(self) -> str: ...


@attrs.frozen(slots=True)
class Fixed:
    """Always ``days`` days."""

    days: int

    def days_at(self, u: float) -> int:
        return self.days

    def describe(self) -> str:
        return f"{self.days} dager"


@attrs.frozen(slots=True)
class Uniform:
    """A whole number of days from ``low`` to ``high`` (both included), all equally likely."""

    low: int
    high: int

    def days_at(self, u: float) -> int:
        return self.low + min(int(u * (self.high - self.low + 1)), self.high - self.low)

    def describe(self) -> str:
        return f"{self.low}–{self.high} dager (jevnt fordelt)"


@attrs.frozen(slots=True)
class Triangular:
    """Days from ``low`` to ``high``, most often ``mode`` (rounded to whole days)."""

    low: int
    mode: int
    high: int

    def days_at(self, u: float) -> int:
        low, mode, high = self.low, self.mode, self.high
        if high == low:
            return low
        cut = (mode - low) / (high - low)
        if u < cut:
            x = low + math.sqrt(u * (high - low) * (mode - low))
        else:
            x = high - math.sqrt((1 - u) * (high - low) * (high - mode))
        return round(x)

    def describe(self) -> str:
        return f"{self.low}–{self.high} dager (oftest {self.mode})"


@attrs.frozen(slots=True)
class Empirical:
    """One of the observed durations, each equally likely (fitted from earlier cases)."""

    observations: tuple[int, ...]

    def days_at(self, u: float) -> int:
        n = len(self.observations)
        return self.observations[min(int(u * n), n - 1)]

    def describe(self) -> str:
        obs = self.observations
        return f"{len(obs)} observasjoner ({obs[0]}–{obs[-1]} dager)"


def _days(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or math.isinf(value):
        raise ScheduleError(f"{what}: forventet et antall dager, fant «{value}»", code="bad-preparation")
    if value < 0:
        raise ScheduleError(f"{what}: antall dager kan ikke være negativt ({value})", code="bad-preparation")
    return round(value)


def preparation_of(value: Any, what: str = "forberedelsestid") -> Preparation:
    """A preparation time from plain data: a number of days, ``[low, high]`` (uniform), ``[low, mode, high]``
    (triangular), ``{"observations": [...]}`` (empirical) or a distribution object as it is."""
    if isinstance(value, (Fixed, Uniform, Triangular, Empirical)):
        return value
    if isinstance(value, Mapping):
        if set(value) != {"observations"}:
            raise ScheduleError(
                f"{what}: en tabell skal bare ha «observations» (en liste med dager), fant {', '.join(map(str, value))}",
                code="bad-preparation",
            )
        return empirical(value["observations"], what)
    if isinstance(value, (list, tuple)):
        days = [_days(v, what) for v in value]
        if len(days) == 2 and days[0] <= days[1]:
            return Uniform(days[0], days[1])
        if len(days) == 3 and days[0] <= days[1] <= days[2]:
            return Triangular(days[0], days[1], days[2])
        raise ScheduleError(
            f"{what}: forventet [lav, høy] eller [lav, typisk, høy] i stigende rekkefølge, fant {list(value)}",
            code="bad-preparation",
        )
    return Fixed(_days(value, what))


def empirical(observations: Iterable[Any], what: str = "observasjonene") -> Empirical:
    days = sorted(_days(v, what) for v in observations)
    if not days:
        raise ScheduleError(f"{what}: ingen observasjoner å trekke fra", code="bad-preparation")
    return Empirical(tuple(days))


def fit_preparation(observations: Iterable[tuple[str, Any]]) -> dict[str, Empirical]:
    """Preparation times per step fitted from ``(step, days)`` observations (e.g. from closed cases: the days
    from the previous step's decision to the step being ready). Each step samples its own observations."""
    by_step: dict[str, list[Any]] = {}
    for entry in observations:
        if not isinstance(entry, (tuple, list)) or len(entry) != 2:
            raise ScheduleError(f"en observasjon skal være (steg, dager), fant «{entry}»", code="bad-preparation")
        step, days = entry
        by_step.setdefault(str(step), []).append(days)
    return {step: empirical(days, f"observasjonene for «{step}»") for step, days in by_step.items()}


#: Closed cases a step needs before its preparation time is fitted from them (fewer: the process's value).
MIN_FIT_CASES = 5


@attrs.frozen(slots=True)
class FittedStep:
    """One step of a fit: how many closed cases took it, and whether that was enough to fit it."""

    act: str
    label: str
    cases: int
    fitted: bool


@attrs.frozen(slots=True)
class PreparationFit:
    """Preparation times fitted from closed cases: ``observations`` (``(step label, days)`` pairs for the steps
    with at least ``min_cases`` cases, for :class:`Forecaster`'s ``observations``), per step what was found,
    and how many closed cases were read."""

    observations: tuple[tuple[str, int], ...]
    steps: tuple[FittedStep, ...]
    cases: int
    min_cases: int

    @property
    def fitted(self) -> tuple[FittedStep, ...]:
        return tuple(s for s in self.steps if s.fitted)

    def describe(self) -> list[str]:
        """Norwegian lines: which steps were fitted, from how many cases, and which fall back."""
        lines = [
            f"forberedelsestid tilpasset fra {self.cases} avsluttede saker i lageret (minst {self.min_cases} per steg):"
        ]
        for s in self.steps:
            if s.fitted:
                lines.append(f"  «{s.label}»: tilpasset fra {s.cases} saker")
            else:
                lines.append(f"  «{s.label}»: for få saker ({s.cases}); prosessens verdi brukes")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "min_cases": self.min_cases,
            "steps": [{"act": s.act, "label": s.label, "cases": s.cases, "fitted": s.fitted} for s in self.steps],
        }


def fit_key(label: str, bodies: Sequence[str]) -> str:
    """The key of a step by its label and bodies, «godkjenne mandat (ssu)»: what the fit keys a step whose label
    another step shares (Sør-Rogaland's «godkjenne mandat» by FSU, then by SSU), so each gets its own fit (the
    forecast looks a step up by this key before its label)."""
    return f"{label} ({', '.join(bodies)})"


def fit_from_cases(
    definition: Any,
    histories: Iterable[Sequence[Any]],
    *,
    deadlines: Mapping[str, int] | None = None,
    day_count_setting: DayCount | str | None = None,
    min_cases: int = MIN_FIT_CASES,
) -> PreparationFit:
    """Fit each step's preparation time from the event histories of closed cases of ``definition``'s process.

    For every case (its events in order: ``act``, ``body``, ``on``), the step's observation is the days from the
    previous step's act (the case's opening for the first step) to the step's own act, less the body's
    submission deadline (the matter had to be ready by the deadline of the meeting that took it): a run that
    draws it from the same start lands on the same meeting. A step taken more than once in a case (sent back)
    counts its first time. Steps with fewer than ``min_cases`` observations are left out of ``observations``
    (the forecast then uses the process's value, or none); each step's count is in ``steps``.
    """
    from samhandling.time.schedule import submission_days

    if isinstance(min_cases, bool) or not isinstance(min_cases, int) or min_cases < 1:
        raise ScheduleError(f"minste antall saker skal være et positivt heltall, fant «{min_cases}»", code="bad-fit")
    structure = definition.structure
    days = submission_days(structure, deadlines)
    count = day_count(structure, day_count_setting)
    steps = definition.steps()
    found: list[list[int]] = [[] for _ in steps]
    cases = 0
    for events in histories:
        if not events:
            continue
        cases += 1
        previous: dt.date = events[0].on
        taken: set[int] = set()
        for e in events[1:]:
            index = next(
                (
                    i
                    for i, st in enumerate(steps)
                    if st.act == e.act and i not in taken and (not st.bodies or e.body is None or e.body in st.bodies)
                ),
                None,
            )
            if index is None:
                continue
            taken.add(index)
            body = e.body if e.body is not None else (steps[index].bodies[0] if steps[index].bodies else None)
            ready_by = deadline_before(e.on, days.get(body, 0), count) if body is not None else e.on
            found[index].append(max(0, (ready_by - previous).days))
            previous = e.on
    observations: list[tuple[str, int]] = []
    out: list[FittedStep] = []
    twice = {label for label, n in Counter(st.label for st in steps).items() if n > 1}
    for st, obs in zip(steps, found, strict=True):
        ok = len(obs) >= min_cases
        key = fit_key(st.label, st.bodies) if st.label in twice else st.label
        out.append(FittedStep(st.act, key, len(obs), ok))
        if ok:
            observations.extend((key, d) for d in obs)
    return PreparationFit(tuple(observations), tuple(out), cases, min_cases)


# ---------------------------------------------------------------------------- results


@attrs.frozen(slots=True)
class StepForecast:
    """The forecast of one step: its date in today's projection and the percentiles over the runs.

    A percentile is None when at least that share of runs got no date (the meeting plan ran out)."""

    act: str
    label: str
    body: str
    body_label: str
    projected: dt.date | None
    p50: dt.date | None
    p80: dt.date | None
    p95: dt.date | None
    dated: float  # share of runs in which the step got a date
    fan: tuple[dt.date | None, ...] = ()  # at FAN_PERCENTILES

    def to_dict(self) -> dict[str, Any]:
        return {
            "act": self.act,
            "label": self.label,
            "body": self.body,
            "body_label": self.body_label,
            "projected": _iso(self.projected),
            "p50": _iso(self.p50),
            "p80": _iso(self.p80),
            "p95": _iso(self.p95),
            "dated": self.dated,
        }


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


@attrs.frozen(slots=True)
class Chances:
    """The chances of one run's events, each in [0, 1]."""

    deferral: float = 0.0
    send_back: float = 0.0
    escalation: float = 0.0
    cancelled: float = 0.0

    def __attrs_post_init__(self) -> None:
        for name, label in _CHANCE_LABELS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
                raise ScheduleError(
                    f"sjansen for {label} skal være et tall fra 0 til 1, fant «{value}»", code="bad-chance"
                )

    def to_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in _CHANCE_LABELS}


_CHANCE_LABELS = {
    "deferral": "utsettelse",
    "send_back": "tilbakesending",
    "escalation": "eskalering",
    "cancelled": "avlyst møte",
}


@attrs.frozen(slots=True)
class Forecast:
    """What a forecast found. ``decisions`` holds each run's decision date (None: no date within the plan)."""

    start: dt.date
    runs: int
    seed: int | None
    chances: Chances
    steps: tuple[StepForecast, ...]
    decisions: tuple[dt.date | None, ...] = attrs.field(repr=False)
    decision_projected: dt.date | None = None
    send_backs: float = 0.0  # mean per run
    escalations: float = 0.0  # mean per run
    deferrals: float = 0.0  # mean per run
    cancellations: float = 0.0  # mean meetings per run that the matter met cancelled
    preparation: tuple[tuple[str, str], ...] = ()  # (step label, description)
    _sorted: tuple[int, ...] = attrs.field(default=(), repr=False, eq=False, alias="sorted_ordinals")

    def quantile(self, q: float) -> dt.date | None:
        """The decision date that a share ``q`` of the runs reach (nearest rank); None when the plan runs out first."""
        return _quantile(self._sorted, q)

    @property
    def p50(self) -> dt.date | None:
        return self.quantile(0.5)

    @property
    def p80(self) -> dt.date | None:
        return self.quantile(0.8)

    @property
    def p95(self) -> dt.date | None:
        return self.quantile(0.95)

    @property
    def dated(self) -> float:
        return sum(1 for o in self._sorted if o < _NEVER) / self.runs

    def probability_by(self, day: dt.date) -> float:
        """The share of runs with a decision on or before ``day``."""
        return bisect_right(self._sorted, day.toordinal()) / self.runs

    def histogram(self) -> list[tuple[dt.date | None, int]]:
        """Runs per decision date, in date order; None (no date within the plan) last."""
        counts = Counter(self._sorted)
        return [(None if o >= _NEVER else dt.date.fromordinal(o), n) for o, n in sorted(counts.items())]

    def to_dict(self, by: dt.date | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "start": self.start.isoformat(),
            "runs": self.runs,
            "seed": self.seed,
            "chances": self.chances.to_dict(),
            "steps": [s.to_dict() for s in self.steps],
            "decision": {
                "projected": _iso(self.decision_projected),
                "p50": _iso(self.p50),
                "p80": _iso(self.p80),
                "p95": _iso(self.p95),
                "dated": self.dated,
            },
            "mean_per_run": {
                "send_backs": self.send_backs,
                "escalations": self.escalations,
                "deferrals": self.deferrals,
                "cancellations": self.cancellations,
            },
            "preparation": [{"step": s, "days": d} for s, d in self.preparation],
            "histogram": [{"date": _iso(d), "runs": n} for d, n in self.histogram()],
        }
        if by is not None:
            data["by"] = {"date": by.isoformat(), "probability": self.probability_by(by)}
        return data


_NEVER = 10**9  # the ordinal of "no date": after every real date


def _quantile(ordered: Sequence[int], q: float) -> dt.date | None:
    if not ordered:
        return None
    rank = min(max(math.ceil(q * len(ordered)) - 1, 0), len(ordered) - 1)
    value = ordered[rank]
    return None if value >= _NEVER else dt.date.fromordinal(value)


# ---------------------------------------------------------------------------- the forecaster


@attrs.frozen(slots=True)
class _BodyPlan:
    dates: tuple[int, ...]  # meeting dates (ordinals), in order
    dues: tuple[int, ...]  # the submission deadline of each meeting (ordinals), non-decreasing
    ids: tuple[int, ...]  # a number per meeting, unique in the structure (for cancellations)


@attrs.frozen(slots=True)
class _Step:
    act: str
    label: str
    bodies: tuple[str, ...]
    names: str  # the bodies' labels, as the projection writes them
    planned: tuple[_BodyPlan, ...]
    planned_ids: tuple[str, ...]
    prep: Preparation | None
    can_send_back: bool
    escalation: str | None  # the body id an escalation goes to
    escalation_plan: _BodyPlan | None
    follow: int | None = None  # same_as: the index of the step whose meeting's body takes this one too
    leader: bool = False  # a later step follows this one's body: taken by the body the projection picks for it


class Forecaster:
    """A forecast's fixed part, worked out once: the steps, the meeting lists and deadlines per body.

    ``target`` is what :func:`samhandling.time.schedule.project` takes: a ``ProcessDefinition``, an open
    ``Case`` (its remaining steps), or ``(step label, body)`` pairs with ``structure``. ``preparation``
    maps a step (its act name or label, or ``"*"`` for every step) to a preparation time (see
    :func:`preparation_of`); ``observations`` are ``(step, days)`` pairs fitted with :func:`fit_preparation`.
    Precedence per step: ``preparation``, then ``observations``, then the process setting
    ``preparation_days`` (a table of act name to days or ``[low, high]``), then none.
    """

    def __init__(
        self,
        target: Any,
        *,
        structure: Structure | None = None,
        deadlines: Mapping[str, int] | None = None,
        day_count_setting: DayCount | str | None = None,
        same_meeting: bool = False,
        preparation: Mapping[str, Any] | None = None,
        observations: Iterable[tuple[str, Any]] | None = None,
    ) -> None:
        from samhandling.time.schedule import actors_of, items_of, same_as_of, submission_days

        items, structure = items_of(target, structure)
        refs, actors = same_as_of(target), actors_of(target)
        items = self._off_path(target, items)
        self.structure = structure
        self.same_meeting = same_meeting
        days = submission_days(structure, deadlines)
        count = day_count(structure, day_count_setting)
        plan = meeting_plan(structure)
        definition = getattr(target, "definition", None) or (target if hasattr(target, "steps") else None)

        plans: dict[str, _BodyPlan] = {}
        next_id = 0
        for body in plan.bodies():
            meetings = plan.of(body)
            dates = tuple(m.date.toordinal() for m in meetings)
            dues = tuple(deadline_before(m.date, days.get(body, 0), count).toordinal() for m in meetings)
            plans[body] = _BodyPlan(dates, dues, tuple(range(next_id, next_id + len(meetings))))
            next_id += len(meetings)

        prep = self._preparations(items, definition, preparation, observations)
        senders = self._senders(definition)
        steps: list[_Step] = []
        first_index: dict[str, int] = {}
        for index, (act, label, bodies) in enumerate(items):
            first_index.setdefault(act, index)
            ref = refs.get(act)
            follow = None
            if ref is not None and ref in actors:  # an open case: the body that took the act takes this one
                bodies = (actors[ref],)
            elif ref is not None and first_index.get(ref, index) < index:
                follow = first_index[ref]
            labels = [structure.body(b).label for b in bodies]
            names = " / ".join(labels) if len(labels) <= 2 else f"{labels[0]} m.fl. ({len(labels)} organer)"
            planned_ids = tuple(b for b in bodies if b in plans)
            target_body = next(
                (ts[0].id for b in bodies if (ts := structure.targets(b, RelationKind.ESCALATES_TO))), None
            )
            steps.append(
                _Step(
                    act=act,
                    label=label,
                    bodies=bodies,
                    names=names,
                    planned=tuple(plans[b] for b in planned_ids),
                    planned_ids=planned_ids,
                    prep=prep.get(index),
                    can_send_back=index > 0 and (senders is None or bool(senders & set(bodies)) or "*" in senders),
                    escalation=target_body,
                    escalation_plan=plans.get(target_body) if target_body else None,
                    follow=follow,
                )
            )
        leaders = {st.follow for st in steps if st.follow is not None}
        steps = [
            attrs.evolve(st, leader=True) if k in leaders and len(st.planned) > 1 else st for k, st in enumerate(steps)
        ]
        self.steps: tuple[_Step, ...] = tuple(steps)
        self._prep_described = tuple((s.label, s.prep.describe()) for s in steps if s.prep is not None)

    # ------------------------------------------------------------------ set-up helpers

    @staticmethod
    def _off_path(target: Any, items: list[Any]) -> list[Any]:
        """An open case in a state off the main path (lifted to ``løfta``/``eskalert``) has the steps from the place
        that state stands in for (``path_index``), the deciding step at the body it was escalated to."""
        definition = getattr(target, "definition", None)
        state = getattr(target, "state", None)
        if items or definition is None or state is None or state in definition.final_states:
            return items
        steps = definition.steps()
        if any(s.state == state for s in steps):
            return items
        index = definition.path_index(state)
        if index < 0:
            return items
        escalated = getattr(target, "data", {}).get("escalated_to")
        out = []
        for step in steps[index:]:
            act = definition.act_def(step.act)
            bodies = (str(escalated),) if escalated and state in act.sources else step.bodies
            out.append((step.act, step.label, bodies))
        return out

    @staticmethod
    def _senders(definition: Any) -> set[str] | None:
        """The bodies that can send a matter back (``"*"``: any); None when every step can (no process)."""
        if definition is None:
            return None
        out: set[str] = set()
        for act in definition.acts:
            if act.kind == "send_back":
                out |= set(act.bodies) if act.bodies else {"*"}
        return out

    def _preparations(
        self,
        items: Sequence[tuple[str, str, tuple[str, ...]]],
        definition: Any,
        preparation: Mapping[str, Any] | None,
        observations: Iterable[tuple[str, Any]] | None,
    ) -> dict[int, Preparation]:
        """Per step index, its preparation time: the call's table, then the observations, then the process."""
        names = list(dict.fromkeys(x for act, label, _b in items for x in (act, label)))
        tables: list[dict[str, Preparation]] = []
        if preparation:
            unknown = [str(k) for k in preparation if k != "*" and k not in names]
            if unknown:
                raise ScheduleError(
                    f"ukjent steg «{unknown[0]}» for forberedelsestid; stegene er: {', '.join(names)}",
                    code="unknown-step",
                )
            tables.append({str(k): preparation_of(v, f"forberedelsestid for «{k}»") for k, v in preparation.items()})
        if observations is not None:
            tables.append(dict(fit_preparation(observations)))
        if definition is not None and definition.settings.get(PREPARATION_SETTING) is not None:
            setting = definition.settings[PREPARATION_SETTING]
            where = f"prosessen {definition.name}, innstillingen «{PREPARATION_SETTING}»"
            if not isinstance(setting, Mapping):
                raise ScheduleError(
                    f"{where} skal være en tabell fra handling til dager, fant «{setting}»", code="bad-preparation"
                )
            tables.append({str(k): preparation_of(v, f"{where}, «{k}»") for k, v in setting.items()})
        out: dict[int, Preparation] = {}
        for i, (act, label, bodies) in enumerate(items):
            key = fit_key(label, bodies)
            for table in tables:
                found = table.get(key) or table.get(label) or table.get(act) or table.get("*")
                if found is not None:
                    out[i] = found
                    break
        return out

    # ------------------------------------------------------------------ running

    def run(
        self,
        start: dt.date,
        *,
        runs: int = DEFAULT_RUNS,
        seed: int | None = None,
        chances: Chances | None = None,
    ) -> Forecast:
        """``runs`` runs from ``start`` (the day the matter is ready for its first step)."""
        if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
            raise ScheduleError(f"antall kjøringer skal være et positivt heltall, fant «{runs}»", code="bad-runs")
        if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
            raise ScheduleError(f"startdatoen skal være en dato, fant «{start}»", code="bad-date")
        chances = chances or Chances()
        rng = random.Random(seed)
        n = len(self.steps)
        # Compact per-step columns (4 bytes a run): a million runs of an eleven-step path stay small.
        per_step = [array("i", bytes(4 * runs)) for _ in range(n)]
        decisions = array("i", bytes(4 * runs))
        totals = [0, 0, 0, 0]
        walk = self._walk
        begin = start.toordinal()
        # Today's projection first: it picks the body of each step a later step follows (same_as), and every run
        # keeps that body, so which body takes the matter never depends on the chances (monotone runs).
        homes: dict[int, _BodyPlan] = {}
        base, base_dates = walk(begin, random.Random(0), Chances(), [0, 0, 0, 0], prepare=False, homes=homes, pick=True)
        for r in range(runs):
            decisions[r], dates = walk(begin, rng, chances, totals, homes=homes)
            for i in range(n):
                per_step[i][r] = dates[i]
        projected = [None if d >= _NEVER else dt.date.fromordinal(d) for d in base_dates]
        steps = []
        for i, s in enumerate(self.steps):
            ordered = sorted(per_step[i])
            dated = bisect_left(ordered, _NEVER) / runs
            steps.append(
                StepForecast(
                    act=s.act,
                    label=s.label,
                    body=self._shown_body(s),
                    body_label=s.names,
                    projected=projected[i],
                    p50=_quantile(ordered, 0.5),
                    p80=_quantile(ordered, 0.8),
                    p95=_quantile(ordered, 0.95),
                    dated=dated,
                    fan=tuple(_quantile(ordered, q) for q in FAN_PERCENTILES),
                )
            )
        return Forecast(
            start=start,
            runs=runs,
            seed=seed,
            chances=chances,
            steps=tuple(steps),
            decisions=tuple(None if o >= _NEVER else dt.date.fromordinal(o) for o in decisions),
            decision_projected=None if base >= _NEVER else dt.date.fromordinal(base),
            send_backs=totals[0] / runs,
            escalations=totals[1] / runs,
            deferrals=totals[2] / runs,
            cancellations=totals[3] / runs,
            preparation=self._prep_described,
            sorted_ordinals=tuple(sorted(decisions)),
        )

    def _shown_body(self, step: _Step) -> str:
        return step.planned_ids[0] if step.planned_ids else (step.bodies[0] if step.bodies else "")

    def _walk(
        self,
        begin: int,
        rng: random.Random,
        chances: Chances,
        totals: list[int],
        *,
        prepare: bool = True,
        homes: dict[int, _BodyPlan],
        pick: bool = False,
    ) -> tuple[int, list[int]]:
        """One run: the decision's date and each step's (ordinals; ``_NEVER`` for no date). ``homes`` holds the
        body (plan) that takes each leader step; with ``pick`` (the projection) a leader step gets there the body of
        its earliest reachable meeting. A leader without a home (the projection found no meeting) keeps its bodies."""
        draw = rng.random
        key = rng.getrandbits(64)  # the run's cancelled meetings
        p_defer, p_back, p_esc, p_cancel = chances.deferral, chances.send_back, chances.escalation, chances.cancelled
        log_defer = math.log(p_defer) if 0.0 < p_defer < 1.0 else 0.0
        steps = self.steps
        n = len(steps)
        dates: list[int] = [_NEVER] * n
        current = begin  # the day the matter is ready (_NEVER: an earlier step got no date)
        after = -1  # the previous step's meeting: the next one must be later
        last_plan: _BodyPlan | None = None  # the plan whose meeting took the previous step (same_meeting)
        taken: list[_BodyPlan | None] = [None] * n  # the plan whose meeting took each step (same_as follows it)
        i = 0
        send_backs = 0
        while i < n:
            step = steps[i]
            u_prep, u_defer, u_back, u_esc = draw(), draw(), draw(), draw()
            if current < _NEVER:
                ready = current + (step.prep.days_at(u_prep) if prepare and step.prep is not None else 0)
                planned = step.planned
                followed = taken[step.follow] if step.follow is not None else None
                if followed is not None:
                    planned = (followed,)
                if self.same_meeting and last_plan is not None and any(p is last_plan for p in planned):
                    date = after  # taken in the same meeting as the previous step
                elif not planned:
                    date = current = ready  # no meeting plan: done the day it is ready
                    last_plan = None
                else:
                    defer = _deferrals(u_defer, p_defer, log_defer)
                    if step.leader:
                        # The body is the one the projection picks (its earliest meeting the matter can reach);
                        # deferrals and cancelled meetings then move the matter to that body's later meetings.
                        home = homes.get(i)
                        if home is None and pick:
                            _, home = _first(planned, ready, after, 0.0, key, [0, 0, 0, 0])
                            if home is not None:
                                homes[i] = home
                        planned = (home,) if home is not None else planned
                    date, last_plan = _meeting(planned, ready, after, defer, p_cancel, key, totals)
                    current = after = date
                taken[i] = last_plan
                dates[i] = date
            else:
                dates[i] = _NEVER
            if step.can_send_back and send_backs < MAX_SEND_BACKS and u_back < p_back:
                send_backs += 1
                i -= 1
                continue
            if step.escalation is not None and u_esc < p_esc:
                u_extra = draw()
                totals[1] += 1
                if current < _NEVER and step.escalation_plan is not None:
                    defer = _deferrals(u_extra, p_defer, log_defer)
                    current, last_plan = _meeting((step.escalation_plan,), current, after, defer, p_cancel, key, totals)
                    after = current
            i += 1
        totals[0] += send_backs
        return current, dates


def _deferrals(u: float, p: float, log_p: float) -> int:
    """How many meetings in a row defer the matter: geometric with chance ``p``, by inversion (monotone in p)."""
    if p <= 0.0:
        return 0
    if p >= 1.0:
        return _NEVER
    return int(math.log(1.0 - u) / log_p)


def _cancelled(key: int, meeting: int, p: float) -> bool:
    """Whether the run with ``key`` has lost this meeting: a splitmix64 hash, so it is the same for every step."""
    z = (key + (meeting + 1) * 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    z ^= z >> 31
    return z < p * 18446744073709551616.0


def _meeting(
    plans: tuple[_BodyPlan, ...], ready: int, after: int, defer: int, p_cancel: float, key: int, totals: list[int]
) -> tuple[int, _BodyPlan | None]:
    """The date of the meeting that takes a step (``_NEVER`` when none), and the plan it is in. Each deferral
    moves the matter to the next meeting that can take the step (for a step of one body: that body's next)."""
    date, plan = _first(plans, ready, after, p_cancel, key, totals)
    while defer and plan is not None:
        defer -= 1
        totals[2] += 1
        date, plan = _first(plans, ready, date, p_cancel, key, totals)
    return date, plan


def _first(
    plans: tuple[_BodyPlan, ...], ready: int, after: int, p_cancel: float, key: int, totals: list[int]
) -> tuple[int, _BodyPlan | None]:
    """The earliest meeting later than ``after`` whose submission deadline is on or after ``ready``, that is not
    cancelled; ties go to the body named first (as in the projection)."""
    best = _NEVER
    best_plan: _BodyPlan | None = None
    for plan in plans:
        dates = plan.dates
        k = bisect_left(plan.dues, ready)
        if after >= 0:
            k = max(k, bisect_right(dates, after))
        if p_cancel > 0.0:
            while k < len(dates) and _cancelled(key, plan.ids[k], p_cancel):
                totals[3] += 1
                k += 1
        if k < len(dates) and dates[k] < best:
            best, best_plan = dates[k], plan
    return best, best_plan


def forecast(
    target: Any,
    start: dt.date,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int | None = None,
    deferral: float = 0.0,
    send_back: float = 0.0,
    escalation: float = 0.0,
    cancelled: float = 0.0,
    preparation: Mapping[str, Any] | None = None,
    observations: Iterable[tuple[str, Any]] | None = None,
    deadlines: Mapping[str, int] | None = None,
    structure: Structure | None = None,
    day_count_setting: DayCount | str | None = None,
    same_meeting: bool = False,
) -> Forecast:
    """Forecast when ``target`` (a process definition, an open case, or ``(step, body)`` pairs with
    ``structure``) will be decided, from ``start``: see the module documentation."""
    chances = Chances(deferral=deferral, send_back=send_back, escalation=escalation, cancelled=cancelled)
    forecaster = Forecaster(
        target,
        structure=structure,
        deadlines=deadlines,
        day_count_setting=day_count_setting,
        same_meeting=same_meeting,
        preparation=preparation,
        observations=observations,
    )
    return forecaster.run(start, runs=runs, seed=seed, chances=chances)


# ---------------------------------------------------------------------------- pictures


def norwegian_date(day: dt.date | None) -> str:
    return "ingen dato" if day is None else day.strftime("%d.%m.%Y")
