"""Executable process documents: Norwegian Gherkin steps for pytest-bdd.

This package is importable without pytest: the phrases (:mod:`.catalogue`), the
step logic (:mod:`.steps`), text normalisation (:mod:`.text`), the run record and
the HTML report are plain Python. Only :mod:`samhandling.bdd.plugin` (loaded by
pytest through the ``pytest11`` entry point) binds them to pytest-bdd.
"""

from __future__ import annotations

from samhandling.bdd.text import normalise_step

__all__ = ["normalise_step"]
