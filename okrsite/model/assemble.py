"""Documents to the Site model: field checks, references, cycles, and the scores.

Every problem is collected with the line of the offending value; the model is
returned only when there is no error, so later stages can trust it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from okrsite.content import schema as s
from okrsite.filesystem.names import device_name_problem, made_device_name
from okrsite.model import portfolio, scoring
from okrsite.content.config import SiteConfig
from okrsite.diagnostics import Diagnostics
from okrsite.content.options import construct, schema_of
from okrsite.model.hierarchy import report_parent_chains
from okrsite.content.history import Version
from okrsite.model import keyresults as kr_model
from okrsite.model.history import kr_histories
from okrsite.model.keyresults import Pace
from okrsite.model.objectives import children_first, expected_progress, scores
from okrsite.model.site import FreePage, KeyResult, Objective, Project, Site, Team, Update
from okrsite.model.periods import Period, quarter_containing, resolve_period, written_period
from okrsite.model.remembered import Remembered
from okrsite.content.source import Document

MAX_TEAMS = 10_000  # in teams.yaml (README, "Safety")

OBJECTIVE = schema_of(Objective)
PROJECT = schema_of(Project)
TEAM = schema_of(Team)
PAGE = schema_of(FreePage)


@dataclass
class _Checked:
    """A document after its field check, before references are resolved."""

    doc: Document
    values: dict[str, Any]
    cursor: s.Cursor
    invalid: frozenset[str] = frozenset()  # fields whose (reported) bad value was replaced by the default
    clean: bool = False  # checked without any diagnostic: no INVALID anywhere in its values

    @property
    def id(self) -> str:
        return self.values["id"] or s.file_id(self.doc.path)


def _checked(doc: Document, values: dict[str, Any], cursor: s.Cursor, fields: s.Schema) -> _Checked:
    """Top-level fields whose bad value is already reported fall back to their default, so
    the cross-file checks (ids, parents, teams, periods, links) still run on the rest."""
    invalid = frozenset(name for name, value in values.items() if value is s.INVALID)
    usable = {name: (fields[name].default if name in invalid else value) for name, value in values.items()}
    return _Checked(doc, usable, cursor, invalid)


def _check(docs: Iterable[Document], fields: s.Schema, what: str,
           diagnostics: Diagnostics, remembered: Remembered) -> list[_Checked]:
    result = []
    for doc in docs:
        cursor = s.Cursor(doc.positions, diagnostics)
        known = remembered.fields(doc)
        if known is not None:
            result.append(_Checked(doc, known, cursor, clean=True))
            continue
        reported = len(diagnostics.items)
        values = s.check_fields(doc.meta if doc.meta is not None else {}, fields, cursor, what)
        if values is not s.INVALID:
            item = _checked(doc, values, cursor, fields)
            name = doc.path.rsplit("/", 1)[-1]
            if "id" in fields and not values["id"] and not s.makes_id(name.removesuffix(".md")):
                cursor.error(f"the file name '{name}' has no letter or digit an id can take (a-z, 0-9): set 'id'")
                continue  # (it would be 'item', as would the next such file)
            if "id" in fields and not values["id"] and (problem := s.id_length_problem(item.id)):
                cursor.error(f"the file name makes the id, and {problem}: shorten the name or set 'id'")
            if "id" in fields and values["id"] and (problem := device_name_problem(item.id)):
                cursor.child("id").warning(f"the id {problem}; choose another")
            elif "id" in fields and (problem := made_device_name(item.id, name)):
                cursor.warning(f"the file name makes the id, and {problem}; rename the file or set 'id'")
            result.append(item)
            item.clean = len(diagnostics.items) == reported
            if item.clean:
                remembered.keep_fields(doc, item.values)
    return result


def _unique(items: list[_Checked], what: str) -> dict[str, _Checked]:
    by_id: dict[str, _Checked] = {}
    for item in items:
        first = by_id.get(item.id)
        if first is None:
            by_id[item.id] = item
            continue
        # Told is the one that set an id another file's name makes (the id pasted in), else the later.
        told, other = (first, item) if first.values.get("id") and not item.values.get("id") else (item, first)
        told.cursor.child("id").error(f"duplicate {what} id '{item.id}' (also at {_at(other.cursor)})"
                                      f"{_how_to_part(told, other)}")
    return dict(sorted(by_id.items()))


def _at(cursor: s.Cursor) -> str:
    where = cursor.positions.at((*cursor.key_path, "id"))
    return f"{where.path}:{where.line}:{where.col}"


def _how_to_part(told: _Checked, other: _Checked) -> str:
    """How to part two items with one id, for the duplicate id's error told to `told`."""
    def file_name(item: _Checked) -> str:
        return item.doc.path.rsplit("/", 1)[-1]

    if not told.values.get("id"):
        return f": the id is made from the file name '{file_name(told)}': set 'id' or rename the file"
    if not other.values.get("id"):
        return f": the other's id is made from its file name '{file_name(other)}': choose another id"
    return ""


