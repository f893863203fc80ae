"""Helpers shared by the engine tests (no tests here).

They drive a case along the main path of a bundled process, build variants of the bundled
Sør-Rogaland structure in a temporary directory, and check that a refused act leaves the case
exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

import samhandling
from samhandling import ActRefusedError, Case, Event, PartyKind, Structure
from samhandling.process.loader import get_process

DATA = Path(samhandling.__file__).parent / "data"
STRUCTURES = DATA / "structures"
PROCESSES = DATA / "processes"

D = dt.date
TMG = "tmg-skropelige-eldre"
OTHER_TMG = "tmg-kroniske"

#: The main path of «tjenestemodell»: state → (act, bodies that available_acts() must offer).
SOR_PATH: list[tuple[str, str, tuple[str, ...]]] = [
    ("ny", "draft_mandate", ("tmg-barn-unge", "tmg-psykisk-rus", "tmg-skropelige-eldre", "tmg-kroniske")),
    ("mandat_utarbeidet", "approve_mandate", ("fsu",)),
    ("mandat_utarbeidet", "approve_mandate", ("ssu",)),
    ("mandat_godkjent", "anchor", ("fsu",)),
    ("forankret", "draft_pathway", (TMG,)),
    ("forlop_utarbeidet", "propose_implementation", (TMG,)),
    ("forslag_sendt", "recommend", ("fsu",)),
    ("anbefalt", "approve_proposal", ("ssu",)),
    ("godkjent", "assess_consequences", ("ssu",)),
    ("politisk_behandling", "political_review", ("kommunestyrene",)),
    ("klar_for_implementering", "implement", ("ssu",)),
]


# ---------------------------------------------------------------------------- structures


def sor_text() -> str:
    return (STRUCTURES / "sor-rogaland.yaml").read_text(encoding="utf-8")


def load_variant(tmp_path: Path, text: str, name: str = "variant") -> Structure:
    """Write a structure text to ``tmp_path`` and load it."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return samhandling.load(path)


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"expected exactly one {old!r} in the bundled file"
    return text.replace(old, new)


def with_setting(text: str, key: str, value: str) -> str:
    """Set (or add) a structure setting in a structure's YAML text."""
    pattern = re.compile(rf"^  {re.escape(key)}:\n    value: .*$", re.MULTILINE)
    if pattern.search(text):
        return pattern.sub(f"  {key}:\n    value: {value}", text, count=1)
    return replace_once(text, "\nsettings:\n", f"\nsettings:\n  {key}:\n    value: {value}\n")


def with_processes(text: str, entries: str) -> str:
    """Replace the structure's ``processes:`` section (the last section of sor-rogaland.yaml)."""
    return replace_once(text, "processes:\n  - tjenestemodell", f"processes:\n{entries}")


def parties_of(structure: Structure, *kinds: PartyKind) -> list[str]:
    return [p.id for p in structure.parties if p.kind in kinds]


def anchor_parties(structure: Structure) -> list[str]:
    return parties_of(structure, PartyKind.MUNICIPALITY, PartyKind.HEALTH_TRUST)


def municipalities(structure: Structure) -> list[str]:
    return parties_of(structure, PartyKind.MUNICIPALITY)


def all_for(structure: Structure) -> dict[str, str]:
    return dict.fromkeys(anchor_parties(structure), "for")


# ---------------------------------------------------------------------------- driving a case


def next_day(case: Case, days: int = 1) -> dt.date:
    return case.history[-1].on + dt.timedelta(days=days)


def _pending(case: Case, act: str) -> tuple[str, ...]:
    for available in case.available_acts():
        if available.act == act:
            return available.bodies
    raise AssertionError(f"{act} is not available in {case.state}: {case.available_acts()}")


