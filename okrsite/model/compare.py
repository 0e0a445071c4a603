"""What changed between two loaded sites, as a reviewer reads a pull request: pure.

Both sites must be scored with the same as_of (okrsite diff loads the base with the head's),
so every difference found here is a change of content, not of the calendar.

Objectives, KRs and projects are matched by id. Each one that is on one side only, or
changed state, is an entry with a `change` word: "added" or "removed"; an objective "moved",
"retitled" or "reassigned" (its owners or teams); a KR "dropped" (its
`dropped:` set) or "reinstated" (unset); an objective "dropped" when every one of its key
results is dropped now and some counted before. An objective added without a counted key
result is marked as a draft. Objectives whose progress or status moved (with numbers on both
sides), moves of values (of KRs that count on both sides), targets (a maintain KR's floor and
ceiling too), confidence and project plans are listed apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from okrsite.model.history import is_eased
from okrsite.model.scoring import whole_percent
from okrsite.model.site import KeyResult, Objective, Project, Site
from okrsite.model.vocabulary import shown_status

T = TypeVar("T")


@dataclass(frozen=True)
class ObjectiveChange:
    change: str  # added | removed | dropped | moved (to another period) | retitled | reassigned (owners, teams)
    id: str
    title: str
    period: str
    team: str | None
    draft: bool = False  # added with no key result that counts (and no child to roll up)
    was: str = ""  # moved: the period it was in; retitled: its title before; reassigned: its owners and teams before


@dataclass(frozen=True)
class ProgressMove:
    """An objective in both sites, with numbers on both sides, whose shown progress or status moved."""

    id: str
    title: str
    period: str
    progress_before: float
    progress_after: float
    status_before: str
    status_after: str


@dataclass(frozen=True)
class KrChange:
    change: str  # added | removed | dropped | reinstated | retitled
    ref: str
    title: str
    reason: str = ""  # dropped: why
    date: dt.date | None = None  # dropped: when, if the file says
    was: str = ""  # retitled: its title before


@dataclass(frozen=True)
class ValueMove:
    """A KR in both sites whose value or status moved."""

    ref: str
    title: str
    type: str
    unit: str
    before: float | str  # metric, maintain: the value; boolean: 1/0; milestones: how many are done; zones: the zone
    after: float | str
    progress_before: float
    progress_after: float
    status_before: str
    status_after: str
    milestones: int = 0  # how many a milestones KR has (after)


@dataclass(frozen=True)
class TargetMove:
    ref: str
    title: str
    unit: str
    field: str  # target | start; floor | ceiling (maintain KRs)
    before: float
    after: float
    eased: bool  # see model.history.is_eased (a floor lowered, a ceiling raised); else the bar was raised


@dataclass(frozen=True)
class ConfidenceDrop:
    ref: str
    title: str
    before: float  # the latest confidence known on as_of, in each site
    after: float


@dataclass(frozen=True)
class Move:
    before: object
    after: object


@dataclass(frozen=True)
class ProjectChange:
    change: str  # added | removed | changed
    id: str
    title: str
    status: Move | None = None
    due: Move | None = None  # dates; see `slipped_days`
    budget_planned: Move | None = None
    hours_planned: Move | None = None
    currency: str = ""  # of the budget

    @property
    def slipped_days(self) -> int | None:
        """Days the due date moved later (negative: pulled in); None unless both are dates."""
        if self.due and isinstance(self.due.before, dt.date) and isinstance(self.due.after, dt.date):
            return (self.due.after - self.due.before).days
        return None


@dataclass(frozen=True)
class Changes:
    objectives: tuple[ObjectiveChange, ...] = ()
    progress: tuple[ProgressMove, ...] = ()
    key_results: tuple[KrChange, ...] = ()
    values: tuple[ValueMove, ...] = ()
    targets: tuple[TargetMove, ...] = ()
    confidence_drops: tuple[ConfidenceDrop, ...] = ()
    projects: tuple[ProjectChange, ...] = ()

    def __bool__(self) -> bool:
        return any((self.objectives, self.progress, self.key_results, self.values, self.targets, self.confidence_drops,
                    self.projects))


def compare(base: Site, head: Site) -> Changes:
    """The changes from `base` to `head`, each list sorted by id."""
    base_krs, head_krs = _key_results(base), _key_results(head)
    both = [(base_krs[ref], head_krs[ref]) for ref in sorted(base_krs.keys() & head_krs.keys())]
    return Changes(
        objectives=(_membership(base.objectives, head.objectives, lambda change, o: ObjectiveChange(
            change, o.id, o.title, o.period, o.team, change == "added" and o.is_draft))
            + tuple(ObjectiveChange("dropped", o.id, o.title, o.period, o.team) for oid, o in head.objectives.items()
                    if oid in base.objectives and _dropped(base.objectives[oid], o))
            + tuple(change for oid in sorted(base.objectives.keys() & head.objectives.keys())
                    for change in _objective_edits(base.objectives[oid], head.objectives[oid]))),
        progress=tuple(move for oid in sorted(base.objectives.keys() & head.objectives.keys())
                       if (move := _progress_move(base, head, base.objectives[oid], head.objectives[oid]))),
        key_results=(_membership(base_krs, head_krs, lambda change, kr: KrChange(change, kr.ref, kr.title))
                     + tuple(change for old, new in both if (change := _kr_drop(old, new)))
                     + tuple(KrChange("retitled", new.ref, new.title, was=old.title) for old, new in both
                             if _retitled(old.title, new.title))),
        values=tuple(move for old, new in both if old.counted and new.counted
                     and (move := _value_move(old, new, _shown(base, old), _shown(head, new)))),
        targets=tuple(move for old, new in both for move in _target_moves(old, new)),
        confidence_drops=tuple(drop for old, new in both if (drop := _confidence_drop(old, new, head.as_of))),
        projects=(_membership(base.projects, head.projects, lambda change, p: ProjectChange(change, p.id, p.title))
                  + tuple(change for pid in sorted(base.projects.keys() & head.projects.keys())
                          if (change := _project_change(base.projects[pid], head.projects[pid])))),
    )


def _key_results(site: Site) -> dict[str, KeyResult]:
    return {kr.ref: kr for objective in site.objectives.values() for kr in objective.key_results}


def _membership(base: Mapping[str, T], head: Mapping[str, T], make: Callable[[str, T], object]) -> tuple:
    """Entries on one side only, by id: added (in head), then removed (in base)."""
    return tuple([make("added", head[key]) for key in sorted(head.keys() - base.keys())]
                 + [make("removed", base[key]) for key in sorted(base.keys() - head.keys())])


def _dropped(old: Objective, new: Objective) -> bool:
    """Every key result dropped now, and some counted before (an objective that never had any is a draft)."""
    return bool(old.counted_krs) and bool(new.key_results) and not new.counted_krs


def _objective_edits(old: Objective, new: Objective) -> list[ObjectiveChange]:
    """A move to another period (its numbers are then of another pace), a new title, other owners
    or teams (who answers for it): a diff of numbers alone showed the first as a status moving for
    no reason, the others not at all."""
    edits = []
    if old.period != new.period:
        edits.append(ObjectiveChange("moved", new.id, new.title, new.period, new.team, was=old.period))
    if _retitled(old.title, new.title):
        edits.append(ObjectiveChange("retitled", new.id, new.title, new.period, new.team, was=old.title))
    before = [f"{what} {', '.join(getattr(old, field)) or 'none'}" for what, field in (("owner", "owners"), ("team", "teams"))
              if getattr(old, field) != getattr(new, field)]
    if before:
        edits.append(ObjectiveChange("reassigned", new.id, new.title, new.period, new.team, was="; ".join(before)))
    return edits


def _retitled(old: str, new: str) -> bool:
    """Another title, not the same words wrapped or spaced otherwise."""
    return old.split() != new.split()


def _kr_drop(old: KeyResult, new: KeyResult) -> KrChange | None:
    if new.dropped and not old.dropped:
        return KrChange("dropped", new.ref, new.title, new.dropped.reason, new.dropped.date)
    if old.dropped and not new.dropped:
        return KrChange("reinstated", new.ref, new.title)
    return None


def _reading(kr: KeyResult) -> float | str:
    if kr.type == "boolean":
        return 1 if kr.done else 0
    if kr.type == "milestones":
        return kr.milestones_done
    if kr.type == "zones":
        return kr.zone or "fail"
    return kr.current if kr.current is not None else 0


def _shown(site: Site, item: KeyResult | Objective) -> str:
    """A status as its site shows it: done or not done once its period has ended, not a pace."""
    objective = site.objectives[item.objective_id] if isinstance(item, KeyResult) else item
    return shown_status(item, site.period_of(objective).has_ended(site.as_of))


def _progress_move(base: Site, head: Site, old: Objective, new: Objective) -> ProgressMove | None:
    """The objective's move where its shown progress or status moved, with numbers on both sides
    (a draft has none, nor one whose key results are all dropped: listed as such)."""
    if old.is_draft or new.is_draft:  # (every key result dropped, or a roll-up of drafts: a draft too)
        return None
    before, after = _shown(base, old), _shown(head, new)
    if (whole_percent(old.progress), before) == (whole_percent(new.progress), after):
        return None
    return ProgressMove(new.id, new.title, new.period, old.progress, new.progress, before, after)


def _value_move(old: KeyResult, new: KeyResult, status_before: str, status_after: str) -> ValueMove | None:
    """The KR's move where its value, status or shown progress moved (an eased target moves the
    progress alone: 42 % -> 50 % of ARR, on track both times)."""
    if old.type != new.type or (_reading(old), status_before, whole_percent(old.progress)) == (
            _reading(new), status_after, whole_percent(new.progress)):
        return None
    return ValueMove(new.ref, new.title, new.type, new.unit, _reading(old), _reading(new), old.progress, new.progress,
                     status_before, status_after, len(new.milestones))


def _target_moves(old: KeyResult, new: KeyResult) -> list[TargetMove]:
    moves = []
    if old.start is not None and old.target is not None:
        for field in ("target", "start"):
            before, after = getattr(old, field), getattr(new, field)
            if after is not None and after != before:
                moves.append(TargetMove(new.ref, new.title, new.unit, field, before, after,
                                        is_eased(field, old.start, old.target, after)))
    if old.type == new.type == "maintain":  # a band: a lower floor or a higher ceiling lets more in
        for field, eased in (("floor", lambda b, a: a < b), ("ceiling", lambda b, a: a > b)):
            before, after = getattr(old, field), getattr(new, field)
            if before is not None and after is not None and after != before:
                moves.append(TargetMove(new.ref, new.title, new.unit, field, before, after, eased(before, after)))
    return moves


def _latest_confidence(kr: KeyResult, as_of: dt.date) -> float | None:
    """The confidence of the latest check-in that has one, on or before as_of (file order breaks ties)."""
    known = [(c.date, i, c.confidence) for i, c in enumerate(kr.checkins)
             if c.confidence is not None and c.date <= as_of]
    return max(known)[2] if known else None


def _confidence_drop(old: KeyResult, new: KeyResult, as_of: dt.date) -> ConfidenceDrop | None:
    before, after = _latest_confidence(old, as_of), _latest_confidence(new, as_of)
    if before is None or after is None or after >= before:
        return None
    return ConfidenceDrop(new.ref, new.title, before, after)


def _project_change(old: Project, new: Project) -> ProjectChange | None:
    def move(before: object, after: object) -> Move | None:
        return None if before == after else Move(before, after)

    change = ProjectChange(
        "changed", new.id, new.title, status=move(old.status, new.status), due=move(old.due, new.due),
        budget_planned=move(old.budget.planned if old.budget else None, new.budget.planned if new.budget else None),
        hours_planned=move(old.hours.planned if old.hours else None, new.hours.planned if new.hours else None),
        currency=(new.budget or old.budget).currency if (new.budget or old.budget) else "")
    return change if (change.status or change.due or change.budget_planned or change.hours_planned) else None
