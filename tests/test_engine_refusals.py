"""Every way the engine refuses an act: the right error and code, a Norwegian reason, and no change.

``assert_refused`` checks, for each refusal, that the case's snapshot and history length are
unchanged and that ``case.why_not(...)`` gives the same reason without raising.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import samhandling
from samhandling import ActRefusedError, AuthorityError, Case, RuleError, SamhandlingError, StateError
from samhandling.errors import DuplicatePartyError
from test_engine_support import (
    OTHER_TMG,
    TMG,
    D,
    advance,
    all_for,
    assert_refused,
    drive_to,
    load_variant,
    new_sor_case,
    next_day,
    replace_once,
    sor_text,
)


def test_refusal_errors_are_one_family() -> None:
    for cls in (AuthorityError, RuleError, StateError):
        assert issubclass(cls, ActRefusedError)
        assert issubclass(cls, SamhandlingError)


# ---------------------------------------------------------------------------- authority


def test_wrong_body() -> None:
    case = drive_to(new_sor_case(), "forlop_utarbeidet")
    err = assert_refused(case, "propose_implementation", AuthorityError, "wrong-body", by="FSU", on=next_day(case))
    assert "FSU kan ikke «utarbeide forslag til organisering og implementering»" in err.message
    assert err.details["allowed"] == [TMG]


def test_another_tmg_than_the_one_that_drafted_the_mandate() -> None:
    case = drive_to(new_sor_case(), "forankret")
    assert_refused(
        case,
        "draft_pathway",
        AuthorityError,
        "wrong-body",
        by=OTHER_TMG,
        on=next_day(case),
        input_clinics="x",
        input_municipalities="y",
        user_involvement="z",
    )


def test_advisory_body_cannot_approve_the_proposal() -> None:
    case = drive_to(new_sor_case(), "anbefalt")
    err = assert_refused(
        case,
        "approve_proposal",
        AuthorityError,
        "advisory-body",
        by="FSU",
        on=next_day(case),
        positions=all_for(case.definition.structure),
    )
    assert err.message.startswith("FSU er et rådgivende organ uten beslutningsmyndighet")
    assert "S3-R14" in err.message
    assert "«FSU er et rådgivende organ, uten beslutnings-myndighet.»" in err.message
    assert (err.details["body"], err.details["allowed"]) == ("fsu", ["ssu"])


def test_out_of_order_mandate_approval() -> None:
    case = drive_to(new_sor_case(), "mandat_utarbeidet")
    err = assert_refused(case, "approve_mandate", AuthorityError, "out-of-order", by="SSU", on=next_day(case))
    assert "FSU må behandle saken før SSU" in err.message


def test_same_body_cannot_approve_the_mandate_twice() -> None:
    case = drive_to(new_sor_case(), "mandat_utarbeidet")
    advance(case)
    assert_refused(case, "approve_mandate", RuleError, "already-recorded", by="FSU", on=next_day(case))


def test_unknown_body() -> None:
    case = new_sor_case()
    err = assert_refused(case, "draft_mandate", AuthorityError, "unknown-body", by="Bergen bystyre", on=D(2024, 2, 1))
    assert "Bergen bystyre" in err.message


def _seat_case(tmp_path: Path) -> samhandling.Case:
    text = replace_once(
        sor_text(),
        "      - {party: praksiskonsulent, count: 1}\n",
        '      - {party: praksiskonsulent, person: "Kari Nordmann", valid_from: 2024-01-01, valid_to: 2024-06-30}\n',
    )
    structure = load_variant(tmp_path, text, "seats")
    return drive_to(new_sor_case(structure), "mandat_utarbeidet")


def test_person_without_a_seat_on_that_date(tmp_path: Path) -> None:
    case = _seat_case(tmp_path)
    err = assert_refused(
        case, "approve_mandate", AuthorityError, "no-seat", by="FSU", on=D(2024, 7, 1), person="Kari Nordmann"
    )
    assert err.message == "Kari Nordmann har ikke sete i FSU den 2024-07-01"
    err = assert_refused(
        case, "approve_mandate", AuthorityError, "no-seat", by="FSU", on=D(2024, 3, 1), person="Ola Nordmann"
    )
    assert "Ola Nordmann" in err.message
    # Within her term the same person may act, and the event names her.
    event = case.act("approve_mandate", by="FSU", on=D(2024, 3, 1), person="kari nordmann")
    assert event.person == "kari nordmann"
    assert case.progress["approve_mandate"] == ("fsu",)


# ---------------------------------------------------------------------------- consensus (S3-R7)


def test_no_consensus_names_who_disagrees() -> None:
    case = drive_to(new_sor_case(), "anbefalt")
    positions = {**all_for(case.definition.structure), "sola": "mot", "sandnes": "nei"}
    err = assert_refused(
        case, "approve_proposal", RuleError, "no-consensus", by="SSU", on=next_day(case), positions=positions
    )
    assert "SSU har ikke konsensus: Sandnes og Sola er imot" in err.message
    assert "S3-R7" in err.message
    assert sorted(err.details["against"]) == ["Sandnes", "Sola"]


def test_no_consensus_via_against_list() -> None:
    case = drive_to(new_sor_case(), "anbefalt")
    err = assert_refused(
        case,
        "approve_proposal",
        RuleError,
        "no-consensus",
        by="SSU",
        on=next_day(case),
        positions={p: w for p, w in all_for(case.definition.structure).items() if p != "helse-stavanger"},
        against=["Helse Stavanger"],
    )
    assert "Helse Stavanger HF er imot" in err.message


def test_a_party_named_twice_is_refused_whatever_the_spelling() -> None:
    # Hå named twice in the positions, «Hå» (enig) and its id «ha» (for); or once in positions and again in against:
    # refused (duplicate-party) rather than letting one of the words win.
    case = drive_to(new_sor_case(), "anbefalt")
    positions = {"Hå": "enig", **all_for(case.definition.structure)}
    assert list(positions).index("ha") > list(positions).index("Hå")
    err = assert_refused(
        case,
        "approve_proposal",
        DuplicatePartyError,
        "duplicate-party",
        by="SSU",
        on=next_day(case),
        positions=positions,
    )
    assert "Hå" in err.message
    assert err.details["party"] == "ha"
    assert_refused(
        case,
        "approve_proposal",
        DuplicatePartyError,
        "duplicate-party",
        by="SSU",
        on=next_day(case),
        positions=all_for(case.definition.structure),
        against=["Hå"],
    )


def test_recorded_positions_are_party_ids_in_canonical_words() -> None:
    case = drive_to(new_sor_case(), "anbefalt")
    ids = list(all_for(case.definition.structure))
    positions = {"Helse Stavanger HF" if p == "helse-stavanger" else p: "ja" for p in ids}
    del positions["kvitsoy"]
    positions["Kvitsøy"] = "avstår"
    event = case.act("approve_proposal", by="SSU", on=next_day(case), positions=positions)
    assert set(event.payload["positions"]) == set(ids)
    assert event.payload["positions"]["helse-stavanger"] == "for"
    assert event.payload["positions"]["kvitsoy"] == "abstain"
    assert "against" not in event.payload


def test_positions_missing() -> None:
    case = drive_to(new_sor_case(), "anbefalt")
    assert_refused(case, "approve_proposal", RuleError, "positions-missing", by="SSU", on=next_day(case))
    partial = all_for(case.definition.structure)
    del partial["kvitsoy"]
    err = assert_refused(
        case, "approve_proposal", RuleError, "positions-missing", by="SSU", on=next_day(case), positions=partial
    )
    assert "mangler Kvitsøy" in err.message
    assert err.details["missing"] == ["Kvitsøy"]


# ---------------------------------------------------------------------------- anchoring (S3-R8)


def test_work_cannot_start_before_every_party_is_anchored() -> None:
    case = drive_to(new_sor_case(), "mandat_godkjent")
    for _ in range(15):  # every party but one
        advance(case)
    assert case.state == "mandat_godkjent"
    assert len(case.progress["anchor"]) == 15
    missing = next(
        p.name
        for p in case.definition.structure.parties
        if not _anchored(case, p.id) and p.kind.value in ("municipality", "health_trust")
    )
    err = assert_refused(
        case,
        "draft_pathway",
        RuleError,
        "anchoring-incomplete",
        by=TMG,
        on=next_day(case),
        input_clinics="x",
        input_municipalities="y",
        user_involvement="z",
    )
    assert "forankre arbeidet" in err.message and "Forankre arbeidet i kommuner og sykehus før oppstart" in err.message
    assert f"mangler 1: {missing}" in err.message
    assert err.details["missing"] == [missing]
    advance(case)
    assert case.state == "forankret"


def test_anchoring_the_same_party_twice() -> None:
    case = drive_to(new_sor_case(), "mandat_godkjent")
    case.act("anchor", by="FSU", on=next_day(case), party="Sola")
    err = assert_refused(case, "anchor", RuleError, "already-recorded", by="FSU", on=next_day(case), party="sola")
    assert "Sola" in err.message


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({}, "missing-input"),
        ({"party": "Bergen"}, "unknown-party"),
        ({"party": "Fastlegene"}, "wrong-party"),
        ({"party": "Kommuneklyngene"}, "wrong-party"),
    ],
)
def test_anchoring_needs_a_party_that_must_be_anchored(payload: dict[str, str], code: str) -> None:
    case = drive_to(new_sor_case(), "mandat_godkjent")
    assert_refused(case, "anchor", RuleError, code, by="FSU", on=next_day(case), **payload)


# ---------------------------------------------------------------------------- inputs and decisions


def test_missing_user_involvement() -> None:
    case = drive_to(new_sor_case(), "forankret")
    err = assert_refused(
        case,
        "draft_pathway",
        RuleError,
        "missing-input",
        by=TMG,
        on=next_day(case),
        input_clinics="innspill",
        input_municipalities="innspill",
    )
    assert err.message == "«utarbeide nye forløp-/samhandlingsstrukturer» krever brukerinvolvering"
    assert err.details["missing"] == ["user_involvement"]


def test_missing_gateway_decision() -> None:
    case = drive_to(new_sor_case(), "godkjent")
    err = assert_refused(
        case,
        "assess_consequences",
        RuleError,
        "missing-decision",
        by="SSU",
        on=next_day(case),
        economic="x",
        organisational="y",
        political_review="kanskje",
    )
    assert "political_review=true eller false" in err.message


def test_political_review_needs_an_outcome_and_each_municipality_once() -> None:
    case = drive_to(new_sor_case(), "politisk_behandling", political_review=True)
    assert_refused(
        case, "political_review", RuleError, "missing-input", by="kommunestyrene", on=next_day(case), party="Sola"
    )
    assert_refused(
        case,
        "political_review",
        RuleError,
        "wrong-party",
        by="kommunestyrene",
        on=next_day(case),
        party="Helse Stavanger",
        outcome="vedtatt",
    )
    case.act("political_review", by="kommunestyrene", on=next_day(case), party="Sola", outcome="vedtatt")
    assert_refused(
        case,
        "political_review",
        RuleError,
        "already-recorded",
        by="kommunestyrene",
        on=next_day(case),
        party="Sola",
        outcome="avvist",
    )


def test_send_back_refusals() -> None:
    case = drive_to(new_sor_case(), "forslag_sendt")
    on = next_day(case)
    assert_refused(case, "send_back", RuleError, "missing-input", by="SSU", on=on, to="forankret")
    for target in ("anbefalt", "forslag_sendt", "trukket", "finnes_ikke"):
        err = assert_refused(case, "send_back", RuleError, "invalid-target", by="SSU", on=on, to=target, reason="r")
        assert "mulige: ny, mandat_utarbeidet, mandat_godkjent, forankret, forlop_utarbeidet" in err.message
    assert_refused(case, "send_back", AuthorityError, "wrong-body", by=TMG, on=on, to="forankret", reason="r")


def test_escalation_needs_a_reason() -> None:
    case = drive_to(new_sor_case(), "forslag_sendt")
    err = assert_refused(case, "escalate", RuleError, "missing-input", by="FSU", on=next_day(case))
    assert "begrunnelse" in err.message


# ---------------------------------------------------------------------------- state


def test_act_not_possible_in_this_state() -> None:
    case = new_sor_case()
    err = assert_refused(case, "recommend", StateError, "invalid-state", by="FSU", on=D(2024, 2, 1))
    assert "mulige handlinger nå: draft_mandate (utarbeide mandat), withdraw (trekke saken)" in err.message
    assert (err.details["state"], err.details["act"]) == ("ny", "recommend")
    assert "send_back" not in err.message  # nothing to send back to from the first state


def test_closed_case_refuses_everything() -> None:
    case = drive_to(new_sor_case(), "implementert")
    for act, by in (("implement", "SSU"), ("withdraw", "FSU"), ("send_back", "SSU")):
        err = assert_refused(case, act, StateError, "case-closed", by=by, on=next_day(case), reason="r", to="ny")
        assert "saken er avsluttet (Implementert)" in err.message


def test_unknown_act_suggests_a_name() -> None:
    case = drive_to(new_sor_case(), "anbefalt")
    err = assert_refused(case, "aprove_proposal", StateError, "unknown-act", by="SSU", on=next_day(case))
    assert "mente du approve_proposal?" in err.message
    err = assert_refused(case, "vedta", StateError, "unknown-act", by="SSU", on=next_day(case))
    assert "kjente: draft_mandate" in err.message


def test_dates_cannot_go_backwards() -> None:
    case = drive_to(new_sor_case(), "mandat_utarbeidet")
    last = case.history[-1].on
    err = assert_refused(case, "approve_mandate", RuleError, "date-order", by="FSU", on=D(2023, 12, 31))
    assert last.isoformat() in err.message
    case.act("approve_mandate", by="FSU", on=last)  # the same day is fine
    assert case.progress["approve_mandate"] == ("fsu",)


def test_refusal_lists_every_reason() -> None:
    case = drive_to(new_sor_case(), "forankret")
    reasons = case.why_not("draft_pathway", by=OTHER_TMG, on=D(2020, 1, 1))
    assert len(reasons) == 3  # wrong body, date order, missing input
    with pytest.raises(AuthorityError) as info:
        case.act("draft_pathway", by=OTHER_TMG, on=D(2020, 1, 1))
    assert info.value.details["reasons"] == reasons
    assert case.may("draft_pathway", by=TMG, input_clinics="a", input_municipalities="b", user_involvement="c")


def _anchored(case: Case, party_id: str) -> bool:
    return party_id in case.progress.get("anchor", {})
