"""Who attends, stands in, convenes and is elected (issue 12 item 11): S2-R3 (attendance is mandatory), S2-R4
(a deputy may stand in), S0-R5 (the leader convenes and writes the minutes), S0-R3 with S0-R4 (the group elects
its leader, from the municipality whose turn it is).

Each rule on the bundled structure it comes from and on small structures written here, in a structure file's
``meetings:`` and in the meeting records of a store (``samhandling validate --db``).
"""

from __future__ import annotations

import copy
import datetime as dt
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import samhandling
from samhandling.app.check import check_structure
from samhandling.app.meetings import MeetingService
from samhandling.app.repository import CaseRepository
from samhandling.clock import FixedClock, use_clock
from samhandling.errors import MeetingError, MinutesRefusedError, SamhandlingError
from samhandling.meetings.attendance import build_attendance
from samhandling.meetings.minutes import DecisionInput
from samhandling.meetings.model import Presence
from samhandling.process.loader import get_process
from samhandling.store import open_store
from samhandling.structure.loader import BUNDLED_DIR
from samhandling.time.meeting_plan import meeting_findings

D = dt.date
AHUS = "ahus-forvaltningsnettverk"
SOGN = "faggruppe-sogn"
FOLLO_MUNICIPALITIES = ["Ås", "Nesodden", "Enebakk", "Nordre Follo", "Frogn"]


