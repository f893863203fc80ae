"""A writer killed with SIGKILL in the middle of its appends leaves a store that opens, verifies and has no partial append."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import time
from collections import Counter

import pytest

from samhandling.process.case import Event
from samhandling.store import CaseHeader, open_store
from samhandling.store.base import utc_now

pytestmark = pytest.mark.slow

BATCH = 40  # events per append: one transaction, so big enough to be killed in the middle of
BLOB = "æøå-" * 800


def writer(url: str, case_id: str) -> None:
    """Append batches to one case for ever (until killed)."""
    store = open_store(url)
    batch = 0
    while True:
        head = store.header(case_id).head_seq
        events = [
            Event(
                head + 1 + k,
                "note",
                "fsu",
                None,
                dt.date(2024, 1, 1),
                {"batch": f"{os.getpid()}-{batch}", "k": k, "blob": BLOB},
                "s",
                "s",
            )
            for k in range(BATCH)
        ]
        store.append(case_id, events, expected_seq=head + 1)
        batch += 1


def _wait_for_events(url: str, case_id: str, at_least: int, timeout: float = 60.0) -> None:
    store = open_store(url)
    deadline = time.time() + timeout
    try:
        while store.header(case_id).head_seq < at_least:
            if time.time() > deadline:
                raise AssertionError("the writer never got going")
            time.sleep(0.01)
    finally:
        store.close()


@pytest.mark.parametrize("rounds", [3])
def test_sigkill_mid_stream_leaves_no_partial_event(sql_url: str, rounds: int) -> None:
    store = open_store(sql_url)
    store.create_case(
        CaseHeader("krasj", "sor-rogaland", "tjenestemodell", "1", "Krasj", utc_now()),
        [Event(1, "open", None, None, dt.date(2024, 1, 1), {"title": "Krasj"}, None, "s")],
    )
    store.close()
    ctx = multiprocessing.get_context("spawn")
    for n in range(rounds):
        proc = ctx.Process(target=writer, args=(sql_url, "krasj"))
        proc.start()
        try:
            _wait_for_events(sql_url, "krasj", 1 + (n + 1) * BATCH * 2)
            time.sleep(0.013 * (n + 1))  # land at different points of a transaction each round
            assert proc.pid is not None
            os.kill(proc.pid, signal.SIGKILL)
            proc.join(30)
        finally:
            if proc.is_alive():  # pragma: no cover
                proc.kill()
        assert proc.exitcode == -signal.SIGKILL

        after = open_store(sql_url)  # it opens
        result = after.verify()
        assert result.ok, result.failures
        events = after.events("krasj")
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert after.header("krasj").head_seq == len(events)
        # Every batch is complete: an append is all or nothing.
        per_batch: Counter[str] = Counter()
        for e in events[1:]:
            assert e.payload["blob"] == BLOB
            if e.payload["batch"] != "single":
                per_batch[e.payload["batch"]] += 1
        assert per_batch and all(count == BATCH for count in per_batch.values()), per_batch
        # And the store is writable again at the right seq.
        nxt = len(events) + 1
        after.append(
            "krasj",
            [Event(nxt, "note", "fsu", None, dt.date(2024, 1, 2), {"batch": "single", "k": n, "blob": BLOB}, "s", "s")],
            expected_seq=nxt,
        )
        after.close()
    # the single events written between rounds are there too
    final = open_store(sql_url)
    assert final.verify().ok
    final.close()
