"""The pytest plugin end to end: real pytest runs in a subprocess, on feature files written here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("pytest_bdd")

INI = "[pytest]\nsamhandling_features = true\n"

BROKEN = """\
# language: no
Egenskap: Et brutt prosessdokument

  Scenario: SSU godkjenner for tidlig
    Gitt strukturen "sor-rogaland"
    Og dagens dato er 2024-01-15
    Og en ny sak "Forløp med feil"
    Når "TMG barn og unge" utfører "utarbeide mandat"
    Og "SSU" utfører "godkjenne forslaget"
    Så saken er i tilstanden "Forslag godkjent av SSU"

  Scenario: Feilstavet steg
    Gitt strukturen "sor-rogaland"
    Og en ny sak "Forløp med skrivefeil"
    Så saken er i tilstand "Ny sak"

  Scenario: En tabell blir med i kjøringen
    Gitt strukturen "sor-rogaland"
    Og en ny sak "Tabell"
    Når "SSU" forsøker å utføre "withdraw" med:
      | felt        | verdi       |
      | begrunnelse | Dekket før  |
    Så handlingen godtas
"""


def run_pytest(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **(env or {})},
    )


def project(tmp_path: Path, feature: str = BROKEN, ini: str = INI, name: str = "prosess.feature") -> Path:
    (tmp_path / "pytest.ini").write_text(ini, encoding="utf-8")
    (tmp_path / name).write_text(feature, encoding="utf-8")
    return tmp_path


def test_a_failing_step_is_named_with_file_line_and_the_case_history(tmp_path: Path) -> None:
    result = run_pytest(project(tmp_path))
    out = result.stdout
    assert result.returncode == 1, out
    assert 'Steget som feilet: Og "SSU" utfører "godkjenne forslaget"' in out
    assert "i prosess.feature, linje 9 (scenario «SSU godkjenner for tidlig», linje 4)" in out
    assert "avvist [invalid-state]" in out
    assert "Saken «Forløp med feil» er i tilstanden «Mandat utarbeidet»" in out
    assert "2024-01-15  utarbeide mandat (draft_mandate) av Tjenestemodellgruppe barn og unge" in out
    # the library's own frames are hidden: the message is the Norwegian refusal, not a traceback
    assert "steps.py" not in out


def test_a_misspelt_step_gets_the_closest_known_phrasings(tmp_path: Path) -> None:
    out = run_pytest(project(tmp_path)).stdout
    assert 'Udefinert steg: Så saken er i tilstand "Ny sak"' in out
    assert "i prosess.feature, linje 15" in out
    suggestions = out.split("Mente du:", 1)[1].splitlines()
    assert 'Så saken er i tilstanden "Mandat godkjent"' in suggestions[1]


def test_the_run_is_recorded_with_statuses_tables_and_history(tmp_path: Path) -> None:
    run_pytest(project(tmp_path))
    data = json.loads((tmp_path / ".samhandling" / "bdd-run.json").read_text(encoding="utf-8"))
    assert data["format"] == "samhandling-bdd-run/1"
    assert data["counts"] == {"failed": 2, "passed": 1}
    [feature] = data["features"]
    assert feature["name"] == "Et brutt prosessdokument" and feature["file"] == "prosess.feature"
    early, typo, table = feature["scenarios"]
    assert [s["status"] for s in early["steps"]] == ["passed"] * 4 + ["failed", "pending"]
    assert early["steps"][4]["line"] == 9 and "invalid-state" in early["steps"][4]["error"]
    assert [e["act"] for e in early["world"]["case"]["history"]] == ["open", "draft_mandate"]
    assert typo["steps"][-1]["status"] == "undefined"
    assert typo["steps"][-1]["suggestions"][0]["example"].startswith("Så saken er i tilstanden")
    assert table["outcome"] == "passed"
    assert table["steps"][2]["datatable"] == [["felt", "verdi"], ["begrunnelse", "Dekket før"]]
    assert table["world"]["case"]["state"] == "trukket"


def test_feature_files_are_collected_only_when_the_ini_option_says_so(tmp_path: Path) -> None:
    folder = project(tmp_path, ini="[pytest]\n")
    result = run_pytest(folder)
    assert result.returncode == 5, result.stdout  # no tests collected
    assert not (folder / ".samhandling").exists()


def test_a_one_line_module_collects_the_features_instead(tmp_path: Path) -> None:
    (tmp_path / "features").mkdir()
    project(tmp_path / "features", ini="[pytest]\n")
    (tmp_path / "features" / "pytest.ini").unlink()
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_features.py").write_text(
        'from pytest_bdd import scenarios\n\nscenarios("features")\n', encoding="utf-8"
    )
    result = run_pytest(tmp_path, "-v")
    assert "test_features.py::test_en_tabell_blir_med_i_kjøringen PASSED" in result.stdout
    assert "Steget som feilet" in result.stdout


def test_duplicate_scenario_names_and_a_missing_language_line_are_reported(tmp_path: Path) -> None:
    feature = textwrap.dedent("""\
        # language: no
        Egenskap: Dobbelt
          Scenario: Samme navn
            Gitt strukturen "sor-rogaland"
          Scenario: Samme navn
            Gitt strukturen "sor-rogaland"
        """)
    out = run_pytest(project(tmp_path, feature)).stdout
    assert "scenariet «Samme navn» finnes allerede på linje 3" in out
    (tmp_path / "prosess.feature").write_text(
        feature.split("\n", 1)[1].replace("Samme navn", "Ett", 1), encoding="utf-8"
    )
    out = run_pytest(tmp_path).stdout
    assert "mangler første linje «# language: no»" in out


def test_run_file_location_is_configurable_and_can_be_switched_off(tmp_path: Path) -> None:
    folder = project(tmp_path)
    run_pytest(folder, "--samhandling-run", "ut/kjøring.json")
    assert (folder / "ut" / "kjøring.json").exists()
    (folder / "pytest.ini").write_text(INI + "samhandling_run_file =\n", encoding="utf-8")
    run_pytest(folder)
    assert not (folder / ".samhandling").exists()


def test_structure_file_relative_to_the_feature_and_user_steps_alongside(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "liten.yaml").write_text(
        textwrap.dedent("""\
        structure: liten
        name: Et lite samarbeid
        language: nb
        parties:
          - {id: a, name: Aby, kind: municipality}
          - {id: hf, name: Sykehuset, kind: health_trust}
        bodies:
          - id: styret
            name: Styret
            kind: board
            power: decides
            members:
              - {party: a, count: 2}
              - {party: hf, count: 2}
        """),
        encoding="utf-8",
    )
    feature = textwrap.dedent("""\
        # language: no
        Egenskap: Egen struktur
          Scenario: Styret i en struktur ved siden av feature-filen
            Gitt strukturen "liten.yaml"
            Så organet "Styret" har like mange representanter fra kommunene og helseforetaket
            Og organet "styret" har 4 medlemmer
            Og et eget steg fra conftest
        """)
    (tmp_path / "docs" / "liten.feature").write_text(feature, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text(INI, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(
        textwrap.dedent("""\
        from pytest_bdd import step

        @step("et eget steg fra conftest")
        def _(samhandling_world):
            assert samhandling_world.structure.name == "Et lite samarbeid"
        """),
        encoding="utf-8",
    )
    result = run_pytest(tmp_path, "-v")
    assert "test_styret_i_en_struktur_ved_siden_av_featurefilen PASSED" in result.stdout, result.stdout


BLOCKER = """\
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "pytest_bdd" or name.startswith("pytest_bdd."):
            raise ImportError("pytest_bdd er blokkert i denne testen")
        return None
