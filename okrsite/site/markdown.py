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
from pathlib import Path
from urllib.parse import unquote

import markdown_it
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup

from okrsite import __version__
from okrsite.build.cachefiles import MadeOfTexts

__all__ = ["RenderCache", "render_markdown", "render_inline"]

_BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|file|data):")
_IMAGE_DATA = re.compile(r"^data:image/(?:gif|png|jpeg|webp);")
# Browsers drop these anywhere in a URL ("java\tscript:" is "javascript:").
_IGNORED_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")


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


def _build() -> MarkdownIt:
    """The one shared parser: CommonMark + tables + strikethrough, no raw HTML."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = _is_safe_link  # type: ignore[method-assign]
    md.core.ruler.push("shift_headings", _shift_headings)
    return md


_MD = _build()


def render_markdown(text: str) -> Markup:
    """Render a Markdown body to block HTML, marked safe for Jinja."""
    if not text or not text.strip():
        return Markup("")
    return Markup(_MD.render(text))


def render_inline(text: str) -> Markup:
    """Render a one-line note (check-in note, project update) without ``<p>``.

    Same safety rules as bodies; block syntax such as ``#`` stays literal.
    """
    if not text or not text.strip():
        return Markup("")
    return Markup(_MD.renderInline(text.strip()))


class RenderCache(MadeOfTexts):
    """Rendered HTML by source text, kept between builds: a rebuild renders only new text."""

    FORMAT = f"okrsite-markdown-{__version__}-markdown-it-{markdown_it.__version__}"

    def markdown(self, text: str) -> Markup:
        return Markup(self.get("b", text, lambda source: str(render_markdown(source))))

    def inline(self, text: str) -> Markup:
        return Markup(self.get("i", text, lambda source: str(render_inline(source))))

    def save(self, file: Path, format_tag: str = FORMAT) -> None:
        super().save(file, format_tag)

    @classmethod
    def restore(cls, file: Path, format_tag: str = FORMAT) -> RenderCache:
        return super().restore(file, format_tag)
