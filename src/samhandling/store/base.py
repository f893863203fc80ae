"""The event store port: records, canonical hashing, the recorder interface.

One interface (:class:`EventStore`), interchangeable infrastructure behind it
(:mod:`samhandling.store.memory`, :mod:`samhandling.store.sql`), in the style of
pyeventsourcing's recorders:

* events are append-only and keyed by ``(case_id, seq)``; an append states the
  ``seq`` it expects to write next, and a writer that lost the race gets
  :class:`~samhandling.errors.ConflictError`; nothing is overwritten;
* every event carries ``hash = sha256(canonical content + prev_hash)``; the
  first event's ``prev_hash`` is the hash of the case header, so the whole header
  (title, structure, process, version, creation time, the definitions' content
  hashes and where they were read from) is covered too;
* the structure and process texts a case was created under are kept once each
  (:class:`Definition`, keyed by the SHA-256 of the text), so a case opens
  anywhere, judged by the rules it was created under;
* :meth:`EventStore.verify` walks the chains and reports the first event of a
  case that does not match, events without a case, cases without events,
  missing or changed definitions and (SQLite) a damaged database file.

This module imports nothing heavy; the SQL adapter loads SQLAlchemy itself.
"""

from __future__ import annotations

import abc
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

import attrs

from samhandling.errors import ConflictError, IntegrityError, NotFoundError, StoreError

GENESIS = "0" * 64
#: The store format: what the hashes cover and which tables exist. Format 1 (before the ``meta`` table) did not
#: cover the title or the definitions in the genesis hash; such stores are refused, see docs/store.md.
STORE_FORMAT = 2
#: The largest definition text (structure or process YAML) the store keeps or a case reads from disk.
MAX_DEFINITION_BYTES = 5 * 1024 * 1024


class EventLike(Protocol):
    """What the store needs from an engine event (``samhandling.process.case.Event`` fits)."""

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
    """The recording time as an ISO 8601 UTC string (stored as text, hashed as text), from the shared clock."""
    from samhandling import clock

    return format_instant(clock.now())


def format_instant(at: dt.datetime) -> str:
    """An aware datetime in the store's text form: ``2024-01-10T12:00:00.000000Z``."""
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        try:
            return sorted(value)
        except TypeError:
            raise TypeError("en mengde med blandede typer kan ikke lagres som JSON") from None
    raise TypeError(f"{type(value).__name__} kan ikke lagres som JSON")


_quote: Any = json.encoder.encode_basestring  # the C escaper json.dumps uses


def _make_encoder() -> Any:
    """One encoder, built once, that keeps no state between calls.

    No circular-reference ``markers`` dict: a shared one keeps every container of a refused payload alive (and
    then calls the next payload that reuses an id «circular»). A real cycle ends in RecursionError, which the
    callers turn into the same clear error as every other refusal. Tuples and dict subclasses (the engine's
    ``FrozenDict``) are encoded natively as arrays and objects; NaN and infinities are refused (not JSON).
    """
    c_make = getattr(json.encoder, "c_make_encoder", None)
    if c_make is not None:
        return c_make(None, _json_default, _quote, None, ":", ",", True, False, False)
    enc = json.JSONEncoder(
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_json_default,
        check_circular=False,
        allow_nan=False,
    )
    return lambda o, _level: enc.iterencode(o)


_C_ENCODE = _make_encoder()


def canonical_json(data: Any) -> str:
    """Sorted-key compact JSON; dates become ISO strings. The input of every hash.

    Same text as ``json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``, through a C
    encoder built once (``json.dumps`` builds a new one on every call, which dominates small payloads).
    Raises :class:`StoreError` (``store-payload``) for what JSON cannot hold.
    """
    if isinstance(data, str):
        return str(_quote(data))
    try:
        return "".join(_C_ENCODE(data, 0))
    except (TypeError, ValueError, RecursionError) as exc:
        raise payload_error(data, exc) from None


