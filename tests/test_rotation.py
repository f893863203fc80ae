"""Rotations to a dated schedule: half-yearly chairs, yearly leaders, two-year TMG leadership."""

from __future__ import annotations

import datetime as dt

import pytest

from samhandling import SchemaError, loads
from samhandling.time.rotation import add_months, holder, rotations, schedule
from time_fixtures import structure_text

D = dt.date

NETWORKS = """\
rotations:
  - {id: follo, body: follo, roles: [chair, minute_taker], period: half_year, start: 2024-01-01,
     order: [Enebakk, Ås, Nesodden]}
  - {id: nrg, body: nrg, roles: [chair, minute_taker], period: half_year, start: 2024-01-01,
     order: [Enebakk, Nittedal, Gjerdrum]}
"""


def _table(text: str, until: dt.date, **kw: object) -> list[tuple[str, str, str, str]]:
    return [(a.rotation, a.start.isoformat(), a.role, a.holder) for a in schedule(loads(text), until, **kw)]  # type: ignore[arg-type]


def test_half_yearly_chair_and_minute_taker_rotate_among_the_municipalities() -> None:
    text = structure_text(
        extra="rotations:\n  - {id: f, body: follo, roles: [chair, minute_taker], "
        "period: half_year, start: 2024-01-01}\n"
    )
    rows = _table(text, D(2025, 12, 31))
    # Default order: the body's municipal members in file order (Enebakk, Ås, Nesodden); Ahus never.
    assert rows == [
        ("f", "2024-01-01", "chair", "enebakk"),
        ("f", "2024-01-01", "minute_taker", "as"),
        ("f", "2024-07-01", "chair", "as"),
        ("f", "2024-07-01", "minute_taker", "nesodden"),
        ("f", "2025-01-01", "chair", "nesodden"),
        ("f", "2025-01-01", "minute_taker", "enebakk"),
        ("f", "2025-07-01", "chair", "enebakk"),
        ("f", "2025-07-01", "minute_taker", "as"),
    ]
    assert all(h != "ahus" for *_, h in rows)


def test_enebakk_is_not_double_assigned_in_the_same_half_year() -> None:
    rows = _table(structure_text(extra=NETWORKS), D(2024, 12, 31))
    first = [r for r in rows if r[1] == "2024-01-01"]
    assert first == [
        ("follo", "2024-01-01", "chair", "enebakk"),
        ("follo", "2024-01-01", "minute_taker", "as"),
        ("nrg", "2024-01-01", "chair", "nittedal"),
        ("nrg", "2024-01-01", "minute_taker", "gjerdrum"),
    ]
    # Enebakk, skipped in NRG, stays first in line there and chairs once Follo has moved on.
    second = [r for r in rows if r[1] == "2024-07-01"]
    assert ("nrg", "2024-07-01", "chair", "enebakk") in second
    assert ("follo", "2024-07-01", "minute_taker", "enebakk") not in second
    for start in {r[1] for r in rows}:
        holders = [r[3] for r in rows if r[1] == start]
        assert holders.count("enebakk") <= 1


def test_a_setting_allows_double_assignment() -> None:
    text = structure_text(extra=NETWORKS + "meeting_rules:\n  settings: {allow_double_assignment: true}\n  rules: []\n")
    first = [a for a in schedule(loads(text), D(2024, 1, 1))]
    assert [(a.rotation, a.role, a.holder, a.double) for a in first if a.role == "chair"] == [
        ("follo", "chair", "enebakk", False),
        ("nrg", "chair", "enebakk", True),
    ]
    assert [
        a.holder
        for a in schedule(loads(structure_text(extra=NETWORKS)), D(2024, 1, 1), allow_double_assignment=True)
        if a.role == "chair"
    ] == ["enebakk", "enebakk"]


def test_yearly_leader_in_alphabetical_order() -> None:
    text = structure_text(
        extra="rotations:\n  - {id: l, body: nrg, role: leader, period: year, start: 2012-03-30, order: alphabetical}\n"
    )
    s = loads(text)
    assert [a.holder for a in schedule(s, D(2014, 12, 31))] == ["enebakk", "gjerdrum", "nittedal"]
    assert holder(s, "l", "leader", D(2013, 3, 29)) == "enebakk"
    assert holder(s, "l", "leader", D(2013, 3, 30)) == "gjerdrum"
    assert holder(s, "l", "leader", D(2012, 3, 29)) is None


