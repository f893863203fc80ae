"""BDD benchmark: what samhandling's pytest plugin costs per scenario, against plain pytest-bdd, in one run.

    python benchmarks/bdd.py              # 300 and 30 scenarios per project, 3 rounds
    python benchmarks/bdd.py --quick      # 60 and 10 scenarios, 2 rounds (a smoke run)

Three small projects are written to a temporary folder and run by real ``pytest`` subprocesses:

* ``unrelated``: English pytest-bdd scenarios with the project's own steps (nothing of samhandling's);
* ``samhandling``: Norwegian scenarios using samhandling's shipped steps (``samhandling_features = true``);
* ``plain``: the same Norwegian scenarios with plain pytest-bdd steps written in the project, calling the
  same library functions the shipped steps call (the work behind the steps is the same; what differs is
  the plugin: step lookup, the world, the hooks, the run record).

The cost of one scenario is the median CPU time (``time.process_time``) pytest spends on one scenario's test item
(set-up, the steps, teardown and every plugin hook around them), measured by the same small conftest in each
project over the N scenarios of a run; start-up (the whole pytest process, ``getrusage``, of a run with n
scenarios, less n scenarios) is shown separately. Every run is repeated; the least value of each is used
(the machine may be shared). An earlier version took the difference of two runs' totals, which was too noisy
on a shared machine.

Targets (issue 15):
  * samhandling's steps per scenario <= 1.5 x the same scenarios with plain pytest-bdd steps;
  * an unrelated pytest-bdd project per scenario with the plugin <= 1.5 x without it
    (``-p no:samhandling.bdd.plugin``);
  * start-up of an unrelated project's run with the plugin <= 1.5 x without it (shown, the import of
    ``samhandling`` included).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET = 1.5
NO_PLUGIN = ("-p", "no:samhandling.bdd.plugin")

UNRELATED_STEPS = """\
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("cucumbers.feature")


@given(parsers.parse("there are {n:d} cucumbers"), target_fixture="basket")
def basket(n):
    return {"n": n}


@when(parsers.parse("I eat {n:d} cucumbers"))
def eat(basket, n):
    basket["n"] -= n


@then(parsers.parse("there are {n:d} cucumbers left"))
def left(basket, n):
    assert basket["n"] == n
"""

PLAIN_STEPS = """\
from pytest_bdd import given, parsers, scenarios, then

from samhandling.bdd.world import load_structure
from samhandling.structure.model import DecisionPower, DecisionRule, RelationKind

scenarios("struktur.feature")


@given(parsers.parse('strukturen "{name}"'), target_fixture="structure")
def structure(name):
    return load_structure(name)


@then(parsers.parse('organet "{organ}" er rådgivende'))
def advisory(structure, organ):
    assert structure.body(organ).power is DecisionPower.ADVISES


@then(parsers.parse('organet "{organ}" beslutter ved "konsensus"'))
def consensus(structure, organ):
    assert structure.body(organ).decision_rule is DecisionRule.CONSENSUS


@then(parsers.parse('parten "{part}" sitter i "{organ}"'))
def sits(structure, part, organ):
    assert structure.body(organ).id in {b.id for b in structure.bodies_of_party(part)}


@then(parsers.parse('organet "{organ}" rapporterer til "{target}"'))
def reports(structure, organ, target):
    assert structure.body(target).id in {b.id for b in structure.targets(organ, RelationKind.REPORTS_TO)}
"""


TIMING_CONFTEST = """\
import json
import time

import pytest

_TIMES = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    started = time.process_time()
    yield
    _TIMES.append(time.process_time() - started)


def pytest_sessionfinish(session):
    with open("times.json", "w") as f:
        json.dump(_TIMES, f)
"""


def unrelated_feature(n: int) -> str:
    out = ["Feature: Cucumbers", ""]
    for i in range(n):
        out += [
            f"  Scenario: Eating cucumbers {i}",
            f"    Given there are {i + 5} cucumbers",
            "    When I eat 2 cucumbers",
            f"    Then there are {i + 3} cucumbers left",
            "",
        ]
    return "\n".join(out)


def norwegian_feature(n: int) -> str:
    out = ["# language: no", "Egenskap: Strukturen i Sør-Rogaland", ""]
    for i in range(n):
        out += [
            f"  Scenario: Sjekk {i}",
            '    Gitt strukturen "sor-rogaland"',
            '    Så organet "FSU" er rådgivende',
            '    Og organet "SSU" beslutter ved "konsensus"',
            '    Og parten "Sola" sitter i "Kommunestyrene"',
            '    Og organet "FSU" rapporterer til "SSU"',
            "",
        ]
    return "\n".join(out)


def write_projects(root: Path, n: int) -> dict[str, Path]:
    projects = {}
    for name in ("unrelated", "samhandling", "plain"):
        folder = root / f"{name}-{n}"
        folder.mkdir(parents=True)
        projects[name] = folder
    (projects["unrelated"] / "cucumbers.feature").write_text(unrelated_feature(n), encoding="utf-8")
    (projects["unrelated"] / "test_cucumbers.py").write_text(UNRELATED_STEPS, encoding="utf-8")
    (projects["unrelated"] / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (projects["samhandling"] / "struktur.feature").write_text(norwegian_feature(n), encoding="utf-8")
    (projects["samhandling"] / "pytest.ini").write_text("[pytest]\nsamhandling_features = true\n", encoding="utf-8")
    (projects["plain"] / "struktur.feature").write_text(norwegian_feature(n), encoding="utf-8")
    (projects["plain"] / "test_struktur.py").write_text(PLAIN_STEPS, encoding="utf-8")
    (projects["plain"] / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    for folder in projects.values():
        (folder / "conftest.py").write_text(TIMING_CONFTEST, encoding="utf-8")
    return projects


def median_item(folder: Path) -> float:
    """The median CPU seconds of one test item in the last run in ``folder`` (the first item, which loads
    the structures and the catalogue, left out)."""
    times = sorted(json.loads((folder / "times.json").read_text(encoding="utf-8"))[1:])
    return times[len(times) // 2]


def cpu_run(folder: Path, *args: str, expect: int) -> float:
    """CPU seconds (user + system) of one pytest run in ``folder``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0 or f"{expect} passed" not in proc.stdout:
        raise SystemExit(
            f"pytest i {folder} feilet (kode {proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-2000:]}"
        )
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


