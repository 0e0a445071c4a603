"""Which pages a rebuild may keep as the last build wrote them, and what to record for the next.

A page that declares `depends="context"` promises that its context (plus the
site-wide settings in the shared digest) is all it shows. Its digest is a hash
of that context; when the digest is the one the last build recorded, and the
page's file and its charts' files are as that build left them, the page and
its charts are kept (`output.KEPT`) instead of rendered and drawn again.

The promise is checked while rendering: such a page sees the site through a
`SiteView` that notes any reach beyond the settings (a site theme's template
reading `site.objectives`, say), and a page that reached further is given no
digest, so it is rendered again by every build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from okrsite.build.pagecache import ChartSources, PageCache
from okrsite.build.state import BuildState, Stamps, file_stamp
from okrsite.model.site import Site
from okrsite.site.pages import Page

# What a page that depends on its context alone may read of the site (all in the shared digest).
SITE_SETTINGS = ("config", "as_of", "teams", "periods", "default_period")


class SiteView:
    """The site as a self-contained page sees it: the settings, and a note of any reach beyond."""

    def __init__(self, site: Site) -> None:
        for name in SITE_SETTINGS:
            setattr(self, name, getattr(site, name))
        self._site = site
        self.reached: set[str] = set()

    def __getattr__(self, name: str) -> Any:  # only called for what is not a setting
        self.reached.add(name)
        return getattr(self._site, name)


def shared_inputs(site: Site) -> dict[str, Any]:
    """The site-wide inputs every self-contained page may show besides its context. Paths count
    relative to the site folder: the same site in another folder (a fresh clone in CI, whose
    cache was made elsewhere) shows the same pages."""
    config = site.config
    where = {f.name: config.relative(getattr(config, f.name)) for f in fields(config)
             if isinstance(getattr(config, f.name), Path)}
    return {name: repr(replace(config, **where) if name == "config" else getattr(site, name)) for name in SITE_SETTINGS}


# A model object's id -> the object (kept alive, so no other object has its id) and its digest.
ObjectDigests = dict[int, tuple[object, str]]


# Each dataclass's fields as its repr shows them, by type (a type that is no dataclass: none).
_SHOWN: dict[type, tuple[str, ...]] = {}
_SMALL = 256  # a dataclass whose text is shorter is written out where it is met, not hashed and kept
_PLAIN = frozenset((str, int, float, bool, type(None), dt.date))  # exact types: their repr is their text


class ContextDigests:
    """What each self-contained page's bytes depend on, as a digest of its context.

    A context's text is deterministic (frozen dataclasses, dicts in build order, ISO dates):
    each value as its repr, except that a dataclass is its type and its fields' texts, and a
    large one (a model object: an objective, a project, a group of them) stands as the digest
    of that text, made once. Model objects appear in many contexts and inside each other (a
    project on every objective page it supports, an objective in its team's groups): a repr
    wrote a group's objectives, and their key results, out again for each (a third of the
    digests' time at 1,000 objectives). `last` holds the last build's digests, for a builder
    that builds again (`okrsite serve`, whose model keeps the objects of unchanged files:
    okrsite.model.remembered.Remembered).
    """

    def __init__(self, shared: str, last: ObjectDigests | None = None) -> None:
        self.shared = shared  # site-wide settings, team names, theme and okrsite itself
        self._last = last or {}
        self.objects: ObjectDigests = {}
        self._open: set[int] = set()  # dataclasses being written: one met inside itself is "...", as in a repr

    def page(self, page: Page) -> str:
        text = f"{self.shared}\n{page.url}\n{page.template}\n{self._text(page.context)}"
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def _text(self, value: Any) -> str:
        if isinstance(value, dict):
            return "{" + ",".join([f"{key!r}:{self._inner(item)}" for key, item in value.items()]) + "}"
        if isinstance(value, (list, tuple)):
            return "[" + ",".join([self._inner(item) for item in value]) + "]"
        kind = type(value)
        shown = _SHOWN.get(kind)
        if shown is None:
            shown = _SHOWN[kind] = tuple(f.name for f in fields(kind) if f.repr) if is_dataclass(kind) else ()
        if not shown:
            return repr(value)
        key = id(value)
        known = self.objects.get(key)
        if known is not None:
            return known[1]
        known = self._last.get(key)
        if known is not None and known[0] is value:
            self.objects[key] = known
            return known[1]
        if key in self._open:
            return "..."
        self._open.add(key)
        try:
            text = f"{kind.__qualname__}({','.join([self._inner(getattr(value, name)) for name in shown])})"
        finally:
            self._open.discard(key)
        if len(text) < _SMALL:
            return text
        known = self.objects[key] = (value, hashlib.blake2b(text.encode(), digest_size=16).hexdigest())
        return known[1]

    def _inner(self, value: Any) -> str:
        """`_text` of a value inside another. Four values in five are plain, and their repr is their
        text: looked up first, the checks for containers and dataclasses were a fifth of the digests' time."""
        return repr(value) if type(value) in _PLAIN else self._text(value)


@dataclass
class Reuse:
    """The pages of this build to render, those kept from the last, and the digests for the next."""

    render: list[Page]  # to make: rendered, or taken from the page cache (`cached`)
    kept: dict[str, tuple[str, ...]]  # page -> the chart files kept with it
    digests: dict[str, str] = field(default_factory=dict)  # self-contained page -> digest of its inputs
    cached: dict[str, bytes] = field(default_factory=dict)  # page -> its bytes from the page cache
    _pending: list[Page] = field(default_factory=list)  # digests still to take (a cold build takes them late)
    _contexts: ContextDigests | None = None
    # cached pages the last build made from the same inputs -> where their chart files come from
    restorable: dict[str, ChartSources] = field(default_factory=dict)

    def take_digests(self) -> None:
        """Digest the pages still waiting (on a cold build, while the page workers render)."""
        assert self._contexts is not None
        for page in self._pending:
            self.digests[page.url] = self._contexts.page(page)
        self._pending = []

    def object_digests(self) -> ObjectDigests:
        """The model objects this build digested, for the next build of the same builder."""
        return self._contexts.objects if self._contexts is not None else {}

    def forget(self, urls: Iterable[str]) -> None:
        """These pages must be rendered again next time (a chart failed, or the page read beyond
        its context)."""
        for url in urls:
            self.digests.pop(url, None)


def plan_reuse(pages: list[Page], shared: str, previous: BuildState | None, output: Path, cache: PageCache,
               same_line: bool, digested: ObjectDigests | None = None) -> Reuse:
    """Which pages can be kept: their digest is the last build's, their files are intact and the
    footer's commit line is the same (`same_line`); which of the others the page cache holds; and
    of those, where the chart files come from that the page cache recorded for them (`restorable`).

    With no last build nothing can be kept or found, and the digests (for the next build) wait
    for `take_digests()`, which the builder calls while the page workers render. A fresh clone in
    CI, the cache restored, has a last build but no output folder: its pages come from the cache.
    `digested`: the model objects the same builder's last build digested.
    """
    contexts = ContextDigests(shared, digested)
    own = [page for page in pages if page.depends == "context"]
    if previous is None:
        return Reuse(list(pages), {}, {}, {}, own, contexts)
    digests = {page.url: contexts.page(page) for page in own}
    last = previous.extra.get("pages", {})
    charts = previous.extra.get("charts", {})
    folder = f"{output}{os.sep}"  # joined as text: ~12,000 paths on a large site
    kept = {url: tuple(charts.get(url, ())) for url, digest in digests.items()
            if same_line and last.get(url) == digest and all(_intact(folder, path, previous.outputs)
                                                             for path in (url, *charts.get(url, ())))}
    cached = {url: page for url, page in ((url, cache.get(digest)) for url, digest in digests.items()
                                           if url not in kept) if page is not None}
    restorable = {}
    for url in cached:
        shown = charts.get(url, ())
        sources = cache.charts(digests[url]) if shown else {}
        if last.get(url) == digests[url] and all(path in sources for path in shown):
            restorable[url] = {path: sources[path] for path in shown}
    return Reuse([page for page in pages if page.url not in kept], kept, digests, cached, [], contexts,
                 restorable=restorable)


def _intact(folder: str, path: str, stamps: Stamps) -> bool:
    """The file `folder` + `path` is as the last build wrote it (size and mtime)."""
    stamp = file_stamp(folder + path)
    return stamp is not None and stamp == stamps.get(path)
