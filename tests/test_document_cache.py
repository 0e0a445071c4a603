"""The on-disk document cache: what a later run may reuse (also in a fresh clone, in another
folder), and what it must not trust."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrsite.content.source import Document, DocumentCache, dump_checked, load_meta, parse_markdown_document
from tests.conftest import MINIMAL_OBJECTIVE, write


def _parsed_then_restored(folder: Path, edit: Callable[[Path], None] = lambda cache: None) -> tuple[Document, Document]:
    """grow.md parsed and the cache saved (then `edit`ed); the document the restored cache gives."""
    path = write(folder, "grow.md", MINIMAL_OBJECTIVE)
    first = DocumentCache()
    parsed, _ = first.load(path, "grow.md", parse_markdown_document)
    first.save(folder / "cache.json")
    edit(folder / "cache.json")
    again = DocumentCache.restore(folder / "cache.json", folder)
    restored, _ = again.load(path, "grow.md", parse_markdown_document)
    assert (again.hits, again.misses) == (1, 0)
    return parsed, restored


def test_restored_documents_equal_parsed_ones_and_skip_parsing(tmp_path: Path) -> None:
    parsed, restored = _parsed_then_restored(tmp_path)
    assert restored == parsed
    assert restored.positions.at(("key_results", 0, "start")).line == 8


def test_a_changed_file_is_parsed_again(tmp_path: Path) -> None:
    path = write(tmp_path, "grow.md", MINIMAL_OBJECTIVE)
    cache = DocumentCache()
    cache.load(path, "grow.md", parse_markdown_document)
    cache.save(tmp_path / "cache.json")
    write(tmp_path, "grow.md", MINIMAL_OBJECTIVE.replace("title: Grow", "title: Grow more"))
    os.utime(path, ns=(1, 1))
    again = DocumentCache.restore(tmp_path / "cache.json", tmp_path)
    doc, _ = again.load(path, "grow.md", parse_markdown_document)
    assert again.misses == 1 and doc.meta["title"] == "Grow more"


def test_a_corrupt_or_foreign_cache_file_is_ignored(tmp_path: Path) -> None:
    for content in ("not json", '{"format": "other", "documents": []}', '{"format": 1}', ""):
        (tmp_path / "cache.json").write_text(content)
        assert DocumentCache.restore(tmp_path / "cache.json", tmp_path).entries == {}
    assert DocumentCache.restore(tmp_path / "missing.json", tmp_path).entries == {}


def test_the_same_bytes_with_a_new_mtime_are_not_parsed_again_and_get_the_new_stamp(tmp_path: Path) -> None:
    path = write(tmp_path, "grow.md", MINIMAL_OBJECTIVE)
    cache = DocumentCache()
    parsed, _ = cache.load(path, "grow.md", parse_markdown_document)
    os.utime(path, ns=(2_000_000_000_000_000_000, 2_000_000_000_000_000_000))  # a fresh clone: every mtime new
    doc, _ = cache.load(path, "grow.md", parse_markdown_document)
    assert (cache.hits, cache.misses) == (1, 1) and doc is parsed
    assert cache.entries["grow.md"].stamp == (path.stat().st_size, 2_000_000_000_000_000_000, path.stat().st_ctime_ns)


def test_other_bytes_of_the_same_size_are_read_though_the_mtime_was_set_back(tmp_path: Path) -> None:
    """`cp -p`, `rsync -a` and `tar` set a file's mtime to its source's, and a check-in (42 -> 47)
    keeps its size: a stamp of size and mtime alone kept the old document, so `okrsite check`
    passed a broken file and a build said "up to date". The change time, which no tool sets
    back, is in the stamp; an unchanged stamp is still trusted without reading the file."""
    path = write(tmp_path, "grow.md", MINIMAL_OBJECTIVE)
    cache = DocumentCache()
    cache.load(path, "grow.md", parse_markdown_document)
    assert cache.load(path, "grow.md", parse_markdown_document)[0].meta["title"] == "Grow" and cache.misses == 1
    before = path.stat()
    time.sleep(0.02)  # file times move by the kernel's tick
    write(tmp_path, "grow.md", MINIMAL_OBJECTIVE.replace("title: Grow", "title: Wrog"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    doc, _ = cache.load(path, "grow.md", parse_markdown_document)
    assert doc.meta["title"] == "Wrog" and cache.misses == 2


def test_a_cache_restored_in_a_fresh_copy_of_the_site_elsewhere_spares_every_parse(tmp_path: Path) -> None:
    site = tmp_path / "site"
    path = write(site, "content/objectives/grow.md", MINIMAL_OBJECTIVE)
    first = DocumentCache()
    first.load(path, "content/objectives/grow.md", parse_markdown_document)
    first.save(site / ".okrsite-cache/documents.json")
    assert str(tmp_path) not in (site / ".okrsite-cache/documents.json").read_text()  # nothing absolute is kept
    clone = tmp_path / "elsewhere/clone"
    shutil.copytree(site, clone, copy_function=shutil.copyfile)  # copyfile: new mtimes, as git checkout gives
    os.utime(clone / "content/objectives/grow.md", ns=(1, 1))
    again = DocumentCache.restore(clone / ".okrsite-cache/documents.json", clone)
    doc, _ = again.load(clone / "content/objectives/grow.md", "content/objectives/grow.md", parse_markdown_document)
    assert (again.hits, again.misses) == (1, 0) and doc.meta["title"] == "Grow"
    assert doc.positions.at(("key_results", 0, "start")).line == 8


def test_a_cache_moved_to_a_copy_of_the_site_reads_positions_from_the_copy(tmp_path: Path) -> None:
    """okrsite diff writes a revision into a temporary folder and looks its files up in the
    site's cache: a hit there must point problems at the copy's lines, not the work tree's."""
    site, copy = tmp_path / "site", tmp_path / "copy"
    write(site, "grow.md", MINIMAL_OBJECTIVE)
    write(copy, "grow.md", MINIMAL_OBJECTIVE)
    cache = DocumentCache()
    cache.load(site / "grow.md", "grow.md", parse_markdown_document)
    cache.save(tmp_path / "cache.json")
    write(site, "grow.md", "---\n# two lines more\n\n" + MINIMAL_OBJECTIVE.removeprefix("---\n"))  # edited since
    moved = DocumentCache.restore(tmp_path / "cache.json", site).moved(copy)
    doc, _ = moved.load(copy / "grow.md", "grow.md", parse_markdown_document)
    assert (moved.hits, moved.misses) == (1, 0)
    assert doc.positions.at(("key_results", 0, "start")).line == 8


