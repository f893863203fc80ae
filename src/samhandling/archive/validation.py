"""Validating an export: samhandling's structural checks always, the official Fiks Arkiv V1 schemas when the user
provides them.

samhandling ships no schema files. The official validation reads them from a folder the user names with
``--xsd DIR`` (CLI) or the environment variable ``SAMHANDLING_ARKIV_XSD=DIR``: a copy of the folder ``Schema/V1``
of KS's repository https://github.com/ks-no/fiks-arkiv-specification (or the repository itself: when
``DIR/Schema/V1`` exists it is used). The files looked up, relative to that folder, are :data:`SCHEMA_FILES`
(``no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd`` for a case, ``arkivstruktur.xsd`` for a meeting)
and the ``metadatakatalog.xsd`` both import (:data:`IMPORTED_FILES`).

``xmlschema`` (pure Python) is an optional extra (``pip install 'samhandling[archive]'``), imported only here and
only when a document is validated against a schema; a compiled schema is kept for the life of the process.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from samhandling.archive.rules import structural_errors
from samhandling.errors import MissingExtraError, SamhandlingError, UsageError

ENV_VAR = "SAMHANDLING_ARKIV_XSD"
REPOSITORY = "https://github.com/ks-no/fiks-arkiv-specification"
SCHEMA_FILES: Mapping[str, str] = {
    "arkivmelding": "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd",
    "arkivstruktur": "arkivstruktur.xsd",
}
"""The official schema of each kind of document, relative to the schema folder."""
IMPORTED_FILES = ("metadatakatalog.xsd",)
"""Files the schemas import from the same folder."""

MAX_REASONS = 10

HOW_TO_ENABLE = (
    f"hent skjemaene med «git clone {REPOSITORY}» og oppgi mappen Schema/V1 med --xsd MAPPE eller {ENV_VAR}=MAPPE"
)


class ArchiveValidationError(SamhandlingError):
    """A document that breaks the structural rules or the official schema; ``details["reasons"]`` lists every
    finding, ``details["check"]`` is ``struktur`` or ``skjema``."""

    code = "archive-invalid"


class SchemaDirError(UsageError):
    """The official schemas are required but not configured, or the folder lacks a file or does not compile
    (a usage error: exit 2 in the CLI)."""

    code = "archive-xsd"


def _xmlschema() -> Any:
    try:
        import xmlschema
    except ImportError:
        raise MissingExtraError.for_module("xmlschema", "archive") from None
    return xmlschema


def schema_dir(given: str | os.PathLike[str] | None = None, *, required: bool = False) -> Path | None:
    """The folder of the official schemas: ``given`` (``--xsd``), else ``$SAMHANDLING_ARKIV_XSD``, else None.

    A folder that does not exist is refused (:class:`SchemaDirError`), as is none at all when ``required``.
    ``DIR/Schema/V1`` is used when it exists (``DIR`` is then a checkout of the repository).
    """
    source = "--xsd"
    if given is None or not str(given).strip():
        given, source = os.environ.get(ENV_VAR, "").strip() or None, ENV_VAR
    if given is None:
        if required:
            raise SchemaDirError(
                "den offisielle skjemavalideringen er påkrevd, men ingen skjemamappe er oppgitt: " + HOW_TO_ENABLE,
                code="archive-xsd-missing",
            )
        return None
    folder = Path(given).expanduser()
    if not folder.is_dir():
        raise SchemaDirError(
            f"{source}: «{folder}» er ikke en mappe; {HOW_TO_ENABLE}",
            code="archive-xsd-missing",
            details={"folder": str(folder)},
        )
    nested = folder / "Schema" / "V1"
    return nested if nested.is_dir() else folder


def schema_file(kind: str, folder: Path) -> Path:
    """The official schema file of ``kind`` in ``folder``; refuses a folder that lacks it or a file it imports."""
    try:
        name = SCHEMA_FILES[kind]
    except KeyError:
        raise SamhandlingError(
            f"ukjent skjema «{kind}»; kjente: {', '.join(SCHEMA_FILES)}", code="unknown-schema"
        ) from None
    for needed in (name, *IMPORTED_FILES):
        if not (folder / needed).is_file():
            raise SchemaDirError(
                f"skjemamappen {folder} mangler filen {needed} (forventet Schema/V1 fra {REPOSITORY})",
                code="archive-xsd-missing",
                details={"folder": str(folder), "file": needed},
            )
    return folder / name


@functools.cache
def _compiled(path: Path) -> Any:
    xmlschema = _xmlschema()
    try:
        return xmlschema.XMLSchema(str(path))
    except (xmlschema.XMLSchemaException, OSError, SyntaxError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SchemaDirError(
            f"skjemaet {path} kan ikke leses: {first} (er alle filene i mappen fra samme versjon av {REPOSITORY}?)",
            code="archive-xsd-invalid",
            details={"file": str(path)},
        ) from None


def schema(kind: str, folder: str | os.PathLike[str] | None = None) -> Any:
    """The compiled official schema ``kind`` (``arkivmelding`` or ``arkivstruktur``) from ``folder`` (default:
    ``$SAMHANDLING_ARKIV_XSD``; refused when neither is given)."""
    found = schema_dir(folder, required=True)
    assert found is not None
    return _compiled(schema_file(kind, found).resolve())


def clear_cache() -> None:
    """Forget the compiled schemas (after the files in a schema folder changed)."""
    _compiled.cache_clear()


_NAME = r"'(?:\{[^}]*\})?([^']+)'"
_NORWEGIAN: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(rf"Unexpected child with tag {_NAME} at position (\d+)\. Tag {_NAME} expected\."),
        lambda m: f"elementet «{m[3]}» mangler eller står feil: fant «{m[1]}» (barn nr. {m[2]}), forventet «{m[3]}»",
    ),
    (
        re.compile(rf"Unexpected child with tag {_NAME} at position (\d+)\."),
        lambda m: f"uventet element «{m[1]}» (barn nr. {m[2]})",
    ),
    (
        re.compile(rf"The content of element {_NAME} is not complete\. Tag {_NAME} expected\."),
        lambda m: f"elementet «{m[1]}» er ufullstendig: mangler «{m[2]}»",
    ),
    (re.compile(r"Invalid datetime string '([^']*)'"), lambda m: f"«{m[1]}» er ikke en gyldig dato eller tid"),
    (re.compile(rf"{_NAME} is not an element of the schema"), lambda m: f"«{m[1]}» er ikke et element i skjemaet"),
)


def norwegian_reason(reason: str) -> str:
    """xmlschema's English reason in Norwegian, for the patterns an export can produce (else unchanged)."""
    for pattern, render in _NORWEGIAN:
        found = pattern.search(reason)
        if found:
            return render(found)
    return reason


