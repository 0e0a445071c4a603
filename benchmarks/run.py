#!/usr/bin/env python3
"""Time okrsite on synthetic companies against issue 17's targets, next to Pelican, MkDocs and Hugo.

    python benchmarks/run.py                 # 100 and 1,000 objectives, 3 runs each
    python benchmarks/run.py --large         # and 5,000 objectives
    python benchmarks/run.py --install       # first install the peer tools it lacks

For each size it writes the synthetic company of ``benchmarks/generate.py`` with every
check rule on, makes it a git repository of 500 commits (``benchmarks/history.py``: history
from git is on, as in any repository), and runs okrsite's commands as child processes (the
okrsite of this repository: its root goes first on PYTHONPATH). The scenarios
(``benchmarks/scenarios.py``): cold, no-op, one objective edited (a check-in appended), a
fresh clone with the cache restored (CI), with charts and with charts off; with charts also
a cold build in one process, ``okrsite check``, ``okrsite diff`` between two commits a week
apart, and save → reload in ``okrsite serve``. Then the same objectives and projects as plain
Markdown pages (``benchmarks/plain_corpus.py``) go through Pelican, MkDocs and Hugo
(``benchmarks/peers.py``).

It prints Markdown tables (``benchmarks/report.py``, which prints them again from --json):
each scenario's median wall time and range, CPU time, peak memory (``benchmarks/measure.py``)
and what okrsite's summary line says; issue 17's targets, ✓ or ✗ at 1,000 objectives; and
with several sizes every figure side by side with its growth.

It is a script, not a test: nothing here runs in CI. Standard library and okrsite only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import report  # noqa: E402  (benchmarks/report.py)
from generate import generate  # noqa: E402
from history import commit_history  # noqa: E402
from measure import log, okrsite_env  # noqa: E402
from okrsite.model.checks import RULE_IDS  # noqa: E402
from peers import PEERS, PEERS_VENV, Peer, install_peers, peer_scenarios  # noqa: E402
from plain_corpus import write_plain_sites  # noqa: E402
from scenarios import OkrsiteBench, every_rule_on  # noqa: E402

SIZES = (100, 1000)
LARGE = 5000
COMMITS = 500
SAVES = 10


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



def make_site(site: pathlib.Path, objectives: int, language: str, commits: int) -> tuple[dict, dict | None]:
    """The synthetic company with every check rule on, committed with `commits` commits of
    history (none: no repository); its counts, and the repository's."""
    shutil.rmtree(site, ignore_errors=True)  # no repository or output of an earlier run stays
    counts = generate(site, objectives, seed=0, force=True)
    with (site / "okrsite.yaml").open("a", encoding="utf-8") as config:
        if language != "en":
            config.write(f"language: {language}\n")
        config.write(every_rule_on(RULE_IDS))
    if not commits:
        return counts, None
    return counts, {"commits": commits, "objective_files_changed": commit_history(site, commits)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario; the median is shown (default 3)")
    parser.add_argument("--large", action="store_true", help=f"also {LARGE:,} objectives")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",") if x],
                        help="comma-separated objective counts instead of 100,1000")
    parser.add_argument("--commits", type=int, default=COMMITS,
                        help=f"commits of history in the site's git repository (default {COMMITS}; "
                             "0: no repository, so no history and no diff)")
    parser.add_argument("--saves", type=int, default=SAVES,
                        help=f"saves timed in `okrsite serve`; the median is shown (default {SAVES})")
    parser.add_argument("--install", action="store_true",
                        help=f"install missing peer tools first: Pelican and MkDocs with pip into {PEERS_VENV}, "
                             "Hugo with apt-get")
    parser.add_argument("--no-peers", action="store_true", help="time okrsite only")
    parser.add_argument("--json", type=pathlib.Path, metavar="PATH",
                        help="also write every figure to PATH (benchmarks/report.py prints the tables from it)")
    parser.add_argument("--workdir", type=pathlib.Path, metavar="DIR",
                        help="write the corpora here (default: a temporary folder, removed afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--profile", type=pathlib.Path, metavar="DIR",
                        help="also profile one cold build per size with cProfile; .prof and top-25 text into DIR")
    parser.add_argument("--build-arg", action="append", default=[], metavar="ARG",
                        help="pass ARG to every `okrsite build` (repeatable), e.g. --build-arg=--jobs=2")
    parser.add_argument("--timeout", type=float, default=1800, help="kill a command after this many seconds")
    parser.add_argument("--language", default="en", metavar="CODE",
                        help="`language:` of the generated sites (en, de, fr, es, nb; default en)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.saves < 1 or args.commits < 0:
        parser.error("--runs and --saves must be at least 1, --commits at least 0")
    sizes = sorted(set((args.sizes or list(SIZES)) + ([LARGE] if args.large else [])))

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
            site = work / f"n{n}" / "site"
            log(f"{n:,} objectives: generating in {site}"
                + (f", with {args.commits} commits of history" if args.commits else ""))
            counts, repository = make_site(site, n, args.language, args.commits)
            bench = OkrsiteBench(site, args.runs, args.build_arg, args.timeout, args.saves)
            scenarios = bench.all()
            if repository:
                repository["history_read"] = bench.history_read
                if not bench.history_read:
                    log("    warning: the build read no git history (no .okrsite-cache/history.json)")
            pages = None
            if found:
                pages, _ = write_plain_sites(site, work / f"n{n}" / "plain", tuple(found))
                scenarios += peer_scenarios(work / f"n{n}" / "plain", args.runs, args.timeout, found)
            if args.profile:
                log(f"    profiling one cold build into {args.profile}")
                bench.profile(args.profile, n)
            size = {"objectives": n, "counts": counts, "plain_pages": pages, "edit": bench.edit.description,
                    "git": repository, "search_index": bench.search_index,
                    "search_query": bench.search_query,
                    "scenarios": [sc.as_json() for sc in scenarios]}
            size["figures"] = report.figures(size)
            results.append(size)
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif args.keep:
            log(f"kept {work}")

    machine["load_before"], machine["load_after"] = load_before, _load()
    data = {"machine": machine, "command": shlex.join(["python", "benchmarks/run.py",
                                                       *(sys.argv[1:] if argv is None else argv)]),
            "runs": args.runs, "saves": args.saves, "language": args.language,
            "took_s": round(time.perf_counter() - began, 1), "sizes": results,
            "targets": report.target_results(results)}
    print(report.render(data), end="")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
