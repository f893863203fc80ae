"""The short path of an act (process/shortpath.py) records exactly what the general judging pass records.

Two cases of one definition are driven in lockstep by the same random acts: one through ``Case.act`` (the short path
first, the general pass when it declines), the other through the general pass alone. Every step must give the same
event (payload, dates, states, recording instant under a fixed clock) or the same refusal (type, code, message,
details), and leave the same state, facts, engine records, progress and date bounds. The acts are drawn to be
mostly allowed (the parties a per-party act needs, every voter's position, the facts an act requires) with every
kind of fault mixed in (unknown, wrong or twice-recorded parties, outcome and position spellings, a party against or
missing, a position from a party without a seat, reserved keys, dates before, after and in the future, a datetime,
a person, wrong bodies), on every bundled process and on a structure written here.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import attrs
import pytest

import samhandling
from samhandling.clock import FixedClock, use_clock
from samhandling.errors import SamhandlingError
from samhandling.process.case import Case, Event
from samhandling.process.definition import ActDef, ActorSpec, PerParty
from samhandling.process.engine import ProcessDefinition
from samhandling.process.loader import get_process, process_names
from samhandling.process.vocabulary import SIDE_KINDS
from samhandling.structure.graph import Structure

TODAY = dt.date(2025, 6, 2)
START = dt.date(2025, 1, 6)

BUNDLED = ["sor-rogaland", "sogn-og-fjordane", "innlandet", "vestfold", "ahus-forvaltningsnettverk"]


def _outcome(result: Event | SamhandlingError) -> tuple[Any, ...]:
    if isinstance(result, SamhandlingError):
        return ("refused", type(result).__name__, result.code, result.message, result.details)
    return ("event", result)


def _state(case: Case) -> tuple[Any, ...]:
    return (*case.snapshot(), case.events, case.attributes, case._floor, case._latest)


def _payload(rng: random.Random, definition: ProcessDefinition, case: Case, act_name: str, body: str) -> dict[str, Any]:
    """A payload for ``act_name`` that is mostly what the act needs, sometimes not."""
    act = definition._acts[act_name]
    structure = definition.structure
    parties = list(structure.parties)
    payload: dict[str, Any] = {}
    day = case._latest
    if act.per_party is not None:
        try:
            needed = definition._required_parties(act, definition._collection_body(case, act, body), day)
        except SamhandlingError:
            needed = []
        recorded = case._progress.get(act.name) or {}
        waiting = [p for p in needed if p.id not in recorded]
        pool = waiting if waiting and rng.random() < 0.9 else parties
        party = rng.choice(pool)
        payload["party"] = party.id if rng.random() < 0.7 else rng.choice([party.name, "ingen-slik-part"])
        if act.per_party.outcome:
            payload["outcome"] = rng.choice(["adopted", "adopted", "vedtatt", "Vedtatt ", "rejected", "nei", "kanskje"])
    try:
        rule = definition._rule_for(act, structure.body(body))
    except SamhandlingError:
        rule = None
    if rule is not None or act.guard == "consensus":
        try:
            voters = [p.id for p in definition.voters(body, day).parties]
        except SamhandlingError:
            voters = []
        if rng.random() < 0.7:  # the same positions again and again (as a decision remembered would see them)
            words = dict.fromkeys(voters, "for")
        else:
            words = {p: rng.choice(["for", "for", "for", "ja", "Enig", "avstår"]) for p in voters}
        roll = rng.random()
        if roll < 0.1 and words:
            words[rng.choice(list(words))] = "mot"
        elif roll < 0.2 and words:
            del words[rng.choice(list(words))]
        elif roll < 0.25:
            words[rng.choice(parties).id] = "for"
        elif roll < 0.28:
            words["ukjent-part"] = "for"
        elif roll < 0.31 and words:
            words[rng.choice(list(words))] = "tja"
        if rng.random() > 0.05:
            payload["positions"] = words
        if rng.random() < 0.1:
            payload["against"] = [rng.choice(parties).id]
    for key in act.requires:
        if rng.random() < 0.9:
            payload[key] = rng.choice([True, "ja", "innspill mottatt"])
    if act.deadline is not None and rng.random() < 0.9:
        payload[act.deadline[0]] = (day + dt.timedelta(days=rng.choice([2, 30, 60]))).isoformat()
    if act.gateway is not None and rng.random() < 0.9:
        payload[act.gateway[0]] = rng.choice([True, False])
    if act.kind in ("send_back", "withdraw", "escalate") and rng.random() < 0.8:
        payload["reason"] = "uenighet"
    if act.kind == "send_back":
        payload["to"] = rng.choice([s.name for s in definition.states])
    roll = rng.random()
    if roll < 0.03:
        payload["progress"] = "x"  # a reserved key
    elif roll < 0.06:
        payload["note"] = START  # a date in the payload
    elif roll < 0.09:
        payload["list"] = ["a", {"b": 1}]  # a container
    elif roll < 0.15:
        payload["note"] = "notat"
    return payload


def _drive(definition: ProcessDefinition, rng: random.Random, steps: int) -> tuple[int, int]:
    """Drive two cases in lockstep; returns (acts allowed, allowed acts the short path recorded)."""
    structure = definition.structure
    bodies = [b.id for b in structure.bodies]
    short = definition._short
    fast_case = definition.new_case("sak", on=START)
    slow_case = definition.new_case("sak", on=START)
    allowed = hits = 0
    for _ in range(steps):
        if fast_case.is_final:
            break
        available = definition.available_acts(fast_case)
        if rng.random() > 0.05:  # now and then a send-back, an escalation or a withdrawal
            available = [a for a in available if definition._acts[a.act].kind not in SIDE_KINDS] or available
        if available and rng.random() < 0.85:
            choice = rng.choice(available)
            act_name = choice.act
            body = rng.choice(list(choice.bodies)) if choice.bodies and rng.random() < 0.9 else rng.choice(bodies)
        else:
            act_name = rng.choice([a.name for a in definition.acts])
            body = rng.choice(bodies)
        if rng.random() < 0.03:
            body = "ukjent-organ"
        payload = _payload(rng, definition, fast_case, act_name, body)
        roll = rng.random()
        latest = fast_case._latest
        on: Any = latest
        if roll < 0.15:
            on = latest + dt.timedelta(days=rng.randint(1, 20))
        elif roll < 0.2:
            on = latest - dt.timedelta(days=rng.randint(1, 5))
        elif roll < 0.23:
            on = TODAY + dt.timedelta(days=rng.randint(1, 5))  # in the future
        elif roll < 0.25:
            on = None
        elif roll < 0.26:
            on = dt.datetime(latest.year, latest.month, latest.day, 12, 0)
        person = "Kari Nordmann" if rng.random() < 0.03 else None
        short_path = short.get(act_name)
        used = [False]
        if short_path is not None:

            def spy(
                case: Case, by: Any, on_: Any, load: dict[str, Any], _short: Any = short_path, _used: Any = used
            ) -> Event | None:
                event = _short(case, by, on_, load)
                _used[0] = event is not None
                return event

            short[act_name] = spy
        fast: Event | SamhandlingError
        slow: Event | SamhandlingError
        try:
            try:
                fast = fast_case.act(act_name, by=body, on=on, person=person, **{k: v for k, v in payload.items()})
            except SamhandlingError as exc:
                fast = exc
        finally:
            if short_path is not None:
                short[act_name] = short_path
        try:
            slow = definition._perform(slow_case, act_name, body, on, person, dict(payload), True)
        except SamhandlingError as exc:
            slow = exc
        assert _outcome(fast) == _outcome(slow), (act_name, body, on, payload)
        assert _state(fast_case) == _state(slow_case), (act_name, body, on, payload)
        if isinstance(fast, Event):
            allowed += 1
            hits += used[0]
    return allowed, hits


@pytest.mark.parametrize("name", BUNDLED)
def test_the_short_path_records_what_the_general_pass_records_on_bundled_processes(name: str) -> None:
    structure = samhandling.load(name)
    allowed = hits = 0
    with use_clock(FixedClock(TODAY)):
        for process in process_names(structure):
            definition = get_process(structure, process)
            rng = random.Random(f"{name}/{process}")
            for _ in range(40):
                a, h = _drive(definition, rng, 40)
                allowed += a
                hits += h
    assert allowed > 50
    assert hits > allowed // 3  # the short path is not vacuous: it records a good share of the allowed acts


PROCESS = """\
process: sak
version: "1"
title: Sak
initial: ny
states:
  - {name: ny, label: Ny}
  - {name: forankret, label: Forankret}
  - {name: godkjent, label: Godkjent}
  - {name: vurdert, label: Vurdert}
  - {name: behandlet, label: Behandlet}
  - {name: ferdig, label: Ferdig, final: true}
  - {name: avvist, label: Avvist, final: true}
