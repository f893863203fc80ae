"""Validating an export against the vendored Fiks Arkiv V1 schemas (``schemas/``, see its README).

``xmlschema`` (pure Python) is an optional extra (``pip install 'samhandling[archive]'``), imported only here and
only when a document is validated; a compiled schema is kept for the life of the process.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from samhandling.errors import MissingExtraError, SamhandlingError

SCHEMA_DIR = Path(__file__).with_name("schemas")
ARKIVMELDING_XSD = SCHEMA_DIR / "arkivmelding" / "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd"
ARKIVSTRUKTUR_XSD = SCHEMA_DIR / "arkivstruktur" / "arkivstruktur.xsd"
SCHEMAS = {"arkivmelding": ARKIVMELDING_XSD, "arkivstruktur": ARKIVSTRUKTUR_XSD}

MAX_REASONS = 10


class ArchiveValidationError(SamhandlingError):
    """A document that does not satisfy the Fiks Arkiv schema; ``details["reasons"]`` lists every finding."""

    code = "archive-invalid"


def _xmlschema() -> Any:
    try:
        import xmlschema
    except ImportError:
        raise MissingExtraError.for_module("xmlschema", "archive") from None
    return xmlschema


@functools.cache
def schema(kind: str) -> Any:
    """The compiled schema ``kind`` (``arkivmelding`` or ``arkivstruktur``)."""
    try:
        path = SCHEMAS[kind]
    except KeyError:
        raise SamhandlingError(f"ukjent skjema «{kind}»; kjente: {', '.join(SCHEMAS)}", code="unknown-schema") from None
    return _xmlschema().XMLSchema(str(path))


_NAME = r"'(?:\{[^}]*\})?([^']+)'"
_NORWEGIAN: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(rf"Unexpected child with tag {_NAME} at position (\d+)\. Tag {_NAME} expected\."),
     lambda m: f"elementet «{m[3]}» mangler eller står feil: fant «{m[1]}» (barn nr. {m[2]}), forventet «{m[3]}»"),
    (re.compile(rf"Unexpected child with tag {_NAME} at position (\d+)\."),
     lambda m: f"uventet element «{m[1]}» (barn nr. {m[2]})"),
    (re.compile(rf"The content of element {_NAME} is not complete\. Tag {_NAME} expected\."),
     lambda m: f"elementet «{m[1]}» er ufullstendig: mangler «{m[2]}»"),
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


def validation_errors(document: bytes | str, kind: str) -> list[str]:
    """Every way ``document`` breaks the schema ``kind``, one line each (empty when valid)."""
    xmlschema = _xmlschema()
    text = document.decode("utf-8") if isinstance(document, bytes) else document
    try:
        return [_reason(e) for e in schema(kind).iter_errors(text)]
    except xmlschema.XMLSchemaException as exc:  # not even well-formed XML
        return [f"ikke gyldig XML: {str(exc).splitlines()[0]}"]
    except Exception as exc:  # ElementTree.ParseError and friends
        return [f"ikke gyldig XML: {exc}"]


def validate(document: bytes | str, kind: str, *, name: str = "dokumentet") -> None:
    """Raise :class:`ArchiveValidationError` (Norwegian, naming the schema and each finding) unless valid."""
    reasons = validation_errors(document, kind)
    if not reasons:
        return
    shown = "; ".join(reasons[:MAX_REASONS]) + (f"; og {len(reasons) - MAX_REASONS} til" if len(reasons) > MAX_REASONS
                                                else "")
    raise ArchiveValidationError(
        f"{name} følger ikke Fiks Arkiv-skjemaet {SCHEMAS[kind].name}: {shown}",
        details={"schema": SCHEMAS[kind].name, "reasons": reasons},
    )
