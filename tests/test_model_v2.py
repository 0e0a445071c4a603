"""The spec's "Numbers (v2)" end to end: drafts, kinds, maintain and zones KRs, dropped KRs,
closing grades, forecasts, staleness, several owners and teams, KR-aligned parents, priority.

Each test writes a small site (as of 2026-02-15: 2026-Q1 is 45/90 = 50 % elapsed) and checks
what a reader would see in the model, okrs.json or the page.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from okrsite.build.builder import BuildOptions, build
from okrsite.model import scoring
from okrsite.model.site import Site
from tests.conftest import write
from tests.test_model_scoring import load, load_ok, metric, objective, site_with

D = dt.date
Q1_START, Q1_END = D(2026, 1, 1), D(2026, 3, 31)


def kr_of(site: Site, ref: str = "grow/m"):
    kr = site.key_result(ref)
    assert kr is not None
    return kr


# --- Drafts -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, warning", [
    pytest.param("---\ntitle: Grow\nperiod: 2026-Q1\n---\n", "has no key results yet", id="no-key-results-field"),
    pytest.param("---\ntitle: Grow\nperiod: 2026-Q1\nkey_results: []\n---\n", "has no key results yet",
                 id="empty-list"),
    pytest.param(objective("  - {title: A, start: 0, target: 10, dropped: {reason: Moved to Q2}}\n"),
                 "has no key result left to count: every one is dropped", id="every-kr-dropped"),
])
def test_a_draft_warns_counts_apart_and_pulls_no_average_down(tmp_path: Path, text: str, warning: str) -> None:
    root = site_with(tmp_path, {"grow": text, "other": objective(metric(8))})
    site, diagnostics = load(root)
    assert site is not None and not diagnostics.errors
    assert [d.message for d in diagnostics.warnings] == [f"objective 'grow' {warning}"]
    draft = site.objectives["grow"]
    assert (draft.status, draft.grade, draft.forecast_progress) == ("draft", None, None)
    from okrsite.model.vocabulary import period_counts
    from okrsite.site.pages import mean_progress
    objectives = site.objectives_in("2026-Q1")
    assert mean_progress(objectives) == pytest.approx(0.8)  # the other objective alone
    assert sum(period_counts(objectives, ended=False).values()) == 1


def test_a_draft_has_null_numbers_in_okrs_json_and_says_so_on_its_page(tmp_path: Path) -> None:
    root = site_with(tmp_path, {"grow": "---\ntitle: Grow\nperiod: 2026-Q1\n---\n", "other": objective(metric(8))})
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    data = {o["id"]: o for o in json.loads((root / "output/okrs.json").read_text())["objectives"]}
    assert {k: data["grow"][k] for k in ("status", "progress", "expected", "grade")} == \
        {"status": "draft", "progress": None, "expected": None, "grade": None}
    assert "No key results yet." in (root / "output/objectives/grow/index.html").read_text()


def test_an_objective_whose_key_results_are_all_dropped_builds_and_shows_them_struck_through(tmp_path: Path) -> None:
    """Its page failed the build ("'ended' is undefined": a draft's page never set it), which
    `okrsite check` did not catch: the pull request's build and the Pages deploy failed."""
    root = site_with(tmp_path, {"grow": objective("  - {title: Ship it, start: 0, target: 10, dropped: {reason: "
                                                  "Descoped}}\n"), "other": objective(metric(8))})
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    page = (root / "output/objectives/grow/index.html").read_text()
    assert "Every key result is dropped." in page and "No key results yet" not in page
    assert "kr--dropped" in page and "Descoped" in page


def test_a_rollup_of_drafts_only_is_a_draft_too(tmp_path: Path) -> None:
    root = site_with(tmp_path, {"top": "---\ntitle: Top\nperiod: 2026-Q1\n---\n",
                                "child": "---\ntitle: Child\nperiod: 2026-Q1\nparent: top\n---\n"})
    site, diagnostics = load(root)
    assert site is not None and site.objectives["top"].status == site.objectives["child"].status == "draft"
    # counted apart as a draft, so warned of as one, and its page does not say it has no supporting objective
    assert sorted(d.message for d in diagnostics.warnings) == [
        "objective 'child' has no key results yet", "objective 'top' has no key results yet, nor have its supporting "
                                                    "objectives"]
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    page = (root / "output/objectives/top/index.html").read_text()
    assert "its supporting objectives have none yet either" in page and "no supporting objective" not in page


def test_a_rollup_counts_the_supporting_objectives_its_mean_is_of(tmp_path: Path) -> None:
    """A draft child has no numbers: the roll-up's "mean of N" and "roll-up of N" leave it out."""
    child = objective(metric(3)).replace("period: 2026-Q1", "period: 2026-Q1\nparent: top")
    root = site_with(tmp_path, {"top": "---\ntitle: Top\nperiod: 2026-Q1\n---\n", "a": child, "b": child,
                                "draft": "---\ntitle: Later\nperiod: 2026-Q1\nparent: top\n---\n"})
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    assert "(mean of 2 supporting objectives)" in (root / "output/objectives/top/index.html").read_text()
    assert "roll-up of 2" in (root / "output/index.html").read_text()


# --- Kind: committed and aspirational --------------------------------------------------------

@pytest.mark.parametrize(
    ("config", "kind", "expected", "status"),
    [
        pytest.param("", "", 0.5, "at-risk", id="committed-by-default"),  # 0.3 against 0.5
        pytest.param("", "kind: aspirational\n", 0.35, "on-track", id="aspirational-70-percent"),  # 0.3 vs 0.35
        pytest.param("aspirational_target: 0.6\n", "kind: aspirational\n", 0.3, "on-track", id="custom-target"),
        pytest.param("default_kind: aspirational\n", "", 0.35, "on-track", id="default-kind-from-config"),
        pytest.param("default_kind: aspirational\n", "kind: committed\n", 0.5, "at-risk", id="file-beats-default"),
    ],
)
def test_the_expected_pace_of_an_objective_follows_its_kind(tmp_path: Path, config: str, kind: str,
                                                            expected: float, status: str) -> None:
    text = objective(metric(3)).replace("period: 2026-Q1\n", f"period: 2026-Q1\n{kind}")
    site = load_ok(site_with(tmp_path, {"grow": text}, config=config))
    grow = site.objectives["grow"]
    assert grow.expected == pytest.approx(expected)
    assert grow.key_results[0].expected == pytest.approx(expected)
    assert grow.status == status


# --- Maintain key results ---------------------------------------------------------------------

def maintain(bounds: str, checkins: str = "", current: str = "") -> str:
    return objective(f"  - id: m\n    title: Uptime\n    type: maintain\n    unit: '%'\n{bounds}{current}"
                     + (f"    checkins:\n{checkins}" if checkins else ""))


@pytest.mark.parametrize(
    ("bounds", "checkins", "current", "progress", "status"),
    [
        pytest.param("    floor: 99.9\n", "      - {date: 2026-01-20, value: 99.95}\n"
                     "      - {date: 2026-02-01, value: 99.5}\n      - {date: 2026-02-10, value: 99.92}\n", "",
                     2 / 3, "on-track", id="only-a-floor-two-of-three-inside-latest-inside"),
        pytest.param("    floor: 99.9\n", "      - {date: 2026-01-20, value: 99.9}\n", "", 1.0, "on-track",
                     id="a-bound-hit-exactly-is-inside"),
        pytest.param("    ceiling: 2\n", "      - {date: 2026-01-20, value: 1.5}\n"
                     "      - {date: 2026-02-10, value: 2.5}\n", "", 0.5, "off-track", id="only-a-ceiling-latest-out"),
        pytest.param("    floor: 1\n    ceiling: 2\n", "", "    current: 1.5\n", 1.0, "on-track",
                     id="no-checkins-current-inside"),
        pytest.param("    floor: 1\n    ceiling: 2\n", "", "    current: 3\n", 0.0, "off-track",
                     id="no-checkins-current-outside"),
        pytest.param("    floor: 99\n", "      - {date: 2025-12-20, value: 90}\n"
                     "      - {date: 2026-01-20, value: 99.5}\n", "", 1.0, "on-track",
                     id="checkins-before-the-period-do-not-count"),
        pytest.param("    floor: 99\n", "      - {date: 2026-01-20, value: 99.5}\n"
                     "      - {date: 2026-03-01, value: 90}\n", "", 1.0, "on-track",
                     id="checkins-after-as-of-are-not-known"),
        # written on the period's first day, before its first reading: an error, which `okrsite checkin`
        # could not mend while a second such key result in the file had it too
        pytest.param("    floor: 99\n", "", "", 0.0, "not-started", id="no-value-yet-is-not-started"),
    ],
)
def test_a_maintain_kr_is_the_share_of_values_inside_its_band(tmp_path: Path, bounds: str, checkins: str,
                                                             current: str, progress: float, status: str) -> None:
    site = load_ok(site_with(tmp_path, {"grow": maintain(bounds, checkins, current)}))
    kr = kr_of(site)
    assert kr.progress == pytest.approx(progress)
    assert kr.status == status  # pace plays no part: inside or outside


def test_a_maintain_kr_ends_with_the_share_inside_as_its_grade(tmp_path: Path) -> None:
    text = maintain("    floor: 99.9\n", "      - {date: 2026-01-20, value: 99.95}\n"
                    "      - {date: 2026-02-01, value: 99.5}\n      - {date: 2026-03-10, value: 99.92}\n"
                    "      - {date: 2026-03-20, value: 99.91}\n")
    site = load_ok(site_with(tmp_path, {"grow": text}), as_of=D(2026, 4, 10))
    assert site.objectives["grow"].grade == 0.75


def test_a_maintain_kr_inside_its_band_all_period_is_done_once_it_has_ended(tmp_path: Path) -> None:
    """Its status follows the band, not pace (on track while it runs); its grade of 1.00 reads Done
    when the period has ended, as every key result at progress 1 does, never Not done."""
    held = maintain("    floor: 99.9\n", "      - {date: 2026-01-20, value: 99.95}\n      - {date: 2026-03-20, value: 99.91}\n")
    slipped = held.replace("title: Uptime", "title: Error budget").replace("99.91", "99.5")  # 1 of 2 inside
    root = site_with(tmp_path, {"grow": held, "keep": slipped})
    write(root, "okrsite.yaml", (root / "okrsite.yaml").read_text().replace("2026-02-15", "2026-04-10"))
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    card = (root / "output/objectives/grow/index.html").read_text().split('<article class="kr')[1]
    assert 'class="badge badge--done"' in card and "badge--not-done" not in card
    assert "badge--not-done" in (root / "output/objectives/keep/index.html").read_text().split('<article class="kr')[1]
    scorecard = (root / "output/periods/2026-Q1/scorecard/index.html").read_text()
    not_done = scorecard.split('id="krs-heading"')[1].split("<h2")[0]
    assert "Error budget" in not_done and "Uptime" not in not_done


# --- Zones key results ------------------------------------------------------------------------

def zones(field: str = "", checkins: str = "") -> str:
    return objective("  - id: m\n    title: Incident communication\n    type: zones\n"
                     "    zones: {commit: Status page, target: Post-mortems in 5 days, stretch: Quoted back}\n"
                     + field + (f"    checkins:\n{checkins}" if checkins else ""))


@pytest.mark.parametrize(
    ("field", "checkins", "zone", "progress"),
    [
        pytest.param("", "", "fail", 0.0, id="nothing-said-is-fail"),
        pytest.param("    zone: target\n", "", "target", 0.7, id="the-field"),
        pytest.param("    zone: commit\n", "      - {date: 2026-02-01, zone: stretch, confidence: 0.6}\n",
                     "stretch", 1.0, id="a-checkin-wins-over-the-field"),
        pytest.param("    zone: commit\n", "      - {date: 2026-03-01, zone: stretch}\n", "commit", 0.3,
                     id="a-checkin-after-as-of-is-not-known"),
        pytest.param("", "      - {date: 2026-01-10, zone: target}\n      - {date: 2026-02-01, note: Slipped}\n",
                     "target", 0.7, id="a-checkin-without-zone-changes-nothing"),
    ],
)
def test_a_zones_kr_reads_its_latest_zone(tmp_path: Path, field: str, checkins: str, zone: str,
                                         progress: float) -> None:
    kr = kr_of(load_ok(site_with(tmp_path, {"grow": zones(field, checkins)})))
    assert (kr.zone, kr.progress) == (zone, progress)
    assert kr.status == scoring.status(progress, 0.5, D(2026, 2, 15), Q1_START)


# --- Dropped key results ----------------------------------------------------------------------

def test_a_dropped_kr_stays_listed_and_counts_in_no_number(tmp_path: Path) -> None:
    text = objective(metric(8) + "  - {id: gone, title: Old goal, start: 0, target: 10, current: 0, "
                     "dropped: {reason: Replaced by the new pricing, date: 2026-02-01}}\n")
    root = site_with(tmp_path, {"grow": text})
    site = load_ok(root)
    grow = site.objectives["grow"]
    assert [kr.id for kr in grow.key_results] == ["m", "gone"]
    assert grow.progress == pytest.approx(0.8)
    gone = kr_of(site, "grow/gone")
    assert gone.status == "dropped" and not gone.stale and gone.forecast is None
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    page = (root / "output/objectives/grow/index.html").read_text()
    assert "<s>Old goal</s>" in page and ("Dropped on 1 Feb 2026</strong> <span class=\"muted\">(left out of every figure)"
                                           "</span>: Replaced by the new pricing") in page
    data = json.loads((root / "output/okrs.json").read_text())["objectives"][0]["key_results"][1]
    assert data["dropped"] == {"reason": "Replaced by the new pricing", "date": "2026-02-01"}
    assert (data["status"], data["progress"]) == ("dropped", None)


def test_a_kr_dropped_on_a_date_after_the_report_date_counts_until_then(tmp_path: Path) -> None:
    """A report as of 15 Feb showed a key result dropped on 1 Mar as dropped (left out of the
    objective), before anyone had dropped it; on the day itself it is dropped."""
    text = objective(metric(8) + "  - {id: gone, title: Old goal, start: 0, target: 10, current: 0, "
                     "dropped: {reason: Replaced by the new pricing, date: 2026-03-01}}\n")
    root = site_with(tmp_path, {"grow": text})
    before = load_ok(root)
    gone = kr_of(before, "grow/gone")
    assert gone.dropped is None and gone.status != "dropped"
    assert before.objectives["grow"].progress == pytest.approx(0.4)  # (0.8 + 0) / 2
    on_the_day = load_ok(root, as_of=D(2026, 3, 1))
    assert kr_of(on_the_day, "grow/gone").status == "dropped"
    assert on_the_day.objectives["grow"].progress == pytest.approx(0.8)


# --- Closing grades ---------------------------------------------------------------------------

def test_a_closing_grade_replaces_the_computed_one_once_the_period_has_ended(tmp_path: Path) -> None:
    text = objective(metric(5)).replace("period: 2026-Q1\n",
                                        "period: 2026-Q1\nclosed: {grade: 0.6, note: Slipped to Q2}\n")
    root = site_with(tmp_path, {"grow": text})
    site = load_ok(root, as_of=D(2026, 4, 10))
    grow = site.objectives["grow"]
    assert (grow.grade, grow.computed_grade) == (0.6, 0.5)
    build(BuildOptions(root / "okrsite.yaml", as_of=D(2026, 4, 10), jobs=1))
    period = (root / "output/periods/2026-Q1/index.html").read_text()
    assert "Grades set at the closing review" in period and "Slipped to Q2" in period
    data = json.loads((root / "output/okrs.json").read_text())["objectives"][0]
    assert (data["grade"], data["computed_grade"], data["closed_note"]) == (0.6, 0.5, "Slipped to Q2")


# --- Forecasts --------------------------------------------------------------------------------

def forecasting(checkins: str, period: str = "2026-Q1") -> str:
    return objective(f"  - id: m\n    title: Views\n    start: 0\n    target: 90\n    checkins:\n{checkins}",
                     period=period)


@pytest.mark.parametrize(
    ("checkins", "as_of", "value"),
    [
        # The line through (day 0, 0), (day 10, 10), (day 20, 20): at day 89 (31 Mar) 89.
        pytest.param("      - {date: 2026-01-11, value: 10}\n      - {date: 2026-01-21, value: 20}\n",
                     D(2026, 2, 15), 89.0, id="two-checkins-on-a-line"),
        pytest.param("      - {date: 2026-01-21, value: 20}\n", D(2026, 2, 15), None, id="one-checkin-is-not-enough"),
        pytest.param("      - {date: 2026-01-01, value: 5}\n      - {date: 2026-01-01, value: 6}\n",
                     D(2026, 2, 15), None, id="every-point-on-the-first-day"),
        pytest.param("      - {date: 2026-01-11, value: 10}\n      - {date: 2026-03-01, value: 80}\n",
                     D(2026, 2, 15), None, id="a-checkin-after-as-of-is-not-known"),
        pytest.param("      - {date: 2026-01-11, value: 10}\n      - {date: 2026-01-21, value: 20}\n",
                     D(2026, 4, 10), None, id="no-forecast-in-an-ended-period"),
        pytest.param("      - {date: 2025-12-20, value: 1}\n      - {date: 2026-01-11, value: 10}\n",
                     D(2026, 2, 15), None, id="checkins-before-the-period-do-not-count"),
    ],
)
def test_a_metric_forecast_is_the_least_squares_line_at_the_period_end(tmp_path: Path, checkins: str,
                                                                      as_of: dt.date, value: float | None) -> None:
    kr = kr_of(load_ok(site_with(tmp_path, {"grow": forecasting(checkins)}), as_of=as_of))
    if value is None:
        assert kr.forecast is None
    else:
        assert kr.forecast is not None and kr.forecast.value == pytest.approx(value)
        assert kr.forecast.progress == pytest.approx(min(1.0, value / 90))


def test_an_objective_trending_below_its_expectation_is_flagged(tmp_path: Path) -> None:
    slow = forecasting("      - {date: 2026-01-11, value: 2}\n      - {date: 2026-02-10, value: 8}\n")
    root = site_with(tmp_path, {"grow": slow})
    grow = load_ok(root).objectives["grow"]
    assert grow.forecast_progress is not None and grow.forecast_progress < 1 and grow.trending_to_miss
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    assert "Objectives trending to miss" in (root / "output/index.html").read_text()
    assert "Objectives trending to miss" in (root / "output/periods/2026-Q1/index.html").read_text()
    assert "↘ </span>Trending to miss<" in (root / "output/periods/2026-Q1/index.html").read_text()  # on the objective


def test_scoring_forecast_value_is_none_with_one_point_or_one_day() -> None:
    assert scoring.forecast_value([(0, 1)], 10) is None
    assert scoring.forecast_value([(3, 1), (3, 5)], 10) is None
    assert scoring.forecast_value([(0, 0), (1, 2)], 10) == pytest.approx(20)


# --- Stale key results ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("last", "as_of", "stale"),
    [
        pytest.param(D(2026, 2, 1), D(2026, 2, 15), False, id="14-days-is-not-stale"),
        pytest.param(D(2026, 1, 31), D(2026, 2, 15), True, id="15-days-is-stale"),
        pytest.param(None, D(2026, 2, 15), True, id="never-updated"),
        pytest.param(None, D(2026, 1, 15), False, id="period-started-14-days-ago"),
        pytest.param(None, D(2026, 1, 16), True, id="period-started-15-days-ago"),
        pytest.param(None, D(2026, 4, 10), False, id="an-ended-period-is-not-stale"),
    ],
)
def test_stale_after_14_days_on_the_boundary(last: dt.date | None, as_of: dt.date, stale: bool) -> None:
    assert scoring.is_stale(last, as_of, Q1_START, Q1_END, 14) is stale


