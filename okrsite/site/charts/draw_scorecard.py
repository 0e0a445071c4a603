"""Drawing a scorecard spec (okrsite.site.scorecard_pdf) as a one-page A4 landscape PDF.

The page is laid out in points on one Axes that covers the figure (y down from the top edge),
with fixed margins: a header (period, dates, the headline figure, the status counts and their
strip), the objectives on the left, the key results most behind, the projects late or over
budget and the portfolio lanes on the right. A list's title that is too long for its line goes on
to a second one where the page has room for every such second line (else each is cut to one
line, "…", by its width in the font), so the page never overflows; the spec has already cut each
list to what fits with each title on one line.

The page is written by okrsite.site.charts.pdf_page, without matplotlib's drawing: text is real
text (DejaVu Sans, as the charts are, embedded so it can be selected and searched), measured as it
is placed; a right-to-left title is shaped by matplotlib's text engine, as in the charts. The
bytes depend on the spec alone.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import replace

from okrsite.site.charts.pdf_page import PdfPage, font, needs_shaping, shaping
from okrsite.site.charts.scales import cut_at_word
from okrsite.site.scorecard_pdf import Block, Line, PdfSpec

WIDTH, HEIGHT = 841.89, 595.28  # A4 landscape, in points
MARGIN = 30.0
GUTTER = 28.0
LEFT_WIDTH = 452.0  # the objectives' column; the other lists take the rest
ROW = 22.0  # a line of a list: its title, and its note under it
TITLE_LINE = 10.5  # a long title's second line
LISTS_END = HEIGHT - MARGIN - 4  # the lists end above the footer
HEADING = 19.0
BLOCK_GAP = 12.0
BAR_WIDTH, BAR_HEIGHT = 92.0, 5.0
VALUE_WIDTH = 60.0  # the most a line's value at the right may take
PACE_WIDTH = 62.0  # the words under a value beside a bar ("12 pts behind"), at least ...
PACE_MOST = 90.0  # ... and at most, as the widest of a list's words needs ("nicht erledigt, 100 %")
COUNT_COLUMN = 80.0  # a column of status counts in the header, at least (wider for longer words)
NOTE_WIDTH = 120.0  # the room a note keeps from the words at its right (in lists without bars)
SIZES = {"eyebrow": 7.5, "title": 22.0, "subtitle": 9.0, "figure": 22.0, "label": 7.5, "heading": 10.0,
         "text": 8.5, "note": 7.0, "count": 8.5, "count_small": 7.5, "footer": 7.0}


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of a text in points, as the page places it."""
    return font(bold).width(text, size)


def settable(text: str) -> str:
    """The text as the page sets it: composed (NFC: "e" and a combining accent are "é"), without
    the characters that are never seen (a variation selector after an emoji, a soft hyphen, a
    zero-width space, a direction mark)."""
    return "".join(char for char in unicodedata.normalize("NFC", text) if not _invisible(char))


def _invisible(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char) == "Cf" or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def has_glyphs(text: str) -> bool:
    """Whether the page can set every character of the `settable` text: one the font has, and
    no control character. A letter of a right-to-left script or a combining mark is shaped
    (pdf_page.shaping); where it cannot be, it would come out in the wrong place, form or order.
    The text's id or "…" stands for text the page cannot set, as for a script the font lacks."""
    return all(_settable(char) for char in settable(text))


@functools.lru_cache(maxsize=4096)
def _settable(char: str) -> bool:
    if char.isspace():
        return True
    return font().has(char) and unicodedata.category(char)[0] != "C" and (not needs_shaping(char) or shaping())


def _most_characters(width: float, size: float) -> int:
    """More characters than this never fit the width, none being narrower than an eighth of its
    size (DejaVu's narrowest, "i" and ".", take a quarter and a third): a title of 200,000
    characters was laid out whole, again and again, for ten seconds a PDF."""
    return int(width / size * 8)


def _too_long(text: str, width: float, size: float) -> bool:
    return len(text) > _most_characters(width, size)