def _q(value: str | None) -> str:
    return "null" if value is None else str(_quote(value))


def payload_text(payload: Mapping[str, Any]) -> str:
    """A payload as the canonical JSON text the store keeps (refuses what JSON cannot hold)."""
    try:
        return "".join(_C_ENCODE(payload if isinstance(payload, dict) else dict(payload), 0))
    except (TypeError, ValueError, RecursionError) as exc:
        raise payload_error(payload, exc) from None


_SCALARS = (str, int, bool, type(None), dt.date)


def _find_bad(value: Any, path: str, stack: set[int], depth: int = 0) -> tuple[str, str] | None:
    """The first value JSON cannot hold, as (key path, what is wrong); only walked after a refusal."""
    if depth > 200:
        return path, "er nøstet for dypt"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return path, f"er {value!r}, som ikke er et JSON-tall"
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            str(value)
        except ValueError:
            return path, "er et heltall med for mange sifre"
        return None
    if isinstance(value, _SCALARS):
        return None
    if isinstance(value, (dict, list, tuple)):
        if id(value) in stack:
            return path, "inneholder seg selv (sirkulær referanse)"
        stack.add(id(value))
        try:
            if isinstance(value, dict):
                for key, item in value.items():
                    if not isinstance(key, (str, int, float, bool)) and key is not None:
                        return path, f"har en nøkkel av typen {type(key).__name__}; nøkler må være tekst"
                    found = _find_bad(item, f"{path}.{key}" if path else str(key), stack, depth + 1)
                    if found:
                        return found
                if len({type(k) for k in value}) > 1:
                    return path, "har nøkler av ulike typer; nøkler må være tekst"
            else:
                for i, item in enumerate(value):
                    found = _find_bad(item, f"{path}[{i}]", stack, depth + 1)
                    if found:
                        return found
        finally:
            stack.discard(id(value))
        return None
    if isinstance(value, (set, frozenset)):
        try:
            sorted(value)
        except TypeError:
            return path, "er en mengde med blandede typer"
        return None
    return path, f"er av typen {type(value).__name__}, som ikke kan lagres som JSON"


def payload_error(payload: Any, exc: BaseException) -> StoreError:
    """The Norwegian ``store-payload`` error for a payload JSON cannot hold, naming the key path when found."""
    try:
        found = _find_bad(payload, "", set())
    except RecursionError:
        found = None
    if found is not None:
        path, problem = found
        what = f"verdien «{path}» {problem}" if path else f"dataene {problem}"
    elif isinstance(exc, RecursionError):
        what = "dataene er nøstet for dypt eller inneholder seg selv"
    else:
        what = str(exc)
    return StoreError(
        f"hendelsens data kan ikke lagres: {what}; forventet tekst, tall, sannhetsverdier, lister eller objekter",
        code="store-payload",
        details={"path": found[0] if found else None},
    )


