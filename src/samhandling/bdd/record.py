"""The record of one run of the feature files (written by the pytest plugin, read by the report).

Plain JSON, so that ``samhandling report`` can render the last run without pytest,
and without ``--cucumberjson`` (which drops tables and reports missing steps as passed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from samhandling.errors import LoadError

FORMAT = "samhandling-bdd-run/1"
DEFAULT_RUN_FILE = ".samhandling/bdd-run.json"

STATUS_LABEL = {
    "passed": "bestått",
    "failed": "feilet",
    "undefined": "udefinert",
    "skipped": "ikke kjørt",
    "pending": "ikke kjørt",
}


def _now() -> str:
    from samhandling import clock

    return clock.now().astimezone().isoformat(timespec="seconds")


class RunRecorder:
    """Collects features, scenarios and steps as pytest-bdd runs them."""

    def __init__(self, rootdir: Path) -> None:
        self.rootdir = rootdir
        self.started = _now()
        self.features: dict[str, dict[str, Any]] = {}
        self.scenarios: dict[str, dict[str, Any]] = {}
        self._rel_cache: dict[str, str] = {}

    def _rel(self, filename: str) -> str:
        known = self._rel_cache.get(filename)
        if known is not None:
            return known
        try:
            rel = Path(filename).resolve().relative_to(self.rootdir.resolve()).as_posix()
        except ValueError:
            rel = filename
        self._rel_cache[filename] = rel
        return rel

    def start_scenario(
        self, nodeid: str, feature: dict[str, Any], scenario: dict[str, Any], steps: list[dict[str, Any]]
    ) -> dict[str, Any]:
        file = self._rel(feature["filename"])
        feat = self.features.setdefault(
            file,
            {
                "file": file,
                "name": feature.get("name") or file,
                "keyword": feature.get("keyword") or "Egenskap",
                "description": feature.get("description") or "",
                "language": feature.get("language") or "",
                "scenarios": [],
            },
        )
        record = {
            "nodeid": nodeid,
            "file": file,
            "outcome": "pending",
            "duration": 0.0,
            **scenario,
            "steps": [{"status": "pending", "error": None, "suggestions": [], **s} for s in steps],
            "world": {},
            "failure": None,
        }
        # A re-run of the same node (e.g. pytest-rerunfailures) replaces the earlier record.
        feat["scenarios"] = [s for s in feat["scenarios"] if s["nodeid"] != nodeid]
        feat["scenarios"].append(record)
        self.scenarios[nodeid] = record
        return record

    def to_dict(self, exitstatus: int | None = None) -> dict[str, Any]:
        features = sorted(self.features.values(), key=lambda f: f["file"])
        for feat in features:
            feat["scenarios"].sort(key=lambda s: (s.get("line") or 0, s["nodeid"]))
        counts: dict[str, int] = {}
        for s in self.scenarios.values():
            counts[s["outcome"]] = counts.get(s["outcome"], 0) + 1
        return {
            "format": FORMAT,
            "started": self.started,
            "finished": _now(),
            "rootdir": str(self.rootdir),
            "exitstatus": exitstatus,
            "counts": counts,
            "features": features,
        }

    def write(self, path: Path, exitstatus: int | None = None) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        # Compact: json's C encoder does not indent, and the record is read by programs (samhandling report).
        tmp.write_text(
            json.dumps(self.to_dict(exitstatus), ensure_ascii=False, separators=(",", ":"), default=str),
            encoding="utf-8",
        )
        tmp.replace(path)
        return path


def read_run(path: Path) -> dict[str, Any]:
    """Read a run record; a clear Norwegian error when it is missing or not one."""
    if not path.exists():
        raise LoadError(
            f"fant ingen kjøring i {path}; kjør feature-filene først (f.eks. «pytest features»)",
            code="no-run",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LoadError(f"kunne ikke lese kjøringen i {path}: {exc}", code="bad-run") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LoadError(f"{path} er ikke en samhandling-kjøring (format {FORMAT})", code="bad-run")
    return data
