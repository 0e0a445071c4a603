"""`okrsite diff BASE [HEAD]` on real repositories: what a reviewer reads, in Markdown and JSON."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from okrsite.build import builder
from okrsite.commands.cli import main
from okrsite.content.source import parse_markdown_document
from tests.conftest import write
from tests.gitrepo import commit, git, init

pytestmark = pytest.mark.usefixtures("isolated_git")

CONFIG = "title: T\nas_of: 2026-02-15\n"

SEO = """
---
title: Improve SEO | search
period: 2026-Q1
key_results:
  - id: views
    title: Page views <2500>
    start: 1200
    target: 2500
    unit: views
    checkins:
      - {date: 2026-01-20, value: 1380, confidence: 0.8}
      - {date: 2026-02-10, value: 1720, confidence: 0.7}
  - id: bounce
    title: Bounce rate
    start: 10
    target: 4
    unit: "%"
    current: 7
  - id: launch
    title: Launch the blog
    type: boolean
  - id: old
    title: Retired metric
    start: 0
    target: 1
---
"""

SALES = """
---
title: Sell more
period: 2026-Q1
key_results:
  - {id: deals, title: Deals, start: 0, target: 10, current: 5}
---
"""

PROJECT = """
---
title: Blog push
status: active
start: 2026-01-05
due: 2026-03-31
key_results: [seo/views]
budget: {planned: 12000, spent: 4500, currency: USD}
hours: {planned: 160, actual: 70}
---
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init(tmp_path / "repo")
    write(root, ".gitignore", "/.okrsite-cache/\n/output/\n")
    write(root, "okrsite.yaml", CONFIG)
    write(root, "content/objectives/seo.md", SEO)
    write(root, "content/objectives/sales.md", SALES)
    write(root, "content/projects/blog-push.md", PROJECT)
    commit(root, "Q1 OKRs", "2026-01-05")
    return root


def diff(root: Path, *args: str) -> int:
    return main(["diff", *args, "--config", str(root / "okrsite.yaml")])


def edit(root: Path, rel: str, *replacements: tuple[str, str]) -> None:
    path = root / rel
    text = path.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text)


def test_a_move_to_another_period_a_new_title_and_an_ended_periods_state_are_said(repo: Path, capsys) -> None:
    """A diff of numbers alone showed an objective moved to Q2 as a status change with no reason and
    a retitled key result not at all; a KR of an ended quarter read "Off track" (the site says
    "Not done"); a title's '*' made the rest of its row italic."""
    edit(repo, "okrsite.yaml", ("as_of: 2026-02-15", "as_of: 2026-04-15"))  # Q1 has ended
    commit(repo, "Q1 ended", "2026-04-15")
    edit(repo, "content/objectives/sales.md", ("period: 2026-Q1", "period: 2026-Q2"),
         ("current: 5}", "current: 5, title: Deals *closed*}"), ("title: Deals,", ""))
    edit(repo, "content/objectives/seo.md", ("    current: 7\n", "    current: 6\n"))
    assert diff(repo, "HEAD") == 0
    out = capsys.readouterr().out
    assert "| moved (from 2026-Q1) | Sell more (`sales`) | 2026-Q2 | – |" in out
    assert "| retitled (was “Deals”) | Deals \\*closed\\* (`sales/deals`) |" in out
    assert "| Bounce rate (`seo/bounce`) | 7% | 6% | 50% → 67% (+17 points) | Not done |" in out


