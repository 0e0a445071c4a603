"""The portfolio in words: each project's lane with its reason, its earned-value figures
explained, and where a period's money and hours go.

The arithmetic is the model's (okrsite.model.portfolio); this module names what lies
behind each figure, in sentences a manager can act on, with every number formatted by
okrsite.site.formatting. The portfolio pages and charts read it, and so does the project page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from okrsite.model import portfolio
from okrsite.model.portfolio import REVIEW_BELOW, Support, below_review
from okrsite.model.site import Project, Site
from okrsite.model.vocabulary import LANE_MEANINGS, LANES
from okrsite.model.scoring import round_half_up
from okrsite.site.formatting import _, date, in_turn, money, ngettext, pace_points, percent, ratio, status_word
from okrsite.site.links import link_url, objective_url

NAMED = 3  # a reason names at most this many KRs or objectives ("and 2 more")


@dataclass(frozen=True)
class Supported:
    """A KR or objective a project supports, as a reason names it."""

    support: Support
    title: str
    url: str
    words: str  # "off track, 30 points behind the expected pace", "done", "Q1 2026 has ended"


def supported(site: Site, project: Project) -> list[Supported]:
    """What the project supports, each with its title and state in words."""
    result = []
    for item in portfolio.supports(project.key_results, site.objectives, site.periods, site.as_of):
        objective = site.objectives[item.link.partition("/")[0]]
        scored = site.key_result(item.link) or objective
        period = site.periods[objective.period]
        if item.status in portfolio.CLOSED:
            words = status_word(item.status)
        elif not item.open:
            words = _("%(period)s has ended", period=period.title)
        elif item.status in portfolio.PRESSING:
            words = ngettext("%(status)s, %(num)s point behind the expected pace",
                             "%(status)s, %(num)s points behind the expected pace",
                             pace_points(scored.progress, scored.expected), status=status_word(item.status))
        else:
            words = status_word(item.status)
        result.append(Supported(item, scored.title, link_url(item.link), words))
    return result


def _names(items: list[Supported]) -> str:
    named = [_("“%(title)s” (%(state)s)", title=s.title, state=s.words) for s in items[:NAMED]]
    more = ngettext(" and %(num)s more", " and %(num)s more", len(items) - NAMED) if len(items) > NAMED else ""
    return in_turn(named) + more


def _health(project: Project) -> str:
    """Why a project in push or keep is not in review, in figures: "SPI 0.88, CPI 1.21, none below
    0.85" (not "healthy": an SPI under 1 also shows the "Behind schedule" flag beside it)."""
    evm = project.evm
    figures = [f"{name} {ratio(value)}" for name, value in (("SPI", evm.spi), ("CPI", evm.cpi)) if value is not None]
    if not figures:  # nothing to measure it by but its due date: say so and why, not that it is fine
        why = _why_missing(project)
        return _("not late; no SPI or CPI (%(why)s)", why="; ".join(dict.fromkeys((why["spi"], why["cpi"]))))
    return _("%(figures)s, none below %(line)s", figures=", ".join(figures), line=ratio(REVIEW_BELOW))


def _review_parts(project: Project, as_of_days: int | None) -> list[str]:
    evm, currency = project.evm, project.budget.currency if project.budget else ""
    parts = []
    if project.late and as_of_days is not None:
        parts.append(ngettext("late: due %(date)s, %(num)s day ago", "late: due %(date)s, %(num)s days ago",
                              as_of_days, date=date(project.due)))
    if below_review(evm.spi):
        parts.append(_("SPI %(spi)s: %(earned)s of work done against %(planned)s planned by now", spi=ratio(evm.spi),
                       earned=money(evm.ev, currency), planned=money(evm.pv, currency)))
    if below_review(evm.cpi):
        parts.append(_("CPI %(cpi)s: %(spent)s spent for %(earned)s of work done", cpi=ratio(evm.cpi),
                       spent=money(evm.ac, currency), earned=money(evm.ev, currency)))
    return parts


