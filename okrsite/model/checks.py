"""The rules of `okrsite check`: what good OKR practice asks of a site, as pure functions over
the model (spec, "Checks").

Each rule finds one kind of problem (a key result nobody updates, a target eased quietly, a
project past its due date) and says where in which file it stands, as a key path into that
file's front matter. The build stage turns a finding into a `path:line:col` diagnostic with the
severity `checks:` gives its rule (okrsite.content.config.CheckSettings declares the ids and
defaults); the attention page lists the same findings by owner.

Rules about the weekly loop (stale-kr, kr-without-project, target-eased, confidence-drop,
sandbagged-kr) look only at objectives whose period has not ended: an ended period's grades
tell its story. Rules about the shape of the content (draft-objective, no-owner, no-period, too-many-krs,
unaligned-project) look at every file, as the build always has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from okrsite.content.config import CONFIDENCE_DROP, FOCUSED_KEY_RESULTS, SANDBAGGED_PROGRESS, CheckSettings
from okrsite.content.options import options_of
from okrsite.content.yamlload import KeyPath
from okrsite.model import scoring
from okrsite.model.periods import builtin_period
from okrsite.model.portfolio import FINISHED
from okrsite.model.site import CheckIn, KeyResult, Objective, Site

RULE_IDS: tuple[str, ...] = tuple(name for name, _, _ in options_of(CheckSettings))
BUILD_RULES = ("draft-objective", "unaligned-project")  # `okrsite build` reports these too


@dataclass(frozen=True)
class Finding:
    """One problem a rule found, and what the attention page needs to list it."""

    rule: str
    subject: tuple[str, str]  # ("objective", id), ("kr", "objective-id/kr-id") or ("project", id)
    message: str
    source: str  # the file, relative to the site folder
    where: KeyPath = ()  # the value of its front matter the finding is about
    since: dt.date | None = None  # when it began (last update, due date, the change); None: undated
    change: tuple[float, float] | None = None  # (from, to): an eased target, a confidence that fell
    text: str = ""  # words of the file's Markdown the finding is about (a link), found there for its line ...
    at: int = 0  # ... and this far into them its column (a link's target, after its "](")


Rule = Callable[[Site], Iterator[Finding]]
RULES: dict[str, Rule] = {}


def _rule(rule_id: str) -> Callable[[Rule], Rule]:
    def register(find: Rule) -> Rule:
        if rule_id not in RULE_IDS:
            raise ValueError(f"rule '{rule_id}' is not declared in CheckSettings")
        RULES[rule_id] = find
        return find
    return register


def run(site: Site, rule_ids: Iterable[str]) -> list[Finding]:
    """The findings of these rules, rule by rule in the order given."""
    return [finding for rule_id in rule_ids for finding in RULES[rule_id](site)]


def switched_on(settings: CheckSettings, rule_ids: Iterable[str] = RULE_IDS) -> list[str]:
    """The rules (of `rule_ids`) whose severity is not `off`."""
    return [rule_id for rule_id in rule_ids if settings.severity(rule_id) != "off"]


def _number(value: float) -> str:
    """A value as its file wrote it: 180, not 180.0; 99.95 as itself."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def supported(site: Site, kr: KeyResult) -> bool:
    """A project supports the key result itself, or its objective as a whole."""
    return kr.ref in site.projects_by_link or kr.objective_id in site.projects_by_link


def _open_key_results(site: Site) -> Iterator[tuple[Objective, int, KeyResult]]:
    """Each counted key result of an objective whose period has not ended, with its place in the file."""
    for objective in site.objectives.values():
        if not site.period_of(objective).has_ended(site.as_of):
            for index, kr in enumerate(objective.key_results):
                if kr.counted:
                    yield objective, index, kr


def _dated_checkins(kr: KeyResult, as_of: dt.date) -> list[tuple[int, CheckIn]]:
    """The check-ins known on as_of with their place in the file, oldest first (file order breaks ties)."""
    known = [(index, c) for index, c in enumerate(kr.checkins) if c.date <= as_of]
    return sorted(known, key=lambda pair: (pair[1].date, pair[0]))


