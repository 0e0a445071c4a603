"""What run.py times on one synthetic site: okrsite's commands as a user and CI run them.

With charts and without: cold, no-op, one objective edited (a check-in appended), a fresh
clone with the cache restored (CI). With charts only: a cold build in one process
(`--jobs 1`), `okrsite check` with every rule on, `okrsite diff` between two commits a week
apart (when the site is a git repository), and save → reload in `okrsite serve`. Each is a
child process (benchmarks/measure.py). Standard library only (and Playwright, when installed,
for the search box's answer time: benchmarks/search_query.py).
"""

from __future__ import annotations

import gzip
import json
import pathlib
import re
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

from edits import ObjectiveEdit
from history import commits_apart, git
from measure import Run, log, measure, okrsite_env, output_size, parse_summary
from search_query import query_times

HERE = pathlib.Path(__file__).resolve().parent
CHARTS_OFF = "charts: {enabled: false}\n"
DIFF_DAYS = 7  # `okrsite diff` compares HEAD with the newest commit at least this much older
SEARCH_INDEX = "search.js"  # what the theme's search box loads (search.json holds the same for other tools)

# Scenario names; report.py finds the figures by them.
COLD, NOOP, EDIT, CLONE = "okrsite cold", "okrsite no-op", "okrsite one objective edited", \
    "okrsite fresh clone, cache restored"
COLD_ONE = "okrsite cold, charts, 1 process"
CHECK = "okrsite check, every rule"
DIFF = "okrsite diff, commits a week apart"
SERVE = "okrsite serve, save → reload"


def named(scenario: str, charts: bool) -> str:
    return f"{scenario}, {'charts' if charts else 'charts off'}"


def every_rule_on(rule_ids: tuple[str, ...]) -> str:
    """okrsite.yaml lines that switch every check rule on (some are off by default)."""
    return "checks:\n" + "".join(f"  {rule}: warning\n" for rule in rule_ids)


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

    def as_json(self) -> dict:
        return {
            "name": self.name, "tool": self.tool, "error": self.error, "note": self.note,
            "median_s": self.median,
            "runs": [{"wall_s": round(r.wall, 4), "cpu_s": None if r.cpu is None else round(r.cpu, 3),
                      "returncode": r.returncode, "maxrss_mb": round(r.maxrss_mb, 1),
                      "tree_peak_mb": round(r.tree_peak_mb, 1), "tree_pss_mb": round(r.tree_pss_mb, 1),
                      **r.figures} for r in self.runs],
        }


