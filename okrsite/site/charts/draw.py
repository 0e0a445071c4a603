"""Drawing chart specs with matplotlib, which only the drawing modules of this folder import (draw*,
glyphs, memo, plain_svg).

Object-oriented API only (`Figure` and canvases, never pyplot state). One
figure template per chart kind is built once per process and reused: each
chart updates the template's artists (data, text, colours, limits) and saves,
so a chart costs its drawing, not matplotlib's set-up. Text is measured and laid out once per
process for the same words and style (`_METRICS`, `_SIZES`, `_Label`): thousands of charts
repeat the same few hundred dates, ticks and words; a text not met before is measured from its
glyphs (`glyphs.text_metrics`); a plain text or line is written to the SVG as matplotlib writes it,
without its graphics context (okrsite.site.charts.plain_svg), where a probe figure drawn both ways
shows the two the same (`_probe_svg`). Axes machinery
(locators, formatters, spines, clip paths) is switched off: the specs carry
their ticks, and the artists here draw them.

Output is deterministic: fixed `svg.hashsalt`, no dates or creator in the
metadata, fixed margins (no tight bbox), and the bundled DejaVu Sans as the
only font, whose metrics are the same on every machine.

SVG text is real text (`svg.fonttype: none`); its font family is left to the
`<style>` that `finish_svg` adds (the theme's font stack). Colours are written
as `var(--okr-<role>)` so that same `<style>` can switch them for the dark
scheme. PNG gets the light colours on the theme's surface colour.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import matplotlib
import matplotlib.artist
import matplotlib.text
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import offset_copy

from okrsite.site.charts import plain_svg
from okrsite.site.charts.files import HALO
from okrsite.site.charts.glyphs import text_metrics
from okrsite.site.charts.layout import BAR_BOTTOM, COUNT_LINE, LINE, STRIP, Layout, bars_top, counts_height
from okrsite.site.charts.memo import font_key, kept
from okrsite.site.charts.palette import ROLES, TEXT_OF
from okrsite.site.charts.portfolio import BurnData
from okrsite.site.charts.specs import BarsData, ChartSpec, Label, TrendData
from okrsite.site.formatting import status_icon

PX = 1 / 96  # inches per CSS pixel
PT = 0.75  # points per CSS pixel
SVG_DPI = 72  # matplotlib writes SVG in points
FONT = "DejaVu Sans"  # bundled with matplotlib: the same metrics everywhere
SIZE = 10.0  # points: 13.3 px; axis, mark and legend labels are the layout's `small`
RC = {"svg.fonttype": "none", "svg.hashsalt": "okrsite", "font.family": [FONT], "font.size": SIZE,
      "axes.unicode_minus": False, "path.simplify": True, "text.usetex": False}
SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
# Placeholder colours, one per role, swapped for CSS variables in the SVG text.
SENTINELS = {role: f"#0c0a{index:02x}" for index, role in enumerate(ROLES)}
_SENTINEL = re.compile("|".join(SENTINELS.values()))
_BY_SENTINEL = {value: f"var(--okr-{role})" for role, value in SENTINELS.items()}
_FONT_FAMILY = re.compile(r"font-family: [^;\"]*;? ?")

# z-orders of the text pools (3 is matplotlib's default for text, 2 for lines)
POOLS = {"y": 3.1, "x": 3.2, "label": 3.1, "icon": 3.2, "value": 3.3, "count-icon": 3.4, "count-word": 3.5,
         "mark": 3.6, "legend": 3.7, "point-label": 3.8, "series-label": 3.8}
BAR_PX, STACKED_BAR_PX = 13, 11  # thickness of a bar beside its label, and below it
_glyphs: dict[str, bool] = {}


def has_glyphs(text: str) -> bool:
    """Whether the chart font has every character of `text` (else it would show boxes)."""
    font = None
    for char in set(text):
        known = _glyphs.get(char)
        if known is None:
            if font is None:
                font = get_font(findfont(FontProperties(family=FONT)))
            known = char.isspace() or font.get_char_index(ord(char)) != 0
            _glyphs[char] = known
        if not known:
            return False
    return True


def shown(label: Label) -> str:
    return label.text if has_glyphs(label.text) else label.fallback


def lines(label: Label) -> list[str]:
    """A label's lines, each drawn as a text of its own (one SVG text can be anchored at its end)."""
    return shown(label).split("\n")


