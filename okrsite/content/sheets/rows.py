"""One sheet row read: its cells through the cell readers, problems reported at row and
column, and the row's key result in the content format (type, numbers, check-in)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from okrsite.content.sheets import cells
from okrsite.content.schema import is_slug
from okrsite.content.sheets.read import Cell, Row, Sheet
from okrsite.content.sheets.cells import CellError
from okrsite.content.sheets.layout import Layout
from okrsite.diagnostics import Diagnostic
from okrsite.content.schema import slugify

OBJECTIVE_ID_LENGTH, KR_ID_LENGTH = 48, 40  # ids made from titles are cut at a word: URLs stay readable
SHEET_KR_TYPES = ("metric", "boolean", "milestones")  # the KR types a sheet's columns can describe
_TYPE_WORDS = {"metric": "metric", "number": "metric", "numeric": "metric", "boolean": "boolean",
               "yes/no": "boolean", "binary": "boolean", "milestones": "milestones", "milestone": "milestones"}
_METRIC_ONLY = ("start", "target", "current")

KeyResultRow = tuple[int, str | None, dict[str, Any]]  # (row number, the id the sheet gives, the KR)


@dataclass(frozen=True)
class Settings:
    default_period: str | None = None  # for rows without one (--period)
    decimal_comma: bool = False
    is_period: Callable[[str], bool] = lambda _: True  # a period id the site knows


@dataclass
class RowReader:
    """Reads the cells of a sheet's rows and collects the problems, by row and column."""

    sheet: Sheet
    layout: Layout
    settings: Settings
    problems: list[Diagnostic] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)
    bad_cells: set[tuple[int, str]] = field(default_factory=set)

    def report(self, row: int, column: str | None, message: str, severity: str = "error") -> None:
        col = self.layout.index[column] + 1 if column in self.layout.index else 1
        self.problems.append(Diagnostic(self.sheet.path, row, col, severity, message))  # type: ignore[arg-type]
        if severity == "error":
            self.bad_rows.add(row)
            self.bad_cells.add((row, column or ""))

    def cell(self, row: Row, column: str) -> Cell:
        return row.cell(self.layout.index[column]) if column in self.layout.index else None

    def filled(self, row: Row, column: str) -> bool:
        return self.cell(row, column) not in (None, "")

    def read(self, row: Row, column: str, reader: Callable[..., Any], *args: Any) -> Any:
        """A cell through a reader; a problem is reported at the cell and gives None."""
        if column not in self.layout.index:
            return None
        try:
            return reader(self.cell(row, column), self.layout.label(column), *args)
        except CellError as problem:
            self.report(row.number, column, str(problem))
            return None

    def slug(self, row: Row, column: str, written: str | None) -> str | None:
        """The cell's text when it is an id; otherwise reported (and None)."""
        if written and not is_slug(written):
            self.report(row.number, column, f"'{self.layout.label(column)}' is not an id (lowercase letters, "
                                             f"digits, '-' and '_'): {written!r}; try '{make_id(written, 'id')}'")
            return None
        return written or None


