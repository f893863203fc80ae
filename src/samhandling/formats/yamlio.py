"""Safe YAML reading that remembers where every value came from.

* Only ``true``/``false`` are booleans: YAML 1.1's ``yes/no/on/off`` (and the
  Norway problem, ``NO``) stay strings, so names are never turned into booleans.
* Integers are plain decimal only (no sexagesimal ``1:20`` or octal ``010``).
* ISO dates (``2024-02-14``) become :class:`datetime.date`.
* Duplicate keys are an error, never a silent overwrite.
* Mappings and sequences come back as :class:`MarkedDict` / :class:`MarkedList`,
  which know the :class:`~samhandling.location.Location` of themselves and of each
  key or item, so that every later message can name the file and line.
* Limits (docs/format.md, "Grenser"): a file of at most :data:`MAX_FILE_BYTES`, read
  without ever reading more than one byte past the limit (so ``/dev/zero`` or a FIFO
  cannot hang a load); only regular files; nesting at most :data:`MAX_DEPTH` levels;
  aliases (``*anchor``) that expand to at most :data:`MAX_ALIAS_NODES` nodes or
  :data:`ALIAS_FACTOR` times the document's own node count, whichever is larger (an
  "alias bomb" of 500 bytes would otherwise expand to millions of values), and no
  alias inside its own anchor. Each is a :class:`~samhandling.errors.LimitError`.

Parsing uses libyaml (PyYAML's C parser, ``yaml.CSafeLoader``) where it is installed,
with the same resolvers and marked constructors, so line marks are kept; the pure-Python
parser is the fallback and gives the messages for invalid YAML.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from samhandling.errors import (
    AliasExpansionError,
    FileTooLargeError,
    LoadError,
    NestingTooDeepError,
    NotAFileError,
    SchemaError,
    YamlSyntaxError,
)
from samhandling.location import Location

MAX_FILE_BYTES = 5 * 1024 * 1024
"""The largest structure or process file (and YAML text) read, in bytes (text: characters)."""
MAX_DEPTH = 100
"""The deepest nesting of mappings and sequences in a YAML document."""
MAX_ALIAS_NODES = 10_000
"""Aliases may expand a document to this many nodes, or to :data:`ALIAS_FACTOR` times its own nodes if more."""
ALIAS_FACTOR = 10


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


class PlainDigits(str):
    """An unquoted scalar of digits with a leading zero (``0301``): text, but remembered as unquoted.

    YAML 1.1 loaders read such a scalar as an (octal) number; samhandling keeps it as text, and the
    loader refuses it where a code must be quoted (``kommunenummer``).
    """

    __slots__ = ()


class _Loader(yaml.SafeLoader):
    filename: str = "<tekst>"
    _depth: int = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        # The pure composer recurses once per level: bound the depth before it can run out of stack.
        if not self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent):
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                _too_deep(self.filename, self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# Rebuild the implicit resolvers: drop YAML 1.1 bool/int/float forms we do not want.
_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag
        not in {
            "tag:yaml.org,2002:bool",
            "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:timestamp",
        }
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp", re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), list("0123456789")
)
PLAIN_DIGITS_TAG = "tag:samhandling,2024:plain-digits"
_Loader.add_implicit_resolver(PLAIN_DIGITS_TAG, re.compile(r"^0[0-9]+$"), list("0"))


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


def _construct_plain_digits(loader: _Loader, node: yaml.ScalarNode) -> PlainDigits:
    return PlainDigits(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor(PLAIN_DIGITS_TAG, _construct_plain_digits)

_CLoader: Any = None
if getattr(yaml, "__with_libyaml__", False):

    class _FastLoader(yaml.CSafeLoader):
        """libyaml's parser with :class:`_Loader`'s resolvers and constructors (nodes keep their marks)."""

        filename: str = "<tekst>"

    _FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _FastLoader.yaml_constructors = _Loader.yaml_constructors
    _CLoader = _FastLoader

USE_LIBYAML = _CLoader is not None
"""Whether :func:`parse_yaml` parses with libyaml (tests switch it off to check the pure path)."""


# ---------------------------------------------------------------------------- limits


def _too_deep(filename: str, mark: Any) -> None:
    where = Location(filename, mark.line + 1, mark.column + 1) if mark is not None else Location(filename)
    raise NestingTooDeepError(
        f"YAML-dokumentet er nøstet dypere enn {MAX_DEPTH} nivåer (lister og tabeller inni hverandre); "
        "del opp strukturen",
        location=where,
        details={"limit": MAX_DEPTH},
    )


_DEPTH_STEP: dict[type, int] = {
    yaml.MappingStartEvent: 1,
    yaml.SequenceStartEvent: 1,
    yaml.MappingEndEvent: -1,
    yaml.SequenceEndEvent: -1,
}


def _check_depth_events(loader: Any, filename: str) -> bool:
    """Walk libyaml's events once (cheap, no nodes) and refuse nesting deeper than :data:`MAX_DEPTH`.

    Returns whether the document uses aliases at all (without them nothing can expand).
    """
    depth = 0
    aliases = False
    step = _DEPTH_STEP.get
    while True:
        event = loader.get_event()
        delta = step(type(event))
        if delta is not None:
            depth += delta
            if depth > MAX_DEPTH:
                _too_deep(filename, event.start_mark)
        elif type(event) is yaml.AliasEvent:
            aliases = True
        elif type(event) is yaml.StreamEndEvent:
            return aliases


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def check_aliases(root: yaml.Node, filename: str) -> None:
    """Refuse a node graph whose aliases expand past the limit, or that contains itself.

    Counts, without expanding anything, how many nodes the document would have if every
    alias were written out (each distinct node is visited once; iterative, no recursion), and
    how deep it would nest: a chain of anchors each reusing the one before (``<<: *previous``)
    nests through aliases where the text does not, and the merge of such a chain recurses.
    """
    expanded: dict[int, int] = {}
    depth: dict[int, int] = {}
    own = 0
    shared: dict[int, yaml.Node] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    cap = 1 << 62
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            children = _children(node)
            expanded[key] = min(cap, 1 + sum(expanded[id(c)] for c in children))
            if isinstance(node, yaml.CollectionNode):
                depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
                if depth[key] > MAX_DEPTH:
                    mark = node.start_mark
                    raise NestingTooDeepError(
                        f"YAML-aliasene (*navn) nøster dokumentet dypere enn {MAX_DEPTH} nivåer "
                        f"(lister og tabeller inni hverandre, også gjennom gjenbrukte verdier); del opp strukturen",
                        location=Location(filename, mark.line + 1, mark.column + 1),
                        details={"limit": MAX_DEPTH},
                    )
            else:
                depth[key] = 0
            continue
        if key in expanded:
            shared[key] = node
            continue
        if key in open_nodes:
            mark = node.start_mark
            raise AliasExpansionError(
                "et YAML-alias (*navn) viser til tabellen eller lista det selv står i, så verdien blir uendelig",
                location=Location(filename, mark.line + 1, mark.column + 1),
                details={"limit": "recursive-alias"},
            )
        own += 1
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node))
    total = expanded[id(root)]
    limit = max(MAX_ALIAS_NODES, ALIAS_FACTOR * own)
    if total > limit:
        worst = max(shared.values(), key=lambda n: expanded[id(n)], default=root)
        mark = worst.start_mark
        raise AliasExpansionError(
            f"YAML-aliasene (*navn) blåser dokumentet opp fra {own} til {total} verdier; grensen er {limit} "
            f"(det største gjenbrukte innholdet står på linje {mark.line + 1}); skriv verdiene ut, "
            "eller gjenbruk mindre",
            location=Location(filename, mark.line + 1, mark.column + 1),
            details={"limit": limit, "found": total, "own": own},
        )


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


def _too_large(filename: str, size: int | None, unit: str) -> FileTooLargeError:
    found = f" ({size} {unit})" if size is not None else ""
    return FileTooLargeError(
        f"filen er større enn grensen på {MAX_FILE_BYTES // (1024 * 1024)} MB{found}; "
        "en struktur- eller prosessfil er vanligvis under 100 kB",
        location=Location(filename),
        details={"limit": MAX_FILE_BYTES, "found": size},
    )


def _parse_fast(text: str, filename: str) -> Any:
    """libyaml: a depth check over the events, then compose, check the aliases, construct."""
    scan = _CLoader(text)
    try:
        aliases = _check_depth_events(scan, filename)
    finally:
        scan.dispose()
    loader = _CLoader(text)
    loader.filename = filename
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if aliases:
            check_aliases(node, filename)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _parse_pure(text: str, filename: str) -> Any:
    try:
        loader = _Loader(text)  # the reader refuses control characters here, before parsing
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, filename) from None
    loader.filename = filename
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_aliases(node, filename)
        return loader.construct_document(node)
    finally:
        loader.dispose()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a document is read (and back on after, if it was on).

    Reading creates tens of thousands of small containers, none of them in a reference cycle; with the
    collector on, its full passes make a large document cost more than linear time (a 3 000-body chain
    took 4x longer). The limits above bound what one document can allocate meanwhile.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_yaml(text: str, filename: str = "<tekst>") -> Any:
    """Parse YAML text into marked Python values, raising only :class:`LoadError`s."""
    if len(text) > MAX_FILE_BYTES:
        raise _too_large(filename, len(text), "tegn")
    with gc_paused():
        return _parse(text, filename)


def _parse(text: str, filename: str) -> Any:
    try:
        if USE_LIBYAML:
            try:
                return _parse_fast(text, filename)
            except yaml.YAMLError:
                pass  # the pure parser below gives the message (and decides the rare cases libyaml refuses)
        return _parse_pure(text, filename)
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


def read_bounded(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; never reads more than ``limit + 1``.

    Directories, devices (``/dev/zero``), FIFOs and sockets are refused at once (the file is opened
    without blocking and checked with ``fstat`` before anything is read).
    """
    path = Path(path)
    shown = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise LoadError(f"fant ikke filen {path}", code="file-not-found", location=Location(shown)) from None
    except IsADirectoryError:
        raise NotAFileError(
            f"{path} er en mappe, ikke en YAML-fil", location=Location(shown), details={"limit": "regular-file"}
        ) from None
    except OSError as exc:
        raise LoadError(f"kan ikke lese filen: {exc.strerror}", location=Location(shown)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise NotAFileError(
                f"{path} er en mappe, ikke en YAML-fil", location=Location(shown), details={"limit": "regular-file"}
            )
        if not stat.S_ISREG(info.st_mode):
            raise NotAFileError(
                f"{path} er ikke en vanlig fil (men en enhet, en FIFO eller en socket); "
                "samhandling leser bare vanlige YAML-filer",
                location=Location(shown),
                details={"limit": "regular-file"},
            )
        if info.st_size > limit:
            raise _too_large(shown, info.st_size, "byte")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise _too_large(shown, None, "byte")
        return b"".join(chunks)
    except OSError as exc:
        raise LoadError(f"kan ikke lese filen: {exc.strerror}", location=Location(shown)) from None
    finally:
        os.close(fd)


def read_yaml(path: str | Path, filename: str | None = None) -> Any:
    """Read and parse a YAML file; unreadable files raise :class:`LoadError`.

    ``filename`` is the name messages use for the file (default: the path as given).
    """
    raw = read_bounded(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"filen er ikke gyldig UTF-8 (byte {exc.start})", code="encoding", location=Location(str(path))
        ) from None
    return parse_yaml(text, filename or str(path))
