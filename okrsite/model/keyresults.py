"""One objective's key results: checked by type, their history gathered, and scored.

Each type has its own fields and its own arithmetic (spec, "Numbers" and "Numbers
(v2)"): metric (start -> target), boolean, milestones, maintain (keep a value in a
band) and zones (commit / target / stretch). Every KR also gets its history (its
check-ins, or the commits that changed its value), its last update, whether it is
stale, and, for a running metric KR, a forecast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any

from okrsite.content import schema as s
from okrsite.content.config import SiteConfig
from okrsite.content.options import construct
from okrsite.model import scoring
from okrsite.model.history import KrHistory
from okrsite.model.periods import Period
from okrsite.model.site import CheckIn, Forecast, KeyResult, Reading

AFTER_THE_END = 92  # days: a date further past its period's end, a year away from a day in it, is a mistyped year

# Fields only one other type reads: given on a metric key result without start and target, the type
# was most likely left out.
_TYPE_OF_FIELD = {"floor": "maintain", "ceiling": "maintain", "zones": "zones", "zone": "zones",
                  "milestones": "milestones", "done": "boolean"}

# Each reading a check-in may carry, and the types that read it (the others ignore it, with a warning).
_READERS = {name: tuple(kind for kind, reads in scoring.CHECKIN_READING.items() if reads == name)
            for name in ("value", "zone")}

# Fields that mean nothing on a type: given anyway, they are ignored with a warning.
_MISPLACED = {
    "metric": ("done", "milestones", "floor", "ceiling", "zones", "zone"),
    "boolean": ("start", "target", "current", "milestones", "floor", "ceiling", "zones", "zone"),
    "milestones": ("start", "target", "current", "done", "floor", "ceiling", "zones", "zone"),
    "maintain": ("start", "target", "done", "milestones", "zones", "zone"),
    "zones": ("start", "target", "current", "done", "milestones", "floor", "ceiling"),
}


@dataclass(frozen=True)
class Pace:
    """What a KR's status is judged against in its objective's period."""

    period: Period
    expected: float  # elapsed share of the period x the objective's expectation
    as_of: dt.date


def key_results(item_id: str, entries: tuple[dict[str, Any], ...], cursor: s.Cursor, pace: Pace,
                config: SiteConfig, histories: dict[str, KrHistory], clean: bool = False) -> list[KeyResult]:
    """The checked and scored key results of one objective; problems go to the cursor's diagnostics.
    `clean`: the objective's check reported nothing, so no value is INVALID (not looked for)."""
    results: list[KeyResult] = []
    seen: dict[str, int] = {}  # id -> the index of the key result that has it
    for index, kr in enumerate(entries):
        here = cursor.child(index)
        kr_id = kr["id"] or f"kr-{index + 1}"
        if kr_id in seen:
            first = cursor.child(seen[kr_id])
            where = first.positions.at((*first.key_path, "id"))
            # an id made from a position (kr-2) is written nowhere: say so where it is the mistake's part
            made = [f"{which} has no id and is '{kr_id}' by its position" for which, entry in
                    (("the other", entries[seen[kr_id]]), ("this one", kr)) if not entry["id"]]
            here.child("id").error(f"duplicate key result id '{kr_id}' in objective '{item_id}' (also at "
                                   f"{where.path}:{where.line}:{where.col})" + (f": {made[0]}" if made else ""))
            continue
        seen[kr_id] = index
        if not _valid(kr, here) or not (clean or s.is_valid(kr)):  # problems already reported
            continue
        _check_dates(kr, here, pace.period)
        results.append(_scored(kr, kr_id, item_id, pace, config, histories.get(kr_id, KrHistory())))
    return results


