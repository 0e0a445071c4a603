"""Chart specs: the model turned into plain data that says what each chart shows.

Pure functions, no I/O and no matplotlib. A `ChartSpec` carries everything a
drawing needs (`kind`, size, `data`, the look) plus what the page shows around
it (caption, alt text, data tables). The cache key is the hash of the drawing
part only, so a changed caption never redraws an image.

Which charts exist (the README's "Which charts exist" states the same rule):

- metric KR: a trend when it has a check-in with a value known on as_of, or a
  `current:` that differs from its start (otherwise there is nothing to plot);
- milestone KR: a count-over-time step chart when at least one milestone has a
  due date (undated ones count as due at the period's end);
- boolean KR: no chart (done or not is one word, and the page says it);
- objective: an overview of its key results (roll-ups: of their supporting
  objectives) when it has at least two;
- period: an overview of its objectives and their status counts, when it has any;
- project: a health chart when it has a schedule, hours or a budget;
- the portfolio's charts (a period's SPI against CPI and spend per objective, a project's
  burn): okrsite.site.charts.portfolio says when each exists.

Which page shows which chart is the page plan's business (okrsite.site.pages):
a page names the subjects of its charts, `chart_spec` makes each one's spec.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from okrsite.model.periods import Period
from okrsite.model import scoring
from okrsite.model.scoring import ZONES, spend_status
from okrsite.model.site import KeyResult, Objective, Project, Site, Zones
from okrsite.model.vocabulary import final, period_counts, shown_forecast, shown_status, worst_first
from okrsite.site.charts.layout import LABEL_WIDE, VALUE_WIDE, WIDE, Layout, bars_height, row_height
from okrsite.site.charts.palette import Palette
from okrsite.site.charts.scales import date_ticks, integer_ticks, wrap, y_ticks
from okrsite.site.formatting import (_, date as format_date, estimate, grade, in_turn, ngettext, number, pace_points,
                                     percent, round_to_span, status_count, status_icon, status_label, status_word,
                                     titled, value_text, zone_label)

if TYPE_CHECKING:
    from okrsite.site.charts.portfolio import BubblesData, BurnData

MAX_BARS = 12  # a period overview shows the objectives furthest behind, at most this many


@dataclass(frozen=True)
class Label:
    """In-image text from content: shown if the chart font has every glyph, else `fallback`."""

    text: str
    fallback: str


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Look:
    format: str  # svg | png
    dpi: float
    palette: Palette
    layout: Layout = WIDE


@dataclass(frozen=True)
class TrendData:
    """A value over time: the plan (straight or stepped), the actual values, target and as_of."""

    x_range: tuple[float, float]
    x_ticks: tuple[tuple[float, str], ...]
    y_range: tuple[float, float]
    y_ticks: tuple[tuple[float, str], ...]
    plan: tuple[tuple[float, float], ...]
    plan_steps: bool
    actual: tuple[tuple[float, float], ...]  # the line (from the start value)
    points: tuple[tuple[float, float], ...]  # the check-ins, as dots
    status: str
    target: float | None  # the dotted level to reach (none for maintain KRs)
    target_label: Label
    target_label_right: bool  # at the right end (clear of an early "as of" label at the top left)
    now: tuple[float, float] | None  # the latest value, labelled
    now_label: str
    expected: tuple[float, float] | None  # the plan at as_of, labelled
    expected_label: str
    as_of_x: float | None
    as_of_label: str
    actual_steps: bool = False  # zones: the level holds until the next check-in
    band: tuple[float, float] | None = None  # maintain: the band to stay in (shaded)
    forecast: tuple[tuple[float, float], tuple[float, float]] | None = None  # dotted, from now to the period's end
    forecast_label: Label = Label("", "")  # as the target's: the unit left out where the font lacks it


@dataclass(frozen=True)
class BarRow:
    label: Label
    value: float  # bar length, 1.0 = the whole track (100 %)
    status: str  # colour role
    value_label: Label  # the right-hand column
    icon: str = ""  # the status icon before it (colour is never the only signal)
    pace: float | None = None  # its own expected pace where the chart's mark is not it: a tick through the bar


@dataclass(frozen=True)
class Mark:
    x: float
    label: str
    dashed: bool = False


@dataclass(frozen=True)
class BarsData:
    """Horizontal bars on tracks, vertical marks, and optionally a strip of status counts on top."""

    rows: tuple[BarRow, ...]
    x_max: float
    marks: tuple[Mark, ...]
    label_width: int  # side by side: the label column; stacked: 0
    value_width: int
    row_height: int  # pixels per row
    stacked: bool = False  # each row's label (and value) on a line above its bar
    counts: tuple[tuple[str, int, str], ...] = ()  # (status, how many, in words: "3 on track")
    count_columns: int = 5


@dataclass(frozen=True)
class ChartSpec:
    kind: str  # the figure template: "trend" | "bars"
    name: str  # path under charts/, without the extension
    width: int
    height: int
    look: Look
    data: TrendData | BarsData | BubblesData | BurnData  # the last two: charts/portfolio.py
    caption: str
    alt: str
    tables: tuple[Table, ...]
    source: str  # the content file the chart comes from (for diagnostics)


def _status_phrase(status: str, progress: float, expected: float, ended: bool = False) -> str:
    gap = pace_points(progress, expected)
    if ended or status in ("done", "not-started"):
        return {"done": status_word("done"), "not-started": _("not started yet")}.get(
            status, status_word(final(status, progress)))
    if gap > 0:
        return ngettext("%(status)s, %(num)s point behind the expected pace",
                        "%(status)s, %(num)s points behind the expected pace", gap, status=status_word(status))
    if gap < 0:
        return ngettext("%(status)s, %(num)s point ahead of the expected pace",
                        "%(status)s, %(num)s points ahead of the expected pace", -gap, status=status_word(status))
    return _("%(status)s, on the expected pace", status=status_word(status))


def _expected_by(period: Period, as_of: dt.date) -> str:
    return format_date(min(as_of, period.end))


def _x(day: dt.date, origin: dt.date) -> float:
    return float((day - origin).days)


def _as_of_mark(period: Period, as_of: dt.date, x_range: tuple[float, float]) -> tuple[float | None, str]:
    """The report date's line, where it falls on the chart (a value dated as_of may put it past the end)."""
    x = _x(as_of, period.start)
    if as_of >= period.start and x_range[0] <= x <= x_range[1]:
        return x, _("as of %(date)s", date=format_date(as_of, "short"))
    return None, ""


