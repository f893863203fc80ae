"""Earliest decision dates on meeting plans (the Sogn og Fjordane 2024 acceptance case and the engine)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from samhandling import ScheduleError, load, loads
from samhandling.process.loader import get_process
from samhandling.structure.loader import BUNDLED_DIR
from samhandling.time.schedule import project, project_pairs

D = dt.date
FSU_THEN_SSU = [("tilrå", "FSU"), ("vedta", "SSU")]
TEN = {"FSU": 10, "SSU": 10}


@pytest.mark.parametrize(
    ("ready", "fsu", "ssu"),
    [
        (D(2024, 2, 1), D(2024, 2, 14), D(2024, 2, 29)),
        (D(2024, 2, 4), D(2024, 2, 14), D(2024, 2, 29)),  # exactly 10 days before FSU: still on time
        (D(2024, 2, 5), D(2024, 5, 16), D(2024, 5, 30)),  # 9 days: the next cycle
        (D(2024, 2, 10), D(2024, 5, 16), D(2024, 5, 30)),
    ],
)
def test_sogn_og_fjordane_fsu_recommends_then_ssu_decides(ready: dt.date, fsu: dt.date, ssu: dt.date) -> None:
    s = load("sogn-og-fjordane")
    timeline = project_pairs(s, FSU_THEN_SSU, ready, deadlines=TEN)
    assert [(p.body_label, p.date) for p in timeline] == [("FSU", fsu), ("SSU", ssu)]
    assert timeline[0].deadline == fsu - dt.timedelta(days=10)
    assert all(p.reason is None for p in timeline)


def test_ssu_deadline_can_push_the_decision_a_cycle() -> None:
    # FSU meets 5 September, SSU 3 October: 28 days apart, fine with 10; a 30-day SSU deadline misses it.
    s = load("sogn-og-fjordane")
    timeline = project_pairs(s, FSU_THEN_SSU, D(2024, 8, 1), deadlines={"FSU": 10, "SSU": 30})
    assert [p.date for p in timeline] == [D(2024, 9, 5), D(2024, 12, 5)]


def test_no_further_meeting_is_said_not_guessed() -> None:
    s = load("sogn-og-fjordane")
    timeline = project_pairs(s, FSU_THEN_SSU, D(2024, 10, 30), deadlines=TEN)
    assert timeline[0].date is None
    assert timeline[0].reason is not None and "ikke noe møte" in timeline[0].reason
    assert "siste planlagte møte er 2024-11-07" in timeline[0].reason
    assert timeline[1].date is None and timeline[1].reason == "venter på et tidligere steg uten dato"


def test_without_deadlines_a_meeting_on_the_ready_day_counts_but_the_next_step_needs_a_later_one() -> None:
    s = load("sogn-og-fjordane")
    timeline = project_pairs(s, [("a", "FSU"), ("b", "FSU")], D(2024, 2, 14))
    assert [p.date for p in timeline] == [D(2024, 2, 14), D(2024, 5, 16)]


def test_pairs_need_a_structure() -> None:
    with pytest.raises(ScheduleError):
        project(FSU_THEN_SSU, D(2024, 1, 1))


def _sor_rogaland_with_plan() -> object:
    text = (BUNDLED_DIR / "sor-rogaland.yaml").read_text(encoding="utf-8")
    return loads(
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


def test_process_definition_main_path_is_projected() -> None:
    s = _sor_rogaland_with_plan()
    d = get_process(s, "tjenestemodell")
    timeline = project(d, D(2024, 2, 1), deadlines=TEN)
    by_step = [(p.act, p.body_label, p.date) for p in timeline]
    # TMGs have no meeting plan: done on the ready day; FSU then SSU approve the mandate, FSU anchors, ...
    assert by_step[0][2] == D(2024, 2, 1) and "ingen møteplan" in (timeline[0].reason or "")
    assert by_step[1:4] == [
        ("approve_mandate", "FSU", D(2024, 2, 14)),
        ("approve_mandate", "SSU", D(2024, 3, 1)),
        ("anchor", "FSU", D(2024, 4, 10)),
    ]
    assert [p.date for p in timeline[4:6]] == [D(2024, 4, 10), D(2024, 4, 10)]
    assert (timeline[6].act, timeline[6].date) == ("recommend", D(2024, 6, 12))
    assert (timeline[7].act, timeline[7].date) == ("approve_proposal", D(2024, 9, 5))
    assert (timeline[8].act, timeline[8].date) == ("assess_consequences", D(2024, 11, 7))
    assert timeline[9].date == D(2024, 11, 7)  # political review: no plan
    assert timeline[10].date is None  # implement: SSU has no meeting after 7 November


def test_same_meeting_lets_one_body_take_consecutive_steps() -> None:
    s = _sor_rogaland_with_plan()
    timeline = project(get_process(s, "tjenestemodell"), D(2024, 2, 1), deadlines=TEN, same_meeting=True)
    assert (timeline[8].act, timeline[8].date) == ("assess_consequences", D(2024, 9, 5))
    assert timeline[10].date == D(2024, 11, 7)


def test_open_case_is_projected_from_its_current_state() -> None:
    s = _sor_rogaland_with_plan()
    d = get_process(s, "tjenestemodell")
    case = d.new_case(title="Barn og unge", on=D(2024, 1, 5))
    case.act("draft_mandate", by="tmg-barn-unge", on=D(2024, 1, 8))  # mandate drafted
    case.act("approve_mandate", by="FSU", on=D(2024, 1, 10))  # FSU has approved, SSU has not
    timeline = project(case, D(2024, 2, 21), deadlines=TEN)  # one day after the SSU deadline
    assert (timeline[0].act, timeline[0].body_label, timeline[0].date) == ("approve_mandate", "SSU", D(2024, 5, 2))


FIVE_FSU = """
structure: fem
name: Fem FSU
parties:
  - {id: a, name: A, kind: municipality}
  - {id: hf, name: HF, kind: health_trust}
