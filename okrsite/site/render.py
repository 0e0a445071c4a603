"""The Jinja environment (theme chain, filters, helpers, relative-URL function) and page rendering.

One Environment is built per build and shared by every page (building one per
page is ~30x slower). Autoescape is on for everything it renders.
"""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2
import jinja2.compiler
import jinja2.ext
import jinja2.lexer
import jinja2.loaders
import jinja2.nodes
from markupsafe import Markup

from okrsite import __version__
from okrsite.site import widgets
from okrsite.site.markup import escape_output
from okrsite.build import background
from okrsite.build.background import can_fork
from okrsite.site.formatting import (css_percent, css_string, date, grade, message_values, money, number, percent, ratio,
                                     status_icon, status_label, update_figures, zone_label)
from okrsite.site.language import gettext_, ngettext_
from okrsite.site.links import link_url, objective_url, period_url, project_url, team_url
from okrsite.filesystem.realpaths import leads_inside
from okrsite.site.themes import home_of
from okrsite.site.markdown import RenderCache
from okrsite.site.pages import Page


FIXED_WORDS = "okrsite_fixed_words"  # the filter a fixed word goes through (folded as the template compiles)


class FixedWords(jinja2.ext.Extension):
    """The theme's fixed words (a call of `_` or `gettext` with one text and no values), translated
    once as each template is compiled instead of on every page (~190,000 calls in a 1,000-objective
    build; a fifth of the rendering). The call becomes a constant, `("Owner"|okrsite_fixed_words)`
    (markup where autoescape is on, text where off, as the call gives), which Jinja writes into the
    template's code as text. So templates are compiled in the build's language, and an
    environment serves one language (okrsite.build.builder keys it so). A call with values, or
    whose message cannot be formatted without them, stays a call, as does `x._(...)`."""

    def filter_stream(self, stream: jinja2.lexer.TokenStream) -> Iterator[jinja2.lexer.Token]:
        tokens = list(stream)
        at = 0
        while at < len(tokens):
            token = tokens[at]
            words = _fixed_words(tokens, at)
            if words is None:
                yield token
                at += 1
                continue
            yield from (jinja2.lexer.Token(token.lineno, kind, value) for kind, value in
                        (("lparen", "("), ("string", words), ("pipe", "|"), ("name", FIXED_WORDS), ("rparen", ")")))
            at += 4


def _fixed_words(tokens: list[jinja2.lexer.Token], at: int) -> str | None:
    """What the call of fixed words starting at tokens[at] gives (the translation, '%%' read as '%'),
    or None when the tokens there are not such a call."""
    token = tokens[at]
    if token.type != "name" or token.value not in ("_", "gettext") or (at and tokens[at - 1].type == "dot") \
            or [t.type for t in tokens[at + 1:at + 4]] != ["lparen", "string", "rparen"]:
        return None
    text = gettext_(tokens[at + 2].value)
    try:
        return text % {} if "%" in text else text
    except (KeyError, ValueError, TypeError):  # a placeholder with no value: the call fails where it is used
        return None


