"""The on-disk document cache: what a later run may reuse, and what it must not trust."""

from __future__ import annotations

import os
from pathlib import Path

from okrsite.content.source import DocumentCache, parse_markdown_document
from tests.conftest import MINIMAL_OBJECTIVE, write


def test_restored_documents_equal_parsed_ones_and_skip_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, "grow.md", MINIMAL_OBJECTIVE)
    first = DocumentCache()
    parsed, _ = first.load(path, "grow.md", parse_markdown_document)
    first.save(tmp_path / "cache.json")
    again = DocumentCache.restore(tmp_path / "cache.json")
    restored, _ = again.load(path, "grow.md", parse_markdown_document)
    assert (again.hits, again.misses) == (1, 0)
    assert restored == parsed
    assert restored.positions.at(("key_results", 0, "start")).line == 8


def test_a_changed_file_is_parsed_again(tmp_path: Path) -> None:
    path = write(tmp_path, "grow.md", MINIMAL_OBJECTIVE)
    cache = DocumentCache()
    cache.load(path, "grow.md", parse_markdown_document)
    cache.save(tmp_path / "cache.json")
    write(tmp_path, "grow.md", MINIMAL_OBJECTIVE.replace("title: Grow", "title: Grow more"))
    os.utime(path, ns=(1, 1))
    again = DocumentCache.restore(tmp_path / "cache.json")
    doc, _ = again.load(path, "grow.md", parse_markdown_document)
    assert again.misses == 1 and doc.meta["title"] == "Grow more"


def test_a_corrupt_or_foreign_cache_file_is_ignored(tmp_path: Path) -> None:
    for content in ("not json", '{"format": "other", "documents": []}', '{"format": 1}', ""):
        (tmp_path / "cache.json").write_text(content)
        assert DocumentCache.restore(tmp_path / "cache.json").entries == {}
    assert DocumentCache.restore(tmp_path / "missing.json").entries == {}
