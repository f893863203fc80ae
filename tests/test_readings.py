"""Readings (settings) are data: flipping one changes what the structure says (issue 12 item 8)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest

import samhandling
from samhandling import SchemaError, loads
from samhandling.structure.loader import BUNDLED_DIR
from samhandling.structure.model import DecisionPower, DecisionRule, RelationKind
from samhandling.time.rotation import schedule


def flipped(name: str, key: str, value: str) -> Any:
    """The bundled structure with reading ``key`` set to ``value`` (the text of its ``value:`` line replaced)."""
    text = (BUNDLED_DIR / f"{name}.yaml").read_text(encoding="utf-8")
    pattern = re.compile(rf"(\n  {key}:\n    value: )[^\n]*")
    assert pattern.search(text), key
    return loads(pattern.sub(lambda m: m.group(1) + value, text, count=1), filename=f"{name}.yaml")


def ssu_rule(s: Any) -> Any:
    return s.body("SSU").decision_rule


def avtale_power(s: Any) -> Any:
    return s.body("Avtaleutvalet").power


def parity_checked(s: Any) -> bool:
    return s.rule("S4-R2").check is not None


def fsu_hospital_seats(s: Any) -> int:
    return sum(m.count for m in s.members("FSU") if m.party == "helse-stavanger")


def first_leaders(s: Any) -> list[str]:
    return [a.holder for a in schedule(s, dt.date(2015, 1, 1))][:3]


def network_reports(s: Any) -> int:
    return len(s.targets("follo", RelationKind.REPORTS_TO))


def fonna_fsu_reports(s: Any) -> int:
    return sum(len(s.targets(b.id, RelationKind.REPORTS_TO)) for b in s.bodies_of_kind("professional_committee"))


def coordinator_rule(s: Any) -> bool:
    return s.rule("S2-R5").check is not None


CASES: list[tuple[str, str, str, Callable[[Any], Any], Any, Any]] = [
    ("sogn-og-fjordane", "ssu_decision_rule", "majority", ssu_rule, DecisionRule.CONSENSUS, DecisionRule.MAJORITY),
    ("sogn-og-fjordane", "avtaleutvalet_role", "decides", avtale_power, DecisionPower.ADVISES, DecisionPower.DECIDES),
    ("sogn-og-fjordane", "equal_partners_reading", "principle_only", parity_checked, True, False),
    ("sor-rogaland", "committee_side_size", "4", fsu_hospital_seats, 6, 4),
    (
        "faggruppe-sogn",
        "leader_rotation_order",
        "members",
        first_leaders,
        ["aurland", "balestrand", "leikanger"],
        ["vik", "balestrand", "leikanger"],
    ),
    ("ahus-forvaltningsnettverk", "annual_report_recipient", "none", network_reports, 1, 0),
    ("ahus-forvaltningsnettverk", "coordinator_per_municipality", "false", coordinator_rule, True, False),
    ("helse-fonna", "fsu_reporting", "followed_up_by_fousam_only", fonna_fsu_reports, 5, 0),
    ("vestfold", "ssu_power", "advises", lambda s: s.body("SSU").power, DecisionPower.DECIDES, DecisionPower.ADVISES),
]


@pytest.mark.parametrize(("name", "key", "value", "probe", "before", "after"), CASES, ids=[c[1] for c in CASES])
def test_flipping_a_reading_changes_the_structure(
    name: str, key: str, value: str, probe: Callable[[Any], Any], before: Any, after: Any
) -> None:
    assert probe(samhandling.load(name)) == before
    assert probe(flipped(name, key, value)) == after


def test_joint_minutes_rule_follows_its_reading() -> None:
    from samhandling.time.meeting_plan import meeting_plan

    def checked(s: Any) -> bool:
        return any(r.check is not None and r.check.get("kind") == "segment_minutes" for r in meeting_plan(s).rules)

    assert checked(samhandling.load("ahus-forvaltningsnettverk"))
    assert not checked(flipped("ahus-forvaltningsnettverk", "ahus_minimum_applies_to", "whole_meeting"))


SMALL = """
structure: liten
name: Liten
settings:
  size: {value: 2, alternatives: [3]}
  rule: {value: consensus}
parties:
  - {id: a, name: A, kind: municipality}
  - {id: hf, name: HF, kind: health_trust}
bodies:
  - id: ssu
    name: SSU
    kind: strategic_committee
    power: decides
    decision_rule: {setting: rule}
    members:
      - {party: a, count: {setting: size}}
      - {party: hf, count: {setting: size}, when: {setting: size, in: [2, 3]}}
"""


def test_setting_references_in_a_small_structure() -> None:
    s = loads(SMALL)
    assert s.body("SSU").decision_rule is DecisionRule.CONSENSUS
    assert [m.count for m in s.members("SSU")] == [2, 2]
    assert set(s.setting_refs) == {"size", "rule"}
    with pytest.raises(SchemaError) as err:
        loads(SMALL.replace("{setting: rule}", "{setting: regel}"))
    assert err.value.code == "unknown-setting" and err.value.location is not None
    assert err.value.location.line == SMALL.split("\n").index("    decision_rule: {setting: rule}") + 1
    with pytest.raises(SchemaError):
        loads(SMALL.replace("when: {setting: size, in: [2, 3]}", "when: {setting: size}"))


def test_unused_reading_is_a_warning_with_its_line() -> None:
    from samhandling.app.check import check_loaded

    s = loads(
        SMALL.replace("  rule: {value: consensus}\n", "  rule: {value: consensus}\n  loose: {value: 1}\n"),
        filename="liten.yaml",
    )
    found = [f for f in check_loaded(s) if f.code == "unused-reading"]
    assert len(found) == 1 and "loose" in found[0].message and found[0].severity.value == "warning"
    assert found[0].location is not None and found[0].location.line == 7
