"""Files in the cache folder: JSON with a format tag, written atomically.

JSON and never pickle: a cache folder that someone committed to the repository
must not be able to run code in CI. A missing, corrupt or foreign file reads as
None, so a damaged cache costs time, never correctness.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def read_cache(path: Path, format_tag: str) -> Any | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != format_tag:
        return None
    return data.get("payload")


def write_cache(path: Path, format_tag: str, payload: Any) -> None:
    """Keep a file for the next build; one that cannot be written (a full disk) is left out,
    which costs the next build time, and fails no build whose output is already written."""
    if not write_atomically(path, json.dumps({"format": format_tag, "payload": payload}).encode("utf-8")):
        remove_cache(path)  # an old file must not outlive the build that replaced its subject


def write_atomically(path: Path, data: bytes) -> bool:
    """Write a cache file whole or not at all (a temporary file renamed into place); False when
    it could not be written."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        remove_cache(temporary)
        return False
    return True


def remove_cache(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
