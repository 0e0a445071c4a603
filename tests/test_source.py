"""Reading YAML: the same data as PyYAML's SafeLoader, positions, duplicate keys, and
YAML that must fail with a clear line rather than hang or crash (aliases, deep nesting)."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from okrsite.content import yamlload
from okrsite.commands.cli import main
from okrsite.diagnostics import Location
from okrsite.content.source import SourceError, label, load_yaml, parse_markdown_document
from tests.conftest import MINIMAL_CONFIG, write


def typed(value: Any) -> Any:
    """The value with every type spelled out, so `1`, `1.0` and `True` differ."""
    if isinstance(value, dict):
        return {typed(k): typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


SAME_AS_SAFE_LOADER = [
    pytest.param("a: 1\nb: -2\nc: 0x1F\nd: 0o17\ne: 017\nf: 1_000\ng: +12\n", id="ints"),
    pytest.param("a: 1.5\nb: 1e3\nc: 1.0e+3\nd: .inf\ne: -.Inf\nf: .nan\ng: 6.\n", id="floats"),
    pytest.param("a: ~\nb: null\nc:\nd: Null\ne: ''\n", id="nulls"),
    pytest.param("a: yes\nb: No\nc: on\nd: OFF\ne: true\nf: 'yes'\ng: y\n", id="booleans-yaml-1.1"),
    pytest.param("a: 2026-02-28\nb: 2026-02-28 10:00:00\nc: 2026-02-28T10:00:00Z\n"
                 "d: 2026-02-28t10:00:00.5+02:00\ne: '2026-01-01'\n", id="dates"),
    pytest.param("1: one\n2.5: x\ntrue: t\nnull: n\n2026-01-01: d\n'2': quoted\n", id="non-string-keys"),
    pytest.param("a: |\n  block\n  text\nb: >\n  folded\n  line\nc: \"esc\\taped\"\n", id="block-scalars"),
    pytest.param("- 1\n- [2, three]\n- {a: 1}\n- - nested\n  - seq\n- {}\n- []\n", id="collections"),
    pytest.param("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  c: 5\n", id="merge-key"),
    pytest.param("x:\n  <<: [{a: 1}, {b: 2}]\n  c: 3\n", id="merge-key-without-alias"),
    pytest.param("a: &l [1, 2]\nb: *l\nc: &s text\nd: *s\n", id="aliases"),
    pytest.param("a: !!str 1\nb: !!float '2'\nc: !!binary aGVsbG8=\nd: !!set {x, y}\n"
                 "e: !!omap [k: 1, j: 2]\n", id="explicit-tags"),
    pytest.param("title: \"5* rating\"\nn: 3\n", id="star-in-a-string"),
    pytest.param("- a\n- b\n", id="top-level-sequence"),
    pytest.param("just text\n", id="top-level-scalar"),
    pytest.param("", id="empty"),
]


@pytest.mark.parametrize("text", SAME_AS_SAFE_LOADER)
def test_data_is_what_the_safe_loader_gives(text: str) -> None:
    data, _, problems = load_yaml(text, "f.yaml")
    assert typed(data) == typed(yaml.load(text, Loader=yaml.SafeLoader))
    assert problems == []


def test_numbers_in_base_60_are_text_as_yaml_1_2_reads_them() -> None:
    """YAML 1.1 (the safe loader) reads 190:20:30 as 685230 and 1:30.5 as 90.5: `target: 1:30` was 90."""
    data, _, problems = load_yaml("a: 190:20:30\nb: 1:30.5\nc: 12:30\nd: '1:30'\ne: 90\n", "f.yaml")
    assert typed(data) == typed({"a": "190:20:30", "b": "1:30.5", "c": "12:30", "d": "1:30", "e": 90})
    assert problems == []


def test_plain_scalars_follow_yaml_1_1() -> None:
    data, _, _ = load_yaml("a: 1e3\nb: 1.0e+3\nc: .inf\nd: ~\ne: yes\nf: no\ng: 07\n", "f.yaml")
    assert typed(data) == typed({"a": "1e3", "b": 1000.0, "c": math.inf, "d": None,
                                 "e": True, "f": False, "g": 7})


def test_an_impossible_date_is_kept_as_text() -> None:
    data, positions, _ = load_yaml("due: 2026-02-30\nok: 2026-02-28\n", "f.yaml")
    assert data == {"due": "2026-02-30", "ok": dt.date(2026, 2, 28)}
    assert (positions.at(("due",)).line, positions.at(("due",)).col) == (1, 6)


def test_non_string_keys_are_typed_but_positions_use_their_text() -> None:
    data, positions, _ = load_yaml("2: a\n2026-01-01: b\ntrue: c\n", "f.yaml", line_offset=1)
    assert typed(list(data)) == typed([2, dt.date(2026, 1, 1), True])
    assert positions.keys == {("2",): (2, 1), ("2026-01-01",): (3, 1), ("true",): (4, 1)}
    assert positions.values == {(): (2, 1), ("2",): (2, 4), ("2026-01-01",): (3, 13), ("true",): (4, 7)}


def test_positions_of_nested_values_and_keys() -> None:
    text = ("title: Grow\nkey_results:\n  - id: views\n    target: 200\n    checkins:\n"
            "      - {date: 2026-01-05, value: 3}\n")
    _, positions, _ = load_yaml(text, "grow.md", line_offset=1)
    assert positions.at(("key_results", 0, "target")) == Location("grow.md", 5, 13)
    assert positions.values[("key_results", 0, "checkins", 0, "value")] == (7, 35)
    assert positions.keys[("key_results", 0, "checkins")] == (6, 5)
    assert positions.at(("nowhere",)).line == 2  # the document itself


def test_positions_read_back_from_their_packed_form_answer_every_lookup_as_the_parse_does() -> None:
    # The document cache keeps positions packed (names numbered); lookups number their own steps.
    text = ("title: Grow\nkey_results:\n  - id: views\n    target: 200\n    checkins:\n"
            "      - {date: 2026-01-05, value: 3}\n      - {date: 2026-01-12, value: 5}\n"
            "  - id: signups\n    type: zones\n    zones: {commit: a, stretch: b}\n")
    parsed = yamlload.positions_of(text, "grow.md", line_offset=1)  # plain dicts: a parse packs its own
    unpacked = yamlload.unpack_positions("grow.md", parsed.pack())
    asked = [*parsed.values, *parsed.keys, ("nowhere",), ("key_results", 7, "id"), ("key_results", 0, "nope", 3),
             ("key_results", 1, "zones", "missing"), ("key_results", -1), ("title", "below", 0)]
    assert len(asked) > 30
    for key_path in asked:
        assert unpacked.at(key_path) == parsed.at(key_path), key_path
        assert unpacked.key(key_path) == parsed.key(key_path), key_path
    assert unpacked.values == parsed.values and unpacked.keys == parsed.keys and unpacked == parsed
    assert unpacked.at(("key_results", 1, "zones", "stretch")) == Location("grow.md", 11, 33)


_NAMES = st.text(st.sampled_from('ab"\\{}[],:~-0123 é\n'), max_size=4)
_TREES = st.recursive(st.none() | st.integers(-3, 3) | st.text("xy", max_size=2),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_NAMES, inner, max_size=3),
                      max_leaves=12)


@settings(max_examples=200, deadline=None, database=None, derandomize=os.environ.get("CI") == "true")
@given(tree=st.dictionaries(_NAMES, _TREES, min_size=1, max_size=4))
def test_packed_positions_are_found_in_their_text_as_the_parse_finds_them(tree: dict[str, Any]) -> None:
    """Unpacked positions are looked up in the packed text itself: whatever the keys' names hold
    (quotes, braces, commas, digits), every value and key is found where the parse found it, and
    a path that is only the end of another (`b` of `a.b`) is not taken for it."""
    parsed = yamlload.positions_of(yaml.safe_dump(tree, allow_unicode=True), "f.yaml")  # plain dicts
    unpacked = yamlload.unpack_positions("f.yaml", parsed.pack())
    found = [*parsed.values, *parsed.keys]
    for key_path in [*found, *(path[1:] for path in found), *(path[:-1] + ("nowhere", 9) for path in found)]:
        assert unpacked.at(key_path) == parsed.at(key_path), key_path
        assert unpacked.key(key_path) == parsed.key(key_path), key_path
    assert unpacked == parsed


@settings(max_examples=200, deadline=None, database=None, derandomize=os.environ.get("CI") == "true")
@given(tree=st.dictionaries(_NAMES, _TREES, min_size=1, max_size=4), repeated=st.booleans())
def test_a_parse_packs_its_positions_as_positions_pack_them(tree: dict[str, Any], repeated: bool) -> None:
    """A parse packs positions in its own walk of the nodes: the text is the one `Positions.pack`
    writes for the positions the walk finds, repeated keys and all (the cache compares texts)."""
    text = yaml.safe_dump(tree, allow_unicode=True) + (yaml.safe_dump({next(iter(tree)): [1]}) if repeated else "")
    _, parsed, _ = load_yaml(text, "f.yaml", line_offset=1)
    assert parsed.pack() == yamlload.positions_of(text, "f.yaml", line_offset=1).pack()


def test_duplicate_keys_are_reported_at_each_repeat_in_order() -> None:
    text = "a: 1\nb: {x: 1, x: 2}\na: 2\nc:\n  - {y: 1, y: 2, y: 3}\n"
    data, _, problems = load_yaml(text, "f.yaml")
    assert data == {"a": 2, "b": {"x": 2}, "c": [{"y": 3}]}
    assert [(p.line, p.col, p.message) for p in problems] == [
        (2, 11, "duplicate key 'x' (first at f.yaml:2:5; the later value would win)"),
        (3, 1, "duplicate key 'a' (first at f.yaml:1:1; the later value would win)"),
        (5, 12, "duplicate key 'y' (first at f.yaml:5:6; the later value would win)"),
        (5, 18, "duplicate key 'y' (first at f.yaml:5:6; the later value would win)"),
    ]


def test_same_key_in_two_mappings_at_the_same_path_is_only_the_outer_duplicate() -> None:
    _, _, problems = load_yaml("a: {x: 1}\na: {x: 2}\n", "f.yaml")
    assert [p.message.split(" (")[0] for p in problems] == ["duplicate key 'a'"]


def test_merge_keys_and_aliases_keep_positions() -> None:
    text = "base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  c: 5\n"
    data, positions, _ = load_yaml(text, "f.yaml")
    assert data["x"] == {"a": 1, "b": 2, "c": 5}
    assert positions.values[("x", "c")] == (4, 6)
    assert positions.values[("x", "a")] == (1, 14)  # where the merged value is written


def test_a_shared_alias_is_one_value_as_with_the_safe_loader() -> None:
    data, positions, _ = load_yaml("a: &l [1, 2]\nb: *l\n", "f.yaml")
    assert data["a"] is data["b"]
    assert positions.values[("b", 1)] == (1, 11)


@pytest.mark.parametrize("text", ["a: &x [*x]\n", "a: &x {b: [1, *x]}\n"])
def test_an_alias_inside_its_own_value_is_an_error(text: str) -> None:
    with pytest.raises(SourceError) as caught:
        load_yaml(text, "f.md", line_offset=1)
    assert str(caught.value) == "f.md:2:4: error: invalid YAML: an alias makes this value contain itself"


@pytest.mark.parametrize(("text", "line", "col", "value", "kind"), [
    ("x: 0x_\n", 2, 4, "0x_", "a whole number"),
    ("x: [1, !!int zz]\n", 2, 8, "zz", "a whole number"),
    ("x: !!bool maybe\n", 2, 4, "maybe", "true or false"),
    ("x: !!float abc\n", 2, 4, "abc", "a number"),
    ("a: &b {c: 1}\nd: *b\ne: !!timestamp soon\n", 4, 4, "soon", "a date"),  # the path with aliases too
    # more digits than Python writes out: quoted whole, a 5,000-digit number filled the error line
    pytest.param("x: " + "9" * 5000 + "\n", 2, 4, "9" * 20 + "… (5,000 characters)", "a whole number",
                 id="5000-digits"),
])
def test_a_scalar_that_only_looks_like_its_type_is_an_error_at_its_line(
        text: str, line: int, col: int, value: str, kind: str) -> None:
    with pytest.raises(SourceError) as caught:
        load_yaml(text, "f.md", line_offset=1)
    assert str(caught.value) == (f"f.md:{line}:{col}: error: invalid YAML: cannot read '{value}' as {kind}; "
                                 "quote it to keep it as text")


def test_an_alias_bomb_is_refused_quickly() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    started = time.perf_counter()
    with pytest.raises(SourceError, match="aliases repeat more than 100,000 values"):
        load_yaml("\n".join(lines) + "\n", "f.yaml")
    assert time.perf_counter() - started < 5


def test_values_nested_too_deeply_are_an_error() -> None:
    # PyYAML 6.0.4's libyaml stops at its own depth limit first; older ones reach ours.
    with pytest.raises(SourceError, match=r"^f\.yaml:1:\d+: error: invalid YAML: "
                                          r"(values nested too deeply|exceeded maximum nesting depth)$"):
        load_yaml("x: " + "[" * 3000 + "]" * 3000 + "\n", "f.yaml")


def test_the_memos_stay_bounded_and_belong_to_their_reader() -> None:
    memo = yamlload.Memo()
    load_yaml("".join(f"k{n}: {n}\n" for n in range(25_000)), "f.yaml", memo=memo)
    assert 0 < len(memo.resolved) <= memo.SIZE
    assert 0 < len(memo.made) <= memo.SIZE
    other = yamlload.Memo()
    load_yaml("k: 1\n", "g.yaml", memo=other)
    assert len(other.made) == 1  # nothing shared between readers (builds) behind their back


def test_a_recursive_alias_fails_the_build_with_a_line_naming_the_file(tmp_path: Path, monkeypatch,
                                                                      capsys) -> None:
    write(tmp_path, "okrsite.yaml", MINIMAL_CONFIG)
    write(tmp_path, "content/objectives/grow.md", "---\ntitle: Grow\nperiod: 2026-Q1\nloop: &x [*x]\n---\n")
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "content/objectives/grow.md:4:7: error: invalid YAML: an alias makes this value contain itself" \
        in err.splitlines()
    assert "Traceback" not in err


def test_a_document_parsed_fresh_finds_its_positions_when_asked() -> None:
    raw = b"---\ntitle: Grow\nkey_results:\n  - id: views\n    start: 1\n---\nBody\n"
    doc, problems = parse_markdown_document(raw, "grow.md")
    assert problems == [] and doc.body == "Body\n"
    assert doc.positions.at(("key_results", 0, "start")).line == 5
    assert doc.positions.key(("key_results",)) == Location("grow.md", 3, 1)


def test_yaml_nested_past_any_limit_is_an_error_not_a_crash(tmp_path: Path) -> None:
    """Run apart: with the YAML library okrsite requires, 40,000 levels are refused, not a segfault."""
    write(tmp_path, "okrsite.yaml", MINIMAL_CONFIG)
    write(tmp_path, "content/objectives/deep.md", "---\ntitle: Deep\nx: " + "[" * 40_000 + "]" * 40_000 + "\n---\n")
    done = subprocess.run([sys.executable, "-m", "okrsite", "build", "--config", str(tmp_path / "okrsite.yaml")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert re.match(r"content/objectives/deep\.md:3:\d+: error: invalid YAML: ", done.stderr)
    assert "Traceback" not in done.stderr


_STEPS = st.lists(st.sampled_from(["a", "b.md", ".", "..", "", ".hidden", "x..y", "é", "a\nb"]), max_size=5)


@settings(max_examples=300, deadline=None, database=None, derandomize=os.environ.get("CI") == "true")
@given(root=_STEPS, below=_STEPS)
def test_a_path_is_labelled_as_relpath_labels_it(root: list[str], below: list[str]) -> None:
    """Every diagnostic names its file by label(): its quick way for the paths a site's files have
    must give what os.path.relpath gives for any path."""
    top = Path("/site", *root)
    path = "/".join(["/site", *root, *below])
    assert label(path, top) == Path(os.path.relpath(os.path.abspath(path), top)).as_posix()
