"""Documents as records (issue 12 item 11: S3-R12, S4-R7, S4-R8): agreements, strategies, action plans.

Structures written here: the ``documents:`` section (kind, adopted_on/adopted_by, a validity period that may be only
years, revisions, reviewed_by, replaces); the check kind ``document``; ``samhandling due`` listing an action plan
whose period has ended until a newer version is recorded.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

import samhandling
from samhandling.cli import main
from samhandling.errors import SchemaError
from samhandling.formats.dates import Precision
from samhandling.structure.documents import DocumentKind, document_problems, documents
from samhandling.structure.graph import Structure
from samhandling.time.evaluations import DueStatus, due_items
from samhandling.time.lifetime import lifetime_findings

D = dt.date

BASE = """\
structure: dok
name: Dokumenter
settings:
  vedtaksorgan: {value: SSU, alternatives: [FSU]}
bodies:
  - {id: ssu, name: Strategisk samarbeidsutval, abbreviation: SSU, kind: strategic_committee, power: decides,
     valid_from: 2021-12}
  - {id: fsu, name: Fagleg samarbeidsutval, abbreviation: FSU, kind: professional_committee, power: advises}
documents:
  - id: strategi
    title: Strategi for helsefellesskapet
    kind: strategy
    adopted_on: 2022-11-30
    adopted_by: {setting: vedtaksorgan}
    revisions:
      - {on: 2023-06, by: SSU, note: nye mål}
  - id: plan-2023
    title: Handlingsplan 2023-2024
    kind: action_plan
    valid_from: 2023
    valid_to: 2024
  - {id: avtale, title: Overordna samarbeidsavtale, kind: agreement, reviewed_by: FSU}
"""


def _load(text: str = BASE) -> Structure:
    return samhandling.loads(text, "dok.yaml")


def test_documents_are_read_with_their_kinds_dates_and_bodies() -> None:
    docs = {d.id: d for d in documents(_load())}
    strategy, plan, agreement = docs["strategi"], docs["plan-2023"], docs["avtale"]
    assert strategy.kind is DocumentKind.STRATEGY and strategy.adopted_on == D(2022, 11, 30)
    assert strategy.adopted_by == "ssu"  # the reading's value, resolved to the body
    assert strategy.revisions[0].on == D(2023, 6, 1) and strategy.revisions[0].precision is Precision.MONTH
    assert (plan.period.valid_from, plan.period.valid_to) == (D(2023, 1, 1), D(2024, 12, 31))
    assert plan.period.describe() == "2023–2024"
    assert agreement.reviewed_by == "fsu" and agreement.label == "samarbeidsavtalen «Overordna samarbeidsavtale»"
    assert list(document_problems(_load(), docs.values())) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (("reviewed_by: FSU", "reviewed_by: AU"), "unknown-body"),
        (("kind: agreement", "kind: treaty"), "invalid-value"),
        (("  - {id: avtale,", "  - {id: avtale, replaces: gammal,"), "unknown-document"),
        (("  - {id: avtale,", "  - {id: strategi,"), "duplicate-id"),
        (("valid_to: 2024", "valid_to: 2022"), "invalid-period"),
        (("adopted_on: 2022-11-30", "adopted_on: snart"), "invalid-date"),
    ],
)
def test_a_broken_document_is_a_located_error(change: tuple[str, str], code: str) -> None:
    s = _load(BASE.replace(*change))
    with pytest.raises(SchemaError) as refused:
        documents(s)
    assert refused.value.code == code and refused.value.location is not None
    assert refused.value.location.line and refused.value.location.line > 7
    # validate reports it as a finding instead of stopping
    assert any(f.code == code for f in lifetime_findings(s))


def _problems(text: str) -> set[str]:
    s = _load(text)
    return {p.code for p in document_problems(s, documents(s))}


def test_the_adopting_body_must_decide_and_exist_that_day() -> None:
    assert _problems(BASE.replace("value: SSU, alternatives: [FSU]", "value: FSU")) == {"adopter-cannot-decide"}
    assert _problems(BASE.replace("adopted_on: 2022-11-30", "adopted_on: 2021-11-30")) == {"adopter-not-in-force"}
    # a month is enough when the body exists some day of it
    assert _problems(BASE.replace("adopted_on: 2022-11-30", "adopted_on: 2021-12")) == set()


def test_revisions_and_the_reviewer_are_checked_against_dates() -> None:
    assert _problems(BASE.replace("{on: 2023-06,", "{on: 2022-01-01,")) == {"revision-before-adoption"}
    # A month or a year is before the adoption only if all of it is (review finding: «november 2022» was refused
    # for a document adopted 30.11.22).
    assert _problems(BASE.replace("{on: 2023-06,", "{on: 2022-11,")) == set()
    assert _problems(BASE.replace("{on: 2023-06,", "{on: 2022,")) == set()
    assert _problems(BASE.replace("{on: 2023-06,", "{on: 2022-10,")) == {"revision-before-adoption"}
    ended = BASE.replace("power: advises}", "power: advises, valid_to: 2022-12-31}").replace(
        "kind: agreement, reviewed_by: FSU}", "kind: agreement, reviewed_by: FSU, valid_from: 2023-01-01}"
    )
    assert _problems(ended) == {"reviewer-not-in-force"}
    revised_by_dead = BASE.replace("{on: 2023-06, by: SSU,", "{on: 2023-06, by: FSU,").replace(
        "power: advises}", "power: advises, valid_to: 2023-05-31}"
    )
    assert _problems(revised_by_dead) == {"reviser-not-in-force"}


RULES = """\
rules:
  - id: R-avtale
    category: duty
    modality: skal
    source: S
    text: FSU skal vurdere endringer i avtaleverket
    check: {kind: document, document_kind: [agreement, sub_agreement], reviewed_by: FSU}
  - id: R-strategi
    category: lifecycle
    modality: descriptive
    source: S
    text: Strategien vart vedteke 30.11.22.
    check: {kind: document, document: strategi}
