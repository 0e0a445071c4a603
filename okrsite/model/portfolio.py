"""The portfolio arithmetic of the spec: earned value and lanes. Pure functions, no I/O.

Earned value management (EVM) compares three amounts of money: what the work done so far
was budgeted at (earned value, EV), what the plan says should have been done by now
(planned value, PV) and what was spent (actual cost, AC). Their ratios say whether a
project is behind schedule (SPI) or costs more than planned (CPI). Every figure is
`None` when a term is missing or a divisor is 0, never a guess.

A lane is what a manager should do with a project, the first that applies:
halt (it supports nothing still open), review (late, or an index below 0.85),
push (it moves a KR or objective at risk or off track), keep.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from okrsite.model.scoring import TOLERANCE, round_half_up

REVIEW_BELOW = 0.85  # an SPI or CPI below this sends a project to review
CLOSED = ("done", "dropped")  # a KR or objective with one of these statuses asks for no more work
PRESSING = ("at-risk", "off-track")  # statuses a project that moves them should push
FINISHED = ("done", "cancelled")  # project statuses with no lane


@dataclass(frozen=True)
class EarnedValue:
    """The EVM figures of a project (okrs.json `evm`); each None when it cannot be computed."""

    bac: float | None = None  # budget at completion: budget.planned
    pv: float | None = None  # planned value: BAC × schedule elapsed
    ev: float | None = None  # earned value: BAC × progress
    ac: float | None = None  # actual cost: budget.spent
    spi: float | None = None  # schedule performance index: EV / PV
    cpi: float | None = None  # cost performance index: EV / AC
    eac: float | None = None  # estimate at completion: BAC / CPI
    vac: float | None = None  # variance at completion: BAC − EAC


def _product(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a * b


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def earned_value(planned: float | None, spent: float | None, progress: float,
                 elapsed: float | None) -> EarnedValue:
    """The spec's formulas; `elapsed` is the schedule elapsed (None without start and due)."""
    pv = _product(planned, elapsed)
    ev = _product(planned, progress)
    cpi = _ratio(ev, spent)
    eac = _ratio(planned, cpi)
    return EarnedValue(bac=planned, pv=pv, ev=ev, ac=spent, spi=_ratio(ev, pv), cpi=cpi, eac=eac,
                       vac=None if planned is None or eac is None else planned - eac)


def below_review(index: float | None) -> bool:
    """An SPI or CPI under 0.85 (an index of exactly 0.85, however the division rounds, is not)."""
    return index is not None and index < REVIEW_BELOW - TOLERANCE


@dataclass(frozen=True)
class Support:
    """Something a project supports (a KR, or an objective as a whole), as its lane sees it."""

    link: str  # "objective-id/kr-id" or "objective-id"
    status: str  # the KR's or objective's status
    open: bool  # still asks for work: not done or dropped, and its period has not ended


def still_open(status: str, period_end: dt.date, as_of: dt.date) -> bool:
    return status not in CLOSED and not period_end < as_of


class _KeyResult(Protocol):
    id: str
    status: str


class _Objective(Protocol):
    period: str
    status: str
    key_results: Sequence[_KeyResult]
    children: Sequence[str]


class _Period(Protocol):
    end: dt.date


def supports(links: Iterable[str], objectives: Mapping[str, _Objective], periods: Mapping[str, _Period],
             as_of: dt.date) -> tuple[Support, ...]:
    """What a project's links point at, with each one's status and whether it is still open."""
    found = []
    for link in links:
        objective_id, _, kr_id = link.partition("/")
        objective = objectives.get(objective_id)
        if objective is None:
            continue
        status = objective.status
        if not kr_id and status == "draft" and objective.key_results and not objective.children \
                and all(kr.status == "dropped" for kr in objective.key_results):
            status = "dropped"  # a draft only because every key result is dropped: it asks for no more work
        if kr_id:
            kr = next((k for k in objective.key_results if k.id == kr_id), None)
            if kr is None:
                continue
            status = kr.status
        found.append(Support(link, status, still_open(status, periods[objective.period].end, as_of)))
    return tuple(found)


def pressing(items: Iterable[Support]) -> list[Support]:
    """The open KRs and objectives at risk or off track: what pushing a project would help."""
    return [s for s in items if s.open and s.status in PRESSING]


def lane(status: str, late: bool, evm: EarnedValue, items: Sequence[Support]) -> str | None:
    """halt, review, push or keep: the first that applies; None for a done or cancelled project."""
    if status in FINISHED:
        return None
    if not any(s.open for s in items):
        return "halt"
    if late or below_review(evm.spi) or below_review(evm.cpi):
        return "review"
    if pressing(items):
        return "push"
    return "keep"


def behind_schedule(progress: float, elapsed: float | None, status: str, late: bool) -> bool:
    """Work done trails time elapsed, as whole percentages (as the page shows them, so it never
    says "40 % done, 40 % elapsed, behind"); a late project is late, not merely behind."""
    if elapsed is None or late or status in FINISHED:
        return False
    return round_half_up(progress * 100, 0) < round_half_up(elapsed * 100, 0)