def fit(text: str, width: float, size: float, bold: bool = False, keep: int = 0) -> str:
    """The text, cut with "…" to fit the width (on one line), at the end of a word where it can; its
    last `keep` characters (a heading's count) are never cut."""
    text = " ".join(text.split())
    if not _too_long(text, width, size) and text_width(text, size, bold) <= width:
        return text
    head, tail = text[:len(text) - keep], text[len(text) - keep:]
    low, high = 0, min(len(head), _most_characters(width, size))
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if text_width(head[:middle].rstrip() + "…" + tail, size, bold) <= width:
            low = middle
        else:
            high = middle - 1
    return cut_at_word(head, low) + "…" + tail


class Page:
    """The page, with the palette; `text`, `box`, `line` draw in points from the top left. A page
    that does not draw only measures: where a layout would end."""

    def __init__(self, spec: PdfSpec, drawing: bool = True) -> None:
        self.colour = dict(spec.colours)
        self.page = PdfPage(WIDTH, HEIGHT) if drawing else None

    def text(self, x: float, y: float, text: str, size: str, colour: str = "text", bold: bool = False,
             ha: str = "left", width: float | None = None, keep: int = 0) -> float:
        """Text whose top is at y; cut to `width`. Returns its width. Characters the font lacks (of a
        site's or period's title, say) are left out rather than drawn as boxes."""
        text = "".join(char for char in settable(text) if _settable(char))
        if width is not None:
            text = fit(text, width, SIZES[size], bold, keep)
        measured = text_width(text, SIZES[size], bold)
        if text and self.page is not None:
            self.page.text(x - measured if ha == "right" else x, y, text, SIZES[size],
                           self.colour.get(colour, colour), bold)
        return measured

    def box(self, x: float, y: float, width: float, height: float, colour: str) -> None:
        if self.page is not None:
            self.page.box(x, y, width, height, self.colour.get(colour, colour))

    def line(self, xs: list[float], ys: list[float], colour: str, width: float) -> None:
        if self.page is not None:
            self.page.line(xs, ys, self.colour[colour], width)


def _count_size(counts: list[str], room: float) -> str:
    """The size of the header's status counts: a size smaller where their columns would not fit the
    room at the usual one (French writes "hors trajectoire : 1", and the last column was cut)."""
    columns = [counts[start:start + 3] for start in range(0, len(counts), 3)]
    if not columns:
        return "count"
    for size in ("count", "count_small"):
        widths = [max(text_width(words, SIZES[size]) for words in column) for column in columns]
        if sum(max(COUNT_COLUMN, 12 + width + 8) for width in widths[:-1]) + 12 + widths[-1] <= room:
            return size
    return "count_small"


def _header(page: Page, spec: PdfSpec) -> float:
    """Period, dates and headline figure, the status counts and their strip; returns the y below."""
    right = WIDTH - MARGIN
    page.text(MARGIN, MARGIN, spec.eyebrow.upper(), "eyebrow", "muted", bold=True, width=LEFT_WIDTH)
    page.text(MARGIN, MARGIN + 12, spec.title if has_glyphs(spec.title) else spec.title_fallback, "title", bold=True,
              width=LEFT_WIDTH)
    page.text(MARGIN, MARGIN + 42, spec.subtitle, "subtitle", "muted", width=LEFT_WIDTH + 40)
    counts_x = MARGIN + LEFT_WIDTH + GUTTER + 118
    figure_x = MARGIN + LEFT_WIDTH + GUTTER
    page.text(figure_x, MARGIN, spec.figure_label.upper(), "label", "muted", bold=True, width=counts_x - figure_x - 8)
    page.text(figure_x, MARGIN + 12, spec.figure, "figure", bold=True)
    for line, note in enumerate(spec.figure_notes):
        page.text(figure_x, MARGIN + 40 + line * 9, note, "note", "muted", width=counts_x - figure_x - 8)
    x = counts_x
    size = _count_size([words for *_, words in spec.counts], right - counts_x)
    for column in range(0, len(spec.counts), 3):  # three to a column, as wide as its words need
        widest = 0.0
        for row, (status, _count, icon, words) in enumerate(spec.counts[column:column + 3]):
            y = MARGIN + 2 + row * 13
            page.text(x, y, icon, size, status)
            widest = max(widest, page.text(x + 12, y, words, size, width=right - x - 12))
        x += max(COUNT_COLUMN, 12 + widest + 8)
    if spec.counts_note:
        page.text(counts_x, MARGIN + 2 + 3 * 13, spec.counts_note, "note", "muted", width=right - counts_x)
    top = MARGIN + 62
    total = sum(count for _status, count, _icon, _words in spec.counts)
    x = MARGIN
    for status, count, _icon, _words in spec.counts:
        if count:
            share = (right - MARGIN) * count / total
            page.box(x, top, share, 6, status)
            x += share
    if not total:
        page.box(MARGIN, top, right - MARGIN, 6, "track")
    return top + 18


