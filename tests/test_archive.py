"""Noark 5 exports (issue 14 item 5): a closed case and a meeting validate against the vendored Fiks Arkiv V1
schemas, a broken document is refused with a Norwegian reason, every code written is in the standard's list."""

from __future__ import annotations

import datetime as dt
import hashlib
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
from samhandling.archive.validation import ArchiveValidationError, validate, validation_errors
from samhandling.cli import main
from samhandling.clock import FixedClock, use_clock
from samhandling.errors import MissingExtraError, SchemaError
from samhandling.formats.yamlio import parse_yaml
from samhandling.location import Location
from samhandling.process.loader import get_process
from samhandling.store import MemoryStore

pytest.importorskip("xmlschema")

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
        assert validation_errors(message.xml, "arkivmelding") == [], message.name
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
        validate(m.xml, m.schema, name=m.name)
    mappe = _root(messages[0].xml).find(f"{{{AM}}}mappe")
    assert mappe is not None and _text(mappe, "am:saksstatus/mdk:kode") == "B"  # under behandling
    assert _text(mappe, "am:avsluttetDato") is None
    assert _text(mappe, "am:saksansvarlig/mdk:navn") == "Arbeidsgruppa"

    closed = case_messages(_mini_case(mini, close=True))
    for m in closed:
        validate(m.xml, m.schema, name=m.name)
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
    validate(document.xml, "arkivstruktur", name=document.name)
    root = _root(document.xml)
    mappe = root.find(f"{{{AS}}}arkivdel/{{{AS}}}mappe")
    assert mappe is not None
    assert _text(mappe, "am:moetenummer", AS) == "1/25"
    assert _text(mappe, "am:utvalg", AS) == "Samarbeidsrådet"
    assert _text(mappe, "am:moetedato", AS) == "2025-02-27"
    assert _text(mappe, "am:moetested", AS) == "Småby rådhus"
    people = [(_text(p, "am:moetedeltakerNavn", AS), _text(p, "am:moetedeltakerFunksjon/mdk:kode", AS))
              for p in mappe.findall(f"{{{AS}}}moetedeltaker")]
    assert people == [("Ola Nordmann", "M"), ("Kari Nordmann", "R"), ("Per Hansen", None)]
    items = mappe.findall(f"{{{AS}}}registrering")
    assert [_text(i, "am:registreringsID", AS) for i in items] == ["Sak 01/25", "Sak 02/25"]
    assert [_text(i, "am:moeteregistreringstype/mdk:kode", AS) for i in items] == ["SP", "SF"]
    assert [_text(i, "am:moetesakstype/mdk:kode", AS) for i in items] == ["AN", "RS"]
    assert "Vedtak: Rutinen vedtas." in (_text(items[0], "am:beskrivelse", AS) or "")
    assert _text(items[0], "am:saksbehandler", AS) == "Kari Nordmann"


def test_meeting_of_a_bundled_structure_validates() -> None:
    structure = samhandling.load("sor-rogaland")
    meeting = MeetingRecord(body="ssu", date=dt.date(2025, 2, 27), number="1",
                            items=(MeetingItem(number="Sak 01/25", title="Forløp for eldre"),))
    document = meeting_document(meeting, structure)
    validate(document.xml, "arkivstruktur")
    assert f"<utvalg>{structure.body('ssu').name}</utvalg>".encode() in document.xml


def test_meeting_of_an_unknown_body_is_refused(mini: samhandling.Structure) -> None:
    meeting = MeetingRecord(body="styret", date=dt.date(2025, 2, 27), number="1",
                            items=(MeetingItem(number="1", title="x"),))
    with pytest.raises(samhandling.SamhandlingError) as err:
        meeting_document(meeting, mini)
    assert "styret" in str(err.value)


@pytest.mark.parametrize(("change", "needle"), [
    (("date: 2025-02-27\n", ""), "mangler «date»"),
    (("    type: RS\n", "    type: XX\n"), "«XX» er ikke en møtesakstype"),
    (("Sak 02/25", "Sak 01/25"), "står to ganger"),
    (("place:", "sted:"), "ukjent nøkkel «sted»"),
    (("  - number: Sak 01/25\n    title: Felles rutine for utskrivning\n", "  - number: Sak 01/25\n"),
     "mangler «title»"),
])
def test_bad_meeting_files_name_file_and_line(tmp_path: Path, change: tuple[str, str], needle: str) -> None:
    path = tmp_path / "møte.yaml"
    path.write_text(MEETING_YAML.replace(*change), encoding="utf-8")
    with pytest.raises(SchemaError) as err:
        read_meeting(path)
    assert needle in str(err.value)
    assert str(err.value).startswith(str(path))


# ---------------------------------------------------------------------------------------------- refusals, codes


