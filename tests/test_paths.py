"""Path queries: escalation routes, deciders, oversight, all paths, cycles, on every bundled structure."""

from __future__ import annotations

import pytest

from samhandling import NotFoundError, UnknownBodyError, UsageError, bundled_names, load, loads
from samhandling.structure.model import DecisionPower, RelationKind
from samhandling.structure.paths import ActKind, can_reach_decider, deciders_for, levels, upward_cycles

BUNDLED = ["sor-rogaland", "sogn-og-fjordane", "ahus-forvaltningsnettverk", "faggruppe-sogn", "knutepunkt-sorlandet"]

TWO_ROUTES = """
structure: to-veier
name: To veier
bodies:
  - {id: top, name: Toppmøte, kind: partnership_meeting, power: none}
  - {id: ssu, name: Strategisk samarbeidsutvalg, abbreviation: SSU, kind: strategic_committee, power: decides}
  - {id: au, name: Arbeidsutvalget, abbreviation: AU, kind: working_committee, power: decides}
  - {id: fsu, name: Faglig samarbeidsutvalg, abbreviation: FSU, kind: professional_committee, power: advises}
  - {id: grp, name: Arbeidsgruppe, kind: working_group}
  - {id: alone, name: Ensom gruppe, kind: working_group}
  - {id: adv, name: Rådgivende utvalg uten vei, kind: forum, power: advises}
relations:
  - {from: grp, to: FSU, kind: reports_to}
  - {from: FSU, to: AU, kind: reports_to}
  - {from: FSU, to: SSU, kind: escalates_to}
  - {from: AU, to: SSU, kind: reports_to}
  - {from: SSU, to: top, kind: reports_to}
  - {from: SSU, to: FSU, kind: oversees}
  - {from: FSU, to: grp, kind: oversees}
  - {from: AU, to: grp, kind: commissions}
"""

CYCLE = """
structure: ring
name: Ring
bodies:
  - {id: a, name: Utvalg A, kind: professional_committee, power: advises}
  - {id: b, name: Utvalg B, kind: working_committee}
relations:
  - {from: a, to: b, kind: reports_to}
  - {from: b, to: a, kind: escalates_to}
"""


def test_all_five_structures_are_bundled() -> None:
    assert set(BUNDLED) <= set(bundled_names())


@pytest.mark.parametrize("name", BUNDLED)
def test_every_route_goes_up_along_upward_relations_and_ends_at_the_top(name: str) -> None:
    s = load(name)
    for body in s.bodies:
        routes = s.escalation_paths(body)
        for route in routes:
            assert route.start == body.id
            assert len(set(route.bodies)) == len(route.bodies)  # never visits a body twice
            for hop in route.hops:
                assert hop.kind in (RelationKind.ESCALATES_TO, RelationKind.REPORTS_TO)
                assert hop.target in [t.id for t in s.targets(hop.source, hop.kind)]
            # the route ends where the upward lines end (or would go round in a circle)
            ups = {t.id for k in ("escalates_to", "reports_to") for t in s.targets(route.end, k)}
            assert ups <= set(route.bodies)
            deciders = [b for b in route.bodies if s.body(b).power is DecisionPower.DECIDES]
            assert route.decider == (deciders[0] if deciders else None)
        preferred = s.escalation_path(body)
        assert preferred == (routes[0] if routes else preferred)
        assert bool(preferred) == bool(routes)


@pytest.mark.parametrize("name", BUNDLED)
def test_advisory_bodies_reach_a_decider_and_validation_agrees(name: str) -> None:
    s = load(name)
    findings = s.validate()
    flagged = {f.message.split(" er rådgivende")[0] for f in findings if f.code == "no-decider"}
    for body in s.bodies:
        if body.power is DecisionPower.ADVISES:
            assert can_reach_decider(s, body) == (body.label not in flagged)
    assert "reporting-cycle" not in [f.code for f in findings]
    assert upward_cycles(s) == []


@pytest.mark.parametrize("name", BUNDLED)
def test_each_structure_has_a_decider_and_levels_put_it_above_its_reporters(name: str) -> None:
    s = load(name)
    top = s.decider("decide")
    assert top.power is DecisionPower.DECIDES
    lv = levels(s)
    assert set(lv) == {b.id for b in s.bodies}
    for r in s.relations("reports_to"):
        if s.body(r.source).level is None:
            assert lv[r.source] > lv[r.target]


def test_sor_rogaland_tmg_goes_through_fsu_to_ssu() -> None:
    s = load("sor-rogaland")
    route = s.escalation_path("TMG barn og unge")
    assert route.bodies == ("tmg-barn-unge", "fsu", "ssu")
    assert [h.kind for h in route.hops] == [RelationKind.REPORTS_TO, RelationKind.ESCALATES_TO]  # escalates preferred
    assert route.decider == "ssu"
    assert route.describe(s) == "Tjenestemodellgruppe barn og unge → FSU → SSU"
    assert s.escalation_path("fagråd IKT").bodies == ("fagrad-9", "fsu", "ssu")


