"""Files to documents: front matter split and YAML parsed with line numbers.

The model reports problems at the line of the offending value, so parsing
keeps a map from each value's key path (``("key_results", 0, "target")``) to
where it stands in the file. One YAML parse serves both the data and the map.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from okrsite import __version__
from okrsite.cachefiles import read_cache, write_cache
from okrsite.diagnostics import Diagnostic, Location

# libyaml is ~9x faster and its nodes still carry marks; fall back when absent.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that keeps an impossible date (`2026-02-30`) as text: the field check
    then reports it at its line instead of the YAML library raising a bare ValueError."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)

KeyPath = tuple[str | int, ...]


class Positions:
    """Where values (and mapping keys) stand in one file.

    Positions are needed only to report a problem, so a document restored from the
    on-disk cache (whose file is unchanged) parses its file again only when asked.
    """

    __slots__ = ("path", "_values", "_keys", "_recompute")

    def __init__(self, path: str, values: dict[KeyPath, tuple[int, int]] | None = None,
                 keys: dict[KeyPath, tuple[int, int]] | None = None,
                 recompute: Callable[[], Positions] | None = None):
        self.path = path
        self._values = values if values is not None or recompute else {}
        self._keys = keys if keys is not None or recompute else {}
        self._recompute = recompute

    def _decode(self) -> None:
        fresh = self._recompute() if self._recompute else Positions(self.path)
        self._values, self._keys = fresh.values, fresh.keys

    @property
    def values(self) -> dict[KeyPath, tuple[int, int]]:
        if self._values is None:
            self._decode()
        return self._values  # type: ignore[return-value]

    @property
    def keys(self) -> dict[KeyPath, tuple[int, int]]:
        if self._keys is None:
            self._decode()
        return self._keys  # type: ignore[return-value]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Positions) and (self.path, self.values, self.keys) == \
            (other.path, other.values, other.keys)

    def at(self, key_path: KeyPath = ()) -> Location:
        """The value's location, or its nearest known ancestor's."""
        values = self.values
        while True:
            hit = values.get(key_path)
            if hit is not None:
                return Location(self.path, *hit)
            if not key_path:
                return Location(self.path, 1, 1)
            key_path = key_path[:-1]

    def key(self, key_path: KeyPath) -> Location:
        """The location of a mapping key itself (for unknown-field errors)."""
        hit = self.keys.get(key_path)
        return Location(self.path, *hit) if hit else self.at(key_path)


@dataclass(frozen=True)
class Document:
    """One content file: its parsed front matter (or YAML data) and its Markdown body."""

    path: str
    meta: Any
    body: str
    positions: Positions


class SourceError(Exception):
    """A file that cannot be read as a document at all."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def _error(path: str, line: int, col: int, message: str) -> SourceError:
    return SourceError(Diagnostic(path, line, col, "error", message))


def load_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Any, Positions, list[Diagnostic]]:
    """Parse YAML safely; return the data, its positions, and problems such as duplicate keys.

    Raises SourceError for YAML that does not parse.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "invalid YAML"
        problem = exc.problem_mark
        at_end = problem is not None and problem.index >= len(text.rstrip())
        opened = (exc.context or "").startswith(("while parsing a flow", "while scanning a quoted"))
        if exc.context_mark and exc.context and problem and (at_end or opened):
            # Something left open (`[oops`, an unclosed quote) shows only later, often at the
            # end of the text: point at where it was opened, and say where it went wrong.
            found = "" if at_end else f" at line {problem.line + 1 + line_offset}, column {problem.column + 1}"
            reason = f"{reason}{found} ({exc.context} that starts here)"
            mark = exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
        col = (mark.column + 1) if mark else 1
        raise _error(path, line, col, f"invalid YAML: {reason}") from None
    except yaml.YAMLError as exc:
        raise _error(path, 1 + line_offset, 1, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    positions = Positions(path)
    problems: list[Diagnostic] = []
    if node is not None:
        _walk(node, (), positions, problems, line_offset)
    return data, positions, problems


def _walk(node: yaml.Node, key_path: KeyPath, positions: Positions,
          problems: list[Diagnostic], line_offset: int) -> None:
    mark = node.start_mark
    positions.values[key_path] = (mark.line + 1 + line_offset, mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*key_path, key)
            kmark = key_node.start_mark
            where = (kmark.line + 1 + line_offset, kmark.column + 1)
            if key in seen:
                problems.append(Diagnostic(positions.path, *where, "error",
                                           f"duplicate key '{key}' (first on line {seen[key]}; "
                                           "the later value would win)"))
            seen.setdefault(key, where[0])
            positions.keys[child] = where
            _walk(value_node, child, positions, problems, line_offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*key_path, index), positions, problems, line_offset)


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Return (front matter YAML, Markdown body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise _error(path, 1, 1, "missing front matter: the file must start with a '---' line")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    raise _error(path, 1, 1, "front matter is not closed: add a '---' line after it")


def decode(raw: bytes, path: str) -> str:
    """UTF-8 text with a BOM removed and newlines made uniform."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _error(path, line, 1, "the file is not valid UTF-8 text") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_markdown_document(raw: bytes, path: str) -> tuple[Document, list[Diagnostic]]:
    """A Markdown file with YAML front matter (front matter starts on line 2)."""
    text = decode(raw, path)
    front, body, _ = split_front_matter(text, path)
    meta, positions, problems = load_yaml(front, path, line_offset=1)
    return Document(path, meta, body, positions), problems