@attrs.frozen
class CaseHeader:
    """One row of the ``cases`` table: what a case was created from.

    ``structure``/``process`` are names; ``structure_hash``/``process_hash`` the SHA-256 of the definition texts
    the store keeps (:class:`Definition`); ``structure_file``/``process_file`` where those texts were read when
    the case was created (empty for the bundled ones). They are recorded for people and for the check that the
    file on disk still is what the case was judged under; loading a case never reads them.
    """

    case_id: str
    structure: str
    process: str
    version: str
    title: str
    created: str  # ISO 8601 UTC, see utc_now()
    head_seq: int = 0
    head_hash: str = GENESIS
    structure_hash: str = ""
    process_hash: str = ""
    structure_file: str = ""
    process_file: str = ""

    def genesis_hash(self) -> str:
        """The ``prev_hash`` of event 1: covers every header field except the head (which moves)."""
        content = {
            "format": STORE_FORMAT,
            "case_id": self.case_id,
            "structure": self.structure,
            "process": self.process,
            "version": self.version,
            "title": self.title,
            "created": self.created,
            "structure_hash": self.structure_hash,
            "process_hash": self.process_hash,
            "structure_file": self.structure_file,
            "process_file": self.process_file,
        }
        return hashlib.sha256(canonical_json(content).encode()).hexdigest()

    def definition_hashes(self) -> tuple[str, ...]:
        return tuple(h for h in (self.structure_hash, self.process_hash) if h)

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def text_hash(text: str) -> str:
    """The SHA-256 (hex) of a definition text, UTF-8: its key in the store."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@attrs.frozen
class Definition:
    """A structure or process definition text, kept once per distinct text (keyed by its hash)."""

    kind: str  # "structure" or "process"
    name: str
    version: str
    text: str = attrs.field(repr=False)
    hash: str = ""

    def __attrs_post_init__(self) -> None:
        if self.kind not in ("structure", "process"):
            raise StoreError(
                f"ukjent definisjonstype «{self.kind}»; forventet structure eller process", code="store-definition"
            )
        if len(self.text.encode("utf-8")) > MAX_DEFINITION_BYTES:
            raise StoreError(
                f"definisjonen «{self.name}» er større enn {MAX_DEFINITION_BYTES // (1024 * 1024)} MB",
                code="store-definition",
            )
        actual = text_hash(self.text)
        if not self.hash:
            object.__setattr__(self, "hash", actual)
        elif self.hash != actual:
            raise StoreError(f"definisjonen «{self.name}» har ikke hashen den oppgir", code="store-definition")


@attrs.frozen
class CaseSummary:
    """One line of a case listing: the header, the state after its last event, and the event count."""

    header: CaseHeader
    state: str | None

    @property
    def case_id(self) -> str:
        return self.header.case_id

    @property
    def events(self) -> int:
        return self.header.head_seq

    def to_dict(self) -> dict[str, Any]:
        h = self.header
        return {
            "id": h.case_id,
            "title": h.title,
            "structure": h.structure,
            "process": h.process,
            "version": h.version,
            "state": self.state,
            "events": h.head_seq,
            "created": h.created,
        }


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
            "seq": self.seq,
            "act": self.act,
            "body": self.body,
            "person": self.person,
            "on": self.on,
            "payload": self.payload,
            "from_state": self.from_state,
            "to_state": self.to_state,
        }


def content_hash(
    case_id: str,
    seq: int,
    act: str,
    body: str | None,
    person: str | None,
    on: str,
    payload: str,
    from_state: str | None,
    to_state: str,
    recorded_at: str,
    prev_hash: str,
) -> str:
    """SHA-256 over one event's canonical content and the previous hash.

    ``on`` is an ISO date and ``payload`` is canonical JSON text (as stored), so
    the same function checks stored rows without decoding them twice.
    """
    return hashlib.sha256(
        content_hash_text(
            case_id, seq, act, body, person, on, payload, from_state, to_state, recorded_at, prev_hash
        ).encode()
    ).hexdigest()


def content_hash_text(
    case_id: str,
    seq: int,
    act: str,
    body: str | None,
    person: str | None,
    on: str,
    payload: str,
    from_state: str | None,
    to_state: str,
    recorded_at: str,
    prev_hash: str,
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


def load_payload(text: str) -> Any:
    """A stored payload text decoded (the store's own compact JSON)."""
    return _loads(text)


def event_from_db(r: Sequence[Any]) -> StoredEvent:
    """A StoredEvent straight from a database row in :class:`Row` column order (the replay hot path)."""
    return _new(
        StoredEvent, (r[0], r[1], r[2], r[3], r[4], _fromiso(r[5]), _loads(r[6]), r[7], r[8], r[9], r[10], r[11])
    )


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
            self.case_id,
            self.seq,
            self.act,
            self.body,
            self.person,
            _fromiso(self.on_date),
            _loads(self.payload) if payload is None else payload,
            self.from_state,
            self.to_state,
            self.recorded_at,
            self.prev_hash,
            self.hash,
        )

    def expected_hash(self) -> str:
        return content_hash(
            self.case_id,
            self.seq,
            self.act,
            self.body,
            self.person,
            self.on_date,
            self.payload,
            self.from_state,
            self.to_state,
            self.recorded_at,
            self.prev_hash,
        )