def _early(as_of_x: float | None, x_low: float, x_high: float) -> bool:
    return as_of_x is not None and (as_of_x - x_low) / (x_high - x_low) < 0.3


def _range(values: list[float], top_room: float = 0.22, bottom_room: float = 0.1) -> tuple[float, float]:
    low, high = min(values), max(values)
    span = high - low or abs(high) or 1.0
    return low - span * bottom_room, high + span * top_room


def _kr_headline(kr: KeyResult, period: Period, as_of: dt.date) -> str:
    if period.has_ended(as_of):
        return _("%(share)s of the way when %(period)s ended, %(state)s", share=percent(kr.progress),
                 period=period.title, state=status_word(final(kr.status, kr.progress)))
    return _("%(share)s of the way, expected %(expected)s by %(date)s; %(pace)s", share=percent(kr.progress),
             expected=percent(kr.expected), date=_expected_by(period, as_of),
             pace=_status_phrase(kr.status, kr.progress, kr.expected))


def _current_date(period: Period, as_of: dt.date) -> dt.date:
    """Where a value without a dated history (`current:`, `zone:`) is drawn: on the report date while
    the period runs, on its last day once it has ended, where the grade reads it as the period's final
    value ("50% of the way when Q1 ended", as the chart's words say)."""
    return min(as_of, period.end)


def _values(kr: KeyResult, as_of: dt.date) -> list[tuple[dt.date, float]]:
    """The KR's valued history known on as_of (check-ins, or commits that changed the value), by date."""
    return [(r.date, float(r.value)) for r in kr.history if r.value is not None and r.date <= as_of]


def chart_name(base: str, look: Look) -> str:
    """A chart's file name in the look's layout (the narrow one has a suffix)."""
    return base + look.layout.suffix


def kr_trend(kr: KeyResult, objective: Objective, period: Period, as_of: dt.date, look: Look) -> ChartSpec | None:
    """A metric KR's values against the straight line from start to target across the period, with
    the forecast (dotted) where there is one; a maintain KR's values against its band (shaded)."""
    if kr.type == "maintain":
        return _maintain_trend(kr, objective, period, as_of, look)
    if kr.type != "metric" or kr.start is None or kr.target is None or kr.current is None:
        return None
    predicted = shown_forecast(kr)
    known = _values(kr, as_of)
    if not known and kr.current == kr.start:
        return None
    origin, days = period.start, float(period.days)
    if known:
        points = tuple((_x(d, origin), v) for d, v in known)
    else:  # a `current:` without a dated history: one dot
        points = ((_x(_current_date(period, as_of), origin), float(kr.current)),)
    x_low = min([0.0] + [x for x, _ in points])
    x_high = max([days] + [x for x, _ in points])
    actual = points if points[0][0] <= 0 else ((0.0, float(kr.start)),) + points
    as_of_x, as_of_label = _as_of_mark(period, as_of, (x_low, x_high))
    plan_now = None
    if as_of_x is not None and period.start <= as_of <= period.end:
        plan_now = (as_of_x, round_to_span(kr.start + (kr.target - kr.start) * kr.expected, abs(kr.target - kr.start)))
    # the expected pace runs to the objective's expectation: all the way, or 70 % (aspirational)
    plan_end = round_to_span(kr.start + (kr.target - kr.start) * objective.expectation, abs(kr.target - kr.start))
    unit = kr.unit
    pct = "%" if unit == "%" else ""
    forecast = None
    if predicted is not None:
        forecast = (points[-1], (days, predicted.value))
    values = [kr.start, kr.target, plan_end] + [v for _, v in points] + ([plan_now[1]] if plan_now else []) \
        + ([forecast[1][1]] if forecast else [])
    y_range = _range(values)
    data = TrendData(
        x_range=(x_low, x_high), x_ticks=date_ticks(origin, origin + dt.timedelta(days=x_low),
                                                    origin + dt.timedelta(days=x_high - 1)),
        y_range=y_range, y_ticks=y_ticks(*y_range, percent=unit == "%"),
        plan=((0.0, float(kr.start)), (days, float(plan_end))), plan_steps=False,
        actual=actual, points=points, status=shown_status(kr, period.has_ended(as_of)),
        target=float(kr.target), target_label=Label(_("Target %(value)s", value=value_text(kr.target, unit, short=True)),
                                                    _("Target %(value)s", value=value_text(kr.target, pct, short=True))),
        target_label_right=not kr.decreasing and _early(as_of_x, x_low, x_high),
        now=points[-1], now_label=value_text(points[-1][1], pct, short=True),
        expected=plan_now,
        expected_label=_("expected %(value)s", value=value_text(plan_now[1], pct, short=True)) if plan_now else "",
        as_of_x=as_of_x, as_of_label=as_of_label, forecast=forecast,
        forecast_label=Label(*(_("forecast %(value)s", value=estimate(predicted.value, kr.start, kr.target, shown))
                               for shown in (unit, pct))) if predicted else Label("", ""))
    if kr.decreasing:
        words = _("%(now)s, down from %(start)s toward %(target)s", now=value_text(kr.current, unit),
                  start=value_text(kr.start, unit), target=value_text(kr.target, unit))
    else:
        words = _("%(now)s of %(target)s", now=value_text(kr.current, pct), target=value_text(kr.target, unit))
    span = abs(kr.target - kr.start)

    def planned(share: float) -> str:  # the straight line's value: an estimate, written short
        return value_text(round_to_span(kr.start + (kr.target - kr.start) * share, span), unit, short=True)

    # by date: a check-in before the period (a baseline) comes before the period's start
    before = [(day, value) for day, value in known if day < period.start]
    rows = [(format_date(day), value_text(value, unit), "–") for day, value in before]
    rows.append((_("%(date)s (start)", date=format_date(period.start)), value_text(kr.start, unit),
                 value_text(kr.start, unit, short=True)))
    for day, value in known[len(before):]:
        rows.append((format_date(day), value_text(value, unit),
                     planned(min(1.0, max(0.0, (day - period.start).days / period.days)) * objective.expectation)))
    if not known:
        rows.append((_("%(date)s (current)", date=format_date(_current_date(period, as_of))),
                     value_text(kr.current, unit), planned(kr.expected)))
    rows.append((_("%(date)s (target)", date=format_date(period.end)),
                 _("%(value)s (forecast)", value=_estimate(predicted.value, kr)) if predicted else "–",
                 value_text(kr.target, unit) if objective.expectation >= 1 else  # aspirational: 70 % of the way
                 _("%(value)s (%(share)s of the way to %(target)s)", value=value_text(plan_end, unit),
                   share=percent(objective.expectation), target=value_text(kr.target, unit))))
    forecast_words = _("; on its trend it would reach %(value)s by %(date)s (%(share)s of the way)",
                       value=_estimate(predicted.value, kr), date=format_date(period.end),
                       share=percent(predicted.progress)) if predicted else ""
    pace = dict(start=value_text(kr.start, unit), start_date=format_date(period.start, "short"),
                target=value_text(plan_end, unit), end_date=format_date(period.end))
    if known:
        caption = _("Check-ins (dots) against the expected pace (dashed line) from %(start)s on %(start_date)s to "
                    "%(target)s on %(end_date)s", **pace)
    else:
        caption = _("The value known on %(date)s (dot; no check-ins before it) against the expected pace (dashed "
                    "line) from %(start)s on %(start_date)s to %(target)s on %(end_date)s",
                    date=format_date(as_of, "short"), **pace)
    return ChartSpec(
        kind="trend", name=chart_name(f"objectives/{objective.id}/kr-{kr.id}", look), width=look.layout.width,
        height=look.layout.trend_height, look=look, data=data,
        caption=caption + (_("; the dotted line is the forecast, the trend of the check-ins carried to the period's end.")
                           if forecast else "."),
        alt=_("%(title)s: %(words)s, %(headline)s%(forecast)s.", title=kr.title, words=words,
              headline=_kr_headline(kr, period, as_of), forecast=forecast_words),
        tables=(Table(_("Data of the chart: %(title)s", title=kr.title), (_("Date"), _("Value"), _("Expected pace")),
                      tuple(rows)),),
        source=objective.source)


