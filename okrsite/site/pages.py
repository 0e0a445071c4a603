"""The page plan: every HTML page of the site declared in one place.

A `Page` says where it lands (url), how it looks (template), what it shows (its
context, plain data from the model), which charts it shows (their subjects) and
whether it is in the main navigation. It also says what its bytes depend on:
`depends="context"` promises that its context (plus the site-wide settings) is
all it shows, so a rebuild may keep the old file when that context is unchanged.
Charts, incremental reuse, navigation and the sitemap read these declarations,
so a new page kind is one function here and one template.
"""

from __future__ import annotations

import datetime as dt
import heapq
import urllib.parse
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from okrsite.model import checks, scoring
from okrsite.model.periods import Period
from okrsite.model.portfolio import FINISHED
from okrsite.model.site import CheckIn, KeyResult, Objective, Project, Site, Team
from okrsite.model.vocabulary import by_status, period_counts, worst_first
from okrsite.site import attention, changes, portfolio, scorecard
from okrsite.site.links import free_page_url, link_url, objective_url, period_url, project_url, team_url
from okrsite.site.formatting import _

RECENT_ITEMS = 12
BEHIND_ITEMS = 8


@dataclass(frozen=True)
class ChartUse:
    """A chart a page shows: its subject (what it is a chart of), and where on the page."""

    subject: tuple[str, str]  # ("kr", "seo/page-views"), ("objective", "seo"), ("period", "2026-Q1"), ("project", "x")
    slot: str = ""  # "": among the page's charts (`charts`); else the key result it is shown under (`kr_charts`)


@dataclass(frozen=True)
class NavEntry:
    label: str
    order: float  # place in the main navigation, lowest first


@dataclass(frozen=True)
class Page:
    url: str  # output path: "objectives/seo-visibility/index.html"
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    section: str = ""  # which navigation entry is current
    base: str | None = None  # absolute path prefix for pages shown at any URL (404)
    charts: tuple[ChartUse, ...] = ()
    nav: NavEntry | None = None
    # "context": its context holds all it shows (besides site settings), so an equal context
    # renders equal bytes and a rebuild may keep the old file (every page of the plan is so);
    # "site", the default for a new kind of page until that is checked: it may show anything, so
    # it is always rendered.
    depends: Literal["context", "site"] = "site"
    # The url of the page this one shows at another address (same template, title and context):
    # the two are rendered once, each with its own links (okrsite.site.render), and this copy's
    # `page` is the other's, so a canonical link names the other's address.
    copy_of: str | None = None

    @property
    def path(self) -> str:
        """The site path links use: "objectives/x/" for "objectives/x/index.html"."""
        return self.url.removesuffix("index.html")


def navigation(pages: Iterable[Page]) -> list[dict[str, str]]:
    """The main navigation: the pages that declare an entry, in their order."""
    entries = sorted((p for p in pages if p.nav is not None), key=lambda p: (p.nav.order, p.url))  # type: ignore[union-attr]
    return [{"label": p.nav.label, "target": p.path, "section": p.section} for p in entries]  # type: ignore[union-attr]


@dataclass(frozen=True)
class Activity:
    """One line of the recent-activity list: a KR check-in or a project update. A check-in reads as
    the theme's `reading` reads a value (zone, value, type, unit, milestones)."""

    date: dt.date
    kind: str  # "checkin" | "update"
    title: str
    link: str
    note: str = ""
    value: float | None = None
    unit: str = ""
    confidence: float | None = None
    zone: str | None = None  # a zones KR's check-in
    type: str = ""  # the key result's
    milestones: int = 0  # a milestones key result's count


def top_level(objectives: list[Objective]) -> list[Objective]:
    """The objectives of a period that support no other objective of it, drafts left out (they have
    no numbers yet)."""
    ids = {o.id for o in objectives}
    return [o for o in objectives if o.parent not in ids and not o.is_draft]


def mean_progress(objectives: list[Objective]) -> float | None:
    """Overall progress of a period: the mean of its top-level objectives (roll-ups count once;
    drafts, which have no numbers, not at all)."""
    top = top_level(objectives)
    return scoring.mean([o.progress for o in top]) if top else None


def counts_of(site: Site, period_id: str, objectives: list[Objective]) -> dict[str, int]:
    """Objectives by status, as of the report date (vocabulary.period_counts)."""
    return period_counts(objectives, site.periods[period_id].has_ended(site.as_of))


