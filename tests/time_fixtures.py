"""A small structure with meetings, rules, rotations and evaluations for the time tests."""

from __future__ import annotations

BASE = """\
structure: tid
name: Testfellesskap
sources:
  S2: {file: 002_5bfa8dadb5bed797.txt}
  S4: {file: 004_bfe645f164527c8e.txt}
parties:
  - {id: ahus, name: Ahus, kind: health_trust}
  - {id: as, name: Ås, kind: municipality}
  - {id: nesodden, name: Nesodden, kind: municipality}
  - {id: enebakk, name: Enebakk, kind: municipality}
  - {id: nittedal, name: Nittedal, kind: municipality}
  - {id: gjerdrum, name: Gjerdrum, kind: municipality}
bodies:
  - id: follo
    name: Forvaltningsnettverk Folloregionen
    kind: network
    members: [{party: enebakk}, {party: as}, {party: nesodden}, {party: ahus}]
  - id: nrg
    name: Forvaltningsnettverk Nedre Romerike og Gardermoregionen
    kind: network
    members: [{party: enebakk}, {party: nittedal}, {party: gjerdrum}, {party: ahus}]
  - {id: fsu, name: Fagleg samarbeidsutval, abbreviation: FSU, kind: professional_committee}
  - {id: ssu, name: Strategisk samarbeidsutval, abbreviation: SSU, kind: strategic_committee}
  - {id: tmg, name: Tjenestemodellgruppe, abbreviation: TMG, kind: service_model_group}
"""

RULE_ITEMS = """\
  - id: S2-R12
    category: meeting_frequency
    modality: descriptive
    source: S2
    text: Det gjennomføres minimum 4 møter årlig i hver av regionnettverkene.
    check: {kind: meetings_per_year, body_kind: network, min: 4}
  - id: S2-R15
    category: agenda_deadline
    modality: descriptive
    source: S2
    text: Saker til møtet meldes inn til møteleder senest 10 dager før møtetidspunkt.
    check: {kind: submission_deadline, body_kind: network, days: 10}
  - id: S2-R16
    category: agenda_deadline
    modality: descriptive
    source: S2
    text: Sakslisten sendes ut senest 1 uke før møtet.
    check: {kind: agenda_deadline, body_kind: network, days: 7}
"""


RULES = "meeting_rules:\n" + RULE_ITEMS


def rules_with_settings(settings: str) -> str:
    """The same rules in the mapping form, with ``settings``."""
    items = "".join("  " + line + "\n" for line in RULE_ITEMS.splitlines())
    return f"meeting_rules:\n  settings: {settings}\n  rules:\n{items}"


def structure_text(meetings: str = "", extra: str = "") -> str:
    return BASE + meetings + extra


def network_meetings(*dates: str, body: str = "follo") -> str:
    lines = ["meetings:"]
    lines += [f"  - {{body: {body}, date: {d}}}" for d in dates]
    return "\n".join(lines) + "\n"
