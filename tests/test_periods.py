"""Period ids to inclusive date ranges: built-in years, halves, quarters, and custom periods."""

from __future__ import annotations

import datetime as dt

import pytest

from okrsite.model.periods import Period, builtin_period, quarter_containing, resolve_period

D = dt.date


@pytest.mark.parametrize(
    ("period_id", "start", "end", "days", "kind", "title"),
    [
        pytest.param("2026", D(2026, 1, 1), D(2026, 12, 31), 365, "year", "2026", id="year-2026"),
        pytest.param("2028", D(2028, 1, 1), D(2028, 12, 31), 366, "year", "2028", id="leap-year-2028"),
        pytest.param("2026-H1", D(2026, 1, 1), D(2026, 6, 30), 181, "half", "H1 2026", id="half-H1"),
        pytest.param("2026-H2", D(2026, 7, 1), D(2026, 12, 31), 184, "half", "H2 2026", id="half-H2"),
        pytest.param("2028-H1", D(2028, 1, 1), D(2028, 6, 30), 182, "half", "H1 2028", id="leap-half-H1"),
        pytest.param("2026-Q1", D(2026, 1, 1), D(2026, 3, 31), 90, "quarter", "Q1 2026", id="quarter-Q1-90-days"),
        pytest.param("2026-Q2", D(2026, 4, 1), D(2026, 6, 30), 91, "quarter", "Q2 2026", id="quarter-Q2"),
        pytest.param("2026-Q3", D(2026, 7, 1), D(2026, 9, 30), 92, "quarter", "Q3 2026", id="quarter-Q3"),
        pytest.param("2026-Q4", D(2026, 10, 1), D(2026, 12, 31), 92, "quarter", "Q4 2026", id="quarter-Q4-ends-dec-31"),
        pytest.param("2028-Q1", D(2028, 1, 1), D(2028, 3, 31), 91, "quarter", "Q1 2028", id="leap-quarter-Q1-91-days"),
    ],
)
def test_builtin_period(period_id, start, end, days, kind, title):
    period = builtin_period(period_id)
    assert period is not None
    assert (period.id, period.start, period.end, period.days, period.kind, period.title) == (
        period_id, start, end, days, kind, title)


def test_leap_february_is_inside_q1_2028():
    period = builtin_period("2028-Q1")
    assert period is not None
    assert period.contains(D(2028, 2, 29))


@pytest.mark.parametrize(
    "period_id",
    [
        pytest.param("2026-Q5", id="quarter-5"),
        pytest.param("2026-Q0", id="quarter-0"),
        pytest.param("2026-H3", id="half-3"),
        pytest.param("2026-H0", id="half-0"),
        pytest.param("Q1", id="quarter-without-year"),
        pytest.param("26-Q1", id="two-digit-year"),
        pytest.param("2026-Q12", id="quarter-two-digits"),
        pytest.param("2026-q1", id="lower-case-q"),
        pytest.param("2026Q1", id="no-dash"),
        pytest.param("2026-M1", id="unknown-kind"),
        pytest.param("2026-Q1 ", id="trailing-space"),
        pytest.param("2026-Q1\n", id="trailing-newline"),
        pytest.param("", id="empty"),
        pytest.param("fy26", id="custom-looking-id"),
    ],
)
def test_invalid_builtin_ids_return_none(period_id):
    assert builtin_period(period_id) is None


@pytest.mark.parametrize(
    ("day", "period_id"),
    [
        pytest.param(D(2026, 1, 1), "2026-Q1", id="first-day-of-year-q1"),
        pytest.param(D(2026, 2, 15), "2026-Q1", id="mid-q1"),
        pytest.param(D(2026, 3, 31), "2026-Q1", id="last-day-of-q1"),
        pytest.param(D(2026, 4, 1), "2026-Q2", id="first-day-of-q2"),
        pytest.param(D(2026, 5, 14), "2026-Q2", id="demo-as-of-q2"),
        pytest.param(D(2026, 9, 30), "2026-Q3", id="last-day-of-q3"),
        pytest.param(D(2026, 12, 31), "2026-Q4", id="last-day-of-year-q4"),
        pytest.param(D(2028, 2, 29), "2028-Q1", id="leap-day-q1"),
    ],
)
def test_quarter_containing(day, period_id):
    period = quarter_containing(day)
    assert period.id == period_id
    assert period.contains(day)


CUSTOM_Q1 = Period("2026-Q1", "Fiscal Q1", D(2025, 11, 1), D(2026, 1, 31), "custom")
SPRINT = Period("sprint-7", "Sprint 7", D(2026, 3, 2), D(2026, 3, 15), "custom")


@pytest.mark.parametrize(
    ("period_id", "custom", "expected"),
    [
        pytest.param("2026-Q1", {"2026-Q1": CUSTOM_Q1}, CUSTOM_Q1, id="custom-wins-over-builtin-id"),
        pytest.param("sprint-7", {"sprint-7": SPRINT}, SPRINT, id="custom-id"),
        pytest.param("2026-Q2", {"2026-Q1": CUSTOM_Q1}, builtin_period("2026-Q2"), id="other-builtin-still-resolves"),
        pytest.param("2026-Q1", {}, builtin_period("2026-Q1"), id="builtin-without-custom"),
        pytest.param("sprint-8", {"sprint-7": SPRINT}, None, id="unknown-custom-none"),
        pytest.param("2026-Q5", {}, None, id="invalid-builtin-none"),
    ],
)
def test_resolve_period(period_id, custom, expected):
    assert resolve_period(period_id, custom) == expected


def test_custom_q1_dates_replace_the_builtin_dates():
    period = resolve_period("2026-Q1", {"2026-Q1": CUSTOM_Q1})
    assert period is not None
    assert (period.start, period.end, period.days) == (D(2025, 11, 1), D(2026, 1, 31), 92)


Q1 = builtin_period("2026-Q1")


@pytest.mark.parametrize(
    ("as_of", "ended"),
    [
        pytest.param(D(2025, 12, 31), False, id="before-start-not-ended"),
        pytest.param(D(2026, 2, 15), False, id="running-not-ended"),
        pytest.param(D(2026, 3, 31), False, id="on-last-day-not-ended"),
        pytest.param(D(2026, 4, 1), True, id="day-after-end-ended"),
        pytest.param(D(2026, 5, 14), True, id="weeks-after-end-ended"),
    ],
)
def test_has_ended(as_of, ended):
    assert Q1 is not None
    assert Q1.has_ended(as_of) is ended


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        pytest.param(D(2025, 12, 31), False, id="day-before-start-outside"),
        pytest.param(D(2026, 1, 1), True, id="start-inside"),
        pytest.param(D(2026, 3, 31), True, id="end-inclusive-inside"),
        pytest.param(D(2026, 4, 1), False, id="day-after-end-outside"),
    ],
)
def test_contains_includes_both_ends(day, inside):
    assert Q1 is not None
    assert Q1.contains(day) is inside


def test_sort_key_chronological_then_shorter_first():
    periods = [builtin_period(p) for p in ("2026", "2026-Q2", "2026-H1", "2026-Q1", "2025-Q4")]
    ordered = sorted(periods, key=lambda p: p.sort_key())  # type: ignore[union-attr]
    assert [p.id for p in ordered] == ["2025-Q4", "2026-Q1", "2026-H1", "2026", "2026-Q2"]  # type: ignore[union-attr]
