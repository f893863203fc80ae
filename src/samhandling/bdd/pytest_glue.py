"""Binding the catalogue to pytest-bdd: the step parser, step wrappers, feature-file collection.

Imported only by :mod:`samhandling.bdd.plugin`, and only when pytest-bdd is installed.
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import scenarios

from samhandling.bdd.catalogue import StepSpec
from samhandling.bdd.world import StepAssertion
from samhandling.errors import SamhandlingError


def call_step(spec: StepSpec, world: Any, args: dict[str, str], datatable: Any, docstring: Any) -> Any:
    """Run one catalogue phrase; its Norwegian failures become clean pytest failures (no traceback into the
    library). A table or a docstring the phrase does not read fails the step instead of being ignored."""
    __tracebackhide__ = True
    message: str | None = None
    kwargs: dict[str, Any] = dict(args)
    if datatable is not None:
        if not _takes_table(spec.func):
            pytest.fail(
                f"steget «{spec.template}» leser ingen tabell; tabellen under steget ville blitt oversett. "
                "Ta bort tabellen, eller bruk et steg som tar en tabell (se «samhandling steps»).",
                pytrace=False,
            )
        kwargs["datatable"] = datatable
    if docstring is not None:
        pytest.fail(f'steget «{spec.template}» leser ingen tekstblokk ("""); den ville blitt oversett', pytrace=False)
    try:
        return spec.func(world, **kwargs)
    except StepAssertion as exc:
        message = str(exc)
    except SamhandlingError as exc:
        kind = "avvist" if exc.code and _is_refusal(exc) else "feil"
        message = f"{kind} [{exc.code}]: {exc.message}"
    pytest.fail(message, pytrace=False)


@functools.lru_cache(maxsize=256)
def _takes_table(func: Callable[..., Any]) -> bool:
    import inspect

    return "datatable" in inspect.signature(func).parameters


def _is_refusal(exc: SamhandlingError) -> bool:
    from samhandling.errors import ActRefusedError

    return isinstance(exc, ActRefusedError)


# ---------------------------------------------------------------------------- collecting .feature files

_SCENARIO_LINE = re.compile(
    r"^\s*(Scenario|Eksempel|Scenariomal|Abstrakt Scenario|Example|Scenario Outline|Scenario Template):\s*(.+?)\s*$"
)
_LANGUAGE_LINE = re.compile(r"^\s*#\s*language\s*:\s*(\S+)", re.IGNORECASE)


def lint_feature_text(text: str, filename: str) -> list[str]:
    """Problems pytest-bdd would hide or report cryptically, in Norwegian."""
    problems: list[str] = []
    lines = text.splitlines()
    language = next((m.group(1) for line in lines[:5] if (m := _LANGUAGE_LINE.match(line))), None)
    if language is None and re.search(r"^\s*(Egenskap|Funksjonalitet)\s*:", text, re.MULTILINE):
        problems.append(f"{filename}: filen bruker norske nøkkelord, men mangler første linje «# language: no»")
    elif language is not None and language.casefold() in {"nb", "nn"}:
        problems.append(
            f"{filename}: Gherkin kjenner ikke språket «{language}»; bruk «# language: no» (også for nynorsk)"
        )
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        m = _SCENARIO_LINE.match(line)
        if not m:
            continue
        name = m.group(2)
        if name in seen:
            problems.append(
                f"{filename}:{number}: scenariet «{name}» finnes allerede på linje {seen[name]}; "
                "pytest-bdd ville stille kjørt bare det ene: gi dem ulike navn"
            )
        else:
            seen[name] = number
    return problems


class FeatureModule(pytest.Module):
    """A ``.feature`` file collected as if a module had called ``scenarios()`` on it."""

    def _getobj(self) -> types.ModuleType:
        path = Path(self.path)
        text = path.read_text(encoding="utf-8")
        problems = lint_feature_text(text, self.nodeid)
        if problems:
            raise self.CollectError("\n".join(problems))
        stem = re.sub(r"\W", "_", path.stem)
        module = types.ModuleType(f"samhandling_feature_{stem}")
        module.__file__ = str(path)
        namespace = module.__dict__
        namespace["_scenarios"] = scenarios
        namespace["_feature"] = path.name
        namespace["_base"] = str(path.parent)
        try:
            # scenarios() puts the tests into its caller's locals: run it at the synthetic module's top level.
            exec(compile("_scenarios(_feature, features_base_dir=_base)", str(path), "exec"), namespace)
        except Exception as exc:  # gherkin and pytest-bdd parse errors
            hint = ""
            if "expected: #" in str(exc) or "#FeatureLine" in str(exc):
                hint = "\nTips: første linje må være «# language: no», og filen må starte med «Egenskap:»."
            raise self.CollectError(f"kunne ikke lese {self.nodeid}: {exc}{hint}") from None
        return module


def collect_feature(file_path: Path, parent: pytest.Collector) -> FeatureModule:
    return FeatureModule.from_parent(parent, path=file_path)
