"""The attention page: what each owner owes now, from the findings of the check rules.

Stale key results, overdue projects, eased targets, confidence drops and drafts (each listed
while its rule is not `off` in `checks:`), grouped by owner, then by team for what has no
owner; the oldest first. A key result without an owner of its own is its objective's
owners'; an item with several owners (or teams) is listed under each.
"""

from __future__ import annotations

from dataclasses import dataclass

from okrsite.model import checks
from okrsite.model.checks import Finding
from okrsite.model.site import KeyResult, Objective, Project, Site

# The rules whose findings an owner acts on, in the order the page explains them.
RULES = ("stale-kr", "project-overdue", "target-eased", "confidence-drop", "draft-objective")


@dataclass(frozen=True)
class Item:
    """One thing owed: a finding and what it is about."""

    finding: Finding
    objective: Objective | None  # the objective, or the key result's
    kr: KeyResult | None
    project: Project | None
    days: int | None  # how old: since `finding.since`, or a never-updated KR's period start; None for a draft

    @property
    def rule(self) -> str:
        return self.finding.rule


@dataclass(frozen=True)
class Group:
    kind: str  # "owner", "team" or "none"
    name: str  # the owner, or the team id
    anchor: str  # the group's id on the page
    items: tuple[Item, ...]


def owed(site: Site) -> list[Item]:
    """Every item the page lists, once each, in the order of RULES."""
    rules = checks.switched_on(site.config.checks, RULES)
    return [item for finding in checks.run(site, rules) if (item := _item(site, finding)) is not None]


def _item(site: Site, finding: Finding) -> Item | None:
    kind, key = finding.subject
    kr = site.key_result(key) if kind == "kr" else None
    objective = site.objectives[kr.objective_id] if kr else site.objectives.get(key) if kind == "objective" else None
    project = site.projects.get(key) if kind == "project" else None
    if objective is not None and site.period_of(objective).has_ended(site.as_of):
        return None  # a draft of an ended period is owed no more
    since = finding.since
    if since is None and kr is not None and objective is not None:
        since = site.period_of(objective).start  # never updated: waiting since its period started
    return Item(finding, objective, kr, project, None if since is None else (site.as_of - since).days)


def _owners_and_teams(item: Item) -> tuple[tuple[str, ...], tuple[str, ...]]:
    project = item.project
    if project is not None:
        return ((project.owner,) if project.owner else ()), ((project.team,) if project.team else ())
    assert item.objective is not None
    owners = item.kr.owners if item.kr is not None and item.kr.owners else item.objective.owners
    return owners, item.objective.teams


def groups(site: Site, items: list[Item]) -> list[Group]:
    """By owner (by name), then by team (by team name) for items with no owner, then the rest;
    within a group the oldest first (undated ones, a draft, before dated ones)."""
    found: dict[tuple[str, str], list[Item]] = {}
    for item in items:
        owners, teams = _owners_and_teams(item)
        keys = [("owner", o) for o in owners] or [("team", t) for t in teams] or [("none", "")]
        for key in dict.fromkeys(keys):
            found.setdefault(key, []).append(item)

    def team_name(team_id: str) -> str:
        team = site.teams.get(team_id)
        return team.name if team else team_id

    def order(key: tuple[str, str]) -> tuple[int, str, str]:
        kind, name = key
        shown = team_name(name) if kind == "team" else name
        return ("owner", "team", "none").index(kind), shown.casefold(), name

    def oldest(item: Item) -> tuple[int, int, int, str]:
        return (item.days is not None, -(item.days or 0), RULES.index(item.rule), item.finding.message)

    return [Group(kind, name, f"{kind}-{index + 1}", tuple(sorted(found[(kind, name)], key=oldest)))
            for index, (kind, name) in enumerate(sorted(found, key=order))]


def counts(site: Site, items: list[Item]) -> list[tuple[str, int]]:
    """How many items each listed rule (each one not `off`) found, in the order of RULES."""
    return [(rule, sum(item.rule == rule for item in items)) for rule in checks.switched_on(site.config.checks, RULES)]
