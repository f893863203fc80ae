"""``samhandling tick``: fire the case deadlines that are due (reminders, escalations, expiries).

Each firing is an ordinary hash-chained event of the built-in act ``timer``, written in the same transaction that
marks the deadline fired (a repeating reminder: moves it on to its next period): running ``tick`` twice adds
nothing the second time, and two ``tick`` processes at once fire each deadline once. An expiry moves its case
only as the engine allows: the case is replayed and the ``timer`` act judged; a refusal writes nothing. Meant for cron or a systemd timer: ``samhandling tick --db postgresql://…``.
"""

from __future__ import annotations

import argparse
from typing import Any

from samhandling.cli.output import emit_json, heading, table
from samhandling.cli.support import db_help, open_repo, parse_date

KIND_LABELS = {"reminder": "påminnelse", "escalation": "eskalering", "expiry": "utløp"}


def register(sub: Any) -> None:
    p = sub.add_parser("tick", help="utløs sakenes tidsfrister som har forfalt (påminnelser, eskaleringer, utløp)")
    p.add_argument("--on", metavar="DATO", help="datoen det gjelder (standard: i dag)")
    p.add_argument("--db", metavar="URL", help=db_help())
    p.add_argument("--json", action="store_true", help="skriv JSON")
    p.set_defaults(handler=cmd_tick)


def cmd_tick(args: argparse.Namespace) -> int:
    from samhandling import clock

    on = parse_date(args.on, "--on") or clock.today()
    repo = open_repo(args.db)
    fired = repo.tick(on)
    rows = [
        {
            "case": e.case_id,
            "seq": e.seq,
            "timer": e.payload.get("timer"),
            "kind": e.payload.get("kind"),
            "due": e.payload.get("due"),
            "on": e.on.isoformat(),
            "state": e.to_state,
            "escalated_to": e.payload.get("escalated_to"),
        }
        for e in fired
    ]
    if args.json:
        emit_json({"on": on.isoformat(), "fired": rows})
        return 0
    if not rows:
        print(f"ingen frister har forfalt per {on.isoformat()}")
        return 0
    heading(f"Utløste {len(rows)} frist(er) per {on.isoformat()}")
    table(
        ("sak", "frist", "type", "forfalt", "tilstand", "til"),
        [
            (
                r["case"],
                r["timer"],
                KIND_LABELS.get(str(r["kind"]), r["kind"]),
                r["due"],
                r["state"],
                ", ".join(str(b) for b in (e.payload.get("escalated_to") or [])),
            )
            for r, e in zip(rows, fired, strict=True)
        ],
    )
    return 0


def case_deadline_rows(db: str | None, on: Any, within: int) -> list[dict[str, Any]]:
    """The open case deadlines due by ``on + within`` days, for ``samhandling due`` (none without a store)."""
    import datetime as dt

    from samhandling.cli.support import resolve_db, sqlite_file

    url = resolve_db(db)
    path = sqlite_file(url)
    if path is not None and not path.exists():
        return []
    repo = open_repo(db, read_only=True)
    limit = on + dt.timedelta(days=within)
    out = []
    for d in repo.deadlines(status="open"):
        due = dt.date.fromisoformat(d.due)
        if due > limit:
            continue
        status = "overdue" if due < on else "due"
        out.append(
            {
                "structure": "",
                "id": f"{d.case_id}/{d.timer}",
                "title": f"sak {d.case_id}: {d.timer}",
                "body": ", ".join(d.payload.get("escalated_to") or []),
                "deadline": d.due,
                "status": status,
                "status_label": "forfalt" if status == "overdue" else "forfaller",
                "explanation": f"{KIND_LABELS.get(d.kind, d.kind)} i tilstanden {d.state}; utløses {d.fires_on}",
            }
        )
    return out
