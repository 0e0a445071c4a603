#!/usr/bin/env python3
"""Time `okrsite build` on synthetic companies, next to Pelican, MkDocs and Hugo.

    python benchmarks/run.py                 # 100 and 1,000 objectives, 3 runs each
    python benchmarks/run.py --large         # and 5,000 objectives
    python benchmarks/run.py --install       # first install the peer tools it lacks

For each size it writes the synthetic company of ``benchmarks/generate.py``
into a temporary folder and runs ``python -m okrsite build`` as a child process
(the okrsite of this repository: its root goes first on PYTHONPATH):

- cold: ``.okrsite-cache/`` and ``output/`` deleted first;
- no-op: again, with nothing changed;
- one objective edited: a check-in appended to one key result of one
  objective (its title changed where no objective has a check-in to extend),
  with a later mtime; the file is restored and the site rebuilt, untimed,
  before the next run, so every run starts from the same state;
- fresh clone, cache restored: as CI runs it, the site copied into another
  folder (every mtime new, no ``output/``) with the ``.okrsite-cache/`` of the
  last build of the same content beside it (untimed, before each run);

once as generated (charts on) and once with ``charts: {enabled: false}`` in
okrsite.yaml (the page-only cost). Then the same objectives and projects as
plain Markdown pages (``benchmarks/plain_corpus.py``) go through Pelican,
MkDocs and Hugo, each from an empty output folder; their times are shown as
ratios to okrsite's cold page-only build.

Reported per scenario: the median wall time of ``--runs`` runs (Python's start
and imports included, as a user waits for them) and the range, the peak
resident memory, and what okrsite's summary line says (charts drawn, files
written; "–" where it does not say), with the output's size. Peak memory is
the larger of the child's own peak (``os.wait4``'s ``ru_maxrss``, which also
covers any process it waited for) and the sum over the child's process tree
sampled every 50 ms (worker processes run side by side).

It is a script, not a test: nothing here runs in CI. Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402  (benchmarks/generate.py)
from plain_corpus import write_plain_sites  # noqa: E402

SIZES = (100, 1000)
LARGE = 5000
TARGET_SIZE = 1000
PEERS_VENV = pathlib.Path(os.environ.get("OKRSITE_BENCH_VENV", "~/.cache/okrsite-bench/peers")).expanduser()
PEER_PACKAGES = ("pelican[markdown]", "mkdocs")
CHARTS_OFF = "charts: {enabled: false}\n"
DASH = "–"


# --------------------------------------------------------------------------
# Running one child process: wall time, exit code, peak memory, output
# --------------------------------------------------------------------------

@dataclass
class Run:
    wall: float
    returncode: int
    maxrss_mb: float  # the child's own peak (ru_maxrss from wait4)
    tree_peak_mb: float  # the peak of the summed RSS of the child and its descendants, sampled
    cpu: float = 0.0  # user + system seconds of the child and the processes it waited for
    stdout: str = ""
    stderr: str = ""
    figures: dict = field(default_factory=dict)  # parsed from the summary line, plus output size

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


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _tree_rss_kb(pid: int) -> int:
    pids, seen, total = [pid], set(), 0
    while pids:
        p = pids.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _rss_kb(p)
        pids.extend(_children(p))
    return total


def _become_subreaper() -> bool:
    """Linux: adopt the orphans of the processes we start (a build's worker pool or fork server
    may outlive it by a moment), so that their CPU time and peak memory are counted too."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


SUBREAPER = _become_subreaper()


def _reap_orphans(deadline: float) -> tuple[float, float]:
    """Wait for adopted descendants; return their largest ru_maxrss (KB) and CPU seconds."""
    maxrss = cpu = 0.0
    while SUBREAPER:
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
        peak = [0]
        timed_out = [False]

        def sample() -> None:
            while not done.wait(0.05):
                peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
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
    return Run(wall, proc.returncode, maxrss, peak[0] / 1024, cpu, stdout, stderr)


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


# --------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------

