"""One sheet row read: its cells through the cell readers, problems reported at row and
column, and the row's key result in the content format (type, numbers, check-in)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from okrsite.content.sheets import cells
from okrsite.content.schema import ID_CHARACTERS, ascii_letters, is_slug, slugify
from okrsite.content.sheets.read import Cell, Formula, Row, Sheet
from okrsite.content.sheets.cells import CellError
from okrsite.content.sheets.layout import NAMES, Layout
from okrsite.diagnostics import Diagnostic
from okrsite.model.scoring import CHECKIN_READING, ZONES

OBJECTIVE_ID_LENGTH, KR_ID_LENGTH = 48, 40  # ids made from titles are cut at a word: URLs stay readable
SHEET_KR_TYPES = ("metric", "boolean", "milestones", "maintain", "zones")  # every KR type fits a row
_TYPE_WORDS = {"metric": "metric", "number": "metric", "numeric": "metric", "boolean": "boolean",
               "yes/no": "boolean", "binary": "boolean", "milestones": "milestones", "milestone": "milestones",
               "maintain": "maintain", "keep": "maintain", "band": "maintain", "guardrail": "maintain",
               "zones": "zones", "zone": "zones", "levels": "zones"}
ZONE_WORDS = {zone: zone for zone in ZONES}
_METRIC_ONLY = ("start", "target", "current")
_NUMBERS = (*_METRIC_ONLY, "floor", "ceiling", "weight")
ZONE_TEXTS = ("commit zone", "target zone", "stretch zone")
# The columns that mean nothing on a type: filled anyway, they are left out with a warning.
_IGNORED = {
    "metric": ("done", "milestones", "floor", "ceiling", "zone", *ZONE_TEXTS),
    "boolean": (*_METRIC_ONLY, "milestones", "floor", "ceiling", "zone", *ZONE_TEXTS),
    "milestones": (*_METRIC_ONLY, "done", "floor", "ceiling", "zone", *ZONE_TEXTS),
    "maintain": ("start", "target", "done", "milestones", "zone", *ZONE_TEXTS),
    "zones": (*_METRIC_ONLY, "done", "milestones", "floor", "ceiling"),
}

_KR_COLUMNS = NAMES[NAMES.index("kr id"):]
_CHECKIN_COLUMNS = ("date", "current", "zone", "confidence", "note")  # each row's own, one row per check-in
_LATEST = ("done", "milestones")  # a state, not a definition: the latest row's, one row per check-in

KeyResultRow = tuple[int, str | None, dict[str, Any]]  # (row number, the id the sheet gives, the KR)


@dataclass(frozen=True)
class Settings:
    default_period: str | None = None  # for rows without one (--period)
    decimal_comma: bool = False
    is_period: Callable[[str], bool] = lambda _: True  # a period id the site knows
    team_id: Callable[[str], str | None] = lambda team: team  # a team's id from its id or name; None: unknown
    teams_file: str = ""  # where the known teams are listed (teams.yaml), for the message
    # (id, period) -> the file of the site, other than the one the import writes for it, with that objective id
    site_file: Callable[[str, str], str | None] = lambda objective_id, period: None
    # id -> the file of the site's objective with that id, in any period (an id made from a title avoids them)
    site_has: Callable[[str], str | None] = lambda objective_id: None
    # (title, period) -> the id of the site's one objective with that title in that period
    site_id: Callable[[str, str], str | None] = lambda title, period: None
    # (objective id, period) -> the key results of the site's file of the objective: id -> title
    site_key_results: Callable[[str, str], dict[str, str]] = lambda objective_id, period: {}


@dataclass
class RowReader:
    """Reads the cells of a sheet's rows and collects the problems, by row and column."""

    sheet: Sheet
    layout: Layout
    settings: Settings
    problems: list[Diagnostic] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)
    bad_cells: set[tuple[int, str]] = field(default_factory=set)
    # (row, column) -> the row a cell came from, where a key result's rows are read as one
    origin: dict[tuple[int, str], int] = field(default_factory=dict)
    slashed: str | None = field(init=False)  # the order of the sheet's dates written 3/27/2026 or 27/03/2026

    def __post_init__(self) -> None:
        self.slashed = cells.slashed_order(self.cell(row, column) for row in self.sheet.rows
                                           for column in ("date", "dropped on"))

    def report(self, row: int, column: str | None, message: str, severity: str = "error") -> None:
        col = self.layout.index[column] + 1 if column in self.layout.index else 1
        row = self.origin.get((row, column or ""), row)
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

    def number(self, row: Row, column: str) -> int | float | None:
        """A number cell. Without --decimal-comma, 1,500 is thousands and 1.200 a decimal: in a
        ';'-separated file (as spreadsheet programs save where the comma is the decimal sign)
        either is warned of."""
        value = self.read(row, column, cells.number, self.settings.decimal_comma)
        written = self.cell(row, column)
        if (value is not None and self.sheet.delimiter == ";" and not self.settings.decimal_comma
                and (doubt := cells.decimal_comma_doubt(written))):
            self.report(row.number, column, f"'{self.layout.label(column)}' is read as {value} from {written!r}: "
                                            f"in a file separated by ';' {doubt}{cells.DECIMAL_COMMA_HINT}",
                        "warning")
        return value

    def slug(self, row: Row, column: str, written: str | None) -> str | None:
        """The cell's text when it is an id; otherwise reported (and None)."""
        if written and not is_slug(written):
            self.report(row.number, column, f"'{self.layout.label(column)}' is not an id ({ID_CHARACTERS}): "
                                             f"{written!r}; try '{make_id(written, 'id')}'")
            return None
        return written or None


