"""The orchestrator: config -> source -> model -> pages -> output.

Only this module knows the order of the stages. A Builder keeps what can be
reused between builds (parsed documents), so `okrsite serve` rebuilds
incrementally by calling the same code as `okrsite build`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markdown_it

from okrsite import __version__
from okrsite.build import background
from okrsite.site import exports
from okrsite.site import pages as site_pages
from okrsite.site.charts import ChartFiles, add_charts
from okrsite.site.charts.cache import matplotlib_version
from okrsite.model.assemble import assemble
from okrsite.content.config import SiteConfig, load_config
from okrsite.diagnostics import BuildFailed, Diagnostic, Diagnostics, Location
from okrsite.model.site import Site
from okrsite.site.pages import Page
from okrsite.build.output import KEPT, Content, UnsafeOutput, WriteReport, check_output_dir, write_site
from okrsite.site.markdown import RenderCache
from okrsite.content.provenance import BuildInfo, commit_info
from okrsite.site.render import make_environment, render_pages, theme_dirs
from okrsite.content.source import (Document, DocumentCache, SourceError, discover, parse_markdown_document,
                            parse_yaml_document)
from okrsite.build.state import (BuildState, ContextDigests, PreviousPages, forget_state, input_fingerprint,
                           load_state, output_stamps, save_state)

OKRSITE_CODE = Path(__file__).resolve().parent.parent  # okrsite's own code: a change rebuilds everything
DOCUMENTS_FILE = "documents.json"
MARKDOWN_FILE = "markdown.json"


@dataclass(frozen=True)
class BuildOptions:
    config_path: Path
    output: Path | None = None
    as_of: dt.date | None = None
    strict: bool = False
    jobs: int | None = None  # processes rendering pages and drawing charts; None: the core count; 1: no other process


@dataclass(frozen=True)
class BuildReport:
    output: Path
    pages: int
    files: int
    written: int
    unchanged: int
    removed: int
    seconds: float
    warnings: tuple[Diagnostic, ...] = ()
    documents_parsed: int = 0
    documents_cached: int = 0
    changed: tuple[str, ...] = ()  # output paths written or removed (the preview reloads on these)
    charts_drawn: int = 0
    charts_cached: int = 0
    charts_workers: int = 0  # processes that drew charts (0: none drawn, 1: in-process)
    charts_seconds: float = 0.0
    up_to_date: bool = False  # nothing had changed: no stage ran
    pages_kept: int = 0  # pages whose inputs were unchanged: not rendered again
    pages_workers: int = 0  # processes that rendered pages

    def summary(self) -> str:
        charts = (f", {self.charts_drawn} charts drawn, {self.charts_cached} cached"
                  if self.charts_drawn or self.charts_cached else "")
        if self.up_to_date:
            return (f"up to date: {self.pages} pages, {self.files} files unchanged{charts} "
                    f"in {self.seconds:.2f} s -> {self.output}")
        return (f"built {self.pages} pages, {self.files} files ({self.written} written, "
                f"{self.unchanged} unchanged, {self.removed} removed){charts} in {self.seconds:.2f} s -> {self.output}")


@dataclass(frozen=True)
class CheckReport:
    """What `okrsite check` found: the content loads, with these warnings."""

    objectives: int
    projects: int
    pages: int
    seconds: float
    warnings: tuple[Diagnostic, ...] = ()

    def summary(self) -> str:
        return (f"checked {self.objectives} objectives, {self.projects} projects and {self.pages} pages "
                f"in {self.seconds:.2f} s: no errors")


@dataclass
class Builder:
    """Builds one site again and again, reusing parsed documents between builds."""

    options: BuildOptions
    documents: DocumentCache = field(default_factory=DocumentCache)
    progress: Callable[[str], None] = lambda _: None  # told each stage, for a progress line
    markdown: RenderCache | None = None
    environment: tuple[tuple[object, ...], jinja2.Environment] | None = None

    def build(self) -> BuildReport:
        """Build the site; raise BuildFailed with every diagnostic when it cannot."""
        with _fewer_collections():
            return self._build()

    def _build(self) -> BuildReport:
        started = time.perf_counter()
        parsed_before, cached_before = self.documents.misses, self.documents.hits
        diagnostics = Diagnostics()
        config = self._config(diagnostics)
        try:
            check_output_dir(config.output_dir, config.root,
                             [config.content_dir, config.root / "themes", config.cache_dir])
        except UnsafeOutput as exc:
            diagnostics.error(Location(config.relative(config.path)), str(exc))
            raise BuildFailed(diagnostics.sorted()) from None
        build_info = commit_info(config.root)
        dirs = theme_dirs(config.theme_dir)
        fingerprint = _fingerprint(config, dirs, build_info)
        previous = load_state(config.cache_dir)
        if previous is not None and previous.fingerprint == fingerprint \
                and previous.outputs == output_stamps(config.output_dir):
            return self._up_to_date(config, previous, started)

        if not self.documents.entries:
            self.documents = DocumentCache.restore(config.cache_dir / DOCUMENTS_FILE)
            parsed_before, cached_before = self.documents.misses, self.documents.hits
        self.progress("reading and checking content")
        site = self._site(config, diagnostics)
        if self.markdown is None:
            self.markdown = RenderCache.restore(config.cache_dir / MARKDOWN_FILE)
        markdown = self.markdown
        markdown.start_build()
        key = (tuple(dirs), repr(build_info), input_fingerprint({}, [d / "templates" for d in dirs], []))
        if self.environment is None or self.environment[0] != key:
            # Kept between builds (the preview) until a template file changes.
            self.environment = (key, make_environment(dirs, {"build_info": build_info}, markdown))
        kept = None
        if previous is not None and not (config.theme_dir / "templates").is_dir():
            kept = PreviousPages(config.output_dir, previous.extra.get("pages", {}), previous.extra.get("charts", {}),
                                 previous.outputs)
        def save_documents() -> None:
            # Saving a cache costs as much as a few hundred parses: after a small edit, keep the
            # old file; the next build then parses or renders those few texts again.
            if _worth_saving(self.documents.misses - parsed_before, len(self.documents.entries), previous):
                self.documents.save(config.cache_dir / DOCUMENTS_FILE)

        rendered = render_site(site, diagnostics, self.environment[1], markdown, self.options.jobs, kept,
                               self.progress, save_documents)
        files, page_count, charts = rendered.files, rendered.pages, rendered.charts
        if diagnostics.errors:
            raise BuildFailed(diagnostics.sorted())
        forget_state(config.cache_dir)
        self.progress(f"writing {len(files):,} files")
        report: WriteReport = write_site(files, config.output_dir)
        warnings = tuple(diagnostics.sorted())
        if _worth_saving(markdown.rendered, len(markdown.used), previous):
            markdown.save(config.cache_dir / MARKDOWN_FILE)
        # A chart that could not be drawn is tried again by the next build, even with nothing changed.
        save_state(config.cache_dir, BuildState("" if charts.redo else fingerprint,
                                                output_stamps(config.output_dir), warnings,
                                                page_count, charts.drawn + charts.cached,
                                                {"pages": rendered.digests, "charts": rendered.chart_files}))
        return BuildReport(
            output=config.output_dir, pages=page_count, files=len(files), written=report.written,
            unchanged=report.unchanged, removed=report.removed,
            seconds=time.perf_counter() - started, warnings=warnings,
            documents_parsed=self.documents.misses - parsed_before,
            documents_cached=self.documents.hits - cached_before, changed=report.changed,
            charts_drawn=charts.drawn, charts_cached=charts.cached, charts_workers=charts.workers,
            charts_seconds=charts.seconds, pages_kept=rendered.kept, pages_workers=rendered.workers)

    def _up_to_date(self, config: SiteConfig, state: BuildState, started: float) -> BuildReport:
        """Nothing that shapes the output changed since the last build, and the output is intact."""
        if self.options.strict and state.warnings:
            raise BuildFailed(list(state.warnings))
        files = len(state.outputs) - 1  # less the output marker
        return BuildReport(output=config.output_dir, pages=state.pages, files=files, written=0,
                           unchanged=files, removed=0, seconds=time.perf_counter() - started,
                           warnings=state.warnings, charts_cached=state.charts, up_to_date=True)

    def check(self) -> CheckReport:
        """Load and check the configuration and content, as a build does, without rendering
        or writing anything (`okrsite check`); raise BuildFailed like build()."""
        started = time.perf_counter()
        diagnostics = Diagnostics()
        site = self.load(diagnostics)
        return CheckReport(objectives=len(site.objectives), projects=len(site.projects),
                           pages=len(site.pages), seconds=time.perf_counter() - started,
                           warnings=tuple(diagnostics.sorted()))

    def load(self, diagnostics: Diagnostics) -> Site:
        """The checked model, loaded as a build loads it (check, diff, checkin); problems are
        added to `diagnostics`, and errors raise BuildFailed like build()."""
        return self._site(self._config(diagnostics), diagnostics)

    def _config(self, diagnostics: Diagnostics) -> SiteConfig:
        config = load_config(self.options.config_path, diagnostics, output=self.options.output,
                             as_of=self.options.as_of)
        if config is None:
            raise BuildFailed(diagnostics.sorted())
        return config

    def _site(self, config: SiteConfig, diagnostics: Diagnostics) -> Site:
        """The checked model; errors (and warnings under --strict) raise BuildFailed."""
        site = self._load_site(config, diagnostics)
        problems = diagnostics.errors + (diagnostics.warnings if self.options.strict else [])
        if site is None or problems:
            raise BuildFailed(diagnostics.sorted())
        return site

    def _load_site(self, config: SiteConfig, diagnostics: Diagnostics) -> Site | None:
        files = discover(config.content_dir)
        if not config.content_dir.is_dir():
            diagnostics.error(Location(config.relative(config.path)),
                              f"the content folder {config.relative(config.content_dir)} does not exist")
            return None

        def load(paths: tuple[Path, ...], parser) -> list[Document]:
            docs = []
            for path in paths:
                try:
                    doc, problems = self.documents.load(path, config.relative(path), parser)
                except SourceError as exc:
                    diagnostics.items.append(exc.diagnostic)
                    continue
                except OSError as exc:
                    diagnostics.error(Location(config.relative(path)), f"cannot read the file: {exc.strerror}")
                    continue
                diagnostics.items.extend(problems)
                docs.append(doc)
            return docs

        self.documents.retain({*files.objectives, *files.projects, *files.pages,
                               *((files.teams,) if files.teams else ())})
        objectives = load(files.objectives, parse_markdown_document)
        projects = load(files.projects, parse_markdown_document)
        free_pages = load(files.pages, parse_markdown_document)
        teams = load((files.teams,), parse_yaml_document) if files.teams else []
        if files.teams and not teams:
            return None
        site = assemble(config, objectives, projects, free_pages, teams[0] if teams else None, diagnostics)
        if site is not None and not site.objectives and not files.objectives:
            diagnostics.warning(Location(config.relative(config.content_dir)),
                                "no objectives found: add Markdown files under objectives/")
        return site


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """A build makes millions of small objects that live until it ends; at Python's default
    thresholds the cycle collector scans them again and again (a tenth of a cold build)."""
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def navigation(site: Site) -> list[dict[str, str]]:
    items = [{"label": "Dashboard", "target": "", "section": "dashboard"},
             {"label": "Periods", "target": "periods/", "section": "periods"},
             {"label": "Teams", "target": "teams/", "section": "teams"},
             {"label": "Projects", "target": "projects/", "section": "projects"},
             {"label": "Alignment", "target": "alignment/", "section": "alignment"}]
    items += [{"label": p.title, "target": f"pages/{p.slug}/", "section": f"pages/{p.slug}"}
              for p in site.pages]
    return items


def _base_for_404(site: Site) -> str:
    """GitHub Pages shows 404.html at any depth: its links start from site_url's path."""
    if not site.config.site_url:
        return "/"
    path = urllib.parse.urlsplit(site.config.site_url).path or "/"
    return path if path.endswith("/") else path + "/"


