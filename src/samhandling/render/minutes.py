"""The innkalling (notice with the saksliste) and the protokoll (minutes) of a meeting, in Norwegian.

HTML from a tiny renderer in which every value is escaped (``html.escape``); PDF with fpdf2 (the ``pdf`` extra,
imported only when a PDF is asked for). Both are built from one neutral list of sections, so they say the same.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from samhandling.errors import MissingExtraError
from samhandling.meetings.model import ItemKind, MeetingRecord, Presence

if TYPE_CHECKING:
    from samhandling.structure.graph import Structure

Section = tuple[str, list[str]]  # (heading, paragraphs)

_MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)


def _date(day: object) -> str:
    import datetime as dt

    assert isinstance(day, dt.date)
    return f"{day.day}. {_MONTHS[day.month - 1]} {day.year}"


def _party(structure: Structure | None, pid: str) -> str:
    if structure is None:
        return pid
    try:
        return structure.party(pid).name
    except Exception:
        return pid


def _body(structure: Structure | None, body: str) -> str:
    if structure is None:
        return body
    try:
        return str(structure.body(body).label)
    except Exception:
        return body


def sections(meeting: MeetingRecord, structure: Structure | None = None, *, minutes: bool) -> tuple[str, list[Section]]:
    """(title, sections) of the innkalling (``minutes=False``) or the protokoll."""
    body = _body(structure, meeting.body)
    title = f"{'Protokoll' if minutes else 'Innkalling'}: {body} {_date(meeting.date)}"
    head = [f"Møte i {body}, {_date(meeting.date)} ({meeting.kind.label}, {meeting.type})."]
    if meeting.parts:
        head.append("Deler: " + ", ".join(meeting.parts) + ".")
    if meeting.notice_sent and not minutes:
        head.append(f"Innkallingen er sendt {_date(meeting.notice_sent)}.")
    if meeting.convened_by:
        head.append(f"Innkalt av: {_party(structure, meeting.convened_by)}.")
    if minutes and meeting.minute_taker:
        head.append(f"Referent: {_party(structure, meeting.minute_taker)}.")
    out: list[Section] = [("Møtet", head)]
    if minutes:
        groups = {
            "Til stede": [a for a in meeting.attendance if a.presence is Presence.MEMBER],
            "Vara": [a for a in meeting.attendance if a.presence is Presence.DEPUTY],
            "Observatører": [a for a in meeting.attendance if a.presence is Presence.OBSERVER],
            "Forfall": [a for a in meeting.attendance if a.presence is Presence.ABSENT],
        }
        lines = []
        for label, entries in groups.items():
            if not entries:
                continue
            names = []
            for a in entries:
                name = _party(structure, a.party)
                if a.presence is Presence.DEPUTY:
                    name = f"{a.person or 'vara'} for {_party(structure, a.for_party or a.party)}"
                names.append(name)
            lines.append(f"{label}: {', '.join(names)}.")
        out.append(("Oppmøte", lines or ["Oppmøte er ikke registrert."]))
    items = []
    for item in meeting.agenda:
        kind = " (orientering)" if item.kind is ItemKind.INFORMATION else ""
        items.append(f"{item.case_number} {item.title}{kind}")
        if minutes:
            d = item.decision
            if d is None:
                items.append("  Ingen vedtak registrert.")
                continue
            if d.remark:
                items.append(f"  Vedtak: {d.remark}")
            if d.act:
                items.append(f"  Handling: {d.act}" + (f" ({d.outcome})" if d.outcome else ""))
            if d.dissent:
                items.append("  Dissens: " + ", ".join(_party(structure, p) for p in d.dissent) + ".")
    out.append(("Saksliste", items or ["Ingen saker."]))
    return title, out


def to_html(meeting: MeetingRecord, structure: Structure | None = None, *, minutes: bool = False) -> str:
    """The innkalling or protokoll as a standalone HTML page (every value escaped)."""
    title, parts = sections(meeting, structure, minutes=minutes)
    e = html.escape
    body = [f"<h1>{e(title)}</h1>"]
    for heading, paragraphs in parts:
        body.append(f"<h2>{e(heading)}</h2>")
        body.append("<ul>" if heading == "Saksliste" else "<div>")
        for p in paragraphs:
            if heading == "Saksliste":
                cls = ' class="vedtak"' if p.startswith("  ") else ""
                body.append(f"<li{cls}>{e(p.strip())}</li>")
            else:
                body.append(f"<p>{e(p)}</p>")
        body.append("</ul>" if heading == "Saksliste" else "</div>")
    return (
        '<!DOCTYPE html>\n<html lang="nb">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(title)}</title>\n"
        "<style>body{font-family:sans-serif;max-width:45em;margin:2em auto}li.vedtak{list-style:none;"
        "margin-left:1.5em;color:#333}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _latin1(text: str) -> str:
    # The PDF core fonts hold Latin-1 (æ, ø, å are there); anything else is shown as «?».
    return text.encode("latin-1", "replace").decode("latin-1")


def to_pdf(meeting: MeetingRecord, structure: Structure | None = None, *, minutes: bool = False) -> bytes:
    """The innkalling or protokoll as PDF (needs the ``pdf`` extra: fpdf2)."""
    try:
        from fpdf import FPDF
    except ModuleNotFoundError:
        raise MissingExtraError.for_module("fpdf2", "pdf") from None
    title, parts = sections(meeting, structure, minutes=minutes)
    pdf = FPDF()
    pdf.set_title(_latin1(title))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    for heading, paragraphs in parts:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(0, 7, _latin1(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        for p in paragraphs:
            indent = p.startswith("  ")
            if indent:
                pdf.set_x(pdf.l_margin + 8)
            pdf.multi_cell(0, 6, _latin1(p.strip()), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
