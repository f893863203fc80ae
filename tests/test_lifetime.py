"""Bodies with a lifetime (issue 12 item 11: S3-R25, S4-R6) and the deciding body the graph routes a case to.

Structures written here: a body's ``valid_from``/``valid_to`` (a month or a year where the source gives no day);
``samhandling validate`` reports what uses a body outside its lifetime; the engine refuses an act by (or routed to) a
body not in force on the act's date, and a deciding act allowed by body kind by another body than the one the graph
and the case's attributes pick.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import samhandling
from samhandling.app.check import check_loaded, check_structure
from samhandling.clock import FixedClock, use_clock
from samhandling.errors import AuthorityError, SchemaError
from samhandling.formats.dates import Precision, parse_partial_date
from samhandling.process.loader import get_process
from samhandling.structure.graph import Structure
from samhandling.structure.paths import escalation_targets
from samhandling.time.lifetime import lifetime_findings
from samhandling.time.schedule import submission_days

D = dt.date

BASE = """\
structure: liv
name: Liv og levetid
parties:
  - {id: sola, name: Sola, kind: municipality}
  - {id: voss, name: Voss, kind: municipality}
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
  - id: radet
    name: Fagrådet
    kind: council
    valid_to: 2022-06-30
    members:
      - {party: voss}
relations:
  - {from: FSU, to: SSU, kind: escalates_to}
  - {from: radet, to: FSU, kind: reports_to}
