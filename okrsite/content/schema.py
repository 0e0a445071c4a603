"""Declared fields: one validator for the config, objectives, KRs, projects, teams and pages.

Each document kind declares its fields (kind, required, default) in one place,
as MkDocs declares config options. Checking collects every problem with the
line of the offending value and suggests the closest field name for typos.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import math
import re
import unicodedata
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

import yaml

from okrsite.diagnostics import Diagnostics, Location
from okrsite.content.source import KeyPath, Positions
from okrsite.content.yamlload import COMMA_IN_NUMBER, quoted_field, uncommented, written_scalar
from okrsite.model.periods import FIRST_DAY, LAST_DAY, builtin_period, written_period

# Limits that keep every input within what the build can handle (README, "Safety").
MAX_ID_LENGTH = 100  # an id becomes a file or folder name: well inside every file system's 255
MAX_NUMBER = 10 ** 15  # beyond this, differences and sums of floats lose their meaning
MAX_ITEMS = 1000  # entries in one list (check-ins of a KR, tasks of a project, ...)


class Invalid(Exception):
    """A value that does not have the declared kind; the message says what was expected."""


class _Missing:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Missing()  # a composite value whose problems are already reported


class Cursor(NamedTuple):
    """A position in one document while checking it: where to report, and to whom.

    Immutable like the frozen dataclasses, but a tuple: a check makes one for every value of
    every document (over 100,000 at 1,000 objectives), and a tuple is made in half the time.
    """

    positions: Positions
    diagnostics: Diagnostics
    key_path: KeyPath = ()

    def child(self, key: str | int) -> Cursor:
        return Cursor(self.positions, self.diagnostics, (*self.key_path, key))

    def error(self, message: str) -> None:
        self.diagnostics.error(self.positions.at(self.key_path), message)

    def warning(self, message: str) -> None:
        self.diagnostics.warning(self.positions.at(self.key_path), message)


Kind = Callable[[Any, Cursor], Any]


@dataclass(frozen=True)
class Field:
    kind: Kind
    required: bool = False
    default: Any = None
    slips: tuple[tuple[str, str], ...] = ()  # (a key written for this field, what to say of the field then)
    text: bool = False  # written as text (a comment-looking value, `owner: #platform`, is then most likely one)


Schema = Mapping[str, Field]


def describe(value: Any) -> str:
    """Name a YAML value's type the way an author thinks of it."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return _short(value) if _huge(value) else f"the number {value}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


# C0 control characters other than tab and newline, and the two noncharacters U+FFFE and U+FFFF:
# not allowed in XML (charts, the feed).
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(value: str) -> str:
    """Text without the control characters that would make a chart or the feed invalid XML
    (looked for first: translating looks up every character, and almost no text has one)."""
    return value.translate(_CONTROLS) if _CONTROL.search(value) else value


def text(value: Any, cursor: Cursor) -> str:
    # Lenient on scalars: an unquoted `title: 2026` is still a title.
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool) and not _huge(value):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    written = as_written(cursor) if isinstance(value, bool) else ""  # `title: No`: YAML 1.1's false
    hint = f": quote it: {quoted_field(_key_written_before(cursor), written)}" if written else ""
    raise Invalid(f"expected text, got {describe(value)}{hint}")


def _key_written_before(cursor: Cursor) -> str | None:
    """The key the value at the cursor is written after (None for a list's item): a text-or-list
    field written as one text (`owner: No`) is the first item of its list in the key path."""
    path = cursor.key_path
    if path and isinstance(path[-1], int) and len(path) > 1 \
            and cursor.positions.at(path) == cursor.positions.at(path[:-1]):
        path = path[:-1]
    return path[-1] if path and isinstance(path[-1], str) else None


def as_written(cursor: Cursor) -> str:
    """The unquoted value at the cursor as its file writes it ("" when the file cannot tell): for a
    hint that quotes it."""
    where = cursor.positions.at(cursor.key_path)
    return written_scalar(cursor.positions.written(where.line), where.col)


def filled(why: str) -> Kind:
    """Text that must say something: a blank one (`reason: "  "`) is refused as a missing one is,
    `why` telling what to write."""
    def check(value: Any, cursor: Cursor) -> str:
        result = text(value, cursor)
        if not result.strip():
            raise Invalid(f"expected text, got a blank one: {why}")
        return result
    check.refines = text  # type: ignore[attr-defined]  # read as text where a slip is explained
    return check


