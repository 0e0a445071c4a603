"""The changes page (`changes/`) and the Atom feed: the site's news week by week, newest first
(check-ins, updates read from git, target changes, project updates), each linked to its page,
with who and when; bounded on big sites; the feed's entries stable across builds."""

from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from okrsite.build.builder import BuildOptions, build
from okrsite.site import changes
from tests.browser import browser, requires_browser  # noqa: F401 - fixtures
from tests.conftest import write
from tests.gitrepo import commit, init
from tests.test_accessibility import VIEWPORTS, axe_problems, with_axe
from tests.test_report_pages import text_of
from tests.test_valid_html import missing_checker, nu_errors

pytestmark = pytest.mark.usefixtures("isolated_git")

ATOM = {"a": "http://www.w3.org/2005/Atom"}

OBJECTIVE = """---
title: Grow the blog
period: 2026-Q1
owner: Dana
key_results:
  - id: views
    title: Views from 100 to 200
    start: 100
    target: {target}
    current: {current}
  - id: signups
    title: Newsletter signups
    owner: Sam
    start: 0
    target: 50
    checkins:
      - {{date: 2026-02-09, value: 12, confidence: 0.6, note: First *campaign*}}
      - {{date: 2026-03-02, value: 20}}
---
"""

PROJECT = """---
title: Landing pages
owner: Lee
key_results: [grow/views]
updates:
  - {date: 2026-01-14, note: Kick-off}
  - {date: 2026-02-11, note: Two pages live}
---
"""


def site(root: Path, config: str = "") -> Path:
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\nsite_url: https://okrs.example/\n" + config)
    write(root, ".gitignore", "/output/\n/.okrsite-cache/\n")
    write(root, "content/projects/landing-pages.md", PROJECT)
    return root


def commit_objective(root: Path, date: str, current: int, target: int, author: str) -> str:
    write(root, "content/objectives/grow.md", OBJECTIVE.format(current=current, target=target))
    return commit(root, f"Grow {date}", date, author)[:7]


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, list[str]]:
    """A site in git: the views KR moves by commits (its target eased on 2 Feb), the signups KR
    has check-ins (one after as_of), the project has updates."""
    root = site(init(tmp_path / "repo"))
    ids = [commit_objective(root, "2026-01-05", 100, 200, "Ana"), commit_objective(root, "2026-02-02", 130, 180, "Ben"),
           commit_objective(root, "2026-02-12", 150, 180, "Ana")]
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    return root, ids


def headings(page: Path) -> list[str]:
    """The weeks' headings, without their counts."""
    return [" ".join(h.split()[:5]) for h in text_of(page, "section").found]


def items(page: Path) -> list[str]:
    return text_of(page, "activity__item").found


def test_the_news_come_week_by_week_newest_first_with_who_and_when(repo: tuple[Path, list[str]]) -> None:
    root, ids = repo
    page = root / "output/changes/index.html"
    assert headings(page) == [
        "Week of 9 Feb 2026", "Week of 2 Feb 2026", "Week of 12 Jan 2026", "Week of 5 Jan 2026"]
    assert items(page) == [  # the check-in of 2 March is after as_of: not yet known
        f"12 Feb Update from git Views from 100 to 200 150 Ana · commit {ids[2]} · Objective: Grow the blog",
        "11 Feb Project update Landing pages Two pages live Lee",
        "9 Feb Check-in Newsletter signups 12 confidence 60% First campaign Sam · Objective: Grow the blog",
        f"2 Feb Update from git Views from 100 to 200 130 Ben · commit {ids[1]} · Objective: Grow the blog",
        f"2 Feb Target changed Views from 100 to 200 200 → 180 ⚠ Eased Ben · commit {ids[1]} · Objective: Grow the blog",
        "14 Jan Project update Landing pages Kick-off Lee",
        f"5 Jan Key result added Views from 100 to 200 100 Ana · commit {ids[0]} · Objective: Grow the blog",
    ]
    html = page.read_text(encoding="utf-8")
    assert html.count('href="../objectives/grow/#kr-views"') == 4 and 'href="../projects/landing-pages/"' in html
    assert "<em>campaign</em>" in html  # notes are Markdown, inline


