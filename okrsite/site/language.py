"""The reader's language: the theme's words (gettext catalogs) and how numbers and dates read (Babel).

A build speaks one `Language`, chosen by `language:` in okrsite.yaml. The builder sets it for the
length of a build with `speaking(language)`: a context variable, set when the build starts and reset
when it ends however it ends, so the preview's next build (in whatever language okrsite.yaml says
then) starts from English, never from the last build's language. Forked processes (pages rendered in
parallel, okrs.json and the feed made beside them) inherit it; charts are drawn from finished texts
(their specs are written in the build's process), so the drawing processes, which outlive a build in
the preview, need no language at all.

English is what okrsite has always written: it needs neither Babel nor a catalog (`numbers` is None
and formatting keeps its own code), so an English site's bytes do not depend on either.

Catalogs are the `.po` files of the theme chain, read as they are (no compile step): the site
theme's `themes/<name>/locale/<lang>/LC_MESSAGES/messages.po` (or a compiled `messages.mo`) first,
the built-in theme's next; a word the site theme's catalog lacks comes from the built-in one. A
catalog that is a link leading out of the site folder is not read (the build warns of it).
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import io
import re
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrsite.filesystem.realpaths import leads_inside
from okrsite.filesystem.stamps import input_stamp
from okrsite.site.themes import home_of

DOMAIN = "messages"


class CatalogError(Exception):
    """A catalog file that cannot be read, or a translation that does not fit its message: where and why."""

    def __init__(self, path: Path, why: str, line: int = 1) -> None:
        super().__init__(why)
        self.path, self.line = path, line


@dataclass(frozen=True)
class Numbers:
    """How a language writes numbers, from Babel's locale data (CLDR)."""

    symbols: dict[int, int | str]  # str.translate table: the English ',', '.' and '-' to the locale's own
    percent: tuple[str, str]  # what stands before and after a percentage's digits: ("", "\xa0%")
    compact: tuple[tuple[float, float, str, str], ...]  # (from, divide by, before, after), largest first
    date_long: str  # Babel date patterns: "d. MMM y"
    date_short: str  # "d. MMM"
    grouped_from: int = 4  # the fewest digits of a whole part written in groups: 5 in Spanish ("1040", "10.400")


@dataclass(frozen=True, eq=False)  # one object per language and catalogs (see _load): a cache key
class Language:
    code: str  # as in okrsite.yaml and <html lang>: "de"
    translations: gettext.NullTranslations
    numbers: Numbers | None = None  # None: English, as okrsite has always written it
    locale: Any = None  # the Babel Locale (None for English)


ENGLISH = Language("en", gettext.NullTranslations())
_current: ContextVar[Language] = ContextVar("okrsite_language", default=ENGLISH)


def current() -> Language:
    """The language of the build being made (English outside a build)."""
    return _current.get()


@contextlib.contextmanager
def speaking(language: Language) -> Iterator[Language]:
    """Within the block (one build), words, numbers and dates are in `language`."""
    token = _current.set(language)
    try:
        yield language
    finally:
        _current.reset(token)


def gettext_(message: str) -> str:
    return _current.get().translations.gettext(message)


def ngettext_(singular: str, plural: str, count: int) -> str:
    return _current.get().translations.ngettext(singular, plural, count)


def pgettext_(context: str, message: str) -> str:
    """A word that reads differently by what it names: pgettext_("zone", "Commit")."""
    return _current.get().translations.pgettext(context, message)


def catalog_files(code: str, theme_dirs: list[Path]) -> list[Path]:
    """The catalogs of a language along the theme chain, the site theme's first; not one whose file,
    links followed, leaves its theme's home (a link to /etc/passwd was read, and quoted in errors)."""
    found = []
    for folder in theme_dirs:
        base = folder / "locale" / code / "LC_MESSAGES" / DOMAIN
        for path in (base.with_suffix(".po"), base.with_suffix(".mo")):
            if path.is_file() and leads_inside(path, home_of(folder)):
                found.append(path)
                break
    return found


def load_language(code: str, theme_dirs: list[Path]) -> Language:
    """The language with the catalogs of the theme chain; raise CatalogError for a broken one."""
    files = catalog_files(code, theme_dirs)
    stamps = tuple((path, *input_stamp(path.stat())) for path in files)
    return _load(code, stamps)


