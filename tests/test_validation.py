"""Each rule category, broken on purpose: the precise finding code, severity and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import samhandling
from samhandling.structure.findings import Finding, has_errors
from samhandling.structure.loader import BUNDLED_DIR
from samhandling.structure.model import Severity


def bundled_text(name: str) -> str:
    return (BUNDLED_DIR / f"{name}.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str, after: str | None = None) -> int:
    """1-based line of the first ``needle`` (after the first ``after``, if given)."""
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def replace_once(text: str, old: str, new: str, after: str | None = None) -> str:
    start = text.index(after) if after else 0
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old) :]


def variant(name: str, old: str, new: str, after: str | None = None) -> tuple[str, list[Finding]]:
    text = replace_once(bundled_text(name), old, new, after)
    structure = samhandling.loads(text, filename=f"{name}.yaml")
    return text, structure.validate()


def with_code(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


SOR_FSU_HF = "- {party: helse-stavanger, count: {setting: committee_side_size}, title: klinikksjef/avdelingssjef}"
SOR_RELATIONS = "relations:\n"


@pytest.mark.parametrize("name", samhandling.bundled_names())
def test_bundled_structures_have_no_errors(name: str) -> None:
    findings = samhandling.load(name).validate()
    assert not has_errors(findings), [f.format() for f in findings if f.severity is Severity.ERROR]


def test_parity_broken_by_removing_a_hospital_member() -> None:
    text, findings = variant(
        "sor-rogaland", SOR_FSU_HF, SOR_FSU_HF.replace("count: {setting: committee_side_size}", "count: 5")
    )
    parity = with_code(findings, "parity")
    assert len(parity) == 1
    f = parity[0]
    assert f.severity is Severity.ERROR
    assert f.rule == "S3-R9"
    assert "kommunesiden 6" in f.message and "helseforetakssiden 5" in f.message
    assert f.location is not None and f.location.file == "sor-rogaland.yaml"
    assert f.location.line == line_of(text, "- id: fsu")
    assert "likt antall representanter" in (f.source_text or "")


def test_tmg_without_gp() -> None:
    text, findings = variant("sor-rogaland", "      - {party: fastleger, count: 1}\n", "", after="id: tmg-psykisk-rus")
    missing = with_code(findings, "missing-gp")
    assert [f.rule for f in missing if f.severity is Severity.ERROR] == ["S3-R24-gp"]
    assert missing[0].location is not None
    assert missing[0].location.line == line_of(text, "id: tmg-psykisk-rus") - 1  # the «- <<: *tmg» item
    assert has_errors(findings)


def test_reporting_cycle() -> None:
    _, findings = variant("sor-rogaland", SOR_RELATIONS, SOR_RELATIONS + "  - {from: SSU, to: FSU, kind: reports_to}\n")
    cycles = with_code(findings, "reporting-cycle")
    assert len(cycles) == 1
    assert cycles[0].severity is Severity.ERROR
    assert "SSU" in cycles[0].message and "FSU" in cycles[0].message


def test_relation_to_unknown_body_names_the_line() -> None:
    text, findings = variant(
        "sor-rogaland", SOR_RELATIONS, SOR_RELATIONS + "  - {from: FSU, to: Ukjent utvalg, kind: reports_to}\n"
    )
    unknown = with_code(findings, "unknown-body")
    assert len(unknown) == 1
    assert unknown[0].location is not None
    assert unknown[0].location.file == "sor-rogaland.yaml"
    assert unknown[0].location.line == line_of(text, "Ukjent utvalg")
    assert "Ukjent utvalg" in unknown[0].message


def test_membership_of_unknown_party() -> None:
    text, findings = variant("sor-rogaland", SOR_FSU_HF, SOR_FSU_HF.replace("helse-stavanger", "helse-bergen"))
    unknown = with_code(findings, "unknown-party")
    assert len(unknown) == 1 and unknown[0].location is not None
    assert unknown[0].location.line == line_of(text, "helse-bergen")


def test_duplicated_body_name() -> None:
    extra = "  - {id: fsu-2, name: Faglig Samarbeidsutvalg, kind: professional_committee}\n"
    text, findings = variant("sor-rogaland", "relations:\n", extra + "\nrelations:\n")
    dup = with_code(findings, "duplicate-name")
    assert len(dup) == 1
    assert dup[0].location is not None and dup[0].location.line == line_of(text, "id: fsu-2")


def test_duplicated_body_id() -> None:
    extra = "  - {id: fsu, name: Et annet utvalg, kind: council}\n"
    text, findings = variant("sor-rogaland", "relations:\n", extra + "\nrelations:\n")
    dup = with_code(findings, "duplicate-id")
    assert len(dup) == 1
    assert dup[0].location is not None and dup[0].location.line == line_of(text, "name: Et annet utvalg")


def test_per_party_count_out_of_range() -> None:
    text, findings = variant("faggruppe-sogn", "{party: vik, count: 1,", "{party: vik, count: 3,")
    per_party = with_code(findings, "per-party-count")
    assert [f.rule for f in per_party] == ["S0-R1"]
    assert "Vik har 3" in per_party[0].message
    assert per_party[0].location is not None
    assert per_party[0].location.line == line_of(text, "- id: faggruppe")
    # The body's own per-party seat says the same thing as a built-in check.
    assert any("Vik har 3" in f.message for f in with_code(findings, "seat-count"))


def test_ahus_per_party_count_counts_each_network_separately() -> None:
    # Drop Enebakk's coordinator from the Follo network only: Follo breaks, Nedre Romerike does not.
    _, findings = variant(
        "ahus-forvaltningsnettverk",
        "      - {party: enebakk, role: samhandlingskoordinator}\n",
        "",
    )
    per_party = with_code(findings, "per-party-count")
    assert len(per_party) == 1
    assert "Enebakk har 1" in per_party[0].message
    assert "Folloregionen" in per_party[0].message


def test_wrong_decision_power() -> None:
    _, findings = variant("sor-rogaland", "    power: advises\n", "    power: decides\n", after="id: fsu")
    power = with_code(findings, "decision-power")
    assert [f.rule for f in power] == ["S3-R14"]
    assert power[0].severity is Severity.ERROR


def test_wrong_decision_rule() -> None:
    _, findings = variant("sor-rogaland", "decision_rule: consensus", "decision_rule: majority")
    assert [f.rule for f in with_code(findings, "decision-rule")] == ["S3-R7"]


def test_missing_escalation_relation() -> None:
    _, findings = variant(
        "sor-rogaland", "  - {from: FSU, to: SSU, kind: escalates_to", "  - {from: FSU, to: SSU, kind: informs"
    )
    missing = with_code(findings, "missing-escalates_to")
    assert [f.rule for f in missing] == ["S3-R15"]
    assert missing[0].severity is Severity.ERROR


def test_advisory_body_without_a_way_to_a_decider() -> None:
    text = bundled_text("sogn-og-fjordane")
    for old in ("  - {from: FSU, to: SSU, kind: escalates_to", "  - {from: FSU, to: SSU, kind: reports_to}"):
        text = replace_once(text, old, "  - {from: FSU, to: SSU, kind: informs" + ("}" if old.endswith("}") else ""))
    findings = samhandling.loads(text, filename="sogn-og-fjordane.yaml").validate()
    no_decider = with_code(findings, "no-decider")
    assert len(no_decider) == 1
    assert no_decider[0].severity is Severity.WARNING
    assert "Fagleg samarbeidsutval" in no_decider[0].message or "FSU" in no_decider[0].message


def test_seats_exact_count() -> None:
    _, findings = variant(
        "sor-rogaland", "      - {party: brukere, count: 2}\n", "      - {party: brukere, count: 3}\n"
    )
    too_many = with_code(findings, "too-many-user")
    assert [f.rule for f in too_many] == ["S3-R9-seats"]
    assert with_code(findings, "seat-count")  # the declared seat «to brukerrepresentanter» too


def test_seats_range_ahus_hospital_side() -> None:
    _, findings = variant(
        "ahus-forvaltningsnettverk", "{party: ahus, count: 1, role: klinikk}", "{party: ahus, count: 4, role: klinikk}"
    )
    seat = with_code(findings, "seat-count")
    assert len(seat) == 1 and "Folloregionen" in seat[0].message and "1-2" in seat[0].message
    assert [f.rule for f in with_code(findings, "too-many-hospital")] == ["S2-R6"]


def test_leadership_quota() -> None:
    _, findings = variant(
        "sor-rogaland",
        "      - {party: kommuneklynger, count: 1, role: leder,",
        "      - {party: helse-stavanger, count: 1, role: leder,",
        after="id: tmg-psykisk-rus",
    )
    quota = with_code(findings, "leadership-quota")
    assert {f.rule for f in quota} == {"S3-R23"}
    messages = " ".join(f.message for f in quota)
    assert "helseforetakssiden leder 3" in messages and "kommunesiden leder 1" in messages


def test_body_count() -> None:
    text = bundled_text("sor-rogaland")
    start = text.index("  - {id: fagrad-11")
    end = text.index("\n\n", start)
    text = text[:start] + text[end + 1 :]
    text = "\n".join(line for line in text.splitlines() if "fagrad-11" not in line) + "\n"
    findings = samhandling.loads(text, filename="sor-rogaland.yaml").validate()
    count = with_code(findings, "body-count")
    assert [f.rule for f in count] == ["S3-R26"]
    assert "har 4 organer" in count[0].message


def test_member_total() -> None:
    _, findings = variant("knutepunkt-sorlandet", "      - {party: vennesla}\n", "", after="id: nettverk")
    total = with_code(findings, "member-count")
    assert [f.rule for f in total] == ["S1-R7"]
    assert "har 6 medlemmer" in total[0].message


def test_member_total_depends_on_the_date() -> None:
    import datetime as dt

    kns = samhandling.load("knutepunkt-sorlandet")
    assert not with_code(kns.validate(on=dt.date(2007, 5, 4)), "member-count")
    # Søgne and Songdalen became part of Kristiansand in 2020.
    assert with_code(kns.validate(on=dt.date(2021, 1, 1)), "member-count")


def test_incoming_relation_check() -> None:
    _, findings = variant("ahus-forvaltningsnettverk", "  - {from: AU, to: follo, kind: commissions}\n", "")
    missing = with_code(findings, "missing-commissions")
    assert [f.rule for f in missing] == ["S2-R2-AU"]
    assert "fra AU" in missing[0].message
    assert missing[0].severity is Severity.INFO  # «kan»: a permission


MINI = """\
structure: mini
sources:
  X: {file: x.txt}
