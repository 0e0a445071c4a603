"""The site's files besides its pages and charts: okrs.json, the Atom feed, the sitemap, .nojekyll,
the search index, the scorecards' PDFs.

All are deterministic: sorted keys, dates from the content, never the clock. A new
export is one entry in EXPORTS (or in EXPORT_SETS, when one piece of work makes several files).
They need the model alone, so a build makes them while it plans and renders its pages; the
sitemap, which lists the pages, is made from the page plan (`page_exports`).
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from collections.abc import Callable
from dataclasses import fields
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from okrsite import __version__
from okrsite.model.portfolio import EarnedValue
from okrsite.model.site import KeyResult, Objective, Project, Site
from okrsite.site import changes, search
from okrsite.site.changes import News
from okrsite.site.formatting import _, local_digits, ngettext, percent, status_word, titled, value_text
from okrsite.site.charts.palette import palette_for_theme
from okrsite.site.links import period_url
from okrsite.site.pages import SCORECARD_TEMPLATE, Page
from okrsite.site.scorecard import Scorecard
from okrsite.site.scorecard_pdf import PdfSpec, pdf_path, pdf_spec
from okrsite.site.themes import theme_dirs

FEED_ENTRIES = 50


def _number(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _date(day: dt.date | None) -> str | None:
    return day and day.isoformat()


def _kr_json(kr: KeyResult) -> dict[str, Any]:
    counted = kr.counted
    return {
        "id": kr.id, "ref": kr.ref, "title": kr.title, "type": kr.type, "description": kr.description,
        "start": kr.start, "target": kr.target, "current": kr.current, "unit": kr.unit,
        "floor": kr.floor, "ceiling": kr.ceiling, "zone": kr.zone,
        "zones": kr.zones and {"commit": kr.zones.commit, "target": kr.zones.target, "stretch": kr.zones.stretch},
        "done": kr.done if kr.type == "boolean" else None,
        "milestones": [{"title": m.title, "done": m.done, "due": _date(m.due)} for m in kr.milestones],
        "weight": kr.weight, "owner": kr.owner, "owners": list(kr.owners),
        "progress": _number(kr.progress) if counted else None, "expected": _number(kr.expected) if counted else None,
        "status": kr.status,
        "dropped": kr.dropped and {"reason": kr.dropped.reason, "date": _date(kr.dropped.date)},
        "stale": kr.stale, "last_update": _date(kr.last_update),
        "forecast": kr.forecast and {"value": _number(kr.forecast.value), "progress": _number(kr.forecast.progress)},
        "checkins": [{"date": c.date.isoformat(), "value": c.value, "zone": c.zone, "confidence": c.confidence,
                      "note": c.note} for c in kr.checkins],
        "history": [{"date": r.date.isoformat(), "value": r.value, "zone": r.zone, "confidence": r.confidence,
                     "note": r.note, "source": r.source} for r in kr.history],
        "target_changes": [{"date": c.date.isoformat(), "field": c.field, "from": c.before, "to": c.after,
                            "eased": c.eased, "commit": c.commit} for c in kr.target_changes],
    }


def _objective_json(objective: Objective) -> dict[str, Any]:
    draft = objective.is_draft
    return {
        "id": objective.id, "title": objective.title, "period": objective.period, "kind": objective.kind,
        "team": objective.team, "teams": list(objective.teams), "owner": objective.owner,
        "owners": list(objective.owners),
        "parent": f"{objective.parent}/{objective.parent_kr}" if objective.parent_kr else objective.parent,
        "children": list(objective.children), "priority": objective.priority,
        "progress": None if draft else _number(objective.progress),
        "expected": None if draft else _number(objective.expected), "expectation": objective.expectation,
        "status": objective.status, "grade": objective.grade, "computed_grade": objective.computed_grade,
        "closed_note": objective.closed.note if objective.closed else None,
        "forecast_progress": _number(objective.forecast_progress), "trending_to_miss": objective.trending_to_miss,
        "key_results": [_kr_json(kr) for kr in objective.key_results],
        "source": objective.source,
    }


def _project_json(project: Project) -> dict[str, Any]:
    return {
        "id": project.id, "title": project.title, "status": project.status, "owner": project.owner,
        "team": project.team, "start": project.start and project.start.isoformat(),
        "due": project.due and project.due.isoformat(),
        "progress": _number(project.progress), "schedule_elapsed": _number(project.schedule_elapsed),
        "health": project.health,
        "key_results": list(project.key_results), "late": project.late, "over_budget": project.over_budget,
        "over_hours": project.over_hours,
        "budget": project.budget and {"planned": project.budget.planned, "spent": project.budget.spent,
                                      "currency": project.budget.currency},
        "hours": project.hours and {"planned": project.hours.planned, "actual": project.hours.actual},
        "tasks": [{"title": t.title, "done": t.done, "due": t.due and t.due.isoformat()} for t in project.tasks],
        "updates": [{"date": u.date.isoformat(), "note": u.note, "spent": u.spent, "hours": u.hours,
                     "progress": u.progress} for u in project.updates],
        "source": project.source,
        "evm": {f.name: _number(getattr(project.evm, f.name)) for f in fields(EarnedValue)},  # bac, pv, … vac
        "lane": project.lane,
    }


def okrs_json(site: Site) -> bytes:
    data = {
        "generator": f"okrsite {__version__}",
        "site": {"title": site.config.title, "description": site.config.description,
                 "url": site.config.site_url},
        "as_of": site.as_of.isoformat(),
        "default_period": site.default_period,
        "periods": [{"id": p.id, "title": p.title, "start": p.start.isoformat(), "end": p.end.isoformat(),
                     "ended": p.has_ended(site.as_of)} for p in site.periods.values()],
        "teams": [{"id": t.id, "name": t.name, "parent": t.parent, "lead": t.lead}
                  for t in sorted(site.teams.values(), key=lambda t: t.id)],
        "objectives": [_objective_json(o) for o in site.objectives.values()],
        "projects": [_project_json(p) for p in site.projects.values()],
    }
    # No indent: only then does json use its C encoder (4x faster on a large site).
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _absolute(site: Site, path: str) -> str:
    base = site.config.site_url or ""
    return (base.rstrip("/") + "/" + path) if base else path


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _kind_words(kind: str) -> str:
    return {"checkin": _("Check-in"), "git": _("Update from git"), "target": _("Target changed"),
            "update": _("Project update"), "dropped": _("Key result dropped"), "added": _("Key result added")}[kind]


def _headline(item: News) -> str:
    """An entry's title: what changed, where, and the figure, as the changes page shows them."""
    what = _("Start changed") if item.kind == "target" and item.field == "start" else _kind_words(item.kind)
    if item.kind == "target" and item.before is not None and item.after is not None:
        figure = f"{value_text(item.before, item.unit)} → {value_text(item.after, item.unit)}" + \
            (_(" (eased)") if item.eased else _(" (raised)"))
    elif item.zone:
        figure = {"fail": _("Fail zone"), "commit": _("Commit zone"), "target": _("Target zone"),
                  "stretch": _("Stretch zone")}.get(item.zone, item.zone)
    elif item.value is None:
        figure = ""
    elif item.type == "boolean":
        figure = status_word("done") if item.value else status_word("not-done")
    elif item.type == "milestones":
        figure = ngettext("%(done)s of %(num)s milestone done", "%(done)s of %(num)s milestones done", item.milestones,
                          done=local_digits(f"{item.value:g}"))
    else:
        figure = value_text(item.value, item.unit)
    headline = titled(what, item.title)
    return titled(headline, figure) if figure else headline


