"""The event store port: records, canonical hashing, the recorder interface.

One interface (:class:`EventStore`), interchangeable infrastructure behind it
(:mod:`samhandling.store.memory`, :mod:`samhandling.store.sql`), in the style of
pyeventsourcing's recorders:

* events are append-only and keyed by ``(case_id, seq)``; an append states the
  ``seq`` it expects to write next, and a writer that lost the race gets
  :class:`~samhandling.errors.ConflictError`; nothing is overwritten;
* every event carries ``hash = sha256(canonical content + prev_hash)``; the
  first event's ``prev_hash`` is the hash of the case header, so the header
  (structure, process, version, creation time) is covered too;
* :meth:`EventStore.verify` walks the chains and reports the first event of a
  case that does not match.

This module imports nothing heavy; the SQL adapter loads SQLAlchemy itself.
"""

from __future__ import annotations

import abc
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

import attrs

from samhandling.errors import ConflictError, IntegrityError, NotFoundError, StoreError

GENESIS = "0" * 64


class EventLike(Protocol):
    """What the store needs from an engine event (``samhandling.case.Event`` fits)."""

    @property
    def seq(self) -> int: ...
    @property
    def act(self) -> str: ...
    @property
    def body(self) -> str | None: ...
    @property
    def person(self) -> str | None: ...
    @property
    def on(self) -> dt.date: ...
    @property
    def payload(self) -> Mapping[str, Any]: ...
    @property
    def from_state(self) -> str | None: ...
    @property
    def to_state(self) -> str: ...


def utc_now() -> str:
    """The recording time as an ISO 8601 UTC string (stored as text, hashed as text)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def canonical_json(data: Any) -> str:
    """Sorted-key compact JSON; dates become ISO strings. The input of every hash.

    Same text as ``json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``, through a C
    encoder built once (``json.dumps`` builds a new one on every call, which dominates small payloads).
    """
    if isinstance(data, str):
        return str(_quote(data))
    return "".join(_C_ENCODE(data, 0))


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} kan ikke lagres som JSON")


_quote: Any = json.encoder.encode_basestring  # type: ignore[attr-defined]  # the C escaper json.dumps uses


def _make_encoder() -> Any:
    c_make = getattr(json.encoder, "c_make_encoder", None)
    if c_make is not None:
        return c_make({}, _json_default, _quote, None, ":", ",", True, False, True)
    enc = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)
    return lambda o, _level: enc.iterencode(o)


_C_ENCODE = _make_encoder()


def _q(value: str | None) -> str:
    return "null" if value is None else str(_quote(value))


def payload_text(payload: Mapping[str, Any]) -> str:
    """A payload as the canonical JSON text the store keeps (refuses what JSON cannot hold)."""
    try:
        return "".join(_C_ENCODE(payload if type(payload) is dict else dict(payload), 0))
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"hendelsens data kan ikke lagres: {exc}; forventet tekst, tall, sannhetsverdier, lister eller objekter",
            code="store-payload",
        ) from exc


@attrs.frozen
class CaseHeader:
    """One row of the ``cases`` table: what a case was created from."""

    case_id: str
    structure: str
    process: str
    version: str
    title: str
    created: str  # ISO 8601 UTC, see utc_now()
    head_seq: int = 0
    head_hash: str = GENESIS

    def genesis_hash(self) -> str:
        """The ``prev_hash`` of event 1: covers the header fields that must never change."""
        content = {
            "case_id": self.case_id,
            "structure": self.structure,
            "process": self.process,
            "version": self.version,
            "created": self.created,
        }
        return hashlib.sha256(canonical_json(content).encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


class StoredEvent(NamedTuple):
    """An event as the store keeps it: the engine's fields plus the audit fields.

    Immutable; a named tuple rather than an attrs class because replay builds one per stored event.
    """

    case_id: str
    seq: int
    act: str
    body: str | None
    person: str | None
    on: dt.date
    payload: dict[str, Any]
    from_state: str | None
    to_state: str
    recorded_at: str
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        data = self._asdict()
        data["on"] = self.on.isoformat()
        return data

    def engine_fields(self) -> dict[str, Any]:
        """Keyword arguments for the engine's ``Event`` class."""
        return {
            "seq": self.seq, "act": self.act, "body": self.body, "person": self.person, "on": self.on,
            "payload": self.payload, "from_state": self.from_state, "to_state": self.to_state,
        }


