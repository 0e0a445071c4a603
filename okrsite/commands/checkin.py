"""`okrsite checkin`: add one check-in to a key result in its objective's file.

The file is edited in place (okrsite.content.edit), never dumped again, and written
only once the edited text parses to exactly the intended data and the site still
loads with it: a refused check-in leaves the file's bytes as they were.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
import shlex
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from okrsite.filesystem.atomic import replace_file
from okrsite.build.builder import DOCUMENTS_FILE, BuildOptions, Builder
from okrsite.content.config import SiteConfig, default_as_of, load_config
from okrsite.content.edit import Edit, EditError, FrontMatter, Item, key_result_nodes, value_of
from okrsite.content.source import Document, DocumentCache, SourceError, decode, discover, parse_markdown_document
from okrsite.diagnostics import BuildFailed, Diagnostic, Diagnostics
from okrsite.content.schema import file_id, suggest
from okrsite.model.keyresults import mistyped_year, reading_of
from okrsite.model.scoring import CHECKIN_READING
from okrsite.model.periods import Period, resolve_period
from okrsite.site.formatting import with_unit
from okrsite.commands.exits import EXIT_CONTENT, EXIT_OK, EXIT_USAGE

_HINTS = {"boolean": "--done or --not-done", "milestones": "--milestone TITLE",
          "zones": "--zone fail|commit|target|stretch", "metric": "a VALUE", "maintain": "a VALUE"}


class Refused(Exception):
    """The check-in is not added; the message (and diagnostics) say why."""

    def __init__(self, message: str, diagnostics: tuple[Diagnostic, ...] = (), code: int = EXIT_CONTENT):
        super().__init__(message)
        self.diagnostics = diagnostics
        self.code = code


@dataclass(frozen=True)
class Request:
    """What the command line asks for; values are kept as typed (they go into the file)."""

    objective: str
    kr: str
    date: dt.date
    value: str | None = None  # a number's text, canonical (see number_text)
    zone: str | None = None
    done: bool | None = None
    milestone: str | None = None
    confidence: str | None = None
    note: str | None = None
    date_given: bool = False  # `date` came from --date (else it is as_of)

    @property
    def adds_checkin(self) -> bool:
        return any(x is not None for x in (self.value, self.zone, self.confidence, self.note))


def number_text(text: str, low: float | None = None, high: float | None = None) -> str:
    """A number as YAML reads it back as the same number: '1850', '-2.5', '1_000' -> '1000'.
    Raises ValueError for anything else (YAML 1.1 reads '1e3' as text, so no exponents)."""
    try:
        number: int | float = int(text)
    except ValueError:
        number = float(text)  # raises ValueError
        if not math.isfinite(number):
            raise ValueError(text) from None
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValueError(text)
    if isinstance(number, int):
        return str(number)
    shown = format(Decimal(repr(number)), "f")  # 1e-07 -> 0.0000001
    return shown if "." in shown else shown + ".0"


_PLAIN = re.compile(r"[^\W\d_][^,\[\]{}#:\"\r\n\t]*")


def text_scalar(text: str) -> str:
    """Text as a YAML scalar inside a flow mapping: plain when it reads back as the same
    text (`New landing pages live`), else double-quoted (JSON's escapes are YAML's)."""
    if _PLAIN.fullmatch(text) and text == text.strip() and not _NOT_PRINTED.search(text) \
            and yaml.safe_load(f"{{k: {text}}}") == {"k": text}:
        return text
    return _NOT_PRINTED.sub(lambda found: f"\\u{ord(found[0]):04x}", json.dumps(text, ensure_ascii=False))


# What YAML does not read as itself in a double-quoted scalar, JSON's escapes aside: a line break of
# its own (NEL, U+2028, U+2029) or a character it does not print (C0 and C1 controls, DEL, BOM);
# a plain scalar with one is no plain scalar (YAML's reader refuses a C0 control: a traceback).
_NOT_PRINTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def run(request: Request, config_path: Path) -> int:
    diagnostics = Diagnostics()
    config = load_config(config_path, diagnostics)
    if config is None:
        for item in diagnostics.sorted():
            print(item, file=sys.stderr)
        return EXIT_CONTENT
    try:
        lines, warnings = add_checkin(config, request)
    except Refused as refused:
        for item in refused.diagnostics:
            print(item, file=sys.stderr)
        print(f"okrsite: error: {refused}", file=sys.stderr)
        return refused.code
    for line in lines:
        print(line)
    for warning in warnings:
        print(f"okrsite: warning: {warning}", file=sys.stderr)
    return EXIT_OK


def add_checkin(config: SiteConfig, request: Request) -> tuple[list[str], list[str]]:
    """Edit the KR's file; return what was done and what to beware of, one line each. Raises Refused."""
    documents = DocumentCache.restore(config.cache_dir / DOCUMENTS_FILE, config.root)
    path, doc = _find_objective(config, documents, request.objective)
    label = doc.path
    raw = path.read_bytes()
    try:
        front = FrontMatter.read(raw)
    except (EditError, yaml.YAMLError) as exc:
        raise Refused(f"cannot edit {label}: {exc}") from None
    index, kr = _find_kr(doc, request)
    nodes = key_result_nodes(front.root)
    if index >= len(nodes) or not isinstance(nodes[index], yaml.MappingNode):
        raise Refused(f"cannot edit {label}: key result '{request.kr}' is not written as a mapping of fields "
                      "in 'key_results:' (YAML merge keys?)")
    node = nodes[index]
    _check_kind(request, kr)
    if request.date_given and not request.adds_checkin:  # (after the kind: a wrong flag is the first thing to fix)
        raise Refused("--date dates a check-in, and --done/--not-done or --milestone alone add none (they change "
                      "the field itself, which history dates by its commit): give --confidence or --note too, or no "
                      "--date", code=EXIT_USAGE)
    expected = copy.deepcopy(doc.meta)
    kr_expected = expected["key_results"][index]
    edits: list[Edit] = []
    said: list[str] = []
    state_changed = False  # `done:` or a milestone's, which history dates by the commit, not by --date
    try:
        if request.milestone is not None:
            before = len(edits)
            said.append(_milestone(front, node, kr, kr_expected, request, edits, label))
            state_changed = len(edits) > before
        if request.adds_checkin:
            entry, item = _entry(request)
            edits.append(front.append_item(node, "checkins", item))
            kr_expected["checkins"] = [*(kr.get("checkins") or []), entry]
            said.append(f"{label}: check-in {request.date.isoformat()} added to {request.kr}{_details(request, kr)}")
        if request.done is not None and request.milestone is None:  # with a milestone: the milestone's
            state = "done" if request.done else "not done"
            if kr.get("done") is request.done:
                said.append(f"{label}: {request.kr} is already {state}")
            else:
                edits.append(front.set_value(node, "done", "true" if request.done else "false"))
                kr_expected["done"] = request.done
                state_changed = True
                said.append(f"{label}: {request.kr} marked {state}")
    except EditError as exc:
        raise Refused(f"cannot edit {label}: {exc}; the file was left as it was") from None
    if edits:
        new = front.apply(edits)
        _recheck(config, documents, path, doc, new, expected)
        _replace(path, raw, new)
    period = _period_of(config, doc)
    warnings = _dating(config, period, request, kr) if request.adds_checkin else []
    # the field has no date (its commit's, today): a --date given for a note beside it dates the note alone
    if state_changed and period is not None and period.end < min(default_as_of(), config.as_of):  # graded already
        back = (f"--milestone {shlex.quote(request.milestone)} " if request.milestone is not None else "") + \
            ("--not-done" if request.done is not False else "--done")
        warnings.append(f"{period.title} ended on {period.end.isoformat()}: this change to {request.kr} moves that "
                        f"period's numbers and its grade, as if it was made by then (take it back with {back} if it "
                        "was not)")
    return said, warnings


