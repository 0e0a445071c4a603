"""Files replaced whole or not at all: a new file beside the target, renamed into place.

One helper for every writer that replaces a file others may read while it is written (the
chart cache shared by a build's processes, content files an import or a check-in rewrites):
a reader sees the old bytes or the new, never half of them, and a symbolic link at the target
is replaced, never followed. The new file is made as `open()` makes one, with the umask's
mode: `tempfile.mkstemp` makes it 0600, which left every chart an output links to the chart
cache unreadable to the web server that serves the output.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from pathlib import Path

# The name of a temporary file replace_file makes: what a writer stopped before its rename leaves.
_TEMPORARY = re.compile(r"\..+\.[0-9a-f]{12}\.tmp", re.DOTALL)

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def replace_file(path: Path, data: bytes, keep_mode: bool = False) -> None:
    """Make `path` hold `data`, through a temporary file in its folder (which must exist). The new
    file's mode is 0666 less the umask, or with `keep_mode` that of the regular file it replaces
    (content a person edits: a check-in, an import with --force). OSError when it cannot be done;
    the temporary file is gone then."""
    mode = None
    if keep_mode:
        with contextlib.suppress(FileNotFoundError):
            found = path.lstat()
            mode = stat.S_IMODE(found.st_mode) if stat.S_ISREG(found.st_mode) else None
    while True:
        temporary = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")  # (_TEMPORARY)
        try:
            handle = os.open(temporary, _CREATE, 0o666)
        except FileExistsError:  # another writer's name, or one a stopped writer left
            continue
        break
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


STALE_SECONDS = 600  # a temporary file older than this is no write's under way


def left_behind(path: Path, seconds: float = STALE_SECONDS) -> bool:
    """`path` is a temporary file of replace_file's, older than `seconds`: one a writer stopped
    before its rename left (no write under way takes that long), never a file of someone else's."""
    if not _TEMPORARY.fullmatch(path.name):
        return False
    try:
        return time.time() - path.lstat().st_mtime > seconds
    except OSError:
        return False
