"""Validation against the OFFICIAL Fiks Arkiv V1 schemas, which samhandling does not ship.

These tests run only when ``SAMHANDLING_ARKIV_XSD`` names the folder ``Schema/V1`` of a checkout of
https://github.com/ks-no/fiks-arkiv-specification (or the checkout itself); CI has none, so they skip there with
a loud reason. Run them with::

    git clone https://github.com/ks-no/fiks-arkiv-specification /tmp/fiks-arkiv
    SAMHANDLING_ARKIV_XSD=/tmp/fiks-arkiv/Schema/V1 .venv/bin/pytest -q tests/test_archive_official.py
"""

from __future__ import annotations

import datetime as dt
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import samhandling
from samhandling.app.demo import run_demo
from samhandling.archive.export import AS, case_messages, meeting_document
from samhandling.archive.meeting import MeetingItem, MeetingRecord
from samhandling.archive.validation import ENV_VAR, ArchiveValidationError, validate, validation_errors
from samhandling.process.loader import get_process
from samhandling.store import MemoryStore

pytestmark = pytest.mark.skipif(
    not os.environ.get(ENV_VAR, "").strip(),
    reason=f"OFFISIELL SKJEMAVALIDERING IKKE TESTET: {ENV_VAR} er ikke satt. Sett {ENV_VAR}=MAPPE/Schema/V1 fra "
    "«git clone https://github.com/ks-no/fiks-arkiv-specification» for å kjøre disse testene.",
)

SOR = samhandling.load("sor-rogaland")


@pytest.fixture(scope="module")
def closed_case() -> samhandling.Case:
    return run_demo(MemoryStore()).case


def _meeting() -> MeetingRecord:
    return MeetingRecord(
        body="ssu",
        date=dt.date(2025, 2, 27),
        number="1/25",
        place="Stavanger",
        chair="Ola Nordmann",
        secretary="Kari Nordmann",
        participants=("Per Hansen",),
        items=(
            MeetingItem(number="Sak 01/25", title="Forløp for eldre", decision="Vedtas."),
            MeetingItem(number="Sak 02/25", title="Orientering", type="RS"),
        ),
    )


def test_closed_case_validates_message_by_message(closed_case: samhandling.Case) -> None:
    messages = case_messages(closed_case)
    assert len(messages) > 30
    for message in messages:
        assert validation_errors(message.xml, "arkivmelding") == [], message.name


OWN = """\
structure: tofelles
name: Tofellesskapet
parties:
  - {id: k, name: Tobyen kommune, kind: municipality, kommunenummer: "1108"}
  - {id: hf, name: Toby HF, kind: health_trust}
bodies:
  - {id: forum, name: Samarbeidsforum, kind: council, power: decides}
processes:
  - {name: enkel, file: enkel.yaml}
"""
OWN_PROCESS = """\
process: enkel
version: "1"
title: Enkel sak
initial: ny
states:
  - {name: ny, label: Ny}
  - {name: avgjort, label: Avgjort, final: true}
acts:
  - {name: decide, label: avgjøre, kind: decide, from: ny, to: avgjort, by: {body: forum},
     requires: {decision: vedtaket (decision)}}
"""


@pytest.mark.parametrize("close", [False, True])
def test_case_of_a_small_own_structure_validates(tmp_path: Path, close: bool) -> None:
    (tmp_path / "to.yaml").write_text(OWN, encoding="utf-8")
    (tmp_path / "enkel.yaml").write_text(OWN_PROCESS, encoding="utf-8")
    case = get_process(samhandling.load(tmp_path / "to.yaml"), "enkel").new_case(title="Sak", on=dt.date(2025, 1, 6))
    if close:
        case.act("decide", by="forum", on=dt.date(2025, 2, 1), decision="Vedtas.")
    messages = case_messages(case)
    assert len(messages) == (2 if close else 1)
    for message in messages:
        validate(message.xml, message.schema, name=message.name)


def test_broken_case_message_fails_with_a_norwegian_reason(closed_case: samhandling.Case) -> None:
    first = case_messages(closed_case)[0].xml.decode()
    broken = re.sub(r"\s*<tittel>[^<]*</tittel>", "", first, count=1)
    with pytest.raises(ArchiveValidationError) as err:
        validate(broken, "arkivmelding", name="001-saksmappe.xml")
    assert err.value.details["check"] == "skjema"
    assert str(err.value).startswith(
        "001-saksmappe.xml følger ikke Fiks Arkiv-skjemaet no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd"
    )
    assert "«tittel»" in str(err.value)
    day = re.search(r"<saksdato>([^<]*)</saksdato>", first)
    assert day
    bad_date = first.replace(day.group(0), "<saksdato>6. januar</saksdato>")
    assert validation_errors(bad_date, "arkivmelding") == [
        "i /arkivmelding/mappe/saksdato: «6. januar» er ikke en gyldig dato eller tid"
    ]


def test_meeting_validates_and_a_meeting_without_utvalg_fails() -> None:
    xml = meeting_document(_meeting(), SOR).xml
    assert validation_errors(xml, "arkivstruktur") == []
    broken = re.sub(r"\s*<utvalg>[^<]*</utvalg>", "", xml.decode())
    reasons = validation_errors(broken, "arkivstruktur")
    assert reasons and "«utvalg»" in reasons[0]


@settings(max_examples=25, deadline=None)
@given(
    texts=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=4, unique=True),
    decision=st.one_of(st.none(), st.text(max_size=200)),
)
def test_any_text_gives_a_valid_meeting(texts: list[str], decision: str | None) -> None:
    meeting = MeetingRecord(
        body="ssu",
        date=dt.date(2025, 2, 27),
        number=texts[0],
        chair=texts[-1],
        items=tuple(MeetingItem(number=f"{i}-{t}", title=t, decision=decision) for i, t in enumerate(texts)),
    )
    document = meeting_document(meeting, SOR)
    assert validation_errors(document.xml, "arkivstruktur") == []
    assert len(ET.fromstring(document.xml).findall(f".//{{{AS}}}registrering")) == len(texts)
