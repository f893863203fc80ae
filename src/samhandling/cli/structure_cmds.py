"""CLI verbs on structures: list, show, validate, demo."""

from __future__ import annotations

import argparse
from typing import Any

from samhandling.cli.output import emit_json, heading, table
from samhandling.cli.support import db_help


def register(sub: Any) -> None:
    p = sub.add_parser("list", help="list de innebygde strukturene")
    p.add_argument("--json", action="store_true", help="skriv JSON")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", help="vis organer, relasjoner og regler i en struktur")
    p.add_argument("structure", metavar="STRUKTUR", help="innebygd navn eller sti til en YAML-fil")
    p.add_argument("--json", action="store_true", help="skriv JSON")
    p.add_argument(
        "--on",
        metavar="DATO",
        help="vis strukturen slik den var denne dagen: bare organer, parter og medlemskap som gjaldt da "
        "(ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ)",
    )
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("validate", help="kontroller strukturer mot reglene sine")
    p.add_argument("structures", nargs="+", metavar="STRUKTUR", help="innebygde navn eller stier")
    p.add_argument("--json", action="store_true", help="skriv JSON")
    p.add_argument(
        "--on", metavar="DATO", help="kontroller medlemskap gyldige på denne datoen (ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ)"
    )
    p.add_argument(
        "--db",
        metavar="URL",
        help=db_help(
            "; kontroller også møtene som er ført der (oppmøte, stedfortredere, innkalling og referat) mot møtereglene"
        ),
    )
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("demo", help="kjør demonstrasjonen (Sør-Rogaland)")
    p.add_argument("--db", metavar="URL", help=db_help("; :memory: gir et lager i minnet som forsvinner etterpå"))
    p.set_defaults(handler=cmd_demo)


def cmd_list(args: argparse.Namespace) -> int:
    rows = _bundled_rows()
    if args.json:
        emit_json([dict(zip(("name", "title", "bodies", "parties", "rules"), r, strict=True)) for r in rows])
    else:
        table(("navn", "struktur", "organer", "parter", "regler"), rows)
    return 0


