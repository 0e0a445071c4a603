"""The OKR arithmetic of the spec: pure functions, no I/O.

Everything a report shows as a number comes from here, so these functions are
small, total, and tested rule by rule (tests/test_scoring.py).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from okrsite.content import schema as s
from okrsite.content.options import option

TOLERANCE = 1e-9  # so that 0.5 - 0.35 counts as 0.15
ZONES = ("fail", "commit", "target", "stretch")  # a zones KR's levels, lowest first (spec v2)
# What a check-in of each type of key result reads (a boolean or milestones one carries confidence
# and a note only: its state is the key result's `done` and milestones).
CHECKIN_READING = {"metric": "value", "maintain": "value", "zones": "zone"}


@dataclass(frozen=True)
class Thresholds:
    """Shortfall behind expected pace at which a result turns at-risk, then off-track."""

    at_risk: float = option(s.fraction, 0.15, "shortfall (expected − progress) above which a result is at risk",
                            "number from 0 to 1")
    off_track: float = option(s.fraction, 0.30, "shortfall above which it is off track", "number from 0 to 1")


def round_half_up(value: float, digits: int = 2) -> float:
    """Round as people do (0.625 -> 0.63), not to even as round() does; from the shortest repr.

    Pages show tens of thousands of rounded numbers, so float arithmetic decides every value
    that is not within a hair of a tie; ties (and near ties such as 1.005) go to Decimal.
    """
    scaled = value * 10 ** digits
    if math.isfinite(scaled) and abs(scaled - math.floor(scaled) - 0.5) > 1e-6:
        return math.floor(scaled + 0.5) / 10 ** digits
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def whole_percent(value: float) -> int:
    """A 0..1 fraction as the whole percentage a reader sees: 0.125 -> 13 (half up, never to even)."""
    return int(round_half_up(value * 100, 0))


def clamp01(value: float) -> float:
    return min(1.0, max(0.0, value))


def metric_progress(start: float, target: float, current: float) -> float:
    """(current - start) / (target - start), clamped; works for decreasing KRs too."""
    if target == start:
        raise ValueError("target equals start")
    return clamp01((current - start) / (target - start))


def milestone_progress(done: int, total: int) -> float:
    return done / total if total else 0.0


def boolean_progress(done: bool) -> float:
    return 1.0 if done else 0.0


@dataclass(frozen=True)
class Reading:
    """A check-in reduced to what the arithmetic needs; `order` is its place in the file."""

    date: dt.date
    value: float | None
    order: int


def current_value(readings: Iterable[Reading], as_of: dt.date,
                  stated: float | None, start: float) -> float:
    """The latest check-in value known on `as_of` (file order breaks date ties), else `current:`, else start."""
    known = [r for r in readings if r.value is not None and r.date <= as_of]
    if known:
        latest = max(known, key=lambda r: (r.date, r.order))
        assert latest.value is not None
        return latest.value
    return stated if stated is not None else start


# Floats are summed with math.fsum, never sum(): fsum is exactly rounded, so a total has the same
# bits on every Python (3.12's sum() compensates as it adds, 3.11's does not), and a mean that
# lands on a rounding tie is shown the same whichever Python built the site.

def mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def mean_grade(grades: Sequence[float]) -> float:
    """The mean of grades as a reader works it out from the grades shown (each has two decimals),
    in decimal: 0.32, 0.71, 0.79, 0.90, 0.43 and 0.90 make 0.675, shown 0.68 (in floats 0.67499…)."""
    return float(sum(Decimal(repr(grade)) for grade in grades) / len(grades))


def weighted_mean(values: Sequence[tuple[float, float]]) -> float:
    """Mean of (value, weight) pairs; 0 for nothing."""
    total = math.fsum(weight for _, weight in values)
    if not total:
        return 0.0
    return math.fsum(value * weight for value, weight in values) / total


def expected_progress(start: dt.date, end: dt.date, as_of: dt.date) -> float:
    """Share of the period elapsed at as_of: (as_of - start) / (end - start + 1 day), clamped."""
    days = (end - start).days + 1
    return clamp01((as_of - start).days / days)


def status(progress: float, expected: float, as_of: dt.date, period_start: dt.date,
           thresholds: Thresholds = Thresholds()) -> str:
    if progress >= 1 - TOLERANCE:
        return "done"
    if as_of < period_start:
        return "not-started"
    shortfall = expected - progress
    if shortfall <= thresholds.at_risk + TOLERANCE:
        return "on-track"
    if shortfall <= thresholds.off_track + TOLERANCE:
        return "at-risk"
    return "off-track"


def grade(progress: float, period_end: dt.date, as_of: dt.date) -> float | None:
    """The 0.0-1.0 score of an ended period, to two decimals; None while it runs."""
    if period_end >= as_of:
        return None
    return round_half_up(progress, 2)


def project_progress(tasks_done: int, tasks_total: int, stated: float | None, status_: str) -> float:
    """Share of tasks done, or `progress:` when given; without either, 1 only when done."""
    if stated is not None:
        return clamp01(stated)
    if tasks_total:
        return tasks_done / tasks_total
    return 1.0 if status_ == "done" else 0.0


def is_late(due: dt.date | None, as_of: dt.date, status_: str) -> bool:
    return due is not None and due < as_of and status_ not in ("done", "cancelled")


def is_over(planned: float | None, actual: float | None) -> bool:
    """Spent more than planned (budget or hours); unknown plans are never over."""
    return planned is not None and actual is not None and actual > planned


def project_health(progress: float, elapsed: float | None, late: bool, as_of: dt.date,
                   start: dt.date | None, thresholds: Thresholds = Thresholds()) -> str | None:
    """Whether a project's work keeps up with its schedule, in the words of OKR status: done when
    finished, off-track once late, else the pace rule with the schedule elapsed as the expected
    pace (not-started before its start); None without a schedule to compare with."""
    if progress >= 1 - TOLERANCE:
        return "done"
    if late:
        return "off-track"
    if elapsed is None or start is None:
        return None
    return status(progress, elapsed, as_of, start, thresholds)


def spend_status(used: float, progress: float, thresholds: Thresholds = Thresholds()) -> str | None:
    """Hours or budget used as a share of plan against work done: off-track past the plan,
    at-risk when used faster than the work by more than the at-risk threshold, else None."""
    if used > 1 + TOLERANCE:
        return "off-track"
    return "at-risk" if used - progress > thresholds.at_risk + TOLERANCE else None


def schedule_elapsed(start: dt.date | None, due: dt.date | None, as_of: dt.date) -> float | None:
    """Share of a project's schedule elapsed on as_of, counting the due date as a full day."""
    if start is None or due is None or due < start:
        return None
    return expected_progress(start, due, as_of)


