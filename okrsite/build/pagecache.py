"""Rendered pages by the digest of their inputs, packed: `<cache_dir>/pages/<number>.pack`.

A self-contained page (`depends="context"`) is a pure function of its digest, save
the footer's line naming the commit, which every commit changes: pages are kept here
with a marker in its place (`render.BUILD_LINE`), and the line is put in as the
page is written. So a build after a commit, or in a fresh clone with the cache
restored (CI), copies the pages whose inputs did not change instead of rendering
them again. Compressed (HTML shrinks five-fold, and unpacking is cheap).

Beside a page that shows charts, its entry records the drawing (its key in the chart
cache) and the text alternative of each chart file, so a build that takes the page
from here makes its chart files from the chart cache without specifying the charts
again (okrsite.site.charts.start_charts, `restorable`).

Packed, because a file a page cost a cold build ~1 s at 1,000 objectives: creating
thousands of small files is slow on many disks, and CI restores the folder file by
file. A build writes the pages it made into one new pack, renamed into place whole
(so a pack is never seen cut short); a pack whose pages are mostly no longer the
last build's has its live ones carried into the new pack and is removed, and so are
the smallest packs when there would be more than `MAX_PACKS`. The folder holds the
last build's pages only. It is trusted as the chart cache is: it holds page bytes,
never code; a pack that does not read as one is removed, and one with an entry that
does not unpack is replaced: that costs renders, never a wrong page.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from okrsite.build.cachefiles import remove_cache
from okrsite.build.output import WRITERS
from okrsite.filesystem.atomic import replace_file

SUFFIX = ".pack"
LEVEL = 3  # zlib: as small as level 6 within a tenth, in half the time
MAX_PACKS = 8  # beyond, small packs are carried into the new one: a lookup reads few indexes
# A pack ends with its index (JSON) and this trailer: the magic and the index's offset.
MAGIC = b"okrsite-pages-1:"
TRAILER = len(MAGIC) + 12
_NAME = re.compile(r"(\d{8})\.pack")
_OLD_SUFFIXES = (".html.z", ".charts.json")  # a file a page, before packs

# A chart file a page shows -> (the drawing's key in the chart cache, its text alternative).
ChartSources = Mapping[str, tuple[str, str]]
# Where an entry's bytes lie in its pack: the compressed page, then its chart record (JSON).
Span = tuple[int, int, int, int]  # page offset, page length, record offset, record length


@dataclass(eq=False)  # each pack is itself: a key, compared by identity
class _Pack:
    path: Path
    number: int
    entries: dict[str, Span]
    size: int = field(init=False)
    damaged: bool = False  # an entry did not unpack: the live ones are carried, the pack removed

    def __post_init__(self) -> None:
        self.size = sum(span[1] + span[3] for span in self.entries.values())

    def read(self, start: int, length: int) -> bytes:
        with os.fdopen(os.open(self.path, _READ, 0), "rb") as stream:
            stream.seek(start)
            return stream.read(length)


class PageCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._packs: list[_Pack] | None = None  # read on first use, oldest first
        self._where: dict[str, _Pack] = {}  # digest -> the newest pack holding it

    def get(self, digest: str) -> bytes | None:
        """The page's bytes (the commit line still a marker), or None; an entry that does not
        unpack is forgotten, and its pack replaced by the next `keep` (the build renders it)."""
        pack = self._pack_of(digest)
        if pack is None:
            return None
        start, length, _, _ = pack.entries[digest]
        try:
            return zlib.decompress(pack.read(start, length))
        except (OSError, zlib.error):  # (a link put in its place: gone too)
            del self._where[digest]
            pack.damaged = True
            return None

    def charts(self, digest: str) -> dict[str, tuple[str, str]]:
        """The sources of the chart files the page showed when it was kept (empty when none
        were recorded, or the record is not what `keep` writes)."""
        pack = self._pack_of(digest)
        if pack is None:
            return {}
        _, _, start, length = pack.entries[digest]
        try:
            rows = json.loads(pack.read(start, length).decode("utf-8")) if length else []
            return {path: (key, alt) for path, key, alt in rows
                    if isinstance(path, str) and isinstance(key, str) and isinstance(alt, str)}
        except (OSError, ValueError, TypeError, RecursionError):
            return {}

    def keep(self, digests: set[str], new: dict[str, bytes], charts: Mapping[str, ChartSources] | None = None) -> None:
        """Hold the pages of these digests from now on (and others only in a pack mostly of these):
        `new` (digest -> bytes) are packed unless held already; `charts` (digest -> the sources of the page's charts: the
        builder passes the new and the mended ones) are recorded. A cache that cannot be written
        only costs rendering next time."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return
        packs = self._packs if self._packs is not None else self._read_packs()
        records = {digest: _record(sources) for digest, sources in (charts or {}).items()
                   if sources and digest in digests}
        fresh = sorted(digest for digest in new if digest in digests and digest not in self._where)
        live: dict[_Pack, list[str]] = {pack: [] for pack in packs}  # what each pack holds of `digests`
        for digest, pack in self._where.items():
            if digest in digests:
                live[pack].append(digest)
        carried = [pack for pack in packs if live[pack] and (pack.damaged or _mostly_dead(pack, live[pack]))]
        standing = sorted((pack for pack in packs if pack not in carried and live[pack]),
                          key=lambda pack: (pack.size, -pack.number))
        while len(standing) >= MAX_PACKS:  # room for the new one
            carried.append(standing.pop(0))
        moved = {digest: pack for pack in carried for digest in live[pack]}
        moved.update((digest, self._where[digest]) for digest in records if digest in self._where)
        with ThreadPoolExecutor(WRITERS) as pool:  # compressing lets go of the GIL: the threads share both cores
            pages = dict(zip(fresh, pool.map(lambda digest: zlib.compress(new[digest], LEVEL), fresh)))
        for digest, pack in sorted(moved.items()):
            start, length, record_start, record_length = pack.entries[digest]
            try:
                pages[digest] = pack.read(start, length)
                records.setdefault(digest, pack.read(record_start, record_length))
            except OSError:
                pass  # rendered again next time
        written = self._write(packs, pages, records) if pages else True
        if not written:
            return
        for pack in packs:
            if pack in carried or not live[pack]:
                remove_cache(pack.path)
        for name in os.listdir(self.folder):
            if name.endswith(_OLD_SUFFIXES):
                remove_cache(self.folder / name)
        self._packs = None

    def _write(self, packs: list[_Pack], pages: dict[str, bytes], records: dict[str, bytes]) -> bool:
        """One new pack of these pages (digest -> compressed bytes) and their chart records."""
        parts: list[bytes] = []
        index: dict[str, Span] = {}
        offset = 0
        for digest in sorted(pages):
            page, record = pages[digest], records.get(digest, b"")
            index[digest] = (offset, len(page), offset + len(page), len(record))
            parts += (page, record)
            offset += len(page) + len(record)
        listed = json.dumps(index, separators=(",", ":")).encode("utf-8")
        number = max((pack.number for pack in packs), default=0) + 1
        try:
            replace_file(self.folder / f"{number:08d}{SUFFIX}",
                         b"".join((*parts, listed, MAGIC, b"%012d" % offset)))
        except OSError:
            return False
        return True

    def _pack_of(self, digest: str) -> _Pack | None:
        if self._packs is None:
            self._read_packs()
        return self._where.get(digest)

    def _read_packs(self) -> list[_Pack]:
        """Every pack of the folder that reads as one (the others are removed), and where each
        digest is: in the newest pack that holds it."""
        try:
            names = sorted(name for name in os.listdir(self.folder) if _NAME.fullmatch(name))
        except OSError:
            names = []
        packs = []
        for name in names:
            pack = _index(self.folder / name)
            if pack is None:
                remove_cache(self.folder / name)
            else:
                packs.append(pack)
        self._packs = packs
        self._where = {digest: pack for pack in packs for digest in pack.entries}
        return packs


