"""The ``samhandling`` command line.

Each area of the tool registers its verbs from its own module (listed in
:data:`COMMAND_MODULES`); registration is cheap, and a verb imports what it
needs only when it runs, so ``samhandling --help`` starts fast.
No traceback ever reaches a user: :func:`main` turns every error into one
Norwegian line and an exit code (0 ok, 1 rule errors or a refused act, 2 bad
input or arguments, 3 an internal error).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from samhandling.errors import LoadError, NotFoundError, SamhandlingError, UsageError

COMMAND_MODULES = (
    "samhandling.cli.structure_cmds",
    "samhandling.cli.case_cmds",
    "samhandling.cli.time_cmds",
    "samhandling.cli.forecast_cmds",
    "samhandling.cli.graph_cmds",
    "samhandling.cli.bdd_cmds",
)

_ARGPARSE_NB = (
    ("the following arguments are required: ", "disse argumentene mangler: "),
    ("unrecognized arguments: ", "ukjente argumenter: "),
    ("invalid choice: ", "ugyldig valg: "),
    ("(choose from ", "(velg blant "),
    ("expected one argument", "forventet én verdi"),
    ("argument ", "argument "),
    ("invalid int value: ", "ugyldig heltall: "),
)


class _NorwegianHelp(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix="bruk: " if prefix is None else prefix)


class NorwegianParser(argparse.ArgumentParser):
    """argparse with Norwegian help headings, and Norwegian errors raised as :class:`UsageError`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _NorwegianHelp)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False  # added below with a Norwegian help text
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenter"
        self._optionals.title = "valg"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="vis denne hjelpeteksten og avslutt")

    def error(self, message: str) -> NoReturn:
        for en, nb in _ARGPARSE_NB:
            message = message.replace(en, nb)
        raise UsageError(f"{message} (se «{self.prog} --help»)")


def build_parser() -> argparse.ArgumentParser:
    parser = NorwegianParser(
        prog="samhandling",
        description="Styringen av helsefellesskap som kjørbar kode: strukturer, prosesser, saker og møter.",
    )
    parser.add_argument("--version", action="store_true", help="vis versjonen og avslutt")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=NorwegianParser)
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # an area not built yet
            raise
        module.register(sub)
    return parser


def _exit_code(exc: SamhandlingError) -> int:
    if isinstance(exc, (LoadError, UsageError, NotFoundError)):
        return 2
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.version:
            from samhandling import __version__

            print(f"samhandling {__version__}")
            return 0
        if not getattr(args, "handler", None):
            parser.print_help()
            return 2
        code: int = args.handler(args)
        return code
    except SamhandlingError as exc:
        print(f"feil [{exc.code}]: {exc}", file=sys.stderr)
        return _exit_code(exc)
    except KeyboardInterrupt:
        print("avbrutt", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: no traceback for users
        if os.environ.get("SAMHANDLING_DEBUG"):
            raise
        print(
            f"intern feil ({type(exc).__name__}: {exc}); kjør med SAMHANDLING_DEBUG=1 for detaljer "
            "og meld gjerne fra om feilen",
            file=sys.stderr,
        )
        return 3


def run() -> NoReturn:
    """Console-script entry point."""
    sys.exit(main())