def _right_to_left(text: str) -> bool:
    """The text's first letter with a direction reads right to left (as `dir="auto"` decides)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("L", "R", "AL"):
            return direction != "L"
    return False


_LAYOUTS: dict[tuple[Any, ...], Any] = {}


class _Label(Text):
    """matplotlib's text, laying out the same words in the same style once per process.

    A text's layout (the size of its lines and their offsets from its anchor) follows from its
    words, font, alignment, rotation and the resolution, never from where it stands; matplotlib
    works it out on every draw, reading the font's tables each time (a sixth of a chart's time).
    One plain line's layout follows from its size alone: "47 %" and "48 %" share one, each
    with its own words in it. A wrapped text's lines depend on where it stands, so it is laid out
    every time. A plain text is written to an SVG the short way (plain_svg.write_text).
    """

    def _get_layout(self, renderer: Any) -> Any:
        if self.get_wrap():
            return super()._get_layout(renderer)
        font, text, dpi = self._fontproperties, self.get_text(), self.figure.dpi  # type: ignore[union-attr]
        one_line = bool(text) and "\n" not in text and not self.get_usetex() and not self.get_parse_math()
        words = matplotlib.text._get_text_metrics_with_cache(renderer, text, font, False, dpi) if one_line else text
        key = (type(renderer), one_line, words, font_key(font), dpi, self._horizontalalignment,
               self._verticalalignment, self._multialignment, self.get_rotation(), self.get_rotation_mode(),
               self._linespacing, self.get_usetex(), self.get_parse_math(),
               repr(getattr(self, "_features", None)), getattr(self, "_language", None))
        box, lines, corner = kept(_LAYOUTS, key, lambda: super(_Label, self)._get_layout(renderer))
        if one_line and lines[0][0] != text:  # laid out for other words of the same size
            lines = [(text, *lines[0][1:])]
        return box, lines, corner

    @matplotlib.artist.allow_rasterization
    def draw(self, renderer: Any) -> None:
        if not plain_svg.write_text(self, renderer):
            plain_svg.TEXT_DRAW(self, renderer)


def _probe_svg() -> str:
    """A figure of the texts and lines charts are made of, as a chart's SVG is finished (plain_svg.check)."""
    fig = Figure(figsize=(3, 1), dpi=SVG_DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    for index, (align, rise) in enumerate((("left", "baseline"), ("center", "top"), ("right", "bottom"))):
        chart_text(ax, 0.5, 0.2 + 0.3 * index, ha=align, va=rise, fontsize=SIZE - index,
                   fontweight="bold" if index else "normal", color=("#11223380", "#0c0a01", "#000000")[index],
                   gid=HALO + "probe" if index == 1 else None).set_text("Q2 · 47 % of 1,234")
    for dashes, cap in (("-", "round"), ((0, (5, 3)), "butt"), ((0, (1, 2.5)), "projecting")):
        ax.add_line(plain_svg.Line([0, 0.5, 1], [0.1, 0.6, 0.4], clip_on=False, linewidth=1.6, linestyle=dashes,
                                   solid_capstyle=cap, dash_capstyle=cap, color="#0c0a0180"))
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata=SVG_METADATA)
    return svg_variables(out.getvalue())  # as a chart's SVG is finished (the short ways leave out the family)


def chart_text(ax: Any, x: float, y: float, **style: Any) -> Text:
    """An empty text on `ax` at (x, y), as `ax.text` makes it (data coordinates unless a transform
    is given; clipped by nothing; never mathtext), with its layout kept (`_Label`)."""
    text = _Label(x, y, "", **{"horizontalalignment": "left", "verticalalignment": "baseline",
                               "transform": ax.transData, "clip_on": False, "parse_math": False, **style})
    ax.add_artist(text)
    return text


class _Template:
    """A figure kept across charts of one kind; `paint` updates it for one spec."""

    def __init__(self, layout: Layout, width: int, height: int) -> None:
        # At the SVG writer's 72 dpi, so the layout is measured at the resolution it is written at
        # and saving does not set the figure's twice a chart (each time working out every transform
        # again: ~2 % of a chart's CPU, 1,784 charts of the 1,000-objective site).
        self.fig = Figure(figsize=(width * PX, height * PX), dpi=SVG_DPI, facecolor="none")
        FigureCanvasAgg(self.fig)
        self.size = (width, height)
        self.small = layout.small
        self.layout = layout
        self.narrow = layout.stacked  # the phone layout: less room for everything
        self._texts: dict[str, list[Text]] = {}

    def resize(self, width: int, height: int) -> None:
        if (width, height) != self.size:
            self.fig.set_size_inches(width * PX, height * PX)
            self.size = (width, height)

    def texts(self, ax: Any, pool: str, count: int, **style: Any) -> list[Text]:
        """`count` text artists of a pool (made once, reused; the rest hidden). Never mathtext.

        Each pool has its own z-order, so the artists are drawn (and written to the SVG) in
        the same order however the pools grew: a reused figure gives the bytes of a fresh one.
        """
        items = self._texts.setdefault(pool, [])
        while len(items) < count:
            items.append(chart_text(ax, 0, 0, zorder=POOLS[pool], **style))
        for index, item in enumerate(items):
            item.set_visible(index < count)
        return items[:count]

    def line(self, ax: Any, **style: Any) -> Line2D:
        artist = plain_svg.Line([], [], clip_on=False, **style)
        ax.add_line(artist)
        return artist

    def _covers(self, text: Text, other: Text, gap: float = 0.0) -> bool:
        """Whether the two texts overlap, or come closer than `gap` pixels (two labels one above the
        other read as one label of two lines)."""
        renderer = measuring()
        return bool(text.get_window_extent(renderer).padded(gap).overlaps(other.get_window_extent(renderer)))


@functools.cache
def measuring() -> RendererSVG:
    """What a chart's layout measures its texts with (a label's room, whether two labels meet): the
    SVG writer's own measure, so the layout sees each text as wide as the chart's SVG sets it. The
    figure's renderer (Agg) hints the glyphs: a long title came out ~2 % narrower than in the SVG,
    and each text first met cost ~1 ms to lay out, against ~0.04 ms from its glyphs (`glyphs`): a
    sixth of a cold build's drawing. One a process, its output thrown away."""
    return RendererSVG(1, 1, io.StringIO(), metadata=SVG_METADATA)


_SIZES: dict[tuple[str, float, float], tuple[float, float]] = {}


