"""Bar charts for the admin's dashboard pages, drawn on the server as inline SVG (no CDN, no JavaScript).

``bar_chart`` computes the geometry; ``admin/humanglue/bar_chart.html`` draws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 720, 220
TOP, BOTTOM, LEFT = 24, 36, 8  # room for the value above a bar and the label below it


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int | float
    shown: str  # the value as the page prints it
    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> float:
        return self.x + self.width / 2

    @property
    def value_y(self) -> float:
        return self.y - 6


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> int:
        return self.height - BOTTOM

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def bar_chart(title: str, points: Sequence[tuple[str, Decimal | int | float]], *, unit: str = "") -> BarChart:
    """One bar per (label, value); bar heights relative to the largest value (all zero: flat bars)."""
    largest = max((float(value) for _, value in points), default=0.0) or 1.0
    slot = (WIDTH - LEFT * 2) / max(len(points), 1)
    room = HEIGHT - TOP - BOTTOM
    bars = []
    for n, (label, value) in enumerate(points):
        height = max(float(value), 0.0) / largest * room
        bars.append(Bar(label=label, value=value, shown=f"{unit}{value:,.0f}" if value else "",
                        x=LEFT + n * slot + slot * 0.15, y=TOP + room - height, width=slot * 0.7, height=height))
    return BarChart(title=title, bars=bars)