def _teams(doc: Document | None, used: dict[str, list[tuple[str, s.Cursor]]],
           diagnostics: Diagnostics) -> dict[str, Team]:
    """Teams from teams.yaml, or, without it, every team named by content."""
    if doc is None:
        for name, places in sorted(used.items()):
            if problem := s.id_length_problem(s.slugify(name)):
                for _, where in places:
                    where.error(f"'team': the team's name makes its id, and {problem}")
            if problem := device_name_problem(s.slugify(name)):
                for _, where in places:
                    where.warning(f"'team': the team's name makes its id, and {problem}; list the team in teams.yaml "
                                  "with another id")
            if hint := _several_teams(name, used):
                for _, where in places:
                    where.warning(f"'team': '{name}' is one team{hint}")
        _report_merged_teams(used)
        return {s.slugify(name): Team(id=s.slugify(name), name=name) for name in sorted(used)}
    cursor = s.Cursor(doc.positions, diagnostics)
    if isinstance(doc.meta, dict):  # `teams:` above the list, or teams keyed by id
        cursor.error("expected a list of teams, an entry `- id: …` each (with its name, lead and parent)"
                     + (": remove the `teams:` line and write the list from the first column"
                        if list(doc.meta) == ["teams"] else f", got {s.describe(doc.meta)}"))
        return {}
    entries = s.list_of(s.mapping(TEAM, "a team"), at_most=MAX_TEAMS)
    items = s.convert(entries, doc.meta, cursor)
    if items is s.INVALID:
        return {}
    checked = [_checked(doc, values, cursor.child(i), TEAM) for i, values in enumerate(items)]
    # A team whose id is wrong is reported at it; it takes no fallback id, and the content that names
    # it waits for that fix (it drew an "unknown team" error in each file, naming a made-up id)
    named = [item for item in checked if "id" not in item.invalid]
    by_id = _unique(named, "team")
    for team_id, item in by_id.items():
        if problem := device_name_problem(team_id):
            item.cursor.child("id").warning(f"the id {problem}; choose another")
    all_named = len(named) == len(checked)
    for item in by_id.values():
        parent = item.values["parent"]
        if parent is not None and parent not in by_id and all_named:
            item.cursor.child("parent").error(f"unknown parent team '{parent}'{s.suggest(parent, by_id)}")
    report_parent_chains({k: v.values["parent"] for k, v in by_id.items()}, "team",
                   {k: v.cursor for k, v in by_id.items()})
    for name, places in sorted(used.items()):
        if name not in by_id and all_named:
            for _, where in places:
                hint = _named_team(name, by_id) or _several_teams(name, by_id) or s.suggest(name, by_id)
                where.error(f"unknown team '{name}': not listed in {doc.path}{hint}")
    children: dict[str, list[str]] = {}
    for team_id, item in by_id.items():
        if item.values["parent"]:
            children.setdefault(item.values["parent"], []).append(team_id)
    return {team_id: construct(Team, item.values, name=item.values["name"] or team_id,
                               children=tuple(children.get(team_id, ())))
            for team_id, item in by_id.items()}


def _named_team(name: str, known: Mapping[str, _Checked]) -> str:
    """A hint for a team written by the name teams.yaml gives it (pages show names, files use ids)."""
    folded = name.casefold()
    found = next((team_id for team_id, item in known.items() if (item.values["name"] or "").casefold() == folded), None)
    return f": that is the name of team '{found}'; write its id" if found else ""


