"""The ``samhandling forecast`` verb, end to end: output, JSON, pictures, stored cases, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from samhandling.cli import main

MATTER = ("forecast", "sogn-og-fjordane", "fsu-ssu-sak", "--from", "2024-02-01")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_acceptance_table_with_zero_chances(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *MATTER, "--seed", "1")
    assert code == 0 and err == ""
    lines = out.splitlines()
    fsu = next(line for line in lines if line.startswith("tilrå saka"))
    ssu = next(line for line in lines if line.startswith("vedta saka"))
    assert fsu.split()[2:6] == ["FSU", "14.02.2024", "14.02.2024", "14.02.2024"]
    assert ssu.split()[2:6] == ["SSU", "29.02.2024", "29.02.2024", "29.02.2024"]
    assert "Sannsynlighet for vedtak innen 29.02.2024: 100 %" in out
    assert "1000 kjøringer, frø 1" in out


def test_chances_spread_the_dates_and_by_gives_the_probability(capsys: pytest.CaptureFixture[str]) -> None:
    argv = (
        *MATTER,
        "--seed",
        "7",
        "--runs",
        "500",
        "--chance-deferral",
        "20 %",
        "--chance-send-back",
        "0,1",
        "--chance-escalation",
        "0.1",
        "--chance-cancelled",
        "0.05",
        "--by",
        "01.06.2024",
        "--preparation",
        "*=0-20",
        "--preparation",
        "recommend=5",
    )
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert "sjanse for utsettelse 20 %, tilbakesending 10 %, eskalering 10 %, avlyst møte 5 %" in out
    assert "forberedelsestid før «tilrå saka»: 5 dager" in out
    assert "forberedelsestid før «vedta saka»: 0–20 dager (jevnt fordelt)" in out
    assert "i snitt per kjøring:" in out
    line = next(x for x in out.splitlines() if x.startswith("Sannsynlighet for vedtak innen 01.06.2024: "))
    share = int(line.rsplit(":", 1)[1].strip().rstrip("%").strip())
    assert 20 < share < 95
    again = run(capsys, *argv)[1]
    assert again == out  # --seed: the same table


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, *MATTER, "--seed", "3", "--runs", "50", "--chance-deferral", "0.5", "--by", "2024-12-31", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["seed"] == 3 and data["runs"] == 50 and data["structure"] == "sogn-og-fjordane"
    assert [s["projected"] for s in data["steps"]] == ["2024-02-14", "2024-02-29"]
    assert data["chances"]["deferral"] == 0.5
    assert 0 <= data["by"]["probability"] <= 1
    assert sum(h["runs"] for h in data["histogram"]) == 50


def test_no_decision_within_the_plan_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "forecast", "sogn-og-fjordane", "fsu-ssu-sak", "--from", "2024-12-01", "--seed", "1")
    assert code == 1
    assert "ingen dato" in out and "møteplanen tar slutt" in out


def test_picture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "prognose.png"
    code, out, _ = run(
        capsys,
        *MATTER,
        "--seed",
        "1",
        "--runs",
        "200",
        "--chance-deferral",
        "0.3",
        "--chance-cancelled",
        "0.2",
        "--by",
        "2024-06-01",
        "-o",
        str(target),
    )
    assert code == 0 and f"skrev prognosen som bilde til {target}" in out
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "prognose.svg"
    assert run(capsys, *MATTER, "--runs", "20", "-o", str(svg))[0] == 0
    assert "Vedtaksdato" in svg.read_text(encoding="utf-8")


def test_picture_without_matplotlib_names_the_extra(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, _, err = run(capsys, *MATTER, "--runs", "5", "-o", str(tmp_path / "x.png"))
    assert code != 0 and "samhandling[plot]" in err
    assert not (tmp_path / "x.png").exists()


def test_stored_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "saker.db")
    assert (
        run(
            capsys,
            "case",
            "new",
            "sogn-og-fjordane",
            "fsu-ssu-sak",
            "--title",
            "Prognose",
            "--on",
            "2024-02-01",
            "--id",
            "s1",
            "--db",
            db,
        )[0]
        == 0
    )
    assert run(capsys, "case", "act", "s1", "recommend", "--by", "FSU", "--on", "2024-02-14", "--db", db)[0] == 0
    code, out, _ = run(capsys, "forecast", "--case", "s1", "--db", db, "--seed", "2")
    assert code == 0
    assert "sak s1 «Prognose» (Tilrådd av FSU), klar 14.02.2024" in out  # from the last event
    assert "tilrå saka" not in out
    assert next(x for x in out.splitlines() if x.startswith("vedta saka")).split()[2:4] == ["SSU", "29.02.2024"]
    code, out, _ = run(capsys, "forecast", "--case", "s1", "--db", db, "--from", "2024-03-01", "--json")
    data = json.loads(out)
    assert code == 0 and data["decision"]["p50"] == "2024-05-30"
    assert (data["case"], data["process"], data["structure"]) == ("s1", "fsu-ssu-sak", "sogn-og-fjordane")
    assert (
        run(
            capsys,
            "case",
            "act",
            "s1",
            "withdraw",
            "--by",
            "FSU",
            "--on",
            "2024-03-02",
            "--db",
            db,
            "--set",
            "reason=trekt",
        )[0]
        == 0
    )
    code, out, _ = run(capsys, "forecast", "--case", "s1", "--db", db)
    assert code == 0 and "saken har ingen steg igjen" in out and "02.03.2024" in out


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (("--runs", "0"), "--runs"),
        (("--runs", "mange"), "heltall"),
        (("--seed", "x"), "--seed"),
        (("--chance-deferral", "2"), "utenfor 0–1"),
        (("--chance-cancelled", "ofte"), "ikke en sjanse"),
        (("--chance-send-back", "150 %"), "utenfor"),
        (("--by", "i morgen"), "ikke en dato"),
        (("--preparation", "recommend"), "STEG=DAGER"),
        (("--preparation", "recommend=9-3"), "LAV-HØY"),
        (("--preparation", "ukjent=3"), "ukjent steg"),
        (("--deadline", "FSU=ti"), "ORGAN=DAGER"),
        (("--deadline", "Ukjent=10"), ""),
        (("-o", "prognose.pdf"), ".png eller .svg"),
        (("--case", "s1"), "ikke begge"),
    ],
)
def test_bad_arguments_are_one_norwegian_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], extra: tuple[str, ...], needle: str
) -> None:
    code, out, err = run(capsys, *MATTER, *extra)
    assert code == 2, err
    assert out == ""
    assert err.startswith("feil [") and err.count("\n") == 1 and needle in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ("forecast",),
        ("forecast", "sogn-og-fjordane"),  # no --from
        ("forecast", "sogn-og-fjordane", "fsu-ssu-sak", "--from", "2024-02-30"),
        ("forecast", "finnes-ikke", "--from", "2024-02-01"),
        ("forecast", "sogn-og-fjordane", "finnes-ikke", "--from", "2024-02-01"),
        ("forecast", "sogn-og-fjordane", "--from", "2024-02-01", "--bogus"),
    ],
)
def test_missing_or_unknown_input_exits_2(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.startswith("feil [") and err.count("\n") == 1


def test_console_script_end_to_end() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from samhandling.cli import run; run()", *MATTER, "--seed", "4", "--runs", "100"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Prognose for vedtak: Sogn og Fjordane helsefellesskap" in proc.stdout
    assert "29.02.2024" in proc.stdout
    bad = subprocess.run(
        [sys.executable, "-c", "from samhandling.cli import run; run()", *MATTER, "--chance-deferral", "-1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and bad.stdout == "" and bad.stderr.startswith("feil [usage]")


def test_a_missing_store_is_not_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "finnes-ikke.db"
    code, out, err = run(capsys, "forecast", "--case", "s1", "--db", str(db))
    assert code == 2 and out == "" and "finnes ikke" in err
    assert not db.exists()
