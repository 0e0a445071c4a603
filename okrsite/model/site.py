"""The report's model: typed, checked and scored, plain frozen data for the page stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, field

from okrsite.content import schema as s
from okrsite.content.config import OBJECTIVE_KINDS, SiteConfig
from okrsite.content.options import group, items, option
from okrsite.model import vocabulary
from okrsite.model.history import TargetChange
from okrsite.model.scoring import ZONES
from okrsite.model.periods import Period
from okrsite.model.portfolio import EarnedValue, behind_schedule


# The fields a content file may set are declared once, as options (check, default, help text);
# the schema that checks a file and the reference tables of the README come from them. Fields
# without a declaration are computed (progress, status, ...).

ZONE_TYPE = " \\| ".join(f"`{z}`" for z in ZONES)
OWNERS = "text or list of texts"
TITLE = s.filled("write what it is called")  # a title of spaces is no title: refused as a missing one


@dataclass(frozen=True, kw_only=True)
class CheckIn:
    date: dt.date = option(s.date, MISSING, "when the value was measured", "date", required=True)
    value: float | None = option(s.number, None, "the value then (metric and maintain KRs)", "number")
    zone: str | None = option(s.one_of(*ZONES), None, "the zone reached then (zones KRs), in place of a value",
                              ZONE_TYPE)
    confidence: float | None = option(s.fraction, None, "how sure the owner is of reaching the target",
                                      "number from 0 to 1")
    note: str = option(s.text, "", "what happened", "text")


@dataclass(frozen=True)
class Reading:
    """One point of a KR's history: a check-in of its file, or a commit that changed its value."""

    date: dt.date
    value: float | None
    zone: str | None
    confidence: float | None
    note: str
    source: str  # "checkin", or "git:<short commit>" ("git:uncommitted": the work tree)
    author: str = ""
    added: bool = False  # from git: the commit that added the KR (where its history starts)


@dataclass(frozen=True, kw_only=True)
class Dropped:
    reason: str = option(s.filled("say why it was dropped"), MISSING, "why it was dropped", "text", required=True)
    date: dt.date | None = option(s.date, None, "when", "date")


@dataclass(frozen=True, kw_only=True)
class Zones:
    commit: str = option(s.text, "", "what the commit zone means (the least that counts)", "text")
    target: str = option(s.text, "", "what the target zone means", "text")
    stretch: str = option(s.text, "", "what the stretch zone means", "text")


@dataclass(frozen=True)
class Forecast:
    value: float  # where the KR is heading at its period's end
    progress: float  # the progress that value would make


@dataclass(frozen=True, kw_only=True)
class ChecklistItem:
    """A milestone of a key result, or a task of a project."""

    title: str = option(TITLE, MISSING, "what is to be done", "text", required=True)
    done: bool = option(s.boolean, False, "done yet", "bool")
    due: dt.date | None = option(s.date, None, "when it is due; overdue once past and not done", "date")

    def overdue(self, as_of: dt.date) -> bool:
        """Past its due date and not done (a milestone's card flag and its list say so alike)."""
        return not self.done and self.due is not None and self.due < as_of


@dataclass(frozen=True, kw_only=True)
class Closed:
    grade: float = option(s.fraction, MISSING, "the grade from 0 to 1", "number from 0 to 1", required=True)
    note: str = option(s.text, "", "what the closing review said", "text")


KR_TYPES = ("metric", "boolean", "milestones", "maintain", "zones")
MAX_KEY_RESULTS = 100  # per objective (README, "Safety")