def drafts(objectives: Iterable[Objective]) -> list[Objective]:
    return [o for o in objectives if o.is_draft]


def stale_key_results(objectives: Iterable[Objective]) -> list[KeyResult]:
    """Key results nobody has updated for too long, the oldest update first."""
    krs = [kr for o in objectives for kr in o.key_results if kr.stale]
    return sorted(krs, key=lambda kr: (kr.last_update is not None, kr.last_update or dt.date.min, kr.ref))


def behind_pace(objectives: Iterable[Objective]) -> list[KeyResult]:
    """The key results at risk or off track: off track first, then furthest behind pace (a maintain
    key result outside its band is off track however few points it is behind)."""
    return worst_first(kr for o in objectives for kr in o.key_results if kr.status in ("at-risk", "off-track"))


def recent_activity(site: Site, objectives: Iterable[Objective], projects: Iterable[Project],
                    limit: int = RECENT_ITEMS) -> list[Activity]:
    """Check-ins and project updates known on as_of, newest first; only those shown become lines
    (a large site has some 20,000 check-ins)."""
    known: list[tuple[tuple[dt.date, str, str, str], KeyResult | Project, CheckIn | None]] = []
    for objective in objectives:
        for kr in objective.key_results:
            link = link_url(kr.ref)
            known.extend(((checkin.date, "checkin", link, checkin.note), kr, checkin)
                         for checkin in kr.checkins if checkin.date <= site.as_of)
    for project in projects:
        link = project_url(project.id)
        known.extend(((update.date, "update", link, update.note), project, None)
                     for update in project.updates if update.date <= site.as_of)
    newest = heapq.nlargest(limit, known, key=lambda item: item[0])  # = sorted(reverse=True)[:limit], ties too
    return [_activity(*item) for item in newest]


def _activity(key: tuple[dt.date, str, str, str], owner: KeyResult | Project, checkin: CheckIn | None) -> Activity:
    day, kind, link, note = key
    if checkin is None or not isinstance(owner, KeyResult):  # a project's update
        return Activity(day, kind, owner.title, link, note)
    return Activity(day, kind, owner.title, link, note, checkin.value, owner.unit, checkin.confidence, checkin.zone,
                    owner.type, len(owner.milestones))


def projects_supporting(site: Site, objective: Objective) -> list[Project]:
    """Projects that link the objective as a whole or any of its KRs."""
    links = [objective.id, *(kr.ref for kr in objective.key_results)]
    found = {p.id: p for link in links for p in site.projects_for(link)}
    return [found[k] for k in sorted(found)]


def team_groups(objectives: list[Objective]) -> list[tuple[str | None, list[Objective]]]:
    """Objectives (already worst first) by team, the team with the worst objective first; one of
    several teams under each (as on each team's page)."""
    groups: dict[str | None, list[Objective]] = {}
    for objective in objectives:
        for team in objective.teams or (None,):
            groups.setdefault(team, []).append(objective)
    return list(groups.items())


def team_chain(site: Site, team_id: str | None) -> list[Team]:
    """A team and its ancestors, root first (for breadcrumbs)."""
    chain: list[Team] = []
    while team_id and team_id in site.teams and all(t.id != team_id for t in chain):
        chain.insert(0, site.teams[team_id])
        team_id = site.teams[team_id].parent
    return chain


def dashboard(site: Site, owed: int) -> Page:
    """The default period at a glance; `owed`: how many items the attention page lists."""
    period = site.periods[site.default_period]
    objectives = site.objectives_in(period.id)
    projects = not_cancelled(site)
    return Page("index.html", "dashboard.html", site.config.title, {
        "period": period,
        "objectives": by_status(objectives),
        "groups": team_groups(by_status(objectives)),
        "counts": counts_of(site, period.id, objectives),
        "drafts": drafts(objectives),
        "overall": mean_progress(objectives),
        "top_level": len(top_level(objectives)),
        "expected": period_elapsed(site, period.id) if objectives else None,
        "behind": (behind := behind_pace(objectives))[:BEHIND_ITEMS],
        "behind_total": len(behind),
        "trending": [o for o in by_status(objectives) if o.trending_to_miss],
        "stale": stale_key_results(objectives),
        "counts_krs": any(o.counted_krs for o in objectives),  # else "none is behind", "all updated" are empty words
        "objective_of": {o.id: o for o in objectives},
        "attention": late_or_over_budget(site, period.id),
        "unaligned": unaligned_projects(projects),
        # (a count, not the projects: the dashboard shows how many, and keeps its file when a field of one changes)
        "halted": sum(p.lane == "halt" and p.aligned for p in portfolio.period_projects(site, period.id)),
        "recent": recent_activity(site, site.objectives.values(), site.projects.values()),
        "owed": owed,
        # a new quarter with nothing in it yet: the one that just ended, whose grades people come for
        "ended": None if objectives else _last_ended(site),
    }, section="dashboard", depends="context", charts=(ChartUse(("period", period.id)),),
        nav=NavEntry(_("Dashboard"), 0))