# YAML 1.1 (PyYAML) reads an exponent as a number only with a dot and a signed exponent: 1.0e+15.
_EXPONENT_AS_TEXT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+")
# A number in hexadecimal, octal or binary (0x10, 0o17, 0b101): a number, but no amount people read.
_BASED = re.compile(r"[-+]?0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


# A number written with its unit: `45%`, `2500 views`, `$1200`; or as people write numbers, with a
# minus sign (U+2212), a decimal comma or thousands separators: `1.850,5`, `$1,200`, `1 200`, `−5`.
_AMOUNT = r"(?P<amount>[-+\u2212]?(?:\d(?:[\d,.'\u2019_\u00a0\u202f ]*\d)?\.?|\.\d+))"
_PLAIN = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")  # an amount YAML reads as a number
_MULTIPLES = {"k": 1000, "K": 1000, "M": 10 ** 6, "bn": 10 ** 9}  # 2k, 1.5M, 3bn: as charts write them
_SHORTHAND = "|".join(_MULTIPLES)
_WITH_UNIT = (re.compile(rf"\s*{_AMOUNT}\s*(?P<unit>%|[^\W\d_].*|[$€£¥])\s*", re.DOTALL),
              re.compile(rf"\s*[$€£¥]\s*{_AMOUNT}\s*(?P<unit>(?:{_SHORTHAND})?)\s*"))  # $1200, $2k
_ALONE = re.compile(rf"\s*{_AMOUNT}\s*")
# ... with the shorthand for thousands, millions or billions that charts use (2k, 1.5M, 3bn; 2 kg is a unit)
_MULTIPLE = re.compile(rf"(?P<suffix>{_SHORTHAND})(?![^\W\d_]).*", re.DOTALL)  # 2k, 2k/month, 100k+; not 2kg
_WITH_UNITS = frozenset(("start", "target", "current", "floor", "ceiling", "value"))  # a KR's, shown with its unit


def share_for(value: object) -> str:
    """'write 0.45 for 45%' for a share from 0 to 1 written as a percentage (45%, or 10 to 100 alone);
    "" for anything else (the file's confidence and `okrsite checkin --confidence` alike)."""
    if isinstance(value, str):
        match = _WITH_UNIT[0].fullmatch(value)
        if match is not None and match["unit"] == "%":
            return _as_share(match["amount"]) if _PLAIN.fullmatch(match["amount"]) else ""
        try:
            value = float(value)
        except ValueError:
            return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 10 <= value <= 100 and value == int(value):
        return _as_share(f"{value:g}")  # (1.5 or 2 is rather a slip than a percentage; inf and nan fail the range)
    return ""


def _as_share(percentage: str) -> str:
    return f"write {float(percentage) / 100:g} for {percentage.lstrip('+')}%"


def number_hint(value: Any, share: bool = False, goes: str = "") -> str:
    """What to write instead of text where a number goes (in a file, or on the command line);
    `share`: a number from 0 to 1 (a confidence), where 45% is written 0.45; `goes`: where a
    unit taken off the number belongs."""
    if not isinstance(value, str):
        return ""
    if _EXPONENT_AS_TEXT.fullmatch(value.strip()):
        return ": YAML reads an exponent as a number only with a dot and a sign, as in 1.0e+15"
    if _BASED.fullmatch(value.strip()):  # (else read as 0 with the unit "x10")
        return f": write it in decimal ({int(value.strip(), 0)})"
    match = next(filter(None, (pattern.fullmatch(value) for pattern in _WITH_UNIT)), None)
    alone = match is None
    match = match or _ALONE.fullmatch(value)
    if match is None:
        return ""
    amount = match["amount"]
    if not _PLAIN.fullmatch(amount):  # written as people write numbers, not as YAML reads them
        plain = _PLAIN.fullmatch(amount.replace("\u2212", "-"))
        return f": {'write the minus sign as a hyphen (-)' if plain else COMMA_IN_NUMBER}{'' if alone else goes}"
    if alone:
        return ""  # a number in quotes: its message says it is text
    if share and match["unit"] == "%":
        return f": {_as_share(amount)}"
    multiple = _MULTIPLE.fullmatch(match["unit"])
    if multiple is not None:  # the number in full: the amount alone would be a thousand times too small
        full = format((Decimal(amount) * _MULTIPLES[multiple["suffix"]]).normalize(), "f")
        return f": write {full} for {amount.lstrip('+')}{multiple['suffix']}{goes}"
    return f": write the number alone ({amount.lstrip('+')}){goes}"


def _number_hint(value: Any, cursor: Cursor, share: bool) -> str:
    path = cursor.key_path
    goes = ("; the unit goes in `unit:`" if "key_results" in path and path[-1] in _WITH_UNITS else
            "; the currency goes in the budget's `currency:`" if "budget" in path or path[-1:] == ("spent",) else "")
    return number_hint(value, share, goes)


def number(value: Any, cursor: Cursor) -> int | float:
    return _number(value, cursor, share=False)


def _number(value: Any, cursor: Cursor, share: bool) -> int | float:
    if not _is_number(value):
        raise Invalid(f"expected a number, got {describe(value)}{_number_hint(value, cursor, share)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise Invalid(f"expected a finite number, got {value}")
    if not -MAX_NUMBER <= value <= MAX_NUMBER:  # ints of any size compare exactly
        raise Invalid(f"expected a number from -10^15 to 10^15, got {_short(value)}")
    return value


def between(low: float, high: float) -> Kind:
    """A number within a documented range (bounds included: charts' dpi)."""
    def check(value: Any, cursor: Cursor) -> int | float:
        result = number(value, cursor)
        if not low <= result <= high:
            raise Invalid(f"expected a number from {low:g} to {high:g}, got {result:g}")
        return result
    return check


def _short(value: int | float) -> str:
    """A number as a message shows it: a 400-digit integer by its number of digits. Python refuses
    to write out an integer of over 4,300 digits, which YAML's hex, octal or binary notation can
    give: those are counted with a logarithm."""
    if not _huge(value):
        return str(value)
    digits = len(str(abs(value))) if value.bit_length() < 14_000 else int(math.log10(abs(value))) + 1
    return f"a whole number of {digits} digits"


def _huge(value: int | float) -> bool:
    return isinstance(value, int) and abs(value) >= 10 ** 21


def positive(value: Any, cursor: Cursor) -> int | float:
    result = number(value, cursor)
    if result <= 0:
        raise Invalid(f"expected a number above 0, got {result}")
    return result


def fraction(value: Any, cursor: Cursor) -> int | float:
    result = _number(value, cursor, share=True)
    if not 0 <= result <= 1:
        hint = share_for(result)
        raise Invalid(f"expected a number from 0 to 1, got {result}{f': {hint}' if hint else ''}")
    return result


def boolean(value: Any, _: Cursor) -> bool:
    if isinstance(value, bool):
        return value
    raise Invalid(f"expected true or false, got {describe(value)}")


def _impossible(value: Any) -> str:
    """Why a date written the right way is none: " (there is no month 13)", " (February 2026 has 28 days)",
    " (a date takes no time of day: 2026-05-01)"."""
    if not isinstance(value, str):
        return ""
    timed = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}.*", value.strip())  # 2026-05-01 10:00
    if timed:
        return _impossible(timed[1]) or f" (a date takes no time of day: {timed[1]})"
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value.strip())
    if match is None:
        return ""
    if len(match[2]) < 2 or len(match[3]) < 2:  # 2026-10-5: the month and the day take two digits each
        written = f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}"
        return f" (did you mean {written}?)" if not _impossible(written) else _impossible(written)
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return f" (there is no month {month})"
    days = calendar.monthrange(year, month)[1] if year else 31
    return f" ({calendar.month_name[month]} {year} has {days} days)" if not 1 <= day <= days else ""


