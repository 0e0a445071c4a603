"""Axis ticks and the short texts charts show: nice numbers, date ticks, wrapped and truncated labels.

Charts compute their ticks here rather than with matplotlib's locators: the
specs stay plain data (so they hash, and so tests can read them), and the
drawing skips the locator and formatter machinery.
"""

from __future__ import annotations

import datetime as dt
import math


from okrsite.site.formatting import compact, date as format_date, month, percent_sign

LABEL_CHARS = 28  # in-image labels are cut to this many characters ("…" included) unless told otherwise


def nice_step(span: float, count: int = 4) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten giving about `count` intervals."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    factors = (1, 2, 5, 10) if power == 1 else (1, 2, 2.5, 5, 10)  # counts read 0, 5, 10 rather than 2.5, 7.5
    steps = [factor * power for factor in factors]
    return min(steps, key=lambda step: (abs(span / step - count), -step))


def step_digits(step: float) -> int:
    """Decimals a tick label needs for ticks `step` apart (0.25 -> 2, 5 -> 0)."""
    digits = 0
    while digits < 6 and abs(step * 10 ** digits - round(step * 10 ** digits)) > 1e-6:
        digits += 1
    return digits




def y_ticks(low: float, high: float, percent: bool = False, count: int = 4) -> tuple[tuple[float, str], ...]:
    """Ticks between low and high, labelled compactly."""
    step = nice_step(high - low, count)
    digits = step_digits(step)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)  # tolerances in steps: a range of 1e-20 has its few ticks too
    ticks = []
    for index in range(first, last + 1):  # (a tolerance of 1e-9 in value made it 10^11 of them: a build hung)
        value = round(index * step, 10) if step >= 1e-8 else index * step
        label = compact(value, digits)
        ticks.append((value, percent_sign(label) if percent else label))
    return tuple(ticks)


def integer_ticks(high: int) -> tuple[tuple[float, str], ...]:
    step = max(1, math.ceil(nice_step(high, 5))) if high > 6 else 1
    return tuple((float(v), str(v)) for v in range(0, high + 1, step))


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    day = dt.date(first.year, first.month, 1)
    if day < first:
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    months = []
    while day <= last:
        months.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def date_ticks(origin: dt.date, first: dt.date, last: dt.date) -> tuple[tuple[float, str], ...]:
    """Tick positions (days after `origin`) and labels for the dates first..last.

    Month starts labelled 'Jan' (quarters of long ranges 'Jan 2026'), or for
    ranges with fewer than two month starts, the first, middle and last day.
    """
    months = _month_starts(first, last)
    if len(months) > 40:
        months = [m for m in months if m.month == 1]
        labels = [str(m.year) for m in months]
    elif len(months) > 13:
        months = [m for m in months if m.month in (1, 4, 7, 10)]
        labels = [month(m, year=True) for m in months]
    else:
        labels = [month(m) for m in months]
    if len(months) >= 2:
        return tuple(((m - origin).days, label) for m, label in zip(months, labels))
    middle = first + (last - first) / 2
    days = sorted({first, middle, last})
    return tuple(((d - origin).days, format_date(d, "short")) for d in days)


def truncate(text: str, limit: int = LABEL_CHARS) -> str:
    """One line of at most `limit` characters, cut at a word where possible, with '…'."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return cut_at_word(text, limit - 1) + "…"


def cut_at_word(text: str, end: int) -> str:
    """The text's first `end` characters, back to the end of a word where that keeps at least half
    of them: "from 104% to 11" read as a target of 11 (of 115%)."""
    cut = text[:end]
    space = cut.rfind(" ")
    if end < len(text) and text[end] != " " and space >= (end + 1) // 2:  # not in the middle of a word
        cut = cut[:space]
    return cut.rstrip(" ,;:-–")


def wrap(text: str, limit: int, lines: int = 2) -> str:
    """At most `lines` lines of at most `limit` characters, broken between words, the last one
    cut with '…' when the text is longer: a label that uses the room there is."""
    rest = " ".join(text.split())
    out: list[str] = []
    while rest and len(out) < lines - 1 and len(rest) > limit:
        cut = rest.rfind(" ", 0, limit + 1)
        if cut < limit // 2:  # no space in the second half: one long word is cut instead
            break
        out.append(rest[:cut])
        rest = rest[cut + 1:]
    return "\n".join(out + [truncate(rest, limit)]) if rest else "\n".join(out)