def text_size(template: _Template, text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height in display pixels of the box matplotlib lays a one-line text in, as the
    chart's SVG sets it (`measuring`): as wide as its glyphs, as tall as a line of the font (its
    ascender to its descender, or further where the ink reaches). A template's figure is at the
    SVG's 72 dpi, where a point is a pixel.

    Kept by text, size and resolution for every chart the process draws: each chart measures
    its y labels for its margin, and the same few hundred labels recur across thousands of charts."""
    def measure() -> tuple[float, float]:
        label = _Label(0, 0, text, fontproperties=FontProperties(family=FONT, size=size, weight=weight),
                       parse_math=False)
        label.set_figure(template.fig)  # for its resolution: never drawn
        box = label.get_window_extent(measuring())
        return float(box.width), float(box.height)
    return kept(_SIZES, (text, size, weight, template.fig.dpi), measure)


class Dated(_Template):
    """Values over dates: fixed margins, a grid at the y ticks, date ticks, and the report date.

    Subclasses make their own artists between `super().__init__()`, `as_of_line()` and
    `as_of_text()`: the order artists are made in is the order of the SVG's elements.
    """

    LEFT, RIGHT, TOP, BOTTOM = 60, 20, 16, 28

    def __init__(self, layout: Layout) -> None:
        super().__init__(layout, 640, 220)
        self.ax = ax = self.fig.add_axes((0.1, 0.1, 0.8, 0.8))
        ax.set_axis_off()
        self.axes_px = (0.0, 0.0)
        self._placed: tuple[float, ...] = ()
        self._layout(640, 220)
        self.grid = self.line(ax, linewidth=0.8)
        self.base = self.line(ax, linewidth=1.0, transform=ax.transAxes)
        self.base.set_data([0, 1], [0, 0])
        self.ticks = self.line(ax, linewidth=1.0, transform=ax.get_xaxis_transform())

    def as_of_line(self) -> None:
        self.asof = self.line(self.ax, linewidth=1.0, linestyle=(0, (2, 2)), transform=self.ax.get_xaxis_transform())
        self.asof.set_ydata([0, 1])

    def as_of_text(self) -> None:
        ax = self.ax
        self.asof_text = chart_text(ax, 0, 1, fontsize=self.small, va="top")
        self._asof_left = offset_copy(ax.get_xaxis_transform(), fig=self.fig, x=-4, units="points")
        self._asof_right = offset_copy(ax.get_xaxis_transform(), fig=self.fig, x=4, units="points")

    def _layout(self, width: int, height: int, left: int = 0, right: int | None = None, bottom: int = 0) -> None:
        self.resize(width, height)
        left, bottom = max(left, self.LEFT), max(bottom, self.BOTTOM)
        right = self.RIGHT if right is None else right
        w, h = width - left - right, height - self.TOP - bottom
        if self._placed != (left, bottom, w, h):
            self.ax.set_position((left / width, bottom / height, w / width, h / height))
            self.axes_px = (w, h)
            self._placed = (left, bottom, w, h)

    def _widest(self, labels: Sequence[str]) -> float:
        """The widest of these small labels, in pixels of the chart's size."""
        return max((text_size(self, label, self.small)[0] * 96 / self.fig.dpi for label in labels), default=0.0)

    def _left(self, labels: Sequence[str]) -> int:
        """Room for the y labels, where the fixed margin is too narrow for one (a long word of some
        languages, 'Übertroffen', or a number written long, '2,68 Mio.'): each stands 6 px off the axes."""
        widest = self._widest(labels)
        return self.LEFT if widest + 6 <= self.LEFT else math.ceil(widest) + 8  # else it would cross the edge

    def _right(self, data: TrendData | BurnData) -> int:
        """Room at the right of the axes: the fixed margin, unless a kind labels its lines there."""
        return self.RIGHT

    def _bottom(self, data: TrendData | BurnData) -> int:
        """Room under the axes: the dates' margin, unless a kind puts more there."""
        return self.BOTTOM

    def frame(self, spec: ChartSpec, data: TrendData | BurnData, colour: dict[str, str]) -> None:
        """Size, limits, the grid and its labels, the date ticks."""
        self._layout(spec.width, spec.height, self._left([label for _, label in data.y_ticks]), self._right(data),
                     self._bottom(data))
        ax = self.ax
        (x0, x1), (y0, y1) = data.x_range, data.y_range
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        w, h = self.axes_px
        grid_x: list[float] = []
        grid_y: list[float] = []
        for value, _ in data.y_ticks:
            grid_x += [x0, x1, float("nan")]
            grid_y += [value, value, float("nan")]
        self.grid.set_data(grid_x, grid_y)
        self.grid.set_color(colour["grid"])
        self.base.set_color(colour["muted"])
        labels = self.texts(ax, "y", len(data.y_ticks), fontsize=self.small, ha="right", va="center",
                            transform=ax.get_yaxis_transform())
        for text, (value, label) in zip(labels, data.y_ticks):
            text.set_position((-6 / w, value))
            text.set_text(label)
            text.set_color(colour["muted"])
        tick_x: list[float] = []
        tick_y: list[float] = []
        labels = self.texts(ax, "x", len(data.x_ticks), fontsize=self.small, ha="center", va="top",
                            transform=ax.get_xaxis_transform())
        for text, (value, label) in zip(labels, data.x_ticks):
            tick_x += [value, value, float("nan")]
            tick_y += [0, -4 / h, float("nan")]
            text.set_position((value, -7 / h))
            text.set_text(label)
            text.set_color(colour["muted"])
        self.ticks.set_data(tick_x, tick_y)
        self.ticks.set_color(colour["muted"])

    def paint_as_of(self, x: float | None, label: str, colour: dict[str, str], top: bool = True) -> None:
        """The report date: a dashed line, labelled on the side with room, at its top (or foot)."""
        self.asof.set_visible(x is not None)
        self.asof_text.set_visible(x is not None)
        if x is None:
            return
        x0, x1 = self.ax.get_xlim()
        share = (x - x0) / (x1 - x0)  # on the left of the line when the room on its right is short
        right = share > 0.8 or self._widest([label]) + 8 > (1 - share) * self.axes_px[0]
        self.asof.set_xdata([x, x])
        self.asof.set_color(colour["muted"])
        self.asof_text.set_transform(self._asof_left if right else self._asof_right)
        self.asof_text.set_position((x, 1 if top else 0.03))
        self.asof_text.set_verticalalignment("top" if top else "bottom")
        self.asof_text.set_horizontalalignment("right" if right else "left")
        self.asof_text.set_text(label)
        self.asof_text.set_color(colour["muted"])


