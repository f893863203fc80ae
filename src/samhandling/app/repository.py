"""The case repository: the engine's cases, kept in an :class:`~samhandling.store.base.EventStore`.

``create`` opens a case with the engine and records its first event together with the structure and process
texts it was created under; ``load`` replays a case from its stored events with *those* texts (never the files
on disk, which may have moved, changed, or live on another machine); ``act`` loads, lets the engine decide (a
refused act raises and writes nothing), then appends only the new events, expecting the next ``seq``: if
someone else wrote in between, :class:`ConflictError`.

Files read (all through :func:`read_definition_text`: regular files only, at most
:data:`~samhandling.store.base.MAX_DEFINITION_BYTES`):

* on ``create``: the structure (a bundled name or the path given) and the process files it names;
* on :meth:`CaseRepository.drift` only: the bundled file of that name, or the file the case was created from, to
  say whether it has changed since. Loading a case reads no file.
"""

from __future__ import annotations

import datetime as dt
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from samhandling.errors import LoadError, NotFoundError, ProcessDefinitionError, SamhandlingError, StoreError
from samhandling.store.base import (
    MAX_DEFINITION_BYTES,
    CaseHeader,
    CaseSummary,
    Deadline,
    Definition,
    EventStore,
    Firing,
    StoredEvent,
    case_not_found,
    text_hash,
    utc_now,
)

if TYPE_CHECKING:
    from samhandling.process.case import Case
    from samhandling.process.engine import ProcessDefinition
    from samhandling.structure.graph import Structure


def read_definition_text(path: str | Path, what: str = "definisjonsfilen") -> str:
    """A definition file's text: a regular file of at most 5 MB in UTF-8 (refused quickly otherwise).

    A directory, a device (``/dev/zero``), a FIFO or a larger file is refused from its ``stat`` before anything
    is read; the read itself stops one byte past the limit, so a file growing meanwhile cannot exceed it.
    """
    from samhandling.location import Location

    p = Path(path)
    where = Location(str(p))
    limit_mb = MAX_DEFINITION_BYTES // (1024 * 1024)
    try:
        info = p.stat()
    except FileNotFoundError:
        raise LoadError(f"fant ikke {what} {p}", code="file-not-found", location=where) from None
    except OSError as exc:
        raise LoadError(f"kan ikke lese {what} {p}: {exc.strerror}", code="file-unreadable", location=where) from None
    if not stat.S_ISREG(info.st_mode):
        kind = "en mappe" if stat.S_ISDIR(info.st_mode) else "ikke en vanlig fil (en enhet, en FIFO eller lignende)"
        raise LoadError(f"{what} {p} er {kind}; forventet en YAML-fil", code="not-a-file", location=where)
    too_big = LoadError(
        f"{what} {p} er større enn {limit_mb} MB, den største tillatte definisjonen",
        code="file-too-large",
        location=where,
    )
    if info.st_size > MAX_DEFINITION_BYTES:
        raise too_big
    try:
        with p.open("rb") as fh:
            raw = fh.read(MAX_DEFINITION_BYTES + 1)
    except OSError as exc:
        raise LoadError(f"kan ikke lese {what} {p}: {exc.strerror}", code="file-unreadable", location=where) from None
    if len(raw) > MAX_DEFINITION_BYTES:
        raise too_big
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"{what} {p} er ikke gyldig UTF-8 (byte {exc.start})", code="encoding", location=where
        ) from None


def build_process(text: str, structure: Structure, filename: str) -> ProcessDefinition:
    """A validated process definition from its YAML text, bound to ``structure``.

    The text counterpart of ``process_loader.load_definition`` (which reads a path); kept here until the loader
    offers one.
    """
    from samhandling.formats.yamlio import parse_yaml
    from samhandling.process.loader import build_definition
    from samhandling.process.validation import validate_definition
    from samhandling.structure.model import Severity

    definition = build_definition(parse_yaml(text, filename), structure, filename)
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


