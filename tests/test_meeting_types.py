"""Meeting types and parts (issue 12 item 6): «partnarskapsmøte to gonger i året, eitt langt og eitt kort»."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from samhandling import SchemaError, loads
from samhandling.cli import main
from samhandling.time.meeting_plan import MeetingType, meeting_plan

PM = """
structure: pm
name: Partnarskap
sources:
  F: {file: f.txt}
bodies:
  - {id: pm, name: Partnarskapsmøte, kind: partnership_meeting, power: none}
meetings:
  - {body: pm, date: 2025-03-10, type: [ordinary, long],
     parts: [{label: administrativ del, type: administrative, minutes: 120}, {label: politisk del, type: political}]}
  - {body: pm, date: 2025-10-20, type: short}
meeting_rules:
  - id: F1-langt
    category: meetings
    modality: skal
    source: F
    text: Partnarskapsmøtet skal vere to gonger i året, eitt langt og eitt kort.
    check: {kind: meetings_per_year, body: pm, type: long, min: 1, max: 1}
  - id: F1-kort
    category: meetings
    modality: skal
    source: F
    text: Partnarskapsmøtet skal vere to gonger i året, eitt langt og eitt kort.
    check: {kind: meetings_per_year, body: pm, type: short, min: 1, max: 1}
  - id: F1-politisk
    category: meetings
    modality: skal
    source: F
    text: Eitt møte har ein politisk del.
    check: {kind: meetings_per_year, body: pm, type: political, min: 1}
"""


def test_types_and_parts_are_read() -> None:
    plan = meeting_plan(loads(PM))
    first, second = plan.meetings
    assert first.types == (MeetingType.ORDINARY, MeetingType.LONG)
    assert [p.label for p in first.parts] == ["administrativ del", "politisk del"]
    assert first.parts[0].minutes == 120 and first.is_type("political") and first.is_type("ordinary")
    assert second.types == (MeetingType.SHORT,) and not second.is_type("ordinary")


def test_rules_count_meetings_of_a_type() -> None:
    assert [f for f in loads(PM).validate() if f.rule] == []
    two_long = PM.replace("date: 2025-10-20, type: short", "date: 2025-10-20, type: long")
    found = {(f.rule, f.code) for f in loads(two_long).validate() if f.rule}
    assert found == {("F1-langt", "too-many-meetings"), ("F1-kort", "too-few-meetings")}
    msg = next(f.message for f in loads(two_long).validate() if f.rule == "F1-kort")
    assert "0 korte møter i 2025" in msg


def test_unknown_meeting_type_is_a_located_error() -> None:
    with pytest.raises(SchemaError) as err:
        meeting_plan(loads(PM.replace("type: short", "type: medium")))
    assert err.value.code == "invalid-value" and "medium" in err.value.message
    assert (
        err.value.location is not None
        and err.value.location.line == PM.split("\n").index("  - {body: pm, date: 2025-10-20, type: short}") + 1
    )


def test_meetings_command_shows_types(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pm.yaml"
    path.write_text(PM, encoding="utf-8")
    assert main(["meetings", str(path)]) == 0
    out = capsys.readouterr().out
    assert "ordinært, langt, administrativ del, politisk del" in out and "kort" in out
    assert main(["meetings", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["types"] == ["ordinary", "long"] and data[0]["parts"][1]["type"] == "political"