def content_hash(
    case_id: str, seq: int, act: str, body: str | None, person: str | None, on: str, payload: str,
    from_state: str | None, to_state: str, recorded_at: str, prev_hash: str,
) -> str:
    """SHA-256 over one event's canonical content and the previous hash.

    ``on`` is an ISO date and ``payload`` is canonical JSON text (as stored), so
    the same function checks stored rows without decoding them twice.
    """
    return hashlib.sha256(content_hash_text(case_id, seq, act, body, person, on, payload, from_state, to_state,
                                            recorded_at, prev_hash).encode()).hexdigest()


def content_hash_text(
    case_id: str, seq: int, act: str, body: str | None, person: str | None, on: str, payload: str,
    from_state: str | None, to_state: str, recorded_at: str, prev_hash: str,
) -> str:
    """The canonical JSON text the hash is taken over (see :func:`content_hash`)."""
    # Exactly canonical_json() of the content dict, spelled out: this is the hot path of every append.
    q = _quote
    text = (
        f'{{"act":{q(act)},"body":{"null" if body is None else q(body)},"case_id":{q(case_id)},'
        f'"from_state":{"null" if from_state is None else q(from_state)},"on":"{on}","payload":{payload},'
        f'"person":{"null" if person is None else q(person)},"prev_hash":"{prev_hash}",'
        f'"recorded_at":"{recorded_at}","seq":{int(seq)},"to_state":{q(to_state)}}}'
    )
    return text


_fromiso = dt.date.fromisoformat
_new = tuple.__new__  # builds a named tuple without the Python-level __new__ frame
_scan_once: Any = json.decoder.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _loads(text: str) -> Any:
    """``json.loads`` for the store's own compact JSON, without the wrapper's whitespace handling (5x faster)."""
    try:
        value, end = _scan_once(text, 0)
    except StopIteration:
        return json.loads(text)  # raises the proper JSONDecodeError
    if end != len(text):
        return json.loads(text)  # trailing data or whitespace: the full parser decides
    return value


def event_from_db(r: Sequence[Any]) -> StoredEvent:
    """A StoredEvent straight from a database row in :class:`Row` column order (the replay hot path)."""
    return _new(StoredEvent, (r[0], r[1], r[2], r[3], r[4], _fromiso(r[5]), _loads(r[6]), r[7], r[8], r[9], r[10],
                              r[11]))


class Row(NamedTuple):
    """A stored event in its on-disk shape (text payload, ISO date): what adapters write and read.

    A named tuple, not an attrs class: hundreds of thousands are built on bulk import and replay.
    """

    case_id: str
    seq: int
    act: str
    body: str | None
    person: str | None
    on_date: str
    payload: str
    from_state: str | None
    to_state: str
    recorded_at: str
    prev_hash: str
    hash: str

    def as_event(self, payload: dict[str, Any] | None = None) -> StoredEvent:
        """The event this row holds (``payload``: an already decoded copy, saves parsing the text again)."""
        return StoredEvent(
            self.case_id, self.seq, self.act, self.body, self.person, _fromiso(self.on_date),
            _loads(self.payload) if payload is None else payload, self.from_state, self.to_state, self.recorded_at,
            self.prev_hash, self.hash,
        )

    def expected_hash(self) -> str:
        return content_hash(
            self.case_id, self.seq, self.act, self.body, self.person, self.on_date, self.payload,
            self.from_state, self.to_state, self.recorded_at, self.prev_hash,
        )


RowTuple = tuple[str, int, str, "str | None", "str | None", str, str, "str | None", str, str, str, str]


def chain_rows(
    case_id: str, events: Sequence[EventLike], expected_seq: int, prev_hash: str, recorded_at: str | None = None,
) -> list[Row]:
    """Number-check and hash-chain new events; raises before anything is written."""
    return [Row._make(t) for t in chain_tuples(case_id, events, expected_seq, prev_hash, recorded_at)]