def _estimate(value: float, kr: KeyResult) -> str:
    return estimate(value, kr.start, kr.target, kr.unit)


def _band_words(kr: KeyResult) -> str:
    if kr.floor is not None and kr.ceiling is not None:
        return _("between %(floor)s and %(ceiling)s", floor=value_text(kr.floor, kr.unit),
                 ceiling=value_text(kr.ceiling, kr.unit))
    if kr.floor is not None:
        return _("at or above %(floor)s", floor=value_text(kr.floor, kr.unit))
    return _("at or below %(ceiling)s", ceiling=value_text(kr.ceiling, kr.unit))  # type: ignore[arg-type]


def _maintain_trend(kr: KeyResult, objective: Objective, period: Period, as_of: dt.date,
                    look: Look) -> ChartSpec | None:
    """Values over the period against the band they must stay in."""
    if kr.current is None:
        return None
    known = _values(kr, as_of) or [(_current_date(period, as_of), float(kr.current))]
    origin, days = period.start, float(period.days)
    points = tuple((_x(d, origin), v) for d, v in known)
    x_low = min([0.0] + [x for x, _ in points])
    x_high = max([days] + [x for x, _ in points])
    bounds = [b for b in (kr.floor, kr.ceiling) if b is not None]
    y_range = _range([*bounds, *(v for _, v in points)], top_room=0.3, bottom_room=0.3)
    band = (kr.floor if kr.floor is not None else y_range[0], kr.ceiling if kr.ceiling is not None else y_range[1])
    as_of_x, as_of_label = _as_of_mark(period, as_of, (x_low, x_high))
    pct = "%" if kr.unit == "%" else ""
    data = TrendData(
        x_range=(x_low, x_high), x_ticks=date_ticks(origin, origin + dt.timedelta(days=x_low),
                                                    origin + dt.timedelta(days=x_high - 1)),
        y_range=y_range, y_ticks=y_ticks(*y_range, percent=kr.unit == "%"), plan=(), plan_steps=False,
        actual=points, points=points, status=shown_status(kr, period.has_ended(as_of)), target=None,
        target_label=Label("", ""),
        target_label_right=False, now=points[-1], now_label=value_text(points[-1][1], pct), expected=None,
        expected_label="", as_of_x=as_of_x, as_of_label=as_of_label, band=band)
    counted = [v for d, v in known if period.contains(d)]  # as its progress counts them: the period's values
    inside = sum(1 for v in counted if scoring.inside_band(v, kr.floor, kr.ceiling))
    where = dict(title=kr.title, now=value_text(kr.current, kr.unit), band=_band_words(kr))
    alt = _("%(title)s: now %(now)s, inside the band (%(band)s);", **where) if kr.status == "on-track" else \
        _("%(title)s: now %(now)s, outside the band (%(band)s);", **where)
    return ChartSpec(
        kind="trend", name=chart_name(f"objectives/{objective.id}/kr-{kr.id}", look), width=look.layout.width,
        height=look.layout.trend_height, look=look, data=data,
        caption=_("Values (dots) against the band to stay in (shaded: %(band)s).", band=_band_words(kr)),
        alt=alt + " " + (ngettext("%(inside)s of %(num)s value inside (%(share)s).",
                                  "%(inside)s of %(num)s values inside (%(share)s).", len(counted), inside=inside,
                                  share=percent(kr.progress)) if counted else
                         _("no value of the period yet (%(share)s).", share=percent(kr.progress))),
        tables=(Table(_("Data of the chart: %(title)s", title=kr.title), (_("Date"), _("Value"), _("In the band")),
                      tuple((format_date(d), value_text(v, kr.unit),
                             _("Yes") if scoring.inside_band(v, kr.floor, kr.ceiling) else _("No")) for d, v in known)),),
        source=objective.source)


