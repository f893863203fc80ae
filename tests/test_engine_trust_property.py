"""Properties of issue 11 (the engine's part), over random cases and payloads.

* Acceptance: a random payload (any reserved key, random position words, random parties) never changes who may act
  (a case that took an act with the random extras stands exactly where one that took it with a clean payload
  stands: the same next acts by the same bodies, the same engine records), and never yields consensus with a word
  outside the closed vocabulary; a reserved key is always refused.
* Immutability: after random acts, every attempt to mutate what a case exposes (its views, its events, their
  payloads, nested mappings and sequences) fails or leaves the record unchanged: the events hash the same (the
  store's ``chain_rows``), and replaying them gives the same snapshot.
"""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samhandling import ActRefusedError, Case
from samhandling.clock import FixedClock, use_clock
from samhandling.errors import ReservedKeyError, SamhandlingError
from samhandling.process.case import RESERVED_KEYS
from samhandling.process.engine import POSITION_WORDS
from samhandling.store.base import GENESIS, chain_rows
from test_engine_property import DEFINITIONS, _step
from test_engine_support import advance, all_for, counted_positions, new_sor_case

#: Reserved keys that are not also a parameter of ``Case.act``: ``present`` is both (the engine records the attendance
#: given as the parameter under that key), so ``present=None`` is the caller saying «not recorded in a meeting», not a
#: payload claiming a reserved key. Every other reserved key given as a keyword must be refused ``reserved-key``.
_PAYLOAD_RESERVED = RESERVED_KEYS - set(inspect.signature(Case.act).parameters)

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FAR = FixedClock(dt.date(2040, 1, 1))  # random dates never reach "the future"

_WORDS = st.one_of(
    st.sampled_from([*POSITION_WORDS, "MOT!", "nei takk", "veto", "", " ", "tja", "Ja ", " avstår"]),
    st.text(max_size=8),
    st.none(),
    st.booleans(),
    st.integers(-1, 2),
)
_BODIES = ["fsu", "ssu", "FSU", "tmg-kroniske", "kommunestyrene", "Ukjent organ"]
_PARTIES = ["sola", "Sola", "SOLA", "stavanger", "Helse Stavanger", "helse-stavanger", "ha", "Hå", "Ukjent kommune"]
_VALUES = st.one_of(
    st.sampled_from(_BODIES),
    st.dictionaries(st.sampled_from(["draft_mandate", "approve_proposal", "anchor", "sola"]), st.sampled_from(_BODIES)),
    st.lists(st.sampled_from(_BODIES), max_size=3),
    st.none(),
    st.text(max_size=5),
)


def _extras(data: st.DataObject) -> dict[str, Any]:
    """Random extra payload keys: reserved keys, positions with random words and parties, against, routing keys."""
    keys: dict[str, st.SearchStrategy[Any]] = {key: _VALUES for key in RESERVED_KEYS}
    keys["positions"] = st.dictionaries(st.sampled_from(_PARTIES), _WORDS, max_size=5)
    keys["against"] = st.one_of(st.lists(st.sampled_from(_PARTIES), max_size=2), st.sampled_from(_PARTIES))
    keys["note"] = st.text(max_size=5)
    chosen = data.draw(st.lists(st.sampled_from(sorted(keys)), max_size=3, unique=True), label="extra keys")
    return {key: data.draw(keys[key], label=key) for key in chosen}


def _clean(case: Case, act: str, by: str) -> dict[str, Any]:
    """What ``advance`` would give the act (the clean payload): positions for every act judged by a decision rule."""
    if act == "approve_proposal":
        return {"positions": all_for(case.definition.structure)}
    try:
        return counted_positions(case, act, by)
    except SamhandlingError:
        return {}


def _where(case: Case) -> tuple[Any, ...]:
    return (
        case.state,
        [(a.act, a.bodies) for a in case.available_acts()],
        case.actors,
        case.escalated_to,
        case.per_party,
        case.progress,
    )


