"""Tick benchmark: ``CaseRepository.tick`` against raw ``sqlite3`` doing the least a tick must do, in one run.

    python benchmarks/tick.py                      # 100 000 open deadlines, 1 000 of them due
    python benchmarks/tick.py --open 5000 --due 100     # a quick smoke run

Set-up (not timed): a SQLite store with ``--due`` cases of a small process whose state «ny» has a reminder
(10 working days), once without ``every`` (it fires once) and once with ``every: P1W`` (each firing arms the next
period: one more row written per firing); each case has that reminder due and ``--open / --due - 1`` more open deadlines
that are not due, so the table holds ``--open`` open deadlines. The database file is copied before every round.

Measured
  * samhandling: ``CaseRepository(SqlStore(copy)).tick(on)``: the due rows read through the partial index, the
    firings planned from the process (the reminder armed again), and in one transaction per 1 000 firings: the
    case heads locked, the deadlines checked still open, the events hash-chained and inserted, the deadlines
    marked fired, the next reminders armed and the heads moved;
  * raw: ``sqlite3`` on another copy: the same SELECT of the due rows, then one transaction inserting one event
    row per due deadline (precomputed values, same pragmas).
For information only, a third side: raw ``sqlite3`` doing the same writes as a tick per firing (the event, the
deadline marked fired, the head moved). Each side is timed with the garbage collector off; the best of
``--rounds`` rounds is compared. Target: tick <= 3 x
raw in both set-ups (PASS/FAIL printed for each; exit 1 on any FAIL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from samhandling import clock
from samhandling.app.repository import CaseRepository
from samhandling.store.sql import SqlStore

TARGET = 3.0
ON = dt.date(2024, 1, 25)

STRUCTURE = """\
structure: tikk
name: Tikkfellesskap
parties:
  - {id: hf, name: Helseforetaket, kind: health_trust}
bodies:
  - {id: fsu, name: Fagleg samarbeidsutval, abbreviation: FSU, kind: professional_committee}
  - {id: ssu, name: Strategisk samarbeidsutval, abbreviation: SSU, kind: strategic_committee, power: decides,
     decision_rule: majority}
relations:
  - {from: fsu, to: ssu, kind: escalates_to}
processes:
  - {name: tikk, file: tikk.yaml}
"""

PROCESS = """\
process: tikk
version: "1"
title: Tikk
initial: ny
states:
  - name: ny
    label: Ny
    timers:
      - {id: purring, kind: reminder, after: 10 virkedager{EVERY}}
  - {name: ferdig, label: Ferdig, final: true}
acts:
  - {name: decide, label: avgjøre, kind: decide, from: ny, to: ferdig, by: {body: SSU}}