def chain_tuples(
    case_id: str, events: Sequence[EventLike], expected_seq: int, prev_hash: str, recorded_at: str | None = None,
) -> list[RowTuple]:
    """:func:`chain_rows` as plain tuples in :class:`Row` order: what bulk writes hand to the driver."""
    when = recorded_at or utc_now()
    rows: list[RowTuple] = []
    append = rows.append
    date, datetime, sha256, q, encode = dt.date, dt.datetime, hashlib.sha256, _quote, _C_ENCODE
    qcase = q(case_id)
    heads: dict[tuple[str, str | None, str | None], str] = {}
    tails: dict[str, str] = {}
    days: dict[dt.date, str] = {}
    for seq, ev in enumerate(events, start=expected_seq):
        if ev.seq != seq:
            raise Conflicts.sequence(case_id, seq, ev.seq)
        on_value = ev.on
        on = days.get(on_value) if type(on_value) is date else None
        if on is None:
            if not isinstance(on_value, date) or isinstance(on_value, datetime):
                raise StoreError(f"hendelse nr. {seq} i sak «{case_id}» mangler en gyldig dato (forventet en date)",
                                 code="store-event")
            on = days[on_value] = on_value.isoformat()
        raw_payload = ev.payload
        try:
            payload = "".join(encode(raw_payload if type(raw_payload) is dict else dict(raw_payload), 0))
        except (TypeError, ValueError):
            payload = payload_text(raw_payload)  # raises the Norwegian StoreError
        act, body, person, from_state, to_state = ev.act, ev.body, ev.person, ev.from_state, ev.to_state
        # Inlined content_hash_text(): the hot path of every append and import. Acts, bodies and states come
        # from a small vocabulary, so their JSON spellings are memoised for the call.
        head = heads.get((act, body, from_state))
        if head is None:
            head = heads[(act, body, from_state)] = (
                f'{{"act":{q(act)},"body":{"null" if body is None else q(body)},"case_id":{qcase},'
                f'"from_state":{"null" if from_state is None else q(from_state)},"on":"'
            )
        tail = tails.get(to_state)
        if tail is None:
            tail = tails[to_state] = f',"to_state":{q(to_state)}}}'
        h = sha256((
            f'{head}{on}","payload":{payload},"person":{"null" if person is None else q(person)},'
            f'"prev_hash":"{prev_hash}","recorded_at":"{when}","seq":{seq}{tail}'
        ).encode()).hexdigest()
        append((case_id, seq, act, body, person, on, payload, from_state, to_state, when, prev_hash, h))
        prev_hash = h
    return rows


class Conflicts:
    """The Norwegian messages of the store's conflict errors, in one place."""

    @staticmethod
    def sequence(case_id: str, expected: int, got: int) -> ConflictError:
        return ConflictError(
            f"sak «{case_id}»: neste hendelse skulle vært nr. {expected}, men fikk nr. {got}; "
            "en annen har skrevet til saken i mellomtiden, last den på nytt og prøv igjen",
            details={"case": case_id, "expected_seq": expected, "seq": got},
        )

    @staticmethod
    def head(case_id: str, expected: int, head: int) -> ConflictError:
        return ConflictError(
            f"sak «{case_id}» har {head} hendelser, men skrivingen forventet {expected - 1}; "
            "en annen har skrevet til saken i mellomtiden, last den på nytt og prøv igjen",
            details={"case": case_id, "expected_seq": expected, "head_seq": head},
        )

    @staticmethod
    def exists(case_id: str) -> ConflictError:
        return ConflictError(f"det finnes allerede en sak med id «{case_id}»", details={"case": case_id})


def case_not_found(case_id: str) -> NotFoundError:
    return NotFoundError(f"fant ingen sak med id «{case_id}» i hendelseslageret", code="unknown-case",
                         details={"case": case_id})


# ---------------------------------------------------------------------------------------------- verification


