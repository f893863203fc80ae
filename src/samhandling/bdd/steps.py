"""The Norwegian steps samhandling ships for executable process documents.

Every function takes the scenario's :class:`~samhandling.bdd.world.World` as
``samhandling_world`` (a fixture provided by :mod:`samhandling.bdd.plugin`),
the phrase's arguments as strings, and optionally the step's ``datatable``. A step
whose expectation does not hold raises :class:`~samhandling.bdd.world.StepAssertion`
with a complete Norwegian message. No pytest import here: the catalogue is usable
without pytest installed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from samhandling.bdd.catalogue import phrase
from samhandling.bdd.text import TYPES, register_type, split_list
from samhandling.bdd.world import Attempt, StepAssertion, World
from samhandling.errors import ActRefusedError, NotFoundError, UsageError
from samhandling.formats.names import name_key
from samhandling.structure.model import (
    BODY_KIND_LABEL,
    RELATION_LABEL,
    SIDE_LABEL,
    Body,
    DecisionPower,
    DecisionRule,
    PartyKind,
    RelationKind,
    Side,
)

Table = list[list[str]] | None

# ---------------------------------------------------------------------------- placeholder types

_DATE = (
    r"\d{4}-\d{2}-\d{2}|\d{1,2}\.\s*\d{1,2}\.\s*\d{2,4}|\d{1,2}\.\s*(?:januar|februar|mars|april|mai|juni|juli|"
    r"august|september|oktober|november|desember)\s+\d{4}"
)
register_type("relasjon", list(RELATION_LABEL.values()))
register_type("myndighet", ["besluttende", "beslutter", "rådgivende", "uten beslutningsmyndighet", "uten myndighet"])
register_type("hvem", ["kommune", "part", "helseforetak"])
register_type("utenleder", ["når lederen ikke regnes med", "uten lederen"])
register_type("med", ["med"])
register_type("fortsatt", ["fortsatt", "fremdeles", "framleis", "ennå", "nå", "no"])
register_type("tidsenhet", ["virkedager", "virkedag", "arbeidsdager", "arbeidsdag", "dager", "dag", "uker", "uke"])
TYPES["dato"] = _DATE

# ---------------------------------------------------------------------------- helpers


def _fail(message: str) -> StepAssertion:
    return StepAssertion(message)


def parse_date(text: str) -> dt.date:
    from samhandling.structure.loader import parse_norwegian_date

    day = parse_norwegian_date(text)
    if day is None:
        raise UsageError(f"«{text}» er ikke en dato; bruk ÅÅÅÅ-MM-DD, 30.08.24 eller 30. mars 2012", code="bad-date")
    return day


def _on(world: World, dato: str | None) -> dt.date | None:
    return parse_date(dato) if dato else world.today


VALUE_WORDS: dict[str, Any] = {
    "ja": True,
    "sann": True,
    "true": True,
    "nei": False,
    "usann": False,
    "false": False,
    "vedtatt": "adopted",
    "vedtar": "adopted",
    "vedtak": "adopted",
    "avvist": "rejected",
    "avviser": "rejected",
    "forkastet": "rejected",
    "for": "for",
    "mot": "against",
    "avstår": "abstain",
    "avstar": "abstain",
    "blank": "abstain",
}

KEY_WORDS: dict[str, str] = {
    "part": "party",
    "parten": "party",
    "kommune": "party",
    "utfall": "outcome",
    "utfallet": "outcome",
    "til": "to",
    "tilbake til": "to",
    "begrunnelse": "reason",
    "grunn": "reason",
    "økonomi": "economic",
    "økonomiske konsekvenser": "economic",
    "organisasjon": "organisational",
    "organisatoriske konsekvenser": "organisational",
    "politisk behandling": "political_review",
    "innspill fra klinikkene": "input_clinics",
    "innspill fra kommunene": "input_municipalities",
    "brukermedvirkning": "user_involvement",
    "standpunkter": "positions",
    "tmg": "tmg",
    "samhandling med 2 linjetjenesten": "specialist_cooperation",
    "kvalifisert arbeidskraft": "workforce",
}

_TABLE_KEY_HEADERS = {"felt", "nøkkel", "key", "opplysning"}
_ALL_OTHERS = {"alle andre", "øvrige", "de øvrige", "resten", "alle"}


def convert_value(text: str) -> Any:
    """A table cell as a payload value: ja/nei, numbers, vedtatt/avvist, for/mot/avstår."""
    key = name_key(text)
    if key in VALUE_WORDS:
        return VALUE_WORDS[key]
    if text.strip().lstrip("-").isdigit():
        return int(text)
    return text.strip()


def convert_key(text: str) -> str:
    key = name_key(text)
    return KEY_WORDS.get(key, text.strip().replace(" ", "_"))


def _party_id(world: World, name: str) -> str:
    return world.structure.party(name).id


def _body(world: World, name: str) -> Body:
    return world.structure.body(name)


def _names(name: str, label: str | None) -> set[str]:
    """The keys an act or state answers to: its name, its label, its label without a parenthesis."""
    label = label or ""
    return {name_key(name), name_key(label), name_key(re.sub(r"\s*\(.*\)\s*$", "", label))}


def _act_name(world: World, text: str) -> str:
    d = world.process
    wanted = name_key(text)
    for act in d.acts:
        if act.name == text or wanted in _names(act.name, act.label):
            return str(act.name)
    known = ", ".join(f"{a.name} («{a.label}»)" for a in d.acts)
    raise NotFoundError(f"prosessen {d.name} har ingen handling «{text}»; kjente: {known}", code="unknown-act")


def _state_name(world: World, text: str) -> str:
    d = world.process
    wanted = name_key(text)
    for state in d.states:
        if state.name == text or wanted in _names(state.name, state.label):
            return str(state.name)
    known = ", ".join(f"{s.name} («{s.label}»)" for s in d.states)
    raise NotFoundError(f"prosessen {d.name} har ingen tilstand «{text}»; kjente: {known}", code="unknown-state")


def _cells(table: Table) -> tuple[list[str], list[list[str]]]:
    if not table:
        return [], []
    header = [c.strip() for c in table[0]]
    return header, [[c.strip() for c in row] for row in table[1:]]


def _party_group(world: World, which: str, on: dt.date | None) -> list[str]:
    """The parties «hver kommune» / «hver part» / «hvert helseforetak» refers to."""
    kinds = {
        "kommune": {PartyKind.MUNICIPALITY},
        "helseforetak": {PartyKind.HEALTH_TRUST},
        "part": {PartyKind.MUNICIPALITY, PartyKind.HEALTH_TRUST},
    }[name_key(which)]
    return [p.id for p in world.structure.parties if p.kind in kinds and p.period.contains(on)]


def positions_from_table(world: World, table: Table, on: dt.date | None) -> dict[str, Any]:
    """``| part | standpunkt |`` rows; a row «alle andre» fills every other party."""
    header, rows = _cells(table)
    keys = [name_key(h) for h in header]
    try:
        pi = next(i for i, k in enumerate(keys) if k in {"part", "parten", "kommune", "organ"})
        si = next(i for i, k in enumerate(keys) if k.startswith("standpunkt") or k in {"stemme", "stemmer"})
    except StopIteration:
        raise UsageError(
            "en tabell med standpunkter trenger kolonnene «part» og «standpunkt», fant: " + " | ".join(header),
            code="bad-table",
        ) from None
    positions: dict[str, Any] = {}
    rest: Any = None
    sides = _consensus_among_sides(world)
    for row in rows:
        if name_key(row[pi]) in _ALL_OTHERS:
            rest = row[si]  # position words go to the engine as said: it judges the vocabulary
            continue
        if sides and name_key(row[pi]) in _CONSENSUS_SIDES:
            positions[_CONSENSUS_SIDES[name_key(row[pi])]] = row[si]
            continue
        positions[_party_id(world, row[pi])] = row[si]
    if rest is not None:
        for pid in ("municipal", "hospital") if sides else _party_group(world, "part", on):
            positions.setdefault(pid, rest)
    return positions


#: Side words a position row may name when the structure's consensus is between the two sides
#: (``consensus_among: sides``); passed to the engine as its canonical side names.
_CONSENSUS_SIDES = {
    "kommunene": "municipal",
    "kommunesiden": "municipal",
    "helseforetaket": "hospital",
    "helseforetakssiden": "hospital",
    "sykehuset": "hospital",
}


def _consensus_among_sides(world: World) -> bool:
    setting = world.structure.settings.get("consensus_among")
    return setting is not None and setting.value == "sides"


def payload_from_table(world: World, table: Table, on: dt.date | None) -> dict[str, Any]:
    """A step's table as payload: ``felt | verdi`` rows, one row under named columns, or positions."""
    if not table:
        return {}
    header, rows = _cells(table)
    keys = [name_key(h) for h in header]
    if any(k.startswith("standpunkt") for k in keys):
        return {"positions": positions_from_table(world, table, on)}
    if len(header) == 2 and keys[0] in _TABLE_KEY_HEADERS:
        return {convert_key(r[0]): convert_value(r[1]) for r in rows}
    if len(rows) == 1:
        return {convert_key(h): convert_value(v) for h, v in zip(header, rows[0], strict=True)}
    raise UsageError(
        "tabellen må ha kolonnene «felt | verdi», kolonnene «part | standpunkt», eller én rad under navngitte kolonner",
        code="bad-table",
    )