@dataclass
class Scenario:
    name: str
    tool: str  # "okrsite", "pelican", "mkdocs", "hugo"
    runs: list[Run] = field(default_factory=list)
    error: str = ""
    note: str = ""

    def good(self) -> list[Run]:
        return [r for r in self.runs if r.ok]

    @property
    def median(self) -> float | None:
        good = self.good()
        return statistics.median(r.wall for r in good) if good and not self.error else None

    def figure(self, key: str, how=max):
        values = [r.figures[key] for r in self.good() if key in r.figures]
        return how(values) if values else None

    def as_json(self) -> dict:
        return {
            "name": self.name, "tool": self.tool, "error": self.error, "note": self.note,
            "median_s": self.median,
            "runs": [{"wall_s": round(r.wall, 4), "cpu_s": round(r.cpu, 3), "returncode": r.returncode,
                      "maxrss_mb": round(r.maxrss_mb, 1), "tree_peak_mb": round(r.tree_peak_mb, 1),
                      **r.figures} for r in self.runs],
        }


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def okrsite_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(x for x in (str(REPO), env.get("PYTHONPATH", "")) if x)
    return env


class ObjectiveEdit:
    """One objective file, edited and restored in turn, each time with a later mtime. Each edit
    is a different one (the n-th appends a different value), so its charts are really drawn
    again rather than found in the chart cache from the previous run."""

    def __init__(self, site: pathlib.Path, as_of: dt.date):
        self.path, self.edited, self.description = self._choose(site, as_of)
        self.original = self.path.read_bytes()
        self.mtime_ns = max(self.path.stat().st_mtime_ns, time.time_ns())
        self.count = 0

    @staticmethod
    def _choose(site: pathlib.Path, as_of: dt.date) -> tuple[pathlib.Path, Callable[[int], bytes], str]:
        """Append a check-in dated as_of to the first metric KR (in file order) of an objective
        in as_of's quarter whose last check-in is earlier; else change the first title."""
        quarter = f"period: {as_of.year}-Q{(as_of.month - 1) // 3 + 1}"
        checkin = re.compile(r"^(\s+)- \{date: (\d{4}-\d\d-\d\d), value: (-?[\d.]+)")
        paths = sorted((site / "content" / "objectives").rglob("*.md"))
        for path in paths:
            lines = path.read_text(encoding="utf-8").split("\n")
            if quarter not in lines:
                continue
            for i, line in enumerate(lines):
                match = checkin.match(line)
                if not match or (i + 1 < len(lines) and checkin.match(lines[i + 1])):
                    continue  # not the last check-in of its list
                following = lines[i + 1].lstrip() if i + 1 < len(lines) else ""
                if dt.date.fromisoformat(match.group(2)) >= as_of or following.startswith("- {"):
                    continue  # dated as_of already, or followed by a check-in without a value
                value = float(match.group(3))
                step = max(abs(value) * 0.01, 0.01)

                def edited(n: int, lines=lines, i=i, indent=match.group(1), value=value, step=step) -> bytes:
                    added = (f"{indent}- {{date: {as_of.isoformat()}, value: {round(value + step * n, 2):g}, "
                             f"confidence: 0.5, note: \"benchmark edit\"}}")
                    return "\n".join(lines[:i + 1] + [added] + lines[i + 1:]).encode("utf-8")

                rel = path.relative_to(site).as_posix()
                return path, edited, f"one check-in appended in {rel} (another value each run)"
        path = paths[0]
        text = path.read_text(encoding="utf-8")

        def retitled(n: int) -> bytes:
            return re.sub(r'^title: "?(.*?)"?$', rf'title: "\1 (edited {n})"', text, count=1, flags=re.M).encode()

        return path, retitled, f"title changed in {path.relative_to(site).as_posix()}"

    def _write(self, data: bytes) -> None:
        self.path.write_bytes(data)
        self.mtime_ns = max(self.mtime_ns, time.time_ns()) + 2_000_000_000  # always later, never equal
        os.utime(self.path, ns=(self.mtime_ns, self.mtime_ns))

    def apply(self) -> None:
        self.count += 1
        self._write(self.edited(self.count))

    def restore(self) -> None:
        self._write(self.original)