parties:
  - {id: kommune, name: Kommunen, kind: municipality}
  - {id: hf, name: Helseforetaket, kind: health_trust}
bodies:
  - id: utvalg
    name: Utvalget
    kind: professional_committee
    power: advises
    members:
      - {party: kommune, count: 2}
      - {party: hf, count: 1}
rules:
  - {id: R1, category: parity, modality: MODALITY, source: X, text: likt antall,
     check: {kind: parity, body: Utvalget}}
"""


@pytest.mark.parametrize(
    ("modality", "severity"),
    [
        ("skal", "error"),
        ("må", "error"),
        ("descriptive", "error"),
        ("bør", "warning"),
        ("kan", "info"),
        ("aim", "info"),
    ],
)
def test_modality_decides_severity(modality: str, severity: str) -> None:
    findings = samhandling.loads(MINI.replace("MODALITY", modality)).validate()
    parity = with_code(findings, "parity")
    assert len(parity) == 1 and parity[0].severity.value == severity


def test_unknown_check_kind() -> None:
    text = MINI.replace("MODALITY", "skal").replace("kind: parity, body", "kind: paritet, body")
    findings = samhandling.loads(text).validate()
    unknown = with_code(findings, "unknown-check")
    assert len(unknown) == 1 and unknown[0].location is not None and unknown[0].location.line == 16


def test_invalid_check_parameters() -> None:
    text = MINI.replace("MODALITY", "skal").replace(
        "check: {kind: parity, body: Utvalget}", "check: {kind: power, body: Utvalget}"
    )
    findings = samhandling.loads(text).validate()
    assert [f.rule for f in with_code(findings, "invalid-check")] == ["R1"]


def test_findings_sorted_errors_first() -> None:
    _, findings = variant(
        "sor-rogaland", SOR_FSU_HF, SOR_FSU_HF.replace("count: {setting: committee_side_size}", "count: 5")
    )
    order = [f.severity for f in findings]
    assert order == sorted(order, key=[Severity.ERROR, Severity.WARNING, Severity.INFO].index)


def test_validation_changes_nothing() -> None:
    s = samhandling.load("sor-rogaland")
    before = (len(s.bodies), len(s.memberships), len(s.relations()))
    s.validate()
    s.validate()
    assert (len(s.bodies), len(s.memberships), len(s.relations())) == before


# ---------------------------------------------------------------------------- titles and priority groups (issue 12)

GROUPS = """
structure: grupper
sources:
  X: {file: x.txt}
