"""Diagnostics: every content problem as `path:line:col: severity: message`.

Loading collects problems instead of raising on the first one, so a single
run shows the author everything that is wrong. Python exceptions stay for bugs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

# Characters that would break a diagnostic's one line or a terminal: C0 and C1 controls, DEL,
# line and paragraph separators. They are shown escaped, as in Python (\n, \x01).
_ESCAPES = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
            for code in [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029]}
_ESCAPES.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})


def one_line(text: str) -> str:
    """Text as one printable line of valid UTF-8: controls escaped, undecodable bytes of a
    file name (surrogates) shown as U+FFFD."""
    if text.isprintable():
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")  # a file name's bytes, as the OS gave them
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace").translate(_ESCAPES)


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    col: int
    severity: Severity
    message: str
    rule: str = ""  # the check rule that found it (okrsite.model.checks); "" for a loading problem

    def __str__(self) -> str:
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{one_line(self.path)}:{self.line}:{self.col}: {self.severity}: {one_line(self.message)}{rule}"


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
