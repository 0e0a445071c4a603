"""A content-addressed store of drawn charts: `<cache_dir>/charts/<hash>.<ext>`.

The hash covers everything that decides a chart's bytes: the spec's drawing
part (kind, size, data, format, dpi; for PNG also the colours, which SVG takes
from a `<style>` added after the cache), the okrsite version and the
matplotlib version. So a rebuild with nothing changed finds every chart here,
one changed key result misses only its own charts, and the same picture used
twice is stored once. okrsite prunes nothing (the folder is safe to delete), but
a file's mtime is when a build last used it: a build that shows every page (CI,
in a fresh clone) can be followed by deleting the files older than its start.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from okrsite import __version__, installed_version
from okrsite.site.charts.specs import ChartSpec

FORMAT_VERSION = 2  # bump when draw.py changes what it draws


_FIELDS: dict[type, tuple[str, ...]] = {}


def _as_json(value: Any) -> dict[str, Any]:
    """A dataclass as a JSON object (json calls this for what it cannot encode itself)."""
    names = _FIELDS.get(type(value))
    if names is None:
        if not dataclasses.is_dataclass(value):
            raise TypeError(f"cannot hash a {type(value).__name__} in a chart spec")
        names = _FIELDS[type(value)] = tuple(f.name for f in dataclasses.fields(value))
    return {name: getattr(value, name) for name in names}


def drawing(spec: ChartSpec) -> dict[str, Any]:
    """The part of a spec that decides the image."""
    look: dict[str, Any] = {"format": spec.look.format, "layout": spec.look.layout}
    if spec.look.format == "png":
        look.update(dpi=spec.look.dpi, colours=spec.look.palette.light)
    return {"kind": spec.kind, "width": spec.width, "height": spec.height, "look": look, "data": spec.data}


def canonical_json(spec: ChartSpec) -> str:
    """The drawing part of a spec as canonical JSON (sorted keys, no spaces), with the versions."""
    return _canonical({"chart": drawing(spec)})


def _canonical(drawn: dict[str, Any]) -> str:
    return json.dumps({"okrsite": __version__, "matplotlib": installed_version("matplotlib"), "format": FORMAT_VERSION,
                       **drawn}, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_as_json)


def chart_key(spec: ChartSpec) -> str:
    return hashlib.sha256(canonical_json(spec).encode("utf-8")).hexdigest()[:40]


def drawing_key(kind: str, data: Any) -> str:
    """The key of another drawing kept here (a scorecard PDF): its data (dataclasses, numbers and
    text) with the versions, as a chart's."""
    return hashlib.sha256(_canonical({kind: data}).encode("utf-8")).hexdigest()[:40]


class ChartCache:
    """Chart files by key. Writes are atomic (a temporary file renamed into place)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str, ext: str) -> Path:
        return self.folder / f"{key}.{ext}"

    def get(self, key: str, ext: str) -> bytes | None:
        """The drawing, marked as used now (its mtime), or None."""
        path = self.path(key, ext)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        with contextlib.suppress(OSError):  # a read-only cache still serves
            os.utime(path)
        return data

    def put(self, key: str, ext: str, data: bytes) -> None:
        """Store a chart; a cache that cannot be written only costs a redraw next time."""
        target = self.path(key, ext)
        if target.is_file():
            return
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, target)
        except OSError:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
