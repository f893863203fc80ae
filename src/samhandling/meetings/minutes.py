"""A simple file of a meeting's decisions (YAML or CSV), read into :class:`DecisionInput` values.

YAML: a list (or ``decisions:`` holding one) of mappings with ``case_number`` (or ``sak``), ``act`` (or
``handling``: the act's name or its Norwegian label), optional ``positions`` (a mapping party → position, or
«Sola=mot, Førde=for»), ``outcome``, ``remark`` (or ``vedtak``) and ``data`` (more payload).
CSV: a header row with the same column names (``positions`` as «Sola=mot; Førde=for»).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

import attrs

from samhandling.errors import SchemaError
from samhandling.location import Location

_ALIASES = {
    "sak": "case_number",
    "saksnummer": "case_number",
    "handling": "act",
    "standpunkt": "positions",
    "standpunkter": "positions",
    "utfall": "outcome",
    "vedtak": "remark",
    "merknad": "remark",
}
_KEYS = {"case_number", "act", "positions", "outcome", "remark", "data"}


@attrs.frozen
class DecisionInput:
    """One decision of the minutes: the item (by case number), the act, and what goes with it."""

    case_number: str
    act: str | None = None
    positions: dict[str, str] | None = None
    outcome: str | None = None
    remark: str | None = None
    data: dict[str, Any] = attrs.field(factory=dict)
    location: Location | None = attrs.field(default=None, eq=False)


def _positions(value: Any, where: Location) -> dict[str, str] | None:
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, str):
        out: dict[str, str] = {}
        for part in value.replace(";", ",").split(","):
            if not part.strip():
                continue
            who, sep, word = part.partition("=")
            if not sep or not who.strip() or not word.strip():
                raise SchemaError(
                    f"standpunktet «{part.strip()}» er ikke på formen PART=STANDPUNKT",
                    code="bad-positions",
                    location=where,
                )
            out[who.strip()] = word.strip()
        return out
    raise SchemaError(
        "«positions» skal være en tabell PART: STANDPUNKT eller tekst «PART=STANDPUNKT, …»",
        code="bad-positions",
        location=where,
    )


def _decision(raw: Mapping[str, Any], where: Location) -> DecisionInput:
    data: dict[str, Any] = {}
    for key, value in raw.items():
        name = _ALIASES.get(str(key).strip().lower(), str(key).strip().lower())
        if name not in _KEYS:
            raise SchemaError(
                f"ukjent felt «{key}» i vedtakslisten; gyldige: {', '.join(sorted(_KEYS))}",
                code="unknown-key",
                location=where,
            )
        data[name] = value
    number = str(data.get("case_number") or "").strip()
    if not number:
        raise SchemaError(
            "et vedtak mangler saksnummer («case_number» eller «sak»)", code="missing-key", location=where
        )
    extra = data.get("data") or {}
    if not isinstance(extra, Mapping):
        raise SchemaError("«data» skal være en tabell NØKKEL: VERDI", code="schema", location=where)

    def text(key: str) -> str | None:
        value = data.get(key)
        return None if value is None or str(value).strip() == "" else str(value).strip()

    return DecisionInput(
        number,
        text("act"),
        _positions(data.get("positions"), where),
        text("outcome"),
        text("remark"),
        dict(extra),
        where,
    )


def parse_decisions(text: str, filename: str = "<vedtak>") -> list[DecisionInput]:
    """The decisions of a minutes file; CSV when ``filename`` ends in .csv, else YAML."""
    if filename.lower().endswith(".csv"):
        rows = list(csv.DictReader(io.StringIO(text)))
        return [
            _decision({k: v for k, v in row.items() if k is not None}, Location(filename, n))
            for n, row in enumerate(rows, start=2)
        ]
    from samhandling.formats.maps import expect_list
    from samhandling.formats.yamlio import parse_yaml

    data = parse_yaml(text, filename)
    here = Location(filename, 1)
    if isinstance(data, Mapping) and set(data) == {"decisions"}:
        data = data["decisions"]
    items = expect_list(data, "vedtakslisten", here)
    out = []
    for i, item in enumerate(items):
        where = items.loc(i)
        if not isinstance(item, Mapping):
            raise SchemaError("hvert vedtak skal være en tabell med saksnummer og handling", location=where)
        out.append(_decision(item, where))
    return out