acts:
  - name: anchor
    label: forankre
    kind: anchor
    from: ny
    to: forankret
    by: {body: FSU}
    due: 2025-01-20
    per_party: {kinds: [municipality, health_trust]}
  - name: approve
    label: godkjenne
    kind: approve
    from: forankret
    to: godkjent
    by: {bodies: [FSU, SSU], in_order: true}
  - name: assess
    label: vurdere
    kind: assess
    from: godkjent
    by: {body: SSU}
    requires: {economic: økonomi}
    gateway: {key: review, label: politisk behandling, "true": vurdert, "false": behandlet}
  - name: review
    label: politisk behandling
    kind: political_review
    from: vurdert
    to: behandlet
    by: {body: Kommunestyrene}
    per_party:
      kinds: [municipality]
      parties_of: assess
      outcome: true
      on_rejection: {default: stop, options: {stop: avvist, continue: null}}
  - {name: implement, label: gjennomføre, kind: implement, from: behandlet, to: ferdig, by: {body: SSU}, due: 2025-02-01}
"""


def _own(tmp_path: Path, rule: str, k4_seat: str = "") -> Structure:
    municipalities = [f"k{i}" for i in range(1, 6)]
    parties = "\n".join(f"  - {{id: {k}, name: Kommune {k}, kind: municipality}}" for k in municipalities)
    members = "\n".join(f"      - {{party: {k}}}" for k in municipalities[:3])  # k5 has no seat in SSU
    members += f"\n      - {{party: k4{k4_seat}}}"
    text = f"""\
