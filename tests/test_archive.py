"""Noark 5 exports (issue 14 item 5): a closed case and a meeting keep samhandling's structural rules, a broken
document is refused with a Norwegian reason naming the element, every code written is in the standard's list, the
official schemas are looked up in the folder the user names (here: small schemas written by the tests themselves,
never the official ones; those are exercised by tests/test_archive_official.py when SAMHANDLING_ARKIV_XSD is set)."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import samhandling
from samhandling.app.demo import run_demo
from samhandling.archive import validation
from samhandling.archive.codes import CODE_LISTS, UnknownCodeError, code
from samhandling.archive.export import AM, AS, MDK, case_messages, meeting_document, write_zip
from samhandling.archive.meeting import MeetingItem, MeetingRecord, meeting_from_data, read_meeting
from samhandling.archive.rules import structural_errors
from samhandling.archive.validation import (
    ENV_VAR,
    ArchiveValidationError,
    SchemaDirError,
    check_documents,
    check_structure,
    schema_dir,
    validate,
    validation_errors,
)
from samhandling.cli import main
from samhandling.clock import FixedClock, use_clock
from samhandling.errors import MissingExtraError, SchemaError
from samhandling.formats.yamlio import parse_yaml
from samhandling.location import Location
from samhandling.process.loader import get_process
from samhandling.store import MemoryStore

MINI = """\
structure: mini
name: Minifellesskapet
parties:
  - {id: kommune, name: Småby kommune, kind: municipality, kommunenummer: "1108"}
  - {id: hf, name: Småby HF, kind: health_trust}
bodies:
  - {id: gruppe, name: Arbeidsgruppa, kind: working_group}
  - {id: radet, name: Samarbeidsrådet, abbreviation: SR, kind: council, power: decides}
processes:
  - {name: minisak, file: minisak.yaml}
"""

MINISAK = """\
process: minisak
version: "1"
title: Minisak
initial: ny
states:
  - {name: ny, label: Ny sak}
  - {name: drofta, label: Drøftet}
  - {name: avgjort, label: Avgjort, final: true}
acts:
  - {name: discuss, label: drøfte saken, kind: discuss, from: ny, to: drofta, by: {body: gruppe}}
  - {name: decide, label: avgjøre saken, kind: decide, from: drofta, to: avgjort, by: {body: radet},
     requires: {decision: vedtaket (decision)}}
"""

MEETING_YAML = """\
body: SR
date: 2025-02-27
number: "1/25"
place: Småby rådhus
chair: Ola Nordmann
secretary: Kari Nordmann
participants: [Per Hansen, Ola Nordmann]
items:
  - number: Sak 01/25
    title: Felles rutine for utskrivning
    case: minisak-1
    decision: Rutinen vedtas.
  - number: Sak 02/25
    title: Orientering om økonomi
    type: RS
