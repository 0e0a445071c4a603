"""What the versions of an objective file say about its key results over time. Pure: the
versions (parsed front matter, by commit) come from okrsite.content.history (git, read
and parsed at the edge, cached by blob).

Per key result (by id; `kr-N` by position for KRs without one):
- history points: each version that changed the KR's value (`current`, else `start`, on
  metric KRs; `done` as 1/0; the number of milestones done; `zone`), the first version
  included (`added` when the KR first appears in it), unless it is a shallow clone's oldest
  commit (`baseline`: the value then, by nobody we know of, is where the history starts from).
  Not for KRs whose latest version has `checkins:` that carry their reading (metric, maintain,
  zones: their history is in them); a boolean or milestones KR's check-ins carry confidence and
  notes only, so the commits that marked it done, or a milestone, stay its history beside them.
- target changes: each version dated after the period's start that changed `target` or
  `start`; eased when it makes the KR easier (see `is_eased`).

A version without a `key_results` list is skipped; a KR field that is not a number (or
zone) counts as not given in that version.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from okrsite.content.history import Version
from okrsite.model.scoring import CHECKIN_READING, ZONES


@dataclass(frozen=True)
class HistoryPoint:
    date: dt.date
    value: float | None  # None on zones KRs
    zone: str | None
    source: str  # "git:<short id>", or "git:uncommitted" for the work tree's changes
    author: str
    added: bool = False  # the version that added the KR (its value then is where it starts from)


@dataclass(frozen=True)
class TargetChange:
    date: dt.date
    field: str  # "target" or "start"
    before: float  # okrs.json: "from"
    after: float  # okrs.json: "to"
    eased: bool
    commit: str  # short id, or "uncommitted"
    author: str


@dataclass(frozen=True)
class KrHistory:
    points: tuple[HistoryPoint, ...] = ()
    target_changes: tuple[TargetChange, ...] = ()


class _Facts(NamedTuple):
    """What one version says about one KR; None where it says nothing usable (a tuple: a
    site's history makes one per KR per version, tens of thousands)."""

    reading: tuple[float | None, str | None] | None  # (value, zone)
    start: float | None
    target: float | None
    checkins_read: bool  # it has check-ins, and check-ins of its type carry its reading (scoring.CHECKIN_READING)


def is_eased(field: str, start: float, target: float, new: float) -> bool:
    """Whether moving `field` ("target" or "start") of a KR going from `start` to `target`
    to `new` makes it easier: a lower target on an increasing KR, a higher one on a
    decreasing KR; a start moved away from the target (the same value then counts for
    more progress)."""
    if start == target:
        return False
    increasing = target > start
    old = target if field == "target" else start
    return new < old if increasing else new > old


def kr_histories(versions: Sequence[Version], period_start: dt.date) -> dict[str, KrHistory]:
    """Each KR's derived history points and target changes, from a file's versions (oldest first)."""
    points: dict[str, list[HistoryPoint]] = {}
    changes: dict[str, list[TargetChange]] = {}
    readings: dict[str, tuple[float | None, str | None]] = {}
    bounds: dict[str, tuple[float | None, float | None]] = {}  # (start, target) as last given
    latest: dict[str, _Facts] = {}
    seen: set[str] = set()  # KRs of the versions before
    for version in versions:
        facts = _facts(version)
        if facts is None:
            continue
        latest = facts
        commit = version.commit or "uncommitted"
        for kr_id, kr in facts.items():
            if kr.reading is not None and readings.get(kr_id) != kr.reading:
                readings[kr_id] = kr.reading
                if not version.baseline:  # a shallow clone's oldest commit changed nothing we know of
                    points.setdefault(kr_id, []).append(HistoryPoint(
                        version.date, *kr.reading, f"git:{commit}", version.author, kr_id not in seen))
            start, target = bounds.get(kr_id, (None, None))  # both old values decide the direction
            if version.date > period_start:
                for field, new, old in (("target", kr.target, target), ("start", kr.start, start)):
                    if new is not None and old is not None and new != old:
                        eased = start is not None and target is not None and is_eased(field, start, target, new)
                        changes.setdefault(kr_id, []).append(
                            TargetChange(version.date, field, old, new, eased, commit, version.author))
            bounds[kr_id] = (start if kr.start is None else kr.start, target if kr.target is None else kr.target)
        seen.update(facts)
    return {kr_id: KrHistory(() if kr.checkins_read else tuple(points.get(kr_id, ())),
                             tuple(changes.get(kr_id, ())))
            for kr_id, kr in latest.items()}


def _facts(version: Version) -> dict[str, _Facts] | None:
    meta = version.meta
    items = meta.get("key_results") if isinstance(meta, dict) else None
    if not isinstance(items, list):
        return None
    facts = {}
    for index, kr in enumerate(items):
        if not isinstance(kr, dict):
            continue
        kr_id = str(kr.get("id") or f"kr-{index + 1}")
        start, target = _number(kr.get("start")), _number(kr.get("target"))
        facts[kr_id] = _Facts(_reading(kr, start), start, target,
                              bool(kr.get("checkins")) and (kr.get("type") or "metric") in CHECKIN_READING)
    return facts


def _reading(kr: dict[str, Any], start: float | None) -> tuple[float | None, str | None] | None:
    kind = kr.get("type") or "metric"
    if kind == "boolean":
        return (1 if kr.get("done") is True else 0), None
    if kind == "milestones":
        milestones = kr.get("milestones")
        if not isinstance(milestones, list):
            return None
        return sum(1 for m in milestones if isinstance(m, dict) and m.get("done") is True), None
    if kind == "zones":
        zone = kr.get("zone", "fail")
        return (None, zone) if zone in ZONES else None
    if kr.get("current") is not None:
        current = _number(kr["current"])
        return None if current is None else (current, None)
    return None if kind == "maintain" or start is None else (start, None)


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return value
    return None
