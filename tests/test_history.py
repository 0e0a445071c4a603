"""Reading the git history of objective files: one log pass, renames, merges, shallow clones,
sites in subfolders, no git, as_of, uncommitted edits, and the cache by commit id."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from okrsite.content import history as edge
from okrsite.content.config import load_config
from okrsite.model.history import kr_histories
from okrsite.content.history import NO_HISTORY, Version, read_history
from okrsite.diagnostics import Diagnostics
from tests.conftest import write
from tests.gitrepo import commit, git, init

pytestmark = pytest.mark.usefixtures("isolated_git")

CONFIG = "title: T\nas_of: 2026-02-15\n"


def objective(current: float, target: float = 200) -> str:
    return (f"---\ntitle: Grow\nperiod: 2026-Q1\nkey_results:\n  - id: views\n    title: Views\n"
            f"    start: 100\n    target: {target}\n    current: {current}\n---\nWhy.\n")


def history(root: Path, as_of: str | None = None):
    config = load_config(root / "okrsite.yaml", Diagnostics(), as_of=dt.date.fromisoformat(as_of) if as_of else None)
    assert config is not None
    return read_history(config)


def kept(current: float, target: float = 200) -> dict:
    """What a version of `objective(current, target)` holds: its key results' value and bound
    fields (titles and the rest of the front matter are not history)."""
    return {"key_results": [{"id": "views", "start": 100, "target": target, "current": current,
                             "milestones": None, "checkins": False}]}


def summary(found, path: str = "content/objectives/grow.md") -> list[tuple[str, str, float, str]]:
    """(date, author, current, commit) of each version, to compare at a glance."""
    return [(v.date.isoformat(), v.author, v.meta["key_results"][0]["current"], v.commit) for v in found.files[path]]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A site at the top of a repository: three commits changing one KR's value."""
    root = init(tmp_path / "repo")
    write(root, ".gitignore", "/.okrsite-cache/\n/output/\n")
    write(root, "okrsite.yaml", CONFIG)
    write(root, "content/objectives/grow.md", objective(110))
    commit(root, "Start", "2026-01-05", "Dana")
    write(root, "content/objectives/grow.md", objective(130))
    commit(root, "Week 2", "2026-01-12", "Sam")
    write(root, "content/objectives/other.md", objective(1))
    commit(root, "Another objective", "2026-01-13", "Sam")
    write(root, "content/objectives/grow.md", objective(150))
    commit(root, "Week 3", "2026-01-19", "Dana")
    return root


def test_each_objective_file_has_its_versions_oldest_first(repo: Path) -> None:
    found = history(repo)
    heads = git(repo, "log", "--format=%h", "--abbrev=7", "--", "content/objectives/grow.md").split()
    assert summary(found) == [("2026-01-05", "Dana", 110, heads[2]), ("2026-01-12", "Sam", 130, heads[1]),
                              ("2026-01-19", "Dana", 150, heads[0])]
    assert found.files["content/objectives/grow.md"][0].meta == kept(110)
    assert list(found.files) == ["content/objectives/grow.md", "content/objectives/other.md"]
    assert not found.partial and found.problem is None


def test_commits_after_as_of_are_not_known(repo: Path) -> None:
    assert [row[2] for row in summary(history(repo, "2026-01-18"))] == [110, 130]
    assert "content/objectives/other.md" not in history(repo, "2026-01-12").files


def test_an_uncommitted_edit_is_the_last_version_dated_as_of(repo: Path) -> None:
    write(repo, "content/objectives/grow.md", objective(170))
    write(repo, "content/objectives/new.md", objective(5))
    found = history(repo)
    assert summary(found)[-1] == ("2026-02-15", "", 170, "")
    assert found.files["content/objectives/new.md"] == (Version("", dt.date(2026, 2, 15), "", kept(5)),)
    assert len(found.files["content/objectives/other.md"]) == 1  # unchanged: no work tree version


def test_a_renamed_file_keeps_its_history(repo: Path) -> None:
    git(repo, "mv", "content/objectives/grow.md", "content/objectives/grow-views.md")
    write(repo, "content/objectives/grow-views.md", objective(160))
    commit(repo, "Rename", "2026-01-26")
    found = history(repo)
    assert "content/objectives/grow.md" not in found.files
    assert [row[2] for row in summary(found, "content/objectives/grow-views.md")] == [110, 130, 150, 160]


def test_a_file_moved_without_a_change_adds_no_version(repo: Path) -> None:
    (repo / "content/objectives/2026-Q1").mkdir()
    git(repo, "mv", "content/objectives/grow.md", "content/objectives/2026-Q1/grow.md")
    commit(repo, "Move", "2026-01-26")
    assert [row[2] for row in summary(history(repo), "content/objectives/2026-Q1/grow.md")] == [110, 130, 150]


