"""validate checks everything a structure names (issue 12 items 7 and 8): processes, rotations, meeting plans.

Every finding in one format ``FILE:LINE:COL: feil|advarsel [code] message``; every file checked even when one
fails; ``--json`` always one document; exit 0 clean / 1 errors / 2 unreadable input.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from samhandling.app.check import check_structure
from samhandling.cli import main

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (feil|advarsel|info) \[(?P<code>[a-z0-9-]+)\] .+$")

PROCESS = """
process: liten
version: "1"
title: Liten sak
initial: ny
states:
  - {name: ny, label: Ny}
  - {name: vedtatt, label: Vedtatt, final: true}
  - {name: glemt, label: Glemt}
acts:
  - name: decide
    label: vedta
    kind: decide
    from: ny
    to: vedtatt
    by: {body: FSU}
"""

STRUCTURE = """
structure: liten
name: Liten struktur
parties:
  - {id: a, name: Kommune A, kind: municipality}
  - {id: b, name: Kommune B, kind: municipality}
  - {id: hf, name: Helseforetaket, kind: health_trust}
bodies:
  - id: ssu
    name: Strategisk samarbeidsutvalg
    abbreviation: SSU
    kind: strategic_committee
    power: decides
    members:
      - {party: a}
      - {party: b}
      - {party: hf}
  - {id: fsu, name: Faglig samarbeidsutvalg, abbreviation: FSU, kind: professional_committee, power: advises}
relations:
  - {from: FSU, to: SSU, kind: escalates_to}
processes:
  - {name: liten, file: liten-prosess.yaml}
rotations:
  - {id: leder, body: SSU, role: chair, period: year, start: 2024-01-01, order: [a, hf]}
meetings:
  - {body: SSU, date: 2024-03-01}
  - {body: Koordineringsrådet, date: 2024-04-01}
  - {body: FSU, date: 2024-05-01, mode: hybrid}
"""


def write(tmp_path: Path, text: str = STRUCTURE, process: str = PROCESS) -> Path:
    (tmp_path / "liten-prosess.yaml").write_text(process, encoding="utf-8")
    path = tmp_path / "liten.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_broken_process_rotation_and_meetings_each_with_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path)
    code = main(["validate", str(path), "sor-rogaland"])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert not err
    lines = out.splitlines()
    findings = [ln for ln in lines if LINE.match(ln)]
    codes = {LINE.match(ln)["code"]: ln for ln in findings}  # type: ignore[index]
    # The process: FSU cannot decide; the state «glemt» is unreachable; both in the process file.
    proc = [ln for ln in findings if "liten-prosess.yaml" in ln]
    assert len(proc) >= 2, out
    # The rotation: the health trust is given a municipal turn, at the rotation's line.
    assert f"{path}:{line_of(STRUCTURE, 'id: leder')}:" in codes["rotation-side"]
    # The meetings: an unknown body and an unknown mode, each at its own line; the good meeting is fine.
    assert f"{path}:{line_of(STRUCTURE, 'Koordineringsrådet')}:" in codes["unknown-body"]
    assert any(f"{path}:{line_of(STRUCTURE, 'mode: hybrid')}:" in ln for ln in findings), out
    # Every finding line has the one format; the next file was checked too.
    assert all(LINE.match(ln) or re.match(r"^\S+: \d+ feil, \d+ advarsler$", ln) for ln in lines), out
    assert "sor-rogaland.yaml: 0 feil" in out


def test_check_structure_reports_all_sections(tmp_path: Path) -> None:
    result = check_structure(write(tmp_path))
    assert result.readable and result.exit_code == 1
    files = {f.location.file for f in result.findings if f.location is not None}
    assert any(f.endswith("liten-prosess.yaml") for f in files)
    codes = [f.code for f in result.findings]
    assert "rotation-side" in codes and "unknown-body" in codes
    clean = check_structure(write(tmp_path, STRUCTURE.split("processes:")[0]))
    assert clean.exit_code == 0, clean.lines()


def test_missing_process_file_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(STRUCTURE.split("rotations:")[0].replace("liten-prosess.yaml", "borte.yaml"), encoding="utf-8")
    result = check_structure(path)
    assert [f.code for f in result.findings if f.severity.value == "error"] == ["unknown-process"]


def test_unreadable_file_exits_2_and_the_next_file_is_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "brutt.yaml"
    bad.write_text("structure: x\nbodies:\n  - {id: a, name: A\n", encoding="utf-8")
    good = write(tmp_path)
    code = main(["validate", str(bad), str(good), "sor-rogaland"])
    out = capsys.readouterr().out
    assert code == 2
    assert LINE.match(out.splitlines()[0]) and "[yaml-syntax]" in out
    assert "[rotation-side]" in out and "sor-rogaland.yaml: 0 feil" in out


def test_json_is_always_one_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "brutt.yaml"
    bad.write_text("structure: x\nbodies: [\n", encoding="utf-8")
    code = main(["validate", str(bad), str(write(tmp_path)), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 2
    assert [r["readable"] for r in report] == [False, True]
    assert report[0]["findings"][0]["code"] == "yaml-syntax"
    assert report[1]["structure"] == "liten" and report[1]["errors"] >= 4
    assert all(re.match(r"^.+:\d+:\d+$", f["location"]) for f in report[1]["findings"] if ":" in f["location"])


def test_meeting_naming_unknown_body_alone_exits_1_in_the_line_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The defect: this made validate exit 2 in another format and print nothing with --json."""
    text = STRUCTURE.split("processes:")[0] + "meetings:\n  - {body: Koordineringsrådet, date: 2024-04-01}\n"
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path), "sor-rogaland"]) == 1
    out = capsys.readouterr().out
    bad = [ln for ln in out.splitlines() if "[unknown-body]" in ln]
    assert len(bad) == 1 and bad[0].startswith(f"{path}:{line_of(text, 'Koordineringsrådet')}:")
    assert "sor-rogaland.yaml: 0 feil" in out
    assert main(["validate", str(path), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)[0]["errors"] == 1
