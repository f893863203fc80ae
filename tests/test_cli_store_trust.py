"""Issue 11, store findings as a user meets them: ``samhandling case …`` end to end on real SQLite files."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from samhandling.cli import main
from samhandling.process.engine import PROCESS_DIR
from samhandling.structure.loader import BUNDLED_DIR


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str, code: str) -> None:
    assert f"[{code}]" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "saker.db")


def new_case(capsys: pytest.CaptureFixture[str], db: str, structure: str = "sor-rogaland") -> str:
    code, out, err = run(
        capsys,
        "case",
        "new",
        structure,
        "tjenestemodell",
        "--title",
        "Nytt forløp",
        "--on",
        "2024-01-02",
        "--db",
        db,
        "--json",
    )
    assert code == 0, err
    cid = str(json.loads(out)["id"])
    code, _, err = run(
        capsys, "case", "act", cid, "draft_mandate", "--by", "tmg-barn-unge", "--on", "2024-01-10", "--db", db
    )
    assert code == 0, err
    return cid


def sql(db: str, statement: str, *params: object) -> None:
    con = sqlite3.connect(db)
    con.execute(statement, params)
    con.commit()
    con.close()


def test_verify_finds_a_changed_title(capsys: pytest.CaptureFixture[str], db: str) -> None:
    cid = new_case(capsys, db)
    assert run(capsys, "case", "verify", "--db", db)[0] == 0
    sql(db, "UPDATE cases SET title = 'Noe annet' WHERE case_id = ?", cid)
    code, out, _ = run(capsys, "case", "verify", "--db", db)
    assert code == 1 and "FEIL" in out and f"sak «{cid}»: saksopplysningene" in out
    code, out, _ = run(capsys, "case", "verify", "--db", db, "--json")
    assert code == 1 and json.loads(out)["failures"][0]["code"] == "header-changed"


def test_verify_finds_orphans_and_cases_without_events(capsys: pytest.CaptureFixture[str], db: str) -> None:
    a, b = new_case(capsys, db), new_case(capsys, db)
    sql(db, "DELETE FROM cases WHERE case_id = ?", a)  # sqlite3's own shell: foreign keys off
    sql(db, "DELETE FROM events WHERE case_id = ?", b)
    code, out, _ = run(capsys, "case", "verify", "--db", db)
    assert code == 1
    assert "2 hendelse(r) er lagret for saken" in out and f"sak «{b}» har ingen hendelser" in out


def test_verify_and_list_on_a_damaged_file(capsys: pytest.CaptureFixture[str], db: str) -> None:
    for _ in range(10):
        new_case(capsys, db)
    con = sqlite3.connect(db)
    (page,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'cases_created'").fetchone()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    with open(db, "r+b") as fh:
        fh.seek((page - 1) * 4096)
        fh.write(b"\xff" * 64)
    code, out, _ = run(capsys, "case", "verify", "--db", db)
    assert code == 1 and "FEIL" in out and "skadet" in out and "OK" not in out
    code, _, err = run(capsys, "case", "list", "--db", db)
    assert code == 1
    one_line_error(err, "store-corrupt")


def test_not_a_database_and_a_directory_are_one_line_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = tmp_path / "notat.txt"
    text.write_text("ikke en database\n" * 300)
    for verb in ("list", "verify"):
        code, _, err = run(capsys, "case", verb, "--db", str(text))
        assert code == 1
        one_line_error(err, "store-not-database")
    code, _, err = run(capsys, "case", "list", "--db", str(tmp_path))
    assert code == 2  # a folder is a usage error, caught by the CLI's --db parser before any store is opened
    one_line_error(err, "bad-db")


def test_own_structure_case_opens_after_the_folder_is_gone(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mitt"
    folder.mkdir()
    (folder / "min.yaml").write_text(
        (BUNDLED_DIR / "sor-rogaland.yaml").read_text().replace("structure: sor-rogaland", "structure: min-region")
    )
    monkeypatch.chdir(folder)
    cid = new_case(capsys, db, "min.yaml")
    monkeypatch.chdir(tmp_path)
    shutil.rmtree(folder)
    code, out, err = run(capsys, "case", "list", "--db", db)
    assert code == 0, err
    assert cid in out and "min-region" in out and "Mandat utarbeidet" in out
    code, out, err = run(capsys, "case", "show", cid, "--db", db)
    assert code == 0 and "Mandat utarbeidet" in out and "Merk:" not in out, err
    code, out, err = run(capsys, "case", "history", cid, "--db", db)
    assert code == 0 and "utarbeide mandat" in out, err
    code, _, err = run(capsys, "case", "act", cid, "approve_mandate", "--by", "fsu", "--on", "2024-01-20", "--db", db)
    assert code == 0, err
    assert run(capsys, "case", "verify", "--db", db)[0] == 0


def test_show_says_when_the_file_changed(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    own = tmp_path / "min.yaml"
    own.write_text((BUNDLED_DIR / "sor-rogaland.yaml").read_text())
    cid = new_case(capsys, db, str(own))
    own.write_text(own.read_text() + "\n# endret etterpå\n")
    code, out, _ = run(capsys, "case", "show", cid, "--db", db)
    assert code == 0
    assert f"Merk: strukturfilen «sor-rogaland» ({own.resolve()}) er endret siden saken ble opprettet" in out
    code, out, _ = run(capsys, "case", "show", cid, "--db", db, "--json")
    assert json.loads(out)["definition_changes"][0]["kind"] == "structure"


def test_structure_path_to_a_device_or_directory_is_refused_quickly(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    for target, code_word in (("/dev/zero", "not-a-file"), (str(tmp_path) + "/", "not-a-file")):
        code, _, err = run(capsys, "case", "new", target, "tjenestemodell", "--title", "x", "--db", db)
        assert code == 2, err
        one_line_error(err, code_word)
    assert not Path(db).exists()


def test_nan_is_refused_not_stored(capsys: pytest.CaptureFixture[str], db: str) -> None:
    cid = new_case(capsys, db)
    code, _, err = run(
        capsys,
        "case",
        "act",
        cid,
        "approve_mandate",
        "--by",
        "fsu",
        "--on",
        "2024-01-20",
        "--set",
        "score=[1, NaN]",
        "--db",
        db,
    )
    assert code == 2  # the CLI refuses NaN in --set before the store sees it (the store's own refusal: library tests)
    one_line_error(err, "bad-value")
    assert "score" in err
    code, out, _ = run(capsys, "case", "history", cid, "--db", db, "--json")
    assert [e["act"] for e in json.loads(out)] == ["open", "draft_mandate"]
    con = sqlite3.connect(db)
    assert all("NaN" not in p for (p,) in con.execute("SELECT payload FROM events"))
    con.close()


def test_old_format_store_is_refused_with_its_version(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    old = tmp_path / "gammel.db"
    con = sqlite3.connect(old)
    con.executescript(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT, applied_at TEXT);"
        "INSERT INTO schema_version VALUES (1, 'x', '2024'), (2, 'y', '2024');"
        "CREATE TABLE cases (case_id TEXT PRIMARY KEY, structure TEXT, process TEXT, version TEXT, title TEXT,"
        " created TEXT, head_seq INT, head_hash TEXT);"
        "CREATE TABLE events (case_id TEXT, seq INT, PRIMARY KEY (case_id, seq));"
        "INSERT INTO cases VALUES ('a', 's', 'p', '1', 't', '2024', 0, '');"
    )
    con.close()
    code, _, err = run(capsys, "case", "list", "--db", str(old))
    assert code == 1
    one_line_error(err, "store-format")
    assert "lagerformat 1" in err


def test_process_files_are_kept_too(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mitt"
    (folder / "p").mkdir(parents=True)
    shutil.copy(PROCESS_DIR / "tjenestemodell.yaml", folder / "p" / "tm.yaml")
    (folder / "min.yaml").write_text(
        (BUNDLED_DIR / "sor-rogaland.yaml")
        .read_text()
        .replace("processes:\n  - tjenestemodell\n", "processes:\n  - {name: tjenestemodell, file: p/tm.yaml}\n")
    )
    cid = new_case(capsys, db, str(folder / "min.yaml"))
    shutil.rmtree(folder)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "case", "show", cid, "--db", db)
    assert code == 0 and "Mandat utarbeidet" in out, err


def test_odd_db_addresses_and_passwords(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for db in ("", "-", ":memory:", "file:"):
        code, _, err = run(capsys, "case", "list", "--db", db)
        assert code == 2  # usage: the CLI's --db parser refuses these before any store is opened
        one_line_error(err, "bad-db")
    assert list(tmp_path.iterdir()) == []  # no file called «-» or «:memory:», and not the default either
    code, _, err = run(capsys, "case", "list", "--db", "postgresql://kari:hemmelig@127.0.0.1:1/db")
    assert code == 1 and "hemmelig" not in err and "kari:***@" in err
    one_line_error(err, "store-unavailable")