def test_two_year_side_leadership_alternates_unless_the_setting_says_not() -> None:
    extra = """\
settings:
  tmg_leadership_alternates: {value: %s}
rotations:
  - {id: tmg, kind: side, bodies: [TMG, FSU], period: two_years, start: 2024-01-01,
     initial: {TMG: hospital, FSU: municipal}, alternate_setting: tmg_leadership_alternates}
"""
    rows = [
        (a.body, a.start.year, a.holder) for a in schedule(loads(structure_text(extra=extra % "true")), D(2027, 1, 1))
    ]
    assert rows == [
        ("tmg", 2024, "hospital"),
        ("fsu", 2024, "municipal"),
        ("tmg", 2026, "municipal"),
        ("fsu", 2026, "hospital"),
    ]
    rows = [
        (a.body, a.start.year, a.holder) for a in schedule(loads(structure_text(extra=extra % "false")), D(2027, 1, 1))
    ]
    assert [h for *_, h in rows] == ["hospital", "municipal", "hospital", "municipal"]


@pytest.mark.parametrize(
    ("rotation", "message"),
    [
        (
            "{id: x, body: follo, period: half_year, start: 2024-01-01, order: [Ahus, Ås]}",
            "Ahus er ikke på kommunesiden",
        ),
        ("{id: x, body: follo, period: weekly, start: 2024-01-01}", "ugyldig «period» «weekly»"),
        ("{id: x, body: follo, period: year}", "mangler «start»"),
        (
            "{id: x, body: follo, roles: [chair, minute_taker], period: year, start: 2024-01-01, order: [Ås]}",
            "1 kandidater, men 2 roller",
        ),
    ],
)
def test_bad_rotations_are_refused_with_a_location(rotation: str, message: str) -> None:
    s = loads(structure_text(extra=f"rotations:\n  - {rotation}\n"), filename="r.yaml")
    with pytest.raises(SchemaError) as info:
        rotations(s)
    assert message in info.value.message
    assert info.value.location is not None and info.value.location.file == "r.yaml"


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(D(2024, 8, 31), 6) == D(2025, 2, 28)
    assert add_months(D(2023, 8, 29), 6) == D(2024, 2, 29)


def test_merged_municipalities_get_no_turns_after_they_are_gone() -> None:
    """The Faggruppe rotation gave 2020-21 turns to Balestrand and Leikanger, merged into Sogndal in 2020."""
    import samhandling

    s = samhandling.load("faggruppe-sogn")
    turns = [(a.start.year, a.holder) for a in schedule(s, dt.date(2026, 12, 31))]
    gone = {"balestrand", "leikanger"}
    assert all(year < 2020 for year, holder in turns if holder in gone)
    after = [holder for year, holder in turns if year >= 2020]
    assert after and not gone & set(after)
    # Every turn goes to a party that exists and sits in the faggruppe on the first day of its period.
    for a in schedule(s, dt.date(2026, 12, 31)):
        assert s.party(a.holder).period.contains(a.start)


def test_an_observer_gets_no_turn_in_a_rotation_among_the_members() -> None:
    text = """\
structure: observatorar
name: Observatørar
parties:
  - {id: aurland, name: Aurland, kind: municipality}
  - {id: laerdal, name: Lærdal, kind: municipality}
  - {id: vik, name: Vik, kind: municipality}
bodies:
  - id: gruppa
    name: Faggruppa
    kind: working_group
    members:
      - {party: aurland}
      - {party: vik, rights: observer}
      - {party: laerdal}
rotations:
  - {id: l, body: gruppa, role: leader, period: year, start: 2024-01-01, order: alphabetical}
"""
    s = loads(text)
    assert [p.id for p in s.member_parties("gruppa")] == ["aurland", "vik", "laerdal"]
    assert [a.holder for a in schedule(s, D(2027, 12, 31))] == ["aurland", "laerdal", "aurland", "laerdal"]