def _normalise_payload(world: World, payload: dict[str, Any]) -> tuple[dict[str, Any], str | None, dt.date | None]:
    person = payload.pop("person", None)
    on = payload.pop("dato", None)
    day = parse_date(str(on)) if on else None
    if isinstance(payload.get("party"), str):
        payload["party"] = _party_id(world, payload["party"])
    if isinstance(payload.get("to"), str):
        payload["to"] = _state_name(world, payload["to"])
    return payload, (str(person) if person else None), day


def _is_party(world: World, text: str) -> bool:
    try:
        world.structure.party(text)
    except NotFoundError:
        return False
    return True


def _is_date(text: str) -> bool:
    from samhandling.structure.loader import parse_norwegian_date

    return parse_norwegian_date(text) is not None


def _field_key(world: World, act_name: str, said: str) -> str:
    """The payload key a «FELT: VERDI» detail names: a known Norwegian word, the act's own field (name or label),
    its gateway question, or the engine's key itself."""
    from samhandling.bdd.details import TEXT_KEYS, DetailsError, closest

    key = name_key(said)
    if key in KEY_WORDS:
        return KEY_WORDS[key]
    if key in TEXT_KEYS:
        return TEXT_KEYS[key]
    act = next((a for a in world.process.acts if a.name == act_name), None)
    known: dict[str, str] = {}
    if act is not None:
        for name, label in act.requires.items():
            known[name_key(name)] = name
            known[name_key(label)] = name
        if act.gateway is not None:
            known[name_key(act.gateway[0])] = act.gateway[0]
            known[name_key(act.gateway[1])] = act.gateway[0]
    if key in known:
        return known[key]
    if re.fullmatch(r"[a-z][a-z0-9_]*", said.strip()):
        return said.strip()  # the engine's own key (the engine refuses the keys it reserves)
    words = sorted({*KEY_WORDS, *known})
    near = closest(key, words, 3)
    hint = f"; mente du {' eller '.join(f'«{w}»' for w in near)}?" if near else ""
    raise DetailsError(
        f"ukjent felt «{said}» for handlingen «{act_name}»{hint} Kjente felt: {', '.join(words)}",
        code="unknown-field",
    )


def act_payload(
    world: World, act_name: str, detaljer: str | None, datatable: Table, on: dt.date | None
) -> tuple[dict[str, Any], dt.date | None]:
    """The payload and date of an act step: its table and every word of its «med …» details."""
    from samhandling.bdd.details import DetailsError, parse_details

    s = world.structure
    details = parse_details(
        detaljer, is_party=lambda t: _is_party(world, t), names=[p.name for p in s.parties], is_date=_is_date
    )
    day = parse_date(details.on) if details.on else on
    payload = payload_from_table(world, datatable, day)
    if details.table_positions and "positions" not in payload:
        raise DetailsError(
            "«med standpunktene» trenger en tabell med kolonnene «part | standpunkt» under steget", code="bad-table"
        )
    if details.positions or details.others is not None:
        if "positions" in payload:
            raise DetailsError("standpunktene står både i teksten og i tabellen; bruk det ene", code="bad-table")
        positions: dict[str, Any] = {}
        named: set[str] = set()
        for party, word in details.positions:
            if party in positions:
                raise DetailsError(f"parten «{party}» er nevnt to ganger i standpunktene", code="duplicate-party")
            positions[party] = word  # as said: the engine resolves the name and judges the word
            named.add(_party_id(world, party))
        if details.others is not None:
            rest = [pid for pid in _party_group(world, "part", day) if pid not in named]
            if not rest:
                raise DetailsError("«alle andre» gjelder ingen: alle partene er allerede nevnt", code="bad-table")
            for pid in rest:
                positions[pid] = details.others
        payload["positions"] = positions
    if details.party is not None:
        if "party" in payload:
            raise DetailsError("parten står både i teksten og i tabellen; bruk det ene", code="bad-table")
        payload["party"] = details.party
    for said, value, quoted in details.fields:
        key = _field_key(world, act_name, said)
        if key in payload:
            raise DetailsError(f"opplysningen «{said}» står to ganger (i teksten og/eller tabellen)", code="bad-table")
        if key == "meeting":
            payload[key] = parse_date(value).isoformat()
        else:
            payload[key] = value if quoted else convert_value(value)
    return payload, day


def perform(
    world: World,
    organ: str,
    handling: str,
    *,
    payload: dict[str, Any],
    on: dt.date | None,
    attempt: bool,
    detaljer: str | None = None,
    datatable: Table = None,
    line: int | None = None,
    med: str | None = None,
) -> None:
    """Perform an act; with ``attempt`` a refusal is recorded instead of failing the step.

    ``payload`` is added to what the step's table and «med …» details say (:func:`act_payload`)."""
    case = world.case
    act = _act_name(world, handling)
    if med and not detaljer and datatable is None:
        from samhandling.bdd.details import DetailsError

        raise DetailsError(
            "«med» står uten detaljer etter seg og uten tabell under steget; skriv detaljene "
            "(f.eks. «med Sola mot og alle andre for») eller legg tabellen under steget",
            code="unread-words",
        )
    extra, on = act_payload(world, act, detaljer, datatable, on)
    for key in payload:
        if key in extra:
            raise UsageError(f"opplysningen «{key}» står både i steget og i tabellen/detaljene", code="bad-table")
    payload, person, day = _normalise_payload(world, {**extra, **payload})
    before = Attempt(
        act=act,
        body=organ,
        history_before=len(case.history),
        state_before=case.state,
        checked=not attempt,
        line=world.step_line,
    )
    try:
        case.act(act, by=organ, on=day or on, person=person, **payload)
    except ActRefusedError as exc:
        if not attempt:
            raise
        before.error = exc
        try:
            found = case.definition.refusals(case, act, by=organ, on=day or on, person=person, payload=dict(payload))
            before.codes = [str(r.code) for r in found] or [str(exc.code)]
        except Exception:  # the refusal itself is what the scenario is about; the full list is a bonus
            before.codes = [str(exc.code)]
        world.record_attempt(before)
        return
    world.record_attempt(before)


