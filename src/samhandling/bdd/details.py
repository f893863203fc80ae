"""The «med …» details of an act step: a small documented grammar, read to the last word.

``Når "SSU" forsøker å utføre "decide" med Austvik mot og alle andre for`` used to record an empty
payload: everything after «med» was ignored. Here the details are tokenised and parsed into
:class:`Details`; a word the grammar does not read fails the step, naming the words and the closest
phrasing. The grammar (also shown by ``samhandling steps`` and in ``docs/steps.md``, from :data:`GRAMMAR`)::

    detaljer   := ledd ( ("," | "og") ledd )*
    ledd       := PART [":"] ORD                standpunkt: «Sola mot», «Sola: mot», «"Helse Førde" for»
                | "alle andre" ORD              standpunkt for alle parter som ikke er nevnt
                | "merknad" TEKST               opplysningen remark
                | "begrunnelse" TEKST           opplysningen reason
                | "for" PART                    handlingen gjelder én part (party)
                | ("datoen" | "den") DATO       datoen handlingen gjelder fra
                | "til" TILSTAND                tilbakesending til en tilstand (to)
                | "møtet" DATO                  møtet saken gjelder (meeting)
                | FELT ":" VERDI                et svar, f.eks. «politisk behandling: ja»
                | "standpunktene"               tabellen under steget er standpunktene

``TEKST`` is a quoted text; ``PART``/``TILSTAND`` a name, quoted when it contains «og» or a comma;
``ORD`` one word, passed to the engine as said (the engine judges the vocabulary); ``DATO``
``2024-02-14``, ``14.02.2024`` or ``14. februar 2024``. This module knows no structure: the step gives
:func:`parse_details` a predicate for party names and a list of known names for suggestions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from samhandling.errors import UsageError

#: The grammar's phrases as shown in the catalogue: (form, meaning, example).
GRAMMAR: tuple[tuple[str, str, str], ...] = (
    (
        "PART ORD / PART: ORD",
        "partens standpunkt (for, mot, avstår …); ordet går uendret til prosessmotoren",
        "med Sola mot, Stavanger for og alle andre for",
    ),
    (
        "alle andre ORD",
        "samme standpunkt for alle parter (kommuner og helseforetak) som ikke er nevnt",
        "med Kvitsøy avstår og alle andre for",
    ),
    ('merknad "TEKST"', "en merknad (opplysningen «remark»)", 'med merknad "hastesak"'),
    ('begrunnelse "TEKST"', "begrunnelsen (opplysningen «reason»)", 'med begrunnelse "Mangler kostnadsoverslag"'),
    ("for PART", "handlingen gjelder én part (opplysningen «party»)", 'med for "Sola"'),
    (
        "datoen DATO / den DATO",
        "datoen handlingen gjelder fra (ellers dagens dato i scenariet)",
        "med datoen 14.02.2024",
    ),
    ('til "TILSTAND"', "tilstanden saken sendes tilbake til (opplysningen «to»)", 'med til "Forløp utarbeidet"'),
    ("møtet DATO", "møtet saken gjelder (opplysningen «meeting»)", "med møtet 2024-10-15"),
    (
        "FELT: VERDI",
        "et svar eller en opplysning: feltets norske betegnelse fra prosessen eller navnet; ja/nei blir sann/usann",
        "med politisk behandling: ja",
    ),
    ("standpunktene", "tabellen under steget har kolonnene «part | standpunkt»", "med standpunktene:"),
)

#: Words that begin a keyword phrase (what an unknown first word is compared with).
KEYWORDS: tuple[str, ...] = (
    "alle andre",
    "merknad",
    "begrunnelse",
    "for",
    "datoen",
    "den",
    "til",
    "møtet",
    "standpunktene",
)

_OTHERS = ("alle andre", "alle de andre", "de andre", "resten", "de øvrige", "øvrige")
TEXT_KEYS = {
    "merknad": "remark",
    "merknaden": "remark",
    "begrunnelse": "reason",
    "begrunnelsen": "reason",
    "grunn": "reason",
    "grunngjeving": "reason",
}
_DATE_WORDS = {"datoen", "den", "dato"}
_MEETING_WORDS = {"møtet", "møte"}
_TOKEN = re.compile(r'"(?P<quoted>[^"]*)"|(?P<comma>,)|(?P<colon>:)|(?P<word>[^\s",:]+)')


class DetailsError(UsageError):
    """Words after «med» that the details grammar does not read."""

    code = "unread-words"


@dataclass(frozen=True)
class Token:
    kind: str  # "quoted", "comma", "colon", "word"
    text: str

    def shown(self) -> str:
        return f'"{self.text}"' if self.kind == "quoted" else self.text


@dataclass
class Details:
    """What the «med …» words said, before the structure and the process resolve the names."""

    positions: list[tuple[str, str]] = field(default_factory=list)  # (party as said, word as said)
    others: str | None = None  # the word for «alle andre»
    fields: list[tuple[str, str, bool]] = field(default_factory=list)  # (key as said, value, quoted)
    party: str | None = None
    on: str | None = None
    table_positions: bool = False

    @property
    def empty(self) -> bool:
        return not (self.positions or self.others or self.fields or self.party or self.on or self.table_positions)


def tokenize(text: str) -> list[Token]:
    """Words, quoted texts, commas and colons (text already normalised: straight double quotes)."""
    tokens: list[Token] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        gap = text[pos : m.start()]
        if gap.strip():
            raise DetailsError(f"uavsluttet anførselstegn i «{text}»: {gap.strip()}")
        kind = m.lastgroup or "word"
        tokens.append(Token(kind, m.group(kind)))
        pos = m.end()
    rest = text[pos:]
    if rest.strip():
        raise DetailsError(f"uavsluttet anførselstegn i «{text}»: {rest.strip()}")
    return tokens


def _split(tokens: list[Token]) -> list[list[Token]]:
    """Items separated by «,» and the word «og» (quoted texts keep theirs)."""
    items: list[list[Token]] = [[]]
    for t in tokens:
        if t.kind == "comma" or (t.kind == "word" and t.text.casefold() == "og"):
            items.append([])
        else:
            items[-1].append(t)
    return items


def _words(tokens: list[Token]) -> str:
    return " ".join(t.text for t in tokens)


def _shown(tokens: list[Token]) -> str:
    return " ".join(t.shown() for t in tokens)


def _starts_with(tokens: list[Token], phrase: str) -> int:
    """How many tokens the unquoted ``phrase`` covers at the start of ``tokens`` (0: not there)."""
    words = phrase.split()
    if len(tokens) < len(words):
        return 0
    for t, w in zip(tokens, words, strict=False):
        if t.kind != "word" or t.text.casefold() != w:
            return 0
    return len(words)


def closest(words: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates closest to ``words`` (case-insensitive), best first."""
    pool = {c.casefold(): c for c in candidates if c}
    hits = difflib.get_close_matches(words.casefold(), list(pool), n=n, cutoff=0.5)
    return [pool[h] for h in hits]


