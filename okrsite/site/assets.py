"""Files a site publishes as they are: the theme's static files and the content's assets."""

from __future__ import annotations

from pathlib import Path

from okrsite.content.source import discover, site_files
from okrsite.model.site import Site
from okrsite.site.themes import home_of


def copied_files(site: Site, theme_dirs: list[Path]) -> dict[str, bytes]:
    """`static/…` from the themes (the site's theme overrides the built-in one file by file)
    and `assets/…` from the content folder, by their paths in the site."""
    files = {}
    root = site.config.root
    for theme in reversed(theme_dirs):  # built-in first, the site's theme overrides it
        # Links may not lead out of the site folder (the built-in theme: out of its own folder).
        for path in site_files(theme / "static", home_of(theme)):
            files["static/" + path.relative_to(theme / "static").as_posix()] = path.read_bytes()
    content = site.config.content_dir
    for path in discover(content, root).assets:
        files["assets/" + path.relative_to(content / "assets").as_posix()] = path.read_bytes()
    return files