def _segment_crosses(a: Any, b: Any, box: tuple[float, float, float, float]) -> bool:
    """Whether the straight segment from a to b (display points) runs through the box."""
    (x0, y0), (x1, y1) = sorted((tuple(a), tuple(b)))
    left, right = max(x0, box[0]), min(x1, box[2])
    if left > right:
        return False
    if x1 == x0:
        return min(y0, y1) < box[3] and max(y0, y1) > box[1]
    at = [y0 + (y1 - y0) * (x - x0) / (x1 - x0) for x in (left, right)]
    return min(at) < box[3] and max(at) > box[1]


class Trend(Dated):
    """A value over time: grid, dates, plan, target, actual line and dots, as_of."""

    def __init__(self, layout: Layout) -> None:
        super().__init__(layout)
        ax = self.ax
        self.band = Rectangle((0, 0), 1, 0, transform=ax.get_yaxis_transform(), linewidth=0, alpha=0.16,
                              visible=False)
        ax.add_patch(self.band)
        self.target = self.line(ax, linewidth=1.2, linestyle=(0, (1, 2.5)), transform=ax.get_yaxis_transform())
        self.target.set_xdata([0, 1])
        self.as_of_line()
        self.plan = self.line(ax, linewidth=1.6, linestyle=(0, (5, 3)))
        self.actual = self.line(ax, linewidth=2.2, solid_capstyle="round", solid_joinstyle="round")
        self.expected = self.line(ax, linestyle="none", marker="o", markersize=6.5, markeredgewidth=1.6)
        self.points = self.line(ax, linestyle="none", marker="o", markersize=7, markeredgewidth=1.5)
        self.forecast = self.line(ax, linewidth=1.8, linestyle=(0, (1, 2.2)), visible=False)
        self.forecast_text = chart_text(ax, 0, 0, fontsize=self.small, ha="right", va="bottom", visible=False,
                                        gid=HALO + "forecast")
        self._forecast_at = {side: offset_copy(ax.transData, fig=self.fig, y=3 if side == "up" else -3, units="points")
                             for side in ("up", "down")}
        # A value's label above or below its dot; one at the right end also stands clear of the dot.
        self.offsets = {(side, ha): (offset_copy(ax.transData, fig=self.fig, x={"left": 4, "center": 0, "right": -4}[ha],
                                                 y=7 if side == "up" else -7, units="points"),
                                     "bottom" if side == "up" else "top")
                        for side in ("up", "down") for ha in ("left", "center", "right")}
        self.target_text = chart_text(ax, 0, 0, fontsize=self.small, va="bottom")
        self._target_left = offset_copy(ax.get_yaxis_transform(), fig=self.fig, x=2, y=2.5, units="points")
        self._target_right = offset_copy(ax.get_yaxis_transform(), fig=self.fig, x=-2, y=2.5, units="points")
        self.now_text = chart_text(ax, 0, 0, fontsize=SIZE, fontweight="bold", gid=HALO + "now")
        self.expected_text = chart_text(ax, 0, 0, fontsize=self.small, gid=HALO + "expected")
        self.as_of_text()

    def paint(self, spec: ChartSpec, colour: dict[str, str]) -> None:
        data = spec.data
        assert isinstance(data, TrendData)
        self.frame(spec, data, colour)
        (x0, x1) = data.x_range
        status = colour[data.status]
        self.plan.set_data([p[0] for p in data.plan], [p[1] for p in data.plan])
        self.plan.set_drawstyle("steps-post" if data.plan_steps else "default")
        self.plan.set_color(colour["muted"])
        self.band.set_visible(data.band is not None)
        if data.band is not None:
            self.band.set_y(data.band[0])
            self.band.set_height(data.band[1] - data.band[0])
            self.band.set_facecolor(colour["on-track"])
        self.target.set_visible(data.target is not None)
        self.target_text.set_visible(data.target is not None)
        if data.target is not None:
            self.target.set_ydata([data.target, data.target])
            self.target.set_color(colour["text"])
            right = data.target_label_right
            self.target_text.set_transform(self._target_right if right else self._target_left)
            self.target_text.set_horizontalalignment("right" if right else "left")
            self.target_text.set_position((1 if right else 0, data.target))
            self.target_text.set_text(shown(data.target_label))
            self.target_text.set_color(colour["text"])
        self.actual.set_data([p[0] for p in data.actual], [p[1] for p in data.actual])
        self.actual.set_drawstyle("steps-post" if data.actual_steps else "default")
        self.actual.set_color(status)
        self.forecast.set_visible(data.forecast is not None)
        self.forecast_text.set_visible(data.forecast is not None)
        if data.forecast is not None:
            (fx0, fy0), (fx1, fy1) = data.forecast
            self.forecast.set_data([fx0, fx1], [fy0, fy1])
            self.forecast.set_color(status)
            self.forecast_text.set_position((fx1, fy1))
            self.forecast_text.set_text(shown(data.forecast_label))
            self.forecast_text.set_color(colour["muted"])
            self._forecast_side(fy1 >= fy0)
        self.points.set_data([p[0] for p in data.points], [p[1] for p in data.points])
        self.points.set_markerfacecolor(status)
        self.points.set_markeredgecolor(colour["surface"])
        if data.expected is not None:
            self.expected.set_data([data.expected[0]], [data.expected[1]])
        else:
            self.expected.set_data([], [])
        self.expected.set_markerfacecolor(colour["surface"])
        self.expected.set_markeredgecolor(colour["muted"])
        self._value_labels(data, colour, x0, x1)
        if data.forecast is not None:
            self._clear_forecast(data)
        self.paint_as_of(data.as_of_x, data.as_of_label, colour)

    def _forecast_side(self, above: bool) -> None:
        """The forecast's label at its line's end, above it or below (on the side away from a line
        that rises or falls into the end: below a falling one, the text no longer sits on it)."""
        self.forecast_text.set_transform(self._forecast_at["up" if above else "down"])
        self.forecast_text.set_verticalalignment("bottom" if above else "top")

    def _clear_forecast(self, data: TrendData) -> None:
        """The forecast's label goes above its line's end or below it: the side that crosses fewer
        other lines (the target's, the expected pace's, the plot's edge: "forecast 2.94M USD" above
        its end sat on the target's line, "forecast 0.11 days" below it on the dates' axis), on a
        tie the side away from the line coming in; and of those in that order, the first that
        covers neither the expected nor the latest value's label (a phone's chart: "forecast 1.34M
        USD" over "expected 1.17M"). Covering both, it takes the first, and a value's label it
        covers goes to the left of its dot. Labels are measured only when a value's dot is within
        three lines of text of the line's end."""
        (_, fy0), end = data.forecast  # type: ignore[misc]
        reach = 3 * (SIZE + 4) * self.fig.dpi / 72
        _, end_y = self.ax.transData.transform(end)
        near = [text for text, point in ((self.expected_text, data.expected), (self.now_text, data.now))
                if point is not None and abs(self.ax.transData.transform(point)[1] - end_y) <= reach]
        gap = 4 * self.fig.dpi / 72

        def covered() -> list[Text]:
            return [text for text in near if self._covers(self.forecast_text, text, gap)]

        sides = sorted((end[1] >= fy0, end[1] < fy0), key=lambda above: self._forecast_crossings(data, above))
        for above in sides:
            self._forecast_side(above)
            if not covered():
                return
        self._forecast_side(sides[0])
        for text in covered():
            self._above(text, text.get_verticalalignment() == "bottom", "right")
            text.set_horizontalalignment("right")

    def _forecast_crossings(self, data: TrendData, above: bool) -> int:
        """How many other lines the forecast's label crosses on that side of its line's end: the
        target's, the expected pace's, the plot's edge (worked out from its measured size: no layout)."""
        width, height = text_size(self, self.forecast_text.get_text(), self.small)
        x, y = self.ax.transData.transform(data.forecast[1])  # type: ignore[index]
        offset, pad = 3 * self.fig.dpi / 72, 2.0  # the label's offset from the end; its halo's reach
        low = y + offset if above else y - offset - height
        box = (x - width - pad, low - pad, x + pad, low + height + pad)
        plot = self.ax.bbox
        to_display = self.ax.transData.transform
        plan = to_display(data.plan) if not data.plan_steps else ()
        return (int(box[1] < plot.y0 or box[3] > plot.y1)
                + int(data.target is not None and box[1] < to_display((0, data.target))[1] < box[3])
                + sum(_segment_crosses(a, b, box) for a, b in zip(plan, plan[1:])))

    def _value_labels(self, data: TrendData, colour: dict[str, str], x0: float, x1: float) -> None:
        """The latest value and the expected one, the higher labelled above, the lower below; one
        that would cover the target's label goes to the right of its dot, above it when the dot is
        just over the target and that is clear, else below it (a value just under its target,
        labelled above it, ran into "Target ..." on a phone; "96%" over "Target 95%" too)."""
        now, expected = data.now, data.expected
        for text, point, label, role in ((self.now_text, now, data.now_label, TEXT_OF.get(data.status, "text")),
                                         (self.expected_text, expected, data.expected_label, "muted")):
            text.set_visible(point is not None)
            if point is None:
                continue
            other = expected if point is now else now
            above = other is None or point[1] > other[1] or (point[1] == other[1] and point is now)
            if other is None and point[1] > data.y_range[0] + 0.8 * (data.y_range[1] - data.y_range[0]):
                above = False
            share = (point[0] - x0) / (x1 - x0)
            if point is expected:  # beside the report date's line, not across it
                ha = "right" if share > 0.7 else "left"
            else:
                ha = "right" if share > 0.88 else "left" if share < 0.06 else "center"
            if point is now and ha != "left" and self._crossed(data, now, above, label, ha):
                # Away from the line coming in: below a dot the line falls into (above one it rises
                # to) when nothing else goes there and there is room, else, centred, to the right of
                # the dot, clear of a forecast that goes on the same way. At the right end a label
                # that has nowhere else to go stays (under the dates it would be worse).
                if other is None and (data.forecast is None or ha == "right") and self._room(now, not above):
                    above = not above
                elif ha == "center":
                    ha = "left"
            text.set_horizontalalignment(ha)
            text.set_position(point)
            text.set_text(label)
            text.set_color(colour[role])
            self._above(text, above, ha)
            if above and data.target is not None and self._near_target(point, data.target) \
                    and self._covers(text, self.target_text):
                ha = "right" if ha == "right" else "left"  # to the right of the line coming in ...
                text.set_horizontalalignment(ha)
                self._above(text, point[1] >= data.target, ha)  # ... above a dot just over the target
                if point[1] >= data.target and self._covers(text, self.target_text):
                    self._above(text, False, ha)  # ... else below the dot

    def _crossed(self, data: TrendData, now: tuple[float, float], above: bool, label: str, ha: str) -> bool:
        """Whether the line coming into the latest dot runs through its label, on the dot's side the
        line comes from ("99.82%" above a dot the line falls into was struck through): the line's
        rise over the label's reach to the left of the dot (half its width, centred; all of it and
        the offset, at the dot's left) reaches the label's offset from the dot."""
        before = [point for point in data.actual if point[0] < now[0]]
        if not before:
            return False
        (x0, y0), (x1, y1) = self.ax.transData.transform([before[-1], now])
        offset = 7 * self.fig.dpi / 72
        if (y0 > y1) != above or abs(y0 - y1) < offset:  # measured only when it can matter
            return False
        if data.actual_steps:
            return True
        width = text_size(self, label, SIZE, "bold")[0]
        reach = min(x1 - x0, width / 2 if ha == "center" else width + 4 * self.fig.dpi / 72)
        return abs(y0 - y1) * reach / max(x1 - x0, 1e-9) >= offset

    def _room(self, point: tuple[float, float], above: bool) -> bool:
        """Whether a label fits between the dot and the plot's edge on that side."""
        _, y = self.ax.transData.transform(point)
        edge = self.ax.bbox.y1 if above else self.ax.bbox.y0
        return abs(edge - y) >= (7 + 1.3 * SIZE) * self.fig.dpi / 72

    def _above(self, text: Text, above: bool, ha: str) -> None:
        transform, va = self.offsets[("up" if above else "down", ha)]
        text.set_transform(transform)
        text.set_verticalalignment(va)

    def _near_target(self, point: tuple[float, float], target: float) -> bool:
        """Whether the point is so little under the target's line, or over it, that the point's
        label, above it, could reach the target's label (measuring both labels costs a millisecond:
        most charts are spared it)."""
        (_, y), (_, line) = self.ax.transData.transform([point, (point[0], target)])
        return abs(line - y) <= (7 + 2 * SIZE) * self.fig.dpi / 72