def make_id(title: str, fallback: str, length: int = OBJECTIVE_ID_LENGTH) -> str:
    """A slug of a title, cut at a word; the fallback when the title has no letter or digit to use."""
    if not re.search(r"[A-Za-z0-9]", ascii_letters(title)):
        return fallback
    slug = slugify(title).strip("-_")
    if len(slug) > length:
        slug = slug[:length + 1].rsplit("-", 1)[0].strip("-_")
    return slug or fallback


@dataclass(frozen=True)
class _Cells:
    """A row's key-result cells, read once."""

    numbers: dict[str, Any]
    done: bool | None
    milestones: tuple
    zone: str | None
    zones: dict[str, str]
    history: tuple[dict[str, Any], ...]


def key_result(reader: RowReader, row: Row) -> KeyResultRow | None:
    """The row's key result in the content format, or None (an objective-only row, or a bad one)."""
    number, comma = row.number, reader.settings.decimal_comma
    title = reader.read(row, "key result", cells.text)
    given_id = reader.slug(row, "kr id", reader.read(row, "kr id", cells.text))
    read = _Cells({name: reader.number(row, name) for name in _NUMBERS},
                  reader.read(row, "done", cells.done), reader.read(row, "milestones", cells.milestones) or (),
                  reader.read(row, "zone", cells.word, ZONE_WORDS),
                  {name.split()[0]: text for name in ZONE_TEXTS if (text := reader.read(row, name, cells.text))},
                  reader.read(row, "history", cells.checkins, comma) or ())
    description = reader.read(row, "kr description", cells.text, True)
    unit = reader.read(row, "unit", cells.text)
    owners = reader.read(row, "kr owner", cells.names) or ()
    dropped, dropped_on = reader.read(row, "dropped", cells.text), reader.read(row, "dropped on", cells.date, reader.slashed)
    date = reader.read(row, "date", cells.date, reader.slashed)
    confidence = reader.read(row, "confidence", cells.fraction, comma)
    note = reader.read(row, "note", cells.text, True)
    kind = _kind(reader, row)
    if not title:
        filled = [reader.layout.label(c) for c in ("kr id", "type", *_NUMBERS, "done", "milestones", "zone",
                                                  *ZONE_TEXTS, "dropped", "history") if reader.filled(row, c)]
        if filled:
            reader.report(number, "key result", f"the key result has no title (the row fills {', '.join(filled)})")
        return None
    if kind is None:
        return None
    kr: dict[str, Any] = {"title": title}
    if description:
        kr["description"] = description
    if kind != "metric":
        kr["type"] = kind
    _typed_fields(reader, row, kind, kr, read)
    if unit or any(cells.is_percent(reader.cell(row, c)) for c in (*_METRIC_ONLY, "floor", "ceiling")):
        kr["unit"] = unit or "%"
    weight = read.numbers["weight"]
    if weight is not None and weight != 1:  # 1 is the default: not written
        if weight <= 0:
            reader.report(number, "weight", f"'{reader.layout.label('weight')}' must be above 0, got {weight}")
        kr["weight"] = weight
    if owners:
        kr["owner"] = owners[0] if len(owners) == 1 else list(owners)
    if dropped:
        kr["dropped"] = {"reason": dropped, **({"date": dropped_on} if dropped_on else {})}
    elif dropped_on:
        reader.report(number, "dropped on", f"'{reader.layout.label('dropped on')}' needs the reason the key "
                                            "result was dropped: fill 'dropped'")
    _checkins(reader, row, kind, kr, read.history, date, confidence, note)
    return number, given_id, kr