def build_structure_text(text: str, filename: str, path: Path | None = None) -> Structure:
    """A structure from its YAML text (``path``: where relative process files are looked up, if anywhere)."""
    from samhandling.formats.yamlio import parse_yaml
    from samhandling.structure.loader import build_structure

    return build_structure(parse_yaml(text, filename), filename=filename, path=path)


def new_case_id(process: str) -> str:
    """A fresh case id that stays unique across processes and machines: ``<process>-<8 hex digits>``."""
    import secrets

    return f"{process}-{secrets.token_hex(4)}"


@attrs.frozen
class DefinitionDrift:
    """A definition file that is no longer the text a case was created under (the case keeps the stored one)."""

    kind: str  # "structure" or "process"
    name: str
    path: str
    stored_hash: str
    current_hash: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class _Sources:
    structure: Structure
    definition: ProcessDefinition
    header_fields: dict[str, str]
    texts: tuple[Definition, Definition]


#: Definitions built from stored texts, shared by the repositories of this process: (structure hash, process hash,
#: structure file, process file) -> the definition (a definition is immutable once built). Cleared when full.
_BUILT: dict[tuple[str, str, str, str], ProcessDefinition] = {}
_BUILT_LIMIT = 64
#: The same definitions by (structure hash, process hash) alone, when one pair of names built them (None: more than
#: one did, so the names must be read from the case's header). A tick groups its due deadlines by these hashes and
#: takes the definition from here without reading a header per group.
_BUILT_BY_HASH: dict[tuple[str, str], ProcessDefinition | None] = {}


