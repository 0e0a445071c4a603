"""A version of YAML text built from a parsed neighbour, when only values on their own lines differ.

The git history holds every version of every objective file, and most commits change a
few values (`current: 1850`, a target, a check-in's confidence). Parsing each version
whole costs ~0.6 ms; rebuilding it from the version next to it, with only the changed
values read, costs a fraction of that. The shortcut is taken only for plain block YAML
(keys and `- ` items, one value per line, block scalars, flow collections closed on
their line) with the same lines in the same places; anything else (an added check-in,
an anchor, a multi-line quoted text) is left to the parser. Each changed
value's old text is read again and must equal what the parsed neighbour holds at that
place, so a line the walk below misreads falls back instead of patching the wrong value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from okrsite.content.yamlload import KeyPath, Memo, SourceError, load_yaml

MAX_CHANGED_LINES = 24  # beyond this, parsing the text is as quick

# A value complete on its line: a plain scalar, a closed quoted scalar, or a flow collection
# (closed where it opens); then maybe a comment. `_PLAIN_NEVER`: what cannot start a plain
# scalar (`-`, `?` and `:` can, before anything but a space).
_PLAIN_NEVER = frozenset("-?:,[]{}#&*!|>'\"%@` \t")
_QUOTED_LINE = re.compile(r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')(?:\s+#.*)?""")
_FLOW_LINE = re.compile(r"[\[{].*[\]}](?:\s+#.*)?")
_QUOTED = re.compile(r"""\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'""")
# The same parts for every line of a text at once: indentation, `- `, key, value, or what else
# the line holds after its indentation (a bare item, a comment, nothing, or what this walk
# does not follow, such as a tab).
_PARTS = re.compile(r"^( *)(- +)?(?:([A-Za-z0-9_][A-Za-z0-9_.-]*):(?: +(\S.*)| *)|(.*))$", re.MULTILINE)
_BLOCK_SCALAR = re.compile(r"[|>][-+0-9]*(?:\s+#.*)?")


def _one_line(value: str) -> bool:
    """Whether a value is complete on its line."""
    first = value[0]
    if first not in _PLAIN_NEVER:
        return True
    if first in "-?:":
        return len(value) > 1 and not value[1].isspace()
    if first in "\"'":
        return _QUOTED_LINE.fullmatch(value) is not None
    if first not in "[{" or not _FLOW_LINE.fullmatch(value):
        return False
    bare = _QUOTED.sub("", value) if "'" in value or '"' in value else value
    return bare.count("[") + bare.count("{") == bare.count("]") + bare.count("}")


@dataclass
class _Frame:
    """A mapping or sequence being walked: the column of its keys or dashes, its key path."""

    column: int
    path: KeyPath
    is_sequence: bool
    items: int = 0
    keys: set[str] = field(default_factory=set)


ValueLines = dict[int, KeyPath]  # line index -> the key path of the value written on it


def patched(old_text: str, old_data: Any, new_text: str, memo: Memo,
            paths: ValueLines | None = None) -> tuple[bool, Any]:
    """(True, the data of `new_text`) built from `old_data` (the parsed `old_text`) when the two
    differ only in values on their own lines; (False, None) when `new_text` must be parsed.
    `paths`: value_lines(old_text), when known (a patched text has the same ones)."""
    if old_text == new_text:
        return True, old_data
    old_lines, new_lines = old_text.split("\n"), new_text.split("\n")
    if len(old_lines) != len(new_lines):
        return False, None
    changed = [index for index, (old, new) in enumerate(zip(old_lines, new_lines)) if old != new]
    if len(changed) > MAX_CHANGED_LINES:
        return False, None
    if paths is None:
        paths = value_lines(old_text)
    if paths is None:
        return False, None
    edits: list[tuple[KeyPath, str, str]] = []  # where, the old value's text, the new one's
    for index in changed:
        path = paths.get(index)
        old, new = _parts(old_lines[index]), _parts(new_lines[index])
        if path is None or old[:3] != new[:3] or not new[3] or not _one_line(new[3]):
            return False, None
        edits.append((path, old[3], new[3]))
    values = _values([text for _, old, new in edits for text in (old, new)], memo)
    if values is None:
        return False, None
    data = old_data
    for number, (path, _, _) in enumerate(edits):
        if not _same(_get(data, path), values[2 * number]):
            return False, None
        data = _replaced(data, path, values[2 * number + 1])
    return True, data


