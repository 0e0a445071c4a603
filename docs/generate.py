#!/usr/bin/env python3
"""Refresh the generated reference tables of the documentation from okrsite's declarations.

    python docs/generate.py          # rewrite the tables in place
    python docs/generate.py --check  # exit 1 when a table is out of date (the test suite does this)

A generated table sits between `<!-- table: NAME -->` and `<!-- end table -->` in
any Markdown file of docs/ or in README.md; NAME is a key of TABLES. Everything
outside those markers is written by hand.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from okrsite.content.config import ChartSettings, CheckSettings, SiteConfig
from okrsite.content.options import markdown_table
from okrsite.model.scoring import Thresholds
from okrsite.model.site import Budget, CheckIn, ChecklistItem, FreePage, Hours, KeyResult, Objective, Project, Team, Update

REPO = Path(__file__).resolve().parent.parent
TABLES = {
    "okrsite.yaml": (SiteConfig, "key"),
    "charts": (ChartSettings, "`charts:` key"),
    "checks": (CheckSettings, "`checks:` rule"),
    "status_thresholds": (Thresholds, "`status_thresholds:` key"),
    "objective": (Objective, "objective field"),
    "key result": (KeyResult, "key result field"),
    "check-in": (CheckIn, "check-in field"),
    "milestone or task": (ChecklistItem, "milestone or task field"),
    "project": (Project, "project field"),
    "budget": (Budget, "`budget:` field"),
    "hours": (Hours, "`hours:` field"),
    "update": (Update, "update field"),
    "team": (Team, "teams.yaml field"),
    "page": (FreePage, "free page field"),
}
BLOCK = re.compile(r"(<!-- table: (?P<name>[^>]+?) -->\n)(?P<body>.*?)(<!-- end table -->)", re.S)


def documents() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def refreshed(text: str) -> str:
    def table(match: re.Match[str]) -> str:
        cls, first = TABLES[match["name"]]
        return f"{match.group(1)}{markdown_table(cls, first)}\n{match.group(4)}"
    return BLOCK.sub(table, text)


def stale() -> list[str]:
    """The documents whose generated tables differ from the declarations."""
    return [path.relative_to(REPO).as_posix() for path in documents()
            if path.read_text(encoding="utf-8") != refreshed(path.read_text(encoding="utf-8"))]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        out_of_date = stale()
        for name in out_of_date:
            print(f"{name}: generated tables are out of date: run python docs/generate.py", file=sys.stderr)
        return 1 if out_of_date else 0
    for path in documents():
        text = path.read_text(encoding="utf-8")
        if refreshed(text) != text:
            path.write_text(refreshed(text), encoding="utf-8")
            print(f"updated {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
