"""Save-to-reload latency of `okrsite serve`: from a file's save to the reload event a page gets.

Starts the preview in-process on a copy of a site, listens to its event stream
like a browser does, edits one objective's title N times (each edit changes the
page, so each event asks pages to reload) and prints the median and p90 of the
time from the end of the write to the event, next to the build's own share.

    python benchmarks/serve_latency.py                      # the demo site
    python benchmarks/serve_latency.py --objectives 1000    # a generated site (benchmarks/generate.py)
    python benchmarks/serve_latency.py --site DIR --saves 20 --poll
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from okrsite.build.builder import BuildOptions  # noqa: E402
from okrsite.build.output import MARKER  # noqa: E402
from okrsite.commands.serve import Preview  # noqa: E402
from tests.sse import EventStream  # noqa: E402


def copy_site(args: argparse.Namespace, into: Path) -> Path:
    site = into / "site"
    if args.objectives:
        sys.path.insert(0, str(REPO / "benchmarks"))
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
    parser.add_argument("--saves", type=int, default=15, help="edits to time (default 15)")
    parser.add_argument("--poll", action="store_true", help="watch by polling, as `okrsite serve --poll` does")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        site = copy_site(args, Path(tmp))
        objective = sorted((site / "content/objectives").rglob("*.md"))[0]
        original = objective.read_text(encoding="utf-8")
        preview = Preview(BuildOptions(site / "okrsite.yaml"), port=0, quiet=True, poll=args.poll)
        build_times: list[float] = []
        build = preview.builder.build

        def timed_build():
            started = time.perf_counter()
            try:
                return build()
            finally:
                build_times.append(time.perf_counter() - started)

        preview.builder.build = timed_build  # type: ignore[method-assign]
        started = time.perf_counter()
        with preview:
            first_build = time.perf_counter() - started
            events = EventStream(int(preview.url.rsplit(":", 1)[1].strip("/")), timeout=60)
            state = events.next()
            latencies: list[float] = []
            for n in range(args.saves):
                time.sleep(0.3)  # separate saves, as a person makes them
                text = original.replace("title: ", f"title: Edit {n} ", 1)
                objective.write_text(text, encoding="utf-8")
                saved = time.perf_counter()
                while True:
                    new = events.next()
                    if new["errors"]:
                        raise SystemExit(f"the build failed: {new['errors'][:3]}")
                    if new["pages"] != state["pages"]:
                        break
                latencies.append(time.perf_counter() - saved)
                state = new
            files = sum(1 for p in preview.state.output.rglob("*") if p.is_file() and p.name != MARKER)

    rebuilds = build_times[1:]
    ms = [1000 * x for x in latencies]
    name = f"{args.objectives} objectives" if args.objectives else (str(args.site) if args.site else "the demo")
    print(f"site: {name}, {files} output files; first build {first_build:.2f} s"
          f"; watching by {'polling' if args.poll else 'file events'}")
    print(f"save -> reload event over {len(ms)} saves: median {statistics.median(ms):.0f} ms, "
          f"p90 {percentile(ms, 0.9):.0f} ms, min {min(ms):.0f} ms, max {max(ms):.0f} ms")
    print(f"of which the rebuild: median {1000 * statistics.median(rebuilds):.0f} ms "
          f"(p90 {1000 * percentile(rebuilds, 0.9):.0f} ms); {len(rebuilds)} rebuilds for {len(ms)} saves")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