# ---------------------------------------------------------------------------- structure


@phrase(
    'strukturen "{struktur}"',
    example='Gitt strukturen "sor-rogaland"',
    group="Struktur",
    help="Velger strukturen scenariet gjelder: et innebygd navn (`samhandling list`), strukturens navn, eller "
    "en sti til en YAML-fil relativ til feature-filen.",
)
def given_structure(samhandling_world: World, struktur: str) -> None:
    samhandling_world.use_structure(struktur)


@phrase(
    "strukturen er gyldig",
    example="Så strukturen er gyldig",
    group="Struktur",
    help="Strukturen bryter ingen av sine egne regler (ingen funn med alvorlighet «feil»).",
)
def structure_valid(samhandling_world: World) -> None:
    findings = [f for f in samhandling_world.structure.validate() if f.severity.value == "error"]
    if findings:
        raise _fail("strukturen har feil:\n" + "\n".join(f"  {f.format()}" for f in findings))


@phrase(
    'strukturen har {antall:d} organer av typen "{type}"',
    example='Så strukturen har 5 organer av typen "fagråd"',
    group="Struktur",
    help="Teller organer av en type (norsk typenavn som «fagråd», «nettverk», «tjenestemodellgruppe»).",
)
def structure_kind_count(samhandling_world: World, antall: str, type: str) -> None:
    wanted = name_key(type)
    kinds = [k for k, label in BODY_KIND_LABEL.items() if wanted in {name_key(label), name_key(k.value)}]
    if not kinds:
        raise UsageError(f"ukjent organtype «{type}»; kjente: {', '.join(BODY_KIND_LABEL.values())}")
    found = samhandling_world.structure.bodies_of_kind(kinds[0])
    if len(found) != int(antall):
        raise _fail(
            f"forventet {antall} organer av typen «{type}», fant {len(found)}: "
            + (", ".join(b.label for b in found) or "ingen")
        )


@phrase(
    'prosessen "{prosess}"',
    example='Gitt prosessen "tjenestemodell"',
    group="Struktur",
    help="Velger en av strukturens prosesser (uten dette steget brukes strukturens standardprosess).",
)
def given_process(samhandling_world: World, prosess: str) -> None:
    samhandling_world.use_process(prosess)


@phrase(
    "dagens dato er {dato:dato}",
    example="Gitt dagens dato er 2024-03-01",
    group="Struktur",
    help="Datoen som brukes for handlinger og medlemskap når et steg ikke oppgir en egen dato. Bibliotekets "
    "klokke (motorens «i dag») stilles ikke, så handlinger senere enn datoen går an; «at datoen er …» stiller "
    "også klokken.",
)
def given_today(samhandling_world: World, dato: str) -> None:
    samhandling_world.set_today(parse_date(dato), clock=False)


# ---------------------------------------------------------------------------- composition

_POWER_WORDS = {
    "besluttende": DecisionPower.DECIDES,
    "beslutter": DecisionPower.DECIDES,
    "rådgivende": DecisionPower.ADVISES,
    "uten beslutningsmyndighet": DecisionPower.NONE,
    "uten myndighet": DecisionPower.NONE,
}
_POWER_LABEL = {
    DecisionPower.DECIDES: "besluttende",
    DecisionPower.ADVISES: "rådgivende",
    DecisionPower.NONE: "uten beslutningsmyndighet",
}


@phrase(
    'organet "{organ}" er {myndighet:myndighet}',
    example='Så organet "FSU" er rådgivende',
    group="Sammensetning",
    help="Organets myndighet: «besluttende», «rådgivende» eller «uten beslutningsmyndighet».",
)
def body_power(samhandling_world: World, organ: str, myndighet: str) -> None:
    body = _body(samhandling_world, organ)
    wanted = _POWER_WORDS[name_key(myndighet)]
    if body.power is not wanted:
        raise _fail(f"{body.label} er {_POWER_LABEL[body.power]}, ikke {myndighet}")


@phrase(
    'organet "{organ}" beslutter ved "{regel}"',
    example='Så organet "SSU" beslutter ved "konsensus"',
    group="Sammensetning",
    help="Organets beslutningsregel: «konsensus», «flertall» eller «leder».",
)
def body_rule(samhandling_world: World, organ: str, regel: str) -> None:
    words = {
        "konsensus": DecisionRule.CONSENSUS,
        "flertall": DecisionRule.MAJORITY,
        "leder": DecisionRule.LEADER,
        "lederen": DecisionRule.LEADER,
    }
    body = _body(samhandling_world, organ)
    wanted = words.get(name_key(regel))
    if wanted is None:
        raise UsageError(f"ukjent beslutningsregel «{regel}»; bruk konsensus, flertall eller leder")
    if body.decision_rule is not wanted:
        raise _fail(f"{body.label} beslutter ved «{body.decision_rule.value}», ikke «{regel}»")


_SIDE_WORDS: dict[str, Side] = {name_key(label): side for side, label in SIDE_LABEL.items()}
_SIDE_WORDS.update(
    {
        "kommunene": Side.MUNICIPAL,
        "kommunesiden": Side.MUNICIPAL,
        "kommuner": Side.MUNICIPAL,
        "helseforetaket": Side.HOSPITAL,
        "helseforetakssiden": Side.HOSPITAL,
        "sykehuset": Side.HOSPITAL,
        "fastleger": Side.GP,
        "fastlegene": Side.GP,
        "brukere": Side.USER,
        "brukerrepresentanter": Side.USER,
        "praksiskonsulenter": Side.PRACTICE_CONSULTANT,
        "ansatte": Side.EMPLOYEE,
    }
)


def _count_from(world: World, body: Body, who: str, on: dt.date | None) -> int:
    s = world.structure
    side = _SIDE_WORDS.get(name_key(who))
    if side is not None:
        return s.seat_count(body, side, on)
    party = s.party(who)
    return sum(m.count for m in s.member_seats(body, on) if m.party == party.id)


@phrase(
    'organet "{organ}" har {antall:d} representanter fra "{hvem}"',
    example='Så organet "FSU" har 2 representanter fra "brukerrepresentanter"',
    group="Sammensetning",
    help="Antall medlemsplasser en side («kommunesiden», «helseforetakssiden», «fastleger», «brukere», "
    "«praksiskonsulent») eller en navngitt part har i organet (på dagens dato når den er satt); observatører og "
    "vara regnes ikke med.",
)
def body_seats(samhandling_world: World, organ: str, antall: str, hvem: str) -> None:
    body = _body(samhandling_world, organ)
    got = _count_from(samhandling_world, body, hvem, samhandling_world.today)
    if got != int(antall):
        raise _fail(f"{body.label} har {got} representanter fra «{hvem}», ikke {antall}")


