"""The footer says which commit a page was built from, and the same commit gives the same bytes."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from okrsite.commands.cli import main
from okrsite.content.provenance import commit_info


pytestmark = pytest.mark.usefixtures("isolated_git")


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    import os
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=120,
                            env={**os.environ, **(env or {})}, check=True)
    return result.stdout.strip()


def commit_all(repo: Path, message: str, when: str = "2026-02-10T09:30:00+01:00") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, env={"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when})
    return git(repo, "rev-parse", "HEAD")


def built_files(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def test_commit_info_is_the_short_hash_and_commit_date(small_site: Path) -> None:
    git(small_site, "init", "-q")
    full = commit_all(small_site, "Site", "2026-02-10T23:30:00-05:00")
    assert commit_info(small_site / "content") == {
        "commit": full[:7], "commit_full": full, "date": dt.date(2026, 2, 10)}  # the committer's own date


def test_no_commit_info_outside_a_repository_or_before_the_first_commit(small_site: Path) -> None:
    assert commit_info(small_site) is None
    git(small_site, "init", "-q")
    assert commit_info(small_site) is None


def test_no_commit_info_when_git_is_missing(small_site: Path, monkeypatch) -> None:
    git(small_site, "init", "-q")
    commit_all(small_site, "Site")
    monkeypatch.setenv("PATH", str(small_site / "no-such-bin"))
    assert commit_info(small_site) is None


def test_the_footer_names_the_commit_of_a_site_in_a_repository(small_site: Path) -> None:
    git(small_site, "init", "-q")
    (small_site / ".gitignore").write_text("/output/\n/.okrsite-cache/\n")
    full = commit_all(small_site, "Site")
    assert main(["build", "--quiet", "--config", str(small_site / "okrsite.yaml")]) == 0
    html = (small_site / "output/index.html").read_text()
    assert (f'Built from commit <code title="{full}">{full[:7]}</code> of 10 Feb 2026') in html


def test_the_footer_has_no_commit_line_outside_a_repository(small_site: Path) -> None:
    assert main(["build", "--quiet", "--config", str(small_site / "okrsite.yaml")]) == 0
    html = (small_site / "output/index.html").read_text()
    assert "Built from commit" not in html and "site-footer__build" not in html


def test_the_same_commit_gives_the_same_bytes_in_a_shallow_clone(small_site: Path, tmp_path: Path) -> None:
    """Without history from git (a shallow clone holds only part of it, and says so), the output
    depends on the commit alone."""
    config = small_site / "okrsite.yaml"
    config.write_text(config.read_text() + "history: false\n")
    git(small_site, "init", "-q")
    (small_site / ".gitignore").write_text("/output/\n/.okrsite-cache/\n")
    commit_all(small_site, "First")
    (small_site / "content/pages").mkdir()
    (small_site / "content/pages/about.md").write_text("---\ntitle: About\n---\nHello.\n")
    commit_all(small_site, "Second", "2026-02-12T10:00:00+00:00")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", small_site.as_uri(), str(clone))
    assert main(["build", "--quiet", "--config", str(small_site / "okrsite.yaml")]) == 0
    assert main(["build", "--quiet", "--config", str(clone / "okrsite.yaml")]) == 0
    original, cloned = built_files(small_site / "output"), built_files(clone / "output")
    assert original == cloned
    assert b"of 12 Feb 2026" in original["index.html"]


def test_a_shallow_clone_says_once_that_its_history_is_partial(small_site: Path, tmp_path: Path, capsys) -> None:
    git(small_site, "init", "-q")
    (small_site / ".gitignore").write_text("/output/\n/.okrsite-cache/\n")
    commit_all(small_site, "First")
    grow = small_site / "content/objectives/grow.md"
    grow.write_text(grow.read_text().replace("current: 150", "current: 160"))
    commit_all(small_site, "Second", "2026-02-12T10:00:00+00:00")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", small_site.as_uri(), str(clone))
    assert main(["build", "--config", str(clone / "okrsite.yaml")]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "partial" in line]
    assert len(warnings) == 1 and warnings[0].startswith("okrsite.yaml:1:1: warning: the git history is partial")
    assert "'git fetch --unshallow'" in warnings[0]  # a command that works (git refuses --depth 0)