bodies:
  - {id: ssu, name: SSU, kind: strategic_committee, power: decides}
  - {id: fsu-1, name: FSU 1, kind: professional_committee, power: advises}
  - {id: fsu-2, name: FSU 2, kind: professional_committee, power: advises}
relations:
  - {from: fsu-1, to: ssu, kind: escalates_to}
  - {from: fsu-2, to: ssu, kind: escalates_to}
processes:
  - {name: fsak, file: fsak.yaml}
meetings:
  - {body: fsu-1, date: 2024-02-01}
  - {body: fsu-1, date: 2024-05-02}
  - {body: fsu-2, date: 2024-02-15}
  - {body: fsu-2, date: 2024-03-07}
  - {body: ssu, date: 2024-03-13}
  - {body: ssu, date: 2024-06-12}
"""

FSAK = """
process: fsak
version: "1"
title: Sak i eit FSU
initial: ny
states:
  - {name: ny, label: Ny}
  - {name: drofta, label: Drøfta}
  - {name: tilradd, label: Tilrådd}
  - {name: vedtatt, label: Vedtatt, final: true}
acts:
  - {name: discuss, label: drøfte, kind: discuss, from: ny, to: drofta, by: {body_kind: professional_committee}}
  - {name: recommend, label: tilrå, kind: recommend, from: drofta, to: tilradd, by: {same_as: discuss}}
  - {name: decide, label: vedta, kind: decide, from: tilradd, to: vedtatt, by: {body: SSU}}
"""


def test_same_as_keeps_the_same_fsu(tmp_path: Path) -> None:
    """schedule/project handed «recommend» to another FSU (FSU 2 on 7.3, SSU 13.03) where FSU 1 meets again 2.5."""
    (tmp_path / "fsak.yaml").write_text(FSAK, encoding="utf-8")
    path = tmp_path / "fem.yaml"
    path.write_text(FIVE_FSU, encoding="utf-8")
    s = load(path)
    timeline = project(get_process(s, "fsak"), D(2024, 1, 10))
    assert [(p.act, p.body, p.date) for p in timeline] == [
        ("discuss", "fsu-1", D(2024, 2, 1)),
        ("recommend", "fsu-1", D(2024, 5, 2)),
        ("decide", "ssu", D(2024, 6, 12)),
    ]


def test_same_as_follows_the_body_an_open_case_used(tmp_path: Path) -> None:
    from samhandling.time.schedule import actors_of, same_as_of

    (tmp_path / "fsak.yaml").write_text(FSAK, encoding="utf-8")
    path = tmp_path / "fem.yaml"
    path.write_text(FIVE_FSU, encoding="utf-8")
    definition = get_process(load(path), "fsak")
    assert same_as_of(definition) == {"recommend": "discuss"}
    case = definition.new_case("Sak", on=D(2024, 1, 5))
    case.act("discuss", by="FSU 2", on=D(2024, 2, 15))
    assert actors_of(case) == {"discuss": "fsu-2"}
    timeline = project(case, D(2024, 2, 16))
    assert [(p.act, p.body, p.date) for p in timeline] == [
        ("recommend", "fsu-2", D(2024, 3, 7)),
        ("decide", "ssu", D(2024, 3, 13)),
    ]


def test_forecast_keeps_the_same_fsu_too(tmp_path: Path) -> None:
    from samhandling.time.forecast import Chances, Forecaster

    (tmp_path / "fsak.yaml").write_text(FSAK, encoding="utf-8")
    path = tmp_path / "fem.yaml"
    path.write_text(FIVE_FSU, encoding="utf-8")
    definition = get_process(load(path), "fsak")
    forecaster = Forecaster(definition)
    result = forecaster.run(D(2024, 1, 10), runs=5, seed=1)
    assert [s.projected for s in result.steps] == [D(2024, 2, 1), D(2024, 5, 2), D(2024, 6, 12)]
    # A deferral of the FSU 1 meeting moves the matter to FSU 1's next meeting, never to FSU 2.
    deferred = forecaster.run(D(2024, 1, 10), runs=20, seed=2, chances=Chances(deferral=0.99))
    assert all(d is None or d >= D(2024, 6, 12) for d in deferred.decisions)