@phrase(
    'organet "{organ}" har {antall:d} medlemmer',
    example='Så organet "FSU" har 16 medlemmer',
    group="Sammensetning",
    help="Summen av alle representanter med medlemsplass i organet (observatører og vara regnes ikke med).",
)
def body_member_total(samhandling_world: World, organ: str, antall: str) -> None:
    s = samhandling_world.structure
    body = _body(samhandling_world, organ)
    got = sum(m.count for m in s.members(body, samhandling_world.today) if m.votes)
    if got != int(antall):
        raise _fail(f"{body.label} har {got} medlemmer, ikke {antall}")


@phrase(
    'organet "{organ}" har like mange representanter fra kommunene og helseforetaket[ {uten_leder:utenleder}]',
    example='Så organet "FSU" har like mange representanter fra kommunene og helseforetaket',
    group="Sammensetning",
    help="Paritet mellom kommunesiden og helseforetakssiden (medlemsplasser; observatører og vara regnes ikke med); "
    "legg til «når lederen ikke regnes med» der lederen kommer i tillegg (tjenestemodellgruppene).",
)
def body_parity(samhandling_world: World, organ: str, uten_leder: str | None = None) -> None:
    s = samhandling_world.structure
    body = _body(samhandling_world, organ)
    counts = {Side.MUNICIPAL: 0, Side.HOSPITAL: 0}
    for m in s.member_seats(body, samhandling_world.today):
        if uten_leder and m.role and name_key(m.role) in {"leder", "leiar"}:
            continue
        side = s.party(m.party).side
        if side in counts:
            counts[side] += m.count
    if counts[Side.MUNICIPAL] != counts[Side.HOSPITAL]:
        raise _fail(
            f"{body.label} har {counts[Side.MUNICIPAL]} fra kommunesiden og {counts[Side.HOSPITAL]} "
            "fra helseforetakssiden"
        )


@phrase(
    'organet "{organ}" ledes av "{part}"',
    example='Så organet "TMG barn og unge" ledes av "Helse Stavanger"',
    group="Sammensetning",
    help="Lederplassen (medlemskap med rollen «leder») tilhører parten.",
)
def body_led_by(samhandling_world: World, organ: str, part: str) -> None:
    s = samhandling_world.structure
    body = _body(samhandling_world, organ)
    party = s.party(part)
    leaders = [m.party for m in s.members(body, samhandling_world.today) if m.role and name_key(m.role) == "leder"]
    if party.id not in leaders:
        names = ", ".join(s.party(p).name for p in leaders) or "ingen"
        raise _fail(f"{body.label} ledes av {names}, ikke {party.name}")


def _party_bodies(world: World, part: str) -> list[Body]:
    return world.structure.bodies_of_party(part, world.today)


@phrase(
    'parten "{part}" sitter i "{organ}"',
    example='Så parten "Enebakk" sitter i "Forvaltningsnettverk Folloregionen"',
    group="Sammensetning",
    help="Parten har minst én plass i organet.",
)
def party_in_body(samhandling_world: World, part: str, organ: str) -> None:
    body = _body(samhandling_world, organ)
    bodies = _party_bodies(samhandling_world, part)
    if body.id not in {b.id for b in bodies}:
        raise _fail(
            f"«{part}» sitter ikke i {body.label}; sitter i: " + (", ".join(b.label for b in bodies) or "ingen")
        )


@phrase(
    'parten "{part}" sitter ikke i "{organ}"',
    example='Så parten "Ås" sitter ikke i "Forvaltningsnettverk Kongsvingerregionen"',
    group="Sammensetning",
    help="Parten har ingen plass i organet.",
)
def party_not_in_body(samhandling_world: World, part: str, organ: str) -> None:
    body = _body(samhandling_world, organ)
    if body.id in {b.id for b in _party_bodies(samhandling_world, part)}:
        raise _fail(f"«{part}» sitter i {body.label}")


@phrase(
    'parten "{part}" sitter i {antall:d} organer',
    example='Så parten "Enebakk" sitter i 3 organer',
    group="Sammensetning",
    help="Hvor mange organer parten har plass i (`bodies_of_party`).",
)
def party_body_count(samhandling_world: World, part: str, antall: str) -> None:
    bodies = _party_bodies(samhandling_world, part)
    if len(bodies) != int(antall):
        raise _fail(f"«{part}» sitter i {len(bodies)} organer, ikke {antall}: " + ", ".join(b.label for b in bodies))


@phrase(
    'parten "{part}" sitter i disse organene',
    example='Så parten "Enebakk" sitter i disse organene:',
    table="| organ                                                     |\n"
    "| Forvaltningsnettverk Folloregionen                        |\n"
    "| Forvaltningsnettverk Nedre Romerike og Gardermoregionen   |",
    group="Sammensetning",
    help="Nøyaktig de organene tabellen lister (kolonnen «organ»), i vilkårlig rekkefølge.",
)
def party_bodies_table(samhandling_world: World, part: str, datatable: Table = None) -> None:
    header, rows = _cells(datatable)
    if not rows:
        raise UsageError("steget trenger en tabell med kolonnen «organ»", code="bad-table")
    col = next((i for i, h in enumerate(header) if name_key(h) in {"organ", "organer", "navn"}), 0)
    wanted = {_body(samhandling_world, r[col]).id for r in rows}
    got = {b.id for b in _party_bodies(samhandling_world, part)}
    if wanted != got:
        s = samhandling_world.structure
        missing = ", ".join(s.body(b).label for b in sorted(wanted - got)) or "ingen"
        extra = ", ".join(s.body(b).label for b in sorted(got - wanted)) or "ingen"
        raise _fail(f"«{part}» sitter ikke i akkurat disse organene; mangler: {missing}; i tillegg: {extra}")


# ---------------------------------------------------------------------------- relations, escalation

_RELATION_WORDS = {name_key(label): kind for kind, label in RELATION_LABEL.items()}


@phrase(
    'organet "{organ}" {relasjon:relasjon} "{mål}"',
    example='Så organet "FSU" rapporterer til "SSU"',
    group="Relasjoner og eskalering",
    help="En relasjon i strukturen: " + ", ".join(f"«{v}»" for v in RELATION_LABEL.values()) + ".",
)
def body_relation(samhandling_world: World, organ: str, relasjon: str, mål: str) -> None:
    s = samhandling_world.structure
    kind: RelationKind = _RELATION_WORDS[name_key(relasjon)]
    target = _body(samhandling_world, mål)
    targets = s.targets(organ, kind)
    if target.id not in {b.id for b in targets}:
        got = ", ".join(b.label for b in targets) or "ingen"
        raise _fail(f"{s.body(organ).label} {relasjon} {got}, ikke {target.label}")


def _route(world: World, organ: str) -> Any:
    s = world.structure
    if hasattr(s, "escalation_path"):
        return s.escalation_path(organ)
    raise UsageError("denne versjonen av samhandling har ingen eskaleringsveier", code="no-paths")


@phrase(
    'eskaleringsveien fra "{organ}" er "{sti}"',
    example='Så eskaleringsveien fra "TMG barn og unge" er "TMG barn og unge → FSU → SSU"',
    group="Relasjoner og eskalering",
    help="Veien en sak går oppover (`escalation_path`); organene skilles med «→», «->» eller komma.",
)
def escalation_path(samhandling_world: World, organ: str, sti: str) -> None:
    s = samhandling_world.structure
    route = _route(samhandling_world, organ)
    wanted = [_body(samhandling_world, b).id for b in split_list(sti)]
    got = list(route.bodies)
    if wanted and wanted[0] != got[0]:
        wanted.insert(0, got[0])
    if wanted != got:
        raise _fail(f"eskaleringsveien fra {s.body(organ).label} er «{route.describe(s)}», ikke «{sti}»")