def test_a_stale_kr_shows_its_age_on_the_page_and_in_okrs_json(tmp_path: Path) -> None:
    text = objective("  - id: m\n    title: Views\n    start: 0\n    target: 10\n    checkins:\n"
                     "      - {date: 2026-01-23, value: 3}\n")
    root = site_with(tmp_path, {"grow": text})
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    assert "No update for 23 days" in (root / "output/objectives/grow/index.html").read_text()
    assert "No update for 23 days" in (root / "output/index.html").read_text()
    kr = json.loads((root / "output/okrs.json").read_text())["objectives"][0]["key_results"][0]
    assert (kr["stale"], kr["last_update"]) == (True, "2026-01-23")


def test_stale_after_days_is_set_in_the_configuration(tmp_path: Path) -> None:
    text = objective("  - id: m\n    title: Views\n    start: 0\n    target: 10\n    checkins:\n"
                     "      - {date: 2026-01-23, value: 3}\n")
    assert not kr_of(load_ok(site_with(tmp_path, {"grow": text}, config="stale_after_days: 30\n"))).stale


# --- Owners, teams, priority, KR-aligned parents ----------------------------------------------

def test_an_objective_of_two_teams_shows_on_both_team_pages(tmp_path: Path) -> None:
    text = objective(metric(5)).replace("period: 2026-Q1\n", "period: 2026-Q1\nteam: [Platform, Data]\n"
                                                             "owner: [Tom Becker, Lena Fischer]\npriority: 1\n")
    root = site_with(tmp_path, {"grow": text})
    grow = load_ok(root).objectives["grow"]
    assert (grow.teams, grow.team, grow.owners, grow.owner, grow.priority) == \
        (("platform", "data"), "platform", ("Tom Becker", "Lena Fischer"), "Tom Becker", 1)
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    for team in ("platform", "data"):
        assert "An objective" in (root / f"output/teams/{team}/index.html").read_text()
    # "P1" is explained in words a screen reader says, not only in a tooltip a keyboard never sees
    page = (root / "output/objectives/grow/index.html").read_text()
    assert '<span class="visually-hidden">Priority </span>P1</span>' in page


