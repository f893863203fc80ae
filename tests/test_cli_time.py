"""The time verbs of the CLI: meetings, schedule, due, rotation, calendar."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest

from samhandling.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_schedule_prints_the_acceptance_timeline(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "schedule",
        "sogn-og-fjordane",
        "--via",
        "FSU",
        "--via",
        "SSU",
        "--from",
        "2024-02-10",
        "--deadline",
        "FSU=10",
        "--deadline",
        "SSU=10",
        "--json",
    )
    assert code == 0
    assert [(r["body_label"], r["date"]) for r in json.loads(out)] == [("FSU", "2024-05-16"), ("SSU", "2024-05-30")]


def test_schedule_without_a_meeting_exits_1_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "schedule", "sogn-og-fjordane", "--via", "SSU", "--from", "2024-12-01", "--deadline", "SSU=10"
    )
    assert code == 1 and "ingen dato" in out and "ikke noe møte" in out


@pytest.mark.parametrize(
    "argv",
    [
        ("schedule", "sogn-og-fjordane", "--via", "FSU", "--from", "2024-02-30"),
        ("schedule", "sogn-og-fjordane", "--via", "FSU", "--from", "2024-02-01", "--deadline", "FSU"),
        ("due", "--on", "i morgen"),
    ],
)
def test_bad_arguments_are_one_norwegian_line(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.startswith("feil [usage]:") and err.count("\n") == 1


def test_due_lists_the_ahus_review_for_all_bundled_structures(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "due", "--on", "2025-06-01", "--json")
    assert code == 0
    rows = {(r["structure"], r["id"]): r for r in json.loads(out)}
    review = rows[("ahus-forvaltningsnettverk", "mandat-revisjon")]
    assert review["deadline"] == "2025-12-31" and review["status"] == "due"
    assert "bare året 2025" in review["explanation"]


def test_meetings_and_rotation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "meetings", "sogn-og-fjordane", "--year", "2024", "--json")
    assert code == 0 and len(json.loads(out)) == 9
    code, out, _ = run(
        capsys, "rotation", "ahus-forvaltningsnettverk", "--from", "2024-07-01", "--to", "2024-12-31", "--json"
    )
    rows = json.loads(out)
    assert code == 0 and all(r["holder"] != "ahus" for r in rows)
    assert {r["role"] for r in rows} == {"chair", "minute_taker"}


def test_calendar_file_parses_back_with_every_meeting(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    code, out, _ = run(capsys, "calendar", "sogn-og-fjordane", "--year", "2024", "-o", str(target))
    assert code == 0 and "9 hendelser" in out
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    assert len(list(cal.walk("VEVENT"))) == 9
