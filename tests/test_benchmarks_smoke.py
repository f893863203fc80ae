"""Smoke test of the engine benchmark: it runs, prints its table and exits 0 (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "engine.py"


def test_engine_benchmark_quick(tmp_path: Path) -> None:
    out = tmp_path / "engine.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    for label in (
        "(a) samhandling",
        "(b) dict machine",
        "(c) transitions, Machine per case",
        "(d) transitions, bare shared Machine",
    ):
        assert label in text
    assert "create µs" in text and "drive µs" in text
    assert "41 hendelser" in text
    assert text.count("PASS") + text.count("FAIL") == 3
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result["contenders"]) == {"samhandling", "dict", "machine_per_case", "shared_machine"}
    assert result["events_per_case"] == 41
    assert len(result["targets"]) == 3