def kr_zones(kr: KeyResult, objective: Objective, period: Period, as_of: dt.date, look: Look) -> ChartSpec | None:
    """The zone reached over the period, as labelled steps from fail to stretch."""
    if kr.type != "zones" or kr.zone is None:
        return None
    level = {zone: float(index) for index, zone in enumerate(ZONES)}
    known = [(r.date, r.zone) for r in kr.history if r.zone is not None and r.date <= as_of]
    origin, days = period.start, float(period.days)
    points = tuple((_x(d, origin), level[z]) for d, z in known) or ((_x(_current_date(period, as_of), origin),
                                                                     level[kr.zone]),)
    x_low = min([0.0] + [x for x, _ in points])
    x_high = max([days] + [x for x, _ in points])
    as_of_x, as_of_label = _as_of_mark(period, as_of, (x_low, x_high))
    end = as_of_x if as_of_x is not None else min(max(points[-1][0], x_low), x_high)
    actual = ((x_low, 0.0), *points, (max(end, points[-1][0]), points[-1][1]))
    texts = kr.zones or Zones()
    meaning = {"commit": texts.commit, "target": texts.target, "stretch": texts.stretch}
    data = TrendData(
        x_range=(x_low, x_high), x_ticks=date_ticks(origin, origin + dt.timedelta(days=x_low),
                                                    origin + dt.timedelta(days=x_high - 1)),
        y_range=(-0.4, 3.6), y_ticks=tuple((level[z], zone_label(z)) for z in ZONES), plan=(), plan_steps=False,
        actual=actual, points=points, status=kr.status, target=level["target"],
        target_label=Label(_("Target zone"), _("Target zone")), target_label_right=_early(as_of_x, x_low, x_high),
        now=points[-1], now_label=zone_label(kr.zone), expected=None, expected_label="", as_of_x=as_of_x,
        as_of_label=as_of_label, actual_steps=True)
    reached = {"fail": _("fail zone reached"), "commit": _("commit zone reached"), "target": _("target zone reached"),
               "stretch": _("stretch zone reached")}[kr.zone] + (f" ({meaning[kr.zone]})" if meaning.get(kr.zone) else "")
    return ChartSpec(
        kind="trend", name=chart_name(f"objectives/{objective.id}/kr-{kr.id}", look), width=look.layout.width,
        height=look.layout.trend_height, look=look, data=data,
        caption=_("The zone reached over the period (steps), from fail to stretch; the dotted line is the target "
                  "zone."),
        alt=_("%(title)s: %(reached)s, %(headline)s.", title=kr.title, reached=reached,
              headline=_kr_headline(kr, period, as_of)),  # the headline says how far along
        tables=(Table(_("Data of the chart: %(title)s", title=kr.title), (_("Date"), _("Zone"), _("What it means")),
                      tuple((format_date(d), zone_label(z), meaning.get(z, "") or "–") for d, z in known)
                      or ((format_date(min(as_of, period.end)), zone_label(kr.zone),
                           meaning.get(kr.zone, "") or "–"),)),),
        source=objective.source)


def kr_milestones(kr: KeyResult, objective: Objective, period: Period, as_of: dt.date, look: Look) -> ChartSpec | None:
    """Milestones due over time (a step line) against those done on the report date."""
    if kr.type != "milestones" or not kr.milestones or not any(m.due for m in kr.milestones):
        return None
    origin, days = period.start, float(period.days)
    dues = sorted(m.due or period.end for m in kr.milestones)
    x_low = min(0.0, _x(dues[0], origin))
    x_high = max(days, _x(dues[-1], origin))
    plan = [(x_low, 0.0)]
    for index, due in enumerate(dues, start=1):
        plan.append((_x(due, origin), float(index)))
    plan.append((x_high, float(len(dues))))
    total, done = len(kr.milestones), kr.milestones_done
    as_of_x, as_of_label = _as_of_mark(period, as_of, (x_low, x_high))
    report_x = as_of_x if as_of_x is not None else min(max(_x(as_of, origin), x_low), x_high)
    due_now = sum(1 for d in dues if d <= as_of)
    milestones = ngettext("%(num)s milestone", "%(num)s milestones", total)
    data = TrendData(
        x_range=(x_low, x_high), x_ticks=date_ticks(origin, origin + dt.timedelta(days=x_low),
                                                    origin + dt.timedelta(days=x_high - 1)),
        y_range=(-0.1 * total - 0.2, total * 1.25 + 0.3), y_ticks=integer_ticks(total),
        plan=tuple(plan), plan_steps=True, actual=(), points=((report_x, float(done)),),
        status=shown_status(kr, period.has_ended(as_of)),
        target=float(total), target_label=Label(milestones, milestones),
        target_label_right=_early(as_of_x, x_low, x_high),
        now=(report_x, float(done)), now_label=ngettext("%(num)s done", "%(num)s done", done),
        expected=(report_x, float(due_now)) if as_of_x is not None else None,
        expected_label=ngettext("%(num)s due", "%(num)s due", due_now), as_of_x=as_of_x, as_of_label=as_of_label)
    rows = tuple((m.title, format_date(m.due) if m.due else _("%(date)s (period end)", date=format_date(period.end)),
                  _("Yes") if m.done else _("No")) for m in sorted(kr.milestones, key=lambda m: (m.due or period.end)))
    ended = period.has_ended(as_of)
    return ChartSpec(
        kind="trend", name=chart_name(f"objectives/{objective.id}/kr-{kr.id}", look), width=look.layout.width,
        height=look.layout.trend_height, look=look, data=data,
        caption=_("Milestones due over the period (dashed steps) and those done by %(date)s (dot).",
                  date=format_date(as_of, "short")),
        alt=ngettext("%(title)s: %(done)s of %(num)s milestone done, %(due)s due by %(date)s; %(pace)s.",
                     "%(title)s: %(done)s of %(num)s milestones done, %(due)s due by %(date)s; %(pace)s.", total,
                     title=kr.title, done=done, due=due_now, date=_expected_by(period, as_of),
                     pace=_status_phrase(kr.status, kr.progress, kr.expected, ended)),
        tables=(Table(_("Data of the chart: %(title)s", title=kr.title), (_("Milestone"), _("Due"), _("Done")), rows),),
        source=objective.source)


