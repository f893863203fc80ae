"""One exception hierarchy for everything samhandling refuses.

Every error carries a stable, machine-readable ``code`` (kebab-case, never
translated) and a Norwegian ``message`` meant for the person who caused it.
Errors that point into a file carry a :class:`~samhandling.location.Location`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from samhandling.location import Location


class SamhandlingError(Exception):
    """Root of every error samhandling raises on purpose."""

    code: str = "samhandling"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        location: Location | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.location = location
        self.details: dict[str, Any] = dict(details or {})

    def __str__(self) -> str:
        if self.location is not None:
            return f"{self.location}: {self.message}"
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly view for ``--json`` output and APIs."""
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.location is not None:
            data["location"] = str(self.location)
        if self.details:
            data["details"] = self.details
        return data


class LoadError(SamhandlingError):
    """Input could not be read or parsed (exit code 2 in the CLI)."""

    code = "load"


class YamlSyntaxError(LoadError):
    code = "yaml-syntax"


class SchemaError(LoadError):
    """Well-formed YAML that does not have the expected shape."""

    code = "schema"


class LimitError(LoadError):
    """Input past one of samhandling's size limits (file size, YAML aliases, nesting depth, route count).

    The limits keep a hostile or broken file from hanging or exhausting the process; see docs/format.md.
    ``details`` names the limit (``limit``) and, where known, the value found (``found``).
    """

    code = "limit"


class FileTooLargeError(LimitError):
    code = "file-too-large"


class NotAFileError(LimitError):
    """A directory, device, FIFO or socket given where a YAML file was expected."""

    code = "not-a-file"


class AliasExpansionError(LimitError):
    """YAML aliases (``*anchor``) that expand to far more nodes than the document holds (an alias bomb)."""

    code = "alias-expansion"


class NestingTooDeepError(LimitError):
    code = "too-deep"


class TooManyRoutesError(LimitError):
    """A query for every route between bodies that would list more routes than the limit."""

    code = "too-many-routes"


class NotFoundError(SamhandlingError):
    """A name (structure, body, party, process, case) that does not exist."""

    code = "not-found"


class UnknownBodyError(NotFoundError):
    code = "unknown-body"


class UnknownPartyError(NotFoundError):
    code = "unknown-party"


class AmbiguousNameError(SamhandlingError):
    code = "ambiguous-name"


class InvalidStructureError(SamhandlingError):
    """A structure or process definition breaks rules that make it unusable."""

    code = "invalid-structure"


class ProcessDefinitionError(InvalidStructureError):
    code = "invalid-process"


class ActRefusedError(SamhandlingError):
    """Base of the three ways an act on a case is refused."""

    code = "act-refused"


class AuthorityError(ActRefusedError):
    """The wrong body (or person) tried to act, or an advisory body tried to decide."""

    code = "authority"


class RuleError(ActRefusedError):
    """A guard failed: no consensus, anchoring incomplete, missing input, ..."""

    code = "rule"


class StateError(ActRefusedError):
    """The act is not possible in the case's current state."""

    code = "state"


class StoreError(SamhandlingError):
    code = "store"


class ConflictError(StoreError):
    """Another writer appended the same next event first."""

    code = "conflict"


class IntegrityError(StoreError):
    """The chain of event hashes does not verify."""

    code = "integrity"


class ScheduleError(SamhandlingError):
    code = "schedule"


class UsageError(SamhandlingError):
    """Bad command-line arguments (exit code 2)."""

    code = "usage"


class MissingExtraError(SamhandlingError):
    """An optional dependency is not installed."""

    code = "missing-extra"

    @classmethod
    def for_module(cls, module: str, extra: str) -> MissingExtraError:
        return cls(
            f"Denne funksjonen trenger pakken «{module}». Installer den med: pip install 'samhandling[{extra}]'",
            details={"module": module, "extra": extra},
        )


class ReservedKeyError(RuleError):
    """A payload key names a record the engine keeps itself (see ``samhandling.process.case.RESERVED_KEYS``)."""

    code = "reserved-key"


class UnknownPositionError(RuleError):
    """A position word outside the closed vocabulary (for/mot/avstår and their documented spellings)."""

    code = "unknown-position"


class UnknownOutcomeError(RuleError):
    """A per-party outcome word outside the closed vocabulary (vedtatt/avvist and their documented spellings)."""

    code = "unknown-outcome"


class DuplicatePartyError(RuleError):
    """One party named twice in the positions (any spelling, also across ``positions`` and ``against``)."""

    code = "duplicate-party"


class BadAgainstError(RuleError):
    """``against`` is not a list of known parties."""

    code = "bad-against"


class DateError(RuleError):
    """An effective date the engine cannot accept."""

    code = "bad-date"


class BadDateError(DateError):
    """``on`` is not a date (a datetime, a text, ...)."""

    code = "bad-date"


class FutureDateError(DateError):
    """An effective date later than today plus the process's horizon."""

    code = "future-date"


class CorrectionError(RuleError):
    """A correction that names no such event, changes what it may not, or lacks a reason."""

    code = "bad-correction"


class MeetingError(SamhandlingError):
    """A meeting record that cannot be created or changed as asked (unknown meeting, closed meeting, bad item)."""

    code = "meeting"


class MinutesRefusedError(ActRefusedError):
    """Minutes of a meeting with at least one refused decision: nothing was recorded.

    ``details["refusals"]`` lists every refusal of every decision (case number, act, code, message).
    """

    code = "minutes-refused"