_CALENDAR_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def calendar_date(written: str) -> dt.date:
    """A date written as the content format writes one, 2026-01-31; ValueError for anything else,
    such as the other forms Python reads as ISO dates (2026-W45, 20261101, 2026-305)."""
    if not _CALENDAR_DATE.fullmatch(written):
        raise ValueError(f"not a date like 2026-01-31: {written!r}")
    return dt.date.fromisoformat(written)


def date(value: Any, _: Cursor) -> dt.date:
    result = None
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, str):
        try:
            result = calendar_date(value.strip())
        except ValueError:
            pass
    if result is None:
        raise Invalid(f"expected a date like 2026-01-31, got {describe(value)}{_impossible(value)}")
    if not FIRST_DAY <= result <= LAST_DAY:
        raise Invalid(f"expected a date from {FIRST_DAY} to {LAST_DAY}, got {result.isoformat()}")
    return result


# Latin letters that Unicode does not decompose into a base letter and an accent, written as
# their languages write them without the letter ('Økonomi' -> 'okonomi', not 'konomi').
_UNDECOMPOSED = str.maketrans({"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe",
                               "Œ": "OE", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th",
                               "Þ": "TH", "ı": "i", "ħ": "h", "Ħ": "H"})

def ascii_letters(value: str) -> str:
    """The text with its Latin letters written in ASCII (accents dropped: 'Größe' -> 'Grosse');
    letters of other scripts are left out."""
    decomposed = unicodedata.normalize("NFKD", value.translate(_UNDECOMPOSED))
    return decomposed.encode("ascii", "ignore").decode()


