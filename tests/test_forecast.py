"""Forecasts of decision dates: Monte Carlo over the meeting plans (samhandling.time.forecast)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import samhandling.time.forecast as fc
from samhandling import ScheduleError, load, loads
from samhandling.process.loader import get_process, process_names
from samhandling.structure.loader import BUNDLED_DIR, bundled_names
from samhandling.time.forecast import (
    Chances,
    Empirical,
    Fixed,
    Forecaster,
    Triangular,
    Uniform,
    fit_preparation,
    forecast,
)
from samhandling.time.schedule import project, project_pairs

D = dt.date
START = D(2024, 2, 1)


@pytest.fixture(scope="module")
def sogn() -> Any:
    return load("sogn-og-fjordane")


@pytest.fixture(scope="module")
def matter(sogn: Any) -> Any:
    return get_process(sogn, "fsu-ssu-sak")


@pytest.fixture(scope="module")
def forecaster(matter: Any) -> Forecaster:
    return Forecaster(matter)


# ---------------------------------------------------------------------------- today's projection, exactly


def test_acceptance_sogn_og_fjordane_with_zero_chances(matter: Any) -> None:
    result = forecast(matter, START, runs=200, seed=1)
    assert [(s.body_label, s.p50, s.p80, s.p95) for s in result.steps] == [
        ("FSU", D(2024, 2, 14), D(2024, 2, 14), D(2024, 2, 14)),
        ("SSU", D(2024, 2, 29), D(2024, 2, 29), D(2024, 2, 29)),
    ]
    assert [s.date for s in project(matter, START)] == [D(2024, 2, 14), D(2024, 2, 29)]
    assert (result.p50, result.p80, result.p95) == (D(2024, 2, 29),) * 3
    assert result.decision_projected == D(2024, 2, 29)
    assert set(result.decisions) == {D(2024, 2, 29)}
    assert result.probability_by(D(2024, 2, 28)) == 0.0
    assert result.probability_by(D(2024, 2, 29)) == 1.0


def _plan_for(structure: Any, seed: int, count: tuple[int, int] = (3, 9), gap: tuple[int, int] = (1, 60)) -> str:
    """A made-up meeting plan for some of the bodies a structure's processes use (others keep none)."""
    rnd = random.Random(seed)
    bodies = sorted(
        {b for name in process_names(structure) for s in get_process(structure, name).steps() for b in s.bodies}
    )
    lines = ["meetings:"]
    for i, body in enumerate(bodies):
        if i % 3 == 2:
            continue  # a body without a plan: its step is done on the ready day
        day = D(2024, 1, 1) + dt.timedelta(days=rnd.randrange(0, 20))
        for _ in range(rnd.randrange(*count)):
            lines.append(f"  - {{body: {body}, date: {day.isoformat()}}}")
            day += dt.timedelta(days=rnd.randrange(*gap))
    return "\n".join(lines) + "\n"


def _structures_with_plans() -> list[tuple[str, Any]]:
    out = []
    for name in bundled_names():
        text = (BUNDLED_DIR / f"{name}.yaml").read_text(encoding="utf-8")
        if "\nmeetings:" in text:
            out.append((name, load(name)))
        else:
            out.append((f"{name}+plan", loads(text + "\n" + _plan_for(load(name), len(name)))))
    return out


def _bundled_processes() -> list[tuple[str, str, Any]]:
    return [(label, p, s) for label, s in _structures_with_plans() for p in process_names(s)]


