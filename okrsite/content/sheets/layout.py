"""The sheet layout of OKRs: one row per key result, and the columns it may have.

One table serves both directions: `okrsite import` finds its columns by these
names and synonyms, and `okrsite export` writes them under the first name, in
this order, so an exported sheet imports again as it is.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from okrsite.content.schema import meaning
from okrsite.diagnostics import Diagnostic


@dataclass(frozen=True)
class Column:
    name: str  # the key the importer uses, and the header the export writes
    synonyms: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    # The objective: repeated on each of its rows, or left empty below its first row.
    Column("objective id", ("obj id", "objective key")),
    Column("objective", ("objective title", "objective name", "goal", "goal title"), required=True),
    Column("period", ("quarter", "cycle", "timeframe", "time frame", "okr period")),
    Column("owner", ("owners", "objective owner", "objective owners", "accountable")),
    Column("team", ("teams", "department", "objective team", "objective teams")),
    Column("parent", ("parent objective", "parent id", "aligned to", "supports", "contributes to")),
    Column("kind", ("objective kind", "objective type", "okr type", "commitment", "committed or aspirational")),
    Column("priority", ("prio", "objective priority")),
    Column("description", ("objective description", "rationale", "why", "context")),
    Column("closing grade", ("closed grade", "final grade", "objective grade")),
    Column("closing note", ("closed note", "grade note", "closing comment")),
    # The key result.
    Column("kr id", ("key result id",)),
    Column("key result", ("kr", "key result title", "kr title", "kr name", "key result name", "result"),
           required=True),
    Column("kr description", ("key result description", "kr details", "key result details")),
    Column("type", ("kr type", "key result type")),
    Column("start", ("baseline", "start value", "starting value", "initial value", "from")),
    Column("target", ("target value", "goal value", "to")),
    Column("current", ("current value", "actual", "actual value", "value", "latest value")),
    Column("unit", ("units", "unit of measure", "uom")),
    Column("floor", ("minimum", "min", "lower bound", "lower limit", "at least")),
    Column("ceiling", ("maximum", "max", "upper bound", "upper limit", "at most")),
    Column("zone", ("zone reached", "current zone")),
    Column("commit zone", ("commit", "zone commit", "commit level")),
    Column("target zone", ("zone target", "target level")),
    Column("stretch zone", ("stretch", "zone stretch", "stretch level")),
    Column("done", ("achieved", "completed", "complete")),
    Column("milestones", ("milestone", "checklist")),
    Column("weight", ("kr weight",)),
    Column("kr owner", ("kr owners", "key result owner", "key result owners", "kr responsible")),
    Column("dropped", ("dropped reason", "drop reason", "why dropped", "reason dropped")),
    Column("dropped on", ("dropped date", "drop date", "date dropped")),
    Column("date", ("as of", "updated", "last updated", "updated on", "check-in date", "checkin date")),
    Column("confidence", ("kr confidence",)),
    Column("note", ("notes", "comment", "comments", "check-in note", "status note")),
    Column("history", ("check-ins", "checkins", "check-in history", "earlier check-ins", "past check-ins",
                       "other check-ins")),
)
NAMES = tuple(c.name for c in COLUMNS)


def normalize(header: str) -> str:
    """'Key_Result ', 'KEY-RESULT' and 'key result:' all name the same column."""
    words = re.sub(r"[\s_\-./:*#]+", " ", header.replace("\ufeff", "").casefold()).strip()
    return words


_LOOKUP = {normalize(word): column.name for column in COLUMNS for word in (column.name, *column.synonyms)}


@dataclass(frozen=True)
class Layout:
    """Where each known column stands (0-based), and the header texts as the sheet wrote them."""

    index: dict[str, int]
    header: tuple[str, ...]

    def label(self, name: str) -> str:
        """A column as the user named it, for messages: 'Goal value' rather than 'target'."""
        return self.header[self.index[name]]


def match_header(header: tuple[str, ...], path: str, line: int) -> tuple[Layout, list[Diagnostic]]:
    """Find the known columns; unknown ones are warned about, duplicates and missing ones are errors."""
    index: dict[str, int] = {}
    problems: list[Diagnostic] = []
    for position, text in enumerate(header):
        if not text:
            continue
        name = _LOOKUP.get(normalize(text))
        if name is None:
            close = difflib.get_close_matches(normalize(text), sorted(_LOOKUP), n=1, cutoff=0.75)
            hint = meaning(close[0] if close else None)
            problems.append(Diagnostic(path, line, position + 1, "warning",
                                       f"column '{text}' is not one okrsite reads; it is left out{hint}"))
        elif name in index:
            first = header[index[name]]
            problems.append(Diagnostic(path, line, position + 1, "error",
                                       f"column '{text}' names the same field as column '{first}' ({name})"))
        else:
            index[name] = position
    for column in COLUMNS:
        if column.required and column.name not in index:
            also = ", ".join(f"'{s}'" for s in column.synonyms[:2])
            problems.append(Diagnostic(path, line, 1, "error",
                                       f"no '{column.name}' column (a header named '{column.name}', {also}, ...)"))
    return Layout(index, header), problems
