"""Issue 11 item 8 and the CLI side of items 1, 2 and 5, end to end through ``samhandling.cli.main``.

Each finding was reproduced from the command line on 0b4866c; each test here failed there.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from samhandling.app.repository import CaseRepository
from samhandling.cli import main
from samhandling.store import open_store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str, needle: str = "") -> None:
    assert "Traceback" not in err and "intern feil" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert needle in err, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "saker.db")


def new_case(capsys: pytest.CaptureFixture[str], db: str, *extra: str) -> str:
    code, out, err = run(
        capsys,
        "case",
        "new",
        "sor-rogaland",
        "tjenestemodell",
        "--title",
        "Forløp",
        "--on",
        "2024-01-02",
        "--db",
        db,
        "--json",
        *extra,
    )
    assert code == 0, err
    return str(json.loads(out)["id"])


def drive_to(db: str, last: str) -> str:
    """A stored case driven (through the library) up to and including the act ``last``."""
    repo = CaseRepository(open_store(db))
    structure = repo.structure("sor-rogaland")
    parties = [p.id for p in structure.parties if p.kind.value in ("municipality", "health_trust")]
    case = repo.create("sor-rogaland", "tjenestemodell", title="Forløp", on=dt.date(2024, 1, 2))
    steps: list[tuple[str, str, dict[str, object]]] = [
        ("draft_mandate", "tmg-skropelige-eldre", {}),
        ("approve_mandate", "fsu", {}),
        ("approve_mandate", "ssu", {"positions": dict.fromkeys(parties, "for")}),  # SSU: consensus on every matter
        *[("anchor", "fsu", {"party": p}) for p in parties],
        (
            "draft_pathway",
            "tmg-skropelige-eldre",
            {"input_clinics": True, "input_municipalities": True, "user_involvement": True},
        ),
        ("propose_implementation", "tmg-skropelige-eldre", {}),
        ("recommend", "fsu", {}),
    ]
    day = dt.date(2024, 1, 3)
    for act, by, payload in steps:
        repo.act(case.id, act, by=by, on=day, **payload)
        day += dt.timedelta(days=1)
        if act == last:
            break
    repo.store.close()
    return case.id


# ---------------------------------------------------------------------------------------------- internal errors


def test_database_read_error_is_one_line_not_an_internal_error(capsys: pytest.CaptureFixture[str], db: str) -> None:
    cid = new_case(capsys, db)
    with sqlite3.connect(db) as conn:  # a damaged store: the events table is gone
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("DROP TABLE events")
    for argv in (
        ["case", "history", cid],
        ["case", "show", cid],
        ["case", "list"],
        ["case", "act", cid, "draft_mandate", "--by", "tmg-skropelige-eldre"],
    ):
        code, _out, err = run(capsys, *argv, "--db", db)
        assert code in (1, 2), (argv, err)
        one_line_error(err, "hendelseslageret")


@pytest.mark.parametrize(
    "url, needle",
    [
        ("postgresql://kari@localhost:abc/saker", "porten"),
        ("postgresql://kari@localhost:99999/saker", "porten 99999"),
        ("postgresql://kari:pw1234@localhost:abc/saker", "kari:***@localhost"),
    ],
)
def test_bad_postgresql_port_is_a_usage_error(capsys: pytest.CaptureFixture[str], url: str, needle: str) -> None:
    code, _out, err = run(capsys, "case", "list", "--db", url)
    assert code == 2
    one_line_error(err, needle)
    assert "pw1234" not in err and "--db" in err


@pytest.mark.parametrize(
    "value", ["9" * 5000, "[" + "9" * 5000 + "]", '{"n": ' + "1" * 30 + "}", "[NaN]", "[" * 100_000]
)
def test_huge_integers_nan_and_deep_json_are_usage_errors(
    capsys: pytest.CaptureFixture[str], db: str, value: str
) -> None:
    cid = new_case(capsys, db)
    code, _out, err = run(
        capsys, "case", "act", cid, "draft_mandate", "--by", "tmg-skropelige-eldre", "--set", f"n={value}", "--db", db
    )
    assert code == 2
    one_line_error(err)
    assert len(CaseRepository(open_store(db)).history(cid)) == 1


def test_output_to_a_folder_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "bilde.png").mkdir()
    for argv, folder in (
        (["export", "sor-rogaland", "--format", "json"], tmp_path),
        (["calendar", "sogn-og-fjordane"], tmp_path),
        (["plot", "sor-rogaland"], tmp_path / "bilde.png"),
    ):
        code, _out, err = run(capsys, *argv, "-o", str(folder))
        if argv[0] == "plot" and code == 2 and "matplotlib" in err:
            continue
        assert code == 2, (argv, err)
        one_line_error(err, "er en mappe")


def test_invalid_utf8_argument_is_a_usage_error(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    code, _out, err = run(capsys, "case", "new", "sor-rogaland", "tjenestemodell", "--title", "Forl\udcf8p", "--db", db)
    assert code == 2
    one_line_error(err, "ikke gyldig UTF-8")
    assert not Path(db).exists()
    # from a real shell: a Latin-1 «ø» in the arguments
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from samhandling.cli import run; run()",
            "case",
            "new",
            "sor-rogaland",
            "tjenestemodell",
            b"--title",
            b"Forl\xf8p",
            "--db",
            db,
        ],
        capture_output=True,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"},
    )
    assert done.returncode == 2
    text = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in text and "UTF-8" in text and len(text.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "argv", [["due", "--within", "99999999999"], ["rotation", "sor-rogaland", "--from", "9999-12-01"]]
)
def test_numbers_and_dates_out_of_range_are_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _out, err = run(capsys, *argv)
    assert code == 2
    one_line_error(err)


# ---------------------------------------------------------------------------------------------- -o


def test_output_never_overwrites_its_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "min.yaml"
    from samhandling.structure.loader import resolve_source

    source.write_text(resolve_source("sor-rogaland").read_text(encoding="utf-8"), encoding="utf-8")
    before = source.read_bytes()
    for extra in ([], ["--force"]):
        code, _out, err = run(capsys, "export", str(source), "--format", "json", "-o", str(source), *extra)
        assert code == 2
        one_line_error(err, "er også inndata")
    # the same file under another name (a hard link, a path with ..)
    other = tmp_path / "sub"
    other.mkdir()
    code, _out, err = run(
        capsys, "export", str(source), "--format", "json", "-o", str(other / ".." / "min.yaml"), "--force"
    )
    assert code == 2 and "inndata" in err
    os.link(source, tmp_path / "lenke.yaml")
    code, _out, err = run(
        capsys, "export", str(source), "--format", "json", "-o", str(tmp_path / "lenke.yaml"), "--force"
    )
    assert code == 2 and "inndata" in err
    assert source.read_bytes() == before


def test_output_refuses_an_existing_file_without_force(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "struktur.json"
    out.write_text("mitt eget\n")
    code, _o, err = run(capsys, "export", "sor-rogaland", "--format", "json", "-o", str(out))
    assert code == 2
    one_line_error(err, "--force")
    assert out.read_text() == "mitt eget\n"
    code, _o, err = run(capsys, "export", "sor-rogaland", "--format", "json", "-o", str(out), "--force")
    assert code == 0, err
    assert json.loads(out.read_text())["nodes"]
    cal = tmp_path / "plan.ics"
    cal.write_text("x")
    assert run(capsys, "calendar", "sogn-og-fjordane", "-o", str(cal))[0] == 2 and cal.read_text() == "x"
    assert run(capsys, "calendar", "sogn-og-fjordane", "-o", str(cal), "--force")[0] == 0
    assert cal.read_text().startswith("BEGIN:VCALENDAR")


def test_output_never_writes_through_a_symlink(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "viktig.txt"
    target.write_text("viktig\n")
    link = tmp_path / "ut.json"
    link.symlink_to(target)
    dangling = tmp_path / "ny.json"
    dangling.symlink_to(tmp_path / "finnes-ikke.json")
    for path in (link, dangling):
        for extra in ([], ["--force"]):
            code, _o, err = run(capsys, "export", "sor-rogaland", "--format", "json", "-o", str(path), *extra)
            assert code == 2
            one_line_error(err, "symbolsk lenke")
    assert target.read_text() == "viktig\n" and not (tmp_path / "finnes-ikke.json").exists()
    assert link.is_symlink() and dangling.is_symlink()


def test_output_is_written_atomically(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "struktur.mmd"
    out.write_text("gammel\n")

    def half_then_fail(_tmp: Path) -> None:
        _tmp.write_text("halv")
        raise OSError(28, "No space left on device")

    from samhandling.cli import support

    real = support.write_output_with
    monkeypatch.setattr(support, "write_output_with", lambda path, writer, **kw: real(path, half_then_fail, **kw))
    code, _o, err = run(capsys, "export", "sor-rogaland", "--format", "mermaid", "-o", str(out), "--force")
    assert code == 1
    one_line_error(err, "kan ikke skrive")
    assert out.read_text() == "gammel\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["struktur.mmd"]  # no temporary file left behind
    monkeypatch.undo()
    assert run(capsys, "export", "sor-rogaland", "--format", "mermaid", "-o", str(out), "--force")[0] == 0
    assert out.read_text().startswith(("flowchart", "graph", "%%"))
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # an ordinary file, not the temp file's private mode


def test_report_regenerates_its_default_file_but_not_an_o_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_file = tmp_path / "kjøring.json"
    from samhandling.bdd.record import FORMAT

    run_file.write_text(json.dumps({"format": FORMAT, "features": [], "counts": {}}), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        code, _o, err = run(capsys, "report", "--run", str(run_file), "--no-pictures")
        assert code == 0, err
    assert (tmp_path / "samhandling-rapport.html").exists()
    code, _o, err = run(capsys, "report", "--run", str(run_file), "--no-pictures", "-o", "samhandling-rapport.html")
    assert code == 2 and "--force" in err
    code, _o, err = run(capsys, "report", "--run", str(run_file), "-o", str(run_file), "--force")
    assert code == 2 and "inndata" in err


# ---------------------------------------------------------------------------------------------- --db


@pytest.mark.parametrize(
    "value, needle",
    [
        ("", "tom verdi"),
        ("   ", "tom verdi"),
        ("file:saker.db", "file:"),
        ("-", "«-»"),
        (":memory:", "bare «demo»"),
        ("memory://", "bare «demo»"),
        ("sqlite:saker.db", "tre skråstreker"),
        ("sqlite:///", "mangler filsti"),
        ("mysql://h/db", "ukjent type"),
        (".", "er en mappe"),
        ("finnes/ikke/saker.db", "finnes ikke"),
    ],
)
def test_db_is_parsed_in_one_place(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, needle: str
) -> None:
    monkeypatch.chdir(tmp_path)
    for argv in (["case", "list"], ["case", "new", "sor-rogaland", "tjenestemodell", "--title", "x"]):
        code, _out, err = run(capsys, *argv, "--db", value)
        assert code == 2, (argv, value, err)
        one_line_error(err, needle)
        assert "--db" in err
    assert list(tmp_path.iterdir()) == []  # no file named «file:saker.db», «-», «:memory:» or samhandling.db


def test_db_from_the_environment_is_checked_the_same_way(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAMHANDLING_DB", "file:x.db")
    code, _out, err = run(capsys, "case", "list")
    assert code == 2
    one_line_error(err, "$SAMHANDLING_DB")
    monkeypatch.setenv("SAMHANDLING_DB", "sqlite:///" + str(tmp_path / "a.db"))
    assert run(capsys, "case", "new", "sor-rogaland", "tjenestemodell", "--title", "x")[0] == 0
    assert (tmp_path / "a.db").exists()


def test_reading_verbs_never_create_a_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "ny.db"
    for argv, code_expected in (
        (["case", "list"], 0),
        (["case", "verify"], 2),
        (["case", "show", "x"], 2),
        (["case", "history", "x"], 2),
    ):
        code, _out, err = run(capsys, *argv, "--db", str(db))
        assert code == code_expected, (argv, err)
        if code:
            one_line_error(err, "finnes ikke")
    assert not db.exists()


AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or (os.geteuid() == 0 and shutil.which("setpriv") is None),
    reason="needs a user who cannot write the store (root without setpriv writes anything)",
)
def test_a_read_only_store_can_be_listed_and_verified() -> None:
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="samhandling-ro-"))  # pytest's own tmp folder is closed to other users
    top.chmod(0o755)
    folder = top / "arkiv"
    folder.mkdir()
    db = str(folder / "saker.db")
    cli = [sys.executable, "-c", "from samhandling.cli import run; run()"]
    # separate processes: when the last connection closes, SQLite folds the WAL back in and deletes it, so the
    # folder holds only the database file, as a store copied to a read-only share does
    subprocess.run(
        [
            *cli,
            "case",
            "new",
            "sor-rogaland",
            "tjenestemodell",
            "--title",
            "x",
            "--id",
            "sak-1",
            "--on",
            "2024-01-02",
            "--db",
            db,
        ],
        check=True,
        capture_output=True,
    )
    cid = "sak-1"
    subprocess.run(
        [*cli, "case", "act", cid, "draft_mandate", "--by", "tmg-skropelige-eldre", "--on", "2024-01-03", "--db", db],
        check=True,
        capture_output=True,
    )
    assert sorted(p.name for p in folder.iterdir()) == ["saker.db"]
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    for name in os.listdir(folder):
        os.chmod(folder / name, 0o444)
    os.chmod(folder, 0o555)
    prefix = AS_NOBODY if os.geteuid() == 0 else []
    try:
        for argv in (["case", "list"], ["case", "verify"], ["case", "history", cid], ["case", "show", cid]):
            done = subprocess.run(
                [*prefix, sys.executable, "-c", "from samhandling.cli import run; run()", *argv, "--db", db],
                capture_output=True,
                text=True,
                check=False,
                cwd="/",
            )
            assert done.returncode == 0, (argv, done.stderr)
            assert "Traceback" not in done.stderr
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # nothing written, nothing created
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(top, ignore_errors=True)


# ---------------------------------------------------------------------------------------------- --today


def test_today_option_and_environment_set_the_clock(
    capsys: pytest.CaptureFixture[str], db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAMHANDLING_TODAY", raising=False)
    code, out, err = run(
        capsys,
        "--today",
        "2024-03-01",
        "case",
        "new",
        "sor-rogaland",
        "tjenestemodell",
        "--title",
        "x",
        "--db",
        db,
        "--json",
    )
    assert code == 0, err
    cid = json.loads(out)["id"]
    code, out, err = run(
        capsys, "case", "act", cid, "draft_mandate", "--by", "tmg-skropelige-eldre", "--db", db, "--today", "05.03.2024"
    )  # after the verb, Norwegian form
    assert code == 0 and "(2024-03-05)" in out, err
    monkeypatch.setenv("SAMHANDLING_TODAY", "2024-03-09")
    code, out, err = run(capsys, "case", "act", cid, "approve_mandate", "--by", "fsu", "--db", db)
    assert code == 0 and "(2024-03-09)" in out, err
    assert [e.on for e in CaseRepository(open_store(db)).history(cid)] == [
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 5),
        dt.date(2024, 3, 9),
    ]
    code, out, _ = run(capsys, "due", "sor-rogaland", "--json")
    assert code == 0  # «due» reads today from the same clock
    code, out, _ = run(capsys, "--today", "2024-03-09", "rotation", "sor-rogaland", "--json")
    assert code == 0


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["--today", "i morgen", "case", "list"], "--today: «i morgen»"),
        (["case", "list", "--today", "2024-02-30"], "--today: «2024-02-30»"),
        (["due", "--on", "31.02.2024"], "--on: «31.02.2024»"),
    ],
)
def test_bad_dates_name_the_option_and_the_forms(
    capsys: pytest.CaptureFixture[str], db: str, argv: list[str], needle: str
) -> None:
    code, _out, err = run(capsys, *argv, *(["--db", db] if argv[-1] == "list" else []))
    assert code == 2
    one_line_error(err, needle)
    assert "ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ" in err


def test_bad_today_in_the_environment(
    capsys: pytest.CaptureFixture[str], db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMHANDLING_TODAY", "snart")
    code, _out, err = run(capsys, "case", "list", "--db", db)
    assert code == 2
    one_line_error(err, "$SAMHANDLING_TODAY: «snart»")


def test_today_is_documented_on_every_verb() -> None:
    from samhandling.cli import _leaves, build_parser

    for leaf in _leaves(build_parser()):
        assert "--today DATO" in leaf.format_help(), leaf.prog


# ---------------------------------------------------------------------------------------------- --positions


def test_positions_option(capsys: pytest.CaptureFixture[str], db: str) -> None:
    cid = drive_to(db, "recommend")
    code, _out, err = run(
        capsys,
        "case",
        "act",
        cid,
        "approve_proposal",
        "--by",
        "ssu",
        "--db",
        db,
        "--positions",
        "Sola=mot, alle andre=for",
    )
    assert code == 1 and err.startswith("Avvist [no-consensus]") and "Sola" in err  # Sola is against
    one_line_error(err, "ingenting ble lagret")
    for bad, needle in (
        ("Sola=mot,sola=for", "to ganger"),
        ("Atlantis=for", "ingen part"),
        ("Sola", "PART=STANDPUNKT"),
        ("alle andre=for,alle andre=mot", "to ganger"),
    ):
        code, _out, err = run(
            capsys, "case", "act", cid, "approve_proposal", "--by", "ssu", "--db", db, "--positions", bad
        )
        assert code == 2, (bad, err)
        one_line_error(err, needle)
    code, _out, err = run(
        capsys,
        "case",
        "act",
        cid,
        "approve_proposal",
        "--by",
        "ssu",
        "--db",
        db,
        "--positions",
        "sola=for",
        "--set",
        'positions={"sola": "for"}',
    )
    assert code == 2 and "ikke begge" in err
    code, out, err = run(
        capsys,
        "case",
        "act",
        cid,
        "approve_proposal",
        "--by",
        "ssu",
        "--db",
        db,
        "--positions",
        "Sola=for,alle andre=for",
        "--json",
    )
    assert code == 0, err
    positions = json.loads(out)["event"]["payload"]["positions"]
    structure = CaseRepository(open_store(db)).structure("sor-rogaland")
    everyone = {p.id for p in structure.parties if p.kind.value in ("municipality", "health_trust")}
    # «alle andre»: every party that counts in the deciding SSU (issue 12: seated through the municipal cluster, so
    # every municipality and the trust; not the GPs or the users, who hold no seat there)
    assert set(positions) == everyone and set(positions.values()) == {"for"}
    assert "sola" in positions


# ---------------------------------------------------------------------------------------------- engine rules


@pytest.mark.parametrize("key", ["actors", "per_party", "progress", "state"])
def test_reserved_keys_are_one_line_refusals(capsys: pytest.CaptureFixture[str], db: str, key: str) -> None:
    cid = new_case(capsys, db)
    code, _out, err = run(
        capsys,
        "case",
        "act",
        cid,
        "draft_mandate",
        "--by",
        "tmg-skropelige-eldre",
        "--db",
        db,
        "--set",
        f'{key}={{"approve_mandate": ["fsu"]}}',
    )
    assert code == 1
    one_line_error(err, "Avvist [reserved-key]")
    assert len(CaseRepository(open_store(db)).history(cid)) == 1


def test_escalated_to_cannot_give_fsu_ssus_authority(capsys: pytest.CaptureFixture[str], db: str) -> None:
    cid = drive_to(db, "propose_implementation")
    code, _out, err = run(
        capsys, "case", "act", cid, "escalate", "--by", "fsu", "--set", "escalated_to=fsu", "--db", db
    )
    assert code == 1
    one_line_error(err, "Avvist [reserved-key]")
    assert [e.act for e in CaseRepository(open_store(db)).history(cid)][-1] == "propose_implementation"


def test_unknown_position_word_is_a_refusal(capsys: pytest.CaptureFixture[str], db: str) -> None:
    cid = drive_to(db, "recommend")
    code, _out, err = run(
        capsys,
        "case",
        "act",
        cid,
        "approve_proposal",
        "--by",
        "ssu",
        "--db",
        db,
        "--positions",
        "Sola=nei takk,alle andre=for",
    )
    assert code == 1
    one_line_error(err, "Avvist [unknown-position]")
    assert "nei takk" in err


def test_a_future_date_is_refused(capsys: pytest.CaptureFixture[str], db: str) -> None:
    cid = new_case(capsys, db)
    code, _out, err = run(
        capsys,
        "--today",
        "2024-01-10",
        "case",
        "act",
        cid,
        "draft_mandate",
        "--by",
        "tmg-skropelige-eldre",
        "--on",
        "2052-01-20",
        "--db",
        db,
    )
    assert code == 1
    one_line_error(err, "Avvist [future-date]")


def test_correct_appends_and_history_shows_both(capsys: pytest.CaptureFixture[str], db: str) -> None:
    cid = new_case(capsys, db)
    assert (
        run(
            capsys,
            "--today",
            "2024-02-01",
            "case",
            "act",
            cid,
            "draft_mandate",
            "--by",
            "tmg-skropelige-eldre",
            "--on",
            "2024-01-20",
            "--db",
            db,
        )[0]
        == 0
    )
    code, out, err = run(
        capsys,
        "--today",
        "2024-02-02",
        "case",
        "correct",
        cid,
        "2",
        "--on",
        "2024-01-12",
        "--reason",
        "feil dato i innmeldingen",
        "--db",
        db,
    )
    assert code == 0, err
    assert "retting av nr. 2" in out and "2024-01-12" in out
    history = CaseRepository(open_store(db)).history(cid)
    assert [e.act for e in history] == ["open", "draft_mandate", "correct"]
    assert history[1].on == dt.date(2024, 1, 20)  # the original is never rewritten
    assert history[2].payload["event"] == 2 and history[2].payload["reason"] == "feil dato i innmeldingen"
    code, out, _err = run(capsys, "case", "history", cid, "--db", db)
    assert code == 0
    lines = out.splitlines()
    original = next(i for i, line in enumerate(lines) if "utarbeide mandat" in line)
    assert "rettet" in lines[original + 1] and "2024-01-20 → 2024-01-12" in lines[original + 1]
    assert any("retting av nr. 2" in line and "feil dato i innmeldingen" in line for line in lines)
    code, _out, err = run(capsys, "case", "correct", cid, "99", "--on", "2024-01-12", "--reason", "x", "--db", db)
    assert code == 1
    one_line_error(err, "Avvist [bad-correction]")


@pytest.mark.parametrize(
    "extra, needle",
    [
        (["2", "--on", "2024-01-12"], "--reason"),
        (["2", "--reason", "  ", "--on", "2024-01-12"], "tom"),
        (["2", "--reason", "x"], "--on DATO og/eller --set"),
        (["to", "--reason", "x", "--on", "2024-01-12"], "hendelsesnummer"),
        (["2", "--reason", "x", "--on", "12/01/2024"], "--on: «12/01/2024»"),
    ],
)
def test_correct_usage_errors(capsys: pytest.CaptureFixture[str], db: str, extra: list[str], needle: str) -> None:
    cid = new_case(capsys, db)
    code, _out, err = run(capsys, "case", "correct", cid, *extra, "--db", db)
    assert code == 2
    one_line_error(err, needle)
    assert len(CaseRepository(open_store(db)).history(cid)) == 1


def test_case_show_says_what_each_act_needs(capsys: pytest.CaptureFixture[str], db: str) -> None:
    cid = drive_to(db, "approve_mandate")
    code, out, _ = run(capsys, "case", "show", cid, "--db", db, "--json")
    acts = {a["act"]: a for a in json.loads(out)["available_acts"]}
    assert code == 0 and acts["approve_mandate"]["inputs"] == []
    cid = drive_to(db, "recommend")
    code, out, _ = run(capsys, "case", "show", cid, "--db", db)
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("approve_proposal"))
    assert "SSU" in line and "--positions PART=STANDPUNKT" in line


def test_bad_input_is_refused_before_the_store_is_touched(capsys: pytest.CaptureFixture[str], db: str) -> None:
    for argv in (
        ["case", "new", "sor-rogaland", "tjenestemodell", "--title", "x", "--set", "score=[1, NaN]"],
        ["case", "new", "sor-rogaland", "tjenestemodell", "--title", "x", "--on", "i går"],
        ["case", "act", "x", "draft_mandate", "--by", "fsu", "--set", "n=" + "7" * 40],
    ):
        code, _out, err = run(capsys, *argv, "--db", db)
        assert code == 2
        one_line_error(err)
    assert (
        "--set score: «NaN»"
        in run(
            capsys,
            "case",
            "new",
            "sor-rogaland",
            "tjenestemodell",
            "--title",
            "x",
            "--set",
            "score=[1, NaN]",
            "--db",
            db,
        )[2]
    )
    assert not Path(db).exists()


@pytest.mark.parametrize(
    "url, secret",
    [
        ("postgresql://kari:hemmelig@vert:5432/saker", "hemmelig"),
        ("postgresql+psycopg://kari:p@ss:ord@vert/saker", "p@ss:ord"),
        ("postgres://kari:%40b%2Fc@vert/saker", "%40b%2Fc"),
    ],
)
def test_mask_secrets_hides_every_password(url: str, secret: str) -> None:
    from samhandling.cli.support import mask_secrets, remember_secret_from, store_location

    for text in (url, f"feil: «{url}» svarte ikke", f"({url})", f"lager={url}; igjen {url}"):
        assert secret not in mask_secrets(text), text
        assert "kari:***@vert" in mask_secrets(text)
    assert secret not in store_location(url)
    remember_secret_from(url)  # the password itself, wherever a driver repeats it
    assert secret not in mask_secrets(f"passordet {secret} ble avvist")
