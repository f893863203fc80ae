"""The state one scenario works on: a structure, a process, a case and the last attempt."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from samhandling.errors import NotFoundError, SamhandlingError, UsageError
from samhandling.formats.names import name_key

if TYPE_CHECKING:
    from samhandling.clock import FixedClock
    from samhandling.process.case import Case
    from samhandling.process.engine import ProcessDefinition
    from samhandling.structure.graph import Structure


class StepAssertion(AssertionError):
    """A step's expectation did not hold (the message is Norwegian and complete)."""


@attrs.define
class Attempt:
    """The outcome of «… forsøker å utføre …»: the event, or the refusal."""

    act: str
    body: str
    error: SamhandlingError | None = None
    history_before: int = 0
    state_before: str | None = None
    codes: list[str] = attrs.field(factory=list)  # every refusal code the engine gave (first = ``error.code``)
    checked: bool = False  # a step has looked at the outcome
    line: int | None = None  # the step's line in the feature file (set by the plugin)


_STRUCTURES: dict[tuple[str, float], Structure] = {}


def load_structure(name: str, base_dir: Path | None = None) -> Structure:
    """A bundled name, a display name («Helsefellesskapet Sør-Rogaland») or a path relative to ``base_dir``."""
    from samhandling.structure.loader import bundled_names, load

    text = name.strip()
    candidates: list[Path] = []
    if base_dir is not None:
        candidates.append(base_dir / text)
    candidates.append(Path(text))
    for path in candidates:
        if path.suffix in {".yaml", ".yml"} and path.is_file():
            key = (str(path.resolve()), path.stat().st_mtime)
            if key not in _STRUCTURES:
                _STRUCTURES[key] = load(path)
            return _STRUCTURES[key]
    if text.endswith((".yaml", ".yml")):
        where = f" (søkte i {base_dir})" if base_dir is not None else ""
        raise NotFoundError(f"fant ikke strukturfilen «{text}»{where}", code="unknown-structure")
    wanted = name_key(text)
    for bundled in bundled_names():
        key = (bundled, 0.0)
        if key not in _STRUCTURES:
            _STRUCTURES[key] = load(bundled)
        s = _STRUCTURES[key]
        if wanted in {name_key(bundled), name_key(s.id), name_key(s.name)}:
            return s
    raise NotFoundError(
        f"fant ingen struktur «{text}»; innebygde: {', '.join(bundled_names())}, eller oppgi en sti til en "
        ".yaml-fil (relativ til feature-filen)",
        code="unknown-structure",
    )