_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\Z")

RowTuple = tuple[str, int, str, "str | None", "str | None", str, str, "str | None", str, str, str, str]


def chain_rows(
    case_id: str,
    events: Sequence[EventLike],
    expected_seq: int,
    prev_hash: str,
    recorded_at: str | None = None,
) -> list[Row]:
    """Number-check and hash-chain new events; raises before anything is written."""
    return [Row._make(t) for t in chain_tuples(case_id, events, expected_seq, prev_hash, recorded_at)]


def chain_tuples(
    case_id: str,
    events: Sequence[EventLike],
    expected_seq: int,
    prev_hash: str,
    recorded_at: str | None = None,
) -> list[RowTuple]:
    """:func:`chain_rows` as plain tuples in :class:`Row` order: what bulk writes hand to the driver.

    Each event's ``recorded_at`` is the one the engine set on it (``Event.recorded_at``), else ``recorded_at``,
    else the clock's now. A text that is not the store's ISO 8601 UTC form is refused.
    """
    when = recorded_at or utc_now()
    if not events:
        return []
    rows: list[RowTuple] = []
    append = rows.append
    date, datetime, sha256, q, encode = dt.date, dt.datetime, hashlib.sha256, _quote, _C_ENCODE
    qcase = q(case_id)
    heads: dict[tuple[str, str | None, str | None], str] = {}
    tails: dict[str, str] = {}
    days: dict[dt.date, str] = {}
    last_stamp: object = None
    for seq, ev in enumerate(events, start=expected_seq):
        if ev.seq != seq:
            raise Conflicts.sequence(case_id, seq, ev.seq)
        on_value = ev.on
        on = days.get(on_value) if type(on_value) is date else None
        if on is None:
            if not isinstance(on_value, date) or isinstance(on_value, datetime):
                raise StoreError(
                    f"hendelse nr. {seq} i sak «{case_id}» mangler en gyldig dato (forventet en date)",
                    code="store-event",
                )
            on = days[on_value] = on_value.isoformat()
        raw_payload = ev.payload
        try:
            payload = "".join(encode(raw_payload if isinstance(raw_payload, dict) else dict(raw_payload), 0))
        except (TypeError, ValueError, RecursionError) as exc:
            raise payload_error(raw_payload, exc) from None
        stamp: str = getattr(ev, "recorded_at", None) or when
        if stamp is not last_stamp:
            if type(stamp) is not str or not _INSTANT.match(stamp):
                raise StoreError(
                    f"hendelse nr. {seq} i sak «{case_id}» har registreringstiden {stamp!r}; forventet "
                    "ISO 8601 UTC som 2024-01-10T12:00:00.000000Z",
                    code="store-event",
                )
            last_stamp = stamp
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
        h = sha256(
            (
                f'{head}{on}","payload":{payload},"person":{"null" if person is None else q(person)},'
                f'"prev_hash":"{prev_hash}","recorded_at":"{stamp}","seq":{seq}{tail}'
            ).encode()
        ).hexdigest()
        append((case_id, seq, act, body, person, on, payload, from_state, to_state, stamp, prev_hash, h))
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


def no_events(case_id: str) -> StoreError:
    return StoreError(
        f"sak «{case_id}» kan ikke lagres uten hendelser; en sak opprettes med minst én (open)",
        code="store-event",
        details={"case": case_id},
    )


def definition_not_found(digest: str) -> NotFoundError:
    return NotFoundError(
        f"lageret har ingen definisjon med sha256 {digest[:12]}…", code="unknown-definition", details={"hash": digest}
    )


def case_not_found(case_id: str) -> NotFoundError:
    return NotFoundError(
        f"fant ingen sak med id «{case_id}» i hendelseslageret", code="unknown-case", details={"case": case_id}
    )


