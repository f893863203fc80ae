"""Every script in examples/ runs to completion in a clean working directory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(p for p in EXAMPLES.glob("*.py") if p.is_file())  # examples/bdd-project is a directory


def _run(script: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, str(script)]
    if re.search(r"argv\[1\]", script.read_text(encoding="utf-8")):  # the script takes an output path
        argv.append(str(cwd / "out.png"))
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)


def test_there_are_examples() -> None:
    assert EXAMPLES / "embed_case.py" in SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_runs(script: Path, tmp_path: Path) -> None:
    result = _run(script, tmp_path)
    assert result.returncode == 0, f"{script.name} failed:\n{result.stdout}\n{result.stderr}"
    assert result.stdout.strip(), f"{script.name} printed nothing"


def test_embed_case_output(tmp_path: Path) -> None:
    result = _run(EXAMPLES / "embed_case.py", tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    out = result.stdout
    assert lines[0].startswith("Helsefellesskapet Sør-Rogaland: ")
    assert "Tilstand: Ny sak" in lines
    assert "  neste: forankre arbeidet (anchor) – FSU" in lines
    assert "Avvist [out-of-order]: «godkjenne mandat» skjer i rekkefølge: FSU må behandle saken før SSU" in lines
    assert (
        "Avvist [anchoring-incomplete]: «utarbeide nye forløp-/samhandlingsstrukturer» kan ikke skje før «forankre "
        "arbeidet» er registrert for alle parter" in out
    )
    assert "Avvist [missing-input]: å trekke saken krever en begrunnelse (reason)" in lines
    assert "Avvist [advisory-body]: FSU er et rådgivende organ uten beslutningsmyndighet" in out
    assert "Avvist [no-consensus]: SSU har ikke konsensus: Sola er imot" in out
    assert "Hvorfor ikke «approve_proposal» av FSU? FSU er et rådgivende organ" in out
    assert "Utført: approve_proposal av ssu den 2024-06-13 → Forslag godkjent av SSU" in lines
    assert "  neste: vurdere konsekvenser og behov for politisk behandling (assess_consequences) – SSU" in lines
    history = lines[lines.index("Historikk:") + 1 :]
    assert history[0] == "  1. 2024-01-10 open (-) → Ny sak"
    assert history[-1] == "  24. 2024-06-13 approve_proposal (SSU) → Forslag godkjent av SSU"
    assert not list(tmp_path.iterdir())  # wrote nothing
