"""The structure verbs of the CLI: list, show, validate (exit codes, one-line errors, file:line)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import samhandling
from samhandling.cli import main
from samhandling.structure.loader import BUNDLED_DIR


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", samhandling.bundled_names())
def test_validate_each_bundled_structure(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, err = run(capsys, "validate", name)
    assert code == 0, out + err
    assert f"{name}.yaml: 0 feil" in out
    assert not err


def test_validate_several_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", *samhandling.bundled_names())
    assert code == 0
    assert out.count(": 0 feil") == len(samhandling.bundled_names())


def test_unknown_body_exits_1_naming_file_and_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = (BUNDLED_DIR / "sor-rogaland.yaml").read_text(encoding="utf-8")
    text = text.replace("relations:\n", "relations:\n  - {from: FSU, to: Koordineringsrådet, kind: reports_to}\n", 1)
    path = tmp_path / "sr.yaml"
    path.write_text(text, encoding="utf-8")
    line = text[: text.index("Koordineringsrådet")].count("\n") + 1
    code, out, err = run(capsys, "validate", str(path))
    assert code == 1
    assert f"{path}:{line}:" in out
    assert "[unknown-body]" in out and "Koordineringsrådet" in out
    assert "Traceback" not in out + err


def test_broken_yaml_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "brutt.yaml"
    path.write_text("structure: x\nbodies:\n  - {id: a, name: A\n", encoding="utf-8")
    code, out, err = run(capsys, "validate", str(path))
    assert code == 2
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:") and "[yaml-syntax]" in lines[0]


def test_show_with_broken_yaml_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "brutt.yaml"
    path.write_text("structure: x\nbodies: [\n", encoding="utf-8")
    code, out, err = run(capsys, "show", str(path))
    assert code == 2
    assert not out and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unknown_structure_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", "finnes-ikke")
    assert code == 2
    assert "finnes-ikke" in err and "sor-rogaland" in err


def test_validate_bad_date_argument(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", "sor-rogaland", "--on", "i går")
    assert code == 2 and "[usage]" in err


def test_validate_on_a_date(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "knutepunkt-sorlandet", "--on", "2021-01-01")
    assert code == 1 and "[member-count]" in out
    code, _, _ = run(capsys, "validate", "knutepunkt-sorlandet", "--on", "04.05.07")
    assert code == 0


def test_validate_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "sor-rogaland", "--json")
    assert code == 0
    report = json.loads(out)
    assert report[0]["structure"] == "sor-rogaland"
    assert all(f["severity"] != "error" for f in report[0]["findings"])


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0
    for name in samhandling.bundled_names():
        assert name in out
    assert "Regionale forvaltningsnettverk i Ahus-området" in out
    code, out, _ = run(capsys, "list", "--json")
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["ahus-forvaltningsnettverk"]["parties"] == 22  # Ahus + 21 municipalities


def test_show_tables(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "sogn-og-fjordane")
    assert code == 0
    for heading in ("Organer", "Relasjoner", "Regler", "Innstillinger"):
        assert heading in out
    assert "Fagleg samarbeidsutval (FSU)" in out
    assert "rådgivende" in out and "konsensus" in out
    assert "løfter saker til" in out
    assert "S4-R4" in out


def test_show_memberships_and_seats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "ahus-forvaltningsnettverk")
    assert code == 0
    assert "Medlemskap" in out
    members = out[out.index("Medlemskap") :]
    assert members.count("Enebakk") >= 2
    assert "Plasser" in out and "samhandlingskoordinator" in out


def test_show_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "faggruppe-sogn", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["structure"] == "faggruppe-sogn"
    assert {"from": "faggruppe", "to": "radmannsgruppa", "kind": "reports_to"}.items() <= next(
        r for r in data["relations"] if r["kind"] == "reports_to" and r["from"] == "faggruppe"
    ).items()
    assert data["settings"]["leader_rotation_order"] == "alphabetical"


def test_show_lists_processes_and_what_reads_each_reading(capsys: pytest.CaptureFixture[str]) -> None:
    """`show` did not list processes (issue 12 item 8); readings say what reads them."""
    code, out, _ = run(capsys, "show", "sor-rogaland")
    assert code == 0
    assert "Prosesser" in out and "tjenestemodell.yaml" in out
    assert "leses av" in out and "prosessen «tjenestemodell»" in out
    code, out, _ = run(capsys, "show", "sor-rogaland", "--json")
    data = json.loads(out)
    assert [p["name"] for p in data["processes"]] == ["tjenestemodell"]
    assert data["processes"][0]["title"]
    assert {r["key"]: r["read_by"] for r in data["readings"]}["consensus_among"]


def test_show_names_a_broken_process_and_unread_readings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        "process: p\nversion: '1'\ntitle: P\ninitial: x\nstates: []\nacts: []\n", encoding="utf-8"
    )
    path = tmp_path / "s.yaml"
    path.write_text(
        "structure: s\nname: S\nsettings:\n  loose: {value: 1}\nbodies:\n"
        "  - {id: a, name: A, kind: strategic_committee, power: decides}\n"
        "processes:\n  - {name: p, file: p.yaml}\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "show", str(path))
    assert code == 0
    assert "kan ikke leses" in out and "ingenting (endrer ingenting)" in out