def atom_feed(site: Site) -> bytes:
    """The newest news of the changes page, one entry each (a reader lists, links and marks each
    on its own); ids stable across builds; links absolute when site_url is set."""
    entries = changes.weekly(site).items[:FEED_ENTRIES]
    feed_id = site.config.site_url or f"urn:okrsite:{urllib.parse.quote(site.config.title, safe='')}"  # an IRI: no spaces
    updated = entries[0].date if entries else site.as_of
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(site.config.language)}>',  # as <html lang>
             f"  <title>{escape(site.config.title)}</title>",
             f"  <id>{escape(feed_id)}</id>",
             f"  <updated>{_stamp(updated)}</updated>",
             f'  <generator version="{__version__}">okrsite</generator>']
    if site.config.site_url:
        lines.append(f"  <link rel=\"self\" href={quoteattr(_absolute(site, 'feed.xml'))}/>")
        lines.append(f"  <link href={quoteattr(_absolute(site, ''))}/>")
    for entry in entries:
        confidence = _("confidence %(share)s", share=percent(entry.confidence)) if entry.confidence is not None else ""
        summary = " · ".join(part for part in (entry.note, entry.figures, confidence,
                                               entry.parent and _("Objective: %(title)s", title=entry.parent),
                                               entry.commit and (_("not committed yet") if entry.commit == "uncommitted" else
                                                                _("commit %(commit)s", commit=entry.commit))) if part)
        lines += ["  <entry>",
                  f"    <title>{escape(_headline(entry))}</title>",
                  f"    <id>{escape(f'{feed_id}#{entry.key}')}</id>",
                  f"    <updated>{_stamp(entry.date)}</updated>",
                  f"    <link href={quoteattr(_absolute(site, entry.link))}/>",
                  f"    <author><name>{escape(entry.who or site.config.title)}</name></author>",
                  f"    <category term={quoteattr(entry.kind)}/>",
                  f"    <summary>{escape(summary or _kind_words(entry.kind))}</summary>",
                  "  </entry>"]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode()