def slugify(value: str) -> str:
    """A URL-safe id from a file name or team name: 'Q1 Sales.md' -> 'q1-sales' ('item' for a name
    that has nothing an id can take: see makes_id)."""
    return _slugged(value) or "item"


def makes_id(value: str) -> bool:
    """Whether a name has something an id can take ('営業' has not: slugify makes it 'item')."""
    return bool(_slugged(value))


def _slugged(value: str) -> str:  # (an id starts and ends with a letter or digit: '_Größe' -> 'grosse')
    return re.sub(r"[^a-z0-9_]+", "-", ascii_letters(value).lower()).strip("-_")


def file_id(path: str) -> str:
    """The id a document's file name gives it where its front matter sets none: the build's, the
    `checkin` command's and the importer's ('objectives/Q1 Sales.md' -> 'q1-sales')."""
    return slugify(path.rsplit("/", 1)[-1].removesuffix(".md"))


_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$")
ID_CHARACTERS = "lowercase letters, digits, '-' and '_', starting and ending with a letter or digit"  # (_SLUG)
_PERIOD_ID = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$")


def id_length_problem(value: str) -> str | None:
    """Why an id (or one segment of a free page's path) is too long to be a file name, if it is."""
    if len(value) > MAX_ID_LENGTH:
        return f"an id may have at most {MAX_ID_LENGTH} characters, got {len(value)} ({value[:20]!r}...)"
    return None


def is_slug(value: str) -> bool:
    """An id: also safe as a file or folder name (fullmatch: no trailing line break slips through)."""
    return bool(_SLUG.fullmatch(value))


def slug(value: Any, cursor: Cursor) -> str:
    """An id that becomes a folder name: objectives, KRs, projects, teams, themes."""
    result = text(value, cursor)
    if not is_slug(result):
        meant = _slugged(result).strip("_")  # ("x_" slugifies to itself; '営業' to nothing)
        raise Invalid(f"expected an id of {ID_CHARACTERS}, got {result!r}" + meaning(meant if is_slug(meant) else None))
    if problem := id_length_problem(result):
        raise Invalid(problem)
    return result


def parent_ref(value: Any, cursor: Cursor) -> str:
    """`objective-id`, or `objective-id/kr-id` for an objective that hangs from another's key result."""
    result = text(value, cursor)
    parts = result.split("/")
    if len(parts) > 2 or not all(is_slug(part) for part in parts):
        raise Invalid(f"expected an objective id, or objective-id/kr-id, got {result!r}")
    for part in parts:
        slug(part, cursor)  # and not too long
    return result


def period_id(value: Any, cursor: Cursor) -> str:
    """A period id becomes a folder name too; built-in ids (2026-Q1) need upper case."""
    result = text(value, cursor).strip()  # `period: 2026` parses as an int; ids are text
    if not _PERIOD_ID.match(result):
        meant = written_period(result)  # `Q1 2026` (not `Q5 2026`: no such quarter)
        raise Invalid(f"expected a period id of letters, digits, '-' and '_' (such as 2026-Q1), got {result!r}"
                      + meaning(meant if meant and builtin_period(meant) else None))
    if problem := id_length_problem(result):
        raise Invalid(problem)
    return result