SHORT_VALUE = 4  # characters of a value ("100%", "0.68") that a stacked label's line leaves room for
MIN_LABEL = 12  # characters a label keeps on a line however long its value


def bar_label(look: Look, title: str, fallback: str, value: str) -> Label:
    """A bar's label, wrapped to its lines. Stacked (a phone), it shares its line with the value,
    so a long value ("46,500 USD · 39%") leaves it fewer characters: the two ran into each other."""
    chars = look.layout.label_chars - (max(0, len(value) - SHORT_VALUE) if look.layout.stacked else 0)
    chars = max(chars, MIN_LABEL)  # a very long value still leaves the label a few words (and wrap a limit)
    return Label(wrap(title, chars), wrap(fallback, chars))


def _progress_row(title: str, fallback: str, progress: float, shown: str, look: Look, ended: bool,
                  pace: float | None = None) -> BarRow:
    """A bar of progress in its state as shown (vocabulary.shown_status); once the period has ended
    its value is the grade."""
    value = grade(progress) if ended else percent(progress)
    return BarRow(bar_label(look, title, fallback, value), progress, shown, Label(value, value), status_icon(shown),
                  None if ended else pace)


def _shared_pace(paces: list[float], usual: float) -> float:
    """Where the chart's line marks the expected pace: at the pace most bars share (all of them
    aspirational, theirs), `usual` (a committed objective's) among equals, else the highest."""
    counts: dict[float, int] = {}
    for pace in paces:
        key = next((known for known in counts if _own_pace(pace, known) is None), pace)
        counts[key] = counts.get(key, 0) + 1
    most = max(counts.values(), default=0)
    tied = [pace for pace, n in counts.items() if n == most]
    return next((pace for pace in tied if _own_pace(usual, pace) is None), max(tied, default=usual))


def _own_pace(expected: float, mark: float) -> float | None:
    """A bar's expected pace where the chart's line marks another (an aspirational objective among
    committed ones expects 70 % of their pace): it gets a tick of its own."""
    return None if abs(expected - mark) < 0.0005 else expected


_SHOWN_PACES = 5  # the alt text names this many bars with a pace of their own


def _own_paces(items: list[tuple[str, float]], mark: float) -> str:
    """The alt text's words for the bars with a pace of their own (title, expected)."""
    own = [(title, expected) for title, expected in items if _own_pace(expected, mark) is not None]
    if not own:
        return ""
    more = len(own) - _SHOWN_PACES
    return ngettext("; %(num)s with an expected pace of its own (a tick on its bar): %(listing)s",
                    "; %(num)s with an expected pace of their own (a tick on each bar): %(listing)s", len(own),
                    listing=in_turn(f"{title} {percent(expected)}" for title, expected in own[:_SHOWN_PACES])) + (
        ngettext("; and %(num)s more", "; and %(num)s more", more) if more > 0 else "")


def bars(look: Look, rows: tuple[BarRow, ...], marks: tuple[Mark, ...], label_width: int, value_width: int,
          x_max: float = 1.0, counts: tuple[tuple[str, int], ...] = ()) -> tuple[BarsData, int]:
    """Bars laid out for the look's width, and the chart's height."""
    layout = look.layout
    lines = max((row.label.text.count("\n") + 1 for row in rows), default=1)
    stacked = layout.stacked
    data = BarsData(rows=rows, x_max=x_max, marks=marks, label_width=0 if stacked else label_width,
                    value_width=0 if stacked else value_width, row_height=row_height(layout, lines), stacked=stacked,
                    counts=tuple((s, n, status_count(s, n)) for s, n in counts),
                    count_columns=layout.count_columns)
    return data, bars_height(layout, len(rows), lines, len(marks), len(counts))


