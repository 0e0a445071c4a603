"""Sheet rows to objective documents: one row per key result, grouped into objectives.

Rows are grouped by `objective id`, or by objective title and period; a row whose
objective cells are empty belongs to the objective of the row above (as under
merged cells). An objective's rows of one key result are its check-ins (rows.py).
Ids are made from titles where the sheet gives none. Every cell
that cannot be used is reported at its row and column, and an objective with a
bad row is left out whole (with the objectives below it in the sheet's tree),
so what remains is consistent; the importer decides whether to write it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from okrsite.content.sheets import cells
from okrsite.content.schema import is_slug
from okrsite.content.sheets.read import Row, Sheet
from okrsite.content.sheets.cells import CellError
from okrsite.content.sheets.layout import Layout
from okrsite.content.sheets.rows import (KR_ID_LENGTH, KeyResultRow, RowReader, Settings, key_result_of_rows,
                                         make_id)
from okrsite.diagnostics import Diagnostic

_OBJECTIVE_FIELDS = ("title", "period", "owner", "team", "parent", "kind", "priority", "description", "grade",
                     "closing note")
_COLUMNS = {"title": "objective", "grade": "closing grade"}  # field -> column, where the names differ
KIND_WORDS = {"committed": "committed", "commit": "committed", "aspirational": "aspirational",
              "aspiration": "aspirational", "moonshot": "aspirational", "stretch": "aspirational"}


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
    values: dict[str, Any] = field(default_factory=dict)
    where: dict[str, int] = field(default_factory=dict)  # field -> row that gave its value
    given_id: str | None = None
    rows: list[int] = field(default_factory=list)
    kr_rows: dict[tuple[str, ...], list[Row]] = field(default_factory=dict)  # a key result's rows, by its key
    krs: list[KeyResultRow] = field(default_factory=list)
    bad: bool = False
    id: str = ""


def objectives_from_sheet(sheet: Sheet, layout: Layout, settings: Settings
                          ) -> tuple[list[ObjectiveDoc], list[Skipped], list[Diagnostic]]:
    """The objectives of a sheet; those with a bad row are left out (and named in Skipped)."""
    reader = RowReader(sheet, layout, settings)
    groups = _gather(reader)
    _assign_ids(reader, groups)
    key_results = {g.id: _kr_ids(reader, g) for g in groups}
    parents = _parents(reader, groups, key_results)
    _leave_out_bad(reader, groups, parents)
    docs = []
    for group in groups:
        if not group.bad:
            docs.append(_document(group, parents[group.id], key_results[group.id]))
            if not group.krs and group.id not in parents.values():
                reader.report(group.first, "key result", f"objective '{group.id}' has no key results and no "
                                                         "child objectives in the sheet", "warning")
    return docs, _skipped(reader, groups), reader.problems


def _gather(reader: RowReader) -> list[_Group]:
    """Group rows into objectives, reading each cell once (the titles' ids and periods are looked up
    first, by the passes that match rows to them)."""
    titled_periods = _periods_by_title(reader)
    titled_ids = _ids_by_title(reader, titled_periods)
    groups: dict[tuple[str, ...], _Group] = {}
    previous: _Group | None = None
    ended, last_number = False, 0
    for row in reader.sheet.rows:
        if previous is not None and row.number > last_number + 1:  # an empty row ends an objective's rows:
            previous, ended = None, True  # a total below the table is none of its key results
        last_number = row.number
        values = {name: reader.read(row, _COLUMNS.get(name, name), cells.text, name == "description")
                  for name in ("title", "parent", "description", "closing note")}
        values.update((name, ", ".join(reader.read(row, name, cells.names) or ())) for name in ("owner", "team"))
        values["period"] = reader.read(row, "period", cells.period)
        values["kind"] = reader.read(row, "kind", cells.word, KIND_WORDS)
        values["priority"] = reader.read(row, "priority", cells.priority)
        values["grade"] = reader.read(row, "closing grade", cells.fraction, reader.settings.decimal_comma)
        written_id = reader.read(row, "objective id", cells.text)
        given_id = reader.slug(row, "objective id", written_id)
        if written_id and not given_id:
            continue  # reported: without its id the row's objective is unknown
        if given_id or values["title"]:
            period = (values["period"] or titled_periods.get((values["title"] or "").casefold())
                      or reader.settings.default_period or "")
            key = _key(given_id, values["title"] or "", period, titled_ids)
            group = groups.setdefault(key, _Group(key, row.number, given_id=given_id or
                                                  (key[1] if key[0] == "id" else None)))
        elif previous is not None:
            group = previous  # the objective of the row above, as under merged cells
        else:
            why = " (an empty row above ends the rows of the objective before it)" if ended else ""
            reader.report(row.number, "objective", f"no objective: fill the objective's title{why}")
            continue
        _merge(reader, group, row.number, values)
        group.rows.append(row.number)
        group.kr_rows.setdefault(_kr_key(reader, row), []).append(row)
        previous = group
    for group in groups.values():
        _join_titles_to_ids(reader, group.kr_rows)
        group.krs = [kr for rows in group.kr_rows.values() if (kr := key_result_of_rows(reader, rows)) is not None]
        _check_objective(reader, group)
    return list(groups.values())


def _kr_key(reader: RowReader, row: Row) -> tuple[str, ...]:
    """Rows of one objective with the same `kr id`, or else the same key result title (any case),
    are one key result; a row without either stands alone."""
    try:
        given = cells.text(reader.cell(row, "kr id"), "kr id")
    except CellError:
        return ("row", str(row.number))  # reported when the row is read
    title = _kr_title(reader, row)
    return ("id", given) if given else ("title", title) if title else ("row", str(row.number))


def _kr_title(reader: RowReader, row: Row) -> str | None:
    """The row's key result title as rows are matched by it (any case); None for a bad cell,
    reported when the row is read."""
    try:
        return cells.text(reader.cell(row, "key result"), "key result").casefold()
    except CellError:
        return None


def _join_titles_to_ids(reader: RowReader, kr_rows: dict[tuple[str, ...], list[Row]]) -> None:
    """Rows of a key result that give its title but not its `kr id` join the rows that give both
    (an id written on the first of its weekly rows only split it in two)."""
    ids: dict[str, tuple[str, ...]] = {}
    for key, rows in kr_rows.items():
        if key[0] == "id":
            for row in rows:
                if title := _kr_title(reader, row):
                    ids.setdefault(title, key)
    for key in [key for key in kr_rows if key[0] == "title" and key[1] in ids]:
        joined = kr_rows[ids[key[1]]] + kr_rows.pop(key)
        kr_rows[ids[key[1]]] = sorted(joined, key=lambda row: row.number)


def _ids_by_title(reader: RowReader, titled_periods: dict[str, str]) -> dict[tuple[str, str], str]:
    """(title, period) -> id, from the rows that give both (the period another row of the title
    gives, where the row gives none): rows with the title alone join them."""
    found: dict[tuple[str, str], str] = {}
    for row in reader.sheet.rows:
        try:
            title = cells.text(reader.cell(row, "objective"), "objective").casefold()
            given = cells.text(reader.cell(row, "objective id"), "objective id")
            period = (cells.period(reader.cell(row, "period"), "period") or titled_periods.get(title)
                      or reader.settings.default_period or "")
        except CellError:
            continue  # reported when the row is read
        if title and is_slug(given):
            found.setdefault((title, period), given)
    return found


def _periods_by_title(reader: RowReader) -> dict[str, str]:
    """title -> the one period its rows give (on one of them, or repeated): its rows without a
    period are that objective's. A title given two periods is two objectives; its rows without a
    period belong to neither."""
    found: dict[str, set[str]] = {}
    for row in reader.sheet.rows:
        try:
            title = cells.text(reader.cell(row, "objective"), "objective").casefold()
            period = cells.period(reader.cell(row, "period"), "period")
        except CellError:
            continue  # reported when the row is read
        if title and period:
            found.setdefault(title, set()).add(period)
    return {title: next(iter(periods)) for title, periods in found.items() if len(periods) == 1}


def _key(given_id: str | None, title: str, period: str, titled_ids: dict[tuple[str, str], str]) -> tuple[str, ...]:
    if given_id:
        return ("id", given_id)
    known = titled_ids.get((title.casefold(), period))
    return ("id", known) if known else ("title", title.casefold(), period)


def _merge(reader: RowReader, group: _Group, number: int, values: dict[str, Any]) -> None:
    """Objective cells may repeat on each row, or stand on one: a different value is an error."""
    for name in _OBJECTIVE_FIELDS:
        value = values.get(name)
        if value is None or value == "":
            continue
        first = group.values.get(name)
        if first is None:
            group.values[name], group.where[name] = value, number
        elif first != value and not (name == "title" and first.casefold() == value.casefold()):
            column = _COLUMNS.get(name, name)
            hint = (" (rows with the same title and period are one objective: an 'objective id' column tells "
                    "two apart)" if group.key[0] == "title" else "")
            reader.report(number, column, f"'{reader.layout.label(column)}' is {value!r} here but {first!r} on "
                                          f"row {group.where[name]}, for the same objective{hint}")


def _check_objective(reader: RowReader, group: _Group) -> None:
    if "closing note" in group.values and "grade" not in group.values:
        reader.report(group.where["closing note"], "closing note", f"'{reader.layout.label('closing note')}' needs "
                                                                   "the grade it explains: fill 'closing grade'")
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
    if group.values.get("team"):
        _check_teams(reader, group)


def _check_teams(reader: RowReader, group: _Group) -> None:
    """Each team named by the id or the name teams.yaml gives it; written as its id. The whole cell
    is tried first: a team's name may hold a comma ("Research, Development")."""
    whole = reader.settings.team_id(group.values["team"])
    if whole is not None:
        group.values["team"] = whole
        return
    ids = []
    for name in group.values["team"].split(", "):
        team = reader.settings.team_id(name)
        if team is None:
            reader.report(group.where["team"], "team", f"unknown team {name!r}: not listed in "
                                                       f"{reader.settings.teams_file} (by id or name); add it there")
            return
        ids.append(team)
    group.values["team"] = ", ".join(ids)


