"""Problems found in content, reported all at once in words a data clerk understands."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in one field of one record of one file."""

    file: str
    record: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        record = f" [{self.record}]" if self.record else ""
        field = f" {self.field}:" if self.field else ""
        return f"{where}{record}{field} {self.message}"


class ContentError(Exception):
    """Raised when content has problems; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in content")

    def report(self) -> str:
        """All problems, one per line, ready to print."""
        lines = [str(p) for p in self.problems]
        lines.append(
            f"共 {len(self.problems)} 处问题 ({len(self.problems)} problem(s)); nothing was published."
        )
        return "\n".join(lines)
