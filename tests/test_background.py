"""Work done in a forked process beside the build (okrsite.build.background): a result nobody
asks for any more never keeps its process alive."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The build dies (killed, or its preview stopped mid-build) while its forked process sends a
# result larger than a pipe holds: the send must fail, not wait for a reader that is gone.
DIES_UNASKED = """
import multiprocessing, os
from okrsite.build import background
pending = background.start(lambda: b"x" * 5_000_000)
print(multiprocessing.active_children()[0].pid, flush=True)
os._exit(0)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has ended: only its exit status is left


def test_a_result_nobody_will_read_ends_its_process() -> None:
    out = subprocess.run([sys.executable, "-c", DIES_UNASKED], capture_output=True, text=True, timeout=60,
                         cwd=REPO, check=True)
    pid = int(out.stdout)
    deadline = time.monotonic() + 20
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(pid), "the forked process still waits to send its result"