"""


def _load(text: str = BASE) -> Structure:
    return samhandling.loads(text, "liv.yaml")


def _codes(structure: Structure) -> list[str]:
    return [f.code for f in lifetime_findings(structure)]


# ---------------------------------------------------------------------------- the data


def test_a_month_or_a_year_is_read_at_its_widest_with_its_precision() -> None:
    s = _load(BASE.replace("valid_to: 2022-06-30", "valid_to: 2022"))
    ssu, radet = s.body("SSU").period, s.body("radet").period
    assert (ssu.valid_from, ssu.from_precision) == (D(2021, 12, 1), Precision.MONTH)
    assert (radet.valid_to, radet.to_precision) == (D(2022, 12, 31), Precision.YEAR)
    assert ssu.describe() == "fra desember 2021" and radet.describe() == "til 2022"
    assert not ssu.contains(D(2021, 11, 30)) and ssu.contains(D(2021, 12, 1))
    words = _load(BASE.replace("valid_from: 2021-12", "valid_from: desember 2021"))
    assert words.body("SSU").period == ssu


@pytest.mark.parametrize("bad", ["2021-13", "desembr 2021", "i fjor"])
def test_a_date_that_is_no_date_month_or_year_is_a_located_error(bad: str) -> None:
    with pytest.raises(SchemaError) as refused:
        _load(BASE.replace("valid_from: 2021-12", f"valid_from: {bad}"))
    assert refused.value.code == "invalid-date"
    assert refused.value.location is not None and refused.value.location.line == 13


def test_nothing_is_reported_while_every_use_is_inside_the_lifetime() -> None:
    assert _codes(_load()) == []
    assert check_structure(_write(BASE)).errors == 0


def _write(text: str) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    path = folder / "liv.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_membership_dated_outside_the_lifetime_is_an_error() -> None:
    s = _load(BASE.replace("      - {party: sola}\n", "      - {party: sola, valid_from: 2020-01-01}\n"))
    found = [f for f in lifetime_findings(s) if f.code == "membership-outside-lifetime"]
    assert len(found) == 1
    assert "Sola" in found[0].message and "desember 2021" in found[0].message
    assert found[0].location is not None and found[0].location.line == 15


def test_a_relation_between_bodies_that_never_exist_together_is_an_error() -> None:
    s = _load(
        BASE.replace("  - {from: radet, to: FSU, kind: reports_to}", "  - {from: radet, to: SSU, kind: reports_to}")
    )
    # Fagrådet ends 2022-06-30, SSU begins 2021-12: they overlap, nothing to report.
    assert _codes(s) == []
    ended = _load(
        BASE.replace("valid_to: 2022-06-30", "valid_to: 2021-06-30").replace(
            "  - {from: radet, to: FSU, kind: reports_to}", "  - {from: radet, to: SSU, kind: reports_to}"
        )
    )
    assert _codes(ended) == ["relation-outside-lifetime"]


def test_a_meeting_or_a_rotation_outside_the_lifetime_is_an_error() -> None:
    text = BASE + (
        "meetings:\n"
        "  - {body: SSU, date: 2021-11-15}\n"
        "  - {body: SSU, date: 2022-02-01}\n"
        "  - {body: radet, date: 2022-09-01}\n"
        "rotations:\n"
        "  - {id: leiar, kind: party, bodies: [radet], role: leder, period: year, start: 2023-01-01,"
        " order: [voss]}\n"
    )
    s = _load(text)
    codes = sorted(_codes(s))
    assert codes == ["meeting-outside-lifetime", "meeting-outside-lifetime", "rotation-outside-lifetime"]
    result = check_structure(_write(text))
    assert result.exit_code == 1
    assert any("møtet i SSU 2021-11-15" in line for line in result.lines())


def test_a_lifetime_rule_reports_with_its_id_and_the_built_in_check_does_not_repeat_it() -> None:
    text = BASE + (
        "meetings:\n  - {body: radet, date: 2022-09-01}\n"
        "rules:\n"
        "  - id: R1\n    category: lifecycle\n    modality: descriptive\n    source: S\n"
        "    text: Fagrådet avvikles.\n    check: {kind: lifetime, body_kind: council}\n"
    )
    s = _load(text)
    ruled = [f for f in s.validate() if f.rule == "R1"]
    assert [f.code for f in ruled] == ["meeting-outside-lifetime"] and "Fagrådet avvikles." in ruled[0].message
    assert lifetime_findings(s) == []  # covered by R1: not reported twice
    assert [f.code for f in check_structure(_write(text)).findings if f.code.endswith("lifetime")] == [
        "meeting-outside-lifetime"
    ]


def test_established_in_force_on_and_ends_after() -> None:
    rules = (
        "rules:\n"
        "  - {id: E, category: lifecycle, modality: descriptive, source: S, text: etablert i desember 2021,"
        " check: {kind: lifetime, body: SSU, established: 2021-12}}\n"
        "  - {id: F, category: lifecycle, modality: descriptive, source: S, text: videreføres,"
        " check: {kind: lifetime, body: radet, in_force_on: 2023-12-29}}\n"
        "  - {id: A, category: lifecycle, modality: descriptive, source: S, text: etter at SSU er opprettet,"
        " check: {kind: lifetime, body_kind: council, ends_after: {body: SSU}}}\n"
    )
    s = _load(BASE + rules)
    got = {(f.rule, f.code) for f in s.validate() if f.rule in ("E", "F", "A")}
    assert got == {("F", "body-not-in-force")}
    moved = _load(
        BASE.replace("valid_from: 2021-12", "valid_from: 2022-01").replace("2022-06-30", "2021-06-30") + rules
    )
    got = {(f.rule, f.code) for f in moved.validate() if f.rule in ("E", "F", "A")}
    assert got == {("E", "established-date"), ("F", "body-not-in-force"), ("A", "ended-too-early")}


# ---------------------------------------------------------------------------- the engine

PROCESS = """\
process: sak
version: "1"
title: Sak
initial: ny
states:
  - {name: ny, label: Ny}
  - {name: tilrådd, label: Tilrådd}
  - {name: løfta, label: Løfta}
  - {name: vedtatt, label: Vedtatt, final: true}
acts:
  - {name: recommend, label: tilrå, kind: recommend, from: ny, to: tilrådd, by: {bodies: [FSU, Fagrådet]}}
  - {name: escalate, label: løfte, kind: escalate, from: ny, to: løfta, by: {body: FSU}}
  - {name: decide, label: vedta, kind: decide, from: [tilrådd, løfta], to: vedtatt, by: {body_kind: strategic_committee}}