def _report_merged_teams(used: dict[str, list[tuple[str, s.Cursor]]]) -> None:
    """Team names written apart that make one id (without teams.yaml a team's id is its name
    slugified): 'Customer Success' and 'customer success' are one team, written two ways (a
    warning); names with no Latin letter or digit ('営業', '販売') all make 'item', one team for
    teams that are not one (an error: they need ids in teams.yaml)."""
    by_id: dict[str, list[str]] = {}
    for name in sorted(used):
        by_id.setdefault(s.slugify(name), []).append(name)
    for team_id, names in by_id.items():
        if len(names) < 2:
            continue
        apart = " and ".join(f"'{name}'" for name in names)
        nameless = not all(map(s.makes_id, names))
        for _, where in (place for name in names for place in used[name]):
            if nameless:
                where.error(f"'team': {apart} make one team id, '{team_id}' (a name without a Latin letter or digit "
                            "makes no id of its own): list the teams in content/teams.yaml with an id each "
                            f"(- id: sales, name: {names[0]})")
            else:
                where.warning(f"'team': {apart} are one team (id '{team_id}'), written {len(names)} ways: "
                              "write its name one way")


def _several_teams(name: str, known: Mapping[str, Any]) -> str:
    """A hint for a team written `platform, engineering`: each part a known team, the author meant
    a list (YAML reads a comma outside [ … ] as part of the text)."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) < 2 or not all(part in known for part in parts):
        return ""
    return f": for several teams, write a list: [{', '.join(parts)}]"


def _team_id(value: str | None, has_file: bool) -> str | None:
    if value is None:
        return None
    return value if has_file else s.slugify(value)


def _periods(objectives: dict[str, _Checked], config: SiteConfig) -> tuple[dict[str, Period], str, set[str]]:
    """The periods the site uses (by id, in order), the default period's id, and the objectives
    without a `period:` of their own (theirs is the default)."""
    custom = {p.id: p for p in config.periods}
    default_id = config.default_period_id
    default = resolve_period(default_id, custom)
    assert default is not None  # load_config refuses a default_period it does not know
    used = {**custom, default.id: default}
    unwritten = {objective_id for objective_id, item in objectives.items() if not item.values["period"]}
    for item in objectives.values():
        period_id = item.values["period"] or default_id
        period = resolve_period(period_id, custom)
        if period is None:
            meant = written_period(period_id, config.as_of.year)  # `Q4`, `2026-q4`
            hint = s.meaning(meant) if meant and resolve_period(meant, custom) else s.suggest(period_id, custom)
            item.cursor.child("period").error(
                f"unknown period '{period_id}': use 2026-Q1, 2026-H1, 2026 or an id from 'periods' in "
                f"okrsite.yaml{hint}")
        else:
            used[period.id] = period
            item.values["period"] = period.id
    return dict(sorted(used.items(), key=lambda kv: kv[1].sort_key())), default_id, unwritten


def assemble(config: SiteConfig, objective_docs: list[Document], project_docs: list[Document],
             page_docs: list[Document], teams_doc: Document | None, diagnostics: Diagnostics,
             history: Callable[[], Mapping[str, Sequence[Version]]] | None = None,
             remembered: Remembered | None = None) -> Site | None:
    """Check and score everything; None when any error was reported.

    `history` gives the versions of objective files from git (by path, oldest first), from
    which key results without check-ins get their history and every KR its target changes;
    it is called once, when the key results are made (a build may read git meanwhile).
    `remembered`: what the last assembly of this site worked out, kept for the next.
    """
    remembered = remembered if remembered is not None else Remembered()
    try:
        return _assemble(config, objective_docs, project_docs, page_docs, teams_doc, diagnostics, history, remembered)
    finally:
        remembered.turn()


def _assemble(config: SiteConfig, objective_docs: list[Document], project_docs: list[Document],
              page_docs: list[Document], teams_doc: Document | None, diagnostics: Diagnostics,
              history: Callable[[], Mapping[str, Sequence[Version]]] | None, remembered: Remembered) -> Site | None:
    errors_before = len(diagnostics.errors)
    objectives = _unique(_check(objective_docs, OBJECTIVE, "an objective", diagnostics, remembered), "objective")
    projects = _unique(_check(project_docs, PROJECT, "a project", diagnostics, remembered), "project")
    pages = _check(page_docs, PAGE, "a page", diagnostics, remembered)
    _check_page_slugs(pages, config)

    used_teams: dict[str, list[tuple[str, s.Cursor]]] = {}
    for item in [*objectives.values(), *projects.values()]:
        for where, team in _team_values(item):
            used_teams.setdefault(team, []).append((item.id, where))
    teams = _teams(teams_doc, used_teams, diagnostics)
    periods, default_period, unwritten = _periods(objectives, config)

    key_results: dict[str, list[KeyResult]] = {}
    versions_of = history() if history is not None else {}
    for objective_id, item in objectives.items():
        # An unknown period is already reported; check the key results all the same.
        period = periods.get(item.values["period"]) or quarter_containing(config.as_of)
        pace = Pace(period, expected_progress(period, _expectation(item, config), config), config.as_of)
        versions = versions_of.get(item.doc.path, ())
        histories = remembered.histories(item.doc, versions, period.start, kr_histories) if versions else {}
        scored_with = (objective_id, pace, config, histories)
        found = remembered.key_results(item.doc, scored_with)
        if found is None:
            reported = len(diagnostics.items)
            found = kr_model.key_results(objective_id, item.values["key_results"], item.cursor.child("key_results"),
                                         pace, config, histories, item.clean)
            if len(diagnostics.items) == reported:
                remembered.keep_key_results(item.doc, scored_with, found)
        key_results[objective_id] = found
    children, kr_parents = _parents(objectives, key_results)
    for objective_id, item in objectives.items():  # drafts and projects supporting nothing: model/checks.py
        closed, period = item.values["closed"], periods.get(item.values["period"])
        if closed and period is not None and not period.has_ended(config.as_of):
            last_day = ", its last day" if config.as_of == period.end else ""
            item.cursor.child("closed").error(
                f"'closed': a closing grade is published once the period has ended ({period.id} ends "
                f"{period.end.isoformat()}, the report date is {config.as_of.isoformat()}{last_day}): report as of "
                f"a later date (--as-of {(period.end + dt.timedelta(days=1)).isoformat()}), or take 'closed:' out "
                "until then")

    # An objective whose file has errors may have lost the key result a project names, or be missing
    # (a file that is not YAML): its own error says why, and "unknown key result" would mislead.
    erring = {d.path for d in diagnostics.errors}
    folder = config.relative(config.content_dir / "objectives") + "/"
    faulty = ({objective_id for objective_id, item in objectives.items() if item.doc.path in erring}
              | {s.file_id(path) for path in erring if path.startswith(folder)})
    # a file that could not be read may hold any objective (its `id:` unknown): links to no known
    # objective are not reported while there is one
    unread = any(path.startswith(folder) for path in erring - {item.doc.path for item in objectives.values()})
    linked = _project_links(projects, objectives, key_results, faulty, unread)
    if len(diagnostics.errors) > errors_before:
        return None

    scored = _score_objectives(objectives, key_results, children, kr_parents, periods, config,
                               teams_doc is not None, remembered, unwritten)
    return Site(
        config=config,
        as_of=config.as_of,
        default_period=default_period,
        periods=periods,
        teams=teams,
        objectives=scored,
        projects={pid: _project(item, config, teams_doc is not None, scored, periods, remembered)
                  for pid, item in projects.items()},
        pages=tuple(sorted((_page(item, config) for item in pages), key=lambda p: (p.weight, p.title, p.slug))),
        projects_by_link=linked,
        kr_children=_kr_children(scored),
    )


def _kr_children(objectives: dict[str, Objective]) -> dict[str, tuple[str, ...]]:
    """The objectives that hang from each key result (`parent: objective-id/kr-id`)."""
    found: dict[str, list[str]] = {}
    for objective in objectives.values():
        if objective.parent and objective.parent_kr:
            found.setdefault(f"{objective.parent}/{objective.parent_kr}", []).append(objective.id)
    return {ref: tuple(ids) for ref, ids in sorted(found.items())}


def _team_values(item: _Checked) -> list[tuple[s.Cursor, str]]:
    """Each team an objective or project names, with where it says so."""
    teams = item.values["team"]
    if isinstance(teams, str) or teams is None:
        return [(item.cursor.child("team"), teams)] if teams else []
    here = item.cursor.child("team")
    return [(here.child(index) if len(teams) > 1 else here, team) for index, team in enumerate(teams)]


def _expectation(item: _Checked, config: SiteConfig) -> float:
    return scoring.expectation(item.values["kind"] or config.default_kind, config.aspirational_target)


def _parents(objectives: dict[str, _Checked],
             key_results: dict[str, list[KeyResult]]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Check each `parent` (an objective, or another objective's key result); return each
    roll-up's children (objectives whose parent is the objective itself) and the key result
    each KR-aligned objective hangs from."""
    kr_parents: dict[str, str] = {}
    for objective_id, item in objectives.items():
        parent = item.values["parent"]
        if parent is None:
            continue
        parent_id, _, kr_id = parent.partition("/")
        if parent_id not in objectives:
            item.cursor.child("parent").error(
                f"unknown parent objective '{parent_id}'{s.suggest(parent_id, objectives)}")
            item.values["parent"] = None
        elif kr_id and kr_id not in (ids := [kr.id for kr in key_results[parent_id]]):
            item.cursor.child("parent").error(
                f"unknown key result '{kr_id}' of objective '{parent_id}'{s.suggest(kr_id, ids)}")
            item.values["parent"] = None
        elif kr_id:
            kr_parents[objective_id] = kr_id
            dropped = next(kr.dropped for kr in key_results[parent_id] if kr.id == kr_id)
            if dropped is not None:  # it counts in no number: what the objective supports is gone
                item.cursor.child("parent").warning(
                    f"'parent': key result '{parent}' was dropped ({dropped.reason}): hang the objective from "
                    "another one, or from the objective itself")
    in_cycle = report_parent_chains({k: v.values["parent"] and v.values["parent"].partition("/")[0]
                                     for k, v in objectives.items()}, "objective",
                                    {k: v.cursor for k, v in objectives.items()})
    children: dict[str, list[str]] = {}
    for objective_id, item in objectives.items():
        if item.values["parent"] and objective_id not in in_cycle and objective_id not in kr_parents:
            children.setdefault(item.values["parent"], []).append(objective_id)
    return children, kr_parents