"""


@pytest.fixture(scope="module")
def closed_sor_case() -> samhandling.Case:
    result = run_demo(MemoryStore())
    assert result.case.is_final
    return result.case


@pytest.fixture
def mini(tmp_path: Path) -> samhandling.Structure:
    (tmp_path / "mini.yaml").write_text(MINI, encoding="utf-8")
    (tmp_path / "minisak.yaml").write_text(MINISAK, encoding="utf-8")
    return samhandling.load(tmp_path / "mini.yaml")


def _mini_case(structure: samhandling.Structure, *, close: bool) -> samhandling.Case:
    case = get_process(structure, "minisak").new_case(title="Felles rutine", on=dt.date(2025, 1, 6))
    case.act("discuss", by="gruppe", on=dt.date(2025, 1, 10))
    if close:
        case.act("decide", by="radet", on=dt.date(2025, 2, 1), decision="Rutinen vedtas.")
    return case


def _root(xml: bytes) -> ET.Element:
    return ET.fromstring(xml)


def _text(node: ET.Element, path: str, ns: str = AM) -> str | None:
    found = node.find(path.replace("am:", f"{{{ns}}}").replace("mdk:", f"{{{MDK}}}"))
    return None if found is None else found.text


# ---------------------------------------------------------------------------------------------- case


def test_closed_sor_rogaland_case_validates_message_by_message(closed_sor_case: samhandling.Case) -> None:
    messages = case_messages(closed_sor_case)
    acts = [e for e in closed_sor_case.effective_events() if e.act != "open"]
    assert len(messages) == 1 + len(acts) > 30
    for message in messages:
        assert message.schema == "arkivmelding"
        assert structural_errors(message.xml, "arkivmelding") == [], message.name
    mappe = _root(messages[0].xml).find(f"{{{AM}}}mappe")
    assert mappe is not None
    assert mappe.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "saksmappe"
    assert _text(mappe, "am:tittel") == closed_sor_case.title
    assert _text(mappe, "am:saksstatus/mdk:kode") == "A"  # closed: Avsluttet
    assert _text(mappe, "am:referanseEksternNoekkel/mdk:noekkel") == closed_sor_case.id
    assert _text(mappe, "am:saksdato") == closed_sor_case.history[0].on.isoformat()
    assert _text(mappe, "am:saksansvarlig/mdk:navn") == "SSU"  # the body that closed the case
    assert _text(mappe, "am:administrativEnhet/mdk:navn") == "Helsefellesskapet Sør-Rogaland"
    for message, event in zip(messages[1:], acts):
        post = _root(message.xml).find(f"{{{AM}}}registrering")
        assert post is not None
        assert _text(post, "am:journaldato") == event.on.isoformat()
        assert _text(post, "am:referanseForelderMappe/mdk:referanseEksternNoekkel/mdk:noekkel") == closed_sor_case.id
        assert _text(post, "am:referanseEksternNoekkel/mdk:noekkel") == f"{closed_sor_case.id}/{event.seq}"
        assert _text(post, "am:journalposttype/mdk:kode") == "X"
    # party names, not ids, in what the municipalities decided
    texts = " ".join(m.xml.decode() for m in messages)
    assert "Kvitsøy" in texts and "part: kvitsoy" not in texts


def test_own_small_structure_open_and_closed(mini: samhandling.Structure) -> None:
    open_case = _mini_case(mini, close=False)
    messages = case_messages(open_case)
    assert [m.name for m in messages] == ["001-saksmappe.xml", "002-journalpost-2.xml"]
    for m in messages:
        check_structure(m.xml, m.schema, name=m.name)
    mappe = _root(messages[0].xml).find(f"{{{AM}}}mappe")
    assert mappe is not None and _text(mappe, "am:saksstatus/mdk:kode") == "B"  # under behandling
    assert _text(mappe, "am:avsluttetDato") is None
    assert _text(mappe, "am:saksansvarlig/mdk:navn") == "Arbeidsgruppa"

    closed = case_messages(_mini_case(mini, close=True))
    for m in closed:
        check_structure(m.xml, m.schema, name=m.name)
    last = _root(closed[-1].xml).find(f"{{{AM}}}registrering")
    assert last is not None
    assert _text(last, "am:tittel") == "Avgjøre saken – SR"
    assert _text(last, "am:beskrivelse") == "vedtaket: Rutinen vedtas."
    mappe = _root(closed[0].xml).find(f"{{{AM}}}mappe")
    assert mappe is not None and _text(mappe, "am:saksstatus/mdk:kode") == "A"
    assert _text(mappe, "am:avsluttetAv") == "SR"


def test_the_same_case_exports_the_same_bytes(mini: samhandling.Structure) -> None:
    case = _mini_case(mini, close=True)
    assert [m.xml for m in case_messages(case)] == [m.xml for m in case_messages(case)]


def test_corrections_are_applied_not_archived(mini: samhandling.Structure) -> None:
    case = _mini_case(mini, close=True)
    case.correct(3, reason="feil dato", on=dt.date(2025, 2, 3))
    messages = case_messages(case)
    assert len(messages) == 3
    last = _root(messages[-1].xml).find(f"{{{AM}}}registrering")
    assert last is not None and _text(last, "am:journaldato") == "2025-02-03"


# ---------------------------------------------------------------------------------------------- meeting


def _meeting(structure: samhandling.Structure | None = None) -> MeetingRecord:
    data = parse_yaml(MEETING_YAML, "møte.yaml")
    return meeting_from_data(data, Location("møte.yaml"))


def test_meeting_validates_and_maps_items(mini: samhandling.Structure) -> None:
    with use_clock(FixedClock(dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC))):
        document = meeting_document(_meeting(), mini)
        again = meeting_document(_meeting(), mini)
    assert document.xml == again.xml
    assert document.schema == "arkivstruktur"
    check_structure(document.xml, "arkivstruktur", name=document.name)
    root = _root(document.xml)
    mappe = root.find(f"{{{AS}}}arkivdel/{{{AS}}}mappe")
    assert mappe is not None
    assert _text(mappe, "am:moetenummer", AS) == "1/25"
    assert _text(mappe, "am:utvalg", AS) == "Samarbeidsrådet"
    assert _text(mappe, "am:moetedato", AS) == "2025-02-27"
    assert _text(mappe, "am:moetested", AS) == "Småby rådhus"
    people = [
        (_text(p, "am:moetedeltakerNavn", AS), _text(p, "am:moetedeltakerFunksjon/mdk:kode", AS))
        for p in mappe.findall(f"{{{AS}}}moetedeltaker")
    ]
    assert people == [("Ola Nordmann", "M"), ("Kari Nordmann", "R"), ("Per Hansen", None)]
    items = mappe.findall(f"{{{AS}}}registrering")
    assert [_text(i, "am:registreringsID", AS) for i in items] == ["Sak 01/25", "Sak 02/25"]
    assert [_text(i, "am:moeteregistreringstype/mdk:kode", AS) for i in items] == ["SP", "SF"]
    assert [_text(i, "am:moetesakstype/mdk:kode", AS) for i in items] == ["AN", "RS"]
    assert "Vedtak: Rutinen vedtas." in (_text(items[0], "am:beskrivelse", AS) or "")
    assert _text(items[0], "am:saksbehandler", AS) == "Kari Nordmann"


def test_meeting_of_a_bundled_structure_validates() -> None:
    structure = samhandling.load("sor-rogaland")
    meeting = MeetingRecord(
        body="ssu",
        date=dt.date(2025, 2, 27),
        number="1",
        items=(MeetingItem(number="Sak 01/25", title="Forløp for eldre"),),
    )
    document = meeting_document(meeting, structure)
    check_structure(document.xml, "arkivstruktur")
    assert f"<utvalg>{structure.body('ssu').name}</utvalg>".encode() in document.xml


def test_meeting_of_an_unknown_body_is_refused(mini: samhandling.Structure) -> None:
    meeting = MeetingRecord(
        body="styret", date=dt.date(2025, 2, 27), number="1", items=(MeetingItem(number="1", title="x"),)
    )
    with pytest.raises(samhandling.SamhandlingError) as err:
        meeting_document(meeting, mini)
    assert "styret" in str(err.value)


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (("date: 2025-02-27\n", ""), "mangler «date»"),
        (("    type: RS\n", "    type: XX\n"), "«XX» er ikke en møtesakstype"),
        (("Sak 02/25", "Sak 01/25"), "står to ganger"),
        (("place:", "sted:"), "ukjent nøkkel «sted»"),
        (
            ("  - number: Sak 01/25\n    title: Felles rutine for utskrivning\n", "  - number: Sak 01/25\n"),
            "mangler «title»",
        ),
    ],
)
def test_bad_meeting_files_name_file_and_line(tmp_path: Path, change: tuple[str, str], needle: str) -> None:
    path = tmp_path / "møte.yaml"
    path.write_text(MEETING_YAML.replace(*change), encoding="utf-8")
    with pytest.raises(SchemaError) as err:
        read_meeting(path)
    assert needle in str(err.value)
    assert str(err.value).startswith(str(path))


# ---------------------------------------------------------------------------------------------- refusals, codes


def _saksmappe_and_journalpost(mini: samhandling.Structure) -> tuple[str, str]:
    messages = case_messages(_mini_case(mini, close=True))
    return messages[0].xml.decode(), messages[1].xml.decode()


def test_broken_document_fails_with_a_norwegian_reason(mini: samhandling.Structure) -> None:
    first, _ = _saksmappe_and_journalpost(mini)
    broken = re.sub(r"\s*<tittel>[^<]*</tittel>", "", first, count=1)
    with pytest.raises(ArchiveValidationError) as err:
        check_structure(broken, "arkivmelding", name="001-saksmappe.xml")
    message = str(err.value)
    assert err.value.code == "archive-invalid"
    assert err.value.details["check"] == "struktur"
    assert message == (
        "001-saksmappe.xml følger ikke Noark 5-reglene samhandling kontrollerer: "
        "i /arkivmelding/mappe: elementet «tittel» mangler"
    )
    check_structure(first, "arkivmelding")  # the unbroken one passes


SAKSMAPPE_BREAKS = [
    (
        ("<saksdato>2025-01-06</saksdato>", "<saksdato>6. januar</saksdato>"),
        "i /arkivmelding/mappe/saksdato: «6. januar» i «saksdato» er ikke en dato (ÅÅÅÅ-MM-DD)",
    ),
    (
        ("<saksdato>2025-01-06</saksdato>", "<saksdato>2025-02-30</saksdato>"),
        "i /arkivmelding/mappe/saksdato: «2025-02-30» i «saksdato» er ikke en dato (ÅÅÅÅ-MM-DD)",
    ),
    (("<saksdato>2025-01-06</saksdato>", ""), "i /arkivmelding/mappe: elementet «saksdato» mangler"),
    (
        ("<n5mdk:kode>A</n5mdk:kode>", "<n5mdk:kode>Q</n5mdk:kode>"),
        "i /arkivmelding/mappe/saksstatus: «Q» er ikke en kode i kodelisten saksstatus",
    ),
    (("<n5mdk:kode>A</n5mdk:kode>", ""), "i /arkivmelding/mappe/saksstatus: elementet «saksstatus» mangler «kode»"),
    (("<saksaar>2025</saksaar>", "<saksaar>25</saksaar>"), "«25» i «saksaar» er ikke et årstall (ÅÅÅÅ)"),
    (
        ("<antallFiler>0</antallFiler>", "<antallFiler>-1</antallFiler>"),
        "i /arkivmelding/antallFiler: «-1» i «antallFiler» er ikke et ikke-negativt heltall",
    ),
    (("<system>samhandling</system>", "<system> </system>"), "i /arkivmelding/system: elementet «system» er tomt"),
    (("<system>samhandling</system>", ""), "i /arkivmelding: elementet «system» mangler"),
    (('xsi:type="saksmappe"', 'xsi:type="saksmapppe"'), "«saksmapppe» er ikke en kjent type mappe"),
    (
        ("<opprettetAv>samhandling</opprettetAv>", "<opprettetAv />"),
        "i /arkivmelding/mappe/opprettetAv: elementet «opprettetAv» er tomt",
    ),
]


@pytest.mark.parametrize(("change", "reason"), SAKSMAPPE_BREAKS)
def test_each_broken_saksmappe_fails_naming_the_element(
    mini: samhandling.Structure, change: tuple[str, str], reason: str
) -> None:
    first, _ = _saksmappe_and_journalpost(mini)
    assert change[0] in first
    reasons = structural_errors(first.replace(*change), "arkivmelding")
    assert any(reason in r for r in reasons), reasons


JOURNALPOST_BREAKS = [
    (r"\s*<journalposttype>.*?</journalposttype>", "i /arkivmelding/registrering: elementet «journalposttype» mangler"),
    (r"\s*<journalstatus>.*?</journalstatus>", "i /arkivmelding/registrering: elementet «journalstatus» mangler"),
    (r"\s*<journaldato>.*?</journaldato>", "i /arkivmelding/registrering: elementet «journaldato» mangler"),
    (r"\s*<referanseForelderMappe>.*?</referanseForelderMappe>", "elementet «referanseForelderMappe» mangler"),
    (r"<journalpostnummer>1</journalpostnummer>", "«første» i «journalpostnummer» er ikke et ikke-negativt heltall"),
    (r"<opprettetDato>[^<]*</opprettetDato>", "«i går» i «opprettetDato» er ikke et tidspunkt"),
]


@pytest.mark.parametrize(("pattern", "reason"), JOURNALPOST_BREAKS)
def test_each_broken_journalpost_fails_naming_the_element(
    mini: samhandling.Structure, pattern: str, reason: str
) -> None:
    _, post = _saksmappe_and_journalpost(mini)
    replacement = {
        "<journalpostnummer>1</journalpostnummer>": "<journalpostnummer>første</journalpostnummer>",
        "<opprettetDato>[^<]*</opprettetDato>": "<opprettetDato>i går</opprettetDato>",
    }.get(pattern, "")
    broken, count = re.subn(pattern, replacement, post, flags=re.S)
    assert count == 1
    reasons = structural_errors(broken, "arkivmelding")
    assert any(reason in r for r in reasons), reasons
    assert structural_errors(post, "arkivmelding") == []


def test_a_message_holds_one_folder_or_one_registration(mini: samhandling.Structure) -> None:
    first, post = _saksmappe_and_journalpost(mini)
    registrering = post[post.index("<registrering") : post.index("</registrering>") + len("</registrering>")]
    both = first.replace("</arkivmelding>", registrering + "</arkivmelding>")
    assert structural_errors(both, "arkivmelding") == [
        "i /arkivmelding: en melding skal ha nøyaktig én «mappe» eller én «registrering», fant 2"
    ]
    empty = re.sub(r"<mappe.*</mappe>", "", first, flags=re.S)
    assert "fant 0" in structural_errors(empty, "arkivmelding")[0]


def test_wrong_root_or_no_xml_is_refused(mini: samhandling.Structure) -> None:
    first, _ = _saksmappe_and_journalpost(mini)
    assert structural_errors("<arkivmelding", "arkivmelding")[0].startswith("ikke gyldig XML")
    assert structural_errors(first, "arkivstruktur")[0].startswith(
        "i /: rotelementet er «arkivmelding», forventet «arkiv»"
    )
    no_namespace = "<arkivmelding><system>x</system></arkivmelding>"
    assert "navnerommet" in structural_errors(no_namespace, "arkivmelding")[0]


MEETING_BREAKS = [
    (r"\s*<utvalg>[^<]*</utvalg>", "", "i /arkiv/arkivdel/mappe: elementet «utvalg» mangler"),
    (r"\s*<moetenummer>[^<]*</moetenummer>", "", "i /arkiv/arkivdel/mappe: elementet «moetenummer» mangler"),
    (
        r"<moetedato>[^<]*</moetedato>",
        "<moetedato>27.02.2025</moetedato>",
        "«27.02.2025» i «moetedato» er ikke en dato",
    ),
    (
        r"\s*<saksbehandler>[^<]*</saksbehandler>",
        "",
        "i /arkiv/arkivdel/mappe/registrering: elementet «saksbehandler» mangler",
    ),
    (r"<n5mdk:kode>RS</n5mdk:kode>", "<n5mdk:kode>XX</n5mdk:kode>", "«XX» er ikke en kode i kodelisten moetesakstype"),
    (
        r"<n5mdk:kode>M</n5mdk:kode>",
        "<n5mdk:kode>L</n5mdk:kode>",
        "«L» er ikke en kode i kodelisten moetedeltakerfunksjon",
    ),
    (r"\s*<arkivdel>.*</arkivdel>", "", "i /arkiv: elementet «arkivdel» mangler"),
    (
        r"<tittel>Sak 02/25 [^<]*</tittel>",
        "<tittel></tittel>",
        "i /arkiv/arkivdel/mappe/registrering/tittel: elementet «tittel» er tomt",
    ),
]


@pytest.mark.parametrize(("pattern", "replacement", "reason"), MEETING_BREAKS)
def test_each_broken_meeting_fails_naming_the_element(
    mini: samhandling.Structure, pattern: str, replacement: str, reason: str
) -> None:
    xml = meeting_document(_meeting(), mini).xml.decode()
    assert structural_errors(xml, "arkivstruktur") == []
    broken, count = re.subn(pattern, replacement, xml, count=1, flags=re.S)
    assert count == 1
    reasons = structural_errors(broken, "arkivstruktur")
    assert any(reason in r for r in reasons), reasons
    with pytest.raises(ArchiveValidationError) as err:
        check_structure(broken, "arkivstruktur", name="møte.xml")
    assert str(err.value).startswith("møte.xml følger ikke Noark 5-reglene")


def _coded(xml: bytes) -> list[tuple[str, str, str | None]]:
    found = []
    for node in ET.fromstring(xml).iter():
        value = node.find(f"{{{MDK}}}kode")
        if value is not None:
            description = node.find(f"{{{MDK}}}beskrivelse")
            found.append((node.tag.split("}")[1], value.text or "", None if description is None else description.text))
    return found


LIST_OF = {
    "saksstatus": "saksstatus",
    "journalposttype": "journalposttype",
    "journalstatus": "journalstatus",
    "moeteregistreringstype": "moeteregistreringstype",
    "moetesakstype": "moetesakstype",
    "moetedeltakerFunksjon": "moetedeltakerfunksjon",
    "arkivdelstatus": "arkivdelstatus",
}


def test_every_code_written_is_in_its_code_list(closed_sor_case: samhandling.Case, mini: samhandling.Structure) -> None:
    documents = [m.xml for m in case_messages(closed_sor_case)] + [meeting_document(_meeting(), mini).xml]
    seen: set[str] = set()
    for xml in documents:
        for element, value, description in _coded(xml):
            assert element in LIST_OF, element
            entries = CODE_LISTS[LIST_OF[element]]
            assert value in entries and description == entries[value]
            seen.add(element)
    assert seen == set(LIST_OF)


def test_code_refuses_a_value_outside_the_list() -> None:
    assert code("journalposttype", "X") == ("X", "Organinternt dokument uten oppfølging")
    with pytest.raises(UnknownCodeError) as err:
        code("journalposttype", "Q")
    assert "«Q» er ikke en kode i kodelisten journalposttype" in str(err.value)
    with pytest.raises(UnknownCodeError):
        code("finnes-ikke", "A")
    with pytest.raises(UnknownCodeError):
        meeting_document(
            MeetingRecord(
                body="radet",
                date=dt.date(2025, 1, 1),
                number="1",
                items=(MeetingItem(number="1", title="x", type="ZZ"),),
            )
        )


# ---------------------------------------------------------------------------------------------- the schema folder
# The schemas below are written by these tests (a root element and anything under it, or a required element our
# exports never write): they exercise finding, compiling and applying the files of a folder, not the standard.

OWN_SCHEMA = """<?xml version="1.0" encoding="utf-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{ns}" elementFormDefault="qualified">
  <xs:import namespace="{mdk}" schemaLocation="metadatakatalog.xsd"/>
  <xs:element name="{root}">
    <xs:complexType>
      <xs:sequence>
        {first}
        <xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""
