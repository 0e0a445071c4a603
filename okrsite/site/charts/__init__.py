"""The chart stage: specs from the model, drawn only when not cached, attached to pages.

    stage = add_charts(site, pages, theme_dirs, jobs=None)
    ... render stage.pages ...
    charts = stage.finish(diagnostics)

gives the pages with chart descriptors in their contexts (`charts`: a list,
`kr_charts`: by KR id) at once, and, when finished, the chart files
(`charts/<name>.<ext>` → bytes) and how many charts were drawn and how many
came from the cache.

matplotlib is imported only when a chart must be drawn (`okrsite.site.charts.draw`
is the only module that imports it), in the processes of `charts.workers`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from okrsite.site.charts.cache import ChartCache, chart_key
from okrsite.site.charts.palette import Palette, palette_for_theme
from okrsite.site.charts.specs import ChartSpec, Look, SiteSpecs, Table, site_specs
from okrsite.site.charts.workers import Progress, start_drawing
from okrsite.diagnostics import Diagnostics, Location
from okrsite.model.site import Site
from okrsite.build.output import KEPT, Content
from okrsite.site.pages import Page

__all__ = ["Chart", "ChartFiles", "ChartStage", "add_charts", "finish_svg"]


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
class ChartFiles:
    """The chart stage's outcome, once every chart is drawn."""

    files: dict[str, Content]
    drawn: int = 0
    cached: int = 0  # from the cache, or kept in the output with their pages
    workers: int = 0
    seconds: float = 0.0
    redo: list[Page] = dataclasses.field(default_factory=list)  # pages to render again without a failed chart


@dataclass(frozen=True)
class ChartStage:
    """Pages with their charts, which may still be drawing: `finish()` waits for them."""

    pages: list[Page]
    by_page: dict[str, tuple[str, ...]]  # page -> the chart files it shows
    finish: Callable[[Diagnostics], ChartFiles]
    cancel: Callable[[], None] = lambda: None  # the build failed before finish(): stop drawing


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


def _lookup(keyed: dict[str, ChartSpec], cache: ChartCache) -> tuple[dict[str, bytes], list[tuple[str, ChartSpec]]]:
    """The drawings (raw, before finishing) found in the cache by key, and the specs still to draw."""
    images: dict[str, bytes] = {}
    missing: list[tuple[str, ChartSpec]] = []
    for key, spec in sorted(keyed.items(), key=lambda kv: (kv[1].kind, kv[1].name)):
        data = cache.get(key, spec.look.format)
        if data is None:
            missing.append((key, spec))
        else:
            images[key] = data
    return images, missing


def chart_path(spec: ChartSpec) -> str:
    """Where a chart lands in the site: charts/objectives/seo-visibility/kr-page-views.svg."""
    return f"charts/{spec.name}.{spec.look.format}"


def _chart(spec: ChartSpec) -> Chart:
    return Chart(chart_path(spec), spec.alt, spec.caption, spec.width, spec.height,
                 spec.tables, spec.kind)


def _page_parts(page: Page, plan: SiteSpecs) -> tuple[list[ChartSpec], dict[str, ChartSpec]]:
    """The charts a page shows near its top, and (objective pages) under each key result."""
    context = page.context
    if page.template in ("dashboard.html", "period.html") and "period" in context:
        top = plan.periods.get(context["period"].id)
        return ([top] if top else []), {}
    if page.template == "objective.html" and "objective" in context:
        objective_id = context["objective"].id
        top = plan.objectives.get(objective_id)
        return ([top] if top else []), plan.krs.get(objective_id, {})
    if page.template == "project.html" and "project" in context:
        top = plan.projects.get(context["project"].id)
        return ([top] if top else []), {}
    return [], {}


def _page_specs(page: Page, plan: SiteSpecs) -> list[ChartSpec]:
    top, by_kr = _page_parts(page, plan)
    return [*top, *by_kr.values()]


