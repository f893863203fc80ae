"""Noark 5 exports of a case and of a meeting, built with :mod:`xml.etree.ElementTree`.

**A case** becomes Fiks Arkiv create messages (``arkivmelding``, schema
``no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett``). In that V1 message a document holds *either* one
``mappe`` *or* one ``registrering``, so a case is a numbered series of messages, sent in order:

1. the case as a ``saksmappe``: title, the process in ``beskrivelse``, ``saksdato`` (the date the case was opened),
   ``saksstatus`` B «Under behandling» or, once the case is final, A «Avsluttet» (with ``avsluttetDato``),
   ``saksansvarlig`` the body that acted last (the body that holds the case, or that closed it),
   ``administrativEnhet`` the health community (the structure), and ``referanseEksternNoekkel``
   ``{fagsystem: samhandling, noekkel: case id}``;
2. one ``journalpost`` per recorded act after the opening (corrections applied, the correction events themselves
   not archived), each of type X «Organinternt dokument uten oppfølging» with status J «Journalført»: title
   «act label – body», the decision data in ``beskrivelse``, ``journaldato`` the act's effective date, placed in
   the saksmappe by ``referanseForelderMappe`` → the case's external key, and with its own external key
   ``case id/event number``.

**A meeting** becomes one Noark 5 ``arkiv`` document (schema ``arkivstruktur``): an ``arkivdel`` «Møtebok for
BODY» holding one ``moetemappe`` (``moetenummer``, ``utvalg`` = the body, ``moetedato``, ``moetested``,
``moetedeltaker`` with the chair as M «Møteleder» and the secretary as R «Referent») with one
``moeteregistrering`` per agenda item: SP «Saksprotokoll» when the item has a decision (the vedtak in
``beskrivelse``), else SF «Saksframlegg»; ``moetesakstype`` from the item (default AN «Annet»); the item's case
number («Sak 01/24») as ``registreringsID``; ``administrativEnhet`` the body; ``saksbehandler`` the secretary (or
the body). The V1 create message versions checked had no meeting types that validate (see ``docs/archive.md``).

System ids are UUID 5 values derived from the case or meeting, so an export of the same records is the same
document; timestamps come from the events (``recorded_at``) or from :mod:`samhandling.clock`.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from samhandling import clock
from samhandling.archive.codes import code
from samhandling.errors import SamhandlingError

if TYPE_CHECKING:
    from samhandling.archive.meeting import MeetingLike
    from samhandling.process.case import Case, Event
    from samhandling.structure.graph import Structure

AM = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1"
AS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivstruktur/v1"
MDK = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

SYSTEM = "samhandling"
ID_NAMESPACE = uuid.UUID("3f0c6a52-5d0e-5b0c-9d8e-6e0a7d1c2b41")  # fixed: the same record gives the same systemID

__all__ = ["ArchiveMessage", "case_messages", "meeting_document"]


@attrs.frozen
class ArchiveMessage:
    """One XML document of an export: ``name`` (a file name), ``schema`` (``arkivmelding``/``arkivstruktur``)."""

    name: str
    schema: str
    xml: bytes


# ---------------------------------------------------------------------------------------------- helpers


def _system_id(*parts: object) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(str(p) for p in parts)))


def _el(parent: ET.Element, ns: str, tag: str, text: str | None = None) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        node.text = _xml_chars(text)
    return node


def _xml_chars(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (control characters, surrogates, U+FFFE/U+FFFF)."""
    return "".join(
        ch
        for ch in text
        if ch in "\t\n\r" or (0x20 <= ord(ch) < 0xD800) or (0xE000 <= ord(ch) < 0xFFFE) or ord(ch) > 0xFFFF
    )


def _kode(parent: ET.Element, ns: str, tag: str, list_name: str, value: str) -> ET.Element:
    """A coded element (``<tag><kode/><beskrivelse/></tag>``) from the standard's code list."""
    value, description = code(list_name, value)
    node = _el(parent, ns, tag)
    _el(node, MDK, "kode", value)
    _el(node, MDK, "beskrivelse", description)
    return node


def _key(parent: ET.Element, ns: str, tag: str, key: str, inner: str = MDK) -> ET.Element:
    """An external key ``{fagsystem: samhandling, noekkel: key}``."""
    node = _el(parent, ns, tag)
    _el(node, inner, "fagsystem", SYSTEM)
    _el(node, inner, "noekkel", _clean(key))
    return node


