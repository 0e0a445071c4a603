"""The report's model: typed, checked and scored, plain frozen data for the page stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from okrsite.content.config import SiteConfig
from okrsite.model.periods import Period


@dataclass(frozen=True)
class CheckIn:
    date: dt.date
    value: float | None = None
    confidence: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Milestone:
    title: str
    done: bool = False
    due: dt.date | None = None


@dataclass(frozen=True)
class KeyResult:
    id: str
    objective_id: str
    title: str
    type: str  # metric | boolean | milestones
    progress: float
    expected: float
    status: str
    start: float | None = None
    target: float | None = None
    current: float | None = None
    unit: str = ""
    done: bool = False
    milestones: tuple[Milestone, ...] = ()
    weight: float = 1
    owner: str = ""
    checkins: tuple[CheckIn, ...] = ()

    @property
    def ref(self) -> str:
        """The link string projects use: objective-id/kr-id."""
        return f"{self.objective_id}/{self.id}"

    @property
    def decreasing(self) -> bool:
        return self.target is not None and self.start is not None and self.target < self.start

    @property
    def milestones_done(self) -> int:
        return sum(1 for m in self.milestones if m.done)

    @property
    def shortfall(self) -> float:
        return self.expected - self.progress


@dataclass(frozen=True)
class Objective:
    id: str
    title: str
    period: str
    progress: float
    expected: float
    status: str
    grade: float | None
    source: str
    owner: str = ""
    team: str | None = None
    parent: str | None = None
    key_results: tuple[KeyResult, ...] = ()
    children: tuple[str, ...] = ()
    body: str = ""

    @property
    def is_rollup(self) -> bool:
        return not self.key_results


@dataclass(frozen=True)
class Task:
    title: str
    done: bool = False
    due: dt.date | None = None


@dataclass(frozen=True)
class Update:
    date: dt.date
    note: str


@dataclass(frozen=True)
class Budget:
    planned: float | None = None
    spent: float | None = None
    currency: str = ""


@dataclass(frozen=True)
class Hours:
    planned: float | None = None
    actual: float | None = None


@dataclass(frozen=True)
class Project:
    id: str
    title: str
    status: str
    progress: float
    late: bool
    over_budget: bool
    over_hours: bool
    schedule_elapsed: float | None
    health: str | None  # scoring.project_health: work against schedule, None without one
    source: str
    owner: str = ""
    team: str | None = None
    start: dt.date | None = None
    due: dt.date | None = None
    key_results: tuple[str, ...] = ()
    budget: Budget | None = None
    hours: Hours | None = None
    tasks: tuple[Task, ...] = ()
    updates: tuple[Update, ...] = ()
    body: str = ""

    @property
    def tasks_done(self) -> int:
        return sum(1 for t in self.tasks if t.done)

    @property
    def aligned(self) -> bool:
        return bool(self.key_results)

    @property
    def attention(self) -> bool:
        """Late or over budget: what a manager must look at."""
        return self.late or self.over_budget


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    parent: str | None = None
    lead: str = ""
    children: tuple[str, ...] = ()


@dataclass(frozen=True)
class FreePage:
    slug: str
    title: str
    weight: float
    body: str
    source: str


@dataclass(frozen=True)
class Site:
    """The whole report. Dicts are ordered by id; indexes answer the pages' questions."""

    config: SiteConfig
    as_of: dt.date
    default_period: str
    periods: dict[str, Period]
    teams: dict[str, Team]
    objectives: dict[str, Objective]
    projects: dict[str, Project]
    pages: tuple[FreePage, ...] = ()
    projects_by_link: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def key_result(self, ref: str) -> KeyResult | None:
        objective_id, _, kr_id = ref.partition("/")
        objective = self.objectives.get(objective_id)
        if objective is None or not kr_id:
            return None
        return next((kr for kr in objective.key_results if kr.id == kr_id), None)

    def projects_for(self, link: str) -> list[Project]:
        """Projects that name this link: an objective id or an objective-id/kr-id."""
        return [self.projects[p] for p in self.projects_by_link.get(link, ())]

    def objectives_in(self, period_id: str) -> list[Objective]:
        return [o for o in self.objectives.values() if o.period == period_id]

    def period_of(self, objective: Objective) -> Period:
        return self.periods[objective.period]
