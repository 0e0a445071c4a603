"""The portfolio as a manager reads it: lanes with reasons on the portfolio page, earned value on
project pages, where the money goes, the charts (with their words and tables), the projects list,
the dashboard's figure, okrs.json, and the update fields that feed the burn chart."""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import replace
from pathlib import Path

import pytest

from okrsite.build.builder import BuildOptions, Builder, build
from okrsite.diagnostics import Diagnostics
from okrsite.model.site import Site
from okrsite.site.charts.labels import overlaps, place_labels, slide, spread
from okrsite.site.charts.palette import default_palette
from okrsite.site.charts.portfolio import BubblesData, BurnData, burn_chart, portfolio_chart, spend_chart
from okrsite.site.charts.layout import LAYOUTS
from okrsite.site.charts.specs import Look
from okrsite.site.portfolio import period_projects, spend
from tests.conftest import write

LOOK = Look("svg", 144, default_palette())
GROW = """
---
title: Grow
period: 2026-Q1
key_results: [{id: views, title: Views, start: 0, target: 10, current: 5}]
---
"""


def text_of(page: Path) -> str:
    """What a reader sees: tags dropped, entities decoded, spaces collapsed."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.read_text())))


def section(page: Path, anchor: str) -> str:
    match = re.search(rf'<section[^>]*id="{anchor}".*?</section>', page.read_text(), re.S)
    assert match, f"no section {anchor}"
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))))


@pytest.fixture(scope="module")
def demo(reference_demo: Path) -> Path:
    """The built demo site (the session's, read only)."""
    return reference_demo.parent


def load(root: Path) -> Site:
    diagnostics = Diagnostics()
    site = Builder(BuildOptions(root / "okrsite.yaml")).load(diagnostics)
    assert site is not None, [str(d) for d in diagnostics.items]
    return site


# ---------- the portfolio page ----------

def test_every_project_of_the_period_is_in_a_lane_with_its_reason(demo: Path) -> None:
    page = demo / "output/portfolio/index.html"
    review = section(page, "lane-review")
    # the figure behind the lane, in words a manager can act on
    assert "CPI 0.43: 46,500 USD spent for 20,000 USD of work done" in review
    assert "Late: due 8 May 2026, 6 days ago" in review
    # most budget first: the dashboard builder (60,000 USD) before the columnar cache (40,000 USD)
    assert review.index("Self-serve dashboard builder") < review.index("Columnar cache")
    assert "SPI 0.71: 30,000 USD of work done against 42,378 USD planned by now" in review
    push = section(page, "lane-push")
    assert "Moves “Generate 150 partner-sourced leads” (at risk, 26 points behind the expected pace); " \
           "not in review: SPI 0.88, CPI 1.21, none below 0.85." in push
    assert "healthy" not in push.lower()  # beside its "Behind schedule" flag (SPI under 1), it read as a contradiction
    assert "Business reviews with the top 40 accounts" in section(page, "lane-keep")
    halt = section(page, "lane-halt")
    assert "Move the engineering wiki" in halt and "Supports no objective or key result." in halt
    # still going, for a quarter that has ended: the default period's portfolio is where it is seen
    assert "Publish 10 new blog posts with five or more backlinks Marketing · Sam Lee · Active Nothing it supports " \
           "is still open: “Publish 10 new blog posts with five or more backlinks” (Q1 2026 has ended)." in halt
    assert "SOC 2 Type II audit" in section(page, "finished")  # done: no lane, but its money counts
    for lane in ("halt", "review", "push", "keep"):
        assert f'href="#lane-{lane}"' in page.read_text()
    # the indices below 0.85 stand out (the class they had was styled by nothing), and are explained
    # in words on the page, not only in the column heads' tooltips
    assert re.findall(r'<td class="cell-num cell-warn" data-label="(SPI|CPI)">([\d.]+)</td>', page.read_text()) == [
        ("SPI", "0.50"), ("SPI", "0.55"), ("SPI", "0.71"), ("SPI", "0.50"), ("CPI", "0.43")]
    assert "SPI, the schedule performance index, is the work done over the work planned by now; CPI, the cost " \
           "performance index, the work done over the money spent." in html.unescape(page.read_text())


def test_a_past_period_has_its_own_page_and_the_switcher_links_them(demo: Path) -> None:
    q1 = demo / "output/portfolio/2026-Q1/index.html"
    halt = section(q1, "lane-halt")
    assert "Nothing it supports is still open: “Publish 10 new blog posts with five or more backlinks” " \
           "(Q1 2026 has ended)." in halt
    main = (demo / "output/portfolio/index.html").read_text()
    assert 'href="../portfolio/2026-Q1/"' in main and 'href="../../portfolio/2026-Q2/"' in q1.read_text()
    assert text_of(demo / "output/portfolio/2026-Q2/index.html") == text_of(demo / "output/portfolio/index.html")
    assert '<a href="portfolio/">Portfolio</a>' in (demo / "output/index.html").read_text()


def test_spend_per_objective_splits_a_project_between_its_objectives(demo: Path) -> None:
    site = load(demo)
    figures = spend(site, "2026-Q2", period_projects(site, "2026-Q2"))
    by_title = {row.title: (row.projects, row.money, row.hours) for row in figures.rows}
    assert figures.currencies == ("USD",)
    # the dashboard builder (31,000 USD, 470 h) supports a KR of two objectives: half each
    assert by_title["Become the analytics platform mid-market retailers choose first"] == (1, (15500,), 235)
    assert by_title["Let customers build the dashboards they need without calling us"] == (2, (15500,), 235)
    assert by_title["No objective"] == (2, (2700,), 18)  # the wiki and the brand refresh support nothing
    assert by_title["Objectives of ended periods"][:2] == (1, (4500,))  # the blog push, still going after Q1
    assert figures.total.money == (124700,)
    assert figures.halt.money == (7200,) and figures.share(figures.halt, 0) == pytest.approx(7200 / 124700)
    page = demo / "output/portfolio/index.html"
    assert "6% of the money spent went to the halt lane (7,200 USD of 124,700 USD)" in text_of(page)
    # on a phone each row is a card of labelled figures: the money's share and the hours' share
    # were both "Share:"
    spending = page.read_text().split("Spending per objective of")[1].split("</table>")[0]
    first_row = spending.split("<tbody>")[1].split("</tr>")[0]
    assert re.findall(r'data-label="([^"]*)"', first_row) == ["Projects", "Spent (USD)", "Share (USD)", "Hours",
                                                                "Share (Hours)"]
    q1 = spend(site, "2026-Q1", period_projects(site, "2026-Q1"))  # an ended period's own page: its own projects
    assert "Objectives of ended periods" not in {row.title for row in q1.rows}
    assert re.search(r"Projects no open objective needs 3 .*Publish 10 new blog posts.*Move the engineering wiki.*"
                     r"spent 2,700 USD", text_of(page))


def test_the_portfolio_explains_spi_and_cpi_only_where_it_shows_one(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\ncharts: {enabled: false}\n")
    write(root, "content/objectives/grow.md", GROW)
    write(root, "content/projects/bare.md", "---\ntitle: Bare\nkey_results: [grow]\n---\n")  # no dates, no budget
    build(BuildOptions(root / "okrsite.yaml"))
    page = text_of(root / "output/portfolio/index.html")
    assert "Bare" in page and "SPI, the schedule performance index" not in page
    write(root, "content/projects/bare.md", "---\ntitle: Bare\nkey_results: [grow]\nstart: 2026-01-01\n"
                                            "due: 2026-03-31\nbudget: {planned: 1000, spent: 300}\n---\n")
    build(BuildOptions(root / "okrsite.yaml"))
    assert "SPI, the schedule performance index" in text_of(root / "output/portfolio/index.html")


def test_amounts_in_different_currencies_are_never_added(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n")
    write(root, "content/objectives/grow.md", GROW)
    for name, money in (("us", "{planned: 1000, spent: 300, currency: USD}"),
                        ("eu", "{planned: 1000, spent: 500, currency: EUR}")):
        write(root, f"content/projects/{name}.md", f"---\ntitle: {name}\nkey_results: [grow]\nbudget: {money}\n---\n")
    site = load(root)
    figures = spend(site, "2026-Q1", period_projects(site, "2026-Q1"))
    assert figures.currencies == ("EUR", "USD") and figures.total.money == (500, 300)
    spec = spend_chart(site, "2026-Q1", LOOK)
    assert spec is not None and spec.caption.startswith("Money spent (EUR) per objective")  # the chart shows the main currency
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    page = text_of(root / "output/portfolio/2026-Q1/index.html")  # the halt share, a tile per currency
    assert "0% of the money spent went to the halt lane (0 EUR of 500 EUR)" in page
    assert "0% of the money spent went to the halt lane (0 USD of 300 USD)" in page


def test_bubbles_are_sized_against_the_largest_budget_in_their_own_currency(tmp_path: Path) -> None:
    """3,000,000 JPY is not sixty times 50,000 EUR: the largest budget of each currency gets the
    largest bubble, and the others are sized against it."""
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n")
    write(root, "content/objectives/grow.md", GROW)
    for name, money in (("yen", "{planned: 3000000, spent: 1000000, currency: JPY}"),
                        ("euro", "{planned: 50000, spent: 20000, currency: EUR}"),
                        ("small", "{planned: 12500, spent: 4000, currency: EUR}")):
        write(root, f"content/projects/{name}.md", f"---\ntitle: {name}\nkey_results: [grow]\nstart: 2026-01-01\n"
                                                   f"due: 2026-03-31\nprogress: 0.5\nbudget: {money}\n---\n")
    spec = portfolio_chart(load(root), "2026-Q1", LOOK)
    radius = {b.label.text: b.radius for b in spec.data.bubbles}
    assert radius["yen"] == radius["euro"] > radius["small"]


def test_a_check_in_that_changes_no_lane_or_reason_keeps_the_portfolio_page(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The page shows each project's lane and reason: a check-in that moves a supported KR's pace
    but neither (here a late project in review, whose reason names its delay) leaves the page as
    the last build wrote it, not rendered again to the same bytes."""
    from okrsite.site import render

    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n")
    write(root, "content/objectives/grow.md", GROW.replace("current: 5", "current: 2"))
    write(root, "content/projects/ship.md", "---\ntitle: Ship\nstatus: active\nstart: 2026-01-05\n"
                                            "due: 2026-02-01\nkey_results: [grow/views]\n---\n")
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    before = (root / "output/portfolio/index.html").read_text()
    rendered: list[str] = []
    render_page = render.render_page
    monkeypatch.setattr(render, "render_page", lambda job, page, *rest: rendered.append(page.url)
                        or render_page(job, page, *rest))
    write(root, "content/objectives/grow.md", GROW.replace("current: 5", "current: 2.5"))
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    assert "objectives/grow/index.html" in rendered  # the KR's own page shows the new value
    assert not {"portfolio/index.html", "portfolio/2026-Q1/index.html"} & set(rendered)
    assert "Late" in text_of(root / "output/portfolio/index.html") and (root / "output/portfolio/index.html").read_text() == before


# ---------- the project page ----------

def test_a_finished_projects_low_index_is_not_flagged_for_review(demo: Path) -> None:
    """Q1's finished projects list an SPI of 0.50: done, a project is reviewed no more, so it is not
    in bold under a sentence that says bold means "needs a review"."""
    page = (demo / "output/portfolio/2026-Q1/index.html").read_text()
    finished = re.search(r'<section[^>]*id="finished".*?</section>', page, re.S).group(0)
    assert '<td class="cell-num" data-label="SPI">0.50</td>' in finished and "cell-warn" not in finished
    project = (demo / "output/projects/legacy-connector-rewrite/index.html").read_text()  # cancelled, on its page
    assert '<td class="cell-num" data-label="SPI">0.50</td>' in project
    done = (demo / "output/projects/webinar-series/index.html").read_text()  # an overrun of a finished project
    assert '<td class="cell-num" data-label="VAC">-600 USD</td>' in done
    # cancelled in February: its open task is overdue no more, and no "122 of 79 days" elapsed
    assert "Overdue" not in project and " of 79 days)" not in project and "(126 of 83 days)" not in done
    running = (demo / "output/projects/columnar-query-cache/index.html").read_text()
    assert '<td class="cell-num cell-warn" data-label="VAC">-53,000 USD</td>' in running


def test_a_project_with_nothing_to_measure_says_so_in_its_reason(demo: Path, tmp_path: Path) -> None:
    """Without a budget (or dates, or an amount spent) it was "not in review: not late", as if it were
    on plan; its planned value read "(– of the time ... has passed)"; nothing spent reported, 0 %."""
    push = section(demo / "output/portfolio/index.html", "lane-push")
    assert "not in review: not late; no SPI or CPI (needs a planned budget)." in push
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\ncharts: {enabled: false}\n")
    write(root, "content/objectives/grow.md", GROW)
    write(root, "content/projects/undated.md", "---\ntitle: Undated\nkey_results: [grow]\nbudget: {planned: 1000}\n---\n")
    # not started, with a budget and dates: it lacks nothing, it has neither planned nor spent anything yet
    write(root, "content/projects/later.md", "---\ntitle: Later\nkey_results: [grow]\nstart: 2026-03-01\n"
          "due: 2026-03-31\nbudget: {planned: 8000, spent: 0}\n---\n")
    build(BuildOptions(root / "okrsite.yaml"))
    reasons = text_of(root / "output/portfolio/index.html")
    assert "Not in review: not late; no SPI or CPI (needs a start date and a due date; needs the amount spent " \
           "(budget.spent))" in reasons
    assert "Not in review: not late; no SPI or CPI (nothing was planned by now: the project has not started; " \
           "nothing spent yet)" in reasons
    page = text_of(root / "output/projects/undated/index.html")
    assert "The budget of the work the plan says should be done by now. " in page and "(– of the time" not in page
    assert "– of 1,000 spent" in page and "0 of 1,000 spent" not in page  # (no currency given)


def test_the_project_page_explains_each_earned_value_figure(demo: Path) -> None:
    page = demo / "output/projects/columnar-query-cache/index.html"
    evm = text_of(page)
    for figure in ("BAC Budget at completion 40,000 USD", "PV Planned value 40,000 USD",
                   "EV Earned value 20,000 USD", "AC Actual cost 46,500 USD", "SPI Schedule performance index 0.50",
                   "CPI Cost performance index 0.43", "EAC Estimate at completion 93,000 USD",
                   "VAC Variance at completion -53,000 USD"):
        assert figure in evm
    assert "What the whole project will cost if the rest of the work costs what the work so far did" in evm
    assert "▲ Review Late: due 8 May 2026" in evm
    behind = text_of(demo / "output/projects/dashboard-builder/index.html")
    assert "Behind schedule 50% of the work done, 71% of the time elapsed" in behind
    bare = text_of(demo / "output/projects/qbr-program/index.html")
    assert "No planned budget" in bare and "◆ Keep" in bare


def test_a_figure_that_cannot_be_computed_says_why(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n")
    write(root, "content/objectives/grow.md", GROW)
    write(root, "content/projects/later.md", """
        ---
        title: Later
        start: 2026-03-01
        due: 2026-03-31
        key_results: [grow/views]
        budget: {planned: 5000, spent: 0}
        ---
        """)
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    page = text_of(root / "output/projects/later/index.html")
    assert "SPI Schedule performance index – " in page
    assert "No value: nothing was planned by now: the project has not started." in page
    assert "No value: nothing spent yet." in page
    okrs = json.loads((root / "output/okrs.json").read_text())
    assert okrs["projects"][0]["evm"] == {"bac": 5000, "pv": 0.0, "ev": 0.0, "ac": 0, "spi": None, "cpi": None,
                                          "eac": None, "vac": None}
    assert okrs["projects"][0]["lane"] == "keep"  # on track, healthy as far as anyone can tell


# ---------- okrs.json and the update fields ----------

def test_okrs_json_has_each_projects_evm_and_lane(demo: Path) -> None:
    projects = {p["id"]: p for p in json.loads((demo / "output/okrs.json").read_text())["projects"]}
    assert projects["columnar-query-cache"]["evm"] == {
        "bac": 40000, "pv": 40000.0, "ev": 20000.0, "ac": 46500, "spi": 0.5, "cpi": 0.430108, "eac": 93000.0,
        "vac": -53000.0}
    assert {p: projects[p]["lane"] for p in projects} == {
        "blog-push": "halt", "brand-refresh": "halt", "columnar-query-cache": "review", "dashboard-builder": "review",
        "legacy-connector-rewrite": None, "onboarding-checklist": "push", "partner-portal": "push",
        "qbr-program": "keep", "sales-playbook": "push", "soc2-audit": None, "webinar-series": None,
        "wiki-migration": "halt"}
    assert projects["columnar-query-cache"]["updates"][0] == {
        "date": "2026-05-12", "note": "Planner work continues; new estimate is end of May", "spent": 46500,
        "hours": 560, "progress": 0.5}


def test_update_values_are_checked_at_their_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from okrsite.commands.cli import main
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n")
    write(root, "content/projects/x.md", """
        ---
        title: X
        updates:
          - {date: 2026-02-01, note: Fine, spent: 100}
          - {date: 2026-02-08, note: Too much, progress: 1.5}
        ---
        """)
    assert main(["build", "--config", str(root / "okrsite.yaml")]) == 1
    assert "content/projects/x.md:5:50: error: 'progress': expected a number from 0 to 1, got 1.5" \
        in capsys.readouterr().err


# ---------- charts ----------

BURN_PROJECT = """
---
title: Cache
start: 2026-01-05
due: 2026-03-01
key_results: [grow/views]
budget: {{planned: 40000, spent: 31000, currency: USD}}
hours: {{planned: 400}}
updates:
{updates}
---
"""


def burn_site(tmp_path: Path, updates: str) -> Site:
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n")
    write(root, "content/objectives/grow.md", GROW)
    write(root, "content/projects/cache.md", BURN_PROJECT.format(updates=updates))
    return load(root)


def test_two_updates_with_values_give_a_burn_chart_against_the_plan_line(tmp_path: Path) -> None:
    site = burn_site(tmp_path, "  - {date: 2026-01-19, note: a, spent: 9000, progress: 0.2}\n"
                               "  - {date: 2026-02-02, note: b, spent: 20000, hours: 250, progress: 0.3}\n"
                               "  - {date: 2026-02-20, note: after the report date, spent: 99000}\n")
    spec = burn_chart(site, "cache", LOOK)
    assert spec is not None and isinstance(spec.data, BurnData)
    series = {s.label: s.points for s in spec.data.series}
    # each value as a share of its plan, from 0 at the start (day 0) to the updates (days 14 and 28)
    assert series == {"● Work done 30%": ((0, 0), (14, 20), (28, 30)),
                      "■ Budget spent 50%": ((0, 0), (14, 22.5), (28, 50)),
                      "▲ Hours used 63%": ((0, 0), (28, 62.5))}
    assert spec.data.plan == ((0, 0), (56, 100))  # the due date counts as a whole day
    assert spec.tables[0].rows[1] == ("2 Feb 2026", "30%", "20,000 USD (50%)", "250 h (63%)", "50%")
    assert spec.alt == ("Cache: by 2 Feb 2026, work done 30%, budget spent 50%, hours used 63%, with 73% of the "
                        "schedule elapsed on 15 Feb 2026.")


def test_one_update_with_values_is_not_yet_a_burn(tmp_path: Path) -> None:
    site = burn_site(tmp_path, "  - {date: 2026-01-19, note: a, spent: 9000}\n"
                               "  - {date: 2026-02-02, note: words only}\n")
    assert burn_chart(site, "cache", LOOK) is None


def test_the_portfolio_chart_has_a_bubble_per_project_with_both_indices(demo: Path) -> None:
    site = load(demo)
    spec = portfolio_chart(site, "2026-Q2", LOOK)
    assert spec is not None and isinstance(spec.data, BubblesData)
    bubbles = [(b.label.text if b.label else "", b.lane, b.marker, round(b.x, 2), round(b.y, 2))
               for b in spec.data.bubbles]
    assert bubbles[0] == ("Self-serve dashboard builder", "review", "^", 0.71, 0.97)  # largest budget first
    assert ("Columnar cache for aggregate dashboard…", "review", "^", 0.5, 0.43) in bubbles
    assert spec.data.bubbles[0].radius > spec.data.bubbles[-1].radius
    assert "Review: Self-serve dashboard builder (SPI 0.71, CPI 0.97); Columnar cache for aggregate dashboard " \
           "queries (SPI 0.50, CPI 0.43)." in spec.alt
    assert "4 more without both figures" in spec.alt
    # what is drawn of all the period's projects adds up: 4 drawn, 4 without both figures, 1 finished
    assert spec.caption.startswith("Each bubble is a running project of Q2 2026 with both figures (5 of its 10 projects)")
    assert spec.alt.endswith("1 finished project has no lane and is not drawn.") and len(bubbles) == 5
    assert ("Brand refresh for the website and product", "Halt?", "–", "–", "not drawn") in spec.tables[0].rows


def test_a_caption_slides_the_least_along_its_edges_to_uncover_a_point() -> None:
    """labels.slide: the nearest free offset along the directions given, within the region."""
    frame = (0.0, 0.0, 300.0, 200.0)
    caption = (4.0, 4.0, 104.0, 14.0)  # a caption in the bottom-left corner
    assert slide(caption, frame, [(200, 100, 220, 120)], ((1, 0), (0, 1))) == (0, 0)  # nothing in its way
    assert slide(caption, frame, [(0, 0, 30, 30)], ((1, 0), (0, 1))) == (28, 0)  # right of the point
    assert slide(caption, frame, [(0, 0, 30, 12), (110, 0, 300, 14)], ((1, 0), (0, 1))) == (0, 8)  # above it
    assert slide(caption, frame, [(0, 0, 300, 200)], ((1, 0), (0, 1))) == (0, 0)  # no room: it stays


def test_labels_never_cover_each_other_or_another_point() -> None:
    # five points in a tight cluster in a 400 × 300 frame: each label goes where it fits, or nowhere
    points = [(100, 100, 10), (125, 100, 8), (100, 125, 6), (130, 130, 12), (395, 295, 4)]
    sizes = [(60, 12)] * len(points)
    places = place_labels(points, sizes, (0, 0, 400, 300), obstacles=[(0, 0, 40, 40)])
    boxes = []
    for (x, y, ha, va), (w, h) in ((p, s) for p, s in zip(places, sizes) if p is not None):
        left = x if ha == "left" else x - w if ha == "right" else x - w / 2
        bottom = y if va == "bottom" else y - h if va == "top" else y - h / 2
        boxes.append((left, bottom, left + w, bottom + h))
    assert len(boxes) >= 4
    for i, box in enumerate(boxes):
        assert 0 <= box[0] and box[2] <= 400 and 0 <= box[1] and box[3] <= 300
        assert not overlaps(box, (0, 0, 40, 40))
        assert not any(overlaps(box, other) for other in boxes[i + 1:])
        assert not any(overlaps(box, (x - r, y - r, x + r, y + r)) for x, y, r in points)


def test_spread_keeps_labels_apart_in_their_order() -> None:
    assert spread([50, 51, 90], 10, 0, 100) == [50, 60, 90]
    assert spread([98, 99], 10, 0, 100) == [85, 95]  # pushed down from the top
    assert spread([5, 1], 10, 0, 100) == [15, 5]  # the order of the values is kept


def test_drawn_portfolio_labels_do_not_collide(tmp_path: Path) -> None:
    """Draw a crowded portfolio with matplotlib and measure the labels as placed."""
    from okrsite.site.charts import draw
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n")
    write(root, "content/objectives/grow.md", GROW.replace("current: 5", "current: 2"))
    for i in range(30):
        write(root, f"content/projects/p{i}.md",
              f"---\ntitle: Project number {i} with a long name\nstart: 2026-01-01\ndue: 2026-03-31\n"
              f"key_results: [grow/views]\nprogress: {0.4 + i * 0.005:.3f}\n"
              f"budget: {{planned: {10000 + i * 500}, spent: {4000 + i * 40}}}\n---\n")
    site = load(root)
    spec = portfolio_chart(site, "2026-Q1", LOOK)
    assert spec is not None
    assert draw.draw(spec).startswith(b"<?xml")
    template = draw._templates[("bubbles", LOOK.layout)]
    renderer = draw.measuring()
    labels = [t for t in template._texts["point-label"] if t.get_visible()]
    assert 0 < len(labels) < 30  # a crowd: some are labelled, the table names every one
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, box in enumerate(boxes):
        assert not any(box.overlaps(other) for other in boxes[i + 1:])


def edge_projects(root: Path, *more: str) -> Site:
    """A site whose projects sit at SPI 0 and CPI 0 ("Nothing done yet", and `more` with the same
    figures), at the top-right edge (SPI 3.5 and CPI 90) and on plan."""
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\n")
    write(root, "content/objectives/grow.md", GROW)
    for name, progress, spent in (("Nothing done yet", 0, 6000), ("Ahead and cheap", 0.9, 100),
                                  ("On plan", 0.2, 1500), *((name, 0, 6000) for name in more)):
        write(root, f"content/projects/{name.lower().replace(' ', '-')}.md",
              f"---\ntitle: {name}\nstart: 2026-01-01\ndue: 2026-06-30\nkey_results: [grow/views]\n"
              f"progress: {progress}\nbudget: {{planned: 10000, spent: {spent}}}\n---\n")
    return load(root)


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.suffix or "wide")
def test_a_bubble_at_an_index_of_zero_or_at_the_edge_is_drawn_whole_and_labelled(tmp_path: Path, layout) -> None:
    """A project that spent money and has done nothing yet (SPI 0, CPI 0) is the one to see first:
    centred on the plot's corner, three quarters of its bubble were cut off and no label found room.
    So is one whose index is drawn at the edge (above AXIS_MAX)."""
    from okrsite.site.charts import draw
    spec = portfolio_chart(edge_projects(tmp_path / "site"), "2026-Q1", replace(LOOK, layout=layout))
    assert spec is not None and isinstance(spec.data, BubblesData)
    assert {(b.label.text if b.label else "", b.x, b.y) for b in spec.data.bubbles} >= {
        ("Nothing done yet", 0.0, 0.0), ("Ahead and cheap", 2.0, 2.0)}  # SPI 3.5 and CPI 90: at the edge
    draw.draw(spec)
    chart = draw._template("bubbles", layout)
    renderer = draw.measuring()
    plot = chart.ax.get_window_extent(renderer)
    for bubble in chart.bubbles:
        box = bubble.get_window_extent(renderer)
        assert plot.x0 <= box.x0 and box.x1 <= plot.x1 and plot.y0 <= box.y0 and box.y1 <= plot.y1, box
    labelled = {t.get_text() for t in chart._texts["point-label"] if t.get_visible()}
    assert {"Nothing done yet", "Ahead and cheap"} <= labelled
    ticks = {t.get_text(): t.get_position() for t in chart._texts["x"] if t.get_visible()}
    assert ticks["0"][0] == 0 and ticks["1.5"][0] == 1.5  # the scale is the indices', with room beside it


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.suffix or "wide")
def test_corner_captions_and_labels_leave_bubbles_in_the_corners_uncovered(tmp_path: Path, layout) -> None:
    """The captions "ahead of schedule, under budget" and "behind schedule, over budget" were drawn
    over the bubbles at SPI 0, CPI 0 and at the top-right edge. And three projects with the same
    figures got one label, or none, by chance: now the first is labelled for all of them."""
    from okrsite.site.charts import draw
    spec = portfolio_chart(edge_projects(tmp_path / "site", "Also nothing yet", "Third with nothing"),
                           "2026-Q1", replace(LOOK, layout=layout))
    assert spec is not None and isinstance(spec.data, BubblesData)
    draw.draw(spec)
    chart = draw._template("bubbles", layout)
    renderer = draw.measuring()
    bubbles = [b.get_window_extent(renderer) for b in chart.bubbles if b.get_visible()]
    labels = [t for t in chart._texts["point-label"] if t.get_visible()]
    texts = [t.get_window_extent(renderer) for t in (*chart.notes, *labels)]
    assert len(bubbles) == 5 and len(texts) == 2 + 3
    def covers(text, bubble) -> bool:  # the text's box reaches into the bubble's circle
        x, y = min(max(bubble.x0 + bubble.width / 2, text.x0), text.x1), min(max(bubble.y0 + bubble.height / 2, text.y0), text.y1)
        return math.dist((x, y), (bubble.x0 + bubble.width / 2, bubble.y0 + bubble.height / 2)) < bubble.width / 2 - 1

    for text in texts:
        assert not any(covers(text, bubble) for bubble in bubbles), text
        assert sum(text.overlaps(other) for other in texts) == 1, text  # itself only
    assert {t.get_text() for t in labels} == {"Also nothing yet +2", "Ahead and cheap", "On plan"}
    table = {row[0]: row[2:4] for row in spec.tables[0].rows}
    assert table["Nothing done yet"] == table["Also nothing yet"] == table["Third with nothing"] == ("0.00", "0.00")


# ---------- lists ----------

def test_the_projects_list_compares_progress_budget_and_lane(demo: Path) -> None:
    page = text_of(demo / "output/projects/index.html")
    assert "Project and team Status Lane Done Budget spent Due Flags" in page
    assert re.search(r"Self-serve dashboard builder Product · Lena Fischer ● Active ▲ Review "
                     r"50% \(time elapsed 71%\) 52% of plan 31,000 of 60,000 USD 24 Jun 2026 ◔ Behind schedule", page)
    # bars on one scale: work done and budget spent are both shares of the plan, 100 % the whole bar
    html_text = (demo / "output/projects/index.html").read_text()
    assert 'aria-label="Budget spent: 46,500 USD of 40,000 USD (116%)"' in html_text


def test_the_dashboard_figure_leaves_out_finished_projects_of_past_periods(demo: Path) -> None:
    page = text_of(demo / "output/index.html")
    # the webinar series (done in Q1, over budget) is last quarter's news; the blog push is still open
    assert "2 projects late or over budget" in page
    attention = page[page.index("Late and over-budget projects"):page.index("Projects that support no OKR")]
    assert "Publish 10 new blog posts" in attention and "Customer webinar series" not in attention


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.suffix or "wide")
def test_each_lane_in_the_bubble_chart_s_legend_stands_clear_of_its_marker(demo: Path, layout) -> None:
    """The legend's words began 2 px after their markers ("■Halt? ▲Review"): read as touching, on a
    phone and on paper most of all."""
    from okrsite.site.charts import draw

    spec = portfolio_chart(load(demo), "2026-Q2", replace(LOOK, layout=layout))
    assert spec is not None
    draw.draw(spec)
    chart = draw._template("bubbles", layout)
    renderer = draw.measuring()
    words = [text for text in chart._texts["legend"] if text.get_visible()]
    assert [text.get_text() for text in words] == ["Halt?", "Review", "Push", "Keep"]
    for key, word in zip(chart.keys, words):
        clear = word.get_window_extent(renderer).x0 - key.get_window_extent(renderer).x1
        assert clear * 96 / chart.fig.dpi >= 4, (word.get_text(), clear)


@pytest.mark.parametrize("code", ["de", "es", "nb", "en"])
@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.suffix or "wide")
def test_the_bubble_chart_s_legend_and_axis_titles_stay_inside_it_in_any_language(demo: Path, code: str,
                                                                                  layout) -> None:
    """On a phone the German legend ended "Beibeh", the x axis's title "… geplante Arbe", and the y
    axis's title ran up into the legend (Spanish and Norwegian too): a legend or title wider than
    the chart goes on over a second line, and the plot gives up the room."""
    from okrsite.site.charts import draw
    from okrsite.site.formatting import in_language
    from okrsite.site.language import load_language, speaking
    from okrsite.site.themes import theme_dirs

    model = load(demo)
    with speaking(load_language(code, theme_dirs(model.config.theme_dir))):
        spec = portfolio_chart(in_language(model), "2026-Q2", replace(LOOK, layout=layout))
        assert spec is not None
        draw.draw(spec)
    chart = draw._template("bubbles", layout)
    renderer = draw.measuring()
    figure = chart.fig.bbox
    words = [text for text in chart._texts["legend"] if text.get_visible()]
    boxes = [text.get_window_extent(renderer) for text in (*words, chart.x_label, chart.y_label)]
    for text, box in zip((*words, chart.x_label, chart.y_label), boxes):
        assert figure.x0 - 0.5 <= box.x0 and box.x1 <= figure.x1 + 0.5, (code, text.get_text())
        assert figure.y0 - 0.5 <= box.y0 and box.y1 <= figure.y1 + 0.5, (code, text.get_text())
    assert not any(boxes[-1].overlaps(box) for box in boxes[:len(words)]), code  # the y title below the legend