@pytest.mark.parametrize(
    ("label", "process", "structure"), _bundled_processes(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_zero_chances_equal_todays_projection_for_every_bundled_process(
    label: str, process: str, structure: Any
) -> None:
    definition = get_process(structure, process)
    from samhandling.time.meeting_plan import meeting_plan

    assert meeting_plan(structure).meetings, label
    bodies = {b.id for b in structure.bodies}
    options: list[dict[str, Any]] = [
        {},
        {"same_meeting": True},
        {"deadlines": {b: 10 for b in meeting_plan(structure).bodies() if b in bodies}},
        {"day_count_setting": "working_days", "deadlines": {b: 5 for b in meeting_plan(structure).bodies()}},
    ]
    for kwargs in options:
        forecaster = Forecaster(definition, **kwargs)
        for offset in range(-30, 400, 9):
            start = D(2024, 1, 1) + dt.timedelta(days=offset)
            expected = [p.date for p in project(definition, start, **kwargs)]
            result = forecaster.run(start, runs=3, seed=offset)
            assert [s.projected for s in result.steps] == expected, (label, kwargs, start)
            for name in ("p50", "p80", "p95"):
                assert [getattr(s, name) for s in result.steps] == expected, (label, kwargs, start, name)
            last = expected[-1] if expected else start
            assert result.decision_projected == last
            assert set(result.decisions) == {last}


def test_zero_chances_equal_the_projection_of_an_open_case_and_of_pairs() -> None:
    text = (BUNDLED_DIR / "sor-rogaland.yaml").read_text(encoding="utf-8")
    s = loads(
        text
        + """
meetings:
  - {body: FSU, date: 2024-02-14}
  - {body: SSU, date: 2024-03-01}
  - {body: FSU, date: 2024-04-10}
  - {body: SSU, date: 2024-05-02}
  - {body: FSU, date: 2024-06-12}
  - {body: SSU, date: 2024-09-05}
  - {body: SSU, date: 2024-11-07}
"""
    )
    d = get_process(s, "tjenestemodell")
    case = d.new_case(title="Barn og unge", on=D(2024, 1, 5))
    case.act("draft_mandate", by="tmg-barn-unge", on=D(2024, 1, 8))
    case.act("approve_mandate", by="FSU", on=D(2024, 1, 10))
    for start in (D(2024, 2, 1), D(2024, 2, 21), D(2024, 6, 1)):
        expected = [p.date for p in project(case, start, deadlines={"FSU": 10, "SSU": 10})]
        result = forecast(case, start, runs=5, seed=3, deadlines={"FSU": 10, "SSU": 10})
        assert [st.p95 for st in result.steps] == expected
    pairs = [("tilrå", "FSU"), ("vedta", "SSU"), ("tilrå igjen", "FSU")]
    for start in (D(2024, 1, 1), D(2024, 3, 1)):
        expected = [p.date for p in project_pairs(s, pairs, start)]
        result = forecast(pairs, start, structure=s, runs=5)
        assert [st.p50 for st in result.steps] == expected


def test_an_escalated_case_off_the_main_path_still_has_its_decision_ahead(matter: Any) -> None:
    case = matter.new_case("Usemje", on=START)
    case.act("escalate", by="FSU", on=D(2024, 2, 14), reason="usemje av prinsipiell karakter")
    assert case.state == "løfta" and project(case, D(2024, 2, 14)) == []  # the projection sees no step left
    result = forecast(case, D(2024, 2, 14), runs=5)
    assert [(s.act, s.body, s.p50) for s in result.steps] == [("decide", "ssu", D(2024, 2, 29))]
    closed = matter.new_case("Trekt", on=START)
    closed.act("withdraw", by="FSU", on=D(2024, 2, 2), reason="trekt")
    result = forecast(closed, D(2024, 2, 2), runs=5)
    assert result.steps == () and result.p50 == D(2024, 2, 2)


# ---------------------------------------------------------------------------- repeatability and coupling


def test_the_seed_makes_a_forecast_repeatable_without_global_state(forecaster: Forecaster) -> None:
    chances = Chances(deferral=0.3, send_back=0.2, escalation=0.2, cancelled=0.1)
    random.seed(1)
    first = forecaster.run(START, runs=300, seed=42, chances=chances)
    random.seed(2)
    random.random()
    second = forecaster.run(START, runs=300, seed=42, chances=chances)
    assert first.decisions == second.decisions
    assert [s.to_dict() for s in first.steps] == [s.to_dict() for s in second.steps]
    other = forecaster.run(START, runs=300, seed=43, chances=chances)
    assert other.decisions != first.decisions
    assert len(set(first.decisions)) > 2  # the chances do spread the runs


def _ordinal(day: dt.date | None) -> int:
    return 10**9 if day is None else day.toordinal()


@functools.cache
def _forecasters() -> dict[str, Forecaster]:
    """Forecasters over three shapes of path: two steps of one body each (the acceptance matter), steps that any of
    three networks can take (Ahus, made-up plans), and eleven steps with sequences of approvals (Sør-Rogaland)."""

    def busy(name: str) -> Any:  # 40-80 meetings per planned body, 5-30 days apart
        text = (BUNDLED_DIR / f"{name}.yaml").read_text(encoding="utf-8")
        return loads(text + "\n" + _plan_for(load(name), 7, count=(40, 80), gap=(5, 30)))

    return {
        "sogn": Forecaster(get_process(load("sogn-og-fjordane"), "fsu-ssu-sak")),
        "ahus": Forecaster(get_process(busy("ahus-forvaltningsnettverk"), "nettverkssak"), preparation={"*": [0, 30]}),
        "sor-rogaland": Forecaster(get_process(busy("sor-rogaland"), "tjenestemodell")),
    }


@settings(max_examples=80, deadline=None)
@given(
    which=st.sampled_from(["sogn", "ahus", "sor-rogaland"]),
    seed=st.integers(0, 2**32),
    low=st.floats(0, 1),
    high=st.floats(0, 1),
    send_back=st.floats(0, 0.5),
    escalation=st.floats(0, 1),
    cancelled=st.floats(0, 0.5),
    start=st.dates(D(2023, 12, 1), D(2024, 12, 1)),
)
# A same_as leader (draft_mandate, four TMGs) once picked its TMG from the run's own ready day, so a deferral
# could hand the matter to a TMG meeting sooner: every run now keeps the body the projection picks.
@example(
    which="sor-rogaland",
    seed=0,
    low=0.0,
    high=0.125,
    send_back=0.5,
    escalation=0.0,
    cancelled=0.5,
    start=D(2023, 12, 1),
)
def test_a_higher_chance_of_deferral_never_makes_a_run_or_the_p50_earlier(
    which: str,
    seed: int,
    low: float,
    high: float,
    send_back: float,
    escalation: float,
    cancelled: float,
    start: dt.date,
) -> None:
    forecaster = _forecasters()[which]
    low, high = min(low, high), max(low, high)
    a = forecaster.run(start, runs=40, seed=seed, chances=Chances(low, send_back, escalation, cancelled))
    b = forecaster.run(start, runs=40, seed=seed, chances=Chances(high, send_back, escalation, cancelled))
    assert all(_ordinal(x) <= _ordinal(y) for x, y in zip(a.decisions, b.decisions, strict=True))
    for q in (0.5, 0.8, 0.95):
        assert _ordinal(a.quantile(q)) <= _ordinal(b.quantile(q))
    for sa, sb in zip(a.steps, b.steps, strict=True):
        assert _ordinal(sa.p50) <= _ordinal(sb.p50)


@settings(max_examples=40, deadline=None)
@given(
    which=st.sampled_from(["sogn", "ahus", "sor-rogaland"]),
    seed=st.integers(0, 2**32),
    low=st.floats(0, 1),
    high=st.floats(0, 1),
    deferral=st.floats(0, 0.9),
)
def test_a_higher_chance_of_cancelled_meetings_never_makes_a_run_earlier(
    which: str, seed: int, low: float, high: float, deferral: float
) -> None:
    forecaster = _forecasters()[which]
    low, high = min(low, high), max(low, high)
    a = forecaster.run(START, runs=40, seed=seed, chances=Chances(deferral=deferral, cancelled=low))
    b = forecaster.run(START, runs=40, seed=seed, chances=Chances(deferral=deferral, cancelled=high))
    assert all(_ordinal(x) <= _ordinal(y) for x, y in zip(a.decisions, b.decisions, strict=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**16),
    deferral=st.floats(0, 1),
    cancelled=st.floats(0, 1),
    day=st.dates(D(2023, 6, 1), D(2025, 6, 1)),
)
def test_probability_by_a_date_is_a_share_of_the_runs(
    forecaster: Forecaster, seed: int, deferral: float, cancelled: float, day: dt.date
) -> None:
    result = forecaster.run(START, runs=30, seed=seed, chances=Chances(deferral=deferral, cancelled=cancelled))
    p = result.probability_by(day)
    assert 0.0 <= p <= 1.0
    assert p == sum(1 for d in result.decisions if d is not None and d <= day) / 30
    assert result.probability_by(day) <= result.probability_by(day + dt.timedelta(days=1))
    dated = [d for d in result.decisions if d is not None]
    if len(dated) == len(result.decisions):
        assert result.probability_by(max(dated)) == 1.0
        assert result.probability_by(max(dated) + dt.timedelta(days=1)) == 1.0
    assert result.probability_by(START - dt.timedelta(days=1)) == 0.0
    assert sum(n for _d, n in result.histogram()) == 30


# ---------------------------------------------------------------------------- what each chance does


def test_certain_deferral_or_cancellation_leaves_no_decision_within_the_plan(forecaster: Forecaster) -> None:
    for chances in (Chances(deferral=1.0), Chances(cancelled=1.0)):
        result = forecaster.run(START, runs=20, seed=1, chances=chances)
        assert result.dated == 0.0 and result.p50 is None and result.probability_by(D(2030, 1, 1)) == 0.0
        assert all(s.p50 is None and s.dated == 0.0 for s in result.steps)
        assert result.histogram() == [(None, 20)]
        assert result.decision_projected == D(2024, 2, 29)  # today's projection is unchanged


def test_deferral_waits_for_the_next_meeting_of_the_same_body(forecaster: Forecaster) -> None:
    result = forecaster.run(START, runs=2000, seed=5, chances=Chances(deferral=0.5))
    # FSU meets 14.02, 16.05, 05.09, 07.11; SSU 29.02, 30.05, 03.10, 05.12
    assert set(result.decisions) <= {D(2024, 2, 29), D(2024, 5, 30), D(2024, 10, 3), D(2024, 12, 5), None}
    assert 0.2 < result.probability_by(D(2024, 2, 29)) < 0.3  # neither FSU nor SSU defers: 1/4
    assert result.deferrals > 0.5


def test_escalation_adds_a_step_at_the_target_from_the_graph(forecaster: Forecaster) -> None:
    # FSU escalates to SSU (the graph's escalates_to): SSU takes the extra step on 29.02, decides on 30.05.
    result = forecaster.run(START, runs=50, seed=1, chances=Chances(escalation=1.0))
    assert set(result.decisions) == {D(2024, 5, 30)}
    assert result.escalations == 1.0
    assert [s.p50 for s in result.steps] == [D(2024, 2, 14), D(2024, 5, 30)]


def test_send_back_takes_the_earlier_step_again(matter: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fc, "MAX_SEND_BACKS", 1)
    result = Forecaster(matter).run(START, runs=20, seed=1, chances=Chances(send_back=1.0))
    # SSU sends it back on 29.02; FSU takes it on 16.05 and SSU decides on 30.05.
    assert [s.p50 for s in result.steps] == [D(2024, 5, 16), D(2024, 5, 30)]
    assert result.send_backs == 1.0


def test_send_backs_per_run_are_bounded(forecaster: Forecaster) -> None:
    result = forecaster.run(START, runs=10, seed=1, chances=Chances(send_back=1.0))
    assert result.send_backs == fc.MAX_SEND_BACKS
    assert result.dated == 0.0  # ten rounds need more meetings than the 2024 plan has


def test_only_bodies_with_a_send_back_act_send_back(sogn: Any) -> None:
    # In fsu-ssu-sak only SSU sends back; as a plain list of steps every later step may.
    pairs = [("vedta", "SSU"), ("tilrå", "FSU")]
    as_pairs = forecast(pairs, START, structure=sogn, runs=10, send_back=1.0)
    assert as_pairs.send_backs == fc.MAX_SEND_BACKS
    matter = forecast(get_process(sogn, "fsu-ssu-sak"), START, runs=10, send_back=1.0)
    assert matter.send_backs == fc.MAX_SEND_BACKS  # SSU's step is the second one


# ---------------------------------------------------------------------------- preparation times


def test_preparation_time_moves_the_matter_to_a_later_meeting(matter: Any) -> None:
    result = forecast(matter, START, runs=10, preparation={"recommend": 20})  # ready 21.02: FSU 14.02 is missed
    assert [s.p50 for s in result.steps] == [D(2024, 5, 16), D(2024, 5, 30)]
    assert result.preparation == (("tilrå saka", "20 dager"),)
    by_label = forecast(matter, START, runs=10, preparation={"vedta saka": 16})  # ready 01.03: SSU 29.02 missed
    assert [s.p50 for s in by_label.steps] == [D(2024, 2, 14), D(2024, 5, 30)]
    everywhere = forecast(matter, START, runs=10, preparation={"*": 16})  # ready 17.02, then 01.06
    assert [s.p50 for s in everywhere.steps] == [D(2024, 5, 16), D(2024, 10, 3)]
    assert everywhere.steps[1].projected == D(2024, 2, 29)


def test_preparation_from_observations_samples_them(matter: Any) -> None:
    observations = [("recommend", 0)] * 5 + [("recommend", 30)] * 5
    result = forecast(matter, START, runs=1000, seed=2, observations=observations)
    share = result.probability_by(D(2024, 2, 29))
    assert 0.4 < share < 0.6
    assert set(result.decisions) == {D(2024, 2, 29), D(2024, 5, 30)}
    named = forecast(matter, START, runs=50, observations=observations, preparation={"recommend": 0})
    assert set(named.decisions) == {D(2024, 2, 29)}  # the call's table wins over the observations


def test_preparation_from_the_process_setting(tmp_path: Path) -> None:
    process = (BUNDLED_DIR.parent / "processes" / "fsu-ssu-sak.yaml").read_text(encoding="utf-8")
    process = process.replace(
        "initial: ny\n", "initial: ny\nsettings:\n  preparation_days: {value: {recommend: [20, 30]}}\n"
    )
    (tmp_path / "sak.yaml").write_text(process, encoding="utf-8")
    text = (BUNDLED_DIR / "sogn-og-fjordane.yaml").read_text(encoding="utf-8")
    assert "  - fsu-ssu-sak\n" in text
    text = text.replace("  - fsu-ssu-sak\n", "  - {name: fsu-ssu-sak, file: sak.yaml}\n")
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    structure = load(tmp_path / "s.yaml")
    result = forecast(get_process(structure, "fsu-ssu-sak"), START, runs=20, seed=1)
    assert set(result.decisions) == {D(2024, 5, 30)}
    assert result.preparation == (("tilrå saka", "20–30 dager (jevnt fordelt)"),)


def test_distributions_cover_their_range() -> None:
    us = [i / 1000 for i in range(1000)]
    assert {Uniform(3, 5).days_at(u) for u in us} == {3, 4, 5}
    tri = [Triangular(0, 2, 10).days_at(u) for u in us]
    assert min(tri) == 0 and max(tri) == 10 and max(set(tri), key=tri.count) in (1, 2, 3)
    assert Fixed(4).days_at(0.9) == 4
    assert {Empirical((1, 2, 9)).days_at(u) for u in us} == {1, 2, 9}
    fitted = fit_preparation([("a", 3), ("b", 1), ("a", 2)])
    assert fitted == {"a": Empirical((2, 3)), "b": Empirical((1,))}


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"deferral": 1.5}, "bad-chance"),
        ({"cancelled": -0.1}, "bad-chance"),
        ({"send_back": "mye"}, "bad-chance"),
        ({"runs": 0}, "bad-runs"),
        ({"preparation": {"ukjent": 3}}, "unknown-step"),
        ({"preparation": {"recommend": -2}}, "bad-preparation"),
        ({"preparation": {"recommend": [9, 3]}}, "bad-preparation"),
        ({"preparation": {"recommend": "lenge"}}, "bad-preparation"),
        ({"observations": [("recommend",)]}, "bad-preparation"),
    ],
)
def test_bad_input_is_refused_with_a_code(matter: Any, kwargs: dict[str, Any], code: str) -> None:
    with pytest.raises(ScheduleError) as info:
        forecast(matter, START, **kwargs)
    assert info.value.code == code
    assert str(info.value)  # a Norwegian message


