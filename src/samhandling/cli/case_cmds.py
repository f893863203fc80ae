"""CLI verbs on durable cases: ``samhandling case new|act|correct|show|history|list|verify``.

The store is ``--db URL``, else ``$SAMHANDLING_DB``, else ``samhandling.db`` in
the current directory (a plain path means SQLite; see :mod:`samhandling.cli.support`).
Reading verbs open the store read-only and never create it. Human output is
Norwegian; ``--json`` gives stable JSON for scripts.
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
from samhandling.cli.support import db_help, open_repo, parse_attributes, parse_date, store_location
from samhandling.errors import ActRefusedError, NotFoundError, UsageError

if TYPE_CHECKING:
    from samhandling.app.repository import CaseRepository
    from samhandling.store import StoredEvent
    from samhandling.structure.graph import Structure


def register(sub: Any) -> None:
    case = sub.add_parser("case", help="varige saker: opprett, handle, vis, historikk, kontroller")
    verbs = case.add_subparsers(dest="case_command", metavar="HANDLING", parser_class=type(case))
    case.set_defaults(handler=lambda _args: _help(case))

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", metavar="URL", help=db_help())
        p.add_argument("--json", action="store_true", help="skriv JSON")

    p = verbs.add_parser("new", help="opprett en sak")
    p.add_argument("structure", metavar="STRUKTUR", help="innebygd navn eller sti til en YAML-fil")
    p.add_argument("process", metavar="PROSESS", help="prosessens navn, f.eks. tjenestemodell")
    p.add_argument("--title", required=True, metavar="TITTEL", help="sakens tittel")
    p.add_argument("--on", metavar="DATO", help="dato (ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ; standard: i dag)")
    p.add_argument("--id", dest="case_id", metavar="ID", help="egen sak-id (standard: generert)")
    p.add_argument("--set", action="append", default=[], metavar="NØKKEL=VERDI", help="data til saken (kan gjentas)")
    p.add_argument(
        "--attr",
        action="append",
        default=[],
        metavar="NØKKEL=VERDI",
        help="sakens egenskaper for ruting, f.eks. region=nedre (kan gjentas; «path --case» følger dem)",
    )
    common(p)
    p.set_defaults(handler=cmd_new)

    p = verbs.add_parser("act", help="utfør en handling på en sak")
    p.add_argument("case", metavar="SAK", help="sak-id (eller en entydig begynnelse av den)")
    p.add_argument(
        "act",
        metavar="HANDLING",
        help="handlingens navn eller beskrivelse, f.eks. draft_mandate eller «godkjenne mandatet» (se «case show»)",
    )
    p.add_argument("--by", required=True, metavar="ORGAN", help="organet som handler")
    p.add_argument(
        "--on", metavar="DATO", help="datoen handlingen gjelder fra (ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ; standard: i dag)"
    )
    p.add_argument("--person", metavar="NAVN", help="personen som handler")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NØKKEL=VERDI",
        help="data til handlingen (true/false, heltall, JSON-lister/-objekter, ellers tekst)",
    )
    p.add_argument(
        "--positions",
        metavar="PART=STANDPUNKT,…",
        help="partenes standpunkter, f.eks. «Sola=mot,alle andre=for»: parter ved id, navn eller alias; "
        "«alle andre» er alle strukturens parter som ikke er nevnt; standpunktet skrives som i "
        "prosessen (for, mot, avstår, …)",
    )
    common(p)
    p.set_defaults(handler=cmd_act)

    p = verbs.add_parser(
        "correct", help="rett en registrert hendelse (legger til en retting; historikken endres aldri)"
    )
    p.add_argument("case", metavar="SAK", help="sak-id (eller en entydig begynnelse av den)")
    p.add_argument("event", metavar="NR", type=_seq, help="nummeret til hendelsen som rettes (se «case history»)")
    p.add_argument("--reason", required=True, metavar="TEKST", help="hvorfor hendelsen rettes")
    p.add_argument("--on", metavar="DATO", help="den riktige datoen hendelsen gjaldt fra (ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NØKKEL=VERDI",
        help="riktige opplysninger i hendelsen (som for «case act»; kan gjentas)",
    )
    p.add_argument("--by", metavar="ORGAN", help="organet som retter (standard: sekretariatet, intet organ)")
    p.add_argument("--person", metavar="NAVN", help="personen som retter")
    common(p)
    p.set_defaults(handler=cmd_correct)

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
MAX_DIGITS = 18  # a larger «integer» is a typo or an attack, not a fact about a case


def _seq(text: str) -> int:
    if not re.fullmatch(r"\d{1,9}", text.strip()):
        raise argparse.ArgumentTypeError(f"«{text}» er ikke et hendelsesnummer (et positivt heltall)")
    return int(text)


def _no_constants(word: str) -> Any:
    raise UsageError(f"«{word}» er ikke et tall som kan lagres (NaN og uendelig er ikke tillatt)", code="bad-value")


def parse_value(text: str) -> Any:
    """``--set`` values: true/false, integers, JSON lists/objects/null, else the text itself."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "null":
        return None
    if _INT.match(text.strip()):
        if len(text.strip().lstrip("+-")) > MAX_DIGITS:
            raise UsageError(
                f"heltallet «{text[:20]}…» har mer enn {MAX_DIGITS} sifre; skriv det som tekst i "
                'JSON («"…"») om det er ment',
                code="bad-value",
            )
        return int(text)
    if text.strip().startswith(("[", "{")):
        try:
            value = json.loads(text, parse_constant=_no_constants)
        except json.JSONDecodeError as exc:
            raise UsageError(f"«{text}» ser ut som JSON, men kan ikke leses ({exc.msg}, tegn {exc.pos})") from exc
        except ValueError as exc:  # e.g. an integer beyond Python's digit limit
            raise UsageError(f"«{text[:40]}…» kan ikke leses som JSON ({exc})", code="bad-value") from None
        except RecursionError:
            raise UsageError("JSON-verdien er for dypt nøstet", code="bad-value") from None
        _check_json_ints(value)
        return value
    return text


