"""Meeting plans and meeting rules: parsing, the bundled 2024 plan, compliance findings."""

from __future__ import annotations

import datetime as dt

import pytest

from samhandling import SchemaError, load, loads
from samhandling.time.meeting_plan import MeetingMode, SegmentKind, meeting_plan
from time_fixtures import BASE, RULES, network_meetings, structure_text

D = dt.date


def codes(text: str, on: dt.date | None = None) -> list[str]:
    return [f.code for f in loads(text).validate(on=on)]


# ---------------------------------------------------------------------------- the bundled 2024 plan


def test_sogn_og_fjordane_2024_plan_is_bundled_exactly() -> None:
    s = load("sogn-og-fjordane")
    plan = meeting_plan(s)
    fsu, ssu = s.body("FSU").id, s.body("SSU").id
    assert [m.date for m in plan.of(fsu, 2024)] == [D(2024, 2, 14), D(2024, 5, 16), D(2024, 9, 5), D(2024, 11, 7)]
    assert [m.date for m in plan.of(ssu, 2024)] == [D(2024, 2, 29), D(2024, 5, 30), D(2024, 10, 3), D(2024, 12, 5)]
    assert [m.date for m in plan.of(s.body("Partnarskapsmøte").id)] == [D(2024, 5, 23)]
    assert [m.host for m in plan.of(fsu)] == ["Kommunane", "Helse Førde", "Kommunane", "Helse Førde"]
    assert [m.host for m in plan.of(ssu)] == ["Kommunane", "Helse Førde", "Kommunane", "Helse Førde"]


def test_sogn_og_fjordane_plan_passes_its_meeting_rules() -> None:
    s = load("sogn-og-fjordane")
    rules = {r.id for r in meeting_plan(s).rules}
    assert {"S4-R9-FSU", "S4-R9-SSU", "S4-R9-partnarskap", "S4-R9-vert", "S4-R9-rekkjefolgje"} <= rules
    meeting_findings = [f for f in s.validate() if f.rule in rules]
    assert meeting_findings == []


def test_sogn_og_fjordane_plan_documents_no_deadline() -> None:
    s = load("sogn-og-fjordane")
    kinds = {str(r.check["kind"]) for r in (*s.rules, *meeting_plan(s).rules) if r.check}
    assert "submission_deadline" not in kinds and "agenda_deadline" not in kinds


# ---------------------------------------------------------------------------- parsing


def test_meeting_records_are_parsed() -> None:
    text = structure_text("""\
meetings:
  - body: Forvaltningsnettverk Folloregionen
    date: 2024-03-12
    host: Ås
    venue: Ås rådhus
    mode: digital
    segments: [{kind: municipal, minutes: 60}, {kind: joint, minutes: 45}]
    chair: Ås
    minute_taker: Nesodden
    agenda_sent: 2024-03-05
    items: [{title: PLO-dialog, submitted: 2024-03-02}]
""")
    m = meeting_plan(loads(text)).meetings[0]
    assert (m.body, m.date, m.mode, m.chair, m.minute_taker) == (
        "follo",
        D(2024, 3, 12),
        MeetingMode.DIGITAL,
        "as",
        "nesodden",
    )
    assert [s.kind for s in m.segments] == [SegmentKind.MUNICIPAL, SegmentKind.JOINT]
    assert m.items[0].submitted == D(2024, 3, 2)


@pytest.mark.parametrize(
    ("meetings", "message"),
    [
        ("meetings:\n  - {body: Ukjent, date: 2024-01-10}\n", "ukjent organ «Ukjent»"),
        ("meetings:\n  - {body: follo}\n", "mangler «date»"),
        ("meetings:\n  - {body: follo, date: 2024-01-10, mode: hybrid}\n", "ugyldig verdi «hybrid»"),
        ("meetings:\n  - {body: follo, date: 2024-01-10, colour: red}\n", "ukjent nøkkel «colour»"),
        ("meetings:\n  - {body: follo, date: 2024-01-10, agenda_sent: 2024-01-11}\n", "etter møtet"),
        ("meetings:\n  - {body: follo, date: 2024-01-10, chair: Oslo}\n", "ukjent part «Oslo»"),
    ],
)
def test_bad_meeting_sections_raise_located_norwegian_errors(meetings: str, message: str) -> None:
    s = loads(structure_text(meetings), filename="tid.yaml")
    with pytest.raises(SchemaError) as info:
        meeting_plan(s)
    assert message in info.value.message
    assert info.value.location is not None and info.value.location.file == "tid.yaml"
    assert info.value.location.line == BASE.count("\n") + 2


def test_a_bad_section_changes_nothing_and_the_structure_still_loads() -> None:
    s = loads(structure_text("meetings: {body: follo}\n"))
    with pytest.raises(SchemaError, match="skal være en liste"):
        meeting_plan(s)
    assert s.body("follo").name == "Forvaltningsnettverk Folloregionen"


# ---------------------------------------------------------------------------- compliance checks


def test_too_few_meetings_quotes_the_rule() -> None:
    s = loads(structure_text(network_meetings("2024-01-10", "2024-04-10", "2024-09-10"), RULES))
    found = [f for f in s.validate() if f.code == "too-few-meetings"]
    assert [f.message.split(" (regel")[0] for f in found] == [
        "Forvaltningsnettverk Folloregionen har 3 møter i 2024, krever minst 4",
        "Forvaltningsnettverk Nedre Romerike og Gardermoregionen har 0 møter i 2024, krever minst 4",
    ]
    assert found[0].source_text == "Det gjennomføres minimum 4 møter årlig i hver av regionnettverkene."