def _timestamp(recorded_at: str | None, on: dt.date) -> str:
    """An xs:dateTime for an event: its recording instant (UTC), else midnight of its effective date."""
    if recorded_at:
        try:
            moment = dt.datetime.fromisoformat(recorded_at.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            return moment.astimezone(dt.UTC).isoformat(timespec="seconds")
    return dt.datetime.combine(on, dt.time(), tzinfo=dt.UTC).isoformat(timespec="seconds")


def _now() -> str:
    moment = clock.now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _serialize(root: ET.Element, default_ns: str) -> bytes:
    ET.register_namespace("", default_ns)
    ET.register_namespace("n5mdk", MDK)
    ET.register_namespace("xsi", XSI)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _clean(text: str, limit: int = 4000) -> str:
    """Text for an element: no control characters XML 1.0 forbids, bounded length, never empty."""
    kept = _xml_chars(text).strip() or "-"
    return kept if len(kept) <= limit else kept[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------- case


def _body_label(structure: Structure | None, body: str | None) -> str | None:
    if body is None:
        return None
    if structure is None:
        return body
    try:
        return structure.body(body).label
    except SamhandlingError:
        return body


def _party_name(structure: Structure | None, party: str) -> str:
    if structure is None:
        return party
    try:
        return structure.party(party).name
    except SamhandlingError:
        return party


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_value_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_value_text(v) for v in value)
    return str(value)


def _payload_text(
    payload: Mapping[str, Any], structure: Structure | None, labels: Mapping[str, str] | None = None
) -> str | None:
    """What an act recorded, in one Norwegian line for ``beskrivelse``: each fact under the label the process
    gives it (``requires: {decision: vedtaket (decision)}`` → «vedtaket: …»), party names instead of ids."""
    lines: list[str] = []
    labels = labels or {}
    for key in sorted(payload):
        value = payload[key]
        if key in ("title", "version", "case_id"):
            continue
        if key == "party":
            lines.append(f"part: {_party_name(structure, str(value))}")
        elif key == "positions" and isinstance(value, Mapping):
            lines.append(
                "standpunkter: " + "; ".join(f"{_party_name(structure, str(p))} {pos}" for p, pos in value.items())
            )
        elif key == "present" and isinstance(value, (list, tuple)):
            lines.append("til stede: " + ", ".join(_party_name(structure, str(p)) for p in value))
        else:
            label = labels.get(key, key).removesuffix(f" ({key})")
            lines.append(f"{label}: {_value_text(value)}")
    return _clean(". ".join(lines)) if lines else None


def _act_label(case: Case, act: str) -> tuple[str, Mapping[str, str]]:
    """The act's label and the labels of the facts it requires (its id and none for an act no longer defined)."""
    try:
        spec = case.definition.act_def(act)
    except Exception:  # an act the definition no longer names: its id is still a title
        return act, {}
    return str(spec.label), dict(spec.requires)


def _saksmappe(case: Case, structure: Structure | None, opened: Event, last_body: str | None) -> ET.Element:
    root = ET.Element(f"{{{AM}}}arkivmelding")
    _el(root, AM, "system", SYSTEM)
    _el(root, AM, "antallFiler", "0")
    mappe = _el(root, AM, "mappe")
    mappe.set(f"{{{XSI}}}type", "saksmappe")
    _el(mappe, AM, "systemID", _system_id("sak", case.id))
    _el(mappe, AM, "tittel", _clean(case.title))
    _el(
        mappe,
        AM,
        "beskrivelse",
        _clean(
            f"Behandlet etter prosessen «{case.definition.name}» versjon {case.version}; tilstand: {case.state_label}"
        ),
    )
    _el(mappe, AM, "opprettetDato", _timestamp(opened.recorded_at, opened.on))
    _el(mappe, AM, "opprettetAv", SYSTEM)
    if case.is_final:
        closing = case.history[-1]
        _el(mappe, AM, "avsluttetDato", _timestamp(closing.recorded_at, closing.on))
        _el(mappe, AM, "avsluttetAv", _body_label(structure, closing.body) or SYSTEM)
    _key(mappe, AM, "referanseEksternNoekkel", case.id)
    _el(mappe, AM, "saksaar", str(opened.on.year))
    _el(mappe, AM, "saksdato", opened.on.isoformat())
    if structure is not None:
        unit = _el(mappe, AM, "administrativEnhet")
        _el(unit, MDK, "navn", _clean(structure.name))
    responsible = _body_label(structure, last_body)
    if responsible is not None:
        holder = _el(mappe, AM, "saksansvarlig")
        _el(holder, MDK, "navn", _clean(responsible))
        if last_body is not None:
            _el(holder, MDK, "identifikator", last_body)
    _kode(mappe, AM, "saksstatus", "saksstatus", "A" if case.is_final else "B")
    return root


def _journalpost(case: Case, structure: Structure | None, event: Event, number: int) -> ET.Element:
    root = ET.Element(f"{{{AM}}}arkivmelding")
    _el(root, AM, "system", SYSTEM)
    _el(root, AM, "antallFiler", "0")
    post = _el(root, AM, "registrering")
    post.set(f"{{{XSI}}}type", "journalpost")
    _el(post, AM, "systemID", _system_id("sak", case.id, event.seq))
    _el(post, AM, "opprettetDato", _timestamp(event.recorded_at, event.on))
    _el(post, AM, "opprettetAv", SYSTEM)
    parent = _el(post, AM, "referanseForelderMappe")
    _key(parent, MDK, "referanseEksternNoekkel", case.id)
    body = _body_label(structure, event.body)
    label, fact_labels = _act_label(case, event.act)
    title = label[:1].upper() + label[1:] + (f" – {body}" if body else "")
    _el(post, AM, "tittel", _clean(title))
    description = _payload_text(event.payload, structure, fact_labels)
    if description:
        _el(post, AM, "beskrivelse", description)
    author = event.person or body
    if author:
        _el(post, AM, "forfatter", _clean(author))
    _key(post, AM, "referanseEksternNoekkel", f"{case.id}/{event.seq}")
    _el(post, AM, "journalaar", str(event.on.year))
    _el(post, AM, "journalpostnummer", str(number))
    _kode(post, AM, "journalposttype", "journalposttype", "X")
    _kode(post, AM, "journalstatus", "journalstatus", "J")
    _el(post, AM, "journaldato", event.on.isoformat())
    _el(post, AM, "dokumentetsDato", event.on.isoformat())
    return root


def case_messages(case: Case, structure: Structure | None = None) -> list[ArchiveMessage]:
    """The arkivmelding messages of ``case``, in the order they are to be sent (see the module docstring).

    ``structure`` names bodies and parties (default: the structure the case's process was compiled against).
    """
    if structure is None:
        structure = getattr(case.definition, "structure", None)
    events = [e for e in case.effective_events() if e.act != "open"]
    opened = case.history[0]
    acting = [e.body for e in events if e.body]
    last_body = acting[-1] if acting else opened.body
    width = max(3, len(str(len(events) + 1)))
    messages = [
        ArchiveMessage(
            f"{1:0{width}d}-saksmappe.xml",
            "arkivmelding",
            _serialize(_saksmappe(case, structure, opened, last_body), AM),
        )
    ]
    for number, event in enumerate(events, start=1):
        messages.append(
            ArchiveMessage(
                f"{number + 1:0{width}d}-journalpost-{event.seq}.xml",
                "arkivmelding",
                _serialize(_journalpost(case, structure, event, number), AM),
            )
        )
    return messages


# ---------------------------------------------------------------------------------------------- meeting


def _participants(mappe: ET.Element, meeting: MeetingLike) -> None:
    listed: list[tuple[str, str | None]] = []
    if meeting.chair:
        listed.append((meeting.chair, "M"))
    if meeting.secretary:
        listed.append((meeting.secretary, "R"))
    named = {name for name, _ in listed}
    listed.extend((name, None) for name in meeting.participants if name not in named)
    for name, function in listed:
        person = _el(mappe, AS, "moetedeltaker")
        _el(person, AS, "moetedeltakerNavn", _clean(name))
        if function is not None:
            _kode(person, AS, "moetedeltakerFunksjon", "moetedeltakerfunksjon", function)


def _audit(node: ET.Element, created: str, *, closed: bool = False, archived: bool = False) -> None:
    _el(node, AS, "opprettetDato", created)
    _el(node, AS, "opprettetAv", SYSTEM)
    if closed:
        _el(node, AS, "avsluttetDato", created)
        _el(node, AS, "avsluttetAv", SYSTEM)
    if archived:
        _el(node, AS, "arkivertDato", created)
        _el(node, AS, "arkivertAv", SYSTEM)


def meeting_document(meeting: MeetingLike, structure: Structure | None = None) -> ArchiveMessage:
    """The Noark 5 ``arkiv`` document of one meeting (see the module docstring)."""
    body_id = meeting.body
    body_name = meeting.body
    community = None
    if structure is not None:
        body = structure.body(meeting.body)  # an unknown body is refused here, naming it
        body_id, body_name, community = body.id, body.name, structure.name
    meeting_key = f"{body_id}/{meeting.date.isoformat()}/{meeting.number}"
    created = _now()
    day = meeting.date.strftime("%d.%m.%Y")

    root = ET.Element(f"{{{AS}}}arkiv")
    _el(root, AS, "systemID", _system_id("arkiv", meeting_key))
    _el(root, AS, "tittel", _clean(f"Møter i {community or body_name}"))
    _audit(root, created, closed=True)
    creator = _el(root, AS, "arkivskaper")
    _el(creator, AS, "arkivskaperID", _safe(community).lower() if community else _safe(body_id))
    _el(creator, AS, "arkivskaperNavn", _clean(community or body_name))

    part = _el(root, AS, "arkivdel")
    _el(part, AS, "systemID", _system_id("arkivdel", body_id))
    _el(part, AS, "tittel", _clean(f"Møtebok for {body_name}"))
    _kode(part, AS, "arkivdelstatus", "arkivdelstatus", "A")
    _audit(part, created, closed=True)

    mappe = _el(part, AS, "mappe")
    mappe.set(f"{{{XSI}}}type", "moetemappe")
    _el(mappe, AS, "systemID", _system_id("moete", meeting_key))
    _el(mappe, AS, "mappeID", _clean(meeting_key))
    _el(mappe, AS, "tittel", _clean(f"Møte {meeting.number} i {body_name} {day}"))
    _audit(mappe, created)
    _key(mappe, AS, "referanseEksternNoekkel", meeting_key, inner=AS)
    for item in meeting.items:
        reg = _el(mappe, AS, "registrering")
        reg.set(f"{{{XSI}}}type", "moeteregistrering")
        _el(reg, AS, "systemID", _system_id("moetesak", meeting_key, item.number))
        _audit(reg, created, archived=True)
        _el(reg, AS, "registreringsID", _clean(item.number))
        _el(reg, AS, "tittel", _clean(f"{item.number} {item.title}"))
        notes = []
        if item.decision:
            notes.append(f"Vedtak: {item.decision}")
        if item.case:
            notes.append(f"Sak i samhandling: {item.case}")
        if notes:
            _el(reg, AS, "beskrivelse", _clean(" ".join(notes)))
        _key(reg, AS, "referanseEksternNoekkel", f"{meeting_key}/{item.number}", inner=AS)
        _kode(reg, AS, "moeteregistreringstype", "moeteregistreringstype", "SP" if item.decision else "SF")
        _kode(reg, AS, "moetesakstype", "moetesakstype", item.type)
        _el(reg, AS, "administrativEnhet", _clean(body_name))
        _el(reg, AS, "saksbehandler", _clean(meeting.secretary or body_name))
    _el(mappe, AS, "moetenummer", _clean(meeting.number))
    _el(mappe, AS, "utvalg", _clean(body_name))
    _el(mappe, AS, "moetedato", meeting.date.isoformat())
    if meeting.place:
        _el(mappe, AS, "moetested", _clean(meeting.place))
    _participants(mappe, meeting)
    name = f"moete-{_safe(body_id)}-{meeting.date.isoformat()}.xml"
    return ArchiveMessage(name, "arkivstruktur", _serialize(root, AS))


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)


def write_zip(messages: Iterable[ArchiveMessage]) -> bytes:
    """The messages as one ZIP archive (each message a file, in sending order)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for message in messages:
            info = zipfile.ZipInfo(message.name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, message.xml)
    return buffer.getvalue()
