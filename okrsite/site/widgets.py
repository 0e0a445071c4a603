"""The default theme's small pieces of HTML, as Python: links, amounts, badges, bars, flags.

A 1,000-objective site calls these ~100,000 times per build. As Jinja macros each
call cost ~10 µs of macro machinery; as functions ~1 µs. The structural macros
(tables, cards, trees) stay in `_macros.html`, where a theme author reads and
overrides them, and call these as Jinja globals: `{{ badge(kr.status) }}`.

Each helper returns Markup, so Jinja does not escape it again. Every string that
comes from content or a template (titles, ids, names, units, statuses, labels)
goes through `escape`; the number formats (`percent`, `css_percent`, `grade`) and
counts hold only digits and signs. The whitespace matches what the macros gave
under trim_blocks/lstrip_blocks, so the built pages stay byte-identical.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import jinja2
from jinja2.runtime import Context
from markupsafe import Markup

from okrsite.model.site import KeyResult, Objective, Project, Team
from okrsite.model.vocabulary import final, shown_forecast, shown_status, status_counts
from okrsite.site import formatting
from okrsite.site.formatting import (_, css_percent, grade, message_values, ngettext, number, percent,
                                     plural, status_icon, status_label, titled, with_unit, zone_label)
from okrsite.site.language import current, gettext_, Language
from okrsite.site.links import link_url, objective_url, project_url, team_url
from okrsite.site.markup import escape_output as escape


def _html(message: str, /, **values: object) -> Markup:
    """A piece of the theme's HTML in the build's language: the translation is markup, as in a
    template's {% trans %}; the values are escaped unless they are Markup themselves."""
    return Markup(gettext_(message)) % message_values(values)


def amount(value: float | None, unit: str | None = "") -> Markup:
    """A number with its unit, as people write it: '1,720 views', '7%', '12,000 USD'."""
    return escape(with_unit(number(value), value, unit))


# ---------- links ----------

def _link(context: Context, target: str, text: str) -> Markup:
    """An <a> to a site path, relative to the page being rendered (the page's url())."""
    return Markup(f'<a href="{escape(context.resolve("url")(target))}">{escape(text)}</a>')


@jinja2.pass_context
def objective_link(context: Context, o: Objective) -> Markup:
    return _link(context, objective_url(o.id), o.title)


@jinja2.pass_context
def project_link(context: Context, p: Project) -> Markup:
    return _link(context, project_url(p.id), p.title)


@jinja2.pass_context
def kr_link(context: Context, kr: KeyResult) -> Markup:
    """A key result is a section of its objective's page, anchored #kr-<id>."""
    return _link(context, link_url(kr.ref), kr.title)


def _known_team(context: Context, team_id: str | None) -> Team | None:
    return context.resolve("site").teams.get(team_id) if team_id else None


@jinja2.pass_context
def team_link(context: Context, team_id: str | None) -> Markup:
    """A team's name linked to its page; an id teams.yaml does not know stays plain text."""
    team = _known_team(context, team_id)
    if team is not None:
        return _link(context, team_url(team_id), team.name)
    return escape(team_id) if team_id else Markup(f'<span class="muted">{escape(_("No team"))}</span>')


def names(people: tuple[str, ...] | list[str]) -> Markup:
    """Owners' names, each set apart (<bdi>): a name in a right-to-left script otherwise takes the
    numbers and words beside it into its own direction ("15 · فاطمة KRs")."""
    return Markup(", ").join(Markup("<bdi>%s</bdi>") % name for name in people)


@jinja2.pass_context
def team_name(context: Context, team_id: str | None) -> Markup:
    """A team's name as text (headings, captions): its id when unknown, 'No team' without one."""
    team = _known_team(context, team_id)
    return escape(team.name if team is not None else team_id or _("No team"))


# ---------- status ----------

def badge(status: str) -> Markup:
    """Glyph, word and colour: colour is never the only signal."""
    return _badge(status, current())


@functools.lru_cache(maxsize=256)  # a handful of statuses, ~20,000 badges in a 1,000-objective build
def _badge(status: str, language: Language) -> Markup:
    return Markup(f'<span class="badge badge--{escape(status)}"><span class="badge__icon" aria-hidden="true">'
                  f'{status_icon(status)}</span> {escape(status_label(status))}</span>')


def state(shown: Any, ended: bool) -> str:
    """The status to show of an objective or key result (or of a status alone): once its period has
    ended, 'done' or 'not-done' rather than pace (a key result at progress 1 is done)."""
    return shown_status(shown, ended) if hasattr(shown, "status") else final(shown, 0.0) if ended else shown


def _flag(tone: str, glyph: str, word: str) -> str:
    return f'<span class="flag flag--{tone}"><span aria-hidden="true">{glyph} </span>{escape(word)}</span>'


def flags(p: Project, unaligned: bool = False) -> Markup:
    """A project's warnings in words; 'No OKR' only where the page asks for it."""
    return Markup((_flag("bad", "⚑", _("Late")) + " " if p.late else "")
                  + (_flag("warn", "◔", _("Behind schedule")) + " " if p.behind_schedule else "")
                  + (_flag("bad", "¤", _("Over budget")) + " " if p.over_budget else "")
                  + (_flag("warn", "◴", _("Over hours")) + " " if p.over_hours else "")
                  + (_flag("warn", "∅", _("No OKR")) if unaligned and not p.aligned else ""))


