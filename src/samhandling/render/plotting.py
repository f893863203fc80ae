"""PNG and SVG pictures of structures and processes, drawn from :class:`~samhandling.render.diagrams.GraphModel`.

matplotlib is imported inside the functions only (Agg backend), so ``import
samhandling`` stays light; without it a :class:`MissingExtraError` says which
extra to install. One data unit is one inch, so font sizes and boxes stay in
proportion whatever the size of the graph.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from samhandling.errors import UsageError
from samhandling.render.diagrams import EDGE_KIND_LABEL, HIGHLIGHT, RELATION_STYLE, STATUS_LABEL, GraphModel, Node

if TYPE_CHECKING:
    from samhandling.render.diagrams import CaseLike, ProcessLike
    from samhandling.structure.graph import Structure
    from samhandling.time.forecast import Forecast

FONT = "DejaVu Sans"
BOX_W = 1.8
SLOT = 2.2  # horizontal distance between box centres
MAX_PER_ROW = 10
MIN_WIDTH = 6.0
NAME_WRAP = 22
DETAIL_WRAP = 30
LINE_H = 0.16
DETAIL_H = 0.115
POWER_FILL = {"decides": "#d6e6f5", "advises": "#e3f1dc", "none": "#f4f5f7"}
POWER_LABEL = {"decides": "kan beslutte", "advises": "rådgivende", "none": "uten beslutningsmyndighet"}
STATUS_FILL = {"done": "#d9f0d3", "current": "#fff1a8", "todo": "#f4f5f7"}


def _pyplot() -> Any:
    try:
        import matplotlib
    except ModuleNotFoundError as exc:
        from samhandling.errors import MissingExtraError

        raise MissingExtraError.for_module("matplotlib", "plot") from exc
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams["font.family"] = FONT
    plt.rcParams["svg.fonttype"] = "none"  # keep text as text in SVG (searchable, Norwegian letters intact)
    return plt


def _check_output(path: str | Path) -> Path:
    out = Path(path)
    if out.suffix.lower() not in (".png", ".svg"):
        raise UsageError(f"kan bare tegne til .png eller .svg, ikke «{out.name}»", code="unknown-format")
    if not out.parent.exists():
        raise UsageError(f"mappen «{out.parent}» finnes ikke")
    return out


def _ls(style: str) -> Any:
    return style


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False) or [""]


class _Box:
    """A node's laid-out box: centre, size and text lines."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self.name_lines = _wrap(node.label, NAME_WRAP)
        details = ", ".join(node.details)
        self.detail_lines = _wrap(details, DETAIL_WRAP) if details else []
        self.w = BOX_W
        self.h = 0.22 + LINE_H * len(self.name_lines) + (DETAIL_H * len(self.detail_lines) + 0.08 if details else 0)
        self.x = 0.0
        self.y = 0.0


def _rows(model: GraphModel) -> list[list[_Box]]:
    """Boxes grouped in rows by level, long rows split in staggered sub-rows, ordered to cut crossings.

    Within a row a body sits under the mean position of the bodies it is linked to in the rows above;
    bodies with no such link go to the right-hand end, in file order.
    """
    boxes = {n.id: _Box(n) for n in model.nodes}
    levels = sorted({n.level for n in model.nodes})
    parents: dict[str, list[str]] = {n.id: [] for n in model.nodes}
    for e in model.edges:
        a, b = model.node(e.source).level, model.node(e.target).level
        if a < b:
            parents[e.target].append(e.source)
        elif b < a:
            parents[e.source].append(e.target)
    rows: list[list[_Box]] = []
    pos: dict[str, float] = {}
    for level in levels:
        members = [n.id for n in model.nodes if n.level == level]

        def key(node_id: str) -> float:
            known = [pos[p] for p in parents[node_id] if p in pos]
            return sum(known) / len(known) if known else 1e6

        keyed = sorted(members, key=key)
        chunks = [keyed[i : i + MAX_PER_ROW] for i in range(0, len(keyed), MAX_PER_ROW)] or [[]]
        width = min(len(keyed), MAX_PER_ROW)
        for j, chunk in enumerate(chunks):
            x0 = (width - len(chunk)) / 2 + (0.5 if j % 2 else 0.0)
            for k, node_id in enumerate(chunk):
                pos[node_id] = x0 + k
            rows.append([boxes[i] for i in chunk])
    return rows


