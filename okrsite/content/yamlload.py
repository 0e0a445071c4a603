"""YAML text to data, with the line and column of every value and the duplicate keys.

The model reports problems at the line of the offending value, so parsing
keeps a map from each value's key path (``("key_results", 0, "target")``) to
where it stands in the file. Positions are needed only for a problem, so
ordinary YAML is built straight from libyaml's nodes in one pass and its
positions are worked out again only when asked; YAML with aliases, merge keys
or unusual tags goes through PyYAML's own constructor.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import yaml

from okrsite.diagnostics import Diagnostic, Location

# libyaml is ~9x faster and its nodes still carry marks; fall back when absent.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
# The other tags a plain scalar resolves to: their constructors read only the node's text
# and make immutable values, so a value can be remembered by (tag, text).
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp"))

_UNKNOWN = object()
_KINDS = {"tag:yaml.org,2002:int": "a whole number", "tag:yaml.org,2002:float": "a number",
          "tag:yaml.org,2002:bool": "true or false", "tag:yaml.org,2002:timestamp": "a date",
          "tag:yaml.org,2002:binary": "base64 data", "tag:yaml.org,2002:null": "nothing (null)"}


class Memo:
    """Keys, numbers and dates recur across a site's files: what their text resolves and
    constructs to, remembered for the files one reader loads (a DocumentCache: one build,
    or one preview session). Emptied when full, so it cannot grow without limit."""

    SIZE = 10_000

    def __init__(self) -> None:
        self.resolved: dict[str, str] = {}
        self.made: dict[tuple[str, str], Any] = {}


# YAML 1.1 reads 1:30 as 90 and 1:30.5 as 90.5 (base 60), YAML 1.2 as text: `target: 1:30` became
# 90 without a word, `title: 12:30` the number 750. Text here, as the field check then says.
_SEXAGESIMAL = frozenset(("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"))


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that keeps an impossible date (`2026-02-30`) as text: the field check
    then reports it at its line instead of the YAML library raising a bare ValueError.

    libyaml calls `resolve` in Python for every scalar (up to three regular expressions
    each): plain scalars' tags are remembered.
    """

    def __init__(self, text: str, memo: Memo) -> None:
        super().__init__(text)
        self.memo = memo

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: Any) -> str:
        if kind is not yaml.ScalarNode or not implicit[0]:
            return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]
        resolved = self.memo.resolved
        tag = resolved.get(value)  # type: ignore[arg-type]
        if tag is None:
            if len(resolved) >= Memo.SIZE:
                resolved.clear()
            tag = super().resolve(kind, value, implicit)
            if tag in _SEXAGESIMAL and ":" in value:  # type: ignore[operator]
                tag = "tag:yaml.org,2002:str"
            resolved[value] = tag  # type: ignore[index]
        return tag

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """PyYAML lets a scalar that only looks like a number (`0x_`) or carries a tag it does not
        fit (`!!bool maybe`) fail with a bare ValueError: report it at its line instead."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, KeyError, AttributeError, TypeError):
            if not isinstance(node, yaml.ScalarNode):
                raise
            kind = _KINDS.get(node.tag, node.tag)
            shown = node.value if len(node.value) <= 40 else f"{node.value[:20]}… ({len(node.value):,} characters)"
            raise yaml.constructor.ConstructorError(  # (a 5,000-digit number was quoted whole)
                None, None, f"cannot read '{shown}' as {kind}; quote it to keep it as text",
                node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)

KeyPath = tuple[str | int, ...]


class Positions:
    """Where values (and mapping keys) stand in one file.

    Positions are needed only to report a problem, so they can be worked out when first
    asked for: from their packed form (`pack`), which a parse makes from its nodes and the
    on-disk cache keeps, or from the text again. Unpacking is a fifth of parsing the file
    again, and `okrsite check` reports problems in hundreds.
    """

    __slots__ = ("path", "_values", "_keys", "_recompute", "_packed", "_coded", "source", "_lines")

    def __init__(self, path: str, values: dict[KeyPath, tuple[int, int]] | None = None,
                 keys: dict[KeyPath, tuple[int, int]] | None = None,
                 recompute: Callable[[], Positions] | None = None, packed: str | None = None,
                 coded: _Codes | None = None):
        self.path = path
        self._values = values if values is not None or recompute else {}
        self._keys = keys if keys is not None or recompute else {}
        self._recompute = recompute
        self._packed = packed
        self._coded = coded  # the dicts' key paths hold names as their numbers in the packed form
        # The file's text as written, read again when a hint quotes a line of it (set by who reads the file).
        self.source: Callable[[], str] | None = None
        self._lines: list[str] | None = None  # ... its lines, once a hint has asked

    def written(self, line: int) -> str:
        """Line `line` of the file as written; "" when it is not known. Only a problem's hint asks
        (the file is read once for all of them: a file of 6,000 slips was read 6,000 times)."""
        if self._lines is None:
            try:
                self._lines = self.source().split("\n") if self.source is not None else []
            except (OSError, SourceError):  # gone, or changed into something unreadable, since it loaded
                self._lines = []
        lines = self._lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def pack(self) -> str:
        """The positions as compact JSON, for the document cache (`unpack_positions` reads it):
        in each key path a mapping key is a number (~index into a list of the names, which goes
        beside the number of list indexes used), so the cache file holds few quotes to escape;
        each key path is one text of its numbers, so that JSON's own decoder makes the dicts.
        Positions not worked out yet are worked out for it, but not kept: the packed form is,
        in place of the text they came from."""
        if self._packed is None:
            fresh = self if self._values is not None else self._recompute()  # type: ignore[misc]
            names: dict[str, int] = {}

            def rows(found: dict[KeyPath, tuple[int, int]]) -> dict[str, list[int]]:
                return {_joined(~names.setdefault(k, len(names)) if isinstance(k, str) else k for k in key_path):
                        list(where) for key_path, where in found.items()}

            values, keys = rows(fresh.values), rows(fresh.keys)
            indexes = 1 + max((k for key_path in fresh.values for k in key_path if isinstance(k, int)), default=-1)
            self._packed = json.dumps([list(names), indexes, values, keys], ensure_ascii=False, separators=(",", ":"))
            if self._values is None:
                packed, path = self._packed, self.path
                self._recompute = lambda: unpack_positions(path, packed)
        return self._packed

    def _decode(self) -> None:
        fresh = self._recompute() if self._recompute else Positions(self.path)
        if fresh._values is None:
            fresh._decode()
        self._values, self._keys, self._coded = fresh._values, fresh._keys, fresh._coded

    @property
    def values(self) -> dict[KeyPath, tuple[int, int]]:
        if self._values is None:
            self._decode()
        return self._plain(self._values)  # type: ignore[arg-type]

    @property
    def keys(self) -> dict[KeyPath, tuple[int, int]]:
        if self._keys is None:
            self._decode()
        return self._plain(self._keys)  # type: ignore[arg-type]

    def _plain(self, found: dict[KeyPath, tuple[int, int]]) -> dict[KeyPath, tuple[int, int]]:
        """`found` with names in its key paths (the dict itself when it has them already)."""
        if self._coded is None:
            return found
        return {self._coded.plain(joined): tuple(where) for joined, where in found.items()}  # type: ignore[misc]

    def _found(self, key_path: KeyPath, keys: bool = False) -> tuple[dict[Any, Any], KeyPath]:
        """The dict to look in, and `key_path` as far as it can be written as its keys are (its steps
        numbered when unpacked: look them up with `_key`)."""
        if self._values is None:
            self._decode()
        found = self._keys if keys else self._values
        return found, key_path if self._coded is None else self._coded.numbered(key_path)  # type: ignore[return-value]

    def _key(self, steps: KeyPath) -> Any:
        return steps if self._coded is None else _joined(steps)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Positions) and (self.path, self.values, self.keys) == \
            (other.path, other.values, other.keys)

    def at(self, key_path: KeyPath = ()) -> Location:
        """The value's location, or its nearest known ancestor's."""
        values, key_path = self._found(key_path)
        while True:
            hit = self._location(values.get(self._key(key_path)))
            if hit is not None:
                return hit
            if not key_path:
                return Location(self.path, 1, 1)
            key_path = key_path[:-1]

    def key(self, key_path: KeyPath) -> Location:
        """The location of a mapping key itself (for unknown-field errors)."""
        keys, coded = self._found(key_path, keys=True)
        hit = self._location(keys.get(self._key(coded))) if len(coded) == len(key_path) else None
        return hit or self.at(key_path)

    def _location(self, where: Any) -> Location | None:
        """(line, col) found, as a Location; None for nothing, or for what is not that (a damaged cache)."""
        if type(where) in (tuple, list) and len(where) == 2 and type(where[0]) is int and type(where[1]) is int:
            return Location(self.path, *where)
        return None


@dataclass(frozen=True)
class _Codes:
    """How `Positions.pack` numbers the steps of key paths: list indexes below `indexes` stand for
    themselves, a mapping key names[i] is ~i."""

    names: dict[str, int]
    indexes: int

    def numbered(self, key_path: KeyPath) -> tuple[int, ...]:
        """`key_path` as packed, cut before the first step it has no number for (nothing below
        that step is in the file)."""
        steps = []
        for k in key_path:
            step = self.names.get(k) if isinstance(k, str) else (k if 0 <= k < self.indexes else None)
            if step is None:
                break
            steps.append(step)
        return tuple(steps)

    def plain(self, joined: str) -> KeyPath:
        """A packed key path with its names again."""
        return tuple(self._by_number.get(k, k) for k in map(int, joined.split(","))) if joined else ()

    @functools.cached_property
    def _by_number(self) -> dict[int, str]:
        return {code: name for name, code in self.names.items()}


def unpack_positions(path: str, packed: str) -> Positions:
    """The positions `Positions.pack` wrote; ValueError, TypeError or IndexError when it is not that.

    Their key paths stay as packed, numbers for names: a lookup numbers its own few steps
    instead, and finds them in the packed text itself, as `pack` lays it out (`okrsite check`
    looks up a few values in each of hundreds of files: decoding all of each file's positions
    cost more); JSON of the same shape laid out otherwise is decoded whole."""
    try:
        names, at = _JSON.raw_decode(packed, 1)
        if packed[0] != "[" or packed[at:at + 1] != ",":
            raise ValueError("not laid out as packed")
        indexes, at = _JSON.raw_decode(packed, at + 1)
        values = _PackedRows(packed, _after(packed, at))
        keys = _PackedRows(packed, _after(packed, values.end + 1))
        if packed[keys.end + 1:] != "]":
            raise ValueError("not laid out as packed")
    except ValueError:
        names, indexes, values, keys = json.loads(packed)
        if not isinstance(values, dict) or not isinstance(keys, dict):
            raise TypeError("not packed positions") from None
    if not isinstance(indexes, int) or not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise TypeError("not packed positions")
    coded = _Codes({name: ~i for i, name in enumerate(names)}, indexes)
    return Positions(path, values, keys, packed=packed, coded=coded)  # type: ignore[arg-type]


_JSON = json.JSONDecoder()
_ROW = re.compile(r"(-?\d+),(-?\d+)\]")


def _after(text: str, at: int) -> int:
    """Where the dict after the comma at `at` starts, in packed positions."""
    if text[at:at + 2] != ",{":
        raise ValueError("not laid out as packed")
    return at + 1


class _PackedRows:
    """One dict of packed positions, read where it stands in the packed text: `{"0,~1":[3,5],...}`.
    Its keys are numbers and commas and its values pairs of numbers, so it ends at the first
    `}` and a key is found by its quoted text."""

    def __init__(self, text: str, start: int) -> None:
        self.text, self.start, self.end = text, start, text.index("}", start)

    def get(self, joined: str) -> list[int] | None:
        at = self.text.find(f'"{joined}":[', self.start, self.end)
        row = _ROW.match(self.text, at + len(joined) + 4) if at >= 0 else None
        return [int(row[1]), int(row[2])] if row is not None and row.end() <= self.end + 1 else None

    def items(self) -> Iterable[tuple[str, list[int]]]:
        rows = json.loads(self.text[self.start:self.end + 1])
        if not isinstance(rows, dict):
            raise TypeError("not packed positions")
        return rows.items()  # type: ignore[no-any-return]


def _joined(steps: Iterable[int]) -> str:
    """A numbered key path as one text, the packed dicts' key ("" for the document itself)."""
    return ",".join(map(str, steps))


