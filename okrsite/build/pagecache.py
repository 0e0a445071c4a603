"""Rendered pages by the digest of their inputs: `<cache_dir>/pages/<digest>.html.z`.

A self-contained page (`depends="context"`) is a pure function of its digest, save
the footer's line naming the commit, which every commit changes: pages are kept here
with a marker in its place (`render.BUILD_LINE`), and the line is put in as the
page is written. So a build after a commit, or in a fresh clone with the cache
restored (CI), copies the pages whose inputs did not change instead of rendering
them again. Compressed (HTML shrinks five-fold, and unpacking is cheap).

The folder holds the last build's pages only: the next build starts from them,
and older ones would only grow the cache. Like the chart cache, it is trusted as
the chart cache is: it holds page bytes, never code.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

from okrsite.build.cachefiles import remove_cache, write_atomically

SUFFIX = ".html.z"
LEVEL = 3  # zlib: as small as level 6 within a tenth, in half the time


class PageCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, digest: str) -> Path:
        return self.folder / f"{digest}{SUFFIX}"

    def get(self, digest: str) -> bytes | None:
        """The page's bytes (the commit line still a marker), or None."""
        try:
            return zlib.decompress(self._path(digest).read_bytes())
        except (OSError, zlib.error):
            return None

    def keep(self, digests: set[str], new: dict[str, bytes]) -> None:
        """Hold the pages of these digests from now on, and no other: `new` (digest -> bytes) are
        written unless held already. A cache that cannot be written only costs rendering next time."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            held = {name.removesuffix(SUFFIX) for name in os.listdir(self.folder) if name.endswith(SUFFIX)}
        except OSError:
            return
        for digest, page in new.items():
            if digest not in held:
                write_atomically(self._path(digest), zlib.compress(page, LEVEL))
        for digest in held - digests:
            remove_cache(self._path(digest))