OWN_MDK = (
    '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{mdk}" elementFormDefault="qualified"/>\n'
)


def _own_schemas(folder: Path, *, demand: str | None = None) -> Path:
    """A schema folder with our own permissive schemas (``demand``: an element they require first)."""
    folder.mkdir(parents=True, exist_ok=True)
    first = f'<xs:element name="{demand}" type="xs:string"/>' if demand else ""
    for kind, root, ns in (("arkivmelding", "arkivmelding", AM), ("arkivstruktur", "arkiv", AS)):
        (folder / validation.SCHEMA_FILES[kind]).write_text(
            OWN_SCHEMA.format(ns=ns, mdk=MDK, root=root, first=first), encoding="utf-8"
        )
    (folder / "metadatakatalog.xsd").write_text(OWN_MDK.format(mdk=MDK), encoding="utf-8")
    validation.clear_cache()
    return folder


@pytest.fixture(autouse=True)
def _no_configured_schemas(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests decide themselves whether a schema folder is configured."""
    monkeypatch.delenv(ENV_VAR, raising=False)


def test_no_schema_folder_means_structure_only_or_a_refusal(mini: samhandling.Structure) -> None:
    messages = case_messages(_mini_case(mini, close=True))
    documents = [(m.name, m.schema, m.xml) for m in messages]
    assert schema_dir() is None
    assert check_documents(documents) is None  # structure checked, no official validation
    with pytest.raises(SchemaDirError) as err:
        check_documents(documents, require_schema=True)
    assert err.value.code == "archive-xsd-missing"
    assert "git clone https://github.com/ks-no/fiks-arkiv-specification" in str(err.value)
    assert ENV_VAR in str(err.value) and "--xsd" in str(err.value)
    with pytest.raises(ArchiveValidationError) as broken:  # structure is checked even without schemas
        check_documents(
            [
                (
                    "x.xml",
                    "arkivmelding",
                    documents[0][2].replace(b"<tittel>", b"<tittelen>").replace(b"</tittel>", b"</tittelen>"),
                )
            ]
        )
    assert "«tittel» mangler" in str(broken.value)


def test_own_schema_folder_is_found_compiled_and_applied(
    tmp_path: Path, mini: samhandling.Structure, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("xmlschema")
    messages = case_messages(_mini_case(mini, close=True))
    documents = [(m.name, m.schema, m.xml) for m in messages]
    folder = _own_schemas(tmp_path / "V1")
    assert check_documents(documents, folder=folder) == folder
    monkeypatch.setenv(ENV_VAR, str(folder))
    assert check_documents(documents) == folder  # from the environment
    checkout = tmp_path / "checkout"
    _own_schemas(checkout / "Schema" / "V1")
    assert schema_dir(checkout) == checkout / "Schema" / "V1"  # a checkout of the repository is enough

    strict = _own_schemas(tmp_path / "strict", demand="finnesIkke")
    with pytest.raises(ArchiveValidationError) as err:
        check_documents(documents, folder=strict)
    assert err.value.details["check"] == "skjema"
    assert str(err.value).startswith(
        "001-saksmappe.xml følger ikke Fiks Arkiv-skjemaet "
        "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd: i /arkivmelding"
    )
    assert "«finnesIkke»" in str(err.value)
    meeting = meeting_document(_meeting(), mini)
    assert any("«finnesIkke»" in r for r in validation_errors(meeting.xml, "arkivstruktur", strict))
    assert validation_errors(meeting.xml, "arkivstruktur", folder) == []


@pytest.mark.parametrize("missing", ["no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd", "metadatakatalog.xsd"])
def test_a_folder_lacking_a_file_names_it(tmp_path: Path, missing: str) -> None:
    folder = _own_schemas(tmp_path / "V1")
    (folder / missing).unlink()
    with pytest.raises(SchemaDirError) as err:
        validate("<a/>", "arkivmelding", folder=folder)
    assert err.value.code == "archive-xsd-missing"
    assert f"skjemamappen {folder} mangler filen {missing}" in str(err.value)
    assert err.value.details["file"] == missing


def test_a_folder_that_is_not_one_or_does_not_compile(tmp_path: Path) -> None:
    pytest.importorskip("xmlschema")
    with pytest.raises(SchemaDirError) as err:
        schema_dir(tmp_path / "finnes-ikke")
    assert "--xsd: «" in str(err.value) and "er ikke en mappe" in str(err.value)
    folder = _own_schemas(tmp_path / "V1")
    (folder / "arkivstruktur.xsd").write_text("<xs:schema", encoding="utf-8")
    with pytest.raises(SchemaDirError) as bad:
        validate("<arkiv/>", "arkivstruktur", folder=folder)
    assert bad.value.code == "archive-xsd-invalid"
    assert f"skjemaet {folder.resolve() / 'arkivstruktur.xsd'} kan ikke leses" in str(bad.value)


def test_validation_without_xmlschema_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _own_schemas(tmp_path / "V1")
    monkeypatch.setitem(sys.modules, "xmlschema", None)
    try:
        with pytest.raises(MissingExtraError) as err:
            validate("<a/>", "arkivmelding", folder=folder)
        assert "samhandling[archive]" in str(err.value)
    finally:
        validation.clear_cache()


def test_no_schema_text_is_shipped_or_embedded() -> None:
    """The official schemas are the user's to provide: no .xsd file and no official type definition in the tree."""
    root = Path(__file__).resolve().parents[1]
    assert not [p for p in (root / "src").rglob("*.xsd")] + [p for p in (root / "tests").rglob("*.xsd")]
    signatures = [
        f'{kind}Type name="{name}"'
        for kind, name in (
            ("complex", "saksmappe"),
            ("complex", "journalpost"),
            ("complex", "moetemappe"),
            ("simple", "saksstatus"),
        )
    ]
    for path in [*(root / "src").rglob("*.py"), *(root / "tests").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert not [s for s in signatures if s in text], path


# ---------------------------------------------------------------------------------------------- CLI


def _demo_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    db = str(tmp_path / "s.db")
    assert main(["demo", "--db", db]) == 0
    found = re.search(r"^Sak (\S+):", capsys.readouterr().out, re.M)
    assert found
    return db, found.group(1)


def test_cli_case_zip_and_single_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, case_id = _demo_case(tmp_path, capsys)
    out = tmp_path / "sak.zip"
    assert main(["archive", "case", case_id, "--db", db, "-o", str(out)]) == 0
    said = capsys.readouterr()
    assert f"skrev {out}" in said.out
    assert "(strukturkontroll bestått; ikke validert mot de offisielle skjemaene)" in said.out
    note = said.err.splitlines()
    assert len(note) == 1 and note[0].startswith(
        "merk: den offisielle skjemavalideringen (Fiks Arkiv V1) ble ikke "
        "kjørt; hent skjemaene med «git clone https://github.com/ks-no/"
    )
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        names = archive.namelist()
        assert names[0] == "001-saksmappe.xml" and len(names) > 30
        for name in names:
            assert structural_errors(archive.read(name), "arkivmelding") == [], name

    single = tmp_path / "sak.xml"
    assert main(["archive", "case", case_id, "--db", db, "-o", str(single)]) == 2
    assert "arkivmeldinger" in capsys.readouterr().err and not single.exists()
    assert main(["archive", "case", case_id, "--db", db, "-o", str(single), "--melding", "1"]) == 0
    assert b'xsi:type="saksmappe"' in single.read_bytes()
    assert main(["archive", "case", case_id, "--db", db, "-o", str(single), "--melding", "2"]) == 2  # exists
    assert "finnes allerede" in capsys.readouterr().err
    assert main(["archive", "case", case_id, "--db", db, "-o", str(single), "--melding", "999", "--force"]) == 2
    assert main(["archive", "case", case_id, "--db", db, "-o", str(tmp_path / "sak.txt")]) == 2
    assert main(["archive", "case", "finnes-ikke", "--db", db, "-o", str(tmp_path / "x.zip")]) == 2
    assert not (tmp_path / "x.zip").exists()


def test_cli_meeting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mini.yaml").write_text(MINI, encoding="utf-8")
    (tmp_path / "minisak.yaml").write_text(MINISAK, encoding="utf-8")
    (tmp_path / "møte.yaml").write_text(MEETING_YAML, encoding="utf-8")
    out = tmp_path / "møte.xml"
    args = ["archive", "meeting", str(tmp_path / "mini.yaml"), str(tmp_path / "møte.yaml"), "-o", str(out)]
    assert main(args) == 0
    said = capsys.readouterr()
    assert "møte 1/25 i SR med 2 møtesak(er) (strukturkontroll bestått; ikke validert" in said.out
    assert "ikke kjørt" in said.err
    check_structure(out.read_bytes(), "arkivstruktur")
    (tmp_path / "dårlig.yaml").write_text(MEETING_YAML.replace('number: "1/25"\n', ""), encoding="utf-8")
    bad = [
        "archive",
        "meeting",
        str(tmp_path / "mini.yaml"),
        str(tmp_path / "dårlig.yaml"),
        "-o",
        str(tmp_path / "ny.xml"),
    ]
    assert main(bad) == 2
    assert "mangler «number»" in capsys.readouterr().err
    assert not (tmp_path / "ny.xml").exists()


def test_cli_schema_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("xmlschema")
    db, case_id = _demo_case(tmp_path, capsys)
    base = ["archive", "case", case_id, "--db", db, "--melding", "1", "-o"]

    assert main([*base, str(tmp_path / "a.xml"), "--krev-skjema"]) == 2  # none configured: refused
    err = capsys.readouterr().err
    assert err.startswith("feil [archive-xsd-missing]: den offisielle skjemavalideringen er påkrevd")
    assert not (tmp_path / "a.xml").exists()

    assert main([*base, str(tmp_path / "a.xml"), "--xsd", str(tmp_path / "tom")]) == 2
    assert "er ikke en mappe" in capsys.readouterr().err
    (tmp_path / "tom").mkdir()
    assert main([*base, str(tmp_path / "a.xml"), "--xsd", str(tmp_path / "tom"), "--krev-skjema"]) == 2
    assert "mangler filen no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd" in capsys.readouterr().err
    assert not (tmp_path / "a.xml").exists()

    folder = _own_schemas(tmp_path / "V1")
    assert main([*base, str(tmp_path / "a.xml"), "--xsd", str(folder), "--krev-skjema"]) == 0
    said = capsys.readouterr()
    assert "validert mot no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd" in said.out and said.err == ""

    monkeypatch.setenv(ENV_VAR, str(_own_schemas(tmp_path / "strict", demand="finnesIkke")))
    assert main([*base, str(tmp_path / "b.xml")]) == 1  # the document breaks the configured schema
    assert "følger ikke Fiks Arkiv-skjemaet" in capsys.readouterr().err and not (tmp_path / "b.xml").exists()
    assert main([*base, str(tmp_path / "b.xml"), "--xsd", str(folder)]) == 0  # --xsd before the environment
    capsys.readouterr()
    assert main([*base, str(tmp_path / "c.xml"), "--uten-validering"]) == 0
    assert "(ikke kontrollert)" in capsys.readouterr().out
    assert main([*base, str(tmp_path / "d.xml"), "--uten-validering", "--krev-skjema"]) == 2


def test_write_zip_keeps_sending_order(mini: samhandling.Structure) -> None:
    messages = case_messages(_mini_case(mini, close=True))
    with zipfile.ZipFile(io.BytesIO(write_zip(messages))) as archive:
        assert archive.namelist() == [m.name for m in messages]
        assert [archive.read(m.name) for m in messages] == [m.xml for m in messages]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=4, unique=True),
    decision=st.one_of(st.none(), st.text(max_size=200)),
    place=st.one_of(st.none(), st.text(max_size=30)),
)
def test_any_text_gives_a_valid_meeting(texts: list[str], decision: str | None, place: str | None) -> None:
    meeting = MeetingRecord(
        body="ssu",
        date=dt.date(2025, 2, 27),
        number=texts[0],
        place=place,
        chair=texts[-1],
        items=tuple(MeetingItem(number=f"{i}-{t}", title=t, decision=decision) for i, t in enumerate(texts)),
    )
    document = meeting_document(meeting, SOR)
    assert structural_errors(document.xml, "arkivstruktur") == []
    assert len(ET.fromstring(document.xml).findall(f".//{{{AS}}}registrering")) == len(texts)


SOR = samhandling.load("sor-rogaland")
