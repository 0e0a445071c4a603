"""A one-page PDF written directly: text, filled boxes and lines, in points from the top left.

The scorecard PDF (okrsite.site.charts.draw_scorecard) is a page of text and boxes. Drawn by
matplotlib, each one cost its import (0.5 s) and a text layout per string (a quarter of a second a
page): the edit loop waited for both. Written here, it needs fontTools alone.

Text stays real text: DejaVu Sans and its bold (matplotlib's bundled copies, the charts' font)
are embedded as TrueType subsets of the glyphs used (CIDFontType2, Identity-H: a code is a glyph of
the subset), with a ToUnicode map, so the text can be selected, searched and read by pdftotext.
Glyphs are placed by the font's advance widths and its kerning pairs, as `Font.width` measures
them: a text cut to fit its column fits it when printed. Text that must be shaped (a script written
right to left, whose letters also join in Arabic; a combining mark with no composed form) is laid
out by libraqm, matplotlib's text engine, as the charts' text is: glyphs in the order and form
they are seen, each at its place. No layout tables in the file (the page places every glyph
itself), no dates: the same page gives the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import itertools
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BASELINE = 1556 / 2048  # a text's top is this many ems above its baseline: the height of "l", as matplotlib's "top"
COMPRESSION = 6


def _font_folder() -> Path:
    """matplotlib's bundled fonts, found without importing it (the charts draw with the same files)."""
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data/fonts/ttf"


def needs_shaping(char: str) -> bool:
    """A character that is not set as itself, left to right: a letter of a right-to-left script
    (or an Arabic digit) or a combining mark."""
    return unicodedata.bidirectional(char) in ("R", "AL", "AN") or unicodedata.category(char)[0] == "M"


@functools.cache
def shaping() -> bool:
    """Whether text that needs shaping can be shaped here: matplotlib's FreeType and libraqm
    (its private layout call; matplotlib is imported the first time a page asks)."""
    try:
        from matplotlib.ft2font import FT2Font
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        return False
    return hasattr(FT2Font, "_layout")


@dataclass(frozen=True)
class Setting:
    """One line of text as the page sets it: its glyphs from left to right, where each stands and
    what each reads as (for copying and search)."""

    glyphs: tuple[str, ...]
    places: tuple[tuple[float, float], ...]  # each glyph's origin from the text's, in font units (x, y up)
    reads: tuple[str, ...]  # the characters each glyph shows ("": none of its own)
    width: float  # in font units


class Font:
    """One TrueType file's characters, advance widths and kerning pairs, read once a process."""

    def __init__(self, path: Path) -> None:
        from fontTools.ttLib import TTFont

        self.path = path
        with TTFont(path, lazy=True) as font:
            self.units = font["head"].unitsPerEm
            self.glyph_of: dict[int, str] = font.getBestCmap()
            self.order: list[str] = font.getGlyphOrder()
            self.advance = {name: width for name, (width, _lsb) in font["hmtx"].metrics.items()}
            kerning = font["kern"].kernTables[0].kernTable if "kern" in font else {}
            self.kerning: dict[tuple[str, str], int] = dict(kerning)
            head, os2 = font["head"], font["OS/2"]
            self.box = (head.xMin, head.yMin, head.xMax, head.yMax)
            self.ascent, self.descent = os2.sTypoAscender, os2.sTypoDescender
            self.cap_height = getattr(os2, "sCapHeight", 0) or font["glyf"]["H"].yMax  # none in OS/2 before version 2
            self.name = font["name"].getDebugName(6) or path.stem

    def has(self, char: str) -> bool:
        return ord(char) in self.glyph_of

    def glyphs(self, text: str) -> list[str]:
        """The glyph of each character (a space for a space the font lacks, .notdef for another)."""
        return [self.glyph_of.get(ord(char)) or (self.glyph_of[32] if char.isspace() else ".notdef") for char in text]

    def width(self, text: str, size: float) -> float:
        """The width of one line of text in points, as `PdfPage.text` places it."""
        return self.setting(text).width * size / self.units

    @functools.lru_cache(maxsize=10_000)
    def setting(self, text: str) -> Setting:
        """The glyphs of a line of text and their places: each character's glyph after the last
        one's advance and their kerning, or as shaping lays out a text that needs it."""
        if any(map(needs_shaping, text)) and shaping() and (shaped := self._shaped(text)) is not None:
            return shaped
        glyphs = self.glyphs(text)
        places, x = [], 0
        for glyph, after in zip(glyphs, [*glyphs[1:], None]):
            places.append((x, 0))
            x += self.advance[glyph] + (self.kerning.get((glyph, after), 0) if after else 0)
        reads = tuple(char if self.has(char) else " " for char in text)
        return Setting(tuple(glyphs), tuple(places), reads, x)

    def _shaped(self, text: str) -> Setting | None:
        """The text as libraqm lays it out with this font (bidirectional order, joined forms, marks
        on their letters); None where it needs a glyph the font lacks."""
        from matplotlib.ft2font import LoadFlags

        face = self._face()
        face.set_size(self.units, 72)  # a pixel is a font unit
        items = list(face._layout(text, LoadFlags.NO_HINTING))
        if not items or not all(item.glyph_index and item.ft_object is face for item in items):
            return None
        glyphs = tuple(self.order[item.glyph_index] for item in items)
        places = tuple((item.x, item.y) for item in items)
        width = max(x + self.advance[glyph] for (x, _), glyph in zip(places, glyphs))
        return Setting(glyphs, places, _reads(items, glyphs, self.glyph_of), width)

    @functools.cache
    def _face(self) -> Any:
        """This file opened by FreeType, apart from matplotlib's own copy (which it sizes as it needs)."""
        from matplotlib.ft2font import FT2Font

        return FT2Font(str(self.path))


