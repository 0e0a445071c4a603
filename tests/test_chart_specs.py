"""Chart specs: pure data from the model (no matplotlib), the rule for which charts exist,
the words of their alt text, their data tables, ticks and the theme palette."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest

from okrsite.build.builder import BuildOptions, Builder
from okrsite.site.charts.cache import canonical, chart_keys, drawing
from okrsite.site.charts.layout import NARROW
from okrsite.site.formatting import compact
from okrsite.site.charts.palette import DEFAULT_DARK, DEFAULT_LIGHT, default_palette, palette_from_css
from okrsite.site.charts.scales import date_ticks, truncate, y_ticks
from okrsite.site.charts.specs import (BarsData, Look, TrendData, kr_milestones, kr_trend, objective_overview,
                                  period_overview, project_health)
from okrsite.site.charts import page_specs
from okrsite.site.pages import site_map
from okrsite.content.config import load_config
from okrsite.diagnostics import Diagnostics
from okrsite.model.site import Site
from tests.conftest import write

LOOK = Look("svg", 144, default_palette())

OBJECTIVE = """
---
id: {id}
title: {title}
period: 2026-Q1
key_results:
{krs}
---
"""

PAGE_VIEWS = """\
  - id: page-views
    title: Increase website page views from 1200 to 2500
    start: 1200
    target: 2500
    unit: views
    checkins:
      - {date: 2026-01-20, value: 1380, confidence: 0.8}
      - {date: 2026-02-10, value: 1720, confidence: 0.7}
"""
BOUNCE = """\
  - id: bounce-rate
    title: Reduce website bounce rate from 10% to 4%
    start: 10
    target: 4
    unit: "%"
    current: 7
"""
LAUNCHED = """\
  - id: launched
    title: Launch the new site
    type: boolean
    done: false
"""
UNTOUCHED = """\
  - id: untouched
    title: Nothing reported yet
    start: 0
    target: 10
"""
DATED_MILESTONES = """\
  - id: steps
    title: Close every finding
    type: milestones
    milestones:
      - {title: One, done: true, due: 2026-01-15}
      - {title: Two, done: false, due: 2026-02-10}
      - {title: Three, done: false}
"""
UNDATED_MILESTONES = """\
  - id: undated
    title: Undated steps
    type: milestones
    milestones:
      - {title: One, done: true}
      - {title: Two, done: false}
"""


def load_site(tmp_path: Path, krs: str, *, title: str = "Grow", projects: dict[str, str] | None = None,
              as_of: str = "2026-02-15", kind: str = "committed") -> Site:
    """A site on 15 Feb 2026 (Q1 2026 half elapsed) with one objective 'grow' holding `krs`."""
    root = tmp_path / "site"
    write(root, "okrsite.yaml", f"title: Test\nas_of: {as_of}\n")
    write(root, "content/objectives/grow.md",
          OBJECTIVE.format(id="grow", title=title, krs=krs).replace("period: 2026-Q1", f"period: 2026-Q1\nkind: {kind}"))
    for name, text in (projects or {}).items():
        write(root, f"content/projects/{name}.md", text)
    diagnostics = Diagnostics()
    config = load_config(root / "okrsite.yaml", diagnostics)
    assert config is not None
    site = Builder(BuildOptions(root / "okrsite.yaml"))._load_site(config, diagnostics)
    assert site is not None and not diagnostics.errors, [str(d) for d in diagnostics.items]
    return site


def kr_spec(site: Site, kr_id: str):
    objective = site.objectives["grow"]
    kr = next(k for k in objective.key_results if k.id == kr_id)
    period = site.period_of(objective)
    return kr_trend(kr, objective, period, site.as_of, LOOK) or kr_milestones(kr, objective, period, site.as_of, LOOK)


def test_the_alt_text_of_a_trend_states_its_message_in_words(tmp_path: Path) -> None:
    spec = kr_spec(load_site(tmp_path, PAGE_VIEWS), "page-views")
    assert spec.alt.startswith("Increase website page views from 1200 to 2500: 1,720 of 2,500 views, "
                               "40% of the way, expected 50% by 15 Feb 2026; ")
    assert "off track, 10 points behind the expected pace" not in spec.alt  # 10 points is on track
    assert "on track, 10 points behind the expected pace" in spec.alt


def test_the_alt_text_of_a_zones_chart_says_how_far_along_once(tmp_path: Path) -> None:
    """"…, 70% of the way, 70% of the way, expected …": the share came twice."""
    from okrsite.site.charts.specs import kr_zones
    site = load_site(tmp_path, """\
  - id: comms
    title: Customers rate our incident communication
    type: zones
    zones: {commit: rated fair, target: rated good, stretch: rated excellent}
    checkins:
      - {date: 2026-02-01, zone: target}