"""


def _definition(tmp_path: Path, text: str = BASE) -> object:
    (tmp_path / "sak.yaml").write_text(PROCESS, encoding="utf-8")
    path = tmp_path / "liv.yaml"
    path.write_text(text + "processes:\n  - {name: sak, file: sak.yaml}\n", encoding="utf-8")
    return get_process(samhandling.load(path), "sak")


def test_a_wound_down_body_cannot_act_and_the_refusal_changes_nothing(tmp_path: Path) -> None:
    definition = _definition(tmp_path)
    case = definition.new_case("Sak", on=D(2022, 6, 1))  # type: ignore[attr-defined]
    before = case.snapshot()
    with pytest.raises(AuthorityError) as refused:
        case.act("recommend", by="Fagrådet", on=D(2022, 7, 1))
    assert refused.value.code == "body-not-in-force"
    assert "Fagrådet" in refused.value.message and "til 2022-06-30" in refused.value.message
    assert case.snapshot() == before
    case.act("recommend", by="Fagrådet", on=D(2022, 6, 30))  # its last day
    assert case.state == "tilrådd"


def test_a_body_cannot_decide_before_it_is_established(tmp_path: Path) -> None:
    definition = _definition(tmp_path)
    case = definition.new_case("Sak", on=D(2021, 11, 1))  # type: ignore[attr-defined]
    case.act("recommend", by="FSU", on=D(2021, 11, 2))
    with pytest.raises(AuthorityError) as refused:
        case.act("decide", by="SSU", on=D(2021, 11, 30))
    assert refused.value.code == "body-not-in-force" and "fra desember 2021" in refused.value.message
    assert case.state == "tilrådd"
    case.act("decide", by="SSU", on=D(2021, 12, 1))
    assert case.is_final


def test_a_case_cannot_be_lifted_to_a_body_not_yet_in_force(tmp_path: Path) -> None:
    definition = _definition(tmp_path)
    case = definition.new_case("Sak", on=D(2021, 10, 1))  # type: ignore[attr-defined]
    with pytest.raises(AuthorityError) as refused:
        case.act("escalate", by="FSU", on=D(2021, 10, 2), reason="prinsipiell uenighet")
    assert refused.value.code == "body-not-in-force" and "SSU" in refused.value.message
    assert case.state == "ny"
    case.act("escalate", by="FSU", on=D(2021, 12, 2), reason="prinsipiell uenighet")
    assert case.state == "løfta"


def test_s4_r6_the_bundled_ssu_of_sogn_og_fjordane_cannot_decide_before_december_2021() -> None:
    definition = get_process(samhandling.load("sogn-og-fjordane"), "fsu-ssu-sak")
    fresh = definition.new_case("Eldre sak", on=D(2021, 10, 1))
    with pytest.raises(AuthorityError) as early:
        fresh.act("recommend", by="FSU", on=D(2021, 11, 15))
    assert early.value.code == "body-not-in-force" and "desember 2021" in early.value.message
    assert fresh.state == "ny"
    fresh.act("recommend", by="FSU", on=D(2021, 12, 1))
    assert fresh.state == "tilrådd"
    with pytest.raises(AuthorityError) as withdrawn:
        definition.new_case("Tredje sak", on=D(2021, 10, 1)).act("withdraw", by="SSU", on=D(2021, 11, 30))
    assert withdrawn.value.code == "body-not-in-force"


# ---------------------------------------------------------------------------- the routed deciding body

TWO = """\
structure: to-ssu
name: To SSU-er
parties:
  - {id: sola, name: Sola, kind: municipality}
  - {id: voss, name: Voss, kind: municipality}
  - {id: hf, name: Helse Vest HF, kind: health_trust}
bodies:
  - {id: ssu-nord, name: SSU Nord, kind: strategic_committee, power: decides, members: [{party: voss}, {party: hf}]}
  - {id: ssu-sor, name: SSU Sør, kind: strategic_committee, power: decides, members: [{party: sola}, {party: hf}]
     SOR_END}
  - {id: fsu, name: FSU, kind: professional_committee, power: advises}
relations:
  - {from: fsu, to: ssu-nord, kind: escalates_to, condition: {region: nord}}
  - {from: fsu, to: ssu-sor, kind: escalates_to, condition: {region: sør}}
"""

ROUTED = """\
process: sak
version: "1"
title: Sak
initial: ny
states:
  - {name: ny, label: Ny}
  - {name: tilrådd, label: Tilrådd}
  - {name: vedtatt, label: Vedtatt, final: true}
