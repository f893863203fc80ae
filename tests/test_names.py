"""Name lookup: nynorsk/bokmål, case, NBSP, hyphenation, aliases, ambiguity."""

from __future__ import annotations

import pytest

import samhandling
from samhandling.errors import AmbiguousNameError, UnknownBodyError, UnknownPartyError
from samhandling.names import clean_text, name_key, slug


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Fagleg samarbeidsutval", "Faglig samarbeidsutvalg"),
        ("Strategisk samarbeidsutval", "Strategisk samarbeidsutvalg"),
        ("Strategisk\u00a0samarbeidsutval", "strategisk samarbeidsutvalg"),
        ("Partnarskapsmøte", "Partnerskapsmøte"),
        ("Avtaleutvalet", "Avtaleutvalget"),
        ("Faglig Samarbeidsutvalg", "faglig samarbeidsutvalg"),
        ("  Faglig\tsamarbeidsutvalg ", "Faglig samarbeidsutvalg"),
        ("beslutnings-\nmyndighet", "beslutningsmyndighet"),
        ("beslutnings- myndighet", "beslutningsmyndighet"),
        ("«Forum for folkehelse, helse og omsorg»", "Forum for folkehelse helse og omsorg"),
        ("Faggruppe innan helse og omsorg", "Faggruppe innen helse og omsorg"),
        ("Fagleg\u2009samarbeidsutval", "Faglig samarbeidsutvalg"),  # thin space
        ("Fagle\u0301g", "Faglég"),  # combining accent vs precomposed: NFC
    ],
)
def test_name_key_folds_variants(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Faglig samarbeidsutvalg", "Strategisk samarbeidsutvalg"),
        ("Fagrådet", "Faggruppa"),
        ("Helse- og omsorgsfaglig samarbeidsutvalg", "Faglig samarbeidsutvalg"),
        ("Nord-Odal", "Nord Odal"),  # a hyphen inside a name before an upper-case letter stays
    ],
)
def test_name_key_keeps_different_names_apart(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_clean_text_joins_line_break_hyphenation_and_slash_space() -> None:
    assert clean_text("forløp-/ samhandlingsstrukturer") == "forløp-/samhandlingsstrukturer"
    assert clean_text("uten beslutnings-\n  myndighet.") == "uten beslutningsmyndighet."
    assert clean_text("a\u00a0\u00a0b\n") == "a b"


def test_slug() -> None:
    assert slug("Forvaltningsnettverk Nedre Romerike og Gardermoregionen") == (
        "forvaltningsnettverk-nedre-romerike-og-gardermoregionen"
    )
    assert slug("Sør-Odal") == "sor-odal"


@pytest.fixture(scope="module")
def sfj() -> samhandling.Structure:
    return samhandling.load("sogn-og-fjordane")


@pytest.mark.parametrize(
    ("name", "body_id"),
    [
        ("Faglig samarbeidsutvalg", "fsu"),
        ("Fagleg samarbeidsutval", "fsu"),
        ("FSU", "fsu"),
        ("fsu", "fsu"),
        ("Strategisk\u00a0samarbeidsutval", "ssu"),
        ("STRATEGISK SAMARBEIDSUTVALG", "ssu"),
        ("SSU", "ssu"),
        ("Partnerskapsmøte", "partnarskapsmotet"),
        ("Partnarskapsmøtet", "partnarskapsmotet"),
        ("Avtaleutvalget", "avtaleutvalet"),
    ],
)
def test_sogn_og_fjordane_lookups(sfj: samhandling.Structure, name: str, body_id: str) -> None:
    assert sfj.body(name).id == body_id


def test_bodies_keep_their_own_spelling(sfj: samhandling.Structure) -> None:
    assert sfj.body("Faglig samarbeidsutvalg").name == "Fagleg samarbeidsutval"
    assert sfj.body("ssu").name == "Strategisk samarbeidsutval"


def test_bokmal_file_found_by_nynorsk_name() -> None:
    sor = samhandling.load("sor-rogaland")
    assert sor.body("Fagleg samarbeidsutval").id == "fsu"
    assert sor.body("Partnarskapsmøte").id == "partnerskapsmote"


def test_typo_alias_in_faggruppe() -> None:
    sogn = samhandling.load("faggruppe-sogn")
    assert sogn.body("FAGRUPPA").id == "faggruppe"
    assert sogn.body("Faggruppa").id == "faggruppe"
    assert sogn.body("Faggruppe innen helse og omsorg i Sogn").id == "faggruppe"
    # «Fagrådet» is the joint Helse Førde body, not the group (domain brief §3.2 item 12).
    assert sogn.body("Fagrådet").id == "fagradet"


def test_party_lookup_by_alias_and_case() -> None:
    ahus = samhandling.load("ahus-forvaltningsnettverk")
    assert ahus.party("ahus").id == "ahus"
    assert ahus.party("Akershus universitetssykehus").id == "ahus"
    assert ahus.party("ENEBAKK").id == "enebakk"
    assert ahus.party("Sør-Odal").id == "sor-odal"
    kns = samhandling.load("knutepunkt-sorlandet")
    assert kns.party("2. linjetjenesten").id == "sshf"


def test_unknown_body_lists_known_bodies() -> None:
    sor = samhandling.load("sor-rogaland")
    with pytest.raises(UnknownBodyError) as info:
        sor.body("Koordineringsrådet")
    assert info.value.code == "unknown-body"
    assert "SSU" in info.value.message and "FSU" in info.value.message
    assert not sor.has_body("Koordineringsrådet")
    with pytest.raises(UnknownPartyError):
        sor.party("Bergen")


def test_ambiguous_name() -> None:
    text = """\
structure: x
bodies:
  - {id: a, name: Fagleg samarbeidsutval, kind: council}
  - {id: b, name: Faglig samarbeidsutvalg, kind: council}
"""
    s = samhandling.loads(text)
    with pytest.raises(AmbiguousNameError) as info:
        s.body("faglig samarbeidsutvalg")
    assert info.value.details["candidates"] == ["a", "b"]
    assert s.body("a").id == "a"  # an id is always exact
    assert [f.code for f in s.validate()].count("duplicate-name") == 1
