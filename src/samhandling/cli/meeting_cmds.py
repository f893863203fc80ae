"""CLI verbs on meeting records: ``samhandling meeting create|new|list|plan|add|remove|notice|open|minutes|close|
show|render``.

Meetings live in the same store as the cases (``--db``, see :mod:`samhandling.cli.support`). A meeting is named by
its id (``ssu-2024-02-29``) as ``meeting list`` shows it.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from samhandling.cli.output import emit_json, heading, table
from samhandling.cli.support import add_output, db_help, input_files, open_repo, parse_date, write_output
from samhandling.errors import UsageError

if TYPE_CHECKING:
    from samhandling.app.meetings import MeetingService
    from samhandling.meetings.model import MeetingRecord


def register(sub: Any) -> None:
    meeting = sub.add_parser("meeting", help="møter som saksdokumenter: saksliste, saksnummer, oppmøte, protokoll")
    verbs = meeting.add_subparsers(dest="meeting_command", metavar="HANDLING", parser_class=type(meeting))
    meeting.set_defaults(handler=lambda _args: (meeting.print_help(), 2)[1])

    def common(p: argparse.ArgumentParser, json: bool = True) -> None:
        p.add_argument("--db", metavar="URL", help=db_help())
        if json:
            p.add_argument("--json", action="store_true", help="skriv JSON")

    def one(name: str, helptext: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = verbs.add_parser(name, help=helptext)
        p.add_argument("meeting", metavar="MØTE", help="møtets id (se «meeting list»)")
        return p

    p = verbs.add_parser("create", help="opprett møtene i strukturens møteplan")
    p.add_argument("structure", metavar="STRUKTUR", help="innebygd navn eller sti til en YAML-fil")
    p.add_argument("--body", metavar="ORGAN", help="bare dette organets møter")
    p.add_argument("--year", type=int, metavar="ÅR", help="bare møtene i dette året")
    common(p)
    p.set_defaults(handler=cmd_create)

    p = verbs.add_parser("new", help="opprett et ekstraordinært møte (utenfor møteplanen)")
    p.add_argument("structure", metavar="STRUKTUR", help="innebygd navn eller sti til en YAML-fil")
    p.add_argument("body", metavar="ORGAN", help="organet som møtes")
    p.add_argument("--date", required=True, metavar="DATO", help="møtedatoen")
    p.add_argument("--type", default="møte", metavar="TYPE", help="møtetype, f.eks. digitalt møte")
    p.add_argument("--part", action="append", default=[], metavar="DEL", help="en del av møtet (kan gjentas)")
    p.add_argument("--title", metavar="TITTEL", help="møtets tittel")
    common(p)
    p.set_defaults(handler=cmd_new)

    p = verbs.add_parser("list", help="list møtene i lageret")
    p.add_argument("--body", metavar="ORGAN", help="bare dette organets møter (id)")
    p.add_argument("--year", type=int, metavar="ÅR", help="bare møtene i dette året")
    common(p)
    p.set_defaults(handler=cmd_list)

    p = verbs.add_parser("plan", help="foreslå sakslisten: saker som venter på organet og kom før fristen")
    p.add_argument("body", metavar="ORGAN", help="organet (id eller navn)")
    p.add_argument("--date", required=True, metavar="DATO", help="møtedatoen")
    p.add_argument("--add", action="store_true", help="sett sakene som kom i tide på sakslisten")
    common(p)
    p.set_defaults(handler=cmd_plan)

    p = one("add", "sett en sak eller en orienteringssak på sakslisten (får neste saksnummer)")
    p.add_argument("--case", metavar="SAK", help="sak-id (eller en entydig begynnelse av den)")
    p.add_argument("--info", metavar="TITTEL", help="en orienteringssak uten sak i lageret")
    common(p)
    p.set_defaults(handler=cmd_add)

    p = one("remove", "ta en sak av sakslisten (saksnummeret brukes aldri igjen)")
    p.add_argument("item", metavar="SAKSNR", help="saksnummeret, f.eks. «Sak 01/24» eller 01/24")
    common(p)
    p.set_defaults(handler=cmd_remove)

    p = one("notice", "registrer at innkallingen er sendt (kontrolleres mot fristreglene)")
    p.add_argument("--on", metavar="DATO", help="datoen innkallingen ble sendt (standard: i dag)")
    p.add_argument("--by", metavar="PART", help="parten som sendte innkallingen (kontrolleres mot rulleringen)")
    common(p)
    p.set_defaults(handler=cmd_notice)

    p = one("open", "åpne møtet og registrer oppmøtet")
    p.add_argument(
        "--present",
        action="append",
        default=[],
        metavar="PART[,PART…]",
        help="parter til stede på egen medlemsplass (kan gjentas)",
    )
    p.add_argument(
        "--deputy",
        action="append",
        default=[],
        metavar="NAVN=PART",
        help="en stedfortreder (vara) som møter for en part (kan gjentas; én per part)",
    )
    p.add_argument("--observer", action="append", default=[], metavar="PART", help="observatør (kan gjentas)")
    common(p)
    p.set_defaults(handler=cmd_open)

    p = one("minutes", "før protokollen: hvert vedtak blir sakens handling, alt eller ingenting")
    p.add_argument(
        "file", metavar="FIL", help="vedtakene (YAML eller CSV: saksnummer, handling, standpunkter, utfall, vedtak)"
    )
    p.add_argument("--close", action="store_true", help="lukk møtet når protokollen er ført")
    p.add_argument("--referent", metavar="PART", help="parten som skrev referatet (kontrolleres mot rulleringen)")
    common(p)
    p.set_defaults(handler=cmd_minutes)

    p = one("close", "lukk møtet")
    common(p)
    p.set_defaults(handler=cmd_close)

    p = one("show", "vis møtet: saksliste, oppmøte og vedtak")
    common(p)
    p.set_defaults(handler=cmd_show)

    p = one("render", "skriv innkallingen eller protokollen som HTML eller PDF (etter filendelsen)")
    p.add_argument("--kind", choices=("innkalling", "protokoll"), default="innkalling", help="hva som skrives")
    add_output(p, required=True, helptext="filen (.html eller .pdf)")
    common(p, json=False)
    p.set_defaults(handler=cmd_render)


def _service(args: argparse.Namespace, *, read_only: bool = False) -> MeetingService:
    from samhandling.app.meetings import MeetingService

    return MeetingService(open_repo(args.db, read_only=read_only))


def _date(text: str | None, option: str) -> Any:
    day = parse_date(text, option)
    if day is None:
        raise UsageError(f"{option} mangler")
    return day


def _say(args: argparse.Namespace, record: MeetingRecord, text: str) -> int:
    if args.json:
        emit_json(record.to_dict())
    else:
        print(text)
    return 0


def _rows(meetings: list[MeetingRecord]) -> list[list[Any]]:
    return [[m.meeting_id, m.date.isoformat(), m.body, m.kind.label, m.status.label, len(m.agenda)] for m in meetings]


def cmd_create(args: argparse.Namespace) -> int:
    svc = _service(args)
    made = svc.create_from_plan(args.structure, args.body, args.year)
    if args.json:
        emit_json([m.to_dict() for m in made])
        return 0
    if not made:
        print("Ingen nye møter: møteplanen har ingen, eller de finnes allerede.")
        return 0
    table(["møte", "dato", "organ", "type", "status", "saker"], _rows(made))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    svc = _service(args)
    m = svc.create(
        args.structure, args.body, _date(args.date, "--date"), type=args.type, parts=args.part, title=args.title
    )
    return _say(args, m, f"Opprettet {m.kind.label} {m.meeting_id}")


def cmd_list(args: argparse.Namespace) -> int:
    meetings = _service(args, read_only=True).meetings(args.body, args.year)
    if args.json:
        emit_json([m.to_dict() for m in meetings])
        return 0
    table(["møte", "dato", "organ", "type", "status", "saker"], _rows(meetings))
    return 0


def _find(svc: MeetingService, body: str, day: Any) -> MeetingRecord:
    from samhandling.errors import NotFoundError

    for m in svc.meetings():
        if m.date != day:
            continue
        if m.body.casefold() == body.casefold():
            return m
        try:
            if svc.structure_of(m).body(body).id == m.body:
                return m
        except NotFoundError:
            continue
    raise NotFoundError(
        f"fant ikke noe møte i {body} {day.isoformat()}; opprett det med «meeting create» eller «meeting new»",
        code="unknown-meeting",
    )


def cmd_plan(args: argparse.Namespace) -> int:
    svc = _service(args, read_only=not args.add)
    meeting = _find(svc, args.body, _date(args.date, "--date"))
    proposal = svc.propose(meeting.meeting_id)
    added = svc.add_proposed(meeting.meeting_id) if args.add else []
    if args.json:

        def cands(cs: Any) -> list[dict[str, Any]]:
            return [{"case": c.case_id, "title": c.title, "act": c.act, "ready": c.ready.isoformat()} for c in cs]

        emit_json(
            {
                "meeting": meeting.meeting_id,
                "deadline": proposal.deadline.isoformat(),
                "ready": cands(proposal.ready),
                "late": cands(proposal.late),
                "added": [i.to_dict() for i in added],
            }
        )
        return 0
    print(f"Forslag til saksliste for {meeting.meeting_id} (innmeldingsfrist {proposal.deadline.isoformat()})")
    table(
        ["sak", "tittel", "venter på", "klar"],
        [[c.case_id, c.title, c.act_label, c.ready.isoformat()] for c in proposal.ready],
    )
    if proposal.late:
        heading("Kom etter fristen")
        table(
            ["sak", "tittel", "venter på", "klar"],
            [[c.case_id, c.title, c.act_label, c.ready.isoformat()] for c in proposal.late],
        )
    for item in added:
        print(f"Satt på sakslisten: {item.case_number} {item.title}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    if bool(args.case) == bool(args.info):
        raise UsageError("oppgi enten --case SAK eller --info TITTEL")
    svc = _service(args)
    item = svc.add_case(args.meeting, args.case) if args.case else svc.add_information(args.meeting, args.info)
    if args.json:
        emit_json(item.to_dict())
    else:
        print(f"{item.case_number} {item.title}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    item = _service(args).remove(args.meeting, args.item)
    if args.json:
        emit_json(item.to_dict())
    else:
        print(f"Tatt av sakslisten: {item.case_number} {item.title} (nummeret brukes ikke igjen)")
    return 0


def cmd_notice(args: argparse.Namespace) -> int:
    from samhandling import clock

    svc = _service(args)
    day = parse_date(args.on, "--on") or clock.today()
    problem = svc.send_notice(args.meeting, day, by=args.by)
    if args.json:
        emit_json({"meeting": args.meeting, "notice_sent": day.isoformat(), "warning": problem})
    else:
        print(f"Innkallingen til {args.meeting} er registrert sendt {day.isoformat()}")
        if problem:
            print(f"Advarsel: {problem}", file=sys.stderr)
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    present = [p.strip() for item in args.present for p in item.split(",") if p.strip()]
    deputies: dict[str, str] = {}
    for item in args.deputy:
        person, sep, party = item.partition("=")
        if not sep or not party.strip():
            raise UsageError(f"--deputy: «{item}» er ikke på formen NAVN=PART")
        deputies[person.strip()] = party.strip()
    m = _service(args).open(args.meeting, present=present, deputies=deputies, observers=args.observer)
    return _say(args, m, f"Møtet {m.meeting_id} er åpnet; stemmeberettigede til stede: {len(m.present_voting)}")


def cmd_minutes(args: argparse.Namespace) -> int:
    from samhandling.app.repository import read_definition_text
    from samhandling.meetings.minutes import parse_decisions

    decisions = parse_decisions(read_definition_text(args.file, "vedtaksfilen"), args.file)
    m = _service(args).record_minutes(args.meeting, decisions, close=args.close, minute_taker=args.referent)
    done = [i for i in m.agenda if i.decision is not None]
    return _say(args, m, f"Protokollen til {m.meeting_id} er ført: {len(done)} vedtak")


def cmd_close(args: argparse.Namespace) -> int:
    m = _service(args).close(args.meeting)
    return _say(args, m, f"Møtet {m.meeting_id} er lukket")


def cmd_show(args: argparse.Namespace) -> int:
    svc = _service(args, read_only=True)
    m = svc.get(args.meeting)
    if args.json:
        emit_json(m.to_dict())
        return 0
    print(f"{m.title} ({m.kind.label}, {m.status.label})")
    if m.notice_sent:
        print(f"Innkalling sendt {m.notice_sent.isoformat()}" + (f" av {m.convened_by}" if m.convened_by else ""))
    if m.minute_taker:
        print(f"Referent: {m.minute_taker}")
    table(
        ["saksnr.", "tittel", "sak", "vedtak"],
        [
            [
                i.case_number,
                i.title,
                i.case_id or "orientering",
                (i.decision.remark or i.decision.act or "") if i.decision else "",
            ]
            for i in m.agenda
        ],
    )
    if m.attendance:
        heading("Oppmøte")
        table(["part", "oppmøte", "for"], [[a.party, a.presence.label, a.for_party or ""] for a in m.attendance])
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from samhandling.render.minutes import to_html, to_pdf

    svc = _service(args, read_only=True)
    m = svc.get(args.meeting)
    structure = svc.structure_of(m)
    minutes = args.kind == "protokoll"
    if args.output.lower().endswith(".pdf"):
        data: str | bytes = to_pdf(m, structure, minutes=minutes)
    else:
        data = to_html(m, structure, minutes=minutes)
    out = write_output(args.output, data, force=args.force, inputs=input_files())
    print(f"Skrev {out}")
    return 0