def _dating(config: SiteConfig, period: Period | None, request: Request, kr: dict[str, Any]) -> list[str]:
    """What a check-in's date means for the reports: one after as_of counts from its date on, one
    after its period's end changes the ended period's numbers and grade; one before its period
    starts is most likely a mistyped year, and one the KR has already, a command run twice."""
    warnings = []
    if request.date > config.as_of:
        warnings.append(f"the check-in is dated after the report date ({config.as_of.isoformat()}): reports count it "
                        "from its date on")
    if kr.get("dropped"):
        warnings.append(f"{request.kr} is dropped: its check-ins count in no number (take 'dropped' away to count "
                        "it again)")
    reading = reading_of(_entry(request)[0])
    if reading is not None and (taken := _taken_over(request, kr)) is not None:
        warnings.append(taken)
    if period is not None and period.end < request.date <= config.as_of:
        warnings.append(f"{period.title} ended on {period.end.isoformat()}: this check-in changes its numbers and "
                        "its grade (date it within the period to record where it ended)")
    if period is not None and (problem := mistyped_year(request.date, period)):
        warnings.append(f"the check-in is dated {problem}")
    # of the day's check-ins the last counts: the one this one follows
    counted = next((r for c in reversed(kr.get("checkins") or []) if isinstance(c, dict) and c.get("date") == request.date
                    and (r := reading_of(c)) is not None), None)
    if reading is not None and counted == reading:
        warnings.append(f"{request.kr} had a check-in on {request.date.isoformat()} with {reading[0]} {reading[1]} "
                        "already: the file has it twice now")
    elif reading is not None and counted is not None:
        warnings.append(f"{request.kr} had a check-in on {request.date.isoformat()} with {counted[0]} {counted[1]} "
                        f"already: the later one counts, so {reading[0]} {reading[1]} replaces it in every number")
    return warnings