def _last_ended(site: Site) -> Period | None:
    """The period that ended last before the report date, of those with objectives."""
    ended = [p for p in site.periods.values() if p.has_ended(site.as_of) and site.objectives_in(p.id)]
    return max(ended, key=lambda p: (p.end, p.start), default=None)


def objective_page(site: Site, objective: Objective) -> Page:
    return Page(objective_url(objective.id) + "index.html", "objective.html", objective.title, {
        "objective": objective,
        "period": site.period_of(objective),
        "parent": site.objectives.get(objective.parent) if objective.parent else None,
        "parent_kr": site.key_result(f"{objective.parent}/{objective.parent_kr}") if objective.parent_kr else None,
        "hanging": {kr.id: [site.objectives[i] for i in site.kr_children[kr.ref]]
                    for kr in objective.key_results if kr.ref in site.kr_children},
        "children": by_status(site.objectives[c] for c in objective.children),
        "team": site.teams.get(objective.team) if objective.team else None,
        "kr_projects": {kr.id: site.projects_for(kr.ref) for kr in objective.key_results},
        "whole_projects": site.projects_for(objective.id),
        "projects": projects_supporting(site, objective),
    }, section="objectives", depends="context",
        charts=(ChartUse(("objective", objective.id)),
                *(ChartUse(("kr", kr.ref), kr.id) for kr in objective.key_results)))


def project_page(site: Site, project: Project, lane_reason: str) -> Page:
    links = []
    for link in project.key_results:
        objective = site.objectives[link.partition("/")[0]]
        links.append({"link": link, "url": link_url(link), "objective": objective, "kr": site.key_result(link)})
    return Page(project_url(project.id) + "index.html", "project.html", project.title, {
        "project": project,
        "links": links,
        "team": site.teams.get(project.team) if project.team else None,
        "lane_reason": lane_reason,
        "figures": portfolio.figures(project),
    }, section="projects", depends="context",
        charts=(ChartUse(("project", project.id)), ChartUse(("burn", project.id))))


def projects_index(site: Site) -> Page:
    projects = list(site.projects.values())
    order = {"active": 0, "on-hold": 1, "planned": 2, "done": 3, "cancelled": 4}
    return Page("projects/index.html", "projects.html", _("Projects"), {
        "projects": sorted(projects, key=lambda p: (not p.attention, order[p.status], p.id)),
        "counts": {status: sum(p.status == status for p in projects) for status in order},
    }, section="projects", depends="context", nav=NavEntry(_("Projects"), 30))


Members = tuple[list[Objective], list[Project]]  # a team's objectives and projects


def team_members(site: Site) -> dict[str, Members]:
    """Each team's objectives and projects, in the site's order, found in one pass: a pass for each
    team grew as the square of the site (250 teams by 5,000 objectives, a quarter of a second)."""
    members: dict[str, Members] = {team_id: ([], []) for team_id in site.teams}
    for objective in site.objectives.values():
        for team_id in dict.fromkeys(objective.teams):
            if team_id in members:
                members[team_id][0].append(objective)
    for project in site.projects.values():
        if project.team in members:
            members[project.team][1].append(project)
    return members


def team_page(site: Site, team: Team, members: Members) -> Page:
    objectives, projects = members
    periods = [p for p in site.periods.values() if any(o.period == p.id for o in objectives)]
    return Page(team_url(team.id) + "index.html", "team.html", team.name, {
        "team": team,
        "chain": team_chain(site, team.parent),
        "subteams": [site.teams[c] for c in team.children if c in site.teams],
        "by_period": [(p, by_status(o for o in objectives if o.period == p.id)) for p in reversed(periods)],
        "projects": projects,
        "stale": stale_key_results(o for o in objectives if o.period == site.default_period),
    }, section="teams", depends="context")


