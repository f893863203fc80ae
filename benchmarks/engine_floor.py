"""What recording alone costs: the floor under the engine's drive ratio (informational, no target).

Run::

    .venv/bin/python benchmarks/engine_floor.py              # 10 000 cases in 20 paired rounds
    .venv/bin/python benchmarks/engine_floor.py --cases 2000

Three contenders drive the same Sør-Rogaland chain as ``engine.py`` (40 acts per case), in paired rounds:

(e) the engine's Machine class bare (``SharedMachine``, transitions' Machine with its dispatch trimmed), exactly as
    (e) in ``engine.py``: the Machine the floor and the engine fire, with nothing around it;
(f) the recording floor: ``case.act(...)`` with the signature of ``Case.act`` on a case that knows the chain, firing
    the engine's own compiled Machine per act with the same ``ctx`` and ``go`` the engine passes, and appending one
    ``Event`` to the case's history with a frozen payload and ``recorded_at`` from the clock, and nothing else: no
    check of any kind (state, authority, dates, parties, positions), no facts;
(a) the engine (``case.act``).

The medians of the paired (f)/(e) and (a)/(e) ratios show how much of the engine's cost is the record every act must
leave (the event, its frozen payload, the recording instant, the history kept per case), and how much is the checks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import engine as bench  # the benchmark's chain and bare Machine

import samhandling
from samhandling.process.case import EMPTY, Event, FrozenDict
from samhandling.process.definition import Context
from samhandling.process.engine import ProcessDefinition
from samhandling.process.loader import get_process
from samhandling.process.records import recorded_at

ROUNDS = 20


class FloorCase:
    """What the floor records per case: the state (the Machine's model attribute) and the events; ``act`` has the
    signature of ``Case.act`` and takes the acts of the chain in order (it knows the chain, so it checks nothing)."""

    __slots__ = ("_state", "events", "plan", "step")

    def __init__(self, state: str, plan: list[tuple[Any, ...]]) -> None:
        self._state = state
        self.events: list[Event] = []
        self.plan = plan
        self.step = 0

    def act(
        self,
        act: str,
        *,
        by: str | None,
        on: dt.date | None = None,
        person: str | None = None,
        present: Any = None,
        **payload: Any,
    ) -> Event:
        trigger, spec, body, go = self.plan[self.step]
        self.step += 1
        frozen = FrozenDict(payload) if payload else EMPTY
        before = self._state
        trigger(self, ctx=_new(Context, (spec, body, on, person, frozen)), go=go)
        events = self.events
        event = _new(Event, (len(events) + 1, act, body, person, on, frozen, before, self._state, recorded_at()))
        events.append(event)
        return event


_new = tuple.__new__


def floor_plan(definition: ProcessDefinition, steps: list[tuple[str, str, dict[str, Any]]]) -> list[tuple[Any, ...]]:
    """Per act of the chain: (trigger, act, body id, go)."""
    seq = bench.bare_sequence(steps)
    structure = definition.structure
    return [
        (definition.machine.events[name].trigger, definition.act_def(name), structure.body(by).id, kwargs["go"])
        for (name, by, _payload), (_name, kwargs) in zip(steps, seq, strict=True)
    ]


def run_floor(cases: list[Any], steps: list[tuple[str, str, dict[str, Any]]]) -> None:
    day = bench.DAY
    for i, case in enumerate(cases):
        for act, by, payload in steps:
            case.act(act, by=by, on=day, **payload)
        cases[i] = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10000, help="number of cases (default 10000)")
    args = parser.parse_args(argv)
    n = max(args.cases, ROUNDS * 10)
    chunk = n // ROUNDS

    structure = samhandling.load(bench.STRUCTURE)
    definition = get_process(structure, bench.PROCESS)
    steps = bench.chain(definition)
    seq = bench.bare_sequence(steps)
    machine = bench.shared_machine(definition, bench.SharedMachine)
    plan = floor_plan(definition, steps)

    check = FloorCase(definition.initial, plan)
    run_floor([check], steps)
    if check._state != "implementert":
        print(f"FEIL: gulvet endte i {check._state}", file=sys.stderr)
        return 1

    def a() -> float:
        cases = bench.run_samhandling_create(definition, chunk)
        return bench.timed(lambda: bench.run_samhandling_drive(cases, steps))[0]

    def e() -> float:
        cases = bench.run_shared_create(definition.initial, chunk)
        return bench.timed(lambda: bench.run_shared_drive(machine, cases, seq))[0]

    def f() -> float:
        cases = [FloorCase(definition.initial, plan) for _ in range(chunk)]
        return bench.timed(lambda: run_floor(cases, steps))[0]

    times: dict[str, list[float]] = {"a": [], "e": [], "f": []}
    order = ["a", "e", "f"]
    runs = {"a": a, "e": e, "f": f}
    for r in range(ROUNDS):
        for key in order[r % 3 :] + order[: r % 3]:
            times[key].append(runs[key]())
    gc.collect()
    per_act = {k: statistics.median(v) / chunk / len(steps) * 1e6 for k, v in times.items()}
    fe = statistics.median(x / y for x, y in zip(times["f"], times["e"], strict=True))
    ae = statistics.median(x / y for x, y in zip(times["a"], times["e"], strict=True))
    print(f"Gulvet under motoren: {bench.STRUCTURE}/{bench.PROCESS}, {len(steps)} handlinger per sak")
    print(f"N = {n} saker, {ROUNDS} runder (parvis), {time.strftime('%Y-%m-%d')}")
    print(f"  (e) the engine's Machine, bare {per_act['e']:6.2f} µs per act")
    print(f"  (f) recording floor, no checks {per_act['f']:6.2f} µs per act   (f)/(e) paired median {fe:.2f}x")
    print(f"  (a) samhandling                {per_act['a']:6.2f} µs per act   (a)/(e) paired median {ae:.2f}x")
    print(
        f"  the record alone: {per_act['f'] - per_act['e']:.2f} µs per act; "
        f"the checks on top: {per_act['a'] - per_act['f']:.2f} µs per act"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