def lane_reason(site: Site, project: Project) -> str:
    """Why the project is in its lane, naming the KR or the figure behind it; "" without a lane."""
    items = supported(site, project)
    if project.lane == "halt":
        if not items:
            return _("Supports no objective or key result.")
        return _("Nothing it supports is still open: %(items)s.", items=_names(items))
    if project.lane == "review":
        days = (site.as_of - project.due).days if project.due else None
        text = in_turn(_review_parts(project, days))
        return text[:1].upper() + text[1:] + "."
    if project.lane == "push":
        links = {s.link for s in portfolio.pressing(item.support for item in items)}
        pressing = [s for s in items if s.support.link in links]
        return _("Moves %(items)s; not in review: %(figures)s.", items=_names(pressing), figures=_health(project))
    if project.lane == "keep":
        still = [s for s in items if s.support.open]
        return _("Not in review: %(figures)s; what it supports is on track or not started: %(items)s.",
                 figures=_health(project), items=_names(still))
    return ""


# ---------- earned value, explained ----------

@dataclass(frozen=True)
class Figure:
    """One EVM figure as the project page shows it: its value and what it means in one sentence."""

    short: str  # "SPI"
    name: str  # "Schedule performance index"
    value: str  # formatted, "–" when it cannot be computed
    sentence: str
    missing: str = ""  # why there is no value
    bad: bool = False  # below the review line, or an expected overrun


def _why_missing(project: Project) -> dict[str, str]:
    """Why each figure is None, in words ("" for those that have a value)."""
    evm = project.evm
    no_budget = _("needs a planned budget")
    pv = ""
    if evm.pv is None:
        lacking = [w for w, gone in ((_("a start date"), project.start is None), (_("a due date"), project.due is None),
                                     (_("a planned budget"), evm.bac is None)) if gone]
        pv = _("needs %(what)s", what=_(" and ").join(lacking))
    ac = _("needs the amount spent (budget.spent)") if evm.ac is None else ""
    spi = pv or (_("nothing was planned by now: the project has not started") if evm.spi is None else "")
    if evm.cpi is not None:
        cpi = ""
    elif evm.bac is None:
        cpi = no_budget
    else:
        cpi = ac or _("nothing spent yet")
    eac = cpi or (_("no work done yet for the money spent") if evm.eac is None else "")
    return {"bac": no_budget if evm.bac is None else "", "pv": pv, "ev": no_budget if evm.ev is None else "",
            "ac": ac, "spi": spi, "cpi": cpi, "eac": eac, "vac": eac}


def flagged(project: Project, index: float | None) -> bool:
    """An SPI or CPI shown in bold: below the review line, on a running project (a done or
    cancelled one has no lane, and is reviewed no more)."""
    return project.lane is not None and below_review(index)


