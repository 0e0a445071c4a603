"""The chart stage: specs from the model, drawn only when not cached, attached to pages.

    stage = add_charts(site, pages, theme_dirs, diagnostics, jobs=None)

returns the chart files (`charts/<name>.<ext>` → bytes), the pages with chart
descriptors in their contexts (`charts`: a list, `kr_charts`: by KR id), and how
many charts were drawn and how many came from the cache.

matplotlib is imported only when a chart must be drawn (`okrsite.charts.draw`
is the only module that imports it). Cache misses are drawn in worker
processes when there are enough of them to pay for starting the workers; the
bytes of a chart never depend on which process drew it.
"""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from okrsite.charts.cache import ChartCache, chart_key
from okrsite.charts.palette import Palette, palette_for_theme
from okrsite.charts.specs import ChartSpec, Look, SiteSpecs, Table, site_specs
from okrsite.diagnostics import Diagnostics, Location
from okrsite.model import Site
from okrsite.pages import Page

__all__ = ["Chart", "ChartStage", "add_charts", "finish_svg"]

Progress = Callable[[str], None] | None  # told what is being drawn, on long builds

MIN_PER_WORKER = 40  # with automatic --jobs, fewer misses than this per worker are drawn in-process
BATCHES_PER_WORKER = 4


@dataclass(frozen=True)
class Chart:
    """What a page shows of one chart: the image, its text alternative, caption and data tables."""

    src: str  # site path: "charts/objectives/seo-visibility/kr-page-views.svg"
    alt: str
    caption: str
    width: int
    height: int
    tables: tuple[Table, ...]
    kind: str


@dataclass(frozen=True)
class ChartStage:
    files: dict[str, bytes]
    pages: list[Page]
    drawn: int = 0
    cached: int = 0
    workers: int = 0
    seconds: float = 0.0


def finish_svg(raw: bytes, palette: Palette, title: str) -> bytes:
    """The cached drawing made a file: the theme's colours (light and dark) and font, and a <title>."""
    light = ";".join(f"--okr-{role}:{value}" for role, value in palette.light)
    dark = ";".join(f"--okr-{role}:{value}" for role, value in palette.dark)
    style = (f'<style type="text/css">:root{{{light}}}'
             f"@media (prefers-color-scheme: dark){{:root{{{dark}}}}}"
             f"@media print{{:root{{{light}}}}}"
             f"text{{font-family:{palette.font}}}"
             "*{stroke-linejoin: round; stroke-linecap: butt}</style>")
    text = raw.decode("utf-8")
    text = text.replace('<style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>', style, 1)
    start = text.index("<svg")
    end = text.index(">", start) + 1
    text = text[:end] + f"\n <title>{escape(title)}</title>" + text[end:]
    return text.encode("utf-8")


def _draw_batch(specs: Sequence[ChartSpec]) -> list[bytes | str]:
    """Runs in a worker (or in-process): the one place that imports the drawing module."""
    from okrsite.charts import draw

    return draw.draw_many(specs)


