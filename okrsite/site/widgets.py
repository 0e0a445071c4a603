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

import functools
from typing import Any

import jinja2
from jinja2.runtime import Context
from markupsafe import Markup, escape

from okrsite.model.site import KeyResult, Objective, Project, Team
from okrsite.model.vocabulary import final
from okrsite.site import formatting
from okrsite.site.formatting import (css_percent, grade, number, percent, plural, status_icon, status_label,
                                     unit_for)


def amount(value: float | None, unit: str | None = "") -> Markup:
    """A number with its unit, as people write it: '1,720 views', '7%', '12,000 USD'."""
    if unit == "%":
        return Markup(f"{escape(number(value))}%")
    if unit:
        return Markup(f"{escape(number(value))} {escape(unit_for(value, unit))}")
    return escape(number(value))


# ---------- links ----------

def _link(context: Context, target: str, text: str) -> Markup:
    """An <a> to a site path, relative to the page being rendered (the page's url())."""
    return Markup(f'<a href="{escape(context.resolve("url")(target))}">{escape(text)}</a>')


@jinja2.pass_context
def objective_link(context: Context, o: Objective) -> Markup:
    return _link(context, f"objectives/{o.id}/", o.title)


@jinja2.pass_context
def project_link(context: Context, p: Project) -> Markup:
    return _link(context, f"projects/{p.id}/", p.title)


@jinja2.pass_context
def kr_link(context: Context, kr: KeyResult) -> Markup:
    """A key result is a section of its objective's page, anchored #kr-<id>."""
    return _link(context, f"objectives/{kr.objective_id}/#kr-{kr.id}", kr.title)


def _known_team(context: Context, team_id: str | None) -> Team | None:
    return context.resolve("site").teams.get(team_id) if team_id else None


@jinja2.pass_context
def team_link(context: Context, team_id: str | None) -> Markup:
    """A team's name linked to its page; an id teams.yaml does not know stays plain text."""
    team = _known_team(context, team_id)
    if team is not None:
        return _link(context, f"teams/{team_id}/", team.name)
    return escape(team_id) if team_id else Markup('<span class="muted">No team</span>')


@jinja2.pass_context
def team_name(context: Context, team_id: str | None) -> Markup:
    """A team's name as text (headings, captions): its id when unknown, 'No team' without one."""
    team = _known_team(context, team_id)
    return escape(team.name if team is not None else team_id or "No team")


# ---------- status ----------

@functools.cache  # a handful of statuses, ~20,000 badges in a 1,000-objective build
def badge(status: str) -> Markup:
    """Glyph, word and colour: colour is never the only signal."""
    return Markup(f'<span class="badge badge--{escape(status)}"><span class="badge__icon" aria-hidden="true">'
                  f'{status_icon(status)}</span> {escape(status_label(status))}</span>')


def state(status: str, ended: bool) -> str:
    """The status to show: once its period has ended, 'done' or 'not-done' rather than pace."""
    return final(status) if ended else status


def _flag(tone: str, glyph: str, word: str) -> str:
    return f'<span class="flag flag--{tone}"><span aria-hidden="true">{glyph} </span>{word}</span>'


def flags(p: Project, unaligned: bool = False) -> Markup:
    """A project's warnings in words; 'No OKR' only where the page asks for it."""
    return Markup((_flag("bad", "⚑", "Late") + " " if p.late else "")
                  + (_flag("warn", "◔", "Behind schedule") + " " if p.behind_schedule else "")
                  + (_flag("bad", "¤", "Over budget") + " " if p.over_budget else "")
                  + (_flag("warn", "◴", "Over hours") + " " if p.over_hours else "")
                  + (_flag("warn", "∅", "No OKR") if unaligned and not p.aligned else ""))


def objective_chips(o: Objective) -> Markup:
    """What sets an objective apart, in words: its priority, an aspirational kind, a forecast to miss."""
    chips = []
    if o.priority is not None:
        chips.append(f'<span class="chip chip--priority" title="Priority">P{o.priority}</span>')
    if o.kind == "aspirational":
        chips.append(f'<span class="chip chip--kind" title="Expected to reach {percent(o.expectation)}, not 100%">'
                     "Aspirational</span>")
    if o.trending_to_miss:
        chips.append(_flag("warn", "↘", "Trending to miss"))
    return Markup(" ".join(chips))


@jinja2.pass_context
def stale_flag(context: Context, kr: KeyResult) -> Markup:
    """'No update for 23 days' on a KR nobody updates (see `stale_after_days`)."""
    if not kr.stale:
        return Markup("")
    if kr.last_update is None:
        return Markup(_flag("warn", "⌛", "Never updated"))
    days = (context.resolve("site").as_of - kr.last_update).days
    return Markup(_flag("warn", "⌛", f"No update for {plural(days, 'day')}"))


def grade_chip(value: float | None) -> Markup:
    return Markup(f'<span class="grade" title="Final score, 0.0 to 1.0">Grade <strong>{grade(value)}</strong></span>')


# ---------- bars ----------

