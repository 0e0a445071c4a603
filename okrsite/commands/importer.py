"""`okrsite import SHEET`: objective files from a spreadsheet with one row per key result.

All or nothing by default: when any row cannot be used, every problem is
reported and nothing is written (with --skip-bad, the objectives of the bad rows
are left out and the others written; the exit code still says 1). No file is
replaced without --force (with it, what a replaced file loses is warned of), and
no file is written outside the content folder. Each file is checked by loading
it back before anything is written, and a write that fails takes back the files
this run wrote before it; so does an error the site as a whole did not have
before (its content loaded and checked after the write, as a build would).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

import yaml

from okrsite.filesystem.atomic import replace_file
from okrsite.content.sheets import cells
from okrsite.content.config import load_config
from okrsite.content.sheets.read import SheetError, read_sheet
from okrsite.content.sheets.layout import match_header
from okrsite.content.sheets.okrs import ObjectiveDoc, objectives_from_sheet
from okrsite.content.sheets.rows import Settings, make_id
from okrsite.content.schema import file_id
from okrsite.content.source import (Document, SourceError, decode, parse_markdown_document, parse_yaml_document,
                                    site_files, split_front_matter, teams_file)
from okrsite.diagnostics import Diagnostic, Diagnostics, Location
from okrsite.filesystem.realpaths import leads_inside
from okrsite.model.periods import Period, resolve_period
from okrsite.commands.exits import EXIT_CONTENT, EXIT_OK, EXIT_USAGE



@dataclass(frozen=True)
class ImportOptions:
    sheet: Path
    config: Path
    config_given: bool = False  # --config named it: it must exist
    into: Path | None = None  # the content folder; default: the site's, or ./content
    period: str | None = None
    sheet_name: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    decimal_comma: bool = False
    force: bool = False
    dry_run: bool = False
    skip_bad: bool = False


@dataclass(frozen=True)
class Planned:
    doc: ObjectiveDoc
    path: Path
    text: str
    exists: bool


class UsageError(Exception):
    """The command cannot run as asked; the message says why."""


def front_matter_file(doc: ObjectiveDoc) -> str:
    """The objective file: YAML written by a safe emitter (never by joining strings), then the body."""
    front = yaml.safe_dump(doc.meta, sort_keys=False, allow_unicode=True, default_flow_style=False,
                           width=100_000)
    text = f"---\n{front}---\n" + (f"{doc.body}\n" if doc.body else "")
    loaded, _ = parse_markdown_document(text.encode(), "check")
    if loaded.meta != doc.meta or loaded.body.strip("\n") != doc.body:  # a bug, never a content problem
        raise AssertionError(f"objective '{doc.id}' does not read back as written")
    return text


def _settings(options: ImportOptions, diagnostics: Diagnostics) -> tuple[Settings, SiteObjectives] | None:
    """The site's periods, and its objective files in the content folder (from okrsite.yaml when
    there is one); None when it has errors (they are in diagnostics)."""
    custom: dict[str, Period] = {}
    content, default_period = Path("content"), ""
    if options.config.is_file():
        config = load_config(options.config, diagnostics)
        if config is None:
            return None
        custom = {p.id: p for p in config.periods}
        content, default_period = config.content_dir, config.default_period_id
    elif options.config_given:
        raise UsageError(f"no site configuration at {options.config}")
    period = cells.period(options.period, "--period") if options.period else None  # Q3 2026 is 2026-Q3
    if period and resolve_period(period, custom) is None:
        raise UsageError(f"--period: unknown period {options.period!r}: use 2026-Q1, 2026-H1, 2026 or an id "
                         "from 'periods' in okrsite.yaml")
    into = options.into if options.into is not None else content
    settings = Settings(default_period=period, decimal_comma=options.decimal_comma,
                        is_period=lambda period_id: resolve_period(period_id, custom) is not None)
    listed = teams_file(into, into, []) if into.is_dir() else None
    teams = _teams(listed) if listed is not None else None
    if teams is not None:
        settings = replace(settings, team_id=teams, teams_file=_shown(listed))
    own = options.config.is_file() and os.path.abspath(into) == os.path.abspath(content)
    site = SiteObjectives(into, own, default_period)
    return replace(settings, site_file=site.elsewhere, site_has=site.has, site_id=site.titled,
                   site_key_results=site.key_results), site


@dataclass(frozen=True)
class _Known:
    """An objective file of the site, as the import matches the sheet's objectives to it."""

    path: Path
    period: str
    title: str
    key_results: dict[str, str]  # a key result's id -> its title


