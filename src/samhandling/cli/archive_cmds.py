"""CLI verbs for Noark 5 exports: ``samhandling archive case|meeting`` (see ``docs/archive.md``).

``archive case SAK -o FIL`` writes the case's Fiks Arkiv arkivmelding messages: all of them as one ``.zip``
(one XML file per message, in sending order), or one message as ``.xml`` (a case with one message, or the one
chosen with ``--melding NR``). ``archive meeting STRUKTUR MØTEFIL -o FIL.xml`` writes a meeting, read from a
small YAML file (:mod:`samhandling.archive.meeting`), as one Noark 5 ``arkiv`` document. Before anything is
written every document passes samhandling's structural checks and, when the user names the official schemas
(``--xsd DIR`` or ``SAMHANDLING_ARKIV_XSD``; needs the extra ``archive``), the Fiks Arkiv V1 schema; without
them one line on stderr says the official validation was not run (``--krev-skjema`` refuses instead,
``--uten-validering`` skips every check); ``-o`` follows the CLI's rules (:mod:`samhandling.cli.support`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from samhandling.cli.support import add_output, db_help, input_files, open_repo, resolve_db, sqlite_file, write_output
from samhandling.errors import UsageError

if TYPE_CHECKING:
    from samhandling.archive.export import ArchiveMessage


def register(sub: Any) -> None:
    archive = sub.add_parser("archive", help="eksport til arkiv (Noark 5, Fiks Arkiv): saker og møter")
    verbs = archive.add_subparsers(dest="archive_command", metavar="HANDLING", parser_class=type(archive))
    archive.set_defaults(handler=lambda _args: _help(archive))

    p = verbs.add_parser("case", help="en sak som arkivmeldinger (saksmappe og én journalpost per handling)")
    p.add_argument("case", metavar="SAK", help="sak-id (eller en entydig begynnelse av den)")
    p.add_argument("--db", metavar="URL", help=db_help())
    p.add_argument(
        "--melding", type=_positive, metavar="NR", help="skriv bare melding nr. NR (1 er saksmappen) til en .xml-fil"
    )
    _add_validation(p)
    add_output(p, required=True, helptext="FIL.zip (alle meldingene) eller FIL.xml (én melding)")
    p.set_defaults(handler=cmd_case)

    p = verbs.add_parser("meeting", help="et møte som Noark 5-arkivdokument (møtemappe med møteregistreringer)")
    p.add_argument("structure", metavar="STRUKTUR", help="innebygd navn eller sti til en YAML-fil")
    p.add_argument("meeting", metavar="MØTEFIL", help="møtet som YAML (organ, dato, nummer, saksliste med vedtak)")
    _add_validation(p)
    add_output(p, required=True, helptext="FIL.xml")
    p.set_defaults(handler=cmd_meeting)


def _add_validation(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--xsd",
        metavar="MAPPE",
        help="mappen Schema/V1 fra github.com/ks-no/fiks-arkiv-specification: valider også mot de "
        "offisielle Fiks Arkiv-skjemaene (standard: $SAMHANDLING_ARKIV_XSD)",
    )
    p.add_argument(
        "--krev-skjema", action="store_true", help="avvis eksporten når de offisielle skjemaene ikke er oppgitt"
    )
    p.add_argument(
        "--uten-validering", action="store_true", help="ingen kontroll: verken strukturkontroll eller skjemavalidering"
    )


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _positive(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1 or len(text.strip()) > 6:
        raise argparse.ArgumentTypeError(f"«{text}» er ikke et meldingsnummer (et positivt heltall)")
    return int(text)


def _suffix(path: str, allowed: tuple[str, ...]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        raise UsageError(f"-o: «{path}» må slutte på {' eller '.join(allowed)}", code="bad-output")
    return suffix


def _validate(messages: list[ArchiveMessage], args: argparse.Namespace) -> str:
    """Check every document (structure always, the official schemas when configured); what was checked."""
    if args.uten_validering:
        if args.krev_skjema or args.xsd:
            raise UsageError("--uten-validering kan ikke kombineres med --xsd eller --krev-skjema", code="bad-option")
        return "ikke kontrollert"
    from samhandling.archive.validation import HOW_TO_ENABLE, SCHEMA_FILES, check_documents

    folder = check_documents(
        ((m.name, m.schema, m.xml) for m in messages), folder=args.xsd, require_schema=args.krev_skjema
    )
    if folder is None:
        print(
            f"merk: den offisielle skjemavalideringen (Fiks Arkiv V1) ble ikke kjørt; {HOW_TO_ENABLE}", file=sys.stderr
        )
        return "strukturkontroll bestått; ikke validert mot de offisielle skjemaene"
    return "strukturkontroll bestått; validert mot " + ", ".join(sorted({SCHEMA_FILES[m.schema] for m in messages}))


def cmd_case(args: argparse.Namespace) -> int:
    from samhandling.archive.export import case_messages, write_zip

    suffix = _suffix(args.output, (".zip", ".xml"))
    if args.melding is not None and suffix != ".xml":
        raise UsageError("--melding skriver én melding; bruk -o FIL.xml", code="bad-output")
    repo = open_repo(args.db, read_only=True)
    case = repo.load(repo.resolve(args.case))
    messages = case_messages(case)
    if args.melding is not None:
        if args.melding > len(messages):
            raise UsageError(f"--melding {args.melding}: saken har bare {len(messages)} meldinger", code="bad-output")
        messages = [messages[args.melding - 1]]
    elif suffix == ".xml" and len(messages) > 1:
        raise UsageError(
            f"saken gir {len(messages)} arkivmeldinger (saksmappen og {len(messages) - 1} journalposter;"
            " Fiks Arkiv tar én mappe eller én registrering per melding): skriv dem til en .zip-fil "
            "(-o sak.zip) eller velg én med --melding NR",
            code="archive-many-messages",
        )
    checked = _validate(messages, args)
    data = write_zip(messages) if suffix == ".zip" else messages[0].xml
    db_file = sqlite_file(resolve_db(args.db))
    out = write_output(args.output, data, force=args.force, inputs=input_files(str(db_file) if db_file else None))
    print(f"skrev {out}: {len(messages)} arkivmelding(er) for sak {case.id} ({checked})")
    return 0


def cmd_meeting(args: argparse.Namespace) -> int:
    from samhandling.archive.export import meeting_document
    from samhandling.archive.meeting import read_meeting
    from samhandling.structure.loader import load

    _suffix(args.output, (".xml",))
    structure = load(args.structure)
    meeting = read_meeting(args.meeting)
    document = meeting_document(meeting, structure)
    checked = _validate([document], args)
    out = write_output(args.output, document.xml, force=args.force, inputs=input_files(args.structure, args.meeting))
    print(
        f"skrev {out}: møte {meeting.number} i {structure.body(meeting.body).label} med "
        f"{len(meeting.items)} møtesak(er) ({checked})"
    )
    return 0
