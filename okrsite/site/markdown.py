"""Markdown bodies and notes to safe HTML.

Content is written by many editors (team leads, project owners, whoever has
commit rights), and a site built from it is opened on the intranet with their
colleagues' cookies, so we treat it as untrusted-ish: raw HTML is escaped and
shown as text, and links or images with script-capable schemes are dropped
(rendered as their plain Markdown text). One parser is built once and reused,
because building it costs far more than rendering a typical body.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import markdown_it
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup

from okrsite import __version__
from okrsite.filesystem.cachefiles import MadeOfTexts

__all__ = ["RenderCache", "link_targets", "render_markdown", "render_inline"]

_BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|file|data):")
_IMAGE_DATA = re.compile(r"^data:image/(?:gif|png|jpeg|webp);")
# Browsers drop these anywhere in a URL ("java\tscript:" is "javascript:").
_IGNORED_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")
# Control characters HTML does not allow in a page (its parser reports each): shown as U+FFFD, as
# markdown-it shows a NUL. Tab, line feed, form feed and carriage return are white space.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _is_safe_link(url: str) -> bool:
    """Whether a link or image URL may be emitted.

    markdown-it calls this after decoding entities (``&#106;avascript:``) and
    percent-encoding the URL, so we undo the percent-encoding and strip the
    whitespace and control characters browsers ignore before comparing the
    lower-cased scheme. A rejected URL leaves its Markdown as plain text.
    """
    bare = _IGNORED_CHARS.sub("", unquote(url)).lower()
    if _BAD_SCHEME.match(bare):
        return bool(_IMAGE_DATA.match(bare))
    return True


def _shift_headings(state: StateCore) -> None:
    """Render body headings one level down (``#`` -> ``<h2>``, capped at h6).

    Every page already has its own ``<h1>`` (the objective, project or team
    title), so a body's top heading must sit below it for a sane outline.
    """
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1:]) + 1, 6)
            token.tag = f"h{level}"


# A link within the site to a folder: no scheme, not from the host's root, its path ending in "/".
_FOLDER_LINK = re.compile(r"^(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#|\?)([^?#]*/)([?#].*)?$")


def _index_folder_links(state: StateCore) -> None:
    """With `pretty_urls: false` (a site opened as files), a link to a folder of the site,
    ``[Q1](../reliable-ingestion/)``, names its index.html, as the site's own links do: a browser
    shows a folder's listing, not its page."""
    if not state.env.get("index_files"):
        return
    for block in state.tokens:
        for token in block.children or ():
            href = token.attrGet("href") if token.type == "link_open" else None
            found = _FOLDER_LINK.match(href) if isinstance(href, str) else None
            if found:
                token.attrSet("href", f"{found[1]}index.html{found[2] or ''}")


def _build() -> MarkdownIt:
    """The one shared parser: CommonMark + tables + strikethrough, no raw HTML."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = _is_safe_link  # type: ignore[method-assign]
    md.core.ruler.push("shift_headings", _shift_headings)
    md.core.ruler.push("index_folder_links", _index_folder_links)
    return md


_MD = _build()


def link_targets(text: str) -> list[str]:
    """The targets of a body's links and images, as the rendered page has them (not those written
    in code, nor those a scheme makes unsafe: they are shown as text)."""
    found = []
    for block in _MD.parse(text):
        for token in block.children or ():
            if token.type == "link_open" or token.type == "image":
                target = token.attrGet("href" if token.type == "link_open" else "src")
                if isinstance(target, str):
                    found.append(target)
    return found


def render_markdown(text: str, index_files: bool = False) -> Markup:
    """Render a Markdown body to block HTML, marked safe for Jinja; `index_files`: links to a
    folder of the site name its index.html (`pretty_urls: false`)."""
    if not text or not text.strip():
        return Markup("")
    return Markup(_MD.render(_CONTROLS.sub("\ufffd", text), {"index_files": index_files}))


def render_inline(text: str, index_files: bool = False) -> Markup:
    """Render a one-line note (check-in note, project update) without ``<p>``.

    Same safety rules as bodies; block syntax such as ``#`` stays literal.
    """
    if not text or not text.strip():
        return Markup("")
    return Markup(_MD.renderInline(_CONTROLS.sub("\ufffd", text.strip()), {"index_files": index_files}))


class RenderCache(MadeOfTexts):
    """Rendered HTML by source text, kept between builds: a rebuild renders only new text."""

    FORMAT = f"okrsite-markdown-{__version__}-2-markdown-it-{markdown_it.__version__}"  # 2: controls shown as U+FFFD
    index_files = False  # this build's pretty_urls is false: links to folders name their index.html

    def start_build(self, index_files: bool = False) -> None:
        super().start_build()
        self.index_files = index_files

    def markdown(self, text: str) -> Markup:
        return self._made("b", text, render_markdown)

    def inline(self, text: str) -> Markup:
        return self._made("i", text, render_inline)

    def _made(self, kind: str, text: str, render: Callable[[str, bool], Markup]) -> Markup:
        index_files = self.index_files  # the two forms of a text are kept apart
        return Markup(self.get(kind + "x" * index_files, text, lambda source: str(render(source, index_files))))

    def save(self, file: Path, format_tag: str = FORMAT) -> None:
        super().save(file, format_tag)

    @classmethod
    def restore(cls, file: Path, format_tag: str = FORMAT) -> RenderCache:
        return super().restore(file, format_tag)
