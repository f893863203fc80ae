"""``samhandling steps`` and ``samhandling report`` on the command line, and docs/steps.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from samhandling.bdd.catalogue import all_steps, markdown
from samhandling.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_docs_steps_md_is_current() -> None:
    current = (ROOT / "docs" / "steps.md").read_text(encoding="utf-8")
    assert current == markdown(), "docs/steps.md er utdatert: kjør «samhandling steps --markdown > docs/steps.md»"


def test_steps_lists_every_phrase_with_its_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["steps"]) == 0
    out = capsys.readouterr().out
    for spec in all_steps():
        assert spec.template in out
        assert spec.example in out
    assert f"{len(all_steps())} steg" in out


def test_steps_json_and_markdown_come_from_the_same_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["steps", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["phrase"] for d in data] == [s.template for s in all_steps()]
    assert main(["steps", "--markdown"]) == 0
    assert capsys.readouterr().out == markdown()


def test_steps_search_finds_the_closest_phrase(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["steps", "--search", "eskalerinsveien fra FSU"]) == 0
    out = capsys.readouterr().out
    assert "eskaleringsveien fra" in out.splitlines()[3]


def test_report_without_a_run_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report"]) == 2
    err = capsys.readouterr().err
    assert "feil [no-run]" in err and "pytest features" in err
    bad = tmp_path / "x.json"
    bad.write_text("{}", encoding="utf-8")
    assert main(["report", "--run", str(bad)]) == 2
    assert "bad-run" in capsys.readouterr().err
