"""How numbers, dates and statuses read on a page (and in chart labels and alt text).

One place, so a percentage reads the same in a table, a bar's label and a chart.
Jinja filters of the same names; the theme's helpers and the chart specs use them too.
"""

from __future__ import annotations

import datetime as dt
import math

from okrsite.model.scoring import round_half_up
from okrsite.model.vocabulary import term


def number(value: float | int | None, digits: int = 2) -> str:
    """1720 -> '1,720'; 0.5 -> '0.5'; 12.0 -> '12'."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return "0" if text in ("-0", "") else text


def round_to_span(value: float, span: float) -> float:
    """A value rounded to what matters on a scale of `span`: 1,643.96 -> 1,644 (span 1,600), 3.11 -> 3.1 (span 4)."""
    if span <= 0 or not math.isfinite(span):
        return value
    digits = max(0, 1 - math.floor(math.log10(span)))
    return round(value, digits)


def value_text(value: float, unit: str = "", digits: int = 2) -> str:
    """A number with its unit, as the HTML shows it: '1,720 views', '7%'."""
    text = number(int(value) if float(value).is_integer() else float(value), digits)
    if unit == "%":
        return text + "%"
    return f"{text} {unit}" if unit else text


def estimate(value: float, start: float | None, target: float | None, unit: str = "") -> str:
    """A computed value (a forecast) to the precision that matters on a KR's scale, with its unit."""
    span = abs((target or 0) - (start or 0)) or abs(value) or 1.0
    return value_text(round_to_span(value, span), unit)


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


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 day', '2 days', '0 charts': the count and the word that agrees with it."""
    return f"{count:,} {word if count == 1 else words or word + 's'}"


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