acts:
  - {name: recommend, label: tilrå, kind: recommend, from: ny, to: tilrådd, by: {body: FSU}}
  - {name: decide, label: vedta, kind: decide, from: tilrådd, to: vedtatt, by: {body_kind: strategic_committee}}
"""


def _routed(tmp_path: Path, sor_end: str = "") -> object:
    (tmp_path / "sak.yaml").write_text(ROUTED, encoding="utf-8")
    path = tmp_path / "to.yaml"
    path.write_text(
        TWO.replace("\n     SOR_END}", f", {sor_end}}}" if sor_end else "}")
        + "processes:\n  - {name: sak, file: sak.yaml}\n",
        encoding="utf-8",
    )
    return get_process(samhandling.load(path), "sak")


def test_only_the_ssu_the_graph_routes_the_case_to_may_decide_it(tmp_path: Path) -> None:
    definition = _routed(tmp_path)
    case = definition.new_case("Sak i sør", on=D(2024, 1, 2), attributes={"region": "sør"})  # type: ignore[attr-defined]
    case.act("recommend", by="FSU", on=D(2024, 1, 3))
    before = case.snapshot()
    with pytest.raises(AuthorityError) as refused:
        case.act("decide", by="ssu-nord", on=D(2024, 1, 4))
    assert refused.value.code == "wrong-route"
    assert "SSU Sør" in refused.value.message and "region = sør" in refused.value.message
    assert refused.value.details["routed_to"] == ["ssu-sor"]
    assert case.snapshot() == before
    case.act("decide", by="ssu-sor", on=D(2024, 1, 4))
    assert case.is_final


def test_without_attributes_the_graph_picks_none_and_either_ssu_may_decide(tmp_path: Path) -> None:
    definition = _routed(tmp_path)
    for ssu in ("ssu-nord", "ssu-sor"):
        case = definition.new_case("Sak uten region", on=D(2024, 1, 2))  # type: ignore[attr-defined]
        case.act("recommend", by="FSU", on=D(2024, 1, 3))
        case.act("decide", by=ssu, on=D(2024, 1, 4))
        assert case.is_final


def test_a_case_routed_to_an_ssu_that_has_ended_is_not_taken_over_by_the_other(tmp_path: Path) -> None:
    definition = _routed(tmp_path, "valid_to: 2023-12-31")
    case = definition.new_case("Sak i sør", on=D(2024, 1, 2), attributes={"region": "sør"})  # type: ignore[attr-defined]
    case.act("recommend", by="FSU", on=D(2024, 1, 3))
    with pytest.raises(AuthorityError) as refused:
        case.act("decide", by="ssu-nord", on=D(2024, 1, 4))
    assert refused.value.code == "body-not-in-force" and "SSU Sør" in refused.value.message
    with pytest.raises(AuthorityError) as ended:
        case.act("decide", by="ssu-sor", on=D(2024, 1, 4))
    assert ended.value.code == "body-not-in-force"
    assert case.state == "tilrådd"


def test_available_acts_offer_only_the_ssu_the_case_is_routed_to(tmp_path: Path) -> None:
    definition = _routed(tmp_path)
    routed = definition.new_case("Sak i sør", on=D(2024, 1, 2), attributes={"region": "sør"})  # type: ignore[attr-defined]
    routed.act("recommend", by="FSU", on=D(2024, 1, 3))
    offered = {a.act: a.bodies for a in definition.available_acts(routed)}  # type: ignore[attr-defined]
    assert offered["decide"] == ("ssu-sor",)
    unrouted = definition.new_case("Sak uten region", on=D(2024, 1, 2))  # type: ignore[attr-defined]
    unrouted.act("recommend", by="FSU", on=D(2024, 1, 3))
    offered = {a.act: a.bodies for a in definition.available_acts(unrouted)}  # type: ignore[attr-defined]
    assert set(offered["decide"]) == {"ssu-nord", "ssu-sor"}


#: BASE with an older SSU that ends when the new one is established, FSU escalating to both.
TWO_SSUS = BASE.replace(
    "  - id: fsu\n",
    "  - {id: ssu-gml, name: Gamle SSU, kind: strategic_committee, power: decides, valid_to: 2021-11-30,"
    " members: [{party: sola}, {party: hf}]}\n  - id: fsu\n",
).replace(
    "  - {from: FSU, to: SSU, kind: escalates_to}\n",
    "  - {from: FSU, to: ssu-gml, kind: escalates_to}\n  - {from: FSU, to: SSU, kind: escalates_to}\n",
)


def test_an_escalation_goes_to_the_target_in_force_on_its_date(tmp_path: Path) -> None:
    definition = _definition(tmp_path, TWO_SSUS)
    structure = definition.structure  # type: ignore[attr-defined]
    assert [b.id for b in escalation_targets(structure, "fsu")] == ["ssu", "ssu-gml"]
    assert [b.id for b in escalation_targets(structure, "fsu", on=D(2021, 11, 10))] == ["ssu-gml"]
    case = definition.new_case("Sak", on=D(2021, 11, 1))  # type: ignore[attr-defined]
    event = case.act("escalate", by="FSU", on=D(2021, 11, 10), reason="prinsipiell uenighet")
    assert event.payload["to"] == "ssu-gml"  # SSU is established only in December
    case.act("decide", by="ssu-gml", on=D(2021, 11, 20))
    assert case.is_final


def test_escalation_paths_on_a_date_enter_only_bodies_in_force(tmp_path: Path) -> None:
    s = _load(TWO_SSUS)
    assert s.escalation_path("FSU").decider == "ssu"  # undated: every body, the preferred first
    assert s.escalation_path("FSU", on=D(2021, 11, 1)).decider == "ssu-gml"
    assert s.escalation_path("FSU", on=D(2022, 1, 1)).decider == "ssu"
    assert [r.decider for r in s.escalation_paths("FSU", on=D(2022, 1, 1))] == ["ssu"]
    assert len(s.escalation_paths("FSU")) == 2


def test_cli_path_on_a_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from samhandling.cli import main

    path = tmp_path / "to-ssu.yaml"
    path.write_text(TWO_SSUS, encoding="utf-8")
    assert main(["path", str(path), "--from", "FSU", "--on", "01.11.2021"]) == 0
    out = capsys.readouterr().out
    assert "Organer som finnes 2021-11-01" in out and "Beslutter: Gamle SSU" in out
    assert main(["path", str(path), "--from", "Fagrådet", "--on", "2022-07-01"]) == 0
    assert "Fagrådet finnes ikke 2022-07-01" in capsys.readouterr().out
    assert main(["path", str(path), "--from", "Fagrådet", "--on", "2022-07-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["routes"] == []  # --json is always a document
    assert main(["path", str(path), "--from", "FSU", "--on", "2021-13-01"]) == 2
    assert "--on" in capsys.readouterr().err


HORIZON = """\
structure: hz
name: Horisont
parties:
  - {id: sola, name: Sola, kind: municipality}
  - {id: hf, name: Helse Vest HF, kind: health_trust}