@attrs.frozen
class ChainFailure:
    """The first event of one case whose chain does not match."""

    case_id: str
    seq: int
    message: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class VerifyResult:
    """What :meth:`EventStore.verify` found; falsy when a chain is broken."""

    cases: int
    events: int
    failures: tuple[ChainFailure, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failures

    def __bool__(self) -> bool:
        return self.ok

    def raise_for_failure(self) -> None:
        """Raise :class:`IntegrityError` naming the first failure, if any."""
        if self.failures:
            first = self.failures[0]
            raise IntegrityError(first.message, details={"case": first.case_id, "seq": first.seq,
                                                         "failures": len(self.failures)})

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "cases": self.cases, "events": self.events,
                "failures": [f.to_dict() for f in self.failures]}


def check_chain(header: CaseHeader, rows: Iterable[Row]) -> tuple[int, ChainFailure | None]:
    """Walk one case's rows in seq order; returns (events seen, first failure or None)."""
    cid = header.case_id
    prev = header.genesis_hash()
    expected = 1
    count = 0
    for row in rows:
        count += 1
        if row.seq != expected:
            return count, ChainFailure(cid, expected, f"sak «{cid}»: hendelse nr. {expected} mangler "
                                                      f"(neste lagrede er nr. {row.seq})")
        if row.prev_hash != prev:
            return count, ChainFailure(cid, row.seq, f"sak «{cid}», hendelse nr. {row.seq} ({row.act}): "
                                                     "peker ikke til forrige hendelses hash; kjeden er brutt")
        if row.expected_hash() != row.hash:
            return count, ChainFailure(cid, row.seq, f"sak «{cid}», hendelse nr. {row.seq} ({row.act}): "
                                                     "innholdet stemmer ikke med hashen; hendelsen er endret")
        prev = row.hash
        expected += 1
    if count != header.head_seq:
        seq = min(count, header.head_seq) + 1
        return count, ChainFailure(cid, seq, f"sak «{cid}»: saken skal ha {header.head_seq} hendelser, men "
                                             f"lageret har {count}; hendelse nr. {seq} mangler eller er for mye")
    if count and header.head_hash != prev:
        return count, ChainFailure(cid, count, f"sak «{cid}»: siste hendelse (nr. {count}) stemmer ikke med "
                                               "sakens registrerte siste hash")
    return count, None


# ---------------------------------------------------------------------------------------------- the port


class EventStore(abc.ABC):
    """The recorder interface every store implements (memory, SQLite, PostgreSQL)."""

    url: str

    @abc.abstractmethod
    def create_case(self, header: CaseHeader, events: Sequence[EventLike]) -> list[StoredEvent]:
        """Record a new case and its first events in one transaction (ConflictError if the id exists)."""

    @abc.abstractmethod
    def append(self, case_id: str, events: Sequence[EventLike], expected_seq: int) -> list[StoredEvent]:
        """Append events numbered from ``expected_seq`` in one transaction, or raise ConflictError."""

    @abc.abstractmethod
    def header(self, case_id: str) -> CaseHeader:
        """The case's header row (NotFoundError if unknown)."""

    @abc.abstractmethod
    def rows(self, case_id: str) -> list[Row]:
        """The case's stored rows in seq order (NotFoundError if the case is unknown)."""

    @abc.abstractmethod
    def headers(self) -> list[CaseHeader]:
        """All cases, oldest first."""

    @abc.abstractmethod
    def iter_all_rows(self) -> Iterator[tuple[CaseHeader, list[Row]]]:
        """Every case with its rows (for verify and export)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    # -- derived operations, shared by every adapter --------------------------------------------------------

    def events(self, case_id: str) -> list[StoredEvent]:
        return [r.as_event() for r in self.rows(case_id)]

    def case_rows(self, case_id: str) -> tuple[CaseHeader, list[Row]]:
        """The header and rows of one case, read together (adapters read them in one snapshot)."""
        return self.header(case_id), self.rows(case_id)

    def verify(self, case_id: str | None = None) -> VerifyResult:
        """Walk the hash chains (one case, or all) and report the first broken event of each case."""
        failures: list[ChainFailure] = []
        cases = events = 0
        if case_id is not None:
            pairs: Iterable[tuple[CaseHeader, list[Row]]] = [self.case_rows(case_id)]
        else:
            pairs = self.iter_all_rows()
        for header, rows in pairs:
            cases += 1
            n, failure = check_chain(header, rows)
            events += n
            if failure is not None:
                failures.append(failure)
        return VerifyResult(cases, events, tuple(failures))

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
