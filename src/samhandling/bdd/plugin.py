"""samhandling's pytest plugin (``pytest11`` entry point): Norwegian steps for pytest-bdd.

Loaded by pytest in every run of an environment where samhandling is installed, so it
must stay harmless and cheap: at import it loads only pytest and :mod:`samhandling.bdd.dispatch`
(standard library only); without pytest-bdd it only adds its ini options; every
``pytest_bdd_*`` hook is optional; ``.feature`` files are collected only when the
ini option ``samhandling_features = true`` says so. The step catalogue, the model and
the engine are imported on the first step text that could be a samhandling step.

What it adds when pytest-bdd is installed:

* one step standing for every phrase of :mod:`samhandling.bdd.catalogue` (any keyword), matched
  after normalising quotes, non-breaking spaces and case (:mod:`samhandling.bdd.dispatch`);
* the ``samhandling_world`` fixture (the scenario's structure, case, last attempt and clock);
* failure output naming the failing step with file and line and the case's history,
  and the closest known phrasings for an undefined step;
* a failure for an attempt («forsøker å utføre») that no later step looked at;
* a record of the run (``.samhandling/bdd-run.json``) for ``samhandling report``, written when the
  run used samhandling's steps.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from samhandling.bdd.record import RunRecorder
    from samhandling.bdd.world import World

pytest_bdd: Any
try:
    import pytest_bdd
except ImportError:  # pragma: no cover - exercised by a subprocess test
    pytest_bdd = None

DEFAULT_RUN_FILE = ".samhandling/bdd-run.json"  # the same as samhandling.bdd.record.DEFAULT_RUN_FILE

_RECORDER = pytest.StashKey["RunRecorder"]()
_USED = pytest.StashKey[bool]()
_SCENARIO = pytest.StashKey[dict[str, Any]]()
_FAILURE = pytest.StashKey[str]()
_STARTED = pytest.StashKey[float]()
_UNDEFINED = pytest.StashKey[bool]()
_WORLD = pytest.StashKey["World"]()
_FEATURE_DIR = pytest.StashKey[Path]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "samhandling_features",
        type="bool",
        default=False,
        help="samhandling: samle .feature-filer direkte, uten en Python-testmodul",
    )
    parser.addini(
        "samhandling_run_file",
        default=DEFAULT_RUN_FILE,
        help="samhandling: hvor kjøringen av feature-filene lagres (relativt til rotmappen; tom = ikke lagre)",
    )
    parser.addini(
        "samhandling_strict_refusals",
        type="bool",
        default=False,
        help='samhandling: «Så handlingen avvises» må ha koden («… med koden "KODE"»)',
    )
    group = parser.getgroup("samhandling")
    group.addoption(
        "--samhandling-run",
        dest="samhandling_run",
        default=None,
        metavar="FIL",
        help="lagre kjøringen av feature-filene her (for «samhandling report»)",
    )


# ---------------------------------------------------------------------------- the step and the fixture

if pytest_bdd is not None:
    from pytest_bdd.parsers import StepParser

    from samhandling.bdd.dispatch import make_parser, maybe_ours, run_step

    # One step for the whole catalogue; pytest_bdd.step() defines its fixture in this module's globals.
    pytest_bdd.step(make_parser(StepParser), stacklevel=1)(run_step)


@pytest.fixture
def samhandling_world(request: pytest.FixtureRequest) -> Generator[World, None, None]:
    """The scenario's state: structure, process, case, the last attempted act and the clock."""
    from samhandling.bdd.world import World

    world = World(request.node.stash.get(_FEATURE_DIR, None))
    world.strict_refusals = bool(request.config.getini("samhandling_strict_refusals"))
    request.node.stash[_WORLD] = world
    request.config.stash[_USED] = True
    yield world
    world.close()


# ---------------------------------------------------------------------------- collection


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix != ".feature" or pytest_bdd is None:
        return None
    if not parent.config.getini("samhandling_features"):
        return None
    from samhandling.bdd.pytest_glue import collect_feature

    return collect_feature(file_path, parent)


# ---------------------------------------------------------------------------- recording


def _recorder(request: pytest.FixtureRequest) -> RunRecorder:
    recorder = request.config.stash.get(_RECORDER, None)
    if recorder is None:
        from samhandling.bdd.record import RunRecorder

        recorder = request.config.stash[_RECORDER] = RunRecorder(request.config.rootpath)
    return recorder