def _period_of(config: SiteConfig, doc: Document) -> Period | None:
    """The period of the objective the file holds."""
    meta = doc.meta if isinstance(doc.meta, dict) else {}
    return resolve_period(str(meta.get("period") or config.default_period_id), {p.id: p for p in config.periods})


def _taken_over(request: Request, kr: dict[str, Any]) -> str | None:
    """What the first check-in that carries a KR's reading (a value, a zone; the caller knows this
    one does) takes over from the field that gave it (`current:`, `zone:`), and from the commits
    that changed that field."""
    reading = CHECKIN_READING.get(kr.get("type") or "metric")
    field = "current" if reading == "value" else reading
    if field is None or kr.get(field) is None or any(isinstance(c, dict) and reading_of(c)
                                                     for c in kr.get("checkins") or []):
        return None
    return (f"{request.kr} has a check-in with a {reading} now: check-ins give its {reading} from here on, and its "
            f"'{field}: {kr[field]}' and the commits that changed it are no longer its {reading} or history (take "
            f"'{field}' away when you like)")


def _find_objective(config: SiteConfig, documents: DocumentCache, objective_id: str) -> tuple[Path, Document]:
    ids: dict[str, tuple[Path, Document]] = {}
    unread: dict[str, Diagnostic] = {}  # files that do not parse, by the id their name gives
    for path in discover(config.content_dir).objectives:
        try:
            doc, _ = documents.load(path, config.relative(path), parse_markdown_document)
        except SourceError as exc:
            unread.setdefault(file_id(path.name), exc.diagnostic)  # its own id, if any, is unknown
            continue
        except OSError:
            continue
        meta = doc.meta if isinstance(doc.meta, dict) else {}
        found = str(meta["id"]) if meta.get("id") is not None else file_id(path.name)
        ids.setdefault(found, (path, doc))
    if objective_id not in ids:
        if objective_id in unread:  # most likely its file: say why it does not load, not that it is unknown
            raise Refused(f"the file of objective '{objective_id}' does not load: fix it first", (unread[objective_id],))
        more = f" ({len(unread)} objective file(s) do not load: okrsite check names them)" if unread else ""
        raise Refused(f"unknown objective '{objective_id}'{suggest(objective_id, ids)}{more}")
    return ids[objective_id]


def _kr_ids(doc: Document) -> list[tuple[str, dict[str, Any]]]:
    """Each KR's id as the model gives it (`kr-2` for the second KR without an id) and fields."""
    items = doc.meta.get("key_results") if isinstance(doc.meta, dict) else None
    if not isinstance(items, list):
        return []
    return [(str(kr.get("id") or f"kr-{i + 1}") if isinstance(kr, dict) else f"kr-{i + 1}",
             kr if isinstance(kr, dict) else {}) for i, kr in enumerate(items)]


def _find_kr(doc: Document, request: Request) -> tuple[int, dict[str, Any]]:
    krs = _kr_ids(doc)
    for index, (kr_id, kr) in enumerate(krs):
        if kr_id == request.kr:
            return index, kr
    ids = [kr_id for kr_id, _ in krs]
    known = f"; its key results: {', '.join(ids)}" if ids else "; it has no key results"
    raise Refused(f"unknown key result '{request.kr}' in objective '{request.objective}'"
                  f"{suggest(request.kr, ids)}{known}")


def _check_kind(request: Request, kr: dict[str, Any]) -> None:
    """A value, zone, done or milestone only where the KR's type takes it (--done/--not-done also
    with a milestone: its state)."""
    kind = kr.get("type") or "metric"
    wrong = [what for what, given, types in (
        ("a value", request.value, ("metric", "maintain")), ("a zone", request.zone, ("zones",)),
        ("--done/--not-done", request.done, ("boolean", "milestones") if request.milestone else ("boolean",)),
        ("a milestone", request.milestone, ("milestones",)))
        if given is not None and kind not in types]
    if wrong:
        hint = _HINTS.get(str(kind))
        takes = f": it takes {hint}" if hint else ""
        raise Refused(f"'{request.kr}' is a {kind} key result{takes}, not {wrong[0]}")


