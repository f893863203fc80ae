"""Name normalisation: the key under which a body or party name is looked up.

Governance documents write the same body in many ways: «Fagleg samarbeidsutval»
(nynorsk), «Faglig samarbeidsutvalg» (bokmål), «Faglig Samarbeidsutvalg», with a
non-breaking space, or hyphenated across a line break («beslutnings-\\nmyndighet»).
:func:`name_key` folds all of these to one key, so that lookups within a
structure are tolerant while the structure keeps each body's own spelling.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Whole-word nynorsk -> bokmål variants seen in the sources (domain brief §3.2).
# Keys and values are already case-folded. Only word forms that name bodies or
# roles are listed: the table is for lookup keys, not for translating prose.
NYNORSK_TO_BOKMAL: dict[str, str] = {
    "fagleg": "faglig",
    "faglege": "faglige",
    "samarbeidsutval": "samarbeidsutvalg",
    "samarbeidsutvalet": "samarbeidsutvalget",
    "utval": "utvalg",
    "utvalet": "utvalget",
    "partnarskapsmøte": "partnerskapsmøte",
    "partnarskapsmøtet": "partnerskapsmøtet",
    "avtaleutval": "avtaleutvalg",
    "avtaleutvalet": "avtaleutvalget",
    "leiar": "leder",
    "leiarar": "ledere",
    "helseføretak": "helseforetak",
    "helseføretaket": "helseforetaket",
    "kommunane": "kommunene",
    "kommunar": "kommuner",
    "brukarar": "brukere",
    "brukarrepresentant": "brukerrepresentant",
    "brukarrepresentantar": "brukerrepresentanter",
    "fastlegar": "fastleger",
    "tenester": "tjenester",
    "teneste": "tjeneste",
    "sjukehus": "sykehus",
    "sjukehuset": "sykehuset",
    "innan": "innen",
    "faggruppa": "faggruppen",
    "rådmannsgruppa": "rådmannsgruppen",
    "regionråd": "regionråd",
    "nettverka": "nettverkene",
    "eit": "et",
    "ei": "en",
    "ein": "en",
    "i": "i",
    "og": "og",
    # Adjectives in -lege (plural/definite): listed one by one, since «-lege» is also «lege» (a doctor):
    # «fastlege», «overlege» must stay as they are. The singular «-leg» is folded by a suffix rule below.
    "skrøpelege": "skrøpelige",
    "daglege": "daglige",
    "vanlege": "vanlige",
    "ansvarlege": "ansvarlige",
    "helsefaglege": "helsefaglige",
    "tverrfaglege": "tverrfaglige",
    "naudsynte": "nødvendige",
    "naudsynt": "nødvendig",
    "overordna": "overordnet",
    "born": "barn",
    "frå": "fra",
    "heime": "hjemme",
    "heimeteneste": "hjemmetjeneste",
    "heimetenester": "hjemmetjenester",
    "heimetenesta": "hjemmetjenesten",
    "sjukeheim": "sykehjem",
    "sjukeheimar": "sykehjem",
    "sjukeheimen": "sykehjemmet",
    "leiing": "ledelse",
    "leiinga": "ledelsen",
    "forsking": "forskning",
    "tilsette": "ansatte",
    "personar": "personer",
    "tilbod": "tilbud",
    "tilboda": "tilbudene",
    "eininga": "enheten",
    "eining": "enhet",
}

# Word endings and beginnings that differ in the same way in every compound: «samarbeidsutval»,
# «brukarutval», «helsetenester», «omsorgstenesta», «arbeidsgruppa», «sjukepleiar», «fagleg»,
# «skrøpeleg». None of the nynorsk forms is a bokmål word, so folding them cannot make two distinct
# bokmål names collide (tests/test_names.py checks pairs that must stay apart).
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("utvala", "utvalgene"),
    ("utvalet", "utvalget"),
    ("utval", "utvalg"),
    ("tenestene", "tjenestene"),
    ("tenesta", "tjenesten"),
    ("tenester", "tjenester"),
    ("teneste", "tjeneste"),
    ("gruppa", "gruppen"),
    ("pleiarar", "pleiere"),
    ("pleiar", "pleier"),
    ("leiarane", "lederne"),
    ("leiarar", "ledere"),
    ("leiaren", "lederen"),
    ("leiar", "leder"),
    ("føretaka", "foretakene"),
    ("føretaket", "foretaket"),
    ("føretak", "foretak"),
    ("leg", "lig"),  # fagleg, skrøpeleg, tverrfagleg, ansvarleg (no bokmål word ends in «-leg»)
)
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("sjuk", "syk"),  # sjukehus, sjukepleie, sjukepleiar
    ("brukar", "bruker"),  # brukarutval, brukarrepresentant
    ("leiar", "leder"),  # leiargruppe, leiarforum
)

_HYPHEN_BREAK = re.compile(r"(\w)-\s*\n\s*(\w)")  # «beslutnings-\nmyndighet»
_HYPHEN_SPACE_LOWER = re.compile(r"(\w)- (?=[a-zæøå])")  # «beslutnings- myndighet»
_SLASH_SPACE = re.compile(r"-/\s+")  # «forløp-/ samhandling»
_PUNCT = re.compile(r"[\"'«»“”‘’„()\[\].,:;!?]")
_WS = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """NFC-normalise, join line-break hyphenation and fold Unicode whitespace."""
    text = unicodedata.normalize("NFC", text)
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    text = _SLASH_SPACE.sub("-/", text)
    # Every Unicode space separator (NBSP, thin space, ...) and control whitespace.
    text = "".join(" " if (ch.isspace() or unicodedata.category(ch) == "Zs") else ch for ch in text)
    return _WS.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def name_key(name: str) -> str:
    """The lookup key of a name: case-, whitespace-, hyphenation- and variant-insensitive.

    >>> name_key("Fagleg samarbeidsutval") == name_key("Faglig  Samarbeidsutvalg")
    True
    >>> name_key("Strategisk\\u00a0samarbeidsutval") == name_key("strategisk samarbeidsutvalg")
    True
    """
    text = clean_text(name).casefold()
    text = _HYPHEN_SPACE_LOWER.sub(r"\1", text)
    text = _PUNCT.sub(" ", text)
    words = ["-".join(_fold_word(part) for part in w.split("-")) for w in text.split()]
    return " ".join(words)


def _fold_word(word: str) -> str:
    """The bokmål form of one case-folded nynorsk word (unchanged when it is not a known variant)."""
    if word in NYNORSK_TO_BOKMAL:
        return NYNORSK_TO_BOKMAL[word]
    for old, new in _PREFIXES:
        if word.startswith(old) and len(word) > len(old) + 2:
            word = new + word[len(old) :]
            break
    if word in NYNORSK_TO_BOKMAL:
        return NYNORSK_TO_BOKMAL[word]
    for old, new in _SUFFIXES:
        if word.endswith(old) and len(word) >= len(old) + 3:
            return word[: -len(old)] + new
    return word


def slug(name: str) -> str:
    """An ASCII-ish identifier for a name (for ids in exports)."""
    text = name_key(name)
    text = text.replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