def _datatable(step: Any) -> list[list[str]] | None:
    table = getattr(step, "datatable", None)
    if table is None:
        return None
    raw: list[list[str]] = table.raw()
    return raw


def _samhandling_run(config: pytest.Config) -> bool:
    """Whether this run uses samhandling: a step used the world, or the ini option collects feature files."""
    return bool(config.stash.get(_USED, False) or config.getini("samhandling_features"))


def _world(request: pytest.FixtureRequest) -> World | None:
    """The scenario's world if a step has used it (never created here)."""
    world: World | None = request.node.stash.get(_WORLD, None)
    return world


@pytest.hookimpl(optionalhook=True)
def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    request.node.stash[_FEATURE_DIR] = Path(feature.filename).parent
    world = _world(request)
    if world is not None and world.base_dir is None:  # a test that asked for the fixture itself
        world.base_dir = Path(feature.filename).parent
    if (
        world is None
        and not _samhandling_run(request.config)
        and not any(maybe_ours(step.name) for step in scenario.steps)
    ):
        return  # another project's scenario: not recorded (the record is samhandling's)
    recorder = _recorder(request)
    steps = [
        {
            "keyword": step.keyword.strip(),
            "text": step.name,
            "line": step.line_number,
            "datatable": _datatable(step),
            "docstring": step.docstring,
            "background": step.background is not None,
        }
        for step in scenario.steps
    ]
    record = recorder.start_scenario(
        request.node.nodeid,
        {
            "filename": feature.filename,
            "name": feature.name,
            "keyword": feature.keyword,
            "description": feature.description,
            "language": feature.language,
        },
        {
            "name": scenario.name,
            "keyword": scenario.keyword,
            "line": scenario.line_number,
            "tags": sorted(scenario.tags),
            "description": scenario.description or "",
        },
        steps,
    )
    record["_index"] = {id(step): i for i, step in enumerate(scenario.steps)}
    request.node.stash[_SCENARIO] = record
    request.node.stash[_STARTED] = time.perf_counter()


@pytest.hookimpl(optionalhook=True)
def pytest_bdd_before_step(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any
) -> None:
    world = _world(request)
    if world is not None:
        world.step_line = step.line_number


def _step_record(request: pytest.FixtureRequest, step: Any) -> dict[str, Any] | None:
    record = request.node.stash.get(_SCENARIO, None)
    if record is None:
        return None
    index = record.get("_index", {}).get(id(step))
    if index is None:
        return None
    step_record: dict[str, Any] = record["steps"][index]
    return step_record


@pytest.hookimpl(optionalhook=True)
def pytest_bdd_after_step(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any, step_func_args: Any
) -> None:
    rec = _step_record(request, step)
    if rec is not None:
        rec["status"] = "passed"
    world = _world(request)
    if world is not None and world.notes:
        notes, world.notes = world.notes, []
        if rec is not None:
            rec["note"] = "; ".join(notes)
        for note in notes:
            request.node.warn(
                pytest.PytestWarning(
                    f"samhandling: {_where(request, feature, step)}: «{_step_line(step)}» sier ikke hvilken kode; "
                    f"handlingen ble {note}"
                )
            )


def _where(request: pytest.FixtureRequest, feature: Any, step: Any) -> str:
    return _where_line(request, feature, step.line_number)


def _step_line(step: Any) -> str:
    return f"{step.keyword.strip()} {step.name}"


def _error_text(exception: BaseException) -> str:
    text = str(exception).strip()
    return text or type(exception).__name__


@pytest.hookimpl(optionalhook=True)
def pytest_bdd_step_error(
    request: pytest.FixtureRequest,
    feature: Any,
    scenario: Any,
    step: Any,
    step_func: Any,
    step_func_args: Any,
    exception: BaseException,
) -> None:
    world = _world(request)
    if world is None and not _samhandling_run(request.config):
        return  # another project's failing step: its own report stands
    error = _error_text(exception)
    rec = _step_record(request, step)
    if rec is not None:
        rec["status"] = "failed"
        rec["error"] = error
    lines = [
        f"Steget som feilet: {_step_line(step)}",
        f"  i {_where(request, feature, step)} (scenario «{scenario.name}», linje {scenario.line_number})",
        f"  {error}",
    ]
    if world is not None and world.has_case:
        lines.append(world.history_text())
    elif world is not None and world.has_structure:
        lines.append(f"Struktur: {world.structure.name} ({world.structure.id}); ingen sak er startet.")
    request.node.stash[_FAILURE] = "\n".join(lines)


