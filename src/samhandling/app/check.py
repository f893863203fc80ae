"""Check everything a structure file names, in one go: the structure, its processes, rotations and meeting plan.

``samhandling validate`` runs :func:`check_structure` on each file it is given. The structure layer cannot check
processes (``structure/`` may not import ``process/``, docs/architecture.md), and the time sections stop at their
first problem when a schedule needs them; this service joins them and reads every part, so that one run reports
every finding of a file with its line, and a file that cannot be read at all does not stop the next one.

The result for one file is a :class:`FileCheck`: its findings in the one format
``FILE:LINE:COL: feil|advarsel [code] message`` and whether the file could be read (exit 2 in the CLI when not).

Given the meeting records of a store (``samhandling validate --db``), the meeting rules also judge what those
records say: who attended and stood in (``attendance``, S2-R3), who sent the notice and wrote the minutes
(``chair_rotation`` with ``duty``, S0-R5). A record is laid over the planned meeting of its body and date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from samhandling.errors import LoadError, NotFoundError, SamhandlingError
from samhandling.location import Location
from samhandling.structure.findings import Finding, error_finding, has_errors
from samhandling.structure.model import Severity

if TYPE_CHECKING:
    from collections.abc import Iterable

    from samhandling.meetings.model import MeetingRecord
    from samhandling.structure.graph import Structure
    from samhandling.time.meeting_plan import Meeting

_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@attrs.frozen(slots=True)
class FileCheck:
    """What :func:`check_structure` found in one structure file."""

    name: str  # as given: a bundled name or a path
    filename: str  # as findings name it
    structure: str | None  # the structure's id; None when the file could not be read
    findings: tuple[Finding, ...] = ()
    readable: bool = True

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def exit_code(self) -> int:
        """0 clean (warnings allowed), 1 findings with errors, 2 the file could not be read."""
        if not self.readable:
            return 2
        return 1 if has_errors(list(self.findings)) else 0

    def lines(self) -> list[str]:
        """Each finding as ``FILE:LINE:COL: feil|advarsel [code] message`` (the file alone when no line is known)."""
        return [format_finding(f, self.filename) for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "structure": self.structure,
            "file": self.filename,
            "readable": self.readable,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [
                {**f.to_dict(), "location": str(f.location or Location(self.filename))} for f in self.findings
            ],
        }


def format_finding(finding: Finding, filename: str) -> str:
    """``FILE:LINE:COL: feil [code] message``; a finding without a location is placed at the file."""
    if finding.location is None:
        finding = attrs.evolve(finding, location=Location(filename))
    return finding.format()


def process_findings(structure: Structure) -> list[Finding]:
    """Every finding of every process the structure names: each file read, built and validated on its own.

    Unlike :func:`samhandling.process.loader.get_process`, which refuses a definition at its first error, this
    lists them all, and goes on to the next process.
    """
    from samhandling.formats.yamlio import read_yaml
    from samhandling.process.engine import PROCESS_DIR
    from samhandling.process.loader import build_definition, process_refs
    from samhandling.process.validation import validate_definition
    from samhandling.structure.sections import section_location

    where = section_location(structure, "processes")
    try:
        refs = process_refs(structure)
    except LoadError as exc:
        return [error_finding(exc, where)]
    out: list[Finding] = []
    for name, path in refs.items():
        display = path.name if path.parent == PROCESS_DIR else str(path)
        if not path.exists():
            out.append(
                Finding(
                    code="unknown-process",
                    severity=Severity.ERROR,
                    message=f"prosessen «{name}» viser til filen {display}, som ikke finnes",
                    location=where,
                )
            )
            continue
        try:
            definition = build_definition(read_yaml(path, display), structure, display)
        except SamhandlingError as exc:
            out.append(error_finding(exc, Location(display)))
            continue
        out.extend(validate_definition(definition))
    return out


#: Readings (settings) the code reads by name, and what for.
CODE_READINGS: dict[str, str] = {
    "consensus_among": "motoren: konsensus mellom partene eller mellom sidene",
    "days_are": "fristberegning: kalenderdager eller arbeidsdager",
    "day_count": "fristberegning: kalenderdager eller arbeidsdager",
    "allow_double_assignment": "rulleringer: om en part kan ha to roller samtidig",
}


def _setting_refs(data: Any, found: dict[str, str], what: str) -> None:
    """Collect ``setting: KEY`` / ``alternate_setting: KEY`` / ``*_setting: KEY`` references in raw YAML data."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and (key == "setting" or str(key).endswith("_setting")):
                found.setdefault(value, what)
            else:
                _setting_refs(value, found, what)
    elif isinstance(data, list):
        for item in data:
            _setting_refs(item, found, what)


def reading_uses(structure: Structure) -> dict[str, str]:
    """What reads each of the structure's readings (``settings``): a short Norwegian description, or ``""`` when
    nothing does (flipping it changes nothing).

    A reading is read when the code reads it by name (:data:`CODE_READINGS`), when the structure file refers to
    it (``{setting: KEY}`` in a body, seat, rule or rotation; ``alternate_setting``), or when one of its processes
    does (``by: {setting: KEY}``, ``on_rejection: {setting: KEY}``, or the process's own ``settings``).
    """
    from samhandling.formats.yamlio import read_yaml
    from samhandling.process.loader import process_refs

    found: dict[str, str] = {}
    for key in structure.settings:
        if key in CODE_READINGS:
            found[key] = CODE_READINGS[key]
    for section, raw in structure.extensions.items():
        _setting_refs(raw, found, f"seksjonen «{section}»")
    for key, what in structure.setting_refs.items():
        found.setdefault(key, what)
    try:
        refs = process_refs(structure)
    except LoadError:
        refs = {}
    for name, path in refs.items():
        try:
            data = read_yaml(path, path.name)
        except LoadError:
            continue
        _setting_refs(data, found, f"prosessen «{name}»")
        if isinstance(data, dict) and isinstance(data.get("settings"), dict):
            for key in data["settings"]:
                found.setdefault(str(key), f"prosessen «{name}»")
    return {key: found.get(key, "") for key in structure.settings}


