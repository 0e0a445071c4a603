"""The report of `okrsite diff`: Markdown for a pull request or a GitHub job summary, or JSON.

Markdown: a heading, then one table per section that has rows, in a fixed order; one line,
"No OKR changes: BASE → HEAD.", when nothing moved. Percentages are rounded once and a
difference in points is taken between the shown numbers, so a row never disagrees with itself.

JSON (`--format json`), one object:

    {"base": {"revision": "main", "commit": "<40 hex>"},
     "head": {"revision": null, "commit": null},          (null: the work tree)
     "as_of": "2026-05-14",
     "objectives": [{"change": "added" | "removed" | "dropped" | "moved" | "retitled" | "reassigned", "id", "title",
                     "period", "team", "draft", "was"}],
     "progress": [{"id", "title", "period", "progress_from", "progress_to", "status_from", "status_to"}],
     "key_results": [{"change": "added" | "removed" | "dropped" | "reinstated" | "retitled", "ref",
                      "title", "reason", "date", "was"}],
     "values": [{"ref", "title", "type", "unit", "from", "to", "progress_from", "progress_to",
                 "status_from", "status_to"}],
     "targets": [{"ref", "title", "unit", "field": "target" | "start" | "floor" | "ceiling",
                  "from", "to", "eased"}],
     "confidence_drops": [{"ref", "title", "from", "to"}],
     "projects": [{"change": "added" | "removed" | "changed", "id", "title",
                   "status", "due", "budget_planned", "hours_planned"}]}

An objective is "dropped" when every one of its key results is dropped now and some counted
before; "draft" is true for an objective added with no key result that counts; "progress" lists
the objectives in both sites, with numbers on both, whose shown progress (a whole percent) or
status moved; "was" is the
period an objective "moved" from, the title before a "retitled" one, or the owners and teams
of a "reassigned" one that changed ("owner Ana; team sales": "none" where there was none; ""
otherwise). A KR's
"reason" and "date" are those of its `dropped:` ("" and null unless dropped). Values: numbers,
or a zones KR's zones ("commit"), for KRs that count on both sides. A project's four last
fields are null or {"from", "to"} (`due` also "days": how many days later it is due, negative
when pulled in). Dates are ISO strings; entries are grouped by change, then sorted by id.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass
from typing import Any

from okrsite.model.compare import Changes, Move, ProjectChange, ValueMove
from okrsite.model.scoring import round_half_up
from okrsite.site.formatting import date, number, percent, plural, status_label, with_unit


@dataclass(frozen=True)
class Revision:
    revision: str | None  # as the user named it; None: the work tree
    commit: str | None  # full id; None: the work tree

    @property
    def label(self) -> str:
        if self.commit is None:
            return "work tree"
        short = self.commit[:7]
        return short if self.revision and self.commit.startswith(self.revision) else f"{self.revision} ({short})"


def markdown(changes: Changes, base: Revision, head: Revision, as_of: dt.date) -> str:
    span = f"{_revision_cell(base)} → {_revision_cell(head)}"
    if not changes:
        return f"No OKR changes: {span}.\n"
    lines = [f"## OKR changes: {span}", "", f"Both sides scored as of {date(as_of)}.", ""]

    def table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        if rows:
            lines.extend([f"### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)])
            lines.extend("| " + " | ".join(row) + " |" for row in rows)
            lines.append("")

    table("Objectives", ("change", "objective", "period", "team"),
          [(_change(c.change, "draft" if c.draft else _was(c.change, c.was)), _named(c.title, c.id), c.period,
            _cell(c.team or "–")) for c in changes.objectives])
    # an objective's progress moved by key results added, removed, dropped or taken back, not by values alone
    reshaped = {c.ref.partition("/")[0] for c in changes.key_results if c.change in COUNTED_CHANGES}
    table("Objective progress", ("objective", "period", "progress", "status"),
          [(_named(m.title, m.id), m.period,
            _points(m.progress_before, m.progress_after, "key results changed too" if m.id in reshaped else ""),
            _moved_status(m.status_before, m.status_after)) for m in changes.progress])
    table("Key results", ("change", "key result"),
          [(_change(c.change, _was(c.change, c.was) or c.reason and (c.reason + (f", {date(c.date)}" if c.date else ""))),
            _named(c.title, c.ref)) for c in changes.key_results])
    retargeted = {t.ref for t in changes.targets}
    table("Values", ("key result", "from", "to", "progress", "status"),
          [(_named(v.title, v.ref), _value(v, v.before), _value(v, v.after),
            _points(v.progress_before, v.progress_after, "target changed too" if v.ref in retargeted else ""),
            _moved_status(v.status_before, v.status_after)) for v in changes.values])
    table("Targets", ("key result", "field", "from", "to", "change"),
          [(_named(t.title, t.ref), t.field, _amount(t.before, t.unit), _amount(t.after, t.unit),
            "**eased**" if t.eased else "raised") for t in changes.targets])
    table("Confidence drops", ("key result", "from", "to"),
          [(_named(c.title, c.ref), percent(c.before), percent(c.after)) for c in changes.confidence_drops])
    table("Projects", ("project", "change"), [(_named(p.title, p.id), _project(p)) for p in changes.projects])
    if any(c.change == "retitled" and _POSITIONAL.fullmatch(c.ref.partition("/")[2]) for c in changes.key_results):
        lines.extend(["Key results without an `id` are matched by position (`kr-1`, `kr-2`, …): one added or "
                      "removed before others reads as changes of those after it. Give each key result an `id`.", ""])
    return "\n".join(lines)


_POSITIONAL = re.compile(r"kr-\d+")  # the id of a key result written without one
COUNTED_CHANGES = ("added", "removed", "dropped", "reinstated")  # what changes the key results an objective counts


def as_json(changes: Changes, base: Revision, head: Revision, as_of: dt.date) -> str:
    def move(m: Move | None, **extra: Any) -> dict[str, Any] | None:
        return None if m is None else {"from": m.before, "to": m.after, **extra}

    document = {
        "base": {"revision": base.revision, "commit": base.commit},
        "head": {"revision": head.revision, "commit": head.commit},
        "as_of": as_of,
        "objectives": [vars(c) for c in changes.objectives],
        "progress": [{"id": m.id, "title": m.title, "period": m.period, "progress_from": m.progress_before,
                      "progress_to": m.progress_after, "status_from": m.status_before, "status_to": m.status_after}
                     for m in changes.progress],
        "key_results": [vars(c) for c in changes.key_results],
        "values": [{"ref": v.ref, "title": v.title, "type": v.type, "unit": v.unit, "from": v.before, "to": v.after,
                    "progress_from": v.progress_before, "progress_to": v.progress_after,
                    "status_from": v.status_before, "status_to": v.status_after} for v in changes.values],
        "targets": [{"ref": t.ref, "title": t.title, "unit": t.unit, "field": t.field, "from": t.before,
                     "to": t.after, "eased": t.eased} for t in changes.targets],
        "confidence_drops": [{"ref": c.ref, "title": c.title, "from": c.before, "to": c.after}
                             for c in changes.confidence_drops],
        "projects": [{"change": p.change, "id": p.id, "title": p.title, "status": move(p.status),
                      "due": move(p.due, days=p.slipped_days) if p.due else None,
                      "budget_planned": move(p.budget_planned), "hours_planned": move(p.hours_planned)}
                     for p in changes.projects],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=lambda d: d.isoformat()) + "\n"


def _was(change: str, was: str) -> str:
    return {"moved": f"from {was}", "retitled": f"was “{was}”", "reassigned": f"was {was}"}.get(change, "")


def _change(word: str, detail: str) -> str:
    """The change word, bold when it takes something out of the numbers, with its detail."""
    shown = f"**{word}**" if word in ("dropped", "removed") else word
    return f"{shown} ({_cell(detail)})" if detail else shown


def _cell(text: str) -> str:
    """Content text in a table cell: no HTML, no column breaks, one line."""
    text = html.escape(" ".join(str(text).split()), quote=False)
    return re.sub(r"([|*_`~\\[\]])", r"\\\1", text)  # no column break, emphasis or link from a title


def _revision_cell(side: Revision) -> str:
    """A revision as the user named it, in code: `HEAD~1` reads the same in a pull request and in
    a terminal (escaped as text, a terminal showed HEAD\\~1)."""
    named = side.revision
    if side.commit is None or not named or side.commit.startswith(named) or "`" in named or not named.isprintable():
        return _cell(side.label)
    return f"`{named}` ({side.commit[:7]})"


def _named(title: str, ident: str) -> str:
    return f"{_cell(title)} (`{ident}`)"


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return _cell(with_unit(number(value), value, unit))


def _value(v: ValueMove, value: float | str) -> str:
    if isinstance(value, str):  # a zones KR's zone
        return f"{value} zone"
    if v.type == "boolean":
        return "done" if value else "not done"
    if v.type == "milestones":
        return f"{number(value)} of {v.milestones} milestones done"
    return _amount(value, v.unit)


def _points(before: float, after: float, also: str = "") -> str:
    """From and to, and the points between, and `also` what else moved them: "target changed too"
    where part of a value's move is the target's (Targets lists it): +21 points for one more customer
    reads oddly; "key results changed too" where an objective moved because one was dropped (Key
    results lists it): dropping a lagging one read as a team back on track."""
    points = round_half_up(after * 100, 0) - round_half_up(before * 100, 0)
    why = f"; {also}" if also else ""
    moved = f" ({points:+.0f} point{'' if abs(points) == 1 else 's'}{why})" if points else \
        f" ({also})" if also else ""
    return f"{percent(before)} → {percent(after)}{moved}"


def _moved_status(before: str, after: str) -> str:
    if before == after:
        return status_label(after)
    return f"{status_label(before)} → **{status_label(after)}**"


def _project(p: ProjectChange) -> str:
    if p.change != "changed":
        return p.change
    parts = []
    if p.status:
        parts.append(f"status {status_label(str(p.status.before))} → {status_label(str(p.status.after))}")
    if p.due:
        days = p.slipped_days
        shown = f"due {_date(p.due.before)} → {_date(p.due.after)}"
        if days:
            shown += f" ({'slipped' if days > 0 else 'pulled in'} {plural(abs(days), 'day')})"
        parts.append(shown)
    if p.budget_planned:
        parts.append(f"planned budget {_amount(_num(p.budget_planned.before), p.currency)} → "
                     f"{_amount(_num(p.budget_planned.after), p.currency)}")
    if p.hours_planned:
        parts.append(f"planned hours {_amount(_num(p.hours_planned.before), 'h')} → "
                     f"{_amount(_num(p.hours_planned.after), 'h')}")
    return "; ".join(parts)


def _date(value: object) -> str:
    return date(value) if isinstance(value, dt.date) else "none"


def _num(value: object) -> float | None:
    return value if isinstance(value, (int, float)) else None
