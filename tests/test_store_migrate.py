"""Copying a format-1 store (before the meta table) into the current format: only what verifies, all or nothing."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from samhandling.app.migrate import format1_genesis, migrate_format1
from samhandling.app.repository import CaseRepository
from samhandling.errors import StoreError
from samhandling.store import MemoryStore, open_store
from samhandling.store.base import chain_tuples
from samhandling.store.sql import MIGRATIONS
from samhandling.structure.loader import BUNDLED_DIR

D = dt.date


def _format1_store(path: Path, own_structure: Path) -> dict[str, str]:
    """A store as samhandling wrote it before format 2: two steps of schema, format-1 genesis hashes."""
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
            "applied_at VARCHAR(40) NOT NULL)"
        )
        for version, description, step in MIGRATIONS[:2]:
            step(conn)
            conn.exec_driver_sql(
                "INSERT INTO schema_version VALUES (?, ?, ?)", (version, description, "2024-01-01T00:00:00.000000Z")
            )
    engine.dispose()
    memory = MemoryStore()
    repo = CaseRepository(memory)
    states = {}
    con = sqlite3.connect(path)
    for cid, structure_arg, structure_col in (
        ("gammel-1", "sor-rogaland", "sor-rogaland"),
        ("gammel-2", str(own_structure), str(own_structure)),
    ):
        case = repo.create(structure_arg, "tjenestemodell", title=f"Tittel {cid}", on=D(2024, 1, 2), case_id=cid)
        case = repo.act(cid, "draft_mandate", by="tmg-barn-unge", on=D(2024, 1, 10))
        states[cid] = case.state
        h = memory.header(cid)
        genesis = format1_genesis(cid, structure_col, h.process, h.version, h.created)
        rows = chain_tuples(cid, memory.events(cid), 1, genesis)
        con.execute(
            "INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (cid, structure_col, h.process, h.version, h.title, h.created, len(rows), rows[-1][11]),
        )
        con.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.commit()
    con.close()
    return states


@pytest.fixture
def old(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    own = tmp_path / "min.yaml"
    own.write_text(
        (BUNDLED_DIR / "sor-rogaland.yaml").read_text().replace("structure: sor-rogaland", "structure: min-region")
    )
    db = tmp_path / "gammel.db"
    return db, own, _format1_store(db, own)


def test_format1_store_is_copied_and_verifies(old: tuple[Path, Path, dict[str, str]], sql_url: str) -> None:
    db, own, states = old
    before = db.read_bytes()
    with pytest.raises(StoreError) as info:
        open_store(str(db))
    assert info.value.code == "store-format" and "migrate_format1" in info.value.message
    result = migrate_format1(str(db), sql_url)
    assert (result.cases, result.events) == (2, 4)
    assert db.read_bytes() == before  # the old store is only read
    own.unlink()  # the copy carries its definitions
    repo = CaseRepository(open_store(sql_url))
    assert repo.store.verify().ok
    for cid, state in states.items():
        old_rows = (
            sqlite3.connect(db)
            .execute(
                "SELECT seq, act, on_date, payload, recorded_at FROM events WHERE case_id = ? ORDER BY seq", (cid,)
            )
            .fetchall()
        )
        new_rows = [(r.seq, r.act, r.on_date, r.payload, r.recorded_at) for r in repo.store.rows(cid)]
        assert new_rows == old_rows and repo.load(cid).state == state
    assert repo.header("gammel-2").structure == "min-region"
    repo.act("gammel-2", "approve_mandate", by="fsu", on=D(2024, 1, 20))
    engine = sa.create_engine(repo.store.url)  # type: ignore[attr-defined]
    with engine.connect() as conn:
        heads = json.loads(conn.execute(sa.text("SELECT value FROM meta WHERE key = 'format1_heads'")).scalar_one())
    engine.dispose()
    assert set(heads) == {"gammel-1", "gammel-2"}


def test_a_broken_format1_chain_is_never_copied(old: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    db, _own, _ = old
    con = sqlite3.connect(db)
    con.execute("UPDATE events SET body = 'ssu' WHERE case_id = 'gammel-2' AND seq = 2")
    con.commit()
    con.close()
    target = tmp_path / "ny.db"
    with pytest.raises(StoreError) as info:
        migrate_format1(str(db), str(target))
    assert info.value.code == "store-migrate" and "gammel-2" in info.value.message
    assert open_store(str(target)).headers() == []


def test_missing_structure_file_and_full_target_are_refused(
    old: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    db, own, _ = old
    target = tmp_path / "ny.db"
    CaseRepository(open_store(str(target))).create(
        "sor-rogaland", "tjenestemodell", title="Finnes", case_id="x", on=D(2024, 1, 2)
    )
    with pytest.raises(StoreError) as info:
        migrate_format1(str(db), str(target))
    assert "har allerede saker" in info.value.message
    own.unlink()
    with pytest.raises(StoreError) as info:
        migrate_format1(str(db), str(tmp_path / "tom.db"))
    assert info.value.code == "store-migrate" and "min.yaml" in info.value.message