def _valid(kr: dict[str, Any], here: s.Cursor) -> bool:
    """Type-specific checks: what each type needs, and warnings for what it ignores."""
    kind = kr["type"]
    if kind is s.INVALID:
        return False
    for name in _MISPLACED[kind]:
        if kr[name] not in (None, ()) and kr[name] is not s.INVALID:  # (INVALID: a slip for it is reported)
            here.diagnostics.warning(here.positions.key((*here.key_path, name)),
                                     f"'{name}' is ignored on a {kind} key result")
    if kind == "metric":
        missing = [n for n in ("start", "target") if kr[n] is None]
        meant = next((f"; with '{name}', did you mean 'type: {other}'?" for name, other in _TYPE_OF_FIELD.items()
                      if kr[name] not in (None, ())), "")  # `floor: 99` without its type
        for name in missing:
            here.error(f"missing required field '{name}' in a metric key result{meant}")
        if missing or kr["start"] is s.INVALID or kr["target"] is s.INVALID:
            return False
        if kr["start"] == kr["target"]:
            here.child("target").error(f"'target' equals 'start' ({kr['start']}): there is nothing to progress")
            return False
    elif kind == "milestones":
        if kr["milestones"] is not s.INVALID and not kr["milestones"]:
            here.child("milestones").error("a milestones key result needs a non-empty 'milestones' list")
            return False
    elif kind == "maintain":
        floor, ceiling = kr["floor"], kr["ceiling"]
        if floor is None and ceiling is None:
            here.error("a maintain key result needs a 'floor', a 'ceiling' or both")
            return False
        if isinstance(floor, (int, float)) and isinstance(ceiling, (int, float)) and floor > ceiling:
            here.child("floor").error(f"'floor' ({floor:g}) is above 'ceiling' ({ceiling:g}): no value can be inside")
            return False
    elif kind == "zones" and kr["zones"] is None:
        here.error("a zones key result needs 'zones: {commit, target, stretch}' saying what each zone means")
        return False
    for name, readers in _READERS.items():  # a check-in's reading, given on a type that reads another: ignored
        if kind not in readers and any(c[name] is not None for c in _entries(kr["checkins"])):
            here.diagnostics.warning(here.positions.at((*here.key_path, "checkins")),
                                     f"check-ins with a '{name}' are read only on a {' or '.join(readers)} key "
                                     f"result, not a {kind} one")
    return True


def _check_dates(kr: dict[str, Any], here: s.Cursor, period: Period) -> None:
    """Warnings for what is valid but almost surely a slip: a check-in or a drop dated a year away
    from its period's day (2025-05-14 for 2026-05-14 is taken as written: it sorts before the
    period's check-ins, so any of them hides its value), and a check-in written twice. Other dates
    after the period's end or after as_of are not warned of: a final reading after the quarter,
    and a report as of a past date, are what they say (spec, "Numbers")."""
    seen: dict[tuple[dt.date, str, Any], int] = {}
    for index, checkin in enumerate(_entries(kr["checkins"])):  # every check-in of a site: kept lean
        day = checkin["date"]
        if not period.start <= day <= period.end and (problem := mistyped_year(day, period)):
            here.child("checkins").child(index).child("date").warning(f"check-in dated {day.isoformat()}, {problem}")
        read = reading_of(checkin)
        reading = (day, *read) if read is not None else None
        if reading is not None and (first := seen.setdefault(reading, index)) != index:
            checkins = here.child("checkins")
            where = here.positions.at((*checkins.key_path, first))
            checkins.child(index).warning(f"duplicate check-in: {day.isoformat()} with {reading[1]} {reading[2]} "
                                          f"(also at {where.path}:{where.line}:{where.col})")
    dropped = kr["dropped"]
    if dropped and dropped["date"] is not None and (problem := mistyped_year(dropped["date"], period)):
        here.child("dropped").child("date").warning(f"dropped on {dropped['date'].isoformat()}, {problem}")


def reading_of(checkin: Mapping[str, Any]) -> tuple[str, Any] | None:
    """What a check-in reads, ("value", 12) or ("zone", "commit"), or None (a note alone): two of one
    date that read the same are one written twice (the build warns, `okrsite checkin` too)."""
    if checkin.get("value") is not None:
        return "value", checkin["value"]
    return ("zone", checkin["zone"]) if checkin.get("zone") is not None else None


