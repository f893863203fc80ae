"""Meetings as records: created from the plan or ad hoc, agendas with case numbers, attendance, minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from samhandling.app.meetings import MeetingService
from samhandling.app.repository import CaseRepository
from samhandling.clock import FixedClock, use_clock
from samhandling.errors import MeetingError, MinutesRefusedError, SamhandlingError
from samhandling.meetings.minutes import DecisionInput, parse_decisions
from samhandling.meetings.model import Presence
from samhandling.meetings.numbering import format_case_number
from samhandling.store import open_store

SF = "sogn-og-fjordane"
MEMBERS = ["kommunane", "helse-forde", "fastlegar", "brukarar"]


def _all_for() -> dict[str, str]:
    """«For» from every party with a voting seat in SSU (positions from parties without one are refused)."""
    import datetime as dt

    from samhandling import load

    return {p.id: "for" for p in load(SF).voting_parties("ssu", dt.date(2024, 2, 29))}


ALL_FOR = _all_for()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def svc(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MeetingService]:
    url = str(tmp_path / "m.db") if request.param == "sqlite" else str(request.getfixturevalue("pg_url"))
    store = open_store(url)
    with use_clock(FixedClock(dt.date(2024, 12, 31))):
        yield MeetingService(CaseRepository(store))
    store.close()


def _events(svc: MeetingService, case_id: str) -> int:
    return len(svc.repo.history(case_id))


def test_case_number_pattern() -> None:
    assert format_case_number(1, 2024) == "Sak 01/24"
    assert format_case_number(12, 2021, "Sak NN-ÅÅ") == "Sak 12-21"
    assert format_case_number(7, 2024, "NNN/ÅÅÅÅ") == "007/2024"
    with pytest.raises(SamhandlingError) as err:
        format_case_number(1, 2024, "Sak")
    assert err.value.code == "bad-case-number-pattern"


def test_sogn_og_fjordane_2024(svc: MeetingService) -> None:
    made = svc.create_from_plan(SF, year=2024)
    fsu = [m for m in made if m.body == "fsu"]
    ssu = [m for m in made if m.body == "ssu"]
    assert [m.date for m in fsu] == [
        dt.date(2024, 2, 14),
        dt.date(2024, 5, 16),
        dt.date(2024, 9, 5),
        dt.date(2024, 11, 7),
    ]
    assert [m.date for m in ssu] == [
        dt.date(2024, 2, 29),
        dt.date(2024, 5, 30),
        dt.date(2024, 10, 3),
        dt.date(2024, 12, 5),
    ]
    assert svc.create_from_plan(SF, year=2024) == []  # idempotent: nothing twice

    repo = svc.repo
    a = repo.create(SF, "fsu-ssu-sak", "Sak A", on=dt.date(2024, 1, 10)).id
    b = repo.create(SF, "fsu-ssu-sak", "Sak B", on=dt.date(2024, 2, 1)).id
    c = repo.create(SF, "fsu-ssu-sak", "Sak C", on=dt.date(2024, 2, 20)).id

    # FSU 14.02: A and B were ready; C came after the meeting.
    proposal = svc.propose("fsu-2024-02-14")
    assert {x.case_id for x in proposal.ready} == {a, b}
    assert [x.case_id for x in proposal.late] == [c]
    items = svc.add_proposed("fsu-2024-02-14")
    assert [i.case_number for i in items] == ["Sak 01/24", "Sak 02/24"]
    svc.open("fsu-2024-02-14", present=MEMBERS)
    svc.record_minutes(
        "fsu-2024-02-14",
        [DecisionInput("Sak 01/24", "tilrå saka"), DecisionInput("02/24", "recommend", remark="Tilrådd")],
        close=True,
    )
    first = items[0].case_id
    assert first is not None
    last = repo.load(first).history[-1]
    assert (last.act, last.body, last.on) == ("recommend", "fsu", dt.date(2024, 2, 14))
    assert last.payload["meeting"] == "fsu-2024-02-14" and last.payload["case_number"] == "Sak 01/24"

    # An extraordinary FSU on 1 March recommends C: too late for SSU 29.02.
    extra = svc.create(SF, "FSU", dt.date(2024, 3, 1))
    assert extra.kind.value == "extraordinary"
    assert svc.add_case(extra.meeting_id, c).case_number == "Sak 03/24"
    svc.record_minutes(extra.meeting_id, [DecisionInput("Sak 03/24", "recommend")], close=True)

    ssu_feb = svc.propose("ssu-2024-02-29")
    assert {x.case_id for x in ssu_feb.ready} == {a, b}  # exactly the cases ready by the deadline
    assert [x.case_id for x in ssu_feb.late] == [c]
    assert all(x.act == "decide" for x in ssu_feb.ready)
    ssu_items = svc.add_proposed("ssu-2024-02-29")
    assert [i.case_number for i in ssu_items] == ["Sak 01/24", "Sak 02/24"]  # per body: SSU counts from 1
    svc.open("ssu-2024-02-29", present=MEMBERS)
    svc.record_minutes(
        "ssu-2024-02-29", [DecisionInput(i.case_number, "vedta saka", positions=ALL_FOR) for i in ssu_items], close=True
    )
    assert repo.load(a).state == repo.load(b).state == "vedteke"

    # C at SSU 30.05
    assert [x.case_id for x in svc.propose("ssu-2024-05-30").ready] == [c]
    (item,) = svc.add_proposed("ssu-2024-05-30")
    assert item.case_number == "Sak 03/24"
    svc.record_minutes("ssu-2024-05-30", [DecisionInput(item.case_number, "decide", positions=ALL_FOR)])
    assert repo.load(c).state == "vedteke"

    numbers = [(m.body, i.case_number) for m in svc.meetings(year=2024) for i in m.items]
    assert len(numbers) == len(set(numbers)) == 6


def test_removed_number_is_never_reused(svc: MeetingService) -> None:
    svc.create_from_plan(SF, body="SSU", year=2024)
    one = svc.add_information("ssu-2024-02-29", "Orientering om økonomi")
    two = svc.add_information("ssu-2024-02-29", "Orientering om avtalar")
    svc.remove("ssu-2024-02-29", two.case_number)
    three = svc.add_information("ssu-2024-02-29", "Ny sak")
    assert [one.case_number, two.case_number, three.case_number] == ["Sak 01/24", "Sak 02/24", "Sak 03/24"]
    assert [i.case_number for i in svc.get("ssu-2024-02-29").agenda] == ["Sak 01/24", "Sak 03/24"]
    # the next meeting of the same body and year goes on counting
    assert svc.add_information("ssu-2024-05-30", "Neste").case_number == "Sak 04/24"
    with pytest.raises(MeetingError) as err:
        svc.remove("ssu-2024-02-29", "Sak 02/24")
    assert err.value.code == "unknown-item"


def test_pattern_from_structure_setting(svc: MeetingService, tmp_path: Path) -> None:
    path = tmp_path / "liten.yaml"
    path.write_text(
        "structure: liten\nname: Liten\nsettings: {case_number_pattern: 'Sak NN-ÅÅ'}\n"
        "parties:\n  - {id: a, name: A, kind: municipality}\n  - {id: b, name: B, kind: health_trust}\n"
        "bodies:\n  - {id: styre, name: Styret, kind: board, power: decides, decision_rule: consensus,\n"
        "     members: [{party: a}, {party: b}]}\n"
        "meetings:\n  - {body: styre, date: 2021-03-01}\n",
        encoding="utf-8",
    )
    (m,) = svc.create_from_plan(str(path))
    assert svc.add_information(m.meeting_id, "Første").case_number == "Sak 01-21"


def test_attendance_deputy_counts_once(svc: MeetingService) -> None:
    svc.create_from_plan(SF, body="SSU", year=2024)
    m = svc.open(
        "ssu-2024-02-29",
        present=["kommunane", "Helse Førde"],
        deputies={"Kari Vara": "kommunane", "Ola Vara": "fastlegar"},
        observers=[],
    )
    assert m.present_voting == ["kommunane", "helse-forde", "fastlegar"]  # the deputy for Kommunane counts once
    by_party = {a.party: a.presence for a in m.attendance}
    assert by_party == {
        "kommunane": Presence.MEMBER,
        "helse-forde": Presence.MEMBER,
        "fastlegar": Presence.DEPUTY,
        "brukarar": Presence.ABSENT,
    }
    with pytest.raises(MeetingError) as err:
        svc.open("ssu-2024-05-30", present=["Sogndal"])  # a party without a seat in SSU
    assert err.value.code == "not-a-member"


def _ready_for_ssu(svc: MeetingService, n: int, structure: str = SF) -> list[str]:
    svc.create_from_plan(structure, year=2024)
    ids = [svc.repo.create(structure, "fsu-ssu-sak", f"Sak {i}", on=dt.date(2024, 1, 10)).id for i in range(n)]
    svc.add_proposed("fsu-2024-02-14")
    svc.record_minutes(
        "fsu-2024-02-14", [DecisionInput(i.case_number, "recommend") for i in svc.get("fsu-2024-02-14").agenda]
    )
    svc.add_proposed("ssu-2024-02-29")
    return ids


def test_minutes_all_or_nothing(svc: MeetingService) -> None:
    a, b, c = _ready_for_ssu(svc, 3)
    before = {x: _events(svc, x) for x in (a, b, c)}
    decisions = [
        DecisionInput("Sak 01/24", "decide", positions=ALL_FOR, remark="Vedteke"),
        DecisionInput("Sak 02/24", "decide", positions={"kommunane": "for"}),  # positions missing
        DecisionInput("Sak 03/24", "recommend"),  # SSU may not recommend; the case is past that
        DecisionInput("Sak 09/24", "decide"),  # not on the agenda
    ]
    with pytest.raises(MinutesRefusedError) as err:
        svc.record_minutes("ssu-2024-02-29", decisions)
    refusals = err.value.details["refusals"]
    assert {r["case_number"] for r in refusals} == {"Sak 02/24", "Sak 03/24", "Sak 09/24"}
    assert "positions-missing" in {r["code"] for r in refusals}
    assert {x: _events(svc, x) for x in (a, b, c)} == before  # nothing stored, not even the valid decision
    assert all(i.decision is None for i in svc.get("ssu-2024-02-29").items)
    assert err.value.code == "minutes-refused"


def test_too_few_present_refuses_by_code(svc: MeetingService, tmp_path: Path) -> None:
    # Sogn og Fjordane's SSU with a quorum: half of the parties that count must attend (AUTH's completion rules)
    from samhandling.structure.loader import BUNDLED_DIR

    text = (BUNDLED_DIR / f"{SF}.yaml").read_text(encoding="utf-8")
    assert "    decision_rule: {setting: ssu_decision_rule}" in text
    own = tmp_path / f"{SF}.yaml"
    own.write_text(
        text.replace(
            "    decision_rule: {setting: ssu_decision_rule}", "    decision_rule: {kind: consensus, quorum: 1/2}"
        ),
        encoding="utf-8",
    )
    (a,) = _ready_for_ssu(svc, 1, str(own))
    svc.open("ssu-2024-02-29", present=["Helse Førde"])
    with pytest.raises(MinutesRefusedError) as err:
        svc.record_minutes("ssu-2024-02-29", [DecisionInput("Sak 01/24", "decide", positions={"helse-forde": "for"})])
    assert "no-quorum" in {r["code"] for r in err.value.details["refusals"]}
    assert svc.repo.load(a).state == "tilrådd"


def test_present_is_recorded_and_closed_meeting_is_final(svc: MeetingService) -> None:
    (a,) = _ready_for_ssu(svc, 1)
    svc.open("ssu-2024-02-29", present=MEMBERS)
    svc.record_minutes("ssu-2024-02-29", [DecisionInput("Sak 01/24", "decide", positions=ALL_FOR)], close=True)
    last = svc.repo.load(a).history[-1]
    # the seated cluster «Kommunane» stands for every municipality that counts in SSU (the engine records ids)
    from samhandling import PartyKind, load

    day = dt.date(2024, 2, 29)
    municipalities = [p.id for p in load(SF).parties if p.kind is PartyKind.MUNICIPALITY and p.period.contains(day)]
    assert municipalities and list(last.payload["present"]) == [*municipalities, *MEMBERS[1:]]
    with pytest.raises(MeetingError) as err:
        svc.add_information("ssu-2024-02-29", "For seint")
    assert err.value.code == "meeting-closed"


def test_decision_files_yaml_and_csv() -> None:
    yaml_text = "decisions:\n  - {sak: Sak 01/24, handling: vedta saka, standpunkt: 'A=for, B=mot', vedtak: Ja}\n"
    (d,) = parse_decisions(yaml_text, "v.yaml")
    assert (d.case_number, d.act, d.positions, d.remark) == ("Sak 01/24", "vedta saka", {"A": "for", "B": "mot"}, "Ja")
    csv_text = "sak,handling,standpunkt,vedtak\nSak 02/24,decide,A=for; B=for,Vedteke\n"
    (e,) = parse_decisions(csv_text, "v.csv")
    assert (e.case_number, e.act, e.positions) == ("Sak 02/24", "decide", {"A": "for", "B": "for"})
    with pytest.raises(SamhandlingError) as err:
        parse_decisions("- {handling: decide}\n", "v.yaml")
    assert err.value.code == "missing-key" and "v.yaml" in str(err.value)
    with pytest.raises(SamhandlingError) as err:
        parse_decisions("- {sak: 1, hva: x}\n", "v.yaml")
    assert err.value.code == "unknown-key"


def test_innkalling_and_protokoll(svc: MeetingService) -> None:
    pytest.importorskip("fpdf")
    pypdf = pytest.importorskip("pypdf")
    import io

    from samhandling.render.minutes import to_html, to_pdf

    _ready_for_ssu(svc, 2)
    svc.add_information("ssu-2024-02-29", "Orientering <om> & økonomi")
    svc.send_notice("ssu-2024-02-29", dt.date(2024, 2, 15), by="helse-forde")
    svc.open("ssu-2024-02-29", present=MEMBERS[:3], deputies={"Ola Vara": "brukarar"})
    svc.record_minutes(
        "ssu-2024-02-29",
        [
            DecisionInput("Sak 01/24", "decide", positions={**ALL_FOR, "brukarar": "imot"}, remark="SSU vedtek saka"),
        ],
        minute_taker="kommunane",
    )
    m = svc.get("ssu-2024-02-29")
    s = svc.structure_of(m)
    page = to_html(m, s, minutes=True)
    assert f"Innkalt av: {s.party('helse-forde').name}." in page  # who convened and who wrote the minutes (S0-R5)
    assert f"Referent: {s.party('kommunane').name}." in page
    assert "Referent:" not in to_html(m, s, minutes=False)
    assert "Orientering &lt;om&gt; &amp; økonomi" in page and "<om>" not in page
    assert "SSU vedtek saka" in page and "Ola Vara for" in page
    assert "Dissens: Brukarrepresentantar." in page  # a position against, by its name
    for kind in (False, True):
        reader = pypdf.PdfReader(io.BytesIO(to_pdf(m, s, minutes=kind)))
        text = " ".join(p.extract_text() for p in reader.pages)
        for item in m.agenda:
            assert item.case_number in text


SMALL = """structure: liten
name: Liten
sources:
  S1: {title: Vedtekter}