def _assign_ids(reader: RowReader, groups: list[_Group]) -> None:
    """Given ids first; then the id of the site's objective with the same title and period (the
    sheet names it again); then ids from titles, made unique with the period, then a number. An
    id another file of the site has is taken too: given, it is an error; made, the next is tried."""
    taken = {g.given_id for g in groups if g.given_id}
    for group in groups:
        period = group.values.get("period", "")
        if group.given_id:
            group.id = group.given_id
            if elsewhere := reader.settings.site_file(group.id, period):
                reader.report(group.first, "objective id", f"objective id '{group.id}' is taken: {elsewhere} has "
                                                           "it; give this objective another id")
            continue
        known = reader.settings.site_id(group.values.get("title", ""), period)
        if known is not None and known not in taken:
            taken.add(known)
            group.id = known
            continue
        base = make_id(group.values.get("title", ""), "objective")
        candidates = [base, f"{base}-{make_id(period, '')}".strip("-")]
        candidate = next((c for c in candidates if _free(reader, taken, c, period)), None)
        number = 2
        while candidate is None or not _free(reader, taken, candidate, period):
            candidate, number = f"{base}-{number}", number + 1
        taken.add(candidate)
        group.id = candidate


def _free(reader: RowReader, taken: set[str], candidate: str, period: str) -> bool:
    """An id made from a title is no id of the sheet's or of the site's (a site's objective of
    another title, "Grow revenue" with the id `grow`, is not the sheet's "Grow": it was replaced)."""
    return candidate not in taken and reader.settings.site_has(candidate) is None


