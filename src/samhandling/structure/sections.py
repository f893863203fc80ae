"""Helpers for the structure sections the loader keeps raw (``meetings``, ``rotations``, ...).

Each section is parsed lazily, the first time it is asked for, and the result is
cached per structure (weakly: dropping the structure drops the cache).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from samhandling.errors import SchemaError
from samhandling.location import Location

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure

T = TypeVar("T")

_CACHE: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def cached_section(name: str) -> Callable[[Callable[[Structure], T]], Callable[[Structure], T]]:
    """Cache a ``parse(structure)`` function's result per structure under ``name``."""

    def decorate(fn: Callable[[Structure], T]) -> Callable[[Structure], T]:
        @wraps(fn)
        def wrapper(structure: Structure) -> T:
            slot = _CACHE.setdefault(structure, {})
            if name not in slot:
                slot[name] = fn(structure)
            result: T = slot[name]
            return result

        return wrapper

    return decorate


def section_location(structure: Structure, name: str) -> Location:
    raw = structure.extensions.get(name)
    where = getattr(raw, "location", None)
    return where if isinstance(where, Location) else Location(structure.filename)


def resolve_body(structure: Structure, name: str, where: Location) -> str:
    """A body id from a name in a section, or a located :class:`SchemaError`."""
    from samhandling.errors import AmbiguousNameError, UnknownBodyError

    try:
        return structure.body(name).id
    except (UnknownBodyError, AmbiguousNameError) as exc:
        raise SchemaError(exc.message, code=exc.code, location=where) from None


def resolve_party(structure: Structure, name: str, where: Location) -> str:
    """A party id from a name in a section, or a located :class:`SchemaError`."""
    from samhandling.errors import AmbiguousNameError, UnknownPartyError

    try:
        return structure.party(name).id
    except (UnknownPartyError, AmbiguousNameError) as exc:
        raise SchemaError(exc.message, code=exc.code, location=where) from None


def setting_value(structure: Structure, raw: Any, where: Location) -> Any:
    """``raw``, or the reading's value when ``raw`` is ``{setting: KEY}`` (a section value that follows a reading)."""
    if isinstance(raw, dict) and set(raw) == {"setting"}:
        key = str(raw["setting"])
        if key not in structure.settings:
            raise SchemaError(
                f"«{{setting: {key}}}» viser til en lesning som ikke står under «settings»",
                code="unknown-setting",
                location=where,
            )
        return structure.settings[key].value
    return raw


def with_settings(structure: Structure, item: Any, keys: tuple[str, ...]) -> Any:
    """A copy of the mapping ``item`` whose ``{setting: KEY}`` values of ``keys`` are the readings' values.

    The raw section is left as written (so that what refers to a reading can still be found).
    """
    from samhandling.formats.yamlio import MarkedDict

    if not isinstance(item, MarkedDict) or not any(k in item for k in keys):
        return item
    copy = MarkedDict(item)
    copy.location = item.location
    copy.key_locations = dict(item.key_locations)
    for key in keys:
        if key in copy:
            copy[key] = setting_value(structure, copy[key], item.loc(key))
    return copy
