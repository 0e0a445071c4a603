"""The chart stage: the charts the pages declare, drawn only when not cached, attached to pages.

    stage = start_charts(site, pages, theme_dirs, diagnostics, jobs=None)
    ... render stage.pages ...
    charts = stage.finish(diagnostics)

Each page names the subjects of its charts (`Page.charts`, see okrsite.site.pages);
this stage specifies each subject once per layout (`specs.chart_spec`; wide, and narrow for
phones: `layout.LAYOUTS`), starts drawing those
missing from the cache, and gives the pages with chart descriptors in their
contexts at once (`charts`: the page's list, `kr_charts`: by key result id), and,
when finished, the chart files (`charts/<name>.<ext>` -> the cache's file, linked into the
output; bytes where the cache could not keep it) and how many charts were drawn and how many
came from the cache. The processes that draw store the files they make (`files.ChartJob`).

matplotlib is imported only when a chart must be drawn (`okrsite.site.charts.draw`
is the only module that imports it), in the processes of `charts.workers`.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrsite.build.background import Helper
from okrsite.build.output import Content, Linked
from okrsite.diagnostics import Diagnostics, Location
from okrsite.model.site import Site
from okrsite.site.charts.cache import ChartCache, chart_keys
from okrsite.site.charts.files import ChartJob
from okrsite.site.charts.layout import LAYOUTS
from okrsite.site.charts.palette import palette_for_theme
from okrsite.site.charts.specs import SUBJECT_WORDS, ChartSpec, Look, Table, chart_spec, relaid, subject_source
from okrsite.site.charts.workers import Progress, Result, draw_here, start_drawing
from okrsite.site.pages import ChartUse, Page

__all__ = ["Chart", "ChartFiles", "ChartStage", "chart_path", "page_specs", "start_charts"]


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
    narrow: Chart | None = None  # the same chart laid out for phones (a <source> of the <picture>)


@dataclass(frozen=True)
class ChartFiles:
    """The chart stage's outcome, once every chart is drawn."""

    files: dict[str, Content]  # chart file -> its bytes, or the cache's file with them (Linked)
    by_page: dict[str, tuple[str, ...]]  # page -> the chart files it shows
    drawn: int = 0
    cached: int = 0
    workers: int = 0
    seconds: float = 0.0
    redo: list[Page] = dataclasses.field(default_factory=list)  # pages to render again without a failed chart
    # chart file -> (its key in the chart cache, its text alternative): what a later build
    # restores it from (`start_charts(restorable=...)`)
    sources: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)

    def page_sources(self) -> dict[str, dict[str, tuple[str, str]]]:
        """Each page's chart files with their sources."""
        return {url: {path: self.sources[path] for path in paths if path in self.sources}
                for url, paths in self.by_page.items()}


@dataclass(frozen=True)
class ChartStage:
    """Pages with their charts, which may still be drawing: `finish()` waits for them."""

    pages: list[Page]
    finish: Callable[[Diagnostics], ChartFiles]
    cancel: Callable[[], None] = lambda: None  # the build failed before finish(): stop drawing
    # pages showing a chart whose spec failed: never kept or cached, so each build warns again
    unspecified: tuple[str, ...] = ()


_CHART_KEY = re.compile(r"[0-9a-f]{40}")
# No segment starts with a dot (none leads out) or is longer than a file name may be.
_CHART_FILE = re.compile(r"charts(/[\w-][\w.-]{0,99})+\.(svg|png)")


def _restore(pages: Mapping[str, Mapping[str, tuple[str, str]]], look: Look, cache: ChartCache) -> ChartFiles:
    """The chart files of pages taken whole from the page cache, linked from the chart cache's files
    the last build named for them (`ChartFiles.sources`) without specifying a chart again: what a
    fresh clone in CI, or a build after the output folder was deleted, spent most of its chart time on.

    `pages`: page -> its chart files' sources. A page with a file missing from the chart cache
    (pruned, or a source that is not one of okrsite's) is left out of the result's `by_page`: its
    charts are specified and drawn as any other page's.
    """
    files: dict[str, Content] = {}
    by_page: dict[str, tuple[str, ...]] = {}
    sources: dict[str, tuple[str, str]] = {}
    for url, shown in pages.items():
        found = {}
        for path, (key, _alt) in shown.items():  # the key covers the text alternative
            made = _restored(cache, look, path, key)
            if made is None:
                break
            found[path] = made
        else:
            files.update(found)
            by_page[url] = tuple(shown)
            sources.update(shown)
    return ChartFiles(files, by_page, cached=len({key for key, _ in sources.values()}), sources=sources)