@SETTINGS
@given(data=st.data())
def test_random_payloads_never_change_who_may_act_nor_fake_a_consensus(data: st.DataObject) -> None:
    with use_clock(FAR):
        case = new_sor_case()
        for _ in range(data.draw(st.integers(0, 30), label="advances")):
            if case.is_final:
                break
            advance(case)
        if case.is_final:
            return
        available = case.available_acts()
        choice = data.draw(st.sampled_from(available), label="act")
        by = data.draw(st.sampled_from([*choice.bodies, *_BODIES]), label="by")
        on = case.history[-1].on + dt.timedelta(days=1)
        extras = _extras(data)
        twin = case.definition.replay(case.history)
        if choice.act == "escalate":
            extras.setdefault("reason", "prinsipielt")
        payload = {**_clean(case, choice.act, by), **extras}
        if choice.act in ("anchor", "political_review"):
            done = set(case.progress.get(choice.act, {}))
            payload.setdefault("party", next(p for p in all_for(case.definition.structure) if p not in done))
            payload.setdefault("outcome", "vedtatt")
        try:
            event = case.act(choice.act, by=by, on=on, **payload)
        except ActRefusedError as exc:
            if not _PAYLOAD_RESERVED.isdisjoint(payload):
                assert isinstance(exc, ReservedKeyError)
            return
        assert _PAYLOAD_RESERVED.isdisjoint(payload), "a reserved key was accepted"
        assert event.body in choice.bodies or event.act == "escalate", "a body acted that was not offered"
        positions = extras.get("positions") or {}
        if choice.act == "approve_proposal" or "positions" in extras:
            for word in positions.values():
                assert isinstance(word, str) and word.strip().casefold() in POSITION_WORDS
        if choice.act == "approve_proposal":
            assert "against" not in event.payload["positions"].values()
        # The twin takes the same act with the clean payload (and the same routing keys): it stands where the case does.
        clean = {k: v for k, v in payload.items() if k not in extras or k in ("reason", "to", "party", "outcome")}
        if choice.act == "escalate" and "positions" in extras:
            clean["positions"] = extras["positions"]
        twin.act(choice.act, by=by, on=on, **clean)
        assert _where(twin) == _where(case)


def _mutate_everything(value: Any, depth: int = 0) -> int:
    """Try to mutate ``value`` and everything inside it; returns how many attempts did not raise."""
    if depth > 6:
        return 0
    quiet = 0
    attempts: list[Any] = []
    if isinstance(value, dict):
        children = list(value.values())
        attempts = [
            lambda: value.__setitem__("x", 1),
            lambda: value.update(x=1),
            lambda: value.pop(next(iter(value), "x"), None),
            lambda: value.clear(),
            lambda: value.setdefault("y", 2),
            lambda: value.popitem(),
        ]
    elif isinstance(value, (list, tuple)):
        children = list(value)
        attempts = [lambda: value.append(1), lambda: value.__setitem__(0, 1), lambda: value.clear()]  # type: ignore[union-attr]
        if hasattr(value, "_fields"):  # an Event
            attempts.append(lambda: setattr(value, "on", dt.date(1999, 1, 1)))
            attempts.append(lambda: value.__dict__)
    else:
        return 0
    for attempt in attempts:
        try:
            attempt()
        except (TypeError, AttributeError, IndexError, KeyError):
            continue
        quiet += 1
    for child in children:
        quiet += _mutate_everything(child, depth + 1)
    return quiet


def _hashes(case: Case) -> list[str]:
    return [row.hash for row in chain_rows(case.id, case.history, 1, GENESIS, "2040-01-01T00:00:00.000000Z")]


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_nothing_reachable_from_a_case_can_change_its_record(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(DEFINITIONS)), label="structure")
    definition = DEFINITIONS[name]
    with use_clock(FAR):
        on = dt.date(2024, 1, 1)
        case = definition.new_case("Uforanderlig", on=on, note={"list": [1, 2], "map": {"a": "b"}})
        for _ in range(data.draw(st.integers(1, 40), label="length")):
            on += dt.timedelta(days=data.draw(st.integers(0, 5)))
            _step(data, case, on)
            if case.is_final:
                break
        hashes = _hashes(case)
        snapshot = case.snapshot()
        history = case.history
        for view in (
            case.data,
            case.facts,
            case.progress,
            case.per_party,
            case.actors,
            history,
            case.effective_events(),
        ):
            _mutate_everything(view)
        for name_ in ("state", "data", "facts", "progress", "events", "history", "actors", "per_party", "title", "id"):
            try:
                setattr(case, name_, None)
            except AttributeError:
                continue
            raise AssertionError(f"case.{name_} could be assigned")
        assert _hashes(case) == hashes
        assert case.history == history
        assert case.snapshot() == snapshot
        assert definition.replay(case.history, case_id=case.id).snapshot() == snapshot
