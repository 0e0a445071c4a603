"""Real git repositories for tests: commits at fixed dates, by named authors (use with the
isolated_git fixture, so no machine configuration leaks in)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=120,
                            env={**os.environ, **(env or {})})
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stdout}{result.stderr}"
    return result.stdout.strip()


def commit(repo: Path, message: str, date: str, author: str = "Test") -> str:
    """Commit everything, dated `date` (YYYY-MM-DD, noon UTC, or a full ISO time); the full id."""
    when = date if "T" in date else f"{date}T12:00:00+00:00"
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message,
        env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": author,
             "GIT_COMMITTER_NAME": author})
    return git(repo, "rev-parse", "HEAD")


def init(repo: Path) -> Path:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    return repo