def _restored(cache: ChartCache, look: Look, path: str, key: str) -> Linked | None:
    """The cache's file for a chart file a page cache record names."""
    if not (_CHART_KEY.fullmatch(key) and (found := _CHART_FILE.fullmatch(path)) and found.group(2) == look.format):
        return None
    kept = cache.find(key, look.format)
    return None if kept is None else Linked(kept)


def _lookup(keys: list[tuple[ChartSpec, str]],
            cache: ChartCache) -> tuple[dict[str, Content], list[tuple[str, ChartSpec]]]:
    """The chart files found in the cache by key, and the specs still to draw (each key once: the
    first spec with it)."""
    keyed = {key: spec for spec, key in reversed(keys)}
    found: dict[str, Content] = {}
    missing: list[tuple[str, ChartSpec]] = []
    for key, spec in sorted(keyed.items(), key=lambda kv: (kv[1].kind, kv[1].name)):
        kept = cache.find(key, spec.look.format)
        if kept is None:
            missing.append((key, spec))
        else:
            found[key] = Linked(kept)
    return found, missing


def chart_path(spec: ChartSpec) -> str:
    """Where a chart lands in the site: charts/objectives/seo-visibility/kr-page-views.svg."""
    return f"charts/{spec.name}.{spec.look.format}"


def _chart(spec: ChartSpec, narrow: ChartSpec | None = None) -> Chart:
    return Chart(chart_path(spec), spec.alt, spec.caption, spec.width, spec.height,
                 spec.tables, spec.kind, _chart(narrow) if narrow is not None else None)


def page_specs(site: Site, pages: Iterable[Page], look: Look, diagnostics: Diagnostics | None = None,
               other: dict[tuple[str, str], ChartSpec] | None = None,
               failed: set[tuple[str, str]] | None = None) -> dict[tuple[str, str], ChartSpec]:
    """The spec of every chart the pages declare (each subject once), in page order; subjects
    with nothing worth drawing are left out, and so is one whose spec fails (a bug, or data the
    arithmetic did not expect), with a warning: its page shows without it (and the subject goes
    into `failed`). `other`: the specs of another layout, taken over where only the size differs."""
    specs: dict[tuple[str, str], ChartSpec | None] = {}
    for page in pages:
        for use in page.charts:
            if use.subject in specs:
                continue
            known = other.get(use.subject) if other is not None else None
            same = relaid(known, look) if known is not None else None
            if same is not None:
                specs[use.subject] = same
                continue
            try:
                specs[use.subject] = chart_spec(site, use.subject, look)
            except Exception as exc:  # noqa: BLE001 - one chart lost, with a warning
                specs[use.subject] = None
                if failed is not None:
                    failed.add(use.subject)
                if diagnostics is not None:
                    diagnostics.warning(Location(subject_source(site, use.subject)),
                                        f"chart of {SUBJECT_WORDS[use.subject[0]]} {use.subject[1]} could not be drawn: "
                                        f"{type(exc).__name__}: {exc}")
    return {subject: spec for subject, spec in specs.items() if spec is not None}


