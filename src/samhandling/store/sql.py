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

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine

from samhandling.errors import ConflictError, MissingExtraError, StoreError
from samhandling.store.base import (
    CaseHeader,
    Conflicts,
    EventLike,
    EventStore,
    Row,
    RowTuple,
    StoredEvent,
    case_not_found,
    chain_rows,
    chain_tuples,
    event_from_db,
    utc_now,
)

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version", metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
)

cases = sa.Table(
    "cases", metadata,
    sa.Column("case_id", sa.String(200), primary_key=True),
    sa.Column("structure", sa.Text, nullable=False),
    sa.Column("process", sa.String(200), nullable=False),
    sa.Column("version", sa.String(100), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("created", sa.String(40), nullable=False),
    sa.Column("head_seq", sa.Integer, nullable=False),
    sa.Column("head_hash", sa.String(64), nullable=False),
)

events = sa.Table(
    "events", metadata,
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

_EVENT_COLS = [
    events.c.case_id, events.c.seq, events.c.act, events.c.body, events.c.person, events.c.on_date,
    events.c.payload, events.c.from_state, events.c.to_state, events.c.recorded_at, events.c.prev_hash,
    events.c.hash,
]
_ROW_KEYS = tuple(c.name for c in _EVENT_COLS)
_CASE_COLS = [cases.c.case_id, cases.c.structure, cases.c.process, cases.c.version, cases.c.title,
              cases.c.created, cases.c.head_seq, cases.c.head_hash]


def _step1_initial(conn: Connection) -> None:
    # The module's Table objects still have exactly the version-1 shape. A later step that alters a table
    # must first freeze the version-1 definitions here, so that upgrading an old store and creating a new
    # one run the same steps.
    cases.create(conn)
    events.create(conn)


def _step2_created_index(conn: Connection) -> None:
    # Plain DDL, not an sa.Index attached to the table: attaching it would make step 1 create it too.
    conn.exec_driver_sql("CREATE INDEX cases_created ON cases (created)")


#: The schema's history: (version, description, step). Append new steps; never edit old ones.
MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "cases og events med hashkjede", _step1_initial),
    (2, "indeks på cases.created for «case list»", _step2_created_index),
)
LATEST = MIGRATIONS[-1][0]

_PG_LOCK_KEY = 7_214_003_117  # pg_advisory_xact_lock key for schema upgrades


def normalise_url(url: str) -> str:
    """A SQLAlchemy URL from what a user typed: a plain path means a SQLite file."""
    text = url.strip()
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


def _db_error(exc: Exception, doing: str) -> StoreError:
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else type(exc).__name__
    return StoreError(f"hendelseslageret svarte med feil under {doing}: {detail}", details={"driver": detail})


