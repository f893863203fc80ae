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


SUBMISSION = """\
structure: innmelding
name: Innmeldingsfellesskap
parties:
  - {id: hf, name: Helseforetaket, kind: health_trust}
  - {id: k1, name: Kommune 1, kind: municipality}
bodies:
  - {id: fsu, name: Fagleg samarbeidsutval, abbreviation: FSU, kind: professional_committee}
  - {id: ssu, name: Strategisk samarbeidsutval, abbreviation: SSU, kind: strategic_committee, power: decides}
relations:
  - {from: fsu, to: ssu, kind: escalates_to}
sources:
  test: {title: Skrive for testen}
rules:
  - id: R1
    category: submission_deadline
    modality: skal
    text: «Saker til SSU skal meldast inn seinast 10 dagar før møtet.»
    source: test
    check: {kind: submission_deadline, body: ssu, days: 10}
meetings:
  - {body: ssu, date: 2024-03-01}
  - {body: ssu, date: 2024-06-01}
  - {body: fsu, date: 2024-02-20}
"""


def test_due_lists_the_submission_deadlines_of_planned_meetings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "innmelding.yaml"
    path.write_text(SUBMISSION, encoding="utf-8")
    code, out, err = run(capsys, "due", str(path), "--on", "2024-02-15", "--within", "30", "--json")
    assert code == 0, err
    rows = [r for r in json.loads(out) if r["id"].startswith("innmelding-")]
    # SSU 01.03 has its deadline 20.02 (10 days before): inside the window; SSU 01.06 is outside it; FSU has no rule
    assert [(r["body"], r["deadline"]) for r in rows] == [("SSU", "2024-02-20")]
    code, out, _ = run(capsys, "due", str(path), "--on", "2024-02-21")
    assert code == 0 and "frist for saker til møtet" not in out  # the deadline has passed: the meeting is not listed
