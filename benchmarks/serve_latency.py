"""Save-to-reload latency of `okrsite serve`: from a file's save to the reload event a page gets.

Starts the preview in-process on a copy of a site (or on the site itself with --in-place),
listens to its event stream like a browser showing the edited objective's page does (the
stream names that page, so the preview renders it first), and saves that objective N times,
each time with one more check-in (another value each time: benchmarks/edits.py, the edit run.py
times), so that each event asks the page to reload. Prints the median and p90 of the time from
the end of the write to the event, next to the whole rebuild's (the rest of the site is
written after the open page reloads); the file is restored at the end.

    python benchmarks/serve_latency.py                      # the demo site
    python benchmarks/serve_latency.py --objectives 1000    # a generated site (benchmarks/generate.py)
    python benchmarks/serve_latency.py --site DIR --saves 20 --poll
    python benchmarks/serve_latency.py --objectives 1000 --page /        # the dashboard open instead
    python benchmarks/serve_latency.py --site DIR --in-place --json latency.json   # as run.py does
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from edits import ObjectiveEdit  # noqa: E402  (benchmarks/edits.py)
from okrsite.build.builder import BuildOptions  # noqa: E402
from okrsite.build.output import MARKER  # noqa: E402
from okrsite.commands.serve import Preview  # noqa: E402
from tests.sse import EventStream  # noqa: E402

PAUSE = 0.3  # seconds between saves, as a person makes them


@dataclass(frozen=True)
class Latency:
    """One preview session: each save's wait for its reload event, and the builds behind them."""

    saves: list[float]  # seconds from the end of each write to the event that reloads pages
    rebuilds: list[float]  # seconds of each build after the first (a burst of saves may share one)
    first_build: float  # seconds from start to serving, the first build included
    files: int  # output files
    edit: str  # what each save changes


def save_to_reload(site: Path, saves: int, poll: bool = False, page: str | None = None) -> Latency:
    """Serve `site` (its okrsite.yaml) in this process and time `saves` saves of one objective, with
    `page` open (a site path; default: that objective's page)."""
    edit = ObjectiveEdit(site, later_mtimes=False)  # a write, as an editor saves
    preview = Preview(BuildOptions(site / "okrsite.yaml"), port=0, quiet=True, poll=poll)
    build_times: list[float] = []
    build = preview.builder.build

    def timed_build(*args, **kwargs):
        started = time.perf_counter()
        try:
            return build(*args, **kwargs)
        finally:
            build_times.append(time.perf_counter() - started)

    preview.builder.build = timed_build  # type: ignore[method-assign]
    started = time.perf_counter()
    latencies: list[float] = []
    try:
        with preview:
            first_build = time.perf_counter() - started
            events = EventStream(int(preview.url.rsplit(":", 1)[1].strip("/")), timeout=60,
                                 page=page or f"/objectives/{edit.path.stem}/")
            state = events.next()
            for _ in range(saves):
                time.sleep(PAUSE)
                edit.apply()
                saved = time.perf_counter()
                while True:
                    new = events.next()
                    if new["errors"]:
                        raise SystemExit(f"the build failed: {new['errors'][:3]}")
                    if new["pages"] != state["pages"]:
                        break
                latencies.append(time.perf_counter() - saved)
                state = new
                preview.state.wait_built(timeout=60)  # the rest of the site too, before the next save
            files = sum(1 for p in preview.state.output.rglob("*") if p.is_file() and p.name != MARKER)
    finally:
        edit.restore()
    return Latency(latencies, build_times[1:], first_build, files, edit.description)


def copy_site(args: argparse.Namespace, into: Path) -> Path:
    site = into / "site"
    if args.objectives:
        from generate import generate

        generate(site, args.objectives)
        return site
    source = args.site or REPO
    site.mkdir()
    shutil.copy(source / "okrsite.yaml", site / "okrsite.yaml")
    shutil.copytree(source / "content", site / "content")
    if (source / "themes").is_dir() and source != REPO:
        shutil.copytree(source / "themes", site / "themes")
    return site


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objectives", "-n", type=int, help="generate a site with N objectives instead of the demo")
    parser.add_argument("--site", type=Path, help="copy this site (okrsite.yaml, content/, themes/) instead of the demo")
    parser.add_argument("--in-place", action="store_true",
                        help="serve --site itself (its output/ and .okrsite-cache/ as they are) rather than a copy")
    parser.add_argument("--saves", type=int, default=15, help="edits to time (default 15)")
    parser.add_argument("--poll", action="store_true", help="watch by polling, as `okrsite serve --poll` does")
    parser.add_argument("--page", metavar="PATH", help="the page open while saving (default: the edited objective's, "
                                                       "e.g. / for the dashboard): one the edit changes, as a page "
                                                       "the save leaves as it was does not reload")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write every figure to PATH")
    args = parser.parse_args(argv)
    if args.in_place and not args.site:
        parser.error("--in-place needs --site")
    if args.saves < 1:
        parser.error("--saves must be at least 1")

    with tempfile.TemporaryDirectory() as tmp:
        site = args.site if args.in_place else copy_site(args, Path(tmp))
        latency = save_to_reload(site, args.saves, args.poll, args.page)

    if args.json:
        args.json.write_text(json.dumps(asdict(latency), indent=1) + "\n", encoding="utf-8")
    ms = [1000 * x for x in latency.saves]
    rebuilds = latency.rebuilds
    name = f"{args.objectives} objectives" if args.objectives else (str(args.site) if args.site else "the demo")
    print(f"site: {name}, {latency.files} output files; first build {latency.first_build:.2f} s"
          f"; watching by {'polling' if args.poll else 'file events'}; each save: {latency.edit}")
    print(f"save -> reload event over {len(ms)} saves: median {statistics.median(ms):.0f} ms, "
          f"p90 {percentile(ms, 0.9):.0f} ms, min {min(ms):.0f} ms, max {max(ms):.0f} ms")
    if rebuilds:
        print(f"the whole rebuild: median {1000 * statistics.median(rebuilds):.0f} ms "
              f"(p90 {1000 * percentile(rebuilds, 0.9):.0f} ms); {len(rebuilds)} rebuilds for {len(ms)} saves")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
