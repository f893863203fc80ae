"""Engine work counted in bytecode instructions: a deterministic companion to ``engine.py``.

Run::

    .venv/bin/python benchmarks/engine_ops.py

Drives one warmed-up case through the same Sør-Rogaland chain as ``engine.py`` and, for every act,
counts the bytecode instructions executed (``sys.settrace`` with opcode events) in the engine
(``samhandling``) and in its Machine (``transitions``, ``logging`` and ``samhandling/process/machine.py``, the
engine's trimmed Machine class); then the same for the bare Machines: (e) the engine's Machine class and (d)
transitions' stock Machine.
Timings on a shared machine move from run to run; these counts do not, so they show whether a change
to the engine made its own work smaller. A C call counts as one instruction, so the counts are a
measure of Python-level work, not of time.
"""

from __future__ import annotations

import collections
import datetime as dt
import sys
from pathlib import Path
from types import FrameType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import engine as bench  # the benchmark's chain and bare Machine

import samhandling
from samhandling import clock
from samhandling.process.loader import get_process

_START = dt.datetime(2025, 1, 6, 12, 0, tzinfo=dt.UTC)


def _area(filename: str) -> str:
    if filename.endswith(("process/machine.py", "process\\machine.py")):
        return "transitions"  # the engine's Machine class: transitions' dispatch, trimmed (counted as the Machine)
    if "samhandling" in filename:
        return "engine"
    if "transitions" in filename or "logging" in filename:
        return "transitions"
    return "other"


def count(fn: Any) -> collections.Counter[str]:
    """Instructions executed by ``fn()``, by area."""
    counts: collections.Counter[str] = collections.Counter()

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "opcode":
            counts[_area(frame.f_code.co_filename)] += 1
        return local

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        return local

    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(None)
    return counts


def measure() -> tuple[list[tuple[str, int, int, int, int]], collections.Counter[str]]:
    """Per act: (act, engine instructions of (a), Machine instructions of (a), of (e), of (d)); and their sums.

    The engine reads the clock once per act (``recorded_at``); a stepping clock (one microsecond per read, all in one
    second, about what the system clock costs to read) keeps the count from depending on when a second turns."""
    with clock.use_clock(clock.SteppingClock(_START, dt.timedelta(microseconds=1))):
        return _measure()


def _measure() -> tuple[list[tuple[str, int, int, int, int]], collections.Counter[str]]:
    structure = samhandling.load(bench.STRUCTURE)
    definition = get_process(structure, bench.PROCESS)
    steps = bench.chain(definition)
    seq = bench.bare_sequence(steps)
    machine = bench.shared_machine(definition)
    trimmed = bench.shared_machine(definition, bench.SharedMachine)

    warm = definition.new_case("oppvarming", on=bench.DAY)  # fills the caches a long-lived process has filled
    for act, by, payload in steps:
        warm.act(act, by=by, on=bench.DAY, **payload)

    case = definition.new_case("telling", on=bench.DAY)
    plain, plain_e = bench.Plain(definition.initial), bench.Plain(definition.initial)
    events, events_e = machine.events, trimmed.events
    rows: list[tuple[str, int, int, int, int]] = []
    totals: collections.Counter[str] = collections.Counter()
    for (act, by, payload), (name, kwargs) in zip(steps, seq, strict=True):
        a = count(lambda: case.act(act, by=by, on=bench.DAY, **payload))  # noqa: B023
        e = count(lambda: events_e[name].trigger(plain_e, **kwargs))  # noqa: B023
        d = count(lambda: events[name].trigger(plain, **kwargs))  # noqa: B023
        rows.append((act, a["engine"], a["transitions"], e["transitions"], d["transitions"]))
        totals.update(
            {"a_engine": a["engine"], "a_transitions": a["transitions"], "e": e["transitions"], "d": d["transitions"]}
        )
    return rows, totals


def main() -> int:
    rows, totals = measure()
    print(f"{'act':<24} {'(a) engine':>10} {'(a) Machine':>12} {'(e) Machine':>12} {'(d) transitions':>16}")
    for act, engine, a_trans, e_trans, d_trans in rows:
        print(f"{act:<24} {engine:>10} {a_trans:>12} {e_trans:>12} {d_trans:>16}")
    print(f"{'sum':<24} {totals['a_engine']:>10} {totals['a_transitions']:>12} {totals['e']:>12} {totals['d']:>16}")
    a_total = totals["a_engine"] + totals["a_transitions"]
    print(
        f"engine instructions per act: {totals['a_engine'] / len(rows):.0f}; in instructions (a)/(d) "
        f"{a_total / totals['d']:.2f}x, (a)/(e) {a_total / totals['e']:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
