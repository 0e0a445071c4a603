"""A content-addressed store of chart files: `<cache_dir>/charts/<hash>.<ext>`.

Each file is a chart as the site shows it, and the hash covers everything that
decides its bytes: the spec's drawing part (kind, size, data, format, dpi; for
PNG also the colours), for SVG the theme's colours and font (its `<style>`) and
its title (the text alternative), the okrsite version and the matplotlib
version. So a rebuild with nothing changed finds every chart here, one changed
key result misses only its own charts, and the same picture used twice is
stored once. The output's chart files are links to these (`output.Linked`):
a build with most charts cached (CI, with the cache restored) makes no file
for them. okrsite prunes nothing (the folder is safe to delete), but a file is
in use when an output links it (more than one link) or its mtime is when a
build last used it: a build that shows every page (CI, in a fresh clone) can be
followed by deleting the files with one link that are older than its start.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from okrsite import __version__, installed_version
from okrsite.filesystem.atomic import replace_file
from okrsite.site.charts.specs import ChartSpec

FORMAT_VERSION = 25  # bump when draw.py changes what it draws, or what a chart file adds to it


_FIELDS: dict[type, tuple[str, ...]] = {}


def _as_json(value: Any) -> dict[str, Any]:
    """A dataclass as a JSON object (json calls this for what it cannot encode itself)."""
    names = _FIELDS.get(type(value))
    if names is None:
        if not dataclasses.is_dataclass(value):
            raise TypeError(f"cannot hash a {type(value).__name__} in a chart spec")
        names = _FIELDS[type(value)] = tuple(f.name for f in dataclasses.fields(value))
    return {name: getattr(value, name) for name in names}


def drawing(spec: ChartSpec, as_shown: bool, data: Any, palette: Any) -> dict[str, Any]:
    """The part of a spec that decides the image, its `data` and `palette` given apart (the spec's,
    or chart_keys' stand-ins); `as_shown`, the chart file's: with what an SVG adds to the image
    (finish_svg: the theme's colours and font, and the title)."""
    look: dict[str, Any] = {"format": spec.look.format, "layout": spec.look.layout}
    if spec.look.format == "png":
        look.update(dpi=spec.look.dpi, colours=spec.look.palette.light)
    elif as_shown:
        look.update(palette=palette, title=spec.alt)
    return {"kind": spec.kind, "width": spec.width, "height": spec.height, "look": look, "data": data}


def canonical(drawn: dict[str, Any]) -> str:
    """What decides a drawing, with the versions, as canonical JSON (sorted keys, no spaces)."""
    return _canonical_value({"okrsite": __version__, "matplotlib": installed_version("matplotlib"),
                             "format": FORMAT_VERSION, **drawn})


# Stand-ins for a spec's data and palette in chart_keys: written as JSON strings, then swapped for
# the JSON of what they stand for. The first of each is theirs: "data" and "palette" come before
# the title in sorted order, and no text of a chart holds a NUL (content.schema.clean_text).
_DATA, _PALETTE = "\x00okrsite-data\x00", "\x00okrsite-palette\x00"
_DATA_JSON, _PALETTE_JSON = json.dumps(_DATA), json.dumps(_PALETTE)


def chart_keys(spec: ChartSpec) -> tuple[str, str]:
    """The keys of a chart file and of its image: the hash of `canonical({"chart": drawing(...)})`,
    as shown and not. Two files that differ only in their titles or an SVG's colours
    are one drawing. The spec's data, most of what is hashed, is written as JSON once for both, and
    a palette once for every chart (at 1,000 objectives, 0.8 s of a cold build's work before the
    first chart is drawn, halved)."""
    data = _canonical_value(spec.data)
    file, image = (canonical({"chart": drawing(spec, as_shown, _DATA, _PALETTE)}) for as_shown in (True, False))
    return (_hash(file.replace(_DATA_JSON, data, 1).replace(_PALETTE_JSON, _palette_json(spec.look.palette), 1)),
            _hash(image.replace(_DATA_JSON, data, 1)))


@functools.lru_cache(maxsize=8)  # one or two a build
def _palette_json(palette: Any) -> str:
    return _canonical_value(palette)


def _canonical_value(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_as_json)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def drawing_key(kind: str, data: Any) -> str:
    """The key of another drawing kept here (a scorecard PDF): its data (dataclasses, numbers and
    text) with the versions, as a chart's, and fontTools's (it writes the PDF's font subsets: 4.69
    wrote other bytes than 4.68)."""
    return _hash(canonical({kind: data, "fonttools": installed_version("fonttools")}))


class ChartCache:
    """Chart files by key. Writes are atomic (a temporary file renamed into place)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str, ext: str) -> Path:
        return self.folder / f"{key}.{ext}"

    def get(self, key: str, ext: str) -> bytes | None:
        """The file's bytes, or None; marked as used as `find` does (a scorecard PDF, read, not linked)."""
        path = self.find(key, ext)
        try:
            return None if path is None else path.read_bytes()
        except OSError:
            return None

    def find(self, key: str, ext: str) -> Path | None:
        """The file, to be linked into the output, or None. Marked as used now (its mtime) unless
        an output links it already: that output's file is the same file, whose mtime must stay
        while its bytes do, and a file an output links is in use anyway."""
        path = self.path(key, ext)
        try:
            found = path.lstat()  # a symbolic link planted in the cache is no chart of okrsite's
        except OSError:
            return None
        if not stat.S_ISREG(found.st_mode):
            return None
        if found.st_nlink == 1:
            with contextlib.suppress(OSError):  # a read-only cache still serves
                os.utime(path)
        return path

    def put(self, key: str, ext: str, data: bytes) -> Path | None:
        """Store a chart; the file, or None when it could not be (a cache that cannot be written
        only costs a redraw next time)."""
        target = self.path(key, ext)
        with contextlib.suppress(OSError):
            if stat.S_ISREG(target.lstat().st_mode):
                return target
        try:  # what stands there else (a symbolic link) is replaced
            self.folder.mkdir(parents=True, exist_ok=True)
            replace_file(target, data)
        except OSError:
            return None
        return target
