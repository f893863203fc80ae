#!/usr/bin/env python3
"""Move samhandling's flat modules into subpackages and rewrite every reference to the old module paths.

Run from anywhere inside the repository, on a tree whose changes are committed (it uses ``git mv``)::

    python3 scripts/restructure.py            # do it and print what was done
    python3 scripts/restructure.py --dry-run  # print what would be done, change nothing

Re-runnable: a module already at its new place is not moved again and a reference already in the new form is
left alone, so a second run prints "nothing to do". The tables below are the whole plan (docs/architecture.md
explains the cut). A flat module that the table does not know (added on another branch) stays where it is and is
reported: add it to MOVES and run again.

What is rewritten, in src/, tests/, examples/, benchmarks/, docs/, features/, scripts/, pyproject.toml, Makefile,
README.md (never in this script or docs/architecture.md):

* relative imports inside src/samhandling become absolute (so moving a module cannot break them);
* ``from samhandling.OLD import names`` and ``import samhandling.OLD [as x]`` (also in doctests and in Markdown);
* ``from samhandling import OLD`` of a moved module (``from samhandling import loader`` →
  ``from samhandling.structure import loader``; ``from samhandling import process`` →
  ``from samhandling.process import engine as process``);
* names that move out of a package's ``__init__`` (``NAME_MOVES``: ``from samhandling.store import CaseRepository``);
* every other dotted mention (``"samhandling.process.clock"`` in monkeypatch/mock targets, the pytest11 entry point,
  ``-p no:samhandling.pytest_plugin``, mypy overrides, prose) and file paths (``src/samhandling/process.py``).

An old module whose name becomes a package (``samhandling.process`` → ``samhandling.process.engine``) is told
from the new package by what follows it: ``samhandling.process.engine`` (a submodule of the new package) is new;
``samhandling.process.Process``, ``import samhandling.process``, ``from samhandling.process import Process`` and, in
Python files, the quoted string ``"samhandling.process"`` are old. A bare ``samhandling.process`` in prose is left
alone (it may name the new package).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import re
import shutil
import subprocess
import sys
from pathlib import Path

# ---------------------------------------------------------------------------------------------------------------
# The plan. Keys and values are module paths below ``samhandling``.
# ---------------------------------------------------------------------------------------------------------------
MOVES: dict[str, str] = {
    # formats: reading and writing text (YAML with locations, names, marked maps, dates); knows no domain
    "yamlio": "formats.yamlio",
    "names": "formats.names",
    # structure: the governance model, its graph, loading, validation and path queries
    "model": "structure.model",
    "findings": "structure.findings",
    "loader": "structure.loader",
    "structure": "structure.graph",
    "paths": "structure.paths",
    "sections": "structure.sections",
    "validation": "structure.validation",
    # process: definitions, the engine and its cases
    "case": "process.case",
    "process": "process.engine",
    "process_loader": "process.loader",
    "process_validation": "process.validation",
    # time: meeting plans, meeting rules, deadlines, rotations, evaluations, schedules, forecasts, calendars
    "meeting_plan": "time.meeting_plan",
    "meetings": "time.meetings",
    "deadlines": "time.deadlines",
    "rotation": "time.rotation",
    "evaluations": "time.evaluations",
    "schedule": "time.schedule",
    "forecast": "time.forecast",
    "calendar_export": "time.calendar_export",
    # render: pictures and diagrams
    "diagrams": "render.diagrams",
    "plotting": "render.plotting",
    # bdd: the pytest plugin lives with its steps (entry point name = module path)
    "pytest_plugin": "bdd.plugin",
    # app: application services joining the layers below (store + process), the demonstration
    "store.repository": "app.repository",
    "demo": "app.demo",
}

# Tiny modules that stay at the top: the kernel every layer may use.
KERNEL: set[str] = {"errors", "clock", "location"}

# New packages and the first line of their __init__.py (written only when the package has none).
PACKAGES: dict[str, str] = {
    "formats": "Text formats: YAML read with locations, name normalisation, marked maps and dates. Knows no domain.",
    "structure": "The governance structure: model, graph, loading, validation, path queries and sections.",
    "process": "Decision processes: definitions, the engine compiled once per definition, and cases.",
    "time": "Time: meeting plans and rules, deadlines, rotations, evaluations, schedules, forecasts and calendars.",
    "render": "Pictures: one neutral diagram model, rendered as text formats and PNG/SVG.",
    "app": "Application services that join the layers below: the case repository (store + process) and the demo.",
}

# Names re-exported by a package __init__ that move with their module: (package, name) -> new module.
NAME_MOVES: dict[tuple[str, str], str] = {
    ("store", "CaseRepository"): "app.repository",
}

# Edits of single files that the general rewrite cannot know: (path, pattern, replacement). Idempotent.
SPECIAL_EDITS: list[tuple[str, str, str]] = [
    # samhandling.store must not import the app layer: CaseRepository is imported from samhandling.app.repository.
    ("src/samhandling/store/__init__.py", r"\nfrom samhandling\.app\.repository import CaseRepository\n", "\n"),
    ("src/samhandling/store/__init__.py", r'"CaseRepository",\s*', ""),
]

REWRITE_ROOTS = [
    "src",
    "tests",
    "examples",
    "benchmarks",
    "docs",
    "features",
    "scripts",
    "pyproject.toml",
    "Makefile",
    "README.md",
]
NEVER_REWRITE = {"scripts/restructure.py", "docs/architecture.md", "tests/test_architecture.py"}
TEXT_SUFFIXES = {
    ".py",
    ".pyi",
    ".md",
    ".toml",
    ".feature",
    ".txt",
    ".cfg",
    ".ini",
    ".yaml",
    ".yml",
    ".json",
    ".rst",
    ".sh",
    ".mmd",
    ".html",
}

PKG = "samhandling"


# ---------------------------------------------------------------------------------------------------------------
def full(name: str) -> str:
    return f"{PKG}.{name}"


OLD_TO_NEW = {full(old): full(new) for old, new in MOVES.items()}
# An old module whose dotted name is now a package: its new submodules tell new references from old ones.
AMBIGUOUS: dict[str, set[str]] = {}
for _old in OLD_TO_NEW:
    _subs = {new[len(_old) + 1 :].split(".")[0] for new in OLD_TO_NEW.values() if new.startswith(_old + ".")}
    # Modules added to the package since the move are new references too, never old ones.
    _pkg_dir = Path(__file__).resolve().parent.parent / "src" / Path(*_old.split("."))
    if _subs and _pkg_dir.is_dir():
        _subs |= {p.stem for p in _pkg_dir.glob("*.py") if p.stem != "__init__"}
    if _subs:
        # Modules added to the new package since the move (structure/completion.py, process/timers.py) are
        # submodules too, not names of the old flat module.
        _dir = Path(__file__).resolve().parents[1] / "src" / Path(*_old.split("."))
        _subs |= {f.stem for f in _dir.glob("*.py") if f.stem != "__init__"} if _dir.is_dir() else set()
        AMBIGUOUS[_old] = _subs
# Packages made after the move under an old flat module's name: their submodules are new references, not old.
LATER_PACKAGES: dict[str, set[str]] = {"meetings": {"model", "numbering", "agenda", "attendance", "minutes"}}
for _name, _subs in LATER_PACKAGES.items():
    AMBIGUOUS.setdefault(full(_name), set()).update(_subs)


class Report:
    def __init__(self, dry_run: bool) -> None:
        self.dry_run = dry_run
        self.lines: list[str] = []
        self.warnings: list[str] = []

    def did(self, text: str) -> None:
        self.lines.append(text)
        print(("(tørrkjøring) " if self.dry_run else "") + text)

    def warn(self, text: str) -> None:
        self.warnings.append(text)
        print("ADVARSEL: " + text)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True)


def repo_root() -> Path:
    out = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=Path(__file__).resolve().parent,
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip())


def module_path(src: Path, dotted: str) -> Path:
    return src.joinpath(*dotted.split(".")[1:]).with_suffix(".py")


# ---------------------------------------------------------------------------------------------------------------
# 1. Relative imports inside src/samhandling become absolute.
# ---------------------------------------------------------------------------------------------------------------
def absolutise(src: Path, report: Report) -> None:
    for path in sorted(src.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "from ." not in text:
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            report.warn(f"{path}: kan ikke tolkes som Python; relative importer ikke sjekket")
            continue
        parts = list(path.relative_to(src.parent).with_suffix("").parts)
        package = parts[:-1]  # the package a relative import starts from (for __init__.py: its own package)
        lines = text.splitlines(keepends=True)
        changed = False
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                absolute = ".".join(base + ([node.module] if node.module else []))
                line = lines[node.lineno - 1]
                new_line = re.sub(r"from\s+\.+[\w.]*\s+import", f"from {absolute} import", line, count=1)
                if new_line != line:
                    lines[node.lineno - 1] = new_line
                    changed = True
        if changed:
            report.did(f"absolutte importer: {path.relative_to(src.parent.parent)}")
            if not report.dry_run:
                path.write_text("".join(lines), encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------
# 2. Packages and moves.
# ---------------------------------------------------------------------------------------------------------------
def make_packages(root: Path, src: Path, report: Report) -> None:
    for name, doc in PACKAGES.items():
        init = src / name / "__init__.py"
        if init.exists():
            continue
        report.did(f"ny pakke: {init.relative_to(root)}")
        if not report.dry_run:
            init.parent.mkdir(parents=True, exist_ok=True)
            init.write_text(f'"""{doc}"""\n', encoding="utf-8")
            git(root, "add", str(init.relative_to(root)))


def move_modules(root: Path, src: Path, report: Report) -> None:
    for old, new in OLD_TO_NEW.items():
        source, target = module_path(src, old), module_path(src, new)
        if source.exists() and target.exists():
            report.warn(f"både {source.relative_to(root)} og {target.relative_to(root)} finnes: flett dem for hånd")
        elif source.exists():
            report.did(f"git mv {source.relative_to(root)} {target.relative_to(root)}")
            if not report.dry_run:
                target.parent.mkdir(parents=True, exist_ok=True)
                git(root, "mv", str(source.relative_to(root)), str(target.relative_to(root)))
                fix_data_paths(root, target, new.count(".") - old.count("."), report)


DATA_PATH = re.compile(r"Path\(__file__\)\.parent(?=\s*/\s*[\"']data[\"'])")


def fix_data_paths(root: Path, target: Path, deeper: int, report: Report) -> None:
    """``Path(__file__).parent / "data"`` in a module moved one level down points one level further up."""
    text = target.read_text(encoding="utf-8")
    if deeper == 1 and DATA_PATH.search(text):
        target.write_text(DATA_PATH.sub("Path(__file__).parent.parent", text), encoding="utf-8")
        report.did(f'datasti: {target.relative_to(root)}: Path(__file__).parent.parent / "data"')
    elif "__file__" in text and not DATA_PATH.search(text) and "parent.parent" not in text:
        report.warn(f"{target.relative_to(root)} bruker __file__: sjekk stier etter flyttingen")


def unknown_flat_modules(root: Path, src: Path, report: Report) -> None:
    moved = {old.split(".")[1] for old in OLD_TO_NEW if old.count(".") == 1}
    for path in sorted(src.glob("*.py")):
        stem = path.stem
        if stem in KERNEL or stem in {"__init__", "__main__"} or stem in moved:
            continue
        report.warn(
            f"ukjent modul {path.relative_to(root)} ligger fortsatt øverst: legg den til i MOVES "
            f"(eller KERNEL) i scripts/restructure.py og kjør på nytt"
        )


# ---------------------------------------------------------------------------------------------------------------
# 3. Rewriting references.
# ---------------------------------------------------------------------------------------------------------------
FROM_RE = re.compile(
    r"^(?P<lead>[ \t]*(?:(?:>>>|\.\.\.)[ \t]+)?)from[ \t]+(?P<mod>samhandling(?:\.\w+)*)[ \t]+import[ \t]+"
    r"(?P<names>\([^)]*\)|[^\n]*)",
    re.M,
)


def _parse_names(raw: str) -> tuple[list[tuple[str, str | None]], str] | None:
    """``a, b as c`` or ``(a,\\n b as c,)`` → ([(a, None), (b, c)], trailing comment). None if not plain names."""
    comment = ""
    body = raw
    if body.startswith("("):
        body = re.sub(r"#[^\n]*", "", body[1:-1])
    else:
        if "#" in body:
            body, comment = body.split("#", 1)
            comment = "  #" + comment.rstrip()
        if body.rstrip().endswith("\\"):
            return None
    names: list[tuple[str, str | None]] = []
    for item in body.split(","):
        item = item.strip()
        if not item:
            continue
        m = re.fullmatch(r"(\w+|\*)(?:\s+as\s+(\w+))?", item)
        if not m:
            return None
        names.append((m.group(1), m.group(2)))
    return names, comment


def _target(mod: str, name: str, alias: str | None) -> tuple[str, str, str | None]:
    if mod == PKG and full(name) in OLD_TO_NEW:
        parent, leaf = OLD_TO_NEW[full(name)].rsplit(".", 1)
        return parent, leaf, alias or (name if leaf != name else None)
    short = mod[len(PKG) + 1 :]
    if (short, name) in NAME_MOVES:
        return full(NAME_MOVES[(short, name)]), name, alias
    if mod in AMBIGUOUS:
        return (mod, name, alias) if name in AMBIGUOUS[mod] else (OLD_TO_NEW[mod], name, alias)
    return OLD_TO_NEW.get(mod, mod), name, alias


def _rewrite_from(match: re.Match[str]) -> str:
    lead, mod, raw = match.group("lead"), match.group("mod"), match.group("names")
    parsed = _parse_names(raw)
    if parsed is None:
        if mod in OLD_TO_NEW and mod not in AMBIGUOUS:
            return match.group(0).replace(f"from {mod} ", f"from {OLD_TO_NEW[mod]} ", 1)
        return match.group(0)
    names, comment = parsed
    targets = [_target(mod, name, alias) for name, alias in names]
    if all(t == (mod, name, alias) for t, (name, alias) in zip(targets, names)):
        return match.group(0)
    modules = list(dict.fromkeys(t[0] for t in targets))
    if len(modules) == 1 and all(t[1:] == n for t, n in zip(targets, names)):
        # Only the module changes: keep the layout of the names as it was.
        start = match.start("mod") - match.start()
        text = match.group(0)
        return text[:start] + modules[0] + text[start + len(mod) :]
    # Split or renamed names: one statement per target module.
    out = []
    for module in modules:
        parts = [n if a is None else f"{n} as {a}" for m, n, a in targets if m == module]
        out.append(f"{lead}from {module} import {', '.join(parts)}")
    return "\n".join(out) + comment


def _dotted_patterns() -> list[tuple[re.Pattern[str], str]]:
    patterns = []
    for old in sorted(OLD_TO_NEW, key=len, reverse=True):
        if old in AMBIGUOUS:
            # Old only where a module is certainly meant: an attribute follows that is no submodule of the new
            # package (``samhandling.process.Process``, ``"samhandling.process.clock"``), or ``import …``.
            # A bare ``samhandling.process`` in prose may mean the new package and is left alone.
            subs = "|".join(sorted(AMBIGUOUS[old]))
            pattern = (
                r"(?<![\w.])" + re.escape(old) + rf"(?=\.(?!(?:{subs})\b)\w)"
                r"|(?<=\bimport )" + re.escape(old) + r"(?![\w.])"
            )
        else:
            pattern = r"(?<![\w.])" + re.escape(old) + r"(?!\w)"
        patterns.append((re.compile(pattern), OLD_TO_NEW[old]))
    return patterns


def _path_patterns() -> list[tuple[re.Pattern[str], str]]:
    patterns = []
    for old, new in MOVES.items():
        old_path, new_path = old.replace(".", "/") + ".py", new.replace(".", "/") + ".py"
        patterns.append(
            (re.compile(r"(?<![\w/])((?:src/)?samhandling/)" + re.escape(old_path) + r"\b"), r"\g<1>" + new_path)
        )
        if "/" in old_path:  # e.g. store/repository.py, unambiguous without the package prefix
            patterns.append((re.compile(r"(?<![\w/])" + re.escape(old_path) + r"\b"), new_path))
    return patterns


DOTTED = _dotted_patterns()
PATHS = _path_patterns()


def _quoted_patterns() -> list[tuple[re.Pattern[str], str]]:
    """In Python code a quoted ``"samhandling.process"`` names a module (importlib, a lazy-import table, a patch
    target): the old module, never the new package, whose ``__init__`` holds nothing to import."""
    return [(re.compile(r"""(?<=["'])""" + re.escape(old) + r"""(?=["'])"""), OLD_TO_NEW[old]) for old in AMBIGUOUS]


