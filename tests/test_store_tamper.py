"""Changing stored events behind the store's back is found by verify, which names the event."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

import samhandling
from samhandling.app.repository import CaseRepository
from samhandling.cli import main
from samhandling.errors import IntegrityError
from samhandling.store import open_store
from samhandling.store.base import canonical_json

SOR_AGREED = {
    p.id: "for" for p in samhandling.load("sor-rogaland").parties if p.kind.value in ("municipality", "health_trust")
}  # SSU decides every matter by consensus (issue 12 item 9)


D = dt.date


def _case(url: str) -> tuple[CaseRepository, str]:
    repo = CaseRepository(open_store(url))
    case = repo.create(
        "sor-rogaland", "tjenestemodell", title="Skal ikke endres", on=D(2024, 1, 2), case_id="sak-tamper"
    )
    repo.act(case.id, "draft_mandate", by="tmg-barn-unge", on=D(2024, 1, 10))
    repo.act(case.id, "approve_mandate", by="fsu", on=D(2024, 1, 20))
    repo.act(case.id, "approve_mandate", by="ssu", on=D(2024, 2, 1), positions=SOR_AGREED)
    repo.act(case.id, "anchor", by="fsu", on=D(2024, 2, 5), party="sandnes")
    other = repo.create("sor-rogaland", "tjenestemodell", title="Uberørt", on=D(2024, 1, 2), case_id="sak-ok")
    assert repo.store.verify().ok and other.id
    return repo, case.id


def _sql(url: str, statement: str, **params: Any) -> None:
    """Write to the database directly, as someone with access to the file or the server could."""
    import sqlalchemy as sa

    from samhandling.store.sql import normalise_url

    engine = sa.create_engine(normalise_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text(statement), params)
    engine.dispose()


def _payload(repo: CaseRepository, case_id: str, seq: int) -> dict[str, Any]:
    return dict(json.loads(repo.store.rows(case_id)[seq - 1].payload))


def test_changed_payload_is_named(sql_url: str) -> None:
    repo, cid = _case(sql_url)
    payload = _payload(repo, cid, 5)
    payload["party"] = "stavanger"  # pretend another municipality was anchored
    _sql(sql_url, "UPDATE events SET payload = :p WHERE case_id = :c AND seq = 5", p=canonical_json(payload), c=cid)
    result = open_store(sql_url).verify()
    assert not result.ok
    assert [(f.case_id, f.seq) for f in result.failures] == [(cid, 5)]
    assert "hendelse nr. 5" in result.failures[0].message and "endret" in result.failures[0].message
    with pytest.raises(IntegrityError) as info:
        result.raise_for_failure()
    assert info.value.code == "integrity" and info.value.details["seq"] == 5
    assert open_store(sql_url).verify("sak-ok").ok  # the other case is unaffected


def test_changed_payload_in_the_middle_is_the_first_reported(sql_url: str) -> None:
    _repo, cid = _case(sql_url)
    _sql(sql_url, "UPDATE events SET body = 'ssu' WHERE case_id = :c AND seq = 3", c=cid)
    failures = open_store(sql_url).verify(cid).failures
    assert [(f.case_id, f.seq) for f in failures] == [(cid, 3)]


def test_rehashed_event_breaks_the_link_to_the_next(sql_url: str) -> None:
    """A tamperer who also recomputes the changed event's hash is caught at the following event."""
    from samhandling.store.base import content_hash

    repo, cid = _case(sql_url)
    row = repo.store.rows(cid)[1]
    new_hash = content_hash(
        cid,
        2,
        row.act,
        "tmg-kroniske",
        row.person,
        row.on_date,
        row.payload,
        row.from_state,
        row.to_state,
        row.recorded_at,
        row.prev_hash,
    )
    _sql(
        sql_url, "UPDATE events SET body = 'tmg-kroniske', hash = :h WHERE case_id = :c AND seq = 2", h=new_hash, c=cid
    )
    failures = open_store(sql_url).verify(cid).failures
    assert [(f.seq, "peker ikke" in f.message) for f in failures] == [(3, True)]


def test_deleted_events_are_found(sql_url: str) -> None:
    _repo, cid = _case(sql_url)
    _sql(sql_url, "DELETE FROM events WHERE case_id = :c AND seq = 5", c=cid)  # the last one
    failures = open_store(sql_url).verify(cid).failures
    assert [f.seq for f in failures] == [5]
    _sql(sql_url, "DELETE FROM events WHERE case_id = :c AND seq = 2", c=cid)  # one in the middle
    failures = open_store(sql_url).verify(cid).failures
    assert [f.seq for f in failures] == [2] and "mangler" in failures[0].message


def test_changed_case_header_is_found(sql_url: str) -> None:
    _repo, cid = _case(sql_url)
    _sql(sql_url, "UPDATE cases SET process = 'annen' WHERE case_id = :c", c=cid)
    failures = open_store(sql_url).verify().failures
    assert [(f.case_id, f.seq) for f in failures] == [(cid, 1)]


def test_memory_fake_detects_the_same(tmp_path: Any) -> None:
    repo, cid = _case("memory://")
    repo.store._replace_row(cid, 4, payload='{"x":1}')  # type: ignore[attr-defined]
    assert [(f.case_id, f.seq) for f in repo.store.verify().failures] == [(cid, 4)]


def test_cli_verify_names_the_event(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "saker.db")
    _repo, cid = _case(db)
    assert main(["case", "verify", "--db", db]) == 0
    assert "OK" in capsys.readouterr().out
    _sql(db, "UPDATE events SET payload = :p WHERE case_id = :c AND seq = 4", p='{"x":1}', c=cid)
    assert main(["case", "verify", "--db", db]) == 1
    out = capsys.readouterr().out
    assert "FEIL" in out and f"sak «{cid}», hendelse nr. 4" in out
    assert main(["case", "verify", "--db", db, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["failures"][0]["seq"] == 4 and data["failures"][0]["case_id"] == cid