CASES = {
    # label: (project, extra pytest arguments)
    "uvedkommende prosjekt uten samhandling": ("unrelated", NO_PLUGIN),
    "uvedkommende prosjekt med samhandling": ("unrelated", ()),
    "vanlige pytest-bdd-steg (uten samhandling)": ("plain", NO_PLUGIN),
    "samhandlings steg": ("samhandling", ()),
}


def measure(big: int, small: int, rounds: int) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="samhandling-bdd-bench-") as tmp:
        root = Path(tmp)
        sizes = {big: write_projects(root, big), small: write_projects(root, small)}
        best: dict[tuple[str, int], float] = {}
        per_item: dict[str, float] = {}
        for _ in range(rounds):  # interleaved, so a busy moment hits every case alike
            for label, (project, args) in CASES.items():
                for n, projects in sizes.items():
                    t = cpu_run(projects[project], *args, expect=n)
                    best[(label, n)] = min(best.get((label, n), float("inf")), t)
                    if n == big:
                        per_item[label] = min(per_item.get(label, float("inf")), median_item(projects[project]))
    out: dict[str, dict[str, float]] = {}
    for label in CASES:
        per = per_item[label]
        out[label] = {
            "per_scenario_ms": per * 1000,
            "startup_s": best[(label, small)] - small * per,
            f"total_{big}_s": best[(label, big)],
            f"total_{small}_s": best[(label, small)],
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ytelsesmåling av samhandlings pytest-tillegg mot vanlig pytest-bdd")
    parser.add_argument("--quick", action="store_true", help="få scenarioer og runder (røyktest)")
    parser.add_argument("--scenarios", type=int, default=None, help="scenarioer i den store kjøringen (standard 300)")
    parser.add_argument("--rounds", type=int, default=None, help="runder (standard 3)")
    parser.add_argument("--json", metavar="FIL", help="skriv resultatet som JSON hit")
    args = parser.parse_args(argv)
    big = args.scenarios or (60 if args.quick else 300)
    small = max(5, big // 10)
    rounds = args.rounds or (2 if args.quick else 3)
    print(
        f"BDD: {big} og {small} scenarioer per prosjekt, {rounds} runder, CPU-tid (bruker + system) per pytest-kjøring"
    )
    res = measure(big, small, rounds)
    width = max(len(k) for k in res)
    print(f"\n{'':<{width}}  {'per scenario':>12}  {'oppstart':>9}")
    for label, r in res.items():
        print(f"{label:<{width}}  {r['per_scenario_ms']:>9.2f} ms  {r['startup_s']:>7.2f} s")
    plain = res["vanlige pytest-bdd-steg (uten samhandling)"]
    ours = res["samhandlings steg"]
    without = res["uvedkommende prosjekt uten samhandling"]
    with_plugin = res["uvedkommende prosjekt med samhandling"]
    targets = [
        (
            "samhandlings steg / vanlige pytest-bdd-steg, per scenario",
            ours["per_scenario_ms"] / plain["per_scenario_ms"],
        ),
        (
            "uvedkommende prosjekt med / uten tillegget, per scenario",
            with_plugin["per_scenario_ms"] / without["per_scenario_ms"],
        ),
        ("uvedkommende prosjekt med / uten tillegget, oppstart", with_plugin["startup_s"] / without["startup_s"]),
    ]
    print()
    for label, ratio in targets:
        verdict = "PASS" if ratio <= TARGET else "FAIL"
        print(f"{label}: {ratio:.2f}x (mål <= {TARGET}x) {verdict}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "scenarios": [big, small],
                    "rounds": rounds,
                    "results": res,
                    "targets": [
                        {"label": label, "ratio": ratio, "target": TARGET, "pass": ratio <= TARGET}
                        for label, ratio in targets
                    ],
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
