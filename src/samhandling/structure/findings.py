"""Validation findings: what a check found, how serious, where, and which rule says so."""

from __future__ import annotations

import attrs

from samhandling.errors import SamhandlingError
from samhandling.location import Location
from samhandling.structure.model import Severity


@attrs.frozen(slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    location: Location | None = None
    rule: str | None = None
    source_text: str | None = None

    def format(self) -> str:
        """``FILE:LINE:COL: feil [code] message`` (the form editors and CI understand)."""
        where = f"{self.location}: " if self.location is not None else ""
        return f"{where}{self.severity.label} [{self.code}] {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "location": str(self.location) if self.location else None,
            "rule": self.rule,
            "source_text": self.source_text,
        }


def error_finding(exc: SamhandlingError, fallback: Location | None = None) -> Finding:
    """An error (a :class:`~samhandling.errors.SamhandlingError` raised on bad input) as an error finding.

    The error's own location wins; ``fallback`` (the section or file) stands in when it has none.
    """
    return Finding(code=exc.code, severity=Severity.ERROR, message=exc.message, location=exc.location or fallback)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
