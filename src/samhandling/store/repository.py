"""The case repository: the engine's cases, kept in an :class:`~samhandling.store.base.EventStore`.

``create`` opens a case with the engine and records its first event;
``load`` replays a case from its stored events with the process definition
it was created under; ``act`` loads, lets the engine decide (a refused act
raises and writes nothing), then appends only the new events, expecting the
next ``seq``: if someone else wrote in between, :class:`ConflictError`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from samhandling.errors import SamhandlingError, StoreError
from samhandling.store.base import CaseHeader, EventStore, StoredEvent, case_not_found, utc_now

if TYPE_CHECKING:
    from samhandling.case import Case
    from samhandling.process import ProcessDefinition
    from samhandling.structure import Structure


def structure_key(name_or_path: str | Path) -> str:
    """What the store records as a case's structure: a bundled name as is, a file as an absolute path."""
    from samhandling.loader import BUNDLED_DIR, resolve_source

    path = resolve_source(name_or_path)
    if path.parent == BUNDLED_DIR:
        return path.stem
    return str(path.expanduser().resolve())


def new_case_id(process: str) -> str:
    """A fresh case id that stays unique across processes and machines: ``<process>-<8 hex digits>``."""
    import secrets

    return f"{process}-{secrets.token_hex(4)}"


class CaseRepository:
    """Cases as event streams in a store; structures and processes loaded once per repository."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self._structures: dict[str, Structure] = {}

    # -- definitions ----------------------------------------------------------------------------------------

    def structure(self, key: str) -> Structure:
        s = self._structures.get(key)
        if s is None:
            from samhandling.loader import load

            s = self._structures[key] = load(key)
        return s

    def definition(self, structure: str, process: str | None) -> ProcessDefinition:
        return self.structure(structure).process(process)

    # -- the three verbs ------------------------------------------------------------------------------------

    def create(
        self, structure: str | Path, process: str | None, title: str, on: dt.date | None = None, *,
        case_id: str | None = None, **data: Any,
    ) -> Case:
        """Open a new case of ``process`` in ``structure`` and record its first event(s)."""
        key = structure_key(structure)
        definition = self.definition(key, process)
        case_id = case_id or new_case_id(definition.name)
        case = definition.new_case(title=title, case_id=case_id, on=on, **data)
        header = CaseHeader(case_id=case.id, structure=key, process=definition.name, version=str(definition.version),
                            title=case.title, created=utc_now())
        self.store.create_case(header, case.history)
        return case

    def load(self, case_id: str) -> Case:
        """Rebuild a case from its stored events."""
        header = self.store.header(case_id)
        definition = self.definition(header.structure, header.process)
        evs = self.store.events(case_id)
        return self._replay(definition, header, evs)

    def act(
        self, case_id: str, act: str, *, by: str, on: dt.date | None = None, person: str | None = None,
        **payload: Any,
    ) -> Case:
        """Perform ``act`` on the stored case and append what it produced; returns the updated case."""
        case = self.load(case_id)
        before = len(case.history)
        case.act(act, by=by, on=on, person=person, **payload)  # a refusal raises here: nothing written
        new = case.history[before:]
        self.store.append(case_id, new, expected_seq=before + 1)
        return case

    # -- reading --------------------------------------------------------------------------------------------

    def header(self, case_id: str) -> CaseHeader:
        return self.store.header(case_id)

    def history(self, case_id: str) -> list[StoredEvent]:
        return self.store.events(case_id)

    def headers(self) -> list[CaseHeader]:
        return self.store.headers()

    def resolve(self, text: str) -> str:
        """A case id from an id or an unambiguous prefix of one (as users type them)."""
        try:
            return self.store.header(text).case_id
        except SamhandlingError:
            pass
        matches = [h.case_id for h in self.store.headers() if h.case_id.startswith(text)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            from samhandling.errors import AmbiguousNameError

            raise AmbiguousNameError(f"«{text}» passer med flere saker: {', '.join(matches[:5])}; skriv mer av id-en",
                                     details={"matches": matches})
        raise case_not_found(text)

    def _replay(self, definition: ProcessDefinition, header: CaseHeader, evs: list[StoredEvent]) -> Case:
        from samhandling.case import Event

        engine_events = [Event(**e.engine_fields()) for e in evs]
        try:
            return definition.replay(engine_events, case_id=header.case_id)
        except SamhandlingError as exc:
            raise StoreError(
                f"sak «{header.case_id}» kan ikke gjenoppbygges fra hendelsene sine med prosessen "
                f"«{header.process}» versjon {definition.version} (saken ble opprettet med versjon "
                f"{header.version}): {exc.message}",
                code="store-replay", details={"case": header.case_id, "cause": exc.code},
            ) from exc
