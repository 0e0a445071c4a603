"""Edits of a content file's front matter in place: only the characters that change are touched.

`okrsite checkin` must leave everything else as the author wrote it: comments, key
order, quoting, flow or block style, line endings and the Markdown body. So nothing
is dumped again: libyaml's node marks (character offsets) say where a value stands,
and an edit replaces or inserts text there, in the style of its surroundings.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import yaml

from okrsite.content.yamlload import compose

_NULL = "tag:yaml.org,2002:null"
_BREAK = re.compile(r"\r\n|\r|\n")


class EditError(Exception):
    """A place that cannot be edited safely (the message says why); nothing was changed."""


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] (empty for an insertion) with `text`. Insertions at the same
    place go deepest first (`indent`), so a list item lands before its parent's next key."""

    start: int
    end: int
    text: str
    indent: int = 0


Item = Sequence[tuple[str, str]]  # (key, YAML text of the value), in the order to write them


@dataclass(frozen=True)
class FrontMatter:
    """A Markdown file's text and the node tree of its front matter, with offsets into the text."""

    text: str  # the whole file, BOM removed, line endings as they are
    bom: bool
    offset: int  # where the front matter's YAML starts in `text`
    newline: str  # the file's own line ending
    root: yaml.MappingNode

    @classmethod
    def read(cls, raw: bytes) -> FrontMatter:
        bom = raw.startswith(codecs.BOM_UTF8)
        try:
            text = raw[len(codecs.BOM_UTF8) if bom else 0:].decode("utf-8")
        except UnicodeDecodeError:
            raise EditError("the file is not valid UTF-8 text") from None
        breaks = list(_BREAK.finditer(text))
        starts = [0, *(b.end() for b in breaks)]
        if not breaks or text[:breaks[0].start()].rstrip() != "---":
            raise EditError("the file does not start with a '---' line")
        for number in range(1, len(breaks)):
            if text[starts[number]:breaks[number].start()].rstrip() in ("---", "..."):
                front = text[starts[1]:starts[number]]
                break
        else:
            raise EditError("the front matter is not closed by a '---' line")
        root = compose(front)
        if not isinstance(root, yaml.MappingNode):
            raise EditError("the front matter is not a mapping of fields")
        return cls(text, bom, starts[1], breaks[0].group(), root)

    def apply(self, edits: Iterable[Edit]) -> bytes:
        """The file's bytes with the edits made (offsets are the front matter's)."""
        parts, at = [], 0
        for edit in sorted(edits, key=lambda e: (e.start, -e.indent)):
            start = self.offset + edit.start
            if start < at:
                raise EditError("two edits overlap")
            parts += [self.text[at:start], edit.text]
            at = self.offset + edit.end
        parts.append(self.text[at:])
        return (codecs.BOM_UTF8 if self.bom else b"") + "".join(parts).encode("utf-8")

    # --- where things stand -------------------------------------------------

    def _after_line(self, index: int) -> int:
        """The start of the line after the one holding front matter offset `index`
        (`index` itself when it already starts a line)."""
        at = self.offset + index
        if at == self.offset or self.text[at - 1] in "\r\n":
            return index
        found = _BREAK.search(self.text, at)
        return (found.end() if found else len(self.text)) - self.offset

    def _end(self, node: yaml.Node) -> int:
        """Where a line after the node's last content line starts. Block collections end
        where the next token starts (after comments): their last leaf ends exactly."""
        while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
            last = node.value[-1]
            node = last[1] if isinstance(node, yaml.MappingNode) else last
        return self._after_line(node.end_mark.index)

    # --- edits --------------------------------------------------------------

    def append_item(self, mapping: yaml.MappingNode, key: str, item: Item) -> Edit:
        """Append `item` to the list under `key`, in the list's own style; create the list
        (block style, at the end of a block mapping) where there is none."""
        value = value_of(mapping, key)
        flow = "{" + ", ".join(f"{k}: {v}" for k, v in item) + "}"
        indent = mapping.start_mark.column
        if value is None:
            if mapping.flow_style:
                return self._add_to_flow(mapping, f"{key}: [{flow}]")
            at = self._end(mapping)
            nl, pad = self.newline, " " * indent
            return Edit(at, at, f"{pad}{key}:{nl}{pad}  - {flow}{nl}", indent)
        if isinstance(value, yaml.ScalarNode) and value.tag == _NULL:
            if value.value == "" and not mapping.flow_style:  # `checkins:` and nothing
                at = self._after_line(value.end_mark.index)
                return Edit(at, at, f"{' ' * (indent + 2)}- {flow}{self.newline}", indent + 2)
            space = "" if value.value else " "
            return Edit(value.start_mark.index, value.end_mark.index, f"{space}[{flow}]")
        if not isinstance(value, yaml.SequenceNode):
            raise EditError(f"'{key}' is not a list")
        if value.flow_style:
            return self._add_to_flow(value, flow)
        last = value.value[-1]
        dash = value.start_mark.column
        if isinstance(last, yaml.MappingNode) and not last.flow_style:
            column = last.start_mark.column
            lines = [f"{' ' * column}{k}: {v}" for k, v in item]
            text = " " * dash + "-" + lines[0][dash + 1:] + "".join(self.newline + line for line in lines[1:])
        else:
            text = f"{' ' * dash}- {flow}"
        at = self._end(value)
        return Edit(at, at, text + self.newline, dash)

    def set_value(self, mapping: yaml.MappingNode, key: str, text: str) -> Edit:
        """Set `key` to a scalar: replace its value where it stands, or add the key at the end."""
        value = value_of(mapping, key)
        if value is None:
            if mapping.flow_style:
                return self._add_to_flow(mapping, f"{key}: {text}")
            at = self._end(mapping)
            indent = mapping.start_mark.column
            return Edit(at, at, f"{' ' * indent}{key}: {text}{self.newline}", indent)
        if not isinstance(value, yaml.ScalarNode) or value.style in ("|", ">"):
            raise EditError(f"'{key}' holds more than one value")
        space = "" if value.value or value.tag != _NULL else " "
        return Edit(value.start_mark.index, value.end_mark.index, space + text)

    def _add_to_flow(self, node: yaml.MappingNode | yaml.SequenceNode, text: str) -> Edit:
        """Add an entry to a flow collection: after its last entry, on a line of its own
        when the entries stand on lines of their own."""
        if not node.value:
            at = node.start_mark.index + 1  # after the opening bracket
            return Edit(at, at, text)
        last = node.value[-1]
        last = last[1] if isinstance(node, yaml.MappingNode) else last
        first = node.value[0][0] if isinstance(node, yaml.MappingNode) else node.value[0]
        at = last.end_mark.index
        if first.start_mark.line > node.start_mark.line:  # one entry per line
            return Edit(at, at, f",{self.newline}{' ' * first.start_mark.column}{text}")
        return Edit(at, at, f", {text}")


def value_of(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    """The value node of a key (the last one, as the loader keeps), or None."""
    found = None
    for key_node, value_node in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            found = value_node
    return found


def key_result_nodes(root: yaml.MappingNode) -> list[yaml.Node]:
    """The nodes of the objective's `key_results:` list, in order."""
    value = value_of(root, "key_results")
    return list(value.value) if isinstance(value, yaml.SequenceNode) else []