# ---------------------------------------------------------------------------------------------- verification


@attrs.frozen
class ChainFailure:
    """One thing verify found wrong: the first bad event of a case, or a store-wide problem.

    ``code`` is stable (kebab-case): ``event-changed``, ``chain-broken``, ``event-missing``, ``head-mismatch``,
    ``no-events``, ``orphan-events``, ``definition-missing``, ``definition-changed``, ``header-changed``,
    ``store-corrupt``. ``case_id`` is empty and ``seq`` 0 for a store-wide problem.
    """

    case_id: str
    seq: int
    message: str
    code: str = "chain-broken"

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class VerifyResult:
    """What :meth:`EventStore.verify` found; falsy when anything is wrong."""

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
            raise IntegrityError(
                first.message,
                details={"case": first.case_id, "seq": first.seq, "check": first.code, "failures": len(self.failures)},
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "cases": self.cases,
            "events": self.events,
            "failures": [f.to_dict() for f in self.failures],
        }


def check_chain(header: CaseHeader, rows: Iterable[Row]) -> tuple[int, ChainFailure | None]:
    """Walk one case's rows in seq order; returns (events seen, first failure or None)."""
    cid = header.case_id
    prev = header.genesis_hash()
    expected = 1
    count = 0
    failure: ChainFailure | None = None
    for row in rows:
        count += 1
        if failure is not None:
            continue  # count the rest, report the first
        if row.seq != expected:
            failure = ChainFailure(
                cid,
                expected,
                f"sak «{cid}»: hendelse nr. {expected} mangler (neste lagrede er nr. {row.seq})",
                "event-missing",
            )
        elif row.prev_hash != prev:
            if expected == 1:
                failure = ChainFailure(
                    cid,
                    1,
                    f"sak «{cid}»: saksopplysningene (tittel, struktur, prosess, versjon, "
                    "definisjoner eller opprettelsestid) stemmer ikke med hendelse nr. 1; "
                    "saken er endret etter at den ble opprettet",
                    "header-changed",
                )
            else:
                failure = ChainFailure(
                    cid,
                    row.seq,
                    f"sak «{cid}», hendelse nr. {row.seq} ({row.act}): "
                    "peker ikke til forrige hendelses hash; kjeden er brutt",
                )
        elif row.expected_hash() != row.hash:
            failure = ChainFailure(
                cid,
                row.seq,
                f"sak «{cid}», hendelse nr. {row.seq} ({row.act}): "
                "innholdet stemmer ikke med hashen; hendelsen er endret",
                "event-changed",
            )
        prev = row.hash
        expected += 1
    if failure is not None:
        return count, failure
    if count == 0:
        return 0, ChainFailure(
            cid,
            1,
            f"sak «{cid}» har ingen hendelser; en sak lagres alltid med minst én "
            "(opprettelsen), så hendelsene er slettet",
            "no-events",
        )
    if count != header.head_seq:
        seq = min(count, header.head_seq) + 1
        return count, ChainFailure(
            cid,
            seq,
            f"sak «{cid}»: saken skal ha {header.head_seq} hendelser, men "
            f"lageret har {count}; hendelse nr. {seq} mangler eller er for mye",
            "head-mismatch",
        )
    if header.head_hash != prev:
        return count, ChainFailure(
            cid,
            count,
            f"sak «{cid}»: siste hendelse (nr. {count}) stemmer ikke med sakens registrerte siste hash",
            "head-mismatch",
        )
    return count, None


def check_definitions(header: CaseHeader, status: Mapping[str, bool]) -> ChainFailure | None:
    """A case's definitions must be in the store, with texts that still hash to their keys."""
    cid = header.case_id
    for kind, digest in (("strukturen", header.structure_hash), ("prosessen", header.process_hash)):
        if not digest:
            continue
        ok = status.get(digest)
        if ok is None:
            return ChainFailure(
                cid,
                0,
                f"sak «{cid}»: {kind} saken ble opprettet med (sha256 {digest[:12]}…) finnes ikke i lageret",
                "definition-missing",
            )
        if not ok:
            return ChainFailure(
                cid,
                0,
                f"sak «{cid}»: teksten til {kind} saken ble opprettet med (sha256 {digest[:12]}…) er endret i lageret",
                "definition-changed",
            )
    return None