def test_a_team_named_twice_is_one_of_its_teams(tmp_path: Path) -> None:
    """`team: [platform, Platform]` is one team: the period page listed the objective twice under it."""
    text = objective(metric(5)).replace("period: 2026-Q1\n", "period: 2026-Q1\nteam: [platform, Platform, Data]\n")
    assert load_ok(site_with(tmp_path, {"grow": text})).objectives["grow"].teams == ("platform", "data")


def test_lists_sort_by_priority_first(tmp_path: Path) -> None:
    from okrsite.model.vocabulary import by_status
    behind = objective(metric(0))  # off track
    ahead = objective(metric(9)).replace("period: 2026-Q1\n", "period: 2026-Q1\npriority: 0\n")
    site = load_ok(site_with(tmp_path, {"a": behind, "b": ahead}))
    assert [o.id for o in by_status(site.objectives.values())] == ["b", "a"]


def test_an_objective_can_hang_from_another_objectives_key_result(tmp_path: Path) -> None:
    root = site_with(tmp_path, {"grow": objective(metric(5)),
                                "child": objective(metric(1), parent="grow/m")})
    site = load_ok(root)
    child, grow = site.objectives["child"], site.objectives["grow"]
    assert (child.parent, child.parent_kr) == ("grow", "m")
    assert grow.children == () and site.kr_children == {"grow/m": ("child",)}
    assert grow.progress == pytest.approx(0.5)  # the KR's own progress: the child does not roll up
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    tree = (root / "output/alignment/index.html").read_text()
    kr_at, child_at = tree.index('href="../objectives/grow/#kr-m"'), tree.index('href="../objectives/child/"')
    assert kr_at < child_at  # drawn under the KR
    assert json.loads((root / "output/okrs.json").read_text())["objectives"][0]["parent"] == "grow/m"


