"""docs/rules.md: every rule of the domain brief, how it is enforced, and the test that breaks it.

Three kinds of test live here:

* the table itself: every rule id of the domain brief (S0-R… to S4-R…, 83 of them) has a row, and every
  test a row names exists (a test function in tests/, with its parameter id where one is given, or a
  scenario in features/);
* ``test_breaking_the_rule_is_found``: for each rule a bundled structure enforces by a check, break the
  bundled data in one small way and assert that `validate` then reports that rule with its code (and did
  not before);
* the count the issue asks for (≥ 70 of 83 is the target; the table says how far we are).
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

import samhandling
from samhandling.structure.loader import BUNDLED_DIR

ROOT = Path(__file__).resolve().parents[1]
RULES_MD = ROOT / "docs" / "rules.md"
DOMAIN_BRIEF = Path("/work/shared/domain.md")

#: The rule ids of the domain brief (§1, the five seed documents), as listed there. Kept here so the test
#: runs where the brief is not available; ``test_the_brief_has_these_rule_ids`` compares when it is.
BRIEF_RULES = (
    [f"S0-R{n}" for n in range(1, 12)]
    + [f"S1-R{n}" for n in range(1, 15)]
    + [f"S2-R{n}" for n in range(1, 21)]
    + [f"S3-R{n}" for n in range(1, 28)]
    + [f"S4-R{n}" for n in range(1, 12)]
)

ENFORCEMENTS = ("finding", "refusal", "process", "due", "rotation", "text")


# ---------------------------------------------------------------------------- the table


@cache
def table() -> dict[str, dict[str, Any]]:
    """The rows of docs/rules.md: rule id → {enforced: kind, how: text, tests: [test ids]}."""
    rows: dict[str, dict[str, Any]] = {}
    text = RULES_MD.read_text(encoding="utf-8")
    section = text.split("\n## The table\n", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        m = re.match(r"^\|\s*(S[0-4]-R\d+)\s*\|", line)
        if not m:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == 5, f"a row of docs/rules.md needs 5 cells: {line}"
        rule, _quote, enforced, how, tests = cells
        assert rule not in rows, f"{rule} has two rows"
        rows[rule] = {
            "enforced": enforced.strip("`* "),
            "how": how,
            "tests": re.findall(r"`([^`]+::[^`]+)`", tests),
        }
    return rows


def test_the_brief_has_these_rule_ids() -> None:
    if not DOMAIN_BRIEF.exists():
        pytest.skip("the domain brief is not available here")
    ids = re.findall(r"^\| (S[0-4]-R\d+) \|", DOMAIN_BRIEF.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert ids == BRIEF_RULES
    assert len(ids) == 83


def test_every_rule_of_the_brief_has_one_row() -> None:
    assert sorted(table()) == sorted(BRIEF_RULES)


def test_every_row_says_how_and_text_only_rows_say_why() -> None:
    for rule, row in table().items():
        assert row["enforced"] in ENFORCEMENTS, (rule, row["enforced"])
        assert row["how"], rule
        if row["enforced"] == "text":
            assert not row["tests"], f"{rule} is text only but names a test"
        else:
            assert row["tests"], f"{rule} is enforced ({row['enforced']}) but names no test"


@cache
def _functions(path: Path) -> frozenset[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return frozenset(n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name.startswith("test_"))


@cache
def _scenarios(path: Path) -> frozenset[str]:
    names = re.findall(
        r"^\s*(?:Scenario|Scenariomal|Abstrakt scenario):\s*(.+?)\s*$",
        path.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    return frozenset(names)


def test_every_named_test_exists() -> None:
    missing = []
    for rule, row in table().items():
        for ref in row["tests"]:
            file, _, name = ref.partition("::")
            path = ROOT / file
            if not path.exists():
                missing.append(f"{rule}: {file} finnes ikke")
            elif path.suffix == ".feature":
                if name not in _scenarios(path):
                    missing.append(f"{rule}: scenarioet «{name}» finnes ikke i {file}")
            else:
                func, _, param = name.partition("[")
                if func not in _functions(path):
                    missing.append(f"{rule}: {file}::{func} finnes ikke")
                elif param and path.name == Path(__file__).name and param.rstrip("]") not in _params(func):
                    missing.append(f"{rule}: parameteren {param.rstrip(']')} finnes ikke i {func}")
    assert not missing, "\n".join(missing)


def _params(func: str) -> dict[str, Any]:
    """The parameter ids of this file's parametrized tests."""
    return {"test_breaking_the_rule_is_found": MUTATIONS, "test_bundled_evaluation_falls_due": EVALUATIONS}.get(
        func, {}
    )


