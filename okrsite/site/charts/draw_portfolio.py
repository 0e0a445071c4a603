"""Drawing the portfolio's chart kinds: bubbles (SPI against CPI) and burn (values against a plan).

Figure templates as in okrsite.site.charts.draw (whose conventions hold: one figure per kind
reused, fixed margins, artists in pools with z-orders of their own, no mathtext on content);
labels are measured as the SVG sets them (draw.measuring) and placed by okrsite.site.charts.labels
so that none covers another or a bubble.
"""

from __future__ import annotations

import math
from typing import Any

from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from okrsite.site.charts.draw import PT, Dated, _Template, chart_text, measuring, shown, text_size
from okrsite.site.charts.files import HALO
from okrsite.site.charts.layout import LEGEND_LINE, Layout, legend_columns, legend_height
from okrsite.site.charts.labels import Box, place_labels, slide, spread
from okrsite.site.charts.portfolio import BubblesData, BurnData
from okrsite.site.charts.specs import ChartSpec, TrendData

KEY = 18  # px from a legend marker's left edge to its word: 4 px clear of a 9 pt marker (2 px read as touching)
ROW = 18  # px of a second line of the legend or of an axis title

BUBBLE_Z, SERIES_Z = 2.2, 2.3  # pools of lines, each with a z-order of its own (see _Template.texts)
NOTE_Z = 2.1  # the corner captions: under the bubbles, when one cannot get out of their way
FILL_ALPHA = 0.35


def _pool(template: _Template, ax: Any, items: list[Line2D], count: int, zorder: float) -> list[Line2D]:
    """`count` lines of a pool (made once, reused; the rest hidden), like _Template.texts."""
    while len(items) < count:
        items.append(template.line(ax, zorder=zorder))
    for index, item in enumerate(items):
        item.set_visible(index < count)
    return items[:count]


def _box(text: Text, template: _Template) -> Box:
    extent = text.get_window_extent(measuring())
    return extent.x0, extent.y0, extent.x1, extent.y1


def _limits(values: list[float], data: BubblesData, length: float) -> tuple[float, float]:
    """An axis's range: 0 to `data.high`, widened at either end just enough that every bubble
    (an index of 0, a project that spent and did nothing yet, or one drawn at the edge) lies whole
    inside the plot, `length` CSS px long, where its label can go too."""
    scale, clear = data.high / length, 2.0  # index per px; px between a bubble and the frame
    below = max((b.radius + clear - value / scale for value, b in zip(values, data.bubbles)), default=0.0)
    above = max((b.radius + clear - (data.high - value) / scale for value, b in zip(values, data.bubbles)), default=0.0)
    below, above = max(below, 0.0), max(above, 0.0)
    span = data.high * length / (length - below - above)  # the whole axis, so that 0 to high keeps what is left
    return -below * span / length, data.high + above * span / length