"""


def test_the_document_check_reports_with_the_rule() -> None:
    assert [f for f in _load(BASE + RULES).validate() if f.rule] == []
    unreviewed = _load(BASE.replace(", reviewed_by: FSU}", "}") + RULES).validate()
    assert [(f.rule, f.code) for f in unreviewed if f.rule] == [("R-avtale", "reviewer-missing")]
    assert "Overordna samarbeidsavtale" in unreviewed[0].message
    wrong = _load(BASE.replace("value: SSU, alternatives: [FSU]", "value: FSU") + RULES).validate()
    assert [(f.rule, f.code) for f in wrong if f.rule] == [("R-strategi", "adopter-cannot-decide")]
    # covered by a rule: the built-in check does not repeat it
    assert lifetime_findings(_load(BASE.replace("value: SSU, alternatives: [FSU]", "value: FSU") + RULES)) == []
    assert [
        f.code for f in lifetime_findings(_load(BASE.replace("value: SSU, alternatives: [FSU]", "value: FSU")))
    ] == ["adopter-cannot-decide"]
    unknown = _load(BASE + RULES.replace("reviewed_by: FSU}", "reviewed_by: AU}")).validate()
    assert [(f.rule, f.code) for f in unknown if f.rule] == [("R-avtale", "invalid-check")]
    gone = BASE.split("documents:")[0] + RULES
    assert {(f.rule, f.code) for f in _load(gone).validate() if f.rule} == {
        ("R-avtale", "document-missing"),
        ("R-strategi", "document-missing"),
    }


def test_an_action_plan_falls_due_when_its_period_ends_until_a_newer_one_exists() -> None:
    s = _load()
    assert [d.evaluation.id for d in due_items(s, D(2024, 6, 1))] == []
    (soon,) = due_items(s, D(2024, 12, 15))
    assert (soon.evaluation.id, soon.deadline, soon.status) == ("plan-2023", D(2024, 12, 31), DueStatus.DUE)
    (late,) = due_items(s, D(2025, 3, 1))
    assert late.status is DueStatus.OVERDUE and late.evaluation.kind == "renewal"
    assert "2023–2024" in late.explanation and "replaces: plan-2023" in late.explanation
    newer = BASE + "  - {id: plan-2025, title: Handlingsplan 2025-2026, kind: action_plan, valid_from: 2025}\n"
    assert due_items(_load(newer), D(2025, 3, 1)) == []
    replaced = BASE + "  - {id: ny-plan, title: Ny plan, kind: other, replaces: plan-2023}\n"
    assert due_items(_load(replaced), D(2025, 3, 1)) == []


def test_cli_due_lists_the_expired_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "dok.yaml"
    path.write_text(BASE, encoding="utf-8")
    assert main(["due", str(path), "--on", "2025-02-01", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["deadline"], r["status"]) for r in rows] == [("plan-2023", "2024-12-31", "overdue")]
    assert rows[0]["title"] == "ny versjon av Handlingsplan 2023-2024"


# ---------------------------------------------------------------------------- the bundled documents


def _bundled(name: str) -> dict[str, object]:
    from samhandling.structure.loader import BUNDLED_DIR

    data: dict[str, object] = yaml.safe_load((BUNDLED_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


class _Dumper(yaml.SafeDumper):
    """Quotes strings of digits (kommunenummer «0926»), which the structure reader would take as numbers."""


_Dumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style='"' if value.isdigit() else None
    ),
)


def _dumped(data: dict[str, object]) -> Structure:
    return samhandling.loads(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False), "bundled.yaml")


def test_bundled_action_plan_falls_due_until_a_newer_one() -> None:
    """S4-R8: «Handlingsplan 2023-2024 Sogn og Fjordane helsefellesskap» is due for a new version from the end of
    2024 until a newer plan is recorded."""
    s = samhandling.load("sogn-og-fjordane")
    assert "handlingsplan-2023-2024" not in {d.evaluation.id for d in due_items(s, D(2024, 6, 1))}
    due = {d.evaluation.id: (d.deadline, d.status) for d in due_items(s, D(2025, 1, 15))}
    assert due["handlingsplan-2023-2024"] == (D(2024, 12, 31), DueStatus.OVERDUE)
    data = copy.deepcopy(_bundled("sogn-og-fjordane"))
    documents_section = data["documents"]
    assert isinstance(documents_section, list)
    documents_section.append(
        {"id": "handlingsplan-2025", "title": "Handlingsplan 2025", "kind": "action_plan", "valid_from": 2025}
    )
    assert "handlingsplan-2023-2024" not in {d.evaluation.id for d in due_items(_dumped(data), D(2025, 1, 15))}


def test_bundled_strategy_is_adopted_by_the_ssu_on_the_day_the_page_gives() -> None:
    """S4-R7: «Strategidokument for helsefellesskapet vart vedteke 30.11.22.»; who adopted it is a reading
    (strategy_adopted_by): SSU decides, the partnership meeting (the alternative) does not."""
    s = samhandling.load("sogn-og-fjordane")
    strategy = next(d for d in documents(s) if d.id == "strategidokument")
    assert (strategy.adopted_on, strategy.adopted_by) == (D(2022, 11, 30), "ssu")
    assert not [f for f in s.validate() if f.rule == "S4-R7"]
    data = copy.deepcopy(_bundled("sogn-og-fjordane"))
    settings = data["settings"]
    assert isinstance(settings, dict)
    settings["strategy_adopted_by"]["value"] = "Partnarskapsmøtet"
    found = [f for f in _dumped(data).validate() if f.rule == "S4-R7"]
    assert [f.code for f in found] == ["adopter-cannot-decide"] and "Partnarskapsmøtet" in found[0].message


def test_bundled_agreements_of_sor_rogaland_are_reviewed_by_fsu() -> None:
    """S3-R12: FSU «drøfte og vurdere eventuelle behov for justeringer og endringer i avtaleverket»."""
    s = samhandling.load("sor-rogaland")
    agreements = [d for d in documents(s) if d.kind in (DocumentKind.AGREEMENT, DocumentKind.SUB_AGREEMENT)]
    assert len(agreements) == 6 and {d.reviewed_by for d in agreements} == {"fsu"}
    assert not [f for f in s.validate() if f.rule == "S3-R12"]


def test_bundled_board_decision_of_knutepunkt_sorlandet_is_a_record() -> None:
    """S1-R1: «Vedtaket 5.10.06», the board's decision, adopted by Styret KnS (which decides) that day."""
    s = samhandling.load("knutepunkt-sorlandet")
    (decision,) = [d for d in documents(s) if d.kind is DocumentKind.DECISION]
    assert (decision.adopted_on, decision.adopted_by) == (D(2006, 10, 5), "styret")
    assert not [f for f in s.validate() if f.rule == "S1-R1"]
    data = copy.deepcopy(_bundled("knutepunkt-sorlandet"))
    bodies = data["bodies"]
    assert isinstance(bodies, list)
    next(b for b in bodies if b["id"] == "styret")["valid_from"] = "2007"
    found = [f for f in _dumped(data).validate() if f.rule == "S1-R1"]
    assert [f.code for f in found] == ["adopter-not-in-force"] and "Styret KnS" in found[0].message