class Bars(_Template):
    """Rows of bars on tracks with vertical marks; for periods, a strip of status counts on top.

    Side by side: label, bar, status icon and value in columns. Stacked (narrow): the icon, label
    and value on a line above the bar, which takes the whole width.
    """

    def __init__(self, layout: Layout) -> None:
        super().__init__(layout, 640, 200)
        self.ax = ax = self.fig.add_axes((0.3, 0.1, 0.5, 0.8))
        ax.set_axis_off()
        thickness = (STACKED_BAR_PX if layout.stacked else BAR_PX) * PT
        self.bar_px = STACKED_BAR_PX if layout.stacked else BAR_PX
        self.tracks = LineCollection([], linewidths=thickness, capstyle="butt", clip_on=False)
        self.bars = LineCollection([], linewidths=thickness, capstyle="butt", clip_on=False)
        ax.add_collection(self.tracks)
        ax.add_collection(self.bars)
        self.counts_ax = cax = self.fig.add_axes((0.02, 0.8, 0.96, 0.1))
        cax.set_axis_off()
        self.strip = LineCollection([], linewidths=10 * PT, capstyle="butt", clip_on=False)
        cax.add_collection(self.strip)
        self.marks: list[tuple[Line2D, Text]] = []
        self.paces = LineCollection([], linewidths=1.6, capstyle="butt", clip_on=False, zorder=2.5)
        ax.add_collection(self.paces)

    def paint(self, spec: ChartSpec, colour: dict[str, str]) -> None:
        data = spec.data
        assert isinstance(data, BarsData)
        self.resize(spec.width, spec.height)
        width, height = spec.width, spec.height
        n, pitch = len(data.rows), data.row_height
        margin = 8 if data.stacked else 0
        top = bars_top(len(data.marks)) + counts_height_of(data)
        left = self._label_room(data)
        w = width - left - data.value_width - 2 * margin
        h = height - top - BAR_BOTTOM
        ax = self.ax
        ax.set_position(((left + margin) / width, BAR_BOTTOM / height, w / width, h / height))
        ax.set_xlim(0, data.x_max)
        ax.set_ylim(n - 0.5, -0.5)
        # Stacked: the bar sits at the foot of its row, below the label's lines.
        bar_y = (0.5 - (self.bar_px / 2 + 4) / pitch) if data.stacked else 0.0
        self.tracks.set_segments([[(0, i + bar_y), (1, i + bar_y)] for i in range(n)])
        self.tracks.set_color(colour["track"])
        self.bars.set_segments([[(0, i + bar_y), (max(row.value, 0.0), i + bar_y)] for i, row in enumerate(data.rows)])
        self.bars.set_color([colour[row.status] for row in data.rows])
        icons = [row.icon for row in data.rows]
        offset = 18 if any(icons) else 0
        self._labels(data, colour, w, offset)
        ytrans = ax.get_yaxis_transform()
        counts = [len(lines(row.label)) for row in data.rows]
        most = max(counts, default=1)

        def line_y(line: int) -> float:  # stacked: the middle of a row's line (the last is above the bar)
            return -0.5 + (4 + LINE * line + LINE / 2) / pitch
        for text, (i, row) in zip(self.texts(ax, "icon", n, fontsize=self.small, ha="left", va="center",
                                             transform=ytrans), enumerate(data.rows)):
            text.set_position((0, i + line_y(most - counts[i])) if data.stacked else (1 + 8 / w, i))
            text.set_text(row.icon)
            text.set_color(colour[row.status])
        for text, (i, row) in zip(self.texts(ax, "value", n, fontsize=SIZE, va="center", transform=ytrans),
                                  enumerate(data.rows)):
            text.set_horizontalalignment("right" if data.stacked else "left")
            text.set_position((1, i + line_y(most - 1)) if data.stacked else (1 + (8 + offset) / w, i))
            text.set_text(shown(row.value_label))
            text.set_color(colour["text"])
        self._marks(data, colour, h, bar_y)
        self._counts(data, colour, width, height)

    def _label_room(self, data: BarsData) -> float:
        """The width before the bars: the spec's, or more where a label is wider (a spec cannot
        measure text: "Heures consommées" ran past the chart's left edge in 140 px)."""
        if data.stacked:
            return data.label_width
        widest = max((text_size(self, part, SIZE)[0] * 96 / self.fig.dpi
                      for row in data.rows for part in lines(row.label)), default=0.0)
        return max(data.label_width, math.ceil(widest) + 8 + 4)  # the gap before the bar, and a little room at the edge

    def _labels(self, data: BarsData, colour: dict[str, str], w: float, offset: int) -> None:
        """Each row's label, a text per line: right-aligned before the bar, or above it after the icon."""
        pitch = data.row_height
        labels = [lines(row.label) for row in data.rows]
        most = max(map(len, labels), default=1)
        placed = []
        for i, parts in enumerate(labels):
            # Above the bar, a right-to-left label's lines end where its longest ends, as its reader starts
            end = (offset + max(text_size(self, part, SIZE)[0] * 96 / self.fig.dpi for part in parts)) / w \
                if data.stacked and len(parts) > 1 and _right_to_left(parts[0]) else None
            for k, part in enumerate(parts):
                if data.stacked:  # the last line just above the bar; a shorter label leaves room above it
                    line = most - len(parts) + k
                    y = i - 0.5 + (4 + LINE * line + LINE / 2) / pitch
                    placed.append(((offset / w, y), part, False) if end is None else ((end, y), part, True))
                else:
                    placed.append(((-8 / w, i + (k - (len(parts) - 1) / 2) * LINE / pitch), part, True))
        texts = self.texts(self.ax, "label", len(placed), fontsize=SIZE, va="center",
                           transform=self.ax.get_yaxis_transform())
        for text, (position, part, ends) in zip(texts, placed):
            text.set_horizontalalignment("right" if ends else "left")
            text.set_position(position)
            text.set_text(part)
            text.set_color(colour["text"])

    def _marks(self, data: BarsData, colour: dict[str, str], h: float, bar_y: float) -> None:
        """Vertical marks (expected pace, plan, report date): through every row, or stacked, a tick
        through each bar (a line would strike through the labels), labelled at the top; and a tick
        through each bar with an expected pace of its own."""
        ax = self.ax
        while len(self.marks) < len(data.marks):
            line = plain_svg.Line([], [], linewidth=1.6, clip_on=False, zorder=2.5)
            ax.add_line(line)
            self.marks.append((line, chart_text(ax, 0, 0, fontsize=self.small, ha="center", va="bottom",
                                           transform=ax.get_xaxis_transform(), zorder=POOLS["mark"])))
        reach = (self.bar_px / 2 + 3) / data.row_height
        own = [(i, row.pace) for i, row in enumerate(data.rows) if row.pace is not None]
        self.paces.set_segments([[(x, i + bar_y - reach), (x, i + bar_y + reach)] for i, x in own])
        self.paces.set_color(colour["marker"])
        self.paces.set_visible(bool(own))
        for index, (line, text) in enumerate(self.marks):
            visible = index < len(data.marks)
            line.set_visible(visible)
            text.set_visible(visible)
            if not visible:
                continue
            mark = data.marks[index]
            if data.stacked:  # a bar with a pace of its own has only its own tick
                ys: list[float] = []
                for i, row in enumerate(data.rows):
                    if row.pace is None:
                        ys += [i + bar_y - reach, i + bar_y + reach, float("nan")]
                line.set_transform(ax.transData)
                line.set_data([mark.x] * len(ys), ys)
            else:
                line.set_transform(ax.get_xaxis_transform())
                line.set_data([mark.x, mark.x], [-3 / h, 1 + 3 / h])
            line.set_linestyle((0, (3, 2)) if mark.dashed else "-")
            line.set_color(colour["muted" if mark.dashed else "marker"])
            text.set_position((mark.x, 1 + 5 / h))
            share = mark.x / data.x_max if data.stacked else 0.5  # stacked: a label at an end stays inside
            text.set_horizontalalignment("right" if share > 0.92 else "left" if share < 0.08 else "center")
            text.set_text(mark.label)
            text.set_color(colour["muted"] if mark.dashed else colour["text"])

    def _counts(self, data: BarsData, colour: dict[str, str], width: int, height: int) -> None:
        """A strip of the status counts, and under it a legend of icon, count and word per status."""
        cax = self.counts_ax
        area = counts_height_of(data)
        cax.set_visible(bool(data.counts))
        if not data.counts:
            return
        margin = 8
        cax.set_position((margin / width, (height - area) / height, (width - 2 * margin) / width, area / height))
        total = sum(n for _status, n, _words in data.counts) or 1
        cax.set_xlim(0, total)
        cax.set_ylim(area, 0)  # pixels from the top
        segments, colours, start = [], [], 0
        for status, n, _words in data.counts:
            if n:
                segments.append([(start, 11), (start + n, 11)])
                colours.append(colour[status])
                start += n
        self.strip.set_segments(segments)
        self.strip.set_color(colours)
        slots = len(data.counts)
        icons = self.texts(cax, "count-icon", slots, fontsize=self.small, ha="left", va="center",
                           transform=cax.transAxes)
        words = self.texts(cax, "count-word", slots, fontsize=self.small, ha="left", va="center",
                           transform=cax.transAxes)
        columns = data.count_columns
        for index, (status, n, text) in enumerate(data.counts):
            x = (index % columns) / columns
            y = 1 - (STRIP + COUNT_LINE * (index // columns) + COUNT_LINE / 2) / area
            icons[index].set_position((x, y))
            icons[index].set_text(status_icon(status))
            icons[index].set_color(colour[status] if n else colour["muted"])
            words[index].set_position((x + 16 / (width - 2 * margin), y))
            words[index].set_text(text)
            words[index].set_color(colour["text"] if n else colour["muted"])


def counts_height_of(data: BarsData) -> int:
    return counts_height(data.count_columns, len(data.counts))


_templates: dict[tuple[str, Layout], _Template] = {}


def _kinds() -> dict[str, type[_Template]]:
    """Every figure template by chart kind; the portfolio's build on the ones above (so their
    module is imported when first asked for)."""
    from okrsite.site.charts.draw_portfolio import KINDS
    return {"trend": Trend, "bars": Bars, **KINDS}


def _template(kind: str, layout: Layout) -> _Template:
    template = _templates.get((kind, layout))
    if template is None:
        template = _templates[(kind, layout)] = _kinds()[kind](layout)
    return template


def colours_for(spec: ChartSpec) -> dict[str, str]:
    """Placeholders for SVG (turned into CSS variables), the light colours for PNG."""
    if spec.look.format == "svg":
        return dict(SENTINELS)
    return dict(spec.look.palette.light)


def svg_variables(svg: str) -> str:
    """Placeholder colours to CSS variables; font families dropped (the <style> sets the theme's)."""
    svg = _SENTINEL.sub(lambda m: _BY_SENTINEL[m.group(0)], svg)
    return _FONT_FAMILY.sub("", svg)


# Text metrics by (how the renderer measures, text, font, math, dpi), shared by every chart a process draws.
# matplotlib keeps its metrics per renderer, and each savefig makes a new renderer, so every tick
# label, date and word was measured again for each chart (40 % of a chart's time). The metrics
# depend on nothing else, so the bytes are the same. A text first met is measured from its glyphs
# where it can be (okrsite.site.charts.glyphs), instead of being laid out by FreeType.
_METRICS: dict[tuple[Any, ...], tuple[float, float, float]] = {}


@contextlib.contextmanager
def replaced(owner: Any, name: str, make: Callable[[Any], Any]) -> Iterator[None]:
    """`owner.name` (a private part of matplotlib or fontTools) replaced by `make(original)` for
    the length of the block, then restored; left alone where the installed version has no such
    attribute, which then costs speed, never bytes."""
    original = getattr(owner, name, None)
    if original is None:
        yield
        return
    setattr(owner, name, make(original))
    try:
        yield
    finally:
        setattr(owner, name, original)


def _shared_text_metrics() -> contextlib.AbstractContextManager[None]:
    """While drawing, matplotlib measures text through `_METRICS`; restored afterwards. What
    measures is the renderer's method, not its type: savefig's renderer for SVG and for PDF is the
    same wrapper type (MixedModeRenderer), handing text to renderers that measure differently."""
    def shared(original: Callable[..., tuple[float, float, float]]) -> Callable[..., tuple[float, float, float]]:
        def measure(renderer: Any, text: str, fontprop: Any, ismath: Any, dpi: float) -> tuple[float, float, float]:
            method = renderer.get_text_width_height_descent
            how = getattr(method, "__func__", method)
            key = (how, text, font_key(fontprop), ismath, dpi)
            return kept(_METRICS, key, lambda: (not ismath and how is RendererSVG.get_text_width_height_descent and
                                                text_metrics(text, fontprop)) or
                        original(renderer, text, fontprop, ismath, dpi))
        return measure
    return replaced(matplotlib.text, "_get_text_metrics_with_cache", shared)


@contextlib.contextmanager
def _drawing() -> Iterator[None]:
    """Charts are drawn inside: okrsite's settings and shared text metrics, and the short ways
    checked, once a process, before its first chart."""
    with matplotlib.rc_context(RC), _shared_text_metrics():
        plain_svg.check(_probe_svg)
        yield


def ready() -> None:
    """What a process does before its first chart (the short ways' check: ~40 ms), done ahead: the
    build's drawing process does it while the build reads the content."""
    with _drawing():
        pass


def draw(spec: ChartSpec) -> bytes:
    """One chart as the bytes of its file."""
    with _drawing():
        return _draw(spec)


def _draw(spec: ChartSpec) -> bytes:
    template = _template(spec.kind, spec.look.layout)
    colour = colours_for(spec)
    template.paint(spec, colour)
    if spec.look.format == "svg":
        text = io.StringIO()  # written as text: a byte buffer would encode each of its ~300 writes
        template.fig.savefig(text, format="svg", metadata=SVG_METADATA)
        return svg_variables(text.getvalue()).encode("utf-8")
    buffer = io.BytesIO()
    template.fig.savefig(buffer, format="png", dpi=spec.look.dpi, metadata={"Software": None},
                         facecolor=colour["surface"])
    return buffer.getvalue()


def draw_many(specs: Sequence[ChartSpec]) -> list[bytes | str]:
    """Each chart's bytes, or the text of the error that stopped it (one bad chart stops no other)."""
    results: list[bytes | str] = []
    with _drawing():
        for spec in specs:
            try:
                results.append(_draw(spec))
            except Exception as exc:  # noqa: BLE001 - reported as a diagnostic by the caller
                results.append(f"{type(exc).__name__}: {exc}")
    return results
