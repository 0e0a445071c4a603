"""The spec's "Portfolio" section, rule by rule, on the pure functions of okrsite.model.portfolio:
earned value with every case where a figure cannot be computed, and the lanes in their order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from okrsite.model import portfolio
from okrsite.model.portfolio import EarnedValue, Support, earned_value, lane
from okrsite.site.formatting import ratio

D = dt.date
AS_OF = D(2026, 5, 14)


# --- Earned value -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("planned", "spent", "progress", "elapsed", "expected"),
    [
        pytest.param(40000, 46500, 0.5, 1.0,
                     EarnedValue(bac=40000, pv=40000, ev=20000, ac=46500, spi=0.5, cpi=20000 / 46500,
                                 eac=93000, vac=-53000), id="late-and-over-budget"),
        pytest.param(60000, 31000, 0.5, 0.75,
                     EarnedValue(bac=60000, pv=45000, ev=30000, ac=31000, spi=2 / 3, cpi=30000 / 31000,
                                 eac=62000, vac=-2000), id="behind-schedule-near-budget"),
        pytest.param(10000, 2000, 0.5, 0.25,
                     EarnedValue(bac=10000, pv=2500, ev=5000, ac=2000, spi=2.0, cpi=2.5, eac=4000, vac=6000),
                     id="ahead-and-under-budget"),
        pytest.param(12000, 4500, 0.5, None,
                     EarnedValue(bac=12000, pv=None, ev=6000, ac=4500, spi=None, cpi=6000 / 4500, eac=9000,
                                 vac=3000), id="no-dates-no-pv-no-spi"),
        pytest.param(None, 4500, 0.5, 0.5,
                     EarnedValue(bac=None, pv=None, ev=None, ac=4500, spi=None, cpi=None, eac=None, vac=None),
                     id="no-budget-only-ac"),
        pytest.param(None, None, 0.5, None, EarnedValue(), id="nothing-at-all"),
        pytest.param(12000, None, 0.5, 0.5,
                     EarnedValue(bac=12000, pv=6000, ev=6000, ac=None, spi=1.0, cpi=None, eac=None, vac=None),
                     id="spent-unknown-no-cpi"),
        pytest.param(12000, 0, 0.2, 0.5,
                     EarnedValue(bac=12000, pv=6000, ev=2400, ac=0, spi=0.4, cpi=None, eac=None, vac=None),
                     id="nothing-spent-cpi-divides-by-0"),
        pytest.param(30000, 0, 0.0, 0.0,
                     EarnedValue(bac=30000, pv=0, ev=0, ac=0, spi=None, cpi=None, eac=None, vac=None),
                     id="not-started-yet-pv-0"),
        pytest.param(30000, 5000, 0.0, 0.5,
                     EarnedValue(bac=30000, pv=15000, ev=0, ac=5000, spi=0.0, cpi=0.0, eac=None, vac=None),
                     id="money-spent-no-work-done-eac-divides-by-0"),
        pytest.param(0, 500, 0.5, 0.5,
                     EarnedValue(bac=0, pv=0, ev=0, ac=500, spi=None, cpi=0.0, eac=None, vac=None),
                     id="budget-of-0"),
    ],
)
def test_earned_value(planned, spent, progress, elapsed, expected):
    got = earned_value(planned, spent, progress, elapsed)
    for name in ("bac", "pv", "ev", "ac", "spi", "cpi", "eac", "vac"):
        want = getattr(expected, name)
        assert getattr(got, name) == (None if want is None else pytest.approx(want)), name


@pytest.mark.parametrize(("index", "low"), [
    pytest.param(0.84, True, id="0.84-is-below"),
    pytest.param(0.85, False, id="0.85-is-not"),
    pytest.param(17 / 20, False, id="17-of-20-is-not-however-it-rounds"),
    pytest.param(0.8499999999999, False, id="within-the-tolerance"),
    pytest.param(1.2, False, id="above"),
    pytest.param(None, False, id="unknown-is-never-below"),
])
def test_an_index_below_085_calls_for_review(index, low):
    assert portfolio.below_review(index) is low


@pytest.mark.parametrize(("index", "shown"), [
    pytest.param(0.849, "0.849", id="below-the-line-never-reads-as-on-it"),
    pytest.param(0.8465, "0.846", id="cut-not-rounded-up"),
    pytest.param(0.8499999999999, "0.85", id="within-the-tolerance-is-on-the-line"),
    pytest.param(0.844, "0.84", id="two-decimals-where-they-read-below"),
    pytest.param(0.425, "0.43", id="half-up"),
    pytest.param(1, "1.00", id="whole"),
    pytest.param(None, "–", id="unknown"),
])
def test_an_index_is_written_as_the_review_line_reads_it(index, shown):
    assert ratio(index) == shown


# --- What is still open -----------------------------------------------------------------------

@pytest.mark.parametrize(("status", "period_end", "open_"), [
    pytest.param("on-track", D(2026, 6, 30), True, id="running-period"),
    pytest.param("off-track", D(2026, 5, 14), True, id="period-ends-today"),
    pytest.param("not-started", D(2026, 9, 30), True, id="future-period"),
    pytest.param("draft", D(2026, 6, 30), True, id="draft-objective-asks-for-work"),
    pytest.param("done", D(2026, 6, 30), False, id="done"),
    pytest.param("dropped", D(2026, 6, 30), False, id="dropped"),
    pytest.param("off-track", D(2026, 3, 31), False, id="period-ended"),
])
def test_still_open(status, period_end, open_):
    assert portfolio.still_open(status, period_end, AS_OF) is open_


@dataclass
class KR:
    id: str
    status: str


@dataclass
class Obj:
    period: str
    status: str
    key_results: list[KR]
    children: list[str] = field(default_factory=list)


@dataclass
class Per:
    end: dt.date


def test_supports_reads_each_link_as_its_kr_or_its_whole_objective():
    objectives = {"speed": Obj("2026-Q2", "at-risk", [KR("p95", "off-track"), KR("deploys", "done")]),
                  "seo": Obj("2026-Q1", "on-track", [KR("posts", "on-track")])}
    periods = {"2026-Q1": Per(D(2026, 3, 31)), "2026-Q2": Per(D(2026, 6, 30))}
    found = portfolio.supports(["speed/p95", "speed/deploys", "speed", "seo/posts", "gone/x", "speed/gone"],
                               objectives, periods, AS_OF)
    assert found == (Support("speed/p95", "off-track", True), Support("speed/deploys", "done", False),
                     Support("speed", "at-risk", True), Support("seo/posts", "on-track", False))


def test_an_objective_whose_every_key_result_is_dropped_is_supported_as_dropped_not_as_a_draft():
    """A project supporting only such an objective sat in Keep, "on track or not started: (draft)";
    nothing it supports asks for work, so it is a halt (a draft yet to get key results is still open)."""
    objectives = {"gone": Obj("2026-Q2", "draft", [KR("a", "dropped"), KR("b", "dropped")]),
                  "new": Obj("2026-Q2", "draft", [])}
    periods = {"2026-Q2": Per(D(2026, 6, 30))}
    found = portfolio.supports(["gone", "new", "gone/a"], objectives, periods, AS_OF)
    assert found == (Support("gone", "dropped", False), Support("new", "draft", True), Support("gone/a", "dropped", False))
    assert portfolio.lane("active", False, OK, found[:1]) == "halt"
    # a parent whose own key results are dropped still asks for work through its children
    parent = {"parent": Obj("2026-Q2", "draft", [KR("a", "dropped")], children=["child"])}
    assert portfolio.supports(["parent"], parent, periods, AS_OF) == (Support("parent", "draft", True),)


# --- Lanes ------------------------------------------------------------------------------------

OK = EarnedValue(bac=10000, pv=5000, ev=5000, ac=5000, spi=1.0, cpi=1.0, eac=10000, vac=0)
OFF = Support("speed/p95", "off-track", True)
AT_RISK = Support("speed/timeouts", "at-risk", True)
ON = Support("speed/deploys", "on-track", True)
DONE = Support("soc2/report", "done", False)
DROPPED = Support("soc2/latency", "dropped", False)
ENDED = Support("seo/posts", "off-track", False)  # at risk once, but its quarter has ended


@pytest.mark.parametrize(("status", "late", "evm", "items", "expected"), [
    pytest.param("done", False, OK, [OFF], None, id="done-has-no-lane"),
    pytest.param("cancelled", True, OK, [], None, id="cancelled-has-no-lane"),
    pytest.param("active", False, OK, [], "halt", id="supports-nothing-halt"),
    pytest.param("planned", False, EarnedValue(), [], "halt", id="planned-supporting-nothing-halt"),
    pytest.param("active", False, OK, [DONE, DROPPED, ENDED], "halt", id="everything-closed-halt"),
    pytest.param("active", True, OK, [ENDED], "halt", id="halt-comes-before-review"),
    pytest.param("active", True, OK, [OFF], "review", id="late-pushing-an-off-track-kr-is-review"),
    pytest.param("on-hold", False, EarnedValue(spi=0.84, cpi=1.2), [ON], "review", id="spi-below-085"),
    pytest.param("active", False, EarnedValue(spi=1.1, cpi=0.43), [OFF], "review", id="cpi-below-085"),
    pytest.param("active", False, EarnedValue(spi=0.85, cpi=0.85), [OFF], "push", id="085-exactly-is-healthy"),
    pytest.param("active", False, OK, [ON, AT_RISK], "push", id="moves-an-at-risk-kr"),
    pytest.param("planned", False, EarnedValue(), [OFF], "push", id="no-figures-moves-an-off-track-kr"),
    pytest.param("active", False, OK, [ON, DONE], "keep", id="on-track-keep"),
    pytest.param("active", False, OK, [ON, ENDED], "keep", id="an-ended-kr-is-not-pushed"),
    pytest.param("active", False, OK, [Support("x/y", "not-started", True)], "keep", id="not-started-keep"),
])
def test_lane_is_the_first_that_applies(status, late, evm, items, expected):
    assert lane(status, late, evm, items) == expected


# --- Behind schedule --------------------------------------------------------------------------

@pytest.mark.parametrize(("progress", "elapsed", "status", "late", "behind"), [
    pytest.param(0.5, 0.71, "active", False, True, id="half-done-71-percent-gone"),
    pytest.param(0.6, 0.47, "active", False, False, id="ahead"),
    pytest.param(0.401, 0.404, "active", False, False, id="same-whole-percent-is-not-behind"),
    pytest.param(0.394, 0.404, "active", False, True, id="39-against-40-is"),
    pytest.param(0.5, None, "active", False, False, id="no-schedule"),
    pytest.param(0.5, 1.0, "active", True, False, id="late-says-late-instead"),
    pytest.param(0.5, 1.0, "cancelled", False, False, id="cancelled"),
])
def test_behind_schedule(progress, elapsed, status, late, behind):
    assert portfolio.behind_schedule(progress, elapsed, status, late) is behind