sys.meta_path.insert(0, Block())
import pytest
sys.exit(pytest.main(["-p", "no:cacheprovider", "-p", "samhandling.bdd.plugin", "-q"]))
"""


def test_the_plugin_loads_without_pytest_bdd(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text(INI, encoding="utf-8")
    (tmp_path / "prosess.feature").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "test_vanlig.py").write_text("def test_ok():\n    assert True\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


UNRELATED_FEATURE = """\
Feature: Cucumbers
  Scenario: Eating cucumbers
    Given there are 5 cucumbers
    When I eat 2 cucumbers
    Then there are 3 cucumbers left
"""

UNRELATED_STEPS = """\
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("cucumbers.feature")


@given(parsers.parse("there are {n:d} cucumbers"), target_fixture="basket")
def basket(n):
    return {"n": n}


@when(parsers.parse("I eat {n:d} cucumbers"))
def eat(basket, n):
    basket["n"] -= n


@then(parsers.parse("there are {n:d} cucumbers left"))
def left(basket, n):
    assert basket["n"] == n
"""

MODULES_CONFTEST = """\
import json, sys

def pytest_sessionfinish(session):
    with open("modules.json", "w") as f:
        json.dump(sorted(sys.modules), f)
"""


def test_an_unrelated_pytest_bdd_project_loads_nothing_of_ours_and_gets_no_run_file(tmp_path: Path) -> None:
    (tmp_path / "cucumbers.feature").write_text(UNRELATED_FEATURE, encoding="utf-8")
    (tmp_path / "test_cucumbers.py").write_text(UNRELATED_STEPS, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(MODULES_CONFTEST, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    result = run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout
    loaded = set(json.loads((tmp_path / "modules.json").read_text(encoding="utf-8")))
    assert "samhandling.bdd.plugin" in loaded  # the plugin is there ...
    # (the run record, plain json, is kept for every scenario and written only when samhandling was used)
    ours = {
        "samhandling.bdd.catalogue",
        "samhandling.bdd.steps",
        "samhandling.bdd.world",
        "samhandling.bdd.text",
        "samhandling.bdd.pytest_glue",
        "samhandling.bdd.details",
        "networkx",
        "transitions",
        "holidays",
    }
    assert not ours & loaded, sorted(ours & loaded)  # ... but nothing behind it was loaded
    assert not (tmp_path / ".samhandling").exists()


def test_an_undefined_step_in_an_unrelated_project_keeps_pytest_bdds_message(tmp_path: Path) -> None:
    (tmp_path / "cucumbers.feature").write_text(UNRELATED_FEATURE.replace("I eat", "I munch"), encoding="utf-8")
    (tmp_path / "test_cucumbers.py").write_text(UNRELATED_STEPS, encoding="utf-8")
    result = run_pytest(tmp_path)
    assert result.returncode == 1
    assert "Step definition is not found" in result.stdout and "Mente du" not in result.stdout
    (tmp_path / "cucumbers.feature").write_text(
        UNRELATED_FEATURE.replace("{i + 3}", "99").replace("there are 3 cucumbers left", "there are 99 cucumbers left"),
        encoding="utf-8",
    )
    result = run_pytest(tmp_path)
    assert result.returncode == 1
    assert "assert 3 == 99" in result.stdout and "Steget som feilet" not in result.stdout


PLAIN_REFUSAL = """\
# language: no
Egenskap: Avvisning uten kode
  Scenario: FSU vedtar
    Gitt strukturen "sogn-og-fjordane"
    Og en ny sak "Samarbeid om legevakt"
    Og "FSU" utfører "recommend"
    Når "FSU" forsøker å utføre "decide"
    Så handlingen avvises
