"""Deadlines as data on process steps: parsing, due dates, arming with the act, firing with tick (issue 13)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

import timer_fixtures as tf
from samhandling import clock
from samhandling.app.repository import CaseRepository
from samhandling.errors import ActRefusedError, SamhandlingError, SchemaError, StoreError
from samhandling.process.loader import get_process
from samhandling.process.timers import Duration, parse_duration, timers_of
from samhandling.store import open_store
from samhandling.store.base import Deadline
from samhandling.structure.loader import load
from samhandling.time.deadlines import add_working_days, parse_blackouts
from samhandling.time.timers import add_period

D = dt.date
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fixed() -> object:
    with clock.use_clock(clock.FixedClock(D(2024, 1, 10))) as c:
        yield c


def _repo(url: str) -> CaseRepository:
    return CaseRepository(open_store(url))


# ---------------------------------------------------------------------------------------------- acceptance


def test_ten_working_day_reminder_fires_once_on_the_eleventh(store_url: str, tmp_path: Path, fixed: object) -> None:
    path = tf.write(tmp_path / "def")
    repo = _repo(store_url)
    case = repo.create(str(path), "frister", "Sak", case_id="sak-1")
    assert [(d.timer, d.due, d.fires_on) for d in repo.deadlines(case.id)] == [("purring", "2024-01-24", "2024-01-25")]
    assert repo.tick(D(2024, 1, 24)) == []
    fired = repo.tick(D(2024, 1, 25))
    assert [(e.act, e.seq, e.on, e.payload["timer"], e.payload["kind"], e.payload["due"]) for e in fired] == [
        ("timer", 2, D(2024, 1, 25), "purring", "reminder", "2024-01-24")
    ]
    assert repo.tick(D(2024, 1, 25)) == []
    assert len(repo.history(case.id)) == 2
    assert repo.store.verify().ok
    # The case stays where it was, replays, and the reminder moves on a week (the same row: one per armed
    # reminder, its periods that fired are the timer events).
    assert repo.load(case.id).state == "ny"
    assert [(d.armed_seq, d.status, d.due, d.fires_on) for d in repo.deadlines(case.id)] == [
        (1, "open", "2024-01-31", "2024-02-01")
    ]
    assert repo.tick(D(2024, 1, 31)) == []
    second = repo.tick(D(2024, 2, 1))
    assert [(e.seq, e.payload["due"]) for e in second] == [(3, "2024-01-31")]
    assert [(d.armed_seq, d.due) for d in repo.deadlines(case.id, "open")] == [(1, "2024-02-07")]
    assert repo.store.verify().ok


def test_cli_tick_end_to_end(tmp_path: Path) -> None:
    path = tf.write(tmp_path / "def")
    db = str(tmp_path / "c.db")
    env = {"SAMHANDLING_TODAY": "2024-01-10", "PATH": "/usr/bin:/bin"}
    exe = str(Path(sys.executable).parent / "samhandling")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([exe, *args, "--db", db], capture_output=True, text=True, env=env)

    assert run("case", "new", str(path), "frister", "--title", "Sak", "--id", "sak-1").returncode == 0
    first = run("tick", "--on", "2024-01-24", "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["fired"] == []
    second = run("tick", "--on", "2024-01-25")
    assert second.returncode == 0 and "Utløste 1 frist(er) per 2024-01-25" in second.stdout
    assert "påminnelse" in second.stdout
    third = run("tick", "--on", "2024-01-25", "--json")
    assert json.loads(third.stdout)["fired"] == []
    verify = run("case", "verify")
    assert verify.returncode == 0 and "2 hendelser" in verify.stdout
    due = subprocess.run(
        [exe, "due", str(path), "--on", "2024-01-30", "--json", "--db", db],
        capture_output=True,
        text=True,
        env=env,
    )
    assert due.returncode == 0, due.stderr
    rows = [r for r in json.loads(due.stdout) if r["id"] == "sak-1/purring"]
    assert [(r["deadline"], r["status"]) for r in rows] == [("2024-01-31", "due")]
    bad = run("tick", "--on", "i morgen")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


# ---------------------------------------------------------------------------------------------- kinds


def test_leaving_the_step_cancels_and_arms_the_next_ones(store_url: str, tmp_path: Path, fixed: object) -> None:
    path = tf.write(tmp_path / "def")
    repo = _repo(store_url)
    case = repo.create(str(path), "frister", "Sak", case_id="sak-1")
    fixed.set(D(2024, 1, 12))  # type: ignore[attr-defined]
    repo.act(case.id, "send", by="FSU", on=D(2024, 1, 12))
    by_timer = {d.timer: d for d in repo.deadlines(case.id)}
    assert by_timer["purring"].status == "cancelled" and by_timer["purring"].closed_seq == 2
    assert by_timer["svar"].due == "2024-01-26" and by_timer["svar"].state == "hoering"  # P2W from the act
    # 2 working days after SSU's next meeting (Thursday 2024-02-15): Monday 2024-02-19.
    assert by_timer["moete"].due == "2024-02-19"
    assert by_timer["utloept"].due == "2024-02-23" and by_timer["utloept"].payload == {"to": "avsluttet"}
    # Nothing from «ny» fires any more: the reminder would have fired on 2024-01-25.
    fired = repo.tick(D(2024, 1, 27))
    assert [(e.payload["timer"], e.payload["escalated_to"], e.to_state) for e in fired] == [
        ("svar", ["ssu"], "hoering")
    ]
    # The expiry moves the case and cancels the escalation that has not fired yet; later ticks add nothing.
    fired = repo.tick(D(2024, 3, 1))
    assert [(e.payload["timer"], e.from_state, e.to_state) for e in fired] == [
        ("moete", "hoering", "hoering"),
        ("utloept", "hoering", "avsluttet"),
    ]
    assert repo.tick(D(2024, 12, 31)) == []
    assert repo.load(case.id).state == "avsluttet"
    assert repo.deadlines(case.id, "open") == []
    assert repo.store.verify().ok


def test_an_act_that_leaves_the_step_in_time_means_nothing_fires(store_url: str, tmp_path: Path, fixed: object) -> None:
    path = tf.write(tmp_path / "def")
    repo = _repo(store_url)
    case = repo.create(str(path), "frister", "Sak", case_id="sak-1")
    repo.act(case.id, "send", by="FSU", on=D(2024, 1, 10))
    # SSU decides by majority: both parties count (the structure's parties, no member seats given)
    repo.act(case.id, "decide", by="SSU", on=D(2024, 1, 10), positions={"hf": "for", "k1": "for"})
    assert repo.tick(D(2025, 1, 1)) == []
    assert {d.status for d in repo.deadlines(case.id)} == {"cancelled"}
    with pytest.raises(ActRefusedError) as info:  # only tick records a firing of a stored deadline
        repo.act(case.id, "timer", by="SSU", timer="purring", kind="reminder", due="2024-01-24")
    assert info.value.code == "timer-refused" and len(repo.history(case.id)) == 3


def test_expiry_arms_the_timers_of_the_state_it_enters(tmp_path: Path, fixed: object) -> None:
    text = tf.PROCESS.replace(
        "      - {id: utloept, kind: expiry, after: P6W, to: avsluttet}\n",
        "      - {id: utloept, kind: expiry, after: P1W, to: ny}\n",
    )
    repo = _repo("memory://")
    case = repo.create(str(tf.write(tmp_path / "def", text)), "frister", "Sak", case_id="sak-1")
    repo.act(case.id, "send", by="FSU", on=D(2024, 1, 10))
    fired = repo.tick(D(2024, 1, 18))
    assert [e.payload["timer"] for e in fired] == ["utloept"]
    assert repo.load(case.id).state == "ny"
    # Re-entering «ny» on 2024-01-18 (the day it fired) arms the reminder again: 10 working days later.
    assert [(d.timer, d.armed_seq, d.due) for d in repo.deadlines(case.id, "open")] == [("purring", 3, "2024-02-01")]


def test_working_days_skip_holidays_and_blackouts() -> None:
    assert add_working_days(D(2024, 1, 10), 10) == D(2024, 1, 24)
    assert add_working_days(D(2024, 3, 27), 1) == D(2024, 4, 2)  # skjærtorsdag, langfredag, 2. påskedag
    fellesferie, jul = parse_blackouts(["fellesferie", "jul"])
    assert add_working_days(D(2024, 7, 5), 3, (fellesferie,)) == D(2024, 7, 31)  # weeks 28–30 skipped
    assert add_working_days(D(2024, 12, 18), 3, (jul,)) == D(2025, 1, 7)  # 20.12–03.01 skipped
    own = parse_blackouts([{"name": "vinterferie", "weeks": [8, 8]}, {"name": "påske", "from": "25.03", "to": "03-29"}])
    assert add_working_days(D(2024, 2, 16), 1, own) == D(2024, 2, 26)
    assert add_working_days(D(2024, 3, 22), 1, own) == D(2024, 4, 2)
    assert add_period(D(2024, 1, 31), Duration(14)) == D(2024, 2, 14)
    for bad in (["sommer"], [{"name": "x", "weeks": [30, 28]}], [{"name": "x", "from": "31.02", "to": "01.03"}], [3]):
        with pytest.raises(ValueError):
            parse_blackouts(bad)


def test_the_process_blackout_setting_moves_the_due_date(tmp_path: Path) -> None:
    repo = _repo("memory://")
    with clock.use_clock(clock.FixedClock(D(2024, 12, 16))):
        case = repo.create(str(tf.write(tmp_path / "def")), "frister", "Sak", case_id="jul")
    # 10 working days from Monday 16.12: 17, 18, 19.12, then jul (20.12–03.01) is skipped: 6.–10.1, 13. and 14.1.
    assert [d.due for d in repo.deadlines(case.id)] == ["2025-01-14"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("P10D", Duration(10)),
        ("P2W", Duration(14)),
        ("p1w3d", Duration(10)),
        ("10 virkedager", Duration(10, True)),
        ("1 virkedag", Duration(1, True)),
        ({"working_days": 10}, Duration(10, True)),
        ({"days": 3}, Duration(3)),
        ("5 dager", Duration(5)),
    ],
)
def test_durations(raw: object, expected: Duration) -> None:
    assert parse_duration(raw, tf_location()) == expected


def tf_location() -> object:
    from samhandling.location import Location

    return Location("x.yaml", 3, 5)


@pytest.mark.parametrize("raw", ["P", "P1M", "ti dager", "-3 dager", {"working_days": -1}, {"weeks": 2}, ""])
def test_bad_durations_are_refused_by_name(raw: object) -> None:
    with pytest.raises(SchemaError) as info:
        parse_duration(raw, tf_location())  # type: ignore[arg-type]
    assert info.value.code == "invalid-duration"
    assert "periode" in info.value.message


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("kind: reminder, after: 10 virkedager", "kind: purring, after: 10 virkedager", "invalid-value"),
        (
            "{id: utloept, kind: expiry, after: P6W, to: avsluttet}",
            "{id: utloept, kind: expiry, after: P6W}",
            "missing-key",
        ),
        ("to: avsluttet}", "to: borte}", "unknown-state"),
        ("after: P2W}", "after: to uker}", "invalid-duration"),
        ("from: {meeting: SSU}", "from: {meeting: Bystyret}", "unknown-body"),
        ("from: {meeting: SSU}", "from: igår", "invalid-value"),
        ("{id: svar, kind: escalation", "{id: purring, kind: escalation", "duplicate-timer"),
        ("after: P2W}", "after: P2W, every: P1W}", "invalid-value"),
        ("    timers:\n      - {id: svar", "    timerz:\n      - {id: svar", "unknown-key"),
    ],
)
def test_bad_timers_are_refused_with_file_and_line(tmp_path: Path, old: str, new: str, code: str) -> None:
    assert old in tf.PROCESS
    text = tf.PROCESS.replace(old, new, 1)
    structure = load(tf.write(tmp_path / "def", text))
    with pytest.raises(SamhandlingError) as info:
        get_process(structure, "frister")
    assert info.value.code == code, info.value.message
    assert info.value.location is not None and info.value.location.line is not None
    assert info.value.location.file.endswith("frister.yaml")


def test_a_process_may_not_define_the_timer_act(tmp_path: Path) -> None:
    text = tf.PROCESS.replace("  - name: decide\n", "  - name: timer\n")
    with pytest.raises(SchemaError) as info:
        get_process(load(tf.write(tmp_path / "def", text)), "frister")
    assert info.value.code == "reserved-act" and "timer" in info.value.message


def test_the_builtin_timer_act_in_memory(tmp_path: Path, fixed: object) -> None:
    definition = get_process(load(tf.write(tmp_path / "def")), "frister")
    assert [s.id for s in timers_of(definition).specs] == ["purring", "utloept", "moete", "svar"]
    case = definition.new_case("Sak", on=D(2024, 1, 10))
    case.act("send", by="FSU", on=D(2024, 1, 10))
    with pytest.raises(ActRefusedError) as info:
        case.act("timer", by=None, timer="finnes-ikke", kind="reminder", due="2024-01-24")
    assert info.value.code == "timer-refused"
    with pytest.raises(ActRefusedError):
        case.act("timer", by=None, timer="utloept", kind="expiry", due="2024-02-23", to="ny")
    assert len(case.history) == 2  # refusals change nothing
    assert case.why_not("timer", by=None, timer="utloept", kind="expiry", due="2024-02-23", to="avsluttet") == []
    assert "ingen tidsfrist «x»" in case.why_not("timer", by=None, timer="x", kind="expiry", due="2024-02-23")[0]
    event = case.act("timer", by=None, timer="utloept", kind="expiry", due="2024-02-23", to="avsluttet")
    assert (event.on, event.from_state, event.to_state, case.state) == (
        D(2024, 2, 24),
        "hoering",
        "avsluttet",
        "avsluttet",
    )
    assert definition.replay(case.history).state == "avsluttet"


def test_a_deadline_for_an_event_not_written_is_refused_and_nothing_is_written(
    store_url: str, tmp_path: Path, fixed: object
) -> None:
    repo = _repo(store_url)
    case = repo.create(str(tf.write(tmp_path / "def")), "frister", "Sak", case_id="sak-1")
    stray = Deadline("sak-1", "x", 7, "reminder", "ny", "2024-02-01", "2024-02-02")
    loaded = repo.load(case.id)
    before = len(loaded.history)
    loaded.act("send", by="FSU", on=D(2024, 1, 10))
    with pytest.raises(StoreError) as info:
        repo.store.append(case.id, loaded.history[before:], expected_seq=before + 1, arm=[stray], cancel=True)
    assert info.value.code == "store-deadline"
    assert len(repo.history(case.id)) == 1
    assert [d.status for d in repo.deadlines(case.id)] == ["open"]


def test_no_module_reads_the_system_clock_directly() -> None:
    """Every «now» and «today» goes through samhandling.clock (FixedClock, --today, SAMHANDLING_TODAY)."""
    import ast

    offenders = []
    for path in sorted((ROOT / "src" / "samhandling").rglob("*.py")):
        if path.name == "clock.py" and path.parent.name == "samhandling":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                attr, owner = node.func.attr, node.func.value
                owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                if (attr in ("now", "utcnow") and owner_name == "datetime") or (
                    attr == "today" and owner_name in ("date", "datetime")
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_schema_knows_timers() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    schema = json.loads((ROOT / "docs" / "process.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    data = yaml.safe_load(tf.PROCESS)
    assert list(validator.iter_errors(data)) == []
    data["states"][1]["timers"][0].pop("to")  # an expiry without a target state
    assert list(validator.iter_errors(data))
    data = yaml.safe_load(tf.PROCESS.replace("after: P2W}", "after: to uker}"))
    assert list(validator.iter_errors(data))


def test_the_calendar_and_due_include_case_deadlines(tmp_path: Path, fixed: object) -> None:
    pytest.importorskip("icalendar")
    from samhandling.cli import main

    path = tf.write(tmp_path / "def")
    db = str(tmp_path / "c.db")
    CaseRepository(open_store(db)).create(str(path), "frister", "Sak", case_id="sak-1")
    out = tmp_path / "plan.ics"
    assert main(["calendar", str(path), "--db", db, "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Frist i sak sak-1: purring (påminnelse)" in text and "DTSTART;VALUE=DATE:20240124" in text
    assert "DTSTART;VALUE=DATE:20240215" in text  # the meeting is still there


def test_process_diagrams_show_the_timers(tmp_path: Path) -> None:
    from samhandling.render.diagrams import process_model, to_mermaid

    definition = get_process(load(tf.write(tmp_path / "def")), "frister")
    model = process_model(definition, structure=definition.structure)
    expiry = [e for e in model.edges if e.kind == "timer"]
    assert [(e.source, e.target, e.label) for e in expiry] == [("hoering", "avsluttet", "⏱ utloept (etter 6 uker)")]
    assert "purring: påminnelse etter 10 virkedager, gjentas med 1 uke mellomrom" in model.node("ny").details
    assert "⏱ svar" in to_mermaid(model) and "⏱ moete" in model.node("hoering").label


def test_a_schema_4_store_with_cases_gets_the_deadlines_table_on_its_first_write(tmp_path: Path, fixed: object) -> None:
    import sqlite3

    from samhandling.store.sql import LATEST, SqlStore

    path = tf.write(tmp_path / "def")
    db = tmp_path / "gammel.db"
    CaseRepository(open_store(str(db))).create(str(path), "frister", "Gammel", case_id="gammel")
    conn = sqlite3.connect(db)  # back to schema 4: as a store written before deadlines existed
    with conn:
        conn.execute("DROP TABLE deadlines")
        conn.execute("DELETE FROM schema_version WHERE version >= 5")
    conn.close()
    repo = CaseRepository(open_store(str(db)))
    assert isinstance(repo.store, SqlStore) and repo.store.schema_version() == 4
    assert repo.deadlines() == [] and repo.tick(D(2024, 6, 1)) == []  # reading never writes
    assert repo.store.schema_version() == 4
    repo.act("gammel", "send", by="FSU", on=D(2024, 1, 10))
    assert repo.store.schema_version() == LATEST >= 5
    assert {d.timer for d in repo.deadlines("gammel", "open")} == {"svar", "moete", "utloept"}
    assert repo.store.verify().ok
