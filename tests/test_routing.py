"""Routing (issue 12 item 4, structure side): relation conditions on case attributes, kind groups, path/plot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samhandling import SchemaError, loads
from samhandling.cli import main
from samhandling.render.diagrams import render, structure_model
from samhandling.structure.model import RelationKind, condition_matches
from samhandling.structure.paths import escalation_path, escalation_paths, escalation_targets

TWO_SSU = """
structure: to-ssu
name: To regioner
parties:
  - {id: sola, name: Sola, kind: municipality}
  - {id: voss, name: Voss, kind: municipality}
  - {id: hf, name: Helse Vest HF, kind: health_trust}
bodies:
  - {id: pm, name: Partnarskapsmøte, kind: partnership_meeting, power: decides}
  - {id: ssu-nord, name: SSU nord, kind: strategic_committee, power: decides}
  - {id: ssu-sor, name: SSU sør, kind: strategic_committee, power: decides}
  - {id: fsu-a, name: FSU A, kind: professional_committee, power: advises}
  - {id: fsu-b, name: FSU B, kind: professional_committee, power: advises}
  - {id: kg, name: Kompetansegruppe, kind: professional_group}
relations:
  - {from: FSU A, to: SSU nord, kind: escalates_to, condition: {region: nord}}
  - {from: FSU A, to: SSU sør, kind: escalates_to, condition: {region: [sør, vest]}}
  - {from: FSU B, to: SSU nord, kind: escalates_to}
  - {from: SSU nord, to: pm, kind: reports_to}
  - {from: SSU sør, to: pm, kind: reports_to}
  - {from: kg, to: {kind: professional_committee}, kind: advises}
"""


@pytest.fixture()
def two() -> object:
    return loads(TWO_SSU)


def test_condition_is_a_mapping_of_values(two: object) -> None:
    from samhandling.structure.graph import Structure

    assert isinstance(two, Structure)
    rel = next(r for r in two.relations(RelationKind.ESCALATES_TO) if r.target == "ssu-sor")
    assert rel.condition == {"region": ("sør", "vest")}
    assert rel.matches({"region": "Vest"}) and not rel.matches({"region": "nord"}) and not rel.matches({})


def test_condition_matching_rules() -> None:
    assert condition_matches(None, None) and condition_matches({}, {"x": "y"})
    assert condition_matches({"municipality": ("sola", "sandnes")}, {"municipality": ["voss", "sandnes"]})
    assert not condition_matches({"region": ("sør",)}, {"area": "sør"})
    assert condition_matches({"region": ("sør",)}, {"Region": "SØR"})


def test_escalation_targets_pick_the_region(two: object) -> None:
    from samhandling.structure.graph import Structure

    assert isinstance(two, Structure)
    assert [b.id for b in escalation_targets(two, "FSU A", {"region": "sør"})] == ["ssu-sor"]
    assert [b.id for b in escalation_targets(two, "FSU A", {"region": "nord"})] == ["ssu-nord"]
    assert escalation_targets(two, "FSU A", {"region": "øst"}) == []
    assert escalation_targets(two, "FSU A", None) == []
    # An unconditioned relation always matches.
    assert [b.id for b in escalation_targets(two, "FSU B", {"region": "sør"})] == ["ssu-nord"]


def test_escalation_path_follows_the_matching_relation(two: object) -> None:
    from samhandling.structure.graph import Structure

    assert isinstance(two, Structure)
    assert escalation_path(two, "FSU A", {"region": "sør"}).bodies == ("fsu-a", "ssu-sor", "pm")
    assert escalation_path(two, "FSU A", {"region": "nord"}).bodies == ("fsu-a", "ssu-nord", "pm")
    assert not escalation_path(two, "FSU A", {"region": "øst"})
    # Without attributes every relation counts (the old behaviour): file order decides.
    assert escalation_path(two, "FSU A").bodies == ("fsu-a", "ssu-nord", "pm")
    assert [r.bodies[1] for r in escalation_paths(two, "FSU A", attributes={"region": "vest"})] == ["ssu-sor"]


def test_kind_group_expands_to_every_body_of_the_kind(two: object) -> None:
    from samhandling.structure.graph import Structure

    assert isinstance(two, Structure)
    advised = two.relations(RelationKind.ADVISES)
    assert sorted(r.target for r in advised) == ["fsu-a", "fsu-b"]
    assert {r.group for r in advised} == {"to:professional_committee"}
    data = json.loads(render(structure_model(two), "json"))
    groups = [ln for ln in data["links"] if ln.get("group")]
    assert len(groups) == 2 and all(ln["group"] == "to:professional_committee" for ln in groups)
    conds = [ln for ln in data["links"] if ln.get("condition")]
    assert {ln["condition"] for ln in conds} == {"region = nord", "region = sør eller vest"}


def test_empty_kind_group_and_bad_condition_are_located_errors() -> None:
    base = TWO_SSU.split("relations:")[0] + "relations:\n"
    with pytest.raises(SchemaError) as err:
        loads(base + "  - {from: kg, to: {kind: board}, kind: advises}\n")
    assert err.value.code == "empty-kind-group" and err.value.location is not None and err.value.location.line
    with pytest.raises(SchemaError) as err:
        loads(base + "  - {from: FSU A, to: SSU sør, kind: escalates_to, condition: {region: {a: b}}}\n")
    assert err.value.code == "invalid-condition"
    with pytest.raises(SchemaError):
        loads(base + "  - {from: FSU A, to: SSU sør, kind: escalates_to, condition: sør}\n")


def test_plot_model_highlights_the_region_route(two: object) -> None:
    from samhandling.structure.graph import Structure

    assert isinstance(two, Structure)
    model = structure_model(two, highlight_from="fsu-a", attributes={"region": "sør"})
    assert {n.id for n in model.nodes if n.highlighted} == {"fsu-a", "ssu-sor", "pm"}
    assert "SSU sør" in (model.subtitle or "")


def test_cli_path_with_attr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "to.yaml"
    f.write_text(TWO_SSU, encoding="utf-8")
    assert main(["path", str(f), "--from", "FSU A", "--attr", "region=sør", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["routes"][0]["bodies"] == ["fsu-a", "ssu-sor", "pm"]
    assert data["attributes"] == {"region": "sør"}
    assert main(["path", str(f), "--from", "FSU A", "--attr", "region=nord"]) == 0
    out = capsys.readouterr().out
    assert "SSU nord" in out and "SSU sør" not in out
    assert main(["path", str(f), "--from", "FSU A", "--attr", "region"]) == 2
    assert "invalid-attr" in capsys.readouterr().err
    assert main(["export", str(f), "--format", "mermaid", "--from", "FSU A", "--attr", "region=sør"]) == 0
    assert "(hvis region = sør eller vest)" in capsys.readouterr().out


class _Event:
    def __init__(self, payload: dict[str, object]) -> None:
        self.payload = payload


class _Repo:
    """A stand-in for the case repository: the engine's case may or may not have ``attributes`` yet."""

    def __init__(self, case: object, payload: dict[str, object]) -> None:
        self.case, self.payload = case, payload

    def load(self, case_id: str) -> object:
        return self.case

    def history(self, case_id: str) -> list[_Event]:
        return [_Event(self.payload)]


