"""Structural checks of an export, run always (with or without the official schemas).

These are samhandling's own rules, written from the documented obligations of Noark 5 and Fiks Arkiv as this
module understands them (not taken from the schema files): the root element and its namespace, the elements a
record must have (a title for every folder and registration; for a saksmappe its date and status; for a
journalpost its type, status, date and the folder it belongs to; for a meeting folder its number, body and date;
for a meeting registration its type, its unit and its officer), no empty element, coded elements with a code from
the standard's list (:mod:`samhandling.archive.codes`), dates and timestamps in ISO 8601, years and sequence
numbers as numbers. They do not check the order of elements or every optional element's type: that is what the
official schema validation adds (:mod:`samhandling.archive.validation`).

:func:`structural_errors` returns one Norwegian line per finding, in the style of the schema validation
(``i /arkivmelding/mappe: elementet «tittel» mangler``).
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping

from samhandling.archive.codes import CODE_LISTS
from samhandling.archive.export import AM, AS, MDK, XSI

__all__ = ["KINDS", "structural_errors"]

KINDS: Mapping[str, tuple[str, str]] = {"arkivmelding": (AM, "arkivmelding"), "arkivstruktur": (AS, "arkiv")}
"""Each kind of document: the namespace and local name of its root element."""

CODED: Mapping[str, str] = {
    "saksstatus": "saksstatus",
    "journalposttype": "journalposttype",
    "journalstatus": "journalstatus",
    "moeteregistreringstype": "moeteregistreringstype",
    "moetesakstype": "moetesakstype",
    "moetedeltakerFunksjon": "moetedeltakerfunksjon",
    "arkivdelstatus": "arkivdelstatus",
}
"""Coded elements (``<kode>``/``<beskrivelse>``) and the code list each takes its value from."""

DATES = frozenset({"saksdato", "journaldato", "dokumentetsDato", "moetedato"})
TIMESTAMPS = frozenset({"opprettetDato", "avsluttetDato", "arkivertDato"})
YEARS = frozenset({"saksaar", "journalaar"})
COUNTS = frozenset({"antallFiler", "journalpostnummer"})

FOLDER_TYPES = frozenset({"mappe", "saksmappe", "moetemappe"})
REGISTRATION_TYPES = frozenset({"registrering", "journalpost", "moeteregistrering"})

REQUIRED: Mapping[str, tuple[str, ...]] = {
    "mappe": ("tittel",),
    "saksmappe": ("tittel", "saksdato", "saksstatus"),
    "moetemappe": ("tittel", "moetenummer", "utvalg", "moetedato"),
    "registrering": ("tittel",),
    "journalpost": ("tittel", "journalposttype", "journalstatus", "journaldato"),
    "moeteregistrering": ("tittel", "moeteregistreringstype", "administrativEnhet", "saksbehandler"),
    "arkiv": ("tittel",),
    "arkivdel": ("tittel", "arkivdelstatus"),
    "arkivmelding": ("system", "antallFiler"),
}
"""The children each record must have (by its ``xsi:type``, else its element name)."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _kind_of(node: ET.Element) -> str:
    declared = node.get(f"{{{XSI}}}type")
    return _local(declared.rsplit(":", 1)[-1]) if declared else _local(node.tag)


def _is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_timestamp(text: str) -> bool:
    if not _TIMESTAMP.fullmatch(text):
        return False
    try:
        dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _value_errors(name: str, text: str) -> str | None:
    checks: tuple[tuple[frozenset[str], Callable[[str], bool], str], ...] = (
        (DATES, _is_date, "en dato (ÅÅÅÅ-MM-DD)"),
        (TIMESTAMPS, _is_timestamp, "et tidspunkt (ÅÅÅÅ-MM-DDTtt:mm:ss)"),
        (YEARS, lambda t: t.isdigit() and len(t) == 4, "et årstall (ÅÅÅÅ)"),
        (COUNTS, lambda t: t.isdigit(), "et ikke-negativt heltall"),
    )
    for names, valid, expected in checks:
        if name in names and not valid(text):
            return f"«{text}» i «{name}» er ikke {expected}"
    return None


class _Checker:
    def __init__(self) -> None:
        self.reasons: list[str] = []

    def add(self, path: str, reason: str) -> None:
        self.reasons.append(f"i {path}: {reason}")

    def node(self, node: ET.Element, path: str, parent_kind: str | None) -> None:
        name = _local(node.tag)
        kind = _kind_of(node)
        children = list(node)
        if name in CODED:
            self.coded(node, path, CODED[name])
            return
        if name in ("mappe", "registrering"):
            allowed = FOLDER_TYPES if name == "mappe" else REGISTRATION_TYPES
            if kind not in allowed:
                self.add(path, f"«{kind}» er ikke en kjent type {name} (kjente: {', '.join(sorted(allowed))})")
        if not children:
            text = (node.text or "").strip()
            if not text:
                self.add(path, f"elementet «{name}» er tomt")
            else:
                wrong = _value_errors(name, text)
                if wrong:
                    self.add(path, wrong)
            return
        present = {_local(child.tag) for child in children}
        for required in REQUIRED.get(kind, ()):
            if required not in present:
                self.add(path, f"elementet «{required}» mangler")
        if kind == "journalpost" and parent_kind == "arkivmelding" and "referanseForelderMappe" not in present:
            self.add(
                path,
                "elementet «referanseForelderMappe» mangler (en journalpost alene i en melding må "
                "vise til mappen den hører til)",
            )
        for child in children:
            self.node(child, f"{path}/{_local(child.tag)}", kind)

    def coded(self, node: ET.Element, path: str, list_name: str) -> None:
        found = node.find(f"{{{MDK}}}kode")
        value = "" if found is None else (found.text or "").strip()
        if not value:
            self.add(path, f"elementet «{_local(node.tag)}» mangler «kode»")
            return
        entries = CODE_LISTS[list_name]
        if value not in entries:
            self.add(path, f"«{value}» er ikke en kode i kodelisten {list_name} (gyldige: " + ", ".join(entries) + ")")


def structural_errors(document: bytes | str, kind: str) -> list[str]:
    """Every way ``document`` (of ``kind``: ``arkivmelding`` or ``arkivstruktur``) breaks the structural rules,
    one Norwegian line each (empty when it keeps them)."""
    namespace, root_name = KINDS[kind]
    try:
        root = ET.fromstring(document)
    except ET.ParseError as exc:
        return [f"ikke gyldig XML: {exc}"]
    if root.tag != f"{{{namespace}}}{root_name}":
        return [f"i /: rotelementet er «{_local(root.tag)}», forventet «{root_name}» i navnerommet {namespace}"]
    checker = _Checker()
    checker.node(root, f"/{root_name}", None)
    if kind == "arkivmelding":
        bodies = [_local(child.tag) for child in root if _local(child.tag) in ("mappe", "registrering")]
        if len(bodies) != 1:
            checker.add(
                f"/{root_name}", f"en melding skal ha nøyaktig én «mappe» eller én «registrering», fant {len(bodies)}"
            )
    elif root.find(f"{{{AS}}}arkivdel") is None:
        checker.add(f"/{root_name}", "elementet «arkivdel» mangler")
    return checker.reasons
