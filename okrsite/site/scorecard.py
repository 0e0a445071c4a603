"""A period on one page, for the reader who has a minute: `periods/<id>/scorecard/` and its PDF.

What it holds: the objectives with status (or grade and done / not done once the period has
ended), the key results most behind, the projects late or over budget, and the portfolio's
lanes. Each list is cut to what fits one A4 landscape page, and says how many more there are,
so a 1,000-objective period still prints on one page. The page plan (okrsite.site.pages) makes
a `Scorecard` from the period page's own figures; the page and the PDF show the same one.

The PDF of the same card is okrsite.site.scorecard_pdf's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from okrsite.model.periods import Period
from okrsite.model.scoring import expected_progress, mean_grade
from okrsite.model.site import KeyResult, Objective, Project, Site
from okrsite.model.vocabulary import ENDED_STATUSES, LANES, OKR_STATUSES, by_status, final, shown_status
from okrsite.site import portfolio
from okrsite.site.formatting import _, ngettext, percent

TOP_OBJECTIVES = 16  # rows of objectives a page holds beside the other lists
TOP_KEY_RESULTS = 6  # at least; the rows the projects' list leaves go to key results (key_result_rows)
TOP_PROJECTS = 5
LANE_NAMES = 2  # a lane names its projects with the most budget, this many


@dataclass(frozen=True)
class ObjectiveLine:
    id: str
    title: str
    status: str  # as shown: done / not done once the period has ended
    progress: float
    expected: float | None  # None once the period has ended
    grade: float | None  # once the period has ended
    owner: str  # its owners, joined
    team: str  # its teams' names, joined
    priority: int | None = None  # lists come by priority first (P0 first), then worst first


@dataclass(frozen=True)
class KeyResultLine:
    ref: str  # objective-id/kr-id
    title: str
    objective: str  # its objective's title
    type: str  # a maintain KR is inside or outside its band, not ahead or behind
    status: str
    progress: float
    expected: float | None  # None once the period has ended


@dataclass(frozen=True)
class ProjectLine:
    id: str
    title: str
    owner: str
    late_days: int | None  # days past due, when late
    budget_used: float | None  # spent / planned, when over budget
    hours_used: float | None  # worked / planned, when over hours


@dataclass(frozen=True)
class LaneLine:
    lane: str
    count: int
    titles: tuple[str, ...]  # the projects with the most budget first, at most LANE_NAMES


@dataclass(frozen=True)
class Group:
    """The top-level objectives, or those that support them: each worst first, as many as fit."""

    top_level: bool
    lines: tuple[ObjectiveLine, ...]
    total: int
    rest: dict[str, int]  # those not shown, by status (state once ended)

    @property
    def more(self) -> int:
        return self.total - len(self.lines)


@dataclass(frozen=True)
class Scorecard:
    period: Period
    as_of: dt.date
    ended: bool
    elapsed: float  # the share of the period elapsed on the report date
    overall: float | None  # mean progress of the top-level objectives
    mean_grade: float | None  # once ended
    counts: dict[str, int]  # objectives by status (by state once ended), drafts apart
    drafts: int
    groups: tuple[Group, ...]  # the top-level objectives, and those that support them (when there are any)
    key_results: tuple[KeyResultLine, ...]
    key_results_total: int
    key_results_rest: dict[str, int]  # those not shown, by status (state once ended)
    projects: tuple[ProjectLine, ...]
    projects_total: int
    lanes: tuple[LaneLine, ...]  # every lane, in the vocabulary's order

    @property
    def objectives_total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def figure_notes(self) -> tuple[str, ...]:
        """Under the headline figure, a line each: what it is the mean of, and the other figure. The
        mean grade counts every objective, the overall progress the top-level ones only (the
        period's page says why), so that a reader never takes one for the other."""
        if self.ended:
            return (ngettext("of %(num)s objective", "of all %(num)s objectives", self.objectives_total),
                    _("top-level progress %(share)s", share=percent(self.overall)))
        if self.overall is None:
            return ()
        top = sum(group.total for group in self.groups if group.top_level)
        return (ngettext("of %(num)s top-level objective", "of %(num)s top-level objectives", top),
                _("expected %(share)s", share=percent(self.elapsed)))


def scorecard(site: Site, period_id: str, *, counts: dict[str, int], overall: float | None,
              top: Iterable[Objective], behind: list[KeyResult], attention: list[Project]) -> Scorecard:
    """A period's scorecard from the period's figures as its page has them: the status counts, the
    overall progress, the top-level objectives, the KRs behind pace (worst first) and the projects
    late or over budget."""
    period = site.periods[period_id]
    ended = period.has_ended(site.as_of)
    objectives = [o for o in site.objectives_in(period_id) if not o.is_draft]
    top_ids = {o.id for o in top}
    room = TOP_OBJECTIVES
    groups = []
    for top_level in (True, False):
        members = by_status(o for o in objectives if (o.id in top_ids) is top_level)
        if members or top_level:
            groups.append(Group(top_level, tuple(_objective_line(site, o, ended) for o in members[:room]),
                                len(members), _tally(shown_status(o, ended) for o in members[room:])))
            room = max(0, room - len(members))
    graded = [o.grade for o in objectives if o.grade is not None]
    if ended:  # pace no longer applies: the key results not done, furthest from done first
        behind = sorted((kr for o in objectives for kr in o.key_results
                         if final(kr.status, kr.progress) == "not-done"),
                        key=lambda kr: (kr.progress, kr.ref))
    late = sorted(attention, key=lambda p: (not p.late, p.due or dt.date.max, not p.over_budget, p.id))
    shown = key_result_rows(min(len(late), TOP_PROJECTS))
    by_lane = portfolio.in_lanes(portfolio.period_projects(site, period_id))  # no reasons: the card names them
    return Scorecard(
        period=period, as_of=site.as_of, ended=ended, elapsed=_elapsed(site, period), overall=overall,
        mean_grade=mean_grade(graded) if ended and graded else None, counts=counts,
        drafts=sum(o.is_draft for o in site.objectives_in(period_id)),
        groups=tuple(groups),
        key_results=tuple(_kr_line(site, kr, ended) for kr in behind[:shown]),
        key_results_total=len(behind),
        key_results_rest={} if ended else _tally(kr.status for kr in behind[shown:]),  # ended: all not done
        projects=tuple(_project_line(site, p) for p in late[:TOP_PROJECTS]), projects_total=len(late),
        lanes=tuple(LaneLine(lane, len(by_lane[lane]), tuple(p.title for p in by_lane[lane][:LANE_NAMES]))
                    for lane in LANES),
    )


def key_result_rows(projects: int) -> int:
    """How many key results a card lists beside `projects` late ones: the two lists share the
    right column's rows (a period with few late projects showed six key results of ten beside
    half a column left blank); "None: …" takes a project's row. The PDF may list fewer, down to
    TOP_KEY_RESULTS, to keep its long titles whole (scorecard_pdf)."""
    return TOP_KEY_RESULTS + TOP_PROJECTS - max(1, projects)


def _elapsed(site: Site, period: Period) -> float:
    return expected_progress(period.start, period.end, site.as_of)


def _tally(statuses: Iterable[str]) -> dict[str, int]:
    """How many of each status, worst first (done and not done last)."""
    found = list(statuses)
    return {status: found.count(status) for status in (*OKR_STATUSES, *ENDED_STATUSES) if status in found}


def _objective_line(site: Site, o: Objective, ended: bool) -> ObjectiveLine:
    teams = ", ".join(site.teams[t].name if t in site.teams else t for t in o.teams)
    return ObjectiveLine(o.id, o.title, shown_status(o, ended), o.progress,
                         None if ended else o.expected, o.grade if ended else None, ", ".join(o.owners), teams,
                         o.priority)


def _kr_line(site: Site, kr: KeyResult, ended: bool) -> KeyResultLine:
    return KeyResultLine(kr.ref, kr.title, site.objectives[kr.objective_id].title, kr.type,
                         shown_status(kr, ended), kr.progress, None if ended else kr.expected)


def _project_line(site: Site, p: Project) -> ProjectLine:
    budget, hours = p.budget, p.hours
    return ProjectLine(
        p.id, p.title, p.owner,
        (site.as_of - p.due).days if p.late and p.due else None,
        budget.spent / budget.planned if p.over_budget and budget and budget.spent and budget.planned else None,
        hours.actual / hours.planned if p.over_hours and hours and hours.actual and hours.planned else None)