def _worth_saving(fresh: int, total: int, previous: BuildState | None) -> bool:
    return previous is None or fresh * 20 > total


def _libraries() -> dict[str, str]:
    """The versions of what turns content into pages and charts (read without importing matplotlib)."""
    return {"okrsite": __version__, "jinja2": jinja2.__version__, "markdown-it-py": markdown_it.__version__,
            "matplotlib": matplotlib_version()}


def _fingerprint(config: SiteConfig, dirs: list[Path], build_info: BuildInfo | None) -> str:
    """Everything the output depends on: settings, okrsite's own code, content and theme files."""
    settings = {**_libraries(), "as_of": config.as_of, "output": config.output_dir, "build_info": build_info}
    return input_fingerprint(settings, [config.content_dir, *dirs, OKRSITE_CODE],
                             [config.path])


@dataclass(frozen=True)
class Rendered:
    files: dict[str, Content]
    pages: int
    charts: ChartFiles
    chart_files: dict[str, tuple[str, ...]]  # page -> the chart files it shows
    digests: dict[str, str]  # self-contained page -> digest of its inputs
    kept: int  # pages taken from the previous build
    workers: int  # processes that rendered pages


def render_site(site: Site, diagnostics: Diagnostics, env: jinja2.Environment, markdown: RenderCache,
                jobs: int | None = None, previous: PreviousPages | None = None,
                progress: Callable[[str], None] | None = None, also: Callable[[], None] | None = None) -> Rendered:
    """Every output file, in memory (bytes, or KEPT as the last build wrote it): nothing is
    written until all of it succeeded.

    `also` is other work of the build, done while page workers render.
    """
    config = site.config
    dirs = theme_dirs(config.theme_dir)
    nav = navigation(site)
    shared = {"site": site, "config": config, "nav": nav}
    # Besides its context, a self-contained page shows site-wide settings, team names,
    # the navigation and whatever the theme and okrsite's own code make of them.
    shared_digest = input_fingerprint(
        {"config": repr(config), "build_info": env.globals["build_info"], "teams": repr(site.teams), "nav": nav,
         **_libraries()}, [*dirs, OKRSITE_CODE], [])
    page_list = site_pages.site_map(site, _base_for_404(site))
    # Charts are a function of what their page shows, so a page kept as it was keeps its charts too.
    contexts = ContextDigests(shared_digest)

    def digest_pages() -> dict[str, str]:
        return {page.url: contexts.page(page.url, page.template, page.context)
                for page in page_list if page.self_contained}

    # With no previous build nothing can be kept: the digests (for the next build) can wait.
    digests = digest_pages() if previous else {}
    kept = {url: previous.charts.get(url, []) for url, digest in digests.items()
            if previous and previous.unchanged(url, digest)}
    stage = add_charts(site, page_list, dirs, jobs, progress, kept)
    to_render = [page for page in stage.pages if page.url not in kept]
    if progress:
        progress(f"rendering {len(to_render):,} pages ({len(page_list) - len(to_render):,} unchanged)")

    # okrs.json, the feed and the static files need only the model: another process makes them.
    other = background.start(lambda: _other_files(site, page_list, dirs), fork=jobs != 1)

    def while_waiting() -> None:  # while the page workers render
        if not previous:
            digests.update(digest_pages())
        if also:
            also()

    try:
        rendered, workers = _render(to_render, env, shared, markdown, diagnostics, jobs, while_waiting)
        charts = stage.finish(diagnostics)
        other_files = other.result()
    except BaseException:  # Ctrl-C, or a theme helper raising: no process is left behind
        stage.cancel()
        other.stop()
        raise
    if charts.redo:  # a chart could not be drawn: its pages without it, drawn again next time
        rendered.update(_render(charts.redo, env, shared, markdown, diagnostics, jobs)[0])
        for page in charts.redo:
            digests.pop(page.url, None)
    files: dict[str, Content] = {**charts.files, **dict.fromkeys(kept, KEPT), **rendered, **other_files}
    return Rendered(files, len(page_list), charts, stage.by_page, digests, len(kept), workers)


