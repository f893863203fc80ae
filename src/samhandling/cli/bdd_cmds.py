"""CLI verbs for executable process documents: ``steps`` (the step catalogue) and ``report``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from samhandling.cli.output import emit_json, heading
from samhandling.cli.support import add_output, write_output


def register(sub: Any) -> None:
    p = sub.add_parser("steps", help="list stegene som kan brukes i .feature-filer, med eksempler")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--markdown", action="store_true", help="skriv katalogen som Markdown (docs/steps.md)")
    fmt.add_argument("--json", action="store_true", help="skriv JSON")
    p.add_argument("--search", metavar="TEKST", help="vis bare stegene nærmest denne teksten")
    p.set_defaults(handler=cmd_steps)

    p = sub.add_parser("report", help="lag én HTML-side av siste kjøring av feature-filene")
    p.add_argument("--run", metavar="FIL", help="kjøringen som skal vises (standard: .samhandling/bdd-run.json)")
    add_output(
        p,
        required=False,
        helptext="HTML-filen som skrives (standard: samhandling-rapport.html, som skrives på nytt ved hver kjøring)",
    )
    p.add_argument("--no-pictures", action="store_true", help="ikke tegn strukturene")
    p.set_defaults(handler=cmd_report)


def cmd_steps(args: argparse.Namespace) -> int:
    from samhandling.bdd.catalogue import GROUPS, all_steps, markdown, suggest

    if args.markdown:
        print(markdown(), end="")
        return 0
    steps = suggest(args.search, n=5) if args.search else all_steps()
    if args.json:
        emit_json(
            [
                {"phrase": s.template, "example": s.example, "table": s.table, "group": s.group, "help": s.help}
                for s in steps
            ]
        )
        return 0
    if args.search and not steps:
        print(f"Fant ingen steg som ligner «{args.search}».")
        return 1
    for group in GROUPS:
        specs = [s for s in steps if s.group == group]
        if not specs:
            continue
        heading(group)
        for spec in specs:
            print(f"  {spec.template}")
            print(f"      {spec.example}")
            if spec.table:
                for line in spec.table.splitlines():
                    print(f"        {line}")
    if not args.search:
        from samhandling.bdd.catalogue import details_lines

        heading("Detaljer etter «med» (i «utfører» og «forsøker å utføre»)")
        for form, meaning, example in details_lines():
            print(f"  {form:<24} {meaning}")
            print(f"      {example}")
    print(f"\n{len(steps)} steg. Skriv dem med hvilket som helst nøkkelord (Gitt, Når, Så, Og, Men, *).")
    return 0


def _find_run(explicit: str | None) -> Path:
    from samhandling.bdd.record import DEFAULT_RUN_FILE

    if explicit:
        return Path(explicit)
    here = Path.cwd()
    for folder in (here, *here.parents):
        candidate = folder / DEFAULT_RUN_FILE
        if candidate.exists():
            return candidate
    return here / DEFAULT_RUN_FILE


DEFAULT_REPORT = "samhandling-rapport.html"


def cmd_report(args: argparse.Namespace) -> int:
    from samhandling.bdd.record import read_run
    from samhandling.bdd.report import render_html

    path = _find_run(args.run)
    run = read_run(path)
    html = render_html(run, pictures=not args.no_pictures)
    # The default file is the report's own and is written anew each run; an -o file is the user's (--force).
    out = write_output(args.output or DEFAULT_REPORT, html, force=args.force or args.output is None, inputs=[path])
    counts = run.get("counts", {})
    total = sum(counts.values())
    print(
        f"Skrev {out} ({total} scenarioer: {counts.get('passed', 0)} bestått, {counts.get('failed', 0)} feilet, "
        f"{counts.get('skipped', 0)} hoppet over) fra {path}"
    )
    return 0