def _place(rows: list[list[_Box]], top: float, model: GraphModel) -> tuple[float, float]:
    """Set box centres; returns (width, bottom) of the drawing.

    The gap between two rows grows with the widest fan of lines between them, so
    that long, flat lines do not graze the boxes.
    """
    width = max(MIN_WIDTH, max(len(r) + (0.5 if i % 2 else 0) for i, r in enumerate(rows)) * SLOT)
    for row in rows:
        x0 = (width - len(row) * SLOT) / 2 + SLOT / 2
        for k, b in enumerate(row):
            b.x = x0 + k * SLOT
    row_of = {b.node.id: i for i, row in enumerate(rows) for b in row}
    x_of = {b.node.id: b.x for row in rows for b in row}
    # Lines that skip a row must not run through a box of it: move such a box (and those right of it) aside.
    for i, row in enumerate(rows):
        crossings = []
        for e in model.edges:
            ra, rb = row_of[e.source], row_of[e.target]
            if min(ra, rb) < i < max(ra, rb):
                t = (i - ra) / (rb - ra)
                crossings.append(x_of[e.source] + t * (x_of[e.target] - x_of[e.source]))
        shift = 0.0
        for b in row:
            b.x += shift
            for c in crossings:
                if b.x - b.w / 2 - 0.35 < c < b.x + b.w / 2 + 0.35:
                    move = c + 0.35 + b.w / 2 - b.x
                    b.x += move
                    shift += move
        width = max(width, max((b.x + SLOT / 2 for b in row), default=0.0))
    spread: dict[int, float] = {}
    for e in model.edges:
        ra, rb = sorted((row_of[e.source], row_of[e.target]))
        if ra != rb:
            spread[rb] = max(spread.get(rb, 0.0), abs(x_of[e.source] - x_of[e.target]) / (rb - ra))
    y = top
    for i, row in enumerate(rows):
        if not row:
            continue
        if i > 0:
            y -= min(2.4, max(0.8, 0.22 * spread.get(i, 0.0)))
        h = max(b.h for b in row)
        for b in row:
            b.y = y - h / 2
        y -= h
    return width, y - 0.3


def _draw_box(ax: Any, b: _Box, fill: str, edge: str, lw: float, double: bool = False) -> Any:
    from matplotlib.patches import FancyBboxPatch

    patch = FancyBboxPatch(
        (b.x - b.w / 2, b.y - b.h / 2),
        b.w,
        b.h,
        boxstyle="round,pad=0,rounding_size=0.08",
        facecolor=fill,
        edgecolor=edge,
        linewidth=lw,
        zorder=3,
    )
    ax.add_patch(patch)
    if double:
        ax.add_patch(
            FancyBboxPatch(
                (b.x - b.w / 2 + 0.05, b.y - b.h / 2 + 0.05),
                b.w - 0.1,
                b.h - 0.1,
                boxstyle="round,pad=0,rounding_size=0.06",
                facecolor="none",
                edgecolor=edge,
                linewidth=0.8,
                zorder=3,
            )
        )
    top = b.y + b.h / 2 - 0.11
    ax.text(
        b.x,
        top,
        "\n".join(b.name_lines),
        ha="center",
        va="top",
        fontsize=8.5,
        zorder=4,
        linespacing=1.15,
        fontweight="bold" if b.node.highlighted else "normal",
    )
    if b.detail_lines:
        dy = top - LINE_H * len(b.name_lines) - 0.06
        ax.text(
            b.x,
            dy,
            "\n".join(b.detail_lines),
            ha="center",
            va="top",
            fontsize=6.6,
            color="#333333",
            zorder=4,
            linespacing=1.1,
            style="italic",
        )
    return patch