bodies:
  - {id: ssu, name: SSU, kind: strategic_committee, power: decides, members: [{party: sola}, {party: hf}],
     valid_to: 2024-01-12}
  - {id: fsu, name: FSU, kind: professional_committee, power: advises}
relations:
  - {from: fsu, to: ssu, kind: escalates_to}
processes:
  - {name: sak, file: sak.yaml}
"""


def test_an_act_without_a_date_is_judged_on_the_day_it_is_recorded_on(tmp_path: Path) -> None:
    """With on=None the act is recorded on the case's latest date when that is after today (within the horizon):
    who may act, and whether the body exists, are judged on that day, not on today."""
    (tmp_path / "sak.yaml").write_text(
        ROUTED.replace("title: Sak\n", "title: Sak\nsettings:\n  horizon_days: 10\n").replace(
            "{body_kind: strategic_committee}", "{body: SSU}"
        ),
        encoding="utf-8",
    )
    (tmp_path / "hz.yaml").write_text(HORIZON, encoding="utf-8")
    definition = get_process(samhandling.load(tmp_path / "hz.yaml"), "sak")
    with use_clock(FixedClock(D(2024, 1, 10))):
        case = definition.new_case("Sak", on=D(2024, 1, 2))
        case.act("recommend", by="FSU", on=D(2024, 1, 15))  # within the horizon
        before = case.snapshot()
        for on in (D(2024, 1, 15), None):
            with pytest.raises(AuthorityError) as refused:
                case.act("decide", by="SSU", on=on)
            assert refused.value.code == "body-not-in-force", on
            assert case.snapshot() == before


def test_an_escalation_cannot_name_a_target_that_has_ended(tmp_path: Path) -> None:
    definition = _definition(tmp_path, TWO_SSUS)
    case = definition.new_case("Sak", on=D(2022, 1, 3))  # type: ignore[attr-defined]
    before = case.snapshot()
    with pytest.raises(AuthorityError) as refused:
        case.act("escalate", by="FSU", on=D(2022, 1, 10), reason="prinsipiell uenighet", to="Gamle SSU")
    assert refused.value.code == "body-not-in-force"
    assert "Gamle SSU finnes ikke 2022-01-10" in refused.value.message
    assert refused.value.message.endswith("saken kan løftes til SSU")
    assert case.snapshot() == before
    event = case.act("escalate", by="FSU", on=D(2022, 1, 10), reason="prinsipiell uenighet", to="SSU")
    assert event.payload["to"] == "ssu"


@pytest.mark.parametrize(
    "check",
    [
        "{kind: lifetime, body_kind: bogus}",
        "{kind: lifetime, bodies: 5}",
        "{kind: lifetime, body: Finnes ikke}",
        "{kind: document, documents: 5}",
        "{kind: document, documents: [[a]]}",
        "{kind: document, document_kind: 5}",
    ],
)
def test_a_check_with_parameters_it_cannot_read_is_reported_not_a_crash(check: str) -> None:
    """Review finding: the lifetime pass read the rules' parameters outside validate's guard (ValueError,
    TypeError reached the CLI as «intern feil»); a misspelt body made a check pass unseen."""
    text = BASE.replace(
        "relations:\n",
        f"rules:\n  - {{id: X-1, category: decision, modality: descriptive, source: S1, text: t, check: {check}}}\n"
        "relations:\n",
    ).replace("name: Liv og levetid\n", "name: Liv og levetid\nsources:\n  S1: {title: Vedtekter}\n")
    found = check_loaded(_load(text))
    assert [f.code for f in found if f.code == "invalid-check"] == ["invalid-check"], found


@pytest.mark.parametrize("value", ['"0000"', '"0000-05"', '"mars 0000"'])
def test_year_zero_is_an_invalid_date_at_its_line(value: str) -> None:
    """Review finding: year 0 in a partial date raised a bare ValueError with no place in the file."""
    with pytest.raises(SchemaError) as err:
        _load(BASE.replace("valid_from: 2021-12\n", f"valid_from: {value}\n"))
    assert err.value.code == "invalid-date" and err.value.location is not None


def test_partial_dates_read_at_their_precision() -> None:
    assert parse_partial_date("2021") == (D(2021, 1, 1), Precision.YEAR)
    assert parse_partial_date("desember 2021") == (D(2021, 12, 1), Precision.MONTH)
    assert parse_partial_date("0000") is None and parse_partial_date("0000-05") is None


def test_a_misspelt_body_in_a_rule_is_reported_by_validate_and_breaks_nothing_else(tmp_path: Path) -> None:
    """validate reports the name (``invalid-check``); the engine, the agenda and the schedule, which read the same
    rules' bodies, leave the unknown name out instead of failing."""
    text = BASE.replace(
        "relations:\n",
        "rules:\n  - {id: X-1, category: decision, modality: descriptive, source: S1, text: t,"
        " check: {kind: submission_deadline, bodies: [SSU, Fagraadet], days: 12}}\nrelations:\n",
    ).replace("name: Liv og levetid\n", "name: Liv og levetid\nsources:\n  S1: {title: Vedtekter}\n")
    found = [f for f in check_loaded(_load(text)) if f.code == "invalid-check"]
    assert len(found) == 1 and "'Fagraadet' er ikke et organ" in found[0].message
    assert submission_days(_load(text), None)["ssu"] == 12  # the schedule reads the rule's bodies it can find
    case = _definition(tmp_path, text).new_case("Sak", on=D(2022, 6, 1))  # type: ignore[attr-defined]
    case.act("recommend", by="FSU", on=D(2022, 6, 2))
    assert case.state == "tilrådd"