class CaseRepository:
    """Cases as event streams in a store; definitions built once per distinct text (and names) per process."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self._structures: dict[str, Structure] = {}
        self._by_hash: dict[str, Structure] = {}
        self._definitions: dict[tuple[str, str], ProcessDefinition] = {}
        self._from_files: dict[tuple[str, str], Structure] = {}

    # -- definitions ----------------------------------------------------------------------------------------

    def structure(self, key: str) -> Structure:
        """A structure by bundled name or path, from disk (for new cases; stored cases use :meth:`definition_for`)."""
        s = self._structures.get(key)
        if s is None:
            from samhandling.structure.loader import load

            s = self._structures[key] = load(key)
        return s

    def definition(self, structure: str, process: str | None) -> ProcessDefinition:
        """A process of a structure by name, from disk. For a stored case use :meth:`definition_for`."""
        from samhandling.process.loader import get_process

        return get_process(self.structure(structure), process)

    def definition_for(self, case: str | CaseHeader) -> ProcessDefinition:
        """The process definition a stored case was created under, built from the texts the store keeps."""
        header = case if isinstance(case, CaseHeader) else self.store.header(case)
        if not header.structure_hash or not header.process_hash:
            return self.definition(header.structure, header.process)  # a header written without definitions
        key = (header.structure_hash, header.process_hash)
        found = self._definitions.get(key)
        if found is None:
            filename = header.process_file or f"{header.process}.yaml"
            # The same texts under the same names build the same definition: one per process, shared by every
            # repository (a service that ticks every minute compiles each Machine once, as the engine's design wants).
            shared = (*key, header.structure_file or header.structure, filename)
            found = _BUILT.get(shared)
            if found is None:
                structure = self._stored_structure(header)
                text = self.store.definition(header.process_hash).text
                try:
                    found = build_process(text, structure, filename)
                except SamhandlingError as exc:
                    raise self._unreadable(header, "prosessen", exc) from exc
                if len(_BUILT) >= _BUILT_LIMIT:
                    _BUILT.clear()
                    _BUILT_BY_HASH.clear()
                _BUILT[shared] = found
                _BUILT_BY_HASH[key] = found if _BUILT_BY_HASH.get(key, found) is found else None
            self._definitions[key] = found
        return found

    def _definition_by_hash(self, key: tuple[str, str]) -> ProcessDefinition | None:
        """The definition of the texts ``key`` (structure hash, process hash) when it is already built and the
        hashes alone name it (see ``_BUILT_BY_HASH``); None: read the case's header (:meth:`definition_for`)."""
        found = self._definitions.get(key)
        if found is None and (found := _BUILT_BY_HASH.get(key)) is not None:
            self._definitions[key] = found
        return found

    def _stored_structure(self, header: CaseHeader) -> Structure:
        found = self._by_hash.get(header.structure_hash)
        if found is None:
            text = self.store.definition(header.structure_hash).text
            filename = header.structure_file or f"{header.structure}.yaml"
            try:
                found = build_structure_text(text, filename)
            except SamhandlingError as exc:
                raise self._unreadable(header, "strukturen", exc) from exc
            self._by_hash[header.structure_hash] = found
        return found

    @staticmethod
    def _unreadable(header: CaseHeader, what: str, exc: SamhandlingError) -> StoreError:
        return StoreError(
            f"sak «{header.case_id}»: {what} saken ble opprettet med (lagret i hendelseslageret) kan "
            f"ikke leses av denne versjonen av samhandling: {exc}",
            code="store-definition",
            details={"case": header.case_id, "cause": exc.code},
        )

    def _sources(self, structure: str | Path, process: str | None) -> _Sources:
        from samhandling.formats.names import name_key
        from samhandling.process.engine import PROCESS_DIR
        from samhandling.process.loader import process_refs
        from samhandling.structure.loader import BUNDLED_DIR, resolve_source

        path = resolve_source(structure)
        bundled = path.parent == BUNDLED_DIR
        s_file = "" if bundled else str(path.expanduser().resolve())
        s_display = f"{path.stem}.yaml" if bundled else str(path)
        s_text = read_definition_text(path, "strukturfilen")
        s_hash = text_hash(s_text)
        built = self._from_files.get((s_hash, s_file or s_display))
        if built is None:  # parsed once per distinct text and place (relative process files depend on the place)
            built = self._from_files[(s_hash, s_file or s_display)] = build_structure_text(s_text, s_display, path)
        refs = process_refs(built)
        if not refs:
            raise NotFoundError(f"strukturen {built.id} har ingen prosesser", code="unknown-process")
        name = process if process is not None else next(iter(refs))
        key = name if name in refs else next((k for k in refs if name_key(k) == name_key(name)), None)
        if key is None:
            raise NotFoundError(
                f"strukturen {built.id} har ingen prosess «{name}»; kjente: {', '.join(refs)}", code="unknown-process"
            )
        p_path = refs[key]
        p_bundled = p_path.parent == PROCESS_DIR
        p_display = p_path.name if p_bundled else str(p_path)
        p_text = read_definition_text(p_path, "prosessfilen")
        p_hash = text_hash(p_text)
        definition = self._definitions.get((s_hash, p_hash))
        if definition is None or definition.structure is not built:
            definition = build_process(p_text, built, p_display)
            self._definitions[(s_hash, p_hash)] = definition
        s_name = path.stem if bundled else built.id
        texts = (
            Definition("structure", s_name, "", s_text, s_hash),
            Definition("process", definition.name, str(definition.version), p_text, p_hash),
        )
        fields = {
            "structure": s_name,
            "structure_hash": texts[0].hash,
            "structure_file": s_file,
            "process_hash": texts[1].hash,
            "process_file": "" if p_bundled else str(p_path.expanduser().resolve()),
        }
        return _Sources(built, definition, fields, texts)

    # -- the three verbs ------------------------------------------------------------------------------------

    def create(
        self,
        structure: str | Path,
        process: str | None,
        title: str,
        on: dt.date | None = None,
        *,
        case_id: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        **data: Any,
    ) -> Case:
        """Open a new case of ``process`` in ``structure`` and record its first event(s) and definitions.
        ``attributes`` (``{"region": "nedre"}``) are what the case is about, for routing; kept in the open event."""
        src = self._sources(structure, process)
        definition = src.definition
        case_id = case_id or new_case_id(definition.name)
        case = definition.new_case(title=title, case_id=case_id, on=on, attributes=attributes, **data)
        f = src.header_fields
        header = CaseHeader(
            case_id=case.id,
            structure=f["structure"],
            process=definition.name,
            version=str(definition.version),
            title=case.title,
            created=utc_now(),
            structure_hash=f["structure_hash"],
            process_hash=f["process_hash"],
            structure_file=f["structure_file"],
            process_file=f["process_file"],
        )
        arm, _cancel = self.arming(definition, case, case.history)
        self.store.create_case(header, case.history, src.texts, arm)
        self._by_hash.setdefault(f["structure_hash"], src.structure)
        return case

    def load(self, case_id: str) -> Case:
        """Rebuild a case from its stored events, under the definitions it was created with."""
        header, rows = self.store.case_rows(case_id)
        definition = self.definition_for(header)
        return self._replay(definition, header, [r.as_event() for r in rows])

    def act(
        self,
        case_id: str,
        act: str,
        *,
        by: str,
        on: dt.date | None = None,
        person: str | None = None,
        **payload: Any,
    ) -> Case:
        """Perform ``act`` on the stored case and append what it produced; returns the updated case."""
        from samhandling.process.timers import TIMER

        if act == TIMER:  # a stored deadline fires through tick, which marks it fired in the same transaction
            from samhandling.errors import ActRefusedError

            raise ActRefusedError(
                "handlingen «timer» føres bare av «samhandling tick» når en lagret tidsfrist utløper",
                code="timer-refused",
            )
        case = self.load(case_id)
        before = len(case.history)
        case.act(act, by=by, on=on, person=person, **payload)  # a refusal raises here: nothing written
        new = case.history[before:]
        arm, cancel = self.arming(case.definition, case, new)
        self.store.append(case_id, new, expected_seq=before + 1, arm=arm, cancel=cancel)
        return case

    @staticmethod
    def arming(definition: ProcessDefinition, case: Case, new: Any) -> tuple[list[Deadline], bool]:
        """The deadlines ``new`` events arm, and whether they cancel the case's open ones (stored together)."""
        from samhandling.time.timers import arm

        return arm(definition, case.id, new, case.history[0].on, getattr(case, "attributes", None))

    # -- deadlines ------------------------------------------------------------------------------------------

    def deadlines(self, case_id: str | None = None, status: str | None = None) -> list[Deadline]:
        """The stored deadlines (of one case; with one status: open, fired, cancelled)."""
        return self.store.deadlines(case_id, status)

    def tick(self, on: dt.date | None = None) -> list[StoredEvent]:
        """Fire every open deadline due by ``on`` (default: today by the clock): each becomes a hash-chained
        ``timer`` event, marked fired in the same transaction. Running it again adds nothing; two ticks at once
        fire each deadline once. Returns the events written.

        Reminders and escalations are planned from the process alone (no replay); an expiry, which moves the
        case, is judged by the engine on the case replayed from its events (all such cases read in one query).
        """
        from samhandling import clock

        day = on or clock.today()
        return self.store.fire_due(day, lambda groups: self.plan_firings(groups, day))

    def plan_firings(self, groups: Mapping[tuple[str, str], list[Deadline]], on: dt.date) -> list[Firing]:
        """The firings of the due deadlines ``groups`` (grouped by their cases' definition hashes, as
        :meth:`~samhandling.store.base.EventStore.due_by_definition` gives them) for a tick on ``on``: planned
        from each process; the cases an expiry would move are replayed (read in one query) for the engine."""
        from samhandling.time.timers import firings

        expiring = [d.case_id for group in groups.values() for d in group if d.kind == "expiry"]
        found = self.store.cases_rows(expiring) if expiring else {}
        out: list[Firing] = []
        for key, group in groups.items():
            definition = self._definition_by_hash(key) if all(key) else None
            if definition is None:
                definition = self.definition_for(self.store.header(group[0].case_id))  # the same for the group
            cases: dict[str, Case] = {}
            for d in group:
                if d.kind == "expiry" and d.case_id in found and d.case_id not in cases:
                    header, rows = found[d.case_id]
                    cases[d.case_id] = self._replay(definition, header, [r.as_event() for r in rows])
            out.extend(firings(definition, group, on, cases))
        return out

    # -- reading --------------------------------------------------------------------------------------------

    def header(self, case_id: str) -> CaseHeader:
        return self.store.header(case_id)

    def history(self, case_id: str) -> list[StoredEvent]:
        return self.store.events(case_id)

    def headers(self) -> list[CaseHeader]:
        return self.store.headers()

    def summaries(self) -> list[CaseSummary]:
        """Every case with its current state, in a constant number of queries (for ``case list``)."""
        return self.store.summaries()

    def closed_histories(self, definition: ProcessDefinition) -> list[list[StoredEvent]]:
        """The events of every stored case of ``definition``'s process (any version) that has reached one of its
        final states, oldest case first: what a forecast fits preparation times from (two queries per 900)."""
        final = set(definition.final_states)
        ids = [s.case_id for s in self.store.summaries() if s.header.process == definition.name and s.state in final]
        found = self.store.cases_rows(ids)
        return [[r.as_event() for r in found[cid][1]] for cid in ids if cid in found]

    def state_label(self, summary: CaseSummary) -> str:
        """The state's label in the definition the case was created under (the raw name if it cannot be read)."""
        if summary.state is None:
            return ""
        try:
            return str(self.definition_for(summary.header).state_label(summary.state))
        except SamhandlingError:
            return summary.state

    def drift(self, case_id: str) -> list[DefinitionDrift]:
        """Definition files that differ from the texts the case was created under (the case uses the stored ones).

        Reads only the bundled file of that name, or the file the case was created from, each bounded; a file
        that is not there (another machine, a moved folder) is no drift: the stored text is used either way.
        """
        from samhandling.process.engine import PROCESS_DIR
        from samhandling.structure.loader import BUNDLED_DIR

        h = self.store.header(case_id)
        out: list[DefinitionDrift] = []
        for kind, label, name, file, digest, folder in (
            ("structure", "strukturfilen", h.structure, h.structure_file, h.structure_hash, BUNDLED_DIR),
            ("process", "prosessfilen", h.process, h.process_file, h.process_hash, PROCESS_DIR),
        ):
            if not digest:
                continue
            path = Path(file) if file else folder / f"{name}.yaml"
            try:
                current = text_hash(read_definition_text(path, label))
            except LoadError:
                continue
            if current != digest:
                where = str(path) if file else f"den innebygde {path.name}"
                out.append(
                    DefinitionDrift(
                        kind,
                        name,
                        str(path),
                        digest,
                        current,
                        f"{label} «{name}» ({where}) er endret siden saken ble opprettet; saken bruker teksten som ble "
                        f"lagret da (sha256 {digest[:12]}…), ikke filen (sha256 {current[:12]}…)",
                    )
                )
        return out

    def resolve(self, text: str) -> str:
        """A case id from an id or an unambiguous prefix of one (as users type them)."""
        try:
            return self.store.header(text).case_id
        except NotFoundError:
            pass
        matches = [h.case_id for h in self.store.headers() if h.case_id.startswith(text)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            from samhandling.errors import AmbiguousNameError

            raise AmbiguousNameError(
                f"«{text}» passer med flere saker: {', '.join(matches[:5])}; skriv mer av id-en",
                details={"matches": matches},
            )
        raise case_not_found(text)

    def _replay(self, definition: ProcessDefinition, header: CaseHeader, evs: list[StoredEvent]) -> Case:
        from samhandling.process.case import Event

        stamped = "recorded_at" in Event._fields  # the engine's field for the recording instant, when it has one
        engine_events = []
        for e in evs:
            fields = e.engine_fields()
            if stamped:
                fields["recorded_at"] = e.recorded_at
            engine_events.append(Event(**fields))
        try:
            return definition.replay(engine_events, case_id=header.case_id)
        except SamhandlingError as exc:
            raise StoreError(
                f"sak «{header.case_id}» kan ikke gjenoppbygges fra hendelsene sine med prosessen "
                f"«{header.process}» versjon {definition.version} (saken ble opprettet med versjon "
                f"{header.version}): {exc.message}",
                code="store-replay",
                details={"case": header.case_id, "cause": exc.code},
            ) from exc
