"""An in-memory event store: the fake for unit tests (same behaviour as the SQL stores, no durability)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence

import attrs

from samhandling.store.base import (
    CaseHeader,
    Conflicts,
    EventLike,
    EventStore,
    Row,
    StoredEvent,
    case_not_found,
    chain_rows,
)


class MemoryStore(EventStore):
    """Cases and events in dicts, guarded by a lock so threads see the same conflicts a database gives."""

    def __init__(self) -> None:
        self.url = "memory://"
        self._lock = threading.Lock()
        self._headers: dict[str, CaseHeader] = {}
        self._rows: dict[str, list[Row]] = {}

    def create_case(self, header: CaseHeader, events: Sequence[EventLike]) -> list[StoredEvent]:
        with self._lock:
            if header.case_id in self._headers:
                raise Conflicts.exists(header.case_id)
            rows = chain_rows(header.case_id, events, 1, header.genesis_hash())
            head = rows[-1].hash if rows else header.genesis_hash()
            self._headers[header.case_id] = attrs.evolve(header, head_seq=len(rows), head_hash=head)
            self._rows[header.case_id] = rows
        return [r.as_event() for r in rows]

    def append(self, case_id: str, events: Sequence[EventLike], expected_seq: int) -> list[StoredEvent]:
        with self._lock:
            header = self._headers.get(case_id)
            if header is None:
                raise case_not_found(case_id)
            if header.head_seq != expected_seq - 1:
                raise Conflicts.head(case_id, expected_seq, header.head_seq)
            rows = chain_rows(case_id, events, expected_seq, header.head_hash)
            if rows:
                self._rows[case_id] = [*self._rows[case_id], *rows]
                self._headers[case_id] = attrs.evolve(header, head_seq=rows[-1].seq, head_hash=rows[-1].hash)
        return [r.as_event() for r in rows]

    def header(self, case_id: str) -> CaseHeader:
        try:
            return self._headers[case_id]
        except KeyError:
            raise case_not_found(case_id) from None

    def rows(self, case_id: str) -> list[Row]:
        if case_id not in self._headers:
            raise case_not_found(case_id)
        return list(self._rows[case_id])

    def case_rows(self, case_id: str) -> tuple[CaseHeader, list[Row]]:
        with self._lock:
            return self.header(case_id), self.rows(case_id)

    def headers(self) -> list[CaseHeader]:
        return sorted(self._headers.values(), key=lambda h: (h.created, h.case_id))

    def iter_all_rows(self) -> Iterator[tuple[CaseHeader, list[Row]]]:
        with self._lock:
            snapshot = [(h, list(self._rows[h.case_id])) for h in self.headers()]
        yield from snapshot

    # -- test hook: what a tamperer with write access to the storage could do ------------------------------

    def _replace_row(self, case_id: str, seq: int, **changes: object) -> None:
        rows = self._rows[case_id]
        rows[seq - 1] = rows[seq - 1]._replace(**changes)  # type: ignore[arg-type]