def priority_chip(priority: int) -> Markup:
    """"P1", said "Priority P1": not only on hover (a keyboard or a screen reader has no hover)."""
    word = escape(_("Priority"))
    return Markup(f'<span class="chip chip--priority" title="{word}"><span class="visually-hidden">{word} </span>'
                  f'P{priority}</span>')


def objective_chips(o: Objective) -> Markup:
    """What sets an objective apart, in words: its priority, an aspirational kind, a forecast to miss."""
    chips = [priority_chip(o.priority)] if o.priority is not None else []
    if o.kind == "aspirational":
        title = _("Expected to reach %(share)s, not %(whole)s", share=percent(o.expectation), whole=percent(1.0))
        chips.append(f'<span class="chip chip--kind" title="{escape(title)}">{escape(_("Aspirational"))}</span>')
    if o.trending_to_miss:
        chips.append(trending_flag())
    return Markup(" ".join(chips))


def trending_flag() -> Markup:
    """The flag of an objective whose forecast falls short of what it is expected to reach."""
    return Markup(_flag("warn", "↘", _("Trending to miss")))


STALE_ICON = "◷"  # a clock's quarter; an hourglass (⌛) is an emoji, drawn in colour or as an empty box


@jinja2.pass_context
def stale_flag(context: Context, kr: KeyResult) -> Markup:
    """`stale_since(kr, site.as_of)`, for site themes whose templates were copied before it."""
    return stale_since(kr, context.resolve("site").as_of)


def stale_since(kr: KeyResult, as_of: dt.date) -> Markup:
    """'No update for 23 days' on a KR nobody updates (see `stale_after_days`). Given the report
    date, not the template's context: a helper that takes the context is copied it in every loop
    that sets a variable (Jinja's Context.derived), ~1,000 times on a large attention page."""
    if not kr.stale:
        return Markup("")
    if kr.last_update is None:
        return Markup(_flag("warn", STALE_ICON, _("Never updated")))
    days = (as_of - kr.last_update).days
    return Markup(_flag("warn", STALE_ICON, ngettext("No update for %(num)s day", "No update for %(num)s days", days)))


def grade_chip(value: float | None) -> Markup:
    words = _html("Grade %(grade)s", grade=Markup(f"<strong>{grade(value)}</strong>"))
    return Markup(f'<span class="grade" title="{escape(_("Final score, 0.0 to 1.0"))}">{words}</span>')


# ---------- bars ----------

def _bar(bar_class: str, aria_label: str, fill: float | None, text: str, marker: str = "",
         compact: bool = False, wraps: bool = False) -> str:
    """A bar is an image with a text alternative; the same text is visible next to it (escaped by
    callers). `wraps`: a text of words, which goes under the bar where there is no room beside it."""
    return (f'<div class="progress{" progress--compact" if compact else ""}{" progress--wraps" if wraps else ""}">\n'
            f'  <div class="bar {bar_class}" role="img" aria-label="{aria_label}">\n'
            f'    <span class="bar__fill" style="width: {css_percent(fill)}%"></span>\n'
            f"{marker}"
            "  </div>\n"
            f'  <span class="progress__text" aria-hidden="true">{text}</span>\n'
            "</div>")


def progress(value: float | None, expected: float | None = None, status: str = "", label: str = "",
             expected_label: str = "", compact: bool = False, means: str = "") -> Markup:
    """A progress bar with a thin marker at the expected pace (none once a period has ended).
    `means`: words after a figure that is no share of the way (a maintain KR's: of its check-ins,
    those inside the band), shown where there is no pace to compare with."""
    label, expected_label = label or _("Progress"), expected_label or _("expected")
    shown = percent(value)
    bar_class = f"bar--{escape(status or 'neutral')}"
    if expected is None:
        words = f' <span class="muted">{escape(means)}</span>' if means else ""
        return Markup(_bar(bar_class, escape(titled(label, f"{shown} {means}".rstrip())), value,
                           f"<strong>{shown}</strong>{words}", compact=compact, wraps=bool(means)))
    pace = f"({expected_label} {percent(expected)})"
    return Markup(_bar(bar_class, escape(titled(label, f"{shown} {pace}")), value,
                       f'<strong>{shown}</strong> <span class="muted">{escape(pace)}</span>',
                       f'    <span class="bar__marker" style="left: {css_percent(expected)}%"></span>\n', compact))


def usage(used: float | None, planned: float | None, unit: str | None = "", label: str = "",
          compact: bool = False) -> Markup:
    """Spent of planned, hours of plan: unlike progress, it may run over 100 %. Nothing without a plan."""
    if not planned:
        return Markup("")
    ratio = used / planned if used is not None else None  # not reported: no share, rather than 0 %
    words = _html("%(label)s: %(used)s of %(planned)s (%(share)s)", label=label or _("Used"), used=amount(used, unit),
                  planned=amount(planned, unit), share=percent(ratio))
    return Markup(_bar("bar--off-track" if ratio is not None and ratio > 1 else "bar--neutral", words, ratio or 0,
                       f'<strong>{percent(ratio)}</strong> <span class="muted">{escape(_("of plan"))}</span>',
                       compact=compact)
                  + "\n")  # the newline the theme has always had after this bar


