"""Plain chart texts and lines written straight to an SVG, as matplotlib writes them.

matplotlib draws a text or a line by making a graphics context, filling it from the artist,
working out the font's family names again (which `draw.svg_variables` then removes) and moving the
anchor with numpy, and handing it all to the SVG writer, which reads it back: half of a chart's
drawing. For the plain texts and strokes a chart is made of, `write_text` and `Line.write_path`
write the same element with the same arithmetic in the same order; anything else is left to
matplotlib's own Text.draw and Line2D.draw. They are used only where `check` finds them writing
what the installed matplotlib writes (okrsite.site.charts.draw draws its probe figure).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib
import matplotlib.artist
import matplotlib.colors
from matplotlib import font_manager
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.text import Text

from okrsite.site.charts.memo import font_key, kept

try:  # (private: a matplotlib without them writes every text and line itself, the same, more slowly)
    from matplotlib.backends.backend_svg import _capstyle_d, _generate_css, _generate_transform, _short_float_fmt
except ImportError:
    _SVG_PARTS = False
else:
    _SVG_PARTS = True

_TEXT_ANCHORS = {"left": "start", "right": "end", "center": "middle"}  # as RendererSVG writes them


def write_text(text: Text, renderer: Any) -> bool:
    """Write `text` to an SVG as `Text.draw` and the SVG renderer would, for the plain text
    a chart is made of (one line, level, unclipped, no box, effect, link or alpha of its own);
    False, having written nothing, for any other text or renderer, which matplotlib then draws.

    Text is a third of a chart's drawing, and most of that went to what a plain text does not
    need: a graphics context, the font's family worked out again for every text (`svg_variables`
    removes it: the theme's style sets it), numpy for an offset along an angle of 0. The bytes
    are matplotlib's own (tests/test_charts.py draws charts both ways; `check` draws a probe).
    """
    svg = svg_of(renderer)
    if svg is None:
        return False
    text._renderer = renderer
    if not text.get_visible() or text.get_text() == "":
        return True
    x, y = text._x, text._y
    angle = text.get_rotation()
    if not (isinstance(x, (float, int)) and isinstance(y, (float, int))) or angle != 0 or text._bbox_patch \
            or text.get_path_effects() or text.get_usetex() or text.get_parse_math() or text.get_wrap() \
            or text._url is not None or text.get_alpha() is not None or matplotlib.rcParams["svg.fonttype"] != "none" \
            or (text._clipon and (text.clipbox is not None or text._clippath is not None)):
        return False
    posx, posy = text.get_transform().transform((float(x), float(y)))
    _, info, _ = text._get_layout(renderer)
    if len(info) != 1 or not (math.isfinite(posx) and math.isfinite(posy)):
        return False
    font, align = text._fontproperties, text.get_horizontalalignment()
    rgba = matplotlib.colors.to_rgba(text.get_color())  # ("C1" is read from the rc settings of now)
    style = kept(_TEXT_STYLES, (font_key(font), align, rgba), lambda: text_style(font, align, rgba))
    if not style:
        return False
    line, _, (_, dy) = info[0]
    # (the arithmetic of RendererSVG._draw_text_as_text at an angle of 0, in the same order)
    anchor_x, anchor_y = float(posx), svg.height - posy
    offset = svg.height - (dy + posy) - anchor_y
    anchor_x, anchor_y = anchor_x + offset * 0.0, anchor_y + offset * 1.0
    svg.open_group("text", text.get_gid())
    svg.writer.element("text", line, attrib={
        "style": style, "x": _short_float_fmt(anchor_x), "y": _short_float_fmt(anchor_y),
        "transform": _generate_transform([("rotate", (-angle, anchor_x, anchor_y))])})
    svg.close_group("text")
    text.stale = False
    return True


_TEXT_STYLES: dict[tuple[Any, ...], str] = {}
# matplotlib's own drawing, for what the short ways leave to it: without the rasterization wrapper,
# which the overriding draw methods have already (twice, an agg_filter would be applied twice)
TEXT_DRAW = getattr(Text.draw, "__wrapped__", Text.draw)
LINE_DRAW = getattr(Line2D.draw, "__wrapped__", Line2D.draw)


def text_style(font: FontProperties, align: str, rgba: tuple[float, float, float, float]) -> str:
    """The style attribute RendererSVG gives a text anchored at its position, less the font family
    (`svg_variables` removes it from every text); "" for a family it would not remove whole (a name
    holding a quote or a semicolon), which matplotlib then writes."""
    if any(mark in name for name in font.get_family() for mark in "'\";"):
        return ""
    style = {}
    if font.get_style() != "normal":
        style["font-style"] = font.get_style()
    if font.get_variant() != "normal":
        style["font-variant"] = font.get_variant()
    weight = font_manager.weight_dict.get(font.get_weight(), font.get_weight())
    if weight != 400:
        style["font-weight"] = f"{weight}"
    style["font-size"] = f"{_short_float_fmt(font.get_size())}px"
    if font.get_stretch() != "normal":
        style["font-stretch"] = font.get_stretch()
    style["text-anchor"] = _TEXT_ANCHORS[align]
    hexed = matplotlib.colors.to_hex(rgba)
    if hexed != "#000000":
        style["fill"] = hexed
    if rgba[3] != 1:
        style["opacity"] = _short_float_fmt(rgba[3])
    return _generate_css(style)


# Whether the short ways write what this matplotlib writes: None until this process has drawn a
# probe figure both ways (`check`, before its first chart).
on: bool | None = None


def svg_of(renderer: Any) -> RendererSVG | None:
    """The SVG renderer under savefig's wrapper, when the figure is being saved as SVG and the short
    ways of writing texts and lines write what this matplotlib writes."""
    svg = renderer._renderer if type(renderer) is MixedModeRenderer else None
    return svg if on and type(svg) is RendererSVG else None


def check(probe: Callable[[], str]) -> None:
    """Once a process, before its first chart: `probe` (a figure of plain texts and lines, its
    SVG as a chart's is finished) drawn the short ways and by matplotlib. The short ways are used
    only when the two SVGs are the same: a matplotlib whose private parts moved, or that writes its
    SVG otherwise, draws every text and line itself, the same charts, more slowly."""
    global on
    if on is not None:
        return
    try:
        on = _SVG_PARTS
        short = probe()
        on = False
        on = _SVG_PARTS and short == probe()
    except Exception:  # noqa: BLE001 - a private part that is not there (AttributeError...): matplotlib's way
        on = False


class Line(Line2D):
    """matplotlib's line, written to an SVG the short way when it is a plain stroke (no marker)."""

    @matplotlib.artist.allow_rasterization
    def draw(self, renderer: Any) -> None:
        if not self.write_path(renderer):
            LINE_DRAW(self, renderer)

    def write_path(self, renderer: Any) -> bool:
        """Write this line to an SVG as `Line2D.draw` and `RendererSVG.draw_path` would, for a plain
        stroke (unclipped, no marker, link, sketch, effect or gap colour); False, having written
        nothing, for any other line or renderer. Once texts are written the short way (`write_text`),
        lines are a third of a chart's drawing; a graphics context made, filled and read again for
        each was a fifth of theirs. The bytes are matplotlib's own (tests/test_charts.py draws charts
        both ways)."""
        svg = svg_of(renderer)
        if svg is None:
            return False
        if not self.get_visible():
            return True
        if self._invalidy or self._invalidx:
            self.recache()
        if self._subslice or self.get_path_effects() or (self._marker and self._markersize > 0) \
                or self.get_url() is not None or self.get_sketch_params() is not None \
                or (self.is_dashed() and self._gapcolor is not None) \
                or (self._clipon and (self.clipbox is not None or self._clippath is not None)):
            return False
        offset, dashes = self._dash_pattern if self._linewidth > 0 else (0, None)
        if dashes is not None and (any(value < 0 for value in dashes) or not any(value > 0 for value in dashes)):
            return False  # (matplotlib refuses them)
        self.ind_offset = 0
        svg.open_group("line2d", self.get_gid())
        if self._lineStyles[self._linestyle] != "_draw_nothing":
            path, affine = self._get_transformed_path().get_transformed_path_and_affine()
            if len(path.vertices):
                data = svg._convert_path(path, svg._make_flip_transform(affine.frozen()), clip=True,
                                         simplify=path.should_simplify, sketch=None)
                svg.writer.element("path", d=data, style=self._svg_style(offset, dashes))
        svg.close_group("line2d")
        self.stale = False
        return True

    def _svg_style(self, offset: float, dashes: Sequence[float] | None) -> str:
        """The style attribute RendererSVG gives this line's stroke (`_get_style_dict` for a
        graphics context holding the line's colour, width, dashes, cap and join)."""
        rgba = matplotlib.colors.to_rgba(self._color, self._alpha)
        style = {"fill": "none"}
        if dashes is not None:
            style["stroke-dasharray"] = ",".join(_short_float_fmt(value) for value in dashes)
            style["stroke-dashoffset"] = _short_float_fmt(float(offset))
        width = float(self._linewidth)
        if width:
            style["stroke"] = matplotlib.colors.to_hex(rgba)
            if rgba[3] != 1.0:
                style["stroke-opacity"] = _short_float_fmt(rgba[3])
            if width != 1.0:
                style["stroke-width"] = _short_float_fmt(width)
            cap, join = ((self._dashcapstyle, self._dashjoinstyle) if self.is_dashed()
                         else (self._solidcapstyle, self._solidjoinstyle))
            if join.name != "round":
                style["stroke-linejoin"] = join.name
            if cap.name != "butt":
                style["stroke-linecap"] = _capstyle_d[cap.name]
        return _generate_css(style)
