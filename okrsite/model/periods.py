"""Period ids to date ranges: `2026` (year), `2026-H1` (half), `2026-Q1` (quarter), or custom.

Periods include their end date. Every date okrsite accepts lies between FIRST_DAY and
LAST_DAY, far enough from the ends of the calendar that no date arithmetic of a
report (a period's end, a chart's margins) can leave it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
_BUILTIN = re.compile(r"^(?P<year>\d{4})(?:-(?P<kind>[QH])(?P<n>\d))?$")
# A quarter or half as people write it: Q1 2026, 2026 Q1, 2026-q1, q1/2026, or Q1 without its year.
_WRITTEN = re.compile(r"(?:(?P<year>\d{4})\s*[-/ ]?\s*(?P<kind>[QH])\s*(?P<n>\d)"
                      r"|(?P<kind2>[QH])\s*(?P<n2>\d)(?:\s*[-/ ]?\s*(?P<year2>\d{4}))?)", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    id: str
    title: str
    start: dt.date
    end: dt.date  # inclusive
    kind: str  # "year" | "half" | "quarter" | "custom"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def has_ended(self, as_of: dt.date) -> bool:
        return self.end < as_of

    def sort_key(self) -> tuple[dt.date, int, str]:
        """Chronological, and within the same start the shorter period first."""
        return (self.start, self.days, self.id)


def _month_span(year: int, first_month: int, months: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, first_month, 1)
    after = first_month + months
    end = dt.date(year + (after - 1) // 12, (after - 1) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def builtin_period(period_id: str) -> Period | None:
    """The built-in period an id names, or None if it is not a built-in id."""
    match = _BUILTIN.fullmatch(period_id)
    if not match:
        return None
    year = int(match["year"])
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        return None
    kind, n = match["kind"], match["n"]
    if kind is None:
        return Period(period_id, str(year), dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    number = int(n)
    if kind == "Q" and 1 <= number <= 4:
        start, end = _month_span(year, 3 * number - 2, 3)
        return Period(period_id, f"Q{number} {year}", start, end, "quarter")
    if kind == "H" and 1 <= number <= 2:
        start, end = _month_span(year, 6 * number - 5, 6)
        return Period(period_id, f"H{number} {year}", start, end, "half")
    return None


def written_period(text: str, year: int | None = None) -> str | None:
    """The built-in id of a quarter or half written another way (Q1 2026, 2026-q1 and 2026 Q1 are
    2026-Q1; Q1 alone is that of `year`), or None for any other text."""
    match = _WRITTEN.fullmatch(text.strip())
    if match is None or not (written_year := match["year"] or match["year2"] or year):
        return None
    kind = (match["kind"] or match["kind2"]).upper()
    return f"{written_year}-{kind}{match['n'] or match['n2']}"


def quarter_containing(day: dt.date) -> Period:
    """The shortest built-in period containing a day: the default period."""
    period = builtin_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    assert period is not None
    return period


def resolve_period(period_id: str, custom: dict[str, Period]) -> Period | None:
    """Custom periods win over built-in ids of the same name."""
    return custom.get(period_id) or builtin_period(period_id)