def _kind(reader: RowReader, row: Row) -> str | None:
    written = reader.read(row, "type", cells.text)
    if not written:  # not said: the cells the row fills tell (even a bad one: its error is enough)
        if reader.filled(row, "milestones"):
            return "milestones"
        metric = reader.filled(row, "start") or reader.filled(row, "target")
        if not metric and any(reader.filled(row, c) for c in ("zone", *ZONE_TEXTS)):  # (a "Stretch" number
            return "zones"  # beside a start and a target is a metric's stretch goal: left out with a warning)
        if reader.filled(row, "floor") or reader.filled(row, "ceiling"):
            return "maintain"
        return "boolean" if reader.filled(row, "done") and not metric else "metric"
    kind = _TYPE_WORDS.get(written.casefold())
    if kind is None:
        reader.report(row.number, "type", f"'{reader.layout.label('type')}' must be one of "
                                          f"{', '.join(SHEET_KR_TYPES)}, got {written!r}")
    return kind


def _typed_fields(reader: RowReader, row: Row, kind: str, kr: dict[str, Any], read: _Cells) -> None:
    for column in _IGNORED[kind]:
        if reader.filled(row, column):
            hint = (" (its start and target make it one; a key result of zones says zones in a 'type' column)"
                    if kind == "metric" and column in ZONE_TEXTS else "")
            reader.report(row.number, column, f"'{reader.layout.label(column)}' is left out: the key result is "
                                              f"of type {kind}{hint}", "warning")
    numbers = read.numbers
    if kind == "boolean":
        kr["done"] = bool(read.done)
    elif kind == "milestones":
        if not read.milestones and (row.number, "milestones") not in reader.bad_cells:
            reader.report(row.number, "milestones" if "milestones" in reader.layout.index else "type",
                          "a milestones key result needs its milestones, one per line ('[x] Title' when done)")
        kr["milestones"] = list(read.milestones)
    elif kind == "zones":
        if not read.zones:
            reader.report(row.number, "type", "a zones key result needs what its zones mean: fill "
                                              "'commit zone', 'target zone' or 'stretch zone'")
        kr["zones"] = read.zones
        if read.zone:
            kr["zone"] = read.zone
    elif kind == "maintain":
        _band(reader, row, kr, numbers, any("value" in c for c in read.history))
    else:
        for name in ("start", "target"):
            if numbers[name] is None and not reader.filled(row, name):
                reader.report(row.number, name if name in reader.layout.index else "key result",
                              f"a metric key result needs '{name}' (a number)")
        if numbers["start"] is not None and numbers["start"] == numbers["target"]:
            reader.report(row.number, "target", f"'{reader.layout.label('target')}' equals the start "
                                                f"({numbers['start']}): there is nothing to progress")
        kr.update((name, numbers[name]) for name in _METRIC_ONLY if numbers[name] is not None)