def _parts(line: str) -> tuple[str, str, str, str]:
    """A line's indentation, `- `, key, and the value written on it ("" where there is none)."""
    indent, dash, key, value, rest = _PARTS.fullmatch(line).groups("")  # type: ignore[union-attr]
    return indent, dash, key, value if key else rest


def value_lines(text: str) -> ValueLines | None:
    """The key path of the value on each line that holds one (`key: value`, `- value`);
    None for YAML this walk does not follow."""
    frames: list[_Frame] = [_Frame(0, (), False)]
    opened: tuple[int, KeyPath] | None = None  # a `key:` with its value on the lines below
    paths: ValueLines = {}
    block_above = -1  # inside a block scalar: lines indented deeper than this column
    for index, (indent, dash, key, value, rest) in enumerate(_PARTS.findall(text)):
        column = len(indent)
        if block_above >= 0:
            if column > block_above or not (dash or key or rest):
                continue
            block_above = -1
        if not dash and not key and (not rest or rest[0] == "#"):
            continue  # a blank line or a comment
        while frames[-1].column > column:
            frames.pop()
        if opened is not None:  # what this line starts: the value of the `key:` above
            key_column, path = opened
            opened = None
            if dash and column >= key_column:
                frames.append(_Frame(column, path, True))
            elif not dash and column > key_column:
                frames.append(_Frame(column, path, False))
        if dash:
            sequence = frames[-1]
            if not sequence.is_sequence or sequence.column != column:
                return None  # a `- ` beside keys, or deeper than the last one: not YAML this walk follows
            item = (*sequence.path, sequence.items)
            sequence.items += 1
            if not key:
                if not _one_line(rest):
                    return None
                paths[index] = item
                continue
            column += len(dash)
            frames.append(_Frame(column, item, False))
        elif frames[-1].is_sequence and frames[-1].column == column:
            frames.pop()  # a key beside the dashes of a sequence not indented under its key
        mapping = frames[-1]
        if not key or mapping.is_sequence or mapping.column != column or key in mapping.keys:
            return None  # (a key twice: the later value wins, so its first line is not where it stands)
        mapping.keys.add(key)
        path = (*mapping.path, key)
        if not value:
            opened = (column, path)
        elif _one_line(value):
            paths[index] = path
        elif _BLOCK_SCALAR.fullmatch(value):
            block_above = column
        else:
            return None
    return paths


def _values(texts: list[str], memo: Memo) -> list[Any] | None:
    """What each value text (complete on one line) stands for, as the project's loader reads it:
    all read in one YAML text, as the items of a mapping; None if one does not read."""
    try:
        data, _, problems = load_yaml("".join(f"{number}: {text}\n" for number, text in enumerate(texts)),
                                      "patch", memo=memo)
    except SourceError:
        return None
    if problems or not isinstance(data, dict) or list(data) != list(range(len(texts))):
        return None
    return list(data.values())


def _same(left: Any, right: Any) -> bool:
    """The same YAML value, type for type: YAML's 1, 1.0 and true are equal in Python, not in
    their repr (nor is a date and its text, nor two mappings' key orders)."""
    return repr(left) == repr(right)


_MISSING = object()


def _get(data: Any, path: KeyPath) -> Any:
    for step in path:
        if isinstance(data, dict) and isinstance(step, str) and step in data:
            data = data[step]
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return _MISSING
    return data


def _replaced(data: Any, path: KeyPath, value: Any) -> Any:
    """`data` with the value at `path` replaced: the containers on the way copied, the rest
    shared (the neighbour's data stays as it was)."""
    if not path:
        return value
    step, rest = path[0], path[1:]
    copy = data.copy()
    copy[step] = _replaced(data[step], rest, value)
    return copy
