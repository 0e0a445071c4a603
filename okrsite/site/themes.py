"""Where a site's themes are: the site's own theme folder, then the built-in theme.

A module of its own, with nothing heavy to import: the up-to-date check of every build
needs the theme folders (their files are inputs) before any stage is loaded.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # okrsite/
BUILTIN_THEMES = PACKAGE / "_themes"
SOURCE_THEMES = PACKAGE.parent / "themes"


def builtin_theme_dir() -> Path:
    """The default theme: inside the installed package, or at the top of a source checkout."""
    packaged = BUILTIN_THEMES / "default"
    return packaged if packaged.is_dir() else SOURCE_THEMES / "default"


def theme_dirs(site_theme_dir: Path) -> list[Path]:
    """The site's theme first, so it overrides the built-in theme file by file."""
    dirs = [site_theme_dir] if site_theme_dir.is_dir() else []
    builtin = builtin_theme_dir()
    if builtin.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(builtin)
    return dirs