def _band(reader: RowReader, row: Row, kr: dict[str, Any], numbers: dict[str, Any], valued: bool) -> None:
    """A maintain KR: a floor, a ceiling or both, and a value to hold against them."""
    floor, ceiling = numbers["floor"], numbers["ceiling"]
    if floor is None and ceiling is None and not (reader.filled(row, "floor") or reader.filled(row, "ceiling")):
        reader.report(row.number, "floor" if "floor" in reader.layout.index else "type",
                      "a maintain key result needs a 'floor', a 'ceiling' or both (numbers)")
    if floor is not None and ceiling is not None and floor > ceiling:
        reader.report(row.number, "floor", f"'{reader.layout.label('floor')}' ({floor}) is above the ceiling "
                                           f"({ceiling}): no value can be inside")
    if numbers["current"] is None and not valued and not reader.filled(row, "current"):
        reader.report(row.number, "current" if "current" in reader.layout.index else "type",
                      "a maintain key result needs its 'current' value")
    kr.update((name, numbers[name]) for name in ("current", "floor", "ceiling") if numbers[name] is not None)


def _checkins(reader: RowReader, row: Row, kind: str, kr: dict[str, Any], history: tuple[dict[str, Any], ...],
              date: Any, confidence: float | None, note: str | None) -> None:
    """The history cell's check-ins and the row's, in date order (of one date, the row's last: it is
    the one a key result counts, as `okrsite export` wrote it): a dated row is a check-in (its
    current value or zone, confidence and note); undated, only a value."""
    entries = list(history)
    takes = CHECKIN_READING.get(kind)
    for entry in entries:
        given = "zone" if "zone" in entry else "value" if "value" in entry else None
        if given and given != takes:
            reader.report(row.number, "history", f"'{reader.layout.label('history')}': the check-in of "
                                                 f"{entry['date']} has a {given}, which a {kind} key result does "
                                                 "not take")
    if date is None and (row.number, "date") not in reader.bad_cells:  # a bad date is reported already
        for column, value in (("confidence", confidence), ("note", note)):
            if value not in (None, ""):
                reader.report(row.number, column, f"'{reader.layout.label(column)}' needs the date of the "
                                                  "check-in: fill the 'date' column")
    elif date is not None:
        reading = {"zone": kr.pop("zone")} if "zone" in kr else {"value": kr.pop("current")} if "current" in kr \
            else {}
        entries.extend(_checkin(date, reading, confidence, note))
    if entries:
        kr["checkins"] = sorted(entries, key=lambda entry: entry["date"])  # (stable: the row's stays last)


def _checkin(date: Any, reading: dict[str, Any], confidence: float | None, note: str | None
             ) -> list[dict[str, Any]]:
    """A dated row's check-in: its value or zone, confidence and note; none when it says nothing
    but the date."""
    checkin = {"date": date, **reading, **({"confidence": confidence} if confidence is not None else {}),
               **({"note": note} if note else {})}
    return [checkin] if len(checkin) > 1 else []


