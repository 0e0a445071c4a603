"""Running one child process to its end: wall and CPU time, exit code, peak memory, its output.

Peak memory is the larger of the child's own peak (``os.wait4``'s ``ru_maxrss``, which also
covers any process it waited for) and the sum over the child's process tree sampled every
50 ms (worker processes run side by side). That sum counts a page that forked workers share
with their parent once per process; the tree's PSS (proportional set size, Linux: a shared
page split between the processes sharing it) is what the machine actually holds. Reading PSS
makes the kernel walk each process's page tables: sampled every 50 ms beside a cold build it
took 18-19 % of a core (RSS alone: 1 %), a core the build would use. So PSS is read only for
a sample whose RSS is above the largest PSS so far (PSS never exceeds RSS, so no other could
raise it), at most every 250 ms.
On Linux this process adopts the orphans of the processes it starts, so that a worker pool
outliving its build is counted too.
Standard library only.
"""

from __future__ import annotations

import compileall
import functools
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

REPO = pathlib.Path(__file__).resolve().parent.parent


@dataclass
class Run:
    """One timed thing: a command run to its end (or one save in a preview session)."""

    wall: float
    returncode: int
    maxrss_mb: float  # the child's own peak (ru_maxrss from wait4)
    tree_peak_mb: float  # the peak of the summed RSS of the child and its descendants, sampled
    cpu: float | None = 0.0  # user + system seconds of the child and the processes it waited for; None: unknown
    stdout: str = ""
    stderr: str = ""
    figures: dict = field(default_factory=dict)  # parsed from the summary line, plus output size
    tree_pss_mb: float = 0.0  # the peak of the summed PSS of the tree, sampled; 0: not known

    @property
    def peak_mb(self) -> float:
        return max(self.maxrss_mb, self.tree_peak_mb)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found.extend(int(x) for x in fh.read().split())
        except (OSError, ValueError):
            pass
    return found


def _kb(pid: int, name: str, key: str) -> int:
    """A figure in KB from a /proc file of the process (VmRSS: in status, Pss: in smaps_rollup)."""
    try:
        with open(f"/proc/{pid}/{name}") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """A process and its descendants."""
    pids, seen = [pid], []
    while pids:
        p = pids.pop()
        if p not in seen:
            seen.append(p)
            pids.extend(_children(p))
    return seen


def _sum_kb(pids: list[int], name: str, key: str) -> int:
    return sum(_kb(p, name, key) for p in pids)


PSS_EVERY = 0.25  # seconds at least between two readings of the tree's PSS


@functools.cache
def _subreaper() -> bool:
    """Linux: adopt the orphans of the processes we start (a build's worker pool or fork server
    may outlive it by a moment), so that their CPU time and peak memory are counted too. Done
    at the first measurement, not on import (report.py and tests import this module too)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _reap_orphans(deadline: float) -> tuple[float, float]:
    """Wait for adopted descendants; return their largest ru_maxrss (KB) and CPU seconds."""
    maxrss = cpu = 0.0
    while _subreaper():
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            if time.perf_counter() > deadline:
                break  # still running: leave it, the next measurement reaps it
            time.sleep(0.01)
            continue
        maxrss = max(maxrss, usage.ru_maxrss)
        cpu += usage.ru_utime + usage.ru_stime
    return maxrss, cpu


def measure(cmd: list[str], cwd: pathlib.Path, env: dict[str, str] | None = None,
            timeout: float = 1800) -> Run:
    """Run `cmd` to its end; its output goes to temporary files, not to a terminal."""
    _reap_orphans(0)  # anything left over from before is not this command's
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                start_new_session=True)
        done = threading.Event()
        peak = [0, 0]  # RSS, PSS
        timed_out = [False]

        def sample() -> None:
            pss_read = 0.0
            while not done.wait(0.05):
                pids = _tree(proc.pid)
                rss = _sum_kb(pids, "status", "VmRSS:")
                peak[0] = max(peak[0], rss)
                now = time.perf_counter()
                if rss > peak[1] and now - pss_read >= PSS_EVERY:  # PSS <= RSS: only then can it be higher
                    peak[1] = max(peak[1], _sum_kb(pids, "smaps_rollup", "Pss:"))
                    pss_read = now
                if time.perf_counter() - started > timeout and not timed_out[0]:
                    timed_out[0] = True
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except OSError:
                        pass

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        orphan_rss, orphan_cpu = _reap_orphans(time.perf_counter() + 10)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    maxrss = max(usage.ru_maxrss, orphan_rss) / (1024 * 1024 if sys.platform == "darwin" else 1024)  # KB here
    if timed_out[0]:
        stderr += f"\n(killed after {timeout:.0f} s)"
    cpu = usage.ru_utime + usage.ru_stime + orphan_cpu
    return Run(wall, proc.returncode, maxrss, peak[0] / 1024, cpu, stdout, stderr, tree_pss_mb=peak[1] / 1024)


def output_size(folder: pathlib.Path) -> dict:
    """Files and bytes under `folder` (apparent size, and disk usage as du counts it)."""
    files = size = blocks = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            files += 1
            size += st.st_size
            blocks += getattr(st, "st_blocks", 0) * 512
    return {"output_files": files, "output_mb": size / 1e6, "output_du_mb": blocks / 1e6}


_SUMMARY_FIGURES = {
    "pages": r"([\d,]+)\s+pages",
    "files": r"([\d,]+)\s+files",
    "written": r"([\d,]+)\s+written",
    "unchanged": r"([\d,]+)\s+unchanged",
    "removed": r"([\d,]+)\s+removed",
    "charts_drawn": r"([\d,]+)\s+(?:charts?\s+)?drawn",
    "charts_cached": r"([\d,]+)\s+(?:charts?\s+)?(?:cached|reused)",
}


def parse_summary(stdout: str) -> dict:
    """okrsite's one-line summary ("built 1864 pages, … (N written, …) … 12 charts drawn, 30 cached",
    or "up to date: 1864 pages, … unchanged" when nothing had changed)."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    line = next((x for x in reversed(lines) if x.lstrip().startswith(("built", "up to date"))),
                lines[-1] if lines else "")
    figures: dict = {"summary": line.strip()}
    if line.lstrip().startswith("up to date"):  # "up to date: N pages, M files unchanged": nothing written
        figures.update(written=0, removed=0, charts_drawn=0)
    for key, pattern in _SUMMARY_FIGURES.items():
        match = re.search(pattern, line)
        if match:
            figures[key] = int(match.group(1).replace(",", ""))
    match = re.search(r"\bin\s+([\d.]+)\s*s\b", line)
    if match:
        figures["reported_seconds"] = float(match.group(1))
    return figures


def log(message: str) -> None:
    """Progress goes to standard error; the tables to standard output."""
    print(message, file=sys.stderr, flush=True)


def okrsite_env() -> dict[str, str]:
    """The environment in which a child process imports the okrsite of this checkout, as an
    installed okrsite runs: from bytecode (compiled here once; a shell that sets
    PYTHONDONTWRITEBYTECODE would otherwise make each command compile okrsite from source)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(x for x in (str(REPO), env.get("PYTHONPATH", "")) if x)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(REPO / "okrsite", quiet=1)
    return env
