"""Sheet cells to the values of the content format: text, numbers, dates, yes/no, milestones.

Each reader takes a cell as the sheet holds it and the column's header (for the
message) and returns the value, None for an empty cell, or raises CellError
saying what was expected. A formula is never a value: it is rejected wherever a
value is read, since okrsite reads what the sheet says, not what it computes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable

from okrsite.content.schema import calendar_date
from okrsite.content.sheets.read import Cell, Formula
from okrsite.model.periods import written_period
from okrsite.model.scoring import ZONES

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff]")  # keeps tab and line feed
_SPACES = re.compile(r"[ \u00a0\u2009\u202f]")  # the spaces that group digits (1 200 or 1 200)
# ... "(due 2026-03-15)" at the end is its due date; "(due diligence)", no number in it, is part of its title
_MILESTONE = re.compile(r"(?:[-*\u2022]\s+)?(?:\[(?P<mark>[^\]]?)\]\s*)?(?P<title>.*?)"
                        r"(?:\s*\(due (?P<due>[^)]*\d[^)]*)\))?")
_DONE_MARKS = frozenset("xX\u2713\u2714\u2611")
_YES = frozenset({"yes", "y", "true", "1", "x", "done", "\u2713", "\u2714", "\u2611", "complete", "completed"})
_NO = frozenset({"no", "n", "false", "0", "not done", "open", "\u2717", "\u2718", "\u2610"})
DECIMAL_COMMA_HINT = " (for decimal commas, pass --decimal-comma)"
_DAY_FIRST = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")  # 31.01.2026: never month first, unlike 01/31/2026
# 3/27/2026 as a US spreadsheet program saves a date cell in a CSV, 27/03/2026 as a British one does
_SLASHED = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*")
DAY_FIRST, MONTH_FIRST = "day first", "month first"


class CellError(Exception):
    """A cell that does not hold what its column needs; the message says what was expected."""


def _formula(cell: Formula, label: str) -> CellError:
    return CellError(f"'{label}' holds a formula ({cell.text}): okrsite reads values, not formulas; "
                     "paste the values instead")


def number_text(value: int | float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() and abs(value) < 1e15 else str(value)


def clean_text(text: str, multiline: bool = False) -> str:
    """Control characters removed; one line (runs of space made one) unless multiline."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not multiline:
        return " ".join(text.split())
    lines = [line.rstrip() for line in text.replace("\u2028", "\n").replace("\u2029", "\n\n").split("\n")]
    return "\n".join(lines).strip("\n")


def text(cell: Cell, label: str, multiline: bool = False) -> str:
    """Any cell as text ('' when empty): a number as written, a date as 2026-01-31."""
    if isinstance(cell, Formula):
        raise _formula(cell, label)
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, (int, float)):
        return number_text(cell)
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return clean_text(cell, multiline)


def number(cell: Cell, label: str, decimal_comma: bool = False) -> int | float | None:
    """A number: 1200, 1,200, 99.5, -3, 10% (as 10); with decimal_comma 99,5 and 1.200,5."""
    if isinstance(cell, bool) or isinstance(cell, dt.date):
        raise CellError(f"'{label}' is not a number: {text(cell, label)!r}")
    if isinstance(cell, (int, float)):
        if not math.isfinite(cell):
            raise CellError(f"'{label}' is not a finite number: {cell}")
        return cell
    written = text(cell, label)
    if not written:
        return None
    bare = written.removesuffix("%").rstrip()
    value = _parse_number(bare, decimal_comma)
    if value is None:
        hint = ""
        if _parse_number(bare, not decimal_comma) is not None and ("," in bare or "." in bare):  # read the other way
            hint = " (with --decimal-comma, write decimals as 99,5)" if decimal_comma else DECIMAL_COMMA_HINT
        raise CellError(f"'{label}' is not a number: {written!r}{hint}")
    return value


def decimal_comma_doubt(cell: Cell) -> str | None:
    """What text read without --decimal-comma may have meant in a sheet that writes decimal commas
    (a ';'-separated one, as such locales' spreadsheet programs save): 1,500 read as thousands
    may be a decimal; 1.200 read as a decimal may be thousands, a thousand times more."""
    bare = cell.strip().removesuffix("%").rstrip() if isinstance(cell, str) else ""
    if re.fullmatch(r"[+-]?\d{1,2},\d{3}", bare):
        return "the comma may be a decimal comma"
    if re.fullmatch(r"[+-]?[1-9]\d{0,2}\.\d{3}", bare):  # (0.250 is a decimal however it is read)
        return "the dot may group thousands"
    return None


