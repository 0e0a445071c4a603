"""The site's key results as a sheet: one row per key result, in the layout `okrsite import` reads.

Built from the loaded model, so what the sheet says is what the site shows: a
metric's `current` is the value the report counts on `as_of`, and the date,
confidence and note are those of the latest check-in known then. Importing the
sheet gives objectives with the same numbers (the check-in history before that
is not in the sheet). Text a spreadsheet program would run as a formula is
written with a leading apostrophe, which `okrsite import` removes again.
"""

from __future__ import annotations

import csv
import io

from okrsite.content.sheets.read import escape_text
from okrsite.content.sheets.cells import milestones_text, number_text
from okrsite.content.sheets.layout import NAMES
from okrsite.model.site import CheckIn, KeyResult, Objective, Site

_NUMBERS = frozenset({"start", "target", "current", "weight", "confidence"})


def _latest_checkin(kr: KeyResult, site: Site) -> CheckIn | None:
    """The last check-in known on as_of (on one date, the later in the file)."""
    known = [c for c in sorted(kr.checkins, key=lambda c: c.date) if c.date <= site.as_of]
    return known[-1] if known else None


def _objective_cells(objective: Objective, first: bool) -> dict[str, object]:
    return {"objective id": objective.id, "objective": objective.title, "period": objective.period,
            "owner": objective.owner, "team": objective.team or "", "parent": objective.parent or "",
            # The rationale once, on the objective's first row: it is often long.
            "description": objective.body.strip("\n") if first else ""}


def _kr_cells(kr: KeyResult, site: Site) -> dict[str, object]:
    checkin = _latest_checkin(kr, site)
    cells: dict[str, object] = {"kr id": kr.id, "key result": kr.title, "type": kr.type, "unit": kr.unit,
                                "weight": kr.weight, "kr owner": kr.owner}
    if kr.type == "metric":
        cells.update(start=kr.start, target=kr.target, current=kr.current)
    elif kr.type == "boolean":
        cells["done"] = "yes" if kr.done else "no"
    else:
        cells["milestones"] = milestones_text([(m.title, m.done, m.due) for m in kr.milestones])
    if checkin is not None:
        cells.update(date=checkin.date.isoformat(), confidence=checkin.confidence, note=checkin.note)
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


def sheet_csv(site: Site) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads accents right), CRLF rows as RFC 4180 has them."""
    stream = io.StringIO(newline="")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(NAMES)
    for row in sheet_rows(site):
        writer.writerow([_cell(name, row.get(name)) for name in NAMES])
    return stream.getvalue().encode("utf-8-sig")
