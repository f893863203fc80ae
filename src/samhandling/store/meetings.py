"""Meeting records in the SQL store: meetings, agenda items with their case numbers, the number counters.

Three tables (schema step 4 of :data:`samhandling.store.sql.MIGRATIONS`; step 6 added who convened a meeting and
who wrote its minutes): ``meetings`` (one row a meeting; parts
and attendance as canonical JSON), ``meeting_items`` (keyed by body, year and number, so a case number can never be
given twice; a removed item keeps its row and its number) and ``case_number_counters`` (the last number given per
body and year, moved under the write lock, so a number is never reused, also after its item is removed).

The store knows rows as plain mappings; :mod:`samhandling.app.meetings` turns them into the records of
:mod:`samhandling.meetings.model`. Minutes are written with the cases' acts in one transaction through
:meth:`samhandling.store.sql.SqlStore.append_many`.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection

from samhandling.errors import ConflictError, NotFoundError, StoreError
from samhandling.store.base import StoredEvent, canonical_json, utc_now
from samhandling.store.sql import AppendBatch, SqlStore, db_error

metadata = sa.MetaData()

meetings = sa.Table(
    "meetings",
    metadata,
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
    sa.Column("convened_by", sa.String(200)),  # schema step 6: who sent the notice (a party id)
    sa.Column("minute_taker", sa.String(200)),  # schema step 6: who wrote the minutes (a party id)
)

items = sa.Table(
    "meeting_items",
    metadata,
    sa.Column("body", sa.String(200), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("meeting_id", sa.String(200), nullable=False),
    sa.Column("case_number", sa.Text, nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("case_id", sa.String(200)),
    sa.Column("removed", sa.Integer, nullable=False),
    sa.Column("decision", sa.Text),
)

counters = sa.Table(
    "case_number_counters",
    metadata,
    sa.Column("body", sa.String(200), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last", sa.Integer, nullable=False),
)

_JSON_COLUMNS = ("parts", "attendance")
#: The schema version that created the meeting tables.
MEETINGS_SCHEMA = 4
#: The schema version that added ``convened_by`` and ``minute_taker`` to ``meetings``.
DUTIES_SCHEMA = 6
_DUTY_COLUMNS = ("convened_by", "minute_taker")


def meeting_not_found(meeting_id: str) -> NotFoundError:
    return NotFoundError(
        f"fant ikke møtet «{meeting_id}» i lageret", code="unknown-meeting", details={"meeting": meeting_id}
    )


class MeetingStore:
    """The meeting tables of one :class:`SqlStore` (SQLite or PostgreSQL)."""

    def __init__(self, store: SqlStore) -> None:
        if not isinstance(store, SqlStore):
            raise StoreError("møter lagres bare i et SQL-lager (SQLite eller PostgreSQL)", code="store-url")
        self.store = store

    # -- plumbing -------------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            with self.store.engine.connect() as conn:
                yield conn
        except (sa_exc.SQLAlchemyError, sqlite3.Error) as exc:
            raise db_error(exc, "lesing av møter") from exc

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        self.store.initialise()  # creates or upgrades the tables; refuses a read-only store
        try:
            with self.store.engine.begin() as conn:
                yield conn
        except sa_exc.IntegrityError as exc:
            raise ConflictError(
                "møtet eller saksnummeret finnes allerede; last på nytt og prøv igjen", code="conflict"
            ) from exc
        except (sa_exc.SQLAlchemyError, sqlite3.Error) as exc:
            raise db_error(exc, "skriving av møter") from exc

    # -- meetings -------------------------------------------------------------------------------------------

    def add_meeting(self, row: Mapping[str, Any]) -> None:
        """Insert a meeting (``row``: the columns, parts and attendance as lists); ConflictError if the id exists."""
        values = {k: (canonical_json(list(v)) if k in _JSON_COLUMNS else v) for k, v in row.items()}
        values.setdefault("created", utc_now())
        with self._writing() as conn:
            if conn.execute(sa.select(meetings.c.meeting_id).where(meetings.c.meeting_id == row["meeting_id"])).first():
                raise ConflictError(
                    f"det finnes allerede et møte med id «{row['meeting_id']}»",
                    code="conflict",
                    details={"meeting": row["meeting_id"]},
                )
            conn.execute(meetings.insert().values(**values))

    def update_meeting(self, meeting_id: str, **changes: Any) -> None:
        values = {k: (canonical_json(list(v)) if k in _JSON_COLUMNS else v) for k, v in changes.items()}
        with self._writing() as conn:
            self.update_in(conn, meeting_id, values)

    @staticmethod
    def update_in(conn: Connection, meeting_id: str, values: Mapping[str, Any]) -> None:
        done = conn.execute(sa.update(meetings).where(meetings.c.meeting_id == meeting_id).values(**values))
        if done.rowcount != 1:
            raise meeting_not_found(meeting_id)

    def meeting(self, meeting_id: str) -> dict[str, Any]:
        """One meeting's row with its ``items`` (all, removed ones too), or MeetingError (``unknown-meeting``)."""
        found = self.meetings(meeting_id=meeting_id)
        if not found:
            raise meeting_not_found(meeting_id)
        return found[0]

    def meetings(self, *, body: str | None = None, meeting_id: str | None = None) -> list[dict[str, Any]]:
        """Meetings (by date), each with its ``items`` in number order."""
        version = self.store.schema_version()
        if version < MEETINGS_SCHEMA:
            return []
        # A store not yet upgraded (opened read-only) has no duty columns: they read as not recorded.
        columns = [c for c in meetings.c if version >= DUTIES_SCHEMA or c.name not in _DUTY_COLUMNS]
        query = sa.select(*columns).order_by(meetings.c.date, meetings.c.body, meetings.c.meeting_id)
        if body is not None:
            query = query.where(meetings.c.body == body)
        if meeting_id is not None:
            query = query.where(meetings.c.meeting_id == meeting_id)
        with self._reading() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
            ids = [r["meeting_id"] for r in rows]
            item_rows = (
                [
                    dict(r._mapping)
                    for r in conn.execute(
                        sa.select(items).where(items.c.meeting_id.in_(ids)).order_by(items.c.year, items.c.number)
                    )
                ]
                if ids
                else []
            )
        by_meeting: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
        for item in item_rows:
            item["removed"] = bool(item["removed"])
            item["decision"] = json.loads(item["decision"]) if item["decision"] else None
            by_meeting[item["meeting_id"]].append(item)
        for row in rows:
            for key in _JSON_COLUMNS:
                row[key] = json.loads(row[key])
            for key in _DUTY_COLUMNS:
                row.setdefault(key, None)
            row["items"] = by_meeting[row["meeting_id"]]
        return rows

    # -- agenda items ---------------------------------------------------------------------------------------

    def add_item(
        self,
        meeting_id: str,
        body: str,
        year: int,
        fmt: Callable[[int], str],
        kind: str,
        title: str,
        case_id: str | None,
    ) -> dict[str, Any]:
        """Give the next case number of ``body`` in ``year`` (``fmt`` renders it) to a new item of the meeting."""
        with self._writing() as conn:
            if not conn.execute(sa.select(meetings.c.meeting_id).where(meetings.c.meeting_id == meeting_id)).first():
                raise meeting_not_found(meeting_id)
            number = self.next_number(conn, body, year)
            row = {
                "body": body,
                "year": year,
                "number": number,
                "meeting_id": meeting_id,
                "case_number": fmt(number),
                "kind": kind,
                "title": title,
                "case_id": case_id,
                "removed": 0,
                "decision": None,
            }
            conn.execute(items.insert().values(**row))
        return row

    def next_number(self, conn: Connection, body: str, year: int) -> int:
        """Move the counter of (body, year) under the write lock and return the new number."""
        key = (counters.c.body == body) & (counters.c.year == year)
        last = conn.execute(sa.select(counters.c.last).where(key).with_for_update()).scalar()
        if last is None:
            highest = conn.execute(
                sa.select(sa.func.max(items.c.number)).where((items.c.body == body) & (items.c.year == year))
            ).scalar()
            number = int(highest or 0) + 1
            conn.execute(counters.insert().values(body=body, year=year, last=number))
        else:
            number = int(last) + 1
            conn.execute(sa.update(counters).where(key).values(last=number))
        return number

    def set_removed(self, body: str, year: int, number: int) -> None:
        """Take an item off the agenda; its row and number stay (a number is never given again)."""
        with self._writing() as conn:
            conn.execute(
                sa.update(items)
                .where((items.c.body == body) & (items.c.year == year) & (items.c.number == number))
                .values(removed=1)
            )

    # -- minutes --------------------------------------------------------------------------------------------

    def record_minutes(
        self,
        meeting_id: str,
        appends: Sequence[AppendBatch],
        decisions: Sequence[tuple[str, int, int, Mapping[str, Any]]],
        meeting_changes: Mapping[str, Any],
    ) -> list[list[StoredEvent]]:
        """The cases' new events, the items' decisions ((body, year, number, decision)) and the meeting's changes,
        in ONE transaction: all or nothing."""

        def also(conn: Connection) -> None:
            for body, year, number, decision in decisions:
                conn.execute(
                    sa.update(items)
                    .where((items.c.body == body) & (items.c.year == year) & (items.c.number == number))
                    .values(decision=canonical_json(dict(decision)))
                )
            values = {k: (canonical_json(list(v)) if k in _JSON_COLUMNS else v) for k, v in meeting_changes.items()}
            if values:
                self.update_in(conn, meeting_id, values)

        self.store.initialise()
        return self.store.append_many(appends, also)
