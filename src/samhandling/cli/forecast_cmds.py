"""CLI verb ``forecast``: when will a matter be decided (Monte Carlo over the meeting plans)."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from samhandling.cli.output import emit_json, heading, table
from samhandling.cli.support import add_output, check_output, write_output_with

if TYPE_CHECKING:
    from samhandling.time.forecast import Forecast

MAX_RUNS = 1_000_000
_CHANCES = (
    ("deferral", "--chance-deferral", "at et møte utsetter saken til organets neste møte"),
    ("send_back", "--chance-send-back", "at et steg sender saken tilbake til steget før"),
    ("escalation", "--chance-escalation", "at et steg løftes til eskaleringsmålet i strukturen (et ekstra steg)"),
    ("cancelled", "--chance-cancelled", "at et møte blir avlyst"),
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "forecast",
        help="prognose for når en sak blir vedtatt (P50/P80/P95 per steg, sannsynlighet for vedtak innen en dato)",
    )
    p.add_argument("structure", nargs="?", metavar="STRUKTUR", help="innebygd navn eller sti til en YAML-fil")
    p.add_argument("process", nargs="?", metavar="PROSESS", help="prosessen (standard: strukturens egen)")
    p.add_argument(
        "--from",
        dest="ready",
        metavar="DATO",
        help="datoen saken er klar for første steg (påkrevd for en ny sak; for --case: siste hendelse)",
    )
    p.add_argument("--case", metavar="SAK", help="en lagret sak: prognose for stegene den har igjen (med --db)")
    p.add_argument(
        "--db",
        metavar="URL",
        help="hendelseslager for --case og --fit: filsti (SQLite) eller postgresql://… "
        "(standard: $SAMHANDLING_DB, ellers samhandling.db)",
    )
    p.add_argument("--runs", default="1000", metavar="N", help="antall kjøringer (standard: 1000)")
    p.add_argument(
        "--seed", metavar="FRØ", help="heltall som gjør prognosen gjentakbar (standard: et tilfeldig, som skrives ut)"
    )
    p.add_argument("--by", metavar="DATO", help="vis sannsynligheten for vedtak innen denne datoen")
    for _name, flag, text in _CHANCES:
        p.add_argument(
            flag,
            dest=f"chance_{_name}",
            default="0",
            metavar="P",
            help=f"sjansen for {text} (0–1 eller prosent; standard 0)",
        )
    p.add_argument(
        "--preparation",
        action="append",
        default=[],
        metavar="STEG=DAGER",
        help="forberedelsestid før et steg: DAGER eller LAV-HØY (jevnt fordelt); STEG er handlingen, "
        "stegets navn eller * for alle (kan gjentas)",
    )
    p.add_argument(
        "--deadline",
        action="append",
        default=[],
        metavar="ORGAN=DAGER",
        help="innmeldingsfrist i dager før møtet (kan gjentas)",
    )
    p.add_argument(
        "--fit",
        "--from-store",
        dest="fit",
        action="store_true",
        help="tilpass forberedelsestiden for hvert steg fra de avsluttede sakene av samme prosess i lageret (--db): "
        "dagene mellom handlingene; steg med for få saker bruker prosessens verdi",
    )
    p.add_argument(
        "--fit-min",
        default=None,
        metavar="N",
        help="saker et steg må ha før det tilpasses med --fit (standard: 5)",
    )
    p.add_argument("--same-meeting", action="store_true", help="la samme organ ta etterfølgende steg i samme møte")
    p.add_argument("--json", action="store_true", help="skriv JSON")
    add_output(p, required=False, helptext="tegn vifte og histogram til en .png- eller .svg-fil")
    p.set_defaults(handler=cmd_forecast)


def _usage(message: str) -> Exception:
    from samhandling.errors import UsageError

    return UsageError(message)


def _usage_from(exc: Exception) -> Exception:
    from samhandling.errors import SamhandlingError, UsageError

    code = exc.code if isinstance(exc, SamhandlingError) else None
    return UsageError(str(exc), code=code)


def _day(text: str, flag: str) -> dt.date:
    from samhandling.structure.loader import parse_norwegian_date

    day = parse_norwegian_date(text)
    if day is None:
        raise _usage(f"{flag}: «{text}» er ikke en dato; bruk ÅÅÅÅ-MM-DD")
    return day


def _chance(text: str, flag: str) -> float:
    raw = text.strip().replace(",", ".")
    percent = raw.endswith("%")
    try:
        value = float(raw.rstrip("%").strip())
    except ValueError:
        raise _usage(
            f"{flag}: «{text}» er ikke en sjanse; bruk et tall fra 0 til 1 (0.2) eller prosent (20 %)"
        ) from None
    if percent:
        value /= 100
    if not 0.0 <= value <= 1.0:
        raise _usage(f"{flag}: «{text}» er utenfor 0–1 (0 %–100 %)")
    return value


def _whole(text: str, flag: str, low: int, high: int | None = None) -> int:
    if not re.fullmatch(r"-?\d+", text.strip()):
        raise _usage(f"{flag}: «{text}» er ikke et heltall")
    value = int(text)
    if value < low or (high is not None and value > high):
        bound = f"fra {low} til {high}" if high is not None else f"minst {low}"
        raise _usage(f"{flag}: {value} er utenfor det tillatte ({bound})")
    return value


def _pairs(items: list[str], flag: str, example: str) -> list[tuple[str, str]]:
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise _usage(f"{flag} «{item}»: forventet {example}")
        out.append((key.strip(), value.strip()))
    return out


def _preparation(items: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for step, value in _pairs(items, "--preparation", "STEG=DAGER eller STEG=LAV-HØY, f.eks. recommend=10-30"):
        m = re.fullmatch(r"(\d+)(?:\s*[-–]\s*(\d+))?", value)
        if m is None or (m[2] is not None and int(m[2]) < int(m[1])):
            raise _usage(f"--preparation «{step}={value}»: forventet DAGER eller LAV-HØY, f.eks. 10 eller 10-30")
        out[step] = int(m[1]) if m[2] is None else [int(m[1]), int(m[2])]
    return out


def _deadlines(items: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for body, days in _pairs(items, "--deadline", "ORGAN=DAGER, f.eks. FSU=10"):
        if not days.isdigit():
            raise _usage(f"--deadline «{body}={days}»: forventet ORGAN=DAGER, f.eks. FSU=10")
        out[body] = int(days)
    return out


def _date_text(day: dt.date | None) -> str:
    return "ingen dato" if day is None else day.strftime("%d.%m.%Y")


def _percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def _number(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def cmd_forecast(args: argparse.Namespace) -> int:
    from samhandling.process.loader import get_process
    from samhandling.time.forecast import Chances, Forecaster

    # Every argument is checked before anything is loaded or run.
    runs = _whole(args.runs, "--runs", 1, MAX_RUNS)
    seed = _whole(args.seed, "--seed", 0) if args.seed is not None else None
    chances = Chances(**{name: _chance(getattr(args, f"chance_{name}"), flag) for name, flag, _t in _CHANCES})
    by = _day(args.by, "--by") if args.by else None
    ready = _day(args.ready, "--from") if args.ready else None
    preparation = _preparation(args.preparation)
    deadlines = _deadlines(args.deadline)
    if args.fit_min is not None and not args.fit:
        raise _usage("--fit-min gjelder bare sammen med --fit")
    fit_min = _whole(args.fit_min, "--fit-min", 1) if args.fit_min is not None else None
    if args.output:
        check_output(args.output, force=args.force)
    repo = None
    if args.case:
        if args.structure or args.process:
            raise _usage("oppgi enten STRUKTUR og PROSESS eller --case, ikke begge")
        repo = _repo(args)
        target, name, ready = _stored_case(repo, args.case, ready)
        structure = target.definition.structure
        process = target.definition.name
    else:
        if not args.structure:
            raise _usage("oppgi STRUKTUR (og eventuelt PROSESS), eller --case SAK")
        if ready is None:
            raise _usage("--from DATO mangler: datoen saken er klar for første steg")
        from samhandling.structure.loader import load

        structure = load(args.structure)
        target = get_process(structure, args.process)
        name, process = target.title, target.name
    if seed is None:
        import secrets

        seed = secrets.randbelow(2**31)
    from samhandling.errors import ScheduleError

    fit = None
    try:
        if args.fit:
            fit = _fit(repo or _repo(args), getattr(target, "definition", target), deadlines, fit_min)
        forecaster = Forecaster(
            target,
            deadlines=deadlines,
            same_meeting=args.same_meeting,
            preparation=preparation,
            observations=fit.observations if fit is not None else None,
        )
        result = forecaster.run(ready, runs=runs, seed=seed, chances=chances)
    except ScheduleError as exc:  # here always a bad argument (--preparation, --deadline) or a bad setting
        raise _usage_from(exc) from None
    if args.output:
        from samhandling.render.plotting import plot_forecast

        title = f"{structure.name}: {name}, klar {_date_text(ready)}"
        write_output_with(args.output, lambda tmp: plot_forecast(result, tmp, by=by, title=title), force=args.force)
    if args.json:
        data = result.to_dict(by=by)
        data.update(
            {"structure": structure.id, "process": process, "case": getattr(target, "id", None), "picture": args.output}
        )
        data["fit"] = fit.to_dict() if fit is not None else None
        emit_json(data)
        return 0 if result.p50 is not None else 1
    _print(result, structure.name, name, by)
    if fit is not None:
        print()
        print("\n".join(fit.describe()))
    if args.output:
        print(f"skrev prognosen som bilde til {args.output}")
    return 0 if result.p50 is not None else 1


def _repo(args: argparse.Namespace) -> Any:
    from pathlib import Path

    from samhandling.app.repository import CaseRepository
    from samhandling.store import default_url, open_store

    url = args.db or default_url()
    if "://" not in url or url.startswith("sqlite:///"):  # a SQLite file: reading never creates one
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            raise _usage(f"hendelseslageret {path} finnes ikke (oppgi --db eller $SAMHANDLING_DB)")
    return CaseRepository(open_store(url))


def _fit(repo: Any, definition: Any, deadlines: dict[str, int], fit_min: int | None) -> Any:
    """Preparation times fitted from the store's closed cases of the process (``--fit``)."""
    from samhandling.time.forecast import MIN_FIT_CASES, fit_from_cases

    histories = repo.closed_histories(definition)
    return fit_from_cases(definition, histories, deadlines=deadlines, min_cases=fit_min or MIN_FIT_CASES)