def objective_overview(site: Site, objective: Objective, look: Look) -> ChartSpec | None:
    """Each key result's progress (or each supporting objective's, for a roll-up) against expected pace."""
    period = site.period_of(objective)
    ended = period.has_ended(site.as_of)
    if objective.counted_krs:  # dropped KRs count in no number, and are drawn in no overview
        items = [(kr.title, kr.id, kr.progress, kr.expected, shown_status(kr, ended)) for kr in objective.counted_krs]
        header, words = _("Key result"), _OVERVIEW_KRS
    else:
        children = [site.objectives[c] for c in objective.children if c in site.objectives]
        items = [(c.title, c.id, c.progress, c.expected, shown_status(c, ended)) for c in children if not c.is_draft]
        header, words = _("Objective"), _OVERVIEW_CHILDREN
    if len(items) < 2:
        return None
    pace = _shared_pace([item[3] for item in items], objective.expected)
    rows = tuple(_progress_row(title, ident, progress, state, look, ended, _own_pace(expected, pace))
                 for title, ident, progress, expected, state in items)
    shown = [state for *_, state in items]
    counts = {s: shown.count(s) for s in dict.fromkeys(shown)}
    summary = ", ".join(status_count(s, n) for s, n in counts.items() if n)
    listing = in_turn(_("%(title)s %(value)s (%(status)s)", title=item[0], value=grade(item[2]) if ended else
                          percent(item[2]), status=status_word(st)) for item, st in zip(items[:10], shown))
    more = ngettext("; and %(num)s more", "; and %(num)s more", len(items) - 10) if len(items) > 10 else ""
    marks = () if ended else (Mark(pace, _("expected %(share)s", share=percent(pace))),)
    data, height = bars(look, rows, marks, LABEL_WIDE, VALUE_WIDE)
    values = dict(title=objective.title, period=period.title, summary=summary, listing=listing, more=more,
                  expected=percent(pace), date=format_date(min(site.as_of, period.end), "short"),
                  by=_expected_by(period, site.as_of))
    caption, alt, data_title = (words[key](len(items), **values) for key in
                                (("ended caption", "ended alt") if ended else ("caption", "alt")) + ("table",))
    if not ended:
        caption, alt = _own_pace_words(caption, alt, rows, [(item[0], item[3]) for item in items], pace)
    if ended:
        table = (header, _("Grade"), _("State"))
        cells = tuple((item[0], grade(item[2]), status_label(st)) for item, st in zip(items, shown))
    else:
        table = (header, _("Progress"), _("Expected"), _("Status"))
        cells = tuple((t, percent(p), percent(e), status_label(s)) for t, _ident, p, e, s in items)
    return ChartSpec(
        kind="bars", name=chart_name(f"objectives/{objective.id}/overview", look), width=look.layout.width, height=height,
        look=look, data=data, caption=caption, alt=alt, tables=(Table(data_title, table, cells),),
        source=objective.source)


def _own_pace_words(caption: str, alt: str, rows: tuple[BarRow, ...], items: list[tuple[str, float]],
                    mark: float) -> tuple[str, str]:
    """The caption and alt text, each saying so when some bars (title, expected) have a tick of
    their own."""
    if all(row.pace is None for row in rows):
        return caption, alt
    sentence = _("A short tick across a bar marks its own expected pace, where it differs from the line's.")
    return f"{caption} {sentence}", alt.removesuffix(".") + _own_paces(items, mark) + "."


# The sentences of an objective's overview, of its key results or of its supporting objectives (a roll-up):
# whole sentences, so that each language can decline the nouns as it must.
Sentence = Callable[..., str]
_OVERVIEW_KRS: dict[str, Sentence] = {
    "ended caption": lambda n, **v: ngettext(
        "Final progress of each of the %(num)s key result when %(period)s ended (grades, 0 to 1).",
        "Final progress of each of the %(num)s key results when %(period)s ended (grades, 0 to 1).", n, **v),
    "ended alt": lambda n, **v: ngettext(
        "%(num)s key result of %(title)s when %(period)s ended (%(summary)s): %(listing)s%(more)s.",
        "%(num)s key results of %(title)s when %(period)s ended (%(summary)s): %(listing)s%(more)s.", n, **v),
    "caption": lambda n, **v: ngettext(
        "Progress of each of the %(num)s key result; the vertical line marks the expected pace (%(expected)s by "
        "%(date)s).",
        "Progress of each of the %(num)s key results; the vertical line marks the expected pace (%(expected)s by "
        "%(date)s).", n, **v),
    "alt": lambda n, **v: ngettext(
        "%(num)s key result of %(title)s (%(summary)s), expected %(expected)s by %(by)s: %(listing)s%(more)s.",
        "%(num)s key results of %(title)s (%(summary)s), expected %(expected)s by %(by)s: %(listing)s%(more)s.",
        n, **v),
    "table": lambda n, **v: ngettext("Data of the chart: key result of %(title)s",
                                     "Data of the chart: key results of %(title)s", n, **v),
}
_OVERVIEW_CHILDREN: dict[str, Sentence] = {
    "ended caption": lambda n, **v: ngettext(
        "Final progress of each of the %(num)s supporting objective when %(period)s ended (grades, 0 to 1).",
        "Final progress of each of the %(num)s supporting objectives when %(period)s ended (grades, 0 to 1).",
        n, **v),
    "ended alt": lambda n, **v: ngettext(
        "%(num)s supporting objective of %(title)s when %(period)s ended (%(summary)s): %(listing)s%(more)s.",
        "%(num)s supporting objectives of %(title)s when %(period)s ended (%(summary)s): %(listing)s%(more)s.",
        n, **v),
    "caption": lambda n, **v: ngettext(
        "Progress of each of the %(num)s supporting objective; the vertical line marks the expected pace "
        "(%(expected)s by %(date)s).",
        "Progress of each of the %(num)s supporting objectives; the vertical line marks the expected pace "
        "(%(expected)s by %(date)s).", n, **v),
    "alt": lambda n, **v: ngettext(
        "%(num)s supporting objective of %(title)s (%(summary)s), expected %(expected)s by %(by)s: "
        "%(listing)s%(more)s.",
        "%(num)s supporting objectives of %(title)s (%(summary)s), expected %(expected)s by %(by)s: "
        "%(listing)s%(more)s.", n, **v),
    "table": lambda n, **v: ngettext("Data of the chart: supporting objective of %(title)s",
                                     "Data of the chart: supporting objectives of %(title)s", n, **v),
}