@functools.lru_cache(maxsize=8)  # the preview builds again and again: read a catalog again only when it changed
def _load(code: str, stamps: tuple[tuple[Any, ...], ...]) -> Language:
    translations: gettext.NullTranslations | None = None
    for path, *_ in stamps:
        catalog = _read(path, code)
        if translations is None:
            translations = catalog
        else:
            translations.add_fallback(catalog)
    if code == "en":
        return Language("en", translations or gettext.NullTranslations())
    from babel import Locale
    locale = Locale.parse(code)
    return Language(code, translations or gettext.NullTranslations(), _numbers(locale), locale)


def _read(path: Path, code: str) -> gettext.GNUTranslations:
    """A .po file as Babel reads it (made a .mo in memory), or a compiled .mo."""
    try:
        data = path.read_bytes()
        if path.suffix == ".po":
            from babel.messages.mofile import write_mo
            from babel.messages.pofile import read_po
            catalog = read_po(io.BytesIO(data), locale=code, abort_invalid=True)
            for message, errors in catalog.check():  # a translation that names a value its message has not
                raise CatalogError(path, f"the translation of {message.id!r} does not fit it: {errors[0]}",
                                   message.lineno or 1)
            for message in catalog:  # ... one of a message that has none, which Babel does not check
                if message.id and (why := _unformattable(message.id, message.string)):
                    raise CatalogError(path, f"the translation of {message.id!r} does not fit it: {why}",
                                       message.lineno or 1)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            data = buffer.getvalue()
        return gettext.GNUTranslations(io.BytesIO(data))
    except CatalogError:
        raise
    except Exception as exc:  # noqa: BLE001 - OSError, Babel's PoFileError, a .mo that is not one
        line = getattr(exc, "lineno", None)  # PoFileError: "... on 9", the line counted from 0
        why = str(exc).removesuffix(f" on {line}") if isinstance(line, int) else str(exc)
        raise CatalogError(path, f"cannot read the catalog: {why}", line + 1 if isinstance(line, int) else 1) from None


_NAMED = re.compile(r"%\(([^)]*)\)")


def _unformattable(message: str | tuple[str, ...], translation: str | tuple[str, ...]) -> str:
    """Why a translation cannot be %-formatted with its message's values, as every message with a
    '%' is (formatting._): a value its message does not name, a '%' not written '%%'; "" if it can."""
    ids = message if isinstance(message, tuple) else (message,)
    values = {name: 0 for text in ids for name in _NAMED.findall(text)} | ({"num": 0} if len(ids) > 1 else {})
    for text in translation if isinstance(translation, tuple) else (translation,):
        try:
            if text and "%" in text:
                text % values
        except KeyError as exc:
            return f"unknown named placeholder {exc.args[0]!r}"
        except (ValueError, TypeError):
            return "a '%' that is none of its values (a '%' of the text is written '%%')"
    return ""


def _numbers(locale: Any) -> Numbers:
    from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
    symbols = str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale),
                             "-": get_minus_sign_symbol(locale)})
    pattern = locale.percent_formats[None]
    sign = locale.number_symbols["latn"]["percentSign"] if "latn" in locale.number_symbols \
        else locale.number_symbols["percentSign"]
    percent = (_literal(pattern.prefix[0]).replace("%", sign), _literal(pattern.suffix[0]).replace("%", sign))
    compact = []
    short = locale.compact_decimal_formats["short"]["other"]
    for limit, key in ((1e9, "1000000000"), (1e6, "1000000"), (1e5, "1000")):
        shape = short[key]
        zeros = shape.pattern.count("0")
        if zeros and (shape.prefix[0] or shape.suffix[0]):  # "0": the language writes such numbers in full
            compact.append((limit, float(key) / 10 ** (zeros - 1), _literal(shape.prefix[0]), _literal(shape.suffix[0])))
    return Numbers(symbols, percent, tuple(compact), locale.datetime_skeletons["yMMMd"].pattern,
                   locale.datetime_skeletons["MMMd"].pattern, 3 + _MINIMUM_GROUPING.get(locale.language, 1))


# CLDR's minimumGroupingDigits where it is not 1, which Babel's locale data does not carry: a
# four-digit number stands ungrouped in Spanish ("1040 registros"), as the RAE writes it.
_MINIMUM_GROUPING = {"es": 2, "pl": 2, "pt": 2, "lv": 3}


def _literal(affix: str) -> str:
    """A CLDR pattern's prefix or suffix as it is written: quoted text unquoted ("Mio'.'" -> "Mio.")."""
    return re.sub(r"'([^']*)'", lambda quoted: quoted.group(1) or "'", affix)
