"""The event store on SQLAlchemy Core: SQLite (a file, WAL) and PostgreSQL (psycopg 3).

Concurrency
    An append reads the case's head (``head_seq``, ``head_hash``) under a write
    lock (``BEGIN IMMEDIATE`` on SQLite, ``SELECT ... FOR UPDATE`` on
    PostgreSQL), checks it is the one the writer expected, inserts the new events
    and moves the head, all in one transaction. The primary key
    ``(case_id, seq)`` is the last line of defence: a second writer of the same
    ``seq`` can never win, and the loser gets :class:`ConflictError`.

Schema
    Versioned in the ``schema_version`` table; :data:`MIGRATIONS` are explicit
    numbered steps applied in order, under a lock, when a store is opened.

Text columns
    Dates, times and payloads are stored as ISO/canonical-JSON text, exactly the
    bytes the hash covers, so verification never depends on a driver's type
    conversions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine

from samhandling.errors import ConflictError, MissingExtraError, StoreError
from samhandling.store.base import (
    DEADLINE_CANCELLED,
    DEADLINE_FIRED,
    DEADLINE_OPEN,
    STORE_FORMAT,
    CaseHeader,
    CaseSummary,
    ChainFailure,
    Conflicts,
    Deadline,
    Definition,
    EventLike,
    EventStore,
    Firing,
    FiringPlan,
    Row,
    RowTuple,
    StoredEvent,
    case_not_found,
    chain_rows,
    chain_tuples,
    check_arms,
    content_hash,
    definition_not_found,
    event_from_db,
    firing_order,
    load_payload,
    no_events,
    payload_text,
    text_hash,
    utc_now,
)

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("case_id", sa.String(200), primary_key=True),
    sa.Column("structure", sa.Text, nullable=False),
    sa.Column("process", sa.String(200), nullable=False),
    sa.Column("version", sa.String(100), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("created", sa.String(40), nullable=False),
    sa.Column("head_seq", sa.Integer, nullable=False),
    sa.Column("head_hash", sa.String(64), nullable=False),
    sa.Column("structure_hash", sa.String(64), nullable=False, server_default=""),
    sa.Column("process_hash", sa.String(64), nullable=False, server_default=""),
    sa.Column("structure_file", sa.Text, nullable=False, server_default=""),
    sa.Column("process_file", sa.Text, nullable=False, server_default=""),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("case_id", sa.String(200), sa.ForeignKey("cases.case_id"), primary_key=True, autoincrement=False),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("act", sa.String(200), nullable=False),
    sa.Column("body", sa.String(200)),
    sa.Column("person", sa.Text),
    sa.Column("on_date", sa.String(10), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("from_state", sa.String(200)),
    sa.Column("to_state", sa.String(200), nullable=False),
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.CheckConstraint("seq >= 1", name="events_seq_positive"),
)

definitions = sa.Table(
    "definitions",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("version", sa.String(100), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)

deadline_table = sa.Table(
    "deadlines",
    metadata,
    sa.Column("case_id", sa.String(200), sa.ForeignKey("cases.case_id"), primary_key=True),
    sa.Column("timer", sa.String(200), primary_key=True),
    sa.Column("armed_seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("state", sa.String(200), nullable=False),
    sa.Column("due", sa.String(10), nullable=False),
    sa.Column("fires_on", sa.String(10), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("closed_seq", sa.Integer),
)
_DEADLINE_COLS = [
    deadline_table.c.case_id,
    deadline_table.c.timer,
    deadline_table.c.armed_seq,
    deadline_table.c.kind,
    deadline_table.c.state,
    deadline_table.c.due,
    deadline_table.c.fires_on,
    deadline_table.c.payload,
    deadline_table.c.status,
    deadline_table.c.closed_seq,
]


_DEADLINE_KEYS = tuple(c.name for c in _DEADLINE_COLS)


def _deadline(r: Any) -> Deadline:
    return Deadline(r[0], r[1], r[2], r[3], r[4], r[5], r[6], load_payload(r[7]), r[8], r[9])


def _deadline_values(d: Deadline, armed_seq: int | None = None) -> dict[str, Any]:
    return {
        "case_id": d.case_id,
        "timer": d.timer,
        "armed_seq": d.armed_seq if armed_seq is None else armed_seq,
        "kind": d.kind,
        "state": d.state,
        "due": d.due,
        "fires_on": d.fires_on,
        "payload": payload_text(d.payload),
        "status": DEADLINE_OPEN,
        "closed_seq": None,
    }


_EVENT_COLS = [
    events.c.case_id,
    events.c.seq,
    events.c.act,
    events.c.body,
    events.c.person,
    events.c.on_date,
    events.c.payload,
    events.c.from_state,
    events.c.to_state,
    events.c.recorded_at,
    events.c.prev_hash,
    events.c.hash,
]
_ROW_KEYS = tuple(c.name for c in _EVENT_COLS)
#: In CaseHeader's field order.
_CASE_COLS = [
    cases.c.case_id,
    cases.c.structure,
    cases.c.process,
    cases.c.version,
    cases.c.title,
    cases.c.created,
    cases.c.head_seq,
    cases.c.head_hash,
    cases.c.structure_hash,
    cases.c.process_hash,
    cases.c.structure_file,
    cases.c.process_file,
]
_CASE_KEYS = tuple(c.name for c in _CASE_COLS)


# -- what a tick writes (the SQL is written with %s; SQLite's ``?`` is swapped in) ------------------------------

#: The due deadlines with their rowids and their cases' rowids, heads and definition hashes: what a tick reads,
#: in one pass over the partial index ``deadlines_open`` (no ORDER BY: sorting in the database would walk the
#: primary key over every deadline; the few due rows are sorted in Python).
_DUE_WITH_HEADS = (
    "SELECT d.rowid, c.rowid, d.case_id, d.timer, d.armed_seq, d.kind, d.state, d.due, d.fires_on, d.payload, "
    "c.head_seq, c.head_hash, c.structure_hash, c.process_hash FROM deadlines d JOIN cases c ON c.case_id = d.case_id "
    f"WHERE d.status = '{DEADLINE_OPEN}' AND d.fires_on <= ?"
)
_MARK_FIRED_BY_ROWID = f"UPDATE deadlines SET status = '{DEADLINE_FIRED}', closed_seq = ? WHERE rowid = ?"
_MOVE_HEAD_BY_ROWID = "UPDATE cases SET head_seq = ?, head_hash = ? WHERE rowid = ?"
_MOVE_ON_BY_ROWID = "UPDATE deadlines SET due = ?, fires_on = ? WHERE rowid = ?"
_MOVE_ON_BY_KEY = "UPDATE deadlines SET due = %s, fires_on = %s WHERE case_id = %s AND timer = %s AND armed_seq = %s"
_MARK_FIRED_BY_KEY = (
    f"UPDATE deadlines SET status = '{DEADLINE_FIRED}', closed_seq = %s WHERE case_id = %s AND timer = %s "
    "AND armed_seq = %s"
)
_MOVE_HEAD_BY_KEY = "UPDATE cases SET head_seq = %s, head_hash = %s WHERE case_id = %s"
_INSERT_DEADLINE = (
    f"INSERT INTO deadlines ({', '.join(_DEADLINE_KEYS)}) VALUES ({', '.join(['%s'] * len(_DEADLINE_KEYS))})"
)
#: An expiry moved the case: every deadline still open that was armed before the firing event is cancelled
#: (run after the firings' own deadlines are marked and the deadlines they arm are inserted).
_CANCEL_BEFORE = (
    f"UPDATE deadlines SET status = '{DEADLINE_CANCELLED}', closed_seq = %s WHERE case_id = %s "
    f"AND status = '{DEADLINE_OPEN}' AND armed_seq < %s"
)


#: The act a deadline firing is recorded as (``samhandling.process.timers.TIMER``; the store sits below it).
_TIMER_ACT = "timer"


#: A row of ``_DUE_WITH_HEADS`` by its deadline's key (case id, timer, armed seq), in C.
_BY_DEADLINE_KEY = operator.itemgetter(2, 3, 4)
_new_tuple = tuple.__new__  # a named tuple from its values without its Python-level __new__


@attrs.define
class _FiringWrites:
    """The rows a batch of firings writes, worked out in Python before any is written (see :meth:`of`)."""

    events: list[StoredEvent] = attrs.Factory(list)
    rows: list[RowTuple] = attrs.Factory(list)
    marks: list[tuple[int, tuple[str, str, int]]] = attrs.Factory(list)  # (firing seq, deadline key)
    arms: list[tuple[Any, ...]] = attrs.Factory(list)  # deadline rows in _DEADLINE_KEYS order
    cancels: list[tuple[int, str, int]] = attrs.Factory(list)  # (seq, case id, seq) for _CANCEL_BEFORE
    heads: dict[str, tuple[int, str]] = attrs.Factory(dict)  # the new head of every case written
    moves: list[tuple[str, str, tuple[str, str, int]]] = attrs.Factory(list)  # (due, fires_on, key): moved on

    @classmethod
    def of(
        cls,
        firings: Sequence[Firing],
        heads: dict[str, tuple[int, str]],
        still_open: set[tuple[str, str, int]],
        in_order: bool = False,
    ) -> _FiringWrites:
        """Each firing whose deadline is in ``still_open`` (and whose case has a head) becomes event head + 1,
        hash-chained on from the head in Python; ``heads`` is moved on as it goes. A case an expiry moved fires
        nothing more in the batch (its other deadlines are cancelled). Firings are taken in
        :func:`firing_order` unless ``in_order`` says the order does not matter (one firing per case, and no
        locks taken in that order)."""
        w = cls()
        when = utc_now()  # one recording instant for the batch, as an append of many events has
        moved: set[str] = set()
        status = DEADLINE_OPEN  # what the deadlines a firing arms start as
        texts: dict[tuple[str, str, str], str] = {}  # the payload text of a deadline with no payload of its own
        days: dict[dt.date, str] = {}
        add_row, add_event, new_heads = w.rows.append, w.events.append, w.heads
        add_mark, add_move, discard = w.marks.append, w.moves.append, still_open.discard
        act = _TIMER_ACT
        for f in firings if in_order else sorted(firings, key=firing_order):
            d = f.deadline
            cid, timer, state = d.case_id, d.timer, d.state
            key = (cid, timer, d.armed_seq)
            head = heads.get(cid)
            if head is None or key not in still_open or cid in moved:
                continue  # fired by another tick, or cancelled, meanwhile
            discard(key)
            seq = head[0] + 1
            kind, due, own = d.kind, d.due, d.payload
            if own:
                data = {**own, "timer": timer, "kind": kind, "due": due}
                payload = payload_text(data)
            else:
                data = {"timer": timer, "kind": kind, "due": due}
                if (payload := texts.get(tkd := (timer, kind, due))) is None:  # type: ignore[assignment]
                    payload = texts[tkd] = payload_text(data)
            on = f.on
            if (day := days.get(on)) is None:
                day = days[on] = on.isoformat()
            to_state = f.to_state or state
            prev = head[1]
            digest = content_hash(cid, seq, act, None, None, day, payload, state, to_state, when, prev)
            add_row((cid, seq, act, None, None, day, payload, state, to_state, when, prev, digest))
            add_event(
                _new_tuple(StoredEvent, (cid, seq, act, None, None, on, data, state, to_state, when, prev, digest))
            )
            heads[cid] = new_heads[cid] = (seq, digest)
            if f.again is not None:  # a repeating reminder: its row moves on to the next period, still open
                add_move((f.again[0], f.again[1], key))
            else:
                add_mark((seq, key))
            for a in f.arm:
                w.arms.append(
                    (cid, a.timer, seq, a.kind, a.state, a.due, a.fires_on, payload_text(a.payload), status, None)
                )
            if to_state != state:
                moved.add(cid)
                w.cancels.append((seq, cid, seq))
        return w


def _step1_initial(conn: Connection) -> None:
    # The version-1 shape, frozen here: the module's Table objects have moved on (step 3 adds columns), and
    # upgrading an old empty store and creating a new one must run the same steps.
    v1 = sa.MetaData()
    sa.Table(
        "cases",
        v1,
        sa.Column("case_id", sa.String(200), primary_key=True),
        sa.Column("structure", sa.Text, nullable=False),
        sa.Column("process", sa.String(200), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("created", sa.String(40), nullable=False),
        sa.Column("head_seq", sa.Integer, nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
    )
    sa.Table(
        "events",
        v1,
        sa.Column("case_id", sa.String(200), sa.ForeignKey("cases.case_id"), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("act", sa.String(200), nullable=False),
        sa.Column("body", sa.String(200)),
        sa.Column("person", sa.Text),
        sa.Column("on_date", sa.String(10), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("from_state", sa.String(200)),
        sa.Column("to_state", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.CheckConstraint("seq >= 1", name="events_seq_positive"),
    )
    v1.create_all(conn)


def _step2_created_index(conn: Connection) -> None:
    # Plain DDL, not an sa.Index attached to the table: attaching it would make step 1 create it too.
    conn.exec_driver_sql("CREATE INDEX cases_created ON cases (created)")


def _step3_format2(conn: Connection) -> None:
    # Store format 2: the header hash covers title and definitions, and the definition texts are kept.
    # Only ever applied to a store without cases (an old store with cases is refused, see _inspect).
    meta.create(conn)
    definitions.create(conn)
    for column in ("structure_hash", "process_hash"):
        conn.exec_driver_sql(f"ALTER TABLE cases ADD COLUMN {column} VARCHAR(64) NOT NULL DEFAULT ''")
    for column in ("structure_file", "process_file"):
        conn.exec_driver_sql(f"ALTER TABLE cases ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
    conn.execute(meta.insert().values(key="format", value=str(STORE_FORMAT)))


def _step4_meetings(conn: Connection) -> None:
    # The meeting records (samhandling.store.meetings), frozen here in their first shape.
    v4 = sa.MetaData()
    sa.Table(
        "meetings",
        v4,
        sa.Column("meeting_id", sa.String(200), primary_key=True),
        sa.Column("structure", sa.Text, nullable=False),
        sa.Column("body", sa.String(200), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("parts", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("notice_sent", sa.String(10)),
        sa.Column("attendance", sa.Text, nullable=False),
        sa.Column("created", sa.String(40), nullable=False),
    )
    sa.Table(
        "meeting_items",
        v4,
        sa.Column("body", sa.String(200), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("meeting_id", sa.String(200), sa.ForeignKey("meetings.meeting_id"), nullable=False),
        sa.Column("case_number", sa.Text, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("case_id", sa.String(200)),
        sa.Column("removed", sa.Integer, nullable=False),
        sa.Column("decision", sa.Text),
    )
    sa.Table(
        "case_number_counters",
        v4,
        sa.Column("body", sa.String(200), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last", sa.Integer, nullable=False),
    )
    v4.create_all(conn)
    conn.exec_driver_sql("CREATE INDEX meeting_items_meeting ON meeting_items (meeting_id)")


def _step5_deadlines(conn: Connection) -> None:
    # The version-5 shape, frozen here like step 1.
    v5 = sa.MetaData()
    sa.Table("cases", v5, sa.Column("case_id", sa.String(200), primary_key=True))
    sa.Table(
        "deadlines",
        v5,
        sa.Column("case_id", sa.String(200), sa.ForeignKey("cases.case_id"), primary_key=True),
        sa.Column("timer", sa.String(200), primary_key=True),
        sa.Column("armed_seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("state", sa.String(200), nullable=False),
        sa.Column("due", sa.String(10), nullable=False),
        sa.Column("fires_on", sa.String(10), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("closed_seq", sa.Integer),
    ).create(conn)
    # What a tick reads: the open deadlines by fire date (partial: fired and cancelled rows are never scanned).
    conn.exec_driver_sql("CREATE INDEX deadlines_open ON deadlines (fires_on) WHERE status = 'open'")


def _step6_meeting_duties(conn: Connection) -> None:
    # Who sent a meeting's notice and who wrote its minutes (S0-R5: the leader does both), party ids. A column
    # already there (a store whose version rows were rewound by hand) is left as it is.
    have = {c["name"] for c in sa.inspect(conn).get_columns("meetings")}
    for column in ("convened_by", "minute_taker"):
        if column not in have:
            conn.exec_driver_sql(f"ALTER TABLE meetings ADD COLUMN {column} VARCHAR(200)")


#: The schema's history: (version, description, step). Append new steps; never edit old ones.
MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "cases og events med hashkjede", _step1_initial),
    (2, "indeks på cases.created for «case list»", _step2_created_index),
    (3, "lagerformat 2: meta, definitions, definisjonshasher i cases", _step3_format2),
    (4, "møter: meetings, meeting_items, case_number_counters", _step4_meetings),
    (5, "frister (deadlines): tidsfrister som utløses av «tick»", _step5_deadlines),
    (6, "møter: hvem som kalte inn og skrev referatet (convened_by, minute_taker)", _step6_meeting_duties),
)
LATEST = MIGRATIONS[-1][0]

#: One case's part of :meth:`SqlStore.append_many`: (case id, events, expected seq, deadlines to arm, cancel).
AppendBatch = tuple[str, Sequence[EventLike], int, Sequence[Deadline], bool]

_PG_LOCK_KEY = 7_214_003_117  # pg_advisory_xact_lock key for schema upgrades


_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


def hide_password(text: str) -> str:
    """``postgresql://u:secret@h/db`` → ``postgresql://u:***@h/db`` (in any text)."""
    return _PASSWORD.sub(r"\1***@", text)