def _bundled(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((BUNDLED_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


def _with_meetings(name: str, *meetings: dict[str, Any]) -> samhandling.Structure:
    data = copy.deepcopy(_bundled(name))
    data.setdefault("meetings", []).extend(meetings)
    return samhandling.loads(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), f"{name}.yaml")


def _found(structure: samhandling.Structure, code: str) -> list[str]:
    return [f.message for f in structure.validate() if f.code == code]


# ---------------------------------------------------------------------------- S2-R3 attendance is mandatory


def test_a_network_meeting_with_one_municipality_absent_names_it_and_the_meeting() -> None:
    present = ["Ahus", *FOLLO_MUNICIPALITIES[:-1]]  # Frogn is not there
    s = _with_meetings(AHUS, {"body": "follo", "date": D(2025, 3, 10), "present": present})
    (message,) = _found(s, "member-absent")
    assert message.startswith("Frogn var ikke til stede") and "Folloregionen-møtet 2025-03-10" in message
    assert "S2-R3-tid" in message and "forpliktende deltakelse" in message
    finding = next(f for f in s.validate() if f.code == "member-absent")
    assert finding.rule == "S2-R3-tid" and finding.severity.value == "error"


def test_the_absent_municipalitys_deputy_standing_in_clears_the_finding() -> None:
    present = ["Ahus", *FOLLO_MUNICIPALITIES[:-1]]
    meeting = {"body": "follo", "date": D(2025, 3, 10), "present": present, "deputies": {"Kari Nordmann": "Frogn"}}
    s = _with_meetings(AHUS, meeting)
    assert _found(s, "member-absent") == []
    (recorded,) = [m for m in samhandling.time.meeting_plan.meeting_plan(s).meetings if m.body == "follo"]
    assert recorded.deputies == (("Kari Nordmann", "frogn"),)


def test_a_meeting_without_recorded_attendance_is_not_judged() -> None:
    s = _with_meetings(AHUS, {"body": "follo", "date": D(2025, 3, 10)})
    assert _found(s, "member-absent") == []


OWN_NETWORK = """
structure: eige-nettverk
name: Eit lite nettverk
sources:
  E: {title: Eige mandat}
parties:
  - {id: a, name: Aheim, kind: municipality}
  - {id: b, name: Bby, kind: municipality}
  - {id: c, name: Cvik, kind: municipality}
  - {id: hf, name: Helseføretaket, kind: health_trust}
bodies:
  - id: nett
    name: Nettverket
    kind: network
    members: [{party: a}, {party: b}, {party: c}, {party: hf}]
  - id: styre
    name: Styret
    kind: board
    members: [{party: a}]
meeting_rules:
  - id: OPPMOTE
    category: attendance
    modality: skal
    source: E
    text: Alle partar skal møte.
    check: {kind: attendance, body: nett, deputies: DEPUTIES}
meetings:
"""


def _own(meetings: str, deputies: str = "true") -> samhandling.Structure:
    return samhandling.loads(OWN_NETWORK.replace("DEPUTIES", deputies) + textwrap.indent(meetings, "  "), "eige.yaml")


def test_attendance_on_a_structure_of_our_own() -> None:
    s = _own(
        "- {body: nett, date: 2025-01-10, present: [Aheim, Bby, Cvik, Helseføretaket]}\n"
        "- {body: nett, date: 2025-02-10, present: [Aheim, Helseføretaket], deputies: {Per: Bby}}\n"
        "- {body: styre, date: 2025-02-11, present: []}\n"  # another body: the rule names nett only
    )
    assert _found(s, "member-absent") == [
        "Cvik var ikke til stede (verken selv eller ved stedfortreder) på Nettverket-møtet 2025-02-10 "
        "(regel OPPMOTE: «Alle partar skal møte.»)"
    ]
    assert [f.rule for f in s.validate() if f.code == "member-absent"] == ["OPPMOTE"]


def test_without_the_permission_a_stand_in_does_not_count() -> None:
    """S2-R4 is a permission: the same meeting is complete with it (deputies: true) and not without it."""
    meeting = "- {body: nett, date: 2025-02-10, present: [Aheim, Cvik, Helseføretaket], deputies: {Per: Bby}}\n"
    assert _found(_own(meeting, "true"), "member-absent") == []
    (message,) = _found(_own(meeting, "false"), "member-absent")
    assert message.startswith("Bby var ikke til stede (på eget sete)")


@pytest.mark.parametrize(
    ("meeting", "code", "words"),
    [
        ("present: [Aheim, Doby]", "unknown-party", "Doby"),
        ("present: [Aheim], deputies: {Per: Bby, Pål: Bby}", "deputy-twice", "både Per og Pål"),
    ],
)
def test_a_recorded_meeting_with_bad_attendance_is_refused_where_it_is(meeting: str, code: str, words: str) -> None:
    text = OWN_NETWORK.replace("DEPUTIES", "true") + f"  - {{body: nett, date: 2025-02-10, {meeting}}}\n"
    s = samhandling.loads(text, "eige.yaml")
    (finding,) = meeting_findings(s)
    assert finding.code == code and words in finding.message
    assert finding.location is not None and finding.location.line == text.count("\n")


def test_a_deputy_for_a_party_without_a_member_seat_is_refused_in_the_file() -> None:
    text = OWN_NETWORK.replace("DEPUTIES", "true") + "  - {body: styre, date: 2025-02-10, deputies: {Per: Bby}}\n"
    (finding,) = meeting_findings(samhandling.loads(text, "eige.yaml"))
    assert finding.code == "not-a-member" and "Bby har ikke medlemsplass i Styret" in finding.message


# ---------------------------------------------------------------------------- S2-R4 a deputy may stand in


@pytest.mark.parametrize(
    ("name", "body", "member", "outsider"),
    [
        (AHUS, "follo", "Frogn", "Nittedal"),  # Nittedal sits in another network
        ("own", "styre", "Aheim", "Bby"),  # Bby sits in Nettverket, not in Styret
    ],
)
def test_deputies_count_once_and_are_refused_for_no_seat_or_twice(
    name: str, body: str, member: str, outsider: str
) -> None:
    s = samhandling.load(AHUS) if name == AHUS else _own("")
    day = D(2025, 3, 10)
    entries = build_attendance(s, body, day, present=[member], deputies={"Kari": member})
    assert [e.voting_party for e in entries].count(
        s.party(member).id
    ) == 1  # the deputy for a present party adds nothing
    alone = build_attendance(s, body, day, deputies={"Kari": member})
    assert [(e.party, e.presence, e.person) for e in alone if e.voting_party] == [
        (s.party(member).id, Presence.DEPUTY, "Kari")
    ]
    with pytest.raises(MeetingError) as err:
        build_attendance(s, body, day, deputies={"Kari": outsider})
    assert err.value.code == "not-a-member" and s.party(outsider).name in err.value.message
    with pytest.raises(MeetingError) as err:
        build_attendance(s, body, day, deputies=[("Kari", member), ("Ola", member)])
    assert err.value.code == "deputy-twice"
    assert err.value.details["deputies"] == ["Kari", "Ola"]


def test_a_deputy_stands_in_for_an_absent_party_and_counts_as_it() -> None:
    s = samhandling.load(AHUS)
    entries = build_attendance(
        s, "follo", D(2025, 3, 10), present=["Ahus", "Ås", "Nesodden"], deputies={"Kari": "Frogn", "Per": "Ås"}
    )
    by_party = {e.party: (e.presence, e.person) for e in entries}
    assert by_party["frogn"] == (Presence.DEPUTY, "Kari")
    assert by_party["as"] == (Presence.MEMBER, None)  # Per stood in for a party that was there: counted once
    assert {p for p, (presence, _) in by_party.items() if presence is Presence.ABSENT} == {"enebakk", "nordre-follo"}


# ---------------------------------------------------------------------------- the store: validate --db


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[MeetingService]:
    store = open_store(str(tmp_path / "m.db"))
    with use_clock(FixedClock(D(2025, 12, 31))):
        yield MeetingService(CaseRepository(store))
    store.close()


def test_stored_attendance_is_judged_by_the_meeting_rules(svc: MeetingService) -> None:
    m = svc.create(AHUS, "follo", D(2025, 3, 10))
    svc.open(m.meeting_id, present=["Ahus", "Ås", "Nesodden", "Enebakk"], deputies={"Kari": "Frogn"})
    codes = [f.code for f in check_structure(AHUS, records=svc.meetings()).findings]
    assert codes.count("member-absent") == 1
    (message,) = [
        f.message for f in check_structure(AHUS, records=svc.meetings()).findings if f.code == "member-absent"
    ]
    assert message.startswith("Nordre Follo var ikke til stede") and "2025-03-10" in message
    svc.open(
        m.meeting_id, present=["Ahus", "Ås", "Nesodden", "Enebakk"], deputies={"Kari": "Frogn", "Per": "Nordre Follo"}
    )
    assert "member-absent" not in [f.code for f in check_structure(AHUS, records=svc.meetings()).findings]
    assert "member-absent" not in [f.code for f in check_structure(AHUS).findings]  # without the store: nothing


def test_two_deputies_for_one_party_are_refused_and_nothing_changes(svc: MeetingService) -> None:
    m = svc.create(AHUS, "follo", D(2025, 3, 10))
    with pytest.raises(MeetingError) as err:
        svc.open(m.meeting_id, present=["Ahus"], deputies={"Kari": "Frogn", "Ola": "Frogn"})
    assert err.value.code == "deputy-twice"
    assert svc.get(m.meeting_id).attendance == ()


def test_a_deputy_counts_once_in_the_quorum(svc: MeetingService, tmp_path: Path) -> None:
    """Completion: a deputy for a party that is itself present adds nothing to the quorum; one for an absent
    party counts as that party."""
    text = (BUNDLED_DIR / "sogn-og-fjordane.yaml").read_text(encoding="utf-8")
    own = tmp_path / "sogn-og-fjordane.yaml"
    own.write_text(
        text.replace(
            "    decision_rule: {setting: ssu_decision_rule}", "    decision_rule: {kind: consensus, quorum: 1/2}"
        ),
        encoding="utf-8",
    )
    with use_clock(FixedClock(D(2024, 12, 31))):
        svc.create_from_plan(str(own), year=2024)
        case = svc.repo.create(str(own), "fsu-ssu-sak", "Sak", on=D(2024, 1, 10)).id
        svc.add_proposed("fsu-2024-02-14")
        svc.record_minutes("fsu-2024-02-14", [DecisionInput("Sak 01/24", "recommend")])
        svc.add_proposed("ssu-2024-02-29")
        svc.open("ssu-2024-02-29", present=["Helse Førde"], deputies={"Kari": "Helse Førde"})
        with pytest.raises(MinutesRefusedError) as err:
            svc.record_minutes(
                "ssu-2024-02-29", [DecisionInput("Sak 01/24", "decide", positions={"helse-forde": "for"})]
            )
        assert "no-quorum" in {r["code"] for r in err.value.details["refusals"]}
        svc.open("ssu-2024-02-29", present=["Helse Førde"], deputies={"Kari": "Kommunane"})
        everyone = {p.id: "for" for p in samhandling.load(str(own)).voting_parties("ssu", D(2024, 2, 29))}
        svc.record_minutes("ssu-2024-02-29", [DecisionInput("Sak 01/24", "decide", positions=everyone)])
    assert svc.repo.load(case).state != "tilrådd"


def test_validate_db_reports_stored_attendance(svc: MeetingService, tmp_path: Path, capsys: Any) -> None:
    from samhandling.cli import main

    m = svc.create(AHUS, "follo", D(2025, 3, 10))
    svc.open(m.meeting_id, present=["Ahus", *FOLLO_MUNICIPALITIES[:-1]])
    db = str(tmp_path / "m.db")
    assert main(["validate", AHUS]) == 0
    capsys.readouterr()
    assert main(["validate", AHUS, "--db", db]) == 1
    out = capsys.readouterr().out
    assert "feil [member-absent] Frogn var ikke til stede" in out and "S2-R3-tid" in out


# ---------------------------------------------------------------------------- S0-R5 the leader convenes and writes


def test_notice_and_minutes_by_another_than_the_leader_name_the_leader() -> None:
    # 2013-06-01: Balestrand leads (rotation faggruppe-leiar, alphabetical from 30.03.2012)
    s = _with_meetings(
        SOGN, {"body": "faggruppe", "date": D(2013, 6, 4), "convened_by": "Vik", "minute_taker": "Luster"}
    )
    found = {f.rule: f.message for f in s.validate() if f.code == "duty-outside-rotation"}
    assert set(found) == {"S0-R5-innkalling", "S0-R5-referat"}
    assert "innkallingen var ved Vik, men Balestrand skulle ha gjort det" in found["S0-R5-innkalling"]
    assert "referatet var ved Luster, men Balestrand skulle ha gjort det" in found["S0-R5-referat"]
    good = _with_meetings(
        SOGN, {"body": "faggruppe", "date": D(2013, 6, 4), "convened_by": "Balestrand", "minute_taker": "Balestrand"}
    )
    assert _found(good, "duty-outside-rotation") == []


def test_leader_duties_on_a_structure_of_our_own() -> None:
    text = """
structure: eiga-gruppe
name: Ei lita gruppe
sources:
  E: {title: Eige mandat}
parties:
  - {id: a, name: Aheim, kind: municipality}
  - {id: b, name: Bby, kind: municipality}
bodies:
  - {id: gruppa, name: Gruppa, kind: professional_group, members: [{party: a}, {party: b}]}
rotations:
  - {id: leiar, body: gruppa, role: leader, period: half_year, start: 2025-01-01}
meeting_rules:
  - id: INNKALLING
    category: attendance
    modality: skal
    source: E
    text: Leiaren kallar inn.
    check: {kind: chair_rotation, body: gruppa, rotation: leiar, role: leader, duty: notice}
meetings:
  - {body: gruppa, date: 2025-03-01, convened_by: Aheim}
  - {body: gruppa, date: 2025-09-01, convened_by: Aheim}
"""
    s = samhandling.loads(text, "eiga.yaml")
    (message,) = _found(s, "duty-outside-rotation")
    assert "Gruppa-møtet 2025-09-01: innkallingen var ved Aheim, men Bby skulle ha gjort det" in message
    bad = samhandling.loads(text.replace("duty: notice", "duty: agenda"), "eiga.yaml")
    assert "invalid-check" in [f.code for f in bad.validate()]


def test_stored_notice_and_minutes_are_checked_against_the_leader(svc: MeetingService) -> None:
    with use_clock(FixedClock(D(2013, 12, 31))):
        m = svc.create(SOGN, "faggruppe", D(2013, 6, 4))
        svc.send_notice(m.meeting_id, D(2013, 5, 20), by="Vik")
        svc.open(m.meeting_id, present=["Balestrand", "Vik", "Leikanger", "Sogndal", "Luster", "Lærdal", "Aurland"])
        svc.record_minutes(m.meeting_id, [], minute_taker="Balestrand", close=True)
    record = svc.get(m.meeting_id)
    assert (record.convened_by, record.minute_taker) == ("vik", "balestrand")
    found = [f for f in check_structure(SOGN, records=svc.meetings()).findings if f.code == "duty-outside-rotation"]
    assert [f.rule for f in found] == ["S0-R5-innkalling"]
    assert "Balestrand skulle ha gjort det" in found[0].message
    with pytest.raises(SamhandlingError) as err:
        svc.send_notice(m.meeting_id, D(2013, 5, 20), by="Oslo")
    assert err.value.code == "unknown-party"


# ---------------------------------------------------------------------------- S0-R3 the group elects its leader


def _election(on: dt.date) -> Any:
    return get_process(samhandling.load(SOGN), "leiarval").new_case("Leiarval", on=on)


def test_only_the_faggruppe_elects_and_only_the_municipality_whose_turn_it_is() -> None:
    day = D(2013, 4, 2)  # Balestrand's year (2013-03-30 to 2014-03-29)
    case = _election(day)
    with pytest.raises(SamhandlingError) as err:
        case.act("elect", by="rådmannsgruppa", on=day, leader="Balestrand")
    assert err.value.code == "wrong-body"
    with pytest.raises(SamhandlingError) as err:
        case.act("elect", by="faggruppe", on=day, leader="Vik")
    assert err.value.code == "not-their-turn"
    assert "det er Balestrand sin tur" in err.value.message and err.value.details["turn"] == "balestrand"
    assert case.state == "ope" and len(case.history) == 1
    case.act("elect", by="faggruppe", on=day, leader="Balestrand")
    assert case.state == "vald"
    later = _election(D(2014, 4, 1))
    with pytest.raises(SamhandlingError) as err:
        later.act("elect", by="faggruppe", on=D(2014, 4, 1), leader="Balestrand")
    assert err.value.details["turn_name"] == "Leikanger"


def test_an_election_in_a_structure_of_our_own(tmp_path: Path) -> None:
    process = tmp_path / "val.yaml"
    process.write_text(
        textwrap.dedent(
            """
            process: val
            version: "1"
            title: Val
            initial: ope
            states: [{name: ope}, {name: vald, final: true}]
            acts:
              - {name: elect, label: velje, kind: record, from: ope, to: vald, by: {body: gruppa},
                 guard: rotation_turn, requires: {leader: leiaren}}
            """
        ),
        encoding="utf-8",
    )
    text = f"""
structure: eiga-gruppe
name: Ei lita gruppe
parties:
  - {{id: a, name: Aheim, kind: municipality}}
  - {{id: b, name: Bby, kind: municipality}}
bodies:
  - {{id: gruppa, name: Gruppa, kind: professional_group, members: [{{party: a}}, {{party: b}}]}}
  - {{id: anna, name: Anna, kind: professional_group, members: [{{party: a}}]}}
processes:
  - {{name: val, file: {process}}}
ROTATIONS
"""
    rotation = "rotations:\n  - {id: leiar, body: gruppa, role: leader, period: year, start: 2025-01-01}\n"
    s = samhandling.loads(text.replace("ROTATIONS", rotation), str(tmp_path / "eiga.yaml"))
    case = get_process(s, "val").new_case("Val 2026", on=D(2026, 2, 1))
    with pytest.raises(SamhandlingError) as err:
        case.act("elect", by="gruppa", on=D(2026, 2, 1), leader="Aheim")
    assert err.value.code == "not-their-turn" and "Bby" in err.value.message
    case.act("elect", by="gruppa", on=D(2026, 2, 1), leader="Bby")
    assert case.state == "vald"
    without = samhandling.loads(text.replace("ROTATIONS", ""), str(tmp_path / "eiga.yaml"))
    case = get_process(without, "val").new_case("Val", on=D(2026, 2, 1))
    with pytest.raises(SamhandlingError) as err:
        case.act("elect", by="gruppa", on=D(2026, 2, 1), leader="Bby")
    assert err.value.code == "no-rotation"


def test_a_schema_5_store_reads_its_meetings_and_gets_the_duty_columns_on_its_first_write(tmp_path: Path) -> None:
    import sqlite3

    from samhandling.store.sql import LATEST

    db = tmp_path / "gammel.db"
    with use_clock(FixedClock(D(2013, 12, 31))):
        svc = MeetingService(CaseRepository(open_store(str(db))))
        m = svc.create(SOGN, "faggruppe", D(2013, 6, 4))
        svc.repo.store.close()
        conn = sqlite3.connect(db)  # back to schema 5: as a store written before step 6
        with conn:
            conn.execute("ALTER TABLE meetings DROP COLUMN convened_by")
            conn.execute("ALTER TABLE meetings DROP COLUMN minute_taker")
            conn.execute("DELETE FROM schema_version WHERE version >= 6")
        conn.close()
        old = MeetingService(CaseRepository(open_store(str(db))))
        assert old.get(m.meeting_id).convened_by is None  # read without the columns
        assert old.repo.store.schema_version() == 5
        old.send_notice(m.meeting_id, D(2013, 5, 20), by="Balestrand")
        assert old.repo.store.schema_version() == LATEST
        assert old.get(m.meeting_id).convened_by == "balestrand"
        old.repo.store.close()


def test_a_stored_meeting_nobody_attended_on_a_planned_date_reports_every_absence() -> None:
    """Review finding: a record with nobody present, laid over the plan's meeting of that date, lost its
    attendance (``present=()`` was read as «not recorded») and hid every absence (S2-R3)."""
    import datetime as dt

    from samhandling.app.check import check_loaded
    from samhandling.meetings.attendance import build_attendance
    from samhandling.meetings.model import MeetingRecord
    from samhandling.structure.loader import BUNDLED_DIR, loads

    text = (BUNDLED_DIR / "ahus-forvaltningsnettverk.yaml").read_text(encoding="utf-8")
    day = dt.date(2024, 3, 5)
    plain = loads(text, "a.yaml")
    net = next(b for b in plain.bodies if b.kind.value == "network")
    record = MeetingRecord("m1", "a.yaml", net.id, day, attendance=build_attendance(plain, net.id, day))
    planned = loads(
        text.replace(
            "meeting_rules:\n", f"meetings:\n  - {{body: {net.id}, date: {day.isoformat()}}}\n\nmeeting_rules:\n", 1
        ),
        "a.yaml",
    )

    def absent(structure: object) -> int:
        found = check_loaded(structure, records=[record])  # type: ignore[arg-type]
        return sum(f.code == "member-absent" and net.label in f.message for f in found)

    members = len(plain.voting_parties(net, day))
    assert absent(plain) == members
    assert absent(planned) == members