def test_sor_rogaland_deciders_per_act_kind() -> None:
    s = load("sor-rogaland")
    assert s.decider().id == "ssu"  # kommunestyrene decide too, but only political review
    assert s.decider("political_review").id == "kommunestyrene"
    assert s.decider("advise").id == "fsu"
    # both SSU and FSU oversee; the tie goes to the common top (more bodies reach SSU)
    assert [b.id for b in deciders_for(s, ActKind.OVERSEE)] == ["ssu", "fsu"]
    with pytest.raises(NotFoundError) as exc:
        loads(CYCLE).decider("decide")
    assert exc.value.code == "no-decider"
    with pytest.raises(UsageError) as bad:
        s.decider("vedta")
    assert bad.value.code == "unknown-act-kind"


def test_sor_rogaland_oversight() -> None:
    s = load("sor-rogaland")
    assert [b.id for b in s.oversees("ssu")] == ["fsu"]
    direct = {b.id for b in s.oversees("FSU")}
    assert direct == {
        "tmg-barn-unge",
        "tmg-psykisk-rus",
        "tmg-skropelige-eldre",
        "tmg-kroniske",
        "fagrad-2d",
        "fagrad-6",
        "fagrad-7",
        "fagrad-9",
        "fagrad-11",
    }
    assert {b.id for b in s.oversees("ssu", transitive=True)} == direct | {"fsu"}
    assert s.commissions("ssu") == []


def test_ahus_networks_are_commissioned_and_go_to_ssu() -> None:
    s = load("ahus-forvaltningsnettverk")
    commissioned = {b.id for b in s.commissions("ssu")} | {b.id for b in s.commissions("AU")}
    networks = {b.id for b in s.bodies_of_kind("network")}
    assert networks <= commissioned
    for n in networks:
        assert s.escalation_path(n).decider == "ssu"
    assert s.decider("commission").id == "ssu"


def test_faggruppe_sogn_reports_to_radmannsgruppa() -> None:
    s = load("faggruppe-sogn")
    route = s.escalation_path("faggruppa")
    assert route.bodies[:2] == ("faggruppe", "radmannsgruppa")
    assert route.decider == "radmannsgruppa"


def test_knutepunkt_working_groups_reach_the_board() -> None:
    s = load("knutepunkt-sorlandet")
    assert s.escalation_path("arbeidsgrupper").bodies == ("arbeidsgrupper", "nettverk", "styret")
    assert s.decider().id == "styret"


def test_sogn_og_fjordane_fsu_escalates_to_ssu() -> None:
    s = load("sogn-og-fjordane")
    route = s.escalation_path("Fagleg samarbeidsutval")
    assert route.bodies == ("fsu", "ssu")
    assert route.hops[0].kind is RelationKind.ESCALATES_TO


def test_a_body_with_two_routes_returns_both_preferred_first() -> None:
    s = loads(TWO_ROUTES)
    routes = s.escalation_paths("grp")
    assert [r.bodies for r in routes] == [("grp", "fsu", "ssu", "top"), ("grp", "fsu", "au", "ssu", "top")]
    assert s.escalation_path("grp") == routes[0]
    assert routes[0].decider == "ssu" and routes[1].decider == "au"
    # both routes between two bodies; kinds limit what counts
    assert [r.bodies for r in s.all_paths("grp", "ssu")] == [("grp", "fsu", "ssu"), ("grp", "fsu", "au", "ssu")]
    assert [r.bodies for r in s.all_paths("grp", "ssu", kinds=["reports_to"])] == [("grp", "fsu", "au", "ssu")]
    assert s.all_paths("ssu", "grp") == []
    assert [r.bodies for r in s.all_paths("ssu", "grp", kinds=["oversees"])] == [("ssu", "fsu", "grp")]
    assert s.decider("commission").id == "au"


def test_a_body_with_no_route_gets_an_empty_path_not_an_error() -> None:
    s = loads(TWO_ROUTES)
    route = s.escalation_path("alone")
    assert not route and len(route) == 0
    assert route.bodies == ("alone",) and route.decider is None
    assert s.escalation_paths("alone") == []
    with pytest.raises(UnknownBodyError):
        s.escalation_path("finnes ikke")


def test_an_advisory_body_with_no_way_to_a_decider_is_a_finding() -> None:
    s = loads(TWO_ROUTES)
    found = [f for f in s.validate() if f.code == "no-decider"]
    assert [f.message.split(" ")[0] for f in found] == ["Rådgivende"]
    assert can_reach_decider(s, "fsu") and not can_reach_decider(s, "adv")


def test_a_cycle_is_a_finding_and_routes_still_end() -> None:
    s = loads(CYCLE)
    assert sorted(upward_cycles(s)[0]) == ["a", "b"]
    assert "reporting-cycle" in [f.code for f in s.validate()]
    assert s.escalation_path("a").bodies == ("a", "b")
    assert s.escalation_path("b").bodies == ("b", "a")
    with pytest.raises(NotFoundError):
        s.decider()