class SourceError(Exception):
    """A file that cannot be read as a document at all."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def source_error(path: str, line: int, col: int, message: str) -> SourceError:
    return SourceError(Diagnostic(path, line, col, "error", message))


COMMA_IN_NUMBER = "write a number with a dot and no thousands separator (12.5, 1200)"


def uncommented(text: str) -> str:
    """`text` without a YAML comment at its end (a '#' after a space or a tab)."""
    return re.split(r"\s#", text, maxsplit=1)[0]


def written_scalar(line: str, col: int) -> str:
    """The unquoted value that starts at column `col` (from 1) of `line`, as written: to the end of
    the line, or inside { … } or [ … ] to the next ',', '}' or ']'; without a comment after it."""
    value = uncommented(line[col - 1:])
    before = line[:col - 1]
    opened = before.count("{") + before.count("[") > before.count("}") + before.count("]")
    closes = value.count("}") + value.count("]") > value.count("{") + value.count("[")  # { … } begun a line above
    if opened or closes:
        value = re.split(r"[,}\]]", value, maxsplit=1)[0]
    return value.strip()


def quoted_field(key: object, value: str) -> str:
    """`key: "value"` (`"value"` for no key: a list's item), the value in the quotes a hint tells to
    write (a text YAML would read otherwise)."""
    quoted = json.dumps(value, ensure_ascii=False)
    return quoted if key is None else f"{key}: {quoted}"


def load_yaml(text: str, path: str, line_offset: int = 0,
              memo: Memo | None = None) -> tuple[Any, Positions, list[Diagnostic]]:
    """Parse YAML safely; return the data, its positions, and problems such as duplicate keys.

    Raises SourceError for YAML that does not parse. A `memo` shared by the files of one
    build saves resolving the same scalars again.
    """
    return _load(text, path, line_offset, direct="*" not in text, memo=memo or Memo())  # no `*`: no alias


def compose(text: str) -> yaml.Node | None:
    """The node tree of YAML text, with the start and end of every node in characters: what
    `okrsite checkin` needs to edit a file where a value stands without dumping it again.

    Raises yaml.YAMLError for text that does not parse (load_yaml reports it first).
    """
    loader = _Loader(text, Memo())
    try:
        return loader.get_single_node()  # type: ignore[no-any-return]
    finally:
        loader.dispose()


# What the parser's words mean for someone who writes YAML by hand (it says what it met, not what
# to do); libyaml's words and the pure-Python parser's both.
_INDENT = ("; check this line's indentation: a key lines up with the keys beside it (in a list, with its item's "
           "first key), and a new item starts with '- '")
_KEY_NEEDS_SPACE = "; a key needs ': ' after it (or quote a text that runs over several lines)"
_HINTS = (
    ("mapping values are not allowed", "; check this line's indentation against the lines above it, or quote a "
                                       "value that holds ': ' (text after a closing quote also ends up here)"),
    ("did not find expected '-' indicator", _INDENT),
    ("did not find expected key", _INDENT),
    ("expected <block end>", _INDENT),
    ("could not find expected ':'", _KEY_NEEDS_SPACE),
    ("end of stream (while scanning a quoted scalar", "; close the quote"),
    ("expected ',' or '}'", "; in { … } a comma separates the fields and a '}' closes them: a text that holds ': ' "
                            "or ', ' needs quotes there (note: \"Done: finally\")"),
)


# What YAML 1.1 does not allow in a stream (its printable set's complement), for ReaderError's position.
_NOT_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


# `owner:Lena Fischer`: a key and its value without the space YAML needs between them (one word before
# the colon, something right after it), which YAML reads as one text, and reports a line further down.
_GLUED = re.compile(r"(?P<lead>[ ]*(?:-[ ]+)*)[^\s#'\"{}\[\],:&*!|>%@`-][^\s:]*:[^\s:]")


def _glued_key(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, int] | None:
    """(line, column) from 0 of a `key:value` line that a parse error reported below it is about:
    where the key it missed starts, or the line above where a text running on from it met a ': '."""
    problem = exc.problem or ""
    lines = text.split("\n")
    if "could not find expected ':'" in problem and exc.context_mark is not None:
        line = exc.context_mark.line  # the text it took for a key
    elif "mapping values are not allowed" in problem and exc.problem_mark is not None:
        mark = exc.problem_mark  # the line above, when this one is a key alone (`team: product` under
        before = lines[mark.line][:mark.column]  # `owner:Lena`), not a text's second ': '
        if not re.fullmatch(r"\s*(?:-\s+)*[\w-]+", before):
            return None
        line = mark.line - 1
    else:
        return None
    glued = _GLUED.match(lines[line]) if 0 <= line < len(lines) else None
    return (line, len(glued["lead"])) if glued else None


# Characters YAML keeps for itself at the start of a value (directives, and for later use).
_RESERVED = frozenset("%@`")


def _reserved_hint(text: str, index: int) -> str:
    """'; quote the value: unit: "%" (…)' for a value that starts at `index` with a character YAML reserves."""
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    line = text[start:end if end >= 0 else len(text)]
    before = line[:index - start]
    key = re.search(r"(?:^|[\s{,])([^\s{},\[\]]+):\s+$", before)
    if key is None and not re.search(r"(?:^|[-\[,])\s*$", before):
        return ""  # not at the start of a value
    value = written_scalar(line, index - start + 1)
    quoted = quoted_field(key[1] if key else None, value)
    return f"; quote the value: {quoted} (YAML reserves {text[index]} at the start of a value)"


def _load(text: str, path: str, line_offset: int, direct: bool,
          memo: Memo) -> tuple[Any, Positions, list[Diagnostic]]:
    """`direct`: try `_construct` (for text without aliases) before PyYAML's constructor."""
    loader = _Loader(text, memo)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, Positions(path), []
        if direct:
            try:
                data, problems = _construct(loader, node, path, line_offset)
                packed = _tree_packed(node, line_offset)
                return data, Positions(path, recompute=lambda: unpack_positions(path, packed), packed=packed), problems
            except (_Unusual, yaml.YAMLError, ValueError, KeyError, AttributeError, TypeError):
                pass  # merge keys, other tags, a scalar its tag does not fit: the generic path reports it
        data = loader.construct_document(node)
        return (data, *_walk(node, path, line_offset))
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
        hint = next((hint for words, hint in _HINTS if words in reason), "")
        found_char = text[problem.index:problem.index + 1] if problem is not None else ""
        if "tab character" in reason:  # libyaml's own words for it
            hint = "; YAML indents with spaces only"
        elif found_char == "\t":
            hint = "; it is a tab: YAML indents with spaces only"
        elif found_char in _RESERVED and "cannot start any token" in reason:
            hint = _reserved_hint(text, problem.index)  # type: ignore[union-attr]
        elif glued := _glued_key(text, exc):
            line, col, hint = glued[0] + 1 + line_offset, glued[1] + 1, _KEY_NEEDS_SPACE
        raise source_error(path, line, col, f"invalid YAML: {reason}{hint}") from None
    except yaml.reader.ReaderError:  # it says where in characters (libyaml: in bytes), not lines: find it anew
        found = _NOT_PRINTABLE.search(text)
        at = found.start() if found else 0
        before = text[:at]
        line, col = before.count("\n") + 1 + line_offset, at - before.rfind("\n")
        code = ord(found.group()) if found else 0
        raise source_error(path, line, col, f"invalid YAML: the character U+{code:04X} cannot be in YAML (a control "
                                            "character, as a paste from a spreadsheet can leave): delete it") from None
    except yaml.YAMLError as exc:
        raise source_error(path, 1 + line_offset, 1, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise source_error(path, 1 + line_offset, 1, "invalid YAML: values nested too deeply") from None
    finally:
        loader.dispose()




class _NodesOnly(_BaseLoader):  # type: ignore[misc, valid-type]
    """Composes the nodes and their marks, no tags resolved: where values stand needs no more."""

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: Any) -> str:
        return _STR

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


def positions_of(text: str, path: str, line_offset: int = 0) -> Positions:
    """Where each value of YAML text that loaded before stands: its nodes walked, no value built
    (a check finds problems in hundreds of files after loading them)."""
    loader = _NodesOnly(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Positions(path)
        return _walk(node, path, line_offset)[0] if "*" in text else _tree_positions(node, path, line_offset)
    except (yaml.YAMLError, SourceError, RecursionError):  # nested so deeply that the stack in use is too small
        return Positions(path)
    finally:
        loader.dispose()


class _Unusual(Exception):
    """YAML that only PyYAML's own constructor builds right (merge keys, other tags)."""


def _construct(loader: _Loader, root: yaml.Node, path: str, line_offset: int) -> tuple[Any, list[Diagnostic]]:
    """The data and duplicate keys that `construct_document` and `_walk` would give, in one
    pass and without their generators. Expects no aliases; raises _Unusual for anything
    but mappings, sequences and scalars with the standard tags."""
    constructors = loader.yaml_constructors
    made = loader.memo.made
    repeated: list[_Repeat] = []

    def plain(node: yaml.Node) -> Any:
        tag = node.tag
        if tag not in _PLAIN_TAGS:
            raise _Unusual
        key = (tag, node.value)
        value = made.get(key, _UNKNOWN)
        if value is _UNKNOWN:
            if len(made) >= Memo.SIZE:
                made.clear()
            value = made[key] = constructors[tag](loader, node)
        return value

    def build(node: yaml.Node) -> Any:
        kind, tag = type(node), node.tag
        if kind is yaml.ScalarNode:
            return node.value if tag == _STR else plain(node)
        if kind is yaml.SequenceNode and tag == _SEQ:
            return [build(item) for item in node.value]
        if kind is not yaml.MappingNode or tag != _MAP:
            raise _Unusual
        data = {}
        first: dict[str, yaml.Node] = {}  # key text -> its first key node
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode:
                raise _Unusual  # PyYAML refuses it (unhashable)
            earlier = first.setdefault(key_node.value, key_node)
            if earlier is not key_node:
                repeated.append(_Repeat(node, key_node, _where(earlier, line_offset)))
            data[key_node.value if key_node.tag == _STR else plain(key_node)] = build(value_node)
        return data

    data = build(root)
    if not repeated:
        return data, []
    items = {id(item) for node in _nodes(root) if type(node) is yaml.SequenceNode for item in node.value}
    return data, _duplicates(path, line_offset, [r._replace(in_list=id(r.mapping) in items) for r in repeated])


def _nodes(root: yaml.Node) -> Iterable[yaml.Node]:
    """Every node of a tree without aliases."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if type(node) is yaml.MappingNode:
            stack.extend(part for pair in node.value for part in pair)
        elif type(node) is yaml.SequenceNode:
            stack.extend(node.value)


class _Repeat(NamedTuple):
    """A key a mapping has twice: the mapping, the later key, where the first one stands, and whether
    the mapping is an item of a list."""

    mapping: yaml.MappingNode
    key: yaml.Node
    first: tuple[int, int]
    in_list: bool = False


def _duplicates(path: str, line_offset: int, repeated: list[_Repeat]) -> list[Diagnostic]:
    """The errors for repeated keys, one each. A list item written key: value lines that repeats
    its first key, or several, most likely runs on into the next item, whose '- ' was forgotten:
    its first repeat says so, and its later ones, which follow from the same slip, are left out."""
    problems = []
    told: set[int] = set()
    for mapping, key, first, in_list in repeated:
        if id(mapping) in told:
            continue
        if _split_number(mapping, key):  # the field check reports the first such part, this says the others
            problems.append(Diagnostic(path, *_where(key, line_offset), "error", f"unknown field '{key.value}': in "
                                       f"{{ … }} a comma separates fields: {COMMA_IN_NUMBER}"))
            continue
        hint = ""
        keys = [str(k.value) for k, _ in mapping.value]
        if in_list and not mapping.flow_style and (str(key.value) == keys[0] or len(keys) - len(set(keys)) > 1):
            told.add(id(mapping))
            hint = ": did you mean to start a new item with '- '?"
        problems.append(_duplicate(path, _where(key, line_offset), str(key.value), first, hint))
    return problems


def _split_number(mapping: yaml.MappingNode, key: yaml.Node) -> bool:
    """A key of digits and no value in { … }: the rest of a number its commas split (1,000,000): no
    duplicate key, what it is."""
    value = next(v for k, v in mapping.value if k is key)
    return bool(mapping.flow_style) and str(key.value).isdigit() and type(value) is yaml.ScalarNode \
        and value.value == ""


def _where(node: yaml.Node, line_offset: int) -> tuple[int, int]:
    return node.start_mark.line + 1 + line_offset, node.start_mark.column + 1


def _duplicate(path: str, where: tuple[int, int], key: str, first: tuple[int, int], hint: str = "") -> Diagnostic:
    return Diagnostic(path, *where, "error",
                      f"duplicate key '{key}' (first at {path}:{first[0]}:{first[1]}; the later value would win){hint}")


def _tree_positions(root: yaml.Node, path: str, line_offset: int) -> Positions:
    """The positions of a node tree without aliases (a tree, so no value is met twice): half
    the work of `_walk`, which also guards against alias loops and finds duplicate keys."""
    values: dict[KeyPath, tuple[int, int]] = {}
    keys: dict[KeyPath, tuple[int, int]] = {}
    stack: list[tuple[yaml.Node, KeyPath]] = [(root, ())]
    while stack:
        node, key_path = stack.pop()
        mark = node.start_mark
        values[key_path] = (mark.line + 1 + line_offset, mark.column + 1)
        if type(node) is yaml.MappingNode:
            for key_node, value_node in node.value:
                child = (*key_path, str(key_node.value))
                keys[child] = (key_node.start_mark.line + 1 + line_offset, key_node.start_mark.column + 1)
                stack.append((value_node, child))
        elif type(node) is yaml.SequenceNode:
            stack.extend((item, (*key_path, index)) for index, item in enumerate(node.value))
    return Positions(path, values, keys)


def _tree_packed(root: yaml.Node, line_offset: int) -> str:
    """`_tree_positions(root, ...).pack()`, made in the one walk: positions are packed while the
    parse's nodes are at hand (the cache file keeps this form; composing the text again for it
    cost a cold build a second parse, and numbering the walk's key paths afterwards a third of
    the parse), read back when first asked for; packed, a file's take a tenth of the memory of
    their dicts. Names are numbered as `pack` numbers them: in the order the walk meets them."""
    names: dict[str, int] = {}
    values: dict[str, list[int]] = {}
    keys: dict[tuple[str, str], list[int]] = {}  # (the mapping's packed path, the key's name)
    indexes = 0
    stack: list[tuple[yaml.Node, str, str | int | None]] = [(root, "", None)]
    while stack:
        node, parent, step = stack.pop()
        if step is None:
            joined = parent
        else:
            if type(step) is str:
                code = names.get(step)
                if code is None:
                    code = names[step] = ~len(names)
            else:
                code = step
                indexes = max(indexes, step + 1)
            joined = f"{parent},{code}" if parent else str(code)  # the document itself is ""
        mark = node.start_mark
        values[joined] = [mark.line + 1 + line_offset, mark.column + 1]
        if type(node) is yaml.MappingNode:
            for key_node, value_node in node.value:
                name = str(key_node.value)
                keys[(joined, name)] = [key_node.start_mark.line + 1 + line_offset, key_node.start_mark.column + 1]
                stack.append((value_node, joined, name))
        elif type(node) is yaml.SequenceNode:
            stack.extend((item, joined, index) for index, item in enumerate(node.value))
    rows = {(f"{parent},{names[name]}" if parent else str(names[name])): where for (parent, name), where in keys.items()}
    return json.dumps([list(names), indexes, values, rows], ensure_ascii=False, separators=(",", ":"))


# Values that aliases may repeat in one document: more is an alias bomb ("billion laughs").
_MAX_REPEATS = 100_000


def _walk(root: yaml.Node, path: str, line_offset: int) -> tuple[Positions, list[Diagnostic]]:
    """Positions and duplicate keys of any node tree, aliases included.

    Raises SourceError for an alias inside its own value, and for aliases that repeat
    too many values, rather than walking forever.
    """
    positions = Positions(path)
    repeated: list[_Repeat] = []
    seen: set[int] = set()
    inside: set[int] = set()  # the collections being walked: meeting one again is a loop
    repeats = 0

    def walk(node: yaml.Node, key_path: KeyPath) -> None:
        nonlocal repeats
        where = _where(node, line_offset)
        if id(node) in inside:
            raise source_error(path, *where, "invalid YAML: an alias makes this value contain itself")
        if id(node) in seen:
            repeats += 1
            if repeats > _MAX_REPEATS:
                raise source_error(path, *where, f"invalid YAML: aliases repeat more than {_MAX_REPEATS:,} values")
        seen.add(id(node))
        positions.values[key_path] = where
        if isinstance(node, yaml.MappingNode):
            inside.add(id(node))
            first_at: dict[str, tuple[int, int]] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                child = (*key_path, key)
                key_where = _where(key_node, line_offset)
                if key in first_at:
                    in_list = bool(key_path) and type(key_path[-1]) is int
                    repeated.append(_Repeat(node, key_node, first_at[key], in_list))
                first_at.setdefault(key, key_where)
                positions.keys[child] = key_where
                walk(value_node, child)
            inside.discard(id(node))
        elif isinstance(node, yaml.SequenceNode):
            inside.add(id(node))
            for index, item in enumerate(node.value):
                walk(item, (*key_path, index))
            inside.discard(id(node))

    walk(root, ())
    return positions, _duplicates(path, line_offset, repeated)