def _unread(item: list[Token], text: str, names: Iterable[str], why: str = "") -> DetailsError:
    said = _shown(item)
    forms = [form for form, _, _ in GRAMMAR]
    first = item[0].text if item else ""
    hints = closest(first, KEYWORDS, 2) if item and item[0].kind == "word" else []
    party_part = _words(item[:-1]) if len(item) > 1 else _words(item)
    near_names = closest(party_part, names, 2)
    suggestion: list[str] = []
    for k in hints:
        suggestion.extend(f for f in forms if f.startswith(k))
    suggestion.extend(f"{n} for / {n} mot" for n in near_names)
    if not suggestion:
        suggestion = forms[:3]
    return DetailsError(
        f"forstod ikke ordene «{said}» etter «med» i «{text}»{why}; nærmeste formulering: "
        + " eller ".join(f"«{s}»" for s in dict.fromkeys(suggestion))
        + " (alle formene: «samhandling steps»)"
    )


def _one_value(item: list[Token], start: int, text: str, what: str) -> tuple[str, bool]:
    rest = item[start:]
    if not rest or any(t.kind == "colon" for t in rest):
        raise DetailsError(f"«{_shown(item)}» i «{text}» mangler {what}")
    if len(rest) > 1 and any(t.kind == "quoted" for t in rest):
        raise DetailsError(f"forstod ikke «{_shown(rest)}» i «{text}»: skriv {what} som én tekst i anførselstegn")
    if rest[0].kind == "quoted":
        return rest[0].text, True
    return _words(rest), False


