"""Step text normalisation, the template language and the step catalogue."""

from __future__ import annotations

import unicodedata

import pytest

from samhandling.bdd.catalogue import all_steps, describe_suggestions, find, suggest
from samhandling.bdd.text import compile_template, match_template, normalise_step, skeleton, split_list


@pytest.mark.parametrize(
    "raw",
    [
        'organet "FSU" er rådgivende',
        "organet «FSU» er rådgivende",
        "organet “FSU” er rådgivende",
        "organet „FSU“ er rådgivende",
        "organet\u00a0«FSU»\u00a0er\u00a0rådgivende:",
        '  organet  "FSU"   er rådgivende.',
    ],
)
def test_pasted_quotes_spaces_and_trailing_colon_normalise_to_one_form(raw: str) -> None:
    assert normalise_step(raw) == 'organet "FSU" er rådgivende'


def test_decomposed_letters_match_composed_template() -> None:
    decomposed = unicodedata.normalize("NFD", 'organet "FSU" er rådgivende')
    assert decomposed != 'organet "FSU" er rådgivende'
    assert match_template('organet "{organ}" er rådgivende', decomposed) == {"organ": "FSU"}


def test_matching_ignores_case_but_keeps_the_arguments_spelling() -> None:
    assert match_template('saken er i tilstanden "{t}"', 'SAKEN ER I TILSTANDEN "Mandat Godkjent"') == {
        "t": "Mandat Godkjent"
    }


def test_optional_parts_and_typed_placeholders() -> None:
    import samhandling.bdd.steps  # noqa: F401  (registers the step phrases' placeholder types, «dato» among them)

    t = '"{organ}" utfører "{handling}"[ den {dato:dato}][ med[ {detaljer}]]'
    assert match_template(t, '"FSU" utfører "x"') == {"organ": "FSU", "handling": "x"}
    assert match_template(t, '"FSU" utfører "x" den 1. mars 2024 med:') == {
        "organ": "FSU",
        "handling": "x",
        "dato": "1. mars 2024",
    }
    assert match_template(t, '"FSU" utfører "x" den i morgen') is None
    assert skeleton(t) == '"…" utfører "…"'


def test_unbalanced_or_unknown_placeholders_are_rejected() -> None:
    with pytest.raises(ValueError):
        compile_template("a [b")
    with pytest.raises(ValueError):
        compile_template("a {x:nope}")


def test_split_list_keeps_og_inside_body_names_unless_asked() -> None:
    assert split_list("TMG barn og unge → FSU -> SSU") == ["TMG barn og unge", "FSU", "SSU"]
    assert split_list("Kvitsøy, Sola og Hå", conjunction=True) == ["Kvitsøy", "Sola", "Hå"]


def test_every_example_matches_exactly_its_own_phrase() -> None:
    # No two shipped phrases may match the same text: pytest-bdd would pick one silently.
    steps = all_steps()
    assert len(steps) >= 30
    for spec in steps:
        text = spec.example.split(" ", 1)[1]
        matches = find(text)
        assert [m.template for m in matches] == [spec.template], spec.example


def test_templates_are_unique_and_documented() -> None:
    templates = [s.template for s in all_steps()]
    assert len(templates) == len(set(templates))
    for spec in all_steps():
        assert spec.help and spec.example.split(" ", 1)[0] in {"Gitt", "Når", "Så", "Og", "Men"}


def test_suggestions_for_a_misspelt_step_name_the_intended_phrase() -> None:
    best = suggest('saken er i tilstand "Ny sak"')[0]
    assert best.template.startswith("saken er[ {fortsatt:fortsatt}] i tilstanden")
    assert "Mente du" in describe_suggestions('"FSU" utforer "recommend"')
    assert "utfører" in describe_suggestions('"FSU" utforer "recommend"')
    assert "Fant ingen" in describe_suggestions("xyzzy qwerty 12345 ###")


@pytest.mark.parametrize("step", ["case_unchanged", "accepted", "refusal_mentions"])
def test_a_step_about_the_last_attempt_before_any_attempt_says_how_to_make_one(step: str) -> None:
    from samhandling.bdd import steps
    from samhandling.bdd.world import World
    from samhandling.errors import UsageError

    args = ("avvist",) if step == "refusal_mentions" else ()
    with pytest.raises(UsageError) as info:
        getattr(steps, step)(World(), *args)
    assert info.value.code == "no-attempt"
    assert 'Når "ORGAN" forsøker å utføre "HANDLING"' in info.value.message
