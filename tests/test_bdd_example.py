"""examples/bdd-project runs with nothing but ``pytest`` inside its folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from samhandling.bdd.record import read_run

pytest.importorskip("pytest_bdd")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bdd-project"


def test_example_project_runs_with_plain_pytest(tmp_path: Path) -> None:
    folder = tmp_path / "bdd-project"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".samhandling", "__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fjordby.feature::test_sørvik_er_imot_og_ssu_har_ingen_konsensus PASSED" in result.stdout
    assert "4 passed" in result.stdout
    assert "test_det_samme_skrevet_i_steget_sørvik_er_imot_og_det_er_den_eneste_grunnen PASSED" in result.stdout
    run = read_run(folder / ".samhandling" / "bdd-run.json")
    [feature] = run["features"]
    assert feature["name"] == "Saker i Helsefellesskapet Fjordby"
    assert {s["world"]["structure"]["id"] for s in feature["scenarios"]} == {"fjordby"}
