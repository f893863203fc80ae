"""``import samhandling`` stays light: heavy libraries load only when a feature needs them."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("matplotlib", "sqlalchemy", "pytest", "networkx", "icalendar", "transitions", "psycopg", "pytest_bdd")


def _loaded_after(code: str) -> set[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in json.loads(out.stdout.splitlines()[-1])}


def test_import_samhandling_does_not_load_heavy_libraries() -> None:
    loaded = _loaded_after("import samhandling")
    assert "samhandling" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_public_names_without_heavy_imports() -> None:
    loaded = _loaded_after(
        "import samhandling\nsamhandling.Body, samhandling.SamhandlingError, samhandling.loads, samhandling.Modality"
    )
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_cli_help_does_not_load_plotting_or_storage() -> None:
    loaded = _loaded_after("from samhandling.cli import build_parser\nbuild_parser()")
    assert loaded.isdisjoint({"matplotlib", "sqlalchemy", "pytest", "icalendar", "psycopg"}), sorted(loaded)