def url(value: Any, cursor: Cursor) -> str:
    """The site's address. Its path becomes the base of the 404 page's links: a path starting
    with '//' or a backslash (read as '//' by browsers) would make them lead to another host."""
    result = text(value, cursor)
    try:
        parts = urllib.parse.urlsplit(result)
        parts.port  # noqa: B018 - raises for a port that is no number
    except ValueError:  # "https://[::1/": an address no browser could open
        raise Invalid(f"expected an absolute http(s) URL, got {result!r}") from None
    if not re.match(r"^https?://[^\s/\\]+", result):
        raise Invalid(f"expected an absolute http(s) URL, got {result!r}")
    if re.search(r"[\s\\?#]", result) or "//" in parts.path:
        raise Invalid(f"expected the site's address, with no spaces, backslashes, '//' in its path, '?' or '#', "
                      f"got {result!r}")
    return result


def whole_number(low: int, high: int) -> Kind:
    """A whole number within a documented range (bounds included)."""
    def check(value: Any, cursor: Cursor) -> int:
        result = number(value, cursor)
        if result != int(result) or not low <= result <= high:
            raise Invalid(f"expected a whole number from {low} to {high}, got {result:g}")
        return int(result)
    return check


_PRIORITY = whole_number(0, 3)


def priority(value: Any, cursor: Cursor) -> int:
    """0 (highest) to 3; "P1", as the pages show it, is an error that says what to write."""
    written = re.fullmatch(r"\s*[Pp]([0-3])\s*", value) if isinstance(value, str) else None
    if written:
        raise Invalid(f"expected a whole number from 0 to 3, got the text {value!r}: write {written[1]} for "
                      f"P{written[1]}")
    return _PRIORITY(value, cursor)


def one_of_values(*choices: Any) -> Kind:
    """One of a few YAML values, text or not (`history: auto`, `true` or `false`)."""
    def check(value: Any, _: Cursor) -> Any:
        if any(type(value) is type(choice) and value == choice for choice in choices):  # 1 is not true
            return value
        shown = ", ".join(str(c).lower() if isinstance(c, bool) else c for c in choices)
        raise Invalid(f"expected one of {shown}; got {describe(value)}")
    return check


def one_of(*choices: str) -> Kind:
    def check(value: Any, cursor: Cursor) -> str:
        result = text(value, cursor)
        if result not in choices:
            raise Invalid(f"expected one of {', '.join(choices)}; got {result!r}{suggest(result, choices)}")
        return result
    return check


def list_of(item: Kind, at_most: int = MAX_ITEMS) -> Kind:
    def check(value: Any, cursor: Cursor) -> tuple:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise Invalid(f"expected a list, got {describe(value)}")
        if len(value) > at_most:
            raise Invalid(f"expected at most {at_most} entries, got {len(value)}")
        items = [convert(item, element, cursor.child(index)) for index, element in enumerate(value)]
        return INVALID if any(i is INVALID for i in items) else tuple(items)
    return check


def one_or_list_of(item: Kind) -> Kind:
    """A single value or a list of them (`key_results: seo` or `[seo, sales]`)."""
    many = list_of(item)

    def check(value: Any, cursor: Cursor) -> tuple:
        return many(value if isinstance(value, list) or value is None else [value], cursor)
    return check


def mapping(schema: Schema, what: str, entry: str = "field") -> Kind:
    def check(value: Any, cursor: Cursor) -> dict[str, Any]:
        return check_fields(value, schema, cursor, what, entry)
    return check


def convert(kind: Kind, value: Any, cursor: Cursor) -> Any:
    """Run one kind; report a leaf problem at the value's line."""
    try:
        return kind(value, cursor)
    except Invalid as problem:
        key = cursor.key_path[-1] if cursor.key_path else None
        label = f"'{key}': " if isinstance(key, str) else ""
        cursor.error(f"{label}{problem}")
        return INVALID


_YAML_WORDS = {True: "true", False: "false", None: "null"}  # a key YAML read as a value, as it wrote it


def _written_key(cursor: Cursor, key: bool | None) -> Location | None:
    """Where a key YAML read as true, false or null stands: positions keep it as written ('on')."""
    for key_path, (line, col) in cursor.positions.keys.items():
        if key_path[:-1] == tuple(cursor.key_path) and isinstance(key_path[-1], str) \
                and _YAML_WORDS.get(key) == _yaml_word(key_path[-1]):
            return Location(cursor.positions.path, line, col)
    return None