def _link_hint(link: str, refs: set[str], key_results: dict[str, list[KeyResult]]) -> str:
    """The closest known link; for a known objective and the start of one of its key results'
    ids (`sales/deals` for `sales/deals-closed`), that key result, which spelling alone misses."""
    objective_id, _, kr_id = link.partition("/")
    started = [kr.ref for kr in key_results.get(objective_id, ()) if kr_id and kr.id.startswith(kr_id)]
    return s.meaning(started[0]) if len(started) == 1 else s.suggest(link, refs)


def _project_links(projects: dict[str, _Checked], objectives: dict[str, _Checked],
                   key_results: dict[str, list[KeyResult]], faulty: set[str],
                   unread: bool) -> dict[str, tuple[str, ...]]:
    """Each link's projects; a link to an objective in `faulty` (its file has errors), or to no
    known objective while an objective file could not be read (`unread`), is not reported unknown."""
    refs = set(objectives) | {kr.ref for krs in key_results.values() for kr in krs}
    by_link: dict[str, list[str]] = {}
    for project_id, item in projects.items():
        links = item.values["key_results"]
        for index, link in enumerate(links):
            if link in refs:
                by_link.setdefault(link, []).append(project_id)
            elif (target := link.partition("/")[0]) not in faulty and not (unread and target not in objectives):
                item.cursor.child("key_results").child(index).error(
                    f"unknown key result or objective '{link}'{_link_hint(link, refs, key_results)}")
        start, due = item.values["start"], item.values["due"]
        if start and due and due < start:
            item.cursor.child("due").error("'due' is before 'start'")
    return {link: tuple(ids) for link, ids in sorted(by_link.items())}


