"""The spec's "Numbers" section, rule by rule, on the pure functions of okrsite.model.scoring."""

from __future__ import annotations

import datetime as dt

import pytest

from okrsite.model import scoring
from okrsite.model.scoring import Reading, Thresholds

D = dt.date
Q1_START, Q1_END = D(2026, 1, 1), D(2026, 3, 31)  # 2026-Q1, 90 days


# --- Metric progress --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        pytest.param(1200, 2500, 1720, 0.4, id="increasing-page-views-1200-2500-at-1720"),
        pytest.param(10, 4, 7, 0.5, id="decreasing-bounce-rate-10-4-at-7"),
        pytest.param(0, 10, 4, 0.4, id="increasing-from-zero"),
        pytest.param(100, 200, 100, 0.0, id="at-start-is-0"),
        pytest.param(100, 200, 200, 1.0, id="at-target-is-1"),
        pytest.param(10, 4, 10, 0.0, id="decreasing-at-start-is-0"),
        pytest.param(10, 4, 4, 1.0, id="decreasing-at-target-is-1"),
        pytest.param(100, 200, 50, 0.0, id="clamped-below-0-increasing"),
        pytest.param(100, 200, 260, 1.0, id="clamped-above-1-increasing"),
        pytest.param(10, 4, 12, 0.0, id="clamped-below-0-decreasing-went-up"),
        pytest.param(10, 4, 1, 1.0, id="clamped-above-1-decreasing-beat-target"),
        pytest.param(-10, 10, 0, 0.5, id="negative-start"),
        pytest.param(0.5, 1.5, 0.75, 0.25, id="fractional-values"),
    ],
)
def test_metric_progress(start, target, current, expected):
    assert scoring.metric_progress(start, target, current) == pytest.approx(expected)


@pytest.mark.parametrize("current", [pytest.param(5, id="target-equals-start-at-value"),
                                     pytest.param(9, id="target-equals-start-elsewhere")])
def test_metric_progress_target_equals_start_is_an_error(current):
    with pytest.raises(ValueError):
        scoring.metric_progress(5, 5, current)


# --- Boolean and milestones -------------------------------------------------------------------

@pytest.mark.parametrize(("done", "expected"), [pytest.param(True, 1.0, id="boolean-done-is-1"),
                                                pytest.param(False, 0.0, id="boolean-not-done-is-0")])
def test_boolean_progress(done, expected):
    assert scoring.boolean_progress(done) == expected


@pytest.mark.parametrize(
    ("done", "total", "expected"),
    [
        pytest.param(0, 4, 0.0, id="milestones-none-done"),
        pytest.param(1, 4, 0.25, id="milestones-one-of-four"),
        pytest.param(2, 3, 2 / 3, id="milestones-two-of-three"),
        pytest.param(5, 5, 1.0, id="milestones-all-done"),
    ],
)
def test_milestone_progress(done, total, expected):
    # 0 of 0 cannot reach this function: the model rejects an empty milestones list
    # (tests/test_model_scoring.py::test_empty_milestones_is_an_error).
    assert scoring.milestone_progress(done, total) == pytest.approx(expected)


# --- Current value ----------------------------------------------------------------------------

AS_OF = D(2026, 2, 15)