def test_every_mutation_is_named_in_the_table() -> None:
    named = {
        ref.split("[", 1)[1].rstrip("]")
        for row in table().values()
        for ref in row["tests"]
        if ref.startswith("tests/test_rules_table.py::test_breaking_the_rule_is_found[")
    }
    assert named == set(MUTATIONS)


def test_the_count_enforced_and_tested() -> None:
    enforced = [r for r, row in table().items() if row["enforced"] != "text"]
    text = RULES_MD.read_text(encoding="utf-8")
    m = re.search(r"\*\*(\d+) of 83\*\* rules are enforced and tested", text)
    assert m, "docs/rules.md states the count as «**N of 83** rules are enforced and tested»"
    assert int(m.group(1)) == len(enforced)


# ---------------------------------------------------------------------------- breaking the bundled data

Data = dict[str, Any]


@cache
def _bundled(name: str) -> Data:
    data: Data = yaml.safe_load((BUNDLED_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


def _body(d: Data, body_id: str) -> Data:
    return next(b for b in d["bodies"] if b["id"] == body_id)


def drop_relation(frm: str, kind: str, to: str) -> Callable[[Data], None]:
    def edit(d: Data) -> None:
        before = len(d["relations"])
        d["relations"] = [r for r in d["relations"] if (r["from"], r["kind"], r["to"]) != (frm, kind, to)]
        assert len(d["relations"]) == before - 1, (frm, kind, to)

    return edit


def set_body(body_id: str, **values: Any) -> Callable[[Data], None]:
    def edit(d: Data) -> None:
        _body(d, body_id).update(values)

    return edit


def drop_members(body_id: str, party: str, role: str | None = None) -> Callable[[Data], None]:
    def edit(d: Data) -> None:
        body = _body(d, body_id)
        before = len(body["members"])
        body["members"] = [
            m for m in body["members"] if not (m["party"] == party and (role is None or m.get("role") == role))
        ]
        assert len(body["members"]) < before, (body_id, party)

    return edit


def set_member(body_id: str, who: str, role: str | None = None, **values: Any) -> Callable[[Data], None]:
    def edit(d: Data) -> None:
        member = next(
            m for m in _body(d, body_id)["members"] if m["party"] == who and (role is None or m.get("role") == role)
        )
        member.update(values)

    return edit


def add(section: str, *items: Data) -> Callable[[Data], None]:
    def edit(d: Data) -> None:
        d.setdefault(section, []).extend(copy.deepcopy(list(items)))

    return edit


def drop_body(body_id: str) -> Callable[[Data], None]:
    def edit(d: Data) -> None:
        d["bodies"] = [b for b in d["bodies"] if b["id"] != body_id]
        d["relations"] = [r for r in d["relations"] if body_id not in (r["from"], r["to"])]

    return edit


def drop_meeting(body: str, date: dt.date) -> Callable[[Data], None]:
    def edit(d: Data) -> None:
        before = len(d["meetings"])
        d["meetings"] = [m for m in d["meetings"] if (m["body"], m["date"]) != (body, date)]
        assert len(d["meetings"]) == before - 1

    return edit


def set_meeting(body: str, on: dt.date, **values: Any) -> Callable[[Data], None]:
    def edit(d: Data) -> None:
        next(m for m in d["meetings"] if (m["body"], m["date"]) == (body, on)).update(values)

    return edit


def set_document(doc_id: str, **values: Any) -> Callable[[Data], None]:
    def edit(d: Data) -> None:
        next(doc for doc in d["documents"] if doc["id"] == doc_id).update(values)

    return edit


def both(*edits: Callable[[Data], None]) -> Callable[[Data], None]:
    def edit(d: Data) -> None:
        for one in edits:
            one(d)

    return edit


def unserve_group(group_id: str) -> Callable[[Data], None]:
    """Takes away every body and plan item that serves a priority group."""

    def edit(d: Data) -> None:
        group = next(g for g in d["priority_groups"]["groups"] if g["id"] == group_id)
        assert group.pop("items", None) or group.pop("bodies", None), group_id
        group.pop("bodies", None)

    return edit


D = dt.date
FOLLO = "Forvaltningsnettverk Folloregionen"

#: Rule (finding) id → (bundled structure, how to break it, the finding code that must appear).
MUTATIONS: dict[str, tuple[str, Callable[[Data], None], str]] = {
    # S0 Faggruppe Sogn
    "S0-R1": ("faggruppe-sogn", set_member("faggruppe", "vik", count=3), "per-party-count"),
    "S0-R6": ("faggruppe-sogn", drop_relation("faggruppe", "member_of", "forum"), "missing-member_of"),
    "S0-R9": ("faggruppe-sogn", drop_relation("faggruppe", "reports_to", "radmannsgruppa"), "missing-reports_to"),
    "S0-R11": ("faggruppe-sogn", drop_relation("radmannsgruppa", "approves", "faggruppe"), "missing-approves"),
    "S0-R5-innkalling": (
        "faggruppe-sogn",
        add("meetings", {"body": "faggruppe", "date": D(2013, 6, 4), "convened_by": "Vik"}),  # Balestrand leads
        "duty-outside-rotation",
    ),
    "S0-R5-referat": (
        "faggruppe-sogn",
        add("meetings", {"body": "faggruppe", "date": D(2013, 6, 4), "minute_taker": "Vik"}),
        "duty-outside-rotation",
    ),
    # S1 Knutepunkt Sørlandet
    "S1-R1": ("knutepunkt-sorlandet", set_document("vedtaket-2006", adopted_by="forstudie"), "adopter-cannot-decide"),
    "S1-R2": ("knutepunkt-sorlandet", drop_relation("styret", "commissions", "forstudie"), "missing-commissions"),
    "S1-R2-power": ("knutepunkt-sorlandet", set_body("styret", power="advises"), "decision-power"),
    "S1-R4": ("knutepunkt-sorlandet", drop_relation("forstudie", "reports_to", "styret"), "missing-reports_to"),
    "S1-R5": ("knutepunkt-sorlandet", drop_members("forstudie", "ansattes-representanter"), "missing-employee"),
    "S1-R7": ("knutepunkt-sorlandet", set_member("nettverk", "kristiansand", count=2), "member-count"),
    "S1-R9": ("knutepunkt-sorlandet", drop_relation("daglig-leder", "organises", "nettverk"), "missing-organises"),
    # S2 Ahus-området
    "S2-R2": ("ahus-forvaltningsnettverk", drop_relation("SSU", "commissions", "follo"), "missing-commissions"),
    "S2-R5": ("ahus-forvaltningsnettverk", drop_members("follo", "as", "samhandlingskoordinator"), "per-party-count"),
    "S2-R6": ("ahus-forvaltningsnettverk", drop_members("follo", "ahus"), "missing-hospital"),
    "S2-R11": (
        "ahus-forvaltningsnettverk",
        drop_relation("AU", "organises", "felles-nettverksmote"),
        "missing-organises",
    ),
    "S2-R14": (
        "ahus-forvaltningsnettverk",
        add(
            "bodies",
            {"id": "fellesmote-2", "name": "Et annet felles nettverksmøte", "kind": "joint_meeting", "power": "none"},
        ),
        "body-count",
    ),
    "S2-R17": ("ahus-forvaltningsnettverk", drop_relation("follo", "reports_to", "SSU"), "missing-reports_to"),
    "S2-R20": ("ahus-forvaltningsnettverk", drop_relation("hofsu", "approves", "follo"), "missing-approves"),
    "S2-R12-tid": (
        "ahus-forvaltningsnettverk",
        add("meetings", *({"body": FOLLO, "date": D(2024, m, 10)} for m in (1, 4, 9))),
        "too-few-meetings",
    ),
    "S2-R7-tid": (
        "ahus-forvaltningsnettverk",
        add(
            "meetings",
            {
                "body": FOLLO,
                "date": D(2024, 3, 12),
                "segments": [{"kind": "municipal", "minutes": 90}, {"kind": "joint", "minutes": 20}],
            },
        ),
        "segment-short",
    ),
    "S2-R15-tid": (
        "ahus-forvaltningsnettverk",
        add(
            "meetings", {"body": FOLLO, "date": D(2024, 3, 12), "items": [{"title": "Sak", "submitted": D(2024, 3, 5)}]}
        ),
        "item-late",
    ),
    "S2-R16-tid": (
        "ahus-forvaltningsnettverk",
        add("meetings", {"body": FOLLO, "date": D(2024, 3, 12), "agenda_sent": D(2024, 3, 8)}),
        "agenda-late",
    ),
    "S2-R3-tid": (
        "ahus-forvaltningsnettverk",
        add(
            "meetings",
            {"body": FOLLO, "date": D(2025, 3, 10), "present": ["Ahus", "Ås", "Nesodden", "Enebakk", "Nordre Follo"]},
        ),
        "member-absent",  # Frogn
    ),
    "S2-R8-follo": (
        "ahus-forvaltningsnettverk",
        add("meetings", {"body": FOLLO, "date": D(2024, 9, 12), "chair": "Nesodden"}),
        "chair-outside-rotation",
    ),
    "S2-R9-felles": (
        "ahus-forvaltningsnettverk",
        add("meetings", {"body": "Felles nettverksmøte", "date": D(2024, 10, 15), "chair": "Ås"}),
        "chair-outside-rotation",
    ),
    # S3 Sør-Rogaland
    "S3-R2": ("sor-rogaland", drop_members("fsu", "fastleger"), "missing-gp"),
    "S3-R3-tid": (
        "sor-rogaland",
        add(
            "meetings",
            {"body": "Partnerskapsmøte", "date": D(2024, 3, 1)},
            {"body": "Partnerskapsmøte", "date": D(2024, 9, 1)},
        ),
        "too-many-meetings",
    ),
    "S3-R4": ("sor-rogaland", set_member("partnerskapsmote", "kvitsoy", count=1), "per-party-count"),
    "S3-R4-hf": ("sor-rogaland", drop_members("partnerskapsmote", "helse-stavanger"), "missing-hospital"),
    "S3-R6": ("sor-rogaland", drop_relation("SSU", "oversees", "FSU"), "missing-oversees"),
    "S3-R7": ("sor-rogaland", set_body("ssu", decision_rule="majority"), "decision-rule"),
    "S3-R9": ("sor-rogaland", set_member("fsu", "kommuneklynger", count=5), "parity"),
    "S3-R9-seats": ("sor-rogaland", set_member("fsu", "brukere", count=3), "too-many-user"),
    "S3-R10": ("sor-rogaland", drop_relation("SSU", "oversees", "FSU"), "missing-oversees"),
    "S3-R11": ("sor-rogaland", drop_relation("FSU", "informs", "SSU"), "missing-informs"),
    "S3-R13": ("sor-rogaland", drop_relation("tmg-barn-unge", "reports_to", "FSU"), "missing-reports_to"),
    "S3-R14": ("sor-rogaland", set_body("fsu", power="decides"), "decision-power"),
    "S3-R15": ("sor-rogaland", drop_relation("FSU", "escalates_to", "SSU"), "missing-escalates_to"),
    "S3-R16": ("sor-rogaland", drop_relation("FSU", "organises", "Partnerskapsmøte"), "missing-organises"),
    "S3-R23": (
        "sor-rogaland",
        set_member("tmg-psykisk-rus", "kommuneklynger", "leder", party="helse-stavanger"),
        "leadership-quota",
    ),
    "S3-R24-parity": ("sor-rogaland", set_member("tmg-barn-unge", "kommuneklynger", count=2), "parity"),
    "S3-R24-gp": ("sor-rogaland", drop_members("tmg-kroniske", "fastleger"), "missing-gp"),
    "S3-R24-user": ("sor-rogaland", drop_members("tmg-kroniske", "brukere"), "missing-user"),
    "S3-R26": ("sor-rogaland", drop_body("fagrad-11"), "body-count"),
    # S3-R25/S3-R12 (rules-life): a wound-down fagråd still meeting; a sub-agreement no longer reviewed by FSU
    "S3-R25": (
        "sor-rogaland",
        both(
            set_body("fagrad-9", valid_to=D(2023, 6, 30)),
            add("meetings", {"body": "fagrad-9", "date": D(2024, 3, 1)}),
        ),
        "meeting-outside-lifetime",
    ),
    "S3-R12": ("sor-rogaland", set_document("delavtale-9", reviewed_by=None), "reviewer-missing"),
    # S4 Sogn og Fjordane
    "S4-R2": ("sogn-og-fjordane", set_member("ssu", "kommunane", count=4), "parity"),
    "S4-R3-gp": ("sogn-og-fjordane", drop_members("fsu", "fastlegar"), "missing-gp"),
    "S4-R3-user": ("sogn-og-fjordane", drop_members("ssu", "brukarar"), "missing-user"),
    "S4-R9-SSU": ("sogn-og-fjordane", drop_meeting("SSU", D(2024, 10, 3)), "too-few-meetings"),
    "S4-R9-vert": ("sogn-og-fjordane", set_meeting("FSU", D(2024, 5, 16), host="Kommunane"), "host-repeated"),
    # S4-R6/S4-R7 (rules-life): an SSU meeting before the establishment; the strategy adopted by the advisory FSU
    "S4-R6": ("sogn-og-fjordane", add("meetings", {"body": "SSU", "date": D(2021, 6, 10)}), "meeting-outside-lifetime"),
    "S4-R7": ("sogn-og-fjordane", set_document("strategidokument", adopted_by="FSU"), "adopter-cannot-decide"),
    "S4-R9-rekkjefolgje": (
        "sogn-og-fjordane",
        set_meeting("SSU", D(2024, 5, 30), date=D(2024, 5, 10)),
        "meeting-order",
    ),
    # Issue 12 item 11, wave 3 (rules-struct): titles, priority groups, both levels, coverage, no decision power
    "S0-R2": ("faggruppe-sogn", set_member("faggruppe", "vik", title="rådgjevar"), "title-not-allowed"),
    "S3-R22": (
        "sor-rogaland",
        set_member("tmg-barn-unge", "helse-stavanger", "leder", title="rådgiver"),
        "title-not-allowed",
    ),
    "S3-R5": ("sor-rogaland", set_body("partnerskapsmote", power="decides"), "decision-power"),
    "S3-R17": ("sor-rogaland", drop_members("tmg-barn-unge", "kommuneklynger"), "missing-municipal"),
    "S3-R17-hf": ("sor-rogaland", drop_members("tmg-skropelige-eldre", "helse-stavanger"), "missing-hospital"),
    "S1-R10": ("knutepunkt-sorlandet", drop_members("nettverk", "lillesand"), "not-covered"),
    "S4-R4": ("sogn-og-fjordane", unserve_group("psykisk-rus"), "priority-group-unserved"),
    # Economy: who pays (costs)
    "S0-R7": ("faggruppe-sogn", set_body("faggruppe", costs={"participation": "radmannsgruppa"}), "costs-mismatch"),
    "S0-R8": (
        "faggruppe-sogn",
        add(
            "bodies",
            {
                "id": "prosjekt",
                "name": "Eit større prosjekt",
                "kind": "project",
                "costs": {"participation": "each_party", "scale": "large", "funding": "own"},
            },
        ),
        "costs-mismatch",
    ),
    "S1-R6": (
        "knutepunkt-sorlandet",
        set_body("forstudie", costs={"work": "kristiansand", "funding": "existing_budget"}),
        "costs-mismatch",
    ),
}


class _Dumper(yaml.SafeDumper):
    """Quotes strings of digits (kommunenummer «0926»), which the structure reader would take as numbers."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if value.isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _findings(data: Data, name: str, rule: str, code: str) -> list[str]:
    """The messages of the findings for that rule and code."""
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    return [f.message for f in samhandling.loads(text, f"{name}.yaml").validate() if (f.rule, f.code) == (rule, code)]


@pytest.mark.parametrize("rule", list(MUTATIONS))
def test_breaking_the_rule_is_found(rule: str) -> None:
    name, edit, code = MUTATIONS[rule]
    data = copy.deepcopy(_bundled(name))
    before = _findings(data, name, rule, code)
    edit(data)
    after = _findings(data, name, rule, code)
    assert len(after) > len(before), (rule, code, before, after)


#: Evaluations and reviews of the bundled structures: (structure, evaluation id, a date before it is due, a
#: date after the deadline, the deadline). The due check reports each as overdue, and no longer once it is recorded as done.
EVALUATIONS = {
    "S0-R10": ("faggruppe-sogn", "ordninga-evaluert", D(2013, 1, 1), D(2013, 3, 31), D(2013, 3, 30)),
    "S1-R12": ("knutepunkt-sorlandet", "samarbeid-arlig", D(2008, 1, 1), D(2008, 6, 1), D(2008, 5, 31)),
    "S2-R18": ("ahus-forvaltningsnettverk", "nettverk-arlig", D(2025, 6, 1), D(2025, 9, 1), D(2025, 8, 30)),
    "S2-R19": ("ahus-forvaltningsnettverk", "mandat-revisjon", D(2024, 11, 1), D(2026, 1, 1), D(2025, 12, 31)),
}


@pytest.mark.parametrize("rule", list(EVALUATIONS))
def test_bundled_evaluation_falls_due(rule: str) -> None:
    from samhandling.time.evaluations import DueStatus, due_items

    name, evaluation, early, on, deadline = EVALUATIONS[rule]
    data = copy.deepcopy(_bundled(name))
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    due = {d.evaluation.id: (d.deadline, d.status) for d in due_items(samhandling.loads(text), on)}
    assert due[evaluation] == (deadline, DueStatus.OVERDUE)
    assert evaluation not in {d.evaluation.id for d in due_items(samhandling.loads(text), early)}
    next(e for e in data["evaluations"] if e["id"] == evaluation)["done"] = [deadline]
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    assert evaluation not in {d.evaluation.id for d in due_items(samhandling.loads(text), on)}


def test_the_bundled_rules_exist_as_named() -> None:
    """Each mutation names a rule (or meeting rule) the bundled structure really has."""
    for rule, (name, _edit, _code) in MUTATIONS.items():
        data = _bundled(name)
        ids = {r["id"] for r in data.get("rules", [])}
        meeting_rules = data.get("meeting_rules", [])
        if isinstance(meeting_rules, dict):
            meeting_rules = meeting_rules.get("rules", [])
        ids |= {r["id"] for r in meeting_rules}
        assert rule in ids, (name, rule)


# ---------------------------------------------------------------------------- rules the processes enforce


def _network_item() -> Any:
    from samhandling.process.loader import get_process

    definition = get_process(samhandling.load("ahus-forvaltningsnettverk"), "nettverkssak")
    case = definition.new_case("Felles rutine for PLO-meldinger", on=D(2024, 9, 20))
    case.act("submit", by="follo", on=D(2024, 9, 30), meeting=D(2024, 10, 11))
    case.act("put_on_agenda", by="follo", on=D(2024, 10, 4), meeting=D(2024, 10, 11))
    return case


def test_network_item_is_discussed_by_the_municipalities_before_the_joint_part() -> None:
    """S2-R1: the meeting has a municipal part and a joint part with Ahus, in that order."""
    from samhandling.errors import SamhandlingError

    case = _network_item()
    with pytest.raises(SamhandlingError) as refused:
        case.act("discuss_joint", by="follo", on=D(2024, 10, 11))
    assert refused.value.code == "invalid-state"
    assert case.state == "pa_sakslisten"
    case.act("discuss_municipal", by="follo", on=D(2024, 10, 11))
    case.act("discuss_joint", by="follo", on=D(2024, 10, 11))
    assert case.state == "drottet_felles"


def test_network_item_is_not_reported_before_it_is_in_the_minutes() -> None:
    """S2-R10: minutes are made of every meeting; the annual report comes after them."""
    from samhandling.errors import SamhandlingError

    case = _network_item()
    case.act("discuss_municipal", by="follo", on=D(2024, 10, 11))
    with pytest.raises(SamhandlingError) as refused:
        case.act("report", by="follo", on=D(2025, 2, 1))
    assert refused.value.code == "invalid-state"
    case.act("record_minutes", by="follo", on=D(2024, 10, 11))
    case.act("report", by="follo", on=D(2025, 2, 1))
    assert case.is_final


def test_text_only_rules_say_why_in_the_yaml() -> None:
    """Issue 12 item 11: a rule that can only be text says so, and why, in its bundled structure."""
    glosses: dict[str, str] = {}
    for name in (
        "faggruppe-sogn",
        "knutepunkt-sorlandet",
        "ahus-forvaltningsnettverk",
        "sor-rogaland",
        "sogn-og-fjordane",
    ):
        for rule in samhandling.load(name).rules:
            glosses[rule.id] = rule.source.gloss or ""
    for rule, row in table().items():
        if row["enforced"] == "text":
            assert "Text only: " in glosses.get(rule, ""), rule
        else:
            assert "Text only: " not in glosses.get(rule, ""), rule


def test_prestudy_report_must_cover_the_specialist_service_and_the_workforce() -> None:
    """S1-R3: «Studien må også omfatte samhandling med 2. linjetjenesten og hvordan sikre kvalifisert
    arbeidskraft i fremtiden.»"""
    from samhandling.errors import SamhandlingError
    from samhandling.process.loader import get_process

    case = get_process(samhandling.load("knutepunkt-sorlandet"), "forstudie").new_case("Forstudie", on=D(2006, 10, 5))
    case.act("decide_prestudy", by="Styret KnS", on=D(2006, 10, 5))
    case.act("start_prestudy", by="forstudien", on=D(2006, 11, 1))
    with pytest.raises(SamhandlingError) as refused:
        case.act("deliver_report", by="forstudien", on=D(2007, 3, 1), specialist_cooperation="kapittel 4")
    assert refused.value.code == "missing-input"
    assert "kvalifisert arbeidskraft" in refused.value.message
    assert case.state == "igangsatt"
    case.act(
        "deliver_report", by="forstudien", on=D(2007, 3, 1), specialist_cooperation="kapittel 4", workforce="kapittel 5"
    )
    assert case.state == "rapport_levert"


def test_partnership_meeting_cannot_decide() -> None:
    """S3-R5: «Partnerskapsmøte skal ha felles dialog …»: a body for dialogue (power none), so the engine refuses
    a decision by it, quoting the rule, and changes nothing; SSU decides."""
    from samhandling import AuthorityError
    from test_engine_support import all_for, assert_refused, drive_to, new_sor_case, next_day

    case = drive_to(new_sor_case(), "anbefalt")
    err = assert_refused(
        case,
        "approve_proposal",
        AuthorityError,
        "advisory-body",
        by="Partnerskapsmøte",
        on=next_day(case),
        positions=all_for(case.definition.structure),
    )
    assert err.message.startswith("Partnerskapsmøte er et organ uten beslutningsmyndighet")
    assert "regel S3-R5" in err.message and (err.details["body"], err.details["allowed"]) == (
        "partnerskapsmote",
        ["ssu"],
    )
    assert case.state == "anbefalt"
