"""What says an input file may have changed since it was last read, without reading it.

Size and modification time alone miss an edit that keeps the size when the time is set back:
`cp -p`, `rsync -a`, `tar` and `unzip` give a file its source's time, and a check-in that turns
42 into 47 keeps the size. The change time (ctime) is set by the system on every write, rename
or copy, and no tool sets it back. It also moves when only a file's metadata changes (chmod,
a new hard link): then the file is read and hashed again, and found the same.

Output files are stamped by size and mtime only (okrsite.build.state.file_stamp): the output
links the caches' files, and each link moves the file's ctime.
"""

from __future__ import annotations

import os

Stamp = tuple[int, int, int]


def input_stamp(status: os.stat_result) -> Stamp:
    """Size, mtime and ctime (ns) of an input file: the same stamp, the same bytes."""
    return status.st_size, status.st_mtime_ns, status.st_ctime_ns