def teams_index(site: Site) -> Page:
    """The org tree, each team with its objectives of the default period by status."""
    roots = [t for t in site.teams.values() if not t.parent or t.parent not in site.teams]
    period = site.periods.get(site.default_period)
    current = site.objectives_in(period.id) if period else []
    counts = {t: counts_of(site, period.id, [o for o in current if t in o.teams]) if period else {} for t in site.teams}
    drafted = dict(Counter(team for o in drafts(current) for team in o.teams))  # counted apart, as drafts are
    return Page("teams/index.html", "teams.html", _("Teams"), {"roots": roots, "period": period, "team_counts": counts,
                                                               "team_drafts": drafted},
                section="teams", depends="context", nav=NavEntry(_("Teams"), 20))


def period_elapsed(site: Site, period_id: str) -> float:
    """The share of a period elapsed on the report date: a committed objective's expected pace."""
    period = site.periods[period_id]
    return scoring.expected_progress(period.start, period.end, site.as_of)


def period_page(site: Site, period_id: str) -> Page:
    period = site.periods[period_id]
    objectives = site.objectives_in(period_id)
    graded = [o.grade for o in objectives if o.grade is not None]
    return Page(period_url(period_id) + "index.html", "period.html", period.title, {
        "period": period,
        "ended": period.has_ended(site.as_of),
        "objectives": by_status(objectives),
        "groups": sorted(team_groups(by_status(objectives)), key=lambda kv: (kv[0] is None, kv[0] or "")),
        "counts": counts_of(site, period_id, objectives),
        "drafts": drafts(objectives),
        "overall": mean_progress(objectives),
        "elapsed": period_elapsed(site, period_id),
        "top_level": len(top_level(objectives)),
        "mean_grade": scoring.mean_grade(graded) if graded else None,
        "closed": [o for o in by_status(objectives) if o.closed is not None and o.grade is not None],
        "trending": [o for o in by_status(objectives) if o.trending_to_miss],
        "alignment": alignment_url(period_id) if objectives else None,
        "scorecard": scorecard_url(period_id) if reported(site, period_id) else None,
    }, section="periods", depends="context", charts=(ChartUse(("period", period_id)),))


def periods_index(site: Site) -> Page:
    """Each period's objectives, overall progress against the expected pace while it runs, and
    statuses, with its drafts counted apart (as on its page)."""
    rows = [(p, site.objectives_in(p.id)) for p in reversed(list(site.periods.values()))]
    return Page("periods/index.html", "periods.html", _("Periods"), {
        "rows": [(p, len(objs), mean_progress(objs), counts_of(site, p.id, objs), len(drafts(objs)),
                  period_elapsed(site, p.id) if p.contains(site.as_of) else None) for p, objs in rows],
    }, section="periods", depends="context", nav=NavEntry(_("Periods"), 10))


def report_periods(site: Site) -> list[Period]:
    """The periods with a page of their own in views by period (alignment, portfolio): those with
    objectives, and the default period; newest first."""
    return [p for p in reversed(list(site.periods.values())) if reported(site, p.id)]


def reported(site: Site, period_id: str) -> bool:
    return period_id == site.default_period or bool(site.objectives_in(period_id))


def attention_projects(site: Site, projects: Iterable[Project], period_id: str) -> list[Project]:
    """Late or over budget, leaving out finished projects of other periods (a project done over
    budget last quarter is not this quarter's news)."""
    here = {p.id for p in portfolio.period_projects(site, period_id)}
    return [p for p in projects if p.attention and (p.status not in FINISHED or p.id in here)]


def not_cancelled(site: Site) -> list[Project]:
    """The projects the dashboard weighs: every one but the cancelled."""
    return [p for p in site.projects.values() if p.status != "cancelled"]


def late_or_over_budget(site: Site, period_id: str) -> list[Project]:
    """The projects late or over budget that a period's scorecard lists: the period's own; for the
    default period, also those of other periods still open (a project late today is news now,
    whichever period it was for), as the dashboard shows them, so the two give one figure."""
    if period_id == site.default_period:
        return attention_projects(site, not_cancelled(site), period_id)
    return attention_projects(site, portfolio.period_projects(site, period_id), period_id)


def alignment_url(period_id: str) -> str:
    return f"alignment/{period_id}/"


def unaligned_projects(projects: Iterable[Project]) -> list[Project]:
    """Projects still going (or not started) that support no objective or key result: neither
    done nor cancelled (the dashboard's count and the alignment page's list are one figure)."""
    return [p for p in projects if not p.aligned and p.status not in FINISHED]


