"""A small structure and a process with timers, written here (not a bundled one), for the timer tests."""

from __future__ import annotations

from pathlib import Path

STRUCTURE = """\
structure: frist
name: Fristfellesskap
parties:
  - {id: hf, name: Helseforetaket, kind: health_trust}
  - {id: k1, name: Kommune 1, kind: municipality}
bodies:
  - {id: fsu, name: Fagleg samarbeidsutval, abbreviation: FSU, kind: professional_committee}
  - {id: ssu, name: Strategisk samarbeidsutval, abbreviation: SSU, kind: strategic_committee, power: decides,
     decision_rule: majority}
relations:
  - {from: fsu, to: ssu, kind: escalates_to}
meetings:
  - {body: ssu, date: 2024-02-15}
  - {body: ssu, date: 2024-04-18}
processes:
  - {name: frister, file: frister.yaml}
"""

PROCESS = """\
process: frister
version: "1"
title: Prosess med frister
initial: ny
settings:
  blackout_periods: {value: [jul]}
states:
  - name: ny
    label: Ny
    timers:
      - {id: purring, kind: reminder, after: 10 virkedager, every: P1W}
  - name: hoering
    label: På høring
    timers:
      - {id: utloept, kind: expiry, after: P6W, to: avsluttet}
      - {id: moete, kind: escalation, after: {working_days: 2}, from: {meeting: SSU}}
  - {name: avsluttet, label: Avsluttet, final: true}
acts:
  - name: send
    label: sende på høring
    kind: submit
    from: ny
    to: hoering
    by: {body: FSU}
    timers:
      - {id: svar, kind: escalation, after: P2W}
  - name: decide
    label: avgjøre
    kind: decide
    from: hoering
    to: avsluttet
    by: {body: SSU}
"""


def write(folder: Path, process: str = PROCESS, structure: str = STRUCTURE) -> Path:
    """Write the structure and its process to ``folder``; returns the structure file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "frister.yaml").write_text(process, encoding="utf-8")
    path = folder / "frist.yaml"
    path.write_text(structure, encoding="utf-8")
    return path
