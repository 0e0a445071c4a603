"""Links in Markdown bodies that lead nowhere in the site: `okrsite check`'s broken-link rule.

An objective's body links `[the pipeline](../faster-pipe/)`; a typo there is a page that says
"not found" to the manager who clicks it. A link is followed as the browser will: from the page
the body is shown on (a key result's description on its objective's page), through `..`, to a
path of the site, which is then one the site makes: a subject's page by its id (objectives,
projects, teams, periods, free pages, and `#kr-<id>` on an objective's page), a file of
`content/assets/`, or a section of the site (the dashboard, alignment, …, whose pages the page
plan makes). External links, anchors within a page and links written in code are not links to
check. A body is parsed only when it holds something that may be a link within the site: a site
of 1,000 objectives whose bodies link only outwards pays a regular expression per body.
"""

from __future__ import annotations

import posixpath
import re
import urllib.parse
from collections.abc import Collection, Iterator

from okrsite.content.schema import suggest
from okrsite.model.checks import Finding
from okrsite.model.site import Site
from okrsite.site.links import free_page_url, objective_url, project_url

RULE = "broken-link"
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
# What may be a link within the site: an inline link's or image's target with no scheme, not "//host"
_CANDIDATE = re.compile(rf"\]\(\s*<?(?!{_SCHEME.pattern}|//|#)")
# Sections of the site whose pages the page plan makes (checked no deeper), and its files
_SECTIONS = frozenset(("alignment", "portfolio", "attention", "changes", "charts", "static", "okrs.json", "feed.xml",
                       "404.html", "search.json", "search.js", "sitemap.xml"))


def broken_links(site: Site, assets: Collection[str]) -> Iterator[Finding]:
    """A finding for each link of a Markdown body that leads to no page or file of the site;
    `assets`: the files of content/assets/, by their paths below it."""
    base = urllib.parse.urlsplit(site.config.site_url or "").path.rstrip("/") + "/"
    for subject, page, source, texts in _bodies(site):
        for text in texts:
            if not _CANDIDATE.search(text):
                continue
            from okrsite.site.markdown import link_targets  # (markdown-it: 20 ms to import, for a link to check)

            for target in link_targets(text):
                problem = _problem(site, assets, base, page, target)
                if problem:
                    yield Finding(RULE, subject, f"the link '{target}' {problem}", source, text=f"]({target}",
                                  at=2)


def _bodies(site: Site) -> Iterator[tuple[tuple[str, str], str, str, tuple[str, ...]]]:
    """Each subject's Markdown texts, with the page they are shown on and their file."""
    for o in site.objectives.values():
        yield ("objective", o.id), objective_url(o.id), o.source, (o.body, *(kr.description for kr in o.key_results))
    for p in site.projects.values():
        yield ("project", p.id), project_url(p.id), p.source, (p.body,)
    for free in site.pages:
        yield ("page", free.slug), free_page_url(free.slug), free.source, (free.body,)


def _problem(site: Site, assets: Collection[str], base: str, page: str, target: str) -> str:
    """Why a link's target leads nowhere ("" when it leads to the site, or out of it)."""
    if _SCHEME.match(target) or target.startswith(("//", "#")):
        return ""  # another site, mail, or a place on the same page
    path, _, fragment = urllib.parse.unquote(target).partition("#")
    path = path.partition("?")[0]
    if path.startswith("/"):  # from the server's root: the site is at site_url's path
        if not (path + ("/" if not path.endswith("/") else "")).startswith(base):
            meant = posixpath.relpath(path, "/" + page) + ("/" if path.endswith("/") else "")
            return f"starts at the server's root, outside the site at {base}: write it from this page ({meant})"
        resolved = path[len(base):]
    else:
        resolved = posixpath.normpath(posixpath.join(page, path)) if path else page
        if resolved == ".." or resolved.startswith("../"):
            return "leads out of the site's folder"
    return _missing(site, assets, resolved.removesuffix("index.html").strip("/"), fragment)


def _missing(site: Site, assets: Collection[str], path: str, fragment: str) -> str:
    """What the site lacks at `path` (a site path without its leading or trailing slash)."""
    if path in ("", "."):
        return ""
    section, _, rest = path.partition("/")
    if section == "assets":
        return "" if rest in assets else f"leads to no file '{rest}' of content/assets/{suggest(rest, assets)}"
    families = {"objectives": ("objective", site.objectives), "projects": ("project", site.projects),
                "teams": ("team", site.teams), "periods": ("period", site.periods),
                "pages": ("page", {free.slug: free for free in site.pages})}
    if section not in families:
        return "" if section in _SECTIONS else f"leads to no page of the site ('{path}')"
    what, known = families[section]
    subject, _, deeper = rest.partition("/")
    if not subject:
        return "" if section != "pages" else f"leads to no page of the site ('{path}')"
    if subject not in known:
        return f"leads to no {what} '{subject}'{suggest(subject, known)}"
    if deeper and not (section == "periods" and deeper in ("scorecard", "scorecard.pdf")):
        return f"leads to no page of the site ('{path}')"
    if section == "objectives" and fragment.startswith("kr-"):
        ids = [kr.id for kr in site.objectives[subject].key_results]
        if fragment[3:] not in ids:
            return f"leads to no key result '{fragment[3:]}' of objective '{subject}'{suggest(fragment[3:], ids)}"
    return ""
