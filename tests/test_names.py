"""Name lookup: nynorsk/bokmål, case, NBSP, hyphenation, aliases, ambiguity."""

from __future__ import annotations

import pytest

import samhandling
from samhandling.errors import AmbiguousNameError, UnknownBodyError, UnknownPartyError
from samhandling.formats.names import clean_text, name_key, slug


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


# ---------------------------------------------------------------------------- adjectives and compounds


@pytest.mark.parametrize(
    ("nynorsk", "bokmal"),
    [
        ("Fagleg samarbeidsutval Skrøpelege eldre", "Faglig samarbeidsutvalg skrøpelige eldre"),
        ("Tverrfagleg team for skrøpelege", "Tverrfaglig team for skrøpelige"),
        ("Helse- og omsorgstenester", "Helse- og omsorgstjenester"),
        ("Spesialisthelsetenesta", "Spesialisthelsetjenesten"),
        ("Brukarutvalet", "Brukerutvalget"),
        ("Arbeidsgruppa for born og unge", "Arbeidsgruppen for barn og unge"),
        ("Leiargruppa i sjukehuset", "Ledergruppen i sykehuset"),
        ("Fagleiar for sjukepleiarar", "Fagleder for sykepleiere"),
        ("Dagleg leiar", "Daglig leder"),
        ("Samhandlingsutval for heimetenester", "Samhandlingsutvalg for hjemmetjenester"),
        ("Helseføretaket", "Helseforetaket"),
    ],
)
def test_nynorsk_adjectives_and_compounds_fold(nynorsk: str, bokmal: str) -> None:
    assert name_key(nynorsk) == name_key(bokmal)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Fastlegeutvalg", "Fastligeutvalg"),  # «-lege» (a doctor) is not folded like the adjective «-lege»
        ("Overlege", "Overlig"),
        ("Sykehus", "Sykehjem"),
        ("Arbeidsutvalg", "Arbeidsgruppe"),
        ("Skrøpelige eldre", "Skrøpelige barn"),
        ("Faglig samarbeidsutvalg skrøpelige eldre", "Faglig samarbeidsutvalg psykisk helse"),
        ("Brukerutvalg", "Brukerråd"),
        ("Leder", "Ledere"),
    ],
)
def test_folding_keeps_distinct_names_apart(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_lege_words_are_left_alone() -> None:
    assert name_key("Fastlege") == "fastlege"
    assert name_key("kommuneoverlege") == "kommuneoverlege"


def test_skropelege_eldre_found_across_the_languages() -> None:
    text = """\
structure: x
bodies:
  - {id: fsu-se, name: Fagleg samarbeidsutval Skrøpelege eldre, kind: professional_committee}
  - {id: fsu-ph, name: Fagleg samarbeidsutval psykisk helse og rus, kind: professional_committee}
  - {id: fsu, name: Fagleg samarbeidsutval, kind: professional_committee}
"""
    s = samhandling.loads(text)
    assert s.body("Faglig samarbeidsutvalg skrøpelige eldre").id == "fsu-se"
    assert s.body("Faglig samarbeidsutvalg psykisk helse og rus").id == "fsu-ph"
    assert s.body("Faglig samarbeidsutvalg").id == "fsu"
    assert "duplicate-name" not in [f.code for f in s.validate()]


def test_no_bundled_structure_gains_a_shared_name() -> None:
    for name in samhandling.bundled_names():
        s = samhandling.load(name)
        assert [f for f in s.load_findings if f.code == "duplicate-name"] == [], name
        keys = [name_key(n) for b in s.bodies for n in dict.fromkeys(b.names())]
        owners: dict[str, set[str]] = {}
        for b in s.bodies:
            for n in b.names():
                owners.setdefault(name_key(n), set()).add(b.id)
        assert all(len(ids) == 1 for ids in owners.values()), (name, keys)