class OkrsiteBench:
    def __init__(self, site: pathlib.Path, runs: int, build_args: list[str], timeout: float):
        self.site, self.runs, self.timeout = site, runs, timeout
        self.config = site / "okrsite.yaml"
        self.original_config = self.config.read_text(encoding="utf-8")
        self.build_args = build_args
        self.env = okrsite_env()
        match = re.search(r"^as_of:\s*(\d{4}-\d\d-\d\d)", self.original_config, re.M)
        self.edit = ObjectiveEdit(site, dt.date.fromisoformat(match.group(1)) if match else dt.date.today())

    def clear(self) -> None:
        for name in (".okrsite-cache", "output"):
            shutil.rmtree(self.site / name, ignore_errors=True)

    def build(self, site: pathlib.Path | None = None) -> Run:
        """One `okrsite build` of this site, or of a copy of it in `site`."""
        site = site or self.site
        cmd = [sys.executable, "-m", "okrsite", "build", "--config", str(site / "okrsite.yaml"), *self.build_args]
        run = measure(cmd, site, self.env, self.timeout)
        run.figures = {**parse_summary(run.stdout), **output_size(site / "output")}
        return run

    def fresh_clone(self) -> pathlib.Path:
        """The site as a CI job has it: checked out into another folder (copied without
        keeping mtimes), no output/, and .okrsite-cache/ restored from the last build (as
        actions/cache restores it: mtimes kept)."""
        clone = self.site.parent / "fresh-clone"
        shutil.rmtree(clone, ignore_errors=True)
        shutil.copytree(self.site, clone, copy_function=shutil.copyfile,
                        ignore=shutil.ignore_patterns("output", ".okrsite-cache"))
        shutil.copytree(self.site / ".okrsite-cache", clone / ".okrsite-cache")
        return clone

    def scenario(self, scenario: Scenario, before=None) -> Scenario:
        for i in range(self.runs):
            if before:
                before()
            self.scenario_once(scenario, i)
            if scenario.error:
                break
        return scenario

    def variant(self, charts: bool) -> list[Scenario]:
        label = "charts" if charts else "charts off"
        self.config.write_text(self.original_config + ("" if charts else CHARTS_OFF), encoding="utf-8")
        cold = self.scenario(Scenario(f"okrsite cold, {label}", "okrsite"), before=self.clear)
        noop = Scenario(f"okrsite no-op, {label}", "okrsite")
        edit = Scenario(f"okrsite one objective edited, {label}", "okrsite", note=self.edit.description)
        clone = Scenario(f"okrsite fresh clone, cache restored, {label}", "okrsite")
        scenarios = [cold, noop, edit, clone]
        if cold.error:
            noop.error = edit.error = clone.error = "cold build failed"
            return scenarios
        self.scenario(noop)
        if noop.error:
            edit.error = clone.error = "no-op build failed"
            return scenarios

        def settle() -> None:  # untimed: back to the unedited site, built
            self.edit.restore()
            if self.build().returncode != 0:
                log("    the rebuild after restoring the edited objective failed")

        try:
            for i in range(self.runs):
                self.edit.apply()
                self.scenario_once(edit, i)
                if edit.error:
                    break
                if i + 1 < self.runs:
                    settle()
        finally:
            self.edit.restore()
        settle()  # the cache of the unedited site: a clone of the same content draws no chart
        for i in range(self.runs):
            self.scenario_once(clone, i, self.fresh_clone())
            if clone.error:
                break
        shutil.rmtree(self.site.parent / "fresh-clone", ignore_errors=True)
        return scenarios

    def scenario_once(self, scenario: Scenario, i: int, site: pathlib.Path | None = None) -> None:
        run = self.build(site)
        scenario.runs.append(run)
        log(f"    {scenario.name}: run {i + 1}/{self.runs}: {run.wall:.2f} s"
            + ("" if run.ok else f", exit {run.returncode}"))
        if not run.ok:
            scenario.error = f"exit {run.returncode}"
            tail = "\n".join((run.stderr or run.stdout).strip().splitlines()[-8:])
            log(f"    okrsite failed (exit {run.returncode}):\n{tail}")

    def all(self) -> list[Scenario]:
        try:
            return self.variant(charts=True) + self.variant(charts=False)
        finally:
            self.config.write_text(self.original_config, encoding="utf-8")

    def profile(self, dest: pathlib.Path, objectives: int) -> list[pathlib.Path]:
        """One cold build under cProfile with charts as generated, one with charts off; writes
        okrsite-<n>[-charts-off].prof and a .txt of the top 25 functions by cumulative and by own
        time. cProfile sees the main process only: charts drawn in worker processes show as waiting."""
        import io
        import pstats

        dest.mkdir(parents=True, exist_ok=True)
        reports = []
        try:
            for suffix, extra in (("", ""), ("-charts-off", CHARTS_OFF)):
                self.config.write_text(self.original_config + extra, encoding="utf-8")
                prof = dest / f"okrsite-{objectives}{suffix}.prof"
                self.clear()
                cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "okrsite", "build", "--quiet",
                       "--config", str(self.config)]
                run = measure(cmd, self.site, self.env, self.timeout)
                text = io.StringIO()
                text.write(f"# cProfile of one cold build, {objectives} objectives{suffix.replace('-', ' ')}: "
                           f"{run.wall:.2f} s wall under the profiler, exit {run.returncode}\n")
                if prof.exists():
                    for key in ("cumulative", "tottime"):
                        text.write(f"\n## top 25 by {key}\n")
                        pstats.Stats(str(prof), stream=text).strip_dirs().sort_stats(key).print_stats(25)
                report = prof.with_suffix(".txt")
                report.write_text(text.getvalue(), encoding="utf-8")
                reports.append(report)
        finally:
            self.config.write_text(self.original_config, encoding="utf-8")
        return reports


