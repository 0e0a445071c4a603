"""Chart specs of the portfolio: SPI against CPI per project, spend per objective, a project's burn.

Pure data, as in okrsite.site.charts.specs (whose types these build on):

- portfolio (a period): one bubble per project of the period that has both an SPI and a CPI,
  sized by its budget, coloured and shaped by its lane;
- spend (a period): the money spent per objective of the period (a bar chart), when any was spent
  (else the hours, when any were worked);
- burn (a project): work done, budget spent and hours used over time, each as a share of its plan,
  against the straight plan line, when at least two updates carry such values.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass

from okrsite.model.portfolio import FINISHED, REVIEW_BELOW
from okrsite.model.site import Project, Site, Update
from okrsite.model.vocabulary import LANES
from okrsite.site.charts.layout import legend_height
from okrsite.site.charts.scales import date_ticks, truncate, y_ticks
from okrsite.site.charts.specs import MAX_BARS, BarRow, ChartSpec, Label, Look, Table, bar_label, bars, chart_name
from okrsite.site.formatting import (_, date as format_date, in_turn, money, ngettext, number, percent, ratio,
                                     status_label)
from okrsite.site.portfolio import Spend, SpendRow, period_projects, spend

BUBBLES_HEIGHT = 440  # px; the narrow layout's is its width
AXIS_MAX = 2.0  # indices above this are drawn at the edge (the table has the true value)
RADIUS = (5.0, 22.0)  # px: the smallest and the largest budget's bubble
NARROW_RADIUS = (4.0, 14.0)  # the same on a phone
MAX_LABELS = 20  # bubbles labelled, largest budget first (the table names every project)
MARKERS = {"halt": "s", "review": "^", "push": "o", "keep": "D"}  # the shapes of the lanes' icons


@dataclass(frozen=True)
class Bubble:
    x: float  # SPI, at most AXIS_MAX
    y: float  # CPI, at most AXIS_MAX
    radius: float  # CSS px
    lane: str  # colour role
    marker: str
    label: Label | None  # None: not labelled (too many bubbles)


@dataclass(frozen=True)
class BubblesData:
    """Points on two index axes, with the 1.0 lines, the review band below 0.85, and a legend."""

    high: float  # both axes run from 0 to here
    ticks: tuple[tuple[float, str], ...]
    review_below: float
    bubbles: tuple[Bubble, ...]  # largest first: drawn first, so the smaller stay visible
    legend: tuple[tuple[str, str, str], ...]  # (lane role, marker, label)
    x_label: str
    y_label: str
    notes: tuple[str, str] = ("", "")  # in the corners: top right (ahead, under budget), bottom left


@dataclass(frozen=True)
class Series:
    label: str  # in the legend at the right end: "● Work done 50%"
    role: str
    marker: str
    points: tuple[tuple[float, float], ...]  # (days after the origin, percent of plan)
    first_marked: int = 0  # 1: the first point is the start (0 %), not an update: no marker


@dataclass(frozen=True)
class BurnData:
    x_range: tuple[float, float]
    x_ticks: tuple[tuple[float, str], ...]
    y_range: tuple[float, float]
    y_ticks: tuple[tuple[float, str], ...]
    plan: tuple[tuple[float, float], ...]  # 0 % at the start to 100 % at the end of the due day; () without
    plan_label: str
    series: tuple[Series, ...]
    as_of_x: float | None
    as_of_label: str


# ---------- portfolio: SPI against CPI ----------

def _radius(bac: float, largest: float, look: Look) -> float:
    low, high = NARROW_RADIUS if look.layout.stacked else RADIUS
    return round(low + (high - low) * math.sqrt(bac / largest), 2) if largest > 0 else low


def _currency(project: Project) -> str:
    return project.budget.currency if project.budget else ""


def _labels(drawn: list[Project], points: list[tuple[float, float]], chars: int) -> list[Label | None]:
    """The first MAX_LABELS bubbles' labels (the largest first). Projects with the same figures
    share one bubble's place: the first is labelled for them all, "Title +2", as no spot around one
    point holds three labels (the table names each)."""
    together = Counter(points)
    labels: list[Label | None] = []
    seen: set[tuple[float, float]] = set()
    for project, point in zip(drawn, points):
        if point in seen or len(seen) >= MAX_LABELS:
            labels.append(None)
            continue
        seen.add(point)
        more = f" +{together[point] - 1}" if together[point] > 1 else ""
        labels.append(Label(truncate(project.title, chars - len(more)) + more,
                            truncate(project.id, chars - len(more)) + more))
    return labels


def portfolio_chart(site: Site, period_id: str, look: Look) -> ChartSpec | None:
    """Every project of the period with both indices, as a bubble; None when there is none."""
    period = site.periods[period_id]
    every = period_projects(site, period_id)
    projects = [p for p in every if p.lane]  # running: a finished project has no lane
    both = [p for p in projects if p.evm.spi is not None and p.evm.cpi is not None]
    if not both:
        return None
    largest: dict[str, float] = {}  # budgets are compared within a currency only (1,000,000 JPY is no fortune)
    for p in both:
        largest[_currency(p)] = max(largest.get(_currency(p), 0.0), p.evm.bac or 0.0)
    radius = {p.id: _radius(p.evm.bac or 0.0, largest[_currency(p)], look) for p in both}
    drawn = sorted(both, key=lambda p: (-radius[p.id], p.id))  # the largest first, under the others
    chars = 20 if look.layout.stacked else 42  # a label beside its bubble, in the room the layout has
    top = max(max(p.evm.spi or 0.0, p.evm.cpi or 0.0) for p in drawn) * 1.1
    high = min(AXIS_MAX, max(1.5, math.ceil(top * 4) / 4))  # a quarter above the largest index, 1.5 to 2
    points = [(min(p.evm.spi or 0.0, high), min(p.evm.cpi or 0.0, high)) for p in drawn]
    bubbles = tuple(Bubble(*point, radius[p.id], p.lane or "", MARKERS[p.lane or "keep"], label)
                    for p, point, label in zip(drawn, points, _labels(drawn, points, chars)))
    data = BubblesData(high=high, ticks=y_ticks(0, high), review_below=REVIEW_BELOW, bubbles=bubbles,
                       legend=tuple((lane, MARKERS[lane], status_label(lane)) for lane in LANES),
                       x_label=_("SPI: work done ÷ work planned by now"), y_label=_("CPI: work done ÷ money spent"),
                       notes=(_("ahead of schedule, under budget"), _("behind schedule, over budget")))
    left_out = len(projects) - len(drawn)
    by_lane = " ".join(  # a message, so that each language sets its own punctuation ("?:" in French)
        _("%(lane)s: %(projects)s.", lane=status_label(lane), projects=in_turn(
            _("%(project)s (SPI %(spi)s, CPI %(cpi)s)", project=p.title, spi=ratio(p.evm.spi), cpi=ratio(p.evm.cpi))
            for p in drawn if p.lane == lane))
        for lane in LANES if any(p.lane == lane for p in drawn))
    drawn_ids = {p.id for p in drawn}  # by id: comparing two projects compares every field (0.3 s a build)
    rows = tuple((p.title, status_label(p.lane or ""), ratio(p.evm.spi), ratio(p.evm.cpi),
                  money(p.evm.bac, _currency(p))) for p in drawn)
    rows += tuple((p.title, status_label(p.lane or ""), ratio(p.evm.spi), ratio(p.evm.cpi), _("not drawn"))
                  for p in sorted(projects, key=lambda p: p.id) if p.id not in drawn_ids)
    return ChartSpec(
        kind="bubbles", name=chart_name(f"portfolio/{period_id}", look), width=look.layout.width,
        height=look.layout.width if look.layout.stacked else BUBBLES_HEIGHT,
        look=look, data=data,
        caption=ngettext("Each bubble is a running project of %(period)s with both figures (%(drawn)s of its "
                         "%(num)s project), sized by its budget: to the right of 1 it is ahead of schedule, above 1 "
                         "under budget. In the shaded band (SPI or CPI below %(line)s) it needs a review.",
                         "Each bubble is a running project of %(period)s with both figures (%(drawn)s of its "
                         "%(num)s projects), sized by its budget: to the right of 1 it is ahead of schedule, above 1 "
                         "under budget. In the shaded band (SPI or CPI below %(line)s) it needs a review.",
                         len(every), period=period.title, drawn=len(drawn), line=number(REVIEW_BELOW)),
        alt=ngettext("Schedule (SPI) against cost (CPI) of the %(num)s project of %(period)s with both figures.",
                     "Schedule (SPI) against cost (CPI) of the %(num)s projects of %(period)s with both figures.",
                     len(drawn), period=period.title) + f" {by_lane}"
            + (" " + ngettext("%(num)s more without both figures (no budget, nothing spent or not started) are not "
                              "drawn.", "%(num)s more without both figures (no budget, nothing spent or not started) "
                              "are not drawn.", left_out) if left_out else "")  # English as it always read
            + (" " + ngettext("%(num)s finished project has no lane and is not drawn.",
                              "%(num)s finished projects have no lane and are not drawn.", len(every) - len(projects))
               if len(every) > len(projects) else ""),
        tables=(Table(_("Data of the chart: projects of %(period)s", period=period.title),
                      (_("Project"), _("Lane"), "SPI", "CPI", _("Budget")), rows),),
        source=site.config.relative(site.config.path))


# ---------- spend per objective ----------

def _column(figures: Spend) -> tuple[int, str]:
    """The column the chart shows: the currency most spent in, else the hours."""
    if figures.currencies and figures.total.money[0] > 0:
        return 0, figures.currencies[0]
    return len(figures.currencies), "h"


def _amount(row: SpendRow, column: int, unit: str) -> str:
    values = (*row.money, row.hours)
    return money(values[column], "" if unit == "h" else unit) + (" h" if unit == "h" else "")


def spend_chart(site: Site, period_id: str, look: Look) -> ChartSpec | None:
    """The money (or hours) spent on each objective of the period, most first, and the halt lane's part."""
    period = site.periods[period_id]
    figures = spend(site, period_id, period_projects(site, period_id))
    column, unit = _column(figures)
    values = (*figures.total.money, figures.total.hours)
    if not values[column]:
        return None
    spent = [r for r in figures.rows if (*r.money, r.hours)[column] > 0]
    shown = spent[:MAX_BARS]
    largest = max((*r.money, r.hours)[column] for r in shown)

    def bar(row: SpendRow, role: str, icon: str = "") -> BarRow:
        share = figures.share(row, column) or 0.0
        text = f"{_amount(row, column, unit)} · {percent(share)}"
        fallback = row.url.removeprefix("objectives/").removesuffix("/") or row.title
        return BarRow(bar_label(look, row.title, fallback, text), (*row.money, row.hours)[column] / largest, role,
                      Label(text, text), icon)

    halt_share = figures.share(figures.halt, column) or 0.0
    rows = tuple(bar(r, "active") for r in shown) + (bar(figures.halt, "halt", LANES["halt"].icon),)
    data, height = bars(look, rows, (), 400, 170)
    which = _("hours worked") if unit == "h" else _("money spent (%(unit)s)", unit=unit) if unit else _("money spent")
    more = _(" (the %(shown)s that spent most of %(all)s)", shown=len(shown), all=len(spent)) \
        if len(shown) < len(spent) else ""
    halt = _("%(share)s (%(amount)s) went to projects in the halt lane", share=percent(halt_share),
             amount=_amount(figures.halt, column, unit))
    listing = in_turn(f"{r.title} {_amount(r, column, unit)}" for r in shown[:5])
    total = _amount(figures.total, column, unit)
    return ChartSpec(
        kind="bars", name=chart_name(f"portfolio/{period_id}-spend", look), width=look.layout.width, height=height,
        look=look, data=data,
        # (the measure starts the sentence: "The %(what)s" took an article that fits no language's every measure)
        caption=_("%(what)s per objective of %(period)s%(more)s; a project that supports several objectives "
                  "counts an equal share for each. The last bar is the part of the total spent on projects in the "
                  "halt lane.", what=which[:1].upper() + which[1:], period=period.title, more=more),
        alt=(_("%(period)s: %(total)s worked in all; %(halt)s. Most: %(listing)s.", period=period.title, total=total,
               halt=halt, listing=listing) if unit == "h" else
             _("%(period)s: %(total)s spent in all; %(halt)s. Most: %(listing)s.", period=period.title, total=total,
               halt=halt, listing=listing)),
        tables=(Table(_("Data of the chart: %(what)s per objective of %(period)s", what=which, period=period.title),
                      (_("Objective"), _("Spent"), _("Share")),
                      tuple((r.title, _amount(r, column, unit), percent(figures.share(r, column)))
                            for r in (*spent, figures.total, figures.halt))),),
        source=site.config.relative(site.config.path))