def _score_objectives(objectives: dict[str, _Checked], key_results: dict[str, list[KeyResult]],
                      children: dict[str, list[str]], kr_parents: dict[str, str], periods: dict[str, Period],
                      config: SiteConfig, has_team_file: bool, remembered: Remembered,
                      unwritten: set[str]) -> dict[str, Objective]:
    order = children_first(list(objectives), children)
    scored = scores(order, key_results, children, lambda o: periods[objectives[o].values["period"]],
                    lambda o: _expectation(objectives[o], config), config)
    result = {}
    for objective_id, item in objectives.items():
        period = periods[item.values["period"]]
        score = scored[objective_id]
        closed = item.values["closed"]
        grade = closed["grade"] if closed and period.has_ended(config.as_of) else score.computed_grade
        worked_out = dict(
            id=objective_id, period=period.id, kind=item.values["kind"] or config.default_kind,
            progress=score.progress or 0.0, expected=score.expected, status=score.status, grade=grade,
            computed_grade=score.computed_grade, forecast_progress=score.forecast_progress,
            trending_to_miss=score.trending_to_miss, rolled_up=score.rolled_up,
            expectation=_expectation(item, config), source=item.doc.path,
            teams=tuple(dict.fromkeys(_team_id(team, has_team_file) for _, team in _team_values(item))),  # once each
            parent=item.values["parent"] and item.values["parent"].partition("/")[0],
            parent_kr=kr_parents.get(objective_id), children=tuple(sorted(children.get(objective_id, ()))),
            period_written=objective_id not in unwritten)
        krs = tuple(key_results[objective_id])
        result[objective_id] = remembered.made(item.doc, repr(worked_out), krs, lambda: construct(
            Objective, item.values, **worked_out, key_results=krs, body=item.doc.body))
    return result