def _attach(pages: Sequence[Page], layouts: list[dict[tuple[str, str], ChartSpec]],
            ready: set[str]) -> tuple[list[Page], dict[str, tuple[str, ...]]]:
    """Each page with the charts it declares that are ready: `charts` (its list) and `kr_charts`
    (by key result); and each page's chart files. A chart shows when its wide layout is ready
    (the first), with the others that are."""
    result, files = [], {}
    for page in pages:
        shown: list[tuple[ChartUse, list[ChartSpec]]] = []
        for use in page.charts:
            variants = [specs[use.subject] for specs in layouts
                        if use.subject in specs and specs[use.subject].name in ready]
            if variants and variants[0] is layouts[0].get(use.subject):
                shown.append((use, variants))
        if shown:
            files[page.url] = tuple(chart_path(spec) for _, variants in shown for spec in variants)
        if page.charts:
            charts = {"charts": [_chart(*variants) for use, variants in shown if not use.slot],
                      "kr_charts": {use.slot: _chart(*variants) for use, variants in shown if use.slot}}
            page = dataclasses.replace(page, context={**page.context, **charts})
        result.append(page)
    return result, files


def _look(site: Site, theme_dirs: list[Path]) -> Look:
    settings = site.config.charts
    return Look(settings.format, float(settings.dpi), palette_for_theme(theme_dirs))


def _layouts(site: Site, pages: Sequence[Page], look: Look, diagnostics: Diagnostics | None = None,
             unspecified: set[tuple[str, str]] | None = None) -> list[dict[tuple[str, str], ChartSpec]]:
    """The specs of the pages' charts in each layout; the first reports what fails."""
    layouts: list[dict[tuple[str, str], ChartSpec]] = []
    for layout in LAYOUTS:
        layouts.append(page_specs(site, pages, dataclasses.replace(look, layout=layout),
                                  None if layouts else diagnostics, layouts[0] if layouts else None, unspecified))
    return layouts


def _keyed(layouts: list[dict[tuple[str, str], ChartSpec]]) -> tuple[list[ChartSpec], list[tuple[ChartSpec, str]],
                                                                    dict[str, str]]:
    """Every spec of the layouts; each with its file's key; and each file's key -> its image's."""
    every = [spec for specs in layouts for spec in specs.values()]
    keyed = [chart_keys(spec) for spec in every]
    return every, [(spec, file) for spec, (file, _) in zip(every, keyed)], dict(keyed)


def _jobs(missing: list[tuple[str, ChartSpec]], images: Mapping[str, str], cache: ChartCache) -> list[ChartJob]:
    """The images to draw (`images`: a file's key -> its image's): each once, whatever titles its
    files have (the process that draws it makes them)."""
    files_of: dict[str, list[tuple[str, str]]] = {}  # an image's key -> its missing files' (key, title)
    drawn_as: dict[str, ChartSpec] = {}
    for key, spec in missing:
        image = images[key]
        drawn_as.setdefault(image, spec)
        files_of.setdefault(image, []).append((key, spec.alt))
    return [ChartJob(drawn_as[image], tuple(files), cache.folder) for image, files in files_of.items()]


def _take(drawn: Sequence[ChartJob], results: Sequence[Result], made: dict[str, Content],
          failed: Callable[[str, str], None]) -> None:
    """The files made of each drawn image into `made`, by key; `failed(key, why)` for each one not made."""
    for job, result in zip(drawn, results):
        made_of_it = [result] * len(job.files) if isinstance(result, str) else result  # no image, no file
        for (key, _), file in zip(job.files, made_of_it):
            if isinstance(file, str):
                failed(key, file)
            else:
                made[key] = file if isinstance(file, bytes) else Linked(file)


def with_charts(site: Site, pages: Sequence[Page], theme_dirs: list[Path],
                draw: bool = False) -> tuple[list[Page], dict[str, bytes]]:
    """The pages with the charts they declare, as `start_charts` attaches them when every chart is
    drawn; and their chart files that the chart cache has, or (with `draw`) drawn here and kept
    there. The preview shows the pages someone is looking at, and their charts, before the build
    has drawn anything (okrsite.build.builder); what is drawn here the build finds in the cache."""
    if not site.config.charts.enabled:
        return list(pages), {}
    layouts = _layouts(site, pages, _look(site, theme_dirs))
    every, keys, images = _keyed(layouts)
    cache = ChartCache(site.config.cache_dir / "charts")
    made, missing = _lookup(keys, cache)
    if draw and missing:
        to_draw = _jobs(missing, images, cache)
        _take(to_draw, draw_here(to_draw), made, lambda key, why: None)  # the build warns
    files = {chart_path(spec): made[key] for spec, key in keys if key in made}
    return (_attach(pages, layouts, {spec.name for spec, _ in keys})[0],
            {path: file.path.read_bytes() if isinstance(file, Linked) else file for path, file in files.items()
             if isinstance(file, (bytes, Linked))})


