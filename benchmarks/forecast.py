"""Forecast benchmark: the cost of one Monte Carlo run against one deterministic projection.

Run::

    .venv/bin/python benchmarks/forecast.py              # 20 000 runs per forecast
    .venv/bin/python benchmarks/forecast.py --runs 5000
    .venv/bin/python benchmarks/forecast.py --quick      # tiny N, for the smoke test
    .venv/bin/python benchmarks/forecast.py --json out.json

Target (issue 13): a forecast's cost per run ≤ one ``schedule.project`` call (ratio ≤ 1.0×), both measured
in the same run on the same matter and start date. A forecast's cost is everything
``samhandling.time.forecast.forecast`` does (set-up of the meeting lists and deadlines, every run, the
percentiles and the histogram), divided by the number of runs; the marginal cost of a run (the set-up
excluded, ``Forecaster.run``) is printed beside it.

Scenarios: Sogn og Fjordane ``fsu-ssu-sak`` (two steps, the acceptance matter) and Sør-Rogaland
``tjenestemodell`` with a made-up meeting plan (eleven steps), each with every chance zero and with
typical chances (deferral 20 %, send-back 10 %, escalation 10 %, cancelled 5 %, 0–20 days of
preparation per step). Timing: ROUNDS rounds, the two sides alternating within each; the best round of
each side is compared (on a shared machine other work only ever adds time), the median ratio is shown
beside it. The garbage collector is off while timing. Targets are reported, not asserted: exit 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import statistics
import sys
import time
from typing import Any

import samhandling
from samhandling.process.loader import get_process
from samhandling.structure.loader import BUNDLED_DIR
from samhandling.time.forecast import Forecaster, forecast
from samhandling.time.schedule import project

START = dt.date(2024, 2, 1)
ROUNDS = 7
TARGET = 1.0
TYPICAL = {"deferral": 0.2, "send_back": 0.1, "escalation": 0.1, "cancelled": 0.05}
SOR_ROGALAND_PLAN = """
meetings:
  - {body: FSU, date: 2024-02-14}
  - {body: SSU, date: 2024-03-01}
  - {body: FSU, date: 2024-04-10}
  - {body: SSU, date: 2024-05-02}
  - {body: FSU, date: 2024-06-12}
  - {body: SSU, date: 2024-09-05}
  - {body: FSU, date: 2024-10-09}
  - {body: SSU, date: 2024-11-07}
  - {body: FSU, date: 2024-12-11}
  - {body: SSU, date: 2025-01-16}
  - {body: FSU, date: 2025-02-12}
  - {body: SSU, date: 2025-03-06}
"""


def scenarios() -> list[tuple[str, Any]]:
    sogn = get_process(samhandling.load("sogn-og-fjordane"), "fsu-ssu-sak")
    text = (BUNDLED_DIR / "sor-rogaland.yaml").read_text(encoding="utf-8")
    sor = get_process(samhandling.loads(text + SOR_ROGALAND_PLAN), "tjenestemodell")
    return [("sogn-og-fjordane/fsu-ssu-sak", sogn), ("sor-rogaland/tjenestemodell", sor)]


def measure(definition: Any, runs: int, chances: dict[str, float], prep: bool) -> dict[str, float]:
    preparation = {"*": [0, 20]} if prep else None
    calls = max(200, runs // 10)
    project(definition, START)  # warm the structure's caches (meeting plan parsed once), both sides alike
    forecast(definition, START, runs=10, seed=0, preparation=preparation, **chances)
    best_project: list[float] = []
    best_total: list[float] = []
    best_marginal: list[float] = []
    ratios: list[float] = []
    forecaster = Forecaster(definition, preparation=preparation)
    from samhandling.time.forecast import Chances

    ch = Chances(**chances)
    for r in range(ROUNDS):
        gc.collect()
        gc.disable()
        try:
            order = (0, 1) if r % 2 == 0 else (1, 0)
            for side in order:
                if side == 0:
                    t = time.perf_counter()
                    for _ in range(calls):
                        project(definition, START)
                    best_project.append((time.perf_counter() - t) / calls)
                else:
                    t = time.perf_counter()
                    forecast(definition, START, runs=runs, seed=r, preparation=preparation, **chances)
                    best_total.append((time.perf_counter() - t) / runs)
                    t = time.perf_counter()
                    forecaster.run(START, runs=runs, seed=r, chances=ch)
                    best_marginal.append((time.perf_counter() - t) / runs)
        finally:
            gc.enable()
        ratios.append(best_total[-1] / best_project[-1])
    proj, total, marginal = min(best_project), min(best_total), min(best_marginal)
    return {
        "project_us": proj * 1e6,
        "run_us": total * 1e6,
        "marginal_run_us": marginal * 1e6,
        "ratio": total / proj,
        "ratio_median": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "runs": runs,
        "project_calls": calls,
        "steps": len(definition.steps()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20_000, help="runs per forecast")
    parser.add_argument("--quick", action="store_true", help="tiny N (smoke test)")
    parser.add_argument("--json", metavar="FIL", help="write the results as JSON")
    args = parser.parse_args(argv)
    global ROUNDS
    runs = 300 if args.quick else args.runs
    if args.quick:
        ROUNDS = 2
    print(f"Prognose-benchmark: kostnad per kjøring mot ett schedule.project-kall (mål ≤ {TARGET:.1f}×)")
    print(f"Python {platform.python_version()}, {runs} kjøringer per prognose, {ROUNDS} runder, beste runde\n")
    header = (
        f"{'scenario':<32} {'sjanser':<9} {'steg':>4} {'project µs':>11} {'kjøring µs':>11} "
        f"{'marginal µs':>12} {'forhold':>8} {'median (min–maks)':>20}  resultat"
    )
    print(header)
    print("-" * len(header))
    results: dict[str, Any] = {"python": platform.python_version(), "runs": runs, "target": TARGET, "rows": []}
    for name, definition in scenarios():
        for label, chances, prep in (("null", {}, False), ("typiske", TYPICAL, True)):
            row = measure(definition, runs, chances, prep)
            verdict = "PASS" if row["ratio"] <= TARGET else "FAIL"
            print(
                f"{name:<32} {label:<9} {row['steps']:>4} {row['project_us']:>11.2f} {row['run_us']:>11.2f} "
                f"{row['marginal_run_us']:>12.2f} {row['ratio']:>7.2f}× "
                f"{row['ratio_median']:>7.2f}× ({row['ratio_min']:.2f}–{row['ratio_max']:.2f})  {verdict}"
            )
            results["rows"].append({"scenario": name, "chances": label, **row, "verdict": verdict})
            sys.stdout.flush()
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
