"""Sheet rows to objective documents: one row per key result, grouped into objectives.

Rows are grouped by `objective id`, or by objective title and period; a row whose
objective cells are empty belongs to the objective of the row above (as under
merged cells). Ids are made from titles where the sheet gives none. Every cell
that cannot be used is reported at its row and column, and an objective with a
bad row is left out whole (with the objectives below it in the sheet's tree),
so what remains is consistent; the importer decides whether to write it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from okrsite.content import sheetcells as cells
from okrsite.content.schema import is_slug
from okrsite.content.sheet import Cell, Row, Sheet
from okrsite.content.sheetcells import CellError
from okrsite.content.sheetlayout import Layout
from okrsite.diagnostics import Diagnostic
from okrsite.model.assemble import KR_TYPES, slugify

OBJECTIVE_ID_LENGTH, KR_ID_LENGTH = 48, 40  # ids made from titles are cut at a word: URLs stay readable
_OBJECTIVE_FIELDS = ("title", "period", "owner", "team", "parent", "description")
_TYPE_WORDS = {"metric": "metric", "number": "metric", "numeric": "metric", "boolean": "boolean",
               "yes/no": "boolean", "binary": "boolean", "milestones": "milestones", "milestone": "milestones"}
_METRIC_ONLY = ("start", "target", "current")


@dataclass(frozen=True)
class Settings:
    default_period: str | None = None  # for rows without one (--period)
    decimal_comma: bool = False
    is_period: Callable[[str], bool] = lambda _: True  # a period id the site knows


@dataclass(frozen=True)
class ObjectiveDoc:
    """One objective file to write: its front matter (in file order) and Markdown body."""

    id: str
    period: str
    meta: dict[str, Any]
    body: str
    rows: tuple[int, ...]

    @property
    def key_results(self) -> int:
        return len(self.meta.get("key_results", ()))


@dataclass(frozen=True)
class Skipped:
    title: str
    rows: tuple[int, ...]
    reason: str


@dataclass
class _Group:
    """The rows of one objective while they are gathered."""

    key: tuple[str, ...]
    first: int
    values: dict[str, str] = field(default_factory=dict)
    where: dict[str, int] = field(default_factory=dict)  # field -> row that gave its value
    given_id: str | None = None
    rows: list[int] = field(default_factory=list)
    krs: list[tuple[int, str | None, dict[str, Any]]] = field(default_factory=list)  # (row, given id, KR)
    bad: bool = False
    id: str = ""


@dataclass
class _Reader:
    sheet: Sheet
    layout: Layout
    settings: Settings
    problems: list[Diagnostic] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)

    def report(self, row: int, column: str | None, message: str, severity: str = "error") -> None:
        col = self.layout.index[column] + 1 if column in self.layout.index else 1
        self.problems.append(Diagnostic(self.sheet.path, row, col, severity, message))  # type: ignore[arg-type]
        if severity == "error":
            self.bad_rows.add(row)

    def cell(self, row: Row, column: str) -> Cell:
        return row.cell(self.layout.index[column]) if column in self.layout.index else None

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


def objectives_from_sheet(sheet: Sheet, layout: Layout, settings: Settings
                          ) -> tuple[list[ObjectiveDoc], list[Skipped], list[Diagnostic]]:
    """The objectives of a sheet; those with a bad row are left out (and named in Skipped)."""
    reader = _Reader(sheet, layout, settings)
    groups = _gather(reader)
    _assign_ids(groups)
    docs = _documents(reader, groups)
    skipped = _skipped(reader, groups)
    by_id = {g.id: g for g in groups if not g.bad}
    return [d for d in docs if d.id in by_id], skipped, reader.problems


def _gather(reader: _Reader) -> list[_Group]:
    """Group rows into objectives, reading each cell once."""
    titled_ids = _ids_by_title(reader)
    groups: dict[tuple[str, ...], _Group] = {}
    previous: _Group | None = None
    for row in reader.sheet.rows:
        values = {name: reader.read(row, column, cells.text, name == "description")
                  for name, column in (("title", "objective"), ("owner", "owner"), ("team", "team"),
                                       ("parent", "parent"), ("description", "description"))}
        values["period"] = reader.read(row, "period", cells.period)
        written_id = reader.read(row, "objective id", cells.text)
        given_id = reader.slug(row, "objective id", written_id)
        if written_id and not given_id:
            continue  # reported: without its id the row's objective is unknown
        if given_id or values["title"]:
            period = values["period"] or reader.settings.default_period or ""
            key = _key(given_id, values["title"] or "", period, titled_ids)
            group = groups.setdefault(key, _Group(key, row.number, given_id=given_id or
                                                  (key[1] if key[0] == "id" else None)))
        elif previous is not None:
            group = previous  # the objective of the row above, as under merged cells
        else:
            reader.report(row.number, "objective", "no objective: fill the objective's title")
            continue
        _merge(reader, group, row.number, values)
        group.rows.append(row.number)
        kr = _key_result(reader, row)
        if kr is not None:
            group.krs.append(kr)
        previous = group
    for group in groups.values():
        group.bad = any(number in reader.bad_rows for number in group.rows)
        _check_objective(reader, group)
    return list(groups.values())


def _ids_by_title(reader: _Reader) -> dict[tuple[str, str], str]:
    """(title, period) -> id, from the rows that give both: rows with the title alone join them."""
    found: dict[tuple[str, str], str] = {}
    for row in reader.sheet.rows:
        try:
            title = cells.text(reader.cell(row, "objective"), "objective").casefold()
            given = cells.text(reader.cell(row, "objective id"), "objective id")
            period = cells.period(reader.cell(row, "period"), "period") or reader.settings.default_period or ""
        except CellError:
            continue  # reported when the row is read
        if title and given:
            found.setdefault((title, period), given)
    return found


def _key(given_id: str | None, title: str, period: str, titled_ids: dict[tuple[str, str], str]) -> tuple[str, ...]:
    if given_id:
        return ("id", given_id)
    known = titled_ids.get((title.casefold(), period))
    return ("id", known) if known else ("title", title.casefold(), period)


def _merge(reader: _Reader, group: _Group, number: int, values: dict[str, Any]) -> None:
    """Objective cells may repeat on each row, or stand on one: a different value is an error."""
    columns = {"title": "objective"}
    for name in _OBJECTIVE_FIELDS:
        value = values.get(name)
        if not value:
            continue
        first = group.values.get(name)
        if first is None:
            group.values[name], group.where[name] = value, number
        elif first != value and not (name == "title" and first.casefold() == value.casefold()):
            column = columns.get(name, name)
            reader.report(number, column, f"'{reader.layout.label(column)}' is {value!r} here but {first!r} on "
                                          f"row {group.where[name]}, for the same objective")


def _key_result(reader: _Reader, row: Row) -> tuple[int, str | None, dict[str, Any]] | None:
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
    kind = _kind(reader, row, read, done, milestones)
    if not title:
        filled = [reader.layout.label(c) for c in ("kr id", "type", *_METRIC_ONLY, "done", "milestones", "weight")
                  if c in reader.layout.index and reader.cell(row, c) not in (None, "")]
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


def _kind(reader: _Reader, row: Row, read: dict[str, Any], done: bool | None, milestones: tuple) -> str | None:
    written = reader.read(row, "type", cells.text)
    if not written:  # not said: what the row fills tells
        if milestones:
            return "milestones"
        return "boolean" if done is not None and read["start"] is None and read["target"] is None else "metric"
    kind = _TYPE_WORDS.get(written.casefold())
    if kind is None:
        reader.report(row.number, "type", f"'{reader.layout.label('type')}' must be one of "
                                          f"{', '.join(KR_TYPES)}, got {written!r}")
    return kind


def _typed_fields(reader: _Reader, row: Row, kind: str, kr: dict[str, Any], read: dict[str, Any],
                  done: bool | None, milestones: tuple) -> None:
    ignored = {"metric": ("done", "milestones"), "boolean": (*_METRIC_ONLY, "milestones"),
               "milestones": (*_METRIC_ONLY, "done")}[kind]
    for column in ignored:
        if column in reader.layout.index and reader.cell(row, column) not in (None, ""):
            reader.report(row.number, column, f"'{reader.layout.label(column)}' is left out: the key result is "
                                              f"of type {kind}", "warning")
    if kind == "boolean":
        kr["done"] = bool(done)
    elif kind == "milestones":
        if not milestones:
            reader.report(row.number, "milestones" if "milestones" in reader.layout.index else "type",
                          "a milestones key result needs its milestones, one per line ('[x] Title' when done)")
        kr["milestones"] = list(milestones)
    else:
        for name in ("start", "target"):
            if read[name] is None and reader.cell(row, name) in (None, ""):
                reader.report(row.number, name if name in reader.layout.index else "key result",
                              f"a metric key result needs '{name}' (a number)")
        if read["start"] is not None and read["start"] == read["target"]:
            reader.report(row.number, "target", f"'{reader.layout.label('target')}' equals the start "
                                                f"({read['start']}): there is nothing to progress")
        kr.update((name, read[name]) for name in _METRIC_ONLY if read[name] is not None)


def _checkin(reader: _Reader, row: Row, kr: dict[str, Any], date: Any, confidence: float | None,
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


def _check_objective(reader: _Reader, group: _Group) -> None:
    period = group.values.get("period") or reader.settings.default_period
    if not group.values.get("title"):
        reader.report(group.first, "objective", f"objective '{group.given_id}' has no title on any of its rows")
    elif not period:
        reader.report(group.first, "period", f"no period for objective {group.values['title']!r}: fill "
                                             "'period' or pass --period")
    elif not reader.settings.is_period(period):
        reader.report(group.where.get("period", group.first), "period",
                      f"unknown period {period!r}: use 2026-Q1, 2026-H1, 2026 or an id from 'periods' in "
                      "okrsite.yaml")
    else:
        group.values["period"] = period
    group.bad = any(number in reader.bad_rows for number in group.rows)


def _assign_ids(groups: list[_Group]) -> None:
    """Given ids first; then ids from titles, made unique with the period, then a number."""
    taken = {g.given_id for g in groups if g.given_id}
    for group in groups:
        if group.given_id:
            group.id = group.given_id
            continue
        base = make_id(group.values.get("title", ""), "objective")
        candidates = [base, f"{base}-{make_id(group.values.get('period', ''), '')}".strip("-")]
        candidate = next((c for c in candidates if c not in taken), None)
        number = 2
        while candidate is None or candidate in taken:
            candidate, number = f"{base}-{number}", number + 1
        taken.add(candidate)
        group.id = candidate


def _documents(reader: _Reader, groups: list[_Group]) -> list[ObjectiveDoc]:
    by_id = {g.id: g for g in groups}
    by_title: dict[str, list[_Group]] = {}
    for group in groups:
        by_title.setdefault(group.values.get("title", "").casefold(), []).append(group)
    parents = {g.id: _parent(reader, g, by_id, by_title) for g in groups}
    children = {parent for parent in parents.values() if parent}
    docs = []
    for group in groups:
        if not group.krs and group.id not in children and not group.bad:
            reader.report(group.first, "key result", f"objective '{group.id}' has no key results and no child "
                                                     "objectives in the sheet", "warning")
        meta: dict[str, Any] = {"id": group.id}
        meta.update((name, group.values[name]) for name in ("title", "period", "owner", "team")
                    if group.values.get(name))
        if parents[group.id]:
            meta["parent"] = parents[group.id]
        key_results = _kr_ids(reader, group)
        if key_results:
            meta["key_results"] = key_results
        docs.append(ObjectiveDoc(group.id, group.values.get("period", ""), meta,
                                 group.values.get("description", ""), tuple(group.rows)))
    # A child of a left-out objective would name a parent that does not exist: leave it out too.
    changed = True
    while changed:
        changed = False
        for group in groups:
            parent = by_id.get(parents[group.id] or "")
            if parent is not None and parent.bad and not group.bad:
                group.bad = changed = True
    return docs


def _parent(reader: _Reader, group: _Group, by_id: dict[str, _Group],
            by_title: dict[str, list[_Group]]) -> str | None:
    """A parent by id or by title of another objective in the sheet, or an id of the site."""
    written = group.values.get("parent")
    if not written:
        return None
    named = by_id.get(written) or next(iter(by_title.get(written.casefold(), [])[:1]), None)
    row = group.where["parent"]
    if named is group:
        reader.report(row, "parent", f"objective '{group.id}' names itself as its parent")
        return None
    if named is not None:
        return named.id
    if is_slug(written):
        reader.report(row, "parent", f"parent '{written}' is not in the sheet: it must be an objective of the "
                                     "site already", "warning")
        return written
    reader.report(row, "parent", f"parent {written!r} is neither an objective of the sheet nor an objective id")
    return None


def _kr_ids(reader: _Reader, group: _Group) -> list[dict[str, Any]]:
    taken = {given for _, given, _ in group.krs if given}
    seen: set[str] = set()
    result = []
    for number, given, kr in group.krs:
        if given:
            if given in seen:
                reader.report(number, "kr id", f"duplicate key result id '{given}' in objective '{group.id}'")
                group.bad = True
            kr_id = given
        else:
            base = make_id(kr["title"], f"kr-{len(result) + 1}", KR_ID_LENGTH)
            kr_id, suffix = base, 2
            while kr_id in taken:
                kr_id, suffix = f"{base}-{suffix}", suffix + 1
        seen.add(kr_id)
        taken.add(kr_id)
        result.append({"id": kr_id, **kr})
    return result


def _skipped(reader: _Reader, groups: list[_Group]) -> list[Skipped]:
    result = []
    for group in groups:
        if not group.bad:
            continue
        bad = [n for n in group.rows if n in reader.bad_rows]
        reason = (f"row{'s' if len(bad) > 1 else ''} {', '.join(map(str, bad))} cannot be used" if bad
                  else "its parent objective is left out")
        result.append(Skipped(group.values.get("title") or group.id, tuple(group.rows), reason))
    return result
