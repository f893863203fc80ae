"""Process definitions: the main path, the shared Machine, versions, replay and validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import samhandling
from samhandling import Case, Event, ProcessDefinitionError
from samhandling.process.loader import get_process
from samhandling.process.validation import validate_definition
from test_engine_support import (
    PROCESSES,
    TMG,
    D,
    drive_to,
    load_variant,
    new_sor_case,
    next_day,
    replace_once,
    sor_text,
    with_processes,
)


def test_steps_list_the_main_path_in_order() -> None:
    definition = get_process(samhandling.load("sor-rogaland"))
    steps = definition.steps()
    assert [s.act for s in steps] == [
        "draft_mandate",
        "approve_mandate",
        "approve_mandate",
        "anchor",
        "draft_pathway",
        "propose_implementation",
        "recommend",
        "approve_proposal",
        "assess_consequences",
        "political_review",
        "implement",
    ]
    assert [s.bodies for s in steps if s.act == "approve_mandate"] == [("fsu",), ("ssu",)]
    assert (steps[1].state, steps[1].dest) == ("mandat_utarbeidet", "mandat_utarbeidet")
    assert (steps[2].state, steps[2].dest) == ("mandat_utarbeidet", "mandat_godkjent")
    assert steps[-1].dest == "implementert"
    assert not {"escalate", "send_back", "withdraw"} & {s.act for s in steps}


@pytest.mark.parametrize(
    ("structure", "acts"),
    [
        ("knutepunkt-sorlandet", ["decide_prestudy", "start_prestudy", "deliver_report", "board_decision"]),
        (
            "ahus-forvaltningsnettverk",
            ["submit", "put_on_agenda", "discuss_municipal", "discuss_joint", "record_minutes", "report"],
        ),
        ("faggruppe-sogn", ["discuss", "advise", "decide"]),
        ("sogn-og-fjordane", ["recommend", "decide"]),
    ],
)
def test_steps_of_the_other_processes(structure: str, acts: list[str]) -> None:
    assert [s.act for s in get_process(samhandling.load(structure)).steps()] == acts


def test_the_machine_is_shared_and_has_no_models() -> None:
    structure = samhandling.load("sor-rogaland")
    definition = get_process(structure)
    assert get_process(structure) is definition  # compiled once
    first = definition.new_case("A", on=D(2024, 1, 1))
    second = definition.new_case("B", on=D(2024, 1, 1))
    drive_to(first, "forankret")
    drive_to(second, "mandat_godkjent")
    assert first.definition.machine is second.definition.machine is definition.machine
    models = list(definition.machine.models)
    assert all(not isinstance(m, Case) for m in models)
    assert first.state == "forankret"
    assert second.state == "mandat_godkjent"
    assert first.id != second.id


def test_a_case_keeps_its_structure_alive() -> None:
    # Only the case is kept: the definition must still reach its structure.
    case = get_process(samhandling.load("sor-rogaland")).new_case("Alene", on=D(2024, 1, 1))
    import gc

    gc.collect()
    case.act("draft_mandate", by=TMG, on=D(2024, 1, 2))
    assert case.state == "mandat_utarbeidet"


def test_replay_reproduces_the_case() -> None:
    case = drive_to(new_sor_case(), "politisk_behandling", political_review=True)
    case.act("political_review", by="kommunestyrene", on=next_day(case), party="Sola", outcome="avvist")
    case.act("send_back", by="SSU", on=next_day(case), to="forankret", reason="ny runde")
    drive_to(case, "anbefalt")

    replayed = case.definition.replay(case.history, case_id=case.id)
    assert replayed.snapshot() == case.snapshot()
    assert replayed.history == case.history
    # Through JSON, the way a store keeps events.
    stream = json.loads(json.dumps([e.to_dict() for e in case.history]))
    again = case.definition.replay([Event.from_dict(e) for e in stream], case_id=case.id)
    assert (again.state, again.data, again.progress) == (case.state, case.data, case.progress)
    drive_to(again, "implementert")


def test_replay_rejects_a_broken_stream() -> None:
    case = drive_to(new_sor_case(), "mandat_godkjent")
    events = list(case.history)
    with pytest.raises(samhandling.SamhandlingError) as info:
        case.definition.replay(events[1:])
    assert info.value.code == "bad-stream"
    with pytest.raises(samhandling.SamhandlingError) as info:
        case.definition.replay([events[0], events[2]])
    assert info.value.code == "bad-stream"


def test_a_case_remembers_its_version(tmp_path: Path) -> None:
    v2 = tmp_path / "tjenestemodell-v2.yaml"
    v2.write_text(
        replace_once((PROCESSES / "tjenestemodell.yaml").read_text(encoding="utf-8"), 'version: "1"', 'version: "2"'),
        encoding="utf-8",
    )
    text = with_processes(sor_text(), f"  - {{name: tjenestemodell, file: {v2}}}")
    new_definition = get_process(load_variant(tmp_path, text, "v2"))
    assert new_definition.version == "2"

    case = drive_to(new_sor_case(), "forankret")
    assert case.version == "1"
    assert case.history[0].payload["version"] == "1"
    with pytest.raises(ProcessDefinitionError) as info:
        new_definition.replay(case.history, case_id=case.id)
    assert info.value.code == "version-mismatch"
    assert "versjon 1" in info.value.message and "versjon 2" in info.value.message
    # The same definition version replays fine.
    assert new_definition.replay(new_definition.new_case("Ny", on=D(2024, 1, 1)).history).version == "2"


# ---------------------------------------------------------------------------- definition validation

MINIMAL = """\
process: x
version: "1"
title: Testprosess
initial: ny
states:
  - {name: ny, label: Ny}
  - {name: ferdig, label: Ferdig, final: true}