class World:
    """Everything one scenario has chosen and done so far."""

    def __init__(self, base_dir: Path | None = None) -> None:
        self.base_dir = base_dir
        self._structure: Structure | None = None
        self._process: ProcessDefinition | None = None
        self._case: Case | None = None
        self.today: dt.date | None = None
        self.attempt: Attempt | None = None
        self.unchecked: list[Attempt] = []  # attempts replaced before any step looked at them
        self.values: dict[str, Any] = {}
        self.strict_refusals = False
        self.step_line: int | None = None
        self.notes: list[
            str
        ] = []  # what passing steps want shown in the report (e.g. the refusal code)  # the line of the step running now (set by the plugin)  # plain «handlingen avvises» without a code fails (ini option)
        self.clock: FixedClock | None = None
        self._clock_reset: Any = None

    # ------------------------------------------------------------------ time

    def set_today(self, day: dt.date, *, clock: bool = True) -> None:
        """Set the scenario's date, and with ``clock`` the library's clock (a FixedClock until the scenario ends;
        once set, it follows every later date of the scenario)."""
        from samhandling.clock import FixedClock, use_clock

        self.today = day
        if not clock and self.clock is None:
            return
        if self.clock is None:
            self.clock = FixedClock(day)
            manager = use_clock(self.clock)
            manager.__enter__()
            self._clock_reset = manager
        else:
            self.clock.set(day)

    def close(self) -> None:
        """Put the clock back as it was before the scenario."""
        manager, self._clock_reset, self.clock = self._clock_reset, None, None
        if manager is not None:
            try:
                manager.__exit__(None, None, None)
            except ValueError:  # reset from another context: fall back to the environment's clock
                from samhandling.clock import set_clock

                set_clock(None)

    def record_attempt(self, attempt: Attempt) -> None:
        if self.attempt is not None and not self.attempt.checked:
            self.unchecked.append(self.attempt)
        self.attempt = attempt

    def forget_attempt(self) -> None:
        if self.attempt is not None and not self.attempt.checked:
            self.unchecked.append(self.attempt)
        self.attempt = None

    def unchecked_attempts(self) -> list[Attempt]:
        """Attempts no step looked at («forsøker å utføre» with nothing asserted about it)."""
        last = [self.attempt] if self.attempt is not None and not self.attempt.checked else []
        return [*self.unchecked, *last]

    # ------------------------------------------------------------------ choices

    @property
    def structure(self) -> Structure:
        if self._structure is None:
            raise UsageError(
                'ingen struktur er valgt; start scenariet med for eksempel: Gitt strukturen "sor-rogaland"',
                code="no-structure",
            )
        return self._structure

    @property
    def has_structure(self) -> bool:
        return self._structure is not None

    def use_structure(self, name: str) -> Structure:
        self._structure = load_structure(name, self.base_dir)
        self._process = None
        self._case = None
        self.forget_attempt()
        return self._structure

    @property
    def process(self) -> ProcessDefinition:
        from samhandling.process.loader import get_process

        if self._process is None:
            self._process = get_process(self.structure)
        return self._process

    def use_process(self, name: str) -> ProcessDefinition:
        from samhandling.process.loader import get_process, process_names

        s = self.structure
        wanted = name_key(name)
        for candidate in process_names(s):
            d = get_process(s, candidate)
            if wanted in {name_key(candidate), name_key(d.name), name_key(d.title or "")}:
                self._process = d
                return d
        raise NotFoundError(
            f"strukturen {s.id} har ingen prosess «{name}»; kjente: {', '.join(process_names(s)) or 'ingen'}",
            code="unknown-process",
        )

    @property
    def case(self) -> Case:
        if self._case is None:
            raise UsageError('ingen sak er startet; skriv for eksempel: Gitt en ny sak "Nytt forløp"', code="no-case")
        return self._case

    @property
    def has_case(self) -> bool:
        return self._case is not None

    def start_case(self, title: str, on: dt.date | None = None, **data: Any) -> Case:
        if self.today is None and on is not None:
            self.today = on  # later acts default to the day the case was opened
        self._case = self.process.new_case(title=title, on=on or self.today, **data)
        self.forget_attempt()
        return self._case

    # ------------------------------------------------------------------ reporting

    def summary(self) -> dict[str, Any]:
        """A JSON-friendly view for the run record and failure output."""
        data: dict[str, Any] = {}
        if self._structure is not None:
            s = self._structure
            data["structure"] = {"id": s.id, "name": s.name, "path": str(s.path) if s.path else None}
        if self._process is not None:
            data["process"] = self._process.name
        if self._case is not None:
            c = self._case
            data["case"] = {
                "title": c.title,
                "state": c.state,
                "state_label": self._state_label(c.state),
                "history": [self.event_row(e) for e in c.history],
            }
        if self.attempt is not None and self.attempt.error is not None:
            data["refusal"] = {"code": self.attempt.error.code, "message": self.attempt.error.message}
        return data

    def _state_label(self, state: str | None) -> str:
        if state is None or self._process is None:
            return state or ""
        try:
            return self._process.state_label(state)
        except Exception:
            return state

    def _body_label(self, body: str | None) -> str:
        if body is None:
            return "—"
        try:
            return self.structure.body(body).label
        except SamhandlingError:
            return body

    def _act_label(self, act: str) -> str:
        if act == "open":
            return "åpnet saken (open)"
        if self._process is not None:
            for a in self._process.acts:
                if a.name == act:
                    return f"{a.label} ({act})" if a.label and a.label != act else act
        return act

    def event_row(self, event: Any) -> dict[str, Any]:
        return {
            "seq": event.seq,
            "on": event.on.isoformat() if event.on else "",
            "act": event.act,
            "act_label": self._act_label(event.act),
            "body": self._body_label(event.body),
            "payload": {k: _jsonable(v) for k, v in (event.payload or {}).items()},
            "from": self._state_label(event.from_state),
            "to": self._state_label(event.to_state),
        }

    def history_text(self) -> str:
        """The case's history so far as Norwegian lines (empty without a case)."""
        if self._case is None:
            return ""
        c = self._case
        lines = [f"Saken «{c.title}» er i tilstanden «{self._state_label(c.state)}» ({c.state}). Historikk:"]
        for e in c.history:
            row = self.event_row(e)
            payload = ", ".join(f"{k}={v}" for k, v in row["payload"].items())
            lines.append(
                f"  {row['seq']:>2}. {row['on']}  {row['act_label']} av {row['body']}: "
                f"{row['from'] or '—'} → {row['to']}" + (f"  [{payload}]" if payload else "")
            )
        if self.attempt is not None and self.attempt.error is not None:
            err = self.attempt.error
            lines.append(
                f"  Siste forsøk: {self.attempt.act} av {self.attempt.body} ble avvist [{err.code}]: {err.message}"
            )
        return "\n".join(lines)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