class SiteObjectives:
    """The site's objective files, by id: a sheet's objective with the id (given, or found by its
    title) and the period of one of them is that objective, and goes to its file wherever it lies
    (an exported sheet, edited and imported again with --force, replaces the files it came from);
    with another period it is another objective, and the id is taken. A file's period is the one
    the build gives it: `period:` as written (`2026` unquoted too), else `default_period`."""

    def __init__(self, into: Path, own: bool, default_period: str = "") -> None:
        self.into = into
        self.own = own  # the content folder of the site's okrsite.yaml
        self.files: dict[str, list[_Known]] = {}
        self.paths: set[str] = set()  # every objective file's, absolute: a new objective's name avoids them
        for path in site_files(into / "objectives", into, ".md"):
            meta = doc.meta if (doc := _document(path)) is not None and isinstance(doc.meta, dict) else {}
            given, period, title, krs = (meta.get(name) for name in ("id", "period", "title", "key_results"))
            objective_id = given if isinstance(given, str) and given else file_id(path.name)
            self.files.setdefault(objective_id, []).append(
                _Known(path, _text(period) or default_period, title if isinstance(title, str) else "",
                       _key_results_by_id(krs)))
            self.paths.add(os.path.abspath(path))

    def _file(self, objective_id: str, period: str) -> _Known | None:
        """The site's file of the objective: this id in this period."""
        return next((known for known in self.files.get(objective_id, ()) if known.period == period), None)

    def target(self, objective_id: str, period: str) -> Path:
        """Where the objective goes: its file, or objectives/<period>/<id>.md for a new one (<id>-2.md
        when another objective's file has that name)."""
        if (same := self._file(objective_id, period)) is not None:
            return same.path
        folder = self.into / "objectives" / _folder(period)
        names = (f"{objective_id}{suffix}.md" for suffix in ("", *(f"-{n}" for n in range(2, 10_000))))
        return next(folder / name for name in names if os.path.abspath(folder / name) not in self.paths)

    def elsewhere(self, objective_id: str, period: str) -> str | None:
        """The file of another objective that has this id (a second one would fail the build)."""
        target = os.path.abspath(self.target(objective_id, period))
        return next((_shown(known.path) for known in self.files.get(objective_id, ())
                     if os.path.abspath(known.path) != target), None)

    def has(self, objective_id: str) -> str | None:
        """The file of the site's objective with this id, in any period."""
        return next((_shown(known.path) for known in self.files.get(objective_id, ())), None)

    def titled(self, title: str, period: str) -> str | None:
        """The id of the site's one objective with this title (any case) and period: a sheet without
        an `objective id` column (or an empty cell) imported again replaces the objective it names."""
        ids = [objective_id for objective_id, known in self.files.items() for k in known
               if k.period == period and k.title.casefold() == title.casefold()]
        return ids[0] if len(ids) == 1 else None

    def key_results(self, objective_id: str, period: str) -> dict[str, str]:
        """The key results of the site's file of the objective, id -> title: without a `kr id`
        column, a key result imported again keeps the id projects and parents name."""
        found = self._file(objective_id, period)
        return found.key_results if found else {}


def _key_results_by_id(krs: object) -> dict[str, str]:
    """A file's key results: id -> title, as the build reads them (an id written as a number is that
    number as text; without one, kr-1, kr-2 ... by position)."""
    found = {}
    for number, kr in enumerate(krs if isinstance(krs, list) else [], start=1):
        if isinstance(kr, dict):
            found[_text(kr.get("id")) or f"kr-{number}"] = kr["title"] if isinstance(kr.get("title"), str) else ""
    return found