@pytest.mark.parametrize(
    ("readings", "stated", "start", "expected"),
    [
        pytest.param([(D(2026, 1, 20), 1380), (D(2026, 2, 10), 1720)], None, 1200, 1720,
                     id="latest-checkin-wins"),
        pytest.param([(D(2026, 2, 10), 1720), (D(2026, 1, 20), 1380)], None, 1200, 1720,
                     id="latest-by-date-not-by-file-order"),
        pytest.param([(D(2026, 2, 15), 1900)], None, 1200, 1900,
                     id="checkin-on-as-of-counts"),
        pytest.param([(D(2026, 1, 20), 1380), (D(2026, 2, 16), 2400)], None, 1200, 1380,
                     id="checkin-after-as-of-ignored"),
        pytest.param([(D(2026, 2, 16), 2400)], 1500, 1200, 1500,
                     id="only-future-checkins-fall-back-to-current"),
        pytest.param([(D(2026, 2, 16), 2400)], None, 1200, 1200,
                     id="only-future-checkins-fall-back-to-start"),
        pytest.param([(D(2026, 2, 10), 1700), (D(2026, 2, 10), 1750)], None, 1200, 1750,
                     id="same-date-later-in-file-wins"),
        pytest.param([(D(2026, 2, 10), 1750), (D(2026, 2, 10), 1700)], None, 1200, 1700,
                     id="same-date-later-in-file-wins-reversed"),
        pytest.param([(D(2026, 1, 20), 1380), (D(2026, 2, 10), None)], None, 1200, 1380,
                     id="valueless-checkin-skipped"),
        pytest.param([(D(2026, 2, 10), None)], 1500, 1200, 1500,
                     id="only-valueless-checkins-fall-back-to-current"),
        pytest.param([], 1500, 1200, 1500, id="no-checkins-use-current"),
        pytest.param([], None, 1200, 1200, id="no-checkins-no-current-use-start"),
        pytest.param([(D(2026, 2, 1), 1300)], 1900, 1200, 1300,
                     id="checkin-wins-over-current"),
        pytest.param([(D(2025, 12, 1), 1100)], None, 1200, 1100,
                     id="checkin-before-period-still-counts"),
        pytest.param([(D(2026, 2, 1), 0)], 1500, 1200, 0,
                     id="checkin-value-zero-is-a-value"),
        pytest.param([], 0, 1200, 0, id="current-zero-is-a-value"),
    ],
)
def test_current_value(readings, stated, start, expected):
    items = [Reading(day, value, order) for order, (day, value) in enumerate(readings)]
    assert scoring.current_value(items, AS_OF, stated, start) == expected


# --- Weighted mean ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        pytest.param([(0.4, 1), (0.4, 1), (0.5, 1)], 1.3 / 3, id="equal-weights-plain-mean"),
        pytest.param([(1.0, 3), (0.0, 1)], 0.75, id="weight-3-to-1"),
        pytest.param([(0.2, 0.5), (0.8, 1.5)], 0.65, id="fractional-weights"),
        pytest.param([(0.6, 2)], 0.6, id="single-value-any-weight"),
        pytest.param([], 0.0, id="nothing-is-0"),
    ],
)
def test_weighted_mean(pairs, expected):
    assert scoring.weighted_mean(pairs) == pytest.approx(expected)


def test_means_are_summed_exactly_so_every_python_gets_the_same_bits() -> None:
    """sum() of floats is not the same on every Python (3.12 compensates as it adds): 3.11 made ten
    0.1s 0.9999999999999999, and the Q1 mean grade read 0.68 on Python 3.11 and 0.67 on 3.13."""
    assert scoring.mean([0.1] * 10) == 0.1
    assert scoring.weighted_mean([(0.1, 1)] * 10) == 0.1
    assert scoring.mean([1e16, 1.0, -1e16]) == scoring.mean([1e16, -1e16, 1.0]) == 1 / 3


def test_the_mean_grade_is_the_mean_of_the_grades_shown_worked_out_as_a_reader_would() -> None:
    from okrsite.site.formatting import grade

    assert grade(scoring.mean_grade([0.32, 0.71, 0.79, 0.9, 0.43, 0.9])) == "0.68"  # 4.05 / 6 = 0.675, half up
    assert grade(scoring.mean_grade([0.7, 0.6, 0.6])) == "0.63"  # 0.6333…
    assert scoring.mean_grade([1.0]) == 1.0


# --- Expected pace ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        pytest.param(D(2026, 2, 15), 45 / 90, id="q1-on-feb-15-is-half"),
        pytest.param(D(2026, 1, 1), 0.0, id="first-day-is-0"),
        pytest.param(D(2026, 1, 2), 1 / 90, id="second-day-is-one-day"),
        pytest.param(D(2025, 12, 1), 0.0, id="before-start-clamped-0"),
        pytest.param(D(2026, 3, 31), 89 / 90, id="last-day-inclusive-end-not-yet-1"),
        pytest.param(D(2026, 4, 1), 1.0, id="day-after-end-is-1"),
        pytest.param(D(2026, 7, 1), 1.0, id="long-after-end-clamped-1"),
    ],
)
def test_expected_progress_q1(as_of, expected):
    assert scoring.expected_progress(Q1_START, Q1_END, as_of) == pytest.approx(expected)