class SqlStore(EventStore):
    """An :class:`EventStore` on one SQLAlchemy engine (SQLite or PostgreSQL)."""

    def __init__(self, url: str, *, synchronous: str = "FULL", echo: bool = False) -> None:
        self.url = normalise_url(url)
        self._sqlite = self.url.startswith("sqlite")
        self._synchronous = synchronous
        kwargs: dict[str, Any] = {"echo": echo}
        if self._sqlite:
            target = self.url.split("///", 1)[1] if "///" in self.url else ""
            if target and target != ":memory:":
                parent = Path(target).parent
                if not parent.is_dir():
                    raise StoreError(f"mappen «{parent}» for hendelseslageret finnes ikke", code="store-url")
            else:
                kwargs["poolclass"] = sa.pool.StaticPool
            kwargs["connect_args"] = {"timeout": 60, "check_same_thread": False}
        else:
            try:
                import psycopg  # noqa: F401
            except ModuleNotFoundError:
                raise MissingExtraError.for_module("psycopg", "pg") from None
        try:
            self._engine: Engine = sa.create_engine(self.url, **kwargs)
        except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError) as exc:
            raise StoreError(f"ugyldig adresse til hendelseslageret «{url}»: {exc}", code="store-url") from exc
        if self._sqlite:
            sa_event.listen(self._engine, "connect", self._sqlite_connect)
            sa_event.listen(self._engine, "begin", self._sqlite_begin)
        compiled = events.insert().compile(dialect=self._engine.dialect)
        self._insert_sql: str | None = None
        if compiled.positional and list(compiled.positiontup or ()) == list(_ROW_KEYS):
            self._insert_sql = str(compiled)
        self._migrate()

    # -- connection set-up ----------------------------------------------------------------------------------

    def _sqlite_connect(self, dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute(f"PRAGMA synchronous={self._synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @staticmethod
    def _sqlite_begin(conn: Connection) -> None:
        # Writers take the write lock up front, so a read-then-write never deadlocks or upgrades late.
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

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

    def _migrate(self) -> None:
        try:
            with self._read() as conn:
                current = self._schema_version(conn)
            if current == LATEST:
                return
            with self._engine.begin() as conn:
                if not self._sqlite:
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
                schema_version.create(conn, checkfirst=True)
                current = self._schema_version(conn)
                if current > LATEST:
                    raise StoreError(
                        f"hendelseslageret har skjemaversjon {current}, men denne versjonen av samhandling "
                        f"kjenner bare til versjon {LATEST}; oppgrader samhandling",
                        code="store-schema",
                    )
                for version, description, step in MIGRATIONS:
                    if version > current:
                        step(conn)
                        conn.execute(schema_version.insert().values(
                            version=version, description=description, applied_at=utc_now()))
        except sa_exc.DBAPIError as exc:  # unreachable server, not a database file, no permission, ...
            raise _db_error(exc, "åpning") from exc

    @staticmethod
    def _schema_version(conn: Connection) -> int:
        if not sa.inspect(conn).has_table("schema_version"):
            return 0
        return int(conn.scalar(sa.select(sa.func.max(schema_version.c.version))) or 0)

    def schema_version(self) -> int:
        with self._read() as conn:
            return self._schema_version(conn)

    # -- writing --------------------------------------------------------------------------------------------

    def create_case(self, header: CaseHeader, events_: Sequence[EventLike]) -> list[StoredEvent]:
        rows = self._import([(header, events_)], utc_now())
        return [Row._make(r).as_event() for r in rows]

    def import_cases(self, items: Sequence[tuple[CaseHeader, Sequence[EventLike]]], recorded_at: str | None = None,
                     ) -> int:
        """Create many cases with their events in one transaction (the bulk-import path); returns the event count.

        All or nothing: if one case id exists already, nothing is imported (ConflictError).
        """
        import gc

        # Building hundreds of thousands of rows would otherwise trigger repeated full garbage collections that
        # walk every object the caller holds; nothing built here is cyclic.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return len(self._import(items, recorded_at or utc_now()))
        finally:
            if was_enabled:
                gc.enable()

    def _import(self, items: Sequence[tuple[CaseHeader, Sequence[EventLike]]], when: str) -> list[RowTuple]:
        headers: list[dict[str, Any]] = []
        rows: list[RowTuple] = []
        for header, evs in items:
            genesis = header.genesis_hash()
            chained = chain_tuples(header.case_id, evs, 1, genesis, when)
            headers.append({"case_id": header.case_id, "structure": header.structure, "process": header.process,
                            "version": header.version, "title": header.title, "created": header.created,
                            "head_seq": len(chained), "head_hash": chained[-1][11] if chained else genesis})
            rows.extend(chained)
        try:
            with self._engine.begin() as conn:
                conn.execute(cases.insert(), headers)
                self._insert_rows(conn, rows)
        except sa_exc.IntegrityError as exc:
            if len(headers) == 1:
                raise Conflicts.exists(headers[0]["case_id"]) from exc
            ids = ", ".join(h["case_id"] for h in headers[:3])
            raise ConflictError(f"minst én av sakene ({ids} …) finnes allerede, eller to av dem har samme id; "
                                "ingenting ble importert") from exc
        except sa_exc.DBAPIError as exc:
            raise _db_error(exc, "oppretting av sak") from exc
        return rows

    def _insert_rows(self, conn: Connection, rows: Sequence[RowTuple]) -> None:
        if not rows:
            return
        if self._insert_sql is not None:
            # A positional driver (sqlite3): hand the plain tuples straight to executemany, in column order.
            conn.exec_driver_sql(self._insert_sql, rows)  # type: ignore[arg-type]
        else:
            conn.execute(events.insert(), [dict(zip(_ROW_KEYS, r, strict=True)) for r in rows])

    def append(self, case_id: str, events_: Sequence[EventLike], expected_seq: int) -> list[StoredEvent]:
        try:
            with self._engine.begin() as conn:
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
                self._insert_rows(conn, [tuple(r) for r in rows])  # type: ignore[misc]
                moved = conn.execute(
                    sa.update(cases)
                    .where(cases.c.case_id == case_id, cases.c.head_seq == expected_seq - 1)
                    .values(head_seq=rows[-1].seq, head_hash=rows[-1].hash)
                )
                if moved.rowcount != 1:
                    raise Conflicts.head(case_id, expected_seq, -1)
        except sa_exc.IntegrityError as exc:
            # Another writer inserted the same (case_id, seq) first: the primary key refused ours.
            raise Conflicts.sequence(case_id, expected_seq, expected_seq) from exc
        except sa_exc.OperationalError as exc:
            if not self._sqlite and "deadlock" in str(exc).lower():
                raise Conflicts.sequence(case_id, expected_seq, expected_seq) from exc
            raise _db_error(exc, "skriving") from exc
        except sa_exc.DBAPIError as exc:
            raise _db_error(exc, "skriving") from exc
        return [r.as_event() for r in rows]

    # -- reading --------------------------------------------------------------------------------------------

    def header(self, case_id: str) -> CaseHeader:
        with self._read() as conn:
            row = conn.execute(sa.select(*_CASE_COLS).where(cases.c.case_id == case_id)).one_or_none()
        if row is None:
            raise case_not_found(case_id)
        return CaseHeader(*row)

    def rows(self, case_id: str) -> list[Row]:
        with self._read() as conn:
            result = conn.execute(self._rows_query, {"case_id": case_id})
            rows = [Row(*r) for r in result]
            if not rows and conn.execute(sa.select(cases.c.case_id).where(cases.c.case_id == case_id)).first() is None:
                raise case_not_found(case_id)
            return rows

    _rows_query = sa.select(*_EVENT_COLS).where(events.c.case_id == sa.bindparam("case_id")).order_by(events.c.seq)

    def case_rows(self, case_id: str) -> tuple[CaseHeader, list[Row]]:
        with self._read(snapshot=True) as conn, conn.begin():
            head = conn.execute(sa.select(*_CASE_COLS).where(cases.c.case_id == case_id)).one_or_none()
            if head is None:
                raise case_not_found(case_id)
            return CaseHeader(*head), [Row(*r) for r in conn.execute(self._rows_query, {"case_id": case_id})]

    def headers(self) -> list[CaseHeader]:
        with self._read() as conn:
            return [CaseHeader(*r) for r in conn.execute(
                sa.select(*_CASE_COLS).order_by(cases.c.created, cases.c.case_id))]

    def events(self, case_id: str) -> list[StoredEvent]:
        with self._read() as conn:
            evs = [event_from_db(r) for r in conn.execute(self._rows_query, {"case_id": case_id})]
            if not evs and conn.execute(sa.select(cases.c.case_id).where(cases.c.case_id == case_id)).first() is None:
                raise case_not_found(case_id)
            return evs

    def iter_all_rows(self) -> Iterator[tuple[CaseHeader, list[Row]]]:
        with self._read(snapshot=True) as conn, conn.begin():  # one snapshot for headers and events
            headers = {r[0]: CaseHeader(*r) for r in conn.execute(sa.select(*_CASE_COLS))}
            result = conn.execution_options(yield_per=5000).execute(
                sa.select(*_EVENT_COLS).order_by(events.c.case_id, events.c.seq))
            current: str | None = None
            bucket: list[Row] = []
            seen: set[str] = set()
            for r in result:
                if r[0] != current:
                    if current is not None and current in headers:
                        yield headers[current], bucket
                    current, bucket = r[0], []
                    seen.add(current)
                bucket.append(Row(*r))
            if current is not None and current in headers:
                yield headers[current], bucket
            for cid, h in headers.items():
                if cid not in seen:
                    yield h, []

    def all_events(self) -> Iterator[StoredEvent]:
        """Every stored event, ordered by case and seq (the replay path the benchmark measures)."""
        with self._read() as conn, conn.begin():
            result = conn.execution_options(yield_per=5000).execute(
                sa.select(*_EVENT_COLS).order_by(events.c.case_id, events.c.seq))
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