structure: egen
name: Egen
parties:
  - {{id: hf, name: Helseforetaket HF, kind: health_trust}}
{parties}
bodies:
  - id: ssu
    name: Strategisk samarbeidsutvalg
    abbreviation: SSU
    kind: strategic_committee
    power: decides
    decision_rule: {rule}
    members:
      - {{party: hf}}
{members}
  - id: fsu
    name: Faglig samarbeidsutvalg
    abbreviation: FSU
    kind: professional_committee
    power: advises
  - id: kommunestyrene
    name: Kommunestyrene
    kind: political_body
    power: decides
relations:
  - {{from: fsu, to: ssu, kind: reports_to}}
processes:
  - {{name: sak, file: sak.yaml}}
"""
    (tmp_path / "sak.yaml").write_text(PROCESS, encoding="utf-8")
    path = tmp_path / "egen.yaml"
    path.write_text(text, encoding="utf-8")
    return samhandling.load(path)


@pytest.mark.parametrize("rule", ["consensus", "majority", "unanimity"])
def test_the_short_path_records_what_the_general_pass_records_on_a_structure_of_our_own(
    tmp_path: Path, rule: str
) -> None:
    structure = _own(tmp_path, rule)
    definition = get_process(structure, "sak")
    assert set(definition._short) == {"anchor", "approve", "assess", "review", "implement"}
    rng = random.Random(rule)
    allowed = hits = 0
    with use_clock(FixedClock(TODAY)):
        for _ in range(60):
            a, h = _drive(definition, rng, 40)
            allowed += a
            hits += h
    assert allowed > 100
    assert hits > allowed // 2


def _to_approval(definition: ProcessDefinition, day: dt.date) -> Case:
    """A case of the structure of our own, anchored and approved by FSU, waiting for SSU's approval."""
    case = definition.new_case("sak", on=day)
    for party in ["hf", "k1", "k2", "k3", "k4", "k5"]:
        case.act("anchor", by="FSU", on=day, party=party)
    case.act("approve", by="FSU", on=day)
    return case


