"""Rendered pages by the digest of their inputs: `<cache_dir>/pages/<digest>.html.z`.

A self-contained page (`depends="context"`) is a pure function of its digest, save
the footer's line naming the commit, which every commit changes: pages are kept here
with a marker in its place (`render.BUILD_LINE`), and the line is put in as the
page is written. So a build after a commit, or in a fresh clone with the cache
restored (CI), copies the pages whose inputs did not change instead of rendering
them again. Compressed (HTML shrinks five-fold, and unpacking is cheap).

Beside a page that shows charts, `<digest>.charts.json` names the drawing (its key in
the chart cache) and the text alternative of each chart file, so a build that takes
the page from here makes its chart files from the chart cache without specifying
the charts again (okrsite.site.charts.start_charts, `restorable`).

The folder holds the last build's pages only: the next build starts from them,
and older ones would only grow the cache. Like the chart cache, it is trusted as
the chart cache is: it holds page bytes, never code.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Mapping
from pathlib import Path

from okrsite.build.cachefiles import remove_cache
from okrsite.build.output import side_by_side

SUFFIX = ".html.z"
CHARTS_SUFFIX = ".charts.json"
LEVEL = 3  # zlib: as small as level 6 within a tenth, in half the time

# A chart file a page shows -> (the drawing's key in the chart cache, its text alternative).
ChartSources = Mapping[str, tuple[str, str]]


class PageCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, digest: str) -> Path:
        return self.folder / f"{digest}{SUFFIX}"

    def get(self, digest: str) -> bytes | None:
        """The page's bytes (the commit line still a marker), or None; a damaged file is removed,
        so that the build that renders the page keeps it again."""
        path = self._path(digest)
        try:
            return zlib.decompress(_read(path))
        except FileNotFoundError:
            return None
        except (OSError, zlib.error):  # (a link put in its place: gone too)
            remove_cache(path)
            return None

    def charts(self, digest: str) -> dict[str, tuple[str, str]]:
        """The sources of the chart files the page showed when it was kept (empty when none
        were recorded, or the record is not what `keep` writes)."""
        try:
            rows = json.loads(_read(self._charts_path(digest)).decode("utf-8"))
            return {path: (key, alt) for path, key, alt in rows
                    if isinstance(path, str) and isinstance(key, str) and isinstance(alt, str)}
        except (OSError, ValueError, TypeError, RecursionError):
            return {}

    def _charts_path(self, digest: str) -> Path:
        return self.folder / f"{digest}{CHARTS_SUFFIX}"

    def keep(self, digests: set[str], new: dict[str, bytes], charts: Mapping[str, ChartSources] | None = None) -> None:
        """Hold the pages of these digests from now on, and no other: `new` (digest -> bytes) are
        written unless held already; `charts` (digest -> the sources of the page's charts: the
        builder passes the new and the mended ones) are written. A cache that cannot be written
        only costs rendering next time."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            names = os.listdir(self.folder)
        except OSError:
            return
        held = {name.removesuffix(SUFFIX) for name in names if name.endswith(SUFFIX)}
        recorded = {name.removesuffix(CHARTS_SUFFIX) for name in names if name.endswith(CHARTS_SUFFIX)}
        records = [(digest, sources) for digest, sources in (charts or {}).items() if sources and digest in digests]

        def write(share: list[tuple[str, bytes]]) -> None:
            for digest, page in share:  # compressing lets go of the GIL: the threads share both cores
                _write(self._path(digest), zlib.compress(page, LEVEL))

        def record(share: list[tuple[str, ChartSources]]) -> None:
            for digest, sources in share:
                _write(self._charts_path(digest), json.dumps(
                    [[path, key, alt] for path, (key, alt) in sorted(sources.items())]).encode("utf-8"))

        side_by_side(write, [(digest, page) for digest, page in new.items() if digest not in held])
        side_by_side(record, records)
        for digest in held - digests:
            remove_cache(self._path(digest))
        for digest in recorded - digests:
            remove_cache(self._charts_path(digest))


def _write(path: Path, data: bytes) -> None:
    """A cache file written in place, not renamed into place: one cut short (the build was
    stopped) fails its check when read, zlib's checksum or JSON's closing bracket, and costs
    one page's rendering, never a wrong page. One rename less for each of thousands of files.
    Never through a symbolic link put in its place (committed with the site, say): that one is
    removed."""
    try:
        handle = os.open(path, _WRITE_IN_PLACE, 0o666)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
    except OSError:
        remove_cache(path)


def _read(path: Path) -> bytes:
    """A cache file's bytes; OSError for a symbolic link (never read where it leads)."""
    with os.fdopen(os.open(path, _READ, 0), "rb") as stream:
        return stream.read()


_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
_WRITE_IN_PLACE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
