#!/usr/bin/env python3
"""Rewrite calls of the removed ``Structure.process()`` / ``Structure.process_names()`` to the process layer's functions.

A structure no longer reaches up into the process layer (docs/architecture.md): ``structure.process(name)`` is
``get_process(structure, name)`` and ``structure.process_names()`` is ``process_names(structure)``, both from
``samhandling.process.loader`` (``get_process`` is also ``samhandling.get_process``). This script makes that change in
src/, tests/, examples/, benchmarks/ (adding the import where a file needs it) and in the Markdown docs; it is
re-runnable (a second run finds nothing) and prints what it changed. Run it after scripts/restructure.py.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOTS = ["src", "tests", "examples", "benchmarks", "docs", "README.md"]
# A receiver: a dotted name, optionally called once with arguments without nested parentheses.
RECEIVER = r"(?P<recv>[A-Za-z_][\w.]*(?:\([^()\n]*\))?)"
PROCESS = re.compile(RECEIVER + r"\.process\((?P<args>[^()\n]*)\)")
NAMES = re.compile(RECEIVER + r"\.process_names\(\)")
STALE_IGNORE = re.compile(r"(get_process\(.*\))  # type: ignore\[attr-defined\]")
IMPORT = "from samhandling.process.loader import {names}\n"


def rewrite(text: str) -> tuple[str, set[str]]:
    used: set[str] = set()

    def process(m: re.Match[str]) -> str:
        if m.group("recv").split(".")[-1] in {"self", "multiprocessing", "subprocess"}:
            return m.group(0)
        used.add("get_process")
        args = m.group("args").strip()
        return f"get_process({m.group('recv')}{', ' + args if args else ''})"

    def names(m: re.Match[str]) -> str:
        used.add("process_names")
        return f"process_names({m.group('recv')})"

    text = PROCESS.sub(process, text)
    text = NAMES.sub(names, text)
    text = STALE_IGNORE.sub(r"\1", text)
    return text, used


def add_import(text: str, names: set[str]) -> str:
    have = set(re.findall(r"^\s*from samhandling\.process\.loader import ([\w, ]+)$", text, re.M))
    already = {n.strip() for line in have for n in line.split(",")}
    missing = sorted(names - already)
    if not missing:
        return text
    line = IMPORT.format(names=", ".join(missing))
    lines = text.splitlines(keepends=True)
    starts = [i for i, ln in enumerate(lines) if ln.startswith(("from ", "import "))]
    if not starts:
        return line + text
    end = starts[-1]
    if "(" in lines[end] and ")" not in lines[end]:  # a parenthesised import: insert after its closing line
        while end + 1 < len(lines) and ")" not in lines[end]:
            end += 1
    lines.insert(end + 1, line)
    return "".join(lines)


def add_local_imports(text: str, names: set[str]) -> str:
    """Put ``from samhandling.process.loader import …`` first in every function that calls one of ``names``."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    inserts: dict[int, tuple[int, set[str]]] = {}  # line index -> (indent, names)
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names):
            continue
        owners = [f for f in functions if f.lineno <= node.lineno <= (f.end_lineno or f.lineno)]
        if not owners:
            continue
        owner = max(owners, key=lambda f: f.lineno)  # the innermost function
        already = {
            a.name
            for s in owner.body
            if isinstance(s, ast.ImportFrom) and s.module == "samhandling.process.loader"
            for a in s.names
        }
        if node.func.id in already:
            continue
        body = owner.body
        first = (
            body[1]
            if (
                len(body) > 1
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            )
            else body[0]
        )
        index = first.lineno - 1
        if first is not body[0]:
            index = body[0].end_lineno or body[0].lineno
        entry = inserts.setdefault(index, (first.col_offset, set()))
        entry[1].add(node.func.id)
    for index in sorted(inserts, reverse=True):
        indent, wanted = inserts[index]
        lines.insert(index, " " * indent + IMPORT.format(names=", ".join(sorted(wanted))))
    return "".join(lines)


def main() -> int:
    changed: list[Path] = []
    for name in ROOTS:
        base = ROOT / name
        paths = [base] if base.is_file() else sorted(base.rglob("*.py")) + sorted(base.rglob("*.md"))
        for path in paths:
            if path.name in {"mend_structure_process.py", "architecture.md"}:
                continue
            text = path.read_text(encoding="utf-8")
            new, used = rewrite(text)
            if new == text:
                continue
            if path.suffix == ".py":
                # In the package the import goes into each function that calls (the CLI and `import samhandling`
                # stay light); elsewhere (tests, examples, benchmarks) at the top.
                inside = path.is_relative_to(ROOT / "src")
                new = add_local_imports(new, used) if inside else add_import(new, used)
            path.write_text(new, encoding="utf-8")
            changed.append(path)
            print(f"endret: {path.relative_to(ROOT)} ({', '.join(sorted(used))})")
    python = [str(p.relative_to(ROOT)) for p in changed if p.suffix == ".py"]
    ruff = ROOT / ".venv" / "bin" / "ruff"
    if python and ruff.exists():
        subprocess.run([str(ruff), "check", "--select", "I", "--fix", "--quiet", *python], cwd=ROOT, check=False)
    print(f"{len(changed)} filer endret" if changed else "ingenting å gjøre")
    return 0


if __name__ == "__main__":
    sys.exit(main())
