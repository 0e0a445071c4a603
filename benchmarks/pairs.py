#!/usr/bin/env python3
"""Versions of okrsite timed in turn on one scenario: on a noisy machine, pairs hold where runs do not.

    python benchmarks/pairs.py SITE --code OLD --code NEW                    # cold builds, 4 pairs
    python benchmarks/pairs.py SITE --code OLD --code NEW --scenario clone --pairs 6

Each code folder holds an okrsite (`git archive REV okrsite themes | tar -x -C DIR`). The site
is copied once per code to a temporary folder (without .git, .okrsite-cache and output/: the
site's own files are never touched), and the versions then run in turn, OLD, NEW, NEW, OLD,
OLD, NEW..., so that whatever else the machine does falls on both alike (in strict alternation the
second of each pair ran 13-18 % slower in the clone scenario, whichever code it was: the order is
reversed every other pair, so give an even number of pairs):

- `cold`: the copy's output and cache deleted, then `okrsite build` (charts as the site says);
- `clone`: the copy built once to fill its cache, then for each run that folder copied again
  without its output (every file new, as a checkout and a restored cache in CI are), and built.

Printed: each run's wall and CPU seconds (user + system of the build and every process it
started), then per code the median and range, and the median of the per-pair ratios to the
first code. It is a script, not a test. Standard library and okrsite's benchmark helpers only.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from measure import Run, measure  # noqa: E402

LEFT_OUT = (".git", ".okrsite-cache", "output")


def _copy(site: pathlib.Path, target: pathlib.Path) -> None:
    shutil.copytree(site, target, ignore=lambda folder, names: [n for n in names if n in LEFT_OUT]
                    if pathlib.Path(folder) == site else [])


def _build(folder: pathlib.Path, code: pathlib.Path) -> Run:
    env = dict(os.environ, PYTHONPATH=str(code))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    run = measure([sys.executable, "-m", "okrsite", "build", "--quiet"], folder, env)
    if not run.ok:
        sys.exit(f"okrsite from {code} failed in {folder}:\n{run.stderr[-2000:]}")
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=pathlib.Path, help="site folder (okrsite.yaml at its top)")
    parser.add_argument("--code", type=pathlib.Path, action="append", required=True,
                        help="a folder holding okrsite/ (give two or more)")
    parser.add_argument("--scenario", choices=("cold", "clone"), default="cold")
    parser.add_argument("--pairs", type=int, default=4, help="runs of each code (default 4; even: see above)")
    args = parser.parse_args()
    site = args.site.resolve()
    codes = [code.resolve() for code in args.code]
    work = pathlib.Path(tempfile.mkdtemp(prefix="okrsite-pairs-"))
    try:
        copies = {}
        for index, code in enumerate(codes):
            copies[code] = work / f"site-{index}"
            _copy(site, copies[code])
            if args.scenario == "clone":
                _build(copies[code], code)
                shutil.rmtree(copies[code] / "output")
        runs: dict[pathlib.Path, list[Run]] = {code: [] for code in codes}
        for turn in range(args.pairs):
            for code in codes if turn % 2 == 0 else codes[::-1]:
                folder = copies[code]
                if args.scenario == "cold":
                    for name in ("output", ".okrsite-cache"):
                        shutil.rmtree(folder / name, ignore_errors=True)
                else:
                    folder = work / "clone"
                    shutil.rmtree(folder, ignore_errors=True)
                    shutil.copytree(copies[code], folder)
                run = _build(folder, code)
                runs[code].append(run)
                print(f"{turn + 1}  {code}  {run.wall:7.2f} s wall  {run.cpu or 0:7.2f} s CPU", flush=True)
        first = runs[codes[0]]
        print(f"\n{args.scenario}, {args.pairs} runs each, in turn:")
        for code in codes:
            walls = [run.wall for run in runs[code]]
            ratios = [run.wall / old.wall for run, old in zip(runs[code], first)]
            cpu = statistics.median(run.cpu or 0 for run in runs[code])
            print(f"  {code}: median {statistics.median(walls):.2f} s wall ({min(walls):.2f}-{max(walls):.2f}), "
                  f"{cpu:.2f} s CPU; median pair ratio to the first {statistics.median(ratios):.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