def test_case_attributes_from_the_case_or_the_open_event() -> None:
    from types import SimpleNamespace

    from samhandling.cli.graph_cmds import case_attributes

    assert case_attributes(_Repo(SimpleNamespace(attributes={"region": "nord"}), {}), "c") == {"region": "nord"}
    assert case_attributes(_Repo(SimpleNamespace(), {"attributes": {"region": "sør"}}), "c") == {"region": "sør"}
    assert case_attributes(_Repo(SimpleNamespace(), {}), "c") == {}


def test_seat_rights_are_shown_where_the_model_has_them() -> None:
    """Seats with rights (AUTH adds Membership.rights and deputy_for); rendering reads them with getattr."""
    import enum
    from types import SimpleNamespace

    from samhandling.render.diagrams import seat_rights_label

    class Rights(enum.Enum):
        MEMBER = "member"
        DEPUTY = "deputy"
        OBSERVER = "observer"

    assert seat_rights_label(SimpleNamespace()) == ""
    assert seat_rights_label(SimpleNamespace(rights=Rights.MEMBER, deputy_for=None)) == ""
    assert seat_rights_label(SimpleNamespace(rights=Rights.OBSERVER, deputy_for=None)) == "observatør"
    assert seat_rights_label(SimpleNamespace(rights=Rights.DEPUTY, deputy_for="sola")) == "vara for sola"


def test_helse_fonna_competence_groups_in_five_lines_instead_of_25() -> None:
    """The bundled Helse Fonna file once wrote 25 edges for 5 competence groups × 5 FSUs; {kind: ...} says it in 5
    lines and the graph keeps the same edges as the 25 written out."""
    import re

    from samhandling.structure.loader import BUNDLED_DIR

    text = (BUNDLED_DIR / "helse-fonna.yaml").read_text(encoding="utf-8")
    short = re.compile(r"^  - \{from: (kg-[a-z-]+), to: \{kind: professional_committee\}, kind: advises\}\n", re.M)
    groups = short.findall(text)
    assert len(groups) == 5 and not re.search(r"^  - \{from: kg-[a-z-]+, to: fsu-", text, re.M)
    fsus = ["fsu-barn-unge", "fsu-skropelege-eldre", "fsu-kroniske", "fsu-psykisk-rus", "fsu-beredskap"]
    written_out = short.sub(
        lambda m: "".join(f"  - {{from: {m.group(1)}, to: {f}, kind: advises}}\n" for f in fsus), text
    )
    bundled, long_form = loads(text), loads(written_out)
    assert sorted(bundled.graph.edges(keys=True)) == sorted(long_form.graph.edges(keys=True))
    advises = {(r.source, r.target) for r in bundled.relations(RelationKind.ADVISES) if r.source in groups}
    assert advises == {(g, f) for g in groups for f in fsus}
    assert {r.group for r in bundled.relations(RelationKind.ADVISES) if r.source in groups} == {
        "to:professional_committee"
    }
    assert all(r.group is None for r in long_form.relations(RelationKind.ADVISES))