def test_a_kr_description_is_markdown_under_its_title(tmp_path: Path) -> None:
    text = objective("  - {id: m, title: Views, start: 0, target: 10, description: 'Measured on **all** pages'}\n")
    root = site_with(tmp_path, {"grow": text})
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    assert "Measured on <strong>all</strong> pages" in (root / "output/objectives/grow/index.html").read_text()


# --- Bad v2 input -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("files", "as_of", "error"),  # the line the build prints, after content/objectives/
    [
        pytest.param({"grow": objective(metric(5)).replace("period: 2026-Q1\n",
                                                           "period: 2026-Q1\nclosed: {grade: 0.6}\n")},
                     None, "grow.md:4:9: error: 'closed': a closing grade is published once the period has ended (2026-Q1 ends "
                     "2026-03-31, the report date is 2026-02-15): report as of a later date (--as-of 2026-04-01), or take "
                     "'closed:' out until then", id="closed-early"),
        pytest.param({"grow": objective(metric(5)).replace("period: 2026-Q1\n",
                                                           "period: 2026-Q1\nclosed: {grade: 0.6}\n")},
                     dt.date(2026, 3, 31), "grow.md:4:9: error: 'closed': a closing grade is published once the period has "
                     "ended (2026-Q1 ends 2026-03-31, the report date is 2026-03-31, its last day): report as of a "
                     "later date (--as-of 2026-04-01), or take 'closed:' out until then", id="closed-on-the-last-day"),
        pytest.param({"grow": zones("    zone: great\n")}, None, "grow.md:9:11: error: 'zone': expected one of fail, "
                     "commit, target, stretch; got 'great'", id="zone-not-one-of-four"),
        pytest.param({"grow": maintain("", "", "    current: 5\n")}, None,
                     "grow.md:5:5: error: a maintain key result needs a 'floor', a 'ceiling' or both", id="maintain-without-bounds"),
        pytest.param({"grow": maintain("    floor: 5\n    ceiling: 2\n", "", "    current: 3\n")}, None,
                     "grow.md:9:12: error: 'floor' (5) is above 'ceiling' (2): no value can be inside", id="floor-above-ceiling"),
        pytest.param({"grow": objective("  - {title: A, start: 0, target: 1, dropped: {date: 2026-02-01}}\n")},
                     None, "grow.md:5:46: error: missing required field 'reason' in dropped", id="dropped-without-reason"),
        pytest.param({"grow": objective(metric(5)), "child": objective(metric(1), parent="grow/nope")}, None,
                     "child.md:4:9: error: unknown key result 'nope' of objective 'grow'", id="parent-kr-that-does-not-exist"),
        pytest.param({"grow": objective(metric(5)).replace("period: 2026-Q1\n", "period: 2026-Q1\npriority: 7\n")},
                     None, "grow.md:4:11: error: 'priority': expected a whole number from 0 to 3, got 7", id="priority-out-of-range"),
        pytest.param({"grow": objective(metric(5)).replace("period: 2026-Q1\n", "period: 2026-Q1\npriority: P1\n")},
                     None, "grow.md:4:11: error: 'priority': expected a whole number from 0 to 3, got the text 'P1': write 1 "
                     "for P1",
                     id="priority-as-the-pages-show-it"),
        pytest.param({"grow": objective(metric(5)).replace("period: 2026-Q1\n", "period: 2026-Q1\nkind: stretch\n")},
                     None, "grow.md:4:7: error: 'kind': expected one of committed, aspirational; got 'stretch'", id="unknown-kind"),
    ],
)
def test_bad_v2_input_is_an_error_at_its_line(tmp_path: Path, files: dict[str, str], as_of: dt.date | None,
                                              error: str) -> None:
    """At the value that is wrong (the key result, for a field it lacks), as `path:line:col`."""
    site, diagnostics = load(site_with(tmp_path, files), as_of)
    assert site is None
    assert [str(d) for d in diagnostics.errors] == [f"content/objectives/{error}"]


def test_a_closed_grade_error_names_the_line(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n")
    write(root, "content/objectives/grow.md", "---\ntitle: Grow\nperiod: 2026-Q1\nclosed: {grade: 0.6}\n"
                                               "key_results:\n  - {title: A, start: 0, target: 1}\n---\n")
    from okrsite.commands.cli import main
    import io
    import contextlib
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["build", "--config", str(root / "okrsite.yaml")]) == 1
    assert "content/objectives/grow.md:4:9: error: 'closed': a closing grade" in err.getvalue()