def test_a_deleted_file_has_no_history_and_one_added_again_starts_afresh(repo: Path) -> None:
    (repo / "content/objectives/other.md").unlink()
    commit(repo, "Drop other", "2026-01-20")
    assert "content/objectives/other.md" not in history(repo).files
    write(repo, "content/objectives/other.md", objective(3))
    commit(repo, "Other again", "2026-01-21")
    assert [v.date for v in history(repo).files["content/objectives/other.md"]] == [dt.date(2026, 1, 21)]


def test_a_merge_counts_once_on_its_date_along_the_first_parent(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "side", "HEAD~1")
    write(repo, "content/objectives/other.md", objective(2))
    commit(repo, "Side work", "2026-01-20", "Lee")
    write(repo, "content/objectives/other.md", objective(3))
    commit(repo, "More side work", "2026-01-21", "Lee")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge side", "side",
        env={"GIT_AUTHOR_DATE": "2026-01-22T12:00:00+00:00", "GIT_COMMITTER_DATE": "2026-01-22T12:00:00+00:00",
             "GIT_AUTHOR_NAME": "Merger", "GIT_COMMITTER_NAME": "Merger"})
    found = history(repo)
    assert summary(found, "content/objectives/other.md") == [
        ("2026-01-13", "Sam", 1, found.files["content/objectives/other.md"][0].commit),
        ("2026-01-22", "Merger", 3, git(repo, "rev-parse", "--short=7", "HEAD"))]
    assert [row[2] for row in summary(found)] == [110, 130, 150]  # untouched by the merge


def test_a_shallow_clone_uses_the_commits_it_has_and_says_it_is_partial(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "2", repo.as_uri(), str(clone))
    found = history(clone)
    assert found.partial
    assert [row[2] for row in summary(found)] == [130, 150]  # the boundary commit holds the file as it was
    assert not history(repo).partial
    # that commit shows the file as added: its value is where the history starts, not a change by
    # its author (the full history has Sam's 130 of 12 January, then Dana's 150)
    versions = found.files["content/objectives/grow.md"]
    assert [version.baseline for version in versions] == [True, False]
    points = kr_histories(versions, dt.date(2026, 1, 1))["views"].points
    assert [(p.date.isoformat(), p.value, p.author) for p in points] == [("2026-01-19", 150, "Dana")]
    full = kr_histories(history(repo).files["content/objectives/grow.md"], dt.date(2026, 1, 1))["views"].points
    assert [(p.value, p.author) for p in full] == [(110, "Dana"), (130, "Sam"), (150, "Dana")]
    # fetched deeper, with the cache of the shallower read in place: the edge moves with it
    git(clone, "fetch", "-q", "--deepen=1")
    deeper = history(clone).files["content/objectives/grow.md"]
    week_2 = git(repo, "rev-parse", "--short=7", "HEAD~2")  # the new edge: the file as it was then
    assert [(v.commit, v.meta["key_results"][0]["current"], v.baseline) for v in deeper] == [
        (week_2, 130, True), (git(repo, "rev-parse", "--short=7", "HEAD"), 150, False)]


def test_a_site_in_a_subfolder_names_files_from_the_site_root(tmp_path: Path) -> None:
    top = init(tmp_path / "monorepo")
    site = top / "reports" / "okrs"
    write(site, "okrsite.yaml", CONFIG)
    write(site, "content/objectives/grow.md", objective(110))
    write(top, "content/objectives/not-ours.md", objective(1))  # same layout, outside the site
    commit(top, "Site", "2026-01-05")
    found = history(site)
    assert list(found.files) == ["content/objectives/grow.md"]
    assert [(row[0], row[2]) for row in summary(found)] == [("2026-01-05", 110)]  # the commit, nothing uncommitted