def make_id(title: str, fallback: str, length: int = OBJECTIVE_ID_LENGTH) -> str:
    """A slug of a title, cut at a word; the fallback when the title has no letter or digit to use."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    if not re.search(r"[A-Za-z0-9]", ascii_text):
        return fallback
    slug = slugify(ascii_text).strip("-_")
    if len(slug) > length:
        slug = slug[:length + 1].rsplit("-", 1)[0].strip("-_")
    return slug or fallback


def key_result(reader: RowReader, row: Row) -> KeyResultRow | None:
    """The row's key result in the content format, or None (an objective-only row, or a bad one)."""
    number, comma = row.number, reader.settings.decimal_comma
    title = reader.read(row, "key result", cells.text)
    given_id = reader.slug(row, "kr id", reader.read(row, "kr id", cells.text))
    read = {name: reader.read(row, name, cells.number, comma) for name in (*_METRIC_ONLY, "weight")}
    done = reader.read(row, "done", cells.done)
    milestones = reader.read(row, "milestones", cells.milestones) or ()
    unit = reader.read(row, "unit", cells.text)
    owner = reader.read(row, "kr owner", cells.text)
    date = reader.read(row, "date", cells.date)
    confidence = reader.read(row, "confidence", cells.fraction, comma)
    note = reader.read(row, "note", cells.text, True)
    kind = _kind(reader, row)
    if not title:
        filled = [reader.layout.label(c) for c in ("kr id", "type", *_METRIC_ONLY, "done", "milestones", "weight")
                  if reader.filled(row, c)]
        if filled:
            reader.report(number, "key result", f"the key result has no title (the row fills {', '.join(filled)})")
        return None
    if kind is None:
        return None
    kr: dict[str, Any] = {"title": title}
    if kind != "metric":
        kr["type"] = kind
    _typed_fields(reader, row, kind, kr, read, done, milestones)
    if unit or any(cells.is_percent(reader.cell(row, c)) for c in _METRIC_ONLY):
        kr["unit"] = unit or "%"
    if read["weight"] is not None and read["weight"] != 1:  # 1 is the default: not written
        if read["weight"] <= 0:
            reader.report(number, "weight", f"'{reader.layout.label('weight')}' must be above 0, got {read['weight']}")
        kr["weight"] = read["weight"]
    if owner:
        kr["owner"] = owner
    _checkin(reader, row, kr, date, confidence, note)
    return number, given_id, kr


def _kind(reader: RowReader, row: Row) -> str | None:
    written = reader.read(row, "type", cells.text)
    if not written:  # not said: the cells the row fills tell (even a bad one: its error is enough)
        if reader.filled(row, "milestones"):
            return "milestones"
        metric = reader.filled(row, "start") or reader.filled(row, "target")
        return "boolean" if reader.filled(row, "done") and not metric else "metric"
    kind = _TYPE_WORDS.get(written.casefold())
    if kind is None:
        reader.report(row.number, "type", f"'{reader.layout.label('type')}' must be one of "
                                          f"{', '.join(SHEET_KR_TYPES)}, got {written!r}")
    return kind


def _typed_fields(reader: RowReader, row: Row, kind: str, kr: dict[str, Any], read: dict[str, Any],
                  done: bool | None, milestones: tuple) -> None:
    ignored = {"metric": ("done", "milestones"), "boolean": (*_METRIC_ONLY, "milestones"),
               "milestones": (*_METRIC_ONLY, "done")}[kind]
    for column in ignored:
        if reader.filled(row, column):
            reader.report(row.number, column, f"'{reader.layout.label(column)}' is left out: the key result is "
                                              f"of type {kind}", "warning")
    if kind == "boolean":
        kr["done"] = bool(done)
    elif kind == "milestones":
        if not milestones and (row.number, "milestones") not in reader.bad_cells:
            reader.report(row.number, "milestones" if "milestones" in reader.layout.index else "type",
                          "a milestones key result needs its milestones, one per line ('[x] Title' when done)")
        kr["milestones"] = list(milestones)
    else:
        for name in ("start", "target"):
            if read[name] is None and not reader.filled(row, name):
                reader.report(row.number, name if name in reader.layout.index else "key result",
                              f"a metric key result needs '{name}' (a number)")
        if read["start"] is not None and read["start"] == read["target"]:
            reader.report(row.number, "target", f"'{reader.layout.label('target')}' equals the start "
                                                f"({read['start']}): there is nothing to progress")
        kr.update((name, read[name]) for name in _METRIC_ONLY if read[name] is not None)


def _checkin(reader: RowReader, row: Row, kr: dict[str, Any], date: Any, confidence: float | None,
             note: str | None) -> None:
    """A dated row is a check-in (its current value, confidence and note); undated, only a value."""
    if date is None:
        for column, value in (("confidence", confidence), ("note", note)):
            if value not in (None, ""):
                reader.report(row.number, column, f"'{reader.layout.label(column)}' needs the date of the "
                                                  "check-in: fill the 'date' column")
        return
    checkin: dict[str, Any] = {"date": date}
    if "current" in kr:
        checkin["value"] = kr.pop("current")
    if confidence is not None:
        checkin["confidence"] = confidence
    if note:
        checkin["note"] = note
    if len(checkin) > 1:
        kr["checkins"] = [checkin]
