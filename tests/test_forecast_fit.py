"""Forecasts with preparation times fitted from the store's closed cases (``forecast --fit``, issue 13 item 4)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from samhandling.app.repository import CaseRepository
from samhandling.cli import main
from samhandling.store import open_store
from samhandling.time.forecast import MIN_FIT_CASES, Forecaster, fit_from_cases

D = dt.date

STRUCTURE = """\
structure: fitt
name: Tilpasningsfellesskap
parties:
  - {id: hf, name: Helseforetaket, kind: health_trust}
bodies:
  - {id: fsu, name: Fagleg samarbeidsutval, abbreviation: FSU, kind: professional_committee}
  - {id: ssu, name: Strategisk samarbeidsutval, abbreviation: SSU, kind: strategic_committee, power: decides,
     decision_rule: majority}
meetings:
MEETINGS
processes:
  - {name: to-steg, file: to-steg.yaml}
"""

PROCESS = """\
process: to-steg
version: "1"
title: To steg
initial: ny
states:
  - {name: ny, label: Ny}
  - {name: tilraadd, label: Tilrådd}
  - {name: vedtatt, label: Vedtatt, final: true}
acts:
  - {name: recommend, label: tilrå, kind: recommend, from: ny, to: tilraadd, by: {body: FSU}}
  - {name: decide, label: vedta, kind: decide, from: tilraadd, to: vedtatt, by: {body: SSU}}
