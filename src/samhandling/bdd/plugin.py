"""samhandling's pytest plugin (``pytest11`` entry point): Norwegian steps for pytest-bdd.

Loaded by pytest in every run of an environment where samhandling is installed, so it
must stay harmless: without pytest-bdd it only adds its ini options; every
``pytest_bdd_*`` hook is optional; ``.feature`` files are collected only when the
ini option ``samhandling_features = true`` says so.

What it adds when pytest-bdd is installed:

* every phrase of :mod:`samhandling.bdd.catalogue` as a step (any keyword), matched
  after normalising quotes, non-breaking spaces and case;
* the ``samhandling_world`` fixture (the scenario's structure, case and last attempt);
* failure output naming the failing step with file and line and the case's history,
  and the closest known phrasings for an undefined step;
* a record of the run (``.samhandling/bdd-run.json``) for ``samhandling report``.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from samhandling.bdd.record import DEFAULT_RUN_FILE, RunRecorder
from samhandling.bdd.world import World

pytest_bdd: Any
try:
    import pytest_bdd
except ImportError:  # pragma: no cover - exercised by a subprocess test
    pytest_bdd = None

_RECORDER = pytest.StashKey[RunRecorder]()
_SCENARIO = pytest.StashKey[dict[str, Any]]()
_FAILURE = pytest.StashKey[str]()
_STARTED = pytest.StashKey[float]()
_UNDEFINED = pytest.StashKey[bool]()


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
    group = parser.getgroup("samhandling")
    group.addoption(
        "--samhandling-run",
        dest="samhandling_run",
        default=None,
        metavar="FIL",
        help="lagre kjøringen av feature-filene her (for «samhandling report»)",
    )


# ---------------------------------------------------------------------------- steps and fixture

if pytest_bdd is not None:
    from samhandling.bdd.catalogue import all_steps
    from samhandling.bdd.pytest_glue import NorwegianStepParser, collect_feature, wrap_step

    # pytest_bdd.step() defines the step fixture in its caller's namespace: this module's globals.
    for _spec in all_steps():
        pytest_bdd.step(NorwegianStepParser(_spec.template), stacklevel=1)(wrap_step(_spec.func))
    del _spec


@pytest.fixture
def samhandling_world() -> World:
    """The scenario's state: structure, process, case and the last attempted act."""
    return World()


# ---------------------------------------------------------------------------- collection


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix != ".feature" or pytest_bdd is None:
        return None
    if not parent.config.getini("samhandling_features"):
        return None
    return collect_feature(file_path, parent)


# ---------------------------------------------------------------------------- recording


def pytest_configure(config: pytest.Config) -> None:
    if pytest_bdd is None:
        return
    config.stash[_RECORDER] = RunRecorder(config.rootpath)


def _recorder(request: pytest.FixtureRequest) -> RunRecorder | None:
    return request.config.stash.get(_RECORDER, None)


def _datatable(step: Any) -> list[list[str]] | None:
    table = getattr(step, "datatable", None)
    if table is None:
        return None
    raw: list[list[str]] = table.raw()
    return raw


def _world(request: pytest.FixtureRequest) -> World | None:
    try:
        world = request.getfixturevalue("samhandling_world")
    except pytest.FixtureLookupError:
        return None
    return world if isinstance(world, World) else None


@pytest.hookimpl(optionalhook=True)
def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    world = _world(request)
    if world is not None and world.base_dir is None:
        world.base_dir = Path(feature.filename).parent
    recorder = _recorder(request)
    if recorder is None:
        return
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
def pytest_bdd_after_step(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any,
                          step_func: Any, step_func_args: Any) -> None:
    rec = _step_record(request, step)
    if rec is not None:
        rec["status"] = "passed"


def _where(request: pytest.FixtureRequest, feature: Any, step: Any) -> str:
    try:
        filename = Path(feature.filename).resolve().relative_to(request.config.rootpath.resolve()).as_posix()
    except ValueError:
        filename = feature.filename
    return f"{filename}, linje {step.line_number}"


def _step_line(step: Any) -> str:
    return f"{step.keyword.strip()} {step.name}"


def _error_text(exception: BaseException) -> str:
    text = str(exception).strip()
    return text or type(exception).__name__


@pytest.hookimpl(optionalhook=True)
def pytest_bdd_step_error(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any,
                          step_func_args: Any, exception: BaseException) -> None:
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
    world = _world(request)
    if world is not None and world.has_case:
        lines.append(world.history_text())
    elif world is not None and world.has_structure:
        lines.append(f"Struktur: {world.structure.name} ({world.structure.id}); ingen sak er startet.")
    request.node.stash[_FAILURE] = "\n".join(lines)


@pytest.hookimpl(optionalhook=True)
def pytest_bdd_step_func_lookup_error(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any,
                                      exception: BaseException) -> None:
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
    if record is None:
        return
    world = _world(request)
    if world is not None:
        try:
            record["world"] = world.summary()
        except Exception as exc:  # a broken world must not hide the scenario's own result
            record["world"] = {"error": str(exc)}


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
