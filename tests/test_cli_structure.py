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


LIFETIMES = """\
structure: liv
name: Liv og levetid
parties:
  - {id: sola, name: Sola, kind: municipality}
  - {id: gamle, name: Gamle kommune, kind: municipality, valid_to: 2019-12-31}
  - {id: hf, name: Helse Vest HF, kind: health_trust}
bodies:
  - id: ssu
    name: Strategisk samarbeidsutvalg
    abbreviation: SSU
    kind: strategic_committee
    power: decides
    valid_from: 2021-12
    members:
      - {party: sola}
      - {party: hf}
  - id: fsu
    name: Faglig samarbeidsutvalg
    abbreviation: FSU
    kind: professional_committee
    power: advises
    members:
      - {party: sola}
      - {party: gamle, valid_to: 2019-12-31}
      - {party: hf, count: 2}
  - id: radet
    name: Fagrådet
    kind: council
    valid_to: 2022-06-30
    members:
      - {party: sola}
relations:
  - {from: FSU, to: SSU, kind: escalates_to}
  - {from: radet, to: FSU, kind: reports_to}
"""


def test_show_on_a_date_shows_the_structure_as_it_was(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "liv.yaml"
    path.write_text(LIFETIMES, encoding="utf-8")

    code, out, err = run(capsys, "show", str(path), "--on", "2019-06-01")
    assert (code, err) == (0, "")
    assert "slik den var 2019-06-01" in out
    assert "Ikke i kraft 2019-06-01 (utelatt): Strategisk samarbeidsutvalg" in out
    organs = out.split("Organer")[1].split("Parter")[0]
    assert "Fagrådet" in organs and "ssu " not in organs
    assert "Gamle kommune" in out  # a party and a member seat that year
    assert "SSU" not in out.split("Relasjoner")[1].split("Regler")[0]  # no relation to a body not yet in force

    code, out, _ = run(capsys, "show", str(path), "--on", "23.01.2023")
    assert code == 0
    organs = out.split("Organer")[1].split("Parter")[0]
    assert "Strategisk samarbeidsutvalg" in organs and "Fagrådet" not in organs
    assert "Gamle kommune" not in out  # merged away: neither a party nor a seat
    fsu_row = next(line for line in organs.splitlines() if line.startswith("fsu"))
    assert fsu_row.rstrip().endswith(" 3")  # FSU's members that day: Sola 1 + HF 2 (Gamle's seat ended)
    assert "fra desember 2021" in organs  # the lifetime as the document gave it

    code, out, _ = run(capsys, "show", str(path))  # no date: everything, with each lifetime
    organs = out.split("Organer")[1].split("Parter")[0]
    assert all(name in organs for name in ("Strategisk", "Faglig", "Fagrådet"))
    assert "til 2022-06-30" in organs


def test_show_on_a_date_as_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "liv.yaml"
    path.write_text(LIFETIMES, encoding="utf-8")
    code, out, _ = run(capsys, "show", str(path), "--on", "2023-01-23", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["on"] == "2023-01-23"
    assert [b["id"] for b in data["bodies"]] == ["ssu", "fsu"]
    assert data["bodies"][0]["valid"] == {"from": "2021-12-01", "to": None, "text": "fra desember 2021"}
    assert "gamle" not in {p["id"] for p in data["parties"]}
    assert {(m["body"], m["party"]) for m in data["memberships"]} == {
        ("ssu", "sola"),
        ("ssu", "hf"),
        ("fsu", "sola"),
        ("fsu", "hf"),
    }
    assert [(r["from"], r["to"]) for r in data["relations"]] == [("fsu", "ssu")]


def test_show_with_a_bad_date_is_refused_in_norwegian(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "sor-rogaland", "--on", "31.02.2024")
    assert code == 2 and not out
    assert "--on" in err and "31.02.2024" in err


def test_show_on_the_bundled_faggruppe_before_and_after_the_merger(capsys: pytest.CaptureFixture[str]) -> None:
    _code, before, _ = run(capsys, "show", "faggruppe-sogn", "--on", "2015-01-01")
    _code, after, _ = run(capsys, "show", "faggruppe-sogn", "--on", "2021-01-01")
    assert "Balestrand" in before and "Leikanger" in before
    assert "Balestrand" not in after and "Leikanger" not in after


def test_show_on_counts_no_seat_of_a_party_not_in_force(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "liv.yaml"
    path.write_text(LIFETIMES.replace("{party: gamle, valid_to: 2019-12-31}", "{party: gamle}"), encoding="utf-8")
    code, out, _ = run(capsys, "show", str(path), "--on", "2023-01-23")
    assert code == 0
    fsu_row = next(line for line in out.split("Organer")[1].splitlines() if line.startswith("fsu"))
    assert fsu_row.rstrip().endswith(" 3")  # the merged-away party's seat is not counted, as the table leaves it out
    assert "Gamle kommune" not in out
    code, out, _ = run(capsys, "show", str(path), "--json")
    parties = {p["id"]: p["valid"] for p in json.loads(out)["parties"]}
    assert parties["gamle"] == {"from": None, "to": "2019-12-31", "text": "til 2019-12-31"} and parties["sola"] is None


def test_show_on_leaves_out_the_costs_of_a_body_not_in_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = LIFETIMES.replace(
        "    valid_to: 2022-06-30\n", "    valid_to: 2022-06-30\n    costs: {participation: each_party}\n"
    )
    path = tmp_path / "liv.yaml"
    path.write_text(text, encoding="utf-8")
    _code, then, _ = run(capsys, "show", str(path), "--on", "2020-01-01")
    _code, now, _ = run(capsys, "show", str(path), "--on", "2023-01-01")
    assert "Kostnader" in then and "hver part selv" in then
    assert "Kostnader" not in now
