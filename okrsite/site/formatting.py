"""How numbers, dates and statuses read on a page (and in chart labels and alt text).

One place, so a percentage reads the same in a table, a bar's label and a chart.
Jinja filters of the same names; the theme's helpers and the chart specs use them too.
"""

from __future__ import annotations

import datetime as dt

from okrsite.model.scoring import round_half_up

STATUS_LABELS = {
    "on-track": "On track", "at-risk": "At risk", "off-track": "Off track", "done": "Done",
    "not-started": "Not started", "planned": "Planned", "active": "Active", "on-hold": "On hold",
    "cancelled": "Cancelled",
}
STATUS_ICONS = {"on-track": "●", "at-risk": "▲", "off-track": "■", "done": "✔", "not-started": "○",
                "planned": "○", "active": "●", "on-hold": "❚❚", "cancelled": "✕"}


def number(value: float | int | None, digits: int = 2) -> str:
    """1720 -> '1,720'; 0.5 -> '0.5'; 12.0 -> '12'."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return "0" if text in ("-0", "") else text


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round_half_up(value * 100, 0):.0f}%"


def css_percent(value: float | None) -> str:
    """A 0..1 fraction as a CSS length in percent, clamped: 0.4736 -> '47.4', 1.2 -> '100'."""
    return f"{min(1.0, max(0.0, value or 0.0)) * 100:.1f}".removesuffix(".0")


def grade(value: float | None) -> str:
    """0.9 -> '0.9', 0.75 -> '0.75', 1 -> '1.0'."""
    if value is None:
        return "–"
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # as in every locale


def date(value: dt.date | None, style: str = "long") -> str:
    """'15 Feb 2026' (long) or '15 Feb' (short): unambiguous in every locale."""
    if value is None:
        return "–"
    return f"{value.day} {MONTHS[value.month - 1]}" + ("" if style == "short" else f" {value.year}")


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("-", " ").capitalize())


def status_icon(status: str) -> str:
    return STATUS_ICONS.get(status, "•")
