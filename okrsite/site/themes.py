"""Where a site's themes are: the site's own theme folder, then the built-in theme.

A module of its own, with nothing heavy to import: the up-to-date check of every build
needs the theme folders (their files are inputs) before any stage is loaded.
"""

from __future__ import annotations

from pathlib import Path

from okrsite.filesystem.realpaths import leads_inside

PACKAGE = Path(__file__).resolve().parent.parent  # okrsite/
BUILTIN_THEMES = PACKAGE / "_themes"
SOURCE_THEMES = PACKAGE.parent / "themes"


def builtin_theme_dir() -> Path:
    """The default theme: inside the installed package, or at the top of a source checkout."""
    packaged = BUILTIN_THEMES / "default"
    return packaged if packaged.is_dir() else SOURCE_THEMES / "default"


def theme_dirs(site_theme_dir: Path) -> list[Path]:
    """The site's theme first, so it overrides the built-in theme file by file; not when its folder
    (or `themes/`) is a link that leads outside the site folder (the build warns of it)."""
    dirs = [site_theme_dir] if site_theme_dir.is_dir() and inside_site(site_theme_dir) else []
    builtin = builtin_theme_dir()
    if builtin.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(builtin)
    return dirs


def home_of(theme_dir: Path) -> Path:
    """The folder a theme's files must stay in, symbolic links followed: the built-in theme's own
    folder; a site theme's site folder (`themes/<name>/` lies in it)."""
    builtin = builtin_theme_dir()
    return builtin if theme_dir == builtin else theme_dir.parent.parent


def inside_site(theme_dir: Path) -> bool:
    """Whether a site theme's folder, links followed, lies in the site folder."""
    return leads_inside(theme_dir, home_of(theme_dir))