def test_a_review_of_the_work_tree_names_every_kind_of_change(repo: Path, capsys) -> None:
    edit(repo, "content/objectives/seo.md",
         ("      - {date: 2026-02-10, value: 1720, confidence: 0.7}\n",
          "      - {date: 2026-02-10, value: 1720, confidence: 0.7}\n      - {date: 2026-02-14, value: 1500, confidence: 0.4}\n"),
         ("    target: 4\n", "    target: 3\n"),  # bounce: a decreasing KR's target lowered: raised bar
         ("    target: 2500\n", "    target: 2000\n"),  # views: eased
         ("    type: boolean\n", "    type: boolean\n    done: true\n"),
         ("  - id: old\n    title: Retired metric\n    start: 0\n    target: 1\n",
          "  - id: new\n    title: Newsletter signups\n    start: 0\n    target: 500\n"))
    (repo / "content/objectives/sales.md").unlink()
    write(repo, "content/objectives/hiring.md", "---\ntitle: Hire well\nperiod: 2026-Q1\nteam: people\n"
                                                  "key_results:\n  - {title: Hires, start: 0, target: 4}\n---\n")
    edit(repo, "content/projects/blog-push.md", ("status: active", "status: on-hold"), ("due: 2026-03-31", "due: 2026-04-14"),
         ("planned: 12000", "planned: 15000"), ("planned: 160", "planned: 200"))
    assert diff(repo, "main") == 0
    commit_id = git(repo, "rev-parse", "--short=7", "main")
    assert capsys.readouterr().out == f"""\
## OKR changes: `main` ({commit_id}) → work tree

Both sides scored as of 15 Feb 2026.

### Objectives

| change | objective | period | team |
|---|---|---|---|
| added | Hire well (`hiring`) | 2026-Q1 | people |
| **removed** | Sell more (`sales`) | 2026-Q1 | – |

### Objective progress

| objective | period | progress | status |
|---|---|---|---|
| Improve SEO \\| search (`seo`) | 2026-Q1 | 23% → 45% (+22 points; key results changed too) | At risk → **On track** |

### Key results

| change | key result |
|---|---|
| added | Hires (`hiring/kr-1`) |
| added | Newsletter signups (`seo/new`) |
| **removed** | Deals (`sales/deals`) |
| **removed** | Retired metric (`seo/old`) |

### Values

| key result | from | to | progress | status |
|---|---|---|---|---|
| Bounce rate (`seo/bounce`) | 7% | 7% | 50% → 43% (-7 points; target changed too) | On track |
| Launch the blog (`seo/launch`) | not done | done | 0% → 100% (+100 points) | Off track → **Done** |
| Page views &lt;2500&gt; (`seo/views`) | 1,720 views | 1,500 views | 40% → 38% (-2 points; target changed too) | On track |

### Targets

| key result | field | from | to | change |
|---|---|---|---|---|
| Bounce rate (`seo/bounce`) | target | 4% | 3% | raised |
| Page views &lt;2500&gt; (`seo/views`) | target | 2,500 views | 2,000 views | **eased** |

### Confidence drops

| key result | from | to |
|---|---|---|
| Page views &lt;2500&gt; (`seo/views`) | 70% | 40% |

### Projects

| project | change |
|---|---|
| Blog push (`blog-push`) | status Active → On hold; due 31 Mar 2026 → 14 Apr 2026 (slipped 14 days); planned budget 12,000 USD → 15,000 USD; planned hours 160 h → 200 h |
"""


def test_objectives_whose_progress_moved_are_listed_with_the_roll_ups_they_move(repo: Path, capsys) -> None:
    """A reviewer sees what the moved values add up to: each objective, and the roll-up above them."""
    write(repo, "content/objectives/company.md", "---\ntitle: Grow the company\nperiod: 2026-Q1\n---\n")
    edit(repo, "content/objectives/seo.md", ("period: 2026-Q1\n", "period: 2026-Q1\nparent: company\n"))
    edit(repo, "content/objectives/sales.md", ("period: 2026-Q1\n", "period: 2026-Q1\nparent: company\n"))
    commit(repo, "A company objective", "2026-01-06")
    edit(repo, "content/objectives/sales.md", ("current: 5}", "current: 6}"))
    edit(repo, "content/objectives/seo.md", ("      - {date: 2026-02-10, value: 1720, confidence: 0.7}\n",
                                             "      - {date: 2026-02-10, value: 1780, confidence: 0.7}\n"))
    assert diff(repo, "HEAD") == 0
    section = capsys.readouterr().out.split("### ")[1]
    # seo: (views 520/1300, bounce 3/6, launch 0, old 0) / 4 = 22.5 %, then views 580/1300: 23.7 %;
    # sales 5 -> 6 of 10; the company is the mean of the two: 36.25 % -> 41.8 %.
    assert section.strip().splitlines()[4:] == [
        "| Grow the company (`company`) | 2026-Q1 | 36% → 42% (+6 points) | On track |",
        "| Sell more (`sales`) | 2026-Q1 | 50% → 60% (+10 points) | On track |",
        "| Improve SEO \\| search (`seo`) | 2026-Q1 | 23% → 24% (+1 point) | At risk |"]


