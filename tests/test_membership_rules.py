"""Exclusivity and coverage rules (issue 12 item 5) and «from each municipality» against the member list (item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from samhandling import load, loads
from samhandling.structure.loader import BUNDLED_DIR

TWO_SSU = """
structure: to-ssu
name: To SSU
sources:
  X: {file: x.txt}
parties:
  - {id: a, name: Kommune A, kind: municipality}
  - {id: b, name: Kommune B, kind: municipality}
  - {id: c, name: Kommune C, kind: municipality}
  - {id: hf, name: HF, kind: health_trust}
bodies:
  - id: ssu-nedre
    name: SSU nedre
    kind: strategic_committee
    power: decides
    members: [{party: a}, {party: hf}]
  - id: ssu-ovre
    name: SSU øvre
    kind: strategic_committee
    power: decides
    members: [{party: b}, {party: hf}]
rules:
  - id: R1
    category: composition
    modality: skal
    source: X
    text: Kvar kommune er med i eitt av dei to utvala.
    check: {kind: exclusive_membership, bodies: [ssu-nedre, ssu-ovre], parties: municipalities}
"""


def codes(text: str, on: str | None = None) -> list[str]:
    import datetime as dt

    day = dt.date.fromisoformat(on) if on else None
    return [f.code for f in loads(text).validate(on=day) if f.rule]


def test_exclusive_membership_finds_none_and_several() -> None:
    assert codes(TWO_SSU) == ["member-of-none"]  # C sits in neither
    both = TWO_SSU.replace("members: [{party: b}, {party: hf}]", "members: [{party: b}, {party: c}, {party: a}]")
    found = [f for f in loads(both).validate() if f.rule == "R1"]
    assert [f.code for f in found] == ["member-of-several"]
    assert "Kommune A" in found[0].message and "SSU nedre" in found[0].message
    assert found[0].location is not None and found[0].location.line == 7  # the party's line
    clean = TWO_SSU.replace("members: [{party: b}, {party: hf}]", "members: [{party: b}, {party: c}]")
    assert codes(clean) == []


def test_exclusive_without_coverage_and_coverage_rule() -> None:
    no_cover = TWO_SSU.replace("parties: municipalities}", "parties: municipalities, coverage: false}")
    assert codes(no_cover) == []
    cover = TWO_SSU.replace("kind: exclusive_membership", "kind: coverage")
    assert codes(cover) == ["not-covered"]
    listed = cover.replace("parties: municipalities}", "parties: [a, b]}")
    assert codes(listed) == []


def test_parties_that_no_longer_exist_are_not_counted() -> None:
    gone = TWO_SSU.replace(
        "{id: c, name: Kommune C, kind: municipality}",
        "{id: c, name: Kommune C, kind: municipality, valid_to: 2019-12-31}",
    )
    assert codes(gone, "2021-01-01") == []
    assert codes(gone, "2019-01-01") == ["member-of-none"]


def test_bad_pool_is_an_invalid_check() -> None:
    bad = TWO_SSU.replace("parties: municipalities}", "parties: 7}")
    assert codes(bad) == ["invalid-check"] or "invalid-check" in [f.code for f in loads(bad).validate()]


def test_removing_a_municipality_from_the_faggruppe_is_found(tmp_path: Path) -> None:
    """«ein til to representantar frå kvar kommune» is checked against the regionråd's municipalities."""
    assert not [f for f in load("faggruppe-sogn").validate() if f.severity.value == "error"]
    text = (BUNDLED_DIR / "faggruppe-sogn.yaml").read_text(encoding="utf-8")
    cut = text.replace("      - {party: luster, count: 1, title: leiar innan helse og omsorg}\n", "", 1)
    assert cut != text
    path = tmp_path / "fg.yaml"
    path.write_text(cut, encoding="utf-8")
    found = [f for f in load(path).validate() if f.rule == "S0-R1"]
    assert [f.code for f in found] == ["party-missing"] and "Luster" in found[0].message


@pytest.mark.parametrize("pool", ["all", "municipalities", "{members_of: ssu-nedre}"])
def test_per_party_pools(pool: str) -> None:
    text = TWO_SSU.replace(
        "check: {kind: exclusive_membership, bodies: [ssu-nedre, ssu-ovre], parties: municipalities}",
        f"check: {{kind: per_party, body: ssu-ovre, side: municipal, min: 1, max: 1, parties: {pool}}}",
    )
    found = codes(text)
    assert found == (["party-missing"] if "members_of" in pool else ["party-missing", "party-missing"])


