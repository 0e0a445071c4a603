"""Plain text measured from its glyphs, as matplotlib measures text for SVG, without laying it out.

An SVG chart's text is real text, but matplotlib still measures each one (its bounding box places
it, and the charts' own layout avoids collisions with it): `TextToPath` lays the text out with
FreeType and libraqm, ~0.4 ms a text whatever its length. A chart process meets thousands of
texts it has not measured before (values, dates, titles), a tenth of a chart's time.

For such text the same figures follow from the glyphs: the width is the sum of the advances and
the kerning between neighbours, the height and descent the extent of the glyphs' boxes (an empty
glyph, a space, counts as a box at the baseline, as FreeType's own union does). Each character
and each pair of neighbours is looked up once per process. A pair whose own layout is not that
sum (a ligature such as "ff", or kerning the font keeps only in its layout tables) marks the
pair: a text with it is measured by matplotlib. Kerning is rounded differently by the two ways,
so a width may differ by up to `TOLERANCE` (a 16th of a pixel at 100 pt), never the height.
"""

from __future__ import annotations

import itertools
import unicodedata
from typing import Any, NamedTuple

from matplotlib.font_manager import findfont, get_font
from matplotlib.ft2font import Kerning, LoadFlags
from matplotlib.textpath import TextToPath

TOLERANCE = 4  # 1/64 px at matplotlib's text-path size: largest kerning rounding seen, plus one
_SIZE, _DPI = TextToPath.FONT_SCALE, TextToPath.DPI  # the size TextToPath measures at


class _Glyph(NamedTuple):
    index: int
    advance: int  # 26.6 fixed point, at _SIZE
    low: int  # the box's bottom and top (0, 0 for a glyph without ink)
    high: int


class GlyphMetrics:
    """One font file's glyphs and pairs at TextToPath's size, each looked up once."""

    def __init__(self, path: Any) -> None:
        self.font = get_font(path)  # shared with matplotlib, which sizes it as it needs: set ours first
        self.glyphs: dict[str, _Glyph | None] = {}
        self.pairs: dict[str, int | None] = {}  # two characters -> their kerning; None: not a plain sum

    def measure(self, text: str) -> tuple[int, int, int] | None:
        """Width, height and descent of a one-line text in 26.6 units at TextToPath's size, as
        `FT2Font.set_text` gives them; None where this cannot say (a character that is not plain
        or is missing from the font, a marked pair, a text without ink)."""
        glyphs = [self.glyphs[c] if c in self.glyphs else self._glyph(c) for c in text]
        if not glyphs or None in glyphs:
            return None
        width = 0
        for first, second in itertools.pairwise(text):
            pair = first + second
            kerning = self.pairs[pair] if pair in self.pairs else self._pair(pair)
            if kerning is None:
                return None
            width += kerning
        width += sum(glyph.advance for glyph in glyphs)  # type: ignore[union-attr]
        low = min(glyph.low for glyph in glyphs)  # type: ignore[union-attr]
        high = max(glyph.high for glyph in glyphs)  # type: ignore[union-attr]
        if low == high:
            return None  # spaces only: left to matplotlib
        return width, high - low, -low

    def _glyph(self, char: str) -> _Glyph | None:
        glyph = None
        index = self.font.get_char_index(ord(char)) if _plain(char) else 0
        if index:  # else: missing from the font (matplotlib falls back to another), or not plain
            self.font.set_size(_SIZE, _DPI)
            loaded = self.font.load_char(ord(char), flags=LoadFlags.NO_HINTING)
            _, low, _, high = loaded.bbox
            glyph = _Glyph(index, loaded.horiAdvance, low, high)
        self.glyphs[char] = glyph
        return glyph

    def _pair(self, pair: str) -> int | None:
        first, second = (self.glyphs[c] for c in pair)
        assert first is not None and second is not None
        self.font.set_size(_SIZE, _DPI)
        kerning = self.font.get_kerning(first.index, second.index, Kerning.UNFITTED)
        self.font.set_text(pair, 0.0, flags=LoadFlags.NO_HINTING)
        laid_out, _ = self.font.get_width_height()
        found = kerning if abs(laid_out - (first.advance + second.advance + kerning)) <= TOLERANCE else None
        self.pairs[pair] = found
        return found


def _plain(char: str) -> bool:
    """A character laid out as itself: Latin letters, spaces, punctuation, currency and other
    symbols; no combining mark, control or format character, nor a script that is shaped."""
    code = ord(char)
    return (code < 0x250 or 0x2000 <= code < 0x2700) and (char.isprintable() or unicodedata.category(char) == "Zs")


_FONTS: dict[Any, GlyphMetrics] = {}


def text_metrics(text: str, prop: Any) -> tuple[float, float, float] | None:
    """`TextToPath.get_text_width_height_descent(text, prop, ismath=False)` for plain text
    (width, height and descent in points), from the glyphs; None where matplotlib must measure."""
    path = findfont(prop)
    metrics = _FONTS.get(path)
    if metrics is None:
        metrics = _FONTS[path] = GlyphMetrics(path)
    found = metrics.measure(text)
    if found is None:
        return None
    scale = prop.get_size_in_points() / _SIZE
    width, height, descent = found
    return width / 64.0 * scale, height / 64.0 * scale, descent / 64.0 * scale
