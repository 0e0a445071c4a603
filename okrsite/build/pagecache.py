"""Rendered pages by the digest of their inputs, packed: `<cache_dir>/pages/<number>-<tag>.pack`.

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
under a name no other build takes (so a pack is never seen cut short, nor replaced
while read); a pack whose pages are mostly no longer the last build's has its live
ones carried into the new pack and is removed, and so are the smallest packs when
there would be more than `MAX_PACKS`. It is trusted as the chart cache is: it holds
page bytes, never code. Each entry starts with its own digest and is one whole zlib
stream (a record: one JSON value), checked when read: a pack that does not read as
one is removed, and one with an entry that fails is replaced; that costs renders,
never a wrong page.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import zlib
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from okrsite.filesystem.cachefiles import remove_cache
from okrsite.build.output import WRITERS
from okrsite.filesystem.atomic import left_behind, replace_file

SUFFIX = ".pack"
LEVEL = 3  # zlib: as small as level 6 within a tenth, in half the time
MAX_PACKS = 8  # beyond, small packs are carried into the new one: a lookup reads few indexes
# A pack ends with its index (JSON: digest -> Span) and this trailer: the magic and the index's offset.
MAGIC = b"okrsite-pages-2:"
TRAILER = len(MAGIC) + 12
MAX_INDEX = 16 << 20  # bytes: far above any site's (~110 bytes a page); a larger one is no pack of ours
MAX_PAGE = 256 << 20  # bytes of one page unpacked: the largest list page of 5,000 objectives is ~15 MB
MAX_ENTRY = MAX_PAGE  # bytes of one entry packed (compressed pages are smaller): nothing larger is read
DIGEST = re.compile(r"[0-9a-f]{32}", re.ASCII)  # a page digest (incremental.ContextDigests.page)
_NAME = re.compile(r"([0-9]{8,18})-[0-9a-f]{8}\.pack", re.ASCII)
# The index as `_write` lays it out, checked before it is parsed: what a JSON parser makes of 16 MiB
# of anything else can be twenty times that in memory.
_INDEX = re.compile(rb'\{(?:"[0-9a-f]{32}":\[[0-9]{1,15}(?:,[0-9]{1,15}){3}\](?:,(?=")|(?=\})))*\}')
_OLD_SUFFIXES = (".html.z", ".charts.json")  # a file a page, before packs

# A chart file a page shows -> (the drawing's key in the chart cache, its text alternative).
ChartSources = Mapping[str, tuple[str, str]]
# Where an entry's bytes lie in its pack: the page (digest + zlib stream), then its chart record
# (digest + JSON); a page without charts has a record of length 0.
Span = tuple[int, int, int, int]  # page offset, page length, record offset, record length


@dataclass(eq=False)  # each pack is itself: a key, compared by identity
class _Pack:
    path: Path
    number: int
    entries: dict[str, Span]
    stream: BinaryIO  # opened once: offsets always apply to the file that was indexed
    size: int = field(init=False)
    damaged: bool = False  # an entry did not read back: the live ones are carried, the pack removed

    def __post_init__(self) -> None:
        self.size = sum(span[1] + span[3] for span in self.entries.values())

    def page(self, digest: str) -> bytes | None:
        """The digest's page, unpacked, or None (and the pack marked) when its bytes fail."""
        start, length, _, _ = self.entries[digest]
        page = _unpacked(self._read(digest, start, length))
        self.damaged = self.damaged or page is None
        return page

    def packed(self, digest: str) -> tuple[bytes, bytes] | None:
        """The digest's entry as it is packed (page, record), to carry into a new pack; checked
        only in a pack found damaged, where another entry may have failed too."""
        start, length, record_start, record_length = self.entries[digest]
        page = self._read(digest, start, length)
        if page is None or (self.damaged and _unpacked(page) is None):
            return None
        return page, self._read(digest, record_start, record_length) or b""

    def record(self, digest: str) -> bytes | None:
        _, _, start, length = self.entries[digest]
        return self._read(digest, start, length)

    def _read(self, digest: str, start: int, length: int) -> bytes | None:
        """Bytes of the entry of `digest` (its own digest first), without that prefix."""
        if not length:
            return None
        try:
            data = os.pread(self.stream.fileno(), length, start)
        except (OSError, ValueError):  # (ValueError: the pack was closed)
            return None
        return data[len(digest):] if data.startswith(digest.encode()) else None


class PageCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._packs: list[_Pack] | None = None  # read on first use, oldest first
        self._where: dict[str, _Pack] = {}  # digest -> the newest pack holding it

    def get(self, digest: str) -> bytes | None:
        """The page's bytes (the commit line still a marker), or None; an entry that does not
        read back is forgotten, and its pack replaced by the next `keep` (the build renders it)."""
        pack = self._pack_of(digest)
        page = pack.page(digest) if pack is not None else None
        if pack is not None and page is None:
            del self._where[digest]
        return page

    def charts(self, digest: str) -> dict[str, tuple[str, str]]:
        """The sources of the chart files the page showed when it was kept (empty when none
        were recorded, or the record is not what `keep` writes)."""
        pack = self._pack_of(digest)
        record = pack.record(digest) if pack is not None else None
        try:
            rows = json.loads(record.decode("utf-8")) if record else []
            return {path: (key, alt) for path, key, alt in rows
                    if isinstance(path, str) and isinstance(key, str) and isinstance(alt, str)}
        except (ValueError, TypeError, RecursionError):
            return {}

    def keep(self, digests: set[str], new: dict[str, bytes], charts: Mapping[str, ChartSources] | None = None) -> None:
        """Hold the pages of these digests from now on (and others only in a pack mostly of these):
        `new` (digest -> bytes) are packed unless held already; `charts` (digest -> the sources of
        the page's charts: the builder passes the new and the mended ones) are recorded. A cache
        that cannot be written only costs rendering next time."""
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
        moved = {digest: pack for pack in carried for digest in live[pack]}
        moved.update((digest, self._where[digest]) for digest in records if digest in self._where)
        if fresh or moved:  # room for the new pack
            standing = sorted((pack for pack in packs if pack not in carried and live[pack]),
                              key=lambda pack: (pack.size, -pack.number))
            while len(standing) >= MAX_PACKS:
                pack = standing.pop(0)
                carried.append(pack)
                moved.update((digest, pack) for digest in live[pack])
        with ThreadPoolExecutor(WRITERS) as pool:  # compressing lets go of the GIL: the threads share both cores
            pages = dict(zip(fresh, pool.map(lambda digest: zlib.compress(new[digest], LEVEL), fresh)))
        for digest, pack in sorted(moved.items()):
            entry = pack.packed(digest)
            if entry is not None:
                pages[digest] = entry[0]
                records.setdefault(digest, entry[1])
            elif digest in new:
                pages[digest] = zlib.compress(new[digest], LEVEL)
        self._sweep()
        if pages and not self._write(pages, records):
            return
        for pack in packs:
            pack.stream.close()
            if pack in carried or not live[pack]:
                remove_cache(pack.path)
        self._packs = None

    def _write(self, pages: dict[str, bytes], records: dict[str, bytes]) -> bool:
        """One new pack of these pages (digest -> compressed bytes) and their chart records,
        numbered after every pack in the folder."""
        parts: list[bytes] = []
        index: dict[str, Span] = {}
        offset = 0
        for digest in sorted(filter(DIGEST.fullmatch, pages)):  # (what the index may hold)
            page = digest.encode() + pages[digest]
            record = digest.encode() + records[digest] if records.get(digest) else b""
            index[digest] = (offset, len(page), offset + len(page), len(record))
            parts += (page, record)
            offset += len(page) + len(record)
        listed = json.dumps(index, separators=(",", ":")).encode("utf-8")
        number = max((int(match.group(1)) for match in map(_NAME.fullmatch, self._names()) if match), default=0) + 1
        try:
            replace_file(self.folder / f"{number:08d}-{os.urandom(4).hex()}{SUFFIX}",
                         b"".join((*parts, listed, MAGIC, b"%012d" % offset)))
        except OSError:
            return False
        return True

    def _pack_of(self, digest: str) -> _Pack | None:
        if self._packs is None:
            self._read_packs()
        return self._where.get(digest)

    def _names(self) -> list[str]:
        try:
            return os.listdir(self.folder)
        except OSError:
            return []

    def _read_packs(self) -> list[_Pack]:
        """Every pack of the folder that reads as one (a file that does not is removed), and where
        each digest is: in the newest pack that holds it."""
        packs = []
        for name in self._names():
            match = _NAME.fullmatch(name)
            if match:
                pack = _opened(self.folder / name, int(match.group(1)))
                if pack is not None:
                    packs.append(pack)
        packs.sort(key=lambda pack: (pack.number, pack.path.name))
        self._packs = packs
        self._where = {digest: pack for pack in packs for digest in pack.entries}
        return packs

    def _sweep(self) -> None:
        """Files of the folder no build reads: a page each (before packs), and temporary packs
        that a stopped build left (old enough to be no build's under way)."""
        for name in self._names():
            path = self.folder / name
            if name.endswith(_OLD_SUFFIXES) or left_behind(path):
                remove_cache(path)