DOTTED_QUOTED = _quoted_patterns()


def rewrite_text(text: str, python: bool = True) -> str:
    text = FROM_RE.sub(_rewrite_from, text)
    for pattern, new in DOTTED:
        text = pattern.sub(new, text)
    if python:
        for pattern, new in DOTTED_QUOTED:
            text = pattern.sub(new, text)
    for pattern, new in PATHS:
        text = pattern.sub(new, text)
    return text


def candidate_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in REWRITE_ROOTS:
        base = root / name
        if base.is_file():
            files.append(base)
        elif base.is_dir():
            files.extend(
                p
                for p in sorted(base.rglob("*"))
                if p.is_file() and p.suffix in TEXT_SUFFIXES and "__pycache__" not in p.parts
            )
    return [p for p in files if p.relative_to(root).as_posix() not in NEVER_REWRITE]


def rewrite_references(root: Path, report: Report) -> list[Path]:
    changed: list[Path] = []
    for path in candidate_files(root):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        new = rewrite_text(text, python=path.suffix in {".py", ".pyi"})
        if new != text:
            count = sum(1 for line in difflib.ndiff(text.splitlines(), new.splitlines()) if line.startswith("+ "))
            report.did(f"referanser: {path.relative_to(root)} ({count} linjer)")
            changed.append(path)
            if not report.dry_run:
                path.write_text(new, encoding="utf-8")
    return changed


