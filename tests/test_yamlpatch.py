"""A version of front matter built from its neighbour (okrsite.content.yamlpatch) is exactly
what parsing it gives, or is not built at all.

The history reads hundreds of versions per file set; each one built from the version beside
it must equal the project loader's own reading, type for type (1 is not 1.0 is not true).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrsite.content.source import decode, split_front_matter
from okrsite.content.yamlload import Memo, SourceError, load_yaml
from okrsite.content.yamlpatch import patched, value_lines

ROOT = Path(__file__).resolve().parent.parent

BASE = """\
id: seo
title: Improve the SEO of the website
period: 2026-Q1
owners: [Dana Smith, Sam Lee]
description: |
  Organic search is our cheapest channel.
  current: 99 (a line of text, not a value)

key_results:
  - id: page-views
    title: "Increase page views: 1200 to 2500"
    start: 1200
    target: 2500
    current: 1300  # the Monday figure
    checkins:
      - {date: 2026-01-20, value: 1380, confidence: 0.8}
      - {date: 2026-02-10, value: 1720, note: "New pages, live"}
  - id: uptime
    type: maintain
    floor: 99.9
    milestones:
    - first
    - 'second'
  - id: shipped
    current: false
"""


def parsed(text: str) -> Any:
    return load_yaml(text, "test")[0]


def same(left: Any, right: Any) -> bool:
    """Equal, and of the same type all the way down: their reprs tell 1, 1.0 and true apart."""
    return repr(left) == repr(right)


@pytest.mark.parametrize(("old", "new"), [
    ("    current: 1300  # the Monday figure", "    current: 1850"),
    ("    current: 1300  # the Monday figure", "    current: 1300.5"),
    ("    current: 1300  # the Monday figure", "    current: '1300'"),
    ("    current: 1300  # the Monday figure", "    current: ~"),
    ("    target: 2500", "    target: 2026-06-30"),
    ("    title: \"Increase page views: 1200 to 2500\"", "    title: Increase views # to 2,600"),
    ("      - {date: 2026-01-20, value: 1380, confidence: 0.8}", "      - {date: 2026-01-21, value: 1400}"),
    ("      - {date: 2026-01-20, value: 1380, confidence: 0.8}", "      - [1, 2, {a: b}]"),
    ("    - 'second'", "    - third"),
    ("    - 'second'", "    - -3"),
    ("    current: false", "    current: true"),
    ("owners: [Dana Smith, Sam Lee]", "owners: [Dana Smith]"),
    ("period: 2026-Q1", "period: 2026-Q2"),
])
def test_a_changed_value_is_read_as_parsing_reads_it(old: str, new: str) -> None:
    assert old in BASE
    edited = BASE.replace(old, new)
    built, data = patched(BASE, parsed(BASE), edited, Memo())
    assert built
    assert same(data, parsed(edited))


def test_several_values_at_once_and_the_neighbour_left_as_it_was() -> None:
    before = parsed(BASE)
    edited = BASE.replace("current: 1300  # the Monday figure", "current: 1400").replace("floor: 99.9", "floor: 99.5")
    built, data = patched(BASE, before, edited, Memo(), value_lines(BASE))
    assert built and same(data, parsed(edited))
    assert same(before, parsed(BASE))  # nothing changed in place


@pytest.mark.parametrize(("old", "new"), [
    ("  current: 99 (a line of text, not a value)", "  current: 98 (a line of text, not a value)"),  # block text
    ("    current: 1300  # the Monday figure", "    current: |"),  # becomes a block scalar
    ("    current: 1300  # the Monday figure", "    current:"),  # becomes a nested value
    ("    current: 1300  # the Monday figure", "    current: &a 5"),  # an anchor
    ("    current: 1300  # the Monday figure", "    current: [1, 2"),  # a flow left open
    ("    current: 1300  # the Monday figure", "    current: \"open"),  # a quote left open
    ("    current: 1300  # the Monday figure", "    currently: 1300"),  # another key
    ("    current: 1300  # the Monday figure", "      current: 1300"),  # another place
    ("    current: 1300  # the Monday figure", "    current: 1300\n    note: new"),  # a line added
])
def test_an_edit_that_is_not_a_value_on_its_line_is_left_to_the_parser(old: str, new: str) -> None:
    built, _ = patched(BASE, parsed(BASE), BASE.replace(old, new), Memo())
    assert not built


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",  # a key twice: the later value wins
    "a: &x 1\nb: *x\n",  # anchors and aliases
    "a: 'one\n  two'\n",  # a quoted text over two lines
    "a: one\n  two\n",  # a plain text over two lines
    "a:\n\t- 1\n",  # a tab
    "<<: {a: 1}\n",  # a merge key
    "a: {b: 1,\n  c: 2}\n",  # a flow mapping over two lines
    "- 1\n- 2\n",  # not a mapping
])
def test_yaml_the_walk_does_not_follow_is_not_patched(text: str) -> None:
    assert value_lines(text) is None


def test_a_value_that_does_not_match_the_neighbour_is_not_patched() -> None:
    """A walk that misread a line would find another value there than the line's old text."""
    wrong = parsed(BASE)
    wrong["key_results"][0]["current"] = 1301
    built, _ = patched(BASE, wrong, BASE.replace("current: 1300", "current: 1400"), Memo())
    assert not built


def demo_front_matters() -> list[str]:
    files = sorted((ROOT / "content" / "objectives").rglob("*.md"))
    assert files
    return [split_front_matter(decode(path.read_bytes(), path.name), path.name)[0] for path in files]


VALUES = st.one_of(
    st.integers(-10 ** 6, 10 ** 6).map(str), st.floats(allow_nan=False).map(repr),
    st.sampled_from(["true", "no", "~", "null", "2026-02-30", "2026-01-15", "0x1F", "1e3", ".inf", "'quoted'",
                     '"a: b"', "[1, 2]", "{a: 1}", "[", "}", "#", "- x", "a: b", "|", ">-", "&a x", "*a", "!!str 5",
                     "''", "' '", "x # c", "@", "`", "%", "-", "?", ":", "-1", "?x", ":x", '"\\t"', "'it''s'"]),
    st.text(min_size=1, max_size=12).filter(lambda text: "\n" not in text and "\r" not in text))


@settings(max_examples=int(os.environ.get("OKRSITE_HYPOTHESIS_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_value_edit_of_real_front_matter_gives_what_parsing_gives(data: st.DataObject) -> None:
    """Edits of the demo's objective files and of BASE: values rewritten with anything (numbers, dates,
    quotes, flow, indicators, unicode); built from the neighbour, it is the parser's reading."""
    texts = [*demo_front_matters(), BASE]
    old = data.draw(st.sampled_from(texts))
    lines = old.split("\n")
    paths = value_lines(old)
    assert paths, "the demo's front matter is plain block YAML"
    chosen = data.draw(st.lists(st.sampled_from(sorted(paths)), min_size=1, max_size=3, unique=True))
    for index in chosen:
        head = re.match(r" *(?:- +)?(?:[A-Za-z0-9_][A-Za-z0-9_.-]*: +)?", lines[index])
        lines[index] = head.group(0) + data.draw(VALUES)  # type: ignore[union-attr]
    new = "\n".join(lines)
    try:
        expected = parsed(new)
    except SourceError:  # the edit broke the YAML: it must not be built either
        expected = None
    built, got = patched(old, parsed(old), new, Memo(), paths)
    if built:
        assert expected is not None and same(got, expected)
