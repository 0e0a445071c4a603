"""Files in the cache folder: JSON with a format tag, written atomically.

JSON and never pickle: a cache folder that someone committed to the repository
must not be able to run code in CI. A missing, corrupt or foreign file reads as
None, so a damaged cache costs time, never correctness.
"""

from __future__ import annotations

import glob
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

from okrsite.filesystem.atomic import left_behind, replace_file


def read_cache(path: Path, format_tag: str) -> Any | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != format_tag:
        return None
    return data.get("payload")


def write_cache(path: Path, format_tag: str, payload: Any) -> None:
    """Keep a file for the next build, whole or not at all; one that cannot be written (a full
    disk) is left out, which costs the next build time, and fails no build whose output is
    already written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, json.dumps({"format": format_tag, "payload": payload}).encode("utf-8"))
    except OSError:
        remove_cache(path)  # an old file must not outlive the build that replaced its subject
    for temporary in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):  # a stopped build's, of this file
        if left_behind(temporary):
            remove_cache(temporary)


def remove_cache(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def worth_saving(fresh: int, total: int) -> bool:
    """More than a twentieth of a cache's entries are new: writing it costs less than the next
    build making them again."""
    return fresh * 20 > total


class MadeOfTexts:
    """What was made of texts (rendered HTML, a body's words), by the digest of the text and what
    it was made into, kept in a cache file between builds: a build makes only what is new. The
    file holds no text; only what the last build used is saved, so it never grows stale."""

    def __init__(self, entries: dict[str, Any] | None = None) -> None:
        self.entries = entries or {}
        self.used: dict[str, str] = {}
        self.made = 0  # texts made (not found) since the last save

    def get(self, kind: str, text: str, make: Callable[[str], str]) -> str:
        key = kind + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
        found = self.used.get(key)
        if found is None:
            found = self.entries.get(key)
            if not isinstance(found, str):
                found = make(text)
                self.made += 1
            self.used[key] = found
        return found

    def start_build(self) -> None:
        """A new build begins: what the last one used stays available; only what this one uses is saved."""
        self.entries.update(self.used)
        self.used = {}

    def save(self, file: Path, format_tag: str) -> None:
        write_cache(file, format_tag, self.used)
        self.made = 0

    @classmethod
    def restore(cls, file: Path, format_tag: str) -> Self:
        entries = read_cache(file, format_tag)
        return cls(entries if isinstance(entries, dict) else None)
