"""Objectives scored: progress (their key results', or a roll-up's children's), expectation and
pace, status, grades (computed and closing), forecast, and drafts.

A draft is an objective with no key result that counts and no child to roll up: real OKR
sets publish headings before their key results. Its numbers are None (okrs.json: null),
and it is left out of every average and counted apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from okrsite.content.config import SiteConfig
from okrsite.model import scoring
from okrsite.model.periods import Period
from okrsite.model.site import KeyResult


@dataclass(frozen=True)
class Scores:
    """What the arithmetic says of one objective (None: a draft's numbers)."""

    progress: float | None
    expected: float
    status: str
    computed_grade: float | None
    forecast_progress: float | None
    trending_to_miss: bool
    rolled_up: int = 0  # a roll-up's supporting objectives with numbers (drafts have none)


def expected_progress(period: Period, expectation: float, config: SiteConfig) -> float:
    """Elapsed share of the period times what the objective is expected to reach."""
    return scoring.expected_progress(period.start, period.end, config.as_of) * expectation


def scores(order: list[str], key_results: dict[str, list[KeyResult]], children: dict[str, list[str]],
           period_of: Callable[[str], Period], expectation_of: Callable[[str], float],
           config: SiteConfig) -> dict[str, Scores]:
    """Every objective's scores, children before their roll-up (`order` lists children first)."""
    result: dict[str, Scores] = {}
    for objective_id in order:
        counted = [kr for kr in key_results[objective_id] if kr.counted]
        rolled = [result[child] for child in children.get(objective_id, ()) if result[child].progress is not None]
        expectation = expectation_of(objective_id)
        period = period_of(objective_id)
        expected = expected_progress(period, expectation, config)
        if counted:
            progress = scoring.weighted_mean([(kr.progress, kr.weight) for kr in counted])
            forecasts = [(kr.forecast.progress if kr.forecast else kr.progress, kr.weight) for kr in counted]
            has_forecast = any(kr.forecast for kr in counted)
        elif rolled:
            progress = scoring.weighted_mean([(child.progress, 1) for child in rolled])  # type: ignore[misc]
            forecasts = [(child.forecast_progress if child.forecast_progress is not None else child.progress, 1)
                         for child in rolled]  # type: ignore[misc]
            has_forecast = any(child.forecast_progress is not None for child in rolled)
        else:
            result[objective_id] = Scores(None, expected, "draft", None, None, False)
            continue
        forecast = scoring.weighted_mean(forecasts) if has_forecast else None
        result[objective_id] = Scores(
            progress, expected, scoring.status(progress, expected, config.as_of, period.start, config.thresholds),
            scoring.grade(progress, period.end, config.as_of), forecast,
            forecast is not None and forecast < expectation - scoring.TOLERANCE, 0 if counted else len(rolled))
    return result


def children_first(ids: list[str], children: dict[str, list[str]]) -> list[str]:
    """The objectives ordered so that each comes after its children, with a stack of our own:
    a parent chain may be long (it is checked, but the order must not depend on recursion)."""
    order: list[str] = []
    placed: set[str] = set()
    for root in ids:
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if node in placed:
                continue
            if expanded:
                placed.add(node)
                order.append(node)
                continue
            stack.append((node, True))
            stack.extend((child, False) for child in children.get(node, ()) if child not in placed)
    return order
