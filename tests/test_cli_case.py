"""``samhandling case …``: create, act, show, history, list, verify, on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from samhandling.app.repository import CaseRepository
from samhandling.cli import main
from samhandling.cli.case_cmds import parse_sets, parse_value
from samhandling.errors import UsageError
from samhandling.store import open_store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "saker.db")


def new_case(capsys: pytest.CaptureFixture[str], db: str, *extra: str) -> str:
    code, out, _ = run(
        capsys,
        "case",
        "new",
        "sor-rogaland",
        "tjenestemodell",
        "--title",
        "Nytt forløp",
        "--on",
        "2024-01-02",
        "--db",
        db,
        "--json",
        *extra,
    )
    assert code == 0
    return str(json.loads(out)["id"])


def test_new_act_show_history_list(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run(
        capsys,
        "case",
        "new",
        "sor-rogaland",
        "tjenestemodell",
        "--title",
        "Forløp for eldre",
        "--on",
        "2024-01-02",
        "--db",
        db,
    )
    assert code == 0
    assert out.startswith("Opprettet sak tjenestemodell-") and "Lager: " + db in out
    cid = out.split()[2]
    code, out, _ = run(
        capsys,
        "case",
        "act",
        cid,
        "draft_mandate",
        "--by",
        "tmg-skropelige-eldre",
        "--on",
        "2024-01-10",
        "--person",
        "Kari Nordmann",
        "--db",
        db,
    )
    assert code == 0 and "hendelse nr. 2 (2024-01-10)" in out and "Mandat utarbeidet" in out
    code, out, _ = run(capsys, "case", "show", cid, "--db", db)
    assert code == 0 and "Forløp for eldre" in out and "Mandat utarbeidet" in out and "approve_mandate" in out
    code, out, _ = run(capsys, "case", "history", cid, "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert any("2024-01-02" in line and "opprettet saken" in line for line in lines)
    assert any("2024-01-10" in line and "Kari Nordmann" in line and "utarbeide mandat" in line for line in lines)
    code, out, _ = run(capsys, "case", "list", "--db", db, "--json")
    assert code == 0
    listed = json.loads(out)
    assert [(c["id"], c["events"], c["state"]) for c in listed] == [(cid, 2, "mandat_utarbeidet")]
    code, out, _ = run(capsys, "case", "history", cid, "--db", db, "--json")
    events = json.loads(out)
    assert [(e["seq"], e["act"], e["person"]) for e in events] == [
        (1, "open", None),
        (2, "draft_mandate", "Kari Nordmann"),
    ]
    assert all(len(e["hash"]) == 64 for e in events)


def test_refusal_prints_reason_exits_1_and_writes_nothing(capsys: pytest.CaptureFixture[str], db: str) -> None:
    cid = new_case(capsys, db)
    code, out, err = run(capsys, "case", "act", cid, "draft_mandate", "--by", "ssu", "--db", db)
    assert code == 1
    assert err.startswith("Avvist [") and "ingenting ble lagret" in err and "Traceback" not in err + out
    assert "ingenting ble lagret: SSU kan ikke" in err  # the engine's Norwegian reason
    assert len(err.strip().splitlines()) == 1  # one line, code and reasons
    code, out, err = run(capsys, "case", "act", cid, "implement", "--by", "ssu", "--db", db, "--json")
    refused = json.loads(out)
    assert code == 1 and refused["ok"] is False and refused["error"]["message"]
    assert [e.act for e in CaseRepository(open_store(db)).history(cid)] == ["open"]


def test_set_values_reach_the_engine(capsys: pytest.CaptureFixture[str], db: str) -> None:
    repo = CaseRepository(open_store(db))
    cid = new_case(capsys, db)
    parties = [p.id for p in repo.structure("sor-rogaland").parties if p.kind.value in ("municipality", "health_trust")]
    agreed = json.dumps(dict.fromkeys(parties, "for"))  # SSU decides every matter by consensus
    steps: list[tuple[str, str, list[str]]] = [
        ("draft_mandate", "tmg-barn-unge", []),
        ("approve_mandate", "fsu", []),
        ("approve_mandate", "ssu", [f"positions={agreed}"]),
    ]
    steps += [("anchor", "fsu", [f"party={p}"]) for p in parties]
    steps += [
        (
            "draft_pathway",
            "tmg-barn-unge",
            ["input_clinics=true", "input_municipalities=true", "user_involvement=true"],
        ),
        ("propose_implementation", "tmg-barn-unge", []),
        ("recommend", "fsu", []),
    ]
    for act, by, sets in steps:
        argv = ["case", "act", cid, act, "--by", by, "--db", db]
        for s in sets:
            argv += ["--set", s]
        code, _out, err = run(capsys, *argv)
        assert code == 0, err
    positions = json.dumps({p: "for" for p in parties})
    code, out, err = run(
        capsys,
        "case",
        "act",
        cid,
        "approve_proposal",
        "--by",
        "ssu",
        "--set",
        f"positions={positions}",
        "--db",
        db,
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["event"]["payload"]["positions"]["sandnes"] == "for"
    stored = repo.history(cid)[-1]
    assert stored.payload["positions"] == {p: "for" for p in parties}


def test_parse_values() -> None:
    assert parse_value("true") is True and parse_value("False") is False
    assert parse_value("42") == 42 and parse_value("-3") == -3
    assert parse_value('{"sandnes":"for"}') == {"sandnes": "for"}
    assert parse_value("[1, 2]") == [1, 2]
    assert parse_value("null") is None
    assert parse_value("Helse Stavanger") == "Helse Stavanger"
    assert parse_sets(["a=1", "b=x=y"]) == {"a": 1, "b": "x=y"}
    with pytest.raises(UsageError):
        parse_value("{ikke json")
    with pytest.raises(UsageError):
        parse_sets(["mangler-likhetstegn"])


def test_bad_input_is_one_norwegian_line(capsys: pytest.CaptureFixture[str], db: str) -> None:
    cid = new_case(capsys, db)
    (Path(db).parent / "ikke-en-database.txt").write_text("dette er ikke en database\n" * 200)
    for argv, code_expected, needle in (
        (["case", "act", cid, "draft_mandate", "--by", "tmg-barn-unge", "--set", "x", "--db", db], 2, "NØKKEL=VERDI"),
        (
            ["case", "act", cid, "draft_mandate", "--by", "tmg-barn-unge", "--on", "i morgen", "--db", db],
            2,
            "ÅÅÅÅ-MM-DD",
        ),
        (["case", "show", "finnes-ikke", "--db", db], 2, "fant ingen sak"),
        (["case", "list", "--db", "mysql://h/db"], 2, "ukjent type hendelseslager"),
        (["case", "list", "--db", str(Path(db).parent / "ikke-en-database.txt")], 1, "file is not a database"),
        (["case", "list", "--db", "postgresql://x@127.0.0.1:1/db"], 1, "svarte med feil"),
        (["case", "new", "finnes-ikke", "tjenestemodell", "--title", "x", "--db", db], 2, "finnes-ikke"),
    ):
        code, _out, err = run(capsys, *argv)
        assert code == code_expected, (argv, err)
        assert needle in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1
    assert len(CaseRepository(open_store(db)).history(cid)) == 1


def test_store_from_env_and_default_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SAMHANDLING_DB", raising=False)
    cid = new_case(capsys, "samhandling.db")
    code, out, _ = run(capsys, "case", "list")
    assert code == 0 and cid in out
    assert (tmp_path / "samhandling.db").exists()
    other = tmp_path / "annen.db"
    monkeypatch.setenv("SAMHANDLING_DB", str(other))
    code, out, _ = run(capsys, "case", "list")
    assert code == 0 and "Ingen saker" in out and "finnes ikke" in out
    assert not other.exists()  # listing never creates a store


def test_prefix_of_case_id(capsys: pytest.CaptureFixture[str], db: str) -> None:
    cid = new_case(capsys, db, "--id", "rogaland-2024-17")
    assert cid == "rogaland-2024-17"
    code, out, _ = run(capsys, "case", "show", "rogaland-2024", "--db", db, "--json")
    assert code == 0 and json.loads(out)["id"] == cid
    code, _out, err = run(
        capsys, "case", "new", "sor-rogaland", "tjenestemodell", "--title", "igjen", "--id", cid, "--db", db
    )
    assert code == 1 and "conflict" in err


def test_verify_all_ok(capsys: pytest.CaptureFixture[str], db: str) -> None:
    new_case(capsys, db)
    code, out, _ = run(capsys, "case", "verify", "--db", db)
    assert code == 0 and out.startswith("OK: hashkjeden stemmer for 1 saker og 1 hendelser")
