"""The decision-process engine driven through every path of every bundled process."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import samhandling
from samhandling import AuthorityError, Case, RuleError, StateError
from samhandling.process.loader import get_process, process_names
from test_engine_support import (
    OTHER_TMG,
    SOR_PATH,
    TMG,
    D,
    advance,
    all_for,
    anchor_parties,
    assert_refused,
    drive_to,
    load_variant,
    municipalities,
    new_sor_case,
    next_day,
    replace_once,
    sor_text,
    with_setting,
)

# ---------------------------------------------------------------------------- Sør-Rogaland: main path


def _states(case: Case) -> list[str]:
    return [e.to_state for e in case.history]


def test_straight_path_without_political_review_ends_implemented() -> None:
    case = new_sor_case()
    drive_to(case, "implementert", political_review=False)

    assert case.is_final
    assert case.available_acts() == []
    assert "politisk_behandling" not in _states(case)
    acts = [e.act for e in case.history]
    assert acts[:4] == ["open", "draft_mandate", "approve_mandate", "approve_mandate"]
    assert acts[-6:] == [
        "draft_pathway",
        "propose_implementation",
        "recommend",
        "approve_proposal",
        "assess_consequences",
        "implement",
    ]
    # Mandate approval: FSU first, then SSU.
    assert [e.body for e in case.history if e.act == "approve_mandate"] == ["fsu", "ssu"]
    # Anchoring was recorded once per party (every municipality and the health trust) before start-up.
    structure = case.definition.structure
    assert sorted(case.data["per_party"]["anchor"]) == sorted(anchor_parties(structure))
    assert len(case.data["per_party"]["anchor"]) == 16
    assert set(case.data["per_party"]["anchor"].values()) == {None}  # anchoring records no outcome
    assert case.data["political_review"] is False
    assert case.progress == {}
    assert case.history[0].payload["version"] == case.version == "1"


def test_straight_path_with_political_review_needs_every_municipality() -> None:
    case = new_sor_case()
    drive_to(case, "politisk_behandling", political_review=True)
    munis = municipalities(case.definition.structure)
    assert len(munis) == 15

    for i, muni in enumerate(munis):
        assert case.state == "politisk_behandling"
        event = case.act("political_review", by="Kommunestyrene", on=next_day(case), party=muni, outcome="vedtatt")
        assert event.payload == {"party": muni, "outcome": "adopted"}
        if i < len(munis) - 1:
            assert event.to_state == "politisk_behandling"
            assert len(case.progress["political_review"]) == i + 1

    assert case.state == "klar_for_implementering"
    assert "political_review" not in case.progress
    assert case.data["per_party"]["political_review"] == {m: "adopted" for m in munis}
    case.act("implement", by="SSU", on=next_day(case))
    assert case.state == "implementert"


@pytest.mark.parametrize(("needed", "dest"), [(True, "politisk_behandling"), (False, "klar_for_implementering")])
def test_political_review_gateway_is_decided_by_ssu(needed: bool, dest: str) -> None:
    case = drive_to(new_sor_case(), "godkjent")
    event = case.act(
        "assess_consequences",
        by="SSU",
        on=next_day(case),
        economic="økte kostnader i kommunene",
        organisational="nye rutiner",
        political_review=needed,
    )
    assert event.to_state == case.state == dest
    assert case.data["economic"] == "økte kostnader i kommunene"
    assert next(a.act for a in case.available_acts()) == ("political_review" if needed else "implement")


def test_available_acts_name_the_next_act_and_body_at_every_step() -> None:
    case = new_sor_case()
    seen: list[tuple[str, str, tuple[str, ...]]] = []
    for state, act, bodies in SOR_PATH:
        assert case.state == state
        first = case.available_acts()[0]
        assert (first.act, first.bodies) == (act, bodies), state
        seen.append((case.state, first.act, first.bodies))
        if act == "approve_mandate":  # one body at a time: FSU, then SSU
            advance(case)
            continue
        while case.state == state:  # per-party steps take one act per party
            advance(case, political_review=True)
    assert case.state == "implementert"
    assert seen == SOR_PATH


# ---------------------------------------------------------------------------- political rejection


def _rejected_in_sola(case: Case) -> None:
    drive_to(case, "politisk_behandling", political_review=True)
    case.act("political_review", by="kommunestyrene", on=next_day(case), party="Stavanger", outcome="vedtatt")
    case.act("political_review", by="kommunestyrene", on=next_day(case), party="Sola", outcome="avvist")


def _rejection_case(tmp_path: Path, option: str | None) -> Case:
    if option is None:
        structure = samhandling.load("sor-rogaland")
    else:
        structure = load_variant(tmp_path, with_setting(sor_text(), "on_political_rejection", option), option)
        assert get_process(structure).settings["on_political_rejection"] == option
    case = new_sor_case(structure)
    _rejected_in_sola(case)
    return case


@pytest.mark.parametrize("option", [None, "back_to_assessment"])
def test_rejection_back_to_assessment_is_the_default(tmp_path: Path, option: str | None) -> None:
    case = _rejection_case(tmp_path, option)
    assert case.state == "godkjent"
    assert case.history[-1].payload == {"party": "sola", "outcome": "rejected"}
    assert list(case.data["per_party"]["political_review"].items()) == [("stavanger", "adopted"), ("sola", "rejected")]
    assert "political_review" not in case.progress
    assert next(a.act for a in case.available_acts()) == "assess_consequences"

    # SSU reassesses; the second round of political review starts afresh.
    advance(case, political_review=True)
    assert case.state == "politisk_behandling"
    assert not case.progress.get("political_review")
    drive_to(case, "implementert")


def test_rejection_stop_ends_the_case(tmp_path: Path) -> None:
    case = _rejection_case(tmp_path, "stop")
    assert case.state == "avvist"
    assert case.is_final
    assert case.available_acts() == []
    assert_refused(case, "implement", StateError, "case-closed", by="SSU", on=next_day(case))


def test_rejection_continue_records_it_and_goes_on(tmp_path: Path) -> None:
    case = _rejection_case(tmp_path, "continue")
    assert case.state == "politisk_behandling"
    assert case.progress["political_review"] == {"stavanger": "adopted", "sola": "rejected"}
    drive_to(case, "klar_for_implementering")
    assert case.data["per_party"]["political_review"]["sola"] == "rejected"
    assert len(case.data["per_party"]["political_review"]) == 15
    advance(case)
    assert case.state == "implementert"


def test_invalid_rejection_option_is_a_schema_error(tmp_path: Path) -> None:
    structure = load_variant(tmp_path, with_setting(sor_text(), "on_political_rejection", "ignore"))
    with pytest.raises(samhandling.SchemaError) as info:
        get_process(structure)
    assert "ignore" in info.value.message


# ---------------------------------------------------------------------------- escalation


def test_escalation_is_not_a_shortcut_past_anchoring() -> None:
    # Lifting the mandate straight to a decision on the proposal would skip anchoring and drafting.
    case = drive_to(new_sor_case(), "mandat_utarbeidet")
    assert_refused(case, "escalate", StateError, "invalid-state", by="FSU", on=next_day(case), reason="prinsipielt")


def test_fsu_escalates_to_ssu_from_the_graph() -> None:
    case = drive_to(new_sor_case(), "forslag_sendt")
    structure = case.definition.structure
    assert [b.id for b in structure.targets("FSU", "escalates_to")] == ["ssu"]

    event = case.act("escalate", by="FSU", on=next_day(case), reason="uenighet av prinsipiell karakter")
    assert event.payload["to"] == "ssu"
    assert case.state == "eskalert"
    assert case.data["escalated_to"] == "ssu"
    assert next((a.act, a.bodies) for a in case.available_acts()) == ("approve_proposal", ("ssu",))

    assert_refused(
        case,
        "approve_proposal",
        AuthorityError,
        "advisory-body",
        by="FSU",
        on=next_day(case),
        positions=all_for(structure),
    )
    case.act("approve_proposal", by="SSU", on=next_day(case), positions=all_for(structure))
    assert case.state == "godkjent"


def _osu_variant(tmp_path: Path) -> samhandling.Structure:
    """FSU escalates to a new «Overordnet samarbeidsutvalg» instead of SSU."""
    text = sor_text()
    text = replace_once(
        text,
        "  - {from: FSU, to: SSU, kind: escalates_to, label: Ved uenighet av prinsipiell karakter løftes saken til SSU}\n",
        "  - {from: FSU, to: OSU, kind: escalates_to, label: Prinsipiell uenighet løftes til OSU}\n",
    )
    text = replace_once(
        text,
        "  - id: fsu\n",
        "  - id: osu\n"
        "    name: Overordnet samarbeidsutvalg\n"
        "    abbreviation: OSU\n"
        "    kind: strategic_committee\n"
        "    power: decides\n"
        "    decision_rule: consensus\n"
        "    level: 0\n"
        "\n"
        "  - id: fsu\n",
    )
    return load_variant(tmp_path, text, "osu")


def test_escalation_follows_a_different_graph(tmp_path: Path) -> None:
    structure = _osu_variant(tmp_path)
    case = drive_to(new_sor_case(structure), "forslag_sendt")

    event = case.act("escalate", by="FSU", on=next_day(case), reason="prinsipiell uenighet om finansiering")
    assert event.payload["to"] == "osu"
    assert case.data["escalated_to"] == "osu"
    assert case.available_acts()[0].bodies == ("osu",)

    err = assert_refused(
        case,
        "approve_proposal",
        AuthorityError,
        "wrong-body",
        by="SSU",
        on=next_day(case),
        positions=all_for(structure),
    )
    assert "det gjør OSU" in err.message
    case.act("approve_proposal", by="OSU", on=next_day(case), positions=all_for(structure))
    assert case.state == "godkjent"
    # The normal (non-escalated) path still goes to SSU.
    other = drive_to(new_sor_case(structure), "anbefalt")
    assert other.available_acts()[0].bodies == ("ssu",)


def test_escalation_target_must_be_in_the_graph(tmp_path: Path) -> None:
    case = drive_to(new_sor_case(), "forslag_sendt")
    for target in (OTHER_TMG, "Partnerskapsmøte", "Ukjent utvalg"):
        assert_refused(
            case, "escalate", RuleError, "invalid-target", by="FSU", on=next_day(case), reason="uenighet", to=target
        )
    event = case.act("escalate", by="FSU", on=next_day(case), reason="uenighet", to="Strategisk samarbeidsutvalg")
    assert event.payload["to"] == "ssu"


# ---------------------------------------------------------------------------- send back and withdraw


def test_send_back_clears_progress_after_the_target_and_the_case_goes_forward_again() -> None:
    case = drive_to(new_sor_case(), "politisk_behandling", political_review=True)
    advance(case)
    advance(case)
    assert len(case.progress["political_review"]) == 2

    event = case.act("send_back", by="SSU", on=next_day(case), to="forankret", reason="forløpet må revideres")
    assert event.from_state == "politisk_behandling"
    assert case.state == "forankret"
    assert event.payload == {"to": "forankret", "reason": "forløpet må revideres"}
    assert case.progress == {}
    assert next(a.act for a in case.available_acts()) == "draft_pathway"
    # The same TMG stays responsible; the case completes.
    assert case.available_acts()[0].bodies == (TMG,)
    drive_to(case, "implementert", political_review=True)
    assert [e.to_state for e in case.history].count("forankret") == 2


def test_send_back_during_mandate_approval_restarts_the_sequence() -> None:
    case = drive_to(new_sor_case(), "mandat_utarbeidet")
    advance(case)  # FSU approves
    assert case.progress["approve_mandate"] == ("fsu",)
    case.act("send_back", by="FSU", on=next_day(case), to="ny", reason="mandatet er for vidt")
    assert case.state == "ny"
    assert case.progress == {}
    # Another TMG may now draft the mandate, and the approval starts with FSU again.
    case.act("draft_mandate", by=OTHER_TMG, on=next_day(case))
    assert case.available_acts()[0].bodies == ("fsu",)
    drive_to(case, "forankret")
    assert case.available_acts()[0].bodies == (OTHER_TMG,)


def test_send_back_during_anchoring_clears_the_anchoring() -> None:
    case = drive_to(new_sor_case(), "mandat_godkjent")
    for _ in range(3):
        advance(case)
    assert len(case.progress["anchor"]) == 3
    case.act("send_back", by="SSU", on=next_day(case), to="mandat_utarbeidet", reason="nytt mandat")
    assert case.state == "mandat_utarbeidet"
    assert "anchor" not in case.progress
    drive_to(case, "forankret")
    assert len(case.data["per_party"]["anchor"]) == 16


def _send_back(case: Case, target: str, reason: str = "må gjøres om") -> None:
    body = next(a.bodies[0] for a in case.available_acts() if a.act == "send_back")
    case.act("send_back", by=body, on=next_day(case), to=target, reason=reason)


def _facts(case: Case) -> dict[str, object]:
    """case.data without the record of who sent the case back (the only thing a straight case lacks)."""
    data = dict(case.data)
    data["actors"] = {k: v for k, v in data.get("actors", {}).items() if k != "send_back"}
    return data


@pytest.mark.parametrize(
    ("late", "target"),
    [
        ("politisk_behandling", "forankret"),
        ("politisk_behandling", "godkjent"),
        ("klar_for_implementering", "anbefalt"),
        ("forlop_utarbeidet", "ny"),
        ("godkjent", "mandat_godkjent"),
    ],
)
def test_send_back_undoes_what_the_later_steps_recorded(late: str, target: str) -> None:
    # After a send-back the case's data is what it was when the case first stood at the target: the positions,
    # the consequences and the political-review decision of later steps are gone, the earlier ones stay.
    sent = drive_to(new_sor_case(), late, political_review=True)
    _send_back(sent, target)
    straight = drive_to(new_sor_case(), target, political_review=True)
    assert sent.state == straight.state == target
    assert _facts(sent) == _facts(straight)
    assert sent.progress == straight.progress
    # Replaying the history gives the same data.
    replayed = sent.definition.replay(sent.history)
    assert replayed.data == sent.data and replayed.progress == sent.progress


def test_send_back_then_new_facts_then_another_send_back() -> None:
    case = drive_to(new_sor_case(), "politisk_behandling", political_review=True)
    assert case.data["political_review"] is True and "positions" in case.data
    _send_back(case, "godkjent")
    assert "political_review" not in case.data and "economic" not in case.data
    assert "positions" in case.data  # approving the proposal came before the target
    drive_to(case, "klar_for_implementering", political_review=False)
    assert case.data["political_review"] is False
    _send_back(case, "forslag_sendt")
    for key in ("positions", "economic", "political_review"):
        assert key not in case.data
    assert case.data["input_clinics"] == "innspill fra klinikkene"
    drive_to(case, "implementert", political_review=False)
    assert case.definition.replay(case.history).data == case.data


def test_send_back_undoes_an_escalation_and_its_reason() -> None:
    case = drive_to(new_sor_case(), "forslag_sendt")
    case.act("escalate", by="FSU", on=next_day(case), reason="uenighet av prinsipiell karakter")
    assert case.data["reason"] == "uenighet av prinsipiell karakter"
    _send_back(case, "forankret", reason="nytt forløp")
    assert "escalated_to" not in case.data
    assert "reason" not in case.data  # the send-back's own reason is in its event, not a fact of the case
    assert "escalate" not in case.data["actors"]


def test_an_escalated_case_stands_where_the_recommended_one_does() -> None:
    # «eskalert» is off the main path; it stands in for «anbefalt» (SSU decides either way), so the case can be
    # sent back to any step before it, and not to one after it.
    case = drive_to(new_sor_case(), "forslag_sendt")
    case.act("escalate", by="FSU", on=next_day(case), reason="uenighet av prinsipiell karakter")
    definition = case.definition
    assert definition.path_index("eskalert") == definition.path_index("anbefalt")
    assert "send_back" in [a.act for a in case.available_acts()]
    assert_refused(
        case, "send_back", RuleError, "invalid-target", by="SSU", on=next_day(case), to="godkjent", reason="x"
    )


@pytest.mark.parametrize(
    "name", ["sor-rogaland", "sogn-og-fjordane", "ahus-forvaltningsnettverk", "faggruppe-sogn", "knutepunkt-sorlandet"]
)
def test_every_state_of_every_bundled_process_has_a_place_on_the_path(name: str) -> None:
    structure = samhandling.load(name)
    for process in process_names(structure):
        definition = get_process(structure, process)
        for state in definition.states:
            assert definition.path_index(state.name) >= 0, (process, state.name)


def test_send_back_restores_a_fact_given_at_opening() -> None:
    structure = samhandling.load("sor-rogaland")
    case = get_process(structure).new_case("Forløp", on=D(2024, 1, 10), economic="ikke vurdert")
    drive_to(case, "politisk_behandling", political_review=True)
    assert case.data["economic"] == "kostnadsnøytralt"
    _send_back(case, "godkjent")
    assert case.data["economic"] == "ikke vurdert"
    assert case.definition.replay(case.history).data == case.data


@pytest.mark.parametrize("state", ["ny", "mandat_godkjent", "anbefalt", "politisk_behandling"])
def test_withdraw_from_any_open_state(state: str) -> None:
    case = drive_to(new_sor_case(), state, political_review=True)
    assert_refused(case, "withdraw", RuleError, "missing-input", by="SSU", on=next_day(case))
    assert_refused(case, "withdraw", AuthorityError, "wrong-body", by=TMG, on=next_day(case), reason="x")
    event = case.act("withdraw", by="FSU", on=next_day(case), reason="prioriteres ikke")
    assert event.from_state == state
    assert case.state == "trukket"
    assert case.is_final
    assert case.data["reason"] == "prioriteres ikke"
    assert_refused(case, "draft_mandate", StateError, "case-closed", by=TMG, on=next_day(case))


# ---------------------------------------------------------------------------- readings (settings)


def test_single_fsu_mandate_reading(tmp_path: Path) -> None:
    structure = load_variant(tmp_path, sor_text().replace("    value: [FSU, SSU]\n", "    value: [FSU]\n"), "fsu-only")
    definition = get_process(structure)
    steps = [(s.act, s.bodies) for s in definition.steps()]
    assert steps[1] == ("approve_mandate", ("fsu",))
    assert steps[2][0] == "anchor"

    case = drive_to(new_sor_case(structure), "mandat_utarbeidet")
    assert case.available_acts()[0].bodies == ("fsu",)
    assert_refused(case, "approve_mandate", AuthorityError, "wrong-body", by="SSU", on=next_day(case))
    case.act("approve_mandate", by="FSU", on=next_day(case))
    assert case.state == "mandat_godkjent"
    assert_refused(case, "approve_mandate", StateError, "invalid-state", by="SSU", on=next_day(case))
    drive_to(case, "implementert")


def test_default_mandate_reading_needs_fsu_then_ssu() -> None:
    case = drive_to(new_sor_case(), "mandat_utarbeidet")
    assert_refused(case, "approve_mandate", AuthorityError, "out-of-order", by="SSU", on=next_day(case))
    case.act("approve_mandate", by="FSU", on=next_day(case))
    assert case.state == "mandat_utarbeidet"
    case.act("approve_mandate", by="SSU", on=next_day(case))
    assert case.state == "mandat_godkjent"


def test_consensus_among_sides(tmp_path: Path) -> None:
    structure = load_variant(tmp_path, with_setting(sor_text(), "consensus_among", "sides"), "sides")
    case = drive_to(new_sor_case(structure), "anbefalt")
    on = next_day(case)
    err = assert_refused(
        case,
        "approve_proposal",
        RuleError,
        "no-consensus",
        by="SSU",
        on=on,
        positions={"kommunene": "mot", "helseforetaket": "for"},
    )
    assert "kommunene er imot" in err.message
    err = assert_refused(
        case, "approve_proposal", RuleError, "positions-missing", by="SSU", on=on, positions={"kommunene": "for"}
    )
    assert "helseforetaket" in err.message
    # Two sides suffice: no single municipality is asked.
    case.act("approve_proposal", by="SSU", on=on, positions={"kommunene": "ja", "helseforetaket": "enig"})
    assert case.state == "godkjent"


def test_consensus_among_parties_is_the_default() -> None:
    case = drive_to(new_sor_case(), "anbefalt")
    assert_refused(
        case,
        "approve_proposal",
        RuleError,
        "unknown-party",
        by="SSU",
        on=next_day(case),
        positions={"kommunene": "for", "helseforetaket": "for"},
    )
    positions = all_for(case.definition.structure)
    positions["ha"] = "avstår"  # abstaining does not break consensus
    case.act("approve_proposal", by="SSU", on=next_day(case), positions=positions)
    assert case.state == "godkjent"
    assert case.data["positions"]["ha"] == "abstain"


# ---------------------------------------------------------------------------- Knutepunkt Sørlandet


def _prestudy(on_report: dt.date) -> Case:
    definition = get_process(samhandling.load("knutepunkt-sorlandet"))
    assert definition.name == "forstudie"
    case = definition.new_case("Forstudie omsorg, helse og sosial", on=D(2006, 10, 5))
    case.act("decide_prestudy", by="Styret KnS", on=D(2006, 10, 5))
    case.act("start_prestudy", by="forstudien", on=D(2006, 11, 1))
    case.act("deliver_report", by="forstudien", on=on_report, specialist_cooperation="ja", workforce="ja")
    return case


def test_prestudy_late_report_records_overdue_days() -> None:
    case = _prestudy(D(2007, 5, 4))  # presented 04.05.07; due 1 March 2007
    assert case.state == "rapport_levert"
    assert case.history[-1].payload["overdue_days"] == 64
    assert case.data["overdue_days"] == 64


@pytest.mark.parametrize("on", [D(2007, 2, 20), D(2007, 3, 1)])
def test_prestudy_report_on_time_is_not_overdue(on: dt.date) -> None:
    case = _prestudy(on)
    assert "overdue_days" not in case.history[-1].payload
    assert "overdue_days" not in case.data


def test_prestudy_positive_decision_and_yearly_evaluation() -> None:
    case = _prestudy(D(2007, 5, 4))
    assert_refused(case, "board_decision", RuleError, "missing-decision", by="styret", on=D(2007, 6, 1))
    assert_refused(
        case, "board_decision", AuthorityError, "advisory-body", by="nettverket", on=D(2007, 6, 1), positive=True
    )
    case.act("board_decision", by="styret", on=D(2007, 6, 1), positive=True)
    assert case.state == "i_kraft"
    assert not case.is_final
    for year in (2008, 2009, 2010):
        event = case.act("evaluate", by="Styret KnS", on=D(year, 6, 1))
        assert event.from_state == event.to_state == "i_kraft"
    assert [e.act for e in case.history].count("evaluate") == 3
    assert [a.act for a in case.available_acts()] == ["evaluate", "terminate"]
    assert_refused(case, "evaluate", AuthorityError, "wrong-body", by="forstudien", on=D(2011, 6, 1))
    case.act("terminate", by="styret", on=D(2011, 6, 1), reason="erstattet av helsefellesskapet")
    assert case.state == "avsluttet"


def test_prestudy_negative_decision_ends_the_case() -> None:
    case = _prestudy(D(2007, 2, 28))
    case.act("board_decision", by="styret", on=D(2007, 3, 15), positive=False)
    assert case.state == "avslatt"
    assert case.is_final
    assert_refused(case, "evaluate", StateError, "case-closed", by="styret", on=D(2008, 1, 1))


# ---------------------------------------------------------------------------- Ahus network agenda item


def _agenda_item() -> Case:
    definition = get_process(samhandling.load("ahus-forvaltningsnettverk"))
    assert definition.name == "nettverkssak"
    return definition.new_case("Felles rutine for PLO-meldinger", on=D(2024, 9, 20))


MEETING = D(2024, 10, 11)


def test_agenda_item_exactly_ten_days_before_is_in_time() -> None:
    case = _agenda_item()
    event = case.act(
        "submit", by="Forvaltningsnettverk Folloregionen", on=MEETING - dt.timedelta(days=10), meeting=MEETING
    )
    assert case.state == "innmeldt"
    assert event.payload["meeting"] == "2024-10-11"


def test_agenda_item_nine_days_before_is_late() -> None:
    case = _agenda_item()
    err = assert_refused(
        case, "submit", RuleError, "late-item", by="follo", on=MEETING - dt.timedelta(days=9), meeting=MEETING
    )
    assert "S2-R15" in err.message
    assert "senest 10 dager før møtetidspunkt" in err.message
    assert err.details["last"] == "2024-10-01"
    assert_refused(case, "submit", RuleError, "missing-input", by="follo", on=D(2024, 9, 25))


def test_agenda_item_full_path_and_seven_day_agenda() -> None:
    case = _agenda_item()
    case.act("submit", by="follo", on=D(2024, 9, 30), meeting=MEETING)
    assert case.available_acts()[0].bodies == ("follo",)
    assert_refused(
        case,
        "put_on_agenda",
        AuthorityError,
        "wrong-body",
        by="kongsvinger-nettverk",
        on=D(2024, 10, 4),
        meeting=MEETING,
    )
    err = assert_refused(case, "put_on_agenda", RuleError, "late-item", by="follo", on=D(2024, 10, 5), meeting=MEETING)
    assert "S2-R16" in err.message
    case.act("put_on_agenda", by="follo", on=D(2024, 10, 4), meeting=MEETING)
    for act in ("discuss_municipal", "discuss_joint", "record_minutes"):
        case.act(act, by="follo", on=MEETING)
    case.act("report", by="follo", on=D(2025, 2, 1))
    assert case.state == "rapportert"
    assert case.is_final


def test_agenda_item_minutes_may_follow_the_municipal_part_only() -> None:
    case = _agenda_item()
    case.act("submit", by="follo", on=D(2024, 9, 30), meeting=MEETING)
    case.act("put_on_agenda", by="follo", on=D(2024, 10, 1), meeting=MEETING)
    case.act("discuss_municipal", by="follo", on=MEETING)
    case.act("record_minutes", by="follo", on=MEETING)
    assert case.state == "referert"


# ---------------------------------------------------------------------------- Sogn faggruppe


def test_faggruppe_advises_and_radmannsgruppa_decides() -> None:
    definition = get_process(samhandling.load("faggruppe-sogn"))
    case = definition.new_case("Felles IKT-løysing for pleie og omsorg", on=D(2012, 4, 1))
    case.act("discuss", by="faggruppe", on=D(2012, 4, 10))
    assert_refused(case, "advise", RuleError, "missing-input", by="faggruppe", on=D(2012, 4, 10))
    case.act("advise", by="faggruppe", on=D(2012, 4, 10), advice="tilrår felles innkjøp")
    assert case.state == "rad_gitt"
    assert case.available_acts()[0].bodies == ("radmannsgruppa",)

    err = assert_refused(
        case, "decide", AuthorityError, "advisory-body", by="faggruppe", on=D(2012, 5, 1), decision="innkjøp"
    )
    assert "rådgivende organ" in err.message
    assert "Rådmannsgruppa" in err.message
    case.act("send_back", by="rådmannsgruppa", on=D(2012, 5, 1), to="drofta", reason="trengs kostnadsoverslag")
    assert case.state == "drofta"
    case.act("advise", by="faggruppe", on=D(2012, 5, 20), advice="tilrår felles innkjøp, kr 2 mill.")
    case.act("decide", by="Rådmannsgruppa i Sogn regionråd", on=D(2012, 6, 1), decision="vedteke")
    assert case.state == "avgjort"
    assert case.data["advice"] == "tilrår felles innkjøp, kr 2 mill."


# ---------------------------------------------------------------------------- Sogn og Fjordane FSU → SSU


def _fsu_ssu_case() -> Case:
    definition = get_process(samhandling.load("sogn-og-fjordane"))
    assert definition.name == "fsu-ssu-sak"
    return definition.new_case("Samhandlingsavvik", on=D(2024, 2, 14))


def test_sogn_og_fjordane_fsu_recommends_and_ssu_decides() -> None:
    case = _fsu_ssu_case()
    positions = all_for(case.definition.structure)
    assert len(positions) == 19  # Helse Førde and 18 municipalities
    case.act("recommend", by="Fagleg samarbeidsutval", on=D(2024, 2, 14))
    assert case.state == "tilrådd"
    assert_refused(case, "decide", AuthorityError, "advisory-body", by="FSU", on=D(2024, 2, 29), positions=positions)
    err = assert_refused(
        case, "decide", RuleError, "no-consensus", by="SSU", on=D(2024, 2, 29), positions={**positions, "stryn": "nei"}
    )
    assert "Stryn er imot" in err.message
    case.act("decide", by="Strategisk samarbeidsutval", on=D(2024, 2, 29), positions=positions)
    assert case.state == "vedteke"
    assert case.is_final


def test_sogn_og_fjordane_escalation_goes_to_ssu() -> None:
    case = _fsu_ssu_case()
    event = case.act("escalate", by="FSU", on=D(2024, 2, 14), reason="usemje om oppgåvedeling")
    assert event.payload["to"] == "ssu"
    assert case.state == "løfta"
    case.act("decide", by="SSU", on=D(2024, 2, 29), positions=all_for(case.definition.structure))
    assert case.state == "vedteke"