def figures(project: Project) -> list[Figure]:
    """The eight EVM figures of a project, each with a plain sentence for readers new to EVM."""
    evm = project.evm
    currency = project.budget.currency if project.budget else ""
    missing = _why_missing(project)
    elapsed = percent(project.schedule_elapsed)
    done = percent(project.progress)
    rows = [
        ("bac", "BAC", _("Budget at completion"), money(evm.bac, currency),
         _("What all of the project's work is planned to cost: its planned budget."), False),
        ("pv", "PV", _("Planned value"), money(evm.pv, currency),
         _("The budget of the work the plan says should be done by now (%(share)s of the time from start to due "
           "has passed).", share=elapsed) if project.schedule_elapsed is not None else
         _("The budget of the work the plan says should be done by now."), False),
        ("ev", "EV", _("Earned value"), money(evm.ev, currency),
         _("The budget of the work actually done (%(share)s of the work is done).", share=done), False),
        ("ac", "AC", _("Actual cost"), money(evm.ac, currency), _("What has been spent so far."), False),
        ("spi", "SPI", _("Schedule performance index"), ratio(evm.spi),
         _("Work done for each unit of work planned by now (EV ÷ PV): 1 is on schedule, below 1 behind it, "
           "below 0.85 the project needs a review."), flagged(project, evm.spi)),
        ("cpi", "CPI", _("Cost performance index"), ratio(evm.cpi),
         _("Work done for each unit of money spent (EV ÷ AC): 1 is on budget, below 1 the work costs more than "
           "planned, below 0.85 the project needs a review."), flagged(project, evm.cpi)),
        ("eac", "EAC", _("Estimate at completion"), money(evm.eac, currency),
         _("What the whole project will cost if the rest of the work costs what the work so far did (BAC ÷ CPI)."),
         False),
        ("vac", "VAC", _("Variance at completion"), money(evm.vac, currency),
         _("The budget left over at the end on that estimate (BAC − EAC); below 0, the expected overrun."),
         project.lane is not None and evm.vac is not None and round_half_up(evm.vac, 0) < 0),  # running ones only
    ]
    return [Figure(short, name, value, sentence, missing[key], bad)
            for key, short, name, value, sentence, bad in rows]


# ---------- a period's projects, by lane ----------

def period_projects(site: Site, period_id: str) -> list[Project]:
    """The period's projects: those that support its objectives (or their KRs), and those that
    support nothing and are not done or cancelled; for the default period, also those still going
    whose objectives are all of periods that have ended (left over: the halt lane is for them, and
    an ended period's portfolio is not where anyone looks for them any more)."""
    result = []
    for project in site.projects.values():
        periods = {site.objectives[link.partition("/")[0]].period for link in project.key_results}
        if period_id in periods:
            result.append(project)
        elif project.status not in portfolio.FINISHED and (not periods or (
                period_id == site.default_period and all(site.periods[p].has_ended(site.as_of) for p in periods))):
            result.append(project)
    return result


class Row(NamedTuple):
    """A project on the portfolio page: why it is in its lane, which index is below the review
    line. A tuple, not a dataclass, so a page's digest reuses the project's own
    (build/incremental.ContextDigests), and a template unpacks it in its loop. Only what the page
    shows: what the project supports is in its reason as far as the reason names it (the state of
    every KR it supports, kept here too, changed the page's digest with each check-in on any of
    them, and the page was rendered again to the same bytes)."""

    project: Project
    reason: str
    spi_low: bool
    cpi_low: bool


def _at_stake(project: Project) -> tuple[bool, float, str]:
    bac = project.evm.bac
    return (bac is None, -(bac or 0.0), project.id)


def in_lanes(projects: Iterable[Project]) -> dict[str | None, list[Project]]:
    """Each lane's projects (every lane present, in the vocabulary's order; None: the done and
    cancelled projects, which have no lane), most budget first."""
    grouped: dict[str | None, list[Project]] = {lane: [] for lane in (*LANES, None)}
    for project in sorted(projects, key=_at_stake):
        grouped[project.lane or None].append(project)
    return grouped


def reasons(site: Site) -> dict[str, str]:
    """Each project's lane reason (`lane_reason`), worked out once for its page and its portfolio row."""
    return {project_id: lane_reason(site, project) for project_id, project in site.projects.items()}


def lanes(projects: Iterable[Project], reason: dict[str, str]) -> tuple[dict[str, list[Row]], list[Row]]:
    """Each lane's rows, with their reasons (as in_lanes); and the rows of the projects with no lane."""
    def row(project: Project) -> Row:
        return Row(project, reason[project.id], flagged(project, project.evm.spi), flagged(project, project.evm.cpi))

    grouped = in_lanes(projects)
    return {lane: [row(p) for p in grouped[lane]] for lane in LANES}, [row(p) for p in grouped[None]]


# ---------- where the money and hours go ----------