def test_expected_progress_single_day_period():
    day = D(2026, 5, 1)
    assert scoring.expected_progress(day, day, day) == 0.0
    assert scoring.expected_progress(day, day, day + dt.timedelta(days=1)) == 1.0


# --- Status -----------------------------------------------------------------------------------

IN_Q1 = D(2026, 2, 15)


@pytest.mark.parametrize(
    ("progress", "expected_pace", "thresholds", "result"),
    [
        pytest.param(0.5, 0.5, Thresholds(), "on-track", id="on-pace-on-track"),
        pytest.param(0.9, 0.5, Thresholds(), "on-track", id="ahead-on-track"),
        pytest.param(0.35, 0.5, Thresholds(), "on-track", id="shortfall-exactly-0.15-on-track-tolerance"),
        pytest.param(0.349, 0.5, Thresholds(), "at-risk", id="shortfall-0.151-at-risk"),
        pytest.param(0.2, 0.5, Thresholds(), "at-risk", id="shortfall-exactly-0.30-at-risk"),
        pytest.param(0.1999, 0.5, Thresholds(), "off-track", id="shortfall-0.3001-off-track"),
        pytest.param(0.0, 0.5, Thresholds(), "off-track", id="nothing-done-halfway-off-track"),
        # 0.8 - 0.5 is 0.30000000000000004 in floats: still at-risk thanks to the tolerance.
        pytest.param(0.5, 0.8, Thresholds(), "at-risk", id="shortfall-0.3-float-noise-at-risk"),
        pytest.param(0.49, 0.8, Thresholds(), "off-track", id="shortfall-0.31-off-track"),
        # Custom thresholds at_risk 0.1, off_track 0.2; 0.55 - 0.45 is 0.10000000000000003.
        pytest.param(0.45, 0.55, Thresholds(at_risk=0.1, off_track=0.2), "on-track",
                     id="custom-at-risk-boundary-on-track"),
        pytest.param(0.449, 0.55, Thresholds(at_risk=0.1, off_track=0.2), "at-risk",
                     id="custom-just-past-at-risk-at-risk"),
        pytest.param(0.35, 0.55, Thresholds(at_risk=0.1, off_track=0.2), "at-risk",
                     id="custom-off-track-boundary-at-risk"),
        pytest.param(0.3499, 0.55, Thresholds(at_risk=0.1, off_track=0.2), "off-track",
                     id="custom-just-past-off-track-off-track"),
        pytest.param(0.4, 0.5, Thresholds(at_risk=0.05, off_track=0.1), "at-risk",
                     id="custom-strict-shortfall-0.1-at-risk"),
        pytest.param(0.2, 0.5, Thresholds(at_risk=0.3, off_track=0.5), "on-track",
                     id="custom-lenient-thresholds-on-track"),
    ],
)
def test_status_thresholds(progress, expected_pace, thresholds, result):
    assert scoring.status(progress, expected_pace, IN_Q1, Q1_START, thresholds) == result


@pytest.mark.parametrize(
    ("progress", "expected_pace", "as_of", "result"),
    [
        pytest.param(1.0, 0.5, IN_Q1, "done", id="progress-1-done"),
        pytest.param(1.0, 0.0, D(2025, 12, 1), "done", id="progress-1-before-period-done"),
        pytest.param(1.0, 1.0, D(2026, 6, 1), "done", id="progress-1-after-period-done"),
        pytest.param(0.9999999999, 0.5, IN_Q1, "done", id="progress-1-within-tolerance-done"),
        pytest.param(0.99, 1.0, D(2026, 6, 1), "on-track", id="progress-0.99-not-done"),
        pytest.param(0.0, 0.0, D(2025, 12, 31), "not-started", id="day-before-start-not-started"),
        pytest.param(0.5, 0.0, D(2025, 12, 31), "not-started", id="partial-progress-before-start-not-started"),
        pytest.param(0.0, 0.0, Q1_START, "on-track", id="first-day-running-not-not-started"),
        pytest.param(0.2, 1.0, D(2026, 4, 2), "off-track", id="ended-short-off-track"),
    ],
)
def test_status_done_and_not_started(progress, expected_pace, as_of, result):
    assert scoring.status(progress, expected_pace, as_of, Q1_START) == result