def _record(sources: ChartSources) -> bytes:
    return json.dumps([[path, key, alt] for path, (key, alt) in sorted(sources.items())]).encode("utf-8")


def _mostly_dead(pack: _Pack, live: Iterable[str]) -> bool:
    """Over half of the pack's bytes are pages no longer held: carry the rest, remove the pack."""
    kept = sum(pack.entries[digest][1] + pack.entries[digest][3] for digest in live)
    return kept * 2 < pack.size


def _index(path: Path) -> _Pack | None:
    """The pack's index, or None when the file is no pack (cut short, damaged, a link)."""
    try:
        with os.fdopen(os.open(path, _READ, 0), "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            stream.seek(max(size - TRAILER, 0))
            trailer = stream.read()
            if len(trailer) != TRAILER or not trailer.startswith(MAGIC) or not trailer[len(MAGIC):].isdigit():
                return None
            start = int(trailer[len(MAGIC):])
            stream.seek(start)
            index = json.loads(stream.read(size - TRAILER - start).decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(index, dict):
        return None
    entries: dict[str, Span] = {}
    for digest, span in index.items():
        if not (isinstance(span, list) and len(span) == 4 and all(type(n) is int and n >= 0 for n in span)
                and span[0] + span[1] <= start and span[2] + span[3] <= start):
            return None
        entries[digest] = (span[0], span[1], span[2], span[3])
    match = _NAME.fullmatch(path.name)
    assert match is not None
    return _Pack(path, int(match.group(1)), entries)


_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