def sort_imports(root: Path, files: list[Path], report: Report) -> None:
    """Re-sort the import blocks of the rewritten Python files (ruff's isort rule only; no other formatting)."""
    python = [str(p.relative_to(root)) for p in files if p.suffix == ".py"]
    if not python or report.dry_run:
        return
    ruff = root / ".venv" / "bin" / "ruff"
    command = [str(ruff)] if ruff.exists() else ([found] if (found := shutil.which("ruff")) else None)
    if command is None:
        report.warn("ruff finnes ikke: kjør `ruff check --select I --fix` på de endrede filene selv")
        return
    subprocess.run([*command, "check", "--select", "I", "--fix", "--quiet", *python], cwd=root, check=False)
    report.did(f"importene sortert (ruff --select I --fix) i {len(python)} filer")


def special_edits(root: Path, report: Report) -> list[Path]:
    edited: list[Path] = []
    for rel, pattern, replacement in SPECIAL_EDITS:
        path = root / rel
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        new = re.sub(pattern, replacement, text)
        if new != text:
            report.did(f"særskilt: {rel}: {pattern!r} fjernet/endret")
            edited.append(path)
            if not report.dry_run:
                path.write_text(new, encoding="utf-8")
    return edited


def leftovers(root: Path, report: Report) -> None:
    """Bare file names of moved modules in prose (``diagrams.py``): shown, not changed."""
    names = {old.rsplit(".", 1)[-1] for old in MOVES}
    bare = re.compile(r"(?<![\w/.])(" + "|".join(sorted(names)) + r")\.py\b")
    for path in candidate_files(root):
        if path.suffix != ".md":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in bare.finditer(line):
                report.warn(f"{path.relative_to(root)}:{number}: nevner «{m.group(0)}» uten sti; sjekk teksten")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="vis hva som ville blitt gjort, endre ingenting")
    args = parser.parse_args(argv)
    root = repo_root()
    src = root / "src" / PKG
    report = Report(args.dry_run)
    absolutise(src, report)
    make_packages(root, src, report)
    move_modules(root, src, report)
    changed = rewrite_references(root, report)
    edited = special_edits(root, report)
    sort_imports(root, changed + edited, report)
    unknown_flat_modules(root, src, report)
    leftovers(root, report)
    if not report.lines:
        print("ingenting å gjøre: treet er allerede omstrukturert")
    print(f"{len(report.lines)} endringer, {len(report.warnings)} advarsler")
    return 0


if __name__ == "__main__":
    sys.exit(main())
