"""CLI verbs on the governance graph: path, plot, plot-process, export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from samhandling.cli.output import emit_json, table
from samhandling.cli.support import (
    add_output,
    db_help,
    input_files,
    parse_attributes,
    parse_date,
    write_output,
    write_output_with,
)


def register(sub: Any) -> None:
    p = sub.add_parser("path", help="vis eskaleringsveien fra et organ opp til organet som kan beslutte")
    p.add_argument("structure", metavar="STRUKTUR", help="innebygd navn eller sti til en YAML-fil")
    p.add_argument("--from", dest="body", required=True, metavar="ORGAN", help="organet saken starter i")
    p.add_argument("--all", action="store_true", help="vis alle eskaleringsveier, ikke bare den foretrukne")
    p.add_argument(
        "--on",
        metavar="DATO",
        help="bare organer som finnes denne datoen (ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ; standard: alle)",
    )
    _add_routing(p)
    p.add_argument("--json", action="store_true", help="skriv JSON")
    p.set_defaults(handler=cmd_path)

    p = sub.add_parser("plot", help="tegn styringsstrukturen som PNG eller SVG")
    p.add_argument("structure", metavar="STRUKTUR", help="innebygd navn eller sti til en YAML-fil")
    p.add_argument("--from", dest="body", metavar="ORGAN", help="fremhev eskaleringsveien fra dette organet")
    _add_routing(p)
    add_output(p, required=True, helptext="bildefil (.png eller .svg)")
    p.set_defaults(handler=cmd_plot)

    p = sub.add_parser("plot-process", help="tegn en beslutningsprosess (og hvor langt en sak har kommet)")
    p.add_argument("structure", metavar="STRUKTUR", help="innebygd navn eller sti til en YAML-fil")
    p.add_argument("process", metavar="PROSESS", help="prosessens navn (se «samhandling show»)")
    p.add_argument("--case", metavar="SAK", help="saks-id (eller starten av den) i hendelseslageret")
    p.add_argument("--db", metavar="URL", help=db_help(" (brukes med --case)"))
    add_output(p, required=True, helptext="bildefil (.png eller .svg)")
    p.set_defaults(handler=cmd_plot_process)

    p = sub.add_parser("export", help="eksporter strukturen som Mermaid, Graphviz DOT, JSON eller GraphML")
    p.add_argument("structure", metavar="STRUKTUR", help="innebygd navn eller sti til en YAML-fil")
    p.add_argument("--format", required=True, choices=("mermaid", "dot", "json", "graphml"), help="format")
    p.add_argument("--from", dest="body", metavar="ORGAN", help="fremhev eskaleringsveien fra dette organet")
    p.add_argument("--process", metavar="PROSESS", help="eksporter denne prosessen i stedet for strukturen")
    _add_routing(p)
    add_output(p, required=False, helptext="skriv til fil (standard: skjermen)")
    p.set_defaults(handler=cmd_export)


def _add_routing(p: Any) -> None:
    p.add_argument(
        "--attr",
        action="append",
        default=[],
        metavar="NØKKEL=VERDI",
        help="en egenskap ved saken (f.eks. region=sør); relasjoner med vilkår følges bare når det "
        "passer (kan gjentas)",
    )
    p.add_argument(
        "--case", dest="attr_case", metavar="SAK", help="bruk egenskapene til denne saken i hendelseslageret (se --db)"
    )
    p.add_argument("--db", dest="attr_db", metavar="URL", help=db_help(" (brukes med --case)"))


def case_attributes(repo: Any, case_id: str) -> dict[str, Any]:
    """A stored case's attributes: ``case.attributes`` where the engine has them, else the open event's payload."""
    from samhandling.errors import SamhandlingError

    try:
        case = repo.load(case_id)
    except SamhandlingError:  # an unreadable definition must not hide the attributes the open event recorded
        case = None
    found = getattr(case, "attributes", None)
    if found is not None:
        return dict(found)
    history = repo.history(case_id)
    recorded = history[0].payload.get("attributes") if history else None
    return dict(recorded) if isinstance(recorded, dict) else {}


def routing_attributes(args: argparse.Namespace) -> dict[str, Any] | None:
    """The case attributes given by ``--case`` and ``--attr`` (``--attr`` wins), or ``None`` when neither is."""
    if not args.attr and not args.attr_case:
        return None
    found: dict[str, Any] = {}
    if args.attr_case:
        from samhandling.cli.support import open_repo

        repo = open_repo(args.attr_db, read_only=True)
        try:
            found.update(case_attributes(repo, repo.resolve(args.attr_case)))
        finally:
            repo.store.close()
    found.update(parse_attributes(args.attr))
    return found


def _route_dict(structure: Any, route: Any) -> dict[str, Any]:
    return {
        "from": route.start,
        "bodies": list(route.bodies),
        "labels": [structure.body(b).label for b in route.bodies],
        "hops": [{"from": h.source, "to": h.target, "kind": h.kind.value} for h in route.hops],
        "decider": route.decider,
    }


def cmd_path(args: argparse.Namespace) -> int:
    from samhandling.structure.loader import load
    from samhandling.structure.model import RELATION_LABEL

    s = load(args.structure)
    start = s.body(args.body)
    attributes = routing_attributes(args)
    on = parse_date(args.on, "--on")
    missing = on is not None and not start.period.contains(on)  # the body itself does not exist that day: no route
    routes = (
        []
        if missing
        else s.escalation_paths(start, attributes, on)
        if args.all
        else [r for r in [s.escalation_path(start, attributes, on)] if r]
    )
    if args.json:
        emit_json(
            {
                "structure": s.id,
                "from": start.id,
                "attributes": attributes,
                "on": on.isoformat() if on else None,
                "routes": [_route_dict(s, r) for r in routes],
            }
        )
        return 0
    if attributes:
        print("Saken: " + ", ".join(f"{k} = {v}" for k, v in attributes.items()))
    if on is not None:
        print(f"Organer som finnes {on.isoformat()}")
    if missing and on is not None:
        print(f"{start.label} finnes ikke {on.isoformat()} (organet finnes {start.period.describe()})")
        return 0
    if not routes:
        print(
            f"{start.label} har ingen eskaleringsvei (ingen «løfter saker til» eller «rapporterer til»"
            + (" som passer saken)" if attributes else ")")
        )
        return 0
    for n, route in enumerate(routes, 1):
        if len(routes) > 1:
            print(f"Vei {n}{' (foretrukket)' if n == 1 else ''}: {route.describe(s)}")
        rows = [
            (i, s.body(h.source).label, RELATION_LABEL[h.kind], s.body(h.target).label)
            for i, h in enumerate(route.hops, 1)
        ]
        table(("steg", "fra", "relasjon", "til"), rows)
        if route.decider is not None:
            print(f"Beslutter: {s.body(route.decider).label}")
        else:
            print("Ingen organer på veien kan beslutte")
        if n < len(routes):
            print()
    return 0


def _written(path: Path) -> int:
    print(f"skrev {path}")
    return 0


def _picture_suffix(path: str) -> None:
    from samhandling.errors import UsageError

    if Path(path).suffix.lower() not in (".png", ".svg"):
        raise UsageError(f"kan bare tegne til .png eller .svg, ikke «{Path(path).name}»", code="unknown-format")


def cmd_plot(args: argparse.Namespace) -> int:
    from samhandling.render.plotting import plot_structure
    from samhandling.structure.loader import load

    _picture_suffix(args.output)
    s = load(args.structure)
    body = s.body(args.body).id if args.body else None
    attributes = routing_attributes(args)
    out = write_output_with(
        args.output,
        lambda tmp: plot_structure(s, tmp, highlight_from=body, attributes=attributes),
        force=args.force,
        inputs=input_files(args.structure),
    )
    return _written(out)


def _case(args: argparse.Namespace, structure: Any, process: str) -> Any:
    from samhandling.cli.support import open_repo
    from samhandling.errors import UsageError

    repo = open_repo(args.db, read_only=True)
    case_id = repo.resolve(args.case)
    header = repo.header(case_id)
    if header.process != process:
        raise UsageError(f"saken {case_id} følger prosessen «{header.process}», ikke «{process}»")
    return repo.load(case_id)


def cmd_plot_process(args: argparse.Namespace) -> int:
    from samhandling.cli.support import resolve_db, sqlite_file
    from samhandling.process.loader import get_process
    from samhandling.render.plotting import plot_process
    from samhandling.structure.loader import load

    _picture_suffix(args.output)
    s = load(args.structure)
    definition = get_process(s, args.process)
    case = _case(args, s, definition.name) if args.case else None
    db_file = sqlite_file(resolve_db(args.db)) if args.case else None
    out = write_output_with(
        args.output,
        lambda tmp: plot_process(definition, tmp, case=case, structure=s),
        force=args.force,
        inputs=input_files(args.structure, str(db_file) if db_file else None),
    )
    return _written(out)


def cmd_export(args: argparse.Namespace) -> int:
    from samhandling.errors import UsageError
    from samhandling.process.loader import get_process
    from samhandling.render.diagrams import process_model, render, structure_model
    from samhandling.structure.loader import load

    s = load(args.structure)
    if args.process:
        if args.body:
            raise UsageError("--from gjelder strukturen; bruk det ikke sammen med --process")
        model = process_model(get_process(s, args.process), structure=s)
    else:
        model = structure_model(
            s, highlight_from=s.body(args.body).id if args.body else None, attributes=routing_attributes(args)
        )
    text = render(model, args.format)
    if args.output is not None:
        return _written(write_output(args.output, text, force=args.force, inputs=input_files(args.structure)))
    sys.stdout.write(text)
    return 0