def normalise_url(url: str) -> str:
    """A SQLAlchemy URL from what a user typed: a plain path means a SQLite file.

    Refused (``store-url``): an empty text, ``-``, ``:memory:`` (use ``memory://``) and ``file:`` URIs, which would
    otherwise become odd file names.
    """
    text = url.strip()
    if not text:
        raise StoreError("tom adresse til hendelseslageret; oppgi en filsti eller postgresql://…", code="store-url")
    if text in ("-", ":memory:") or text.startswith("file:"):
        raise StoreError(
            f"«{text}» er ikke en gyldig adresse til hendelseslageret; bruk en filsti, sqlite:///STI, "
            "postgresql://… eller memory:// (i minnet)",
            code="store-url",
        )
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    if text.startswith("postgresql+psycopg://") or text.startswith("sqlite:"):
        return text
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise StoreError(
            f"ukjent type hendelseslager «{scheme}»; forventet en filsti, sqlite:///STI eller postgresql://…",
            code="store-url",
        )
    return "sqlite:///" + str(Path(text).expanduser().resolve())


#: (code, Norwegian explanation) by what SQLite says (lower case).
_SQLITE_ERRORS = (
    ("file is not a database", "store-not-database", "filen er ikke en samhandling-database (ikke SQLite)"),
    ("malformed", "store-corrupt", "databasefilen er skadet"),
    ("disk image", "store-corrupt", "databasefilen er skadet"),
    ("database is locked", "store-locked", "databasen er låst av en annen skriver; prøv igjen"),
    ("database table is locked", "store-locked", "databasen er låst av en annen skriver; prøv igjen"),
    ("readonly", "store-readonly", "hendelseslageret er skrivebeskyttet"),
    ("read-only", "store-readonly", "hendelseslageret er skrivebeskyttet"),
    ("unable to open", "store-open", "databasefilen kan ikke åpnes (mangler tilgang, eller mappen er skrivebeskyttet)"),
    ("disk i/o error", "store-io", "lese- eller skrivefeil på disken"),
    ("permission", "store-permission", "mangler tilgang"),
)
#: PostgreSQL SQLSTATE prefixes.
_PG_ERRORS = (
    ("42501", "store-permission", "mangler tilgang i databasen"),
    ("28", "store-permission", "databasen godtok ikke innloggingen"),
    ("3D000", "store-unavailable", "databasen finnes ikke"),
    ("08", "store-unavailable", "får ikke kontakt med databasetjeneren"),
    ("55P03", "store-locked", "databasen er låst av en annen skriver; prøv igjen"),
    ("40P01", "store-locked", "vranglås mot en annen skriver; prøv igjen"),
    ("25006", "store-readonly", "databasen er skrivebeskyttet"),
    ("XX001", "store-corrupt", "databasen er skadet"),
    ("XX002", "store-corrupt", "databasen er skadet"),
    ("57P", "store-unavailable", "databasetjeneren stoppet"),
)


