"""What changed, week by week: the news the changes page lists and the Atom feed carries.

The news, each known on the report date (nothing dated after `as_of`): check-ins written
in a KR's file (`checkin`); updates read from git, the commits that changed the value of a
KR without check-ins (`git`), the commit that added such a KR with the value it starts
from (`added`); target changes, the commits that moved a KR's target or start after its
period started (`target`, eased or raised); key results dropped (`dropped`); and project
updates (`update`). Each says who: the commit's author for news from git, else the
owner of the key result (or of its objective) or of the project.

A big site has hundreds of check-ins a week, so the page shows the last `WEEKS` ISO weeks
up to `as_of`, and of each week every target change and the newest `PER_WEEK` other news,
and says what it leaves out (each KR's and project's page keeps its whole history). The
feed carries the newest of the same news.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from okrsite.model.site import KeyResult, Objective, Reading, Site, TargetChange
from okrsite.site.formatting import update_figures
from okrsite.site.links import link_url, project_url

WEEKS = 8  # ISO weeks on the changes page, the report date's week included
PER_WEEK = 50  # news of a week shown besides its target changes (a week cut short says so)
KINDS = ("dropped", "checkin", "git", "target", "added", "update")  # on one day, in this order
ALWAYS_SHOWN = ("target", "dropped")  # changes of what counts: never left out of their week


@dataclass(frozen=True)
class News:
    """One thing that changed: what, when, who, and the figures to show."""

    key: str  # stable across builds (the feed's entry id): kind, subject, date and a count
    date: dt.date
    kind: str  # dropped | checkin | git | target | added | update
    title: str  # the key result's or project's
    link: str  # site path of its page (a KR: its objective's page, at the KR)
    parent: str = ""  # the objective's title, for a key result
    who: str = ""
    type: str = ""  # the key result's type: how its value reads (metric, boolean, milestones, maintain, zones)
    value: float | None = None  # boolean: 1 or 0; milestones: how many are done
    zone: str | None = None
    unit: str = ""
    milestones: int = 0  # how many a milestones KR has
    confidence: float | None = None
    note: str = ""
    commit: str = ""  # short id ("uncommitted": the work tree)
    field: str = ""  # a target change's field: target | start
    before: float | None = None
    after: float | None = None
    eased: bool = False
    figures: str = ""  # a project update's totals, in words (formatting.update_figures)


@dataclass(frozen=True)
class Week:
    start: dt.date  # its Monday
    items: tuple[News, ...]  # newest first
    left_out: int = 0  # its news not shown (beyond PER_WEEK)


@dataclass(frozen=True)
class Digest:
    """The changes page: the weeks with news, newest first, in the span shown."""

    weeks: tuple[Week, ...]
    since: dt.date  # the Monday of the oldest week of the span
    span: int  # weeks in the span
    per_week: int  # news of a week shown besides its target changes

    @property
    def items(self) -> list[News]:
        """The news shown, newest first."""
        return [item for week in self.weeks for item in week.items]


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# News found, not made yet: (date, kind, link, what makes it). A large site has thousands of
# check-ins in the span, of which the page shows a few hundred: only those are made.
_Found = tuple[dt.date, str, str, Callable[[], News]]


def _found(site: Site, since: dt.date) -> list[_Found]:
    """What changed from `since` to as_of, newest first (a fixed order within a day), each item
    still to be made."""
    found: list[_Found] = []
    for objective in site.objectives.values():
        for kr in objective.key_results:
            found += _kr_news(objective, kr, since, site.as_of)
    for project in site.projects.values():
        seen: Counter[dt.date] = Counter()
        for update in project.updates:
            seen[update.date] += 1
            if since <= update.date <= site.as_of:
                link = project_url(project.id)
                found.append((update.date, "update", link, partial(
                    News, f"update/{project.id}/{update.date.isoformat()}/{seen[update.date]}", update.date,
                    "update", project.title, link, who=project.owner, note=update.note,
                    figures=update_figures(update, project.budget.currency if project.budget else ""))))
    # Newest first; within a day by kind and page, a KR's later check-in (in its file) first.
    ordered = sorted(enumerate(found), key=lambda pair: (-pair[1][0].toordinal(), KINDS.index(pair[1][1]),
                                                         pair[1][2], -pair[0]))
    return [item for _, item in ordered]


def _kr_news(objective: Objective, kr: KeyResult, since: dt.date, as_of: dt.date) -> list[_Found]:
    found: list[_Found] = []
    link = ""
    same_day: dict[dt.date, int] = {}  # check-ins of one date, in file order
    for reading in kr.history:
        day = reading.date
        if not since <= day <= as_of:
            continue
        link = link or link_url(kr.ref)
        if reading.source == "checkin":
            same_day[day] = count = same_day.get(day, 0) + 1
            found.append((day, "checkin", link, partial(_reading_news, objective, kr, reading, "checkin", str(count))))
        else:  # an addition keeps the key it had as an update (the feed's entry id)
            commit = reading.source.removeprefix("git:")
            kind = "added" if reading.added else "git"
            found.append((day, kind, link, partial(_reading_news, objective, kr, reading, kind, commit, commit)))
    for change in kr.target_changes:
        if since <= change.date <= as_of:
            found.append((change.date, "target", link_url(kr.ref), partial(_target_news, objective, kr, change)))
    if kr.dropped and kr.dropped.date and since <= kr.dropped.date <= as_of:  # left out of every number from then
        found.append((kr.dropped.date, "dropped", link_url(kr.ref), partial(_dropped_news, objective, kr)))
    return found


def _kr_fields(objective: Objective, kr: KeyResult) -> dict[str, Any]:
    """What every news item of a key result says of it."""
    return {"title": kr.title, "link": link_url(kr.ref), "parent": objective.title, "type": kr.type,
            "unit": kr.unit, "milestones": len(kr.milestones)}


def _reading_news(objective: Objective, kr: KeyResult, reading: Reading, kind: str, count: str,
                  commit: str = "") -> News:
    return News(f"{'git' if kind == 'added' else kind}/{kr.ref}/{reading.date.isoformat()}/{count}", reading.date, kind,
                **_kr_fields(objective, kr), who=reading.author or kr.owner or objective.owner, value=reading.value,
                zone=reading.zone, confidence=reading.confidence, note=reading.note, commit=commit)


def _target_news(objective: Objective, kr: KeyResult, change: TargetChange) -> News:
    return News(f"target/{kr.ref}/{change.field}/{change.commit}", change.date, "target", **_kr_fields(objective, kr),
                who=change.author or kr.owner or objective.owner, commit=change.commit, field=change.field,
                before=change.before, after=change.after, eased=change.eased)


def _dropped_news(objective: Objective, kr: KeyResult) -> News:
    assert kr.dropped is not None and kr.dropped.date is not None
    return News(f"dropped/{kr.ref}", kr.dropped.date, "dropped", **_kr_fields(objective, kr),
                who=kr.owner or objective.owner, note=kr.dropped.reason)


def weekly(site: Site, per_week: int | None = None) -> Digest:
    """The news of the last WEEKS ISO weeks to as_of, by week, newest first; of each week its
    target changes and dropped key results, and the newest `per_week` (PER_WEEK) other news."""
    per_week = per_week or PER_WEEK
    since = monday(site.as_of) - dt.timedelta(weeks=WEEKS - 1)
    by_week: dict[dt.date, list[_Found]] = {}
    for item in _found(site, since):
        by_week.setdefault(monday(item[0]), []).append(item)
    result = []
    for start, items in by_week.items():  # newest week first, as the news are
        others = 0
        shown = []
        for _, kind, _, make in items:
            if kind not in ALWAYS_SHOWN:
                others += 1
                if others > per_week:
                    continue
            shown.append(make())
        result.append(Week(start, tuple(shown), max(0, others - per_week)))
    return Digest(tuple(result), since, WEEKS, per_week)
