"""The main demonstration (``make demo`` / ``samhandling demo``).

Creates a Sør-Rogaland case in the durable store, drives it through the whole
decision process (mandate, anchoring in all 15 municipalities and the hospital,
pathway, proposal, recommendation, consensus approval, consequence assessment,
political review in every municipality, implementation), prints the timeline,
verifies the chain of hashes and says where the store is. Every run creates a
new case, so it can be run again and again on the same store.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from samhandling.case import Case
    from samhandling.store import CaseRepository

STRUCTURE = "sor-rogaland"
PROCESS = "tjenestemodell"
TMG = "tmg-skropelige-eldre"


def drive_sor_rogaland(
    repo: CaseRepository, *, title: str = "Nytt forløp for skrøpelige eldre", start: dt.date | None = None,
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

    act("draft_mandate", tmg, 14)
    act("approve_mandate", "fsu", 14)
    act("approve_mandate", "ssu", 21)
    for i, party in enumerate(municipalities + hospitals):
        act("anchor", "fsu", 14 if i == 0 else 0, party=party)
    act("draft_pathway", tmg, 60, input_clinics=True, input_municipalities=True, user_involvement=True)
    act("propose_implementation", tmg, 30)
    act("recommend", "fsu", 21)
    act("approve_proposal", "ssu", 21, positions={p: "for" for p in municipalities + hospitals})
    act("assess_consequences", "ssu", 0, economic="Innenfor partenes rammer; ingen nye stillinger",
        organisational="Felles rutine for samhandling ved utskrivning", political_review=True)
    for i, party in enumerate(municipalities):
        act("political_review", "kommunestyrene", 30 if i == 0 else 2, party=party, outcome="adopted")
    act("implement", "ssu", 30)
    return case


def run_demo(db: str | None = None) -> int:
    """Run the demonstration on the store at ``db`` (default: ``$SAMHANDLING_DB`` or ``samhandling.db``)."""
    from samhandling.cli.case_cmds import print_timeline, store_location
    from samhandling.cli.output import heading
    from samhandling.store import CaseRepository, open_store

    store = open_store(db)
    try:
        repo = CaseRepository(store)
        case = drive_sor_rogaland(repo)
        h = repo.header(case.id)
        print(f"Sak {case.id}: «{case.title}»")
        print(f"{case.definition.title}; prosess {case.process} v{case.version}, struktur {h.structure}")
        heading("Tidslinje")
        print_timeline(repo, case.id)
        print(f"\nSluttilstand: {case.state_label}{' (avsluttet)' if case.is_final else ''}; "
              f"{len(case.history)} hendelser lagret")
        heading("Kontroll av hashkjeden")
        one = store.verify(case.id)
        everything = store.verify()
        for result, what in ((one, f"sak {case.id}"), (everything, "hele lageret")):
            if result.ok:
                print(f"OK: {what}: {result.events} hendelser i {result.cases} sak(er), kjeden stemmer")
            else:
                print(f"FEIL: {what}: " + "; ".join(f.message for f in result.failures))
        print(f"\nLager: {store_location(store.url)}")
        print(f"Se igjen med: samhandling case history {case.id}" + (f" --db {db}" if db else ""))
        return 0 if one.ok and everything.ok else 1
    finally:
        store.close()
