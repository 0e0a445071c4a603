"""Memos a chart process keeps for every chart it draws: bounded, and keyed by what makes a font."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from matplotlib.font_manager import FontProperties

KEPT_AT_MOST = 50_000  # entries of each memo, for any number of charts


def kept(store: dict[Any, Any], key: Any, make: Callable[[], Any]) -> Any:
    """`store[key]`, made once per process (a store that reaches its bound starts again)."""
    found = store.get(key)
    if found is None:
        if len(store) >= KEPT_AT_MOST:
            store.clear()
        found = store[key] = make()
    return found


def font_key(font: FontProperties) -> Any:
    """What makes one font differ from another, as a key of a memo: the values that matplotlib's
    own hash of a FontProperties is made of, taken in one step (a copy of the object, which its
    metrics cache keeps, costs ten times as much); the copy where they are not hashable (a
    matplotlib that keeps a list among them)."""
    values = tuple(vars(font).values())
    try:
        hash(values)
    except TypeError:
        return font.copy()
    return values
