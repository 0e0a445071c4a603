"""Plain text measured from its glyphs, as matplotlib measures text for SVG, without laying it out.

An SVG chart's text is real text, but matplotlib still measures each one (its bounding box places
it, and the charts' own layout avoids collisions with it): `TextToPath` lays the text out with
FreeType and libraqm, ~0.4 ms a text whatever its length. A chart process meets thousands of
texts it has not measured before (values, dates, titles), a tenth of a chart's time.

For such text the same figures follow from its characters and its pairs of neighbours: the
width is the sum of each character's width laid out alone and of what laying out each pair
adds or takes (its kerning, as libraqm rounds it), the height and descent the extent of the
glyphs' boxes (a glyph without ink, a space, counts as a box at the baseline, as FreeType's own
union does). Each character and each pair is laid out once per process. A pair laid out as other
glyphs than its two own (a ligature such as "ff" or "fi") marks the pair: a text with it is
measured by matplotlib, as is any text with a character that is shaped with its neighbours (a
combining mark, a script other than Latin) or missing from the font. The figures are
matplotlib's exactly (a property test compares them).
"""

from __future__ import annotations

import itertools
import threading
import unicodedata
from typing import Any, NamedTuple

from matplotlib.font_manager import findfont, get_font
from matplotlib.ft2font import LoadFlags
from matplotlib.textpath import TextToPath

try:  # how matplotlib lays out text into glyphs (private; without it every pair is left to matplotlib)
    from matplotlib._text_helpers import layout as _shaped
except ImportError:  # pragma: no cover - another matplotlib
    _shaped = None

_SIZE, _DPI = TextToPath.FONT_SCALE, TextToPath.DPI  # the size TextToPath measures at


class _Glyph(NamedTuple):
    index: int
    width: int  # laid out alone, 26.6 fixed point, at _SIZE
    low: int  # the box's bottom and top (0, 0 for a glyph without ink)
    high: int


class GlyphMetrics:
    """One font file's glyphs and pairs at TextToPath's size, each laid out once."""

    def __init__(self, path: Any) -> None:
        self.font = get_font(path)  # shared with matplotlib, which sizes it as it needs: set ours first
        self.glyphs: dict[str, _Glyph | None] = {}
        self.pairs: dict[str, int | None] = {}  # two characters -> what laying them out together adds

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
        width += sum(glyph.width for glyph in glyphs)  # type: ignore[union-attr]
        low = min(glyph.low for glyph in glyphs)  # type: ignore[union-attr]
        high = max(glyph.high for glyph in glyphs)  # type: ignore[union-attr]
        if low == high:
            return None  # spaces only: left to matplotlib
        return width, high - low, -low

    def _laid_out(self, text: str) -> int:
        self.font.set_size(_SIZE, _DPI)
        self.font.set_text(text, 0.0, flags=LoadFlags.NO_HINTING)
        return self.font.get_width_height()[0]  # type: ignore[no-any-return]

    def _glyph(self, char: str) -> _Glyph | None:
        glyph = None
        index = self.font.get_char_index(ord(char)) if _plain(char) else 0
        if index:  # else: missing from the font (matplotlib falls back to another), or not plain
            width = self._laid_out(char)
            loaded = self.font.load_char(ord(char), flags=LoadFlags.NO_HINTING)
            _, low, _, high = loaded.bbox
            glyph = _Glyph(index, width, low, high)
        self.glyphs[char] = glyph
        return glyph

    def _pair(self, pair: str) -> int | None:
        first, second = (self.glyphs[c] for c in pair)
        assert first is not None and second is not None
        width = self._laid_out(pair)
        own = _shaped is not None and [item.glyph_index for item in _shaped(pair, self.font)] == [first.index,
                                                                                                 second.index]
        found = width - first.width - second.width if own else None
        self.pairs[pair] = found
        return found


def _plain(char: str) -> bool:
    """A character laid out as itself: Latin letters, spaces, punctuation, currency and other
    symbols; no combining mark, control or format character, nor a script that is shaped. Nor a
    quotation mark that opens or closes ("“", "»": Pi, Pf): libraqm pairs them when it splits text
    into runs, and no pair is kerned across runs, so "0“r”" was laid out other than its pairs."""
    code = ord(char)
    category = unicodedata.category(char)
    return (code < 0x250 or 0x2000 <= code < 0x2700) and category[0] not in "MC" \
        and category not in ("Zl", "Zp", "Pi", "Pf")


_FONTS: dict[tuple[Any, int], GlyphMetrics] = {}  # by font file and thread (matplotlib's fonts are per thread)


def text_metrics(text: str, prop: Any) -> tuple[float, float, float] | None:
    """`TextToPath.get_text_width_height_descent(text, prop, ismath=False)` for plain text
    (width, height and descent in points), from the glyphs; None where matplotlib must measure."""
    key = (findfont(prop), threading.get_ident())
    metrics = _FONTS.get(key)
    if metrics is None:
        metrics = _FONTS[key] = GlyphMetrics(key[0])
    found = metrics.measure(text)
    if found is None:
        return None
    scale = prop.get_size_in_points() / _SIZE
    width, height, descent = found
    return width / 64.0 * scale, height / 64.0 * scale, descent / 64.0 * scale