def test_show_prints_conditions_and_kind_groups(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "to.yaml"
    f.write_text(TWO_SSU, encoding="utf-8")
    assert main(["show", str(f)]) == 0
    out = capsys.readouterr().out
    assert "hvis region = sør eller vest" in out and "til alle av typen «faglig samarbeidsutvalg»" in out
    assert main(["show", str(f), "--json"]) == 0
    rel = json.loads(capsys.readouterr().out)["relations"]
    assert {"region": ["sør", "vest"]} in [r["condition"] for r in rel]
    assert sum(r["group"] == "to:professional_committee" for r in rel) == 2


REGIONS = ["nord", "sør", "vest", "øst"]


def _structure_with(conditions: list[list[str] | None]) -> str:
    bodies = "".join(
        f"  - {{id: ssu-{i}, name: SSU {i}, kind: strategic_committee, power: decides}}\n"
        for i in range(len(conditions))
    )
    relations = "".join(
        f"  - {{from: fsu, to: ssu-{i}, kind: escalates_to"
        + (f", condition: {{region: [{', '.join(c)}]}}" if c else "")
        + "}\n"
        for i, c in enumerate(conditions)
    )
    return (
        "structure: p\nname: P\nbodies:\n  - {id: fsu, name: FSU, kind: professional_committee, "
        "power: advises}\n" + bodies + "relations:\n" + relations
    )


@settings(max_examples=60, deadline=None)
@given(
    conditions=st.lists(
        st.one_of(st.none(), st.lists(st.sampled_from(REGIONS), min_size=1, max_size=3, unique=True)),
        min_size=1,
        max_size=5,
    ),
    region=st.one_of(st.none(), st.sampled_from(REGIONS)),
)
def test_escalation_targets_are_exactly_the_matching_relations(
    conditions: list[list[str] | None], region: str | None
) -> None:
    s = loads(_structure_with(conditions))
    attributes = None if region is None else {"region": region}
    got = {b.id for b in escalation_targets(s, "fsu", attributes)}
    want = {f"ssu-{i}" for i, c in enumerate(conditions) if c is None or (region is not None and region in c)}
    assert got == want
    route = escalation_path(s, "fsu", attributes or {})
    assert (route.bodies[1] in want) if want else not route


ONE_ACT = """\
process: sak
version: "1"
title: Sak
initial: ny
states:
  - {name: ny, label: Ny sak}
  - {name: trekt, label: Trekt, final: true}
acts:
  - {name: withdraw, label: trekke saka, kind: withdraw, from: ny, to: trekt, by: {body: FSU A}}
"""


def test_cli_case_new_with_attr_then_path_follows_its_region(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``case new --attr region=sør`` stores the attributes; ``case show`` prints them; ``path --case`` follows them."""
    (tmp_path / "sak.yaml").write_text(ONE_ACT, encoding="utf-8")
    f = tmp_path / "to.yaml"
    f.write_text(TWO_SSU + "processes:\n  - {name: sak, file: sak.yaml}\n", encoding="utf-8")
    db = str(tmp_path / "saker.db")
    new = ["case", "new", str(f), "sak", "--title", "Felles forløp", "--on", "2024-01-02", "--db", db]
    for bad in (["--attr", "region"], ["--attr", "=sør"], ["--attr", "region=sør", "--attr", "region=nord"]):
        assert main([*new, *bad]) == 2
        err = capsys.readouterr().err
        assert "invalid-attr" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert main(["case", "list", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # a refused --attr created nothing
    assert main([*new, "--id", "sak-sor", "--attr", "region=sør", "--attr", "tema=rus"]) == 0
    capsys.readouterr()
    assert main([*new, "--id", "sak-nord", "--attr", "region=nord"]) == 0
    capsys.readouterr()
    assert main(["case", "show", "sak-sor", "--db", db]) == 0
    assert "Egenskaper: region = sør, tema = rus" in capsys.readouterr().out
    assert main(["case", "show", "sak-sor", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["attributes"] == {"region": "sør", "tema": "rus"}
    for case_id, ssu in (("sak-sor", "ssu-sor"), ("sak-nord", "ssu-nord")):
        assert main(["path", str(f), "--from", "FSU A", "--case", case_id, "--db", db, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["routes"][0]["bodies"] == ["fsu-a", ssu, "pm"]