def test_a_datetime_is_not_a_start_date(forecaster: Forecaster) -> None:
    with pytest.raises(ScheduleError) as info:
        forecaster.run(dt.datetime(2024, 2, 1, 12, 0), runs=1)  # type: ignore[arg-type]
    assert info.value.code == "bad-date"


def test_the_result_is_json(forecaster: Forecaster) -> None:
    result = forecaster.run(START, runs=100, seed=9, chances=Chances(deferral=0.3))
    data = json.loads(json.dumps(result.to_dict(by=D(2024, 6, 1))))
    assert data["decision"]["projected"] == "2024-02-29"
    assert data["by"]["probability"] == result.probability_by(D(2024, 6, 1))
    assert sum(h["runs"] for h in data["histogram"]) == 100
    assert [s["act"] for s in data["steps"]] == ["recommend", "decide"]


def test_the_benchmark_runs_and_judges_every_scenario(tmp_path: Path) -> None:
    """Smoke test of benchmarks/forecast.py (no timing assertion: speed is judged in the benchmark)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "forecast.json"
    proc = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "forecast.py"), "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("PASS") + proc.stdout.count("FAIL") == 4
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert {(r["scenario"], r["chances"]) for r in rows} == {
        (s, c) for s in ("sogn-og-fjordane/fsu-ssu-sak", "sor-rogaland/tjenestemodell") for c in ("null", "typiske")
    }
    assert all(r["project_us"] > 0 and r["run_us"] > 0 for r in rows)
