"""Safe YAML reading that remembers where every value came from.

* Only ``true``/``false`` are booleans: YAML 1.1's ``yes/no/on/off`` (and the
  Norway problem, ``NO``) stay strings, so names are never turned into booleans.
* Integers are plain decimal only (no sexagesimal ``1:20`` or octal ``010``).
* ISO dates (``2024-02-14``) become :class:`datetime.date`.
* Duplicate keys are an error, never a silent overwrite.
* Mappings and sequences come back as :class:`MarkedDict` / :class:`MarkedList`,
  which know the :class:`~samhandling.location.Location` of themselves and of each
  key or item, so that every later message can name the file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from samhandling.errors import LoadError, SchemaError, YamlSyntaxError
from samhandling.location import Location


class MarkedDict(dict[str, Any]):
    location: Location
    key_locations: dict[str, Location]

    def loc(self, key: str | None = None) -> Location:
        if key is not None and key in self.key_locations:
            return self.key_locations[key]
        return self.location


class MarkedList(list[Any]):
    location: Location
    item_locations: list[Location]

    def loc(self, index: int | None = None) -> Location:
        if index is not None and 0 <= index < len(self.item_locations):
            return self.item_locations[index]
        return self.location


class _Loader(yaml.SafeLoader):
    filename: str = "<tekst>"


# Rebuild the implicit resolvers: drop YAML 1.1 bool/int/float forms we do not want.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in {
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:timestamp",
    }]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp", re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), list("0123456789")
)


def _mark_location(loader: _Loader, node: yaml.Node) -> Location:
    mark = node.start_mark
    return Location(loader.filename, mark.line + 1, mark.column + 1)


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> dt.date:
    value = loader.construct_scalar(node)
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise SchemaError(
            f"«{value}» ser ut som en dato, men er ikke en gyldig dato (forventet ÅÅÅÅ-MM-DD)",
            location=_mark_location(loader, node),
        ) from None


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Iterator[MarkedDict]:
    result = MarkedDict()
    result.location = _mark_location(loader, node)
    result.key_locations = {}
    yield result
    own = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)  # YAML merge keys (<<: *anchor) for shared templates
    merged = len(node.value) - own  # flatten_mapping puts merged pairs first; own keys override them
    from_merge: set[str] = set()
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        where = _mark_location(loader, key_node)
        if not isinstance(key, str):
            if isinstance(key, (int, float, dt.date)) and not isinstance(key, bool):
                key = str(key_node.value)
            else:
                raise SchemaError(f"nøkkelen {key!r} må være tekst", location=where)
        if index < merged:
            if key in result:
                continue
            from_merge.add(key)
        elif key in from_merge:
            from_merge.discard(key)
        elif key in result:
            first = result.key_locations[key]
            raise SchemaError(
                f"nøkkelen «{key}» står to ganger (første gang på linje {first.line}); "
                "ingenting overskrives i stillhet",
                code="duplicate-key",
                location=where,
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_locations[key] = where


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Iterator[MarkedList]:
    result = MarkedList()
    result.location = _mark_location(loader, node)
    result.item_locations = [_mark_location(loader, child) for child in node.value]
    yield result
    result.extend(loader.construct_object(child, deep=True) for child in node.value)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _first_line(text: str) -> str:
    return " ".join(text.split())


def _reader_error(exc: yaml.reader.ReaderError, text: str, filename: str) -> YamlSyntaxError:
    position = max(0, min(exc.position, len(text)))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return YamlSyntaxError(
        f"ugyldig YAML: tegnet U+{char:04X} er ikke tillatt i en YAML-fil", location=Location(filename, line, column)
    )


def parse_yaml(text: str, filename: str = "<tekst>") -> Any:
    """Parse YAML text into marked Python values, raising only :class:`LoadError`s."""
    try:
        loader = _Loader(text)  # the reader refuses control characters here, before parsing
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, filename) from None
    loader.filename = filename
    try:
        return loader.get_single_data()
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, filename) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(filename, mark.line + 1, mark.column + 1) if mark else Location(filename)
        problem = _first_line(exc.problem or exc.context or "ugyldig YAML")
        raise YamlSyntaxError(f"ugyldig YAML: {problem}", location=where) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"ugyldig YAML: {_first_line(str(exc))}", location=Location(filename)) from None
    except RecursionError:
        raise YamlSyntaxError("ugyldig YAML: for dypt nøstet", location=Location(filename)) from None
    finally:
        loader.dispose()


def read_yaml(path: str | Path, filename: str | None = None) -> Any:
    """Read and parse a YAML file; unreadable files raise :class:`LoadError`.

    ``filename`` is the name messages use for the file (default: the path as given).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LoadError(f"fant ikke filen {path}", code="file-not-found", location=Location(str(path))) from None
    except OSError as exc:
        raise LoadError(f"kan ikke lese filen: {exc.strerror}", location=Location(str(path))) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"filen er ikke gyldig UTF-8 (byte {exc.start})", code="encoding", location=Location(str(path))
        ) from None
    return parse_yaml(text, filename or str(path))