def test_a_decision_remembered_by_the_short_path_is_judged_again_for_other_positions_and_days(
    tmp_path: Path,
) -> None:
    """The short path remembers a decision judged allowed per (body, day, positions) and nothing else: ``against``
    beside the same positions, and the same positions on a day the membership differs, are judged again, by the one
    decision guard (the refusal is the general pass's)."""
    structure = _own(tmp_path, "consensus", k4_seat=", valid_to: 2025-03-31")
    definition = get_process(structure, "sak")
    seated = {"hf": "for", "k1": "for", "k2": "for", "k3": "for", "k4": "for"}
    day, later = dt.date(2025, 3, 3), dt.date(2025, 4, 7)
    with use_clock(FixedClock(TODAY)):
        for _ in range(2):  # the second is recorded by the short path from the decision remembered
            case = _to_approval(definition, day)
            event = case.act("approve", by="SSU", on=day, positions=dict(seated))
            assert event.to_state == "godkjent" and event.payload["positions"] == seated
        case = _to_approval(definition, day)
        with pytest.raises(SamhandlingError) as against:
            case.act("approve", by="SSU", on=day, positions=dict(seated), against=["k2"])
        assert against.value.code == "duplicate-party"
        with pytest.raises(SamhandlingError) as not_a_list:
            case.act("approve", by="SSU", on=day, positions=dict(seated), against="k2")
        assert not_a_list.value.code == "bad-against"
        assert case.state == "forankret" and len(case.events) == 8
        case = _to_approval(definition, later)  # k4's seat ended on 31 March
        with pytest.raises(SamhandlingError) as no_seat:
            case.act("approve", by="SSU", on=later, positions=dict(seated))
        assert no_seat.value.code == "no-seat-party" and "k4" in no_seat.value.message
        event = case.act("approve", by="SSU", on=later, positions={k: v for k, v in seated.items() if k != "k4"})
        assert event.to_state == "godkjent"


def test_the_short_path_knows_every_field_an_act_can_have() -> None:
    """The short path runs only the checks it knows an act can need (``compile_short_path``). A new field on an act,
    an actor or a per-party act (a new check in ``guards``) must be taught to it, or the acts that use the field must
    take the general pass: this list changes only together with ``process/shortpath.py``. (A new check inside
    ``authority()`` or ``decision_guard()`` needs nothing: the short path asks those functions.)"""
    assert [f.name for f in attrs.fields(ActDef)] == [
        "name",
        "label",
        "kind",
        "bodies",
        "sources",
        "dest",
        "actor",
        "requires",
        "guard",
        "gateway",
        "per_party",
        "source_text",
        "deadline",
        "due",
        "location",
        "rule",
    ]
    assert [f.name for f in attrs.fields(ActorSpec)] == ["bodies", "kind", "same_as", "in_order"]
    assert [f.name for f in attrs.fields(PerParty)] == [
        "kinds",
        "outcome",
        "on_rejection",
        "incomplete_code",
        "rejection_dest",
        "parties_of",
    ]
