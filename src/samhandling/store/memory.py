"""An in-memory event store: the fake for unit tests (same behaviour as the SQL stores, no durability).

Thread-safe: every read and write holds one lock, so threads see the same conflicts a database gives.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator, Sequence

import attrs

from samhandling.store.base import (
    DEADLINE_CANCELLED,
    DEADLINE_FIRED,
    DEADLINE_OPEN,
    CaseHeader,
    CaseSummary,
    Conflicts,
    Deadline,
    Definition,
    EventLike,
    EventStore,
    Firing,
    Row,
    StoredEvent,
    case_not_found,
    chain_rows,
    check_arms,
    definition_not_found,
    firing_event,
    firing_order,
    no_events,
    text_hash,
)


class MemoryStore(EventStore):
    """Cases, events and definitions in dicts, guarded by a lock."""

    def __init__(self) -> None:
        self.url = "memory://"
        self._lock = threading.RLock()
        self._headers: dict[str, CaseHeader] = {}
        self._rows: dict[str, list[Row]] = {}
        self._definitions: dict[str, Definition] = {}
        self._deadlines: dict[tuple[str, str, int], Deadline] = {}

    def create_case(
        self,
        header: CaseHeader,
        events: Sequence[EventLike],
        definitions: Sequence[Definition] = (),
        arm: Sequence[Deadline] = (),
    ) -> list[StoredEvent]:
        if not events:
            raise no_events(header.case_id)
        with self._lock:
            if header.case_id in self._headers:
                raise Conflicts.exists(header.case_id)
            rows = chain_rows(header.case_id, events, 1, header.genesis_hash())
            check_arms(header.case_id, arm, 1, len(rows))
            self._arm(arm)
            self._headers[header.case_id] = attrs.evolve(header, head_seq=len(rows), head_hash=rows[-1].hash)
            self._rows[header.case_id] = rows
            for d in definitions:
                self._definitions.setdefault(d.hash, d)
        return [r.as_event() for r in rows]

    def append(
        self,
        case_id: str,
        events: Sequence[EventLike],
        expected_seq: int,
        *,
        arm: Sequence[Deadline] = (),
        cancel: bool = False,
    ) -> list[StoredEvent]:
        with self._lock:
            header = self._headers.get(case_id)
            if header is None:
                raise case_not_found(case_id)
            if header.head_seq != expected_seq - 1:
                raise Conflicts.head(case_id, expected_seq, header.head_seq)
            rows = chain_rows(case_id, events, expected_seq, header.head_hash)
            if rows:
                check_arms(case_id, arm, expected_seq, rows[-1].seq)
                if cancel:
                    self._cancel(case_id, expected_seq, expected_seq)
                self._arm(arm)
                self._rows[case_id] = [*self._rows.get(case_id, []), *rows]
                self._headers[case_id] = attrs.evolve(header, head_seq=rows[-1].seq, head_hash=rows[-1].hash)
        return [r.as_event() for r in rows]

    # -- deadlines ------------------------------------------------------------------------------------------

    def _cancel(self, case_id: str, before_seq: int, closed_seq: int, timer: str | None = None) -> None:
        for key, d in list(self._deadlines.items()):
            if (
                d.case_id == case_id
                and d.status == DEADLINE_OPEN
                and d.armed_seq < before_seq
                and (timer is None or d.timer == timer)
            ):
                self._deadlines[key] = attrs.evolve(d, status=DEADLINE_CANCELLED, closed_seq=closed_seq)

    def _arm(self, arm: Sequence[Deadline]) -> None:
        for d in arm:
            self._cancel(d.case_id, d.armed_seq, d.armed_seq, d.timer)
            self._deadlines[d.key] = attrs.evolve(d, status=DEADLINE_OPEN, closed_seq=None)

    def deadlines(self, case_id: str | None = None, status: str | None = None) -> list[Deadline]:
        with self._lock:
            found = [
                d
                for d in self._deadlines.values()
                if (case_id is None or d.case_id == case_id) and (status is None or d.status == status)
            ]
        return sorted(found, key=lambda d: (d.fires_on, d.key))

    def due_deadlines(self, on: dt.date) -> list[Deadline]:
        day = on.isoformat()
        with self._lock:
            found = [d for d in self._deadlines.values() if d.status == DEADLINE_OPEN and d.fires_on <= day]
        return sorted(found, key=lambda d: d.key)

    def fire(self, firings: Sequence[Firing]) -> list[StoredEvent]:
        out: list[StoredEvent] = []
        with self._lock:
            for f in sorted(firings, key=firing_order):
                d = self._deadlines.get(f.deadline.key)
                header = self._headers.get(f.deadline.case_id)
                if d is None or d.status != DEADLINE_OPEN or d.fires_on != f.deadline.fires_on or header is None:
                    continue  # fired (or moved on to its next period), or cancelled
                seq = header.head_seq + 1
                rows = chain_rows(d.case_id, [firing_event(attrs.evolve(f, deadline=d), seq)], seq, header.head_hash)
                self._rows[d.case_id] = [*self._rows.get(d.case_id, []), *rows]
                self._headers[d.case_id] = attrs.evolve(header, head_seq=seq, head_hash=rows[-1].hash)
                if f.again is not None:
                    self._deadlines[d.key] = attrs.evolve(d, due=f.again[0], fires_on=f.again[1])
                else:
                    self._deadlines[d.key] = attrs.evolve(d, status=DEADLINE_FIRED, closed_seq=seq)
                if f.to_state is not None and f.to_state != d.state:
                    self._cancel(d.case_id, seq, seq)
                self._arm([attrs.evolve(a, armed_seq=seq) for a in f.arm])
                out.append(rows[0].as_event())
        return out

    def header(self, case_id: str) -> CaseHeader:
        with self._lock:
            try:
                return self._headers[case_id]
            except KeyError:
                raise case_not_found(case_id) from None

    def rows(self, case_id: str) -> list[Row]:
        with self._lock:
            if case_id not in self._headers:
                raise case_not_found(case_id)
            return list(self._rows.get(case_id, []))

    def case_rows(self, case_id: str) -> tuple[CaseHeader, list[Row]]:
        with self._lock:
            return self.header(case_id), self.rows(case_id)

    def headers(self) -> list[CaseHeader]:
        with self._lock:
            return sorted(self._headers.values(), key=lambda h: (h.created, h.case_id))

    def summaries(self) -> list[CaseSummary]:
        with self._lock:
            out = []
            for h in self.headers():
                rows = self._rows.get(h.case_id, [])
                last = rows[h.head_seq - 1] if 0 < h.head_seq <= len(rows) else None
                out.append(CaseSummary(h, last.to_state if last is not None else None))
            return out

    def definition(self, digest: str) -> Definition:
        with self._lock:
            try:
                return self._definitions[digest]
            except KeyError:
                raise definition_not_found(digest) from None

    def definition_status(self, digests: Iterable[str] | None = None) -> dict[str, bool]:
        with self._lock:
            keys = list(self._definitions) if digests is None else [d for d in digests if d in self._definitions]
            return {k: text_hash(self._definitions[k].text) == k for k in keys}

    def iter_all_rows(self) -> Iterator[tuple[CaseHeader, list[Row]]]:
        with self._lock:
            snapshot = [(h, list(self._rows.get(h.case_id, []))) for h in self.headers()]
        yield from snapshot

    def verify_stream(self) -> Iterator[tuple[str, CaseHeader | None, list[Row]]]:
        with self._lock:
            ids = sorted(set(self._headers) | set(self._rows))
            snapshot = [(cid, self._headers.get(cid), list(self._rows.get(cid, []))) for cid in ids]
        yield from snapshot

    # -- test hooks: what a tamperer with write access to the storage could do ------------------------------

    def _replace_row(self, case_id: str, seq: int, **changes: object) -> None:
        rows = self._rows[case_id]
        rows[seq - 1] = rows[seq - 1]._replace(**changes)  # type: ignore[arg-type]

    def _replace_header(self, case_id: str, **changes: object) -> None:
        self._headers[case_id] = attrs.evolve(self._headers[case_id], **changes)  # type: ignore[arg-type]

    def _drop_header(self, case_id: str) -> None:
        del self._headers[case_id]

    def _drop_rows(self, case_id: str) -> None:
        self._rows[case_id] = []

    def _replace_definition(self, digest: str, text: str) -> None:
        old = self._definitions[digest]
        forged = object.__new__(Definition)  # bypasses the hash check, as a tamperer would
        for field in attrs.fields(Definition):
            object.__setattr__(forged, field.name, text if field.name == "text" else getattr(old, field.name))
        self._definitions[digest] = forged
