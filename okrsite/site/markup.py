"""Escaping as MarkupSafe escapes, for what templates print and the theme's helpers build.

A 1,000-objective build escapes ~1.2 million values. MarkupSafe 3's `escape` is Python around a
C function: it copies a Markup it is given (a helper's output, printed again) and makes each
result through Markup's Python `__new__`. `escape_output` gives the same bytes in a third of the
time for those two cases, and leaves every other value to MarkupSafe.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

try:  # MarkupSafe 3: the C function under escape(), which is Python there
    from markupsafe._speedups import _escape_inner
except ImportError:  # MarkupSafe 2 (escape() is C), or built without its speedups
    _escape_inner = None


def escape_output(value: Any) -> Markup:
    """`markupsafe.escape(value)`: a Markup as it is (immutable: no copy needed), text escaped by
    MarkupSafe's C function straight into a Markup, anything else by MarkupSafe."""
    kind = type(value)
    if kind is Markup:
        return value
    if kind is str and _escape_inner is not None:
        return str.__new__(Markup, _escape_inner(value))
    return escape(value)
