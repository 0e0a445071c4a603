"""How charts are laid out for the width they are shown at, in CSS pixels.

A chart fills the width of its card and scales with it, so its text is as large as the
page's small print only near the width it was drawn for. Each chart is drawn twice: wide,
for desktop cards and print, and narrow, for phones and touch tablets, where the page's
<picture> picks it (templates/_charts.html). Text is about 7.5 px per character (DejaVu Sans at 13.3 px), which sets
how many characters a label's line may have.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

@dataclass(frozen=True)
class Layout:
    suffix: str  # of the file name: "" for the wide chart, "-narrow"
    width: int
    trend_height: int
    stacked: bool  # bars: each label on a line of its own above its bar, the value at that line's end
    label_chars: int  # bars: characters per line of a label (two lines at most)
    count_columns: int  # a period's status counts: columns of their legend
    small: float  # points: axis, mark and legend labels (other text is 10 pt)


WIDE = Layout("", 960, 250, stacked=False, label_chars=50, count_columns=5, small=9.0)
NARROW = Layout("-narrow", 340, 230, stacked=True, label_chars=34, count_columns=2, small=10.0)
LAYOUTS = (WIDE, NARROW)

# Bars, in pixels: a row with one line of label, each further line, above the rows (the marks'
# labels), below them, the strip of status counts and each line of its legend.
BAR_ROW, LINE, BAR_TOP, BAR_BOTTOM, STRIP, COUNT_LINE = 28, 16, 28, 10, 22, 20
STACKED_BAR = 22  # stacked rows: the bar's part of the row, below the label lines
LABEL_WIDE, VALUE_WIDE = 400, 80  # the wide overview's label and value columns


def row_height(layout: Layout, lines: int) -> int:
    """Pixels per row of bars whose longest label has `lines` lines."""
    return LINE * lines + STACKED_BAR if layout.stacked else BAR_ROW + LINE * (lines - 1)


def counts_height(columns: int, statuses: int) -> int:
    """Pixels of a strip of status counts and its legend in `columns` (0 without counts)."""
    return STRIP + COUNT_LINE * math.ceil(statuses / columns) + 6 if statuses else 0


# A burn chart's series named under its plot in the narrow layout, in two columns while every name
# fits half its width (at the right, as on a desktop, they took two fifths of a phone's chart).
LEGEND_LINE, LEGEND_CHARS = 18, 20


def legend_columns(names: Sequence[str]) -> int:
    """Two columns of names, or one where a name is longer than half the chart holds ("■ Budget
    ausgegeben 116 %" ran past the edge of a German phone's chart)."""
    return 2 if all(len(name) <= LEGEND_CHARS for name in names) else 1


def legend_height(layout: Layout, names: Sequence[str]) -> int:
    """Pixels under a narrow chart's dates for these names (none in the wide layout)."""
    return LEGEND_LINE * math.ceil(len(names) / legend_columns(names)) + 6 if layout.stacked and names else 0


def bars_top(marks: int) -> int:
    """Pixels above the rows: room for the marks' labels, or a little air without marks."""
    return BAR_TOP if marks else BAR_BOTTOM


def bars_height(layout: Layout, rows: int, lines: int, marks: int, statuses: int = 0) -> int:
    return bars_top(marks) + row_height(layout, lines) * rows + BAR_BOTTOM + counts_height(layout.count_columns, statuses)
