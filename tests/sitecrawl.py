"""Read a built site as a browser would: every link and asset reference of every page."""

from __future__ import annotations

import posixpath
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            if (name == "href" and tag in ("a", "link")) or (name == "src" and tag in ("img", "script")):
                self.refs.append(value)


def page_refs(html: str) -> tuple[list[str], set[str]]:
    parser = _Refs()
    parser.feed(html)
    return parser.refs, parser.ids


def resolve(output: Path, page: Path, ref: str) -> tuple[Path, str] | None:
    """The file a relative reference lands on (None for external links)."""
    parts = urllib.parse.urlsplit(ref)
    if parts.scheme or parts.netloc:
        return None
    here = page.parent.relative_to(output).as_posix()
    target = posixpath.normpath(posixpath.join(here, urllib.parse.unquote(parts.path))) if parts.path else \
        page.relative_to(output).as_posix()
    path = output / target
    if ref.endswith("/") or path.is_dir():
        path = path / "index.html"
    return path, parts.fragment


def crawl(output: Path) -> tuple[set[Path], list[str]]:
    """Follow every internal link from index.html; return the pages reached and the broken refs."""
    seen: set[Path] = set()
    broken: list[str] = []
    todo = [output / "index.html"]
    ids_cache: dict[Path, set[str]] = {}
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        refs, ids = page_refs(page.read_text(encoding="utf-8"))
        ids_cache[page] = ids
        for ref in refs:
            if ref.startswith("/"):
                broken.append(f"{page.relative_to(output)}: absolute link {ref}")
                continue
            landed = resolve(output, page, ref)
            if landed is None:
                continue
            path, fragment = landed
            if not path.resolve().is_relative_to(output.resolve()) or not path.is_file():
                broken.append(f"{page.relative_to(output)}: {ref}")
                continue
            if path.suffix == ".html":
                todo.append(path)
                if fragment:
                    if path not in ids_cache:
                        ids_cache[path] = page_refs(path.read_text(encoding="utf-8"))[1]
                    if fragment not in ids_cache[path]:
                        broken.append(f"{page.relative_to(output)}: {ref} (no id {fragment!r})")
    return seen, broken