@dataclass(frozen=True, kw_only=True)
class KeyResult:
    id: str = option(s.slug, MISSING, "unique within its objective; lowercase letters, digits, `-`, `_`", "id",
                     default_text="`kr-1`, `kr-2`, … by position")
    objective_id: str
    title: str = option(TITLE, MISSING, "what will be true when it is achieved", "text", required=True)
    type: str = option(s.one_of(*KR_TYPES), "metric", "how progress is measured",
                       " \\| ".join(f"`{t}`" for t in KR_TYPES))
    progress: float
    expected: float
    status: str
    description: str = option(s.text, "", "more about it, in Markdown, shown under the title", "Markdown")
    start: float | None = option(s.number, None, "value at the start; required for `metric`", "number")
    target: float | None = option(s.number, None, "value to reach; below `start` means \"decrease\"", "number")
    current: float | None = option(s.number, None, "latest value (`metric`, `maintain`)", "number",
                                   default_text="the latest check-in's value, else `start`")
    floor: float | None = option(s.number, None, "for `maintain`: the value must stay at or above it", "number")
    ceiling: float | None = option(s.number, None, "for `maintain`: the value must stay at or below it", "number")
    zones: Zones | None = group(Zones, "zones", "for `zones`: what each zone means", optional=True,
                                type="`{commit, target, stretch}`")
    zone: str | None = option(s.one_of(*ZONES), None, "for `zones`: the zone reached", ZONE_TYPE,
                              default_text="the latest check-in's zone, else `fail`")
    unit: str = option(s.text, "", "shown after values (`%`, `views`, `USD`, …); `%` and a scale such as `/5` "
                       "follow without a space", "text")
    done: bool = option(s.boolean, None, "for `boolean`: achieved or not", "bool", default_text="false")
    milestones: tuple[ChecklistItem, ...] = items(ChecklistItem, "a milestone", "for `milestones`",
                                                  "list of `{title, done?, due?}`")
    weight: float = option(s.positive, 1, "weight in the objective's progress", "number > 0")
    owners: tuple[str, ...] = option(s.one_or_list_of(s.text), (), "who answers for it; the first is shown first",
                                     OWNERS, key="owner")
    dropped: Dropped | None = group(Dropped, "dropped", "the KR was dropped: it stays on the page, struck "
                                    "through, and counts in no number", optional=True, type="`{reason, date?}`")
    checkins: tuple[CheckIn, ...] = items(CheckIn, "a check-in", "the history of values, confidence and notes",
                                          "list of `{date, value?, zone?, confidence?, note?}`")
    history: tuple[Reading, ...] = ()  # the check-ins, or the commits that changed its value, oldest first
    target_changes: tuple[TargetChange, ...] = ()
    last_update: dt.date | None = None
    stale: bool = False
    forecast: Forecast | None = None

    @property
    def owner(self) -> str:
        return self.owners[0] if self.owners else ""

    @property
    def counted(self) -> bool:
        """Counts in its objective's numbers (a dropped KR does not)."""
        return self.dropped is None

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


@dataclass(frozen=True, kw_only=True)
class Objective:
    id: str = option(s.slug, MISSING, "unique site-wide", "id", default_text="the file name")
    title: str = option(TITLE, MISSING, "what we want", "text", required=True)
    period: str = option(s.period_id, MISSING, "`2026-Q1`, `2026-H1`, `2026` or a custom period's id",
                         "period id", default_text="`default_period`")
    kind: str = option(s.one_of(*OBJECTIVE_KINDS), MISSING, "`committed`: expected to reach 1.0; "
                       "`aspirational`: expected to reach `aspirational_target` (0.7)",
                       " \\| ".join(f"`{k}`" for k in OBJECTIVE_KINDS), default_text="`default_kind`")
    progress: float  # 0 for a draft (okrs.json: null)
    expected: float
    status: str
    grade: float | None  # the closing grade once the period has ended, else the computed one
    source: str
    owners: tuple[str, ...] = option(s.one_or_list_of(s.text), (), "who answers for it; the first is shown first",
                                     OWNERS, key="owner")
    teams: tuple[str, ...] = option(s.one_or_list_of(s.text), (), "the teams that own it (ids of teams.yaml, when "
                                    "there is one); it shows on each team's page, the first is its home",
                                    "team or list of teams", key="team")
    parent: str | None = option(s.parent_ref, None, "the objective this one supports, or another objective's key "
                                "result (`objective-id/kr-id`) it hangs from", "`objective-id` or "
                                "`objective-id/kr-id`")
    priority: int | None = option(s.priority, None, "shown as P0 (highest) to P3; lists sort by it",
                                  "whole number from 0 to 3")
    closed: Closed | None = group(Closed, "closed", "the grade published at the period's close; it replaces the "
                                  "computed grade (both are shown)", optional=True, type="`{grade, note?}`")
    key_results: tuple[KeyResult, ...] = items(KeyResult, "a key result", "how progress is measured",
                                               f"list of key results (at most {MAX_KEY_RESULTS})",
                                               at_most=MAX_KEY_RESULTS)
    parent_kr: str | None = None  # the key result of `parent` this objective hangs from
    children: tuple[str, ...] = ()  # objectives whose parent is this one (a roll-up's children)
    body: str = ""
    expectation: float = 1.0  # what it is expected to reach: 1.0, or aspirational_target
    computed_grade: float | None = None  # the arithmetic's grade once the period has ended
    forecast_progress: float | None = None
    trending_to_miss: bool = False
    rolled_up: int = 0  # a roll-up's supporting objectives whose mean its progress is (drafts left out)
    period_written: bool = True  # False: no `period:` in its file, so the default period is its (no-period)

    @property
    def owner(self) -> str:
        return self.owners[0] if self.owners else ""

    @property
    def team(self) -> str | None:
        """Its home team (breadcrumbs); `teams` lists all."""
        return self.teams[0] if self.teams else None

    @property
    def counted_krs(self) -> tuple[KeyResult, ...]:
        """The key results that count in its numbers (not dropped)."""
        return tuple(kr for kr in self.key_results if kr.counted)

    @property
    def is_rollup(self) -> bool:
        return not self.counted_krs and bool(self.children)

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