class _PrintsWithEscapeOutput(jinja2.compiler.CodeGenerator):
    """Jinja's code generator, with `{{ ... }}` escaped by escape_output where autoescape is on (Jinja
    has no setting for the escape function; `code_generator_class` is its way to change the code)."""

    def _output_child_pre(self, node: jinja2.nodes.Expr, frame: jinja2.compiler.Frame,
                          finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.escape_output(")
        if finalize.src is not None:
            self.write(finalize.src)


class _Environment(jinja2.Environment):
    code_generator_class = _PrintsWithEscapeOutput
    escape_output = staticmethod(escape_output)


def relative_url(page: Page, pretty: bool) -> Callable[[str], str]:
    """A url() for one page: site paths ('objectives/x/', 'static/style.css') made relative to it.

    Directory paths end in '/'; with pretty_urls off they link to their index.html
    so sites work from file shares. Pages shown at any URL (404) use an absolute base.
    """
    return _links(climb(page), pretty)


def climb(page: Page) -> str:
    """What a link from the page starts with to reach the site's root. Site paths never contain
    '..', so climbing to the root and down again is exact, and far cheaper than
    posixpath.relpath on every link."""
    return page.base if page.base is not None else "../" * page.url.count("/")


def _links(prefix: str, pretty: bool) -> Callable[[str], str]:
    def url(target: str) -> str:
        path, hash_, fragment = target.partition("#")
        if not pretty and (path == "" or path.endswith("/")):
            path += "index.html"
        return (prefix + path or "./") + hash_ + fragment

    return url


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled by a process of this build (or by an earlier build of this process),
    handed to the environment that renders, which adds those it compiles itself.

    Compiling the theme's templates costs a third of a second, which a build's second core
    can spend while the first reads the content (`precompile` in a forked process). Never
    kept on disk: bytecode read from a cache folder someone committed could run any code.
    A template whose source changed since (its checksum differs) is compiled again.
    """

    def __init__(self, compiled: dict[str, bytes] | None = None) -> None:
        self.compiled = dict(compiled or {})

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.compiled.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def precompile(theme_dirs_: list[Path]) -> dict[str, bytes]:
    """Every HTML template of the theme chain, compiled (for `CompiledTemplates`); a template
    that does not compile is left to the build, which reports it where it is used."""
    recorder = CompiledTemplates()
    env = make_environment(theme_dirs_, {}, compiled=recorder)
    for name in env.list_templates(extensions=["html"]):
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            pass
    return recorder.compiled


# Where a page shows the commit it was built from (the footer): a page's bytes are the same for
# every commit until they are written (okrsite.build.pagecache); `build_line` puts the line in.
BUILD_LINE = "<!--okrsite:build-->"
BUILD_LINE_TEMPLATE = "_build.html"


def build_line(env: jinja2.Environment, build_info: Any) -> bytes:
    """The footer's line naming the commit (nothing outside a repository), in the build's language."""
    return env.get_template(BUILD_LINE_TEMPLATE).render(build_info=build_info).encode()


class _StaysHome(jinja2.FileSystemLoader):
    """One theme's templates. A template whose file, links followed, leads outside the theme's home
    (the site folder) is not there: it is never read (a link to /etc/passwd published it), the
    next theme's is used, and the build has warned of the link (source.site_files)."""

    def __init__(self, folder: Path, home: Path) -> None:
        super().__init__(str(folder))
        self._home = home

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = os.path.join(self.searchpath[0], *jinja2.loaders.split_template_path(template))
        if os.path.lexists(path) and not leads_inside(path, self._home):
            raise jinja2.TemplateNotFound(template)
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:  # an error at the file's line, as a syntax error is (not a traceback)
            line = exc.object[:exc.start].count(b"\n") + 1
            raise jinja2.TemplateSyntaxError(f"the file is not valid UTF-8 text (byte {exc.object[exc.start]:#04x})",
                                             line, template, path) from None


def make_environment(theme_dirs_: list[Path], globals_: dict[str, Any],
                     markdown: RenderCache | None = None,
                     compiled: CompiledTemplates | None = None) -> jinja2.Environment:
    env = _Environment(
        loader=jinja2.ChoiceLoader([_StaysHome(d / "templates", home_of(d)) for d in theme_dirs_]),
        bytecode_cache=compiled,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a build asks for each template thousands of times; the builder makes a
        extensions=["jinja2.ext.i18n", FixedWords],  # new environment when a template file changes (the preview)
    )
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # {% trans %} and _() format alike, values escaped
    env.globals.update(gettext=_gettext, _=_gettext, ngettext=_ngettext, zone_label=zone_label,
                       update_figures=update_figures, objective_url=objective_url, project_url=project_url,
                       team_url=team_url, period_url=period_url, link_url=link_url)  # site paths, for url()
    cache = markdown or RenderCache()
    env.filters[FIXED_WORDS] = _fixed_word
    env.filters.update(markdown=cache.markdown, inline=cache.inline, number=number, percent=percent,
                       grade=grade, css_percent=css_percent, css_string=css_string, date=date, status_label=status_label,
                       status_icon=status_icon, money=money, ratio=ratio)
    env.globals.update(globals_, okrsite_version=__version__, build_line=Markup(BUILD_LINE))
    widgets.register(env)
    return env


# Evaluation context, not the whole context: Jinja copies the context for a helper that takes it
# inside a loop that sets variables (Context.derived), and the theme calls these ~190,000 times.
@jinja2.pass_eval_context
def _gettext(eval_ctx: jinja2.nodes.EvalContext, message: str, /, **values: Any) -> str:
    """The theme's words in the build's language (okrsite.site.language), as Jinja's new-style
    gettext gives them: a translation is trusted markup, the values put into it are escaped."""
    text = _trusted(eval_ctx, gettext_(message))
    if not values and "%" not in text:  # most of the theme's words: nothing to put in (a third of the time)
        return text
    return text % message_values(values)


@jinja2.pass_eval_context
def _ngettext(eval_ctx: jinja2.nodes.EvalContext, singular: str, plural: str, count: int, /, **values: Any) -> str:
    values.setdefault("num", count)
    return _trusted(eval_ctx, ngettext_(singular, plural, count)) % message_values(values)


def _trusted(eval_ctx: jinja2.nodes.EvalContext, text: str) -> str:
    """A translation is markup where the output is escaped."""
    return Markup(text) if eval_ctx.autoescape else text


@jinja2.pass_eval_context
def _fixed_word(eval_ctx: jinja2.nodes.EvalContext, text: str) -> str:
    """A fixed word as its call gave it (FixedWords): Jinja runs this as it compiles the template."""
    return _trusted(eval_ctx, text)


def render_page(env: jinja2.Environment, page: Page, pretty: bool, shared: dict[str, Any],
                root: str | None = None) -> str:
    """The page's text; its links start with `root` instead of the climb to the root, if given."""
    template = env.get_template(page.template)
    url = relative_url(page, pretty) if root is None else _links(root, pretty)
    return template.render(**shared, **page.context, page=page, url=url)


# A page shown at two addresses (Page.copy_of) is rendered once with this where its links climb to
# the root; each address then gets its own climb. No other text of a page holds a NUL: content
# loses its control characters (content.schema.clean_text), Markdown its NULs (CommonMark).
_MARK = "okrsite-root"  # ... kept in the text by a filter applied to url()'s result (|tojson, |urlencode)
_ROOT = f"\x00{_MARK}\x00"


def _as_shown(page: Page) -> Page:
    """The page a template sees: a copy is its page at another address (its links are its own),
    also when it is rendered alone (its page kept from the last build), as a cold build shows it."""
    return page if page.copy_of is None else replace(page, url=page.copy_of, copy_of=None, nav=None)


def _renders_once(page: Page, copy: Page) -> bool:
    """Both addresses climb to the root by a path (a link to the root itself is "./" at the root)."""
    return page.base is None and copy.base is None and "/" in page.url and "/" in copy.url


# --- rendering many pages -------------------------------------------------------

# A page costs about its size to render (~0.1 s a megabyte): a worker process pays off from about
# 0.2 s of rendering, some 70 pages of the usual 30 KB or two of the lists of a large site.
PAGE_BYTES = 30_000  # a page whose size is not known yet (a cold build)
BYTES_PER_WORKER = 2_000_000


@dataclass(frozen=True)
class RenderJob:
    """What every page of a build is rendered with."""

    env: jinja2.Environment
    pretty: bool
    shared: dict[str, Any]  # site, config, nav: the same on every page
    on_error: Callable[[Exception, str], Any]  # a template's exception, and the page it was making -> a diagnostic
    view: Callable[[], Any]  # the site as a page that depends on its context alone sees it


@dataclass
class Rendered:
    files: dict[str, bytes]
    error: Any  # the first template error's diagnostic, or None
    markdown: set[str]  # Markdown texts rendered (the cache keeps them)
    reached: set[str]  # self-contained pages that read beyond their context
    workers: int = 1


def _render_share(job: RenderJob, pages: Sequence[Page], cache: RenderCache) -> Rendered:
    """Render pages in order; stop at the first error a template raises (a theme helper called
    wrongly raises TypeError, not a Jinja error: reported the same way)."""
    done: dict[str, bytes] = {}
    reached: set[str] = set()
    copies = {page.copy_of: page for page in pages if page.copy_of is not None}
    marked: dict[str, str] = {}  # a page rendered once for its copy too -> its text with _ROOT
    for page in pages:
        if page.copy_of in marked:  # its page came first (shares() keeps that order)
            done[page.url] = marked.pop(page.copy_of).replace(_ROOT, climb(page)).encode()
            if page.copy_of in reached:
                reached.add(page.url)
            continue
        shared = job.shared
        view = None
        if page.depends == "context":
            view = job.view()
            shared = {**shared, "site": view}
        once = page.url in copies and _renders_once(page, copies[page.url])
        try:
            text = render_page(job.env, _as_shown(page), job.pretty, shared, _ROOT if once else climb(page))
            if once and _MARK in text.replace(_ROOT, "").lower():  # a site theme changed what url() gave:
                once, text = False, render_page(job.env, page, job.pretty, shared)  # each file on its own
        except Exception as exc:  # noqa: BLE001 - becomes a diagnostic with the template's file and line
            return Rendered(done, job.on_error(exc, page.url), cache.used, reached)
        if once:
            marked[page.url] = text
            text = text.replace(_ROOT, climb(page))
        done[page.url] = text.encode()
        if view is not None and view.reached:
            reached.add(page.url)
    return Rendered(done, None, cache.used, reached)


def shares(pages: Sequence[Page], workers: int, weight: Callable[[Page], int]) -> list[list[Page]]:
    """Pages dealt to workers so each gets about the same weight: the heaviest first, each to the
    lightest share so far (the same split for the same pages and weights). A page and its copy
    (Page.copy_of) go to one share, the page first, weighing what the page weighs."""
    units: dict[str, list[Page]] = {}
    present = {page.url for page in pages}
    for page in sorted(pages, key=lambda page: page.copy_of in present):  # pages before their copies
        units.setdefault(page.copy_of if page.copy_of in present else page.url, []).append(page)  # type: ignore[arg-type]
    dealt: list[list[Page]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for unit in sorted(units.values(), key=lambda unit: weight(unit[0]), reverse=True):  # stable: equal weights keep page order
        lightest = loads.index(min(loads))
        dealt[lightest].extend(unit)
        loads[lightest] += weight(unit[0])
    return dealt


def render_pages(job: RenderJob, pages: list[Page], cache: RenderCache, jobs: int,
                 while_waiting: Callable[[], None] = lambda: None,
                 weight: Callable[[Page], int] = lambda page: PAGE_BYTES) -> Rendered:
    """Render pages, in forked worker processes when there are enough of them.

    Workers inherit the job and the model by fork (nothing is pickled on the way in)
    and send back bytes and what they noted; the result does not depend on how many
    processes rendered it. `while_waiting` is other work of the build, done meanwhile
    (or after, when rendering in-process). `weight`: a page's expected size in bytes (its
    last build's), which decides how many processes pay off and what each renders.
    """
    workers = min(jobs, sum(map(weight, pages)) // BYTES_PER_WORKER)
    if workers < 2 or not can_fork():
        rendered = _render_share(job, pages, cache)
        while_waiting()
        return rendered
    frozen_here = gc.get_freeze_count() == 0  # a host program may have frozen its own objects
    gc.freeze()  # the model is read-only now: collections in the workers leave it unscanned and unwritten
    try:
        started = [background.start(functools.partial(_render_share, job, share, cache))
                   for share in shares(pages, workers, weight)]
    finally:
        if frozen_here:
            gc.unfreeze()
    while_waiting()
    result = Rendered({}, None, cache.used, set(), workers)
    for share in started:
        part = share.result()
        result.files.update(part.files)
        cache.used.update(part.markdown)
        result.reached |= part.reached
        result.error = result.error or part.error
    return result
