"""The search index the theme's search box reads: `search.json`, and the same as `search.js`.

One entry per period, team, objective, key result, project and free page, with what a search
matches (title, id, owners) and shows (kind, status, period), as arrays of short fields that
refer to shared tables (people, periods, statuses) rather than repeat them; links are made
from kind and id by the script, so no URL is stored. Body text (bodies, KR descriptions)
becomes an inverted index of its words: each word once, with the entries whose body holds it.
Words in more than half of the bodies of a site with many (the language's "the" and "and")
say nothing about an entry and are left out. Chinese, Japanese and Korean put no spaces between
words, so a run of their characters is kept as its overlapping pairs of characters (bigrams, the
usual way to search CJK text): the box splits a query's runs the same way, and any two characters
of a run find it. The format is in docs/search.md.

`search.js` assigns the same object to a global, so the box loads it with a <script> tag: that
works over http(s) and from `file://`, where a browser refuses to fetch a local JSON file.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from okrsite.filesystem.cachefiles import MadeOfTexts, worth_saving
from okrsite.model.site import Site
from okrsite.model.vocabulary import shown_status, term
from okrsite.site.formatting import status_label

FORMAT = 1
KINDS = ("period", "team", "objective", "kr", "project", "page")  # an entry's kind is its place here
PERIOD, TEAM, OBJECTIVE, KR, PROJECT, PAGE = range(len(KINDS))
COMMON_SHARE = 0.5  # a word in more than this share of the bodies is left out ...
COMMON_FROM = 20  # ... once there are at least this many bodies
MIN_WORD, MAX_WORD = 3, 24  # shorter words match titles only; longer ones are rarely typed
GLOBAL = "okrsiteSearchIndex"  # what search.js assigns; static/search-box.js reads it

# Han, Hiragana, Katakana and Hangul (with their radicals, iteration marks, extensions and half-width
# forms): the letters of scripts written without spaces between words. search-box.js has the same CJK.
CJK = ("\u1100-\u11ff\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c\u3041-\u30ff"
       "\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
       "\uff66-\uffdc\U00020000-\U0003134f")

_MARKS = re.compile("[\u0300-\u036f]")
# What NFD takes apart in CJK text and folding must put together again: Hangul syllables (into
# jamo) and kana with a voiced or semi-voiced mark (が into か and U+3099, which splits a word).
_TAKEN_APART = re.compile("[\u1100-\u11ff]+|[\u3041-\u30ff][\u3099\u309a]")
_WORD = re.compile(r"[^\W_]+")
_SCRIPTS = re.compile(f"([{CJK}]+)|[^{CJK}]+")  # a word's CJK runs (group 1) and the text between them
_CJK_START = re.compile(f"[{CJK}]")
# Markdown that is not text a reader sees: link targets, autolinks and URLs, HTML tags, entities.
_NOT_TEXT = re.compile(r"\]\([^)]*\)|<[^>\n]*>|https?://\S+|&[#\w]+;")


def fold(text: str) -> str:
    """Text as the search compares it: accents dropped, lower case, CJK as written (the box's script
    folds a query the same way: NFD, marks U+0300-U+036F removed, toLowerCase, then NFC again for
    what NFD took apart of Hangul and kana)."""
    if text.isascii():  # most text: nothing to decompose
        return text.lower()
    folded = _MARKS.sub("", unicodedata.normalize("NFD", text)).lower()
    return _TAKEN_APART.sub(lambda part: unicodedata.normalize("NFC", part[0]), folded)


def bigrams(run: str) -> list[str]:
    """A run of CJK characters as the index keeps it: its overlapping pairs of characters, a lone
    character as itself."""
    return [run[at:at + 2] for at in range(max(len(run) - 1, 1))]


def _kept(word: str) -> Iterable[str]:
    """What the index keeps of a folded word: its CJK runs as bigrams, the rest (all of most words)
    when 3 to 24 characters long."""
    if word.isascii():  # most words: no CJK
        return (word,) if MIN_WORD <= len(word) <= MAX_WORD else ()
    kept: list[str] = []
    for part in _SCRIPTS.finditer(word):
        if part[1]:
            kept += bigrams(part[1])
        elif MIN_WORD <= len(part[0]) <= MAX_WORD:
            kept.append(part[0])
    return kept


def body_words(markdown: str) -> frozenset[str]:
    """The distinct words of a Markdown text, folded, as the index keeps them."""
    return frozenset(kept for word in set(_WORD.findall(fold(_NOT_TEXT.sub(" ", markdown))))
                     for kept in _kept(word))


def _joined_words(markdown: str) -> str:
    return " ".join(sorted(body_words(markdown)))


WORDS_FILE = "search-words.json"  # in .okrsite-cache/: each body's words, by the digest of its text
_WORDS_FORMAT = f"okrsite-search-words-3-{MIN_WORD}-{MAX_WORD}"  # 3: bump when body_words reads otherwise


class _Index:
    """The tables and entries, filled in site order."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.entries: list[list[Any]] = []
        self.bodies: list[tuple[int, str]] = []  # (entry, Markdown)
        self.people: dict[str, int] = {}
        self.statuses: dict[str, int] = {}
        self.periods = {period_id: index for index, period_id in enumerate(site.periods)}

    def add(self, kind: int, key: str, title: str, status: str = "", period: str | None = None,
            owners: Iterable[str] = (), parent: int | None = None, body: str = "") -> int:
        """An entry: [kind, id, title, status, period, [owners], parent], empty fields at its end left off."""
        entry: list[Any] = [kind, key, title,
                            self.statuses.setdefault(status, len(self.statuses)) if status else -1,
                            self.periods[period] if period is not None else -1,
                            [self.people.setdefault(name, len(self.people)) for name in owners if name],
                            -1 if parent is None else parent]
        while entry[-1] in (-1, []):
            entry.pop()
        self.entries.append(entry)
        if body:
            self.bodies.append((len(self.entries) - 1, body))
        return len(self.entries) - 1

    def words(self, read: Callable[[str], frozenset[str]]) -> tuple[list[str], list[str]]:
        """The body words (each body's `read`), sorted (the box finds a prefix's words by bisection),
        and for each the entries holding it: their numbers as base-36 gaps from the previous one,
        joined by spaces."""
        postings: dict[str, list[int]] = {}
        for entry, text in self.bodies:
            for word in read(text):
                postings.setdefault(word, []).append(entry)
        if len(self.bodies) >= COMMON_FROM:  # (a CJK pair stays: the box asks for every pair of a word)
            limit = len(self.bodies) * COMMON_SHARE
            postings = {w: entries for w, entries in postings.items()
                        if len(entries) <= limit or not w.isascii() and _CJK_START.match(w)}
        vocabulary = sorted(postings, key=_utf16)  # the order the box's script compares strings in
        return vocabulary, [_gaps(postings[word]) for word in vocabulary]


