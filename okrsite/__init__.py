"""okrsite: turn OKRs and projects kept as Markdown + YAML into a static report site."""

from __future__ import annotations

import functools

__version__ = "0.1.0"


@functools.lru_cache(maxsize=None)
def installed_version(distribution: str) -> str:
    """A library's version, read from its installed distribution: asking does not import it
    (matplotlib takes a second; a build with nothing to do needs no library at all)."""
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