def unsupported(site: Site, key_results: list[KeyResult]) -> list[KeyResult]:
    """Open key results no project supports, neither directly nor through their objective as a
    whole; done and dropped ones are not waiting for one. Furthest behind pace first."""
    open_krs = [kr for kr in key_results if kr.status not in ("done", "dropped") and not checks.supported(site, kr)]
    return sorted(open_krs, key=lambda kr: (-shortfall(kr), kr.ref))


def shortfall(kr: KeyResult) -> float:
    """How far behind a KR is, as a share: behind pace, or for a maintain KR all of it when outside
    its band (keeping a value is not a race against the calendar) and nothing inside."""
    if kr.type == "maintain":
        return 1.0 if kr.status == "off-track" else 0.0
    return kr.expected - kr.progress


def alignment_pages(site: Site) -> list[Page]:
    """An alignment page per period with objectives (and the default period), at a URL that
    stays the period's; `alignment/` shows the default period's, as the dashboard does.

    A period's tree grows with that period, not with the site's whole history; each page
    holds all it shows (the period's objectives and the projects behind them), so an edit
    in one period leaves the other periods' pages as they were.
    """
    switch = [(p, alignment_url(p.id)) for p in report_periods(site)]
    unaligned = unaligned_projects(site.projects.values())
    pages = []
    for period, url in switch:
        objectives = {o.id: o for o in site.objectives_in(period.id)}
        key_results = [kr for o in objectives.values() for kr in o.key_results]
        links = [kr.ref for kr in key_results] + list(objectives)
        # Parents and children in other periods: named on the page, so a roll-up's percentage
        # can be traced, and held in the context, so the page stays self-contained.
        hanging = {kr.ref: site.kr_children.get(kr.ref, ()) for o in objectives.values() for kr in o.key_results}
        across = {i for o in objectives.values() for i in (*o.children, *([o.parent] if o.parent else []))
                  if i not in objectives and i in site.objectives}
        across |= {i for ids in hanging.values() for i in ids if i not in objectives}
        context = {
            "period": period,
            "periods": switch,
            "objectives": objectives,
            "objective_of": objectives,
            "roots": [o for o in objectives.values() if o.parent not in objectives],
            "outside": {i: site.objectives[i] for i in sorted(across)},
            "key_results": len(key_results),
            "supporters": {link: site.projects_for(link) for link in links if link in site.projects_by_link},
            "unsupported": unsupported(site, key_results),
            "hanging": {ref: ids for ref, ids in hanging.items() if ids},
            "unaligned": unaligned,
        }
        title = _("Alignment: %(period)s", period=period.title)
        pages.append(Page(url + "index.html", "alignment.html", title, context, section="alignment",
                          depends="context"))
        if period.id == site.default_period:
            pages.append(Page("alignment/index.html", "alignment.html", title, context, section="alignment",
                              depends="context", nav=NavEntry(_("Alignment"), 40), copy_of=url + "index.html"))
    return pages


def portfolio_url(period_id: str) -> str:
    return f"portfolio/{period_id}/"


def portfolio_pages(site: Site, reasons: dict[str, str]) -> list[Page]:
    """A portfolio page per period, as alignment_pages: `portfolio/` shows the default period's.
    Each holds its period's projects with their lanes, reasons and spending (self-contained)."""
    switch = [(p, portfolio_url(p.id)) for p in report_periods(site)]
    pages = []
    for period, url in switch:
        context = {"period": period, "periods": switch, **portfolio.page_context(site, period.id, reasons)}
        charts = (ChartUse(("portfolio", period.id)), ChartUse(("spend", period.id)))
        title = _("Portfolio: %(period)s", period=period.title)
        pages.append(Page(url + "index.html", "portfolio.html", title, context, section="portfolio",
                          depends="context", charts=charts))
        if period.id == site.default_period:
            pages.append(Page("portfolio/index.html", "portfolio.html", title, context, section="portfolio",
                              depends="context", charts=charts, nav=NavEntry(_("Portfolio"), 35),
                              copy_of=url + "index.html"))
    return pages


def changes_page(site: Site) -> Page:
    """What changed, week by week: the news of the last weeks (okrsite.site.changes)."""
    return Page("changes/index.html", "changes.html", _("What changed"), {"digest": changes.weekly(site)},
                section="changes", depends="context", nav=NavEntry(_("Changes"), 50))