def _record(sources: ChartSources) -> bytes:
    return json.dumps([[path, key, alt] for path, (key, alt) in sorted(sources.items())]).encode("utf-8")


def _unpacked(page: bytes | None) -> bytes | None:
    """A page entry's bytes unpacked: one whole zlib stream and nothing after it, or None (also
    for one that would unpack to more than MAX_PAGE: a cache must not be able to fill the memory)."""
    if page is None:
        return None
    unpacking = zlib.decompressobj()
    try:
        data = unpacking.decompress(page, MAX_PAGE)
    except zlib.error:
        return None
    return data if unpacking.eof and not unpacking.unused_data and not unpacking.unconsumed_tail else None


def _mostly_dead(pack: _Pack, live: list[str]) -> bool:
    """Over half of the pack's bytes are pages no longer held: carry the rest, remove the pack."""
    kept = sum(pack.entries[digest][1] + pack.entries[digest][3] for digest in live)
    return kept * 2 < pack.size


def _opened(path: Path, number: int) -> _Pack | None:
    """The pack, open, with its index; None when it is no pack. A file that cannot be opened just
    now is left alone; one that is no pack (cut short, damaged, a link put there) is removed."""
    try:
        stream = os.fdopen(os.open(path, _READ, 0), "rb")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            remove_cache(path)
        return None
    try:
        regular = stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except OSError:
        regular = False
    entries = _index(stream) if regular else None
    if entries is None:
        stream.close()
        remove_cache(path)
        return None
    return _Pack(path, number, entries, stream)


def _index(stream: BinaryIO) -> dict[str, Span] | None:
    """The pack's entries: each digest's spans, in order, without gaps or overlaps, before the index."""
    try:
        size = os.fstat(stream.fileno()).st_size
        stream.seek(max(size - TRAILER, 0))
        trailer = stream.read()
        if len(trailer) != TRAILER or not trailer.startswith(MAGIC) or not trailer[len(MAGIC):].isdigit():
            return None
        start = int(trailer[len(MAGIC):])
        if not 0 <= size - TRAILER - start <= MAX_INDEX:
            return None
        stream.seek(start)
        listed = stream.read(size - TRAILER - start)
        if not _INDEX.fullmatch(listed):
            return None
        index = json.loads(listed)
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(index, dict):
        return None
    entries: dict[str, Span] = {}
    for digest, span in index.items():
        if not (DIGEST.fullmatch(digest) and isinstance(span, list) and len(span) == 4
                and all(type(n) is int and n >= 0 for n in span) and span[1] <= MAX_ENTRY and span[3] <= MAX_ENTRY):
            return None
        entries[digest] = (span[0], span[1], span[2], span[3])
    end = 0
    for span in sorted(entries.values()):
        if span[0] != end or span[2] != span[0] + span[1]:
            return None
        end = span[2] + span[3]
    return entries if end == start else None


# (O_NONBLOCK: a named pipe planted at a pack's name opens at once, and is no regular file)
_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
