"""Diagnostics: every content problem as `path:line:col: severity: message`.

Loading collects problems instead of raising on the first one, so a single
run shows the author everything that is wrong. Python exceptions stay for bugs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    col: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Location:
    """Where a value stands in a file; line and column count from 1."""

    path: str
    line: int = 1
    col: int = 1


@dataclass
class Diagnostics:
    """A collector that stages fill; the orchestrator decides whether to fail."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, where: Location, message: str) -> None:
        self.items.append(Diagnostic(where.path, where.line, where.col, "error", message))

    def warning(self, where: Location, message: str) -> None:
        self.items.append(Diagnostic(where.path, where.line, where.col, "warning", message))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def sorted(self) -> list[Diagnostic]:
        """Stable report order: by file, then position; duplicates dropped."""
        return sorted(set(self.items))


class BuildFailed(Exception):
    """Raised by the orchestrator when diagnostics contain errors (or warnings under --strict)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(f"{len(diagnostics)} problem(s)")
        self.diagnostics = diagnostics