def attention_page(site: Site, items: list[attention.Item]) -> Page:
    """What each owner owes now (site/attention.py): the findings of the check rules an owner acts on."""
    return Page("attention/index.html", "attention.html", _("Needs attention"), {
        "groups": attention.groups(site, items),
        "counts": attention.counts(site, items),
        "total": len(items),
    }, section="attention", depends="context", nav=NavEntry(_("Attention"), 45))


def scorecard_url(period_id: str) -> str:
    return period_url(period_id) + "scorecard/"


def scorecard_card(site: Site, period_id: str) -> scorecard.Scorecard:
    """What a period's scorecard shows (its page and its PDF), from the figures of the period's page."""
    objectives = site.objectives_in(period_id)
    return scorecard.scorecard(site, period_id, counts=counts_of(site, period_id, objectives),
                               overall=mean_progress(objectives), top=top_level(objectives),
                               behind=behind_pace(objectives),
                               attention=late_or_over_budget(site, period_id))


SCORECARD_TEMPLATE = "scorecard.html"  # its pages' cards are also drawn as PDFs (exports.pdf_specs)


def scorecard_pages(site: Site) -> list[Page]:
    """A scorecard per period with a report, beside its PDF (exports); self-contained."""
    return [Page(scorecard_url(p.id) + "index.html", SCORECARD_TEMPLATE, _("Scorecard: %(period)s", period=p.title),
                 {"card": scorecard_card(site, p.id), "pdf": site.config.charts.enabled},
                 section="periods", depends="context") for p in report_periods(site)]


def free_page(site: Site, index: int) -> Page:
    page = site.pages[index]
    return Page(free_page_url(page.slug) + "index.html", "page.html", page.title, {"free_page": page},
                section=f"pages/{page.slug}", depends="context", nav=NavEntry(page.title, 100 + index))


def not_found_page(site: Site) -> Page:
    """GitHub Pages shows 404.html at any depth: its links start from site_url's path."""
    base = "/"
    if site.config.site_url:
        path = urllib.parse.urlsplit(site.config.site_url).path or "/"
        base = path if path.endswith("/") else path + "/"
    return Page("404.html", "404.html", _("Page not found"), {}, base=base, depends="context")


def page_alone(site: Site, url: str) -> Page | None:
    """The page at `url`, made as `site_map` makes it but without the rest of the plan (the preview
    shows an open page before the plan is made); None when the site has no such page. A page of one
    object costs its own context; a list page, what its kind costs in the plan."""
    folder, _, rest = url.partition("/")
    name = rest.removesuffix("/index.html")
    if folder == "objectives" and name in site.objectives:
        found: list[Page] = [objective_page(site, site.objectives[name])]
    elif folder == "projects" and name in site.projects:
        found = [project_page(site, site.projects[name], portfolio.lane_reason(site, site.projects[name]))]
    elif folder == "teams" and name in site.teams:
        found = [team_page(site, site.teams[name], team_members(site)[name])]
    elif folder == "pages":
        found = [free_page(site, index) for index, free in enumerate(site.pages) if free.slug == name]
    elif folder == "periods":
        found = ([period_page(site, name)] if name in site.periods else
                 [periods_index(site)] if name == "index.html" else scorecard_pages(site))
    else:
        found = {"index.html": lambda: [dashboard(site, len(attention.owed(site)))],
                 "attention": lambda: [attention_page(site, attention.owed(site))],
                 "alignment": lambda: alignment_pages(site),
                 "portfolio": lambda: portfolio_pages(site, portfolio.reasons(site)),
                 "projects": lambda: [projects_index(site)], "teams": lambda: [teams_index(site)],
                 "changes": lambda: [changes_page(site)], "404.html": lambda: [not_found_page(site)],
                 }.get(folder, list)()
    return next((page for page in found if page.url == url), None)


def site_map(site: Site) -> list[Page]:
    """Every HTML page of the site, in a stable order."""
    owed = attention.owed(site)
    reasons = portfolio.reasons(site)
    pages = [dashboard(site, len(owed)), attention_page(site, owed), *alignment_pages(site),
             *portfolio_pages(site, reasons),
             periods_index(site), teams_index(site), projects_index(site), changes_page(site), not_found_page(site)]
    pages += [period_page(site, p) for p in site.periods]
    pages += scorecard_pages(site)
    pages += [objective_page(site, o) for o in site.objectives.values()]
    pages += [project_page(site, p, reasons[p.id]) for p in site.projects.values()]
    members = team_members(site)
    pages += [team_page(site, t, members[t.id]) for t in site.teams.values()]
    pages += [free_page(site, i) for i in range(len(site.pages))]
    return pages
