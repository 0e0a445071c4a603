"""The charts' colours: the theme's CSS custom properties, light and dark, in one mapping.

The default theme declares its status colours (`--on-track`, `--at-risk`, …) and
ink colours (`--text`, `--muted`, …) in `static/style.css`, once in `:root` and
once inside `@media (prefers-color-scheme: dark)`. Charts read the same
variables from the site's theme at build time, so a site theme that overrides
them recolours its charts too. `DEFAULT_LIGHT`/`DEFAULT_DARK` are the fallbacks
for anything a theme does not declare (or declares in a form we cannot use).

Pure text processing: no matplotlib here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# Colour roles a chart uses, and the theme variable each one reads.
ROLES: tuple[str, ...] = (
    "text", "muted", "grid", "track", "marker", "surface",
    "on-track", "at-risk", "off-track", "done", "not-started", "active", "not-done",
    "halt", "review", "push", "keep",
    "on-track-text", "at-risk-text", "off-track-text", "done-text",
)
VARIABLES: dict[str, str] = {
    "text": "--text", "muted": "--muted", "grid": "--border", "track": "--track", "marker": "--marker",
    "surface": "--surface", "on-track": "--on-track", "at-risk": "--at-risk", "off-track": "--off-track",
    "done": "--done", "not-started": "--not-started", "active": "--active", "not-done": "--not-done",
    "halt": "--halt", "review": "--review", "push": "--push", "keep": "--keep",
    "on-track-text": "--on-track-text", "at-risk-text": "--at-risk-text", "off-track-text": "--off-track-text",
    "done-text": "--done-text",
}
# A status's colour for text (a value's label): the status colours are for marks, and amber on white
# (3.8:1) or grey (3.0:1) is under the 4.5:1 text needs.
TEXT_OF: dict[str, str] = {"on-track": "on-track-text", "at-risk": "at-risk-text", "off-track": "off-track-text",
                           "done": "done-text", "not-started": "muted"}
DEFAULT_LIGHT: dict[str, str] = {
    "text": "#1b2330", "muted": "#5a6472", "grid": "#d9dee5", "track": "#e3e7ec", "marker": "#1b2330",
    "surface": "#ffffff", "on-track": "#1f883d", "at-risk": "#b07800", "off-track": "#cf222e",
    "done": "#2f6fdf", "not-started": "#8c959f", "active": "#0f7b8a", "not-done": "#6e7781",
    "halt": "#cf222e", "review": "#b07800", "push": "#2f6fdf", "keep": "#1f883d",
    "on-track-text": "#1a7f37", "at-risk-text": "#7a5300", "off-track-text": "#b31d28", "done-text": "#2557c4",
}
DEFAULT_DARK: dict[str, str] = {
    "text": "#e4e8ee", "muted": "#9aa4b1", "grid": "#2c333d", "track": "#2a313b", "marker": "#e4e8ee",
    "surface": "#161b22", "on-track": "#3fb950", "at-risk": "#d29922", "off-track": "#f85149",
    "done": "#58a6ff", "not-started": "#8b949e", "active": "#39c5d4", "not-done": "#8b949e",
    "halt": "#f85149", "review": "#d29922", "push": "#58a6ff", "keep": "#3fb950",
    "on-track-text": "#56d364", "at-risk-text": "#e3b341", "off-track-text": "#ff7b72", "done-text": "#79b8ff",
}
DEFAULT_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif'

# Colours both CSS and matplotlib (for PNG) understand: #rgb, #rrggbb, or a plain name.
_USABLE = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]+)$")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_DECLARATION = re.compile(r"(--[\w-]+)\s*:\s*([^;]+)")
_VAR = re.compile(r"^var\(\s*(--[\w-]+)\s*(?:,\s*(.+))?\)$")
_FONT_SAFE = re.compile(r"^[\w\s,\"'.-]+$")


@dataclass(frozen=True)
class Palette:
    """Colours by role for the light and the dark scheme, and the text font stack."""

    light: tuple[tuple[str, str], ...]
    dark: tuple[tuple[str, str], ...]
    font: str = DEFAULT_FONT


def default_palette() -> Palette:
    return Palette(tuple(DEFAULT_LIGHT.items()), tuple(DEFAULT_DARK.items()), DEFAULT_FONT)


def _blocks(css: str) -> Iterable[tuple[str, str]]:
    """Top-level (prelude, body) pairs of a stylesheet, braces matched."""
    depth, start, prelude_start = 0, 0, 0
    for index, char in enumerate(css):
        if char == "{":
            if depth == 0:
                start = index
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                yield css[prelude_start:start].strip(), css[start + 1:index]
                prelude_start = index + 1
        elif char == ";" and depth == 0:
            prelude_start = index + 1


def _root_variables(css: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for prelude, body in _blocks(css):
        if ":root" in prelude.split(",")[0] or prelude.strip() == "html":
            found.update((name, value.strip()) for name, value in _DECLARATION.findall(body))
    return found


def theme_variables(css: str) -> tuple[dict[str, str], dict[str, str]]:
    """The custom properties of `:root`, and those the dark scheme overrides."""
    css = _COMMENT.sub("", css)
    light: dict[str, str] = {}
    dark: dict[str, str] = {}
    for prelude, body in _blocks(css):
        compact = re.sub(r"\s+", "", prelude)
        if compact.startswith("@media") and "prefers-color-scheme:dark" in compact and "print" not in compact:
            dark.update(_root_variables(body))
        elif not compact.startswith("@"):
            light.update(_root_variables(prelude + "{" + body + "}"))
    return light, dark


def _resolve(name: str, variables: dict[str, str], seen: frozenset[str] = frozenset()) -> str | None:
    value = variables.get(name)
    if value is None or name in seen:
        return None
    reference = _VAR.match(value)
    if reference:
        resolved = _resolve(reference.group(1), variables, seen | {name})
        return resolved if resolved is not None else (reference.group(2) or "").strip() or None
    return value


@functools.lru_cache(maxsize=4)
def palette_from_css(css: str) -> Palette:
    """The chart palette from a theme stylesheet; defaults for what it lacks. Kept per stylesheet:
    a build asks for it three times (its charts, its PDFs, the preview's open pages), the preview
    on every save (~10 ms each at the default theme's size)."""
    light_vars, dark_overrides = theme_variables(css)
    dark_vars = {**light_vars, **dark_overrides}
    light: dict[str, str] = {}
    dark: dict[str, str] = {}
    for role in ROLES:
        variable = VARIABLES[role]
        value = _resolve(variable, light_vars)
        light[role] = value if value and _USABLE.match(value) else DEFAULT_LIGHT[role]
        # The dark scheme shows what the page shows in it: the theme's dark value, or
        # its light one when it keeps that; our defaults only for what it never declared.
        value = _resolve(variable, dark_vars)
        fallback = DEFAULT_DARK[role] if dark_overrides else light[role]
        dark[role] = value if value and _USABLE.match(value) else fallback
    font = (_resolve("--font", light_vars) or "").replace("\n", " ")
    font = re.sub(r"\s+", " ", font).strip()
    return Palette(tuple(light.items()), tuple(dark.items()), font if font and _FONT_SAFE.match(font) else DEFAULT_FONT)


def palette_for_theme(theme_dirs: list[Path]) -> Palette:
    """Read the first `static/style.css` of the theme chain (a site theme overrides the built-in one)."""
    for folder in theme_dirs:
        css = folder / "static" / "style.css"
        if css.is_file():
            try:
                return palette_from_css(css.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                break
    return default_palette()
