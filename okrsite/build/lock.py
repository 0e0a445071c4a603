"""One build of a site at a time: a build holds a lock in the site's cache folder from the moment
its content has checked out until its output and state are written.

Two builds at once (a manual build beside `okrsite serve`, a git hook beside a CI job on one
machine) shared one staging folder and failed with errors about its files; one that read the last
build's state before the other wrote its own could keep a page the other had just changed. The
lock is an advisory `flock` on a file of the cache: the system releases it when its process ends,
however it ends, so no stale lock is ever left to remove by hand. Where there is no flock (Windows),
builds are not held apart.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = "build.lock"  # in the cache folder; it holds the process id of the build holding it


@contextlib.contextmanager
def one_build_at_a_time(cache_dir: Path, waiting: Callable[[str], None]) -> Iterator[bool]:
    """Hold the site's build lock for the block; yields whether another build held it first (then
    what that build wrote is what this one starts from). `waiting` is told once, with the other
    build's process id, before this one waits for it."""
    if fcntl is None:
        yield False
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(cache_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        waited = False
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip() or "?"
            waiting(holder)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            waited = True
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, str(os.getpid()).encode(), 0)
        yield waited
    finally:
        os.close(descriptor)  # (the lock goes with it)
