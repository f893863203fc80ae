"""CLI verbs on durable cases: ``samhandling case new|act|show|history|list|verify``.

The store is ``--db URL``, else ``$SAMHANDLING_DB``, else ``samhandling.db`` in
the current directory (a plain path means SQLite). Human output is Norwegian;
``--json`` gives stable JSON for scripts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from samhandling.cli.output import emit_json, heading, table
from samhandling.errors import ActRefusedError, UsageError

if TYPE_CHECKING:
    from samhandling.store import CaseRepository, StoredEvent
    from samhandling.structure import Structure


def register(sub: Any) -> None:
    case = sub.add_parser("case", help="varige saker: opprett, handle, vis, historikk, kontroller")
    verbs = case.add_subparsers(dest="case_command", metavar="HANDLING", parser_class=type(case))
    case.set_defaults(handler=lambda _args: _help(case))

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", metavar="URL", help="hendelseslager: filsti (SQLite) eller postgresql://… "
                                                   "(standard: $SAMHANDLING_DB, ellers samhandling.db)")
        p.add_argument("--json", action="store_true", help="skriv JSON")

    p = verbs.add_parser("new", help="opprett en sak")
    p.add_argument("structure", metavar="STRUKTUR", help="innebygd navn eller sti til en YAML-fil")
    p.add_argument("process", metavar="PROSESS", help="prosessens navn, f.eks. tjenestemodell")
    p.add_argument("--title", required=True, metavar="TITTEL", help="sakens tittel")
    p.add_argument("--on", metavar="DATO", help="dato (ÅÅÅÅ-MM-DD; standard: i dag)")
    p.add_argument("--id", dest="case_id", metavar="ID", help="egen sak-id (standard: generert)")
    p.add_argument("--set", action="append", default=[], metavar="NØKKEL=VERDI", help="data til saken (kan gjentas)")
    common(p)
    p.set_defaults(handler=cmd_new)

    p = verbs.add_parser("act", help="utfør en handling på en sak")
    p.add_argument("case", metavar="SAK", help="sak-id (eller en entydig begynnelse av den)")
    p.add_argument("act", metavar="HANDLING", help="handlingens navn, f.eks. draft_mandate")
    p.add_argument("--by", required=True, metavar="ORGAN", help="organet som handler")
    p.add_argument("--on", metavar="DATO", help="dato (ÅÅÅÅ-MM-DD; standard: i dag)")
    p.add_argument("--person", metavar="NAVN", help="personen som handler")
    p.add_argument("--set", action="append", default=[], metavar="NØKKEL=VERDI",
                   help="data til handlingen (true/false, heltall, JSON-lister/-objekter, ellers tekst)")
    common(p)
    p.set_defaults(handler=cmd_act)

    for name, helptext, handler in (
        ("show", "vis en sak: tilstand, data og mulige handlinger", cmd_show),
        ("history", "vis sakens tidslinje", cmd_history),
    ):
        p = verbs.add_parser(name, help=helptext)
        p.add_argument("case", metavar="SAK", help="sak-id (eller en entydig begynnelse av den)")
        common(p)
        p.set_defaults(handler=handler)

    p = verbs.add_parser("list", help="list sakene i lageret")
    common(p)
    p.set_defaults(handler=cmd_list)

    p = verbs.add_parser("verify", help="kontroller hashkjeden (én sak eller alle)")
    p.add_argument("case", nargs="?", metavar="SAK", help="sak-id (standard: alle saker)")
    common(p)
    p.set_defaults(handler=cmd_verify)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


# ---------------------------------------------------------------------------------------------- parsing

_INT = re.compile(r"^[+-]?\d+$")


def parse_value(text: str) -> Any:
    """``--set`` values: true/false, integers, JSON lists/objects/null, else the text itself."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "null":
        return None
    if _INT.match(text.strip()):
        return int(text)
    if text.strip().startswith(("[", "{")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"«{text}» ser ut som JSON, men kan ikke leses ({exc.msg}, tegn {exc.pos})") from exc
    return text


