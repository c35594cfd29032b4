"""Bar charts as SVG, drawn on the server: nothing to load, no script, and allowed by the pages'
Content-Security-Policy (presentation attributes, no style attributes). Each chart is an image
with a title and a description for screen readers; the table beside it carries every figure.

Bars are stacked: one bar per group (a month, a shop), one segment per series (a category, settled
and open), in the colours of PALETTE, named in a legend.
"""
from __future__ import annotations

from typing import Callable

from markupsafe import Markup, escape

WIDTH, PLOT_HEIGHT = 720, 244
LEFT, RIGHT, TOP, BOTTOM = 88, 170, 16, 56  # room for the axis labels and the legend
SLANT_BELOW = 64
"""Group labels slant when a group is narrower than this (a year of months side by side)."""
LEGEND_LINE = 20
PALETTE = ("#1f5fa6", "#c75b12", "#2e7d32", "#7b3fa0", "#b3261e", "#00707a", "#6d4c41", "#4a5a68")
"""Distinct at 3:1 against white and each other's neighbours."""
TICKS = 4


def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least `value`."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if factor * step >= value:
                return factor * step
        step *= 10


def stacked_bars(chart_id: str, title: str, description: str, groups: list[str], series: list[str],
                 value: Callable[[str, str], int | None], label: Callable[[int], str]) -> Markup:
    """An SVG of one stacked bar per group; `value(group, series)` is a segment (None or 0: none),
    `label` writes an amount on the axis."""
    totals = [sum(value(group, name) or 0 for name in series) for group in groups]
    top = _nice_ceiling(max([*totals, 1]))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = max(PLOT_HEIGHT, LEGEND_LINE * len(series) - BOTTOM)  # tall enough for the legend
    height = TOP + plot_height + BOTTOM
    slot = plot_width / max(len(groups), 1)
    bar = min(slot * 0.6, 64)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>']
    for tick in range(TICKS + 1):
        y = TOP + plot_height - plot_height * tick / TICKS
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#c8cdd2"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="#1b1f23">'
                     f'{escape(label(top * tick // TICKS))}</text>')
    for index, group in enumerate(groups):
        x = LEFT + slot * index + (slot - bar) / 2
        base = TOP + plot_height
        for colour, name in zip(_colours(len(series)), series):
            amount = value(group, name) or 0
            if amount <= 0:
                continue
            size = plot_height * amount / top
            base -= size
            parts.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{size:.1f}" fill="{colour}">'
                         f'<title>{escape(group)}, {escape(name)}: {escape(label(amount))}</title></rect>')
        centre, below = x + bar / 2, height - BOTTOM + 18
        placing = (f'text-anchor="end" transform="rotate(-35 {centre:.1f} {below})"' if slot < SLANT_BELOW
                   else 'text-anchor="middle"')
        parts.append(f'<text x="{centre:.1f}" y="{below}" {placing} font-size="12" fill="#1b1f23">'
                     f'{escape(group)}</text>')
    for index, (colour, name) in enumerate(zip(_colours(len(series)), series)):
        y = TOP + LEGEND_LINE * index
        parts.append(f'<rect x="{WIDTH - RIGHT + 16}" y="{y}" width="14" height="14" fill="{colour}"/>')
        parts.append(f'<text x="{WIDTH - RIGHT + 36}" y="{y + 12}" font-size="12" fill="#1b1f23">'
                     f'{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _colours(count: int) -> list[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(count)]