def _bundled_rows() -> list[tuple[str, str, int, int, int]]:
    """Name, title and counts of every bundled structure, from the index where it is current.

    ``data/structures/index.json`` (see :data:`samhandling.structure.loader.INDEX_FILE`) holds the summary and
    the SHA-256 of each YAML file; a file whose hash differs, or that the index lacks, is loaded. So
    the common case reads one small JSON file and hashes 75 kB, and imports neither PyYAML nor
    attrs nor networkx.
    """
    import hashlib
    import json
    import os

    folder = _bundled_folder()
    try:
        with open(os.path.join(folder, "index.json"), encoding="utf-8") as f:
            index = {r["name"]: r for r in json.load(f)["structures"]}
    except (OSError, ValueError, KeyError, TypeError):
        index = {}
    rows: list[tuple[str, str, int, int, int]] = []
    for entry in sorted(os.listdir(folder)):
        if not entry.endswith(".yaml"):
            continue
        name = entry[: -len(".yaml")]
        with open(os.path.join(folder, entry), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        known = index.get(name)
        if known is not None and known.get("sha256") == digest:
            rows.append((name, known["title"], known["bodies"], known["parties"], known["rules"]))
            continue
        from samhandling.structure.loader import load

        s = load(name)
        rows.append((name, s.name, len(s.bodies), len(s.parties), len(s.rules)))
    return rows


def _bundled_folder() -> str:
    """The folder of the bundled structures (``samhandling/data/structures``), found without importing the loader."""
    import os

    import samhandling

    return os.path.join(os.path.dirname(os.path.abspath(samhandling.__file__)), "data", "structures")


def structure_summary(s: Any) -> dict[str, Any]:
    return {
        "structure": s.id,
        "name": s.name,
        "bodies": [
            {
                "id": b.id,
                "name": b.name,
                "abbreviation": b.abbreviation,
                "kind": b.kind.value,
                "power": b.power.value,
                "decision_rule": b.decision_rule.value,
                "costs": _costs_dict(b.costs),
            }
            for b in s.bodies
        ],
        "parties": [
            {"id": p.id, "name": p.name, "kind": p.kind.value, "kommunenummer": p.kommunenummer} for p in s.parties
        ],
        "relations": [
            {
                "from": r.source,
                "to": r.target,
                "kind": r.kind.value,
                "label": r.label,
                "condition": {k: list(v) for k, v in r.condition.items()} if r.condition else None,
                "group": r.group,
            }
            for r in s.relations()
        ],
        "rules": [
            {"id": r.id, "category": r.category, "modality": r.modality.value, "text": r.source.text} for r in s.rules
        ],
        "settings": {k: v.value for k, v in s.settings.items()},
        "memberships": [
            {
                "body": m.body,
                "party": m.party,
                "count": m.count,
                "role": m.role,
                "title": m.title,
                "valid_from": m.period.valid_from,
                "valid_to": m.period.valid_to,
                **_rights_dict(m),
            }
            for m in s.memberships
        ],
    }


def _relation_note(r: Any) -> str:
    """The relation's label, with its condition («hvis region = sør») and kind group («alle av typen …»)."""
    from samhandling.structure.model import BODY_KIND_LABEL, BodyKind, describe_condition

    parts = [r.label or ""]
    if r.condition:
        parts.append(f"hvis {describe_condition(r.condition)}")
    if r.group:
        end, kind = r.group.split(":", 1)
        parts.append(f"{'til' if end == 'to' else 'fra'} alle av typen «{BODY_KIND_LABEL[BodyKind(kind)]}»")
    return "; ".join(p for p in parts if p)


def _costs_dict(costs: Any) -> dict[str, Any] | None:
    """A body's ``costs`` (who pays, from what) as plain values; None when the file does not say."""
    if costs is None:
        return None
    return {
        "participation": costs.participation,
        "work": costs.work,
        "funding": costs.funding.value if costs.funding else None,
        "scale": costs.scale.value if costs.scale else None,
    }


def _priorities(s: Any) -> dict[str, Any] | None:
    """The ``priority_groups`` section as plain values (or the error that stops it being read); None without one."""
    from samhandling.errors import SamhandlingError
    from samhandling.structure.priorities import priority_groups

    try:
        section = priority_groups(s)
    except SamhandlingError as exc:
        return {"error": f"[{exc.code}] {exc.message}"}
    if section is None:
        return None
    return {
        "plan": section.plan,
        "source": section.source,
        "groups": [
            {
                "id": g.id,
                "name": g.name,
                "bodies": list(g.bodies),
                "items": [
                    {"title": i.title, "date": i.date.isoformat() if i.date else None, "source": i.source}
                    for i in g.items
                ],
            }
            for g in section.groups
        ],
    }


def _show_costs_and_priorities(s: Any, in_force: set[str] | None = None) -> None:
    """Costs per body and the priority groups with what serves them; with ``in_force`` (``show --on``) only the
    bodies in force that day."""
    from samhandling.structure.model import EACH_PARTY, FUNDING_LABEL

    def payer(name: str | None) -> str:
        return "" if name is None else ("hver part selv" if name == EACH_PARTY else name)

    rows = [
        (
            b.label,
            payer(b.costs.participation),
            payer(b.costs.work),
            FUNDING_LABEL[b.costs.funding] if b.costs.funding else "",
            {"large": "større", "small": "mindre"}[b.costs.scale.value] if b.costs.scale else "",
        )
        for b in s.bodies
        if b.costs is not None and (in_force is None or b.id in in_force)
    ]
    if rows:
        heading("Kostnader")
        table(("organ", "deltaking", "arbeidet", "finansiering", "omfang"), rows)
    section = _priorities(s)
    if section is None:
        return
    heading("Prioriterte grupper" + (f" ({section['plan']})" if section.get("plan") else ""))
    if "error" in section:
        print(f"kan ikke leses: {section['error']}")
        return
    table(
        ("gruppe", "tjenes av"),
        [
            (
                g["name"],
                "; ".join(
                    [s.body(b).label for b in g["bodies"] if in_force is None or s.body(b).id in in_force]
                    + [f"{i['title']} ({i['date']})" if i["date"] else i["title"] for i in g["items"]]
                )
                or "ingen",
            )
            for g in section["groups"]
        ],
    )


def _rights_dict(m: Any) -> dict[str, Any]:
    """A membership's seat rights (``rights``, ``deputy_for``) where the model has them."""
    rights = getattr(m, "rights", None)
    if rights is None:
        return {}
    return {"rights": str(getattr(rights, "value", rights)), "deputy_for": getattr(m, "deputy_for", None)}


def _processes(s: Any) -> list[dict[str, Any]]:
    """The processes a structure names: name, file and title (or the error that stops the file being read)."""
    from samhandling.errors import SamhandlingError
    from samhandling.process.loader import get_process, process_refs

    rows: list[dict[str, Any]] = []
    try:
        refs = process_refs(s)
    except SamhandlingError as exc:
        return [{"name": None, "file": None, "title": None, "error": exc.message}]
    for name, path in refs.items():
        row: dict[str, Any] = {"name": name, "file": path.name, "title": None, "error": None}
        try:
            definition = get_process(s, name)
            row["title"] = definition.title
        except SamhandlingError as exc:
            row["error"] = f"[{exc.code}] {exc.message}"
        rows.append(row)
    return rows


def cmd_show(args: argparse.Namespace) -> int:
    from samhandling.app.check import reading_uses
    from samhandling.cli.support import parse_date
    from samhandling.structure.loader import load
    from samhandling.structure.model import BODY_KIND_LABEL, RELATION_LABEL

    on = parse_date(getattr(args, "on", None), "--on")  # a bad date: refused before the file is read
    s = load(args.structure)
    processes = _processes(s)
    uses = reading_uses(s)
    bodies = [b for b in s.bodies if b.period.contains(on)]
    in_force = {b.id for b in bodies}
    if args.json:
        summary = structure_summary(s)
        periods = {b.id: b.period for b in s.bodies}
        for body in summary["bodies"]:
            body["valid"] = _period_dict(periods[body["id"]])
        party_periods = {p.id: p.period for p in s.parties}
        for party in summary["parties"]:
            party["valid"] = _period_dict(party_periods[party["id"]])
        if on is not None:
            parties = {p.id for p in s.parties if p.period.contains(on)}
            summary["on"] = on.isoformat()
            summary["bodies"] = [b for b in summary["bodies"] if b["id"] in in_force]
            summary["parties"] = [p for p in summary["parties"] if p["id"] in parties]
            summary["relations"] = [r for r in summary["relations"] if r["from"] in in_force and r["to"] in in_force]
            keep = [_holds_seat(s, m, on, in_force) for m in s.memberships]
            summary["memberships"] = [m for m, k in zip(summary["memberships"], keep, strict=True) if k]
        emit_json(
            {
                **summary,
                "priority_groups": _priorities(s),
                "processes": processes,
                "readings": [
                    {"key": k, "value": v.value, "alternatives": list(v.alternatives), "read_by": uses.get(k) or None}
                    for k, v in s.settings.items()
                ],
            }
        )
        return 0
    print(f"{s.name} ({s.id})" + (f", slik den var {on.isoformat()}" if on is not None else ""))
    if s.description:
        print(s.description)
    if s.mandate is not None:
        print(_mandate_line(s.mandate))
    if on is not None:
        gone = [b.full_name for b in s.bodies if b.id not in in_force]
        if gone:
            print(f"Ikke i kraft {on.isoformat()} (utelatt): {', '.join(gone)}")
    heading("Organer")
    table(
        ("id", "navn", "type", "myndighet", "beslutningsregel", "medlemmer", "gyldig"),
        [
            (
                b.id,
                b.full_name,
                BODY_KIND_LABEL[b.kind],
                _POWER[b.power.value],
                _RULE[b.decision_rule.value],
                sum(m.count for m in s.member_seats(b, on=on) if _holds_seat(s, m, on)) or "",
                b.period.describe(),
            )
            for b in bodies
        ],
    )
    _show_parties(s, on)
    _show_seats(s, in_force)
    _show_memberships(s, on, in_force)
    _show_costs_and_priorities(s, in_force)
    heading("Relasjoner")
    table(
        ("fra", "relasjon", "til", "merknad"),
        [
            (s.body(r.source).label, RELATION_LABEL[r.kind], s.body(r.target).label, _relation_note(r))
            for r in s.relations()
            if r.source in in_force and r.target in in_force
        ],
    )
    if processes:
        heading("Prosesser")
        table(
            ("navn", "fil", "tittel"),
            [(p["name"] or "-", p["file"] or "-", p["title"] or f"kan ikke leses: {p['error']}") for p in processes],
        )
    heading("Regler")
    table(
        ("id", "kategori", "modalitet", "kilde"),
        [(r.id, r.category, r.modality.value, _short(r.source.text)) for r in s.rules],
    )
    if s.settings:
        heading("Innstillinger (valgte lesninger)")
        table(
            ("nøkkel", "verdi", "alternativer", "leses av"),
            [
                (
                    k,
                    _value(v.value),
                    "; ".join(map(_value, v.alternatives)) or "-",
                    uses.get(k) or "ingenting (endrer ingenting)",
                )
                for k, v in s.settings.items()
            ],
        )
    return 0


def _holds_seat(s: Any, m: Any, on: Any, in_force: set[str] | None = None) -> bool:
    """Whether membership ``m`` holds its seat on ``on`` (None: any day): the membership, its party and (with
    ``in_force``, the bodies in force that day) its body all in force."""
    return bool(
        m.period.contains(on) and (in_force is None or m.body in in_force) and s.party(m.party).period.contains(on)
    )


def _period_dict(period: Any) -> dict[str, str | None] | None:
    if period.valid_from is None and period.valid_to is None:
        return None
    return {
        "from": period.valid_from.isoformat() if period.valid_from else None,
        "to": period.valid_to.isoformat() if period.valid_to else None,
        "text": period.describe(),
    }


_POWER = {"decides": "beslutter", "advises": "rådgivende", "none": "-"}
_RULE = {"consensus": "konsensus", "majority": "flertall", "leader": "leder", "none": "-"}


def _value(value: Any) -> str:
    if value is None:
        return "ikke valgt"
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, list):
        return ", ".join(map(_value, value))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items())
    return str(value)


