"""okrsite: turn OKRs and projects kept as Markdown + YAML into a static report site."""

from __future__ import annotations

import functools
import os
import re
import sys

__version__ = "0.1.0"


@functools.lru_cache(maxsize=None)
def installed_version(distribution: str) -> str:
    """A library's version, read from its installed distribution: asking does not import it
    (matplotlib takes a second; a build with nothing to do needs no library at all). Read from
    the name of the folder pip installs it with, `<name>-<version>.dist-info` (PEP 427's
    layout), the first along `sys.path`, as Python finds it; importlib.metadata, whose import
    alone costs a tenth of a build with nothing to do, only where there is no such folder."""
    wanted = re.sub(r"[-_.]+", "_", distribution).lower() + "-"
    for entry in sys.path:
        for name in _listing(entry or "."):
            if name.endswith(".dist-info") and name.lower().startswith(wanted):
                return name[len(wanted):-len(".dist-info")]
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@functools.lru_cache(maxsize=None)
def _listing(folder: str) -> tuple[str, ...]:
    try:
        return tuple(os.listdir(folder))
    except OSError:  # a zip, a path hook, a folder gone
        return ()