def _stored_case(repo: Any, case_id: str, ready: dt.date | None) -> tuple[Any, str, dt.date]:
    case = repo.load(repo.resolve(case_id))
    if ready is None:
        ready = max(e.on for e in case.events)
    return case, f"sak {case.id} «{case.title}» ({case.state_label})", ready


def _print(result: Forecast, structure: str, name: str, by: dt.date | None) -> None:
    heading(f"Prognose for vedtak: {structure}, {name}, klar {_date_text(result.start)}")
    c = result.chances
    print(
        f"{result.runs} kjøringer, frø {result.seed} (gjenta med --seed {result.seed}); sjanse for utsettelse "
        f"{_percent(c.deferral)}, tilbakesending {_percent(c.send_back)}, eskalering {_percent(c.escalation)}, "
        f"avlyst møte {_percent(c.cancelled)}"
    )
    for label, text in result.preparation:
        print(f"forberedelsestid før «{label}»: {text}")
    print()
    rows = [
        (
            s.label,
            s.body_label,
            _date_text(s.projected),
            _date_text(s.p50),
            _date_text(s.p80),
            _date_text(s.p95),
            _percent(s.dated),
        )
        for s in result.steps
    ]
    rows.append(
        (
            "vedtak",
            "",
            _date_text(result.decision_projected),
            _date_text(result.p50),
            _date_text(result.p80),
            _date_text(result.p95),
            _percent(result.dated),
        )
    )
    if not result.steps:
        print("saken har ingen steg igjen på hovedveien")
    table(("steg", "organ", "projeksjon", "P50", "P80", "P95", "med dato"), rows)
    print()
    if result.send_backs or result.escalations or result.deferrals or result.cancellations:
        print(
            f"i snitt per kjøring: {_number(result.deferrals)} utsettelser, {_number(result.send_backs)} "
            f"tilbakesendinger, {_number(result.escalations)} eskaleringer, {_number(result.cancellations)} "
            "avlyste møter"
        )
    day = by or result.decision_projected
    if day is not None:
        print(f"Sannsynlighet for vedtak innen {_date_text(day)}: {_percent(result.probability_by(day))}")
    if result.p50 is None:
        print("merk: under halvparten av kjøringene når et vedtak før møteplanen tar slutt")