def two_lines(text: str, width: float, size: float, bold: bool = False) -> tuple[str, ...]:
    """The text on one line when it fits the width, else on two: the words that fit, then the rest
    (cut with "…" when two lines are not enough, and one line when its first word alone is)."""
    text = " ".join(text.split())
    words = text.split(" ")
    if (not _too_long(text, width, size) and text_width(text, size, bold) <= width) \
            or _too_long(words[0], width, size) or text_width(words[0], size, bold) > width:
        return (fit(text, width, size, bold),)
    count = 1
    while text_width(" ".join(words[:count + 1]), size, bold) <= width:
        count += 1
    return " ".join(words[:count]), fit(" ".join(words[count:]), width, size, bold)


def _block(page: Page, block: Block, x: float, y: float, width: float, pace: float | None, wrap: bool) -> float:
    """A heading (and how many the list holds) and its lines; returns the y below it. `pace`: the
    width of the words beside the lines' bars, None for a list without bars; `wrap`: long titles
    take two lines."""
    aside = page.text(x + width, y + 2.5, block.aside, "note", "muted", ha="right", width=width / 2)
    count = f" ({block.count})" if block.count else ""
    page.text(x, y, block.heading + count, "heading", bold=True, width=width - (aside + 8 if aside else 0),
              keep=len(count))
    y += HEADING
    page.line([x, x + width], [y - 5, y - 5], "grid", 0.6)
    if not block.lines:
        page.text(x, y, block.empty, "text", "muted", width=width)
        y += ROW
    for line in block.lines:
        y += ROW + _line(page, line, x, y, width, pace, wrap)
    if block.more:
        page.text(x, y, block.more, "note", "muted", width=width)
        y += ROW - 6
    return y + BLOCK_GAP


def _line(page: Page, line: Line, x: float, y: float, width: float, pace: float | None, wrap: bool) -> float:
    """Icon and title (on two lines when `wrap` and it is long), the value at the right; under them
    the note, and at the right the bar (when the list has bars) and the value's words. Returns the
    height a second line of the title took."""
    right, bars = x + width, pace is not None
    title = line.title if has_glyphs(line.title) else line.fallback
    page.text(x, y, line.icon, "text", line.colour)
    value = page.text(right, y, line.value, "text", bold=True, ha="right", width=VALUE_WIDTH)
    room = width - 12 - (value + 8 if value else 0)
    parts = two_lines(title, room, SIZES["text"], bold=True) if wrap else (title,)
    for index, part in enumerate(parts):
        page.text(x + 12, y + index * TITLE_LINE, part, "text", bold=True, width=room)
    extra = (len(parts) - 1) * TITLE_LINE
    below = y + 10.5 + extra
    words = page.text(right, below, _drawable(line.value_note), "note", "muted", ha="right",
                      width=pace if bars else width - 12 - NOTE_WIDTH)
    words = pace if bars else words  # the bars of a list line up
    bar_room = BAR_WIDTH + 8 if bars else 0
    if bars and line.bar is not None:
        bar_x = right - words - 8 - BAR_WIDTH
        page.box(bar_x, below + 2, BAR_WIDTH, BAR_HEIGHT, "track")
        page.box(bar_x, below + 2, BAR_WIDTH * min(1.0, max(0.0, line.bar or 0.0)), BAR_HEIGHT, line.colour)
        if line.mark is not None:
            mark = bar_x + BAR_WIDTH * min(1.0, max(0.0, line.mark))
            page.line([mark, mark], [below, below + 4 + BAR_HEIGHT], "marker", 1.2)
    if line.note:
        page.text(x + 12, below, _drawable(line.note), "note", "muted", width=width - 12 - (words + 8 if words else 0) - bar_room)
    return extra


