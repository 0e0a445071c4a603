"""`okrsite init`: a new site that builds at once, never overwrites, and a valid Pages workflow."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from okrsite.commands import scaffold
from okrsite.commands.cli import main

WORKFLOW = ".github/workflows/okrsite.yml"
EXPECTED_FILES = {
    "okrsite.yaml", ".gitignore", WORKFLOW, "content/teams.yaml", "content/pages/how-we-run-okrs.md",
    "content/projects/trial-onboarding-emails.md",
    "content/objectives/2026-Q1/win-more-customers.md",
    "content/objectives/2026-Q1/self-serve-trial.md",
    "content/objectives/2026-Q1/ship-reliably.md",
}
FEB_15_2026 = str(int(dt.datetime(2026, 2, 15, 12, tzinfo=dt.timezone.utc).timestamp()))


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch) -> None:
    """init and build both take 'today' from SOURCE_DATE_EPOCH: 15 Feb 2026, in 2026-Q1."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FEB_15_2026)


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_init_creates_every_starter_file_for_the_current_quarter(tmp_path: Path, capsys) -> None:
    site = tmp_path / "okrs"
    assert main(["init", str(site)]) == 0
    assert files_under(site) == EXPECTED_FILES
    out = capsys.readouterr().out
    for rel in EXPECTED_FILES:
        assert f"created {rel}\n" in out
    assert "Next steps" in out and "okrsite serve" in out and "Source: GitHub Actions" in out
    # the repository it suggests is made on the branch the workflow deploys (a plain `git init`
    # names it 'master' on most systems, and pushes to it would never deploy)
    branch = re.search(r'branches: \["([^"]+)"\]', (site / WORKFLOW).read_text()).group(1)
    assert f"git init -b {branch} && git add ." in out and f"deploys pushes to '{branch}'" in out
    assert "period: 2026-Q1" in (site / "content/objectives/2026-Q1/ship-reliably.md").read_text()
    assert "{{" not in "".join((site / rel).read_text() for rel in EXPECTED_FILES if rel != WORKFLOW)


def test_a_new_site_builds_strictly_without_a_warning(tmp_path: Path, monkeypatch, capsys) -> None:
    site = tmp_path / "okrs"
    assert main(["init", str(site)]) == 0
    capsys.readouterr()
    monkeypatch.chdir(site)
    assert main(["build", "--strict"]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    assert (site / "output/index.html").is_file()
    for page in ("objectives/win-more-customers", "objectives/self-serve-trial", "objectives/ship-reliably",
                 "projects/trial-onboarding-emails", "pages/how-we-run-okrs", "teams/growth"):
        assert (site / "output" / page / "index.html").is_file(), page
    # and every check rule passes: no key result is stale, whatever the day of the quarter
    assert main(["check", "--strict"]) == 0
    assert capsys.readouterr().out.endswith(": no errors\n")


@pytest.mark.parametrize("day", ["2026-01-01", "2026-01-05", "2026-03-20", "2026-03-31"])
def test_a_site_made_on_any_day_of_the_quarter_checks_strictly_without_a_warning(tmp_path: Path, monkeypatch,
                                                                                   capsys, day: str) -> None:
    """The project was due on a fixed day (79 of the quarter): from then on a new site's check failed
    --strict with "project ... is 2 days past its due date"; in the first week its update came before
    its start."""
    when = dt.datetime.fromisoformat(f"{day}T12:00:00+00:00")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(when.timestamp())))
    site = tmp_path / "okrs"
    assert main(["init", str(site)]) == 0
    capsys.readouterr()
    monkeypatch.chdir(site)
    assert main(["check", "--strict"]) == 0, capsys.readouterr().out
    values = scaffold.placeholders(dt.date.fromisoformat(day), "main")
    assert values["project_start"] <= values["checkin_2"] <= day <= values["project_due"] <= "2026-03-31"
    assert day <= values["due_2"] <= values["due_3"] <= "2026-03-31"  # the milestones not done yet are not overdue