def _yaml_word(text: str) -> str | None:
    """'true', 'false' or 'null' for a key YAML 1.1 reads as that value ('On', 'no', '~'), else None."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return _YAML_WORDS.get(value) if isinstance(value, bool) or value is None else None


def suggest(word: str, choices: Any) -> str:
    """' (did you mean 'x'?)' for the closest choice, or nothing."""
    return meaning(_closest(word, choices))


def meaning(meant: str | None) -> str:
    """' (did you mean 'x'?)' for what a slip most likely meant, or nothing when nothing is known."""
    return f" (did you mean '{meant}'?)" if meant else ""


def _closest(word: str, choices: Any) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def check_fields(value: Any, schema: Schema, cursor: Cursor, what: str, entry: str = "field") -> dict[str, Any]:
    """Check a mapping against its declared fields.

    Returns every declared field (defaults filled in); a field whose value was
    invalid holds INVALID. A value that is not a mapping is reported and gives INVALID.
    `entry` names a key in the message for an unknown one ("unknown rule 'x' in checks").
    """
    if not isinstance(value, dict):
        cursor.error(f"expected the fields of {what} (key: value lines), got {describe(value)}")
        return INVALID
    result: dict[str, Any] = {}
    meant: set[str | None] = set()  # fields an unknown one is taken for: `titel:` is reported once, as a slip
    explained: set[Any] | None = None  # fields whose value a comma cut short: the unknown field's error says it
    for key in value:
        if str(key) not in schema:
            where = cursor.positions.key((*cursor.key_path, str(key)))
            if isinstance(key, bool) or key is None:  # `on:`, `yes:`, `null:` are YAML's true and null
                where = _written_key(cursor, key) or where
                cursor.diagnostics.error(where, f"unknown {entry} {_YAML_WORDS[key]} in {what}: YAML reads a key "
                                                "written yes, no, on, off, true, false or null as that value; quote "
                                                "the key ('on': …) if it is a name")
                continue
            close = _closest(str(key), schema) or _slipped_for(str(key), schema)
            meant.add(close)
            hint = _meant_hint(close, key, schema, cursor)
            split = None if hint else _split_at_comma(value, key, schema, cursor)
            if split is not None:
                hint, head, shown, where = split.hint, split.head, split.shown or key, split.where or where
                if explained and head in explained:
                    continue  # `1,250,000`: one error for the number, not one for each comma
                if head is not None:
                    explained = (explained or set()) | {head}
                key = shown
            cursor.diagnostics.error(where, f"unknown {entry} '{key}' in {what}{hint}")
    for name, spec in schema.items():
        given = value.get(name)
        if given is not None and not (explained and name in explained):
            result[name] = convert(spec.kind, given, cursor.child(name))
        elif given is not None or name in meant:  # reported with an unknown field, as its slip or the rest of
            result[name] = INVALID                # its value (`planned: $5,000`); as if its value were wrong
        elif spec.required:
            if name in value:  # `title:` with nothing after it, or only a comment (`title: #1 …`)
                field = cursor.child(name)
                cursor.diagnostics.error(cursor.positions.key(field.key_path),
                                         f"'{name}' is empty{_comment_hint(field)}")
            else:
                cursor.error(f"missing required field '{name}' in {what}")
            result[name] = INVALID
        else:
            if spec.text and name in value and (hint := _comment_hint(cursor.child(name), glued=True)):
                cursor.diagnostics.warning(cursor.positions.key((*cursor.key_path, name)), f"'{name}' is empty{hint}")
            result[name] = spec.default
    return result


_WORD = r"[^ \t]"  # what starts a word: written right after '#', the comment is more likely a value


def _comment_hint(cursor: Cursor, glued: bool = False) -> str:
    """'; text after ' #' is a comment in YAML; quote it: title: "#1 …"' for a field whose value YAML
    read as a comment; "" for any other. With `glued`, only for a comment whose first word touches
    its '#' (`owner: #platform`): `owner:  # to be decided` is how YAML leaves a field empty on purpose."""
    where = cursor.positions.key(cursor.key_path)
    name = str(cursor.key_path[-1])
    line = cursor.positions.written(where.line)[where.col - 1:]
    comment = re.match(rf"{re.escape(name)}:[ \t]+(#{_WORD if glued else ''}.*)", line)
    if comment is None:
        return ""
    return f"; text after ' #' is a comment in YAML; quote it: {quoted_field(name, comment[1].rstrip())}"


def _slipped_for(key: str, schema: Schema) -> str | None:
    """The field that declares `key` as a slip for it (a project's `objectives:` for `key_results:`)."""
    return next((name for name, spec in schema.items() if key in dict(spec.slips)), None)


def _meant_hint(close: str | None, key: Any, schema: Schema, cursor: Cursor) -> str:
    """' (did you mean 'x'?)', with what x takes where its declaration says why `key` is written for it."""
    why = dict(schema[close].slips).get(str(key)) if close is not None else None
    if why is None:
        return meaning(close)
    where = cursor.positions.key((*cursor.key_path, str(key)))
    line = cursor.positions.written(where.line)
    rewritten = uncommented(line[where.col - 1:].replace(str(key), close, 1)).rstrip() \
        if line[where.col - 1:].startswith(f"{key}:") else ""
    return f" (did you mean '{close}'? {why}{f': {rewritten}' if rewritten else ''})"


class _Split(NamedTuple):
    """What an unknown field that a comma cut off the field before it is told: the hint; for a number
    the comma split, the field it cut short (`head`), and the cut-off part as written and where."""

    hint: str
    head: Any = None
    shown: str = ""
    where: Location | None = None


_SPLIT_NUMBER = re.compile(r"[^,{}\[\]]*?(?:,\d+(?:\.\d*)?)+")  # `$5,000`, `5,000.50`, `1,250,000` in { … }


def _split_at_comma(fields: dict[Any, Any], key: Any, schema: Schema, cursor: Cursor) -> _Split | None:
    """A hint for an unknown field that a comma cut off the field before it, in a mapping written
    { … }: there YAML ends a value at a comma, so `value: 12,5` is a field `value: 12` and a field
    `5` with no value, `planned: $5,000` a field `planned: $5` and a field `000`, and `note: Done,
    finally` a field `finally`. None for any other unknown field."""
    keys = list(fields)
    cut = [k is not None and fields[k] is None and str(k) not in schema for k in keys]  # what a comma may make
    if not cut[keys.index(key)] or not _written_in_braces(keys, cursor):
        return None
    at = end = keys.index(key)
    while at > 0 and cut[at - 1]:
        at -= 1
    while end + 1 < len(keys) and cut[end + 1]:
        end += 1
    if at == 0:
        return None
    tail = keys[at:end + 1]  # the fields the comma(s) made, after the field they cut short
    head = fields[keys[at - 1]]
    kind = getattr(schema.get(str(keys[at - 1])), "kind", None)
    text_field = text in (kind, getattr(kind, "refines", None))  # `title: 10,000`: quote it
    if (_is_number(head) or isinstance(head, str)) and all(
            _is_number(k) and k >= 0 or isinstance(k, str) and _PLAIN.fullmatch(k) for k in tail):
        # The digits after a decimal comma are not known for sure from what YAML made of them (it reads
        # `05` as 5, `010` as 8): the number as the file writes it, where it can be read again.
        field = cursor.child(keys[at - 1])
        where = cursor.positions.at(field.key_path)
        line = cursor.positions.written(where.line)
        written = _SPLIT_NUMBER.match(line, where.col - 1) if line else None
        amount = written[0].strip() if written else ",".join(map(str, [head, *tail]))
        parts = amount.split(",") if written else []
        part = parts[1 + tail.index(key)] if 1 + tail.index(key) < len(parts) else ""
        at_part = Location(where.path, where.line, where.col + amount.index(f",{part}") + 1) if part else None
        hint = (f": quote a text that holds one ({quoted_field(keys[at - 1], amount)})" if text_field
                else _number_hint(amount, field, share=False))
        if hint:
            return _Split(f": in {{ … }} a comma separates fields{hint}", keys[at - 1], part, at_part)
    if isinstance(head, str) and all(isinstance(k, str) for k in tail):
        quoted = quoted_field(keys[at - 1], ", ".join([head, *tail]))
        return _Split(f": in {{ … }} a comma separates fields: quote a text that holds one ({quoted})")
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _written_in_braces(keys: list[Any], cursor: Cursor) -> bool:
    """Whether the mapping at the cursor is written { … }: it starts at its '{', not at its first key."""
    first = cursor.positions.key((*cursor.key_path, str(keys[0])))
    return cursor.positions.at(cursor.key_path) != first


def is_valid(value: Any) -> bool:
    """True when no INVALID is left anywhere in a checked structure (walked with a stack, not
    recursion: it runs on every key result)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if item is INVALID:
            return False
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, tuple):
            stack.extend(item)
    return True