def orphan_failure(case_id: str, rows: Sequence[Row]) -> ChainFailure:
    return ChainFailure(
        case_id,
        rows[0].seq if rows else 0,
        f"{len(rows)} hendelse(r) er lagret for saken «{case_id}», som ikke finnes i lageret "
        "(saksopplysningene er slettet)",
        "orphan-events",
    )


# ---------------------------------------------------------------------------------------------- the port


class EventStore(abc.ABC):
    """The recorder interface every store implements (memory, SQLite, PostgreSQL).

    The behaviour every implementation must have is written down as tests in
    :mod:`samhandling.store.contract`; run them against a new back-end.
    """

    url: str

    @abc.abstractmethod
    def create_case(
        self,
        header: CaseHeader,
        events: Sequence[EventLike],
        definitions: Sequence[Definition] = (),
        arm: Sequence[Deadline] = (),
    ) -> list[StoredEvent]:
        """Record a new case, its first events, its definitions and the deadlines they arm in one transaction.

        ConflictError if the id exists; StoreError (``store-event``) without events. A definition already kept
        (same text) is not stored again.
        """

    @abc.abstractmethod
    def append(
        self,
        case_id: str,
        events: Sequence[EventLike],
        expected_seq: int,
        *,
        arm: Sequence[Deadline] = (),
        cancel: bool = False,
    ) -> list[StoredEvent]:
        """Append events numbered from ``expected_seq`` in one transaction, or raise ConflictError.

        In the same transaction: ``cancel`` closes every open deadline of the case armed before these events (the
        case left the step they belong to), and ``arm`` stores new deadlines (each ``armed_seq`` one of the events
        appended; an open deadline of the same timer armed earlier is cancelled).
        """

    @abc.abstractmethod
    def deadlines(self, case_id: str | None = None, status: str | None = None) -> list[Deadline]:
        """The stored deadlines (of one case, with one status), by fire date then key."""

    @abc.abstractmethod
    def due_deadlines(self, on: dt.date) -> list[Deadline]:
        """The open deadlines that fire on or before ``on``, ordered by case and key."""

    @abc.abstractmethod
    def fire(self, firings: Sequence[Firing]) -> list[StoredEvent]:
        """Record each firing as a hash-chained ``timer`` event and mark its deadline fired, together.

        A deadline no longer open (fired or cancelled meanwhile, e.g. by another tick) is skipped, so each
        deadline fires once however many ticks run at the same time. Returns the events written.
        """

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
    def summaries(self) -> list[CaseSummary]:
        """All cases, oldest first, each with its current state: a constant number of queries."""

    @abc.abstractmethod
    def definition(self, digest: str) -> Definition:
        """The definition text kept under ``digest`` (NotFoundError, code ``unknown-definition``, if none)."""

    @abc.abstractmethod
    def iter_all_rows(self) -> Iterator[tuple[CaseHeader, list[Row]]]:
        """Every case with its rows (for export)."""

    @abc.abstractmethod
    def verify_stream(self) -> Iterator[tuple[str, CaseHeader | None, list[Row]]]:
        """Every case id with its header (None for events without a case) and rows, in one read snapshot."""

    @abc.abstractmethod
    def definition_status(self, digests: Iterable[str] | None = None) -> dict[str, bool]:
        """For the kept definitions (``digests``, or all): does the text still hash to its key?"""

    def storage_failures(self) -> list[ChainFailure]:
        """Damage below the tables (SQLite: ``PRAGMA integrity_check``); none for stores without such a check."""
        return []

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    # -- derived operations, shared by every adapter --------------------------------------------------------

    def due_by_definition(self, on: dt.date) -> dict[tuple[str, str], list[Deadline]]:
        """:meth:`due_deadlines` grouped by the (structure hash, process hash) their cases were created under:
        what a tick needs to plan the firings (adapters read it in one query)."""
        due = self.due_deadlines(on)
        headers = self.headers_for([d.case_id for d in due])
        out: dict[tuple[str, str], list[Deadline]] = {}
        for d in due:
            h = headers.get(d.case_id)
            if h is not None:
                out.setdefault((h.structure_hash, h.process_hash), []).append(d)
        return out

    def fire_due(self, on: dt.date, plan: FiringPlan) -> list[StoredEvent]:
        """Fire every open deadline due by ``on``: ``plan`` turns the due deadlines (grouped as
        :meth:`due_by_definition` groups them) into firings, recorded as :meth:`fire` records them.

        Adapters that can read the due rows and write the firings in one transaction (SQLite, under its write
        lock) override this; ``plan`` may then run inside that transaction. It may read the store, never write.
        """
        groups = self.due_by_definition(on)
        return self.fire(plan(groups)) if groups else []

    def cases_rows(self, case_ids: Sequence[str]) -> dict[str, tuple[CaseHeader, list[Row]]]:
        """:meth:`case_rows` of several cases (unknown ids left out), by id: adapters read them in one query."""
        out: dict[str, tuple[CaseHeader, list[Row]]] = {}
        for cid in dict.fromkeys(case_ids):
            try:
                out[cid] = self.case_rows(cid)
            except NotFoundError:
                continue
        return out

    def headers_for(self, case_ids: Sequence[str]) -> dict[str, CaseHeader]:
        """The headers of the cases named (unknown ids left out), by id: what a tick needs, in few queries."""
        out: dict[str, CaseHeader] = {}
        for cid in dict.fromkeys(case_ids):
            try:
                out[cid] = self.header(cid)
            except NotFoundError:
                continue
        return out

    def events(self, case_id: str) -> list[StoredEvent]:
        return [r.as_event() for r in self.rows(case_id)]

    def case_rows(self, case_id: str) -> tuple[CaseHeader, list[Row]]:
        """The header and rows of one case, read together (adapters read them in one snapshot)."""
        return self.header(case_id), self.rows(case_id)

    def verify(self, case_id: str | None = None) -> VerifyResult:
        """Check one case, or the whole store, and report what is wrong (first broken event per case).

        Never writes. The whole store: the database file itself (SQLite), every case's header and chain, events
        whose case is gone, cases whose events are gone, and the definitions the cases were created under.
        """
        failures: list[ChainFailure] = []
        cases = events = 0
        try:
            if case_id is not None:
                header, rows = self.case_rows(case_id)
                status = self.definition_status(header.definition_hashes())
                stream: Iterable[tuple[str, CaseHeader | None, list[Row]]] = [(case_id, header, rows)]
            else:
                failures.extend(self.storage_failures())
                status = self.definition_status(None)
                stream = self.verify_stream()
            for cid, head, rows in stream:
                if head is None:
                    events += len(rows)
                    failures.append(orphan_failure(cid, rows))
                    continue
                cases += 1
                n, failure = check_chain(head, rows)
                events += n
                if failure is None:
                    failure = check_definitions(head, status)
                if failure is not None:
                    failures.append(failure)
        except StoreError as exc:
            if exc.code not in ("store-corrupt", "store-not-database") and not failures:
                raise
            failures.append(ChainFailure("", 0, exc.message, "store-corrupt"))
        return VerifyResult(cases, events, tuple(failures))

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------------------------- deadlines


