#!/usr/bin/env python3
"""Keep the built-in theme's catalogs in step with its words.

    python docs/catalogs.py          # extract the messages, update every themes/default/locale/*/messages.po
    python docs/catalogs.py --check  # exit 1 when a message has no translation in some language (a test runs this)

The messages are what Babel's extractors find in the templates ({% trans %}, _(), ngettext) and
in okrsite/site's Python (_(), ngettext, pgettext), plus the status, lane and zone words of
okrsite/model/vocabulary.py, which the site layer translates by their English text. `update`
adds new messages to every catalog untranslated (the check then fails until someone translates
them) and drops messages no longer used; the .po files are the sources, read as they are by a
build (no compile step).
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from okrsite.model import vocabulary

REPO = Path(__file__).resolve().parent.parent
LOCALE = REPO / "themes" / "default" / "locale"
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
JINJA = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trim_blocks": "true",
         "lstrip_blocks": "true"}  # as okrsite's environment reads the templates (okrsite/site/render.py)
# okrsite.site.language's pgettext_ (words with a context) and the theme helpers' _html (okrsite/site/widgets.py)
KEYWORDS = {**DEFAULT_KEYWORDS, "pgettext_": ((1, "c"), 2), "_html": None}
# Babel's Python extractor reads an f-string as one token and misses a _("...") inside it: found this way too.
CALL_IN_FSTRING = re.compile(r"""\b_(?:html)?\((["'])((?:\\.|(?!\1).)*)\1[,)]""")
SOURCES = [("themes/default/templates", "**.html", "jinja2.ext:babel_extract", JINJA),
           ("okrsite/site", "**.py", "python", {})]


def theme_messages() -> Catalog:
    """Every message of the built-in theme, with where it is used."""
    catalog = Catalog(project="okrsite", fuzzy=False)
    for folder, pattern, method, options in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
                REPO / folder, [(pattern, method)], {pattern: options}, keywords=KEYWORDS):
            catalog.add(message, None, [(f"{folder}/{filename}", lineno)], auto_comments=comments, context=context)
    for path in sorted((REPO / "okrsite" / "site").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for match in CALL_IN_FSTRING.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            message = ast.literal_eval(match.group(1) + match.group(2) + match.group(1))
            catalog.add(message, None, [(path.relative_to(REPO).as_posix(), line)])
    words = vocabulary.OKR_STATUSES | vocabulary.PROJECT_STATUSES | vocabulary.LANES | vocabulary.ENDED_STATUSES
    for term in words.values():
        for text in (term.label, term.word):
            catalog.add(text, None, [("okrsite/model/vocabulary.py", 0)])
    for meaning in vocabulary.LANE_MEANINGS.values():
        catalog.add(meaning, None, [("okrsite/model/vocabulary.py", 0)])
    return catalog


def languages() -> list[str]:
    return sorted(path.name for path in LOCALE.iterdir() if (path / "LC_MESSAGES" / "messages.po").is_file())


def po_path(code: str) -> Path:
    return LOCALE / code / "LC_MESSAGES" / "messages.po"


def read(code: str) -> Catalog:
    with po_path(code).open("rb") as file:
        return read_po(file, locale=code)


def write(code: str, catalog: Catalog) -> None:
    """The catalog as a .po file whose bytes change only when a message does (fixed dates, sorted)."""
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    catalog.header_comment = (f"# {catalog.locale.english_name} words of okrsite's built-in theme: the source the build "
                              "reads.\n# New messages come from `python docs/catalogs.py`; translate every one.")
    catalog.msgid_bugs_address = ""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, ignore_obsolete=True, include_lineno=False)
    po_path(code).write_bytes(buffer.getvalue())


def untranslated(template: Catalog, catalog: Catalog) -> list[str]:
    """The theme's messages the catalog lacks or leaves empty (a plural: any of its forms)."""
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        strings = found.string if found is not None else ""
        complete = all(strings) if isinstance(strings, (tuple, list)) else bool(strings)
        if found is None or not complete or found.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def update() -> None:
    template = theme_messages()
    for code in languages():
        catalog = read(code)
        catalog.update(template, no_fuzzy_matching=True)
        write(code, catalog)


def main(argv: list[str]) -> int:
    if argv[1:] == ["--check"]:
        template = theme_messages()
        problems = {code: untranslated(template, read(code)) for code in languages()}
        for code, missing in problems.items():
            for text in missing:
                print(f"{po_path(code).relative_to(REPO)}: no translation of {text!r}")
        return 1 if any(problems.values()) else 0
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