parties:
  - {id: k, name: Kommunen, kind: municipality}
  - {id: hf, name: HF, kind: health_trust}
bodies:
  - {id: ssu, name: SSU, kind: strategic_committee, power: decides, members: [{party: k}, {party: hf}]}
  - {id: tmg-born, name: TMG born, kind: service_model_group, valid_to: 2022-12-31}
  - {id: tmg-eldre, name: TMG eldre, kind: service_model_group}
rules:
  - {id: P, category: priority_groups, modality: MODALITY, source: X, text: bør prioritere,
     check: {kind: priority_groups}}
priority_groups:
  plan: Planen
  source: X
  groups:
    - {id: born, name: barn og unge, bodies: [TMG born]}
    - {id: eldre, name: skrøpelige eldre, bodies: [tmg-eldre]}
    - id: rus
      name: rus
      items: [{title: Konferanse om rus, date: 2024-06-12, source: X}]
    - {id: kroniske, name: flere kroniske lidelser}
"""


def test_priority_groups_served_by_a_body_or_an_item() -> None:
    import datetime as dt

    text = GROUPS.replace("MODALITY", "bør")
    s = samhandling.loads(text)
    unserved = with_code(s.validate(), "priority-group-unserved")
    assert [f.rule for f in unserved] == ["P"] and "«flere kroniske lidelser»" in unserved[0].message
    assert unserved[0].severity is Severity.WARNING  # bør
    assert unserved[0].location is not None and unserved[0].location.line == line_of(text, "{id: kroniske")
    # The body serving the children's group was wound down at the end of 2022; the conference is in June 2024.
    on_2024 = {
        f.message.split("«")[1].split("»")[0]
        for f in with_code(s.validate(on=dt.date(2024, 1, 1)), "priority-group-unserved")
    }
    assert on_2024 == {"barn og unge", "rus", "flere kroniske lidelser"}
    # A plan item (not only a body) serves a group; «groups» checks only those named.
    served = text.replace(
        "{id: kroniske, name: flere kroniske lidelser}", "{id: kroniske, name: k, items: [{title: Tiltak}]}"
    )
    assert with_code(samhandling.loads(served).validate(), "priority-group-unserved") == []
    only = text.replace("check: {kind: priority_groups}", "check: {kind: priority_groups, groups: [born, eldre]}")
    assert with_code(samhandling.loads(only).validate(), "priority-group-unserved") == []
    skal = samhandling.loads(GROUPS.replace("MODALITY", "skal")).validate()
    assert [f.severity for f in with_code(skal, "priority-group-unserved")] == [Severity.ERROR]
    # No section at all: the rule has nothing to check against.
    none = text.split("priority_groups:\n  plan")[0]
    assert [f.code for f in samhandling.loads(none).validate() if f.rule == "P"] == ["priority-groups-missing"]
    unknown = text.replace("groups: [born, eldre]", "").replace(
        "check: {kind: priority_groups}", "check: {kind: priority_groups, groups: [ukjent]}"
    )
    assert [f.code for f in samhandling.loads(unknown).validate() if f.rule == "P"] == ["invalid-check"]


@pytest.mark.parametrize(
    ("old", "new", "code", "needle"),
    [
        ("bodies: [TMG born]", "bodies: [TMG ukjent]", "unknown-body", "TMG ukjent"),
        (
            "{title: Konferanse om rus, date: 2024-06-12, source: X}",
            "{title: K, source: Y}",
            "unknown-source",
            "source: Y",
        ),
        (
            "{id: eldre, name: skrøpelige eldre, bodies: [tmg-eldre]}",
            "{id: born, name: igjen}",
            "duplicate-id",
            "{id: born, name: igjen",
        ),
        (
            "{id: kroniske, name: flere kroniske lidelser}",
            "{id: kroniske, members: [k]}",
            "unknown-key",
            "members: [k]",
        ),
    ],
)
def test_priority_groups_section_errors_are_located(old: str, new: str, code: str, needle: str) -> None:
    """A broken section is one located error finding, whether or not a rule checks it; loading still works."""
    text = GROUPS.replace("MODALITY", "bør").replace(old, new)
    for variant_text in (
        text,
        text.replace("check: {kind: priority_groups}", "check: {kind: count, body_kind: council}"),
    ):
        found = with_code(samhandling.loads(variant_text).validate(), code)
        assert len(found) == 1 and found[0].severity is Severity.ERROR, found
        assert found[0].location is not None and found[0].location.line == line_of(variant_text, needle)


TITLES = """
structure: titler
sources:
  X: {file: x.txt}
