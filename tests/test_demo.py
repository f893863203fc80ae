"""``samhandling demo``: the whole Sør-Rogaland chain, stored, shown, verified; twice on the same store."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from samhandling.app.demo import run_demo
from samhandling.app.repository import CaseRepository
from samhandling.cli import main
from samhandling.store import MemoryStore, open_store


def test_demo_runs_twice_on_one_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "demo.db")
    assert main(["demo", "--db", db]) == 0
    first = capsys.readouterr().out
    assert main(["demo", "--db", db]) == 0
    second = capsys.readouterr().out
    ids = [re.search(r"^Sak (\S+):", text, re.M).group(1) for text in (first, second)]  # type: ignore[union-attr]
    assert ids[0] != ids[1]
    for text in (first, second):
        assert "Tidslinje" in text and "Sluttilstand: Implementert" in text
        assert "Helse Stavanger HF" in text and "Kvitsøy" in text and "vedtatt" in text
        assert re.search(
            r"^\d+\s+2025-\d\d-\d\d\s+SSU\s+implementere\s+Klar for implementering → Implementert", text, re.M
        )
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
    done = subprocess.run(
        [sys.executable, "-c", "from samhandling.cli import run; run()", "demo"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "samhandling.db").exists()
    assert f"Lager: {tmp_path / 'samhandling.db'}" in done.stdout


def test_demo_is_a_library_function_that_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    store = MemoryStore()
    result = run_demo(store)
    assert capsys.readouterr().out == ""
    assert result.ok and result.case.is_final and result.case.state == "implementert"
    assert result.store_check.events == len(result.case.history) == 82 // 2
    assert [e.act for e in result.repo.load(result.case.id).history] == [e.act for e in result.case.history]


def test_demo_does_not_import_the_cli() -> None:
    code = (
        "import sys, samhandling.app.demo as d\n"
        "from samhandling.store import MemoryStore\n"
        "assert d.run_demo(MemoryStore()).ok\n"
        "print(sorted(m for m in sys.modules if m.startswith('samhandling.cli')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_demo_in_memory_and_never_a_password(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--db", ":memory:"]) == 0
    out = capsys.readouterr().out
    assert "Lager: minnet (ikke varig)" in out and "Se igjen med" not in out
    # a PostgreSQL address with a password: the server is unreachable (port 1), and nothing shows the password
    code = main(["demo", "--db", "postgresql://kari:hemmelig-passord@127.0.0.1:1/saker"])
    out, err = capsys.readouterr()
    assert code == 1 and "hemmelig-passord" not in out + err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and err.startswith("feil [store")


@pytest.mark.pg
def test_demo_on_postgresql_never_prints_the_password(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    # the test server trusts local users, so the password is accepted and ignored: only printing can leak it
    _scheme, rest = pg_url.split("://", 1)
    user, host = rest.split("@", 1)
    url = f"postgresql://{user}:s3cret-pw@{host}"
    assert main(["demo", "--db", url]) == 0
    out, err = capsys.readouterr()
    assert "Sluttilstand: Implementert" in out
    assert "s3cret-pw" not in out + err
    assert f"Lager: postgresql://{user}:***@{host}" in out
    assert f"--db postgresql://{user}:***@{host}" in out
    code = main(["case", "list", "--db", url, "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and "s3cret-pw" not in out + err