# --------------------------------------------------------------------------
# Peer tools
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Peer:
    name: str
    how_to_install: str

    def executable(self) -> str | None:
        if self.name in ("pelican", "mkdocs"):
            candidate = PEERS_VENV / "bin" / self.name
            if candidate.exists():
                return str(candidate)
        return shutil.which(self.name)

    def command(self, exe: str) -> list[str]:
        return {"pelican": [exe, "content", "-o", "out", "-s", "pelicanconf.py"],
                "mkdocs": [exe, "build"],
                "hugo": [exe, "--quiet"]}[self.name]

    def output_dirs(self) -> tuple[str, ...]:
        return {"pelican": ("out",), "mkdocs": ("site",), "hugo": ("public", "resources")}[self.name]

    def version(self, exe: str) -> str:
        cmd = [exe, "version"] if self.name == "hugo" else [exe, "--version"]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"
        first = out.splitlines()[0] if out else ""
        match = re.search(r"v?(\d+\.\d+(?:\.\d+)?)", first)
        return match.group(1) if match else (first or "?")


PEERS = (
    Peer("pelican", f'python -m venv {PEERS_VENV} && {PEERS_VENV}/bin/pip install "pelican[markdown]"'),
    Peer("mkdocs", f"python -m venv {PEERS_VENV} && {PEERS_VENV}/bin/pip install mkdocs"),
    Peer("hugo", "sudo apt-get install -y hugo   (Debian/Ubuntu; elsewhere see https://gohugo.io/installation/)"),
)


def install_peers() -> None:
    """pip-install Pelican and MkDocs into their own virtual environment (so that they do not
    change the packages okrsite runs with), apt-get install Hugo."""
    def run(cmd: list[str]) -> bool:
        log("$ " + " ".join(cmd))
        return subprocess.run(cmd).returncode == 0

    if not all(Peer(n, "").executable() for n in ("pelican", "mkdocs")):
        if not (PEERS_VENV / "bin" / "python").exists():
            run([sys.executable, "-m", "venv", str(PEERS_VENV)])
        run([str(PEERS_VENV / "bin" / "python"), "-m", "pip", "install", *PEER_PACKAGES])
    if not shutil.which("hugo"):
        apt = shutil.which("apt-get")
        if apt is None:
            log("hugo: no apt-get here; see https://gohugo.io/installation/")
            return
        sudo = [] if os.geteuid() == 0 else (["sudo"] if shutil.which("sudo") else None)
        if sudo is None:
            log("hugo: needs root to apt-get install; run: sudo apt-get install -y hugo")
            return
        if not run(sudo + [apt, "install", "-y", "hugo"]):
            run(sudo + [apt, "update"]) and run(sudo + [apt, "install", "-y", "hugo"])