@phrase(
    '"{organ}" har ingen eskaleringsvei',
    example='Så "Partnerskapsmøte" har ingen eskaleringsvei',
    group="Relasjoner og eskalering",
    help="Organet har ingen relasjon oppover (verken «løfter saker til» eller «rapporterer til»).",
)
def no_escalation(samhandling_world: World, organ: str) -> None:
    route = _route(samhandling_world, organ)
    if route:
        raise _fail(f"{organ} har eskaleringsveien «{route.describe(samhandling_world.structure)}»")


@phrase(
    'saker fra "{organ}" avgjøres av "{mål}"',
    example='Så saker fra "FSU" avgjøres av "SSU"',
    group="Relasjoner og eskalering",
    help="Det første organet med beslutningsmyndighet på eskaleringsveien.",
)
def escalation_decider(samhandling_world: World, organ: str, mål: str) -> None:
    s = samhandling_world.structure
    route = _route(samhandling_world, organ)
    target = _body(samhandling_world, mål)
    if route.decider != target.id:
        got = s.body(route.decider).label if route.decider else "ingen"
        raise _fail(f"saker fra {s.body(organ).label} avgjøres av {got}, ikke {target.label}")


# ---------------------------------------------------------------------------- cases


@phrase(
    'en ny sak "{tittel}"[ opprettet {dato:dato}]',
    example='Gitt en ny sak "Nytt forløp for skrøpelige eldre" opprettet 2024-01-15',
    group="Saker",
    help="Starter en sak i den valgte prosessen (hendelse 1, «open»). En tabell gir sakens data.",
)
def given_case(samhandling_world: World, tittel: str, dato: str | None = None, datatable: Table = None) -> None:
    on = _on(samhandling_world, dato)
    data = payload_from_table(samhandling_world, datatable, on) if datatable else {}
    samhandling_world.start_case(tittel, on=on, **data)


@phrase(
    '"{organ}" utfører "{handling}"[ den {dato:dato}][ {med:med}[ {detaljer}]]',
    example='Når "TMG barn og unge" utfører "draft_mandate"',
    table="| felt       | verdi |\n| begrunnelse | ...   |",
    group="Saker",
    help="Organet utfører en handling (navn eller norsk betegnelse). Avvises handlingen, feiler steget med "
    "begrunnelsen. Etter «med» kan detaljene stå i teksten (se «Detaljer etter «med»» over: standpunkter, "
    "merknad, begrunnelse, dato, svar som «politisk behandling: ja»); hvert ord må forstås. En tabell gir "
    "opplysninger: «felt | verdi», én rad under navngitte kolonner, eller «part | standpunkt» (raden «alle "
    "andre» gjelder resten av partene).",
)
def act(
    samhandling_world: World,
    organ: str,
    handling: str,
    dato: str | None = None,
    detaljer: str | None = None,
    datatable: Table = None,
    med: str | None = None,
) -> None:
    on = _on(samhandling_world, dato)
    perform(
        samhandling_world,
        organ,
        handling,
        payload={},
        on=on,
        attempt=False,
        detaljer=detaljer,
        datatable=datatable,
        med=med,
    )


@phrase(
    '"{organ}" utfører "{handling}" for "{part}"[ den {dato:dato}][ {med:med}[ {detaljer}]]',
    example='Når "FSU" utfører "anchor" for "Sola"',
    group="Saker",
    help="Handlingen gjelder én part (opplysningen «party»), f.eks. forankring eller politisk behandling.",
)
def act_for_party(
    samhandling_world: World,
    organ: str,
    handling: str,
    part: str,
    dato: str | None = None,
    detaljer: str | None = None,
    datatable: Table = None,
    med: str | None = None,
) -> None:
    on = _on(samhandling_world, dato)
    perform(
        samhandling_world,
        organ,
        handling,
        payload={"party": part},
        on=on,
        attempt=False,
        detaljer=detaljer,
        datatable=datatable,
        med=med,
    )


@phrase(
    '"{organ}" utfører "{handling}" for hver {hvem:hvem}[ unntatt "{unntatt}"][ den {dato:dato}]'
    "[ {med:med}[ {detaljer}]]",
    example='Når "FSU" utfører "anchor" for hver part unntatt "Kvitsøy, Sola"',
    group="Saker",
    help="Gjentar handlingen for hver kommune, hvert helseforetak eller hver part (kommuner og helseforetak) "
    "i strukturen, eventuelt unntatt de oppgitte. En tabell gir de øvrige opplysningene (f.eks. utfall).",
)
def act_for_each(
    samhandling_world: World,
    organ: str,
    handling: str,
    hvem: str,
    unntatt: str | None = None,
    dato: str | None = None,
    detaljer: str | None = None,
    datatable: Table = None,
    med: str | None = None,
) -> None:
    on = _on(samhandling_world, dato)
    skip = {_party_id(samhandling_world, p) for p in split_list(unntatt, conjunction=True)} if unntatt else set()
    for pid in _party_group(samhandling_world, hvem, on):
        if pid not in skip:
            perform(
                samhandling_world,
                organ,
                handling,
                payload={"party": pid},
                on=on,
                attempt=False,
                detaljer=detaljer,
                datatable=datatable,
                med=med,
            )


@phrase(
    '"{organ}" utfører "{handling}"[ den {dato:dato}] der alle parter stemmer "{standpunkt}"[ med]',
    example='Når "SSU" utfører "approve_proposal" der alle parter stemmer "for"',
    table="| felt       | verdi |\n| begrunnelse | ...   |",
    group="Saker",
    help="Registrerer samme standpunkt for hver part som teller i organets beslutninger den dagen (partene med "
    "stemmerett; et organ uten egne kommuner: alle kommunene og helseforetaket) og utfører handlingen. En "
    "tabell «felt | verdi» gir de øvrige opplysningene.",
)
def act_all_positions(
    samhandling_world: World,
    organ: str,
    handling: str,
    standpunkt: str,
    dato: str | None = None,
    datatable: Table = None,
) -> None:
    on = _on(samhandling_world, dato)
    value = standpunkt  # position words go to the engine as said: it judges the vocabulary
    world = samhandling_world
    definition = world.case.definition
    day = on or world.case.history[-1].on
    if world.structure.has_body(organ):
        voters = [p.id for p in definition.voters(world.structure.body(organ), day).parties]
    else:
        voters = _party_group(world, "part", on)
    payload = payload_from_table(world, datatable, on) if datatable else {}
    payload["positions"] = dict.fromkeys(voters, value)
    perform(world, organ, handling, payload=payload, on=on, attempt=False)


@phrase(
    'saken er[ {fortsatt:fortsatt}] i tilstanden "{tilstand}"',
    example='Så saken er i tilstanden "Mandat godkjent"',
    group="Saker",
    help="Sakens tilstand, med norsk betegnelse eller navn («fortsatt» kan stå etter «er»).",
)
def case_state(samhandling_world: World, tilstand: str, fortsatt: str | None = None) -> None:
    world = samhandling_world
    wanted = _state_name(world, tilstand)
    if world.case.state != wanted:
        d = world.process
        raise _fail(
            f"saken er i tilstanden «{d.state_label(world.case.state)}» ({world.case.state}), ikke "
            f"«{d.state_label(wanted)}» ({wanted})"
        )