""")
    objective = site.objectives["grow"]
    spec = kr_zones(objective.key_results[0], objective, site.period_of(objective), site.as_of, LOOK)
    assert spec.alt.startswith("Customers rate our incident communication: target zone reached (rated good), "
                               "70% of the way, expected ")
    assert spec.alt.count("of the way") == 1


@pytest.mark.parametrize("krs, kr_id, start, target", [
    (PAGE_VIEWS, "page-views", 1200, 2500),
    (BOUNCE, "bounce-rate", 10, 4),
])
def test_the_expected_line_runs_from_start_to_target_across_the_period(tmp_path: Path, krs: str, kr_id: str,
                                                                        start: float, target: float) -> None:
    spec = kr_spec(load_site(tmp_path, krs), kr_id)
    data = spec.data
    assert isinstance(data, TrendData)
    assert data.plan == ((0, start), (90, target))  # Q1 2026 has 90 days
    assert data.target == target
    low, high = data.y_range
    assert low < min(start, target) and high > max(start, target)  # nothing inverted, both ends visible


def test_a_decreasing_kr_reads_naturally(tmp_path: Path) -> None:
    spec = kr_spec(load_site(tmp_path, BOUNCE), "bounce-rate")
    data = spec.data
    assert isinstance(data, TrendData)
    assert data.plan[0][1] > data.plan[1][1]  # the plan goes down
    assert data.y_range[0] < data.y_range[1]
    assert data.now == (45, 7)  # `current:` without history: one dot on the report date
    assert data.expected == (45, 7)  # half way from 10 to 4
    assert spec.alt.startswith("Reduce website bounce rate from 10% to 4%: 7%, down from 10% toward 4%, "
                               "50% of the way, expected 50% by 15 Feb 2026")
    assert [t[1] for t in data.y_ticks][-1].endswith("%")


def test_a_current_value_without_history_is_drawn_on_the_periods_last_day_once_it_has_ended(tmp_path: Path) -> None:
    """Q1 ended on 31 Mar, and its grade reads `current:` as its final value ("50% of the way when Q1 2026
    ended", the chart's words say). The dot was drawn on the report date, 14 May, six weeks after the
    quarter, its line stretched across them; maintain and zones charts drew theirs at the end already."""
    spec = kr_spec(load_site(tmp_path, BOUNCE, as_of="2026-05-14"), "bounce-rate")
    data = spec.data
    assert isinstance(data, TrendData)
    march_31 = 89.0  # days after 1 Jan
    assert data.points == ((march_31, 7.0),) and data.actual[-1] == (march_31, 7.0)  # the line stops there
    assert data.x_range == (0.0, 90.0) and data.as_of_x is None  # the quarter alone, no report date past it
    assert data.plan[-1][0] == 90  # the plan ends with the period
    assert spec.tables[0].rows[1][0] == "31 Mar 2026 (current)"
    assert spec.alt.endswith("50% of the way when Q1 2026 ended, not done.")
    assert data.status == "not-done"  # drawn in the neutral colour of an ended period, not off-track red


def test_estimates_and_chart_labels_read_like_a_title(tmp_path: Path) -> None:
    arr = """\
  - id: arr
    title: Grow ARR from 2.4M USD to 3.0M USD
    start: 2400000
    target: 3000000
    unit: USD
    checkins:
      - {date: 2026-02-10, value: 2650000}
"""
    spec = kr_spec(load_site(tmp_path, arr), "arr")
    assert (spec.data.target_label.text, spec.data.now_label, spec.data.expected_label) == (
        "Target 3M USD", "2.65M", "expected 2.7M")
    rows = spec.tables[0].rows
    assert rows[1] == ("10 Feb 2026", "2,650,000 USD", "2.67M USD")  # the value as entered, the estimate short
    assert "3,000,000 USD" in spec.alt


@pytest.mark.parametrize(("value", "start", "target", "unit", "shown"), [
    pytest.param(11.4, 0, 12, "logos", "11.4 logos", id="a tenth-logo: 11 read as 92 % of 12, not 95 %"),
    pytest.param(33.43, 31, 45, "NPS", "33.4 NPS", id="33 read as 14 % of the way, not 17 %"),
    pytest.param(19.98, 18, 25, "%", "20%", id="steps of 2 % of the span at most"),
    pytest.param(1966.8, 2400, 800, "ms", "1,967 ms", id="never coarser than the scale's own precision"),
    pytest.param(2936000, 2400000, 3000000, "USD", "2.94M USD", id="short as a title writes it"),
    pytest.param(2436000, 2400000, 2500000, "USD", "2.436M USD", id="short, with the decimals its span needs"),
    pytest.param(0.1234, 0.10, 0.15, "", "0.123", id="a small span's decimals"),
    pytest.param(5.0, 0, 1e-310, "", "5", id="a span too small to measure by: as it is"),
])
def test_an_estimate_is_shown_finely_enough_for_its_share_of_the_way_to_check_out(
        value: float, start: float, target: float, unit: str, shown: str) -> None:
    from okrsite.model.scoring import metric_progress
    from okrsite.site.formatting import estimate, whole_percent
    assert estimate(value, start, target, unit) == shown
    if unit in ("logos", "NPS"):  # the share a reader works out from the words is the one printed
        number = float(shown.split()[0])
        assert whole_percent(metric_progress(start, target, number)) == whole_percent(
            metric_progress(start, target, value))


@pytest.mark.parametrize(("value", "shown"), [(950, "950"), (12000, "12,000"), (250000, "250k"),
                                              (2683516, "2.68M"), (3e9, "3B"), (-1500000, "-1.5M"), (2.5, "2.5")])
def test_compact_numbers(value: float, shown: str) -> None:
    assert compact(value) == shown


def test_the_data_table_of_a_trend_lists_start_checkins_and_target(tmp_path: Path) -> None:
    (table,) = kr_spec(load_site(tmp_path, PAGE_VIEWS), "page-views").tables
    assert table.headers == ("Date", "Value", "Expected pace")
    assert table.rows == (
        ("1 Jan 2026 (start)", "1,200 views", "1,200 views"),
        ("20 Jan 2026", "1,380 views", "1,474 views"),  # 1200 + 1300 × 19/90, rounded to the scale
        ("10 Feb 2026", "1,720 views", "1,778 views"),
        ("31 Mar 2026 (target)", "2,339 views (forecast)", "2,500 views"),  # the check-ins' trend line
    )


def test_an_aspirational_objectives_trend_expects_its_share_of_the_way(tmp_path: Path) -> None:
    """The dashed pace line, its figures in the table and the caption run to 70 % of the way (the
    expected value on the report date and the page's 'expected' say the same)."""
    site = load_site(tmp_path, PAGE_VIEWS, kind="aspirational")
    spec = kr_spec(site, "page-views")
    assert spec.data.plan == ((0.0, 1200.0), (90.0, 2110.0))  # 1200 + 1300 × 0.7
    assert spec.tables[0].rows[1:3] == (("20 Jan 2026", "1,380 views", "1,392 views"),  # 1200 + 1300 × 19/90 × 0.7
                                        ("10 Feb 2026", "1,720 views", "1,604 views"))
    assert spec.tables[0].rows[-1][2] == "2,110 views (70% of the way to 2,500 views)"
    assert "to 2,110 views on 31 Mar 2026" in spec.caption
    assert spec.data.expected[1] == pytest.approx(1200 + 1300 * site.objectives["grow"].key_results[0].expected, abs=2)


def test_a_check_in_before_the_period_comes_first_in_the_table(tmp_path: Path) -> None:
    site = load_site(tmp_path, PAGE_VIEWS.replace("    checkins:\n", "    checkins:\n      - {date: 2025-12-20, value: 1150}\n"))
    rows = kr_spec(site, "page-views").tables[0].rows
    assert [row[0] for row in rows[:3]] == ["20 Dec 2025", "1 Jan 2026 (start)", "20 Jan 2026"]
    assert rows[0][2] == "–"  # no pace before the period


def test_a_maintain_kr_counts_in_words_the_values_its_progress_counts(tmp_path: Path) -> None:
    """A value dated before the period shows on the chart but is not one of the period's values."""
    uptime = ("  - id: uptime\n    title: Uptime\n    type: maintain\n    floor: 99.9\n    unit: '%'\n    checkins:\n"
              "      - {date: 2025-12-20, value: 99.5}\n      - {date: 2026-01-20, value: 99.95}\n"
              "      - {date: 2026-02-10, value: 99.8}\n")
    site = load_site(tmp_path, uptime)
    spec = kr_spec(site, "uptime")
    assert spec.alt.endswith("1 of 2 values inside (50%).") and len(spec.tables[0].rows) == 3


@pytest.mark.parametrize("krs, kr_id, why", [
    (LAUNCHED, "launched", "boolean: done or not is one word"),
    (UNTOUCHED, "untouched", "no check-in and no current: nothing to plot"),
    (UNDATED_MILESTONES, "undated", "milestones without due dates"),
])
def test_no_chart_where_it_would_say_nothing(tmp_path: Path, krs: str, kr_id: str, why: str) -> None:
    site = load_site(tmp_path, krs + PAGE_VIEWS)
    assert kr_spec(site, kr_id) is None, why
    assert ("kr", f"grow/{kr_id}") not in page_specs(site, site_map(site), LOOK)


def test_milestones_with_due_dates_get_a_step_chart(tmp_path: Path) -> None:
    spec = kr_spec(load_site(tmp_path, DATED_MILESTONES), "steps")
    data = spec.data
    assert isinstance(data, TrendData) and data.plan_steps
    # due 15 Jan (day 14), 10 Feb (day 40), and the undated one at the period's end (day 89)
    assert data.plan == ((0, 0), (14, 1), (40, 2), (89, 3), (90, 3))
    assert data.now == (45, 1) and data.expected == (45, 2)
    assert spec.alt.startswith("Close every finding: 1 of 3 milestones done, 2 due by 15 Feb 2026")
    assert spec.tables[0].rows[-1] == ("Three", "31 Mar 2026 (period end)", "No")


def test_the_objective_overview_has_a_bar_per_kr_coloured_by_status(tmp_path: Path) -> None:
    site = load_site(tmp_path, PAGE_VIEWS + BOUNCE + LAUNCHED)
    spec = objective_overview(site, site.objectives["grow"], LOOK)
    data = spec.data
    assert isinstance(data, BarsData)
    assert [(r.label.fallback, round(r.value, 2), r.status) for r in data.rows] == [
        ("page-views", 0.4, "on-track"), ("bounce-rate", 0.5, "on-track"), ("launched", 0.0, "off-track")]
    assert [m.x for m in data.marks] == [0.5]
    assert spec.tables[0].rows[0] == ("Increase website page views from 1200 to 2500", "40%", "50%", "On track")


def test_an_objective_with_one_kr_gets_no_overview(tmp_path: Path) -> None:
    site = load_site(tmp_path, PAGE_VIEWS)
    assert objective_overview(site, site.objectives["grow"], LOOK) is None


def test_the_period_overview_counts_objectives_by_status(tmp_path: Path) -> None:
    site = load_site(tmp_path, PAGE_VIEWS + LAUNCHED)
    spec = period_overview(site, "2026-Q1", LOOK)
    assert isinstance(spec.data, BarsData)
    assert {status: n for status, n, _words in spec.data.counts} == {"off-track": 0, "at-risk": 1, "on-track": 0,
                                                                     "done": 0, "not-started": 0}
    assert [words for *_, words in spec.data.counts][:2] == ["0 off track", "1 at risk"]
    assert "Q1 2026: 1 objective, 0 off track, 1 at risk" in spec.alt



def test_an_ended_periods_bars_show_the_state_of_the_objective_not_of_its_rounded_grade(tmp_path: Path) -> None:
    """996 of 1000 is graded 1.00 but not done: its bar, the chart's counts and its page agree."""
    almost = "  - {id: m, title: Almost, start: 0, target: 1000, current: 996}\n"
    write(tmp_path / "site", "content/objectives/other.md", OBJECTIVE.format(id="other", title="Other", krs=almost))
    site = load_site(tmp_path, almost, as_of="2026-04-10")
    spec = period_overview(site, "2026-Q1", LOOK)
    assert [(row.value_label.text, row.status) for row in spec.data.rows] == [("1.00", "not-done")] * 2
    assert dict((status, n) for status, n, _ in spec.data.counts)["not-done"] == 2


def test_the_period_overview_shows_the_furthest_behind_first_whatever_their_priority(tmp_path: Path) -> None:
    """Its caption says "furthest behind": an off-track objective of no priority comes before an
    at-risk P0 one (lists sort by priority; this chart did too, and put the worst last)."""
    write(tmp_path / "site", "content/objectives/shrink.md",
          OBJECTIVE.format(id="shrink", title="Shrink", krs=UNTOUCHED.replace("untouched", "costs")))
    site = load_site(tmp_path, PAGE_VIEWS + LAUNCHED, title="Grow\npriority: 0")
    assert (site.objectives["grow"].status, site.objectives["shrink"].status) == ("at-risk", "off-track")
    spec = period_overview(site, "2026-Q1", LOOK)
    assert [row.label.text for row in spec.data.rows] == ["Shrink", "Grow"]
    assert [row[0] for row in spec.tables[1].rows] == ["Shrink", "Grow"]
    assert "furthest behind: Shrink 0%; Grow " in spec.alt


def test_an_aspirational_objective_is_marked_at_its_own_pace_on_the_period_overview(tmp_path: Path) -> None:
    """The line marks a committed objective's expected pace (50 % half way through Q1); an
    aspirational one expects 70 % of it, 35 %: its bar gets a tick of its own there, which the
    caption explains and the alt text states (the line alone made 40 % look behind)."""
    write(tmp_path / "site", "content/objectives/shrink.md",
          OBJECTIVE.format(id="shrink", title="Shrink\nkind: aspirational", krs=PAGE_VIEWS.replace("page-views", "costs")))
    site = load_site(tmp_path, PAGE_VIEWS)
    grow, shrink = site.objectives["grow"], site.objectives["shrink"]
    assert shrink.expected == pytest.approx(0.7 * grow.expected) and shrink.status == "on-track"
    for layout in (LOOK.layout, NARROW):
        spec = period_overview(site, "2026-Q1", dataclasses.replace(LOOK, layout=layout))
        assert [m.x for m in spec.data.marks] == [grow.expected]
        assert {row.label.text: row.pace for row in spec.data.rows} == {"Grow": None, "Shrink": shrink.expected}
    assert "A short tick across a bar marks its own expected pace" in spec.caption
    assert spec.alt.endswith("; 1 with an expected pace of its own (a tick on its bar): Shrink 35%.")
    assert ("Shrink", "40%", "35%", "On track") in spec.tables[1].rows
    # an objective of committed key results has one pace: no tick, and no sentence about one
    alone = period_overview(load_site(tmp_path / "other", PAGE_VIEWS + BOUNCE), "2026-Q1", LOOK)
    assert all(row.pace is None for row in alone.data.rows) and "tick" not in alone.caption + alone.alt


def test_the_line_marks_the_pace_most_bars_share(tmp_path: Path) -> None:
    """Two aspirational objectives and one committed: the line is at their pace (35 %), and the
    committed one gets the tick (50 %); the line stayed at 50 % with a tick on every bar but one, and
    on a phone no bar had the line's tick."""
    for name in ("a", "b"):
        write(tmp_path / "site", f"content/objectives/{name}.md",
              OBJECTIVE.format(id=name, title=f"{name.upper()}\nkind: aspirational", krs=PAGE_VIEWS))
    site = load_site(tmp_path, PAGE_VIEWS)
    committed, aspirational = site.objectives["grow"].expected, site.objectives["a"].expected
    assert aspirational == pytest.approx(0.7 * committed)
    spec = period_overview(site, "2026-Q1", LOOK)
    assert [m.x for m in spec.data.marks] == [aspirational]
    assert {row.label.text: row.pace for row in spec.data.rows} == {"A": None, "B": None, "Grow": committed}
    assert "expected pace (35% by 15 Feb)" in spec.caption


def test_the_alt_text_names_a_few_bars_with_their_own_pace_and_counts_the_rest() -> None:
    from okrsite.site.charts.specs import _own_paces
    words = _own_paces([(f"O{i}", 0.35) for i in range(7)] + [("Committed", 0.5)], 0.5)
    assert words == ("; 7 with an expected pace of their own (a tick on each bar): O0 35%; O1 35%; O2 35%; O3 35%; "
                     "O4 35%; and 2 more")


def test_an_ended_period_overview_shows_the_closing_grade_where_one_was_set(tmp_path: Path) -> None:
    site = load_site(tmp_path, PAGE_VIEWS, title="Grow\nclosed: {grade: 0.9, note: Agreed at the review}",
                     as_of="2026-04-15")
    objective = site.objectives["grow"]
    assert objective.computed_grade == pytest.approx(0.4) and objective.grade == 0.9
    spec = period_overview(site, "2026-Q1", LOOK)
    assert [row.value_label.text for row in spec.data.rows] == ["0.90"]
    assert spec.tables[1].rows == (("Grow", "0.90", "Not done"),)
    assert "lowest grades: Grow 0.90." in spec.alt

PROJECT = """
---
title: Blog push
start: 2026-01-01
due: 2026-03-31
key_results: [grow/page-views]
budget: {planned: 12000, spent: 13000, currency: USD}
hours: {planned: 160, actual: 70}
tasks:
  - {title: One, done: true}
  - {title: Two, done: false}
  - {title: Three, done: false}
  - {title: Four, done: false}
---
"""
BARE_PROJECT = """
---
title: Someday
---
"""


def test_project_health_compares_time_work_hours_and_budget(tmp_path: Path) -> None:
    site = load_site(tmp_path, PAGE_VIEWS, projects={"blog": PROJECT, "bare": BARE_PROJECT})
    spec = project_health(site, site.projects["blog"], LOOK)
    rows = {r.label.text: (round(r.value, 3), r.status) for r in spec.data.rows}
    assert rows == {"Time elapsed": (0.5, "not-started"), "Work done": (0.25, "at-risk"),
                    "Hours used": (0.438, "at-risk"), "Budget spent": (1.083, "off-track")}
    assert spec.data.x_max == pytest.approx(13000 / 12000)
    assert "25% of the work done (1 of 4 tasks); 50% of the schedule elapsed" in spec.alt
    assert "budget spent: 13,000 USD of 12,000 USD (108%)" in spec.alt
    assert project_health(site, site.projects["bare"], LOOK) is None


def test_long_and_non_latin_titles_keep_an_id_to_fall_back_on(tmp_path: Path) -> None:
    title = "Increase the number of weekly active analysts in the enterprise segment"
    site = load_site(tmp_path, PAGE_VIEWS.replace("Increase website page views from 1200 to 2500", title)
                     + BOUNCE.replace("Reduce website bounce rate from 10% to 4%", "直帰率を10%から4%に下げる"))
    rows = objective_overview(site, site.objectives["grow"], LOOK).data.rows
    assert rows[0].label.text == "Increase the number of weekly active analysts in\nthe enterprise segment"
    assert rows[1].label.fallback == "bounce-rate"
    narrow = objective_overview(site, site.objectives["grow"], dataclasses.replace(LOOK, layout=NARROW)).data.rows
    assert narrow[0].label.text == "Increase the number of weekly\nactive analysts in the enterprise…"


def chart_key(spec, as_shown: bool = True) -> str:
    """A chart file's key (`as_shown`) or its image's, as a build keys it."""
    return chart_keys(spec)[0 if as_shown else 1]


def test_specs_are_pure_data_and_hash_the_same_every_time(tmp_path: Path) -> None:
    site = load_site(tmp_path, PAGE_VIEWS + BOUNCE + DATED_MILESTONES)
    first = list(page_specs(site, site_map(site), LOOK).values())
    second = list(page_specs(site, site_map(site), LOOK).values())
    assert first == second
    assert [chart_key(s) for s in first] == [chart_key(s) for s in second]
    assert len({chart_key(s) for s in first}) == len(first)


def test_the_build_keys_every_chart_of_the_demo_by_what_decides_its_drawing(demo_site: Path) -> None:
    """A build writes a spec's data (and a palette) as JSON once for its file's key and its image's
    (chart_keys): the keys are the hash of the whole drawing's canonical JSON, in both layouts and
    formats; also for a title that spells out the stand-ins chart_keys swaps (no content holds a
    NUL, a spec made here can)."""
    site = Builder(BuildOptions(demo_site / "okrsite.yaml")).load(Diagnostics())
    pages = site_map(site)
    specs = [spec for fmt in ("svg", "png") for layout in (LOOK.layout, NARROW)
             for spec in page_specs(site, pages, Look(fmt, 144, default_palette(), layout)).values()]
    odd = [dataclasses.replace(spec, alt=alt) for spec in specs[:3] for part in ("data", "palette")
           for alt in (f"\x00okrsite-{part}\x00", f"\\u0000okrsite-{part}\\u0000")]
    assert len(specs) > 200
    def whole(spec, as_shown: bool) -> str:
        drawn = drawing(spec, as_shown, spec.data, spec.look.palette)
        return hashlib.sha256(canonical({"chart": drawn}).encode("utf-8")).hexdigest()[:40]

    for spec in specs + odd:
        assert chart_keys(spec) == (whole(spec, True), whole(spec, False)), spec.name


def test_an_svg_image_key_ignores_colours_and_title_but_its_file_key_and_a_png_key_do_not(tmp_path: Path) -> None:
    """An SVG is drawn with placeholder colours, which its file turns into the theme's (and a title):
    one drawing serves both files, the files are two. A PNG is drawn in its colours."""
    site = load_site(tmp_path, PAGE_VIEWS)
    green = palette_from_css(":root { --on-track: #00aa00; }")
    for fmt, same_image in (("svg", True), ("png", False)):
        plain = kr_spec_for(site, Look(fmt, 144, default_palette()))
        recoloured = kr_spec_for(site, Look(fmt, 144, green))
        assert (chart_key(plain, as_shown=False) == chart_key(recoloured, as_shown=False)) is same_image
        assert chart_key(plain) != chart_key(recoloured)
        retitled = dataclasses.replace(plain, alt=plain.alt + " (renamed)")
        assert chart_key(plain, as_shown=False) == chart_key(retitled, as_shown=False)
        assert (chart_key(plain) == chart_key(retitled)) is (fmt == "png")  # a PNG file has no title


def kr_spec_for(site: Site, look: Look):
    objective = site.objectives["grow"]
    return kr_trend(objective.key_results[0], objective, site.period_of(objective), site.as_of, look)


def test_the_palette_comes_from_the_theme_css_light_and_dark() -> None:
    css = """
    /* a comment with :root { --on-track: #badbad; } */
    :root { --on-track: #00aa00; --at-risk: var(--warn); --warn: #ffaa00; --text: rgb(1 2 3); }
    @media (prefers-color-scheme: dark) { :root { --on-track: #00ff00; } }
    @media print { :root { --text: #000; } }
    """
    palette = palette_from_css(css)
    light, dark = dict(palette.light), dict(palette.dark)
    assert light["on-track"] == "#00aa00" and dark["on-track"] == "#00ff00"
    assert light["at-risk"] == "#ffaa00" and dark["at-risk"] == "#ffaa00"  # the page keeps it in dark too
    assert light["text"] == DEFAULT_LIGHT["text"]  # rgb(): not a colour we pass on; the default
    assert dark["off-track"] == DEFAULT_DARK["off-track"]  # never declared
    assert palette_from_css("").light == default_palette().light


def test_the_default_theme_declares_every_chart_colour() -> None:
    from okrsite.site.charts.palette import palette_for_theme
    from okrsite.site.themes import builtin_theme_dir

    css = (builtin_theme_dir() / "static" / "style.css").read_text()
    for variable in ("--on-track", "--at-risk", "--off-track", "--done", "--not-started", "--text", "--muted"):
        assert variable + ":" in css
    palette = palette_for_theme([builtin_theme_dir()])
    assert dict(palette.light)["on-track"] != dict(palette.dark)["on-track"]


def _contrast(one: str, other: str) -> float:
    """WCAG's contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_a_values_label_is_in_a_text_colour_of_its_status() -> None:
    """A trend's latest value was labelled in its status's mark colour: amber on white is 3.8:1,
    grey 3.0:1, under the 4.5:1 text needs (WCAG 1.4.3). Each status has a text colour that reads,
    on the chart's background in both schemes, in the built-in theme's CSS and in the defaults."""
    from okrsite.site.charts.palette import TEXT_OF, palette_for_theme
    from okrsite.site.themes import builtin_theme_dir

    assert _contrast(DEFAULT_LIGHT["at-risk"], DEFAULT_LIGHT["surface"]) < 4.5  # why the mark colour will not do
    theme = palette_for_theme([builtin_theme_dir()])
    for colours in (DEFAULT_LIGHT, DEFAULT_DARK, dict(theme.light), dict(theme.dark)):
        for status in ("on-track", "at-risk", "off-track", "done", "not-started"):
            assert _contrast(colours[TEXT_OF[status]], colours["surface"]) >= 4.5, status


def test_ticks_and_truncation() -> None:
    assert [label for _, label in y_ticks(1100, 2800)] == ["1,500", "2,000", "2,500"]
    assert [label for _, label in y_ticks(0, 2_500_000)] == ["0", "500k", "1M", "1.5M", "2M", "2.5M"]
    import datetime as dt
    q1 = date_ticks(dt.date(2026, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert q1 == ((0, "Jan"), (31, "Feb"), (59, "Mar"))
    assert truncate("Revenue $2M to $5M") == "Revenue $2M to $5M"
    assert truncate("a" * 40) == "a" * 27 + "…"


@pytest.mark.parametrize("low, high", [(0, 1e-20), (0, 2e-21), (1e-300, 3e-300), (-1e-15, 1e-15), (0, 1e15)])
def test_a_tiny_or_huge_value_range_still_gets_a_handful_of_ticks(low: float, high: float) -> None:
    """A KR from 0 to 1e-20 hung the build: the loop's tolerance was 1e-9 in value, 10^11 ticks."""
    ticks = y_ticks(low, high)
    assert 2 <= len(ticks) <= 8
    assert all(low - (high - low) <= value <= high + (high - low) for value, _ in ticks)


def test_a_bar_label_keeps_a_few_words_beside_however_long_a_value() -> None:
    from okrsite.site.charts.layout import NARROW
    from okrsite.site.charts.specs import MIN_LABEL, bar_label

    look = Look("svg", 144, default_palette(), NARROW)
    label = bar_label(look, "Make every dashboard feel instant", "instant", "1,234,567,890.12 USD · 100% of the plan")
    assert label.text.startswith("Make every") and all(len(line) <= MIN_LABEL for line in label.text.splitlines())


def test_a_chart_over_dates_is_worked_out_once_for_both_layouts(tmp_path: Path) -> None:
    """Values over dates differ between the layouts only in size: the narrow spec taken over from the
    wide one is the spec the chart function makes for the narrow layout."""
    site = load_site(tmp_path, PAGE_VIEWS + BOUNCE + DATED_MILESTONES)
    narrow_look = dataclasses.replace(LOOK, layout=NARROW)
    wide = page_specs(site, site_map(site), LOOK)
    made = page_specs(site, site_map(site), narrow_look)
    taken = page_specs(site, site_map(site), narrow_look, other=wide)
    over_dates = [subject for subject, spec in wide.items() if spec.kind == "trend"]
    assert len(over_dates) >= 3
    assert taken == made
    assert all(taken[subject].name.endswith("-narrow") and taken[subject].width == NARROW.width
               for subject in over_dates)