def peer_scenarios(plain: pathlib.Path, runs: int, timeout: float, found: dict[str, str]) -> list[Scenario]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    scenarios = []
    for peer in PEERS:
        scenario = Scenario(f"{peer.name} (plain Markdown pages)", peer.name)
        exe = found.get(peer.name)
        if exe is None:
            scenario.error = "not installed"
            scenarios.append(scenario)
            continue
        folder = plain / peer.name
        for i in range(runs):
            for name in peer.output_dirs():
                shutil.rmtree(folder / name, ignore_errors=True)
            run = measure(peer.command(exe), folder, env, timeout)
            run.figures = output_size(folder / peer.output_dirs()[0])
            scenario.runs.append(run)
            log(f"    {scenario.name}: run {i + 1}/{runs}: {run.wall:.2f} s"
                + ("" if run.ok else f", exit {run.returncode}"))
            if not run.ok:
                scenario.error = f"exit {run.returncode}"
                log("\n".join((run.stderr or run.stdout).strip().splitlines()[-8:]))
                break
        scenarios.append(scenario)
    return scenarios


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def machine_info(found: dict[str, str]) -> dict:
    cpu = "?"
    mem = "?"
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "?")
        with open("/proc/meminfo") as fh:
            kb = next((int(line.split()[1]) for line in fh if line.startswith("MemTotal:")), 0)
            mem = f"{kb / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    version = subprocess.run([sys.executable, "-m", "okrsite", "--version"], capture_output=True, text=True,
                             env=okrsite_env(), cwd=REPO).stdout.strip() or "?"
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        commit = (commit + (" + uncommitted changes" if dirty else "")) if commit else "?"
    except OSError:
        commit = "?"
    return {
        "nproc": affinity, "cpu_count": os.cpu_count(), "cpu": cpu, "memory": mem,
        "platform": platform.platform(), "python": f"{platform.python_implementation()} {platform.python_version()}",
        "okrsite": version, "okrsite_commit": commit, "okrsite_path": str(REPO),
        "peers": {name: Peer(name, "").version(exe) for name, exe in found.items()},
        "date": dt.datetime.now().isoformat(timespec="seconds"),
    }