def _lists(page: Page, spec: PdfSpec, top: float, wrap: bool) -> float:
    """The two columns of lists from `top` down; returns where the longer ends."""
    left, right = spec.columns
    y = top
    pace = _pace_width(left)
    for block in left:
        y = _block(page, block, MARGIN, y, LEFT_WIDTH, pace, wrap)
    x = MARGIN + LEFT_WIDTH + GUTTER
    bottom, y = y, top
    for block in right:
        y = _block(page, block, x, y, WIDTH - MARGIN - x, None, wrap)
    return max(bottom, y)


_LACKING = re.compile("\0+(?:\\s+\0+)*")  # characters the font lacks (marked \0), and spaces between them


def _drawable(text: str) -> str:
    """A note from content with each run of characters the font lacks (a name in another script,
    spaces within it) shown as "…": no empty boxes, and the rest of the line (a priority, the other
    owners, "and 4 more") still printed."""
    text = settable(text)
    if all(map(_settable, text)):
        return text
    return _LACKING.sub("…", "".join(char if _settable(char) else "\0" for char in text))


def _pace_width(blocks: tuple[Block, ...]) -> float:
    """The width of the words beside the bars of the lists with bars: the widest of them, within
    bounds, so the bars of every list line up and a language's longer words are not cut."""
    widest = max((text_width(_drawable(line.value_note), SIZES["note"]) for block in blocks for line in block.lines),
                 default=0.0)
    return min(PACE_MOST, max(PACE_WIDTH, widest))


def _fewer(spec: PdfSpec, by: int) -> PdfSpec:
    """The spec with `by` lines fewer in each list that may leave some out (as many as it may)."""
    def cut(block: Block) -> Block:
        fewer = min(by, len(block.cuts))
        return replace(block, lines=block.lines[:len(block.lines) - fewer], more=block.cuts[fewer - 1]) if fewer else block
    return replace(spec, columns=tuple(tuple(cut(block) for block in column) for column in spec.columns))


def _layout(spec: PdfSpec, top: float) -> tuple[PdfSpec, bool]:
    """The lists to draw and whether long titles take two lines, the first that fits, measured:
    every line with whole titles, then fewer lines (where a list may leave some out), then every
    line with titles cut to one line (the spec lists no more than fit so)."""
    most = max((len(block.cuts) for column in spec.columns for block in column), default=0)
    choices = [(_fewer(spec, by), True) for by in range(most + 1)] + [(spec, False)]
    for lists, wrap in choices:
        if _lists(Page(spec, drawing=False), lists, top, wrap) <= LISTS_END:
            return lists, wrap
    return choices[-1]


def draw(spec: PdfSpec) -> bytes:
    """The PDF's bytes: the same spec gives the same bytes."""
    page = Page(spec)
    top = _header(page, spec)
    lists, wrap = _layout(spec, top)
    _lists(page, lists, top, wrap)
    page.text(MARGIN, HEIGHT - MARGIN + 8, spec.footer, "footer", "muted", width=WIDTH - 2 * MARGIN)
    assert page.page is not None
    return page.page.pdf(spec.document_title, spec.language)