def _pool_context() -> Any:
    """forkserver where there is one (workers fork from a server that has matplotlib loaded), else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["okrsite.charts.draw"])
        return context
    return multiprocessing.get_context("spawn")


def _workers(jobs: int | None, misses: int) -> int:
    if jobs is None:
        return max(1, min(os.cpu_count() or 1, misses // MIN_PER_WORKER))
    return max(1, min(jobs, misses))


def draw_specs(specs: Sequence[ChartSpec], jobs: int | None,
               progress: Progress = None) -> tuple[list[bytes | str], int]:
    """Draw charts, in worker processes when worth it; results in the order of `specs`."""
    workers = _workers(jobs, len(specs))
    if workers <= 1:
        return _draw_batch(specs), 1
    count = workers * BATCHES_PER_WORKER
    size = math.ceil(len(specs) / count)
    batches = [list(specs[i:i + size]) for i in range(0, len(specs), size)]
    try:
        results: list[bytes | str] = []
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            for batch in pool.map(_draw_batch, batches):
                results += batch
                if progress:
                    progress(f"drawing charts: {len(results):,} of {len(specs):,} ({workers} processes)")
        return results, workers
    except (OSError, BrokenProcessPool):  # no worker processes here (sandbox, no /dev/shm): draw in-process
        return _draw_batch(specs), 1


def _images(keyed: dict[str, ChartSpec], cache: ChartCache, jobs: int | None,
            diagnostics: Diagnostics, progress: Progress = None) -> tuple[dict[str, bytes], int, int, int]:
    """Each drawing (raw, before finishing) by cache key: from the cache, or drawn and stored there.

    Returns the images, how many were drawn, how many came from the cache, and the workers used.
    """
    images: dict[str, bytes] = {}
    missing: list[tuple[str, ChartSpec]] = []
    for key, spec in sorted(keyed.items(), key=lambda kv: (kv[1].kind, kv[1].name)):
        data = cache.get(key, spec.look.format)
        if data is None:
            missing.append((key, spec))
        else:
            images[key] = data
    cached = len(images)
    workers = 0
    if missing:
        if progress:
            progress(f"drawing {len(missing):,} charts ({cached:,} from the cache)")
        results, workers = draw_specs([spec for _, spec in missing], jobs, progress)
        for (key, spec), result in zip(missing, results):
            if isinstance(result, bytes):
                images[key] = result
                cache.put(key, spec.look.format, result)
            else:
                diagnostics.warning(Location(spec.source), f"chart {spec.name} could not be drawn: {result}")
    return images, len(missing), cached, workers


def _chart(spec: ChartSpec) -> Chart:
    return Chart(f"charts/{spec.name}.{spec.look.format}", spec.alt, spec.caption, spec.width, spec.height,
                 spec.tables, spec.kind)


def _attach(pages: list[Page], plan: SiteSpecs, ready: set[str]) -> list[Page]:
    """Each page with its charts: `charts` (shown near the top) and, on objective pages, `kr_charts`."""
    def chart(spec: ChartSpec | None) -> list[Chart]:
        return [_chart(spec)] if spec is not None and spec.name in ready else []

    result = []
    for page in pages:
        context = page.context
        extra: dict[str, Any] = {}
        if page.template in ("dashboard.html", "period.html") and "period" in context:
            extra["charts"] = chart(plan.periods.get(context["period"].id))
        elif page.template == "objective.html" and "objective" in context:
            objective = context["objective"]
            extra["charts"] = chart(plan.objectives.get(objective.id))
            extra["kr_charts"] = {kr_id: _chart(spec) for kr_id, spec in plan.krs.get(objective.id, {}).items()
                                  if spec.name in ready}
        elif page.template == "project.html" and "project" in context:
            extra["charts"] = chart(plan.projects.get(context["project"].id))
        result.append(dataclasses.replace(page, context={**context, **extra}) if extra else page)
    return result


def add_charts(site: Site, pages: list[Page], theme_dirs: list[Path], diagnostics: Diagnostics,
               jobs: int | None = None, progress: Progress = None) -> ChartStage:
    """The chart files of a site and its pages with their charts; nothing when charts are disabled."""
    settings = site.config.charts
    if not settings.enabled:
        return ChartStage({}, pages)
    started = time.perf_counter()
    look = Look(settings.format, float(settings.dpi), palette_for_theme(theme_dirs))
    plan = site_specs(site, look)
    cache = ChartCache(site.config.cache_dir / "charts")
    keys = [(spec, chart_key(spec)) for spec in plan.specs]
    unique: dict[str, ChartSpec] = {}
    for spec, key in keys:
        unique.setdefault(key, spec)
    images, drawn, cached, workers = _images(unique, cache, jobs, diagnostics, progress)
    files: dict[str, bytes] = {}
    ready: set[str] = set()
    for spec, key in keys:
        raw = images.get(key)
        if raw is None:
            continue
        data = finish_svg(raw, look.palette, spec.alt) if look.format == "svg" else raw
        files[f"charts/{spec.name}.{look.format}"] = data
        ready.add(spec.name)
    return ChartStage(files, _attach(pages, plan, ready), drawn, cached, workers, time.perf_counter() - started)