def _project(item: _Checked, config: SiteConfig, has_team_file: bool, objectives: dict[str, Objective],
             periods: dict[str, Period], remembered: Remembered) -> Project:
    """A project with its scores; its lane needs the scores of what it supports, so projects come
    once the objectives are scored."""
    v = item.values
    as_of = config.as_of
    progress = scoring.project_progress(sum(t["done"] for t in v["tasks"]), len(v["tasks"]), v["progress"],
                                        v["status"])
    late = scoring.is_late(v["due"], as_of, v["status"])
    elapsed = scoring.schedule_elapsed(v["start"], v["due"], as_of)
    budget, hours = v["budget"] or {}, v["hours"] or {}
    evm = portfolio.earned_value(budget.get("planned"), budget.get("spent"), progress, elapsed)
    supported = portfolio.supports(v["key_results"], objectives, periods, as_of)
    worked_out = dict(
        id=item.id, progress=progress, late=late,
        over_budget=scoring.is_over(budget.get("planned"), budget.get("spent")),
        over_hours=scoring.is_over(hours.get("planned"), hours.get("actual")),
        schedule_elapsed=elapsed,
        health=scoring.project_health(progress, elapsed, late, as_of, v["start"], config.thresholds),
        evm=evm, lane=portfolio.lane(v["status"], late, evm, supported),
        source=item.doc.path, team=_team_id(v["team"], has_team_file))
    return remembered.made(item.doc, repr(worked_out), (), lambda: construct(
        Project, v, **worked_out, body=item.doc.body,
        updates=tuple(sorted((construct(Update, u) for u in v["updates"]), key=lambda u: u.date, reverse=True))))


def _page_slug(item: _Checked, config: SiteConfig) -> str:
    """A free page's URL comes from its path under pages/: each folder and the name, slugified."""
    inside = item.doc.path.removeprefix(config.relative(config.content_dir / "pages") + "/").removesuffix(".md")
    return "/".join(s.slugify(part) for part in inside.split("/"))


def _check_page_slugs(pages: list[_Checked], config: SiteConfig) -> None:
    """Each part of a page's URL becomes a folder name; two pages may not share one URL."""
    seen: dict[str, str] = {}
    for item in pages:
        slug = _page_slug(item, config)
        problems = [problem for part in slug.split("/") if (problem := s.id_length_problem(part))]
        named = item.doc.path.removeprefix(config.relative(config.content_dir / "pages") + "/").split("/")
        for problem in filter(None, map(made_device_name, slug.split("/"), named)):
            item.cursor.warning(f"the file's path makes the page's URL, and {problem}; rename the file")
        nameless = [part for part in named if not s.makes_id(part.removesuffix(".md"))]
        if nameless:  # (it would be pages/item/, as would the next such page)
            item.cursor.error(f"the file's path makes the page's URL, and '{nameless[0]}' has no letter or digit a "
                              "URL can take (a-z, 0-9): rename it")
        elif problems:
            item.cursor.error(f"the file's path makes the page's URL, and {problems[0]}: shorten it")
        elif slug in seen:
            item.cursor.error(f"this page's URL pages/{slug}/ is also the URL of {seen[slug]}: rename one of them")
        else:
            seen[slug] = item.doc.path


def _page(item: _Checked, config: SiteConfig) -> FreePage:
    return construct(FreePage, item.values, slug=_page_slug(item, config), body=item.doc.body,
                     source=item.doc.path)
