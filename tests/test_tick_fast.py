"""The tick's one-transaction path and its semantics (issue 13): repeating reminders move on in place,
expiries are judged by the engine on the replayed case, a reminder moved on before an expiry in the same tick
is cancelled with the rest, and what the engine refuses writes nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

import timer_fixtures as tf
from samhandling import clock
from samhandling.app.repository import CaseRepository
from samhandling.errors import ActRefusedError
from samhandling.store import open_store

D = dt.date

# «ny» has a repeating reminder and an expiry: on 2024-02-01 both are due, the reminder first.
BOTH = tf.PROCESS.replace(
    "      - {id: purring, kind: reminder, after: 10 virkedager, every: P1W}\n",
    "      - {id: purring, kind: reminder, after: 10 virkedager, every: P1W}\n"
    "      - {id: frist, kind: expiry, after: P3W, to: hoering}\n",
)


@pytest.fixture
def fixed() -> object:
    with clock.use_clock(clock.FixedClock(D(2024, 1, 10))) as c:
        yield c


def _case(url: str, folder: Path, text: str = BOTH) -> CaseRepository:
    repo = CaseRepository(open_store(url))
    repo.create(str(tf.write(folder, text)), "frister", "Sak", case_id="sak-1")
    return repo


def test_a_reminder_moved_on_before_an_expiry_is_cancelled_with_the_rest(
    store_url: str, tmp_path: Path, fixed: object
) -> None:
    repo = _case(store_url, tmp_path / "def")
    fired = repo.tick(D(2024, 2, 1))
    assert [(e.seq, e.payload["timer"], e.from_state, e.to_state) for e in fired] == [
        (2, "purring", "ny", "ny"),
        (3, "frist", "ny", "hoering"),
    ]
    found = {(d.timer, d.armed_seq): (d.status, d.closed_seq) for d in repo.deadlines("sak-1")}
    # The reminder moved on (same row), then the expiry left «ny»: cancelled by event 3. The expiry fired, and
    # entering «hoering» armed its timers from event 3 (as after any act).
    assert found[("purring", 1)] == ("cancelled", 3)
    assert found[("frist", 1)] == ("fired", 3)
    assert {k: v for k, v in found.items() if k[1] == 3} == {
        ("utloept", 3): ("open", None),
        ("moete", 3): ("open", None),
    }
    assert repo.load("sak-1").state == "hoering"
    assert repo.tick(D(2024, 2, 1)) == []
    assert repo.store.verify().ok


def test_a_tick_run_late_fires_a_repeating_reminder_once(store_url: str, tmp_path: Path, fixed: object) -> None:
    repo = _case(store_url, tmp_path / "def", tf.PROCESS)
    fired = repo.tick(D(2024, 3, 4))  # six periods late: one firing, the reminder moved to the next one
    assert [(e.payload["timer"], e.payload["due"], e.on) for e in fired] == [("purring", "2024-01-24", D(2024, 1, 25))]
    assert [(d.armed_seq, d.status, d.due) for d in repo.deadlines("sak-1")] == [(1, "open", "2024-03-06")]
    assert repo.tick(D(2024, 3, 6)) == []
    assert [e.payload["due"] for e in repo.tick(D(2024, 3, 7))] == ["2024-03-06"]
    assert repo.store.verify().ok


def test_an_expiry_the_engine_refuses_writes_nothing(sql_url: str, tmp_path: Path, fixed: object) -> None:
    repo = _case(sql_url, tmp_path / "def")
    if "://" in sql_url:  # PostgreSQL: the same damage through the driver
        with repo.store.engine.begin() as conn:  # type: ignore[attr-defined]
            conn.exec_driver_sql("UPDATE deadlines SET state = 'hoering' WHERE timer = 'frist'")
    else:
        with sqlite3.connect(sql_url) as conn:
            conn.execute("UPDATE deadlines SET state = 'hoering' WHERE timer = 'frist'")
    with pytest.raises(ActRefusedError) as info:
        repo.tick(D(2024, 2, 1))
    assert info.value.code == "timer-refused" and "«hoering»" in info.value.message
    # Nothing written: not even the reminder due the same day.
    assert repo.store.header("sak-1").head_seq == 1
    assert {d.timer: d.status for d in repo.deadlines("sak-1")} == {"purring": "open", "frist": "open"}


def test_an_in_memory_sqlite_store_ticks_on_its_one_connection(tmp_path: Path, fixed: object) -> None:
    repo = _case("sqlite:///:memory:", tmp_path / "def", tf.PROCESS)
    assert [e.payload["timer"] for e in repo.tick(D(2024, 1, 25))] == ["purring"]
    assert repo.tick(D(2024, 1, 25)) == []
    assert repo.store.verify().ok


def test_plan_firings_needs_no_store_for_reminders(store_url: str, tmp_path: Path, fixed: object) -> None:
    """The library call behind tick: firings planned from the due deadlines, grouped as the store groups them."""
    repo = _case(store_url, tmp_path / "def", tf.PROCESS)
    groups = repo.store.due_by_definition(D(2024, 1, 25))
    (firing,) = repo.plan_firings(groups, D(2024, 1, 25))
    assert firing.to_state is None and firing.arm == ()
    assert firing.again == ("2024-01-31", "2024-02-01")


def test_an_expiry_planned_without_its_case_is_refused(tmp_path: Path, fixed: object) -> None:
    from samhandling.errors import SamhandlingError
    from samhandling.time.timers import firing

    repo = _case("memory://", tmp_path / "def")
    due = {d.timer: d for d in repo.store.due_deadlines(D(2024, 2, 1))}
    definition = repo.definition_for("sak-1")
    with pytest.raises(SamhandlingError) as info:
        firing(definition, due["frist"], D(2024, 2, 1))
    assert info.value.code == "timer-needs-case"
    judged = firing(definition, due["frist"], D(2024, 2, 1), repo.load("sak-1"))
    assert judged.to_state == "hoering" and {a.timer for a in judged.arm} == {"utloept", "moete"}


def test_of_two_expiries_due_together_the_first_moves_the_case(store_url: str, tmp_path: Path, fixed: object) -> None:
    text = BOTH.replace(
        "      - {id: frist, kind: expiry, after: P3W, to: hoering}\n",
        "      - {id: frist, kind: expiry, after: P3W, to: hoering}\n"
        "      - {id: sluttfrist, kind: expiry, after: P4W, to: avsluttet}\n",
    )
    repo = _case(store_url, tmp_path / "def", text)
    fired = repo.tick(D(2024, 2, 15))
    assert [(e.payload["timer"], e.to_state) for e in fired] == [("purring", "ny"), ("frist", "hoering")]
    found = {d.timer: d.status for d in repo.deadlines("sak-1") if d.armed_seq == 1}
    assert found == {"purring": "cancelled", "frist": "fired", "sluttfrist": "cancelled"}
    assert repo.load("sak-1").state == "hoering" and repo.store.verify().ok
