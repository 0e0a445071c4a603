"""Options declared once: a dataclass field that carries its check, default and help text.

    @dataclass(frozen=True, kw_only=True)
    class ChartSettings:
        dpi: float = option(s.between(50, 600), 144, "resolution of PNG charts", "number")

The dataclass is what the code reads; the same declaration gives the checker its
schema (`schema_of`), builds the value from checked fields (`construct`), and
writes the reference table of the documentation (`markdown_table`), so a type,
a default or a help text lives in one place (as MkDocs' config options do).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any

from okrsite.content import schema as s


@dataclass(frozen=True)
class Option:
    kind: s.Kind
    help: str
    type: str  # how the documentation names the type: "text", "date", "number from 0 to 1", ...
    required: bool = False
    default_text: str = ""  # the default as the documentation states it, when not the value itself
    nested: type | None = None  # a dataclass of options that the mapping becomes
    many: bool = False  # a list of such mappings
    key: str = ""  # the name in the file, when not the field's name
    slips: tuple[tuple[str, str], ...] = ()  # keys written for this one, and what to tell of it then


def option(kind: s.Kind, default: Any = None, help: str = "", type: str = "", *, required: bool = False,
           default_text: str = "", key: str = "", slips: tuple[tuple[str, str], ...] = ()) -> Any:
    """A dataclass field declared as an option of a file. `default=dataclasses.MISSING`: the
    file's default is nothing and the code always computes the value (the dataclass has none).
    `slips`: keys that are written for this one (no typo of it), each with what to tell of it, for the
    unknown key's error ("did you mean 'key_results'? it takes …")."""
    return dataclasses.field(default=default, metadata={"option": Option(kind, help, type, required, default_text,
                                                                         key=key, slips=slips)})


def group(cls: type, what: str, help: str, *, optional: bool = False, type: str = "map", key: str = "",
          entry: str = "field", default_text: str = "") -> Any:
    """A field holding a mapping of options (`charts: {enabled, format, dpi}`); when not given,
    all its defaults, or None when `optional` (a project without a budget). `entry` names its
    keys in the message for an unknown one."""
    meta = {"option": Option(s.mapping(schema_of(cls), what, entry), help, type, default_text=default_text,
                             nested=cls, key=key)}
    if optional:
        return dataclasses.field(default=None, metadata=meta)
    return dataclasses.field(default_factory=cls, metadata=meta)


def items(cls: type, what: str, help: str, type: str, at_most: int = s.MAX_ITEMS) -> Any:
    """A field holding a list of mappings of options (check-ins, milestones); default empty."""
    return dataclasses.field(default=(), metadata={"option": Option(
        s.list_of(s.mapping(schema_of(cls), what), at_most), help, type, nested=cls, many=True)})


@functools.cache  # construct() asks for every key result, check-in and task of a site
def options_of(cls: type) -> tuple[tuple[str, dataclasses.Field[Any], Option], ...]:
    """(name in the file, field, option) of every declared option of a dataclass, in declaration order."""
    return tuple((f.metadata["option"].key or f.name, f, f.metadata["option"])
                 for f in dataclasses.fields(cls) if "option" in f.metadata)


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None if f.default is dataclasses.MISSING else f.default


def schema_of(cls: type) -> s.Schema:
    """The checker's view of a dataclass's options."""
    return {name: s.Field(opt.kind, opt.required, None if opt.nested and not opt.many else _default(f), opt.slips,
                          opt.type.startswith("text"))
            for name, f, opt in options_of(cls)}


def construct(cls: type, values: dict[str, Any], **computed: Any) -> Any:
    """An instance from checked values, nested groups and lists built too; `computed` sets
    the fields the code works out (and overrides what the file said, where it converts it)."""
    given: dict[str, Any] = {}
    for name, f, opt in options_of(cls):
        if f.name in computed:
            continue
        value = values.get(name)
        if opt.nested is not None and opt.many:
            value = tuple(construct(opt.nested, item) for item in value or ())
        elif opt.nested is not None:
            value = construct(opt.nested, value) if isinstance(value, dict) else _default(f)
        given[f.name] = value
    return cls(**given, **computed)


def _default_cell(f: dataclasses.Field[Any], opt: Option) -> str:
    if opt.default_text:
        return opt.default_text
    if opt.required:
        return "required"
    value = _default(f)
    if opt.nested is not None and not opt.many and value is not None:
        inner = ", ".join(f"{name}: {_yaml(_default(g))}" for name, g, _ in options_of(opt.nested))
        return f"`{{{inner}}}`"
    if value is None or value == () or value == "":
        return "none" if value is None else ("[]" if value == () else '""')
    return f"`{_yaml(value)}`"


def _yaml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value == ():
        return "[]"
    return str(value)


def markdown_table(cls: type, first: str = "key") -> str:
    """The reference table of a dataclass's options, as the documentation shows it."""
    rows = [f"| {first} | type | default | meaning |", "|---|---|---|---|"]
    rows += [f"| `{name}` | {opt.type} | {_default_cell(f, opt)} | {opt.help} |" for name, f, opt in options_of(cls)]
    return "\n".join(rows)
