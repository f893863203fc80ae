"""docs/process.schema.json accepts every bundled process file and refuses bad shapes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from samhandling.formats.yamlio import read_yaml
from samhandling.process.engine import ACT_KINDS, PROCESS_DIR
from samhandling.process.loader import _ACT_KEYS, _BY_KEYS, _PER_PARTY_KEYS, _PROCESS_KEYS, _STATE_KEYS
from samhandling.structure.model import BodyKind, PartyKind

jsonschema = pytest.importorskip("jsonschema")

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "process.schema.json"
BUNDLED = sorted(PROCESS_DIR.glob("*.yaml"))


def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _plain(value: object) -> object:
    """YAML values as JSON would see them (dates become ISO strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(_schema())


def test_there_are_seven_bundled_processes() -> None:
    assert {p.stem for p in BUNDLED} == {
        "tjenestemodell",
        "faggruppesak",
        "forstudie",
        "fsu-ssu-sak",
        "nettverkssak",
        "fagutvalg-sak",
        "leiarval",
    }


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_process_matches_schema(path: Path) -> None:
    validator = jsonschema.Draft202012Validator(_schema())
    data = _plain(read_yaml(path, path.name))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, errors[:5]


def test_schema_follows_the_loader() -> None:
    schema = _schema()
    defs = schema["$defs"]
    assert set(schema["properties"]) == _PROCESS_KEYS
    assert set(defs["state"]["properties"]) == _STATE_KEYS
    assert set(defs["act"]["properties"]) == _ACT_KEYS
    assert set(defs["by"]["properties"]) == _BY_KEYS
    assert set(defs["per_party"]["properties"]) == _PER_PARTY_KEYS
    assert defs["act"]["properties"]["kind"]["enum"] == list(ACT_KINDS)
    assert defs["by"]["properties"]["body_kind"]["enum"] == [k.value for k in BodyKind]
    assert defs["per_party"]["properties"]["kinds"]["items"]["enum"] == [k.value for k in PartyKind]


def test_schema_refuses_bad_shapes() -> None:
    validator = jsonschema.Draft202012Validator(_schema())
    act = {"name": "decide", "kind": "decide", "from": "ny", "to": "ferdig", "by": {"body": "SSU"}}
    good = {
        "process": "sak",
        "states": [{"name": "ny"}, {"name": "ferdig", "final": True}],
        "acts": [act],
    }
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "colour": "red"})
    assert not validator.is_valid({**good, "acts": [{**act, "kind": "vedta"}]})
    assert not validator.is_valid({**good, "acts": [{**act, "by": {}}]})
    assert not validator.is_valid({**good, "acts": [{k: v for k, v in act.items() if k != "to"}]})
    assert not validator.is_valid({**good, "acts": [{**act, "guard": "konsensus"}]})
    assert not validator.is_valid({**good, "acts": [{**act, "deadline": {"key": "meeting"}}]})
    assert not validator.is_valid({**good, "states": [{"name": "ny", "final": "yes"}]})
    send_back = {"name": "send_back", "kind": "send_back", "from": "*", "by": {"body": "SSU"}}
    assert validator.is_valid({**good, "acts": [act, send_back]})
