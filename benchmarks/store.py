"""Event-store benchmark: samhandling's SQLite store against raw ``sqlite3`` on the same rows, in one run.

    python benchmarks/store.py                 # 100 000 events (1 000 cases x 100), 2 000 single acts
    python benchmarks/store.py --events 2000 --single 50    # a quick smoke run

Measures
  * single acts: one event per transaction (the CLI's and the repository's path), durable (synchronous=FULL);
  * bulk import: every case and event in one transaction (``SqlStore.import_cases``);
  * replay: reading every event back into event objects in case order (``SqlStore.all_events``), and case by
    case (``SqlStore.events``), against raw ``sqlite3`` fetching the same rows;
  * listing (``case list``): ``SqlStore.summaries()`` of 10 000 cases (headers with the state after their last
    event, one query) against raw ``sqlite3`` running the same JOIN and fetching the same rows.
Each side runs with the garbage collector off while it is timed (collected between measurements), as in
benchmarks/engine.py; every measurement is repeated in fresh databases and the best round of each side is
reported, since the machine may be shared. The raw side writes exactly the rows the store wrote (same columns, same precomputed hashes, same pragmas and
indexes), so the difference is what the store adds: hashing, checks, SQLAlchemy Core and the event objects.
Targets: bulk import >= 0.5 x raw rate; replay <= 3 x raw time; listing <= 3 x raw time (PASS/FAIL printed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from samhandling.process.case import Event
from samhandling.store.base import CaseHeader, utc_now
from samhandling.store.sql import SqlStore

EVENT_COLS = "case_id, seq, act, body, person, on_date, payload, from_state, to_state, recorded_at, prev_hash, hash"
CASE_COLS = (
    "case_id, structure, process, version, title, created, head_seq, head_hash, structure_hash, "
    "process_hash, structure_file, process_file"
)
LIST_SQL = (
    "SELECT c.case_id, c.structure, c.process, c.version, c.title, c.created, c.head_seq, c.head_hash, "
    "c.structure_hash, c.process_hash, c.structure_file, c.process_file, e.to_state FROM cases c "
    "LEFT OUTER JOIN events e ON e.case_id = c.case_id AND e.seq = c.head_seq ORDER BY c.created, c.case_id"
)


def make_events(n: int, start: int = 1) -> list[Event]:
    day = dt.date(2024, 1, 1)
    out = (
        [Event(start, "open", None, None, day, {"title": "Benchmark", "version": "1"}, None, "ny")]
        if start == 1
        else []
    )
    for seq in range(start + len(out), start + n):
        out.append(
            Event(
                seq,
                "anchor",
                "fsu",
                None,
                day + dt.timedelta(days=seq % 300),
                {"party": f"kommune-{seq % 15}", "note": "forankret i kommunen"},
                "mandat_godkjent",
                "mandat_godkjent",
            )
        )
    return out


def header(case_id: str) -> CaseHeader:
    return CaseHeader(case_id, "sor-rogaland", "tjenestemodell", "1", f"Sak {case_id}", utc_now())


def raw_connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def clone_schema(src: Path, dst: Path) -> None:
    """The raw side gets exactly the store's tables and indexes (empty)."""
    s = sqlite3.connect(src)
    ddl = [r[0] for r in s.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name != 'schema_version'")]
    s.close()
    d = raw_connect(dst)
    for stmt in ddl:
        d.execute(stmt)
    d.close()


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}/s".replace(",", " ")


def _best(times: list[float]) -> float:
    return min(times)