def _period(period: Any) -> str:
    if period.valid_from is None and period.valid_to is None:
        return ""
    start = period.valid_from.isoformat() if period.valid_from else ""
    end = period.valid_to.isoformat() if period.valid_to else ""
    return f"{start}–{end}"


def _mandate_line(m: Any) -> str:
    parts = [m.title or "Mandat"]
    if m.version:
        parts.append(f"versjon {m.version}")
    if m.owner:
        parts.append(f"eier {m.owner}")
    if m.approver:
        approved = f"godkjent av {m.approver}"
        if m.approved_on:
            approved += f" {m.approved_on.isoformat()}"
        if m.approved_how:
            approved += f" ({m.approved_how.lower()})"
        parts.append(approved)
    elif m.approved_on:
        parts.append(f"vedtatt {m.approved_on.isoformat()}")
    if m.valid_from:
        parts.append(f"gyldig fra {m.valid_from.isoformat()}")
    if m.review:
        parts.append(f"revisjon {m.review}")
    return "Mandat: " + ", ".join(parts)


def _show_parties(s: Any, on: Any = None) -> None:
    if not s.parties:
        return
    from samhandling.structure.model import SIDE_LABEL

    heading("Parter")
    table(
        ("id", "navn", "side", "kommunenr.", "gyldig"),
        [
            (p.id, p.name, SIDE_LABEL[p.side], p.kommunenummer or "", _period(p.period))
            for p in s.parties
            if p.period.contains(on)
        ],
    )