def _utf16(word: str) -> bytes:
    """A word as JavaScript orders strings (by UTF-16 code units: 𠮷 before Ｓ), not as Python does."""
    return word.encode("utf-16-be")


def _gaps(entries: list[int]) -> str:
    return " ".join(map(_base36, (entry - previous for previous, entry in zip([0, *entries], entries))))


@functools.cache  # gaps are mostly small numbers, written again and again
def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    return (_base36(number // 36) if number >= 36 else "") + digits[number % 36]


def index(site: Site, read: Callable[[str], frozenset[str]] = body_words) -> dict[str, Any]:
    """The index as plain data, in site order (periods, teams, each objective with its key results
    right after it, projects, free pages): the box shows equal matches in this order. `read`: a
    body's words."""
    found = _Index(site)
    for period in site.periods.values():
        found.add(PERIOD, period.id, period.title)
    for team in site.teams.values():
        found.add(TEAM, team.id, team.name, owners=[team.lead])
    for objective in site.objectives.values():
        ended = site.periods[objective.period].has_ended(site.as_of)
        at = found.add(OBJECTIVE, objective.id, objective.title, shown_status(objective, ended),
                       objective.period, objective.owners, body=objective.body)
        for kr in objective.key_results:
            found.add(KR, kr.id, kr.title, shown_status(kr, ended), objective.period,
                      kr.owners, at, kr.description)
    for project in site.projects.values():
        found.add(PROJECT, project.id, project.title, project.status, owners=[project.owner], body=project.body)
    for page in site.pages:
        found.add(PAGE, page.slug, page.title, body=page.body)
    vocabulary, postings = found.words(read)
    return {
        "format": FORMAT,
        "pretty_urls": site.config.pretty_urls,
        "default_period": found.periods.get(site.default_period, -1),
        "kinds": list(KINDS),
        "periods": [[p.id, p.title] for p in site.periods.values()],
        "statuses": [[s, status_label(s), term(s).icon] for s in found.statuses],  # in the build's language
        "people": list(found.people),
        "entries": found.entries,
        "words": " ".join(vocabulary),
        "postings": postings,
    }


def index_files(site: Site) -> dict[str, bytes]:
    """search.json, and search.js that assigns the same object to a global (for file://).

    Each body's words are kept in the cache folder for the next build, which reads again only the
    bodies that changed (reading all 1,801 of a large site is ~0.35 s, most of the index's time),
    also in the preview, whose builds make the index in a process forked for it."""
    file = site.config.cache_dir / WORDS_FILE
    kept = MadeOfTexts.restore(file, _WORDS_FORMAT)
    text = json.dumps(index(site, lambda body: frozenset(kept.get("w", body, _joined_words).split())),
                      ensure_ascii=False, separators=(",", ":"))
    if worth_saving(kept.made, len(kept.used)):
        kept.save(file, _WORDS_FORMAT)
    return {"search.json": (text + "\n").encode(), "search.js": f"window.{GLOBAL}={text};\n".encode()}