def test_default_thresholds_are_the_spec_defaults():
    assert Thresholds() == Thresholds(at_risk=0.15, off_track=0.30)


# --- Grade ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("progress", "as_of", "result"),
    [
        pytest.param(0.7, D(2026, 2, 15), None, id="running-period-no-grade"),
        pytest.param(0.7, Q1_END, None, id="on-last-day-no-grade"),
        pytest.param(0.7, D(2025, 12, 1), None, id="before-period-no-grade"),
        pytest.param(0.7, D(2026, 4, 1), 0.7, id="day-after-end-graded"),
        pytest.param(1.3 / 3, D(2026, 5, 14), 0.43, id="rounded-to-two-decimals-down"),
        pytest.param(2 / 3, D(2026, 5, 14), 0.67, id="rounded-to-two-decimals-up"),
        pytest.param(0.9, D(2026, 5, 14), 0.9, id="one-decimal-stays"),
        pytest.param(1.0, D(2026, 5, 14), 1.0, id="full-score"),
        pytest.param(0.0, D(2026, 5, 14), 0.0, id="zero-score"),
    ],
)
def test_grade(progress, as_of, result):
    assert scoring.grade(progress, Q1_END, as_of) == result


# --- Projects ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("tasks_done", "tasks_total", "stated", "status", "expected"),
    [
        pytest.param(1, 2, None, "active", 0.5, id="share-of-tasks-done"),
        pytest.param(0, 3, None, "active", 0.0, id="no-task-done"),
        pytest.param(3, 3, None, "active", 1.0, id="all-tasks-done"),
        pytest.param(1, 2, 0.8, "active", 0.8, id="explicit-progress-wins-over-tasks"),
        pytest.param(2, 2, 0.3, "done", 0.3, id="explicit-progress-wins-over-done"),
        pytest.param(0, 0, 0.0, "done", 0.0, id="explicit-zero-progress-wins"),
        pytest.param(0, 0, None, "done", 1.0, id="neither-done-project-is-1"),
        pytest.param(0, 0, None, "active", 0.0, id="neither-active-project-is-0"),
        pytest.param(0, 0, None, "planned", 0.0, id="neither-planned-project-is-0"),
        pytest.param(0, 0, None, "cancelled", 0.0, id="neither-cancelled-project-is-0"),
        pytest.param(1, 4, None, "done", 0.25, id="done-project-with-tasks-uses-tasks"),
    ],
)
def test_project_progress(tasks_done, tasks_total, stated, status, expected):
    assert scoring.project_progress(tasks_done, tasks_total, stated, status) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("due", "status", "late"),
    [
        pytest.param(D(2026, 2, 14), "active", True, id="due-before-as-of-active-late"),
        pytest.param(D(2026, 2, 14), "planned", True, id="due-before-as-of-planned-late"),
        pytest.param(D(2026, 2, 14), "on-hold", True, id="due-before-as-of-on-hold-late"),
        pytest.param(D(2026, 2, 14), "done", False, id="done-never-late"),
        pytest.param(D(2026, 2, 14), "cancelled", False, id="cancelled-never-late"),
        pytest.param(D(2026, 2, 15), "active", False, id="due-on-as-of-not-late"),
        pytest.param(D(2026, 2, 16), "active", False, id="due-after-as-of-not-late"),
        pytest.param(None, "active", False, id="no-due-never-late"),
    ],
)
def test_is_late(due, status, late):
    assert scoring.is_late(due, D(2026, 2, 15), status) is late


