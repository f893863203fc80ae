"""Deadlines are durable: armed with their act or not at all (SIGKILL), fired once however many ticks run."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path
from typing import Any

import pytest

import timer_fixtures as tf
from samhandling import clock
from samhandling.app.repository import CaseRepository
from samhandling.store import open_store

pytestmark = pytest.mark.slow

D = dt.date


def _writer(url: str, structure: str) -> None:
    """Create cases and send them on for ever (until killed): each create and act arms deadlines."""
    clock.set_clock(clock.FixedClock(D(2024, 1, 10)))
    repo = CaseRepository(open_store(url))
    n = 0
    while True:
        case = repo.create(structure, "frister", f"Sak {n}", case_id=f"{os.getpid()}-{n}")
        repo.act(case.id, "send", by="FSU", on=D(2024, 1, 10))
        n += 1


def _wait_for_cases(url: str, at_least: int, timeout: float = 60.0) -> None:
    store = open_store(url)
    end = time.time() + timeout
    try:
        while len(store.headers()) < at_least:
            if time.time() > end:
                raise AssertionError("the writer never got going")
            time.sleep(0.01)
    finally:
        store.close()


def test_sigkill_never_leaves_an_act_without_its_deadlines(sql_url: str, tmp_path: Path) -> None:
    structure = str(tf.write(tmp_path / "def"))
    ctx = multiprocessing.get_context("spawn")
    rng = random.Random(13)
    for n in range(3):
        proc = ctx.Process(target=_writer, args=(sql_url, structure))
        proc.start()
        try:
            _wait_for_cases(sql_url, 3 * (n + 1))
            time.sleep(rng.uniform(0.0, 0.05))  # a random point: in a create, in an act, or between them
            assert proc.pid is not None
            os.kill(proc.pid, signal.SIGKILL)
            proc.join(30)
        finally:
            if proc.is_alive():  # pragma: no cover
                proc.kill()
        assert proc.exitcode == -signal.SIGKILL
    store = open_store(sql_url)
    assert store.verify().ok
    headers = {h.case_id: h for h in store.headers()}
    by_case: dict[str, list[Any]] = {}
    for d in store.deadlines():
        by_case.setdefault(d.case_id, []).append(d)
    assert set(by_case) == set(headers)  # no deadline without its case, no case without its deadlines
    for cid, header in headers.items():
        found = {(d.timer, d.armed_seq, d.status, d.closed_seq) for d in by_case[cid]}
        if header.head_seq == 1:  # opened, not yet sent: the reminder of «ny» and nothing else
            assert found == {("purring", 1, "open", None)}, cid
        else:  # sent: the reminder cancelled by the act, the act's and the state's timers armed by it
            assert header.head_seq == 2, cid
            assert found == {
                ("purring", 1, "cancelled", 2),
                ("svar", 2, "open", None),
                ("moete", 2, "open", None),
                ("utloept", 2, "open", None),
            }, cid
    store.close()


def _ticker(url: str, start: Any, out: Any) -> None:
    repo = CaseRepository(open_store(url))
    start.wait(30)
    fired = repo.tick(D(2024, 1, 25))
    out.put(len(fired))


@pytest.mark.parametrize("tickers", [2, 3])
def test_concurrent_ticks_fire_each_deadline_once(sql_url: str, tmp_path: Path, tickers: int) -> None:
    structure = str(tf.write(tmp_path / "def"))
    cases = 40
    with clock.use_clock(clock.FixedClock(D(2024, 1, 10))):
        repo = CaseRepository(open_store(sql_url))
        for i in range(cases):
            repo.create(structure, "frister", f"Sak {i}", case_id=f"sak-{i:03d}")
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_ticker, args=(sql_url, start, out)) for _ in range(tickers)]
    for p in procs:
        p.start()
    time.sleep(1.0)  # let every ticker open its store and wait at the start line
    start.set()
    counts = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert sum(counts) == cases  # between them, each deadline fired exactly once
    store = open_store(sql_url)
    assert store.verify().ok
    for i in range(cases):
        events = store.events(f"sak-{i:03d}")
        assert [e.act for e in events] == ["open", "timer"]
    # Each repeating reminder moved on once, to its next period (one row per armed reminder), and is open.
    moved = [(d.timer, d.armed_seq, d.due) for d in store.deadlines(status="open") if d.timer == "purring"]
    assert moved == [("purring", 1, "2024-01-31")] * cases
    assert CaseRepository(store).tick(D(2024, 1, 25)) == []
    store.close()