def mistyped_year(day: dt.date, period: Period) -> str:
    """What to say of a date outside its period that is most likely a mistyped year (the same day
    in the period's year falls inside it; after the period, only a date over a quarter past its
    end: a final reading a few days after is what it says); "" for any other date: a check-in
    before the period (a baseline) or after it is valid content, shown in the history."""
    if period.start <= day <= period.end + dt.timedelta(days=AFTER_THE_END):
        return ""
    for year in sorted({period.start.year, period.end.year}):
        try:
            guess = day.replace(year=year)
        except ValueError:  # 29 February
            continue
        if period.contains(guess):
            where = (f"before its period {period.id} starts on {period.start.isoformat()}" if day < period.start else
                     f"after its period {period.id} ends on {period.end.isoformat()}")
            return f"{where}: did you mean {guess.isoformat()}?"
    return ""


def _entries(value: Any) -> tuple[dict[str, Any], ...]:
    """A checked list, or nothing where its problems are already reported."""
    return value if isinstance(value, tuple) else ()


def _history(checkins: tuple[CheckIn, ...], derived: KrHistory) -> tuple[Reading, ...]:
    """The check-ins of the file and the commits that changed the value (model.history: none
    where the check-ins carry it), oldest first; on one date, the commits first, check-ins in
    file order."""
    found = [(p.date, -1, Reading(p.date, p.value, p.zone, None, "", p.source, p.author, p.added))
             for p in derived.points]
    found += [(c.date, i, Reading(c.date, c.value, c.zone, c.confidence, c.note, "checkin"))
              for i, c in enumerate(checkins)]
    return tuple(reading for _, _, reading in sorted(found, key=lambda item: item[:2]))


def _scored(kr: dict[str, Any], kr_id: str, objective_id: str, pace: Pace, config: SiteConfig,
            derived: KrHistory) -> KeyResult:
    as_of, period = pace.as_of, pace.period
    checkins = tuple(construct(CheckIn, c) for c in kr["checkins"])
    history = _history(checkins, derived)
    known = [r for r in history if r.date <= as_of]
    kind = kr["type"]
    current, zone, forecast = None, None, None
    if kind == "metric" or (kind == "maintain" and (kr["current"] is not None or
                                                    any(r.value is not None for r in known))):
        readings = [scoring.Reading(r.date, r.value, i) for i, r in enumerate(history)]
        current = scoring.current_value(readings, as_of, kr["current"], kr["start"])
    if kind == "metric":
        progress = scoring.metric_progress(kr["start"], kr["target"], current)
        value = scoring.metric_forecast(kr["start"], period.start, period.end,
                                        [(r.date, r.value) for r in known if r.value is not None], as_of)
        if value is not None:
            forecast = Forecast(value, scoring.metric_progress(kr["start"], kr["target"], value))
        status = scoring.status(progress, pace.expected, as_of, period.start, config.thresholds)
    elif kind == "maintain" and current is None:  # its only values come after the report date
        progress, status = 0.0, "not-started"
    elif kind == "maintain":
        inside = [r.value for r in known if r.value is not None and period.start <= r.date <= period.end]
        progress = scoring.maintain_progress(inside, current, kr["floor"], kr["ceiling"])
        status = scoring.maintain_status(current, kr["floor"], kr["ceiling"])
    elif kind == "zones":
        zone = scoring.current_zone([scoring.ZoneReading(r.date, r.zone, i) for i, r in enumerate(history)],
                                    as_of, kr["zone"])
        progress = scoring.ZONE_PROGRESS[zone]
        status = scoring.status(progress, pace.expected, as_of, period.start, config.thresholds)
    else:
        progress = (scoring.boolean_progress(bool(kr["done"])) if kind == "boolean" else
                    scoring.milestone_progress(sum(1 for m in kr["milestones"] if m["done"]), len(kr["milestones"])))
        status = scoring.status(progress, pace.expected, as_of, period.start, config.thresholds)
    drop = kr["dropped"]
    dropped = drop is not None and not (drop["date"] is not None and drop["date"] > as_of)  # later: not yet
    last_update = max((r.date for r in known), default=None)
    return construct(
        KeyResult, kr, **({} if dropped or drop is None else {"dropped": None}),
        id=kr_id, objective_id=objective_id, progress=progress, expected=pace.expected,
        status="dropped" if dropped else status, current=current, zone=zone, done=bool(kr["done"]),
        checkins=checkins, history=history, target_changes=derived.target_changes, last_update=last_update,
        stale=not dropped and scoring.is_stale(last_update, as_of, period.start, period.end,
                                               config.stale_after_days),
        forecast=None if dropped else forecast)