#: The states of a stored deadline.
DEADLINE_OPEN, DEADLINE_FIRED, DEADLINE_CANCELLED = "open", "fired", "cancelled"


@attrs.frozen
class Deadline:
    """One armed timer of a case: a row of the ``deadlines`` table, keyed ``(case_id, timer, armed_seq)``.

    ``armed_seq`` is the event that armed it (the act, or the firing that re-armed a reminder); ``state`` the
    state the case was in (an open deadline always belongs to the case's current state: leaving the state cancels
    it); ``due`` the last day of the period and ``fires_on`` the day it fires (the day after ``due``), both ISO
    dates; ``payload`` what the firing event records besides ``timer``/``kind``/``due`` (``to`` of an expiry, the
    bodies an escalation goes to). ``closed_seq`` is the event that fired or cancelled it.
    """

    case_id: str
    timer: str
    armed_seq: int
    kind: str
    state: str
    due: str
    fires_on: str
    payload: dict[str, Any] = attrs.field(factory=dict, eq=False, hash=False)
    status: str = DEADLINE_OPEN
    closed_seq: int | None = None

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.case_id, self.timer, self.armed_seq)

    def event_payload(self) -> dict[str, Any]:
        """The payload of the built-in ``timer`` act that records this deadline firing."""
        return {**self.payload, "timer": self.timer, "kind": self.kind, "due": self.due}

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class Firing:
    """What a tick records for one due deadline, in one transaction with marking it fired.

    ``to_state`` None: the case stays where it is (reminder, escalation); else it moves there (expiry) and every
    other open deadline of the case is cancelled. ``arm``: deadlines armed by the firing (their ``armed_seq`` is
    set to the firing event's seq by the store). ``again``: a repeating reminder's next period, ``(due,
    fires_on)`` as ISO dates: instead of being marked fired, the deadline's own row moves on to them and stays
    open, with its key (one row per armed reminder, not one per period; each period that fired is a ``timer``
    event).
    """

    deadline: Deadline
    on: dt.date
    to_state: str | None = None
    arm: tuple[Deadline, ...] = ()
    again: tuple[str, str] | None = None