def test_an_objective_handed_to_other_owners_or_teams_is_reassigned(repo: Path, capsys) -> None:
    edit(repo, "content/objectives/sales.md", ("period: 2026-Q1\n", "period: 2026-Q1\nowner: Ana\nteam: sales\n"))
    edit(repo, "content/objectives/seo.md", ("period: 2026-Q1\n", "period: 2026-Q1\nowner: [Bo, Cy]\n"))
    commit(repo, "Owners", "2026-01-06")
    edit(repo, "content/objectives/sales.md", ("owner: Ana\nteam: sales\n", "owner: Dee\nteam: [growth, sales]\n"))
    edit(repo, "content/objectives/seo.md", ("owner: [Bo, Cy]\n", "owner: [Cy]\nteam: web\n"))
    assert diff(repo, "HEAD") == 0
    assert capsys.readouterr().out.split("### ")[1].strip().splitlines()[4:] == [
        "| reassigned (was owner Ana; team sales) | Sell more (`sales`) | 2026-Q1 | growth |",
        "| reassigned (was owner Bo, Cy; team none) | Improve SEO \\| search (`seo`) | 2026-Q1 | web |"]


def test_a_key_result_added_before_others_without_ids_gets_the_hint_to_give_ids(repo: Path, capsys) -> None:
    """Matched by position, the KRs after it read as retitled and moved: the report says why."""
    write(repo, "content/objectives/hire.md", "---\ntitle: Hire\nperiod: 2026-Q1\nkey_results:\n"
                                               "  - {title: Hires, start: 0, target: 4, current: 2}\n---\n")
    commit(repo, "Hiring", "2026-01-06")
    write(repo, "content/objectives/hire.md", "---\ntitle: Hire\nperiod: 2026-Q1\nkey_results:\n"
                                               "  - {title: Offers, start: 0, target: 6, current: 1}\n"
                                               "  - {title: Hires, start: 0, target: 4, current: 2}\n---\n")
    assert diff(repo, "HEAD") == 0
    out = capsys.readouterr().out
    assert "| retitled (was “Hires”) | Offers (`hire/kr-1`) |" in out
    assert "Key results without an `id` are matched by position" in out
    edit(repo, "content/objectives/seo.md", ("title: Bounce rate", "title: Bounce rate of the blog"))
    write(repo, "content/objectives/hire.md", "---\ntitle: Hire\nperiod: 2026-Q1\nkey_results:\n"
                                               "  - {title: Hires, start: 0, target: 4, current: 2}\n---\n")
    assert diff(repo, "HEAD") == 0
    assert "matched by position" not in capsys.readouterr().out  # a retitled KR with an id of its own