class Bubbles(_Template):
    """Projects as bubbles on SPI (x) and CPI (y), the review band, the 1.0 lines and a legend of lanes."""

    LEFT, RIGHT, TOP, BOTTOM = 62, 16, 34, 48

    def __init__(self, layout: Layout) -> None:
        super().__init__(layout, 640, 400)
        self.ax = ax = self.fig.add_axes((0.1, 0.1, 0.8, 0.8))
        ax.set_axis_off()
        self.band = (Rectangle((0, 0), 1, 1, linewidth=0, zorder=1), Rectangle((0, 0), 1, 1, linewidth=0, zorder=1))
        for patch in self.band:
            ax.add_patch(patch)
        self.grid = self.line(ax, linewidth=0.8)
        self.ones = self.line(ax, linewidth=1.2)
        self.review = self.line(ax, linewidth=1.0, linestyle=(0, (3, 2)))
        self.bubbles: list[Line2D] = []
        self.keys: list[Line2D] = []
        self.x_label = chart_text(ax, 0.5, 0, fontsize=self.small, ha="center",
                               va="top", transform=ax.transAxes)
        self.y_label = chart_text(ax, 0, 0.5, fontsize=self.small, ha="right",
                               va="center", rotation=90, transform=ax.transAxes)
        self.notes = (chart_text(ax, 1, 1, fontsize=self.small, ha="right", va="top",
                                 transform=ax.transAxes, zorder=NOTE_Z, gid=HALO + "note-0"),
                      chart_text(ax, 0, 0, fontsize=self.small, ha="left", va="bottom",
                                 transform=ax.transAxes, zorder=NOTE_Z, gid=HALO + "note-1"))

    def paint(self, spec: ChartSpec, colour: dict[str, str]) -> None:
        data = spec.data
        assert isinstance(data, BubblesData)
        self.resize(spec.width, spec.height)
        width, height = spec.width, spec.height
        # A legend or an axis title wider than the chart (German, Spanish, Norwegian on a phone) goes on
        # over a second line, and the plot gives up the room for it.
        rows = self._legend_rows(data, width - 12 if self.narrow else width - self.LEFT - self.RIGHT)
        x_title = self._wrapped(data.x_label, width - self.LEFT - self.RIGHT)
        top, bottom = self.TOP + ROW * (len(rows) - 1), self.BOTTOM + ROW * x_title.count("\n")
        y_title = self._wrapped(data.y_label, height - top - bottom)
        before = self.LEFT + ROW * y_title.count("\n")  # the room left of the plot
        w, h = width - before - self.RIGHT, height - top - bottom
        ax = self.ax
        ax.set_position((before / width, bottom / height, w / width, h / height))
        cut = data.review_below
        (x0, x1), (y0, y1) = _limits([b.x for b in data.bubbles], data, w), _limits([b.y for b in data.bubbles], data, h)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        left, below = self.band
        left.set_bounds(x0, y0, cut - x0, y1 - y0)
        below.set_bounds(cut, y0, x1 - cut, cut - y0)
        for patch in self.band:
            patch.set_facecolor(colour["track"])
        self._grid(data, colour, w, h)
        self.x_label.set_position((0.5, -24 / h))
        self.y_label.set_position((-(36 + ROW * y_title.count("\n") / 2) / w, 0.5))
        for text, label in ((self.x_label, x_title), (self.y_label, y_title)):
            text.set_text(label)
            text.set_color(colour["text"])
        self.notes[0].set_position((1 - 4 / w, 1 - 4 / h))
        self.notes[1].set_position((4 / w, 4 / h))
        for text, note in zip(self.notes, data.notes):
            text.set_text(note)
            text.set_color(colour["muted"])
        self._legend(data, rows, colour, w, h, before)
        self._bubbles(data, colour)

    def _width(self, text: str) -> float:
        """A small text's width in CSS pixels."""
        return text_size(self, text, self.small)[0] * 96 / self.fig.dpi

    def _wrapped(self, title: str, room: float) -> str:
        """An axis title on one line, or on two, broken at the space nearest its middle, when wider than `room`."""
        if self._width(title) <= room or " " not in title:
            return title
        middle = len(title) / 2
        cut = min((i for i, char in enumerate(title) if char == " "), key=lambda i: abs(i - middle))
        return title[:cut] + "\n" + title[cut + 1:]

    def _legend_rows(self, data: BubblesData, room: float) -> list[list[int]]:
        """The legend's entries (by index) in rows that fit `room` pixels: one row where they fit."""
        gap = 10 if self.narrow else 22
        rows: list[list[int]] = [[]]
        used = 0.0
        for index, (_, _, label) in enumerate(data.legend):
            size = KEY + self._width(label)
            if rows[-1] and used + gap + size > room:
                rows.append([])
                used = 0.0
            used += (gap if rows[-1] else 0) + size
            rows[-1].append(index)
        return rows

    def _grid(self, data: BubblesData, colour: dict[str, str], w: float, h: float) -> None:
        ax, cut = self.ax, data.review_below
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        nan = float("nan")
        xs: list[float] = []
        ys: list[float] = []
        for value, _ in data.ticks:
            xs += [x0, x1, nan, value, value, nan]
            ys += [value, value, nan, y0, y1, nan]
        self.grid.set_data(xs, ys)
        self.grid.set_color(colour["grid"])
        self.ones.set_data([x0, x1, nan, 1, 1], [1, 1, nan, y0, y1])
        self.ones.set_color(colour["muted"])
        self.review.set_data([x0, x1, nan, cut, cut], [cut, cut, nan, y0, y1])
        self.review.set_color(colour["review"])
        ticks = len(data.ticks)
        for text, (value, label) in zip(self.texts(ax, "y", ticks, fontsize=self.small, ha="right", va="center",
                                                   transform=ax.get_yaxis_transform()), data.ticks):
            text.set_position((-6 / w, value))
            text.set_text(label)
            text.set_color(colour["muted"])
        for text, (value, label) in zip(self.texts(ax, "x", ticks, fontsize=self.small, ha="center", va="top",
                                                   transform=ax.get_xaxis_transform()), data.ticks):
            text.set_position((value, -6 / h))
            text.set_text(label)
            text.set_color(colour["muted"])

    def _legend(self, data: BubblesData, rows: list[list[int]], colour: dict[str, str], w: float, h: float,
                before: float) -> None:
        """The lanes in a row above the plot (or rows: `_legend_rows`): marker, then word (colour is
        never the only signal)."""
        ax = self.ax
        keys = _pool(self, ax, self.keys, len(data.legend), BUBBLE_Z)
        words = self.texts(ax, "legend", len(data.legend), fontsize=self.small, ha="left", va="center",
                           transform=ax.transAxes)
        start, gap = (-(before - 6) / w, 10) if self.narrow else (0.0, 22)  # narrow: from the edge, closer
        for row, indices in enumerate(rows):
            x, y = start, 1 + (18 + ROW * (len(rows) - 1 - row)) / h
            for index in indices:
                key, word, (lane, marker, label) = keys[index], words[index], data.legend[index]
                key.set_transform(ax.transAxes)
                key.set_data([x + 6 / w], [y])
                key.set_linestyle("none")
                key.set_marker(marker)
                key.set_markersize(9)
                key.set_markerfacecolor(colour[lane])
                key.set_markeredgecolor(colour[lane])
                word.set_position((x + KEY / w, y))
                word.set_text(label)
                word.set_color(colour["text"])
                x += (KEY + self._width(label) + gap) / w

    def _bubbles(self, data: BubblesData, colour: dict[str, str]) -> None:
        ax = self.ax
        scale = self.fig.dpi / 96  # CSS px to display px
        lines = _pool(self, ax, self.bubbles, len(data.bubbles), BUBBLE_Z)
        for line, bubble in zip(lines, data.bubbles):
            line.set_transform(ax.transData)
            line.set_data([bubble.x], [bubble.y])
            line.set_linestyle("none")
            line.set_marker(bubble.marker)
            line.set_markersize(2 * bubble.radius * PT)
            line.set_markeredgewidth(1.2)
            line.set_markerfacecolor((colour[bubble.lane], FILL_ALPHA))
            line.set_markeredgecolor(colour[bubble.lane])
        labelled = [b for b in data.bubbles if b.label is not None]
        texts = self.texts(ax, "point-label", len(labelled), fontsize=self.small, transform=ax.transData)
        centres = [(*ax.transData.transform((b.x, b.y)), b.radius * scale) for b in data.bubbles]
        frame = ax.bbox
        boxes = [(x - r, y - r, x + r, y + r) for x, y, r in centres]
        self._clear_notes(boxes, (frame.x0, frame.y0, frame.x1, frame.y1))
        # the labelled bubbles are the first (largest); every other bubble is in the way too, but for
        # those at a labelled one's point (its label names them: portfolio._labels)
        named = {(b.x, b.y) for b in data.bubbles if b.label is not None}
        obstacles = [_box(note, self) for note in self.notes]
        obstacles += [box for box, b in zip(boxes, data.bubbles) if b.label is None and (b.x, b.y) not in named]
        places = place_labels([c for c, b in zip(centres, data.bubbles) if b.label is not None],
                              [text_size(self, shown(b.label), self.small) for b in labelled if b.label is not None],
                              (frame.x0, frame.y0, frame.x1, frame.y1), obstacles)
        inverse = ax.transData.inverted()
        for index, (text, bubble, place) in enumerate(zip(texts, labelled, places)):
            text.set_visible(place is not None)
            if place is None or bubble.label is None:
                continue
            text.set_gid(f"{HALO}point-{index}")  # on a halo, as the notes: the 1.0 and review lines ran through them
            x, y, ha, va = place
            text.set_position(tuple(inverse.transform((x, y))))
            text.set_horizontalalignment(ha)
            text.set_verticalalignment(va)
            text.set_text(shown(bubble.label))
            text.set_color(colour["text"])

    def _clear_notes(self, bubbles: list[Box], frame: Box) -> None:
        """Each corner caption moved along the plot's edges, as little as it takes to uncover the
        bubbles in its corner (a project at SPI 0 and CPI 0 sits in the bottom-left one), but not
        past the 1.0 lines: it names its quarter. Where there is no such place it stays, under the
        bubbles (their fill lets it show through)."""
        ones = self.ax.transData.transform((1, 1))
        gap = 4 * self.fig.dpi / 96
        width, height = frame[2] - frame[0], frame[3] - frame[1]
        for note, corner in zip(self.notes, ("top right", "bottom left")):
            box = _box(note, self)
            size = box[2] - box[0]
            if corner == "top right":  # its right end stays right of SPI 1, all of it above CPI 1
                region = (max(frame[0], ones[0] + gap - size), ones[1] + gap, frame[2], frame[3])
                dx, dy = slide(box, region, bubbles, ((-1, 0), (0, -1)))
            else:
                region = (frame[0], frame[1], min(frame[2], ones[0] - gap + size), ones[1] - gap)
                dx, dy = slide(box, region, bubbles, ((1, 0), (0, 1)))
            x, y = note.get_position()
            note.set_position((x + dx / width, y + dy / height))


