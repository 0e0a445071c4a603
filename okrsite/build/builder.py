"""The orchestrator: config -> source -> model -> pages -> output.

Only this module knows the order of the stages. A Builder keeps what can be
reused between builds (parsed documents), so `okrsite serve` rebuilds
incrementally by calling the same code as `okrsite build`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
import time
import traceback
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from okrsite import __version__, installed_version
from okrsite.filesystem.cachefiles import worth_saving
from okrsite.build.lock import one_build_at_a_time
from okrsite.build.output import KEPT, Content, UnsafeOutput, WriteReport, check_output_dir, write_site
from okrsite.build.state import (BuildState, contents_digest, forget_state, input_fingerprint, load_state,
                                 output_stamps, save_state, written_stamps)
from okrsite.content.config import SiteConfig, load_config
from okrsite.content.git import in_work_tree, tracked, work_tree_top
from okrsite.content.provenance import BuildInfo, commit_info
from okrsite.content.source import (Document, DocumentCache, SourceError, SourceFiles, decode, discover,
                                    parse_markdown_document, parse_yaml_document, site_files)
from okrsite.diagnostics import BuildFailed, Diagnostic, Diagnostics, Location, Severity
from okrsite.filesystem.realpaths import leads_inside
from okrsite.site.formatting import plural
from okrsite.site.themes import theme_dirs

# The stages are imported where they are first needed, not here: a build with nothing to do
# (and `okrsite check`, which renders nothing) never loads Jinja, Markdown or the charts.
if TYPE_CHECKING:
    import jinja2

    from okrsite.build.background import Pending
    from okrsite.build.incremental import ObjectDigests
    from okrsite.model.remembered import Remembered
    from okrsite.content.history import History, KeptHistory, Version
    from okrsite.model.site import Site
    from okrsite.site.language import Language
    from okrsite.site.markdown import RenderCache
    from okrsite.site.pages import Page
    from okrsite.site.render import Rendered, RenderJob

OKRSITE_CODE = Path(__file__).resolve().parent.parent  # okrsite's own code: a change rebuilds everything
DOCUMENTS_FILE = "documents.json"
MARKDOWN_FILE = "markdown.json"
PAGES_FOLDER = "pages"


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
    pages_cached: int = 0  # pages taken from the page cache (inputs unchanged, output gone or commit new)

    def summary(self) -> str:
        charts = (f", {plural(self.charts_drawn, 'chart')} drawn, {self.charts_cached} cached"
                  if self.charts_drawn or self.charts_cached else "")
        if self.up_to_date:
            return (f"up to date: {plural(self.pages, 'page')}, {plural(self.files, 'file')} unchanged{charts} "
                    f"in {self.seconds:.2f} s -> {self.output}")
        return (f"built {plural(self.pages, 'page')}, {plural(self.files, 'file')} ({self.written} written, "
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
        found = f", {plural(len(self.warnings), 'warning')}" if self.warnings else ""
        return (f"checked {plural(self.objectives, 'objective')}, {plural(self.projects, 'project')} and "
                f"{plural(self.pages, 'page')} "
                f"in {self.seconds:.2f} s: no errors{found}")


# Pages someone is looking at and their charts, rendered ahead of the rest of a build: output path -> bytes
# (Builder.build).
ShowFirst = Callable[[dict[str, bytes]], None]

Templates = tuple[tuple[object, ...], "Pending[dict[str, bytes]] | None"]  # environment key, compiled templates

# The templates this process compiled last, by the environment's key less the template files'
# stamps (the theme chain, the commit the footer names, the language of the fixed words): a build
# that needs a new environment (the preview after a template file is saved; a program or test
# calling build() in turn) compiles only the template files that changed (each template's source
# checksum guards its code: render.CompiledTemplates). One entry: one theme at a time.
_compiled_last: dict[tuple[object, ...], dict[str, bytes]] = {}


@dataclass
class Builder:
    """Builds one site again and again, reusing parsed documents between builds."""

    options: BuildOptions
    documents: DocumentCache = field(default_factory=DocumentCache)
    remembered: Remembered | None = None  # what the model made of each document, for the next build
    digested: ObjectDigests | None = None  # the digests of the model objects the last build's pages show
    progress: Callable[[str], None] = lambda _: None  # told each stage, for a progress line
    markdown: RenderCache | None = None
    environment: tuple[tuple[object, ...], jinja2.Environment] | None = None
    history: KeptHistory | None = None  # what this builder's last read of the git history found
    # the last page plan's main navigation, and what it was made of (the language, the free pages)
    navigation: tuple[object, list[dict[str, str]]] | None = None

    def build(self, first: Collection[str] = (), show_first: ShowFirst | None = None) -> BuildReport:
        """Build the site; raise BuildFailed with every diagnostic when it cannot.

        The stages in order, each once: configuration, the last build's state (nothing
        changed: done), content and model (git history read beside the content), the page plan
        (the other files made beside it from the model), what can be kept, charts, pages,
        the output swap, the state for the next build. Pages,
        charts and exports speak the site's language for the length of the build, and no longer.

        `first`: pages someone is looking at (the preview's open pages, as output paths). Those
        the site has are made alone and rendered as soon as the model is, and handed to
        `show_first` with their chart files, the bytes the build then writes, before the rest of
        the build; nothing is handed over when the content has errors, a template fails, or this
        builder has made no page plan yet (its navigation is the last plan's).
        """
        with contextlib.ExitStack() as language:
            report = self._build(language, first=frozenset(first), show_first=show_first)
        assert report is not None
        return report

    def prime(self) -> None:
        """For a builder whose builds found nothing to do (`okrsite serve` started on a site built
        before): work out what the next build starts from, as a build would (the model of each
        file, the page digests, the compiled templates), and stop there, nothing rendered or
        written; the first save is then rebuilt as quickly as the ones after it. Nothing is done
        when something changed since the last build (a save came first: its build does it)."""
        if self.remembered is None:
            with contextlib.ExitStack() as language:
                self._build(language, prime=True)

    def _build(self, language: contextlib.ExitStack, prime: bool = False, first: frozenset[str] = frozenset(),
               show_first: ShowFirst | None = None) -> BuildReport | None:
        started = time.perf_counter()
        diagnostics = Diagnostics()
        config = self._config(diagnostics)
        self._check_output(config, diagnostics)
        build_info = commit_info(config.root)
        dirs = theme_dirs(config.theme_dir)
        fingerprint = _fingerprint(config, dirs, build_info)
        previous = load_state(config.cache_dir)
        unchanged = previous is not None and previous.fingerprint == fingerprint \
            and previous.outputs == output_stamps(config.output_dir)
        if unchanged and not prime:
            assert previous is not None
            return self._up_to_date(config, previous, started)
        if prime and not unchanged:
            return None  # something changed (a save came first): that build works it all out
        self._check_cache(config, diagnostics)  # (an up-to-date build uses nothing of it; a commit is a change)
        forks = self.options.jobs != 1 and not prime  # a prime does no side work: it would only be thrown away

        from okrsite.build import background
        from okrsite.build.incremental import plan_reuse
        from okrsite.build.pagecache import PageCache
        from okrsite.site import pages as site_pages
        from okrsite.site.assets import copied_files
        from okrsite.site.charts import start_charts
        from okrsite.site.charts.workers import load_drawing
        from okrsite.site.exports import export_files, page_exports, pdf_specs
        from okrsite.site.formatting import in_language
        from okrsite.site.language import speaking
        from okrsite.site.render import BUILD_LINE, build_line
        from okrsite.site.scorecard_pdf import cached_pdfs, draw_pdfs

        words = language.enter_context(speaking(self._language(config, dirs, diagnostics)))
        templates = self._templates(dirs, build_info, words)  # compiled in the build's language
        if templates[1] is not None:  # a failed build leaves no process behind
            language.enter_context(templates[1])
        # The process that draws a rebuild's few charts and changed scorecard PDFs loads matplotlib now,
        # while this one reads the content (forked before the model: small; none with charts off).
        drawer = language.enter_context(background.helper(
            load_drawing, fork=forks and config.charts.enabled, later=True))  # wanted after the page plan
        files, reading = self._content(config, language)
        documents_before = self._restore_documents(config)
        self.progress("reading and checking content")
        model = self._site(config, diagnostics, files, reading)
        site = in_language(model)  # as the pages show it; okrs.json is made from the model
        # okrs.json, the feed, the search index and the static files need only the model: another
        # process makes them while this one plans the pages and renders them.
        exports = language.enter_context(background.start(  # a failed build leaves no process behind
            lambda: {**copied_files(site, dirs), **export_files(site, model)}, fork=forks))
        markdown = self._markdown(config)
        # The open pages are made alone and shown before the plan is made, with the last plan's
        # navigation when what it is made of is the same (a navigation that changed otherwise, the
        # build writes them otherwise, and they reload once more); a builder that has made no plan
        # yet, or whose site changed language or free pages, shows nothing first.
        navigated_by = (words, tuple((page.slug, page.title, page.weight) for page in site.pages))
        if show_first is not None and not prime and self.navigation is not None \
                and self.navigation[0] == navigated_by:
            env = self._environment(templates, dirs, build_info, markdown)
            self._first_look([page for url in sorted(first) if (page := site_pages.page_alone(site, url))],
                             site, dirs, _render_job(site, env, self.navigation[1]), markdown,
                             build_line(env, build_info), show_first)
        # From here to its state, one build of the site at a time (a failed content check writes nothing)
        if not prime and language.enter_context(one_build_at_a_time(config.cache_dir, lambda holder: self.progress(
                f"waiting for another build of this site to finish (process {holder})"))):
            previous = load_state(config.cache_dir)  # what the other build wrote is what this one starts from
        pages = site_pages.site_map(site)
        # (a prime leaves the cached PDFs untouched: looking one up marks it as used)
        pdfs_found, pdfs_missing = ({}, {}) if prime else cached_pdfs(pdf_specs(site, pages), config.cache_dir)
        pdfs = drawer.later(draw_pdfs, pdfs_missing, config.cache_dir) if pdfs_missing else background.Pending(dict)
        env = self._environment(templates, dirs, build_info, markdown)
        nav = site_pages.navigation(pages)
        self.navigation = (navigated_by, nav)
        line = build_line(env, build_info)
        job = _render_job(site, env, nav)
        page_cache = PageCache(config.cache_dir / PAGES_FOLDER)
        reuse = plan_reuse(pages, _shared_digest(site, dirs, build_info, nav), previous, config.output_dir, page_cache,
                           previous is not None and previous.extra.get("build_line") == line.decode(), self.digested)
        if prime:
            self.digested = reuse.object_digests()
            return None
        charts = start_charts(site, reuse.render, dirs, diagnostics, self.options.jobs, self.progress,
                              reuse.restorable, drawer)
        to_render = [page for page in charts.pages if page.url not in reuse.cached]
        self.progress(f"rendering {len(to_render):,} pages ({len(pages) - len(to_render):,} unchanged)")

        def while_rendering() -> None:
            reuse.take_digests()
            self.digested = reuse.object_digests()
            self._save_documents(config, previous)

        try:
            rendered = self._render(job, to_render, markdown, diagnostics, while_rendering, _last_size(previous))
            chart_files = charts.finish(diagnostics)
            if chart_files.redo:  # a chart could not be drawn: its pages without it, drawn again next time
                rendered.files.update(self._render(job, chart_files.redo, markdown, diagnostics).files)
        except BaseException:  # Ctrl-C, or a theme helper raising: no process is left behind
            charts.cancel()
            raise
        if diagnostics.errors:  # a template failed: the exports are not waited for (their process is stopped)
            raise BuildFailed(diagnostics.sorted())
        other_files = {**exports.result(), **pdfs_found, **pdfs.result(), **page_exports(site, pages)}
        reuse.forget([page.url for page in chart_files.redo] + list(charts.unspecified))
        reuse.forget(rendered.reached)
        kept_charts = {path: KEPT for paths in reuse.kept.values() for path in paths}
        made = {**reuse.cached, **rendered.files}  # a page rendered again (its chart failed) wins
        marker = BUILD_LINE.encode()
        files: dict[str, Content] = {**chart_files.files, **kept_charts, **dict.fromkeys(reuse.kept, KEPT),
                                     **{url: page.replace(marker, line) for url, page in made.items()},
                                     **other_files}

        forget_state(config.cache_dir)
        self.progress(f"writing {len(files):,} files")
        try:
            report: WriteReport = write_site(files, config.output_dir)
        except (OSError, UnsafeOutput) as exc:  # nothing of it is left: the previous output stands
            diagnostics.error(Location(config.relative(config.path)), _write_problem(exc, config))
            raise BuildFailed(diagnostics.sorted()) from None
        warnings = tuple(diagnostics.sorted())
        page_cache.keep(set(reuse.digests.values()),
                        {reuse.digests[url]: page for url, page in rendered.files.items() if url in reuse.digests},
                        {reuse.digests[url]: sources for url, sources in chart_files.page_sources().items()
                         if url in reuse.digests and sources != reuse.restorable.get(url)})  # new or mended
        if _worth_saving(markdown.made, len(markdown.used), previous):
            markdown.save(config.cache_dir / MARKDOWN_FILE)
        charts_cached = chart_files.cached + len(kept_charts.keys() - chart_files.files.keys())  # each file once
        stamps = written_stamps(config.output_dir, files, previous.outputs if previous else {})
        # A chart that could not be drawn is tried again by the next build, even with nothing changed.
        save_state(config.cache_dir, BuildState(
            "" if chart_files.redo else fingerprint, stamps, warnings, len(pages),
            chart_files.drawn + charts_cached,
            {"pages": reuse.digests, "charts": {**chart_files.by_page, **reuse.kept}, "build_line": line.decode()}))
        return BuildReport(
            output=config.output_dir, pages=len(pages), files=len(files), written=report.written,
            unchanged=report.unchanged, removed=report.removed,
            seconds=time.perf_counter() - started, warnings=warnings,
            documents_parsed=self.documents.misses - documents_before[0],
            documents_cached=self.documents.hits - documents_before[1], changed=report.changed,
            charts_drawn=chart_files.drawn, charts_cached=charts_cached, charts_workers=chart_files.workers,
            charts_seconds=chart_files.seconds, pages_kept=len(reuse.kept), pages_workers=rendered.workers,
            pages_cached=len(made) - len(rendered.files))

    @staticmethod
    def _first_look(pages: list[Page], site: Site, dirs: list[Path], job: RenderJob, markdown: RenderCache,
                    line: bytes, show: ShowFirst) -> None:
        """Render `pages` here and now, with their charts (those missing from the chart cache drawn
        here when this process has loaded what draws: the preview's build process), and `show` them
        with their chart files; nothing when a template fails (the build reports it where it
        renders). A chart not drawn here is shown as the build will draw it."""
        from okrsite.site.charts import with_charts
        from okrsite.site.render import BUILD_LINE, render_pages

        if not pages:
            return
        shown, charts = with_charts(site, pages, dirs, draw=True)
        rendered = render_pages(job, shown, markdown, jobs=1)
        if rendered.error is None:
            marker = BUILD_LINE.encode()
            show({**charts, **{url: text.replace(marker, line) for url, text in rendered.files.items()}})

    def _language(self, config: SiteConfig, dirs: list[Path], diagnostics: Diagnostics) -> Language:
        """`language:` with the catalogs of the theme chain; a catalog that cannot be read is an error."""
        from okrsite.site.language import CatalogError, load_language

        try:
            return load_language(config.language, dirs)
        except CatalogError as exc:
            where = Location(config.relative(exc.path), exc.line) if leads_inside(exc.path, config.root) \
                else Location(config.relative(config.path))
            diagnostics.error(where, str(exc))
            raise BuildFailed(diagnostics.sorted()) from None

    def _check_output(self, config: SiteConfig, diagnostics: Diagnostics) -> None:
        try:
            check_output(config, self.options)
        except UnsafeOutput as exc:
            diagnostics.error(config.output_chosen_at, str(exc))
            raise BuildFailed(diagnostics.sorted()) from None

    def _check_cache(self, config: SiteConfig, diagnostics: Diagnostics) -> None:
        """The cache is trusted as data (its pages are published as they are): it must never come
        from the repository, where anyone who commits could put a page with a script in it, or a
        link leading the cache's writes elsewhere. (A link the person building made is theirs.)"""
        cache = config.relative(config.cache_dir)
        if committed := tracked(config.root, cache):
            diagnostics.error(Location(committed[0]), f"the cache holds {len(committed):,} file(s) tracked by git, "
                              f"such as {committed[0]}: a cache must never come from the repository; run "
                              f"git rm -r --cached {cache}, add {cache}/ to .gitignore, and commit")
            raise BuildFailed(diagnostics.sorted())

    def _restore_documents(self, config: SiteConfig) -> tuple[int, int]:
        """The parsed documents of the last run (kept in memory by the preview, else from the
        cache file); returns the parse and cache-hit counters before this build."""
        if not self.documents.entries:
            self.documents = DocumentCache.restore(config.cache_dir / DOCUMENTS_FILE, config.root)
        return self.documents.misses, self.documents.hits

    def _save_documents(self, config: SiteConfig, previous: BuildState | None) -> None:
        # Saving a cache costs as much as a few hundred parses: after a small edit, keep the
        # old file; the next build then parses (or hashes) those few texts again.
        if _worth_saving(self.documents.unsaved, len(self.documents.entries), previous):
            self.documents.save(config.cache_dir / DOCUMENTS_FILE)

    def _markdown(self, config: SiteConfig) -> RenderCache:
        from okrsite.site.markdown import RenderCache

        if self.markdown is None:
            self.markdown = RenderCache.restore(config.cache_dir / MARKDOWN_FILE)
        self.markdown.start_build(index_files=not config.pretty_urls)
        return self.markdown

    def _templates(self, dirs: list[Path], build_info: BuildInfo | None, words: Language) -> Templates:
        """The environment's key, and, when a new environment is needed, the templates an earlier build
        of this process compiled, or else those being compiled in a forked process while the content
        is read (None when no process can be forked: Jinja compiles each template when a page first
        asks for it). Templates hold the theme's fixed words in the build's language
        (render.FixedWords): another language, or a catalog changed, is another key."""
        from okrsite.build import background
        from okrsite.site.render import precompile

        key = (tuple(dirs), repr(build_info), words, input_fingerprint({}, [d / "templates" for d in dirs], []))
        if self.environment is not None and self.environment[0] == key:
            return key, None  # kept
        earlier = _compiled_last.get(key[:-1])
        if earlier is not None:  # compiled by an earlier build of this process (a changed file again)
            return key, background.Pending(lambda: earlier)
        if self.options.jobs == 1 or not background.can_fork():
            return key, None  # compiled as the pages ask for them (not every template: the preview)
        return key, background.start(lambda: precompile(dirs))

    def _environment(self, templates: Templates, dirs: list[Path],
                     build_info: BuildInfo | None, markdown: RenderCache) -> jinja2.Environment:
        """One Jinja environment, kept between builds (the preview) until a template file changes."""
        from okrsite.site.render import CompiledTemplates, make_environment

        key, compiled = templates
        if self.environment is None or self.environment[0] != key:
            code = CompiledTemplates(compiled.result() if compiled is not None else None)
            _compiled_last.clear()  # what this build compiles, the next one finds
            _compiled_last[key[:-1]] = code.compiled
            self.environment = (key, make_environment(dirs, {"build_info": build_info}, markdown, code))
        return self.environment[1]

    def _render(self, job: RenderJob, pages: list[Page], markdown: RenderCache, diagnostics: Diagnostics,
                while_waiting: Callable[[], None] = lambda: None,
                weight: Callable[[Page], int] | None = None) -> Rendered:
        """The pages' HTML; a template error becomes a diagnostic."""
        from okrsite.site.render import PAGE_BYTES, render_pages

        rendered = render_pages(job, pages, markdown, self.options.jobs or os.cpu_count() or 1, while_waiting,
                                weight or (lambda page: PAGE_BYTES))
        if rendered.error is not None:
            diagnostics.items.append(rendered.error)
        return rendered

    def _content(self, config: SiteConfig,
                 stack: contextlib.ExitStack) -> tuple[SourceFiles, Pending[History] | None]:
        """The content's files, and the git history's read started first, in a forked process
        beside the content's (it finds the files itself; stopped with `stack`); no read yet when it
        is read later, here, given the files (a builder that read it before, the preview: only what
        changed since is read)."""
        reading = None if self.history is not None and self.history.key else self._history(config)
        if reading is not None:
            stack.enter_context(reading)  # a failed build leaves no process behind
        return discover(config.content_dir, config.root), reading

    def _history(self, config: SiteConfig, objectives: tuple[Path, ...] | None = None) -> Pending[History]:
        """The versions of each objective file from git (one pass, cached by commit), when on: read
        in a forked process while this one restores its cache and reads the content, asked for
        when the model needs them (`objectives`: the files found, else that process finds them)."""
        from okrsite.build import background
        from okrsite.content.history import NO_HISTORY

        if not _history_from_git(config):
            return background.Pending(lambda: NO_HISTORY)
        read = functools.partial(self._read_history, config, objectives)
        if self.history is not None and self.history.key:  # read by this builder before (the preview):
            return background.Pending(read)  # only what changed since is read, here
        return background.start(read, fork=self.options.jobs != 1)

    def _read_history(self, config: SiteConfig, objectives: tuple[Path, ...] | None = None) -> History:
        """The git history, kept by this builder for its next read. Front matter already parsed, by
        content digest, is not parsed again: in a forked process the documents this builder held
        when it forked (the preview's last build's; none in a new process, where the history's own
        cache knows every committed version it read before), in this one (no fork) this build's."""
        from okrsite.content.history import KeptHistory, read_history

        self.history = self.history or KeptHistory()
        folder = f"{config.relative(config.content_dir / 'objectives')}/"
        return read_history(config, self.documents.front_matter(folder), objectives, self.history)

    def keep_history(self) -> None:
        """Read the git history now and keep what it found (the preview's build process, between
        saves): the next build then asks git only for HEAD and reads only the files that changed."""
        config = load_config(self.options.config_path, Diagnostics(), output=self.options.output,
                             as_of=self.options.as_of)
        if config is not None and _history_from_git(config):
            self._read_history(config)

    @staticmethod
    def _versions(reading: Pending[History], config: SiteConfig,
                  diagnostics: Diagnostics) -> dict[str, tuple[Version, ...]]:
        """What the history read found; why it found less, as a warning."""
        history = reading.result()
        where = Location(config.relative(config.path))
        if history.problem:
            diagnostics.warning(where, f"no history from git: {history.problem}")
        elif history.partial:
            diagnostics.warning(where, "the git history is partial (a shallow clone): key results' histories "
                                       "start after the oldest commit present; 'git fetch --unshallow' (in GitHub "
                                       "Actions, checkout's fetch-depth: 0) fetches all of it")
        return history.files

    def _up_to_date(self, config: SiteConfig, state: BuildState, started: float) -> BuildReport:
        """Nothing that shapes the output changed since the last build, and the output is intact."""
        if self.options.strict and state.warnings:
            raise BuildFailed(list(state.warnings))
        files = len(state.outputs) - 1  # less the output marker
        return BuildReport(output=config.output_dir, pages=state.pages, files=files, written=0,
                           unchanged=files, removed=0, seconds=time.perf_counter() - started,
                           warnings=state.warnings, charts_cached=state.charts, up_to_date=True)

    def check(self) -> CheckReport:
        """Load and check the configuration and content as a build does, and run every check rule,
        and read and compile a site theme's catalogs and templates, without rendering or writing
        anything (`okrsite check`); raise BuildFailed like build(), with the theme's problems too."""
        from okrsite.model.checks import RULE_IDS

        started = time.perf_counter()
        diagnostics = Diagnostics()
        theme = self._theme_problems(self._config(Diagnostics()))
        try:
            site = self.load(diagnostics, RULE_IDS)
        except BuildFailed as failed:
            raise BuildFailed(sorted({*failed.diagnostics, *theme})) from None
        if theme:
            raise BuildFailed(sorted({*diagnostics.items, *theme}))
        return CheckReport(objectives=len(site.objectives), projects=len(site.projects),
                           pages=len(site.pages), seconds=time.perf_counter() - started,
                           warnings=tuple(diagnostics.sorted()))

    def load(self, diagnostics: Diagnostics, rules: tuple[str, ...] | None = None) -> Site:
        """The checked model, loaded as a build loads it (check, export, diff, checkin), with the
        findings of these check rules (default: a build's); problems are added to `diagnostics`,
        and errors raise BuildFailed like build()."""
        config = self._config(diagnostics)
        self._check_cache(config, diagnostics)
        with contextlib.ExitStack() as stack:
            files, reading = self._content(config, stack)
            self._restore_documents(config)  # read, never saved (unless given: diff's, checkin's)
            return self._site(config, diagnostics, files, reading, rules)

    def _theme_problems(self, config: SiteConfig) -> list[Diagnostic]:
        """What a build would report of a site theme before it renders a page: a catalog it cannot
        read, a template that does not compile (the site's own: the built-in ones are okrsite's).
        The pre-commit hook runs `okrsite check` on a commit that touches themes/."""
        from okrsite.site.language import speaking

        dirs = theme_dirs(config.theme_dir)
        if len(dirs) == 1:  # the built-in theme alone
            return []
        problems = Diagnostics()
        try:
            language = self._language(config, dirs, problems)
        except BuildFailed:
            return problems.items
        own, builtin = dirs[0] / "templates", dirs[-1] / "templates"
        names = [name for name in _theme_templates(own, config.root) if not _same_file(own / name, builtin / name)]
        if names:  # (a theme copied whole from the built-in one has nothing of its own to compile)
            import jinja2

            from okrsite.site.render import make_environment

            with speaking(language):  # compiled with the theme's fixed words in the site's language
                env = make_environment(dirs, {"build_info": None})
                for name in names:
                    try:
                        env.get_template(name)
                    except jinja2.TemplateSyntaxError as exc:
                        problems.items.append(_template_diagnostic(exc, config, name))
        return problems.items

    def _config(self, diagnostics: Diagnostics) -> SiteConfig:
        config = load_config(self.options.config_path, diagnostics, output=self.options.output,
                             as_of=self.options.as_of)
        if config is None:
            raise BuildFailed(diagnostics.sorted())
        return config

    def _site(self, config: SiteConfig, diagnostics: Diagnostics, files: SourceFiles,
              reading: Pending[History] | None, rules: tuple[str, ...] | None = None) -> Site:
        """The checked model of the content `files`, with the findings of these check rules (default:
        those a build runs); errors (and warnings under --strict) raise BuildFailed. `reading`: the
        git history's read, started by the caller (else here, given the files)."""
        from okrsite.model.checks import BUILD_RULES

        site = self._load_site(config, diagnostics, files, reading)
        if site is not None and not diagnostics.errors:  # while a file has errors, they are all that is said
            diagnostics.items.extend(self._findings(site, BUILD_RULES if rules is None else rules, files.assets))
        problems = diagnostics.errors + (diagnostics.warnings if self.options.strict else [])
        if site is None or problems:
            raise BuildFailed(diagnostics.sorted())
        return site

    def _findings(self, site: Site, rules: tuple[str, ...], assets: Collection[Path] = ()) -> list[Diagnostic]:
        """The findings of the rules that are on, each at the line of its file it is about, with
        its rule's severity. The model's rules, and the links of Markdown bodies, which need the
        site's paths (okrsite.site.linkcheck) and its `assets` (the files of content/assets/)."""
        from okrsite.model import checks
        from okrsite.site import linkcheck

        settings = site.config.checks
        on = checks.switched_on(settings, rules)
        findings = checks.run(site, [rule for rule in on if rule != linkcheck.RULE])
        if linkcheck.RULE in on:
            folder = site.config.content_dir / "assets"
            findings += linkcheck.broken_links(site, {path.relative_to(folder).as_posix() for path in assets})
        found = []
        for finding in findings:
            cached = self.documents.entries.get(finding.source)
            where = (_written_at(site.config.root, finding.source, finding.text, finding.at) if finding.text else
                     cached.doc.positions.at(finding.where) if cached else Location(finding.source))
            severity: Severity = "error" if settings.severity(finding.rule) == "error" else "warning"
            found.append(Diagnostic(where.path, where.line, where.col, severity, finding.message, finding.rule))
        return found

    def _load_site(self, config: SiteConfig, diagnostics: Diagnostics, files: SourceFiles | None = None,
                   reading: Pending[History] | None = None) -> Site | None:
        """The model; `files`: the content the caller found, `reading`: the git history's read it
        started (else both here)."""
        from okrsite.model.assemble import assemble

        files = files or discover(config.content_dir, config.root)
        diagnostics.items.extend(files.skipped)
        # The site theme's static files, templates and catalogs are read by later stages: say here what
        # they skip (links leading outside the site folder are not read: render._StaysHome,
        # language.catalog_files).
        for part in ("static", "templates", "locale"):
            site_files(config.theme_dir / part, config.root, skipped=diagnostics.items)
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

        with reading or self._history(config, files.objectives) as reading:  # stopped if never asked
            objectives = load(files.objectives, parse_markdown_document)
            projects = load(files.projects, parse_markdown_document)
            free_pages = load(files.pages, parse_markdown_document)
            teams = load((files.teams,), parse_yaml_document) if files.teams else []
            self.documents.retain({doc.path for doc in (*objectives, *projects, *free_pages, *teams)})
            if files.teams and not teams:
                return None
            site = self._assembled(lambda remembered: assemble(
                config, objectives, projects, free_pages, teams[0] if teams else None, diagnostics,
                lambda: self._versions(reading, config, diagnostics), remembered), diagnostics)
        if site is not None and not site.objectives and not files.objectives:
            diagnostics.warning(Location(config.relative(config.content_dir)),
                                "no objectives found: add Markdown files under objectives/")
        return site

    def _assembled(self, assemble: Callable[[Remembered], Site | None], diagnostics: Diagnostics) -> Site | None:
        """The model, made with what this builder remembers and the document cache's checked
        fields. Fields from the cache that the model cannot use (the cache edited by hand: a text
        where a number goes) are forgotten, and the model made again, every file checked."""
        from okrsite.model.remembered import Remembered

        code = _code_digest() + __version__
        reported = len(diagnostics.items)
        remembered = self.remembered or Remembered()
        remembered.store_in(self.documents, code)
        try:
            site = assemble(remembered)
        except (TypeError, ValueError, KeyError, AttributeError, IndexError):
            if not remembered.restored:
                raise
            del diagnostics.items[reported:]
            self.documents.forget_checked()
            remembered = Remembered()
            remembered.store_in(self.documents, code)
            site = assemble(remembered)
        self.remembered = remembered
        return site


def _history_from_git(config: SiteConfig) -> bool:
    """`history: auto` reads git when the site is in a work tree (no process is started to ask)."""
    return config.history is True or (config.history == "auto" and in_work_tree(config.root))


@contextlib.contextmanager
def collections_for_a_build() -> Iterator[None]:
    """Fewer cycle collections while building, for a process that does nothing else meanwhile
    (every command but `okrsite serve`, whose threads serve pages, and the preview's build
    process, okrsite.build.host).

    A build makes millions of small objects that live until it ends; at Python's default
    thresholds the collector scans them again and again (a tenth of a cold build; in the
    preview's build process, which also keeps the last build's model, a fifth of an edit's
    rebuild). The thresholds are set back when the build ends, however it ends.
    """
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _theme_templates(folder: Path, root: Path) -> list[str]:
    """A site theme's template files, as names Jinja loads them by ("partials/card.html"): read as
    content is (no link leading out of the site folder, no FIFO)."""
    return [path.relative_to(folder).as_posix() for path in site_files(folder, root)]


def _same_file(path: Path, other: Path) -> bool:
    try:
        return path.read_bytes() == other.read_bytes()
    except OSError:
        return False


def _worth_saving(fresh: int, total: int, previous: BuildState | None) -> bool:
    return previous is None or worth_saving(fresh, total)


LIBRARIES = ("pyyaml", "markdown-it-py", "babel", "jinja2", "matplotlib", "fonttools")  # what the bytes depend on


def _libraries() -> dict[str, str]:
    """The versions of what turns content into pages and charts (read without importing them): a
    new one makes a build with nothing else changed render and draw again."""
    return {"okrsite": __version__, **{name: installed_version(name) for name in LIBRARIES}}


def _last_size(previous: BuildState | None) -> Callable[[Page], int]:
    """What each page weighed when the last build wrote it (what rendering it again will cost)."""
    from okrsite.site.render import PAGE_BYTES

    sizes = previous.outputs if previous is not None else {}

    def weight(page: Page) -> int:
        stamp = sizes.get(page.url)
        return stamp[0] if stamp else PAGE_BYTES
    return weight


def check_output(config: SiteConfig, options: BuildOptions) -> None:
    """UnsafeOutput when the build may not write its output folder (output.check_output_dir): it
    overlaps what a build reads or keeps, or the site's own files (okrsite.yaml, a committed link)
    send it out of the site's git repository, else its folder; the person running the build may
    send it anywhere (--output)."""
    home = None if options.output is not None else work_tree_top(config.root) or config.root.resolve()
    check_output_dir(config.output_dir, config.root, [config.content_dir, config.root / "themes", config.cache_dir],
                     home)


@functools.cache
def _code_digest() -> str:
    """okrsite's own code by what its files hold (the same after a reinstall). Once a process: it
    does not change under a running one (the preview stops building when it does)."""
    return contents_digest([OKRSITE_CODE])


def _fingerprint(config: SiteConfig, dirs: list[Path], build_info: BuildInfo | None) -> str:
    """Everything the output depends on: settings, okrsite's own code, content and theme files."""
    settings = {**_libraries(), "as_of": config.as_of, "output": config.output_dir, "build_info": build_info}
    return input_fingerprint(settings, [config.content_dir, *dirs, OKRSITE_CODE],
                             [config.path], within=config.root)


def _shared_digest(site: Site, dirs: list[Path], build_info: BuildInfo | None, nav: list[dict[str, str]]) -> str:
    """Besides its context, a self-contained page shows the site settings, the navigation and
    whatever the theme and okrsite's own code make of them. The commit goes into the footer as
    the page is written (render.build_line), unless a site theme's template shows it itself."""
    from okrsite.build.incremental import shared_inputs

    shown = build_info if any(_names_build_info(folder / "templates") for folder in dirs[:-1]) else None
    return input_fingerprint({**shared_inputs(site), "build_info": shown, "nav": nav, **_libraries(),
                              "theme": contents_digest(dirs, within=site.config.root), "code": _code_digest()},
                             [], [])


def _names_build_info(templates: Path) -> bool:
    """Whether a theme's own templates read `build_info` (the built-in theme only in its build line)."""
    for path in templates.rglob("*.html") if templates.is_dir() else ():
        try:
            if "build_info" in path.read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            continue
    return False


def _render_job(site: Site, env: jinja2.Environment, nav: list[dict[str, str]]) -> RenderJob:
    """What every page of the build is rendered with."""
    from okrsite.build.incremental import SiteView
    from okrsite.site.render import RenderJob

    config = site.config
    return RenderJob(env, config.pretty_urls, {"site": site, "config": config, "nav": nav},
                     lambda exc, url: _template_diagnostic(exc, config, url), lambda: SiteView(site))


def _template_diagnostic(exc: Exception, config: SiteConfig, url: str) -> Diagnostic:
    """A theme error as path:line: the template file and line, found in the traceback, and the page
    it was making (which content it was showing: an error of the built-in theme is a bug that a
    page of that content meets)."""
    import jinja2

    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return _in_template(exc.filename, exc.lineno or 1, exc.message or str(exc), config)
    if isinstance(exc, OSError) and (problem := unreadable(exc, config.root)):  # a theme file
        return problem
    making = f" (making {url})"
    for frame, lineno in reversed(list(traceback.walk_tb(exc.__traceback__))):
        filename = frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            return _in_template(filename, lineno, f"{exc}{making}", config)
    return Diagnostic(config.relative(config.path), 1, 1, "error", f"template error: {exc}{making}")


def unreadable(exc: OSError, root: Path) -> Diagnostic | None:
    """A file of the site folder `root` that could not be read (an asset, a theme's), at its path;
    None for an error of no file in it."""
    if not exc.filename or not leads_inside(Path(os.path.abspath(exc.filename)), root):
        return None
    where = Path(os.path.relpath(os.path.abspath(exc.filename), root.absolute())).as_posix()
    return Diagnostic(where, 1, 1, "error", f"cannot read the file: {exc.strerror or exc}")


def _in_template(filename: str, line: int, message: str, config: SiteConfig) -> Diagnostic:
    """At the site theme's file and line; an error in the built-in theme (outside the site
    folder) is reported at okrsite.yaml, naming the template."""
    path = Path(filename)
    if leads_inside(path, config.root):
        return Diagnostic(config.relative(path), line, 1, "error", f"template error: {message}")
    return Diagnostic(config.relative(config.path), 1, 1, "error",
                      f"template error in the built-in theme, {'/'.join(path.parts[-2:])}:{line}: {message}")


def _written_at(root: Path, source: str, text: str, at: int) -> Location:
    """Where `text` first stands in the file, `at` characters into it (a link in a Markdown body,
    whose line the model does not keep); the file's first line when it is not there (as written,
    it may differ)."""
    try:
        written = decode((root / source).read_bytes(), source)
    except (OSError, SourceError):
        return Location(source)
    index = written.find(text)
    if index < 0:
        return Location(source)
    index += at
    return Location(source, written.count("\n", 0, index) + 1, index - written.rfind("\n", 0, index))


def _write_problem(exc: OSError | UnsafeOutput, config: SiteConfig) -> str:
    if isinstance(exc, UnsafeOutput):
        return str(exc)
    where = f" ({config.relative(Path(exc.filename))})" if exc.filename else ""
    return f"cannot write the output folder{where}: {exc.strerror or exc}"


def build(options: BuildOptions, progress: Callable[[str], None] | None = None) -> BuildReport:
    """One build, as `okrsite build` runs it."""
    builder = Builder(options)
    if progress is not None:
        builder.progress = progress
    return builder.build()


def check(options: BuildOptions) -> CheckReport:
    """One check, as `okrsite check` runs it: the build's loading and checking, nothing written."""
    return Builder(options).check()
