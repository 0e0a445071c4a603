#!/usr/bin/env python3
"""Turn an okrsite content folder into plain Markdown sites for Pelican, MkDocs and Hugo.

    python benchmarks/plain_corpus.py /tmp/synthetic-1000 /tmp/plain-1000

reads ``content/objectives/**/*.md`` and ``content/projects/**/*.md`` of the
site in the first folder and writes, for each peer tool, a minimal site with
one page per objective and per project: the page's Markdown body, with its
title as the page heading. Key results, check-ins, tasks and the rest of the
front matter are dropped: the peers render the same text, not the same report.

What each tool gets (all in UTF-8, one page per source file):

``pelican/``
    ``content/pages/{objectives,projects}/<id>.md`` with Pelican metadata
    (``Title:``, ``Slug:``) and ``pelicanconf.py``: the default theme, relative
    URLs, no feeds, ``DELETE_OUTPUT_DIRECTORY``, and ``DISPLAY_PAGES_ON_MENU =
    False`` (otherwise every page lists every page in its menu). Build with
    ``pelican content -o out -s pelicanconf.py``.
``mkdocs/``
    ``docs/index.md`` and ``docs/{objectives,projects}/<id>.md`` starting with
    ``# <title>``, and ``mkdocs.yml`` whose ``nav`` holds only the index page
    (MkDocs' automatic navigation lists every page on every page). Build with
    ``mkdocs build``.
``hugo/``
    ``content/{objectives,projects}/<id>.md`` with a YAML ``title:``,
    ``config.toml`` (relative URLs; no taxonomies, RSS, sitemap or robots.txt)
    and a tiny ``layouts/_default/{single,list}.html``. Build with
    ``hugo --quiet``.

Standard library only; does not import okrsite. Importable:
``write_plain_sites(site_root, out_root, tools=TOOLS)`` returns the page count
and the folder of each tool's site.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import shutil
import sys
from dataclasses import dataclass

TOOLS = ("pelican", "mkdocs", "hugo")
SECTIONS = ("objectives", "projects")


@dataclass(frozen=True)
class PlainPage:
    section: str  # "objectives" or "projects"
    id: str
    title: str
    body: str  # Markdown, without the front matter


def _scalar(raw: str) -> str:
    """A YAML scalar as text, for the simple forms okrsite content uses for ids and titles."""
    raw = raw.strip()
    if raw.startswith('"'):
        try:
            return json.loads(raw)
        except ValueError:
            return raw.strip('"')
    if raw.startswith("'") and raw.endswith("'") and len(raw) >= 2:
        return raw[1:-1].replace("''", "'")
    return raw.split(" #", 1)[0].strip()  # a plain scalar may carry a trailing comment


def read_page(path: pathlib.Path, section: str) -> PlainPage:
    """One objective or project file: its top-level `id:` and `title:`, and the body."""
    text = path.read_text(encoding="utf-8")
    front, body = "", text
    if text.startswith("---\n"):
        end = text.find("\n---", 3)
        if end != -1:
            front = text[4:end]
            body = text[end + 4:].split("\n", 1)[1] if "\n" in text[end + 4:] else ""
    fields = {}
    for line in front.splitlines():
        for key in ("id", "title"):
            if line.startswith(key + ":") and key not in fields:  # top level only: KR titles are indented
                fields[key] = _scalar(line[len(key) + 1:])
    page_id = fields.get("id") or path.stem
    return PlainPage(section, page_id, fields.get("title") or page_id, body.strip() + "\n")


def read_pages(site_root: pathlib.Path) -> list[PlainPage]:
    """Every objective and project of the site, in a stable order."""
    content = pathlib.Path(site_root) / "content"
    pages = []
    for section in SECTIONS:
        for path in sorted((content / section).rglob("*.md")):
            if not path.name.startswith("."):
                pages.append(read_page(path, section))
    return pages


def _write(path: pathlib.Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _one_line(text: str) -> str:
    return " ".join(text.split())


PELICAN_CONF = '''\
# Minimal Pelican configuration for okrsite's benchmark (benchmarks/plain_corpus.py).
AUTHOR = "Synthetic Co"
SITENAME = {title!r}
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
RELATIVE_URLS = True
DELETE_OUTPUT_DIRECTORY = True
# The default theme; with the menu on, every page would list all {count} pages.
DISPLAY_PAGES_ON_MENU = False
DISPLAY_CATEGORIES_ON_MENU = False
# No feeds.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
LINKS = ()
SOCIAL = ()
DEFAULT_PAGINATION = False
'''


def write_pelican(pages: list[PlainPage], root: pathlib.Path, title: str) -> None:
    for page in pages:
        slug = f"{page.section[:-1]}-{page.id}"  # objective-x / project-y: no clash between sections
        _write(root / "content" / "pages" / page.section / f"{page.id}.md",
               f"Title: {_one_line(page.title)}\nSlug: {slug}\n\n{page.body}")
    _write(root / "pelicanconf.py", PELICAN_CONF.format(title=title, count=len(pages)))


def write_mkdocs(pages: list[PlainPage], root: pathlib.Path, title: str) -> None:
    for page in pages:
        _write(root / "docs" / page.section / f"{page.id}.md", f"# {_one_line(page.title)}\n\n{page.body}")
    _write(root / "docs" / "index.md", f"# {title}\n\n{len(pages)} pages: objectives and projects.\n")
    _write(root / "mkdocs.yml",
           f"# Minimal MkDocs configuration for okrsite's benchmark (benchmarks/plain_corpus.py).\n"
           f"site_name: {json.dumps(title)}\n"
           "docs_dir: docs\n"
           "site_dir: site\n"
           "# Only the index page in the navigation: MkDocs' automatic navigation lists every\n"
           "# page on every page, which grows with the square of the page count.\n"
           "nav:\n"
           "  - Home: index.md\n")


HUGO_CONFIG = '''\
# Minimal Hugo configuration for okrsite's benchmark (benchmarks/plain_corpus.py).
baseURL = "/"
title = {title}
relativeURLs = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
'''
HUGO_SINGLE = '''\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body><p><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></p>
<h1>{{ .Title }}</h1>
{{ .Content }}
</body></html>
'''
HUGO_LIST = '''\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body><h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</body></html>
'''


def write_hugo(pages: list[PlainPage], root: pathlib.Path, title: str) -> None:
    for page in pages:
        _write(root / "content" / page.section / f"{page.id}.md",
               f"---\ntitle: {json.dumps(_one_line(page.title), ensure_ascii=False)}\n---\n{page.body}")
    _write(root / "config.toml", HUGO_CONFIG.format(title=json.dumps(title, ensure_ascii=False)))
    _write(root / "layouts" / "_default" / "single.html", HUGO_SINGLE)
    _write(root / "layouts" / "_default" / "list.html", HUGO_LIST)


WRITERS = {"pelican": write_pelican, "mkdocs": write_mkdocs, "hugo": write_hugo}


def write_plain_sites(site_root: pathlib.Path, out_root: pathlib.Path, tools=TOOLS,
                      title: str = "Synthetic Co") -> tuple[int, dict[str, pathlib.Path]]:
    """Write one site per tool under `out_root/<tool>/` (replacing it); return (pages, folders)."""
    pages = read_pages(site_root)
    folders = {}
    for tool in tools:
        root = pathlib.Path(out_root) / tool
        if root.exists():
            shutil.rmtree(root)
        WRITERS[tool](pages, root, title)
        folders[tool] = root
    return len(pages), folders


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=pathlib.Path, help="an okrsite site folder (with content/)")
    parser.add_argument("out_dir", type=pathlib.Path, help="folder to write <tool>/ sites into")
    parser.add_argument("--tool", choices=TOOLS, action="append",
                        help="only this tool (repeatable; default: all three)")
    args = parser.parse_args(argv)
    if not (args.site / "content").is_dir():
        parser.error(f"{args.site / 'content'} is not a folder")
    count, folders = write_plain_sites(args.site, args.out_dir, tuple(args.tool or TOOLS))
    for tool, folder in folders.items():
        print(f"{tool}: {count} pages in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