def _parse_number(written: str, decimal_comma: bool) -> int | float | None:
    """None when the text is no number written this way. A group of thousands starts with 1-9:
    0,250 is never 250, however the sheet is read."""
    point, group = (",", ".") if decimal_comma else (".", ",")
    spaced = _SPACES.sub(" ", written.replace("\u2212", "-"))
    pattern = (rf"[+-]?(?:[1-9]\d{{0,2}}(?:[{re.escape(group)} ]\d{{3}})+|\d+|(?=\{point}\d))"
               rf"(?:\{point}\d+)?(?:[eE][+-]?\d+)?")
    if not re.fullmatch(pattern, spaced):
        return None
    plain = spaced.replace(" ", "").replace(group, "").replace(point, ".")
    if "." not in plain and "e" not in plain.lower():
        return int(plain)
    value = float(plain)
    return value if math.isfinite(value) else None


def is_percent(cell: Cell) -> bool:
    """Written with a percent sign (10%): the unit is then '%' unless the row names another."""
    return isinstance(cell, str) and cell.strip().endswith("%")


def fraction(cell: Cell, label: str, decimal_comma: bool = False) -> float | None:
    """A confidence: 0 to 1, or a percentage (70% is 0.7)."""
    value = number(cell, label, decimal_comma)
    if value is None:
        return None
    if is_percent(cell):
        value = value / 100
    if not 0 <= value <= 1:
        raise CellError(f"'{label}' must be from 0 to 1 (or a percentage such as 70%), got {text(cell, label)!r}")
    return value


def date(cell: Cell, label: str, slashed: str | None = None) -> dt.date | None:
    """A date cell, or text written 2026-01-31 or 31.01.2026 (day first, as where dots are used);
    03/04/2026 is 3 April or March 4: read in the order the sheet's slashed dates give
    (`slashed_order`), else an error."""
    if isinstance(cell, dt.date):
        return cell
    written = text(cell, label)
    if not written:
        return None
    day_first = _DAY_FIRST.fullmatch(written)
    parts = _SLASHED.fullmatch(written)
    try:
        if day_first is not None:
            return dt.date(int(day_first[3]), int(day_first[2]), int(day_first[1]))
        if parts is not None and slashed in (DAY_FIRST, MONTH_FIRST):
            first, second = int(parts[1]), int(parts[2])
            return dt.date(int(parts[3]), *((second, first) if slashed == DAY_FIRST else (first, second)))
        if isinstance(cell, str) and parts is None:
            return calendar_date(written)
    except ValueError:
        pass
    why = _SLASHED_WHY.get(slashed, _SLASHED_WHY[None]).format(slashed) + ": " if parts is not None else ""
    raise CellError(f"'{label}' is not a date: {written!r} ({why}write 2026-01-31, or 31.01.2026 day first)")


# Why a slashed date was not read, by the order of the sheet's slashed dates (slashed_order)
_NO_DAY = "read {}, as the sheet's dates are written, it is no day of the calendar"
_SLASHED_WHY = {DAY_FIRST: _NO_DAY, MONTH_FIRST: _NO_DAY,
                "both": "the sheet's dates are written both day first and month first (27/03/2026, 3/27/2026)",
                None: "no date of the sheet tells whether it is day or month first"}


def slashed_order(written: Iterable[Cell]) -> str | None:
    """The order of a sheet's slashed dates, from those only one order can read: DAY_FIRST when a
    first number is above 12 (27/03/2026), MONTH_FIRST when a second one is (3/27/2026); "both"
    when they disagree, None when none tells (a US or British spreadsheet program writes every
    date cell of a sheet in one order when it saves a CSV)."""
    found = set()
    for cell in written:
        parts = _SLASHED.fullmatch(cell) if isinstance(cell, str) else None
        if parts is not None and (int(parts[1]) > 12) != (int(parts[2]) > 12):
            found.add(DAY_FIRST if int(parts[1]) > 12 else MONTH_FIRST)
    return "both" if len(found) > 1 else next(iter(found), None)


def done(cell: Cell, label: str) -> bool | None:
    """Yes or no: yes/no, true/false, 1/0, x, done."""
    if isinstance(cell, bool):
        return cell
    written = text(cell, label).casefold()
    if not written:
        return None
    if written in _YES:
        return True
    if written in _NO:
        return False
    raise CellError(f"'{label}' is not yes or no: {text(cell, label)!r}")


