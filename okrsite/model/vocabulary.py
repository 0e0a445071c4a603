"""The words of the report: every status with its order, label, word and icon, in one place.

Templates (badges, counts), charts (colours, count strips, alt text), exports and the
order of lists all read this table, so a new status is one entry here and one colour
in the stylesheet. Colour is never the only signal: each status has an icon and a word.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Term:
    id: str  # as in okrs.json and CSS classes: "at-risk"
    label: str  # on its own (a badge, a table cell): "At risk"
    word: str  # inside a sentence (alt text, captions): "at risk"
    icon: str  # beside the word, so colour is never the only signal


def _terms(*rows: tuple[str, str, str, str]) -> dict[str, Term]:
    return {row[0]: Term(*row) for row in rows}


# Key results and objectives, in the order a manager reads them: worst first.
OKR_STATUSES = _terms(
    ("off-track", "Off track", "off track", "■"),
    ("at-risk", "At risk", "at risk", "▲"),
    ("on-track", "On track", "on track", "●"),
    ("not-started", "Not started", "not started", "○"),
    ("done", "Done", "done", "✔"),
    ("draft", "Draft", "draft", "◌"),  # an objective with no key results yet: counted apart
    ("dropped", "Dropped", "dropped", "⊘"),  # a key result dropped mid-period: counts in no number
)

# A project's own status, as its file states it, in the order of its life.
PROJECT_STATUSES = _terms(
    ("planned", "Planned", "planned", "○"),
    ("active", "Active", "active", "●"),
    ("on-hold", "On hold", "on hold", "❚❚"),
    ("done", "Done", "done", "✔"),
    ("cancelled", "Cancelled", "cancelled", "✕"),
)

# The statuses of items that count in the numbers; drafts and dropped KRs are counted apart.
COUNTED = ("off-track", "at-risk", "on-track", "not-started", "done")


# What to do with a project (model/portfolio.py decides), in the order a manager acts on them. The
# icons are the shapes of the lanes' markers in the portfolio chart.
LANES = _terms(
    ("halt", "Halt?", "halt?", "■"),
    ("review", "Review", "review", "▲"),
    ("push", "Push", "push", "●"),
    ("keep", "Keep", "keep", "◆"),
)
LANE_MEANINGS = {
    "halt": "supports nothing still open: every objective and key result it supports is done, dropped or in an "
            "ended period, or it supports none",
    "review": "late, or behind its plan on schedule or cost (SPI or CPI below 0.85)",
    "push": "not in review (not late, SPI and CPI 0.85 or more), and moves a key result or objective that is at "
            "risk or off track",
    "keep": "not in review, and what it supports is on track",
}

# Once a period has ended, pace no longer applies: a key result or objective is done, or it is
# not (its grade says how far it got). Other statuses (not started, dropped, draft) stay.
PACE_STATUSES = ("off-track", "at-risk", "on-track")
ENDED_STATUSES = _terms(("done", "Done", "done", "✔"), ("not-done", "Not done", "not done", "◑"))

_ALL = {**ENDED_STATUSES, **PROJECT_STATUSES, **OKR_STATUSES, **LANES}
_RANK = {status: index for index, status in enumerate(OKR_STATUSES)}


def term(status: str) -> Term:
    """The words of a status; an unknown id reads as itself (a site theme's own status)."""
    known = _ALL.get(status)
    if known is not None:
        return known
    words = status.replace("-", " ")
    return Term(status, words.capitalize(), words, "•")


def rank(status: str) -> int:
    """Place in the worst-first order of OKR statuses (unknown ones last)."""
    return _RANK.get(status, len(_RANK))


def _worst(item: Any) -> tuple[Any, ...]:
    return rank(item.status), item.progress - item.expected, item.id


def worst_first(items: Iterable[Any]) -> list[Any]:
    """Worst status first, then furthest behind pace, then by id: what a chart of the furthest
    behind shows, whatever their priority."""
    return sorted(items, key=_worst)


def by_status(items: Iterable[Any]) -> list[Any]:
    """By priority (P0 first, none last), then worst first: the order a manager reads lists in."""
    def key(item: Any) -> tuple[Any, ...]:
        priority = getattr(item, "priority", None)
        return (4 if priority is None else priority, *_worst(item))
    return sorted(items, key=key)


def final(status: str, progress: float) -> str:
    """The state shown once the period has ended: a pace status becomes 'done' at progress 1 (a
    maintain KR inside its band all period: its status follows the band, not pace), else 'not-done'."""
    if status in PACE_STATUSES:
        return "done" if progress >= 1 else "not-done"
    return status


def shown_status(item: Any, ended: bool) -> str:
    """An objective's or key result's status as the pages show it: done or not done once its period
    has ended, else its status."""
    return final(item.status, item.progress) if ended else item.status


def shown_forecast(kr: Any) -> Any:
    """A key result's forecast as the pages show it: none once it is done. Its trend carried past
    the target says nothing to act on, and can pass what the measure allows (a coverage of 177%);
    okrs.json keeps it, as the spec defines it."""
    return None if kr.status == "done" else kr.forecast


def final_counts(items: Iterable[Any]) -> dict[str, int]:
    """How many items of an ended period are done and not done (other statuses where there are any)."""
    counts = dict.fromkeys(ENDED_STATUSES, 0)
    for item in items:
        state = final(item.status, item.progress)
        counts[state] = counts.get(state, 0) + 1
    return counts


def period_counts(objectives: Iterable[Any], ended: bool) -> dict[str, int]:
    """A period's objectives by status, drafts left out (they are counted apart): each status that
    counts, or once the period has ended, done and not done (pace no longer applies). The
    dashboard's, a period page's and the status chart's counts."""
    numbered = [o for o in objectives if not o.is_draft]
    if ended:
        return final_counts(numbered)
    every = status_counts(numbered)
    return {status: every[status] for status in COUNTED}


def status_counts(items: Iterable[Any]) -> dict[str, int]:
    """How many items have each OKR status, every status present, in the worst-first order."""
    counts = dict.fromkeys(OKR_STATUSES, 0)
    for item in items:
        counts[item.status] += 1
    return counts
