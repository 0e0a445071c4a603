"""The attention page, read as an owner reads it: what each owner owes (then each team, for what
nobody owns), the oldest first, each item linked; and the dashboard tile that counts them.

The site is reported as of 2026-02-15: 2026-Q1 is running (46 days in), 2025-Q4 has ended.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from okrsite.build.builder import BuildOptions, build
from tests.conftest import write
from tests.gitrepo import commit, init

OBJECTIVES = {
    # Ana's: a KR never updated, and one whose confidence fell; Ben owns the second KR himself.
    "grow": """\
---
title: Grow the audience
period: 2026-Q1
owner: Ana
team: marketing
key_results:
  - id: views
    title: Reach 200 views
    start: 100
    target: 200
  - id: leads
    title: Win 50 leads
    owner: Ben
    start: 0
    target: 50
    checkins:
      - {date: 2026-01-20, value: 10, confidence: 0.9}
      - {date: 2026-02-12, value: 20, confidence: 0.6}
---
""",
    # Ana's too: updated 20 days ago, so stale, but more recently than `views` was (never).
    "seo": """\
---
title: Be found
period: 2026-Q1
owner: [Ana, Cleo]
key_results:
  - id: rank
    title: Rank on page one
    start: 0
    target: 10
    checkins: [{date: 2026-01-26, value: 4}]
---
""",
    "idea": "---\ntitle: A bold idea\nperiod: 2026-Q1\n---\n",  # a draft nobody owns, in no team
    "old-idea": "---\ntitle: Last quarter's idea\nperiod: 2025-Q4\nowner: Ana\n---\n",  # ended: owed no more
}
PROJECTS = {
    "late": "---\ntitle: Late launch\nowner: Sam\nstatus: active\ndue: 2026-01-31\nkey_results: [grow]\n---\n",
    "ops-move": "---\ntitle: Move the servers\nteam: Operations\nstatus: on-hold\ndue: 2026-02-10\n"
                "key_results: [seo]\n---\n",
    "shipped": "---\ntitle: Shipped\nowner: Sam\nstatus: done\ndue: 2026-01-31\nkey_results: [grow]\n---\n",
}


def make_site(root: Path, config: str = "") -> Path:
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\ncharts: {enabled: false}\n" + config)
    for name, text in OBJECTIVES.items():
        write(root, f"content/objectives/{name}.md", text)
    for name, text in PROJECTS.items():
        write(root, f"content/projects/{name}.md", text)
    return root


def groups(page: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each group's heading and its items as (link target, the item's text)."""
    found = []
    for section in re.findall(r'<section class="section" id="[a-z]+-\d+".*?</section>', page, re.S):
        heading = re.search(r"<h2[^>]*>(.*?)</h2>", section, re.S).group(1)
        items = [(re.search(r'href="([^"]+)"', item).group(1), text(item))
                 for item in re.findall(r'<li class="item">(.*?)</li>', section, re.S)]
        found.append((text(heading), items))
    return found


def text(fragment: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", fragment).split()))


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "site")
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    return root / "output"


def test_items_are_grouped_by_owner_then_team_the_oldest_first_each_linked(built: Path) -> None:
    page = (built / "attention/index.html").read_text()
    assert groups(page) == [
        ("Ana 2", [
            ("../objectives/grow/#kr-views", "Reach 200 views · Grow the audience ◷ Never updated 45 days since the "
                                             "period started"),
            ("../objectives/seo/#kr-rank", "Rank on page one · Be found ◷ No update for 20 days last on 26 Jan 2026")]),
        ("Ben 1", [
            ("../objectives/grow/#kr-leads", "Win 50 leads · Grow the audience ↘ Confidence drop 90% → 60% on "
                                             "12 Feb 2026 3 days ago")]),
        ("Cleo 1", [
            ("../objectives/seo/#kr-rank", "Rank on page one · Be found ◷ No update for 20 days last on 26 Jan 2026")]),
        ("Sam 1", [
            ("../projects/late/", "Late launch ⚑ Late due 31 Jan 2026, 15 days ago ● Active")]),
        ("Operations · no owner 1", [
            ("../projects/ops-move/", "Move the servers ⚑ Late due 10 Feb 2026, 5 days ago ❚❚ On hold")]),
        ("No owner or team 1", [
            ("../objectives/idea/", "A bold idea · Q1 2026 ◌ Draft No key results yet")])]


