"""One lazy step for the whole catalogue (samhandling.bdd.dispatch)."""

from __future__ import annotations

import json
import subprocess
import sys

from samhandling.bdd.catalogue import all_steps
from samhandling.bdd.dispatch import CATALOGUE, FIRST_WORDS, Catalogue, template_first_words


def _strip_keyword(example: str) -> str:
    first, _, rest = example.partition(" ")
    return rest if first in {"Gitt", "Når", "Så", "Og", "Men", "*"} else example


def test_first_words_cover_every_phrase() -> None:
    needed = {w for spec in all_steps() for w in template_first_words(spec.template)}
    assert needed <= FIRST_WORDS, sorted(needed - FIRST_WORDS)


def test_every_example_dispatches_to_its_own_phrase() -> None:
    for spec in all_steps():
        found = CATALOGUE.lookup(_strip_keyword(spec.example))
        assert found is not None, spec.example
        assert found[0].template == spec.template, (spec.example, found[0].template)


def test_pasted_quotes_and_case_still_dispatch() -> None:
    found = Catalogue().lookup("Organet\u00a0«FSU» er RÅDGIVENDE:")
    assert found is not None and found[1] == {"organ": "FSU", "myndighet": "RÅDGIVENDE"}


def test_a_text_that_is_not_ours_loads_nothing() -> None:
    script = (
        "import sys, json\n"
        "from samhandling.bdd.dispatch import CATALOGUE\n"
        "assert CATALOGUE.lookup('I have 5 cucumbers') is None\n"
        "assert CATALOGUE.lookup('the user logs in') is None\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert not {"samhandling.bdd.catalogue", "samhandling.bdd.steps", "samhandling.bdd.text"} & loaded


def test_lookups_are_cached_per_text() -> None:
    cat = Catalogue()
    first = cat.lookup('saken er i tilstanden "Ny"')
    assert first is not None
    assert cat.lookup('saken er i tilstanden "Ny"') is first
    assert cat.lookup('saken er ikke i tilstanden "Ny"') is None