def run(
    events_total: int, per_case: int, single: int, repeat: int = 3, out: object = None, list_cases: int = 10_000
) -> dict[str, float]:
    stream = out if out is not None else sys.stdout
    cases_n = max(1, events_total // per_case)
    total = cases_n * per_case
    timings: dict[str, list[float]] = {}

    def timed(key: str, seconds: float) -> None:
        timings.setdefault(key, []).append(seconds)
        gc.collect()  # collect between measurements, never during one (gc is off while timing, both sides)

    items = [(header(f"sak-{i:06d}"), make_events(per_case)) for i in range(cases_n)]
    gc.disable()
    # Each round builds fresh databases; the best round of each side is reported (the machine may be shared).
    for _round in range(max(1, repeat)):
        with tempfile.TemporaryDirectory(prefix="samhandling-bench-") as tmp:
            base = Path(tmp)

            # ---- bulk import: store
            store = SqlStore(str(base / "store.db"))
            store.initialise()  # the tables, before the clock starts
            t = time.perf_counter()
            store.import_cases(items)
            timed("bulk_store", time.perf_counter() - t)

            # ---- bulk import: raw sqlite3, the very rows the store wrote
            raw_path = base / "raw.db"
            clone_schema(base / "store.db", raw_path)
            src = sqlite3.connect(base / "store.db")
            case_rows = src.execute(f"SELECT {CASE_COLS} FROM cases").fetchall()
            event_rows = src.execute(f"SELECT {EVENT_COLS} FROM events ORDER BY case_id, seq").fetchall()
            src.close()
            raw = raw_connect(raw_path)
            t = time.perf_counter()
            raw.execute("BEGIN IMMEDIATE")
            raw.executemany(f"INSERT INTO cases ({CASE_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", case_rows)
            raw.executemany(f"INSERT INTO events ({EVENT_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", event_rows)
            raw.execute("COMMIT")
            timed("bulk_raw", time.perf_counter() - t)

            # ---- replay: every event back, in case order
            t = time.perf_counter()
            replayed = list(store.all_events())
            timed("replay_store", time.perf_counter() - t)
            assert len(replayed) == total
            del replayed
            t = time.perf_counter()
            rows = raw.execute(f"SELECT {EVENT_COLS} FROM events ORDER BY case_id, seq").fetchall()
            timed("replay_raw", time.perf_counter() - t)
            assert len(rows) == total
            del rows

            # ---- replay case by case (what loading cases does)
            ids = [r[0] for r in case_rows]
            t = time.perf_counter()
            n = sum(len(store.events(cid)) for cid in ids)
            timed("cases_store", time.perf_counter() - t)
            assert n == total
            t = time.perf_counter()
            n = sum(
                len(raw.execute(f"SELECT {EVENT_COLS} FROM events WHERE case_id = ? ORDER BY seq", (cid,)).fetchall())
                for cid in ids
            )
            timed("cases_raw", time.perf_counter() - t)

            # ---- single acts: each its own durable transaction
            store.create_case(header("enkel"), make_events(1))
            singles = make_events(single, start=2)
            t = time.perf_counter()
            for e in singles:
                store.append("enkel", [e], expected_seq=e.seq)
            timed("single_store", time.perf_counter() - t)
            src = sqlite3.connect(base / "store.db")
            single_rows = src.execute(
                f"SELECT {EVENT_COLS} FROM events WHERE case_id = 'enkel' AND seq > 1 ORDER BY seq"
            ).fetchall()
            enkel = src.execute(f"SELECT {CASE_COLS} FROM cases WHERE case_id = 'enkel'").fetchone()
            src.close()
            raw.execute(
                f"INSERT INTO cases ({CASE_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (*enkel[:6], 1, enkel[7], *enkel[8:]),
            )
            t = time.perf_counter()
            for r in single_rows:
                raw.execute("BEGIN IMMEDIATE")
                raw.execute("SELECT head_seq, head_hash FROM cases WHERE case_id = ?", (r[0],)).fetchone()
                raw.execute(f"INSERT INTO events ({EVENT_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", r)
                raw.execute("UPDATE cases SET head_seq = ?, head_hash = ? WHERE case_id = ?", (r[1], r[11], r[0]))
                raw.execute("COMMIT")
            timed("single_raw", time.perf_counter() - t)
            assert store.verify().ok
            raw.close()
            store.close()

            # ---- listing (case list): many small cases, the store's summaries against the same JOIN in raw sqlite3
            listing = SqlStore(str(base / "list.db"))
            listing.import_cases([(header(f"liste-{i:06d}"), make_events(2)) for i in range(list_cases)])
            listing.close()
            listing = SqlStore(str(base / "list.db"))
            raw = raw_connect(base / "list.db")
            assert len(raw.execute(LIST_SQL).fetchall()) == list_cases  # warm both caches alike
            assert len(listing.summaries()) == list_cases
            for _ in range(3):
                t = time.perf_counter()
                summaries = listing.summaries()
                timed("list_store", time.perf_counter() - t)
                t = time.perf_counter()
                listed = raw.execute(LIST_SQL).fetchall()
                timed("list_raw", time.perf_counter() - t)
                assert len(summaries) == len(listed) == list_cases and summaries[0].state == listed[0][12]
                del summaries, listed
            raw.close()
            listing.close()

    gc.enable()
    results = {key: _best(values) for key, values in timings.items()}
    ratio_bulk = results["bulk_raw"] / results["bulk_store"]  # store rate / raw rate
    ratio_replay = results["replay_store"] / results["replay_raw"]
    ratio_cases = results["cases_store"] / results["cases_raw"]
    ratio_single = results["single_raw"] / results["single_store"]
    ratio_list = results["list_store"] / results["list_raw"]
    results.update(ratio_bulk=ratio_bulk, ratio_replay=ratio_replay, ratio_cases=ratio_cases, ratio_list=ratio_list)
    lines = [
        f"Hendelseslager, SQLite (WAL, synchronous=FULL): {total} hendelser i {cases_n} saker; "
        f"{single} enkelthandlinger; beste av {max(1, repeat)} runder",
        "",
        "| måling | samhandling | rå sqlite3 | forhold | mål |",
        "|---|---|---|---|---|",
        f"| enkelthandlinger (én transaksjon hver) | {rate(single, results['single_store'])} | "
        f"{rate(single, results['single_raw'])} | {ratio_single:.2f}× raten | - |",
        f"| bulkimport (én transaksjon) | {rate(total, results['bulk_store'])} | {rate(total, results['bulk_raw'])} | "
        f"{ratio_bulk:.2f}× raten | ≥ 0.5× {'OK' if ratio_bulk >= 0.5 else 'IKKE NÅDD'} |",
        f"| gjenspilling, alle hendelser | {results['replay_store']:.3f} s | {results['replay_raw']:.3f} s | "
        f"{ratio_replay:.2f}× tiden | ≤ 3× {'OK' if ratio_replay <= 3 else 'IKKE NÅDD'} |",
        f"| gjenspilling, sak for sak | {results['cases_store']:.3f} s | {results['cases_raw']:.3f} s | "
        f"{ratio_cases:.2f}× tiden | - |",
        f"| sakslisten ({list_cases} saker, én spørring) | {results['list_store']:.3f} s | "
        f"{results['list_raw']:.3f} s | {ratio_list:.2f}× tiden | ≤ 3× {'OK' if ratio_list <= 3 else 'IKKE NÅDD'} |",
        "",
        f"case list, {list_cases} saker: {ratio_list:.2f}× én rå SQL-spørring etter de samme radene: "
        f"{'PASS' if ratio_list <= 3 else 'FAIL'} (mål ≤ 3×)",
    ]
    print("\n".join(lines), file=stream)  # type: ignore[call-overload]
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ytelsesmåling av hendelseslageret (SQLite) mot rå sqlite3")
    parser.add_argument("--events", type=int, default=100_000, help="hendelser i bulkimport og gjenspilling")
    parser.add_argument("--per-case", type=int, default=100, help="hendelser per sak")
    parser.add_argument("--single", type=int, default=2_000, help="enkelthandlinger (én transaksjon hver)")
    parser.add_argument("--repeat", type=int, default=3, help="runder; den beste av hver måling rapporteres")
    parser.add_argument("--list-cases", type=int, default=10_000, help="saker i målingen av sakslisten")
    args = parser.parse_args(argv)
    run(args.events, args.per_case, args.single, args.repeat, list_cases=args.list_cases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