def start_charts(site: Site, pages: list[Page], theme_dirs: list[Path], diagnostics: Diagnostics,
                 jobs: int | None = None, progress: Progress = None,
                 restorable: Mapping[str, Mapping[str, tuple[str, str]]] | None = None,
                 drawer: Helper[Any] | None = None) -> ChartStage:
    """The pages with their charts, and the chart files once `finish()`ed; no charts when disabled.

    `restorable`: pages taken whole from the page cache -> the sources of their chart files; their
    charts are made from those drawings, not specified again, when the chart cache has them all.
    Charts missing from the cache start drawing at once (in the background when there are
    few: by the build's drawing process, `drawer`, when given); pages are attached every chart as if
    all draw, and `finish()` names the pages to render again in the rare case one fails.
    """
    if not site.config.charts.enabled:
        return ChartStage(pages, lambda _: ChartFiles({}, {}))
    started = time.perf_counter()
    look = _look(site, theme_dirs)
    cache = ChartCache(site.config.cache_dir / "charts")
    restored = _restore(restorable or {}, look, cache)
    pages = [page for page in pages if page.url not in restored.by_page]
    unspecified: set[tuple[str, str]] = set()
    layouts = _layouts(site, pages, look, diagnostics, unspecified)
    every, keys, images = _keyed(layouts)
    made, missing = _lookup(keys, cache)
    # Charts in the cache, each once: a page restored whole and a page rendered may show the same one.
    cached = len(set(made) | {key for key, _ in restored.sources.values()})
    to_draw = _jobs(missing, images, cache)
    if to_draw and progress:
        progress(f"drawing {len(to_draw):,} charts ({len(made):,} from the cache)")
    drawing = start_drawing(to_draw, jobs, progress, drawer)
    with_charts, by_page = _attach(pages, layouts, {spec.name for spec in every})
    before_pages = time.perf_counter() - started

    def finish(diagnostics: Diagnostics) -> ChartFiles:
        """Wait for the drawings, store them, make the files; the time spent excludes the pages'."""
        finishing = time.perf_counter()
        results = drawing.pending.result()
        warned: set[str] = set()
        spec_of = dict(missing)

        def warn(key: str, why: object) -> None:  # once a chart, whichever of its layouts failed
            spec = spec_of[key]
            name = spec.name.removesuffix(spec.look.layout.suffix)
            if name not in warned:
                warned.add(name)
                diagnostics.warning(Location(spec.source), f"chart {name} could not be drawn: {why}")

        _take(to_draw, results, made, warn)
        files: dict[str, Content] = {}
        sources: dict[str, tuple[str, str]] = {}
        for spec, key in keys:
            if key in made:
                files[chart_path(spec)] = made[key]
                sources[chart_path(spec)] = (key, spec.alt)
        ready = {spec.name for spec in every if chart_path(spec) in files}
        failed = [page for page in pages if any(specs[use.subject].name not in ready for specs in layouts
                                                for use in page.charts if use.subject in specs)]
        redo, redo_files = _attach(failed, layouts, ready)
        shown = {url: paths for url, paths in by_page.items() if url not in {page.url for page in failed}}
        return ChartFiles({**restored.files, **files}, {**restored.by_page, **shown, **redo_files},
                          sum(not isinstance(r, str) for r in results), cached,
                          drawing.workers, before_pages + time.perf_counter() - finishing, redo,
                          {**restored.sources, **sources})

    return ChartStage(with_charts, finish, drawing.pending.stop,
                      tuple(page.url for page in pages if any(use.subject in unspecified for use in page.charts)))