parties:
  - {id: k, name: Kommunen, kind: municipality}
  - {id: hf, name: HF, kind: health_trust}
  - {id: brukar, name: Brukarane, kind: user_representatives}
bodies:
  - id: tmg
    name: TMG
    kind: service_model_group
    members:
      - {party: hf, role: leder, title: Klinikkdirektør}
      - {party: k, count: 2, title: rådgiver}
      - {party: brukar}
      - {party: k, role: leder, rights: observer}
  - id: tmg2
    name: TMG 2
    kind: service_model_group
    members:
      - {party: k, role: leder, title: kommunalsjef/kommunaldirektør}
rules:
  - id: T
    category: leadership
    modality: skal
    source: X
    text: ledes av klinikkdirektører og kommunalsjefer
    check:
      kind: role_titles
      body_kind: service_model_group
      role: leder
      titles: {hospital: [klinikkdirektør, avdelingssjef], municipal: [kommunaldirektør, kommunalsjef]}
"""


def test_role_titles_per_side_for_the_leader() -> None:
    """Each side's leader has one of its side's titles; case and «/»-alternatives fold; observers are not asked."""
    assert [f for f in samhandling.loads(TITLES).validate() if f.rule] == []
    swapped = TITLES.replace(
        "{party: hf, role: leder, title: Klinikkdirektør}", "{party: hf, role: leder, title: kommunalsjef}"
    )
    found = [f for f in samhandling.loads(swapped).validate() if f.rule == "T"]
    assert [f.code for f in found] == ["title-not-allowed"] and found[0].severity is Severity.ERROR
    assert "Leder fra HF i TMG har tittelen «kommunalsjef»" in found[0].message
    assert "klinikkdirektør, avdelingssjef" in found[0].message
    assert found[0].location is not None and found[0].location.line == line_of(swapped, "{party: hf, role: leder")
    # One alternative outside the list is enough to refuse («kommunalsjef/rådgiver» may be a rådgiver).
    half = TITLES.replace("kommunalsjef/kommunaldirektør", "kommunalsjef/rådgiver")
    assert [f.code for f in samhandling.loads(half).validate() if f.rule == "T"] == ["title-not-allowed"]
    missing = TITLES.replace("{party: k, role: leder, title: kommunalsjef/kommunaldirektør}", "{party: k, role: leder}")
    found = [f for f in samhandling.loads(missing).validate() if f.rule == "T"]
    assert [f.code for f in found] == ["title-missing"] and "TMG 2" in found[0].message


def test_role_titles_for_every_representative() -> None:
    """Without «role» every member seat of the side is asked (S0-R2); bør is a warning; bad «titles» is invalid."""
    every = TITLES.replace(
        "      role: leder\n      titles: {hospital: [klinikkdirektør, avdelingssjef], municipal: [kommunaldirektør, kommunalsjef]}",
        "      side: municipal\n      titles: [leiar innan helse og omsorg, kommunalsjef, kommunaldirektør]",
    ).replace("modality: skal", "modality: bør")
    found = [f for f in samhandling.loads(every).validate() if f.rule == "T"]
    # The municipality's two advisers (one membership) are refused; the hospital and user seats are not asked.
    assert [(f.code, f.severity) for f in found] == [("title-not-allowed", Severity.WARNING)]
    assert "Representanten fra Kommunen i TMG har tittelen «rådgiver»" in found[0].message
    nynorsk = every.replace("title: rådgiver", "title: Leder innen helse og omsorg")  # bokmål of the nynorsk title
    assert [f for f in samhandling.loads(nynorsk).validate() if f.rule == "T"] == []
    for bad in ("titles: []", "titles: {kommune: [x]}", "titles: leder"):
        text = every.replace("titles: [leiar innan helse og omsorg, kommunalsjef, kommunaldirektør]", bad)
        assert [f.code for f in samhandling.loads(text).validate() if f.rule == "T"] == ["invalid-check"], bad


def test_show_lists_the_title_of_a_seat(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from samhandling.cli import main

    path = tmp_path / "titler.yaml"
    path.write_text(TITLES, encoding="utf-8")
    assert main(["show", str(path), "--json"]) == 0
    seats = json.loads(capsys.readouterr().out)["memberships"]
    assert [(m["party"], m["role"], m["title"]) for m in seats if m["body"] == "tmg2"] == [
        ("k", "leder", "kommunalsjef/kommunaldirektør")
    ]
    assert main(["show", str(path)]) == 0
    assert "leder, Klinikkdirektør" in capsys.readouterr().out


COSTS = """
structure: kostnader
sources:
  X: {file: x.txt}