def db_error(exc: BaseException, doing: str, where: str = "") -> StoreError:
    """A database failure as a typed, Norwegian :class:`StoreError` (never a raw driver exception)."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    detail = hide_password(text.splitlines()[0]) if text else type(orig).__name__
    code, why = "store-db", ""
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        for prefix, c, w in _PG_ERRORS:
            if sqlstate.startswith(prefix):
                code, why = c, w
                break
    if code == "store-db":
        low = text.lower()
        for needle, c, w in _SQLITE_ERRORS:
            if needle in low:
                code, why = c, w
                break
        else:
            if "connection" in low and ("refused" in low or "failed" in low or "timeout" in low):
                code, why = "store-unavailable", "får ikke kontakt med databasetjeneren"
    place = f" i «{where}»" if where else ""
    message = f"hendelseslageret svarte med feil under {doing}{place}: {why + ' ' if why else ''}({detail})"
    return StoreError(message, code=code, details={"driver": detail})


class SqlStore(EventStore):
    """An :class:`EventStore` on one SQLAlchemy engine (SQLite or PostgreSQL).

    Opening reads only: the tables are created (or an empty old store upgraded) on the first write, so listing
    or verifying a store never writes, and a SQLite file that is not writable (file or folder) is opened
    read-only (``mode=ro``; ``immutable=1`` when even the WAL index cannot be made).
    """

    def __init__(self, url: str, *, synchronous: str = "FULL", echo: bool = False) -> None:
        self.url = normalise_url(url)
        self._sqlite = self.url.startswith("sqlite")
        self._synchronous = synchronous
        self._path: Path | None = None
        self.read_only = False
        self._ready = False
        kwargs: dict[str, Any] = {"echo": echo}
        engine_url = self.url
        if self._sqlite:
            target = self.url.split("///", 1)[1] if "///" in self.url else ""
            if target and target != ":memory:" and not target.startswith("file:"):
                path = Path(target)
                self._path = path
                if not path.parent.is_dir():
                    raise StoreError(f"mappen «{path.parent}» for hendelseslageret finnes ikke", code="store-url")
                if path.exists():
                    if path.is_dir():
                        raise StoreError(f"«{path}» er en mappe, ikke en databasefil", code="store-url")
                    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
                        self.read_only = True
                        engine_url = self._ro_url(path, immutable=False)
            else:
                kwargs["poolclass"] = sa.pool.StaticPool
            kwargs["connect_args"] = {"timeout": 60, "check_same_thread": False}
        else:
            try:
                import psycopg  # noqa: F401
            except ModuleNotFoundError:
                raise MissingExtraError.for_module("psycopg", "pg") from None
        self._kwargs = kwargs
        self._local = threading.local()  # ``writing``: the connection of this thread's tick transaction, if any
        self._engine: Engine = self._make_engine(engine_url, url)
        compiled = events.insert().compile(dialect=self._engine.dialect)
        self._insert_sql: str | None = None
        if compiled.positional and list(compiled.positiontup or ()) == list(_ROW_KEYS):
            self._insert_sql = str(compiled)
        self._inspect()

    @staticmethod
    def _ro_url(path: Path, immutable: bool) -> str:
        from urllib.parse import quote

        flags = "immutable=1" if immutable else "mode=ro"
        return f"sqlite:///file:{quote(str(path))}?{flags}&uri=true"

    def _make_engine(self, engine_url: str, shown: str) -> Engine:
        try:
            engine = sa.create_engine(engine_url, **self._kwargs)
        except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError) as exc:
            raise StoreError(
                f"ugyldig adresse til hendelseslageret «{hide_password(shown)}»: {hide_password(str(exc))}",
                code="store-url",
            ) from exc
        if self._sqlite:
            sa_event.listen(engine, "connect", self._sqlite_connect)
            sa_event.listen(engine, "begin", self._sqlite_begin)
        return engine

    # -- connection set-up ----------------------------------------------------------------------------------

    def _sqlite_connect(self, dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute("PRAGMA foreign_keys=ON")
        if self.read_only:
            cur.execute("PRAGMA query_only=ON")
        else:
            cur.execute(f"PRAGMA synchronous={self._synchronous}")
        cur.close()

    def _sqlite_begin(self, conn: Connection) -> None:
        # Writers take the write lock up front, so a read-then-write never deadlocks or upgrades late.
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    @property
    def _where(self) -> str:
        if self._path is not None:
            return str(self._path)
        return self._engine.url.render_as_string(hide_password=True)

    def _error(self, exc: BaseException, doing: str) -> StoreError:
        return db_error(exc, doing, self._where)

    def _read(self, snapshot: bool = False) -> Any:
        """A connection for reading; ``snapshot``: every query of its transaction sees the same moment.

        SQLite in WAL mode gives that to any read transaction; PostgreSQL needs REPEATABLE READ.
        """
        conn = self._engine.connect()
        if self._sqlite:
            conn = conn.execution_options(sqlite_begin="DEFERRED")
        elif snapshot:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        return conn

    def _exists(self) -> bool:
        return self._path is None or self._path.exists()

    # -- the schema -----------------------------------------------------------------------------------------

    def _inspect(self) -> None:
        """Read (never write) what the store holds; refuse a newer schema or an old format with cases."""
        if self._ready or not self._exists():
            return
        try:
            with self._read() as conn:
                self._check_format(conn)
        except StoreError:
            raise
        except (sa_exc.SQLAlchemyError, sqlite3.Error) as exc:
            text = str(exc).lower()
            if self._sqlite and self.read_only and ("unable to open" in text or "readonly" in text):
                # A WAL database in a folder we may not write: the WAL index cannot be made; read it as is.
                self._engine.dispose()
                self._engine = self._make_engine(self._ro_url(self._path or Path(), immutable=True), self.url)
                try:
                    with self._read() as conn:
                        self._check_format(conn)
                    return
                except StoreError:
                    raise
                except (sa_exc.SQLAlchemyError, sqlite3.Error) as exc2:
                    raise self._error(exc2, "åpning") from exc2
            raise self._error(exc, "åpning") from exc

    def _check_format(self, conn: Connection) -> None:
        names = set(sa.inspect(conn).get_table_names())
        if "cases" not in names and "schema_version" not in names:
            return  # an empty store: created on the first write
        current = self._schema_version(conn) if "schema_version" in names else 0
        if current > LATEST:
            raise StoreError(
                f"hendelseslageret har skjemaversjon {current}, men denne versjonen av samhandling "
                f"kjenner bare til versjon {LATEST}; oppgrader samhandling",
                code="store-schema",
                details={"schema": current},
            )
        fmt = 1
        if "meta" in names:
            value = conn.scalar(sa.select(meta.c.value).where(meta.c.key == "format"))
            fmt = int(value) if value and str(value).isdigit() else 0
        if fmt != STORE_FORMAT:
            count = int(conn.scalar(sa.select(sa.func.count()).select_from(cases)) or 0) if "cases" in names else 0
            if count or fmt > STORE_FORMAT or fmt == 0:
                raise StoreError(
                    f"hendelseslageret «{self._where}» har lagerformat {fmt} med {count} saker, men denne versjonen "
                    f"av samhandling bruker lagerformat {STORE_FORMAT} (hashen over saksopplysningene dekker nå "
                    "også tittel og definisjoner, og definisjonene lagres i lageret); det kan ikke oppgraderes på "
                    "stedet uten å bryte hashkjedene: kopier sakene til et nytt lager med "
                    "samhandling.app.migrate.migrate_format1(gammelt, nytt) (se docs/store.md)",
                    code="store-format",
                    details={"format": fmt, "cases": count},
                )
            return  # an old, empty store: upgraded on the first write
        self._ready = current == LATEST

    def _ensure_schema(self) -> None:
        """Create the tables, or upgrade an empty old store, before the first write."""
        if self.read_only:
            raise StoreError(
                f"hendelseslageret «{self._where}» er skrivebeskyttet (filen eller mappen); "
                "det kan leses og kontrolleres, men ikke endres",
                code="store-readonly",
            )
        if self._ready:
            return
        try:
            if self._sqlite:
                raw = self._engine.raw_connection()
                try:
                    cur = raw.cursor()
                    cur.execute("PRAGMA journal_mode=WAL")  # persistent; readers then never block writers
                    cur.close()
                finally:
                    raw.close()
            with self._engine.begin() as conn:
                if not self._sqlite:
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
                self._check_format(conn)
                if self._ready:
                    return
                schema_version.create(conn, checkfirst=True)
                current = self._schema_version(conn)
                for version, description, step in MIGRATIONS:
                    if version > current:
                        step(conn)
                        conn.execute(
                            schema_version.insert().values(
                                version=version, description=description, applied_at=utc_now()
                            )
                        )
            self._ready = True
        except StoreError:
            raise
        except (sa_exc.SQLAlchemyError, sqlite3.Error) as exc:
            raise self._error(exc, "oppretting av tabellene") from exc

    def initialise(self) -> None:
        """Create the tables now (they are otherwise made on the first write); a no-op when they exist."""
        self._ensure_schema()

    def _has_tables(self) -> bool:
        """For readers: does the store hold tables yet (an empty or missing store reads as empty)."""
        if self._ready:
            return True
        if not self._exists():
            return False
        self._inspect()
        if self._ready:
            return True
        try:
            with self._read() as conn:
                return bool(sa.inspect(conn).has_table("cases")) and bool(sa.inspect(conn).has_table("meta"))
        except (sa_exc.SQLAlchemyError, sqlite3.Error) as exc:
            raise self._error(exc, "lesing") from exc

    @staticmethod
    def _schema_version(conn: Connection) -> int:
        if not sa.inspect(conn).has_table("schema_version"):
            return 0
        return int(conn.scalar(sa.select(sa.func.max(schema_version.c.version))) or 0)

    def schema_version(self) -> int:
        if not self._exists():
            return 0
        try:
            with self._read() as conn:
                return self._schema_version(conn)
        except (sa_exc.SQLAlchemyError, sqlite3.Error) as exc:
            raise self._error(exc, "lesing") from exc

    def store_format(self) -> int | None:
        """The store format recorded in ``meta`` (None for an empty store)."""
        if not self._has_tables():
            return None
        with self._reading("lesing") as conn:
            value = conn.scalar(sa.select(meta.c.value).where(meta.c.key == "format"))
        return int(value) if value is not None else None

    @contextlib.contextmanager
    def _reading(self, doing: str, snapshot: bool = False) -> Iterator[Connection]:
        """A read connection (a transaction when ``snapshot``) whose database errors become StoreErrors.

        Inside a tick's write transaction on this thread (:meth:`fire_due` on SQLite, while it plans) that
        transaction's own connection: it sees what the tick will write over, and opens no second connection.
        """
        writing = getattr(self._local, "writing", None)
        try:
            if writing is not None:
                yield writing
                return
            with self._read(snapshot) as conn:
                if snapshot:
                    with conn.begin():
                        yield conn
                else:
                    yield conn
        except (sa_exc.SQLAlchemyError, sqlite3.Error) as exc:
            raise self._error(exc, doing) from exc

    # -- writing --------------------------------------------------------------------------------------------

    def create_case(
        self,
        header: CaseHeader,
        events_: Sequence[EventLike],
        definitions: Sequence[Definition] = (),
        arm: Sequence[Deadline] = (),
    ) -> list[StoredEvent]:
        check_arms(header.case_id, arm, 1, len(events_))
        rows = self._import([(header, events_)], utc_now(), definitions, arm=arm)
        return [Row._make(r).as_event() for r in rows]

    def import_cases(
        self,
        items: Sequence[tuple[CaseHeader, Sequence[EventLike]]],
        recorded_at: str | None = None,
        definitions: Sequence[Definition] = (),
        meta_rows: dict[str, str] | None = None,
    ) -> int:
        """Create many cases with their events in one transaction (the bulk-import path); returns the event count.

        All or nothing: if one case id exists already, nothing is imported (ConflictError). ``definitions``: the
        texts the headers refer to; ``meta_rows``: extra ``meta`` entries written in the same transaction.
        """
        return len(self._import(items, recorded_at or utc_now(), definitions, meta_rows))

    def _import(
        self,
        items: Sequence[tuple[CaseHeader, Sequence[EventLike]]],
        when: str,
        defs: Sequence[Definition] = (),
        meta_rows: dict[str, str] | None = None,
        arm: Sequence[Deadline] = (),
    ) -> list[RowTuple]:
        headers: list[dict[str, Any]] = []
        rows: list[RowTuple] = []
        for header, evs in items:
            if not evs:
                raise no_events(header.case_id)
            chained = chain_tuples(header.case_id, evs, 1, header.genesis_hash(), when)
            values = dict(zip(_CASE_KEYS, attrs.astuple(header), strict=True))
            values["head_seq"], values["head_hash"] = len(chained), chained[-1][11]
            headers.append(values)
            rows.extend(chained)
        self._ensure_schema()
        if not headers and not meta_rows:
            return rows
        try:
            with self._engine.begin() as conn:
                self._insert_definitions(conn, defs)
                if headers:
                    conn.execute(cases.insert(), headers)
                self._insert_rows(conn, rows)
                if arm:
                    conn.execute(deadline_table.insert(), [_deadline_values(d) for d in arm])
                if meta_rows:
                    conn.execute(meta.insert(), [{"key": k, "value": v} for k, v in meta_rows.items()])
        except sa_exc.IntegrityError as exc:
            if len(headers) == 1:
                raise Conflicts.exists(headers[0]["case_id"]) from exc
            ids = ", ".join(h["case_id"] for h in headers[:3])
            raise ConflictError(
                f"minst én av sakene ({ids} …) finnes allerede, eller to av dem har samme id; ingenting ble importert"
            ) from exc
        except (sa_exc.SQLAlchemyError, sqlite3.Error) as exc:
            raise self._error(exc, "oppretting av sak") from exc
        return rows

    def _insert_definitions(self, conn: Connection, defs: Sequence[Definition]) -> None:
        unique = {d.hash: d for d in defs}
        if not unique:
            return
        have = set(conn.scalars(sa.select(definitions.c.hash).where(definitions.c.hash.in_(list(unique)))))
        new = [
            {"hash": d.hash, "kind": d.kind, "name": d.name, "version": d.version, "text": d.text}
            for h, d in unique.items()
            if h not in have
        ]
        if not new:
            return
        if self._sqlite:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert  # type: ignore[assignment]
        # Another writer may store the same text at the same moment: the same row, so keep theirs.
        conn.execute(dialect_insert(definitions).on_conflict_do_nothing(index_elements=["hash"]), new)

    def _insert_rows(self, conn: Connection, rows: Sequence[RowTuple]) -> None:
        if not rows:
            return
        if self._insert_sql is not None:
            # A positional driver (sqlite3): hand the plain tuples straight to executemany, in column order.
            conn.exec_driver_sql(self._insert_sql, rows)
        else:
            conn.execute(events.insert(), [dict(zip(_ROW_KEYS, r, strict=True)) for r in rows])

    def append(
        self,
        case_id: str,
        events_: Sequence[EventLike],
        expected_seq: int,
        *,
        arm: Sequence[Deadline] = (),
        cancel: bool = False,
    ) -> list[StoredEvent]:
        return self.append_many([(case_id, events_, expected_seq, arm, cancel)])[0]

    def append_many(
        self,
        batches: Sequence[AppendBatch],
        also: Callable[[Connection], None] | None = None,
    ) -> list[list[StoredEvent]]:
        """Append to several cases (and run ``also`` on the same connection) in ONE transaction: all or nothing.

        Each batch is (case id, events, expected seq, deadlines to arm, cancel) as for :meth:`append`; a conflict on
        any case, or an error raised by ``also``, rolls every write back. The meeting records use it to store
        minutes with their acts (and the acts' deadlines).
        """
        if batches and not self._has_tables():
            raise case_not_found(batches[0][0])
        self._ensure_schema()  # raises the read-only error
        out: list[list[StoredEvent]] = []
        case_id, expected_seq = "", 0
        try:
            with self._engine.begin() as conn:
                for case_id, events_, expected_seq, arm, cancel in batches:
                    out.append(self.append_in(conn, case_id, events_, expected_seq, arm=arm, cancel=cancel))
                if also is not None:
                    also(conn)
        except sa_exc.IntegrityError as exc:
            # Another writer inserted the same (case_id, seq) first: the primary key refused ours.
            raise Conflicts.sequence(case_id, expected_seq, expected_seq) from exc
        except sa_exc.OperationalError as exc:
            if not self._sqlite and "deadlock" in str(exc).lower():
                raise Conflicts.sequence(case_id, expected_seq, expected_seq) from exc
            raise self._error(exc, "skriving") from exc
        except (sa_exc.SQLAlchemyError, sqlite3.Error) as exc:
            raise self._error(exc, "skriving") from exc
        return out

    def append_in(
        self,
        conn: Connection,
        case_id: str,
        events_: Sequence[EventLike],
        expected_seq: int,
        *,
        arm: Sequence[Deadline] = (),
        cancel: bool = False,
    ) -> list[StoredEvent]:
        """One case's append inside the caller's transaction ``conn`` (see :meth:`append_many`): the events, the
        deadlines they arm, and (``cancel``) the cancelling of the open deadlines armed before them."""
        head = conn.execute(
            sa.select(cases.c.head_seq, cases.c.head_hash).where(cases.c.case_id == case_id).with_for_update()
        ).one_or_none()
        if head is None:
            raise case_not_found(case_id)
        if head.head_seq != expected_seq - 1:
            raise Conflicts.head(case_id, expected_seq, head.head_seq)
        rows = chain_rows(case_id, events_, expected_seq, head.head_hash)
        if not rows:
            return []
        check_arms(case_id, arm, expected_seq, rows[-1].seq)
        self._insert_rows(conn, [tuple(r) for r in rows])  # type: ignore[misc]
        if cancel:
            self._cancel(conn, case_id, expected_seq, expected_seq)
        self._arm(conn, arm)
        moved = conn.execute(
            sa.update(cases)
            .where(cases.c.case_id == case_id, cases.c.head_seq == expected_seq - 1)
            .values(head_seq=rows[-1].seq, head_hash=rows[-1].hash)
        )
        if moved.rowcount != 1:
            raise Conflicts.head(case_id, expected_seq, -1)
        return [r.as_event() for r in rows]

    # -- deadlines ------------------------------------------------------------------------------------------

    @staticmethod
    def _cancel(conn: Connection, case_id: str, before_seq: int, closed_seq: int, timer: str | None = None) -> None:
        where = [
            deadline_table.c.case_id == case_id,
            deadline_table.c.status == DEADLINE_OPEN,
            deadline_table.c.armed_seq < before_seq,
        ]
        if timer is not None:
            where.append(deadline_table.c.timer == timer)
        conn.execute(sa.update(deadline_table).where(*where).values(status=DEADLINE_CANCELLED, closed_seq=closed_seq))

    def _arm(self, conn: Connection, arm: Sequence[Deadline], armed_seq: int | None = None) -> None:
        if not arm:
            return
        for d in arm:
            seq = d.armed_seq if armed_seq is None else armed_seq
            self._cancel(conn, d.case_id, seq, seq, d.timer)
        conn.execute(deadline_table.insert(), [_deadline_values(d, armed_seq) for d in arm])

    def _has_deadlines(self) -> bool:
        if not self._has_tables():
            return False
        if self._ready:
            return True
        with self._reading("lesing av frister") as conn:
            return bool(sa.inspect(conn).has_table("deadlines"))

    def deadlines(self, case_id: str | None = None, status: str | None = None) -> list[Deadline]:
        if not self._has_deadlines():
            return []
        query = sa.select(*_DEADLINE_COLS)
        if case_id is not None:
            query = query.where(deadline_table.c.case_id == case_id)
        if status is not None:
            query = query.where(deadline_table.c.status == status)
        query = query.order_by(
            deadline_table.c.fires_on, deadline_table.c.case_id, deadline_table.c.timer, deadline_table.c.armed_seq
        )
        with self._reading("lesing av frister") as conn:
            return [_deadline(r) for r in conn.execute(query)]

    # No ORDER BY in the due query: sorting in the database would walk the primary key over every deadline
    # instead of the partial index over the open ones; the few due rows are sorted here.

    def due_by_definition(self, on: dt.date) -> dict[tuple[str, str], list[Deadline]]:
        if not self._has_deadlines():
            return {}
        ph = "?" if self._sqlite else "%s"
        cols = ", ".join(f"d.{k}" for k in _DEADLINE_KEYS)
        sql = (
            f"SELECT {cols}, c.structure_hash, c.process_hash FROM deadlines d JOIN cases c ON c.case_id = d.case_id "
            f"WHERE d.status = '{DEADLINE_OPEN}' AND d.fires_on <= {ph}"
        )
        out: dict[tuple[str, str], list[Deadline]] = {}
        with self._reading("lesing av frister") as conn:
            for r in conn.exec_driver_sql(sql, (on.isoformat(),)):
                out.setdefault((r[10], r[11]), []).append(_deadline(r))
        for found in out.values():
            found.sort(key=lambda d: d.key)
        return out

    def due_deadlines(self, on: dt.date) -> list[Deadline]:
        if not self._has_deadlines():
            return []
        ph = "?" if self._sqlite else "%s"
        sql = f"SELECT {', '.join(_DEADLINE_KEYS)} FROM deadlines WHERE status = '{DEADLINE_OPEN}' AND fires_on <= {ph}"
        with self._reading("lesing av frister") as conn:
            found = [_deadline(r) for r in conn.exec_driver_sql(sql, (on.isoformat(),))]
        found.sort(key=lambda d: d.key)
        return found

    #: Firings per transaction (:meth:`fire`, and every tick on PostgreSQL): each holds the row locks of its cases
    #: until it commits.
    FIRE_BATCH = 1000

    def fire(self, firings: Sequence[Firing]) -> list[StoredEvent]:
        if not firings or not self._has_deadlines():
            return []
        self._ensure_schema()
        ordered = sorted(firings, key=firing_order)  # one lock order for every ticker: no deadlock
        out: list[StoredEvent] = []
        for start in range(0, len(ordered), self.FIRE_BATCH):
            try:
                with self._engine.begin() as conn:
                    out.extend(self._fire_batch(conn, ordered[start : start + self.FIRE_BATCH]))
            except (sa_exc.SQLAlchemyError, sqlite3.Error) as exc:
                raise self._error(exc, "utløsing av frister") from exc
        return out

    def fire_due(self, on: dt.date, plan: FiringPlan) -> list[StoredEvent]:
        """SQLite: one transaction under the write lock (``BEGIN IMMEDIATE``): one query over the partial index
        reads the due deadlines with their cases' heads, ``plan`` plans the firings, and they are written in one
        ``executemany`` per table, rows addressed by ``rowid``. Nothing can change between the read and the
        writes, so nothing is read twice; a second tick waits for the lock, then finds nothing due.
        ``plan``'s reads of the store run on the same connection. PostgreSQL (and a read-only SQLite store) reads,
        plans, then :meth:`fire` locks the heads and checks the deadlines are still open and due.
        """
        if not self._sqlite or self.read_only:
            return super().fire_due(on, plan)
        if not self._has_deadlines():
            return []
        self._ensure_schema()
        try:
            with self._engine.begin() as conn:
                return self._fire_due_sqlite(conn, on, plan)
        except (sa_exc.SQLAlchemyError, sqlite3.Error) as exc:
            raise self._error(exc, "utløsing av frister") from exc

    def _fire_due_sqlite(self, conn: Connection, on: dt.date, plan: FiringPlan) -> list[StoredEvent]:
        db = conn.connection.driver_connection  # the sqlite3 connection, inside the transaction just begun
        assert db is not None
        found = db.execute(_DUE_WITH_HEADS, (on.isoformat(),)).fetchall()
        if not found:
            return []
        groups: dict[tuple[str, str], list[Deadline]] = {}
        heads: dict[str, tuple[int, str]] = {}
        rowids: dict[tuple[str, str, int], int] = {}
        case_rowids: dict[str, int] = {}
        found.sort(key=_BY_DEADLINE_KEY)  # each group then comes out in deadline-key order
        for rowid, case_rowid, cid, timer, seq, kind, state, due, fires_on, payload, h_seq, h_hash, s, p in found:
            d = Deadline(cid, timer, seq, kind, state, due, fires_on, {} if payload == "{}" else load_payload(payload))
            rowids[(cid, timer, seq)] = rowid
            case_rowids[cid] = case_rowid
            heads[cid] = (h_seq, h_hash)
            if (group := groups.get((s, p))) is None:
                group = groups[(s, p)] = []
            group.append(d)
        self._local.writing = conn  # what plan reads (definitions, expiring cases) it reads in this transaction
        try:
            firings = plan(groups)
        finally:
            self._local.writing = None
        # One due deadline per case (the usual tick): a firing per case at most (a second one for the same deadline
        # is skipped), so no order to keep; SQLite's lock is the whole database's.
        w = _FiringWrites.of(firings, heads, set(rowids), in_order=len(found) == len(heads))
        if not w.rows:
            return []
        if w.marks:
            db.executemany(_MARK_FIRED_BY_ROWID, [(seq, rowids[key]) for seq, key in w.marks])
        if w.moves:
            db.executemany(_MOVE_ON_BY_ROWID, [(due, fires_on, rowids[key]) for due, fires_on, key in w.moves])
        if self._insert_sql is not None:
            db.executemany(self._insert_sql, w.rows)
        else:  # pragma: no cover - sqlite3 is positional
            self._insert_rows(conn, w.rows)
        if w.arms:
            db.executemany(_INSERT_DEADLINE.replace("%s", "?"), w.arms)
        if w.cancels:
            db.executemany(_CANCEL_BEFORE.replace("%s", "?"), w.cancels)
        db.executemany(_MOVE_HEAD_BY_ROWID, [(s, h, case_rowids[c]) for c, (s, h) in w.heads.items()])
        return w.events

    def _fire_batch(self, conn: Connection, firings: Sequence[Firing]) -> list[StoredEvent]:
        ph = "?" if self._sqlite else "%s"
        # A deadline fires when it is still open and still due on the day planned (a repeating reminder that
        # fired meanwhile has moved on to its next period under the same key).
        wanted = {f.deadline.key: f.deadline.fires_on for f in firings}
        latest = max(wanted.values())
        if self._sqlite:
            # The write lock is the database's (BEGIN IMMEDIATE): the heads and which deadlines are still open,
            # read together in one pass over the partial index.
            heads: dict[str, tuple[int, str]] = {}
            still_open: set[tuple[str, str, int]] = set()
            for r in conn.exec_driver_sql(
                "SELECT d.case_id, d.timer, d.armed_seq, d.fires_on, c.head_seq, c.head_hash FROM deadlines d "
                f"JOIN cases c ON c.case_id = d.case_id WHERE d.status = '{DEADLINE_OPEN}' AND d.fires_on <= ?",
                (latest,),
            ):
                if wanted.get(k := (r[0], r[1], r[2])) == r[3]:
                    still_open.add(k)
                    heads[r[0]] = (r[4], r[5])
        else:
            # Lock the case heads first (as an append does), in case order: every ticker and every act takes the
            # same locks in the same order, so two ticks never deadlock; the second waits, then finds the
            # deadlines fired. Then which of them are still open (every change of a deadline happens under its
            # case's head lock), from the same range of the partial index the due query read.
            ids = sorted({f.deadline.case_id for f in firings})
            heads = {
                r[0]: (r[1], r[2])
                for r in conn.exec_driver_sql(
                    f"SELECT case_id, head_seq, head_hash FROM cases WHERE case_id IN ({', '.join([ph] * len(ids))}) "
                    "ORDER BY case_id FOR UPDATE",
                    tuple(ids),
                )
            }
            open_sql = (
                f"SELECT case_id, timer, armed_seq, fires_on FROM deadlines WHERE status = '{DEADLINE_OPEN}' "
                f"AND fires_on <= {ph}"
            )
            still_open = {
                k for r in conn.exec_driver_sql(open_sql, (latest,)) if wanted.get(k := (r[0], r[1], r[2])) == r[3]
            }
        w = _FiringWrites.of(firings, heads, still_open)
        if not w.rows:
            return []

        def sql(text: str) -> str:
            return text if ph == "%s" else text.replace("%s", "?")

        if w.marks:
            conn.exec_driver_sql(sql(_MARK_FIRED_BY_KEY), [(seq, *key) for seq, key in w.marks])
        if w.moves:
            conn.exec_driver_sql(sql(_MOVE_ON_BY_KEY), [(due, fires_on, *key) for due, fires_on, key in w.moves])
        self._insert_rows(conn, w.rows)
        if w.arms:
            conn.exec_driver_sql(sql(_INSERT_DEADLINE), w.arms)
        if w.cancels:
            conn.exec_driver_sql(sql(_CANCEL_BEFORE), w.cancels)
        conn.exec_driver_sql(sql(_MOVE_HEAD_BY_KEY), [(s, h, c) for c, (s, h) in w.heads.items()])
        return w.events

    def headers_for(self, case_ids: Sequence[str]) -> dict[str, CaseHeader]:
        if not case_ids or not self._has_tables():
            return {}
        out: dict[str, CaseHeader] = {}
        wanted = list(dict.fromkeys(case_ids))
        ph = "?" if self._sqlite else "%s"
        with self._reading("lesing av saker") as conn:
            for start in range(0, len(wanted), 900):
                chunk = wanted[start : start + 900]
                sql = f"SELECT {', '.join(_CASE_KEYS)} FROM cases WHERE case_id IN ({', '.join([ph] * len(chunk))})"
                for r in conn.exec_driver_sql(sql, tuple(chunk)):
                    out[r[0]] = CaseHeader(*r)
        return out

    # -- reading --------------------------------------------------------------------------------------------

    def header(self, case_id: str) -> CaseHeader:
        if not self._has_tables():
            raise case_not_found(case_id)
        ph = "?" if self._sqlite else "%s"  # driver SQL: nothing to compile on a fresh engine (each CLI command)
        with self._reading("lesing av sak") as conn:
            row = conn.exec_driver_sql(
                f"SELECT {', '.join(_CASE_KEYS)} FROM cases WHERE case_id = {ph}", (case_id,)
            ).one_or_none()
        if row is None:
            raise case_not_found(case_id)
        return CaseHeader(*row)

    def rows(self, case_id: str) -> list[Row]:
        return self.case_rows(case_id)[1]

    _rows_query = sa.select(*_EVENT_COLS).where(events.c.case_id == sa.bindparam("case_id")).order_by(events.c.seq)

    def case_rows(self, case_id: str) -> tuple[CaseHeader, list[Row]]:
        if not self._has_tables():
            raise case_not_found(case_id)
        with self._reading("lesing av sak", snapshot=True) as conn:
            head = conn.execute(sa.select(*_CASE_COLS).where(cases.c.case_id == case_id)).one_or_none()
            if head is None:
                raise case_not_found(case_id)
            return CaseHeader(*head), [Row(*r) for r in conn.execute(self._rows_query, {"case_id": case_id})]

    def cases_rows(self, case_ids: Sequence[str]) -> dict[str, tuple[CaseHeader, list[Row]]]:
        """Several cases' headers and rows in one read snapshot: two queries per 900 cases."""
        wanted = list(dict.fromkeys(case_ids))
        if not wanted or not self._has_tables():
            return {}
        ph = "?" if self._sqlite else "%s"
        found: dict[str, tuple[CaseHeader, list[Row]]] = {}
        with self._reading("lesing av saker", snapshot=True) as conn:
            # SQLite: the driver's own cursor (the rows as they come; SQLAlchemy's result machinery costs more than
            # the query for the few cases a tick replays). PostgreSQL: through SQLAlchemy.
            db = conn.connection.driver_connection if self._sqlite else None
            for start in range(0, len(wanted), 900):
                chunk = tuple(wanted[start : start + 900])
                marks = ", ".join([ph] * len(chunk))
                heads = f"SELECT {', '.join(_CASE_KEYS)} FROM cases WHERE case_id IN ({marks})"
                rows = db.execute(heads, chunk) if db is not None else conn.exec_driver_sql(heads, chunk)
                for r in rows.fetchall():
                    found[r[0]] = (CaseHeader(*r), [])
                sql = f"SELECT {', '.join(_ROW_KEYS)} FROM events WHERE case_id IN ({marks}) ORDER BY case_id, seq"
                rows = db.execute(sql, chunk) if db is not None else conn.exec_driver_sql(sql, chunk)
                for r in rows.fetchall():
                    if (entry := found.get(r[0])) is not None:
                        entry[1].append(_new_tuple(Row, r))
        return found

    def headers(self) -> list[CaseHeader]:
        if not self._has_tables():
            return []
        with self._reading("lesing av sakslisten") as conn:
            return [
                CaseHeader(*r) for r in conn.execute(sa.select(*_CASE_COLS).order_by(cases.c.created, cases.c.case_id))
            ]

    _summary_query = (
        sa.select(*_CASE_COLS, events.c.to_state)
        .select_from(
            cases.outerjoin(events, sa.and_(events.c.case_id == cases.c.case_id, events.c.seq == cases.c.head_seq))
        )
        .order_by(cases.c.created, cases.c.case_id)
    )

    def summaries(self) -> list[CaseSummary]:
        """Every case with its state: one query (the head row joined on ``(case_id, head_seq)``)."""
        if not self._has_tables():
            return []
        new_header, new_summary = CaseHeader, CaseSummary
        with self._reading("lesing av sakslisten") as conn:
            result = conn.execute(self._summary_query)
            return [new_summary(new_header(*r[:12]), r[12]) for r in result]

    def definition(self, digest: str) -> Definition:
        if not self._has_tables():
            raise definition_not_found(digest)
        ph = "?" if self._sqlite else "%s"
        with self._reading("lesing av definisjon") as conn:
            row = conn.exec_driver_sql(
                f"SELECT kind, name, version, text FROM definitions WHERE hash = {ph}", (digest,)
            ).one_or_none()
        if row is None:
            raise definition_not_found(digest)
        try:
            return Definition(row.kind, row.name, row.version, row.text, digest)
        except StoreError as exc:
            raise StoreError(
                f"definisjonen med sha256 {digest[:12]}… er endret i lageret; teksten har ikke lenger "
                f"den hashen saken viser til ({exc.message})",
                code="store-definition-changed",
                details={"hash": digest},
            ) from exc

    def definition_status(self, digests: Iterable[str] | None = None) -> dict[str, bool]:
        if not self._has_tables():
            return {}
        query = sa.select(definitions.c.hash, definitions.c.text)
        if digests is not None:
            wanted = list(digests)
            if not wanted:
                return {}
            query = query.where(definitions.c.hash.in_(wanted))
        with self._reading("lesing av definisjoner") as conn:
            return {h: text_hash(t) == h for h, t in conn.execute(query)}

    def events(self, case_id: str) -> list[StoredEvent]:
        if not self._has_tables():
            raise case_not_found(case_id)
        with self._reading("lesing av sak") as conn:
            evs = [event_from_db(r) for r in conn.execute(self._rows_query, {"case_id": case_id})]
            if not evs and conn.execute(sa.select(cases.c.case_id).where(cases.c.case_id == case_id)).first() is None:
                raise case_not_found(case_id)
            return evs

    def iter_all_rows(self) -> Iterator[tuple[CaseHeader, list[Row]]]:
        for _cid, header, rows in self.verify_stream():
            if header is not None:
                yield header, rows

    def verify_stream(self) -> Iterator[tuple[str, CaseHeader | None, list[Row]]]:
        """Two queries in one snapshot: the headers, then every event streamed in (case, seq) order."""
        if not self._has_tables():
            return
        with self._reading("kontroll", snapshot=True) as conn:
            headers = {r[0]: CaseHeader(*r) for r in conn.execute(sa.select(*_CASE_COLS))}
            result = conn.execution_options(yield_per=5000).execute(
                sa.select(*_EVENT_COLS).order_by(events.c.case_id, events.c.seq)
            )
            current: str | None = None
            bucket: list[Row] = []
            for r in result:
                if r[0] != current:
                    if current is not None:
                        yield current, headers.pop(current, None), bucket
                    current, bucket = r[0], []
                bucket.append(Row(*r))
            if current is not None:
                yield current, headers.pop(current, None), bucket
            for cid, h in headers.items():
                yield cid, h, []

    def storage_failures(self) -> list[ChainFailure]:
        """SQLite: ``PRAGMA integrity_check`` over the whole file (pages, indexes, constraints)."""
        if not self._sqlite or not self._exists():
            return []
        try:
            with self._read() as conn:
                found = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check(20)")]
        except (sa_exc.SQLAlchemyError, sqlite3.Error) as exc:
            err = self._error(exc, "kontroll av databasefilen")
            return [ChainFailure("", 0, err.message, "store-corrupt")]
        if found == ["ok"]:
            return []
        shown = "; ".join(found[:3]) + (f" (og {len(found) - 3} til)" if len(found) > 3 else "")
        return [
            ChainFailure(
                "", 0, f"databasefilen «{self._where}» er skadet (SQLite integrity_check: {shown})", "store-corrupt"
            )
        ]

    def all_events(self) -> Iterator[StoredEvent]:
        """Every stored event, ordered by case and seq (the replay path the benchmark measures)."""
        if not self._has_tables():
            return
        with self._reading("lesing", snapshot=True) as conn:
            result = conn.execution_options(yield_per=5000).execute(
                sa.select(*_EVENT_COLS).order_by(events.c.case_id, events.c.seq)
            )
            for r in result:
                yield event_from_db(r)

    def close(self) -> None:
        self._engine.dispose()

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for tests and tools that need raw access)."""
        return self._engine

    def __repr__(self) -> str:
        return f"<SqlStore {self._engine.url.render_as_string(hide_password=True)}>"
