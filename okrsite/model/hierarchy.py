"""Parent chains (objectives, teams): cycles and depth, found in one pass over the items.

The alignment and team trees are drawn by recursive templates, and roll-ups follow
the chains, so a chain is finite and at most MAX_DEPTH levels deep.
"""

from __future__ import annotations

from okrsite.content import schema as s

MAX_DEPTH = 32  # levels of parents (README, "Safety")


def report_parent_chains(parents: dict[str, str | None], what: str,
                         cursor_of: dict[str, s.Cursor]) -> set[str]:
    """Report each parent cycle once, at every member's `parent:` line, and each chain deeper
    than MAX_DEPTH once, at the first member too deep; return the members of cycles.

    Each item is walked once (chains may be thousands long)."""
    in_cycle: set[str] = set()
    depth: dict[str, int] = {}
    for start in sorted(parents):
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node in parents and node not in depth and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = parents[node]
        if node is not None and node in on_path:
            cycle = path[path.index(node):]
            text = " -> ".join([*cycle, node])
            for member in cycle:
                cursor_of[member].child("parent").error(f"{what} parent cycle: {text}")
                depth[member] = 0
            in_cycle.update(cycle)
            path = path[:path.index(node)]
        below = depth.get(node, 0) if node is not None else 0
        for member in reversed(path):
            below = depth[member] = below + 1
            if below == MAX_DEPTH + 1:
                cursor_of[member].child("parent").error(
                    f"{what} '{member}' is nested {MAX_DEPTH + 1} levels deep; a chain of parents may "
                    f"have at most {MAX_DEPTH} levels")
    return in_cycle