def _reads(items: list[Any], glyphs: tuple[str, ...], glyph_of: dict[int, str]) -> tuple[str, ...]:
    """What each shaped glyph reads as: the character of its cluster that the font maps to it, else
    those of its cluster that no other glyph of it shows (an Arabic letter's joined form, a ligature)."""
    reads: list[str] = []
    remaining = iter(glyphs)
    for cluster, members in itertools.groupby(items, key=lambda item: item.char):  # a cluster's glyphs are adjacent
        shown = [next(remaining) for _ in members]
        for glyph in shown:
            own = next((char for char in cluster if glyph_of.get(ord(char)) == glyph), None)
            reads.append(own if own is not None else
                         "".join(char for char in cluster if glyph_of.get(ord(char)) not in shown))
    return tuple(reads)


@functools.cache
def font(bold: bool = False) -> Font:
    """DejaVu Sans, or its bold."""
    return Font(_font_folder() / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"))


def ready() -> None:
    """Read both fonts and import what subsets them (0.1 s), before the first page asks."""
    from fontTools import subset  # noqa: F401

    font(), font(bold=True)


@dataclass
class _Used:
    """The glyphs of one font a page uses, and a character for each (its ToUnicode entry)."""

    font: Font
    glyphs: set[str] = field(default_factory=set)
    chars: dict[str, str] = field(default_factory=dict)  # glyph -> the first characters it showed


class PdfPage:
    """A page `width` × `height` points; `text`, `box` and `line` draw on it in order, `pdf()` writes it."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self._operators: list[str] = []
        self._fonts: dict[bool, _Used] = {}
        self._runs: list[tuple[int, bool, float, Setting]] = []  # operator index, bold, size: coded once subset

    def text(self, x: float, top: float, text: str, size: float, colour: str, bold: bool = False) -> None:
        """One line of text, its left edge at x and its top at `top`."""
        rgb = _colour(colour)
        if not rgb:
            return
        used = self._fonts.setdefault(bold, _Used(font(bold)))
        setting = used.font.setting(text)
        used.glyphs.update(setting.glyphs)
        for glyph, read in zip(setting.glyphs, setting.reads):
            if glyph != ".notdef" and read:  # a space the font lacks is set, and copied, as a space
                used.chars.setdefault(glyph, read)
        baseline = self.height - top - BASELINE * size
        self._operators.append(f"BT /F{int(bold) + 1} {_number(size)} Tf {rgb} rg "
                               f"{_number(x)} {_number(baseline)} Td")
        self._runs.append((len(self._operators), bold, size, setting))
        self._operators.append("")  # the glyphs' TJ, once the subset has numbered them
        self._operators.append("ET")

    def box(self, x: float, top: float, width: float, height: float, colour: str) -> None:
        rgb = _colour(colour)
        if not rgb:
            return
        self._operators.append(f"{rgb} rg {_number(x)} {_number(self.height - top - height)} "
                               f"{_number(width)} {_number(height)} re f")

    def line(self, xs: list[float], ys: list[float], colour: str, width: float) -> None:
        rgb = _colour(colour)
        if not rgb:
            return
        points = [f"{_number(x)} {_number(self.height - y)}" for x, y in zip(xs, ys)]
        self._operators.append(f"{rgb} RG {_number(width)} w 2 J {points[0]} m "
                               + " ".join(f"{point} l" for point in points[1:]) + " S")

    def pdf(self, title: str, language: str) -> bytes:
        """The page as a PDF document titled `title`, in `language` (a BCP 47 tag), which viewers
        show and screen readers speak in (its metadata: no dates, so the bytes repeat)."""
        writer = _Writer()
        catalog, pages, page, contents, info = (writer.reserve() for _ in range(5))
        fonts = {bold: _embed(writer, used) for bold, used in sorted(self._fonts.items())}
        for index, bold, size, setting in self._runs:
            self._operators[index] = _show(fonts[bold][1], self._fonts[bold].font, setting, size)
        background = f"1 1 1 rg 0 0 {_number(self.width)} {_number(self.height)} re f"
        writer.stream(contents, "\n".join([background, *self._operators]).encode())
        resources = " ".join(f"/F{int(bold) + 1} {number} 0 R" for bold, (number, _gids) in fonts.items())
        writer.object(page, f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {_number(self.width)} "
                            f"{_number(self.height)}] /Resources << /Font << {resources} >> >> "
                            f"/Contents {contents} 0 R >>")
        writer.object(pages, f"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>")
        writer.object(catalog, f"<< /Type /Catalog /Pages {pages} 0 R /Lang {_text_string(language)} "
                               f"/ViewerPreferences << /DisplayDocTitle true >> >>")
        writer.object(info, f"<< /Title {_text_string(title)} /Creator (okrsite) >>")
        return writer.document(catalog, info)


def _show(gids: dict[str, int], font: Font, setting: Setting, size: float) -> str:
    """The operators that show a setting's glyphs in their subset's codes: TJ, each glyph moved
    from the last one's advance to its place (kerning, shaping), and a mark raised or lowered onto
    its letter (Ts) on its own."""
    operators: list[str] = []
    start = setting.places[0][0] if setting.glyphs else 0  # a mark ahead of its letter stands past the origin
    parts: list[str] = [_number(-start * 1000 / font.units)] if start else []
    rise = 0.0
    for index, glyph in enumerate(setting.glyphs):
        x, y = setting.places[index]
        if y != rise:
            if parts:
                operators.append(f"[{' '.join(parts)}] TJ")
                parts = []
            operators.append(f"{_number(y * size / font.units)} Ts")
            rise = y
        parts.append(f"<{gids[glyph]:04X}>")
        if index + 1 < len(setting.glyphs) and (moved := setting.places[index + 1][0] - x - font.advance[glyph]):
            parts.append(_number(-moved * 1000 / font.units))
    operators.append(f"[{' '.join(parts)}] TJ")
    if rise:
        operators.append("0 Ts")
    return " ".join(operators)


def _embed(writer: _Writer, used: _Used) -> tuple[int, dict[str, int]]:
    """The font's subset of the glyphs used, as a Type0 font; its object number, and each glyph's code."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source = used.font
    with TTFont(source.path, lazy=True, recalcTimestamp=False) as data:  # else `head` holds the time of the save
        options = subset.Options(hinting=False, notdef_outline=True, name_IDs=[1, 2, 4, 6], layout_features=[])
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "MATH", "FFTM"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(glyphs=sorted(used.glyphs))
        subsetter.subset(data)
        order = data.getGlyphOrder()
        buffer = io.BytesIO()
        data.save(buffer)
    gids = {name: number for number, name in enumerate(order)}
    file = buffer.getvalue()
    tag = "".join(chr(65 + byte % 26) for byte in hashlib.sha256(file).digest()[:6])
    name = f"/{tag}+{source.name}"
    scale = 1000 / source.units
    type0, cid_font, descriptor, font_file, to_unicode = (writer.reserve() for _ in range(5))
    writer.stream(font_file, file, f"/Length1 {len(file)}")
    x_min, y_min, x_max, y_max = (round(value * scale) for value in source.box)
    writer.object(descriptor, f"<< /Type /FontDescriptor /FontName {name} /Flags 32 "
                              f"/FontBBox [{x_min} {y_min} {x_max} {y_max}] /ItalicAngle 0 "
                              f"/Ascent {round(source.ascent * scale)} /Descent {round(source.descent * scale)} "
                              f"/CapHeight {round(source.cap_height * scale)} /StemV 80 /FontFile2 {font_file} 0 R >>")
    widths = " ".join(_number(source.advance[glyph] * scale) for glyph in order)
    writer.object(cid_font, f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont {name} "
                            f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                            f"/FontDescriptor {descriptor} 0 R /W [0 [{widths}]] /CIDToGIDMap /Identity >>")
    writer.stream(to_unicode, _to_unicode({gids[glyph]: char for glyph, char in used.chars.items()}))
    writer.object(type0, f"<< /Type /Font /Subtype /Type0 /BaseFont {name} /Encoding /Identity-H "
                         f"/DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>")
    return type0, gids


def _to_unicode(chars: dict[int, str]) -> bytes:
    """The CMap that reads each code back as its character (for search, copy and pdftotext)."""
    entries = sorted(chars.items())
    blocks = []
    for start in range(0, len(entries), 100):  # at most 100 entries a bfchar block
        chunk = entries[start:start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(
            f"<{code:04X}> <{char.encode('utf-16-be').hex().upper()}>" for code, char in chunk) + "\nendbfchar")
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + "\n".join(blocks) +
            "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend").encode()