def test_restored_documents_know_where_their_values_stand_without_reading_the_file(tmp_path: Path) -> None:
    """`okrsite check` after a build reports problems in hundreds of cached documents: their
    positions come from the cache, not from parsing each file again."""
    parsed, restored = _parsed_then_restored(tmp_path)
    (tmp_path / "grow.md").unlink()
    assert restored.positions.values == parsed.positions.values and restored.positions.keys == parsed.positions.keys
    assert restored.positions.key(("key_results", 0, "start")) == parsed.positions.key(("key_results", 0, "start"))


def test_positions_that_are_not_what_the_cache_wrote_are_read_from_the_file_again(tmp_path: Path) -> None:
    def damage(cache: Path) -> None:
        data = json.loads(cache.read_text())
        data["payload"][0][5] = "[[1, 2"  # label, stamp, digest, body, meta, positions, checked
        cache.write_text(json.dumps(data))

    _, restored = _parsed_then_restored(tmp_path, damage)
    assert restored.positions.at(("key_results", 0, "start")).line == 8


@pytest.mark.parametrize("separators", [(",", ":"), (", ", ": ")], ids=["as-packed", "laid-out-otherwise"])
def test_positions_damaged_into_other_json_only_cost_their_precision(tmp_path: Path, separators) -> None:
    """JSON of the right shape with wrong entries (a hand-edited cache): a problem is reported at
    the nearest position that is one, at worst the file's first line, never a traceback; whether
    the JSON is laid out as okrsite packs it (looked up in the text) or otherwise (decoded)."""
    def damage(cache: Path) -> None:
        data = json.loads(cache.read_text())
        names, indexes, values, keys = json.loads(data["payload"][0][5])
        values = {path: ["line", 8] if path.count(",") == 2 else where for path, where in values.items()}
        data["payload"][0][5] = json.dumps([names, indexes, values, dict.fromkeys(keys, [1])], separators=separators)
        cache.write_text(json.dumps(data))

    parsed, restored = _parsed_then_restored(tmp_path, damage)
    assert restored.positions.at(("key_results", 0, "start")) == parsed.positions.at(("key_results", 0))
    assert restored.positions.key(("key_results", 0, "start")) == parsed.positions.at(("key_results", 0))


