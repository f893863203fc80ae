"""Plain-text output helpers shared by the CLI verbs (tables, JSON)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
import unicodedata
from collections.abc import Sequence
from typing import Any, TextIO

MIN_COLUMN = 8  # a column is never squeezed narrower than this (or its header)


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def terminal_width(out: TextIO) -> int | None:
    """The width tables must fit: ``$COLUMNS`` when set, else the terminal's when ``out`` is one, else None."""
    if os.environ.get("COLUMNS", "").strip().isdigit():
        return int(os.environ["COLUMNS"])
    try:
        if out.isatty():
            return shutil.get_terminal_size().columns
    except (AttributeError, ValueError, OSError):
        return None
    return None


def fit_widths(widths: list[int], headers: Sequence[str], limit: int) -> list[int]:
    """Column widths that fit ``limit`` characters (with two spaces between columns): the widest column gives
    up a character at a time, none below :data:`MIN_COLUMN` or its header."""
    out = list(widths)
    floor = [max(MIN_COLUMN, _width(str(h))) for h in headers]
    budget = limit - 2 * (len(out) - 1)
    while sum(out) > budget:
        candidates = [i for i, w in enumerate(out) if w > floor[i]]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: out[i])
        out[widest] -= 1
    return out


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for part in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(part, width, break_long_words=True, break_on_hyphens=False) or [""])
    return lines


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO | None = None) -> None:
    """Print a left-aligned text table; on a terminal (or with ``$COLUMNS``) long cells wrap to fit its width."""
    out = out or sys.stdout
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    limit = terminal_width(out)
    if limit is not None and sum(widths) + 2 * (len(widths) - 1) > limit:
        widths = fit_widths(widths, headers, limit)

    def lines(row: list[str]) -> list[str]:
        wrapped = [_wrap(c, w) if _width(c) > w else [c] for c, w in zip(row, widths, strict=True)]
        height = max(len(w) for w in wrapped)
        out_lines = []
        for n in range(height):
            parts = [(col[n] if n < len(col) else "") for col in wrapped]
            out_lines.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(parts, widths, strict=True)).rstrip())
        return out_lines

    for line in lines(cells[0]):
        print(line, file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in cells[1:]:
        for line in lines(row):
            print(line, file=out)


def heading(text: str, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    print(f"\n{text}\n{'=' * _width(text)}", file=out)


def emit_json(data: Any, out: TextIO | None = None) -> None:
    json.dump(data, out or sys.stdout, ensure_ascii=False, indent=2, default=str)
    print(file=out or sys.stdout)