def _check_json_ints(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, bool):
            continue
        if isinstance(item, int) and abs(item) >= 10**MAX_DIGITS:
            raise UsageError(f"et heltall i JSON-verdien har mer enn {MAX_DIGITS} sifre", code="bad-value")
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def parse_sets(items: Sequence[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
            raise UsageError(f"«{item}» er ikke på formen NØKKEL=VERDI (nøkkel: bokstaver, tall og _)")
        if key in data:
            raise UsageError(f"--set {key} er oppgitt to ganger", code="duplicate-key")
        try:
            data[key] = parse_value(value)
        except UsageError as exc:
            raise UsageError(f"--set {key}: {exc.message}", code=exc.code) from None
    return data


EVERYONE_ELSE = ("alle andre", "alle de andre", "resten", "everyone else", "alle andre partar")


def parse_positions(text: str, structure: Structure, everyone: Sequence[str] | None = None) -> dict[str, str]:
    """``--positions "Sola=mot,alle andre=for"``: a mapping party id → position word, as the engine takes it.

    Parties by id, name or alias; «alle andre» means every party of the structure not named before or after it
    (``everyone``: the ids of the parties that count in the deciding body that day; None: the structure's
    parties). The words are passed on as written: the engine decides
    which are positions. One party twice, an unknown party or a missing «=» is a usage error.
    """
    named: dict[str, str] = {}
    rest: str | None = None
    shown: dict[str, str] = {}
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        who, sep, word = item.partition("=")
        who, word = who.strip(), word.strip()
        if not sep or not who or not word:
            raise UsageError(
                f"--positions: «{item}» er ikke på formen PART=STANDPUNKT (f.eks. Sola=mot)", code="bad-positions"
            )
        if who.casefold() in EVERYONE_ELSE:
            if rest is not None:
                raise UsageError("--positions: «alle andre» er oppgitt to ganger", code="duplicate-party")
            rest = word
            continue
        try:
            party = structure.party(who)
        except NotFoundError:
            names = ", ".join(p.name for p in structure.parties[:20])
            raise UsageError(
                f"--positions: «{who}» er ingen part i {structure.name} (partene: {names})", code="unknown-party"
            ) from None
        if party.id in named:
            raise UsageError(
                f"--positions: {party.name} er nevnt to ganger («{shown[party.id]}» og «{who}»)", code="duplicate-party"
            )
        named[party.id] = word
        shown[party.id] = who
    if rest is not None:
        for party_id in everyone if everyone is not None else [p.id for p in structure.parties]:
            named.setdefault(party_id, rest)
    if not named:
        raise UsageError("--positions: ingen standpunkter oppgitt", code="bad-positions")
    return named


def parse_day(text: str | None, option: str = "--on") -> dt.date:
    """An effective date option; none given: today by the clock (``--today``/``$SAMHANDLING_TODAY``)."""
    from samhandling import clock

    return parse_date(text, option) or clock.today()


def _repo(args: argparse.Namespace, *, read_only: bool = False) -> CaseRepository:
    return open_repo(args.db, read_only=read_only)


# ---------------------------------------------------------------------------------------------- presentation

OUTCOME_NB = {"adopted": "vedtatt", "rejected": "ikke vedtatt", "postponed": "utsatt"}
POSITION_NB = {"for": "for", "against": "mot", "abstain": "avstår"}
KEY_NB = {
    "input_clinics": "innspill fra klinikker",
    "input_municipalities": "innspill fra kommuner",
    "user_involvement": "brukerinvolvering",
    "economic": "økonomi",
    "organisational": "organisering",
    "political_review": "politisk behandling",
    "reason": "begrunnelse",
    "to": "til",
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


CORRECT = "correct"


def describe_correction(payload: Any, structure: Structure | None, original: StoredEvent | None = None) -> str:
    """«rettet: …»: what a correction changed (the date, the facts) and why."""
    parts: list[str] = []
    on = payload.get("on")
    if on:
        before = f"{original.on.isoformat()} → " if original is not None else ""
        parts.append(f"dato {before}{on}")
    facts = payload.get("facts")
    if isinstance(facts, dict) and facts:
        parts.append(describe_payload(facts, structure))
    reason = payload.get("reason")
    text = "rettet: " + ("; ".join(parts) if parts else "ingen endring oppgitt")
    return text + (f" (begrunnelse: {reason})" if reason else "")


def timeline_rows(repo: CaseRepository, case_id: str) -> list[tuple[str, ...]]:
    """One row per event: date, who, what, state change, details (Norwegian).

    A correction (act ``correct``) gets its own row, and a «rettet» row under the event it corrects.
    """
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

    events = repo.history(case_id)
    corrections: dict[int, list[StoredEvent]] = {}
    for e in events:
        target = e.payload.get("event") if e.act == CORRECT else None
        if isinstance(target, int) and not isinstance(target, bool):
            corrections.setdefault(target, []).append(e)
    rows: list[tuple[str, ...]] = []
    for e in events:
        who = _name(structure, e.body, "body") if e.body else "-"
        if e.person:
            who = f"{who} ({e.person})"
        if e.act == CORRECT:
            if not e.body:
                who = "sekretariatet" + (f" ({e.person})" if e.person else "")
            rows.append(
                (
                    str(e.seq),
                    e.on.isoformat(),
                    who,
                    f"retting av nr. {e.payload.get('event', '?')}",
                    "",
                    describe_correction(e.payload, structure),
                )
            )
            continue
        change = (
            state(e.to_state)
            if e.from_state is None
            else (f"{state(e.from_state)} → {state(e.to_state)}" if e.from_state != e.to_state else "")
        )
        rows.append(
            (str(e.seq), e.on.isoformat(), who, act_label(e.act), change, describe_payload(e.payload, structure))
        )
        for c in corrections.get(e.seq, []):
            rows.append(
                ("", "", "", f"  rettet (nr. {c.seq})", "", describe_correction(c.payload, structure, original=e))
            )
    return rows


def print_timeline(repo: CaseRepository, case_id: str, out: Any = None) -> None:
    table(("nr", "dato", "hvem", "hva", "tilstand", "detaljer"), timeline_rows(repo, case_id), out=out)


def _event_json(e: StoredEvent) -> dict[str, Any]:
    return e.to_dict()


def act_inputs(definition: Any, act: str) -> list[str]:
    """What ``case act`` needs for ``act``, as the options to type (``party=PART``, ``--positions …``, ``key=…``)."""
    try:
        a = definition.act_def(act)
    except Exception:  # an act the definition does not know: nothing to say
        return []
    out: list[str] = []
    per_party = getattr(a, "per_party", None)
    if per_party is not None:
        out.append("party=PART")
        if getattr(per_party, "outcome", False):
            out.append("outcome=adopted|rejected")
    if getattr(a, "guard", None) == "consensus":
        out.append("--positions PART=STANDPUNKT,…")
    gateway = getattr(a, "gateway", None)
    if gateway:
        out.append(f"{gateway[0]}=true|false")
    deadline = getattr(a, "deadline", None)
    if deadline:
        out.append(f"{deadline[0]}=DATO")
    out.extend(f"{key}=…" for key in getattr(a, "requires", {}) or {})
    return out


def _case_json(repo: CaseRepository, case_id: str) -> dict[str, Any]:
    case = repo.load(case_id)
    h = repo.header(case_id)
    return {
        "id": case.id,
        "title": case.title,
        "structure": h.structure,
        "process": h.process,
        "version": h.version,
        "created": h.created,
        "state": case.state,
        "state_label": case.state_label,
        "is_final": case.is_final,
        "events": len(case.history),
        "data": case.data,
        "attributes": dict(case.attributes),
        "available_acts": [
            {
                "act": a.act,
                "label": a.label,
                "bodies": list(a.bodies),
                "body_names": [_name(case.definition.structure, b, "body") for b in a.bodies],
                "inputs": act_inputs(case.definition, a.act),
            }
            for a in case.available_acts()
        ],
        "store": store_location(repo.store.url),
        "definition_changes": [d.to_dict() for d in repo.drift(case_id)],
    }


# ---------------------------------------------------------------------------------------------- verbs


def cmd_new(args: argparse.Namespace) -> int:
    data = parse_sets(args.set)
    attributes = parse_attributes(args.attr) or None
    on = parse_day(args.on)
    repo = _repo(args)
    case = repo.create(
        args.structure, args.process, title=args.title, on=on, case_id=args.case_id, attributes=attributes, **data
    )
    if args.json:
        emit_json(_case_json(repo, case.id))
        return 0
    print(f"Opprettet sak {case.id} «{case.title}» ({case.process} v{case.version}); tilstand: {case.state_label}")
    print(f"Lager: {store_location(repo.store.url)}")
    return 0


def _refused(args: argparse.Namespace, case_id: str, act: str, exc: ActRefusedError) -> int:
    """A refusal: one line on stderr with the code and every reason (or JSON), exit 1."""
    reasons = [str(r) for r in exc.details.get("reasons", [])] or [exc.message]
    if args.json:
        emit_json({"ok": False, "case": case_id, "error": exc.to_dict()})
    else:
        by = f" av {args.by}" if getattr(args, "by", None) else ""
        print(
            f"Avvist [{exc.code}]: sak {case_id}, «{act}»{by}; ingenting ble lagret: " + "; ".join(reasons),
            file=sys.stderr,
        )
    return 1


def cmd_act(args: argparse.Namespace) -> int:
    payload = parse_sets(args.set)  # bad input is refused before the store is opened
    on = parse_day(args.on)
    repo = _repo(args)
    case_id = repo.resolve(args.case)
    if args.positions is not None:
        if "positions" in payload:
            raise UsageError("bruk enten --positions eller --set positions=…, ikke begge", code="duplicate-key")
        definition = repo.definition_for(repo.header(case_id))
        everyone = None
        if args.by and definition.structure.has_body(args.by):  # «alle andre»: who counts in the deciding body
            everyone = [p.id for p in definition.voters(definition.structure.body(args.by), on).parties]
        payload["positions"] = parse_positions(args.positions, definition.structure, everyone)
    from samhandling.app.meetings import act_by_label

    act = act_by_label(repo.definition_for(repo.header(case_id)), args.act)  # a name or its Norwegian label
    try:
        case = repo.act(case_id, act, by=args.by, on=on, person=args.person, **payload)
    except ActRefusedError as exc:
        return _refused(args, case_id, args.act, exc)
    e = case.history[-1]
    if args.json:
        emit_json(
            {
                "ok": True,
                "case": case.id,
                "event": e.to_dict(),
                "state": case.state,
                "state_label": case.state_label,
                "is_final": case.is_final,
            }
        )
        return 0
    change = (
        f"{case.definition.state_label(e.from_state)} → {case.state_label}"
        if e.from_state != e.to_state
        else f"fortsatt {case.state_label}"
    )
    print(
        f"Sak {case.id}, hendelse nr. {e.seq} ({e.on.isoformat()}): {case.definition.act_def(e.act).label} "
        f"av {_name(case.definition.structure, e.body, 'body')}; {change}"
    )
    return 0


def cmd_correct(args: argparse.Namespace) -> int:
    if not args.reason.strip():
        raise UsageError("--reason: begrunnelsen kan ikke være tom", code="bad-correction")
    facts = parse_sets(args.set)
    on = parse_date(args.on, "--on")
    if on is None and not facts:
        raise UsageError("oppgi hva som er riktig: --on DATO og/eller --set NØKKEL=VERDI", code="bad-correction")
    repo = _repo(args)
    case_id = repo.resolve(args.case)
    payload: dict[str, Any] = {"event": args.event, "reason": args.reason.strip()}
    if facts:
        payload["facts"] = facts
    by: Any = args.by  # None: the secretariat (the engine decides who may correct)
    try:
        # For «correct» the engine reads ``on`` as the corrected effective date (the correction itself is dated
        # today by the clock) and records it in the payload as ``on``.
        case = repo.act(case_id, CORRECT, by=by, on=on, person=args.person, **payload)
    except ActRefusedError as exc:
        return _refused(args, case_id, CORRECT, exc)
    e = case.history[-1]
    if args.json:
        emit_json(
            {
                "ok": True,
                "case": case.id,
                "event": e.to_dict(),
                "state": case.state,
                "state_label": case.state_label,
                "is_final": case.is_final,
            }
        )
        return 0
    print(
        f"Sak {case.id}, hendelse nr. {e.seq}: retting av nr. {args.event}; "
        f"{describe_correction(e.payload, case.definition.structure)}"
    )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    repo = _repo(args, read_only=True)
    case_id = repo.resolve(args.case)
    info = _case_json(repo, case_id)
    if args.json:
        emit_json(info)
        return 0
    print(f"Sak {info['id']}: «{info['title']}»")
    print(f"Struktur: {info['structure']}; prosess: {info['process']} v{info['version']}; opprettet {info['created']}")
    print(f"Tilstand: {info['state_label']}{' (avsluttet)' if info['is_final'] else ''}; {info['events']} hendelser")
    if info["attributes"]:
        print("Egenskaper: " + ", ".join(f"{k} = {v}" for k, v in info["attributes"].items()))
    for note in info["definition_changes"]:
        print(f"Merk: {note['message']}")
    if info["available_acts"]:
        heading("Mulige handlinger nå")
        table(
            ("handling", "beskrivelse", "hvem (--by)", "oppgi"),
            [(a["act"], a["label"], ", ".join(a["body_names"]), " ".join(a["inputs"])) for a in info["available_acts"]],
        )
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    repo = _repo(args, read_only=True)
    case_id = repo.resolve(args.case)
    if args.json:
        emit_json([_event_json(e) for e in repo.history(case_id)])
        return 0
    h = repo.header(case_id)
    print(f"Tidslinje for sak {case_id}: «{h.title}»")
    print_timeline(repo, case_id)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    try:
        repo = _repo(args, read_only=True)
    except NotFoundError as exc:
        if exc.code != "store-not-found":
            raise
        if args.json:
            emit_json([])
        else:
            print(f"Ingen saker: {exc.message}")
        return 0
    summaries = repo.summaries()  # one query: headers with the state after their last event
    items: list[dict[str, Any]] = [
        {
            "id": s.header.case_id,
            "title": s.header.title,
            "structure": s.header.structure,
            "process": s.header.process,
            "state": s.state,
            "events": s.events,
            "created": s.header.created,
        }
        for s in summaries
    ]
    if args.json:
        emit_json(items)
        return 0
    if not items:
        print(f"Ingen saker i {store_location(repo.store.url)}")
        return 0
    table(
        ("id", "tittel", "struktur", "prosess", "tilstand", "hendelser", "opprettet"),
        [
            (i["id"], i["title"], i["structure"], i["process"], repo.state_label(s), i["events"], i["created"][:10])
            for i, s in zip(items, summaries, strict=True)
        ],
    )
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    repo = _repo(args, read_only=True)
    case_id = repo.resolve(args.case) if args.case else None
    result = repo.store.verify(case_id)
    if args.json:
        emit_json(result.to_dict())
    elif result.ok:
        print(
            f"OK: hashkjeden stemmer for {result.cases} saker og {result.events} hendelser "
            f"({store_location(repo.store.url)})"
        )
    else:
        print(f"FEIL: hashkjeden er brutt i {len(result.failures)} av {result.cases} saker:")
        for f in result.failures:
            print(f"  - {f.message}")
    return 0 if result.ok else 1
