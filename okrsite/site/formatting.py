"""How numbers, dates, statuses and sentences read on a page (and in chart labels and alt text).

One place, so a percentage reads the same in a table, a bar's label and a chart.
Jinja filters of the same names; the theme's helpers and the chart specs use them too.

Everything here speaks the build's language (okrsite.site.language): a number is rounded
once, the English way (the one rounding rule), and only then written with the language's
symbols, so '1,720.5' and '1.720,5' are the same number in every language. English is
written by this module's own code, exactly as before languages existed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from okrsite.model.periods import builtin_period
from okrsite.model.portfolio import REVIEW_BELOW, below_review
from okrsite.model.scoring import round_half_up, whole_percent
from okrsite.model.vocabulary import term
from okrsite.site.language import current, gettext_, ngettext_, pgettext_

if TYPE_CHECKING:  # a build with nothing to do imports formatting, and not the model
    from okrsite.model.periods import Period
    from okrsite.model.site import Site, Update


def _(message: str, /, **values: object) -> str:
    """A sentence in the build's language: `_("Objectives of %(team)s", team=name)`. Every message is
    %-formatted, as Jinja's (new style) gettext does, so a catalog's '%%' always reads '%'; whole
    numbers among the values are written as `number` writes them."""
    text = gettext_(message)
    return text % message_values(values) if values or "%" in text else text


def ngettext(singular: str, plural: str, count: int, /, **values: object) -> str:
    """The form of a sentence for a count: `ngettext("%(num)s day", "%(num)s days", n)`."""
    values.setdefault("num", count)
    return ngettext_(singular, plural, count) % message_values(values)


def message_values(values: dict[str, object]) -> dict[str, object]:
    """The values of a message as it shows them (a year belongs in a message as text, not a number)."""
    return {key: number(value) if type(value) is int else value for key, value in values.items()}


def local_digits(text: str) -> str:
    """A number written the English way ('-1,720.5') in the build's language ('−1.720,5'; Spanish
    groups a whole part of five digits or more: '1040', '10.400')."""
    numbers = current().numbers
    if numbers is None:
        return text
    if numbers.grouped_from > 4:
        text = _FOUR_DIGITS.sub(r"\1\2", text)
    return text.translate(numbers.symbols)


_FOUR_DIGITS = re.compile(r"(?<![\d,])(\d),(\d{3})(?![\d,])")  # a whole part of four digits, grouped


def percent_sign(number_text: str) -> str:
    """A number (as `number` writes it) as a percentage: '55%' in English, '55 %' in German."""
    numbers = current().numbers
    if numbers is None:
        return number_text + "%"
    return numbers.percent[0] + number_text + numbers.percent[1]


SIGNIFICANT = 2  # digits a small value keeps (0.0035 is not 0, 0.055 not 0.06)
MOST_DECIMALS = 8


def number(value: float | int | None, digits: int = 2) -> str:
    """1720 -> '1,720'; 0.5 -> '0.5'; 12.0 -> '12'; a value below 0.1 keeps two significant digits
    (0.0035 -> '0.0035', 0.055 -> '0.055': a rate kept as a fraction read "from 0 to 0")."""
    if value is None:
        return "–"
    if isinstance(value, float) and 0 < abs(value) < 0.1 and math.isfinite(value):
        digits = min(max(digits, SIGNIFICANT - 1 - math.floor(math.log10(abs(value)))), MOST_DECIMALS)
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return "0" if text in ("-0", "") else local_digits(text)


def round_to_span(value: float, span: float) -> float:
    """A value rounded to what matters on a scale of `span`: 1,643.96 -> 1,644 (span 1,600), 3.11 -> 3.1 (span 4)."""
    if span <= 0 or not math.isfinite(span):
        return value
    digits = max(0, 1 - math.floor(math.log10(span)))
    return round(value, digits)


def compact(value: float, digits: int = 2, step: float = 0.0) -> str:
    """A number as short as a title writes it, for estimates and charts: 950, 12,000, 250k, 2.68M, 3B;
    `step`: what the value is known to, which a short form keeps (2.436M for a step of 1,000)."""
    magnitude = abs(value)
    numbers = current().numbers
    if numbers is None:
        for limit, scale, suffix in ((1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e5, 1e3, "k")):
            if magnitude >= limit:
                return number(value / scale, _decimals(step, scale)) + suffix
    else:  # the language's own short forms ('2,68 Mio.'), where it has one for the size
        for limit, scale, before, after in numbers.compact:
            if magnitude >= limit:
                return before + number(value / scale, _decimals(step, scale)) + after
    if float(value).is_integer():
        return number(int(value))
    return number(float(value), digits)


def _decimals(step: float, scale: float) -> int:
    """The decimals a short form (of `scale`) shows: 2, or as many as a value known to `step` needs."""
    return 2 if step <= 0 else max(2, math.ceil(-math.log10(step / scale) - 1e-9))


def in_turn(parts: Iterable[str]) -> str:
    """Parts of a sentence one after another, as the language separates them ('; ' in English, a
    narrow space before the semicolon in French)."""
    return pgettext_("between parts of a sentence", "; ").join(parts)


def titled(subject: str, words: str) -> str:
    """`words` said of `subject` ('Subject: words'; French puts a space before the colon)."""
    return _("%(subject)s: %(words)s", subject=subject, words=words)


def plural(count: int, word: str, words: str = "", counted: bool = True) -> str:
    """'1 chart', '2 charts', '1,200 days': a count with the word it counts ('process', 'processes');
    `counted=False`: the word alone, for a count shown apart from it."""
    noun = word if count == 1 else words or word + "s"
    return f"{count:,} {noun}" if counted else noun


# A unit that is a plural word ("days", "views", "hrs"), whose singular is the word less its "s";
# not an abbreviation ("ms", "kbps", "fps") nor a plural like "stories", "boxes", "matches", "status".
_WORD = re.compile(r"[a-z]{2,}s", re.ASCII)
_NOT_PLURAL_S = ("ss", "us", "is", "ies", "xes", "ches", "shes", "ses", "zes")
_RATES = re.compile(r"[kmgt]?bps|[fqr]ps|i?ops", re.ASCII)


def unit_for(value: float | None, unit: str) -> str:
    """The unit as it reads after the value: '1 day' but '2 days', never '1 views'."""
    if (value is not None and abs(value) == 1 and _WORD.fullmatch(unit) and not unit.endswith(_NOT_PLURAL_S)
            and not _RATES.fullmatch(unit)):
        return unit[:-1]
    return unit


def value_text(value: float, unit: str = "", digits: int = 2, short: bool = False, step: float = 0.0) -> str:
    """A number with its unit, as the HTML shows it: '1,720 views', '7%', '1 day'; `short`: as
    an estimate or a chart label reads, '2.68M USD' (`step`: as compact)."""
    text = compact(value, digits, step) if short else number(int(value) if float(value).is_integer() else float(value),
                                                              digits)
    return with_unit(text, value, unit)


def with_unit(text: str, value: float | None, unit: str | None) -> str:
    """A written number and its unit: '7%' (as the language writes a percentage), '4.6/5' (a
    unit that starts with '/' is a scale: no space), '1,720 views', '1 day'."""
    if unit == "%":
        return percent_sign(text)
    if unit and unit.startswith("/"):
        return f"{text}{unit}"
    return f"{text} {unit_for(value, unit)}" if unit else text


def estimate(value: float, start: float | None, target: float | None, unit: str = "") -> str:
    """A computed value (a forecast) with its unit, to the precision of the KR's scale and in steps
    of at most 2 % of its span, so that the share of the way printed beside it checks out to a point:
    "11.4 logos (95%)" of 12, where "11 logos (95%)" read as 92 %."""
    span = abs((target or 0) - (start or 0)) or abs(value) or 1.0
    if not 1e-9 < span < 1e300:  # nothing to measure a step by
        return value_text(value, unit, short=True)
    digits = max(1 - math.floor(math.log10(span)), math.ceil(math.log10(50 / span)))  # may be below 0: tens...
    return value_text(round(value, max(digits, 0)), unit, max(digits, 0), short=True, step=10.0 ** -digits)


def percent(value: float | None) -> str:
    return "–" if value is None else percent_sign(local_digits(str(whole_percent(value))))


def pace_points(progress: float, expected: float) -> int:
    """Percentage points behind the expected pace (negative: ahead), taken between the shown
    percentages, so '13%', 'expected 20%' and '7 pts behind' agree on one page."""
    return whole_percent(expected) - whole_percent(progress)


def pace_words(item: Any) -> str:
    """A KR's or objective's pace in words, from the shown percentages: '12 pts behind', '3 pts
    ahead', 'on pace'; a maintain KR is inside or outside its band (keeping a value is not a race
    against the calendar)."""
    if getattr(item, "type", None) == "maintain":
        return _("inside the band") if item.status == "on-track" else _("outside the band")
    points = pace_points(item.progress, item.expected)
    return (ngettext("%(num)s pt behind", "%(num)s pts behind", points) if points > 0
            else ngettext("%(num)s pt ahead", "%(num)s pts ahead", -points) if points < 0 else _("on pace"))


def css_percent(value: float | None) -> str:
    """A 0..1 fraction as a CSS length in percent, clamped: 0.4736 -> '47.4', 1.2 -> '100'."""
    return f"{min(1.0, max(0.0, value or 0.0)) * 100:.1f}".removesuffix(".0")


def css_string(value: object) -> str:
    """Text as a quoted CSS string (for `content:` in a style attribute, which the template's
    autoescape then escapes for HTML): backslashes and quotes escaped, line breaks as spaces. Text
    the template already escaped for HTML (Markup) is taken back to what it says first."""
    text = value.unescape() if isinstance(value, Markup) else str(value)
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text).replace("\\", "\\5c ").replace('"', "\\22 ")
    return f'"{text}"'


def grade(value: float | None) -> str:
    """Always two decimals, half up: 0.9 -> '0.90', 0.625 -> '0.63', 1 -> '1.00'."""
    return "–" if value is None else local_digits(f"{round_half_up(value, 2):.2f}")


def ratio(value: float | None) -> str:
    """An index such as SPI or CPI, two decimals as grades (0.425 -> '0.43', 1 -> '1.00'), or three
    where two would put a value below the review line on it: 0.849 sends a project to review, and
    '0.85' beside "below 0.85" read as a mistake."""
    if not below_review(value) or round_half_up(value, 2) < REVIEW_BELOW:  # (None is never below)
        return grade(value)
    assert value is not None
    return local_digits(f"{math.floor(value * 1000) / 1000:.3f}")  # cut, never rounded up onto the line


def money(value: float | None, currency: str = "") -> str:
    """An amount in whole units, half up, with its currency: 46500.4 -> '46,500 USD'."""
    if value is None:
        return "–"
    text = number(int(round_half_up(value, 0)))
    return f"{text} {currency}" if currency else text


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # as in every locale


def date(value: dt.date | None, style: str = "long") -> str:
    """'15 Feb 2026' (long) or '15 Feb' (short): the month in words, never an ambiguous 02/03;
    in German '15. Feb. 2026', in French '15 févr. 2026'."""
    if value is None:
        return "–"
    language = current()
    if language.numbers is None:
        return f"{value.day} {MONTHS[value.month - 1]}" + ("" if style == "short" else f" {value.year}")
    return _babel_date(value, language.numbers.date_short if style == "short" else language.numbers.date_long,
                       language.locale)


def month(value: dt.date, year: bool = False) -> str:
    """A month as a chart's axis names it: 'Feb' ('Feb 2026'); 'Feb' ('févr.') in the build's language."""
    language = current()
    if language.numbers is None:
        return f"{value:%b}" + (f" {value.year}" if year else "")
    return _babel_date(value, "LLL y" if year else "LLL", language.locale)


@functools.lru_cache(maxsize=4096)  # a site shows the same few hundred dates on thousands of pages
def _babel_date(value: dt.date, pattern: str, locale: object) -> str:
    from babel.dates import format_date
    return format_date(value, pattern, locale=locale)


def period_title(period: Period) -> str:
    """A quarter's or half's built-in title as the language writes it ("T2 2026" in French), also
    where a custom period of that id took it; a year's, and a title of the site's own, as they are."""
    builtin = builtin_period(period.id)
    if builtin is None or builtin.kind not in ("quarter", "half") or period.title != builtin.title:
        return period.title
    year, n = period.id[:4], period.id[-1]  # 2026-Q2, 2026-H1
    return _("Q%(n)s %(year)s", n=n, year=year) if builtin.kind == "quarter" else _("H%(n)s %(year)s", n=n, year=year)


def in_language(site: Site) -> Site:
    """The site as its pages, charts, feed and search show it: built-in periods titled in the
    build's language (okrs.json, the same in every language, is made from the model itself)."""
    titles = {key: period_title(period) for key, period in site.periods.items()}
    if all(titles[key] == period.title for key, period in site.periods.items()):
        return site  # English: the model as it is
    return dataclasses.replace(site, periods={key: dataclasses.replace(period, title=titles[key])
                                              for key, period in site.periods.items()})


