"""Several processes write to the same cases at once: every write is stored or refused, none is lost."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import time
from collections import Counter
from typing import Any

import pytest

import samhandling
from samhandling.app.repository import CaseRepository
from samhandling.errors import ActRefusedError, ConflictError
from samhandling.process.case import Event
from samhandling.store import CaseHeader, open_store
from samhandling.store.base import utc_now

SOR_AGREED = {
    p.id: "for" for p in samhandling.load("sor-rogaland").parties if p.kind.value in ("municipality", "health_trust")
}  # SSU decides every matter by consensus (issue 12 item 9)


WORKERS = 4
OPS = 80  # per worker: 320 appends in all
CASES = ["k1", "k2", "k3"]


def append_worker(url: str, worker: int, start_at: float) -> list[tuple[str, int, str, int]]:
    """Append OPS one-event transactions to random cases; report (outcome, op, case, seq) for each."""
    store = open_store(url)
    rng = random.Random(worker)
    out: list[tuple[str, int, str, int]] = []
    while time.time() < start_at:
        time.sleep(0.001)
    for op in range(OPS):
        cid = rng.choice(CASES)
        seq = store.header(cid).head_seq + 1
        e = Event(seq, "note", "fsu", None, dt.date(2024, 1, 1), {"w": worker, "op": op}, "s", "s")
        try:
            store.append(cid, [e], expected_seq=seq)
            out.append(("ok", op, cid, seq))
        except ConflictError:
            out.append(("conflict", op, cid, seq))
    store.close()
    return out


def test_many_processes_appending_lose_nothing(sql_url: str) -> None:
    store = open_store(sql_url)
    for cid in CASES:
        store.create_case(
            CaseHeader(cid, "sor-rogaland", "tjenestemodell", "1", cid, utc_now()),
            [Event(1, "open", None, None, dt.date(2024, 1, 1), {"title": cid}, None, "s")],
        )
    ctx = multiprocessing.get_context("spawn")
    start_at = time.time() + 3.0  # every worker starts writing at the same moment
    verified = 0
    with ctx.Pool(WORKERS) as pool:
        pending = pool.starmap_async(append_worker, [(sql_url, w, start_at) for w in range(WORKERS)])
        # Meanwhile a reader verifies, again and again: it must never see a half-written append.
        while not pending.ready():
            result = store.verify()
            assert result.ok, result.failures
            assert store.verify(CASES[0]).ok
            verified += 1
        results = pending.get(timeout=600)
    assert verified > 0

    outcomes = Counter(r[0] for rs in results for r in rs)
    assert outcomes["ok"] + outcomes["conflict"] == WORKERS * OPS
    assert outcomes["ok"] > 0
    for cid in CASES:
        events = store.events(cid)
        assert [e.seq for e in events] == list(range(1, len(events) + 1)), "gaps or duplicates"
        stored = [(e.payload["w"], e.payload["op"]) for e in events[1:]]
        won = [(w, r[1]) for w, rs in enumerate(results) for r in rs if r[0] == "ok" and r[2] == cid]
        assert sorted(stored) == sorted(won), "a write reported as stored is missing, or an unreported one is there"
        assert store.header(cid).head_seq == len(events)
    result = store.verify()
    assert result.ok, result.failures
    assert result.events == len(CASES) + outcomes["ok"]
    store.close()


def repo_worker(url: str, case_ids: list[str], worker: int, start_at: float) -> list[tuple[str, str, str]]:
    """Anchor every party in every case, in a worker-specific order; report each attempt's outcome."""
    from samhandling import load

    repo = CaseRepository(open_store(url))
    structure = load("sor-rogaland")
    parties = [p.id for p in structure.parties if p.kind.value in ("municipality", "health_trust")]
    random.Random(worker).shuffle(parties)
    while time.time() < start_at:
        time.sleep(0.001)
    out = []
    for cid in case_ids:
        for party in parties:
            for _attempt in range(50):  # a client that lost a race reloads and tries again
                try:
                    repo.act(cid, "anchor", by="fsu", on=dt.date(2024, 3, 1), party=party)
                    out.append(("ok", cid, party))
                except ConflictError:
                    out.append(("conflict", cid, party))
                    continue
                except ActRefusedError as exc:
                    out.append((f"refused:{exc.code}", cid, party))
                break
    repo.store.close()
    return out


def test_processes_acting_through_the_repository(sql_url: str) -> None:
    repo = CaseRepository(open_store(sql_url))
    ids = []
    for n in range(2):
        case = repo.create("sor-rogaland", "tjenestemodell", title=f"Sak {n}", on=dt.date(2024, 1, 2))
        repo.act(case.id, "draft_mandate", by="tmg-barn-unge", on=dt.date(2024, 1, 10))
        repo.act(case.id, "approve_mandate", by="fsu", on=dt.date(2024, 1, 20))
        repo.act(case.id, "approve_mandate", by="ssu", on=dt.date(2024, 2, 1), positions=SOR_AGREED)
        ids.append(case.id)
    ctx = multiprocessing.get_context("spawn")
    start_at = time.time() + 3.0
    with ctx.Pool(WORKERS) as pool:
        results = pool.starmap(repo_worker, [(sql_url, ids, w, start_at) for w in range(WORKERS)])
    flat = [r for rs in results for r in rs]
    assert all(r[0] in ("ok", "conflict") or r[0].startswith("refused:") for r in flat)
    for cid in ids:
        stored = [e for e in repo.history(cid) if e.act == "anchor"]
        won = sorted(r[2] for r in flat if r[1] == cid and r[0] == "ok")
        assert sorted(e.payload["party"] for e in stored) == won
        assert len(won) == len(set(won)) == 16, "every party anchored exactly once"
        case = repo.load(cid)
        assert case.state == "forankret"
        assert [e.seq for e in case.history] == list(range(1, len(case.history) + 1))
    assert repo.store.verify().ok
    repo.store.close()


@pytest.fixture(autouse=True)
def _no_leftover_children() -> Any:
    yield
    for child in multiprocessing.active_children():  # pragma: no cover - only after a failure
        child.terminate()
