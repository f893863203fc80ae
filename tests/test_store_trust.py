"""Issue 11 (items 4, 6, 8) and issue 15, store side: what the review found, each pinned by a test.

* verify covers the whole case header, finds orphan events, cases without events and a damaged database file;
* a read-only store can be listed and verified, and listing or verifying never writes;
* a store of the old format is refused by name, an empty one upgraded;
* cases keep the definitions they were created under (portable; a changed file is reported, not used);
* files are read only from documented places, bounded (no /dev/zero, no directories, no 50 MB files);
* database errors are typed StoreErrors; listing and verifying take a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from samhandling.app.repository import CaseRepository
from samhandling.errors import LoadError, StoreError
from samhandling.process.engine import PROCESS_DIR
from samhandling.store import open_store
from samhandling.store.base import MAX_DEFINITION_BYTES, CaseHeader, payload_text
from samhandling.store.contract import ReadOnlyMapping
from samhandling.store.sql import SqlStore, db_error
from samhandling.structure.loader import BUNDLED_DIR

D = dt.date


def _repo(url: str, n: int = 3) -> tuple[CaseRepository, list[str]]:
    repo = CaseRepository(open_store(url))
    ids = []
    for i in range(n):
        case = repo.create("sor-rogaland", "tjenestemodell", title=f"Sak {i}", on=D(2024, 1, 2), case_id=f"sak-{i}")
        repo.act(case.id, "draft_mandate", by="tmg-barn-unge", on=D(2024, 1, 10))
        ids.append(case.id)
    return repo, ids


def _sql(url: str, statement: str, **params: Any) -> None:
    from samhandling.store.sql import normalise_url

    engine = sa.create_engine(normalise_url(url))
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        else:
            conn.exec_driver_sql("SET session_replication_role = replica")  # as a superuser could: no FK checks
        conn.execute(sa.text(statement), params)
    engine.dispose()


# ---------------------------------------------------------------------------------------------- verify


def test_title_change_is_found(sql_url: str) -> None:
    _repo(sql_url)
    _sql(sql_url, "UPDATE cases SET title = 'Noe helt annet' WHERE case_id = 'sak-1'")
    result = open_store(sql_url).verify()
    assert [(f.case_id, f.code) for f in result.failures] == [("sak-1", "header-changed")]
    assert "tittel" in result.failures[0].message


def test_orphans_and_empty_cases_are_found(sql_url: str) -> None:
    _repo(sql_url)
    _sql(sql_url, "DELETE FROM cases WHERE case_id = 'sak-0'")
    _sql(sql_url, "DELETE FROM events WHERE case_id = 'sak-2'")
    result = open_store(sql_url).verify()
    assert sorted((f.case_id, f.code) for f in result.failures) == [("sak-0", "orphan-events"), ("sak-2", "no-events")]
    assert result.cases == 2 and result.events == 4


def _damaged_copy(tmp_path: Path) -> Path:
    db = tmp_path / "s.db"
    repo, _ = _repo(str(db), n=20)
    repo.store.close()
    con = sqlite3.connect(db)
    (page,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'cases_created'").fetchone()
    (size,) = con.execute("PRAGMA page_size").fetchone()
    con.close()
    assert not (tmp_path / "s.db-wal").exists()
    with db.open("r+b") as fh:  # scribble over an index page that the chain walk never reads
        fh.seek((page - 1) * size)
        fh.write(b"\xff" * 64)
    return db


def test_damaged_database_file_fails_verify(tmp_path: Path) -> None:
    db = _damaged_copy(tmp_path)
    result = open_store(str(db)).verify()
    assert not result.ok
    assert [f.code for f in result.failures][:1] == ["store-corrupt"]
    assert "skadet" in result.failures[0].message
    with pytest.raises(StoreError) as info:  # reading the listing through the damaged index: a typed error
        open_store(str(db)).summaries()
    assert info.value.code == "store-corrupt"


def test_a_file_that_is_not_a_database_is_a_typed_error(tmp_path: Path) -> None:
    bad = tmp_path / "notater.db"
    bad.write_text("ikke en database\n" * 300)
    with pytest.raises(StoreError) as info:
        open_store(str(bad)).verify()
    assert info.value.code == "store-not-database" and "notater.db" in info.value.message
    assert bad.read_text().startswith("ikke en database")


# ---------------------------------------------------------------------------------------------- never writes


def test_listing_and_verifying_a_missing_store_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "finnes-ikke.db"
    store = open_store(str(db))
    assert store.headers() == [] and store.summaries() == [] and store.verify().ok
    assert not db.exists()
    CaseRepository(store).create("sor-rogaland", "tjenestemodell", title="Først nå", on=D(2024, 1, 2))
    assert db.exists()


def test_read_only_store_lists_and_verifies_but_refuses_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.db"
    repo, ids = _repo(str(db))
    repo.store.close()
    before = db.read_bytes()
    import samhandling.store.sql as sql_mod

    monkeypatch.setattr(sql_mod.os, "access", lambda *_a, **_k: False)  # as a non-owner sees the file
    store = open_store(str(db))
    assert isinstance(store, SqlStore) and store.read_only
    assert [s.case_id for s in store.summaries()] == ids
    assert store.verify().ok
    assert CaseRepository(store).load(ids[0]).title == "Sak 0"
    with pytest.raises(StoreError) as info:
        CaseRepository(store).act(ids[0], "approve_mandate", by="fsu", on=D(2024, 1, 20))
    assert info.value.code == "store-readonly" and "skrivebeskyttet" in info.value.message
    store.close()
    assert db.read_bytes() == before


@pytest.mark.skipif(shutil.which("unshare") is None or shutil.which("mount") is None, reason="unshare/mount mangler")
def test_store_on_a_read_only_file_system(tmp_path: Path) -> None:
    """The real thing: a read-only mount (a private mount namespace), where not even the WAL index can be made."""
    import os
    import subprocess
    import sys

    if os.geteuid() != 0:
        pytest.skip("trenger root for å montere et skrivebeskyttet filsystem")
    db = tmp_path / "s.db"
    repo, ids = _repo(str(db))
    repo.store.close()
    mnt = tmp_path / "ro"
    mnt.mkdir()
    cli = f"{sys.executable} -c 'import sys; from samhandling.cli import main; sys.exit(main(sys.argv[1:]))'"
    script = (
        f"mount -t tmpfs -o size=20m none {mnt} && cp {db} {mnt}/s.db && mount -o remount,ro {mnt} || exit 99\n"
        f"{cli} case list --db {mnt}/s.db || exit 1\n"
        f"{cli} case verify --db {mnt}/s.db || exit 2\n"
        f"{cli} case act {ids[0]} approve_mandate --by fsu --db {mnt}/s.db; echo act=$?\n"
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode == 99:
        pytest.skip(f"kunne ikke montere: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert ids[2] in done.stdout and "OK: hashkjeden stemmer for 3 saker" in done.stdout
    assert "act=1" in done.stdout and "[store-readonly]" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------------------------------------- format


def _old_format_store(path: Path, with_case: bool) -> None:
    from samhandling.store.sql import MIGRATIONS

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
        if with_case:
            conn.exec_driver_sql(
                "INSERT INTO cases VALUES ('gammel', '/hjem/x/min.yaml', 'tjenestemodell', '1', "
                "'Gammel', '2024-01-01T00:00:00.000000Z', 0, ?)",
                ("0" * 64,),
            )
    engine.dispose()


def test_old_format_store_is_refused_by_name(tmp_path: Path) -> None:
    db = tmp_path / "gammel.db"
    _old_format_store(db, with_case=True)
    with pytest.raises(StoreError) as info:
        open_store(str(db))
    assert info.value.code == "store-format"
    assert "lagerformat 1" in info.value.message and "lagerformat 2" in info.value.message
    assert info.value.details == {"format": 1, "cases": 1}


def test_empty_old_format_store_is_upgraded_on_first_write(tmp_path: Path) -> None:
    from samhandling.store.sql import LATEST

    db = tmp_path / "gammel.db"
    _old_format_store(db, with_case=False)
    store = open_store(str(db))
    assert isinstance(store, SqlStore) and store.schema_version() == 2 and store.headers() == []
    CaseRepository(store).create("sor-rogaland", "tjenestemodell", title="Ny", on=D(2024, 1, 2), case_id="ny")
    assert store.schema_version() == LATEST and store.store_format() == 2 and store.verify().ok


# ---------------------------------------------------------------------------------------------- definitions


def _own_structure(folder: Path) -> Path:
    (folder / "processes").mkdir(parents=True)
    text = (BUNDLED_DIR / "sor-rogaland.yaml").read_text().replace("structure: sor-rogaland", "structure: min-region")
    assert "processes:\n  - tjenestemodell\n" in text
    text = text.replace(
        "processes:\n  - tjenestemodell\n",
        "processes:\n  - {name: tjenestemodell, file: processes/tjenestemodell.yaml}\n",
    )
    (folder / "min.yaml").write_text(text)
    shutil.copy(PROCESS_DIR / "tjenestemodell.yaml", folder / "processes")
    return folder / "min.yaml"


def test_own_structure_opens_for_a_colleague_on_the_shared_store(
    sql_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _own_structure(tmp_path / "mitt")
    mine = CaseRepository(open_store(sql_url))
    case = mine.create(str(path), "tjenestemodell", title="Min sak", on=D(2024, 1, 2))
    mine.act(case.id, "draft_mandate", by="tmg-barn-unge", on=D(2024, 1, 10))
    h = mine.header(case.id)
    assert (h.structure, h.structure_file) == ("min-region", str(path.resolve()))
    assert h.process_file == str((tmp_path / "mitt" / "processes" / "tjenestemodell.yaml").resolve())
    assert len(h.structure_hash) == len(h.process_hash) == 64
    shutil.rmtree(tmp_path / "mitt")  # the colleague has no such folder
    monkeypatch.chdir(tmp_path)
    colleague = CaseRepository(open_store(sql_url))
    loaded = colleague.load(case.id)
    assert loaded.state == "mandat_utarbeidet" or loaded.state_label  # replayed under the stored definitions
    assert loaded.snapshot() == mine.load(case.id).snapshot()
    colleague.act(case.id, "approve_mandate", by="fsu", on=D(2024, 1, 20))
    assert colleague.drift(case.id) == []  # no file there is no difference: the stored text is used
    assert colleague.store.verify().ok


def test_each_definition_text_is_kept_once(sql_url: str) -> None:
    _repo(sql_url, n=4)
    engine = sa.create_engine(SqlStore(sql_url).url)
    with engine.connect() as conn:
        kinds = sorted(conn.execute(sa.text("SELECT kind, name FROM definitions")).all())
    engine.dispose()
    assert kinds == [("process", "tjenestemodell"), ("structure", "sor-rogaland")]


def test_changed_file_is_reported_and_the_stored_text_used(tmp_path: Path) -> None:
    path = _own_structure(tmp_path / "mitt")
    repo = CaseRepository(open_store(str(tmp_path / "s.db")))
    case = repo.create(str(path), "tjenestemodell", title="Sak", on=D(2024, 1, 2))
    name = repo.load(case.id).definition.structure.name
    text = path.read_text()
    assert f"name: {name}" in text
    path.write_text(text.replace(f"name: {name}", "name: Endret etterpå", 1))
    fresh = CaseRepository(open_store(str(tmp_path / "s.db")))
    assert fresh.load(case.id).definition.structure.name == name  # judged under what it was created with
    (drift,) = fresh.drift(case.id)
    assert (drift.kind, drift.name, drift.path) == ("structure", "min-region", str(path.resolve()))
    assert "er endret siden saken ble opprettet" in drift.message and "lagret da" in drift.message
    assert drift.current_hash != drift.stored_hash == fresh.header(case.id).structure_hash
    process_file = tmp_path / "mitt" / "processes" / "tjenestemodell.yaml"
    process_file.write_text(process_file.read_text().replace("label: Ny sak}", "label: Helt ny sak}", 1))
    assert fresh.load(case.id).state_label == "Ny sak"
    assert [d.kind for d in fresh.drift(case.id)] == ["structure", "process"]


def test_a_stored_path_to_a_device_is_never_read(tmp_path: Path) -> None:
    _, ids = _repo(str(tmp_path / "s.db"), n=1)
    _sql(str(tmp_path / "s.db"), "UPDATE cases SET structure_file = '/dev/zero', process_file = '/' ")
    fresh = CaseRepository(open_store(str(tmp_path / "s.db")))
    t = time.perf_counter()
    assert fresh.drift(ids[0]) == []  # not a regular file: not read at all
    assert time.perf_counter() - t < 5  # (a sanity bound only: /dev/zero would never end)
    assert not fresh.store.verify().ok  # and the header change is found


@pytest.mark.parametrize("target", ["/dev/zero", "mappe", "stor.yaml"])
def test_structure_files_are_bounded(tmp_path: Path, target: str) -> None:
    (tmp_path / "mappe").mkdir()
    with (tmp_path / "stor.yaml").open("wb") as fh:
        fh.truncate(MAX_DEFINITION_BYTES + 1)
    path = target if target.startswith("/") else str(tmp_path / target)
    repo = CaseRepository(open_store("memory://"))
    with pytest.raises(LoadError) as info:
        repo.create(path + ("" if path.endswith(".yaml") else "/"), "tjenestemodell", title="x")
    assert info.value.code in ("not-a-file", "file-too-large", "file-not-found")
    from samhandling.app.repository import read_definition_text

    with pytest.raises(LoadError) as info2:
        read_definition_text(path)
    assert info2.value.code == ("file-too-large" if target == "stor.yaml" else "not-a-file")
    assert repo.store.headers() == []


def test_header_without_definitions_still_loads_by_name() -> None:
    from samhandling.store.contract import ev

    store = open_store("memory://")
    repo = CaseRepository(store)
    case = repo.definition("sor-rogaland", "tjenestemodell").new_case(
        title="Gammel måte", case_id="x", on=D(2024, 1, 2)
    )
    store.create_case(
        CaseHeader("x", "sor-rogaland", "tjenestemodell", "1", "Gammel måte", "2024-01-02T00:00:00.000000Z"),
        case.history,
    )
    assert repo.load("x").title == "Gammel måte"
    assert ev(1).seq == 1


# ---------------------------------------------------------------------------------------------- errors


class _Orig(Exception):
    def __init__(self, text: str, sqlstate: str | None = None) -> None:
        super().__init__(text)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("text", "sqlstate", "code"),
    [
        ("database is locked", None, "store-locked"),
        ("database disk image is malformed", None, "store-corrupt"),
        ("file is not a database", None, "store-not-database"),
        ("attempt to write a readonly database", None, "store-readonly"),
        ("unable to open database file", None, "store-open"),
        ("permission denied for table cases", "42501", "store-permission"),
        ('password authentication failed for user "x"', "28P01", "store-permission"),
        ("terminating connection due to administrator command", "57P01", "store-unavailable"),
        ("could not serialize", "40001", "store-db"),
    ],
)
def test_database_errors_become_typed_store_errors(text: str, sqlstate: str | None, code: str) -> None:
    err = db_error(sa.exc.OperationalError("SELECT 1", {}, _Orig(text, sqlstate)), "lesing", "x.db")
    assert isinstance(err, StoreError) and err.code == code
    assert err.message.startswith("hendelseslageret svarte med feil under lesing i «x.db»")


@pytest.mark.pg
def test_postgres_permission_error_is_typed(pg_url: str) -> None:
    import psycopg

    _repo(pg_url, n=1)
    dbname = pg_url.rsplit("/", 1)[1]
    server = pg_url.split("://", 1)[1].split("/", 1)[0]
    host, port = server.split("@", 1)[1].split(":")
    with psycopg.connect(f"host={host} port={port} user=postgres dbname={dbname}", autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS leser_uten_rett")
        conn.execute("CREATE ROLE leser_uten_rett LOGIN")
    try:
        with pytest.raises(StoreError) as info:
            open_store(f"postgresql://leser_uten_rett@{host}:{port}/{dbname}").summaries()
        assert info.value.code == "store-permission" and "mangler tilgang" in info.value.message
    finally:
        with psycopg.connect(f"host={host} port={port} user=postgres dbname={dbname}", autocommit=True) as conn:
            conn.execute("DROP OWNED BY leser_uten_rett")
            conn.execute("DROP ROLE leser_uten_rett")


# ---------------------------------------------------------------------------------------------- cost


def _count_queries(store: SqlStore) -> list[str]:
    seen: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda _c, _cur, statement, *_a: seen.append(statement))
    return seen


def test_listing_and_verify_take_a_constant_number_of_queries(sql_url: str) -> None:
    counts = []
    for n in (2, 12):
        _sql_reset = None
        repo, _ = _repo(sql_url, n=n) if n == 2 else (CaseRepository(open_store(sql_url)), [])
        if n == 12:
            for i in range(2, 12):
                c = repo.create(
                    "sor-rogaland", "tjenestemodell", title=f"Sak {i}", on=D(2024, 1, 2), case_id=f"sak-{i}"
                )
                repo.act(c.id, "draft_mandate", by="tmg-barn-unge", on=D(2024, 1, 10))
        store = open_store(sql_url)
        assert isinstance(store, SqlStore)
        seen = _count_queries(store)
        summaries = store.summaries()
        listed = len(seen)
        result = store.verify()
        counts.append((listed, len(seen) - listed))
        assert len(summaries) == n and result.ok and result.events == 2 * n
        assert {s.state for s in summaries} == {"mandat_utarbeidet"} and _sql_reset is None
        store.close()
    assert counts[0] == counts[1], counts
    assert counts[0][0] <= 2  # the listing: one query (plus at most a schema look-up)


def test_import_leaves_the_garbage_collector_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from samhandling.store.contract import ev, header

    def refuse() -> None:
        raise AssertionError("import_cases skal ikke slå av søppeltømmingen for hele prosessen")

    monkeypatch.setattr(gc, "disable", refuse)
    store = open_store(str(tmp_path / "s.db"))
    assert isinstance(store, SqlStore)
    assert store.import_cases([(header(f"s{i}"), [ev(1, "open"), ev(2)]) for i in range(50)]) == 100
    assert gc.isenabled()


@pytest.mark.parametrize("url", ["", "  ", "-", ":memory:", "file:x.db", "file:"])
def test_odd_store_addresses_are_refused(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError) as info:
        open_store(url)
    assert info.value.code == "store-url"
    assert list(tmp_path.iterdir()) == []


def test_passwords_are_never_shown() -> None:
    with pytest.raises(StoreError) as info:
        open_store("postgresql://kari:hemmelig@127.0.0.1:1/db").headers()
    assert "hemmelig" not in str(info.value) and "hemmelig" not in repr(info.value.details)
    assert info.value.code == "store-unavailable"


# ---------------------------------------------------------------------------------------------- the encoder


_leaf = (
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.text(max_size=6)
    | st.floats(allow_nan=False, allow_infinity=False)
)
_plain = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return ReadOnlyMapping({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


@settings(max_examples=150, deadline=None)
@given(payload=st.dictionaries(st.text(max_size=5), _plain, max_size=4))
def test_frozen_payloads_encode_exactly_like_plain_json(payload: dict[str, Any]) -> None:
    import json

    reference = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert payload_text(_freeze(payload)) == payload_text(payload) == reference


@settings(max_examples=100, deadline=None)
@given(
    payload=st.dictionaries(st.text(max_size=5), _plain, max_size=4),
    key=st.text(min_size=1, max_size=5),
    bad=st.sampled_from([float("nan"), float("inf"), float("-inf")]),
)
def test_non_finite_numbers_anywhere_are_refused(payload: dict[str, Any], key: str, bad: float) -> None:
    payload = {**payload, key: [1, {"x": bad}]}
    with pytest.raises(StoreError) as info:
        payload_text(_freeze(payload))
    assert info.value.code == "store-payload" and info.value.details["path"] == f"{key}[1].x"


def test_repositories_of_one_process_share_the_definition_built_from_stored_texts(tmp_path: Path) -> None:
    """One compiled Machine per process definition: a second repository on the store (a service ticking every
    minute opens one each time) reuses the definition the first built from the same stored texts."""
    url = f"sqlite:///{tmp_path / 'saker.db'}"
    _, ids = _repo(url, n=1)
    first = CaseRepository(open_store(url)).definition_for(ids[0])
    again = CaseRepository(open_store(url))
    assert again.definition_for(ids[0]) is first
    assert again.load(ids[0]).definition is first