def test_the_page_counts_each_kind_and_jumps_to_each_owner(built: Path) -> None:
    page = (built / "attention/index.html").read_text()
    tiles = [text(tile) for tile in re.findall(r'<div class="stat stat--kind[^"]*">(.*?)</div>', page, re.S)]
    assert tiles == ["2 stale key results", "2 late projects", "0 eased targets", "1 confidence drop",
                     "1 draft objective"]
    assert "6 items · by owner" in text(page)  # the KR of two owners counts once, and the page says why
    assert "the oldest first · an item with several owners or teams is listed under each" in text(page)
    jump = re.search(r'<nav class="section" aria-label="Owners and teams">(.*?)</nav>', page, re.S).group(1)
    assert re.findall(r'href="#([a-z]+-\d+)"', jump) == ["owner-1", "owner-2", "owner-3", "owner-4", "team-5",
                                                          "none-6"]


def test_a_page_where_each_item_is_listed_once_does_not_say_it_lists_any_twice(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    write(root, "content/objectives/seo.md", OBJECTIVES["seo"].replace("owner: [Ana, Cleo]", "owner: Ana"))
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    page = text((root / "output/attention/index.html").read_text())
    assert "6 items · by owner" in page and "listed under each" not in page


def test_the_dashboard_counts_the_items_and_links_to_the_page(built: Path) -> None:
    page = (built / "index.html").read_text()
    tile = re.search(r'<a class="stat stat--link stat--warn" href="attention/">(.*?)</a>', page, re.S)
    assert tile and text(tile.group(1)) == "6 items needing attention"
    nav = re.search(r'<nav class="site-nav".*?</nav>', page, re.S).group(0)
    assert 'href="attention/"' in nav


def test_a_rule_switched_off_is_neither_listed_nor_counted(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", "checks:\n  stale-kr: off\n  draft-objective: off\n")
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    page = (root / "output/attention/index.html").read_text()
    assert [heading for heading, _ in groups(page)] == ["Ben 1", "Sam 1", "Operations · no owner 1"]
    tiles = [text(tile) for tile in re.findall(r'<div class="stat stat--kind[^"]*">(.*?)</div>', page, re.S)]
    assert tiles == ["2 late projects", "0 eased targets", "1 confidence drop"]


def test_with_nothing_owed_the_page_says_so(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\ncharts: {enabled: false}\n")
    write(root, "content/objectives/grow.md", OBJECTIVES["seo"].replace("2026-01-26", "2026-02-10"))
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    page = (root / "output/attention/index.html").read_text()
    assert groups(page) == [] and "Nothing needs attention" in page
    assert "0 items needing attention" in text((root / "output/index.html").read_text())


@pytest.mark.usefixtures("isolated_git")
def test_an_eased_target_is_listed_with_its_values_and_date(tmp_path: Path) -> None:
    root = init(tmp_path / "repo")
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\ncharts: {enabled: false}\n")
    write(root, ".gitignore", "/output/\n/.okrsite-cache/\n")
    seo = OBJECTIVES["seo"].replace("2026-01-26", "2026-02-10")
    write(root, "content/objectives/seo.md", seo)
    commit(root, "OKRs", "2025-12-20")
    write(root, "content/objectives/seo.md", seo.replace("target: 10", "target: 8"))
    commit(root, "Ease", "2026-02-01")
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    page = (root / "output/attention/index.html").read_text()
    assert groups(page) == [(heading, [("../objectives/seo/#kr-rank", "Rank on page one · Be found ⚠ Target eased "
                                        "10 → 8 on 1 Feb 2026 14 days ago")]) for heading in ("Ana 1", "Cleo 1")]


def test_with_many_owners_the_jump_list_is_folded_away(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "okrsite.yaml", "title: T\nas_of: 2026-02-15\ncharts: {enabled: false}\n")
    write(root, "content/objectives/grow.md", OBJECTIVES["seo"].replace("2026-01-26", "2026-02-10"))
    for n in range(13):
        write(root, f"content/projects/p{n}.md", f"---\ntitle: P{n}\nowner: Owner {n:02}\nstatus: active\n"
                                                 "due: 2026-02-01\nkey_results: [grow]\n---\n")
    build(BuildOptions(root / "okrsite.yaml", jobs=1))
    page = (root / "output/attention/index.html").read_text()
    jump = re.search(r'<nav class="section" aria-label="Owners and teams">(.*?)</nav>', page, re.S).group(1)
    assert '<details class="group group--jump"><summary>Jump to one of 13 owners and teams</summary>' in jump
    assert len(re.findall(r'href="#owner-\d+"', jump)) == 13