def reading_findings(structure: Structure) -> list[Finding]:
    """An ``unused-reading`` warning for each reading nothing reads: it documents a choice but changes nothing."""
    return [
        Finding(
            code="unused-reading",
            severity=Severity.WARNING,
            message=f"lesningen «{key}» leses ikke av noe: å snu den endrer ingenting; vis til den der den gjelder "
            "({setting: " + key + "} i et organ, et sete, en regel eller en rullering) eller flytt den til «notes»",
            location=structure.settings[key].location,
        )
        for key, use in reading_uses(structure).items()
        if not use
    ]


def plan_meeting(record: MeetingRecord) -> Meeting:
    """A store's meeting record as the meeting rules read a meeting: its body and date, who attended (members
    present, deputies standing in; not recorded before the meeting is opened), who convened and wrote the minutes."""
    from samhandling.meetings.model import MeetingKind, Presence
    from samhandling.time.meeting_plan import MEETING_TYPE_LABEL, Meeting, MeetingType

    recorded = bool(record.attendance)
    # Its types, as the meeting rules count them: extraordinary from the record's kind, and the free-text type when
    # it names one («langt», «politisk», or the English value); nothing else (an ordinary meeting then).
    types: list[MeetingType] = []
    if record.kind is MeetingKind.EXTRAORDINARY:
        types.append(MeetingType.EXTRAORDINARY)
    words = set(record.type.lower().replace(",", " ").split())
    types += [t for t in MeetingType if (t.value in words or MEETING_TYPE_LABEL[t] in words) and t not in types]
    return Meeting(
        body=record.body,
        date=record.date,
        title=record.title or None,
        types=tuple(types),
        minute_taker=record.minute_taker,
        convened_by=record.convened_by,
        present=tuple(a.party for a in record.attendance if a.presence is Presence.MEMBER) if recorded else None,
        deputies=tuple(
            (a.person or "", a.for_party or a.party) for a in record.attendance if a.presence is Presence.DEPUTY
        ),
    )


def check_loaded(
    structure: Structure, on: dt.date | None = None, records: Iterable[MeetingRecord] = ()
) -> list[Finding]:
    """Every finding of a loaded structure: its rules and built-in checks, processes, rotations and meetings (the
    file's, and ``records``: meeting records of a store, of this structure)."""
    from samhandling.time.lifetime import lifetime_findings
    from samhandling.time.meeting_plan import meeting_findings
    from samhandling.time.meetings import recorded_meetings
    from samhandling.time.rotation import rotation_findings

    found: list[Finding] = []
    found.extend(meeting_findings(structure))
    found.extend(rotation_findings(structure))
    found.extend(lifetime_findings(structure))
    with recorded_meetings(structure, [plan_meeting(r) for r in records]):
        found.extend(structure.validate(on=on))
    found.extend(process_findings(structure))
    found.extend(reading_findings(structure))
    # A broken meeting is reported where it is; the structure's own check names only the first one again.
    unique = list(dict.fromkeys(found))
    located = {(f.code, f.message) for f in unique if f.location is not None and f.location.line}
    unique = [f for f in unique if f.location is None or f.location.line or (f.code, f.message) not in located]
    return sorted(
        unique,
        key=lambda f: (
            _ORDER[f.severity],
            str(f.location.file) if f.location else "",
            f.location.line or 0 if f.location else 0,
        ),
    )


def records_of(structure: Structure, records: Iterable[MeetingRecord], opened: dict[str, str]) -> list[MeetingRecord]:
    """The meeting records made under ``structure`` (compared by the id of the structure each was created under;
    ``opened`` caches that id per name, and a record whose structure cannot be opened any more is left out)."""
    from samhandling.structure.loader import load

    out = []
    for record in records:
        if record.structure not in opened:
            try:
                opened[record.structure] = load(record.structure).id
            except (LoadError, NotFoundError):
                opened[record.structure] = ""
        if opened[record.structure] == structure.id:
            out.append(record)
    return out


def check_structure(
    name_or_path: str | Path, on: dt.date | None = None, records: Iterable[MeetingRecord] = ()
) -> FileCheck:
    """Load a structure (a bundled name or a path) and check everything it names; never raises on bad input.
    ``records``: meeting records of a store (any structure's: those made under this one are judged too).

    A file that cannot be read (missing, not YAML, not a structure) gives one finding and ``readable=False``.
    """
    from samhandling.structure.loader import load

    name = str(name_or_path)
    try:
        structure = load(name_or_path)
    except (LoadError, NotFoundError) as exc:
        return FileCheck(
            name=name, filename=name, structure=None, findings=(error_finding(exc, Location(name)),), readable=False
        )
    mine = records_of(structure, records, {}) if records else []
    return FileCheck(
        name=name,
        filename=structure.filename,
        structure=structure.id,
        findings=tuple(check_loaded(structure, on, mine)),
    )
