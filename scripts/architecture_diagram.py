#!/usr/bin/env python3
"""Draw samhandling's layers from the import-linter contract in pyproject.toml and the imports actually made.

The layers come from ``[tool.importlinter]`` (contract ``layers``); the arrows are the imports between the
top-level parts of ``samhandling`` as grimp (import-linter's graph builder) finds them, type-only imports left
out as the contract leaves them out. Writes the Mermaid diagram between the markers in docs/architecture.md and a
PNG in docs/img/architecture.png (matplotlib)::

    python scripts/architecture_diagram.py           # rewrite the doc section and the PNG
    python scripts/architecture_diagram.py --check   # exit 1 if the doc section is not what the code gives
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
PNG = ROOT / "docs" / "img" / "architecture.png"
START, END = "<!-- layers:start (scripts/architecture_diagram.py) -->", "<!-- layers:end -->"
PACKAGE = "samhandling"


def layers() -> list[list[str]]:
    """The layers, top first, each a list of the parts in it (``bdd | app`` → ``[bdd, app]``)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["type"] == "layers")
    return [[part.strip() for part in re.split(r"[|:]", layer)] for layer in contract["layers"]]


def dependencies() -> Counter[tuple[str, str]]:
    """How many imports go from each top-level part of samhandling to each other part."""
    import grimp

    sys.path.insert(0, str(ROOT / "src"))
    graph = grimp.build_graph(PACKAGE, exclude_type_checking_imports=True)
    counts: Counter[tuple[str, str]] = Counter()
    for module in graph.modules:
        source = _part(module)
        for imported in graph.find_modules_directly_imported_by(module):
            target = _part(imported)
            if source and target and source != target:
                counts[(source, target)] += 1
    return counts


def _part(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == PACKAGE else None


def breaches() -> set[tuple[str, str]]:
    """The part pairs of the imports the layers contract still ignores (known breaches)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["type"] == "layers")
    pairs = set()
    for expression in contract.get("ignore_imports", []):
        source, target = (side.strip() for side in expression.split("->"))
        if _part(source) and _part(target):
            pairs.add((str(_part(source)), str(_part(target))))
    return pairs


def mermaid(stack: list[list[str]], deps: Counter[tuple[str, str]], broken: set[tuple[str, str]]) -> str:
    lines = ["```mermaid", "flowchart TD"]
    for number, layer in enumerate(stack):
        if len(layer) == 1:
            lines.append(f'  {layer[0]}["{layer[0]}/"]')
            continue
        title = "kjerne" if len(stack) - 1 == number else " · ".join(layer)
        lines.append(f'  subgraph L{number}["{title}"]')
        lines.append("    direction LR")
        for part in layer:
            lines.append(f'    {part}["{part}"]')
        lines.append("  end")
    known = {part for layer in stack for part in layer}
    for source, target in sorted(deps):
        if source in known and target in known:
            arrow = "-. brudd .->" if (source, target) in broken else "-->"
            lines.append(f"  {source} {arrow} {target}")
    lines.append("```")
    return "\n".join(lines)


def png(stack: list[list[str]], deps: Counter[tuple[str, str]], broken: set[tuple[str, str]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    fig, ax = plt.subplots(figsize=(10, 0.75 * len(stack) + 0.7), dpi=110)
    position: dict[str, tuple[float, float]] = {}
    height = len(stack)
    for row, layer in enumerate(stack):
        y = height - row - 1
        ax.add_patch(
            FancyBboxPatch(
                (0.08, y + 0.1),
                0.9,
                0.8,
                boxstyle="round,pad=0.0,rounding_size=0.05",
                facecolor="#e8edf5" if row % 2 == 0 else "#f3f5f9",
                edgecolor="none",
            )
        )
        if row == height - 1:
            ax.text(0.1, y + 0.5, "kjerne", va="center", ha="left", fontsize=8, color="#555555", style="italic")
        for index, part in enumerate(layer):
            x = 0.16 + 0.14 * index + (0.04 if row == height - 1 else 0)
            position[part] = (x, y + 0.5)
            ax.text(
                x,
                y + 0.5,
                part,
                ha="center",
                va="center",
                fontsize=10,
                family="monospace",
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#3b5b92"},
            )
        used = sorted(
            {target for (source, target) in deps if source in layer and target not in layer}
            - {target for (source, target) in broken if source in layer}
        )
        if used:
            ax.text(0.5, y + 0.5, "bruker: " + ", ".join(used), va="center", ha="left", fontsize=8.5, color="#333333")
    ax.annotate(
        "", xy=(0.04, 0.3), xytext=(0.04, height - 0.3), arrowprops={"arrowstyle": "-|>", "color": "#3b5b92", "lw": 2}
    )
    ax.text(
        0.025,
        height / 2,
        "importer går bare nedover",
        rotation=90,
        va="center",
        ha="center",
        fontsize=9,
        color="#3b5b92",
    )
    for source, target in sorted(broken):
        if source in position and target in position:
            (x1, y1), (x2, y2) = position[source], position[target]
            ax.annotate(
                "",
                xy=(x2 + 0.03, y2 - 0.18),
                xytext=(x1 + 0.03, y1 + 0.18),
                arrowprops={"arrowstyle": "-|>", "color": "#c0392b", "lw": 1.3, "linestyle": "--"},
            )
            ax.text(x1 + 0.05, (y1 + y2) / 2, "kjent brudd", color="#c0392b", fontsize=8, va="center")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, height)
    ax.axis("off")
    ax.set_title("samhandling: lagene", fontsize=12)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def section(text: str) -> str:
    start, end = text.index(START) + len(START), text.index(END)
    return text[start:end].strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="sjekk at docs/architecture.md stemmer, endre ingenting")
    args = parser.parse_args(argv)
    stack, deps, broken = layers(), dependencies(), breaches()
    diagram = mermaid(stack, deps, broken)
    text = DOC.read_text(encoding="utf-8")
    if args.check:
        if section(text) != diagram:
            print("docs/architecture.md: lagdiagrammet stemmer ikke med koden; kjør scripts/architecture_diagram.py")
            return 1
        print("docs/architecture.md: lagdiagrammet stemmer")
        return 0
    new = text[: text.index(START) + len(START)] + "\n" + diagram + "\n" + text[text.index(END) :]
    DOC.write_text(new, encoding="utf-8")
    png(stack, deps, broken, PNG)
    print(f"skrev {DOC.relative_to(ROOT)} og {PNG.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