@pytest.mark.parametrize(
    ("planned", "spent", "over"),
    [
        pytest.param(12000, 12001, True, id="spent-above-planned-over"),
        pytest.param(12000, 12000, False, id="spent-equal-planned-not-over"),
        pytest.param(12000, 4500, False, id="spent-below-planned-not-over"),
        pytest.param(None, 4500, False, id="unknown-plan-never-over"),
        pytest.param(12000, None, False, id="unknown-spend-not-over"),
        pytest.param(0, 1, True, id="zero-plan-any-spend-over"),
    ],
)
def test_is_over(planned, spent, over):
    assert scoring.is_over(planned, spent) is over


@pytest.mark.parametrize(
    ("start", "due", "as_of", "expected"),
    [
        pytest.param(D(2026, 1, 1), D(2026, 1, 10), D(2026, 1, 6), 0.5, id="halfway-due-date-is-a-full-day"),
        pytest.param(D(2026, 1, 1), D(2026, 1, 10), D(2025, 12, 20), 0.0, id="before-start-0"),
        pytest.param(D(2026, 1, 1), D(2026, 1, 10), D(2026, 1, 10), 0.9, id="on-due-date-not-yet-1"),
        pytest.param(D(2026, 1, 1), D(2026, 1, 10), D(2026, 1, 11), 1.0, id="after-due-1"),
        pytest.param(None, D(2026, 1, 10), D(2026, 1, 6), None, id="no-start-none"),
        pytest.param(D(2026, 1, 1), None, D(2026, 1, 6), None, id="no-due-none"),
        pytest.param(D(2026, 1, 10), D(2026, 1, 1), D(2026, 1, 6), None, id="due-before-start-none"),
    ],
)
def test_schedule_elapsed(start, due, as_of, expected):
    result = scoring.schedule_elapsed(start, due, as_of)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


@pytest.mark.parametrize("value, expected", [
    (0.625, 0.63), (0.125, 0.13), (0.615, 0.62), (1 / 3, 0.33), (2 / 3, 0.67), (0.0, 0.0), (1.0, 1.0),
], ids=["5-of-8", "1-of-8", "binary-inexact", "third", "two-thirds", "zero", "one"])
def test_grades_round_half_up_as_people_do(value: float, expected: float) -> None:
    assert scoring.grade(value, dt.date(2026, 3, 31), dt.date(2026, 4, 1)) == expected


# --- Project health and spend -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("progress", "elapsed", "late", "as_of", "health"),
    [
        pytest.param(1.0, 0.5, False, D(2026, 2, 15), "done", id="finished-is-done"),
        pytest.param(1.0, 1.0, True, D(2026, 4, 15), "done", id="finished-even-if-due-passed"),
        pytest.param(0.9, 1.0, True, D(2026, 4, 15), "off-track", id="late-is-off-track"),
        pytest.param(0.5, None, False, D(2026, 2, 15), None, id="no-schedule-no-health"),
        pytest.param(0.35, 0.5, False, D(2026, 2, 15), "on-track", id="15-points-behind-is-on-track"),
        pytest.param(0.34, 0.5, False, D(2026, 2, 15), "at-risk", id="16-points-behind-is-at-risk"),
        pytest.param(0.19, 0.5, False, D(2026, 2, 15), "off-track", id="31-points-behind-is-off-track"),
        pytest.param(0.0, 0.0, False, D(2025, 12, 15), "not-started", id="before-its-start"),
    ],
)
def test_project_health_is_the_pace_rule_against_schedule_elapsed(progress, elapsed, late, as_of, health):
    assert scoring.project_health(progress, elapsed, late, as_of, Q1_START) == health


@pytest.mark.parametrize(
    ("used", "progress", "result"),
    [
        pytest.param(1.01, 1.0, "off-track", id="past-the-plan"),
        pytest.param(1.0, 0.5, "at-risk", id="all-spent-half-done"),
        pytest.param(0.65, 0.5, None, id="15-points-faster-than-work-is-fine"),
        pytest.param(0.66, 0.5, "at-risk", id="16-points-faster-than-work"),
        pytest.param(0.2, 0.5, None, id="slower-than-work"),
    ],
)
def test_spend_status_compares_share_used_with_work_done(used, progress, result):
    assert scoring.spend_status(used, progress) == result
