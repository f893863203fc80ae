"""Feature files that lie must not pass (issue 11, item 3).

Every file in ``tests/wrong_features`` says something false or unread about a process; each is run
by a real pytest (one subprocess for all of them) and must fail, for the reason its ``# forventet:``
line names (alternatives separated by « | »). A control feature with the right wording passes, so the
failures come from the wording, not from the set-up.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytest_bdd")

WRONG = Path(__file__).parent / "wrong_features"
FILES = sorted(WRONG.glob("*.feature"))

RIGHT = textwrap.dedent("""\
    # language: no
    Egenskap: Det samme sagt riktig
      Bakgrunn:
        Gitt strukturen "sogn-og-fjordane"
        Og en ny sak "Ny ansvarsdeling"
        Og "FSU" utfører "recommend"

      Scenario: Kinn er imot, og det er den eneste grunnen
        Når "SSU" forsøker å utføre "decide" med Kinn mot og alle andre for
        Så handlingen avvises bare med koden "no-consensus"
        Og begrunnelsen nevner "Kinn"
        Og saken er uendret

      Scenario: Helse Førde og Kinn er imot, skrevet med komma og anførselstegn
        Når "SSU" forsøker å utføre "decide" med "Helse Førde HF" mot, Kinn mot og alle andre for
        Så handlingen avvises med koden "no-consensus" og ingen annen grunn
        Og begrunnelsen nevner "Helse Førde"

      Scenario: FSU vedtar uten standpunkter: to grunner
        Når "FSU" forsøker å utføre "decide"
        Så handlingen avvises med koden "advisory-body"
        Og handlingen avvises med koden "positions-missing"

      Scenario: Alle er for
        Når "SSU" utfører "decide" med alle andre for
        Så saken er avsluttet

      Scenario: Standpunktene i en tabell
        Når "SSU" forsøker å utføre "decide" med standpunktene:
          | part       | standpunkt |
          | Kinn       | mot        |
          | alle andre | for        |
        Så handlingen avvises bare med koden "no-consensus"

      Scenario: Klokken
        Gitt at datoen er 10.01.2024
        Når det har gått 10 virkedager
        Så datoen er 2024-01-24
        Når det har gått 2 uker
        Så datoen er 2024-02-07
    """)


def _expected(path: Path) -> list[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# forventet:"):
            return [part.strip() for part in line.split(":", 1)[1].split(" | ")]
    raise AssertionError(f"{path.name} mangler en «# forventet:»-linje")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("wrong")
    for path in FILES:
        shutil.copy(path, folder / path.name)
    (folder / "riktig.feature").write_text(RIGHT, encoding="utf-8")
    (folder / "pytest.ini").write_text("[pytest]\nsamhandling_features = true\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--samhandling-run", "run.json"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ},
    )
    data = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    by_file = {f["file"]: f["scenarios"] for f in data["features"]}
    return {"result": result, "by_file": by_file}


def test_there_are_wrong_features() -> None:
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_a_wrong_feature_fails_for_its_reason(run: dict[str, Any], path: Path) -> None:
    scenarios = run["by_file"].get(path.name)
    assert scenarios, f"{path.name} ble ikke kjørt:\n{run['result'].stdout[-3000:]}"
    for scenario in scenarios:
        assert scenario["outcome"] == "failed", f"{path.name}: «{scenario['name']}» besto"
        failure = scenario["failure"] or ""
        wanted = _expected(path)
        assert any(w in failure for w in wanted), f"{path.name}: ventet {wanted}, fikk:\n{failure}"


def test_the_right_wording_passes(run: dict[str, Any]) -> None:
    scenarios = run["by_file"]["riktig.feature"]
    failed = {s["name"]: s["failure"] for s in scenarios if s["outcome"] != "passed"}
    assert not failed, failed
    assert len(scenarios) == 6


def test_no_wrong_feature_passes_overall(run: dict[str, Any]) -> None:
    passed = [
        f
        for f, scenarios in run["by_file"].items()
        if f != "riktig.feature" and any(s["outcome"] == "passed" for s in scenarios)
    ]
    assert passed == []
    assert run["result"].returncode == 1