def test_the_page_is_in_the_navigation_of_every_page(repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    assert '<a href="changes/">Changes</a>' in (root / "output/index.html").read_text(encoding="utf-8")
    assert '<a href="../changes/" aria-current="page">Changes</a>' in (root / "output/changes/index.html").read_text()


def test_a_sunday_belongs_to_the_week_of_the_monday_before(tmp_path: Path) -> None:
    root = site(tmp_path / "plain")
    write(root, "content/objectives/grow.md", OBJECTIVE.replace("2026-02-09", "2026-02-08").format(current=1, target=2))
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    page = root / "output/changes/index.html"
    assert [week.split(" Lee")[0] for week in text_of(page, "section").found] == [
        "Week of 9 Feb 2026 1 11 Feb Project update Landing pages Two pages live",
        "Week of 2 Feb 2026 1 8 Feb Check-in Newsletter signups 12 confidence 60% First campaign Sam · Objective: Grow the blog",
        "Week of 12 Jan 2026 1 14 Jan Project update Landing pages Kick-off"]


def test_the_page_shows_the_last_weeks_and_of_each_the_newest_news_and_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-03-31\n")
    mondays = [dt.date(2026, 1, 5) + dt.timedelta(weeks=n) for n in range(13)]  # 5 Jan to 30 Mar
    weekly = "\n".join(f"      - {{date: {day}, value: {n}}}" for n, day in enumerate([*mondays, *mondays[-1:] * 2]))
    write(root, "content/objectives/grow.md", f"---\ntitle: Grow\nperiod: 2026-Q1\nkey_results:\n  - title: Views\n"
                                              f"    start: 0\n    target: 100\n    checkins:\n{weekly}\n---\n")
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    page = root / "output/changes/index.html"
    text = text_of(page).text
    assert "in the last 8 weeks, 9 Feb 2026 to 31 Mar 2026" in text
    assert len(headings(page)) == 8 and headings(page)[-1] == "Week of 9 Feb 2026" and len(items(page)) == 10
    assert "are shown" not in text
    monkeypatch.setattr(changes, "PER_WEEK", 2)
    build(BuildOptions(root / "okrsite.yaml", output=root / "capped", jobs=1))
    page = root / "capped/changes/index.html"
    assert text_of(page, "section").found[0] == (
        "Week of 30 Mar 2026 2 30 Mar Check-in Views 14 Objective: Grow 30 Mar Check-in Views 13 Objective: Grow "
        "Every target change and dropped key result and the newest 2 other changes of this week are shown; 1 older "
        "one is on the pages of its key result or project.")
    assert len(headings(page)) == 8 and len(items(page)) == 9


def test_target_changes_are_never_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = site(init(tmp_path / "repo"))
    commit_objective(root, "2026-02-09", 120, 200, "Ana")
    commit_objective(root, "2026-02-10", 130, 190, "Ana")
    monkeypatch.setattr(changes, "PER_WEEK", 1)
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    week = text_of(root / "output/changes/index.html", "section").found[0]
    assert week.startswith("Week of 9 Feb 2026 2 11 Feb Project update Landing pages Two pages live Lee 10 Feb Target "
                           "changed Views from 100 to 200 200 → 190 ⚠ Eased Ana")
    assert week.endswith("Every target change and dropped key result and the newest 1 other change of this week are "
                         "shown; 3 older ones are on the pages of their key results and projects.")  # two from git, a check-in


def test_a_quiet_site_says_nothing_changed(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-06-30\n")
    write(root, "content/objectives/grow.md", OBJECTIVE.format(current=1, target=2))
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    assert "Nothing changed in the last 8 weeks." in text_of(root / "output/changes/index.html").text


def test_a_dropped_key_result_is_news_with_its_reason(tmp_path: Path) -> None:
    """A KR dropped on a date leaves every number from then: the changes page and the feed left it out."""
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\ncharts: {enabled: false}\n")
    write(root, "content/objectives/grow.md", OBJECTIVE.format(current=1, target=2).replace(
        "    owner: Sam\n", "    owner: Sam\n    dropped: {reason: Newsletter paused, date: 2026-02-10}\n"))
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    items = text_of(root / "output/changes/index.html", "activity__item").found
    assert any(item.startswith("10 Feb Key result dropped Newsletter signups Newsletter paused Sam") for item in items)
    assert "Key result dropped: Newsletter signups" in [e["title"] for e in feed(root)]


def test_a_project_updates_totals_are_news_too(tmp_path: Path) -> None:
    """An update's `spent`, `hours` and `progress` were on its project's page only: the changes page
    and the feed gave its note alone."""
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\ncharts: {enabled: false}\n")
    write(root, "content/objectives/grow.md", OBJECTIVE.format(current=1, target=2))
    write(root, "content/projects/landing.md", "---\ntitle: Landing pages\nkey_results: [grow]\n"
          "budget: {planned: 10000, currency: EUR}\nupdates:\n"
          "  - {date: 2026-02-11, note: Two pages live, spent: 8100, hours: 40, progress: 0.6}\n---\n")
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    figures = "spent 8,100 EUR · 40 h worked · 60% of the work done"
    assert f"Two pages live {figures}" in text_of(root / "output/changes/index.html").text
    summaries = [e.findtext("a:summary", namespaces=ATOM)
                 for e in ET.parse(root / "output/feed.xml").getroot().findall("a:entry", ATOM)]
    assert f"Two pages live · {figures}" in summaries
    assert figures in text_of(root / "output/projects/landing/index.html").text  # as its page says them


def feed(root: Path) -> list[dict[str, str]]:
    entries = ET.parse(root / "output/feed.xml").getroot().findall("a:entry", ATOM)
    return [{"title": e.findtext("a:title", namespaces=ATOM), "id": e.findtext("a:id", namespaces=ATOM),
             "link": e.find("a:link", ATOM).get("href"), "author": e.findtext("a:author/a:name", namespaces=ATOM),
             "updated": e.findtext("a:updated", namespaces=ATOM), "category": e.find("a:category", ATOM).get("term")}
            for e in entries]


def test_the_feed_carries_the_same_news_one_entry_each(repo: tuple[Path, list[str]]) -> None:
    root, ids = repo
    entries = feed(root)
    assert [(e["title"], e["author"], e["updated"][:10]) for e in entries] == [
        ("Update from git: Views from 100 to 200: 150", "Ana", "2026-02-12"),
        ("Project update: Landing pages", "Lee", "2026-02-11"),
        ("Check-in: Newsletter signups: 12", "Sam", "2026-02-09"),
        ("Update from git: Views from 100 to 200: 130", "Ben", "2026-02-02"),
        ("Target changed: Views from 100 to 200: 200 → 180 (eased)", "Ben", "2026-02-02"),
        ("Project update: Landing pages", "Lee", "2026-01-14"),
        ("Key result added: Views from 100 to 200: 100", "Ana", "2026-01-05"),
    ]
    assert entries[0]["link"] == "https://okrs.example/objectives/grow/#kr-views"
    assert entries[0]["id"] == f"https://okrs.example/#git/grow/views/2026-02-12/{ids[2]}"
    assert entries[4]["id"] == f"https://okrs.example/#target/grow/views/target/{ids[1]}"
    assert entries[6]["id"] == f"https://okrs.example/#git/grow/views/2026-01-05/{ids[0]}"  # as when it was an update
    assert [e["category"] for e in entries] == ["git", "update", "checkin", "git", "target", "update", "added"]
    assert len({e["id"] for e in entries}) == len(entries)


def test_feed_entries_keep_their_ids_when_news_arrive_and_rebuilds_are_byte_identical(
        repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    before = (root / "output/feed.xml").read_bytes()
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    assert (root / "output/feed.xml").read_bytes() == before
    old = {e["title"] + e["updated"]: e["id"] for e in feed(root)}
    text = (root / "content/objectives/grow.md").read_text()
    write(root, "content/objectives/grow.md", text.replace(
        "      - {date: 2026-03-02", "      - {date: 2026-02-09, value: 13}\n      - {date: 2026-02-14, value: 14}\n"
                                     "      - {date: 2026-03-02"))
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    new = feed(root)
    assert new[0]["title"] == "Check-in: Newsletter signups: 14"
    assert {e["title"] + e["updated"]: e["id"] for e in new if e["title"] + e["updated"] in old} == old


@requires_browser
def test_every_kind_of_news_is_valid_html_and_accessible(repo: tuple[Path, list[str]], browser, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo is not in git: here the markup of updates from git, eased targets and a week cut
    short goes through the checks every demo page goes through (tests/test_valid_html.py,
    tests/test_accessibility.py)."""
    root, _ = repo
    monkeypatch.setattr(changes, "PER_WEEK", 1)
    build(BuildOptions(root / "okrsite.yaml", output=tmp_path / "out", jobs=1))
    page = tmp_path / "out/changes/index.html"
    assert "Eased" in page.read_text() and "older ones are on the pages" in page.read_text()
    if missing_checker() is None or os.environ.get("CI") == "true":
        assert nu_errors(page.parent) == []
    problems = []
    for size, scheme in [("desktop", "light"), ("phone", "dark")]:
        context = with_axe(browser, viewport=VIEWPORTS[size], color_scheme=scheme)
        try:
            problems += axe_problems(context.new_page(), page.as_uri())
        finally:
            context.close()
    assert problems == []


@pytest.mark.parametrize("per_week", [1, 7])
def test_each_week_shows_its_target_changes_and_its_newest_other_news(reference_company: Path, per_week: int) -> None:
    """Only the news a week shows are made (a large site has thousands in the span): what it shows
    is what the whole list of the week, cut, shows."""
    from okrsite.build.builder import Builder
    from okrsite.diagnostics import Diagnostics

    site = Builder(BuildOptions(reference_company.parent / "okrsite.yaml")).load(Diagnostics())
    whole = changes.weekly(site, per_week=10**6)
    cut = changes.weekly(site, per_week=per_week)
    assert [week.start for week in cut.weeks] == [week.start for week in whole.weeks] and whole.weeks
    for all_of_it, shown in zip(whole.weeks, cut.weeks):
        others = [item for item in all_of_it.items if item.kind != "target"]
        assert shown.items == tuple(item for item in all_of_it.items
                                    if item.kind == "target" or item in others[:per_week])
        assert shown.left_out == max(0, len(others) - per_week)
    assert any(week.left_out for week in cut.weeks) and "checkin" in {item.kind for item in cut.items}
