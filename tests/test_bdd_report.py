"""The HTML report of a run of the feature files, checked in a real headless Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from samhandling.bdd.record import read_run
from samhandling.bdd.report import render_html
from samhandling.cli import main

pytest.importorskip("pytest_bdd")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run: the Sør-Rogaland feature files plus one failing and one undefined scenario."""
    folder = tmp_path_factory.mktemp("rapport")
    shutil.copytree(ROOT / "features" / "sor-rogaland", folder / "features")
    (folder / "features" / "brutt.feature").write_text(
        "# language: no\nEgenskap: Brutt <og> rått\n\n"
        "  Scenario: Et steg som feiler <script>\n"
        '    Gitt strukturen "sor-rogaland"\n'
        '    Så organet "FSU" er besluttende\n\n'
        "  Scenario: Et udefinert steg\n"
        '    Gitt strukturen "sor-rogaland"\n'
        "    Så dette steget finnes ikke\n\n"
        "  Scenario: En avvisning uten kode\n"
        '    Gitt strukturen "sor-rogaland"\n'
        '    Og en ny sak "Uten kode"\n'
        '    Når "FSU" forsøker å utføre "approve_proposal"\n'
        "    Så handlingen avvises\n",
        encoding="utf-8",
    )
    (folder / "pytest.ini").write_text("[pytest]\nsamhandling_features = true\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    path = folder / ".samhandling" / "bdd-run.json"
    assert path.exists()
    return path


def _scenario_names(run: dict) -> list[str]:
    return [s["name"] for f in run["features"] for s in f["scenarios"]]


def test_report_html_is_self_contained_and_escapes_text(run_file: Path) -> None:
    run = read_run(run_file)
    html = render_html(run, pictures=False)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="nb">' in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "http://" not in html and "https://" not in html  # nothing loaded from outside
    for name in _scenario_names(run):
        assert name.replace("<", "&lt;").replace(">", "&gt;") in html
    assert "<th>innspill fra klinikkene</th>" in html  # data tables are shown
    assert "Mente du:" in html  # suggestions for the undefined step
    assert '<div class="note">avvist med koden «' in html  # the code a plain «avvises» got


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(
        "MERK: Chromium er ikke installert (scripts/ensure-test-deps.sh); HTML-rapporten ble IKKE sjekket "
        "i en nettleser"
    )


@pytest.mark.browser
def test_report_opens_in_headless_chromium_and_shows_every_scenario(run_file: Path, tmp_path: Path) -> None:
    browser = chromium()
    out = tmp_path / "rapport.html"
    assert main(["report", "--run", str(run_file), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        pass
    else:
        assert "data:image/svg+xml;base64," in html  # the structure's picture, inline
    result = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profil'}",
            "--dump-dom",
            out.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = result.stdout
    assert "<h1>Kjørbare prosessdokumenter</h1>" in dom, result.stderr[-2000:]
    run = json.loads(run_file.read_text(encoding="utf-8"))
    names = _scenario_names(run)
    assert len(names) >= 20
    for name in names:
        assert name.replace("<", "&lt;").replace(">", "&gt;") in dom, name
    assert dom.count('class="scenario failed"') == 2
    assert dom.count('class="scenario passed"') == len(names) - 2