def _reason(error: Any) -> str:
    path = getattr(error, "path", None) or "/"
    reason = getattr(error, "reason", None) or str(error).splitlines()[0]
    return f"i {path}: {norwegian_reason(reason)}"


def validation_errors(document: bytes | str, kind: str, folder: str | os.PathLike[str] | None = None) -> list[str]:
    """Every way ``document`` breaks the official schema ``kind``, one line each (empty when valid)."""
    compiled = schema(kind, folder)
    xmlschema = _xmlschema()
    text = document.decode("utf-8") if isinstance(document, bytes) else document
    try:
        return [_reason(e) for e in compiled.iter_errors(text)]
    except xmlschema.XMLSchemaException as exc:  # not even well-formed XML
        return [f"ikke gyldig XML: {str(exc).splitlines()[0]}"]
    except Exception as exc:  # ElementTree.ParseError and friends
        return [f"ikke gyldig XML: {exc}"]


def _refuse(reasons: list[str], name: str, what: str, check: str, **details: Any) -> None:
    if not reasons:
        return
    shown = "; ".join(reasons[:MAX_REASONS]) + (
        f"; og {len(reasons) - MAX_REASONS} til" if len(reasons) > MAX_REASONS else ""
    )
    raise ArchiveValidationError(f"{name} {what}: {shown}", details={"check": check, "reasons": reasons, **details})


def check_structure(document: bytes | str, kind: str, *, name: str = "dokumentet") -> None:
    """Raise :class:`ArchiveValidationError` (Norwegian, naming each element) unless ``document`` keeps
    samhandling's structural rules (:mod:`samhandling.archive.rules`)."""
    _refuse(structural_errors(document, kind), name, "følger ikke Noark 5-reglene samhandling kontrollerer", "struktur")


def validate(
    document: bytes | str, kind: str, *, name: str = "dokumentet", folder: str | os.PathLike[str] | None = None
) -> None:
    """Raise :class:`ArchiveValidationError` (Norwegian, naming the schema and each finding) unless ``document``
    is valid against the official schema ``kind`` in ``folder`` (default ``$SAMHANDLING_ARKIV_XSD``)."""
    reasons = validation_errors(document, kind, folder)
    _refuse(reasons, name, f"følger ikke Fiks Arkiv-skjemaet {SCHEMA_FILES[kind]}", "skjema", schema=SCHEMA_FILES[kind])


def check_documents(
    documents: Iterable[tuple[str, str, bytes | str]],
    *,
    folder: str | os.PathLike[str] | None = None,
    require_schema: bool = False,
) -> Path | None:
    """Check each ``(name, kind, xml)``: the structural rules always, then the official schemas when a schema
    folder is given or configured (``require_schema``: refuse when none is). Returns the schema folder used, or
    None when the official validation was not run. Raises on the first document that fails."""
    listed = list(documents)
    found = schema_dir(folder, required=require_schema)
    for name, kind, xml in listed:
        check_structure(xml, kind, name=name)
    if found is not None:
        for name, kind, xml in listed:
            validate(xml, kind, name=name, folder=found)
    return found
