"""CLI verbs on time: meetings, rotation, due, schedule, calendar."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from samhandling.cli.output import emit_json, heading, table
from samhandling.cli.support import add_output, input_files, parse_date, write_output


def register(sub: Any) -> None:
    p = sub.add_parser("meetings", help="vis møteplanen til en struktur")
    p.add_argument("structure", metavar="STRUKTUR", help="innebygd navn eller sti til en YAML-fil")
    p.add_argument("--year", type=int, metavar="ÅR", help="bare møtene i dette året")
    p.add_argument("--json", action="store_true", help="skriv JSON")
    p.set_defaults(handler=cmd_meetings)

    p = sub.add_parser("rotation", help="vis hvem som har rullerende roller (møteleder, referent, leder)")
    p.add_argument("structure", metavar="STRUKTUR", help="innebygd navn eller sti til en YAML-fil")
    p.add_argument("--from", dest="since", metavar="DATO", help="vis perioder fra denne datoen (standard: i dag)")
    p.add_argument("--to", dest="until", metavar="DATO", help="vis perioder til denne datoen (standard: to år fram)")
    p.add_argument("--json", action="store_true", help="skriv JSON")
    p.set_defaults(handler=cmd_rotation)

    p = sub.add_parser(
        "due", help="vis evalueringer, innmeldingsfrister til møter og sakenes frister som forfaller eller har forfalt"
    )
    p.add_argument(
        "structures", nargs="*", metavar="STRUKTUR", help="innebygde navn eller stier (standard: alle innebygde)"
    )
    p.add_argument("--on", metavar="DATO", help="datoen det gjelder (standard: i dag)")
    p.add_argument(
        "--within",
        type=_days,
        default=30,
        metavar="DAGER",
        help="ta med det som forfaller innen så mange dager (0–36500)",
    )
    p.add_argument(
        "--db",
        metavar="URL",
        help="hendelseslageret med sakenes tidsfrister (standard: $SAMHANDLING_DB "
        "eller samhandling.db, når det finnes)",
    )
    p.add_argument("--json", action="store_true", help="skriv JSON")
    p.set_defaults(handler=cmd_due)

    p = sub.add_parser("schedule", help="tidligste møter for de gjenstående stegene i en prosess")
    p.add_argument("structure", metavar="STRUKTUR", help="innebygd navn eller sti til en YAML-fil")
    p.add_argument("process", nargs="?", metavar="PROSESS", help="prosessen (standard: strukturens egen)")
    p.add_argument("--from", dest="ready", required=True, metavar="DATO", help="datoen saken er klar")
    p.add_argument(
        "--deadline",
        action="append",
        default=[],
        metavar="ORGAN=DAGER",
        help="innmeldingsfrist i dager før møtet (kan gjentas)",
    )
    p.add_argument(
        "--via",
        action="append",
        default=[],
        metavar="ORGAN",
        help="i stedet for en prosess: organene saken skal gjennom, i rekkefølge (kan gjentas)",
    )
    p.add_argument("--same-meeting", action="store_true", help="la samme organ ta etterfølgende steg i samme møte")
    p.add_argument("--json", action="store_true", help="skriv JSON")
    p.set_defaults(handler=cmd_schedule)

    p = sub.add_parser("calendar", help="skriv møteplanen og fristene som iCalendar (.ics)")
    p.add_argument("structure", metavar="STRUKTUR", help="innebygd navn eller sti til en YAML-fil")
    p.add_argument("--year", type=int, metavar="ÅR", help="bare møtene i dette året")
    p.add_argument(
        "--deadline", action="append", default=[], metavar="ORGAN=DAGER", help="innmeldingsfrist (kan gjentas)"
    )
    p.add_argument("--db", metavar="URL", help="ta med sakenes åpne tidsfrister fra dette hendelseslageret")
    add_output(p, required=False, helptext="filen som skrives (standard: skriv til standard ut)")
    p.set_defaults(handler=cmd_calendar)


def _days(text: str) -> int:
    if not text.strip().isdigit() or len(text.strip()) > 5 or int(text) > 36500:
        raise argparse.ArgumentTypeError(f"«{text}» er ikke et antall dager fra 0 til 36500")
    return int(text)


def _date(text: str | None, what: str) -> dt.date:
    """A date option; none given: today by the clock (``--today``/``$SAMHANDLING_TODAY``)."""
    from samhandling import clock

    return parse_date(text, what) or clock.today()


def _deadlines(items: list[str]) -> dict[str, int]:
    from samhandling.errors import UsageError

    out: dict[str, int] = {}
    for item in items:
        body, sep, days = item.partition("=")
        if not sep or not body.strip() or not days.strip().isdigit():
            raise UsageError(f"--deadline «{item}»: forventet ORGAN=DAGER, f.eks. FSU=10")
        out[body.strip()] = int(days)
    return out


def cmd_meetings(args: argparse.Namespace) -> int:
    from samhandling.structure.loader import load
    from samhandling.time.meeting_plan import meeting_plan

    s = load(args.structure)
    meetings = [m for m in meeting_plan(s).meetings if args.year is None or m.date.year == args.year]
    rows = [
        (
            m.date.isoformat(),
            s.body(m.body).label,
            m.host or "",
            m.venue or "",
            m.mode.label if m.mode else "",
            ", ".join([t.label for t in m.types] + [p.label for p in m.parts]),
        )
        for m in meetings
    ]
    if args.json:
        keys = ("date", "body", "host", "venue", "mode")
        emit_json(
            [
                {
                    **dict(zip(keys, r[:5], strict=True)),
                    "types": [t.value for t in m.types],
                    "parts": [
                        {"label": p.label, "type": p.type.value if p.type else None, "minutes": p.minutes}
                        for p in m.parts
                    ],
                }
                for r, m in zip(rows, meetings, strict=True)
            ]
        )
        return 0
    if not rows:
        print(f"{s.name}: ingen møter i planen" + (f" for {args.year}" if args.year else ""))
        return 0
    heading(f"Møteplan: {s.name}" + (f" {args.year}" if args.year else ""))
    table(("dato", "organ", "vert", "sted", "form", "type og deler"), rows)
    return 0


def cmd_rotation(args: argparse.Namespace) -> int:
    from samhandling.structure.loader import load
    from samhandling.time.rotation import add_months, role_label, rotations, schedule

    s = load(args.structure)
    since = _date(args.since, "--from")
    until = _date(args.until, "--to") if args.until else add_months(since, 24)
    assignments = schedule(s, until, since=since)
    if args.json:
        emit_json(
            [
                {
                    "rotation": a.rotation,
                    "body": a.body,
                    "role": a.role,
                    "start": a.start,
                    "end": a.end,
                    "holder": a.holder,
                    "label": a.label,
                    "double": a.double,
                }
                for a in assignments
            ]
        )
        return 0
    if not rotations(s):
        print(f"{s.name}: ingen rulleringer er beskrevet")
        return 0
    heading(f"Rullering: {s.name} ({since.isoformat()} – {until.isoformat()})")
    table(
        ("fra", "til", "organ", "rolle", "innehaver"),
        [
            (
                a.start.isoformat(),
                a.end.isoformat(),
                s.body(a.body).label,
                role_label(a.role),
                a.label + (" (også i et annet nettverk)" if a.double else ""),
            )
            for a in assignments
        ],
    )
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    from samhandling.structure.loader import bundled_names, load
    from samhandling.time.evaluations import due_items
    from samhandling.time.schedule import submission_deadlines

    on = _date(args.on, "--on")
    rows: list[dict[str, Any]] = []
    for name in args.structures or bundled_names():
        s = load(name)
        for item in due_items(s, on, args.within):
            ev = item.evaluation
            rows.append(
                {
                    "structure": s.id,
                    "id": ev.id,
                    "title": ev.title,
                    "body": s.body(ev.body).label if ev.body else "",
                    "deadline": item.deadline.isoformat(),
                    "status": item.status.value,
                    "status_label": item.status.label,
                    "explanation": item.explanation
                    + (
                        f" (og {item.earlier_missed} tidligere uten registrert gjennomføring)"
                        if item.earlier_missed
                        else ""
                    ),
                }
            )
        for meeting, last, n in submission_deadlines(s, on, args.within):
            body = s.body(meeting.body).label
            rows.append(
                {
                    "structure": s.id,
                    "id": f"innmelding-{meeting.body}-{meeting.date.isoformat()}",
                    "title": f"frist for saker til møtet {meeting.date.strftime('%d.%m.%Y')}",
                    "body": body,
                    "deadline": last.isoformat(),
                    "status": "upcoming",
                    "status_label": "kommende",
                    "explanation": f"saker meldes inn senest {n} dager før møtet i {body}",
                }
            )
    from samhandling.cli.tick_cmds import case_deadline_rows

    rows.extend(
        case_deadline_rows(args.db, on, args.within)
    )  # the cases' own deadlines (timers), when a store is there
    if args.json:
        emit_json(rows)
        return 0
    if not rows:
        print(f"ingenting forfaller eller har forfalt per {on.isoformat()}")
        return 0
    heading(f"Forfaller eller har forfalt per {on.isoformat()}")
    table(
        ("struktur", "hva", "organ", "frist", "status", "merknad"),
        [(r["structure"], r["title"], r["body"], r["deadline"], r["status_label"], r["explanation"]) for r in rows],
    )
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    from samhandling.errors import UsageError
    from samhandling.process.loader import get_process
    from samhandling.structure.loader import load
    from samhandling.time.schedule import project, project_pairs

    s = load(args.structure)
    ready = _date(args.ready, "--from")
    deadlines = _deadlines(args.deadline)
    if args.via and args.process:
        raise UsageError("oppgi enten PROSESS eller --via, ikke begge")
    if args.via:
        timeline = project_pairs(
            s, [(f"behandling i {b}", b) for b in args.via], ready, deadlines=deadlines, same_meeting=args.same_meeting
        )
    else:
        timeline = project(get_process(s, args.process), ready, deadlines=deadlines, same_meeting=args.same_meeting)
    if args.json:
        emit_json([p.to_dict() for p in timeline])
        return 0
    heading(f"Tidligste behandling: {s.name}, klar {ready.isoformat()}")
    from samhandling.time.meeting_plan import meeting_plan

    if not meeting_plan(s).meetings:
        print("merk: strukturen har ingen møteplan, så ingen steg venter på et møte")
    table(
        ("steg", "organ", "møte", "frist for innmelding", "merknad"),
        [
            (
                p.label,
                p.body_label,
                p.date.isoformat() if p.date else "ingen dato",
                p.deadline.isoformat() if p.deadline else "",
                p.reason or "",
            )
            for p in timeline
        ],
    )
    return 0 if all(p.scheduled for p in timeline) else 1


def cmd_calendar(args: argparse.Namespace) -> int:
    import sys

    from samhandling.structure.loader import load
    from samhandling.time.calendar_export import to_ical

    s = load(args.structure)
    case_deadlines = []
    if args.db:
        from samhandling.cli.support import open_repo

        case_deadlines = open_repo(args.db, read_only=True).deadlines(status="open")
    data = to_ical(s, args.year, deadlines=_deadlines(args.deadline), case_deadlines=case_deadlines)
    if args.output is not None:
        write_output(args.output, data, force=args.force, inputs=input_files(args.structure))
        print(f"skrev {data.count(b'BEGIN:VEVENT')} hendelser til {args.output}")
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0
