"""The rules of `okrsite check` (spec, "Checks"): each finding printed as
`path:line:col: severity: message [rule-id]` on the line that causes it; severities from
`checks:` in okrsite.yaml; `okrsite build` reports only drafts and projects supporting nothing.

Sites are written in tmp_path, reported as of 2026-02-15 (2026-Q1 is running, 46 days in).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from okrsite.commands.cli import main
from tests.conftest import write
from tests.gitrepo import commit, init

CONFIG = "title: T\nas_of: 2026-02-15\n"

# Fresh enough not to be stale (last update 2026-02-10), supported by a project, one owner.
GROW = """\
---
title: Grow
period: 2026-Q1
owner: Ana
key_results:
  - id: views
    title: Views from 100 to 200
    start: 100
    target: 200
    checkins:
      - {date: 2026-01-20, value: 120, confidence: 0.8}
      - {date: 2026-02-10, value: 140, confidence: 0.7}
---
"""

BLOG = """\
---
title: Blog
status: active
key_results: [grow/views]
---
"""


def site(root: Path, files: dict[str, str], config: str = "") -> Path:
    """A site with `GROW` and `BLOG` unless `files` replaces them (None leaves one out)."""
    write(root, "okrsite.yaml", CONFIG + config)
    for rel, text in {"content/objectives/grow.md": GROW, "content/projects/blog.md": BLOG, **files}.items():
        if text is not None:
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    return root


def check(root: Path, capsys, *args: str) -> tuple[int, list[str]]:
    """The exit code and the diagnostic lines of `okrsite check`."""
    code = main(["check", "--config", str(root / "okrsite.yaml"), *args])
    return code, [line for line in capsys.readouterr().err.splitlines() if not line.startswith("okrsite:")]


def test_a_site_that_follows_the_practice_has_no_findings(tmp_path: Path, capsys) -> None:
    root = site(tmp_path, {})
    assert check(root, capsys) == (0, [])


def test_draft_objective_is_reported_on_its_first_line(tmp_path: Path, capsys) -> None:
    root = site(tmp_path, {"content/objectives/idea.md": "---\ntitle: Idea\nperiod: 2026-Q1\nowner: Ana\n---\n"})
    assert check(root, capsys) == (0, [
        "content/objectives/idea.md:2:1: warning: objective 'idea' has no key results yet [draft-objective]"])


def test_stale_kr_is_reported_on_the_key_result_with_its_age(tmp_path: Path, capsys) -> None:
    old = GROW.replace("      - {date: 2026-02-10, value: 140, confidence: 0.7}\n", "")
    never = GROW.replace("    checkins:\n      - {date: 2026-01-20, value: 120, confidence: 0.8}\n"
                         "      - {date: 2026-02-10, value: 140, confidence: 0.7}\n", "    current: 150\n")
    root = site(tmp_path, {"content/objectives/grow.md": old, "content/objectives/seo.md": never,
                           "content/projects/blog.md": BLOG.replace("[grow/views]", "[grow, seo]")})
    assert check(root, capsys) == (0, [
        "content/objectives/grow.md:6:5: warning: key result 'grow/views' has had no update for 26 days, "
        "since 2026-01-20 (stale after 14 days) [stale-kr]",
        "content/objectives/seo.md:6:5: warning: key result 'seo/views' has had no update since its period "
        "started 45 days ago (stale after 14 days) [stale-kr]"])


def test_no_owner_when_switched_on(tmp_path: Path, capsys) -> None:
    root = site(tmp_path, {"content/objectives/grow.md": GROW.replace("owner: Ana\n", "")})
    assert check(root, capsys) == (0, [])  # off by default
    root = site(tmp_path, {"content/objectives/grow.md": GROW.replace("owner: Ana\n", "")},
                "checks:\n  no-owner: warning\n")
    assert check(root, capsys) == (0, [
        "content/objectives/grow.md:2:1: warning: objective 'grow' has no owner: add 'owner:' [no-owner]"])


def test_an_objective_without_a_period_is_told_it_moves_with_the_report_date(tmp_path: Path, capsys) -> None:
    """Without `period:` (or `default_period`) an objective is in the quarter of the report date,
    today's unless `as_of` is set: on the next quarter's first day it moved there in silence."""
    root = site(tmp_path, {"content/objectives/grow.md": None,
                           "content/objectives/2025-Q4/grow.md": GROW.replace("period: 2026-Q1\n", "")})
    assert check(root, capsys) == (0, [
        "content/objectives/2025-Q4/grow.md:2:1: warning: objective 'grow' has no 'period:': it is in 2026-Q1, the "
        "quarter of the report date, and moves to the next quarter with it; its folder's name, 2025-Q4, does not "
        "set it; write 'period: 2025-Q4' [no-period]"])
    root = site(tmp_path, {"content/objectives/grow.md": GROW.replace("period: 2026-Q1\n", ""),
                           "content/objectives/2025-Q4/grow.md": None})
    (root / "content/objectives/2025-Q4/grow.md").unlink()
    assert check(root, capsys)[1] == [
        "content/objectives/grow.md:2:1: warning: objective 'grow' has no 'period:': it is in 2026-Q1, the quarter "
        "of the report date, and moves to the next quarter with it; write 'period: 2026-Q1' [no-period]"]
    site(tmp_path, {"content/objectives/grow.md": GROW.replace("period: 2026-Q1\n", "")}, "default_period: 2026-Q1\n")
    assert check(root, capsys) == (0, [])  # a default period set by hand moves only when someone moves it


def test_a_link_in_a_body_that_leads_nowhere_in_the_site_is_found_where_it_is_written(tmp_path: Path, capsys) -> None:
    """A typo in `[the pipeline](../faster-pipe/)` built a page whose link says "not found".
    Links are followed as the browser will, from the page the text is shown on."""
    body = ("Plan: [the blog](../../projects/blog/), [views](../grow/#kr-views), [home](../../), the\n"
            "[logo](../../assets/logo.svg) and [alignment](../../alignment/); [elsewhere](https://example.com/x/),\n"
            "[mail](mailto:a@example.com), [here](#top) and `[in code](../nowhere/)` are not links to check.\n"
            "Typos: [a blog](../../projects/blgo/), [a KR](../grow/#kr-veiws), [a logo](../../assets/logo.png),\n"
            "[a team](../../teams/growth/) and [out](../../../x/).\n")
    page = "---\ntitle: Guide\n---\nSee [the objective](../../objectives/grow) and [a page](../gide/).\n"
    root = site(tmp_path, {"content/objectives/grow.md": GROW + body, "content/pages/guide.md": page,
                           "content/assets/logo.svg": "<svg/>"})
    assert check(root, capsys) == (0, [
        "content/objectives/grow.md:17:17: warning: the link '../../projects/blgo/' leads to no project 'blgo' "
        "(did you mean 'blog'?) [broken-link]",
        "content/objectives/grow.md:17:47: warning: the link '../grow/#kr-veiws' leads to no key result 'veiws' of "
        "objective 'grow' (did you mean 'views'?) [broken-link]",
        "content/objectives/grow.md:17:76: warning: the link '../../assets/logo.png' leads to no file 'logo.png' of "
        "content/assets/ (did you mean 'logo.svg'?) [broken-link]",
        "content/objectives/grow.md:18:10: warning: the link '../../teams/growth/' leads to no team 'growth' "
        "[broken-link]",
        "content/objectives/grow.md:18:41: warning: the link '../../../x/' leads out of the site's folder [broken-link]",
        "content/pages/guide.md:4:57: warning: the link '../gide/' leads to no page 'gide' (did you mean 'guide'?) "
        "[broken-link]"])


def test_a_link_from_the_servers_root_is_checked_against_site_urls_path(tmp_path: Path, capsys) -> None:
    """`[p](/pages/guide/)` works on a site served at a domain's root and breaks under a GitHub Pages
    project path: there it is said, with the link to write instead."""
    page = "---\ntitle: Guide\n---\nSee [it](/objectives/grow/) and [that](/okrs/objectives/grow/).\n"
    root = site(tmp_path, {"content/pages/guide.md": page}, "site_url: https://example.github.io/okrs/\n")
    assert check(root, capsys) == (0, [
        "content/pages/guide.md:4:10: warning: the link '/objectives/grow/' starts at the server's root, outside the "
        "site at /okrs/: write it from this page (../../objectives/grow/) [broken-link]"])
    site(tmp_path, {"content/pages/guide.md": page}, "site_url: https://okrs.example.com/\n")  # at the root
    assert check(root, capsys) == (0, [
        "content/pages/guide.md:4:40: warning: the link '/okrs/objectives/grow/' leads to no page of the site "
        "('okrs/objectives/grow') [broken-link]"])


def test_too_many_krs_points_at_the_first_one_too_many_and_counts_no_dropped_one(tmp_path: Path, capsys) -> None:
    krs = "".join(f"  - {{id: k{n}, title: K{n}, start: 0, target: 10, checkins: [{{date: 2026-02-10, value: 5}}]}}\n"
                  for n in range(1, 7))
    head = "---\ntitle: Wide\nperiod: 2026-Q1\nowner: Ana\nkey_results:\n"
    root = site(tmp_path, {"content/objectives/wide.md": head + krs + "---\n",
                           "content/projects/blog.md": BLOG.replace("[grow/views]", "[grow, wide]")})
    assert check(root, capsys) == (0, [
        "content/objectives/wide.md:11:5: warning: objective 'wide' has 6 key results; more than 5 dilute its "
        "focus [too-many-krs]"])
    dropped = krs.replace("{id: k1,", "{dropped: {reason: Moved}, id: k1,")
    site(tmp_path, {"content/objectives/wide.md": head + dropped + "---\n"})
    assert check(root, capsys) == (0, [])


def test_kr_without_project_when_switched_on(tmp_path: Path, capsys) -> None:
    seo = GROW.replace("views", "rank").replace("title: Grow", "title: SEO")
    won = GROW.replace("views", "done").replace("value: 140", "value: 200")
    root = site(tmp_path, {"content/objectives/seo.md": seo, "content/objectives/won.md": won},
                "checks:\n  kr-without-project: warning\n")
    assert check(root, capsys) == (0, [  # grow/views has a project; won/done is done
        "content/objectives/seo.md:6:5: warning: key result 'seo/rank' is supported by no project "
        "[kr-without-project]"])
    write(root, "content/projects/seo-push.md", "---\ntitle: SEO push\nkey_results: seo\n---\n")  # the whole objective
    assert check(root, capsys) == (0, [])


def test_unaligned_project_is_reported_where_its_links_would_be(tmp_path: Path, capsys) -> None:
    root = site(tmp_path, {"content/projects/wiki.md": "---\ntitle: Wiki\nstatus: active\n---\n"})
    assert check(root, capsys) == (0, [
        "content/projects/wiki.md:2:1: warning: project 'wiki' supports no objective or key result "
        "[unaligned-project]"])


def test_project_overdue_is_reported_on_its_due_date(tmp_path: Path, capsys) -> None:
    late = BLOG.replace("status: active\n", "status: active\ndue: 2026-01-31\n")
    done = BLOG.replace("status: active\n", "status: done\ndue: 2026-01-31\n")
    root = site(tmp_path, {"content/projects/blog.md": late, "content/projects/done.md": done})
    assert check(root, capsys) == (0, [
        "content/projects/blog.md:4:6: warning: project 'blog' is 15 days past its due date (2026-01-31) and "
        "still active [project-overdue]"])


@pytest.mark.parametrize(("confidences", "found"), [
    ((0.8, 0.6), "fell from 0.8 to 0.6"),  # exactly 0.2: 0.8 - 0.6 is 0.19999999999999996 in floats
    ((0.9, 0.5), "fell from 0.9 to 0.5"),
    ((0.7, 0.55), None),
    ((0.5, 0.9), None),
])
def test_confidence_drop_is_reported_on_the_check_in(tmp_path: Path, capsys, confidences, found) -> None:
    text = GROW.replace("confidence: 0.8", f"confidence: {confidences[0]}").replace(
        "confidence: 0.7", f"confidence: {confidences[1]}")
    root = site(tmp_path, {"content/objectives/grow.md": text})
    expected = [f"content/objectives/grow.md:12:9: warning: key result 'grow/views': confidence {found} on "
                "2026-02-10 [confidence-drop]"] if found else []
    assert check(root, capsys) == (0, expected)


def test_confidence_drop_compares_check_ins_by_date_and_skips_those_without_confidence(tmp_path: Path,
                                                                                     capsys) -> None:
    text = GROW.replace("      - {date: 2026-01-20, value: 120, confidence: 0.8}\n",
                        "      - {date: 2026-02-01, value: 130}\n"
                        "      - {date: 2026-01-20, value: 120, confidence: 0.9}\n")
    root = site(tmp_path, {"content/objectives/grow.md": text})
    assert check(root, capsys) == (0, [
        "content/objectives/grow.md:13:9: warning: key result 'grow/views': confidence fell from 0.9 to 0.7 on "
        "2026-02-10 [confidence-drop]"])


def test_sandbagged_kr_when_switched_on(tmp_path: Path, capsys) -> None:
    text = GROW.replace("value: 120", "value: 180")
    root = site(tmp_path, {"content/objectives/grow.md": text}, "checks:\n  sandbagged-kr: warning\n")
    assert check(root, capsys) == (0, [
        "content/objectives/grow.md:11:9: warning: key result 'grow/views' is at progress 0.8 or more with its "
        "first check-in of the period (180 on 2026-01-20, from 100 to 200): is the target ambitious enough? "
        "[sandbagged-kr]"])
    site(tmp_path, {"content/objectives/grow.md": GROW.replace("value: 120", "value: 179")},
         "checks:\n  sandbagged-kr: warning\n")
    assert check(root, capsys) == (0, [])


def test_rules_about_the_weekly_loop_leave_ended_periods_alone(tmp_path: Path, capsys) -> None:
    text = GROW.replace("2026-Q1", "2025-Q4").replace("2026-01-20", "2025-10-20").replace("2026-02-10", "2025-11-01")
    text = text.replace("confidence: 0.7", "confidence: 0.3")  # a drop, but in an ended quarter
    root = site(tmp_path, {"content/objectives/grow.md": text}, "checks:\n  kr-without-project: warning\n")
    assert check(root, capsys) == (0, [])


@pytest.mark.usefixtures("isolated_git")
def test_target_eased_is_reported_on_the_target_with_its_commit(tmp_path: Path, capsys) -> None:
    root = site(init(tmp_path / "repo"), {})
    write(root, ".gitignore", "/output/\n/.okrsite-cache/\n")
    commit(root, "Set the OKRs", "2025-12-20", "Ana")
    grow = root / "content/objectives/grow.md"
    grow.write_text(GROW.replace("target: 200", "target: 180"))
    eased = commit(root, "Ease the target", "2026-01-25", "Ben")[:7]
    grow.write_text(GROW.replace("target: 200", "target: 190"))  # raised again: not eased
    commit(root, "Raise it", "2026-02-01", "Ana")
    assert check(root, capsys) == (0, [
        f"content/objectives/grow.md:9:13: warning: key result 'grow/views': target eased from 200 to 180 on "
        f"2026-01-25, after its period started (commit {eased} by Ben) [target-eased]"])
    grow.write_text(GROW.replace("target: 200", "target: 150"))
    assert (  # the work tree's edit, as of the report date
        "content/objectives/grow.md:9:13: warning: key result 'grow/views': target eased from 190 to 150 on "
        "2026-02-15, after its period started (not committed yet) [target-eased]") in check(root, capsys)[1]


# --- severities ------------------------------------------------------------------------------

STALE = {"content/objectives/grow.md": GROW.replace("      - {date: 2026-02-10, value: 140, confidence: 0.7}\n", "")}


def test_a_rule_set_to_error_fails_the_check_with_exit_1(tmp_path: Path, capsys) -> None:
    root = site(tmp_path, STALE, "checks:\n  stale-kr: error\n")
    code = main(["check", "--config", str(root / "okrsite.yaml")])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err == ["content/objectives/grow.md:6:5: error: key result 'grow/views' has had no update for 26 days, "
                   "since 2026-01-20 (stale after 14 days) [stale-kr]",
                   "okrsite: check failed: 1 error(s)"]


@pytest.mark.parametrize("off", ["off", "'off'"])  # unquoted, YAML reads it as false
def test_a_rule_set_off_finds_nothing_and_strict_fails_on_warning_findings(tmp_path: Path, capsys, off) -> None:
    root = site(tmp_path, STALE, f"checks:\n  stale-kr: {off}\n")
    assert check(root, capsys) == (0, [])
    root = site(tmp_path, STALE)
    code, lines = check(root, capsys, "--strict")
    assert code == 1 and lines[0].endswith("[stale-kr]")


def test_an_unknown_rule_id_is_an_error_with_a_suggestion(tmp_path: Path, capsys) -> None:
    root = site(tmp_path, {}, "checks:\n  stale-kt: off\n  confidence-drop: loud\n")
    assert check(root, capsys) == (1, [
        "okrsite.yaml:4:3: error: unknown rule 'stale-kt' in checks (did you mean 'stale-kr'?)",
        "okrsite.yaml:5:20: error: 'confidence-drop': expected one of error, warning, off; got 'loud'"])


def test_build_reports_drafts_and_unaligned_projects_but_never_fails_strict_on_a_stale_kr(tmp_path: Path,
                                                                                       capsys) -> None:
    root = site(tmp_path, {**STALE, "content/projects/wiki.md": "---\ntitle: Wiki\n---\n"})
    config = str(root / "okrsite.yaml")
    assert main(["build", "--config", config, "--jobs", "1"]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines()]
    assert warnings == ["content/projects/wiki.md:2:1: warning: project 'wiki' supports no objective or key result "
                        "[unaligned-project]"]
    site(tmp_path, STALE, "checks:\n  unaligned-project: off\n")
    assert main(["build", "--strict", "--config", config, "--jobs", "1"]) == 0


def test_a_build_rule_set_to_error_fails_the_build(tmp_path: Path, capsys) -> None:
    root = site(tmp_path, {"content/objectives/idea.md": "---\ntitle: Idea\nperiod: 2026-Q1\n---\n"},
                "checks:\n  draft-objective: error\n")
    assert main(["build", "--config", str(root / "okrsite.yaml"), "--jobs", "1"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/objectives/idea.md:2:1: error: objective 'idea' has no key results yet [draft-objective]")
    assert not (root / "output").exists()


@pytest.mark.parametrize("anchors", [False, True])  # YAML with aliases is walked with its guards
def test_findings_stand_on_the_same_line_when_the_documents_come_from_the_build_cache(tmp_path: Path, capsys,
                                                                                    anchors: bool) -> None:
    text = STALE["content/objectives/grow.md"]
    if anchors:  # the KR's description repeats its title
        text = text.replace("    title: Views from 100 to 200\n", "    title: &title Views from 100 to 200\n"
                                                                   "    description: *title\n")
    root = site(tmp_path, {"content/objectives/grow.md": text})
    fresh = check(root, capsys)
    assert main(["build", "--quiet", "--config", str(root / "okrsite.yaml"), "--jobs", "1"]) == 0
    assert (root / ".okrsite-cache/documents.json").is_file()
    capsys.readouterr()
    assert check(root, capsys) == fresh == (0, [
        "content/objectives/grow.md:6:5: warning: key result 'grow/views' has had no update for 26 days, "
        "since 2026-01-20 (stale after 14 days) [stale-kr]"])


def test_project_figures_behind_its_latest_update(tmp_path: Path, capsys) -> None:
    """The burn chart read the updates' totals while earned value, the lane and the flags read the
    project's own fields: a page said 60 % spent in one place and nothing in another."""
    project = ("---\ntitle: Blog\nstatus: active\nkey_results: [grow/views]\nbudget: {planned: 10000, spent: 4000}\n"
               "updates:\n  - {date: 2026-01-15, note: Started, spent: 2000, hours: 40, progress: 0.15}\n"
               "  - {date: 2026-02-12, note: Halfway, spent: 6000, progress: 0.4}\n"
               "  - {date: 2026-03-01, note: Later, spent: 9000}\n---\n")
    root = site(tmp_path, {"content/projects/blog.md": project})
    assert check(root, capsys) == (0, [
        "content/projects/blog.md:2:1: warning: project 'blog': its update of 2026-01-15 records hours 40, and "
        "hours.actual is not set: earned value, its lane and its flags read hours.actual [project-figures-behind]",
        "content/projects/blog.md:2:1: warning: project 'blog': its update of 2026-02-12 records progress 0.4, and its "
        "progress (`progress`, or its tasks done) is 0: earned value, its lane and its flags read its progress "
        "[project-figures-behind]",
        "content/projects/blog.md:5:33: warning: project 'blog': its update of 2026-02-12 records spent 6000, and "
        "budget.spent is 4000: earned value, its lane and its flags read budget.spent [project-figures-behind]"])
    caught_up = project.replace("spent: 4000}", "spent: 6000}\nhours: {actual: 40}\nprogress: 0.4")
    site(tmp_path, {"content/projects/blog.md": caught_up})
    assert check(root, capsys) == (0, [])  # (the update of 1 March is after the report date)
