"""Smoke test of benchmarks/bdd.py: it runs the three projects, prints the ratios and exits 0 (no timing asserts)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pytest_bdd")

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_bdd_benchmark_runs_and_prints_its_targets(tmp_path: Path) -> None:
    out = tmp_path / "bdd.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bdd.py"), "--scenarios", "10", "--rounds", "1", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASS") + proc.stdout.count("FAIL") == 3
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data["results"]) == {
        "uvedkommende prosjekt uten samhandling",
        "uvedkommende prosjekt med samhandling",
        "vanlige pytest-bdd-steg (uten samhandling)",
        "samhandlings steg",
    }
