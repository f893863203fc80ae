"""Durable cases: an audited, append-only event store (SQLite by default, PostgreSQL by URL).

Light on purpose: SQLAlchemy is imported only when a SQL store is opened.

>>> from samhandling.store import open_store
>>> from samhandling.app.repository import CaseRepository
>>> store = open_store("saker.db")            # a path means SQLite; or "postgresql://…", or "memory://"
>>> repo = CaseRepository(store)
>>> case = repo.create("sor-rogaland", "tjenestemodell", title="Nytt forløp")
>>> case = repo.act(case.id, "draft_mandate", by="tmg-barn-unge")
>>> store.verify().ok
True
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from samhandling.errors import StoreError
from samhandling.store.base import (
    CaseHeader,
    CaseSummary,
    ChainFailure,
    Definition,
    EventStore,
    Row,
    StoredEvent,
    VerifyResult,
    canonical_json,
)
from samhandling.store.memory import MemoryStore

if TYPE_CHECKING:
    from samhandling.store.sql import SqlStore

ENV_VAR = "SAMHANDLING_DB"
DEFAULT_FILE = "samhandling.db"

__all__ = [
    "DEFAULT_FILE",
    "ENV_VAR",
    "CaseHeader",
    "CaseSummary",
    "ChainFailure",
    "Definition",
    "EventStore",
    "MemoryStore",
    "Row",
    "SqlStore",
    "StoredEvent",
    "VerifyResult",
    "canonical_json",
    "default_url",
    "open_store",
]


def default_url() -> str:
    """``$SAMHANDLING_DB`` if set, else ``samhandling.db`` in the current directory."""
    return os.environ.get(ENV_VAR) or DEFAULT_FILE


def open_store(url: str | None = None) -> EventStore:
    """Open (creating or upgrading its schema if needed) the store at ``url`` (default: :func:`default_url`).

    ``memory://`` gives an in-memory store; a plain path or ``sqlite:///…`` a SQLite file;
    ``postgresql://…`` (or ``postgresql+psycopg://…``) a PostgreSQL database.
    """
    if url is not None and not url.strip():
        raise StoreError(
            "tom adresse til hendelseslageret; oppgi en filsti eller postgresql://… (eller la den være "
            f"ute for ${ENV_VAR} / {DEFAULT_FILE})",
            code="store-url",
        )
    target = url or default_url()
    if target in ("memory://", "memory:"):
        return MemoryStore()
    from samhandling.store.sql import SqlStore

    return SqlStore(target)


def __getattr__(name: str) -> object:
    if name == "SqlStore":
        from samhandling.store.sql import SqlStore

        return SqlStore
    raise AttributeError(f"module 'samhandling.store' has no attribute {name!r}")