def test_broken_document_fails_with_a_norwegian_reason(mini: samhandling.Structure) -> None:
    first = case_messages(_mini_case(mini, close=True))[0].xml.decode()
    broken = re.sub(r"\s*<tittel>[^<]*</tittel>", "", first, count=1)
    with pytest.raises(ArchiveValidationError) as err:
        validate(broken, "arkivmelding", name="001-saksmappe.xml")
    message = str(err.value)
    assert err.value.code == "archive-invalid"
    assert message.startswith("001-saksmappe.xml følger ikke Fiks Arkiv-skjemaet "
                              "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd")
    assert "i /arkivmelding/mappe: elementet «tittel» mangler" in message
    journalpost = case_messages(_mini_case(mini, close=True))[1].xml.decode()
    no_type = re.sub(r"\s*<journalposttype>.*?</journalposttype>", "", journalpost, flags=re.S)
    assert any("«journalposttype» mangler" in r for r in validation_errors(no_type, "arkivmelding"))
    bad_date = first.replace("<saksdato>2025-01-06</saksdato>", "<saksdato>6. januar</saksdato>")
    assert validation_errors(bad_date, "arkivmelding") == [
        "i /arkivmelding/mappe/saksdato: «6. januar» er ikke en gyldig dato eller tid"]
    assert validation_errors("<arkivmelding", "arkivmelding")[0].startswith("ikke gyldig XML")


def test_a_meeting_without_its_required_utvalg_fails(mini: samhandling.Structure) -> None:
    xml = meeting_document(_meeting(), mini).xml.decode()
    broken = re.sub(r"\s*<utvalg>[^<]*</utvalg>", "", xml)
    reasons = validation_errors(broken, "arkivstruktur")
    assert reasons and "«utvalg»" in reasons[0]


def _coded(xml: bytes) -> list[tuple[str, str, str | None]]:
    found = []
    for node in ET.fromstring(xml).iter():
        value = node.find(f"{{{MDK}}}kode")
        if value is not None:
            description = node.find(f"{{{MDK}}}beskrivelse")
            found.append((node.tag.split("}")[1], value.text or "", None if description is None else description.text))
    return found


LIST_OF = {"saksstatus": "saksstatus", "journalposttype": "journalposttype", "journalstatus": "journalstatus",
           "moeteregistreringstype": "moeteregistreringstype", "moetesakstype": "moetesakstype",
           "moetedeltakerFunksjon": "moetedeltakerfunksjon", "arkivdelstatus": "arkivdelstatus"}


def test_every_code_written_is_in_its_code_list(closed_sor_case: samhandling.Case,
                                               mini: samhandling.Structure) -> None:
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
        meeting_document(MeetingRecord(body="radet", date=dt.date(2025, 1, 1), number="1",
                                       items=(MeetingItem(number="1", title="x", type="ZZ"),)))


def test_validation_without_xmlschema_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    validation.schema.cache_clear()
    monkeypatch.setitem(sys.modules, "xmlschema", None)
    try:
        with pytest.raises(MissingExtraError) as err:
            validate("<a/>", "arkivmelding")
        assert "samhandling[archive]" in str(err.value)
    finally:
        validation.schema.cache_clear()


def test_vendored_schemas_are_documented() -> None:
    readme = (validation.SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    for path in validation.SCHEMA_DIR.rglob("*.xsd"):
        row = next(line for line in readme.splitlines() if f"`{path.relative_to(validation.SCHEMA_DIR)}`" in line)
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() in row, path  # unchanged since vendored
        assert f"| {len(data.decode('utf-8'))} |" in row, path
    assert (validation.SCHEMA_DIR / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


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
    said = capsys.readouterr().out
    assert f"skrev {out}" in said and "validert mot" in said
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        names = archive.namelist()
        assert names[0] == "001-saksmappe.xml" and len(names) > 30
        for name in names:
            assert validation_errors(archive.read(name), "arkivmelding") == [], name

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
    assert "møte 1/25 i SR med 2 møtesak(er) (validert mot arkivstruktur.xsd)" in capsys.readouterr().out
    validate(out.read_bytes(), "arkivstruktur")
    (tmp_path / "dårlig.yaml").write_text(MEETING_YAML.replace("number: \"1/25\"\n", ""), encoding="utf-8")
    bad = ["archive", "meeting", str(tmp_path / "mini.yaml"), str(tmp_path / "dårlig.yaml"), "-o",
           str(tmp_path / "ny.xml")]
    assert main(bad) == 2
    assert "mangler «number»" in capsys.readouterr().err
    assert not (tmp_path / "ny.xml").exists()


def test_write_zip_keeps_sending_order(mini: samhandling.Structure) -> None:
    messages = case_messages(_mini_case(mini, close=True))
    with zipfile.ZipFile(io.BytesIO(write_zip(messages))) as archive:
        assert archive.namelist() == [m.name for m in messages]
        assert [archive.read(m.name) for m in messages] == [m.xml for m in messages]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=4, unique=True),
       decision=st.one_of(st.none(), st.text(max_size=200)), place=st.one_of(st.none(), st.text(max_size=30)))
def test_any_text_gives_a_valid_meeting(texts: list[str], decision: str | None, place: str | None) -> None:
    meeting = MeetingRecord(body="ssu", date=dt.date(2025, 2, 27), number=texts[0], place=place, chair=texts[-1],
                            items=tuple(MeetingItem(number=f"{i}-{t}", title=t, decision=decision)
                                        for i, t in enumerate(texts)))
    document = meeting_document(meeting, SOR)
    assert validation_errors(document.xml, "arkivstruktur") == []
    assert len(ET.fromstring(document.xml).findall(f".//{{{AS}}}registrering")) == len(texts)


SOR = samhandling.load("sor-rogaland")