@phrase(
    "saken er avsluttet",
    example="Så saken er avsluttet",
    group="Saker",
    help="Saken er i en slutt-tilstand.",
)
def case_final(samhandling_world: World) -> None:
    if not samhandling_world.case.is_final:
        c = samhandling_world.case
        raise _fail(f"saken er ikke avsluttet; den er i tilstanden «{samhandling_world.process.state_label(c.state)}»")


@phrase(
    "saken er ikke avsluttet",
    example="Så saken er ikke avsluttet",
    group="Saker",
    help="Saken er ikke i en slutt-tilstand.",
)
def case_not_final(samhandling_world: World) -> None:
    if samhandling_world.case.is_final:
        raise _fail("saken er avsluttet")


GENERIC_ACTS = frozenset({"withdraw", "send_back", "escalate"})


def responsible_bodies(world: World) -> list[str]:
    """The bodies that may move the case forward (generic acts such as withdraw left out)."""
    s = world.structure
    seen: dict[str, None] = {}
    for available in world.case.available_acts():
        if available.act in GENERIC_ACTS:
            continue
        for b in available.bodies:
            try:
                seen.setdefault(s.body(b).id)
            except NotFoundError:
                seen.setdefault(b)
    return list(seen)


@phrase(
    'neste ansvarlige organ er "{organ}"',
    example='Så neste ansvarlige organ er "SSU"',
    group="Saker",
    help="Organet er blant dem som kan føre saken videre nå (trekk, tilbakesending og eskalering regnes ikke).",
)
def next_responsible(samhandling_world: World, organ: str) -> None:
    s = samhandling_world.structure
    body = _body(samhandling_world, organ)
    ids = responsible_bodies(samhandling_world)
    if body.id not in ids:
        got = ", ".join(s.body(b).label if s.has_body(b) else b for b in ids) or "ingen (saken er avsluttet?)"
        raise _fail(f"neste ansvarlige er {got}, ikke {body.label}")


@phrase(
    '"{organ}" kan utføre "{handling}"',
    example='Så "SSU" kan utføre "approve_mandate"',
    group="Saker",
    help="Handlingen ville blitt godtatt nå (ingen avvisningsgrunner).",
)
def may_act(samhandling_world: World, organ: str, handling: str) -> None:
    act_name = _act_name(samhandling_world, handling)
    reasons = samhandling_world.case.why_not(act_name, by=organ)
    if reasons:
        raise _fail(f"{organ} kan ikke utføre «{handling}»: " + "; ".join(reasons))


@phrase(
    "historikken har {antall:d} hendelser",
    example="Så historikken har 4 hendelser",
    group="Saker",
    help="Antall hendelser i saken, åpningen medregnet.",
)
def history_count(samhandling_world: World, antall: str) -> None:
    got = len(samhandling_world.case.history)
    if got != int(antall):
        raise _fail(f"historikken har {got} hendelser, ikke {antall}")


@phrase(
    'historikken viser at "{organ}" utførte "{handling}"',
    example='Så historikken viser at "SSU" utførte "approve_mandate"',
    group="Saker",
    help="Minst én hendelse i saken er handlingen, utført av organet.",
)
def history_contains(samhandling_world: World, organ: str, handling: str) -> None:
    body = _body(samhandling_world, organ)
    act_name = _act_name(samhandling_world, handling)
    s = samhandling_world.structure
    for e in samhandling_world.case.history:
        if e.act == act_name and e.body is not None and s.has_body(e.body) and s.body(e.body).id == body.id:
            return
    raise _fail(f"historikken har ingen «{handling}» utført av {body.label}")


@phrase(
    "den siste hendelsen gjelder fra {dato:dato}",
    example="Så den siste hendelsen gjelder fra 2024-03-15",
    group="Saker",
    help="Datoen den siste hendelsen gjelder fra (handlingens dato: fra steget, detaljene eller scenariets dato).",
)
def last_event_on(samhandling_world: World, dato: str) -> None:
    event = samhandling_world.case.history[-1]
    wanted = parse_date(dato)
    if event.on != wanted:
        got = event.on.isoformat() if event.on else "ingen dato"
        raise _fail(f"den siste hendelsen ({event.act}) gjelder fra {got}, ikke {wanted.isoformat()}")


@phrase(
    'den siste hendelsen har {felt} "{verdi}"',
    example='Så den siste hendelsen har merknad "hastesak"',
    group="Saker",
    help="Den siste hendelsen i historikken har opplysningen (norsk feltnavn som «merknad», «begrunnelse», "
    "«politisk behandling», feltets betegnelse i prosessen, eller navnet) med verdien (ja/nei for svar).",
)
def last_event_has(samhandling_world: World, felt: str, verdi: str) -> None:
    from samhandling.bdd.details import TEXT_KEYS

    world = samhandling_world
    event = world.case.history[-1]
    key = TEXT_KEYS.get(name_key(felt)) or _field_key(world, event.act, felt)
    payload = event.payload or {}
    if key not in payload:
        shown = ", ".join(f"{k}={v}" for k, v in payload.items()) or "ingen opplysninger"
        raise _fail(f"den siste hendelsen ({event.act}) har ikke «{felt}» ({key}); den har: {shown}")
    got = payload[key]
    wanted = convert_value(verdi) if isinstance(got, bool) else verdi
    if got != wanted and str(got) != verdi:
        raise _fail(f"den siste hendelsen har {felt} «{got}», ikke «{verdi}»")


# ---------------------------------------------------------------------------- refusals


@phrase(
    '"{organ}" forsøker å utføre "{handling}"[ for "{part}"][ den {dato:dato}][ {med:med}[ {detaljer}]]',
    example='Når "SSU" forsøker å utføre "approve_proposal" med Sola mot og alle andre for',
    group="Avvisninger",
    help="Som «utfører» (også detaljene etter «med»), men en avvisning feiler ikke steget: den huskes for "
    "stegene under. Et steg etter må si noe om utfallet («handlingen avvises …», «handlingen godtas», "
    "«begrunnelsen nevner …» eller «saken er uendret»); ellers feiler scenariet.",
)
def attempt(
    samhandling_world: World,
    organ: str,
    handling: str,
    part: str | None = None,
    dato: str | None = None,
    detaljer: str | None = None,
    datatable: Table = None,
    med: str | None = None,
) -> None:
    on = _on(samhandling_world, dato)
    perform(
        samhandling_world,
        organ,
        handling,
        payload={"party": part} if part else {},
        on=on,
        attempt=True,
        detaljer=detaljer,
        datatable=datatable,
        med=med,
    )


def _attempt(world: World) -> Attempt:
    """The last attempted act (now checked); a step about it before any attempt is a usage error."""
    if world.attempt is None:
        raise UsageError(
            'ingen handling er forsøkt; bruk først: Når "ORGAN" forsøker å utføre "HANDLING"', code="no-attempt"
        )
    world.attempt.checked = True
    return world.attempt


def _refusal(world: World) -> ActRefusedError:
    attempt = _attempt(world)
    if attempt.error is None:
        raise _fail(f"handlingen «{attempt.act}» av {attempt.body} ble godtatt, men skulle vært avvist")
    assert isinstance(attempt.error, ActRefusedError)
    return attempt.error


