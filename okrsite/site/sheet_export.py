"""The site's key results as a sheet: one row per key result, in the layout `okrsite import` reads.

Built from the loaded model, so what the sheet says is what the site shows: a
metric's `current` (a zones KR's `zone`) is what the report counts on `as_of`,
and the date, confidence and note are those of the latest check-in known then;
the KR's other check-ins are in `history`. Importing the sheet gives objectives
with the same numbers. Text a spreadsheet program would run as a formula is
written with a leading apostrophe, which `okrsite import` removes again.
"""

from __future__ import annotations

import csv
import io
import re

from okrsite.content.sheets.read import escape_text
from okrsite.content.sheets.cells import checkins_text, milestones_text, number_text
from okrsite.content.sheets.layout import NAMES
from okrsite.model.site import CheckIn, KeyResult, Objective, Site

_NUMBERS = frozenset({"start", "target", "current", "floor", "ceiling", "weight", "confidence", "priority",
                      "closing grade"})


def _latest_checkin(kr: KeyResult, site: Site) -> CheckIn | None:
    """The last check-in known on as_of (on one date, the later in the file) that gives the KR's
    current value or zone (any, on types without one): the row's value is the value of its date."""
    measured = {"metric": lambda c: c.value is not None, "maintain": lambda c: c.value is not None,
                "zones": lambda c: c.zone is not None}.get(kr.type, lambda c: True)
    known = [c for c in sorted(kr.checkins, key=lambda c: c.date) if c.date <= site.as_of and measured(c)]
    return known[-1] if known else None


def _objective_cells(objective: Objective, first: bool) -> dict[str, object]:
    parent = f"{objective.parent}/{objective.parent_kr}" if objective.parent_kr else objective.parent
    closed = objective.closed
    return {"objective id": objective.id, "objective": objective.title, "period": objective.period,
            "owner": ", ".join(objective.owners), "team": ", ".join(objective.teams), "parent": parent or "",
            "kind": objective.kind, "priority": objective.priority,
            # The rationale once, on the objective's first row: it is often long.
            "description": objective.body.strip("\n") if first else "",
            "closing grade": closed and closed.grade, "closing note": closed.note if closed else ""}


def _kr_cells(kr: KeyResult, site: Site) -> dict[str, object]:
    checkin = _latest_checkin(kr, site)
    cells: dict[str, object] = {"kr id": kr.id, "key result": kr.title, "kr description": kr.description,
                                "type": kr.type, "unit": kr.unit, "weight": kr.weight, "kr owner": ", ".join(kr.owners)}
    if kr.type == "metric":
        cells.update(start=kr.start, target=kr.target, current=kr.current)
    elif kr.type == "maintain":
        cells.update(floor=kr.floor, ceiling=kr.ceiling, current=kr.current)
    elif kr.type == "zones" and kr.zones:
        cells.update({"zone": kr.zone, "commit zone": kr.zones.commit, "target zone": kr.zones.target,
                      "stretch zone": kr.zones.stretch})
    elif kr.type == "boolean":
        cells["done"] = "yes" if kr.done else "no"
    elif kr.type == "milestones":
        cells["milestones"] = milestones_text([(m.title, m.done, m.due) for m in kr.milestones])
    if kr.dropped:
        cells.update({"dropped": kr.dropped.reason, "dropped on": kr.dropped.date and kr.dropped.date.isoformat()})
    if checkin is not None:
        cells.update(date=checkin.date.isoformat(), confidence=checkin.confidence, note=checkin.note)
    cells["history"] = checkins_text([(c.date, c.zone or c.value, c.confidence, c.note)
                                      for c in kr.checkins if c is not checkin])
    return cells


def sheet_rows(site: Site) -> list[dict[str, object]]:
    """One row per key result (an objective without any: one row with its cells only),
    period by period, then by objective id."""
    order = list(site.periods)
    rows: list[dict[str, object]] = []
    for objective in sorted(site.objectives.values(), key=lambda o: (order.index(o.period), o.id)):
        krs = objective.key_results or (None,)
        for index, kr in enumerate(krs):
            row = _objective_cells(objective, index == 0)
            if kr is not None:
                row.update(_kr_cells(kr, site))
            rows.append(row)
    return rows


def _cell(name: str, value: object) -> str:
    if value is None:
        return ""
    if name in _NUMBERS:
        return number_text(value)  # type: ignore[arg-type]
    return escape_text(str(value))


def split_owners(site: Site) -> list[str]:
    """Owners whose name holds a comma or a semicolon, said with what they own: the sheet joins
    several owners with ', ', and `okrsite import` splits a cell there, so "Smith, Dana" would come
    back as the two owners "Smith" and "Dana"."""
    owned = [(f"objective '{o.id}'", o.owners) for o in site.objectives.values()] + \
        [(f"key result '{kr.ref}'", kr.owners) for o in site.objectives.values() for kr in o.key_results]
    return [f"{what}: the owner {name!r} holds a comma or a semicolon, which okrsite import reads as two names "
            f"(write it without one: 'Dana Smith')" for what, names in owned for name in names if re.search("[,;]", name)]


def sheet_csv(site: Site) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads accents right), CRLF rows as RFC 4180 has them."""
    stream = io.StringIO(newline="")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(NAMES)
    for row in sheet_rows(site):
        writer.writerow([_cell(name, row.get(name)) for name in NAMES])
    return stream.getvalue().encode("utf-8-sig")