@pytest.hookimpl(optionalhook=True)
def pytest_bdd_step_func_lookup_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: BaseException
) -> None:
    if not (_samhandling_run(request.config) or maybe_ours(step.name)):
        return  # another project's undefined step: pytest-bdd's own message stands
    from samhandling.bdd.catalogue import describe_suggestions, suggest

    rec = _step_record(request, step)
    if rec is not None:
        rec["status"] = "undefined"
        rec["error"] = "steget er ikke definert"
        rec["suggestions"] = [{"template": s.template, "example": s.example} for s in suggest(step.name)]
    lines = [
        f"Udefinert steg: {_step_line(step)}",
        f"  i {_where(request, feature, step)} (scenario «{scenario.name}», linje {scenario.line_number})",
        describe_suggestions(step.name),
    ]
    world = _world(request)
    if world is not None and world.has_case:
        lines.append(world.history_text())
    request.node.stash[_FAILURE] = "\n".join(lines)
    request.node.stash[_UNDEFINED] = True


@pytest.hookimpl(optionalhook=True)
def pytest_bdd_after_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    record = request.node.stash.get(_SCENARIO, None)
    world = _world(request)
    if world is not None and record is not None:
        try:
            record["world"] = world.summary()
        except Exception as exc:  # a broken world must not hide the scenario's own result
            record["world"] = {"error": str(exc)}
    if world is None or _FAILURE in request.node.stash:
        return
    unchecked = world.unchecked_attempts()
    if unchecked:
        lines = [
            f"  {feature.filename if a.line is None else _where_line(request, feature, a.line)}: "
            f"«{a.act}» av {a.body} ble {'avvist [' + str(a.error.code) + ']' if a.error else 'godtatt'}"
            for a in unchecked
        ]
        message = (
            "et forsøk («forsøker å utføre») ble aldri sjekket: skriv et steg som «Så handlingen avvises med koden "
            '"…"» eller «Så handlingen godtas» etter det\n' + "\n".join(lines)
        )
        request.node.stash[_FAILURE] = message
        pytest.fail(message, pytrace=False)


def _where_line(request: pytest.FixtureRequest, feature: Any, line: int) -> str:
    try:
        filename = Path(feature.filename).resolve().relative_to(request.config.rootpath.resolve()).as_posix()
    except ValueError:
        filename = feature.filename
    return f"{filename}, linje {line}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    record = item.stash.get(_SCENARIO, None)
    failure = item.stash.get(_FAILURE, None)
    if report.when == "call" and report.failed and failure:
        longrepr: Any = report.longrepr
        if item.stash.get(_UNDEFINED, False):
            report.longrepr = failure  # pytest-bdd's English message and hidden traceback add nothing
        elif hasattr(longrepr, "addsection"):
            longrepr.addsection("samhandling: steget som feilet", failure)
        else:
            report.longrepr = f"{longrepr}\n\n{failure}"
    if record is None:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        record["outcome"] = "failed" if report.failed else "skipped" if report.skipped else "passed"
        started = item.stash.get(_STARTED, None)
        if started is not None:
            record["duration"] = round(time.perf_counter() - started, 4)
        if report.failed:
            record["failure"] = failure or str(report.longreprtext)[-2000:]
        if report.skipped and isinstance(report.longrepr, tuple):
            record["skip_reason"] = str(report.longrepr[2])


def _run_path(config: pytest.Config) -> Path | None:
    option = config.getoption("samhandling_run", None)
    value = option if option else config.getini("samhandling_run_file")
    if not value:
        return None
    path = Path(str(value))
    return path if path.is_absolute() else config.rootpath / path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    recorder = session.config.stash.get(_RECORDER, None)
    if recorder is None or not recorder.scenarios:
        return
    config = session.config
    if not (_samhandling_run(config) or config.getoption("samhandling_run", None)):
        return  # pytest-bdd scenarios that never used samhandling: leave the project alone
    if hasattr(session.config, "workerinput"):  # pytest-xdist worker: the controller has no scenarios
        return
    path = _run_path(session.config)
    if path is None:
        return
    for record in recorder.scenarios.values():
        record.pop("_index", None)
    try:
        recorder.write(path, int(exitstatus))
    except OSError as exc:
        session.config.issue_config_time_warning(
            pytest.PytestWarning(f"samhandling: kunne ikke lagre kjøringen i {path}: {exc}"), stacklevel=2
        )