def _parents(reader: RowReader, groups: list[_Group], key_results: dict[str, list[dict[str, Any]]]
             ) -> dict[str, str | None]:
    by_id = {g.id: g for g in groups}
    by_title: dict[str, list[_Group]] = {}
    for group in groups:
        by_title.setdefault(group.values.get("title", "").casefold(), []).append(group)
    return {g.id: _parent(reader, g, by_id, by_title, key_results) for g in groups}


def _leave_out_bad(reader: RowReader, groups: list[_Group], parents: dict[str, str | None]) -> None:
    """An objective with a bad row is left out, and so is every objective below it in the sheet
    (it would name a parent that does not exist)."""
    by_id = {g.id: g for g in groups}
    for group in groups:
        group.bad = any(number in reader.bad_rows for number in group.rows)
    changed = True
    while changed:
        changed = False
        for group in groups:
            parent = by_id.get(parents[group.id] or "")
            if parent is not None and parent.bad and not group.bad:
                group.bad = changed = True


def _document(group: _Group, parent: str | None, key_results: list[dict[str, Any]]) -> ObjectiveDoc:
    values = group.values
    meta: dict[str, Any] = {"id": group.id}
    meta.update((name, values[name]) for name in ("title", "period", "kind") if values.get(name))
    for name in ("owner", "team"):  # several, separated by commas: a list
        names = values.get(name, "").split(", ") if values.get(name) else []
        if names:
            meta[name] = names[0] if len(names) == 1 else names
    if parent:
        meta["parent"] = parent
    if values.get("priority") is not None:
        meta["priority"] = values["priority"]
    if values.get("grade") is not None:
        meta["closed"] = {"grade": values["grade"], **({"note": values["closing note"]}
                                                        if values.get("closing note") else {})}
    if key_results:
        meta["key_results"] = key_results
    return ObjectiveDoc(group.id, group.values["period"], meta, group.values.get("description", ""),
                        tuple(group.rows))