def _milestone(front: FrontMatter, node: yaml.MappingNode, kr: dict[str, Any], kr_expected: dict[str, Any],
               request: Request, edits: list[Edit], label: str) -> str:
    milestones = kr.get("milestones") if isinstance(kr.get("milestones"), list) else []
    titles = [str(m.get("title")) if isinstance(m, dict) else "" for m in milestones]
    wanted = request.milestone or ""
    matches = [i for i, t in enumerate(titles) if t == wanted] or \
        [i for i, t in enumerate(titles) if t.casefold() == wanted.casefold()]
    if not matches:
        listed = f"; its milestones: {', '.join(repr(t) for t in titles)}" if titles else "; it has no milestones"
        raise Refused(f"unknown milestone '{wanted}' in {request.kr}{suggest(wanted, titles)}{listed}")
    index = matches[0]
    title = titles[index]
    done = request.done is not False  # --not-done takes a milestone marked done by mistake back
    state = "done" if done else "not done"
    if (milestones[index].get("done") is True) is done:
        return f"{label}: milestone '{title}' of {request.kr} is already {state}"
    items = value_of(node, "milestones")
    assert isinstance(items, yaml.SequenceNode)  # the data has a list there
    target = items.value[index]
    if not isinstance(target, yaml.MappingNode):
        raise EditError(f"milestone '{title}' is not a mapping of fields")
    edits.append(front.set_value(target, "done", "true" if done else "false"))
    kr_expected["milestones"][index]["done"] = done
    return f"{label}: milestone '{title}' of {request.kr} marked {state}"


def _entry(request: Request) -> tuple[dict[str, Any], Item]:
    """The check-in as data (to verify the edit) and as YAML text (to write it)."""
    entry: dict[str, Any] = {"date": request.date}
    item: list[tuple[str, str]] = [("date", request.date.isoformat())]
    for key in ("value", "zone", "confidence", "note"):
        text = getattr(request, key)
        if text is None:
            continue
        if key in ("value", "confidence"):
            entry[key] = float(text) if "." in text else int(text)
            item.append((key, text))
        else:
            entry[key] = text
            item.append((key, text_scalar(text)))
    return entry, item


def _details(request: Request, kr: dict[str, Any]) -> str:
    unit = kr.get("unit")
    parts = []
    if request.value is not None:  # as the pages write it: '47%', '4.6/5', '1 day', '1850 views'
        parts.append(with_unit(request.value, float(request.value), unit))
    if request.zone is not None:
        parts.append(f"zone {request.zone}")
    if request.confidence is not None:
        parts.append(f"confidence {request.confidence}")
    if request.note is not None:
        parts.append("a note")
    return f" ({', '.join(parts)})"


def _recheck(config: SiteConfig, documents: DocumentCache, path: Path, old: Document, new: bytes,
             expected: Any) -> None:
    """The edited text must parse to the intended data and the site must load with it (no
    error in this file); the rest of the site is read as a build reads it. Errors the file had
    before the change are said to be its own, not the change's."""
    label = old.path
    try:
        doc, problems = parse_markdown_document(new, label)
    except SourceError as exc:
        raise Refused("the edited file would not load; the file was left as it was", (exc.diagnostic,)) from None
    doc.positions.source = lambda: decode(new, label)  # its hints quote it as the file's own do (then compared)
    if doc.meta != expected:
        raise Refused(f"cannot add this to {label} without changing other values (YAML anchors or merge "
                      "keys?): edit the file by hand; the file was left as it was")
    documents.substitute(path, label, doc)
    diagnostics = Diagnostics(list(problems))
    try:
        Builder(BuildOptions(config.path, as_of=config.as_of), documents=documents).load(diagnostics)
    except BuildFailed as failed:
        mine = tuple(d for d in failed.diagnostics if d.path == label and d.severity == "error")
        if mine and {d.message for d in mine} <= _errors_of(config, documents, path, old):
            raise Refused(f"{label} has errors already: fix them first; the file was left as it was", mine) from None
        if mine:
            raise Refused(f"{label} would not load with this change; the file was left as it was", mine) from None


def _errors_of(config: SiteConfig, documents: DocumentCache, path: Path, doc: Document) -> set[str]:
    """The messages of the errors the site gives `doc`, the file as it stands."""
    documents.substitute(path, doc.path, doc)
    try:
        Builder(BuildOptions(config.path, as_of=config.as_of), documents=documents).load(Diagnostics())
    except BuildFailed as failed:
        return {d.message for d in failed.diagnostics if d.path == doc.path and d.severity == "error"}
    return set()


def _replace(path: Path, before: bytes, data: bytes) -> None:
    """Write atomically (a temporary file beside it, then a rename), keeping the file's mode;
    refuse when the file changed since it was read."""
    if path.read_bytes() != before:
        raise Refused(f"{path.name} changed while the check-in was being added; run it again")
    replace_file(path, data, keep_mode=True)


