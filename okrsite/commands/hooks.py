"""`okrsite hook install|uninstall|run`: rebuild (and publish) the site after each commit.

The git hook itself is a few lines of shell that call `python -m okrsite hook run`
with the interpreter that installed it; everything else happens here, in Python.

An existing post-commit hook is never replaced: our block, between two marker
lines, goes right after its `#!` line (so an `exit` or `exec` at the end of the
existing script cannot skip it), and `uninstall` removes exactly that block. A
hook that is not a shell script is left alone; we print the line to add instead.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import stat
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from okrsite.build.builder import BuildOptions, build
from okrsite.content.config import load_config
from okrsite.content.git import GIT_PATH_VARIABLES, GitError, git, in_work_tree
from okrsite.diagnostics import BuildFailed, Diagnostics

HOOK_NAME = "post-commit"
BEGIN = "# >>> okrsite: rebuild the site after each commit (okrsite hook install) >>>"
END = "# <<< okrsite: remove with 'okrsite hook uninstall' <<<"
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "ash"})


class HookError(Exception):
    """The hook cannot be installed or removed; the message says why and what to do."""


@dataclass(frozen=True)
class HookChange:
    path: Path
    action: str  # "created", "updated", "added to the existing hook", "removed", "removed our block", "absent"

    def __str__(self) -> str:
        if self.action == "absent":
            return f"no okrsite hook in {self.path}: nothing to remove"
        return f"{self.action}: {self.path}"


def _git(folder: Path, *args: str) -> str:
    if not in_work_tree(folder):
        raise HookError(f"{folder} is not in a git repository (run 'git init' there first)")
    try:
        return git(folder, *args).decode("utf-8", "surrogateescape").strip()
    except GitError as exc:  # git's own words: "detected dubious ownership in repository at ...", say
        raise HookError(f"git cannot tell where the hooks of {folder} go: {exc}") from None


@contextlib.contextmanager
def _hook_file() -> Iterator[None]:
    """A hook file or folder that cannot be read or written (a core.hooksPath under a file, a
    post-commit that is a folder) is said, as any other reason the hook cannot be changed."""
    try:
        yield
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        raise HookError(f"cannot change the hook{where}: {exc.strerror or exc}") from None


def hook_path(site_root: Path) -> Path:
    """Where git looks for the post-commit hook: respects core.hooksPath and worktrees."""
    hooks = Path(_git(site_root, "rev-parse", "--git-path", "hooks"))
    return (site_root / hooks).resolve() / HOOK_NAME


def hook_block(config_path: Path, worktree: Path, python: str) -> str:
    """The lines we add. Git runs post-commit hooks at the top of the working tree, so
    the config path is relative to it: the hook keeps working in every worktree. `-P`: nothing
    is imported from there (an `okrsite/` or `yaml.py` someone committed is content, not code)."""
    config = config_path.resolve()
    try:
        config_arg = config.relative_to(worktree.resolve()).as_posix()
    except ValueError:
        config_arg = config.as_posix()
    py = shlex.quote(python)
    return (f"{BEGIN}\n"
            f"if [ -x {py} ]; then\n"
            f"  {py} -P -m okrsite hook run --config {shlex.quote(config_arg)} || true\n"
            f"else\n"
            f"  echo {shlex.quote(f'okrsite hook: {python} is gone; run okrsite hook install again')} >&2\n"
            f"fi\n"
            f"{END}\n")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="surrogateescape")


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", errors="surrogateescape")


def _our_block(lines: list[str]) -> tuple[int, int] | None:
    """Line indexes of our BEGIN and END markers, if present."""
    stripped = [line.rstrip("\r\n") for line in lines]
    if BEGIN not in stripped:
        return None
    start = stripped.index(BEGIN)
    end = stripped.index(END, start) if END in stripped[start:] else start
    return start, end


def _is_shell_script(first_line: str) -> bool:
    if not first_line.startswith("#!"):
        return False
    words = first_line[2:].split()
    if not words:
        return False
    program = Path(words[0]).name
    if program == "env":
        program = next((w for w in words[1:] if not w.startswith("-")), "")
    return program in SHELLS


def install(config_path: Path, python: str | None = None) -> HookChange:
    """Add our block to the post-commit hook of the repository the site is in."""
    site_root = config_path.resolve().parent
    path = hook_path(site_root)
    worktree = Path(_git(site_root, "rev-parse", "--show-toplevel"))
    block = hook_block(config_path, worktree, python or Path(sys.executable).as_posix())
    with _hook_file():
        return _add(path, block)


def _add(path: Path, block: str) -> HookChange:
    text = _read(path) if path.is_file() else ""
    if not text.strip():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, "#!/bin/sh\n" + block)
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return HookChange(path, "created")
    lines = text.splitlines(keepends=True)
    found = _our_block(lines)
    if found is not None:
        start, end = found
        _write(path, "".join(lines[:start]) + block + "".join(lines[end + 1:]))
        return HookChange(path, "updated")
    command = block.splitlines()[2].strip()
    if not _is_shell_script(lines[0]):
        raise HookError(f"{path} already exists and is not a shell script, so okrsite leaves it alone; "
                        f"add this command to it yourself:\n  {command}")
    if not os.access(path, os.X_OK):
        raise HookError(f"{path} already exists but is not executable, so git ignores it; okrsite leaves "
                        "it alone: delete it or make it executable, then run 'okrsite hook install' again")
    first = lines[0] if lines[0].endswith("\n") else lines[0] + "\n"
    _write(path, first + block + "".join(lines[1:]))
    return HookChange(path, "added to the existing hook")


def uninstall(config_path: Path) -> HookChange:
    """Remove exactly the block install() added; delete the hook if nothing else is left."""
    path = hook_path(config_path.resolve().parent)
    with _hook_file():
        return _remove(path)


def _remove(path: Path) -> HookChange:
    if not path.is_file():
        return HookChange(path, "absent")
    lines = _read(path).splitlines(keepends=True)
    found = _our_block(lines)
    if found is None:
        return HookChange(path, "absent")
    start, end = found
    rest = lines[:start] + lines[end + 1:]
    if all(not line.strip() or line.startswith("#!") for line in rest):
        path.unlink()
        return HookChange(path, "removed")
    _write(path, "".join(rest))
    return HookChange(path, "removed our block")


def _absolute_git_environment() -> None:
    """Git hands hooks some paths relative to the top of the working tree; the build and
    the publish command run elsewhere (the site folder), so make them absolute."""
    for name in GIT_PATH_VARIABLES:
        value = os.environ.get(name)
        if value and not os.path.isabs(value):
            os.environ[name] = os.path.abspath(value)


def run(config_path: Path) -> int:
    """What the hook runs: build, then publish if the build succeeded. Always 0: the
    commit is already made, and a failing hook must not look like a failed commit."""
    _absolute_git_environment()
    say = "okrsite hook:"
    if not config_path.is_file():
        print(f"{say} no site configuration at {config_path}: the site was not rebuilt "
              "(move the site back, or run 'okrsite hook uninstall')", file=sys.stderr)
        return 0
    try:
        report = build(BuildOptions(config_path))
    except BuildFailed as failed:
        for item in failed.diagnostics:
            print(item, file=sys.stderr)
        errors = sum(d.severity == "error" for d in failed.diagnostics)
        print(f"{say} the site was NOT rebuilt ({errors} error(s) above); your commit is kept. "
              "Fix the content and commit again.", file=sys.stderr)
        return 0
    except Exception:  # a bug in okrsite must not hide that the commit itself went through
        traceback.print_exc()
        print(f"{say} okrsite crashed while building; the site was not rebuilt, your commit is kept.",
              file=sys.stderr)
        return 0
    for item in report.warnings:
        print(item, file=sys.stderr)
    print(f"{say} {report.summary()}")
    config = load_config(config_path, Diagnostics())
    if config is None or not config.publish:
        return 0
    print(f"{say} publishing: {config.publish}")
    env = {**os.environ, "OKRSITE_OUTPUT": str(report.output)}
    try:
        result = subprocess.run(config.publish, shell=True, cwd=config.root, env=env, check=False)
    except OSError as exc:
        print(f"{say} the publish command could not start: {exc}", file=sys.stderr)
        return 0
    if result.returncode != 0:
        print(f"{say} the publish command failed (exit {result.returncode}); the site was built "
              f"in {report.output} but not published.", file=sys.stderr)
    return 0