def test_json_has_the_documented_shape(repo: Path, capsys) -> None:
    edit(repo, "content/projects/blog-push.md", ("due: 2026-03-31", "due: 2026-03-29"))
    edit(repo, "content/objectives/seo.md", ("    current: 7\n", "    current: 6\n"))
    assert diff(repo, "main", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["base"] == {"revision": "main", "commit": git(repo, "rev-parse", "main")}
    assert report["head"] == {"revision": None, "commit": None} and report["as_of"] == "2026-02-15"
    assert report["values"] == [{
        "ref": "seo/bounce", "title": "Bounce rate", "type": "metric", "unit": "%", "from": 7, "to": 6,
        "progress_from": 0.5, "progress_to": pytest.approx(2 / 3), "status_from": "on-track", "status_to": "on-track"}]
    assert report["projects"] == [{
        "change": "changed", "id": "blog-push", "title": "Blog push", "status": None,
        "due": {"from": "2026-03-31", "to": "2026-03-29", "days": -2}, "budget_planned": None, "hours_planned": None}]
    assert report["objectives"] == report["key_results"] == report["targets"] == report["confidence_drops"] == []


def test_two_revisions_are_both_scored_with_the_heads_as_of(repo: Path, capsys) -> None:
    write(repo, "okrsite.yaml", "title: T\nas_of: 2026-03-20\n")  # later: the same values would read as behind
    commit(repo, "Report date", "2026-03-20")
    assert diff(repo, "main~1", "main") == 0
    short = git(repo, "rev-parse", "--short=7", "main~1"), git(repo, "rev-parse", "--short=7", "main")
    # The revisions in code, as named: a terminal showed main\~1 when they were escaped as text.
    assert capsys.readouterr().out == f"No OKR changes: `main~1` ({short[0]}) → `main` ({short[1]}).\n"


def test_no_changes_is_one_line(repo: Path, capsys) -> None:
    assert diff(repo, "HEAD") == 0
    assert capsys.readouterr().out == f"No OKR changes: `HEAD` ({git(repo, 'rev-parse', '--short=7', 'HEAD')}) → work tree.\n"


def test_a_side_that_does_not_build_is_named_with_its_diagnostics(repo: Path, capsys) -> None:
    edit(repo, "content/objectives/sales.md", ("target: 10", "target: 0"))
    write(repo, "content/objectives/grow.md", "---\ntitle: [unclosed\n---\n")
    commit(repo, "Broken", "2026-01-10")
    edit(repo, "content/objectives/sales.md", ("target: 0", "target: lots"))
    assert diff(repo, "HEAD") == 1
    said = capsys.readouterr()
    err = said.err.splitlines()
    short = git(repo, "rev-parse", "--short=7", "HEAD")
    # the pull request's summary (the workflow writes standard output there) says why it has no table
    assert said.out == (f"OKR changes not compared: the base HEAD ({short}) and the head work tree do not build; "
                        "the command's log names the errors.\n")  # (`okrsite check` reads no past revision)
    assert err[0] == f"okrsite: diff: the base HEAD ({short}) does not build:"
    assert "content/objectives/grow.md:2:8: error: invalid YAML" in err[1]
    assert "content/objectives/sales.md:5:" in "\n".join(err) and "'target' equals 'start' (0)" in "\n".join(err)
    assert "okrsite: diff: the head work tree does not build:" in err
    assert "'target': expected a number, got the text 'lots'" in "\n".join(err)
    assert err[-1] == f"okrsite: diff failed: the base HEAD ({short}) and the head work tree did not build"


def test_a_committed_theme_that_is_a_path_makes_no_folder_anywhere(repo: Path, tmp_path: Path, capsys) -> None:
    """A revision's okrsite.yaml is content: its `theme:` names no folder before it is checked."""
    outside = tmp_path / "made-by-diff"
    for theme in (str(outside), "../" * 12 + str(outside.relative_to("/"))):
        write(repo, "okrsite.yaml", CONFIG + f"theme: {theme}\n")
        commit(repo, "A theme", "2026-01-10")
        assert diff(repo, "HEAD~1", "HEAD") == 1
        assert "'theme': expected an id" in capsys.readouterr().err
        assert not outside.exists()


def test_a_base_without_the_site_is_empty_and_a_head_without_it_does_not_build(repo: Path, capsys) -> None:
    """The pull request that adds the site compares it with nothing: every objective is added."""
    first = commit(repo, "Nothing changed", "2026-01-06")
    git(repo, "checkout", "-q", "--orphan", "empty")
    git(repo, "rm", "-rq", "--cached", ".")
    git(repo, "commit", "-q", "--allow-empty", "-m", "Empty")
    orphan = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-f", "main")
    assert diff(repo, orphan, first) == 0
    out, err = capsys.readouterr()
    assert "| added | Sell more (`sales`) | 2026-Q1 | – |" in out and "| added | Deals (`sales/deals`) |" in out
    assert "| Blog push (`blog-push`) | added |" in out
    assert "has no okrsite.yaml: every objective is new" in err
    assert diff(repo, orphan, first, "--format", "json") == 0
    assert {o["id"] for o in json.loads(capsys.readouterr().out)["objectives"]} == {"sales", "seo"}
    assert diff(repo, first, orphan) == 1
    assert f"there is no okrsite.yaml in commit {orphan[:7]}" in capsys.readouterr().err
    write(repo, "content/objectives/sales.md", (repo / "content/objectives/sales.md").read_text().replace(
        "title:", "titel:", 1))  # the pull request that adds the site, with a mistake in it
    assert diff(repo, orphan) == 1
    out, err = capsys.readouterr()
    assert "okrsite: diff: the head work tree does not build:" in err and "unknown field 'titel'" in err
    assert "base" not in err and "the base" not in out  # an empty base is no failure
    assert out == "OKR changes not compared: the head work tree does not build; the command's log names the errors.\n"


def test_usage_errors(repo: Path, tmp_path: Path, capsys) -> None:
    assert diff(repo, "no-such-branch") == 2
    assert "okrsite: error: unknown revision 'no-such-branch'" in capsys.readouterr().err
    assert diff(repo, "main~1..main") == 2
    assert "'main~1..main' is a range: give the two revisions apart, okrsite diff main~1 main" in capsys.readouterr().err
    outside = tmp_path / "plain"
    write(outside, "okrsite.yaml", CONFIG)
    assert diff(outside, "main") == 2
    assert "is not in a git repository" in capsys.readouterr().err
    fresh = init(tmp_path / "fresh")  # `git init`, nothing committed yet
    write(fresh, "okrsite.yaml", CONFIG)
    assert diff(fresh, "HEAD") == 2
    assert "okrsite: error: unknown revision 'HEAD': this repository has no commit yet" in capsys.readouterr().err


def test_a_site_in_a_subfolder_with_its_own_content_folder(tmp_path: Path, capsys) -> None:
    top = init(tmp_path / "monorepo")
    site = top / "okrs"
    write(site, "okrsite.yaml", CONFIG + "content_dir: data/okr-content\ntheme: house\n")
    (site / "themes/house").mkdir(parents=True)
    write(site, "data/okr-content/objectives/sales.md", SALES)
    write(site, "data/okr-content/assets/logo.svg", "<svg/>")
    commit(top, "OKRs", "2026-01-05")
    edit(top, "okrs/data/okr-content/objectives/sales.md", ("current: 5", "current: 6"))
    assert diff(site, "HEAD") == 0
    assert "| Deals (`sales/deals`) | 5 | 6 | 50% → 60% (+10 points) | On track |" in capsys.readouterr().out


PLATFORM = """
---
title: Customers can rely on us
period: 2026-Q1
key_results:
  - id: uptime
    title: Keep uptime at or above 99.9%
    type: maintain
    floor: 99.9
    unit: "%"
    current: 99.95
  - id: comms
    title: Incident communication
    type: zones
    zones: {commit: Status page, target: Post-mortems, stretch: Quoted back}
    zone: commit
  - id: latency
    title: Cut p95 latency
    start: 40
    target: 10
    unit: min
    current: 30
---
"""

OPS = """
---
title: Run the old data centre
period: 2026-Q1
key_results:
  - {id: racks, title: Racks retired, start: 0, target: 10, current: 4}
---
"""


def test_v2_changes_dropped_key_results_and_objectives_drafts_zones_and_bands(repo: Path, capsys) -> None:
    """An objective whose progress moved because a key result was dropped or taken back says so: dropping
    a lagging one read as a team back on track."""
    write(repo, "content/objectives/platform.md", PLATFORM)
    write(repo, "content/objectives/ops.md", OPS)
    edit(repo, "content/objectives/seo.md", ("  - id: old\n    title: Retired metric\n    start: 0\n    target: 1\n",
                                             ("  - id: old\n    title: Retired metric\n    start: 0\n    target: 1\n"
                                              "    dropped: {reason: No longer measured}\n")))
    commit(repo, "v2 OKRs", "2026-01-10")
    edit(repo, "content/objectives/platform.md", ("    floor: 99.9\n", "    floor: 99.5\n"),
         ("    zone: commit\n", "    zone: target\n"),
         ("    current: 30\n", "    current: 25\n    dropped: {reason: \"Replaced by the cache's goal\", date: 2026-02-02}\n"))
    edit(repo, "content/objectives/ops.md", ("current: 4}", "current: 4, dropped: {reason: Moved to the cloud}}"))
    edit(repo, "content/objectives/seo.md", ("    dropped: {reason: No longer measured}\n", ""))
    write(repo, "content/objectives/hiring.md", "---\ntitle: Hire well\nperiod: 2026-Q1\nteam: people\n---\n")
    assert diff(repo, "HEAD") == 0
    out = capsys.readouterr().out
    assert out.split("### ")[1:-1] == ["""\
Objectives

| change | objective | period | team |
|---|---|---|---|
| added (draft) | Hire well (`hiring`) | 2026-Q1 | people |
| **dropped** | Run the old data centre (`ops`) | 2026-Q1 | – |

""", """\
Objective progress

| objective | period | progress | status |
|---|---|---|---|
| Customers can rely on us (`platform`) | 2026-Q1 | 54% → 85% (+31 points; key results changed too) | On track |
| Improve SEO \\| search (`seo`) | 2026-Q1 | 30% → 23% (-7 points; key results changed too) | At risk |

""", """\
Key results

| change | key result |
|---|---|
| **dropped** (Moved to the cloud) | Racks retired (`ops/racks`) |
| **dropped** (Replaced by the cache's goal, 2 Feb 2026) | Cut p95 latency (`platform/latency`) |
| reinstated | Retired metric (`seo/old`) |

""", """\
Values

| key result | from | to | progress | status |
|---|---|---|---|---|
| Incident communication (`platform/comms`) | commit zone | target zone | 30% → 70% (+40 points) | At risk → **On track** |

"""]
    assert out.split("### ")[-1] == """\
Targets

| key result | field | from | to | change |
|---|---|---|---|---|
| Keep uptime at or above 99.9% (`platform/uptime`) | floor | 99.9% | 99.5% | **eased** |
"""
    assert diff(repo, "HEAD", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["objectives"] == [
        {"change": "added", "id": "hiring", "title": "Hire well", "period": "2026-Q1", "team": "people", "draft": True,
         "was": ""},
        {"change": "dropped", "id": "ops", "title": "Run the old data centre", "period": "2026-Q1", "team": None,
         "draft": False, "was": ""}]
    assert report["progress"] == [
        {"id": "platform", "title": "Customers can rely on us", "period": "2026-Q1", "progress_from":
            pytest.approx((1 + 0.3 + 1 / 3) / 3), "progress_to": 0.85, "status_from": "on-track", "status_to": "on-track"},
        {"id": "seo", "title": "Improve SEO | search", "period": "2026-Q1", "progress_from": 0.3,
         "progress_to": 0.225, "status_from": "at-risk", "status_to": "at-risk"}]
    assert report["key_results"][1] == {"change": "dropped", "ref": "platform/latency", "title": "Cut p95 latency",
                                        "reason": "Replaced by the cache's goal", "date": "2026-02-02", "was": ""}
    assert report["values"][0]["from"] == "commit" and report["values"][0]["to"] == "target"
    assert report["targets"] == [{"ref": "platform/uptime", "title": "Keep uptime at or above 99.9%", "unit": "%",
                                  "field": "floor", "from": 99.9, "to": 99.5, "eased": True}]


def test_a_ceiling_lowered_raises_the_bar(repo: Path, capsys) -> None:
    write(repo, "content/objectives/churn.md", "---\ntitle: Keep customers\nperiod: 2026-Q1\nkey_results:\n"
                                               "  - {id: churn, title: Churn, type: maintain, ceiling: 2, current: 1.5}\n---\n")
    commit(repo, "Churn", "2026-01-10")
    edit(repo, "content/objectives/churn.md", ("ceiling: 2,", "ceiling: 1.8,"))
    assert diff(repo, "HEAD") == 0
    assert "| Churn (`churn/churn`) | ceiling | 2 | 1.8 | raised |" in capsys.readouterr().out


def test_both_sides_take_unchanged_files_from_the_sites_document_cache(repo: Path, capsys, monkeypatch) -> None:
    """A company-sized diff parses only what differs from the last build's documents; the report
    is the one a diff without any cache gives."""
    edit(repo, "content/objectives/seo.md", ("    current: 7\n", "    current: 6\n"))
    commit(repo, "Week 2", "2026-01-12")
    assert main(["build", "--quiet", "--config", str(repo / "okrsite.yaml")]) == 0
    parsed: list[str] = []

    def counted(raw: bytes, path: str, memo=None):
        parsed.append(path)
        return parse_markdown_document(raw, path, memo)

    monkeypatch.setattr(builder, "parse_markdown_document", counted)
    capsys.readouterr()
    assert diff(repo, "main~1", "main") == 0
    cached_report = capsys.readouterr().out
    assert parsed == ["content/objectives/seo.md"]  # the base side's older text; the rest as built
    shutil.rmtree(repo / ".okrsite-cache")
    parsed.clear()
    assert diff(repo, "main~1", "main") == 0
    assert capsys.readouterr().out == cached_report
    assert len(parsed) == 6 and "Bounce rate" in cached_report


def test_revisions_are_written_out_in_memory_when_it_has_room_and_nothing_is_left(repo: Path, tmp_path: Path,
                                                                                   capsys, monkeypatch) -> None:
    from okrsite.commands import diff as diff_command

    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(diff_command, "MEMORY", memory)
    monkeypatch.delenv("TMPDIR", raising=False)
    written: list[Path] = []
    write_out = diff_command._write_out
    monkeypatch.setattr(diff_command, "_write_out", lambda top, commit, rel, into: written.append(into) or
                        write_out(top, commit, rel, into))
    edit(repo, "content/objectives/seo.md", ("    current: 7\n", "    current: 6\n"))
    commit(repo, "Week 2", "2026-01-12")
    assert diff(repo, "main~1", "main") == 0
    in_memory_report = capsys.readouterr().out
    assert len(written) == 2 and all(into.is_relative_to(memory) for into in written)
    assert list(memory.iterdir()) == []  # removed when the diff ends

    monkeypatch.setattr(diff_command, "MEMORY_ROOM", 2**62)  # no room there: the temporary folder
    written.clear()
    assert diff(repo, "main~1", "main") == 0
    assert capsys.readouterr().out == in_memory_report
    assert len(written) == 2 and not any(into.is_relative_to(memory) for into in written)

    monkeypatch.setattr(diff_command, "MEMORY_ROOM", 0)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "chosen"))  # a temporary folder the user names wins
    monkeypatch.setattr(tempfile, "tempdir", None)  # as in a process started with it
    (tmp_path / "chosen").mkdir()
    written.clear()
    assert diff(repo, "main~1", "main") == 0
    assert all(into.is_relative_to(tmp_path / "chosen") for into in written) and len(written) == 2