def milestones(cell: Cell, label: str) -> tuple[dict[str, object], ...]:
    """One milestone per line: '[x] Title' when done, '[ ] Title' or 'Title' when not,
    and '(due 2026-03-15)' at the end for a due date."""
    result = []
    for line in text(cell, label, multiline=True).split("\n"):
        match = _MILESTONE.fullmatch(line.strip())
        if not line.strip() or match is None:
            continue
        title = " ".join(match["title"].split())
        if not title:
            raise CellError(f"'{label}': a milestone without a title: {line.strip()!r}")
        item: dict[str, object] = {"title": title, "done": (match["mark"] or "") in _DONE_MARKS}
        if match["due"] is not None:
            try:
                item["due"] = calendar_date(match["due"].strip())
            except ValueError:
                raise CellError(f"'{label}': the due date of {title!r} is not a date like 2026-03-15: "
                                f"{match['due']!r}") from None
        result.append(item)
    return tuple(result)


def milestones_text(items: list[tuple[str, bool, dt.date | None]]) -> str:
    """The cell that milestones() reads back: one '[x] Title (due 2026-03-15)' per line."""
    return "\n".join(f"[{'x' if is_done else ' '}] {title}" + (f" (due {due.isoformat()})" if due else "")
                     for title, is_done, due in items)


def names(cell: Cell, label: str) -> tuple[str, ...]:
    """Several names in one cell, separated by commas, semicolons or line breaks."""
    return tuple(name for part in re.split(r"[,;\n]", text(cell, label, multiline=True))
                 if (name := " ".join(part.split())))


def word(cell: Cell, label: str, words: dict[str, str]) -> str | None:
    """One of a few words (any case): the value `words` gives it."""
    written = text(cell, label)
    if not written:
        return None
    found = words.get(written.casefold())
    if found is None:
        choices = ", ".join(dict.fromkeys(words.values()))
        raise CellError(f"'{label}' must be one of {choices}, got {written!r}")
    return found


def priority(cell: Cell, label: str) -> int | None:
    """0 to 3, also written P0 to P3."""
    written = text(cell, label)
    if not written:
        return None
    match = re.fullmatch(r"[Pp]?\s*([0-3])(?:\.0*)?", written)
    if match is None:
        raise CellError(f"'{label}' must be 0 to 3 (or P0 to P3), got {written!r}")
    return int(match[1])


def checkins(cell: Cell, label: str, decimal_comma: bool = False) -> tuple[dict[str, object], ...]:
    """One check-in per line, `date; value or zone; confidence; note`, the last fields optional:
    `2026-04-30; 99.95; 0.8`, `2026-04-24; commit`, `2026-05-06; ; 70%; First draft`."""
    result = []
    for line in text(cell, label, multiline=True).split("\n"):
        if not line.strip():
            continue
        fields = [part.strip() for part in line.split(";", 3)] + ["", "", ""]
        shown = f"'{label}': the check-in {line.strip()!r}"
        try:
            entry: dict[str, object] = {"date": calendar_date(fields[0])}
        except ValueError:
            raise CellError(f"{shown} does not start with a date like 2026-01-31 (then '; value; confidence; "
                            "note')") from None
        try:
            if fields[1].casefold() in ZONES:
                entry["zone"] = fields[1].casefold()
            elif fields[1]:
                entry["value"] = number(fields[1], "value", decimal_comma)
            if fields[2]:
                entry["confidence"] = fraction(fields[2], "confidence", decimal_comma)
        except CellError as problem:
            raise CellError(f"{shown}: {problem}") from None
        if fields[3]:
            entry["note"] = fields[3]
        result.append(entry)
    return tuple(result)


def checkins_text(entries: list[tuple[dt.date, float | str | None, float | None, str]]) -> str:
    """The cell that checkins() reads back: (date, value or zone, confidence, note), one a line."""
    lines = []
    for day, value, confidence, note in entries:
        fields = [day.isoformat(), "" if value is None else value if isinstance(value, str) else number_text(value),
                  "" if confidence is None else number_text(confidence), " ".join(note.split())]
        while not fields[-1]:
            fields.pop()  # the date is never empty
        lines.append("; ".join(fields))
    return "\n".join(lines)


def period(cell: Cell, label: str) -> str:
    """A period id ('' when empty); Q1 2026, 2026 Q1 and 2026-q1 all become 2026-Q1 (Q1 alone stays
    as it is: its year is not known)."""
    written = text(cell, label)
    return written_period(written) or written
