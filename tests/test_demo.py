"""``samhandling demo``: the whole Sør-Rogaland chain, stored, shown, verified; twice on the same store."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from samhandling.cli import main
from samhandling.demo import run_demo
from samhandling.store import CaseRepository, open_store


def test_demo_runs_twice_on_one_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "demo.db")
    assert run_demo(db) == 0
    first = capsys.readouterr().out
    assert main(["demo", "--db", db]) == 0
    second = capsys.readouterr().out
    ids = [re.search(r"^Sak (\S+):", text, re.M).group(1) for text in (first, second)]  # type: ignore[union-attr]
    assert ids[0] != ids[1]
    for text in (first, second):
        assert "Tidslinje" in text and "Sluttilstand: Implementert" in text
        assert "Helse Stavanger HF" in text and "Kvitsøy" in text and "vedtatt" in text
        assert re.search(r"^\d+\s+2025-\d\d-\d\d\s+SSU\s+implementere\s+Klar for implementering → Implementert",
                         text, re.M)
        assert f"Lager: {db}" in text
    assert "OK: hele lageret: 82 hendelser i 2 sak(er)" in second
    repo = CaseRepository(open_store(db))
    for cid in ids:
        case = repo.load(cid)
        assert case.is_final and case.state == "implementert"
        acts = [e.act for e in case.history]
        assert acts.count("anchor") == 16 and acts.count("political_review") == 15
    assert repo.store.verify().ok


def test_demo_default_store_is_samhandling_db_in_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SAMHANDLING_DB", raising=False)
    done = subprocess.run([sys.executable, "-c", "from samhandling.cli import run; run()", "demo"],
                          capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "samhandling.db").exists()
    assert f"Lager: {tmp_path / 'samhandling.db'}" in done.stdout
