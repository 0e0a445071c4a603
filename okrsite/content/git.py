"""Running git at the edge: one place that starts git processes and says when not to.

Outside a repository no git process is started at all (a `.git` is looked for first),
and a git that is missing or fails is reported as GitError, never as a traceback. The
repository is the one the folder is in: GIT_DIR and its kin, which git hooks set (and
with which git takes the current folder for the top of the work tree), are left out.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path, PurePosixPath

GIT_PATH_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY")
# Options that keep output machine-readable whatever the user's configuration says.
_OPTIONS = ("-c", "core.quotePath=off", "-c", "log.showSignature=false", "-c", "color.ui=never",
            "-c", "i18n.logOutputEncoding=UTF-8")


class GitError(Exception):
    """git is missing, or a git command failed; the message is git's own."""


def in_work_tree(folder: Path) -> bool:
    """True when `folder` may be in a git work tree: a `.git` folder or file (worktrees,
    submodules) in it or above it. Starts no process."""
    return work_tree_top(folder) is not None


def work_tree_top(folder: Path) -> Path | None:
    """The nearest folder, `folder` or above, holding a `.git` folder or file; None outside git."""
    folder = folder.resolve()
    return next((candidate for candidate in (folder, *folder.parents) if (candidate / ".git").exists()), None)


def git(folder: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """The output of `git ARGS` run in `folder`; raises GitError."""
    env = {name: value for name, value in os.environ.items() if name not in GIT_PATH_VARIABLES}
    try:
        result = subprocess.run(["git", *_OPTIONS, *args], cwd=folder, input=stdin, capture_output=True,
                                env=env, check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        fatal = [line for line in lines if line.startswith("fatal: ")]  # (a hint may follow it: "git config ...")
        raise GitError((fatal or lines or [f"git {args[0]} failed"])[-1])
    return result.stdout


def tracked(root: Path, path: str) -> list[str]:
    """What git tracks at `path` (relative to `root`: the path itself, a link there, or files
    below it), relative to `root`; none outside a work tree, or without git."""
    if not in_work_tree(root):
        return []
    try:
        found = git(root, "ls-files", "-z", "--", f":(literal){path}")
    except GitError:
        return []
    return sorted(name.decode("utf-8", "surrogateescape") for name in found.split(b"\0") if name)


def read_blobs(folder: Path, ids: list[str]) -> dict[str, bytes]:
    """The contents of many blobs with one `git cat-file --batch`."""
    if not ids:
        return {}
    out = git(folder, "cat-file", "--batch", stdin="".join(f"{i}\n" for i in ids).encode())
    blobs: dict[str, bytes] = {}
    at = 0
    for blob_id in ids:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3:  # "<id> missing"
            raise GitError(f"blob {blob_id} is missing")
        size = int(header[2])
        blobs[blob_id] = out[end + 1:end + 1 + size]
        at = end + 1 + size + 1  # the content, then a newline
    return blobs


def export_files(top: Path, revision: str, folder: str, into: Path, keep: Callable[[str], bool]) -> int:
    """Write the regular files under `folder` (a path from the top of the repository) as they
    are at `revision` into `into`, at the same relative paths; return how many. Read with
    ls-tree and cat-file, so export attributes (`export-ignore`) do not apply."""
    listing = git(top, "ls-tree", "-r", "-z", "--full-tree", revision, "--", f":(literal){folder}")
    files: dict[str, str] = {}
    for entry in listing.decode("utf-8", "replace").split("\x00"):
        info, _, path = entry.partition("\t")
        mode, _, rest = info.partition(" ")
        parts = PurePosixPath(path).parts
        if mode in ("100644", "100755") and keep(path) and ".." not in parts and not path.startswith("/"):
            files[path] = rest.split()[1]
    blobs = read_blobs(top, sorted(set(files.values())))
    for folder in sorted({(into / path).parent for path in files}):  # each once, not once a file
        folder.mkdir(parents=True, exist_ok=True)
    for path, blob in files.items():
        (into / path).write_bytes(blobs[blob])
    return len(files)