def test_the_example_has_one_objective_per_key_result_type_and_a_linked_project(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path)]) == 0
    import json
    assert main(["build", "--config", str(tmp_path / "okrsite.yaml"), "--quiet"]) == 0
    data = json.loads((tmp_path / "output/okrs.json").read_text())
    types = {o["id"]: {kr["type"] for kr in o["key_results"]} for o in data["objectives"]}
    assert types == {"win-more-customers": {"metric"}, "self-serve-trial": {"boolean"},
                     "ship-reliably": {"milestones"}}
    assert {o["period"] for o in data["objectives"]} == {"2026-Q1"}
    [project] = data["projects"]
    assert project["key_results"] == ["self-serve-trial/trial-live"]


def test_check_in_dates_fall_between_the_quarter_start_and_today() -> None:
    values = scaffold.placeholders(dt.date(2026, 2, 15), "main")
    assert values["period"] == "2026-Q1"
    assert "2026-01-01" <= values["checkin_1"] < values["checkin_2"] <= "2026-02-15"
    assert values["checkin_2"] == "2026-02-13"  # recent: the example's key results are not stale
    first_day = scaffold.placeholders(dt.date(2026, 4, 1), "main")
    assert first_day["period"] == "2026-Q2" and first_day["checkin_2"] == "2026-04-01"
    # two values on one date read as a slip (`okrsite checkin` warns of it): the first is the day before
    assert first_day["checkin_1"] == "2026-03-31"
    for today in (dt.date(2026, 4, 2), dt.date(2026, 4, 3), dt.date(2026, 4, 4), dt.date(2026, 4, 9)):
        values = scaffold.placeholders(today, "main")
        assert values["checkin_1"] < values["checkin_2"] <= today.isoformat(), today
    assert first_day["due_3"] <= "2026-06-30"


def test_a_non_empty_folder_needs_force(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("okrsite: error: ") and "is not empty" in err and "--force" in err
    assert files_under(tmp_path) == {"notes.txt"}


def test_force_never_overwrites_and_says_what_it_skipped(tmp_path: Path, capsys) -> None:
    (tmp_path / "okrsite.yaml").write_text("title: Mine\n")
    (tmp_path / ".gitignore").write_text("secrets/\n")
    assert main(["init", "--force", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "skipped okrsite.yaml: it exists" in out and "skipped .gitignore: it exists" in out
    assert "created content/teams.yaml" in out
    assert (tmp_path / "okrsite.yaml").read_text() == "title: Mine\n"
    assert (tmp_path / ".gitignore").read_text() == "secrets/\n"
    assert files_under(tmp_path) == EXPECTED_FILES
    assert "A new OKR site for" in out and "is ready" in out
    # again, every file there: it said "A new OKR site ... is ready" with nothing written
    assert main(["init", "--force", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "created" not in out and "is ready" not in out
    assert "Every file of a new site was there already: nothing was written." in out


def test_a_folder_with_only_a_fresh_git_repository_counts_as_empty(tmp_path: Path, capsys) -> None:
    subprocess.run(["git", "init", "-q", "-b", "trunk", str(tmp_path)], check=True)
    assert main(["init", str(tmp_path)]) == 0
    workflow = yaml.safe_load((tmp_path / WORKFLOW).read_text())
    assert workflow[True]["push"]["branches"] == ["trunk"]  # PyYAML reads the key `on` as True
    assert "Note:" not in capsys.readouterr().out


def test_a_site_in_a_subfolder_of_a_repository_gets_its_branch_and_a_note(tmp_path: Path, capsys) -> None:
    subprocess.run(["git", "init", "-q", "-b", "trunk", str(tmp_path)], check=True)
    assert main(["init", str(tmp_path / "okrs" / "site")]) == 0
    workflow = yaml.safe_load((tmp_path / "okrs/site" / WORKFLOW).read_text())
    assert workflow[True]["push"]["branches"] == ["trunk"]
    out = capsys.readouterr().out
    assert "Note: the site is in the folder 'okrs/site' of the repository" in out
    assert "working-directory: okrs/site" in out


def test_init_into_a_file_is_a_usage_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "file").write_text("x")
    assert main(["init", str(tmp_path / "file")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_the_gitignore_keeps_output_and_cache_out_of_git(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path)]) == 0
    ignored = (tmp_path / ".gitignore").read_text().split()
    assert "/output/" in ignored and "/.okrsite-cache/" in ignored
