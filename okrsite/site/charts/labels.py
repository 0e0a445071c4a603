"""Where labels go so that none covers another: pure geometry in pixels, no matplotlib.

The drawing measures each label's text and hands the sizes here; what comes back is
where to put each one (or nothing, when no place is free: the data table still names
every point). Greedy, in the order given, so the most important labels are placed first.
"""

from __future__ import annotations

from collections.abc import Sequence

Box = tuple[float, float, float, float]  # left, bottom, right, top; y grows upwards
Place = tuple[float, float, str, str]  # the text's anchor x, y, horizontal and vertical alignment

# Around a point of radius r: right, left, above, below, then the four diagonals (0.7 ≈ cos 45°).
_AROUND = ((1, 0), (-1, 0), (0, 1), (0, -1), (0.7, 0.7), (-0.7, 0.7), (0.7, -0.7), (-0.7, -0.7))


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(box: Box, frame: Box) -> bool:
    return frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3]


def _candidate(x: float, y: float, r: float, w: float, h: float, dx: float, dy: float, gap: float) -> tuple[Box, Place]:
    px = x + dx * r + (gap if dx > 0 else -gap if dx < 0 else 0)
    py = y + dy * r + (gap if dy > 0 else -gap if dy < 0 else 0)
    left = px if dx > 0 else px - w if dx < 0 else px - w / 2
    bottom = py if dy > 0 else py - h if dy < 0 else py - h / 2
    ha = "left" if dx > 0 else "right" if dx < 0 else "center"
    va = "bottom" if dy > 0 else "top" if dy < 0 else "center"
    return (left, bottom, left + w, bottom + h), (px, py, ha, va)


def place_labels(points: Sequence[tuple[float, float, float]], sizes: Sequence[tuple[float, float]], frame: Box,
                 obstacles: Sequence[Box] = (), gap: float = 3.0) -> list[Place | None]:
    """For each point (x, y, radius), in order, the first spot around it where its label (width,
    height) lies inside the frame and touches no other point, obstacle or label placed before. A
    point inside this one's box (another project with the same figures) is not in its label's way."""
    points_boxes = [(x - r, y - r, x + r, y + r) for x, y, r in points]
    taken: list[Box] = list(obstacles)
    result: list[Place | None] = []
    for index, ((x, y, r), (w, h)) in enumerate(zip(points, sizes)):
        found = None
        own = points_boxes[index]
        others = [b for i, b in enumerate(points_boxes) if i != index and not _inside(b, own)]
        for dx, dy in _AROUND:
            box, place = _candidate(x, y, r, w, h, dx, dy, gap)
            if _inside(box, frame) and not any(overlaps(box, other) for other in taken) and not any(
                    overlaps(box, other) for other in others):
                found = place
                taken.append(box)
                break
        result.append(found)
    return result


def slide(box: Box, region: Box, obstacles: Sequence[Box], directions: Sequence[tuple[float, float]],
          step: float = 4.0) -> tuple[float, float]:
    """How far to move `box` along one of `directions` (unit steps, tried in turn at each distance)
    so that it touches no obstacle and stays inside `region`: the nearest such offset, or (0, 0)
    when there is none (a corner caption stays in its corner, drawn over what is there)."""
    reach = max(region[2] - region[0], region[3] - region[1])
    distance = 0.0
    while distance <= reach:
        for dx, dy in directions:
            moved = (box[0] + dx * distance, box[1] + dy * distance, box[2] + dx * distance, box[3] + dy * distance)
            if _inside(moved, region) and not any(overlaps(moved, other) for other in obstacles):
                return dx * distance, dy * distance
            if not distance:
                break  # where it is: tried once
        distance += step
    return 0.0, 0.0


def spread(positions: Sequence[float], height: float, low: float, high: float) -> list[float]:
    """Centres of labels `height` tall, as near their positions as they can be without overlapping,
    kept within low..high where there is room; the order of the positions is kept."""
    order = sorted(range(len(positions)), key=lambda i: (positions[i], i))
    placed = [positions[i] for i in order]
    for k in range(1, len(placed)):  # push up what overlaps the one below
        placed[k] = max(placed[k], placed[k - 1] + height)
    if placed and placed[-1] + height / 2 > high:  # then down again from the top
        placed[-1] = high - height / 2
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - height)
    if placed and placed[0] - height / 2 < low:  # no room for all: keep the lowest in the frame
        shift = low - (placed[0] - height / 2)
        placed = [p + shift for p in placed]
    result = [0.0] * len(positions)
    for k, i in enumerate(order):
        result[i] = placed[k]
    return result