# ---------- key results ----------

def kr_value(kr: KeyResult) -> Markup:
    """start → current → target with its unit; Done/Not done; n/m milestones; the band and the value
    of a maintain KR; the zone reached."""
    if kr.type == "zones":
        zone = Markup(f"<strong>{escape(zone_label(kr.zone or 'fail'))}</strong>")
        return Markup(f'<span class="kr-value">{_html("Zone: %(zone)s", zone=zone)}</span>')
    if kr.type == "maintain":
        now = amount(kr.current, kr.unit) if kr.current is not None else "–"
        return Markup(f'<span class="kr-value"><strong>{now}</strong> <span class="muted">'
                      f'({band_text(kr)})</span></span>')
    if kr.type == "boolean":
        return Markup(f'<span class="kr-value">{escape(_("Done") if kr.done else _("Not done"))}</span>')
    if kr.type == "milestones":
        words = ngettext("%(done)s/%(num)s milestone", "%(done)s/%(num)s milestones", len(kr.milestones),
                         done=kr.milestones_done)
        return Markup(f'<span class="kr-value">{escape(words)}</span>')
    pct = "%" if kr.unit == "%" else ""
    hidden = '<span class="visually-hidden">{}</span>'.format
    return Markup(f'<span class="kr-value" title="{escape(_("start → current → target"))}">{hidden(escape(_("From ")))}'
                  f'{amount(kr.start, pct)} <span aria-hidden="true">→</span>{hidden(escape(_(", now")))} '
                  f'<strong>{amount(kr.current, pct)}</strong> <span aria-hidden="true">→</span>'
                  f'{hidden(escape(_(", target")))} {amount(kr.target, kr.unit)}</span>')


def estimate(kr: KeyResult, value: float) -> Markup:
    """A computed value (a forecast) to the precision that matters on the KR's scale, with its unit."""
    return escape(formatting.estimate(value, kr.start, kr.target, kr.unit))


def band_text(kr: KeyResult) -> Markup:
    """A maintain KR's band in words: 'at least 99.9%', 'at most 2%', '2 to 5 days' (markup: a unit
    such as 'R&D hours' is escaped once, in `amount`)."""
    if kr.floor is not None and kr.ceiling is not None:
        return _html("%(floor)s to %(ceiling)s", floor=amount(kr.floor, kr.unit), ceiling=amount(kr.ceiling, kr.unit))
    if kr.floor is not None:
        return _html("at least %(floor)s", floor=amount(kr.floor, kr.unit))
    return _html("at most %(ceiling)s", ceiling=amount(kr.ceiling, kr.unit))


def behind_by(item: KeyResult | Objective) -> Markup:
    """Points behind (or ahead of) the expected pace, in the colour of the item's status: an at-risk
    KR never reads in the off-track red, and an on-track one left of the line still says it is behind.
    A maintain KR is inside or outside its band (formatting.pace_words)."""
    return Markup(f'<span class="pace pace--{escape(item.status)}">{formatting.pace_words(item)}</span>')


def overdue_milestones(kr: KeyResult, as_of: dt.date, ended: bool) -> Markup:
    """'1 milestone overdue' beside a milestones KR's status while its period runs: its status
    follows the share done, so a KR a milestone behind its own plan read On track with nothing
    beside it (the milestone's own Overdue was further down the card)."""
    late = 0 if ended or kr.type != "milestones" or not kr.counted else sum(m.overdue(as_of) for m in kr.milestones)
    return Markup(_flag("bad", "⚑", ngettext("%(num)s milestone overdue", "%(num)s milestones overdue", late))
                  if late else "")


def behind_krs(o: Objective) -> Markup:
    """How many of an objective's key results are behind, after their count on its card: "3 KRs
    (■ 1 off track)". An objective on track by the mean of its key results can hide a red one."""
    shown, counts = [], status_counts(o.counted_krs)
    for status in ("off-track", "at-risk"):
        if count := counts[status]:
            words = formatting.status_count(status, count)
            shown.append(Markup('<span class="pace pace--%s"><span aria-hidden="true">%s</span> %s</span>')
                         % (status, status_icon(status), words))
    return Markup(" (%s)") % Markup(", ").join(shown) if shown else Markup()


HELPERS: dict[str, Any] = {helper.__name__: helper for helper in (
    amount, objective_link, project_link, kr_link, team_link, team_name, badge, state, flags, grade_chip,
    progress, usage, kr_value, behind_by, plural, objective_chips, priority_chip, stale_flag, stale_since, estimate,
    band_text, names, behind_krs, overdue_milestones, shown_forecast, trending_flag)}


def register(env: jinja2.Environment) -> None:
    """Make the helpers globals, so page templates and the macros of _macros.html can call them."""
    env.globals.update(HELPERS)