# ---------- burn: a project's values over time against its plan ----------

SERIES = (("progress", "Work done", "done", "o", "●"), ("spent", "Budget spent", "text", "s", "■"),
          ("hours", "Hours used", "active", "^", "▲"))  # names: messages of the catalogs (the templates use them too)


def _plans(project: Project) -> dict[str, float | None]:
    return {"progress": 1.0, "spent": project.budget and project.budget.planned,
            "hours": project.hours and project.hours.planned}


def measured_updates(project: Project, as_of: dt.date) -> list[Update]:
    """The updates known on as_of that carry a value for the burn chart, oldest first."""
    return sorted((u for u in project.updates if u.measured and u.date <= as_of), key=lambda u: u.date)


def _cell(update: Update, key: str, plan: float, project: Project) -> str:
    value = getattr(update, key)
    if value is None:
        return "–"
    if key == "progress":
        return percent(value)
    unit = project.budget.currency if key == "spent" and project.budget else "h"
    return f"{money(value, unit)} ({percent(value / plan)})"


def _series(project: Project, updates: list[Update], keys: list[tuple[str, str, str, str, str]],
            plans: dict[str, float | None], origin: dt.date) -> list[Series]:
    """Each value as a percentage of its plan, from 0 at the start (when the project has one)."""
    result = []
    for key, name, role, marker, glyph in keys:
        plan = plans[key] or 1.0
        points = tuple((float((u.date - origin).days), round(getattr(u, key) / plan * 100, 2))
                       for u in updates if getattr(u, key) is not None)
        start = 1 if project.start and points[0][0] > 0 else 0
        points = ((0.0, 0.0),) * start + points
        result.append(Series(f"{glyph} {_(name)} {percent(points[-1][1] / 100)}", role, marker, points, start))
    return result


