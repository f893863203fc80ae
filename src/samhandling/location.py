"""Where something came from: a file, a line and a column (1-based)."""

from __future__ import annotations

import attrs


@attrs.frozen(slots=True)
class Location:
    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)
