"""The «med …» details grammar (samhandling.bdd.details): every word is read, or the step fails naming it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samhandling import clock
from samhandling.bdd.details import GRAMMAR, KEYWORDS, DetailsError, parse_details, tokenize
from samhandling.bdd.world import World

PARTIES = {"sola", "stavanger", "austvik", "helse førde", "møre og romsdal"}


def is_party(text: str) -> bool:
    return text.casefold() in PARTIES


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_details(text, is_party=is_party, names=["Sola", "Stavanger", "Austvik", "Helse Førde"])


def test_positions_and_all_others() -> None:
    d = parse("Austvik mot og alle andre for")
    assert d.positions == [("Austvik", "mot")] and d.others == "for"
    d = parse("Sola mot, Stavanger for og alle andre for")
    assert d.positions == [("Sola", "mot"), ("Stavanger", "for")] and d.others == "for"


def test_a_position_can_be_written_with_a_colon() -> None:
    d = parse("Sola: mot og alle andre: for")
    assert d.positions == [("Sola", "mot")] and d.others == "for"


def test_names_with_og_or_spaces_are_quoted_or_read_whole() -> None:
    assert parse('"Møre og Romsdal" avstår').positions == [("Møre og Romsdal", "avstår")]
    assert parse("Helse Førde mot").positions == [("Helse Førde", "mot")]


def test_position_words_go_through_as_said() -> None:
    assert parse("Sola veto").positions == [("Sola", "veto")]
    assert parse("Sola MOT!").positions == [("Sola", "MOT!")]


def test_remarks_reasons_party_dates_meetings_states_and_answers() -> None:
    d = parse('merknad "hastesak", begrunnelse "Mangler tall" og for "Sola"')
    assert d.fields == [("remark", "hastesak", True), ("reason", "Mangler tall", True)] and d.party == "Sola"
    assert parse("datoen 14.02.2024").on == "14.02.2024"
    assert parse("den 2024-02-14").on == "2024-02-14"
    assert parse("den 14. februar 2024").on == "14. februar 2024"
    assert parse("møtet 2024-10-15").fields == [("meeting", "2024-10-15", False)]
    assert parse('til "Forløp utarbeidet"').fields == [("to", "Forløp utarbeidet", True)]
    assert parse("politisk behandling: ja").fields == [("politisk behandling", "ja", False)]
    assert parse('økonomi: "innenfor rammene, med forbehold"').fields == [
        ("økonomi", "innenfor rammene, med forbehold", True)
    ]
    assert parse("standpunktene").table_positions
    assert parse(None).empty and parse("  ").empty


@pytest.mark.parametrize(
    ("text", "words", "hint"),
    [
        ('merknadd "hastesak"', '«merknadd "hastesak"»', '«merknad "TEKST"»'),
        ("Austvikk mot", "«Austvikk mot»", "«Austvik for / Austvik mot»"),
        ("Sola mot og alle andre for og litt til", "«litt til»", ""),
        ("merknad hastesak", "«merknad hastesak»", "anførselstegn"),
        ("alle andre", "«alle andre»", "alle andre for"),
        ("Sola", "«Sola»", ""),
        (": ja", "«: ja»", "FELT: VERDI"),
    ],
)
def test_unread_words_are_named_with_the_closest_phrasing(text: str, words: str, hint: str) -> None:
    with pytest.raises(DetailsError) as err:
        parse(text)
    assert err.value.code == "unread-words"
    assert words in err.value.message and hint in err.value.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Sola mot og", "tomt ledd"),
        ("Sola mot,, Stavanger for", "tomt ledd"),
        ('merknad "hastesak', "uavsluttet anførselstegn"),
        ("alle andre for og alle andre mot", "to ganger"),
        ("for Sola og for Stavanger", "to ganger"),
        ("datoen 14.02.2024 og den 15.02.2024", "to ganger"),
        ("politisk behandling:", "mangler en verdi"),
        ('merknad "a" "b"', "forstod ikke"),
    ],
)
def test_malformed_details_fail_with_a_norwegian_message(text: str, message: str) -> None:
    with pytest.raises(DetailsError) as err:
        parse(text)
    assert message in err.value.message


def test_bad_dates_are_refused_when_a_date_check_is_given() -> None:
    with pytest.raises(DetailsError) as err:
        parse_details("datoen 31.02.2024", is_party=is_party, is_date=lambda t: t != "31.02.2024")
    assert err.value.code == "bad-date"


def test_the_grammar_is_documented_with_every_keyword() -> None:
    forms = " ".join(form for form, _, _ in GRAMMAR)
    for keyword in KEYWORDS:
        assert keyword in forms, keyword
    for _form, meaning, example in GRAMMAR:
        assert meaning and example.startswith("med ")


WORDS = st.sampled_from(
    [
        "Sola",
        "Stavanger",
        "mot",
        "for",
        "avstår",
        "og",
        ",",
        "alle",
        "andre",
        "merknad",
        '"hastesak"',
        "datoen",
        "14.02.2024",
        "politisk",
        "behandling",
        ":",
        "ja",
        "til",
        "veto",
        "Helse",
        "Førde",
        "rart",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=10))
def test_no_word_is_dropped(words: list[str]) -> None:
    """Whatever the words, either every one of them is in what the parser gives back, or it fails."""
    text = " ".join(words)
    try:
        d = parse(text)
    except DetailsError:
        return
    said = " ".join(
        [f"{p} {w}" for p, w in d.positions]
        + [d.others or "", d.party or "", d.on or ""]
        + [f"{k} {v}" for k, v, _ in d.fields]
    ).casefold()
    structural = {"og", ",", ":", "alle", "andre", "merknad", "datoen", "til", "for"}
    for token in tokenize(text):
        word = token.text.casefold()
        if token.kind == "word" and word not in structural:
            assert word in said, (text, d)
    for token in tokenize(text):
        if token.kind == "quoted":
            assert token.text.casefold() in said, (text, d)


def test_the_world_sets_and_restores_the_clock() -> None:
    before = clock.current_clock()
    world = World()
    world.set_today(dt.date(2024, 1, 10))
    assert clock.today() == dt.date(2024, 1, 10)
    world.set_today(dt.date(2024, 1, 24))
    assert clock.today() == dt.date(2024, 1, 24) and world.today == dt.date(2024, 1, 24)
    world.close()
    assert clock.current_clock() is before


def test_todays_date_alone_leaves_the_library_clock_alone() -> None:
    before = clock.current_clock()
    world = World()
    world.set_today(dt.date(2024, 3, 1), clock=False)
    assert world.today == dt.date(2024, 3, 1) and clock.current_clock() is before
    world.close()