def _other_files(site: Site, page_list: list[Page], dirs: list[Path]) -> dict[str, bytes]:
    """Everything besides pages and charts: the theme's static files, assets, the exports."""
    files = {}
    for theme in reversed(dirs):  # built-in first, the site's theme overrides it
        for path in sorted((theme / "static").rglob("*")):
            if path.is_file():
                files["static/" + path.relative_to(theme / "static").as_posix()] = path.read_bytes()
    content = site.config.content_dir
    for path in discover(content).assets:
        files["assets/" + path.relative_to(content / "assets").as_posix()] = path.read_bytes()
    files["okrs.json"] = exports.okrs_json(site)
    files["feed.xml"] = exports.atom_feed(site)
    sitemap = exports.sitemap(site, page_list)
    if sitemap is not None:
        files["sitemap.xml"] = sitemap
    files[".nojekyll"] = b""
    return files


def _render(pages: list[Page], env: jinja2.Environment, shared: dict[str, Any], markdown: RenderCache,
            diagnostics: Diagnostics, jobs: int | None,
            while_waiting: Callable[[], None] = lambda: None) -> tuple[dict[str, bytes], int]:
    """The pages' HTML, and how many processes rendered it; a template error becomes a diagnostic."""
    config: SiteConfig = shared["config"]
    rendered, error, workers = render_pages(env, pages, config.pretty_urls, shared, markdown,
                                            lambda exc: _template_diagnostic(exc, config), jobs or os.cpu_count() or 1,
                                            while_waiting)
    if error is not None:
        diagnostics.items.append(error)
    return rendered, workers


def _template_diagnostic(exc: Exception, config: SiteConfig) -> Diagnostic:
    """A theme error as path:line: the template file and line, found in the traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return Diagnostic(config.relative(Path(exc.filename)), exc.lineno or 1, 1, "error",
                          f"template error: {exc.message}")
    for frame, lineno in reversed(list(traceback.walk_tb(exc.__traceback__))):
        filename = frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            return Diagnostic(config.relative(Path(filename)), lineno, 1, "error", f"template error: {exc}")
    return Diagnostic(config.relative(config.path), 1, 1, "error", f"template error: {exc}")


def build(options: BuildOptions, progress: Callable[[str], None] | None = None) -> BuildReport:
    """One build, as `okrsite build` runs it."""
    builder = Builder(options)
    if progress is not None:
        builder.progress = progress
    return builder.build()


def check(options: BuildOptions) -> CheckReport:
    """One check, as `okrsite check` runs it: the build's loading and checking, nothing written."""
    return Builder(options).check()
