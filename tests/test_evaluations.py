"""Evaluations and reviews: what is due or overdue on a date."""

from __future__ import annotations

import datetime as dt

import pytest

from samhandling import SchemaError, loads
from samhandling.time.evaluations import DueStatus, due_items
from time_fixtures import structure_text

D = dt.date

EVALS = """\
evaluations:
  - {id: etter-eitt-ar, title: Evaluering av ordninga, after_months: 12, from: 2012-03-30}
  - {id: arleg, title: Årlig evaluering, every_months: 12, from: 2024-08-30, done: [2025-08-01]}
  - {id: revisjon, title: Gjennomgang av mandatet, kind: review, due: 2025}
"""


def _due(on: dt.date, within: int = 30) -> dict[str, tuple[dt.date, DueStatus]]:
    return {d.evaluation.id: (d.deadline, d.status) for d in due_items(loads(structure_text(extra=EVALS)), on, within)}


def test_one_year_after_approval() -> None:
    assert "etter-eitt-ar" not in _due(D(2013, 2, 1))
    assert _due(D(2013, 3, 1))["etter-eitt-ar"] == (D(2013, 3, 30), DueStatus.DUE)
    assert _due(D(2013, 3, 31))["etter-eitt-ar"] == (D(2013, 3, 30), DueStatus.OVERDUE)


def test_year_precision_review_is_due_by_the_end_of_the_year_and_says_so() -> None:
    assert "revisjon" not in _due(D(2024, 11, 1))
    assert _due(D(2025, 1, 1))["revisjon"] == (D(2025, 12, 31), DueStatus.DUE)
    assert _due(D(2025, 12, 31))["revisjon"][1] is DueStatus.DUE
    assert _due(D(2026, 1, 1))["revisjon"][1] is DueStatus.OVERDUE
    item = next(
        d for d in due_items(loads(structure_text(extra=EVALS)), D(2025, 6, 1)) if d.evaluation.id == "revisjon"
    )
    assert "bare året 2025" in item.explanation


def test_yearly_evaluation_counts_recorded_completions() -> None:
    assert _due(D(2025, 8, 15)).get("arleg") is None  # done 2025-08-01 for the 2025-08-30 occurrence
    assert _due(D(2026, 8, 31))["arleg"] == (D(2026, 8, 30), DueStatus.OVERDUE)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{id: a, title: A, due: snart}", "«due» skal være en dato"),
        ("{id: a, title: A, every_months: 12}", "trenger «from»"),
        ("{id: a, title: A, due: 2025, every_months: 12, from: 2024-01-01}", "nøyaktig én av"),
    ],
)
def test_bad_evaluations_are_refused(entry: str, message: str) -> None:
    from samhandling.time.evaluations import evaluations

    s = loads(structure_text(extra=f"evaluations:\n  - {entry}\n"))
    with pytest.raises(SchemaError, match=message):
        evaluations(s)