def test_a_git_hook_environment_does_not_mislead_it(tmp_path: Path, monkeypatch) -> None:
    """Hooks run with GIT_DIR set, with which git takes the current folder for the top."""
    top = init(tmp_path / "monorepo")
    site = top / "reports"
    write(site, "okrsite.yaml", CONFIG)
    write(site, "content/objectives/grow.md", objective(110))
    commit(top, "Site", "2026-01-05")
    monkeypatch.setenv("GIT_DIR", str(top / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(top / ".git/index"))
    found = history(site)
    assert [(row[0], row[2]) for row in summary(found)] == [("2026-01-05", 110)]  # the commit, nothing uncommitted


def test_no_git_process_is_started_outside_a_repository(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "plain"
    write(root, "okrsite.yaml", CONFIG)
    write(root, "content/objectives/grow.md", objective(110))
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("git was started"))
    assert history(root) == NO_HISTORY


def test_no_history_without_a_git_binary_or_before_the_first_commit(repo: Path, tmp_path: Path, monkeypatch) -> None:
    fresh = init(tmp_path / "fresh")
    write(fresh, "okrsite.yaml", CONFIG)
    write(fresh, "content/objectives/grow.md", objective(110))
    assert history(fresh) == NO_HISTORY
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    assert history(repo) == NO_HISTORY


class Spy:
    """Counts git processes and the blobs read, through the edge module's own functions."""

    def __init__(self, monkeypatch) -> None:
        self.commands: list[tuple[str, ...]] = []
        self.blobs: list[str] = []
        real_git, real_read = edge.git, edge.read_blobs

        def spy_git(folder, *args, **kw):
            self.commands.append(args)
            return real_git(folder, *args, **kw)

        def spy_read(folder, ids):
            self.blobs.extend(ids)
            return real_read(folder, ids)
        monkeypatch.setattr(edge, "git", spy_git)
        monkeypatch.setattr(edge, "read_blobs", spy_read)


def test_a_second_run_with_the_same_head_reads_nothing_again(repo: Path, monkeypatch) -> None:
    spy = Spy(monkeypatch)
    first = history(repo)
    # four versions of two files; each file's newest is as in the work tree, not asked of git
    assert [c[0] for c in spy.commands] == ["rev-parse", "log"] and len(spy.blobs) == 2
    spy.commands.clear(), spy.blobs.clear()
    assert history(repo) == first
    assert [c[0] for c in spy.commands] == ["rev-parse"] and spy.blobs == []
    assert (repo / ".okrsite-cache/history.json").is_file()


def test_after_new_commits_only_they_are_logged_and_read(repo: Path, monkeypatch) -> None:
    history(repo)
    write(repo, "content/objectives/grow.md", objective(175))
    commit(repo, "Week 4", "2026-01-26")
    write(repo, "content/objectives/grow.md", objective(190))
    commit(repo, "Week 5", "2026-02-02")
    spy = Spy(monkeypatch)
    found = history(repo)
    assert [row[2] for row in summary(found)] == [110, 130, 150, 175, 190]
    assert ("log" in spy.commands[-1]) and any(arg.endswith("..HEAD") or ".." in arg for arg in spy.commands[-1])
    assert len(spy.blobs) == 1  # week 4's; week 5's is the work tree's file


def test_a_rewritten_history_is_read_again_whole(repo: Path) -> None:
    history(repo)
    git(repo, "reset", "-q", "--hard", "HEAD~2")
    write(repo, "content/objectives/grow.md", objective(135))
    commit(repo, "Week 3, again", "2026-01-19")
    assert [row[2] for row in summary(history(repo))] == [110, 130, 135]


def test_a_broken_cache_costs_time_not_correctness(repo: Path) -> None:
    first = history(repo)
    (repo / ".okrsite-cache/history.json").write_text("{not json")
    assert history(repo) == first


def test_a_repository_git_cannot_read_gives_no_history_and_says_why(repo: Path) -> None:
    blob = git(repo, "rev-parse", "HEAD~3:content/objectives/grow.md")
    (repo / ".git/objects" / blob[:2] / blob[2:]).unlink()
    found = history(repo)
    assert found.files == {} and found.problem == f"git history not read: blob {blob} is missing"


def test_a_version_that_does_not_parse_is_left_out(repo: Path) -> None:
    write(repo, "content/objectives/grow.md", "---\ntitle: [unclosed\n---\n")
    commit(repo, "Oops", "2026-01-20")
    write(repo, "content/objectives/grow.md", objective(160))
    commit(repo, "Fixed", "2026-01-21")
    assert [row[2] for row in summary(history(repo))] == [110, 130, 150, 160]


def test_a_cache_of_the_wrong_shape_is_read_again(repo: Path) -> None:
    first = history(repo)
    cache = repo / ".okrsite-cache/history.json"
    cache.write_text(cache.read_text().replace('"commits": [[', '"commits": [["x"], ['))
    assert history(repo) == first


def test_a_cache_cannot_pass_options_to_git(repo: Path, tmp_path: Path) -> None:
    first = history(repo)
    cache = repo / ".okrsite-cache/history.json"
    target = tmp_path / "written-by-git"
    data = json.loads(cache.read_text())
    data["payload"]["head"] = f"--output={target}"
    cache.write_text(json.dumps(data))
    assert history(repo) == first
    assert not list(tmp_path.glob("written-by-git*"))


def test_versions_the_shortcut_cannot_follow_are_parsed_whole(repo: Path) -> None:
    """An anchor makes front matter the value-line walk does not follow, and an added line
    changes the lines' places: each older version is then parsed, with the same values."""
    anchored = objective(150).replace("    start: 100\n", "    start: &floor 100\n")
    for current in (160, 170):
        write(repo, "content/objectives/grow.md", anchored.replace("current: 150", f"current: {current}"))
        commit(repo, f"Anchored {current}", f"2026-01-2{current // 10 - 10}")
    write(repo, "content/objectives/grow.md", anchored.replace("current: 150", "current: 180\n    unit: views"))
    commit(repo, "A line more", "2026-01-29")
    found = history(repo)
    assert [row[2] for row in summary(found)] == [110, 130, 150, 160, 170, 180]
    assert found.files["content/objectives/grow.md"][3].meta == kept(160)