def period_overview(site: Site, period_id: str, look: Look) -> ChartSpec | None:
    """The period's objectives (those furthest behind first) against expected pace, and status counts;
    once it has ended, their grades, and how many were done."""
    period = site.periods[period_id]
    every = site.objectives_in(period_id)
    objectives = [o for o in every if not o.is_draft]  # drafts have no numbers: counted apart
    if not objectives:
        return None
    drafts = len(every) - len(objectives)
    ended = period.has_ended(site.as_of)
    shown = worst_first(objectives)[:MAX_BARS]  # the furthest behind, as its caption says: priority aside
    counts = tuple(period_counts(objectives, ended).items())
    committed = scoring.expected_progress(period.start, period.end, site.as_of)
    def value(o: Objective) -> float:  # once ended: the grade, a closing one where it was set
        return o.grade if ended and o.grade is not None else o.progress

    expected = _shared_pace([o.expected for o in shown], committed)  # where the line marks the pace
    rows = tuple(_progress_row(o.title, o.id, value(o), shown_status(o, ended), look, ended,
                               _own_pace(o.expected, expected)) for o in shown)
    marks = () if ended else (Mark(expected, _("expected %(share)s", share=percent(expected))),)
    data, height = bars(look, rows, marks, LABEL_WIDE, VALUE_WIDE, counts=counts)
    total = len(objectives)
    which = ngettext("the %(shown)s furthest behind of %(num)s objective",
                     "the %(shown)s furthest behind of %(num)s objectives", total, shown=len(shown)) \
        if len(shown) < total else ngettext("all %(num)s objective", "all %(num)s objectives", total)
    summary = ", ".join(status_count(s, n) for s, n in counts) + (
        ngettext(" (and %(num)s draft with no key results yet)", " (and %(num)s drafts with no key results yet)",
                 drafts) if drafts else "")
    objectives_words = ngettext("%(num)s objective", "%(num)s objectives", total)
    if ended:
        low = sorted(objectives, key=lambda o: (value(o), o.id))[:3]
        caption = _("%(period)s (ended): objectives done and not done, and the grades of %(which)s.",
                    period=period.title, which=which)
        alt = _("%(period)s, ended: %(objectives)s, %(summary)s; lowest grades: %(listing)s.", period=period.title,
                objectives=objectives_words, summary=summary,
                listing=in_turn(f"{o.title} {grade(value(o))}" for o in low))
        table = (_("Objective"), _("Grade"), _("State"))
        cells = tuple((o.title, grade(value(o)), status_label(final(o.status, o.progress))) for o in shown)
    else:
        behind = [o for o in shown if o.status in ("off-track", "at-risk")][:3]
        worst = _("; furthest behind: %(listing)s", listing=in_turn(f"{o.title} {percent(o.progress)}"
                                                                       for o in behind)) if behind else ""
        caption = _("%(period)s: objectives by status, and the progress of %(which)s against the expected pace "
                    "(%(expected)s by %(date)s).", period=period.title, which=which, expected=percent(expected),
                    date=format_date(min(site.as_of, period.end), "short"))
        alt = _("%(period)s: %(objectives)s, %(summary)s; expected %(expected)s by %(date)s%(worst)s.",
                period=period.title, objectives=objectives_words, summary=summary, expected=percent(expected),
                date=_expected_by(period, site.as_of), worst=worst)
        caption, alt = _own_pace_words(caption, alt, rows, [(o.title, o.expected) for o in shown], expected)
        table = (_("Objective"), _("Progress"), _("Expected"), _("Status"))
        cells = tuple((o.title, percent(o.progress), percent(o.expected), status_label(o.status)) for o in shown)
    return ChartSpec(
        kind="bars", name=chart_name(f"periods/{period.id}", look), width=look.layout.width, height=height,
        look=look, data=data, caption=caption, alt=alt,
        tables=(Table(_("Objectives of %(period)s by state", period=period.title) if ended else
                      _("Objectives of %(period)s by status", period=period.title),
                      (_("State") if ended else _("Status"), _("Objectives")),
                      tuple((status_label(s), str(n)) for s, n in counts)),
                Table(_("Grades of %(which)s", which=which) if ended else _("Progress of %(which)s", which=which),
                      table, cells)),
        source=site.config.relative(site.config.path))