def sitemap(site: Site, pages: list[Page]) -> bytes | None:
    """Absolute URLs of every page at its own address (a page shown at a second address, such as
    `alignment/`, is listed at its canonical one); only possible when site_url is set."""
    if not site.config.site_url:
        return None
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in sorted(pages, key=lambda p: p.url):
        if page.url == "404.html" or page.copy_of is not None:
            continue
        path = page.url.removesuffix("index.html") if site.config.pretty_urls else page.url
        lines.append(f"  <url><loc>{escape(_absolute(site, path))}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


# Each export: its path in the site, and what makes its bytes from the site as its pages show it.
EXPORTS: dict[str, Callable[[Site], bytes]] = {
    "feed.xml": atom_feed,
    ".nojekyll": lambda site: b"",  # GitHub Pages: publish the files as they are
}


# Exports made together: what makes their files (path -> bytes).
EXPORT_SETS: tuple[Callable[[Site], dict[str, bytes]], ...] = (
    search.index_files,  # search.json, and search.js for the search box
)


def export_files(site: Site, model: Site) -> dict[str, bytes]:
    """`site` as its pages show it (formatting.in_language), `model` as it was made: okrs.json is
    machine data, the same in every language."""
    files = {"okrs.json": okrs_json(model), **{path: make(site) for path, make in EXPORTS.items()}}
    for make_set in EXPORT_SETS:
        files.update(make_set(site))
    return files


def pdf_specs(site: Site, pages: list[Page]) -> dict[str, PdfSpec]:
    """What each period's scorecard PDF shows (periods/<id>/scorecard.pdf -> its spec; none with charts
    off): the card of the period's scorecard page, in the theme's light colours, with the page's address.
    Specs are plain text and numbers, so the build's drawing process draws them (scorecard_pdf.draw_pdfs)."""
    if not site.config.charts.enabled:
        return {}
    colours = palette_for_theme(theme_dirs(site.config.theme_dir)).light
    cards: list[Scorecard] = [page.context["card"] for page in pages if page.template == SCORECARD_TEMPLATE]
    return {pdf_path(card.period.id): pdf_spec(card, site.config.title, site.config.language, colours,
                                               _absolute(site, period_url(card.period.id))) for card in cards}


def page_exports(site: Site, pages: list[Page]) -> dict[str, bytes]:
    """The exports that list the pages: sitemap.xml, when site_url is set."""
    data = sitemap(site, pages)
    return {} if data is None else {"sitemap.xml": data}
