"""Step text normalisation and the phrase template language.

Text pasted from Word or Confluence brings «…», “…” or „…“ quotes, non-breaking
spaces, decomposed letters and a trailing colon before a table. :func:`normalise_step`
folds all of that, so a phrase written ``organet "FSU"`` also matches
``Organet «FSU»:``.

Templates are plain text with placeholders:

``"{name}"``
    a quoted value (any text without a double quote);
``{name:d}``
    a whole number;
``{name:TYPE}``
    one of the words registered in :data:`TYPES` (e.g. ``relasjon``);
``{name}``
    free text (as short as possible).

Matching is case-insensitive and anchored at both ends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from samhandling.formats.names import clean_text

_DOUBLE_QUOTES = re.compile(r"[«»“”„‟″〝〞＂]")
_SINGLE_QUOTES = re.compile(r"[‘’‚‛]")
_TRAILING = re.compile(r"[\s:.]+$")
_PLACEHOLDER = re.compile(r'"\{(\w+)\}"|\{(\w+)(?::(\w+))?\}')

# Named placeholder types: a regex alternation (filled in by the step modules).
TYPES: dict[str, str] = {
    "d": r"\d+",
    "w": r"\S+",
}


def normalise_step(text: str) -> str:
    """The form of a step's text used for matching (quotes, spaces, NFC, no trailing colon)."""
    text = clean_text(text)
    text = _DOUBLE_QUOTES.sub('"', text)
    text = _SINGLE_QUOTES.sub("'", text)
    return _TRAILING.sub("", text)


def register_type(name: str, words: list[str] | tuple[str, ...]) -> None:
    """Register a placeholder type that matches one of ``words`` (longest first)."""
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    TYPES[name] = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


_TOKEN = re.compile(r'"\{(\w+)\}"|\{(\w+)(?::(\w+))?\}|\[|\]')


@lru_cache(maxsize=512)
def compile_template(template: str) -> re.Pattern[str]:
    """Compile a phrase template into an anchored, case-insensitive regex (``[...]`` is optional)."""
    out: list[str] = []
    pos = 0
    depth = 0
    for m in _TOKEN.finditer(template):
        out.append(re.escape(template[pos : m.start()]).replace(r"\ ", " "))
        token = m.group(0)
        if token == "[":
            depth += 1
            out.append("(?:")
        elif token == "]":
            depth -= 1
            out.append(")?")
        elif m.group(1):
            out.append(f'"(?P<{m.group(1)}>[^"]*)"')
        else:
            name, kind = m.group(2), m.group(3)
            if kind is None:
                out.append(f"(?P<{name}>.+?)")
            elif kind in TYPES:
                out.append(f"(?P<{name}>{TYPES[kind]})")
            else:
                raise ValueError(f"unknown placeholder type {kind!r} in {template!r}")
        pos = m.end()
    if depth:
        raise ValueError(f"unbalanced [ ] in {template!r}")
    out.append(re.escape(template[pos:]).replace(r"\ ", " "))
    pattern = "".join(out).replace(" ", r"\s+")
    return re.compile(pattern, re.IGNORECASE)


def match_template(template: str, text: str) -> dict[str, str] | None:
    """The arguments of ``text`` for ``template``, or None when it does not match."""
    m = compile_template(template).fullmatch(normalise_step(text))
    return None if m is None else {k: v.strip() for k, v in m.groupdict().items() if v is not None}


def placeholder_names(template: str) -> list[str]:
    return [m.group(1) or m.group(2) for m in _PLACEHOLDER.finditer(template)]


def skeleton(template: str) -> str:
    """The template without optional parts, placeholders shown as ``"…"``/``N`` (for suggestions)."""
    while True:  # innermost optional parts first
        shorter = re.sub(r"\[[^\[\]]*\]", "", template)
        if shorter == template:
            break
        template = shorter

    def repl(m: re.Match[str]) -> str:
        if m.group(1):
            return '"…"'
        return "N" if m.group(3) == "d" else "…"

    return _PLACEHOLDER.sub(repl, template)


def split_list(text: str, *, conjunction: bool = False) -> list[str]:
    """Split «A → B → C» / «A, B» (and «A, B og C» with ``conjunction``) into items."""
    pattern = r"\s*(?:→|->|,|;|\bog\b)\s*" if conjunction else r"\s*(?:→|->|,|;)\s*"
    parts = re.split(pattern, text)
    return [p.strip() for p in parts if p.strip()]


Converter = Callable[[str], object]