def _text(value: object) -> str:
    """A scalar as the build reads an id, a name or a period (`id: 42` is "42"); "" for none."""
    return str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def _document(path: Path) -> Document | None:
    """A content file of the site as the build reads it; None when it cannot be read (the build says why)."""
    try:
        return parse_markdown_document(path.read_bytes(), _shown(path))[0]
    except (OSError, SourceError):
        return None


def _teams(path: Path) -> Callable[[str], str | None] | None:
    """A team's id from its id or name (case aside) in a teams.yaml, None for one it does not
    list; None without a teams.yaml the build could read (it reports what is wrong with it)."""
    try:
        doc, problems = parse_yaml_document(path.read_bytes(), path.name)
    except (OSError, SourceError):
        return None
    if any(p.severity == "error" for p in problems) or not isinstance(doc.meta, list):
        return None
    known: dict[str, str] = {}
    for team in doc.meta:
        if isinstance(team, dict) and (team_id := _text(team.get("id"))):
            known[team_id.casefold()] = team_id
            if name := _text(team.get("name")):
                known.setdefault(name.casefold(), team_id)
    return lambda team: known.get(team.casefold())


def _folder(period: str) -> str:
    """The period's folder under objectives/: its id when that is a safe name."""
    safe = period and period[0].isalnum() and all(c.isalnum() or c in "-_." for c in period) and period.isascii()
    return period if safe and not period.endswith(".") else make_id(period, "period")


def plan(docs: list[ObjectiveDoc], site: SiteObjectives, force: bool, diagnostics: Diagnostics) -> list[Planned]:
    """Where each objective goes; files that exist are errors without --force, and what replacing
    one drops is warned of; a folder on the way that cannot be one is an error."""
    into = site.into
    result = []
    for doc in docs:
        path = site.target(doc.id, doc.period)
        where = Location(_shown(path))
        if not leads_inside(path, into):  # a link on the way must not lead outside the folder
            diagnostics.error(where, f"refusing to write outside {_shown(into)}: the path leads to {path.resolve()}")
            continue
        exists = path.exists() or path.is_symlink()
        if exists and not force:
            diagnostics.error(where, f"the file exists (the objective of {_rows(doc.rows)}); pass --force to "
                                     "replace it")
        elif exists and (dropped := _dropped(path, doc)):
            diagnostics.warning(where, f"--force replaces this file: {dropped}")
        blocked = next((p for p in path.parents if p.exists() or p.is_symlink()), into)
        if not blocked.is_dir():
            diagnostics.error(where, f"cannot write the file: {_shown(blocked)} is not a folder")
        elif not os.access(blocked, os.W_OK | os.X_OK):
            diagnostics.error(where, f"cannot write the file: the folder {_shown(blocked)} is not writable")
        result.append(Planned(doc, path, front_matter_file(doc), exists))
    return result


def _dropped(path: Path, doc: ObjectiveDoc) -> str:
    """What the file has that the sheet does not, and replacing it loses: key results and
    check-ins added since (`okrsite checkin`, by hand), its comments, and the text below its
    front matter ("" when nothing)."""
    old = _document(path)
    if old is None or not isinstance(old.meta, dict):
        return ""
    new_krs = doc.meta.get("key_results", ())
    kept = {(kr["id"], checkin["date"]) for kr in new_krs for checkin in kr.get("checkins", ())}
    old_krs = old.meta.get("key_results")
    krs = dict(zip(_key_results_by_id(old_krs), [kr for kr in old_krs if isinstance(kr, dict)])) \
        if isinstance(old_krs, list) else {}  # by id, as the build reads them
    new_ids = {new["id"] for new in new_krs}
    gone = [kr_id for kr_id in krs if kr_id not in new_ids]
    lost = sum(1 for kr_id, kr in krs.items() if kr_id not in gone
               for checkin in (kr.get("checkins") if isinstance(kr.get("checkins"), list) else [])
               if not isinstance(checkin, dict) or (kr_id, checkin.get("date")) not in kept)
    missing = [f"its key result{'s' if len(gone) > 1 else ''} {', '.join(map(repr, gone))}"] if gone else []
    missing += [f"its {_count(lost, 'check-in')}"] if lost else []
    comments = _comment_lines(path)
    parts = [f"{_listed(missing)} not in the sheet"] if missing else []
    parts += [f"its {_count(comments, 'comment line')}"] if comments else []
    parts += ["its text below the front matter"] if old.body.strip() and old.body.strip() != doc.body.strip() else []
    if not parts:
        return ""
    many = len(parts) > 1 or len(missing) > 1 or len(gone) > 1 or lost > 1 or comments > 1
    return f"{_listed(parts)} {'are' if many else 'is'} dropped"