def counted_positions(case: Case, act: str, body: str) -> dict[str, Any]:
    """``{"positions": all_for(...)}`` when ``act`` by ``body`` is judged by a decision rule (every decision of a
    consensus body, issue 12 item 9), else nothing."""
    definition = case.definition
    rule = definition._rule_for(definition.act_def(act), definition.structure.body(body))
    if rule is None:
        return {}
    if definition._consensus_among_sides():
        return {"positions": {"kommunene": "for", "helseforetaket": "for"}}
    return {"positions": all_for(definition.structure)}


def advance(case: Case, *, political_review: bool = False, tmg: str = TMG) -> Event:
    """Perform the next act of the main path of «tjenestemodell» (valid, the way a user would)."""
    structure = case.definition.structure
    on = next_day(case)
    state = case.state
    if state == "ny":
        return case.act("draft_mandate", by=tmg, on=on)
    if state == "mandat_utarbeidet":
        body = _pending(case, "approve_mandate")[0]
        return case.act("approve_mandate", by=body, on=on, **counted_positions(case, "approve_mandate", body))
    if state == "mandat_godkjent":
        done = set(case.progress.get("anchor", []))
        party = next(p for p in anchor_parties(structure) if p not in done)
        return case.act("anchor", by="FSU", on=on, party=party)
    if state == "forankret":
        return case.act(
            "draft_pathway",
            by=_pending(case, "draft_pathway")[0],
            on=on,
            input_clinics="innspill fra klinikkene",
            input_municipalities="innspill fra kommunene",
            user_involvement="brukerpanel",
        )
    if state == "forlop_utarbeidet":
        return case.act("propose_implementation", by=_pending(case, "propose_implementation")[0], on=on)
    if state == "forslag_sendt":
        return case.act("recommend", by="FSU", on=on)
    if state in ("anbefalt", "eskalert"):
        return case.act(
            "approve_proposal", by=_pending(case, "approve_proposal")[0], on=on, positions=all_for(structure)
        )
    if state == "godkjent":
        return case.act(
            "assess_consequences",
            by="SSU",
            on=on,
            economic="kostnadsnøytralt",
            organisational="ny koordinatorrolle",
            political_review=political_review,
            **counted_positions(case, "assess_consequences", "SSU"),
        )
    if state == "politisk_behandling":
        done = {e.split(":", 1)[0] for e in case.progress.get("political_review", [])}
        party = next(p for p in municipalities(structure) if p not in done)
        return case.act("political_review", by="kommunestyrene", on=on, party=party, outcome="vedtatt")
    if state == "klar_for_implementering":
        return case.act("implement", by="SSU", on=on)
    raise AssertionError(f"no main-path act from {state}")


def drive_to(case: Case, state: str, *, political_review: bool = False, limit: int = 80) -> Case:
    """Advance along the main path until the case is in ``state``."""
    for _ in range(limit):
        if case.state == state:
            return case
        advance(case, political_review=political_review)
    raise AssertionError(f"never reached {state}; stuck in {case.state}")


def new_sor_case(structure: Structure | None = None, title: str = "Forløp for skrøpelige eldre") -> Case:
    structure = structure or samhandling.load("sor-rogaland")
    return get_process(structure).new_case(title, on=D(2024, 1, 10))


# ---------------------------------------------------------------------------- refusals


def assert_refused(
    case: Case, act: str, error: type[ActRefusedError], code: str, *, by: str, **kwargs: Any
) -> ActRefusedError:
    """The act is refused with ``error``/``code``, nothing changes, and why_not gives the same reason."""
    before = case.snapshot()
    length = len(case.history)
    with pytest.raises(ActRefusedError) as info:
        case.act(act, by=by, **kwargs)
    err = info.value
    assert type(err) is error, f"{type(err).__name__} ({err.code}): {err.message}"
    assert err.code == code, err.message
    assert case.snapshot() == before
    assert len(case.history) == length
    reasons = case.why_not(act, by=by, **kwargs)  # never raises
    assert reasons, "why_not must explain the refusal"
    assert reasons[0] == err.message
    assert case.snapshot() == before
    return err