def test_four_meetings_in_each_network_pass_and_year_is_counted_separately() -> None:
    follo = network_meetings("2024-01-10", "2024-04-10", "2024-09-10", "2024-12-31")
    nrg = "".join(f"  - {{body: nrg, date: {d}}}\n" for d in ("2024-01-11", "2024-04-11", "2024-09-11", "2025-01-01"))
    s = structure_text(follo + nrg, RULES)
    found = [f.message for f in loads(s).validate() if f.code == "too-few-meetings"]
    # 1 January 2025 is next year's meeting: NRG has 3 in 2024, and both networks have too few in 2025.
    assert any("Nedre Romerike og Gardermoregionen har 3 møter i 2024" in m for m in found)
    assert any("Folloregionen har 0 møter i 2025" in m for m in found)
    assert not any("Folloregionen har" in m and "2024" in m for m in found)
    assert codes(s, on=D(2024, 6, 1)).count("too-few-meetings") == 1


@pytest.mark.parametrize(("submitted", "late"), [("2024-03-02", False), ("2024-03-01", False), ("2024-03-03", True)])
def test_item_submitted_after_the_deadline(submitted: str, late: bool) -> None:
    meetings = (
        f"meetings:\n  - body: follo\n    date: 2024-03-12\n    items: [{{title: Sak A, submitted: {submitted}}}]\n"
    )
    found = [f for f in loads(structure_text(meetings, RULES)).validate() if f.code == "item-late"]
    assert bool(found) is late
    if late:
        assert "fristen var 2024-03-02 (10 kalenderdager før)" in found[0].message
        assert "senest 10 dager før møtetidspunkt" in found[0].message


@pytest.mark.parametrize(("sent", "late"), [("2024-03-05", False), ("2024-03-06", True)])
def test_agenda_sent_late(sent: str, late: bool) -> None:
    meetings = f"meetings:\n  - {{body: follo, date: 2024-03-12, agenda_sent: {sent}}}\n"
    found = [f for f in loads(structure_text(meetings, RULES)).validate() if f.code == "agenda-late"]
    assert bool(found) is late
    if late:
        assert found[0].location is not None and found[0].location.line == BASE.count("\n") + 2


def test_item_deadline_for_a_meeting_early_in_january_crosses_the_year() -> None:
    meetings = "meetings:\n  - body: follo\n    date: 2025-01-08\n    items: [{title: Sak, submitted: 2024-12-30}]\n"
    found = [f for f in loads(structure_text(meetings, RULES)).validate() if f.code == "item-late"]
    assert len(found) == 1 and "fristen var 2024-12-29" in found[0].message


def test_host_alternation_and_meeting_order_are_checked() -> None:
    meetings = """\
meetings:
  - {body: FSU, date: 2024-02-14, host: Kommunane}
  - {body: SSU, date: 2024-02-29, host: Kommunane}
  - {body: FSU, date: 2024-05-16, host: Kommunane}
  - {body: SSU, date: 2024-05-10, host: Helse Førde}
"""
    rules = """\
meeting_rules:
  - {id: V, category: host, modality: descriptive, source: S4, text: Arrangør/Møtestad,
     check: {kind: host_alternation, bodies: [FSU, SSU]}}
  - {id: O, category: order, modality: descriptive, source: S4, text: Møteplan Helsefellesskap 2024,
     check: {kind: meeting_order, first: FSU, then: SSU}}
"""
    findings = loads(structure_text(meetings, rules)).validate()
    hosts = [f.message for f in findings if f.code == "host-repeated"]
    assert len(hosts) == 1 and "2024-02-14 og 2024-05-16" in hosts[0]
    order = [f.message for f in findings if f.code == "meeting-order"]
    assert len(order) == 1 and "syklus 2 i 2024" in order[0]


def test_joint_segment_must_last_thirty_minutes() -> None:
    meetings = """\
meetings:
  - {body: follo, date: 2024-03-12, segments: [{kind: municipal, minutes: 90}, {kind: joint, minutes: 30}]}
  - {body: follo, date: 2024-06-12, segments: [{kind: municipal, minutes: 90}, {kind: joint, minutes: 29}]}
  - {body: follo, date: 2024-09-12, segments: [{kind: municipal, minutes: 90}]}
"""
    rules = """\
meeting_rules:
  - {id: S2-R7, category: duration, modality: descriptive, source: S2,
     text: Ahus deltar på deler av møtet. Varighet minimum 30 minutter,
     check: {kind: segment_minutes, body_kind: network, segment: joint, min: 30}}
"""
    found = [f for f in loads(structure_text(meetings, rules)).validate() if f.rule == "S2-R7"]
    assert sorted(f.code for f in found) == ["segment-missing", "segment-short"]


def test_chair_outside_the_rotation() -> None:
    meetings = """\
meetings:
  - {body: follo, date: 2024-03-12, chair: Enebakk}
  - {body: follo, date: 2024-09-12, chair: Enebakk}
"""
    extra = """\
rotations:
  - {id: follo-leder, body: follo, roles: [chair, minute_taker], period: half_year, start: 2024-01-01}
meeting_rules:
  - {id: S2-R8, category: rotation, modality: descriptive, source: S2,
     text: Møteleder og referent rulleres hvert halvår blant kommunenes representanter.,
     check: {kind: chair_rotation, body: follo, rotation: follo-leder}}
"""
    found = [f for f in loads(structure_text(meetings, extra)).validate() if f.code == "chair-outside-rotation"]
    assert len(found) == 1
    assert "2024-09-12" in found[0].message and "rulleringen peker på Ås" in found[0].message