def parse_yaml_document(raw: bytes, path: str) -> tuple[Document, list[Diagnostic]]:
    """A plain YAML data file such as teams.yaml."""
    meta, positions, problems = load_yaml(decode(raw, path), path)
    return Document(path, meta, "", positions), problems


# --- finding the files of a site -------------------------------------------

_EDITOR_LITTER = re.compile(r"(^\.|^#|~$|\.swp$|\.swx$|\.tmp$|\.bak$|^4913$)")


def is_ignored(name: str) -> bool:
    """Hidden files and the swap, backup and probe files editors leave behind."""
    return bool(_EDITOR_LITTER.search(name))


@dataclass(frozen=True)
class SourceFiles:
    objectives: tuple[Path, ...]
    projects: tuple[Path, ...]
    pages: tuple[Path, ...]
    teams: Path | None
    assets: tuple[Path, ...]


def _walk_files(folder: Path, suffix: str | None = None) -> tuple[Path, ...]:
    if not folder.is_dir():
        return ()
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not is_ignored(d))
        for name in filenames:
            if not is_ignored(name) and (suffix is None or name.endswith(suffix)):
                found.append(Path(dirpath) / name)
    return tuple(sorted(found))


def discover(content_dir: Path) -> SourceFiles:
    """Every file of a site's content folder, by role, in a stable order."""
    teams = content_dir / "teams.yaml"
    if not teams.is_file() and (content_dir / "teams.yml").is_file():
        teams = content_dir / "teams.yml"
    return SourceFiles(
        objectives=_walk_files(content_dir / "objectives", ".md"),
        projects=_walk_files(content_dir / "projects", ".md"),
        pages=_walk_files(content_dir / "pages", ".md"),
        teams=teams if teams.is_file() else None,
        assets=_walk_files(content_dir / "assets"),
    )


Parser = Callable[[bytes, str], tuple[Document, list[Diagnostic]]]


@dataclass
class DocumentCache:
    """Parsed documents keyed by (size, mtime): a rebuild re-reads only changed files."""

    entries: dict[Path, tuple[tuple[int, int], Document]] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0

    def load(self, path: Path, label: str, parser: Parser) -> tuple[Document, list[Diagnostic]]:
        """Raises SourceError for a file that cannot be parsed (never cached)."""
        stat = path.stat()
        stamp = (stat.st_size, stat.st_mtime_ns)
        cached = self.entries.get(path)
        if cached is not None and cached[0] == stamp and cached[1].path == label:
            self.hits += 1
            return cached[1], []
        self.misses += 1
        doc, problems = parser(path.read_bytes(), label)
        if not problems:
            self.entries[path] = (stamp, doc)
        return doc, problems

    def retain(self, paths: set[Path]) -> None:
        """Forget files that are gone, so the saved cache does not grow."""
        for path in [p for p in self.entries if p not in paths]:
            del self.entries[path]

    def save(self, file: Path) -> None:
        """Keep parsed documents for the next run (positions are re-derived when needed)."""
        rows = []
        for path, (stamp, doc) in sorted(self.entries.items()):
            try:
                meta = json.dumps(doc.meta, default=_encode_value)
            except TypeError:
                continue  # a YAML type we do not round-trip (!!binary, !!set): parse it again next time
            rows.append([str(path), list(stamp), doc.path, doc.body, meta])
        write_cache(file, _CACHE_FORMAT, rows)

    @classmethod
    def restore(cls, file: Path) -> DocumentCache:
        """The documents a previous run saved; an empty cache when there is none or it is stale."""
        entries = {}
        try:
            for path, stamp, label, body, meta in read_cache(file, _CACHE_FORMAT) or ():
                doc = Document(label, json.loads(meta, object_hook=_decode_value), body,
                               Positions(label, recompute=_reparse(Path(path), label)))
                entries[Path(path)] = ((stamp[0], stamp[1]), doc)
        except (ValueError, TypeError, KeyError):
            return cls()
        return cls(entries)


_CACHE_FORMAT = f"okrsite-documents-{__version__}"


def _reparse(path: Path, label: str) -> Callable[[], Positions]:
    def positions() -> Positions:
        parser = parse_yaml_document if path.suffix in (".yaml", ".yml") else parse_markdown_document
        try:
            return parser(path.read_bytes(), label)[0].positions
        except (OSError, SourceError):
            return Positions(label)
    return positions


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"\u0000datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"\u0000date": value.isoformat()}
    raise TypeError(type(value).__name__)


def _decode_value(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "\u0000date" in obj:
            return dt.date.fromisoformat(obj["\u0000date"])
        if "\u0000datetime" in obj:
            return dt.datetime.fromisoformat(obj["\u0000datetime"])
    return obj