def _parent(reader: RowReader, group: _Group, by_id: dict[str, _Group], by_title: dict[str, list[_Group]],
            key_results: dict[str, list[dict[str, Any]]]) -> str | None:
    """A parent by id or by title of another objective in the sheet, or an id of the site; either
    followed by `/kr-id` for a key result of it that the objective hangs from."""
    written = group.values.get("parent")
    if not written:
        return None
    row = group.where["parent"]

    def named(text: str) -> _Group | None:
        return by_id.get(text) or next(iter(by_title.get(text.casefold(), [])[:1]), None)

    found, kr_id = named(written), None
    if found is None and "/" in written:
        objective, _, kr_id = written.rpartition("/")
        found = named(objective.strip())
        if found is None and is_slug(objective) and is_slug(kr_id):
            reader.report(row, "parent", f"parent '{written}' is not in the sheet: it must be a key result of the "
                                         "site already", "warning")
            return written
        kr_id = kr_id.strip()
    if found is group:
        reader.report(row, "parent", f"objective '{group.id}' names itself as its parent")
        return None
    if found is not None and kr_id is not None:
        ids = [kr["id"] for kr in key_results[found.id]]
        if kr_id not in ids:
            reader.report(row, "parent", f"objective '{found.id}' has no key result '{kr_id}' in the sheet"
                                         f"{'; its key results: ' + ', '.join(ids) if ids else ''}")
            return None
        return f"{found.id}/{kr_id}"
    if found is not None:
        return found.id
    if is_slug(written):
        reader.report(row, "parent", f"parent '{written}' is not in the sheet: it must be an objective of the "
                                     "site already", "warning")
        return written
    reader.report(row, "parent", f"parent {written!r} is neither an objective of the sheet (or one of its key "
                                 "results) nor an objective id")
    return None


def _kr_ids(reader: RowReader, group: _Group) -> list[dict[str, Any]]:
    """Given ids; else the id the site's file of the objective gives the title (reserved before any
    id is made, so that a new key result takes none of them); else one made from the title, which
    is no id of the file's (a link to a key result the sheet left out must not reach a new one)."""
    site = reader.settings.site_key_results(group.id, group.values.get("period", ""))
    by_title: dict[str, str] = {}
    for kr_id, title in site.items():
        by_title.setdefault(title.casefold(), kr_id)
    given_ids = {given for _, given, _ in group.krs if given}
    matched = {number: found for number, given, kr in group.krs if not given
               and (found := by_title.get(kr["title"].casefold())) and found not in given_ids}
    twice = Counter(matched.values())  # two rows of one title: neither is sure
    known = {number: found for number, found in matched.items() if twice[found] == 1}
    taken = given_ids | set(known.values()) | set(site)
    seen: set[str] = set()
    result = []
    for number, given, kr in group.krs:
        if given:
            if given in seen:
                reader.report(number, "kr id", f"duplicate key result id '{given}' in objective '{group.id}'")
            kr_id = given
        elif number in known:
            kr_id = known[number]  # the site's file of the objective has it by this title: its id stays
        else:
            base = make_id(kr["title"], f"kr-{len(result) + 1}", KR_ID_LENGTH)
            kr_id, suffix = base, 2
            while kr_id in taken:
                kr_id, suffix = f"{base}-{suffix}", suffix + 1
        seen.add(kr_id)
        taken.add(kr_id)
        result.append({"id": kr_id, **kr})
    return result


def _skipped(reader: RowReader, groups: list[_Group]) -> list[Skipped]:
    result = []
    for group in groups:
        if not group.bad:
            continue
        bad = [n for n in group.rows if n in reader.bad_rows]
        reason = (f"row{'s' if len(bad) > 1 else ''} {', '.join(map(str, bad))} cannot be used" if bad
                  else "its parent objective is left out")
        result.append(Skipped(group.values.get("title") or group.id, tuple(group.rows), reason))
    return result
