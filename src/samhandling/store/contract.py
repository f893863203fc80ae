"""The event store's contract: the behaviour every back-end must have, as pytest tests any back-end can run.

Subclass :class:`EventStoreContract` in a test module, say how to make a fresh, empty store, and pytest runs
every ``test_*`` method against it::

    from samhandling.store.contract import EventStoreContract

    class TestMyStore(EventStoreContract):
        def make_store(self, request):
            return MyStore(request.getfixturevalue("tmp_path") / "x")

The optional ``tamper_*`` hooks let the contract check that :meth:`~samhandling.store.base.EventStore.verify`
finds what someone with write access to the storage could do behind the store's back; a back-end that does not
implement them skips those tests. samhandling runs this contract against memory, SQLite and PostgreSQL
(``tests/test_store_contract.py``).

This module needs pytest (``pip install 'samhandling[bdd]'`` or any pytest); it is never imported by the library.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import math
import weakref
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import pytest

from samhandling.clock import FixedClock, use_clock
from samhandling.errors import ConflictError, IntegrityError, NotFoundError, StoreError
from samhandling.store.base import (
    GENESIS,
    CaseHeader,
    Deadline,
    Definition,
    EventStore,
    Firing,
    canonical_json,
    text_hash,
    utc_now,
)

__all__ = ["ContractEvent", "EventStoreContract", "ReadOnlyMapping"]

D = dt.date
T0 = dt.datetime(2024, 1, 10, 12, 0, tzinfo=dt.UTC)


class ContractEvent(NamedTuple):
    """An engine-shaped event (``samhandling.process.case.Event`` has the same fields)."""

    seq: int
    act: str
    body: str | None
    person: str | None
    on: dt.date
    payload: Mapping[str, Any]
    from_state: str | None
    to_state: str
    recorded_at: str | None = None


class ReadOnlyMapping(dict[str, Any]):
    """A dict whose mutating methods raise, like the engine's ``FrozenDict``."""

    def _refuse(self, *_a: Any, **_k: Any) -> None:
        raise TypeError("skrivebeskyttet")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _refuse  # type: ignore[assignment]


def ev(
    seq: int,
    act: str = "note",
    payload: Mapping[str, Any] | None = None,
    *,
    on: dt.date | None = None,
    to_state: str = "s",
    recorded_at: str | None = None,
) -> ContractEvent:
    return ContractEvent(
        seq,
        act,
        None if seq == 1 else "fsu",
        None,
        on or D(2024, 1, 1),
        payload or {},
        None if seq == 1 else "s",
        to_state,
        recorded_at,
    )


STRUCTURE = Definition("structure", "kontrakt", "", "structure: kontrakt\nbodies: []\n")
PROCESS = Definition("process", "prosess", "1", "process: prosess\nversion: '1'\n")


def header(
    case_id: str = "sak-1", title: str = "Tittel", created: str | None = None, with_definitions: bool = True
) -> CaseHeader:
    return CaseHeader(
        case_id,
        "kontrakt",
        "prosess",
        "1",
        title,
        created or utc_now(),
        structure_hash=STRUCTURE.hash if with_definitions else "",
        process_hash=PROCESS.hash if with_definitions else "",
        structure_file="/et/sted/kontrakt.yaml" if with_definitions else "",
    )


