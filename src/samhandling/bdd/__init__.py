"""Executable process documents: Norwegian Gherkin steps for pytest-bdd.

This package is importable without pytest: the phrases (:mod:`.catalogue`), the
step logic (:mod:`.steps`), the «med …» details grammar (:mod:`.details`), text
normalisation (:mod:`.text`), the run record and the HTML report are plain Python.
Only :mod:`samhandling.bdd.plugin` (loaded by pytest through the ``pytest11``
entry point) binds them to pytest-bdd, through the one lazy step of :mod:`.dispatch`.
Importing this package imports nothing else (the plugin loads in every pytest run).
"""

from __future__ import annotations

from typing import Any

__all__ = ["normalise_step"]


def __getattr__(name: str) -> Any:
    if name == "normalise_step":
        from samhandling.bdd.text import normalise_step

        return normalise_step
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
