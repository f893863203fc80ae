"""One pytest-bdd step for the whole catalogue: cheap for every step, lazy for projects that do not use it.

pytest-bdd looks a step up by asking every step fixture's parser whether it matches, once per step of
every scenario. With one fixture per catalogue phrase that was ~50 normalisations and regex matches per
step, even in projects that never use samhandling. Here one parser stands for the whole catalogue:

* a step text is looked up once per distinct text (cached);
* a text whose first word begins no phrase (:data:`FIRST_WORDS`) is refused without loading anything;
* the catalogue (and with it the step modules, the model and the engine) is imported on the first text that
  could be a samhandling step; then only the phrases sharing the first word are tried.

This module imports only the standard library at import time (pytest-bdd's parser class is given by the caller).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from samhandling.bdd.catalogue import StepSpec

#: The first word of every phrase in the catalogue (a quote for phrases that begin with a quoted value).
#: tests/test_bdd_dispatch.py checks that it covers the catalogue.
FIRST_WORDS = frozenset(
    {
        '"',
        "at",
        "begrunnelsen",
        "dagens",
        "datoen",
        "den",
        "det",
        "en",
        "eskaleringsveien",
        "fristen",
        "handlingen",
        "historikken",
        "leder",
        "møteleder",
        "møtet",
        "neste",
        "organet",
        "parten",
        "prosessen",
        "referent",
        "saken",
        "saker",
        "strukturen",
    }
)

_WORD = re.compile(r"\S+")

Found = tuple["StepSpec", dict[str, str]]


def first_word(normalised: str) -> str:
    if normalised.startswith('"'):
        return '"'
    m = _WORD.match(normalised)
    return m.group(0).casefold() if m else ""


def maybe_ours(text: str) -> bool:
    """Whether ``text`` begins with a word some phrase of the catalogue begins with (cheap; no import)."""
    quick = text.lstrip()
    word = '"' if quick[:1] in {'"', "«", "“", "„"} else (quick.split(None, 1)[0].casefold() if quick else "")
    if not word.isascii():
        word = unicodedata.normalize("NFC", word)
    return word in FIRST_WORDS or word.rstrip(":.") in FIRST_WORDS


class Catalogue:
    """The catalogue's phrases indexed by first word, with a cache of looked-up texts."""

    def __init__(self) -> None:
        self._index: dict[str, list[tuple[StepSpec, re.Pattern[str]]]] | None = None
        self._cache: dict[str, Found | None] = {}

    def _load(self) -> dict[str, list[tuple[StepSpec, re.Pattern[str]]]]:
        from samhandling.bdd.catalogue import all_steps
        from samhandling.bdd.text import compile_template, normalise_step

        index: dict[str, list[tuple[StepSpec, re.Pattern[str]]]] = {}
        for spec in all_steps():
            pattern = compile_template(spec.template)
            words = template_first_words(spec.template)
            for word in words:
                index.setdefault(word, []).append((spec, pattern))
        self._normalise = normalise_step
        self._index = index
        return index

    def lookup(self, text: str) -> Found | None:
        """The phrase ``text`` is and its arguments, or None."""
        try:
            return self._cache[text]
        except KeyError:
            pass
        found = self._lookup(text)
        if len(self._cache) < 65536:
            self._cache[text] = found
        return found

    def _lookup(self, text: str) -> Found | None:
        if not maybe_ours(text):
            return None  # not one of ours: nothing loaded, nothing normalised
        index = self._index if self._index is not None else self._load()
        normalised = self._normalise(text)
        for spec, pattern in index.get(first_word(normalised), ()):
            m = pattern.fullmatch(normalised)
            if m is not None:
                return spec, {k: v.strip() for k, v in m.groupdict().items() if v is not None}
        return None


def template_first_words(template: str) -> list[str]:
    """The words a template can begin with (a typed placeholder first: each of its words' first words)."""
    if template.startswith('"'):
        return ['"']
    m = re.match(r"\{(\w+):(\w+)\}", template)
    if m:
        from samhandling.bdd.text import TYPES

        words = re.split(r"\|", TYPES[m.group(2)])
        return sorted({re.split(r"\\s\+|\\ | ", w, maxsplit=1)[0].replace("\\", "").casefold() for w in words})
    return [template.split(" ", 1)[0].casefold()]


CATALOGUE = Catalogue()


def make_parser(base: type[Any]) -> Any:
    """A pytest-bdd parser (subclass of ``base``, pytest-bdd's StepParser) standing for the whole catalogue."""

    class CatalogueParser(base):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__("samhandling: stegkatalogen")

        def is_matching(self, name: str) -> bool:
            return CATALOGUE.lookup(name) is not None

        def parse_arguments(self, name: str) -> dict[str, Any] | None:
            found = CATALOGUE.lookup(name)
            return None if found is None else {"samhandling_call": found}

    return CatalogueParser()


def run_step(samhandling_world: Any, samhandling_call: Found, datatable: Any = None, docstring: Any = None) -> Any:
    """The one step function: calls the phrase's function with its arguments (and the table)."""
    from samhandling.bdd.pytest_glue import call_step

    __tracebackhide__ = True
    spec, args = samhandling_call
    return call_step(spec, samhandling_world, args, datatable, docstring)


StepFunc = Callable[..., Any]