def _comment_lines(path: Path) -> int:
    """The front matter's comment lines: lines that start with '#' and whose removal leaves the
    same data (a '#' line inside a block of text, `description: |`, is text)."""
    try:
        front = split_front_matter(decode(path.read_bytes(), ""), "")[0]
        lines = front.split("\n")
        data = yaml.safe_load(front)
        return sum(1 for index, line in enumerate(lines) if line.lstrip().startswith("#")
                   and yaml.safe_load("\n".join(lines[:index] + lines[index + 1:])) == data)
    except (OSError, SourceError, yaml.YAMLError):  # read once already: the build says what is wrong
        return 0


def _listed(items: list[str]) -> str:
    return " and ".join(filter(None, (", ".join(items[:-1]), items[-1])))


def _rows(numbers: tuple[int, ...]) -> str:
    return ("row " if len(numbers) == 1 else "rows ") + ", ".join(map(str, numbers))


def _shown(path: Path) -> str:
    """A path as messages show it: relative to the current folder when inside it (links not followed)."""
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass
class _Written:
    """What this run wrote, and how to put it back (new files and folders removed, replaced files
    restored)."""

    undo: list[Callable[[], None]] = field(default_factory=list)

    def take_back(self) -> None:
        for step in reversed(self.undo):
            with contextlib.suppress(OSError):
                step()


def _write_all(planned: list[Planned], written: _Written) -> tuple[Planned, OSError] | None:
    """Write every file or none: when one cannot be written, what this run wrote before it is put
    back and the failure returned. Each file goes through a temporary file and a rename, so none
    is ever half written; a file replaced (--force) keeps its mode, a new one gets the umask's,
    as an editor would make it."""
    for item in planned:
        try:
            missing = [folder for folder in item.path.parents if not (folder.exists() or folder.is_symlink())]
            for folder in reversed(missing):
                folder.mkdir()
                written.undo.append(folder.rmdir)
            written.undo.append(_restorer(item.path))
            replace_file(item.path, item.text.encode("utf-8"), keep_mode=True)  # replaces a link, never its file
        except OSError as exc:
            written.take_back()
            return item, exc
    return None


def _site_errors(config: Path) -> list[Diagnostic]:
    """The errors a build of the site would report (its content loaded and checked as `okrsite
    check` does with a build's rules)."""
    from okrsite.build.builder import BuildOptions, Builder
    from okrsite.diagnostics import BuildFailed

    try:
        Builder(BuildOptions(config)).load(Diagnostics())
    except BuildFailed as failed:
        return [item for item in failed.diagnostics if item.severity == "error"]
    return []


def _restorer(path: Path) -> Callable[[], None]:
    """What puts `path` back as it is now: the file's bytes (or the link) restored, or removed."""
    if path.is_symlink():
        link = os.readlink(path)
        return lambda: (path.unlink(missing_ok=True), os.symlink(link, path))  # type: ignore[func-returns-value]
    if path.exists():
        data = path.read_bytes()
        return lambda: replace_file(path, data, keep_mode=True)
    return lambda: path.unlink(missing_ok=True)


