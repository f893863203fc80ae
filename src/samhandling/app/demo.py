"""The main demonstration (``make demo`` / ``samhandling demo``), as a library function.

:func:`run_demo` creates a Sør-Rogaland case in the durable store, drives it through the whole
decision process (mandate, anchoring in all 15 municipalities and the hospital,
pathway, proposal, recommendation, consensus approval, consequence assessment,
political review in every municipality, implementation), verifies the chain of
hashes and returns what it did; the CLI (``samhandling demo``) prints the timeline
and says where the store is. Every run creates a new case, so it can be run again
and again on the same store. This module never imports the CLI.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from samhandling.app.repository import CaseRepository
    from samhandling.process.case import Case
    from samhandling.store import EventStore, VerifyResult

STRUCTURE = "sor-rogaland"
PROCESS = "tjenestemodell"
TMG = "tmg-skropelige-eldre"


def drive_sor_rogaland(
    repo: CaseRepository,
    *,
    title: str = "Nytt forløp for skrøpelige eldre",
    start: dt.date | None = None,
    tmg: str = TMG,
) -> Case:
    """Create a case and drive it through every step; each act is stored as it happens."""
    day = start or dt.date(2025, 1, 6)
    structure = repo.structure(STRUCTURE)
    municipalities = [p.id for p in structure.parties if p.kind.value == "municipality"]
    hospitals = [p.id for p in structure.parties if p.kind.value == "health_trust"]
    case = repo.create(STRUCTURE, PROCESS, title=title, on=day)

    def act(name: str, by: str, days: int, **payload: Any) -> None:
        nonlocal day, case
        day += dt.timedelta(days=days)
        case = repo.act(case.id, name, by=by, on=day, **payload)

    agreed = {p: "for" for p in municipalities + hospitals}  # SSU decides every matter by consensus (S3)
    act("draft_mandate", tmg, 14)
    act("approve_mandate", "fsu", 14)
    act("approve_mandate", "ssu", 21, positions=agreed)
    for i, party in enumerate(municipalities + hospitals):
        act("anchor", "fsu", 14 if i == 0 else 0, party=party)
    act("draft_pathway", tmg, 60, input_clinics=True, input_municipalities=True, user_involvement=True)
    act("propose_implementation", tmg, 30)
    act("recommend", "fsu", 21)
    act("approve_proposal", "ssu", 21, positions=agreed)
    act(
        "assess_consequences",
        "ssu",
        0,
        economic="Innenfor partenes rammer; ingen nye stillinger",
        organisational="Felles rutine for samhandling ved utskrivning",
        political_review=True,
        positions=agreed,
    )
    for i, party in enumerate(municipalities):
        act("political_review", "kommunestyrene", 30 if i == 0 else 2, party=party, outcome="adopted")
    act("implement", "ssu", 30)
    return case


@attrs.frozen
class DemoResult:
    """What the demonstration did: the driven case and the two checks of the hash chain."""

    case: Case
    repo: CaseRepository
    case_check: VerifyResult
    store_check: VerifyResult

    @property
    def ok(self) -> bool:
        return self.case_check.ok and self.store_check.ok


def run_demo(store: EventStore, *, start: dt.date | None = None) -> DemoResult:
    """Drive a new Sør-Rogaland case through the whole process on ``store`` and verify the chain.

    A library function: it prints nothing (``samhandling demo`` shows the result) and leaves ``store`` open.
    """
    from samhandling.app.repository import CaseRepository

    repo = CaseRepository(store)
    case = drive_sor_rogaland(repo, start=start)
    return DemoResult(case=case, repo=repo, case_check=store.verify(case.id), store_check=store.verify())
