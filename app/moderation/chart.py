"""The geometry of a small stacked bar chart, drawn by the template as SVG: no request, no
script. One bar per day, one segment per series, stacked in the series' order from the
bottom; a few round-numbered grid lines."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 600, 180
# Room for the axis labels: left for the counts, bottom and right for the dates.
LEFT, BOTTOM, TOP, RIGHT = 32, 20, 8, 14
GAP = 2  # between bars


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    series: str
    index: int  # the day
    value: int


@dataclass(frozen=True)
class GridLine:
    y: float
    value: int


@dataclass(frozen=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    segments: list[Segment]
    grid: list[GridLine]
    labels: list[Label]
    scale_max: int
    plot_left: float
    plot_bottom: float


def nice_max(value: int) -> int:
    """The smallest of 1, 2, 5 × 10ⁿ at or above `value` (at least 1): the axis's top."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def stacked_bars(series: dict[str, list[int]], labels: list[str], *, width: int = WIDTH,
                 height: int = HEIGHT, label_every: int = 7) -> Chart:
    """Place a stacked bar per position of the series (all of one length, as `labels`)."""
    count = len(labels)
    plot_width = width - LEFT - RIGHT
    plot_height = height - TOP - BOTTOM
    bottom = TOP + plot_height
    totals = [sum(values[i] for values in series.values()) for i in range(count)]
    top = nice_max(max(totals, default=0))
    slot = plot_width / count if count else plot_width
    bar = max(slot - GAP, 1)
    segments = []
    for i in range(count):
        stacked = 0
        for name, values in series.items():
            if not values[i]:
                continue
            h = values[i] / top * plot_height
            y = bottom - (stacked + values[i]) / top * plot_height
            segments.append(Segment(round(LEFT + i * slot + GAP / 2, 2), round(y, 2),
                                    round(bar, 2), round(h, 2), name, i, values[i]))
            stacked += values[i]
    grid = [GridLine(round(bottom - v / top * plot_height, 2), v)
            for v in sorted({0, top // 2, top})]
    shown = [Label(round(LEFT + i * slot + slot / 2, 2), labels[i])
             for i in range(count) if (count - 1 - i) % label_every == 0]
    return Chart(width, height, segments, grid, shown, top, LEFT, bottom)
