"""Where a subject's page is, as a site path: one place for the URL scheme of the page plan
(pages.py) and of the modules that prepare page data without importing it (portfolio, changes)."""

from __future__ import annotations


def objective_url(objective_id: str) -> str:
    return f"objectives/{objective_id}/"


def project_url(project_id: str) -> str:
    return f"projects/{project_id}/"


def team_url(team_id: str) -> str:
    return f"teams/{team_id}/"


def period_url(period_id: str) -> str:
    return f"periods/{period_id}/"


def free_page_url(slug: str) -> str:
    return f"pages/{slug}/"


def link_url(link: str) -> str:
    """Where a project's link string points: the objective page, at the KR's anchor."""
    objective_id, _, kr_id = link.partition("/")
    return objective_url(objective_id) + (f"#kr-{kr_id}" if kr_id else "")
