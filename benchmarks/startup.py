"""Start-up benchmark (issue 15): ``samhandling list`` against ``python -c "import attrs, yaml"``, in one run.

    python benchmarks/startup.py               # 15 rounds
    python benchmarks/startup.py --rounds 5    # a quick smoke run

Each round starts every command once as a fresh process (interleaved, so that a busy machine slows both
sides alike); the best time of each command over the rounds is compared. The CLI is started the way a
user starts it: the ``samhandling`` console script next to this Python, or ``samhandling.cli.run``
where no script is installed.
Target: ``samhandling list`` <= 1.5 x the baseline; ``samhandling show sor-rogaland`` is printed for reference.

Python may write bytecode in the children (``PYTHONDONTWRITEBYTECODE`` is removed from their environment)
and one warm-up round is not counted: an installed package has its ``.pyc`` files, as attrs and PyYAML
do here, so compiling samhandling's sources on every start would measure the checkout, not the program.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

TARGET = 1.5


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("samhandling")
    if script.exists():
        return [str(script)]
    found = shutil.which("samhandling")
    return [found] if found else [sys.executable, "-c", "import sys; from samhandling.cli import run; sys.exit(run())"]


def _env() -> dict[str, str]:
    env = os.environ.copy()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env())
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    commands = {
        "baseline: python -c 'import attrs, yaml'": [sys.executable, "-c", "import attrs, yaml"],
        "samhandling list": [*_cli(), "list"],
        "samhandling list --json": [*_cli(), "list", "--json"],
        "samhandling show sor-rogaland": [*_cli(), "show", "sor-rogaland"],
    }
    best = dict.fromkeys(commands, float("inf"))
    for cmd in commands.values():  # warm-up: bytecode written, files in the page cache
        _time(cmd)
    for _ in range(args.rounds):
        for name, cmd in commands.items():
            best[name] = min(best[name], _time(cmd))
    base = best["baseline: python -c 'import attrs, yaml'"]
    ok = True
    for name, seconds in best.items():
        ratio = seconds / base
        verdict = ""
        if name.startswith("samhandling list"):
            verdict = "PASS" if ratio <= TARGET else "FAIL"
            ok = ok and ratio <= TARGET
        print(f"{name:45s} {seconds * 1000:8.1f} ms  {ratio:5.2f}x  {verdict}")
    print(f"mål: samhandling list <= {TARGET}x grunnlinjen: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