parties:
  - {id: a, name: A, kind: municipality}
  - {id: b, name: B, kind: health_trust}
bodies:
  - {id: styre, name: Styret, kind: strategic_committee, power: decides, decision_rule: consensus,
     members: [{party: a}, {party: b}]}
processes: [{name: vedtak, file: vedtak.yaml}]
meetings:
  - {body: styre, date: 2024-03-20}
meeting_rules:
  - {id: frist,
     category: agenda_deadline, modality: descriptive, source: S1, text: Frist, check: {kind: submission_deadline, body: styre, days: 10}}
  - {id: innkalling,
     category: agenda_deadline, modality: descriptive, source: S1, text: Innkalling, check: {kind: agenda_deadline, body: styre, days: 7}}
"""
PROCESS = """process: vedtak
version: "1"
title: Vedtak
initial: ny
states:
  - {name: ny, label: Ny}
  - {name: vedteke, label: Vedteke, final: true}
acts:
  - {name: decide, label: vedta, kind: decide, from: ny, to: vedteke, by: {body: styre}}
"""


def test_submission_deadline_of_an_own_structure(svc: MeetingService, tmp_path: Path) -> None:
    path = tmp_path / "liten.yaml"
    path.write_text(SMALL, encoding="utf-8")
    (tmp_path / "vedtak.yaml").write_text(PROCESS, encoding="utf-8")
    (m,) = svc.create_from_plan(str(path))
    assert m.meeting_id == "styre-2024-03-20"
    on_time = svc.repo.create(str(path), "vedtak", "I tide", on=dt.date(2024, 3, 10)).id
    late = svc.repo.create(str(path), "vedtak", "For seint", on=dt.date(2024, 3, 11)).id
    proposal = svc.propose(m.meeting_id)
    assert proposal.deadline == dt.date(2024, 3, 10) and proposal.days == 10  # 10 calendar days before 20.03
    assert [c.case_id for c in proposal.ready] == [on_time]
    assert [c.case_id for c in proposal.late] == [late]
    assert svc.send_notice(m.meeting_id, dt.date(2024, 3, 13)) is None
    warning = svc.send_notice(m.meeting_id, dt.date(2024, 3, 14))
    assert warning is not None and "fristen var 2024-03-13" in warning
    svc.add_proposed(m.meeting_id)
    svc.open(m.meeting_id, present=["A", "B"])
    svc.record_minutes(m.meeting_id, [DecisionInput("Sak 01/24", "vedta", positions={"a": "for", "b": "for"})])
    assert svc.repo.load(on_time).state == "vedteke"


def test_numbers_are_never_reused_property() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from samhandling.store.sql import SqlStore

    ops = st.lists(
        st.tuples(st.sampled_from(["add", "remove"]), st.integers(0, 3), st.integers(0, 20)), min_size=1, max_size=25
    )

    @settings(max_examples=25, deadline=None)
    @given(ops)
    def check(steps: list[tuple[str, int, int]]) -> None:
        with use_clock(FixedClock(dt.date(2024, 12, 31))):
            svc = MeetingService(CaseRepository(SqlStore("sqlite:///:memory:")))
            meetings = [m.meeting_id for m in svc.create_from_plan(SF, body="SSU", year=2024)]
            given_out: list[str] = []
            for op, which, pick in steps:
                mid = meetings[which]
                if op == "add":
                    given_out.append(svc.add_information(mid, f"Sak {pick}").case_number)
                else:
                    agenda = svc.get(mid).agenda
                    if agenda:
                        svc.remove(mid, agenda[pick % len(agenda)].case_number)
            assert given_out == [format_case_number(n, 2024) for n in range(1, len(given_out) + 1)]
            stored = [i.case_number for m in svc.meetings() for i in m.items]
            assert sorted(stored) == sorted(given_out)  # removed items keep their numbers

    check()


def test_a_decided_item_is_not_decided_again(svc: MeetingService) -> None:
    _ready_for_ssu(svc, 2)
    first, second = (i.case_id for i in svc.get("ssu-2024-02-29").agenda)
    assert first is not None and second is not None
    twice = [DecisionInput("Sak 01/24", "decide", positions=ALL_FOR), DecisionInput("Sak 01/24", "send_back")]
    with pytest.raises(MinutesRefusedError) as err:
        svc.record_minutes("ssu-2024-02-29", twice)
    assert [r["code"] for r in err.value.details["refusals"]] == ["already-decided"]
    svc.record_minutes("ssu-2024-02-29", twice[:1])
    with pytest.raises(MinutesRefusedError) as err:
        svc.record_minutes("ssu-2024-02-29", [DecisionInput("Sak 01/24", "send_back")])
    assert [r["code"] for r in err.value.details["refusals"]] == ["already-decided"]
    assert svc.repo.load(first).state == "vedteke" and svc.repo.load(second).state == "tilrådd"