SEATS = """
structure: seter
sources:
  X: {file: x.txt}
parties:
  - {id: a, name: Kommune A, kind: municipality}
  - {id: b, name: Kommune B, kind: municipality}
  - {id: hf, name: HF, kind: health_trust}
  - {id: hf2, name: HF vara, kind: health_trust}
bodies:
  - id: u
    name: Utvalet
    kind: strategic_committee
    power: decides
    seats:
      - {side: municipal, count: 1, label: éin kommune}
      - {side: hospital, count: 1, label: eitt HF}
    members:
      - {party: a, role: leder}
      - {party: hf}
      - {party: b, role: leder, rights: observer}
      - {party: hf2, count: 2, rights: deputy, deputy_for: hf}
  - id: v
    name: Det andre utvalet
    kind: strategic_committee
    power: decides
    members:
      - {party: b}
      - {party: a, rights: observer}
rules:
  - {id: parity, category: c, modality: skal, source: X, text: t, check: {kind: parity, body: u}}
  - {id: seats, category: c, modality: skal, source: X, text: t, check: {kind: seats, body: u, side: municipal, max: 1}}
  - {id: hf-seats, category: c, modality: skal, source: X, text: t, check: {kind: seats, body: u, side: hospital, max: 1}}
  - {id: total, category: c, modality: skal, source: X, text: t, check: {kind: members_total, body: u, max: 2}}
  - {id: quota, category: c, modality: skal, source: X, text: t,
     check: {kind: leadership_quota, bodies: [u], per_side: 1, sides: [municipal]}}
  - {id: exclusive, category: c, modality: skal, source: X, text: t, check: {kind: exclusive_membership, bodies: [u, v]}}
  - {id: per-party, category: c, modality: skal, source: X, text: t,
     check: {kind: per_party, body: u, min: 1, max: 1, parties: municipalities}}
  - {id: pool, category: c, modality: skal, source: X, text: t,
     check: {kind: per_party, body: v, min: 0, max: 0, parties: {members_of: u}}}
  - {id: coverage, category: c, modality: skal, source: X, text: t, check: {kind: coverage, bodies: [u]}}
"""


def test_observers_and_deputies_never_count() -> None:
    """Parity, seats, totals, quotas, exclusivity, per-party pools and coverage count member seats only: B's
    observer seat and HF's two deputies (vara for HF) would break every one of these rules if they counted."""
    findings = [f for f in loads(SEATS).validate() if f.rule or f.code == "seat-count"]
    got = sorted((f.rule or "", f.code) for f in findings)
    # B holds only an observer seat in U: per party it is missing, and it does not cover U.
    assert got == [("coverage", "not-covered"), ("per-party", "party-missing")], got
    assert "Kommune B" in findings[0].message and "Kommune B" in findings[1].message
    # As members they count: B's seat breaks parity, the municipal seat limit, the total and the quota.
    as_members = SEATS.replace("{party: b, role: leder, rights: observer}", "{party: b, role: leder}")
    got = {(f.rule or f.code) for f in loads(as_members).validate() if f.rule or f.code == "seat-count"}
    assert got == {"parity", "seats", "total", "quota", "exclusive", "pool", "seat-count"}, got


def test_the_composition_steps_count_member_seats_only(tmp_path: Path) -> None:
    """The steps «har like mange representanter fra kommunene og helseforetaket» and «har N representanter fra
    "PART"» do not count B's observer seat nor HF's deputies."""
    from samhandling.bdd.steps import body_parity, body_seats
    from samhandling.bdd.world import World

    path = tmp_path / "seter.yaml"
    path.write_text(SEATS, encoding="utf-8")
    world = World(tmp_path)
    world.use_structure(str(path))
    body_parity(world, "Utvalet")
    body_seats(world, "Utvalet", "0", "Kommune B")
    body_seats(world, "Utvalet", "1", "helseforetakssiden")
    body_seats(world, "Utvalet", "0", "HF vara")
    path.write_text(SEATS.replace("{party: b, role: leder, rights: observer}", "{party: b, role: leder}"), "utf-8")
    world.use_structure(str(path))
    with pytest.raises(AssertionError, match="2 fra kommunesiden og 1 fra helseforetakssiden"):
        body_parity(world, "Utvalet")
    world.close()


def test_show_counts_member_seats_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """«medlemmer» in `show` is the member seats: Utvalet has A and HF, not B's observer seat nor HF's two deputies."""
    from samhandling.cli import main

    path = tmp_path / "seter.yaml"
    path.write_text(SEATS, encoding="utf-8")
    assert main(["show", str(path)]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("u "))
    assert row.split()[-1] == "2", row