def _load() -> float:
    """The 1-minute load average: other work on the machine slows the wall times down."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return 0.0


def _num(value, fmt: str = "{:,}") -> str:
    return DASH if value is None else fmt.format(value)


def table(scenarios: list[Scenario], reference: float | None) -> str:
    rows = ["| scenario | median s | min–max s | CPU s | peak RSS MB | charts drawn | files written | output "
            "| × okrsite page-only |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for sc in scenarios:
        good = sc.good()
        if sc.error or not good:
            rows.append(f"| {sc.name} | {sc.error or 'no run'} | | | | | | | |")
            continue
        walls = [r.wall for r in good]
        median = statistics.median(walls)
        peak = max(r.peak_mb for r in good)
        drawn = sc.figure("charts_drawn")
        written = sc.figure("written")
        last = good[-1].figures
        output = (f"{last['output_mb']:.1f} MB, {last['output_files']:,} files"
                  if last.get("output_files") else DASH)
        ratio = DASH if not reference else f"{median / reference:.2f}×"
        cpu = statistics.median(r.cpu for r in good)
        rows.append(f"| {sc.name} | {median:.2f} | {min(walls):.2f}–{max(walls):.2f} | {cpu:.2f} | {peak:.0f} "
                    f"| {_num(drawn)} | {_num(written)} | {output} | {ratio} |")
    return "\n".join(rows)


def targets(scenarios: list[Scenario]) -> list[tuple[bool | None, str]]:
    by = {sc.name: sc for sc in scenarios}

    def med(name: str) -> float | None:
        sc = by.get(name)
        return sc.median if sc else None

    def seconds(value: float | None) -> str:
        return "not measured" if value is None else f"{value:.2f} s"

    def within(value: float | None, limit: float) -> bool | None:
        return None if value is None else value <= limit

    lines = []
    cold = med("okrsite cold, charts")
    lines.append((within(cold, 40), f"cold build with charts ≤ 40 s: {seconds(cold)}"))
    page_only = med("okrsite cold, charts off")
    lines.append((within(page_only, 4), f"cold build, charts off ≤ 4 s: {seconds(page_only)}"))

    noop = by.get("okrsite no-op, charts")
    noop_s = med("okrsite no-op, charts")
    ok = within(noop_s, 1.5)
    details = []
    if noop and noop.good():
        written, drawn = noop.figure("written"), noop.figure("charts_drawn")
        details.append(f"{_num(written)} files written")
        details.append(f"{_num(drawn)} charts drawn" if drawn is not None else "charts drawn not reported")
        if ok is not None:
            ok = ok and written == 0 and not drawn
    off = med("okrsite no-op, charts off")
    lines.append((ok, f"no-op rebuild ≤ 1.5 s, draws no chart, rewrites no file: {seconds(noop_s)}"
                  + (f" ({', '.join(details)})" if details else "")
                  + (f"; charts off {seconds(off)}" if off is not None else "")))

    edit = by.get("okrsite one objective edited, charts")
    edit_s = med("okrsite one objective edited, charts")
    drawn = edit.figure("charts_drawn") if edit else None
    off = med("okrsite one objective edited, charts off")
    lines.append((within(edit_s, 2), f"one objective edited ≤ 2 s: {seconds(edit_s)}"
                  + (f" ({drawn} charts drawn)" if drawn is not None else "")
                  + (f"; charts off {seconds(off)}" if off is not None else "")))

    clone = by.get("okrsite fresh clone, cache restored, charts")
    clone_s = med("okrsite fresh clone, cache restored, charts")
    drawn = clone.figure("charts_drawn") if clone else None
    off = med("okrsite fresh clone, cache restored, charts off")
    ok = None if clone_s is None or edit_s is None else clone_s <= 2 * edit_s and drawn == 0
    lines.append((ok, f"fresh clone with the cache restored (CI) ≤ 2 × one objective edited, draws no chart: "
                  f"{seconds(clone_s)}"
                  + (f" ({clone_s / edit_s:.2f} × the edit)" if clone_s is not None and edit_s else "")
                  + (f", {drawn} charts drawn" if drawn is not None else "")
                  + (f"; charts off {seconds(off)}" if off is not None else "")))

    peaks = [r.peak_mb for sc in scenarios if sc.tool == "okrsite" for r in sc.good()]
    peak = max(peaks) if peaks else None
    lines.append((None if peak is None else peak <= 1024,
                  f"peak memory ≤ 1 GB: {'not measured' if peak is None else f'{peak:.0f} MB'}"))

    pelican = med("pelican (plain Markdown pages)")
    if page_only is None or pelican is None:
        lines.append((None, "page-only build faster than Pelican: "
                      + ("Pelican not run" if pelican is None else "okrsite page-only not measured")))
    else:
        lines.append((page_only < pelican, f"page-only build faster than Pelican: okrsite {page_only:.2f} s, "
                      f"Pelican {pelican:.2f} s"))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario; the median is shown (default 3)")
    parser.add_argument("--large", action="store_true", help=f"also {LARGE:,} objectives")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",") if x],
                        help="comma-separated objective counts instead of 100,1000[,5000]")
    parser.add_argument("--install", action="store_true",
                        help=f"install missing peer tools first: Pelican and MkDocs with pip into {PEERS_VENV}, "
                             "Hugo with apt-get")
    parser.add_argument("--no-peers", action="store_true", help="time okrsite only")
    parser.add_argument("--json", type=pathlib.Path, metavar="PATH", help="also write every figure to PATH")
    parser.add_argument("--workdir", type=pathlib.Path, metavar="DIR",
                        help="write the corpora here (default: a temporary folder, removed afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--profile", type=pathlib.Path, metavar="DIR",
                        help="also profile one cold build per size with cProfile; .prof and top-25 text into DIR")
    parser.add_argument("--build-arg", action="append", default=[], metavar="ARG",
                        help="pass ARG to every `okrsite build` (repeatable), e.g. --build-arg=--jobs=2")
    parser.add_argument("--timeout", type=float, default=1800, help="kill a build after this many seconds")
    parser.add_argument("--language", default="en", metavar="CODE",
                        help="`language:` of the generated sites (en, de, fr, es, nb; default en)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    sizes = args.sizes or list(SIZES) + ([LARGE] if args.large else [])

    if args.install and not args.no_peers:
        install_peers()
    found: dict[str, str] = {}
    if not args.no_peers:
        for peer in PEERS:
            exe = peer.executable()
            if exe:
                found[peer.name] = exe
            else:
                log(f"{peer.name}: not installed, its row is skipped. Install it with:\n    {peer.how_to_install}\n"
                    "  or run this script with --install")

    machine = machine_info(found)
    load_before = _load()
    if load_before > 0.5 * machine["nproc"]:
        log(f"warning: load average {load_before} on {machine['nproc']} cores: other work is running, "
            "so wall times will be inflated (CPU s much less)")
    work = pathlib.Path(args.workdir or tempfile.mkdtemp(prefix="okrsite-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    began = time.perf_counter()
    try:
        for n in sizes:
            log(f"{n:,} objectives: generating in {work / f'n{n}'}")
            site = work / f"n{n}" / "site"
            counts = generate(site, n, seed=0, force=True)
            if args.language != "en":
                with (site / "okrsite.yaml").open("a", encoding="utf-8") as config:
                    config.write(f"language: {args.language}\n")
            bench = OkrsiteBench(site, args.runs, args.build_arg, args.timeout)
            scenarios = bench.all()
            if found:
                pages, _ = write_plain_sites(site, work / f"n{n}" / "plain", tuple(found))
                scenarios += peer_scenarios(work / f"n{n}" / "plain", args.runs, args.timeout, found)
            else:
                pages = None
            if args.profile:
                log(f"    profiling one cold build into {args.profile}")
                bench.profile(args.profile, n)
            results.append({"objectives": n, "counts": counts, "plain_pages": pages,
                            "edit": bench.edit.description, "scenarios": scenarios})
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif args.keep:
            log(f"kept {work}")

    machine["load_before"], machine["load_after"] = load_before, _load()
    out = [f"Machine: {machine['nproc']} cores ({machine['cpu']}), {machine['memory']} RAM, "
           f"{machine['platform']}",
           f"Python: {machine['python']}; {machine['okrsite']} at {machine['okrsite_commit']}; "
           f"language: {args.language}",
           ]
    if machine["peers"]:
        out.append("Peers: " + "; ".join(f"{name}: {v}" for name, v in machine["peers"].items()))
    out.append(f"Medians of {args.runs} run(s); wall time includes Python's start-up; CPU s is user + system "
               f"time of the build and its child processes. Benchmark took {time.perf_counter() - began:.0f} s; "
               f"load average {machine['load_before']} before, {machine['load_after']} after"
               + (" (other work was running: wall times are inflated)"
                  if max(machine['load_before'], machine['load_after']) > 0.5 * machine['nproc'] else "")
               + ".")
    target_report = None
    for result in results:
        c = result["counts"]
        scs = result["scenarios"]
        ref = next((sc.median for sc in scs if sc.name == "okrsite cold, charts off"), None)
        out.append("")
        out.append(f"### {result['objectives']:,} objectives ({c['key_results']:,} KRs, {c['projects']:,} projects, "
                   f"{c['checkins']:,} check-ins, {c['files']:,} source files)")
        out.append("")
        out.append(table(scs, ref))
        out.append("")
        pages = DASH if result["plain_pages"] is None else f"{result['plain_pages']:,}"
        out.append(f"Edit: {result['edit']}. Peers: {pages} plain pages "
                   "(one per objective and project), cold.")
        if result["objectives"] == TARGET_SIZE:
            target_report = targets(scs)
            out.append("")
            out.append(f"Targets (issues 6 and 12) at {TARGET_SIZE:,} objectives:")
            out.append("")
            for ok, text in target_report:
                out.append(f"- {'?' if ok is None else '✓' if ok else '✗'} {text}")
    print("\n".join(out))

    if args.json:
        data = {"machine": machine, "runs": args.runs, "sizes": [
            {**{k: v for k, v in r.items() if k != "scenarios"},
             "scenarios": [sc.as_json() for sc in r["scenarios"]]} for r in results]}
        if target_report is not None:
            data["targets"] = [{"met": ok, "text": text} for ok, text in target_report]
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