"""

DUE_SQL = (
    "SELECT case_id, timer, armed_seq, kind, state, due, fires_on, payload, status, closed_seq FROM deadlines "
    "WHERE status = 'open' AND fires_on <= ?"
)
INSERT_SQL = (
    "INSERT INTO events (case_id, seq, act, body, person, on_date, payload, from_state, to_state, recorded_at, "
    "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def build(folder: Path, open_total: int, due: int, every: bool = True) -> Path:
    (folder / "tikk.yaml").write_text(PROCESS.replace("{EVERY}", ", every: P1W" if every else ""), encoding="utf-8")
    structure = folder / "tikk.yaml.structure.yaml"
    structure.write_text(STRUCTURE, encoding="utf-8")
    db = folder / "base.db"
    store = SqlStore(str(db), synchronous="OFF")
    repo = CaseRepository(store)
    with clock.use_clock(clock.FixedClock(dt.date(2024, 1, 10))):
        for i in range(due):
            repo.create(str(structure), "tikk", f"Sak {i}", case_id=f"sak-{i:06d}")
    store.close()
    extra = open_total - due
    per_case, rest = divmod(extra, due)
    rows = []
    for i in range(due):
        for k in range(per_case + (1 if i < rest else 0)):
            rows.append(
                (f"sak-{i:06d}", f"senere-{k}", 1, "reminder", "ny", "2030-01-01", "2030-01-02", "{}", "open", None)
            )
    conn = sqlite3.connect(db)
    with conn:
        conn.executemany("INSERT INTO deadlines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    count = conn.execute("SELECT count(*) FROM deadlines WHERE status = 'open'").fetchone()[0]
    conn.close()
    assert count == open_total, count
    return db


def timed(fn: object) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        return time.perf_counter() - start
    finally:
        gc.enable()


def run_tick(db: Path, due: int) -> float:
    store = SqlStore(str(db))
    store.headers_for(["sak-000000"])  # open the connection pool outside the timing, as the raw side does
    repo = CaseRepository(store)
    fired: list[object] = []
    elapsed = timed(lambda: fired.extend(repo.tick(ON)))
    assert len(fired) == due, len(fired)
    assert repo.tick(ON) == []
    store.close()
    return elapsed


def run_raw(db: Path, due: int) -> float:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous=FULL")
    stamp = "2024-01-25T00:00:00.000000Z"

    def work() -> None:
        rows = sorted(conn.execute(DUE_SQL, (ON.isoformat(),)).fetchall())
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            INSERT_SQL,
            [
                (r[0], 2, "timer", None, None, r[6], '{"due":"' + r[5] + '"}', r[4], r[4], stamp, "0" * 64, "1" * 64)
                for r in rows
            ],
        )
        conn.execute("COMMIT")
        assert len(rows) == due

    elapsed = timed(work)
    conn.close()
    return elapsed


def run_raw_same_writes(db: Path, due: int) -> float:
    """Raw ``sqlite3`` writing what a tick writes per firing: the event, the deadline marked fired, the head."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous=FULL")
    stamp = "2024-01-25T00:00:00.000000Z"

    def work() -> None:
        rows = sorted(conn.execute(DUE_SQL, (ON.isoformat(),)).fetchall())
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "UPDATE deadlines SET status = 'fired', closed_seq = 2 WHERE case_id = ? AND timer = ? AND armed_seq = ?",
            [(r[0], r[1], r[2]) for r in rows],
        )
        conn.executemany(
            INSERT_SQL,
            [
                (r[0], 2, "timer", None, None, r[6], '{"due":"' + r[5] + '"}', r[4], r[4], stamp, "0" * 64, "1" * 64)
                for r in rows
            ],
        )
        conn.executemany(
            "UPDATE cases SET head_seq = 2, head_hash = ? WHERE case_id = ?", [("1" * 64, r[0]) for r in rows]
        )
        conn.execute("COMMIT")
        assert len(rows) == due

    elapsed = timed(work)
    conn.close()
    return elapsed


def measure(folder: Path, open_total: int, due: int, rounds: int, every: bool) -> bool:
    sub = folder / ("gjentas" if every else "en-gang")
    sub.mkdir()
    base = build(sub, open_total, due, every=every)
    best_tick = best_raw = best_same = float("inf")
    for r in range(rounds):
        a, b, c = sub / f"tick-{r}.db", sub / f"raw-{r}.db", sub / f"same-{r}.db"
        for copy in (a, b, c):
            shutil.copy(base, copy)
        best_tick = min(best_tick, run_tick(a, due))
        best_raw = min(best_raw, run_raw(b, due))
        best_same = min(best_same, run_raw_same_writes(c, due))
    ratio = best_tick / best_raw
    ok = ratio <= TARGET
    what = "påminnelser som settes på nytt (every)" if every else "frister som utløses én gang"
    print(f"tick over {open_total} åpne frister, {due} forfalt: {what}")
    print(f"  samhandling tick : {best_tick * 1000:8.1f} ms")
    print(f"  rå sqlite3       : {best_raw * 1000:8.1f} ms (SELECT av de forfalte + INSERT av utløsningene)")
    print(f"  forhold          : {ratio:5.2f}x (mål <= {TARGET:.0f}x) {'PASS' if ok else 'FAIL'}")
    print(
        f"  til sammenligning: rå sqlite3 med de samme skrivingene (hendelse, frist merket, hode flyttet) "
        f"{best_same * 1000:.1f} ms; tick er {best_tick / best_same:.2f}x det (bare til informasjon)"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=100_000, help="open deadlines in the store")
    parser.add_argument("--due", type=int, default=1_000, help="of which due (one per case)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        results = [measure(Path(tmp), args.open, args.due, args.rounds, every) for every in (False, True)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
