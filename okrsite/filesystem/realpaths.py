"""Whether a path, symbolic links followed, stays inside a folder.

The one rule behind every "a link that leads outside the site folder is not read" of a build:
content and theme files, templates, catalogs, the up-to-date check's walk, the output folder and
the preview's files all ask it here. Paths are compared after `os.path.realpath`, so a link, a
`..` or a folder that is itself a link is judged by where it leads.
"""

from __future__ import annotations

import os


def is_inside(real: str, real_root: str) -> bool:
    """Whether `real` is `real_root` or lies below it (both already real paths: callers that walk
    thousands of entries resolve the folder once)."""
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def leads_inside(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> bool:
    """Whether `path`, links followed, is `folder` or lies below it (links followed too)."""
    return is_inside(os.path.realpath(path), os.path.realpath(folder))


OUTPUT_MARKER = ".okrsite-output"  # the file in a folder a build wrote, which a build may replace (build.output)


def home_or_hidden(real: str, real_root: str) -> bool:
    """Whether a real path inside a site folder is the folder itself, hidden in it (.git, the
    cache) or in a site a build wrote (a folder holding OUTPUT_MARKER: the output, which a link
    under content/assets/ copied into itself, one level deeper each build): what no link the
    build follows may lead to, as the build never reads them itself."""
    inside = os.path.relpath(real, real_root)
    if inside == "." or any(part.startswith(".") for part in inside.split(os.sep)):
        return True
    folder = real
    while folder != real_root and len(folder) > len(real_root):
        if os.path.isfile(os.path.join(folder, OUTPUT_MARKER)):
            return True
        folder = os.path.dirname(folder)
    return False
