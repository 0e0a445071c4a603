#!/usr/bin/env python3
"""Per-chart drawing cost, one core, figure templates reused: median ms per chart kind.

    python benchmarks/charts.py                         # the demo site (okrsite.yaml at the top)
    python benchmarks/charts.py /tmp/bench1000 --count 300
    python benchmarks/charts.py /tmp/bench1000 --format png

Loads the site, makes every chart spec, and draws up to --count charts of each
kind in this process (no cache, no workers), timing each `draw.draw(spec)`.
The first chart of a kind also builds its figure template; it is reported
apart from the median. matplotlib's import is timed too.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", nargs="?", type=Path, default=REPO, help="site folder (default: the demo)")
    parser.add_argument("--count", type=int, default=300, help="charts per kind at most (default 300)")
    parser.add_argument("--format", choices=("svg", "png"), default="svg")
    parser.add_argument("--dpi", type=float, default=144)
    args = parser.parse_args()

    from okrsite.build.builder import BuildOptions, Builder
    from okrsite.site.charts.palette import palette_for_theme
    from okrsite.site.charts import page_specs
    from okrsite.site.charts.specs import Look
    from okrsite.site.pages import site_map
    from okrsite.content.config import load_config
    from okrsite.diagnostics import Diagnostics
    from okrsite.site.themes import theme_dirs

    diagnostics = Diagnostics()
    config = load_config(args.site / "okrsite.yaml", diagnostics)
    if config is None:
        print("\n".join(map(str, diagnostics.sorted())), file=sys.stderr)
        return 1
    site = Builder(BuildOptions(config.path))._load_site(config, diagnostics)
    if site is None:
        print("\n".join(map(str, diagnostics.sorted())), file=sys.stderr)
        return 1
    look = Look(args.format, args.dpi, palette_for_theme(theme_dirs(config.theme_dir)))
    started = time.perf_counter()
    specs = list(page_specs(site, site_map(site), look).values())
    specs_ms = (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    from okrsite.site.charts import draw
    import_ms = (time.perf_counter() - started) * 1000

    by_kind: dict[str, list] = defaultdict(list)
    for spec in specs:
        kind = spec.name.split("/")[0] if spec.kind == "bars" else spec.kind
        kind = {"objectives": "objective-overview", "periods": "period-overview", "projects": "project-health",
                "trend": "kr-trend"}.get(kind, kind)
        by_kind[kind].append(spec)
    print(f"{len(specs)} chart specs in {specs_ms:.0f} ms; importing matplotlib + draw.py: {import_ms:.0f} ms; "
          f"format {args.format}")
    every: list[float] = []
    every_cpu: list[float] = []
    for kind, items in sorted(by_kind.items()):
        times, cpu = [], []
        for spec in items[: args.count]:
            started, started_cpu = time.perf_counter(), time.process_time()
            data = draw.draw(spec)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        first, rest, rest_cpu = times[0], times[1:] or times, cpu[1:] or cpu
        every += rest
        every_cpu += rest_cpu
        print(f"  {kind:20s} n={len(times):4d}  first (set-up) {first:6.1f} ms  median {statistics.median(rest):5.1f} ms"
              f" (cpu {statistics.median(rest_cpu):5.1f})  p90 {sorted(rest)[int(len(rest) * 0.9)]:5.1f} ms"
              f"  last file {len(data):,} bytes")
    print(f"  {'all kinds':20s} n={len(every):4d}  median {statistics.median(every):5.1f} ms"
          f" (cpu {statistics.median(every_cpu):5.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