"""


def test_a_plain_refusal_says_which_code_and_can_be_forbidden(tmp_path: Path) -> None:
    folder = project(tmp_path, PLAIN_REFUSAL)
    result = run_pytest(folder)
    assert result.returncode == 0, result.stdout
    assert "sier ikke hvilken kode; handlingen ble avvist med koden «advisory-body», «positions-missing»" in (
        result.stdout.replace("\n", " ")
    )
    data = json.loads((folder / ".samhandling" / "bdd-run.json").read_text(encoding="utf-8"))
    step = data["features"][0]["scenarios"][0]["steps"][-1]
    assert step["status"] == "passed" and "advisory-body" in step["note"]
    (folder / "pytest.ini").write_text(INI + "samhandling_strict_refusals = true\n", encoding="utf-8")
    result = run_pytest(folder)
    assert result.returncode == 1
    assert 'Skriv: Så handlingen avvises med koden "advisory-body"' in result.stdout


def test_a_users_own_step_wins_over_the_catalogue(tmp_path: Path) -> None:
    folder = project(tmp_path, PLAIN_REFUSAL)
    (folder / "conftest.py").write_text(
        textwrap.dedent("""\
        from pytest_bdd import step

        @step("handlingen avvises")
        def _(samhandling_world):
            samhandling_world.attempt.checked = True
            raise AssertionError("brukerens eget steg")
        """),
        encoding="utf-8",
    )
    result = run_pytest(folder)
    assert "brukerens eget steg" in result.stdout
