"""The step catalogue: every phrase the library ships, with an example.

One source feeds pytest-bdd (through :mod:`samhandling.bdd.plugin`), the
``samhandling steps`` command, ``docs/steps.md`` and the suggestions shown for an
undefined step. Importing this module does not import pytest.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from samhandling.bdd.text import match_template, normalise_step, skeleton

F = TypeVar("F", bound=Callable[..., Any])

#: Modules whose import registers phrases (in catalogue order).
STEP_MODULES = ("samhandling.bdd.steps",)

GROUPS = (
    "Struktur",
    "Sammensetning",
    "Relasjoner og eskalering",
    "Saker",
    "Avvisninger",
    "Møter og frister",
    "Tid",
)


@attrs.frozen
class StepSpec:
    """One shipped phrase: its template, the function behind it and how to use it."""

    template: str
    func: Callable[..., Any] = attrs.field(eq=False, repr=False)
    example: str
    group: str
    help: str
    table: str | None = None

    def matches(self, text: str) -> dict[str, str] | None:
        return match_template(self.template, text)


_STEPS: list[StepSpec] = []


def phrase(template: str, *, example: str, group: str, help: str, table: str | None = None) -> Callable[[F], F]:
    """Register ``func`` as the implementation of ``template`` (decorator)."""
    if group not in GROUPS:
        raise ValueError(f"unknown step group {group!r}")

    def decorator(func: F) -> F:
        _STEPS.append(StepSpec(template=template, func=func, example=example, group=group, help=help, table=table))
        return func

    return decorator


def all_steps() -> list[StepSpec]:
    """Every registered phrase, grouped in :data:`GROUPS` order."""
    for name in STEP_MODULES:
        importlib.import_module(name)
    order = {g: i for i, g in enumerate(GROUPS)}
    return sorted(_STEPS, key=lambda s: order[s.group])


def _strip_keyword(example: str) -> str:
    first, _, rest = example.partition(" ")
    return rest if first in {"Gitt", "Når", "Så", "Og", "Men", "*"} else example


def find(text: str) -> list[StepSpec]:
    """The phrases that match ``text`` (more than one means the catalogue is ambiguous)."""
    return [s for s in all_steps() if s.matches(text) is not None]


def suggest(text: str, n: int = 3) -> list[StepSpec]:
    """The phrases closest to ``text`` (for an undefined step)."""
    wanted = normalise_step(text).casefold()
    scored: list[tuple[float, int, StepSpec]] = []
    for i, spec in enumerate(all_steps()):
        candidates = (normalise_step(_strip_keyword(spec.example)), skeleton(spec.template))
        score = max(difflib.SequenceMatcher(None, wanted, c.casefold()).ratio() for c in candidates)
        scored.append((score, -i, spec))
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [spec for score, _, spec in scored[:n] if score >= 0.4]


def describe_suggestions(text: str, n: int = 3) -> str:
    """Norwegian text listing the closest known phrasings of ``text``."""
    found = suggest(text, n)
    if not found:
        return "Fant ingen lignende steg i katalogen; se «samhandling steps»."
    lines = ["Mente du:"]
    for spec in found:
        lines.append(f"  {spec.example}")
        lines.append(f"      (mønster: {spec.template})")
    lines.append("Hele katalogen: «samhandling steps».")
    return "\n".join(lines)


def details_lines() -> list[tuple[str, str, str]]:
    """The «med …» grammar: (form, meaning, example)."""
    from samhandling.bdd.details import GRAMMAR

    return list(GRAMMAR)


def details_markdown() -> list[str]:
    """The «med …» grammar as a Markdown section."""
    out = [
        "## Detaljer etter «med»",
        "",
        "Stegene som utfører eller forsøker en handling kan slutte med «med» og detaljer. Hvert ord leses:",
        "et ord steget ikke forstår, feiler steget og nevner ordene og den nærmeste formuleringen. Ledd skilles",
        "med komma eller «og»; navn med «og» eller komma i seg skrives i anførselstegn. Standpunktordene går",
        "uendret til prosessmotoren, som avgjør hvilke ord den godtar. «med:» alene (eller «med standpunktene:»)",
        "viser til tabellen under steget; detaljer og tabell kan brukes sammen når de ikke sier det samme.",
        "",
        "| Form | Betyr | Eksempel |",
        "|---|---|---|",
    ]
    for form, meaning, example in details_lines():
        out.append(f"| `{form}` | {meaning} | `{example}` |")
    out.append("")
    return out


def markdown() -> str:
    """The step catalogue as Markdown (``docs/steps.md``)."""
    out = [
        "# Steg for kjørbare prosessdokumenter",
        "",
        "<!-- Generert av «samhandling steps --markdown»; ikke rediger for hånd. -->",
        "",
        "Disse stegene følger med samhandling. Skriv `.feature`-filer på norsk (`# language: no`) og bruk",
        "stegene under med hvilket som helst nøkkelord (`Gitt`, `Når`, `Så`, `Og`, `Men`, `*`).",
        'Anførselstegn kan være `"…"`, `«…»` eller `“…”`; store og små bokstaver, harde mellomrom og et',
        "kolon til slutt (før en tabell) spiller ingen rolle.",
        "",
        'Slik leses mønstrene: `"{organ}"` er en verdi i anførselstegn, `{antall:d}` et heltall,',
        "`{dato:dato}` en dato (`2024-03-01`, `01.03.24` eller `1. mars 2024`), `{med:med}` ordet «med», og det",
        "som står i `[ ... ]` kan utelates. Organer og parter kan skrives med navn, forkortelse eller alias (også nynorsk), og",
        "handlinger og tilstander med navn eller norsk betegnelse. Et steg som ikke finnes, gir forslag til",
        "de nærmeste stegene i feilmeldingen; `samhandling steps --search TEKST` gjør det samme.",
        "",
        "Slå på innsamling av `.feature`-filer uten Python-kode med `samhandling_features = true` i",
        'pytest-oppsettet, eller lag en testmodul med én linje: `scenarios("features")`. Etter en kjøring',
        "lager `samhandling report` én HTML-side av resultatet.",
        "",
        "Stegene leser hele teksten sin. Et scenario kan ikke bestå ved et uhell:",
        "",
        "- ord etter «med» som ikke står i grammatikken under, feiler steget (ordene nevnes, med nærmeste",
        "  formulering); det gjør også «med» uten detaljer og uten tabell;",
        "- en tabell eller tekstblokk under et steg som ikke leser den, feiler steget;",
        "- et forsøk («forsøker å utføre») som ingen senere steg sjekker, feiler scenariet;",
        '- «Så handlingen avvises bare med koden "…"» (eller «… og ingen annen grunn») krever at koden er den',
        "  eneste grunnen motoren gir. «Så handlingen avvises» uten kode godtas fortsatt (noen dokumenter vil bare",
        "  vise at noe avvises), men koden som kom står i rapporten og som en advarsel i pytest;",
        "  `samhandling_strict_refusals = true` i pytest-oppsettet gjør koden påkrevd.",
        "",
        "Egne steg (i `conftest.py`) kan bruke fixturen `samhandling_world`: den valgte strukturen",
        "(`.structure`), prosessen (`.process`), saken (`.case`) og siste forsøk (`.attempt`).",
        "",
    ]
    out += details_markdown()
    steps = all_steps()
    for group in GROUPS:
        specs = [s for s in steps if s.group == group]
        if not specs:
            continue
        out += [f"## {group}", ""]
        for spec in specs:
            out += [f"### `{spec.template}`", "", spec.help, "", "```gherkin", spec.example]
            if spec.table:
                out += ["  " + line for line in spec.table.strip().splitlines()]
            out += ["```", ""]
    return "\n".join(out).rstrip() + "\n"
