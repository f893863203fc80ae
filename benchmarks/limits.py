"""Acceptance benchmark for the loader's limits (issue 11 item 7, issue 15): hostile input ends at once.

    python benchmarks/limits.py            # every case
    python benchmarks/limits.py --case chain-3000

Each case runs in its own child process (so a case that hangs or recurses is stopped and reported, not
the benchmark) and goes through load, validate and the path queries. A case PASSes when it ends within
2 s with the expected clear error (code and file named), or, for the chain and the ladder, the correct
answer. This is a script, not a timed test: the times depend on the machine.

Cases
  alias-bomb    a 500-byte structure whose settings hold a YAML alias bomb (490 million values expanded)
  ladder-40     2 bodies per level, each reporting to both of the next, 40 levels: 2**40 routes to the top
  chain-3000    3 000 bodies, each reporting to the next (no recursion limit; linear queries)
  big-50mb      a 50 MB structure file, and 50 MB of YAML text given to loads()
  dev-zero      /dev/zero given as a structure file
  fifo          a FIFO with no writer given as a structure file
  deep-nesting  200 000 nested lists
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

LIMIT_SECONDS = 2.0
CHILD_TIMEOUT = 120.0


def alias_bomb_structure() -> str:
    lines = ['  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"  a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return (
        "structure: bombe\nname: Bombe\nbodies:\n  - {id: a, name: Utvalg A, kind: council}\nsettings:\n"
        + "\n".join(lines)
        + "\n"
    )


def ladder(levels: int) -> str:
    bodies = ["bodies:"]
    relations = ["relations:"]
    for i in range(levels + 1):
        for side in "ab":
            bodies.append(f"  - {{id: {side}{i}, name: Organ {side}{i}, kind: working_group, power: advises}}")
    bodies.append("  - {id: top, name: Toppen, kind: partnership_meeting, power: decides}")
    for i in range(levels):
        relations += [f"  - {{from: {s}{i}, to: {t}{i + 1}, kind: reports_to}}" for s in "ab" for t in "ab"]
    relations += [f"  - {{from: {s}{levels}, to: top, kind: reports_to}}" for s in "ab"]
    return "structure: stige\nname: Stige\n" + "\n".join(bodies + relations) + "\n"


def chain(n: int) -> str:
    bodies = ["bodies:"] + [f"  - {{id: c{i}, name: Organ {i}, kind: working_group, power: advises}}" for i in range(n)]
    bodies.append("  - {id: top, name: Toppen, kind: partnership_meeting, power: decides}")
    relations = ["relations:"] + [f"  - {{from: c{i}, to: c{i + 1}, kind: reports_to}}" for i in range(n - 1)]
    relations.append(f"  - {{from: c{n - 1}, to: top, kind: reports_to}}")
    return "structure: kjede\nname: Kjede\n" + "\n".join(bodies + relations) + "\n"


def _expect_error(action: Callable[[], Any], code: str, where: str | None) -> str:
    from samhandling.errors import SamhandlingError

    try:
        action()
    except SamhandlingError as exc:
        if exc.code != code:
            return f"feil kode: {exc.code} (ventet {code}): {exc}"
        if where is not None and (exc.location is None or where not in str(exc.location)):
            return f"feilen nevner ikke {where}: {exc}"
        return ""
    return f"ingen feil (ventet {code})"


def case_alias_bomb(tmp: Path) -> str:
    import samhandling
    from samhandling.cli import main

    path = tmp / "bombe.yaml"
    path.write_text(alias_bomb_structure(), encoding="utf-8")
    problem = _expect_error(lambda: samhandling.load(str(path)), "alias-expansion", str(path))
    if problem:
        return problem
    with open(os.devnull, "w") as sink:
        stderr, sys.stderr = sys.stderr, sink
        try:
            code = main(["show", str(path)])
        finally:
            sys.stderr = stderr
    return "" if code == 2 else f"samhandling show ga kode {code}, ventet 2"


def case_ladder(tmp: Path) -> str:
    import samhandling

    path = tmp / "stige.yaml"
    path.write_text(ladder(40), encoding="utf-8")
    s = samhandling.load(str(path))
    findings = s.validate()
    if any(f.severity.value == "error" for f in findings):
        return f"uventede funn: {[f.code for f in findings]}"
    route = s.escalation_path("a0")
    if len(route) != 41 or route.decider != "top":
        return f"feil vei: {route.bodies}"
    problem = _expect_error(lambda: s.escalation_paths("a0"), "too-many-routes", None)
    return problem or _expect_error(lambda: s.all_paths("a0", "top"), "too-many-routes", None)


def case_chain(tmp: Path) -> str:
    import samhandling

    path = tmp / "kjede.yaml"
    path.write_text(chain(3000), encoding="utf-8")
    s = samhandling.load(str(path))
    findings = s.validate()
    if findings:
        return f"uventede funn: {[f.code for f in findings]}"
    route = s.escalation_path("c0")
    if len(route) != 3000 or route.decider != "top" or route.bodies[-2] != "c2999":
        return f"feil vei: {len(route)} steg, beslutter {route.decider}"
    routes = s.escalation_paths("c0")
    paths = s.all_paths("c0", "top")
    if [r.bodies for r in routes] != [route.bodies] or [p.bodies for p in paths] != [route.bodies]:
        return "escalation_paths/all_paths svarer ikke med den ene veien"
    return ""


def case_big(tmp: Path) -> str:
    import samhandling

    path = tmp / "stor.yaml"
    line = b"# " + b"x" * 97 + b"\n"
    with open(path, "wb") as f:
        f.write(b"structure: stor\nname: Stor\nbodies:\n  - {id: a, name: A, kind: council}\n")
        for _ in range(50 * 1024 * 1024 // len(line)):
            f.write(line)
    problem = _expect_error(lambda: samhandling.load(str(path)), "file-too-large", str(path))
    if problem:
        return problem
    text = path.read_text(encoding="utf-8")
    return _expect_error(lambda: samhandling.loads(text, "stor.yaml"), "file-too-large", "stor.yaml")


def case_dev_zero(tmp: Path) -> str:
    import samhandling

    return _expect_error(lambda: samhandling.load("/dev/zero"), "not-a-file", "/dev/zero")


def case_fifo(tmp: Path) -> str:
    import samhandling

    fifo = tmp / "rør.yaml"
    os.mkfifo(fifo)
    return _expect_error(lambda: samhandling.load(str(fifo)), "not-a-file", str(fifo))


def case_deep(tmp: Path) -> str:
    import samhandling

    path = tmp / "dyp.yaml"
    depth = 200_000
    path.write_text("structure: dyp\nbodies: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    return _expect_error(lambda: samhandling.load(str(path)), "too-deep", str(path))


CASES: dict[str, Callable[[Path], str]] = {
    "alias-bomb": case_alias_bomb,
    "ladder-40": case_ladder,
    "chain-3000": case_chain,
    "big-50mb": case_big,
    "dev-zero": case_dev_zero,
    "fifo": case_fifo,
    "deep-nesting": case_deep,
}


def run_child(name: str) -> dict[str, Any]:
    """Run one case here: build the input (not timed), then time load/validate/paths."""
    # Imported before timing: the import of networkx (used by validation) is not what is measured.
    import networkx  # noqa: F401

    import samhandling
    import samhandling.structure.graph
    import samhandling.structure.loader
    import samhandling.structure.paths
    import samhandling.structure.validation  # noqa: F401

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        start = time.perf_counter()
        problem = CASES[name](tmp)
        seconds = time.perf_counter() - start
    return {"case": name, "seconds": seconds, "problem": problem}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=sorted(CASES), action="append", help="run only these cases")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args.child)))
        return 0
    ok = True
    print(f"{'tilfelle':14s} {'tid':>9s}  resultat")
    for name in args.case or list(CASES):
        try:
            proc = subprocess.run(
                [sys.executable, __file__, "--child", name], capture_output=True, text=True, timeout=CHILD_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            print(f"{name:14s} {'>' + str(int(CHILD_TIMEOUT)) + ' s':>9s}  FAIL (stoppet: brukte for lang tid)")
            ok = False
            continue
        if proc.returncode != 0 or not proc.stdout.strip():
            last = (proc.stderr.strip().splitlines() or ["?"])[-1]
            print(f"{name:14s} {'-':>9s}  FAIL (kode {proc.returncode}: {last})")
            ok = False
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        seconds, problem = result["seconds"], result["problem"]
        passed = not problem and seconds < LIMIT_SECONDS
        ok = ok and passed
        detail = problem or ("" if seconds < LIMIT_SECONDS else f"over {LIMIT_SECONDS} s")
        print(f"{name:14s} {seconds:8.3f}s  {'PASS' if passed else 'FAIL'}{' (' + detail + ')' if detail else ''}")
    print(
        f"mål: hvert tilfelle ender innen {LIMIT_SECONDS} s med ventet feil eller riktig svar: {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