def _show_seats(s: Any, in_force: set[str] | None = None) -> None:
    from samhandling.structure.model import SIDE_LABEL

    rows = [
        (
            b.label,
            seat.label or "",
            SIDE_LABEL[seat.side],
            seat.role or "",
            seat.describe() + (" per part" if seat.per_party else ""),
        )
        for b in s.bodies
        if in_force is None or b.id in in_force
        for seat in b.seats
    ]
    if rows:
        heading("Plasser (sammensetningsregler)")
        table(("organ", "plass", "side", "rolle", "antall"), rows)


def _show_memberships(s: Any, on: Any = None, in_force: set[str] | None = None) -> None:
    from samhandling.render.diagrams import seat_rights_label

    rows = [
        (
            s.body(m.body).label,
            s.party(m.party).name,
            m.count,
            ", ".join(x for x in (m.role, m.title) if x),
            seat_rights_label(m) or "medlem",
            _period(m.period),
        )
        for m in s.memberships
        if _holds_seat(s, m, on, in_force)
    ]
    if rows:
        heading("Medlemskap")
        table(("organ", "part", "antall", "rolle, tittel", "rettigheter", "gyldig"), rows)


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every file with :func:`samhandling.app.check.check_structure`; all files, one line format, one JSON.

    Exit 0 when clean (warnings allowed), 1 when some file has errors, 2 when some file could not be read (the
    other files are still checked and reported).
    """
    from samhandling.app.check import check_structure
    from samhandling.cli.support import parse_date

    on = parse_date(args.on, "--on")
    records: list[Any] = []
    if args.db is not None:
        from samhandling.app.meetings import MeetingService
        from samhandling.cli.support import open_repo

        records = MeetingService(open_repo(args.db, read_only=True)).meetings()
    worst = 0
    report: list[dict[str, Any]] = []
    for name in args.structures:
        result = check_structure(name, on, records)
        worst = max(worst, result.exit_code)
        if args.json:
            report.append(result.to_dict())
            continue
        for line in result.lines():
            print(line)
        if result.readable:
            print(f"{result.filename}: {result.errors} feil, {result.warnings} advarsler")
    if args.json:
        emit_json(report)
    return worst


def cmd_demo(args: argparse.Namespace) -> int:
    """Run :func:`samhandling.app.demo.run_demo` on ``--db`` and show what it did."""
    from samhandling.app.demo import run_demo
    from samhandling.cli.case_cmds import print_timeline
    from samhandling.cli.support import open_repo, store_location

    repo = open_repo(args.db, allow_memory=True)
    store = repo.store
    try:
        result = run_demo(store)
        case, repo = result.case, result.repo
        h = repo.header(case.id)
        print(f"Sak {case.id}: «{case.title}»")
        print(f"{case.definition.title}; prosess {case.process} v{case.version}, struktur {h.structure}")
        heading("Tidslinje")
        print_timeline(repo, case.id)
        print(
            f"\nSluttilstand: {case.state_label}{' (avsluttet)' if case.is_final else ''}; "
            f"{len(case.history)} hendelser lagret"
        )
        heading("Kontroll av hashkjeden")
        for check, what in ((result.case_check, f"sak {case.id}"), (result.store_check, "hele lageret")):
            if check.ok:
                print(f"OK: {what}: {check.events} hendelser i {check.cases} sak(er), kjeden stemmer")
            else:
                print(f"FEIL: {what}: " + "; ".join(f.message for f in check.failures))
        where = store_location(store.url)
        print(f"\nLager: {where}")
        if not store.url.startswith("memory:"):
            again = f" --db {where}" if args.db else ""
            print(f"Se igjen med: samhandling case history {case.id}{again}")
        return 0 if result.ok else 1
    finally:
        store.close()
