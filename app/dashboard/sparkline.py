"""A trend line drawn on the server as inline SVG: no script, no CDN, nothing to load.

The line is decoration for sighted readers; the SVG carries a text alternative with the
first, last and highest month, and the pages show the same figures in their tables."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 96
HEIGHT = 24
PAD = 2


def sparkline(values: Sequence[int], description: str) -> Markup:
    """``values`` (one per period, oldest first) as a polyline scaled to the largest; a flat
    line at the bottom when all are zero. ``description`` becomes the SVG's accessible name."""
    title = escape(description)
    if not values:
        return Markup(f'<span class="spark-none">{title}</span>')  # noqa: S704 - escaped
    top = max(max(values), 1)
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    points = " ".join(
        f"{PAD + i * step:.1f},{HEIGHT - PAD - (max(v, 0) / top) * (HEIGHT - 2 * PAD):.1f}"
        for i, v in enumerate(values)
    )
    last_x, last_y = points.rsplit(" ", 1)[-1].split(",")
    return Markup(  # noqa: S704 - only numbers and the escaped description go in
        f'<svg class="spark" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{title}"><title>{title}</title>'
        f'<polyline points="{points}" fill="none" stroke="currentColor" stroke-width="1.5" '
        f'stroke-linejoin="round" stroke-linecap="round"/>'
        f'<circle cx="{last_x}" cy="{last_y}" r="2" fill="currentColor"/></svg>'
    )