@_rule("draft-objective")
def draft_objective(site: Site) -> Iterator[Finding]:
    for o in site.objectives.values():
        if o.is_draft:  # also a roll-up whose supporting objectives are all drafts: it has no numbers either
            why = ("has no key result left to count: every one is dropped" if o.key_results else
                   "has no key results yet, nor have its supporting objectives" if o.children else
                   "has no key results yet")
            yield Finding("draft-objective", ("objective", o.id), f"objective '{o.id}' {why}",
                          o.source, ("key_results",) if o.key_results else ())


@_rule("stale-kr")
def stale_kr(site: Site) -> Iterator[Finding]:
    after = site.config.stale_after_days
    for objective in site.objectives.values():
        for index, kr in enumerate(objective.key_results):
            if not kr.stale:
                continue
            if kr.last_update is None:
                start = site.period_of(objective).start
                message = (f"key result '{kr.ref}' has had no update since its period started "
                           f"{_days((site.as_of - start).days)} ago (stale after {_days(after)})")
            else:
                age = _days((site.as_of - kr.last_update).days)
                # the commit that added it is where its history starts, no reading: "since 2026-07-06"
                # alone read as a measurement taken that day
                added = all(r.added for r in kr.history if r.date == kr.last_update)
                message = (f"key result '{kr.ref}' has had no update for {age}, since "
                           f"{'it was added on ' if added else ''}{kr.last_update.isoformat()} "
                           f"(stale after {_days(after)})")
            yield Finding("stale-kr", ("kr", kr.ref), message, objective.source, ("key_results", index),
                          kr.last_update)


@_rule("no-owner")
def no_owner(site: Site) -> Iterator[Finding]:
    for o in site.objectives.values():
        if not o.owners:
            yield Finding("no-owner", ("objective", o.id), f"objective '{o.id}' has no owner: add 'owner:'",
                          o.source)


@_rule("no-period")
def no_period(site: Site) -> Iterator[Finding]:
    """An objective that takes the quarter of the report date for want of a `period:` moves to the
    next quarter on the day the report date does (today's date, when `as_of` is not set)."""
    if site.config.default_period:
        return  # the default period is set in okrsite.yaml: it moves only when someone changes it
    for o in site.objectives.values():
        if not o.period_written:
            folder = PurePosixPath(o.source).parent.name
            named = (f"; its folder's name, {folder}, does not set it" if folder != o.period and
                     (folder in site.periods or builtin_period(folder)) else "")
            yield Finding("no-period", ("objective", o.id),
                          f"objective '{o.id}' has no 'period:': it is in {o.period}, the quarter of the report "
                          f"date, and moves to the next quarter with it{named}; write 'period: "
                          f"{folder if named else o.period}'", o.source)


@_rule("too-many-krs")
def too_many_krs(site: Site) -> Iterator[Finding]:
    for o in site.objectives.values():
        counted = [index for index, kr in enumerate(o.key_results) if kr.counted]
        if len(counted) > FOCUSED_KEY_RESULTS:
            yield Finding("too-many-krs", ("objective", o.id),
                          f"objective '{o.id}' has {len(counted)} key results; more than {FOCUSED_KEY_RESULTS} "
                          "dilute its focus", o.source, ("key_results", counted[FOCUSED_KEY_RESULTS]))


@_rule("kr-without-project")
def kr_without_project(site: Site) -> Iterator[Finding]:
    for objective, index, kr in _open_key_results(site):
        if kr.status != "done" and not supported(site, kr):
            yield Finding("kr-without-project", ("kr", kr.ref),
                          f"key result '{kr.ref}' is supported by no project", objective.source,
                          ("key_results", index))


@_rule("unaligned-project")
def unaligned_project(site: Site) -> Iterator[Finding]:
    for p in site.projects.values():
        if not p.aligned:
            yield Finding("unaligned-project", ("project", p.id),
                          f"project '{p.id}' supports no objective or key result", p.source, ("key_results",))