class EventStoreContract:
    """The contract. Subclasses implement :meth:`make_store` (and, optionally, the tamper hooks)."""

    def make_store(self, request: pytest.FixtureRequest) -> EventStore:
        """A fresh, empty store."""
        raise NotImplementedError

    # -- optional hooks: what a tamperer with write access to the storage could do --------------------------

    def tamper_header(self, store: EventStore, case_id: str, **changes: Any) -> None:
        """Change columns of a case's header row behind the store's back."""
        pytest.skip("back-end has no tamper_header hook")

    def tamper_drop_header(self, store: EventStore, case_id: str) -> None:
        """Delete a case's header row, leaving its events."""
        pytest.skip("back-end has no tamper_drop_header hook")

    def tamper_drop_events(self, store: EventStore, case_id: str) -> None:
        """Delete every event of a case, leaving its header."""
        pytest.skip("back-end has no tamper_drop_events hook")

    def tamper_definition(self, store: EventStore, digest: str, text: str) -> None:
        """Replace a kept definition's text."""
        pytest.skip("back-end has no tamper_definition hook")

    # -- the fixture --------------------------------------------------------------------------------------------

    @pytest.fixture
    def store(self, request: pytest.FixtureRequest) -> Iterator[EventStore]:
        s = self.make_store(request)
        try:
            yield s
        finally:
            s.close()

    def _case(self, store: EventStore, case_id: str = "sak-1", n: int = 1, **kw: Any) -> None:
        store.create_case(header(case_id, **kw), [ev(1, "open")], [STRUCTURE, PROCESS])
        if n > 1:
            store.append(case_id, [ev(i) for i in range(2, n + 1)], expected_seq=2)

    # -- writing and reading ------------------------------------------------------------------------------------

    def test_empty_store_reads_as_empty(self, store: EventStore) -> None:
        assert store.headers() == [] and store.summaries() == []
        result = store.verify()
        assert result.ok and (result.cases, result.events) == (0, 0)
        with pytest.raises(NotFoundError):
            store.header("sak-1")

    def test_create_and_read_back(self, store: EventStore) -> None:
        payload = {
            "title": "Forløp for skrøpelige eldre",
            "n": 3,
            "ok": True,
            "none": None,
            "x": 1.5,
            "positions": {"sandnes": "for", "hå": "blank"},
            "list": [1, "to"],
        }
        store.create_case(header(), [ev(1, "open", payload, on=D(2024, 2, 29))], [STRUCTURE, PROCESS])
        (e,) = store.events("sak-1")
        assert (e.case_id, e.seq, e.act, e.on, e.payload) == ("sak-1", 1, "open", D(2024, 2, 29), payload)
        h = store.header("sak-1")
        assert e.prev_hash == h.genesis_hash() != GENESIS
        assert (h.structure, h.process, h.version, h.title, h.head_seq, h.head_hash) == (
            "kontrakt",
            "prosess",
            "1",
            "Tittel",
            1,
            e.hash,
        )
        assert (h.structure_hash, h.process_hash, h.structure_file) == (
            STRUCTURE.hash,
            PROCESS.hash,
            "/et/sted/kontrakt.yaml",
        )
        assert [x.case_id for x in store.headers()] == ["sak-1"]
        assert store.verify().ok

    def test_frozen_mappings_and_tuples_are_stored_as_objects_and_arrays(self, store: EventStore) -> None:
        payload = ReadOnlyMapping({"positions": ReadOnlyMapping({"sola": "for"}), "against": ("sola", "hå")})
        store.create_case(header(), [ev(1, "open", payload)], [STRUCTURE, PROCESS])
        row = store.rows("sak-1")[0]
        assert row.payload == '{"against":["sola","hå"],"positions":{"sola":"for"}}'
        assert store.events("sak-1")[0].payload == {"against": ["sola", "hå"], "positions": {"sola": "for"}}

    def test_a_case_needs_an_event(self, store: EventStore) -> None:
        with pytest.raises(StoreError) as info:
            store.create_case(header(), [], [STRUCTURE, PROCESS])
        assert info.value.code == "store-event"
        assert store.headers() == []

    def test_append_chains_hashes(self, store: EventStore) -> None:
        self._case(store)
        store.append("sak-1", [ev(2), ev(3)], expected_seq=2)
        store.append("sak-1", [ev(4)], expected_seq=4)
        got = store.events("sak-1")
        assert [e.seq for e in got] == [1, 2, 3, 4]
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(got))
        assert len({e.hash for e in got}) == 4
        result = store.verify()
        assert result.ok and (result.cases, result.events) == (1, 4)
        assert store.verify("sak-1").to_dict() == {"ok": True, "cases": 1, "events": 4, "failures": []}

    def test_stale_writer_gets_conflict_and_nothing_changes(self, store: EventStore) -> None:
        self._case(store)
        store.append("sak-1", [ev(2, payload={"who": "first"})], expected_seq=2)
        before = store.events("sak-1")
        with pytest.raises(ConflictError) as info:
            store.append("sak-1", [ev(2, payload={"who": "second"})], expected_seq=2)
        assert info.value.code == "conflict" and "last den på nytt" in info.value.message
        with pytest.raises(ConflictError):  # skipping ahead is refused as well: no gaps
            store.append("sak-1", [ev(4)], expected_seq=4)
        with pytest.raises(ConflictError):  # misnumbered events
            store.append("sak-1", [ev(4)], expected_seq=3)
        assert store.events("sak-1") == before
        assert store.verify().ok

    def test_duplicate_case_id_is_a_conflict_not_an_overwrite(self, store: EventStore) -> None:
        store.create_case(header(), [ev(1, "open", {"title": "første"})], [STRUCTURE, PROCESS])
        with pytest.raises(ConflictError):
            store.create_case(header(title="Annen"), [ev(1, "open", {"title": "andre"})], [STRUCTURE, PROCESS])
        assert store.events("sak-1")[0].payload == {"title": "første"}
        assert [h.title for h in store.headers()] == ["Tittel"]

    def test_unknown_case(self, store: EventStore) -> None:
        self._case(store, "annen")
        with pytest.raises(NotFoundError) as info:
            store.append("finnes-ikke", [ev(1)], expected_seq=1)
        assert "finnes-ikke" in info.value.message and info.value.code == "unknown-case"
        for call in (store.events, store.header, store.rows, store.verify, store.case_rows):
            with pytest.raises(NotFoundError):
                call("finnes-ikke")

    # -- payloads -------------------------------------------------------------------------------------------

    def test_append_is_all_or_nothing(self, store: EventStore) -> None:
        self._case(store)
        with pytest.raises(StoreError) as info:
            store.append("sak-1", [ev(2), ev(3, payload={"when": object()})], expected_seq=2)
        assert not isinstance(info.value, ConflictError) and info.value.code == "store-payload"
        assert "when" in info.value.message
        assert [e.seq for e in store.events("sak-1")] == [1] and store.header("sak-1").head_seq == 1
        store.append("sak-1", [ev(2)], expected_seq=2)  # the case is still writable
        assert store.verify().ok

    @pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
    def test_nan_and_infinity_are_refused_naming_the_key(self, store: EventStore, bad: float) -> None:
        self._case(store)
        with pytest.raises(StoreError) as info:
            store.append("sak-1", [ev(2, payload={"score": {"sola": [1, bad]}})], expected_seq=2)
        assert info.value.code == "store-payload"
        assert "score.sola[1]" in info.value.message and "JSON" in info.value.message
        assert len(store.events("sak-1")) == 1

    def test_a_huge_integer_is_refused_not_an_internal_error(self, store: EventStore) -> None:
        self._case(store)
        with pytest.raises(StoreError) as info:
            store.append("sak-1", [ev(2, payload={"n": 10**5000})], expected_seq=2)
        assert info.value.code == "store-payload" and "«n»" in info.value.message

    def test_refused_payloads_are_not_kept_and_do_not_poison_the_next(self, store: EventStore) -> None:
        self._case(store)

        class Box(dict[str, Any]):
            pass

        refs = []
        for i in range(5):
            bad = Box({"big": "x" * 10_000, "inner": {"list": [1, object()]}})
            refs.append(weakref.ref(bad))
            with pytest.raises(StoreError) as info:
                store.append("sak-1", [ev(2, payload=bad)], expected_seq=2)
            assert "inner.list[1]" in info.value.message and "Circular" not in info.value.message
            del bad, info
            assert i >= 0
        gc.collect()
        assert [r() for r in refs] == [None] * 5  # nothing kept them alive
        fixed = {"inner": {"list": [1, 2]}}
        store.append("sak-1", [ev(2, payload=fixed)], expected_seq=2)
        store.append("sak-1", [ev(3, payload=fixed)], expected_seq=3)  # the same object again: not «circular»
        assert store.events("sak-1")[2].payload == fixed

    def test_a_real_cycle_is_refused_clearly(self, store: EventStore) -> None:
        self._case(store)
        loop: dict[str, Any] = {"a": []}
        loop["a"].append(loop)
        with pytest.raises(StoreError) as info:
            store.append("sak-1", [ev(2, payload=loop)], expected_seq=2)
        assert info.value.code == "store-payload" and "sirkulær" in info.value.message

    def test_event_without_a_proper_date_is_refused(self, store: EventStore) -> None:
        self._case(store)
        bads: tuple[Any, ...] = (dt.datetime(2024, 1, 1, 12, 0), "2024-01-01")
        for bad in bads:
            with pytest.raises(StoreError) as info:
                store.append("sak-1", [ev(2)._replace(on=bad)], expected_seq=2)
            assert info.value.code == "store-event"
        assert len(store.events("sak-1")) == 1

    # -- time -----------------------------------------------------------------------------------------------

    def test_recorded_at_is_the_engines_else_the_clocks(self, store: EventStore) -> None:
        with use_clock(FixedClock(T0)):
            self._case(store)
            store.append("sak-1", [ev(2, recorded_at="2024-03-01T08:30:00.000000Z"), ev(3)], expected_seq=2)
        got = [e.recorded_at for e in store.events("sak-1")]
        assert got == ["2024-01-10T12:00:00.000000Z", "2024-03-01T08:30:00.000000Z", "2024-01-10T12:00:00.000000Z"]
        with use_clock(FixedClock(T0)):
            assert utc_now() == "2024-01-10T12:00:00.000000Z"
        assert store.verify().ok

    def test_a_recorded_at_that_is_not_the_store_format_is_refused(self, store: EventStore) -> None:
        self._case(store)
        for bad in ("i går", '2024-01-10T12:00:00.000000Z","x', "2024-01-10 12:00"):
            with pytest.raises(StoreError) as info:
                store.append("sak-1", [ev(2, recorded_at=bad)], expected_seq=2)
            assert info.value.code == "store-event"
        assert len(store.events("sak-1")) == 1

    # -- listing --------------------------------------------------------------------------------------------

    def test_summaries_give_state_and_count_oldest_first(self, store: EventStore) -> None:
        store.create_case(
            header("b", created="2024-01-02T00:00:00.000000Z"), [ev(1, "open", to_state="ny")], [STRUCTURE, PROCESS]
        )
        store.create_case(
            header("a", created="2024-01-03T00:00:00.000000Z"), [ev(1, "open", to_state="ny")], [STRUCTURE, PROCESS]
        )
        store.append("b", [ev(2, to_state="midt"), ev(3, to_state="slutt")], expected_seq=2)
        got = [(s.case_id, s.state, s.events) for s in store.summaries()]
        assert got == [("b", "slutt", 3), ("a", "ny", 1)]
        assert [h.case_id for h in store.headers()] == ["b", "a"]
        assert store.summaries()[0].to_dict()["state"] == "slutt"

    # -- definitions ----------------------------------------------------------------------------------------

    def test_definitions_are_kept_once_and_read_back(self, store: EventStore) -> None:
        self._case(store, "a")
        self._case(store, "b")
        assert store.definition(STRUCTURE.hash) == STRUCTURE
        assert store.definition(PROCESS.hash).text == PROCESS.text
        status = store.definition_status(None)
        assert status == {STRUCTURE.hash: True, PROCESS.hash: True}  # two cases, each text once
        with pytest.raises(NotFoundError) as info:
            store.definition(text_hash("annet"))
        assert info.value.code == "unknown-definition"

    def test_definition_hash_is_of_the_text(self) -> None:
        assert Definition("process", "p", "1", "abc").hash == text_hash("abc")
        with pytest.raises(StoreError):
            Definition("process", "p", "1", "abc", text_hash("abd"))

    # -- the header hash ----------------------------------------------------------------------------------------

    def test_genesis_covers_every_header_field(self) -> None:
        import attrs

        base = header(created="2024-01-01T00:00:00.000000Z")
        changes: dict[str, Any] = {
            "title": "Annen",
            "structure": "x",
            "process": "y",
            "version": "2",
            "case_id": "z",
            "created": "2024-01-02T00:00:00.000000Z",
            "structure_hash": "0" * 64,
            "process_hash": "1" * 64,
            "structure_file": "/annet",
            "process_file": "/annet",
        }
        for key, value in changes.items():
            assert attrs.evolve(base, **{key: value}).genesis_hash() != base.genesis_hash(), key
        assert attrs.evolve(base, head_seq=9, head_hash="f" * 64).genesis_hash() == base.genesis_hash()

    def test_canonical_json(self) -> None:
        assert canonical_json({"b": 1, "a": [D(2024, 1, 2)]}) == '{"a":["2024-01-02"],"b":1}'
        with pytest.raises(StoreError):
            canonical_json({"a": math.nan})

    # -- verification of what someone changed behind the store's back -----------------------------------

    def test_changed_title_is_found(self, store: EventStore) -> None:
        self._case(store, n=3)
        self.tamper_header(store, "sak-1", title="Noe annet")
        failures = store.verify().failures
        assert [(f.case_id, f.seq, f.code) for f in failures] == [("sak-1", 1, "header-changed")]
        assert "saksopplysningene" in failures[0].message
        assert not store.verify("sak-1").ok

    def test_changed_definition_hash_in_header_is_found(self, store: EventStore) -> None:
        self._case(store, n=2)
        self.tamper_header(store, "sak-1", process_hash=text_hash("annen prosess"))
        assert [f.code for f in store.verify().failures] == ["header-changed"]

    def test_orphan_events_are_found(self, store: EventStore) -> None:
        self._case(store, "borte", n=3)
        self._case(store, "her")
        self.tamper_drop_header(store, "borte")
        result = store.verify()
        assert [(f.case_id, f.code) for f in result.failures] == [("borte", "orphan-events")]
        assert "3 hendelse(r)" in result.failures[0].message
        assert result.cases == 1 and result.events == 4

    def test_a_case_without_events_is_found(self, store: EventStore) -> None:
        self._case(store, "tom", n=2)
        self._case(store, "her")
        self.tamper_drop_events(store, "tom")
        result = store.verify()
        assert [(f.case_id, f.code) for f in result.failures] == [("tom", "no-events")]
        assert [(f.code) for f in store.verify("tom").failures] == ["no-events"]

    def test_changed_definition_text_is_found(self, store: EventStore) -> None:
        self._case(store)
        self.tamper_definition(store, PROCESS.hash, "process: prosess\nversion: '2'\n")
        failures = store.verify().failures
        assert [(f.case_id, f.code) for f in failures] == [("sak-1", "definition-changed")]
        with pytest.raises(IntegrityError) as info:
            store.verify("sak-1").raise_for_failure()
        assert info.value.details["check"] == "definition-changed"

    # -- deadlines ------------------------------------------------------------------------------------------

    @staticmethod
    def _deadline(timer: str, armed_seq: int, fires_on: str = "2024-01-25", **kw: Any) -> Deadline:
        due = (dt.date.fromisoformat(fires_on) - dt.timedelta(days=1)).isoformat()
        return Deadline(
            "sak-1", timer, armed_seq, kw.pop("kind", "reminder"), kw.pop("state", "s"), due, fires_on, **kw
        )

    def test_deadlines_are_armed_with_the_events_and_cancelled_by_leaving(self, store: EventStore) -> None:
        store.create_case(header(), [ev(1, "open")], [STRUCTURE, PROCESS], arm=[self._deadline("purring", 1)])
        assert [(d.timer, d.status) for d in store.deadlines("sak-1")] == [("purring", "open")]
        store.append("sak-1", [ev(2)], expected_seq=2, arm=[self._deadline("svar", 2, "2024-02-01")])
        assert {d.timer: d.status for d in store.deadlines("sak-1")} == {"purring": "open", "svar": "open"}
        store.append(
            "sak-1",
            [ev(3, to_state="t")],
            expected_seq=3,
            cancel=True,
            arm=[self._deadline("ny", 3, "2024-03-01", state="t")],
        )
        found = {d.timer: (d.status, d.closed_seq) for d in store.deadlines("sak-1")}
        assert found == {"purring": ("cancelled", 3), "svar": ("cancelled", 3), "ny": ("open", None)}
        assert [d.timer for d in store.deadlines(status="open")] == ["ny"]

    def test_a_stray_deadline_refuses_the_whole_append(self, store: EventStore) -> None:
        self._case(store)
        with pytest.raises(StoreError) as info:
            store.append("sak-1", [ev(2)], expected_seq=2, arm=[self._deadline("x", 5)], cancel=True)
        assert info.value.code == "store-deadline"
        assert store.header("sak-1").head_seq == 1 and store.deadlines() == []

    def test_fire_appends_a_chained_timer_event_once(self, store: EventStore) -> None:
        store.create_case(
            header(),
            [ev(1, "open")],
            [STRUCTURE, PROCESS],
            arm=[self._deadline("purring", 1), self._deadline("senere", 1, "2030-01-01")],
        )
        assert store.due_deadlines(D(2024, 1, 24)) == []
        due = store.due_deadlines(D(2024, 1, 25))
        assert [d.timer for d in due] == ["purring"]
        again = self._deadline("purring", 0, "2024-02-01")
        fired = store.fire([Firing(due[0], D(2024, 1, 25), None, (again,))])
        assert [(e.seq, e.act, e.on, e.from_state, e.to_state) for e in fired] == [
            (2, "timer", D(2024, 1, 25), "s", "s")
        ]
        assert fired[0].payload == {"timer": "purring", "kind": "reminder", "due": "2024-01-24"}
        assert store.fire([Firing(due[0], D(2024, 1, 25))]) == []  # fired already: nothing more
        assert store.due_deadlines(D(2024, 1, 25)) == []
        assert [(d.armed_seq, d.status, d.closed_seq) for d in store.deadlines("sak-1") if d.timer == "purring"] == [
            (1, "fired", 2),
            (2, "open", None),
        ]
        assert store.verify().ok and store.header("sak-1").head_seq == 2

    def test_a_repeating_reminder_moves_on_in_place(self, store: EventStore) -> None:
        store.create_case(header(), [ev(1, "open")], [STRUCTURE, PROCESS], arm=[self._deadline("purring", 1)])
        (due,) = store.due_deadlines(D(2024, 1, 25))
        fired = store.fire([Firing(due, D(2024, 1, 25), None, (), ("2024-01-31", "2024-02-01"))])
        assert [(e.seq, e.payload["due"]) for e in fired] == [(2, "2024-01-24")]
        # The same row, still open, due the next period; the same firing again (a second tick) adds nothing.
        assert [(d.armed_seq, d.status, d.due, d.fires_on, d.closed_seq) for d in store.deadlines("sak-1")] == [
            (1, "open", "2024-01-31", "2024-02-01", None)
        ]
        assert store.fire([Firing(due, D(2024, 1, 25), None, (), ("2024-01-31", "2024-02-01"))]) == []
        assert store.due_deadlines(D(2024, 1, 31)) == []
        assert [d.due for d in store.due_deadlines(D(2024, 2, 1))] == ["2024-01-31"]
        assert store.verify().ok and store.header("sak-1").head_seq == 2

    def test_an_expiry_moves_the_case_and_cancels_the_rest(self, store: EventStore) -> None:
        store.create_case(
            header(),
            [ev(1, "open")],
            [STRUCTURE, PROCESS],
            arm=[
                self._deadline("utloep", 1, kind="expiry", payload={"to": "t"}),
                self._deadline("purring", 1, "2024-01-26"),
            ],
        )
        due = store.due_deadlines(D(2024, 1, 26))
        by = {d.timer: d for d in due}
        fired = store.fire([Firing(by["utloep"], D(2024, 1, 25), "t"), Firing(by["purring"], D(2024, 1, 26))])
        assert [(e.payload["timer"], e.to_state) for e in fired] == [("utloep", "t")]
        assert {d.timer: d.status for d in store.deadlines("sak-1")} == {"utloep": "fired", "purring": "cancelled"}
        assert store.verify().ok