acts:
  - name: decide
    label: avgjøre
    kind: decide
    from: ny
    to: ferdig
    by: {body: SSU}
"""


def _load_process(tmp_path: Path, process_text: str) -> samhandling.ProcessDefinition:
    path = tmp_path / "x.yaml"
    path.write_text(process_text, encoding="utf-8")
    structure = load_variant(tmp_path, with_processes(sor_text(), f"  - {{name: x, file: {path}}}"), "with-x")
    return get_process(structure, "x")


def _line_of(text: str, fragment: str) -> int:
    lines = text.splitlines()
    return next(i for i, line in enumerate(lines, start=1) if fragment in line)


def _definition_error(tmp_path: Path, text: str, code: str) -> ProcessDefinitionError:
    with pytest.raises(ProcessDefinitionError) as info:
        _load_process(tmp_path, text)
    err = info.value
    assert err.code == code, err.message
    assert err.location is not None
    assert err.location.file.endswith("x.yaml")
    assert err.location.line is not None
    assert str(err.location).startswith(f"{err.location.file}:{err.location.line}")
    return err


def test_minimal_definition_is_valid(tmp_path: Path) -> None:
    definition = _load_process(tmp_path, MINIMAL)
    assert [s.act for s in definition.steps()] == ["decide"]
    assert validate_definition(definition) == []


def test_unknown_body(tmp_path: Path) -> None:
    text = MINIMAL.replace("by: {body: SSU}", "by: {body: Bystyret}")
    err = _definition_error(tmp_path, text, "unknown-body")
    assert "Bystyret" in err.message
    assert err.location is not None and err.location.line == _line_of(text, "by: {body: Bystyret}")


def test_advisory_body_on_a_decide_act(tmp_path: Path) -> None:
    text = MINIMAL.replace("by: {body: SSU}", "by: {body: FSU}")
    err = _definition_error(tmp_path, text, "power")
    assert "FSU" in err.message
    assert err.location is not None and err.location.line == _line_of(text, "- name: decide")


def test_unreachable_state(tmp_path: Path) -> None:
    text = MINIMAL.replace("  - {name: ferdig,", "  - {name: glemt, label: Glemt, final: true}\n  - {name: ferdig,")
    err = _definition_error(tmp_path, text, "unreachable")
    assert "glemt" in err.message
    assert err.location is not None and err.location.line == _line_of(text, "name: glemt")


def test_state_that_cannot_end(tmp_path: Path) -> None:
    text = MINIMAL.replace("  - {name: ferdig,", "  - {name: sirkel, label: Sirkel}\n  - {name: ferdig,") + (
        "  - name: loop\n"
        "    label: gå i ring\n"
        "    kind: record\n"
        "    from: [ny, sirkel]\n"
        "    to: sirkel\n"
        "    by: {body: SSU}\n"
    )
    err = _definition_error(tmp_path, text, "cannot-end")
    assert "sirkel" in err.message
    assert err.location is not None and err.location.line == _line_of(text, "name: sirkel")


def test_escalating_body_without_an_escalation_target(tmp_path: Path) -> None:
    text = replace_once(
        sor_text(),
        "  - {from: FSU, to: SSU, kind: escalates_to, label: Ved uenighet av prinsipiell karakter løftes saken til SSU}\n",
        "",
    )
    structure = load_variant(tmp_path, text, "no-escalation")
    with pytest.raises(ProcessDefinitionError) as info:
        get_process(structure)
    assert info.value.code == "no-escalation-target"
    assert info.value.location is not None and info.value.location.file == "tjenestemodell.yaml"
    assert info.value.location.line is not None