@dataclass(frozen=True)
class SpendRow:
    title: str  # an objective's title, or "No objective"
    url: str  # the objective's page; "" for projects that support no objective
    projects: int
    money: tuple[float, ...]  # spent, in each of Spend.currencies
    hours: float


@dataclass(frozen=True)
class Spend:
    """A period's spending by objective. A project that supports several objectives (in any period)
    counts a equal share of its spending for each; amounts in different currencies are never added."""

    currencies: tuple[str, ...]  # most spent first ("" for amounts without a currency)
    rows: tuple[SpendRow, ...]  # the period's objectives, most spent first; then "No objective"
    total: SpendRow
    halt: SpendRow  # of the total, what went to projects in the halt lane

    def share(self, amounts: SpendRow, column: int) -> float | None:
        """A row's share of the total, in one currency (column = len(currencies): the hours)."""
        values, totals = (*amounts.money, amounts.hours), (*self.total.money, self.total.hours)
        return values[column] / totals[column] if totals[column] else None


class _Sums:
    def __init__(self) -> None:
        self.money: dict[str, float] = {}
        self.hours = 0.0
        self.projects = 0

    def add(self, project: Project, share: float) -> None:
        budget, hours = project.budget, project.hours
        if budget is not None and budget.spent is not None:
            self.money[budget.currency] = self.money.get(budget.currency, 0.0) + budget.spent * share
        if hours is not None and hours.actual is not None:
            self.hours += hours.actual * share
        self.projects += 1

    def row(self, title: str, url: str, currencies: tuple[str, ...]) -> SpendRow:
        return SpendRow(title, url, self.projects, tuple(self.money.get(c, 0.0) for c in currencies), self.hours)


def spend(site: Site, period_id: str, projects: Iterable[Project]) -> Spend:
    """Spent and hours worked per objective of the period, with the halt lane's part."""
    objectives = site.objectives_in(period_id)
    sums = {o.id: _Sums() for o in objectives}
    nothing, earlier, total, halt = _Sums(), _Sums(), _Sums(), _Sums()
    for project in projects:
        targets = list(dict.fromkeys(link.partition("/")[0] for link in project.key_results))
        here = [sums[t] for t in targets if t in sums] if targets else [nothing]
        if targets and not here:  # left over from an ended period (period_projects)
            here, share = [earlier], 1.0
        else:
            share = 1 / len(targets) if targets else 1.0
        for sums_of in here:
            sums_of.add(project, share)
        total.add(project, share * len(here))
        if project.lane == "halt":
            halt.add(project, share * len(here))
    currencies = tuple(sorted(total.money, key=lambda c: (-total.money[c], c)))
    rows = [sums[o.id].row(o.title, objective_url(o.id), currencies) for o in objectives]
    rows.sort(key=lambda r: (tuple(-m for m in r.money), -r.hours, r.title))
    if earlier.projects:
        rows.append(earlier.row(_("Objectives of ended periods"), "", currencies))
    if nothing.projects:
        rows.append(nothing.row(_("No objective"), "", currencies))
    return Spend(currencies, tuple(rows), total.row(_("All projects"), "", currencies),
                 halt.row(_("Projects in the halt lane"), "", currencies))


def page_context(site: Site, period_id: str, reason: dict[str, str]) -> dict[str, object]:
    """What a period's portfolio page shows (all of it: the page is self-contained); `reason`: each
    project's lane reason (`reasons`)."""
    projects = period_projects(site, period_id)
    by_lane, finished = lanes(projects, reason)
    figures = spend(site, period_id, projects)
    return {
        "lanes": [(LANES[lane], _(LANE_MEANINGS[lane]), rows) for lane, rows in by_lane.items()],
        "indices": any(r.project.evm.spi is not None or r.project.evm.cpi is not None
                       for rows in by_lane.values() for r in rows),  # then the page says what they are
        "finished": finished,
        "project_count": len(projects),
        "spend": figures,
        "halt_rows": by_lane["halt"],
    }