def _attach(pages: list[Page], plan: SiteSpecs, ready: set[str],
            kept: Mapping[str, Sequence[str]]) -> tuple[list[Page], dict[str, tuple[str, ...]]]:
    """Each page with its charts: `charts` (shown near the top) and, on objective pages, `kr_charts`;
    and each page's chart files. Kept pages stay as they are."""
    result, files = [], {}
    for page in pages:
        if page.url in kept:
            result.append(page)
            if kept[page.url]:
                files[page.url] = tuple(kept[page.url])
            continue
        top, by_kr = _page_parts(page, plan)
        shown = tuple(_chart(spec).src for spec in [*top, *by_kr.values()] if spec.name in ready)
        if shown:
            files[page.url] = shown
        if page.template in ("dashboard.html", "period.html", "objective.html", "project.html"):
            extra: dict[str, Any] = {"charts": [_chart(spec) for spec in top if spec.name in ready]}
            if page.template == "objective.html":
                extra["kr_charts"] = {kr_id: _chart(spec) for kr_id, spec in by_kr.items() if spec.name in ready}
            page = dataclasses.replace(page, context={**page.context, **extra})
        result.append(page)
    return result, files


def add_charts(site: Site, pages: list[Page], theme_dirs: list[Path], jobs: int | None = None,
               progress: Progress = None, kept: Mapping[str, Sequence[str]] | None = None) -> ChartStage:
    """Pages with their charts, and the chart files once `finish()`ed; no charts when disabled.

    Charts missing from the cache start drawing at once (in the background when there are
    few); pages are attached every chart as if all draw, and `finish()` names the pages to
    render again in the rare case one fails. `kept` names the pages a rebuild keeps as they
    were, with the chart files they show: their charts are neither specified nor drawn again,
    and their files stay (KEPT).
    """
    settings = site.config.charts
    if not settings.enabled:
        return ChartStage(pages, {}, lambda _: ChartFiles({}))
    started = time.perf_counter()
    kept = kept or {}
    look = Look(settings.format, float(settings.dpi), palette_for_theme(theme_dirs))
    kept_pages = [page.context for page in pages if page.url in kept]
    plan = site_specs(site, look, {c["objective"].id for c in kept_pages if "objective" in c},
                      {c["project"].id for c in kept_pages if "project" in c})
    cache = ChartCache(site.config.cache_dir / "charts")
    keys = [(spec, chart_key(spec)) for spec in plan.specs]
    unique: dict[str, ChartSpec] = {}
    for spec, key in keys:
        unique.setdefault(key, spec)
    images, missing = _lookup(unique, cache)
    if missing and progress:
        progress(f"drawing {len(missing):,} charts ({len(images):,} from the cache)")
    drawing = start_drawing([spec for _, spec in missing], jobs, progress)
    everything = {spec.name for spec in plan.specs}
    with_charts, by_page = _attach(pages, plan, everything, kept)
    before_pages = time.perf_counter() - started

    def finish(diagnostics: Diagnostics) -> ChartFiles:
        """Wait for the drawings, store them, make the files; the time spent excludes the pages'."""
        finishing = time.perf_counter()
        for (key, spec), result in zip(missing, drawing.pending.result()):
            if isinstance(result, bytes):
                images[key] = result
                cache.put(key, spec.look.format, result)
            else:
                diagnostics.warning(Location(spec.source), f"chart {spec.name} could not be drawn: {result}")
        for source, what, why in plan.failed:
            diagnostics.warning(Location(source), f"chart {what} could not be drawn: {why}")
        files: dict[str, Content] = {path: KEPT for paths in kept.values() for path in paths}
        ready: set[str] = set()
        for spec, key in keys:
            raw = images.get(key)
            if raw is None:
                continue
            try:
                files[chart_path(spec)] = finish_svg(raw, look.palette, spec.alt) if look.format == "svg" else raw
                ready.add(spec.name)
            except Exception as exc:  # noqa: BLE001 - a drawing that cannot be finished is one chart lost
                diagnostics.warning(Location(spec.source), f"chart {spec.name} could not be drawn: {exc}")
        failed = {page.url for page in pages if any(s.name not in ready for s in _page_specs(page, plan))}
        redo, _ = _attach([page for page in pages if page.url in failed], plan, ready, {})
        drawn = sum(isinstance(result, bytes) for result in drawing.pending.result())
        return ChartFiles(files, drawn, len(unique) - len(missing) + sum(map(len, kept.values())),
                          drawing.workers, before_pages + time.perf_counter() - finishing, redo)

    return ChartStage(with_charts, by_page, finish, drawing.pending.stop)
