#!/usr/bin/env python3
"""Python calls of a cold build, counted by cProfile: a figure a noisy machine does not move.

    python benchmarks/calls.py SITE                      # this repository's okrsite
    python benchmarks/calls.py SITE --code A --code B    # each code folder in turn (holding okrsite/)

On a shared 2-core VM the same build's CPU time scatters by 20 % and more, so a change worth
5-10 % cannot be seen in timings without many pairs; the number of Python calls it makes is the
same on every run. For each code folder (an older okrsite: `git archive REV okrsite themes | tar
-x -C DIR`), the site folder is copied to a temporary folder (without .git, .okrsite-cache and
output/) and built cold there in one process (`--jobs 1`, `--output` inside the copy, charts as
the site says) under cProfile: the site's own output and cache are never touched. Printed: the calls, their ratio to the first code's, and
the seconds cProfile measured (its overhead included: compare them only with each other).

It is a script, not a test: nothing here runs in CI. Standard library and okrsite only.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parent.parent
LEFT_OUT = (".git", ".okrsite-cache", "output")  # a cold build, and nothing of the site's own output

# Run in the child, with the code under test first on sys.path: the build as `python -m okrsite`
# runs it (runpy, so older okrsites, whose modules are laid out otherwise, run too).
PROFILED = """
import cProfile, pstats, runpy, sys
sys.argv = ["okrsite", "build", "--quiet", "--jobs", "1", "--output", "calls-output"]
profile = cProfile.Profile()
profile.enable()
try:
    runpy.run_module("okrsite", run_name="__main__")
except SystemExit as exc:
    failed = exc.code not in (0, None)
else:
    failed = False
profile.disable()
stats = pstats.Stats(profile)
print("calls", stats.total_calls, round(stats.total_tt, 2), int(failed))
"""


def count(site: pathlib.Path, code: pathlib.Path) -> tuple[int, float]:
    """The calls and profiled seconds of one cold build of a copy of `site` with the okrsite in `code`."""
    with tempfile.TemporaryDirectory(prefix="okrsite-calls-") as folder:
        copy = pathlib.Path(folder) / "site"
        shutil.copytree(site, copy, ignore=shutil.ignore_patterns(*LEFT_OUT))
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        env["PYTHONPATH"] = str(code)
        result = subprocess.run([sys.executable, "-c", PROFILED], cwd=copy, env=env, capture_output=True, text=True)
    line = next((line for line in result.stdout.splitlines() if line.startswith("calls ")), None)
    if result.returncode != 0 or line is None or line.endswith(" 1"):
        sys.exit(f"the build with {code} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    _, calls, seconds, _ = line.split()
    return int(calls), float(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=pathlib.Path, help="a site folder (with okrsite.yaml)")
    parser.add_argument("--code", type=pathlib.Path, action="append",
                        help="a folder holding okrsite/ (and themes/); default: this repository")
    args = parser.parse_args()
    site = args.site.resolve()
    if not (site / "okrsite.yaml").is_file():
        sys.exit(f"{site}: no okrsite.yaml")
    codes = [code.resolve() for code in args.code] if args.code else [REPO]
    first = None
    for code in codes:
        calls, seconds = count(site, code)
        first = first or calls
        print(f"{code}: {calls:,} calls ({calls / first:.2f}x the first), {seconds:.1f} s profiled")


if __name__ == "__main__":
    main()