@dataclass(frozen=True, kw_only=True)
class Update:
    date: dt.date = option(s.date, MISSING, "when", "date", required=True)
    note: str = option(s.text, MISSING, "what happened", "text", required=True)
    # Totals so far on that date: a project with two or more gets a burn chart.
    spent: float | None = option(s.number, None, "money spent so far, on that date (in the budget's currency)",
                                 "number")
    hours: float | None = option(s.number, None, "hours worked so far, on that date", "number")
    progress: float | None = option(s.fraction, None, "share of the work done on that date", "number from 0 to 1")

    @property
    def measured(self) -> bool:
        """Carries a value for the burn chart."""
        return self.spent is not None or self.hours is not None or self.progress is not None


@dataclass(frozen=True, kw_only=True)
class Budget:
    planned: float | None = option(s.number, None, "the budget", "number")
    spent: float | None = option(s.number, None, "spent so far", "number")
    currency: str = option(s.text, "", "shown after amounts", "text")


@dataclass(frozen=True, kw_only=True)
class Hours:
    planned: float | None = option(s.number, None, "hours planned", "number")
    actual: float | None = option(s.number, None, "hours worked so far", "number")


PROJECT_STATUSES = tuple(vocabulary.PROJECT_STATUSES)


@dataclass(frozen=True, kw_only=True)
class Project:
    id: str = option(s.slug, MISSING, "unique site-wide", "id", default_text="the file name")
    title: str = option(TITLE, MISSING, "what the project delivers", "text", required=True)
    status: str = option(s.one_of(*PROJECT_STATUSES), "planned", "where it stands",
                         " \\| ".join(f"`{t}`" for t in PROJECT_STATUSES))
    progress: float = option(s.fraction, MISSING, "share of the work done", "number from 0 to 1",
                             default_text="share of tasks done (a done project without tasks: 1)")
    late: bool
    over_budget: bool
    over_hours: bool
    schedule_elapsed: float | None
    health: str | None  # scoring.project_health: work against schedule, None without one
    source: str
    owner: str = option(s.text, "", "who answers for it", "text")
    team: str | None = option(s.text, None, "the team that runs it", "text")
    start: dt.date | None = option(s.date, None, "when work starts", "date")
    due: dt.date | None = option(s.date, None, "when it is due; late once past and not done or cancelled",
                                 "date")
    key_results: tuple[str, ...] = option(s.one_or_list_of(s.text), (), "what it supports: `objective-id/kr-id`, "
                                          "or `objective-id` for the whole objective", "link or list of links",
                                          slips=(("objectives", "it takes objective ids, or objective-id/kr-id "
                                                                "for one key result"),))
    budget: Budget | None = group(Budget, "a budget", "money planned and spent", optional=True,
                                  type="`{planned?, spent?, currency?}`")
    hours: Hours | None = group(Hours, "hours", "time planned and worked", optional=True,
                                type="`{planned?, actual?}`")
    tasks: tuple[ChecklistItem, ...] = items(ChecklistItem, "a task", "the work, ticked off",
                                             "list of `{title, done?, due?}`")
    updates: tuple[Update, ...] = items(Update, "an update", "news, newest shown first",
                                        "list of `{date, note, spent?, hours?, progress?}`")
    body: str = ""
    evm: EarnedValue = EarnedValue()  # portfolio.earned_value
    lane: str | None = None  # portfolio.lane: halt | review | push | keep; None when done or cancelled

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

    @property
    def behind_schedule(self) -> bool:
        """Work done trails time elapsed (a flag beside late and over budget)."""
        return behind_schedule(self.progress, self.schedule_elapsed, self.status, self.late)


@dataclass(frozen=True, kw_only=True)
class Team:
    id: str = option(s.slug, MISSING, "what `team:` fields name", "id", required=True)
    name: str = option(s.text, MISSING, "shown on pages", "text", default_text="the id")
    parent: str | None = option(s.slug, None, "the team it belongs to (forms the org tree)", "team id")
    lead: str = option(s.text, "", "who leads it", "text")
    children: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class FreePage:
    slug: str
    title: str = option(TITLE, MISSING, "the page title", "text", required=True)
    weight: float = option(s.number, 0, "order in the navigation, lowest first", "number")
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
    kr_children: dict[str, tuple[str, ...]] = field(default_factory=dict)  # KR ref -> objectives hanging from it

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