@_rule("project-overdue")
def project_overdue(site: Site) -> Iterator[Finding]:
    for p in site.projects.values():
        if p.late and p.due is not None:
            yield Finding("project-overdue", ("project", p.id),
                          f"project '{p.id}' is {_days((site.as_of - p.due).days)} past its due date "
                          f"({p.due.isoformat()}) and still {p.status}", p.source, ("due",), p.due)


@_rule("project-figures-behind")
def project_figures_behind(site: Site) -> Iterator[Finding]:
    """An update's totals are the latest figures: a field left behind them (or not written) makes
    earned value, the lane and the flags read older ones than the burn chart shows."""
    for p in site.projects.values():
        known = [u for u in p.updates if u.date <= site.as_of]  # newest first
        if p.status in FINISHED or not known:
            continue
        fields = (("spent", p.budget.spent if p.budget else None, ("budget", "spent"), "budget.spent", ""),
                  ("hours", p.hours.actual if p.hours else None, ("hours", "actual"), "hours.actual", ""),
                  ("progress", p.progress, ("progress",), "its progress", " (`progress`, or its tasks done)"))
        for name, own, where, field, from_ in fields:
            latest = next((u for u in known if getattr(u, name) is not None), None)
            if latest is None or (own is not None and own >= getattr(latest, name) - scoring.TOLERANCE):
                continue
            says = "is not set" if own is None else f"is {_number(own)}"
            yield Finding("project-figures-behind", ("project", p.id),
                          f"project '{p.id}': its update of {latest.date.isoformat()} records {name} "
                          f"{_number(getattr(latest, name))}, and {field}{from_} {says}: earned value, its lane "
                          f"and its flags read {field}", p.source, where if own is not None else (), latest.date)


@_rule("target-eased")
def target_eased(site: Site) -> Iterator[Finding]:
    for objective, index, kr in _open_key_results(site):
        for change in kr.target_changes:
            if change.eased:
                commit = "not committed yet" if change.commit == "uncommitted" else \
                    f"commit {change.commit}" + (f" by {change.author}" if change.author else "")
                yield Finding("target-eased", ("kr", kr.ref),
                              f"key result '{kr.ref}': {change.field} eased from {_number(change.before)} to "
                              f"{_number(change.after)} on {change.date.isoformat()}, after its period started "
                              f"({commit})", objective.source, ("key_results", index, change.field), change.date,
                              (change.before, change.after))


@_rule("confidence-drop")
def confidence_drop(site: Site) -> Iterator[Finding]:
    for objective, index, kr in _open_key_results(site):
        previous: float | None = None
        for place, checkin in _dated_checkins(kr, site.as_of):
            if checkin.confidence is None:
                continue
            if previous is not None and previous - checkin.confidence >= CONFIDENCE_DROP - scoring.TOLERANCE:
                yield Finding("confidence-drop", ("kr", kr.ref),
                              f"key result '{kr.ref}': confidence fell from {_number(previous)} to "
                              f"{_number(checkin.confidence)} on {checkin.date.isoformat()}", objective.source,
                              ("key_results", index, "checkins", place), checkin.date,
                              (previous, checkin.confidence))
            previous = checkin.confidence


@_rule("sandbagged-kr")
def sandbagged_kr(site: Site) -> Iterator[Finding]:
    for objective, index, kr in _open_key_results(site):
        if kr.type != "metric" or kr.start is None or kr.target is None:
            continue
        period = site.period_of(objective)
        for place, checkin in _dated_checkins(kr, site.as_of):
            if checkin.value is None or not period.contains(checkin.date):
                continue
            if scoring.metric_progress(kr.start, kr.target, checkin.value) >= SANDBAGGED_PROGRESS - scoring.TOLERANCE:
                yield Finding("sandbagged-kr", ("kr", kr.ref),
                              f"key result '{kr.ref}' is at progress {SANDBAGGED_PROGRESS:g} or more with its first "
                              f"check-in of the period ({_number(checkin.value)} on {checkin.date.isoformat()}, "
                              f"from {_number(kr.start)} to {_number(kr.target)}): is the target ambitious enough?",
                              objective.source, ("key_results", index, "checkins", place), checkin.date)
            break  # only the first check-in of the period