def _bar(bar_class: str, aria_label: str, fill: float | None, text: str, marker: str = "",
         compact: bool = False) -> str:
    """A bar is an image with a text alternative; the same text is visible next to it (escaped by callers)."""
    return (f'<div class="progress{" progress--compact" if compact else ""}">\n'
            f'  <div class="bar {bar_class}" role="img" aria-label="{aria_label}">\n'
            f'    <span class="bar__fill" style="width: {css_percent(fill)}%"></span>\n'
            f"{marker}"
            "  </div>\n"
            f'  <span class="progress__text" aria-hidden="true">{text}</span>\n'
            "</div>")


def progress(value: float | None, expected: float | None = None, status: str = "", label: str = "Progress",
             expected_label: str = "expected", compact: bool = False) -> Markup:
    """A progress bar with a thin marker at the expected pace (none once a period has ended)."""
    shown = percent(value)
    bar_class = f"bar--{escape(status or 'neutral')}"
    if expected is None:
        return Markup(_bar(bar_class, f"{escape(label)}: {shown}", value, f"<strong>{shown}</strong>", compact=compact))
    pace = f"({escape(expected_label)} {percent(expected)})"
    return Markup(_bar(bar_class, f"{escape(label)}: {shown} {pace}", value,
                       f'<strong>{shown}</strong> <span class="muted">{pace}</span>',
                       f'    <span class="bar__marker" style="left: {css_percent(expected)}%"></span>\n', compact))


def usage(used: float | None, planned: float | None, unit: str | None = "", label: str = "Used",
          compact: bool = False) -> Markup:
    """Spent of planned, hours of plan: unlike progress, it may run over 100 %. Nothing without a plan."""
    if not planned:
        return Markup("")
    ratio = used / planned if used is not None else 0
    return Markup(_bar("bar--off-track" if ratio > 1 else "bar--neutral",
                       f"{escape(label)}: {amount(used, unit)} of {amount(planned, unit)} ({percent(ratio)})", ratio,
                       f'<strong>{percent(ratio)}</strong> <span class="muted">of plan</span>', compact=compact)
                  + "\n")  # the newline the theme has always had after this bar


# ---------- key results ----------

def kr_value(kr: KeyResult) -> Markup:
    """start → current → target with its unit; Done/Not done; n/m milestones; the band and the value
    of a maintain KR; the zone reached."""
    if kr.type == "zones":
        return Markup(f'<span class="kr-value">Zone: <strong>{escape((kr.zone or "fail").capitalize())}</strong></span>')
    if kr.type == "maintain":
        now = amount(kr.current, kr.unit) if kr.current is not None else "–"
        return Markup(f'<span class="kr-value"><strong>{now}</strong> <span class="muted">'
                      f'({escape(band_text(kr))})</span></span>')
    if kr.type == "boolean":
        return Markup(f'<span class="kr-value">{"Done" if kr.done else "Not done"}</span>')
    if kr.type == "milestones":
        return Markup(f'<span class="kr-value">{kr.milestones_done}/{len(kr.milestones)} milestones</span>')
    pct = "%" if kr.unit == "%" else ""
    return Markup(f'<span class="kr-value" title="start → current → target"><span class="visually-hidden">From </span>'
                  f'{amount(kr.start, pct)} <span aria-hidden="true">→</span><span class="visually-hidden">, now</span> '
                  f'<strong>{amount(kr.current, pct)}</strong> <span aria-hidden="true">→</span>'
                  f'<span class="visually-hidden">, target</span> {amount(kr.target, kr.unit)}</span>')


def estimate(kr: KeyResult, value: float) -> Markup:
    """A computed value (a forecast) to the precision that matters on the KR's scale, with its unit."""
    return escape(formatting.estimate(value, kr.start, kr.target, kr.unit))


def band_text(kr: KeyResult) -> str:
    """A maintain KR's band in words: 'at least 99.9%', 'at most 2%', '2 to 5 days'."""
    if kr.floor is not None and kr.ceiling is not None:
        return f"{amount(kr.floor, kr.unit)} to {amount(kr.ceiling, kr.unit)}"
    if kr.floor is not None:
        return f"at least {amount(kr.floor, kr.unit)}"
    return f"at most {amount(kr.ceiling, kr.unit)}"


def behind_by(item: KeyResult | Objective) -> Markup:
    """Points behind (or ahead of) the expected pace, in the colour of the item's status: an at-risk
    KR never reads in the off-track red, and an on-track one left of the line still says it is behind.
    A maintain KR is inside or outside its band (formatting.pace_words)."""
    return Markup(f'<span class="pace pace--{escape(item.status)}">{formatting.pace_words(item)}</span>')


HELPERS: dict[str, Any] = {helper.__name__: helper for helper in (
    amount, objective_link, project_link, kr_link, team_link, team_name, badge, state, flags, grade_chip,
    progress, usage, kr_value, behind_by, plural, objective_chips, stale_flag, estimate, band_text)}


def register(env: jinja2.Environment) -> None:
    """Make the helpers globals, so page templates and the macros of _macros.html can call them."""
    env.globals.update(HELPERS)