class Burn(Dated):
    """Work done, budget spent and hours used over time, as shares of their plan, against the plan line.

    Each series is named at the right of the plot, level with its last value; on a phone, under
    the dates in two columns, so the plot keeps the chart's width.
    """

    LEFT, RIGHT, TOP, BOTTOM = 52, 150, 16, 28

    def __init__(self, layout: Layout) -> None:
        super().__init__(layout)
        self.as_of_line()
        self.plan = self.line(self.ax, linewidth=1.6, linestyle=(0, (5, 3)))
        self.series: list[Line2D] = []
        self.as_of_text()

    def paint(self, spec: ChartSpec, colour: dict[str, str]) -> None:
        data = spec.data
        assert isinstance(data, BurnData)
        self.frame(spec, data, colour)
        ax = self.ax
        self.plan.set_data([p[0] for p in data.plan], [p[1] for p in data.plan])
        self.plan.set_color(colour["muted"])
        lines = _pool(self, ax, self.series, len(data.series), SERIES_Z)
        for index, (line, series) in enumerate(zip(lines, data.series)):
            line.set_data([p[0] for p in series.points], [p[1] for p in series.points])
            line.set_color(colour[series.role])
            # each drawn over the one before, a little thinner: equal series (budget and hours
            # both at 52%) show both colours, where the last one hid the other
            line.set_linewidth(3.0 - 0.6 * index)
            line.set_marker(series.marker)
            line.set_markevery(slice(series.first_marked, None))
            line.set_markersize(8 - 1.2 * index)
            line.set_markerfacecolor(colour[series.role])
            line.set_markeredgecolor(colour["surface"])
        self._labels(data, colour)
        # the series end at the report date: its label goes where they leave more room, top or foot
        lasts = [series.points[-1][1] for series in data.series]
        (y0, y1) = data.y_range
        self.paint_as_of(data.as_of_x, data.as_of_label, colour, top=not lasts or y1 - max(lasts) >= min(lasts) - y0)

    def _right(self, data: TrendData | BurnData) -> int:
        """Room for the series' names at the right (8 px off the axes), the widest whole: "Budget
        spent 116%" ran off a phone's chart. On a phone they go under the plot."""
        assert isinstance(data, BurnData)
        if self.narrow:
            return Dated.RIGHT
        return max(self.RIGHT, math.ceil(self._widest(_words(data))) + 14)

    def _bottom(self, data: TrendData | BurnData) -> int:
        assert isinstance(data, BurnData)
        return self.BOTTOM + legend_height(self.layout, _words(data))

    def _labels(self, data: BurnData, colour: dict[str, str]) -> None:
        """Each series named at the right, level with its last value, none covering another; on a
        phone, under the dates, row by row."""
        if self.narrow:
            self._legend(data, colour)
            return
        ax = self.ax
        _, h = self.axes_px
        (y0, y1) = data.y_range
        per_px = (y1 - y0) / h
        labels = _names(data)
        heights = 16 * per_px  # a line of small text, in data units
        placed = spread([y for _, y, _ in labels], heights, y0, y1 + 2 * heights)
        texts = self.texts(ax, "series-label", len(labels), fontsize=self.small, ha="left", va="center",
                           transform=ax.get_yaxis_transform())
        w, _ = self.axes_px
        for text, (label, _, role), y in zip(texts, labels, placed):
            text.set_position((1 + 8 / w, y))
            text.set_text(label)
            text.set_color(colour[role])

    def _legend(self, data: BurnData, colour: dict[str, str]) -> None:
        labels, names = _names(data), _words(data)
        width, height = self.size
        texts = self.texts(self.ax, "series-label", len(labels), fontsize=self.small, ha="left", va="center",
                           transform=self.fig.transFigure)
        top = legend_height(self.layout, names) - 3  # pixels from the chart's foot
        columns = legend_columns(names)
        column = (width - 2 * 8) / columns
        for index, (text, (label, _, role)) in enumerate(zip(texts, labels)):
            row, col = divmod(index, columns)
            text.set_position(((8 + col * column) / width, (top - (row + 0.5) * LEGEND_LINE) / height))
            text.set_text(label)
            text.set_color(colour[role])


def _words(data: BurnData) -> list[str]:
    """The names of `_names`, alone: what the margins and the phone's rows are sized by."""
    return [name for name, _, _ in _names(data)]


def _names(data: BurnData) -> list[tuple[str, float, str]]:
    """What is named at the right of a burn chart: each series, and the plan line (name, last
    value, colour role)."""
    names = [(s.label, s.points[-1][1], s.role) for s in data.series]
    if data.plan:
        names.append((data.plan_label, data.plan[-1][1], "muted"))
    return names


KINDS: dict[str, type[_Template]] = {"bubbles": Bubbles, "burn": Burn}
