"""CLI verbs path, plot, plot-process and export."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from samhandling.cli import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_path_prints_the_route_and_the_decider(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["path", "sor-rogaland", "--from", "TMG barn og unge"]) == 0
    out = capsys.readouterr().out
    assert "rapporterer til" in out and "løfter saker til" in out
    assert "Beslutter: SSU" in out
    lines = [ln for ln in out.splitlines() if ln[:1].isdigit()]
    assert [ln.split()[0] for ln in lines] == ["1", "2"]


def test_path_json_and_no_route(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["path", "sor-rogaland", "--from", "fagråd IKT", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["routes"][0]["bodies"] == ["fagrad-9", "fsu", "ssu"]
    assert data["routes"][0]["decider"] == "ssu"
    assert main(["path", "sor-rogaland", "--from", "SSU"]) == 0
    assert "har ingen eskaleringsvei" in capsys.readouterr().out
    assert main(["path", "sor-rogaland", "--from", "SSU", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["routes"] == []


def test_path_all_routes_from_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "to.yaml"
    f.write_text(
        """
structure: to
name: To veier
bodies:
  - {id: ssu, name: SSU, kind: strategic_committee, power: decides}
  - {id: au, name: AU, kind: working_committee, power: decides}
  - {id: g, name: Gruppe, kind: working_group}
relations:
  - {from: g, to: au, kind: reports_to}
  - {from: g, to: ssu, kind: escalates_to}
  - {from: au, to: ssu, kind: reports_to}
""",
        encoding="utf-8",
    )
    assert main(["path", str(f), "--from", "Gruppe", "--all"]) == 0
    out = capsys.readouterr().out
    assert "Vei 1 (foretrukket): Gruppe → SSU" in out
    assert "Vei 2: Gruppe → AU → SSU" in out


def test_unknown_body_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["path", "sor-rogaland", "--from", "finnes ikke"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("feil [unknown-body]") and err.count("\n") == 1
    assert "Traceback" not in err


def test_plot_writes_png_and_svg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png, svg = tmp_path / "s.png", tmp_path / "s.svg"
    assert main(["plot", "ahus-forvaltningsnettverk", "-o", str(png)]) == 0
    assert png.read_bytes()[:8] == PNG_MAGIC
    assert main(["plot", "sor-rogaland", "--from", "FSU", "-o", str(svg)]) == 0
    assert "Eskaleringsvei: FSU → SSU" in svg.read_text(encoding="utf-8")
    assert f"skrev {svg}" in capsys.readouterr().out


def test_plot_refuses_unknown_extension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plot", "sor-rogaland", "-o", str(tmp_path / "s.jpg")]) == 2
    assert "feil [unknown-format]" in capsys.readouterr().err
    assert not (tmp_path / "s.jpg").exists()


@pytest.mark.parametrize(
    "fmt,marker", [("mermaid", "flowchart TB"), ("dot", "digraph"), ("json", '"links"'), ("graphml", "<graphml")]
)
def test_export_formats(fmt: str, marker: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "sogn-og-fjordane", "--format", fmt]) == 0
    assert marker in capsys.readouterr().out
    out = tmp_path / f"x.{fmt}"
    assert main(["export", "sor-rogaland", "--format", fmt, "--from", "FSU", "-o", str(out)]) == 0
    assert marker in out.read_text(encoding="utf-8")


def test_export_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "sor-rogaland", "--format", "mermaid", "--process", "tjenestemodell"]) == 0
    out = capsys.readouterr().out
    assert 'n_mandat_godkjent["Mandat godkjent"]' in out


def test_plot_process_with_a_stored_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from samhandling.app.repository import CaseRepository
    from samhandling.store import open_store

    db = str(tmp_path / "saker.db")
    repo = CaseRepository(open_store(db))
    case = repo.create("sor-rogaland", "tjenestemodell", title="Forløp for skrøpelige eldre", on=dt.date(2024, 1, 10))
    repo.act(case.id, "draft_mandate", by="tmg-skropelige-eldre", on=dt.date(2024, 1, 11))
    out = tmp_path / "sak.svg"
    assert (
        main(["plot-process", "sor-rogaland", "tjenestemodell", "--case", case.id[:12], "--db", db, "-o", str(out)])
        == 0
    )
    text = out.read_text(encoding="utf-8")
    assert "Sak: Forløp for skrøpelige eldre, nå: Mandat utarbeidet" in text
    plain = tmp_path / "prosess.png"
    assert main(["plot-process", "sor-rogaland", "tjenestemodell", "-o", str(plain)]) == 0
    assert plain.read_bytes()[:8] == PNG_MAGIC
    assert (
        main(
            [
                "plot-process",
                "sor-rogaland",
                "tjenestemodell",
                "--case",
                "finnes-ikke",
                "--db",
                db,
                "-o",
                str(tmp_path / "x.png"),
            ]
        )
        == 2
    )
    assert "feil [" in capsys.readouterr().err