def _codes(attempt: Attempt) -> list[str]:
    err = attempt.error
    return list(dict.fromkeys(attempt.codes or ([str(err.code)] if err is not None else [])))


@phrase(
    'handlingen avvises[ med koden "{kode}"]',
    example='Så handlingen avvises med koden "advisory-body"',
    group="Avvisninger",
    help="Det siste forsøket ble avvist med den oppgitte feilkoden (f.eks. «wrong-body», «advisory-body», "
    "«no-consensus», «anchoring-incomplete», «missing-input», «invalid-state»); andre grunner i tillegg er "
    "tillatt. Uten koden godtas enhver avvisning, men koden som kom vises i rapporten og som en advarsel; med "
    "`samhandling_strict_refusals = true` i pytest-oppsettet må koden stå.",
)
def refused(samhandling_world: World, kode: str | None = None) -> None:
    world = samhandling_world
    err = _refusal(world)
    codes = _codes(world.attempt) if world.attempt is not None else [str(err.code)]
    if kode is None:
        got = ", ".join(f"«{c}»" for c in codes)
        note = f"avvist med koden {got}: {err.message}"
        if world.strict_refusals:
            raise _fail(
                f"«handlingen avvises» uten kode er slått av (samhandling_strict_refusals); handlingen ble "
                f'{note}. Skriv: Så handlingen avvises med koden "{err.code}"'
            )
        world.notes.append(note)
        return
    if kode.strip() not in codes:
        raise _fail(
            f"handlingen ble avvist med koden «{err.code}», ikke «{kode}»: {err.message}"
            + (f" (alle kodene: {', '.join(codes)})" if len(codes) > 1 else "")
        )


@phrase(
    'handlingen avvises bare med koden "{kode}"',
    example='Så handlingen avvises bare med koden "no-consensus"',
    group="Avvisninger",
    help="Det siste forsøket ble avvist med denne koden og av ingen annen grunn (alle grunnene motoren gir, "
    "ikke bare den første). Motoren slutter å lete etter flere grunner når saken er i feil tilstand eller "
    "avsluttet, eller handlingen er ukjent.",
)
def refused_only(samhandling_world: World, kode: str) -> None:
    err = _refusal(samhandling_world)
    codes = _codes(samhandling_world.attempt) if samhandling_world.attempt is not None else [str(err.code)]
    if codes != [kode.strip()]:
        reasons = err.details.get("reasons") or [err.message]
        raise _fail(
            f"handlingen skulle bare vært avvist med koden «{kode}», men kodene var {', '.join(codes)}: "
            + "; ".join(str(r) for r in reasons)
        )


@phrase(
    'handlingen avvises med koden "{kode}" og ingen annen grunn',
    example='Så handlingen avvises med koden "positions-missing" og ingen annen grunn',
    group="Avvisninger",
    help="Det samme som «handlingen avvises bare med koden …».",
)
def refused_no_other(samhandling_world: World, kode: str) -> None:
    refused_only(samhandling_world, kode)


@phrase(
    'begrunnelsen nevner "{tekst}"',
    example='Og begrunnelsen nevner "Sola"',
    group="Avvisninger",
    help="Avvisningens norske begrunnelse inneholder teksten (store/små bokstaver og mellomrom spiller ingen rolle).",
)
def refusal_mentions(samhandling_world: World, tekst: str) -> None:
    err = _refusal(samhandling_world)
    if name_key(tekst) not in name_key(err.message):
        raise _fail(f"begrunnelsen nevner ikke «{tekst}»; den er: {err.message}")


@phrase(
    "saken er uendret",
    example="Og saken er uendret",
    group="Avvisninger",
    help="Etter en avvisning: samme tilstand og like mange hendelser som før forsøket.",
)
def case_unchanged(samhandling_world: World) -> None:
    attempt = _attempt(samhandling_world)
    c = samhandling_world.case
    if c.state != attempt.state_before or len(c.history) != attempt.history_before:
        raise _fail(
            f"saken er endret: tilstand {attempt.state_before} → {c.state}, "
            f"hendelser {attempt.history_before} → {len(c.history)}"
        )


@phrase(
    "handlingen godtas",
    example="Så handlingen godtas",
    group="Avvisninger",
    help="Det siste forsøket ble godtatt.",
)
def accepted(samhandling_world: World) -> None:
    attempt = _attempt(samhandling_world)
    if attempt.error is not None:
        raise _fail(f"handlingen ble avvist [{attempt.error.code}]: {attempt.error.message}")


@phrase(
    '"{organ}" kan ikke utføre "{handling}"[ fordi "{tekst}"]',
    example='Så "FSU" kan ikke utføre "approve_proposal" fordi "rådgivende"',
    group="Avvisninger",
    help="Handlingen ville blitt avvist nå (uten å forsøke den); med «fordi» må en av begrunnelsene inneholde teksten.",
)
def may_not_act(samhandling_world: World, organ: str, handling: str, tekst: str | None = None) -> None:
    act_name = _act_name(samhandling_world, handling)
    reasons = samhandling_world.case.why_not(act_name, by=organ)
    if not reasons:
        raise _fail(f"{organ} kan utføre «{handling}» nå")
    if tekst and not any(name_key(tekst) in name_key(r) for r in reasons):
        raise _fail(f"ingen begrunnelse nevner «{tekst}»; begrunnelsene er: " + "; ".join(reasons))


# ---------------------------------------------------------------------------- meetings, deadlines, rotations

register_type("rolle", ["møteleder", "referent", "leder"])
_ROLE_WORDS = {
    "møteleder": {"chair", "møteleder"},
    "referent": {"minute_taker", "referent"},
    "leder": {"leader", "leder", "leiar"},
}


def _meetings(world: World, organ: str, year: int | None = None) -> list[Any]:
    from samhandling.time.meeting_plan import meeting_plan

    body = _body(world, organ)
    return meeting_plan(world.structure).of(body.id, year)


@phrase(
    '"{organ}" har {antall:d} møter i {år:d}',
    example='Så "FSU" har 4 møter i 2024',
    group="Møter og frister",
    help="Antall møter organet har i møteplanen for året.",
)
def meeting_count(samhandling_world: World, organ: str, antall: str, år: str) -> None:
    got = _meetings(samhandling_world, organ, int(år))
    if len(got) != int(antall):
        dates = ", ".join(m.date.isoformat() for m in got) or "ingen"
        raise _fail(f"{organ} har {len(got)} møter i {år} ({dates}), ikke {antall}")


@phrase(
    '"{organ}" har møte {dato:dato}',
    example='Så "SSU" har møte 2024-02-29',
    group="Møter og frister",
    help="Møteplanen har et møte i organet på datoen.",
)
def meeting_on(samhandling_world: World, organ: str, dato: str) -> None:
    day = parse_date(dato)
    got = _meetings(samhandling_world, organ, day.year)
    if day not in {m.date for m in got}:
        dates = ", ".join(m.date.isoformat() for m in got) or "ingen"
        raise _fail(f"{organ} har ikke møte {day.isoformat()}; møter i {day.year}: {dates}")