def _burn_table(project: Project, updates: list[Update], keys: list[tuple[str, str, str, str, str]],
                plans: dict[str, float | None], days: int | None) -> Table:
    """A row per update: each value (and its share of plan), and the share of the schedule elapsed."""
    rows = []
    for u in updates:
        elapsed = percent(min(1.0, max(0.0, (u.date - project.start).days / days))) if project.start and days else "–"
        rows.append((format_date(u.date), *(_cell(u, key, plans[key] or 1.0, project) for key, *_ in keys), elapsed))
    headers = (_("Date"), *(_(name) for _key, name, *_rest in keys), _("Plan (time elapsed)"))
    return Table(_("Data of the burn chart: %(title)s", title=project.title), headers, tuple(rows))  # the health chart's is "of the chart"


def burn_chart(site: Site, project_id: str, look: Look) -> ChartSpec | None:
    """Work done, budget spent and hours used from the project's updates, against the plan line."""
    project = site.projects[project_id]
    updates = measured_updates(project, site.as_of)
    plans = _plans(project)
    keys = [s for s in SERIES if plans[s[0]] and any(getattr(u, s[0]) is not None for u in updates)]
    if len(updates) < 2 or not keys:
        return None
    origin = project.start or updates[0].date
    end = (project.due + dt.timedelta(days=1)) if project.due else updates[-1].date
    running = project.status not in FINISHED  # the report date matters while it runs
    last_day = max(end, updates[-1].date, site.as_of if running else end)
    x_low, x_high = min(0.0, float((updates[0].date - origin).days)), float(max((last_day - origin).days, 1))
    series = _series(project, updates, keys, plans, origin)
    plan_line = ((0.0, 0.0), (float((end - origin).days), 100.0)) if project.start and project.due else ()
    if plan_line and x_high > plan_line[1][0]:
        plan_line += ((x_high, 100.0),)  # all of it planned by the due date, and after
    plan_label = "┄ " + _("Plan")
    names = [s.label for s in series] + ([plan_label] if plan_line else [])  # under a phone's chart
    as_of_x = float((site.as_of - origin).days)
    shown_as_of = x_low <= as_of_x <= x_high
    y_high = max([100.0] + [y for s in series for _, y in s.points]) * 1.08
    words = {"progress": _("work done"), "spent": _("budget spent"), "hours": _("hours used")}  # inside a sentence
    last = ", ".join(_("%(what)s %(share)s", what=words[key], share=percent(s.points[-1][1] / 100))
                     for (key, *_rest), s in zip(keys, series))
    elapsed_now = _(", with %(share)s of the schedule elapsed on %(date)s", share=percent(project.schedule_elapsed),
                    date=format_date(site.as_of)) if project.schedule_elapsed is not None else ""
    return ChartSpec(
        kind="burn", name=chart_name(f"projects/{project.id}-burn", look), width=look.layout.width,
        height=look.layout.trend_height + legend_height(look.layout, names), look=look,
        data=BurnData(x_range=(x_low, x_high),
                      x_ticks=date_ticks(origin, origin + dt.timedelta(days=x_low),
                                         origin + dt.timedelta(days=x_high - 1)),
                      y_range=(0.0, y_high), y_ticks=y_ticks(0.0, y_high, percent=True), plan=plan_line,
                      plan_label=plan_label if plan_line else "", series=tuple(series),
                      as_of_x=as_of_x if shown_as_of else None,
                      as_of_label=_("as of %(date)s", date=format_date(site.as_of, "short")) if shown_as_of else ""),
        caption=_("Work done, budget spent and hours used, each as a share of its plan, from the project's updates; "
                  "the dashed line is the plan, from nothing at the start to all of it at the due date.") if plan_line
        else _("Work done, budget spent and hours used, each as a share of its plan, from the project's updates."),
        alt=_("%(title)s: by %(date)s, %(values)s%(elapsed)s.", title=project.title, date=format_date(updates[-1].date),
              values=last, elapsed=elapsed_now),
        tables=(_burn_table(project, updates, keys, plans, int(plan_line[1][0]) if plan_line else None),),
        source=project.source)
