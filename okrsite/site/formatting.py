"""How numbers, dates and statuses read on a page (and in chart labels and alt text).

One place, so a percentage reads the same in a table, a bar's label and a chart.
Jinja filters of the same names; the theme's helpers and the chart specs use them too.
"""

from __future__ import annotations

import datetime as dt

from okrsite.model.scoring import round_half_up
from okrsite.model.vocabulary import term


def number(value: float | int | None, digits: int = 2) -> str:
    """1720 -> '1,720'; 0.5 -> '0.5'; 12.0 -> '12'."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return "0" if text in ("-0", "") else text


def whole_percent(value: float) -> int:
    """A 0..1 fraction as the whole percentage a reader sees: 0.125 -> 13 (half up, never to even)."""
    return int(round_half_up(value * 100, 0))


def percent(value: float | None) -> str:
    return "–" if value is None else f"{whole_percent(value)}%"


def pace_points(progress: float, expected: float) -> int:
    """Percentage points behind the expected pace (negative: ahead), taken between the shown
    percentages, so '13%', 'expected 20%' and '7 pts behind' agree on one page."""
    return whole_percent(expected) - whole_percent(progress)


def css_percent(value: float | None) -> str:
    """A 0..1 fraction as a CSS length in percent, clamped: 0.4736 -> '47.4', 1.2 -> '100'."""
    return f"{min(1.0, max(0.0, value or 0.0)) * 100:.1f}".removesuffix(".0")


def grade(value: float | None) -> str:
    """Always two decimals, half up: 0.9 -> '0.90', 0.625 -> '0.63', 1 -> '1.00'."""
    return "–" if value is None else f"{round_half_up(value, 2):.2f}"


def ratio(value: float | None) -> str:
    """An index such as SPI or CPI, two decimals as grades: 0.425 -> '0.43', 1 -> '1.00'."""
    return grade(value)


def money(value: float | None, currency: str = "") -> str:
    """An amount in whole units, half up, with its currency: 46500.4 -> '46,500 USD'."""
    if value is None:
        return "–"
    text = number(int(round_half_up(value, 0)))
    return f"{text} {currency}" if currency else text


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # as in every locale


def date(value: dt.date | None, style: str = "long") -> str:
    """'15 Feb 2026' (long) or '15 Feb' (short): unambiguous in every locale."""
    if value is None:
        return "–"
    return f"{value.day} {MONTHS[value.month - 1]}" + ("" if style == "short" else f" {value.year}")


def status_label(status: str) -> str:
    return term(status).label


def status_word(status: str) -> str:
    return term(status).word


def status_icon(status: str) -> str:
    return term(status).icon