def update_figures(update: Update, currency: str = "") -> str:
    """A project update's totals in words: "spent 8,100 USD · 60% of the work done" (its page, the
    changes page and the feed say them alike)."""
    parts = [_("spent %(amount)s", amount=money(update.spent, currency)) if update.spent is not None else "",
             _("%(hours)s h worked", hours=money(update.hours)) if update.hours is not None else "",
             _("%(share)s of the work done", share=percent(update.progress)) if update.progress is not None else ""]
    return " · ".join(part for part in parts if part)


def status_label(status: str) -> str:
    return gettext_(term(status).label)


def status_word(status: str) -> str:
    return gettext_(term(status).word)


def status_count(status: str, count: int) -> str:
    """'4 on track': a count with its status word, in the order the language puts them ('on track: 4'
    where a count before an adjective would ask for its agreement)."""
    return _("%(num)s %(status)s", num=count, status=status_word(status))


def zone_label(zone: str) -> str:
    """A zones KR's zone by name: 'Fail', 'Commit', 'Target', 'Stretch'."""
    return {"fail": pgettext_("zone", "Fail"), "commit": pgettext_("zone", "Commit"),
            "target": pgettext_("zone", "Target"), "stretch": pgettext_("zone", "Stretch")}.get(zone, zone.capitalize())


def status_icon(status: str) -> str:
    return term(status).icon