def run(options: ImportOptions, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Read, check, plan and write; print what happened; return the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    diagnostics = Diagnostics()
    try:
        if not options.sheet.is_file():
            raise UsageError(f"no sheet at {options.sheet}")
        found = _settings(options, diagnostics)
    except UsageError as exc:
        print(f"okrsite: error: {exc}", file=err)
        return EXIT_USAGE
    if found is None:
        _print(diagnostics.items, err)
        print(f"okrsite: import failed: {options.config} has errors; nothing was written", file=err)
        return EXIT_CONTENT
    settings, site = found
    into = site.into
    label = options.sheet.as_posix()
    try:
        sheet = read_sheet(options.sheet, label, sheet=options.sheet_name, delimiter=options.delimiter,
                           encoding=options.encoding)
    except SheetError as exc:
        _print([exc.diagnostic], err)
        print("okrsite: import failed: the sheet cannot be read; nothing was written", file=err)
        return EXIT_CONTENT
    layout, problems = match_header(sheet.header, label, sheet.header_row)
    diagnostics.items.extend(problems)
    if not sheet.rows and not diagnostics.errors:
        diagnostics.error(Location(label, sheet.header_row), "no rows below the header: one row per key result")
    docs, skipped = [], []
    if not diagnostics.errors:
        docs, skipped, problems = objectives_from_sheet(sheet, layout, settings)
        diagnostics.items.extend(problems)
    row_errors = len(diagnostics.errors)
    if row_errors and options.skip_bad:
        for item in skipped:
            diagnostics.warning(Location(label, item.rows[0]), f"objective {item.title!r} "
                                f"({_rows(item.rows)}) is left out: {item.reason}")
    planned = plan(docs, site, options.force, diagnostics) if docs and (options.skip_bad or not row_errors) else []
    _print(sorted(diagnostics.items, key=lambda d: (d.path != label, d.line, d.col)), err)
    refused = len(diagnostics.errors) > row_errors
    if refused or not planned:
        why = ("the files above cannot be written" if refused else "no usable rows" if not row_errors
               else f"{row_errors} error(s)" + ("" if options.skip_bad or not docs else " (--skip-bad writes the rest)"))
        print(f"okrsite: import failed: {why}; nothing was written", file=err)
        return EXIT_USAGE if refused and not row_errors else EXIT_CONTENT
    checked = site.own and not options.dry_run  # (the site's whole content: not a folder given by --into)
    before = {(item.path, item.line, item.col) for item in _site_errors(options.config)} if checked else set()
    written = _Written()
    failed = None if options.dry_run else _write_all(planned, written)
    if failed is not None:
        item, exc = failed
        _print([Diagnostic(_shown(item.path), 1, 1, "error", f"cannot write the file: {exc.strerror or exc}")], err)
        print("okrsite: import failed: the file above cannot be written; nothing was written", file=err)
        return EXIT_USAGE
    root, ours = Path(os.path.abspath(options.config)).parent, {os.path.abspath(item.path) for item in planned}
    broken = [item for item in _site_errors(options.config) if os.path.abspath(root / item.path) in ours
              or (item.path, item.line, item.col) not in before] if checked else []  # (an old error's words
    # may change: `parent: grwo` is told "did you mean 'grow'?" once the sheet's grow is there)
    if broken:  # each file read back alone, but the site as a whole would not build: nothing is kept
        written.take_back()
        _print(broken, err)
        print("okrsite: import failed: with these files the site would not build (the errors above, in the files "
              "as they would be written); nothing was written", file=err)
        return EXIT_CONTENT
    for item in planned:
        verb = ("would replace" if item.exists else "would write") if options.dry_run else \
            ("replaced" if item.exists else "wrote")
        what = _count(item.doc.key_results, "key result") if item.doc.key_results else "no key results"
        print(f"{verb} {_shown(item.path)} ({what})", file=out)
    krs = sum(item.doc.key_results for item in planned)
    summary = (f"{_count(len(planned), 'objective')} with {_count(krs, 'key result')} from {label} "
               f"into {_shown(into)}")
    print(f"dry run: would import {summary}; nothing was written" if options.dry_run else f"imported {summary}",
          file=out)
    if row_errors:
        print(f"okrsite: {row_errors} error(s): the objectives of those rows were left out", file=err)
        return EXIT_CONTENT
    return EXIT_OK


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _print(items: list[Diagnostic], err: TextIO) -> None:
    for item in items:
        print(item, file=err)
