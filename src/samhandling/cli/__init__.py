"""The ``samhandling`` command line.

Each area of the tool registers its verbs from its own module (listed in
:data:`COMMAND_MODULES`); registration is cheap, and a verb imports what it
needs only when it runs, so ``samhandling --help`` starts fast.
No traceback ever reaches a user: :func:`main` turns every error into one
Norwegian line on stderr (passwords masked) and an exit code (0 ok, 1 rule errors,
a refused act, a broken hash chain or a store that answered with an error, 2 bad
input or arguments, 3 an internal error, i.e. a bug). ``--today DATO`` (before or after the verb) or
``$SAMHANDLING_TODAY`` sets the clock for the command.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from samhandling.errors import LoadError, NotFoundError, SamhandlingError, UsageError

if TYPE_CHECKING:
    from samhandling.clock import Clock

COMMAND_MODULES = (
    "samhandling.cli.structure_cmds",
    "samhandling.cli.case_cmds",
    "samhandling.cli.time_cmds",
    "samhandling.cli.tick_cmds",
    "samhandling.cli.forecast_cmds",
    "samhandling.cli.graph_cmds",
    "samhandling.cli.bdd_cmds",
    "samhandling.cli.meeting_cmds",
    "samhandling.cli.archive_cmds",
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
    parser.add_argument("--today", metavar="DATO", default=None, help=TODAY_HELP)
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=NorwegianParser)
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # an area not built yet
            raise
        module.register(sub)
    for leaf in _leaves(parser):
        if not any("--today" in a.option_strings for a in leaf._actions):
            # SUPPRESS: a verb's own default must not undo «samhandling --today DATO verb …»
            leaf.add_argument("--today", metavar="DATO", default=argparse.SUPPRESS, help=TODAY_HELP)
    return parser


TODAY_HELP = "gjør som om i dag er DATO (ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ; standard: $SAMHANDLING_TODAY, ellers dagens dato)"


def _leaves(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    out: list[argparse.ArgumentParser] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                nested = _leaves(sub)
                out.extend(nested or [sub])
    return out


def _exit_code(exc: SamhandlingError) -> int:
    if isinstance(exc, (LoadError, UsageError, NotFoundError)):
        return 2
    return 1  # a rule, a refusal, a store that answered with an error


def _check_argv(argv: Sequence[str]) -> None:
    """Arguments the system could not decode as UTF-8 arrive with surrogate escapes: refuse them by position."""
    for n, arg in enumerate(argv, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            raise UsageError(
                f"argument nr. {n} («{shown}») er ikke gyldig UTF-8; skriv det på nytt med UTF-8-tegnsett",
                code="bad-encoding",
            ) from None


def _clock_for(args: argparse.Namespace) -> Clock:
    from samhandling.cli.support import parse_date
    from samhandling.clock import ENV_TODAY, FixedClock, SystemClock

    text = getattr(args, "today", None)
    option = "--today"
    if text is None:
        text = os.environ.get(ENV_TODAY)
        option = f"${ENV_TODAY}"
        if text is None or not text.strip():
            return SystemClock()
    day = parse_date(text, option)
    assert day is not None
    return FixedClock(day)


def _say_error(text: str) -> None:
    from samhandling.cli.support import mask_secrets

    line = " ".join(mask_secrets(text).split())  # one line, whatever the message held
    print(line, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    from samhandling.clock import use_clock

    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        _check_argv(argv)
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.version:
            from samhandling import __version__

            print(f"samhandling {__version__}")
            return 0
        if not getattr(args, "handler", None):
            parser.print_help()
            return 2
        with use_clock(_clock_for(args)):
            code: int = args.handler(args)
        return code
    except SamhandlingError as exc:
        _say_error(f"feil [{exc.code}]: {exc}")
        return _exit_code(exc)
    except KeyboardInterrupt:
        print("avbrutt", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last lines of defence: no traceback for users
        if os.environ.get("SAMHANDLING_DEBUG"):
            raise
        known = _known_failure(exc)
        if known is not None:
            _say_error(known[0])
            return known[1]
        _say_error(
            f"intern feil ({type(exc).__name__}: {exc}); kjør med SAMHANDLING_DEBUG=1 for detaljer "
            "og meld gjerne fra om feilen"
        )
        return 3


def _known_failure(exc: Exception) -> tuple[str, int] | None:
    """A Norwegian line for failures that come from the user's surroundings (files, the database), not from a bug."""
    if isinstance(exc, OSError):
        where = f" «{exc.filename}»" if exc.filename else ""
        return f"feil [os]: kan ikke bruke{where}: {exc.strerror or exc}", 2
    if isinstance(exc, OverflowError) or (isinstance(exc, ValueError) and "out of range" in str(exc)):
        # date arithmetic past year 9999 or a count too large for the system: the user's numbers, not a bug
        return f"feil [out-of-range]: en dato eller et tall i argumentene er utenfor det som kan regnes med ({exc})", 2
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is not None and isinstance(exc, sa_exc.SQLAlchemyError):
        orig = getattr(exc, "orig", None) or exc
        detail = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
        return f"feil [store]: hendelseslageret svarte med feil: {detail}", 1
    return None


def run() -> NoReturn:
    """Console-script entry point."""
    sys.exit(main())
