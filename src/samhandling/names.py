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
}

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
    words = [NYNORSK_TO_BOKMAL.get(w, w) for w in text.split()]
    return " ".join(words)


def slug(name: str) -> str:
    """An ASCII-ish identifier for a name (for ids in exports)."""
    text = name_key(name)
    text = text.replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