class OkrsiteBench:
    """The okrsite scenarios on one site, `runs` times each; the site is left as it was found."""

    def __init__(self, site: pathlib.Path, runs: int, build_args: list[str], timeout: float, saves: int):
        self.site, self.runs, self.timeout, self.saves = site, runs, timeout, saves
        self.config = site / "okrsite.yaml"
        self.original_config = self.config.read_text(encoding="utf-8")
        self.build_args = build_args
        self.env = okrsite_env()
        self.edit = ObjectiveEdit(site)
        self.in_git = (site / ".git").is_dir()
        self.history_read = False  # a build wrote the git history's cache: history was on
        self.search_index: dict[str, int] = {}
        self.search_query: dict[str, float] | None = None  # ms by query, in Chromium

    def clear(self) -> None:
        for name in (".okrsite-cache", "output"):
            shutil.rmtree(self.site / name, ignore_errors=True)

    def okrsite(self, *args: str, site: pathlib.Path | None = None) -> Run:
        """One okrsite command on this site (or a copy of it in `site`), as a child process."""
        site = site or self.site
        cmd = [sys.executable, "-m", "okrsite", *args, "--config", str(site / "okrsite.yaml")]
        return measure(cmd, site, self.env, self.timeout)

    def build(self, site: pathlib.Path | None = None, extra: tuple[str, ...] = ()) -> Run:
        """One `okrsite build` of this site, or of a copy of it in `site`."""
        site = site or self.site
        run = self.okrsite("build", *self.build_args, *extra, site=site)
        run.figures = {**parse_summary(run.stdout), **output_size(site / "output")}
        return run

    def fresh_clone(self, run: int) -> pathlib.Path:
        """The site as a CI job has it: checked out into another folder (every mtime new), no
        output/, and .okrsite-cache/ restored from the last build (as actions/cache restores it:
        mtimes kept). A git repository is cloned (CI fetches all history), with this variant's
        okrsite.yaml; other sites are copied. Each run has a folder of its own, all deleted after
        the scenario: a build right after the last clone's ~12,400 files were deleted spent ~1 s
        more system time creating its own (stop 55, 3 pairs: 3.45 against 3.13 s wall), which a
        CI job, checking out on a new machine, does not."""
        clone = self.site.parent / f"fresh-clone-{run}"
        shutil.rmtree(clone, ignore_errors=True)
        if self.in_git:
            git(self.site.parent, "clone", "-q", str(self.site), str(clone))
            shutil.copyfile(self.config, clone / "okrsite.yaml")
        else:
            shutil.copytree(self.site, clone, copy_function=shutil.copyfile,
                            ignore=shutil.ignore_patterns("output", ".okrsite-cache"))
        shutil.copytree(self.site / ".okrsite-cache", clone / ".okrsite-cache")
        return clone

    def repeat(self, scenario: Scenario, timed: Callable[[], Run], before: Callable[[], None] | None = None) -> None:
        """`runs` runs of `timed` (each after `before`, untimed), until one fails."""
        for i in range(self.runs):
            if before:
                before()
            self.record(scenario, i, timed())
            if scenario.error:
                return

    def scenario(self, scenario: Scenario, before: Callable[[], None] | None = None,
                 extra: tuple[str, ...] = ()) -> Scenario:
        """`okrsite build` `runs` times (with `extra` arguments)."""
        self.repeat(scenario, lambda: self.build(extra=extra), before)
        return scenario

    def record(self, scenario: Scenario, i: int, run: Run) -> None:
        scenario.runs.append(run)
        log(f"    {scenario.name}: run {i + 1}/{self.runs}: {run.wall:.2f} s"
            + ("" if run.ok else f", exit {run.returncode}"))
        if not run.ok:
            scenario.error = f"exit {run.returncode}"
            tail = "\n".join((run.stderr or run.stdout).strip().splitlines()[-8:])
            log(f"    okrsite failed (exit {run.returncode}):\n{tail}")

    def variant(self, charts: bool) -> list[Scenario]:
        """The scenarios with charts (as generated) or with charts off; the commands that do not
        draw (check, diff) and the preview run with charts only."""
        self.config.write_text(self.original_config + ("" if charts else CHARTS_OFF), encoding="utf-8")
        cold = self.scenario(Scenario(named(COLD, charts), "okrsite"), before=self.clear)
        steps = [(Scenario(named(NOOP, charts), "okrsite"), self.scenario)]
        if charts:
            steps += [(Scenario(CHECK, "okrsite"), self.check), (Scenario(DIFF, "okrsite"), self.diff)]
        steps += [(Scenario(named(EDIT, charts), "okrsite", note=self.edit.description), self.edited),
                  (Scenario(named(CLONE, charts), "okrsite"), self.clone)]
        if charts:
            steps.append((Scenario(SERVE, "okrsite"), self.serve))
        done = [cold]
        if cold.error:
            for scenario, _ in steps:
                scenario.error = "cold build failed"
            return done + [scenario for scenario, _ in steps]
        if charts:
            self.history_read = (self.site / ".okrsite-cache" / "history.json").exists()
            self.search_index = search_index_bytes(self.site / "output")
            self.search_query = query_times(self.site / "output")
            # the bytes never depend on the number of processes: the scenarios after it find the same cache
            done.append(self.scenario(Scenario(COLD_ONE, "okrsite"), before=self.clear, extra=("--jobs", "1")))
        for scenario, run in steps:
            run(scenario)
        return done + [scenario for scenario, _ in steps]

    def check(self, scenario: Scenario) -> None:
        """`okrsite check` after a build (it reads the documents the build cached)."""
        def checked() -> Run:
            run = self.okrsite("check")
            match = re.search(r"([\d,]+) warnings?", run.stdout)
            run.figures = {"summary": run.stdout.strip().splitlines()[-1] if run.stdout.strip() else "",
                           "findings": int(match.group(1).replace(",", "")) if match else 0}
            return run

        self.repeat(scenario, checked)

    def diff(self, scenario: Scenario) -> None:
        """`okrsite diff BASE HEAD`, HEAD's commit and the newest at least a week older."""
        if not self.in_git:
            scenario.error = "not a git repository (--commits 0)"
            return
        (base, base_date), (head, head_date) = commits_apart(self.site, DIFF_DAYS)
        scenario.note = f"{base[:7]} ({base_date[:10]}) → {head[:7]} ({head_date[:10]})"

        def compared() -> Run:
            run = self.okrsite("diff", base, head)
            run.figures = {"report_bytes": len(run.stdout.encode())}
            return run

        self.repeat(scenario, compared)

    def edited(self, scenario: Scenario) -> None:
        """One objective edited; after each run the file is restored and the site rebuilt, untimed,
        so that every run starts from the same state (and the clone after it finds the cache of
        the unedited site, so it draws no chart)."""
        def settle() -> None:
            self.edit.restore()
            if self.build().returncode != 0:
                log("    the rebuild after restoring the edited objective failed")

        try:
            for i in range(self.runs):
                self.edit.apply()
                self.record(scenario, i, self.build())
                if scenario.error:
                    break
                if i + 1 < self.runs:
                    settle()
        finally:
            self.edit.restore()
        settle()

    def clone(self, scenario: Scenario) -> None:
        runs = iter(range(self.runs))
        self.repeat(scenario, lambda: self.build(self.fresh_clone(next(runs))))
        for run in range(self.runs):
            shutil.rmtree(self.site.parent / f"fresh-clone-{run}", ignore_errors=True)

    def serve(self, scenario: Scenario) -> None:
        """`okrsite serve` on the built site, `saves` saves of one check-in each
        (benchmarks/serve_latency.py in a child process, so that its memory is measured too):
        one run per save, each with the session's peak memory. Rebuilds are not paired with
        saves (a burst of writes may make one, or two), so they go into the note: a save's
        reload comes when its open page is rendered, the whole rebuild ends later."""
        with tempfile.TemporaryDirectory() as tmp:
            figures = pathlib.Path(tmp) / "latency.json"
            cmd = [sys.executable, str(HERE / "serve_latency.py"), "--site", str(self.site), "--in-place",
                   "--saves", str(self.saves), "--json", str(figures)]
            session = measure(cmd, self.site, self.env, self.timeout)
            if not session.ok or not figures.exists():
                self.record(scenario, 0, session)
                return
            latency = json.loads(figures.read_text(encoding="utf-8"))
        rebuilds = latency["rebuilds"]
        scenario.note = (f"{len(latency['saves'])} saves, each the edit above, its objective's page open (so "
                         f"rendered first and reloaded before the rest is written); {len(rebuilds)} whole rebuilds"
                         + (f", median {statistics.median(rebuilds):.2f} s" if rebuilds else "")
                         + f"; the session took {session.wall:.1f} s")
        scenario.runs = [Run(wall, 0, session.maxrss_mb, session.tree_peak_mb, None, tree_pss_mb=session.tree_pss_mb)
                         for wall in latency["saves"]]
        log(f"    {scenario.name}: median of {len(scenario.runs)} saves: {scenario.median:.2f} s")

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


def search_index_bytes(output: pathlib.Path) -> dict[str, int]:
    """The search index's files in bytes, and search.js gzipped (as most web servers send it)."""
    found = {name: (output / name).stat().st_size for name in (SEARCH_INDEX, "search.json")
             if (output / name).exists()}
    if SEARCH_INDEX in found:
        found[f"{SEARCH_INDEX} gzipped"] = len(gzip.compress((output / SEARCH_INDEX).read_bytes(), mtime=0))
    return found