def _ports(model: GraphModel, boxes: dict[str, _Box]) -> dict[int, tuple[tuple[float, float], tuple[float, float]]]:
    """Start and end point of every edge: bottom of the upper box to top of the lower, fanned out by side."""
    sides: dict[tuple[str, str], list[tuple[float, int, int]]] = {}
    ends: dict[int, tuple[tuple[str, str], tuple[str, str]]] = {}
    kind_rank = {k: i for i, k in enumerate(RELATION_STYLE)}
    for i, e in enumerate(model.edges):
        a, b = boxes[e.source], boxes[e.target]
        if e.source == e.target:
            continue
        if abs(a.y - b.y) < 0.01:
            ends[i] = ((e.source, "right" if a.x < b.x else "left"), (e.target, "left" if a.x < b.x else "right"))
            continue
        elif a.y > b.y:
            sa, sb = "bottom", "top"
        else:
            sa, sb = "top", "bottom"
        ends[i] = ((e.source, sa), (e.target, sb))
        sides.setdefault((e.source, sa), []).append((b.x, kind_rank.get(e.kind, 99), i))
        sides.setdefault((e.target, sb), []).append((a.x, kind_rank.get(e.kind, 99), i))
    offset: dict[tuple[str, str, int], float] = {}
    for (node_id, side), items in sides.items():
        items.sort()
        n = len(items)
        span = boxes[node_id].w * 0.8
        for k, (_, _, i) in enumerate(items):
            offset[(node_id, side, i)] = 0.0 if n == 1 else -span / 2 + span * k / (n - 1)

    def at(node_id: str, side: str, i: int) -> tuple[float, float]:
        box = boxes[node_id]
        if side in ("left", "right"):
            return (box.x + (box.w / 2 if side == "right" else -box.w / 2), box.y)
        dy = box.h / 2 if side == "top" else -box.h / 2
        return (box.x + offset[(node_id, side, i)], box.y + dy)

    return {i: (at(na, sa, i), at(nb, sb, i)) for i, ((na, sa), (nb, sb)) in ends.items()}


def _draw_edges(ax: Any, model: GraphModel, boxes: dict[str, _Box]) -> None:
    from matplotlib.patches import FancyArrowPatch

    for i, (start, end) in _ports(model, boxes).items():
        e = model.edges[i]
        colour, linestyle, _, _ = RELATION_STYLE.get(e.kind, RELATION_STYLE["branch"])
        # Same row: side to side, bowed when other boxes stand in between.
        between = abs(start[1] - end[1]) < 0.01 and any(
            min(start[0], end[0]) < b.x < max(start[0], end[0]) and abs(b.y - start[1]) < b.h / 2
            for b in boxes.values()
        )
        style: dict[str, Any] = dict(
            arrowstyle="-|>",
            mutation_scale=10,
            shrinkA=0,
            shrinkB=0,
            connectionstyle="arc3,rad=-0.35" if between else "arc3,rad=0",
        )
        if e.highlighted:
            ax.add_patch(FancyArrowPatch(start, end, color=HIGHLIGHT, linewidth=5, alpha=0.35, zorder=1, **style))
        ax.add_patch(
            FancyArrowPatch(
                start,
                end,
                color=colour,
                linestyle=linestyle,
                linewidth=1.6 if e.highlighted else 1.0,
                zorder=2,
                **style,
            )
        )


