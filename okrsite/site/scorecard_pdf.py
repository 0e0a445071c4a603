"""A period's scorecard as a one-page A4 landscape PDF: `periods/<id>/scorecard.pdf`.

The spec is the scorecard (okrsite.site.scorecard) in words and numbers, each formatted as the
page formats it (okrsite.site.formatting), plus the theme's light colours; the drawing
(okrsite.site.charts.draw_scorecard, written by okrsite.site.charts.pdf_page) only lays it out.
Drawn PDFs are kept in `.okrsite-cache/scorecards/` under the hash of their spec (as charts are
in `charts/`), so an unchanged period is not drawn again; the folder keeps the last build's only.
They are drawn when charts are on (`charts: enabled`), in the process that draws the charts.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from okrsite import __version__
from okrsite.model.vocabulary import ENDED_STATUSES, OKR_STATUSES, term
from okrsite.site.charts.cache import ChartCache, drawing_key
from okrsite.site.formatting import (_, date, grade, ngettext, number, pace_words, percent, status_count, status_label,
                                     status_word)
from okrsite.site.language import pgettext_
from okrsite.site.links import period_url
from okrsite.site.scorecard import TOP_KEY_RESULTS, KeyResultLine, LaneLine, ObjectiveLine, ProjectLine, Scorecard


CACHE_FOLDER = "scorecards"  # in .okrsite-cache/: the PDFs of the last build, by the hash of their spec
DRAWING = 14  # bump when okrsite.site.charts.draw_scorecard changes what it draws (the cache key holds it)


def pdf_path(period_id: str) -> str:
    return period_url(period_id) + "scorecard.pdf"


@dataclass(frozen=True)
class Line:
    """A row of one of the page's lists: an icon in a colour, a title with a note under it, a value at
    the right with a word under it, and optionally a bar (progress, and a mark at the expected pace)."""

    colour: str  # the palette role of the icon
    icon: str
    title: str
    fallback: str  # shown instead of the title when the PDF's font lacks one of its characters
    note: str = ""
    value: str = ""
    value_note: str = ""
    bar: float | None = None
    mark: float | None = None


@dataclass(frozen=True)
class Block:
    heading: str
    count: str  # how many the list holds, all told: "(12)" after the heading, never cut
    lines: tuple[Line, ...]
    more: str = ""  # "and 12 more: …"
    empty: str = ""  # said when there are no lines
    aside: str = ""  # at the right of the heading: how to read the lines
    # Lines the drawing may leave out, from the end, to keep long titles whole: the `more` that
    # says so for one line fewer, two fewer, … (none: every line is listed)
    cuts: tuple[str, ...] = ()


@dataclass(frozen=True)
class PdfSpec:
    document_title: str  # the PDF's own title (its metadata)
    language: str  # the site's language (BCP 47), for screen readers
    eyebrow: str
    title: str
    title_fallback: str  # the period's id, shown where the font cannot set its title
    subtitle: str
    figure_label: str
    figure: str
    figure_notes: tuple[str, ...]  # a line each
    counts: tuple[tuple[str, int, str, str], ...]  # (status, count, icon, "4 on track"), the statuses in order
    counts_note: str  # drafts, counted apart
    columns: tuple[tuple[Block, ...], tuple[Block, ...]]  # left: the objectives; right: the other lists
    footer: str
    colours: tuple[tuple[str, str], ...]  # the theme's light palette: role -> colour


def _objective(line: ObjectiveLine, ended: bool) -> Line:
    priority = f"P{line.priority}" if line.priority is not None else ""  # the list's first order
    who = " · ".join(part for part in (priority, line.owner, line.team) if part)
    if ended:
        return Line(line.status, term(line.status).icon, line.title, line.id, who, grade(line.grade),
                    f"{status_word(line.status)}, {percent(line.progress)}", line.progress)
    return Line(line.status, term(line.status).icon, line.title, line.id, who, percent(line.progress),
                _pace(line), line.progress, line.expected)


def _pace(line: ObjectiveLine | KeyResultLine) -> str:
    """How far behind or ahead of the pace, as the page's badge says it; a done or not started one's
    state (a done objective read "53 pts ahead")."""
    if line.expected is None or line.status in ("done", "not-started"):
        return status_word(line.status)
    return pace_words(line)


def _key_result(line: KeyResultLine) -> Line:
    return Line(line.status, term(line.status).icon, line.title, line.ref, line.objective, percent(line.progress),
                _pace(line))


def _project(line: ProjectLine) -> Line:
    problems = []
    if line.late_days is not None:
        problems.append(ngettext("late by %(num)s day", "late by %(num)s days", line.late_days))
    if line.budget_used is not None:
        problems.append(_("%(share)s of budget spent", share=percent(line.budget_used)))
    if line.hours_used is not None:
        problems.append(_("%(share)s of hours used", share=percent(line.hours_used)))
    return Line("off-track", "⚑", line.title, line.id, ", ".join(problems), "", line.owner)


def _lane(lane: LaneLine) -> Line:
    named = ", ".join(lane.titles)
    more = lane.count - len(lane.titles)
    return Line(lane.lane, term(lane.lane).icon, status_label(lane.lane), lane.lane,
                named + (ngettext(" and %(num)s more", " and %(num)s more", more) if more > 0 and named else ""),
                number(lane.count))


MORE: dict[str, Callable[[int], str]] = {  # what _more counts: "and 12 more objectives"
    "objective": lambda n: ngettext("and %(num)s more objective", "and %(num)s more objectives", n),
    "key result": lambda n: ngettext("and %(num)s more key result", "and %(num)s more key results", n),
    "project": lambda n: ngettext("and %(num)s more project", "and %(num)s more projects", n),
}


def _more(count: int, what: str, statuses: dict[str, int] | None = None) -> str:
    """'and 12 more objectives: 4 off track, 8 on track'."""
    if count <= 0:
        return ""
    order = [*OKR_STATUSES, *ENDED_STATUSES]
    counts = sorted((statuses or {}).items(), key=lambda sn: order.index(sn[0]))
    detail = ", ".join(status_count(s, n) for s, n in counts if n)
    more = MORE[what](count)
    return _("%(more)s: %(listing)s", more=more, listing=detail) if detail else more


def pdf_spec(card: Scorecard, site_title: str, language: str, colours: tuple[tuple[str, str], ...],
             link: str) -> PdfSpec:
    """The scorecard in the words and numbers its page shows them in."""
    period, ended = card.period, card.ended
    if ended:
        figure = (_("Mean grade"), grade(card.mean_grade), card.figure_notes)
        state = _("ended %(date)s: final grades", date=date(period.end))
        kr_heading, kr_empty = _("Key results not done, furthest from done"), _("Every key result is done.")
    else:
        figure = (_("Overall progress"), percent(card.overall), card.figure_notes)
        state = _("%(share)s of the period elapsed", share=percent(card.elapsed))
        # the dashboard's heading, whose translation may need to be shorter to fit a column of the page
        kr_heading = pgettext_("scorecard", "Key results most behind pace")
        kr_empty = _("No key result is behind the expected pace.")
    key = _("grade, and progress at the end") if ended else _("progress; | where it should be by now")
    objectives = tuple(Block(_("Top-level objectives") if group.top_level else _("Supporting objectives"),
                             number(group.total), tuple(_objective(line, ended) for line in group.lines),
                             _more(group.more, "objective", group.rest), _("No objective has key results yet."),
                             key if index == 0 else "")
                       for index, group in enumerate(card.groups))

    def more_key_results(shown: int) -> str:  # those left out when `shown` are listed, by status
        rest = Counter(card.key_results_rest) + Counter(line.status for line in card.key_results[shown:])
        return _more(card.key_results_total - shown, "key result", {} if ended else dict(rest))

    listed = len(card.key_results)
    key_results = Block(kr_heading, number(card.key_results_total), tuple(_key_result(l) for l in card.key_results),
                        more_key_results(listed), kr_empty,
                        cuts=tuple(more_key_results(shown) for shown in range(listed - 1, TOP_KEY_RESULTS - 1, -1)))
    projects = Block(_("Projects late or over budget"), number(card.projects_total),
                     tuple(_project(l) for l in card.projects),
                     _more(card.projects_total - len(card.projects), "project"),
                     _("None: every project is on time and within budget."))
    lanes = Block(_("Portfolio lanes"), "", tuple(_lane(lane) for lane in card.lanes), "", _("No projects."))
    return PdfSpec(
        document_title=f"{_('Scorecard: %(period)s', period=period.title)} · {site_title}",
        language=language,
        eyebrow=f"{_('Scorecard')} · {site_title}",
        title=period.title,
        title_fallback=period.id,
        subtitle=" · ".join((f"{date(period.start)} – {date(period.end)}",
                             _("report as of %(date)s", date=date(card.as_of)), state)),
        figure_label=figure[0], figure=figure[1], figure_notes=figure[2],
        counts=tuple((status, count, term(status).icon, status_count(status, count))
                     for status, count in card.counts.items()),
        counts_note=ngettext("%(num)s draft (no key results yet) not counted",
                             "%(num)s drafts (no key results yet) not counted", card.drafts) if card.drafts else "",
        columns=(objectives, (key_results, projects, lanes)),
        footer=_("okrsite %(version)s · the full report: %(link)s", version=__version__, link=link),
        colours=colours,
    )


def cached_pdfs(specs: dict[str, PdfSpec], cache_dir: Path) -> tuple[dict[str, bytes], dict[str, PdfSpec]]:
    """The PDFs (path in the site -> bytes) the cache holds for these specs, and the specs of those
    it does not (for `draw_pdfs`); the cache keeps these specs' PDFs only. Read in the build's own
    process, so a build whose PDFs are all cached waits for no drawing process.
    No specs (charts off) leaves the cache as it is, for when charts are on again."""
    if not specs:
        return {}, {}
    folder = cache_dir / CACHE_FOLDER
    cache = ChartCache(folder)
    found: dict[str, bytes] = {}
    missing: dict[str, PdfSpec] = {}
    keys = set()
    for path, spec in specs.items():
        key = _key(spec)
        keys.add(key)
        data = cache.get(key, "pdf")
        if data is None:
            missing[path] = spec
        else:
            found[path] = data
    for stale in folder.glob("*.pdf") if folder.is_dir() else ():  # every period's is made each build:
        if stale.stem not in keys:  # the others are of content that has changed since
            with contextlib.suppress(OSError):
                stale.unlink()
    return found, missing


def draw_pdfs(specs: dict[str, PdfSpec], cache_dir: Path) -> dict[str, bytes]:
    """Each PDF (path in the site -> its spec) drawn and kept in the cache. Plain data in and out:
    the build's drawing process does it (its fonts read there early)."""
    from okrsite.site.charts.draw_scorecard import draw

    cache = ChartCache(cache_dir / CACHE_FOLDER)
    files: dict[str, bytes] = {}
    for path, spec in specs.items():
        files[path] = draw(spec)
        cache.put(_key(spec), "pdf", files[path])
    return files


def _key(spec: PdfSpec) -> str:
    return drawing_key("scorecard", {"drawing": DRAWING, "spec": spec})
