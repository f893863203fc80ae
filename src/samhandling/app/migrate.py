"""Copying the cases of a format-1 store into a new store of the current format.

Format 1 (before the ``meta`` table) hashed a smaller case header (no title, no definitions) and kept no
definition texts. Its chains cannot be re-hashed in place without destroying the evidence they carry, so
:func:`migrate_format1` copies instead, and only what verifies:

1. the old store is opened read-only and every chain is checked under the format-1 rules; one broken chain and
   nothing is copied (a broken history is never laundered into a fresh chain);
2. each case's structure and process texts are read from where format 1 pointed (a bundled name or the structure
   file's path; bounded reads), and each case is replayed under them;
3. every case is created in the new, empty store in one transaction, with the same ids, titles, creation times,
   events and recording times, now hash-chained under the current format;
4. the new store's ``meta`` table records where the cases came from and each case's old head hash
   (``format1_heads``), so the old file still proves what the new one was copied from.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import attrs
import sqlalchemy as sa

from samhandling.app.repository import build_process, build_structure_text, read_definition_text
from samhandling.errors import LoadError, SamhandlingError, StoreError
from samhandling.store.base import CaseHeader, Definition, Row, canonical_json
from samhandling.store.sql import SqlStore, db_error, hide_password, normalise_url


@attrs.frozen
class MigrationResult:
    cases: int
    events: int
    source: str
    target: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def format1_genesis(case_id: str, structure: str, process: str, version: str, created: str) -> str:
    """The ``prev_hash`` of event 1 in a format-1 store."""
    content = {"case_id": case_id, "structure": structure, "process": process, "version": version, "created": created}
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def _fail(message: str, **details: Any) -> StoreError:
    return StoreError(f"kan ikke kopiere lageret: {message}", code="store-migrate", details=details)


def _read_format1(source: str) -> list[tuple[dict[str, Any], list[Row]]]:
    url = normalise_url(source)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///file:"):
        path = Path(url.split("///", 1)[1])
        if not path.is_file():
            raise _fail(f"fant ikke lageret «{path}»")
        url = f"sqlite:///file:{path}?mode=ro&uri=true"
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
            if "cases" not in names or "events" not in names:
                raise _fail("det gamle lageret har ingen saker (tabellene cases og events mangler)")
            if "meta" in names:
                raise _fail("det gamle lageret er ikke i lagerformat 1 (det har allerede en meta-tabell)")
            headers = [
                dict(r._mapping)
                for r in conn.execute(
                    sa.text(
                        "SELECT case_id, structure, process, version, title, created, head_seq, head_hash FROM cases "
                        "ORDER BY created, case_id"
                    )
                )
            ]
            rows: dict[str, list[Row]] = {h["case_id"]: [] for h in headers}
            for r in conn.execute(
                sa.text(
                    "SELECT case_id, seq, act, body, person, on_date, payload, from_state, to_state, recorded_at, "
                    "prev_hash, hash FROM events ORDER BY case_id, seq"
                )
            ):
                if r[0] not in rows:
                    raise _fail(
                        f"hendelser for saken «{r[0]}», som ikke finnes; kontroller det gamle lageret", case=r[0]
                    )
                rows[r[0]].append(Row(*r))
    except SamhandlingError:
        raise
    except sa.exc.SQLAlchemyError as exc:
        raise db_error(exc, "lesing av det gamle lageret", hide_password(source)) from exc
    finally:
        engine.dispose()
    return [(h, rows[h["case_id"]]) for h in headers]


def _check_format1(h: dict[str, Any], rows: list[Row]) -> None:
    cid = h["case_id"]
    prev = format1_genesis(cid, h["structure"], h["process"], h["version"], h["created"])
    for expected, row in enumerate(rows, start=1):
        if row.seq != expected or row.prev_hash != prev or row.expected_hash() != row.hash:
            raise _fail(
                f"hashkjeden til sak «{cid}» er brutt ved hendelse nr. {expected} i det gamle lageret; "
                "ingenting ble kopiert",
                case=cid,
                seq=expected,
            )
        prev = row.hash
    if not rows or len(rows) != h["head_seq"] or prev != h["head_hash"]:
        raise _fail(
            f"sak «{cid}» har {len(rows)} hendelser, men det gamle lageret sier {h['head_seq']}; ingenting ble kopiert",
            case=cid,
        )


def migrate_format1(source: str, target: str) -> MigrationResult:
    """Copy every case of the format-1 store ``source`` into the new, empty store ``target`` (all or nothing)."""
    from samhandling.process.engine import PROCESS_DIR
    from samhandling.process.loader import process_refs
    from samhandling.structure.loader import BUNDLED_DIR, resolve_source

    cases = _read_format1(source)
    for h, rows in cases:
        _check_format1(h, rows)
    store = SqlStore(target)
    try:
        if store.headers():
            raise _fail(f"det nye lageret «{hide_password(target)}» har allerede saker; kopier til et tomt lager")
        built: dict[str, tuple[Any, str, str, str]] = {}
        items: list[tuple[CaseHeader, list[Any]]] = []
        texts: dict[str, Definition] = {}
        for h, rows in cases:
            key = h["structure"]
            if key not in built:
                try:
                    path = resolve_source(key)
                    bundled = path.parent == BUNDLED_DIR
                    display = f"{path.stem}.yaml" if bundled else str(path)
                    text = read_definition_text(path, "strukturfilen")
                except LoadError as exc:
                    raise _fail(
                        f"sak «{h['case_id']}» ble opprettet med strukturen «{key}», som ikke kan leses "
                        f"({exc}); legg filen tilbake der og prøv igjen",
                        case=h["case_id"],
                    ) from exc
                structure = build_structure_text(text, display, path)
                s_name = path.stem if bundled else structure.id
                s_def = Definition("structure", s_name, "", text)
                texts[s_def.hash] = s_def
                built[key] = (structure, s_name, s_def.hash, "" if bundled else str(path.resolve()))
            structure, s_name, s_hash, s_file = built[key]
            refs = process_refs(structure)
            if h["process"] not in refs:
                raise _fail(f"strukturen «{key}» har ikke lenger prosessen «{h['process']}»", case=h["case_id"])
            p_path = refs[h["process"]]
            p_bundled = p_path.parent == PROCESS_DIR
            p_text = read_definition_text(p_path, "prosessfilen")
            definition = build_process(p_text, structure, p_path.name if p_bundled else str(p_path))
            p_def = Definition("process", definition.name, str(definition.version), p_text)
            texts[p_def.hash] = p_def
            events = [r.as_event() for r in rows]
            try:
                from samhandling.process.case import Event

                definition.replay([Event(**e.engine_fields()) for e in events], case_id=h["case_id"])
            except SamhandlingError as exc:
                raise _fail(
                    f"sak «{h['case_id']}» kan ikke gjenspilles med definisjonene som ligger der nå: {exc.message}",
                    case=h["case_id"],
                ) from exc
            header = CaseHeader(
                h["case_id"],
                s_name,
                h["process"],
                h["version"],
                h["title"],
                h["created"],
                structure_hash=s_hash,
                process_hash=p_def.hash,
                structure_file=s_file,
                process_file="" if p_bundled else str(p_path.resolve()),
            )
            items.append((header, events))
        heads = {h["case_id"]: h["head_hash"] for h, _ in cases}
        count = store.import_cases(
            items,
            definitions=list(texts.values()),
            meta_rows={"migrated_from": hide_password(source), "format1_heads": json.dumps(heads, sort_keys=True)},
        )
        return MigrationResult(len(items), count, hide_password(source), hide_password(target))
    finally:
        store.close()
