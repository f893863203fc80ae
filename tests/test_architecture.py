"""The house rules that import-linter does not check (docs/architecture.md).

* No module of samhandling uses another module's private names (``_name``): not by ``from x import _name`` and
  not as ``x._name`` on an imported module. Private means "only this module relies on it".
* No flat module or reference to an old module path is left (``scripts/restructure.py`` has nothing to do).
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "samhandling"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ModuleNotFoundError, ValueError):
        return False


def private_name_uses(text: str, module: str, is_package: bool = False, label: str = "") -> list[str]:
    """Every use in ``text`` (the source of ``module``) of a private name of another samhandling module."""
    tree = ast.parse(text)
    found: list[str] = []
    aliases: dict[str, str] = {}  # local name -> the samhandling module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(node, module, is_package)
            if not source.startswith("samhandling"):
                continue
            for alias in node.names:
                if _is_module(f"{source}.{alias.name}"):
                    aliases[alias.asname or alias.name] = f"{source}.{alias.name}"
                elif _private(alias.name) and source != module:
                    found.append(f"{label}:{node.lineno}: {source}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("samhandling") and alias.asname:
                    aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and aliases[node.value.id] != module
        ):
            found.append(f"{label}:{node.lineno}: {aliases[node.value.id]}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names() -> None:
    found = [
        use
        for path in sorted(SRC.rglob("*.py"))
        for use in private_name_uses(
            path.read_text(encoding="utf-8"),
            _module_name(path),
            path.name == "__init__.py",
            str(path.relative_to(ROOT)),
        )
    ]
    assert not found, "private navn brukt fra en annen modul (gjør dem offentlige eller flytt koden):\n" + "\n".join(
        found
    )


def test_the_private_name_check_finds_both_forms() -> None:
    text = (
        "from samhandling.structure.validation import register_check as _ok, _CHECKS\n"
        "from samhandling.structure import paths\n"
        "from . import _own_package_helper\n"
        "x = paths._private_helper\n"
    )
    found = private_name_uses(text, "samhandling.time.probe")
    assert [f.split(": ", 1)[1] for f in found] == [
        "samhandling.structure.validation._CHECKS",
        "samhandling.time._own_package_helper",
        "samhandling.structure.paths._private_helper",
    ]


def test_restructure_has_nothing_left_to_do() -> None:
    """Every module sits in its package and nothing refers to an old flat module path."""
    if subprocess.run(["git", "rev-parse"], cwd=ROOT, capture_output=True).returncode != 0:
        pytest.skip("not a git checkout (scripts/restructure.py works on a git tree)")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "restructure.py"), "--dry-run"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert "0 endringer" in result.stdout, result.stdout
    assert "ukjent modul" not in result.stdout, result.stdout


def test_restructure_rewrites_old_references_once() -> None:
    spec = importlib.util.spec_from_file_location("restructure", ROOT / "scripts" / "restructure.py")
    assert spec is not None and spec.loader is not None
    restructure = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(restructure)
    old = (
        "from samhandling import loader, errors\n"
        "from samhandling import process\n"
        "from samhandling.process import ProcessDefinition\n"
        "from samhandling.structure import Structure\n"
        "import samhandling.meetings  # noqa: F401\n"
        'monkeypatch.setattr("samhandling.process.clock", c)\n'
        ">>> from samhandling.store import open_store, CaseRepository\n"
        "-p no:samhandling.pytest_plugin; src/samhandling/process.py\n"
        '_LAZY = {"Step": "samhandling.process", "Structure": "samhandling.structure"}\n'
    )
    new = (
        "from samhandling.structure import loader\n"
        "from samhandling import errors\n"
        "from samhandling.process import engine as process\n"
        "from samhandling.process.engine import ProcessDefinition\n"
        "from samhandling.structure.graph import Structure\n"
        "import samhandling.time.meetings  # noqa: F401\n"
        'monkeypatch.setattr("samhandling.process.engine.clock", c)\n'
        ">>> from samhandling.store import open_store\n"
        ">>> from samhandling.app.repository import CaseRepository\n"
        "-p no:samhandling.bdd.plugin; src/samhandling/process/engine.py\n"
        '_LAZY = {"Step": "samhandling.process.engine", "Structure": "samhandling.structure.graph"}\n'
    )
    assert restructure.rewrite_text(old) == new
    assert restructure.rewrite_text(new) == new


def test_the_layer_diagram_in_the_docs_is_current() -> None:
    """docs/architecture.md shows the layers of the contract and the imports the code makes."""
    pytest.importorskip("grimp")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "architecture_diagram.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
