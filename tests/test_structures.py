"""The five bundled structures: what the source documents say, as data."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

import samhandling
from samhandling.structure.loader import BUNDLED_DIR
from samhandling.structure.model import (
    BodyKind,
    DecisionPower,
    DecisionRule,
    Modality,
    PartyKind,
    RelationKind,
    SeatRights,
    Side,
)

SEEDS = Path("/work/shared/seeds")
DOCS = Path(__file__).resolve().parents[1] / "docs"
BUNDLED = ["ahus-forvaltningsnettverk", "faggruppe-sogn", "knutepunkt-sorlandet", "sogn-og-fjordane", "sor-rogaland"]
#: Bundled from public pages (issue 12 item 10); their sources' `file:` names the source notes in docs/sources/.
FROM_PAGES = ["helse-fonna", "innlandet", "telemark", "vestfold"]


def test_the_five_structures_are_bundled() -> None:
    assert set(BUNDLED) <= set(samhandling.bundled_names())
    assert set(FROM_PAGES) <= set(samhandling.bundled_names())


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).replace("\u00a0", " ")).strip()


@pytest.mark.parametrize("name", BUNDLED)
def test_every_rule_quotes_its_source_exactly(name: str) -> None:
    s = samhandling.load(name)
    assert s.rules, name
    for rule in s.rules:
        assert rule.source.text.strip(), rule.id
        assert rule.source.document.endswith(".txt"), (rule.id, rule.source.document)
        seed = SEEDS / rule.source.document
        if not SEEDS.exists():
            pytest.skip("the seed documents are not available here")
        assert _norm(rule.source.text) in _norm(seed.read_text(encoding="utf-8")), (name, rule.id)


@pytest.mark.parametrize("name", FROM_PAGES)
def test_every_rule_quotes_its_page_exactly(name: str) -> None:
    """The structures from public pages quote the stored page copy kept in docs/sources/NAME.md."""
    s = samhandling.load(name)
    assert s.rules, name
    for rule in s.rules:
        assert rule.source.document == f"docs/sources/{name}.md", (rule.id, rule.source.document)
        notes = (DOCS.parent / rule.source.document).read_text(encoding="utf-8")
        assert _norm(rule.source.text) in _norm(notes), (name, rule.id)


@pytest.mark.parametrize("name", BUNDLED + FROM_PAGES)
def test_ids_are_unique_and_relations_resolve(name: str) -> None:
    s = samhandling.load(name)
    assert not s.load_findings, [f.format() for f in s.load_findings]
    ids = [r.id for r in s.rules]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name", BUNDLED + FROM_PAGES)
def test_every_advisory_body_has_a_way_to_a_decider(name: str) -> None:
    from samhandling.structure.paths import can_reach_decider

    s = samhandling.load(name)
    for body in s.bodies:
        if body.power is DecisionPower.ADVISES:
            assert can_reach_decider(s, body), (name, body.id)


@pytest.mark.parametrize("name", BUNDLED + FROM_PAGES)
def test_settings_document_their_reading(name: str) -> None:
    s = samhandling.load(name)
    for key, setting in s.settings.items():
        if key == "committee_side_size":
            continue
        assert setting.note, (name, key)


# ---------------------------------------------------------------------------- Sogn og Fjordane (S4)


def test_sogn_og_fjordane() -> None:
    s = samhandling.load("sogn-og-fjordane")
    assert {b.id for b in s.bodies} == {"partnarskapsmotet", "ssu", "fsu", "avtaleutvalet"}
    ssu, fsu = s.body("SSU"), s.body("FSU")
    assert ssu.power is DecisionPower.DECIDES and ssu.decision_rule is DecisionRule.CONSENSUS
    assert fsu.power is DecisionPower.ADVISES
    assert [b.id for b in s.targets(fsu, RelationKind.ESCALATES_TO)] == ["ssu"]
    assert s.party("Helse Førde").kind is PartyKind.HEALTH_TRUST
    assert s.parties_of_side(Side.GP) and s.parties_of_side(Side.USER)
    from samhandling.structure.priorities import priority_groups

    groups = priority_groups(s)  # the plan's four priority groups are data that S4-R4 checks
    assert groups is not None and len(groups.groups) == 4
    assert any("skrøpelege eldre" in g.name for g in groups.groups)
    assert "priority_groups" not in s.settings and "priority_groups" not in not_read("sogn-og-fjordane")
    assert s.rule("S4-R4").modality is Modality.BOR
    assert s.rule("S4-R2").modality is Modality.SKAL
    assert all(
        p.kommunenummer and p.kommunenummer.startswith("46")
        for p in s.parties_of_side(Side.MUNICIPAL)
        if p.kind is PartyKind.MUNICIPALITY
    )
    # One representative per municipality in the partnership meeting.
    municipalities = [p for p in s.parties if p.kind is PartyKind.MUNICIPALITY]
    assert {p.id for p in s.member_parties("Partnarskapsmøtet")} >= {p.id for p in municipalities}


# ---------------------------------------------------------------------------- Ahus (S2)


def test_ahus_networks_and_enebakk() -> None:
    s = samhandling.load("ahus-forvaltningsnettverk")
    networks = s.bodies_of_kind(BodyKind.NETWORK)
    assert len(networks) == 3
    sizes = {b.id: len([p for p in s.member_parties(b) if p.kind is PartyKind.MUNICIPALITY]) for b in networks}
    assert sorted(sizes.values()) == [5, 5, 12]
    entries = sum(sizes.values())
    distinct = {p.id for b in networks for p in s.member_parties(b) if p.kind is PartyKind.MUNICIPALITY}
    assert (entries, len(distinct)) == (22, 21)
    enebakk = [b.id for b in s.bodies_of_party("Enebakk") if b.kind is BodyKind.NETWORK]
    assert enebakk == ["follo", "nedre-romerike-gardermo"]
    assert all("ahus" in {p.id for p in s.member_parties(b)} for b in networks)
    # Nes is in Nedre Romerike although Kongsvinger sykehus is its local hospital.
    assert [b.id for b in s.bodies_of_party("Nes") if b.kind is BodyKind.NETWORK] == ["nedre-romerike-gardermo"]


def test_ahus_commissioning_and_joint_meeting() -> None:
    s = samhandling.load("ahus-forvaltningsnettverk")
    for network in s.bodies_of_kind(BodyKind.NETWORK):
        assert {b.abbreviation for b in s.sources_of(network, RelationKind.COMMISSIONS)} == {"SSU", "AU"}
    joint = s.bodies_of_kind(BodyKind.JOINT_MEETING)
    assert len(joint) == 1
    assert [b.abbreviation for b in s.sources_of(joint[0], RelationKind.ORGANISES)] == ["AU"]
    assert len([p for p in s.member_parties(joint[0]) if p.kind is PartyKind.MUNICIPALITY]) == 21


def test_ahus_mandate_metadata() -> None:
    s = samhandling.load("ahus-forvaltningsnettverk")
    m = s.mandate
    assert m is not None
    assert (m.version, m.owner, m.approver, m.approved_how, m.review) == (
        "1.0",
        "Strategisk samarbeidsutvalg",
        "Helse- og omsorgsfaglig samarbeidsutvalg",
        "Pr. e-post",
        "2025",
    )
    assert m.approved_on == m.valid_from == dt.date(2024, 8, 30)
    assert m.owner != m.approver
    assert s.has_body(m.owner) and s.has_body(m.approver)


def test_ahus_composition_seats() -> None:
    s = samhandling.load("ahus-forvaltningsnettverk")
    follo = s.body("Forvaltningsnettverk Folloregionen")
    per_party = [seat for seat in follo.seats if seat.per_party]
    assert {seat.role for seat in per_party} == {"saksbehandler", "samhandlingskoordinator"}
    assert s.setting("coordinator_per_municipality") is True
    assert s.settings["coordinator_per_municipality"].alternatives == (False,)
    hospital = [seat for seat in follo.seats if seat.side is Side.HOSPITAL]
    assert sorted((seat.role, seat.min, seat.max) for seat in hospital) == [("klinikk", 1, 2), ("samhandling", 1, 2)]


def test_ahus_all_s2_rules_are_present() -> None:
    s = samhandling.load("ahus-forvaltningsnettverk")
    for n in range(1, 21):
        assert s.rule(f"S2-R{n}")
    assert s.rule("S2-R4").modality is Modality.KAN


# ---------------------------------------------------------------------------- Faggruppe Sogn (S0)


def test_faggruppe_sogn() -> None:
    s = samhandling.load("faggruppe-sogn")
    group = s.body("Faggruppa")
    assert group.power is DecisionPower.ADVISES
    assert [b.id for b in s.targets(group, RelationKind.REPORTS_TO)] == ["radmannsgruppa"]
    assert [b.id for b in s.targets(group, RelationKind.ADVISES)] == ["radmannsgruppa"]
    assert s.body("rådmannsgruppa").power is DecisionPower.DECIDES
    assert {b.id for b in s.sources_of(group, RelationKind.INFORMS)} == {"fagradet", "koordineringsradet"}
    assert [b.id for b in s.targets(group, RelationKind.MEMBER_OF)] == ["forum"]
    seat = group.seats[0]
    assert (seat.side, seat.per_party, seat.min, seat.max) == (Side.MUNICIPAL, True, 1, 2)
    assert s.mandate is not None and s.mandate.approved_on == dt.date(2012, 3, 30)
    for n in range(1, 12):
        assert s.rule(f"S0-R{n}")


def test_sogn_regionrad_membership_over_time() -> None:
    s = samhandling.load("faggruppe-sogn")

    def members(day: dt.date) -> set[str]:
        return {p.name for p in s.member_parties("Sogn regionråd", on=day)}

    assert len(members(dt.date(2000, 1, 1))) == 9
    assert "Høyanger" not in members(dt.date(2007, 1, 1)) and "Årdal" in members(dt.date(2007, 1, 1))
    assert len(members(dt.date(2012, 3, 30))) == 7
    assert {"Balestrand", "Leikanger"} & members(dt.date(2020, 6, 1)) == set()
    notes = not_read("faggruppe-sogn")
    assert set(notes["members_2012"]["value"]) == members(dt.date(2012, 3, 30))
    assert notes["members_2012"]["alternatives"]  # the nine-member reading


# ---------------------------------------------------------------------------- Knutepunkt Sørlandet (S1)


def test_knutepunkt_sorlandet() -> None:
    s = samhandling.load("knutepunkt-sorlandet")
    assert s.body("Styret KnS").power is DecisionPower.DECIDES
    municipalities = [p for p in s.parties if p.kind is PartyKind.MUNICIPALITY]
    assert len(municipalities) == 7
    assert {p.name for p in municipalities if p.period.valid_to == dt.date(2019, 12, 31)} == {"Søgne", "Songdalen"}
    network = s.body("nettverket")
    assert sum(m.count for m in s.members(network)) == 7
    assert [b.id for b in s.sources_of(network, RelationKind.ORGANISES)] == ["daglig-leder"]
    assert not_read("knutepunkt-sorlandet")["rotation_period"]["alternatives"]
    assert "rotation_period" not in s.settings
    lead = [m for m in s.members("forstudie") if m.role and "helse- og sosialdirektøren" in m.role]
    assert [m.party for m in lead] == ["kristiansand"]
    assert s.parties_of_side(Side.EMPLOYEE)
    assert s.party("SSHF").kind is PartyKind.HEALTH_TRUST
    assert s.body("OSS").kind is BodyKind.STRATEGIC_COMMITTEE
    for n in range(1, 15):
        assert s.rule(f"S1-R{n}")


# ---------------------------------------------------------------------------- JSON Schema for editors


def test_schema_accepts_every_bundled_file() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DOCS / "structure.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(BUNDLED_DIR.glob("*.yaml")):
        data = _plain(samhandling.formats.yamlio.parse_yaml(path.read_text(encoding="utf-8"), path.name))
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
        assert not errors, (path.name, errors[:5])


def test_schema_refuses_bad_shapes() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DOCS / "structure.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    good = {"structure": "x", "bodies": [{"id": "a", "name": "A", "kind": "council"}]}
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "colour": "red"})
    assert not validator.is_valid({"structure": "x", "bodies": [{"id": "a", "name": "A", "kind": "komité"}]})
    assert not validator.is_valid({**good, "parties": [{"id": "k", "kind": "municipality", "kommunenummer": 1108}]})


def _plain(value: object) -> object:
    """YAML values as JSON would see them (dates become ISO strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_schema_enums_follow_the_model() -> None:
    schema = json.loads((DOCS / "structure.schema.json").read_text(encoding="utf-8"))
    defs = schema["$defs"]
    assert defs["party"]["properties"]["kind"]["enum"] == [k.value for k in PartyKind]
    assert defs["body"]["properties"]["kind"]["enum"] == [k.value for k in BodyKind]
    assert defs["relation"]["properties"]["kind"]["enum"] == [k.value for k in RelationKind]
    assert defs["rule"]["properties"]["modality"]["enum"] == [m.value for m in Modality]
    assert defs["seat"]["properties"]["side"]["enum"] == [s.value for s in Side]
    assert defs["member"]["properties"]["rights"]["enum"] == [r.value for r in SeatRights]
    assert {"rights", "deputy_for"} <= set(defs["member"]["properties"])
    assert set(schema["properties"]) == samhandling.structure.loader.TOP_LEVEL_KEYS


def not_read(name: str) -> dict[str, Any]:
    """The documented facts and choices a bundled file keeps under ``notes.not_read_by_code``."""
    import yaml

    from samhandling.structure.loader import BUNDLED_DIR

    data = yaml.safe_load((BUNDLED_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    found: dict[str, Any] = data["notes"]["not_read_by_code"]
    return found


def test_every_bundled_reading_is_read_by_something() -> None:
    """Flipping a reading changes something: every bundled reading is referred to or read by the code."""
    from samhandling.app.check import reading_uses

    for name in samhandling.bundled_names():
        uses = reading_uses(samhandling.load(name))
        assert all(uses.values()), (name, [k for k, v in uses.items() if not v])


OBSERVER_PROCESS = """\
process: sak
version: "1"
title: Sak
initial: ny
states:
  - {name: ny, label: Ny sak}
  - {name: vedtatt, label: Vedtatt, final: true}
acts:
  - {name: decide, label: vedta saken, kind: decide, from: ny, to: vedtatt, by: {body: SSU nedre Telemark},
     guard: consensus}
"""


def test_telemark_observers_are_seats_that_never_count(tmp_path: Path) -> None:
    """«Observatør» (T2) and «Observatører med talerett» (T1): KS and the ombud sit as observers and never count."""
    from samhandling.errors import RuleError
    from samhandling.process.loader import get_process

    telemark = samhandling.load("telemark")
    on = dt.date(2024, 1, 4)
    for body in ("ssu-nedre", "partnerskapsmote"):
        assert [p.id for p in telemark.observers(body, on)] == ["ks", "pasient-og-brukerombudet"]
        assert not {"ks", "pasient-og-brukerombudet"} & {p.id for p in telemark.voting_parties(body, on)}
    assert [p.id for p in telemark.observers("ssu-nedre", dt.date(2021, 2, 18))] == []  # seated from 19.02.2021
    # The bundled file with a small process of our own: the observers' positions are refused, not counted.
    text = (BUNDLED_DIR / "telemark.yaml").read_text(encoding="utf-8")
    (tmp_path / "sak.yaml").write_text(OBSERVER_PROCESS, encoding="utf-8")
    (tmp_path / "telemark.yaml").write_text(text + "\nprocesses:\n  - {name: sak, file: sak.yaml}\n", "utf-8")
    case = get_process(samhandling.load(tmp_path / "telemark.yaml"), "sak").new_case("Sak", on=on)
    members = ["porsgrunn", "skien", "bamble", "kragero", "drangedal", "nome", "sykehuset-telemark", "tillitsvalgte"]
    agreed = dict.fromkeys(members, "for")
    for observer in ("ks", "pasient-og-brukerombudet"):
        with pytest.raises(RuleError) as refused:
            case.act("decide", by="SSU nedre Telemark", on=on, positions={**agreed, observer: "mot"})
        assert refused.value.code == "no-seat-party"
        assert case.state == "ny" and len(case.history) == 1
    event = case.act("decide", by="SSU nedre Telemark", on=on, positions=agreed)  # consensus without the observers
    assert set(event.payload["positions"]) == set(members) and case.state == "vedtatt"


def test_innlandet_fagutvalg_leader_is_an_observer_with_a_deputy() -> None:
    """«… som observatør i Strategisk samarbeidsutvalg med møte- og talerett. Nestleder er vararepresentant.» (I2)"""
    from samhandling.process.loader import get_process

    innlandet = samhandling.load("innlandet")
    on = dt.date(2024, 4, 10)
    assert [p.id for p in innlandet.observers("ssu", on)] == ["fagutvalg-leder"]
    assert [p.id for p in innlandet.deputies("ssu", on)] == ["fagutvalg-nestleder"]
    assert innlandet.deputy_map("ssu", on) == {"fagutvalg-nestleder": "fagutvalg-leder"}
    voters = get_process(innlandet, "fagutvalg-sak").voters("ssu", on)
    assert not {"fagutvalg-leder", "fagutvalg-nestleder"} & (set(voters.ids) | set(voters.deputy_for))


def test_an_observer_or_deputy_never_fills_a_seat() -> None:
    """A GP who only observes does not satisfy «a GP seat» (format-gaps G7); only member seats fill seats."""
    text = """
structure: obs
name: Observatører
parties:
  - {id: k1, name: Kommune 1, kind: municipality}
  - {id: hf, name: HF, kind: health_trust}
  - {id: lege, name: Fastlege, kind: gp}
  - {id: lege2, name: Fastlege 2, kind: gp}
bodies:
  - id: pm
    name: Møte
    kind: partnership_meeting
    seats: [{side: gp, min: 1, label: Fastlegerepresentant}]
    members:
      - {party: k1}
      - {party: hf}
      - {party: lege, rights: observer}
      - {party: lege2, rights: deputy, deputy_for: lege}
"""
    codes = [f.code for f in samhandling.loads(text).validate()]
    assert codes.count("seat-count") == 1
    seated = text.replace("{party: lege, rights: observer}", "{party: lege}")
    assert "seat-count" not in [f.code for f in samhandling.loads(seated).validate()]
