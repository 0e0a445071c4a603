"""Chart files as the site shows them, made from a drawing and stored in the chart cache.

One drawing (an image) serves every file that differs from another only in its title or an
SVG's colours (`chart_keys(spec)[1]`). The process that draws an image also makes
its files and stores them (`ChartJob`, `made_files`): at 1,000 objectives a cold build makes
~10,000 of them, which the build's own process would otherwise create one after another once
the drawing is done, after receiving every file's bytes through a pipe.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from okrsite.site.charts.cache import ChartCache
from okrsite.site.charts.palette import Palette
from okrsite.site.charts.specs import ChartSpec, Look

# A chart file made: the cache's file (to be linked into the output), its bytes where the cache
# could not keep it (a read-only cache), or why it could not be made.
Made = Path | bytes | str


@dataclass(frozen=True)
class ChartJob:
    """An image to draw, and the files made of it: (the file's key in the cache, its title)."""

    spec: ChartSpec
    files: tuple[tuple[str, str], ...]
    cache: Path  # the chart cache's folder


_SIZE = re.compile(r' width="[\d.]+pt" height="[\d.]+pt"')
HALO = "okr-halo-"  # the start of the ids of the groups of labels drawn on a halo (a trend's values)
HALO_PX = 7  # its stroke: 3.5 px round each glyph, wider than the gap between two words of a label


_USES = re.compile(r"var\(--okr-([a-z-]+)\)")


@functools.lru_cache(maxsize=256)
def _svg_style(palette: Palette, roles: frozenset[str]) -> str:
    """The style element of a theme's chart files that use these colour roles (made once for each
    few roles: thousands of charts share a handful). Only the roles a chart uses: all 21 in both
    schemes were 1.8 KB, a third of a trend chart's file."""
    light = ";".join(f"--okr-{role}:{value}" for role, value in palette.light if role in roles)
    dark = ";".join(f"--okr-{role}:{value}" for role, value in palette.dark if role in roles)
    return (f'<style type="text/css">:root{{{light}}}'
            f"@media (prefers-color-scheme: dark){{:root{{{dark}}}}}"
            f"@media print{{:root{{{light}}}}}"
            f"text{{font-family:{palette.font}}}"
            # a value's label on a halo of the chart's background: no line, grid or band runs through it
            # (at 3 px, lines showed in the gaps between words: "expected 1.77%" under a forecast's dots)
            f'[id^="{HALO}"] text{{paint-order:stroke;stroke:var(--okr-surface);stroke-width:{HALO_PX}px;'
            "stroke-linejoin:round}"
            "*{stroke-linejoin: round; stroke-linecap: butt}</style>")


def finish_svg(raw: bytes, palette: Palette, title: str) -> bytes:
    """The cached drawing made a file: the theme's colours (light and dark) and font, and a <title>.
    Its width and height go: the viewBox alone lets it take the width of its place on the page."""
    text = raw.decode("utf-8")
    roles = frozenset(_USES.findall(text)) | {"surface"}  # the halo's colour is in the style itself
    text = text.replace('<style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>',
                        _svg_style(palette, roles), 1)
    start = text.index("<svg")
    end = text.index(">", start) + 1
    text = text[:start] + _SIZE.sub("", text[start:end], count=1) + text[end:]
    end = text.index(">", start) + 1
    text = text[:end] + f"\n <title>{escape(title)}</title>" + text[end:]
    return text.encode("utf-8")


def chart_file(image: bytes, look: Look, title: str) -> bytes:
    """A chart file from its drawing (an SVG takes the theme's colours and its title)."""
    return finish_svg(image, look.palette, title) if look.format == "svg" else image


def made_files(job: ChartJob, image: bytes) -> tuple[Made, ...]:
    """The job's files, made of its drawn image and stored in the cache, in the order of `job.files`;
    one that cannot be made is one chart lost (the build warns), not the others."""
    cache = ChartCache(job.cache)
    made: list[Made] = []
    for key, title in job.files:
        try:
            data = chart_file(image, job.spec.look, title)
        except Exception as exc:  # noqa: BLE001 - reported as a diagnostic by the build
            made.append(str(exc))
            continue
        kept = cache.put(key, job.spec.look.format, data)
        made.append(data if kept is None else kept)
    return tuple(made)