class TimerEvent(NamedTuple):
    """An event of the built-in ``timer`` act as the store chains it (``EventLike``)."""

    seq: int
    act: str
    body: str | None
    person: str | None
    on: dt.date
    payload: Mapping[str, Any]
    from_state: str | None
    to_state: str


#: What :meth:`EventStore.fire_due` asks of its caller: the firings for the due deadlines, grouped by the
#: (structure hash, process hash) of their cases.
FiringPlan = Callable[[Mapping[tuple[str, str], list[Deadline]]], Sequence[Firing]]


def firing_order(firing: Firing) -> tuple[str, str, str, int]:
    """The order firings are recorded in: by case (the lock order), then by the day each fired."""
    d = firing.deadline
    return (d.case_id, d.fires_on, d.timer, d.armed_seq)


def firing_event(firing: Firing, seq: int) -> TimerEvent:
    """The ``timer`` event that records ``firing`` as event ``seq``."""
    d = firing.deadline
    return TimerEvent(seq, "timer", None, None, firing.on, d.event_payload(), d.state, firing.to_state or d.state)


def deadline_error(case_id: str, what: str) -> StoreError:
    return StoreError(f"sak «{case_id}»: {what}", code="store-deadline", details={"case": case_id})


def check_arms(case_id: str, arm: Sequence[Deadline], first_seq: int, last_seq: int) -> None:
    """Deadlines armed by an append must belong to the case and to one of the events appended."""
    for d in arm:
        if d.case_id != case_id:
            raise deadline_error(case_id, f"fristen «{d.timer}» hører til saken «{d.case_id}»")
        if not first_seq <= d.armed_seq <= last_seq:
            raise deadline_error(
                case_id, f"fristen «{d.timer}» viser til hendelse nr. {d.armed_seq}, som ikke skrives nå"
            )
        try:
            dt.date.fromisoformat(d.due)
            dt.date.fromisoformat(d.fires_on)
        except (TypeError, ValueError):
            raise deadline_error(
                case_id, f"fristen «{d.timer}» har ikke ISO-datoer ({d.due!r}, {d.fires_on!r})"
            ) from None