def project_health(site: Site, project: Project, look: Look) -> ChartSpec | None:
    """Time elapsed and work done, hours and budget used: all as shares of the plan."""
    hours = project.hours if project.hours and project.hours.planned else None
    budget = project.budget if project.budget and project.budget.planned else None
    elapsed = project.schedule_elapsed
    if elapsed is None and hours is None and budget is None:
        return None
    thresholds = site.config.thresholds
    work_status = project.health or "active"  # "active": the neutral colour, nothing to compare with
    rows: list[BarRow] = []
    table: list[tuple[str, str, str, str]] = []
    parts = []  # the alt text's
    tasks = ngettext("%(done)s of %(num)s task", "%(done)s of %(num)s tasks", len(project.tasks),
                     done=project.tasks_done) if project.tasks else ""
    if elapsed is not None:
        assert project.start and project.due
        days = max((min(site.as_of, project.due + dt.timedelta(days=1)) - project.start).days, 0)
        total = (project.due - project.start).days + 1
        over = (site.as_of - project.due).days if project.late else 0
        over_words = ngettext("%(num)s day over", "%(num)s days over", over)
        when = over_words if over > 0 else ngettext("%(days)s of %(num)s day", "%(days)s of %(num)s days", total,
                                                    days=days)
        rows.append(BarRow(Label(_("Time elapsed"), _("Time elapsed")), elapsed, "not-started",
                           Label(f"{percent(elapsed)} · {when}", f"{percent(elapsed)} · {when}")))
        table.append((_("Time elapsed"), ngettext("%(num)s day", "%(num)s days", days)
                      + (_(" and %(num)s over", num=over) if over > 0 else ""),
                      ngettext("%(num)s day", "%(num)s days", total), percent(elapsed)))
        parts.append(_("%(share)s of the schedule elapsed", share=percent(elapsed))
                     + (f", {over_words}" if over > 0 else ""))
    rows.append(BarRow(Label(_("Work done"), _("Work done")), project.progress, work_status,
                       Label(f"{percent(project.progress)} · {tasks}" if tasks else percent(project.progress),
                             percent(project.progress))))
    table.append((_("Work done"), ngettext("%(num)s task", "%(num)s tasks", project.tasks_done) if project.tasks
                  else percent(project.progress),
                  ngettext("%(num)s task", "%(num)s tasks", len(project.tasks)) if project.tasks else percent(1.0),
                  percent(project.progress)))
    parts.insert(0, _("%(share)s of the work done", share=percent(project.progress))
                 + (f" ({tasks})" if tasks else ""))
    for what, inside, used, planned, unit in (
            (_("Hours used"), _("hours used"), hours and hours.actual, hours and hours.planned, "h"),
            (_("Budget spent"), _("budget spent"), budget and budget.spent, budget and budget.planned,
             budget.currency if budget else "")):
        if not planned:
            continue
        share = (used or 0) / planned
        amount = _("%(used)s of %(planned)s", used=value_text(used or 0, "", short=True),
                   planned=value_text(planned, unit, short=True))
        rows.append(BarRow(Label(what, what), share, spend_status(share, project.progress, thresholds) or "active",
                           Label(f"{percent(share)} · {amount}", f"{percent(share)} · " + _(
                               "%(used)s of %(planned)s", used=number(used or 0), planned=number(planned)))))
        table.append((what, value_text(used or 0, unit), value_text(planned, unit), percent(share)))
        parts.append(_("%(what)s: %(used)s of %(planned)s (%(share)s)", what=inside, used=value_text(used or 0, unit),
                       planned=value_text(planned, unit), share=percent(share)))
    x_max = max([1.0] + [r.value for r in rows])
    marks = [Mark(1.0, _("plan"))]
    if elapsed is not None and 0 < elapsed < 1 - 0.12:
        marks.append(Mark(elapsed, _("as of %(date)s", date=format_date(site.as_of, "short")), dashed=True))
    flags = [w for w, on in ((_("late"), project.late), (_("over budget"), project.over_budget),
                             (_("over its hours"), project.over_hours)) if on]
    data, height = bars(look, tuple(rows), tuple(marks), 140, 260, x_max=x_max)
    return ChartSpec(
        kind="bars", name=chart_name(f"projects/{project.id}", look), width=look.layout.width, height=height,
        look=look, data=data,
        caption=_("Time elapsed, work done, hours and budget as shares of the plan (the solid line); hours or budget "
                  "past the dashed line (the report date) are used faster than time passes.") if len(marks) > 1
        else _("Time elapsed, work done, hours and budget as shares of the plan (the solid line)."),
        alt=titled(project.title, in_turn([*parts, ", ".join(flags)] if flags else parts)) + ".",
        tables=(Table(_("Data of the chart: %(title)s", title=project.title),
                      (_("Measure"), _("Actual"), _("Planned"), _("Share of plan")), tuple(table)),),
        source=project.source)


def _kr_chart(site: Site, ref: str, look: Look) -> ChartSpec | None:
    kr = site.key_result(ref)
    if kr is None or not kr.counted:  # a dropped KR keeps its history table, not a chart
        return None
    objective = site.objectives[kr.objective_id]
    period = site.period_of(objective)
    return (kr_trend(kr, objective, period, site.as_of, look) or kr_milestones(kr, objective, period, site.as_of, look)
            or kr_zones(kr, objective, period, site.as_of, look))


ChartMaker = Callable[[Site, str, Look], "ChartSpec | None"]


def _portfolio(name: str) -> ChartMaker:
    """A chart of okrsite.site.charts.portfolio, which builds on the types of this module (so it is
    imported when first asked for, not at the top)."""
    def make(site: Site, key: str, look: Look) -> ChartSpec | None:
        from okrsite.site.charts import portfolio
        maker: ChartMaker = getattr(portfolio, name)
        return maker(site, key, look)
    return make


# What a chart can be of (a page's ChartUse names one), and the function that specifies it;
# None where there is nothing worth drawing. A new chart kind is one entry here.
CHARTS: dict[str, ChartMaker] = {
    "kr": _kr_chart,
    "objective": lambda site, key, look: objective_overview(site, site.objectives[key], look),
    "period": period_overview,
    "project": lambda site, key, look: project_health(site, site.projects[key], look),
    "burn": _portfolio("burn_chart"),
    "portfolio": _portfolio("portfolio_chart"),
    "spend": _portfolio("spend_chart"),
}


SUBJECT_WORDS = {"kr": "key result", "objective": "objective", "period": "period", "project": "project",
                 "burn": "project (burn)", "portfolio": "portfolio of period", "spend": "spending of period"}


# Values over dates: the layout decides only the chart's size (the drawing places the ticks and
# labels), so one spec serves every layout (`relaid`) and is worked out once.
SIZED_BY_LAYOUT = ("trend", "burn")


def relaid(spec: ChartSpec, look: Look) -> ChartSpec | None:
    """The same chart in another layout, where its data does not depend on the layout; else None
    (bars wrap their labels to the width)."""
    if spec.kind not in SIZED_BY_LAYOUT:
        return None
    base = spec.name.removesuffix(spec.look.layout.suffix)
    return replace(spec, name=chart_name(base, look), width=look.layout.width,
                   height=look.layout.trend_height, look=look)


def chart_spec(site: Site, subject: tuple[str, str], look: Look) -> ChartSpec | None:
    """The chart of a subject, ("kr", "seo/page-views") say, or None when there is none."""
    kind, key = subject
    return CHARTS[kind](site, key, look)


def subject_source(site: Site, subject: tuple[str, str]) -> str:
    """The file a chart's subject comes from, for a warning about it."""
    kind, key = subject
    if kind in ("kr", "objective"):
        objective = site.objectives.get(key.partition("/")[0])
        if objective is not None:
            return objective.source
    if kind in ("project", "burn") and key in site.projects:
        return site.projects[key].source
    return site.config.relative(site.config.path)