def key_result_of_rows(reader: RowReader, rows: list[Row]) -> KeyResultRow | None:
    """A key result on one row, or on one row per check-in, each with its date (a weekly sheet).
    Its other cells may repeat on each row or stand on one, as an objective's (two values are an
    error); `done` and `milestones` are the latest row's. Undated rows of one key result are
    duplicates, never a second key result made up."""
    if len(rows) == 1:
        return key_result(reader, rows[0])
    undated = [row for row in rows if not reader.filled(row, "date")]
    first, *others = undated[:1] + [row for row in rows if row not in undated[:1]]  # a row may define it, undated
    column = "kr id" if reader.filled(first, "kr id") else "key result"
    if len(undated) > 1:
        for row in undated[1:]:
            reader.report(row.number, column, f"key result {_written(reader.cell(row, column))!r} is on row "
                                              f"{first.number} too, in the same objective: the rows of a key "
                                              "result are its check-ins, each with a 'date', and one row without "
                                              "a date may define it (a 'kr id' tells two key results apart)")
        return None
    latest_first = sorted(rows, key=lambda row: _day(reader, row))[::-1]  # of one day, the last row in the file
    merged = list(first.cells) + [None] * (len(reader.sheet.header) - len(first.cells))
    for name in _KR_COLUMNS:
        if name in _CHECKIN_COLUMNS or name not in reader.layout.index:
            continue
        source = (next((row for row in latest_first if reader.filled(row, name)), None) if name in _LATEST
                  else _one_value(reader, rows, name))
        if source is not None and source is not first:
            merged[reader.layout.index[name]] = reader.cell(source, name)
            reader.origin[(first.number, name)] = source.number
    found = key_result(reader, Row(first.number, tuple(merged)))
    if found is None:
        return None
    kr = found[2]
    takes = CHECKIN_READING.get(kr.get("type", "metric"))
    entries = list(kr.get("checkins", ()))
    for row in others:
        date, reading = reader.read(row, "date", cells.date, reader.slashed), {}
        if takes == "zone" and (zone := reader.read(row, "zone", cells.word, ZONE_WORDS)):
            reading["zone"] = zone
        elif takes == "value" and (value := reader.number(row, "current")) is not None:
            reading["value"] = value
        confidence = reader.read(row, "confidence", cells.fraction, reader.settings.decimal_comma)
        checkin = _checkin(date, reading, confidence, reader.read(row, "note", cells.text, True))
        entries.extend(checkin if date is not None else [])
    if entries:
        kr["checkins"] = sorted(entries, key=lambda entry: entry["date"])  # stable: a day's rows keep their order
    return found


def _same_number(reader: RowReader, name: str, here: Cell, there: Cell) -> bool:
    """Two cells of a number column that hold one number, however written (0.0 and 0, 10% and 10)."""
    if name not in _NUMBERS:
        return False
    try:
        return cells.number(here, name, reader.settings.decimal_comma) == \
            cells.number(there, name, reader.settings.decimal_comma)
    except CellError:  # reported where the cell is read
        return False


def _one_value(reader: RowReader, rows: list[Row], name: str) -> Row | None:
    """The row that gives a key result's cell; another row with another value is an error."""
    found = None
    for row in rows:
        if not reader.filled(row, name):
            continue
        if found is None:
            found = row
            continue
        here, there = _written(reader.cell(row, name)), _written(reader.cell(found, name))
        if here != there and not (name == "key result" and here.casefold() == there.casefold()) \
                and not _same_number(reader, name, reader.cell(row, name), reader.cell(found, name)):
            # two titles under one id: the id, repeated, is the likelier slip
            shared = (f" (the rows share the 'kr id' {_written(reader.cell(row, 'kr id'))!r}: give each key result "
                      "its own)" if name == "key result" and reader.filled(row, "kr id") else "")
            reader.report(row.number, name, f"'{reader.layout.label(name)}' is {here!r} here but {there!r} on row "
                                            f"{found.number}, for the same key result{shared}")
    return found


def _written(cell: Cell) -> str:
    """A cell as text for comparing and quoting, a formula as written."""
    return cell.text if isinstance(cell, Formula) else cells.text(cell, "")


def _day(reader: RowReader, row: Row) -> dt.date:
    """The row's date, for order; a bad one (reported where it is read) counts as the earliest."""
    try:
        return cells.date(reader.cell(row, "date"), "date", reader.slashed) or dt.date.min
    except CellError:
        return dt.date.min
