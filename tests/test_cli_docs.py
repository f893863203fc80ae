"""docs/cli.md holds the help of every command, generated from the parser, and is current."""

from __future__ import annotations

from pathlib import Path

from samhandling.cli import build_parser
from samhandling.cli.reference import _subparsers, render_into

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert render_into(text) == text, "docs/cli.md er utdatert: kjør `make docs`"


def test_every_verb_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    verbs = _subparsers(build_parser())
    assert {
        "list",
        "show",
        "validate",
        "demo",
        "case",
        "schedule",
        "calendar",
        "due",
        "path",
        "plot",
        "export",
        "steps",
        "report",
    } <= set(verbs)
    for verb in verbs:
        assert f"### `samhandling {verb}`" in text


def test_help_is_norwegian() -> None:
    text = build_parser().format_help()
    assert text.startswith("bruk: samhandling")
    assert "argumenter:" in text and "valg:" in text
    assert "usage:" not in text and "show this help message" not in text