parties:
  - {id: a, name: Kommune A, kind: municipality}
  - {id: b, name: Kommune B, kind: municipality}
bodies:
  - id: styret
    name: Styret
    kind: board
    power: decides
  - id: gruppa
    name: Gruppa
    kind: professional_group
    costs: {participation: each_party}
  - id: stort
    name: Stort prosjekt
    kind: project
    costs: {participation: each_party, scale: large, funding: external}
  - id: lite
    name: Lite prosjekt
    kind: project
    costs: {participation: each_party, scale: small, funding: own}
  - id: studien
    name: Studien
    kind: project
    costs: {work: Styret, funding: existing_budget}
rules:
  - {id: C1, category: economy, modality: descriptive, source: X, text: kvar part dekkjer sitt,
     check: {kind: costs, body: gruppa, body_kind: project, participation: each_party}}
  - {id: C2, category: economy, modality: bør, source: X, text: større prosjekt eksternt,
     check: {kind: costs, body_kind: project, scale: large, funding: external}}
  - {id: C3, category: economy, modality: descriptive, source: X, text: styret betaler,
     check: {kind: costs, body: studien, work: styret, funding: existing_budget}}
"""


def found_costs(text: str) -> list[tuple[str | None, str, str]]:
    return sorted(
        (f.rule, f.code, f.severity.value) for f in samhandling.loads(text).validate() if f.code.startswith("costs")
    )


def test_costs_who_pays_and_from_what() -> None:
    """Who pays for taking part and for the work, and from what means (S0-R7, S1-R6, S0-R8)."""
    # The study names no participation payer: C1 asks every project, so the study is «costs-missing».
    assert found_costs(COSTS) == [("C1", "costs-missing", "error")]
    clean = COSTS.replace("costs: {work: Styret,", "costs: {participation: each_party, work: Styret,")
    assert found_costs(clean) == []
    # A municipality paying for the others, a large project on its own money, the study paid by Kommune A.
    broken = (
        clean.replace("costs: {participation: each_party}", "costs: {participation: Kommune A}")
        .replace("each_party, scale: large, funding: external", "each_party, scale: large, funding: own")
        .replace("work: Styret", "work: a")
    )
    assert found_costs(broken) == [
        ("C1", "costs-mismatch", "error"),
        ("C2", "costs-mismatch", "warning"),
        ("C3", "costs-mismatch", "error"),
    ]
    messages = " ".join(f.message for f in samhandling.loads(broken).validate() if f.code == "costs-mismatch")
    assert "Deltakingskostnadene for Gruppa: Kommune A; regelen: hver part selv" in messages
    assert "Finansieringen for Stort prosjekt: partenes egne midler; regelen: eksterne midler" in messages
    assert "Kostnadene ved arbeidet for Studien: Kommune A; regelen: Styret" in messages
    # Only large projects are asked for external funding: the small one on its own money is fine.
    assert "Lite prosjekt" not in messages
    # A payer that is neither each_party, a body nor a party is an error of the data; a bad rule is invalid.
    unknown = clean.replace("work: Styret", "work: Fylket")
    assert [f.code for f in samhandling.loads(unknown).validate() if f.code == "unknown-payer"] == ["unknown-payer"]
    for bad in ("work: fylket", "funding: gratis", "scale: stor"):
        text = clean.replace("work: styret, funding: existing_budget", bad)
        assert [f.code for f in samhandling.loads(text).validate() if f.rule == "C3"] == ["invalid-check"], bad


def test_costs_are_read_with_located_errors() -> None:
    from samhandling.errors import SchemaError

    for old, new, needle in (
        ("funding: own}", "funding: gratis}", "funding: gratis"),
        ("costs: {participation: each_party}", "costs: {participation: each_party, payer: a}", "payer: a"),
    ):
        text = COSTS.replace(old, new)
        with pytest.raises(SchemaError) as err:
            samhandling.loads(text)
        assert err.value.location is not None and err.value.location.line == line_of(text, needle)
    s = samhandling.loads(COSTS)
    assert s.body("stort").costs is not None and s.body("stort").costs.funding.value == "external"


def test_sor_rogaland_tmgs_serve_the_four_priority_groups() -> None:
    from samhandling.structure.priorities import priority_groups

    s = samhandling.load("sor-rogaland")
    groups = priority_groups(s)
    assert groups is not None
    assert {g.id: g.bodies for g in groups.groups} == {
        "barn-unge": ("tmg-barn-unge",),
        "psykisk-rus": ("tmg-psykisk-rus",),
        "skropelige-eldre": ("tmg-skropelige-eldre",),
        "kroniske": ("tmg-kroniske",),
    }
    assert [f for f in s.validate() if f.rule == "S3-TMG-grupper"] == []
    text, findings = variant(
        "sor-rogaland",
        "{id: kroniske, name: personer med flere kroniske lidelser, bodies: [tmg-kroniske]}",
        "{id: kroniske, name: personer med flere kroniske lidelser}",
    )
    found = [f for f in findings if f.rule == "S3-TMG-grupper"]
    assert [(f.code, f.severity) for f in found] == [("priority-group-unserved", Severity.ERROR)]
    assert found[0].location is not None and found[0].location.line == line_of(text, "{id: kroniske")


def test_sor_rogaland_fsu_titles_are_those_of_the_page() -> None:
    """S3-R9: «kommuneklusterne (kommunaldirektør/kommunalsjef) og helseforetaket (klinikksjef/avdelingssjef)»."""
    assert [f for f in samhandling.load("sor-rogaland").validate() if f.rule == "S3-R9-titles"] == []
    text, findings = variant("sor-rogaland", SOR_FSU_HF, SOR_FSU_HF.replace("klinikksjef/avdelingssjef", "rådgiver"))
    found = [f for f in findings if f.rule == "S3-R9-titles"]
    assert [(f.code, f.severity) for f in found] == [("title-not-allowed", Severity.ERROR)]
    assert found[0].location is not None and found[0].location.line == line_of(text, "title: rådgiver")


def test_show_lists_costs_and_priority_groups(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from samhandling.cli import main

    path = tmp_path / "grupper.yaml"
    path.write_text(
        GROUPS.replace("MODALITY", "bør").replace(
            "kind: strategic_committee, power: decides,",
            "kind: strategic_committee, power: decides, costs: {participation: each_party, funding: own},",
        ),
        encoding="utf-8",
    )
    assert main(["show", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    groups = {g["id"]: g for g in data["priority_groups"]["groups"]}
    assert groups["born"]["bodies"] == ["tmg-born"] and groups["kroniske"]["bodies"] == []
    assert groups["rus"]["items"] == [{"title": "Konferanse om rus", "date": "2024-06-12", "source": "X"}]
    ssu = next(b for b in data["bodies"] if b["id"] == "ssu")
    assert ssu["costs"] == {"participation": "each_party", "work": None, "funding": "own", "scale": None}
    assert main(["show", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Prioriterte grupper (Planen)" in out and "Konferanse om rus (2024-06-12)" in out
    assert next(line for line in out.splitlines() if line.startswith("flere kroniske lidelser")).split()[-1] == "ingen"
    assert "hver part selv" in out and "partenes egne midler" in out
    # A section that cannot be read does not stop `show`: it says why.
    path.write_text(GROUPS.replace("MODALITY", "bør").replace("bodies: [TMG born]", "bodies: [TMG ukjent]"), "utf-8")
    assert main(["show", str(path)]) == 0
    assert "kan ikke leses: [unknown-body]" in capsys.readouterr().out
