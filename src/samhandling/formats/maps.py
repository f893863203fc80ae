"""Typed access to YAML mappings read with :mod:`samhandling.formats.yamlio`, with located Norwegian messages.

:class:`MarkedMap` wraps one mapping: it refuses unknown keys and reads each value as text, a whole number, a
truth value, a date, an enum member or a list of texts, raising :class:`~samhandling.errors.SchemaError` with the
file, line and column when a value is not what was expected. The structure loader, the process loader and the
time sections all read their YAML through it.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, TypeAlias, TypeVar

from samhandling.errors import SchemaError
from samhandling.formats.dates import parse_norwegian_date
from samhandling.formats.yamlio import MarkedDict, MarkedList
from samhandling.location import Location

E = TypeVar("E", bound=enum.Enum)

__all__ = ["MarkedMap", "describe", "expect_list", "expect_map"]


def expect_map(value: Any, what: str, where: Location) -> MarkedDict:
    if not isinstance(value, MarkedDict):
        raise SchemaError(f"{what} skal være en tabell (nøkkel: verdi), fant {describe(value)}", location=where)
    return value


def expect_list(value: Any, what: str, where: Location) -> MarkedList:
    if not isinstance(value, MarkedList):
        raise SchemaError(f"{what} skal være en liste, fant {describe(value)}", location=where)
    return value


def describe(value: Any) -> str:
    """A value as a Norwegian message names it: «tekst», tallet 3, en liste, ingenting, ..."""
    if value is None:
        return "ingenting"
    if isinstance(value, bool):
        return f"sannhetsverdien {str(value).lower()}"
    if isinstance(value, dict):
        return "en tabell"
    if isinstance(value, list):
        return "en liste"
    if isinstance(value, (int, float)):
        return f"tallet {value}"
    if isinstance(value, dt.date):
        return f"datoen {value.isoformat()}"
    text = str(value).replace("\r", "\\r").replace("\n", "\\n")  # a message is one line
    return f"«{text}»"


# MarkedMap has methods named str/int/bool; its annotations use these aliases.
_Str: TypeAlias = str
_Int: TypeAlias = int
_Bool: TypeAlias = bool


class MarkedMap:
    """Typed access to one YAML mapping, with located messages and unknown-key checks."""

    def __init__(self, data: Any, what: str, where: Location, allowed: set[str]) -> None:
        self.data = expect_map(data, what, where)
        self.what = what
        unknown = sorted(set(self.data) - allowed)
        if unknown:
            key = unknown[0]
            raise SchemaError(
                f"ukjent nøkkel «{key}» i {what}; gyldige nøkler: {', '.join(sorted(allowed))}",
                code="unknown-key",
                location=self.data.loc(key),
            )

    def loc(self, key: str | None = None) -> Location:
        return self.data.loc(key)

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def raw(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def str(self, key: _Str, *, required: _Bool = False, default: _Str | None = None) -> _Str | None:
        if key not in self.data or self.data[key] is None:
            if required:
                raise SchemaError(f"{self.what} mangler «{key}»", code="missing-key", location=self.loc())
            return default
        value = self.data[key]
        if isinstance(value, (bool, dict, list)):
            raise SchemaError(f"«{key}» skal være tekst, fant {describe(value)}", location=self.loc(key))
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    def req(self, key: _Str) -> _Str:
        value = self.str(key, required=True)
        assert value is not None
        if not value.strip():
            raise SchemaError(f"«{key}» i {self.what} er tom", location=self.loc(key))
        return value

    def int(self, key: _Str, default: _Int | None = None) -> _Int | None:
        if key not in self.data or self.data[key] is None:
            return default
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise SchemaError(f"«{key}» skal være et heltall, fant {describe(value)}", location=self.loc(key))
        if value < 0:
            raise SchemaError(f"«{key}» kan ikke være negativ ({value})", location=self.loc(key))
        return value

    def bool(self, key: _Str, default: _Bool = False) -> _Bool:
        if key not in self.data or self.data[key] is None:
            return default
        value = self.data[key]
        if not isinstance(value, bool):
            raise SchemaError(f"«{key}» skal være true eller false, fant {describe(value)}", location=self.loc(key))
        return value

    def date(self, key: _Str) -> dt.date | None:
        if key not in self.data or self.data[key] is None:
            return None
        value = self.data[key]
        if isinstance(value, dt.date):
            return value
        parsed = parse_norwegian_date(str(value))
        if parsed is None:
            raise SchemaError(
                f"«{key}» skal være en dato (ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ), fant {describe(value)}",
                location=self.loc(key),
            )
        return parsed

    def enum(self, key: _Str, enum_type: type[E], default: E | None = None) -> E:
        if key not in self.data or self.data[key] is None:
            if default is None:
                raise SchemaError(f"{self.what} mangler «{key}»", code="missing-key", location=self.loc())
            return default
        value = self.data[key]
        try:
            return enum_type(value)
        except ValueError:
            choices = ", ".join(str(m.value) for m in enum_type)
            raise SchemaError(
                f"ugyldig verdi {describe(value)} for «{key}»; forventet en av: {choices}",
                code="invalid-value",
                location=self.loc(key),
            ) from None

    def strs(self, key: _Str) -> tuple[_Str, ...]:
        if key not in self.data or self.data[key] is None:
            return ()
        value = self.data[key]
        if isinstance(value, str):
            return (value,)
        items = expect_list(value, f"«{key}»", self.loc(key))
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, (str, int)) or isinstance(item, bool):
                raise SchemaError(f"«{key}» skal være en liste med tekst, fant {describe(item)}", location=items.loc(i))
            out.append(str(item))
        return tuple(out)
