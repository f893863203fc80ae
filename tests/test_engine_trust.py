"""Issue 11, the engine's part: what a payload, a word, a reference or a date can no longer do.

Each finding reproduced on 0b4866c has a test here that failed there: payload keys overwriting the engine's own
records (authority bypass), words outside the vocabulary counting as consent, history mutable through case.data and
payload references, a date typo locking a case, TypeError for a datetime. Then the new parts: corrections, two dates
per event, the horizon setting.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import samhandling
from samhandling import ActRefusedError, AuthorityError, Case, RuleError, StateError
from samhandling.clock import FixedClock, use_clock
from samhandling.errors import (
    BadAgainstError,
    BadDateError,
    CorrectionError,
    DuplicatePartyError,
    FutureDateError,
    ReservedKeyError,
    SchemaError,
    UnknownOutcomeError,
    UnknownPositionError,
)
from samhandling.process.case import RESERVED_KEYS, Event, FrozenDict, freeze
from samhandling.process.engine import OUTCOME_WORDS, POSITION_WORDS, PROCESS_DIR
from samhandling.process.loader import get_process
from test_engine_support import (
    TMG,
    D,
    advance,
    all_for,
    assert_refused,
    drive_to,
    load_variant,
    municipalities,
    new_sor_case,
    next_day,
    sor_text,
    with_processes,
)

# ---------------------------------------------------------------------------- 1. engine records are the engine's


def test_escalated_to_in_a_payload_cannot_let_the_advisory_fsu_approve() -> None:
    # 0b4866c: escalate(escalated_to="fsu") let FSU approve the proposal; history said «godkjent av SSU».
    case = drive_to(new_sor_case(), "forslag_sendt")
    err = assert_refused(
        case,
        "escalate",
        ReservedKeyError,
        "reserved-key",
        by="FSU",
        on=next_day(case),
        reason="prinsipielt",
        escalated_to="fsu",
    )
    assert "escalated_to" in err.message and err.details["keys"] == ["escalated_to"]
    case.act("escalate", by="FSU", on=next_day(case), reason="prinsipielt")
    assert case.escalated_to == "ssu"
    assert_refused(
        case,
        "approve_proposal",
        AuthorityError,
        "advisory-body",
        by="FSU",
        on=next_day(case),
        positions=all_for(case.definition.structure),
    )


def test_actors_in_a_payload_cannot_hand_a_later_act_to_another_body() -> None:
    case = drive_to(new_sor_case(), "forankret")
    assert_refused(
        case,
        "draft_pathway",
        ReservedKeyError,
        "reserved-key",
        by=TMG,
        on=next_day(case),
        input_clinics="x",
        input_municipalities="y",
        user_involvement="z",
        actors={"draft_mandate": "tmg-kroniske", "draft_pathway": "tmg-kroniske"},
    )
    advance(case)  # draft_pathway by TMG
    # propose_implementation is «same_as» draft_mandate: only the TMG that drafted may act.
    assert_refused(case, "propose_implementation", AuthorityError, "wrong-body", by="tmg-kroniske", on=next_day(case))
    assert case.actors["draft_mandate"] == TMG


def test_per_party_in_a_payload_cannot_rewrite_the_anchoring_record() -> None:
    case = drive_to(new_sor_case(), "forankret")
    anchored = case.per_party["anchor"]
    assert_refused(
        case,
        "draft_pathway",
        ReservedKeyError,
        "reserved-key",
        by=TMG,
        on=next_day(case),
        input_clinics="x",
        input_municipalities="y",
        user_involvement="z",
        per_party={"anchor": {}},
    )
    assert case.per_party["anchor"] == anchored


@pytest.mark.parametrize("key", sorted(RESERVED_KEYS - {"present", "attributes"}))
def test_every_reserved_key_is_refused_in_acts_and_at_opening(key: str) -> None:
    case = new_sor_case()
    assert_refused(case, "draft_mandate", ReservedKeyError, "reserved-key", by=TMG, on=next_day(case), **{key: "x"})
    with pytest.raises(ReservedKeyError):
        case.definition.new_case("Sak", on=D(2024, 1, 1), **{key: {"draft_mandate": "fsu"}})


def test_present_and_attributes_are_arguments_never_payload_facts() -> None:
    # «present» (Case.act) and «attributes» (new_case) are the engine's own: through a raw payload they are refused.
    case = new_sor_case()
    for key in ("present", "attributes"):
        refused = case.definition.refusals(
            case, "draft_mandate", by=TMG, on=next_day(case), person=None, payload={key: ["x"]}
        )
        assert refused and refused[0].code == "reserved-key"
    with pytest.raises(ReservedKeyError):
        case.definition.new_case("Sak", on=D(2024, 1, 1), present=["stavanger"])
    assert_refused(case, "draft_mandate", RuleError, "bad-present", by=TMG, on=next_day(case), present="stavanger")
    with pytest.raises(RuleError) as bad:
        case.definition.new_case("Sak", on=D(2024, 1, 1), attributes="sør")  # type: ignore[arg-type]
    assert bad.value.code == "bad-attributes"


def test_payload_facts_and_engine_records_are_apart() -> None:
    case = drive_to(new_sor_case(), "godkjent")
    assert "actors" not in case.facts and "per_party" not in case.facts
    assert case.facts["input_clinics"] == "innspill fra klinikkene"
    assert case.data["actors"] == case.actors  # the combined view for reports
    assert case.data["per_party"]["anchor"] == case.per_party["anchor"]


# ---------------------------------------------------------------------------- 2. a closed vocabulary of positions


@pytest.mark.parametrize("word", ["veto", "MOT!", "nei takk", "", "   ", None, False, 0, "tja", ["mot"]])
def test_a_word_outside_the_vocabulary_is_refused_not_counted_as_consent(word: Any) -> None:
    case = drive_to(new_sor_case(), "anbefalt")
    positions = {**all_for(case.definition.structure), "sola": word}
    err = assert_refused(
        case,
        "approve_proposal",
        UnknownPositionError,
        "unknown-position",
        by="SSU",
        on=next_day(case),
        positions=positions,
    )
    assert f"«{word}»" in err.message and "mot" in err.message and "avstår" in err.message


@pytest.mark.parametrize(
    ("word", "canonical"),
    [
        (" MOT ", "against"),
        ("Imot", "against"),
        ("no", "against"),
        ("usamd", "against"),
        ("Nei", "against"),
        ("samd", "for"),
        ("JA", "for"),
        ("Støttar", "for"),
        ("Avstår", "abstain"),
        ("nøytral", "abstain"),
    ],
)
def test_documented_spellings_after_trim_and_casefold(word: str, canonical: str) -> None:
    case = drive_to(new_sor_case(), "anbefalt")
    positions = {**all_for(case.definition.structure), "sola": word}
    if canonical == "against":
        assert_refused(
            case, "approve_proposal", RuleError, "no-consensus", by="SSU", on=next_day(case), positions=positions
        )
    else:
        event = case.act("approve_proposal", by="SSU", on=next_day(case), positions=positions)
        assert event.payload["positions"]["sola"] == canonical


def test_one_party_named_twice_is_refused() -> None:
    case = drive_to(new_sor_case(), "anbefalt")
    positions = {**all_for(case.definition.structure), "sola": "mot", "Sola": "for"}
    err = assert_refused(
        case,
        "approve_proposal",
        DuplicatePartyError,
        "duplicate-party",
        by="SSU",
        on=next_day(case),
        positions=positions,
    )
    assert err.details["party"] == "sola"


@pytest.mark.parametrize("against", ["sola", {"sola": "mot"}, ["Ukjent kommune"], [None], 3])
def test_against_must_be_a_list_of_known_parties(against: Any) -> None:
    case = drive_to(new_sor_case(), "anbefalt")
    positions = {p: w for p, w in all_for(case.definition.structure).items() if p != "sola"}
    assert_refused(
        case,
        "approve_proposal",
        BadAgainstError,
        "bad-against",
        by="SSU",
        on=next_day(case),
        positions=positions,
        against=against,
    )


def test_positions_on_an_escalation_are_read_alike() -> None:
    case = drive_to(new_sor_case(), "forslag_sendt")
    assert_refused(
        case,
        "escalate",
        UnknownPositionError,
        "unknown-position",
        by="FSU",
        on=next_day(case),
        reason="r",
        positions={"sola": "kanskje"},
    )
    event = case.act("escalate", by="FSU", on=next_day(case), reason="r", positions={"Sola": "MOT"})
    assert event.payload["positions"] == {"sola": "against"}


@pytest.mark.parametrize("word", ["kanskje", "vedtatt!", "ikke vedtatt", True])
def test_outcome_words_are_a_closed_vocabulary(word: Any) -> None:
    case = drive_to(new_sor_case(), "godkjent")
    case.act(
        "assess_consequences",
        by="SSU",
        on=next_day(case),
        positions=all_for(case.definition.structure),
        economic="e",
        organisational="o",
        political_review=True,
    )
    err = assert_refused(
        case,
        "political_review",
        UnknownOutcomeError,
        "unknown-outcome",
        by="kommunestyrene",
        on=next_day(case),
        party="sola",
        outcome=word,
    )
    assert "vedtatt" in err.message and "avvist" in err.message
    event = case.act("political_review", by="kommunestyrene", on=next_day(case), party="sola", outcome=" Vedteke ")
    assert event.payload["outcome"] == "adopted"


def test_the_vocabularies_are_trimmed_and_casefolded_keys() -> None:
    for words in (POSITION_WORDS, OUTCOME_WORDS):
        assert all(w == w.strip().casefold() for w in words)


# ---------------------------------------------------------------------------- 4. immutable history


def test_a_callers_later_mutation_does_not_reach_the_record() -> None:
    case = drive_to(new_sor_case(), "anbefalt")
    positions = all_for(case.definition.structure)
    event = case.act("approve_proposal", by="SSU", on=next_day(case), positions=positions)
    positions["sola"] = "mot"
    assert event.payload["positions"]["sola"] == "for"
    assert case.history[-1].payload["positions"]["sola"] == "for"


def test_recorded_payloads_and_views_are_read_only() -> None:
    case = drive_to(new_sor_case(), "godkjent")
    with pytest.raises(TypeError):
        case.data["positions"]["sola"] = "mot"  # type: ignore[index]
    with pytest.raises(TypeError):
        case.history[-1].payload["positions"]["sola"] = "mot"  # type: ignore[index]
    with pytest.raises(TypeError):
        case.facts["x"] = 1
    with pytest.raises(TypeError):
        case.per_party["anchor"].clear()
    for name in ("state", "data", "facts", "progress", "events", "history", "actors", "definition", "id"):
        with pytest.raises(AttributeError):
            setattr(case, name, None)
    with pytest.raises(TypeError):
        Case()
    assert case.facts["positions"]["sola"] == "for"


def test_frozen_dict_copies_pickles_and_serialises() -> None:
    import json
    import pickle

    frozen = freeze({"a": [1, {"b": [2]}], "d": D(2024, 1, 1)})
    assert frozen == {"a": (1, {"b": (2,)}), "d": D(2024, 1, 1)}
    assert copy.deepcopy(frozen) is frozen
    assert pickle.loads(pickle.dumps(frozen)) == frozen
    assert json.dumps({"a": frozen["a"]}) == '{"a": [1, {"b": [2]}]}'
    for attempt in (lambda: frozen.update(x=1), lambda: frozen.pop("a"), lambda: frozen.setdefault("x", 1)):
        with pytest.raises(TypeError):
            attempt()


# ---------------------------------------------------------------------------- 5. two dates, corrections


def test_a_date_far_in_the_future_is_refused_and_does_not_lock_the_case() -> None:
    case = drive_to(new_sor_case(), "forslag_sendt")
    with use_clock(FixedClock(D(2024, 3, 1))):
        err = assert_refused(case, "recommend", FutureDateError, "future-date", by="FSU", on=D(2052, 1, 20))
        assert "2052-01-20" in err.message and "2024-03-01" in err.message
        case.act("recommend", by="FSU", on=D(2024, 3, 1))
        assert case.state == "anbefalt"


@pytest.mark.parametrize("on", [dt.datetime(2024, 3, 1, 12, 0), "2024-03-01", 20240301])
def test_an_effective_date_that_is_not_a_date_is_refused(on: Any) -> None:
    case = drive_to(new_sor_case(), "forslag_sendt")
    assert_refused(case, "recommend", BadDateError, "bad-date", by="FSU", on=on)
    with pytest.raises(BadDateError):
        case.definition.new_case("Sak", on=on)


def test_opening_in_the_future_is_refused() -> None:
    definition = get_process(samhandling.load("sor-rogaland"))
    with use_clock(FixedClock(D(2024, 1, 1))), pytest.raises(FutureDateError):
        definition.new_case("Sak", on=D(2024, 1, 2))


def _horizon_structure(tmp_path: Path, days: Any) -> samhandling.Structure:
    text = (PROCESS_DIR / "tjenestemodell.yaml").read_text(encoding="utf-8")
    text = text.replace("\nsettings:\n", f"\nsettings:\n  horizon_days:\n    value: {days}\n", 1)
    path = tmp_path / "tjenestemodell.yaml"
    path.write_text(text, encoding="utf-8")
    return load_variant(tmp_path, with_processes(sor_text(), f"  - {{name: tjenestemodell, file: {path}}}"), "h")


def test_the_horizon_setting_allows_dates_a_few_days_ahead(tmp_path: Path) -> None:
    structure = _horizon_structure(tmp_path, 7)
    assert get_process(structure).horizon == dt.timedelta(days=7)
    with use_clock(FixedClock(D(2024, 1, 10))):
        case = get_process(structure).new_case("Sak", on=D(2024, 1, 17))
        assert_refused(case, "draft_mandate", FutureDateError, "future-date", by=TMG, on=D(2024, 1, 18))
        case.act("draft_mandate", by=TMG, on=D(2024, 1, 17))


@pytest.mark.parametrize("days", ["-1", "tre", "1.5"])
def test_a_bad_horizon_is_a_definition_error(tmp_path: Path, days: str) -> None:
    with pytest.raises(samhandling.ProcessDefinitionError) as info:
        get_process(_horizon_structure(tmp_path, days))
    assert "horizon_days" in info.value.message


def test_a_council_decision_reported_late_is_recorded_with_its_real_date() -> None:
    case = drive_to(new_sor_case(), "godkjent")
    start = next_day(case)
    case.act(
        "assess_consequences",
        by="SSU",
        on=start,
        positions=all_for(case.definition.structure),
        economic="e",
        organisational="o",
        political_review=True,
    )
    munis = municipalities(case.definition.structure)
    case.act("political_review", by="kommunestyrene", on=start + dt.timedelta(days=30), party=munis[0], outcome="ja")
    # Sola decided earlier, reported later: accepted with its real date.
    event = case.act(
        "political_review", by="kommunestyrene", on=start + dt.timedelta(days=5), party=munis[1], outcome="ja"
    )
    assert event.on == start + dt.timedelta(days=5)
    # Not before the step that opened the collection.
    assert_refused(
        case,
        "political_review",
        RuleError,
        "date-order",
        by="kommunestyrene",
        on=start - dt.timedelta(days=1),
        party=munis[2],
        outcome="ja",
    )
    for party in munis[2:]:
        case.act("political_review", by="kommunestyrene", on=start + dt.timedelta(days=10), party=party, outcome="ja")
    assert case.state == "klar_for_implementering"
    # The next ordinary act is judged against the latest decision.
    assert_refused(case, "implement", RuleError, "date-order", by="SSU", on=start + dt.timedelta(days=29))
    case.act("implement", by="SSU", on=start + dt.timedelta(days=30))
    assert case.definition.replay(case.history).snapshot() == case.snapshot()


def test_recorded_at_comes_from_the_clock() -> None:
    at = dt.datetime(2024, 1, 10, 9, 30, tzinfo=dt.UTC)
    with use_clock(FixedClock(at)):
        case = new_sor_case()
        event = case.act("draft_mandate", by=TMG, on=D(2024, 1, 10))
    assert case.history[0].recorded_at == event.recorded_at == "2024-01-10T09:30:00.000000Z"
    assert event.on == D(2024, 1, 10)


def _closed_case() -> Case:
    case = drive_to(new_sor_case(), "implementert")
    assert case.is_final
    return case


def test_a_correction_appends_and_never_rewrites() -> None:
    case = _closed_case()
    seq = next(e.seq for e in case.history if e.act == "assess_consequences")
    original = case.history[seq - 1]
    state, length = case.state, len(case.history)
    with use_clock(FixedClock(D(2024, 6, 1))):
        fix = case.correct(seq, reason="feil i referatet", facts={"economic": "økte kostnader"}, by="SSU")
    assert (fix.act, fix.body, fix.from_state, fix.to_state) == ("correct", "ssu", state, state)
    assert fix.payload == {"event": seq, "reason": "feil i referatet", "facts": {"economic": "økte kostnader"}}
    assert len(case.history) == length + 1 and case.history[seq - 1] == original
    assert case.state == state
    assert case.facts["economic"] == "økte kostnader"
    effective = case.effective_events()
    assert len(effective) == length
    assert effective[seq - 1].payload["economic"] == "økte kostnader"
    replayed = case.definition.replay(case.history)
    assert replayed.snapshot() == case.snapshot()


def test_a_date_correction_by_the_secretariat_fixes_a_typo() -> None:
    case = new_sor_case()
    with use_clock(FixedClock(D(2024, 2, 1))):
        case.act("draft_mandate", by=TMG, on=D(2024, 1, 30))
        case.act("approve_mandate", by="FSU", on=D(2024, 1, 31))
        # The draft really happened on the 12th; the secretariat (by=None) corrects it.
        case.act("correct", by=None, on=D(2024, 1, 12), event=2, reason="skrivefeil i datoen")
        assert case.effective_events()[1].on == D(2024, 1, 12)
        assert case.history[1].on == D(2024, 1, 30)
        assert case.history[-1].payload["on"] == "2024-01-12"
        # A correction may not break the date order (after the FSU approval on the 31st) or exceed the horizon.
        err = assert_refused(case, "correct", RuleError, "date-order", by="FSU", on=D(2024, 2, 1), event=2, reason="x")
        assert "nr. 2" in err.message
        assert_refused(case, "correct", FutureDateError, "future-date", by="FSU", on=D(2024, 3, 1), event=3, reason="x")
        case.act("approve_mandate", by="SSU", on=D(2024, 2, 1), positions=all_for(case.definition.structure))
    assert case.definition.replay(case.history).effective_events() == case.effective_events()


@pytest.mark.parametrize(
    ("kwargs", "error", "code"),
    [
        ({"event": 99, "reason": "r", "facts": {"a": 1}}, CorrectionError, "bad-correction"),
        ({"event": "2", "reason": "r", "facts": {"a": 1}}, CorrectionError, "bad-correction"),
        ({"event": 2, "facts": {"a": 1}}, CorrectionError, "missing-input"),
        ({"event": 2, "reason": "r"}, CorrectionError, "bad-correction"),
        ({"event": 2, "reason": "r", "facts": {"actors": {"x": "fsu"}}}, ReservedKeyError, "reserved-key"),
        ({"event": 2, "reason": "r", "facts": {"to": "ny"}}, CorrectionError, "bad-correction"),
        ({"event": 2, "reason": "r", "facts": {"a": 1}, "state": "ny"}, ReservedKeyError, "reserved-key"),
        ({"event": 2, "reason": "r", "body": "ssu"}, CorrectionError, "bad-correction"),
        ({"event": 2, "reason": "r", "facts": [1]}, CorrectionError, "bad-correction"),
    ],
)
def test_bad_corrections_are_refused(kwargs: dict[str, Any], error: type[ActRefusedError], code: str) -> None:
    case = _closed_case()
    assert_refused(case, "correct", error, code, by="SSU", **kwargs)


def test_a_correction_cannot_change_what_decided_the_route() -> None:
    case = _closed_case()
    seq = next(e.seq for e in case.history if e.act == "assess_consequences")
    err = assert_refused(
        case,
        "correct",
        CorrectionError,
        "bad-correction",
        by="SSU",
        event=seq,
        reason="r",
        facts={"political_review": True},
    )
    assert "political_review" in err.message
    seq = next(e.seq for e in case.history if e.act == "approve_proposal")
    assert_refused(
        case,
        "correct",
        CorrectionError,
        "bad-correction",
        by="SSU",
        event=seq,
        reason="r",
        facts={"positions": {"sola": "against"}},
    )
    # A correction of a correction: correct the original again instead.
    case.correct(seq, reason="r", facts={"note": "a"}, by="SSU")
    assert_refused(
        case,
        "correct",
        CorrectionError,
        "bad-correction",
        by="SSU",
        event=len(case.history),
        reason="r",
        facts={"note": "b"},
    )


def test_a_correction_gives_no_authority() -> None:
    case = drive_to(new_sor_case(), "forslag_sendt")
    case.correct(2, reason="r", facts={"note": "x"}, by="FSU")
    assert case.state == "forslag_sendt" and case.actors["draft_mandate"] == TMG
    assert_refused(
        case, "correct", AuthorityError, "unknown-body", by="Ukjent organ", event=2, reason="r", facts={"note": "y"}
    )
    assert_refused(case, "recommend", AuthorityError, "wrong-body", by="SSU", on=next_day(case))


def test_a_process_cannot_define_an_act_named_correct(tmp_path: Path) -> None:
    text = (PROCESS_DIR / "tjenestemodell.yaml").read_text(encoding="utf-8")
    text = text.replace("  - name: draft_mandate\n", "  - name: correct\n", 1)
    path = tmp_path / "tjenestemodell.yaml"
    path.write_text(text, encoding="utf-8")
    structure = load_variant(tmp_path, with_processes(sor_text(), f"  - {{name: tjenestemodell, file: {path}}}"), "c")
    with pytest.raises(SchemaError) as info:
        get_process(structure)
    assert info.value.code == "reserved-act"


def test_replay_accepts_plain_dict_payloads_and_freezes_them() -> None:
    case = drive_to(new_sor_case(), "anbefalt")
    plain = [Event(**{**e._asdict(), "payload": copy.deepcopy(dict(e.payload))}) for e in case.history]
    again = case.definition.replay(plain)
    assert again.snapshot() == case.snapshot()
    assert all(type(e.payload) is FrozenDict for e in again.history)


def test_state_error_for_other_acts_on_a_closed_case_still_holds() -> None:
    case = _closed_case()
    assert_refused(case, "withdraw", StateError, "case-closed", by="SSU", reason="r")


def test_an_ordinary_act_without_a_body_is_refused_not_a_crash() -> None:
    case = new_sor_case()
    assert_refused(case, "draft_mandate", AuthorityError, "unknown-body", by=None, on=next_day(case))  # type: ignore[arg-type]


def test_why_not_explains_a_correction() -> None:
    case = _closed_case()
    assert case.why_not("correct", by="SSU", event=99, reason="r", facts={"a": 1})
    assert case.why_not("correct", by="SSU", event=2, reason="r", facts={"note": "ny"}) == []


def test_event_dicts_round_trip_with_both_dates() -> None:
    with use_clock(FixedClock(dt.datetime(2024, 1, 10, 8, 0, tzinfo=dt.UTC))):
        case = new_sor_case()
        event = case.act("draft_mandate", by=TMG, on=D(2024, 1, 10), note={"a": [1]})
    again = Event.from_dict(event.to_dict())
    assert again == event and again.recorded_at == "2024-01-10T08:00:00.000000Z"
    assert type(again.payload["note"]) is FrozenDict


def test_a_corrected_report_date_recomputes_overdue_days() -> None:
    definition = get_process(samhandling.load("knutepunkt-sorlandet"))
    case = definition.new_case("Forstudie", on=D(2006, 10, 5))
    case.act("decide_prestudy", by="Styret KnS", on=D(2006, 10, 5))
    case.act("start_prestudy", by="forstudien", on=D(2006, 11, 1))
    case.act("deliver_report", by="forstudien", on=D(2007, 5, 4), specialist_cooperation="ja", workforce="ja")
    assert case.facts["overdue_days"] == 64
    case.correct(4, reason="rapporten ble lagt frem 2. mars", on=D(2007, 3, 2), by="Styret KnS")
    assert case.effective_events()[3].payload["overdue_days"] == 1
    assert case.facts["overdue_days"] == 1
    case.correct(4, reason="nei, 1. mars", on=D(2007, 3, 1), by="Styret KnS")  # the latest correction wins
    assert "overdue_days" not in case.effective_events()[3].payload
    assert "overdue_days" not in case.facts
    assert case.history[3].payload["overdue_days"] == 64  # the record as made
    assert definition.replay(case.history).snapshot() == case.snapshot()


def test_a_per_party_date_may_be_corrected_into_any_order_but_not_before_its_step() -> None:
    case = drive_to(new_sor_case(), "mandat_godkjent")
    start = case.history[-1].on
    case.act("anchor", by="FSU", on=start + dt.timedelta(days=10), party="sola")
    case.act("anchor", by="FSU", on=start + dt.timedelta(days=12), party="stavanger")
    first = len(case.history) - 1
    case.correct(first, reason="forankret tidligere", on=start + dt.timedelta(days=2), by="FSU")
    assert case.effective_events()[first - 1].on == start + dt.timedelta(days=2)
    assert_refused(
        case,
        "correct",
        RuleError,
        "date-order",
        by="FSU",
        event=first,
        on=start - dt.timedelta(days=1),
        reason="for tidlig",
    )


def test_a_text_date_with_a_person_is_a_refusal_not_a_crash() -> None:
    case = drive_to(new_sor_case(), "forslag_sendt")
    assert_refused(case, "recommend", BadDateError, "bad-date", by="FSU", on="2024-03-01", person="Ola Nordmann")
