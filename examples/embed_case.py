"""Embed the decision process in a case-handling application, using only the public API.

Opens a case in Helsefellesskapet Sør-Rogaland, moves it a few steps, shows who acts next,
explains why an act is refused, and prints the history.

Usage: python examples/embed_case.py
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import samhandling
from samhandling.process.loader import get_process


def who_acts_next(case: samhandling.Case) -> None:
    structure = case.definition.structure
    print(f"Tilstand: {case.state_label}")
    for available in case.available_acts():
        bodies = ", ".join(structure.body(b).label for b in available.bodies)
        print(f"  neste: {available.label} ({available.act}) – {bodies}")


def try_act(case: samhandling.Case, act: str, *, by: str, on: dt.date, **payload: Any) -> bool:
    """Perform an act the way a user interface would: explain first, then catch the refusal."""
    reasons = case.why_not(act, by=by, on=on, **payload)
    if reasons:
        print(f"Hvorfor ikke «{act}» av {by}? {reasons[0]}")
    try:
        event = case.act(act, by=by, on=on, **payload)
    except samhandling.ActRefusedError as err:
        print(f"Avvist [{err.code}]: {err.message}")
        return False
    print(f"Utført: {event.act} av {event.body} den {event.on.isoformat()} → {case.state_label}")
    return True


def main() -> int:
    structure = samhandling.load("sor-rogaland")
    definition = get_process(structure)
    print(f"{structure.name}: {definition.title}")

    case = definition.new_case("Forløp for skrøpelige eldre", case_id="SR-2024-001", on=dt.date(2024, 1, 10))
    who_acts_next(case)

    try_act(case, "draft_mandate", by="TMG skrøpelige eldre", on=dt.date(2024, 1, 15))
    # SSU before FSU: the mandate is approved in order (FSU first); SSU decides every matter by consensus (S3-R7).
    parties = [
        p
        for p in structure.parties
        if p.kind in (samhandling.PartyKind.MUNICIPALITY, samhandling.PartyKind.HEALTH_TRUST)
    ]
    positions = {party.id: "for" for party in parties}
    try_act(case, "approve_mandate", by="SSU", on=dt.date(2024, 2, 1))
    try_act(case, "approve_mandate", by="FSU", on=dt.date(2024, 2, 1))
    try_act(case, "approve_mandate", by="SSU", on=dt.date(2024, 2, 15), positions=positions)
    who_acts_next(case)

    # The work may not start before every party has anchored it (S3-R8).
    try_act(
        case,
        "draft_pathway",
        by="TMG skrøpelige eldre",
        on=dt.date(2024, 2, 20),
        input_clinics="innspill",
        input_municipalities="innspill",
        user_involvement="brukerpanel",
    )
    # Withdrawing needs a reason.
    try_act(case, "withdraw", by="FSU", on=dt.date(2024, 2, 20))

    # FSU anchors the work in every municipality and in the health trust, one party at a time.
    for party in parties:
        case.act("anchor", by="FSU", on=dt.date(2024, 3, 1), party=party.name)
    print(f"Forankret hos {len(parties)} parter → {case.state_label}")
    try_act(
        case,
        "draft_pathway",
        by="TMG skrøpelige eldre",
        on=dt.date(2024, 4, 1),
        input_clinics="innspill fra klinikkene",
        input_municipalities="innspill fra kommunene",
        user_involvement="brukerpanel",
    )
    try_act(case, "propose_implementation", by="TMG skrøpelige eldre", on=dt.date(2024, 4, 15))
    try_act(case, "recommend", by="FSU", on=dt.date(2024, 5, 2))
    who_acts_next(case)

    # FSU is advisory (S3-R14) and SSU decides only by consensus (S3-R7).
    try_act(case, "approve_proposal", by="FSU", on=dt.date(2024, 5, 30), positions=positions)
    try_act(case, "approve_proposal", by="SSU", on=dt.date(2024, 5, 30), positions={**positions, "sola": "mot"})
    try_act(case, "approve_proposal", by="SSU", on=dt.date(2024, 6, 13), positions=positions)
    who_acts_next(case)

    print("Historikk:")
    for event in case.history:
        if event.act == "anchor" and event.payload.get("party") != "helse-stavanger":
            continue  # one anchoring line is enough here
        actor = structure.body(event.body).label if event.body else "-"
        print(f"  {event.seq}. {event.on.isoformat()} {event.act} ({actor}) → {definition.state_label(event.to_state)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
