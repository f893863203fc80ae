"""The store contract shipped in samhandling.store.contract, run against memory, SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from samhandling.store import MemoryStore, open_store
from samhandling.store.base import EventStore
from samhandling.store.contract import EventStoreContract


class TestMemoryStore(EventStoreContract):
    def make_store(self, request: pytest.FixtureRequest) -> EventStore:
        return MemoryStore()

    def tamper_header(self, store: EventStore, case_id: str, **changes: Any) -> None:
        store._replace_header(case_id, **changes)  # type: ignore[attr-defined]

    def tamper_drop_header(self, store: EventStore, case_id: str) -> None:
        store._drop_header(case_id)  # type: ignore[attr-defined]

    def tamper_drop_events(self, store: EventStore, case_id: str) -> None:
        store._drop_rows(case_id)  # type: ignore[attr-defined]

    def tamper_definition(self, store: EventStore, digest: str, text: str) -> None:
        store._replace_definition(digest, text)  # type: ignore[attr-defined]


class _SqlTamper(EventStoreContract):
    """Tampering as someone with access to the database file or server: plain SQL, foreign keys off."""

    def _sql(self, store: EventStore, *statements: tuple[str, dict[str, Any]]) -> None:
        import sqlalchemy as sa

        from samhandling.store.sql import SqlStore

        assert isinstance(store, SqlStore)
        engine = sa.create_engine(store.url)
        with engine.begin() as conn:
            if store.url.startswith("sqlite"):
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            else:
                conn.exec_driver_sql("SET session_replication_role = replica")  # no FK triggers
            for text, params in statements:
                conn.execute(sa.text(text), params)
        engine.dispose()

    def tamper_header(self, store: EventStore, case_id: str, **changes: Any) -> None:
        sets = ", ".join(f"{k} = :{k}" for k in changes)
        self._sql(store, (f"UPDATE cases SET {sets} WHERE case_id = :cid", {**changes, "cid": case_id}))

    def tamper_drop_header(self, store: EventStore, case_id: str) -> None:
        self._sql(store, ("DELETE FROM cases WHERE case_id = :cid", {"cid": case_id}))

    def tamper_drop_events(self, store: EventStore, case_id: str) -> None:
        self._sql(store, ("DELETE FROM events WHERE case_id = :cid", {"cid": case_id}))

    def tamper_definition(self, store: EventStore, digest: str, text: str) -> None:
        self._sql(store, ("UPDATE definitions SET text = :t WHERE hash = :h", {"t": text, "h": digest}))


class TestSqliteStore(_SqlTamper):
    def make_store(self, request: pytest.FixtureRequest) -> EventStore:
        return open_store(str(request.getfixturevalue("tmp_path") / "kontrakt.db"))


@pytest.mark.pg
class TestPostgresStore(_SqlTamper):
    def make_store(self, request: pytest.FixtureRequest) -> EventStore:
        return open_store(str(request.getfixturevalue("pg_url")))
