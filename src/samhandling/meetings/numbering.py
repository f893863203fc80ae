"""Case numbers per body and year from a pattern written as the secretariat writes them.

The pattern is text with placeholders: ``NN`` the running number (zero-padded to as many digits as there are
``N``, more when it grows), ``ÅÅÅÅ`` the four-digit year and ``ÅÅ`` the two-digit year (``YYYY``/``YY`` work
too). Default «Sak NN/ÅÅ» («Sak 01/24»); Telemark writes «Sak NN-ÅÅ» («Sak 01-21»). The pattern is the
structure's setting ``case_number_pattern`` (in ``settings`` or ``meeting_rules.settings``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from samhandling.errors import SchemaError

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure

DEFAULT_PATTERN = "Sak NN/ÅÅ"
SETTING = "case_number_pattern"
_TOKEN = re.compile(r"ÅÅÅÅ|YYYY|ÅÅ|YY|N+")


def check_pattern(pattern: str) -> str:
    """The pattern itself, or :class:`SchemaError` (``bad-case-number-pattern``) when it has no number or year."""
    tokens = _TOKEN.findall(pattern)
    if not any(t.startswith("N") for t in tokens) or not any(t[0] in "ÅY" for t in tokens):
        raise SchemaError(
            f"mønsteret for saksnummer «{pattern}» mangler løpenummer (NN) eller år (ÅÅ eller ÅÅÅÅ); "
            f"forventet f.eks. «{DEFAULT_PATTERN}»",
            code="bad-case-number-pattern",
        )
    return pattern


def format_case_number(number: int, year: int, pattern: str = DEFAULT_PATTERN) -> str:
    """``format_case_number(1, 2024)`` → «Sak 01/24»."""

    def token(m: re.Match[str]) -> str:
        t = m.group(0)
        if t in ("ÅÅÅÅ", "YYYY"):
            return f"{year:04d}"
        if t in ("ÅÅ", "YY"):
            return f"{year % 100:02d}"
        return f"{number:0{len(t)}d}"

    return _TOKEN.sub(token, check_pattern(pattern))


def pattern_for(structure: Structure) -> str:
    """The structure's case-number pattern (setting ``case_number_pattern``), else «Sak NN/ÅÅ»."""
    from samhandling.time.meeting_plan import time_setting

    value = time_setting(structure, SETTING)
    return check_pattern(str(value)) if value else DEFAULT_PATTERN