"""

MONTHS = [D(y, m, 1) for y in (2023, 2024) for m in range(1, 13)]


def _write(folder: Path) -> Path:
    """FSU meets on the 10th and SSU on the 25th of every month of 2023 and 2024."""
    folder.mkdir(parents=True, exist_ok=True)
    meetings = "\n".join(
        f"  - {{body: {body}, date: {m.replace(day=day).isoformat()}}}"
        for m in MONTHS
        for body, day in (("fsu", 10), ("ssu", 25))
    )
    (folder / "to-steg.yaml").write_text(PROCESS, encoding="utf-8")
    path = folder / "fitt.yaml"
    path.write_text(STRUCTURE.replace("MEETINGS", meetings), encoding="utf-8")
    return path


def _closed(repo: CaseRepository, structure: Path, i: int, opened: D, recommended: D, decided: D) -> None:
    case = repo.create(str(structure), "to-steg", f"Sak {i}", opened, case_id=f"sak-{i}")
    repo.act(case.id, "recommend", by="FSU", on=recommended)
    repo.act(case.id, "decide", by="SSU", on=decided, positions={"hf": "for"})


@pytest.fixture
def filled(tmp_path: Path) -> tuple[Path, Path]:
    """A SQLite store with six closed cases (recommended 20 days after opening, decided 15 days after that), one
    open case with other durations (not counted) and a closed case with no recommendation (decide only: never)."""
    structure = _write(tmp_path / "def")
    db = tmp_path / "saker.db"
    repo = CaseRepository(open_store(str(db)))
    for i, month in enumerate(MONTHS[:6]):
        meeting = month.replace(day=10)
        _closed(repo, structure, i, meeting - dt.timedelta(days=20), meeting, month.replace(day=25))
    open_case = repo.create(str(structure), "to-steg", "Åpen", D(2023, 7, 1), case_id="aapen")
    repo.act(open_case.id, "recommend", by="FSU", on=D(2023, 8, 10))
    repo.store.close()
    return structure, db


def test_fit_reads_the_closed_cases_durations_between_acts(filled: tuple[Path, Path]) -> None:
    structure, db = filled
    repo = CaseRepository(open_store(str(db)))
    definition = repo.definition(str(structure), "to-steg")
    histories = repo.closed_histories(definition)
    assert len(histories) == 6  # the open case is not closed
    fit = fit_from_cases(definition, histories)
    assert fit.cases == 6 and fit.min_cases == MIN_FIT_CASES
    assert [(s.act, s.cases, s.fitted) for s in fit.steps] == [("recommend", 6, True), ("decide", 6, True)]
    assert sorted(set(fit.observations)) == [("tilrå", 20), ("vedta", 15)]
    # A submission deadline: the matter had to be ready that many days before the meeting that took it.
    with_deadline = fit_from_cases(definition, histories, deadlines={"FSU": 5})
    assert sorted(set(with_deadline.observations)) == [("tilrå", 15), ("vedta", 15)]
    # Too few cases for the asked minimum: nothing fitted, every step falls back.
    strict = fit_from_cases(definition, histories, min_cases=7)
    assert strict.observations == () and [s.fitted for s in strict.steps] == [False, False]
    assert "«tilrå»: for få saker (6); prosessens verdi brukes" in "\n".join(strict.describe())


def test_a_fitted_forecast_equals_the_same_fixed_preparation(filled: tuple[Path, Path]) -> None:
    structure, db = filled
    repo = CaseRepository(open_store(str(db)))
    definition = repo.definition(str(structure), "to-steg")
    fit = fit_from_cases(definition, repo.closed_histories(definition))
    fitted = Forecaster(definition, observations=fit.observations).run(D(2024, 3, 1), runs=200, seed=3)
    fixed = Forecaster(definition, preparation={"recommend": 20, "decide": 15}).run(D(2024, 3, 1), runs=200, seed=3)
    # Ready 1 March + 20 days: FSU 10 April; + 15 days: SSU 25 April (not 25 March, as with no preparation).
    assert [(s.p50, s.p95) for s in fitted.steps] == [(s.p50, s.p95) for s in fixed.steps]
    assert [s.p50 for s in fitted.steps] == [D(2024, 4, 10), D(2024, 4, 25)]
    bare = Forecaster(definition).run(D(2024, 3, 1), runs=10, seed=3)
    assert [s.p50 for s in bare.steps] == [D(2024, 3, 10), D(2024, 3, 25)]


def test_fit_reads_every_back_end_alike(store_url: str, tmp_path: Path) -> None:
    """The same closed cases in memory, SQLite and PostgreSQL give the same fit (cases read in one query each)."""
    structure = _write(tmp_path / "def")
    repo = CaseRepository(open_store(store_url))
    for i, month in enumerate(MONTHS[:5]):
        meeting = month.replace(day=10)
        _closed(repo, structure, i, meeting - dt.timedelta(days=3 + i), meeting, month.replace(day=25))
    definition = repo.definition(str(structure), "to-steg")
    fit = fit_from_cases(definition, repo.closed_histories(definition))
    assert fit.cases == 5 and [s.fitted for s in fit.steps] == [True, True]
    assert sorted(d for step, d in fit.observations if step == "tilrå") == [3, 4, 5, 6, 7]
    assert sorted(set(fit.observations) - {("tilrå", d) for d in range(3, 8)}) == [("vedta", 15)]


def test_bad_minimum_is_refused() -> None:
    from samhandling.errors import ScheduleError

    with pytest.raises(ScheduleError) as info:
        fit_from_cases(object(), [], min_cases=0)
    assert info.value.code == "bad-fit"


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_fit_prints_what_was_fitted_and_repeats_with_the_seed(
    filled: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    structure, db = filled
    argv = ("forecast", str(structure), "to-steg", "--from", "2024-03-01", "--db", str(db), "--seed", "4")
    code, out, err = _cli(capsys, *argv, "--fit", "--chance-deferral", "0.2")
    assert code == 0 and err == ""
    assert "forberedelsestid før «tilrå»: 6 observasjoner (20–20 dager)" in out
    assert "forberedelsestid tilpasset fra 6 avsluttede saker i lageret (minst 5 per steg):" in out
    assert "«vedta»: tilpasset fra 6 saker" in out
    assert _cli(capsys, *argv, "--fit", "--chance-deferral", "0.2")[1] == out  # --seed: the same again
    code, text, _ = _cli(capsys, *argv, "--from-store", "--fit-min", "7", "--json")
    data = json.loads(text)
    assert data["fit"]["cases"] == 6 and [s["fitted"] for s in data["fit"]["steps"]] == [False, False]
    assert data["preparation"] == []  # nothing fitted, and the process names none


def test_cli_fit_min_needs_fit(filled: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    structure, db = filled
    code, _out, err = _cli(
        capsys, "forecast", str(structure), "to-steg", "--from", "2024-03-01", "--db", str(db), "--fit-min", "3"
    )
    assert code != 0 and "--fit-min gjelder bare sammen med --fit" in err


def test_cli_fit_on_a_stored_case(filled: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _structure, db = filled
    code, out, _ = _cli(capsys, "forecast", "--case", "aapen", "--db", str(db), "--fit", "--seed", "1")
    assert code == 0
    assert "«vedta»: tilpasset fra 6 saker" in out
    assert "forberedelsestid før «vedta»: 6 observasjoner (15–15 dager)" in out


def test_steps_that_share_a_label_are_fitted_each_on_its_own() -> None:
    """Review finding: Sør-Rogaland's «godkjenne mandat» by FSU, then by SSU, were fitted under one label, so SSU's
    step (too few cases) took FSU's fit; each step now has its own key (label and bodies)."""
    from collections import namedtuple

    import samhandling
    from samhandling.process.loader import get_process
    from samhandling.time.forecast import fit_from_cases

    definition = get_process(samhandling.load("sor-rogaland"), "tjenestemodell")
    steps = definition.steps()
    ev = namedtuple("ev", "act body on")
    histories = []
    for k in range(5):
        history, day = [ev("open", None, D(2024, 1, 1))], D(2024, 1, 1)
        for step in steps:
            day += dt.timedelta(days=40)
            history.append(ev(step.act, step.bodies[0] if step.bodies else None, day))
            if k >= 3 and step.act == "approve_mandate" and step.bodies == ("fsu",):
                break  # two cases withdrawn after FSU's approval: SSU's step has three cases only
        histories.append(history)
    fit = fit_from_cases(definition, histories, min_cases=5)
    mandate = [s for s in fit.steps if s.act == "approve_mandate"]
    assert [(s.label, s.cases, s.fitted) for s in mandate] == [
        ("godkjenne mandat (fsu)", 5, True),
        ("godkjenne mandat (ssu)", 3, False),
    ]
    forecaster = Forecaster(definition, observations=fit.observations)
    prep = {(st.act, st.bodies): st.prep for st in forecaster.steps if st.act == "approve_mandate"}
    assert prep[("approve_mandate", ("fsu",))] is not None
    assert prep[("approve_mandate", ("ssu",))] == Forecaster(definition).steps[2].prep  # the process's, not FSU's
