"""``samhandling meeting …`` end to end: from the plan to the protokoll, refusals storing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from samhandling.cli import main

SF = "sogn-og-fjordane"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--today", "2024-12-31"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "saker.db")


def _case(capsys: pytest.CaptureFixture[str], db: str, cid: str, on: str) -> None:
    code, _, err = run(
        capsys, "case", "new", SF, "fsu-ssu-sak", "--title", f"Sak {cid}", "--on", on, "--id", cid, "--db", db
    )
    assert code == 0, err


def test_meeting_from_plan_to_protokoll(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    code, out, err = run(capsys, "meeting", "create", SF, "--year", "2024", "--db", db)
    assert code == 0, err
    assert "fsu-2024-02-14" in out and "ssu-2024-12-05" in out
    _case(capsys, db, "a", "2024-01-10")
    _case(capsys, db, "b", "2024-02-20")

    code, out, err = run(capsys, "meeting", "plan", "FSU", "--date", "14.02.2024", "--add", "--db", db)
    assert code == 0, err
    assert "Satt på sakslisten: Sak 01/24 Sak a" in out
    assert "Kom etter fristen" in out and "Sak b" in out

    code, _, err = run(capsys, "meeting", "add", "fsu-2024-02-14", "--info", "Orientering om økonomi", "--db", db)
    assert code == 0, err
    code, out, err = run(capsys, "meeting", "notice", "fsu-2024-02-14", "--on", "2024-02-01", "--db", db)
    assert code == 0 and "registrert sendt 2024-02-01" in out, err
    code, out, err = run(
        capsys,
        "meeting",
        "open",
        "fsu-2024-02-14",
        "--present",
        "Kommunane,Helse Førde",
        "--deputy",
        "Kari Vara=fastlegar",
        "--db",
        db,
    )
    assert code == 0 and "stemmeberettigede til stede: 3" in out, err

    minutes = tmp_path / "vedtak.csv"
    minutes.write_text(
        "sak,handling,vedtak\nSak 01/24,tilrå saka,FSU tilrår saka\nSak 02/24,,Teke til orientering\n", encoding="utf-8"
    )
    code, out, err = run(capsys, "meeting", "minutes", "fsu-2024-02-14", str(minutes), "--close", "--db", db)
    assert code == 0, err
    assert "2 vedtak" in out
    code, out, _ = run(capsys, "case", "show", "a", "--json", "--db", db)
    assert json.loads(out)["state"] == "tilrådd"

    code, out, _ = run(capsys, "meeting", "show", "fsu-2024-02-14", "--json", "--db", db)
    shown = json.loads(out)
    assert shown["status"] == "closed"
    assert [i["case_number"] for i in shown["items"]] == ["Sak 01/24", "Sak 02/24"]

    pdf = tmp_path / "protokoll.pdf"
    code, _, err = run(capsys, "meeting", "render", "fsu-2024-02-14", "--kind", "protokoll", "-o", str(pdf), "--db", db)
    assert code == 0, err
    pypdf = pytest.importorskip("pypdf")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(str(pdf)).pages)
    assert "Sak 01/24" in text and "Sak 02/24" in text and "Kari Vara" in text
    code, _, err = run(capsys, "meeting", "render", "fsu-2024-02-14", "-o", str(pdf), "--db", db)
    assert code == 2 and "--force" in err  # -o rules: no silent overwrite


def test_refused_minutes_store_nothing(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    run(capsys, "meeting", "create", SF, "--body", "FSU", "--year", "2024", "--db", db)
    _case(capsys, db, "a", "2024-01-10")
    _case(capsys, db, "b", "2024-01-11")
    run(capsys, "meeting", "plan", "FSU", "--date", "2024-02-14", "--add", "--db", db)
    minutes = tmp_path / "vedtak.yaml"
    minutes.write_text(
        "- {sak: Sak 01/24, handling: tilrå saka}\n- {sak: Sak 02/24, handling: vedta saka}\n", encoding="utf-8"
    )  # FSU cannot «vedta»: one refused decision
    code, out, err = run(capsys, "meeting", "minutes", "fsu-2024-02-14", str(minutes), "--db", db)
    assert code == 1
    assert "Sak 02/24" in err and "ikke lagret (1 avvist)" in err and "minutes-refused" in err
    assert "Traceback" not in err
    code, out, _ = run(capsys, "case", "history", "a", "--json", "--db", db)
    assert len(json.loads(out)) == 1  # the valid decision was not stored either


def test_bad_input_is_a_usage_error(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    run(capsys, "meeting", "create", SF, "--body", "SSU", "--year", "2024", "--db", db)
    code, _, err = run(capsys, "meeting", "open", "ssu-2024-02-29", "--present", "Ingen slik part", "--db", db)
    assert code == 2 and "Ingen slik part" in err
    code, _, err = run(capsys, "meeting", "show", "ssu-2099-01-01", "--db", db)
    assert code == 2 and "fant ikke møtet" in err
    code, _, err = run(capsys, "meeting", "plan", "SSU", "--date", "2024-03-01", "--db", db)
    assert code == 2 and "fant ikke noe møte" in err
    bad = tmp_path / "v.yaml"
    bad.write_text("- {handling: x}\n", encoding="utf-8")
    code, _, err = run(capsys, "meeting", "minutes", "ssu-2024-02-29", str(bad), "--db", db)
    assert code == 2 and "saksnummer" in err and "v.yaml" in err


def test_case_ergonomics_labels_names_and_width(
    capsys: pytest.CaptureFixture[str], db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _case(capsys, db, "a", "2024-01-10")
    code, out, err = run(capsys, "case", "show", "a", "--db", db)
    assert code == 0, err
    assert "FSU, SSU" in out and "fsu, ssu" not in out  # the bodies' names (labels), not their ids
    assert "tilrå saka" in out
    code, out, err = run(capsys, "case", "act", "a", "Tilrå  saka", "--by", "FSU", "--db", db)  # by its label
    assert code == 0, err
    assert "Tilrådd av FSU" in out

    from samhandling.cli.output import table

    monkeypatch.setenv("COLUMNS", "50")
    table(["nr", "tekst", "mer"], [["1", "ord " * 30, "kort"], ["2", "x" * 70, "y"]])
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 50
    assert out.count("x") == 70 and out.count("ord") == 30 and "kort" in out  # wrapped, nothing lost
    assert len(lines) > 4
    monkeypatch.delenv("COLUMNS")
    table(["nr", "tekst"], [["1", "ord " * 30]])
    out, _ = capsys.readouterr()
    assert len(out.splitlines()) == 3  # not a terminal and no $COLUMNS: never wrapped