class _Writer:
    """PDF objects numbered as reserved, written in that order, with their cross-reference table."""

    def __init__(self) -> None:
        self._objects: dict[int, bytes] = {}

    def reserve(self) -> int:
        number = len(self._objects) + 1
        self._objects[number] = b""
        return number

    def object(self, number: int, body: str) -> None:
        self._objects[number] = body.encode("latin-1")

    def stream(self, number: int, data: bytes, extra: str = "") -> None:
        packed = zlib.compress(data, COMPRESSION)
        self._objects[number] = (f"<< /Length {len(packed)} /Filter /FlateDecode {extra}".rstrip().encode()
                                 + b" >>\nstream\n" + packed + b"\nendstream")

    def document(self, root: int, info: int) -> bytes:
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in sorted(self._objects.items()):
            offsets.append(len(out))
            out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
        table = len(out)
        out += f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode()
        out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
        out += (f"trailer\n<< /Size {len(offsets) + 1} /Root {root} 0 R /Info {info} 0 R >>\n"
                f"startxref\n{table}\n%%EOF\n").encode()
        return bytes(out)


def _number(value: float) -> str:
    """A PDF number: at most three decimals, no trailing zeros ("12", "7.5", "-0.3")."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@functools.lru_cache(maxsize=64)
def _colour(value: str) -> str:
    """A theme's colour ("#rrggbb", "#rgb", or a CSS name: matplotlib knows those) as the three
    numbers of PDF's rg and RG operators; "" for one never seen ("none", "transparent")."""
    if value.lower() in ("none", "transparent"):
        return ""
    code = value.lstrip("#")
    if not value.startswith("#"):
        from matplotlib.colors import to_hex

        code = to_hex(value).lstrip("#")
    elif len(code) == 3:
        code = "".join(digit * 2 for digit in code)
    return " ".join(_number(int(code[index:index + 2], 16) / 255) for index in (0, 2, 4))


def _text_string(text: str) -> str:
    """A PDF text string in UTF-16 (any language's title)."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"