@phrase(
    'møtet i "{organ}" {dato:dato} arrangeres av "{vert}"',
    example='Så møtet i "FSU" 2024-05-16 arrangeres av "Helse Førde"',
    group="Møter og frister",
    help="Hvem som er arrangør (vert) for møtet.",
)
def meeting_host(samhandling_world: World, organ: str, dato: str, vert: str) -> None:
    day = parse_date(dato)
    found = [m for m in _meetings(samhandling_world, organ, day.year) if m.date == day]
    if not found:
        raise _fail(f"{organ} har ikke møte {day.isoformat()}")
    host = found[0].host or "ingen"
    if name_key(host) != name_key(vert):
        raise _fail(f"møtet i {organ} {day.isoformat()} arrangeres av {host}, ikke {vert}")


@phrase(
    'neste møte i "{organ}" etter {dato:dato} er {neste:dato}',
    example='Så neste møte i "SSU" etter 2024-03-01 er 2024-05-30',
    group="Møter og frister",
    help="Det første møtet i organet etter datoen.",
)
def next_meeting(samhandling_world: World, organ: str, dato: str, neste: str) -> None:
    day, wanted = parse_date(dato), parse_date(neste)
    after = [m.date for m in _meetings(samhandling_world, organ) if m.date > day]
    got = min(after) if after else None
    if got != wanted:
        raise _fail(
            f"neste møte i {organ} etter {day.isoformat()} er {got.isoformat() if got else 'ikke planlagt'}, "
            f"ikke {wanted.isoformat()}"
        )


def _act_deadline(world: World, act_name: str) -> int | None:
    act = next((a for a in world.process.acts if a.name == act_name), None)
    deadline = getattr(act, "deadline", None)
    return None if deadline is None else int(deadline[1])


def _deadline(world: World, organ: str, meeting: dt.date, act_name: str | None = None) -> tuple[dt.date, int, str]:
    """The last day for ``act_name`` (or for submitting items to ``organ``) before a meeting."""
    from samhandling.time.deadlines import deadline_before
    from samhandling.time.meeting_plan import day_count
    from samhandling.time.schedule import submission_days

    s = world.structure
    days: int | None = None
    if act_name is not None:
        days = _act_deadline(world, act_name)
        if days is None:
            raise UsageError(f"handlingen «{act_name}» har ingen frist før møtet", code="no-deadline")
    else:
        body = _body(world, organ)
        days = submission_days(s, None).get(body.id)
        if days is None:  # the process's own deadline for the first act this body performs
            for a in world.process.acts:
                found = getattr(a, "deadline", None)
                if body.id in a.bodies and found is not None:
                    days = int(found[1])
                    break
        if days is None:
            raise UsageError(f"strukturen {s.id} har ingen innsendingsfrist for {body.label}", code="no-deadline")
    count = day_count(s)
    return deadline_before(meeting, days, count), days, count.value


@phrase(
    'fristen for saker til "{organ}" før møtet {dato:dato} er {frist:dato}',
    example='Så fristen for saker til "Forvaltningsnettverk Folloregionen" før møtet 2024-10-15 er 2024-10-05',
    group="Møter og frister",
    help="Siste dag en sak kan meldes inn til møtet, etter strukturens fristregel og dagtelling "
    "(kalenderdager eller virkedager).",
)
def submission_deadline(samhandling_world: World, organ: str, dato: str, frist: str) -> None:
    meeting, wanted = parse_date(dato), parse_date(frist)
    got, days, count = _deadline(samhandling_world, organ, meeting)
    if got != wanted:
        raise _fail(
            f"fristen før møtet {meeting.isoformat()} er {got.isoformat()} ({days} dager før, "
            f"telling: {count}), ikke {wanted.isoformat()}"
        )


@phrase(
    '{rolle:rolle} i "{organ}" den {dato:dato} er "{hvem}"',
    example='Så leder i "Faggruppa" den 2013-06-01 er "Balestrand"',
    group="Møter og frister",
    help="Hvem som har rollen (leder, møteleder, referent) etter strukturens rullering på datoen: en part "
    "eller en side («kommunesiden», «helseforetakssiden»).",
)
def rotation_holder(samhandling_world: World, rolle: str, organ: str, dato: str, hvem: str) -> None:
    from samhandling.time.rotation import schedule

    s = samhandling_world.structure
    body = _body(samhandling_world, organ)
    day = parse_date(dato)
    roles = _ROLE_WORDS[name_key(rolle)]
    held = [a for a in schedule(s, day) if a.body == body.id and a.role in roles and a.covers(day)]
    if not held:
        raise _fail(f"ingen rullering gir {rolle} i {body.label} den {day.isoformat()}")
    a = held[0]
    wanted = name_key(hvem)
    names = {name_key(a.holder), name_key(a.label)}
    side = _SIDE_WORDS.get(wanted)
    if wanted not in names and not (side is not None and side.value == a.holder):
        raise _fail(f"{rolle} i {body.label} den {day.isoformat()} er {a.label}, ikke {hvem}")


@phrase(
    'fristen for "{handling}" før møtet {dato:dato} er {frist:dato}',
    example='Så fristen for "sette saken på sakslisten" før møtet 2024-10-15 er 2024-10-08',
    group="Møter og frister",
    help="Siste dag handlingen kan utføres når prosessen setter en frist før møtet.",
)
def act_deadline(samhandling_world: World, handling: str, dato: str, frist: str) -> None:
    act_name = _act_name(samhandling_world, handling)
    meeting, wanted = parse_date(dato), parse_date(frist)
    got, days, count = _deadline(samhandling_world, "", meeting, act_name)
    if got != wanted:
        raise _fail(
            f"fristen for «{handling}» før møtet {meeting.isoformat()} er {got.isoformat()} ({days} dager "
            f"før, telling: {count}), ikke {wanted.isoformat()}"
        )


# ---------------------------------------------------------------------------- time


@phrase(
    "at datoen er {dato:dato}",
    example="Gitt at datoen er 10.01.2024",
    group="Tid",
    help="Stiller bibliotekets klokke (samhandling.clock: motorens «i dag» og tidsstempler) på datoen til "
    "scenariet er over, og handlinger uten egen dato gjelder fra denne dagen (som «dagens dato er …»).",
)
def given_clock(samhandling_world: World, dato: str) -> None:
    samhandling_world.set_today(parse_date(dato))


_UNIT_DAYS = {"dag": 1, "dager": 1, "uke": 7, "uker": 7}


@phrase(
    "det har gått {antall:d} {enhet:tidsenhet}",
    example="Når det har gått 10 virkedager",
    group="Tid",
    help="Flytter klokken fram: dager, uker eller virkedager (lørdag, søndag og norske helligdager regnes ikke).",
)
def clock_advance(samhandling_world: World, antall: str, enhet: str) -> None:
    from samhandling import clock

    world = samhandling_world
    start = world.today or clock.today()
    count = int(antall)
    unit = name_key(enhet)
    if unit in _UNIT_DAYS:
        day = start + dt.timedelta(days=count * _UNIT_DAYS[unit])
    else:
        from samhandling.time.deadlines import is_working_day

        day, counted = start, 0
        while counted < count:
            day += dt.timedelta(days=1)
            if is_working_day(day):
                counted += 1
    world.set_today(day)


@phrase(
    "datoen er {dato:dato}",
    example="Så datoen er 2024-01-24",
    group="Tid",
    help="Scenariets dato (klokken) er denne dagen.",
)
def clock_is(samhandling_world: World, dato: str) -> None:
    from samhandling import clock

    wanted = parse_date(dato)
    got = samhandling_world.today or clock.today()
    if got != wanted:
        raise _fail(f"datoen er {got.isoformat()}, ikke {wanted.isoformat()}")
