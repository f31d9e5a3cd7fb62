"""The one error type for a user's mistake in a plan or catalog file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One mistake: where it is, what was expected, what was found."""

    file: str
    line: int | None  # 1-based, None when the position is unknown
    column: int | None  # 1-based
    path: str  # key path, e.g. phases[0].nodes[1].count
    expected: str
    found: str = ""

    def __str__(self) -> str:
        where = self.file or "<plan>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        key = f" {self.path}:" if self.path else ""
        found = f", found {self.found}" if self.found else ""
        return f"{where}:{key} expected {self.expected}{found}"


class PlanError(Exception):
    """Raised for every mistake in a plan; carries all problems found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        n = len(self.problems)
        head = "1 problem" if n == 1 else f"{n} problems"
        return head + " in plan:\n" + "\n".join(f"  {p}" for p in self.problems)

    def __str__(self) -> str:
        return self._text()