# --- v2: kinds of objective, maintain and zones KRs, forecasts, staleness ----------------------------

ZONE_PROGRESS = {"fail": 0.0, "commit": 0.3, "target": 0.7, "stretch": 1.0}


def expectation(kind: str, aspirational_target: float) -> float:
    """What an objective is expected to reach: 1.0 when committed, `aspirational_target` (0.7) when aspirational."""
    return aspirational_target if kind == "aspirational" else 1.0


def inside_band(value: float, floor: float | None, ceiling: float | None) -> bool:
    """Within a maintain KR's band, bounds included; a missing bound does not limit."""
    return (floor is None or value >= floor) and (ceiling is None or value <= ceiling)


def maintain_progress(values: Sequence[float], current: float, floor: float | None, ceiling: float | None) -> float:
    """The share of the period's valued check-ins inside the band; with none, 1 if `current` is inside."""
    if not values:
        return 1.0 if inside_band(current, floor, ceiling) else 0.0
    return sum(inside_band(v, floor, ceiling) for v in values) / len(values)


def maintain_status(current: float, floor: float | None, ceiling: float | None) -> str:
    """Keeping a value is not a race against the calendar: on track while inside the band."""
    return "on-track" if inside_band(current, floor, ceiling) else "off-track"


@dataclass(frozen=True)
class ZoneReading:
    date: dt.date
    zone: str | None
    order: int


def current_zone(readings: Iterable[ZoneReading], as_of: dt.date, stated: str | None) -> str:
    """The zone of the latest check-in with one, known on `as_of` (file order breaks date ties),
    else the `zone:` field, else fail."""
    known = [r for r in readings if r.zone is not None and r.date <= as_of]
    if known:
        return max(known, key=lambda r: (r.date, r.order)).zone  # type: ignore[return-value]
    return stated or "fail"


def forecast_value(points: Sequence[tuple[float, float]], at: float) -> float | None:
    """The least-squares straight line through (day, value) points, evaluated at day `at`;
    None with fewer than two points or when every point falls on one day."""
    if len(points) < 2:
        return None
    mean_x, mean_y = mean([x for x, _ in points]), mean([y for _, y in points])
    spread = math.fsum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    slope = math.fsum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return mean_y + slope * (at - mean_x)


def metric_forecast(start: float, period_start: dt.date, period_end: dt.date,
                    checkins: Iterable[tuple[dt.date, float]], as_of: dt.date) -> float | None:
    """Where a metric KR will land at its period's end, on its trend so far (spec, "Forecast"):
    the line through (period start, start) and each valued check-in dated within the period on
    or before as_of; only while the period runs and with at least two such check-ins."""
    if not period_start <= as_of <= period_end:
        return None
    used = [(float((day - period_start).days), value) for day, value in checkins
            if period_start <= day <= min(period_end, as_of)]
    if len(used) < 2:
        return None
    return forecast_value([(0.0, start), *used], float((period_end - period_start).days))


def is_stale(last_update: dt.date | None, as_of: dt.date, period_start: dt.date, period_end: dt.date,
             after_days: int) -> bool:
    """Nobody has updated it for too long: in a period running on as_of and started more than
    `after_days` before it, the last update is older than that, or there is none."""
    if not period_start <= as_of <= period_end or (as_of - period_start).days <= after_days:
        return False
    return last_update is None or (as_of - last_update).days > after_days