def parse_details(
    text: str | None,
    *,
    is_party: Callable[[str], bool],
    names: Iterable[str] = (),
    is_date: Callable[[str], bool] = lambda _t: True,
) -> Details:
    """Read every word of the «med …» details, or raise :class:`DetailsError` naming the words not read."""
    details = Details()
    if text is None or not text.strip():
        return details
    names = list(names)
    tokens = tokenize(text)
    for item in _split(tokens):
        if not item:
            raise DetailsError(f"tomt ledd i «{text}»: et «,» eller «og» står uten noe mellom")
        head = item[0].text.casefold() if item[0].kind == "word" else ""
        colon = next((i for i, t in enumerate(item) if t.kind == "colon"), None)
        others = max((_starts_with(item, w) for w in _OTHERS), default=0)
        if others:
            rest = item[others:]
            if len(rest) == 2 and rest[0].kind == "colon":
                rest = rest[1:]  # «alle andre: for»
            if len(rest) != 1 or rest[0].kind == "colon":
                raise _unread(item, text, names, ": skriv «alle andre» og ett standpunkt, f.eks. «alle andre for»")
            if details.others is not None:
                raise DetailsError(f"«alle andre» står to ganger i «{text}»")
            details.others = rest[0].text
        elif colon is not None:
            key = _words(item[:colon])
            if colon == 0 or any(t.kind != "word" for t in item[:colon]):
                raise _unread(item, text, names, ": et felt skrives «FELT: VERDI»")
            value, quoted = _one_value(item, colon + 1, text, f"en verdi for «{key}»")
            if is_party(key) and not quoted and " " not in value:
                details.positions.append((key, value))  # «Sola: mot» is a position too
            else:
                details.fields.append((key, value, quoted))
        elif head in TEXT_KEYS and len(item) >= 2:
            if len(item) != 2 or item[1].kind != "quoted":
                raise _unread(item, text, names, f': {head} skrives med teksten i anførselstegn, f.eks. «{head} "…"»')
            details.fields.append((TEXT_KEYS[head], item[1].text, True))
        elif head == "for" and len(item) >= 2:
            value, _quoted = _one_value(item, 1, text, "en part")
            if details.party is not None:
                raise DetailsError(f"«for PART» står to ganger i «{text}»")
            details.party = value
        elif head in _DATE_WORDS and len(item) >= 2:
            value, _quoted = _one_value(item, 1, text, "en dato")
            if not is_date(value):
                raise DetailsError(
                    f"«{value}» i «{text}» er ikke en dato; bruk 2024-02-14, 14.02.2024 eller 14. februar 2024",
                    code="bad-date",
                )
            if details.on is not None:
                raise DetailsError(f"datoen står to ganger i «{text}»")
            details.on = value
        elif head in _MEETING_WORDS and len(item) >= 2:
            value, _quoted = _one_value(item, 1, text, "en møtedato")
            if not is_date(value):
                raise DetailsError(
                    f"«{value}» i «{text}» er ikke en dato; bruk 2024-10-15 eller 15.10.2024", code="bad-date"
                )
            details.fields.append(("meeting", value, False))
        elif head == "til" and len(item) >= 2:
            value, _quoted = _one_value(item, 1, text, "en tilstand")
            details.fields.append(("to", value, True))
        elif head in {"standpunktene", "standpunkter"} and len(item) == 1:
            details.table_positions = True
        elif len(item) >= 2 and item[-1].kind == "word":
            party_tokens = item[:-1]
            if len(party_tokens) == 1 and party_tokens[0].kind == "quoted":
                party = party_tokens[0].text
            elif all(t.kind == "word" for t in party_tokens):
                party = _words(party_tokens)
            else:
                raise _unread(item, text, names)
            if not is_party(party):
                raise _unread(item, text, names, f": «{party}» er ingen part i strukturen")
            details.positions.append((party, item[-1].text))
        else:
            raise _unread(item, text, names)
    return details