def test_front_matter_damaged_in_the_cache_is_read_from_the_file_again(tmp_path: Path) -> None:
    def damage(cache: Path) -> None:
        data = json.loads(cache.read_text())
        data["payload"][0][4] = '{"title": '
        cache.write_text(json.dumps(data))

    parsed, restored = _parsed_then_restored(tmp_path, damage)
    assert restored.meta == parsed.meta and restored.meta["title"] == "Grow"


def test_a_restored_document_decodes_its_front_matter_when_first_asked_and_saves_it_as_it_came(
        tmp_path: Path) -> None:
    """A check or build whose checked fields are cached never needs a document's front matter."""
    parsed, restored = _parsed_then_restored(tmp_path)
    assert "meta" not in vars(restored)
    again = DocumentCache.restore(tmp_path / "cache.json", tmp_path)
    again.save(tmp_path / "saved-again.json")  # nothing decoded, nothing changed
    assert (tmp_path / "saved-again.json").read_text() == (tmp_path / "cache.json").read_text()
    assert restored.meta == parsed.meta and "meta" in vars(restored) and restored == parsed


# --- checked values: what the model's field check made of a document, kept with it --------------

_OFFSETS = st.timedeltas(min_value=-dt.timedelta(hours=23, minutes=59), max_value=dt.timedelta(hours=23, minutes=59))
_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text() | st.dates()
            | st.datetimes(timezones=st.none() | st.builds(dt.timezone, _OFFSETS)))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=4).map(tuple)
                       | st.dictionaries(st.text(), inner, max_size=4), max_leaves=30)


@settings(max_examples=200, deadline=None, database=None, derandomize=os.environ.get("CI") == "true")
@given(_VALUES)
def test_checked_values_come_back_exactly_as_they_were_written(value: Any) -> None:
    """Tuples stay tuples and lists lists, a date a date, 1 and 1.0 and True apart: the model made
    from them is the one a check makes (its objects are compared by their repr)."""
    try:
        written = dump_checked(value)
    except TypeError:  # a mapping that looks like a tag, a datetime of a repeated hour: checked again instead
        return
    assert repr(load_meta(written)) == repr(value)


@pytest.mark.parametrize("value", [{1, 2}, Path("a"), {1: "one"}, {"\u0000tuple": [1]}, (dt.time(12, 0),),
                                   [{"nested": frozenset()}]])
def test_values_json_cannot_hold_as_they_are_are_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        dump_checked(value)


def test_checked_values_are_saved_with_their_document_and_forgotten_when_its_file_changes(tmp_path: Path) -> None:
    path = write(tmp_path, "grow.md", MINIMAL_OBJECTIVE)
    cache = DocumentCache()
    doc, _ = cache.load(path, "grow.md", parse_markdown_document)
    other = parse_markdown_document(path.read_bytes(), "grow.md")[0]
    cache.keep_checked(other, "not this document's")  # another object for the same file: not kept
    cache.keep_checked(doc, lambda: dump_checked({"kept": {1, 2}}))  # written when asked for: a set is not
    assert cache.checked(doc) == ""
    cache.keep_checked(doc, lambda: "checked")
    assert (cache.checked(doc), cache.checked(other)) == ("checked", "")
    cache.save(tmp_path / "cache.json")
    again = DocumentCache.restore(tmp_path / "cache.json", tmp_path)
    restored, _ = again.load(path, "grow.md", parse_markdown_document)
    assert again.checked(restored) == "checked"
    os.utime(path, ns=(5, 5))  # the same bytes, a new stamp (a fresh clone): still checked
    assert again.checked(again.load(path, "grow.md", parse_markdown_document)[0]) == "checked"
    write(tmp_path, "grow.md", MINIMAL_OBJECTIVE.replace("title: Grow", "title: Grow more"))
    edited, _ = again.load(path, "grow.md", parse_markdown_document)
    assert again.checked(edited) == "" and edited.meta["title"] == "Grow more"