def _legend(ax: Any, handles: Sequence[Any], width: float, y: float) -> None:
    ncol = max(1, min(len(handles), int(width // 2.3)))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(width / 2, y),
        bbox_transform=ax.transData,
        ncol=ncol,
        fontsize=8,
        frameon=False,
        handlelength=3,
    )


def _figure(plt: Any, width: float, height: float) -> tuple[Any, Any]:
    fig = plt.figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return fig, ax


def _save(plt: Any, fig: Any, out: Path) -> Path:
    fig.savefig(out, dpi=110, facecolor="white", metadata={"Date": None} if out.suffix == ".svg" else None)
    plt.close(fig)
    return out


def plot_model(model: GraphModel, path: str | Path) -> Path:
    """Draw a structure model in levels (top body on top) with a legend; returns the file written."""
    out = _check_output(path)
    plt = _pyplot()
    return _save(plt, draw_model(model), out)


def draw_model(model: GraphModel) -> Any:
    """The matplotlib figure of a structure model (the caller saves and closes it)."""
    plt = _pyplot()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    rows = _rows(model)
    header = 0.9 if model.subtitle else 0.6
    width, bottom = _place(rows, top=0.0, model=model)
    kinds = model.edge_kinds
    n_handles = len(kinds) + 4
    legend_h = 0.25 + 0.2 * -(-n_handles // max(1, int((width + 1.0) // 2.3)))
    width += 1.0
    for row in rows:
        for b in row:
            b.x += 0.5
    height = header - bottom + legend_h
    for row in rows:
        for b in row:
            b.y += height - header
    fig, ax = _figure(plt, width, height)
    ax.text(width / 2, height - 0.2, model.title, ha="center", va="top", fontsize=13, fontweight="bold")
    if model.subtitle:
        ax.text(width / 2, height - 0.52, model.subtitle, ha="center", va="top", fontsize=9.5, color=HIGHLIGHT)
    boxes = {b.node.id: b for row in rows for b in row}
    for b in boxes.values():
        fill = POWER_FILL.get(b.node.attributes.get("power", "none"), POWER_FILL["none"])
        _draw_box(ax, b, fill, HIGHLIGHT if b.node.highlighted else "#4a4a4a", 2.6 if b.node.highlighted else 0.9)
    _draw_edges(ax, model, boxes)
    handles: list[Any] = [
        Line2D(
            [], [], color=RELATION_STYLE[k][0], linestyle=_ls(RELATION_STYLE[k][1]), lw=1.4, label=EDGE_KIND_LABEL[k]
        )
        for k in kinds
    ]
    powers = dict.fromkeys(n.attributes.get("power", "none") for n in model.nodes)
    handles += [Patch(facecolor=POWER_FILL[p], edgecolor="#4a4a4a", label=POWER_LABEL[p]) for p in powers]
    if any(e.highlighted for e in model.edges):
        handles.append(Line2D([], [], color=HIGHLIGHT, lw=4, alpha=0.5, label="eskaleringsvei"))
    _legend(ax, handles, width, legend_h - 0.1)
    return fig


def plot_structure(
    structure: Structure,
    path: str | Path,
    *,
    highlight_from: str | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> Path:
    """Draw a structure (optionally with the escalation route from ``highlight_from``) to PNG or SVG.

    With a case's ``attributes`` the highlighted route follows the relations whose condition matches them.
    """
    from samhandling.render.diagrams import structure_model

    return plot_model(structure_model(structure, highlight_from=highlight_from, attributes=attributes), path)


# ---------------------------------------------------------------------------- processes


def plot_process_model(model: GraphModel, path: str | Path) -> Path:
    """Draw a process model: main path top to bottom, other states to the right, case status in colour."""
    out = _check_output(path)
    plt = _pyplot()
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, Patch

    sources: dict[str, set[str]] = {}
    for e in model.edges:
        sources.setdefault(e.key, set()).add(e.source)
    broad = {k for k, v in sources.items() if len(v) > 3}  # acts possible "from any state": one note, not n lines
    notes = list(
        dict.fromkeys(
            (e.label, "" if e.source == e.target else model.node(e.target).label) for e in model.edges if e.key in broad
        )
    )
    model = attrs.evolve(model, edges=tuple(e for e in model.edges if e.key not in broad))
    main_ids = {e.source for e in model.edges if e.kind == "step"} | {e.target for e in model.edges if e.kind == "step"}
    col_main = [n for n in sorted(model.nodes, key=lambda n: n.level) if n.id in main_ids or not model.edges]
    side = [n for n in model.nodes if n not in col_main]
    boxes = {n.id: _Box(n) for n in model.nodes}
    loops: dict[str, list[str]] = {}
    for e in model.edges:
        if e.source == e.target:
            loops.setdefault(e.source, []).append(e.label)
    gap = 0.62
    header = 0.9 if model.subtitle else 0.6
    x_main, x_side, label_w = 3.6, 7.6, 3.2
    y = -header
    first_y: dict[str, float] = {}
    for n in col_main:
        b = boxes[n.id]
        b.x, b.y = x_main, y - b.h / 2
        first_y[n.id] = b.y
        y -= b.h + gap
    bottom = y
    used: list[tuple[float, float]] = []
    for n in side:
        b = boxes[n.id]
        src = [first_y[e.source] for e in model.edges if e.target == n.id and e.source in first_y]
        want = min(src) if src else bottom
        while any(abs(want - u) < (b.h + h) / 2 + 0.15 for u, h in used):
            want -= 0.25
        b.x, b.y = x_side, want
        used.append((want, b.h))
        bottom = min(bottom, want - b.h / 2 - gap)
    note_lines = [
        f"Fra alle tilstander: {label}" + (f" → {target}" if target else " (saken går tilbake)")
        for label, target in notes
    ]
    legend_h = 0.9 + 0.2 * len(note_lines)
    width = x_side + BOX_W / 2 + 2.2
    height = -bottom + legend_h
    for b in boxes.values():
        b.y += height
    fig, ax = _figure(plt, width, height)
    ax.text(width / 2, height - 0.2, model.title, ha="center", va="top", fontsize=13, fontweight="bold")
    if model.subtitle:
        ax.text(width / 2, height - 0.52, model.subtitle, ha="center", va="top", fontsize=9.5, color="#7a5c00")
    patches = {}
    for b in boxes.values():
        status = b.node.status or "todo"
        current = status == "current"
        patches[b.node.id] = _draw_box(
            ax,
            b,
            STATUS_FILL[status],
            "#b8860b" if current else "#4a4a4a",
            2.8 if current else 0.9,
            double=b.node.kind == "final",
        )
        if b.node.id in loops:
            text = "\n".join(_wrap("også: " + "; ".join(loops[b.node.id]), 34))
            ax.text(b.x + b.w / 2 + 0.15, b.y, text, ha="left", va="center", fontsize=6.5, color="#555555")
    for e in model.edges:
        if e.source == e.target:
            continue
        a, b = boxes[e.source], boxes[e.target]
        colour, linestyle, _, _ = RELATION_STYLE[e.kind]
        done = e.status == "done"
        main_down = e.kind == "step" and abs(a.x - b.x) < 0.01 and b.y < a.y
        rad = 0.0 if main_down or a.x != b.x else -1.0  # a skip within the column bows out to the right
        ax.add_patch(
            FancyArrowPatch(
                (a.x, a.y),
                (b.x, b.y),
                arrowstyle="-|>",
                mutation_scale=11,
                connectionstyle=f"arc3,rad={rad}",
                patchA=patches[e.source],
                patchB=patches[e.target],
                color="#1b7837" if done else colour,
                linestyle=linestyle,
                linewidth=2.0 if done else 1.0,
                zorder=2,
            )
        )
        lines = _wrap(e.label, 40)
        if main_down:
            ax.text(
                a.x - BOX_W / 2 - 0.1 + 0.0,
                (a.y - a.h / 2 + b.y + b.h / 2) / 2,
                "\n".join(lines),
                ha="right",
                va="center",
                fontsize=6.8,
                color="#1b7837" if done else "#333333",
                linespacing=1.05,
            )
        else:
            mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
            if a.x == b.x:
                mx += 0.5 * abs(a.y - b.y) + 0.6
            ax.text(
                mx,
                my + 0.05,
                "\n".join(_wrap(e.label, 26)),
                ha="center",
                va="bottom",
                fontsize=6.3,
                color="#555555",
                linespacing=1.05,
                bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none", alpha=0.85),
            )
    del label_w
    if note_lines:
        ax.text(0.3, legend_h - 0.05, "\n".join(note_lines), ha="left", va="top", fontsize=7.5, color="#555555")
    with_case = any(n.status in ("done", "current") for n in model.nodes)
    handles: list[Any] = (
        [
            Patch(facecolor=STATUS_FILL[s], edgecolor="#4a4a4a", label=STATUS_LABEL[s])
            for s in ("done", "current", "todo")
        ]
        if with_case
        else []
    )
    if with_case:
        handles.append(Line2D([], [], color="#1b7837", lw=2, label="utført handling"))
    handles += [
        Line2D([], [], color=RELATION_STYLE["step"][0], lw=1, label=EDGE_KIND_LABEL["step"]),
        Line2D([], [], color=RELATION_STYLE["branch"][0], lw=1, linestyle="dashed", label=EDGE_KIND_LABEL["branch"]),
    ]
    ax.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, frameon=False)
    return _save(plt, fig, out)


def plot_process(
    definition: ProcessLike, path: str | Path, *, case: CaseLike | None = None, structure: Structure | None = None
) -> Path:
    """Draw a process definition (and a case's progress through it) to PNG or SVG."""
    from samhandling.render.diagrams import process_model

    return plot_process_model(process_model(definition, case=case, structure=structure), path)


def plot_forecast(result: Forecast, path: str | Path, *, title: str | None = None, by: dt.date | None = None) -> Path:
    """A PNG or SVG picture of a forecast: a fan chart of every step's dates (P5–P95, P20–P80, P50 and
    today's projection) above a histogram of the decision dates. Needs the ``plot`` extra (matplotlib)."""
    from samhandling.time.forecast import FAN_PERCENTILES, norwegian_date

    out = _check_output(path)
    plt = _pyplot()
    import matplotlib.dates

    mdates: Any = matplotlib.dates

    rows = [*result.steps]
    names = [f"{s.label} ({s.body_label})" if s.body_label else s.label for s in rows] + ["vedtak"]
    fans = [s.fan for s in rows] + [tuple(result.quantile(q) for q in FAN_PERCENTILES)]
    projected = [s.projected for s in rows] + [result.decision_projected]
    histogram = result.histogram()
    dated_days = [d for d, _n in histogram if d is not None]
    known = [d for fan in fans for d in fan if d is not None] + [d for d in projected if d is not None] + dated_days
    first = min([result.start, *known])
    last = max([result.start, *known])
    if by is not None:
        first, last = min(first, by), max(last, by)
    margin = dt.timedelta(days=max(7, (last - first).days // 20))
    undated = sum(n for d, n in histogram if d is None)
    left, right = first - margin, last + (3 * margin if undated else margin)
    nowhere = last + 2 * margin  # where runs without a date are drawn

    fig, (fan_ax, hist_ax) = plt.subplots(
        2,
        1,
        figsize=(10, 2.2 + 0.45 * len(rows) + 2.8),
        gridspec_kw={"height_ratios": [len(rows) + 1.5, 3]},
    )
    try:
        for y, (fan, proj) in enumerate(zip(fans, projected, strict=True)):
            y = len(fans) - 1 - y
            p5, p20, p50, p80, p95 = (d if d is not None else nowhere for d in fan)
            fan_ax.barh(y, (p95 - p5).days or 0.8, left=p5, height=0.5, color="#c9dcef", edgecolor="none")
            fan_ax.barh(y, (p80 - p20).days or 0.8, left=p20, height=0.5, color="#7fa9d6", edgecolor="none")
            if fan[2] is not None:
                fan_ax.plot([p50, p50], [y - 0.3, y + 0.3], color="#1f3b63", linewidth=2.5)
            if proj is not None:
                fan_ax.plot([proj], [y], marker="x", color="#b23b3b", markersize=8, linestyle="none")
        fan_ax.set_yticks(range(len(fans)), list(reversed(names)))
        fan_ax.set_xlim(left, right)
        fan_ax.axvline(result.start, color="#888888", linewidth=0.8, linestyle=":")
        if by is not None:
            fan_ax.axvline(by, color="#b23b3b", linewidth=0.8, linestyle="--")
        fan_ax.xaxis.set_major_formatter(mdates.DateFormatter("%d.%m.%y"))
        fan_ax.set_title(title or f"Prognose fra {norwegian_date(result.start)} ({result.runs} kjøringer)")
        fan_ax.text(
            0.0,
            -0.18 if len(rows) < 4 else -0.1,
            "lys: P5–P95, mørk: P20–P80, strek: P50, ×: dagens projeksjon",
            transform=fan_ax.transAxes,
            fontsize=8,
            color="#555555",
        )
        shares = [n / result.runs * 100 for _d, n in histogram if _d is not None]
        hist_ax.bar(dated_days, shares, width=max(2.0, (right - left).days / 60), color="#7fa9d6")
        if undated:
            hist_ax.bar(
                [nowhere], [undated / result.runs * 100], width=max(2.0, (right - left).days / 60), color="#bbbbbb"
            )
            hist_ax.annotate("ingen dato", (nowhere, undated / result.runs * 100), ha="center", va="bottom", fontsize=8)
        hist_ax.set_xlim(left, right)
        hist_ax.xaxis.set_major_formatter(mdates.DateFormatter("%d.%m.%y"))
        hist_ax.set_ylabel("% av kjøringene")
        hist_ax.set_title("Vedtaksdato", fontsize=10)
        if by is not None:
            hist_ax.axvline(by, color="#b23b3b", linewidth=0.8, linestyle="--")
            hist_ax.annotate(
                f"innen {norwegian_date(by)}: {result.probability_by(by) * 100:.0f} %",
                (by, 0),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=8,
                color="#b23b3b",
            )
        fig.tight_layout()
        fig.savefig(out, dpi=110)
    finally:
        plt.close(fig)
    return out
