"""Where a build came from: the git commit of the site folder, for the page footer.

Only facts of the commit itself go into the output (hash and commit date), never
the wall clock, so building the same commit twice gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TypedDict

from okrsite.content.git import GitError, git, in_work_tree

SHORT_HASH = 7  # fixed, not git's %h: its length grows with the repository, so a shallow CI clone would differ


class BuildInfo(TypedDict):
    commit: str  # short hash, "3f9c2ab"
    commit_full: str  # 40 hex digits
    date: dt.date  # commit date, in the committer's time zone


def commit_info(folder: Path) -> BuildInfo | None:
    """The last commit of the repository `folder` is in; None outside a repository,
    before the first commit, or when git is not installed."""
    if not in_work_tree(folder):
        return None
    try:
        fields = git(folder, "log", "-1", "--format=%H %cI").decode("utf-8", "replace").split()
    except GitError:
        return None
    if len(fields) != 2:
        return None
    full, stamp = fields
    try:
        date = dt.date.fromisoformat(stamp[:10])
    except ValueError:
        return None
    return BuildInfo(commit=full[:SHORT_HASH], commit_full=full, date=date)