def parse_sets(items: Sequence[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
            raise UsageError(f"«{item}» er ikke på formen NØKKEL=VERDI (nøkkel: bokstaver, tall og _)")
        data[key] = parse_value(value)
    return data


def parse_day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    from samhandling.loader import parse_norwegian_date

    day = parse_norwegian_date(text)
    if day is None:
        raise UsageError(f"«{text}» er ikke en dato; bruk ÅÅÅÅ-MM-DD")
    return day


def _repo(args: argparse.Namespace) -> CaseRepository:
    from samhandling.store import CaseRepository, open_store

    return CaseRepository(open_store(args.db))


def store_location(url: str) -> str:
    """Where a store is, for people (a SQLite file's path; a database URL without password)."""
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///"):]
    if url.startswith("memory:"):
        return "minnet (ikke varig)"
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # pragma: no cover - shown as typed
        return url


# ---------------------------------------------------------------------------------------------- presentation

OUTCOME_NB = {"adopted": "vedtatt", "rejected": "ikke vedtatt", "postponed": "utsatt"}
POSITION_NB = {"for": "for", "against": "mot", "abstain": "avstår"}
KEY_NB = {
    "input_clinics": "innspill fra klinikker", "input_municipalities": "innspill fra kommuner",
    "user_involvement": "brukerinvolvering", "economic": "økonomi", "organisational": "organisering",
    "political_review": "politisk behandling", "reason": "begrunnelse", "to": "til",
}


def _name(structure: Structure | None, ident: str | None, kind: str) -> str:
    if ident is None:
        return "-"
    if structure is None:
        return ident
    try:
        return structure.body(ident).label if kind == "body" else structure.party(ident).name
    except Exception:
        return ident


def describe_payload(payload: dict[str, Any], structure: Structure | None) -> str:
    """A short Norwegian summary of an event's data."""
    parts: list[str] = []
    for key, value in sorted(payload.items(), key=lambda kv: kv[0] != "party"):  # the party first
        if key in ("title", "version", "data", "case_id"):
            continue
        if key == "party":
            parts.append(_name(structure, str(value), "party"))
        elif key == "outcome":
            parts.append(OUTCOME_NB.get(str(value), str(value)))
        elif key == "positions" and isinstance(value, dict):
            counts: dict[str, int] = {}
            for pos in value.values():
                counts[str(pos)] = counts.get(str(pos), 0) + 1
            parts.append("standpunkter: " + ", ".join(f"{n} {POSITION_NB.get(p, p)}" for p, n in counts.items()))
        elif isinstance(value, bool):
            parts.append(f"{KEY_NB.get(key, key)}: {'ja' if value else 'nei'}")
        else:
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            parts.append(f"{KEY_NB.get(key, key)}: {text}")
    return "; ".join(parts)


def timeline_rows(repo: CaseRepository, case_id: str) -> list[tuple[str, ...]]:
    """One row per event: date, who, what, state change, details (Norwegian)."""
    h = repo.header(case_id)
    try:
        definition = repo.definition_for(h)
        structure: Structure | None = definition.structure
    except Exception:
        definition, structure = None, None

    def state(name: str | None) -> str:
        if name is None:
            return ""
        return definition.state_label(name) if definition is not None else name

    def act_label(name: str) -> str:
        if name == "open":
            return "opprettet saken"
        if definition is None:
            return name
        try:
            return str(definition.act_def(name).label)
        except Exception:
            return name

    rows: list[tuple[str, ...]] = []
    for e in repo.history(case_id):
        change = state(e.to_state) if e.from_state is None else (
            f"{state(e.from_state)} → {state(e.to_state)}" if e.from_state != e.to_state else "")
        who = _name(structure, e.body, "body") if e.body else "-"
        if e.person:
            who = f"{who} ({e.person})"
        rows.append((str(e.seq), e.on.isoformat(), who, act_label(e.act), change, describe_payload(e.payload, structure)))
    return rows


def print_timeline(repo: CaseRepository, case_id: str, out: Any = None) -> None:
    table(("nr", "dato", "hvem", "hva", "tilstand", "detaljer"), timeline_rows(repo, case_id), out=out)


def _event_json(e: StoredEvent) -> dict[str, Any]:
    return e.to_dict()


def _case_json(repo: CaseRepository, case_id: str) -> dict[str, Any]:
    case = repo.load(case_id)
    h = repo.header(case_id)
    return {
        "id": case.id, "title": case.title, "structure": h.structure, "process": h.process, "version": h.version,
        "created": h.created, "state": case.state, "state_label": case.state_label, "is_final": case.is_final,
        "events": len(case.history), "data": case.data,
        "available_acts": [{"act": a.act, "label": a.label, "bodies": list(a.bodies)} for a in case.available_acts()],
        "store": store_location(repo.store.url),
        "definition_changes": [d.to_dict() for d in repo.drift(case_id)],
    }


# ---------------------------------------------------------------------------------------------- verbs


def cmd_new(args: argparse.Namespace) -> int:
    repo = _repo(args)
    case = repo.create(args.structure, args.process, title=args.title, on=parse_day(args.on), case_id=args.case_id,
                       **parse_sets(args.set))
    if args.json:
        emit_json(_case_json(repo, case.id))
        return 0
    print(f"Opprettet sak {case.id} «{case.title}» ({case.process} v{case.version}); tilstand: {case.state_label}")
    print(f"Lager: {store_location(repo.store.url)}")
    return 0


def cmd_act(args: argparse.Namespace) -> int:
    repo = _repo(args)
    case_id = repo.resolve(args.case)
    payload = parse_sets(args.set)
    try:
        case = repo.act(case_id, args.act, by=args.by, on=parse_day(args.on), person=args.person, **payload)
    except ActRefusedError as exc:
        reasons = [str(r) for r in exc.details.get("reasons", [])] or [exc.message]
        if args.json:
            emit_json({"ok": False, "case": case_id, "error": exc.to_dict()})
        else:
            print(f"Avvist [{exc.code}]: sak {case_id}, «{args.act}» av {args.by}; ingenting ble lagret.",
                  file=sys.stderr)
            for reason in reasons:
                print(f"  - {reason}", file=sys.stderr)
        return 1
    e = case.history[-1]
    if args.json:
        emit_json({"ok": True, "case": case.id, "event": e.to_dict(), "state": case.state,
                   "state_label": case.state_label, "is_final": case.is_final})
        return 0
    change = (f"{case.definition.state_label(e.from_state)} → {case.state_label}" if e.from_state != e.to_state
              else f"fortsatt {case.state_label}")
    print(f"Sak {case.id}, hendelse nr. {e.seq} ({e.on.isoformat()}): {case.definition.act_def(e.act).label} "
          f"av {_name(case.definition.structure, e.body, 'body')}; {change}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    repo = _repo(args)
    case_id = repo.resolve(args.case)
    info = _case_json(repo, case_id)
    if args.json:
        emit_json(info)
        return 0
    print(f"Sak {info['id']}: «{info['title']}»")
    print(f"Struktur: {info['structure']}; prosess: {info['process']} v{info['version']}; opprettet {info['created']}")
    print(f"Tilstand: {info['state_label']}{' (avsluttet)' if info['is_final'] else ''}; "
          f"{info['events']} hendelser")
    for note in info["definition_changes"]:
        print(f"Merk: {note['message']}")
    if info["available_acts"]:
        heading("Mulige handlinger nå")
        table(("handling", "beskrivelse", "hvem"), [(a["act"], a["label"], ", ".join(a["bodies"]))
                                                   for a in info["available_acts"]])
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    repo = _repo(args)
    case_id = repo.resolve(args.case)
    if args.json:
        emit_json([_event_json(e) for e in repo.history(case_id)])
        return 0
    h = repo.header(case_id)
    print(f"Tidslinje for sak {case_id}: «{h.title}»")
    print_timeline(repo, case_id)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    repo = _repo(args)
    summaries = repo.summaries()  # one query: headers with the state after their last event
    items: list[dict[str, Any]] = [{"id": s.header.case_id, "title": s.header.title, "structure": s.header.structure,
                                    "process": s.header.process, "state": s.state, "events": s.events,
                                    "created": s.header.created} for s in summaries]
    if args.json:
        emit_json(items)
        return 0
    if not items:
        print(f"Ingen saker i {store_location(repo.store.url)}")
        return 0
    table(("id", "tittel", "struktur", "prosess", "tilstand", "hendelser", "opprettet"),
          [(i["id"], i["title"], i["structure"], i["process"], repo.state_label(s), i["events"], i["created"][:10])
           for i, s in zip(items, summaries, strict=True)])
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    repo = _repo(args)
    case_id = repo.resolve(args.case) if args.case else None
    result = repo.store.verify(case_id)
    if args.json:
        emit_json(result.to_dict())
    elif result.ok:
        print(f"OK: hashkjeden stemmer for {result.cases} saker og {result.events} hendelser "
              f"({store_location(repo.store.url)})")
    else:
        print(f"FEIL: hashkjeden er brutt i {len(result.failures)} av {result.cases} saker:")
        for f in result.failures:
            print(f"  - {f.message}")
    return 0 if result.ok else 1
